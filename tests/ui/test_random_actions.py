"""300 random panel actions (seeded): no exception, no Qt warning, a consistent state."""

from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.colormaps import NAMES
from app.core.presets import presets
from app.core.rules import Rule
from tests.ui.conftest import settle

GOOD = ["x^2 + y^2", "sin(x)*cos(y)", "1/x + y", "log(x) + y^2", "sqrt(x^2 + y^2)", "x^2",
        "x^4 - 3x^2 + x", "abs(x) + abs(y)", "exp(-x^2-y^2)", "tan(x*y)", "(1-x)^2 + 100(y-x^2)^2",
        "3", "x*y", "atan2(y, x)", "max(x, y)", "1e6 x^2 + y^2"]
BAD = ["x^^2", "", "   ", "sin(", "x +* y", "foo(x)", "z + x", "1/0", "log(-1)", "x y )",
       "import os", "__class__", "@", "x" * 5 + "(", "2 ** ** 3"]


def test_300_random_panel_actions(make_window, qtbot):
    rng = random.Random(20240603)
    w = make_window("peaks", speed=400.0)
    p, m = w.panel, w.model
    names = list(presets())

    def spin(s, lo, hi):
        s.setValue(rng.uniform(lo, hi))

    actions = [
        lambda: (p.expr_edit.setText(rng.choice(GOOD + BAD)),
                 qtbot.keyClick(p.expr_edit, Qt.Key.Key_Return)),
        lambda: spin(rng.choice([p.x_min, p.x_max, p.y_min, p.y_max]), -12, 12),
        lambda: spin(rng.choice([p.start_x, p.start_y]), -6, 6),
        lambda: p.lr_spin.setValue(10 ** rng.uniform(-6, 1)),
        lambda: p.lr_spin.stepBy(rng.choice([-3, -1, 1, 3])),
        lambda: p.rule_combo.setCurrentIndex(rng.randrange(len(Rule))),
        lambda: spin(p.param_spins[rng.choice(["beta", "alpha", "beta1", "beta2"])], 0, 1),
        lambda: p.max_steps.setValue(rng.choice([1, 5, 50, 300, 1500])),
        lambda: p.resolution.setValue(rng.randrange(8, 70)),
        lambda: p.cmap_combo.setCurrentText(rng.choice(NAMES)),
        lambda: p.exaggeration.setValue(10 ** rng.uniform(-1.3, 1.3)),
        lambda: p.arrows_check.toggle(),
        lambda: p.wire_check.toggle(),
        lambda: w.transport.speed.setValue(10 ** rng.uniform(0, 3)),
        lambda: w.play_action.trigger(),
        lambda: w.step_action.trigger(),
        lambda: w.back_action.trigger(),
        lambda: w.reset_action.trigger(),
        lambda: w.undo_action.trigger(),
        lambda: w.redo_action.trigger(),
        lambda: (p.preset_combo.setCurrentIndex(rng.randrange(1, len(names) + 1)),
                 p.preset_combo.activated.emit(p.preset_combo.currentIndex())),
        lambda: qtbot.wait(rng.choice([5, 20, 60])),
    ]
    for _ in range(300):
        rng.choice(actions)()
        QApplication.processEvents()
    m.pause()
    settle(qtbot, w)
    # the state is consistent: scene valid, function of the right dimension, walker on its path
    s = m.scene.validate()
    assert m.func.dim == s.dim == len(s.walkers[0].start)
    assert m.walks.scene == s or m.walks.scene.walkers == s.walkers
    assert 0 <= m.position <= m.end
    assert np.isfinite(w.view.picture.mesh.vertices).all()
    assert w.status.text().startswith("step ")
