"""Lessons: every shipped lesson loads and says what its walkers really do; broken or hostile
lesson files are refused with one line that says where."""

from __future__ import annotations

import json
import math
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from app.core.lesson import (
    MAX_BYTES,
    LessonFileError,
    builtin_lessons,
    dict_to_lesson,
    lesson_to_dict,
    load_lesson,
    parse_lesson,
)
from app.core.scene import Scene
from app.core.trajectory import StopReason

LESSONS = {p.stem: p for p in builtin_lessons()}
STEP = {"scene": {"expression": "x^2 + y^2", "domain": [[-2, 2], [-2, 2]],
                  "walkers": [{"rule": "gradient", "lr": 0.1, "start": [1.5, 1.0]}]},
        "narration": "The walker goes down.", "try": "Move the start."}
GOOD = {"format": "gradient-mountain-lesson", "version": 1, "title": "A bowl",
        "steps": [STEP, STEP, STEP]}


def runs(scene: Scene):
    return scene.run_all()


# ---- the shipped lessons ------------------------------------------------------------------

def test_six_lessons_ship_in_teaching_order():
    assert list(LESSONS) == ["01-the-slope", "02-downhill-arrows", "03-constant-stride",
                             "04-learning-rate", "05-optimiser-race", "06-conditioning-lab"]


@pytest.mark.parametrize("name", list(LESSONS))
def test_every_shipped_lesson_loads_and_is_well_formed(name):
    lesson = load_lesson(LESSONS[name])
    assert lesson.title and 3 <= len(lesson) <= 6
    for n, step in enumerate(lesson.steps, start=1):
        assert step.scene.camera is not None, f"step {n} frames its point with a camera"
        words = step.narration.split()
        assert 10 <= len(words) <= 60, f"step {n}: {len(words)} words is hard to read aloud"
        assert step.narration[0].isupper() and step.narration.endswith((".", "?", "!"))
        for traj in runs(step.scene):
            assert len(traj) >= 2, f"step {n}: every walker moves"
    again = parse_lesson(json.dumps(lesson_to_dict(lesson)))
    assert again == lesson


def test_the_slope_lesson_follows_the_explainer():
    one, two, three, four, five = load_lesson(LESSONS["01-the-slope"]).steps
    assert all(s.scene.dim == 1 for s in (one, two, three, four, five))
    first = runs(one.scene)[0]
    assert first[1].point[0] < first[0].point[0], "positive slope: the walker steps left"
    assert runs(two.scene)[0][1].point[0] > two.scene.walkers[0].start[0]
    end = runs(three.scene)[0]
    assert end.stop_reason is StopReason.CONVERGED and abs(end[-1].point[0]) < 1e-5
    steps = [abs(b.point[0] - a.point[0]) for a, b in pairwise(end)]
    assert steps == sorted(steps, reverse=True), "the steps shrink with the slope"
    right, = runs(four.scene)
    red, blue = runs(five.scene)
    assert right[-1].point[0] > 0 and blue[-1].point[0] < 0 and blue[-1].f < red[-1].f


def test_the_arrows_lesson_shows_arrows_and_the_saddle():
    steps = load_lesson(LESSONS["02-downhill-arrows"]).steps
    assert all(s.scene.show_arrows for s in steps)
    red, blue = runs(steps[-1].scene)
    assert red.stop_reason is StopReason.CONVERGED and max(map(abs, red[-1].point)) < 1e-5
    assert blue.stop_reason is StopReason.LEFT_DOMAIN


def test_the_stride_lesson_walks_with_a_constant_stride():
    steps = load_lesson(LESSONS["03-constant-stride"]).steps
    assert steps[0].scene.walkers[0].rule == "stride"
    traj = runs(steps[0].scene)[0]
    lengths = [math.dist(a.point, b.point) for a, b in pairwise(traj)]
    assert all(abs(d - 0.1) < 1e-9 for d in lengths), "every stride is η long"
    assert traj.stop_reason is StopReason.STALLED, "it stops when it cannot go down"
    red, blue, green, orange = runs(steps[2].scene)
    assert blue[-1].f < -6.5 < min(red[-1].f, green[-1].f), "only blue finds the deepest"
    assert orange.stop_reason is StopReason.LEFT_DOMAIN


