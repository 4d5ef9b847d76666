"""Run a step rule from one or many starts: ``run`` -> Trajectory, ``run_batch`` -> BatchResult.

The loop is vectorised over walkers: every step evaluates f and ∇f for all active walkers in
one call, so thousands of starts (a basin map) cost little more than one. It is the one loop
for every rule; a learning-rate ``schedule`` gives η_k = η·s(k) and gradient ``noise`` σ makes
the rule see g̃ = g + σ·ξ (``app.core.noise``) while the stop tests use the true ∇f.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from app.core.descent_pack import Pack, finite_rows, norms, rows_all
from app.core.noise import GradientNoise
from app.core.rules import Rule
from app.core.rules_context import Differentiable, StepContext
from app.core.schedules import Schedule
from app.core.trajectory import (
    DETAILS,
    GREW,
    SADDLE,
    BatchResult,
    LineSearch,
    Step,
    StopReason,
    Trajectory,
    freeze_fields,
    read_only,
    trajectory_of,
)

__all__ = ["FAR_FACTOR", "GROWTH_STEPS", "BatchResult", "Cancelled", "Differentiable",
           "Domain", "LineSearch", "Step", "StopReason", "Trajectory", "freeze_fields",
           "read_only", "run", "run_batch"]

Domain = tuple[tuple[float, float], ...]
FAR_FACTOR = 1e6  # a walker further than this many domain sizes away has diverged
GROWTH_STEPS = 3  # this many steps in a row, each longer than the last with f rising: diverging
_GREW = DETAILS.index(GREW)


class Cancelled(Exception):
    """A long run was cancelled through its progress callback."""


def _wild(grew: np.ndarray, steps: int) -> np.ndarray:
    """Walkers whose last GROWTH_STEPS steps (all their steps, if fewer; at least two) each
    grew and raised f: ``grew`` counts such steps in a row, ``steps`` is how many were made."""
    return (grew >= 1) & (grew >= min(GROWTH_STEPS, steps - 1))


def _outside(x: np.ndarray, domain: Domain) -> np.ndarray:
    lo = np.array([d[0] for d in domain])
    hi = np.array([d[1] for d in domain])
    return ~rows_all(~((x < lo) | (x > hi)))


class _Tape:
    """A recorded run's per-step notes in arrays that grow by doubling: ``notes[key]`` is
    (m, n, …), NaN where a walker did not try that step; trials are rows
    (k, walker, t, f, *point); ``attempts`` counts each walker's tried steps."""

    def __init__(self, n: int) -> None:
        self.n, self.m = n, 0
        self.bufs: dict[str, np.ndarray] = {}
        self.trials: list[np.ndarray] = []
        self.attempts = np.zeros(n, int)

    def add(self, k: int, idx: np.ndarray, rows: Mapping[str, np.ndarray],
            trials: np.ndarray | None) -> None:
        for key, v in rows.items():
            buf = self.bufs.get(key)
            if buf is None:
                buf = self.bufs[key] = np.full((max(16, 2 * k + 2), self.n, *v.shape[1:]),
                                               np.nan)
            elif len(buf) <= k:
                grown = np.full((2 * len(buf), *buf.shape[1:]), np.nan)
                grown[: len(buf)] = buf
                buf = self.bufs[key] = grown
            buf[k, idx] = v
        self.attempts[idx] += 1
        self.m = k + 1
        if trials is not None:
            i, j = np.nonzero(np.isfinite(trials[:, :, 0]))
            self.trials.append(np.column_stack([np.full(len(i), k), idx[i], trials[i, j]]))

    def notes(self) -> dict[str, np.ndarray]:
        return {key: buf[: self.m].copy() for key, buf in self.bufs.items()}

    def trial_rows(self, d: int) -> np.ndarray:
        return np.concatenate(self.trials) if self.trials else np.empty((0, 4 + d))


def _per_walker(params: Mapping[str, float | np.ndarray], n: int) -> dict[str, np.ndarray]:
    """The parameters given per walker, as (n, 1) columns: an array of n values ((n,) or
    (n, 1)) is one value per walker (a rule's η·g then broadcasts over each walker's
    coordinates); numbers and 0-d arrays are shared by all and are not listed."""
    out = {}
    for key, v in params.items():
        a = np.asarray(v)
        if a.ndim:
            if a.shape not in ((n,), (n, 1)):
                raise ValueError(f"parameter {key}: give one number or one per walker "
                                 f"({n}), not an array of shape {a.shape}")
            out[key] = a.astype(float).reshape(n, 1)
    return out


