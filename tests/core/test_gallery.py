"""The gallery scenes in resources/scenes load and reproduce the seed's pictures."""

from pathlib import Path

import pytest

from app.core.descent import StopReason
from app.core.scene_file import load_scene

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
        assert scene.run().stop_reason is StopReason.STALLED  # "once you can't go down…"
    if path.stem == "one-dimensional-slope":
        assert scene.dim == 1
    if path.stem == "negative-gradient-field":
        assert scene.show_arrows
