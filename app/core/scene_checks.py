"""The checks of a scene's domain and walkers, against ``app.core.limits`` (one line each)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.core import limits as lim
from app.core.limits import in_range, range_problem
from app.core.noise import check_noise
from app.core.rules import Rule
from app.core.schedules import Schedule


def check_domain(domain: Sequence[tuple[float, float]]) -> None:
    """One or two ranges, each finite, within ±MAX_COORD and not too narrow."""
    if len(domain) not in (1, 2):
        raise ValueError("domain: one range (1-D) or two (2-D)")
    for axis, (a, b) in zip("xy", domain, strict=False):
        problem = range_problem(a, b)
        if problem:
            shown = f"[{a:.10g}, {b:.10g}]" if lim.is_number(a) and lim.is_number(b) else ""
            raise ValueError(f"domain: the {axis} range {shown} {problem}".replace("  ", " "))


def check_walker(i: int, w: Any, dim: int) -> None:
    """Walker ``i`` (from 1; a ``Walker``): its rule known, its numbers in range."""
    rule = Rule.parse(w.rule)
    if len(w.start) != dim or not all(map(lim.is_number, w.start)):
        raise ValueError(f"walker {i}: start needs {dim} finite number(s)")
    if max(map(abs, w.start)) > lim.MAX_COORD:
        raise ValueError(f"walker {i}: start must lie within ±{lim.MAX_COORD:g}")
    if not in_range(w.lr, lim.MIN_LR, lim.MAX_LR):
        raise ValueError(f"walker {i}: learning rate must be a positive number up to "
                         f"{lim.MAX_LR:g} (at least {lim.MIN_LR:g})")
    if not all(in_range(v, -lim.MAX_RULE_PARAM, lim.MAX_RULE_PARAM) for _, v in w.params):
        raise ValueError(f"walker {i}: parameters must be finite numbers within "
                         f"±{lim.MAX_RULE_PARAM:g}")
    try:
        check_noise(w.noise, w.seed)
        Schedule.parse(w.schedule)
    except ValueError as e:
        raise ValueError(f"walker {i}: {e}") from None
    unknown = [k for k, _ in w.params if k not in rule.defaults]
    if unknown:
        raise ValueError(f"walker {i}: {w.rule} has no parameter {unknown[0]!r} "
                         f"(it takes: {', '.join(rule.defaults) or 'none'})")
