"""Responsiveness measurements of one source tree, run as a subprocess by bench_responsive.

``python bench/responsive_probe.py [--tree DIR] [--only gap,walkers,edit]`` prints one JSON
line ``{"name": [values...]}``. With ``--tree`` the ``app`` package is imported from DIR (the
previous design, e.g. a git worktree of 9b64703) instead of the editable install: the same
scenarios are driven through whichever API that tree has (``_New`` / ``_Old`` below).
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
from pathlib import Path


def _tree_first() -> None:
    if "--tree" in sys.argv:
        sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--tree") + 1]).resolve()))


_tree_first()

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402

import app  # noqa: E402
from app.core.scene import WALKER_COLORS, Scene, Walker  # noqa: E402

NESTED = "x+y"
for _ in range(49):
    NESTED = f"sin({NESTED})"
EDITS = ("x^2 + 3y^2 - sin(x)", "x^2 + 3y^2 + sin(y)")


# ---- event-loop helpers (the same for both trees) -------------------------------------------
def run_loop(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait(cond, kick=None, timeout: float = 120.0, poll_ms: int = 2) -> bool:
    """Run the event loop until ``cond()``; ``kick`` is called from inside the loop first
    (so a blocking call is seen by the loop's timers as the stall it is)."""
    state = {"kicked": kick is None}
    loop = QEventLoop()

    def do_kick() -> None:
        kick()
        state["kicked"] = True
        check()

    def check() -> None:
        if state["kicked"] and cond():
            loop.quit()

    poll = QTimer()
    poll.setInterval(poll_ms)
    poll.timeout.connect(check)
    poll.start()
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    limit.start(int(timeout * 1000))
    if kick is not None:
        QTimer.singleShot(0, do_kick)
    loop.exec()
    poll.stop()
    limit.stop()
    ok = state["kicked"] and cond()
    if not ok:
        raise TimeoutError("condition not reached")
    return ok


class GapMeter:
    """A 10 ms timer; the worst interval between two of its ticks, minus 10 ms."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def measure(self, kick, cond, tail_ms: int = 150) -> float:
        """Worst gap (ms) from just before ``kick`` until ``tail_ms`` after ``cond()``."""
        self.worst, self.last = 0.0, time.perf_counter()
        self.timer.start()
        run_loop(50)
        t0 = time.perf_counter()
        wait(cond, kick)
        _log(f"  done in {time.perf_counter() - t0:.2f} s, worst gap {self.worst * 1e3:.0f} ms")
        run_loop(tail_ms)
        self.timer.stop()
        return max(0.0, (self.worst - 0.010) * 1e3)


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---- the two APIs ---------------------------------------------------------------------------
class _New:
    """The redesign (a020443): SceneModel works on a QThreadPool."""

    def application(self):
        from app.ui.application import application
        return application()

    def window(self, scene):
        from app.ui.main_window import MainWindow
        return MainWindow(scene, remember=False)

    def idle(self, w) -> bool:
        return w.model.ready and not w.model.busy and not w.view.busy

    def with_walkers(self, scene, walkers):
        return scene.replace(walkers=tuple(walkers))

    def has_picture(self, w) -> bool:
        return w.view.picture is not None

    def set_expression(self, w, text):
        w.model.set_expression(text)

    def basins_gap(self, gap, w) -> float:
        got = []
        slot = lambda bm: got.append(bm) if bm is not None else None  # noqa: E731
        w.model.basins_changed.connect(slot)
        try:
            return gap.measure(lambda: w.basins_run.start(512), lambda: bool(got))
        finally:
            w.model.basins_changed.disconnect(slot)
            w.basins_run.close()
            w.model.clear_basins()

    def export_gap(self, gap, w, path, settings) -> float:
        from app.ui.dialogs.export_dialog import run_export
        runs, ended = [], []

        def kick():
            run = run_export(w, w.model.scene, path, settings, force=True)
            run.succeeded.connect(lambda _r: ended.append(True))
            run.failed.connect(lambda m: ended.append(m))
            runs.append(run)
            if run.done and not ended:       # failed before start() returned
                ended.append("failed at start")

        ms = gap.measure(kick, lambda: bool(ended))
        if ended[0] is not True:
            raise RuntimeError(f"export failed: {ended[0]}")
        return ms


class _Old:
    """The previous design (9b64703): compile and walks synchronous, mesh on a builder thread,
    basins in a thread with a processEvents loop, export rendering on the GUI thread."""

    def application(self):
        from app.ui.app import _application
        return _application()

    def window(self, scene):
        from app.ui.main_window import MainWindow
        return MainWindow(scene, remember=False)

    def idle(self, w) -> bool:
        return not w.view.busy

    def with_walkers(self, scene, walkers):
        return scene.with_walkers(list(walkers))

    def has_picture(self, w) -> bool:
        return w.view.mesh is not None

    def set_expression(self, w, text):
        if not w.model.set_expression(text):
            raise RuntimeError(f"old tree rejected {text!r}")

    def basins_gap(self, gap, w) -> float:
        from app.ui.basins_dialog import run_basins
        got = []
        ms = gap.measure(lambda: got.append(run_basins(w, 512)), lambda: bool(got))
        if got[0] is None:
            raise RuntimeError("old basins failed")
        return ms

    def export_gap(self, gap, w, path, settings) -> float:
        from app.ui.export_dialog import run_export
        got = []
        return gap.measure(lambda: got.append(run_export(None, w.model.scene, path, settings,
                                                         force=True)), lambda: bool(got))


def _api():
    return _New() if Path(app.__file__).parent.joinpath("ui", "application.py").exists() \
        else _Old()


def _dispose(qapp, w) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


def _shown(api, qapp, scene, size=(1280, 800)):
    w = api.window(scene)
    w.resize(*size)
    w.show()
    wait(lambda: api.idle(w) and api.has_picture(w) and w.view.frames > 0)
    return w


# ---- scenarios ------------------------------------------------------------------------------
def gaps(api, qapp, repeat: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"gap_expression": [], "gap_mesh500": [], "gap_basins": [],
                                   "gap_export": []}
    w = _shown(api, qapp, Scene.from_preset("peaks"))
    gap = GapMeter()
    run_loop(300)
    for i in range(repeat):
        # (a) 49 nested sin; a different constant each time (no cache can answer)
        text = NESTED.replace("x+y", f"x+y+0.00{i + 1}")
        out["gap_expression"].append(gap.measure(lambda t=text: api.set_expression(w, t),
                                                 lambda: api.idle(w)))
    api.set_expression(w, "x^2 + y^2")
    wait(lambda: api.idle(w))
    for _ in range(repeat):
        # (b) 150² → 500² (back to 150 unmeasured)
        out["gap_mesh500"].append(gap.measure(lambda: w.model.update(resolution=500),
                                              lambda: api.idle(w)))
        w.model.update(resolution=150)
        wait(lambda: api.idle(w))
    w.model.load_preset("bowl")      # 512² basins of peaks take minutes (see report)
    wait(lambda: api.idle(w))
    for _ in range(repeat):
        out["gap_basins"].append(api.basins_gap(gap, w))
        run_loop(100)
    try:
        from app.core.animation import AnimationSettings
    except ModuleNotFoundError:                          # the old tree
        from app.ui.frames import AnimationSettings
    settings = AnimationSettings(size=(640, 360), fps=30.0, frames=60)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            out["gap_export"].append(api.export_gap(gap, w, str(Path(tmp) / f"e{i}.gif"),
                                                    settings))
            run_loop(100)
    _dispose(qapp, w)
    return out


def _spread(n: int) -> list[tuple[float, float]]:
    """n starts spread over [-2.5, 2.5]² (a 2-D golden-ratio sequence: no two alike)."""
    g = 1.32471795724474602596
    a1, a2 = 1 / g, 1 / g**2
    return [(-2.5 + 5 * ((0.5 + a1 * (i + 1)) % 1), -2.5 + 5 * ((0.5 + a2 * (i + 1)) % 1))
            for i in range(n)]


def walker_fps(api, qapp, counts, seconds: float = 1.0, windows: int = 3) -> dict[str, list]:
    out: dict[str, list] = {}
    base = Scene.from_preset("peaks", max_steps=500, speed=8.0, stop_outside=False)
    for n in counts:
        ws = [Walker("gradient", 0.004, (), s, WALKER_COLORS[i % len(WALKER_COLORS)])
              for i, s in enumerate(_spread(n))]
        w = _shown(api, qapp, api.with_walkers(base, ws))
        w.model.play()
        run_loop(500)                                    # warm up
        fps = []
        for _ in range(windows):
            f0, t0 = w.view.frames, time.perf_counter()
            run_loop(int(seconds * 1000))
            fps.append((w.view.frames - f0) / (time.perf_counter() - t0))
        if not w.model.playing:
            raise RuntimeError(f"{n} walkers: playback ended during the count")
        w.model.pause()
        out[f"fps_{n}"] = fps
        _dispose(qapp, w)
    return out


def expression_edit(api, qapp, repeat: int) -> dict[str, list[float]]:
    """set_expression → surface_ready → the next frame_drawn, at resolution 500."""
    w = _shown(api, qapp, Scene.from_preset("peaks", resolution=500))
    run_loop(300)
    times = []
    for i in range(repeat + 1):
        state = {"surface": False, "t": None}
        f_at = {}

        def on_surface(state=state) -> None:
            state["surface"] = True

        def on_frame(state=state, f_at=f_at) -> None:
            if state["surface"] and state["t"] is None:
                state["t"] = time.perf_counter()
                f_at["frames"] = w.view.frames

        w.view.surface_ready.connect(on_surface)
        w.view.frame_drawn.connect(on_frame)
        t0 = [0.0]

        def kick(text=EDITS[i % 2], t0=t0) -> None:
            t0[0] = time.perf_counter()
            api.set_expression(w, text)

        wait(lambda state=state: state["t"] is not None, kick)
        w.view.surface_ready.disconnect(on_surface)
        w.view.frame_drawn.disconnect(on_frame)
        if i:                                   # the first one warms up
            times.append((state["t"] - t0[0]) * 1e3)
        wait(lambda: api.idle(w))
        run_loop(150)
    _dispose(qapp, w)
    return {"edit500": times}


def main() -> int:
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else \
        ["gap", "walkers", "edit"]
    api = _api()
    qapp = api.application()
    result: dict[str, list] = {"tree": [str(Path(app.__file__).parent.parent)]}
    if "gap" in only:
        result.update(gaps(api, qapp, repeat=3))
    if "walkers" in only:
        result.update(walker_fps(api, qapp, (1, 5, 20, 100)))
    if "edit" in only:
        result.update(expression_edit(api, qapp, repeat=5))
    print(json.dumps({k: v if not isinstance(v, float) or math.isfinite(v) else None
                      for k, v in result.items()}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
