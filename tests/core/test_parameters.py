"""Parameters of f: declared, never silent; bound at evaluation time, so that changing a value
reuses the parsed and differentiated program."""

from __future__ import annotations

import re

import numpy as np
import pytest

import app.core.expression as expression_module
from app.core.expression import ExpressionError, compile_expression
from app.core.expression_text import is_parameter_name
from app.core.parameters import Sweep, compile_with_params, parse_assignment, parse_sweep

GRID = np.linspace(-1.7, 1.9, 7)
X, Y = np.meshgrid(GRID, GRID + 0.05)


def test_an_undeclared_parameter_is_offered_not_taken():
    with pytest.raises(ExpressionError) as e:
        compile_expression("a*x^2 + y^2")
    assert e.value.message == "unknown name 'a' — make it a parameter?"
    assert e.value.parameter == "a" and e.value.column == 0
    with pytest.raises(ExpressionError) as e:       # the first one in the text is named
        compile_expression("x^2 + kappa*y^2 + b", params={"b": 1.0})
    assert e.value.parameter == "kappa" and e.value.column == 6
    for text in ("foo*x", "sinx", "xy", "z + x", "X^2", "e1"):   # not parameter names
        with pytest.raises(ExpressionError) as e:
            compile_expression(text)
        assert e.value.parameter is None, text


def test_legal_names():
    assert all(is_parameter_name(n) for n in ("a", "b", "k", "t", "w", "kappa", "theta"))
    assert not any(is_parameter_name(n) for n in ("x", "y", "e", "z", "pi", "A", "ab", "",
                                                  "sin", "lambda", 3, None))
    with pytest.raises(ExpressionError, match="'x' cannot be a parameter"):
        compile_expression("x^2", params={"x": 1.0})
    with pytest.raises(ValueError, match="finite"):
        compile_expression("a*x", params={"a": float("nan")})
    with pytest.raises(ValueError, match="must be a number"):
        compile_expression("a*x", params={"a": "3"})   # type: ignore[dict-item]


