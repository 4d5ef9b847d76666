"""--version, --install-desktop-entry and --uninstall-desktop-entry in a temporary
$XDG_DATA_HOME: the launcher and icon are written with the right content, the launcher's
command runs, and uninstalling removes exactly those two files."""

from __future__ import annotations

import configparser
import re
import subprocess
from pathlib import Path

import pytest

from app.about import library_versions, licence, version
from app.cli import main
from app.desktop_entry import (
    APP_ID,
    MARKER,
    data_home,
    desktop_file_text,
    entry_paths,
    launch_command,
)

ROOT = Path(__file__).resolve().parents[2]
ICON = ROOT / "resources" / "icons" / "gradient-mountain.svg"


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str                               # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def exec_argv(value: str) -> list[str]:
    """The Exec key's arguments: undo the string escape, then the spec's quoting (inside
    "…", a backslash escapes " ` $ and itself), then %% → %."""
    text = value.replace("\\\\", "\\")
    args: list[str] = []
    word: list[str] = []
    quoted = started = False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted and c == "\\" and text[i + 1:i + 2] in ('"', "`", "$", "\\"):
            word.append(text[i + 1])
            i += 1
        elif c == '"':
            quoted, started = not quoted, True
        elif c == " " and not quoted:
            if word or started:
                args.append("".join(word))
            word, started = [], False
        else:
            word.append(c)
        i += 1
    if word or started:
        args.append("".join(word))
    return [a.replace("%%", "%") for a in args]


def snapshot(base: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and directory under ``base``."""
    return {str(p.relative_to(base)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(base.rglob("*"))}


@pytest.fixture
def share(tmp_path, monkeypatch) -> Path:
    base = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(base))
    # somebody else's files, in the very directories the entry goes to
    (base / "applications").mkdir(parents=True)
    (base / "applications" / "other.desktop").write_text("[Desktop Entry]\nName=Other\n")
    apps = base / "icons" / "hicolor" / "scalable" / "apps"
    apps.mkdir(parents=True)
    (apps / "other.svg").write_text("<svg/>")
    (base / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    return base


def test_version_is_the_project_version(capsys):
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    expected = re.search(r'^version = "([^"]+)"', pyproject, re.M)
    assert expected is not None
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"gradient-mountain {expected.group(1)}\n"
    assert version() == expected.group(1)


def test_options_stand_alone(capsys):
    assert main(["--version", "descend"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --version takes no other arguments"]


def test_about_facts():
    assert licence() == "MIT"
    names = dict(library_versions())
    for lib in ("Python", "numpy", "sympy", "pyqtgraph", "PyOpenGL", "Pillow", "matplotlib"):
        assert re.match(r"\d+\.\d+", names[lib]), (lib, names)
    assert any(n.startswith("PySide6") for n in names)


def test_install_writes_the_launcher_and_icon(share, capsys):
    before = snapshot(share)
    desktop, icon = entry_paths()
    assert desktop == share / "applications" / f"{APP_ID}.desktop"
    assert icon == share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"

    assert main(["--install-desktop-entry"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {desktop}", f"wrote {icon}"]
    entry = read_entry(desktop)
    assert entry["Type"] == "Application" and entry["Name"] == "Gradient Mountain"
    assert entry["Icon"] == APP_ID and entry["Terminal"] == "false"
    assert entry[MARKER] == version()
    assert icon.read_bytes() == ICON.read_bytes()
    # the launcher's command is this installation's, and it runs
    argv = exec_argv(entry["Exec"])
    assert argv == launch_command() and Path(argv[0]).is_absolute()
    r = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=60,
                       cwd=share)
    assert r.returncode == 0 and r.stdout.strip() == f"gradient-mountain {version()}"

    assert main(["--install-desktop-entry"]) == 0            # again: same two files
    capsys.readouterr()
    assert main(["--uninstall-desktop-entry"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"removed {desktop}", f"removed {icon}"]
    assert snapshot(share) == before                       # nothing else touched
    assert main(["--uninstall-desktop-entry"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_uninstall_leaves_a_launcher_it_did_not_write(share, capsys):
    desktop, _ = entry_paths()
    desktop.write_text("[Desktop Entry]\nName=Mine\nExec=true\n")
    assert main(["--uninstall-desktop-entry"]) == 0
    assert "not written by gradient-mountain" in capsys.readouterr().out
    assert desktop.read_text() == "[Desktop Entry]\nName=Mine\nExec=true\n"


def test_data_home_follows_the_spec(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert data_home() == tmp_path / ".local" / "share"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_home() == tmp_path / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert data_home() == tmp_path / "x"


def test_exec_quoting_round_trips(tmp_path):
    command = [str(tmp_path / "my apps" / 'py"th\\on$x`'), "-m", "app", "50%"]
    path = tmp_path / "t.desktop"
    path.write_text(desktop_file_text(command), encoding="utf-8")
    assert exec_argv(read_entry(path)["Exec"]) == command
