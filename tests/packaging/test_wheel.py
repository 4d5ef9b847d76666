"""The wheel works on its own: built with ``pip wheel``, installed into a fresh venv, its
``gradient-mountain`` prints the version, walks, exports a GIF, takes a screenshot of the
window and installs a launcher whose icon comes from the wheel. (The fresh venv borrows this
venv's libraries through a .pth file, so nothing is downloaded but the build backend; ``app``
itself comes from the wheel.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from PIL import Image

from app.about import version

ROOT = Path(__file__).resolve().parents[2]
IN_WHEEL = ("app/cli.py", "app/resources/presets.json", "app/resources/icons/gradient-mountain.svg",
            "app/resources/scenes/compare-optimisers.json", "app/ui/dialogs/help_dialogs.py",
            "app/resources/lessons/01-the-slope.json", "app/core/lesson.py")


def run(args: list, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("timeout", 120)
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def build_wheel(tmp: Path) -> Path:
    """``pip wheel . --no-deps`` on a copy of the sources (the checkout stays untouched)."""
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("app", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    # the build backend from this environment: no download, so nothing to skip offline
    r = run([sys.executable, "-m", "pip", "wheel", src, "-w", tmp / "dist", "--no-deps", "-q",
             "--no-build-isolation"])
    assert r.returncode == 0, r.stderr
    (wheel,) = (tmp / "dist").glob("gradient_mountain-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> tuple[Path, dict[str, str]]:
    """A new venv with the wheel installed (no deps), then this venv's site-packages appended
    to its path for the libraries. Returns its bin/ and an environment to run it in."""
    venv = tmp / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", venv]).returncode == 0
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    r = run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
             "--no-index", "-q", wheel])
    assert r.returncode == 0, r.stderr
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    # a plain path line: this venv's own .pth files (the editable install of the checkout)
    # are not run, so `app` can only come from the wheel
    Path(site.stdout.strip(), "borrowed-libraries.pth").write_text(
        sysconfig.get_path("purelib") + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(GRADIENT_MOUNTAIN_SETTINGS=str(tmp / "settings.ini"),
               XDG_DATA_HOME=str(tmp / "share"))
    return bindir, env


def test_the_wheel_installs_a_working_command(tmp_path):
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(IN_WHEEL) <= names, set(IN_WHEEL) - names
    assert not any(n.startswith(("tests/", "bench/", "resources/")) for n in names)
    bindir, env = fresh_venv(tmp_path, wheel)
    work = tmp_path / "elsewhere"                   # not the checkout: nothing to import there
    work.mkdir()
    command = bindir / "gradient-mountain"

    def cli(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
        return run([command, *args], cwd=work, env=env, timeout=timeout)

    where = run([bindir / "python", "-c", "import app, app.core.presets as p; "
                 "print(app.__file__); print(p.resource_path('presets.json'))"],
                cwd=work, env=env)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert Path(line).resolve().is_relative_to((tmp_path / "venv").resolve()), line

    r = cli("--version")
    assert (r.returncode, r.stdout) == (0, f"gradient-mountain {version()}\n"), r.stderr
    r = cli("presets")
    assert r.returncode == 0 and any(line.split()[0] == "bowl" for line in r.stdout.splitlines())
    r = cli("descend", "--preset", "bowl", "--json")
    assert r.returncode == 0, r.stderr
    walk = json.loads(r.stdout)["walkers"][0]
    assert walk["stop_reason"] == "converged" and abs(walk["final"]["f"]) < 1e-6

    out = work / "bowl.gif"                         # (with no DISPLAY it starts its own Xvfb)
    r = cli("export", "--preset", "bowl", "--out", str(out), "--size", "160x100", "--fps", "10",
            "--frames", "8")
    assert r.returncode == 0, r.stderr
    with Image.open(out) as gif:
        assert gif.format == "GIF" and gif.size == (160, 100) and gif.n_frames > 1

    shot = work / "window.png"                      # the window, Help menu and icon included
    r = cli("--preset", "bowl", "--screenshot", str(shot), "--steps", "3")
    assert r.returncode == 0, r.stderr
    with Image.open(shot) as png:
        assert png.format == "PNG" and png.size == (1280, 800)

    r = cli("--install-desktop-entry")
    assert r.returncode == 0, r.stderr
    share = tmp_path / "share"
    launcher = (share / "applications" / "gradient-mountain.desktop").read_text()
    assert f"Exec={command}\n" in launcher
    icon = share / "icons" / "hicolor" / "scalable" / "apps" / "gradient-mountain.svg"
    assert icon.read_bytes() == (ROOT / "resources/icons/gradient-mountain.svg").read_bytes()
