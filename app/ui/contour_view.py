"""The top-down map: a heat map of f with iso-lines, the trail, the walker and the start.
A plain click or drag sets the start; hovering shows x, y and f(x, y). For a 1-D function
it shows the curve f(x) with the walker and its tangent (the explainer's slope picture)."""

from __future__ import annotations

import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal

from app.core.colormaps import colormap
from app.core.surface import evaluate_grid, robust_range
from app.ui.model import SceneModel

GRID = 160
LEVELS = 12
WALKER = (255, 20, 13)
PREVIEW = (255, 255, 255, 170)


def grid_transform(domain, shape) -> pg.QtGui.QTransform:
    """Image/isocurve coordinates → data: pixel (i, j) is centred on the grid sample
    (linspace over the domain, ``shape`` samples per axis, x-major), i.e. index i + ½ ↦ x_i."""
    (x0, x1), (y0, y1) = domain[0], domain[1]
    dx = (x1 - x0) / max(shape[0] - 1, 1)
    dy = (y1 - y0) / max(shape[1] - 1, 1)
    tr = pg.QtGui.QTransform()
    tr.translate(x0 - 0.5 * dx, y0 - 0.5 * dy)
    tr.scale(dx, dy)
    return tr


class _PickBox(pg.ViewBox):
    """Left click/drag picks (reported in data coordinates); right drag pans, wheel zooms."""

    def __init__(self, owner: ContourView) -> None:
        super().__init__(enableMenu=False)
        self.owner = weakref.proxy(owner)  # no reference cycle through pyqtgraph's registry

    def mouseClickEvent(self, ev) -> None:  # Qt-style override (pyqtgraph)
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.owner.pick(p.x(), p.y(), final=True)
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:  # Qt-style override (pyqtgraph)
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        self.owner.pick(p.x(), p.y(), final=ev.isFinish())


