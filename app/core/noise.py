"""Gradient noise: the rule sees g̃ = g + σ·ξ with ξ ~ N(0, I) instead of g = ∇f(x).

Draws come from ``numpy.random.Generator(PCG64(seed))``: one (n, d) block per step for all n
walkers of a run, whether or not they are still moving, so the same seed gives the same walk
everywhere (a single walker, a scene, the command line). Stop tests use the true gradient.
"""

from __future__ import annotations

import math

import numpy as np

MAX_SIGMA = 1e6
MAX_SEED = 2**63 - 1


def check_noise(sigma: float, seed: int) -> None:
    """ValueError (one line) unless 0 ≤ σ ≤ MAX_SIGMA is finite and the seed a whole number
    in 0 … 2⁶³ − 1."""
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) \
            or not math.isfinite(sigma) or not 0 <= sigma <= MAX_SIGMA:
        raise ValueError(f"noise σ must be a number from 0 to {MAX_SIGMA:g}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= seed <= MAX_SEED:
        raise ValueError("seed must be a whole number from 0 to 2^63 − 1")


class GradientNoise:
    """The noise of one run: ``perturb(g, idx)`` adds σ·ξ to the rows ``idx`` of this step's
    draw ξ (shape ``shape``); σ = 0 draws nothing and returns ``g`` itself."""

    def __init__(self, sigma: float, seed: int, shape: tuple[int, int]) -> None:
        check_noise(sigma, seed)
        self.sigma = float(sigma)
        self.shape = shape
        self._rng = np.random.Generator(np.random.PCG64(int(seed))) if sigma > 0 else None

    def perturb(self, g: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """g̃ = g + σ·ξ[idx] for this step (call once per step)."""
        if self._rng is None:
            return g
        xi = self._rng.standard_normal(self.shape)
        return g + self.sigma * xi[idx]
