"""Text -> CompiledFunction: f, ∇f and the Hessian as vectorised numpy functions.

Parsing (``expression_parse``) never hands the text to eval/exec/sympify/parse_expr; sympy
differentiates the tree built there and ``lambdify`` (with cse) compiles the *tree*.
Evaluation never raises and never warns: undefined or non-finite points come back as NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from app.core.expression_parse import MAX_LENGTH, ExpressionError, X, Y, parse

__all__ = ["MAX_LENGTH", "CompiledFunction", "ExpressionError", "compile_expression", "parse"]


def _clean_derivative(d: sp.Expr) -> sp.Expr:
    """Derivatives of floor/ceil/sign are 0 almost everywhere: drop DiracDelta and the
    unevaluated Derivative(floor(…)) sympy leaves behind."""
    d = d.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.Integer(0))
    return d.replace(lambda e: isinstance(e, sp.Subs | sp.Derivative), lambda e: sp.Integer(0))


def _finite(o, shape: tuple[int, ...], inputs: tuple[np.ndarray, ...]) -> np.ndarray:
    """``o`` as a float64 array of ``shape`` with ±inf turned to NaN. A scalar (a constant
    derivative) is broadcast; an output that is one of the inputs (f = x) is copied first."""
    a = np.asarray(o)
    if np.iscomplexobj(a):  # e.g. (-1)^x: real only where the imaginary part vanishes
        a = np.where(np.imag(a) == 0, np.real(a), np.nan)
    a = a.astype(float, copy=False)
    if a.shape != shape:
        return np.broadcast_to(a, shape).copy() if np.isfinite(a).all() else \
            np.full(shape, np.nan)
    if any(np.may_share_memory(a, i) for i in inputs):
        a = a.copy()
    if a.size and np.isfinite(np.add.reduce(a, axis=None)):
        return a      # one cheap pass: a finite sum means no inf and no NaN anywhere
    bad = ~np.isfinite(a)
    if bad.any():
        a[bad] = np.nan
    return a


@dataclass(frozen=True)
class CompiledFunction:
    """f with exact derivatives, vectorised over numpy arrays; NaN where undefined."""

    text: str
    expr: sp.Expr
    dim: int
    variables: tuple[str, ...]
    gradient_text: str
    _f: Callable = field(repr=False, compare=False)
    _fg: Callable = field(repr=False, compare=False)
    _grad: tuple[sp.Expr, ...] = field(repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def _args(self, x, y) -> tuple[np.ndarray, ...]:
        if self.dim == 1:
            return (np.asarray(x, dtype=float),)
        if y is None:
            raise TypeError("this is a function of x and y: pass both")
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    @staticmethod
    def _call(fn: Callable, args: tuple[np.ndarray, ...], n: int) -> list[np.ndarray]:
        """Call a lambdified function returning n outputs; broadcast each output to the
        inputs' shape (constant derivatives come back as scalars) and NaN the non-finite."""
        shape = np.broadcast_shapes(*(a.shape for a in args))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = fn(*args)
            except Exception:  # a numpy corner case must give NaN, never a crash in the UI
                out = [np.nan] * n
            return [_finite(o, shape, args) for o in out]

    def value(self, x, y=None) -> np.ndarray:
        return self._call(self._f, self._args(x, y), 1)[0]

    def gradient(self, x, y=None) -> tuple[np.ndarray, ...]:
        return tuple(self._call(self._fg, self._args(x, y), 1 + self.dim)[1:])

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """points (..., dim) -> f (...), ∇f (..., dim)."""
        p = np.asarray(points, dtype=float)
        # contiguous coordinates: every ufunc below then reads memory in order (strided
        # views of an (..., 2) array made the whole evaluation ~8 % slower)
        cols = tuple(p[..., i].copy() for i in range(self.dim))
        f, *g = self._call(self._fg, cols, 1 + self.dim)
        # component-major storage (contiguous copies), shown as (..., dim) by a view
        grad = np.empty((self.dim, *f.shape))
        for i, gi in enumerate(g):
            grad[i] = gi
        return f, np.moveaxis(grad, 0, -1)

    def hessian(self, x, y=None) -> np.ndarray:
        """∂²f/∂xᵢ∂xⱼ, shape broadcast + (dim, dim)."""
        if "hess" not in self._cache:
            syms = (X, Y)[: self.dim]
            rows = [_clean_derivative(sp.diff(gi, s)) for gi in self._grad for s in syms]
            self._cache["hess"] = sp.lambdify(syms, rows, modules="numpy", cse=True)
        flat = self._call(self._cache["hess"], self._args(x, y), self.dim**2)
        h = np.stack(flat, axis=-1)
        return h.reshape((*h.shape[:-1], self.dim, self.dim))


def compile_expression(text: str) -> CompiledFunction:
    """Parse ``text`` safely and build f, ∇f (and, lazily, the Hessian) as numpy functions."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    expr = parse(text)
    dim = 2 if expr.has(Y) or not expr.has(X) else 1
    syms = (X, Y)[:dim]
    try:
        grad = tuple(_clean_derivative(sp.diff(expr, s)) for s in syms)
        if any(d.has(sp.I, sp.zoo, sp.nan) for d in grad):
            raise ExpressionError("not a real number: its slope is complex (a negative base "
                                  "to a variable power?)")
        f = sp.lambdify(syms, [expr], modules="numpy", cse=True)
        fg = sp.lambdify(syms, [expr, *grad], modules="numpy", cse=True)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fg(*[np.array([0.5, -1.5])] * dim)   # what lambdify could not print fails here
    except ExpressionError:
        raise
    except (RecursionError, MemoryError):
        raise ExpressionError("too deeply nested or too complex") from None
    except Exception as e:  # sympy's own failures on odd input: a message, never a traceback
        raise ExpressionError(f"cannot differentiate this expression ({type(e).__name__})") \
            from None
    parts = [str(g) for g in grad]
    shown = f"∇f = ({', '.join(parts)})" if dim == 2 else f"f′(x) = {parts[0]}"
    if len(shown) > 200:
        shown = shown[:199] + "…"
    return CompiledFunction(text, expr, dim, tuple(str(s) for s in syms), shown, f, fg, grad)
