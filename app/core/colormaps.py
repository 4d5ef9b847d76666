"""Colour maps from the ``cmap`` package, sampled once into a lookup table and evaluated with numpy.

``cmap`` (pure Python, no matplotlib) holds the published colour tables; it is imported on the
first call for a map, not at import time, so it costs nothing at start-up until a map is drawn.
"""

from __future__ import annotations

import threading

import numpy as np

# our name → cmap's fully namespaced name (a bare "coolwarm" is ambiguous in cmap and warns)
_SOURCES: dict[str, str] = {
    "terrain": "matplotlib:terrain",
    "viridis": "bids:viridis",
    "magma": "bids:magma",
    "coolwarm": "matplotlib:coolwarm",
    "grey": "matlab:gray",        # black → white, the same as matplotlib's "gray"
}

NAMES: tuple[str, ...] = tuple(_SOURCES)

# Entries in each table. The maps are piecewise linear between their control points (viridis and
# magma: 256 colours at k/255), and the table is interpolated linearly, so it is exact except in
# the cell holding a break point of terrain/coolwarm: there it is off by < 1/1000 (< 0.3/255).
_N = 2048

_tables: dict[str, tuple[np.ndarray, np.ndarray]] = {}
_lock = threading.Lock()


def _table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(colours, differences to the next colour), each shape (_N, 3), built on first use."""
    tab = _tables.get(name)
    if tab is None:
        with _lock:                      # meshes are built off the GUI thread too
            tab = _tables.get(name)
            if tab is None:
                from cmap import Colormap

                lut = np.ascontiguousarray(Colormap(_SOURCES[name]).lut(_N)[:, :3], dtype=float)
                step = np.zeros_like(lut)
                step[:-1] = np.diff(lut, axis=0)   # last row 0: t = 1 lands on it with frac 0
                lut.setflags(write=False)
                step.setflags(write=False)
                tab = _tables[name] = (lut, step)
    return tab


def colormap(name: str, t: np.ndarray) -> np.ndarray:
    """RGB in 0…1 for values ``t`` in 0…1 (clipped; NaN maps to 0): shape t.shape + (3,)."""
    if name not in _SOURCES:
        raise ValueError(f"unknown colour map {name!r}; choose one of: {', '.join(NAMES)}")
    lut, step = _table(name)
    x = np.array(t, dtype=float)                 # a copy, worked on in place
    np.nan_to_num(x, copy=False)                 # NaN → 0, ±inf → ±huge (then clipped)
    np.clip(x, 0.0, 1.0, out=x)
    x *= _N - 1
    i = x.astype(np.intp)                        # floor, as x ≥ 0
    x -= i                                       # fraction of the way to the next entry
    rgb = lut.take(i, axis=0)
    rgb += step.take(i, axis=0) * x[..., None]
    return rgb
