"""Command line: ``gradient-mountain [gui options] | presets | descend …``.

With no sub-command it opens the window. Every bad input exits with status 2 and one line
``error: …`` on stderr, never a traceback: numbers out of the ranges of ``app.core.limits``
too (``app.cli_checks``). ``--expr -x^2`` works like ``--expr=-x^2``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence

from app.cli_checks import (
    NEGATIVE_NUMBER,
    check_export_args,
    check_gif_fps,
    check_shot_steps,
    glue_expr,
    option_strings,
)
from app.cli_commands import basins_command, descend_command
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
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_NUMBER     # --start 1 -1e5

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

    check_export_args(a)
    if getattr(a, "lesson", None) is not None:
        from app.ui.render.lesson_export import lesson_command

        return lesson_command(a, UsageError)
    scene, export = scene_from_args(a), _export_section(a)
    check_gif_fps(a.out, settings_from_args(a, export).fps)
    still = a.out.lower().endswith(".png") and not os.path.isdir(a.out)
    if still and a.animate is not None:
        raise UsageError("--animate is for an animation: --out NAME.gif, NAME.mp4 or a folder")
    if not still:
        if a.scale != 1 or a.transparent:
            raise UsageError("--scale and --transparent are for a picture: --out NAME.png")
        return export_command(a, scene, UsageError, export)
    from app.ui.render.still import still_command

    base = settings_from_args(a, export)
    settings = dataclasses.replace(base, scale=a.scale, transparent=a.transparent,
                                   show_function=a.show_function or base.show_function)
    return still_command(a, scene, UsageError, settings)


def _cmd_presets() -> int:
    for p in presets().values():
        print(f"{p.name:16} {p.title:34} {p.expression}")
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
        parser = build_parser()
        a = parser.parse_args(glue_expr(argv, option_strings(parser)))
        if a.command in ("presets", "descend", "basins", "sweep"):
            rc = {"presets": lambda: _cmd_presets(),
                  "descend": lambda: descend_command(a, scene_from_args),
                  "basins": lambda: basins_command(a, scene_from_args, UsageError),
                  "sweep": lambda: sweep_command(a, scene_from_args(a), UsageError)}[a.command]()
            sys.stdout.flush()        # here, not at exit: a closed pipe is caught below
            return rc
        if a.command == "export":
            return _cmd_export(a)
        shot_steps, a.steps = a.steps, None  # in the window, --steps is how far to walk first
        check_shot_steps(shot_steps)
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
