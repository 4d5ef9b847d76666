"""Superscripts are powers and Unicode never changes a number (issue 14).

NFKC alone made ``2²`` 22, ``3²x`` 32·x, ``0.5²`` 0.52 and ``x²`` the unknown name x2. Now a
superscript run is read as ``^(digits)`` before any normalisation; what NFKC would turn into
other digits or letters (subscripts, fractions, circled digits, superscript letters) is
refused with one line naming the character at its column in the user's text.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.expression import ExpressionError, compile_expression

SUP = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True)) | {"-": "⁻"}
POINTS = [(1.7, -0.6), (0.3, 2.2), (-1.1, 0.9)]


def sup(text: str) -> str:
    return "".join(SUP[c] for c in text)


def values(text: str) -> list[float]:
    f = compile_expression(text)
    return [float(f.value(*([x, y][: f.dim]))) for x, y in POINTS]


@pytest.mark.parametrize(("typed", "meant"), [
    ("x²", "x^2"),
    ("2³", "8"),
    ("3²x", "9x"),
    ("0.5²", "0.25"),
    ("0.5² + x", "0.25 + x"),
    ("x²y", "x^2*y"),
    ("(x+1)²", "(x+1)^2"),
    ("x¹⁰", "x^10"),
    ("x⁻¹", "1/x"),
    ("x² + y²", "x^2 + y^2"),
    ("2x²", "2*x^2"),
    ("-x²", "-(x^2)"),
    ("10²x", "100*x"),
    ("e²x", "e^2*x"),
    ("pi²", "pi^2"),
    ("sin(x)²", "sin(x)^2"),
    ("x²³", "x^23"),
    ("x⁺²", "x^2"),
    ("２x + ｙ", "2x + y"),              # full-width forms keep their meaning
    ("𝑥² + 𝟐y", "x^2 + 2y"),           # mathematical letters and digits too
    ("x\u00a0+\u00a0y", "x + y"),      # no-break spaces
])
def test_superscripts_are_powers(typed: str, meant: str):
    assert values(typed) == pytest.approx(values(meant), rel=1e-12)


def test_the_numbers_of_the_issue_do_not_change():
    assert compile_expression("2²").expr == 4                            # not 22
    assert compile_expression("0.5²").expr == 0.25                       # not 0.52
    assert compile_expression("3²x").value(np.float64(1.0)) == 9.0       # not 32
    assert str(compile_expression("x²").expr) == "x**2"                  # not "x2"


@pytest.mark.parametrize(("text", "fragment", "column"), [
    ("x₂", "'₂' (U+2082 subscript two): subscripts are not supported", 2),
    ("½x", "'½' (U+00BD vulgar fraction one half): write a fraction with /", 1),
    ("x + ①", "'①' (U+2460 circled digit one)", 5),
    ("xⁿ", "'ⁿ' (U+207F superscript latin small letter n): only superscript digits", 2),
    ("e²ˣ", "'ˣ' (U+02E3 modifier letter small x)", 3),
    ("ﬂoor(x)", "'ﬂ' (U+FB02 latin small ligature fl)", 1),
    ("x⁽²⁾", "'⁽'", 2),
    ("²", "superscript '²' needs something before it", 1),
    ("x + ²", "superscript '²' needs something before it", 5),
    ("x ²", "superscript '²' needs something before it", 3),
    ("x⁻", "superscript '⁻' needs digits after it", 2),
    ("x²⁻¹", "superscript '⁻' inside a power", 3),
    ("y + x₁₀", "'₁'", 6),
])
def test_meaning_changes_are_refused_in_one_line(text: str, fragment: str, column: int):
    with pytest.raises(ExpressionError) as info:
        compile_expression(text)
    e = info.value
    assert fragment in e.message and "\n" not in str(e)
    assert e.column is not None and e.column + 1 == column, str(e)   # 1-based, as shown


def test_error_columns_refer_to_the_typed_text():
    """Columns after a superscript (which became several characters) still point at the
    character the user typed."""
    with pytest.raises(ExpressionError) as info:
        compile_expression("x² + y² + zz")
    assert info.value.column == 10 and "'zz'" in info.value.message
    with pytest.raises(ExpressionError) as info:
        compile_expression("x²³⁴ + ⊕")
    assert info.value.column == 7


# --- property: superscripts mean powers, or the text is refused -------------------------------

BASES = st.sampled_from(["x", "y", "2", "3", "0.5", "10", "1.25", "(x+1)", "(y-2)", "e", "pi"])
EXPONENTS = st.one_of(st.none(), st.integers(0, 12).map(str),
                      st.integers(1, 3).map(lambda n: f"-{n}"))
FACTOR = st.tuples(BASES, EXPONENTS)
TERM = st.lists(FACTOR, min_size=1, max_size=4)
EXPRESSION = st.lists(st.tuples(st.sampled_from(["+", "-"]), TERM), min_size=1, max_size=3)


def _render(expr: list, superscripts: bool) -> str:
    """The typed form (superscripts, implicit products) or the plain one (^, *)."""
    terms = []
    for sign, factors in expr:
        parts = []
        for base, exp in factors:
            if exp is None:
                parts.append(base)
            elif superscripts:
                parts.append(base + sup(exp))
            else:
                parts.append(f"{base}^({exp})")
        # typed: juxtaposed like handwriting, but a number after a number needs a space… and
        # then it is no product at all; keep '*' there, as a person would
        joined = parts[0]
        for p in parts[1:]:
            glue = "" if superscripts and not p[0].isdigit() else "*"
            joined += glue + p
        terms.append(f"{sign} {joined}")
    return " ".join(terms)


def _numbers(text: str) -> list[float] | None:
    try:
        return values(text)
    except ExpressionError:
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSION)
def test_superscripts_mean_what_the_ascii_powers_mean(expr):
    typed, plain = _render(expr, True), _render(expr, False)
    got = _numbers(typed)
    if got is None:
        return                                        # refused: fine, it never lies
    want = _numbers(plain)
    assert want is not None, (typed, plain)
    for g, w in zip(got, want, strict=True):
        assert (math.isnan(g) and math.isnan(w)) or g == pytest.approx(w, rel=1e-9), \
            (typed, plain)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="x2.(+)⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺₂½①ⁿ２𝑥 ", min_size=1, max_size=12))
def test_any_mix_compiles_or_is_refused_in_one_line(text):
    try:
        compile_expression(text)
    except ExpressionError as e:
        assert "\n" not in str(e)
        assert e.column is None or 0 <= e.column < len(text)
