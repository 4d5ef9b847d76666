"""The caption band of an exported frame: a strip of its own under the picture (never over
the plot, its axes or tick labels) with the step, f and ‖∇f‖, and a legend — every walker's
colour swatch with its rule and η (non-default parameters included), and what the start and
end flags mean. It scales with the frame and drops detail (values, then parameters) rather
than overlap when the frame is small. A lesson adds a band of its own below: the step's
narration, wrapped (``draw_narration``)."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from app.core.walks import Walks

TEXT = QColor(235, 238, 245)
DIM = QColor(170, 176, 190)
START = QColor(242, 242, 242)
END = QColor(255, 204, 26)


def font_px(height: int, scale: int = 1) -> int:
    """The caption's text size for a frame ``height`` pixels tall (at ``scale``× pixels)."""
    return max(11, (height // scale) // 32) * scale


def band_height(size: tuple[int, int], scale: int, walkers: int) -> int:
    """Pixels of the band under a frame of ``size`` (w, h, before scaling) × ``scale``."""
    px = font_px(size[1] * scale, scale)
    rows = 1 if walkers == 1 else 2
    return math.ceil((0.6 + 1.45 * rows) * px)


def _fmt(v: float, digits: int) -> str:
    return f"{v:.{digits}g}" if math.isfinite(v) else "undefined"


def _entries(walks: Walks, position: float, detail: int) -> list[tuple[QColor, str]]:
    """Legend entries at a level of detail: 2 = label and f, 1 = label, 0 = rule only."""
    out = []
    for i, w in enumerate(walks.scene.walkers):
        text = w.rule if detail == 0 else w.label
        if detail == 2 and len(walks) > 1:
            text += f"  f = {_fmt(walks.state_at(position, i)[1], 4)}"
        out.append((QColor(w.color), text))
    return out


def draw_band(width: int, height: int, walks: Walks, position: float, *, px: int,
              background: tuple[int, int, int, int] = (24, 26, 33, 255),
              ink: QColor = TEXT, dim_ink: QColor = DIM,
              formula: np.ndarray | None = None, note: str = "") -> np.ndarray:
    """The band as (height, width, 4) RGBA uint8, its text ``px`` pixels tall; ``formula``
    (an RGBA image of f, typeset) goes at the right of the first line when there is room;
    ``note`` (a swept parameter: "a = 1.23") starts the first line."""
    img = QImage(width, height, QImage.Format.Format_RGBA8888)
    img.fill(QColor(*background))
    p = QPainter(img)
    p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    font = QFont()
    font.setPixelSize(px)
    p.setFont(font)
    fm = QFontMetricsF(font)
    pad, row_h = 0.6 * px, 1.45 * px
    p.setPen(QColor(ink.red(), ink.green(), ink.blue(), 50))
    p.drawLine(QPointF(0, 0.5), QPointF(width, 0.5))
    # line 1: the step, and for one walker its numbers; the flags' meaning on the right
    step = walks.step_at(position)
    head = f"{note}   step {step}" if note else f"step {step}"
    if len(walks) == 1:
        _, f, g = walks.state_at(position, 0)
        head += f"   f = {_fmt(f, 5)}   ‖∇f‖ = {_fmt(float(np.hypot.reduce(g)), 3)}"
    flags = [(START, "start"), (END, "end")]
    flags_w = sum(fm.horizontalAdvance(t) + 1.6 * px for _, t in flags)
    y = pad + 0.5 * row_h
    x = pad
    p.setPen(ink)
    p.drawText(QPointF(x, y + 0.35 * px), _elide(fm, head, width - 2 * pad - flags_w))
    fx = width - pad - flags_w
    if formula is not None and formula.shape[0] > 0:
        fh, fw = formula.shape[:2]
        used = pad + fm.horizontalAdvance(head) + 1.5 * px
        if len(walks) == 1:            # the walker's swatch and label follow the numbers
            used += 2.2 * px + fm.horizontalAdvance(walks.scene.walkers[0].label) + px
        room = fx - used
        if fw <= room and fh <= 1.4 * px:       # else the numbers win: no overlap
            tile = np.ascontiguousarray(formula)
            img_f = QImage(tile.data, fw, fh, 4 * fw, QImage.Format.Format_RGBA8888)
            p.drawImage(QPointF(fx - fw - 1.0 * px, y - fh / 2), img_f)
    if fx > pad + fm.horizontalAdvance(head) * 0.5:
        for color, text in flags:
            p.setBrush(color)
            p.setPen(QColor(dim_ink.red(), dim_ink.green(), dim_ink.blue(), 160))  # on white too
            p.drawEllipse(QPointF(fx + 0.35 * px, y), 0.3 * px, 0.3 * px)
            p.setPen(dim_ink)
            p.drawText(QPointF(fx + 0.9 * px, y + 0.35 * px), text)
            fx += fm.horizontalAdvance(text) + 1.6 * px
    # the legend: one swatch per walker (for one walker on line 1, after its numbers)
    entries = None
    for detail in (2, 1, 0):
        entries = _entries(walks, position, detail)
        total = sum(fm.horizontalAdvance(t) + 2.2 * px for _, t in entries)
        if total <= width - 2 * pad:
            break
    assert entries is not None
    if len(walks) == 1:
        y_legend, x = y, pad + fm.horizontalAdvance(head) + 1.5 * px
        if x + fm.horizontalAdvance(entries[0][1]) + 1.2 * px > fx - flags_w:
            entries = []           # no room: the numbers matter more
    else:
        y_legend, x = y + row_h, pad
    for color, text in entries:
        w_text = fm.horizontalAdvance(text)
        if x + 1.2 * px + w_text > width - pad:
            text = _elide(fm, text, width - pad - x - 1.2 * px)
            w_text = fm.horizontalAdvance(text)
            if not text:
                break
        p.setBrush(color)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(QRectF(x, y_legend - 0.3 * px, 0.8 * px, 0.6 * px), 0.15 * px,
                          0.15 * px)
        p.setPen(ink)
        p.drawText(QPointF(x + 1.2 * px, y_legend + 0.35 * px), text)
        x += 1.2 * px + w_text + 1.0 * px
    p.end()
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(height, img.bytesPerLine() // 4, 4)
    return arr[:, :width].copy()


def _elide(fm: QFontMetricsF, text: str, width: float) -> str:
    if width <= 0:
        return ""
    return fm.elidedText(text, Qt.TextElideMode.ElideRight, width)


# --- the narration of a lesson: a band of its own, wrapped, under the caption ----------------

NARRATION_LINES = 4       # at most; a longer text is set smaller, then cut with "…"


def narration_px(height: int, scale: int = 1) -> int:
    """The narration's text size under a frame ``height`` pixels tall: a little larger than
    the caption's, as it is what the audience reads."""
    return round(1.15 * font_px(height, scale))


def wrap_words(fm: QFontMetricsF, text: str, width: float, first: float | None = None
               ) -> list[str]:
    """``text`` broken at spaces into lines ``width`` pixels wide (the first line
    ``first`` wide); a word wider than a line is cut with "…"."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        room = first if (first is not None and not lines) else width
        trial = f"{line} {word}" if line else word
        if fm.horizontalAdvance(trial) <= room or not line:
            line = trial if fm.horizontalAdvance(trial) <= room else _elide(fm, trial, room)
            continue
        lines.append(line)
        line = word if fm.horizontalAdvance(word) <= width else _elide(fm, word, width)
    return [*lines, line] if line else lines


def _narration_font(px: float) -> QFont:
    font = QFont()
    font.setPixelSize(max(1, round(px)))
    return font


def narration_height(width: int, texts: list[str], px: int) -> int:
    """Pixels of a narration band ``width`` wide that fits the longest of ``texts`` (the same
    for every step of a lesson, so that the video keeps one frame size)."""
    fm = QFontMetricsF(_narration_font(px))
    counter = fm.horizontalAdvance("00/00") + px
    lines = max((len(wrap_words(fm, t, width - 1.6 * px, width - 1.6 * px - counter))
                 for t in texts), default=1)
    return math.ceil((0.9 + 1.3 * min(max(lines, 1), NARRATION_LINES)) * px)


def draw_narration(width: int, height: int, text: str, *, px: int, counter: str = "",
                   background: tuple[int, int, int, int] = (24, 26, 33, 255),
                   ink: QColor = TEXT, dim_ink: QColor = DIM) -> np.ndarray:
    """The narration band as (height, width, 4) RGBA uint8: ``text`` wrapped into lines of
    ``px`` pixel type (smaller if it would not fit in ``height``), ``counter`` ("2/5") dim at
    the right of the first line."""
    img = QImage(width, height, QImage.Format.Format_RGBA8888)
    img.fill(QColor(*background))
    p = QPainter(img)
    p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    p.setPen(QColor(ink.red(), ink.green(), ink.blue(), 50))
    p.drawLine(QPointF(0, 0.5), QPointF(width, 0.5))
    size = float(px)
    while True:                       # the largest type (down to 70 %) that fits the band
        font = _narration_font(size)
        fm = QFontMetricsF(font)
        pad, row = 0.8 * size, 1.3 * size
        counter_w = fm.horizontalAdvance(counter) + size if counter else 0.0
        lines = wrap_words(fm, text, width - 2 * pad, width - 2 * pad - counter_w)
        rows = max(1, int((height - 0.9 * size) // row + 1e-6))
        if len(lines) <= rows or size <= 0.7 * px:
            break
        size = max(0.7 * px, size - 0.05 * px)
    if len(lines) > rows:             # still too long: the last line that fits ends in "…"
        lines = [*lines[: rows - 1], _elide(fm, " ".join(lines[rows - 1:]), width - 2 * pad)]
    p.setFont(font)
    top = (height - len(lines) * row) / 2            # centred in the band
    for i, line in enumerate(lines):
        p.setPen(ink)
        p.drawText(QPointF(pad, top + i * row + 0.5 * row + 0.35 * size), line)
    if counter:
        p.setPen(dim_ink)
        p.drawText(QPointF(width - pad - fm.horizontalAdvance(counter),
                           top + 0.5 * row + 0.35 * size), counter)
    p.end()
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(height, img.bytesPerLine() // 4, 4)
    return arr[:, :width].copy()
