"""Drag to pick the start on the 3D mountain: Shift+drag (or with the "pick" toggle on).

Mouse events become plain numbers here (pixel, matrices, viewport) and the maths is
app/core/picking.py. While dragging, the whole path from the point under the cursor is
previewed (a white line with a dark halo and a small ball on the surface, and the same
path on the map; a drag on the map previews here through ``show_path``); on
release the walker is reset to the new start, Escape cancels. Plain drags still orbit.
Picks go out on ``start_picked(start, final)`` (``final`` with start None: cancelled); the
path to preview comes back through ``set_preview`` (the model computes it).

Pixels: pyqtgraph 0.14 draws with ``projectionMatrix(getViewport())`` where the viewport is
the logical (0, 0, w, h); Qt's ``event.position()`` is logical too, so the ray needs no
device-pixel ratio (dpr = 1 against a logical viewport gives the same ray as dpr against the
device one; tests/ui/test_picking_ui.py checks it at QT_SCALE_FACTOR=2).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication

from app.core.expression import CompiledFunction
from app.core.picking import pick_start
from app.core.surface import surface_path
from app.core.walks import display_function
from app.ui.signals import wire
from app.ui.views.decorations import OPAQUE_NO_OFFSET, ball, place

PREVIEW_RGBA = (1.0, 1.0, 1.0, 0.9)
HALO_RGBA = (0.0, 0.0, 0.0, 0.45)
SHIFT = Qt.KeyboardModifier.ShiftModifier


class PickController(QObject):
    start_picked = Signal(object, bool)   # start (None: cancelled), final?

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self.func: CompiledFunction | None = None   # the compiled function (set_function)
        self.sticky = False                # the toolbar toggle: pick without Shift
        self.dragging = False
        self.last: tuple[float, ...] | None = None
        self.preview = gl.GLLinePlotItem(mode="line_strip", color=PREVIEW_RGBA, width=2.5,
                                         glOptions="translucent", antialias=False)
        self.preview.setDepthValue(6)
        # a dark halo under the white line: it reads on light and dark colour maps alike
        self.halo = gl.GLLinePlotItem(mode="line_strip", color=HALO_RGBA, width=5.5,
                                      glOptions="translucent", antialias=False)
        self.halo.setDepthValue(5)
        self.marker = gl.GLMeshItem(meshdata=ball((0.95, 0.95, 0.95)), smooth=True,
                                    computeNormals=False, shader=None,
                                    glOptions=OPAQUE_NO_OFFSET)
        self.marker.setDepthValue(7)
        for item in (self.halo, self.preview, self.marker):
            item.setVisible(False)
            view.addItem(item)
        view.installEventFilter(self)
        view.setMouseTracking(True)        # hover moves tell us when Shift is held
        view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_sticky(self, on: bool) -> None:
        self.sticky = bool(on)
        self._update_cursor(self.sticky)

    def _update_cursor(self, picking: bool) -> None:
        want = Qt.CursorShape.CrossCursor if picking or self.dragging else None
        have = self.view.cursor().shape() if self.view.testAttribute(
            Qt.WidgetAttribute.WA_SetCursor) else None
        if want == have:
            return
        if want is None:
            self.view.unsetCursor()
        else:
            self.view.setCursor(want)

    # ---- pixel -> start ---------------------------------------------------------------------
    def matrices(self) -> tuple[np.ndarray, tuple[int, int, int, int]]:
        """Row-major MVP (clip = M @ [x, y, z, 1]) and the logical viewport, exactly as
        pyqtgraph's paintGL builds them."""
        x, y, w, h = (int(v) for v in self.view.getViewport())
        vp = (x, y, w, h)
        m = self.view.projectionMatrix(vp, vp) * self.view.viewMatrix()
        return np.array(m.data(), float).reshape(4, 4).T, vp

    def connect_model(self, model, connect: bool = True) -> None:
        pairs = ((model.function_changed, self.set_function),
                 (model.preview_changed, self.set_preview))
        wire(pairs, connect)

    def set_function(self, func) -> None:
        self.func = func

    @property
    def one_d(self) -> bool:
        return self.func is not None and self.func.dim == 1

    def height(self):
        """The displayed height Z(x, y) = vscale(f) of the current mesh (None before one)."""
        pic = self.view.picture
        if pic is None or self.func is None:
            return None
        vs, func = pic.mesh.vscale, display_function(self.func)

        def height(x, y):
            with np.errstate(all="ignore"):
                return vs.to_display(func.value(x, y))

        return height

    def start_at(self, px: float, py: float, *, clamp: bool) -> tuple[float, ...] | None:
        """The start under the pixel (logical, top-left origin), or None off the surface."""
        height = self.height()
        if height is None or self.func is None or self.func.dim != self.view.picture.dim:
            return None            # (the last function's mountain, until the new one is in)
        vs = self.view.picture.mesh.vscale
        mvp, vp = self.matrices()
        z_range = (float(vs.to_display(vs.lo)), float(vs.to_display(vs.hi)))
        try:
            hit = pick_start(px, py, mvp, vp, height, self.view.picture.domain, clamp=clamp,
                             z_range=z_range, plane_z=z_range[0])
        except (ArithmeticError, ValueError):   # a function that raises: treat as a miss
            return None
        if hit is None or not np.all(np.isfinite(hit)):
            return None
        return (float(hit[0]),) if self.one_d else (float(hit[0]), float(hit[1]))

    # ---- events -----------------------------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:  # Qt override
        t = ev.type()
        if t in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            if ev.key() == Qt.Key.Key_Shift:
                self._update_cursor(self.sticky or t == QEvent.Type.KeyPress)
            elif ev.key() == Qt.Key.Key_Escape and self.dragging and t == QEvent.Type.KeyPress:
                self._end_drag(apply=False)
                return True
            return False
        if t == QEvent.Type.Enter:
            self._update_cursor(self.sticky or bool(QGuiApplication.queryKeyboardModifiers()
                                                    & SHIFT))
            return False
        if t == QEvent.Type.MouseButtonPress and ev.button() == Qt.MouseButton.LeftButton:
            if not (ev.modifiers() & SHIFT or self.sticky):
                return False
            p = ev.position()
            start = self.start_at(p.x(), p.y(), clamp=False)
            if start is None:
                return True        # off the surface: nothing happens (and no orbit)
            self.dragging = True
            self._show_preview(start)
            return True
        if t == QEvent.Type.MouseMove:
            if not self.dragging:
                if ev.buttons() == Qt.MouseButton.NoButton:
                    self._update_cursor(self.sticky or bool(ev.modifiers() & SHIFT))
                return False
            p = ev.position()
            start = self.start_at(p.x(), p.y(), clamp=True)
            if start is not None:
                self._show_preview(start)
            return True
        if t == QEvent.Type.MouseButtonRelease and self.dragging:
            self._end_drag(apply=True)
            return True
        return False

    def _end_drag(self, *, apply: bool) -> None:
        self.dragging = False
        start, self.last = self.last, None
        # a new start resets the walker; the same start again rewinds it too
        self.start_picked.emit(start if apply else None, True)

    def _show_preview(self, start: tuple[float, ...]) -> None:
        self.last = start
        self.start_picked.emit(start, False)

    def set_preview(self, traj) -> None:
        """Draw a previewed Trajectory on the surface (None hides it) — this drag's, or the
        map's while a start is dragged there."""
        pic = self.view.picture
        mesh = pic.mesh if pic is not None else None
        if traj is None or mesh is None or self.func is None:
            for item in (self.halo, self.preview, self.marker):
                item.setVisible(False)
            self.view.update()
            return
        pts = traj.points
        xy = pts if pts.shape[1] == 2 else np.column_stack([pts[:, 0], np.zeros(len(pts))])
        path = surface_path(display_function(self.func), xy, 4)
        z = mesh.vscale.to_display(path[:, 2]) + 0.003 * self.view.extent
        keep = np.isfinite(z)
        if keep.any():
            pos = np.column_stack([path[keep, :2], z[keep]]).astype(np.float32)
            self.halo.setData(pos=pos)               # (pyqtgraph keeps the array: copy below)
            lifted = pos + np.array([0.0, 0.0, 0.002 * self.view.extent], np.float32)
            self.preview.setData(pos=lifted)         # above the halo: passes the depth test
            r = 0.6 * 0.022 * self.view.extent
            place(self.marker, (pos[0, 0], pos[0, 1], pos[0, 2] + 0.7 * r), r)
        for item in (self.halo, self.preview, self.marker):
            item.setVisible(bool(keep.any()))
        self.view.update()
