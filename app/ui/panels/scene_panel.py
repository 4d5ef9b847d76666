"""The side panel: every scene setting as a widget.

Model → panel: ``set_scene``, ``set_function``, ``set_selection`` (and the other
``set_``/``show_`` methods) run with the widgets' signals blocked (QSignalBlocker) and never
write back. Panel → model: the ``_on_<widget>_<signal>`` handlers call the model's methods;
``connect_model`` wires both directions. The Walker section edits the selected walker.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.colormaps import NAMES as CMAPS
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
from app.core.presets import presets
from app.core.rules import Rule
from app.core.scene import Scene
from app.ui.model import SceneModel
from app.ui.panels.math_label import MathLabel
from app.ui.panels.widgets import ErrorLabel, LogSpinBox, number_spin, pair, row
from app.ui.signals import wire

PARAMS = {  # rule parameter -> (label, tooltip)
    "beta": ("β", "Momentum β: how much of the previous velocity is kept each step (0…1)"),
    "alpha": ("α", "RMSprop α: decay of the running average of g² (0…1)"),
    "beta1": ("β1", "Adam β1: decay of the running mean of g (0…1)"),
    "beta2": ("β2", "Adam β2: decay of the running mean of g² (0…1)"),
    "eps": ("ε", "ε: added to √s so the step never divides by zero"),
}
GRADIENT_TIP = "The gradient, differentiated symbolically"
UNIT_STEP_TIP = " (H(u) is the unit step: 1 where u > 0, 0 where u < 0)"


class ScenePanel(QScrollArea):
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
        col.addWidget(self._function_box())
        col.addWidget(self._walker_box())
        col.addWidget(self._display_box())
        col.addWidget(self._play_box())
        self.scene_error = ErrorLabel()
        col.addWidget(self.scene_error)
        col.addStretch(1)
        self.setWidget(body)
        self.set_scene(model.scene)
        self.connect_model(model)

    # ---- construction ----------------------------------------------------------------------
    def _function_box(self) -> QGroupBox:
        box = QGroupBox("Function")
        lay = QVBoxLayout(box)
        self.preset_combo = QComboBox()
        self.preset_combo.setToolTip("Built-in functions: loads the expression, domain, start, "
                                     "rule and learning rate")
        self.preset_combo.addItem("(your own function)", "")
        for p in presets().values():
            self.preset_combo.addItem(p.title, p.name)
        lay.addWidget(self.preset_combo)
        self.expr_edit = QLineEdit()
        self.expr_edit.setPlaceholderText("f(x, y) = …   e.g. x^2 + 3y^2")
        self.expr_edit.setToolTip("Type z = f(x, y) and press Enter. Allowed: numbers, x, y, "
                                  "pi, e, + - * / ^, sin cos exp log sqrt abs …; 2x means 2*x")
        lay.addWidget(self.expr_edit)
        self.expr_error = ErrorLabel()
        lay.addWidget(self.expr_error)
        self.f_label = MathLabel("The function, as sympy reads it",
                                 workers=self.model.workers)
        lay.addWidget(self.f_label)
        self.grad_label = MathLabel(GRADIENT_TIP, muted=True, max_wraps=2,
                                    workers=self.model.workers)
        lay.addWidget(self.grad_label)
        form = QFormLayout()
        self.x_min, self.x_max, self.y_min, self.y_max = (
            number_spin(-1e6, 1e6, 3, 0.5, f"{a} of the domain shown and searched")
            for a in ("Smallest x", "Largest x", "Smallest y", "Largest y"))
        form.addRow("x from", pair(self.x_min, self.x_max))
        form.addRow("y from", pair(self.y_min, self.y_max))
        lay.addLayout(form)
        return box

    def _walker_box(self) -> QGroupBox:
        box = QGroupBox("Walker")
        self.walker_box = box
        self.walker_form = form = QFormLayout(box)
        self.start_x = number_spin(-1e6, 1e6, 4, 0.1, "Where the walker starts: x")
        self.start_y = number_spin(-1e6, 1e6, 4, 0.1, "Where the walker starts: y")
        form.addRow("start x", pair(self.start_x, self.start_y, between="y"))
        self.lr_spin = LogSpinBox(1e-6, 10.0)
        self.lr_spin.setToolTip("Learning rate η (for stride: the step length). Arrows step "
                                "on a log scale; you can type 1e-3")
        form.addRow("η", self.lr_spin)
        self.rule_combo = QComboBox()
        for r in Rule:
            self.rule_combo.addItem(r.value, r.value)
        self.rule_combo.setToolTip("How each step is computed from the gradient g = ∇f")
        form.addRow("rule", self.rule_combo)
        self.rule_formula = MathLabel("The update this rule makes at every step, with "
                                      "g = ∇f(x) and operations per coordinate",
                                      workers=self.model.workers)
        form.addRow(self.rule_formula)
        self.param_spins: dict[str, QDoubleSpinBox] = {}
        for name, (label, tip) in PARAMS.items():
            spin = (LogSpinBox(1e-12, 0.1) if name == "eps"
                    else number_spin(0.0, 0.9999, 4, 0.01, tip))
            spin.setToolTip(tip)
            self.param_spins[name] = spin
            form.addRow(label, spin)
        self.max_steps = QSpinBox()
        self.max_steps.setRange(1, 100_000)
        self.max_steps.setKeyboardTracking(False)
        self.max_steps.setToolTip("The walker gives up after this many steps")
        form.addRow("max steps", self.max_steps)
        return box

    def _display_box(self) -> QGroupBox:
        box = QGroupBox("Display")
        form = QFormLayout(box)
        self.resolution = QSpinBox()
        self.resolution.setRange(8, 1000)
        self.resolution.setSingleStep(25)
        self.resolution.setKeyboardTracking(False)
        self.resolution.setToolTip("Grid points per side of the surface mesh (finer = smoother, "
                                   "slower)")
        form.addRow("mesh", self.resolution)
        self.cmap_combo = QComboBox()
        self.cmap_combo.addItems(list(CMAPS))
        self.cmap_combo.setToolTip("Colours by height")
        form.addRow("colours", self.cmap_combo)
        self.exaggeration = LogSpinBox(0.05, 20.0, steps_per_decade=10)
        self.exaggeration.setToolTip("Vertical exaggeration: stretch or flatten the mountain")
        form.addRow("height ×", self.exaggeration)
        self.arrows_check = QCheckBox("−∇f arrows")
        self.arrows_check.setToolTip("Show arrows of −∇f: the downhill direction at a grid of "
                                     "points")
        self.wire_check = QCheckBox("wireframe")
        self.wire_check.setToolTip("Draw grid lines on the surface")
        form.addRow(row(self.arrows_check, self.wire_check))
        return box

    def _play_box(self) -> QGroupBox:
        box = QGroupBox("Play")
        lay = QVBoxLayout(box)
        form = QFormLayout()
        self.speed = LogSpinBox(0.1, 1000.0, steps_per_decade=6)
        self.speed.setToolTip("Playback speed in steps per second")
        form.addRow("steps/s", self.speed)
        lay.addLayout(form)
        buttons = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play / pause the walker (Space)")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("One step (→)")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the start (R)")
        for b in (self.play_button, self.step_button, self.reset_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        lay.addLayout(buttons)
        return box

    def connect_model(self, m: SceneModel, connect: bool = True) -> None:
        """Model → panel and panel → model, in one place (``connect=False`` undoes it)."""
        pairs = [(m.scene_changed, self.set_scene), (m.function_changed, self.set_function),
                 (m.selection_changed, self.set_selection),
                 (m.expression_error, self.show_expression_error),
                 (m.scene_error, self.scene_error.show_error),
                 (m.playing_changed, self.set_playing),
                 (self.expr_edit.returnPressed, self._on_expr_edit_return_pressed),
                 (self.preset_combo.activated, self._on_preset_combo_activated),
                 (self.lr_spin.valueChanged, self._on_lr_spin_value_changed),
                 (self.rule_combo.currentIndexChanged, self._on_rule_combo_index_changed),
                 (self.max_steps.valueChanged, self._on_max_steps_value_changed),
                 (self.resolution.valueChanged, self._on_resolution_value_changed),
                 (self.cmap_combo.currentTextChanged, self._on_cmap_combo_text_changed),
                 (self.exaggeration.valueChanged, self._on_exaggeration_value_changed),
                 (self.arrows_check.toggled, self._on_arrows_check_toggled),
                 (self.wire_check.toggled, self._on_wire_check_toggled),
                 (self.speed.valueChanged, self._on_speed_value_changed),
                 (self.play_button.clicked, m.toggle_play),
                 (self.step_button.clicked, m.step_forward),
                 (self.reset_button.clicked, m.reset)]
        pairs += [(s.valueChanged, self._on_domain_value_changed)
                  for s in (self.x_min, self.x_max, self.y_min, self.y_max)]
        pairs += [(s.valueChanged, self._on_start_value_changed)
                  for s in (self.start_x, self.start_y)]
        pairs += [(s.valueChanged, self._on_param_value_changed)
                  for s in self.param_spins.values()]
        wire(pairs, connect)

    # ---- model → panel (signals blocked, never writes back) --------------------------------
    def _all_inputs(self) -> list[QWidget]:
        return [self.expr_edit, self.preset_combo, self.x_min, self.x_max, self.y_min,
                self.y_max, self.start_x, self.start_y, self.lr_spin, self.rule_combo,
                *self.param_spins.values(), self.max_steps, self.resolution, self.cmap_combo,
                self.exaggeration, self.arrows_check, self.wire_check, self.speed]

    def set_function(self, func) -> None:
        """f and ∇f typeset (the one-line LaTeX only when copied: a long one takes a while)."""
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
        for box in (self.y_min, self.y_max, self.start_y):
            box.setEnabled(not one_d)
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
        self.max_steps.setValue(s.max_steps)
        self.resolution.setValue(s.resolution)
        self.cmap_combo.setCurrentText(s.cmap)
        self.exaggeration.setValue(s.exaggeration)
        self.arrows_check.setChecked(s.show_arrows)
        self.wire_check.setChecked(s.wireframe)
        self.speed.setValue(s.speed)
        del blockers

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")

    def show_expression_error(self, message: str, column: int) -> None:
        self.expr_error.show_error(message)
        if message and column >= 0:
            text_len = len(self.expr_edit.text())
            col = min(column, max(0, text_len - 1))
            self.expr_edit.setSelection(col, 1 if text_len else 0)

    # ---- panel → model ---------------------------------------------------------------------
    def _on_expr_edit_return_pressed(self) -> None:
        self.model.set_expression(self.expr_edit.text())

    def _on_preset_combo_activated(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name:
            self.model.load_preset(name)

    def _on_domain_value_changed(self, _value: float = 0.0) -> None:
        x = (self.x_min.value(), self.x_max.value())
        y = (self.y_min.value(), self.y_max.value())
        self.model.update(domain=(x, y) if self.scene.dim == 2 else (x,))

    def _on_start_value_changed(self, _value: float = 0.0) -> None:
        start = (self.start_x.value(), self.start_y.value())
        self.model.move_start(start[: self.scene.dim])

    def _on_lr_spin_value_changed(self, value: float) -> None:
        self.model.update_walker(self.selected, lr=value)

    def _on_rule_combo_index_changed(self, _index: int) -> None:
        self.model.update_walker(self.selected, rule=self.rule_combo.currentData())

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

    def _on_speed_value_changed(self, value: float) -> None:
        self.model.update(speed=value)
