"""Curvature at a point: the Hessian's eigenvalues and the gradient rule's stability limit.

For plain gradient descent on a quadratic with Hessian H, the error along an eigenvector
with eigenvalue λ is multiplied by (1 − ηλ) each step, so the walk is stable only when
|1 − ηλ| < 1 for every λ > 0, i.e. η < 2/λ_max.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True, slots=True)
class Curvature:
    eigenvalues: tuple[float, ...]   # ascending; NaN where the Hessian is undefined
    stability_limit: float | None    # 2/λ_max, or None when λ_max ≤ 0 (no limit) or undefined

    def overshoots(self, lr: float) -> bool:
        """True when a gradient step of size ``lr`` would overshoot here (η ≥ 2/λ_max)."""
        return self.stability_limit is not None and lr >= self.stability_limit

    def describe(self, lr: float) -> str:
        if not all(np.isfinite(self.eigenvalues)):
            return "curvature: undefined here"
        eig = ", ".join(f"{v:.4g}" for v in self.eigenvalues)
        if self.stability_limit is None:
            return f"Hessian eigenvalues λ = {eig}; no positive curvature: no step-size limit"
        text = f"Hessian eigenvalues λ = {eig}; stable for η < 2/λmax = {self.stability_limit:.4g}"
        if self.overshoots(lr):
            text += " — this step size will overshoot here"
        return text


def curvature_at(func, point) -> Curvature:
    """Eigenvalues of ∇²f at ``point`` (length 1 or 2) and the limit 2/λ_max."""
    p = np.asarray(point, float)
    h = np.asarray(func.hessian(*p), float)
    if not np.isfinite(h).all() or not np.isfinite(func.value(*p)):
        return Curvature(tuple([float("nan")] * h.shape[-1]), None)
    eig = np.linalg.eigvalsh(0.5 * (h + h.T))
    lam = float(eig[-1])
    return Curvature(tuple(map(float, eig)), 2.0 / lam if lam > 0 else None)


class Conditioning(NamedTuple):
    """The step sizes a quadratic with Hessian H allows (for the conditioning panel).

    With eigenvalues 0 < λmin ≤ λmax, gradient descent multiplies the error along the
    eigenvector of λ by (1 − ηλ) each step:

    * it converges only when |1 − ηλmax| < 1, i.e. η < ``safe_eta`` = 2/λmax;
    * the slowest direction shrinks by max(|1 − ηλmin|, |1 − ηλmax|), which is smallest,
      (κ − 1)/(κ + 1) with κ = λmax/λmin, at ``best_eta`` = 2/(λmin + λmax).

    ``safe_eta`` is None when λmax ≤ 0 (no limit), ``best_eta`` when λmin ≤ 0 (not a bowl).
    ``eigenvectors`` are unit columns' tuples, in the order of ``eigenvalues`` (ascending).
    All are NaN / None where the Hessian is undefined.
    """

    safe_eta: float | None
    best_eta: float | None
    eigenvectors: tuple[tuple[float, ...], ...]
    eigenvalues: tuple[float, ...]

    @property
    def condition_number(self) -> float | None:
        """κ = λmax/λmin, or None unless 0 < λmin."""
        lo, hi = self.eigenvalues[0], self.eigenvalues[-1]
        return hi / lo if lo > 0 else None

    @property
    def contraction(self) -> float | None:
        """(κ − 1)/(κ + 1): the error factor per step at ``best_eta``, or None."""
        k = self.condition_number
        return None if k is None else (k - 1.0) / (k + 1.0)


@dataclass(frozen=True, slots=True)
class CurvatureAxes:
    """The Hessian's eigen-directions at ``point``: ``vectors[k]`` (unit, (d,)) has
    curvature ``eigenvalues[k]`` — the long and short axes of the bowl there."""

    point: np.ndarray
    eigenvalues: np.ndarray
    vectors: np.ndarray


def conditioning_numbers(func, point) -> Conditioning:
    """Safe and best gradient step sizes at ``point`` from the Hessian's eigen-decomposition
    (see ``Conditioning``); for κ = 10 (λ = 1, 10): safe 0.2, best 2/11."""
    p = np.asarray(point, float)
    h = np.asarray(func.hessian(*p), float)
    d = h.shape[-1]
    if not np.isfinite(h).all() or not np.isfinite(func.value(*p)):
        nan = float("nan")
        return Conditioning(None, None, tuple((nan,) * d for _ in range(d)), (nan,) * d)
    eig, vec = np.linalg.eigh(0.5 * (h + h.T))
    lo, hi = float(eig[0]), float(eig[-1])
    safe = 2.0 / hi if hi > 0 else None
    best = 2.0 / (lo + hi) if lo > 0 else None
    vectors = tuple(tuple(float(v) for v in vec[:, k]) for k in range(d))
    return Conditioning(safe, best, vectors, tuple(map(float, eig)))
