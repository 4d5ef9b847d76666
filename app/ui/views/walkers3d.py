"""Every walker in the 3D view, drawn by the same code in its own colour, in one batch:

- one line item for all trails (segments, coloured per vertex), lying on the ground;
- one mesh for all balls, plus a see-through copy drawn over everything, so a walker behind
  a hill shows as a ghost instead of vanishing;
- one mesh for the start (white) and end (gold) markers and one line item for their poles
  (in the walker's colour): flags that are seen from afar.

A frame costs one vectorised evaluation of f at the n walkers and a few array copies,
whatever n is."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph.opengl as gl

from app.core.pictures import SurfacePicture
from app.core.surface import LIGHT
from app.core.surface_lines import forward_fill
from app.core.walks import Walks, display_function
from app.ui.views.decorations import OPAQUE_NO_OFFSET, TRANSLUCENT_NO_OFFSET, OnTopMesh

START_RGB = (0.95, 0.95, 0.95)
END_RGB = (1.0, 0.8, 0.1)
RADIUS = 0.022      # of the domain's extent
MARKER = 0.45       # marker balls, of a walker's radius
FLAG = 0.09         # pole height, of the extent
GHOST_ALPHA = 0.65
COARSE_FROM = 12    # walkers: from here on the balls have fewer vertices


def hex_rgb(color: str) -> tuple[float, float, float]:
    c = color.lstrip("#")
    return (int(c[0:2], 16) / 255.0, int(c[2:4], 16) / 255.0, int(c[4:6], 16) / 255.0)


class _Sphere:
    """A unit sphere whose lighting (Lambert + a Blinn highlight) is baked per vertex."""

    def __init__(self, rows: int = 12, cols: int = 18) -> None:
        md = gl.MeshData.sphere(rows=rows, cols=cols, radius=1.0)
        self.vertices = md.vertexes().astype(np.float32)
        self.faces = md.faces().astype(np.uint32)
        lam = np.clip(self.vertices @ LIGHT, 0.0, 1.0)
        half = LIGHT + np.array([0.0, 0.0, 1.0])
        self.shade = (0.45 + 0.55 * lam)[:, None]
        spec = np.clip(self.vertices @ (half / np.linalg.norm(half)), 0, 1) ** 40
        self.spec = 0.45 * spec[:, None]

    def colors(self, rgb: np.ndarray, alpha: float) -> np.ndarray:
        """(n·V, 4) vertex colours of n balls of colours ``rgb`` (n, 3)."""
        c = np.clip(rgb[:, None, :] * self.shade[None] + self.spec[None], 0, 1)
        a = np.full((*c.shape[:2], 1), alpha)
        return np.concatenate([c, a], -1).reshape(-1, 4).astype(np.float32)

    def mesh(self, centres: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vertices (n·V, 3) and faces (n·F, 3) of n balls."""
        v = self.vertices[None] * radii[:, None, None] + centres[:, None, :]
        offs = (np.arange(len(centres)) * len(self.vertices)).astype(np.uint32)
        f = self.faces[None] + offs[:, None, None]
        return v.reshape(-1, 3).astype(np.float32), f.reshape(-1, 3)


