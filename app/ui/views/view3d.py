"""The 3D view: a pyqtgraph GLViewWidget that draws the values it is sent — the surface
picture (mesh, wireframe, −∇f arrows, base grid and labelled axes), the walks and the
position (through ``WalkersGL``), the scene's overlays and camera. It never reads the model:
``connect_model`` wires the model's signals to the ``set_*`` methods, and the user's camera
moves go out on ``camera_changed``."""

from __future__ import annotations

import functools
import os

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QOffscreenSurface, QOpenGLContext, QSurfaceFormat, QVector3D

from app.core.pictures import SurfacePicture
from app.core.scene import Camera, Scene
from app.core.step_parts import COLOURS
from app.ui.signals import wire
from app.ui.views.axes import axes_geometry
from app.ui.views.decorations import SURFACE_OPTIONS, LabelsItem, surface_occluder
from app.ui.views.glcache import CachedGLView
from app.ui.views.overlay import OverlayItem
from app.ui.views.step_parts3d import StepPartsGL
from app.ui.views.theme import DARK, Theme, theme
from app.ui.views.walkers3d import WalkersGL

DEFAULT_CAMERA = Camera()
ONE_D_CAMERA = Camera(azimuth=-90.0, elevation=18.0)
CAMERA_SETTLE_MS = 300     # a camera move is reported once the user stops moving it
EXPORT_SAMPLES = 4         # multisampling (MSAA) of exported frames: always


@functools.cache
def window_samples() -> int:
    """MSAA samples for the window's view: 4 on a GPU; none on a software renderer
    (llvmpipe: 4× MSAA cost 100 animated walkers half their frame rate), unless
    GRADIENT_MOUNTAIN_MSAA says how many. Exports always use EXPORT_SAMPLES."""
    forced = os.environ.get("GRADIENT_MOUNTAIN_MSAA")
    if forced is not None:
        return max(0, min(16, int(forced))) if forced.strip().isdigit() else 0
    ctx, surface = QOpenGLContext(), QOffscreenSurface()
    surface.create()
    if not ctx.create() or not ctx.makeCurrent(surface):
        return 0
    try:
        from OpenGL import GL

        renderer = (GL.glGetString(GL.GL_RENDERER) or b"").decode(errors="replace").lower()
    finally:
        ctx.doneCurrent()
        surface.destroy()
    software = any(name in renderer for name in ("llvmpipe", "softpipe", "software", "swrast"))
    return 0 if software else 4


