"""Start the Qt application: ``run_gui(scene)`` opens the window; with ``screenshot`` it waits
for the surface (and ``steps`` walker steps), saves a PNG of the whole window and returns.
Waiting is done by a local event loop that a signal or a timeout ends (``wait_for``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NO_DISPLAY = ("error: no display found — run under a desktop session or with: "
              "xvfb-run -a gradient-mountain …")


def display_problem() -> str | None:
    """One line explaining why no window can open here, or None if a display looks usable."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None   # offscreen/vnc/…: the user asked for it
    wayland, display = os.environ.get("WAYLAND_DISPLAY"), os.environ.get("DISPLAY")
    if wayland and not platform.startswith("xcb"):
        return None
    if not display:
        return NO_DISPLAY
    host, _, rest = display.partition(":")
    number = rest.split(".")[0]
    if host in ("", "unix") and number.isdigit() and not Path(f"/tmp/.X11-unix/X{number}").exists():
        # a local display whose socket is gone (the abstract socket alone is rare on Linux)
        return (f"error: cannot open display {display} — run under a desktop session or with: "
                "xvfb-run -a gradient-mountain …")
    return None


def application():
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # pyqtgraph caches shader programs per class: all GL widgets must share one context
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication([sys.argv[0] if sys.argv else "gradient-mountain"])
        app.setOrganizationName("GradientMountain")
        app.setApplicationName("gradient-mountain")
        app.setApplicationDisplayName("Gradient Mountain")
        app.setDesktopFileName("gradient-mountain")   # Wayland: the launcher and its icon
        from app.ui.icon import app_icon

        app.setWindowIcon(app_icon())
    collect_garbage_in_gui_thread()
    return app


_collector = None


class _GuiThreadCollector:
    """Python's cycle collector, run by a timer in the GUI thread (automatic collection off).

    Every ``interval_ms`` it collects generation 0 once more than ``threshold[0]`` tracked
    objects were allocated since the last pass, generation 1 by Python's own rule. A short
    interval keeps each pass small: a worker building a big sympy tree allocates ~300 k
    objects in half a second, and collecting them in one pass froze the event loop for
    0.3–0.6 s (pyqtgraph's GarbageCollector, every 0.5 s); at 25 ms a pass is a few ms.
    A full pass (generation 2, the whole heap: ~50–100 ms) waits until the app has been
    quiet for ``quiet_s`` (few new objects), or ``max_wait_s`` at the latest. Objects alive
    at start-up and at the first quiet moment (the window, matplotlib's fonts) are frozen
    (``gc.freeze``): full passes skip them."""

    def __init__(self, interval_ms: int = 25, quiet_s: float = 1.0,
                 max_wait_s: float = 30.0) -> None:
        import gc
        import time

        from PySide6.QtCore import QTimer

        self.threshold = gc.get_threshold()
        self.quiet_s, self.max_wait_s = quiet_s, max_wait_s
        self.last_busy = self.last_full = time.monotonic()
        self.settled = False
        gc.disable()
        gc.freeze()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        import gc
        import time

        now = time.monotonic()
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            self.last_busy = now
            gc.collect(1 if l1 > self.threshold[1] else 0)
            l2 = gc.get_count()[2]
        quiet = now - self.last_busy >= self.quiet_s
        if quiet and not self.settled:          # the first quiet moment after start-up
            self.settled = True
            gc.collect()
            gc.freeze()
            self.last_full = now
        elif l2 > self.threshold[2] and (quiet or now - self.last_full >= self.max_wait_s):
            gc.collect(2)
            self.last_full = now


def collect_garbage_in_gui_thread() -> None:
    """Python's cycle collector may run in whatever thread allocates; if it frees a Qt object
    in a worker thread, Qt and the GIL can deadlock (seen: a worker's ``run_batch`` freeing a
    closed window's menus while the GUI thread waited for the GIL). Automatic collection is
    turned off and a timer collects in this thread instead (``_GuiThreadCollector``)."""
    global _collector
    if _collector is None:
        _collector = _GuiThreadCollector()


def wait_for(condition, signals, timeout: float = 60.0) -> bool:
    """Run the event loop until ``condition()`` holds, re-checked whenever one of ``signals``
    fires; False after ``timeout`` seconds. (No polling loop: Qt sleeps in between.)"""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return True
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)

    def check(*_args) -> None:
        if condition():
            loop.quit()

    for s in signals:
        s.connect(check)
    timer.start(int(timeout * 1000))
    loop.exec()
    for s in signals:
        s.disconnect(check)
    return condition()


def grab_window(window):
    """A QImage of the whole window, with the GL area filled in from the GL framebuffer
    (QWidget.grab leaves it black on some platforms, e.g. under Xvfb)."""
    from PySide6.QtGui import QPainter

    img = window.grab().toImage()
    gl_img = window.view.grabFramebuffer()
    dpr = img.devicePixelRatio() or 1.0
    top_left = window.view.mapTo(window, window.view.rect().topLeft())
    painter = QPainter(img)
    painter.drawImage(top_left, gl_img.scaled(window.view.size() * dpr))
    painter.end()
    return img


def window_ready(window) -> bool:
    """The window shows everything it was asked for: walks in, surface drawn."""
    return window.model.ready and not window.model.busy and not window.view.busy


def save_screenshot(window, path: str, steps: int | None) -> bool:
    view, model = window.view, window.model
    if not wait_for(lambda: window_ready(window), [model.busy_changed, view.surface_ready]):
        return False
    if steps:
        model.seek(float(min(steps, model.end)))
    start = view.frames
    view.update()
    if not wait_for(lambda: view.frames > start, [view.frame_drawn], 30):
        return False
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return grab_window(window).save(str(out), "PNG")


def run_gui(scene=None, *, screenshot: str | None = None, steps: int | None = None) -> int:
    """Open the window on ``scene`` (None: the remembered scene, else the default preset).
    With ``screenshot`` and no display, a virtual display is started for the picture."""
    problem = display_problem()
    if problem and screenshot is not None:
        from app.ui.render.export_cli import display_for_export

        try:
            with display_for_export():
                return _run_gui(scene, screenshot=screenshot, steps=steps)
        except Exception as e:            # e.g. no Xvfb: one line, as for the display
            print(f"error: {e}", file=sys.stderr)
            return 2
    if problem:
        print(problem, file=sys.stderr)
        return 2
    return _run_gui(scene, screenshot=screenshot, steps=steps)


def _run_gui(scene, *, screenshot: str | None, steps: int | None) -> int:
    app = application()
    from app.core.scene import Scene
    from app.ui.main_window import MainWindow
    from app.ui.settings import remembered_scene

    remember = screenshot is None
    if scene is None:
        scene = (remembered_scene() if remember else None) or Scene.from_preset()
    window = MainWindow(scene, remember=remember)
    if remember:
        window.restore_layout()
    window.show()
    if screenshot is None:
        rc = app.exec()
        _dispose(app, window)
        return rc
    ok = save_screenshot(window, screenshot, steps)
    _dispose(app, window)
    if not ok:
        print(f"error: could not save the screenshot to {screenshot}", file=sys.stderr)
        return 1
    return 0


def _dispose(app, window) -> None:
    """close + deleteLater + deliver the deletion now: GL widgets must not be left to the
    garbage collector."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
