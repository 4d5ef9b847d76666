"""Typeset formulas: LaTeX for f, ∇f and every rule that mathtext renders, and plain text
without ``**`` or ``*`` for when it cannot."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from app.core import math_text as mt
from app.core.expression import compile_expression
from app.core.presets import presets
from app.core.rules import Rule

ONE_ARG = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
           "acosh", "atanh", "exp", "log", "ln", "log2", "log10", "sqrt", "cbrt", "abs", "sign",
           "floor", "ceil"]
TWO_ARGS = ["atan2", "min", "max", "hypot"]
EVERY_FUNCTION = " + ".join([f"{n}(x/3)" for n in ONE_ARG if n != "acosh"]
                            + ["acosh(y + 3)", "max(x, y, 1)"]
                            + [f"{n}(y, x)" for n in TWO_ARGS])
FUNCTIONS = {
    **{name: presets()[name].expression for name in ("peaks", "rosenbrock", "himmelblau")},
    "every function": EVERY_FUNCTION,
    "powers of functions": "cbrt(x)^2 + atan2(y, x)^3 + abs(x)^3 + floor(x)^2 + sign(y)^2 "
                           "+ max(x, y)^2 + tan(x)^2 + asin(x/3)^2",
    "floats": "0.123456789 x + 1e-7 y - 3.5e12 x^2",
    "one variable": "x^3 - sin(x) + cbrt(x)",
}


def _ink(rgba: np.ndarray) -> bool:
    return rgba.ndim == 3 and rgba.shape[2] == 4 and rgba.dtype == np.uint8 \
        and bool((rgba[..., 3] > 128).any())


@pytest.mark.parametrize("rule", list(Rule), ids=lambda r: r.value)
def test_every_rule_renders(rule):
    assert _ink(mt.render_math(mt.rule_latex(rule)))
    assert _ink(mt.render_lines(mt.rule_lines(rule), max_width=300))
    assert "**" not in rule.formula and "*" not in rule.formula


def test_adam_puts_the_hats_on_m_and_v():
    tex = mt.rule_latex(Rule.ADAM)
    assert r"\hat{m}" in tex and r"\hat{v}" in tex and r"\beta_1" in tex
    assert r"\varepsilon" in tex and r"\eta" in tex


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_and_gradient_render(name):
    func = compile_expression(FUNCTIONS[name])
    assert func.gradient_exprs is not None
    for lines in (mt.function_lines(func), mt.gradient_lines(func)):
        assert _ink(mt.render_lines(lines, fontsize=12, dpi=96, max_width=330))
    assert _ink(mt.render_math(mt.latex_of_function(func)))
    assert _ink(mt.render_math(mt.latex_of_gradient(func)))
    for text in (mt.plain_of_function(func), mt.plain_of_gradient(func)):
        assert "**" not in text and "*" not in text


@pytest.mark.parametrize("name", ONE_ARG + TWO_ARGS)
def test_each_allowed_function_alone_and_squared(name):
    arg = "x/2 + 3" if name == "acosh" else "x/2"
    call = f"{name}({arg}, y)" if name in TWO_ARGS else f"{name}({arg})"
    for text in (call, f"{call}^2 + y", f"x*{call}"):
        func = compile_expression(text)
        tex = mt.latex_of_function(func) + mt.latex_of_gradient(func)
        assert r"\operatorname" not in tex and r"\theta" not in tex
        assert _ink(mt.render_lines(mt.function_lines(func) + mt.gradient_lines(func)))
        plain = mt.plain_of_function(func) + mt.plain_of_gradient(func)
        assert "**" not in plain and "*" not in plain


def test_plain_text_is_readable():
    func = compile_expression("x^2 + 3x*y - y^-2 + abs(x) + 1e-7*x + x^(1/3)")
    assert mt.plain_of_function(func).startswith("f(x, y) = ")
    plain = mt.plain_of_function(func) + mt.plain_of_gradient(func)
    assert "x²" in plain and "·" in plain and "|x|" in plain and "10⁻⁷" in plain
    assert "**" not in plain and "*" not in plain
    assert mt.plain_of_gradient(compile_expression("x^2 + y^2")) == "∇f = (2·x, 2·y)"


def test_a_gradient_too_long_to_show():
    func = compile_expression("x^2 + y^2")
    long = type(func)(func.text, func.expr, 2, ("x", "y"), "∇f: too long to show",
                      func._program, None)
    assert mt.plain_of_gradient(long) == "∇f: too long to show"
    assert _ink(mt.render_lines(mt.gradient_lines(long)))
    assert "too" in mt.latex_of_gradient(long)


def test_long_lines_fit_the_width():
    func = compile_expression(presets()["peaks"].expression)
    lines = mt.function_lines(func) + mt.gradient_lines(func)
    wide = mt.render_lines(lines, fontsize=12, dpi=96)
    narrow = mt.render_lines(lines, fontsize=12, dpi=96, max_width=250)
    assert wide.shape[1] > 250 >= narrow.shape[1]
    assert narrow.shape[0] > wide.shape[0]              # wrapped onto more rows
    tiny = mt.render_lines(lines, fontsize=12, dpi=96, max_width=40)
    assert tiny.shape[1] <= 40 and _ink(tiny)            # cut, never wider
    assert len(mt.function_lines(func)[0]) == 3          # one piece a term of the sum


def test_short_sums_are_never_cut_and_huge_ones_are():
    for name in ("rosenbrock", "himmelblau", "peaks"):
        func = compile_expression(presets()[name].expression)
        for line in mt.function_lines(func) + mt.gradient_lines(func):
            assert not any(r"\ldots" in piece for piece in line)
    huge = compile_expression(" + ".join(f"sin({k}x + y)*cos(x - {k}y)" for k in range(1, 30)))
    line = mt.function_lines(huge)[0]
    assert mt.MIN_TERMS <= len(line) <= mt.MAX_PIECES + 1 and r"\ldots" in line[-1]
    assert len(mt.plain_of_function(huge)) <= len("f(x, y) = ") + mt.MAX_PLAIN


def test_colour_and_size():
    red = mt.render_math("x^2 + y^2", color=(200, 10, 20), fontsize=10, dpi=100)
    assert (red[..., :3] == (200, 10, 20)).all()
    big = mt.render_math("x^2 + y^2", fontsize=10, dpi=200)
    assert big.shape[0] > 1.5 * red.shape[0] and big.shape[1] > 1.8 * red.shape[1]


def test_bad_latex_raises_a_value_error():
    with pytest.raises(ValueError):
        mt.render_math(r"\frac{")


def test_matplotlib_is_imported_only_when_rendering():
    code = ("import sys, app.core.math_text\n"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_pi_is_typeset_as_pi():
    """Regression: π came out as a boxed 'Pi' (sympy's own _latex is not consulted)."""
    from app.core.expression import compile_expression
    from app.core.math_text import latex_of_function

    tex = latex_of_function(compile_expression("sin(pi*x/180) + y"))
    assert r"\pi" in tex and "Pi" not in tex


def test_a_term_wider_than_any_panel_is_not_parsed(monkeypatch):
    """One term of 49 nested sin's gradient is ~9,000 LaTeX characters: mathtext took ~2 s
    (and the GUI thread's collector as long for its garbage) to draw what was then cut."""
    from app.core import math_render

    nested = "x + y"
    for _ in range(49):
        nested = f"sin({nested})"
    lines = mt.gradient_lines(compile_expression(nested))
    assert max(len(p) for line in lines for p in line) > math_render.MAX_PIECE_TEX
    parsed: list[str] = []
    piece = math_render._piece

    def spy(tex, fontsize, dpi):
        parsed.append(tex)
        return piece(tex, fontsize, dpi)

    monkeypatch.setattr(math_render, "_piece", spy)
    assert _ink(mt.render_lines(lines, max_width=330))
    assert parsed and max(map(len, parsed)) <= math_render.MAX_PIECE_TEX
