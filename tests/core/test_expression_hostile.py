"""Hostile and broken input: each refused fast with the right one-line message, no side effect."""

import time
from pathlib import Path

import numpy as np
import pytest

from app.core.expression import ExpressionError, compile_expression

PWNED = Path("/tmp/gradient-mountain-pwned")

HOSTILE = [
    ("__import__('os').system('touch /tmp/gradient-mountain-pwned')", "unsupported character"),
    ("__import__(chr(111))", "unknown function '__import__'"),
    ("().__class__.__bases__[0]", "unsupported character '['"),
    ("x.__class__", "attribute access is not allowed"),
    ("x.real", "attribute access is not allowed"),
    ("lambda: 1", "unsupported character ':'"),
    ("[x for x in ()]", "unsupported character '['"),
    ("(a:=1)", "unsupported character ':'"),
    ('f"{x}"', "unsupported character '\"'"),
    ("open(x)", "unknown function 'open'"),
    ("exec(x)", "unknown function 'exec'"),
    ("eval(x)", "unknown function 'eval'"),
    ("globals()", "unknown function 'globals'"),
    ("9**9**9**9", "number too large"),
    ("10**10**10", "number too large"),
    ("((9**9)**9999)**9999", "number too large"),
    ("x**(10**10)", "number too large"),
    ("1/0", "division by zero"),
    ("1/(x-x)", "division by zero"),
    ("0^-1", "division by zero"),
    ("log(-1)", "not a real number"),
    ("sqrt(-4)", "not a real number"),
    ("(-8)^0.5", "not a real number"),
    ("asin(2)", "not a real number"),
    ("(" * 200 + "x" + ")" * 200, "too deeply nested"),
    ("-" * 400 + "x", "too deeply nested"),
    ("x\x00", "unsupported character"),
    ("х^2 + y^2", "unsupported character 'х' (U+0445"),  # Cyrillic ha
    ("x + ο", "unsupported character 'ο' (U+03BF"),  # Greek omicron
    ("", "empty expression"),
    ("   \t ", "empty expression"),
    ("x+" * 500 + "x", "too long"),
    ("x if y else 1", "'if … else' is not allowed"),
    ("x < y", "unsupported character '<'"),
    ("x and y", "'and'/'or' is not allowed"),
    ("x or y", "'and'/'or' is not allowed"),
    ("sin(x, y)", "sin takes 1 argument, got 2"),
    ("atan2(x)", "atan2 takes 2 arguments, got 1"),
    ("max(x)", "max takes at least 2 arguments, got 1"),
    ("sin(x=1)", "unsupported character '='"),
    ("*x", "syntax error"),
    ("x[0]", "unsupported character '['"),
    ("{x}", "unsupported character '{'"),
    ("'x'", "unsupported character"),
    ("1j*x", "unknown name 'j'"),
    ("True", "True is not allowed"),
    ("x;y", "unsupported character ';'"),
    ("x, y", "a tuple"),
    ("xy", "did you mean x*y?"),
    ("sinx", "did you mean sin(x)?"),
    ("z", "use x and y"),
    ("sni(x)", "unknown function 'sni' — did you mean sin?"),
    ("x +* y", "syntax error"),
    ("x + ", "incomplete expression"),
    ("(x + y", "unclosed '('"),
    ("x + y)", "unmatched ')'"),
    ("sin", "sin is a function"),
    ("x @ y", "unsupported character '@'"),
    ("x % y", "unsupported character '%'"),
    ("x // y", "operator FloorDiv is not allowed"),
]


@pytest.mark.parametrize("text, fragment", HOSTILE, ids=[repr(t[:24]) for t, _ in HOSTILE])
def test_hostile_input_is_refused_with_a_clear_message(text, fragment):
    PWNED.unlink(missing_ok=True)
    t0 = time.perf_counter()
    with pytest.raises(ExpressionError) as e:
        compile_expression(text)
    assert time.perf_counter() - t0 < 1.0
    assert fragment in str(e.value)
    assert "\n" not in str(e.value) and "Traceback" not in str(e.value)
    assert not PWNED.exists()


def test_columns_point_at_the_problem():
    for text, col in [("x + y)", 5), ("x + foo", 4), ("x^2 + х", 6), ("  x +", 4),
                      ("2 +* 3", 3)]:
        with pytest.raises(ExpressionError) as e:
            compile_expression(text)
        assert e.value.column == col, (text, e.value)


@pytest.mark.parametrize("text", [
    "sin(" * 40 + "x" + ")" * 40,
    "x^x^x^x^x",
    " + ".join(f"{i}x^{i % 7}y" for i in range(60)),
    "(x+1)^1000 + (y-1)^999",
    "exp(exp(exp(exp(x))))*log(log(log(y)))",
])
def test_big_but_legal_inputs_compile_within_a_second(text):
    t0 = time.perf_counter()
    f = compile_expression(text)
    assert time.perf_counter() - t0 < 1.0
    f.value(0.5, 0.5)


