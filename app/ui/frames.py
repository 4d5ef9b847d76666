"""Render a scene's animation as RGB frames, exactly as the window draws it.

A SceneModel + MountainView of its own, sized to the frame size, is stepped through the
fractional positions k·speed/fps (the walker glides between steps, trail included); the last
frame is held for ``hold`` seconds. The export writers (app/export) consume the iterator.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtGui import QImage

from app.core.scene import Scene

ORBIT_DEG_PER_S = 15.0


@dataclass(frozen=True, slots=True)
class AnimationSettings:
    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    speed: float | None = None      # steps per second; None: the scene's
    frames: int | None = None       # cap on the number of frames
    seconds: float | None = None    # cap on the length
    orbit: bool = False
    overlay: bool = True
    hold: float = 1.0               # seconds the last frame is held

    def frame_count(self, steps: int, speed: float) -> int:
        """Frames for the whole run plus the hold, capped by ``frames``/``seconds``."""
        n = math.ceil(steps / speed * self.fps) + 1 + round(self.hold * self.fps)
        if self.frames is not None:
            n = min(n, self.frames)
        if self.seconds is not None:
            n = min(n, max(1, round(self.seconds * self.fps)))
        return max(1, n)


def overlay_text(model) -> str:
    """Step, f, ‖∇f‖, the rule and η at the model's position."""
    _, f, g = model.state_at()
    s = model.scene
    return (f"step {model.step}   f = {f:.5g}   ‖∇f‖ = {float(np.linalg.norm(g)):.3g}   "
            f"{s.rule}  η = {s.lr:g}")


def _draw_overlay(rgba: np.ndarray, text: str) -> np.ndarray:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    h, w = rgba.shape[:2]
    buf = np.ascontiguousarray(rgba)
    img = QImage(buf.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
    p = QPainter(img)
    font = QFont()
    font.setPixelSize(max(12, h // 30))
    p.setFont(font)
    pad = font.pixelSize() // 2
    box = QRectF(pad, h - 2.2 * font.pixelSize() - pad, w - 2 * pad, 2.2 * font.pixelSize())
    p.fillRect(box, QColor(0, 0, 0, 150))
    p.setPen(QColor(240, 240, 240))
    p.drawText(box.adjusted(pad, 0, -pad, 0), Qt.AlignmentFlag.AlignVCenter, text)
    p.end()
    return buf


def _widget_rgba(widget) -> np.ndarray:
    """A plain (non-GL) widget as an (h, w, 4) RGBA array."""
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(),
                                                          img.bytesPerLine() // 4, 4)
    return arr[:, : img.width()].copy()


def render_animation(scene: Scene, settings: AnimationSettings = AnimationSettings(),
                     on_frame: Callable[[Any, Any], None] | None = None) -> Iterator[np.ndarray]:
    """Yield (h, w, 3) uint8 frames of ``scene``'s walk (a QApplication must exist).
    A 2-D function is drawn as the 3D mountain; a 1-D one as the explainer's picture, the
    curve with the walker, its tangent and slope. ``on_frame(view, model)`` is called after
    each frame (tests read the camera there)."""
    from PySide6.QtWidgets import QApplication

    from app.ui.app import wait_until
    from app.ui.contour_view import ContourView
    from app.ui.model import SceneModel
    from app.ui.view3d import MountainView
    from app.ui.walker_layer import WalkerLayer

    app = QApplication.instance()
    model = SceneModel(scene)
    one_d = model.func.dim == 1
    view = ContourView(model) if one_d else MountainView(model)
    layer = None if one_d else WalkerLayer(view, model)   # every walker, as in the window
    w, h = settings.size
    view.resize(w, h)
    view.setWindowTitle("Gradient Mountain — exporting")
    view.show()
    try:
        if not one_d and not wait_until(app, lambda: not view.busy and view.mesh is not None,
                                        120):
            raise RuntimeError(view.mesh_error or "the surface could not be drawn")
        app.processEvents()
        view.resize(w, h)
        if one_d:   # fit the curve's range to the final geometry, then let the layout settle
            view.update_surface()
            for _ in range(5):
                app.processEvents()
        else:
            view.reset_camera()
        speed = settings.speed or scene.speed
        total = settings.frame_count(model.end, speed)
        azimuth = 0.0 if one_d else float(view.opts["azimuth"])
        for i in range(total):
            model.seek(min(i * speed / settings.fps, float(model.end)))
            if settings.orbit and not one_d:
                view.setCameraPosition(azimuth=azimuth + ORBIT_DEG_PER_S * i / settings.fps)
            if one_d:
                rgba = _widget_rgba(view)
                if rgba.shape[:2] != (h, w):
                    raise RuntimeError(f"cannot draw a {w}×{h} frame on this screen")
            else:
                # the widget's own framebuffer carries the axis labels (drawn with QPainter);
                # an off-screen render at another size would lose them
                exact = (view.width(), view.height()) == (w, h) and view.devicePixelRatio() == 1
                rgba = view.render_array(None if exact else (w, h))
            if settings.overlay:
                rgba = _draw_overlay(rgba, overlay_text(model))
            if on_frame is not None:
                on_frame(view, model)
            yield np.ascontiguousarray(rgba[..., :3])
            app.processEvents()
    finally:
        if layer is not None:
            layer.dispose()
        view.dispose()
        view.close()
        view.deleteLater()
        app.processEvents()


def total_frames(scene: Scene, settings: AnimationSettings) -> int:
    """How many frames ``render_animation`` will yield (for progress bars)."""
    steps = scene.run().steps
    return settings.frame_count(steps, settings.speed or scene.speed)
