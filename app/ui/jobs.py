"""The model's background jobs: plain functions of values that run on a worker thread (no Qt
here, nothing shared is written). Each returns a value the views draw."""

from __future__ import annotations

import numpy as np

from app.core.basins import BasinMap, basin_map
from app.core.curvature import curvature_at
from app.core.descent import Cancelled, Trajectory
from app.core.expression import CompiledFunction, ExpressionError, compile_expression
from app.core.pictures import MapPicture, SurfacePicture, surface_picture
from app.core.pictures import map_picture as _map_picture
from app.core.scene import WALKER_COLORS, Scene, Walker
from app.core.walks import Walks


def compile_text(text: str) -> CompiledFunction | ExpressionError:
    """The compiled function, or the error (a value: its column must reach the text box)."""
    try:
        return compile_expression(text)
    except ExpressionError as e:
        return e


def walks(scene: Scene, func: CompiledFunction, revision: int) -> Walks:
    return Walks.compute(scene, func, revision)


def surface(func: CompiledFunction, scene: Scene) -> SurfacePicture:
    return surface_picture(func, scene.domain, scene.resolution, scene.cmap, scene.exaggeration)


def map_picture(func: CompiledFunction, scene: Scene) -> MapPicture:
    return _map_picture(func, scene.domain, scene.cmap)


def preview_walk(walker: Walker, scene: Scene, func: CompiledFunction) -> Trajectory:
    return walker.run(func, scene)


def curvature_readout(func: CompiledFunction, point: np.ndarray, rule: str,
                      lr: float) -> tuple[str, bool]:
    """The readout text at ``point`` and whether η overshoots there (gradient rule)."""
    try:
        c = curvature_at(func, point)
    except ExpressionError as e:          # the Hessian did not come within the budget
        return f"curvature: {e.message}", False
    if rule == "gradient":
        return c.describe(lr), c.overshoots(lr)
    return c.describe(float("inf")).split(";")[0], False


def basins(progress, func: CompiledFunction, scene: Scene, walker: Walker,
           resolution: int) -> BasinMap | None:
    """Basins of attraction of ``walker``'s rule; None when cancelled."""
    try:
        return basin_map(func, scene.domain, walker.rule, walker.lr, resolution=resolution,
                         max_steps=scene.max_steps, gtol=scene.gtol, params=dict(walker.params),
                         progress=progress.report)
    except Cancelled:
        return None


def compare_walkers(scene, func, index: int = 0) -> list[Walker]:
    """Gradient, momentum and Adam from walker ``index``'s start, with η that suit each:
    plain gradient just inside its stability limit 2/λmax at the start, momentum a third of
    it (its steps grow by up to 1/(1−β)), Adam a step of ~2 % of the domain."""
    w = scene.walkers[index]
    try:
        c = curvature_at(func, w.start)
        limit = c.stability_limit
    except ValueError:           # the Hessian did not come in time: no limit known
        limit = None
    eta = w.lr if w.rule == "gradient" else 0.05
    if limit is not None:
        eta = min(eta, 0.5 * limit)
    extent = max(hi - lo for lo, hi in scene.domain)
    return [Walker("gradient", eta, (), w.start, WALKER_COLORS[0]),
            Walker("momentum", eta / 3, (("beta", 0.9),), w.start, WALKER_COLORS[1]),
            Walker("adam", round(0.02 * extent, 4), (), w.start, WALKER_COLORS[2])]
