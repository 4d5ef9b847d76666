"""The command line at the edges (issue 14): ``--expr -x^2`` parses for every command; every
hostile number is exit status 2 with one ``error:`` line; no library warning reaches stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import build_parser, main
from app.cli_checks import glue_expr, option_strings
from app.core.scene import Scene
from app.core.scene_file import save_scene

ROOT = Path(__file__).resolve().parents[2]


def refused(args: list[str], capsys) -> str:
    """Run ``main(args)``: status 2 and exactly one line on stderr, which is returned."""
    assert main(args) == 2, args
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "Warning" not in err
    return err


# --- --expr -x^2 ------------------------------------------------------------------------------

def test_glue_only_what_is_no_option():
    known = option_strings(build_parser())
    assert {"--expr", "--start", "-h", "--lr-min", "--resolution", "--full"} <= known
    assert glue_expr(["descend", "--expr", "-x^2"], known) == ["descend", "--expr=-x^2"]
    assert glue_expr(["descend", "--expr", "--x"], known) == ["descend", "--expr=--x"]
    for option in ("-h", "--help", "--start", "--steps=5", "--pre"):   # --pre: --preset
        assert glue_expr(["descend", "--expr", option], known) == ["descend", "--expr", option]
    assert glue_expr(["descend", "--expr", "x", "--start", "-1"], known) == \
        ["descend", "--expr", "x", "--start", "-1"]
    assert glue_expr(["descend", "--", "--expr", "-x"], known) == \
        ["descend", "--", "--expr", "-x"]


def test_descend_with_a_leading_minus(capsys):
    assert main(["descend", "--expr", "-x^2-y^2", "--steps", "3", "--json"]) == 0
    glued = json.loads(capsys.readouterr().out)
    assert main(["descend", "--expr=-x^2-y^2", "--steps", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == glued
    assert glued["expression"] == "-x^2-y^2"
    assert main(["descend", "--expr", "--x", "--steps", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["expression"] == "--x"


@pytest.mark.parametrize("command", [
    ["basins", "--resolution", "8", "--steps", "20", "--json"],
    ["sweep", "--count", "3", "--steps", "20", "--json"],
])
def test_every_command_takes_a_leading_minus(command, capsys):
    assert main([*command, "--expr", "-(x-1)^2*-1 + y^2"]) == 0
    assert capsys.readouterr().out.startswith("{")


@pytest.mark.parametrize("command", [
    ["export", "--out", "never.gif", "--fps", "100"],     # parsed: refused for its --fps
    ["gui", "--steps", "1000000"],                         # parsed: refused for its --steps
])
def test_window_and_export_parse_a_leading_minus(command, capsys):
    err = refused([command[0], "--expr", "-x^2", *command[1:]], capsys)
    assert "expected one argument" not in err and command[-2] in err


def test_help_after_expr_is_still_an_option(capsys):
    assert "expected one argument" in refused(["descend", "--expr", "-h"], capsys)


def test_negative_numbers_with_exponents_are_numbers(capsys):
    assert main(["descend", "--preset", "bowl", "--start", "1", "-1e-1", "--steps", "1",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["walkers"][0]["start"] == [1.0, -0.1]


# --- hostile numbers: status 2, one line ------------------------------------------------------

EXPORT = ["export", "--preset", "bowl"]
HOSTILE = {
    "export speed denormal": ([*EXPORT, "--out", "a.gif", "--speed", "5e-324"],
                              "--speed must be between 0.01 and 1000"),
    "export speed tiny": ([*EXPORT, "--out", "a.gif", "--speed", "0.001"], "--speed must be"),
    "export seconds huge": ([*EXPORT, "--out", "a.gif", "--seconds", "1e308"],
                            "--seconds must be between 0.1 and 600"),
    "export fps tiny": ([*EXPORT, "--out", "a.gif", "--fps", "0.001"],
                        "--fps must be between 1 and 60"),
    "export gif fps": ([*EXPORT, "--out", "a.gif", "--fps", "55"], "between 1 and 50 for a GIF"),
    "export mp4 fps": ([*EXPORT, "--out", "a.mp4", "--fps", "61"], "--fps must be between 1"),
    "export frames 0": ([*EXPORT, "--out", "a.gif", "--frames", "0"], "--frames must be"),
    "export frames huge": ([*EXPORT, "--out", "a.gif", "--frames", "100000"],
                           "--frames must be between 1 and 3,600"),
    "export scale": ([*EXPORT, "--out", "a.png", "--scale", "9"], "--scale must be 1, 2, 3"),
    "export full walk": ([*EXPORT, "--out", "a.gif", "--speed", "0.01", "--full"],
                         "207,046 frames (69 steps at 0.01 steps/s, 30 fps): at most 3,600"),
    "start huge": (["descend", "--start", "1e308", "1"], "start must lie within ±1e+06"),
    "start far": (["descend", "--start", "1", "-1e7"], "start must lie within"),
    "lr denormal": (["descend", "--lr", "5e-324"], "learning rate must be a positive number"),
    "lr huge": (["descend", "--lr", "1e308"], "learning rate"),
    "steps": (["descend", "--steps", "1000000"], "max steps must be between 1 and 100,000"),
    "noise": (["descend", "--noise", "1e308"], "noise σ must be a number from 0"),
    "gtol huge": (["descend", "--gtol", "1e308"], "gtol must be between 0 and 1e+06"),
    "gtol negative": (["descend", "--gtol", "-1"], "gtol must be between"),
    "camera": (["descend", "--camera", "1e308,0"], "azimuth must be within"),
    "param huge": (["descend", "--expr", "a*x^2", "--param", "a=1e308"],
                   "--param a: 1e+308 is outside ±1e+06"),
    "animate huge": ([*EXPORT, "--out", "a.gif", "--animate", "a=0:1e9"],
                     "--animate a: 1e+09 is outside"),
    "seed huge": (["descend", "--seed", "9" * 40], "seed must be a whole number"),
    "basins resolution": (["basins", "--resolution", "513"],
                          "--resolution must be between 2 and 512"),
    "basins work": (["basins", "--resolution", "512", "--steps", "1000"],
                    "at most 200,000,000"),
    "sweep count": (["sweep", "--count", "6000"], "--count must be between 2 and 5,000"),
    "sweep lr min": (["sweep", "--lr-min", "5e-324"], "--lr-min must be between 1e-12"),
    "sweep lr max": (["sweep", "--lr-max", "1e308"], "--lr-max must be between"),
    "sweep work": (["sweep", "--count", "5000", "--steps", "100000"], "at most 200,000,000"),
    "gui steps": (["gui", "--steps", "1000000"], "--steps must be between 0 and 100,000"),
    "domain in expr 1e308": (["descend", "--expr", "x^2", "--start", "1e308"], "within"),
}


@pytest.mark.parametrize(("args", "fragment"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_numbers_are_one_line(args, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                      # no export may write anything
    assert fragment in refused(args, capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_scene_file_with_hostile_export_settings(tmp_path, capsys):
    path = save_scene(tmp_path / "s.json", Scene.from_preset("bowl"))
    doc = json.loads(path.read_text())
    doc["export"] = {"fps": 1000}
    path.write_text(json.dumps(doc))
    err = refused(["export", "--scene", str(path), "--out", str(tmp_path / "a.gif")], capsys)
    assert "'export': fps must be between 1 and 60" in err
    doc["export"] = {"fps": 60}
    path.write_text(json.dumps(doc))
    err = refused(["export", "--scene", str(path), "--out", str(tmp_path / "a.gif")], capsys)
    assert "a GIF plays at most 50 frames per second" in err


# --- no warnings on stderr, ever (a real process: nothing filters them) -----------------------

QUIET = [
    ["descend", "--expr", "1e300*x^2"],
    ["descend", "--expr", "exp(1000x)", "--start", "1"],
    ["descend", "--expr", "1e300*x^2+y^2", "--start", "1", "1", "--rule", "adam", "--explain"],
    ["descend", "--expr", "1e300*x^2+y^2", "--start", "1", "1", "--rule", "bfgs", "--explain"],
    ["descend", "--expr", "1e300*x^2+y^2", "--start", "1", "1", "--rule", "stride",
     "--explain", "--steps", "5"],
    ["descend", "--preset", "bowl", "--start", "1e6", "-1e6", "--rule", "newton", "--json"],
    ["sweep", "--expr", "1e300*x^2+y^2", "--start", "1", "1", "--count", "3", "--out", "s.png"],
]


@pytest.mark.parametrize("args", QUIET, ids=" ".join)
def test_no_library_warning_reaches_stderr(args, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "app", *args], cwd=tmp_path, timeout=120,
                          capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
