"""The sweep window's plots (pyqtgraph): steps to tolerance and final f against η on a log
axis, one colour per rule, with each rule's stability limit (η = 2/λmax …) as a labelled
vertical line; and the momentum η × β map with a colour bar. They draw the ``Sweep`` value
they are sent; a click on a run goes out on ``picked`` (rule, η[, β])."""

from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.scene import WALKER_COLORS
from app.core.sweep import MomentumMap, RuleSweep, Sweep
from app.core.sweep_report import OUTCOME_COLORS, OUTCOME_WORDS
from app.core.trajectory import CODES, StopReason
from app.ui.views.theme import Theme
from app.ui.views.trails2d import theme_plot

_SYMBOL = {StopReason.CONVERGED: "o"}


class EtaAxis(pg.AxisItem):
    """A log₁₀ η axis labelled at the decades only (0.001, 0.01, 0.1, 1): pyqtgraph's own
    labels of 2, 3, … 9 × 10ᵏ run into each other on a narrow plot."""

    def logTickStrings(self, values, scale, spacing):  # pyqtgraph override
        return [f"{10.0 ** v:g}" if abs(v - round(v)) < 1e-6 else "" for v in values]


def eta_plot() -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"bottom": EtaAxis("bottom")})
    plot.setLogMode(x=True, y=False)
    return plot


def rule_color(k: int) -> str:
    return WALKER_COLORS[k % len(WALKER_COLORS)]


def _top(values: np.ndarray, keep: np.ndarray, extra: float) -> tuple[float, float]:
    """(low, top edge) of the values in ``keep`` and ``extra``: what lies above is clipped
    to the top edge (runs that blew up are 'off the chart')."""
    v = np.concatenate([values[keep & np.isfinite(values)], [extra] if math.isfinite(extra)
                        else []])
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
    span = hi - lo or max(abs(hi), 1.0)
    return lo - 0.04 * span, hi + 0.08 * span


