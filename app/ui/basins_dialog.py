"""Run → Basins of attraction…: run the current rule from an N×N grid of starts in a
background thread (progress, cancel), colour the map by basin and list the minima found."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.basins import BasinMap, basin_colors, basin_map
from app.core.descent import Cancelled


class BasinJob:
    """basin_map on a worker thread; ``cancel()`` stops it at the next step."""

    def __init__(self, func, scene, resolution: int) -> None:
        self.done_steps, self.total = 0, scene.max_steps
        self.result: BasinMap | None = None
        self.error: str | None = None
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(func, scene, resolution),
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _progress(self, k: int, n: int) -> bool:
        self.done_steps = k
        return self._cancel.is_set()

    def _run(self, func, scene, resolution: int) -> None:
        try:
            self.result = basin_map(func, scene.domain, scene.rule, scene.lr,
                                    resolution=resolution, max_steps=scene.max_steps,
                                    gtol=scene.gtol, params=dict(scene.params),
                                    progress=self._progress)
        except Cancelled:
            self.error = "cancelled"
        except Exception as e:  # shown in the window as one line, never a crash
            self.error = f"{type(e).__name__}: {e}"


def run_basins(window, resolution: int) -> BasinMap | None:
    """Run the job with a progress dialog; colour the map and return the result."""
    model = window.model
    job = BasinJob(model.func, model.scene, resolution)
    progress = QProgressDialog("Running every start…", "Cancel", 0, job.total, window)
    progress.setWindowTitle("Basins of attraction")
    progress.setMinimumDuration(0)
    progress.canceled.connect(job.cancel)
    job.start()
    timer = QTimer(progress)
    timer.timeout.connect(lambda: progress.setValue(job.done_steps))
    timer.start(50)
    while job.running:  # the GUI stays live: events are processed while the worker runs
        QApplication.processEvents()
        job.join(0.01)
    timer.stop()
    progress.close()
    if job.result is None:
        if job.error != "cancelled":
            QMessageBox.warning(window, "Basins of attraction", job.error or "failed")
        return None
    bm = job.result
    if model.scene.dim == 2:
        window.map.set_overlay_image(basin_colors(bm.labels))
    return bm


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


def basins_dialog(window) -> None:
    n, ok = QInputDialog.getInt(window, "Basins of attraction",
                                "Starts per side (N×N grid):", 128, 8, 1024)
    if not ok:
        return
    bm = run_basins(window, n)
    if bm is None:
        return
    d = QDialog(window)
    d.setWindowTitle("Minima found")
    lay = QVBoxLayout(d)
    lay.addWidget(QLabel(f"{len(bm.minima)} minima from {n}² starts — the map is coloured "
                         "by basin (Run → Clear basins to go back)"))
    lay.addWidget(basins_table(bm))
    d.resize(460, 260)
    d.show()
    window._basins_result = d