def test_the_learning_rate_lesson_is_too_small_right_and_too_large():
    small, right, bouncy, large, all_four = load_lesson(LESSONS["04-learning-rate"]).steps
    assert runs(small.scene)[0].stop_reason is StopReason.MAX_STEPS
    assert runs(right.scene)[0].stop_reason is StopReason.CONVERGED
    zigzag = runs(bouncy.scene)[0]
    ys = [s.point[1] for s in zigzag[:8]]
    assert zigzag.stop_reason is StopReason.CONVERGED
    assert all(a * b < 0 for a, b in pairwise(ys[1:])), "it zig-zags"
    assert runs(large.scene)[0].stop_reason in (StopReason.DIVERGED, StopReason.LEFT_DOMAIN)
    assert [w.lr for w in all_four.scene.walkers] == [0.005, 0.05, 0.09, 0.105]


def test_the_race_has_five_rules_and_curvature_wins():
    steps = load_lesson(LESSONS["05-optimiser-race"]).steps
    final = steps[-1].scene
    assert [w.rule for w in final.walkers] == ["gradient", "momentum", "adam", "newton", "bfgs"]
    by_rule = {w.rule: t for w, t in zip(final.walkers, runs(final), strict=True)}
    for rule in ("newton", "bfgs"):
        assert by_rule[rule].stop_reason is StopReason.CONVERGED and by_rule[rule].steps <= 60
    gap = {r: math.dist(t[-1].point, (1, 1)) for r, t in by_rule.items()}
    assert gap["gradient"] > 1.5 and gap["momentum"] < 0.1 and gap["adam"] < 0.2


def test_the_conditioning_lab_stretches_and_turns():
    round_, aligned, turned, stretched, newton = load_lesson(
        LESSONS["06-conditioning-lab"]).steps
    n = {k: runs(s.scene)[0].steps for k, s in
         (("round", round_), ("aligned", aligned), ("turned", turned), ("100", stretched))}
    assert n["round"] < n["aligned"]
    assert abs(n["aligned"] - n["turned"]) <= 2, "gradient descent does not mind the turn"
    assert 6 <= n["100"] / n["turned"] <= 15, "ten times the stretch, ~ten times the steps"
    _, nt = runs(newton.scene)
    assert nt.steps == 1 and nt.stop_reason is StopReason.CONVERGED
    # ½(κu² + v²) with u, v turned by θ: the conditioning preset's f, κ and θ as parameters
    # (sliders in the window)
    values = [s.scene.param_values for s in (round_, aligned, turned, stretched, newton)]
    assert values == [{"kappa": 1, "theta": 0}, {"kappa": 10, "theta": 0},
                      {"kappa": 10, "theta": 30}, {"kappa": 100, "theta": 30},
                      {"kappa": 100, "theta": 30}]
    assert len({s.scene.expression for s in (round_, aligned, turned, stretched)}) == 1


# ---- broken files -------------------------------------------------------------------------

def _with(change) -> dict[str, Any]:
    doc = json.loads(json.dumps(GOOD))       # three steps of their own (no shared objects)
    change(doc)
    return doc


