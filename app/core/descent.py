"""Run a step rule from one or many starts: ``run`` -> Trajectory, ``run_batch`` -> BatchResult.

The loop is vectorised over walkers: every step evaluates f and ∇f for all active walkers in
one call, so thousands of starts (a basin map) cost little more than one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple, Protocol, overload

import numpy as np

from app.core.rules import Rule

Domain = tuple[tuple[float, float], ...]
FAR_FACTOR = 1e6  # a walker further than this many domain sizes away has diverged


class Differentiable(Protocol):
    @property
    def dim(self) -> int: ...

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


class Cancelled(Exception):
    """A long run was cancelled through its progress callback."""


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
_CODES = list(StopReason)


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


@dataclass(frozen=True, slots=True)
class Trajectory(Sequence):
    """A finished run: positions x_0 … x_m with f and ∇f at each, and why it stopped.

    A Sequence of ``Step``: ``len(t) == m + 1``; ``t[-1]`` is where the walker ended.
    """

    points: np.ndarray       # (m+1, d)
    values: np.ndarray       # (m+1,)
    gradients: np.ndarray    # (m+1, d)
    stop_reason: StopReason
    rule: Rule = Rule.GRADIENT
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        freeze_fields(self, "points", "values", "gradients")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

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

    ``history`` is (m+1, n, d) when recorded (walkers that stopped repeat their last point).
    """

    points: np.ndarray
    values: np.ndarray
    gradients: np.ndarray
    reasons: np.ndarray      # (n,) indices into list(StopReason)
    stop_steps: np.ndarray   # (n,) step at which each walker stopped
    history: np.ndarray | None = None
    value_history: np.ndarray | None = None
    gradient_history: np.ndarray | None = None

    def __post_init__(self) -> None:
        freeze_fields(self, "points", "values", "gradients", "reasons", "stop_steps",
                      "history", "value_history", "gradient_history")

    def reason(self, i: int) -> StopReason:
        return _CODES[int(self.reasons[i])]

    def share(self, reason: StopReason) -> float:
        return float(np.mean(self.reasons == _CODES.index(reason))) if len(self.reasons) else 0.0


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


def _finite_rows(a: np.ndarray) -> np.ndarray:
    return np.isfinite(a).all(axis=-1) if a.ndim > 1 else np.isfinite(a)


def _outside(x: np.ndarray, domain: Domain) -> np.ndarray:
    lo = np.array([d[0] for d in domain])
    hi = np.array([d[1] for d in domain])
    return np.asarray(((x < lo) | (x > hi)).any(axis=-1))


def run_batch(func: Differentiable, rule: Rule, starts: np.ndarray, params: Mapping[str, float],
              *, max_steps: int = 1000, gtol: float = 1e-6, domain: Domain | None = None,
              stop_outside: bool = True, record: bool = False,
              progress: Callable[[int, int], bool | None] | None = None) -> BatchResult:
    """Advance every start with ``rule`` until each one stops (see ``StopReason``).

    Per step, for each active walker at x_k: converged if ‖∇f(x_k)‖ ≤ gtol; else x_{k+1} from
    the rule; diverged (step not taken) if f, ∇f or x_{k+1} is not finite or |x_{k+1}| exceeds
    FAR_FACTOR domain sizes; stalled (step not taken) if the rule checks descent and
    f(x_{k+1}) ≥ f(x_k); left_domain (step taken) if x_{k+1} lies outside ``domain``.
    ``progress(k, max_steps)`` is called after every step; a truthy return raises Cancelled.
    """
    x = np.array(starts, dtype=float).reshape(-1, func.dim)
    n = len(x)
    with np.errstate(all="ignore"):
        f, g = func.value_and_gradient(x)
    f, g = np.asarray(f, float).reshape(n), np.asarray(g, float).reshape(n, func.dim)
    reasons = np.full(n, _CODES.index(StopReason.MAX_STEPS))
    stop_steps = np.full(n, max_steps)
    undefined = ~(np.isfinite(f) & _finite_rows(g))
    reasons[undefined] = _CODES.index(StopReason.UNDEFINED)
    stop_steps[undefined] = 0
    active = ~undefined
    far = FAR_FACTOR * (max(hi - lo for lo, hi in domain) if domain else 1.0)
    state = rule.init_state(x.shape)
    hist = [(x.copy(), f.copy(), g.copy())] if record else []

    def stop(mask_idx: np.ndarray, why: StopReason, k: int) -> None:
        reasons[mask_idx] = _CODES.index(why)
        stop_steps[mask_idx] = k
        active[mask_idx] = False

    for k in range(max_steps):
        idx = np.flatnonzero(active)
        with np.errstate(over="ignore"):
            conv = np.linalg.norm(g[idx], axis=-1) <= gtol
        stop(idx[conv], StopReason.CONVERGED, k)
        idx = idx[~conv]
        if idx.size == 0:
            break
        sub = {key: (v[idx] if v.ndim else v) for key, v in state.items()}
        with np.errstate(all="ignore"):
            x_new, sub = rule(x[idx], g[idx], sub, params)
            f_new, g_new = func.value_and_gradient(x_new)
        f_new = np.asarray(f_new, float).reshape(idx.size)
        g_new = np.asarray(g_new, float).reshape(idx.size, func.dim)
        bad = ~(_finite_rows(x_new) & np.isfinite(f_new) & _finite_rows(g_new))
        with np.errstate(invalid="ignore"):
            bad |= (np.abs(x_new) > far).any(axis=-1)
        stop(idx[bad], StopReason.DIVERGED, k)
        keep = ~bad
        if rule.checks_descent:
            stalled = keep & ~(f_new < f[idx])
            stop(idx[stalled], StopReason.STALLED, k)
            keep &= ~stalled
        take = idx[keep]
        x[take], f[take], g[take] = x_new[keep], f_new[keep], g_new[keep]
        for key, v in sub.items():
            if v.ndim:
                state[key][take] = v[keep]
            else:
                state[key] = v
        if domain is not None and stop_outside:
            stop(take[_outside(x[take], domain)], StopReason.LEFT_DOMAIN, k + 1)
        if record:
            hist.append((x.copy(), f.copy(), g.copy()))
        if progress is not None and progress(k + 1, max_steps):
            raise Cancelled("cancelled")
    if record:
        xs, fs, gs = (np.stack(a) for a in zip(*hist, strict=True))
        return BatchResult(x, f, g, reasons, stop_steps, xs, fs, gs)
    return BatchResult(x, f, g, reasons, stop_steps)


def run(func: Differentiable, rule: Rule | str, start: Sequence[float] | np.ndarray,
        lr: float, *, max_steps: int = 1000, gtol: float = 1e-6, domain: Domain | None = None,
        stop_outside: bool = True, **rule_params: float) -> Trajectory:
    """One walker from ``start``: the whole path x_0 … x_m and why it stopped."""
    rule = Rule.parse(rule) if isinstance(rule, str) else rule
    params = rule.params(lr, **rule_params)
    res = run_batch(func, rule, np.asarray(start, float).reshape(1, func.dim), params,
                    max_steps=max_steps, gtol=gtol, domain=domain, stop_outside=stop_outside,
                    record=True)
    m = int(res.stop_steps[0])
    assert res.history is not None and res.value_history is not None
    assert res.gradient_history is not None
    return Trajectory(res.history[: m + 1, 0].copy(), res.value_history[: m + 1, 0].copy(),
                      res.gradient_history[: m + 1, 0].copy(), res.reason(0), rule, params)
