"""Random actions on the real window (tests/ui/test_random_actions.py): each
is a method of ``Driver``, chosen with a weight from a seeded ``random.Random``."""

from __future__ import annotations

import random
from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog

from app.core.lesson import builtin_lessons
from app.core.presets import presets
from app.core.rules import Rule
from app.ui.dialogs.scene_actions import open_from
from app.ui.lesson_player import lesson_player

GOOD_2D = ["x^2 + y^2", "sin(x)*cos(y)", "1/x + y", "log(x) + y^2", "sqrt(x^2 + y^2)",
           "abs(x) + abs(y)", "exp(-x^2-y^2)", "tan(x*y)", "(1-x)^2 + 100(y-x^2)^2", "x*y",
           "atan2(y, x)", "max(x, y)", "1e6 x^2 + y^2", "x^2 - y^2", "a*x^2 + y^2"]
GOOD_1D = ["x^2", "x^4 - 3x^2 + x", "sin(3x) + x^2/4", "abs(x)", "3", "exp(x)", "log(x)",
           "1/x", "sqrt(x)", "k*x^2"]
BAD = ["x^^2", "", "   ", "sin(", "x +* y", "foo(x)", "z + x", "x y )", "import os",
       "__class__", "@", "xxxxx(", "2 ** ** 3", "q*x^2 + y^2", "x^2 + y^2 +"]
HOSTILE = ["1/0", "log(-1)", "0/0", "1e308 * x^2 * 1e308", "10^400 + x", "x^1000000",
           "9^9^9^9", "exp(exp(exp(x)))", "exp(1000) * y", "sqrt(-1) + x", "x/0",
           "nan + x", "inf * y", "asin(x + 5)", "(" * 60 + "x" + ")" * 60,
           " + ".join(f"{i}*x^2" for i in range(400)), "x" + "+x" * 3000, "1" * 400 + "*x",
           "x^2 + y^2 " * 50, "tan(x)^-1 + y", "0^x + y", "(-8)^(1/3) * x", "x^y"]
WALKER_CELLS = {1: [r.value for r in Rule] + ["adamm", "", "NEWTON"],
                2: ["0.1", "0.01", "1e-3", "2", "0", "-1", "nan", "inf", "1e300", "abc"],
                5: ["beta=0.5", "beta1=0.8, beta2=0.99", "eps=1e-8", "zz=1", "beta=", "="]}
SCHEDULES = ["", "exponential:gamma=0.9", "cosine:steps=50", "warmup:steps=5+inverse_sqrt",
             "step:every=0", "nonsense", "cosine:steps=-1"]
SCENES = ["resources/scenes/one-dimensional-slope.json",
          "resources/scenes/walker-on-the-mountain.json"]


