"""A GLViewWidget that keeps the still part of the picture (the surface, grid, axes, arrows) in
an off-screen framebuffer with its depth, so that while only the walker moves a frame costs a
blit plus a few small items instead of re-drawing hundreds of thousands of triangles."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import Signal
from PySide6.QtGui import QImage, QVector3D
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat


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
            fmt = QOpenGLFramebufferObjectFormat()
            fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            # as many samples as the widget's own framebuffer: a multisampled blit must
            # copy between framebuffers of one sample count
            # (QOpenGLWidget keeps its samples in its own framebuffer: ask GL, with it bound)
            fmt.setSamples(max(0, int(GL.glGetIntegerv(GL.GL_SAMPLES))))
            self._cache = QOpenGLFramebufferObject(w, h, fmt)
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

    def fit_camera(self, points: np.ndarray, *, elevation: float, azimuth: float,
                   reach_px: np.ndarray | None = None, fill: float = 0.96) -> None:
        """Look at ``points`` (k, 3) from the given angles, centred, from the distance at which
        they fill ``fill`` of the widget in its tighter direction. ``reach_px`` (k, 4) says how
        far something drawn at a point reaches beyond it in pixels (left, right, down, up):
        text beside its anchor.

        pyqtgraph's fov is horizontal: at distance d the half-width seen at the centre is
        r = d·tan(fov/2) and the half-height r·h/w, so an NDC offset (u, v) of the content's
        centre is a world shift of u·r along the camera's right and v·r·h/w along its up."""
        pts = np.asarray(points, float)
        reach = np.zeros((len(pts), 4)) if reach_px is None else np.asarray(reach_px, float)
        keep = np.isfinite(pts).all(axis=1)
        pts, reach = pts[keep], reach[keep]
        if len(pts) == 0:
            return
        w, h = max(1, self.width()), max(1, self.height())
        reach = reach * np.array([2.0 / w, 2.0 / w, 2.0 / h, 2.0 / h])   # pixels -> NDC

        def box(ndc: np.ndarray) -> tuple[float, float, float, float]:
            return (float((ndc[:, 0] - reach[:, 0]).min()), float((ndc[:, 0] + reach[:, 1]).max()),
                    float((ndc[:, 1] - reach[:, 2]).min()), float((ndc[:, 1] + reach[:, 3]).max()))

        centre = 0.5 * (pts.min(axis=0) + pts.max(axis=0))
        self.setCameraPosition(pos=QVector3D(*map(float, centre)), elevation=elevation,
                               azimuth=azimuth)
        size = float(np.ptp(pts, axis=0).max()) or 1.0
        hom = np.column_stack([pts, np.ones(len(pts))])
        for _ in range(3):                     # fit the distance, then centre; twice more
            lo, hi = 0.05 * size, 60.0 * size
            for _ in range(24):                # 1200× range in 24 halvings: 1e-4 of it
                mid = 0.5 * (lo + hi)
                self.opts["distance"] = mid
                ndc = self._ndc(hom, w, h)
                fits = False
                if ndc is not None:
                    x0, x1, y0, y1 = box(ndc)
                    fits = x1 - x0 <= 2 * fill and y1 - y0 <= 2 * fill
                lo, hi = (lo, mid) if fits else (mid, hi)
            self.opts["distance"] = hi
            ndc = self._ndc(hom, w, h)
            if ndc is None:
                break
            x0, x1, y0, y1 = box(ndc)
            u, v = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
            r = hi * np.tan(np.radians(0.5 * self.opts["fov"]))
            right, up = self._camera_axes()
            centre = centre + right * (u * r) + up * (v * r * h / w)
            self.opts["center"] = QVector3D(*map(float, centre))
        self.update()

    def _ndc(self, hom: np.ndarray, w: int, h: int) -> np.ndarray | None:
        """Normalised device x, y of homogeneous points (None if any is behind the eye)."""
        m = self.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * self.viewMatrix()
        mat = np.array(m.data(), float).reshape(4, 4).T
        clip = hom @ mat.T
        if (clip[:, 3] <= 1e-9).any():
            return None
        return clip[:, :2] / clip[:, 3:4]

    def _camera_axes(self) -> tuple[np.ndarray, np.ndarray]:
        """World directions of the screen's right and up."""
        m = np.array(self.viewMatrix().data(), float).reshape(4, 4).T
        return m[0, :3] / np.linalg.norm(m[0, :3]), m[1, :3] / np.linalg.norm(m[1, :3])

    def release_cache(self) -> None:
        if (self._cache is not None or self._resolved is not None) and self.isValid():
            self.makeCurrent()
            self._cache = self._resolved = None
            self.doneCurrent()
        self._cache = self._resolved = None

    # ---- one frame, read back --------------------------------------------------------------
    _resolved: QOpenGLFramebufferObject | None = None   # single-sampled copy for the readback
    _read_size: tuple[int, int] | None = None

    def read_frame(self) -> np.ndarray:
        """Paint once and read the widget's own framebuffer: an (h, w, 4) RGBA uint8 array
        (a bottom-up view, flipped by slicing). Unlike ``grabFramebuffer`` there is no QImage:
        one paintGL, one multisample resolve (a blit) if the framebuffer has samples, one
        glReadPixels into numpy. Alpha is 255 unless the format asks for an alpha channel
        (then it is what GL holds, un-premultiplied as ``grabFramebuffer`` +
        ``convertToFormat(RGBA8888)`` would)."""
        w, h = self.deviceWidth(), self.deviceHeight()
        alpha = self.format().alphaBufferSize() > 0
        if self._read_size != (w, h) or not self.isValid():
            # the first frame at a size: Qt creates (or re-creates) the widget's framebuffer
            img = self.grabFramebuffer()
            self._read_size = (img.width(), img.height())
            img = img.convertToFormat(img.Format.Format_RGBA8888)
            arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(),
                                                                  img.bytesPerLine() // 4, 4)
            return arr[:, : img.width()].copy()
        self.makeCurrent()
        try:
            fbo = self.defaultFramebufferObject()
            self.paintGL()
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
            if int(GL.glGetIntegerv(GL.GL_SAMPLES)) > 0:   # resolve: glReadPixels needs 1
                if self._resolved is None or (self._resolved.width(),
                                              self._resolved.height()) != (w, h):
                    self._resolved = QOpenGLFramebufferObject(w, h)
                GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo)
                GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, self._resolved.handle())
                GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT,
                                     GL.GL_NEAREST)
                GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._resolved.handle())
            out = np.empty((h, w, 4), np.uint8)
            GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
            GL.glReadPixels(0, 0, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, out)
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
        finally:
            self.doneCurrent()
        if not alpha:
            out[..., 3] = 255
            return out[::-1]
        img = QImage(out[::-1].tobytes(), w, h, 4 * w, QImage.Format.Format_RGBA8888_Premultiplied)
        img = img.convertToFormat(QImage.Format.Format_RGBA8888)
        return np.frombuffer(img.constBits(), np.uint8).reshape(h, w, 4).copy()
