"""Runs from the window leave nothing behind: each basins run and each export used to keep its
dialogs (and the export its run) as children of the window for good (+1.2 MB a basins run)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog, QProgressDialog, QPushButton


def _settle(qtbot) -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(50)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _click_cancel(progress: QProgressDialog) -> None:
    """What the user does: the dialog's Cancel button."""
    progress.findChild(QPushButton).click()


def test_basins_runs_keep_one_result_and_no_progress(make_window, qtbot):
    w = make_window("himmelblau")
    for _ in range(4):
        with qtbot.waitSignal(w.model.basins_changed, timeout=30_000):
            w.basins_run.start(16)
        _settle(qtbot)
    assert w.findChildren(QProgressDialog) == []
    results = [d for d in w.findChildren(QDialog) if d.windowTitle() == "Minima found"]
    assert len(results) == 1 and results[0] is w.basins_run.result_dialog
    results[0].close()
    _settle(qtbot)
    assert not [d for d in w.findChildren(QDialog) if d.windowTitle() == "Minima found"]
    assert w.basins_run.result_dialog is None


def test_exports_from_the_window_leave_no_dialog_and_no_run(make_window, qtbot, tmp_path):
    from app.core.animation import AnimationSettings
    from app.ui.dialogs.export_dialog import run_export
    from app.ui.render.export_run import ExportRun

    w = make_window("bowl")
    for i in range(3):
        run = run_export(w, w.model.scene, str(tmp_path / f"e{i}.gif"),
                         AnimationSettings(size=(160, 120), frames=4))
        with qtbot.waitSignal(run.succeeded, timeout=60_000):
            pass
        _settle(qtbot)
    assert w.findChildren(QProgressDialog) == []
    assert w.findChildren(ExportRun) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e0.gif", "e1.gif", "e2.gif"]


def test_cancelled_basins_runs_leave_no_progress_dialog(make_window, qtbot):
    w = make_window("rastrigin")
    for _ in range(3):
        w.basins_run.start(256)
        assert w.basins_run.progress is not None
        _click_cancel(w.basins_run.progress)
        _settle(qtbot)
        assert not w.basins_run.running
    qtbot.wait(200)
    _settle(qtbot)
    assert w.findChildren(QProgressDialog) == []


def test_cancelled_exports_leave_no_dialog_and_no_run(make_window, qtbot, tmp_path):
    from app.core.animation import AnimationSettings
    from app.ui.dialogs.export_dialog import run_export
    from app.ui.render.export_run import ExportRun

    w = make_window("bowl")
    for i in range(3):
        run = run_export(w, w.model.scene, str(tmp_path / f"e{i}.gif"),
                         AnimationSettings(size=(160, 120), frames=400))
        progress = w.findChildren(QProgressDialog)
        assert len(progress) == 1
        with qtbot.waitSignal(run.cancelled, timeout=60_000):
            _click_cancel(progress[0])
        _settle(qtbot)
    assert w.findChildren(QProgressDialog) == []
    assert w.findChildren(ExportRun) == []
    assert list(tmp_path.iterdir()) == []
