"""Undo and redo of the model's scene edits (a mixin of SceneModel): every accepted change is
recorded in a ``History`` of frozen scenes (without the camera, which undo leaves alone);
edits of one kind in quick succession are one gesture, so one Ctrl+Z undoes one gesture."""

from __future__ import annotations

from typing import Any

from app.core.history import History
from app.core.scene import Scene

# every field a restored scene may change (the camera is not one: it stays where it is)
ALL_FIELDS = {"walkers", "max_steps", "gtol", "stop_outside", "domain", "params", "resolution",
              "cmap", "exaggeration", "expression", "preset", "speed", "show_arrows",
              "wireframe", "theme"}


class UndoRedo:
    scene: Scene
    history_changed: Any

    def _init_undo(self) -> None:
        self._restoring = False
        self.history: History[Scene] = History(self.scene.replace(camera=None))

    def _compile(self, scene: Scene, *, kind_of_change: str, text: str | None = None) -> None:
        raise NotImplementedError          # the model's; here for the type checker

    def _apply(self, scene: Scene, changed: set[str], kind: str | None = None) -> None:
        raise NotImplementedError          # the model's

    def undo(self) -> None:
        """Back to the scene before the last edit (the camera stays where it is)."""
        self._restore(self.history.undo())

    def redo(self) -> None:
        self._restore(self.history.redo())

    def _restore(self, scene: Scene | None) -> None:
        if scene is None:
            return
        scene = scene.replace(camera=self.scene.camera)
        if scene.expression != self.scene.expression:
            self._compile(scene, kind_of_change="history")
            return
        self._restoring = True
        try:
            self._apply(scene, {k for k in ALL_FIELDS
                                if getattr(scene, k) != getattr(self.scene, k)})
        finally:
            self._restoring = False

    def _record(self, scene: Scene, changed: set[str], kind: str | None) -> None:
        if not self._restoring:
            self.history.record(scene.replace(camera=None),
                                ",".join(sorted(changed)) if kind is None else kind)
        self.history_changed.emit(self.history.can_undo, self.history.can_redo)
