"""Several walkers, the loss plot and timeline, step back, 1-D tangent, curvature warning,
basins of attraction — through the window's own widgets. Every walker is drawn alike."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.core.scene import WALKER_COLORS, Walker
from app.ui.dialogs.basins_dialog import basins_table
from tests.ui.conftest import settle
from tests.ui.helpers import project, render, walker_centre


def test_compare_creates_three_walkers_in_lock_step(make_window, qtbot):
    w = make_window("rosenbrock")
    w.compare_action.trigger()
    qtbot.waitUntil(lambda: len(w.model.scene.walkers) == 3, timeout=10_000)
    settle(qtbot, w)
    walkers = w.model.scene.walkers
    assert [x.rule for x in walkers] == ["gradient", "momentum", "adam"]
    assert len({x.start for x in walkers}) == 1
    walks = w.model.walks
    assert len(walks) == 3 and w.walkers.table.rowCount() == 3
    assert w.loss.curves.count == 3
    w.model.seek(5.0)
    for i, t in enumerate(walks.trajectories):
        assert walks.point_at(5.0, i) == pytest.approx(t.points[5])
        assert walker_centre(w.view, i)[:2] == pytest.approx(tuple(t.points[5]), abs=1e-6)
    assert len(w.view.walkers.centres) == 3      # one batch for all of them


def test_add_remove_and_edit_walkers(make_window, qtbot):
    w = make_window("himmelblau")
    w.walkers.add_button.click()
    assert len(w.model.scene.walkers) == 2
    assert w.model.scene.walkers[1].color == WALKER_COLORS[1]
    w.walkers.table.item(1, 2).setText("0.005")           # η of the second walker
    assert w.model.scene.walkers[1].lr == 0.005
    w.walkers.table.item(1, 1).setText("nonsense")        # refused: the typed text stays
    assert w.model.scene.walkers[1].rule == "gradient"
    assert w.walkers.table.item(1, 1).text() == "nonsense"
    assert "unknown rule" in w.walkers.error.text() and w.walkers.error.isVisibleTo(w)
    w.walkers.table.setCurrentCell(1, 0)
    w.walkers.remove_button.click()
    assert len(w.model.scene.walkers) == 1 and not w.walkers.remove_button.isEnabled()


def _pixels_near(w, walker: int) -> np.ndarray:
    w.view.update()
    img = render(w.view)
    col, row = (round(v) for v in project(w.view, walker_centre(w.view, walker)))
    return img[max(0, row - 6): row + 7, max(0, col - 6): col + 7, :3].astype(int)


@pytest.mark.parametrize("walker", [0, 1])
def test_every_walker_is_drawn_in_its_own_colour(make_window, qtbot, walker):
    """Regression: recolouring walker 0 used to change the loss curve but not its 3D trail."""
    w = make_window("bowl")
    s = w.model.scene
    w.model.set_walkers([s.walkers[0], Walker("gradient", 0.05, (), (-1.5, 1.5), "#ff140d")])
    settle(qtbot, w)
    assert w.walkers.set_color(walker, "#1f6fff")
    settle(qtbot, w)
    w.model.seek(3.0)
    patch = _pixels_near(w, walker)
    blue = (patch[..., 2] > 150) & (patch[..., 2] > 1.8 * patch[..., 0])
    assert blue.sum() >= 5
    other = _pixels_near(w, 1 - walker)
    red = (other[..., 0] > 150) & (other[..., 0] > 1.8 * other[..., 2])
    assert red.sum() >= 5
    assert w.loss.curves.colors[walker] == "#1f6fff"
    trail_colors = np.concatenate([c[:2] for c in w.view.walkers._seg_colors])
    assert (trail_colors[::2][walker][:3] == pytest.approx((0x1f / 255, 0x6f / 255, 1.0)))


def test_timeline_scrubs_and_left_arrow_steps_back(make_window, qtbot):
    w = make_window("bowl")
    w.model.seek(float(w.model.end))
    w.loss.slider.setValue(30)                         # 3 steps in tenths
    assert w.model.position == pytest.approx(3.0)
    assert w.loss.step_line.value() == pytest.approx(3.0)
    ball = walker_centre(w.view)
    assert ball[:2] == pytest.approx(tuple(w.model.walks.trajectories[0].points[3]), abs=1e-6)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: w.view.hasFocus(), timeout=5_000)
    qtbot.keyClick(w.view, Qt.Key.Key_Left)
    assert w.model.position == pytest.approx(2.0)
    assert w.loss.slider.value() == 20
    w.loss.log.setChecked(True)
    assert w.loss.plot.getPlotItem().ctrl.logYCheck.isChecked()


def test_curvature_warns_above_the_stability_limit(make_window, qtbot):
    w = make_window("bowl")                 # λ = 2, 2: limit η < 1
    w.model.update_walker(0, rule="gradient", lr=0.5)
    qtbot.waitUntil(lambda: "2/λmax = 1" in w.walkers.curvature.text(), timeout=10_000)
    assert "overshoot" not in w.walkers.curvature.text()
    w.model.update_walker(0, lr=1.2)
    qtbot.waitUntil(lambda: "overshoot" in w.walkers.curvature.text(), timeout=10_000)


def test_curvature_is_computed_only_while_shown(make_window, qtbot):
    w = make_window("bowl")
    assert w.model.curvature_wanted
    w.walkers_dock.hide()
    assert not w.model.curvature_wanted
    w.walkers_dock.show()
    assert w.model.curvature_wanted


def test_one_dimensional_tangent_has_the_slope(make_window):
    w = make_window("double_well")
    w.model.seek(4.0)
    xs, ys = w.curve_view.tangent.getData()
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    x = w.model.walks.point_at(4.0)[0]
    assert slope == pytest.approx(float(w.model.func.gradient(x)[0]), rel=1e-9)
    assert np.mean(xs) == pytest.approx(x)


def test_basins_colour_the_map(make_window, qtbot):
    w = make_window("himmelblau")
    with qtbot.waitSignal(w.model.basins_changed, timeout=30_000) as sig:
        w.basins_run.start(32)
    bm = sig.args[0]
    assert bm is not None and len(bm.minima) == 4
    assert w.map.basins is bm and w.map.image.image.shape[:2] == (32, 32)
    t = basins_table(bm)
    assert t.rowCount() == 4 + 3 and t.item(0, 2).text().endswith("%")
    for r, rgb in enumerate(bm.minimum_colors):      # each row in its basin's colour
        assert t.item(r, 0).background().color().getRgb()[:3] == tuple(map(int, rgb))
    assert t.item(4, 0).text() == "diverged" and t.item(5, 0).text() == "left the domain"
    marks = w.map.minima_marks.data                   # the minima are marked on the map
    assert len(marks) == 4
    np.testing.assert_allclose(np.c_[marks["x"], marks["y"]], bm.minimum_points)
    w.clear_basins_action.trigger()
    assert w.map.basins is None and w.map.image.image.shape[:2] == (160, 160)
    assert len(w.map.minima_marks.data) == 0


def test_a_stale_basins_result_is_dropped(make_window, qtbot):
    """Changing the function while basins run must not leave the old function's map."""
    w = make_window("himmelblau")
    got = []
    w.model.basins_changed.connect(got.append)
    w.basins_run.start(256)
    w.model.set_expression("x^2 + y^2")
    settle(qtbot, w, timeout=60_000)
    qtbot.waitUntil(lambda: not w.model.workers.running("basins"), timeout=60_000)
    assert all(b is None for b in got)
    assert w.map.basins is None and not w.basins_run.running


def test_each_walker_has_its_own_parameters_and_colour(make_window, qtbot):
    w = make_window("himmelblau")
    w.walkers.add_button.click()
    w.walkers.table.item(1, 1).setText("momentum")
    w.walkers.table.item(1, 5).setText("beta=0.5")
    assert w.model.scene.walkers[1].params == (("beta", 0.5),)
    w.walkers.table.item(1, 5).setText("gamma=2")              # not momentum's: refused
    assert w.model.scene.walkers[1].params == (("beta", 0.5),)
    assert w.walkers.set_color(1, "#00ff00")
    assert w.model.scene.walkers[1].color == "#00ff00"
    settle(qtbot, w)
    assert w.view.walkers._seg_colors[1][0] == pytest.approx((0.0, 1.0, 0.0, 1.0))


def test_one_dimensional_centre_shows_the_curve(make_window, qtbot):
    w = make_window("double_well")
    assert w.curve_view.isVisible() and w.curve_view.curve.isVisible()
    w.model.load_preset("bowl")
    settle(qtbot, w)
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
    assert slow[-1] == w.model.position and w.loss.step_line.value() == w.model.position
