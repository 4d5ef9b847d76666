"""A soak of the real window (not part of ``make test``; run under a display):

    xvfb-run -a -s "-screen 0 1920x1200x24 +extension GLX +render" \\
        .venv/bin/python -m bench.soak [--minutes 10] [--edits 500] [--basins 30]

For ``--minutes`` the walkers play (started again whenever they stop) while ``--edits``
expressions are typed (1-D and 2-D, some invalid) and ``--basins`` basins runs at
``--resolution``² are made, each spread evenly over the time. The process's resident memory
(/proc/self/statm) is sampled every ``--sample`` seconds, with the Qt objects under the
window, the top-level widgets and Python's objects. It prints the first, last and largest
RSS, the slope over the second half, and the verdict: "memory flat" when the second half grew
less than ``--flat`` %. ``--trace`` adds tracemalloc's largest growths over the second half.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

EXPRESSIONS = ["x^2 + 3y^2", "sin(x)*cos(y)", "x^4 - 3x^2 + x", "(1-x)^2 + 100(y-x^2)^2",
               "x^2 + y^2 +", "exp(-x^2-y^2) - 0.5exp(-(x-1)^2-(y-1)^2)", "abs(x) + y^2",
               "sin(3x) + x^2/4", "x^2 - y^2", "log(x) + y^2", "1/0", "x*y"]
PAGE = os.sysconf("SC_PAGE_SIZE")
WARM_S = 15.0          # start-up is over (objects frozen, caches warm): the baseline of types


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


@dataclass
class Samples:
    t: list[float] = field(default_factory=list)          # seconds since the start
    rss: list[float] = field(default_factory=list)        # MB
    qt: list[int] = field(default_factory=list)           # QObjects under the window
    tops: list[int] = field(default_factory=list)         # top-level widgets
    py: list[int] = field(default_factory=list)           # objects the GC tracks

    def second_half(self) -> tuple[float, float]:
        """Slope (MB per minute, least squares) and growth (% of the RSS at the half)."""
        t, r = np.array(self.t), np.array(self.rss)
        half = t >= t[-1] / 2
        if half.sum() < 2:
            return 0.0, 0.0
        slope, at0 = np.polyfit(t[half] / 60.0, r[half], 1)
        minutes = (t[half][-1] - t[half][0]) / 60.0
        start = at0 + slope * t[half][0] / 60.0
        return float(slope), float(100.0 * slope * minutes / start)


class Soak:
    """Drives the window from timers; ``run`` returns the samples."""

    def __init__(self, window, args: argparse.Namespace) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        self.w, self.args = window, args
        self.m = window.model
        self.loop = QEventLoop()
        self.samples = Samples()
        self.edits = self.basins_started = self.basins_done = self.plays = 0
        self.began = time.perf_counter()
        seconds = args.minutes * 60.0
        self.timers = []
        for ms, slot in ((1000, self._on_play_timer),
                         (seconds * 1000 / max(1, args.edits) / 1.25, self._on_edit_timer),
                         (seconds * 1000 / max(1, args.basins), self._on_basins_timer),
                         (args.sample * 1000, self._on_sample_timer)):
            timer = QTimer()
            timer.setInterval(max(1, round(ms)))
            timer.timeout.connect(slot)
            self.timers.append(timer)
        QTimer.singleShot(round(seconds * 1000), self.loop.quit)
        self.m.basins_changed.connect(self._on_model_basins_changed)

    def qt_classes(self) -> Counter[str]:
        """How many QObjects of each class live under the window."""
        from PySide6.QtCore import QObject

        return Counter(type(o).__name__ for o in self.w.findChildren(QObject))

    @staticmethod
    def py_types() -> Counter[str]:
        """How many objects of each type the GC tracks (after a full collection)."""
        gc.collect()
        return Counter(type(o).__name__ for o in gc.get_objects())

    def run(self) -> Samples:
        self.classes_before = self.qt_classes()
        self.types_before: Counter[str] | None = None
        self._on_sample_timer()
        for timer in self.timers:
            timer.start()
        self.m.play()
        self.loop.exec()
        for timer in self.timers:
            timer.stop()
        self.m.pause()
        self._on_sample_timer()
        return self.samples

    def _on_play_timer(self) -> None:
        if not self.m.playing and self.m.walks is not None:
            self.m.play()                 # from the start again when it had ended
            self.plays += 1

    def _on_edit_timer(self) -> None:
        if self.edits >= self.args.edits or self.w.basins_run.running:
            return                        # (a new function would drop the basins run)
        edit = self.w.panel.expr_edit
        edit.setText(EXPRESSIONS[self.edits % len(EXPRESSIONS)])
        edit.returnPressed.emit()
        self.edits += 1

    def _on_basins_timer(self) -> None:
        run = self.w.basins_run
        if self.basins_started >= self.args.basins or run.running:
            return
        if run.result_dialog is not None:
            run.result_dialog.close()     # the user closes the last one's list
        run.start(self.args.resolution)
        self.basins_started += 1

    def _on_model_basins_changed(self, result) -> None:
        self.basins_done += result is not None

    def _on_sample_timer(self) -> None:
        from PySide6.QtCore import QObject
        from PySide6.QtWidgets import QApplication

        s = self.samples
        s.t.append(time.perf_counter() - self.began)
        s.rss.append(rss_mb())
        s.qt.append(len(self.w.findChildren(QObject)))
        s.tops.append(len(QApplication.topLevelWidgets()))
        s.py.append(len(gc.get_objects()))
        if self.args.verbose:
            print(f"{s.t[-1]:7.1f} s  RSS {s.rss[-1]:7.1f} MB  Qt {s.qt[-1]}  top-level "
                  f"{s.tops[-1]}  Python {s.py[-1]}  edits {self.edits}  basins "
                  f"{self.basins_done}/{self.basins_started}", flush=True)
        if self.types_before is None and s.t[-1] >= WARM_S:      # (start-up objects frozen)
            self.types_before = self.py_types()
        if self.args.trace and len(s.t) >= 2 and s.t[-1] >= self.args.minutes * 30 \
                and not hasattr(self, "half_snapshot"):
            self.half_snapshot = tracemalloc.take_snapshot()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--edits", type=int, default=500)
    p.add_argument("--basins", type=int, default=30)
    p.add_argument("--resolution", type=int, default=64, help="basins: starts per side")
    p.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    p.add_argument("--flat", type=float, default=5.0, help="%% growth that is still flat")
    p.add_argument("--trace", action="store_true", help="tracemalloc's top growths")
    p.add_argument("--verbose", "-v", action="store_true", help="print every sample")
    return p.parse_args(argv)


def report(soak: Soak, args: argparse.Namespace) -> bool:
    s = soak.samples
    slope, growth = s.second_half()
    print(f"soak: {s.t[-1] / 60:.1f} min, {soak.edits} expression edits, "
          f"{soak.basins_done}/{soak.basins_started} basins runs at {args.resolution}² "
          f"finished, {soak.plays} plays")
    print(f"RSS MB: first {s.rss[0]:.1f}, last {s.rss[-1]:.1f}, max {max(s.rss):.1f}; "
          f"second half {slope:+.2f} MB/min ({growth:+.1f} %)")
    print(f"objects first → last: Qt under the window {s.qt[0]} → {s.qt[-1]}, top-level "
          f"widgets {s.tops[0]} → {s.tops[-1]}, Python {s.py[0]} → {s.py[-1]}")
    grew = soak.qt_classes()
    grew.subtract(soak.classes_before)
    more = ", ".join(f"{name} +{n}" for name, n in grew.most_common(6) if n > 0)
    print(f"Qt classes that grew: {more or 'none'}")
    if soak.types_before is not None:
        types = soak.py_types()
        types.subtract(soak.types_before)
        more = ", ".join(f"{name} +{n}" for name, n in types.most_common(8) if n > 0)
        print(f"Python types that grew after {WARM_S:.0f} s: {more or 'none'}")
    half = getattr(soak, "half_snapshot", None)
    if half is not None:
        for stat in tracemalloc.take_snapshot().compare_to(half, "lineno")[:10]:
            print(f"  {stat}")
    flat = growth < args.flat
    print("memory flat" if flat else f"memory grows ({growth:+.1f} % over the second half)")
    return flat


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.trace:
        tracemalloc.start(8)
    from app.core.scene import Scene
    from app.ui.application import application, wait_for, window_ready
    from app.ui.main_window import MainWindow

    app = application()
    w = MainWindow(Scene.from_preset("peaks", speed=40.0), remember=False)
    w.resize(1280, 800)
    w.show()
    if not wait_for(lambda: window_ready(w), [w.model.busy_changed, w.view.surface_ready]):
        print("the window did not get ready", file=sys.stderr)
        return 2
    soak = Soak(w, args)
    soak.run()
    flat = report(soak, args)
    w.close()
    w.deleteLater()
    app.processEvents()
    return 0 if flat else 1


if __name__ == "__main__":
    raise SystemExit(main())
