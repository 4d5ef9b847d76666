"""Fixtures for the window tests: real OpenGL under Xvfb (pytest-xvfb), one temporary
settings file per test, and windows that are disposed the safe way."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication

# pyqtgraph caches shader programs per class: every GL widget must share one context.
# This must happen before pytest-qt creates the QApplication.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture(autouse=True, scope="session")
def _gc_in_gui_thread(qapp):
    """As the app does: cycles are collected in the GUI thread only (a worker thread that
    frees a closed window deadlocks against the GUI thread)."""
    from app.ui.application import collect_garbage_in_gui_thread

    collect_garbage_in_gui_thread()


@pytest.fixture(autouse=True)
def settings_file(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("GRADIENT_MOUNTAIN_SETTINGS", str(path))
    return path


def dispose(widget) -> None:
    """close + deleteLater + process events: letting the GC destroy a GL widget has crashed."""
    if not shiboken6.isValid(widget):
        return
    widget.close()
    widget.deleteLater()
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def settle(qtbot, window, timeout: int = 20_000) -> None:
    """Wait until the model's background work is done and the view has drawn it."""
    qtbot.waitUntil(lambda: window.model.ready and not window.model.busy
                    and not window.view.busy and window.view.frames > 0, timeout=timeout)
    window.view.update()
    QApplication.processEvents()


@pytest.fixture
def make_window(qtbot):
    """make_window(preset, **scene_changes) -> a shown MainWindow whose surface is drawn.
    Small meshes by default: most tests are not about resolution."""
    from app.core.scene import Scene
    from app.ui.main_window import MainWindow

    windows = []

    def make(preset: str = "peaks", *, size=(900, 640), remember=False, **changes):
        scene = Scene.from_preset(preset, **{"resolution": 48, **changes})
        w = MainWindow(scene, remember=remember)
        w.resize(*size)
        w.show()
        windows.append(w)
        qtbot.waitExposed(w)
        settle(qtbot, w)
        return w

    yield make
    for w in windows:
        dispose(w)
