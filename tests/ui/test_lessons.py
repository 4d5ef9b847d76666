"""Lessons in the window (Lesson menu, banner, PageDown/PageUp, presentation mode) and as one
video from the command line (every step, its narration under the picture, held to be read)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from app.cli import build_parser
from app.core.lesson import LessonFileError, builtin_lessons, load_lesson
from app.core.scene import Scene
from app.export.readback import read_frames
from tests.ui.conftest import dispose, settle

ROOT = Path(__file__).resolve().parents[2]
LESSONS = {p.stem: p for p in builtin_lessons()}


@pytest.fixture
def window(qtbot):
    """A shown window with the Lesson menu (added while it is built, as the app does)."""
    from app.ui.lesson_player import add_lesson_menu
    from app.ui.main_window import MainWindow

    w = MainWindow(Scene.from_preset("peaks", resolution=48), remember=False)
    add_lesson_menu(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    focus_view(qtbot, w)
    yield w
    dispose(w)


def focus_view(qtbot, w) -> None:
    """Keys go where a lecturer's would: to the 3D view of the active window."""
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: w.view.hasFocus(), timeout=5_000)


def player_of(w):
    from app.ui.lesson_player import lesson_player

    player = lesson_player(w)
    assert player is not None
    return player


def test_the_lesson_menu_sits_before_help_and_lists_the_lessons(window):
    from app.ui.lesson_player import add_lesson_menu

    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Lesson") == titles.index("&Help") - 1
    player = player_of(window)
    assert add_lesson_menu(window) is player.menu, "a second call adds nothing"
    assert [a.text() for a in player.builtin_menu.actions()] == [
        load_lesson(p).title for p in builtin_lessons()]
    assert not player.next_action.isEnabled() and not player.close_action.isEnabled()
    assert player.next_action.shortcut().toString() == "PgDown"
    assert player.previous_action.shortcut().toString() == "PgUp"
    assert not player.banner.isVisible()


def test_page_down_walks_through_the_lesson(window, qtbot):
    player = player_of(window)
    lesson = player.load(LESSONS["04-learning-rate"])
    settle(qtbot, window)
    first = lesson.steps[0]
    assert window.model.scene.walkers == first.scene.walkers
    assert window.model.scene.camera == first.scene.camera
    assert player.banner.isVisible() and player.banner.narration.text() == first.narration
    assert player.banner.try_this.text() == f"Try this: {first.try_this}"
    assert player.banner.narration.textFormat() == Qt.TextFormat.PlainText
    assert "step 1 of 5" in player.banner.heading.text()
    above = player.banner.mapTo(window, player.banner.rect().bottomLeft()).y()
    assert above <= window.view.mapTo(window, window.view.rect().topLeft()).y(), \
        "the banner is above the picture, never over it"

    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    settle(qtbot, window)
    second = lesson.steps[1]
    assert player.index == 1 and window.model.scene.walkers[0].lr == 0.05
    assert player.banner.narration.text() == second.narration != first.narration
    assert not player.banner.try_this.isVisible(), "this step has nothing to try"
    # the step plays to its end
    window.model.update(speed=1000.0)
    with qtbot.waitSignal(window.model.finished, timeout=15_000):
        window.model.play()
    assert window.model.position == window.model.end
    assert window.walks is not None and window.walks.trajectories[0].stop_reason.value == \
        "converged"

    qtbot.keyClick(window.view, Qt.Key.Key_PageUp)
    settle(qtbot, window)
    assert player.index == 0 and window.model.scene.walkers == first.scene.walkers
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp)            # nothing before the first
    assert player.index == 0 and not player.previous_action.isEnabled()
    for _ in range(10):
        player.next()
    assert player.index == 4 and not player.next_action.isEnabled()


def test_presentation_mode_keeps_the_keys_and_enlarges_the_words(window, qtbot):
    player = player_of(window)
    lesson = player.load(LESSONS["02-downhill-arrows"])
    settle(qtbot, window)
    normal = player.banner.narration.font().pointSizeF()
    window.presentation.set_on(True)
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=5000)
    focus_view(qtbot, window)
    assert not window.menuBar().isVisible() and player.banner.isVisible()
    assert player.banner.narration.font().pointSizeF() >= 1.9 * normal
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    settle(qtbot, window)
    assert player.index == 1 and window.model.scene.expression == lesson.steps[1].scene.expression
    assert player.banner.narration.text() == lesson.steps[1].narration
    window.presentation.set_on(False)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5000)
    assert player.banner.narration.font().pointSizeF() == normal


def test_closing_keeps_the_scene_and_a_broken_file_keeps_the_lesson(window, qtbot, tmp_path):
    player = player_of(window)
    player.load(LESSONS["03-constant-stride"])
    settle(qtbot, window)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "gradient-mountain-lesson", "version": 1, "title": "x", '
                      '"steps": [{"scene": {}, "narration": 3}]}')
    with pytest.raises(LessonFileError, match="step 1"):
        player.load(broken)
    assert player.lesson is not None and player.lesson.title.startswith("The walker")
    scene = window.model.scene
    player.close_action.trigger()
    assert player.lesson is None and not player.banner.isVisible()
    assert window.model.scene == scene and not player.next_action.isEnabled()


