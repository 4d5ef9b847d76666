"""The command line's door: argv made parseable, and every number checked against its range.

``glue_expr`` lets ``--expr -x^2`` mean ``--expr=-x^2`` (argparse would take ``-x^2`` for an
option); ``NEGATIVE_NUMBER`` lets ``--start 1 -1e5`` through as numbers. The ``check_*``
functions refuse an option out of its range (``app.core.limits``) with one line that names
the option: a ValueError, printed by ``app.cli`` as ``error: …`` with exit status 2.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable

from app.core import limits as lim
from app.core.limits import count, in_range

# argparse's own pattern misses exponents (-1e5): with it, --start 1 -1e5 is an option
NEGATIVE_NUMBER = re.compile(r"^-(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of its sub-commands' parsers."""
    out: set[str] = set()
    for action in parser._actions:
        out.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out |= option_strings(sub)
    return out


def _is_option(token: str, known: set[str]) -> bool:
    """``token`` names a known option (exactly, as ``--opt=…`` or as an abbreviation)."""
    name = token.split("=", 1)[0]
    return name in known or (name.startswith("--") and len(name) > 2
                             and any(k.startswith(name) for k in known))


def glue_expr(argv: Iterable[str], known: set[str]) -> list[str]:
    """``--expr -x^2`` -> ``--expr=-x^2`` for an argument after ``--expr`` that starts with
    '-' and is not an option (``--expr -h`` still asks for help)."""
    args = list(argv)
    out: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            out += args[i:]
            break
        after = args[i + 1] if i + 1 < len(args) else None
        if token == "--expr" and after is not None and after.startswith("-") \
                and not _is_option(after, known):
            out.append(f"--expr={after}")
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def _between(flag: str, v: float | None, lo: float, hi: float, unit: str = "") -> None:
    if v is not None and not in_range(v, lo, hi):
        raise ValueError(f"{flag} must be between {lo:g} and {hi:g}{unit}, not {v:g}")


def check_export_args(a: argparse.Namespace) -> None:
    """``export``'s numbers: --fps, --speed, --seconds, --frames, --scale."""
    _between("--fps", a.fps, lim.MIN_FPS, lim.MAX_FPS)
    if a.fps is not None and a.out.lower().endswith(".gif"):
        _between("--fps", a.fps, lim.MIN_FPS, lim.MAX_GIF_FPS, " for a GIF")
    _between("--speed", a.speed, lim.MIN_SPEED, lim.MAX_SPEED, " steps per second")
    _between("--seconds", a.seconds, lim.MIN_SECONDS, lim.MAX_SECONDS)
    if a.frames is not None and not 1 <= a.frames <= lim.MAX_FRAMES:
        raise ValueError(f"--frames must be between 1 and {count(lim.MAX_FRAMES)}")
    if not 1 <= a.scale <= lim.MAX_SCALE:
        raise ValueError("--scale must be 1, 2, 3 or 4")


def check_gif_fps(out: str, fps: float) -> None:
    """A GIF's frames last whole hundredths of a second: at most ``MAX_GIF_FPS``."""
    if out.lower().endswith(".gif") and fps > lim.MAX_GIF_FPS:
        raise ValueError(f"a GIF plays at most {lim.MAX_GIF_FPS:g} frames per second, "
                         f"not {fps:g}: lower --fps")


def check_resolution(n: int) -> None:
    """``basins --resolution``."""
    if not lim.MIN_BASINS_RESOLUTION <= n <= lim.MAX_BASINS_RESOLUTION:
        raise ValueError(f"--resolution must be between {lim.MIN_BASINS_RESOLUTION} and "
                         f"{lim.MAX_BASINS_RESOLUTION}")


def check_work(what: str, walkers: int, steps: int) -> None:
    """A batch (basins, sweep) of ``walkers`` × ``steps`` within ``MAX_BATCH_WORK``."""
    if walkers * steps > lim.MAX_BATCH_WORK:
        raise ValueError(f"{what}: {count(walkers)} walks × {count(steps)} steps = "
                         f"{count(walkers * steps)} steps: at most "
                         f"{count(lim.MAX_BATCH_WORK)}; fewer starts or steps (--steps)")


def check_shot_steps(steps: int | None) -> None:
    """``gui --steps`` (how far to walk before a screenshot)."""
    if steps is not None and not 0 <= steps <= lim.MAX_STEPS:
        raise ValueError(f"--steps must be between 0 and {count(lim.MAX_STEPS)}")


def check_sweep_args(a: argparse.Namespace) -> None:
    """``sweep``'s --count, --lr-min and --lr-max."""
    if not 2 <= a.count <= lim.MAX_SWEEP_COUNT:
        raise ValueError(f"--count must be between 2 and {count(lim.MAX_SWEEP_COUNT)}")
    for flag, v in (("--lr-min", a.lr_min), ("--lr-max", a.lr_max)):
        _between(flag, v, lim.MIN_LR, lim.MAX_LR)
