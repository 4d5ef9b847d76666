"""The side panel's three foldable sections — Function, Walker, Display — built onto the
panel (``function_section(panel)`` …), so ``scene_panel`` keeps only what they do."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.colormaps import NAMES as CMAPS
from app.core.limits import MAX_RESOLUTION, MAX_STEPS, MAX_TOTAL_STEPS, MIN_RESOLUTION
from app.core.presets import presets
from app.core.rules import Rule
from app.ui.panels.math_label import MathLabel
from app.ui.panels.section import Section
from app.ui.panels.widgets import ErrorLabel, LogSpinBox, number_spin, pair, row

PARAMS = {  # rule parameter -> (label, tooltip)
    "beta": ("β", "Momentum β: how much of the previous velocity is kept each step (0…1)"),
    "alpha": ("α", "RMSprop α: decay of the running average of g² (0…1)"),
    "beta1": ("β1", "Adam β1: decay of the running mean of g (0…1)"),
    "beta2": ("β2", "Adam β2: decay of the running mean of g² (0…1)"),
    "eps": ("ε", "ε: added to √s so the step never divides by zero"),
    "c": ("c", "Armijo's constant: a trial step t is taken once f(x − t·g) ≤ f(x) − c·t·‖g‖²"),
}
GRADIENT_TIP = "The gradient, differentiated symbolically"
UNIT_STEP_TIP = " (H(u) is the unit step: 1 where u > 0, 0 where u < 0)"
LIVE_CHECK_MS = 450      # the expression is checked this long after the last keystroke


class ExpressionEdit(QLineEdit):
    """The expression box; Escape gives back the scene's expression (``escaped``)."""

    escaped = Signal()

    def keyPressEvent(self, event) -> None:  # Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)
SCHEDULE_TIP = ("How η changes with the step t: constant, exponential:gamma=0.9, "
                "step:every=10,gamma=0.5, cosine:steps=100, inverse_sqrt, warmup:steps=5 — "
                "join a warm-up and a decay with +, e.g. warmup:steps=5+cosine:steps=100")


class SceneWidgets:
    """The panel's widgets, as the section builders below make them (for the type checker)."""

    model: Any
    preset_combo: QComboBox
    expr_edit: ExpressionEdit
    expr_error: ErrorLabel
    param_button: QPushButton
    f_label: MathLabel
    grad_label: MathLabel
    y_range: QWidget
    domain_form: QFormLayout
    domain_error: ErrorLabel
    walker_box: Section
    walker_form: QFormLayout
    x_min: QDoubleSpinBox
    x_max: QDoubleSpinBox
    y_min: QDoubleSpinBox
    y_max: QDoubleSpinBox
    start_x: QDoubleSpinBox
    start_y: QDoubleSpinBox
    start_error: ErrorLabel
    lr_spin: LogSpinBox
    rule_combo: QComboBox
    rule_formula: MathLabel
    param_spins: dict[str, QDoubleSpinBox]
    noise_spin: QDoubleSpinBox
    seed_spin: QSpinBox
    schedule_edit: QLineEdit
    schedule_error: ErrorLabel
    max_steps: QSpinBox
    resolution: QSpinBox
    cmap_combo: QComboBox
    exaggeration: LogSpinBox
    arrows_check: QCheckBox
    wire_check: QCheckBox


def function_section(p: SceneWidgets) -> Section:
    box = Section("Function")
    lay = QVBoxLayout(box.body)
    p.preset_combo = QComboBox()
    p.preset_combo.setToolTip("Built-in functions: loads the expression, domain, start, "
                                 "rule and learning rate")
    p.preset_combo.addItem("(your own function)", "")
    for preset in presets().values():
        p.preset_combo.addItem(preset.title, preset.name)
    lay.addWidget(p.preset_combo)
    p.expr_edit = ExpressionEdit()
    p.expr_edit.setPlaceholderText("f(x, y) = …   e.g. x^2 + 3y^2")
    p.expr_edit.setToolTip("Type z = f(x, y): the mountain follows as you type (Enter "
                              "to apply at once, Escape to go back). Allowed: numbers, x, "
                              "y, pi, e, + - * / ^, sin cos exp log sqrt abs …; 2x means 2*x")
    p.expr_edit.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    lay.addWidget(p.expr_edit)
    p.expr_error = ErrorLabel()
    lay.addWidget(p.expr_error)
    p.param_button = QPushButton()
    p.param_button.setToolTip("Declare this name as a parameter of f: a slider appears in the "
                              "Parameters section")
    p.param_button.hide()
    lay.addWidget(p.param_button, 0, Qt.AlignmentFlag.AlignLeft)
    p.f_label = MathLabel("The function, as sympy reads it",
                             workers=p.model.workers)
    lay.addWidget(p.f_label)
    p.grad_label = MathLabel(GRADIENT_TIP, muted=True, max_wraps=2,
                                workers=p.model.workers)
    lay.addWidget(p.grad_label)
    form = QFormLayout()
    p.x_min, p.x_max, p.y_min, p.y_max = (
        number_spin(-1e6, 1e6, 3, 0.5, f"{a} of the domain shown and searched")
        for a in ("Smallest x", "Largest x", "Smallest y", "Largest y"))
    form.addRow("x from", pair(p.x_min, p.x_max))
    p.y_range = pair(p.y_min, p.y_max)
    form.addRow("y from", p.y_range)
    p.domain_form = form
    lay.addLayout(form)
    p.domain_error = ErrorLabel()
    lay.addWidget(p.domain_error)
    return box

