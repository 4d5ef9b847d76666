"""Local partials of every DAG operation, for forward-mode AD (``autodiff``).

Each op maps its argument values to (w, F, F2): the value w = F(a, b, …), the first partials
F_k = ∂w/∂a_k and, when ``order`` is 2, the second partials F2[k][m] = ∂²w/∂a_k∂a_m (else
None). Unary ops also receive the instruction's constant ``c`` (``mulc``: w = c·u).
A partial that is the Python float 0.0 is an exact zero and costs nothing downstream.

The value is NaN wherever the operation is undefined, so that the function's domain is the one
of the text as typed (NaN then reaches f: no later operation turns it into a number):

    a/b, c/u: divisor ≠ 0      log, log2, log10: u > 0      √u: u ≥ 0      asin, acos: |u| ≤ 1
    acosh: u ≥ 1      atanh: |u| < 1      u^c: u ≠ 0 when c < 0, u ≥ 0 when c is not whole
    a^b: a > 0, or a = 0 and b > 0      atan2(a, b): (a, b) ≠ (0, 0)

numpy alone would give ±inf at some of these edges (1/0, log 0), which a later operation can
absorb into a number (1/(1/x) = 0 at x = 0), and 1^NaN = NaN^0 = 1. Large but defined values
that overflow stay ±inf (made NaN by the caller if they reach f). Evaluate under np.errstate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

Z = 0.0          # an exact zero partial
_ZZ = ((Z, Z), (Z, Z))
V = Any          # a value: an ndarray, a numpy scalar or (constants) a Python float
Local = tuple[V, tuple, tuple | None]


def _guard(w, bad: Callable[[], Any]):
    """w with NaN where ``bad()`` holds; ``bad`` is only computed when w is not all finite
    (one cheap pass: a finite sum means no inf and no NaN)."""
    if np.isfinite(np.add.reduce(w, axis=None) if np.ndim(w) else w):
        return w
    return np.where(bad(), np.nan, w)


def _nan_of(u, w):
    """w where u is a number, NaN where u is NaN (numpy's 1^NaN and NaN^0 are 1)."""
    return np.where(np.isnan(u), np.nan, w)


def _u(w, f1, f2, order: int) -> Local:
    return w, (f1,), ((f2,),) if order > 1 else None


def _powc(u, c: float, o: int) -> Local:
    """w = u^c: w' = c·u^(c−1), w'' = c(c−1)·u^(c−2)."""
    if c == 2.0:
        return _u(u * u, 2.0 * u, 2.0, o)
    if c == 1.0:
        return _u(u, 1.0, Z, o)
    if c == 0.0:
        return _u(_nan_of(u, np.power(u, 0.0)), Z, Z, o)
    if c == 0.5:
        s = np.sqrt(u)
        f1 = 0.5 / s
        return _u(s, f1, -0.5 * f1 / u if o > 1 else None, o)
    if c == -1.0:
        w = _guard(1.0 / u, lambda: u == 0)
        f1 = -w * w
        return _u(w, f1, -2.0 * f1 * w if o > 1 else None, o)
    if c == 3.0:
        u2 = u * u
        return _u(u2 * u, 3.0 * u2, 6.0 * u, o)
    f2 = c * (c - 1.0) * np.power(u, c - 2.0) if o > 1 else None
    w = np.power(u, c) if c > 0 else _guard(np.power(u, c), lambda: u == 0)
    return _u(w, c * np.power(u, c - 1.0), f2, o)


def _expc(u, c: float, o: int) -> Local:
    """w = c^u (c > 0): w' = w·ln c, w'' = w·ln²c."""
    w, k = np.power(c, u), math.log(c)
    if c == 1.0:
        w = _nan_of(u, w)
    f1 = w * k
    return _u(w, f1, f1 * k if o > 1 else None, o)


def _cdiv(u, c: float, o: int) -> Local:
    """w = c/u: w' = −w/u, w'' = 2w/u²."""
    w = _guard(c / u, lambda: u == 0)
    f1 = -w / u
    return _u(w, f1, -2.0 * f1 / u if o > 1 else None, o)


def _trig(fn: Callable, d1: Callable, d2: Callable) -> Callable:
    """A unary op from w = fn(u), w' = d1(u, w) and w'' = d2(u, w, w')."""
    def op(u, c: float, o: int) -> Local:
        w = fn(u)
        f1 = d1(u, w)
        return _u(w, f1, d2(u, w, f1) if o > 1 else None, o)
    return op


def _rsqrt(kind: int) -> Callable:
    """r(u) = 1/√(1 − u²) (kind 1: asin, acos), 1/√(u² + 1) (2: asinh), 1/√(u² − 1) (3)."""
    return {1: lambda u: 1.0 / np.sqrt(1.0 - u * u), 2: lambda u: 1.0 / np.sqrt(u * u + 1.0),
            3: lambda u: 1.0 / np.sqrt(u * u - 1.0)}[kind]


def _inverse(fn: Callable, kind: int, sign: float) -> Callable:
    """asin, acos, asinh, acosh: w' = ±r, w'' = ∓u·r³ (asin: +u r³; asinh/acosh: −u r³)."""
    r_of = _rsqrt(kind)
    k2 = 1.0 if kind == 1 else -1.0

    def op(u, c: float, o: int) -> Local:
        r = r_of(u)
        f2 = sign * k2 * u * r * r * r if o > 1 else None
        return _u(fn(u), r if sign > 0 else -r, f2, o)
    return op


def _const_slope(fn: Callable) -> Callable:
    """floor, ceil, sign: slope 0 almost everywhere."""
    return lambda u, c, o: _u(fn(u), Z, Z, o)


def _logs(fn: Callable) -> Callable:
    """A logarithm, undefined (not −∞) at 0."""
    return lambda u: _guard(fn(u), lambda: u == 0)


_LN2, _LN10 = 1.0 / math.log(2.0), 1.0 / math.log(10.0)
UNARY: dict[str, Callable[[V, float, int], Local]] = {
    "neg": lambda u, c, o: _u(-u, -1.0, Z, o),
    "addc": lambda u, c, o: _u(u + c, 1.0, Z, o),
    "csub": lambda u, c, o: _u(c - u, -1.0, Z, o),
    "mulc": lambda u, c, o: _u(c * u, c, Z, o),
    "divc": lambda u, c, o: _u(u / c, 1.0 / c, Z, o),
    "cdiv": _cdiv, "powc": _powc, "expc": _expc,
    "sin": _trig(np.sin, lambda u, w: np.cos(u), lambda u, w, f: -w),
    "cos": _trig(np.cos, lambda u, w: -np.sin(u), lambda u, w, f: -w),
    "tan": _trig(np.tan, lambda u, w: 1.0 + w * w, lambda u, w, f: 2.0 * w * f),
    "asin": _inverse(np.arcsin, 1, 1.0), "acos": _inverse(np.arccos, 1, -1.0),
    "asinh": _inverse(np.arcsinh, 2, 1.0), "acosh": _inverse(np.arccosh, 3, 1.0),
    "atan": _trig(np.arctan, lambda u, w: 1.0 / (1.0 + u * u),
                  lambda u, w, f: -2.0 * u * f * f),
    "atanh": _trig(lambda u: _guard(np.arctanh(u), lambda: np.abs(u) >= 1.0),
                   lambda u, w: 1.0 / (1.0 - u * u),
                   lambda u, w, f: 2.0 * u * f * f),
    "sinh": _trig(np.sinh, lambda u, w: np.cosh(u), lambda u, w, f: w),
    "cosh": _trig(np.cosh, lambda u, w: np.sinh(u), lambda u, w, f: w),
    "tanh": _trig(np.tanh, lambda u, w: 1.0 - w * w, lambda u, w, f: -2.0 * w * f),
    "exp": _trig(np.exp, lambda u, w: w, lambda u, w, f: w),
    "log": _trig(_logs(np.log), lambda u, w: 1.0 / u, lambda u, w, f: -f * f),
    "log2": _trig(_logs(np.log2), lambda u, w: _LN2 / u, lambda u, w, f: -f / u),
    "log10": _trig(_logs(np.log10), lambda u, w: _LN10 / u, lambda u, w, f: -f / u),
    "sqrt": _trig(np.sqrt, lambda u, w: 0.5 / w, lambda u, w, f: -0.5 * f / u),
    "cbrt": _trig(np.cbrt, lambda u, w: 1.0 / (3.0 * w * w),
                  lambda u, w, f: -2.0 * f / (3.0 * u)),
    "abs": _trig(np.abs, lambda u, w: np.sign(u), lambda u, w, f: Z),
    "sign": _const_slope(np.sign), "floor": _const_slope(np.floor),
    "ceil": _const_slope(np.ceil),
}


def _mul(a, b, o: int) -> Local:
    return a * b, (b, a), ((Z, 1.0), (1.0, Z))


def _div(a, b, o: int) -> Local:
    """w = a/b: w_a = 1/b, w_b = −w/b; w_ab = −1/b², w_bb = 2w/b²."""
    w, inv = _guard(a / b, lambda: b == 0), 1.0 / b
    fb = -w * inv
    return w, (inv, fb), ((Z, -inv * inv), (-inv * inv, -2.0 * fb * inv)) if o > 1 else None


def _pow(a, b, o: int) -> Local:
    """w = a^b (a > 0, or a = 0 < b): w_a = b·a^(b−1), w_b = w·ln a; w_aa = b(b−1)a^(b−2),
    w_ab = a^(b−1)(1 + b ln a), w_bb = w·ln²a."""
    la, p1 = np.log(a), np.power(a, b - 1.0)
    w = np.where(np.isnan(la) | np.isnan(b) | ((a == 0) & (b <= 0)), np.nan, np.power(a, b))
    fb = w * la if np.all(a) else np.where(a == 0, 0.0, w * la)   # 0^b = 0 for all b > 0
    if o < 2:
        return w, (b * p1, fb), None
    fab = p1 * (1.0 + b * la)
    return w, (b * p1, fb), ((b * (b - 1.0) * np.power(a, b - 2.0), fab), (fab, fb * la))


def _atan2(a, b, o: int) -> Local:
    """w = atan2(a, b), r = a² + b²: w_a = b/r, w_b = −a/r; w_aa = −2ab/r² = −w_bb,
    w_ab = (a² − b²)/r²."""
    r = a * a + b * b
    w = np.arctan2(a + 0.0, b)   # + 0.0: 0·(−1) is −0 in floats, and atan2(−0, −1) is −π
    if not np.all(r):
        w = np.where((a == 0) & (b == 0), np.nan, w)
    if o < 2:
        return w, (b / r, -a / r), None
    r2 = r * r
    q, fab = 2.0 * a * b / r2, (a * a - b * b) / r2
    return w, (b / r, -a / r), ((-q, fab), (fab, q))


def _hypot(a, b, o: int) -> Local:
    """w = √(a² + b²): w_a = a/w, w_b = b/w; w_aa = b²/w³, w_ab = −ab/w³, w_bb = a²/w³."""
    w = np.hypot(a, b)
    if o < 2:
        return w, (a / w, b / w), None
    w3 = w * w * w
    fab = -a * b / w3
    return w, (a / w, b / w), ((b * b / w3, fab), (fab, a * a / w3))


def _pick(fn: Callable, first: Callable) -> Callable:
    """max/min: w follows the chosen argument (the first one on a tie); NaN propagates."""
    def op(a, b, o: int) -> Local:
        fa = np.where(first(a, b), 1.0, 0.0)
        return fn(a, b), (fa, 1.0 - fa), _ZZ if o > 1 else None
    return op


BINARY: dict[str, Callable[[V, V, int], Local]] = {
    "add": lambda a, b, o: (a + b, (1.0, 1.0), _ZZ),
    "sub": lambda a, b, o: (a - b, (1.0, -1.0), _ZZ),
    "mul": _mul, "div": _div, "pow": _pow, "atan2": _atan2, "hypot": _hypot,
    "max": _pick(np.maximum, np.greater_equal), "min": _pick(np.minimum, np.less_equal),
}
