"""File → Save scene… / Open scene… / Recent scenes: one validated JSON document per scene
(the camera is part of the scene; the export settings last used are saved with it). Every
scene opened or saved goes first in the recent list (QSettings "recent_scenes"); the
dialogs start in the folder used last ("scene_folder")."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMenu, QMessageBox

from app.core.scene_file import LoadedScene, SceneFileError, load_scene, save_scene
from app.ui.dialogs.fields import ask_path
from app.ui.settings import (
    clear_recent_scenes,
    push_recent_scene,
    recent_scenes,
    remembered_folder,
    write_settings,
)

FOLDER_KEY = "scene_folder"
FILTERS = "Gradient Mountain scene (*.json);;All files (*)"


def _remember(path: str | Path) -> None:
    """``path`` goes first in the recent scenes; its folder is where the dialogs start."""
    push_recent_scene(path)
    write_settings({FOLDER_KEY: os.path.dirname(os.path.abspath(path))})


def save_to(window, path: str | Path) -> Path:
    """Save the window's scene (atomic); raises SceneFileError."""
    saved = save_scene(path, window.model.scene, export=window.export_settings)
    _remember(saved)
    return saved


def open_from(window, path: str | Path) -> LoadedScene:
    """Load ``path`` into the window (its function compiles in the background); on
    SceneFileError nothing changes."""
    loaded = load_scene(path)
    window.model.set_scene(loaded.scene)
    window.export_settings = loaded.export
    _remember(path)
    return loaded


def _run_dialog(window, path: str, action: Callable, verb: str) -> None:
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


def _start_folder() -> str:
    return remembered_folder(FOLDER_KEY) or str(Path.home())


def save_dialog(window) -> None:
    start = os.path.join(_start_folder(), "scene.json")
    path = ask_path(window, "Save scene", start, FILTERS, save=True)
    _run_dialog(window, path, save_to, "Save")


def open_dialog(window) -> None:
    path = ask_path(window, "Open scene", _start_folder(), FILTERS, save=False)
    _run_dialog(window, path, open_from, "Open")


def open_recent(window, path: str) -> None:
    """Open a recent scene; a broken or vanished file gets File → Open's message."""
    _run_dialog(window, path, open_from, "Open")


def recent_scenes_menu(window) -> QMenu:
    """File → Recent scenes: rebuilt from the settings each time it opens."""
    menu = QMenu("Recent &scenes", window)
    menu.setObjectName("recent_scenes_menu")
    menu.setToolTipsVisible(True)
    menu.setStatusTip("Scenes opened or saved lately, newest first")
    menu.aboutToShow.connect(lambda: fill_recent_menu(menu, window))
    fill_recent_menu(menu, window)
    return menu


def fill_recent_menu(menu: QMenu, window) -> None:
    """One entry per recent scene (its file name; the folder as tip), then "Clear"."""
    menu.clear()
    paths = recent_scenes()
    names = [os.path.basename(p) for p in paths]
    for path, name in zip(paths, names, strict=True):
        folder = os.path.dirname(path)
        text = name if names.count(name) == 1 else f"{name} ({os.path.basename(folder)})"
        action = menu.addAction(text.replace("&", "&&"))
        action.setToolTip(folder)
        action.setStatusTip(path)
        action.setData(path)
        action.triggered.connect(lambda _=False, p=path: open_recent(window, p))
    if not paths:
        menu.addAction("No recent scenes").setEnabled(False)
    menu.addSeparator()
    clear = menu.addAction("&Clear recent scenes")
    clear.setStatusTip("Forget the list (the files stay where they are)")
    clear.setEnabled(bool(paths))
    clear.triggered.connect(lambda _=False: clear_recent_scenes())
