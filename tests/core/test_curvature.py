"""Hessian eigenvalues and the gradient rule's stability limit η < 2/λ_max."""

import pytest

from app.core.curvature import curvature_at
from app.core.descent import StopReason, run
from app.core.expression import compile_expression


def test_quadratic_limit_and_the_walk_agrees():
    f = compile_expression("x^2 + 5y^2")       # λ = 2, 10 -> limit 0.2
    c = curvature_at(f, (1.0, 1.0))
    assert c.eigenvalues == pytest.approx((2.0, 10.0))
    assert c.stability_limit == pytest.approx(0.2)
    assert not c.overshoots(0.19) and c.overshoots(0.21)
    assert "overshoot" in c.describe(0.25) and "overshoot" not in c.describe(0.1)
    fast = run(f, "gradient", (1.0, 1.0), 0.21, max_steps=5000, stop_outside=False)
    slow = run(f, "gradient", (1.0, 1.0), 0.19, max_steps=5000, stop_outside=False)
    assert fast.stop_reason is StopReason.DIVERGED
    assert slow.stop_reason is StopReason.CONVERGED


def test_saddle_and_concave_and_1d_and_undefined():
    assert curvature_at(compile_expression("x^2 - y^2"), (0, 0)).stability_limit == \
        pytest.approx(1.0)
    assert curvature_at(compile_expression("-x^2 - y^2"), (0, 0)).stability_limit is None
    c1 = curvature_at(compile_expression("x^4"), (1.0,))
    assert c1.eigenvalues == pytest.approx((12.0,))
    bad = curvature_at(compile_expression("log(x) + y"), (-1.0, 0.0))
    assert bad.stability_limit is None and "undefined" in bad.describe(0.1)
