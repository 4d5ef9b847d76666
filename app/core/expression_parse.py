"""Text -> (sympy tree, AD program), safely: an ast allow-list and guarded constant folding.

The text never reaches eval/exec/sympify/parse_expr: ``ast.parse(mode="eval")`` gives a tree
that is walked against an allow-list, building node by node both the sympy tree (shown to
users) and the DAG that ``autodiff`` evaluates. The DAG is the tree *as typed* (sympy turns
``sqrt(x)^2`` into ``x``; the DAG keeps the square root, so f is undefined for x < 0).
Constant sub-expressions are folded with guarded float arithmetic, so ``10**10**10`` or
``1/0`` are refused in microseconds; sympy keeps a constant exact only while it is small
(``2^3^2`` is 512, but ``(1/3)^(10^9)`` becomes the float 0.0, never a huge rational).

A name that could be a parameter (``is_parameter_name``: a, b, k, kappa, theta, …) is one only
when declared: it then becomes a real sympy symbol and a ("param", slot) node of the DAG, in
the order the text first uses it; undeclared, it is an ExpressionError whose ``parameter``
names it (nothing becomes a parameter silently).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Collection
from typing import NamedTuple

import numpy as np
import sympy as sp

from app.core.autodiff import DagBuilder, Program
from app.core.expression_fold import exact_or_float, fold, fold_call, modest_exponent
from app.core.expression_text import (
    MAX_LENGTH,
    ExpressionError,
    is_parameter_name,
    normalise,
    parameter_message,
    syntax_message,
    unknown_function_message,
    unknown_name_message,
)
from app.core.symbolic import PLAIN, X, Y, cbrt

__all__ = ["MAX_LENGTH", "ExpressionError", "Parsed", "X", "Y", "parse", "parse_program"]

MAX_DEPTH = 50     # parentheses
MAX_TREE_DEPTH = 120  # nested operations (unrolled sums and products don't count)
COMPLEX_SLOPE = "not a real number: its slope is complex (a negative base to a variable power?)"


# name -> (arity (min, max), sympy class for constants, float function for constant folding)
_FUNCS: dict[str, tuple[tuple[int, int], Callable, Callable]] = {
    "sin": ((1, 1), sp.sin, math.sin), "cos": ((1, 1), sp.cos, math.cos),
    "tan": ((1, 1), sp.tan, math.tan), "asin": ((1, 1), sp.asin, math.asin),
    "acos": ((1, 1), sp.acos, math.acos), "atan": ((1, 1), sp.atan, math.atan),
    "atan2": ((2, 2), sp.atan2, math.atan2), "sinh": ((1, 1), sp.sinh, math.sinh),
    "cosh": ((1, 1), sp.cosh, math.cosh), "tanh": ((1, 1), sp.tanh, math.tanh),
    "asinh": ((1, 1), sp.asinh, math.asinh), "acosh": ((1, 1), sp.acosh, math.acosh),
    "atanh": ((1, 1), sp.atanh, math.atanh), "exp": ((1, 1), sp.exp, math.exp),
    "log": ((1, 1), sp.log, math.log), "ln": ((1, 1), sp.log, math.log),
    "log2": ((1, 1), lambda a: sp.log(a, 2), math.log2),
    "log10": ((1, 1), lambda a: sp.log(a, 10), math.log10),
    "sqrt": ((1, 1), sp.sqrt, math.sqrt),
    "cbrt": ((1, 1), cbrt, lambda a: math.copysign(abs(a) ** (1 / 3), a)),
    "abs": ((1, 1), sp.Abs, abs), "sign": ((1, 1), sp.sign, lambda a: float(np.sign(a))),
    "min": ((2, 32), sp.Min, min), "max": ((2, 32), sp.Max, max),
    "hypot": ((2, 2), lambda a, b: sp.sqrt(a**2 + b**2), math.hypot),
    "floor": ((1, 1), sp.floor, math.floor), "ceil": ((1, 1), sp.ceiling, math.ceil),
}
_PLAIN_NAME = {"abs": "Abs", "ceil": "ceiling", "ln": "log"}
# the same functions of non-constant arguments: plain (no simplification, no reasoning)
_SYMBOLIC: dict[str, Callable] = {
    **{n: PLAIN[_PLAIN_NAME.get(n, n)] for n in _FUNCS if _PLAIN_NAME.get(n, n) in PLAIN},
    "log2": lambda a: PLAIN["log"](a) / sp.log(2),
    "log10": lambda a: PLAIN["log"](a) / sp.log(10),
    "sqrt": sp.sqrt, "cbrt": cbrt, "hypot": lambda a, b: sp.sqrt(a**2 + b**2),
    "min": lambda *a: PLAIN["Min"](*a, evaluate=False),   # evaluated: seconds for 32 powers
    "max": lambda *a: PLAIN["Max"](*a, evaluate=False),
}
_DAG_NAME = {"ln": "log"}
_NAMES = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
_CONST_FLOAT = {"pi": math.pi, "e": math.e}
_VAR = {"x": 0, "y": 1}
_NODE_WORDS = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.NamedExpr: "assignment (:=)", ast.JoinedStr: "a string", ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'", ast.IfExp: "'if … else'", ast.Tuple: "a tuple (a stray comma?)",
    ast.List: "a list", ast.Dict: "a dict", ast.Set: "a set", ast.Starred: "'*' unpacking",
}
_OPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


class Built(NamedTuple):
    """A sub-expression: its sympy form, its float value when constant, else its DAG node."""

    expr: sp.Expr
    value: float | None
    node: int | None


class Parsed(NamedTuple):
    expr: sp.Expr
    program: Program


class _Builder:
    """Walks an allow-listed ast; builds the sympy tree and the DAG, folding constants."""

    def __init__(self, cols: list[int], declared: Collection[str] = ()):
        self.cols = cols
        self.dag = DagBuilder()
        self.declared = frozenset(declared)
        self.params: list[str] = []         # slot -> name, in the order of first use

    def col(self, node: ast.AST) -> int | None:
        off = getattr(node, "col_offset", None)
        return self.cols[min(off, len(self.cols) - 1)] if off is not None and self.cols else None

    def fail(self, message: str, node: ast.AST | None = None) -> ExpressionError:
        return ExpressionError(message, self.col(node) if node is not None else None)

    def folded(self, node: ast.AST, fold_fn: Callable, *args) -> float:
        """A guarded constant fold; its refusal points at ``node``."""
        try:
            return fold_fn(*args)
        except ExpressionError as e:
            raise self.fail(e.message, node) from None

    def nid(self, b: Built) -> int:
        """b's DAG node; a constant gets its node only when an operation needs it."""
        if b.node is not None:
            return b.node
        assert b.value is not None
        return self.dag.const(b.value)

    def build(self, node: ast.AST, depth: int = 0) -> Built:
        if depth > MAX_TREE_DEPTH:
            raise self.fail("too deeply nested", node)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                what = "a string" if isinstance(v, str) else repr(v)
                raise self.fail(f"{what} is not allowed: only real numbers", node)
            if (isinstance(v, int) and v > 10**300) or not math.isfinite(v):
                raise self.fail("number too large", node)
            return Built(sp.Integer(v) if isinstance(v, int) else sp.Float(v), float(v), None)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
            b = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return b
            if b.value is not None:
                return Built(-b.expr, -b.value, None)
            return Built(-b.expr, None, self.dag.node("neg", (self.nid(b),)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.combine(node, node.op, self.build(node.left, depth + 1),
                                self.build(node.right, depth + 1))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult
                                                       | ast.Div):
            first, chain = _flatten_chain(node)
            acc = self.build(first, depth + 1)
            for op, right, whole in chain:
                acc = self.combine(whole, op, acc, self.build(right, depth + 1))
            return acc
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.BinOp | ast.UnaryOp):
            what = type(node.op).__name__
            raise self.fail(f"operator {what} is not allowed: use + - * / ^", node)
        word = _NODE_WORDS.get(type(node), type(node).__name__)
        raise self.fail(f"{word} is not allowed in an expression", node)

    def name(self, node: ast.Name) -> Built:
        n = node.id
        if n in _VAR:
            return Built(_NAMES[n], None, self.dag.var(_VAR[n]))
        if n in _NAMES:
            return Built(_NAMES[n], _CONST_FLOAT[n], None)
        if n in _FUNCS:
            raise self.fail(f"{n} is a function: write {n}(…)", node)
        if n in self.declared:
            if n not in self.params:
                self.params.append(n)
            return Built(sp.Symbol(n, real=True), None, self.dag.param(self.params.index(n)))
        if is_parameter_name(n):
            raise ExpressionError(parameter_message(n), self.col(node), parameter=n)
        raise self.fail(unknown_name_message(n, list(_NAMES), list(_FUNCS)), node)

    def combine(self, node: ast.BinOp, op: ast.operator, left: Built, right: Built) -> Built:
        (a, ca, _), (b, cb, _) = left, right
        name = _OPS[type(op)]
        make = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
                "div": lambda: a / b, "pow": lambda: a**b}[name]
        if ca is not None and cb is not None:
            value = self.folded(node, fold, name, ca, cb)
            if name == "pow" and not modest_exponent(b):
                return Built(sp.Float(value), value, None)
            return Built(exact_or_float(make, [a, b], value), value, None)
        if name == "div" and cb == 0:
            raise self.fail("division by zero", node)
        if name == "pow" and cb is not None and abs(cb) > 1e4:
            raise self.fail("number too large: exponent above 10000", node.right)
        if name == "pow" and ca is not None and ca <= 0:
            raise self.fail(COMPLEX_SLOPE, node)
        return Built(make(), None, self.emit(name, left, right))

    def emit(self, name: str, a: Built, b: Built) -> int:
        """The DAG node of ``a <name> b`` (one of them may be constant)."""
        dag = self.dag
        if b.value is not None:   # constant right: x + c, x - c, c·x, x/c, x^c
            c = -b.value if name == "sub" else b.value
            kind = {"add": "addc", "sub": "addc", "mul": "mulc", "div": "divc",
                    "pow": "powc"}[name]
            return dag.node(kind, (self.nid(a),), c)
        if a.value is not None:   # constant left: c + x, c - x, c·x, c/x, c^x (c > 0)
            kind = {"add": "addc", "sub": "csub", "mul": "mulc", "div": "cdiv",
                    "pow": "expc"}[name]
            return dag.node(kind, (self.nid(b),), a.value)
        return dag.node(name, (self.nid(a), self.nid(b)))

    def call(self, node: ast.Call, depth: int) -> Built:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only calls of named functions are allowed, like sin(x)", node)
        name = node.func.id
        if name not in _FUNCS:
            raise self.fail(unknown_function_message(name, list(_FUNCS)), node)
        if node.keywords:
            raise self.fail(f"{name}: keyword arguments are not allowed", node)
        (lo, hi), build, fn = _FUNCS[name]
        n = len(node.args)
        if not lo <= n <= hi:
            want = f"{lo}" if lo == hi else f"at least {lo}"
            plural = "" if lo == hi == 1 else "s"
            raise self.fail(f"{name} takes {want} argument{plural}, got {n}", node)
        built = [self.build(a, depth + 1) for a in node.args]
        args = [b.expr for b in built]
        if all(b.node is None for b in built):
            value = self.folded(node, fold_call, name, fn, [b.value for b in built])
            return Built(exact_or_float(lambda: build(*args), args, value), value, None)
        build = _SYMBOLIC[name]
        op = _DAG_NAME.get(name, name)
        if n == 1:
            return Built(build(*args), None, self.dag.node(op, (self.nid(built[0]),)))
        nid = self.nid(built[0])
        for b in built[1:]:   # min/max of many: a chain of pairs
            nid = self.dag.node(op, (nid, self.nid(b)))
        return Built(build(*args), None, nid)


