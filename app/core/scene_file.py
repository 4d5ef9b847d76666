"""Scenes as versioned JSON files: ``save_scene`` (atomic) and ``load_scene`` (validates all).

On disk::

    {"format": "gradient-mountain-scene", "version": 2, "generator": "gradient-mountain 0.1.0",
     "scene": {"expression": "x^2 + y^2", "domain": [[-2.0, 2.0], [-2.0, 2.0]],
               "walkers": [{"rule": "gradient", "lr": 0.1, "params": {}, "start": [1.6, 1.2],
                            "color": "#ff140d"}, …],
               "max_steps": 500, "gtol": 1e-06, "stop_outside": true, "resolution": 150,
               "cmap": "terrain", "exaggeration": 1.0, "speed": 8.0, "show_arrows": false,
               "wireframe": false, "preset": "bowl", "extra": {},
               "camera": {"azimuth": -125.0, "elevation": 28.0, "distance": 9.5,
                          "center": [0.0, 0.0, 0.1]}},
     "export": {"size": [1280, 720], "fps": 30, …}}

``expression``, ``domain`` and ``walkers`` are required (``rule``, ``lr`` and ``start`` in a
walker); the other fields default to ``Scene``'s. A walker may also have ``noise`` (σ ≥ 0),
``seed`` (a whole number) and ``schedule`` (a SPEC such as "exponential:gamma=0.9"), written
only when not the defaults (0, 0, "constant"): files stay version 2. ``camera`` may be left
out or null (the default view). ``params`` (optional, written when there are any) declares
the function's parameters: [{"name": "a", "value": 3.0, "min": 0.0, "max": 6.0}, …].
Unknown keys are refused (a typo must not silently change
the picture); free-form additions belong in ``extra``. ``export`` holds the export dialog's
settings (see ``EXPORT_CHECKS``). Version 1 files (the camera as a free-form object at the
top) still open.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import __version__
from app.core import limits
from app.core.animation import AnimationSettings
from app.core.colormaps import NAMES as CMAP_NAMES
from app.core.expression import ExpressionError
from app.core.parameters import compile_scene
from app.core.scene import THEMES, Scene
from app.core.scene_fields import (
    params_list,
    parse_camera,
    parse_domain,
    parse_params,
    parse_walker,
    walker_dict,
)
from app.core.scene_json import (
    FileError,
    check_open_dict,
    dumps_pretty,
    is_int,
    kind,
    need,
    no_unknown,
    number,
    parse_document,
    read_document,
)

FORMAT = "gradient-mountain-scene"
VERSION = 2
MAX_BYTES = 1_000_000
MAX_EXPRESSION = limits.MAX_EXPRESSION
_TOP_KEYS = {"format", "version", "generator", "scene", "camera", "export"}
_SCENE_KEYS = {"expression", "domain", "walkers", "max_steps", "gtol", "stop_outside",
               "resolution", "cmap", "exaggeration", "speed", "show_arrows", "wireframe",
               "preset", "extra", "camera", "theme", "params"}
_OPTIONAL = ("max_steps", "gtol", "stop_outside", "resolution", "cmap", "exaggeration", "speed",
             "show_arrows", "wireframe", "preset", "theme")


class SceneFileError(FileError):
    """A scene file that cannot be used; the message is one line naming the problem."""

    PREFIX = "scene file: "


@dataclass(frozen=True, slots=True)
class LoadedScene:
    """What a file holds: the scene (walkers and camera included) and the export settings."""

    scene: Scene
    export: dict[str, Any] | None = None


# --- saving ----------------------------------------------------------------------------------

def scene_to_dict(scene: Scene, *, export: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON document for ``scene``. Raises SceneFileError for anything ``load_scene``
    would refuse."""
    cam = scene.camera
    body = {
        "expression": scene.expression,
        "domain": [[float(a), float(b)] for a, b in scene.domain],
        "walkers": [walker_dict(w) for w in scene.walkers],
        "max_steps": int(scene.max_steps), "gtol": float(scene.gtol),
        "stop_outside": bool(scene.stop_outside), "resolution": int(scene.resolution),
        "cmap": scene.cmap, "exaggeration": float(scene.exaggeration),
        "speed": float(scene.speed), "show_arrows": bool(scene.show_arrows),
        "wireframe": bool(scene.wireframe), "preset": scene.preset, "theme": scene.theme,
        "extra": dict(scene.extra),
        "camera": None if cam is None else {
            "azimuth": float(cam.azimuth), "elevation": float(cam.elevation),
            "distance": None if cam.distance is None else float(cam.distance),
            "center": None if cam.center is None else [float(v) for v in cam.center]},
    }
    if scene.params:
        body["params"] = params_list(scene.params)
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION,
                           "generator": f"gradient-mountain {__version__}", "scene": body}
    if export is not None:
        doc["export"] = dict(export)
    try:    # plain JSON types only (tuples, int keys -> JSON's own)
        doc = json.loads(json.dumps(doc))
    except (TypeError, ValueError) as exc:
        raise SceneFileError(f"cannot be saved as JSON: {exc}") from None
    dict_to_scene(doc)                  # refuse to write what could not be read back
    try:
        json.dumps(doc, allow_nan=False)
    except ValueError:
        raise SceneFileError("'extra' holds a NaN or infinite number") from None
    return doc


