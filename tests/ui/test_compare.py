"""Several walkers, the loss plot and timeline, step back, 1-D tangent, curvature warning,
basins of attraction — through the window's own widgets."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.core.scene import WALKER_COLORS, Walker
from app.ui.basins_dialog import basins_table, run_basins
from tests.ui.helpers import project, render


def test_compare_creates_three_walkers_in_lock_step(make_window):
    w = make_window("rosenbrock")
    w.compare_action.trigger()
    walkers = w.model.scene.walkers
    assert [x.rule for x in walkers] == ["gradient", "momentum", "adam"]
    assert len({x.start for x in walkers}) == 1
    assert len(w.model.trajectories) == 3 and w.walkers.table.rowCount() == 3
    assert len(w.loss.curves) == 3
    w.model.seek(5.0)
    for i, t in enumerate(w.model.trajectories):
        assert w.model.point_at(walker=i) == pytest.approx(t.points[5])
    assert len(w.walker_layer.items) == 2      # walkers 2 and 3 drawn beside the view's own


def test_add_remove_and_edit_walkers(make_window):
    w = make_window("himmelblau")
    w.walkers.add_button.click()
    assert len(w.model.scene.walkers) == 2
    assert w.model.scene.walkers[1].color == WALKER_COLORS[1]
    w.walkers.table.item(1, 2).setText("0.005")           # η of the second walker
    assert w.model.scene.walkers[1].lr == 0.005
    w.walkers.table.item(1, 1).setText("nonsense")        # refused, table restored
    assert w.model.scene.walkers[1].rule == "gradient"
    assert w.walkers.table.item(1, 1).text() == "gradient"
    w.walkers.table.setCurrentCell(1, 0)
    w.walkers.remove_button.click()
    assert len(w.model.scene.walkers) == 1 and not w.walkers.remove_button.isEnabled()


def test_extra_walker_is_drawn_in_its_colour(make_window):
    w = make_window("bowl")
    s = w.model.scene
    w.model.set_walkers([s.walkers[0], Walker("gradient", 0.05, (), (-1.5, 1.5), "#1f6fff")])
    w.model.seek(3.0)
    w.view.update()
    img = render(w.view)
    pt = w.model.point_at(walker=1)
    z = float(w.view.mesh.vscale.to_display(w.model.func.value(*pt)))
    col, row = (round(v) for v in project(w.view, (pt[0], pt[1], z)))
    patch = img[max(0, row - 8): row + 9, max(0, col - 8): col + 9, :3].astype(int)
    blue = (patch[..., 2] > 150) & (patch[..., 2] > 1.8 * patch[..., 0])
    assert blue.sum() >= 5


def test_timeline_scrubs_and_left_arrow_steps_back(make_window, qtbot):
    w = make_window("bowl")
    w.model.seek(float(w.model.end))
    w.loss.slider.setValue(30)                         # 3 steps in tenths
    assert w.model.position == pytest.approx(3.0)
    assert w.loss.cursor.value() == pytest.approx(3.0)
    ball = w.view.walker.transform().column(3)
    assert (ball.x(), ball.y()) == pytest.approx(tuple(w.model.trajectory.points[3]), abs=1e-6)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: w.view.hasFocus(), timeout=5_000)
    qtbot.keyClick(w.view, Qt.Key.Key_Left)
    assert w.model.position == pytest.approx(2.0)
    assert w.loss.slider.value() == 20
    w.loss.log.setChecked(True)
    assert w.loss.plot.getPlotItem().ctrl.logYCheck.isChecked()


def test_curvature_warns_above_the_stability_limit(make_window):
    w = make_window("bowl")                 # λ = 2, 2: limit η < 1
    w.model.update(rule="gradient", lr=0.5)
    assert "2/λmax = 1" in w.walkers.curvature.text()
    assert "overshoot" not in w.walkers.curvature.text()
    w.model.update(lr=1.2)
    assert "overshoot" in w.walkers.curvature.text()


def test_one_dimensional_tangent_has_the_slope(make_window):
    w = make_window("double_well")
    w.model.seek(4.0)
    xs, ys = w.map.tangent.getData()
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    x = w.model.point_at()[0]
    assert slope == pytest.approx(float(w.model.func.gradient(x)[0]), rel=1e-9)
    assert np.mean(xs) == pytest.approx(x)


def test_basins_colour_the_map(make_window):
    w = make_window("himmelblau")
    bm = run_basins(w, 32)
    assert bm is not None and len(bm.minima) == 4
    assert w.map._overlay is not None and w.map._overlay.shape == (32, 32, 3)
    t = basins_table(bm)
    assert t.rowCount() == 6 and t.item(0, 2).text().endswith("%")
    w.clear_basins_action.trigger()
    assert w.map._overlay is None


def test_each_walker_has_its_own_parameters_and_colour(make_window):
    w = make_window("himmelblau")
    w.walkers.add_button.click()
    w.walkers.table.item(1, 1).setText("momentum")
    w.walkers.table.item(1, 5).setText("beta=0.5")
    assert w.model.scene.walkers[1].params == (("beta", 0.5),)
    w.walkers.table.item(1, 5).setText("gamma=2")              # not momentum's: refused
    assert w.model.scene.walkers[1].params == (("beta", 0.5),)
    assert w.walkers.set_color(1, "#00ff00")
    assert w.model.scene.walkers[1].color == "#00ff00"
    assert w.walker_layer.items[0][1].color == pytest.approx((0.0, 1.0, 0.0, 1.0))


def test_one_dimensional_centre_shows_the_curve(make_window):
    w = make_window("double_well")
    assert w.curve_view.isVisible() and w.curve_view.curve.isVisible()
    w.model.load_preset("bowl")
    assert not w.curve_view.isVisible()


def test_docks_follow_at_a_lower_rate_while_playing_and_catch_up(make_window, qtbot):
    w = make_window("bowl", speed=40.0)
    fast, slow = [], []
    w.model.position_changed.connect(fast.append)
    w.model.position_changed_slow.connect(slow.append)
    w.model.play()
    qtbot.waitUntil(lambda: len(fast) > 20, timeout=10_000)
    w.model.pause()
    assert 0 < len(slow) < len(fast)
    assert slow[-1] == w.model.position and w.loss.cursor.value() == w.model.position
