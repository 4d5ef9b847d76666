"""Long walks reach the window in pieces: the first steps show within a second or two, the
rest follow while the window stays free, and playback that reaches the steps walked so far
waits for more instead of ending."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from app.core.scene import Scene
from app.core.walks import Walks
from app.ui.model import SceneModel


def long_scene() -> Scene:
    """Rosenbrock with a slow gradient walker: 40,000 steps, every one of them walked."""
    scene = Scene.from_preset("rosenbrock", resolution=40, speed=1000.0)
    w = scene.walkers[0]
    return scene.replace(max_steps=40_000, gtol=1e-12,
                         walkers=[w.replace(rule="gradient", lr=1e-4, params=())])


@pytest.fixture
def model(qtbot):
    m = SceneModel(long_scene())
    yield m
    m.shutdown()


def test_the_first_steps_come_first_and_the_window_stays_free(model, qtbot):
    got: list[tuple[float, Walks]] = []
    finished: list[Walks] = []
    model.finished.connect(finished.append)
    gaps = {"worst": 0.0}
    clock, tick = QElapsedTimer(), QTimer()
    tick.setInterval(10)

    def beat() -> None:
        gaps["worst"] = max(gaps["worst"], clock.restart() / 1000.0)
    tick.timeout.connect(beat)
    t0 = time.perf_counter()
    model.walks_changed.connect(lambda w: got.append((time.perf_counter() - t0, w)))
    clock.start()
    tick.start()
    model.start()
    qtbot.waitUntil(lambda: bool(got), timeout=20_000)
    first_at, first = got[0]
    assert not first.complete and first.walked is not None
    assert first_at < 5.0                       # the goal is ≤ 2 s on a quiet machine
    model.play()                                # plays the steps walked so far, then waits
    qtbot.waitUntil(lambda: got[-1][1].complete, timeout=120_000)
    tick.stop()
    assert [w.walked for _, w in got[:-1]] == sorted(w.walked for _, w in got[:-1])
    assert len(got[-1][1].trajectories[0]) == 40_001
    assert not finished or finished[-1].complete   # the end is announced for whole walks only
    # generous (one stall of 0.3–1.3 s shows at the start on this machine, in the event loop's
    # own code — see the note on issue 14; before the walks came in pieces it was the walk)
    assert gaps["worst"] < 3.0
    model.pause()


def test_playback_waits_at_the_end_of_the_steps_walked_so_far(model, qtbot):
    pieces: list[Walks] = []
    model.walks_changed.connect(pieces.append)
    model.start()
    qtbot.waitUntil(lambda: bool(pieces), timeout=20_000)
    assert not pieces[0].complete
    model.seek(float(model.end))
    model.play()
    qtbot.wait(100)
    assert model.playing and model.position == model.end   # waiting, not finished
    n = len(pieces)
    qtbot.waitUntil(lambda: len(pieces) > n, timeout=60_000)
    qtbot.waitUntil(lambda: model.position > pieces[n - 1].end, timeout=5_000)
    assert model.playing                        # went on into the new steps
    model.pause()
