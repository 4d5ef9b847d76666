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

NEWTON_STEPS = 30     # quadratic convergence needs ~5; a degenerate minimum (x⁴) more
SEGMENT_SAMPLES = 15   # points tried on each path between two groups
NEAREST = 4            # groups tried per group: the nearest ones, and the nearest in each
SECTORS = 8            # of these directions (so a valley's groups link across a dense side)


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


def _neighbours(points: np.ndarray, b: int) -> np.ndarray:
    """The NEAREST groups to group b and the nearest one in each of SECTORS directions
    (two in 1-D: left and right)."""
    v = points - points[b]
    dist = np.linalg.norm(v, axis=1)
    dist[b] = np.inf
    near = set(np.argsort(dist, kind="stable")[:NEAREST].tolist())
    if points.shape[1] == 1:
        sector = (v[:, 0] > 0).astype(int)
    else:
        angle = np.arctan2(v[:, 1], v[:, 0])
        sector = np.minimum((angle + np.pi) / (2 * np.pi) * SECTORS, SECTORS - 1).astype(int)
    for s in range(SECTORS):
        mine = np.flatnonzero((sector == s) & np.isfinite(dist))
        if mine.size:
            near.add(int(mine[np.argmin(dist[mine])]))
    return np.array(sorted(near), dtype=np.int64)


def merge(func, points: np.ndarray, values: np.ndarray, slack: float) -> np.ndarray:
    """For groups at ``points`` with f = ``values`` (in increasing f): the lowest group of the
    minimum each one belongs to. Each group is joined to each of its neighbours whose
    path to it has no barrier (f ≤ the higher end's f + ``slack`` all along; NaN, f undefined,
    is a barrier), and joined groups are one minimum: a valley of minima (a ring) is one."""
    n, d = points.shape
    root = np.arange(n)

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = int(root[i])
        return i

    t = np.linspace(0.0, 1.0, SEGMENT_SAMPLES + 2)[1:-1, None, None]
    for b in range(n):
        ks = _neighbours(points, b)
        ks = ks[[find(int(k)) != find(b) for k in ks]]
        if ks.size == 0:
            continue
        seg = points[b] + t * (points[ks] - points[b])          # (samples, k, d)
        with np.errstate(all="ignore"):
            f = np.asarray(func.value_and_gradient(seg.reshape(-1, d))[0], float)
        top = np.maximum(values[ks], values[b]) + slack
        for k in ks[(f.reshape(len(t), len(ks)) <= top).all(axis=0)]:
            lo, hi = sorted((find(int(k)), find(b)))
            root[hi] = lo                                        # the lower group leads
    return np.array([find(i) for i in range(n)])
