"""Exactly the function that was typed: its domain, its dimension, and derivatives that exist
come back as numbers — checked against 50-digit finite differences (mpmath)."""

import json
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.core.descent import StopReason, run
from app.core.expression import ExpressionError, compile_expression
from app.core.symbolic import X, Y
from tests.core.test_expression_fuzz import GRAMMAR

SIMPLIFIED_AWAY = [  # sympy folds these to y + x or y + 1: the typed text is undefined here
    ("sqrt(x)^2 + y", (-1.0, 0.5), (4.0, 0.5), 4.5),
    ("x/x + y", (0.0, 0.5), (3.0, 0.5), 1.5),
    ("exp(log(x)) + y", (-1.0, 0.5), (2.0, 0.5), 2.5),
    ("1/(1/x) + y", (0.0, 0.5), (2.0, 0.5), 2.5),        # 1/0 is not +∞ absorbed into 0
    ("exp(-1/x^2) + y", (0.0, 0.5), (1.0, 0.5), np.exp(-1) + 0.5),
    ("sqrt(x)^0 + y", (-1.0, 0.5), (1.0, 0.5), 1.5),      # numpy's NaN^0 is 1
    ("1^acosh(x) + y", (0.0, 0.5), (2.0, 0.5), 1.5),      # numpy's 1^NaN is 1
    ("atan2(y, x) + x", (0.0, 0.0), (1.0, 0.0), 1.0),     # the origin has no angle
    ("log(x^2) + y", (0.0, 0.5), (1.0, 0.5), 0.5),        # log 0 is not −∞
]


@pytest.mark.parametrize("text, outside, inside, f_inside", SIMPLIFIED_AWAY,
                         ids=[t for t, *_ in SIMPLIFIED_AWAY])
def test_undefined_where_the_typed_text_is(text, outside, inside, f_inside):
    func = compile_expression(text)
    assert func.dim == 2
    assert np.isnan(func.value(*outside))
    assert np.isnan(func.gradient(*outside)).all()          # not (nan, 1): nothing is defined
    assert np.isnan(func.hessian(*outside)).all()
    f, g = func.value_and_gradient(np.array(outside))
    assert np.isnan(f) and np.isnan(g).all()
    # many points at once, the undefined one among defined ones
    xs, ys = np.array([inside[0], outside[0]]), np.array([inside[1], outside[1]])
    fv, gv = func.value_and_gradient(np.stack([xs, ys], -1))
    assert fv[0] == pytest.approx(f_inside) and np.isnan(fv[1])
    assert np.isfinite(gv[0]).all() and np.isnan(gv[1]).all()
    assert np.isnan(func.hessian(xs, ys)[1]).all() and np.isfinite(func.hessian(xs, ys)[0]).all()


@pytest.mark.parametrize("text, point, value, grad", [
    ("acos(min(x, 1)) + y", (2.0, 0.5), 0.5, (0.0, 1.0)),      # acos′(1) = −∞ times 0
    ("max(x, cbrt(x - 2)) + y", (2.0, 0.5), 2.5, (1.0, 1.0)),  # the unchosen slope is +∞
    ("max(asin(min(x, 1)), y)", (3.0, -2.0), np.pi / 2, (0.0, 0.0)),
    ("sqrt(floor(x) - 1) + y^2", (1.5, 1.0), 1.0, (0.0, 2.0)),  # √ at 0 of a flat argument
])
def test_derivatives_that_exist_are_numbers(text, point, value, grad):
    func = compile_expression(text)
    assert float(func.value(*point)) == pytest.approx(value)
    np.testing.assert_allclose(np.array(func.gradient(*point), float), grad, atol=1e-15)
    assert np.isfinite(func.hessian(*point)).all()
    # the same at many points (the array path), and one point (the scalar path)
    pts = np.array([point, point, (point[0] + 1.0, point[1])])
    _, g = func.value_and_gradient(pts)
    np.testing.assert_allclose(g[:2], [grad, grad], atol=1e-15)
    f1, g1 = func.value_and_gradient(np.array(point))
    assert float(f1) == pytest.approx(value)
    np.testing.assert_allclose(g1, grad, atol=1e-15)


def test_a_derivative_that_does_not_exist_stays_undefined():
    assert np.isnan(compile_expression("sqrt(x) + y").gradient(0.0, 1.0)[0])   # +∞
    assert compile_expression("sqrt(x) + y").value(0.0, 1.0) == 1.0


def test_walker_on_the_flat_side_of_a_min_walks_on():
    func = compile_expression("acos(min(x, 1)) + y")
    t = run(func, "gradient", (2.0, 0.5), 0.1, max_steps=20, domain=((-3, 3), (-3, 3)))
    assert t.stop_reason is not StopReason.UNDEFINED
    assert t.steps > 5 and t[-1].point[1] < 0.5


