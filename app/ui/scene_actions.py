"""File → Save scene… / Open scene…: one validated JSON document per scene."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core.scene_file import LoadedScene, SceneFileError, load_scene, save_scene


def camera_of(view) -> dict:
    c = view.opts["center"]
    return {"distance": float(view.opts["distance"]), "elevation": float(view.opts["elevation"]),
            "azimuth": float(view.opts["azimuth"]), "center": [c.x(), c.y(), c.z()]}


def save_to(window, path: str | Path) -> Path:
    """Save the window's scene and camera (atomic); raises SceneFileError."""
    return save_scene(path, window.model.scene, camera=camera_of(window.view))


def open_from(window, path: str | Path) -> LoadedScene:
    """Load ``path`` into the window; on SceneFileError nothing changes."""
    loaded = load_scene(path)
    if not window.model.set_scene(loaded.scene):
        raise SceneFileError("the scene could not be shown")
    return loaded


def save_dialog(window) -> None:
    path, _ = QFileDialog.getSaveFileName(window, "Save scene", "scene.json",
                                          "Gradient Mountain scene (*.json)")
    if not path:
        return
    try:
        save_to(window, path)
    except (SceneFileError, OSError) as e:
        QMessageBox.warning(window, "Could not save", str(e))
        return
    window.statusBar().showMessage(f"Saved {path}", 5000)


def open_dialog(window) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open scene", "",
                                          "Gradient Mountain scene (*.json);;All files (*)")
    if not path:
        return
    try:
        open_from(window, path)
    except (SceneFileError, OSError) as e:
        QMessageBox.warning(window, "Could not open", str(e))
        return
    window.statusBar().showMessage(f"Opened {path}", 5000)
