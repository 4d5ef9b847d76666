"""Run → Sweep learning rates… on a real window: x² + 10y² from (1, 1), the sweep runs on the
model's workers with progress, the plots have their runs and the stability line at
2/λmax = 0.1, the momentum map and the race table fill in, clicks set the selected walker's
η, and Cancel stops a long sweep."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from app.core.scene import Walker
from app.ui.dialogs.sweep_dialog import MOMENTUM_GRID, open_sweep

BOWL = "x^2 + 10y^2"
WALKERS = (Walker("gradient", 0.05, (), (1.0, 1.0)),
           Walker("momentum", 0.02, (("beta", 0.9),), (1.0, 1.0), "#1f6fff"),
           Walker("gradient", 0.12, (), (1.0, 1.0), "#13b30b"))


@pytest.fixture
def bowl_window(make_window):
    return make_window("bowl", expression=BOWL, walkers=WALKERS, max_steps=1000)


def _only(dialog, *rules: str) -> None:
    for name, box in dialog.rule_boxes.items():
        box.setChecked(name in rules)


def _run(qtbot, dialog) -> None:
    dialog.start()
    assert dialog.running and dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.sweep is not None, dialog.status.text()


def _pixels(widget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB888)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), np.uint8, img.bytesPerLine() * h)
    return arr.reshape(h, img.bytesPerLine())[:, : 3 * w].reshape(h, w, 3)


def _click(plot, x: float, y: float) -> None:
    """A real mouse click at data point (x, y) of a pyqtgraph PlotWidget (x in view units)."""
    scene_pos = plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    pos = plot.mapFromScene(scene_pos)
    QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pos)


def test_sweep_shows_the_boundary_and_the_race(bowl_window, qtbot, tmp_path):
    w = bowl_window
    seen: list[tuple[int, int]] = []
    w.model.workers.progress.connect(lambda kind, d, t: kind == "sweep" and seen.append((d, t)))
    d = open_sweep(w)
    assert d.rule_boxes["gradient"].isChecked()          # the selected walker's rule
    assert open_sweep(w) is d                            # one dialog per window
    _only(d, "gradient")
    d.lr_min.setValue(0.01)
    d.lr_max.setValue(1.0)
    d.count.setValue(40)
    _run(qtbot, d)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][0] == seen[-1][1], timeout=5_000)
    done = [x for x, _ in seen]
    assert done == sorted(done) and seen[-1][1] == 40 + math.prod(MOMENTUM_GRID)

    r = d.sweep.of("gradient")
    assert r.converged[r.lrs < 0.1].all() and r.diverged[r.lrs > 0.1].all()
    assert d.plots.limit_positions()["gradient"] == pytest.approx(0.1)
    line = d.plots.limit_lines["gradient"]
    assert line.label is not None and "2/λmax = 0.1" in line.label.toPlainText()

    dots = [i for i in d.plots.items if i.opts["symbol"] is not None]
    x, y = dots[0].getData()                             # the steps plot: log₁₀ η
    assert len(x) == 40 and 10 ** x == pytest.approx(r.lrs)
    assert (10 ** x[r.converged] < 0.1).all()
    assert y[r.converged] == pytest.approx(r.steps[r.converged])

    assert d.heat.isVisible() and d.heat.image.image.shape == MOMENTUM_GRID
    assert len(d.heat.limit.getData()[0]) == MOMENTUM_GRID[1]
    assert "fastest" in d.heat.key.text()

    assert d.table.rowCount() == len(WALKERS)
    for i, walker in enumerate(WALKERS):
        assert walker.label in d.table.item(i, 0).text()
        assert int(d.table.item(i, 1).text()) == w.model.walks.trajectories[i].steps
    assert "η is too large" in d.table.item(2, 3).text()         # η = 0.12 > 0.1

    steps = _pixels(d.plots.steps)
    assert len(np.unique(steps.reshape(-1, 3), axis=0)) > 20       # not a blank plot
    red = (steps[..., 0] > 200) & (steps[..., 1] < 90) & (steps[..., 2] < 90)
    assert red.sum() > 100                               # the gradient runs and the diverged
    heat = _pixels(d.heat.plot)
    assert len(np.unique(heat.reshape(-1, 3), axis=0)) > 30        # a coloured map
    d.grab().save(str(tmp_path / "sweep_dialog.png"))


def test_clicks_give_the_selected_walker_a_learning_rate(bowl_window, qtbot):
    w = bowl_window
    d = open_sweep(w)
    _only(d, "gradient")
    d.lr_min.setValue(0.01)
    d.lr_max.setValue(1.0)
    d.count.setValue(12)
    _run(qtbot, d)
    d.raise_()
    qtbot.waitExposed(d)
    r = d.sweep.of("gradient")
    i = int(np.flatnonzero(r.converged)[-1])
    _click(d.plots.steps, math.log10(r.lrs[i]), float(r.steps[i]))
    qtbot.waitUntil(lambda: w.model.scene.walkers[0].lr == float(f"{r.lrs[i]:.4g}"),
                    timeout=5_000)
    m = d.sweep.momentum
    _click(d.heat.plot, math.log10(m.lrs[20]), float(m.betas[10]))
    qtbot.waitUntil(lambda: w.model.scene.walkers[0].rule == "momentum", timeout=5_000)
    walker = w.model.scene.walkers[0]
    assert walker.lr == float(f"{m.lrs[20]:.4g}")
    assert dict(walker.params)["beta"] == pytest.approx(m.betas[10], abs=1e-3)


def test_cancel_stops_a_long_sweep(bowl_window, qtbot):
    w = bowl_window
    d = open_sweep(w)
    for box in d.rule_boxes.values():
        box.setChecked(True)
    d.lr_min.setValue(1e-6)
    d.count.setValue(5000)
    d.start()
    qtbot.waitUntil(lambda: d.progress.maximum() > 0 and d.progress.value() > 0,
                    timeout=20_000)
    d.cancel_button.click()
    assert not d.running and d.status.text() == "Cancelled." and d.run_button.isEnabled()
    qtbot.waitUntil(lambda: not w.model.workers.running("sweep"), timeout=20_000)
    assert d.sweep is None
