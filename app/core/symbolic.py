"""The sympy side, for display only, with bounded effort: the tree users see and its gradient.

sympy reasons while it builds: ``cos(sinh(sqrt(x)*(x+y+1)^200))`` took 24 s just to construct
(sinh(u).is_real computes im(u) mod π by polynomial gcd), and ``sympy.diff`` of a
32-argument Max took 20 s. A Python thread cannot be interrupted, so here

* functions are sympy's own classes with the same names (printing, ``latex``, ``lambdify``
  and ``diff`` work) but ``plain``: no automatic simplification and no assumption reasoning;
  sums, products and powers still simplify (x − x = 0) at a cost linear in their size;
* the gradient is built by forward mode over the DAG: each unique node u gets ∂u/∂s from
  its arguments' derivatives by one local rule, and the clock is checked between nodes:

    d(a + b) = da + db        d(a·b) = da·b + a·db        d(a^c) = c·a^(c−1)·da
    d(a^b) = a^b·(db·ln a + b·da/a)        d g(a) = g′(a)·da
    d max(a, b) = H(a − b)·da + H(b − a)·db        floor′ = ceil′ = sign′ = 0

A derivative that misses the deadline, or whose tree has more than ``max_nodes`` nodes, is not
shown (None). Numbers never depend on this module: ``autodiff`` computes them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import sympy as sp
from sympy.core.assumptions import _assume_defined

X, Y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)


class cbrt(sp.Function):  # lower case: printed as the function the user typed
    """The real cube root, sign(u)·|u|^(1/3); d/du cbrt(u) = 1/(3·cbrt(u)²)."""

    @classmethod
    def eval(cls, a: sp.Expr) -> sp.Expr | None:  # sympy's Function hook, not Python's eval
        if a.is_Float:
            return sp.Float(math.copysign(abs(float(a)) ** (1 / 3), float(a)))
        if a.is_Rational and abs(a.p) < 10**30 and a.q < 10**30:
            (rp, ep), (rq, eq) = sp.integer_nthroot(abs(a.p), 3), sp.integer_nthroot(a.q, 3)
            if ep and eq:
                return sp.Rational(rp, rq) * (1 if a.p >= 0 else -1)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (3 * cbrt(self.args[0]) ** 2)

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _latex(self, printer) -> str:
        return r"\sqrt[3]{" + printer._print(self.args[0]) + "}"


def _unknown(self: sp.Basic) -> None:
    return None


def _plain(cls: type) -> type:
    """``cls`` (same name, a subclass) that neither simplifies on construction nor reasons
    about assumptions (is_real, is_positive, … are unknown): building it costs O(1)."""
    ns: dict = {f"_eval_is_{fact}": _unknown for fact in _assume_defined
                if fact != "commutative"}
    ns.update(eval=classmethod(lambda c, *a: None), __module__=__name__,
              __qualname__=cls.__name__)
    return type(cls.__name__, (cls,), ns)


PLAIN: dict[str, type] = {c.__name__: _plain(c) for c in (
    sp.sin, sp.cos, sp.tan, sp.asin, sp.acos, sp.atan, sp.atan2, sp.sinh, sp.cosh, sp.tanh,
    sp.asinh, sp.acosh, sp.atanh, sp.log, sp.Abs, sp.sign, sp.floor, sp.ceiling,
    sp.Max, sp.Min)}
# exp stays sympy's: its facts are cheap (is its argument real?) and Pow relies on them
# (a plain exp makes exp(u)·2x recurse without end)
PLAIN["exp"] = sp.exp
_P = PLAIN
_ZERO_SLOPE = (sp.floor, sp.ceiling, sp.sign, sp.Heaviside)
# g′(u) in terms of u and w = g(u), built from plain functions
_SLOPE: dict[str, Callable[[sp.Expr, sp.Expr], sp.Expr]] = {
    "sin": lambda u, w: _P["cos"](u), "cos": lambda u, w: -_P["sin"](u),
    "tan": lambda u, w: 1 + w**2, "asin": lambda u, w: 1 / sp.sqrt(1 - u**2),
    "acos": lambda u, w: -1 / sp.sqrt(1 - u**2), "atan": lambda u, w: 1 / (1 + u**2),
    "sinh": lambda u, w: _P["cosh"](u), "cosh": lambda u, w: _P["sinh"](u),
    "tanh": lambda u, w: 1 - w**2, "asinh": lambda u, w: 1 / sp.sqrt(u**2 + 1),
    "acosh": lambda u, w: 1 / sp.sqrt(u**2 - 1), "atanh": lambda u, w: 1 / (1 - u**2),
    "exp": lambda u, w: w, "log": lambda u, w: 1 / u, "Abs": lambda u, w: _P["sign"](u),
    "cbrt": lambda u, w: 1 / (3 * w**2),
}


class _GiveUp(Exception):
    """The deadline passed or a node has no rule here."""


def _postorder(expr: sp.Expr, deadline: float) -> list[sp.Expr]:
    """Unique nodes of ``expr``, children before parents (iterative: no recursion limit)."""
    order: list[sp.Expr] = []
    seen: set[sp.Expr] = set()
    stack: list[tuple[sp.Expr, bool]] = [(expr, False)]
    while stack:
        e, done = stack.pop()
        if done:
            order.append(e)
            continue
        if e in seen:
            continue
        seen.add(e)
        stack.append((e, True))
        stack.extend((a, False) for a in e.args if a not in seen)
        if len(seen) % 256 == 0 and time.perf_counter() > deadline:
            raise _GiveUp
    return order


def _local(e: sp.Expr, d: dict[sp.Expr, sp.Expr], s: sp.Symbol) -> sp.Expr:
    """∂e/∂s from the derivatives ``d`` of e's arguments."""
    args = e.args
    if e.is_Add:
        return sp.Add(*(d[a] for a in args))
    if e.is_Mul:
        return sp.Add(*(sp.Mul(*args[:k], d[a], *args[k + 1:])
                        for k, a in enumerate(args) if d[a] != 0))
    if e.is_Pow:
        b, c = args
        if d[c] == 0:
            return c * b ** (c - 1) * d[b]
        if d[b] == 0:
            return e * _P["log"](b) * d[c]
        return e * (d[c] * _P["log"](b) + c * d[b] / b)
    if isinstance(e, _ZERO_SLOPE):
        return sp.S.Zero
    if isinstance(e, sp.Max | sp.Min):
        terms = []
        for k, a in enumerate(args):
            if d[a] == 0:
                continue
            rest = args[:k] + args[k + 1:]
            other = rest[0] if len(rest) == 1 else type(e)(*rest, evaluate=False)
            gap = a - other if isinstance(e, sp.Max) else other - a
            terms.append(sp.Heaviside(gap, evaluate=False) * d[a])
        return sp.Add(*terms)
    if isinstance(e, sp.atan2):   # atan2(a, b): ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²)
        a, b = args
        return (b * d[a] - a * d[b]) / (a**2 + b**2)
    slope = _SLOPE.get(type(e).__name__)
    if slope is None or len(args) != 1:
        raise _GiveUp
    return slope(args[0], e) * d[args[0]]