def test_the_longest_narration_fits_the_band_at_both_sizes(qapp):
    from app.ui.render.caption import (
        NARRATION_LINES,
        _narration_font,
        draw_narration,
        narration_height,
        narration_px,
        wrap_words,
    )

    texts = [s.narration for p in builtin_lessons() for s in load_lesson(p).steps]
    longest = max(texts, key=len)
    for w, h in ((1280, 720), (640, 360)):
        px = narration_px(h)
        assert px >= 13, "legible"
        fm = QFontMetricsF(_narration_font(px))
        lines = wrap_words(fm, longest, w - 1.6 * px)
        assert len(lines) <= NARRATION_LINES and " ".join(lines) == longest, "nothing cut"
        band = narration_height(w, texts, px)
        assert band <= 0.25 * h, "the picture keeps most of the frame"
        image = draw_narration(w, band, longest, px=px, counter="5/5")
        assert image.shape == (band, w, 4)
        ink = image[..., :3].max(axis=2) > 120
        assert ink[:, : w // 2].any() and ink[-3:].sum() == 0, "text inside, none at the edge"


def _lesson_file(tmp_path: Path) -> tuple[Path, list[str]]:
    narrations = ["The first step: a round bowl, and a walker that walks straight in.",
                  "The second step: the slope of a curve, and steps against its sign.",
                  "The third step: a pass between two hills, where the slope is zero too."]
    scenes = [
        {"expression": "x^2 + y^2", "domain": [[-2, 2], [-2, 2]], "resolution": 40,
         "walkers": [{"rule": "gradient", "lr": 0.2, "start": [1.5, 1.0]}],
         "camera": {"azimuth": -90, "elevation": 60}},
        {"expression": "x^2", "domain": [[-3, 3]],
         "walkers": [{"rule": "gradient", "lr": 0.1, "start": [2.5]}]},
        {"expression": "x^2 - y^2", "domain": [[-2, 2], [-2, 2]], "resolution": 40,
         "theme": "light", "walkers": [{"rule": "gradient", "lr": 0.1, "start": [1.8, 0.05]}]},
    ]
    doc = {"format": "gradient-mountain-lesson", "version": 1, "title": "Three steps",
           "steps": [{"scene": s, "narration": n} for s, n in zip(scenes, narrations,
                                                                   strict=True)]}
    path = tmp_path / "three.json"
    path.write_text(json.dumps(doc))
    return path, narrations


def _export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "export", *args],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)


def test_export_lesson_covers_every_step_with_its_words(qapp, tmp_path):
    from app.ui.render.lesson_export import (
        END_HOLD,
        lesson_settings,
        narration_band,
        plan_lesson,
    )

    path, _ = _lesson_file(tmp_path)
    out = tmp_path / "lesson.gif"
    args = ["--lesson", str(path), "--out", str(out), "--size", "320x180", "--fps", "10",
            "--seconds", "1"]
    r = _export(*args)
    assert r.returncode == 0, r.stderr
    frames = read_frames(out)
    lesson = load_lesson(path)
    settings = lesson_settings(build_parser().parse_args(["export", *args]))
    _, band = narration_band(lesson, settings)
    plans = plan_lesson(lesson, settings, band)
    assert [p.frames for p in plans] == [10, 10, 10], "--seconds 1 caps each step's walk"
    assert all(p.hold >= END_HOLD * 10 for p in plans)
    assert len(frames) == sum(p.total for p in plans) >= sum(p.frames + 15 for p in plans)
    assert f"wrote {len(frames)} frames (3 steps" in r.stdout
    assert all(f.shape == (180, 320, 3) for f in frames)
    # the narration band: the same place in every frame, its words change with the step
    starts = np.cumsum([0] + [p.total for p in plans])[:-1]
    words = [frames[s][-band:].astype(int) for s in starts]
    assert all(np.abs(words[i] - words[i + 1]).mean() > 2 for i in range(2))
    for s, p in zip(starts, plans, strict=True):
        step = frames[s: s + p.total]
        assert all(np.array_equal(f[-band:], step[0][-band:]) for f in step), "steady words"
        held = step[p.frames - 1:]
        assert all(np.array_equal(f, held[0]) for f in held), "the last frame is held"
        spread = np.ptp(step[0][-band:].astype(int), axis=2)
        assert (spread < 40).mean() > 0.98, "only text in the band: no picture under it"
    assert np.ptp(frames[starts[0]][: 180 - band].astype(int), axis=2).max() > 80, \
        "the picture above is in colour"


def test_export_lesson_refuses_broken_input_in_one_line(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "gradient-mountain-lesson", "version": 7}')
    path, _ = _lesson_file(tmp_path)
    for args, fragment in (
            (["--lesson", str(broken)], "version 7 is newer"),
            (["--lesson", str(tmp_path / "none.json")], "cannot read"),
            (["--lesson", str(path), "--preset", "bowl"], "leave out --preset"),
            (["--lesson", str(path), "--scale", "2"], "--lesson makes a video")):
        out = tmp_path / "out.gif"
        r = _export(*args, "--out", str(out))
        assert r.returncode == 2, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
        assert not out.exists()
