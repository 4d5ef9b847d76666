"""Presentation mode (View → Presentation, F11): full screen, the picture alone — the 3D
mountain, or the 1-D curve for a function of x — with type and lines twice as large and a
caption (step, f, ‖∇f‖) painted under it; Space/→/←/R keep working, Escape leaves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSignalBlocker, Qt
from PySide6.QtGui import QKeySequence, QShortcut

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

SCALE = 2.0      # type, lines and markers: what reads from the back of a lecture room


class Presentation(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.on = False
        self._saved: tuple | None = None
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self.escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self.escape.setEnabled(False)
        self.escape.activated.connect(lambda: self.set_on(False))

    def set_on(self, on: bool) -> None:
        on = bool(on)
        if on == self.on:
            return
        w = self.window
        self.on = on
        self.escape.setEnabled(on)
        if on:
            self._saved = (w.saveState(), w.saveGeometry(), w.isMaximized())
            one_d = w.model.scene.dim == 1
            for part in (w.menuBar(), w.statusBar(), *w.toolbars(), *w.docks()):
                part.hide()
            self.show_picture(one_d)
            w.setGeometry(w.screen().geometry())   # also where no window manager does it
            w.showFullScreen()
        else:
            w.menuBar().show()
            w.statusBar().show()
            for bar in w.toolbars():
                bar.show()
            w.showNormal()
            if self._saved is not None:
                state, geometry, maximized = self._saved
                w.restoreState(state)
                w.restoreGeometry(geometry)
                if maximized:
                    w.showMaximized()
            w.view.show()
            w.curve_view.setVisible(w.model.scene.dim == 1)
        scale = SCALE if on else 1.0
        w.view.set_scale(scale)
        w.curve_view.set_scale(scale)
        w.view.overlay.show_caption = on
        w.show_status()
        w.view.refit()                             # room for the caption and the large type
        blocker = QSignalBlocker(w.presentation_action)
        w.presentation_action.setChecked(on)
        del blocker

    def show_picture(self, one_d: bool) -> None:
        """The picture alone: the 1-D curve for a function of x, else the 3D mountain (again
        when an undo or a shortcut changes the function's dimension while presenting)."""
        self.window.view.setVisible(not one_d)
        self.window.curve_view.setVisible(one_d)
