"""What the 3D view paints over its picture with QPainter: a legend (every walker's colour,
rule and η; the start and end flags) in the top-left corner, and a height colour bar (f
values of the colour map) along the right edge, and in presentation mode a caption (step, f,
‖∇f‖) along the bottom. All are switchable; the camera fit leaves room for them
(``reserved_right``, ``reserved_top``, ``reserved_bottom``)."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from app.core.colormaps import colormap
from app.ui.views.axes import nice_ticks, tick_text

START = QColor(242, 242, 242)
END = QColor(255, 204, 26)


class OverlayItem(gl.GLGraphicsItem.GLGraphicsItem):
    def __init__(self, font_size: int = 9) -> None:
        super().__init__()
        self.font = QFont()
        self.font_size = font_size
        self.font.setPointSize(font_size)
        self.legend: list[tuple[str, str]] = []          # (colour, text) per walker
        self.extra: list[tuple[str, str]] = []           # (colour, text): arrows shown
        self.bar: tuple[str, float, float] | None = None  # (colour map, lo, hi)
        self.show_legend = True
        self.show_bar = True
        self.show_caption = False
        self.caption = ""
        self.text = QColor(215, 220, 230)
        self.panel = QColor(24, 26, 33, 200)
        self._legend_cache: tuple[tuple, QImage] | None = None   # (what it shows, picture)

    def set_scale(self, scale: float) -> None:
        self.font.setPointSizeF(self.font_size * scale)
        self.update()

    def set_theme(self, text: QColor, panel: QColor) -> None:
        self.text, self.panel = text, panel
        self.update()

    def reserved_right(self) -> float:
        """Pixels the colour bar takes at the right edge (0 when hidden)."""
        if not (self.show_bar and self.bar):
            return 0.0
        fm = QFontMetricsF(self.font)
        lo, hi = self.bar[1], self.bar[2]
        ticks = nice_ticks(lo, hi, 5)
        widest = max((fm.horizontalAdvance(tick_text(v, ticks)) for v in ticks), default=0.0)
        return 1.2 * fm.height() + widest + 0.8 * fm.height()

    def paint(self) -> None:
        view = self.view()
        if view is None or not ((self.show_legend and self.legend) or (self.show_bar and self.bar)
                                or self._captioned):
            return
        # renderToArray draws into its own framebuffer; QPainter would draw to the widget's
        if GL.glGetIntegerv(GL.GL_FRAMEBUFFER_BINDING) != view.defaultFramebufferObject():
            return
        p = QPainter(view)
        p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        p.setFont(self.font)
        fm = QFontMetricsF(self.font)
        if self.show_legend and self.legend:
            self._paint_legend(p, fm)
        if self.show_bar and self.bar:
            self._paint_bar(p, fm, view.width(), view.height())
        if self._captioned:
            self._paint_caption(p, fm, view.height())
        p.end()

    @property
    def _captioned(self) -> bool:
        return self.show_caption and bool(self.caption)

    def set_caption(self, text: str) -> None:
        if text != self.caption:
            self.caption = text
            if self.show_caption:
                self.update()

    def reserved_bottom(self) -> float:
        """Pixels the caption takes along the bottom edge (0 when hidden)."""
        return 1.9 * QFontMetricsF(self.font).height() if self.show_caption else 0.0

    def _paint_caption(self, p: QPainter, fm: QFontMetricsF, h: int) -> None:
        px = fm.height()
        p.setPen(self.text)
        p.drawText(QPointF(0.6 * px, h - 0.6 * px - fm.descent()), self.caption)

    def _entries(self) -> list[tuple[str, str]]:
        return [*self.legend, ("start", "start"), ("end", "end"), *self.extra]

    def _rows(self, fm: QFontMetricsF, width: float) -> list[list[tuple[str, str, float]]]:
        """The legend laid out left to right in rows that fit ``width`` pixels."""
        px = fm.height()
        rows: list[list[tuple[str, str, float]]] = [[]]
        x = 0.5 * px
        for color, text in self._entries():
            w = 1.3 * px + fm.horizontalAdvance(text) + 0.9 * px
            if rows[-1] and x + w > width - 0.5 * px:
                rows.append([])
                x = 0.5 * px
            rows[-1].append((color, text, x))
            x += w
        return rows

    def reserved_top(self, width: float) -> float:
        """Pixels the legend takes along the top edge (0 when hidden)."""
        if not (self.show_legend and self.legend):
            return 0.0
        fm = QFontMetricsF(self.font)
        return (len(self._rows(fm, width)) * 1.25 + 0.5) * fm.height()

    def _paint_legend(self, p: QPainter, fm: QFontMetricsF) -> None:
        """The legend, drawn once into a picture and then copied each frame (100 walkers'
        labels took ~10 ms a frame to draw as text)."""
        view = self.view()
        width = float(view.width()) - self.reserved_right() if view is not None else 400.0
        dpr = float(view.devicePixelRatioF()) if view is not None else 1.0
        key = (tuple(self._entries()), self.font.pointSizeF(), self.text.rgba(), width, dpr)
        if self._legend_cache is None or self._legend_cache[0] != key:
            height = self.reserved_top(width)
            img = QImage(max(1, round(width * dpr)), max(1, round(height * dpr)),
                         QImage.Format.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(dpr)
            img.fill(Qt.GlobalColor.transparent)
            q = QPainter(img)
            q.setRenderHints(QPainter.RenderHint.Antialiasing
                             | QPainter.RenderHint.TextAntialiasing)
            q.setFont(self.font)
            self._draw_legend(q, QFontMetricsF(self.font), width)
            q.end()
            self._legend_cache = (key, img)
        p.drawImage(QPointF(0.0, 0.0), self._legend_cache[1])

    def _draw_legend(self, p: QPainter, fm: QFontMetricsF, width: float) -> None:
        """One line (or a few) along the top: swatch and label per walker, then the flags."""
        px = fm.height()
        y = 0.5 * px + 0.5 * px
        for row in self._rows(fm, width):
            for color, text, x in row:
                p.setPen(Qt.PenStyle.NoPen)
                if color in ("start", "end"):
                    p.setBrush(START if color == "start" else END)
                    p.setPen(QColor(self.text.red(), self.text.green(), self.text.blue(), 140))
                    p.drawEllipse(QPointF(x + 0.45 * px, y), 0.28 * px, 0.28 * px)
                else:
                    p.setBrush(QColor(color))
                    p.drawRoundedRect(QRectF(x, y - 0.22 * px, 0.9 * px, 0.44 * px),
                                      0.1 * px, 0.1 * px)
                p.setPen(self.text)
                p.drawText(QPointF(x + 1.3 * px, y + 0.35 * fm.ascent()), text)
            y += 1.25 * px

    def _paint_bar(self, p: QPainter, fm: QFontMetricsF, w: int, h: int) -> None:
        assert self.bar is not None
        cmap, lo, hi = self.bar
        px = fm.height()
        bar_w, top, bottom = 0.8 * px, 0.15 * h, 0.85 * h
        x = w - self.reserved_right() + 0.4 * px
        n = max(2, int(bottom - top))
        rgb = (colormap(cmap, np.linspace(1.0, 0.0, n)) * 255).astype(np.uint8)
        strip = np.ascontiguousarray(np.repeat(rgb[:, None, :], 2, axis=1))
        img = QImage(strip.data, 2, n, 6, QImage.Format.Format_RGB888)
        p.drawImage(QRectF(x, top, bar_w, bottom - top), img)
        p.setPen(self.text)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(x, top, bar_w, bottom - top))
        ticks = nice_ticks(lo, hi, 5)
        for v in ticks:
            y = bottom - (v - lo) / (hi - lo) * (bottom - top)
            p.drawLine(QPointF(x + bar_w, y), QPointF(x + bar_w + 0.25 * px, y))
            p.drawText(QPointF(x + bar_w + 0.4 * px, y + 0.35 * fm.ascent()),
                       tick_text(v, ticks))
        p.drawText(QPointF(x, top - 0.5 * px), "f")
