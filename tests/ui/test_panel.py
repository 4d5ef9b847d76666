"""Panel ↔ model in both directions, without feedback loops."""

from __future__ import annotations

import pytest

from app.core.rules import Rule
from tests.ui.conftest import settle


class Counter:
    def __init__(self, signal):
        self.calls = []
        signal.connect(lambda *a: self.calls.append(a))

    @property
    def n(self) -> int:
        return len(self.calls)


def test_widgets_update_the_scene(make_window, qtbot):
    w = make_window("bowl")
    p, m = w.panel, w.model
    changed = Counter(m.scene_changed)
    p.x_max.setValue(3.0)
    assert m.scene.domain == ((-2.0, 3.0), (-2.0, 2.0)) and changed.n == 1
    p.start_y.setValue(-1.0)
    assert m.scene.walkers[0].start == (1.6, -1.0)
    p.lr_spin.setValue(0.02)
    assert m.scene.walkers[0].lr == pytest.approx(0.02)
    p.rule_combo.setCurrentIndex(p.rule_combo.findData("adam"))
    assert m.scene.walkers[0].rule == "adam"
    assert p.rule_formula.text() == Rule.ADAM.formula
    p.param_spins["beta1"].setValue(0.8)
    assert dict(m.scene.walkers[0].params)["beta1"] == pytest.approx(0.8)
    p.max_steps.setValue(77)
    w.transport.speed.setValue(20.0)
    p.cmap_combo.setCurrentText("viridis")
    p.arrows_check.setChecked(True)
    s = m.scene
    assert (s.max_steps, s.speed, s.cmap, s.show_arrows) == (77, 20.0, "viridis", True)
    assert changed.n == 9                           # one change per edit, no echoes
    settle(qtbot, w)
    assert m.walks.trajectories[0].steps <= 77


def test_scene_updates_the_widgets_without_writing_back(make_window, qtbot):
    w = make_window("bowl")
    p, m = w.panel, w.model
    changed = Counter(m.scene_changed)
    walker = m.scene.walkers[0].replace(lr=0.005, rule="momentum")
    m.update(walkers=(walker,), domain=((-1.0, 1.0), (-4.0, 4.0)), exaggeration=2.0)
    assert changed.n == 1
    assert p.lr_spin.value() == pytest.approx(0.005)
    assert p.rule_combo.currentData() == "momentum"
    assert (p.x_min.value(), p.x_max.value(), p.y_min.value(), p.y_max.value()) == (-1, 1, -4, 4)
    assert p.exaggeration.value() == pytest.approx(2.0)
    assert p.rule_formula.text() == Rule.MOMENTUM.formula
    assert not p.walker_form.isRowVisible(p.param_spins["beta1"])
    assert p.walker_form.isRowVisible(p.param_spins["beta"])
    m.load_preset("himmelblau")
    settle(qtbot, w)
    assert changed.n == 2
    assert p.expr_edit.text() == m.scene.expression
    assert p.preset_combo.currentData() == "himmelblau"
    assert p.x_min.value() == -5


def test_invalid_domain_is_reported_and_not_applied(make_window):
    w = make_window("bowl")
    p, m = w.panel, w.model
    before = m.scene
    p.x_min.setValue(5.0)              # min > max
    assert m.scene == before
    # the reason shows next to the domain fields, the typed value stays, marked
    assert p.domain_error.isVisibleTo(p) and "x" in p.domain_error.text()
    assert p.x_min.value() == 5.0 and "d23c3c" in p.x_min.styleSheet()
    assert "x" in w.statusBar().currentMessage()       # and in the status bar
    p.x_max.setValue(9.0)              # fixing it applies the typed values
    assert m.scene.domain[0] == (5.0, 9.0)
    assert not p.domain_error.isVisibleTo(p) and p.x_min.styleSheet() == ""


def test_log_spin_box_steps_by_decades():
    from app.ui.panels.widgets import LogSpinBox

    s = LogSpinBox(1e-6, 10.0)
    s.setValue(0.1)
    s.stepBy(4)
    assert s.value() == pytest.approx(1.0)
    s.stepBy(-12)
    assert s.value() == pytest.approx(1e-3)
    s.stepBy(1)
    assert s.value() == pytest.approx(10 ** -2.75, rel=1e-2)
    s.stepBy(100)
    assert s.value() == 10.0
    s.stepBy(-100)
    assert s.value() == pytest.approx(1e-6)
    assert s.textFromValue(1e-6) == "1e-06"
    assert s.valueFromText("2.5e-3") == pytest.approx(0.0025)


def test_the_walker_section_edits_the_selected_walker(make_window, qtbot):
    w = make_window("bowl")
    p, m = w.panel, w.model
    m.set_walkers([m.scene.walkers[0], m.scene.walkers[0].replace(lr=0.3, color="#1f6fff")])
    m.select(1)
    assert p.lr_spin.value() == pytest.approx(0.3) and "Walker 2 of 2" in p.walker_box.title()
    p.lr_spin.setValue(0.04)
    assert [x.lr for x in m.scene.walkers] == [pytest.approx(0.1), pytest.approx(0.04)]
    p.start_x.setValue(0.5)                        # they shared a start: both move
    assert {x.start for x in m.scene.walkers} == {(0.5, 1.2)}