def test_values_gradient_and_hessian_treat_parameters_as_constants():
    f = compile_expression("a*x^2 + b*x*y + y^2", params={"a": 3.0, "b": -0.5})
    ref = compile_expression("3*x^2 - 0.5*x*y + y^2")
    assert f.parameters == ("a", "b") and f.params == {"a": 3.0, "b": -0.5}
    assert f.dim == 2 and f.variables == ("x", "y")
    np.testing.assert_array_equal(f.value(X, Y), ref.value(X, Y))
    for g, r in zip(f.gradient(X, Y), ref.gradient(X, Y), strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(f.hessian(0.3, 0.2), [[6.0, -0.5], [-0.5, 2.0]], rtol=1e-15)
    assert f.gradient_text == "∇f = (2*a*x + b*y, b*x + 2*y)"


def test_dimension_follows_the_variables_typed_not_the_parameters():
    assert compile_expression("a*x^2 + b", params={"a": 1.0, "b": 2.0}).dim == 1
    assert compile_expression("a*x + y - y", params={"a": 1.0}).dim == 2
    only = compile_expression("a^2", params={"a": 3.0})
    assert only.dim == 2 and only.value(0.5, 0.5) == 9.0


def test_with_params_reuses_the_compiled_program(monkeypatch):
    f = compile_expression("a*x^2 + sin(theta*pi/180)*y^2", params={"a": 3.0, "theta": 90.0})

    def no_parsing(*args, **kwargs):
        raise AssertionError("a value change must not parse again")

    monkeypatch.setattr(expression_module, "parse_program", no_parsing)
    monkeypatch.setattr(expression_module, "bounded_gradient", no_parsing)
    g = f.with_params(a=2.5)
    assert g.params == {"a": 2.5, "theta": 90.0} and f.params["a"] == 3.0   # f unchanged
    # one source program, one sympy tree, one symbolic gradient; only the binding differs
    assert g._source is f._source and g.expr is f.expr and g.gradient_exprs is f.gradient_exprs
    assert g._program is not f._program
    assert g.value(2.0, 1.0) == pytest.approx(2.5 * 4 + 1)
    h = g.with_params({"theta": 30.0}, a=1.0)
    assert h.value(2.0, 1.0) == pytest.approx(4 + 0.5)
    assert f.with_params(a=3.0) is f and f.with_params(q=1.0) is f   # no change, unused name
    with pytest.raises(ValueError, match="finite"):
        f.with_params(a=float("inf"))


def test_bound_program_is_the_program_of_the_typed_number():
    """a·x² with a = 3 is evaluated like 3x² (folded, specialised): same ops, same speed."""
    f = compile_expression("a*x^2 + y^2", params={"a": 3.0})
    assert f._program.ops == compile_expression("3*x^2 + y^2")._program.ops
    rotated = compile_expression("cos(theta*pi/180)*x + sin(theta*pi/180)*y",
                                 params={"theta": 30.0})
    kinds = [op for op, _, _ in rotated._program.ops]
    assert "param" not in kinds and "sin" not in kinds and "cos" not in kinds


def test_domain_follows_the_value_as_if_typed():
    f = compile_expression("x^a + y", params={"a": 2.0})
    assert f.value(-2.0, 0.0) == 4.0                     # as x^2: defined for x < 0
    assert np.isnan(f.with_params(a=0.5).value(-2.0, 0.0))   # as x^0.5
    g = compile_expression("x/a + log(b) + y", params={"a": 0.0, "b": 1.0})
    assert np.isnan(g.value(1.0, 1.0))                   # x/0: undefined, no crash
    assert g.with_params(a=2.0).value(1.0, 1.0) == 1.5
    assert np.isnan(g.with_params(a=2.0, b=-1.0).value(1.0, 1.0))   # log(-1)
    assert np.isnan(g.with_params(a=2.0, b=-1.0).gradient(1.0, 1.0)[0])


def test_compile_with_params_parses_once_per_set_of_names():
    text = "a*x^2 + 0.5*y^2 + b"
    f1 = compile_with_params(text, {"a": 1.0, "b": 0.0})
    f2 = compile_with_params(text, {"a": 4.0, "b": 1.0})
    assert f2._source is f1._source and f2.expr is f1.expr
    assert f2.value(1.0, 2.0) == 4.0 + 2.0 + 1.0
    other = compile_with_params(text, {"a": 4.0, "b": 1.0, "c": 2.0})   # c declared, unused
    assert other.parameters == ("a", "b") and other.value(1.0, 2.0) == 7.0
    with pytest.raises(ExpressionError) as e:
        compile_with_params(text, {"a": 1.0})
    assert e.value.parameter == "b"


def test_assignment_and_sweep_specs():
    assert parse_assignment("a=3") == ("a", 3.0)
    assert parse_assignment(" kappa = 1e2 ") == ("kappa", 100.0)
    assert parse_sweep("a=0.5:5") == Sweep("a", 0.5, 5.0)
    assert parse_sweep("theta=180:0") == Sweep("theta", 180.0, 0.0)   # descending is fine
    for bad, match in [("a", "NAME=VALUE"), ("a=", "not a number"), ("x=1", "cannot be"),
                       ("a=inf", "finite")]:
        with pytest.raises(ValueError, match=match):
            parse_assignment(bad)
    for bad, match in [("a=x:5", "'x' is not a number"), ("a=1", "NAME=FROM:TO"),
                       ("y=0:1", "cannot be a parameter"), ("a=2:2", "the same")]:
        with pytest.raises(ValueError, match=match):
            parse_sweep(bad)
    s = Sweep("a", 0.5, 5.0)
    assert [s.value_at(i, 10) for i in (0, 9)] == [0.5, 5.0]
    assert s.value_at(3, 10) == pytest.approx(0.5 + 4.5 * 3 / 9)
    assert s.value_at(0, 1) == 0.5 and s.label(1.23456) == "a = 1.23"


TEMPLATES = ["a*x^2 + b*y^2", "x^a + y", "a^x + y", "x/a - b/y", "a - x + (b - y)^3",
             "sin(a*x + b) * cos(y/a)", "max(x, a) + min(b, y)", "atan2(y - b, x - a)",
             "sqrt(x - a) + log(y + b)", "exp(-(x^2 + y^2)/a) * b", "(a + b)*x*y",
             "abs(x - a)^b + y"]
VALUES = [(3.0, -0.5), (0.5, 2.0), (2.0, 1.0), (-1.5, 0.25)]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("a, b", VALUES)
def test_a_bound_parameter_is_the_number_typed(template, a, b):
    """f(·; a, b) with parameters equals the text with the numbers typed in: values, ∇f and
    the Hessian, NaN where the typed text is undefined."""
    f = compile_expression(template, params={"a": 9.0, "b": 9.0}).with_params(a=a, b=b)
    try:
        typed = compile_expression(re.sub(r"\bb\b", f"({b!r})",
                                          re.sub(r"\ba\b", f"({a!r})", template)))
    except ExpressionError:     # refused as typed ((-1.5)^x): undefined everywhere here
        assert np.isnan(f.value(X, Y)).all()
        return
    pts = np.stack([X.ravel(), Y.ravel()], -1)
    fv, gv = f.value_and_gradient(pts)
    tv, tg = typed.value_and_gradient(pts)
    np.testing.assert_allclose(fv, tv, rtol=1e-12, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(gv, tg, rtol=1e-12, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(f.hessian(X, Y), typed.hessian(X, Y), rtol=1e-12, atol=1e-12,
                               equal_nan=True)
