"""Which groups ``basin_minima.merge`` tries to join: for every group b, its NEAREST nearest
groups and the nearest group in each of SECTORS directions (angle of the difference, 45°
each; in 1-D the two sides), ties going to the lower index — exactly the pairs found by
comparing b with every group, without doing so (that costs n² log n: minutes for the ~50 000
groups of a flat floor at 512²).

Points go into a grid of cells. Each b looks at the cells ring by ring (Chebyshev distance
r = 0, 1, …), keeping its best candidates; a point not looked at yet is more than
ρ = (r − 1)·h away (h: cell size; one cell of margin for rounding), so b is done when its
NEAREST-th candidate and each sector's best are within ρ, or the sector is known empty. A
sector is known empty when no point lies in its cone (a dominance test after sorting; it errs
only towards "maybe not empty"), so a group on the rim does not scan the whole grid for the
directions that look out of the cloud. Points still open after RINGS rings are compared
with every point.
"""

from __future__ import annotations

import numpy as np

NEAREST = 4   # nearest groups tried per group
SECTORS = 8   # and the nearest in each of these directions (a valley's groups link both ways)
LATER = 3          # cells: the diagonal rays are known once this far has been looked at
RINGS = 7          # rings of cells looked at before a point is compared with every point
BLOCK = 2_000_000  # pairs handled at once
_WIDEN = 1e-9      # rad: far more than atan2 rounds, far less than the lattices met
_NONE = np.iinfo(np.int64).max


def sectors(v: np.ndarray) -> np.ndarray:
    """Direction of each difference v (m, d): 0 … SECTORS − 1 by angle; in 1-D 1 for v > 0."""
    if v.shape[1] == 1:
        return (v[:, 0] > 0).astype(int)
    angle = np.arctan2(v[:, 1], v[:, 0])
    return np.minimum((angle + np.pi) / (2 * np.pi) * SECTORS, SECTORS - 1).astype(int)