class Driver:
    """The random actions on one window; ``run(n)`` takes n of them."""

    def __init__(self, w, qtbot, rng: random.Random) -> None:
        self.w, self.qtbot, self.rng, self.m, self.p = w, qtbot, rng, w.model, w.panel
        self.presets = list(presets())
        self.toggles = [w.arrows_action, w.wire_action, w.legend_action, w.colorbar_action,
                        w.step_parts_action, w.curvature_axes_action, w.light_action,
                        w.pick_action, *(d.toggleViewAction() for d in w.docks())]
        self.counts: dict[str, int] = {}
        self.after: Callable[[int], None] = lambda _i: None   # called every 100 actions
        # the mouse may be anywhere when a new function, scene or walk arrives
        for signal in (self.m.function_changed, self.m.scene_changed, self.m.walks_changed,
                       self.m.map_changed):
            signal.connect(self._maybe_hover)

    def actions(self) -> list[tuple[int, Callable[[], None]]]:
        return [(14, self.type_expression), (3, self.live_typing), (5, self.choose_preset),
                (12, self.playback), (6, self.move_start), (6, self.walker_cell),
                (3, self.add_or_remove), (3, self.select_walker), (7, self.toggle_view),
                (5, self.undo_redo), (2, self.resize), (1, self.presentation),
                (1, self.basins), (5, self.panel_fields), (2, self.seek),
                (1, self.open_scene), (1, self.lesson), (1, self.compare), (2, self.parameter),
                (4, self.hover), (3, self.pick), (2, self.camera), (1, self.loss_options),
                (6, self.wait)]

    def run(self, n: int) -> None:
        weights, moves = zip(*self.actions(), strict=True)
        for i in range(n):
            act = self.rng.choices(moves, weights)[0]
            self.counts[act.__name__] = self.counts.get(act.__name__, 0) + 1
            act()
            QApplication.processEvents()
            if i % 4 == 3:
                self.qtbot.wait(self.rng.choice([1, 3, 8]))
            if i % 100 == 99:
                self.close_dialogs()
                self.after(i)

    # ---- the function ----------------------------------------------------------------------
    def _expression(self) -> str:
        return self.rng.choice(self.rng.choice([GOOD_2D, GOOD_2D, GOOD_1D, BAD, HOSTILE]))

    def type_expression(self) -> None:
        self.p.expr_edit.setText(self._expression())
        self.qtbot.keyClick(self.p.expr_edit, Qt.Key.Key_Return)

    def live_typing(self) -> None:
        text = self._expression()
        self.p.expr_edit.setText(text)
        self.p.expr_edit.textEdited.emit(text)
        if self.rng.random() < 0.3:
            self.qtbot.keyClick(self.p.expr_edit, Qt.Key.Key_Escape)

    def choose_preset(self) -> None:
        if self.rng.random() < 0.5:
            combo = self.p.preset_combo
            combo.setCurrentIndex(self.rng.randrange(combo.count()))
            combo.activated.emit(combo.currentIndex())
        else:
            self.m.load_preset(self.rng.choice(self.presets))

    def open_scene(self) -> None:
        open_from(self.w, self.rng.choice(SCENES))

    def lesson(self) -> None:
        """A built-in lesson opened, its next or previous step, or closed."""
        player, r = lesson_player(self.w), self.rng.random()
        assert player is not None
        if player.lesson is None or r < 0.2:
            player.load(self.rng.choice(builtin_lessons()))
        elif r < 0.85:
            (player.next_action if r < 0.6 else player.previous_action).trigger()
        else:
            player.close_action.trigger()

    def parameter(self) -> None:
        """'Make a a parameter' when offered, or a parameter's slider, value or range."""
        p = self.p
        if p.param_button.isVisibleTo(p):
            p.param_button.click()
            return
        rows = p.parameters.rows
        if not rows:
            return
        row, rng = self.rng.choice(rows), self.rng
        rng.choice([lambda: row.slider.setValue(rng.randrange(0, 1001)),
                    lambda: row.value.setValue(rng.uniform(-50, 50)),
                    lambda: row.low.setValue(rng.uniform(-5, 5)),
                    lambda: row.high.setValue(rng.uniform(-5, 5))])()

    # ---- playback and walkers --------------------------------------------------------------
    def playback(self) -> None:
        w = self.w
        self.rng.choice([w.play_action, w.play_action, w.step_action, w.back_action,
                         w.reset_action]).trigger()

    def seek(self) -> None:
        s = self.w.loss.slider
        s.setValue(self.rng.randrange(s.minimum(), s.maximum() + 1))

    def move_start(self) -> None:
        dom = self.m.scene.domain
        start = tuple(self.rng.uniform(lo - 0.5 * (hi - lo), hi + 0.5 * (hi - lo))
                      for lo, hi in dom)
        if self.rng.random() < 0.5:
            self.m.move_start(start)
        else:
            self.p.start_x.setValue(start[0])
            if len(start) > 1 and self.rng.random() < 0.7:
                self.p.start_y.setValue(start[1])

    def walker_cell(self) -> None:
        t = self.w.walkers.table
        col = self.rng.choice([1, 2, 2, 3, 4, 5])
        texts = WALKER_CELLS.get(col, [f"{self.rng.uniform(-8, 8):.3g}", "x", "1e400"])
        item = t.item(self.rng.randrange(max(1, t.rowCount())), col)
        if item is not None:
            item.setText(self.rng.choice(texts))
        if self.rng.random() < 0.2:
            self.qtbot.keyClick(self.w.walkers, Qt.Key.Key_Escape)

    def add_or_remove(self) -> None:
        wp = self.w.walkers
        add = len(self.m.scene.walkers) < 6 and self.rng.random() < 0.6
        (wp.add_button if add else wp.remove_button).click()

    def select_walker(self) -> None:
        t = self.w.walkers.table
        t.setCurrentCell(self.rng.randrange(max(1, t.rowCount())), 1)

    def compare(self) -> None:
        self.w.compare_action.trigger()

    def panel_fields(self) -> None:
        p, rng = self.p, self.rng
        rng.choice([
            lambda: p.lr_spin.setValue(10 ** rng.uniform(-6, 1)),
            lambda: p.rule_combo.setCurrentIndex(rng.randrange(p.rule_combo.count())),
            lambda: p.max_steps.setValue(rng.choice([1, 5, 50, 300])),
            lambda: p.resolution.setValue(rng.randrange(8, 50)),
            lambda: p.exaggeration.setValue(10 ** rng.uniform(-1.3, 1.3)),
            lambda: rng.choice([p.x_min, p.x_max, p.y_min, p.y_max]).setValue(
                rng.choice([rng.uniform(-12, 12), rng.uniform(-1e5, 1e5), 1e-4])),
            lambda: self.w.transport.speed.setValue(10 ** rng.uniform(0, 3)),
            lambda: p.noise_spin.setValue(rng.choice([0.0, 0.0, 0.1, 5.0])),
            lambda: (p.schedule_edit.setText(rng.choice(SCHEDULES)),
                     p.schedule_edit.editingFinished.emit()),
            lambda: self.qtbot.keyClick(p, Qt.Key.Key_Escape),
        ])()

    # ---- the window ------------------------------------------------------------------------
    def toggle_view(self) -> None:
        self.rng.choice(self.toggles).trigger()

    def undo_redo(self) -> None:
        (self.w.undo_action if self.rng.random() < 0.6 else self.w.redo_action).trigger()

    def resize(self) -> None:
        if not self.w.presentation.on:
            self.w.resize(self.rng.randrange(480, 860), self.rng.randrange(360, 600))

    def presentation(self) -> None:
        self.w.presentation_action.trigger()

    def loss_options(self) -> None:
        loss = self.w.loss
        (loss.log.toggle if self.rng.random() < 0.5 else
         lambda: loss.quantity.setCurrentIndex(1 - loss.quantity.currentIndex()))()

    def basins(self) -> None:
        """Run → Basins…, N = 8 typed into the dialog; cancelled now, later, or left to end."""
        def answer() -> None:
            ask = QApplication.activeModalWidget()
            if isinstance(ask, QInputDialog):
                ask.setIntValue(8)
                ask.done(QDialog.DialogCode.Accepted)
        QTimer.singleShot(0, answer)
        self.w.basins_action.trigger()
        run = self.w.basins_run
        choice = self.rng.random()
        if choice < 0.8:
            self.qtbot.wait(self.rng.choice([0, 0, 5, 30, 100]))
            if run.progress is not None:
                run.progress.cancel()
        elif choice < 0.9:
            self.w.clear_basins_action.trigger()

    def close_dialogs(self) -> None:
        run = self.w.basins_run
        if run.progress is not None:
            run.progress.cancel()
        if run.result_dialog is not None:
            run.result_dialog.close()

    # ---- the mouse -------------------------------------------------------------------------
    def _maybe_hover(self, _value: object) -> None:
        """Right after (never inside: a real mouse event waits for the slot to end)."""
        if self.rng.random() < 0.3:
            QTimer.singleShot(0, self.hover)

    def _target(self):
        widget = self.rng.choice([self.w.map, self.w.curve_view, self.w.view])
        if not widget.isVisible():
            return None, None
        return widget, (widget.viewport() if hasattr(widget, "viewport") else widget)

    def _point(self, widget) -> QPoint:
        return QPoint(self.rng.randrange(max(1, widget.width())),
                      self.rng.randrange(max(1, widget.height())))

    def hover(self) -> None:
        """The mouse over the map, the 1-D curve or the 3D view (hover readouts)."""
        _widget, target = self._target()
        if target is not None:
            self.qtbot.mouseMove(target, self._point(target))

    def pick(self) -> None:
        """A click or a drag that picks a start: Shift+drag on the mountain, or on the map."""
        widget, target = self._target()
        if target is None:
            return
        shift = Qt.KeyboardModifier.ShiftModifier if widget is self.w.view \
            else Qt.KeyboardModifier.NoModifier
        left = Qt.MouseButton.LeftButton
        self.qtbot.mousePress(target, left, shift, self._point(target))
        for _ in range(self.rng.randrange(0, 4)):
            self.qtbot.mouseMove(target, self._point(target))
            self.qtbot.wait(self.rng.choice([1, 20]))
        if self.rng.random() < 0.15:
            self.qtbot.keyClick(target, Qt.Key.Key_Escape)
        self.qtbot.mouseRelease(target, left, shift, self._point(target))

    def camera(self) -> None:
        """Orbit (a plain drag), zoom (the wheel) or Home on the 3D view."""
        v, rng = self.w.view, self.rng
        if not v.isVisible():
            return
        choice = rng.random()
        if choice < 0.4:
            left = Qt.MouseButton.LeftButton
            self.qtbot.mousePress(v, left, Qt.KeyboardModifier.NoModifier, self._point(v))
            self.qtbot.mouseMove(v, self._point(v))
            self.qtbot.mouseRelease(v, left, Qt.KeyboardModifier.NoModifier, self._point(v))
        elif choice < 0.8:
            pos = QPointF(self._point(v))
            wheel = QWheelEvent(pos, v.mapToGlobal(pos), QPoint(), QPoint(0, rng.choice(
                [-480, -120, 120, 480])), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                Qt.ScrollPhase.NoScrollPhase, False)
            QApplication.sendEvent(v, wheel)
        else:
            self.w.reset_camera_action.trigger()

    def wait(self) -> None:
        self.qtbot.wait(self.rng.choice([5, 20, 60]))
