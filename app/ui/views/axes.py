"""The frame around the surface: a base grid on the floor, x/y ticks along the two front edges
(seen from the default camera), a z axis with ticks in f's own units on the left back corner,
and their labels. Pure geometry: segments as (2k, 3) arrays, labels as tuples."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.core.surface import VerticalScale

LABEL = QColor(215, 220, 230)
TITLE = QColor(255, 255, 255)
ALIGN = Qt.AlignmentFlag


def nice_ticks(lo: float, hi: float, target: int = 5) -> np.ndarray:
    """Round tick values inside [lo, hi]: steps of 1, 2 or 5 × 10^k, about ``target`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return np.array([lo])
    raw = (hi - lo) / max(1, target)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    ticks = np.arange(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1) * step
    with np.errstate(all="ignore"):       # rounding 1e300 to 12 decimals overflows
        rounded = np.round(ticks, 12)
    return np.where(np.isfinite(rounded), rounded, ticks) + 0.0


def tick_text(v: float, ticks: np.ndarray) -> str:
    """A tick value with as many decimals as the tick step needs (0.5, 1000, 2e-05)."""
    with np.errstate(all="ignore"):
        step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    if abs(v) < 1e-9 * max(1.0, step):
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        # enough significant digits that neighbours differ: 999,200 beside 999,400
        sig = max(2, math.floor(math.log10(abs(v))) - math.floor(math.log10(step) + 1e-9) + 1)
        if sig > 2 and abs(v) < 1e7 and step >= 1:
            return f"{v:.0f}"
        return f"{v:.{min(sig, 15)}g}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{v:.{decimals}f}"


def _segments(pairs) -> np.ndarray:
    return np.array(pairs, np.float32).reshape(-1, 3) if pairs else np.zeros((0, 3), np.float32)


def axes_geometry(domain, vs: VerticalScale, *, one_d: bool = False,
                  colors: tuple[QColor, QColor] = (LABEL, TITLE)):
    """(grid segments, axis segments, labels) for a surface over ``domain`` shown with ``vs``.
    Labels are ((x, y, z), text, QColor, alignment) for ``LabelsItem``."""
    (x0, x1), (y0, y1) = domain
    e = max(x1 - x0, y1 - y0)
    zb = float(vs.to_display(vs.lo)) - 0.02 * e          # the floor, just under the surface
    z_hi = float(vs.to_display(vs.hi))
    xt = nice_ticks(x0, x1, 6)
    yt = np.array([]) if one_d else nice_ticks(y0, y1, 6)
    if len(yt) > 2:
        yt = yt[yt < y1 - 0.08 * (y1 - y0)]                # the z axis stands at y1
    zt = nice_ticks(vs.lo, vs.hi, 5)
    grid = [((x, y0, zb), (x, y1, zb)) for x in xt] + [((x0, y, zb), (x1, y, zb)) for y in yt]
    grid += [((x0, y0, zb), (x1, y0, zb)), ((x0, y1, zb), (x1, y1, zb)),
             ((x0, y0, zb), (x0, y1, zb)), ((x1, y0, zb), (x1, y1, zb))]
    tick, pad = 0.025 * e, 0.06 * e
    zx, zy = x0, y1
    zs = [float(vs.to_display(v)) for v in zt]
    axes = [((x, y0, zb), (x, y0 - tick, zb)) for x in xt]
    axes += [((x0, y, zb), (x0 - tick, y, zb)) for y in yt]
    axes += [((zx, zy, zb), (zx, zy, z_hi))]
    axes += [((zx, zy, z), (zx - tick, zy, z)) for z in zs]
    label, title = colors
    labels = [((x, y0 - pad, zb), tick_text(x, xt), label, ALIGN.AlignHCenter | ALIGN.AlignTop)
              for x in xt]
    labels += [((x0 - pad, y, zb), tick_text(y, yt), label, ALIGN.AlignRight | ALIGN.AlignVCenter)
               for y in yt]
    labels += [((zx - pad, zy, z), tick_text(v, zt), label, ALIGN.AlignRight | ALIGN.AlignVCenter)
               for v, z in zip(zt, zs, strict=True)]
    labels.append(((0.5 * (x0 + x1), y0 - 2.6 * pad, zb), "x", title, ALIGN.AlignHCenter))
    if not one_d:
        labels.append(((x0 - 2.6 * pad, 0.5 * (y0 + y1), zb), "y", title, ALIGN.AlignRight))
    labels.append(((zx, zy, z_hi + 0.5 * pad), "f(x)" if one_d else "f(x, y)", title,
                   ALIGN.AlignHCenter))
    return _segments(grid), _segments(axes), labels
