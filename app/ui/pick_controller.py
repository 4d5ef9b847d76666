"""Drag to pick the start on the 3D mountain: Shift+drag (or with the "pick" toggle on).

Mouse events become plain numbers here (pixel, matrices, viewport) and the maths is
app/core/picking.py. While dragging, the whole path from the point under the cursor is
previewed; on release the walker is reset to the new start. Plain drags still orbit.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtCore import QEvent, QObject, Qt, Signal

from app.core.picking import pick_start
from app.core.surface import surface_path

PREVIEW_RGBA = (1.0, 1.0, 1.0, 0.9)


class PickController(QObject):
    preview_changed = Signal(object)   # the previewed Trajectory, or None when it ends

    def __init__(self, view, model) -> None:
        super().__init__(view)
        self.view, self.model = view, model
        self.sticky = False                # the toolbar toggle: pick without Shift
        self.dragging = False
        self.last: tuple[float, ...] | None = None
        self.preview = gl.GLLinePlotItem(mode="line_strip", color=PREVIEW_RGBA, width=2.5,
                                         glOptions="translucent", antialias=False)
        self.preview.setDepthValue(6)
        self.preview.setVisible(False)
        view.addItem(self.preview)
        view.installEventFilter(self)
        view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_sticky(self, on: bool) -> None:
        self.sticky = bool(on)
        self._update_cursor(self.sticky)

    def _update_cursor(self, picking: bool) -> None:
        if picking:
            self.view.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.view.unsetCursor()

    # ---- pixel -> start ---------------------------------------------------------------------
    def matrices(self) -> tuple[np.ndarray, tuple[int, int, int, int]]:
        """Row-major MVP (clip = M @ [x, y, z, 1]) and the logical viewport."""
        w, h = self.view.width(), self.view.height()
        vp = (0, 0, w, h)
        m = self.view.projectionMatrix(vp, vp) * self.view.viewMatrix()
        return np.array(m.data(), float).reshape(4, 4).T, vp

    def start_at(self, px: float, py: float, *, clamp: bool) -> tuple[float, ...] | None:
        """The start under the pixel (logical, top-left origin), or None off the surface."""
        mesh = self.view.mesh
        if mesh is None:
            return None
        vs, func = mesh.vscale, self.model.display_function

        def height(x, y):
            return vs.to_display(func.value(x, y))

        mvp, vp = self.matrices()
        z_range = (float(vs.to_display(vs.lo)), float(vs.to_display(vs.hi)))
        hit = pick_start(px, py, mvp, vp, height, self.model.display_domain, clamp=clamp,
                         z_range=z_range, plane_z=z_range[0])
        if hit is None or not np.all(np.isfinite(hit)):
            return None
        return (float(hit[0]),) if self.model.scene.dim == 1 else (float(hit[0]),
                                                                    float(hit[1]))

    # ---- events -----------------------------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:  # Qt override
        t = ev.type()
        if t in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and \
                ev.key() == Qt.Key.Key_Shift:
            self._update_cursor(self.sticky or t == QEvent.Type.KeyPress)
            return False
        if t == QEvent.Type.MouseButtonPress and ev.button() == Qt.MouseButton.LeftButton:
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if not (shift or self.sticky):
                return False
            p = ev.position()
            start = self.start_at(p.x(), p.y(), clamp=False)
            if start is None:
                return True        # off the surface: nothing happens (and no orbit)
            self.dragging = True
            self._show_preview(start)
            return True
        if t == QEvent.Type.MouseMove and self.dragging:
            p = ev.position()
            start = self.start_at(p.x(), p.y(), clamp=True)
            if start is not None:
                self._show_preview(start)
            return True
        if t == QEvent.Type.MouseButtonRelease and self.dragging:
            self.dragging = False
            self.preview.setVisible(False)
            self.preview_changed.emit(None)
            if self.last is not None:
                self.model.update(start=self.last)
            return True
        return False

    def _show_preview(self, start: tuple[float, ...]) -> None:
        self.last = start
        traj = self.model.scene.replace(start=start).run(self.model.func)
        pts = traj.points
        xy = pts if pts.shape[1] == 2 else np.column_stack([pts[:, 0], np.zeros(len(pts))])
        with np.errstate(all="ignore"):
            path = surface_path(self.model.display_function, xy, 4)
        mesh = self.view.mesh
        z = mesh.vscale.to_display(path[:, 2]) + 0.004 * self.view.extent
        keep = np.isfinite(z)
        self.preview.setData(pos=np.column_stack([path[keep, :2], z[keep]]).astype(np.float32))
        self.preview.setVisible(True)
        self.preview_changed.emit(traj)
        self.view.update()
