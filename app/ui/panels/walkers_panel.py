"""The Walkers dock: a legend and editor of every walker (rule, η, start, colour), add /
remove, "Compare optimisers", and the curvature at the selected walker (λ of the Hessian
and the gradient rule's limit η < 2/λmax, with a warning above it)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
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

from app.core.rules import Rule
from app.core.scene import WALKER_COLORS
from app.ui.panels.widgets import ErrorLabel
from app.ui.signals import wire

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


class WalkersPanel(QWidget):
    """Model → panel: ``set_scene``, ``set_selection``, ``set_curvature``; panel → model: the
    ``_on_*`` handlers. The curvature readout follows the selected walker; the Hessian is
    computed only while this panel is shown."""

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.scene = model.scene
        self.selected = model.selected
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(48)          # short screens: the buttons stay in reach
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setToolTip("Every walker: edit a cell to change its rule, η or start; the "
                              "selected one is the one the Scene panel edits")
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add a walker (a copy of the selected one, in a new colour)")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected walker")
        self.compare_button = QPushButton("Compare optimisers")
        self.compare_button.setToolTip("Gradient, momentum and Adam from the same start")
        self.error = ErrorLabel()
        self.curvature = QLabel()
        self.curvature.setWordWrap(True)
        self.curvature.setToolTip("Curvature at the selected walker: eigenvalues of the Hessian")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.compare_button):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.error)
        lay.addWidget(self.curvature)
        self.connect_model(model)
        self.set_scene(model.scene)

    def connect_model(self, m, connect: bool = True) -> None:
        pairs = ((m.scene_changed, self.set_scene), (m.selection_changed, self.set_selection),
                 (m.curvature_changed, self.set_curvature),
                 (self.table.itemChanged, self._on_table_item_changed),
                 (self.table.currentCellChanged, self._on_table_current_cell_changed),
                 (self.table.cellDoubleClicked, self._on_table_cell_double_clicked),
                 (self.add_button.clicked, self._on_add_button_clicked),
                 (self.remove_button.clicked, self._on_remove_button_clicked),
                 (self.compare_button.clicked, self.compare))
        wire(pairs, connect)

    # ---- model → view ---------------------------------------------------------------------
    def set_scene(self, scene) -> None:
        self.scene = scene
        blocker = QSignalBlocker(self.table)
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
        self.selected = min(self.selected, len(scene.walkers) - 1)
        self.table.selectRow(self.selected)
        del blocker
        self.remove_button.setEnabled(len(scene.walkers) > 1)

    def set_selection(self, index: int) -> None:
        self.selected = index
        blocker = QSignalBlocker(self.table)
        self.table.selectRow(index)
        del blocker

    def set_curvature(self, text: str, warn: bool) -> None:
        self.curvature.setText(text)
        self.curvature.setStyleSheet("color: #d33; font-weight: bold;" if warn else "")

    def showEvent(self, ev) -> None:  # Qt override: the Hessian only while shown
        super().showEvent(ev)
        self.model.want_curvature(True)

    def hideEvent(self, ev) -> None:  # Qt override
        super().hideEvent(ev)
        self.model.want_curvature(False)

    # ---- view → model ---------------------------------------------------------------------
    def _on_table_current_cell_changed(self, row: int, *_args) -> None:
        if row >= 0:
            self.model.select(row)

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        w = self.scene.walkers[r]
        text = item.text().strip()
        try:
            if c == 1:
                changes: dict = {"rule": Rule.parse(text).value}
            elif c == 2:
                changes = {"lr": float(text)}
            elif c == 5:
                changes = {"params": parse_params(text, Rule.parse(w.rule))}
            elif c in (3, 4) and c - 3 < len(w.start):
                start = list(w.start)
                start[c - 3] = float(text)
                changes = {"start": tuple(start)}
            else:
                return
            walkers = list(self.scene.walkers)      # the walker's and the scene's checks too
            walkers[r] = walkers[r].replace(**changes)
            self.scene.replace(walkers=tuple(walkers))
        except (ValueError, TypeError) as e:
            message = str(e)
            if message.startswith("could not convert"):
                message = f"not a number: {text!r}"
            self._mark(item, f"walker {r + 1}, {COLUMNS[c]}: {message}")
            return
        self.error.show_error("")
        self.model.update_walker(r, **changes)

    def _mark(self, item: QTableWidgetItem, message: str) -> None:
        """The refused cell keeps what was typed, in red, with the reason beside the table
        (and in its tooltip) until it is fixed or Escape brings the walker's values back."""
        blocker = QSignalBlocker(self.table)
        item.setBackground(QColor(210, 60, 60, 110))
        item.setToolTip(message)
        del blocker
        self.error.show_error(f"{message} — fix it or press Escape")

    def keyPressEvent(self, event) -> None:  # Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.error.show_error("")
            self.set_scene(self.scene)
            return
        super().keyPressEvent(event)

    def _on_table_cell_double_clicked(self, row: int, column: int) -> None:
        if column == 0:
            color = QColorDialog.getColor(QColor(self.scene.walkers[row].color), self,
                                          "Walker colour")
            if color.isValid():
                self.set_color(row, color.name())

    def set_color(self, row: int, color: str) -> bool:
        """Give walker ``row`` the colour ``color`` ('#rrggbb')."""
        return self.model.update_walker(row, color=QColor(color).name())

    def _on_add_button_clicked(self) -> None:
        walkers = list(self.scene.walkers)
        base = walkers[min(self.selected, len(walkers) - 1)]
        color = WALKER_COLORS[len(walkers) % len(WALKER_COLORS)]
        extent = max(hi - lo for lo, hi in self.scene.domain)
        rng = np.random.default_rng(len(walkers))
        start = tuple(float(np.clip(v + rng.uniform(-0.1, 0.1) * extent, lo, hi))
                      for v, (lo, hi) in zip(base.start, self.scene.domain, strict=True))
        walkers.append(base.replace(start=start, color=color))
        if self.model.set_walkers(walkers):
            self.model.select(len(walkers) - 1)

    def _on_remove_button_clicked(self) -> None:
        walkers = list(self.scene.walkers)
        row = self.table.currentRow()
        if len(walkers) > 1:
            del walkers[row if 0 <= row < len(walkers) else -1]
            self.model.set_walkers(walkers)

    def compare(self) -> None:
        self.model.compare_optimisers()
