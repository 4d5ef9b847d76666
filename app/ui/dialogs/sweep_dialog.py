"""Run → Sweep learning rates…: which η works from the selected walker's start?

The chosen rules run with N learning rates log-spaced over a range, one walker per η in one
batch (``app.core.sweep``), on the model's ``Workers`` (kind "sweep": progress and Cancel
here, the window stays usable). Then: steps to tolerance and final f against η with each
rule's stability limit (η = 2/λmax for gradient descent), the momentum η × β map, and the
race of the scene's walkers. Clicking a run gives the selected walker that rule and η.
A result for a function that changed in the meantime is dropped.

``open_sweep(window)`` shows the window's one sweep dialog (made on first use).
"""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.descent import Cancelled
from app.core.rules import Rule
from app.core.sweep import RaceRow, Sweep, learning_rates, sweep_scene
from app.core.sweep_report import OUTCOME_COLORS, summary
from app.ui.dialogs.fields import fit_title
from app.ui.panels.widgets import LogSpinBox, row
from app.ui.views.sweep_plot import MomentumPlot, SweepPlots
from app.ui.views.theme import theme

KIND = "sweep"
MOMENTUM_GRID = (60, 40)         # η × β cells of the momentum map
BETAS = (0.0, 0.99)
_tickets = itertools.count(1)


def sweep_job(progress, scene, func, walker: int, rules: list[str], lrs: np.ndarray,
              momentum: bool, trajectories) -> Sweep | None:
    """The background job: the sweep, or None when cancelled."""
    betas = np.linspace(*BETAS, MOMENTUM_GRID[1]) if momentum else None
    m_lrs = learning_rates(lrs[0], lrs[-1], MOMENTUM_GRID[0])
    try:
        return sweep_scene(scene, func, walker=walker, rules=rules, lrs=lrs, betas=betas,
                           momentum_lrs=m_lrs, trajectories=trajectories,
                           progress=progress.report)
    except Cancelled:
        return None


def race_table(rows: tuple[RaceRow, ...]) -> QTableWidget:
    """One row per walker (a swatch of its colour, its label), steps, final f, why it
    stopped; the converged walker with the fewest steps in bold."""
    t = QTableWidget(len(rows), 4)
    t.setHorizontalHeaderLabels(["walker", "steps", "final f", "stopped"])
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    fill_race(t, rows)
    return t


def fill_race(t: QTableWidget, rows: tuple[RaceRow, ...]) -> None:
    t.setRowCount(len(rows))
    done = [r.steps if r.converged else np.inf for r in rows]
    best = int(np.argmin(done)) if rows and np.isfinite(min(done)) else -1
    for i, r in enumerate(rows):
        swatch = QPixmap(12, 12)
        swatch.fill(QColor(r.color))
        texts = (f"{i + 1}  {r.label}", str(r.steps), f"{r.final_f:.6g}", r.message)
        for c, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if c == 0:
                item.setIcon(swatch)
            if c == 3:
                item.setForeground(QColor(OUTCOME_COLORS[r.reason]))
                item.setToolTip(r.message)
            if i == best:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setToolTip("the fastest walker to converge")
            t.setItem(i, c, item)
    t.resizeColumnsToContents()
    t.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # elided


