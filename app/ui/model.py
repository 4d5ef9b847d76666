"""The window's model and controller: the current Scene, its compiled function, the walker's
Trajectory and where along it the walker is drawn.

Data flows one way: widgets call ``update``/``set_expression``/``play``…, the model validates,
recomputes what depends on the change and emits signals; views only listen.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal

from app.core.descent import StopReason, Trajectory
from app.core.expression import CompiledFunction, ExpressionError, compile_expression
from app.core.rules import Rule
from app.core.scene import Scene

FRAME_MS = 15                 # playback tick; the view repaints at most once per tick
SLOW_MS = 50                  # the docks (map, loss plot, curvature) follow at ≤ 20 Hz
_TRAJECTORY_FIELDS = {"start", "rule", "lr", "params", "max_steps", "gtol", "stop_outside",
                      "extra_walkers", "color"}
_SURFACE_FIELDS = {"resolution", "cmap", "exaggeration"}
_VIEW_FIELDS = {"resolution", "cmap", "exaggeration", "speed", "show_arrows", "wireframe"}


class Extruded:
    """A 1-D function shown as a 2-D sheet: f(x, y) = g(x), so the mesh code can draw it."""

    dim = 2

    def __init__(self, func: CompiledFunction) -> None:
        self.func = func

    def value(self, x, y=None) -> np.ndarray:
        v = self.func.value(np.asarray(x, float))
        return np.broadcast_to(v, np.broadcast(np.asarray(x), np.asarray(y)).shape).copy()

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(points, float)
        f, g = self.func.value_and_gradient(p[..., :1])
        return f, np.concatenate([g, np.zeros_like(g)], axis=-1)


def convert_dim(scene: Scene, dim: int) -> dict[str, Any]:
    """Changes that turn ``scene`` into a ``dim``-dimensional one (domain and start)."""
    if scene.dim == dim:
        return {}
    if dim == 1:
        return {"domain": scene.domain[:1], "start": scene.start[:1]}
    (x0, x1), = scene.domain
    return {"domain": ((x0, x1), (x0, x1)), "start": (scene.start[0], 0.5 * (x0 + x1))}


class SceneModel(QObject):
    scene_changed = Signal(object)        # Scene (every accepted change)
    surface_changed = Signal()            # function, domain, resolution, colours or scale
    trajectory_changed = Signal(object)   # Trajectory
    position_changed = Signal(float)      # fractional step index
    position_changed_slow = Signal(float)  # the same, at most ~20 Hz while playing (docks)
    expression_error = Signal(str, int)   # message, 0-based column or -1
    scene_error = Signal(str)             # any other rejected change ("" when cleared)
    playing_changed = Signal(bool)
    finished = Signal(object)             # StopReason, when the walker reaches its last step

    def __init__(self, scene: Scene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.func: CompiledFunction = scene.compile()
        self.trajectories: list[Trajectory] = scene.run_all(self.func)
        self.trajectory: Trajectory = self.trajectories[0]
        self.position = 0.0
        self.playing = False
        self._finished_sent = False
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_tick)
        self._clock = QElapsedTimer()
        self._slow_clock = QElapsedTimer()
        self._slow_clock.start()

    # ---- derived values the views read -------------------------------------------------
    @property
    def end(self) -> int:
        """The last step of the longest walk: all walkers advance in lock-step."""
        return max(len(t) for t in self.trajectories) - 1

    @property
    def step(self) -> int:
        return math.floor(self.position + 1e-9)

    @property
    def display_function(self):
        """What the surface is drawn from: the function, or its 1-D curve extruded along y."""
        return Extruded(self.func) if self.func.dim == 1 else self.func

    @property
    def display_domain(self) -> tuple[tuple[float, float], tuple[float, float]]:
        if self.scene.dim == 2:
            return self.scene.domain  # type: ignore[return-value]
        (x0, x1), = self.scene.domain
        w = 0.25 * (x1 - x0)
        return (x0, x1), (-w, w)

    def point_at(self, position: float | None = None, walker: int = 0) -> np.ndarray:
        """A walker's point (dim,) at a fractional step, on the straight segment between
        steps (a walker that has stopped stays where it stopped)."""
        p = self.position if position is None else position
        pts = self.trajectories[walker].points
        k = min(math.floor(p), len(pts) - 1)
        t = p - k
        if t <= 1e-9 or k >= len(pts) - 1:
            return pts[k].copy()
        return pts[k] + t * (pts[k + 1] - pts[k])

    def state_at(self, position: float | None = None) -> tuple[np.ndarray, float, np.ndarray]:
        """(point, f, ∇f) at a fractional step; NaN where f is undefined."""
        pt = self.point_at(position)
        with np.errstate(all="ignore"):
            f, g = self.func.value_and_gradient(pt.reshape(1, -1))
        return pt, float(np.asarray(f).reshape(-1)[0]), np.asarray(g, float).reshape(-1)

    # ---- changes -------------------------------------------------------------------------
    def set_scene(self, scene: Scene) -> bool:
        """Replace the whole scene (a preset, a remembered scene); False if it cannot compile."""
        try:
            func = compile_expression(scene.expression)
            scene = scene.replace(**convert_dim(scene, func.dim))
        except ExpressionError as e:
            self.expression_error.emit(e.message, -1 if e.column is None else int(e.column))
            return False
        except ValueError as e:
            self.scene_error.emit(str(e))
            return False
        self.func = func
        self._apply(scene, surface=True, trajectory=True)
        return True

    def set_expression(self, text: str) -> bool:
        """Compile ``text``; on success it becomes the scene's function, on failure the
        message goes out on ``expression_error`` and the last good function stays."""
        try:
            func = compile_expression(text)
        except ExpressionError as e:
            self.expression_error.emit(e.message, -1 if e.column is None else int(e.column))
            return False
        changes = {"expression": text, "preset": None, **convert_dim(self.scene, func.dim)}
        try:
            scene = self.scene.replace(**changes)
        except ValueError as e:
            self.scene_error.emit(str(e))
            return False
        self.func = func
        self.expression_error.emit("", -1)
        self._apply(scene, surface=True, trajectory=True)
        return True

    def load_preset(self, name: str) -> bool:
        keep = {k: getattr(self.scene, k) for k in _VIEW_FIELDS | {"max_steps"}}
        return self.set_scene(Scene.from_preset(name, **keep))

    def update(self, **changes: Any) -> bool:
        """Apply field changes (validated by Scene); False and ``scene_error`` if rejected."""
        if "rule" in changes:
            known = Rule.parse(changes["rule"]).defaults
            params = changes.get("params", self.scene.params)
            changes["params"] = tuple((k, v) for k, v in params if k in known)
        if "domain" in changes:
            changes.setdefault("preset", None)
        try:
            scene = self.scene.replace(**changes)
        except (ValueError, TypeError) as e:
            self.scene_error.emit(str(e))
            return False
        changed = {k for k in changes if getattr(scene, k) != getattr(self.scene, k)}
        if not changed:
            return True
        self._apply(scene, surface=bool(changed & (_SURFACE_FIELDS | {"domain"})),
                    trajectory=bool(changed & (_TRAJECTORY_FIELDS | {"domain"})))
        return True

    def _apply(self, scene: Scene, *, surface: bool, trajectory: bool) -> None:
        # update all state first, then tell the views: a listener may read any of it
        self.scene = scene
        if trajectory:
            self.pause()
            self.trajectories = scene.run_all(self.func)
            self.trajectory = self.trajectories[0]
            self.position = 0.0
            self._finished_sent = False
        self.scene_error.emit("")
        self.scene_changed.emit(scene)
        if surface:
            self.surface_changed.emit()
        if trajectory:
            self.trajectory_changed.emit(self.trajectory)
            self.position_changed.emit(self.position)
            if self.end == 0:
                self._announce_end()

    # ---- playback -------------------------------------------------------------------------
    def play(self) -> None:
        if self.playing:
            return
        if self.position >= self.end:
            if self.end == 0:
                self._announce_end(force=True)
                return
            self.seek(0.0)
        self.playing = True
        self._clock.start()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self._timer.stop()
        self.playing_changed.emit(False)
        self.position_changed_slow.emit(self.position)   # the docks catch up

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def step_forward(self) -> None:
        """One whole step (pauses playback)."""
        self.pause()
        if self.position >= self.end:
            self._announce_end(force=True)
            return
        self.seek(float(self.step + 1))

    def step_back(self) -> None:
        """Back to the previous whole step (pauses playback)."""
        self.pause()
        self.seek(float(max(0, math.ceil(self.position - 1e-9) - 1)))

    def set_walkers(self, walkers) -> bool:
        """Replace every walker (the first becomes the scene's own); False if rejected."""
        try:
            scene = self.scene.with_walkers(list(walkers))
        except (ValueError, TypeError) as e:
            self.scene_error.emit(str(e))
            return False
        self._apply(scene, surface=False, trajectory=True)
        return True

    def reset(self) -> None:
        self.pause()
        self.seek(0.0)

    def seek(self, position: float) -> None:
        p = min(max(0.0, float(position)), float(self.end))
        if p < self.end:
            self._finished_sent = False
        self.position = p
        self.position_changed.emit(p)
        if not self.playing or p >= self.end or self._slow_clock.elapsed() >= SLOW_MS:
            self._slow_clock.restart()
            self.position_changed_slow.emit(p)
        if p >= self.end:
            self._announce_end()

    def _on_tick(self) -> None:
        dt = min(self._clock.restart() / 1000.0, 0.25)
        target = self.position + self.scene.speed * dt
        if target >= self.end:
            self.pause()
        self.seek(target)

    def _announce_end(self, force: bool = False) -> None:
        self.pause()
        if force or not self._finished_sent:
            self._finished_sent = True
            self.finished.emit(self.trajectory.stop_reason)

    @property
    def stop_reason(self) -> StopReason:
        return self.trajectory.stop_reason
