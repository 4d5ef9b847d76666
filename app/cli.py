"""Command line: ``gradient-mountain [gui options] | presets | descend …``.

With no sub-command it opens the window. Every bad input exits with status 2 and one line
``error: …`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence

from app.cli_sweep import add_sweep_options, sweep_command
from app.core.expression import ExpressionError
from app.core.presets import presets
from app.core.rules import Rule
from app.core.scene import DEFAULT_PRESET, WALKER_COLORS, Scene, Walker
from app.core.schedules import Schedule
from app.desktop_entry import OPTIONS, desktop_command

COMMANDS = ("presets", "descend", "basins", "sweep", "export", "gui")


class UsageError(Exception):
    """Bad input from the command line: printed as one ``error:`` line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors: one line, status 2
        raise UsageError(message)


def _number(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return v


def _camera(text: str):
    """'AZIMUTH,ELEVATION[,DISTANCE]' -> Camera."""
    from app.core.scene import Camera

    parts = [t.strip() for t in text.split(",")]
    if len(parts) not in (2, 3):
        raise argparse.ArgumentTypeError("give AZIMUTH,ELEVATION or AZIMUTH,ELEVATION,DISTANCE "
                                         f"in degrees, not {text!r}")
    nums = [_number(t) for t in parts]
    try:
        return Camera(nums[0], nums[1], nums[2] if len(nums) == 3 else None).validate()
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _scene_options(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--preset", help=f"a built-in scene (default {DEFAULT_PRESET}); "
                     "see `gradient-mountain presets`")
    src.add_argument("--expr", help="your own f(x, y), e.g. 'x^2 + 3y^2' or 'sin(x)*cos(y)'")
    src.add_argument("--scene", metavar="FILE", help="a scene saved from the window (.json)")
    p.add_argument("--start", nargs="+", type=_number, metavar="X [Y]",
                   help="the start point (of every walker)")
    p.add_argument("--lr", type=_number, help="learning rate η (the stride for the stride rule) "
                   "of every walker")
    p.add_argument("--rule", help=f"step rule of every walker: {', '.join(r.value for r in Rule)}")
    p.add_argument("--noise", type=_number, metavar="SIGMA",
                   help="gradient noise σ of every walker: the rule sees ∇f + σ·ξ, ξ ~ N(0, I)")
    p.add_argument("--seed", type=int, metavar="N", help="seed of the noise (same seed, same walk)")
    p.add_argument("--schedule", metavar="SPEC", help="learning-rate schedule of every walker: "
                   "constant, step:every=10,gamma=0.5, exponential:gamma=0.9, cosine:steps=100, "
                   "inverse_sqrt, warmup:steps=5; combine with + (warmup:steps=5+cosine:steps=100)")
    p.add_argument("--steps", type=int, help="maximum number of steps (in the window with "
                   "--screenshot: how many steps to walk before the picture)")
    p.add_argument("--theme", choices=("dark", "light"),
                   help="dark (screen) or light (white: print and slides); default the scene's")
    p.add_argument("--camera", type=_camera, metavar="AZIMUTH,ELEVATION[,DISTANCE]",
                   help="where the 3D view looks from, in degrees (and the distance); "
                   "default: the scene's camera, else the fitted front-left view")
    from app.cli_params import PARAM_HELP

    p.add_argument("--param", action="append", metavar="NAME=VALUE", help=PARAM_HELP)


def build_parser() -> _Parser:
    p = _Parser(prog="gradient-mountain", description="See gradient descent on a function "
                "you type. With no command, opens the window.")
    for flag, text in OPTIONS.items():      # handled by main() before parsing
        p.add_argument(flag, action="store_true", help=text)
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    gui = sub.add_parser("gui", help="open the window (the default)")
    _scene_options(gui)
    gui.add_argument("--screenshot", metavar="PATH",
                     help="open, draw, save a PNG of the window and exit (for docs and tests)")
    sub.add_parser("presets", help="list the built-in scenes")
    d = sub.add_parser("descend", help="run the walker and print its path")
    _scene_options(d)
    d.add_argument("--gtol", type=_number, help="stop when ‖∇f‖ ≤ this (default 1e-6)")
    d.add_argument("--json", action="store_true", help="print one JSON object")
    d.add_argument("--explain", action="store_true",
                   help="write out every step with its numbers (g, the rule's update, f)")
    b = sub.add_parser("basins", help="where does every start end? (basins of attraction)")
    _scene_options(b)
    b.add_argument("--resolution", type=int, default=128, help="N for an N×N grid of starts")
    b.add_argument("--json", action="store_true", help="print one JSON object")
    b.add_argument("--walker", type=int, default=1,
                   help="whose rule and η to run from every start (1 = the first walker)")
    b.add_argument("--out", metavar="PNG", help="save the basin map as a PNG")
    e = sub.add_parser("export", help="export the animation: a .gif, an .mp4 or PNG frames")
    _scene_options(e)
    e.add_argument("--out", required=True, metavar="PATH",
                   help="out.gif, out.mp4, a folder for frame_00000.png …, or view.png for "
                   "one picture of the final frame")
    e.add_argument("--scale", type=int, default=1, metavar="N",
                   help="a picture (.png) with N× the pixels and the same layout (1–4)")
    e.add_argument("--show-function", action="store_true",
                   help="the caption shows f, typeset")
    e.add_argument("--transparent", action="store_true",
                   help="a picture (.png) on a transparent background")
    e.add_argument("--step-arrows", action="store_true",
                   help="draw the current step's pieces (step, −η·g, velocity, Newton "
                   "direction, line-search trials) at the first walker")
    e.add_argument("--size", metavar="WxH", help="frame size (1280x720, or the scene file's)")
    e.add_argument("--fps", type=_number, help="frames per second (30, or the scene file's)")
    e.add_argument("--speed", type=_number, help="walker steps per second (the scene's)")
    length = e.add_mutually_exclusive_group()
    length.add_argument("--frames", type=int, help="at most this many frames")
    length.add_argument("--seconds", type=_number, help="at most this many seconds")
    length.add_argument("--full", action="store_true",
                        help="the whole walk at the scene's speed, however long (by default an "
                        "animation is at most 20 s: a long walk is sped up to fit)")
    e.add_argument("--orbit", action="store_true", help="orbit the camera slowly")
    e.add_argument("--no-overlay", action="store_true", help="no step/f/‖∇f‖ caption")
    e.add_argument("--force", action="store_true", help="overwrite an existing output")
    from app.cli_params import ANIMATE_HELP

    e.add_argument("--animate", metavar="NAME=FROM:TO", help=ANIMATE_HELP)
    e.add_argument("--lesson", metavar="FILE", help="a whole lesson (.json) as one video: "
                   "every step in turn with its narration under the picture; --size, --fps, "
                   "--seconds … apply to each step (a walk lasts at most 12 s by default)")
    s = sub.add_parser("sweep", help="which learning rate? the rule with many η from one start")
    _scene_options(s)
    add_sweep_options(s, _number)
    return p


def scene_from_args(a: argparse.Namespace) -> Scene:
    """The Scene the options describe: a preset (or the default), then the overrides."""
    if getattr(a, "scene", None) is not None:
        from app.core.scene_file import load_scene

        scene = load_scene(a.scene).scene
    elif a.expr is not None:
        from app.cli_params import compile_checked, given_values

        func = compile_checked(a.expr, given_values(a))
        dim = func.dim
        domain = ((-3.0, 3.0),) * dim
        scene = Scene(expression=a.expr, domain=domain,
                      walkers=(Walker("gradient", 0.05, (), (1.5, 1.0)[:dim], WALKER_COLORS[0]),))
    else:
        scene = Scene.from_preset(a.preset or DEFAULT_PRESET)
    changes: dict = {}
    walker_changes: dict = {}
    if a.start is not None:
        if len(a.start) != scene.dim:
            raise UsageError(f"--start needs {scene.dim} number(s) for this function")
        walker_changes["start"] = tuple(a.start)
    if a.lr is not None:
        walker_changes["lr"] = a.lr
    if a.rule is not None:
        walker_changes["rule"] = Rule.parse(a.rule).value
    if a.noise is not None:
        walker_changes["noise"] = a.noise
    if a.seed is not None:
        walker_changes["seed"] = a.seed
    if a.schedule is not None:
        walker_changes["schedule"] = str(Schedule.parse(a.schedule))
    if walker_changes:
        changes["walkers"] = [w.replace(**walker_changes) for w in scene.walkers]
    if a.steps is not None:
        changes["max_steps"] = a.steps
    if getattr(a, "camera", None) is not None:
        changes["camera"] = a.camera
    if getattr(a, "theme", None) is not None:
        changes["theme"] = a.theme
    if getattr(a, "gtol", None) is not None:
        changes["gtol"] = a.gtol
    from app.cli_params import with_cli_params

    return with_cli_params(scene.replace(**changes) if changes else scene, a)


def _export_section(a: argparse.Namespace) -> dict | None:
    """The ``export`` settings of the scene file given with --scene (None otherwise)."""
    if getattr(a, "scene", None) is None:
        return None
    from app.core.scene_file import load_scene

    return load_scene(a.scene).export


def _cmd_export(a: argparse.Namespace) -> int:
    import dataclasses

    from app.ui.render.export_cli import export_command, settings_from_args

    if getattr(a, "lesson", None) is not None:
        from app.ui.render.lesson_export import lesson_command

        return lesson_command(a, UsageError)
    scene, export = scene_from_args(a), _export_section(a)
    still = a.out.lower().endswith(".png") and not os.path.isdir(a.out)
    if still and a.animate is not None:
        raise UsageError("--animate is for an animation: --out NAME.gif, NAME.mp4 or a folder")
    if not still:
        if a.scale != 1 or a.transparent:
            raise UsageError("--scale and --transparent are for a picture: --out NAME.png")
        return export_command(a, scene, UsageError, export)
    from app.ui.render.still import still_command

    if not 1 <= a.scale <= 4:
        raise UsageError("--scale must be 1, 2, 3 or 4")
    base = settings_from_args(a, export)
    settings = dataclasses.replace(base, scale=a.scale, transparent=a.transparent,
                                   show_function=a.show_function or base.show_function)
    return still_command(a, scene, UsageError, settings)


def _cmd_presets() -> int:
    for p in presets().values():
        print(f"{p.name:16} {p.title:34} {p.expression}")
    return 0


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


def _cmd_descend(a: argparse.Namespace) -> int:
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

            print(explain_run(traj))
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


def _cmd_basins(a: argparse.Namespace) -> int:
    from app.core.basins import basin_map

    if not 2 <= a.resolution <= 2048:
        raise UsageError("--resolution must be between 2 and 2048")
    if not a.walker >= 1:
        raise UsageError("--walker must be 1 or more")
    scene = scene_from_args(a)
    if a.walker > len(scene.walkers):
        raise UsageError(f"--walker: this scene has {len(scene.walkers)} walker(s)")
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
            raise UsageError(f"cannot write {a.out}: {e}") from None
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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", *OPTIONS):
        argv = ["gui", *argv]
    try:
        if argv[0] in OPTIONS:              # --version, --install-desktop-entry, …: alone
            if len(argv) > 1:
                raise UsageError(f"{argv[0]} takes no other arguments")
            return desktop_command(argv[0])
        a = build_parser().parse_args(argv)
        if a.command in ("presets", "descend", "basins", "sweep"):
            rc = {"presets": lambda: _cmd_presets(), "descend": lambda: _cmd_descend(a),
                  "basins": lambda: _cmd_basins(a),
                  "sweep": lambda: sweep_command(a, scene_from_args(a), UsageError)}[a.command]()
            sys.stdout.flush()        # here, not at exit: a closed pipe is caught below
            return rc
        if a.command == "export":
            return _cmd_export(a)
        shot_steps, a.steps = a.steps, None  # in the window, --steps is how far to walk first
        given = (a.preset, a.expr, a.scene, a.start, a.lr, a.rule, a.camera, a.theme, a.noise,
                 a.seed, a.schedule, a.param)
        # nothing given: the window reopens the last scene (or the default preset)
        scene = scene_from_args(a) if any(v is not None for v in given) else None
        from app.ui.application import run_gui  # Qt is imported only when a window is wanted

        return run_gui(scene, screenshot=a.screenshot, steps=shot_steps)
    except BrokenPipeError:  # `gradient-mountain descend … | head`: before OSError, its base
        _silence_stdout()
        return 0
    except (UsageError, ExpressionError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """The reader has gone: point stdout at /dev/null so the flush at exit is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):   # stdout is not a real file (tests)
        pass
    finally:
        os.close(devnull)


if __name__ == "__main__":
    raise SystemExit(main())
