"""The conditioning lab: the ill-conditioned bowl ½(κu² + v²), rotated by θ degrees, and the
step sizes its Hessian allows (safe η = 2/λmax, best η = 2/(λmin + λmax))."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.curvature import conditioning_numbers
from app.core.descent import StopReason
from app.core.expression import compile_expression
from app.core.scene import Scene


def test_the_preset_is_the_bowl_it_says():
    scene = Scene.from_preset("conditioning")
    assert scene.param_values == {"kappa": 10.0, "theta": 30.0}
    assert [(p.low, p.high) for p in scene.params] == [(1.0, 100.0), (0.0, 180.0)]
    assert scene.domain == ((-2.0, 2.0), (-2.0, 2.0))
    (w,) = scene.walkers
    assert (w.rule, w.start) == ("gradient", (1.5, 1.0))
    f = scene.compile()
    t = math.radians(30.0)
    u, v = 1.5 * math.cos(t) + 1.0 * math.sin(t), -1.5 * math.sin(t) + 1.0 * math.cos(t)
    assert f.value(1.5, 1.0) == pytest.approx(0.5 * (10 * u * u + v * v), rel=1e-14)


@pytest.mark.parametrize("point", [(1.5, 1.0), (0.0, 0.0), (-1.2, 0.7)])
def test_safe_and_best_step_for_kappa_10(point):
    c = conditioning_numbers(Scene.from_preset("conditioning").compile(), point)
    assert c.eigenvalues == pytest.approx((1.0, 10.0), rel=1e-12)   # a quadratic: everywhere
    assert c.safe_eta == pytest.approx(0.2, rel=1e-12)
    assert c.best_eta == pytest.approx(2 / 11, rel=1e-12)
    assert c.condition_number == pytest.approx(10.0) and c.contraction == pytest.approx(9 / 11)
    # the steep direction is u = (cos θ, sin θ); the flat one v = (−sin θ, cos θ)
    t = math.radians(30.0)
    steep, flat = np.array(c.eigenvectors[1]), np.array(c.eigenvectors[0])
    assert abs(steep @ (math.cos(t), math.sin(t))) == pytest.approx(1.0, abs=1e-12)
    assert abs(flat @ (-math.sin(t), math.cos(t))) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("kappa, theta", [(1.0, 0.0), (4.0, 90.0), (100.0, 135.0)])
def test_numbers_follow_the_parameters(kappa, theta):
    f = Scene.from_preset("conditioning").compile().with_params(kappa=kappa, theta=theta)
    c = conditioning_numbers(f, (0.3, -0.2))
    assert c.eigenvalues == pytest.approx(tuple(sorted((1.0, kappa))), rel=1e-12)
    assert c.safe_eta == pytest.approx(2 / kappa)
    assert c.best_eta == pytest.approx(2 / (1 + kappa))


def test_the_walker_zigzags_just_inside_the_limit_and_diverges_past_it():
    scene = Scene.from_preset("conditioning")
    eta = scene.walkers[0].lr
    assert 0.9 * 0.2 < eta < 0.2                        # just under 2/λmax
    (t,) = scene.run_all()
    assert t.stop_reason is StopReason.CONVERGED and t.steps > 50
    signs = np.sign(np.diff(t.points[:12] @ (math.cos(math.pi / 6), math.sin(math.pi / 6))))
    assert (signs[1:] != signs[:-1]).all(), "the steep coordinate flips sign every step"
    (t,) = scene.with_param_values(kappa=30.0).run_all()     # 2/30 < 0.19
    assert t.stop_reason is not StopReason.CONVERGED


def test_no_bowl_no_best_step():
    saddle = conditioning_numbers(compile_expression("x^2 - y^2"), (0.0, 0.0))
    assert saddle.safe_eta == pytest.approx(1.0) and saddle.best_eta is None
    assert saddle.condition_number is None
    cap = conditioning_numbers(compile_expression("-x^2 - y^2"), (0.0, 0.0))
    assert cap.safe_eta is None and cap.best_eta is None
    bad = conditioning_numbers(compile_expression("log(x) + y^2"), (-1.0, 0.0))
    assert bad.safe_eta is None and all(math.isnan(v) for v in bad.eigenvalues)
    line = conditioning_numbers(compile_expression("3x^2"), (0.5,))
    assert line.safe_eta == pytest.approx(1 / 3) and line.best_eta == pytest.approx(1 / 6)
