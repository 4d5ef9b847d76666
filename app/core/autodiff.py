"""Forward-mode automatic differentiation over an expression DAG, with numpy.

A ``Program`` is the expression as a DAG in topological order: instruction i is
(op, args, c), an operation on earlier nodes with an optional constant parameter c (the
local rules are in ``autodiff_ops``). Evaluating it carries, for every node u, its value, its
partials u_j = ∂u/∂x_j and (order 2) its second partials u_jl. For w = F(a_1, …, a_K):

    w_j  = Σ_k F_k · a_k,j
    w_jl = Σ_k F_k · a_k,jl + Σ_k Σ_m F_km · a_k,j · a_m,l

Each unique node is evaluated once, so the cost is linear in the size of the DAG (no symbolic
differentiation, no expression swell). Partials are sparse: None is an exact zero (the node
does not depend on x_j) and a Python float an exact constant (∂(3x)/∂x = 3), so no array
work is spent on them. Nodes are released after their last use to bound memory.

A parameter (``a`` in a·x²) is the instruction ("param", (), slot): a constant whose value is
not known when the text is parsed. ``autodiff_bind.bind`` turns a program with parameters into
one without, for given values, in time linear in its size; evaluating an unbound parameter
gives NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.autodiff_ops import BINARY, UNARY

Instr = tuple[str, tuple[int, ...], float]


@dataclass(frozen=True, slots=True)
class Program:
    """The DAG in topological order; the last instruction is the root.

    ``steps[i]`` is instruction i prepared for evaluation: (kind, fn, a, b, c, plan) with kind
    0 var, 1 const, 2 unary, 3 binary; ``plan`` lists, per variable j the node depends on,
    (j, m) with m = 1 when only argument a depends on x_j, 2 only b, 3 both.
    """

    ops: tuple[Instr, ...]
    release: tuple[tuple[int, ...], ...]   # nodes not needed after instruction i
    steps: tuple[tuple, ...]
    params: tuple[str, ...] = ()           # parameter names by slot (see ``autodiff_bind``)

    @property
    def variables(self) -> frozenset[int]:
        """Indices of the variables the expression uses (0 = x, 1 = y)."""
        return frozenset(int(c) for op, _, c in self.ops if op == "var")


def _steps(ops: list[Instr]) -> tuple[tuple, ...]:
    deps: list[int] = []      # bit j set: the node depends on x_j
    out: list[tuple] = []
    for op, args, c in ops:
        if op in ("var", "const", "param"):
            deps.append(1 << int(c) if op == "var" else 0)
            value = math.nan if op == "param" else c     # a parameter not yet bound
            out.append((0 if op == "var" else 1, None, 0, 0, value, ()))
            continue
        da = deps[args[0]]
        db = deps[args[1]] if len(args) > 1 else 0
        deps.append(da | db)
        plan = tuple((j, (da >> j & 1) | (db >> j & 1) << 1) for j in range(2)
                     if (da | db) >> j & 1)
        if len(args) == 1:
            out.append((2, UNARY[op], args[0], 0, c, plan))
        else:
            out.append((3, BINARY[op], args[0], args[1], c, plan))
    return tuple(out)


class DagBuilder:
    """Builds a Program node by node; identical nodes are shared (hash-consing)."""

    def __init__(self) -> None:
        self._ops: list[Instr] = []
        self._index: dict[Instr, int] = {}

    def node(self, op: str, args: tuple[int, ...] = (), c: float = 0.0) -> int:
        if op not in UNARY and op not in BINARY and op not in ("var", "const", "param"):
            raise KeyError(op)
        key = (op, args, float(c) + 0.0)   # + 0.0: -0 is 0 (atan2(-0, -1) is π, not −π)
        if key not in self._index:
            self._index[key] = len(self._ops)
            self._ops.append(key)
        return self._index[key]

    def var(self, i: int) -> int:
        return self.node("var", (), i)

    def const(self, value: float) -> int:
        return self.node("const", (), value)

    def param(self, slot: int) -> int:
        return self.node("param", (), slot)

    def program(self, root: int, params: tuple[str, ...] = ()) -> Program:
        """The nodes ``root`` depends on, renumbered in order, with their release points;
        ``params`` names the parameter slots."""
        keep = [False] * (root + 1)
        keep[root] = True
        for i in range(root, -1, -1):
            if keep[i]:
                for a in self._ops[i][1]:
                    keep[a] = True
        new = {}
        ops: list[Instr] = []
        for i in range(root + 1):
            if keep[i]:
                op, args, c = self._ops[i]
                new[i] = len(ops)
                ops.append((op, tuple(new[a] for a in args), c))
        last = {a: i for i, (_, args, _) in enumerate(ops) for a in args}
        release: list[list[int]] = [[] for _ in ops]
        for a, i in last.items():
            release[i].append(a)
        return Program(tuple(ops), tuple(tuple(r) for r in release), _steps(ops), params)


def _scale(f, t):
    """f·t for a partial f and a sparse partial t (None = 0, Python float = constant)."""
    if t is None:
        return None
    if type(f) is float:
        if f == 0.0:
            return None
        if f == 1.0:
            return t
        if f == -1.0:
            return -t
    if type(t) is float and t == 1.0:
        return f
    return f * t


def _plus(s, t):
    return t if s is None else s if t is None else s + t


def evaluate(prog: Program, inputs: tuple, order: int = 1) -> tuple:
    """(f, [∂f/∂x_j], [∂²f/∂x_j∂x_l for j ≤ l] or None) at ``inputs`` (arrays or scalars,
    one per variable; they must broadcast). Entries may be None (zero) or Python floats."""
    if order < 2:
        return (*_first(prog, inputs), None)
    d = len(inputs)
    pairs = [(j, m) for j in range(d) for m in range(j, d)]
    n = len(prog.ops)
    vals: list = [None] * n
    grads: list = [None] * n
    hess: list = [None] * n
    none_h = [None] * len(pairs)
    for i, (op, args, c) in enumerate(prog.ops):
        if op == "var":
            vals[i] = inputs[int(c)]
            grads[i] = [1.0 if j == c else None for j in range(d)]
            hess[i] = none_h
            continue
        if op in ("const", "param"):
            vals[i] = c if op == "const" else math.nan
            grads[i], hess[i] = [None] * d, none_h
            continue
        if len(args) == 1:
            w, f1, f2 = UNARY[op](vals[args[0]], c, order)
        else:
            w, f1, f2 = BINARY[op](vals[args[0]], vals[args[1]], order)
        ts = [grads[a] for a in args]
        g = []
        for j in range(d):
            acc = None
            for fk, tk in zip(f1, ts, strict=True):
                acc = _plus(acc, _scale(fk, tk[j]))
            g.append(acc)
        vals[i], grads[i] = w, g
        hess[i] = _second(f1, f2, ts, [hess[a] for a in args], pairs)
        for k in prog.release[i]:
            vals[k] = grads[k] = hess[k] = None
    return vals[-1], grads[-1], hess[-1]


def _first(prog: Program, inputs: tuple) -> tuple:
    """f and ∇f only: the hot path (grids, walkers), driven by the precomputed plans."""
    d = len(inputs)
    n = len(prog.steps)
    vals: list = [None] * n
    grads: list = [None] * n
    zero: list = [None] * d
    for i, (kind, fn, a, b, c, plan) in enumerate(prog.steps):
        g = zero
        if kind == 2:
            w, (f,), _ = fn(vals[a], c, 1)
            if plan:
                g, ga = list(zero), grads[a]
                for j, _m in plan:
                    g[j] = _scale(f, ga[j])
        elif kind == 3:
            w, (fa, fb), _ = fn(vals[a], vals[b], 1)
            if plan:
                g, ga, gb = list(zero), grads[a], grads[b]
                for j, m in plan:
                    g[j] = _scale(fa, ga[j]) if m == 1 else _scale(fb, gb[j]) if m == 2 else \
                        _plus(_scale(fa, ga[j]), _scale(fb, gb[j]))
        elif kind == 0:
            w = inputs[int(c)]
            g = [1.0 if j == c else None for j in range(d)]
        else:
            w = c
        vals[i], grads[i] = w, g
        for k in prog.release[i]:
            vals[k] = grads[k] = None
    return vals[-1], grads[-1]


def _second(f1, f2, ts, hs, pairs) -> list:
    """w_jl = Σ_k F_k a_k,jl + Σ_k Σ_m F_km a_k,j a_m,l for each pair (j, l), j ≤ l."""
    out = []
    for p, (j, m) in enumerate(pairs):
        acc = None
        for k, fk in enumerate(f1):
            acc = _plus(acc, _scale(fk, hs[k][p]))
            for q, fkq in enumerate(f2[k]):
                a, b = ts[k][j], ts[q][m]
                if a is None or b is None or (type(fkq) is float and fkq == 0.0):
                    continue
                acc = _plus(acc, _scale(fkq, _scale(a, b)))
        out.append(acc)
    return out
