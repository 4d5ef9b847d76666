"""Frames of a scene's animation, drawn exactly as the window draws them.

``FrameSource`` owns a SceneModel and a view of its own (the 3D mountain, or for a 1-D
function the explainer's curve picture), sized to the frame. Frame i shows the walkers at
``AnimationSettings.positions`` (they glide between steps, trails included); the number of
frames comes from ``animation_steps`` of the walks — the longest walker.

With a ``Sweep`` (``export --animate a=0.5:5``) frame i of n shows the mountain for
a_i = a_start + (a_stop − a_start)·i/(n − 1) and every walker re-run from its start on that
mountain, up to the frame's step (the timing is the walk's at a_start; a walk that ends
sooner stays where it stopped). The value is set the way a slider sets it,
``SceneModel.update(params=…)``, and the caption starts with "a = 1.23".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.core.animation import ORBIT_DEG_PER_S, AnimationSettings
from app.core.parameters import Sweep
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


def hide_off_screen(view) -> None:
    """Let ``view`` draw (GL needs a shown widget) without ever being a window on screen:
    never mapped (WA_DontShowOnScreen), and should a platform show it anyway, a frameless
    tool window that takes no focus and has no taskbar entry."""
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    view.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    view.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                        | Qt.WindowType.WindowDoesNotAcceptFocus)


class FrameSource:
    """Renders frames of ``scene``; call ``wait_ready`` (runs the event loop until the
    surface and the walks are in), then ``frame(i)`` for i < ``total``; ``close`` at the end."""

    def __init__(self, scene: Scene, settings: AnimationSettings,
                 sweep: Sweep | None = None) -> None:
        from app.ui.model import SceneModel

        self.scene, self.settings, self.sweep = scene, settings, sweep
        self.sweep_value: float | None = None   # the swept parameter's value on show
        self._steps: int | None = None          # a sweep's timeline: the walk at a_start
        if sweep is not None:
            scene.param(sweep.name)             # KeyError: the scene must declare it
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
        self.view.show_step_parts(settings.step_parts)
        hide_off_screen(self.view)
        self.view.show()
        self._expression_error = ""      # the function did not compile (e.g. a parameter)
        self.model.expression_error.connect(self._on_model_expression_error)
        self.model.start()
        self.walks: Walks | None = None
        self.model.walks_changed.connect(self._on_model_walks_changed)
        self._azimuth = 0.0
        self.position = 0.0
        self._formula_image: np.ndarray | None = None

    def _on_model_walks_changed(self, walks: Walks) -> None:
        self.walks = walks

    def _on_model_expression_error(self, message: str, _column: int) -> None:
        self._expression_error = message

    @property
    def ready(self) -> bool:
        drawn = self.view.picture is not None
        return self.model.ready and not self.model.busy and drawn

    def wait_ready(self, timeout: float = 120.0) -> None:
        from app.ui.application import wait_for

        signals = [self.model.busy_changed, self.model.walks_changed,
                   self.model.expression_error]
        if not wait_for(lambda: self.ready or bool(self._error()), signals, timeout):
            raise RuntimeError(self._error() or "the surface could not be drawn in time")
        if self._error():
            raise RuntimeError(self._error())
        w, h = self.view_pixels
        self.view.resize(w, h)
        if not self.one_d:
            self.view.apply_camera(self.scene.camera)
            self._azimuth = float(self.view.opts["azimuth"])
        if self.sweep is not None and self._steps is None:
            self._steps = self.model.end
            self.sweep_value = self.scene.param(self.sweep.name).value

    def _show_value(self, value: float, timeout: float = 120.0) -> None:
        """The swept parameter at ``value``: the model recomputes the surface and the walks
        (as for a slider) and this returns when they are drawn."""
        from app.ui.application import wait_for

        if self.sweep is None or value == self.sweep_value:
            return
        name = self.sweep.name
        params = [p.with_value(value) if p.name == name else p for p in self.model.scene.params]
        if not self.model.update(params=params):
            raise RuntimeError(f"cannot set {name} = {value:g}")
        self.sweep_value = value
        def done() -> bool:
            return (self.model.ready and not self.model.busy) or bool(self._error())

        signals = [self.model.busy_changed, self.model.walks_changed]
        if not wait_for(done, signals, timeout) or self._error():
            raise RuntimeError(self._error() or f"the surface for {name} = {value:g} could "
                               "not be drawn in time")

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
        """Why no frame can be drawn: the surface failed, or the function did not compile."""
        return getattr(self.view, "mesh_error", "") or self._expression_error

    @property
    def error(self) -> str:
        return self._error()

    @property
    def steps(self) -> int:
        """The last step of the animation's timeline (a sweep keeps its first walk's)."""
        return self.model.end if self._steps is None else self._steps

    @property
    def speed(self) -> float:
        return self.settings.fitted_speed(self.steps, self.scene.speed)

    @property
    def total(self) -> int:
        return self.settings.frame_count(self.steps, self.speed)

    def frame(self, i: int) -> np.ndarray:
        """Frame ``i`` as (h, w, 3) uint8."""
        return np.ascontiguousarray(self.frame_rgba(i)[..., :3])

    def frame_rgba(self, i: int) -> np.ndarray:
        """Frame ``i`` as (h, w, 4) uint8 (alpha 0 where the background is transparent)."""
        s, (w, h) = self.settings, self.view_pixels
        if self.sweep is not None:
            self._show_value(self.sweep.value_at(i, self.total))
        self.position = min(s.position(i, self.steps, self.speed), float(self.model.end))
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
                             formula=self._formula(font_px(fh, s.scale), t.text),
                             note=self._note())
            rgba = np.concatenate([rgba, band], axis=0)
        return np.ascontiguousarray(rgba)     # the readback is a bottom-up view, flipped

    def _note(self) -> str:
        """The caption's "a = 1.23" while a parameter is swept."""
        if self.sweep is None or self.sweep_value is None:
            return ""
        return self.sweep.label(self.sweep_value)

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
                     on_frame: Callable[[Any, Any], None] | None = None,
                     sweep: Sweep | None = None) -> Iterator[np.ndarray]:
    """Yield (h, w, 3) uint8 frames of ``scene``'s walk (a QApplication must exist), with
    ``sweep`` moving a parameter over them. ``on_frame(view, model)`` is called after each
    frame (tests read the camera there)."""
    source = FrameSource(scene, settings, sweep)
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
