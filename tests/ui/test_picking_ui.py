"""Drag to pick the start on the 3D mountain: Shift-drag on the real GL widget with real mouse
events, plain drag still orbits, the cursor, Escape, 1-D ribbons and a device-pixel ratio of 2.
(The contour map's click/drag/hover: test_contour.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.core.picking import project
from app.core.walks import display_function
from tests.ui.conftest import settle
from tests.ui.helpers import walker_centre

ROOT = Path(__file__).resolve().parents[2]
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def send(widget, kind, pos, buttons, modifiers=NONE):
    """A real QMouseEvent (QTest.mouseMove carries no buttons): the button that changed on
    press/release, ``buttons`` held after the event."""
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else \
        Qt.MouseButton.LeftButton
    global_pos = widget.mapToGlobal(pos.toPoint())
    ev = QMouseEvent(kind, pos, QPointF(global_pos), button, buttons, modifiers)
    QApplication.sendEvent(widget, ev)
    QApplication.processEvents()


def drag(widget, points, modifiers=NONE, during=None):
    """Press at points[0], move through the rest, release at the last; ``during()`` is
    called after each move, before the release."""
    held = Qt.MouseButton.LeftButton
    send(widget, QEvent.Type.MouseButtonPress, points[0], held, modifiers)
    for p in points[1:]:
        send(widget, QEvent.Type.MouseMove, p, held, modifiers)
        if during is not None:
            during()
    send(widget, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton,
         modifiers)


def start_of(window) -> tuple[float, ...]:
    """The selected (here: the only) walker's start."""
    return window.model.scene.walkers[window.model.selected].start


def surface_point(window, x, y=0.0) -> np.ndarray:
    """The displayed surface point above (x, y) — from f and the vertical scale, not from the
    picker (a 1-D function's ribbon: f(x) at any y)."""
    f = display_function(window.model.func).value(np.array(x, float), np.array(y, float))
    return np.array([x, y, float(window.view.picture.mesh.vscale.to_display(f))])


def pixel_of(window, x, y=0.0) -> QPointF:
    """Where the surface point above (x, y) appears, with the view's own matrices."""
    mvp, vp = window.picker.matrices()
    px = project(surface_point(window, x, y), mvp, vp)
    assert px is not None
    return QPointF(*px)


def footprint(window, x, y=0.0) -> float:
    """The farthest (x, y) distance one screen pixel can span at the surface point (x, y):
    1 / the smallest singular value of the Jacobian of (x, y) → pixel (the surface is seen
    at a slant, so a pixel is long in one direction)."""
    mvp, vp = window.picker.matrices()
    p0 = np.array(project(surface_point(window, x, y), mvp, vp))
    d = 1e-4
    jac = np.column_stack([(np.array(project(surface_point(window, x + dx, y + dy), mvp, vp))
                            - p0) / d for dx, dy in ((d, 0.0), (0.0, d))])
    return 1.0 / float(np.linalg.svd(jac, compute_uv=False)[-1])


def shown(item) -> int:
    """How many points a PlotDataItem shows."""
    xs = item.getData()[0]
    return 0 if xs is None else len(xs)


def record(window) -> tuple[list, list]:
    """(picks, previews): what the picker reports as (start, final), and the previewed paths
    the model sends back (None: the preview ended)."""
    picks: list = []
    previews: list = []
    window.picker.start_picked.connect(lambda start, final: picks.append((start, final)))
    window.model.preview_changed.connect(previews.append)
    return picks, previews


def previewed(picks, previews) -> bool:
    """The path from the latest pick has come back (it is computed in the background)."""
    return bool(picks and previews and previews[-1] is not None and picks[-1][0] is not None
                and np.allclose(previews[-1].points[0], picks[-1][0]))


