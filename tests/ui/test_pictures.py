"""Export what you see: framing at four aspect ratios, the camera (scene, --camera, the
window's), one picture as a PNG at N× the pixels, on a transparent background."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.animation import AnimationSettings
from app.core.scene import Camera, Scene
from app.ui.render.frames import render_animation
from app.ui.render.still import render_still
from tests.ui.conftest import settle

ROOT = Path(__file__).resolve().parents[2]


def _filled(frame: np.ndarray) -> tuple[float, float]:
    """The share of the frame's width and height that the picture (not background) spans."""
    bg = frame[0, 0, :3].astype(int)
    mask = np.any(np.abs(frame[..., :3].astype(int) - bg) > 12, axis=-1)
    ys, xs = np.nonzero(mask)
    h, w = mask.shape
    return (xs.max() - xs.min() + 1) / w, (ys.max() - ys.min() + 1) / h


@pytest.mark.parametrize("size", [(640, 360), (640, 480), (480, 480), (360, 640)])
@pytest.mark.parametrize("preset", ["peaks", "himmelblau"])
def test_the_mountain_fills_the_frame(qtbot, size, preset):
    settings = AnimationSettings(size=size, frames=1, overlay=False)
    frame = next(iter(render_animation(Scene.from_preset(preset, resolution=60), settings)))
    fw, fh = _filled(frame)
    assert max(fw, fh) >= 0.8, (fw, fh)
    assert min(fw, fh) > 0.3                       # and it is centred, not pushed aside


def test_scene_camera_changes_the_picture(qtbot):
    settings = AnimationSettings(size=(320, 240), frames=1, overlay=False)
    scene = Scene.from_preset("peaks", resolution=40)
    default = next(iter(render_animation(scene, settings)))
    top = next(iter(render_animation(scene.replace(camera=Camera(0.0, 90.0)), settings)))
    assert np.abs(default.astype(int) - top).sum(axis=-1).astype(bool).mean() > 0.2


def test_still_picture_at_twice_the_pixels_keeps_the_layout(qtbot):
    scene = Scene.from_preset("bowl", resolution=40)
    one = render_still(scene, AnimationSettings(size=(320, 180)))
    two = render_still(scene, AnimationSettings(size=(320, 180), scale=2))
    assert one.shape == (180, 320, 4) and two.shape == (360, 640, 4)
    small = np.asarray(Image.fromarray(two).resize((320, 180), Image.Resampling.BOX))
    # the same picture, only sharper: most pixels agree after scaling back down
    close = np.abs(small[..., :3].astype(int) - one[..., :3]).max(axis=-1) < 40
    assert close.mean() > 0.85


def test_transparent_picture_has_alpha_zero_around_the_mountain(qtbot):
    scene = Scene.from_preset("bowl", resolution=40)
    rgba = render_still(scene, AnimationSettings(size=(320, 240), transparent=True,
                                                 overlay=False))
    corners = rgba[[0, 0, -1, -1], [0, -1, 0, -1], 3]
    assert (corners == 0).all()
    assert rgba[120, 160, 3] == 255                # the mountain is opaque


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "export", *args],
                          capture_output=True, text=True, timeout=240, env=env, cwd=ROOT)


def test_command_line_png_scale_transparent_and_camera(tmp_path):
    out = tmp_path / "view.png"
    r = _cli("--preset", "peaks", "--out", str(out), "--size", "320x180", "--scale", "2",
             "--transparent", "--camera", "20,50")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    with Image.open(out) as img:
        assert img.size == (640, 360) and img.mode == "RGBA"
        assert img.getpixel((0, 0))[3] == 0
    r = _cli("--preset", "peaks", "--out", str(out), "--size", "320x180")
    assert r.returncode == 2 and "--force" in r.stderr          # never overwritten silently
    for bad, fragment in [(["--camera", "1,2,3,4"], "AZIMUTH,ELEVATION"),
                          (["--camera", "0,120"], "elevation"),
                          (["--scale", "9"], "--scale"),
                          (["--out", str(tmp_path / "a.gif"), "--scale", "2"], "picture")]:
        args = ["--preset", "bowl", "--out", str(tmp_path / "x.png"), *bad]
        r = _cli(*args)
        assert r.returncode == 2 and fragment in r.stderr and r.stderr.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["view.png"], "nothing else left behind"


