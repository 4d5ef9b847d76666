"""The end points of a basin map made into minima: polish, group, merge.

1. Polish. Walkers stop near a minimum, not at it: the stride rule up to η away, gradient
   descent where ‖∇f‖ ≤ gtol, momentum anywhere on its last orbit. Newton steps

       x ← x − H⁻¹∇f,   H = ∇²f(x) positive definite,

   each at most ``cap`` long and taken only when f does not rise, carry an end point in the
   bowl of a minimum to the minimum itself (the convergence is quadratic there; linear, by
   2/3 a step, at a degenerate minimum like x⁴). A point where H is not positive definite (a
   kink |x|, a flat floor, a saddle) is left where it is.
2. Group. Points closer than ``tol`` are one minimum (greedy, lowest first, through a grid
   of cells, so the cost grows with the number of points, not of minima).
3. Merge. Two groups A, B with f(A) ≤ f(B) whose straight path never rises above f(B),

       max_{0<t<1} f(B + t(A − B)) ≤ f(B) + δ,

   are one minimum (from B one can walk down to A without climbing). A strict minimum always
   has a barrier around it, however close the other group, so two true minima are never
   joined; joined are the end points that polishing could not move (|x| + |y| under the
   stride rule stops anywhere within η of 0) and, through chains of near neighbours, a
   valley of minima (a ring).
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from app.core.basin_neighbours import neighbour_pairs

NEWTON_STEPS = 30     # quadratic convergence needs ~5; a degenerate minimum (x⁴) more
SEGMENT_SAMPLES = 15   # points tried on each path between two groups
PATHS = 20000          # paths sampled per call of f


class Polished(NamedTuple):
    points: np.ndarray   # (n, d) after Newton (unchanged where no step was taken)
    values: np.ndarray   # (n,) f there
    minimum: np.ndarray  # (n,) Newton converged at a positive definite Hessian
    moved: np.ndarray    # (n,) distance from the end point
    saddle: np.ndarray   # (n,) the end point's Hessian has a clearly negative eigenvalue


def _eigen(h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eigenvalues (ascending), eigenvectors of symmetric (m, d, d) and where H is finite."""
    good = np.isfinite(h).all(axis=(1, 2))
    lam = np.full(h.shape[:2], np.nan)
    vec = np.zeros_like(h)
    if good.any():
        lam[good], vec[good] = np.linalg.eigh(h[good])
    return lam, vec, good


def polish(func, points: np.ndarray, cap: float) -> Polished:
    """Newton steps from every finite point (see the module's docstring). ``func`` needs
    ``value_and_gradient`` and ``hessian``; without a Hessian nothing moves."""
    p = np.array(points, dtype=float)
    n = len(p)
    minimum, saddle = np.zeros(n, bool), np.zeros(n, bool)
    moving = np.isfinite(p).all(axis=1) & hasattr(func, "hessian")
    with np.errstate(all="ignore"):
        for it in range(NEWTON_STEPS):
            idx = np.flatnonzero(moving)
            if idx.size == 0:
                break
            q = p[idx]
            f, g = func.value_and_gradient(q)
            lam, vec, good = _eigen(np.asarray(func.hessian(*q.T), float))
            top = np.abs(lam).max(axis=1)
            if it == 0:
                saddle[idx] = good & (lam[:, 0] < -1e-6 * np.maximum(top, 1.0))
            pd = good & np.isfinite(g).all(axis=1) & (lam[:, 0] > 1e-12 * top)
            safe = np.where(pd[:, None], lam, 1.0)
            s = -np.einsum("nij,nj->ni", vec, np.einsum("nji,nj->ni", vec, g) / safe)
            length = np.linalg.norm(s, axis=1)
            pd &= length <= cap
            f_new = func.value_and_gradient(q + s)[0]
            take = pd & (f_new <= f + 1e-12 * (1.0 + np.abs(f)))
            p[idx[take]] = q[take] + s[take]
            done = take & (length <= 1e-9 * cap)
            minimum[idx[done]] = True
            moving[idx[~take | done]] = False
            if it == NEWTON_STEPS - 1:     # still creeping in: a degenerate minimum
                minimum[idx[take & (length <= 1e-4 * cap)]] = True
        values = np.asarray(func.value_and_gradient(p)[0], float).reshape(n)
        moved = np.linalg.norm(p - points, axis=1)
    return Polished(p, values, minimum, moved, saddle)


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


