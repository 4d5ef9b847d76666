"""Controls where the hands are: undo/redo, the live expression check, Space after Enter,
errors beside their field, presentation mode, the hover readout, 1-D as good as 2-D."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle


def _mountain(w) -> np.ndarray:
    return np.array(w.view.picture.mesh.vertices[:, 2], copy=True)


def test_undo_restores_the_previous_mountain_and_redo_brings_it_back(make_window, qtbot):
    w = make_window("bowl")
    before_expr, before_z = w.model.scene.expression, _mountain(w)
    assert not w.undo_action.isEnabled()
    w.panel.expr_edit.setText("sin(x) * cos(y)")
    qtbot.keyClick(w.panel.expr_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.model.scene.expression == "sin(x) * cos(y)", timeout=10_000)
    settle(qtbot, w)
    w.panel.lr_spin.setValue(0.05)
    assert w.model.scene.walkers[0].lr == 0.05 and w.undo_action.isEnabled()
    w.undo_action.trigger()                              # η back
    assert w.model.scene.walkers[0].lr != 0.05
    w.undo_action.trigger()                              # the mountain back
    qtbot.waitUntil(lambda: w.model.scene.expression == before_expr, timeout=10_000)
    settle(qtbot, w)
    np.testing.assert_allclose(_mountain(w), before_z)
    assert w.panel.expr_edit.text() == before_expr and w.redo_action.isEnabled()
    w.redo_action.trigger()
    qtbot.waitUntil(lambda: w.model.scene.expression == "sin(x) * cos(y)", timeout=10_000)


def test_the_expression_is_checked_as_it_is_typed(make_window, qtbot):
    w = make_window("bowl")
    edit, scene = w.panel.expr_edit, w.model.scene
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "x^2 + 2y^2 +")                # not valid yet: the mountain stays
    qtbot.waitUntil(lambda: w.panel.expr_error.isVisibleTo(w.panel), timeout=10_000)
    assert w.model.scene == scene and edit.text() == "x^2 + 2y^2 +"
    assert w.statusBar().currentMessage()                # and the error is in the status bar
    qtbot.keyClicks(edit, " y")                          # valid: the mountain follows, no Enter
    qtbot.waitUntil(lambda: w.model.scene.expression == "x^2 + 2y^2 + y", timeout=10_000)
    assert edit.text() == "x^2 + 2y^2 + y" and not w.panel.expr_error.isVisibleTo(w.panel)
    qtbot.keyClicks(edit, " +")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)              # Escape: back to the mountain shown
    assert edit.text() == "x^2 + 2y^2 + y" and not w.panel.expr_error.isVisibleTo(w.panel)


def test_space_plays_after_enter_in_the_expression_box(make_window, qtbot):
    w = make_window("bowl")
    edit = w.panel.expr_edit
    w.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(lambda: edit.hasFocus(), timeout=5_000)
    edit.setText("x^2 + 3y^2")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.model.scene.expression == "x^2 + 3y^2", timeout=10_000)
    settle(qtbot, w)
    assert not edit.hasFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_Space)         # where a keyboard's Space now lands
    assert w.model.playing
    w.model.pause()


def test_a_refused_walker_cell_keeps_the_text_in_red_until_escape(make_window, qtbot):
    w = make_window("bowl")
    t = w.walkers.table
    t.item(0, 1).setText("adamm")
    assert t.item(0, 1).text() == "adamm"                # kept, not reverted
    assert t.item(0, 1).background().color().red() > 150
    assert "unknown rule" in w.walkers.error.text() and w.walkers.error.isVisibleTo(w)
    assert "unknown rule" in w.statusBar().currentMessage()
    qtbot.keyClick(w.walkers, Qt.Key.Key_Escape)
    assert t.item(0, 1).text() == w.model.scene.walkers[0].rule
    assert not w.walkers.error.isVisibleTo(w)


def test_presentation_mode_is_the_picture_alone_in_large_type(make_window, qtbot):
    w = make_window("himmelblau")
    font = w.view.overlay.font.pointSizeF()
    w.presentation_action.trigger()
    qtbot.waitUntil(lambda: w.isFullScreen(), timeout=5000)
    settle(qtbot, w)
    assert not any(d.isVisible() for d in w.docks()) and not w.menuBar().isVisible()
    assert w.view.isVisible() and w.view.overlay.font.pointSizeF() >= 2 * font
    assert w.view.overlay.show_caption and w.view.overlay.caption.startswith("step 0")
    w.step_action.trigger()                               # the transport keys work
    assert w.model.position == 1 and w.view.overlay.caption.startswith("step 1")
    qtbot.keyClick(w.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.isFullScreen(), timeout=5000)
    assert w.menuBar().isVisible() and w.dock.isVisible()
    assert w.view.overlay.font.pointSizeF() == font and not w.view.overlay.show_caption


def test_presentation_of_a_function_of_x_shows_the_curve_alone(make_window, qtbot):
    w = make_window("parabola")
    w.presentation.set_on(True)
    qtbot.waitUntil(lambda: w.isFullScreen(), timeout=5000)
    assert w.curve_view.isVisible() and not w.view.isVisible()
    tick = w.curve_view.getAxis("bottom").style["tickFont"]
    assert tick is not None and QFontMetricsF(tick).height() > 1.8 * QFontMetricsF(
        QApplication.font()).height()
    w.presentation.set_on(False)
    qtbot.waitUntil(lambda: not w.isFullScreen(), timeout=5000)
    assert w.view.isVisible() and w.curve_view.isVisible()


def test_the_hover_readout_goes_when_the_mouse_leaves_or_f_changes(make_window, qtbot):
    w = make_window("bowl")
    w.map.hover_text.emit("x=1 y=1 · f=2")
    assert w.hover.text()
    QApplication.sendEvent(w.map, QEvent(QEvent.Type.Leave))
    assert w.hover.text() == ""
    w.map.hover_text.emit("x=1 y=1 · f=2")
    w.panel.expr_edit.setText("x^2 + y^4")
    qtbot.keyClick(w.panel.expr_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.hover.text() == "", timeout=10_000)


def _ranges(view) -> tuple:
    (x0, x1), (y0, y1) = view.box.viewRange()
    return x0, x1, y0, y1


def test_1d_and_2d_in_any_order_give_the_pictures_of_a_fresh_start(make_window, qtbot):
    fresh_1d = make_window("parabola")
    one_d = _ranges(fresh_1d.curve_view)
    fresh_2d = make_window("bowl")
    two_d = _ranges(fresh_2d.map)
    w = make_window("bowl")
    for expr in (fresh_1d.model.scene.expression, fresh_2d.model.scene.expression):
        w.model.set_scene(w.model.scene.replace(expression=expr))
    w.model.set_scene(fresh_1d.model.scene)
    qtbot.waitUntil(lambda: w.model.scene.dim == 1, timeout=10_000)
    settle(qtbot, w)
    np.testing.assert_allclose(_ranges(w.curve_view), one_d, rtol=0.02, atol=0.05)
    assert w.panel.y_min.isHidden() or not w.panel.y_min.isVisibleTo(w.panel)
    w.model.set_scene(fresh_2d.model.scene)
    qtbot.waitUntil(lambda: w.model.scene.dim == 2, timeout=10_000)
    settle(qtbot, w)
    np.testing.assert_allclose(_ranges(w.map), two_d, rtol=0.02, atol=0.05)


def test_curvature_of_a_function_of_x_is_its_second_derivative(make_window, qtbot):
    w = make_window("parabola")
    w.walkers_dock.show()
    w.walkers_dock.raise_()
    qtbot.waitUntil(lambda: "f″(x)" in w.walkers.curvature.text(), timeout=10_000)
    assert "Hessian" not in w.walkers.curvature.text()


def test_escape_in_a_refused_number_box_brings_the_scene_back(make_window, qtbot):
    w = make_window("bowl")
    p = w.panel
    x0 = w.model.scene.domain[0][0]
    p.x_min.setValue(5.0)                                  # min > max: refused, kept
    assert p.x_min.value() == 5.0 and p.domain_error.isVisibleTo(p)
    qtbot.keyClick(p.x_min, Qt.Key.Key_Escape)
    assert p.x_min.value() == x0 and not p.domain_error.isVisibleTo(p)
    assert p.x_min.styleSheet() == ""
