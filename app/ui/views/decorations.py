"""GL helpers for what is drawn around the surface: lit balls, GL option sets, and two small
GL items: labels painted in one pass, and a mesh that is always drawn on top."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMatrix4x4, QPainter, QVector3D

from app.core.surface import LIGHT, SurfaceMesh

OPAQUE_NO_OFFSET = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
                    GL.GL_POLYGON_OFFSET_FILL: False}
# the surface is pushed back a little in depth so lines lying on it are not swallowed
SURFACE_OPTIONS = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
                   GL.GL_POLYGON_OFFSET_FILL: True, "glPolygonOffset": (2.0, 8.0)}


def ball(color: tuple[float, float, float], alpha: float = 1.0, rows: int = 14,
         cols: int = 22) -> gl.MeshData:
    """A unit sphere with lighting and a highlight baked into its vertex colours."""
    md = gl.MeshData.sphere(rows=rows, cols=cols, radius=1.0)
    n = md.vertexes()
    lam = np.clip(n @ LIGHT, 0.0, 1.0)
    half = LIGHT + np.array([0.0, 0.0, 1.0])          # Blinn: halfway to a viewer above
    spec = np.clip(n @ (half / np.linalg.norm(half)), 0, 1) ** 40
    rgb = np.asarray(color) * (0.45 + 0.55 * lam[:, None]) + 0.45 * spec[:, None]
    colors = np.column_stack([np.clip(rgb, 0, 1), np.full(len(n), alpha)]).astype(np.float32)
    return gl.MeshData(vertexes=n, faces=md.faces(), vertexColors=colors)


def place(item: gl.GLGraphicsItem, pos, radius: float) -> None:
    m = QMatrix4x4()
    m.translate(float(pos[0]), float(pos[1]), float(pos[2]))
    m.scale(radius)
    item.setTransform(m)


TITLE_COLOR = QColor(255, 255, 255)     # axis titles (axes.TITLE): placed before ticks


def surface_occluder(mesh: SurfaceMesh, samples: int = 96):
    """A test of what the surface hides: for each anchor, does the straight line from the eye
    to it pass below the displayed surface anywhere? (Heights bilinear on the mesh grid.)"""
    xs, ys = np.asarray(mesh.xs, float), np.asarray(mesh.ys, float)
    z = np.asarray(mesh.vertices[:, 2], float).reshape(len(xs), len(ys))
    ok = np.isfinite(np.asarray(mesh.z)).reshape(len(xs), len(ys))
    t = np.linspace(0.02, 0.98, samples)

    def hidden(eye: np.ndarray, anchors: np.ndarray) -> np.ndarray:
        pts = eye[None, None, :] + t[None, :, None] * (anchors[:, None, :] - eye[None, None, :])
        fx = (pts[..., 0] - xs[0]) / (xs[-1] - xs[0]) * (len(xs) - 1)
        fy = (pts[..., 1] - ys[0]) / (ys[-1] - ys[0]) * (len(ys) - 1)
        inside = (fx >= 0) & (fx <= len(xs) - 1) & (fy >= 0) & (fy <= len(ys) - 1)
        i = np.clip(np.floor(fx).astype(int), 0, len(xs) - 2)
        j = np.clip(np.floor(fy).astype(int), 0, len(ys) - 2)
        u, v = np.clip(fx - i, 0, 1), np.clip(fy - j, 0, 1)
        zs = ((1 - u) * (1 - v) * z[i, j] + u * (1 - v) * z[i + 1, j]
              + (1 - u) * v * z[i, j + 1] + u * v * z[i + 1, j + 1])
        solid = ok[i, j] & ok[i + 1, j] & ok[i, j + 1] & ok[i + 1, j + 1]
        return (inside & solid & (zs > pts[..., 2] + 1e-6)).any(axis=1)

    return hidden


TRANSLUCENT_NO_OFFSET = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: True, GL.GL_CULL_FACE: False,
                         GL.GL_POLYGON_OFFSET_FILL: False,
                         "glBlendFuncSeparate": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                                                 GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)}


class OnTopMesh(gl.GLMeshItem):
    """A mesh drawn over everything before it (it clears the depth buffer first): a
    see-through copy of the walker keeps it visible behind hills; it still hides its own back
    faces."""

    def paint(self) -> None:
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT)
        super().paint()


class LabelsItem(gl.GLGraphicsItem.GLGraphicsItem):
    """Many text labels in one QPainter pass: [(xyz, text, QColor, Qt.Alignment)]."""

    def __init__(self, font_size: int = 10) -> None:
        super().__init__()
        self.labels: list[tuple[tuple[float, float, float], str, QColor, Qt.AlignmentFlag]] = []
        self.font = QFont()
        self.font_size = font_size
        self.font.setPointSize(font_size)
        self.occluder = None     # (eye (3,), anchors (k, 3)) -> hidden (k,) bool
        self.drawn: list[tuple[str, QRectF]] = []
        self.title_color = TITLE_COLOR        # labels of this colour are placed first

    def set_scale(self, scale: float) -> None:
        """Text ``scale`` times larger (a frame rendered at N× the pixels, same layout)."""
        self.font.setPointSizeF(self.font_size * scale)
        self.update()

    def set_labels(self, labels) -> None:
        self.labels = list(labels)
        self.update()

    def extents_px(self) -> tuple[np.ndarray, np.ndarray]:
        """Anchors (k, 3) and how far each text reaches from its anchor in pixels
        (k, 4: left, right, down, up), as ``paint`` places them, plus a little air."""
        fm = QFontMetricsF(self.font)
        air = 0.3 * fm.height()
        anchors, reach = [], []
        for xyz, text, _color, align in self.labels:
            w, h = fm.horizontalAdvance(text), fm.ascent()
            left = w if align & Qt.AlignmentFlag.AlignRight else (
                w / 2 if align & Qt.AlignmentFlag.AlignHCenter else 0.0)
            down = h if align & Qt.AlignmentFlag.AlignTop else (
                h / 2 if align & Qt.AlignmentFlag.AlignVCenter else 0.0)
            anchors.append(xyz)
            reach.append((left + air, w - left + air, down + fm.descent() + air, h - down + air))
        return np.array(anchors, float).reshape(-1, 3), np.array(reach, float).reshape(-1, 4)

    def paint(self) -> None:
        view = self.view()
        if not self.labels or view is None:
            return
        # renderToArray draws into its own framebuffer; QPainter would draw to the widget's
        if GL.glGetIntegerv(GL.GL_FRAMEBUFFER_BINDING) != view.defaultFramebufferObject():
            return
        rect = view.rect()
        to_px = QMatrix4x4()
        to_px.viewport(0, rect.height(), rect.width(), -rect.height())
        mvp = to_px * self.mvpMatrix()
        fm = QFontMetricsF(self.font)
        hidden = self._hidden(view)
        painter = QPainter(view)
        painter.setFont(self.font)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing
                               | QPainter.RenderHint.TextAntialiasing)
        placed: list[QRectF] = []
        self.drawn = []                               # what the last paint showed, where
        # titles (white) first: a tick label that would overlap one is left out
        order = sorted(range(len(self.labels)),
                       key=lambda i: self.labels[i][2] != self.title_color)
        for i in order:
            (x, y, z), text, color, align = self.labels[i]
            if hidden[i]:
                continue                       # behind the mountain: not drawn through it
            p = mvp.map(QVector3D(x, y, z))
            w, h = fm.horizontalAdvance(text), fm.ascent()
            dx = -w if align & Qt.AlignmentFlag.AlignRight else (
                -w / 2 if align & Qt.AlignmentFlag.AlignHCenter else 0.0)
            dy = h if align & Qt.AlignmentFlag.AlignTop else (
                h / 2 if align & Qt.AlignmentFlag.AlignVCenter else 0.0)
            box = QRectF(p.x() + dx, p.y() + dy - h, w, h + fm.descent())
            if any(box.intersects(other) for other in placed):
                continue
            placed.append(box)
            self.drawn.append((text, box))
            painter.setPen(color)
            painter.drawText(QPointF(p.x() + dx, p.y() + dy), text)
        painter.end()

    def _hidden(self, view) -> np.ndarray:
        """Which labels the surface hides from the eye (``occluder`` decides; none without)."""
        if self.occluder is None or not self.labels:
            return np.zeros(len(self.labels), bool)
        eye = view.cameraPosition()
        anchors = np.array([xyz for xyz, *_ in self.labels], float)
        return self.occluder(np.array([eye.x(), eye.y(), eye.z()]), anchors)
