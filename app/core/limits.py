"""Every limit on what a user can hand the program, in one place (the README quotes this table).

Values outside these ranges are refused where they come in (``Scene.validate``, scene files,
the command line) with one line naming the value and the range; nothing is clipped silently.

=====================================  =====================================================
what                                   allowed
=====================================  =====================================================
expression                             1 … 1,000 characters (``MAX_EXPRESSION``)
walkers                                1 … 100 (``MAX_WALKERS``)
max steps                              1 … 100,000 (``MAX_STEPS``)
walkers × max steps                    ≤ 200,000 in all (``MAX_TOTAL_STEPS``)
mesh resolution                        8 … 512 (``MIN_RESOLUTION``, ``MAX_RESOLUTION``)
basins resolution                      2 … 512 (``MAX_BASINS_RESOLUTION``)
basins / sweep work                    starts × max steps ≤ 200,000,000 (``MAX_BATCH_WORK``)
sweep: learning rates                  2 … 5,000 (``MAX_SWEEP_COUNT``)
domain bounds, starts                  finite, |v| ≤ 1e6 (``MAX_COORD``)
domain range width                     ≥ 1e-3 × max(1, |min|, |max|) (``MIN_REL_WIDTH``:
                                       the 3D view draws in 32-bit floats)
function parameters                    value, min, max within ±1e6; width as for the domain
learning rate η                        1e-12 … 1000 (``MIN_LR``, ``MAX_LR``)
rule parameters (β, ε, c, …)           finite, |v| ≤ 1e6 (``MAX_RULE_PARAM``)
gradient noise σ                       0 … 1e6 (``app.core.noise.MAX_SIGMA``)
gtol                                   0 … 1e6 (``MAX_GTOL``)
vertical exaggeration                  0.001 … 100 (``MIN_EXAGGERATION``, ``MAX_EXAGGERATION``)
speed (steps/s)                        0.01 … 1000 (``MIN_SPEED``, ``MAX_SPEED``)
camera                                 |azimuth| ≤ 1e6°, elevation −90 … 90°,
                                       distance 1e-6 … 1e9, |centre| ≤ 1e9
frames per second                      1 … 60; a GIF at most 50 (``MAX_FPS``, ``MAX_GIF_FPS``)
animation length (--seconds)           0.1 … 600 s (``MIN_SECONDS``, ``MAX_SECONDS``)
frames in one animation                1 … 3,600, however the length is set (``MAX_FRAMES``)
frame size                             16 … 8192 pixels a side, × scale (1 … 4) ≤ 8192
=====================================  =====================================================
"""

from __future__ import annotations

import math
import numbers

MAX_EXPRESSION = 1000
MAX_WALKERS = 100
MAX_STEPS = 100_000
MAX_TOTAL_STEPS = 200_000
MIN_RESOLUTION, MAX_RESOLUTION = 8, 512
MIN_BASINS_RESOLUTION, MAX_BASINS_RESOLUTION = 2, 512
MAX_BATCH_WORK = 200_000_000
MAX_SWEEP_COUNT = 5000
MAX_COORD = 1e6
MIN_REL_WIDTH = 1e-3      # a 512² mesh then has ≥ 30 float32 steps a cell
MIN_LR, MAX_LR = 1e-12, 1e3
MAX_RULE_PARAM = 1e6
MAX_GTOL = 1e6
MIN_EXAGGERATION, MAX_EXAGGERATION = 1e-3, 100.0
MIN_SPEED, MAX_SPEED = 0.01, 1000.0
MAX_AZIMUTH = 1e6
MIN_DISTANCE, MAX_DISTANCE = 1e-6, 1e9
MAX_CENTER = 1e9
MIN_FPS, MAX_FPS, MAX_GIF_FPS = 1.0, 60.0, 50.0
MIN_SECONDS, MAX_SECONDS = 0.1, 600.0
MAX_FRAMES = 3600
MIN_SIDE, MAX_SIDE = 16, 8192
MAX_SCALE = 4


def is_number(v: object) -> bool:
    """A finite real number (not a bool); a huge whole number is one (never an overflow)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return False
    return isinstance(v, numbers.Integral) or math.isfinite(v)


def in_range(v: object, lo: float, hi: float) -> bool:
    """``v`` is a finite number with lo ≤ v ≤ hi."""
    return is_number(v) and lo <= v <= hi  # type: ignore[operator]


def range_problem(lo: float, hi: float) -> str | None:
    """Why [lo, hi] cannot be a range (a domain's or a parameter's), or None when it can:
    finite, |bounds| ≤ MAX_COORD, lo < hi and the width ≥ MIN_REL_WIDTH·max(1, |lo|, |hi|)."""
    if not (is_number(lo) and is_number(hi)):
        return "needs finite numbers"
    if max(abs(lo), abs(hi)) > MAX_COORD:
        return f"must lie within ±{MAX_COORD:g}"
    if not lo < hi:
        return "needs min < max"
    least = MIN_REL_WIDTH * max(1.0, abs(lo), abs(hi))
    if hi - lo < least:
        return (f"is too narrow: at least {least:.3g} wide (a thousandth of its largest "
                "bound; shift the function nearer 0 to look closer)")
    return None


def count(n: float) -> str:
    """A whole number with thousands separators, for messages: 200,000."""
    return f"{n:,.0f}"


def clip_range(lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] cut to ±MAX_COORD (a default slider range around a large value)."""
    return max(lo, -MAX_COORD), min(hi, MAX_COORD)
