"""The Walkers dock: a legend and editor of every walker (rule, η, start, colour), add /
remove, "Compare optimisers", and the curvature at the first walker (λ of the Hessian and
the gradient rule's limit η < 2/λmax, with a warning above it)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.curvature import curvature_at
from app.core.rules import Rule
from app.core.scene import WALKER_COLORS, Walker

COLUMNS = ("", "rule", "η", "start x", "start y", "parameters")


def parse_params(text: str, rule: Rule) -> tuple[tuple[str, float], ...]:
    """'beta=0.5, eps=1e-8' -> (("beta", 0.5), ("eps", 1e-8)); only the rule's own names."""
    out = []
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in rule.defaults:
            names = ", ".join(rule.defaults) or "none"
            raise ValueError(f"{rule.value} takes the parameters: {names} (as name=value)")
        out.append((key, float(value)))
    return tuple(out)


def compare_walkers(model) -> list[Walker]:
    """Gradient, momentum and Adam from the first walker's start, with η that suit each:
    plain gradient just inside its stability limit 2/λmax at the start, momentum a third of
    it (its steps grow by up to 1/(1−β)), Adam a step of ~2 % of the domain."""
    s = model.scene
    c = curvature_at(model.func, s.start)
    eta = s.lr if s.rule == "gradient" else 0.05
    if c.stability_limit is not None:
        eta = min(eta, 0.5 * c.stability_limit)
    extent = max(hi - lo for lo, hi in s.domain)
    return [Walker("gradient", eta, (), s.start, WALKER_COLORS[0]),
            Walker("momentum", eta / 3, (("beta", 0.9),), s.start, WALKER_COLORS[1]),
            Walker("adam", round(0.02 * extent, 4), (), s.start, WALKER_COLORS[2])]


class WalkersPanel(QWidget):
    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setToolTip("Every walker: edit a cell to change its rule, η or start")
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add a walker (a copy of the first, in a new colour)")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected walker")
        self.compare_button = QPushButton("Compare optimisers")
        self.compare_button.setToolTip("Gradient, momentum and Adam from the same start")
        self.curvature = QLabel()
        self.curvature.setWordWrap(True)
        self.curvature.setToolTip("Curvature at the first walker: eigenvalues of the Hessian")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.compare_button):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.curvature)
        self._connect_signals()
        self._on_scene_changed(model.scene)

    def _connect_signals(self) -> None:
        self.model.scene_changed.connect(self._on_scene_changed)
        self.model.position_changed_slow.connect(self._on_position_changed)
        self.table.itemChanged.connect(self._on_table_changed)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.compare_button.clicked.connect(self.compare)
        self.table.cellDoubleClicked.connect(self._on_cell_double_clicked)

    # ---- model → view ---------------------------------------------------------------------
    def _on_scene_changed(self, scene) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(scene.walkers))
        for r, w in enumerate(scene.walkers):
            swatch = QTableWidgetItem("●")
            swatch.setForeground(QColor(w.color))
            swatch.setToolTip(f"{w.label} — double-click to change the colour")
            cells = [swatch, QTableWidgetItem(w.rule), QTableWidgetItem(f"{w.lr:g}"),
                     QTableWidgetItem(f"{w.start[0]:.4g}"),
                     QTableWidgetItem(f"{w.start[1]:.4g}" if len(w.start) > 1 else ""),
                     QTableWidgetItem(", ".join(f"{k}={v:g}" for k, v in w.params))]
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        self.remove_button.setEnabled(len(scene.walkers) > 1)
        self._on_position_changed(self.model.position)

    def _on_position_changed(self, _position: float) -> None:
        pt = self.model.point_at()
        c = curvature_at(self.model.func, pt)
        s = self.model.scene
        text = c.describe(s.lr) if s.rule == "gradient" else c.describe(float("inf")).split(
            ";")[0]
        warn = s.rule == "gradient" and c.overshoots(s.lr)
        self.curvature.setText(text)
        self.curvature.setStyleSheet("color: #d33; font-weight: bold;" if warn else "")

    # ---- view → model ---------------------------------------------------------------------
    def _on_table_changed(self, item: QTableWidgetItem) -> None:
        walkers = list(self.model.scene.walkers)
        r, c = item.row(), item.column()
        w = walkers[r]
        text = item.text().strip()
        try:
            if c == 1:
                rule = Rule.parse(text)
                w = Walker(rule.value, w.lr, tuple((k, v) for k, v in w.params
                                                   if k in rule.defaults), w.start, w.color)
            elif c == 2:
                w = Walker(w.rule, float(text), w.params, w.start, w.color)
            elif c == 5:
                w = Walker(w.rule, w.lr, parse_params(text, Rule.parse(w.rule)), w.start,
                           w.color)
            elif c in (3, 4) and c - 3 < len(w.start):
                start = list(w.start)
                start[c - 3] = float(text)
                w = Walker(w.rule, w.lr, w.params, tuple(start), w.color)
        except ValueError as e:
            self.model.scene_error.emit(str(e))
            self._on_scene_changed(self.model.scene)
            return
        walkers[r] = w
        if not self.model.set_walkers(walkers):
            self._on_scene_changed(self.model.scene)

    def _on_cell_double_clicked(self, row: int, column: int) -> None:
        if column == 0:
            color = QColorDialog.getColor(QColor(self.model.scene.walkers[row].color), self,
                                          "Walker colour")
            if color.isValid():
                self.set_color(row, color.name())

    def set_color(self, row: int, color: str) -> bool:
        """Give walker ``row`` the colour ``color`` ('#rrggbb')."""
        walkers = list(self.model.scene.walkers)
        w = walkers[row]
        walkers[row] = Walker(w.rule, w.lr, w.params, w.start, QColor(color).name())
        return self.model.set_walkers(walkers)

    def _on_add_clicked(self) -> None:
        walkers = list(self.model.scene.walkers)
        first = walkers[0]
        color = WALKER_COLORS[len(walkers) % len(WALKER_COLORS)]
        extent = max(hi - lo for lo, hi in self.model.scene.domain)
        rng = np.random.default_rng(len(walkers))
        start = tuple(float(np.clip(v + rng.uniform(-0.1, 0.1) * extent, lo, hi))
                      for v, (lo, hi) in zip(first.start, self.model.scene.domain, strict=True))
        walkers.append(Walker(first.rule, first.lr, first.params, start, color))
        self.model.set_walkers(walkers)

    def _on_remove_clicked(self) -> None:
        walkers = list(self.model.scene.walkers)
        row = self.table.currentRow()
        if len(walkers) > 1:
            del walkers[row if 0 <= row < len(walkers) else -1]
            self.model.set_walkers(walkers)

    def compare(self) -> None:
        self.model.set_walkers(compare_walkers(self.model))
