"""The pieces of one step, as arrows to draw at the walker: what each rule adds up.

For step k from x_k (notes from the recorded run, see ``Trajectory.notes``):
- every rule: the step taken, x_{k+1} − x_k;
- gradient-like rules: −η_k·g (the plain gradient step, for comparison);
- momentum / Nesterov: the velocity's share −η_k·β·v_{k−1} (what the past adds);
- Newton: the Newton direction −H⁻¹g (at η = 1 it is the step);
- a line search (Armijo, BFGS): each trial point x_k − t·p, with the accepted one last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.trajectory import Trajectory

COLOURS = {"step": "#ffffff", "−η·g": "#ffd23f", "velocity": "#5ad1ff",
           "Newton direction": "#ff7ae0", "search direction": "#ff7ae0"}


@dataclass(frozen=True, slots=True)
class StepPart:
    label: str
    origin: np.ndarray      # (d,)
    vector: np.ndarray      # (d,)
    colour: str


def step_parts(traj: Trajectory, k: int) -> list[StepPart]:
    """The arrows of step k (none once the walker has stopped)."""
    if not 0 <= k < traj.steps:
        return []
    x = np.asarray(traj.points[k], float)
    out = [StepPart("step", x, np.asarray(traj.points[k + 1], float) - x, COLOURS["step"])]
    notes = traj.notes
    if "g" in notes and "eta" in notes and k < len(notes["g"]):
        g, eta = np.asarray(notes["g"][k], float), float(notes["eta"][k])
        if "d" in notes:
            out.append(StepPart("Newton direction", x, np.asarray(notes["d"][k], float),
                                COLOURS["Newton direction"]))
        elif "p" in notes:
            out.append(StepPart("search direction", x, np.asarray(notes["p"][k], float),
                                COLOURS["search direction"]))
        if "v" in notes and "m" not in notes and k > 0:      # momentum's memory
            beta = float(traj.params.get("beta", 0.0))
            out.append(StepPart("velocity", x, -eta * beta * np.asarray(notes["v"][k - 1],
                                                                          float),
                                COLOURS["velocity"]))
        out.append(StepPart("−η·g", x, -eta * g, COLOURS["−η·g"]))
    return [p for p in out if np.isfinite(p.vector).all() and np.any(p.vector)]


def trial_points(traj: Trajectory, k: int) -> np.ndarray:
    """The line search's trial points of step k, (m, d) (empty without a line search)."""
    if not 0 <= k < traj.steps or not len(traj.trials):
        return np.zeros((0, traj.points.shape[1]))
    return np.asarray(traj.line_search(k).points, float)


def axes_segments(axes, extent: float) -> list[tuple[np.ndarray, str]]:
    """The Hessian's eigen-directions at the walker as two segments through it, each
    (2, 2): the flat direction (small λ) long and green, the steep one short and red;
    length ∝ 1/√|λ| (the shape of the bowl's level sets there), the longer 0.3·extent."""
    lam = np.abs(np.asarray(axes.eigenvalues, float))
    if axes.vectors.shape[-1] != 2 or not np.isfinite(lam).all():
        return []
    inv = 1.0 / np.sqrt(np.maximum(lam, 1e-12 * max(lam.max(), 1e-300)))
    half = 0.15 * extent * inv / inv.max()
    p = np.asarray(axes.point, float)
    order = np.argsort(lam)                     # flat first
    colours = ("#7ddc5a", "#ff6b6b")
    return [(np.array([p - half[k] * axes.vectors[k], p + half[k] * axes.vectors[k]]),
             colours[i]) for i, k in enumerate(order)]
