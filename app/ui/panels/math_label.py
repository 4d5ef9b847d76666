"""MathLabel: a formula typeset by matplotlib's mathtext (``app.core.math_text``), fitted to
the width the layout gives it — it never asks for more.

The picture is rendered for the label's width in device pixels (HiDPI: the screen's
devicePixelRatio), on a worker thread — the model's ``Workers`` when given, so ``model.busy``
covers it and a screenshot waits for it (a long gradient takes ~0.1 s of mathtext): the font
shrinks down to ``min_scale`` of its size, then lines wrap between the terms of a sum, at most
``max_wraps`` rows a line, and what still does not fit is cut and ends in "…". A resize
re-renders after a short pause (pieces are cached: re-wrapping is quick). If mathtext cannot
render a formula the label shows readable plain text instead. ``text()`` is the plain text,
shown in the tooltip too; the context menu copies it or the LaTeX.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QGuiApplication, QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.math_text import Lines, render_lines
from app.ui.workers import Workers

_PLAIN_FLAGS = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWrapAnywhere)
_PLAIN_SHOWN = 300          # characters of the plain fallback drawn in the panel
DEBOUNCE_MS = 60
_LABELS = itertools.count(1)
# what a picture is made for: lines, width (device pixels), colour, font size (pt), dots per inch
_Key = tuple[Lines, int, tuple[int, int, int], float, float]


def _render(lines: Lines, width: int, color: tuple[int, int, int], fontsize: float,
            dpi: float, min_scale: float, max_wraps: int) -> np.ndarray:
    return render_lines(lines, fontsize=fontsize, color=color, dpi=dpi, max_width=width,
                        min_scale=min_scale, max_wraps=max_wraps)


class MathLabel(QWidget):
    """Typeset ``Lines`` in the palette's text colour (``muted``: softer), as wide as the layout
    allows; ``set_math(lines, plain, latex)`` changes the formula."""

    def __init__(self, title: str = "", parent: QWidget | None = None, *, muted: bool = False,
                 scale: float = 1.25, min_scale: float = 0.75, max_wraps: int = 3,
                 workers: Workers | None = None) -> None:
        super().__init__(parent)
        self.title, self.muted = title, muted
        self.scale, self.min_scale, self.max_wraps = scale, min_scale, max_wraps
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._lines: Lines = ()
        self._plain = ""
        self._latex: str | Callable[[], str] = ""
        self._image: QImage | None = None
        self._failed = False
        self._wanted: _Key | None = None        # the key of the picture asked for
        self._shown: _Key | None = None         # the key of the picture on screen
        # the model's workers when given (its ``busy`` then covers the formulas: a screenshot
        # waits for them), else our own
        self._workers = workers if workers is not None else Workers(self, threads=1)
        self._kind = f"math {next(_LABELS)}"
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._copy_text = QAction("Copy as text", self)
        self._copy_latex = QAction("Copy as LaTeX", self)
        self.addActions([self._copy_text, self._copy_latex])
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._workers.finished.connect(self._on_rendered)
        self._workers.failed.connect(self._on_render_failed)
        self._timer.timeout.connect(self._request)
        self._copy_text.triggered.connect(self._on_copy_text_triggered)
        self._copy_latex.triggered.connect(self._on_copy_latex_triggered)

    def _on_copy_text_triggered(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    def _on_copy_latex_triggered(self) -> None:
        QGuiApplication.clipboard().setText(self.latex())

    # ---- the formula ---------------------------------------------------------------------------
    def set_math(self, lines: Lines, plain: str, latex: str | Callable[[], str] = "") -> None:
        """Show ``lines`` typeset; ``plain`` is the tooltip and the fallback, ``latex`` (or a
        function that makes it, called only when needed) what "Copy as LaTeX" copies."""
        if (lines, plain) == (self._lines, self._plain):
            return
        self._lines, self._plain, self._latex = lines, plain, latex
        self._failed = False
        tip = html.escape(plain)
        self.setToolTip(f"<qt>{html.escape(self.title)}:<br>{tip}</qt>" if self.title
                        else f"<qt>{tip}</qt>")
        self.setAccessibleName(plain[:_PLAIN_SHOWN])
        self._timer.stop()
        self._request()

    def text(self) -> str:
        return self._plain

    def latex(self) -> str:
        if callable(self._latex):
            self._latex = self._latex()
        return self._latex

    @property
    def typeset(self) -> bool:
        """True when the picture on screen is the current formula at the current size."""
        return (not self._failed and self._image is not None
                and self._shown is not None and self._shown == self._key())

    @property
    def failed(self) -> bool:
        """True when mathtext could not render the formula: plain text is shown instead."""
        return self._failed

    def image(self) -> QImage | None:
        return self._image

    # ---- rendering -----------------------------------------------------------------------------
    def _color(self) -> tuple[int, int, int]:
        pal = self.palette()
        c = pal.color(QPalette.ColorRole.WindowText)
        if self.muted:
            b, k = pal.color(QPalette.ColorRole.Window), 0.35
            c = QColor(round(c.red() + k * (b.red() - c.red())),
                       round(c.green() + k * (b.green() - c.green())),
                       round(c.blue() + k * (b.blue() - c.blue())))
        return c.red(), c.green(), c.blue()

    def _key(self) -> _Key:
        dpr = self.devicePixelRatioF()
        return (self._lines, max(1, int(self.width() * dpr)), self._color(),
                self.font().pointSizeF() * self.scale, self.logicalDpiY() * dpr)

    def _schedule(self, delay_ms: int) -> None:
        self._timer.start(delay_ms)

    def _request(self) -> None:
        if not self._lines:
            self._image, self._shown = None, None
            self._relayout()
            return
        if not self.isVisible():
            return                          # rendered when shown, at the width it gets then
        key = self._key()
        if self._failed and self._shown is not None and self._shown[0] == self._lines:
            return                              # plain text until the formula changes
        if key in (self._wanted, self._shown):
            self._wanted = key                  # (drops a stale picture still on its way)
            return
        self._wanted = key
        self._workers.submit(self._kind, key, _render, *key, self.min_scale, self.max_wraps)

    def render_now(self) -> None:
        """Render in this thread at once (tests, pictures)."""
        self._timer.stop()
        key = self._wanted = self._key()
        try:
            self._on_rendered(self._kind, key, _render(*key, self.min_scale, self.max_wraps))
        except Exception as e:      # never an exception in the UI: plain text instead
            self._on_render_failed(self._kind, key, str(e))

    def _on_rendered(self, kind: str, key: _Key, rgba: np.ndarray) -> None:
        if kind != self._kind or key != self._wanted:
            return                              # stale: a newer formula or size is coming
        h, w = rgba.shape[:2]
        img = QImage(np.ascontiguousarray(rgba).data, w, h, 4 * w,
                     QImage.Format.Format_RGBA8888).copy()
        img.setDevicePixelRatio(key[4] / self.logicalDpiY())
        self._image, self._shown, self._failed = img, key, False
        self._relayout()

    def _on_render_failed(self, kind: str, key: _Key, _message: str) -> None:
        if kind != self._kind or key != self._wanted:
            return
        self._image, self._shown, self._failed = None, key, True
        self._relayout()

    def _relayout(self) -> None:
        self.updateGeometry()
        self.update()

    # ---- Qt overrides --------------------------------------------------------------------------
    def _plain_shown(self) -> str:
        p = self._plain
        return p if len(p) <= _PLAIN_SHOWN else p[: _PLAIN_SHOWN - 1] + "…"

    def sizeHint(self) -> QSize:  # Qt override
        if self._image is not None and not self._failed:
            dpr = self._image.devicePixelRatio() or 1.0
            return QSize(0, int(np.ceil(self._image.height() / dpr)))
        if self._failed:
            rect = QRect(0, 0, max(self.width(), 50), 100_000)
            return QSize(0, self.fontMetrics().boundingRect(rect, int(_PLAIN_FLAGS),
                                                            self._plain_shown()).height())
        return QSize(0, self.fontMetrics().height() if self._lines else 0)

    def minimumSizeHint(self) -> QSize:  # Qt override
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, _event) -> None:  # Qt override
        p = QPainter(self)
        if self._failed:
            p.setPen(QColor(*self._color()))
            p.drawText(self.rect(), int(_PLAIN_FLAGS), self._plain_shown())
        elif self._image is not None:
            p.drawImage(0, 0, self._image)
            if self._image.devicePixelRatio() != self.devicePixelRatioF():
                self._schedule(0)               # moved to a screen of another density
        p.end()

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            if self._failed:
                self.updateGeometry()
            self._schedule(DEBOUNCE_MS)

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        self._schedule(0)

    def changeEvent(self, event) -> None:  # Qt override
        super().changeEvent(event)
        if event.type() in (event.Type.PaletteChange, event.Type.FontChange,
                            event.Type.StyleChange):
            self._schedule(0)
