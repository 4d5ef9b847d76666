"""The lesson's banner above the picture: which lesson and step, the narration in large type,
the "Try this" prompt, and buttons for the previous and next step and to close the lesson.

All its text is shown as plain text (a lesson file is not trusted to carry markup). In
presentation mode (``set_scale``) the type doubles, like the rest of the picture's text.
``install_banner`` puts it above the window's central widget, in a layout, so it never
covers the picture."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.views.theme import DARK, Theme

NARRATION_SCALE = 1.3        # the narration's type, relative to the window's
HINT = "PageDown: next step · PageUp: previous · Space: play"


def _label(parent: QWidget, *, wrap: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)          # never markup from a file
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class LessonBanner(QFrame):
    """The narration of one lesson step; its buttons emit ``previous_clicked``,
    ``next_clicked`` and ``close_clicked``."""

    previous_clicked = Signal()
    next_clicked = Signal()
    close_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_banner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.heading = _label(self, wrap=False)
        # one line, clipped when the window is narrow (it must not set the window's width)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.heading.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # dim
        self.narration = _label(self)
        self.try_this = _label(self)
        self.previous_button = self._button("◀", "Previous step (PageUp)", self.previous_clicked)
        self.next_button = self._button("▶", "Next step (PageDown)", self.next_clicked)
        self.close_button = self._button("✕", "Close the lesson", self.close_clicked)
        text = QVBoxLayout()
        text.setSpacing(4)
        for label in (self.heading, self.narration, self.try_this):
            text.addWidget(label)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for b in (self.previous_button, self.next_button, self.close_button):
            buttons.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 10)
        row.addLayout(text, 1)
        row.addLayout(buttons, 0)
        self._base = QFont(self.font())
        self.set_scale(1.0)
        self.set_theme(DARK)

    def _button(self, text: str, tip: str, signal) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(signal)
        return b

    def show_step(self, title: str, index: int, count: int, narration: str,
                  try_this: str | None) -> None:
        """Show step ``index`` (0-based) of ``count`` of the lesson ``title``."""
        self.heading.setText(f"{title} — step {index + 1} of {count}    ·    {HINT}")
        self.heading.setToolTip(title)
        self.narration.setText(narration)
        self.try_this.setText(f"Try this: {try_this}" if try_this else "")
        self.try_this.setVisible(bool(try_this))
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)

    def set_theme(self, look: Theme) -> None:
        """The picture's colours (dark or light), so that the banner reads as part of it."""
        pal = QPalette(self.palette())
        ink, dim, back = look.qcolor(look.text), look.qcolor(look.dim), look.qcolor(look.background)
        for role, color in ((QPalette.ColorRole.Window, back), (QPalette.ColorRole.Base, back),
                            (QPalette.ColorRole.Button, back),
                            (QPalette.ColorRole.WindowText, ink), (QPalette.ColorRole.Text, ink),
                            (QPalette.ColorRole.ButtonText, ink),
                            (QPalette.ColorRole.PlaceholderText, dim)):
            pal.setColor(role, color)
        pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, dim.darker(150)
                     if look.name == "dark" else dim.lighter(150))
        self.setPalette(pal)

    def set_scale(self, scale: float) -> None:
        """Type ``scale``× the window's (2 in presentation mode)."""
        size = self._base.pointSizeF() if self._base.pointSizeF() > 0 else 10.0
        for label, factor, italic in ((self.heading, 0.9, False),
                                      (self.narration, NARRATION_SCALE, False),
                                      (self.try_this, 1.0, True)):
            font = QFont(self._base)
            font.setPointSizeF(size * factor * scale)
            font.setItalic(italic)
            label.setFont(font)
        for b in (self.previous_button, self.next_button, self.close_button):
            font = QFont(self._base)
            font.setPointSizeF(size * 1.1 * scale)
            b.setFont(font)


def install_banner(window: QMainWindow, banner: LessonBanner) -> None:
    """Put ``banner`` above the window's central widget: both go into a new central widget,
    one column (the old one is moved, never recreated; do this before the window is shown,
    as a GL view is best not moved once it has drawn)."""
    centre = window.takeCentralWidget()
    holder = QWidget(window)
    holder.setObjectName("lesson_holder")
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(banner, 0)
    if centre is not None:
        column.addWidget(centre, 1)
    window.setCentralWidget(holder)
    banner.hide()
