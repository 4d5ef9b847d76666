"""The walkers racing the first one, drawn in the 3D view: a ball and a trail on the surface
each, in the walker's colour. (The first walker is the view's own ball and trail.)"""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl

from app.core.surface import surface_path
from app.ui.decorations import OPAQUE_NO_OFFSET, ball, forward_fill, place


def hex_rgb(color: str) -> tuple[float, float, float]:
    c = color.lstrip("#")
    return tuple(int(c[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


class WalkerLayer:
    """GL items for ``model.trajectories[1:]``; follows the model's signals."""

    def __init__(self, view, model) -> None:
        self.view, self.model = view, model
        self.items: list[tuple[gl.GLMeshItem, gl.GLLinePlotItem]] = []
        self.paths: list[np.ndarray] = []
        model.trajectory_changed.connect(self.update_walkers)
        model.position_changed.connect(self.update_position)
        view.surface_ready.connect(self.update_walkers)
        self.update_walkers()

    def dispose(self) -> None:
        self.model.trajectory_changed.disconnect(self.update_walkers)
        self.model.position_changed.disconnect(self.update_position)
        self.view.surface_ready.disconnect(self.update_walkers)

    def _xy(self, pts: np.ndarray) -> np.ndarray:
        return pts if pts.shape[1] == 2 else np.column_stack([pts[:, 0], np.zeros(len(pts))])

    def update_walkers(self, *_args) -> None:
        for ball_item, trail in self.items:
            self.view.removeItem(ball_item)
            self.view.removeItem(trail)
        self.items, self.paths = [], []
        mesh = self.view.mesh
        if mesh is None:
            return
        for walker, traj in zip(self.model.scene.walkers[1:], self.model.trajectories[1:],
                                strict=True):
            rgb = hex_rgb(walker.color)
            b = gl.GLMeshItem(meshdata=ball(rgb), smooth=True, computeNormals=False,
                              shader=None, glOptions=OPAQUE_NO_OFFSET)
            t = gl.GLLinePlotItem(mode="line_strip", color=(*rgb, 1.0), width=3.0,
                                  glOptions="opaque", antialias=False)
            b.setDepthValue(98)
            t.setDepthValue(5)
            self.view.addItem(b)
            self.view.addItem(t)
            with np.errstate(all="ignore"):
                path = surface_path(self.model.display_function, self._xy(traj.points), 4)
            z = forward_fill(mesh.vscale.to_display(path[:, 2])) + 0.004 * self.view.extent
            self.paths.append(np.column_stack([path[:, :2], z]).astype(np.float32))
            self.items.append((b, t))
        self.update_position(self.model.position)

    def update_position(self, position: float) -> None:
        mesh = self.view.mesh
        if mesh is None:
            return
        r = 0.02 * self.view.extent
        for i, ((b, t), path) in enumerate(zip(self.items, self.paths, strict=True), start=1):
            traj = self.model.trajectories[i]
            p = min(position, len(traj) - 1)
            pt = self.model.point_at(p, walker=i)
            xy = self._xy(pt[None])[0]
            with np.errstate(all="ignore"):
                f = float(self.model.display_function.value(xy[0], xy[1]))
            z = float(mesh.vscale.to_display(f)) if np.isfinite(f) else 0.0
            place(b, (xy[0], xy[1], z + 0.7 * r), r)
            n = int(np.floor(p * 4 + 1e-6)) + 1
            t.setData(pos=path[:n])
            t.setVisible(n > 1)
