"""Where the window remembers things between runs (QSettings): layout and the last scene,
stored in the scene-file format (one validated format for files and settings)."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QSettings

from app.core.scene import Scene
from app.core.scene_file import parse_scene, scene_to_dict

ORG, APP = "GradientMountain", "gradient-mountain"
SETTINGS_ENV = "GRADIENT_MOUNTAIN_SETTINGS"   # path of an .ini file to use instead (tests)


def open_settings() -> QSettings:
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORG, APP)


def scene_to_json(scene: Scene) -> str:
    """The scene (camera included) in the scene-file format."""
    return json.dumps(scene_to_dict(scene))


def scene_from_json(text: str) -> Scene:
    """The remembered scene; raises SceneFileError if it is unusable."""
    return parse_scene(text).scene


def remembered_scene(settings: QSettings | None = None) -> Scene | None:
    settings = settings or open_settings()
    try:
        text = settings.value("scene")
        return scene_from_json(str(text)) if text else None
    except Exception:
        return None


# ---- what the dialogs remember (folders, sizes, choices) and the recent scenes ----------
RECENT_KEY = "recent_scenes"
RECENT_MAX = 8


def read_setting(key: str, default, settings: QSettings | None = None):
    """The value stored at ``key`` as the type of ``default`` (an .ini file stores text);
    ``default`` when it is missing or unusable."""
    settings = settings or open_settings()
    value = settings.value(key)
    if value is None or value == "":
        return default
    try:
        if isinstance(default, bool):
            text = str(value).strip().lower()
            if text not in ("true", "false", "1", "0"):
                return default
            return text in ("true", "1")
        return type(default)(value)
    except (TypeError, ValueError):
        return default


def write_settings(values: dict[str, object], settings: QSettings | None = None) -> None:
    """Store ``values`` (key → value) at once."""
    settings = settings or open_settings()
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()


def remembered_folder(key: str, settings: QSettings | None = None) -> str | None:
    """The folder remembered at ``key`` if it still exists, else None."""
    folder = read_setting(key, "", settings)
    return folder if folder and os.path.isdir(folder) else None


def recent_scenes(settings: QSettings | None = None) -> list[str]:
    """The recently opened or saved scene files, newest first (files gone are left out)."""
    settings = settings or open_settings()
    value = settings.value(RECENT_KEY)
    paths = [value] if isinstance(value, str) else list(value or [])
    return [str(p) for p in paths if p and os.path.isfile(str(p))][:RECENT_MAX]


def push_recent_scene(path: str | os.PathLike[str],
                      settings: QSettings | None = None) -> list[str]:
    """Put ``path`` (made absolute) first in the recent scenes; returns the new list."""
    settings = settings or open_settings()
    first = os.path.abspath(os.fspath(path))
    paths = [first] + [p for p in recent_scenes(settings) if p != first]
    settings.setValue(RECENT_KEY, paths[:RECENT_MAX])
    settings.sync()
    return paths[:RECENT_MAX]


def clear_recent_scenes(settings: QSettings | None = None) -> None:
    settings = settings or open_settings()
    settings.remove(RECENT_KEY)
    settings.sync()
