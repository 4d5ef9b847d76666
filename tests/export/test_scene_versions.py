"""Scene file versions: version-1 files (the camera free-form at the top) still open and mean
what their version-2 re-saves mean; version 2 keeps the camera inside 'scene'."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.core.scene import Camera, Scene
from app.core.scene_file import (
    VERSION,
    SceneFileError,
    dict_to_scene,
    load_scene,
    save_scene,
    scene_to_dict,
)

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
V1_SCENES = sorted((DATA / "scenes_v1").glob("*.json"))
SHIPPED = ROOT / "resources" / "scenes"
V1_CAMERA_FILE = DATA / "scene_v1_camera.json"
V1_CAMERA = Camera(azimuth=-48.0, elevation=33.0, distance=21.5, center=(0.25, -0.5, 1.75))


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_shipped_scene_has_its_v1_original():
    assert len(V1_SCENES) >= 4
    assert {p.name for p in V1_SCENES} == {p.name for p in SHIPPED.glob("*.json")}
    for p in V1_SCENES:
        assert read_json(p)["version"] == 1
        assert read_json(SHIPPED / p.name)["version"] == VERSION == 2


@pytest.mark.parametrize("v1", V1_SCENES, ids=[p.stem for p in V1_SCENES])
def test_v1_file_means_what_its_v2_resave_means(v1: Path):
    old, new = load_scene(v1), load_scene(SHIPPED / v1.name)
    assert old.scene.walkers == new.scene.walkers
    assert old.scene.expression == new.scene.expression
    assert old.scene.domain == new.scene.domain
    assert old.scene == new.scene and dict(old.scene.extra) == dict(new.scene.extra)
    assert old.export == new.export                      # the export section is kept
    if "export" in read_json(v1):
        assert new.export == read_json(v1)["export"]
    # the re-save is what save_scene writes for it (no hand edits; any generator version)
    shipped, saved = read_json(SHIPPED / v1.name), scene_to_dict(new.scene, export=new.export)
    assert shipped.pop("generator").startswith("gradient-mountain ")
    saved.pop("generator")
    assert shipped == saved
    for a, b in zip(old.scene.run_all(), new.scene.run_all(), strict=True):
        assert np.array_equal(a.points, b.points) and a.stop_reason is b.stop_reason


def test_v1_top_level_camera_is_converted(tmp_path: Path):
    doc = read_json(V1_CAMERA_FILE)
    assert doc["version"] == 1 and "camera" in doc and "camera" not in doc["scene"]
    loaded = load_scene(V1_CAMERA_FILE)
    assert loaded.scene.camera == V1_CAMERA
    assert len(loaded.scene.walkers) == 2 and loaded.scene.walkers[1].params == (("beta", 0.8),)
    assert loaded.export == {"size": [640, 480], "fps": 24, "orbit": True, "overlay": False}
    # saved again it is a version-2 file with the camera inside 'scene'
    path = save_scene(tmp_path / "v2.json", loaded.scene, export=loaded.export)
    doc2 = read_json(path)
    assert doc2["version"] == 2 and "camera" not in doc2
    assert doc2["scene"]["camera"] == {"azimuth": -48.0, "elevation": 33.0, "distance": 21.5,
                                       "center": [0.25, -0.5, 1.75]}
    assert load_scene(path) == loaded


def _v1_with_camera(camera: Any) -> dict[str, Any]:
    doc = read_json(V1_CAMERA_FILE)
    doc["camera"] = camera
    return doc


@pytest.mark.parametrize(("camera", "expected"), [
    ({"distance": 12.0}, Camera(distance=12.0)),                     # the rest: defaults
    ({"elevation": -10, "azimuth": 370}, Camera(azimuth=370.0, elevation=-10.0)),
    ({"distance": None, "center": None}, Camera()),
    (None, None),
    ({"distance": 9.5, "elevation": 28.0, "azimuth": -60.0, "fov": 60}, None),   # unknown key
    ({"elevation": 120.0}, None),                                   # out of range
    ({"distance": -4.0}, None),
    ({"distance": 0}, None),
    ({"center": [1.0, 2.0]}, None),                                 # not x, y, z
    ({"center": "middle"}, None),
    ({"azimuth": "left"}, None),
], ids=["distance-only", "angles-only", "nulls", "null", "unknown-key", "elevation-120",
        "distance-negative", "distance-zero", "center-2", "center-text", "azimuth-text"])
def test_v1_camera_is_converted_when_it_fits_and_ignored_otherwise(camera, expected):
    loaded = dict_to_scene(_v1_with_camera(camera))
    assert loaded.scene.camera == expected
    assert loaded.scene.walkers == load_scene(V1_CAMERA_FILE).scene.walkers   # rest intact


def test_v1_camera_that_is_not_an_object_is_still_refused():
    with pytest.raises(SceneFileError, match="'camera' must be an object"):
        dict_to_scene(_v1_with_camera([1, 2, 3]))


def test_v1_without_a_camera_opens_with_the_default_view():
    doc = read_json(V1_CAMERA_FILE)
    del doc["camera"]
    assert dict_to_scene(doc).scene.camera is None


def test_v2_with_camera_at_the_top_is_refused_with_one_line(tmp_path: Path):
    doc = scene_to_dict(Scene.from_preset("bowl", camera=V1_CAMERA))
    doc["camera"] = doc["scene"].pop("camera")                      # where version 1 had it
    path = tmp_path / "misplaced.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SceneFileError) as info:
        load_scene(path)
    message = str(info.value)
    assert message == "scene file: unknown key 'camera' at the top (it belongs in 'scene')"
    assert "\n" not in message


def test_v2_camera_round_trip(tmp_path: Path):
    scene = Scene.from_preset("rosenbrock", camera=Camera(azimuth=-90.5, elevation=89.0,
                                                          distance=3.25, center=(1.0, 1.0, 0.0)))
    path = save_scene(tmp_path / "cam.json", scene)
    back = load_scene(path).scene
    assert back == scene and back.camera == scene.camera
    assert read_json(path)["scene"]["camera"]["center"] == [1.0, 1.0, 0.0]


def test_newer_version_is_refused():
    doc = scene_to_dict(Scene.from_preset("bowl"))
    doc["version"] = VERSION + 1
    with pytest.raises(SceneFileError, match=f"version {VERSION + 1} is newer"):
        dict_to_scene(doc)
