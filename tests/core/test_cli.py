"""The command line: presets, descend (table and strict JSON for every walker), basins
--walker, one-line errors with status 2, and a quiet exit when the reader goes away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.core.basins import basin_map
from app.core.scene import WALKER_COLORS, Scene, Walker
from app.core.scene_file import load_scene, save_scene

ROOT = Path(__file__).parents[2]
COMPARE = ROOT / "resources" / "scenes" / "compare-optimisers.json"
TOP_KEYS = {"expression", "steps", "walkers"}
WALKER_KEYS = {"rule", "learning_rate", "params", "color", "start", "points", "stop_reason",
               "steps", "final"}


def _no_constants(name: str) -> Any:
    raise ValueError(f"not strict JSON: {name}")


def strict_json(text: str) -> dict[str, Any]:
    """Parse as strict JSON: NaN, Infinity and -Infinity are refused."""
    return json.loads(text, parse_constant=_no_constants)


def descend_json(capsys, *args: str) -> dict[str, Any]:
    assert main(["descend", *args, "--json"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.count("\n") == 1                    # one JSON object on one line
    doc = strict_json(out.out)
    assert set(doc) == TOP_KEYS and doc["walkers"]
    for w in doc["walkers"]:
        assert set(w) == WALKER_KEYS and set(w["final"]) == {"x", "y", "f", "grad_norm"}
        assert w["steps"] == len(w["points"]) - 1
    assert doc["steps"] == max(w["steps"] for w in doc["walkers"])
    return doc


def test_presets_lists_all(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "peaks" in out and "himmelblau" in out and "double_well" in out


def test_descend_json_contract(capsys):
    d = descend_json(capsys, "--expr", "x^2 + y^2", "--start", "1", "2", "--lr", "0.1",
                     "--rule", "gradient", "--steps", "30")
    assert d["expression"] == "x^2 + y^2" and d["steps"] == 30
    (w,) = d["walkers"]
    assert (w["rule"], w["learning_rate"], w["params"], w["color"], w["start"]) == \
        ("gradient", 0.1, {}, WALKER_COLORS[0], [1.0, 2.0])
    assert w["points"][0] == [1.0, 2.0, 5.0]
    assert w["steps"] == len(w["points"]) - 1 == 30
    assert w["stop_reason"] == "max_steps"
    assert w["points"][1][:2] == pytest.approx([0.8, 1.6])
    assert w["final"]["x"] == pytest.approx(0.8**30)
    assert w["final"]["y"] == pytest.approx(2 * 0.8**30)
    assert w["final"]["f"] == pytest.approx(w["points"][-1][2])
    assert w["final"]["grad_norm"] == pytest.approx(2 * 5**0.5 * 0.8**30)


def test_descend_preset_defaults_and_1d(capsys):
    d = descend_json(capsys, "--preset", "double_well")
    (w,) = d["walkers"]
    assert w["rule"] == "gradient" and len(w["points"][0]) == 2     # [x, f]
    assert w["stop_reason"] == "converged"
    assert w["final"]["y"] is None and w["final"]["x"] == w["points"][-1][0]


@pytest.mark.parametrize(("args", "reason", "nulls"), [
    # f = 1/x + y at x = 0: f and ∇f are infinite at the start
    (["--expr", "1/x + y", "--start", "0", "1"], "undefined", {"f", "grad_norm"}),
    # log of a negative number: f is undefined, and so is ∇f (not the formula 1/x's value)
    (["--expr", "log(x) + y", "--start", "-1", "1"], "undefined", {"f", "grad_norm"}),
    # a finite gradient whose norm overflows: ‖∇f‖ = inf
    (["--expr", "1e308*x + 1e308*y", "--start", "1", "-1"], "diverged", {"grad_norm"}),
])
def test_non_finite_numbers_are_null(capsys, args, reason, nulls):
    assert main(["descend", *args, "--json"]) == 0
    text = capsys.readouterr().out
    for token in ("NaN", "Infinity"):
        assert token not in text
    with pytest.raises(ValueError):           # the check is real: the parser refuses NaN
        strict_json('{"x": NaN}')
    d = strict_json(text)
    (w,) = d["walkers"]
    assert w["stop_reason"] == reason and w["steps"] == 0 and d["steps"] == 0
    assert {k for k, v in w["final"].items() if v is None} == nulls
    assert (w["points"][0][2] is None) == ("f" in nulls)
    assert w["points"][0][:2] == w["start"] == [float(v) for v in args[-2:]]


def test_a_run_that_leaves_through_a_pole_is_strict_json(capsys):
    d = descend_json(capsys, "--expr", "1/x + y", "--start", "0.001", "1")
    (w,) = d["walkers"]
    assert w["points"][0] == [0.001, 1.0, pytest.approx(1001.0)]
    assert w["stop_reason"] == "left_domain" and w["steps"] == 1


def test_diverging_walkers_are_strict_json(tmp_path, capsys):
    """η = 5 on a bowl: x ← −9·x; with stop_outside off it runs until it is 'far'."""
    bowl = Scene(expression="x^2 + y^2", domain=((-3.0, 3.0), (-3.0, 3.0)),
                 walkers=(Walker("gradient", 5.0, (), (1.5, 1.0)),
                          Walker("gradient", 0.1, (), (1.5, 1.0), WALKER_COLORS[1])),
                 stop_outside=False, max_steps=200).validate()
    path = save_scene(tmp_path / "wild.json", bowl)
    d = descend_json(capsys, "--scene", str(path))
    wild, tame = d["walkers"]
    assert wild["stop_reason"] == "diverged" and tame["stop_reason"] == "converged"
    assert abs(wild["points"][-1][0]) > 1e5
    assert d["steps"] == tame["steps"] > wild["steps"]
    # and the same run from the command line: --lr and --rule set every walker
    d = descend_json(capsys, "--expr", "x^2+y^2", "--lr", "5", "--rule", "gradient")
    (w,) = d["walkers"]
    assert w["stop_reason"] == "left_domain" and w["points"][1][:2] == [-13.5, -9.0]


def test_descend_json_prints_every_walker_of_a_scene_file(capsys):
    scene = load_scene(COMPARE).scene
    d = descend_json(capsys, "--scene", str(COMPARE))
    assert d["expression"] == scene.expression
    assert len(d["walkers"]) == len(scene.walkers) == 3
    for w, sw, t in zip(d["walkers"], scene.walkers, scene.run_all(), strict=True):
        assert (w["rule"], w["learning_rate"], w["color"]) == (sw.rule, sw.lr, sw.color)
        assert w["params"] == dict(sw.params) and w["start"] == list(sw.start)
        assert w["steps"] == t.steps and w["stop_reason"] == t.stop_reason.value
        assert w["points"][-1][:2] == pytest.approx(list(t.points[-1]))
    assert d["walkers"][1]["params"] == {"beta": 0.9}


def test_top_level_steps_is_the_longest_walker(tmp_path, capsys):
    scene = Scene.from_preset("himmelblau")
    w0 = scene.walkers[0]
    path = save_scene(tmp_path / "race.json", scene.replace(
        walkers=[w0, w0.replace(lr=0.001, color=WALKER_COLORS[1])]))
    d = descend_json(capsys, "--scene", str(path))
    short, long = d["walkers"]
    assert short["steps"] < 40 and long["steps"] == pytest.approx(345, abs=10)
    assert d["steps"] == long["steps"]


def test_overrides_apply_to_every_walker(capsys):
    d = descend_json(capsys, "--scene", str(COMPARE), "--rule", "adam", "--lr", "0.01",
                     "--start", "0", "0", "--steps", "20")
    assert [w["rule"] for w in d["walkers"]] == ["adam"] * 3
    assert [w["learning_rate"] for w in d["walkers"]] == [0.01] * 3
    assert [w["start"] for w in d["walkers"]] == [[0.0, 0.0]] * 3
    assert [w["params"] for w in d["walkers"]] == [{}] * 3        # momentum's beta is dropped
    assert [w["color"] for w in d["walkers"]] == list(WALKER_COLORS[:3])   # colours stay
    assert d["steps"] == 20
    d = descend_json(capsys, "--scene", str(COMPARE), "--rule", "nesterov", "--steps", "5")
    assert [w["params"] for w in d["walkers"]] == [{}, {"beta": 0.9}, {}]  # nesterov knows beta


def test_descend_table(capsys):
    assert main(["descend", "--preset", "peaks"]) == 0
    out = capsys.readouterr().out
    assert "∇f = (" in out and "can't go down any more" in out
    assert "walker 1" not in out                         # one walker: no walker headings


def test_descend_table_prints_every_walker(capsys):
    assert main(["descend", "--scene", str(COMPARE)]) == 0
    out = capsys.readouterr().out
    for i, rule in enumerate(["gradient", "momentum", "adam"], start=1):
        assert f"walker {i}: rule {rule}:" in out
    assert out.index("walker 1:") < out.index("walker 2:") < out.index("walker 3:")
    assert out.count("reached the step limit after 800 steps") == 3
    assert out.count("η = 0.001") == 2 and out.count("η = 0.05") == 1


def test_descend_table_with_non_finite_values(capsys):
    assert main(["descend", "--expr", "1/x + y", "--start", "0", "1"]) == 0
    out = capsys.readouterr()
    assert out.err == "" and "f is not defined at the start after 0 steps" in out.out


@pytest.mark.parametrize("args, fragment", [
    (["descend", "--expr", "x +* y"], "syntax"),
    (["descend", "--expr", "__import__('os')"], ""),
    (["descend", "--preset", "everest"], "unknown preset"),
    (["descend", "--rule", "sgd9"], "unknown rule"),
    (["descend", "--lr", "fast"], "not a number"),
    (["descend", "--lr", "-1"], "learning rate"),
    (["descend", "--start", "1"], "--start needs 2"),
    (["descend", "--preset", "double_well", "--start", "1", "2"], "--start needs 1"),
    (["descend", "--start", "nan", "1"], "not a finite number"),
    (["descend", "--steps", "0"], "max steps"),
    (["descend", "--bogus"], "unrecognized"),
    (["descend", "--preset", "peaks", "--expr", "x"], "not allowed with"),
    (["descend", "--preset", "peaks", "--scene", "x.json"], "not allowed with"),
    (["descend", "--scene", "/nonexistent/scene.json"], "no such file or directory"),
    (["basins", "--preset", "bowl", "--walker", "0"], "--walker must be 1 or more"),
    (["basins", "--preset", "bowl", "--walker", "2"], "this scene has 1 walker(s)"),
])
def test_bad_input_is_one_line_status_2(args, fragment, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert fragment in err


def test_basins_runs_the_chosen_walker(tmp_path, capsys):
    scene = Scene.from_preset("himmelblau")
    second = Walker("momentum", 0.002, (("beta", 0.5),), (0.0, 0.0), WALKER_COLORS[1])
    path = save_scene(tmp_path / "two.json", scene.replace(walkers=[scene.walkers[0], second]))
    assert main(["basins", "--scene", str(path), "--walker", "2", "--resolution", "16"]) == 0
    out = capsys.readouterr().out
    assert "(momentum, η = 0.002," in out
    assert main(["basins", "--scene", str(path), "--resolution", "16"]) == 0
    assert "(gradient, η = 0.01," in capsys.readouterr().out
    assert main(["basins", "--scene", str(path), "--walker", "2", "--resolution", "16",
                 "--json"]) == 0
    d = strict_json(capsys.readouterr().out)
    bm = basin_map(scene.compile(), scene.domain, "momentum", 0.002, resolution=16,
                   max_steps=scene.max_steps, gtol=scene.gtol, params={"beta": 0.5})
    assert [m["share"] for m in d["minima"]] == [m.share for m in bm.minima]
    assert d["unconverged_share"] == bm.unconverged_share
    assert main(["basins", "--scene", str(path), "--walker", "3"]) == 2
    assert "this scene has 2 walker(s)" in capsys.readouterr().err


# --- as a separate process ------------------------------------------------------------------

def env_with(unbuffered: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


BUFFERING = pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])


def test_console_script_runs_as_a_subprocess():
    out = subprocess.run([sys.executable, "main.py", "descend", "--preset", "bowl", "--json"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert strict_json(out.stdout)["walkers"][0]["stop_reason"] == "converged"


@BUFFERING
def test_pipe_into_head_exits_quietly(unbuffered: bool):
    """The README's `… | head -1`, with the shell reporting python's own exit status."""
    cmd = f"set -o pipefail; {sys.executable} main.py descend --preset rosenbrock | head -1"
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env=env_with(unbuffered))
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == "f = (1 - x)^2 + 100(y - x^2)^2\n"


@pytest.fixture(scope="module")
def big_scene(tmp_path_factory) -> Path:
    """60 walkers whose tables are ~150 kB: more than a pipe holds, so the reader leaving
    makes a write inside the command fail (not only the flush at exit)."""
    scene = Scene.from_preset("rosenbrock", max_steps=100)
    walkers = [Walker("gradient", 0.001, (), (-1.5 + 0.05 * i, 2.5),
                      WALKER_COLORS[i % len(WALKER_COLORS)]) for i in range(60)]
    return save_scene(tmp_path_factory.mktemp("big") / "big.json",
                      scene.replace(walkers=walkers))


@BUFFERING
@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_reader_leaving_mid_output_exits_quietly(big_scene: Path, unbuffered: bool,
                                                 as_json: bool):
    args = [sys.executable, "main.py", "descend", "--scene", str(big_scene)]
    args += ["--json"] if as_json else []
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                          env=env_with(unbuffered)) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.read(200)                 # like `head -c 200` …
        proc.stdout.close()                           # … then the reader is gone
        err = proc.stderr.read()
        status = proc.wait(timeout=120)
    assert (status, err) == (0, b"")
    assert first.startswith(b'{"expression"' if as_json else b"f = (1 - x)^2")


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_reader_gone_before_any_output_exits_quietly(unbuffered: bool):
    """`gradient-mountain descend … | true`: nobody reads at all."""
    with subprocess.Popen([sys.executable, "main.py", "descend", "--preset", "rosenbrock"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                          env=env_with(unbuffered)) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read()
        status = proc.wait(timeout=120)
    assert (status, err) == (0, b"")
