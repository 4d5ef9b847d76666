"""The side panel: every scene setting as a widget.

Model → panel: ``set_scene``, ``set_function``, ``set_selection`` (and the other
``set_``/``show_`` methods) run with the widgets' signals blocked (QSignalBlocker) and never
write back. Panel → model: the ``_on_<widget>_<signal>`` handlers call the model's methods;
``connect_model`` wires both directions. The Walker section edits the selected walker.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.math_text import (
    function_lines,
    gradient_lines,
    latex_of_function,
    latex_of_gradient,
    plain_of_function,
    plain_of_gradient,
    rule_latex,
    rule_lines,
)
from app.core.rules import Rule
from app.core.scene import Scene
from app.core.schedules import Schedule
from app.ui.model import SceneModel
from app.ui.panels.parameters_box import ParametersBox
from app.ui.panels.scene_sections import (
    GRADIENT_TIP,
    LIVE_CHECK_MS,
    UNIT_STEP_TIP,
    SceneWidgets,
    display_section,
    function_section,
    walker_section,
)
from app.ui.panels.widgets import ErrorLabel
from app.ui.signals import wire


class ScenePanel(SceneWidgets, QScrollArea):
    def __init__(self, model: SceneModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.scene = model.scene
        self.selected = 0
        self._shown_expression: str | None = None
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        col = QVBoxLayout(body)
        self.scene_error = ErrorLabel()
        col.addWidget(self.scene_error)
        self.parameters = ParametersBox(model)
        self.sections = [function_section(self), self.parameters, walker_section(self),
                         display_section(self)]
        self._offered = ""
        self._typeset_expr = None
        for section in self.sections:
            col.addWidget(section)
        col.addStretch(1)
        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.setInterval(LIVE_CHECK_MS)
        self._sent_expression: str | None = None
        self._typing = False                 # the last check was a live one, mid-typing
        self.setWidget(body)
        self.set_scene(model.scene)
        self.connect_model(model)

    def connect_model(self, m: SceneModel, connect: bool = True) -> None:
        """Model → panel and panel → model, in one place (``connect=False`` undoes it)."""
        pairs = [(m.scene_changed, self.set_scene), (m.function_changed, self.set_function),
                 (m.selection_changed, self.set_selection),
                 (m.expression_error, self.show_expression_error),
                 (m.scene_error, self._on_model_scene_error),
                 (m.parameter_offered, self._on_model_parameter_offered),
                 (self.param_button.clicked, self._on_param_button_clicked),
                 (self.expr_edit.returnPressed, self._on_expr_edit_return_pressed),
                 (self.expr_edit.textEdited, self._on_expr_edit_text_edited),
                 (self.expr_edit.escaped, self._on_expr_edit_escaped),
                 (self._live.timeout, self._on_live_timeout),
                 (self.preset_combo.activated, self._on_preset_combo_activated),
                 (self.lr_spin.valueChanged, self._on_lr_spin_value_changed),
                 (self.rule_combo.currentIndexChanged, self._on_rule_combo_index_changed),
                 (self.max_steps.valueChanged, self._on_max_steps_value_changed),
                 (self.resolution.valueChanged, self._on_resolution_value_changed),
                 (self.cmap_combo.currentTextChanged, self._on_cmap_combo_text_changed),
                 (self.exaggeration.valueChanged, self._on_exaggeration_value_changed),
                 (self.arrows_check.toggled, self._on_arrows_check_toggled),
                 (self.wire_check.toggled, self._on_wire_check_toggled),
]
        pairs += [(s.valueChanged, self._on_domain_value_changed)
                  for s in (self.x_min, self.x_max, self.y_min, self.y_max)]
        pairs += [(s.valueChanged, self._on_start_value_changed)
                  for s in (self.start_x, self.start_y)]
        pairs += [(s.valueChanged, self._on_param_value_changed)
                  for s in self.param_spins.values()]
        pairs += [(self.noise_spin.valueChanged, self._on_noise_spin_value_changed),
                  (self.seed_spin.valueChanged, self._on_seed_spin_value_changed),
                  (self.schedule_edit.editingFinished, self._on_schedule_edit_finished)]
        wire(pairs, connect)
        self.parameters.connect_model(m, connect)

    # ---- model → panel (signals blocked, never writes back) --------------------------------
    def _all_inputs(self) -> list[QWidget]:
        return [self.expr_edit, self.preset_combo, self.x_min, self.x_max, self.y_min,
                self.y_max, self.start_x, self.start_y, self.lr_spin, self.rule_combo,
                *self.param_spins.values(), self.noise_spin, self.seed_spin,
                self.schedule_edit, self.max_steps, self.resolution, self.cmap_combo,
                self.exaggeration, self.arrows_check, self.wire_check]

    def set_function(self, func) -> None:
        """f and ∇f typeset (the one-line LaTeX only when copied: a long one takes a while);
        not again when only a parameter's value moved (the same f, re-bound)."""
        if func.expr is self._typeset_expr:
            return
        self._typeset_expr = func.expr
        self.f_label.set_math(function_lines(func), plain_of_function(func),
                              lambda: latex_of_function(func))
        grad = plain_of_gradient(func)
        self.grad_label.title = GRADIENT_TIP + (UNIT_STEP_TIP if "H(" in grad else "")
        self.grad_label.set_math(gradient_lines(func), grad, lambda: latex_of_gradient(func))

    def set_selection(self, index: int) -> None:
        self.selected = index
        self.set_scene(self.scene)

    def set_scene(self, s: Scene) -> None:
        self.scene = s
        self.selected = min(self.selected, len(s.walkers) - 1)
        w = s.walkers[self.selected]
        blockers = [QSignalBlocker(b) for b in self._all_inputs()]
        if s.expression != self._shown_expression:   # keep text the user is still fixing
            self._shown_expression = s.expression
            if s.expression != self._sent_expression or not self.expr_edit.hasFocus():
                self._sent_expression = None       # (the text being typed stays as it is)
                self.expr_edit.setText(s.expression)
                self.expr_edit.setCursorPosition(0)
            self.expr_error.show_error("")
        many = len(s.walkers) > 1
        self.walker_box.setTitle(f"Walker {self.selected + 1} of {len(s.walkers)}" if many
                                 else "Walker")
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(s.preset or "")))
        (x0, x1), *rest = s.domain
        self.x_min.setValue(x0)
        self.x_max.setValue(x1)
        one_d = s.dim == 1
        if not one_d:
            self.y_min.setValue(rest[0][0])
            self.y_max.setValue(rest[0][1])
            self.start_y.setValue(w.start[1])
        self.domain_form.setRowVisible(self.y_range, not one_d)   # 1-D: no y at all
        self.walker_form.setRowVisible(self.start_y, not one_d)
        label = self.walker_form.labelForField(self.start_x)
        if isinstance(label, QLabel):
            label.setText("start" if one_d else "start x")
        self.expr_edit.setPlaceholderText("f(x) = …   e.g. x^4 - 3x^2 + x" if one_d
                                          else "f(x, y) = …   e.g. x^2 + 3y^2")
        self.start_x.setValue(w.start[0])
        self.lr_spin.setValue(w.lr)
        rule = Rule.parse(w.rule)
        self.rule_combo.setCurrentIndex(self.rule_combo.findData(rule.value))
        self.rule_formula.set_math(rule_lines(rule), rule.formula, rule_latex(rule))
        values = rule.params(w.lr, **dict(w.params))
        for name, spin in self.param_spins.items():
            self.walker_form.setRowVisible(spin, name in rule.defaults)
            if name in values:
                spin.setValue(values[name])
        self.noise_spin.setValue(w.noise)
        self.seed_spin.setValue(w.seed)
        self.seed_spin.setEnabled(w.noise > 0)
        self.schedule_edit.setText("" if w.schedule == "constant" else w.schedule)
        self.max_steps.setValue(s.max_steps)
        self.resolution.setValue(s.resolution)
        self.cmap_combo.setCurrentText(s.cmap)
        self.exaggeration.setValue(s.exaggeration)
        self.arrows_check.setChecked(s.show_arrows)
        self.wire_check.setChecked(s.wireframe)
        del blockers
        for label in (self.domain_error, self.start_error, self.schedule_error):
            label.show_error("")
        for spin in (self.x_min, self.x_max, self.y_min, self.y_max, self.start_x,
                     self.start_y):
            _mark(spin, False)

    def show_expression_error(self, message: str, column: int) -> None:
        self.expr_error.show_error(message)
        if message and column >= 0 and not self._typing:   # (never under a typing cursor)
            text_len = len(self.expr_edit.text())
            col = min(column, max(0, text_len - 1))
            self.expr_edit.setSelection(col, 1 if text_len else 0)

    # ---- panel → model ---------------------------------------------------------------------
    def _on_expr_edit_return_pressed(self) -> None:
        self._live.stop()
        self._send_expression()
        self.expr_edit.clearFocus()          # Space plays again, R resets …

    def _on_expr_edit_text_edited(self, _text: str) -> None:
        self._live.start()                   # checked when the typing pauses

    def _on_live_timeout(self) -> None:
        self._send_expression(typing=True)

    def _send_expression(self, typing: bool = False) -> None:
        self._typing = typing
        text = self.expr_edit.text()
        if text != self._sent_expression:
            self._sent_expression = text
            self.model.set_expression(text)

    def _on_expr_edit_escaped(self) -> None:
        """Back to the expression of the mountain shown; the error goes."""
        self._live.stop()
        self._sent_expression = None
        self.expr_edit.setText(self.scene.expression)
        self.expr_error.show_error("")
        self.expr_edit.clearFocus()

    def _on_model_parameter_offered(self, name: str) -> None:
        """'unknown name a — make it a parameter?': one click does it (never silently)."""
        self._offered = name
        self.param_button.setText(f"Make {name} a parameter")
        self.param_button.setVisible(bool(name))

    def _on_param_button_clicked(self) -> None:
        if self._offered:
            self.model.declare_parameter(self._offered, self.expr_edit.text())
            self.param_button.hide()

    def _on_model_scene_error(self, message: str) -> None:
        self.scene_error.show_error(message)

    def keyPressEvent(self, event) -> None:  # Qt override
        """Escape in a field (one that does not use it itself): every field back to the
        scene's values, the errors gone."""
        if event.key() == Qt.Key.Key_Escape:
            self.set_scene(self.scene)
            return
        super().keyPressEvent(event)

    def _on_preset_combo_activated(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name:
            self.model.load_preset(name)

    def _on_domain_value_changed(self, _value: float = 0.0) -> None:
        """A bad range keeps what was typed, marked, with the reason beside it."""
        x = (self.x_min.value(), self.x_max.value())
        y = (self.y_min.value(), self.y_max.value())
        domain = (x, y) if self.scene.dim == 2 else (x,)
        try:
            self.scene.replace(domain=domain)
        except (ValueError, TypeError) as e:
            self.domain_error.show_error(f"{e} — fix it or press Escape")
            _mark(self.x_min, x[0] >= x[1])
            _mark(self.x_max, x[0] >= x[1])
            _mark(self.y_min, y[0] >= y[1] and self.scene.dim == 2)
            _mark(self.y_max, y[0] >= y[1] and self.scene.dim == 2)
            return
        self.domain_error.show_error("")
        self.model.update(domain=domain)

    def _on_start_value_changed(self, _value: float = 0.0) -> None:
        start = (self.start_x.value(), self.start_y.value())[: self.scene.dim]
        try:
            self.scene.move_start(self.selected, start)
        except (ValueError, TypeError) as e:
            self.start_error.show_error(f"{e} — fix it or press Escape")
            return
        self.start_error.show_error("")
        self.model.move_start(start)

    def _on_lr_spin_value_changed(self, value: float) -> None:
        self.model.update_walker(self.selected, lr=value)

    def _on_rule_combo_index_changed(self, _index: int) -> None:
        """A rule whose η means the same whatever f is (Newton, the line searches) starts
        from its own η = 1; the others keep the walker's η."""
        rule = Rule.parse(self.rule_combo.currentData())
        changes: dict = {"rule": rule.value}
        if rule.default_lr is not None:
            changes["lr"] = rule.default_lr
        self.model.update_walker(self.selected, **changes)

    def _on_noise_spin_value_changed(self, value: float) -> None:
        self.model.update_walker(self.selected, noise=value)

    def _on_seed_spin_value_changed(self, value: int) -> None:
        self.model.update_walker(self.selected, seed=value)

    def _on_schedule_edit_finished(self) -> None:
        text = self.schedule_edit.text().strip() or "constant"
        try:
            spec = str(Schedule.parse(text))
        except ValueError as e:
            self.schedule_error.show_error(f"{e} — fix it or press Escape")
            return
        self.schedule_error.show_error("")
        self.model.update_walker(self.selected, schedule=spec)

    def _on_param_value_changed(self, _value: float = 0.0) -> None:
        known = Rule.parse(self.scene.walkers[self.selected].rule).defaults
        params = tuple((k, s.value()) for k, s in self.param_spins.items() if k in known)
        self.model.update_walker(self.selected, params=params)

    def _on_max_steps_value_changed(self, value: int) -> None:
        self.model.update(max_steps=value)

    def _on_resolution_value_changed(self, value: int) -> None:
        self.model.update(resolution=value)

    def _on_cmap_combo_text_changed(self, name: str) -> None:
        self.model.update(cmap=name)

    def _on_exaggeration_value_changed(self, value: float) -> None:
        self.model.update(exaggeration=value)

    def _on_arrows_check_toggled(self, on: bool) -> None:
        self.model.update(show_arrows=on)

    def _on_wire_check_toggled(self, on: bool) -> None:
        self.model.update(wireframe=on)



def _mark(widget: QWidget, bad: bool) -> None:
    """A red frame round a field whose value was refused."""
    widget.setStyleSheet("QAbstractSpinBox { border: 2px solid #d23c3c; }" if bad else "")
