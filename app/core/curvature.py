"""Curvature at a point: the Hessian's eigenvalues and the gradient rule's stability limit.

For plain gradient descent on a quadratic with Hessian H, the error along an eigenvector
with eigenvalue λ is multiplied by (1 − ηλ) each step, so the walk is stable only when
|1 − ηλ| < 1 for every λ > 0, i.e. η < 2/λ_max.
"""

from __future__ import annotations

from dataclasses import dataclass

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
