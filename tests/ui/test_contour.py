"""The contour map: click/drag sets the start (checked against the plot's view → data
mapping), the preview while dragging, hover shows f, iso-lines and image where the samples
are, the overlay image, every walker drawn, and the three views agreeing on the start."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

NONE = Qt.KeyboardModifier.NoModifier


def settle(m) -> None:
    """Let the map paint once: pyqtgraph sizes the axes from their first painted tick labels,
    which moves the plot area (and so the pixel ↔ data mapping) by a few pixels."""
    for _ in range(3):
        m.grab()
        QApplication.processEvents()


def widget_pos(m, x, y) -> QPointF:
    """Where the data point (x, y) is on the map's viewport widget."""
    return QPointF(m.mapFromScene(m.box.mapViewToScene(QPointF(x, y))))


def data_pos(m, pos: QPointF) -> tuple[float, float]:
    p = m.box.mapSceneToView(m.mapToScene(pos.toPoint()))
    return p.x(), p.y()


def pixel_size(m) -> float:
    """Data units per screen pixel on the map (the aspect is locked: one number)."""
    (x0, x1), _ = m.box.viewRange()
    return (x1 - x0) / m.box.width()


def send(widget, kind, pos, buttons):
    """A real mouse event. pyqtgraph drops moves closer than 10 ms to the previous one
    (mouseRateLimit = 100/s): space them like a hand would."""
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else \
        Qt.MouseButton.LeftButton
    if kind == QEvent.Type.MouseMove:
        time.sleep(0.012)
    ev = QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos.toPoint())), button, buttons,
                     NONE)
    QApplication.sendEvent(widget, ev)
    QApplication.processEvents()


def test_pick_method_previews_sets_and_clamps(make_window):
    w = make_window("himmelblau")
    m = w.map
    m.pick(3.5, -1.5, final=False)       # what a drag in progress does
    assert len(m.preview.getData()[0]) > 1
    assert m.preview_start.getData()[0][0] == pytest.approx(3.5)
    assert w.model.scene.start == (-0.5, -0.5)
    m.pick(3.5, -1.5, final=True)
    assert w.model.scene.start == pytest.approx((3.5, -1.5))
    assert len(m.preview.getData()[0] if m.preview.getData()[0] is not None else []) == 0
    assert (w.panel.start_x.value(), w.panel.start_y.value()) == pytest.approx((3.5, -1.5))
    assert m.start.getData()[0][0] == pytest.approx(3.5)   # the map's start marker follows
    m.pick(99.0, -99.0, final=True)      # off the map: clamped into the domain
    assert w.model.scene.start == pytest.approx((5.0, -5.0))