def walker_section(p: SceneWidgets) -> Section:
    box = Section("Walker")
    p.walker_box = box
    p.walker_form = form = QFormLayout(box.body)
    p.start_x = number_spin(-1e6, 1e6, 4, 0.1, "Where the walker starts: x")
    p.start_y = number_spin(-1e6, 1e6, 4, 0.1, "Where the walker starts: y")
    form.addRow("start x", p.start_x)
    form.addRow("start y", p.start_y)
    p.start_error = ErrorLabel()
    form.addRow(p.start_error)
    p.lr_spin = LogSpinBox(1e-6, 10.0)
    p.lr_spin.setToolTip("Learning rate η (for stride: the step length). Arrows step "
                            "on a log scale; you can type 1e-3")
    form.addRow("η", p.lr_spin)
    p.rule_combo = QComboBox()
    for r in Rule:
        p.rule_combo.addItem(r.value, r.value)
    p.rule_combo.setToolTip("How each step is computed from the gradient g = ∇f")
    form.addRow("rule", p.rule_combo)
    p.rule_formula = MathLabel("The update this rule makes at every step, with "
                                  "g = ∇f(x) and operations per coordinate",
                                  workers=p.model.workers)
    form.addRow(p.rule_formula)
    p.param_spins = {}
    for name, (label, tip) in PARAMS.items():
        spin = (LogSpinBox(1e-12, 0.1) if name in ("eps", "c")
                else number_spin(0.0, 0.9999, 4, 0.01, tip))
        spin.setToolTip(tip)
        p.param_spins[name] = spin
        form.addRow(label, spin)
    p.noise_spin = number_spin(0.0, 100.0, 4, 0.01, "Gradient noise σ: each step sees "
                               "g + σ·ξ with ξ ~ N(0, I) — a stochastic gradient")
    p.seed_spin = QSpinBox()
    p.seed_spin.setRange(0, 2**31 - 1)
    p.seed_spin.setKeyboardTracking(False)
    p.seed_spin.setToolTip("The noise's seed: the same seed gives the same walk, everywhere")
    form.addRow("noise σ", row(p.noise_spin, p.seed_spin, between="seed"))
    p.schedule_edit = QLineEdit()
    p.schedule_edit.setPlaceholderText("constant")
    p.schedule_edit.setToolTip(SCHEDULE_TIP)
    form.addRow("η schedule", p.schedule_edit)
    p.schedule_error = ErrorLabel()
    form.addRow(p.schedule_error)
    p.max_steps = QSpinBox()
    p.max_steps.setRange(1, MAX_STEPS)
    p.max_steps.setKeyboardTracking(False)
    p.max_steps.setToolTip(f"The walker gives up after this many steps (at most "
                           f"{MAX_STEPS:,}, and {MAX_TOTAL_STEPS:,} for all walkers together)")
    form.addRow("max steps", p.max_steps)
    return box

def display_section(p: SceneWidgets) -> Section:
    box = Section("Display")
    form = QFormLayout(box.body)
    p.resolution = QSpinBox()
    p.resolution.setRange(MIN_RESOLUTION, MAX_RESOLUTION)
    p.resolution.setSingleStep(25)
    p.resolution.setKeyboardTracking(False)
    p.resolution.setToolTip("Grid points per side of the surface mesh (finer = smoother, "
                               "slower)")
    form.addRow("mesh", p.resolution)
    p.cmap_combo = QComboBox()
    p.cmap_combo.addItems(list(CMAPS))
    p.cmap_combo.setToolTip("Colours by height")
    form.addRow("colours", p.cmap_combo)
    p.exaggeration = LogSpinBox(0.05, 20.0, steps_per_decade=10)
    p.exaggeration.setToolTip("Vertical exaggeration: stretch or flatten the mountain")
    form.addRow("height ×", p.exaggeration)
    p.arrows_check = QCheckBox("−∇f arrows")
    p.arrows_check.setToolTip("Show arrows of −∇f: the downhill direction at a grid of "
                                 "points")
    p.wire_check = QCheckBox("wireframe")
    p.wire_check.setToolTip("Draw grid lines on the surface")
    form.addRow(row(p.arrows_check, p.wire_check))
    return box
