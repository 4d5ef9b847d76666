"""Drag to pick the start: Shift-drag on the real GL widget with real mouse events, plain
drag still orbits, and the contour map's click/drag and hover."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.core.picking import project


def _send(widget, kind, pos, buttons, modifiers=Qt.KeyboardModifier.NoModifier):
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else \
        Qt.MouseButton.NoButton
    global_pos = widget.mapToGlobal(pos.toPoint())
    ev = QMouseEvent(kind, pos, QPointF(global_pos), button, buttons, modifiers)
    QApplication.sendEvent(widget, ev)
    QApplication.processEvents()


def _drag(widget, points, modifiers=Qt.KeyboardModifier.NoModifier):
    held = Qt.MouseButton.LeftButton
    _send(widget, QEvent.Type.MouseButtonPress, points[0], held, modifiers)
    for p in points[1:]:
        _send(widget, QEvent.Type.MouseMove, p, held, modifiers)
    _send(widget, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton,
          modifiers)


def _pixel_of(window, x, y):
    """Where the surface point above (x, y) appears, from the view's own matrices."""
    view = window.view
    z = float(view.mesh.vscale.to_display(window.model.func.value(x, y)))
    mvp, vp = window.picker.matrices()
    px = project(np.array([x, y, z]), mvp, vp)
    assert px is not None
    return QPointF(*px)


def test_shift_drag_moves_the_start_along_the_surface(make_window, qtbot):
    w = make_window("himmelblau", resolution=96)
    view = w.view
    target = (2.2, -1.3)
    path = [_pixel_of(w, x, y) for x, y in [(-1.0, 1.0), (0.5, 0.0), (1.5, -0.8), target]]
    previews, on_map = [], []
    w.picker.preview_changed.connect(previews.append)

    def map_points(_traj) -> None:
        xs = w.map.preview.getData()[0]
        on_map.append(0 if xs is None else len(xs))

    w.picker.preview_changed.connect(map_points)
    azimuth = view.opts["azimuth"]
    _drag(view, path, Qt.KeyboardModifier.ShiftModifier)
    assert view.opts["azimuth"] == azimuth, "a pick must not orbit the camera"
    sx, sy = w.model.scene.start
    # one pixel on screen spans about domain/width world units here
    footprint = 10.0 / view.width() * 4
    assert abs(sx - target[0]) < footprint and abs(sy - target[1]) < footprint
    assert any(p is not None for p in previews) and previews[-1] is None
    assert max(on_map) > 1 and on_map[-1] == 0, "the map shows the preview, then clears it"
    assert w.model.position == 0.0, "the walker is reset to the new start"
    assert (w.panel.start_x.value(), w.panel.start_y.value()) == pytest.approx((sx, sy),
                                                                               abs=1e-4)
    assert w.model.trajectory.points[0] == pytest.approx([sx, sy])


def test_plain_drag_orbits_and_keeps_the_start(make_window):
    w = make_window("peaks")
    view = w.view
    before = w.model.scene.start
    azimuth = view.opts["azimuth"]
    c = QPointF(view.width() / 2, view.height() / 2)
    _drag(view, [c, c + QPointF(40, 0), c + QPointF(90, 10)])
    assert w.model.scene.start == before
    assert view.opts["azimuth"] != azimuth


def test_press_off_the_surface_does_nothing(make_window):
    w = make_window("peaks")
    before = w.model.scene.start
    corner = QPointF(3, 3)
    _drag(w.view, [corner, corner + QPointF(2, 2)], Qt.KeyboardModifier.ShiftModifier)
    assert w.model.scene.start == before


def test_pick_toggle_works_without_shift(make_window):
    w = make_window("bowl")
    w.pick_action.setChecked(True)
    assert w.view.cursor().shape() == Qt.CursorShape.CrossCursor
    target = _pixel_of(w, 0.8, -0.6)
    _drag(w.view, [target])
    assert w.model.scene.start == pytest.approx((0.8, -0.6), abs=0.05)


def test_contour_map_click_drag_and_hover(make_window):
    w = make_window("himmelblau")
    m = w.map
    box = m.box

    def scene_pos(x, y):
        return box.mapViewToScene(QPointF(x, y))

    texts = []
    m.hover_text.connect(texts.append)
    m._on_mouse_moved(scene_pos(1.0, 2.0))
    assert texts and texts[-1].startswith("x=1 y=2") and "f=" in texts[-1]
    m.pick(3.5, -1.5, final=False)       # what a drag in progress does
    assert len(m.preview.getData()[0]) > 1
    m.pick(3.5, -1.5, final=True)
    assert w.model.scene.start == pytest.approx((3.5, -1.5))
    assert (w.panel.start_x.value(), w.panel.start_y.value()) == pytest.approx((3.5, -1.5))
    assert m.start.getData()[0][0] == pytest.approx(3.5)   # the map's start marker follows
    m.pick(99.0, -99.0, final=True)      # off the map: clamped into the domain
    assert w.model.scene.start == pytest.approx((5.0, -5.0))


def test_contour_map_real_click(make_window, qtbot):
    w = make_window("bowl")
    m = w.map
    vp = m.viewport()
    pt = m.mapFromScene(m.box.mapViewToScene(QPointF(0.7, -0.9)))
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pt)
    sx, sy = w.model.scene.start
    px = 4.0 / m.box.width()
    assert abs(sx - 0.7) < 3 * px and abs(sy + 0.9) < 3 * px
