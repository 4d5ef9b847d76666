"""The loss dock: f and ‖∇f‖ against the step for every walker (log scale on demand), a
cursor that follows the animation, and a timeline slider to scrub through the steps."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSlider, QVBoxLayout, QWidget

TICKS_PER_STEP = 10   # the slider moves in tenths of a step


class LossPanel(QWidget):
    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.plot = pg.PlotWidget(background=(24, 26, 33))
        self.plot.setLabel("bottom", "step")
        self.plot.setToolTip("f (or ‖∇f‖) of every walker against the step")
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen(255, 255, 255, 160))
        self.plot.addItem(self.cursor)
        self.curves: list[pg.PlotDataItem] = []
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
        lay.addLayout(row)
        self._connect_signals()
        self._on_trajectory_changed()

    def _connect_signals(self) -> None:
        self.model.trajectory_changed.connect(self._on_trajectory_changed)
        self.model.position_changed_slow.connect(self._on_position_changed)
        self.quantity.currentIndexChanged.connect(self._on_trajectory_changed)
        self.log.toggled.connect(self._on_log_changed)
        self.slider.valueChanged.connect(self._on_slider_changed)

    def dispose(self) -> None:
        self.model.trajectory_changed.disconnect(self._on_trajectory_changed)
        self.model.position_changed_slow.disconnect(self._on_position_changed)

    def _values(self, traj) -> np.ndarray:
        v = traj.values if self.quantity.currentIndex() == 0 else traj.grad_norms
        return np.abs(v) if self.log.isChecked() else v

    def _on_trajectory_changed(self, *_args) -> None:
        for c in self.curves:
            self.plot.removeItem(c)
        self.curves = []
        for w, traj in zip(self.model.scene.walkers, self.model.trajectories, strict=True):
            c = self.plot.plot(np.arange(len(traj)), self._values(traj),
                               pen=pg.mkPen(w.color, width=2), name=w.label)
            self.curves.append(c)
        self.slider.blockSignals(True)
        self.slider.setRange(0, self.model.end * TICKS_PER_STEP)
        self.slider.blockSignals(False)
        self._on_position_changed(self.model.position)

    def _on_log_changed(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self._on_trajectory_changed()

    def _on_position_changed(self, position: float) -> None:
        self.cursor.setValue(position)
        self.slider.blockSignals(True)
        self.slider.setValue(round(position * TICKS_PER_STEP))
        self.slider.blockSignals(False)

    def _on_slider_changed(self, value: int) -> None:
        self.model.pause()
        self.model.seek(value / TICKS_PER_STEP)
