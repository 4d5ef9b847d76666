"""Build surface meshes off the GUI thread; only the newest request's result is delivered."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.core.surface import SurfaceMesh, build_mesh

SYNC_LIMIT = 160 * 160   # grids up to this many vertices are built on the GUI thread (≲ 25 ms)


@dataclass(frozen=True)
class MeshRequest:
    func: Any
    domain: tuple[tuple[float, float], ...]
    resolution: int
    cmap: str
    exaggeration: float

    def build(self) -> SurfaceMesh:
        mesh = build_mesh(self.func, self.domain, self.resolution, cmap=self.cmap,
                          exaggeration=self.exaggeration)
        return drop_walls(self.func, mesh)


def drop_walls(func, mesh: SurfaceMesh, jump: float = 0.05) -> SurfaceMesh:
    """Remove the triangles that bridge a discontinuity, e.g. the two sides of the pole of
    1/x: there the grid values jump against what ∇f says (the predicted change
    ½(∇f_a + ∇f_b)·Δp has the other sign, or is far smaller). Such triangles would draw a
    vertical wall; a hole says "undefined here" better. Only edges whose values differ by more
    than ``jump`` × the shown z-range are checked, so ∇f is evaluated at few points."""
    if mesh.faces.size == 0:
        return mesh
    f = mesh.z
    nx, ny = f.shape
    thr = jump * (mesh.vscale.hi - mesh.vscale.lo)
    gx, gy = np.meshgrid(mesh.xs, mesh.ys, indexing="ij")
    bad_cell = np.zeros((nx - 1, ny - 1), bool)
    for di, dj in ((1, 0), (0, 1), (1, 1)):
        a = (slice(0, nx - di), slice(0, ny - dj))
        b = (slice(di, nx), slice(dj, ny))
        with np.errstate(invalid="ignore"):
            df = f[b] - f[a]
            cand = np.abs(df) > thr
        if not cand.any():
            continue
        ia, ja = np.nonzero(cand)
        pa = np.stack([gx[a][ia, ja], gy[a][ia, ja]], -1)
        pb = np.stack([gx[b][ia, ja], gy[b][ia, ja]], -1)
        with np.errstate(all="ignore"):
            _, ga = func.value_and_gradient(pa)
            _, gb = func.value_and_gradient(pb)
            pred = 0.5 * ((ga + gb) * (pb - pa)).sum(-1)
            d = df[ia, ja]
            jumps = ~(pred * d >= 0.1 * d * d)      # NaN ∇f counts as a jump too
        ia, ja = ia[jumps], ja[jumps]
        # the cells that share this edge
        for si, sj in ((0, 0), (-1, 0), (0, -1)) if (di, dj) != (1, 1) else ((0, 0),):
            ci, cj = ia + si * (di == 0), ja + sj * (dj == 0)
            ok = (ci >= 0) & (ci < nx - 1) & (cj >= 0) & (cj < ny - 1)
            bad_cell[ci[ok], cj[ok]] = True
    if not bad_cell.any():
        return mesh
    i, j = np.divmod(mesh.faces.astype(np.int64), ny)
    wall = bad_cell[i.min(axis=1), j.min(axis=1)]
    if wall.mean() > 0.1:
        return mesh        # jumps everywhere: a grid too coarse for f, not a pole; keep all
    return dataclasses.replace(mesh, faces=mesh.faces[~wall])


class _Relay(QObject):
    done = Signal(int, object, str)   # generation, SurfaceMesh or None, error text


class _Job(QRunnable):
    def __init__(self, gen: int, request: MeshRequest, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._gen, self._request, self._relay = gen, request, relay

    def run(self) -> None:
        try:
            mesh, err = self._request.build(), ""
        except Exception as e:  # an odd function must not kill the worker thread
            mesh, err = None, f"{type(e).__name__}: {e}"
        self._relay.done.emit(self._gen, mesh, err)


class MeshBuilder(QObject):
    """``request(r)`` → later ``ready(mesh)`` on the GUI thread. Small grids are built at once;
    big ones in one worker thread. Requests made while a build runs are coalesced: only the
    newest is built next and results of older requests are dropped."""

    ready = Signal(object)    # SurfaceMesh
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._gen = 0
        self._running = False
        self._queued: tuple[int, MeshRequest] | None = None

    @property
    def busy(self) -> bool:
        return self._running or self._queued is not None

    def request(self, req: MeshRequest) -> None:
        self._gen += 1
        if req.resolution ** 2 <= SYNC_LIMIT and not self._running:
            self._queued = None
            try:
                mesh = req.build()
            except Exception as e:
                self.failed.emit(f"{type(e).__name__}: {e}")
                return
            self.ready.emit(mesh)
            return
        if self._running:
            self._queued = (self._gen, req)
        else:
            self._start(self._gen, req)

    def _start(self, gen: int, req: MeshRequest) -> None:
        self._running = True
        self._pool.start(_Job(gen, req, self._relay))

    def _on_done(self, gen: int, mesh: SurfaceMesh | None, err: str) -> None:
        self._running = False
        if self._queued is not None:
            qgen, qreq = self._queued
            self._queued = None
            self._start(qgen, qreq)
        if gen != self._gen:
            return     # a newer request exists: this result is stale
        if mesh is None:
            self.failed.emit(err)
        else:
            self.ready.emit(mesh)

    def shutdown(self) -> None:
        """Drop queued work and wait for a running build (call before the window goes)."""
        self._queued = None
        self._gen += 1
        self._pool.waitForDone(5000)
