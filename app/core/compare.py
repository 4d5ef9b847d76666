"""Compare optimisers: gradient, momentum and Adam from one walker's start, with learning
rates that suit each and read well (``readable``: 0.0005, not 0.000522944)."""

from __future__ import annotations

import math

from app.core.curvature import curvature_at
from app.core.expression import CompiledFunction
from app.core.scene import WALKER_COLORS, Scene, Walker


def readable(x: float) -> float:
    """``x`` rounded down to a number people read at a glance: one significant digit
    (0.000522944 → 0.0005, 0.37 → 0.3), two when the first is 1 (0.0153 → 0.015).
    Rounding down keeps a rate that was chosen below a stability limit below it."""
    x = float(x)
    if not (math.isfinite(x) and x > 0):
        return x
    e = math.floor(math.log10(x))
    m = x / 10.0**e
    if m >= 10.0:                       # log10 rounding at exact powers of ten
        e, m = e + 1, m / 10.0
    digits = math.floor(m * 10.0 + 1e-9) if m < 2 else math.floor(m + 1e-9) * 10
    return float(f"{digits}e{e - 1}")


def compare_walkers(scene: Scene, func: CompiledFunction, index: int = 0) -> list[Walker]:
    """Gradient, momentum and Adam from walker ``index``'s start, with η that suit each:
    plain gradient at half its stability limit 2/λmax at the start (or its own η if smaller),
    momentum a third of it (its steps grow by up to 1/(1−β)), Adam a step of ~2 % of the
    domain; every η made ``readable``."""
    w = scene.walkers[index]
    try:
        limit = curvature_at(func, w.start).stability_limit
    except ValueError:           # the Hessian did not come in time: no limit known
        limit = None
    eta = w.lr if w.rule == "gradient" else 0.05
    if limit is not None:
        eta = min(eta, 0.5 * limit)
    extent = max(hi - lo for lo, hi in scene.domain)
    return [Walker("gradient", readable(eta), (), w.start, WALKER_COLORS[0]),
            Walker("momentum", readable(eta / 3), (("beta", 0.9),), w.start, WALKER_COLORS[1]),
            Walker("adam", readable(0.02 * extent), (), w.start, WALKER_COLORS[2])]
