"""Basins of attraction: run the rule from every start of an N×N grid at once, then say
which minimum each start reached.

Final points of converged (or stalled) walkers are grouped into minima: points closer than
``tol`` (1e-3 of the domain's extent by default) are one minimum. Other starts count as
diverged (incl. f undefined at the start) or unconverged (step limit, or left the domain).
"""

from __future__ import annotations

import itertools
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


def _cells(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(q, axis=0, return_inverse=True) for integer rows, via one 1-D key (the
    row-wise unique sorts structured rows and is ~10× slower on 262k points)."""
    lo = q.min(axis=0)
    span = q.max(axis=0) - lo + 1
    if len(q) == 0 or float(np.prod(span.astype(float))) >= 2.0**62:
        cells, inv = np.unique(q, axis=0, return_inverse=True)
        return cells, inv.reshape(-1)
    key = np.zeros(len(q), np.int64)
    for col in range(q.shape[1]):
        key = key * span[col] + (q[:, col] - lo[col])
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    return q[first], inv.reshape(-1)


def _group(points: np.ndarray, values: np.ndarray, tol: float) -> tuple[np.ndarray, list[int]]:
    """Greedy clustering of final points: label per point and a representative per cluster
    (the lowest point). Points are quantised to cells of size ``tol`` first; cells, lowest
    first, join the first cluster whose representative lies within 2·tol (found through a
    grid of buckets of size 2·tol, so the cost does not grow with the number of clusters)."""
    q = np.round(points / tol).astype(np.int64)
    cells, inv = _cells(q)
    order = np.lexsort((values, inv))               # by cell, lowest value first
    head = np.r_[True, inv[order][1:] != inv[order][:-1]]
    cell_best = np.empty(len(cells), np.int64)
    cell_best[inv[order][head]] = order[head]       # the lowest point of each cell
    centers: list[int] = []                         # a representative point per cluster
    buckets: dict[tuple[int, ...], list[int]] = {}  # bucket -> clusters whose centre is in it
    near = list(itertools.product((-1, 0, 1), repeat=points.shape[1]))
    cell_label = np.empty(len(cells), dtype=np.int64)
    for c in np.argsort(values[cell_best], kind="stable"):
        p = points[cell_best[c]]
        home = tuple(int(v) for v in np.floor(p / (2 * tol)))
        found = [k for d in near
                 for k in buckets.get(tuple(h + e for h, e in zip(home, d, strict=True)), ())
                 if np.linalg.norm(points[centers[k]] - p) <= 2 * tol]
        if found:
            cell_label[c] = min(found)
        else:
            cell_label[c] = len(centers)
            buckets.setdefault(home, []).append(len(centers))
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