def test_shift_drag_moves_the_start_along_the_surface(make_window, qtbot):
    w = make_window("himmelblau", resolution=96)
    view = w.view
    target = (0.5, 3.5)                          # on the far slope, seen from the camera
    path = [pixel_of(w, x, y) for x, y in [(-1.0, 1.0), (0.0, 2.0), (0.3, 3.0), target]]
    picks, previews = record(w)
    on_map, in_3d = [], []
    w.model.seek(5.0)
    camera = (view.opts["azimuth"], view.opts["elevation"])
    start_before = start_of(w)

    def during() -> None:
        qtbot.waitUntil(lambda: previewed(picks, previews), timeout=10_000)
        on_map.append(shown(w.map.preview))
        assert w.map.preview.getData()[0][0] == pytest.approx(picks[-1][0][0])
        in_3d.append(w.picker.preview.visible() and w.picker.marker.visible())
        assert start_of(w) == start_before, "the start moves on release only"

    drag(view, path, SHIFT, during)
    settle(qtbot, w)
    assert (view.opts["azimuth"], view.opts["elevation"]) == camera, "a pick must not orbit"
    sx, sy = start_of(w)
    tol = footprint(w, *target)
    assert 0 < tol < 0.2
    assert abs(sx - target[0]) < tol and abs(sy - target[1]) < tol, (sx, sy, tol)
    # one pick on press and one per move (previews), then the release (final) where the
    # last move left it
    assert len(picks) == len(path) + 1
    assert [final for _, final in picks] == [False] * len(path) + [True]
    assert picks[-1][0] == picks[-2][0] == pytest.approx((sx, sy))
    # the preview ran from the point under the cursor, live, on the map and in 3D
    assert previews[-1] is None
    assert [p for p in previews if p is not None][-1].points[0] == pytest.approx([sx, sy])
    assert len(on_map) == len(path) - 1 and min(on_map) > 1 and all(in_3d)
    assert shown(w.map.preview) == 0
    assert not w.picker.preview.visible() and not w.picker.marker.visible()
    # the walker is reset there, ready to play, and every view agrees
    assert w.model.position == 0.0 and not w.model.playing
    assert w.model.walks.trajectories[0].points[0] == pytest.approx([sx, sy])
    assert (w.panel.start_x.value(), w.panel.start_y.value()) == pytest.approx((sx, sy),
                                                                               abs=1e-4)
    xs, ys = w.map.starts.getData()
    assert (xs[0], ys[0]) == pytest.approx((sx, sy))
    assert walker_centre(view)[:2] == pytest.approx((sx, sy), abs=1e-6)


def test_pick_lands_under_the_cursor_exactly_and_within_a_pixel_at_whole_pixels(make_window,
                                                                                  qtbot):
    """At the projected pixel itself the pick returns the surface point (to rounding); a real
    mouse reports whole pixels, which moves the pick by less than a pixel's footprint."""
    w = make_window("peaks", resolution=120)
    # points the default camera sees face-on enough (others hide behind the peaks)
    for x, y in [(-1.5, -2.0), (-0.5, -0.6), (1.5, -1.0), (-2.5, 1.0), (2.5, -2.5)]:
        p = pixel_of(w, x, y)
        drag(w.view, [p], SHIFT)
        settle(qtbot, w)
        assert start_of(w) == pytest.approx((x, y), abs=1e-6)
        drag(w.view, [QPointF(round(p.x()), round(p.y()))], SHIFT)
        settle(qtbot, w)
        sx, sy = start_of(w)
        tol = footprint(w, x, y)
        assert tol < 0.1
        assert np.hypot(sx - x, sy - y) < tol, (x, y, sx, sy, tol)


def test_plain_drag_orbits_and_keeps_the_start(make_window, qtbot):
    w = make_window("peaks")
    view = w.view
    picks, _ = record(w)
    before = start_of(w)
    camera = (view.opts["azimuth"], view.opts["elevation"])
    c = QPointF(view.width() / 2, view.height() / 2)
    drag(view, [c, c + QPointF(40, 15), c + QPointF(90, 30)])
    settle(qtbot, w)
    assert picks == []
    assert start_of(w) == before
    assert view.opts["azimuth"] != camera[0] and view.opts["elevation"] != camera[1]
    assert not w.picker.preview.visible()


