"""The bugs the random-action test found, each pinned down by its shortest reproduction."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, Qt

from app.ui import jobs
from tests.ui.conftest import settle
from tests.ui.faults import recording_faults


def test_undo_of_an_added_walker_moves_the_selection_back(make_window, qtbot):
    """Add two walkers (the last is selected), Ctrl+Z: the selection was left on a walker
    that no longer existed and the next start typed in the panel raised IndexError (in
    the slot)."""
    w = make_window("bowl")
    m = w.model
    seen: list[int] = []
    m.selection_changed.connect(seen.append)
    w.walkers.add_button.click()
    w.walkers.add_button.click()                    # (one gesture: one undo removes both)
    assert m.selected == 2 and len(m.scene.walkers) == 3
    with recording_faults() as faults:
        w.undo_action.trigger()
        w.panel.start_x.setValue(0.5)
        w.panel.start_y.setValue(-0.5)
        settle(qtbot, w)
    assert not faults, faults.report()
    assert len(m.scene.walkers) == 1 and m.selected == 0 and seen[-1] == 0
    assert m.scene.walkers[0].start == (0.5, -0.5)
    assert w.walkers.table.rowCount() == 1 and w.panel.start_x.value() == 0.5


@pytest.fixture
def held_map(monkeypatch):
    """An Event: while it is clear (``held_map.clear()``), the map's next pictures wait until
    it is set again (or 10 s) — the moment between a new function and its picture, as long
    as a test needs it."""
    gate = threading.Event()
    gate.set()
    compute = jobs.map_picture

    def held(*args):
        gate.wait(10.0)
        return compute(*args)

    monkeypatch.setattr(jobs, "map_picture", held)
    yield gate
    gate.set()


def _type(w, qtbot, text: str) -> None:
    w.panel.expr_edit.setText(text)
    qtbot.keyClick(w.panel.expr_edit, Qt.Key.Key_Return)


def test_the_mouse_over_the_map_while_a_2d_function_replaces_a_1d_one(make_window, qtbot,
                                                                     held_map):
    """The hover readout evaluated the new f(x, y) on the old 1-D picture's x alone
    (TypeError in MapView._on_scene_mouse_moved) until the new picture came."""
    w = make_window("parabola")
    vp = w.map.viewport()
    centre = QPoint(vp.width() // 2, vp.height() // 2)
    qtbot.mouseMove(vp, centre)
    texts: list[str] = []
    w.map.hover_text.connect(texts.append)
    held_map.clear()
    with recording_faults() as faults:
        _type(w, qtbot, "x^2 + y^2")
        qtbot.waitUntil(lambda: w.model.func.dim == 2, timeout=10_000)
        assert len(w.map.picture.domain) == 1                   # the old picture, still
        qtbot.mouseMove(vp, centre + QPoint(3, 2))
        assert texts[-1] == ""                                  # no readout for a moment
        held_map.set()
        settle(qtbot, w)
        qtbot.waitUntil(lambda: len(w.map.picture.domain) == 2, timeout=10_000)
        qtbot.mouseMove(vp, centre)
    assert not faults, faults.report()
    assert texts[-1].startswith("x=") and " y=" in texts[-1]     # the readout is back


def test_a_click_on_the_last_function_s_map_does_not_move_the_start(make_window, qtbot,
                                                                   held_map):
    """A click on the map still showing the 1-D picture of the last function gave a 1-D
    start to the new 2-D scene (refused with an error the user did not cause); it is
    dropped until the new picture is in."""
    w = make_window("parabola")
    vp = w.map.viewport()
    click = QPoint(vp.width() // 3, vp.height() // 2)
    errors: list[str] = []
    w.model.scene_error.connect(lambda text: errors.append(text) if text else None)
    held_map.clear()
    with recording_faults() as faults:
        _type(w, qtbot, "x^2 + y^2")
        qtbot.waitUntil(lambda: w.model.func.dim == 2, timeout=10_000)
        start = w.model.scene.walkers[0].start
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=click)
        qtbot.wait(50)
        assert errors == [] and w.model.scene.walkers[0].start == start
        held_map.set()
        qtbot.waitUntil(lambda: len(w.map.picture.domain) == 2, timeout=10_000)
        settle(qtbot, w)
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=click)   # on the new map: it moves
        qtbot.waitUntil(lambda: w.model.scene.walkers[0].start != start, timeout=5_000)
    assert not faults, faults.report()
    assert errors == [] and len(w.model.scene.walkers[0].start) == 2


def test_presenting_follows_an_undo_to_a_function_of_another_dimension(make_window, qtbot):
    """In presentation mode the picture alone is shown: the curve for f(x), the mountain for
    f(x, y) — also after Ctrl+Z changes which one it is."""
    w = make_window("bowl")
    w.model.load_preset("double_well")
    qtbot.waitUntil(lambda: w.model.scene.dim == 1, timeout=10_000)
    settle(qtbot, w)
    w.presentation_action.trigger()
    assert w.curve_view.isVisible() and not w.view.isVisible()
    with recording_faults() as faults:
        w.undo_action.trigger()
        qtbot.waitUntil(lambda: w.model.scene.dim == 2, timeout=10_000)
        settle(qtbot, w)
    assert w.view.isVisible() and not w.curve_view.isVisible()
    w.presentation_action.trigger()
    assert not faults, faults.report()
    assert w.view.isVisible() and not w.curve_view.isVisible() and w.dock.isVisible()
