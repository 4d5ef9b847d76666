"""Parameters of a scene's function: declared values with slider ranges, sweeps, compiling.

A parameter is a named constant of f (``a`` in a·x² + y², ``kappa`` and ``theta`` in the
conditioning lab) with a value and a range [low, high] for its slider. The scene declares
them; ``compile_scene`` compiles the scene's text with their values. Changing a value is
cheap: the parsed and differentiated program is cached per (text, declared names) and only
rebound (``CompiledFunction.with_params``), so a slider can redraw the surface and re-run
every walker many times a second.

A sweep ``a=0.5:5`` (``export --animate``) moves one parameter linearly over the frames of an
animation: frame i of n shows a_i = a_start + (a_stop − a_start)·i/(n − 1).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from app.core.expression import CompiledFunction, compile_expression
from app.core.expression_text import PARAMETER_WORDS, is_parameter_name
from app.core.scene_json import parse_finite

__all__ = ["MAX_PARAMETERS", "Parameter", "Sweep", "compile_scene", "compile_with_params",
           "default_range", "is_parameter_name", "parse_assignment", "parse_sweep"]

MAX_PARAMETERS = 16
NAMES_HINT = f"one letter (not x, y, e or z), {' or '.join(PARAMETER_WORDS)}"
_NAME = r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*"


def _finite(text: str, what: str) -> float:
    shown = repr(text.strip()[:30])
    return parse_finite(text, f"{what}: {shown} is not a number",
                        f"{what}: {shown} is not a finite number")


def check_name(name: object) -> str:
    """``name`` if it is a legal parameter name, else ValueError (one line)."""
    if not is_parameter_name(name):
        raise ValueError(f"{str(name)[:30]!r} cannot be a parameter: use {NAMES_HINT}")
    return str(name)


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter of f: its ``name``, ``value`` and the slider's range [``low``, ``high``]."""

    name: str
    value: float
    low: float
    high: float

    def validate(self) -> Parameter:
        """Raise ValueError with a one-line message unless the name is legal, the numbers
        finite, low < high and low ≤ value ≤ high."""
        check_name(self.name)
        nums = (self.value, self.low, self.high)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                   for v in nums):
            raise ValueError(f"parameter {self.name}: value, min and max must be finite numbers")
        if not self.low < self.high:
            raise ValueError(f"parameter {self.name}: min must be less than max")
        if not self.low <= self.value <= self.high:
            raise ValueError(f"parameter {self.name}: value {self.value:g} is outside "
                             f"[{self.low:g}, {self.high:g}]")
        return self

    def with_value(self, value: float) -> Parameter:
        """This parameter at ``value``, its range widened to hold it if needed."""
        v = float(value)
        return Parameter(self.name, v, min(self.low, v), max(self.high, v))


def default_range(value: float) -> tuple[float, float]:
    """A slider range for a parameter first given as ``value``: value ± max(1, |value|)."""
    s = max(1.0, abs(value))
    return value - s, value + s


def check_parameters(params: Iterable[Parameter]) -> tuple[Parameter, ...]:
    """Validate a scene's parameters: each one, at most ``MAX_PARAMETERS``, names unique."""
    out = tuple(params)
    if len(out) > MAX_PARAMETERS:
        raise ValueError(f"at most {MAX_PARAMETERS} parameters")
    seen: set[str] = set()
    for p in out:
        if not isinstance(p, Parameter):
            raise ValueError("parameters: not a parameter")
        p.validate()
        if p.name in seen:
            raise ValueError(f"parameter {p.name} is declared twice")
        seen.add(p.name)
    return out


def parse_assignment(text: str) -> tuple[str, float]:
    """'a=3' -> ("a", 3.0) (``--param``); ValueError (one line) otherwise."""
    m = re.fullmatch(_NAME + r"=(.*)", text)
    if m is None:
        raise ValueError(f"--param needs NAME=VALUE, e.g. a=3, not {text[:30]!r}")
    return check_name(m.group(1)), _finite(m.group(2), f"--param {m.group(1)}")


@dataclass(frozen=True, slots=True)
class Sweep:
    """Parameter ``name`` moving linearly from ``start`` to ``stop`` over an animation."""

    name: str
    start: float
    stop: float

    def value_at(self, i: int, frames: int) -> float:
        """a_i = start + (stop − start)·i/(frames − 1); start when there is one frame."""
        if frames <= 1:
            return self.start
        t = min(max(i, 0), frames - 1) / (frames - 1)
        return self.start + (self.stop - self.start) * t

    def label(self, value: float) -> str:
        """How the caption shows the value: 'a = 1.23'."""
        return f"{self.name} = {value:.3g}"


def parse_sweep(text: str) -> Sweep:
    """'a=0.5:5' -> Sweep("a", 0.5, 5.0) (``export --animate``; descending is allowed)."""
    m = re.fullmatch(_NAME + r"=([^:]*):(.*)", text)
    if m is None:
        raise ValueError(f"--animate needs NAME=FROM:TO, e.g. a=0.5:5, not {text[:30]!r}")
    name = check_name(m.group(1))
    start = _finite(m.group(2), f"--animate {name}")
    stop = _finite(m.group(3), f"--animate {name}")
    if start == stop:
        raise ValueError(f"--animate {name}: FROM and TO are the same number")
    return Sweep(name, start, stop)


class _HasParams(Protocol):
    @property
    def expression(self) -> str: ...

    @property
    def params(self) -> tuple[Parameter, ...]: ...


@lru_cache(maxsize=16)
def _template(text: str, names: frozenset[str]) -> CompiledFunction:
    """The text compiled once per set of declared names (values bound later)."""
    return compile_expression(text, dict.fromkeys(sorted(names), 0.0))


def compile_with_params(text: str, params: Mapping[str, float] | None = None
                        ) -> CompiledFunction:
    """``compile_expression(text, params)``, parsing and differentiating a text only once
    per set of declared names: other values rebind the cached program (microseconds)."""
    values = dict(params or {})
    for name in values:
        check_name(name)
    return _template(text, frozenset(values)).with_params(values)


def compile_scene(scene: _HasParams) -> CompiledFunction:
    """The scene's function with its parameters' values (cached: see
    ``compile_with_params``). ExpressionError if the text uses an undeclared parameter."""
    return compile_with_params(scene.expression, {p.name: p.value for p in scene.params})
