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