def test_press_off_the_surface_does_nothing(make_window, qtbot):
    w = make_window("peaks")
    picks, _ = record(w)
    before, camera = start_of(w), w.view.opts["azimuth"]
    corner = QPointF(3, 3)                       # the sky
    drag(w.view, [corner, corner + QPointF(30, 2)], SHIFT)
    settle(qtbot, w)
    assert picks == []
    assert start_of(w) == before
    assert w.view.opts["azimuth"] == camera


def test_drag_off_the_surface_clamps_to_the_domain(make_window, qtbot):
    w = make_window("bowl")
    (x0, x1), (y0, y1) = w.model.scene.domain
    before = start_of(w)
    drag(w.view, [pixel_of(w, 0.5, 0.5), QPointF(3, 3), QPointF(-50, -80)], SHIFT)
    settle(qtbot, w)
    sx, sy = start_of(w)
    assert (sx, sy) != before
    assert np.isfinite([sx, sy]).all()
    assert x0 <= sx <= x1 and y0 <= sy <= y1


def test_escape_cancels_a_drag(make_window, qtbot):
    w = make_window("bowl")
    picks, previews = record(w)
    before = start_of(w)
    held = Qt.MouseButton.LeftButton
    send(w.view, QEvent.Type.MouseButtonPress, pixel_of(w, 1.0, 1.0), held, SHIFT)
    send(w.view, QEvent.Type.MouseMove, pixel_of(w, 1.5, -0.5), held, SHIFT)
    qtbot.waitUntil(lambda: previewed(picks, previews), timeout=10_000)
    assert w.picker.preview.visible()
    qtbot.keyClick(w.view, Qt.Key.Key_Escape)
    assert picks[-1] == (None, True)             # cancelled
    assert not w.picker.preview.visible()
    send(w.view, QEvent.Type.MouseButtonRelease, pixel_of(w, 1.5, -0.5),
         Qt.MouseButton.NoButton, SHIFT)
    settle(qtbot, w)
    assert picks[-1] == (None, True)             # the release after Escape picks nothing
    assert start_of(w) == before
    assert not w.picker.preview.visible() and previews[-1] is None


def test_cursor_shows_when_picking_is_possible(make_window):
    w = make_window("bowl")
    view = w.view
    c = QPointF(view.width() / 2, view.height() / 2)

    def hover(mod):
        send(view, QEvent.Type.MouseMove, c, Qt.MouseButton.NoButton, mod)
        return view.cursor().shape()

    assert hover(SHIFT) == Qt.CursorShape.CrossCursor
    assert hover(NONE) != Qt.CursorShape.CrossCursor
    w.pick_action.setChecked(True)
    assert view.cursor().shape() == Qt.CursorShape.CrossCursor
    assert hover(NONE) == Qt.CursorShape.CrossCursor
    w.pick_action.setChecked(False)
    assert view.cursor().shape() != Qt.CursorShape.CrossCursor


def test_pick_toggle_works_without_shift(make_window, qtbot):
    w = make_window("bowl")
    w.pick_action.setChecked(True)
    drag(w.view, [pixel_of(w, 0.8, 0.6)])
    settle(qtbot, w)
    assert start_of(w) == pytest.approx((0.8, 0.6), abs=footprint(w, 0.8, 0.6))
    w.pick_action.setChecked(False)
    camera = w.view.opts["azimuth"]
    c = QPointF(w.view.width() / 2, w.view.height() / 2)
    drag(w.view, [c, c + QPointF(60, 0)])        # toggle off: plain drags orbit again
    settle(qtbot, w)
    assert w.view.opts["azimuth"] != camera
    assert start_of(w) == pytest.approx((0.8, 0.6), abs=footprint(w, 0.8, 0.6))


