"""The contour map: click/drag sets the start (checked against the plot's view → data
mapping), the preview while dragging, hover shows f, iso-lines and image where the samples
are, the basins overlay, every walker drawn, and the three views agreeing on the start."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication

from app.core.basins import BasinMap, basin_colors
from app.core.pictures import LEVELS
from tests.ui.conftest import settle
from tests.ui.helpers import walker_centre

NONE = Qt.KeyboardModifier.NoModifier


def paint(m) -> None:
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


def start_of(w) -> tuple[float, ...]:
    """The selected (here: the only) walker's start."""
    return w.model.scene.walkers[w.model.selected].start


def shown(item) -> int:
    """How many points a PlotDataItem / ScatterPlotItem shows."""
    xs = item.getData()[0]
    return 0 if xs is None else len(xs)


def test_pick_method_previews_sets_and_clamps(make_window, qtbot):
    w = make_window("himmelblau")
    m = w.map
    before = start_of(w)
    with qtbot.waitSignal(w.model.preview_changed, timeout=10_000):
        m.pick(3.5, -1.5, final=False)   # what a drag in progress does
    assert shown(m.preview) > 1
    assert m.preview_start.getData()[0][0] == pytest.approx(3.5)
    assert m.preview.getData()[0][0] == pytest.approx(3.5)
    assert start_of(w) == before == (-0.5, -0.5)
    m.pick(3.5, -1.5, final=True)
    settle(qtbot, w)
    assert start_of(w) == pytest.approx((3.5, -1.5))
    assert shown(m.preview) == 0 and shown(m.preview_start) == 0
    assert (w.panel.start_x.value(), w.panel.start_y.value()) == pytest.approx((3.5, -1.5))
    xs, ys = m.starts.getData()                      # the map's start marker follows
    assert (xs[0], ys[0]) == pytest.approx((3.5, -1.5))
    m.pick(99.0, -99.0, final=True)      # off the map: clamped into the domain
    settle(qtbot, w)
    assert start_of(w) == pytest.approx((5.0, -5.0))


