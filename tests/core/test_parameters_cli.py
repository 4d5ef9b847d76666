"""--param NAME=VALUE on every command and export --animate NAME=FROM:TO: exact numbers, and
every mistake one `error:` line with status 2 (the export errors come before any display)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.parameters import Parameter
from app.core.scene import Scene
from app.core.scene_file import save_scene

FIRST_STEP = ["descend", "--expr", "a*x^2 + y^2", "--start", "1", "1", "--lr", "0.1",
              "--rule", "gradient", "--steps", "1", "--json"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def one_error(capsys, *args: str) -> str:
    rc, out, err = run(capsys, *args)
    assert rc == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_first_step_with_a_parameter(capsys):
    rc, out, err = run(capsys, *FIRST_STEP, "--param", "a=3")
    assert rc == 0 and err == ""
    doc = json.loads(out)
    assert doc["params"] == {"a": 3.0}
    (walker,) = doc["walkers"]
    x0, x1 = walker["points"]
    assert x0 == [1.0, 1.0, 4.0]                          # f = 3·1 + 1
    # ∇f(1, 1) = (2a·x, 2y) = (6, 2): x₁ = (1 − 0.6, 1 − 0.2)
    assert x1[:2] == pytest.approx([0.4, 0.8], abs=1e-15)
    assert x1[2] == pytest.approx(3 * 0.16 + 0.64)


def test_undeclared_parameter_says_how_to_declare_it(capsys):
    err = one_error(capsys, *FIRST_STEP)
    assert "uses a" in err and "--param a=VALUE" in err
    err = one_error(capsys, "basins", "--expr", "a*x^2 + b*y^2", "--param", "a=1")
    assert "--param b=VALUE" in err


@pytest.mark.parametrize("args, fragment", [
    (["--param", "a=3", "--param", "b=1"], "--param b: the expression does not use b"),
    (["--param", "a=3", "--param", "a=4"], "--param a is given twice"),
    (["--param", "a"], "--param needs NAME=VALUE"),
    (["--param", "a=three"], "--param a: 'three' is not a number"),
    (["--param", "y=3"], "'y' cannot be a parameter"),
])
def test_bad_param_options(capsys, args, fragment):
    assert fragment in one_error(capsys, *FIRST_STEP, *args)


def test_presets_and_scene_files_can_be_overridden(capsys, tmp_path: Path):
    rc, out, _ = run(capsys, "descend", "--preset", "conditioning", "--json")
    default = json.loads(out)
    assert rc == 0 and default["params"] == {"kappa": 10.0, "theta": 30.0}
    assert default["walkers"][0]["stop_reason"] == "converged"
    # κ = 30: η = 0.19 > 2/λmax = 1/15, so the same walker now diverges
    rc, out, _ = run(capsys, "descend", "--preset", "conditioning", "--param", "kappa=30",
                     "--json")
    steep = json.loads(out)
    assert rc == 0 and steep["params"]["kappa"] == 30.0
    assert steep["walkers"][0]["stop_reason"] != "converged"
    # beyond the declared range: the range widens, the value is taken
    scene = Scene.from_preset("bowl").replace(expression="a*x^2 + y^2",
                                              params=[Parameter("a", 1.0, 0.0, 2.0)])
    path = save_scene(tmp_path / "s.json", scene)
    rc, out, _ = run(capsys, "descend", "--scene", str(path), "--param", "a=5", "--steps", "1",
                     "--json")
    start = scene.walkers[0].start
    x1 = json.loads(out)["walkers"][0]["points"][1]
    assert rc == 0 and x1[0] == pytest.approx(start[0] * (1 - 0.1 * 2 * 5))


@pytest.mark.parametrize("spec, fragment", [
    ("a=x:5", "--animate a: 'x' is not a number"),
    ("b=0:1", "the expression uses a, which is not given: pass --param a=VALUE"),
    ("x=0:1", "'x' cannot be a parameter"),
    ("a=2:2", "FROM and TO are the same number"),
    ("a=0.5", "--animate needs NAME=FROM:TO"),
])
def test_bad_animate_specs(capsys, tmp_path: Path, spec, fragment):
    out = tmp_path / "a.gif"
    err = one_error(capsys, "export", "--expr", "a*x^2 + y^2", "--animate", spec,
                    "--out", str(out), "--frames", "10")
    assert fragment in err
    assert not out.exists()


def test_animate_of_an_unused_name(capsys, tmp_path: Path):
    err = one_error(capsys, "export", "--expr", "a*x^2 + y^2", "--param", "a=1", "--animate",
                    "b=0:1", "--out", str(tmp_path / "a.gif"))
    assert "--animate b: the expression does not use b" in err


def test_animate_declares_its_parameter_and_needs_an_animation(capsys, tmp_path: Path):
    err = one_error(capsys, "export", "--expr", "a*x^2 + y^2", "--animate", "a=0.5:5",
                    "--out", str(tmp_path / "still.png"))
    assert "--animate is for an animation" in err
    from app.cli import build_parser, scene_from_args

    a = build_parser().parse_args(["export", "--expr", "a*x^2 + y^2", "--animate", "a=5:0.5",
                                   "--out", str(tmp_path / "x.gif")])
    assert scene_from_args(a).params == (Parameter("a", 5.0, 0.0, 10.0),)   # 5 ± 5
    a = build_parser().parse_args(["export", "--expr", "a*x^2 + y^2", "--animate", "a=1:20",
                                   "--param", "a=3", "--out", str(tmp_path / "x.gif")])
    assert scene_from_args(a).params == (Parameter("a", 1.0, 0.0, 20.0),)   # holds FROM…TO