def test_one_dimensional_ribbon_picks_x(make_window, qtbot):
    w = make_window("double_well")
    assert w.model.scene.dim == 1
    (_, _), (y0, y1) = w.view.picture.domain       # the ribbon's display domain
    assert y0 < 0 < y1
    target = 1.1
    picks, previews = record(w)
    seen = []

    def during() -> None:
        qtbot.waitUntil(lambda: previewed(picks, previews), timeout=10_000)
        seen.append(shown(w.curve_view.preview))

    drag(w.view, [pixel_of(w, -0.5, 0.3 * y1), pixel_of(w, target, 0.5 * y0)], SHIFT, during)
    settle(qtbot, w)
    assert seen and min(seen) > 1                   # previewed on the curve as well
    (sx,) = start_of(w)
    assert sx == pytest.approx(target, abs=footprint(w, target, 0.5 * y0))
    assert w.curve_view.isVisible()                 # the explainer's curve follows
    assert w.curve_view.starts.getData()[0][0] == pytest.approx(sx)
    assert w.panel.start_x.value() == pytest.approx(sx, abs=1e-4)


DPR_SCRIPT = r"""
import json, sys, time
import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication
app = QApplication(["dpr"])
from app.core.picking import project
from app.core.scene import Scene
from app.ui.main_window import MainWindow


def wait_until(cond, seconds):
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > seconds:
            return False
        app.processEvents()
        time.sleep(0.002)
    return True


w = MainWindow(Scene.from_preset("bowl", resolution=64), remember=False)
w.resize(900, 640)
w.show()
view = w.view
settled = lambda: (w.model.ready and not w.model.busy and not view.busy and view.frames > 0)
assert wait_until(settled, 60)
x, y = 0.8, 0.6  # on the far side of the bowl: seen, not hidden by the rim
z = float(view.picture.mesh.vscale.to_display(w.model.func.value(np.float64(x), np.float64(y))))
before = w.model.scene.walkers[0].start
mvp, vp = w.picker.matrices()
px = QPointF(*project(np.array([x, y, z]), mvp, vp))
for kind, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                      (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
    ev = QMouseEvent(kind, px, QPointF(view.mapToGlobal(px.toPoint())),
                     Qt.MouseButton.LeftButton, buttons, Qt.KeyboardModifier.ShiftModifier)
    QApplication.sendEvent(view, ev)
    app.processEvents()
# the walker moves once its new walk is computed (the test checks where it went)
wait_until(lambda: w.model.scene.walkers[0].start != before and settled(), 30)
assert wait_until(settled, 60)

def frame():
    view.update()
    n = view.frames
    wait_until(lambda: view.frames > n, 10)
    img = view.grabFramebuffer().convertToFormat(QImage.Format.Format_RGBA8888)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
    return a[:, : img.width(), :3].astype(int).copy()

shown = frame()
view.walkers.balls.setVisible(False); view.walkers.ghosts.setVisible(False)
hidden = frame()
ys, xs = np.nonzero(np.abs(shown - hidden).sum(-1) > 30)
c = view.walkers.centres[0]
mvp, vp = w.picker.matrices()
cx, cy = project(np.array([c[0], c[1], c[2]], float), mvp, vp)
dpr = view.devicePixelRatioF()
print(json.dumps({"dpr": dpr, "start": list(w.model.scene.walkers[0].start), "fb": [shown.shape[1],
       shown.shape[0]], "logical": [view.width(), view.height()],
       "walker_device": [float(xs.mean()), float(ys.mean())], "walker_logical": [cx, cy]}))
w.close(); w.deleteLater(); app.processEvents()
"""


def test_device_pixel_ratio_two(tmp_path):
    """At QT_SCALE_FACTOR=2 the framebuffer has twice the pixels: the pick still lands under
    the cursor, and the view's matrices still say where things are drawn."""
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "xcb",
           "GRADIENT_MOUNTAIN_SETTINGS": str(tmp_path / "s.ini")}
    out = subprocess.run([sys.executable, "-c", DPR_SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["dpr"] == 2.0
    assert r["fb"] == [2 * r["logical"][0], 2 * r["logical"][1]]
    assert r["start"] == pytest.approx([0.8, 0.6], abs=0.02)
    (dx, dy), (lx, ly) = r["walker_device"], r["walker_logical"]
    assert abs(dx / 2 - lx) < 2.5 and abs(dy / 2 - ly) < 2.5, r
