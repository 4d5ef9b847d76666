"""export --animate a=FROM:TO: frame i of n shows the mountain for a_i (linear from FROM to
TO) and every walker re-run from its start on it; the caption says "a = …"."""

from __future__ import annotations

import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from app.core.animation import AnimationSettings
from app.core.parameters import Parameter, Sweep
from app.core.scene import Scene, Walker
from app.export.readback import read_frames

ROOT = Path(__file__).resolve().parents[2]


def bowl() -> Scene:
    return Scene(expression="a*x^2 + y^2", domain=((-2.0, 2.0), (-2.0, 2.0)),
                 walkers=(Walker("gradient", 0.1, (), (1.5, 1.0)),),
                 params=(Parameter("a", 0.5, 0.5, 5.0),), resolution=40)


def test_command_line_sweep_gives_ten_different_frames(tmp_path):
    out = tmp_path / "frames"
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--expr",
                        "a*x^2 + y^2", "--animate", "a=0.5:5", "--out", str(out), "--size",
                        "320x240", "--frames", "10"],
                       capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "wrote 10 frames" in r.stdout
    frames = read_frames(out)
    assert len(frames) == 10
    # all ten frames are in the ½ s hold at the start: only the mountain changes
    assert all(not np.array_equal(a, b) for a, b in pairwise(frames))
    assert np.abs(frames[0].astype(int) - frames[-1]).mean() > 1.0


def test_each_frame_walks_on_its_own_mountain(qtbot):
    from app.ui.render.frames import FrameSource

    scene = bowl()
    settings = AnimationSettings(size=(240, 180), frames=10, hold_start=0.0, speed=30.0)
    source = FrameSource(scene, settings, Sweep("a", 0.5, 5.0))
    try:
        source.wait_ready()
        assert source.total == 10
        notes, values, paths = [], [], []
        for i in range(source.total):
            source.frame(i)
            notes.append(source._note())
            values.append(source.model.scene.param_values["a"])
            walks = source.walks
            assert walks is not None and walks.func.params == {"a": values[-1]}
            paths.append(walks.trajectories[0].points)
    finally:
        source.close()
    expected = np.linspace(0.5, 5.0, 10)
    assert values == pytest.approx(expected, rel=1e-12)
    assert notes[0] == "a = 0.5" and notes[-1] == "a = 5" and notes[4] == "a = 2.5"
    for a, path in zip(expected, paths, strict=True):
        (ref,) = scene.with_param_values(a=float(a)).run_all()     # re-run from the start
        np.testing.assert_array_equal(path, ref.points)


def test_the_caption_band_changes_with_the_value(qtbot):
    from app.ui.render.frames import FrameSource

    settings = AnimationSettings(size=(320, 200), frames=3)
    source = FrameSource(bowl(), settings, Sweep("a", 0.5, 5.0))
    try:
        source.wait_ready()
        band = source.band
        first, last = source.frame(0)[-band:], source.frame(2)[-band:]
    finally:
        source.close()
    assert not np.array_equal(first, last), "the caption shows the value"
