"""Property tests: any text either compiles or raises ExpressionError — never anything else."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.expression import ExpressionError, compile_expression

FUNCS1 = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
          "acosh", "atanh", "exp", "log", "ln", "log2", "log10", "sqrt", "cbrt", "abs", "sign",
          "floor", "ceil"]
FUNCS2 = ["atan2", "hypot", "min", "max"]
ATOMS = st.sampled_from(["x", "y", "pi", "e", "0", "1", "2", "0.5", "1e-3", "3x", "2pi", "10"])


def _trees(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^", "**"]), children)
        .map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["-", "+"]), children).map(lambda t: f"{t[0]}{t[1]}"),
        st.tuples(st.sampled_from(FUNCS1), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(FUNCS2), children, children)
        .map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    )


GRAMMAR = st.recursive(ATOMS, _trees, max_leaves=12)
SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _compile(text):
    try:
        return compile_expression(text)
    except ExpressionError as e:
        assert e.message and "\n" not in str(e)
        assert e.column is None or 0 <= e.column < max(len(text), 1)
        return None


@SETTINGS
@given(st.text(max_size=60))
def test_random_text_never_raises_anything_else(text):
    _compile(text)


@SETTINGS
@given(st.text(alphabet="xy0123456789.e+-*/^() ,sincoqrtlgabpmh", max_size=40))
def test_random_near_grammar_text_never_raises_anything_else(text):
    _compile(text)


@SETTINGS
@given(GRAMMAR)
def test_random_trees_compile_or_refuse_and_evaluate_quietly(text):
    f = _compile(text)
    if f is None:
        return
    g = np.linspace(-2, 2, 7)
    x, y = np.meshgrid(g, g)
    v = f.value(x) if f.dim == 1 else f.value(x, y)
    assert v.shape == x.shape and v.dtype == np.float64
    assert not np.isinf(v).any()
    fv, grad = f.value_and_gradient(np.stack([x, y], -1)[..., : f.dim])
    assert fv.shape == x.shape
    assert grad.shape == (*x.shape, f.dim) and not np.isinf(grad).any()