class SweepDialog(QDialog):
    """Choose rules, an η range and a count; run; see the plots, the map and the race."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("sweep_dialog")
        self.setWindowTitle("Sweep learning rates")
        self.model = window.model
        self.key: tuple | None = None
        self.func = None
        self.sweep: Sweep | None = None
        self.rule_boxes = {r.value: QCheckBox(r.value) for r in Rule}
        self.lr_min, self.lr_max = LogSpinBox(1e-8, 1e3), LogSpinBox(1e-8, 1e3)
        self.lr_min.setValue(1e-4)
        self.lr_max.setValue(10.0)
        self.count = QSpinBox()
        self.count.setRange(2, 5000)
        self.count.setValue(200)
        self.momentum = QCheckBox("momentum η × β map")
        self.momentum.setChecked(True)
        self.run_button, self.cancel_button = QPushButton("Run"), QPushButton("Cancel")
        self.progress = QProgressBar()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.plots, self.heat = SweepPlots(), MomentumPlot()
        self.table = race_table(())
        self._layout()
        self._connect_signals()
        self._set_running(False)
        fit_title(self)
        room = window.screen().availableGeometry()
        self.resize(min(1180, int(0.95 * room.width())), min(780, int(0.9 * room.height())))

    def _layout(self) -> None:
        rules = QGridLayout()
        for k, box in enumerate(self.rule_boxes.values()):
            box.setToolTip(Rule(box.text()).formula)
            rules.addWidget(box, k // 5, k % 5)
        self.lr_min.setToolTip("The smallest learning rate")
        self.lr_max.setToolTip("The largest learning rate")
        self.count.setToolTip("How many learning rates, log-spaced: one walker each")
        top = QHBoxLayout()
        top.addLayout(rules)
        top.addWidget(row(QLabel("η from"), self.lr_min, QLabel("to"), self.lr_max,
                          QLabel("count"), self.count))
        top.addWidget(self.momentum)
        top.addWidget(self.run_button)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.heat)
        right.addWidget(self.table)
        right.setSizes([460, 220])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.plots)
        body.addWidget(right)
        body.setSizes([640, 520])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(busy)
        lay.addWidget(self.status)
        lay.addWidget(body, 1)

    def _connect_signals(self) -> None:
        w = self.model.workers
        w.progress.connect(self._on_workers_progress)
        w.finished.connect(self._on_workers_finished)
        w.failed.connect(self._on_workers_failed)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.plots.picked.connect(self._on_plots_picked)
        self.heat.picked.connect(self._on_heat_picked)

    # ---- running ----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Tick the selected walker's rule if nothing is ticked."""
        if not any(b.isChecked() for b in self.rule_boxes.values()):
            self.rule_boxes[self.model.scene.walkers[self.model.selected].rule].setChecked(True)

    @property
    def running(self) -> bool:
        return self.key is not None

    def start(self) -> None:
        """Sweep the ticked rules from the selected walker's start (in the background)."""
        m = self.model
        rules = [name for name, b in self.rule_boxes.items() if b.isChecked()]
        if m.func is None or not rules:
            self.status.setText("Tick at least one rule." if not rules else
                                "The function is not ready yet.")
            return
        if not self.lr_min.value() < self.lr_max.value():
            self.status.setText("The smallest η must be below the largest.")
            return
        lrs = learning_rates(self.lr_min.value(), self.lr_max.value(), self.count.value())
        walks = m.walks
        trajs = walks.trajectories if walks is not None and walks.scene == m.scene else None
        self.key, self.func = (KIND, next(_tickets)), m.func
        m.workers.submit(KIND, self.key, sweep_job, m.scene, m.func, m.selected, rules, lrs,
                         self.momentum.isChecked(), trajs, with_progress=True)
        n = len(rules) * len(lrs) + (np.prod(MOMENTUM_GRID) if self.momentum.isChecked() else 0)
        self.status.setText(f"Running {n} walkers…")
        self._set_running(True)

    def cancel(self) -> None:
        if self.running:
            self.model.workers.cancel(KIND)
            self.key = None
            self.status.setText("Cancelled.")
            self._set_running(False)

    def _set_running(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)
        self.run_button.setEnabled(not on)
        if on:
            self.progress.setRange(0, 0)

    def _on_workers_progress(self, kind: str, done: int, total: int) -> None:
        if kind == KIND and self.running:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)

    def _on_workers_finished(self, kind: str, key, result) -> None:
        if kind != KIND or key != self.key:
            return
        self.key = None
        self._set_running(False)
        if result is None:
            return
        if self.model.func is not self.func:
            self.status.setText("The function changed while sweeping: run again.")
            return
        self.show_sweep(result)

    def _on_workers_failed(self, kind: str, key, message: str) -> None:
        if kind == KIND and key == self.key:
            self.key = None
            self._set_running(False)
            self.status.setText(f"The sweep failed: {message}")

    # ---- showing ----------------------------------------------------------------------------
    def show_sweep(self, sw: Sweep) -> None:
        self.sweep = sw
        t = theme(self.model.scene.theme)
        self.plots.set_theme(t)
        self.heat.set_theme(t)
        f0 = float(np.asarray(self.func.value(*np.asarray(sw.start)))) if self.func else np.nan
        self.plots.set_sweep(sw, f0, t.text)
        self.heat.set_map(sw.momentum)
        self.heat.setVisible(sw.momentum is not None)
        fill_race(self.table, sw.race)
        lam = ", ".join(f"{v:.4g}" for v in sw.eigenvalues) or "not defined"
        start = ", ".join(f"{v:.4g}" for v in sw.start)
        lines = [f"From ({start}); Hessian eigenvalues there λ = {lam}. "
                 "Click a run to give the selected walker its rule and η."]
        self.status.setText("\n".join([*lines, *(summary(r) for r in sw.rules)]))

    def _on_plots_picked(self, rule: str, lr: float) -> None:
        self.model.update_walker(self.model.selected, rule=rule, lr=float(f"{lr:.4g}"))

    def _on_heat_picked(self, lr: float, beta: float) -> None:
        self.model.update_walker(self.model.selected, rule="momentum", lr=float(f"{lr:.4g}"),
                                 params=(("beta", float(f"{beta:.3g}")),))

    def done(self, result: int) -> None:  # Qt override: closing cancels a running sweep
        self.cancel()
        super().done(result)


def open_sweep(window) -> SweepDialog:
    """Show the window's sweep dialog (made on first use), ready to run."""
    dialog = window.findChild(SweepDialog, "sweep_dialog")
    if dialog is None:
        dialog = SweepDialog(window)
    dialog.prepare()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
