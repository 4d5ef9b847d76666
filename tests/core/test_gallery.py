"""The gallery scenes in resources/scenes load and reproduce the seed's pictures."""

import json
from pathlib import Path

import pytest

from app.core.descent import StopReason
from app.core.scene_file import VERSION, load_scene

SCENES = sorted((Path(__file__).parents[2] / "resources" / "scenes").glob("*.json"))


def test_gallery_is_there():
    names = {p.stem for p in SCENES}
    assert {"walker-on-the-mountain", "negative-gradient-field", "one-dimensional-slope",
            "compare-optimisers"} <= names


@pytest.mark.parametrize("path", SCENES, ids=[p.stem for p in SCENES])
def test_gallery_scene_runs(path):
    scene = load_scene(path).scene
    for traj in scene.run_all():
        assert traj.stop_reason not in (StopReason.UNDEFINED, StopReason.DIVERGED)
        assert traj.steps >= 10
    if path.stem == "walker-on-the-mountain":
        # "once you can't go down…"
        assert scene.run_all()[0].stop_reason is StopReason.STALLED
    if path.stem == "one-dimensional-slope":
        assert scene.dim == 1
    if path.stem == "negative-gradient-field":
        assert scene.show_arrows
    if path.stem == "compare-optimisers":                 # three optimisers, one start
        assert [w.rule for w in scene.walkers] == ["gradient", "momentum", "adam"]
        assert len({w.start for w in scene.walkers}) == 1
        assert len({w.color for w in scene.walkers}) == 3


@pytest.mark.parametrize("path", SCENES, ids=[p.stem for p in SCENES])
def test_gallery_scenes_are_current_version(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == VERSION and "camera" not in doc
