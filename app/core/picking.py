"""Screen picking on the height field: pixel → ray → first hit on Z = height(x, y).

Matrices are plain row-major 4×4 numpy arrays acting on column vectors,
``clip = M @ [x, y, z, 1]`` with ``M = projection @ view`` (OpenGL conventions: NDC in
[−1, 1]³, NDC z = −1 on the near plane). Qt's ``QMatrix4x4.data()`` is column-major, so
the UI passes ``np.array((P * V).data()).reshape(4, 4).T`` (or ``.copyDataTo()`` reshaped,
which is row-major already).

Pixels: ``px, py`` are logical widget pixels with the origin at the top-left (Qt's
``event.position()``); the widget spans [0, w] continuously, so the pixel (i, j) is the
unit square at [i, i+1] × [j, j+1]. ``viewport = (x, y, w, h)`` is in device pixels, as
given to glViewport, with the offset measured from the widget's top-left (the same thing as
GL's bottom-left offset when the viewport fills the widget, as it does in the app). Only
the ratios matter, so a logical viewport with ``device_pixel_ratio=1`` gives the same rays:

    device = logical · dpr,  ndc_x = 2(device_x − x)/w − 1,  ndc_y = 1 − 2(device_y − y)/h.

Intersection (see :func:`intersect_height_field`): march the gap g(t) = o_z + t·d_z − H(o + t·d)
along the part of the ray over the domain, find the first sign change of g between two
finite samples (from above, g > 0 → g ≤ 0, or, two-sided, also from below), refine it by
multisection; suspected grazes and hole rims before it get finer local marches first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

Height = Callable[[np.ndarray, np.ndarray], np.ndarray]
Viewport = tuple[int, int, int, int]

FINE = 33          # samples of each local march around a suspected graze or hole edge
MAX_DIPS = (16, 2, 2)  # candidates refined per level: coarse march, then finer levels
_SPLIT = 16        # multisection: each refinement call splits the bracket into 16


class Ray(NamedTuple):
    """Points origin + t·direction for 0 ≤ t ≤ length; ``direction`` has unit length."""

    origin: np.ndarray
    direction: np.ndarray
    length: float = math.inf


def _matrix(mvp: np.ndarray) -> np.ndarray | None:
    m = np.asarray(mvp, dtype=float)
    if m.shape != (4, 4) or not np.isfinite(m).all():
        return None
    return m


def pixel_ray(px: float, py: float, mvp: np.ndarray, viewport: Viewport,
              device_pixel_ratio: float = 1.0) -> Ray | None:
    """The ray through a pixel: unproject NDC (x, y, −1) and (x, y, +1) through M⁻¹.

    Origin on the near plane, direction towards the far plane, ``length`` = their distance
    (∞ for an infinite far plane, then NDC z = 0 gives the direction). None when M is
    singular or ill-conditioned (cond > 1e12), the viewport empty or the input not finite.
    """
    m = _matrix(mvp)
    vx, vy, vw, vh = (float(v) for v in viewport)
    if m is None or vw <= 0 or vh <= 0 or not np.isfinite([px, py, device_pixel_ratio]).all():
        return None
    if np.linalg.cond(m) > 1e12:
        return None
    inv = np.linalg.inv(m)
    nx = 2.0 * (px * device_pixel_ratio - vx) / vw - 1.0
    ny = 1.0 - 2.0 * (py * device_pixel_ratio - vy) / vh

    def unproject(z: float) -> np.ndarray | None:
        p = inv @ np.array([nx, ny, z, 1.0])
        if not np.isfinite(p).all() or abs(p[3]) <= 1e-12 * np.abs(p[:3]).max(initial=1e-300):
            return None
        return p[:3] / p[3]

    near, far, length = unproject(-1.0), unproject(1.0), None
    if far is None:
        far, length = unproject(0.0), math.inf
    if near is None or far is None:
        return None
    d = far - near
    n = float(np.linalg.norm(d))
    if not n > 0 or not np.isfinite(n):
        return None
    return Ray(near, d / n, n if length is None else length)


def project(point: np.ndarray, mvp: np.ndarray, viewport: Viewport,
            device_pixel_ratio: float = 1.0) -> tuple[float, float] | None:
    """World point → logical pixel (top-left origin), the inverse of :func:`pixel_ray`.

    None when the point is behind the camera (clip w ≤ 0) or anything is not finite; points
    outside the viewport or beyond near/far still get their (off-screen) pixel.
    """
    m = _matrix(mvp)
    p = np.asarray(point, dtype=float).reshape(3)
    if m is None or not np.isfinite(p).all() or device_pixel_ratio <= 0:
        return None
    clip = m @ np.append(p, 1.0)
    if not clip[3] > 0:
        return None
    vx, vy, vw, vh = (float(v) for v in viewport)
    dx = vx + 0.5 * (clip[0] / clip[3] + 1.0) * vw
    dy = vy + 0.5 * (1.0 - clip[1] / clip[3]) * vh
    return dx / device_pixel_ratio, dy / device_pixel_ratio


def _slab(o: float, d: float, lo: float, hi: float, t0: float, t1: float) -> tuple[float, float]:
    """Intersect [t0, t1] with {t : lo ≤ o + t·d ≤ hi} (one slab of the box test)."""
    if d == 0.0:
        return (t0, t1) if lo <= o <= hi else (1.0, 0.0)
    with np.errstate(over="ignore"):            # a denormal d: ±inf, as if parallel
        a, b = np.float64(lo - o) / d, np.float64(hi - o) / d
    return max(t0, min(a, b)), min(t1, max(a, b))


def _gap(ray: Ray, height: Height, t: np.ndarray) -> np.ndarray:
    """g(t) = ray_z(t) − H(ray_x(t), ray_y(t)); NaN where H is undefined (or infinite)."""
    with np.errstate(all="ignore"):  # inf·0 for a denormal direction component
        p = ray.origin + t[:, None] * ray.direction
        h = np.broadcast_to(np.asarray(height(p[:, 0], p[:, 1]), dtype=float), t.shape)
        g = p[:, 2] - h
    return np.where(np.isfinite(g), g, np.nan)


def _first_crossing(g: np.ndarray, strict: bool, two_sided: bool = False,
                    ) -> tuple[int, int] | None:
    """Indices (i, j) of the first change g_i > 0 → g_j ≤ 0 (and, two-sided, g_i < 0 → g_j ≥ 0)
    between finite samples.

    strict: only adjacent samples (j = i + 1); otherwise i is the last finite sample
    before the first finite g_j ≤ 0 that has one, skipping NaN runs (used inside a tiny
    bracket, where the change must lie at a hole's edge).
    """
    fin = np.isfinite(g)
    pos, nonpos = fin & (g > 0), fin & (g <= 0)
    if strict:
        step = pos[:-1] & nonpos[1:]
        if two_sided:
            step |= (fin & (g < 0))[:-1] & (fin & (g >= 0))[1:]
        hits = np.flatnonzero(step)
        return (int(hits[0]), int(hits[0]) + 1) if hits.size else None
    idx = np.flatnonzero(fin)
    steps = np.flatnonzero(pos[idx[:-1]] & nonpos[idx[1:]])
    return (int(idx[steps[0]]), int(idx[steps[0] + 1])) if steps.size else None


def _dips(g: np.ndarray, stop: int) -> list[tuple[int, int]]:
    """Sample intervals (a, b), before index ``stop``, where the ray may dip below the surface
    unseen: a finite g_i > 0 smaller than the largest rise of g to a neighbour (a local minimum
    of a gap that curves like a parabola, or the last sample before a hole, where the rise
    on the finite side counts twice). For g = a(t − t*)² + m with m < 0 sampled every h, the
    nearest sample has g_i < a·h²/4 and a rise ≥ a·h², so such a dip is always a candidate.
    """
    n = g.size
    gp = np.concatenate([[np.nan], g, [np.nan]])
    left, mid, right = gp[:-2], gp[1:-1], gp[2:]
    with np.errstate(invalid="ignore"):
        rise_l, rise_r = left - mid, right - mid
        local_min = ~(rise_l < 0) & ~(rise_r < 0)     # NaN neighbours do not disqualify
        edge = np.isnan(left) | np.isnan(right)
        rise = np.fmax(rise_l, rise_r) * np.where(edge, 2.0, 1.0)
        cand = np.isfinite(mid) & (mid > 0) & local_min & (mid < rise)
    cand[stop:] = False
    out = []
    for i in np.flatnonzero(cand):
        a = i - 1 if i > 0 and np.isfinite(g[i - 1]) else i
        b = i + 1 if i + 1 < n else i
        if b > a:
            out.append((int(a), int(b)))
    return out


def _refine(ray: Ray, height: Height, ta: float, tb: float, ga: float, gb: float,
            tol: float) -> float:
    """Shrink the bracket (ta, tb), g changing sign from ga ≠ 0 to gb, by multisection (one
    vectorised call per ×16), keeping the first change, until tb − ta < tol; then
    interpolate linearly. Works on sign(ga)·g, so it only ever looks for + → ≤ 0."""
    s = 1.0 if ga > 0 else -1.0
    ga, gb = s * ga, s * gb
    for _ in range(200):
        if tb - ta < tol:
            break
        t = np.linspace(ta, tb, _SPLIT + 1)
        g = np.concatenate([[ga], s * _gap(ray, height, t[1:-1]), [gb]])
        hit = _first_crossing(g, strict=False)   # never None: the ends are a crossing
        if hit is None or (t[hit[0]] <= ta and t[hit[1]] >= tb):
            break                                # no progress left in floating point
        i, j = hit
        ta, tb, ga, gb = t[i], t[j], g[i], g[j]
    return ta + (tb - ta) * ga / (ga - gb)


def _march(ray: Ray, height: Height, t: np.ndarray, g: np.ndarray, level: int,
           tol: float, two_sided: bool) -> float | None:
    """First crossing among samples g(t): first the suspected dips before the first plain
    sign change (finer local march, recursively), then that sign change itself."""
    hit = _first_crossing(g, strict=True, two_sided=two_sided)
    if level < len(MAX_DIPS):
        dips = _dips(np.abs(g) if two_sided else g, hit[1] if hit else g.size)
        for a, b in dips[: MAX_DIPS[level]]:
            tf = np.linspace(t[a], t[b], FINE)
            found = _march(ray, height, tf, _gap(ray, height, tf), level + 1, tol, two_sided)
            if found is not None:
                return found
    if hit is None:
        return None
    i, j = hit
    return _refine(ray, height, t[i], t[j], g[i], g[j], tol)


def intersect_height_field(ray: Ray, height: Height,
                           domain: Sequence[Sequence[float]], *, samples: int = 512,
                           tol: float = 1e-9, z_range: tuple[float, float] | None = None,
                           two_sided: bool = True) -> np.ndarray | None:
    """First point where the ray meets the surface Z = height(x, y), or None.

    ``height`` is vectorised, NaN (or ±inf) marks a hole. The ray is clipped to the domain's
    x, y box (slab method), to 0 ≤ t ≤ length and, if given, to the slab z_range ∋ Z (pass
    the display range: the march gets finer); ``samples`` points along the rest are evaluated
    in one call and the first sign change of the gap g = ray_z − Z between two adjacent
    finite samples is refined to |Δt| < tol. A hit is g going from > 0 to ≤ 0 (coming down
    onto the top side) or, when ``two_sided`` (the default: the mesh is drawn two-sided, so
    a ray that starts under the surface sees its underside), from < 0 to ≥ 0.

    Guarantees: the result is None or a finite point on the ray, inside the domain, with
    |Z − height(x, y)| ≤ |slope|·tol. Every crossing seen as a sign change between adjacent
    samples is found, and it is the first one. Grazes (a peak poking up through the ray
    between two samples): where the samples show a parabola-like dip of the gap (see
    ``_dips``) the two steps around it are re-marched 16× finer, recursively, three levels
    deep (16 windows on the coarse march, 2 per finer one). With step h = clipped segment
    / (samples − 1), a Gaussian peak of width σ ≥ h/2 is found even when the ray dips only
    1e-6 of its height into it; σ ≈ h/4 is found ~95 % of the time; a spike that fits
    between two samples, leaving no trace on them, can be missed (it is no wider than a
    cell of the displayed mesh either). Holes: a crossing at a hole's rim is found the
    same way (the sample before the NaN counts as a dip); a ray that dives into a hole and
    comes out under the surface has not crossed it there, and goes on to whatever it meets
    next (a floor below, the underside). An exactly vertical unbounded ray is solved directly.
    """
    o, d = np.asarray(ray.origin, float), np.asarray(ray.direction, float)
    ray = Ray(o, d, float(ray.length))
    if not (np.isfinite(o).all() and np.isfinite(d).all()) or samples < 2:
        return None
    (x0, x1), (y0, y1) = (sorted(map(float, r)) for r in domain[:2])
    t0, t1 = _slab(o[0], d[0], x0, x1, 0.0, ray.length)
    t0, t1 = _slab(o[1], d[1], y0, y1, t0, t1)
    if z_range is not None:
        t0, t1 = _slab(o[2], d[2], min(z_range), max(z_range), t0, t1)
    if not t0 <= t1:
        return None
    if not math.isfinite(t1):                    # vertical ray over the domain, unbounded
        g0 = float(_gap(ray, height, np.array([t0]))[0])
        if not (g0 * d[2] < 0 and (g0 > 0 or two_sided)):
            return None
        return o + (t0 - g0 / d[2]) * d
    t = np.linspace(t0, t1, int(samples))
    found = _march(ray, height, t, _gap(ray, height, t), 0, tol, two_sided)
    if found is None:
        return None
    p = o + found * d
    p[0], p[1] = min(max(p[0], x0), x1), min(max(p[1], y0), y1)
    return p if np.isfinite(p).all() else None


def pick_start(px: float, py: float, mvp: np.ndarray, viewport: Viewport, height: Height,
               domain: Sequence[Sequence[float]], *, dpr: float = 1.0, clamp: bool = False,
               z_range: tuple[float, float] | None = None, plane_z: float = 0.0,
               samples: int = 512) -> tuple[float, float] | None:
    """The (x, y) of the surface point under the cursor, or None when off the surface.

    With ``clamp`` (while a drag is under way) a miss falls back to the ray's crossing with
    the plane Z = plane_z (0 is the middle of the display range), or to its far end (at most
    1000 scene sizes away) when it does not cross it, clamped into the domain. Never NaN.
    """
    ray = pixel_ray(px, py, mvp, viewport, dpr)
    if ray is None:
        return None
    hit = intersect_height_field(ray, height, domain, samples=samples, z_range=z_range)
    if hit is not None:
        return float(hit[0]), float(hit[1])
    if not clamp:
        return None
    (x0, x1), (y0, y1) = (sorted(map(float, r)) for r in domain[:2])
    o, d = ray.origin, ray.direction
    t = (plane_z - o[2]) / d[2] if d[2] != 0 else -1.0
    if not 0.0 <= t <= ray.length:
        t = min(ray.length, 1e3 * (max(x1 - x0, y1 - y0, 1.0) + float(np.abs(o).max())))
    x, y = o[0] + t * d[0], o[1] + t * d[1]
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return float(min(max(x, x0), x1)), float(min(max(y, y0), y1))
