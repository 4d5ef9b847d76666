"""GL helpers for what is drawn around the surface: lit balls, GL option sets, and two small
GL items: labels painted in one pass, and a mesh that is always drawn on top."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMatrix4x4, QPainter, QVector3D

from app.core.surface import LIGHT

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
        painter = QPainter(view)
        painter.setFont(self.font)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing
                               | QPainter.RenderHint.TextAntialiasing)
        for (x, y, z), text, color, align in self.labels:
            p = mvp.map(QVector3D(x, y, z))
            w, h = fm.horizontalAdvance(text), fm.ascent()
            dx = -w if align & Qt.AlignmentFlag.AlignRight else (
                -w / 2 if align & Qt.AlignmentFlag.AlignHCenter else 0.0)
            dy = h if align & Qt.AlignmentFlag.AlignTop else (
                h / 2 if align & Qt.AlignmentFlag.AlignVCenter else 0.0)
            painter.setPen(color)
            painter.drawText(QPointF(p.x() + dx, p.y() + dy), text)
        painter.end()
