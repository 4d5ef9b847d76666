"""Numbers at the edges (issue 14): every limit of ``app.core.limits`` is enforced at the door,
with one line, and nothing inside ever overflows (5e-324, 1e308, NaN, ±inf, -0.0 …)."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import limits as lim
from app.core.animation import AnimationSettings
from app.core.parameters import Parameter
from app.core.scene import MAX_BASINS_RESOLUTION, MAX_WALKERS, Camera, Scene, Walker
from app.core.scene_file import SceneFileError, parse_scene, scene_to_dict

HOSTILE = [5e-324, -5e-324, 1e308, -1e308, 1.7976931348623157e308, math.nan, math.inf,
           -math.inf, -0.0, 0.0, 1e-300, 1e6 + 1, -1e6 - 1, 10**400]


def bowl(**changes: Any) -> Scene:
    return Scene.from_preset("bowl", **changes)


def one_line(e: BaseException) -> str:
    text = str(e)
    assert text and "\n" not in text and "Traceback" not in text and len(text) < 300
    return text


# --- the table of limits ----------------------------------------------------------------------

def test_the_limits_are_the_decided_ones():
    assert (lim.MAX_WALKERS, lim.MAX_STEPS, lim.MAX_TOTAL_STEPS) == (100, 100_000, 200_000)
    assert (lim.MIN_RESOLUTION, lim.MAX_RESOLUTION) == (8, 512)
    assert MAX_BASINS_RESOLUTION == lim.MAX_BASINS_RESOLUTION == 512
    assert MAX_WALKERS == lim.MAX_WALKERS
    assert lim.MAX_FRAMES == 3600 and (lim.MAX_FPS, lim.MAX_GIF_FPS) == (60, 50)
    for name in ("MAX_WALKERS", "MAX_STEPS", "MAX_FRAMES", "MAX_COORD", "MIN_SPEED"):
        assert name in (lim.__doc__ or ""), f"{name} is missing from the table"


@pytest.mark.parametrize(("lo", "hi", "problem"), [
    (-1.0, 1.0, None),
    (-1e6, 1e6, None),
    (1e6 - 1000, 1e6, None),                      # width 1000 = 1e-3 × 1e6: just enough
    (0.0, 1e-3, None),
    (0.0, 1e-4, "too narrow"),
    (1.0, 1.0, "needs min < max"),
    (2.0, -2.0, "needs min < max"),
    (-1e308, 1e308, "within ±1e+06"),
    (0.0, math.inf, "needs finite numbers"),
    (math.nan, 1.0, "needs finite numbers"),
    (0.0, 5e-324, "too narrow"),
    (1.0, 1.0 + 1e-12, "too narrow"),
    (1e6 - 999, 1e6, "too narrow"),               # the 3D view's float32: ~16 steps a cell
    (-10**400, 0, "within ±1e+06"),
])
def test_range_problem(lo, hi, problem):
    got = lim.range_problem(lo, hi)
    assert got is None if problem is None else problem in (got or "")


# --- Scene.validate ---------------------------------------------------------------------------

def test_walkers_steps_and_their_product():
    w = bowl().walkers[0]
    assert len(bowl(walkers=[w] * 100, max_steps=2000).walkers) == 100
    with pytest.raises(ValueError, match="101 walkers: at most 100 walkers"):
        bowl(walkers=[w] * 101)
    assert bowl(max_steps=100_000).max_steps == 100_000
    with pytest.raises(ValueError, match="max steps must be between 1 and 100,000"):
        bowl(max_steps=100_001)
    with pytest.raises(ValueError) as info:
        bowl(walkers=[w] * 3, max_steps=100_000)
    assert one_line(info.value) == ("3 walkers × 100,000 steps = 300,000 steps: at most "
                                    "200,000 in all; fewer steps or walkers")
    assert bowl(walkers=[w] * 2, max_steps=100_000).max_steps == 100_000


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"resolution": 513}, "mesh resolution must be between 8 and 512"),
    ({"resolution": 7}, "mesh resolution must be between 8 and 512"),
    ({"max_steps": 10**400}, "max steps must be between"),
    ({"max_steps": 2.5}, "max steps must be between"),
    ({"speed": 5e-324}, "speed must be between 0.01 and 1000"),
    ({"speed": 1e308}, "speed must be between"),
    ({"speed": math.nan}, "speed must be between"),
    ({"exaggeration": 5e-324}, "vertical exaggeration must be between"),
    ({"gtol": -1e-9}, "gtol must be between 0"),
    ({"gtol": math.inf}, "gtol must be between 0"),
    ({"domain": ((-1e308, 1e308), (-1.0, 1.0))}, "domain: the x range"),
    ({"domain": ((0.0, 5e-324), (-1.0, 1.0))}, "too narrow"),
    ({"domain": ((-1.0, 1.0), (1.0, 1.0 + 1e-12))}, "domain: the y range"),
    ({"domain": ((-1.0, 1.0), (-math.inf, 1.0))}, "needs finite numbers"),
    ({"camera": Camera(azimuth=1e308)}, "azimuth must be within"),
    ({"camera": Camera(distance=5e-324)}, "distance must be positive"),
    ({"camera": Camera(distance=1e308)}, "distance must be positive"),
    ({"camera": Camera(center=(0.0, 0.0, 1e308))}, "centre must be within"),
])
def test_scene_fields_out_of_range(changes, fragment):
    with pytest.raises(ValueError) as info:
        bowl(**changes)
    assert fragment in one_line(info.value)


@pytest.mark.parametrize(("walker", "fragment"), [
    ({"lr": 5e-324}, "learning rate must be a positive number up to 1000"),
    ({"lr": 1e308}, "learning rate"),
    ({"start": (1e308, 0.0)}, "start must lie within ±1e+06"),
    ({"start": (1e6 + 1, 0.0)}, "start must lie within"),
    ({"start": (math.nan, 0.0)}, "start needs 2 finite number(s)"),
    ({"rule": "momentum", "params": (("beta", 1e308),)}, "parameters must be finite numbers"),
    ({"noise": 1e308}, "noise σ must be a number from 0"),
])
def test_walker_numbers_out_of_range(walker, fragment):
    w = bowl().walkers[0]
    with pytest.raises(ValueError) as info:
        bowl(walkers=[w.replace(**walker)])
    assert fragment in one_line(info.value) and one_line(info.value).startswith("walker 1: ")


def test_edges_that_are_fine():
    w = bowl().walkers[0]
    scene = bowl(domain=((-1e6, 1e6), (1e6 - 1000, 1e6)), speed=0.01, exaggeration=1e-3,
                 resolution=512, walkers=[w.replace(start=(-1e6, 1e6), lr=1e-12)],
                 camera=Camera(azimuth=-720.0, distance=1e9, center=(1e6, -1e6, 1e9)))
    assert scene.domain[1] == (1e6 - 1000, 1e6) and scene.speed == 0.01


def test_parameters_are_bounded_and_declared_within_bounds():
    scene = Scene(expression="a*x^2 + y^2", domain=((-2.0, 2.0), (-2.0, 2.0)),
                  walkers=(Walker("gradient", 0.1, (), (1.0, 1.0)),))
    big = scene.declare_param("a", 1e6)
    assert big.param("a") == Parameter("a", 1e6, 0.0, 1e6)     # ± max(1, |a|), cut at 1e6
    with pytest.raises(ValueError, match=r"parameter a: its range \[-10000000, 1\] must lie"):
        scene.replace(params=[Parameter("a", 0.0, -1e7, 1.0)])
    with pytest.raises(ValueError, match="too narrow"):
        scene.replace(params=[Parameter("a", 1.0, 1.0, 1.0 + 1e-12)])


# --- animation settings -----------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "fragment"), [
    ({"fps": 0.001}, "fps must be between 1 and 60"),
    ({"fps": 61.0}, "fps must be between 1 and 60"),
    ({"fps": math.nan}, "fps must be between"),
    ({"speed": 5e-324}, "speed must be between 0.01 and 1000"),
    ({"speed": 0.001}, "speed must be between"),
    ({"seconds": 1e308}, "seconds must be between 0.1 and 600"),
    ({"seconds": 0.0}, "seconds must be between"),
    ({"max_seconds": math.inf}, "max seconds must be between"),
    ({"frames": 0}, "frames must be a whole number from 1 to 3,600"),
    ({"frames": 10**6}, "frames must be a whole number from 1 to 3,600"),
    ({"size": (8, 8)}, "size must be WIDTHxHEIGHT"),
    ({"size": (10**6, 720)}, "size must be WIDTHxHEIGHT"),
    ({"size": (3840, 2160), "scale": 4}, "at most 8192 a side"),
    ({"hold": math.inf}, "holds must be between"),
])
def test_animation_settings_out_of_range(changes, fragment):
    with pytest.raises(ValueError) as info:
        AnimationSettings(**changes)
    assert fragment in one_line(info.value)


def test_frame_count_has_a_ceiling_and_never_overflows():
    whole = AnimationSettings(max_seconds=None)
    assert whole.frame_count(100, 8.0) < lim.MAX_FRAMES
    with pytest.raises(ValueError) as info:
        whole.frame_count(500, 0.01)                  # about 1.5 million frames
    assert "at most 3,600" in one_line(info.value) and "1,500,046 frames" in str(info.value)
    for speed in (5e-324, 0.0, -1.0, math.nan):      # a speed from anywhere: never a crash
        with pytest.raises(ValueError, match=r"too many frames|at most 3,600"):
            whole.frame_count(500, speed)
    assert AnimationSettings().frame_count(10**9, 0.01) == 600   # the 20 s cap still cuts
    assert AnimationSettings(frames=3600, max_seconds=None).frame_count(10**9, 0.01) == 3600


# --- scene files: hostile numbers in every numeric field --------------------------------------

def base_doc() -> dict[str, Any]:
    scene = Scene(expression="a*x^2 + y^2", domain=((-2.0, 2.0), (-2.0, 2.0)),
                  walkers=(Walker("momentum", 0.1, (("beta", 0.5),), (1.0, 1.0),
                                  noise=0.1, seed=3),),
                  camera=Camera(azimuth=-60.0, elevation=28.0, distance=9.5,
                                center=(0.0, 0.0, 0.5)),
                  params=(Parameter("a", 1.0, 0.0, 2.0),))
    return scene_to_dict(scene, export={"size": [640, 360], "fps": 30, "speed": 8.0,
                                        "seconds": 6.0, "frames": 100})


FIELDS: dict[str, tuple[Any, ...]] = {
    "speed": ("scene", "speed"), "gtol": ("scene", "gtol"),
    "exaggeration": ("scene", "exaggeration"), "max_steps": ("scene", "max_steps"),
    "resolution": ("scene", "resolution"), "domain min": ("scene", "domain", 0, 0),
    "domain max": ("scene", "domain", 1, 1), "lr": ("scene", "walkers", 0, "lr"),
    "start": ("scene", "walkers", 0, "start", 1), "noise": ("scene", "walkers", 0, "noise"),
    "beta": ("scene", "walkers", 0, "params", "beta"),
    "azimuth": ("scene", "camera", "azimuth"), "elevation": ("scene", "camera", "elevation"),
    "distance": ("scene", "camera", "distance"), "centre": ("scene", "camera", "center", 2),
    "param value": ("scene", "params", 0, "value"), "param min": ("scene", "params", 0, "min"),
    "param max": ("scene", "params", 0, "max"), "export fps": ("export", "fps"),
    "export speed": ("export", "speed"), "export seconds": ("export", "seconds"),
    "export frames": ("export", "frames"),
}


def with_value(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base_doc())
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def load_or_refuse(doc: dict[str, Any]):
    """The loaded scene, or None when refused with one line (anything else fails the test)."""
    try:
        text = json.dumps(doc)          # NaN and ±inf as JSON's NaN/Infinity: refused too
    except (ValueError, OverflowError):
        return None
    try:
        return parse_scene(text)
    except SceneFileError as e:
        assert one_line(e).startswith("scene file: ")
        return None


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: str(v)[:12])
def test_hostile_numbers_in_scene_files(field, value):
    path = FIELDS[field]
    loaded = load_or_refuse(with_value(path, value))
    if loaded is None:
        return
    back = scene_to_dict(loaded.scene, export=loaded.export)  # what was read, kept as given
    node: Any = back
    for key in path:
        if key not in node and value == 0:                      # noise 0 is not written
            return
        node = node[key]
    assert node == value and math.copysign(1, node) == math.copysign(1, value)
    assert abs(value) <= lim.MAX_DISTANCE and value not in (10**400, 1e308)


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("speed", 5e-324, "scene file: speed must be between 0.01 and 1000"),
    ("domain min", -1e308, "scene file: 'domain': the x range"),
    ("start", 1e308, "start must lie within"),
    ("resolution", 1000, "mesh resolution must be between 8 and 512"),
    ("max_steps", 1_000_000, "max steps must be between 1 and 100,000"),
    ("export fps", 0.001, "scene file: 'export': fps must be between 1 and 60"),
    ("export seconds", 1e308, "'export': seconds must be between"),
    ("export frames", 10**6, "'export': frames must be a whole number"),
])
def test_what_scene_files_are_told(field, value, fragment):
    with pytest.raises(SceneFileError) as info:
        parse_scene(json.dumps(with_value(FIELDS[field], value)))
    assert fragment in one_line(info.value)


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(min_value=-2e6, max_value=2e6),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FIELDS)), NUMBERS)
def test_any_number_anywhere_loads_or_is_refused_in_one_line(field, value):
    loaded = load_or_refuse(with_value(FIELDS[field], value))
    if loaded is None:
        return
    loaded.scene.validate()
    settings_ = AnimationSettings.from_export_dict(loaded.export)
    try:                                              # the export's length: a number or
        n = settings_.frame_count(loaded.scene.max_steps, loaded.scene.speed)
        assert 1 <= n <= lim.MAX_FRAMES               # one line, never an overflow
    except ValueError as e:
        assert "at most 3,600" in one_line(e)
