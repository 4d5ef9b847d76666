"""Colour maps as piecewise-linear control points, evaluated with numpy (no matplotlib needed)."""

from __future__ import annotations

import numpy as np

# (position, (r, g, b)) control points in 0…1. "terrain" follows matplotlib's terrain map.
_MAPS: dict[str, list[tuple[float, tuple[float, float, float]]]] = {
    "terrain": [(0.0, (0.2, 0.2, 0.6)), (0.15, (0.0, 0.6, 1.0)), (0.25, (0.0, 0.8, 0.4)),
                (0.5, (1.0, 1.0, 0.6)), (0.75, (0.5, 0.36, 0.33)), (1.0, (1.0, 1.0, 1.0))],
    "viridis": [(0.0, (0.267, 0.005, 0.329)), (0.25, (0.229, 0.322, 0.546)),
                (0.5, (0.128, 0.567, 0.551)), (0.75, (0.369, 0.789, 0.383)),
                (1.0, (0.993, 0.906, 0.144))],
    "magma": [(0.0, (0.001, 0.0, 0.014)), (0.25, (0.316, 0.071, 0.485)),
              (0.5, (0.716, 0.215, 0.475)), (0.75, (0.987, 0.535, 0.382)),
              (1.0, (0.987, 0.991, 0.75))],
    "coolwarm": [(0.0, (0.230, 0.299, 0.754)), (0.5, (0.865, 0.865, 0.865)),
                 (1.0, (0.706, 0.016, 0.150))],
    "grey": [(0.0, (0.15, 0.15, 0.15)), (1.0, (0.95, 0.95, 0.95))],
}

NAMES: tuple[str, ...] = tuple(_MAPS)


def colormap(name: str, t: np.ndarray) -> np.ndarray:
    """RGB in 0…1 for values ``t`` in 0…1 (clipped; NaN maps to 0): shape t.shape + (3,)."""
    if name not in _MAPS:
        raise ValueError(f"unknown colour map {name!r}; choose one of: {', '.join(NAMES)}")
    pos = np.array([p for p, _ in _MAPS[name]])
    rgb = np.array([c for _, c in _MAPS[name]])
    t = np.clip(np.nan_to_num(np.asarray(t, float)), 0.0, 1.0)
    return np.stack([np.interp(t, pos, rgb[:, i]) for i in range(3)], axis=-1)
