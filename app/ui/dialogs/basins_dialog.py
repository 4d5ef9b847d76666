"""Run → Basins of attraction…: the model runs the selected walker's rule from an N×N grid of
starts on its worker (progress, cancel; the window stays usable), the map is coloured by
basin and a dialog lists the minima found. A result for a function that has changed in the
meantime is dropped by the model."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.basins import BasinMap


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
        n, ok = QInputDialog.getInt(self.window, "Basins of attraction",
                                    "Starts per side (N×N grid):", 128, 8, 1024)
        if ok:
            self.start(n)

    def start(self, resolution: int) -> None:
        self.resolution = resolution
        self._close_progress()
        self.progress = QProgressDialog("Running every start…", "Cancel", 0,
                                        self.model.scene.max_steps, self.window)
        self.progress.setWindowTitle("Basins of attraction")
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
        d = QDialog(self.window)
        d.setWindowTitle("Minima found")
        lay = QVBoxLayout(d)
        lay.addWidget(QLabel(f"{len(bm.minima)} minima from {self.resolution}² starts — the map "
                             "is coloured by basin (Run → Clear basins to go back)"))
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

    def close(self) -> None:
        self._close_progress()
        if self.result_dialog is not None:
            self.result_dialog.close()


def basins_table(bm: BasinMap) -> QTableWidget:
    t = QTableWidget(len(bm.minima) + 2, 3)
    t.setHorizontalHeaderLabels(["where", "f", "share of starts"])
    for r, m in enumerate(bm.minima):
        where = ", ".join(f"{v:.4g}" for v in m.point)
        for c, text in enumerate((f"({where})", f"{m.f:.5g}", f"{100 * m.share:.1f} %")):
            t.setItem(r, c, QTableWidgetItem(text))
    for r, (name, share) in enumerate((("diverged", bm.diverged_share),
                                       ("not converged", bm.unconverged_share)),
                                      start=len(bm.minima)):
        t.setItem(r, 0, QTableWidgetItem(name))
        t.setItem(r, 2, QTableWidgetItem(f"{100 * share:.1f} %"))
    t.resizeColumnsToContents()
    return t
