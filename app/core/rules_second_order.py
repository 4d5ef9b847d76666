"""Second-order rules: Newton's method (with the Hessian made positive definite) and BFGS.

Newton: x ← x − η·H̃⁻¹g where H = QΛQᵀ = ∇²f(x) and H̃ = Q·max(|Λ|, δ)·Qᵀ with
δ = 10⁻⁶·max(1, max|λ|): a negative curvature is turned round (the step still goes down) and a
flat one capped, so H̃ is positive definite with condition number ≤ 10⁶. η = 1 is the pure
method; on a quadratic with a positive-definite Hessian one step lands on the minimum.

BFGS (Nocedal & Wright, Algorithm 6.1): p = −B·g with B ≈ H⁻¹, x ← x + t·p with t from a
backtracking Armijo search from η; then with s = x_{k+1} − x_k, y = g_{k+1} − g_k, ρ = 1/sᵀy:

    B ← (I − ρ·s·yᵀ)·B·(I − ρ·y·sᵀ) + ρ·s·sᵀ          (skipped when sᵀy ≤ 0)

B starts as I and is rescaled to (sᵀy / yᵀy)·I before the first update (N&W eq. 6.20).
"""

from __future__ import annotations

import numpy as np

from app.core.rules_context import LINE_SEARCH, NO_HESSIAN, StepContext
from app.core.rules_line_search import backtrack

DELTA = 1e-6   # smallest eigenvalue of H̃, relative to max(1, max|λ|)


def modified_eigen(h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(λ, λ̃, Q) of symmetric Hessians (n, d, d): eigenvalues ascending, the ones used
    (max(|λ|, δ)) and the eigenvectors; rows that are not finite give NaN."""
    d = h.shape[-1]
    ok = np.isfinite(h).all(axis=(1, 2))
    sym = np.where(ok[:, None, None], 0.5 * (h + np.swapaxes(h, 1, 2)), np.eye(d))
    lam, q = np.linalg.eigh(sym)
    delta = DELTA * np.maximum(1.0, np.abs(lam).max(axis=1))
    used = np.maximum(np.abs(lam), delta[:, None])
    lam[~ok] = np.nan
    used[~ok] = np.nan
    return lam, used, q


def newton(x: np.ndarray, g: np.ndarray, s: dict, p, ctx: StepContext
           ) -> tuple[np.ndarray, dict]:
    """x ← x − η·H̃⁻¹g (see the module doc); where ∇²f is undefined the walker stops."""
    h = ctx.hessians(x)
    lam, used, q = modified_eigen(h)
    ctx.refuse(~np.isfinite(lam).all(axis=1), NO_HESSIAN)
    coef = np.einsum("nji,nj->ni", q, g) / used          # Qᵀg / λ̃
    direction = np.einsum("nij,nj->ni", q, coef)          # H̃⁻¹g
    ctx.note(H=h, eig=lam, eig_used=used, d=direction)
    return x - p["lr"] * direction, s


def bfgs_state(shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """B = I, no previous step yet (``ready`` 0), not yet rescaled (``scaled`` 0)."""
    n, d = shape
    return {"B": np.broadcast_to(np.eye(d), (n, d, d)).copy(), "s": np.zeros(shape),
            "g_prev": np.zeros(shape), "ready": np.zeros(n), "scaled": np.zeros(n)}


def bfgs(x: np.ndarray, g: np.ndarray, s: dict, p, ctx: StepContext
         ) -> tuple[np.ndarray, dict]:
    """One BFGS step (see the module doc)."""
    n, d = x.shape
    eye = np.eye(d)
    b = s["B"].copy()
    step, y = s["s"], g - s["g_prev"]
    sy = np.einsum("nd,nd->n", step, y)
    yy = np.einsum("nd,nd->n", y, y)
    with np.errstate(all="ignore"):
        update = (s["ready"] > 0) & (sy > 0) & np.isfinite(sy) & (yy > 0)
        first = update & (s["scaled"] == 0)
        b[first] = (sy[first] / yy[first])[:, None, None] * eye
        rho = np.where(update, 1.0 / np.where(update, sy, 1.0), 0.0)
        a = eye - rho[:, None, None] * np.einsum("ni,nj->nij", step, y)
        new = a @ b @ np.swapaxes(a, 1, 2) + rho[:, None, None] * np.einsum("ni,nj->nij",
                                                                             step, step)
    b[update] = new[update]
    direction = -np.einsum("nij,nj->ni", b, g)
    slope = np.einsum("nd,nd->n", g, direction)
    reset = ~(slope < 0)            # not a descent direction (or NaN): start again from I
    b[reset] = eye
    direction[reset] = -g[reset]
    slope[reset] = -np.einsum("nd,nd->n", g[reset], g[reset])
    t, ok = backtrack(ctx, x, direction, slope, p["lr"], p["c"])
    ctx.refuse(~ok, LINE_SEARCH)
    ctx.note(p=direction, t=t)
    taken = t[:, None] * direction
    state = {**s, "B": b, "s": taken, "g_prev": g.copy(), "ready": np.ones(n),
             "scaled": np.where(first, 1.0, s["scaled"])}
    return x + taken, state
