"""Backtracking (Armijo) line search, and the gradient rule that uses it.

From x along a descent direction p (slope gᵀp < 0) try t = η, η/2, η/4, … (at most
``HALVINGS`` halvings) and take the first with enough decrease:

    f(x + t·p) ≤ f(x) + c·t·gᵀp        (Armijo's condition, c = 10⁻⁴ by default)
"""

from __future__ import annotations

import numpy as np

from app.core.rules_context import LINE_SEARCH, StepContext

HALVINGS = 30


def backtrack(ctx: StepContext, x: np.ndarray, p: np.ndarray, slope: np.ndarray,
              t0: float | np.ndarray, c: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t, ok) per walker: the first t = t0·2⁻ʲ, j = 0 … HALVINGS, meeting Armijo's condition
    (ok False: none did; t is then the last one tried). Only walkers still searching are
    evaluated. Recorded runs keep every trial in ``ctx.trials`` as (t, f, point). ``t0`` and
    ``c`` are numbers or one per walker ((n,) or (n, 1))."""
    n, d = x.shape
    t0s = np.broadcast_to(np.ravel(np.asarray(t0, float)), n)
    cs = np.broadcast_to(np.ravel(np.asarray(c, float)), n)
    t = t0s.copy()
    ok = np.zeros(n, bool)
    todo = np.arange(n)
    blocks = []
    for j in range(HALVINGS + 1):
        tj = t0s[todo] * 0.5**j
        pts = x[todo] + tj[:, None] * p[todo]
        ft = ctx.values(pts)
        with np.errstate(invalid="ignore", over="ignore"):
            good = ft <= ctx.f[todo] + cs[todo] * tj * slope[todo]   # NaN: not good, halve
        if ctx.record:
            block = np.full((n, 2 + d), np.nan)
            block[todo, 0], block[todo, 1], block[todo, 2:] = tj, ft, pts
            blocks.append(block)
        t[todo] = tj
        ok[todo[good]] = True
        todo = todo[~good]
        if todo.size == 0:
            break
    if ctx.record:
        ctx.trials = np.stack(blocks, axis=1)
    return t, ok


def armijo(x: np.ndarray, g: np.ndarray, s: dict, p, ctx: StepContext
           ) -> tuple[np.ndarray, dict]:
    """Gradient descent with backtracking: x ← x − t·g, t = η·2⁻ʲ the first with
    f(x − t·g) ≤ f(x) − c·t·‖g‖²; a walker for which no t works stops (stalled)."""
    slope = -np.einsum("nd,nd->n", g, g)
    t, ok = backtrack(ctx, x, -g, slope, p["lr"], p["c"])
    ctx.refuse(~ok, LINE_SEARCH)
    ctx.note(t=t)
    return x - t[:, None] * g, s
