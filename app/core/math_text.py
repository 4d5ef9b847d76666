"""Formulas as typeset mathematics: LaTeX for f, ∇f and the step rules, rendered to RGBA arrays.

The LaTeX is sympy's printer adjusted to matplotlib's *mathtext* (a subset of TeX that needs
no TeX installation): ``\\operatorname`` becomes ``\\mathrm``, brackets around nothing tall are
plain, a term's own fractions are full size, atan2, cbrt and Heaviside get printers of their
own, floats show six digits. A formula is a ``Lines`` value: lines, each a tuple of pieces
between which the line may wrap (a long sum wraps between its terms; only its first terms
are printed: the panel shows three rows).

``render_lines`` lays the pieces out within a width: all pieces are scaled down together (not
below ``min_scale``) until the widest fits, lines wrap between pieces, at most ``max_wraps``
rows per line, and what still does not fit is cut and ends in "…". matplotlib is imported on
first use only (it costs ~0.2 s); rendering is serialised by a lock (mathtext's parser is
shared). When mathtext cannot render something, callers show ``plain_*`` text instead: x², ·,
no ``**`` or ``*``.
"""

from __future__ import annotations

import functools
import re
import time

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

from app.core.math_render import MAX_PIECES, Lines, render_lines, render_math

__all__ = ["Lines", "function_lines", "gradient_lines", "latex_of_expr", "latex_of_function",
           "latex_of_gradient", "plain_of_expr", "plain_of_function", "plain_of_gradient",
           "render_lines", "render_math", "rule_latex", "rule_lines"]

MAX_PLAIN = 600          # characters of the plain form
PRINT_BUDGET = 0.01      # seconds of printing terms per line once MIN_TERMS are out:
MIN_TERMS = 12           # a 70-term sum stops early, a short one is always whole


def _number(v: float) -> str:
    return f"{v:.6g}"


class _Latex(LatexPrinter):
    """sympy's LaTeX, restricted to what mathtext draws."""

    printmethod = "_mathtext_latex"   # not the classes' own _latex (cbrt's has no ``exp``)

    def __init__(self) -> None:
        super().__init__({"inv_trig_style": "full", "ln_notation": True})

    def _print(self, expr, **kwargs) -> str:
        tex = super()._print(expr, **kwargs)
        if isinstance(expr, sp.Function) and tex.endswith(r" \right)}"):
            # sympy writes f{\left(u \right)}: mathtext puts a space after f's name there
            i = tex.find(r"{\left(")
            if i > 0 and tex[:i].count("{") == tex[:i].count("}"):
                tex = tex[:i] + tex[i + 1: -1]
        return tex

    def _print_Pi(self, expr, **kwargs) -> str:       # (its own _latex is not consulted)
        return r"\pi"

    def _power(self, tex: str, exp: str | None) -> str:
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"

    def _print_cbrt(self, expr, exp=None) -> str:
        return self._power(rf"\sqrt[3]{{{self._print(expr.args[0])}}}", exp)

    def _print_atan2(self, expr, exp=None) -> str:
        a, b = (self._print(a) for a in expr.args)
        tex = rf"\operatorname{{atan2}}\left({a}, {b}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_Heaviside(self, expr, exp=None) -> str:
        name = r"\operatorname{H}" if exp is None else rf"\operatorname{{H}}^{{{exp}}}"
        return rf"{name}\left({self._print(expr.args[0])}\right)"

    def _print_Float(self, expr) -> str:
        mant, _, e = _number(float(expr)).partition("e")
        return rf"{mant} \cdot 10^{{{int(e)}}}" if e else mant

    def terms(self, expr: sp.Expr) -> list[str]:
        """``expr`` as pieces: a sum's terms ("x^{2}", "+ y", "- 1"), else one piece."""
        if not expr.is_Add:
            return [self.doprint(expr)]
        out = []
        deadline = time.perf_counter() + PRINT_BUDGET
        for i, term in enumerate(self._as_ordered_terms(expr, order=None)):
            if i == MAX_PIECES or (i >= MIN_TERMS and time.perf_counter() > deadline):
                out.append(r"{}+ \ldots")
                break
            sign = ""
            if i and term.could_extract_minus_sign():
                sign, term = "{}- ", -term
            elif i:
                sign = "{}+ "
            tex = self._print(term)
            if self._needs_add_brackets(term):
                tex = rf"\left({tex}\right)"
            out.append(sign + tex)
        return out


