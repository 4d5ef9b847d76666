"""The window fits the screen it opens on: at most 90 % of the available area (never the
1280×800 it prefers on a small or scaled screen), and on short screens the docks share
space as tabs so that every control stays reachable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

PREFERRED = (1280, 800)
FRACTION = 0.9
SHORT_SCREEN = 900      # logical pixels of available height below which docks are tabbed


def available(window: QMainWindow):
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(window: QMainWindow, *, keep_size: bool = False) -> None:
    """Size and centre ``window`` on its screen (``keep_size``: only shrink and move it
    back inside when it does not fit, e.g. a layout saved on a larger screen)."""
    area = available(window)
    max_w, max_h = int(area.width() * FRACTION), int(area.height() * FRACTION)
    if keep_size:
        geo = window.frameGeometry()
        if area.contains(geo) and geo.width() <= area.width():
            return
        w, h = min(window.width(), max_w), min(window.height(), max_h)
    else:
        w, h = min(PREFERRED[0], max_w), min(PREFERRED[1], max_h)
    window.resize(w, h)
    if not keep_size and area.height() < SHORT_SCREEN:
        compact(window)
    window.move(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2)


def compact(window) -> None:
    """Docks as tabs: the map behind the panel, the walkers behind the loss plot."""
    window.tabifyDockWidget(window.dock, window.map_dock)
    window.tabifyDockWidget(window.loss_dock, window.walkers_dock)
    window.dock.raise_()
    window.loss_dock.raise_()
    h = window.height()
    window.resizeDocks([window.loss_dock], [max(110, h // 5)], Qt.Orientation.Vertical)
