"""Parameters with sliders: 'unknown name a — make it a parameter?' answered in one click,
a slider that moves the mountain (pixels) and the path, undo of a slider gesture."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from tests.ui.conftest import settle
from tests.ui.helpers import render


def test_an_unknown_letter_is_offered_as_a_parameter_in_one_click(make_window, qtbot):
    w = make_window("bowl")
    p = w.panel
    p.expr_edit.setText("a*x^2 + y^2")
    qtbot.keyClick(p.expr_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: p.param_button.isVisibleTo(p), timeout=10_000)
    assert "make it a parameter" in p.expr_error.text() and "a" in p.param_button.text()
    assert w.model.scene.expression != "a*x^2 + y^2"          # nothing happened silently
    p.param_button.click()
    qtbot.waitUntil(lambda: w.model.scene.expression == "a*x^2 + y^2", timeout=10_000)
    settle(qtbot, w)
    assert [q.name for q in w.model.scene.params] == ["a"]
    assert p.parameters.isVisibleTo(p) and len(p.parameters.rows) == 1
    assert not p.param_button.isVisibleTo(p) and not p.expr_error.isVisibleTo(p)


def test_the_slider_moves_the_mountain_and_the_path_and_undo_moves_it_back(make_window,
                                                                           qtbot):
    w = make_window("conditioning")
    row = w.panel.parameters.rows[0]
    assert row.name == "kappa"
    before_px = render(w.view).astype(int)
    before_path = np.array(w.model.walks.trajectories[0].points)
    before_z = np.array(w.view.picture.mesh.vertices[:, 2])
    row.slider.setValue(row.slider.value() + 150)
    qtbot.waitUntil(lambda: w.model.scene.param("kappa").value > 10.5, timeout=5000)
    settle(qtbot, w)
    assert not np.allclose(w.view.picture.mesh.vertices[:, 2], before_z)
    after_path = np.array(w.model.walks.trajectories[0].points)
    assert after_path.shape != before_path.shape or not np.allclose(after_path, before_path)
    assert (np.abs(render(w.view).astype(int) - before_px).max(axis=-1) > 40).sum() > 500
    w.undo_action.trigger()
    qtbot.waitUntil(lambda: w.model.scene.param("kappa").value == 10.0, timeout=5000)
    settle(qtbot, w)
    np.testing.assert_allclose(w.view.picture.mesh.vertices[:, 2], before_z, rtol=1e-6)
