"""The loss dock: f and ‖∇f‖ against the step for every walker (log scale on demand), a
cursor that follows the animation, and a timeline slider to scrub through the steps
(requests go out on ``seek_requested``). It draws the values it is sent."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSlider, QVBoxLayout, QWidget

from app.core.walks import Walks
from app.ui.signals import wire
from app.ui.views.theme import theme
from app.ui.views.trails2d import TrailsItem, fill_legend, theme_plot

TICKS_PER_STEP = 10   # the slider moves in tenths of a step


class LossPanel(QWidget):
    seek_requested = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.walks: Walks | None = None
        self.theme_name = "dark"
        self._connected = None
        self.plot = pg.PlotWidget(background=(24, 26, 33))
        self.plot.setMinimumHeight(40)            # short screens: the timeline row stays
        self.plot.setLabel("bottom", "step")
        self.plot.setToolTip("f (or ‖∇f‖) of every walker against the step")
        self.step_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(255, 255, 255, 160))
        self.plot.addItem(self.step_line)
        # every walker's curve in one item, painted from a cache while the step line moves
        self.curves = TrailsItem(width=2.0, peaks=True)
        self.curves.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot.addItem(self.curves)
        self.legend = self.plot.addLegend(offset=(-6, 6), labelTextSize="8pt",
                                          brush=pg.mkBrush(24, 26, 33, 190))
        # η_t of each walker, when a schedule makes it change (hidden otherwise)
        self.eta_plot = pg.PlotWidget(background=(24, 26, 33))
        self.eta_plot.setLabel("left", "η")
        self.eta_plot.setFixedHeight(70)
        self.eta_plot.setToolTip("The learning rate η_t each step uses (its schedule)")
        self.eta_plot.setXLink(self.plot)
        self.eta_curves = TrailsItem(width=1.5, peaks=True)
        self.eta_plot.addItem(self.eta_curves)
        self.eta_plot.hide()
        self.quantity = QComboBox()
        self.quantity.addItems(["f", "‖∇f‖"])
        self.quantity.setToolTip("Plot the function value or the slope")
        self.log = QCheckBox("log scale")
        self.log.setToolTip("Logarithmic vertical axis (|f| for negative values)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Scrub back and forth through the steps taken")
        row = QHBoxLayout()
        row.addWidget(self.quantity)
        row.addWidget(self.log)
        row.addWidget(self.slider, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.eta_plot)
        lay.addLayout(row)
        self.quantity.currentIndexChanged.connect(self._on_quantity_current_index_changed)
        self.log.toggled.connect(self._on_log_toggled)
        self.slider.valueChanged.connect(self._on_slider_value_changed)

    def connect_model(self, model, connect: bool = True) -> None:
        pairs = ((model.walks_changed, self.set_walks),
                 (model.scene_changed, self.set_scene),
                 (model.position_changed_slow, self.set_position),
                 (self.seek_requested, model.seek))
        wire(pairs, connect)
        self._connected = model if connect else None

    def set_scene(self, scene) -> None:
        """Only the look: dark or light."""
        if scene.theme != self.theme_name:
            self.theme_name = scene.theme
            theme_plot(self.plot, self.legend, theme(scene.theme))
            self.eta_plot.setBackground(theme(scene.theme).background)
            t = theme(scene.theme)
            self.step_line.setPen(pg.mkPen(*t.text, 160))

    def dispose(self) -> None:
        if self._connected is not None:
            self.connect_model(self._connected, connect=False)

    def _values(self, traj) -> np.ndarray:
        """f or ‖∇f‖; on the log scale log10|·| (the axis then labels powers of ten)."""
        v = traj.values if self.quantity.currentIndex() == 0 else traj.grad_norms
        if not self.log.isChecked():
            return np.asarray(v, float)
        with np.errstate(divide="ignore"):
            out = np.log10(np.abs(v))
        return np.where(np.isfinite(out), out, np.nan)

    def set_walks(self, walks: Walks) -> None:
        self.walks = walks
        fill_legend(self.legend, list(walks.colors), [w.label for w in walks.scene.walkers],
                    columns=min(4, len(walks)))
        self._draw_curves()
        blocker = QSignalBlocker(self.slider)
        self.slider.setRange(0, walks.end * TICKS_PER_STEP)
        del blocker
        self.set_position(0.0)

    def _draw_curves(self) -> None:
        if self.walks is None:
            return
        lines = [np.column_stack([np.arange(len(t)), self._values(t)])
                 for t in self.walks.trajectories]
        self.curves.set_trails(lines, list(self.walks.colors))
        self.plot.getViewBox().autoRange(items=[self.curves])
        etas = [np.asarray(t.etas, float) for t in self.walks.trajectories]
        varies = any(len(e) > 1 and np.ptp(e) > 1e-12 * max(1e-300, float(np.max(e)))
                     for e in etas)
        self.eta_plot.setVisible(varies)
        if varies:
            self.eta_curves.set_trails([np.column_stack([np.arange(len(e)), e]) for e in etas],
                                       list(self.walks.colors))
            self.eta_plot.getViewBox().autoRange(items=[self.eta_curves])

    def set_position(self, position: float) -> None:
        self.step_line.setValue(position)
        blocker = QSignalBlocker(self.slider)
        self.slider.setValue(round(position * TICKS_PER_STEP))
        del blocker

    # ---- view → model -----------------------------------------------------------------------
    def _on_quantity_current_index_changed(self, _index: int) -> None:
        self._draw_curves()

    def _on_log_toggled(self, on: bool) -> None:
        self.plot.setLogMode(y=on)            # the axis labels 10^k; the data is log10 here
        self._draw_curves()

    def _on_slider_value_changed(self, value: int) -> None:
        self.seek_requested.emit(value / TICKS_PER_STEP)
