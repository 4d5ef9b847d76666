"""The command line: presets, descend (table and JSON), and one-line errors with status 2."""

import json
import subprocess
import sys

import pytest

from app.cli import main


def test_presets_lists_all(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "peaks" in out and "himmelblau" in out and "double_well" in out


def test_descend_json_contract(capsys):
    assert main(["descend", "--expr", "x^2 + y^2", "--start", "1", "2", "--lr", "0.1",
                 "--rule", "gradient", "--steps", "30", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) == {"expression", "rule", "learning_rate", "start", "points", "stop_reason",
                      "steps", "final"}
    assert d["points"][0] == [1.0, 2.0, 5.0]
    assert d["steps"] == len(d["points"]) - 1 == 30
    assert d["stop_reason"] == "max_steps"
    assert d["points"][1][:2] == pytest.approx([0.8, 1.6])
    assert set(d["final"]) == {"x", "y", "f", "grad_norm"}
    assert d["final"]["x"] == pytest.approx(0.8**30)


def test_descend_preset_defaults_and_1d(capsys):
    assert main(["descend", "--preset", "double_well", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["rule"] == "gradient" and len(d["points"][0]) == 2  # [x, f]
    assert d["stop_reason"] == "converged"


def test_descend_table(capsys):
    assert main(["descend", "--preset", "peaks"]) == 0
    out = capsys.readouterr().out
    assert "∇f = (" in out and "can't go down any more" in out


@pytest.mark.parametrize("args, fragment", [
    (["descend", "--expr", "x +* y"], "syntax"),
    (["descend", "--expr", "__import__('os')"], ""),
    (["descend", "--preset", "everest"], "unknown preset"),
    (["descend", "--rule", "sgd9"], "unknown rule"),
    (["descend", "--lr", "fast"], "not a number"),
    (["descend", "--lr", "-1"], "learning rate"),
    (["descend", "--start", "1"], "--start needs 2"),
    (["descend", "--start", "nan", "1"], "not a finite number"),
    (["descend", "--steps", "0"], "max steps"),
    (["descend", "--bogus"], "unrecognized"),
    (["descend", "--preset", "peaks", "--expr", "x"], "not allowed with"),
])
def test_bad_input_is_one_line_status_2(args, fragment, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert fragment in err


def test_console_script_runs_as_a_subprocess():
    out = subprocess.run([sys.executable, "main.py", "descend", "--preset", "bowl", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["stop_reason"] == "converged"
