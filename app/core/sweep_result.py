"""What a learning-rate sweep returns (``app.core.sweep``): frozen values with read-only
arrays. ``RuleSweep``: one rule, N learning rates; ``MomentumMap``: heavy-ball momentum over
η × β; ``RaceRow``: one of the scene's walkers; ``Sweep``: all of them for one start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from app.core.rules import Rule
from app.core.stability import STABLE_FORMS
from app.core.trajectory import CODES, StopReason, freeze_fields

__all__ = ["LIMIT_FORMS", "MomentumMap", "RaceRow", "RuleSweep", "Sweep"]

LIMIT_FORMS = STABLE_FORMS      # the stable limit of each rule, written out
_CONVERGED = CODES.index(StopReason.CONVERGED)
_DIVERGED = CODES.index(StopReason.DIVERGED)


@dataclass(frozen=True, slots=True)
class RuleSweep:
    """Run i used η = ``lrs[i]``: it stopped at step ``steps[i]`` for ``reasons[i]`` (indices
    into list(StopReason)) with f = ``final_f[i]``. ``limit``: the rule's stable limit at the
    start (``limit_form``, e.g. 2/λmax), None when it has none."""

    rule: Rule
    params: Mapping[str, float]
    lrs: np.ndarray
    steps: np.ndarray
    reasons: np.ndarray
    final_f: np.ndarray
    limit: float | None = None
    limit_form: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "lrs", "steps", "reasons", "final_f")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def reason(self, i: int) -> StopReason:
        return CODES[int(self.reasons[i])]

    @property
    def converged(self) -> np.ndarray:
        return self.reasons == _CONVERGED

    @property
    def diverged(self) -> np.ndarray:
        return self.reasons == _DIVERGED

    @property
    def fastest(self) -> int | None:
        """The run that converged in the fewest steps (the smallest such η on a tie)."""
        ok = np.flatnonzero(self.converged)
        return int(ok[np.argmin(self.steps[ok])]) if ok.size else None

    @property
    def changes(self) -> tuple[int, ...]:
        """Runs i whose outcome differs from run i + 1's: the boundaries between η ranges."""
        return tuple(int(i) for i in np.flatnonzero(self.reasons[1:] != self.reasons[:-1]))


@dataclass(frozen=True, slots=True)
class MomentumMap:
    """Heavy-ball momentum on the grid ``lrs`` (N,) × ``betas`` (M,): ``steps``, ``reasons``
    and ``final_f`` are (N, M); ``limits[j]`` = 2(1 + β_j)/λmax (NaN: no limit)."""

    lrs: np.ndarray
    betas: np.ndarray
    steps: np.ndarray
    reasons: np.ndarray
    final_f: np.ndarray
    limits: np.ndarray

    def __post_init__(self) -> None:
        freeze_fields(self, "lrs", "betas", "steps", "reasons", "final_f", "limits")

    @property
    def converged(self) -> np.ndarray:
        return self.reasons == _CONVERGED

    @property
    def fastest(self) -> tuple[int, int] | None:
        """(i, j) of the cell that converged in the fewest steps."""
        steps = np.where(self.converged, self.steps, np.iinfo(np.int64).max)
        if not self.converged.any():
            return None
        i, j = np.unravel_index(int(np.argmin(steps)), steps.shape)
        return int(i), int(j)


@dataclass(frozen=True, slots=True)
class RaceRow:
    """One of the scene's walkers: how many steps it made, f where it ended and why."""

    label: str
    color: str
    steps: int
    final_f: float
    reason: StopReason
    message: str

    @property
    def converged(self) -> bool:
        return self.reason is StopReason.CONVERGED


@dataclass(frozen=True, slots=True)
class Sweep:
    """Everything the sweep window and ``gradient-mountain sweep`` show."""

    expression: str
    start: tuple[float, ...]
    eigenvalues: tuple[float, ...]
    gtol: float
    max_steps: int
    rules: tuple[RuleSweep, ...]
    momentum: MomentumMap | None = None
    race: tuple[RaceRow, ...] = field(default=())

    def of(self, rule: Rule | str) -> RuleSweep:
        rule = Rule.parse(rule) if isinstance(rule, str) else rule
        for s in self.rules:
            if s.rule is rule:
                return s
        raise KeyError(f"no sweep of the {rule.value} rule here")
