"""Constant folding with guarded floats: constants never make sympy compute huge numbers.

Every constant sub-expression is evaluated in float arithmetic first, refused when it is not
a finite real number of at most 1e300 (``10^10^10``, ``1/0``, ``log(-1)``), and only then given
a sympy form: exact while it stays small (``2^3^2`` is 512, ``sqrt(2)`` stays √2), else the
float (``(1/3)^(10^9)`` is 0.0 — sympy would compute 3^(10^9) exactly, for minutes).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

import sympy as sp

from app.core.expression_text import ExpressionError

_EXACT = 10**12    # an exact rational keeps numerator and denominator below this
_LOGS = ("log", "ln", "log2", "log10")


def modest(e: sp.Expr, budget: int = 12) -> bool:
    """A constant small enough for sympy to keep exact: ≤ budget nodes, rationals < 10^12."""
    for k, s in enumerate(sp.preorder_traversal(e)):
        if k >= budget or (s.is_Rational and (abs(s.p) > _EXACT or s.q > _EXACT)):
            return False
    return True


def modest_exponent(b: sp.Expr) -> bool:
    """An exponent sympy may apply exactly: not a rational with numerator/denominator > 64."""
    return not b.is_Rational or (abs(b.p) <= 64 and b.q <= 64)


def exact_or_float(make: Callable[[], sp.Expr], args: list[sp.Expr], value: float) -> sp.Expr:
    """``make()`` when every argument and the result are modest, else the guarded float (also
    when sympy's exact value disagrees: sin(π) is 0 exactly, so π/sin(π) is zoo for sympy)."""
    if all(modest(a) for a in args):
        try:
            e = make()
        except (ValueError, TypeError, ArithmeticError):   # e.g. Min(1, zoo): "not comparable"
            return sp.Float(value)
        if modest(e) and not e.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
            return e
    return sp.Float(value)


def _checked(v: float) -> float:
    if not math.isfinite(v) or abs(v) > 1e300:
        raise ExpressionError("number too large")
    return v


def fold(name: str, a: float, b: float) -> float:
    """a <name> b (add, sub, mul, div, pow) in floats; ExpressionError when refused."""
    if name == "pow" and a < 0 and not float(b).is_integer():
        raise ExpressionError(f"not a real number: ({a:g})^{b:g}")
    try:
        if name == "pow" and abs(b) > 1e4 and abs(a) > 1:
            raise OverflowError
        v = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
             "div": operator.truediv, "pow": math.pow}[name](a, b)
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except OverflowError:
        raise ExpressionError("number too large") from None
    except ValueError:   # math.pow(0, negative)
        raise ExpressionError("division by zero" if a == 0 else "not a real number") from None
    return _checked(v)


def fold_call(name: str, fn: Callable, consts: list[float]) -> float:
    """fn(*consts) for the function called ``name``; ExpressionError when refused."""
    try:
        v = float(fn(*consts))
    except (ValueError, ZeroDivisionError):
        bad = "division by zero" if name in _LOGS and consts[0] == 0 else "not a real number"
        raise ExpressionError(f"{bad}: {name}({', '.join(f'{c:g}' for c in consts)})") from None
    except OverflowError:
        raise ExpressionError("number too large") from None
    return _checked(v)
