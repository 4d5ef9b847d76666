"""The expression engine: grammar, values and exact derivatives against hand-written numpy."""

import numpy as np
import pytest

from app.core.expression import ExpressionError, compile_expression

SHAPES = [(), (5,), (4, 7)]


def grid(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.2, 2.0, shape), rng.uniform(-2.0, 2.0, shape)


CASES = [  # text, f, df/dx, df/dy
    ("x^2 + y^2", lambda x, y: x**2 + y**2, lambda x, y: 2 * x, lambda x, y: 2 * y),
    ("x**2 * y", lambda x, y: x**2 * y, lambda x, y: 2 * x * y, lambda x, y: x**2),
    ("sin(x)*cos(y)", lambda x, y: np.sin(x) * np.cos(y), lambda x, y: np.cos(x) * np.cos(y),
     lambda x, y: -np.sin(x) * np.sin(y)),
    ("exp(-x^2 - y^2)", lambda x, y: np.exp(-x**2 - y**2),
     lambda x, y: -2 * x * np.exp(-x**2 - y**2), lambda x, y: -2 * y * np.exp(-x**2 - y**2)),
    ("log(x) + sqrt(x) y", lambda x, y: np.log(x) + np.sqrt(x) * y,
     lambda x, y: 1 / x + y / (2 * np.sqrt(x)), lambda x, y: np.sqrt(x)),
    ("2x + 3(y+1)", lambda x, y: 2 * x + 3 * (y + 1), lambda x, y: 2 + 0 * x,
     lambda x, y: 3 + 0 * y),
    ("atan2(y, x)", lambda x, y: np.arctan2(y, x),
     lambda x, y: -y / (x**2 + y**2), lambda x, y: x / (x**2 + y**2)),
    ("hypot(x, y)", lambda x, y: np.hypot(x, y), lambda x, y: x / np.hypot(x, y),
     lambda x, y: y / np.hypot(x, y)),
    ("abs(y) x", lambda x, y: np.abs(y) * x, lambda x, y: np.abs(y), lambda x, y: x * np.sign(y)),
    ("log10(x) + log2(x) + ln(x) + y", lambda x, y: np.log10(x) + np.log2(x) + np.log(x) + y,
     lambda x, y: 1 / (x * np.log(10)) + 1 / (x * np.log(2)) + 1 / x, lambda x, y: 1 + 0 * x),
    ("tanh(x) + sinh(y) + cosh(x*y)", lambda x, y: np.tanh(x) + np.sinh(y) + np.cosh(x * y),
     lambda x, y: 1 - np.tanh(x) ** 2 + y * np.sinh(x * y),
     lambda x, y: np.cosh(y) + x * np.sinh(x * y)),
    ("cbrt(y) + x", lambda x, y: np.cbrt(y) + x, lambda x, y: 1 + 0 * x,
     lambda x, y: 1 / (3 * np.cbrt(y) ** 2)),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("text, f, fx, fy", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_numpy(text, f, fx, fy, shape):
    func = compile_expression(text)
    x, y = grid(shape)
    np.testing.assert_allclose(func.value(x, y), f(x, y), rtol=1e-12)
    gx, gy = func.gradient(x, y)
    assert gx.shape == gy.shape == np.shape(x)
    np.testing.assert_allclose(gx, fx(x, y), rtol=1e-10)
    np.testing.assert_allclose(gy, fy(x, y), rtol=1e-10)
    fv, g = func.value_and_gradient(np.stack([x, y], axis=-1))
    assert g.shape == (*np.shape(x), 2)
    np.testing.assert_allclose(fv, f(x, y), rtol=1e-12)


def test_hessian_of_x2y():
    h = compile_expression("x^2*y").hessian(np.array([1.0, 2.0]), np.array([3.0, -1.0]))
    assert h.shape == (2, 2, 2)
    np.testing.assert_allclose(h[0], [[6, 2], [2, 0]])
    np.testing.assert_allclose(h[1], [[-2, 4], [4, 0]])
    h1 = compile_expression("x^3").hessian(2.0)
    assert h1.shape == (1, 1) and h1[0, 0] == pytest.approx(12)


@pytest.mark.parametrize("text, dim", [("x^2", 1), ("y", 2), ("3", 2), ("x*y", 2),
                                       ("sin(x) + pi", 1), ("e^y", 2)])
def test_dimension(text, dim):
    f = compile_expression(text)
    assert f.dim == dim and len(f.variables) == dim


@pytest.mark.parametrize("a, b", [("2x", "2*x"), ("3(x+1)", "3*(x+1)"), ("2pi", "2*pi"),
                                  ("x^2", "x**2"), ("-x^2", "-(x**2)"), ("2^3^2", "512"),
                                  ("ｘ**2 + ｙ", "x**2 + y"), ("(x+1)(y-1)", "(x+1)*(y-1)"),
                                  ("1e-3x", "0.001*x"), (".5x", "0.5*x"),
                                  ("(1-x)^2 exp(y)", "(1-x)**2*exp(y)"), ("2 x", "2*x")])
def test_grammar_equivalences(a, b):
    x, y = grid((6,), seed=3)
    fa, fb = compile_expression(a), compile_expression(b)
    np.testing.assert_allclose(fa.value(x, y), fb.value(x, y), rtol=1e-14)


def test_undefined_points_are_nan_without_warnings():
    f = compile_expression("log(x) + 1/y")
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    y = np.array([1.0, 1.0, 0.0, 1.0])
    v = f.value(x, y)
    assert np.isnan(v[:3]).all() and v[3] == pytest.approx(np.log(2) + 1)
    gx, gy = f.gradient(x, y)
    assert np.isnan(gx[1]) and np.isnan(gy[2])
    one_d = compile_expression("1/x")
    assert np.isnan(one_d.value(0.0)) and np.isnan(one_d.gradient(0.0)[0])


def test_constant_derivatives_are_broadcast():
    f = compile_expression("3x + 2y")
    gx, gy = f.gradient(np.zeros((3, 4)), np.zeros((3, 4)))
    assert gx.shape == gy.shape == (3, 4) and gx.dtype == np.float64
    assert (gx == 3).all() and (gy == 2).all()
    f0 = compile_expression("7")
    assert f0.value(np.zeros(5), np.zeros(5)).shape == (5,)


def test_gradient_text():
    assert compile_expression("x^2 + y^2").gradient_text == "∇f = (2*x, 2*y)"
    assert compile_expression("x^3").gradient_text == "f′(x) = 3*x**2"


def test_single_points_and_python_floats():
    f = compile_expression("x*y")
    assert float(f.value(2.0, 3.0)) == 6.0
    assert float(f.value(np.float64(2), np.float64(3))) == 6.0
    with pytest.raises(TypeError):
        f.value(1.0)


def test_piecewise_functions_differentiate():
    for text in ("min(x, y)", "max(x, y, 1)", "floor(x) + ceil(y)", "sign(x) + abs(y)"):
        f = compile_expression(text)
        g = np.array(f.gradient(np.array([0.3, 1.7]), np.array([0.9, -0.4])))
        assert np.isfinite(g).all()


def test_error_has_message_and_column():
    with pytest.raises(ExpressionError) as e:
        compile_expression("x + foo")
    assert e.value.column == 4 and "foo" in e.value.message
    assert str(e.value).endswith("(at column 5)")


def test_gradient_exprs_are_sympy_derivatives():
    """sympy expressions (functions are plain subclasses of sympy's: same printing, latex)."""
    import sympy as sp

    from app.core.symbolic import X, Y
    f = compile_expression("x^2 y + sin(y)")
    gx, gy = f.gradient_exprs
    assert gx == 2 * X * Y and str(gy) == str(X**2 + sp.cos(Y))
    assert isinstance(gy.args[-1], sp.cos) and sp.latex(gy) == r"x^{2} + \cos{\left(y \right)}"
    assert f.gradient_text == "∇f = (2*x*y, x**2 + cos(y))"
    assert compile_expression("cbrt(x)").gradient_text == "f′(x) = 1/(3*cbrt(x)**2)"


def test_hessian_shapes_for_arrays_and_points():
    f = compile_expression("x^2*y + y^3")
    assert f.hessian(np.zeros((4, 3)), np.ones((4, 3))).shape == (4, 3, 2, 2)
    assert f.hessian(np.float64(1), np.float64(2)).shape == (2, 2)
    np.testing.assert_allclose(compile_expression("x^4").hessian(np.array([1.0, 2.0]))[:, 0, 0],
                               [12.0, 48.0])
