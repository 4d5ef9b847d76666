"""Automatic derivatives against sympy's symbolic ones: ∇f and the Hessian to ~1e-9 relative."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.expression import ExpressionError, compile_expression
from app.core.symbolic import X, Y
from tests.core.test_expression_fuzz import GRAMMAR

MODULES = [{"cbrt": np.cbrt, "Heaviside": lambda a, h0=0.5: np.heaviside(a, h0)}, "numpy"]


def _diff(e, s):
    """sympy's derivative with the almost-everywhere zeros of floor/ceil/sign made explicit."""
    d = sp.diff(e, s).replace(lambda t: isinstance(t, sp.DiracDelta), lambda t: sp.S.Zero)
    return d.replace(lambda t: isinstance(t, sp.Derivative | sp.Subs), lambda t: sp.S.Zero)

ORDINARY = [  # text, range of the random points (away from the edges of the domain)
    ("3(1-x)^2 exp(-x^2-(y+1)^2) - 10(x/5 - x^3 - y^5) exp(-x^2-y^2) - 1/3 exp(-(x+1)^2-y^2)",
     3.0),
    ("(1-x)^2 + 100(y - x^2)^2", 2.0),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", 5.0),
    ("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", 4.0),
    ("(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x*y + 3y^2)) (30 + (2x - 3y)^2 (18 - 32x"
     " + 12x^2 + 48y - 36x*y + 27y^2))", 2.0),
    ("20 + x^2 - 10cos(2pi*x) + y^2 - 10cos(2pi*y)", 5.0),
    ("-20exp(-0.2sqrt(0.5(x^2+y^2))) - exp(0.5(cos(2pi*x)+cos(2pi*y))) + e + 20", 4.0),
    ("x^4 - 3x^2 + x", 2.0),
    ("sin(x) cos(y) + tan(x/3)", 2.0),
    ("asin(x/3) + acos(y/3) + atan(x*y)", 2.5),
    ("atan2(y, x) + hypot(x, y)", 2.0),
    ("sinh(x/2) + cosh(y/2) + tanh(x*y)", 2.0),
    ("asinh(x) + acosh(y^2 + 2) + atanh(x/3)", 2.5),
    ("exp(-x^2) log(y^2 + 1) + ln(x^2 + 1)", 2.0),
    ("log2(x^2 + 1) + log10(y^2 + 2) + sqrt(x^2 + y^2 + 1)", 2.0),
    ("cbrt(x + 5) + abs(y) x + sign(x) + floor(x) + ceil(y)", 2.0),
    ("min(x, y, x*y) + max(x^2, y, 1)", 2.0),
    ("x^y + 2^x + y^(1/3)", 2.0),
    ("1/(x^2 + 1) + x/(y^2 + 2)", 2.0),
]


def _reference(func, order):
    """sympy's f, ∇f (order 1) or Hessian (order 2) of ``func.expr`` as numpy functions."""
    syms = (X, Y)[: func.dim]
    grad = [_diff(func.expr, s) for s in syms]
    outs = grad if order == 1 else [_diff(g, s) for g in grad for s in syms]
    fn = sp.lambdify(syms, outs, modules=MODULES)

    def ref(*p):
        with np.errstate(all="ignore"):
            return [np.broadcast_to(np.asarray(o, float), p[0].shape) for o in fn(*p)]
    return ref


def _points(func, scale, n=50, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-scale, scale, n) for _ in range(func.dim)]


def _close(ours, ref, rtol=1e-9):
    ours, ref = np.asarray(ours), np.asarray(ref)
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=rtol * np.nanmax(np.abs(ref)) + 1e-300)


