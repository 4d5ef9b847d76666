"""Text -> CompiledFunction: f, ∇f and the Hessian as vectorised numpy functions.

Parsing (``expression_parse``) never hands the text to eval/exec/sympify/parse_expr. Numbers
come from forward-mode automatic differentiation (``autodiff``) over the expression's DAG as
typed: f, ∇f and the Hessian cost time linear in the size of the expression, so compiling any
accepted text answers within the budget. The symbolic gradient shown to users is built with
bounded effort (``symbolic``); when it is too big or too slow the text says so.
Evaluation never raises and never warns: undefined or non-finite points come back as NaN.
The domain is the text's as typed (``sqrt(x)^2`` at x < 0, ``x/x`` at 0 are undefined, though
sympy shows x and 1; the rules are in ``autodiff_ops``), and where f is undefined so are ∇f
and the Hessian. Where f is defined, a derivative that exists is a number even when the chain
rule meets 0·∞ (``acos(min(x, 1))`` at x = 2 has slope 0: see ``autodiff_edges``).

Parameters (``a*x^2 + y^2`` with a declared) are constants whose values are bound after
compiling: ``compile_expression(text, params={"a": 3.0})``, then ``func.with_params(a=2.5)``
gives the function for another value in microseconds, sharing the parsed program, the sympy
tree and the symbolic gradient (``autodiff_bind``). ∇f and the Hessian are in x and y only.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from app.core.autodiff import Program, evaluate
from app.core.autodiff_bind import bind
from app.core.autodiff_edges import evaluate_edges
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


def _finite(o, shape: tuple[int, ...], taken: list) -> tuple[np.ndarray, bool]:
    """``o`` as a float64 array of ``shape`` with ±inf turned to NaN, and whether it was all
    finite. A scalar (a constant derivative) is broadcast; an array also held by an input or
    an earlier output is copied."""
    if o is None:
        return np.zeros(shape), True
    a = np.asarray(o, dtype=float)
    if a.shape != shape:
        ok = bool(np.isfinite(a).all())
        return (np.broadcast_to(a, shape).copy() if ok else np.full(shape, np.nan)), ok
    if any(np.may_share_memory(a, t) for t in taken):
        a = a.copy()
    taken.append(a)
    if a.size and np.isfinite(np.add.reduce(a, axis=None)):
        return a, True      # one cheap pass: a finite sum means no inf and no NaN anywhere
    bad = ~np.isfinite(a)
    if bad.any():
        a[bad] = np.nan
        return a, False
    return a, True


def _scalar(o) -> float:
    """A single-point output as a float: None (an exact zero) is 0, non-finite is NaN."""
    if o is None:
        return 0.0
    v = float(o)
    return v if math.isfinite(v) else math.nan


def _quiet(fn, args: tuple, order: int, dim: int) -> tuple:
    """fn(args, order) under errstate; NaN everywhere if numpy raises anyway."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(args, order)
        except Exception:  # a numpy corner case must give NaN, never a crash in the UI
            return np.nan, [np.nan] * dim, [np.nan] * (dim * (dim + 1) // 2)


@dataclass(frozen=True, slots=True)
class CompiledFunction:
    """f with exact derivatives, vectorised over numpy arrays; NaN where undefined.

    Numbers come from the DAG as typed (``dim`` too: x + y − y is a function of x and y).
    ``expr`` and ``gradient_exprs`` are sympy's forms for display: their functions are plain
    subclasses of sympy's (same printing and latex, no automatic reasoning; see ``symbolic``).
    ``parameters`` are the parameters the text uses (in the order it first uses them) and
    ``param_values`` their values; ``with_params`` changes them cheaply.
    """

    text: str
    expr: sp.Expr
    dim: int
    variables: tuple[str, ...]
    gradient_text: str
    _program: Program = field(repr=False, compare=False)
    _grad: tuple[sp.Expr, ...] | None = field(repr=False, compare=False)
    param_values: tuple[float, ...] = ()
    _source: Program | None = field(default=None, repr=False, compare=False)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameter names the text uses (each has a value in ``param_values``)."""
        return self._source.params if self._source is not None else ()

    @property
    def params(self) -> dict[str, float]:
        """{name: value} of the parameters the text uses."""
        return dict(zip(self.parameters, self.param_values, strict=True))

    def with_params(self, values: Mapping[str, float] | None = None,
                    **more: float) -> CompiledFunction:
        """The same function with other parameter values (the rest keep theirs): nothing is
        parsed or differentiated again, the program is rebound (``autodiff_bind``). Names the
        text does not use are ignored (a slider of an unused parameter changes nothing)."""
        new = {**(values or {}), **more}
        if not self.parameters or not new:
            return self
        vals = tuple(_param_value(n, new[n]) if n in new else v
                     for n, v in zip(self.parameters, self.param_values, strict=True))
        if vals == self.param_values:
            return self
        assert self._source is not None
        return dataclasses.replace(self, _program=bind(self._source, vals), param_values=vals)

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

    def _fast(self, args: tuple, order: int) -> tuple:
        return evaluate(self._program, args, order)

    def _edges(self, args: tuple, order: int) -> tuple:
        return evaluate_edges(self._program, args, order)

    def _point(self, args: tuple, order: int) -> tuple[float, list[float], list[float]]:
        """One point as numpy scalars (~5x faster than arrays): f, [f_j], [f_jl], settled
        as in ``_settle``."""
        f, g, h = _quiet(self._fast, args, order, self.dim)
        fv, gv = _scalar(f), [_scalar(o) for o in g]
        hv = [_scalar(o) for o in h or ()] if order > 1 else []
        if math.isnan(fv):
            return fv, [math.nan] * len(gv), [math.nan] * len(hv)
        if any(math.isnan(v) for v in (*gv, *hv)):
            _, g, h = _quiet(self._edges, args, order, self.dim)
            gv, hv = [_scalar(o) for o in g], [_scalar(o) for o in h or ()] if order > 1 else []
        return fv, gv, hv

    def _run(self, args: tuple[np.ndarray, ...], order: int) -> tuple[np.ndarray, list, list]:
        """f, [f_j], [f_jl for j ≤ l] as finite-or-NaN float arrays of the broadcast shape."""
        shape = np.broadcast_shapes(*(a.shape for a in args))
        if all(a.size == 1 for a in args):
            f, g, h = self._point(tuple(np.float64(a.reshape(-1)[0]) for a in args), order)
            return np.full(shape, f), [np.full(shape, v) for v in g], \
                [np.full(shape, v) for v in h]
        f, g, h = _quiet(self._fast, args, order, self.dim)
        outs = [f, *g, *(h or () if order > 1 else ())]
        with np.errstate(all="ignore"):
            taken = list(args)
            done = [_finite(o, shape, taken) for o in outs]
        arrays = [a for a, _ in done]
        if not all(ok for _, ok in done):
            self._settle(args, arrays, shape, order)
        d = len(g)
        return arrays[0], arrays[1:1 + d], arrays[1 + d:]

    def _settle(self, args: tuple, arrays: list[np.ndarray], shape: tuple[int, ...],
                order: int) -> None:
        """In place: every derivative NaN where f is (the domain is the text's); where f is
        defined but a derivative came back NaN (0·∞ at the edge of a min/max or a domain),
        the numbers of ``autodiff_edges``."""
        f, derivs = arrays[0], arrays[1:]
        undefined = np.isnan(f)
        redo = np.zeros(shape, dtype=bool)
        for a in derivs:
            a[undefined] = np.nan
            redo |= np.isnan(a)
        redo &= ~undefined
        if not redo.any():
            return
        sub = tuple(np.broadcast_to(a, shape)[redo] for a in args)
        _, g, h = _quiet(self._edges, sub, order, self.dim)
        with np.errstate(all="ignore"):
            for a, o in zip(derivs, [*g, *(h or () if order > 1 else ())], strict=True):
                a[redo] = _finite(o, sub[0].shape, [])[0]

    def value(self, x, y=None) -> np.ndarray:
        return self._run(self._args(x, y), 1)[0]

    def gradient(self, x, y=None) -> tuple[np.ndarray, ...]:
        return tuple(self._run(self._args(x, y), 1)[1])

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """points (..., dim) -> f (...), ∇f (..., dim)."""
        p = np.asarray(points, dtype=float)
        if p.size == self.dim:   # one point (a single walker): skip the array plumbing
            fv, gv, _ = self._point(tuple(np.float64(v) for v in p.reshape(-1)), 1)
            return np.full(p.shape[:-1], fv), np.array(gv).reshape(p.shape)
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


def _param_value(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise ValueError(f"parameter {name}: its value must be a number")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"parameter {name}: its value must be a finite number")
    return v


def compile_expression(text: str, params: Mapping[str, float] | None = None
                       ) -> CompiledFunction:
    """Parse ``text`` safely into f, ∇f and the Hessian (numbers by automatic
    differentiation) and the symbolic gradient as far as it can be built in time.

    ``params`` declares parameters and their values ({"a": 3.0}); a name that could be a
    parameter but is not declared is an ExpressionError whose ``parameter`` names it.
    Declared names the text does not use are allowed (and not in ``parameters``)."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    values = {n: _param_value(n, v) for n, v in (params or {}).items()}
    t0 = time.perf_counter()
    expr, program = parse_program(text, tuple(values))
    dim = 1 if program.variables == {0} else 2
    syms = (X, Y)[:dim]
    grad = bounded_gradient(expr, syms, t0 + SYMBOLIC_BUDGET)
    if grad is not None and any(g.has(sp.I, sp.zoo, sp.nan) for g in grad):
        raise ExpressionError(COMPLEX_SLOPE)
    used = tuple(values[n] for n in program.params)
    return CompiledFunction(text, expr, dim, tuple(str(s) for s in syms), _shown(grad, dim),
                            bind(program, used), grad, used,
                            program if program.params else None)
