"""What a run returns: ``Trajectory`` (one walker's path, a Sequence of ``Step``) and
``BatchResult`` (where many walkers ended), with why each one stopped (``StopReason``).

A recorded run also keeps, per attempted step k (the move x_k → x_{k+1}), the ``notes`` a
step inspector needs: the gradient the rule used ``g`` (g̃, noisy or not), ``eta`` (η_k), the
point the rule proposed ``x_next`` (x_{k+1}, or where a refused step would have gone), the
rule's state after the step (velocity, Adam's m and v, BFGS's inverse-Hessian estimate B, …)
and the rule's own numbers (Newton's Hessian ``H``, its eigenvalues ``eig`` and those used
``eig_used``, the step size ``t`` a line search chose), and the line-search ``trials``
(t, f and the trial point).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple, overload

import numpy as np

from app.core.rules import Rule
from app.core.rules_context import DETAILS, GREW, LINE_SEARCH, NO_HESSIAN, SADDLE
from app.core.schedules import CONSTANT, Schedule


class StopReason(Enum):
    """Why a walker stopped; ``message`` is the plain-words form for the status bar."""

    CONVERGED = "converged"
    STALLED = "stalled"
    DIVERGED = "diverged"
    LEFT_DOMAIN = "left_domain"
    MAX_STEPS = "max_steps"
    UNDEFINED = "undefined"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    StopReason.CONVERGED: "converged: the slope is flat here (‖∇f‖ ≤ tolerance)",
    StopReason.STALLED: "stopped: can't go down any more",
    StopReason.DIVERGED: "diverged — learning rate too large?",
    StopReason.LEFT_DOMAIN: "left the domain",
    StopReason.MAX_STEPS: "reached the step limit",
    StopReason.UNDEFINED: "f is not defined at the start",
}
CODES = list(StopReason)
__all__ = ["CODES", "DETAILS", "GREW", "LINE_SEARCH", "NO_HESSIAN", "SADDLE", "BatchResult",
           "LineSearch", "Step", "StopReason", "Trajectory", "freeze_fields", "read_only",
           "trajectory_of"]


class Step(NamedTuple):
    """One recorded position of a walker: step index k, point x_k, f(x_k), ∇f(x_k)."""

    k: int
    point: np.ndarray
    f: float
    gradient: np.ndarray

    @property
    def grad_norm(self) -> float:
        with np.errstate(over="ignore"):   # a huge finite gradient has norm inf, quietly
            return float(np.linalg.norm(self.gradient))


class LineSearch(NamedTuple):
    """The trials of one step's line search, in order: step sizes t, f there, the points."""

    t: np.ndarray        # (K,)
    f: np.ndarray        # (K,)
    points: np.ndarray   # (K, d)


