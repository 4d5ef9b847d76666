"""Scenes at the limits (app/core/limits.py) open in the real window within ~2 s without
blocking it: File → Open (``open_from``) → the first walks drawn, and the event loop's worst
gap from the open until every walk is complete. Run under a display:

    xvfb-run -a -s "-screen 0 1920x1200x24 +extension GLX +render" .venv/bin/python -m bench limits
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from app.core.limits import MAX_RESOLUTION, MAX_STEPS, MAX_TOTAL_STEPS, MAX_WALKERS
from app.core.scene import WALKER_COLORS, Scene, Walker
from app.core.scene_file import save_scene


def limit_scenes() -> dict[str, Scene]:
    """Every walker walks all its steps (tiny η on Rosenbrock, gtol 0)."""
    base = Scene.from_preset("rosenbrock", gtol=0.0, stop_outside=False)
    w = base.walkers[0].replace(rule="gradient", lr=1e-5, params=())

    def many(n: int) -> tuple[Walker, ...]:
        return tuple(w.replace(start=(-1.5 + 3 * i / n, 2.0 - 2 * i / n),
                               color=WALKER_COLORS[i % len(WALKER_COLORS)]) for i in range(n))
    return {
        f"{MAX_WALKERS} walkers × {MAX_TOTAL_STEPS // MAX_WALKERS:,} steps":
            base.replace(walkers=many(MAX_WALKERS), max_steps=MAX_TOTAL_STEPS // MAX_WALKERS),
        f"2 walkers × {MAX_STEPS:,} steps": base.replace(walkers=many(2), max_steps=MAX_STEPS),
        f"mesh {MAX_RESOLUTION}², 5 walkers × 500 steps":
            base.replace(walkers=many(5), max_steps=500, resolution=MAX_RESOLUTION),
    }


def measure(scene: Scene, path: Path) -> tuple[float, float, float]:
    """(seconds to the first walks drawn, seconds to complete walks, worst gap in ms)."""
    from PySide6.QtCore import QEventLoop, QTimer

    from app.ui.dialogs.scene_actions import open_from
    from app.ui.main_window import MainWindow

    w = MainWindow(Scene.from_preset("bowl"), remember=False)
    w.resize(1280, 800)
    w.show()
    loop = QEventLoop()
    _spin(loop, lambda: w.model.ready and not w.model.busy and w.view.frames > 0)
    save_scene(path, scene)
    got: dict[str, float] = {}
    beat = {"last": time.perf_counter(), "worst": 0.0}

    def tick() -> None:
        now = time.perf_counter()
        beat["worst"] = max(beat["worst"], now - beat["last"])
        beat["last"] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)

    def on_walks(walks) -> None:
        if walks.scene.walkers == scene.walkers:
            got.setdefault("first", time.perf_counter())
            if walks.complete:
                got["whole"] = time.perf_counter()
    w.model.walks_changed.connect(on_walks)
    timer.start()
    t0 = beat["last"] = time.perf_counter()
    open_from(w, path)
    _spin(loop, lambda: "whole" in got and not w.model.busy, timeout=300)
    timer.stop()
    w.close()
    w.deleteLater()
    return got["first"] - t0, got["whole"] - t0, (beat["worst"] - 0.010) * 1e3


def _spin(loop, cond, timeout: float = 120) -> None:
    from PySide6.QtCore import QTimer

    end = time.monotonic() + timeout
    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(lambda: (cond() or time.monotonic() > end) and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()


def rows(repeat: int = 3) -> list[tuple[str, float, str]]:
    from app.ui.application import application

    application()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, scene in limit_scenes().items():
            runs = [measure(scene, Path(tmp) / "s.json") for _ in range(repeat)]
            first, whole, gap = (statistics.median(r[i] for r in runs) for i in range(3))
            out += [(f"open {name}: first walks drawn (goal ≤ 2)", first, "s"),
                    (f"open {name}: every walk complete", whole, "s"),
                    (f"open {name}: event-loop worst gap (goal < 100)", gap, "ms")]
    return out