def test_real_click_sets_the_start(make_window, qtbot):
    w = make_window("bowl")
    m = w.map
    paint(m)
    w.model.seek(4.0)
    assert w.model.position == 4.0
    pos = widget_pos(m, 0.7, -0.9).toPoint()
    expected = data_pos(m, QPointF(pos))     # the plot's own view → data mapping
    qtbot.mouseClick(m.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    settle(qtbot, w)
    sx, sy = start_of(w)
    assert (sx, sy) == pytest.approx(expected, abs=1e-9)
    assert abs(sx - 0.7) < pixel_size(m) and abs(sy + 0.9) < pixel_size(m)
    assert w.model.position == 0.0


def test_real_drag_previews_then_sets_the_start_on_release(make_window, qtbot):
    w = make_window("himmelblau")
    m, vp = w.map, w.map.viewport()
    paint(m)
    before = start_of(w)
    held = Qt.MouseButton.LeftButton
    points = [widget_pos(m, x, y) for x, y in [(1.0, 1.0), (1.5, 0.5), (2.0, -0.5),
                                               (2.5, -1.5)]]
    send(vp, QEvent.Type.MouseButtonPress, points[0], held)
    previewed = []
    for p in points[1:]:
        # the path is computed in the background: wait for this move's preview
        with qtbot.waitSignal(w.model.preview_changed, timeout=10_000):
            send(vp, QEvent.Type.MouseMove, p, held)
        xs, ys = m.preview.getData()
        previewed.append((xs[0], ys[0]))
        assert len(xs) > 1
        assert start_of(w) == before             # only a preview while dragging
        assert w.picker.preview.visible()        # the 3D view previews the path too
    # each preview starts under the cursor (pyqtgraph reports the drag from the first move)
    for (x, y), p in zip(previewed, points[1:], strict=True):
        assert (x, y) == pytest.approx(data_pos(m, p), abs=pixel_size(m))
    send(vp, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)
    settle(qtbot, w)
    sx, sy = start_of(w)
    assert (sx, sy) == pytest.approx((2.5, -1.5), abs=pixel_size(m))
    assert shown(m.preview) == 0
    assert not w.picker.preview.visible()
    assert w.model.position == 0.0
    assert w.model.walks.trajectories[0].points[0] == pytest.approx([sx, sy])


def test_right_drag_pans_and_does_not_pick(make_window, qtbot):
    w = make_window("bowl")
    m, vp = w.map, w.map.viewport()
    paint(m)
    picked = []
    m.start_picked.connect(lambda start, final: picked.append((start, final)))
    before, view_range = start_of(w), m.box.viewRange()
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
    settle(qtbot, w)
    assert picked == []
    assert start_of(w) == before
    assert m.box.viewRange() != view_range


def test_hover_shows_x_y_and_f_in_the_status_bar(make_window):
    w = make_window("himmelblau")
    m, vp = w.map, w.map.viewport()
    paint(m)
    pos = widget_pos(m, 1.0, 2.0)
    send(vp, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton)
    x, y = data_pos(m, pos)
    text = w.hover.text()
    assert text.startswith("x=") and " y=" in text and "f=" in text
    f_shown = float(text.split("f=")[1])
    assert f_shown == pytest.approx(float(w.model.func.value(x, y)), rel=1e-4)
    send(vp, QEvent.Type.MouseMove, widget_pos(m, 30.0, 0.0), Qt.MouseButton.NoButton)
    assert w.hover.text() == ""                # outside the domain


def test_hover_in_a_hole_says_undefined(make_window, qtbot):
    w = make_window("bowl")
    with qtbot.waitSignal(w.model.function_changed, timeout=10_000):
        w.model.set_expression("log(x)")
    settle(qtbot, w)
    assert w.model.scene.expression == "log(x)"
    m, vp = w.map, w.map.viewport()
    paint(m)
    texts = []
    m.hover_text.connect(texts.append)
    send(vp, QEvent.Type.MouseMove, widget_pos(m, -1.0, 0.5), Qt.MouseButton.NoButton)
    assert texts and texts[-1].endswith("f=undefined")
    assert w.hover.text().endswith("f=undefined")
    pos = widget_pos(m, 1.0, 0.5)                  # defined again right of the hole
    send(vp, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton)
    x, _ = data_pos(m, pos)
    assert float(texts[-1].split("f=")[1]) == pytest.approx(np.log(x), abs=1e-4)


def _iso_levels(m) -> np.ndarray:
    """The levels of the picture's iso-lines: evenly between its lowest and highest value."""
    lo, hi = m.picture.z_range
    return np.linspace(lo, hi, LEVELS + 2)[1:-1]


def test_isolines_lie_where_f_equals_their_level(make_window):
    w = make_window("bowl")                        # f = x² + y²: iso-lines are circles
    m = w.map
    lines = m.picture.iso_lines
    assert len(lines) == LEVELS
    # what is drawn is every level's line, NaN rows breaking the pieces
    xs, ys = m.isos.getData()
    drawn = np.column_stack([xs, ys])
    assert np.array_equal(drawn, np.concatenate(lines), equal_nan=True)
    assert m.isos.isVisible()
    for pts, level in list(zip(lines, _iso_levels(m), strict=True))[::3]:
        pts = pts[np.isfinite(pts).all(axis=1)]
        assert len(pts) > 20
        r = np.hypot(pts[:, 0], pts[:, 1])
        # marching squares interpolates linearly between samples: exact up to O(h²)
        assert np.abs(r**2 - level).max() < 0.01 * level + 0.01, level


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


def _basins(domain, shape) -> BasinMap:
    """A basin map on a ``shape`` grid over ``domain``: minimum 0 for x below the middle,
    minimum 1 above (x-major like the grid)."""
    (x0, x1), (y0, y1) = domain
    labels = np.ones(shape, np.int64)
    labels[: shape[0] // 2] = 0
    return BasinMap(np.linspace(x0, x1, shape[0]), np.linspace(y0, y1, shape[1]), labels,
                    (), 0.0, 0.0)


def test_basins_overlay_covers_the_domain_and_none_restores(make_window):
    w = make_window("himmelblau")
    m = w.map
    heat = m.image.image.copy()
    (x0, x1), (y0, y1) = w.model.scene.domain
    iso_before = m.isos.getData()
    basins = _basins(w.model.scene.domain, (32, 24))
    m.set_basins(basins)
    assert m.basins is basins
    img = m.image.image
    assert img.shape[:2] == (32, 24)
    assert np.array_equal(img[..., :3], basin_colors(basins.labels))
    assert not np.array_equal(img[0, 0, :3], img[31, 0, :3])   # two basins, two colours
    tr = m.image.transform()
    c0, c1 = tr.map(QPointF(0.5, 0.5)), tr.map(QPointF(31.5, 23.5))
    assert (c0.x(), c0.y(), c1.x(), c1.y()) == pytest.approx((x0, y0, x1, y1))
    # the colour changes where the labels do: between pixel rows 15 and 16, at x = 0
    assert tr.map(QPointF(15.5, 0)).x() < 0 < tr.map(QPointF(16.5, 0)).x()
    m.set_basins(None)
    assert m.basins is None
    assert np.array_equal(m.image.image, heat)
    tr = m.image.transform()
    assert tr.map(QPointF(0.5, 0.5)).x() == pytest.approx(x0)
    for a, b in zip(m.isos.getData(), iso_before, strict=True):   # the iso-lines never moved
        assert np.array_equal(a, b, equal_nan=True)
    # a 1-D basin map cannot colour a 2-D map: the heat map stays
    m.set_basins(BasinMap(np.linspace(x0, x1, 8), None, np.zeros(8, np.int64), (), 0.0, 0.0))
    assert np.array_equal(m.image.image, heat)


def test_basins_are_dropped_when_the_function_changes(make_window, qtbot):
    w = make_window("himmelblau")
    m = w.map
    with qtbot.waitSignal(w.model.basins_changed, timeout=30_000):
        w.model.run_basins(16)
    assert m.basins is not None and m.image.image.shape[:2] == (16, 16)
    picture = m.picture
    with qtbot.waitSignal(w.model.map_changed, timeout=10_000):
        w.model.update(cmap="viridis")               # same function: the overlay stays
    settle(qtbot, w)
    assert m.picture is not picture                  # a new heat map came (under the basins)
    assert m.basins is not None and m.image.image.shape[:2] == (16, 16)
    with qtbot.waitSignal(w.model.map_changed, timeout=10_000):
        w.model.set_expression("x^2 + 2y^2")
    settle(qtbot, w)
    assert m.basins is None
    assert m.image.image.shape[:2] == m.picture.rgb.shape[:2] != (16, 16)
    assert np.array_equal(m.image.image, m.picture.rgb)


def test_every_walker_is_drawn(make_window, qtbot):
    w = make_window("himmelblau")
    w.walkers.compare()
    qtbot.waitUntil(lambda: len(w.model.scene.walkers) >= 3, timeout=10_000)
    settle(qtbot, w)
    walks = w.model.walks
    n = len(walks)
    assert n >= 3
    w.model.seek(float(w.model.end))
    m = w.map
    # one item paints every walker's trail, each in its walker's colour
    trails = m.trails
    assert len(trails._paths) == n
    assert trails._colors == list(walks.colors)
    assert [p.color().name() for p in trails._pens] == \
        [QColor(c).name() for c in walks.colors]
    assert len(set(walks.colors)) == n
    for traj, path in zip(walks.trajectories, trails._paths, strict=True):
        first, last = path.elementAt(0), path.elementAt(path.elementCount() - 1)
        assert (first.x, first.y) == pytest.approx(tuple(traj.points[0]))
        assert (last.x, last.y) == pytest.approx(tuple(traj.points[-1]))
    # one scatter holds every walker's dot, where it is now, in its colour
    xs, ys = m.dots.getData()
    assert len(xs) == n
    for i, traj in enumerate(walks.trajectories):
        assert (xs[i], ys[i]) == pytest.approx(tuple(traj.points[-1]))
    brushes = [b.color().name() for b in m.dots.data["brush"]]
    assert brushes == [QColor(c).name() for c in walks.colors]
    xs, ys = m.starts.getData()
    assert len(xs) == n


def test_the_three_views_agree_on_the_start(make_window, qtbot):
    w = make_window("himmelblau")
    w.panel.start_x.setValue(1.25)
    w.panel.start_y.setValue(-2.0)
    settle(qtbot, w)
    assert start_of(w) == pytest.approx((1.25, -2.0))
    xs, ys = w.map.starts.getData()
    assert (xs[0], ys[0]) == pytest.approx((1.25, -2.0))
    assert w.model.position == 0.0
    assert walker_centre(w.view)[:2] == pytest.approx((1.25, -2.0), abs=1e-6)
    w.map.pick(-3.0, 2.5, final=True)
    settle(qtbot, w)
    assert (w.panel.start_x.value(), w.panel.start_y.value()) == pytest.approx((-3.0, 2.5))
    xs, ys = w.map.starts.getData()
    assert (xs[0], ys[0]) == pytest.approx((-3.0, 2.5))
    assert walker_centre(w.view)[:2] == pytest.approx((-3.0, 2.5), abs=1e-6)
