"""The map's plumbing: its view box (a left click or drag picks a start, reported to the
owner's ``pick``) and the transform that centres image pixels on the grid samples."""

from __future__ import annotations

import weakref
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt


def grid_transform(domain, shape) -> pg.QtGui.QTransform:
    """Image coordinates → data: pixel (i, j) is centred on the grid sample (linspace over the
    domain, ``shape`` samples per axis, x-major), i.e. index i + ½ ↦ x_i."""
    (x0, x1), (y0, y1) = domain[0], domain[1]
    dx = (x1 - x0) / max(shape[0] - 1, 1)
    dy = (y1 - y0) / max(shape[1] - 1, 1)
    tr = pg.QtGui.QTransform()
    tr.translate(x0 - 0.5 * dx, y0 - 0.5 * dy)
    tr.scale(dx, dy)
    return tr


class PickBox(pg.ViewBox):
    """Left click/drag picks (reported in data coordinates); right drag pans, wheel zooms."""

    def __init__(self, owner: Any) -> None:
        super().__init__(enableMenu=False)
        self.owner = weakref.proxy(owner)  # no reference cycle through pyqtgraph's registry

    def mouseClickEvent(self, ev) -> None:  # Qt-style override (pyqtgraph)
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.owner.pick(p.x(), p.y(), final=True)
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:  # Qt-style override (pyqtgraph)
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        self.owner.pick(p.x(), p.y(), final=ev.isFinish())