def _geometry(p: np.ndarray, q: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = p[k] - p[q]
    return np.linalg.norm(v, axis=1), sectors(v)


def _range_max(a: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """max(a[lo:hi]) for each pair (−inf where empty), by a sparse table."""
    table = [a]
    while 2 ** len(table) <= len(a):
        t, w = table[-1], 2 ** (len(table) - 1)
        table.append(np.maximum(t[:-w], t[w:]))
    out = np.full(len(lo), -np.inf)
    some = hi > lo
    j = np.floor(np.log2(np.maximum(hi - lo, 1))).astype(int)
    for level in np.unique(j[some]):
        sel = some & (j == level)
        t, w = table[level], 2 ** level
        out[sel] = np.maximum(t[lo[sel]], t[hi[sel] - w])
    return out


Side = tuple[float, float, bool]   # c·(p − apex) ≥ −slack, or (strict) c·p > c·b exactly


def _side(a: float, left: bool) -> Side:
    """The half-plane left (counter-clockwise) or right of a ray at angle a."""
    return (-np.sin(a), np.cos(a), False) if left else (np.sin(a), -np.cos(a), False)


def _sector_sides(s: int, widen: float) -> tuple[Side, Side]:
    """Sector s (angles [−π + s·π/4, −π + (s+1)·π/4)) as two half-planes: its diagonal ray
    turned outwards by ``widen`` (inwards when negative; atan2 near a diagonal can round
    either way); an axis it includes widened by _WIDEN; an axis it does not include exact and
    strict (atan2 of a difference with dx = 0 or dy = 0 is exactly ±π/2, 0 or π)."""
    lo, hi = -np.pi + s * np.pi / 4, -np.pi + (s + 1) * np.pi / 4
    strict = {0: (0.0, -1.0, True), 1: (-1.0, 0.0, True), 3: (0.0, -1.0, True),
              5: (1.0, 0.0, True)}                   # dy < 0, dx < 0, dy < 0, dx > 0
    lower = strict[0] if s == 0 else _side(lo - (widen if s % 2 else _WIDEN), left=True)
    upper = strict[s] if s in (1, 3, 5) else (0.0, 1.0, False) if s == 7 \
        else _side(hi + widen, left=False)
    return lower, upper


def _exists(p: np.ndarray, sides: tuple[Side, Side], apex: np.ndarray,
            slack: float) -> np.ndarray:
    """For each point b: whether a point other than b lies in the cone of both ``sides`` at
    ``apex[b]`` (sorting by the first side, a running and a range maximum of the second)."""
    m = len(p)
    keys, limits = [], []
    for c0, c1, strict in sides:
        k = c0 * p[:, 0] + c1 * p[:, 1]
        keys.append(k)
        limits.append(np.nextafter(k, np.inf) if strict else
                      c0 * apex[:, 0] + c1 * apex[:, 1] - slack)
    order = np.argsort(-keys[0], kind="stable")
    sk0, sk1 = -keys[0][order], keys[1][order]
    pos = np.empty(m, np.int64)
    pos[order] = np.arange(m)
    end = np.searchsorted(sk0, -limits[0], side="right")      # keys[0] ≥ its limit
    head = np.r_[-np.inf, np.maximum.accumulate(sk1)]
    before = head[np.minimum(pos, end)]                          # the prefix before b
    after = _range_max(sk1, pos + 1, np.maximum(end, pos + 1))
    return np.maximum(before, after) >= limits[1]


def _empty_cones(p: np.ndarray, near: float) -> tuple[np.ndarray, np.ndarray]:
    """(m, SECTORS) twice: True where no other point can lie in that sector of that point;
    the second holds once every point within ``near`` has been looked at (then the points
    near a diagonal ray, which atan2 may put on either side, are known)."""
    m, d = p.shape
    empty = np.zeros((m, SECTORS), bool)
    if d == 1:
        x = p[:, 0]
        empty[:, 2:] = True
        empty[:, 1] = x >= x.max()
        empty[:, 0] = (x <= x.min()) & (np.sum(x == x.min()) == 1)
        return empty, empty
    slack = 1e-14 * float(np.abs(p).max() + np.ptp(p, axis=0).max()) + 1e-300
    later = np.zeros((m, SECTORS), bool)
    far = []
    for ray in (-3 * np.pi / 4, -np.pi / 4, np.pi / 4, 3 * np.pi / 4):
        apex = p + 0.999 * near * np.array([np.cos(ray), np.sin(ray)])   # past it: far
        sides = (_side(ray - np.pi / 16, left=True), _side(ray + np.pi / 16, left=False))
        far.append(~_exists(p, sides, apex, slack))
    for s in range(SECTORS):
        empty[:, s] = ~_exists(p, _sector_sides(s, _WIDEN), p, slack)
        later[:, s] = ~_exists(p, _sector_sides(s, -_WIDEN), p, slack) & far[s // 2]
    return empty, empty | later


class _Grid:
    """Points by cell: ``ring(q, r)`` lists the pairs (q, k) with k in a cell at Chebyshev
    distance r from q's cell."""

    def __init__(self, p: np.ndarray) -> None:
        m = len(p)
        lo, span = p.min(axis=0), np.ptp(p, axis=0)
        wide = np.sort(span[span > 0])[::-1]
        h = 1.0
        while wide.size:     # ~1 point a cell; a side thinner than a cell is left out
            h = float(np.prod(wide) * 1.0 / m) ** (1.0 / len(wide))
            if wide[-1] >= h:
                break
            wide = wide[:-1]
        if not (np.isfinite(span).all() and np.isfinite(h) and h > 0):
            h, span = 1.0, np.zeros_like(span)    # one cell: every point meets every other
        self.h = h
        self.shape = tuple(int(v) for v in np.minimum(span // self.h + 1, 4 * m + 1))
        cell = (p - lo) // h if span.any() else np.zeros_like(p)
        self.cell = np.minimum(cell.astype(np.int64), np.array(self.shape) - 1)
        ids = np.ravel_multi_index(tuple(self.cell.T), self.shape)
        self.order = np.argsort(ids, kind="stable")
        cells = np.arange(int(np.prod(self.shape)) + 1)
        self.start = np.searchsorted(ids[self.order], cells)
        self.reach = max(self.shape) - 1    # the ring that covers every cell from anywhere

    def ring(self, q: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
        d = self.cell.shape[1]
        offsets = _ring_offsets(r, self.shape)
        target = (self.cell[q][:, None, :] + offsets[None]).reshape(-1, d)
        inside = ((target >= 0) & (target < np.array(self.shape))).all(axis=1)
        qq = np.repeat(q, len(offsets))[inside]
        cid = np.ravel_multi_index(tuple(target[inside].T), self.shape)
        first, count = self.start[cid], self.start[cid + 1] - self.start[cid]
        total = int(count.sum())
        within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        k = self.order[np.repeat(first, count) + within]
        qq = np.repeat(qq, count)
        return qq[k != qq], k[k != qq]


def _ring_offsets(r: int, shape: tuple[int, ...]) -> np.ndarray:
    """The cell offsets at Chebyshev distance r that can stay inside a grid of ``shape``."""
    d = len(shape)
    if r == 0:
        return np.zeros((1, d), np.int64)
    reach = [min(r, g - 1) for g in shape]
    if d == 1:
        return np.array([[-r], [r]], np.int64) if r <= reach[0] else np.zeros((0, 1), np.int64)
    parts = []
    xs, ys = np.arange(-reach[0], reach[0] + 1), np.arange(-reach[1] + (r <= reach[1]),
                                                           reach[1] + 1 - (r <= reach[1]))
    for sign in (-1, 1):
        if r <= reach[1]:      # the rows dy = ±r
            parts.append(np.stack([xs, np.full_like(xs, sign * r)], 1))
        if r <= reach[0]:      # the columns dx = ±r, without the rows' corners
            parts.append(np.stack([np.full_like(ys, sign * r), ys], 1))
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros((0, 2), np.int64)


def _smallest(key: np.ndarray, dist: np.ndarray, k: np.ndarray, size: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per value of ``key`` (0 … size − 1): the smallest (dist, k) and which entries it is."""
    best = np.full(size, np.inf)
    np.minimum.at(best, key, dist)
    tie = dist == best[key]
    who = np.full(size, _NONE)
    np.minimum.at(who, key[tie], k[tie])
    return best, who, tie & (k == who[key])


class _Best:
    """Per point: its NEAREST smallest (dist, k) so far, and the smallest in each sector."""

    def __init__(self, m: int) -> None:
        self.m = m
        self.near_d, self.near_k = np.full((m, NEAREST), np.inf), np.full((m, NEAREST), _NONE)
        self.sec_d, self.sec_k = np.full((m, SECTORS), np.inf), np.full((m, SECTORS), _NONE)

    def forget(self, rows: np.ndarray) -> None:
        self.near_d[rows], self.near_k[rows] = np.inf, _NONE
        self.sec_d[rows], self.sec_k[rows] = np.inf, _NONE

    def add(self, q: np.ndarray, k: np.ndarray, dist: np.ndarray, sec: np.ndarray) -> None:
        """Take in pairs (q, k) not seen before, at distance ``dist`` in sector ``sec``."""
        rows = np.unique(q)
        key = np.r_[np.repeat(rows, SECTORS) * SECTORS + np.tile(np.arange(SECTORS),
                                                                  len(rows)), q * SECTORS + sec]
        d = np.r_[self.sec_d[rows].ravel(), dist]
        kk = np.r_[self.sec_k[rows].ravel(), k]
        best, who, _ = _smallest(key, d, kk, self.m * SECTORS)
        self.sec_d.ravel()[key], self.sec_k.ravel()[key] = best[key], who[key]
        key = np.r_[np.repeat(rows, NEAREST), q]
        d = np.r_[self.near_d[rows].ravel(), dist]
        kk = np.r_[self.near_k[rows].ravel(), k]
        for j in range(NEAREST):                # take the smallest out, NEAREST times
            best, who, taken = _smallest(key, d, kk, self.m)
            self.near_d[rows, j], self.near_k[rows, j] = best[rows], who[rows]
            key, d, kk = key[~taken], d[~taken], kk[~taken]

    def pairs(self) -> np.ndarray:
        b = np.repeat(np.arange(self.m), NEAREST + SECTORS)
        k = np.concatenate([self.near_k, self.sec_k], axis=1).ravel()
        return np.unique(np.stack([b[k != _NONE], k[k != _NONE]], axis=1), axis=0)


def neighbour_pairs(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(b, k): for each finite point b, its NEAREST nearest points and the nearest in each
    sector, by increasing b then k (points that are not finite have none and are none)."""
    finite = np.flatnonzero(np.isfinite(points).all(axis=1))
    p = points[finite]
    m = len(p)
    if m < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    grid, best = _Grid(p), _Best(m)
    empty, empty_later = _empty_cones(p, LATER * grid.h)
    active = np.arange(m)
    for r in range(min(RINGS, grid.reach) + 1):
        q, k = grid.ring(active, r)
        if q.size:
            best.add(q, k, *_geometry(p, q, k))
        rho = (r - 1) * grid.h
        known = (empty_later if rho >= LATER * grid.h else empty)[active]
        done = (best.near_d[active, NEAREST - 1] <= rho) \
            & ((best.sec_d[active] <= rho) | known).all(axis=1)
        active = active[~done] if r < grid.reach else active[:0]
        if not active.size:
            break
    best.forget(active)                  # the rest: against every point (exact, O(m) each)
    block = max(1, BLOCK // m)
    for first in range(0, active.size, block):
        q = np.repeat(active[first:first + block], m)
        k = np.tile(np.arange(m), min(block, active.size - first))
        q, k = q[q != k], k[q != k]
        best.add(q, k, *_geometry(p, q, k))
    pairs = best.pairs()
    return finite[pairs[:, 0]], finite[pairs[:, 1]]
