"""Every walker on a 2-D plot (the map, the 1-D curve) in one batch: one item paints all
trails, each in its walker's colour, and one scatter holds all walkers' dots."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen

TRAIL_WIDTH = 2.5
DOT_SIZE = 12
MAX_LEGEND = 6       # entries of a 2-D plot's legend (the last says how many more)
MAX_POINTS = 4000    # points of one drawn line: more cannot show in a dock, and 100,000
                     # antialiased ones took ~0.3 s a paint
ALL_POINTS = 40_000  # points of all lines together (100 walkers: 400 each)


def thin(points: np.ndarray, peaks: bool = False, limit: int = MAX_POINTS) -> np.ndarray:
    """At most ~``limit`` of a polyline's points, in order, the last one kept: every k-th
    point, or with ``peaks`` (a curve over x) each run's lowest and highest y, so no spike
    of a loss curve disappears."""
    n = len(points)
    if n <= limit:
        return points
    if not peaks:
        k = -(-n // limit)
        return points[np.r_[np.arange(0, n - 1, k), n - 1]]
    k = -(-n // (limit // 2))
    m = (n - 1) // k * k
    y = points[:m, 1].reshape(-1, k)
    base = np.arange(0, m, k)
    lo = base + np.argmin(np.where(np.isnan(y), np.inf, y), axis=1)
    hi = base + np.argmax(np.where(np.isnan(y), -np.inf, y), axis=1)
    idx = np.sort(np.concatenate([lo, hi, np.arange(m, n)]))
    return points[np.unique(idx)]


class TrailsItem(pg.GraphicsObject):
    """Polylines in data coordinates, each with its own colour, painted in one pass."""

    def __init__(self, width: float = TRAIL_WIDTH, *, peaks: bool = False) -> None:
        super().__init__()
        self._peaks = peaks                  # lines over x (loss curves): keep their spikes
        self._paths: list[QPainterPath] = []
        self._pens: list[QPen] = []
        self._colors: list[str] = []
        self._width = width
        self._rect = QRectF()
        self.count = 0

    def set_width(self, width: float) -> None:
        """Lines ``width`` pixels wide (thicker for presentation and N× exports)."""
        for pen in self._pens:
            pen.setWidthF(width)
        self._width = width
        self.update()

    @property
    def colors(self) -> list[str]:
        """The colour of each line, in order."""
        return list(self._colors)

    def set_trails(self, trails: list[np.ndarray], colors: list[str]) -> None:
        """``trails[i]`` is a (k, 2) array of x, y; non-finite points break the line."""
        self.prepareGeometryChange()
        if colors != self._colors:
            self._colors = list(colors)
            self._pens = []
            for c in colors:
                pen = pg.mkPen(QColor(c), width=self._width)
                pen.setCosmetic(True)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                self._pens.append(pen)
        limit = max(400, min(MAX_POINTS, ALL_POINTS // max(1, len(trails))))
        self._paths = [self._path(thin(np.asarray(t, float).reshape(-1, 2), self._peaks, limit))
                       for t in trails]
        self.count = len(self._paths)
        rect = QRectF()
        for p in self._paths:
            rect = rect.united(p.boundingRect())
        self._rect = rect
        self.update()

    @staticmethod
    def _path(points: np.ndarray) -> QPainterPath:
        p = np.asarray(points, float).reshape(-1, 2)
        if len(p) == 0:
            return QPainterPath()
        return pg.arrayToQPath(p[:, 0], p[:, 1], connect="finite")

    def boundingRect(self) -> QRectF:  # Qt override
        return self._rect

    def paint(self, painter, *_args) -> None:  # Qt override
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        for path, pen in zip(self._paths, self._pens, strict=False):
            painter.setPen(pen)
            painter.drawPath(path)


def walker_dots() -> pg.ScatterPlotItem:
    """One scatter for every walker's dot (brushes set per point)."""
    return pg.ScatterPlotItem(size=DOT_SIZE, pen=pg.mkPen(255, 255, 255, width=1.5))


_BRUSHES: dict[str, object] = {}


def set_dots(scatter: pg.ScatterPlotItem, xy: np.ndarray, colors: list[str]) -> None:
    """Move the dots; brushes are made once per colour (making them was the cost)."""
    ok = np.isfinite(xy).all(axis=1)
    brushes = [_BRUSHES.setdefault(c, pg.mkBrush(c))
               for c, good in zip(colors, ok, strict=True) if good]
    scatter.setData(x=xy[ok, 0], y=xy[ok, 1], brush=brushes)


def fill_legend(legend: pg.LegendItem, walks_colors: list[str], labels: list[str], *,
                columns: int = 1) -> None:
    """One legend entry per walker: its colour and its label, in ``columns`` columns (not
    again when they are the same: more steps of the same walks come in pieces, and 100
    entries take ~20 ms to lay out)."""
    key = (tuple(walks_colors), tuple(labels), columns)
    if getattr(legend, "_gm_entries", None) == key:
        return
    legend._gm_entries = key  # type: ignore[attr-defined]
    legend.clear()
    legend.setColumnCount(max(1, columns))
    entries = list(zip(walks_colors, labels, strict=True))
    if len(entries) > MAX_LEGEND:        # pyqtgraph lays out 100 entries in ~0.7 s
        rest = len(entries) - (MAX_LEGEND - 1)
        entries = [*entries[: MAX_LEGEND - 1], ("#808080", f"… and {rest} more walkers")]
    for color, label in entries:
        sample = pg.PlotDataItem(pen=pg.mkPen(color, width=3))
        legend.addItem(sample, label)


def theme_plot(plot: pg.PlotWidget, legend: pg.LegendItem, t) -> None:
    """A pyqtgraph plot in theme ``t``: background, axes, their text, the legend's panel."""
    plot.setBackground(t.background)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(t.dim))
        axis.setTextPen(pg.mkPen(t.text))
    legend.setBrush(pg.mkBrush(*t.background, 170))
    legend.setLabelTextColor(t.text)
