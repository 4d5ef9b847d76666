"""Newton, BFGS and Armijo: first steps against hand computation, Newton's one-step landing
on a quadratic, both on Rosenbrock against scipy, the line-search trials, and the stops."""

import numpy as np
import pytest
from scipy.optimize import minimize

from app.core.descent import StopReason, run, run_batch
from app.core.expression import compile_expression
from app.core.rules import Rule
from app.core.rules_context import LINE_SEARCH, NO_HESSIAN, StepContext
from app.core.rules_second_order import DELTA, modified_eigen
from tests.core.hand_second_order import (
    armijo_steps,
    bfgs_steps,
    line_search,
    newton_steps,
    rosenbrock,
    rosenbrock_grad,
    rosenbrock_hess,
)
from tests.core.quadratic import Quadratic

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"
START = (-1.2, 1.0)


@pytest.fixture(scope="module")
def rosen():
    return compile_expression(ROSENBROCK)


@pytest.mark.parametrize("start", [(1.3, -2.0), (-0.7, 0.01), (40.0, 3.5), (0.0, 1e-3)])
def test_newton_lands_on_a_quadratic_minimum_in_one_step(start):
    f = compile_expression("x^2 + 10y^2")
    t = run(f, "newton", start, 1.0)
    assert t.steps == 1 and t.stop_reason is StopReason.CONVERGED
    np.testing.assert_allclose(t.points[1], [0.0, 0.0], atol=1e-15)


def test_newton_in_one_dimension():
    t = run(compile_expression("3(x - 2)^2 + 1"), "newton", (-5.0,), 1.0)
    assert t.steps == 1 and t.points[1, 0] == pytest.approx(2.0, abs=1e-14)


def test_newton_first_steps_by_hand(rosen):
    t = run(rosen, "newton", START, 1.0, max_steps=4, gtol=0)
    hand = newton_steps(rosenbrock_hess, rosenbrock_grad, list(START), 1.0, 4)
    np.testing.assert_allclose(t.points[1:], hand, rtol=1e-11)
    # the first one written out: H = [[1330, 480], [480, 200]], g = (-215.6, -88)
    np.testing.assert_allclose(t.notes["H"][0], [[1330, 480], [480, 200]], rtol=1e-14)
    np.testing.assert_allclose(t.gradients[0], [-215.6, -88.0], rtol=1e-14)
    d = np.linalg.solve([[1330, 480], [480, 200]], [-215.6, -88.0])
    np.testing.assert_allclose(t.points[1], np.array(START) - d, rtol=1e-12)


def test_newton_with_a_damped_step():
    f = compile_expression("x^2 + 10y^2")
    t = run(f, "newton", (1.0, 2.0), 0.5, max_steps=3, gtol=0)
    np.testing.assert_allclose(t.points, [[1, 2], [0.5, 1], [0.25, 0.5], [0.125, 0.25]],
                               rtol=1e-14)


def test_newton_turns_negative_curvature_round():
    # f = x²/2·… : at (1, 0.5) H = diag(2 + 3x², −2) = diag(5, −2); λ → (5, 2)
    f = compile_expression("x^2 + x^4/4 - y^2")
    t = run(f, "newton", (1.0, 0.5), 1.0, max_steps=1, gtol=0)
    np.testing.assert_allclose(t.notes["eig"][0], [-2, 5], rtol=1e-14)
    np.testing.assert_allclose(t.notes["eig_used"][0], [2, 5], rtol=1e-14)
    g = np.array([2 + 1, -1.0])                        # (2x + x³, −2y)
    np.testing.assert_allclose(t.points[1], [1 - g[0] / 5, 0.5 - g[1] / 2], rtol=1e-14)
    assert t.values[1] < t.values[0], "the modified step still goes down"