# --- any input answers within the budget -------------------------------------------------
# Each case must compile (f and ∇f) AND give a Hessian, or be refused with one line, within
# BOUND seconds of wall-clock time. The goal is 2 s on a slow 2-core machine; measured ≤ 0.6 s.
BOUND = 5.0
_ARITY = {"atan2": 2, "hypot": 2, "min": 2, "max": 2}
ALL_FUNCTIONS = ["sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh",
                 "asinh", "acosh", "atanh", "exp", "log", "ln", "log2", "log10", "sqrt", "cbrt",
                 "abs", "sign", "min", "max", "hypot", "floor", "ceil"]


def nest(fn: str, depth: int, inner: str = "x") -> str:
    """fn(fn(…fn(inner)…)) ``depth`` deep; two-argument functions take y as the second."""
    for _ in range(depth):
        inner = f"{fn}({inner}, y)" if _ARITY.get(fn) == 2 else f"{fn}({inner})"
    return inner


FAMILIES = {
    "constant powers": ["(1/3)^(10^9)*x + y", "2^(2^(2^10))", "2^(2^(2^3))*x", "(2/3)^(3^9)*y",
                        "((1/7)^1000)^1000 + x", "(1/pi)^(10^9)*x", "(10^-300)^(10^4)*x",
                        "e^(-10^9)*x", "(1/3)^(10^9)", "x^((1/3)^(10^9))", "(0.999)^(10^9)*y"],
    "nesting": [nest(fn, d) for fn in ALL_FUNCTIONS for d in (40, 50, 60)],
    "towers": ["^".join(["x"] * 60), "^".join(["(x+y)"] * 60), "^".join(["x", "y"] * 30)],
    "sin products": ["*".join(f"sin({k}x+y)" for k in range(1, 31)),
                     " ".join(f"sin({k}x + {k}y)" for k in range(1, 31))],
    "max/min of powers": [f"{m}(" + ", ".join(f"(x+{k})^{100 + k}" for k in range(32)) + ")"
                          for m in ("max", "min")]
                         + ["max(" + ", ".join(f"(x+{k}y)^{k + 1}" for k in range(32)) + ")"],
    "long and nested": ["sin(" * 49 + "x+y" + ")" * 49,
                        " + ".join(f"exp(sin({k}x) cos({k}y))" for k in range(1, 30))],
}
BUDGET_CASES = [(fam, t) for fam, texts in FAMILIES.items() for t in texts]


@pytest.mark.parametrize("family, text", BUDGET_CASES,
                         ids=[f"{fam}:{t[:28]}" for fam, t in BUDGET_CASES])
def test_any_input_compiles_and_gives_a_hessian_within_the_budget(family, text):
    t0 = time.perf_counter()
    try:
        f = compile_expression(text)
        pt = (0.7, 0.3)[: f.dim]
        h = f.hessian(*pt)
        assert h.shape == (f.dim, f.dim) and not np.isinf(h).any()
        v, g = f.value_and_gradient(np.full((4, f.dim), 0.5))
        assert v.shape == (4,) and g.shape == (4, f.dim)
        assert "\n" not in f.gradient_text and len(f.gradient_text) <= 200
    except ExpressionError as e:
        assert "\n" not in str(e) and e.message
    assert time.perf_counter() - t0 < BOUND


def test_constant_powers_fold_to_guarded_floats():
    f = compile_expression("(1/3)^(10^9)*x + y")
    assert f.dim == 2 and f.value(5.0, 2.0) == 2.0
    assert f.gradient_text == "∇f = (0, 1)"
    assert compile_expression("2^3^2").value(0.0, 0.0) == 512.0
    assert str(compile_expression("2^(2^(2^3))*x").expr).startswith("1.15792089237316e+77")
    for text in ("2^(2^(2^10))", "(2^0.5)^(10^4)", "pi^(10^4)"):
        with pytest.raises(ExpressionError, match="number too large"):
            compile_expression(text)


@pytest.mark.parametrize("fn", ALL_FUNCTIONS)
def test_fifty_deep_nesting_compiles_and_sixty_is_refused(fn):
    f = compile_expression(nest(fn, 50))
    f.hessian(*(0.3, 0.2)[: f.dim])
    with pytest.raises(ExpressionError, match="too deeply nested"):
        compile_expression(nest(fn, 60))


def test_tower_of_sixty_has_numbers_but_too_long_a_formula():
    f = compile_expression("^".join(["x"] * 60))
    assert f.gradient_text == "f′(x): too long to show" and f.gradient_exprs is None
    assert f.value(1.0) == 1.0 and f.gradient(1.0)[0] == 1.0   # d/dx x^x^… at 1 is 1
    assert np.isfinite(f.hessian(0.9)).all()


def test_deep_sin_chain_shows_its_gradient():
    f = compile_expression("sin(" * 49 + "x+y" + ")" * 49)
    assert f.gradient_text.startswith("∇f = (cos(x + y)*cos(sin(x + y))")
    assert len(f.gradient_exprs) == 2
