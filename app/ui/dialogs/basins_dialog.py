"""Run → Basins of attraction…: the model runs the selected walker's rule from an N×N grid of
starts on its worker (progress, cancel; the window stays usable), the map is coloured by
basin with its minima marked, and a dialog lists them, each row in its basin's colour.
Progress counts the starts finished. A result for a function that has changed in the meantime
is dropped by the model."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.basins import OTHER_NAMES, OTHER_RGB, BasinMap
from app.core.limits import MAX_BASINS_RESOLUTION
from app.ui.dialogs.fields import fit_title


class BasinsRun:
    """The window's basins runs: asks N, shows progress, shows the result."""

    def __init__(self, window) -> None:
        self.window, self.model = window, window.model
        self.progress: QProgressDialog | None = None
        self.result_dialog: QDialog | None = None
        self.resolution = 0
        self.model.progress.connect(self._on_model_progress)
        self.model.basins_changed.connect(self._on_model_basins_changed)

    def ask_and_start(self) -> None:
        ask = QInputDialog(self.window)
        ask.setWindowTitle("Basins of attraction")
        ask.setLabelText("Starts per side (N×N grid):")
        ask.setIntRange(8, MAX_BASINS_RESOLUTION)
        ask.setIntValue(128)
        fit_title(ask)
        accepted = ask.exec() == QDialog.DialogCode.Accepted
        n = ask.intValue()
        ask.deleteLater()
        if accepted:
            self.start(n)

    def start(self, resolution: int) -> None:
        self.resolution = resolution
        self._close_progress()
        starts = resolution ** len(self.model.scene.domain)
        self.progress = QProgressDialog(f"Running {starts} starts…", "Cancel", 0, starts,
                                        self.window)
        self.progress.setWindowTitle("Basins of attraction")
        fit_title(self.progress)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.canceled.connect(self._on_progress_canceled)
        self.progress.show()
        self.model.run_basins(resolution)

    @property
    def running(self) -> bool:
        return self.progress is not None

    def _on_progress_canceled(self) -> None:
        self.model.cancel_basins()
        self._close_progress()

    def _on_model_progress(self, kind: str, done: int, total: int) -> None:
        if kind == "basins" and self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _on_model_basins_changed(self, bm: BasinMap | None) -> None:
        was_running = self.running
        self._close_progress()
        if bm is None or not was_running:
            return
        if self.result_dialog is not None:       # one result at a time (each one leaked)
            self.result_dialog.close()
        d = QDialog(self.window)
        d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        d.destroyed.connect(lambda *_: self._forget_result(d))
        d.setWindowTitle("Minima found")
        fit_title(d)
        lay = QVBoxLayout(d)
        head = QLabel(f"{len(bm.minima)} minima from {self.resolution}² starts — the map is "
                      "coloured by basin, each minimum marked ✕ (Run → Clear basins to go back)")
        head.setWordWrap(True)
        lay.addWidget(head)
        lay.addWidget(basins_table(bm))
        d.resize(460, 260)
        d.show()
        self.result_dialog = d

    def _close_progress(self) -> None:
        if self.progress is not None:
            p, self.progress = self.progress, None
            p.canceled.disconnect(self._on_progress_canceled)
            p.close()
            p.deleteLater()

    def _forget_result(self, d: QDialog) -> None:
        if self.result_dialog is d:
            self.result_dialog = None

    def close(self) -> None:
        self._close_progress()
        if self.result_dialog is not None:
            self.result_dialog.close()


def _row(t: QTableWidget, r: int, texts: tuple[str, str, str], rgb) -> None:
    """Row r in the colour its starts have on the map (text black or white, for contrast)."""
    back = QColor(*map(int, rgb))
    ink = QColor(0, 0, 0) if back.lightnessF() > 0.55 else QColor(255, 255, 255)
    for c, text in enumerate(texts):
        item = QTableWidgetItem(text)
        item.setBackground(QBrush(back))
        item.setForeground(QBrush(ink))
        t.setItem(r, c, item)


def basins_table(bm: BasinMap) -> QTableWidget:
    """The minima (where, f, share of starts), then diverged, left the domain, not
    converged; every row coloured like its starts on the map."""
    others = ((-1, bm.diverged_share), (-3, bm.left_share), (-2, bm.unconverged_share))
    t = QTableWidget(len(bm.minima) + len(others), 3)
    t.setHorizontalHeaderLabels(["where", "f", "share of starts"])
    for r, (m, rgb) in enumerate(zip(bm.minima, bm.minimum_colors, strict=True)):
        where = ", ".join(f"{v:.4g}" for v in m.point)
        text = f"{100 * m.share:.1f} %"
        if m.unsettled:
            text += f" ({100 * m.unsettled:.1f} % still moving at the step limit)"
        _row(t, r, (f"({where})", f"{m.f:.5g}", text), rgb)
    for r, (code, share) in enumerate(others, start=len(bm.minima)):
        _row(t, r, (OTHER_NAMES[code], "", f"{100 * share:.1f} %"), OTHER_RGB[code])
    t.resizeColumnsToContents()
    return t