def test_modified_eigenvalues_floor():
    h = np.array([[[0.0, 0.0], [0.0, 0.0]], [[-3.0, 0.0], [0.0, 1e-9]],
                  [[np.nan, 0.0], [0.0, 1.0]]])
    lam, used, _ = modified_eigen(h)
    np.testing.assert_allclose(used[0], [DELTA, DELTA])
    np.testing.assert_allclose(lam[1], [-3.0, 1e-9])
    np.testing.assert_allclose(used[1], [3.0, 3 * DELTA])   # δ = 1e-6·max(1, |λ|max)
    assert np.isnan(lam[2]).all() and np.isnan(used[2]).all()


def test_newton_stops_where_the_hessian_is_undefined():
    t = run(compile_expression("abs(x)^1.5 + y^2"), "newton", (0.0, 1.0), 1.0)
    assert t.stop_reason is StopReason.STALLED and t.steps == 0
    assert t.message == NO_HESSIAN


def test_hessian_by_differences_when_f_has_none():
    class NoHessian:
        dim = 2

        def value_and_gradient(self, p):
            return Quadratic().value_and_gradient(p)

    pts = np.array([[1.0, -2.0], [300.0, 0.5]])
    h = StepContext(NoHessian(), np.zeros(2)).hessians(pts)
    np.testing.assert_allclose(h, np.broadcast_to(np.diag([2.0, 6.0]), (2, 2, 2)), atol=1e-6)
    t = run(NoHessian(), "newton", (1.0, -2.0), 1.0)
    assert t.stop_reason is StopReason.CONVERGED and t.steps <= 2


def test_bfgs_first_steps_by_hand(rosen):
    t = run(rosen, "bfgs", START, 1.0, max_steps=8, gtol=0)
    hand = bfgs_steps(rosenbrock, rosenbrock_grad, list(START), 1.0, 8)
    np.testing.assert_allclose(t.points[1:], hand, rtol=1e-9)


def test_bfgs_starts_from_identity_and_rescales(rosen):
    t = run(rosen, "bfgs", START, 1.0, max_steps=2, gtol=0)
    np.testing.assert_array_equal(t.notes["B"][0], np.eye(2))   # p₀ = −g₀
    s = t.points[1] - t.points[0]
    y = t.gradients[1] - t.gradients[0]
    assert s @ y > 0
    rho, scale = 1 / (s @ y), (s @ y) / (y @ y)
    a = np.eye(2) - rho * np.outer(s, y)
    expected = a @ (scale * np.eye(2)) @ a.T + rho * np.outer(s, s)   # N&W (6.17) on (6.20)
    np.testing.assert_allclose(t.notes["B"][1], expected, rtol=1e-12)


def test_bfgs_solves_rosenbrock_like_scipy(rosen):
    t = run(rosen, "bfgs", START, 1.0, max_steps=60, gtol=1e-6)
    assert t.stop_reason is StopReason.CONVERGED and t.steps <= 60
    assert t[-1].grad_norm <= 1e-6
    ref = minimize(lambda p: rosenbrock(*p), START, jac=lambda p: rosenbrock_grad(*p),
                   method="BFGS", options={"gtol": 1e-8})
    np.testing.assert_allclose(t.points[-1], ref.x, atol=1e-5)
    np.testing.assert_allclose(t.points[-1], [1, 1], atol=1e-5)
    assert np.all(np.diff(t.values) < 0), "every step went down (Armijo)"


def test_newton_converges_quadratically_on_rosenbrock(rosen):
    t = run(rosen, "newton", START, 1.0, max_steps=50, gtol=1e-12)
    ref = minimize(lambda p: rosenbrock(*p), START, jac=lambda p: rosenbrock_grad(*p),
                   hess=lambda p: np.array(rosenbrock_hess(*p)), method="trust-exact",
                   options={"gtol": 1e-12})
    assert t.stop_reason is StopReason.CONVERGED
    np.testing.assert_allclose(t.points[-1], ref.x, atol=1e-9)
    norms = t.grad_norms
    tail = norms[-4:-1]                       # the last steps before ∇f vanishes
    assert np.all(np.diff(tail) < 0)
    # quadratic: ‖∇f_{k+1}‖ ≤ C‖∇f_k‖² with a modest C, and far below linear shrinking
    assert tail[2] <= 200 * tail[1] ** 2 and tail[1] <= 200 * tail[0] ** 2
    assert tail[2] / tail[1] < 1e-3


