"""Lines drawn on the surface, in display coordinates: −∇f arrows and a wireframe (pure numpy,
built off the GUI thread with the mesh)."""

from __future__ import annotations

import math

import numpy as np

from app.core.surface import SurfaceMesh


def forward_fill(z: np.ndarray, default: float = 0.0) -> np.ndarray:
    """Replace NaN by the last finite value before it (``default`` at the front)."""
    z = np.asarray(z, float).copy()
    ok = np.isfinite(z)
    if ok.all():
        return z
    if not ok.any():
        return np.full_like(z, default)
    idx = np.where(ok, np.arange(len(z)), 0)
    np.maximum.accumulate(idx, out=idx)
    out = z[idx]
    out[: np.argmax(ok)] = z[np.argmax(ok)]
    return out


def arrow_lines(func, domain, n: int = 15) -> np.ndarray:
    """−∇f arrows on an n×n grid as 2-D segments (2k, 2): a shaft from each grid point
    downhill and two barbs at the tip. Length grows with ‖∇f‖ (up to 0.8 of a cell at the
    90th percentile), so the steep places stand out."""
    (x0, x1), (y0, y1) = domain
    cx, cy = (x1 - x0) / n, (y1 - y0) / n
    gx, gy = np.meshgrid(x0 + cx * (np.arange(n) + 0.5), y0 + cy * (np.arange(n) + 0.5),
                         indexing="ij")
    p = np.stack([gx.ravel(), gy.ravel()], -1)
    with np.errstate(all="ignore"):
        f, g = func.value_and_gradient(p)
        norm = np.linalg.norm(g, axis=-1)
        ok = np.isfinite(f) & np.isfinite(norm) & (norm > 0)
        if not ok.any():
            return np.zeros((0, 2))
        p, g, norm = p[ok], g[ok], norm[ok]
        ref = np.percentile(norm, 90) or 1.0
        length = 0.8 * min(cx, cy) * (0.3 + 0.7 * np.clip(norm / ref, 0, 1))
        d = -g / norm[:, None]
        tip = p + d * length[:, None]
        back = -d * (0.35 * length)[:, None]
        c, s = math.cos(0.45), math.sin(0.45)
        w1 = tip + np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], -1)
        w2 = tip + np.stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]], -1)
        mid = 0.5 * (p + tip)
    return np.stack([p, mid, mid, tip, tip, w1, tip, w2], 1).reshape(-1, 2)


def arrow_segments(func, mesh: SurfaceMesh, domain, n: int = 15, lift: float = 0.0
                   ) -> np.ndarray:
    """The arrows of ``arrow_lines`` lying on the surface in display coordinates (2k, 3): a
    shaft that follows f (its midpoint on the surface too) and two barbs at the tip."""
    xy = arrow_lines(func, domain, n)
    if len(xy) == 0:
        return np.zeros((0, 3), np.float32)
    with np.errstate(all="ignore"):
        fz, _ = func.value_and_gradient(xy)
    z = mesh.vscale.to_display(fz) + lift
    seg = np.column_stack([xy, z]).reshape(-1, 2, 3)
    seg = seg[np.isfinite(seg).all(axis=(1, 2))]
    return seg.reshape(-1, 3).astype(np.float32)


def wireframe_segments(mesh: SurfaceMesh, lines: int = 40, lift: float = 0.0) -> np.ndarray:
    """Every k-th grid line of the mesh as segments (2m, 3), skipping holes."""
    nx, ny = len(mesh.xs), len(mesh.ys)
    v = mesh.vertices.reshape(nx, ny, 3).astype(np.float32)
    ok = np.isfinite(mesh.z)
    k = max(1, round(max(nx, ny) / lines))
    segs = []
    for rows, good in ((v[::k], ok[::k]), (v[:, ::k].swapaxes(0, 1), ok[:, ::k].T)):
        a, b = rows[:, :-1], rows[:, 1:]
        keep = good[:, :-1] & good[:, 1:]
        segs.append(np.stack([a[keep], b[keep]], 1))
    out = np.concatenate(segs).reshape(-1, 3)
    out[:, 2] += lift
    return out
