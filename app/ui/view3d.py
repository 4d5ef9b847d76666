"""The 3D view: a pyqtgraph GLViewWidget showing the model's surface, walker, trail, markers,
−∇f arrows, base grid and labelled axes. GL items are created once and updated with setData;
each model signal has one update method."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtCore import Signal

from app.core.surface import SurfaceMesh, surface_path
from app.ui.axes import axes_geometry
from app.ui.decorations import (
    OPAQUE_NO_OFFSET,
    SURFACE_OPTIONS,
    TRANSLUCENT_NO_OFFSET,
    LabelsItem,
    OnTopMesh,
    arrow_segments,
    ball,
    forward_fill,
    place,
    wireframe_segments,
)
from app.ui.glcache import CachedGLView
from app.ui.meshing import MeshBuilder, MeshRequest
from app.ui.model import SceneModel

BACKGROUND = (24, 26, 33)
WALKER_RGB = (1.0, 0.08, 0.05)
TRAIL_RGBA = (0.95, 0.12, 0.1, 1.0)
START_RGB = (0.95, 0.95, 0.95)
END_RGBA = (1.0, 0.8, 0.1, 1.0)
AXIS_RGBA = (0.75, 0.78, 0.85, 0.9)
GRID_RGBA = (0.55, 0.58, 0.65, 0.35)
SAMPLES = 8          # trail samples per step (surface_path), so the trail follows the ground


class MountainView(CachedGLView):
    surface_ready = Signal()    # a new mesh is on the GPU side (drawn on the next paint)
    surface_failed = Signal(str)  # the mesh could not be built; the last one stays

    def __init__(self, model: SceneModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.mesh: SurfaceMesh | None = None
        self._path = np.zeros((0, 3))       # trail samples: x, y, f
        self._path_xyz = np.zeros((0, 3), np.float32)
        self._samples = SAMPLES
        self._arrows_dirty = True
        self._auto_camera = True           # refit on resize until the user moves the camera
        self._disposed = False
        self.mesh_error = ""
        self.setBackgroundColor(BACKGROUND)
        self.setMinimumSize(320, 240)
        self.setToolTip("Drag to orbit, Ctrl+drag or middle-drag to pan, wheel to zoom")
        self._builder = MeshBuilder(self)
        self._make_items()
        self._connect_signals()
        self.update_surface()
        self.update_trajectory(model.trajectory)

    # ---- construction ----------------------------------------------------------------------
    def _make_items(self) -> None:
        self.surface = gl.GLMeshItem(smooth=True, computeNormals=False, shader=None,
                                     glOptions=SURFACE_OPTIONS)
        self.wire = gl.GLLinePlotItem(mode="lines", color=(0.05, 0.05, 0.08, 0.45),
                                      glOptions="translucent")
        self.grid = gl.GLLinePlotItem(mode="lines", color=GRID_RGBA, glOptions="translucent")
        self.axes = gl.GLLinePlotItem(mode="lines", color=AXIS_RGBA, width=1.5,
                                      glOptions="translucent", antialias=True)
        self.arrows = gl.GLLinePlotItem(mode="lines", color=(0.06, 0.06, 0.1, 1.0), width=1.5,
                                        glOptions="translucent", antialias=True)
        # no GL line smoothing: on llvmpipe it stipples a strip of many short segments
        self.trail = gl.GLLinePlotItem(mode="line_strip", color=TRAIL_RGBA, width=3.5,
                                       glOptions="opaque", antialias=False)
        self.poles = gl.GLLinePlotItem(mode="lines", width=2.5, glOptions="translucent")
        self.start_ball = gl.GLMeshItem(meshdata=ball(START_RGB), smooth=True,
                                        computeNormals=False, shader=None,
                                        glOptions=OPAQUE_NO_OFFSET)
        self.end_ball = gl.GLMeshItem(meshdata=ball(END_RGBA[:3]), smooth=True,
                                      computeNormals=False, shader=None,
                                      glOptions=OPAQUE_NO_OFFSET)
        # the walker: a solid ball hidden by hills like any object, plus a see-through copy
        # drawn over everything, so behind a hill it shows as a ghost, never vanishes
        self.walker = gl.GLMeshItem(meshdata=ball(WALKER_RGB), smooth=True, computeNormals=False,
                                    shader=None, glOptions=OPAQUE_NO_OFFSET)
        self.walker_ghost = OnTopMesh(meshdata=ball(WALKER_RGB, alpha=0.65), smooth=True,
                                      computeNormals=False, shader=None,
                                      glOptions=TRANSLUCENT_NO_OFFSET)
        self.labels = LabelsItem()
        order = [(self.surface, 0), (self.grid, 1), (self.axes, 2), (self.wire, 3),
                 (self.arrows, 4), (self.trail, 5), (self.poles, 6), (self.start_ball, 7),
                 (self.end_ball, 8), (self.walker, 99), (self.walker_ghost, 100),
                 (self.labels, 1000)]
        for item, depth in order:
            item.setDepthValue(depth)
            item.setVisible(False)
            self.addItem(item)
        self.labels.setVisible(True)
        self.set_static_items([self.surface, self.grid, self.axes, self.wire, self.arrows])

    def _connect_signals(self) -> None:
        self.model.surface_changed.connect(self.update_surface)
        self.model.trajectory_changed.connect(self.update_trajectory)
        self.model.position_changed.connect(self.update_position)
        self.model.scene_changed.connect(self.update_overlays)
        self._builder.ready.connect(self._apply_mesh)
        self._builder.failed.connect(self._on_mesh_failed)

    # ---- model → view ----------------------------------------------------------------------
    def update_surface(self) -> None:
        s = self.model.scene
        self._builder.request(MeshRequest(self.model.display_function, self.model.display_domain,
                                          s.resolution, s.cmap, s.exaggeration))

    def update_trajectory(self, trajectory) -> None:
        pts = trajectory.points
        xy = pts if pts.shape[1] == 2 else np.column_stack([pts[:, 0], np.zeros(len(pts))])
        # ~8 samples per step so the trail follows the ground; fewer on very long runs
        self._samples = max(1, min(SAMPLES, 40_000 // max(1, len(pts))))
        with np.errstate(all="ignore"):
            self._path = surface_path(self.model.display_function, xy, self._samples)
        self._path_to_display()
        self._place_markers()
        self.update_position(self.model.position)

    def _path_to_display(self) -> None:
        """The trail samples in display coordinates, lifted a little off the ground."""
        if self.mesh is None:
            return
        z = forward_fill(self.mesh.vscale.to_display(self._path[:, 2]))
        self._path_xyz = np.column_stack([self._path[:, :2], z + self._lift]).astype(np.float32)

    def update_position(self, position: float) -> None:
        if self.mesh is None:
            return
        pt, f, _ = self.model.state_at(position)
        n = math.floor(position * self._samples + 1e-6) + 1
        x, y = float(pt[0]), (float(pt[1]) if len(pt) == 2 else 0.0)
        path = self._path_xyz[:n]
        if math.isfinite(f):
            zw = float(self.mesh.vscale.to_display(f))
        else:                                       # in a hole: stay at the last height
            zw = float(path[-1, 2] - self._lift) if len(path) else 0.0
        if position > 0 and len(path):
            tip = np.array([[x, y, zw + self._lift]], np.float32)
            self.trail.setData(pos=np.concatenate([path, tip]))
        self.trail.setVisible(position > 0 and len(path) > 0)
        for item in (self.walker, self.walker_ghost):
            place(item, (x, y, zw + 0.7 * self._radius), self._radius)
            item.setVisible(True)
        self._set_end_visible(position >= self.model.end)

    def update_overlays(self, scene) -> None:
        self.wire.setVisible(scene.wireframe and self.mesh is not None)
        if scene.show_arrows and self._arrows_dirty and self.mesh is not None:
            self.arrows.setData(pos=self._arrow_data())
            self._arrows_dirty = False
        self.arrows.setVisible(scene.show_arrows and self.mesh is not None)
        self.static_changed()

    # ---- mesh ------------------------------------------------------------------------------
    @property
    def extent(self) -> float:
        (x0, x1), (y0, y1) = self.model.display_domain
        return max(x1 - x0, y1 - y0)

    @property
    def _lift(self) -> float:
        return 0.003 * self.extent

    @property
    def _radius(self) -> float:
        return 0.022 * self.extent

    def _apply_mesh(self, mesh: SurfaceMesh) -> None:
        first = self.mesh is None
        self.mesh_error = ""
        self.mesh = mesh
        self.surface.setMeshData(vertexes=mesh.vertices, faces=mesh.faces,
                                 vertexColors=mesh.colors)
        self.surface.setVisible(True)
        self.wire.setData(pos=wireframe_segments(mesh, lift=self._lift))
        self._arrows_dirty = True
        self._path_to_display()
        self._update_axes()
        self._place_markers()
        self.update_overlays(self.model.scene)
        self.update_position(self.model.position)
        if first or self._auto_camera:
            self.reset_camera()
        self.surface_ready.emit()

    def _on_mesh_failed(self, message: str) -> None:
        self.mesh_error = message
        self.surface_failed.emit(message)

    def _arrow_data(self) -> np.ndarray:
        assert self.mesh is not None
        func, dom = self.model.display_function, self.model.display_domain
        if self.model.scene.dim == 1:
            dom = (dom[0], (-1e-9, 1e-9))
            seg = arrow_segments(func, self.mesh, dom, n=25, lift=self._lift)
            return seg if len(seg) else np.zeros((2, 3), np.float32)
        seg = arrow_segments(func, self.mesh, dom, n=15, lift=self._lift)
        return seg if len(seg) else np.zeros((2, 3), np.float32)

    def _place_markers(self) -> None:
        if self.mesh is None:
            return
        traj, vs, r = self.model.trajectory, self.mesh.vscale, self._radius
        pts = [traj.points[0], traj.points[-1]]
        xyz = []
        for p, f in zip(pts, (traj.values[0], traj.values[-1]), strict=True):
            z = float(vs.to_display(f)) if math.isfinite(f) else float(vs.to_display(vs.lo))
            xyz.append((float(p[0]), float(p[1]) if len(p) == 2 else 0.0, z))
        (sx, sy, sz), (ex, ey, ez) = xyz
        flag = 0.09 * self.extent      # start and end are balls on poles, seen from afar
        place(self.start_ball, (sx, sy, sz + flag), 0.45 * r)
        place(self.end_ball, (ex, ey, ez + flag), 0.45 * r)
        pole = np.array([[sx, sy, sz], [sx, sy, sz + flag], [ex, ey, ez],
                         [ex, ey, ez + flag]], np.float32)
        colors = np.array([(*START_RGB, 1.0)] * 2 + [(0, 0, 0, 0)] * 2, np.float32)
        self.poles.setData(pos=pole, color=colors)
        self.end_ball.setVisible(False)
        self.start_ball.setVisible(True)
        self.poles.setVisible(True)

    def _set_end_visible(self, visible: bool) -> None:
        if visible == self.end_ball.visible():
            return
        self.end_ball.setVisible(visible)
        colors = np.array([(*START_RGB, 1.0)] * 2 + [END_RGBA if visible else (0, 0, 0, 0)] * 2,
                          np.float32)
        self.poles.setData(color=colors)

    def _update_axes(self) -> None:
        assert self.mesh is not None
        grid, axes, labels = axes_geometry(self.model.display_domain, self.mesh.vscale,
                                           one_d=self.model.scene.dim == 1)
        self.grid.setData(pos=grid)
        self.axes.setData(pos=axes)
        self.labels.set_labels(labels)
        self.axes.setVisible(True)
        self.grid.setVisible(True)

    # ---- camera ----------------------------------------------------------------------------
    def reset_camera(self) -> None:
        """Look from the front-left at ~28° elevation (a 1-D curve: from the front), at a
        distance where the whole box with its labels just fits the widget."""
        (x0, x1), (y0, y1) = self.model.display_domain
        e, one_d = self.extent, self.model.scene.dim == 1
        if self.mesh is not None:
            vs = self.mesh.vscale
            z0 = float(vs.to_display(vs.lo)) - 0.02 * e
            z1 = float(vs.to_display(vs.hi))
        else:
            z0, z1 = -0.2 * e, 0.2 * e
        pad = 0.12 * e
        corners = np.array([(x, y, z) for x in (x0 - pad, x1 + pad) for y in (y0 - pad, y1 + pad)
                            for z in (z0, z1 + 0.05 * e)])
        self.fit_camera(corners, elevation=18 if one_d else 28,
                        azimuth=-90 if one_d else -125)
        self._auto_camera = True

    def resizeGL(self, w: int, h: int) -> None:  # Qt override
        super().resizeGL(w, h)
        if self._auto_camera:
            self.reset_camera()

    def mousePressEvent(self, ev) -> None:  # Qt override
        self._auto_camera = False
        super().mousePressEvent(ev)

    def wheelEvent(self, ev) -> None:  # Qt override
        self._auto_camera = False
        super().wheelEvent(ev)

    # ---- frames ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while a mesh is still being built."""
        return self._builder.busy or (self.mesh is None and not self.mesh_error)

    def render_array(self, size: tuple[int, int] | None = None) -> np.ndarray:
        """The current frame as an (h, w, 4) RGBA uint8 array (labels need the widget size)."""
        if size is None:
            img = self.grabFramebuffer()
            img = img.convertToFormat(img.Format.Format_RGBA8888)
            arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(),
                                                                  img.bytesPerLine() // 4, 4)
            return arr[:, : img.width()].copy()
        bgra = self.renderToArray(size, padding=1)
        return bgra[..., [2, 1, 0, 3]].copy()

    def dispose(self) -> None:
        """Stop background work; the caller then closes and deleteLater()s the widget."""
        if self._disposed:
            return
        self._disposed = True
        self._builder.shutdown()
        self.release_cache()
        for sig, slot in ((self.model.surface_changed, self.update_surface),
                          (self.model.trajectory_changed, self.update_trajectory),
                          (self.model.position_changed, self.update_position),
                          (self.model.scene_changed, self.update_overlays)):
            sig.disconnect(slot)