def run_batch(func: Differentiable, rule: Rule, starts: np.ndarray,
              params: Mapping[str, float | np.ndarray],
              *, max_steps: int = 1000, gtol: float = 1e-6, domain: Domain | None = None,
              stop_outside: bool = True, record: bool = False,
              progress: Callable[[int, int], bool | None] | None = None,
              schedule: Schedule | str | None = None, noise: float = 0.0,
              seed: int = 0, details: bool = True) -> BatchResult:
    """Advance every start with ``rule`` until each one stops (see ``StopReason``).

    Per step k, for each active walker at x_k: converged if ‖∇f(x_k)‖ ≤ gtol; else x_{k+1}
    from the rule with η_k = ``schedule``.eta(k, lr) and g̃ = ∇f(x_k) + σ·ξ; stalled (step not
    taken) if the rule refuses the step (a line search that found no lower point, an undefined
    Hessian) or, for rules that check descent, f(x_{k+1}) ≥ f(x_k); diverged (step not taken)
    if f, ∇f or x_{k+1} is not finite or |x_{k+1}| exceeds FAR_FACTOR domain sizes;
    left_domain (step taken) if x_{k+1} lies outside ``domain``. Diverging or leaving after
    steps that each grew and raised f (the last GROWTH_STEPS, or all if fewer) is reported as
    diverged with the words "the steps grew each time: η is too large here".
    ``record`` keeps the whole history, per-step notes and line-search trials (see
    ``BatchResult``). ``progress(k, max_steps)`` is called after every step; a truthy return
    raises Cancelled. A parameter may be one value per walker (an array of n values, e.g.
    η_i for a learning-rate sweep: every rule then steps walker i with its own η_i, β_i, …).
    ``details=False`` skips watching for steps that grew when only ``details`` would show it
    (no ``domain`` stop): the reasons and points are the same, ``details`` never says GREW.
    """
    x = np.array(starts, dtype=float).reshape(-1, func.dim)
    n = len(x)
    with np.errstate(all="ignore"):
        f, g = func.value_and_gradient(x)
    f, g = np.asarray(f, float).reshape(n), np.asarray(g, float).reshape(n, func.dim)
    undefined = ~(np.isfinite(f) & finite_rows(g))
    w = Pack(x, f, g, np.flatnonzero(~undefined), rule.init_state(x.shape),
             _per_walker(params, n), max_steps,
             watch=details or (domain is not None and stop_outside))
    w.mark(np.flatnonzero(undefined), StopReason.UNDEFINED, 0)
    far = FAR_FACTOR * (max(hi - lo for lo, hi in domain) if domain else 1.0)
    far = min(far, float(np.finfo(float).max))     # |x| ≤ far: x is finite as well
    sched = schedule if isinstance(schedule, Schedule) else Schedule.parse(schedule)
    noisy = GradientNoise(noise, seed, x.shape)
    hist = [(x.copy(), f.copy(), g.copy())] if record else []
    tape = _Tape(n) if record else None
    with np.errstate(all="ignore"):
        alive = ~(norms(w.g) <= gtol) | (max_steps <= 0)
    w.settle(~alive, StopReason.CONVERGED, 0)
    for k in range(max_steps):
        w.keep(alive)
        m = w.ids.size
        if m == 0:
            break
        p = {**params, **w.columns} if w.columns else params
        if sched.is_constant:
            eta = p["lr"]
        else:
            eta = sched.eta(k, p["lr"])
            p = {**p, "lr": eta if w.columns else float(eta)}
        g_used = noisy.perturb(w.g, w.ids)
        ctx = StepContext(func, w.f, record)
        with np.errstate(all="ignore"):
            x_new, sub = rule(w.x, g_used, w.state, p, ctx)
            f_new, g_new = func.value_and_gradient(x_new)
            f_new = np.asarray(f_new, float).reshape(m)
            g_new = np.asarray(g_new, float).reshape(m, func.dim)
            keep = rows_all(np.abs(x_new) <= far) & np.isfinite(f_new) & finite_rows(g_new)
            keep = _refused(w, ctx, keep, f_new, k, rule.checks_descent)
            if w.watch:
                w.grow(x_new, f_new)
            w.x, w.f, w.g, w.state = x_new, f_new, g_new, sub
            alive = keep
            if domain is not None and stop_outside:
                out = keep & _outside(x_new, domain)
                wild = _wild(w.grew, k + 1)
                w.settle(out & wild, StopReason.DIVERGED, k + 1, GREW)
                w.settle(out & ~wild, StopReason.LEFT_DOMAIN, k + 1)
                alive = keep & ~out
            if tape is not None:
                w.write_out(alive)
                rows = {"g": g_used, "eta": np.broadcast_to(np.ravel(eta), m).copy(),
                        "x_next": x_new,
                        **{key: v for key, v in sub.items() if v.ndim}, **ctx.notes}
                tape.add(k, w.ids, rows, ctx.trials)
                hist.append((x.copy(), f.copy(), g.copy()))
            if k + 1 < max_steps:                            # converged before step k + 1
                conv = alive & (norms(g_new) <= gtol)
                w.settle(conv, StopReason.CONVERGED, k + 1)
                alive &= ~conv
        if progress is not None and progress(k + 1, max_steps):
            raise Cancelled("cancelled")
    else:
        w.write_out(alive)                               # still walking at the step limit
    if tape is not None:
        xs, fs, gs = (np.stack(a) for a in zip(*hist, strict=True))
        return BatchResult(x, f, g, w.reasons, w.stop_steps, xs, fs, gs, w.details,
                           tape.notes(), tape.attempts, tape.trial_rows(func.dim))
    return BatchResult(x, f, g, w.reasons, w.stop_steps, details=w.details)


