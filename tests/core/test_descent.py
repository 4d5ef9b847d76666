"""The descent loop: exactness on x² + y², every stop reason, the Trajectory sequence."""

import numpy as np
import pytest

from app.core.descent import StopReason, run, run_batch
from app.core.expression import compile_expression
from app.core.rules import Rule


@pytest.fixture(scope="module")
def bowl():
    return compile_expression("x^2 + y^2")


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.3])
def test_gradient_on_bowl_is_geometric(bowl, lr):
    x0 = np.array([1.3, -0.7])
    traj = run(bowl, "gradient", x0, lr, max_steps=40, gtol=0)
    k = np.arange(len(traj))[:, None]
    np.testing.assert_allclose(traj.points, (1 - 2 * lr) ** k * x0, rtol=1e-12, atol=1e-300)


def test_stride_steps_have_length_eta(bowl):
    traj = run(bowl, "stride", (1.7, -1.1), 0.07, max_steps=200)
    assert traj.stop_reason is StopReason.STALLED
    assert traj.steps > 20
    np.testing.assert_allclose(traj.step_lengths, 0.07, rtol=1e-12)


def test_converged_when_gradient_small(bowl):
    traj = run(bowl, "gradient", (1.0, 1.0), 0.1, max_steps=1000, gtol=1e-6)
    assert traj.stop_reason is StopReason.CONVERGED
    assert traj[-1].grad_norm <= 1e-6
    assert traj.grad_norms[-2] > 1e-6


def test_diverged_with_too_large_a_rate(bowl):
    traj = run(bowl, "gradient", (1.0, 1.0), 1.5, max_steps=10_000, stop_outside=False)
    assert traj.stop_reason is StopReason.DIVERGED
    assert "learning rate" in traj.stop_reason.message
    assert np.isfinite(traj.points).all()


def test_left_domain_and_switch_off(bowl):
    saddle = compile_expression("x^2 - y^2")
    dom = ((-2.0, 2.0), (-2.0, 2.0))
    t = run(saddle, "gradient", (1.0, 0.1), 0.1, domain=dom)
    assert t.stop_reason is StopReason.LEFT_DOMAIN
    assert abs(t.points[-1, 1]) > 2 and abs(t.points[-2, 1]) <= 2
    t2 = run(saddle, "gradient", (1.0, 0.1), 0.1, domain=dom, stop_outside=False, max_steps=50)
    assert t2.stop_reason is StopReason.MAX_STEPS and t2.steps == 50


def test_undefined_at_start():
    t = run(compile_expression("log(x) + y^2"), "gradient", (-1.0, 0.0), 0.1)
    assert t.stop_reason is StopReason.UNDEFINED and t.steps == 0


def test_one_dimensional_walker():
    f = compile_expression("x^4 - 3x^2 + x")
    t = run(f, "gradient", (2.2,), 0.02, max_steps=2000)
    assert t.points.shape[1] == 1
    assert t.stop_reason is StopReason.CONVERGED
    assert t.points[-1, 0] == pytest.approx(1.1309011226299859, abs=1e-5)


def test_trajectory_is_a_sequence(bowl):
    t = run(bowl, "gradient", (1.0, 1.0), 0.1, max_steps=5, gtol=0)
    assert len(t) == 6 and t.steps == 5
    assert t[-1].k == 5 and t[0].k == 0
    assert [s.k for s in t] == list(range(6))
    assert len(t[1:3]) == 2
    with pytest.raises(IndexError, match="steps 0…5"):
        t[6]
    with pytest.raises(AttributeError):
        t.stop_reason = StopReason.CONVERGED  # frozen


def test_batch_of_thousands_in_one_call():
    f = compile_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    g = np.linspace(-5, 5, 64)
    starts = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    res = run_batch(f, Rule.GRADIENT, starts, Rule.GRADIENT.params(0.01), max_steps=500,
                    domain=((-5.0, 5.0), (-5.0, 5.0)))
    assert res.points.shape == (64 * 64, 2)
    assert res.share(StopReason.CONVERGED) > 0.9