_OPERATORNAME = re.compile(r"\\operatorname\{(\w+)\}")
_DELIM = re.compile(r"\\(left|right)(\\[a-z]+|\\[{}]|[()|\[\]])")
_TALL = re.compile(r"\\(frac|dfrac|sqrt|left)")


def _plain_delimiters(tex: str) -> str:
    r"""\left( … \right) around nothing tall (no fraction, root or sized bracket inside) as
    plain ( … ): mathtext sizes those smaller than the text around them."""
    out: list[str] = []
    opened: list[int] = []
    pos = 0
    for m in _DELIM.finditer(tex):
        out.append(tex[pos:m.start()])
        pos = m.end()
        if m.group(1) == "left":
            opened.append(len(out))
            out.append(m.group(0))
        elif opened and not _TALL.search("".join(out[opened[-1] + 1:])):
            i = opened.pop()
            out[i] = out[i][len(r"\left"):]
            out.append(m.group(2))
        else:
            if opened:
                opened.pop()
            out.append(m.group(0))
    out.append(tex[pos:])
    return "".join(out)


_NEEDLESS_SPACE = re.compile(r"(^|[{(=+\-,] ?)\\,")   # after an operator or an opening
_BEFORE_BIG_PAREN = re.compile(  # a function's name, maybe a power, then \left(
    r"(\\(?:sin|cos|tan|sinh|cosh|tanh|arcsin|arccos|arctan|ln|log|exp|max|min)"
    r"|\\mathrm\{\w+\})((?:\^\{[^{}]*\})?)\\left\(")


def _mathtext(tex: str) -> str:
    """LaTeX from sympy in mathtext's dialect: \\operatorname as \\mathrm with the space
    before it that mathtext leaves out, small brackets plain, no gap before a big one."""
    tex = _plain_delimiters(_OPERATORNAME.sub(r"\\,\\mathrm{\1}", tex))
    tex = _NEEDLESS_SPACE.sub(r"\1", tex)
    return _BEFORE_BIG_PAREN.sub(r"\1\2\\!\\left(", tex)


def _display_fractions(tex: str) -> str:
    """\\frac outside any braces (a term's own fraction, not one in an exponent) drawn at
    full size: mathtext's \\frac is the small inline one."""
    out, depth, i = [], 0, 0
    while i < len(tex):
        if tex.startswith(r"\frac", i) and depth == 0:
            out.append(r"\dfrac")
            i += len(r"\frac")
            continue
        ch = tex[i]
        depth += (ch == "{") - (ch == "}")
        out.append(ch)
        i += 1
    return "".join(out)


def latex_of_expr(expr: sp.Expr) -> str:
    """``expr`` in LaTeX that mathtext renders (its outermost fractions full size)."""
    return _display_fractions(_mathtext(_Latex().doprint(expr)))


@functools.lru_cache(maxsize=32)
def _pieces(expr: sp.Expr, head: str) -> tuple[str, ...]:
    """The terms of ``expr`` in LaTeX (cached: the compile job prints them on its worker
    thread, the panel asks again on the GUI thread and gets them at once)."""
    parts = [_display_fractions(_mathtext(t)) for t in _Latex().terms(expr)]
    return (head + parts[0], *parts[1:])


def _head(func) -> str:
    return "f(" + ", ".join(func.variables) + ") = "


def function_lines(func) -> Lines:
    """f(x, y) = … as a line that wraps between the terms of a sum."""
    return (_pieces(func.expr, _head(func)),)


