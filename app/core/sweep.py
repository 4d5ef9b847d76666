"""Which learning rate? One rule from one start with N learning rates at once, a momentum
η × β map, and a race of the scene's walkers.

For a rule R and learning rates η_1 < … < η_N (log-spaced), walker i runs R with its own η_i
from the same start x_0, all N in one vectorised batch (``run_batch`` with a per-walker η).
Each run records the step k at which it stopped and why (converged: ‖∇f(x_k)‖ ≤ gtol; see
``StopReason``) and f(x_k). Leaving the domain does not stop a run here (the question is
whether R converges with η_i, not whether it stays in the picture), but a run that ends
outside it (converged or stalled on a far plain where ∇f vanishes) is reported as
``left_domain``.

Near the start f ≈ f(x_0) + gᵀ(x − x_0) + ½(x − x_0)ᵀH(x − x_0); on such a quadratic plain
gradient descent multiplies the error along an eigenvector of H with eigenvalue λ by
(1 − ηλ) each step, so it converges iff η < 2/λmax. Each rule's limit of this kind at x_0
(``stability.stability_limit``: 2/λmax, 2(1 + β)/λmax for heavy-ball momentum, …) is
recorded with the sweep; on x² + 10y² (H = diag(2, 20)) it is 2/20 = 0.1 everywhere.

``momentum_map`` runs heavy-ball momentum (v ← βv + g; x ← x − ηv) on an η × β grid, one
walker per cell, in one batch: stable iff η < 2(1 + β)/λmax. ``race`` lists the scene's own
walkers: steps to tolerance, final f and why each stopped.

``progress(done, total)`` counts walkers finished over all batches (a walker still running at
step k counts k/max_steps of one); a truthy return raises ``Cancelled``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from app.core.descent import Cancelled, Differentiable, Domain, StopReason, Trajectory, run_batch
from app.core.expression import CompiledFunction
from app.core.limits import MAX_SWEEP_COUNT
from app.core.rules import Rule
from app.core.rules_context import StepContext
from app.core.scene import Scene, Walker
from app.core.stability import stability_limit
from app.core.sweep_result import LIMIT_FORMS, MomentumMap, RaceRow, RuleSweep, Sweep
from app.core.trajectory import CODES

__all__ = ["LIMIT_FORMS", "Cancelled", "MomentumMap", "RaceRow", "RuleSweep", "Sweep", "Walk",
           "curvature_at_start", "learning_rates", "momentum_map", "race", "sweep_rule",
           "sweep_scene"]

Progress = Callable[[int, int], "bool | None"]
_LEFT = CODES.index(StopReason.LEFT_DOMAIN)
_AT_REST = [CODES.index(StopReason.CONVERGED), CODES.index(StopReason.STALLED)]


def learning_rates(lr_min: float = 1e-4, lr_max: float = 10.0, count: int = 200) -> np.ndarray:
    """``count`` learning rates log-spaced from ``lr_min`` to ``lr_max`` (both included):
    η_i = η_min·(η_max/η_min)^(i/(count−1))."""
    if not (np.isfinite(lr_min) and np.isfinite(lr_max) and 0 < lr_min < lr_max):
        raise ValueError("learning rates: need 0 < minimum < maximum")
    if not 2 <= count <= MAX_SWEEP_COUNT:
        raise ValueError(f"learning rates: count must be between 2 and {MAX_SWEEP_COUNT:,}")
    return np.geomspace(lr_min, lr_max, int(count))


def curvature_at_start(func: Differentiable, start: Sequence[float]) -> tuple[float, ...]:
    """Eigenvalues of ∇²f at ``start``, ascending (f's own Hessian, else central differences
    of ∇f); empty when they are not defined or take too long."""
    p = np.asarray(start, float).reshape(1, -1)
    try:
        h = StepContext(func, np.zeros(1)).hessians(p)[0]
    except ValueError:               # the Hessian did not come within its budget
        return ()
    if not np.isfinite(h).all():
        return ()
    return tuple(float(v) for v in np.linalg.eigvalsh(0.5 * (h + h.T)))


class _Tally:
    """Progress over several batches: ``func`` counts the points of its last f+∇f call (the
    batch's last call in a step is for the walkers still running)."""

    def __init__(self, func: Differentiable, total: int, progress: Progress | None) -> None:
        self.func, self.dim, self.total, self.progress = func, func.dim, total, progress
        self.done, self.running, self.n = 0, 0, 0

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.running = len(np.asarray(points).reshape(-1, self.dim))
        return self.func.value_and_gradient(points)

    def __getattr__(self, name: str):
        return getattr(self.func, name)

    def start(self, n: int) -> None:
        self.n, self.running = n, n

    def report(self, k: int, steps: int) -> bool | None:
        if self.progress is None:
            return None
        left = int(np.ceil(self.running * (1.0 - k / steps)))
        return self.progress(self.done + self.n - left, self.total)

    def finish(self) -> None:
        self.done += self.n
        if self.progress is not None and self.progress(self.done, self.total):
            raise Cancelled("cancelled")


class Walk(NamedTuple):
    """How each run walks: step limit, tolerance, domain (far-away test and left_domain),
    the walker's learning-rate schedule (η_k = η_i·s(k)) and gradient noise σ with its seed."""

    max_steps: int = 500
    gtol: float = 1e-6
    domain: Domain | None = None
    schedule: str | None = None
    noise: float = 0.0
    seed: int = 0


def _batch(tally: _Tally, rule: Rule, start: Sequence[float], params: Mapping, n: int,
           walk: Walk) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(steps, reasons, final f) of n walkers from ``start``. A run that came to rest
    outside the domain (on a far plain where ∇f vanishes, say) is LEFT_DOMAIN."""
    tally.start(n)
    starts = np.tile(np.asarray(start, float).reshape(1, -1), (n, 1))
    res = run_batch(tally, rule, starts, params, max_steps=walk.max_steps, gtol=walk.gtol,
                    domain=walk.domain, stop_outside=False, progress=tally.report,
                    schedule=walk.schedule, noise=walk.noise, seed=walk.seed)
    tally.finish()
    reasons = res.reasons.astype(np.int64)
    if walk.domain is not None:
        lo, hi = np.array(walk.domain, float).T
        with np.errstate(invalid="ignore"):
            out = ((res.points < lo) | (res.points > hi)).any(axis=1)
        reasons[out & np.isin(reasons, _AT_REST)] = _LEFT
    return res.stop_steps.astype(np.int64), reasons, res.values.copy()


def sweep_rule(func: Differentiable, rule: Rule | str, start: Sequence[float],
               lrs: np.ndarray, *, params: Mapping[str, float] | None = None,
               eigenvalues: Sequence[float] | None = None, progress: Progress | None = None,
               _tally: _Tally | None = None, **walk) -> RuleSweep:
    """``rule`` from ``start`` with every η in ``lrs`` (one batch); ``walk``: the fields of
    ``Walk`` (max_steps, gtol, domain, schedule, noise, seed). See the module doc."""
    rule = Rule.parse(rule) if isinstance(rule, str) else rule
    lrs = np.asarray(lrs, float).reshape(-1)
    own = rule.params(1.0, **(params or {}))
    tally = _tally or _Tally(func, len(lrs), progress)
    steps, reasons, values = _batch(tally, rule, start, {**own, "lr": lrs}, len(lrs),
                                    Walk(**walk))
    lam = curvature_at_start(func, start) if eigenvalues is None else tuple(eigenvalues)
    limit = stability_limit(rule, lam, own)
    return RuleSweep(rule, {k: v for k, v in own.items() if k != "lr"}, lrs, steps, reasons,
                     values, limit, LIMIT_FORMS.get(rule, "") if limit else "")


def momentum_map(func: Differentiable, start: Sequence[float], lrs: np.ndarray,
                 betas: np.ndarray, *, eigenvalues: Sequence[float] | None = None,
                 progress: Progress | None = None, _tally: _Tally | None = None,
                 **walk) -> MomentumMap:
    """Heavy-ball momentum from ``start`` for every (η, β) of ``lrs`` × ``betas``, one batch
    (``walk`` as for ``sweep_rule``)."""
    lrs, betas = np.asarray(lrs, float).reshape(-1), np.asarray(betas, float).reshape(-1)
    eta, beta = (a.reshape(-1) for a in np.meshgrid(lrs, betas, indexing="ij"))
    tally = _tally or _Tally(func, eta.size, progress)
    steps, reasons, values = _batch(tally, Rule.MOMENTUM, start, {"lr": eta, "beta": beta},
                                    eta.size, Walk(**walk))
    lam = curvature_at_start(func, start) if eigenvalues is None else tuple(eigenvalues)
    limits = [stability_limit(Rule.MOMENTUM, lam, {"beta": float(b)}) for b in betas]
    shape = (len(lrs), len(betas))
    return MomentumMap(lrs, betas, steps.reshape(shape), reasons.reshape(shape),
                       values.reshape(shape),
                       np.array([np.nan if v is None else v for v in limits], float))


def race(walkers: Sequence[Walker], trajectories: Sequence[Trajectory]) -> tuple[RaceRow, ...]:
    """One row per walker, in the scene's order."""
    return tuple(RaceRow(w.label, w.color, t.steps, float(t.values[-1]), t.stop_reason,
                         t.message) for w, t in zip(walkers, trajectories, strict=True))


def sweep_scene(scene: Scene, func: CompiledFunction, *, walker: int = 0,
                rules: Sequence[Rule | str] | None = None, lrs: np.ndarray | None = None,
                betas: np.ndarray | None = None, momentum_lrs: np.ndarray | None = None,
                trajectories: Sequence[Trajectory] | None = None,
                progress: Progress | None = None) -> Sweep:
    """Sweep ``rules`` (default: walker ``walker``'s rule) from that walker's start, with its
    schedule and noise, and its own parameters where the rule is its own (else defaults);
    with ``betas``, the momentum map on ``momentum_lrs`` (default ``lrs``) × ``betas``; the
    race of the scene's walkers (``trajectories``, or run here). Defaults: 200 η from 1e-4
    to 10."""
    w = scene.walkers[walker]
    lrs = learning_rates() if lrs is None else np.asarray(lrs, float)
    todo = [Rule.parse(r) if isinstance(r, str) else r for r in (rules or [w.rule])]
    m_lrs = lrs if momentum_lrs is None else np.asarray(momentum_lrs, float)
    total = len(todo) * len(lrs) + (len(m_lrs) * len(betas) if betas is not None else 0)
    tally = _Tally(func, total, progress)
    lam = curvature_at_start(func, w.start)
    walk = Walk(scene.max_steps, scene.gtol, scene.domain, w.schedule, w.noise, w.seed)._asdict()
    swept = tuple(sweep_rule(func, r, w.start, lrs, eigenvalues=lam, _tally=tally,
                             params=dict(w.params) if r.value == w.rule else None, **walk)
                  for r in todo)
    heat = None if betas is None else momentum_map(func, w.start, m_lrs, betas,
                                                   eigenvalues=lam, _tally=tally, **walk)
    if trajectories is None:
        trajectories = scene.run_all(func)
    return Sweep(scene.expression, tuple(map(float, w.start)), lam, scene.gtol,
                 scene.max_steps, swept, heat, race(scene.walkers, trajectories))
