"""Cycles are collected in the GUI thread only: a worker thread that freed a closed window's
Qt objects deadlocked against the GUI thread (CI hung for 90 minutes)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QWidget

from app.ui.application import application


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.widget = QWidget()


def test_a_worker_thread_never_frees_qt_objects(qtbot):
    application()
    assert not gc.isenabled()
    cycle = _Cycle()
    ref = weakref.ref(cycle)
    del cycle
    freed_in_worker = []

    def allocate() -> None:                  # plenty of allocations: would trigger gen-0 GC
        junk = [[i] for i in range(200_000)]
        del junk
        freed_in_worker.append(ref() is None)

    t = threading.Thread(target=allocate)
    t.start()
    t.join()
    assert freed_in_worker == [False]
    keep = [[i] for i in range(2000)]        # live objects: past the gen-0 threshold
    qtbot.waitUntil(lambda: ref() is None, timeout=5000)   # the GUI thread's timer frees it
    del keep
