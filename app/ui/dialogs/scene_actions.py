"""File → Save scene… / Open scene…: one validated JSON document per scene (the camera is
part of the scene; the export settings last used are saved with it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core.scene_file import LoadedScene, SceneFileError, load_scene, save_scene


def save_to(window, path: str | Path) -> Path:
    """Save the window's scene (atomic); raises SceneFileError."""
    return save_scene(path, window.model.scene, export=window.export_settings)


def open_from(window, path: str | Path) -> LoadedScene:
    """Load ``path`` into the window (its function compiles in the background); on
    SceneFileError nothing changes."""
    loaded = load_scene(path)
    window.model.set_scene(loaded.scene)
    window.export_settings = loaded.export
    return loaded


def _run_dialog(window, path: str, action, verb: str) -> None:
    """Apply ``action(window, path)``; a one-line message box on failure, else a status."""
    if not path:
        return
    try:
        action(window, path)
    except (SceneFileError, OSError) as e:
        QMessageBox.warning(window, f"Could not {verb.lower()}", str(e))
        return
    window.statusBar().showMessage(f"{verb}d {path}" if verb.endswith("e") else
                                   f"{verb}ed {path}", 5000)


def save_dialog(window) -> None:
    path, _ = QFileDialog.getSaveFileName(window, "Save scene", "scene.json",
                                          "Gradient Mountain scene (*.json)")
    _run_dialog(window, path, save_to, "Save")


def open_dialog(window) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open scene", "",
                                          "Gradient Mountain scene (*.json);;All files (*)")
    _run_dialog(window, path, open_from, "Open")
