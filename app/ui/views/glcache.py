"""A GLViewWidget that keeps the still part of the picture (the surface, grid, axes, arrows) in
an off-screen framebuffer with its depth, so that while only the walker moves a frame costs a
blit plus a few small items instead of re-drawing hundreds of thousands of triangles."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import Signal
from PySide6.QtGui import QVector3D, QVector4D
from PySide6.QtOpenGL import QOpenGLFramebufferObject


class CachedGLView(gl.GLViewWidget):
    frame_drawn = Signal()     # after every paint of the widget

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frames = 0
        self.cache_enabled = True
        self._static: list[gl.GLGraphicsItem.GLGraphicsItem] = []
        self._static_version = 0
        self._cache: QOpenGLFramebufferObject | None = None
        self._cache_key: tuple | None = None

    def set_static_items(self, items) -> None:
        self._static = list(items)
        self.static_changed()

    def static_changed(self) -> None:
        """Call after changing any static item's data or visibility."""
        self._static_version += 1
        self.update()

    def _key(self) -> tuple:
        o = self.opts
        c = o["center"]
        cam = (c.x(), c.y(), c.z(), o["distance"], o["fov"], o.get("elevation"),
               o.get("azimuth"), str(o.get("rotation")), o["bgcolor"])
        return (self.deviceWidth(), self.deviceHeight(), cam, self._static_version)

    def _draw(self, items) -> None:
        for item in sorted(items, key=lambda i: i.depthValue()):
            if not item.visible():
                continue
            self._modelViewStack.append(self.currentModelView() * item.transform())
            try:
                self.drawItemTree(item)
            finally:
                self._modelViewStack.pop()

    def paintGL(self) -> None:  # Qt override
        if not self.cache_enabled or not self._static:
            super().paintGL()
        else:
            self._paint_cached()
        self.frames += 1
        self.frame_drawn.emit()

    def _paint_cached(self) -> None:
        w, h = self.deviceWidth(), self.deviceHeight()
        region = self.getViewport()
        target = self.defaultFramebufferObject()
        key = self._key()
        if self._cache is None or self._cache.width() != w or self._cache.height() != h:
            self._cache = QOpenGLFramebufferObject(
                w, h, QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            self._cache_key = None
        if key != self._cache_key:
            self._cache.bind()
            GL.glViewport(0, 0, w, h)
            self.setProjection(region, region)
            self.setModelview()
            GL.glClearColor(*self.opts["bgcolor"])
            GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
            self._draw(self._static)
            self._cache_key = key
        for _ in range(8):                         # forget errors from earlier calls
            if GL.glGetError() == GL.GL_NO_ERROR:
                break
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._cache.handle())
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h,
                             GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        if GL.glGetError() != GL.GL_NO_ERROR:     # e.g. depth formats differ: draw plainly
            self.cache_enabled = False
            super().paintGL()
            return
        GL.glViewport(0, 0, w, h)
        self.setProjection(region, region)
        self.setModelview()
        static = set(map(id, self._static))
        self._draw([i for i in self.items if i.parentItem() is None and id(i) not in static])

    def fit_camera(self, corners: np.ndarray, *, elevation: float, azimuth: float) -> None:
        """Look at the middle of ``corners`` (k, 3) from the given angles, from the distance
        at which all of them just fit the widget (bisection with the view's own matrices)."""
        c = corners.mean(axis=0)
        self.setCameraPosition(pos=QVector3D(*map(float, c)), elevation=elevation,
                               azimuth=azimuth)
        w, h = max(1, self.width()), max(1, self.height())
        size = float(np.ptp(corners, axis=0).max()) or 1.0
        lo, hi = 0.1 * size, 50.0 * size
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            self.opts["distance"] = mid
            m = self.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * self.viewMatrix()
            fits = True
            for x, y, z in corners:
                v = m.map(QVector4D(float(x), float(y), float(z), 1.0))
                if v.w() <= 0 or abs(v.x() / v.w()) > 0.96 or abs(v.y() / v.w()) > 0.92:
                    fits = False
                    break
            lo, hi = (lo, mid) if fits else (mid, hi)
        self.setCameraPosition(distance=hi)

    def release_cache(self) -> None:
        if self._cache is not None and self.isValid():
            self.makeCurrent()
            self._cache = None
            self.doneCurrent()
        self._cache = None