def tree_size(expr: sp.Expr, cap: int) -> int:
    """Nodes of ``expr`` written out as a tree (shared parts counted each time), capped."""
    sizes: dict[sp.Expr, int] = {}
    for e in _postorder(expr, math.inf):
        sizes[e] = min(cap + 1, 1 + sum(sizes[a] for a in e.args))
    return sizes[expr]


def bounded_gradient(expr: sp.Expr, syms: tuple[sp.Symbol, ...], deadline: float,
                     max_nodes: int = 3000) -> tuple[sp.Expr, ...] | None:
    """(∂expr/∂s for s in syms), or None past ``deadline`` or beyond ``max_nodes`` nodes."""
    try:
        nodes = _postorder(expr, deadline)
        out = []
        for s in syms:
            d: dict[sp.Expr, sp.Expr] = {}
            for e in nodes:
                if e.is_Symbol:
                    d[e] = sp.S.One if e == s else sp.S.Zero
                elif not e.args or all(d[a] == 0 for a in e.args):
                    d[e] = sp.S.Zero
                else:
                    d[e] = _local(e, d, s)
                    if time.perf_counter() > deadline:
                        raise _GiveUp
            out.append(d[expr])
    except (_GiveUp, RecursionError, MemoryError):
        return None
    if any(tree_size(g, max_nodes) > max_nodes for g in out):
        return None
    return tuple(out)
