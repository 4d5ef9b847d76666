"""Export: PNG folder, GIF and MP4 from the command line and from the window's code path;
cancel, --force, unwritable places, headless runs."""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from app.core.animation import AnimationSettings
from app.core.scene import Scene
from app.export.errors import ExportCancelled
from app.export.readback import read_frames
from app.export.writers import export_frames
from app.ui.render.frames import render_animation, total_frames
from tests.ui.helpers import distinct_colours, project, red_mask, walker_centre

ROOT = Path(__file__).resolve().parents[2]
SIZE = (320, 240)


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "export", *args],
                          capture_output=True, text=True, timeout=240, env=env, cwd=ROOT)


def _check_frames(frames: list[np.ndarray], n: int) -> None:
    assert len(frames) == n
    assert all(f.shape[:2] == (SIZE[1], SIZE[0]) for f in frames)
    assert all(distinct_colours(f) > 200 for f in frames), "a blank frame"
    hold = AnimationSettings().start_frames            # the start is held ½ s first
    still = [np.abs(frames[0].astype(int) - f).mean() < 1.0 for f in frames[1:hold + 1]]
    assert all(still), "the start is held (an MP4 may differ by its compression)"
    moving = [not np.array_equal(a, b) for a, b in pairwise(frames[hold:hold + 5])]
    assert all(moving), "consecutive frames must differ while the walker moves"


@pytest.mark.parametrize("name", ["frames", "walk.gif", "walk.mp4"])
def test_command_line_export_reads_back(tmp_path, name):
    out = tmp_path / name
    r = _cli("--preset", "peaks", "--out", str(out), "--size", "320x240", "--frames", "20")
    assert r.returncode == 0, r.stderr
    assert "wrote 20 frames" in r.stdout
    frames = read_frames(out)
    _check_frames(frames, 20)
    assert sorted(os.listdir(tmp_path)) == [name], "no temporary files left behind"


def test_window_code_path_and_walker_position(qtbot, tmp_path):
    seen = {}

    def remember(view, model):
        seen["px"] = project(view, walker_centre(view))

    settings = AnimationSettings(size=SIZE, frames=20, overlay=False)
    result = export_frames(render_animation(Scene.from_preset("peaks"), settings, remember),
                           tmp_path / "w.gif", fps=settings.fps)
    frames = read_frames(result.path)
    _check_frames(frames, 20)
    col, row = (round(v) for v in seen["px"])
    patch = frames[-1][max(0, row - 8): row + 9, max(0, col - 8): col + 9]
    assert red_mask(patch).sum() >= 5, "the walker's red ball is where it should be"


def test_cancel_half_way_leaves_nothing(qtbot, tmp_path):
    settings = AnimationSettings(size=SIZE, frames=20)
    with pytest.raises(ExportCancelled):
        export_frames(render_animation(Scene.from_preset("peaks"), settings),
                      tmp_path / "c.mp4", fps=30, progress=lambda n: n >= 10)
    assert os.listdir(tmp_path) == []


def test_force_semantics_and_errors(tmp_path):
    out = tmp_path / "a.gif"
    out.write_bytes(b"precious")
    r = _cli("--preset", "bowl", "--out", str(out), "--size", "64x48", "--frames", "3")
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "--force" in r.stderr
    assert out.read_bytes() == b"precious"
    r = _cli("--preset", "bowl", "--out", str(out), "--size", "64x48", "--frames", "3",
             "--force")
    assert r.returncode == 0, r.stderr
    assert len(read_frames(out)) == 3
    for bad, fragment in [(str(tmp_path / "x.avi"), "unknown format"),
                          ("/sys/x.gif", "cannot write"),
                          (str(out / "inside-a-file.gif"), "cannot write")]:
        r = _cli("--preset", "bowl", "--out", bad, "--frames", "3")
        assert r.returncode == 2 and fragment in r.stderr and "Traceback" not in r.stderr


def test_headless_run_starts_its_own_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    r = _cli("--preset", "saddle", "--out", str(tmp_path / "h.gif"), "--size", "160x120",
             "--frames", "4", env=env)
    assert r.returncode == 0, r.stderr
    assert len(read_frames(tmp_path / "h.gif")) == 4


def test_one_dimensional_export_produces_frames(tmp_path):
    out = tmp_path / "slope.gif"
    r = _cli("--preset", "double_well", "--out", str(out), "--size", "320x240", "--frames", "6",
             "--fps", "4")                          # the ½ s start hold is 2 frames here
    assert r.returncode == 0, r.stderr
    frames = read_frames(out)
    assert len(frames) == 6 and all(distinct_colours(f) > 20 for f in frames)
    assert all(red_mask(f).sum() > 30 for f in frames), "the walker on the curve"
    assert not np.array_equal(frames[0], frames[-1])


def test_several_walkers_are_exported(qtbot, tmp_path):
    from app.core.scene_file import load_scene

    scene = load_scene(ROOT / "resources" / "scenes" / "compare-optimisers.json").scene
    drawn = {}

    def count(view, model):
        drawn[len(model.walks)] = len(view.walkers.centres)

    for sc in (scene, scene.replace(walkers=scene.walkers[:1])):
        frames = list(render_animation(sc, AnimationSettings(size=SIZE, frames=3), count))
        assert len(frames) == 3
    assert drawn == {3: 3, 1: 1}, "every walker has its ball in the export"


def test_export_length_follows_the_longest_walker(qtbot):
    """Regression: frames used to be counted from walker 0 only (133 instead of ~1325)."""
    himmelblau = Scene.from_preset("himmelblau")
    w0 = himmelblau.walkers[0].replace(rule="stride", lr=0.2)
    w1 = w0.replace(rule="gradient", lr=0.001, color="#1f6fff")
    scene = himmelblau.replace(walkers=(w0, w1), max_steps=2000)
    short, long = scene.run_all()
    assert long.steps > 5 * short.steps
    settings = AnimationSettings(size=SIZE, max_seconds=None)   # the whole walk, uncapped
    n = total_frames(scene, settings)
    assert n == settings.frame_count(long.steps, scene.speed) > 1000
    capped = total_frames(scene, AnimationSettings(size=SIZE))  # by default: ≤ 20 s …
    assert capped <= 600
    positions = []
    for _ in render_animation(scene, AnimationSettings(size=(64, 48), frames=n,
                                                       max_seconds=None),
                              lambda view, model: positions.append(model.position)):
        pass
    assert len(positions) == n and positions[-1] == long.steps
    positions = []                                    # … and still the whole race
    for _ in render_animation(scene, AnimationSettings(size=(64, 48)),
                              lambda view, model: positions.append(model.position)):
        pass
    assert len(positions) == capped and positions[-1] == long.steps


def test_export_uses_the_scene_camera(qtbot):
    from app.core.scene import Camera

    cams = []
    scene = Scene.from_preset("bowl", camera=Camera(azimuth=40.0, elevation=60.0))
    for _ in render_animation(scene, AnimationSettings(size=SIZE, frames=2),
                              lambda view, model: cams.append(dict(view.opts))):
        pass
    assert cams[0]["azimuth"] == 40.0 and cams[0]["elevation"] == 60.0



@pytest.mark.parametrize("expr", ["exp(1000x)", "exp(1000x) + y", "1e300*x^2 + y"])
def test_extreme_functions_export_without_a_word_on_stderr(tmp_path, expr):
    """No warning of any library reaches the terminal, whatever the function."""
    r = _cli("--expr", expr, "--out", str(tmp_path / "e.gif"), "--size", "160x120",
             "--frames", "3")
    assert r.returncode == 0 and r.stderr == "", r.stderr
