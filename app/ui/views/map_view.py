"""The top-down map: a heat map of f with iso-lines, every walker's trail and dot, the starts
and a basins overlay. A plain click or drag picks the start (reported on ``start_picked``);
hovering reports x, y and f(x, y). For a 1-D function it shows the explainer's slope
picture: the curve f(x), the walkers on it, and the selected walker's tangent and next step.

It draws the values it is sent (``connect_model`` wires them) and never reads the model."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QFont

from app.core.basins import BasinMap, basin_colors
from app.core.expression import CompiledFunction
from app.core.pictures import MapPicture
from app.core.walks import Walks
from app.ui.signals import wire
from app.ui.views.map_box import PickBox, grid_transform
from app.ui.views.step_parts2d import CurvatureAxes2D, StepParts2D
from app.ui.views.theme import theme
from app.ui.views.trails2d import (
    DOT_SIZE,
    TRAIL_WIDTH,
    TrailsItem,
    fill_legend,
    set_dots,
    theme_plot,
    walker_dots,
)

PREVIEW = (255, 255, 255, 170)
BACKGROUND = (24, 26, 33)


class MapView(pg.PlotWidget):
    hover_text = Signal(str)          # "x=… y=… · f=…" under the cursor ("" when outside)
    start_picked = Signal(object, bool)  # (x,) or (x, y) clamped into the domain; final?

    def __init__(self, parent=None) -> None:
        self.box = PickBox(self)
        super().__init__(parent, viewBox=self.box)
        self.picture: MapPicture | None = None
        self._range: dict = {}          # the range of the last picture, re-fitted when shown
        self.walks: Walks | None = None
        self.func: CompiledFunction | None = None
        self.domain: tuple = ((-1.0, 1.0), (-1.0, 1.0))
        self.basins: BasinMap | None = None
        self.position = 0.0
        self.selected = 0
        self.theme_name = "dark"
        self._connected = None
        self.setBackground(BACKGROUND)
        self.setToolTip("Click or drag to put the walker's start there; right-drag pans, "
                        "wheel zooms")
        self.image = pg.ImageItem()
        self.isos = pg.PlotDataItem(pen=pg.mkPen(20, 20, 20, 110), connect="finite")
        self.arrows = pg.PlotDataItem(pen=pg.mkPen(15, 15, 25, 220, width=1.3), connect="pairs")
        self.arrows.setVisible(False)
        self.curve = pg.PlotDataItem(pen=pg.mkPen((120, 190, 255), width=2))
        self.tangent = pg.PlotDataItem(pen=pg.mkPen((255, 210, 60), width=2,
                                                    style=Qt.PenStyle.DashLine))
        self.next_step = pg.PlotDataItem(pen=pg.mkPen((255, 255, 255), width=2),
                                         symbol="t1", symbolSize=9, symbolBrush=(255, 255, 255))
        self.slope_text = pg.TextItem(color=(240, 240, 240), anchor=(0, 0))
        self.preview = pg.PlotDataItem(pen=pg.mkPen(PREVIEW, width=2),
                                       shadowPen=pg.mkPen(0, 0, 0, 120, width=4))
        self.preview_start = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(255, 255, 255, 90),
                                                pen=pg.mkPen(255, 255, 255, width=1.5))
        self.trails = TrailsItem()
        self.starts = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(245, 245, 245),
                                         pen=pg.mkPen(0, 0, 0))
        self.dots = walker_dots()
        self.parts = StepParts2D(self)
        self.curvature = CurvatureAxes2D(self)
        self._axes = None
        for item in (self.image, self.isos, self.arrows, self.curve, self.tangent, self.next_step,
                     self.slope_text, self.preview, self.trails, self.starts, self.dots,
                     self.preview_start):
            self.addItem(item)
        self.image.setZValue(-10)
        self.isos.setZValue(-9)
        # the minima of a basins map: an ✕ in its basin's colour, above the map
        self.minima_marks = pg.ScatterPlotItem(symbol="x", size=15,
                                               pen=pg.mkPen(255, 255, 255, width=1.5))
        self.minima_marks.setZValue(-8)
        self.addItem(self.minima_marks)
        # the heat map and iso-lines change only with the function: paint them from a cache
        for item in (self.image, self.isos):
            item.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setLabel("bottom", "x")
        self.setLabel("left", "y")
        # top right: the 1-D picture writes its slope at the top left
        self.legend = self.addLegend(offset=(-4, 4), labelTextSize="7pt",
                                     brush=pg.mkBrush(24, 26, 33, 150))
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    def set_scale(self, scale: float) -> None:
        """Type, lines and markers ``scale`` times larger (presentation mode)."""
        font = QFont()
        font.setPointSizeF(font.pointSizeF() * scale)
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setStyle(tickFont=font)
            axis.setLabel(axis.labelText, **{"font-size": f"{font.pointSizeF():.0f}pt"})
        self.trails.set_width(TRAIL_WIDTH * scale)
        self.dots.setSize(DOT_SIZE * scale)
        self.starts.setSize(9 * scale)
        self.curve.setPen(pg.mkPen((120, 190, 255), width=2 * scale))
        self.tangent.setPen(pg.mkPen((255, 210, 60), width=2 * scale, style=Qt.PenStyle.DashLine))
        self.legend.setLabelTextSize(f"{7 * scale:.0f}pt")
        if self.walks is not None:                 # the entries take the size when made
            fill_legend(self.legend, list(self.walks.colors),
                        [w.rule for w in self.walks.scene.walkers])
        self.slope_text.setFont(font)

    def connect_model(self, model, connect: bool = True) -> None:
        """Receive the model's values (``connect=False`` disconnects)."""
        pairs = ((model.map_changed, self.set_picture),
                 (model.scene_changed, self.set_scene),
                 (model.function_changed, self.set_function),
                 (model.walks_changed, self.set_walks),
                 (model.position_changed_slow, self.set_position),
                 (model.selection_changed, self.set_selection),
                 (model.preview_changed, self.set_preview),
                 (model.basins_changed, self.set_basins),
                 (model.curvature_axes, self.set_curvature_axes))
        wire(pairs, connect)
        self._connected = model if connect else None

    def dispose(self) -> None:
        if self._connected is not None:
            self.connect_model(self._connected, connect=False)
        self.scene().sigMouseMoved.disconnect(self._on_scene_mouse_moved)

    @property
    def one_d(self) -> bool:
        return len(self.domain) == 1

    # ---- model → view -----------------------------------------------------------------------
    def set_function(self, func: CompiledFunction) -> None:
        self.func = func
        self.hover_text.emit("")            # what was under the mouse is another f now

    def set_scene(self, scene) -> None:
        """The look (dark or light) and the −∇f arrows (2-D, as in the 3D view)."""
        self.arrows.setVisible(scene.show_arrows and scene.dim == 2)
        if scene.theme != self.theme_name:
            self.theme_name = scene.theme
            t = theme(scene.theme)
            theme_plot(self, self.legend, t)
            self.slope_text.setColor(t.text)
            self.next_step.setPen(pg.mkPen(t.text, width=2))
            self.next_step.setSymbolBrush(t.text)

    def set_picture(self, picture: MapPicture) -> None:
        self.picture = picture
        self.domain = picture.domain
        one_d = picture.rgb is None
        self.image.setVisible(not one_d)
        self.isos.setVisible(not one_d)
        for item in (self.curve, self.tangent, self.next_step, self.slope_text):
            item.setVisible(one_d)
        if one_d:
            assert picture.curve is not None
            self.curve.setData(picture.curve[:, 0], picture.curve[:, 1], connect="finite")
            self.setLabel("left", "f(x)")
            self.box.setAspectLocked(False)
            (x0, x1), = picture.domain
            self._range = dict(xRange=(x0, x1), yRange=picture.z_range, padding=0.05)
        else:
            self.setLabel("left", "y")
            iso = np.concatenate(picture.iso_lines) if picture.iso_lines else np.zeros((0, 2))
            self.isos.setData(iso[:, 0], iso[:, 1], connect="finite")
            arrows = picture.arrows if picture.arrows is not None else np.zeros((0, 2))
            self.arrows.setData(arrows[:, 0], arrows[:, 1], connect="pairs")
            self._show_image()
            (x0, x1), (y0, y1) = picture.domain
            self.box.setAspectLocked(True)
            self._range = dict(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)
        self.box.setRange(**self._range)
        self._draw_walkers()

    def leaveEvent(self, ev) -> None:  # Qt override
        super().leaveEvent(ev)
        self.hover_text.emit("")

    def set_basins(self, basins: BasinMap | None) -> None:
        """Colour the map by basin and mark its minima (None: back to the heat map)."""
        self.basins = basins
        self._show_image()
        if basins is None or basins.labels.ndim != 2:
            self.minima_marks.setData([], [])
        else:
            brushes = [pg.mkBrush(*map(int, c)) for c in basins.minimum_colors]
            self.minima_marks.setData(pos=basins.minimum_points, brush=brushes)

    def _show_image(self) -> None:
        pic = self.picture
        if pic is None or pic.rgb is None:
            return
        img = pic.rgb
        if self.basins is not None and self.basins.labels.ndim == 2:
            img = basin_colors(self.basins.labels)
        self.image.setImage(img, levels=(0, 255))
        # pixel centres on the grid samples, whatever the image's size
        self.image.setTransform(grid_transform(pic.domain, img.shape[:2]))

    def set_walks(self, walks: Walks) -> None:
        self.walks = walks
        self.func = walks.func
        self.domain = walks.scene.domain
        self.position = 0.0
        xy = np.array([self._xy(t.points[:1], t.values[:1])[0] for t in walks.trajectories])
        xy = xy[np.isfinite(xy).all(axis=1)]          # f undefined at a start: no dot
        self.starts.setData(x=xy[:, 0], y=xy[:, 1])
        # compact: the rule names (the loss plot and the 3D view say η too)
        fill_legend(self.legend, list(walks.colors), [w.rule for w in walks.scene.walkers])
        self._draw_walkers()

    def set_position(self, position: float) -> None:
        self.position = position
        if self.isVisible():
            self._draw_walkers()

    def set_selection(self, index: int) -> None:
        self.selected = index
        self._draw_walkers()

    def set_curvature_axes(self, axes) -> None:
        """The eigen-directions of the Hessian at the selected walker (None: none known)."""
        self._axes = axes
        self.curvature.draw(axes, max(hi - lo for lo, hi in self.domain))

    def show_curvature_axes(self, on: bool) -> None:
        self.curvature.on = bool(on)
        self.set_curvature_axes(self._axes)

    def show_step_parts(self, on: bool) -> None:
        """The current step's pieces as arrows at the selected walker (2-D)."""
        self.parts.on = bool(on)
        self._draw_walkers()

    def showEvent(self, ev) -> None:  # Qt override: catch up after being hidden
        """Walkers moved and a picture set while hidden was fitted to no size: redo both."""
        super().showEvent(ev)
        if self._range:
            self.box.setRange(**self._range)
        self._draw_walkers()

    def _xy(self, points: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Plot coordinates: (x, y) on the map, (x, f(x)) on the 1-D curve."""
        if points.shape[1] == 2:
            return np.asarray(points, float)
        return np.column_stack([points[:, 0], values])

    def _draw_walkers(self) -> None:
        walks = self.walks
        if walks is None:
            return
        trails, dots = [], []
        for i, t in enumerate(walks.trajectories):
            path = walks.trail(self.position, i)
            k = len(path) - 1
            values = np.append(t.values[:k], walks.state_at(self.position, i)[1]) \
                if path.shape[1] == 1 else np.zeros(len(path))
            xy = self._xy(path, values)
            trails.append(xy)
            dots.append(xy[-1])
        colors = list(walks.colors)
        self.trails.set_trails(trails, colors)
        set_dots(self.dots, np.array(dots), colors)
        self.parts.draw(walks, self.selected, self.position)
        if walks.func.dim == 1:
            self._draw_tangent(walks)

    def _draw_tangent(self, walks: Walks) -> None:
        """The selected walker's tangent, the step it is about to take, and the slope."""
        i = min(self.selected, len(walks) - 1)
        pt, f, g = walks.state_at(self.position, i)
        if not np.isfinite(f):
            return
        (x0, x1), = walks.scene.domain
        half = 0.12 * (x1 - x0)
        xs = np.array([pt[0] - half, pt[0] + half])
        self.tangent.setData(xs, f + g[0] * (xs - pt[0]))
        pts1 = walks.trajectories[i].points[:, 0]
        k = walks.step_at(self.position)
        nxt = pts1[k + 1] if k + 1 < len(pts1) else pt[0]
        fn = float(walks.func.value(np.float64(nxt)))
        self.next_step.setData([pt[0], nxt], [f, fn])
        vb = self.box.viewRange()
        self.slope_text.setPos(vb[0][0], vb[1][1])
        self.slope_text.setText(f"f′(x) = {g[0]:.4g}    next step Δx = {nxt - pt[0]:+.4g}")

    def set_preview(self, traj) -> None:
        """Draw the path a start being picked would take (None clears it)."""
        if traj is None:
            self.preview.setData([], [])
            self.preview_start.setData([], [])
            return
        xy = self._xy(traj.points, np.asarray(traj.values, float))
        self.preview.setData(xy[:, 0], xy[:, 1], connect="finite")
        first = xy[:1][np.isfinite(xy[:1]).all(axis=1)]
        self.preview_start.setData(first[:, 0], first[:, 1])

    # ---- view → model -----------------------------------------------------------------------
    @property
    def shown_domain(self) -> tuple:
        """The domain of the picture drawn: what the plot's coordinates mean."""
        return self.picture.domain if self.picture is not None else self.domain

    def _function_shown(self) -> CompiledFunction | None:
        """The function in place when the picture drawn is of its dimension; None for the
        moment the last function's picture, of another dimension, is still shown."""
        f = self.func
        return f if f is not None and f.dim == len(self.shown_domain) else None

    def pick(self, x: float, y: float, *, final: bool) -> None:
        """Report a start at (x, y), clamped into the domain (a pick on a picture of the
        last function, of another dimension, cancels)."""
        dom = self.shown_domain
        if self._function_shown() is None:
            if final:
                self.start_picked.emit(None, True)
            return
        x = float(np.clip(x, *dom[0]))
        start = (x,) if len(dom) == 1 else (x, float(np.clip(y, *dom[1])))
        self.start_picked.emit(start, final)

    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        p = self.box.mapSceneToView(pos)
        dom = self.shown_domain
        inside = dom[0][0] <= p.x() <= dom[0][1] and (len(dom) == 1 or
                                                      dom[1][0] <= p.y() <= dom[1][1])
        func = self._function_shown()
        if not inside or func is None:
            self.hover_text.emit("")
            return
        args = (p.x(),) if len(dom) == 1 else (p.x(), p.y())
        f = float(np.asarray(func.value(*map(np.float64, args))).reshape(-1)[0])
        fs = f"{f:.5g}" if np.isfinite(f) else "undefined"
        where = " ".join(f"{n}={v:.4g}" for n, v in zip("xy", args, strict=False))
        self.hover_text.emit(f"{where} · f={fs}")
