"""Each rule's first three steps on f = x² + 3y² against the formulas computed by hand."""

import math

import numpy as np
import pytest

from app.core.descent import StopReason, run, run_batch
from app.core.rules import Rule
from tests.core.hand_second_order import armijo_steps, bfgs_steps, newton_steps
from tests.core.quadratic import Quadratic, grad, hess, value

LR = 0.05
START = (1.0, -0.5)


def hand_steps(rule: str, n: int = 3) -> list[tuple[float, float]]:
    """Scalar re-statement of each update rule, one coordinate at a time."""
    x = list(START)
    if rule in ("newton", "bfgs", "armijo"):
        hand = {"newton": lambda: newton_steps(hess, grad, x, LR, n),
                "bfgs": lambda: bfgs_steps(value, grad, x, LR, n),
                "armijo": lambda: armijo_steps(value, grad, x, LR, n)}[rule]
        return [(a, b) for a, b in hand()]
    v, s, m = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    out = []
    for t in range(1, n + 1):
        g = list(grad(*x))
        if rule == "stride":
            norm = math.hypot(*g)
            x = [x[i] - LR * g[i] / norm for i in range(2)]
        elif rule == "gradient":
            x = [x[i] - LR * g[i] for i in range(2)]
        elif rule == "momentum":
            v = [0.9 * v[i] + g[i] for i in range(2)]
            x = [x[i] - LR * v[i] for i in range(2)]
        elif rule == "nesterov":
            v = [0.9 * v[i] + g[i] for i in range(2)]
            x = [x[i] - LR * (g[i] + 0.9 * v[i]) for i in range(2)]
        elif rule == "adagrad":
            s = [s[i] + g[i] ** 2 for i in range(2)]
            x = [x[i] - LR * g[i] / (math.sqrt(s[i]) + 1e-10) for i in range(2)]
        elif rule == "rmsprop":
            s = [0.99 * s[i] + 0.01 * g[i] ** 2 for i in range(2)]
            x = [x[i] - LR * g[i] / (math.sqrt(s[i]) + 1e-8) for i in range(2)]
        elif rule == "adam":
            m = [0.9 * m[i] + 0.1 * g[i] for i in range(2)]
            v = [0.999 * v[i] + 0.001 * g[i] ** 2 for i in range(2)]
            mh = [m[i] / (1 - 0.9**t) for i in range(2)]
            vh = [v[i] / (1 - 0.999**t) for i in range(2)]
            x = [x[i] - LR * mh[i] / (math.sqrt(vh[i]) + 1e-8) for i in range(2)]
        out.append((x[0], x[1]))
    return out


@pytest.mark.parametrize("rule", [r.value for r in Rule])
def test_first_three_steps_match_hand_computation(rule):
    traj = run(Quadratic(), rule, START, LR, max_steps=3, gtol=0)
    assert traj.steps == 3
    np.testing.assert_allclose(traj.points[1:], hand_steps(rule), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("rule", list(Rule))
def test_many_walkers_advance_in_lock_step(rule):
    starts = np.array([[1.0, -0.5], [0.3, 0.8], [-2.0, 1.5]])
    batch = run_batch(Quadratic(), rule, starts, rule.params(LR), max_steps=3, gtol=0,
                      record=True)
    assert batch.history.shape == (4, 3, 2)
    for i, s in enumerate(starts):
        alone = run(Quadratic(), rule, s, LR, max_steps=3, gtol=0)
        np.testing.assert_allclose(batch.history[: len(alone), i], alone.points, rtol=1e-14)


def test_rule_parse_and_params():
    assert Rule.parse(" Adam ") is Rule.ADAM
    with pytest.raises(ValueError, match="choose one of"):
        Rule.parse("sgd2")
    assert Rule.MOMENTUM.params(0.1, beta=0.5, nonsense=3) == {"lr": 0.1, "beta": 0.5}
    assert "η" in Rule.GRADIENT.formula


def test_stride_stops_when_it_cannot_go_down():
    traj = run(Quadratic(), "stride", (1.0, 0.0), 0.3, max_steps=100, gtol=0)
    assert traj.stop_reason is StopReason.STALLED
    assert np.all(np.diff(traj.values) < 0)
    np.testing.assert_allclose(traj.step_lengths, 0.3, rtol=1e-12)