class MountainView(CachedGLView):
    surface_ready = Signal()        # a new surface is on the GPU side (drawn on the next paint)
    camera_changed = Signal(object)  # Camera, after the user orbited, panned or zoomed

    def __init__(self, parent=None, *, samples: int | None = None) -> None:
        super().__init__(parent)
        samples = window_samples() if samples is None else samples
        if samples:                      # anti-aliased edges where the driver offers it
            fmt = QSurfaceFormat(self.format())
            fmt.setSamples(samples)
            self.setFormat(fmt)
        self.picture: SurfacePicture | None = None
        self.scene_value: Scene | None = None
        self.theme = DARK
        self.mesh_error = ""
        self._camera: Camera | None = None   # the scene's camera (None: fitted default)
        self._before_move: Camera | None = None
        self._connected = None
        self.setBackgroundColor(DARK.background)
        self.setMinimumSize(320, 240)
        self.setToolTip("Drag to orbit, Ctrl+drag or middle-drag to pan, wheel to zoom")
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(CAMERA_SETTLE_MS)
        self._settle.timeout.connect(self._on_settle_timeout)
        self._make_items()
        self.walkers = WalkersGL(self)
        self.parts = StepPartsGL(self)

    # ---- construction ----------------------------------------------------------------------
    def _make_items(self) -> None:
        self.surface = gl.GLMeshItem(smooth=True, computeNormals=False, shader=None,
                                     glOptions=SURFACE_OPTIONS)
        self.wire = gl.GLLinePlotItem(mode="lines", color=(0.05, 0.05, 0.08, 0.45),
                                      glOptions="translucent")
        self.grid = gl.GLLinePlotItem(mode="lines", color=DARK.grid, glOptions="translucent")
        self.axes = gl.GLLinePlotItem(mode="lines", color=DARK.axis, width=1.5,
                                      glOptions="translucent", antialias=True)
        self.arrows = gl.GLLinePlotItem(mode="lines", color=(0.06, 0.06, 0.1, 1.0), width=1.5,
                                        glOptions="translucent", antialias=True)
        self.labels = LabelsItem()
        self.overlay = OverlayItem()
        for item, depth in [(self.surface, 0), (self.grid, 1), (self.axes, 2), (self.wire, 3),
                            (self.arrows, 4), (self.labels, 1000), (self.overlay, 1001)]:
            item.setDepthValue(depth)
            item.setVisible(item in (self.labels, self.overlay))
            self.addItem(item)
        self.set_static_items([self.surface, self.grid, self.axes, self.wire, self.arrows])

    def set_scale(self, scale: float) -> None:
        """Draw text and lines ``scale`` times thicker: the same layout at N× the pixels."""
        self.labels.set_scale(scale)
        self.overlay.set_scale(scale)
        for item, width in ((self.axes, 1.5), (self.arrows, 1.5)):
            item.setData(width=width * scale)
        self.walkers.set_scale(scale)
        self.parts.set_scale(scale)
        self.static_changed()
        self.refit()

    def refit(self) -> None:
        """Fit the camera again when it is fitted (not where the user put it): text, the
        legend or the caption changed size."""
        if self.picture is not None and (self._camera is None or self._camera.distance is None):
            self.apply_camera(self._camera)

    def set_transparent(self, on: bool) -> None:
        """A background of alpha 0 (for a PNG laid over a slide). Call before ``show``: the
        framebuffer needs an alpha channel."""
        if on:
            fmt = QSurfaceFormat(self.format())
            fmt.setAlphaBufferSize(8)
            self.setFormat(fmt)
        self.setBackgroundColor((*self.theme.background, 0 if on else 255))
        self.static_changed()

    def connect_model(self, model, connect: bool = True) -> None:
        """Receive the model's values (``connect=False`` disconnects, before disposal)."""
        pairs = ((model.surface_changed, self.set_surface),
                 (model.surface_error, self.set_surface_error),
                 (model.scene_changed, self.set_scene),
                 (model.walks_changed, self.set_walks),
                 (model.position_changed, self.walkers.set_position),
                 (model.selection_changed, self.walkers.set_selection),
                 (model.position_changed, self.parts.set_position),
                 (model.curvature_axes, self.parts.set_axes),
                 (model.selection_changed, self.parts.set_selection))
        wire(pairs, connect)
        self._connected = model if connect else None
        if connect:
            self.set_scene(model.scene)

    # ---- model → view ----------------------------------------------------------------------
    def set_surface(self, picture: SurfacePicture) -> None:
        refit = self.picture is None or self.picture.domain != picture.domain \
            or self.picture.mesh.vscale != picture.mesh.vscale
        self.picture, self.mesh_error = picture, ""
        mesh = picture.mesh
        self.surface.setMeshData(vertexes=mesh.vertices, faces=mesh.faces,
                                 vertexColors=mesh.colors)
        self.surface.setVisible(True)
        self.wire.setData(pos=picture.wire if len(picture.wire) else np.zeros((2, 3)))
        self.arrows.setData(pos=picture.arrows if len(picture.arrows) else np.zeros((2, 3)))
        t = self.theme
        grid, axes, labels = axes_geometry(picture.domain, mesh.vscale, one_d=picture.dim == 1,
                                           colors=(t.qcolor(t.text), t.qcolor(t.title)))
        self.grid.setData(pos=grid)
        self.axes.setData(pos=axes)
        self.labels.set_labels(labels)
        self.labels.occluder = surface_occluder(mesh)
        self.axes.setVisible(True)
        self.grid.setVisible(True)
        self.walkers.set_surface(picture)
        self.parts.show(self.parts.on)           # (redrawn on the new surface)
        cmap = self.scene_value.cmap if self.scene_value is not None else "terrain"
        self.overlay.bar = (cmap, float(mesh.vscale.lo), float(mesh.vscale.hi))
        if self.scene_value is not None:
            self.wire.setVisible(self.scene_value.wireframe)
            self.arrows.setVisible(self.scene_value.show_arrows)
        if refit:
            self.apply_camera(self._camera)
        self.static_changed()
        self.surface_ready.emit()

    def set_walks(self, walks) -> None:
        self.walkers.set_walks(walks)
        self.parts.set_walks(walks)
        legend = [(w.color, w.label) for w in walks.scene.walkers]
        rows = self.overlay.reserved_top(self.width())
        self.overlay.legend = legend
        if self.overlay.reserved_top(self.width()) != rows and self.picture is not None and (
                self._camera is None or self._camera.distance is None):
            self.apply_camera(self._camera)       # the legend's room changed
        self.overlay.update()

    def show_overlays(self, *, legend: bool | None = None, colorbar: bool | None = None) -> None:
        """Switch the legend and the colour bar (the camera refits for the bar's room)."""
        before = (self.overlay.show_legend, self.overlay.show_bar)
        if legend is not None:
            self.overlay.show_legend = legend
        if colorbar is not None:
            self.overlay.show_bar = colorbar
        if before != (self.overlay.show_legend, self.overlay.show_bar) and (
                self._camera is None or self._camera.distance is None):
            self.apply_camera(self._camera)       # the room they take changed
        self.update()

    def show_curvature_axes(self, on: bool) -> None:
        self.parts.show_axes(on)
        self._explain_arrows()

    def show_step_parts(self, on: bool) -> None:
        """The current step's pieces as arrows at the selected walker, trials as dots."""
        self.parts.show(on)
        self._explain_arrows()

    def _explain_arrows(self) -> None:
        """The legend says which colour is which arrow while arrows are shown."""
        extra = [(COLOURS[k], k) for k in ("step", "−η·g", "velocity", "Newton direction")
                 if self.parts.on]
        extra += [("#ff8c32", "trials")] if self.parts.on else []
        extra += [("#7ddc5a", "flat axis"), ("#ff6b6b", "steep axis")] if self.parts.axes_on else []
        self.overlay.extra = extra
        self.overlay.update()
        self.refit()

    def set_surface_error(self, message: str) -> None:
        self.mesh_error = message

    def set_theme(self, t: Theme) -> None:
        """Dark (screen) or light (paper): background, axes, grid, labels, overlays."""
        if t == self.theme:
            return
        self.theme = t
        alpha = self.opts["bgcolor"][3] if len(self.opts["bgcolor"]) == 4 else 1.0
        self.setBackgroundColor((*t.background, round(255 * alpha)))
        self.axes.setData(color=t.axis)
        self.grid.setData(color=t.grid)
        self.wire.setData(color=t.wire)
        self.labels.title_color = t.qcolor(t.title)
        self.overlay.set_theme(t.qcolor(t.text), t.panel)
        if self.picture is not None:
            self.set_surface(self.picture)        # labels in the new colours
        self.static_changed()

    def set_scene(self, scene: Scene) -> None:
        self.scene_value = scene
        self.set_theme(theme(scene.theme))
        if self.overlay.bar is not None and self.overlay.bar[0] != scene.cmap:
            self.overlay.bar = (scene.cmap, *self.overlay.bar[1:])
            self.overlay.update()
        self._show_overlays(scene)
        if scene.camera != self._camera:
            self._camera = scene.camera
            self.apply_camera(scene.camera)

    def _show_overlays(self, scene: Scene) -> None:
        have = self.picture is not None
        wire, arrows = scene.wireframe and have, scene.show_arrows and have
        if (wire, arrows) != (self.wire.visible(), self.arrows.visible()):
            self.wire.setVisible(wire)
            self.arrows.setVisible(arrows)
            self.static_changed()      # only then: re-drawing a 500² surface costs ~50 ms

    # ---- camera ----------------------------------------------------------------------------
    @property
    def extent(self) -> float:
        return self.picture.extent if self.picture is not None else 1.0

    def default_camera(self) -> Camera:
        one_d = self.picture is not None and self.picture.dim == 1
        return ONE_D_CAMERA if one_d else DEFAULT_CAMERA

    def apply_camera(self, camera: Camera | None) -> None:
        """Look as ``camera`` says; what it leaves open (distance, centre) is fitted so the
        mountain with its axes and labels fills the widget."""
        cam = camera or self.default_camera()
        if self.picture is None:
            self.setCameraPosition(elevation=cam.elevation, azimuth=cam.azimuth)
            return
        points, reach = self._content_points()
        self.fit_camera(points, elevation=cam.elevation, azimuth=cam.azimuth, reach_px=reach)
        if cam.center is not None:
            self.setCameraPosition(pos=QVector3D(*cam.center))
        if cam.distance is not None:
            self.setCameraPosition(distance=cam.distance)

    def _content_points(self) -> tuple[np.ndarray, np.ndarray]:
        """What must be in the frame — the surface (sampled), the axes, the labels — and how
        far each reaches beyond its point in pixels (text beside its anchor)."""
        assert self.picture is not None
        v = self.picture.mesh.vertices
        step = max(1, len(v) // 1500)          # (the outline needs no more: fit is ~3× quicker)
        lines = np.concatenate([np.asarray(v[::step], float),
                                np.asarray(self.axes.pos, float).reshape(-1, 3),
                                np.asarray(self.grid.pos, float).reshape(-1, 3)])
        anchors, reach = self.labels.extents_px()
        reach = np.concatenate([np.zeros((len(lines), 4)), reach])
        reach[:, 1] += self.overlay.reserved_right()      # room for the colour bar
        reach[:, 3] += self.overlay.reserved_top(self.width())   # and for the legend
        reach[:, 2] += self.overlay.reserved_bottom()            # and for the caption
        return np.concatenate([lines, anchors]), reach

    def current_camera(self) -> Camera:
        c = self.opts["center"]
        return Camera(float(self.opts["azimuth"]), float(self.opts["elevation"]),
                      float(self.opts["distance"]), (c.x(), c.y(), c.z()))

    def reset_camera(self) -> None:
        """Back to the default view (fitted); the scene forgets its camera."""
        self._camera = None
        self.apply_camera(None)
        self.camera_changed.emit(None)

    def resizeGL(self, w: int, h: int) -> None:  # Qt override
        super().resizeGL(w, h)
        self.refit()

    def mousePressEvent(self, ev) -> None:  # Qt override
        self._before_move = self.current_camera()
        super().mousePressEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:  # Qt override
        super().mouseReleaseEvent(ev)
        self._settle.start()

    def wheelEvent(self, ev) -> None:  # Qt override
        super().wheelEvent(ev)
        self._settle.start()

    def flush_camera(self) -> None:
        """Report a camera move that is still settling now (before an export or save)."""
        if self._settle.isActive():
            self._settle.stop()
            self._on_settle_timeout()

    def _on_settle_timeout(self) -> None:
        cam = self.current_camera()
        if cam == self._before_move:
            return                       # a click, not a move
        self._camera = self._before_move = cam
        self.camera_changed.emit(cam)

    # ---- frames ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True until a surface has arrived (or failed)."""
        return self.picture is None and not self.mesh_error

    def render_array(self, size: tuple[int, int] | None = None) -> np.ndarray:
        """The current frame as an (h, w, 4) RGBA uint8 array (labels need the widget size)."""
        if size is None:
            return self.read_frame()       # one paint, one readback (glcache)
        bgra = self.renderToArray(size, padding=1)
        return bgra[..., [2, 1, 0, 3]].copy()

    def dispose(self) -> None:
        """Disconnect and free GL resources; the caller then closes and deleteLater()s it."""
        if self._connected is not None:
            self.connect_model(self._connected, connect=False)
        self._settle.stop()
        self.release_cache()
