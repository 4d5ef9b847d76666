"""The pieces of the current step on the map: the same arrows as in the 3D view (the step,
−η·g, the velocity, the Newton direction) at the selected walker, and the line search's
trial points — see ``app.core.step_parts``."""

from __future__ import annotations

import pyqtgraph as pg

from app.core.step_parts import COLOURS, axes_segments, step_parts, trial_points
from app.core.walks import Walks
from app.ui.views.step_parts3d import arrow_xy


class StepParts2D:
    def __init__(self, plot: pg.PlotWidget) -> None:
        self.on = False
        self.items = {label: pg.PlotDataItem(pen=pg.mkPen(colour, width=2.2), connect="pairs",
                                             shadowPen=pg.mkPen(0, 0, 0, 150, width=4))
                      for label, colour in COLOURS.items()}
        self.trials = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(255, 140, 50),
                                         pen=pg.mkPen(0, 0, 0, 200))
        for item in (*self.items.values(), self.trials):
            item.setZValue(5)
            item.setVisible(False)
            plot.addItem(item)


    def draw(self, walks: Walks | None, selected: int, position: float) -> None:
        for item in self.items.values():
            item.setVisible(False)
        self.trials.setVisible(False)
        if not self.on or walks is None or walks.func.dim != 2:
            return
        traj = walks.trajectories[min(selected, len(walks) - 1)]
        k = int(position)
        for part in step_parts(traj, k):
            xy = arrow_xy(part.origin, part.vector)
            item = self.items[part.label]
            item.setData(xy[:, 0], xy[:, 1], connect="pairs")
            item.setVisible(True)
        trials = trial_points(traj, k)
        if len(trials):
            self.trials.setData(trials[:, 0], trials[:, 1])
            self.trials.setVisible(True)


class CurvatureAxes2D:
    """The eigen-directions of ∇²f at the selected walker on the map (View → Curvature axes)."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.on = False
        self.items = [pg.PlotDataItem(pen=pg.mkPen(c, width=2.5),
                                      shadowPen=pg.mkPen(0, 0, 0, 150, width=4.5))
                      for c in ("#7ddc5a", "#ff6b6b")]
        for item in self.items:
            item.setZValue(6)
            item.setVisible(False)
            plot.addItem(item)

    def draw(self, axes, extent: float) -> None:
        segs = axes_segments(axes, extent) if self.on and axes is not None else []
        for item, (seg, _c) in zip(self.items, segs, strict=False):
            item.setData(seg[:, 0], seg[:, 1])
        for i, item in enumerate(self.items):
            item.setVisible(i < len(segs))
