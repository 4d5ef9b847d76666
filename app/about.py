"""What this copy of Gradient Mountain is: its version, licence and the libraries it stands on
(read from the installed package's metadata; from ``pyproject.toml`` in a source checkout)."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "gradient-mountain"
_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
# shown when the metadata lists no requirements (a source checkout that was never installed)
_KNOWN_LIBRARIES = ("PySide6-Essentials", "pyqtgraph", "numpy", "sympy", "PyOpenGL", "Pillow",
                    "matplotlib", "imageio-ffmpeg", "cmap", "contourpy")


def _pyproject_field(name: str) -> str | None:
    """``name = "…"`` from the [project] table of the source tree's pyproject.toml."""
    try:
        text = _PYPROJECT.read_text(encoding="utf-8")
    except OSError:
        return None
    project = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if project is None:
        return None
    m = re.search(rf'^{re.escape(name)}\s*=\s*"([^"]*)"', project.group(1), re.M)
    return m.group(1) if m else None


def version() -> str:
    """The installed version; in a source tree that is not installed, pyproject's."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    found = _pyproject_field("version")
    if found:
        return found
    from app import __version__

    return __version__


def licence() -> str:
    """The licence (an SPDX expression such as ``MIT``)."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
        found = (meta.get_all("License-Expression") or meta.get_all("License") or [None])[0]
    except metadata.PackageNotFoundError:
        found = None
    return found or _pyproject_field("license") or "MIT"


def _requirement_names() -> list[str]:
    try:
        requires = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        requires = []
    names: list[str] = []
    for req in requires:
        if "extra" in req.partition(";")[2]:        # test/bench extras are not run-time libraries
            continue
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
        if m and m.group(1) not in names:
            names.append(m.group(1))
    return names or list(_KNOWN_LIBRARIES)


def library_versions() -> list[tuple[str, str]]:
    """(name, installed version) of Python and every run-time dependency."""
    rows = [("Python", sys.version.split()[0])]
    for name in _requirement_names():
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows
