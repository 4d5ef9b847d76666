"""Text -> CompiledFunction: f, ∇f and the Hessian as vectorised numpy functions.

Parsing (``expression_parse``) never hands the text to eval/exec/sympify/parse_expr. Numbers
come from forward-mode automatic differentiation (``autodiff``) over the expression's DAG as
typed: f, ∇f and the Hessian cost time linear in the size of the expression, so compiling any
accepted text answers within the budget. The symbolic gradient shown to users is built with
bounded effort (``symbolic``); when it is too big or too slow the text says so.
Evaluation never raises and never warns: undefined or non-finite points come back as NaN.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from app.core.autodiff import Program, evaluate
from app.core.expression_parse import (
    COMPLEX_SLOPE,
    MAX_LENGTH,
    ExpressionError,
    X,
    Y,
    parse,
    parse_program,
)
from app.core.symbolic import bounded_gradient

__all__ = ["MAX_LENGTH", "CompiledFunction", "ExpressionError", "compile_expression", "parse"]

SYMBOLIC_BUDGET = 0.5   # seconds for the shown gradient; the numbers never wait for it
MAX_SHOWN = 200         # characters of gradient_text


def _finite(o, shape: tuple[int, ...], taken: list) -> np.ndarray:
    """``o`` as a float64 array of ``shape`` with ±inf turned to NaN. A scalar (a constant
    derivative) is broadcast; an array also held by an input or an earlier output is copied."""
    if o is None:
        return np.zeros(shape)
    a = np.asarray(o, dtype=float)
    if a.shape != shape:
        return np.broadcast_to(a, shape).copy() if np.isfinite(a).all() else \
            np.full(shape, np.nan)
    if any(np.may_share_memory(a, t) for t in taken):
        a = a.copy()
    taken.append(a)
    if a.size and np.isfinite(np.add.reduce(a, axis=None)):
        return a      # one cheap pass: a finite sum means no inf and no NaN anywhere
    bad = ~np.isfinite(a)
    if bad.any():
        a[bad] = np.nan
    return a


def _scalar(o) -> float:
    """A single-point output as a float: None (an exact zero) is 0, non-finite is NaN."""
    if o is None:
        return 0.0
    v = float(o)
    return v if math.isfinite(v) else math.nan


@dataclass(frozen=True, slots=True)
class CompiledFunction:
    """f with exact derivatives, vectorised over numpy arrays; NaN where undefined.

    Numbers come from the DAG as typed (``dim`` too: x + y − y is a function of x and y).
    ``expr`` and ``gradient_exprs`` are sympy's forms for display: their functions are plain
    subclasses of sympy's (same printing and latex, no automatic reasoning; see ``symbolic``).
    """

    text: str
    expr: sp.Expr
    dim: int
    variables: tuple[str, ...]
    gradient_text: str
    _program: Program = field(repr=False, compare=False)
    _grad: tuple[sp.Expr, ...] | None = field(repr=False, compare=False)

    @property
    def gradient_exprs(self) -> tuple[sp.Expr, ...] | None:
        """(∂f/∂x[, ∂f/∂y]) as sympy expressions, or None when too big to build in time."""
        return self._grad

    def _args(self, x, y) -> tuple[np.ndarray, ...]:
        if self.dim == 1:
            return (np.asarray(x, dtype=float),)
        if y is None:
            raise TypeError("this is a function of x and y: pass both")
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def _eval(self, args: tuple, order: int) -> tuple:
        """Raw (f, [f_j], [f_jl] or None) under errstate; NaN if numpy raises anyway."""
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return evaluate(self._program, args, order)
            except Exception:  # a numpy corner case must give NaN, never a crash in the UI
                d = self.dim
                return np.nan, [np.nan] * d, [np.nan] * (d * (d + 1) // 2)

    def _run(self, args: tuple[np.ndarray, ...], order: int) -> tuple[np.ndarray, list, list]:
        """f, [f_j], [f_jl for j ≤ l] as finite-or-NaN float arrays of the broadcast shape."""
        shape = np.broadcast_shapes(*(a.shape for a in args))
        if all(a.size == 1 for a in args):    # one point: numpy scalars are ~5x faster
            f, g, h = self._eval(tuple(np.float64(a.reshape(-1)[0]) for a in args), order)
            return (np.full(shape, _scalar(f)), [np.full(shape, _scalar(o)) for o in g],
                    [np.full(shape, _scalar(o)) for o in h or ()])
        f, g, h = self._eval(args, order)
        with np.errstate(all="ignore"):
            taken = list(args)
            return (_finite(f, shape, taken), [_finite(o, shape, taken) for o in g],
                    [_finite(o, shape, taken) for o in h or ()])

    def value(self, x, y=None) -> np.ndarray:
        return self._run(self._args(x, y), 1)[0]

    def gradient(self, x, y=None) -> tuple[np.ndarray, ...]:
        return tuple(self._run(self._args(x, y), 1)[1])

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """points (..., dim) -> f (...), ∇f (..., dim)."""
        p = np.asarray(points, dtype=float)
        if p.size == self.dim:   # one point (a single walker): skip the array plumbing
            f, g, _ = self._eval(tuple(np.float64(v) for v in p.reshape(-1)), 1)
            return (np.full(p.shape[:-1], _scalar(f)),
                    np.array([_scalar(v) for v in g]).reshape(p.shape))
        # contiguous coordinates: every ufunc below then reads memory in order
        cols = tuple(p[..., i].copy() for i in range(self.dim))
        f, g, _ = self._run(cols, 1)
        # component-major storage, shown as (..., dim) by a view
        grad = np.empty((self.dim, *f.shape))
        for i, gi in enumerate(g):
            grad[i] = gi
        return f, np.moveaxis(grad, 0, -1)

    def hessian(self, x, y=None) -> np.ndarray:
        """∂²f/∂xᵢ∂xⱼ, shape broadcast + (dim, dim)."""
        _, _, h = self._run(self._args(x, y), 2)
        d = self.dim
        out = np.empty((*h[0].shape, d, d))
        p = 0
        for j in range(d):
            for m in range(j, d):
                out[..., j, m] = out[..., m, j] = h[p]
                p += 1
        return out


def _shown(grad: tuple[sp.Expr, ...] | None, dim: int) -> str:
    if grad is None:
        return "∇f: too long to show" if dim == 2 else "f′(x): too long to show"
    parts = [str(g) for g in grad]
    shown = f"∇f = ({', '.join(parts)})" if dim == 2 else f"f′(x) = {parts[0]}"
    return shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 1] + "…"


def compile_expression(text: str) -> CompiledFunction:
    """Parse ``text`` safely into f, ∇f and the Hessian (numbers by automatic
    differentiation) and the symbolic gradient as far as it can be built in time."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    t0 = time.perf_counter()
    expr, program = parse_program(text)
    dim = 1 if program.variables == {0} else 2
    syms = (X, Y)[:dim]
    grad = bounded_gradient(expr, syms, t0 + SYMBOLIC_BUDGET)
    if grad is not None and any(g.has(sp.I, sp.zoo, sp.nan) for g in grad):
        raise ExpressionError(COMPLEX_SLOPE)
    return CompiledFunction(text, expr, dim, tuple(str(s) for s in syms), _shown(grad, dim),
                            program, grad)
