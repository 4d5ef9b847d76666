"""An export that keeps the event loop running: the GUI thread renders one frame per timer
tick (OpenGL lives there) and hands it to a writer thread that encodes it (app/export), so
between two frames the window repaints and answers the user.

``ExportRun(scene, settings, path).start()`` → ``progress(n, total)`` … then one of
``succeeded(ExportResult)``, ``failed(message)`` or ``cancelled()``.
"""

from __future__ import annotations

import queue
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.animation import AnimationSettings
from app.core.scene import Scene
from app.export.errors import ExportCancelled, ExportError
from app.export.writers import export_frames
from app.ui.render.frames import FrameSource

_END = object()        # no more frames
_CANCEL = object()     # stop: nothing is written


class ExportRun(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)      # ExportResult
    failed = Signal(str)
    cancelled = Signal()
    _writer_done = Signal(object, object)   # result, exception (from the writer thread)

    def __init__(self, scene: Scene, settings: AnimationSettings, path: str, *,
                 force: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene, self.settings, self.path, self.force = scene, settings, path, force
        self.source: FrameSource | None = None
        self.total = 0
        self.done = False
        self._next = 0
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._writer_done.connect(self._on_writer_done)

    def start(self) -> None:
        """Draw the scene off-screen, then render and encode every frame."""
        try:
            self.source = FrameSource(self.scene, self.settings)
            self.source.wait_ready()
        except (RuntimeError, ValueError) as e:
            self._finish_failed(str(e))
            return
        self.total = self.source.total
        threading.Thread(target=self._write, daemon=True, name="export-writer").start()
        self._timer.start()

    def cancel(self) -> None:
        if self.done:
            return
        self._stop.set()
        self._timer.stop()
        self._put(_CANCEL)

    def _put(self, item) -> None:
        while True:
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                if self.done:
                    return

    def _frames(self):
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if item is _CANCEL:
                raise ExportCancelled("export cancelled")
            yield item

    def _write(self) -> None:
        try:
            result = export_frames(self._frames(), self.path, fps=self.settings.fps,
                                   force=self.force, total=self.total)
            self._writer_done.emit(result, None)
        except BaseException as e:  # handed to the GUI thread as a value
            self._writer_done.emit(None, e)

    def _on_timer_timeout(self) -> None:
        if self._queue.full() or self.source is None:
            return                                  # the encoder is behind: wait a tick
        try:
            frame = self.source.frame(self._next)
        except (RuntimeError, ValueError) as e:
            self.cancel()
            self._finish_failed(str(e))
            return
        self._queue.put(frame)
        self._next += 1
        self.progress.emit(self._next, self.total)
        if self._next >= self.total:
            self._timer.stop()
            self._queue.put(_END)

    def _on_writer_done(self, result, error) -> None:
        if self.done:
            return
        if error is None:
            self._close()
            self.succeeded.emit(result)
        elif isinstance(error, ExportCancelled):
            self._close()
            self.cancelled.emit()
        elif isinstance(error, (ExportError, OSError, ValueError)):
            self._finish_failed(str(error))
        else:
            self._finish_failed(f"{type(error).__name__}: {error}")

    def _finish_failed(self, message: str) -> None:
        self._close()
        self.failed.emit(message)

    def _close(self) -> None:
        self.done = True
        self._timer.stop()
        if self.source is not None:
            self.source.close()
            self.source = None