def test_walker_stops_where_the_typed_function_is_undefined():
    func = compile_expression("sqrt(x)^2 + y")
    t = run(func, "gradient", (0.5, 0.5), 0.05, max_steps=100)
    assert t.steps < 100 and t.stop_reason is not StopReason.MAX_STEPS
    assert np.isfinite(t.values).all() and (t.points[:, 0] >= 0).all()


def test_dimension_follows_the_names_typed(capsys):
    func = compile_expression("x^2 + 0*y")
    assert func.dim == 2 and func.variables == ("x", "y")
    assert func.gradient(2.0, 7.0) == (4.0, 0.0)
    assert main(["descend", "--expr", "x^2 + 0*y", "--start", "2", "0", "--json"]) == 0
    walk = json.loads(capsys.readouterr().out)["walkers"][0]
    assert walk["stop_reason"] == "converged"
    assert walk["final"]["x"] == pytest.approx(0, abs=1e-5) and walk["final"]["y"] == 0
    assert compile_expression("x + y - y").dim == 2 and compile_expression("x^2").dim == 1


# ---- 50-digit finite differences --------------------------------------------------------------
NAN = mpmath.mpf("nan")


def _real(v):
    """A finite real mpf, or NaN: a complex result is outside the real domain, and ±∞ (which
    mpmath, never overflowing, gives only at an edge: log 0, atanh 1) is not a number."""
    return v if isinstance(v, mpmath.mpf) and mpmath.isfinite(v) else NAN


def _div(a, b):
    return NAN if b == 0 else a / b


def _pow(a, b):
    """a^b: for a variable exponent only a > 0 or a = 0 < b (x^y at x < 0 has no slope)."""
    if a == 0 and b <= 0:
        return NAN
    return _real(mpmath.power(a, b))


_M1 = {"sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "asin": mpmath.asin,
       "acos": mpmath.acos, "atan": mpmath.atan, "sinh": mpmath.sinh, "cosh": mpmath.cosh,
       "tanh": mpmath.tanh, "asinh": mpmath.asinh, "acosh": mpmath.acosh,
       "atanh": mpmath.atanh, "exp": mpmath.exp, "log": mpmath.log,
       "log2": lambda u: mpmath.log(u, 2), "log10": mpmath.log10, "sqrt": mpmath.sqrt,
       "cbrt": lambda u: mpmath.sign(u) * mpmath.cbrt(abs(u)), "abs": abs,
       "sign": mpmath.sign, "floor": mpmath.floor, "ceil": mpmath.ceil,
       "neg": lambda u: -u}
_MC = {"addc": lambda u, c: u + c, "csub": lambda u, c: c - u, "mulc": lambda u, c: c * u,
       "divc": lambda u, c: _div(u, c), "cdiv": lambda u, c: _div(c, u),
       "powc": lambda u, c: mpmath.mpf(1) if c == 0 else _pow(u, c),   # x^0 = 1, 0^0 too
       "expc": lambda u, c: _pow(c, u)}
_M2 = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
       "div": _div, "pow": _pow, "atan2": mpmath.atan2, "hypot": mpmath.hypot,
       "max": lambda a, b: NAN if mpmath.isnan(a) or mpmath.isnan(b) else max(a, b),
       "min": lambda a, b: NAN if mpmath.isnan(a) or mpmath.isnan(b) else min(a, b)}
_M2["pow"] = lambda a, b: NAN if a < 0 else _pow(a, b)
_M2["atan2"] = lambda a, b: NAN if a == 0 and b == 0 else mpmath.atan2(a, b)


def _typed_reference(func):
    """f at 50 digits from the program as typed (its constants as folded, its domain: a
    complex intermediate is undefined), by an evaluator independent of ``autodiff``."""
    ops = func._program.ops

    def f(*p):
        vals = []
        for op, args, c in ops:
            v = [vals[a] for a in args]
            if op == "var":
                w = p[int(c)]
            elif op == "const":
                w = mpmath.mpf(c)
            elif any(mpmath.isnan(t) for t in v):
                w = NAN
            elif op in _MC:
                w = _MC[op](v[0], mpmath.mpf(c))
            elif op in _M1:
                w = _M1[op](v[0])
            else:
                w = _M2[op](*v)
            vals.append(_real(w))
        out = vals[-1]
        return out if mpmath.isfinite(out) else None
    return f


def _sympy_reference(func):
    """f at 50 digits from sympy's tree (the same function wherever the typed one is
    defined, with the constants exact)."""
    fn = sp.lambdify((X, Y)[: func.dim], func.expr, modules=[{"cbrt": _M1["cbrt"]}, "mpmath"])

    def f(*p):
        try:
            v = mpmath.mpmathify(fn(*p))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return None
        return v if isinstance(v, mpmath.mpf) and mpmath.isfinite(v) else None
    return f


