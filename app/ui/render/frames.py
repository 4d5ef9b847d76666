"""Frames of a scene's animation, drawn exactly as the window draws them.

``FrameSource`` owns a SceneModel and a view of its own (the 3D mountain, or for a 1-D
function the explainer's curve picture), sized to the frame. Frame i shows the walkers at
``AnimationSettings.positions`` (they glide between steps, trails included); the number of
frames comes from ``animation_steps`` of the walks — the longest walker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.core.animation import ORBIT_DEG_PER_S, AnimationSettings
from app.core.scene import Scene
from app.core.walks import Walks, animation_steps


def overlay_text(walks: Walks, position: float, walker: int = 0) -> str:
    """Step, f, ‖∇f‖, the rule and η of a walker at ``position``."""
    _, f, g = walks.state_at(position, walker)
    w = walks.scene.walkers[walker]
    norm = float(np.hypot.reduce(g))           # no overflow warning for huge slopes
    return (f"step {walks.step_at(position)}   f = {f:.5g}   "
            f"‖∇f‖ = {norm:.3g}   {w.rule}  η = {w.lr:g}")


def draw_overlay(rgba: np.ndarray, text: str, scale: int = 1) -> np.ndarray:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QFont, QPainter

    h, w = rgba.shape[:2]
    buf = np.ascontiguousarray(rgba)
    img = QImage(buf.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
    p = QPainter(img)
    font = QFont()
    font.setPixelSize(max(12, h // scale // 30) * scale)   # N× the pixels, the same layout
    p.setFont(font)
    pad = font.pixelSize() // 2
    box = QRectF(pad, h - 2.2 * font.pixelSize() - pad, w - 2 * pad, 2.2 * font.pixelSize())
    p.fillRect(box, QColor(0, 0, 0, 150))
    p.setPen(QColor(240, 240, 240))
    p.drawText(box.adjusted(pad, 0, -pad, 0), Qt.AlignmentFlag.AlignVCenter, text)
    p.end()
    return buf


def widget_rgba(widget) -> np.ndarray:
    """A plain (non-GL) widget as an (h, w, 4) RGBA array."""
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(),
                                                          img.bytesPerLine() // 4, 4)
    return arr[:, : img.width()].copy()


class FrameSource:
    """Renders frames of ``scene``; call ``wait_ready`` (runs the event loop until the
    surface and the walks are in), then ``frame(i)`` for i < ``total``; ``close`` at the end."""

    def __init__(self, scene: Scene, settings: AnimationSettings) -> None:
        from app.ui.model import SceneModel
        from app.ui.views.map_view import MapView
        from app.ui.views.view3d import MountainView

        self.scene, self.settings = scene, settings
        self.model = SceneModel(scene)
        self.one_d = scene.dim == 1
        self.view: Any = MapView() if self.one_d else MountainView()
        self.view.connect_model(self.model)
        w, h = settings.pixels
        self.view.setMinimumSize(1, 1)       # small frames too (the window's view has a minimum)
        self.view.resize(w, h)
        if not self.one_d:
            self.view.set_scale(settings.scale)
            self.view.set_transparent(settings.transparent)
        # drawn off-screen: no stray window while exporting
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.view.show()
        self.model.start()
        self.walks: Walks | None = None
        self.model.walks_changed.connect(self._on_model_walks_changed)
        self._azimuth = 0.0
        self.position = 0.0

    def _on_model_walks_changed(self, walks: Walks) -> None:
        self.walks = walks

    @property
    def ready(self) -> bool:
        drawn = self.view.picture is not None
        return self.model.ready and not self.model.busy and drawn

    def wait_ready(self, timeout: float = 120.0) -> None:
        from app.ui.application import wait_for

        signals = [self.model.busy_changed, self.model.walks_changed]
        if not wait_for(lambda: self.ready or bool(self._error()), signals, timeout):
            raise RuntimeError(self._error() or "the surface could not be drawn in time")
        if self._error():
            raise RuntimeError(self._error())
        w, h = self.settings.pixels
        self.view.resize(w, h)
        if not self.one_d:
            self.view.apply_camera(self.scene.camera)
            self._azimuth = float(self.view.opts["azimuth"])

    def _error(self) -> str:
        return getattr(self.view, "mesh_error", "")

    @property
    def speed(self) -> float:
        return self.settings.speed or self.scene.speed

    @property
    def total(self) -> int:
        return self.settings.frame_count(self.model.end, self.speed)

    def frame(self, i: int) -> np.ndarray:
        """Frame ``i`` as (h, w, 3) uint8."""
        return np.ascontiguousarray(self.frame_rgba(i)[..., :3])

    def frame_rgba(self, i: int) -> np.ndarray:
        """Frame ``i`` as (h, w, 4) uint8 (alpha 0 where the background is transparent)."""
        s, (w, h) = self.settings, self.settings.pixels
        self.position = min(i * self.speed / s.fps, float(self.model.end))
        self.model.seek(self.position)
        if self.one_d:
            rgba = widget_rgba(self.view)
            if rgba.shape[:2] != (h, w):
                raise RuntimeError(f"cannot draw a {w}×{h} frame on this screen")
        else:
            if s.orbit:
                self.view.setCameraPosition(azimuth=self._azimuth + ORBIT_DEG_PER_S * i / s.fps)
            # the widget's own framebuffer carries the axis labels (drawn with QPainter);
            # an off-screen render at another size would lose them
            exact = (self.view.width(), self.view.height()) == (w, h) \
                and self.view.devicePixelRatio() == 1
            rgba = self.view.render_array(None if exact else (w, h))
        if s.overlay and self.walks is not None:
            rgba = draw_overlay(rgba, overlay_text(self.walks, self.position), s.scale)
        return rgba

    def close(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

        self.model.shutdown()
        self.view.dispose()
        self.view.close()
        self.view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


DEFAULT_SETTINGS = AnimationSettings()


def render_animation(scene: Scene, settings: AnimationSettings = DEFAULT_SETTINGS,
                     on_frame: Callable[[Any, Any], None] | None = None) -> Iterator[np.ndarray]:
    """Yield (h, w, 3) uint8 frames of ``scene``'s walk (a QApplication must exist).
    ``on_frame(view, model)`` is called after each frame (tests read the camera there)."""
    source = FrameSource(scene, settings)
    try:
        source.wait_ready()
        for i in range(source.total):
            frame = source.frame(i)
            if on_frame is not None:
                on_frame(source.view, source.model)
            yield frame
    finally:
        source.close()


def total_frames(scene: Scene, settings: AnimationSettings) -> int:
    """How many frames an export of ``scene`` has (every walker, the longest one decides)."""
    steps = animation_steps(scene.run_all())
    return settings.frame_count(steps, settings.speed or scene.speed)
