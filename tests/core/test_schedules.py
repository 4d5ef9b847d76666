"""Learning-rate schedules: η_t against each formula, gradient descent on x² following
x_{k+1} = (1 − 2η_k)·x_k for 20 steps, the SPEC syntax and its one-line errors."""

import math

import numpy as np
import pytest

from app.core.descent import run
from app.core.expression import compile_expression
from app.core.scene import Scene, Walker
from app.core.schedules import CONSTANT, Schedule

LR = 0.1
FORMULAS = {   # SPEC -> s(t) written out by hand
    "constant": lambda t: 1.0,
    "step:every=10,gamma=0.5": lambda t: 0.5 ** (t // 10),
    "step:every=3,gamma=0.8": lambda t: 0.8 ** (t // 3),
    "exponential:gamma=0.9": lambda t: 0.9**t,
    "cosine:steps=100": lambda t: 0.5 * (1 + math.cos(math.pi * t / 100)),
    "cosine:steps=12": lambda t: 0.5 * (1 + math.cos(math.pi * min(t, 12) / 12)),
    "inverse_sqrt": lambda t: 1 / math.sqrt(t + 1),
    "warmup:steps=5": lambda t: min(1.0, (t + 1) / 5),
    "warmup:steps=5+cosine:steps=100":
        lambda t: min(1.0, (t + 1) / 5) * 0.5 * (1 + math.cos(math.pi * t / 100)),
    "warmup:steps=4+exponential:gamma=0.95": lambda t: min(1.0, (t + 1) / 4) * 0.95**t,
}


@pytest.mark.parametrize("spec", FORMULAS)
def test_eta_follows_the_formula(spec):
    s = Schedule.parse(spec)
    ts = np.arange(20)
    expected = [LR * FORMULAS[spec](t) for t in range(20)]
    np.testing.assert_allclose(s.eta(ts, LR), expected, rtol=1e-14)          # vectorised
    np.testing.assert_allclose([s.eta(int(t), LR) for t in ts], expected, rtol=1e-14)
    assert isinstance(s.eta(3, LR), float)


@pytest.mark.parametrize("spec", FORMULAS)
def test_gradient_on_x_squared_follows_each_eta(spec):
    x0 = 1.7
    t = run(compile_expression("x^2"), "gradient", (x0,), LR, max_steps=20, gtol=0,
            schedule=spec)
    assert t.steps == 20
    x = [x0]
    for k in range(20):
        x.append((1 - 2 * LR * FORMULAS[spec](k)) * x[-1])
    np.testing.assert_allclose(t.points[:, 0], x, rtol=1e-13, atol=0)
    np.testing.assert_allclose(t.etas, [LR * FORMULAS[spec](k) for k in range(20)],
                               rtol=1e-14)


@pytest.mark.parametrize("rule", ["stride", "momentum", "adam", "newton", "armijo"])
def test_every_rule_takes_a_schedule(rule):
    f = compile_expression("x^2 + 3y^2")
    flat = run(f, rule, (1.0, -0.5), 0.05, max_steps=6, gtol=0)
    sched = run(f, rule, (1.0, -0.5), 0.05, max_steps=6, gtol=0,
                schedule="exponential:gamma=0.5")
    np.testing.assert_array_equal(sched.points[:2], flat.points[:2])     # η₀ = η
    assert not np.allclose(sched.points[2:], flat.points[2:])
    np.testing.assert_allclose(sched.etas, 0.05 * 0.5 ** np.arange(6), rtol=1e-15)


@pytest.mark.parametrize("spec, canonical", [
    ("", "constant"), (None, "constant"), ("constant", "constant"),
    (" Exponential : gamma = 0.9 ", "exponential:gamma=0.9"),
    ("step", "step:every=10,gamma=0.5"),
    ("inverse-sqrt", "inverse_sqrt"),
    ("cosine:steps=100+warmup:steps=5", "warmup:steps=5+cosine:steps=100"),
    ("warmup:steps=5+constant", "warmup:steps=5"),
])
def test_spec_syntax_and_canonical_form(spec, canonical):
    s = Schedule.parse(spec)
    assert str(s) == canonical
    assert Schedule.parse(str(s)) == s
    assert Schedule.parse("constant") is CONSTANT or Schedule.parse("constant") == CONSTANT


@pytest.mark.parametrize("spec, fragment", [
    ("expo", "unknown schedule 'expo'; choose one of"),
    ("exponential:gamma=1.5", "gamma must be in (0, 1]"),
    ("exponential:gamma=0", "gamma must be in (0, 1]"),
    ("exponential:gamma=nan", "finite"),
    ("exponential:gamma=__import__('os')", "must be a number"),
    ("exponential:rate=0.9", "has no parameter 'rate' (it takes: gamma)"),
    ("exponential:gamma", "key=value"),
    ("step:every=2.5", "whole number"),
    ("step:every=0", "whole number"),
    ("cosine:steps=10,steps=20", "given twice"),
    ("cosine+exponential", "at most one decay"),
    ("warmup+warmup:steps=3", "at most one warmup"),
    ("x" * 300, "at most 200 characters"),
])
def test_bad_specs_are_one_line_value_errors(spec, fragment):
    with pytest.raises(ValueError) as e:
        Schedule.parse(spec)
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_formula_text():
    assert Schedule.parse("exponential:gamma=0.9").formula == "η_t = η · 0.9^t"
    assert CONSTANT.formula == "η_t = η" and CONSTANT.is_constant


def test_walker_keeps_the_canonical_spec_and_scene_checks_it():
    w = Walker("gradient", 0.1, start=(1.0, 1.0), schedule="Cosine:steps=50")
    assert w.schedule == "cosine:steps=50" and "cosine:steps=50" in w.label
    scene = Scene.from_preset("bowl")
    bad = Walker("gradient", 0.1, start=(1.0, 1.0), schedule="bogus")
    with pytest.raises(ValueError, match="walker 1: unknown schedule"):
        scene.replace(walkers=[bad])
    (traj,) = scene.replace(walkers=[w]).run_all()
    assert str(traj.schedule) == "cosine:steps=50"