def test_real_click_sets_the_start(make_window, qtbot):
    w = make_window("bowl")
    m = w.map
    settle(m)
    w.model.seek(4.0)
    pos = widget_pos(m, 0.7, -0.9).toPoint()
    expected = data_pos(m, QPointF(pos))     # the plot's own view → data mapping
    qtbot.mouseClick(m.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    sx, sy = w.model.scene.start
    assert (sx, sy) == pytest.approx(expected, abs=1e-9)
    assert abs(sx - 0.7) < pixel_size(m) and abs(sy + 0.9) < pixel_size(m)
    assert w.model.position == 0.0


def test_real_drag_previews_then_sets_the_start_on_release(make_window):
    w = make_window("himmelblau")
    m, vp = w.map, w.map.viewport()
    settle(m)
    before = w.model.scene.start
    held = Qt.MouseButton.LeftButton
    points = [widget_pos(m, x, y) for x, y in [(1.0, 1.0), (1.5, 0.5), (2.0, -0.5),
                                               (2.5, -1.5)]]
    send(vp, QEvent.Type.MouseButtonPress, points[0], held)
    shown = []
    for p in points[1:]:
        send(vp, QEvent.Type.MouseMove, p, held)
        xs, ys = m.preview.getData()
        shown.append((xs[0], ys[0]))
        assert w.model.scene.start == before     # only a preview while dragging
        assert w.picker.preview.visible()        # the 3D view previews the path too
    # each preview starts under the cursor (pyqtgraph reports the drag from the first move)
    for (x, y), p in zip(shown, points[1:], strict=True):
        assert (x, y) == pytest.approx(data_pos(m, p), abs=pixel_size(m))
    send(vp, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)
    sx, sy = w.model.scene.start
    assert (sx, sy) == pytest.approx((2.5, -1.5), abs=pixel_size(m))
    xs, _ = m.preview.getData()
    assert xs is None or len(xs) == 0
    assert not w.picker.preview.visible()
    assert w.model.position == 0.0
    assert w.model.trajectory.points[0] == pytest.approx([sx, sy])


def test_right_drag_pans_and_does_not_pick(make_window):
    w = make_window("bowl")
    m, vp = w.map, w.map.viewport()
    settle(m)
    before, view_range = w.model.scene.start, m.box.viewRange()
    a, b = widget_pos(m, 0.0, 0.0), widget_pos(m, 1.0, 1.0)
    for kind, pos, buttons in ((QEvent.Type.MouseButtonPress, a, Qt.MouseButton.RightButton),
                               (QEvent.Type.MouseMove, (a + b) / 2, Qt.MouseButton.RightButton),
                               (QEvent.Type.MouseMove, b, Qt.MouseButton.RightButton),
                               (QEvent.Type.MouseButtonRelease, b, Qt.MouseButton.NoButton)):
        button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else \
            Qt.MouseButton.RightButton
        ev = QMouseEvent(kind, pos, QPointF(vp.mapToGlobal(pos.toPoint())), button, buttons,
                         NONE)
        time.sleep(0.012)
        QApplication.sendEvent(vp, ev)
        QApplication.processEvents()
    assert w.model.scene.start == before
    assert m.box.viewRange() != view_range


def test_hover_shows_x_y_and_f_in_the_status_bar(make_window):
    w = make_window("himmelblau")
    m, vp = w.map, w.map.viewport()
    settle(m)
    pos = widget_pos(m, 1.0, 2.0)
    send(vp, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton)
    x, y = data_pos(m, pos)
    text = w.hover.text()
    assert text.startswith("x=") and " y=" in text and "f=" in text
    f_shown = float(text.split("f=")[1])
    assert f_shown == pytest.approx(float(w.model.func.value(x, y)), rel=1e-4)
    send(vp, QEvent.Type.MouseMove, widget_pos(m, 30.0, 0.0), Qt.MouseButton.NoButton)
    assert w.hover.text() == ""                # outside the domain


def test_hover_in_a_hole_says_undefined(make_window):
    w = make_window("bowl")
    assert w.model.set_expression("log(x)")
    texts = []
    w.map.hover_text.connect(texts.append)
    w.map._on_mouse_moved(w.map.box.mapViewToScene(QPointF(-1.0, 0.5)))
    assert texts[-1].endswith("f=undefined")


def _iso_points(m, iso) -> np.ndarray:
    """The iso-curve's vertices in data coordinates."""
    iso.generatePath()
    path, tr = iso.path, iso.transform()
    pts = [tr.map(QPointF(path.elementAt(i).x, path.elementAt(i).y))
           for i in range(path.elementCount())]
    return np.array([[p.x(), p.y()] for p in pts])


def test_isolines_lie_where_f_equals_their_level(make_window):
    w = make_window("bowl")                        # f = x² + y²: iso-lines are circles
    m = w.map
    for iso in m.isos[::3]:
        pts = _iso_points(m, iso)
        assert len(pts) > 20
        r = np.hypot(pts[:, 0], pts[:, 1])
        # marching squares interpolates linearly between samples: exact up to O(h²)
        assert np.abs(r**2 - iso.level).max() < 0.01 * iso.level + 0.01, iso.level


def test_heat_map_pixels_sit_on_the_grid_samples(make_window):
    w = make_window("bowl")
    m = w.map
    (x0, x1), (y0, y1) = w.model.scene.domain
    img = m.image.image
    n = img.shape[0]
    tr = m.image.transform()
    c0 = tr.map(QPointF(0.5, 0.5))                 # centre of pixel (0, 0)
    c1 = tr.map(QPointF(n - 0.5, img.shape[1] - 0.5))
    assert (c0.x(), c0.y(), c1.x(), c1.y()) == pytest.approx((x0, y0, x1, y1))
    # the minimum of x² + y² is the darkest/lowest colour: at the middle pixel
    lum = img[..., :3].astype(int).sum(-1)
    i, j = np.unravel_index(np.argmin(lum), lum.shape)
    centre = tr.map(QPointF(i + 0.5, j + 0.5))
    assert abs(centre.x()) < 0.1 and abs(centre.y()) < 0.1


def test_overlay_image_covers_the_domain_and_none_restores(make_window):
    w = make_window("himmelblau")
    m = w.map
    heat = m.image.image.copy()
    (x0, x1), (y0, y1) = w.model.scene.domain
    rgb = np.zeros((32, 24, 3), np.uint8)
    rgb[:16] = (255, 0, 0)                          # x < middle: red (x-major like the grid)
    m.set_overlay_image(rgb)
    assert m.image.image.shape[:2] == (32, 24)
    tr = m.image.transform()
    c0, c1 = tr.map(QPointF(0.5, 0.5)), tr.map(QPointF(31.5, 23.5))
    assert (c0.x(), c0.y(), c1.x(), c1.y()) == pytest.approx((x0, y0, x1, y1))
    assert tr.map(QPointF(15.5, 0)).x() < 0 < tr.map(QPointF(16.5, 0)).x()
    iso_before = _iso_points(m, m.isos[4])
    m.set_overlay_image(None)
    assert np.array_equal(m.image.image, heat)
    assert np.allclose(_iso_points(m, m.isos[4]), iso_before)   # the iso-lines never moved
    with pytest.raises(ValueError):
        m.set_overlay_image(np.zeros((8, 8)))


def test_overlay_is_dropped_when_the_function_changes(make_window):
    w = make_window("himmelblau")
    m = w.map
    m.set_overlay_image(np.full((16, 16, 3), 200, np.uint8))
    w.model.update(cmap="viridis")                   # same function: the overlay stays
    assert m._overlay is not None
    w.model.set_expression("x^2 + 2y^2")
    assert m._overlay is None and m.image.image.shape[:2] == m._rgb.shape[:2]


def test_every_walker_is_drawn(make_window):
    w = make_window("himmelblau")
    w.walkers.compare()
    n = len(w.model.trajectories)
    assert n >= 3
    w.model.seek(float(w.model.end))
    w.map.update_position(w.model.position)
    trails = [w.map.trail] + [w.map._extra[2 * i] for i in range(n - 1)]
    for traj, trail in zip(w.model.trajectories, trails, strict=True):
        xs, ys = trail.getData()
        assert (xs[0], ys[0]) == pytest.approx(tuple(traj.points[0]))
        assert (xs[-1], ys[-1]) == pytest.approx(tuple(traj.points[-1]))


def test_the_three_views_agree_on_the_start(make_window):
    w = make_window("himmelblau")
    w.panel.start_x.setValue(1.25)
    w.panel.start_y.setValue(-2.0)
    assert w.model.scene.start == pytest.approx((1.25, -2.0))
    xs, ys = w.map.start.getData()
    assert (xs[0], ys[0]) == pytest.approx((1.25, -2.0))
    c = w.view.start_ball.transform().column(3)
    assert (c.x(), c.y()) == pytest.approx((1.25, -2.0))
    w.map.pick(-3.0, 2.5, final=True)
    assert (w.panel.start_x.value(), w.panel.start_y.value()) == pytest.approx((-3.0, 2.5))
    c = w.view.start_ball.transform().column(3)
    assert (c.x(), c.y()) == pytest.approx((-3.0, 2.5))