@pytest.mark.parametrize("text, scale", ORDINARY, ids=[t[:32] for t, _ in ORDINARY])
def test_gradient_and_hessian_match_sympy(text, scale):
    func = compile_expression(text)
    pts = _points(func, scale)
    undefined = np.isnan(func.value(*pts))   # f undefined (y^(1/3), y < 0): so is ∇f
    for ours, ref in zip(func.gradient(*pts), _reference(func, 1)(*pts), strict=True):
        assert np.isnan(ours[undefined]).all()
        _close(ours[~undefined], ref[~undefined])
    h = func.hessian(*pts)
    d = func.dim
    for k, ref in enumerate(_reference(func, 2)(*pts)):
        _close(h[..., k // d, k % d][~undefined], ref[~undefined])
    np.testing.assert_array_equal(h, np.swapaxes(h, -1, -2))


@pytest.mark.parametrize("text, scale", ORDINARY, ids=[t[:32] for t, _ in ORDINARY])
def test_symbolic_gradient_is_sympys(text, scale):
    func = compile_expression(text)
    pts = _points(func, scale, seed=2)
    with np.errstate(all="ignore"):
        shown = sp.lambdify((X, Y)[: func.dim], list(func.gradient_exprs), modules=MODULES)(*pts)
    for a, b in zip(shown, _reference(func, 1)(*pts), strict=True):
        _close(np.broadcast_to(a, b.shape), b)


def test_one_point_and_many_points_agree():
    func = compile_expression(ORDINARY[0][0])
    x, y = _points(func, 3.0, n=20)
    fv, g = func.value_and_gradient(np.stack([x, y], -1))
    h = func.hessian(x, y)
    for i in range(len(x)):
        f1, g1 = func.value_and_gradient(np.array([x[i], y[i]]))
        np.testing.assert_allclose(f1, fv[i], rtol=1e-14)
        np.testing.assert_allclose(g1, g[i], rtol=1e-13)
        np.testing.assert_allclose(func.hessian(x[i], y[i]), h[i], rtol=1e-13)


def test_hostile_hessians_match_finite_differences_of_the_gradient():
    for text in ["sin(" * 49 + "x+y" + ")" * 49, "*".join(f"sin({k}x+y)" for k in range(1, 31)),
                 "^".join(["x"] * 12)]:
        func = compile_expression(text)
        p, eps = np.array([0.61, 0.37])[: func.dim], 1e-6
        h = func.hessian(*p)
        for j in range(func.dim):
            dp = np.eye(func.dim)[j] * eps
            fd = (np.array(func.gradient(*(p + dp))) - np.array(func.gradient(*(p - dp)))) / eps / 2
            np.testing.assert_allclose(h[:, j], fd, rtol=1e-5, atol=1e-6 * np.abs(h).max())


def test_domain_is_the_one_typed():
    """sympy simplifies sqrt(x)^2 to x and x/x to 1; the function keeps the typed domain."""
    assert str(compile_expression("sqrt(x)^2").expr) == "x"
    assert np.isnan(compile_expression("sqrt(x)^2").value(-1.0))
    assert np.isnan(compile_expression("exp(log(x))").gradient(-1.0)[0])
    assert np.isnan(compile_expression("x/x").value(0.0))
    assert compile_expression("x/x").value(2.0) == 1.0


def test_kinks_follow_the_documented_conventions():
    f = compile_expression("abs(x) + floor(y) + sign(x*y) + ceil(x)")
    gx, gy = f.gradient(np.array([-1.5, 2.5]), np.array([0.3, -0.7]))
    np.testing.assert_array_equal(gx, [-1.0, 1.0])   # abs′ = sign; floor, ceil, sign: 0
    np.testing.assert_array_equal(gy, [0.0, 0.0])
    assert (f.hessian(np.array([-1.5, 2.5]), np.array([0.3, -0.7])) == 0).all()


def test_complex_slopes_are_refused():
    for text in ("(-1)^x", "0^x", "(-2)^(x*y)", "(1 - pi)^y"):
        with pytest.raises(ExpressionError, match="slope is complex"):
            compile_expression(text)


@settings(max_examples=150, deadline=None)
@given(GRAMMAR, st.integers(0, 2**16))
def test_random_trees_match_sympy(text, seed):
    try:
        func = compile_expression(text)
    except ExpressionError:
        return
    pts = _points(func, 2.0, n=8, seed=seed)
    try:
        refs = [*_reference(func, 1)(*pts), *_reference(func, 2)(*pts)]
    except Exception:   # sympy/numpy cannot evaluate its own form here: nothing to compare
        return
    h = func.hessian(*pts)
    ours = [*func.gradient(*pts), *(h[..., k // func.dim, k % func.dim]
                                      for k in range(func.dim**2))]
    for a, b in zip(ours, refs, strict=True):
        ok = np.isfinite(a) & np.isfinite(b) & (np.abs(b) < 1e8)
        np.testing.assert_allclose(a[ok], b[ok], rtol=1e-7, atol=1e-9)
