"""The Parameters section of the panel: one slider per parameter of f (a, k, κ, θ …) with
its value, min and max editable. Moving a slider re-binds the function (microseconds) and the
mountain, every path and the map follow live; each gesture is one undo step."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.core.parameters import Parameter
from app.core.scene import Scene
from app.ui.panels.section import Section
from app.ui.panels.widgets import ErrorLabel, number_spin
from app.ui.signals import wire

TICKS = 1000            # slider positions between min and max
SYMBOLS = {"kappa": "κ", "theta": "θ (°)"}


class _Row:
    """Name, slider, value, min, max of one parameter."""

    def __init__(self, box: ParametersBox, grid: QGridLayout, r: int, p: Parameter) -> None:
        self.name = p.name
        self.label = QLabel(SYMBOLS.get(p.name, p.name))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, TICKS)
        self.slider.setToolTip(f"Drag to change {p.name}: the mountain and every path follow")
        self.value = number_spin(-1e6, 1e6, 4, 0.1, f"The value of {p.name}")
        self.low = number_spin(-1e6, 1e6, 1, 1.0, f"The slider's smallest {p.name}")
        self.high = number_spin(-1e6, 1e6, 1, 1.0, f"The slider's largest {p.name}")
        for c, w in enumerate((self.label, self.slider, self.value, self.low, self.high)):
            grid.addWidget(w, r, c)
        for spin, width in ((self.value, 64), (self.low, 48), (self.high, 48)):
            spin.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(width)             # (a ±1e6 range must not widen the panel)
            spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        wire(((self.slider.valueChanged, lambda t: box.on_slider(self, t)),
              (self.value.valueChanged, lambda v: box.on_value(self, v)),
              (self.low.valueChanged, lambda _v: box.on_range(self)),
              (self.high.valueChanged, lambda _v: box.on_range(self))))
        self.show(p)

    def widgets(self) -> list[QWidget]:
        return [self.label, self.slider, self.value, self.low, self.high]

    def show(self, p: Parameter) -> None:
        blockers = [QSignalBlocker(w) for w in self.widgets()]
        self.value.setValue(p.value)
        self.low.setValue(p.low)
        self.high.setValue(p.high)
        self.slider.setValue(round((p.value - p.low) / (p.high - p.low) * TICKS))
        del blockers


class ParametersBox(Section):
    def __init__(self, model) -> None:
        super().__init__("Parameters")
        self.model = model
        self.scene: Scene | None = None
        self.rows: list[_Row] = []
        lay = QVBoxLayout(self.body)
        self.grid = QGridLayout()
        for c, text in enumerate(("", "", "value", "min", "max")):
            self.grid.addWidget(QLabel(f"<small>{text}</small>"), 0, c)
        self.grid.setColumnStretch(1, 3)
        for c in (2, 3, 4):
            self.grid.setColumnStretch(c, 1)
        lay.addLayout(self.grid)
        self.error = ErrorLabel()
        lay.addWidget(self.error)
        self.setVisible(False)

    def connect_model(self, m, connect: bool = True) -> None:
        wire(((m.scene_changed, self.set_scene),), connect)
        if connect:
            self.set_scene(m.scene)

    def set_scene(self, scene: Scene) -> None:
        self.scene = scene
        if [p.name for p in scene.params] != [r.name for r in self.rows]:
            for row in self.rows:
                for w in row.widgets():
                    self.grid.removeWidget(w)
                    w.deleteLater()
            self.rows = [_Row(self, self.grid, i + 1, p) for i, p in enumerate(scene.params)]
        else:
            for row, p in zip(self.rows, scene.params, strict=True):
                row.show(p)
        self.setVisible(bool(scene.params))
        self.error.show_error("")

    # ---- panel → model ---------------------------------------------------------------------
    def _param(self, row: _Row) -> Parameter:
        assert self.scene is not None
        return self.scene.param(row.name)

    def on_slider(self, row: _Row, tick: int) -> None:
        p = self._param(row)
        self.model.set_parameter(row.name, p.low + (p.high - p.low) * tick / TICKS)

    def on_value(self, row: _Row, value: float) -> None:
        p = self._param(row)
        self._replace(dataclasses.replace(p, value=value, low=min(p.low, value),
                                          high=max(p.high, value)))

    def on_range(self, row: _Row) -> None:
        p = self._param(row)
        low, high = row.low.value(), row.high.value()
        self._replace(dataclasses.replace(p, low=low, high=high,
                                          value=min(max(p.value, low), high)))

    def _replace(self, new: Parameter) -> None:
        assert self.scene is not None
        try:
            new.validate()
        except ValueError as e:
            self.error.show_error(f"{e} — fix it or press Escape")
            return
        self.error.show_error("")
        params = tuple(new if p.name == new.name else p for p in self.scene.params)
        self.model.update(params=params)