BROKEN: list[tuple[Any, str]] = [
    (_with(lambda d: d.update(version=2)), "version 2 is newer"),
    (_with(lambda d: d.update(version="1")), "unsupported version"),
    (_with(lambda d: d.update(version=True)), "unsupported version"),
    (_with(lambda d: d.update(format="gradient-mountain-scene")), "that is a scene"),
    (_with(lambda d: d.update(author="me")), "unknown key 'author' at the top"),
    (_with(lambda d: d["steps"][1].update(notes="x")), "step 2: unknown key 'notes'"),
    (_with(lambda d: d["steps"][1]["scene"]["walkers"][0].update(rule="warp")),
     "step 2: scene: unknown rule 'warp'"),
    (_with(lambda d: d["steps"][1]["scene"].update(expression="x +* y")),
     "step 2: scene: expression:"),
    (_with(lambda d: d["steps"][1]["scene"].update(zoom=2)),
     "step 2: scene: unknown key 'zoom'"),
    (_with(lambda d: d["steps"][2].update(narration=3)),
     "step 3: 'narration' must be text, not a number"),
    (_with(lambda d: d["steps"][2].update(narration="  ")), "step 3: 'narration' must not be"),
    (_with(lambda d: d["steps"][0].update(narration="a" * 700)), "step 1: 'narration' is too"),
    (_with(lambda d: d["steps"][0].update(narration="bell\x07")), "control character"),
    (_with(lambda d: d["steps"][1].update({"try": ["x"]})), "step 2: 'try' must be text"),
    (_with(lambda d: d["steps"][1].pop("scene")), "step 2: missing 'scene'"),
    (_with(lambda d: d["steps"].__setitem__(1, "scene")), "step 2 must be an object"),
    (_with(lambda d: d.pop("title")), "missing 'title'"),
    (_with(lambda d: d.update(steps=[])), "at least one step"),
    (_with(lambda d: d.update(steps=[STEP] * 51)), "at most 50 steps"),
    ([1, 2], "expected a JSON object"),
]


@pytest.mark.parametrize(("doc", "fragment"), BROKEN)
def test_broken_lessons_give_one_line_that_says_where(doc, fragment):
    with pytest.raises(LessonFileError) as info:
        parse_lesson(json.dumps(doc))
    message = str(info.value)
    assert message.startswith("lesson file: ") and "\n" not in message
    assert fragment in message, message


@pytest.mark.parametrize(("data", "fragment"), [
    (b"{\"format\": \"gradient-mountain-lesson\", \"version\": 1,", "truncated"),
    (b"title: not json", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"", "empty"),
    (b'{"format": "gradient-mountain-lesson", "version": NaN}', "NaN is not allowed"),
    (b'{"a": 1, "a": 2}', "duplicate key"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply to be a lesson"),
])
def test_files_that_are_not_lessons(tmp_path: Path, data: bytes, fragment: str):
    path = tmp_path / "broken.json"
    path.write_bytes(data)
    with pytest.raises(LessonFileError) as info:
        load_lesson(path)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_a_huge_file_is_refused_unread(tmp_path: Path):
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (MAX_BYTES + 10) + json.dumps(GOOD).encode())
    with pytest.raises(LessonFileError, match="larger than 2 MB"):
        load_lesson(path)
    with pytest.raises(LessonFileError, match="cannot read"):
        load_lesson(tmp_path / "missing.json")


def test_text_in_a_lesson_is_never_run(tmp_path: Path):
    marker = tmp_path / "ran"
    doc = _with(lambda d: d["steps"][0]["scene"].update(
        expression=f"__import__('os').system('touch {marker}')"))
    with pytest.raises(LessonFileError, match="step 1: scene: expression"):
        dict_to_lesson(doc)
    lesson = dict_to_lesson(_with(lambda d: d["steps"][0].update(
        narration=f"<b>bold</b> __import__('os').system('touch {marker}')")))
    assert lesson.steps[0].narration.startswith("<b>bold</b>")     # kept as plain text
    assert not marker.exists()


def test_white_space_is_tidied_and_the_prompt_is_optional():
    step = {**STEP, "narration": "  Two\n lines\tof  text. "}
    step.pop("try")
    lesson = dict_to_lesson({**GOOD, "steps": [step]})
    assert lesson.steps[0].narration == "Two lines of text." and lesson.steps[0].try_this is None
    assert "try" not in lesson_to_dict(lesson)["steps"][0]