class WalkersGL:
    def __init__(self, view) -> None:
        self.view = view
        self.walks: Walks | None = None
        self.picture: SurfacePicture | None = None
        self.position = 0.0
        self._fine, self._coarse = _Sphere(), _Sphere(rows=8, cols=12)
        self._sphere = self._fine
        self._colors: tuple[np.ndarray, np.ndarray] | None = None   # solid, ghost
        self._segments: list[np.ndarray] = []   # per walker: trail as segment pairs
        self._seg_colors: list[np.ndarray] = []
        self._rgb = np.zeros((0, 3))
        self.trails = gl.GLLinePlotItem(mode="lines", width=3.5, glOptions="opaque",
                                        antialias=False)
        self.balls = gl.GLMeshItem(smooth=True, computeNormals=False, shader=None,
                                   glOptions=OPAQUE_NO_OFFSET)
        self.ghosts = OnTopMesh(smooth=True, computeNormals=False, shader=None,
                                glOptions=TRANSLUCENT_NO_OFFSET)
        self.markers = gl.GLMeshItem(smooth=True, computeNormals=False, shader=None,
                                     glOptions=OPAQUE_NO_OFFSET)
        self.poles = gl.GLLinePlotItem(mode="lines", width=2.5, glOptions="translucent")
        for item, depth in ((self.trails, 5), (self.poles, 6), (self.markers, 7),
                            (self.balls, 99), (self.ghosts, 100)):
            item.setDepthValue(depth)
            item.setVisible(False)
            view.addItem(item)
        self._finished: tuple[bool, ...] | None = None
        self.centres = np.zeros((0, 3), np.float32)   # every ball's centre, as drawn

    # ---- values in --------------------------------------------------------------------------
    def set_surface(self, picture: SurfacePicture) -> None:
        self.picture = picture
        self._rebuild()

    def set_walks(self, walks: Walks) -> None:
        self.walks = walks
        self.position = 0.0
        self._rgb = np.array([hex_rgb(c) for c in walks.colors], float).reshape(-1, 3)
        # many walkers: coarser balls (they are small; the vertex count is what costs)
        self._sphere = self._fine if len(walks) <= COARSE_FROM else self._coarse
        self._colors = (self._sphere.colors(self._rgb, 1.0),
                        self._sphere.colors(self._rgb, GHOST_ALPHA))
        self._rebuild()

    def set_scale(self, scale: float) -> None:
        """Lines ``scale`` times thicker (balls are in world units: they scale anyway)."""
        self.trails.setData(width=3.5 * scale)
        self.poles.setData(width=2.5 * scale)

    def set_selection(self, _index: int) -> None:
        """Every walker is drawn alike; the selection shows in the panels."""

    def _rebuild(self) -> None:
        """Trail geometry in display coordinates, for the current walks and surface."""
        self._finished = None
        if self.walks is None or self.picture is None:
            return
        vs, lift = self.picture.mesh.vscale, 1.3 * self.picture.lift
        self._segments, self._seg_colors = [], []
        for g, rgb in zip(self.walks.ground, self._rgb, strict=True):
            z = forward_fill(vs.to_display(g[:, 2])) + lift
            pts = np.column_stack([g[:, :2], z]).astype(np.float32)
            idx = np.repeat(np.arange(len(pts)), 2)[1:-1]
            self._segments.append(pts[idx])
            self._seg_colors.append(np.tile(np.array([*rgb, 1.0], np.float32), (len(idx), 1)))
        self.set_position(self.position)

    # ---- position ---------------------------------------------------------------------------
    def _radius(self) -> float:
        return RADIUS * (self.picture.extent if self.picture is not None else 1.0)

    def set_position(self, position: float) -> None:
        self.position = position
        walks, pic = self.walks, self.picture
        if walks is None or pic is None or not self._segments:
            return
        vs, r = pic.mesh.vscale, self._radius()
        pts = walks.points_at(position)
        xy = pts if pts.shape[1] == 2 else np.column_stack([pts[:, 0], np.zeros(len(pts))])
        f = display_function(walks.func).value(xy[:, 0], xy[:, 1])
        z = vs.to_display(f)
        # in a hole: stay at the height of the trail's last sample
        segs, cols = [], []
        for i, (seg, col, k) in enumerate(zip(self._segments, self._seg_colors, walks.samples,
                                              strict=True)):
            p = min(position, len(walks.trajectories[i]) - 1)
            n = math.floor(p * k + 1e-6) + 1                      # samples walked
            if not np.isfinite(z[i]):
                z[i] = (seg[2 * (n - 1) - 1, 2] if n > 1 else 0.0) - 1.3 * pic.lift
            if p <= 0:
                continue
            tip = np.array([[xy[i, 0], xy[i, 1], z[i] + 1.3 * pic.lift]], np.float32)
            last = seg[2 * (n - 1) - 1:2 * (n - 1)] if n > 1 else seg[:1]
            segs += [seg[: 2 * (n - 1)], last, tip]
            cols += [col[: 2 * (n - 1)], col[:2]]
        if segs:
            self.trails.setData(pos=np.concatenate(segs), color=np.concatenate(cols))
        self.trails.setVisible(bool(segs))
        centres = np.column_stack([xy, z + 0.7 * r]).astype(np.float32)
        self.centres = centres
        verts, faces = self._sphere.mesh(centres, np.full(len(centres), r, np.float32))
        assert self._colors is not None
        self.balls.setMeshData(vertexes=verts, faces=faces, vertexColors=self._colors[0])
        self.ghosts.setMeshData(vertexes=verts, faces=faces, vertexColors=self._colors[1])
        self.balls.setVisible(True)
        self.ghosts.setVisible(True)
        finished = tuple(position >= len(t) - 1 for t in walks.trajectories)
        if finished != self._finished:
            self._finished = finished
            self._place_markers(finished)

    def _place_markers(self, finished: tuple[bool, ...]) -> None:
        """Start flags for every walker, end flags for those that have stopped."""
        assert self.walks is not None and self.picture is not None
        vs, e, r = self.picture.mesh.vscale, self.picture.extent, self._radius()
        flag = FLAG * e
        centres, rgb, poles, pole_rgb = [], [], [], []
        for t, color, done in zip(self.walks.trajectories, self._rgb, finished, strict=True):
            for idx, ball_rgb, show in ((0, START_RGB, True), (-1, END_RGB, done)):
                if not show:
                    continue
                p, fv = t.points[idx], t.values[idx]
                z = float(vs.to_display(fv)) if math.isfinite(fv) else float(vs.to_display(vs.lo))
                x, y = float(p[0]), float(p[1]) if len(p) == 2 else 0.0
                centres.append((x, y, z + flag))
                rgb.append(ball_rgb)
                poles += [(x, y, z), (x, y, z + flag)]
                pole_rgb += [(*color, 1.0)] * 2
        c = np.array(centres, np.float32)
        verts, faces = self._sphere.mesh(c, np.full(len(c), MARKER * r, np.float32))
        self.markers.setMeshData(vertexes=verts, faces=faces,
                                 vertexColors=self._sphere.colors(np.array(rgb), 1.0))
        self.poles.setData(pos=np.array(poles, np.float32), color=np.array(pole_rgb, np.float32))
        self.markers.setVisible(True)
        self.poles.setVisible(True)
