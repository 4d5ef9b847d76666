"""Basins of attraction: run the rule from every start of an N×N grid at once, then say
which minimum each start reached.

Every start gets a label: the index of its minimum (0 is the lowest), or

* DIVERGED: the walk blew up, or f is undefined at the start or on the way;
* LEFT: it ended outside the domain (out on a plain where f flattens, or at a minimum
  outside), whatever it did on the way; minima outside the domain are not listed;
* UNCONVERGED: still walking at the step limit away from any minimum, or stopped where
  there is no minimum (on a saddle: its Hessian has a negative eigenvalue).

The end points become minima in ``basin_minima``: Newton polishing, grouping within ``tol``
(1e-3 of the domain's extent by default) and merging of groups with no barrier between them.
A walker at the step limit whose end point polishing takes to a minimum at most NEAR of the
extent away counts for that minimum, as unsettled: still creeping in (x⁴ under gradient
descent) or circling it for ever (gradient descent with η above 2/λmax there bounces around
it). ``FoundMinimum.unsettled`` is that share. Two groups of end points are one minimum when
the path between them rises by no more than SLACK of the range of f over the starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.core.basin_minima import group, merge, polish
from app.core.descent import Differentiable, Domain, run_batch
from app.core.rules import Rule
from app.core.trajectory import CODES, StopReason, freeze_fields

DIVERGED, UNCONVERGED, LEFT = -1, -2, -3
NEAR = 0.1    # of the domain's extent: how far a walker at the step limit may be from its minimum
CAP = 0.05    # of the extent: the longest Newton step when polishing
SLACK = 1e-6  # of the range of f over the starts: a rise smaller than this is no barrier
CHUNK = 16384  # starts walked together: a chunk's arrays stay in the CPU's cache (~1.5× faster)
_SETTLED = [CODES.index(StopReason.CONVERGED), CODES.index(StopReason.STALLED)]
_BLEW_UP = [CODES.index(StopReason.DIVERGED), CODES.index(StopReason.UNDEFINED)]


@dataclass(frozen=True, slots=True)
class FoundMinimum:
    point: tuple[float, ...]
    f: float
    share: float            # of all starts
    unsettled: float = 0.0  # of all starts: counted here but still moving at the step limit


@dataclass(frozen=True, slots=True)
class BasinMap:
    """labels[i, j] is the index of the minimum reached from (xs[i], ys[j]) (grid[i] in 1-D),
    or DIVERGED / UNCONVERGED / LEFT. ``minima[k]`` is drawn in ``PALETTE[k % 10]``."""

    xs: np.ndarray
    ys: np.ndarray | None
    labels: np.ndarray
    minima: tuple[FoundMinimum, ...]
    diverged_share: float
    unconverged_share: float
    left_share: float = 0.0

    def __post_init__(self) -> None:
        freeze_fields(self, "xs", "ys", "labels")

    @property
    def minimum_points(self) -> np.ndarray:
        """(k, dim) positions of the minima, in label order (to mark them on the map)."""
        dim = 1 if self.ys is None else 2
        return np.array([m.point for m in self.minima], float).reshape(len(self.minima), dim)

    @property
    def minimum_colors(self) -> np.ndarray:
        """(k, 3) uint8: the colour of each minimum's basin."""
        return PALETTE[np.arange(len(self.minima)) % len(PALETTE)]

    def to_json(self) -> dict:
        keys = ("x", "y")
        return {"minima": [{**dict(zip(keys, m.point, strict=False)), "f": m.f,
                            "share": m.share, "unsettled": m.unsettled} for m in self.minima],
                "diverged_share": self.diverged_share,
                "unconverged_share": self.unconverged_share, "left_share": self.left_share}


class _Counted:
    """``func`` for run_batch, remembering how many points it was last asked about: the
    batch's last call in a step is for the walkers still running. Anything else (a Hessian,
    ``value``) is the function's own."""

    def __init__(self, func: Differentiable) -> None:
        self.func, self.dim, self.running = func, func.dim, 0

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.running = len(np.asarray(points).reshape(-1, self.dim))
        return self.func.value_and_gradient(points)

    def __getattr__(self, name: str):
        return getattr(self.func, name)


def _inside(points: np.ndarray, domain: Domain, slack: float) -> np.ndarray:
    lo = np.array([d[0] for d in domain]) - slack
    hi = np.array([d[1] for d in domain]) + slack
    return np.isfinite(points).all(axis=1) & ((points >= lo) & (points <= hi)).all(axis=1)


