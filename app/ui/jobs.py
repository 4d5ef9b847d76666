"""The model's background jobs: plain functions of values that run on a worker thread (no Qt
here, nothing shared is written). Each returns a value the views draw."""

from __future__ import annotations

import numpy as np

from app.core.basins import BasinMap, basin_map
from app.core.compare import compare_walkers as core_compare
from app.core.curvature import Curvature, CurvatureAxes, conditioning_numbers
from app.core.descent import Cancelled, Trajectory
from app.core.expression import CompiledFunction, ExpressionError
from app.core.math_text import prepare as prepare_typeset
from app.core.parameters import compile_with_params
from app.core.pictures import MapPicture, SurfacePicture, surface_picture
from app.core.pictures import map_picture as _map_picture
from app.core.rules import Rule
from app.core.scene import Scene, Walker
from app.core.stability import STABLE_FORMS, stability_hint, stability_limit
from app.core.walks import Walks


def compile_text(text: str, params: dict[str, float] | None = None
                 ) -> CompiledFunction | ExpressionError:
    """The compiled function with the scene's parameter values, or the error (a value: its
    column and ``parameter`` must reach the text box)."""
    try:
        func = compile_with_params(text, params)
    except ExpressionError as e:
        return e
    prepare_typeset(func)           # the panel's f and ∇f, printed here, not on the GUI thread
    return func


def walks(progress, scene: Scene, func: CompiledFunction, revision: int) -> Walks | None:
    """Every walker's walk; long walks go to the window in pieces as they grow
    (``Walks.progressive``), the complete walks are the result. None when cancelled."""
    last = None
    for last in Walks.progressive(scene, func, revision):
        if not last.complete and progress.partial(last):
            return None
    return last


def surface(func: CompiledFunction, scene: Scene) -> SurfacePicture:
    return surface_picture(func, scene.domain, scene.resolution, scene.cmap, scene.exaggeration)


def map_picture(func: CompiledFunction, scene: Scene) -> MapPicture:
    return _map_picture(func, scene.domain, scene.cmap)


def preview_walk(walker: Walker, scene: Scene, func: CompiledFunction) -> Trajectory:
    return walker.run(func, scene)


def curvature_readout(func: CompiledFunction, point: np.ndarray, rule: str, lr: float,
                      params: dict[str, float] | None = None
                      ) -> tuple[str, bool, CurvatureAxes | None]:
    """The readout at ``point``: the Hessian's eigenvalues (f″ for a function of x), the
    rule's stable limit where a formula exists (gradient 2/λmax, momentum 2(1+β)/λmax …)
    and whether η is past it."""
    try:
        cond = conditioning_numbers(func, point)
    except ExpressionError as e:          # the Hessian did not come within the budget
        return f"curvature: {e.message}", False, None
    c = Curvature(cond.eigenvalues, cond.safe_eta)
    text = c.describe(float("inf")).split(";")[0]
    full = Rule.parse(rule).params(lr, **(params or {}))
    limit = stability_limit(rule, c.eigenvalues, full)
    hint = stability_hint(rule, lr, c.eigenvalues, full)
    if limit is not None and rule != "newton":
        text += f"; {rule} is stable for η < {STABLE_FORMS[Rule.parse(rule)]} = {limit:.4g}"
    if rule == "gradient" and cond.best_eta is not None and len(cond.eigenvalues) == 2:
        text += f"; best fixed η = 2/(λmin + λmax) = {cond.best_eta:.4g}"
    if hint:
        text += f" — {hint}"
    if len(c.eigenvalues) == 1:             # a function of x: its second derivative
        text = text.replace("Hessian eigenvalues λ", "f″(x)").replace("λmax", "f″")
    axes = None
    if np.isfinite(cond.eigenvalues).all():
        axes = CurvatureAxes(np.asarray(point, float), np.array(cond.eigenvalues),
                             np.array(cond.eigenvectors))
    return text, hint is not None, axes


def basins(progress, func: CompiledFunction, scene: Scene, walker: Walker,
           resolution: int) -> BasinMap | None:
    """Basins of attraction of ``walker``'s rule; None when cancelled."""
    try:
        return basin_map(func, scene.domain, walker.rule, walker.lr, resolution=resolution,
                         max_steps=scene.max_steps, gtol=scene.gtol, params=dict(walker.params),
                         schedule=walker.schedule, noise=walker.noise, seed=walker.seed,
                         progress=progress.report)
    except Cancelled:
        return None


def compare_walkers(scene, func, index: int = 0) -> list[Walker]:
    """Gradient, momentum and Adam from walker ``index``'s start (see app.core.compare)."""
    return core_compare(scene, func, index)
