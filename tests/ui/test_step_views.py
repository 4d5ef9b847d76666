"""Each step explained in the window: the step inspector follows the timeline and the
selected walker; a schedule's η_t is drawn under the loss curve; new rules in the panel."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.scene import Walker
from tests.ui.conftest import settle
from tests.ui.helpers import render


def test_the_step_inspector_writes_out_the_current_step(make_window, qtbot):
    w = make_window("bowl")
    walker = Walker("gradient", 0.1, (), (1.0, 1.0), w.model.scene.walkers[0].color)
    w.model.set_scene(w.model.scene.replace(expression="x^2 + y^2", walkers=(walker,)))
    qtbot.waitUntil(lambda: w.model.scene.expression == "x^2 + y^2", timeout=10_000)
    settle(qtbot, w)
    w.inspector_dock.show()
    w.inspector_dock.raise_()
    qtbot.waitUntil(lambda: "g = ∇f(1, 1) = (2, 2)" in w.inspector.step_text(), timeout=5000)
    assert "= (0.8, 0.8)" in w.inspector.step_text()
    w.model.step_forward()
    qtbot.waitUntil(lambda: "∇f(0.8, 0.8)" in w.inspector.step_text(), timeout=5000)
    assert "step 1 of" in w.inspector.title.text()


def test_a_schedule_draws_eta_t_under_the_loss_curve(make_window, qtbot):
    w = make_window("bowl")
    assert not w.loss.eta_plot.isVisibleTo(w.loss)          # constant η: nothing to draw
    w.model.update_walker(0, schedule="exponential:gamma=0.9")
    qtbot.waitUntil(lambda: w.loss.eta_plot.isVisibleTo(w.loss), timeout=10_000)
    traj = w.model.walks.trajectories[0]
    assert traj.etas[1] == traj.etas[0] * 0.9
    assert w.loss.eta_curves.count == 1


def test_switching_to_newton_starts_from_eta_one_and_noise_and_schedule_are_edited(
        make_window, qtbot):
    w = make_window("bowl")
    p = w.panel
    p.rule_combo.setCurrentIndex(p.rule_combo.findData("newton"))
    assert w.model.scene.walkers[0].rule == "newton" and w.model.scene.walkers[0].lr == 1.0
    p.noise_spin.setValue(0.2)
    p.seed_spin.setValue(7)
    assert (w.model.scene.walkers[0].noise, w.model.scene.walkers[0].seed) == (0.2, 7)
    p.schedule_edit.setText("cosine:steps=nonsense")
    p.schedule_edit.editingFinished.emit()
    assert p.schedule_error.isVisibleTo(p) and w.model.scene.walkers[0].schedule == "constant"
    p.schedule_edit.setText("cosine:steps=50")
    p.schedule_edit.editingFinished.emit()
    assert w.model.scene.walkers[0].schedule.startswith("cosine")
    assert not p.schedule_error.isVisibleTo(p)
    settle(qtbot, w)
    assert np.isfinite(w.model.walks.trajectories[0].values).all()


def test_step_arrows_show_the_pieces_and_the_line_search_trials(make_window, qtbot):
    from app.core.step_parts import step_parts

    w = make_window("bowl")
    walker = Walker("armijo", 1.0, (), (-1.6, 1.2), w.model.scene.walkers[0].color)
    w.model.set_scene(w.model.scene.replace(expression="x^2 + 6y^2", walkers=(walker,)))
    qtbot.waitUntil(lambda: w.model.scene.expression == "x^2 + 6y^2", timeout=10_000)
    settle(qtbot, w)
    assert not w.view.parts.lines.visible()
    w.step_parts_action.trigger()
    w.model.step_forward()
    parts = step_parts(w.model.walks.trajectories[0], 1)
    assert {p.label for p in parts} == {"step", "−η·g"}
    assert w.view.parts.lines.visible() and w.view.parts.trials.visible()
    assert w.map.parts.items["−η·g"].isVisible() and w.map.parts.trials.isVisible()
    tried = w.map.parts.trials.data
    assert len(tried) >= 2                          # η = 1 was too long: it halved
    before = render(w.view)
    w.step_parts_action.trigger()                    # off again: the picture changes back
    assert not w.view.parts.lines.visible() and not w.map.parts.trials.isVisible()
    assert np.abs(render(w.view).astype(int) - before.astype(int)).max() > 60


def test_exports_can_include_the_step_arrows(qtbot):
    from app.core.animation import AnimationSettings
    from app.core.scene import Scene
    from app.ui.render.frames import FrameSource

    scene = Scene.from_preset("bowl", resolution=40)
    scene = scene.replace(walkers=(Walker("momentum", 0.05, (), (-1.6, 1.2), "#e63946"),))
    frames = []
    for on in (False, True):
        source = FrameSource(scene, AnimationSettings(size=(320, 240), step_parts=on))
        try:
            source.wait_ready()
            early = next(i for i in range(source.total) if source.settings.position(
                i, source.model.end, source.speed) >= 2)      # long arrows, early on
            frames.append(source.frame(early).astype(int))
        finally:
            source.close()
    assert np.abs(frames[1] - frames[0]).max(axis=-1).__gt__(60).sum() > 20


def test_momentum_has_its_own_stability_hint(make_window, qtbot):
    w = make_window("bowl")                      # x² + y²: λ = 2, 2
    w.walkers_dock.show()
    w.walkers_dock.raise_()
    w.model.update_walker(0, rule="momentum", lr=0.5, params=(("beta", 0.9),))
    qtbot.waitUntil(lambda: "2(1+β)/λmax = 1.9" in w.walkers.curvature.text(), timeout=10_000)
    assert "swing" not in w.walkers.curvature.text()
    w.model.update_walker(0, lr=2.5)             # past 2(1 + 0.9)/2 = 1.9
    qtbot.waitUntil(lambda: "swing wider" in w.walkers.curvature.text(), timeout=10_000)


def test_the_conditioning_lab_shows_safe_and_best_eta_and_the_bowls_axes(make_window, qtbot):
    w = make_window("conditioning")
    w.walkers_dock.show()
    w.walkers_dock.raise_()
    qtbot.waitUntil(lambda: "best fixed η" in w.walkers.curvature.text(), timeout=10_000)
    text = w.walkers.curvature.text()
    assert "2/λmax = 0.2" in text and "= 0.1818" in text           # κ = 10: λ = 1, 10
    w.curvature_axes_action.trigger()
    qtbot.waitUntil(lambda: w.view.parts.axes.visible(), timeout=10_000)
    long_axis, short_axis = (item for item in w.map.curvature.items)
    assert long_axis.isVisible() and short_axis.isVisible()
    xs, ys = long_axis.getData()
    direction = np.array([xs[1] - xs[0], ys[1] - ys[0]])
    theta = np.radians(30.0)                       # the flat axis: v, across the rotated u
    flat = np.array([-np.sin(theta), np.cos(theta)])
    assert abs(abs(direction @ flat) / np.linalg.norm(direction) - 1) < 1e-6
    lengths = [np.hypot(*np.diff(np.array(i.getData()), axis=1).ravel()) for i in (
        long_axis, short_axis)]
    assert lengths[0] / lengths[1] == pytest.approx(np.sqrt(10), rel=1e-6)   # 1/√λ
    w.curvature_axes_action.trigger()
    assert not w.view.parts.axes.visible() and not long_axis.isVisible()


def test_the_minus_gradient_arrows_show_on_the_map_too(make_window, qtbot):
    w = make_window("bowl")
    assert not w.map.arrows.isVisible()
    w.arrows_action.trigger()
    qtbot.waitUntil(lambda: w.map.arrows.isVisible(), timeout=5000)
    xs, ys = w.map.arrows.getData()
    start, tip = np.c_[xs[0::8], ys[0::8]], np.c_[xs[3::8], ys[3::8]]
    # on x² + y² every arrow points downhill: towards the origin
    assert len(start) > 100 and (np.hypot(*tip.T) < np.hypot(*start.T)).all()