def _refused(w: Pack, ctx: StepContext, keep: np.ndarray, f_new: np.ndarray, k: int,
             checks_descent: bool) -> np.ndarray:
    """Stop the walkers whose step k is not taken (before ``w`` moves): refused by the rule
    (stalled), not ``keep`` (diverged) or, for rules that check descent, not lower (stalled).
    Returns the walkers that take their step."""
    refused = np.zeros(len(keep), bool)
    for mask, why in ctx.refusals:
        w.settle(mask & ~refused, StopReason.STALLED, k, why)
        refused |= mask
    bad, keep = ~keep & ~refused, keep & ~refused
    if bad.any():
        growing = _wild(w.grew + 1, k + 1) if w.watch else np.zeros(len(keep), bool)
        w.settle(bad & growing, StopReason.DIVERGED, k, GREW)   # the refused step grew too
        w.settle(bad & ~growing, StopReason.DIVERGED, k)
    if checks_descent:
        stalled = keep & ~(f_new < w.f)
        w.settle(stalled, StopReason.STALLED, k)
        keep &= ~stalled
    return keep


def run(func: Differentiable, rule: Rule | str, start: Sequence[float] | np.ndarray,
        lr: float, *, max_steps: int = 1000, gtol: float = 1e-6, domain: Domain | None = None,
        stop_outside: bool = True, schedule: Schedule | str | None = None,
        noise: float = 0.0, seed: int = 0, **rule_params: float) -> Trajectory:
    """One walker from ``start``: the whole path x_0 … x_m, why it stopped, and per step the
    notes and line-search trials a step inspector shows (``explain.explain_step``)."""
    rule = Rule.parse(rule) if isinstance(rule, str) else rule
    params = rule.params(lr, **rule_params)
    sched = schedule if isinstance(schedule, Schedule) else Schedule.parse(schedule)
    res = run_batch(func, rule, np.asarray(start, float).reshape(1, func.dim), params,
                    max_steps=max_steps, gtol=gtol, domain=domain, stop_outside=stop_outside,
                    record=True, schedule=sched, noise=noise, seed=seed)
    saddle = (res.reason(0) is StopReason.CONVERGED
              and _not_a_minimum(func, np.asarray(res.points[0])))
    return trajectory_of(res, 0, rule, params, schedule=sched, noise=float(noise),
                         seed=int(seed), **({"detail": SADDLE} if saddle else {}))


def _not_a_minimum(func: Differentiable, point: np.ndarray) -> bool:
    """True when f's own Hessian at ``point`` has a clearly negative eigenvalue."""
    if getattr(func, "hessian", None) is None:
        return False
    h = StepContext(func, np.zeros(1)).hessians(point.reshape(1, -1))[0]
    if not np.isfinite(h).all():
        return False
    lam = np.linalg.eigvalsh(0.5 * (h + h.T))
    return bool(lam[0] < -1e-6 * max(1.0, float(np.abs(lam).max())))
