"""What a step rule may ask for besides x and g: ``StepContext``.

First-order rules need only (x, g). Newton needs the Hessian at x, line searches need f at
trial points: the loop hands every rule a ``StepContext`` for the walkers that are stepping,
which gives f(x), f and ∇²f at arrays of points, and takes back what the rule wants recorded
(``note``), its line-search trials and the walkers whose step it refuses (``refuse``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

FD_STEP = 1e-5   # relative step of the central differences when f has no Hessian of its own
# finer words for a stop (BatchResult.details indexes DETAILS; 0: the reason's own message)
GREW = "the steps grew each time: η is too large here"
LINE_SEARCH = ("stopped: no step along the search direction lowers f "
               "(the line search gave up after 30 halvings)")
NO_HESSIAN = "stopped: the Hessian is not defined here"
SADDLE = ("converged to a flat point that is not a minimum: "
          "the Hessian has a negative eigenvalue here (a saddle or a top)")
DETAILS = ("", GREW, LINE_SEARCH, NO_HESSIAN, SADDLE)


class Differentiable(Protocol):
    """f and ∇f for arrays of points (n, d) -> (n,), (n, d). If the object also has
    ``hessian(*coords) -> (..., d, d)`` (as CompiledFunction does), rules use it."""

    @property
    def dim(self) -> int: ...

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(slots=True)
class StepContext:
    """One step of n walkers: ``func``, f at their points, and what the rule hands back."""

    func: Differentiable
    f: np.ndarray                               # (n,) f(x_k)
    record: bool = False                        # keep notes and trials (single-walker runs)
    notes: dict[str, np.ndarray] = field(default_factory=dict)
    trials: np.ndarray | None = None            # (n, K, 2 + d): t, f, point; NaN-padded
    refusals: list[tuple[np.ndarray, str]] = field(default_factory=list)  # (mask, why)

    def values(self, points: np.ndarray) -> np.ndarray:
        """f at points (n, d) -> (n,); NaN where undefined."""
        p = np.asarray(points, float)
        value = getattr(self.func, "value", None)
        with np.errstate(all="ignore"):
            out = value(*p.T) if value is not None else self.func.value_and_gradient(p)[0]
        return np.asarray(out, float).reshape(len(p))

    def hessians(self, points: np.ndarray) -> np.ndarray:
        """∇²f at points (n, d) -> (n, d, d): the function's own Hessian, else central
        differences of ∇f (step ``FD_STEP``·max(1, |x_j|))."""
        p = np.asarray(points, float)
        n, d = p.shape
        hess = getattr(self.func, "hessian", None)
        with np.errstate(all="ignore"):
            if hess is not None:
                return np.asarray(hess(*p.T), float).reshape(n, d, d)
            out = np.empty((n, d, d))
            for j in range(d):
                h = FD_STEP * np.maximum(1.0, np.abs(p[:, j]))
                e = np.zeros_like(p)
                e[:, j] = h
                _, gp = self.func.value_and_gradient(p + e)
                _, gm = self.func.value_and_gradient(p - e)
                out[:, :, j] = (np.asarray(gp) - np.asarray(gm)) / (2 * h[:, None])
            return 0.5 * (out + np.swapaxes(out, 1, 2))

    def note(self, **arrays: np.ndarray) -> None:
        """Keep per-walker numbers of this step for the step inspector (recorded runs only)."""
        if self.record:
            self.notes.update({k: np.asarray(v, float) for k, v in arrays.items()})

    def refuse(self, mask: np.ndarray, detail: str) -> None:
        """The walkers in ``mask`` do not take this step: they stop (stalled, ``detail``)."""
        mask = np.asarray(mask, bool)
        if mask.any():
            self.refusals.append((mask, detail))
