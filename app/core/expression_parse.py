"""Text -> sympy tree, safely: NFKC, a character allow-list, ast allow-list, guarded folding.

The text never reaches eval/exec/sympify/parse_expr: ``ast.parse(mode="eval")`` gives a tree
that is walked against an allow-list, and the sympy tree is built node by node. Constant
sub-expressions are folded with guarded float arithmetic first, so ``10**10**10`` or ``1/0``
are refused in microseconds instead of making sympy compute.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import sympy as sp

MAX_LENGTH = 1000
MAX_DEPTH = 50     # parentheses
MAX_TREE_DEPTH = 120  # nested operations (unrolled sums and products don't count)
X, Y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
_ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n+-*/^()._,")


class ExpressionError(ValueError):
    """Bad expression text: ``message`` is one human line; ``column`` 0-based, or None."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message, self.column = message, column

    def __str__(self) -> str:
        if self.column is None:
            return self.message
        return f"{self.message} (at column {self.column + 1})"


def _real_cbrt(a):
    return sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3)


# name -> (arity (min, max), sympy builder, float function for constant folding)
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
    "cbrt": ((1, 1), _real_cbrt, lambda a: math.copysign(abs(a) ** (1 / 3), a)),
    "abs": ((1, 1), sp.Abs, abs), "sign": ((1, 1), sp.sign, lambda a: float(np.sign(a))),
    "min": ((2, 32), sp.Min, min), "max": ((2, 32), sp.Max, max),
    "hypot": ((2, 2), lambda a, b: sp.sqrt(a**2 + b**2), math.hypot),
    "floor": ((1, 1), sp.floor, math.floor), "ceil": ((1, 1), sp.ceiling, math.ceil),
}
_NAMES = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
_CONST_FLOAT = {"pi": math.pi, "e": math.e}
_NODE_WORDS = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.NamedExpr: "assignment (:=)", ast.JoinedStr: "a string", ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'", ast.IfExp: "'if … else'", ast.Tuple: "a tuple (a stray comma?)",
    ast.List: "a list", ast.Dict: "a dict", ast.Set: "a set", ast.Starred: "'*' unpacking",
}


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC-normalise, check characters, make implicit products explicit, map '^' to '**'.

    Returns the new text and, for each of its characters, the column in the original.
    """
    if not text.strip():
        raise ExpressionError("empty expression: type a function of x and y, e.g. x^2 + y^2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"too long: {len(text)} characters (at most {MAX_LENGTH})")
    out, cols = [], []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            if c not in _ALLOWED:
                name = unicodedata.name(c, "control character")
                shown = repr(c)[1:-1] if not c.isprintable() else c
                raise ExpressionError(
                    f"unsupported character '{shown}' (U+{ord(c):04X} {name.lower()})", i)
            out.append(c)
            cols.append(i)
    s = "".join(out)
    # implicit multiplication: a number followed by a name or '(' (2x, 3(x+1), 2pi), and ')'
    # followed by '(' or a name ((x+1)(x-1), (1-x)^2 exp(-x)).
    pieces, pcols, i = [], [], 0
    num = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
    while i < len(s):
        m = num.match(s, i) if (i == 0 or not (s[i - 1].isalnum() or s[i - 1] == "_")) else None
        if m:
            pieces.append(m.group())
            pcols.extend(cols[i:m.end()])
            i = m.end()
            j = i
            while j < len(s) and s[j] in " \t":
                j += 1
            if j < len(s) and (s[j].isalpha() or s[j] == "("):
                pieces.append("*")
                pcols.append(cols[j])
            continue
        if s[i] == ")":
            j = i + 1
            while j < len(s) and s[j] in " \t":
                j += 1
            pieces.append(")")
            pcols.append(cols[i])
            if j < len(s) and (s[j] == "(" or s[j].isalpha()):
                pieces.append("*")
                pcols.append(cols[j])
            i += 1
            continue
        if s[i] == "^":
            pieces.append("**")
            pcols.extend([cols[i], cols[i]])
        else:
            pieces.append(s[i])
            pcols.append(cols[i])
        i += 1
    return "".join(pieces), pcols


class _Builder:
    """Walks an allow-listed ast and builds the sympy tree, folding constants as floats."""

    def __init__(self, cols: list[int]):
        self.cols = cols

    def col(self, node: ast.AST) -> int | None:
        off = getattr(node, "col_offset", None)
        return self.cols[min(off, len(self.cols) - 1)] if off is not None and self.cols else None

    def fail(self, message: str, node: ast.AST | None = None) -> ExpressionError:
        return ExpressionError(message, self.col(node) if node is not None else None)

    def build(self, node: ast.AST, depth: int = 0) -> tuple[sp.Expr, float | None]:
        """(sympy expression, its float value when constant)."""
        if depth > MAX_TREE_DEPTH:
            raise self.fail("too deeply nested", node)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                what = "a string" if isinstance(v, str) else repr(v)
                raise self.fail(f"{what} is not allowed: only real numbers", node)
            if (isinstance(v, int) and v > 10**300) or not math.isfinite(v):
                raise self.fail("number too large", node)
            return (sp.Integer(v) if isinstance(v, int) else sp.Float(v)), float(v)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
            e, c = self.build(node.operand, depth + 1)
            return (e, c) if isinstance(node.op, ast.UAdd) else (-e, None if c is None else -c)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            left, right = self.build(node.left, depth + 1), self.build(node.right, depth + 1)
            return self.combine(node, node.op, left, right)
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
            op = type(node.op).__name__
            raise self.fail(f"operator {op} is not allowed: use + - * / ^", node)
        word = _NODE_WORDS.get(type(node), type(node).__name__)
        raise self.fail(f"{word} is not allowed in an expression", node)

    def name(self, node: ast.Name) -> tuple[sp.Expr, float | None]:
        n = node.id
        if n in _NAMES:
            return _NAMES[n], _CONST_FLOAT.get(n)
        if n in _FUNCS:
            raise self.fail(f"{n} is a function: write {n}(…)", node)
        raise self.fail(_unknown_name_message(n), node)

    def combine(self, node: ast.BinOp, op: ast.operator, left: tuple[sp.Expr, float | None],
                right: tuple[sp.Expr, float | None]) -> tuple[sp.Expr, float | None]:
        (a, ca), (b, cb) = left, right
        if ca is not None and cb is not None:
            value = self.fold(op, ca, cb, node)
            if isinstance(op, ast.Pow) and isinstance(a, sp.Integer) and isinstance(b, sp.Integer) \
                    and int(b) >= 0:
                return a**b, value  # exact integer power of modest size (guarded by fold)
            expr = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(op))
            if expr is None:
                expr = a / b if isinstance(op, ast.Div) else a**b
            return expr, value
        if isinstance(op, ast.Div) and cb == 0:
            raise self.fail("division by zero", node)
        if isinstance(op, ast.Pow) and cb is not None and abs(cb) > 1e4:
            raise self.fail("number too large: exponent above 10000", node.right)
        if isinstance(op, ast.Add):
            return a + b, None
        if isinstance(op, ast.Sub):
            return a - b, None
        if isinstance(op, ast.Mult):
            return a * b, None
        if isinstance(op, ast.Div):
            return a / b, None
        return a**b, None

    def fold(self, op: ast.operator, a: float, b: float, node: ast.AST) -> float:
        try:
            if isinstance(op, ast.Add):
                v = a + b
            elif isinstance(op, ast.Sub):
                v = a - b
            elif isinstance(op, ast.Mult):
                v = a * b
            elif isinstance(op, ast.Div):
                v = a / b
            else:
                if abs(b) > 1e4 and abs(a) > 1:
                    raise OverflowError
                if a < 0 and not float(b).is_integer():
                    raise self.fail(f"not a real number: ({a:g})^{b:g}", node)
                v = math.pow(a, b)
        except ZeroDivisionError:
            raise self.fail("division by zero", node) from None
        except OverflowError:
            raise self.fail("number too large", node) from None
        except ValueError:
            raise self.fail("division by zero" if a == 0 else "not a real number", node) from None
        if not math.isfinite(v) or abs(v) > 1e300:
            raise self.fail("number too large", node)
        return v

    def call(self, node: ast.Call, depth: int) -> tuple[sp.Expr, float | None]:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only calls of named functions are allowed, like sin(x)", node)
        name = node.func.id
        if name not in _FUNCS:
            raise self.fail(_unknown_function_message(name), node)
        if node.keywords:
            raise self.fail(f"{name}: keyword arguments are not allowed", node)
        (lo, hi), build, fold = _FUNCS[name]
        n = len(node.args)
        if not lo <= n <= hi:
            want = f"{lo}" if lo == hi else f"at least {lo}"
            plural = "" if lo == hi == 1 else "s"
            raise self.fail(f"{name} takes {want} argument{plural}, got {n}", node)
        built = [self.build(a, depth + 1) for a in node.args]
        args = [e for e, _ in built]
        consts = [c for _, c in built]
        value = None
        if all(c is not None for c in consts):
            try:
                value = float(fold(*consts))
            except (ValueError, ZeroDivisionError):
                bad = "division by zero" if name in ("log", "ln", "log2", "log10") and \
                    consts[0] == 0 else "not a real number"
                raise self.fail(f"{bad}: {name}({', '.join(f'{c:g}' for c in consts)})",
                                node) from None
            except OverflowError:
                raise self.fail("number too large", node) from None
            if not math.isfinite(value):
                raise self.fail("number too large", node)
        return build(*args), value


def _unknown_name_message(n: str) -> str:
    if n in ("z", "t", "r"):
        return f"unknown name '{n}' — use x and y"
    if set(n) <= {"x", "y"} and len(n) > 1:
        return f"unknown name '{n}' — did you mean {'*'.join(n)}?"
    for fn in sorted(_FUNCS, key=len, reverse=True):
        rest = n[len(fn):]
        if n.startswith(fn) and rest and (rest in _NAMES or set(rest) <= {"x", "y"}):
            arg = rest if rest in _NAMES else "*".join(rest)
            return f"unknown name '{n}' — did you mean {fn}({arg})?"
    close = difflib.get_close_matches(n, [*_NAMES, *_FUNCS], n=1, cutoff=0.6)
    hint = f" — did you mean {close[0]}?" if close else " — use x, y, pi, e and functions like sin"
    return f"unknown name '{n}'{hint}"


def _unknown_function_message(n: str) -> str:
    close = difflib.get_close_matches(n, list(_FUNCS), n=1, cutoff=0.6)
    hint = f" — did you mean {close[0]}?" if close else ""
    return f"unknown function '{n}'{hint}"


def _flatten_chain(node: ast.AST) -> tuple[ast.AST, list[tuple[ast.operator, ast.AST, ast.BinOp]]]:
    """Left-nested + - * / chains, unrolled so 300-term sums don't recurse 300 deep."""
    chain: list[tuple[ast.operator, ast.AST, ast.BinOp]] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult
                                                     | ast.Div):
        chain.append((node.op, node.right, node))
        node = node.left
    return node, chain[::-1]


def parse(text: str) -> sp.Expr:
    """The sympy tree of ``text`` (symbols x, y real), or ExpressionError."""
    src, cols = _normalise(text)
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
        off = min(max((e.offset or 1) - 1, 0), len(src) - 1)
        near = src[off]
        if src[-1] in "+-*/(,." or e.msg.startswith("unexpected EOF"):
            what, off = "incomplete expression", len(src) - 1
        elif "was never closed" in e.msg:
            what = "unclosed '('"
        elif near == ")" or "unmatched" in e.msg:
            what = "unmatched ')'"
        else:
            what = f"unexpected '{near}'" if near.strip() else "invalid syntax"
        raise ExpressionError(f"syntax error: {what}", cols[off]) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("too deeply nested or too complex") from None
    try:
        expr, _ = _Builder(cols).build(tree.body)
    except RecursionError:
        raise ExpressionError("too deeply nested or too complex") from None
    if expr.has(sp.zoo, sp.oo, -sp.oo):
        raise ExpressionError("division by zero")
    if expr.has(sp.nan, sp.I):
        raise ExpressionError("not a real number")
    return expr