def test_window_exports_and_saves_with_its_own_camera(make_window, qtbot, tmp_path):
    from app.ui.dialogs.image_dialog import save_image

    w = make_window("bowl")
    w.view.setCameraPosition(azimuth=10.0, elevation=70.0)
    w.view._before_move = None                    # as after a user's drag …
    w.view._settle.start()                        # … still settling when the user saves
    path = save_image(w, str(tmp_path / "w.png"), AnimationSettings(size=(320, 240)))
    assert w.model.scene.camera is not None and w.model.scene.camera.azimuth == 10.0
    with Image.open(path) as img:
        assert img.size == (320, 240)
    seen = []
    list(render_animation(w.model.scene, AnimationSettings(size=(160, 120), frames=1),
                          lambda view, model: seen.append(dict(view.opts))))
    assert seen[0]["azimuth"] == 10.0 and seen[0]["elevation"] == 70.0
    settle(qtbot, w)


@pytest.mark.parametrize("size", [(640, 360), (320, 180)])
def test_caption_band_lies_under_the_picture_with_every_walker_in_the_legend(qtbot, size):
    from app.core.scene_file import load_scene
    from app.ui.render.caption import band_height

    scene = load_scene(ROOT / "resources" / "scenes" / "compare-optimisers.json").scene
    scene = scene.replace(resolution=40)
    bare = render_still(scene, AnimationSettings(size=size, overlay=False))
    full = render_still(scene, AnimationSettings(size=size))
    band = band_height(size, 1, len(scene.walkers))
    assert full.shape == bare.shape and 0 < band < size[1] / 4
    strip = full[-band:, :, :3].astype(int)
    for w in scene.walkers:                        # each walker's colour is in the legend
        rgb = np.array([int(w.color[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(strip - rgb).max(axis=-1) < 30).sum() >= 4, w.color
    # above the band the picture is whole: fitted to the smaller area, nothing painted over
    picture = full[:-band, :, :3]
    assert _filled(picture)[1] > 0.6
    assert not (np.abs(picture.astype(int) - (0, 0, 0)).max(axis=-1) < 5).all(axis=1).any()


def test_exported_edges_are_anti_aliased(qtbot):
    """Multisampling in every exported frame: where the mountain's top edge meets the
    background, the first pixel of a column is a blend (partial coverage), not already the
    full colour of the surface below it — as it is with a staircase."""
    frame = render_still(Scene.from_preset("bowl", resolution=60),
                         AnimationSettings(size=(320, 240), overlay=False))[..., :3].astype(int)
    far = np.abs(frame - frame[0, 0]).sum(axis=-1)
    blended = columns = 0
    for x in range(frame.shape[1]):
        rows = np.flatnonzero(far[:, x] > 6)
        if len(rows) < 4:
            continue
        top = rows[0]
        columns += 1
        blended += far[top, x] < 0.6 * far[top + 2, x]
    assert columns > 100 and blended / columns > 0.3, (blended, columns)


def test_window_legend_and_colour_bar_are_switchable(make_window, qtbot):
    from tests.ui.helpers import render

    w = make_window("rosenbrock", size=(1100, 700))
    w.compare_action.trigger()
    qtbot.waitUntil(lambda: len(w.model.scene.walkers) == 3, timeout=10_000)
    settle(qtbot, w)
    top = w.view.overlay.reserved_top(w.view.width())
    right = w.view.overlay.reserved_right()
    assert top > 0 and right > 0

    def strips():
        w.view.update()
        grab = w.view.grabFramebuffer()
        frame = grab.convertToFormat(grab.Format.Format_RGB888)
        a = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(),
                                                               frame.bytesPerLine())
        a = a[:, : 3 * frame.width()].reshape(frame.height(), frame.width(), 3).astype(int)
        return a[: int(top)], a[:, -int(right):]

    legend, bar = strips()
    for walker in w.model.scene.walkers:
        rgb = np.array([int(walker.color[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(legend - rgb).max(axis=-1) < 30).sum() >= 6, walker.color
    assert len(np.unique(bar.reshape(-1, 3), axis=0)) > 50        # the colour map's ramp
    w.legend_action.trigger()
    w.colorbar_action.trigger()
    legend, bar = strips()
    rgb = np.array([int(w.model.scene.walkers[1].color[i:i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(legend - rgb).max(axis=-1) < 30).sum() == 0
    assert w.view.overlay.reserved_right() == 0 and render(w.view).shape[2] == 4


def test_labels_never_overlap_and_never_show_through_the_mountain(make_window, qtbot):
    w = make_window("double_well", size=(900, 640))   # the 1-D ribbon: "0" sat under "x"
    w.view.update()
    qtbot.waitUntil(lambda: len(w.view.labels.drawn) > 3, timeout=5_000)
    boxes = [b for _, b in w.view.labels.drawn]
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert "x" in [t for t, _ in w.view.labels.drawn]

    w.model.load_preset("peaks")
    settle(qtbot, w)
    labels = w.view.labels
    eye = w.view.cameraPosition()
    anchors = np.array([xyz for xyz, *_ in labels.labels], float)
    front = labels.occluder(np.array([eye.x(), eye.y(), eye.z()]), anchors)
    assert not front.any()                            # from the front-left: all in sight
    w.view.setCameraPosition(azimuth=60.0, elevation=12.0)
    eye = w.view.cameraPosition()
    behind = labels.occluder(np.array([eye.x(), eye.y(), eye.z()]), anchors)
    assert behind.sum() >= 3                          # from behind, low: the peaks hide some
    w.view.update()
    qtbot.wait(100)
    shown = {t for t, _ in labels.drawn}
    hidden_texts = {labels.labels[i][1] for i in np.flatnonzero(behind)}
    assert len(labels.drawn) <= len(labels.labels) - behind.sum()
    assert hidden_texts - shown or not hidden_texts


def test_light_theme_for_print(tmp_path, make_window, qtbot):
    r = _cli("--preset", "peaks", "--out", str(tmp_path / "l.png"), "--size", "320x240",
             "--theme", "light")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    with Image.open(tmp_path / "l.png") as img:
        rgba = np.asarray(img)
    assert (rgba[2, 2, :3] == 255).all() and (rgba[-2, -2, :3] == 255).all()   # white paper
    dark = (rgba[..., :3].astype(int).sum(axis=-1) < 200).sum()
    assert dark > 100                                   # dark text and axes on it
    w = make_window("bowl")
    w.light_action.trigger()
    assert w.model.scene.theme == "light"
    w.view.update()
    frame = w.view.render_array()
    assert (frame[1, 1, :3] == 255).all()
    assert w.map.backgroundBrush().color().name() == "#ffffff"


def test_caption_can_show_f_typeset(qtbot):
    from app.ui.render.caption import band_height

    scene = Scene.from_preset("himmelblau", resolution=40)
    size = (1000, 450)
    band = band_height(size, 1, 1)
    plain = render_still(scene, AnimationSettings(size=size))[-band:, :, :3].astype(int)
    typeset = render_still(scene, AnimationSettings(size=size, show_function=True))
    typeset = typeset[-band:, :, :3].astype(int)
    changed = np.abs(typeset - plain).max(axis=-1) > 40
    cols = np.flatnonzero(changed.any(axis=0))
    assert changed.sum() > 150 and cols.min() > size[0] // 2   # f, at the right of the line
