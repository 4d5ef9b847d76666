"""``--install-desktop-entry`` / ``--uninstall-desktop-entry``: a freedesktop launcher and its icon
under ``$XDG_DATA_HOME`` (default ``~/.local/share``), so the app shows in the desktop's menus.

Two files are written, and exactly those two are removed again:
``applications/gradient-mountain.desktop`` and
``icons/hicolor/scalable/apps/gradient-mountain.svg``.
No Qt here: this runs from the command line.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from app.about import version
from app.core.presets import resource_path

APP_ID = "gradient-mountain"
ICON_RESOURCE = "icons/gradient-mountain.svg"
MARKER = "X-GradientMountain-Version"    # marks a launcher this module wrote
OPTIONS = {                              # the command line's own options (each given alone)
    "--version": "print the version and exit",
    "--install-desktop-entry": "add Gradient Mountain to the desktop's menus (a .desktop "
                               "launcher and its icon under $XDG_DATA_HOME or ~/.local/share)",
    "--uninstall-desktop-entry": "remove exactly the launcher and icon that "
                                 "--install-desktop-entry wrote",
}


def data_home() -> Path:
    """``$XDG_DATA_HOME`` if it is an absolute path (the spec ignores others), else
    ``~/.local/share``."""
    env = os.environ.get("XDG_DATA_HOME", "")
    return Path(env) if env and os.path.isabs(env) else Path.home() / ".local" / "share"


def entry_paths(base: Path | None = None) -> tuple[Path, Path]:
    """(the .desktop file, the icon) under ``base`` (default :func:`data_home`)."""
    base = data_home() if base is None else base
    return (base / "applications" / f"{APP_ID}.desktop",
            base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg")


def launch_command() -> list[str]:
    """How the launcher starts the app: the installed ``gradient-mountain`` script beside this
    interpreter (a venv or pipx), else the one on PATH, else ``python -m app``."""
    beside = Path(sys.executable).parent / APP_ID      # not resolved: a venv's bin/ links out
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside.absolute())]
    found = shutil.which(APP_ID)
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "app"]


def _exec_arg(arg: str) -> str:
    """One Exec argument, quoted as the Desktop Entry spec asks (then escaped as a string)."""
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg.replace("%", "%%")
    quoted = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return ('"' + quoted + '"').replace("\\", "\\\\").replace("%", "%%")


def desktop_file_text(command: list[str]) -> str:
    """The launcher's contents for ``command``."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=Gradient Mountain",
        "GenericName=Gradient descent visualiser",
        "Comment=See gradient descent: type a function, drop a walker on the mountain, "
        "watch it descend",
        "Exec=" + " ".join(_exec_arg(a) for a in command),
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;Math;",
        "Keywords=gradient;descent;optimisation;optimization;calculus;surface;",
        f"StartupWMClass={APP_ID}",
        f"{MARKER}={version()}",
        "",
    ])


def install(base: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the launcher and the icon; returns the two paths written."""
    desktop, icon = entry_paths(base)
    source = resource_path(ICON_RESOURCE)
    if not source.is_file():
        raise OSError(f"the icon is missing from this installation: {source}")
    text = desktop_file_text(launch_command() if command is None else command)
    for path, data in ((icon, source.read_bytes()), (desktop, text.encode("utf-8"))):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)                     # never a half-written launcher
    return [desktop, icon]


def uninstall(base: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Remove the launcher (only if this module wrote it) and the icon; directories stay.
    Returns (removed, left alone because they are not ours)."""
    desktop, icon = entry_paths(base)
    removed: list[Path] = []
    kept: list[Path] = []
    if desktop.is_file():
        text = desktop.read_text(encoding="utf-8", errors="replace")
        if any(line.startswith(MARKER + "=") for line in text.splitlines()):
            desktop.unlink()
            removed.append(desktop)
        else:
            kept.append(desktop)
    if icon.is_file():
        icon.unlink()
        removed.append(icon)
    return removed, kept


def desktop_command(option: str, echo: Callable[[str], None] = print) -> int:
    """Run ``--version``, ``--install-desktop-entry`` or ``--uninstall-desktop-entry``."""
    if option == "--version":
        echo(f"gradient-mountain {version()}")
    elif option == "--install-desktop-entry":
        for path in install():
            echo(f"wrote {path}")
    elif option == "--uninstall-desktop-entry":
        removed, kept = uninstall()
        for path in removed:
            echo(f"removed {path}")
        for path in kept:
            echo(f"left {path}: it was not written by gradient-mountain")
        if not removed and not kept:
            echo("nothing to remove: no desktop entry was installed")
    else:
        raise ValueError(f"unknown option {option}")
    return 0