class SweepPlots(QWidget):
    """Steps to tolerance (top) and final f (bottom) against η, x axes linked, log η."""

    picked = Signal(str, float)          # rule, η of the run clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps, self.values = eta_plot(), eta_plot()
        self.values.setXLink(self.steps)
        for plot, label in ((self.steps, "steps to tolerance"), (self.values, "final f")):
            plot.setLabel("left", label)
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMouseEnabled(x=True, y=False)
        self.values.setLabel("bottom", "learning rate η")
        self.steps.setToolTip("Steps each run needed to reach ‖∇f‖ ≤ tolerance; runs that did "
                              "not converge sit on the top edge (×). Click a run to give the "
                              "selected walker its rule and η.")
        self.values.setToolTip("f where each run ended; runs that blew up sit on the top edge")
        self.legend = self.steps.addLegend(offset=(8, -8), labelTextSize="8pt")
        self.limit_lines: dict[str, pg.InfiniteLine] = {}   # rule → its limit on the top plot
        self.items: list[pg.PlotDataItem] = []
        self.lines: list[pg.InfiniteLine] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.steps, 3)
        lay.addWidget(self.values, 2)

    def set_theme(self, t: Theme) -> None:
        theme_plot(self.steps, self.legend, t)
        self.values.setBackground(t.background)
        for name in ("left", "bottom"):
            self.values.getAxis(name).setPen(pg.mkPen(t.dim))
            self.values.getAxis(name).setTextPen(pg.mkPen(t.text))

    def clear(self) -> None:
        for item in [*self.items, *self.lines]:
            self.steps.removeItem(item)
            self.values.removeItem(item)
        self.items, self.lines, self.limit_lines = [], [], {}
        self.legend.clear()

    def set_sweep(self, sw: Sweep, f0: float = float("nan"), ink=(215, 220, 230)) -> None:
        self.clear()
        self.steps.setLabel("left", f"steps to ‖∇f‖ ≤ {sw.gtol:g}")
        top = sw.max_steps * 1.04
        f_lo, f_top = _top(np.concatenate([r.final_f for r in sw.rules]),
                           np.concatenate([r.converged for r in sw.rules]), f0)
        for k, r in enumerate(sw.rules):
            color = rule_color(k)
            steps = np.where(r.converged, r.steps, top).astype(float)
            values = np.where(np.isfinite(r.final_f) & (r.final_f <= f_top), r.final_f, f_top)
            self._runs(self.steps, r, steps, color, legend=True)
            self._runs(self.values, r, values, color, legend=False)
            if r.limit is not None and r.limit > 0:
                self._limit(r, color, ink, 0.86 - 0.09 * len(self.limit_lines))
        if math.isfinite(f0):
            line = pg.InfiniteLine(f0, angle=0, pen=pg.mkPen(ink, width=1, style=pg.QtCore.Qt
                                                             .PenStyle.DotLine),
                                   label=f"f at the start = {f0:.4g}",
                                   labelOpts={"position": 0.12, "color": ink})
            self.values.addItem(line)
            self.lines.append(line)
        for name, why in _outcomes(sw.rules):
            self.legend.addItem(pg.ScatterPlotItem(symbol="x", brush=OUTCOME_COLORS[why],
                                                   pen=None, size=9), name)
        lrs = sw.rules[0].lrs if sw.rules else np.array([1e-4, 10.0])
        self.steps.setXRange(math.log10(lrs[0]), math.log10(lrs[-1]), padding=0.02)
        self.steps.setYRange(0, top * 1.02, padding=0)
        self.values.setYRange(f_lo, f_top + 0.02 * (f_top - f_lo), padding=0)

    def _runs(self, plot: pg.PlotWidget, r: RuleSweep, y: np.ndarray, color: str,
              legend: bool) -> None:
        ok = r.converged
        reasons = [CODES[int(c)] for c in r.reasons]
        brushes = [pg.mkBrush(color if why is StopReason.CONVERGED else OUTCOME_COLORS[why])
                   for why in reasons]
        line = pg.PlotDataItem(r.lrs[ok], y[ok], pen=pg.mkPen(color, width=1.5),
                               name=f"{r.rule.value} (converged {int(ok.sum())})"
                               if legend else None)
        dots = pg.PlotDataItem(r.lrs, y, pen=None, symbol=[_SYMBOL.get(w, "x") for w in reasons],
                               symbolBrush=brushes, symbolPen=None, symbolSize=7,
                               data=np.arange(len(r.lrs)))
        dots.sigPointsClicked.connect(functools.partial(self._on_dots_clicked, r))
        for item in (line, dots):
            plot.addItem(item)
            self.items.append(item)

    def _on_dots_clicked(self, r: RuleSweep, _item, points, _ev=None) -> None:
        if len(points):
            self.picked.emit(r.rule.value, float(r.lrs[int(points[0].data())]))

    def _limit(self, r: RuleSweep, color: str, ink, height: float) -> None:
        assert r.limit is not None
        for plot, label in ((self.steps, f"{r.limit_form} = {r.limit:.4g}"), (self.values, None)):
            line = pg.InfiniteLine(math.log10(r.limit), angle=90,
                                   pen=pg.mkPen(color, width=2, style=pg.QtCore.Qt.PenStyle
                                                .DashLine), label=label,
                                   labelOpts={"position": height, "color": ink, "fill":
                                              pg.mkBrush(0, 0, 0, 120), "anchors":
                                              [(1, 0), (1, 0)]})
            plot.addItem(line)
            self.lines.append(line)
            if label is not None:
                self.limit_lines[r.rule.value] = line

    def limit_positions(self) -> dict[str, float]:
        """Where each rule's limit line is drawn, in η (the axis is log₁₀ η)."""
        return {rule: 10 ** line.value() for rule, line in self.limit_lines.items()}


def _outcomes(rules) -> list[tuple[str, StopReason]]:
    """Legend entries for the outcomes other than converged that occur."""
    seen = {CODES[int(c)] for r in rules for c in np.unique(r.reasons)}
    return [(OUTCOME_WORDS[w], w) for w in CODES if w in seen and w is not StopReason.CONVERGED]


