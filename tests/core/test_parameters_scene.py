"""A scene declares its function's parameters: validated strictly, saved in scene files (an
optional key: older files load), and every compile of the scene binds their values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.parameters import Parameter, compile_scene
from app.core.scene import Scene, Walker
from app.core.scene_file import SceneFileError, dict_to_scene, load_scene, save_scene

A = Parameter("a", 3.0, 0.0, 6.0)


def bowl(**changes) -> Scene:
    base = Scene(expression="a*x^2 + y^2", domain=((-2.0, 2.0), (-2.0, 2.0)),
                 walkers=(Walker("gradient", 0.1, (), (1.0, 1.0)),), params=(A,))
    return base.replace(**changes).validate()


def doc(params) -> dict:
    return {"format": "gradient-mountain-scene", "version": 2,
            "scene": {"expression": "a*x^2 + y^2", "domain": [[-2, 2], [-2, 2]],
                      "walkers": [{"rule": "gradient", "lr": 0.1, "start": [1, 1]}],
                      "params": params}}


def test_the_scene_compiles_with_its_values():
    scene = bowl()
    f = scene.compile()
    assert f.params == {"a": 3.0} and f.value(1.0, 1.0) == 4.0
    g = scene.with_param_values(a=0.5).compile()
    assert g.value(1.0, 1.0) == 1.5 and g._source is f._source      # parsed once
    (t,) = scene.run_all()
    assert tuple(t.points[1]) == pytest.approx((0.4, 0.8))           # x₁ = x₀ − η∇f(x₀)
    assert scene.param("a") == A and scene.param_values == {"a": 3.0}
    assert compile_scene(scene).value(1.0, 1.0) == 4.0


def test_file_round_trip_with_parameters(tmp_path: Path):
    scene = bowl(params=(A, Parameter("kappa", 10.0, 1.0, 100.0)),
                 expression="a*x^2 + kappa*y^2")
    path = save_scene(tmp_path / "p.json", scene)
    written = json.loads(path.read_text(encoding="utf-8"))["scene"]["params"]
    assert written == [{"name": "a", "value": 3.0, "min": 0.0, "max": 6.0},
                       {"name": "kappa", "value": 10.0, "min": 1.0, "max": 100.0}]
    loaded = load_scene(path).scene
    assert loaded == scene and loaded.params == scene.params
    assert loaded.compile().value(1.0, 1.0) == 13.0


def test_files_without_parameters_are_unchanged(tmp_path: Path):
    scene = Scene.from_preset("bowl")
    path = save_scene(tmp_path / "b.json", scene)
    assert "params" not in json.loads(path.read_text(encoding="utf-8"))["scene"]
    assert load_scene(path).scene.params == ()


@pytest.mark.parametrize("params, fragment", [
    ([{"name": "x", "value": 1, "min": 0, "max": 2}], "'x' cannot be a parameter"),
    ([{"name": "ab", "value": 1, "min": 0, "max": 2}], "'ab' cannot be a parameter"),
    ([{"name": "a", "value": 1, "min": 2, "max": 2}], "min must be less than max"),
    ([{"name": "a", "value": 5, "min": 0, "max": 2}], "value 5 is outside [0, 2]"),
    ([{"name": "a", "value": "1", "min": 0, "max": 2}], "'a.value' must be a number"),
    ([{"name": "a", "value": 1, "min": 0}], "missing 'max' in parameter 1"),
    ([{"name": "a", "value": 1, "min": 0, "max": 2, "step": 1}], "unknown key 'step'"),
    ([{"name": "a", "value": 1, "min": 0, "max": 2}] * 2, "parameter a is declared twice"),
    ({"a": 1}, "'params' must be a list"),
    ([3], "parameter 1 must be an object"),
    ([], "unknown name 'a' — make it a parameter?"),     # used, not declared
])
def test_bad_parameters_are_refused_in_one_line(params, fragment):
    with pytest.raises(SceneFileError) as e:
        dict_to_scene(doc(params))
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_a_declared_but_unused_parameter_is_allowed():
    d = doc([{"name": "a", "value": 1, "min": 0, "max": 2},
             {"name": "b", "value": 1, "min": 0, "max": 2}])
    assert [p.name for p in dict_to_scene(d).scene.params] == ["a", "b"]


def test_scene_validation():
    with pytest.raises(ValueError, match="outside"):
        bowl().with_param_values(a=7.0)
    with pytest.raises(ValueError, match="no parameter 'b'"):
        bowl().with_param_values(b=1.0)
    with pytest.raises(ValueError, match="finite"):
        bowl(params=(Parameter("a", float("nan"), 0.0, 1.0),))
    with pytest.raises(ValueError, match="at most 16"):
        bowl(params=[Parameter(c, 0.0, -1.0, 1.0) for c in "abcdfghijklmnopqrst"])
    widened = A.with_value(-1.0)
    assert (widened.low, widened.value, widened.high) == (-1.0, -1.0, 6.0)


def test_declaring_a_parameter_in_one_click():
    scene = Scene.from_preset("bowl").replace(expression="k*x^2 + y^2")
    declared = scene.declare_param("k")
    assert declared.params == (Parameter("k", 1.0, 0.0, 2.0),)
    assert declared.declare_param("k", 5.0) is declared          # already there: kept
    assert declared.compile().value(1.0, 1.0) == 2.0
    with pytest.raises(ValueError, match="cannot be a parameter"):
        scene.declare_param("x")
