"""Small reusable widgets: a spin box that steps on a log scale, a red inline error label."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QWidget


def format_number(v: float, digits: int = 4) -> str:
    """Short text for a number: 0.1, 0.0025, 1e-06, 12.5."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    return f"{v:.{digits}g}"


class LogSpinBox(QDoubleSpinBox):
    """A positive number over several decades: each arrow step multiplies or divides the value
    by 10^(1/steps_per_decade); typed text may be anything float() reads (``1e-3``, ``0.002``)."""

    def __init__(self, minimum: float = 1e-6, maximum: float = 10.0, *,
                 steps_per_decade: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factor = 10.0 ** (1.0 / steps_per_decade)
        # QDoubleSpinBox rounds values to `decimals` places: keep enough for the minimum
        self.setDecimals(max(6, int(-math.floor(math.log10(minimum))) + 6))
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)
        self.setAccelerated(True)

    def stepBy(self, steps: int) -> None:  # Qt override
        v = self.value() * self._factor ** steps
        self.setValue(min(self.maximum(), max(self.minimum(), float(f"{v:.3g}"))))

    def textFromValue(self, value: float) -> str:  # Qt override
        return format_number(value)

    def valueFromText(self, text: str) -> float:  # Qt override
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # Qt override
        t = text.strip().replace(",", ".")
        if t == "":
            return QValidator.State.Intermediate, text, pos
        try:
            v = float(t)
        except ValueError:
            if all(c in "0123456789.eE+-" for c in t):
                return QValidator.State.Intermediate, text, pos
            return QValidator.State.Invalid, text, pos
        ok = self.minimum() <= v <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


class ErrorLabel(QLabel):
    """Red, word-wrapped, hidden while empty; ``shown`` carries each message (the window
    repeats it in the status bar)."""

    shown = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #d23c3c;")
        self.hide()

    def show_error(self, text: str) -> None:
        if text or self.text():
            self.shown.emit(text)
        self.setText(text)
        self.setVisible(bool(text))


def number_spin(lo: float, hi: float, decimals: int, step: float, tip: str) -> QDoubleSpinBox:
    """A plain number box that reports a value only when editing is done (Enter, focus out,
    arrows), not on every keystroke."""
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setKeyboardTracking(False)
    s.setToolTip(tip)
    return s


def row(*widgets: QWidget, between: str | None = None) -> QWidget:
    """Widgets side by side (with a small label between the first two if ``between``)."""
    w = QWidget()
    h = QHBoxLayout(w)
    h.setContentsMargins(0, 0, 0, 0)
    for i, child in enumerate(widgets):
        if i == 1 and between:
            h.addWidget(QLabel(between))
        h.addWidget(child)
    return w


def pair(a: QWidget, b: QWidget, between: str = "to") -> QWidget:
    """``a  to  b``: a range of two number boxes (or another word between them)."""
    return row(a, b, between=between)
