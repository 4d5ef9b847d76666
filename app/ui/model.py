"""The window's model: the Scene, its revision, the compiled function, every walker's walk,
the playback position and the selected walker. The one Qt object that holds state.

Values flow one way: widgets call ``set_expression``/``update``/``update_walker``/``seek``…;
the model validates, bumps the revision, runs the heavy work on its ``Workers`` and emits
*values* (Scene, Walks, SurfacePicture, MapPicture, positions). Views keep what they were
sent and never read the model back. A result computed for an older revision is dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from app.core.expression import CompiledFunction, ExpressionError
from app.core.scene import Camera, Scene
from app.core.walks import Walks
from app.ui import jobs
from app.ui.playback import Playback
from app.ui.undo import UndoRedo
from app.ui.workers import Workers

_WALK_FIELDS = {"walkers", "max_steps", "gtol", "stop_outside", "domain", "params"}
_SURFACE_FIELDS = {"resolution", "cmap", "exaggeration", "domain", "params"}
QUICK_RESOLUTION = 120     # the coarse mountain shown first after an edit of f at a fine mesh
_MAP_FIELDS = {"cmap", "domain"}
_FUNCTION_FIELDS = {"expression", "domain", "params"}


class SceneModel(Playback, UndoRedo, QObject):
    scene_changed = Signal(object)        # Scene (every accepted change)
    function_changed = Signal(object)     # CompiledFunction (a new function is in place)
    walks_changed = Signal(object)        # Walks: every walker's trajectory
    surface_changed = Signal(object)      # SurfacePicture (mesh, wireframe, arrows)
    map_changed = Signal(object)          # MapPicture (heat map and iso-lines, or the curve)
    basins_changed = Signal(object)       # BasinMap for the map's overlay, or None
    position_changed = Signal(float)      # fractional step index
    position_changed_slow = Signal(float)  # the same, at most ~20 Hz while playing (docks)
    selection_changed = Signal(int)       # the walker the panel edits and the readouts follow
    preview_changed = Signal(object)      # the path from a start being picked, or None
    curvature_changed = Signal(str, bool)  # readout at the selected walker, and "overshoots"
    curvature_axes = Signal(object)       # CurvatureAxes at the selected walker, or None
    expression_error = Signal(str, int)   # message, 0-based column or -1 ("" clears it)
    parameter_offered = Signal(str)       # an unknown name that could be a parameter ("": none)
    scene_error = Signal(str)             # any other rejected change ("" when cleared)
    surface_error = Signal(str)           # the surface could not be drawn
    playing_changed = Signal(bool)
    finished = Signal(object)             # Walks, when playback reaches the last step
    busy_changed = Signal(bool)           # background work running
    progress = Signal(str, int, int)      # job kind, done, total (basins)
    history_changed = Signal(bool, bool)  # can undo, can redo

    def __init__(self, scene: Scene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene.validate()
        self.revision = 0
        self.func: CompiledFunction | None = None
        self.walks: Walks | None = None
        self.position = 0.0
        self.playing = False
        self.selected = 0
        self._curvature_for: set[str] = set()   # who shows curvature (panel, axes …)
        self._want: dict[str, Any] = {}          # the key each kind's result must carry
        self._tickets = 0
        self._finished_sent = False
        self._init_undo()
        self.workers = Workers(self)
        self.workers.finished.connect(self._on_workers_finished)
        self.workers.failed.connect(self._on_workers_failed)
        self.workers.partial.connect(self._on_workers_partial)
        self.workers.busy_changed.connect(self.busy_changed)
        self.workers.progress.connect(self.progress)
        self._init_playback()

    # ---- reading ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.workers.busy

    @property
    def ready(self) -> bool:
        """True once the function is compiled and every walk asked for is in."""
        return self.walks is not None and not ({"compile", "walks"} & set(self._want))

    # ---- starting ---------------------------------------------------------------------------
    def start(self) -> None:
        """Compile the scene's function and compute everything (in the background)."""
        self._compile(self.scene, kind_of_change="scene")

    def shutdown(self) -> None:
        self.pause()
        self.workers.shutdown()

    # ---- changes ------------------------------------------------------------------------------
    def set_scene(self, scene: Scene) -> None:
        """Replace the whole scene (a preset, a file); its function compiles in the background
        and the scene takes effect when it has (an error goes to ``expression_error``)."""
        try:
            scene = scene.validate()
        except ValueError as e:
            self.scene_error.emit(str(e))
            return
        self._compile(scene, kind_of_change="scene")

    def set_expression(self, text: str) -> None:
        """Compile ``text`` in the background; on success it becomes the scene's function, on
        failure the message goes out on ``expression_error`` and the last good one stays."""
        self._compile(self.scene, kind_of_change="expression", text=text)

    def declare_parameter(self, name: str, text: str | None = None) -> None:
        """Make ``name`` a parameter (value 1, a slider from 0 to 2) and compile ``text``
        (the expression being typed) with it — the one-click answer to 'unknown name'."""
        try:
            scene = self.scene.declare_param(name, 1.0)
        except ValueError as e:
            self.scene_error.emit(str(e))
            return
        self._compile(scene, kind_of_change="expression",
                      text=self.scene.expression if text is None else text)

    def set_parameter(self, name: str, value: float) -> bool:
        """Move parameter ``name`` to ``value`` (a slider): only a rebind, then the pictures."""
        try:
            params = self.scene.with_param_values(**{name: value}).params
        except ValueError as e:
            self.scene_error.emit(str(e))
            return False
        return self.update(params=params)

    def load_preset(self, name: str) -> None:
        keep = {k: getattr(self.scene, k) for k in
                ("resolution", "cmap", "exaggeration", "speed", "show_arrows", "wireframe",
                 "max_steps")}
        try:
            scene = Scene.from_preset(name, **keep)
        except ValueError as e:
            self.scene_error.emit(str(e))
            return
        self.set_scene(scene)

    def update(self, **changes: Any) -> bool:
        """Apply scene field changes (validated by Scene); False and ``scene_error`` if not."""
        if "domain" in changes:
            changes.setdefault("preset", None)
        try:
            scene = self.scene.replace(**changes)
        except (ValueError, TypeError) as e:
            self.scene_error.emit(str(e))
            return False
        changed = {k for k in changes if getattr(scene, k) != getattr(self.scene, k)}
        if changed:
            self._apply(scene, changed)
        else:
            self.scene_error.emit("")
        return True

    def update_walker(self, index: int, **changes: Any) -> bool:
        """Change walker ``index`` (rule, lr, params, start, color)."""
        try:
            walker = self.scene.walkers[index].replace(**changes)
        except (ValueError, TypeError, IndexError) as e:
            self.scene_error.emit(str(e))
            return False
        walkers = list(self.scene.walkers)
        walkers[index] = walker
        return self.set_walkers(walkers)

    def set_walkers(self, walkers) -> bool:
        """Replace every walker; False (and ``scene_error``) if rejected."""
        ok = self.update(walkers=tuple(walkers))
        if ok and self.selected >= len(self.scene.walkers):
            self.select(len(self.scene.walkers) - 1)
        return ok

    def move_start(self, start: tuple[float, ...]) -> bool:
        """The selected walker (and those sharing its start) start at ``start``; rewinds."""
        try:
            scene = self.scene.move_start(self.selected, start)
        except (ValueError, TypeError) as e:
            self.scene_error.emit(str(e))
            return False
        if scene.walkers != self.scene.walkers:
            self._apply(scene, {"walkers"})
        else:
            self.reset()
        return True

    def set_camera(self, camera: Camera | None) -> None:
        """The view's camera, kept in the scene (saved with it); nothing is recomputed."""
        if camera != self.scene.camera:
            self.scene = self.scene.replace(camera=camera)
            self.scene_changed.emit(self.scene)

    def select(self, index: int) -> None:
        index = max(0, min(int(index), len(self.scene.walkers) - 1))
        if index != self.selected:
            self.selected = index
            self.selection_changed.emit(index)
            self._request_curvature()

    @property
    def curvature_wanted(self) -> bool:
        return bool(self._curvature_for)

    def want_curvature(self, on: bool, who: str = "panel") -> None:
        """Something shows curvature (the Hessian is computed only while something does)."""
        if on:
            self._curvature_for.add(who)
        else:
            self._curvature_for.discard(who)
        self._request_curvature()

    def compare_optimisers(self) -> None:
        """Gradient, momentum and Adam from the selected walker's start (η chosen from the
        curvature there, in the background)."""
        if self.func is not None:
            self._submit("compare", jobs.compare_walkers, self.scene, self.func, self.selected)

    # ---- picking a start --------------------------------------------------------------------
    def preview_start(self, start: tuple[float, ...]) -> None:
        """The selected walker's whole path from ``start``, computed in the background and
        sent on ``preview_changed``."""
        if self.func is None:
            return
        walker = self.scene.walkers[self.selected].replace(start=tuple(start))
        self._submit("preview", jobs.preview_walk, walker, self.scene, self.func)

    def end_preview(self, start: tuple[float, ...] | None) -> None:
        """Stop previewing; with a ``start``, move the selected walker there."""
        self.workers.cancel("preview")
        self._want.pop("preview", None)
        self.preview_changed.emit(None)
        if start is not None:
            self.move_start(start)

    # ---- basins -------------------------------------------------------------------------------
    def run_basins(self, resolution: int) -> None:
        """Basins of attraction of the selected walker's rule (progress on ``progress``,
        the result on ``basins_changed``; dropped if the function changes meanwhile)."""
        if self.func is None:
            return
        w = self.scene.walkers[self.selected]
        self._submit("basins", jobs.basins, self.func, self.scene, w, resolution,
                     with_progress=True)

    def cancel_basins(self) -> None:
        self.workers.cancel("basins")
        self._want.pop("basins", None)

    def clear_basins(self) -> None:
        self.basins_changed.emit(None)

    # ---- internals ----------------------------------------------------------------------------
    def _submit(self, kind: str, fn, *args, with_progress: bool = False) -> None:
        self._tickets += 1
        key = (self.revision, self._tickets)
        self._want[kind] = key
        self.workers.submit(kind, key, fn, *args, with_progress=with_progress)

    def _compile(self, scene: Scene, *, kind_of_change: str, text: str | None = None) -> None:
        text = scene.expression if text is None else text
        key = (kind_of_change, text, scene)
        self._want["compile"] = key
        self.workers.submit("compile", key, jobs.compile_text, text, scene.param_values)

    def _on_compiled(self, key, func: CompiledFunction | ExpressionError) -> None:
        kind_of_change, text, scene = key
        if isinstance(func, ExpressionError):
            self.expression_error.emit(func.message, -1 if func.column is None
                                       else int(func.column))
            self.parameter_offered.emit(getattr(func, "parameter", None) or "")
            return
        self.parameter_offered.emit("")
        if kind_of_change == "expression" and text == self.scene.expression:
            self.expression_error.emit("", -1)     # typed back to the mountain shown
            return
        try:
            if kind_of_change == "expression":     # (with the parameters it compiled with)
                scene = self.scene.replace(expression=text, preset=None, params=scene.params)
            scene = scene.to_dim(func.dim)
        except ValueError as e:
            self.scene_error.emit(str(e))
            return
        self.func = func
        self.expression_error.emit("", -1)
        whole = kind_of_change in ("scene", "history")
        if whole:
            self.selected = min(self.selected, len(scene.walkers) - 1)
        self.function_changed.emit(func)
        self._restoring = kind_of_change == "history"
        try:
            self._apply(scene, _FUNCTION_FIELDS | _WALK_FIELDS | _SURFACE_FIELDS,
                        "expression" if kind_of_change == "expression" else "")
        finally:
            self._restoring = False
        if whole:
            self.selection_changed.emit(self.selected)

    def _apply(self, scene: Scene, changed: set[str], kind: str | None = None) -> None:
        """Take ``scene`` (one undo entry, merged with the last one when ``kind`` says it is
        the same gesture); recompute in the background what depends on ``changed``."""
        self.scene = scene
        reselect = self.selected >= len(scene.walkers)    # (an undo took walkers away)
        if reselect:
            self.selected = len(scene.walkers) - 1
        if "params" in changed and self.func is not None:
            func = self.func.with_params(scene.param_values)     # microseconds: a rebind
            if func is not self.func:
                self.func = func
                self.function_changed.emit(func)
        self._record(scene, changed, kind)
        self.revision += 1
        self.scene_error.emit("")
        self.scene_changed.emit(scene)
        if reselect:
            self.selection_changed.emit(self.selected)
        if self.func is None:
            return
        if changed & _FUNCTION_FIELDS:
            self.cancel_basins()
            self.basins_changed.emit(None)
        if changed & _SURFACE_FIELDS:
            if scene.resolution > QUICK_RESOLUTION and changed & {"expression", "params"}:
                # a fine mesh takes ~0.2 s to build and draw: a coarse one shows the new
                # mountain at once (the fine one replaces it when it comes)
                self._submit("surface_quick", jobs.surface, self.func,
                             scene.replace(resolution=QUICK_RESOLUTION))
            self._submit("surface", jobs.surface, self.func, scene)
        if changed & _WALK_FIELDS:
            self.pause()
            self._submit("walks", jobs.walks, scene, self.func, self.revision,
                         with_progress=True)
        if changed & (_MAP_FIELDS | _FUNCTION_FIELDS):
            self._submit("map", jobs.map_picture, self.func, scene)

    def _on_workers_finished(self, kind: str, key, result) -> None:
        if self._want.get(kind) != key:
            return                                  # stale: computed for an older request
        del self._want[kind]
        if kind == "compile":
            self._on_compiled(key, result)
        elif kind == "walks":
            self._on_walks(result)
        elif kind == "surface":
            self._want.pop("surface_quick", None)      # (too late: the fine one is here)
            self.surface_changed.emit(result)
        elif kind == "surface_quick":
            self.surface_changed.emit(result)
        elif kind == "map":
            self.map_changed.emit(result)
        elif kind == "preview":
            self.preview_changed.emit(result)
        elif kind == "curvature":
            text, warn, axes = result
            self.curvature_changed.emit(text, warn)
            self.curvature_axes.emit(axes)
        elif kind == "basins":
            self.basins_changed.emit(result)
        elif kind == "compare":
            self.set_walkers(result)
            self.select(0)

    def _on_workers_partial(self, kind: str, key, result) -> None:
        if kind == "walks" and self._want.get(kind) == key:
            self._on_walks(result)                  # the first steps of long walks

    def _on_workers_failed(self, kind: str, key, message: str) -> None:
        if self._want.get(kind) != key:
            return
        del self._want[kind]
        if kind == "compile":
            self.expression_error.emit(message, -1)
        elif kind == "surface":
            self.surface_error.emit(message)
        elif kind == "curvature":
            self.curvature_changed.emit(f"curvature: {message}", False)
        else:
            self.scene_error.emit(f"{kind}: {message}")

    def _on_walks(self, walks: Walks | None) -> None:
        if walks is None:
            return
        longer = self.walks is not None and self.walks.revision == walks.revision
        self.walks = walks
        if not longer:                  # new walks start at 0; more of the same walks go on
            self.position = 0.0
            self._finished_sent = False
        self.walks_changed.emit(walks)
        self.position_changed.emit(self.position)
        self.position_changed_slow.emit(self.position)
        self._request_curvature()
        if walks.end == 0 and walks.complete:
            self._announce_end()

    def _request_curvature(self) -> None:
        if not self.curvature_wanted or self.walks is None or self.selected >= len(self.walks):
            return                   # (new walks are on their way: asked again when they come)
        pt = self.walks.point_at(self.position, self.selected)
        w = self.scene.walkers[self.selected]
        self._submit("curvature", jobs.curvature_readout, self.walks.func, pt, w.rule, w.lr,
                     dict(w.params))