class MomentumPlot(QWidget):
    """Heavy-ball momentum: steps to tolerance over η (log) × β, other outcomes in their
    colours, the limit η = 2(1 + β)/λmax dashed, a colour bar of log₁₀ steps."""

    picked = Signal(float, float)        # η, β of the cell clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = eta_plot()
        self.plot.setLabel("bottom", "learning rate η")
        self.plot.setLabel("left", "β")
        self.key = QLabel("")              # what the colours, the line and the star mean
        self.key.setWordWrap(True)
        self.best = pg.PlotDataItem(pen=None, symbol="star", symbolSize=16,
                                    symbolBrush="w", symbolPen=pg.mkPen("k", width=1.5))
        self.plot.setToolTip("Momentum: steps to tolerance for every (η, β); click a cell to "
                             "give the selected walker momentum with that η and β")
        self.image = pg.ImageItem()
        self.outcomes = pg.ImageItem()
        self.cmap = pg.colormap.get("viridis")
        self.cmap.reverse()
        self.bar = pg.ColorBarItem(values=(0, 3), colorMap=self.cmap, label="log₁₀ steps",
                                   interactive=False, width=14)
        self.bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.limit = pg.PlotDataItem(pen=pg.mkPen("w", width=2, style=pg.QtCore.Qt.PenStyle
                                                  .DashLine))
        for item in (self.image, self.outcomes, self.limit, self.best):
            self.plot.addItem(item)
        self.image.mouseClickEvent = self._on_image_clicked
        self.map: MomentumMap | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.key)

    def set_theme(self, t: Theme) -> None:
        self.plot.setBackground(t.background)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setPen(pg.mkPen(t.dim))
            self.plot.getAxis(name).setTextPen(pg.mkPen(t.text))

    def set_map(self, m: MomentumMap | None) -> None:
        self.map = m
        if m is None:
            self.image.clear()
            self.outcomes.clear()
            self.limit.setData([], [])
            self.best.setData([], [])
            self.key.setText("")
            return
        steps = np.log10(np.maximum(m.steps, 1)).astype(float)
        lo = float(steps[m.converged].min()) if m.converged.any() else 0.0
        hi = max(float(steps[m.converged].max()) if m.converged.any() else 1.0, lo + 0.5)
        self.image.setImage(np.where(m.converged, steps, hi), levels=(lo, hi))
        self.bar.setLevels((lo, hi))
        rgba = np.zeros((*m.steps.shape, 4), np.ubyte)
        for code in np.unique(m.reasons[~m.converged]):
            c = pg.mkColor(OUTCOME_COLORS[CODES[int(code)]])
            rgba[(m.reasons == code) & ~m.converged] = (c.red(), c.green(), c.blue(), 255)
        self.outcomes.setImage(rgba, levels=(0, 255))
        x0, x1 = math.log10(m.lrs[0]), math.log10(m.lrs[-1])
        dx = (x1 - x0) / max(len(m.lrs) - 1, 1)
        dy = (m.betas[-1] - m.betas[0]) / max(len(m.betas) - 1, 1)
        rect = pg.QtCore.QRectF(x0 - dx / 2, m.betas[0] - dy / 2, x1 - x0 + dx,
                                m.betas[-1] - m.betas[0] + dy)
        for item in (self.image, self.outcomes):
            item.setRect(rect)
        ok = np.isfinite(m.limits) & (m.limits > 0)
        self.limit.setData(m.limits[ok], m.betas[ok])
        best = m.fastest
        self.best.setData(*(([m.lrs[best[0]]], [m.betas[best[1]]]) if best else ([], [])))
        words = ["<b>momentum</b> v ← βv + g, x ← x − ηv: colour = steps to tolerance"]
        if best is not None:
            words.append(f"☆ fastest: η = "
                         f"{m.lrs[best[0]]:.3g}, β = {m.betas[best[1]]:.2g} "
                         f"({m.steps[best]} steps)")
        if ok.any():
            words.append("- - - η = 2(1+β)/λmax")
        words += [f"<span style='color:{OUTCOME_COLORS[CODES[int(c)]]}'>■</span> "
                  f"{OUTCOME_WORDS[CODES[int(c)]]}" for c in np.unique(m.reasons[~m.converged])]
        self.key.setText(" &nbsp; ".join(words))
        self.plot.setXRange(rect.left(), rect.right(), padding=0)
        self.plot.setYRange(rect.top(), rect.bottom(), padding=0)

    def _on_image_clicked(self, ev) -> None:
        m = self.map
        if m is None:
            return
        p = ev.pos()                      # in image pixels: column = η index, row = β index
        i, j = int(p.x()), int(p.y())
        if 0 <= i < len(m.lrs) and 0 <= j < len(m.betas):
            ev.accept()
            self.picked.emit(float(m.lrs[i]), float(m.betas[j]))
