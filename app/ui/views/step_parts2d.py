"""The pieces of the current step on the map: the same arrows as in the 3D view (the step,
−η·g, the velocity, the Newton direction) at the selected walker, and the line search's
trial points — see ``app.core.step_parts``."""

from __future__ import annotations

import pyqtgraph as pg
import shiboken6

from app.core.step_parts import COLOURS, step_parts, trial_points
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
        # a key of its own, bottom left: which colour is which piece
        self.key = pg.LegendItem(offset=(4, -4), labelTextSize="7pt",
                                 brush=pg.mkBrush(24, 26, 33, 170))
        self.key.setParentItem(plot.getPlotItem().vb)
        for label, item in self.items.items():
            self.key.addItem(pg.PlotDataItem(pen=item.opts["pen"]), label)
        self.key.addItem(self.trials, "line-search trials")
        self.key.setVisible(False)

    def dispose(self) -> None:
        """The key hangs on the plot's view box, which pyqtgraph leaves alive when the view
        closes; delete it with the view (else it asks Python for size hints afterwards)."""
        if shiboken6.isValid(self.key):
            scene = self.key.scene()
            if scene is not None:
                scene.removeItem(self.key)
            shiboken6.delete(self.key)

    def draw(self, walks: Walks | None, selected: int, position: float) -> None:
        for item in self.items.values():
            item.setVisible(False)
        self.trials.setVisible(False)
        self.key.setVisible(self.on and walks is not None and walks.func.dim == 2)
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
