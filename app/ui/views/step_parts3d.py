"""The pieces of the current step drawn at the selected walker in the 3D view: arrows
lying on the surface (the step, −η·g, the velocity, the Newton direction) and the line
search's trial points as small dots — see ``app.core.step_parts``."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL

from app.core.step_parts import axes_segments, step_parts, trial_points
from app.core.walks import Walks, display_function
from app.ui.views.decorations import TRANSLUCENT_NO_OFFSET
from app.ui.views.walkers3d import hex_rgb

SAMPLES = 16        # points along each arrow's shaft (it follows the surface)
TRIAL_RGBA = (1.0, 0.55, 0.2, 1.0)
# drawn over the mountain: a short arrow at the walker must not vanish into a valley wall
ON_TOP = {**TRANSLUCENT_NO_OFFSET, GL.GL_DEPTH_TEST: False}


def arrow_xy(origin: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """An arrow from ``origin`` along ``vector`` as 2-D segment pairs: a shaft sampled in
    SAMPLES pieces and two barbs at the tip (a quarter of the length, ±25°)."""
    t = np.linspace(0.0, 1.0, SAMPLES + 1)[:, None]
    shaft = origin + t * vector
    idx = np.repeat(np.arange(len(shaft)), 2)[1:-1]
    tip = origin + vector
    back = -0.25 * vector
    c, s = np.cos(0.45), np.sin(0.45)
    barbs = [tip, tip + np.array([c * back[0] - s * back[1], s * back[0] + c * back[1]]),
             tip, tip + np.array([c * back[0] + s * back[1], -s * back[0] + c * back[1]])]
    return np.concatenate([shaft[idx], np.array(barbs)])


class StepPartsGL:
    def __init__(self, view) -> None:
        self.view = view
        self.on = False
        self.walks: Walks | None = None
        self.position = 0.0
        self.selected = 0
        self.width = 2.5
        self.lines = gl.GLLinePlotItem(mode="lines", width=self.width, antialias=True,
                                       glOptions=ON_TOP)
        self.trials = gl.GLScatterPlotItem(size=9, pxMode=True, color=TRIAL_RGBA,
                                           glOptions=ON_TOP)
        self.axes_on = False
        self._axes = None
        self.axes = gl.GLLinePlotItem(mode="lines", width=3.0, antialias=True, glOptions=ON_TOP)
        for item, depth in ((self.lines, 20), (self.trials, 21), (self.axes, 22)):
            item.setDepthValue(depth)
            item.setVisible(False)
            view.addItem(item)

    def show(self, on: bool) -> None:
        self.on = bool(on)
        self._draw()

    def show_axes(self, on: bool) -> None:
        self.axes_on = bool(on)
        self.set_axes(self._axes)

    def set_axes(self, axes) -> None:
        """The Hessian's eigen-directions at the walker, lying on the surface."""
        self._axes = axes
        pic = self.view.picture
        segs = (axes_segments(axes, pic.extent) if self.axes_on and axes is not None
                and pic is not None and self.walks is not None else [])
        if not segs:
            self.axes.setVisible(False)
            return
        pos, cols = [], []
        for seg, colour in segs:
            t = np.linspace(0.0, 1.0, SAMPLES + 1)[:, None]
            line = seg[0] + t * (seg[1] - seg[0])
            idx = np.repeat(np.arange(len(line)), 2)[1:-1]
            pos.append(self._lifted(line[idx]))
            cols.append(np.tile([*hex_rgb(colour), 1.0], (len(idx), 1)))
        p = np.concatenate(pos)
        good = np.isfinite(p).all(axis=1).reshape(-1, 2).all(axis=1).repeat(2)
        self.axes.setData(pos=p[good], color=np.concatenate(cols)[good].astype(np.float32))
        self.axes.setVisible(bool(good.any()))

    def set_scale(self, scale: float) -> None:
        self.axes.setData(width=3.0 * scale)
        self.lines.setData(width=self.width * scale)
        self.trials.setData(size=9 * scale)

    def set_walks(self, walks: Walks) -> None:
        self.walks = walks
        self.position = 0.0
        self._draw()

    def set_position(self, position: float) -> None:
        self.position = position
        self._draw()

    def set_selection(self, index: int) -> None:
        self.selected = index
        self._draw()

    def _lifted(self, xy: np.ndarray) -> np.ndarray:
        """2-D points raised onto the drawn surface (a little above it)."""
        pic = self.view.picture
        assert self.walks is not None and pic is not None
        p = xy if xy.shape[1] == 2 else np.column_stack([xy[:, 0], np.zeros(len(xy))])
        with np.errstate(all="ignore"):
            f = display_function(self.walks.func).value(p[:, 0], p[:, 1])
        z = pic.mesh.vscale.to_display(np.asarray(f, float)) + 2.0 * pic.lift
        return np.column_stack([p, z]).astype(np.float32)

    def _draw(self) -> None:
        walks, pic = self.walks, self.view.picture
        shown = self.on and walks is not None and pic is not None
        segs: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        trials = np.zeros((0, 2))
        if shown:
            assert walks is not None
            traj = walks.trajectories[min(self.selected, len(walks) - 1)]
            k = int(self.position)
            for part in step_parts(traj, k):
                o, v = (np.resize(np.append(a, 0.0), 2) for a in (part.origin, part.vector))
                xy = arrow_xy(o, v)                       # (1-D: along the x axis)
                segs.append(self._lifted(xy))
                cols.append(np.tile([*hex_rgb(part.colour), 1.0], (len(xy), 1)))
            trials = trial_points(traj, k)
        ok = [np.isfinite(s).all(axis=1) for s in segs]
        if segs and any(o.any() for o in ok):
            pos = np.concatenate(segs)
            good = np.concatenate(ok)
            good = good.reshape(-1, 2).all(axis=1).repeat(2)
            self.lines.setData(pos=pos[good], color=np.concatenate(cols)[good].astype(np.float32))
            self.lines.setVisible(True)
        else:
            self.lines.setVisible(False)
        if len(trials):
            self.trials.setData(pos=self._lifted(trials))
        self.trials.setVisible(bool(len(trials)))
