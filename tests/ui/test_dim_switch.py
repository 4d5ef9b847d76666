"""Switching between a function of x and one of x and y while the walker plays — typed, as
a preset or by File → Open — raises nothing in any slot and prints no Qt warning."""

from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer

from app.core.presets import presets
from app.core.scene_file import load_scene
from app.ui.dialogs.scene_actions import open_from
from tests.ui.conftest import settle
from tests.ui.faults import recording_faults

ROUNDS = 24
SCENES = "resources/scenes/"


def _wander(w, qtbot, rng: random.Random) -> None:
    """The mouse moves over the map or the 1-D curve (their hover readouts)."""
    view = rng.choice([w.map, w.curve_view])
    if view.isVisible():
        vp = view.viewport()
        qtbot.mouseMove(vp, QPoint(rng.randrange(max(1, vp.width())),
                                   rng.randrange(max(1, vp.height()))))


def _play_and_switch(w, qtbot, switch, choices: list, seed: int) -> None:
    """Play, switch, let a random bit of time pass (results land mid-way) while the mouse
    moves over the map, many times; step arrows and curvature axes are shown."""
    rng = random.Random(seed)
    w.step_parts_action.trigger()
    w.curvature_axes_action.trigger()
    # the mouse moves right after each value arrives (a real event never comes inside a slot)
    wander = lambda _value: QTimer.singleShot(0, lambda: _wander(w, qtbot, rng))  # noqa: E731
    for signal in (w.model.function_changed, w.model.scene_changed, w.model.walks_changed):
        signal.connect(wander)
    playing = []
    with recording_faults() as faults:
        for i in range(ROUNDS):
            w.model.play()
            qtbot.wait(rng.choice([0, 5, 20, 60]))
            _wander(w, qtbot, rng)
            playing.append(w.model.playing)
            switch(choices[i % len(choices)])
            qtbot.wait(rng.choice([0, 5, 20, 60, 150]))
            _wander(w, qtbot, rng)
            if i % 6 == 5:
                settle(qtbot, w)
        w.model.play()
        settle(qtbot, w)
        qtbot.wait(100)
        w.model.pause()
    assert not faults, faults.report()
    assert sum(playing) >= ROUNDS // 2                  # most switches came mid-walk
    m = w.model
    assert m.func.dim == m.scene.dim == len(m.walks.trajectories[0].points[0])
    assert w.view.picture.dim == m.scene.dim and w.map.picture.domain == m.scene.domain
    assert np.isfinite(w.view.walkers.centres).all()


def test_typing_a_1d_then_a_2d_function_while_playing(make_window, qtbot):
    w = make_window("bowl", speed=60.0)
    edit = w.panel.expr_edit

    def type_it(text: str) -> None:
        edit.setText(text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    _play_and_switch(w, qtbot, type_it, ["x^4 - 3x^2 + x", "x^2 + y^2", "x^2", "sin(x)*cos(y)"],
                     seed=1)
    assert w.model.scene.expression == "sin(x)*cos(y)" and w.model.scene.dim == 2


def test_choosing_1d_and_2d_presets_while_playing(make_window, qtbot):
    w = make_window("peaks", speed=60.0)
    combo = w.panel.preset_combo

    def choose(name: str) -> None:
        combo.setCurrentIndex(combo.findData(name))
        combo.activated.emit(combo.currentIndex())

    names = ["parabola", "himmelblau", "double_well", "peaks", "bowl", "double_well"]
    assert {"parabola", "double_well"} <= set(presets())
    _play_and_switch(w, qtbot, choose, names, seed=2)
    assert w.model.scene.preset == "double_well" and w.model.scene.dim == 1


def test_opening_1d_and_2d_scene_files_while_playing(make_window, qtbot):
    w = make_window("peaks", speed=60.0, resolution=40)
    files = [SCENES + "one-dimensional-slope.json", SCENES + "walker-on-the-mountain.json",
             SCENES + "one-dimensional-slope.json", SCENES + "compare-optimisers.json"]
    assert [load_scene(f).scene.dim for f in files] == [1, 2, 1, 2]
    _play_and_switch(w, qtbot, lambda path: open_from(w, path), files, seed=3)
    assert w.model.scene.dim == 2
