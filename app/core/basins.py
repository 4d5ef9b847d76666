"""Basins of attraction: run the rule from every start of an N×N grid at once, then say
which minimum each start reached.

Final points of converged (or stalled) walkers are grouped into minima: points closer than
``tol`` (1e-3 of the domain's extent by default) are one minimum. Other starts count as
diverged (incl. f undefined at the start) or unconverged (step limit, or left the domain).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.core.descent import Differentiable, Domain, StopReason, freeze_fields, run_batch
from app.core.rules import Rule

DIVERGED, UNCONVERGED = -1, -2
_CODES = list(StopReason)
_REACHED = [_CODES.index(StopReason.CONVERGED), _CODES.index(StopReason.STALLED)]
_DIVERGED = [_CODES.index(StopReason.DIVERGED), _CODES.index(StopReason.UNDEFINED)]


@dataclass(frozen=True, slots=True)
class FoundMinimum:
    point: tuple[float, ...]
    f: float
    share: float  # of all starts


@dataclass(frozen=True, slots=True)
class BasinMap:
    """labels[i, j] is the index of the minimum reached from (xs[i], ys[j]) (grid[i] in 1-D),
    or DIVERGED / UNCONVERGED."""

    xs: np.ndarray
    ys: np.ndarray | None
    labels: np.ndarray
    minima: tuple[FoundMinimum, ...]
    diverged_share: float
    unconverged_share: float

    def __post_init__(self) -> None:
        freeze_fields(self, "xs", "ys", "labels")

    def to_json(self) -> dict:
        keys = ("x", "y")
        return {"minima": [{**dict(zip(keys, m.point, strict=False)), "f": m.f, "share": m.share}
                           for m in self.minima],
                "diverged_share": self.diverged_share,
                "unconverged_share": self.unconverged_share}


def _group(points: np.ndarray, values: np.ndarray, tol: float) -> tuple[np.ndarray, list[int]]:
    """Greedy clustering of final points: label per point and a representative per cluster
    (the lowest point). Quantising first keeps the greedy part to a handful of cells."""
    q = np.round(points / tol).astype(np.int64)
    cells, inv = np.unique(q, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    cell_best = np.full(len(cells), -1)
    order = np.argsort(values)
    for idx in order[::-1]:           # ends with the lowest point of each cell
        cell_best[inv[idx]] = idx
    centers: list[int] = []           # index of a representative point per cluster
    cell_label = np.empty(len(cells), dtype=np.int64)
    for c in np.argsort(values[cell_best]):
        p = points[cell_best[c]]
        for k, rep in enumerate(centers):
            if np.linalg.norm(points[rep] - p) <= 2 * tol:
                cell_label[c] = k
                break
        else:
            cell_label[c] = len(centers)
            centers.append(int(cell_best[c]))
    return cell_label[inv], centers


def basin_map(func: Differentiable, domain: Domain, rule: Rule | str, lr: float, *,
              resolution: int = 128, max_steps: int = 500, gtol: float = 1e-6,
              tol: float | None = None, params: dict[str, float] | None = None,
              progress: Callable[[int, int], bool | None] | None = None) -> BasinMap:
    """Run ``rule`` from resolution² starts (resolution in 1-D) and map where each ends."""
    rule = Rule.parse(rule) if isinstance(rule, str) else rule
    axes = [np.linspace(lo, hi, resolution) for lo, hi in domain]
    mesh = np.meshgrid(*axes, indexing="ij")
    starts = np.stack(mesh, axis=-1).reshape(-1, len(domain))
    res = run_batch(func, rule, starts, rule.params(lr, **(params or {})), max_steps=max_steps,
                    gtol=gtol, domain=domain, stop_outside=False, progress=progress)
    extent = max(hi - lo for lo, hi in domain)
    labels = np.full(len(starts), UNCONVERGED, dtype=np.int64)
    labels[np.isin(res.reasons, _DIVERGED)] = DIVERGED
    reached = np.flatnonzero(np.isin(res.reasons, _REACHED))
    minima: list[FoundMinimum] = []
    if reached.size:
        lab, reps = _group(res.points[reached], res.values[reached], tol or 1e-3 * extent)
        counts = np.bincount(lab, minlength=len(reps))
        labels[reached] = lab
        minima = [FoundMinimum(tuple(map(float, res.points[reached][r])),
                               float(res.values[reached][r]), float(counts[k] / len(starts)))
                  for k, r in enumerate(reps)]
    n = len(starts)
    return BasinMap(axes[0], axes[1] if len(axes) > 1 else None,
                    labels.reshape(mesh[0].shape), tuple(minima),
                    float(np.sum(labels == DIVERGED)) / n, float(np.sum(labels == UNCONVERGED)) / n)


PALETTE = np.array([[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40],
                    [148, 103, 189], [140, 86, 75], [227, 119, 194], [188, 189, 34],
                    [23, 190, 207], [127, 127, 127]], dtype=np.uint8)
DIVERGED_RGB, UNCONVERGED_RGB = (20, 20, 20), (235, 235, 235)


def basin_colors(labels: np.ndarray) -> np.ndarray:
    """RGB uint8 image of a label array: a palette colour per minimum, near-black for
    diverged, near-white for unconverged."""
    out = np.empty((*labels.shape, 3), dtype=np.uint8)
    ok = labels >= 0
    out[ok] = PALETTE[labels[ok] % len(PALETTE)]
    out[labels == DIVERGED] = DIVERGED_RGB
    out[labels == UNCONVERGED] = UNCONVERGED_RGB
    return out