class ContourView(pg.PlotWidget):
    hover_text = Signal(str)        # "x=… y=… f=…" under the cursor ("" when outside)
    preview_changed = Signal(object)  # the path from a start being dragged here, None at the end

    def __init__(self, model: SceneModel, parent=None) -> None:
        self.box = _PickBox(self)
        super().__init__(parent, viewBox=self.box)
        self.model = model
        self._overlay: np.ndarray | None = None
        self._overlay_for: tuple | None = None     # (expression, domain) the overlay shows
        self.setBackground((24, 26, 33))
        self.setToolTip("Click or drag to put the walker's start there; right-drag pans, "
                        "wheel zooms")
        self.image = pg.ImageItem()
        self.curve = pg.PlotDataItem(pen=pg.mkPen((120, 190, 255), width=2))
        self.tangent = pg.PlotDataItem(pen=pg.mkPen((255, 210, 60), width=2, style=Qt.DashLine))
        self.next_step = pg.PlotDataItem(pen=pg.mkPen((255, 255, 255), width=2),
                                         symbol="t1", symbolSize=9, symbolBrush=(255, 255, 255))
        self.slope_text = pg.TextItem(color=(240, 240, 240), anchor=(0, 0))
        self.isos = [pg.IsocurveItem(pen=pg.mkPen(20, 20, 20, 110)) for _ in range(LEVELS)]
        self.preview = pg.PlotDataItem(pen=pg.mkPen(PREVIEW, width=2),
                                       shadowPen=pg.mkPen(0, 0, 0, 120, width=4))
        self.preview_start = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(255, 255, 255, 90),
                                                pen=pg.mkPen(255, 255, 255, width=1.5))
        self.trail = pg.PlotDataItem(pen=pg.mkPen(WALKER, width=2.5))
        self.start = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(245, 245, 245),
                                        pen=pg.mkPen(0, 0, 0))
        self.walker = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(*WALKER),
                                         pen=pg.mkPen(255, 255, 255, width=1.5))
        for item in (self.image, *self.isos, self.curve, self.tangent, self.next_step,
                     self.slope_text, self.preview, self.trail, self.start, self.walker,
                     self.preview_start):
            self.addItem(item)
        self.image.setZValue(-10)
        # the heat map and its iso-lines change only with the function: paint them from a
        # cached pixmap while the walker moves (repainting 12 iso-curves per frame cost fps)
        self.image.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        for iso in self.isos:
            iso.setZValue(-9)
            iso.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setLabel("bottom", "x")
        self.setLabel("left", "y")
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._connect_signals()
        self.update_surface()
        self.update_trajectory(model.trajectory)

    def _connect_signals(self) -> None:
        self.model.surface_changed.connect(self.update_surface)
        self.model.trajectory_changed.connect(self.update_trajectory)
        self.model.position_changed_slow.connect(self.update_position)

    def showEvent(self, ev) -> None:  # Qt override: catch up after being hidden
        super().showEvent(ev)
        self.update_position(self.model.position)

    def dispose(self) -> None:
        """Disconnect from the model before the window goes (as MountainView.dispose)."""
        for sig, slot in ((self.model.surface_changed, self.update_surface),
                          (self.model.trajectory_changed, self.update_trajectory),
                          (self.model.position_changed_slow, self.update_position)):
            sig.disconnect(slot)
        self.scene().sigMouseMoved.disconnect(self._on_mouse_moved)

    # ---- model → view ---------------------------------------------------------------------
    def update_surface(self) -> None:
        s, func = self.model.scene, self.model.func
        one_d = func.dim == 1
        for iso in self.isos:
            iso.setVisible(not one_d)
        self.image.setVisible(not one_d)
        for item in (self.curve, self.tangent, self.next_step, self.slope_text):
            item.setVisible(one_d)
        if one_d:
            (x0, x1), = s.domain
            xs = np.linspace(x0, x1, 600)
            f = func.value(xs)
            self.curve.setData(xs, f, connect="finite")
            self.setLabel("left", "f(x)")
            lo, hi = robust_range(f)
            self.box.setRange(xRange=(x0, x1), yRange=(lo, hi), padding=0.05)
            return
        self.setLabel("left", "y")
        (x0, x1), (y0, y1) = s.domain
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        f, _ = evaluate_grid(func, np.stack([X, Y], -1))
        lo, hi = robust_range(f)
        rgb = (colormap(s.cmap, (f - lo) / (hi - lo)) * 255).astype(np.uint8)
        rgb[~np.isfinite(f)] = (40, 40, 46)
        self._rgb = rgb
        if (s.expression, s.domain) != self._overlay_for:   # a basin map of another function
            self._overlay, self._overlay_for = None, (s.expression, s.domain)
        self._show_image()
        clean = np.where(np.isfinite(f), np.clip(f, lo, hi), hi)
        # isocurve puts sample (i, j) at (i + ½, j + ½): map that onto the sample's (x, y)
        tr = grid_transform(s.domain, f.shape)
        for iso, level in zip(self.isos, np.linspace(lo, hi, LEVELS + 2)[1:-1], strict=True):
            iso.setTransform(tr)
            iso.setData(clean, level)
        self.box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)
        self.box.setAspectLocked(True)

    def set_overlay_image(self, rgb: np.ndarray | None) -> None:
        """Show ``rgb`` (nx, ny, 3), x-major like the surface grid, instead of the heat map —
        e.g. a basins-of-attraction map; None restores the heat map. The iso-lines stay on
        top; the overlay is dropped when the function or the domain changes."""
        if rgb is not None:
            rgb = np.asarray(rgb)
            if rgb.ndim != 3 or rgb.shape[2] not in (3, 4) or min(rgb.shape[:2]) < 1:
                raise ValueError(f"expected an (nx, ny, 3) RGB image, got shape {rgb.shape}")
            rgb = rgb.astype(np.uint8, copy=False)
        s = self.model.scene
        self._overlay, self._overlay_for = rgb, (s.expression, s.domain)
        self._show_image()

    def _show_image(self) -> None:
        if self.model.scene.dim != 2 or not hasattr(self, "_rgb"):
            return                           # the 1-D picture has no heat map
        img = self._overlay if self._overlay is not None else self._rgb
        self.image.setImage(img, levels=(0, 255))
        # pixel centres on the grid samples, whatever the image's size (an overlay's may differ)
        self.image.setTransform(grid_transform(self.model.scene.domain, img.shape[:2]))

    def update_trajectory(self, trajectory) -> None:
        for item in getattr(self, "_extra", []):
            self.removeItem(item)
        self._extra = []
        for w in self.model.scene.walkers[1:]:
            trail = pg.PlotDataItem(pen=pg.mkPen(w.color, width=2.5))
            dot = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(w.color),
                                     pen=pg.mkPen(255, 255, 255, width=1))
            self.addItem(trail)
            self.addItem(dot)
            self._extra += [trail, dot]
        self.update_position(self.model.position)
        p0 = trajectory.points[0]
        self.start.setData([p0[0]], [self._y(p0)])

    def update_position(self, position: float) -> None:
        if not self.isVisible():
            return
        pts = self.model.trajectory.points
        k = int(np.floor(position + 1e-9))
        pt, f, g = self.model.state_at(position)
        path = np.vstack([pts[: k + 1], pt[None]]) if position > 0 else pts[:1]
        ys = path[:, 1] if pts.shape[1] == 2 else self.model.func.value(path[:, 0])
        self.trail.setData(path[:, 0], ys)
        self.walker.setData([pt[0]], [self._y(pt, f)])
        for i in range(1, len(self.model.trajectories)):
            if 2 * i > len(getattr(self, "_extra", [])):
                break
            tp = self.model.trajectories[i].points
            q = min(position, len(tp) - 1)
            qt = self.model.point_at(q, walker=i)
            path = np.vstack([tp[: int(np.floor(q + 1e-9)) + 1], qt[None]])
            ys = path[:, 1] if tp.shape[1] == 2 else self.model.func.value(path[:, 0])
            self._extra[2 * i - 2].setData(path[:, 0], ys)
            self._extra[2 * i - 1].setData([qt[0]], [ys[-1]])
        if self.model.func.dim == 1 and np.isfinite(f):
            (x0, x1), = self.model.scene.domain
            half = 0.12 * (x1 - x0)
            xs = np.array([pt[0] - half, pt[0] + half])
            self.tangent.setData(xs, f + g[0] * (xs - pt[0]))
            pts1 = self.model.trajectory.points[:, 0]
            nxt = pts1[min(k + 1, len(pts1) - 1)] if k + 1 < len(pts1) else pt[0]
            fn = float(self.model.func.value(nxt))
            self.next_step.setData([pt[0], nxt], [f, fn])
            vb = self.box.viewRange()
            self.slope_text.setPos(vb[0][0], vb[1][1])
            self.slope_text.setText(f"f′(x) = {g[0]:.4g}    next step Δx = {nxt - pt[0]:+.4g}")

    def _y(self, p: np.ndarray, f: float | None = None) -> float:
        if len(p) == 2:
            return float(p[1])
        return float(self.model.func.value(p[0])) if f is None else f

    # ---- view → model ---------------------------------------------------------------------
    def pick(self, x: float, y: float, *, final: bool) -> None:
        """Start at (x, y) (clamped into the domain): a preview while dragging, the walker
        reset there on release."""
        dom = self.model.scene.domain
        x = float(np.clip(x, *dom[0]))
        start = (x,) if len(dom) == 1 else (x, float(np.clip(y, *dom[1])))
        if final:
            self.show_preview(None)
            self.preview_changed.emit(None)
            if self.model.update(start=start):
                self.model.reset()           # the same start again rewinds the walker too
            return
        traj = self.model.scene.replace(start=start).run(self.model.func)
        self.show_preview(traj)
        self.preview_changed.emit(traj)

    def show_preview(self, traj) -> None:
        """Draw the path a start being picked would take (None clears it)."""
        if traj is None:
            self.preview.setData([], [])
            self.preview_start.setData([], [])
            return
        p = traj.points
        ys = p[:, 1] if p.shape[1] == 2 else np.asarray(traj.values, float)
        self.preview.setData(p[:, 0], ys, connect="finite")
        self.preview_start.setData(p[:1, 0], ys[:1])

    def _on_mouse_moved(self, pos: QPointF) -> None:
        p = self.box.mapSceneToView(pos)
        dom = self.model.scene.domain
        inside = dom[0][0] <= p.x() <= dom[0][1] and (len(dom) == 1 or
                                                      dom[1][0] <= p.y() <= dom[1][1])
        if not inside:
            self.hover_text.emit("")
            return
        with np.errstate(all="ignore"):
            args = (p.x(),) if len(dom) == 1 else (p.x(), p.y())
            f = float(np.asarray(self.model.func.value(*map(np.float64, args))).reshape(-1)[0])
        fs = f"{f:.5g}" if np.isfinite(f) else "undefined"
        where = " ".join(f"{n}={v:.4g}" for n, v in zip("xy", args, strict=False))
        self.hover_text.emit(f"{where} · f={fs}")