@dataclass(frozen=True, slots=True)
class Trajectory(Sequence):
    """A finished run: positions x_0 … x_m with f and ∇f at each, and why it stopped.

    A Sequence of ``Step``: ``len(t) == m + 1``; ``t[-1]`` is where the walker ended.
    ``notes[key][k]`` describes attempted step k (see the module doc); there are ``attempts``
    of them: m, or m + 1 when the last step was tried and refused (stalled or diverged).
    ``trials`` rows are (k, t, f, *point) of every line-search trial.
    """

    points: np.ndarray       # (m+1, d)
    values: np.ndarray       # (m+1,)
    gradients: np.ndarray    # (m+1, d)
    stop_reason: StopReason
    rule: Rule = Rule.GRADIENT
    params: Mapping[str, float] = field(default_factory=dict)
    schedule: Schedule = CONSTANT
    noise: float = 0.0
    seed: int = 0
    detail: str = ""
    notes: Mapping[str, np.ndarray] = field(default_factory=dict)
    trials: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))

    def __post_init__(self) -> None:
        freeze_fields(self, "points", "values", "gradients", "trials")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "notes", MappingProxyType(
            {k: read_only(np.asarray(v)) for k, v in self.notes.items()}))

    def __len__(self) -> int:
        return len(self.points)

    @overload
    def __getitem__(self, k: int) -> Step: ...
    @overload
    def __getitem__(self, k: slice) -> list[Step]: ...
    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        n = len(self)
        i = k + n if k < 0 else k
        if not 0 <= i < n:
            raise IndexError(f"step {k} out of range: this run has steps 0…{n - 1}")
        return Step(i, self.points[i], float(self.values[i]), self.gradients[i])

    def __iter__(self) -> Iterator[Step]:
        return (self[i] for i in range(len(self)))

    @property
    def steps(self) -> int:
        """Number of steps taken (positions − 1)."""
        return len(self.points) - 1

    @property
    def message(self) -> str:
        """Why it stopped, in words: the finest explanation known."""
        return self.detail or self.stop_reason.message

    @property
    def attempts(self) -> int:
        """How many steps have notes (0 for runs made without recording them)."""
        return len(self.notes["eta"]) if "eta" in self.notes else 0

    @property
    def etas(self) -> np.ndarray:
        """η_k of each attempted step (the schedule's values)."""
        return self.notes["eta"] if "eta" in self.notes else np.empty(0)

    def line_search(self, k: int) -> LineSearch:
        """The trials of step k (empty for rules without a line search)."""
        rows = self.trials[self.trials[:, 0] == k] if len(self.trials) else self.trials
        return LineSearch(rows[:, 1].copy(), rows[:, 2].copy(), rows[:, 3:].copy())

    @property
    def grad_norms(self) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.linalg.norm(self.gradients, axis=-1)

    @property
    def step_lengths(self) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.linalg.norm(np.diff(self.points, axis=0), axis=-1)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Where each of n walkers ended: final points (n, d), f, ∇f, stop reasons and step counts.

    ``history`` is (m+1, n, d) when recorded (walkers that stopped repeat their last point);
    then ``notes[key]`` is (m, n, …) (NaN where a walker did not try that step), ``attempts``
    (n,) counts each walker's tried steps and ``trials`` rows are (k, walker, t, f, *point).
    ``details`` (n,) indexes ``DETAILS``: finer words for a stop.
    """

    points: np.ndarray
    values: np.ndarray
    gradients: np.ndarray
    reasons: np.ndarray      # (n,) indices into list(StopReason)
    stop_steps: np.ndarray   # (n,) step at which each walker stopped
    history: np.ndarray | None = None
    value_history: np.ndarray | None = None
    gradient_history: np.ndarray | None = None
    details: np.ndarray | None = None
    notes: Mapping[str, np.ndarray] | None = None
    attempts: np.ndarray | None = None
    trials: np.ndarray | None = None

    def __post_init__(self) -> None:
        freeze_fields(self, "points", "values", "gradients", "reasons", "stop_steps",
                      "history", "value_history", "gradient_history", "details", "attempts",
                      "trials")
        if self.notes is not None:
            object.__setattr__(self, "notes", MappingProxyType(
                {k: read_only(v) for k, v in self.notes.items()}))

    def reason(self, i: int) -> StopReason:
        return CODES[int(self.reasons[i])]

    def message(self, i: int) -> str:
        """Why walker i stopped, in words."""
        d = 0 if self.details is None else int(self.details[i])
        return DETAILS[d] or self.reason(i).message

    def share(self, reason: StopReason) -> float:
        return float(np.mean(self.reasons == CODES.index(reason))) if len(self.reasons) else 0.0


def read_only(a: np.ndarray) -> np.ndarray:
    """``a`` no longer writeable (frozen values hold frozen arrays): ``a`` itself when it
    owns its data, else a read-only copy (a view could still be written through its base)."""
    if a.base is not None:
        a = a.copy()
    a.setflags(write=False)
    return a


def freeze_fields(obj: object, *names: str) -> None:
    """Replace the array fields ``names`` of a frozen dataclass by read-only ones."""
    for name in names:
        a = getattr(obj, name)
        if isinstance(a, np.ndarray):
            object.__setattr__(obj, name, read_only(a))
        elif isinstance(a, tuple) and a and all(isinstance(x, np.ndarray) for x in a):
            object.__setattr__(obj, name, tuple(read_only(x) for x in a))


def trajectory_of(res: BatchResult, i: int, rule: Rule, params: Mapping[str, float],
                  **extra) -> Trajectory:
    """Walker i of a recorded batch as a Trajectory (its path, notes and trials)."""
    m = int(res.stop_steps[i])
    assert res.history is not None and res.value_history is not None
    assert res.gradient_history is not None
    n_att = int(res.attempts[i]) if res.attempts is not None else 0
    notes = {k: v[:n_att, i].copy() for k, v in (res.notes or {}).items()}
    trials = np.empty((0, 3 + res.points.shape[1]))
    if res.trials is not None and len(res.trials):
        mine = res.trials[res.trials[:, 1] == i]
        trials = np.column_stack([mine[:, 0], mine[:, 2:]])
    d = 0 if res.details is None else int(res.details[i])
    extra = {"detail": DETAILS[d], **extra}
    return Trajectory(res.history[: m + 1, i].copy(), res.value_history[: m + 1, i].copy(),
                      res.gradient_history[: m + 1, i].copy(), res.reason(i), rule, params,
                      notes=notes, trials=trials, **extra)
