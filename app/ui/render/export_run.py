"""An export that keeps the event loop running: the GUI thread renders one frame per timer
tick (OpenGL lives there) and hands it to a writer thread that encodes it (app/export), so
between two frames the window repaints and answers the user.

``ExportRun(scene, settings, path).start()`` → ``progress(n, total)`` … then one of
``succeeded(ExportResult)``, ``failed(message)`` or ``cancelled()``.

Nothing outlives it: ``cancel()``, closing the window it belongs to (its parent) or the
application quitting stop the export, and the writer deletes its partial output before the
run reports ``cancelled`` (when the window or the application goes, ``abort()`` waits for
that, so the process never exits with a ``.partial`` file beside the target). SIGTERM or
SIGHUP while it runs (if nothing else handles them): the export is aborted the same way,
then the signal does what it would have done (the process ends).
"""

from __future__ import annotations

import contextlib
import queue
import signal
import threading

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.core.animation import AnimationSettings
from app.core.scene import Scene
from app.export.errors import ExportCancelled, ExportError
from app.export.writers import export_frames
from app.ui.render.frames import FrameSource

_END = object()        # no more frames
_CANCEL = object()     # stop: nothing is written
WRITER_EXIT_SECONDS = 30   # abort(): how long to wait for the writer to clean up
_DEADLY_SIGNALS = ("SIGTERM", "SIGHUP")


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
        self._writer: threading.Thread | None = None
        self._starting = False      # start() is waiting for the surface (a nested loop)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._writer_done.connect(self._on_writer_done)
        self._window = parent.window() if isinstance(parent, QWidget) else None
        if self._window is not None:
            self._window.installEventFilter(self)
        self._app = QCoreApplication.instance()
        if self._app is not None:
            self._app.aboutToQuit.connect(self.abort)
        self._hooked: list[int] = []          # signals whose handler is ours while running
        self._signal: int | None = None
        self._signal_timer = QTimer(self)     # acts on a signal from the event loop; also
        self._signal_timer.setInterval(100)   # lets Python run the handler promptly
        self._signal_timer.timeout.connect(self._on_signal_timer_timeout)

    def start(self) -> None:
        """Draw the scene off-screen, then render and encode every frame."""
        self._hook_signals()
        self._starting = True
        try:
            self.source = FrameSource(self.scene, self.settings)
            self.source.wait_ready()
        except (RuntimeError, ValueError) as e:
            self._starting = False
            if self.done:
                self._close()
            else:
                self._finish_failed(str(e))
            return
        self._starting = False
        if self.done:          # aborted while the surface was being computed
            self._close()
            return
        self.total = self.source.total
        self._writer = threading.Thread(target=self._write, daemon=True, name="export-writer")
        self._writer.start()
        self._timer.start()

    def cancel(self) -> None:
        """Stop rendering; the writer deletes what it wrote, then ``cancelled`` follows."""
        if self.done:
            return
        self._stop.set()
        self._timer.stop()
        self._put(_CANCEL)

    def abort(self) -> None:
        """Cancel and wait (up to ``WRITER_EXIT_SECONDS``) until the writer has deleted its
        partial output; then ``cancelled``. For when the window or the application goes and
        the event loop will not deliver the writer's answer."""
        if self.done:
            return
        self.cancel()
        writer = self._writer
        if writer is not None:
            writer.join(WRITER_EXIT_SECONDS)
        if self.done:           # the writer finished first, e.g. with success
            return
        if self._starting:      # inside start()'s wait: start() closes the source after it
            self.done = True
        else:
            self._close()
        self.cancelled.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if watched is self._window and event.type() == QEvent.Type.Close:
            # the window decides in its closeEvent whether it really closes: look after it
            QTimer.singleShot(0, self, self._on_window_closed)
        return False

    def _hook_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for name in _DEADLY_SIGNALS:
            sig = getattr(signal, name, None)
            if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
                signal.signal(sig, self._on_signal)   # only where nobody else listens
                self._hooked.append(sig)
        if self._hooked:
            self._signal_timer.start()

    def _unhook_signals(self) -> None:
        self._signal_timer.stop()
        for sig in self._hooked:
            if signal.getsignal(sig) == self._on_signal:
                signal.signal(sig, signal.SIG_DFL)
        self._hooked.clear()

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._signal = signum     # no work in a signal handler: see the timer

    def _on_signal_timer_timeout(self) -> None:
        if self._signal is None:
            return
        signum, self._signal = self._signal, None
        self.abort()                        # the partial output is deleted first
        self._unhook_signals()
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)         # then the process ends, as it was asked to

    def _on_window_closed(self) -> None:
        window = self._window
        if window is None or not shiboken6.isValid(window) or not window.isVisible():
            self.abort()

    def _put(self, item) -> None:
        while True:
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                if self.done or self._writer is None or not self._writer.is_alive():
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
                                   force=self.force, total=self.total, stop=self._stop.is_set)
            outcome: tuple[object, BaseException | None] = (result, None)
        except BaseException as e:  # handed to the GUI thread as a value
            outcome = (None, e)
        # the run may be gone by now (its window was deleted): then nobody is listening
        with contextlib.suppress(RuntimeError):
            if shiboken6.isValid(self):
                self._writer_done.emit(*outcome)

    def _on_timer_timeout(self) -> None:
        if self._queue.full() or self.source is None or self._stop.is_set():
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
        if self._signal is None:   # (else the timer still has to act on it)
            self._unhook_signals()
        if self._window is not None and shiboken6.isValid(self._window):
            self._window.removeEventFilter(self)
        if self._app is not None:
            app, self._app = self._app, None
            with contextlib.suppress(RuntimeError, TypeError):
                app.aboutToQuit.disconnect(self.abort)
        if self.source is not None:
            self.source.close()
            self.source = None
