"""Typeset formulas rendered to RGBA arrays with matplotlib's mathtext (no TeX needed).

``render_lines`` lays a ``Lines`` value (lines, each a tuple of pieces between which the line
may wrap) out within a width: all pieces are scaled down together (not below ``min_scale``)
until the widest fits, lines wrap between pieces, at most ``max_wraps`` rows per line, and
what still does not fit is cut and ends in "…". matplotlib is imported on first use only (it
costs ~0.2 s); rendering is serialised by a lock (mathtext's parser is shared).
"""

from __future__ import annotations

import functools
import math
import threading

import numpy as np

Lines = tuple[tuple[str, ...], ...]
FONT_FAMILY = "cm"       # mathtext's Computer Modern: TeX's look
MAX_PIECES = 24          # terms of one line printed for display (the rest is "…")
MAX_PIECE_TEX = 800      # a term longer than this (LaTeX characters) is wider than any panel
                         # even at min_scale: it is shown as "…", not parsed (mathtext took
                         # ~2 s for one 9,000-character term of 49 nested sin's gradient)
_ELLIPSIS = r"\ldots"
_LOCK = threading.Lock()


# ---- rendering ---------------------------------------------------------------------------------
@functools.cache
def _parser():
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("agg")


@functools.lru_cache(maxsize=2048)
def _piece(tex: str, fontsize: float, dpi: float) -> tuple[np.ndarray, int]:
    """(coverage, ascent): the piece's ink as uint8 (h, w) and its baseline's row."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fontsize, math_fontfamily=FONT_FAMILY)
    with _LOCK:
        r = _parser().parse(f"${tex}$", dpi=dpi, prop=prop)
    cov = np.array(r.image, dtype=np.uint8, copy=True)
    cov.flags.writeable = False
    return cov, round(r.height - r.depth)


_PAD = 2       # mathtext pads each image by a pixel on both sides: pieces overlap by that


def _row(pieces: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, int]:
    """Pieces side by side on one baseline: (coverage, ascent)."""
    ascent = max(a for _, a in pieces)
    descent = max(c.shape[0] - a for c, a in pieces)
    width = sum(c.shape[1] for c, _ in pieces) - _PAD * (len(pieces) - 1)
    out = np.zeros((ascent + descent, max(width, 1)), np.uint8)
    x = 0
    for c, a in pieces:
        h, w = c.shape
        view = out[ascent - a: ascent - a + h, x: x + w]
        np.maximum(view, c, out=view)
        x += w - _PAD
    return out, ascent


def _cut(row: tuple[np.ndarray, int], ellipsis: tuple[np.ndarray, int],
         width: int) -> tuple[np.ndarray, int]:
    """The row cut to ``width`` pixels, ending in "…"."""
    cov, a = row
    keep = max(0, width - ellipsis[0].shape[1] + _PAD)
    return _row([(cov[:, :keep], a), ellipsis])


def _layout(lines: Lines, size: float, dpi: float, width: int | None,
            max_wraps: int) -> list[tuple[list[tuple[np.ndarray, int]], bool]]:
    """All lines as rows of rendered pieces (and whether the row continues a line): each
    line wraps between its pieces within ``width`` into at most ``max_wraps`` rows; a line
    cut short ends in "…"."""
    limit = math.inf if width is None else width
    indent = (np.zeros((1, round(1.2 * size * dpi / 72.0)), np.uint8), 0)
    ellipsis = _piece(r"\ " + _ELLIPSIS, size, dpi)
    out: list[tuple[list[tuple[np.ndarray, int]], bool]] = []
    for line in lines:
        rows: list[list[tuple[np.ndarray, int]]] = []
        row: list[tuple[np.ndarray, int]] = []
        x = _PAD                                # the row's width so far
        cut = False
        for i, tex in enumerate(line):
            too_long = i == MAX_PIECES or len(tex) > MAX_PIECE_TEX
            p = ellipsis if too_long else _piece(tex, size, dpi)
            w = p[0].shape[1] - _PAD        # a piece's advance: pieces overlap by _PAD
            if too_long:
                cut = True
            elif row and x + w > limit:
                if len(rows) + 1 == max_wraps:
                    cut = True
                else:
                    rows.append(row)
                    row, x = [indent], indent[0].shape[1]
            if cut:
                ell = ellipsis[0].shape[1] - _PAD
                while len(row) > 1 and x + ell > limit:
                    x -= row.pop()[0].shape[1] - _PAD
                row.append(ellipsis)
                break
            row.append(p)
            x += w
        rows.append(row)
        out.extend((r, k > 0) for k, r in enumerate(rows))
    return out


def render_lines(lines: Lines, *, fontsize: float = 12.0,
                 color: tuple[int, int, int] = (0, 0, 0), dpi: float = 100.0,
                 max_width: int | None = None, min_scale: float = 0.75,
                 max_wraps: int = 3) -> np.ndarray:
    """``lines`` typeset as an RGBA uint8 array (h, w, 4): ``color`` with the ink as alpha.

    Within ``max_width`` pixels: the font shrinks (to ``min_scale`` at most, in steps of 5 %)
    until the widest piece fits, lines wrap between pieces into at most ``max_wraps`` rows,
    and a piece still too wide is cut and ends in "…". Raises ValueError (or ImportError
    without matplotlib) when mathtext cannot render the LaTeX."""
    layout = _layout(lines, fontsize, dpi, max_width, max_wraps)
    size = fontsize
    if max_width is not None:
        widest = max(p[0].shape[1] for row, _ in layout for p in row)
        if widest > max_width:       # shrink all together (in 5 % steps: cached on resizes)
            size = fontsize * max(min_scale, math.floor(20 * max_width / widest) / 20)
            layout = _layout(lines, size, dpi, max_width, max_wraps)
    ellipsis = _piece(r"\ " + _ELLIPSIS, size, dpi)
    em = size * dpi / 72.0
    rows: list[tuple[np.ndarray, int, int]] = []    # coverage, ascent, gap above
    for pieces, wrapped in layout:
        row = _row(pieces)
        if max_width is not None and row[0].shape[1] > max_width:
            row = _cut(row, ellipsis, max_width)
        gap = 0 if not rows else round((0.2 if wrapped else 0.45) * em)
        rows.append((row[0], row[1], gap))
    height = sum(c.shape[0] + g for c, _, g in rows)
    width = max(c.shape[1] for c, _, _ in rows)
    alpha = np.zeros((height, width), np.uint8)
    y = 0
    for c, _, g in rows:
        y += g
        alpha[y: y + c.shape[0], : c.shape[1]] = c
        y += c.shape[0]
    rgba = np.empty((height, width, 4), np.uint8)
    rgba[..., :3] = np.asarray(color, np.uint8)
    rgba[..., 3] = alpha
    return rgba


def render_math(latex: str, *, fontsize: float = 12.0, color: tuple[int, int, int] = (0, 0, 0),
                dpi: float = 100.0) -> np.ndarray:
    """One line of LaTeX (mathtext's subset, without ``$``) as an RGBA uint8 array (h, w, 4),
    cropped to the ink: ``color`` with the ink as alpha. Raises ValueError when mathtext
    cannot render it."""
    return render_lines(((latex,),), fontsize=fontsize, color=color, dpi=dpi)
