"""Expression text before parsing: the error type, normalisation and friendly messages.

``normalise`` first reads superscripts as powers (``x²`` is x^(2), ``3²x`` is 3^(2)·x,
``x⁻¹`` is x^(-1)), then NFKC-normalises the text, checks every character against an
allow-list, makes implicit products explicit (``2x``, ``(x+1)(x-1)``) and maps ``^`` to
``**``, remembering for each output character the column it came from so errors point at the
input. NFKC is trusted only where it keeps the meaning (full-width ``２``, mathematical ``𝑥``,
no-break spaces); a character it would silently turn into other digits or letters
(subscripts ``₂``, fractions ``½``, circled ``①``, superscript letters ``ⁿ``) is refused with
one line naming it: a number never changes.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from app.core.limits import MAX_EXPRESSION

MAX_LENGTH = MAX_EXPRESSION
# a parameter: one lower-case letter that is not a variable, e or the height z, or a word here
PARAMETER_WORDS = ("kappa", "theta")
_NOT_PARAMETERS = frozenset("xyez")
_ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n+-*/^()._,")
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SUPER = {**{c: str(i) for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}, "⁺": "+", "⁻": "-"}
_SUPER_RUN = re.compile("[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
# NFKC decompositions that keep what a character means: full- and half-width forms,
# mathematical letters and digits (𝑥, 𝟐), no-break spaces
_SAME_MEANING = frozenset({"<wide>", "<narrow>", "<font>", "<noBreak>"})
_REFUSED_HINT = {
    "<super>": "only superscript digits are powers (x², x⁻¹): write x^n",
    "<sub>": "subscripts are not supported",
    "<fraction>": "write a fraction with /, e.g. 1/2",
}


class ExpressionError(ValueError):
    """Bad expression text: ``message`` is one human line; ``column`` 0-based, or None.
    ``parameter`` names an unknown name that could be declared as a parameter (the window
    offers to make it one), else None."""

    def __init__(self, message: str, column: int | None = None, *,
                 parameter: str | None = None):
        super().__init__(message)
        self.message, self.column, self.parameter = message, column, parameter

    def __str__(self) -> str:
        if self.column is None:
            return self.message
        return f"{self.message} (at column {self.column + 1})"


def normalise(text: str) -> tuple[str, list[int]]:
    """NFKC-normalise, check characters, make implicit products explicit, map '^' to '**'.

    Returns the new text and, for each of its characters, the column in the original.
    """
    if not text.strip():
        raise ExpressionError("empty expression: type a function of x and y, e.g. x^2 + y^2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"too long: {len(text)} characters (at most {MAX_LENGTH})")
    powered, where = _powers(text)
    out, cols = [], []
    for ch, i in zip(powered, where, strict=True):
        for c in unicodedata.normalize("NFKC", ch):
            if c not in _ALLOWED:
                raise ExpressionError(f"unsupported character {_describe(c)}", i)
            out.append(c)
            cols.append(i)
    s = "".join(out)
    # implicit multiplication: a number followed by a name or '(' (2x, 3(x+1), 2pi), and ')'
    # followed by '(' or a name ((x+1)(x-1), (1-x)^2 exp(-x)).
    pieces, pcols, i = [], [], 0
    while i < len(s):
        m = _NUMBER.match(s, i) if (i == 0 or not (s[i - 1].isalnum() or s[i - 1] == "_")) \
            else None
        if m or s[i] == ")":
            end = m.end() if m else i + 1
            pieces.append(s[i:end])
            pcols.extend(cols[i:end])
            j = end
            while j < len(s) and s[j] in " \t":
                j += 1
            if j < len(s) and (s[j].isalpha() or s[j] == "("):
                pieces.append("*")
                pcols.append(cols[j])
            i = end
            continue
        if s[i] == "^":
            pieces.append("**")
            pcols.extend([cols[i], cols[i]])
        else:
            pieces.append(s[i])
            pcols.append(cols[i])
        i += 1
    return "".join(pieces), pcols


def _describe(c: str) -> str:
    """'x' (U+0078 latin small letter x): a character as messages name it."""
    name = unicodedata.name(c, "control character")
    shown = repr(c)[1:-1] if not c.isprintable() else c
    return f"'{shown}' (U+{ord(c):04X} {name.lower()})"


def _powers(text: str) -> tuple[str, list[int]]:
    """Superscript runs as powers, before any normalisation: 'x²' -> 'x^(2)', 'x⁻¹' ->
    'x^(-1)', 'x¹⁰' -> 'x^(10)'; and for each output character its column in ``text``.
    A run needs something before it (a number, a name, ')') and a sign needs digits; a
    character NFKC would change in meaning is refused here, in reading order."""
    out: list[str] = []
    cols: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch not in _SUPER:
            plain = unicodedata.normalize("NFKC", ch)
            if plain != ch:
                _check_compatible(ch, plain, i)
            out.append(ch)
            cols.append(i)
            i += 1
            continue
        run = _SUPER_RUN.match(text, i)
        if run is None:
            raise ExpressionError(f"superscript '{ch}' needs digits after it, like x⁻¹", i)
        end = run.end()
        if end < len(text) and text[end] in _SUPER:
            raise ExpressionError(f"superscript '{text[end]}' inside a power: write x^(…)", end)
        before = unicodedata.normalize("NFKC", text[i - 1])[-1:] if i else ""
        if not (before.isalnum() or before in (")", ".")):
            raise ExpressionError(f"superscript '{ch}' needs something before it, like x²", i)
        digits = "".join(_SUPER[c] for c in run.group())
        out.append(f"^({digits})")
        cols += [i, i, *range(i, end), end - 1]
        i = end
    return "".join(out), cols


def _check_compatible(ch: str, plain: str, column: int) -> None:
    """Refuse ``ch`` when NFKC would turn it into ``plain`` with another meaning (``₂`` -> 2,
    ``½`` -> 1⁄2, ``①`` -> 1, ``ⁿ`` -> n); full-width forms, mathematical letters and
    spaces keep theirs."""
    tag = unicodedata.decomposition(ch).split(" ")[0]
    if not tag.startswith("<") or tag in _SAME_MEANING or plain.isspace():
        return
    hint = _REFUSED_HINT.get(tag, f"it would read as '{plain}': type that if you mean it")
    raise ExpressionError(f"unsupported character {_describe(ch)}: {hint}", column)


def is_parameter_name(name: object) -> bool:
    """A legal parameter name: a lower-case ASCII letter other than x, y, e and z (z is the
    height), or one of ``PARAMETER_WORDS``."""
    if not isinstance(name, str):
        return False
    if name in PARAMETER_WORDS:
        return True
    return len(name) == 1 and "a" <= name <= "z" and name not in _NOT_PARAMETERS


def parameter_message(name: str) -> str:
    """The error for a name that could be a parameter but was not declared."""
    return f"unknown name '{name}' — make it a parameter?"


def unknown_name_message(n: str, names: list[str], funcs: list[str]) -> str:
    """A hint for an unknown bare name: x*y for 'xy', sin(x) for 'sinx', close spellings."""
    if n in ("z", "t", "r"):
        return f"unknown name '{n}' — use x and y"
    if set(n) <= {"x", "y"} and len(n) > 1:
        return f"unknown name '{n}' — did you mean {'*'.join(n)}?"
    for fn in sorted(funcs, key=len, reverse=True):
        rest = n[len(fn):]
        if n.startswith(fn) and rest and (rest in names or set(rest) <= {"x", "y"}):
            arg = rest if rest in names else "*".join(rest)
            return f"unknown name '{n}' — did you mean {fn}({arg})?"
    close = difflib.get_close_matches(n, [*names, *funcs], n=1, cutoff=0.6)
    hint = f" — did you mean {close[0]}?" if close else " — use x, y, pi, e and functions like sin"
    return f"unknown name '{n}'{hint}"


def unknown_function_message(n: str, funcs: list[str]) -> str:
    close = difflib.get_close_matches(n, funcs, n=1, cutoff=0.6)
    hint = f" — did you mean {close[0]}?" if close else ""
    return f"unknown function '{n}'{hint}"


def syntax_message(src: str, msg: str, offset: int | None) -> tuple[str, int]:
    """One line for Python's SyntaxError on the normalised text, and the offset it blames."""
    off = min(max((offset or 1) - 1, 0), len(src) - 1)
    near = src[off]
    if src[-1] in "+-*/(,." or msg.startswith("unexpected EOF"):
        what, off = "incomplete expression", len(src) - 1
    elif "was never closed" in msg:
        what = "unclosed '('"
    elif near == ")" or "unmatched" in msg:
        what = "unmatched ')'"
    else:
        what = f"unexpected '{near}'" if near.strip() else "invalid syntax"
    return f"syntax error: {what}", off