def test_armijo_first_step_and_its_trials():
    bowl = compile_expression("x^2 + y^2")
    t = run(bowl, "armijo", (1.0, 1.0), 1.0, max_steps=1, gtol=0)
    # t = 1: f(−1, −1) = 2 > 2 − 1e-4·1·8; t = 0.5: f(0, 0) = 0 ≤ 2 − 1e-4·0.5·8
    ls = t.line_search(0)
    np.testing.assert_array_equal(ls.t, [1.0, 0.5])
    np.testing.assert_array_equal(ls.f, [2.0, 0.0])
    np.testing.assert_array_equal(ls.points, [[-1, -1], [0, 0]])
    np.testing.assert_array_equal(t.points[1], [0, 0])
    assert t.notes["t"][0] == 0.5
    for a in (t.trials, t.notes["t"], t.notes["g"]):      # a frozen value holds frozen arrays
        assert not a.flags.writeable
    with pytest.raises(TypeError):
        t.notes["t"] = np.zeros(1)  # type: ignore[index]


def test_armijo_steps_by_hand(rosen):
    t = run(rosen, "armijo", START, 1.0, max_steps=6, gtol=0)
    hand = armijo_steps(rosenbrock, rosenbrock_grad, list(START), 1.0, 6)
    np.testing.assert_allclose(t.points[1:], hand, rtol=1e-12)
    g = rosenbrock_grad(*START)
    _, tried = line_search(rosenbrock, list(START), [-g[0], -g[1]], -(g[0]**2 + g[1]**2), 1.0)
    ls = t.line_search(0)
    np.testing.assert_allclose(np.column_stack([ls.t, ls.f]), tried, rtol=1e-13)
    assert len(ls.t) > 5, "Rosenbrock's first step needs many halvings from η = 1"


def test_a_line_search_that_finds_nothing_stops_the_walker():
    class Uphill:            # f = x² + y² with a gradient that points the wrong way
        dim = 2

        def value_and_gradient(self, p):
            p = np.asarray(p, float)
            return (p**2).sum(-1), -2 * p

    for rule in ("armijo", "bfgs"):
        t = run(Uphill(), rule, (1.0, 1.0), 1.0)
        assert t.stop_reason is StopReason.STALLED and t.steps == 0
        assert t.message == LINE_SEARCH
        assert len(t.line_search(0).t) == 31 and t.attempts == 1


def test_batches_do_not_record_notes_or_trials(rosen):
    starts = np.array([[-1.2, 1.0], [0.5, 0.5], [2.0, -1.0]])
    res = run_batch(rosen, Rule.BFGS, starts, Rule.BFGS.params(1.0), max_steps=5, gtol=0)
    assert res.notes is None and res.trials is None and res.history is None
    rec = run_batch(rosen, Rule.BFGS, starts, Rule.BFGS.params(1.0), max_steps=5, gtol=0,
                    record=True)
    np.testing.assert_array_equal(rec.points, res.points)
    assert rec.notes is not None and rec.notes["B"].shape == (5, 3, 2, 2)
    assert rec.trials is not None and set(rec.trials[:, 1]) == {0, 1, 2}


def test_new_rules_need_a_context_and_have_texts():
    x = np.zeros((1, 2))
    for rule in (Rule.NEWTON, Rule.BFGS, Rule.ARMIJO):
        with pytest.raises(TypeError, match="StepContext"):
            rule(x, x, rule.init_state(x.shape), rule.params(1.0))
        assert rule.formula and rule.latex and rule.default_lr == 1.0
    assert Rule.NEWTON.uses_hessian and Rule.ARMIJO.line_search and Rule.BFGS.line_search
    assert "max(|λ|, δ)" in Rule.NEWTON.formula
    assert Rule.parse("BFGS") is Rule.BFGS and Rule.GRADIENT.default_lr is None