def _flatten_chain(node: ast.AST) -> tuple[ast.AST, list[tuple[ast.operator, ast.AST, ast.BinOp]]]:
    """Left-nested + - * / chains, unrolled so 300-term sums don't recurse 300 deep."""
    chain: list[tuple[ast.operator, ast.AST, ast.BinOp]] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult
                                                     | ast.Div):
        chain.append((node.op, node.right, node))
        node = node.left
    return node, chain[::-1]


def parse_program(text: str, params: Collection[str] = ()) -> Parsed:
    """The sympy tree of ``text`` (symbols x, y real) and its DAG as typed, or ExpressionError.
    ``params`` are the declared parameter names (legal ones: ``is_parameter_name``); the
    program's ``params`` lists those the text uses."""
    bad = [n for n in params if not is_parameter_name(n)]
    if bad:
        raise ExpressionError(f"{str(bad[0])[:30]!r} cannot be a parameter: use one letter "
                              "(not x, y, e or z), kappa or theta")
    src, cols = normalise(text)
    depth = 0
    for i, ch in enumerate(src):
        depth += (ch == "(") - (ch == ")")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"too deeply nested (more than {MAX_DEPTH} parentheses)",
                                  cols[i])
    lead = len(src) - len(src.lstrip())
    src, cols = src[lead:].rstrip().replace("\n", " ").replace("\t", " "), cols[lead:]
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as e:
        message, off = syntax_message(src, e.msg, e.offset)
        raise ExpressionError(message, cols[off]) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("too deeply nested or too complex") from None
    builder = _Builder(cols, params)
    try:
        top = builder.build(tree.body)
    except ExpressionError:
        raise
    except (RecursionError, MemoryError):
        raise ExpressionError("too deeply nested or too complex") from None
    except Exception as e:   # sympy failing on odd input: a message, never a traceback
        raise ExpressionError(f"cannot simplify this expression ({type(e).__name__})") from None
    expr = top.expr
    if expr.has(sp.zoo, sp.oo, -sp.oo):
        raise ExpressionError("division by zero")
    if expr.has(sp.nan, sp.I):
        raise ExpressionError("not a real number")
    return Parsed(expr, builder.dag.program(builder.nid(top), tuple(builder.params)))


def parse(text: str) -> sp.Expr:
    """The sympy tree of ``text`` (symbols x, y real), or ExpressionError."""
    return parse_program(text).expr