def save_scene(path: str | os.PathLike[str], scene: Scene, *,
               export: Mapping[str, Any] | None = None) -> Path:
    """Write ``scene`` as pretty UTF-8 JSON, atomically: a temporary file beside ``path``,
    flushed to disk, then renamed over it. On any error the old file is untouched."""
    target = Path(path).expanduser()
    text = dumps_pretty(scene_to_dict(scene, export=export))
    text += "\n"
    temp = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(text.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SceneFileError(f"cannot save {target}: {reason}") from exc
    return target


# --- loading ---------------------------------------------------------------------------------

def load_scene(path: str | os.PathLike[str]) -> LoadedScene:
    """Read and validate a scene file (never more than 1 MB of it); SceneFileError if unusable."""
    return parse_scene(read_document(path, MAX_BYTES, SceneFileError))


def parse_scene(data: bytes | str) -> LoadedScene:
    """Validate a scene document given as bytes or text (see ``load_scene``)."""
    return dict_to_scene(parse_document(data, MAX_BYTES, SceneFileError, "scene"))


def dict_to_scene(doc: Any) -> LoadedScene:
    """Validate a parsed document -> LoadedScene. Pure: ``doc`` is not modified."""
    try:
        return _dict_to_scene(doc)
    except SceneFileError:
        raise
    except ValueError as exc:      # the checks, Rule.parse and Scene.validate
        raise SceneFileError(str(exc)) from None
    except OverflowError:          # a whole number too large for a float (10^400)
        raise SceneFileError("a number in the file is too large") from None


def _dict_to_scene(doc: Any) -> LoadedScene:
    if not isinstance(doc, dict):
        raise ValueError(f"expected a JSON object at the top, not {kind(doc)}")
    if doc.get("format") != FORMAT:
        raise ValueError(f"not a Gradient Mountain scene (format tag {doc.get('format')!r})")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"unsupported version {version!r}")
    if version > VERSION:
        raise ValueError(f"version {version} is newer than this program reads ({VERSION}); "
                         "update Gradient Mountain")
    no_unknown(doc, _TOP_KEYS, "at the top")
    if "generator" in doc:
        need(doc, "generator", str, "")
    body = need(doc, "scene", dict, "at the top")
    no_unknown(body, _SCENE_KEYS, "in 'scene'")
    expression = need(body, "expression", str, "in 'scene'")
    if not expression.strip() or len(expression) > MAX_EXPRESSION:
        raise ValueError(f"'expression' must be 1 to {MAX_EXPRESSION} characters")
    domain = parse_domain(need(body, "domain", list, "in 'scene'"))
    walkers = tuple(parse_walker(w, i, len(domain))
                    for i, w in enumerate(need(body, "walkers", list, "in 'scene'")))
    if not walkers:
        raise ValueError("'walkers' must list at least one walker")
    fields = Scene.__dataclass_fields__
    opt = {k: body.get(k, fields[k].default) for k in _OPTIONAL}
    for key in ("max_steps", "resolution"):
        if not is_int(opt[key]):
            raise ValueError(f"'{key}' must be a whole number, not {kind(opt[key])}")
    for key in ("gtol", "exaggeration", "speed"):
        opt[key] = number(opt[key], key)
    if opt["gtol"] < 0:
        raise ValueError("'gtol' must be zero or a positive number")
    for key in ("stop_outside", "show_arrows", "wireframe"):
        if not isinstance(opt[key], bool):
            raise ValueError(f"'{key}' must be true or false, not {kind(opt[key])}")
    if opt["cmap"] not in CMAP_NAMES:
        raise ValueError(f"unknown colour map {opt['cmap']!r}; choose one of: "
                         f"{', '.join(CMAP_NAMES)}")
    if opt["theme"] not in THEMES:
        raise ValueError(f"unknown theme {str(opt['theme'])[:20]!r}; choose one of: "
                         f"{', '.join(THEMES)}")
    if opt["preset"] is not None and not (isinstance(opt["preset"], str)
                                          and len(opt["preset"]) <= 100):
        raise ValueError("'preset' must be a name or null")
    extra = need(body, "extra", dict, "") if "extra" in body else {}
    if version == 1:     # the camera was a free-form object at the top: take what fits
        if "camera" in body:
            raise ValueError("unknown key 'camera' in 'scene'")
        legacy = check_open_dict(doc.get("camera"), "camera")
        try:
            camera = parse_camera(legacy)
        except ValueError:
            camera = None
    else:
        if "camera" in doc:
            raise ValueError("unknown key 'camera' at the top (it belongs in 'scene')")
        camera = parse_camera(body.get("camera"))
    export = check_open_dict(doc.get("export"), "export")
    try:
        AnimationSettings.from_export_dict(export)     # its numbers in range, too
    except ValueError as exc:
        raise ValueError(f"'export': {exc}") from None
    params = parse_params(body["params"]) if "params" in body else ()
    scene = Scene(expression=expression, domain=domain, walkers=walkers,
                  extra=tuple(extra.items()), camera=camera, params=params, **opt).validate()
    try:
        func = compile_scene(scene)     # the safe parser: it never evaluates text
    except ExpressionError as exc:
        raise SceneFileError(f"expression: {exc}") from None
    if func.dim != len(domain):
        raise ValueError(f"the expression has {func.dim} variable(s) but the domain "
                         f"{len(domain)} range(s)")
    return LoadedScene(scene, export)