def gradient_lines(func) -> Lines:
    """One line per partial derivative (f′(x) for a function of x), or "too long to show"."""
    grad = func.gradient_exprs
    if grad is None:
        name = r"\nabla f" if func.dim == 2 else r"f^{\prime}(x)"
        return ((name + r"\mathrm{:\ too\ long\ to\ show}",),)
    if func.dim == 1:
        return (_pieces(grad[0], r"f^{\prime}(x) = "),)
    return tuple(_pieces(g, rf"\dfrac{{\partial f}}{{\partial {v}}}\, = ")
                 for g, v in zip(grad, func.variables, strict=True))


def rule_lines(rule) -> Lines:
    """A step rule's update, one equation a line."""
    return rule.latex


def latex_of_function(func) -> str:
    """f(x, y) = … in one line of LaTeX (e.g. for a caption)."""
    return _head(func) + latex_of_expr(func.expr)


def latex_of_gradient(func) -> str:
    """∇f = (…, …) (f′(x) = … in 1-D) in one line of LaTeX, or "∇f: too long to show"."""
    grad = func.gradient_exprs
    if grad is None:
        return gradient_lines(func)[0][0]
    parts = [latex_of_expr(g) for g in grad]
    if func.dim == 1:
        return r"f^{\prime}(x) = " + parts[0]
    return r"\nabla f = \left(" + r",\ ".join(parts) + r"\right)"


def rule_latex(rule) -> str:
    """A step rule's update in one line of LaTeX."""
    return r",\quad ".join("".join(line) for line in rule.latex)


# ---- plain text: the fallback and the tooltips ---------------------------------------------
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class _Plain(StrPrinter):
    limit = MAX_PLAIN

    def _print_Add(self, expr, order=None) -> str:
        """As sympy's, but it stops printing terms once ``limit`` characters are out."""
        out: list[str] = []
        size = 0
        deadline = time.perf_counter() + PRINT_BUDGET
        for term in self._as_ordered_terms(expr, order=order):
            late = len(out) >= 2 * MIN_TERMS and time.perf_counter() > deadline
            if size > self.limit or late:
                out.append("+ …")
                break
            t = self._print(term)
            sign = "+"
            if t.startswith("-") and not term.is_Add:
                sign, t = "-", t[1:]
            if precedence(term) < precedence(expr) or term.is_Add:
                t = f"({t})"
            out.extend([sign, t])
            size += len(t) + 3
        return ("-" if out[0] == "-" else "") + " ".join(out[1:])

    def _print_Float(self, expr) -> str:
        mant, _, e = _number(float(expr)).partition("e")
        return f"{mant}·10{str(int(e)).translate(_SUPERSCRIPT)}" if e else mant

    def _print_Heaviside(self, expr) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Abs(self, expr) -> str:
        return f"|{self._print(expr.args[0])}|"


_NAMES = {"Max(": "max(", "Min(": "min(", "ceiling(": "ceil(", "log(": "ln("}


@functools.lru_cache(maxsize=32)
def plain_of_expr(expr: sp.Expr, limit: int = MAX_PLAIN) -> str:
    """Readable one-line text: x², 2·x, x^(1/3), − for minus; no ``**`` and no ``*``."""
    printer = _Plain()
    printer.limit = limit
    s = printer.doprint(expr)
    s = re.sub(r"\*\*(-?\d+)(?![\d.])|\*\*\((-\d+)\)",
               lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPT), s)
    s = s.replace("**", "^").replace("*", "·").replace("-", "−")
    for old, new in _NAMES.items():
        s = s.replace(old, new)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def plain_of_function(func) -> str:
    return _head(func) + plain_of_expr(func.expr)


def prepare(func) -> None:
    """Print f and ∇f for the panel now, on this (worker) thread: printing the gradient of a
    long expression takes ~0.1 s of sympy, which the GUI thread then gets from the cache."""
    function_lines(func), gradient_lines(func)
    plain_of_function(func), plain_of_gradient(func)


def plain_of_gradient(func) -> str:
    grad = func.gradient_exprs
    if grad is None:
        return "∇f: too long to show" if func.dim == 2 else "f′(x): too long to show"
    parts = [plain_of_expr(g, MAX_PLAIN // len(grad)) for g in grad]
    return f"f′(x) = {parts[0]}" if func.dim == 1 else f"∇f = ({', '.join(parts)})"
