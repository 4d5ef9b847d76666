"""Launching: the screenshot command, no display, remembered scenes, background meshing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from app.core.scene import Scene
from tests.ui.conftest import dispose
from tests.ui.helpers import distinct_colours

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_command_writes_the_window(tmp_path):
    out = tmp_path / "out.png"
    env = {**os.environ, "GRADIENT_MOUNTAIN_SETTINGS": str(tmp_path / "s.ini")}
    r = subprocess.run([sys.executable, "main.py", "--screenshot", str(out), "--preset", "peaks",
                        "--steps", "5"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape == (800, 1280, 3)
    left = img[60:700, 40:800]                      # inside the 3D view
    assert distinct_colours(left) > 500
    assert (left.sum(axis=-1) > 60).mean() > 0.5    # not a black GL area


def test_no_display_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                             "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "main.py", "gui", "--preset", "bowl"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no display") and "xvfb-run" in lines[0]


def test_screenshot_without_a_display_starts_its_own(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                             "QT_QPA_PLATFORM")}
    env["GRADIENT_MOUNTAIN_SETTINGS"] = str(tmp_path / "s.ini")
    out = tmp_path / "x.png"
    r = subprocess.run([sys.executable, "main.py", "--screenshot", str(out), "--preset", "bowl",
                        "--camera", "30,60"], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert distinct_colours(np.asarray(Image.open(out).convert("RGB"))) > 300


def test_last_scene_and_layout_are_remembered(make_window, settings_file):
    from app.core.scene import Camera
    from app.ui.settings import remembered_scene

    w = make_window("himmelblau", remember=True)
    w.model.update_walker(0, lr=0.003, start=(1.0, 2.0))
    w.model.set_camera(Camera(azimuth=12.0, elevation=40.0, distance=30.0))
    scene = w.model.scene
    dispose(w)
    assert remembered_scene() == scene and remembered_scene().camera.azimuth == 12.0
    text = settings_file.read_text()
    assert "geometry" in text and "scene" in text
    settings_file.write_text("[General]\nscene=\"{not json\"\n")
    assert remembered_scene() is None          # unusable: the caller falls back to the default


def test_big_meshes_are_built_off_the_gui_thread(make_window, qtbot):
    w = make_window("peaks")
    old = w.view.picture
    t0 = time.perf_counter()
    w.model.update(resolution=420)
    elapsed = time.perf_counter() - t0
    assert w.model.busy and w.view.picture is old  # not built yet: the GUI thread went on
    assert elapsed < 0.2
    w.model.update(resolution=430)                 # supersedes the first request
    w.model.update(resolution=60)                  # waits for the running build
    qtbot.waitUntil(lambda: not w.model.busy, timeout=20_000)
    assert len(w.view.picture.mesh.xs) == 60       # stale results were dropped


def test_scene_object_round_trips_through_json():
    from app.core.scene import Camera, Walker
    from app.ui.settings import scene_from_json, scene_to_json

    s = Scene.from_preset("rosenbrock", show_arrows=True, camera=Camera(10.0, 20.0, 5.0),
                          walkers=(Walker("adam", 0.1, (("beta1", 0.8),), (0.0, 1.0)),))
    assert scene_from_json(scene_to_json(s)) == s
    one_d = Scene.from_preset("double_well")
    assert scene_from_json(scene_to_json(one_d)) == one_d