def group(points: np.ndarray, values: np.ndarray, tol: float) -> tuple[np.ndarray, list[int]]:
    """Greedy clustering: label per point and a representative per cluster (its lowest
    point), clusters in increasing f. Points are quantised to cells of size ``tol`` first;
    cells, lowest first, join the first cluster whose representative lies within 2·tol (found
    through buckets of size 2·tol, so the cost does not grow with the number of clusters)."""
    q = np.round(points / tol).astype(np.int64)
    cells, inv = _cells(q)
    order = np.lexsort((values, inv))               # by cell, lowest value first
    head = np.r_[True, inv[order][1:] != inv[order][:-1]]
    cell_best = np.empty(len(cells), np.int64)
    cell_best[inv[order][head]] = order[head]       # the lowest point of each cell
    centers: list[int] = []                   # the cell that represents each cluster
    buckets: dict[int, list[int]] = {}        # bucket -> clusters whose centre is in it
    reps = points[cell_best]
    rows = reps.tolist()
    keys, steps = _buckets(np.floor(reps / (2 * tol)))
    near = [[key + step for step in steps] for key in keys]
    close = _Close(reps, 2 * tol)
    cell_label = np.empty(len(cells), dtype=np.int64)
    for c in np.argsort(values[cell_best], kind="stable").tolist():
        p, found = rows[c], len(centers)
        for key in near[c]:
            for k in buckets.get(key, ()):
                if k < found and close(rows[centers[k]], p, centers[k], c):
                    found = k
        cell_label[c] = found
        if found == len(centers):
            buckets.setdefault(keys[c], []).append(found)
            centers.append(c)
    return cell_label[inv], [int(cell_best[c]) for c in centers]


def _buckets(home: np.ndarray) -> tuple[list[int], list[int]]:
    """A number for each row's bucket ``home`` (whole numbers, as floats) and the steps to
    its 3^d neighbours' numbers (Python ints: no overflow, however small ``tol``)."""
    small = bool(np.isfinite(home).all()) and float(np.abs(home).max(initial=0.0)) < 2.0**30
    h = home.astype(np.int64) if small else np.array(
        [[int(v) for v in row] for row in home.tolist()], dtype=object).reshape(home.shape)
    h = h - h.min(axis=0) + 1 if len(h) else h
    keys, stride, strides = np.zeros(len(h), h.dtype), 1, []
    for j in reversed(range(h.shape[1])):
        keys = keys + h[:, j] * stride
        strides.append(stride)
        stride *= int(h[:, j].max(initial=0)) + 2
    strides.reverse()
    steps = [sum(e * s for e, s in zip(d, strides, strict=True))
             for d in itertools.product((-1, 0, 1), repeat=h.shape[1])]
    return [int(k) for k in keys.tolist()], steps


class _Close:
    """‖points[i] − points[j]‖ ≤ reach, as ``np.linalg.norm`` decides it, but with Python
    floats unless the squared distance is within 1e-9 of reach² (~10× faster per test)."""

    def __init__(self, points: np.ndarray, reach: float) -> None:
        self.points, self.reach = points, reach
        self.lo, self.hi = reach * reach * (1 - 1e-9), reach * reach * (1 + 1e-9)

    def __call__(self, a: list[float], b: list[float], i: int, j: int) -> bool:
        s = sum((u - v) * (u - v) for u, v in zip(a, b, strict=True))
        if s < self.lo:
            return True
        if s > self.hi:
            return False
        return bool(np.linalg.norm(self.points[i] - self.points[j]) <= self.reach)


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The lowest index of each point's connected component under the edges (a_i, b_i)
    (what union-find with the lower root leading gives), by hooking and pointer jumping."""
    label = np.arange(n)
    while True:
        lo = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, label[a], lo)
        np.minimum.at(new, label[b], lo)
        while True:                      # jump to the root: new[new] until it settles
            up = new[new]
            if np.array_equal(up, new):
                break
            new = up
        if np.array_equal(new, label):
            return label
        label = new


def merge(func, points: np.ndarray, values: np.ndarray, slack: float) -> np.ndarray:
    """For groups at ``points`` with f = ``values`` (in increasing f): the lowest group of the
    minimum each one belongs to. Each group is joined to each of its neighbours
    (``basin_neighbours``) whose path to it has no barrier (f ≤ the higher end's f +
    ``slack`` all along; NaN, f undefined, is a barrier), and joined groups are one minimum: a
    valley of minima (a ring) is one. The paths are sampled in batches of PATHS."""
    n, d = points.shape
    b, k = neighbour_pairs(points)
    t = np.linspace(0.0, 1.0, SEGMENT_SAMPLES + 2)[1:-1, None, None]
    joined = np.zeros(len(b), bool)
    for first in range(0, len(b), PATHS):
        bb, kk = b[first:first + PATHS], k[first:first + PATHS]
        seg = points[bb] + t * (points[kk] - points[bb])        # (samples, pairs, d)
        with np.errstate(all="ignore"):
            f = np.asarray(func.value_and_gradient(seg.reshape(-1, d))[0], float)
        top = np.maximum(values[kk], values[bb]) + slack
        joined[first:first + PATHS] = (f.reshape(len(t), len(bb)) <= top).all(axis=0)
    return _components(n, b[joined], k[joined])