def _fd(f, p, j, h):
    """(f(p + h e_j) − f(p − h e_j)) / 2h at 50 digits, or None."""
    up, down = list(p), list(p)
    up[j] += h
    down[j] -= h
    a, b = f(*up), f(*down)
    return None if a is None or b is None else (a - b) / (2 * h)


def _rounding(ref, mp, exact) -> float:
    """How much the answer depends on rounding: the relative change of ``ref`` with 15
    digits (about a float's) instead of 50; inf when they disagree on whether f is defined
    (√(−π/2 + π/2) is 0 in floats, undefined with 50 digits)."""
    with mpmath.workdps(15):
        rough = ref(*mp)
    if rough is None or exact is None:
        return math.inf if (rough is None) != (exact is None) else 0.0
    return float(abs(rough - exact) / max(1, abs(exact)))


def _check_against_fd(func, points, rtol, ref, *, same_domain=False):
    """Every defined point: f to ~1e-12 and each ∂f/∂x_j to ``rtol`` of 50-digit central
    differences of ``ref`` (h = 1e-20; a point where h = 1e-22 disagrees sits on a kink:
    skipped, and so is a point where rounding decides; the tolerances grow with
    ``_rounding``). ``same_domain``: f is defined exactly where ``ref`` is (but for
    overflow). Returns how many partials were compared."""
    compared = 0
    with mpmath.workdps(50):
        for p in points:
            f, g = func.value_and_gradient(np.array(p))
            mp = [mpmath.mpf(float(v)) for v in p]
            exact = ref(*mp)
            r = _rounding(ref, mp, exact)
            if r > 1e-8:
                continue
            if same_domain:
                assert (exact is not None) == bool(np.isfinite(f)) or \
                    (exact is not None and abs(exact) > 1e300), (func.text, p, f, exact)
            if not np.isfinite(f):
                assert np.isnan(g).all()          # undefined f: undefined ∇f
                continue
            if exact is None:
                continue
            assert abs(float(f) - float(exact)) <= (1e-12 + 100 * r) * max(1.0, abs(exact))
            for j in range(func.dim):
                d1 = _fd(ref, mp, j, mpmath.mpf("1e-20"))
                d2 = _fd(ref, mp, j, mpmath.mpf("1e-22"))
                if d1 is None or d2 is None or abs(d1 - d2) > 1e-12 * (1 + abs(d1)):
                    continue
                if abs(d1) > 1e8:
                    continue
                assert np.isfinite(g[j]), (func.text, p, j)   # it exists: a number
                assert abs(g[j] - float(d1)) <= (rtol + 1e4 * r) * max(1.0, abs(d1)), \
                    (func.text, p, j, g[j], d1)
                compared += 1
    return compared


EDGES = ["acos(min(x, 1)) + y", "max(x, cbrt(x - 2)) + y", "max(asin(min(x, 1)), y)",
         "sqrt(floor(x) - 1) + y^2", "sqrt(x)^2 + y", "x/x + y", "exp(log(x)) + y",
         "3(1-x)^2 exp(-x^2-(y+1)^2) - 10(x/5 - x^3 - y^5) exp(-x^2-y^2) - 1/3 exp(-(x+1)^2-y^2)",
         "asin(x/3) + acos(y/3) + atan(x*y)", "atan2(y, x) + hypot(x, y)", "x^y + 2^x + y^(1/3)",
         "cbrt(x + 5) + abs(y) x + sign(x) + floor(x) + ceil(y)", "x^2 + 0*y"]


@pytest.mark.parametrize("text", EDGES)
def test_values_and_gradients_match_50_digit_differences(text):
    func = compile_expression(text)
    rng = np.random.default_rng(7)
    points = [tuple(rng.uniform(-3, 3, func.dim)) for _ in range(40)]
    points += [(2.0, 0.5), (3.0, -2.0), (1.5, 1.0), (-1.0, 0.5)]
    pts = [p[: func.dim] for p in points]
    assert _check_against_fd(func, pts, 1e-9, _sympy_reference(func)) > 10
    assert _check_against_fd(func, pts, 1e-9, _typed_reference(func), same_domain=True) > 10


@settings(max_examples=120, deadline=None)
@given(GRAMMAR, st.integers(0, 2**16))
def test_random_trees_match_50_digit_differences(text, seed):
    try:
        func = compile_expression(text)
    except ExpressionError:
        return
    rng = np.random.default_rng(seed)
    points = [tuple(rng.uniform(-2.5, 2.5, func.dim)) for _ in range(6)]
    _check_against_fd(func, points, 1e-6, _typed_reference(func), same_domain=True)
