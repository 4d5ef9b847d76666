"""Pixel helpers for the window tests."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QVector4D


def render(view) -> np.ndarray:
    """The GL view's frame as RGBA (renderToArray gives BGRA; padding=1 is ~4× faster)."""
    bgra = view.renderToArray((view.width(), view.height()), padding=1)
    return bgra[..., [2, 1, 0, 3]]


def distinct_colours(rgb: np.ndarray) -> int:
    flat = rgb[..., :3].reshape(-1, 3).astype(np.uint32)
    return len(np.unique(flat[:, 0] << 16 | flat[:, 1] << 8 | flat[:, 2]))


def project(view, xyz) -> tuple[float, float]:
    """Pixel (column, row from the top) of a world point, with the view's own matrices."""
    w, h = view.width(), view.height()
    m = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
    c = m.map(QVector4D(float(xyz[0]), float(xyz[1]), float(xyz[2]), 1.0))
    nx, ny = c.x() / c.w(), c.y() / c.w()
    return (nx + 1) / 2 * w, (1 - ny) / 2 * h


def walker_centre(view, walker: int = 0) -> tuple[float, float, float]:
    """The centre of walker ``walker``'s ball as drawn in the 3D view."""
    x, y, z = view.walkers.centres[walker]
    return float(x), float(y), float(z)


def red_mask(rgb: np.ndarray) -> np.ndarray:
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    return (r > 140) & (r > 2.2 * g) & (r > 2.2 * b)
