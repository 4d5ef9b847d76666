"""``gradient-mountain descend`` and ``basins``: run the scene's walkers (or one walker from a
grid of starts) and print the result, as a table or one JSON object.

``scene_from_args`` (``app.cli``) turns the options into the Scene; bad input is a
ValueError or ``usage_error`` with one line.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable

from app.cli_checks import check_resolution, check_work
from app.core.rules import Rule
from app.core.scene import Scene

SceneOf = Callable[[argparse.Namespace], Scene]


def finite_or_none(v: float) -> float | None:
    """A number for strict JSON: NaN and ±inf become null."""
    v = float(v)
    return v if math.isfinite(v) else None


def _walk_json(walker, traj, dim: int) -> dict:
    last = traj[-1]
    return {"rule": walker.rule, "learning_rate": walker.lr, "params": dict(walker.params),
            "color": walker.color, "start": list(walker.start),
            "points": [[*map(finite_or_none, s.point), finite_or_none(s.f)] for s in traj],
            "stop_reason": traj.stop_reason.value, "steps": traj.steps,
            "final": {"x": finite_or_none(last.point[0]),
                      "y": finite_or_none(last.point[1]) if dim == 2 else None,
                      "f": finite_or_none(last.f), "grad_norm": finite_or_none(last.grad_norm)}}


def descend_command(a: argparse.Namespace, scene_from_args: SceneOf) -> int:
    from app.core.walks import animation_steps

    scene = scene_from_args(a)
    func = scene.compile()
    trajs = scene.run_all(func)
    if a.json:
        doc = {"expression": scene.expression,
               **({"params": scene.param_values} if scene.params else {}),
               "steps": animation_steps(trajs), "walkers": [_walk_json(w, t, func.dim)
                           for w, t in zip(scene.walkers, trajs, strict=True)]}
        print(json.dumps(doc, allow_nan=False))
        return 0
    values = ", ".join(f"{n} = {v:g}" for n, v in func.params.items())
    print(f"f = {scene.expression}" + (f"   with {values}" if values else "")
          + f"\n{func.gradient_text}")
    for i, (w, traj) in enumerate(zip(scene.walkers, trajs, strict=True), start=1):
        head = f"walker {i}: " if len(trajs) > 1 else ""
        print(f"\n{head}rule {w.rule}: {Rule.parse(w.rule).formula}   η = {w.lr:g}\n")
        if a.explain:
            from app.core.explain import explain_run

            print(explain_run(traj))            # (quiet about inf: explain_step's errstate)
            continue
        _print_table(traj, func.dim)
        print(f"\n{traj.message} after {traj.steps} steps")
    return 0


def _print_table(traj, dim: int) -> None:
    cols = ("x", "y")[:dim]
    print(f"{'step':>6} " + " ".join(f"{c:>12}" for c in cols) + f" {'f':>14} {'‖∇f‖':>11}")
    rows = list(traj)
    shown = rows if len(rows) <= 40 else [*rows[:20], None, *rows[-19:]]
    for s in shown:
        if s is None:
            print(f"{'…':>6}")
            continue
        xs = " ".join(f"{v:12.6g}" for v in s.point)
        print(f"{s.k:6d} {xs} {s.f:14.8g} {s.grad_norm:11.4g}")


def basins_command(a: argparse.Namespace, scene_from_args: SceneOf,
                   usage_error: type[Exception]) -> int:
    from app.core.basins import basin_map

    check_resolution(a.resolution)
    if not a.walker >= 1:
        raise usage_error("--walker must be 1 or more")
    scene = scene_from_args(a)
    if a.walker > len(scene.walkers):
        raise usage_error(f"--walker: this scene has {len(scene.walkers)} walker(s)")
    check_work("basins", a.resolution ** scene.dim, scene.max_steps)
    w = scene.walkers[a.walker - 1]
    bm = basin_map(scene.compile(), scene.domain, w.rule, w.lr,
                   resolution=a.resolution, max_steps=scene.max_steps, gtol=scene.gtol,
                   params=dict(w.params), schedule=w.schedule, noise=w.noise, seed=w.seed)
    if a.out:
        from app.core.basins_figure import save_basin_figure

        grid = f"{a.resolution}²" if scene.dim == 2 else f"{a.resolution}"
        title = (f"Basins of attraction: {w.rule}, η = {w.lr:g}, {grid} starts, "
                 f"{scene.max_steps} steps")
        text = scene.expression if len(scene.expression) <= 90 else scene.expression[:89] + "…"
        try:
            save_basin_figure(bm, a.out, title, f"f = {text}")
        except (OSError, ValueError) as e:
            raise usage_error(f"cannot write {a.out}: {e}") from None
    if a.json:
        print(json.dumps(bm.to_json(), allow_nan=False))
        return 0
    print(f"{len(bm.minima)} minima from {a.resolution}^{scene.dim} starts ({w.rule}, "
          f"η = {w.lr:g}, {scene.max_steps} steps):")
    for m in bm.minima:
        where = ", ".join(f"{v:.6g}" for v in m.point)
        moving = f" ({100 * m.unsettled:.1f} % still moving at the step limit)" \
            if m.unsettled else ""
        print(f"  ({where})  f = {m.f:.6g}  share {100 * m.share:5.1f} %{moving}")
    print(f"  diverged {100 * bm.diverged_share:.1f} %, left the domain "
          f"{100 * bm.left_share:.1f} %, not converged {100 * bm.unconverged_share:.1f} %")
    return 0