def basin_map(func: Differentiable, domain: Domain, rule: Rule | str, lr: float, *,
              resolution: int = 128, max_steps: int = 500, gtol: float = 1e-6,
              tol: float | None = None, params: dict[str, float] | None = None,
              progress: Callable[[int, int], bool | None] | None = None,
              schedule: str | None = None, noise: float = 0.0, seed: int = 0) -> BasinMap:
    """Run ``rule`` from resolution² starts (resolution in 1-D) and map where each ends.

    ``progress(done, n)`` counts the n starts finished: a start still walking at step k
    counts k/max_steps of one. A truthy return raises ``Cancelled``."""
    rule = Rule.parse(rule) if isinstance(rule, str) else rule
    axes = [np.linspace(lo, hi, resolution) for lo, hi in domain]
    mesh = np.meshgrid(*axes, indexing="ij")
    starts = np.stack(mesh, axis=-1).reshape(-1, len(domain))
    n = len(starts)
    counted = _Counted(func)
    ends, reasons = np.empty_like(starts), np.empty(n, np.int64)
    # walkers are independent, so chunks give the same ends; noise draws one block per step
    # for the whole batch, so with noise the batch stays whole (the same walks as any run's)
    size = n if noise else CHUNK
    for first in range(0, n, size):
        part = slice(first, min(first + size, n))
        m = part.stop - first

        def report(k: int, steps: int, first: int = first, m: int = m) -> bool | None:
            assert progress is not None
            left = int(np.ceil(counted.running * (1.0 - k / steps)))
            return progress(first + m - left, n)

        res = run_batch(counted, rule, starts[part], rule.params(lr, **(params or {})),
                        max_steps=max_steps, gtol=gtol, domain=domain, stop_outside=False,
                        progress=report if progress is not None else None,
                        schedule=schedule, noise=noise, seed=seed, details=False)
        ends[part], reasons[part] = res.points, res.reasons
    extent = max(hi - lo for lo, hi in domain)
    with np.errstate(all="ignore"):
        f0 = np.asarray(func.value_and_gradient(starts)[0], float)
    span = float(np.ptp(f0[np.isfinite(f0)])) if np.isfinite(f0).any() else 0.0
    labels, minima = _label(func, ends, reasons, domain, extent, tol or 1e-3 * extent,
                            SLACK * span)
    if progress is not None:
        progress(n, n)
    share = {code: float(np.sum(labels == code)) / n for code in (DIVERGED, UNCONVERGED, LEFT)}
    return BasinMap(axes[0], axes[1] if len(axes) > 1 else None, labels.reshape(mesh[0].shape),
                    minima, share[DIVERGED], share[UNCONVERGED], share[LEFT])


def _label(func, ends: np.ndarray, reasons: np.ndarray, domain: Domain, extent: float,
           tol: float, slack: float) -> tuple[np.ndarray, tuple[FoundMinimum, ...]]:
    """The label of every start and the minima, from the end points and stop reasons."""
    n = len(ends)
    labels = np.full(n, UNCONVERGED, dtype=np.int64)
    blew_up = np.isin(reasons, _BLEW_UP) | ~np.isfinite(ends).all(axis=1)
    settled = np.isin(reasons, _SETTLED) & ~blew_up
    pol = polish(func, np.where(blew_up[:, None], np.nan, ends), CAP * extent)
    unsettled = ~settled & ~blew_up & pol.minimum & (pol.moved <= NEAR * extent)
    # a settled walker is at its minimum unless it stopped on a saddle
    candidate = unsettled | (settled & (pol.minimum | ~pol.saddle))
    where = np.where(candidate[:, None], pol.points, ends)
    labels[~_inside(where, domain, 1e-9 * extent) & ~blew_up] = LEFT
    labels[blew_up] = DIVERGED
    candidate &= labels != LEFT
    idx = np.flatnonzero(candidate & np.isfinite(pol.values))
    labels[candidate] = UNCONVERGED            # all but the defined ones get a minimum below
    if idx.size == 0:
        return labels, ()
    lab, reps = group(where[idx], pol.values[idx], tol)
    values = pol.values[idx][reps]
    parent = merge(func, where[idx][reps], values, slack + 1e-12 * np.abs(values).max())
    keep = np.flatnonzero(parent == np.arange(len(reps)))
    number = np.full(len(reps), -1)
    number[keep] = np.arange(len(keep))
    labels[idx] = number[parent[lab]]
    minima = []
    for k, r in enumerate(keep):
        mine = labels[idx] == k
        minima.append(FoundMinimum(tuple(map(float, where[idx][reps[r]])),
                                   float(pol.values[idx][reps[r]]), float(mine.sum() / n),
                                   float((mine & unsettled[idx]).sum() / n)))
    return labels, tuple(minima)


PALETTE = np.array([[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40],
                    [148, 103, 189], [140, 86, 75], [227, 119, 194], [188, 189, 34],
                    [23, 190, 207], [255, 187, 120]], dtype=np.uint8)
DIVERGED_RGB, UNCONVERGED_RGB, LEFT_RGB = (20, 20, 20), (235, 235, 235), (96, 100, 124)
OTHER_RGB = {DIVERGED: DIVERGED_RGB, UNCONVERGED: UNCONVERGED_RGB, LEFT: LEFT_RGB}
OTHER_NAMES = {DIVERGED: "diverged", LEFT: "left the domain", UNCONVERGED: "not converged"}


def basin_colors(labels: np.ndarray) -> np.ndarray:
    """RGB uint8 image of a label array: a palette colour per minimum, near-black for
    diverged, slate for left the domain, near-white for not converged."""
    out = np.empty((*labels.shape, 3), dtype=np.uint8)
    ok = labels >= 0
    out[ok] = PALETTE[labels[ok] % len(PALETTE)]
    for code, rgb in OTHER_RGB.items():
        out[labels == code] = rgb
    return out
