"""The command line's parameters: ``--param NAME=VALUE`` (every command, repeatable) and
``export --animate NAME=FROM:TO``.

``--param`` declares a parameter of ``--expr`` (its slider range is value ± max(1, |value|),
within ±1e6; a value beyond is refused)
or sets the value of one a preset or scene file declares (its range widened if needed).
``--animate`` declares or sets its parameter too, at FROM. Every mistake is a ValueError
with one line, which the command line prints as ``error: …`` with exit status 2: a name the
expression uses but nobody declared ("pass --param a=VALUE"), a ``--param`` or ``--animate``
for a name the expression does not use, a name given twice, a value that is not a number.
"""

from __future__ import annotations

import argparse

from app.core.expression import CompiledFunction, ExpressionError
from app.core.limits import MAX_COORD, clip_range
from app.core.parameters import (
    Parameter,
    Sweep,
    compile_with_params,
    default_range,
    parse_assignment,
    parse_sweep,
)
from app.core.scene import Scene

PARAM_HELP = ("give parameter NAME of the function this value, e.g. --param a=3 for "
              "'a*x^2 + y^2' (repeatable; NAME is one letter other than x, y, e and z, or "
              "kappa or theta)")
ANIMATE_HELP = ("sweep parameter NAME linearly from FROM to TO over the animation, e.g. "
                "--animate a=0.5:5: frame i shows the mountain for its value a_i and every "
                "walker re-run from its start on that mountain, up to the frame's step")


def sweep_of(a: argparse.Namespace) -> Sweep | None:
    """The ``--animate`` sweep, or None."""
    text = getattr(a, "animate", None)
    return None if text is None else parse_sweep(text)


def given_values(a: argparse.Namespace) -> dict[str, float]:
    """{name: value} from ``--param`` (and ``--animate``'s FROM); a name given twice is an
    error."""
    out: dict[str, float] = {}
    for text in getattr(a, "param", None) or ():
        name, value = parse_assignment(text)
        if name in out:
            raise ValueError(f"--param {name} is given twice")
        out[name] = _within(value, f"--param {name}")
    sweep = sweep_of(a)
    if sweep is not None:
        _within(sweep.stop, f"--animate {sweep.name}")
        out[sweep.name] = _within(sweep.start, f"--animate {sweep.name}")
    return out


def _within(value: float, flag: str) -> float:
    """``value`` if |value| ≤ MAX_COORD (a parameter's slider must be drawable)."""
    if abs(value) > MAX_COORD:
        raise ValueError(f"{flag}: {value:g} is outside ±{MAX_COORD:g}")
    return value


def compile_checked(text: str, values: dict[str, float]) -> CompiledFunction:
    """``text`` compiled with ``values``; an undeclared parameter says how to declare it."""
    try:
        return compile_with_params(text, values)
    except ExpressionError as e:
        if e.parameter is None:
            raise
        raise ValueError(f"the expression uses {e.parameter}, which is not given: pass "
                         f"--param {e.parameter}=VALUE") from None


def declare(params: tuple[Parameter, ...], values: dict[str, float],
            sweep: Sweep | None = None) -> tuple[Parameter, ...]:
    """``params`` with ``values`` set (ranges widened to hold them) and new names appended
    with the default range; a sweep's range covers FROM…TO."""
    out = [p.with_value(values[p.name]) if p.name in values else p for p in params]
    known = {p.name for p in params}
    out += [Parameter(n, v, *clip_range(*default_range(v))) for n, v in values.items()
            if n not in known]
    if sweep is not None:
        out = [p.with_value(sweep.stop).with_value(sweep.start) if p.name == sweep.name else p
               for p in out]
    return tuple(out)


def with_cli_params(scene: Scene, a: argparse.Namespace) -> Scene:
    """``scene`` with the command line's parameters; checks the expression declares every
    parameter it uses and uses every one given."""
    values = given_values(a)
    if values:
        scene = scene.replace(params=declare(scene.params, values, sweep_of(a)))
    func = compile_checked(scene.expression, scene.param_values)
    for name in values:
        if name not in func.parameters:
            flag = "--animate" if name not in _param_names(a) else "--param"
            raise ValueError(f"{flag} {name}: the expression does not use {name}")
    return scene


def _param_names(a: argparse.Namespace) -> set[str]:
    return {parse_assignment(t)[0] for t in getattr(a, "param", None) or ()}
