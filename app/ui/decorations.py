"""Geometry for what is drawn around the surface (ticks, arrows, wireframe, balls) and two
small GL items: labels painted in one pass, and a ball that is always drawn on top."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMatrix4x4, QPainter, QVector3D

from app.core.surface import LIGHT, SurfaceMesh

OPAQUE_NO_OFFSET = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
                    GL.GL_POLYGON_OFFSET_FILL: False}
# the surface is pushed back a little in depth so lines lying on it are not swallowed
SURFACE_OPTIONS = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
                   GL.GL_POLYGON_OFFSET_FILL: True, "glPolygonOffset": (2.0, 8.0)}


def forward_fill(z: np.ndarray, default: float = 0.0) -> np.ndarray:
    """Replace NaN by the last finite value before it (``default`` at the front)."""
    z = np.asarray(z, float).copy()
    ok = np.isfinite(z)
    if ok.all():
        return z
    if not ok.any():
        return np.full_like(z, default)
    idx = np.where(ok, np.arange(len(z)), 0)
    np.maximum.accumulate(idx, out=idx)
    out = z[idx]
    out[: np.argmax(ok)] = z[np.argmax(ok)]
    return out


def arrow_segments(func, mesh: SurfaceMesh, domain, n: int = 15, lift: float = 0.0
                   ) -> np.ndarray:
    """Line segments (2k, 3) of −∇f arrows on an n×n grid, lying on the surface in display
    coordinates: a shaft that follows f and two barbs at the tip. Length grows with ‖∇f‖."""
    (x0, x1), (y0, y1) = domain
    cx, cy = (x1 - x0) / n, (y1 - y0) / n
    gx, gy = np.meshgrid(x0 + cx * (np.arange(n) + 0.5), y0 + cy * (np.arange(n) + 0.5),
                         indexing="ij")
    p = np.stack([gx.ravel(), gy.ravel()], -1)
    with np.errstate(all="ignore"):
        f, g = func.value_and_gradient(p)
        norm = np.linalg.norm(g, axis=-1)
        ok = np.isfinite(f) & np.isfinite(norm) & (norm > 0)
        if not ok.any():
            return np.zeros((0, 3), np.float32)
        p, g, norm = p[ok], g[ok], norm[ok]
        ref = np.percentile(norm, 90) or 1.0
        length = 0.8 * min(cx, cy) * (0.3 + 0.7 * np.clip(norm / ref, 0, 1))
        d = -g / norm[:, None]
        tip = p + d * length[:, None]
        back = -d * (0.35 * length)[:, None]
        c, s = math.cos(0.45), math.sin(0.45)
        w1 = tip + np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], -1)
        w2 = tip + np.stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]], -1)
        mid = 0.5 * (p + tip)
        xy = np.stack([p, mid, mid, tip, tip, w1, tip, w2], 1).reshape(-1, 2)
        fz, _ = func.value_and_gradient(xy)
    z = mesh.vscale.to_display(fz) + lift
    seg = np.column_stack([xy, z]).reshape(-1, 2, 3)
    seg = seg[np.isfinite(seg).all(axis=(1, 2))]
    return seg.reshape(-1, 3).astype(np.float32)


def wireframe_segments(mesh: SurfaceMesh, lines: int = 40, lift: float = 0.0) -> np.ndarray:
    """Every k-th grid line of the mesh as segments (2m, 3), skipping holes."""
    nx, ny = len(mesh.xs), len(mesh.ys)
    v = mesh.vertices.reshape(nx, ny, 3).astype(np.float32)
    ok = np.isfinite(mesh.z)
    k = max(1, round(max(nx, ny) / lines))
    segs = []
    for rows, good in ((v[::k], ok[::k]), (v[:, ::k].swapaxes(0, 1), ok[:, ::k].T)):
        a, b = rows[:, :-1], rows[:, 1:]
        keep = good[:, :-1] & good[:, 1:]
        segs.append(np.stack([a[keep], b[keep]], 1))
    out = np.concatenate(segs).reshape(-1, 3)
    out[:, 2] += lift
    return out


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
        self.font.setPointSize(font_size)

    def set_labels(self, labels) -> None:
        self.labels = list(labels)
        self.update()

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
