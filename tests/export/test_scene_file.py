"""Scene files: round-trips, atomic saves, and a file of bad or hostile inputs refused cleanly."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.scene import Camera, Scene, Walker
from app.core.scene_file import (
    MAX_BYTES,
    VERSION,
    LoadedScene,
    SceneFileError,
    dict_to_scene,
    load_scene,
    save_scene,
    scene_to_dict,
)

CAMERA = Camera(azimuth=-60.0, elevation=28.0, distance=9.5, center=(0.0, 0.0, -1.5))
CAMERA_JSON = {"azimuth": -60.0, "elevation": 28.0, "distance": 9.5, "center": [0.0, 0.0, -1.5]}
EXPORT = {"size": [1280, 720], "fps": 30, "seconds": 6.0, "orbit": False, "overlay": True}


def scenes() -> list[Scene]:
    rosen = Scene.from_preset("rosenbrock")
    adam = rosen.walkers[0].replace(rule="adam", params=(("beta1", 0.8), ("eps", 1e-7)))
    return [
        Scene.from_preset("peaks"),
        rosen.replace(walkers=[adam], cmap="viridis", exaggeration=2.5, show_arrows=True,
                      camera=CAMERA),
        Scene(expression="x^2", domain=((-2.0, 2.0),),
              walkers=(Walker("gradient", 0.05, (), (1.5,)),),
              max_steps=40, gtol=0.0, wireframe=True,
              camera=Camera(azimuth=10.0, elevation=-90.0)),               # 1-D
    ]


@pytest.mark.parametrize("scene", scenes(), ids=["peaks", "rosenbrock-adam", "1d"])
def test_round_trip(tmp_path: Path, scene: Scene):
    path = save_scene(tmp_path / "s.json", scene, export=EXPORT)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == VERSION == 2 and "camera" not in doc
    loaded = load_scene(path)
    assert loaded == LoadedScene(scene, EXPORT)
    assert loaded.scene.camera == scene.camera
    save_scene(tmp_path / "again.json", loaded.scene, export=loaded.export)
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()


def test_camera_round_trip(tmp_path: Path):
    """The camera lives inside 'scene' in version 2 and comes back as the same Camera."""
    scene = Scene.from_preset("himmelblau", camera=CAMERA)
    doc = scene_to_dict(scene)
    assert doc["scene"]["camera"] == CAMERA_JSON and "camera" not in doc
    loaded = load_scene(save_scene(tmp_path / "c.json", scene))
    assert loaded.scene.camera == CAMERA and loaded.scene == scene
    assert isinstance(loaded.scene.camera.center, tuple)
    # partial cameras: a fitted distance and the default centre are null, not numbers
    fitted = scene.replace(camera=Camera(azimuth=30.0, elevation=45.0))
    doc = scene_to_dict(fitted)
    assert doc["scene"]["camera"] == {"azimuth": 30.0, "elevation": 45.0, "distance": None,
                                      "center": None}
    assert dict_to_scene(doc).scene.camera == Camera(azimuth=30.0, elevation=45.0)
    # no camera: null in the file, None back
    plain = Scene.from_preset("himmelblau")
    doc = scene_to_dict(plain)
    assert doc["scene"]["camera"] is None and dict_to_scene(doc).scene.camera is None
    del doc["scene"]["camera"]                                      # left out: also fine
    assert dict_to_scene(doc).scene.camera is None


def test_optional_parts_and_several_walkers(tmp_path: Path):
    scene = Scene.from_preset("himmelblau").replace(extra=(("note", "η – 學"),))
    second = Walker("momentum", 0.02, (("beta", 0.5),), (2.0, -1.0), "#3366FF")
    save_scene(tmp_path / "s.json", scene.replace(walkers=[scene.walkers[0], second]))
    text = (tmp_path / "s.json").read_text(encoding="utf-8")
    assert "η – 學" in text and text.endswith("}\n") and '"start": [-0.5, -0.5]' in text
    loaded = load_scene(tmp_path / "s.json")
    assert loaded.scene.camera is None and loaded.export is None
    assert loaded.scene.walkers == (scene.walkers[0],
                                    Walker("momentum", 0.02, (("beta", 0.5),), (2.0, -1.0),
                                           "#3366ff"))
    assert dict(loaded.scene.extra) == {"note": "η – 學"}
    assert len(loaded.scene.run_all()) == 2


def test_save_refuses_what_it_could_not_read(tmp_path: Path):
    peaks = scenes()[0]
    # dataclasses.replace skips Scene.validate: the file's own checks must catch these
    far = dataclasses.replace(peaks, camera=Camera(distance=float("inf")))
    with pytest.raises(SceneFileError, match=r"'distance' must be a finite number"):
        save_scene(tmp_path / "s.json", far)
    nan_extra = dataclasses.replace(peaks, extra=(("n", float("nan")),))
    with pytest.raises(SceneFileError, match="'extra' holds a NaN or infinite number"):
        save_scene(tmp_path / "s.json", nan_extra)
    a_set = dataclasses.replace(peaks, extra=(("n", {1, 2}),))
    with pytest.raises(SceneFileError, match="cannot be saved as JSON"):
        save_scene(tmp_path / "s.json", a_set)
    stray = dataclasses.replace(peaks, walkers=(
        Walker("stride", 0.1, (("beta", 0.5),), (0.0, 0.0)),))
    with pytest.raises(SceneFileError, match="unknown parameter 'beta' for rule stride"):
        scene_to_dict(stray)
    with pytest.raises(SceneFileError, match="'color' must look like"):
        scene_to_dict(dataclasses.replace(peaks, walkers=(
            peaks.walkers[0].replace(color="red"),)))
    assert os.listdir(tmp_path) == []


def test_save_is_atomic(tmp_path: Path, monkeypatch):
    path = save_scene(tmp_path / "s.json", scenes()[0])
    old = path.read_bytes()
    save_scene(path, scenes()[1])                                   # overwrite: fine
    assert os.listdir(tmp_path) == ["s.json"] and path.read_bytes() != old
    old = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SceneFileError, match=r"cannot save .*s.json: no space left on device"):
        save_scene(path, scenes()[2])
    assert os.listdir(tmp_path) == ["s.json"] and path.read_bytes() == old


def test_save_into_missing_folder(tmp_path: Path):
    with pytest.raises(SceneFileError, match=r"cannot save .*: no such file or directory"):
        save_scene(tmp_path / "nowhere" / "s.json", scenes()[0])
    assert os.listdir(tmp_path) == []


def test_loading_is_pure():
    doc = scene_to_dict(scenes()[1], export=EXPORT)
    before = copy.deepcopy(doc)
    loaded = dict_to_scene(doc)
    assert doc == before
    assert loaded.export is not None
    loaded.export["fps"] = 1                                        # a copy, not the input
    loaded.export["size"].append(3)
    assert doc["export"] == EXPORT and doc == before


# --- broken and hostile files ----------------------------------------------------------------

def good() -> dict[str, Any]:
    return scene_to_dict(Scene.from_preset("bowl", camera=CAMERA), export=EXPORT)


def edit(change: Callable[[dict[str, Any]], Any]) -> bytes:
    doc = good()
    change(doc)
    return json.dumps(doc).encode()


def walker(**kv: Any) -> bytes:
    return edit(lambda d: d["scene"]["walkers"][0].update(kv))


def scene_field(**kv: Any) -> bytes:
    return edit(lambda d: d["scene"].update(kv))


def camera(**kv: Any) -> bytes:
    return edit(lambda d: d["scene"]["camera"].update(kv))


def raw(old: str, new: str) -> bytes:
    text = json.dumps(good())
    assert old in text
    return text.replace(old, new).encode()


def raw_lr(literal: str) -> bytes:
    return raw('"lr": 0.1', f'"lr": {literal}')


PWNED = Path("/tmp/gradient-mountain-pwned")
BROKEN: dict[str, tuple[bytes, str]] = {
    "truncated": (json.dumps(good()).encode()[:150], "truncated: the JSON stops early"),
    "empty": (b"", "the file is empty"),
    "whitespace": (b"  \n", "the file is empty"),
    "top-level list": (b"[]", "expected a JSON object at the top, not a list"),
    "top-level number": (b"3", "expected a JSON object at the top, not a number"),
    "wrong format": (edit(lambda d: d.update(format="photoshop")), "not a Gradient Mountain"),
    "no format": (edit(lambda d: d.pop("format")), "not a Gradient Mountain scene"),
    "version 99": (edit(lambda d: d.update(version=99)), "version 99 is newer than this"),
    "version text": (edit(lambda d: d.update(version="1")), "unsupported version '1'"),
    "version true": (edit(lambda d: d.update(version=True)), "unsupported version True"),
    "scene a list": (edit(lambda d: d.update(scene=[])), "'scene' must be an object, not a list"),
    "no expression": (edit(lambda d: d["scene"].pop("expression")), "missing 'expression'"),
    "no walkers": (edit(lambda d: d["scene"].pop("walkers")), "missing 'walkers'"),
    "zero walkers": (scene_field(walkers=[]), "at least one walker"),
    "lr text": (walker(lr="fast"), "'lr' must be a number, not a string"),
    "lr bool": (walker(lr=True), "'lr' must be a number, not true"),
    "lr NaN": (raw_lr("NaN"), "NaN is not allowed: numbers must be finite"),
    "lr Infinity": (raw_lr("-Infinity"), "-Infinity is not allowed"),
    "lr 1e999": (raw_lr("1e999"), "number 1e999 is out of range"),
    "lr negative": (walker(lr=-0.1), "'lr' must be a positive number"),
    "lr huge": (walker(lr=1e9), "learning rate must be a positive number up to 1000"),
    "hostile expression": (scene_field(expression=f"__import__('os').system('touch {PWNED}')"),
                           "expression:"),
    "expression number": (scene_field(expression=3), "'expression' must be a string"),
    "huge file": (b'{"pad": "' + b"x" * MAX_BYTES + b'"}', "larger than 1 MB"),
    "deep nesting": (b"[" * 10000 + b"]" * 10000, "nested too deeply"),
    "deep objects": (b'{"a":' * 10000 + b"1" + b"}" * 10000, "nested too deeply"),
    "binary garbage": (bytes(range(256)) * 4, "not UTF-8 text"),
    "NUL bytes": (b"\x00\x01\x02{}", "not a text file"),
    "latin-1 text": (json.dumps(good(), ensure_ascii=False).replace("bowl", "bôwl")
                     .encode("latin-1"), "not UTF-8 text"),
    "domain min > max": (scene_field(domain=[[2, -2], [-2, 2]]), "x range [2, -2] needs min < max"),
    "domain 3-D": (scene_field(domain=[[0, 1]] * 3), "one or two [min, max] pairs"),
    "domain text": (scene_field(domain=[["a", "b"], [0, 1]]), "'domain' must be a number"),
    "dimension mismatch": (scene_field(domain=[[-2, 2]]), "'start' needs 1 number"),
    "start too short": (walker(start=[1.0]), "'start' needs 2 number(s)"),
    "unknown rule": (walker(rule="sgd"), "unknown rule 'sgd'; choose one of"),
    "unknown param": (walker(rule="adam", params={"betta": 0.9}), "unknown parameter 'betta'"),
    "bad colour": (walker(color="red"), "'color' must look like '#ff140d'"),
    "unknown cmap": (scene_field(cmap="jet"), "unknown colour map 'jet'"),
    "unknown key": (walker(learning_rate=0.1), "unknown key 'learning_rate' in walker 1"),
    "steps fraction": (scene_field(max_steps=1.5), "'max_steps' must be a whole number"),
    "steps zero": (scene_field(max_steps=0), "max steps must be between"),
    "resolution huge": (scene_field(resolution=10**6), "mesh resolution must be between"),
    "long number": (raw('"max_steps": 500', '"max_steps": ' + "9" * 5000),
                    "a number in the file is too long"),
    "duplicate key": (raw('"lr": 0.1', '"lr": 0.1, "lr": 500'), "duplicate key 'lr'"),
    "camera non-finite": (raw('"distance": 9.5', '"distance": 1e400'), "out of range"),
    "camera nested": (camera(center=[[0, 0], 1, 2]), "'center' must be a number, not a list"),
    "camera center short": (camera(center=[0, 0]), "'camera.center' must be [x, y, z] or null"),
    "camera center text": (camera(center="middle"), "'camera.center' must be [x, y, z]"),
    "camera a list": (scene_field(camera=[0, 28]), "'camera' must be an object or null"),
    "camera unknown key": (camera(fov=60), "unknown key 'fov' in 'camera'"),
    "camera elevation": (camera(elevation=91), "elevation must be between -90 and 90"),
    "camera distance 0": (camera(distance=0), "distance must be positive"),
    "camera distance neg": (camera(distance=-3), "distance must be positive"),
    "camera azimuth text": (camera(azimuth="left"), "'azimuth' must be a number, not a string"),
    "camera azimuth bool": (camera(azimuth=True), "'azimuth' must be a number, not true"),
    "v2 camera at top": (edit(lambda d: d.update(camera=CAMERA_JSON)),
                         "unknown key 'camera' at the top (it belongs in 'scene')"),
    "v1 camera in scene": (edit(lambda d: d.update(version=1)),
                           "unknown key 'camera' in 'scene'"),
    "v1 camera a list": (edit(lambda d: (d.update(version=1, camera=[1, 2]),
                                         d["scene"].pop("camera"))), "'camera' must be an object"),
    "unknown top key": (edit(lambda d: d.update(cameras={})), "unknown key 'cameras' at the top"),
    "export size": (edit(lambda d: d["export"].update(size=[0, -5])),
                    "'export.size' must be [width, height]"),
    "export fps": (edit(lambda d: d["export"].update(fps="fast")), "'export.fps' must be"),
}


@pytest.mark.parametrize(("data", "fragment"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_files_are_refused_cleanly(tmp_path: Path, data: bytes, fragment: str):
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    with pytest.raises(SceneFileError) as info:
        load_scene(path)
    message = str(info.value)
    assert fragment in message and message.startswith("scene file: ") and "\n" not in message
    assert len(message) < 300
    assert not PWNED.exists()


def test_hostile_expression_never_runs(tmp_path: Path):
    target = tmp_path / "pwned"
    path = tmp_path / "evil.json"
    path.write_bytes(scene_field(expression=f"__import__('os').system('touch {target}')"))
    with pytest.raises(SceneFileError, match=r"^scene file: expression: "):
        load_scene(path)
    assert not target.exists()


def test_huge_file_is_not_read_whole(tmp_path: Path):
    """A multi-gigabyte (sparse) file is refused after reading just over 1 MB."""
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(4 * 1024**3)
    with pytest.raises(SceneFileError, match="larger than 1 MB"):
        load_scene(path)


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda p: p, r"is not a regular file \(a directory\)"),   # a folder
    (lambda p: p / "missing.json", "no such file or directory"),
])
def test_unreadable_paths(tmp_path: Path, make, fragment: str):
    with pytest.raises(SceneFileError, match=fragment):
        load_scene(make(tmp_path))
