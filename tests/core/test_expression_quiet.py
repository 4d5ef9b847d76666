"""Nothing reaches stderr: overflowing slopes in the command line and in evaluation stay quiet."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from app.core.expression import compile_expression

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args", [["--expr", "1e300*x^2", "--steps", "5"],
                                  ["--expr", "1e300*x^2 + 1e300*y^2", "--steps", "5",
                                   "--rule", "stride"]])
def test_descend_with_overflowing_slopes_prints_nothing_on_stderr(args):
    run = subprocess.run([sys.executable, "main.py", "descend", *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "step" in run.stdout


def test_evaluation_never_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for text in ("1e300*x^2 + y", "log(x) + 1/y", "x^y", "max(x, y) / (x - y)",
                         "acosh(x) atanh(y)", "exp(exp(exp(x)))"):
                f = compile_expression(text)
                p = np.array([[0.0, 0.0], [-1.0, 1.0], [1e200, -1e200], [np.nan, np.inf]])
                f.value_and_gradient(p)
                f.hessian(p[:, 0], p[:, 1])
                f.value_and_gradient(p[1])
                f.hessian(*p[2])
