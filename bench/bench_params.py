"""Parameter sliders: what one value change costs, and how many the window can show a second.

A change of κ in the conditioning preset rebinds the compiled program (no parsing, no
differentiation) and recomputes what the window shows: the surface mesh (150², the scene's
resolution), every walker's path with its ground samples, and the map. The goal is ≥ 15
updates/s (the three computed one after another here; the window runs them on two workers).
"""

from __future__ import annotations

import itertools

from app.core.expression import compile_expression
from app.core.parameters import compile_scene
from app.core.pictures import map_picture, surface_picture
from app.core.scene import Scene
from app.core.walks import Walks
from bench.timing import median_seconds


def rows() -> list[tuple[str, float, str]]:
    scene = Scene.from_preset("conditioning").replace(resolution=150)
    func = compile_scene(scene)
    kappas = itertools.cycle([2.0, 5.0, 8.0, 9.5])     # values where η = 0.19 converges

    def rebind():
        return func.with_params(kappa=next(kappas))

    def update():
        s = scene.with_param_values(kappa=next(kappas))
        f = compile_scene(s)                          # cached text: a rebind
        surface_picture(f, s.domain, s.resolution, s.cmap, s.exaggeration)
        Walks.compute(s, f)
        map_picture(f, s.domain, s.cmap)

    t_compile = median_seconds(lambda: compile_expression(scene.expression, scene.param_values),
                               repeat=5)
    t_bind = median_seconds(rebind, repeat=200)
    t_update = median_seconds(update, repeat=9)
    return [("conditioning preset: full compile (parse, AD program, ∇f shown)", t_compile * 1e3,
             "ms"),
            ("conditioning preset: parameter change, rebind only", t_bind * 1e6, "µs"),
            ("parameter change → surface 150² + walks + map (goal ≥ 15)", 1.0 / t_update,
             "updates/s")]
