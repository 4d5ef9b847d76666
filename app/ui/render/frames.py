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
from app.ui.render.caption import band_height, draw_band, font_px
from app.ui.views.theme import theme


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

        self.scene, self.settings = scene, settings
        self.model = SceneModel(scene)
        self.one_d = scene.dim == 1
        if self.one_d:             # imported only when needed (the map costs ~0.2 s)
            from app.ui.views.map_view import MapView

            self.view: Any = MapView()
        else:
            from app.ui.views.view3d import EXPORT_SAMPLES, MountainView

            self.view = MountainView(samples=EXPORT_SAMPLES)
        self.view.connect_model(self.model)
        w, h = self.view_pixels
        self.view.setMinimumSize(1, 1)       # small frames too (the window's view has a minimum)
        self.view.resize(w, h)
        if self.one_d:
            self.view.legend.setVisible(False)      # the caption band has the legend
        else:
            self.view.set_scale(settings.scale)
            self.view.set_transparent(settings.transparent)
            # the legend is in the caption band; the colour bar stays beside the mountain
            self.view.show_overlays(legend=False, colorbar=settings.overlay)
        # drawn off-screen: no stray window while exporting
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.view.show()
        self.model.start()
        self.walks: Walks | None = None
        self.model.walks_changed.connect(self._on_model_walks_changed)
        self._azimuth = 0.0
        self.position = 0.0
        self._formula_image: np.ndarray | None = None

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
        w, h = self.view_pixels
        self.view.resize(w, h)
        if not self.one_d:
            self.view.apply_camera(self.scene.camera)
            self._azimuth = float(self.view.opts["azimuth"])

    @property
    def band(self) -> int:
        """Pixels of the caption band under the picture (0 without the overlay)."""
        s = self.settings
        return band_height(s.size, s.scale, len(self.scene.walkers)) if s.overlay else 0

    @property
    def view_pixels(self) -> tuple[int, int]:
        """The picture's own size: the frame less the caption band."""
        w, h = self.settings.pixels
        return w, max(16, h - self.band)

    def _error(self) -> str:
        return getattr(self.view, "mesh_error", "")

    @property
    def speed(self) -> float:
        return self.settings.fitted_speed(self.model.end, self.scene.speed)

    @property
    def total(self) -> int:
        return self.settings.frame_count(self.model.end, self.speed)

    def frame(self, i: int) -> np.ndarray:
        """Frame ``i`` as (h, w, 3) uint8."""
        return np.ascontiguousarray(self.frame_rgba(i)[..., :3])

    def frame_rgba(self, i: int) -> np.ndarray:
        """Frame ``i`` as (h, w, 4) uint8 (alpha 0 where the background is transparent)."""
        s, (w, h) = self.settings, self.view_pixels
        self.position = s.position(i, self.model.end, self.speed)
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
            if self.view.updatesEnabled():
                # each frame is painted once, here: the event loop (the window's export runs
                # one between frames) must not paint the view again for the seek's update()
                self.view.setUpdatesEnabled(False)
            rgba = self.view.render_array(None if exact else (w, h))
        if s.overlay and self.walks is not None:
            fw, fh = s.pixels
            t = theme(self.scene.theme)
            bg = (0, 0, 0, 0) if s.transparent else (*t.background, 255)
            band = draw_band(fw, fh - h, self.walks, self.position, px=font_px(fh, s.scale),
                             background=bg, ink=t.qcolor(t.text), dim_ink=t.qcolor(t.dim),
                             formula=self._formula(font_px(fh, s.scale), t.text))
            rgba = np.concatenate([rgba, band], axis=0)
        return np.ascontiguousarray(rgba)     # the readback is a bottom-up view, flipped

    def _formula(self, px: int, color: tuple[int, int, int]) -> np.ndarray | None:
        """f typeset for the caption (once per export), or None."""
        if not self.settings.show_function or self.walks is None:
            return None
        if self._formula_image is None:
            from app.core.math_text import latex_of_function, render_math

            try:
                tex = latex_of_function(self.walks.func)
                self._formula_image = render_math(tex, fontsize=0.95 * px, color=color, dpi=72)
            except ValueError:
                self._formula_image = np.zeros((0, 0, 4), np.uint8)
        return self._formula_image

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
    return settings.frame_count(steps, settings.fitted_speed(steps, scene.speed))
