"""The side panel shows f, ∇f and the rule typeset, within its width, and plain text when
mathtext cannot render a formula."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.math_text import plain_of_function
from app.core.rules import Rule
from app.ui.panels.math_label import MathLabel
from tests.ui.conftest import dispose, settle

LONG = " + ".join(f"sin({k}x + y/{k})*cos(x - {k}y)" for k in range(1, 8)) + " + x^2 + y^2"


def wait_typeset(qtbot, *labels, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: all(lab.typeset for lab in labels), timeout=timeout)


def fits(label: MathLabel) -> bool:
    img = label.image()
    assert img is not None
    return img.width() / img.devicePixelRatio() <= label.width() + 0.5


def test_panel_shows_f_gradient_and_rule_typeset(make_window, qtbot):
    w = make_window("peaks")
    p = w.panel
    wait_typeset(qtbot, p.f_label, p.grad_label, p.rule_formula)
    for label in (p.f_label, p.grad_label, p.rule_formula):
        assert fits(label) and label.height() > 10
        assert "**" not in label.text() and "*" not in label.text()
    assert p.f_label.text().startswith("f(x, y) = ")
    assert p.grad_label.text().startswith("∇f = (")
    assert r"\frac" in p.f_label.latex() or "e^" in p.f_label.latex()
    assert p.f_label.y() < p.grad_label.y()                 # f above ∇f
    for rule in Rule:
        p.rule_combo.setCurrentIndex(p.rule_combo.findData(rule.value))
        assert p.rule_formula.text() == rule.formula
        wait_typeset(qtbot, p.rule_formula)
        assert fits(p.rule_formula)


def test_a_long_expression_does_not_widen_the_panel(make_window, qtbot):
    assert len(LONG) >= 200
    w = make_window("peaks")
    p = w.panel
    wait_typeset(qtbot, p.f_label, p.grad_label)
    before = p.width()
    w.model.set_expression(LONG)
    settle(qtbot, w)
    qtbot.waitUntil(lambda: p.f_label.text() == plain_of_function(w.model.func),
                    timeout=10_000)
    wait_typeset(qtbot, p.f_label, p.grad_label)
    assert p.width() == before
    assert p.widget().width() <= p.viewport().width()
    assert fits(p.f_label) and fits(p.grad_label)
    assert "**" not in p.grad_label.text() and "*" not in p.grad_label.text()


def test_one_variable_shows_f_prime(make_window, qtbot):
    w = make_window("parabola")
    p = w.panel
    wait_typeset(qtbot, p.f_label, p.grad_label)
    assert p.f_label.text() == "f(x) = x²" and p.grad_label.text() == "f′(x) = 2·x"
    assert r"f^{\prime}(x)" in p.grad_label.latex()
    for action, expected in ((p.grad_label._copy_latex, p.grad_label.latex()),
                             (p.f_label._copy_text, "f(x) = x²")):
        action.trigger()
        assert QGuiApplication.clipboard().text() == expected


def test_unrenderable_latex_falls_back_to_plain_text(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    label = MathLabel("A formula")
    QVBoxLayout(host).addWidget(label)
    host.resize(300, 200)
    host.show()
    qtbot.waitExposed(host)
    label.set_math(((r"\frac{",),), "x² + y²")
    qtbot.waitUntil(lambda: label.failed, timeout=10_000)
    assert label.text() == "x² + y²" and not label.typeset
    assert label.sizeHint().height() >= label.fontMetrics().height()
    label.grab()                                             # paints without raising
    label.set_math(((r"x^2 + y^2",),), "x² + y²")
    wait_typeset(qtbot, label)
    assert not label.failed
    dispose(host)


def test_rerenders_for_a_narrower_width_and_for_the_palette(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    label = MathLabel()
    QVBoxLayout(host).addWidget(label)
    host.resize(600, 200)
    host.show()
    qtbot.waitExposed(host)
    pieces = tuple(f"{{}}+ \\sin({k}x)" for k in range(1, 12))
    label.set_math((("f(x) = x", *pieces),), "f(x) = x + sin(x) + …")
    wait_typeset(qtbot, label)
    wide = label.image()
    assert wide is not None and fits(label)
    host.resize(160, 200)
    qtbot.waitUntil(lambda: label.width() < 200, timeout=5_000)
    wait_typeset(qtbot, label)
    narrow = label.image()
    assert narrow is not None and fits(label) and narrow.height() > wide.height()
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.WindowText, QColor(200, 0, 0))
    label.setPalette(pal)
    wait_typeset(qtbot, label)
    img = label.image()
    assert img is not None
    inked = [img.pixelColor(x, y) for y in range(img.height()) for x in range(img.width())
             if img.pixelColor(x, y).alpha() > 200]
    assert inked and all(c.red() == 200 and c.green() == 0 for c in inked)
    dispose(host)


def test_the_main_window_starts_without_matplotlib():
    code = "import sys, app.ui.main_window\nprint('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
