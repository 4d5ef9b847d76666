"""Typing functions: errors inline, the last good surface stays, a good one replaces it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from tests.ui.conftest import settle


def type_expression(qtbot, w, text):
    w.panel.expr_edit.setText(text)
    qtbot.keyClick(w.panel.expr_edit, Qt.Key.Key_Return)


def test_bad_expression_keeps_surface_then_good_one_replaces_it(make_window, qtbot):
    w = make_window("bowl")
    mesh, func, scene = w.view.picture.mesh, w.model.func, w.model.scene
    with qtbot.waitSignal(w.model.expression_error, timeout=10_000):
        type_expression(qtbot, w, "x^2 + @y")
    p = w.panel
    assert p.expr_error.isVisible() and p.expr_error.text()
    assert w.view.picture.mesh is mesh and w.model.func is func and w.model.scene == scene
    assert p.expr_edit.text() == "x^2 + @y"           # the user's text stays to be fixed
    assert p.expr_edit.hasSelectedText()
    assert p.expr_edit.selectionStart() == 6
    w.model.update_walker(0, lr=0.05)                  # other edits keep the typed text
    assert p.expr_edit.text() == "x^2 + @y"
    with qtbot.waitSignal(w.view.surface_ready, timeout=10_000):
        type_expression(qtbot, w, "sin(x) * cos(y)")
    assert not p.expr_error.isVisible()
    assert w.view.picture.mesh is not mesh
    assert np.nanmax(w.view.picture.mesh.z) <= 1.0 + 1e-9
    assert w.model.scene.expression == "sin(x) * cos(y)"
    assert "cos" in p.grad_label.text()
    assert p.preset_combo.currentIndex() == 0          # now "your own function"


def test_one_dimensional_functions_are_shown(make_window, qtbot):
    w = make_window("parabola")
    assert w.model.scene.dim == 1 and w.view.picture is not None
    p = w.panel
    assert not p.y_min.isVisibleTo(p) and not p.start_y.isVisibleTo(p)    # hidden, not greyed
    w.model.step_forward()
    assert w.status.text().startswith("step 1 · x=")
    type_expression(qtbot, w, "x^2 + y^2")
    qtbot.waitUntil(lambda: w.model.scene.dim == 2, timeout=10_000)
    settle(qtbot, w)
    assert p.y_min.isVisibleTo(p) and p.start_y.isVisibleTo(p)
    type_expression(qtbot, w, "x^4 - 3x^2 + x")
    qtbot.waitUntil(lambda: w.model.scene.dim == 1, timeout=10_000)
    settle(qtbot, w)
    assert len(w.model.scene.walkers[0].start) == 1


def test_pole_leaves_holes_not_spikes(make_window, qtbot):
    w = make_window("bowl")
    with qtbot.waitSignal(w.view.surface_ready, timeout=10_000):
        type_expression(qtbot, w, "1/x + y")
    z = w.view.picture.mesh.vertices[:, 2]
    assert np.isfinite(z).all()
    assert np.ptp(z) <= 0.6 * 4.0 + 1e-6   # the shown z-range, not a spike
