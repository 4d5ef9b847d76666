"""Why a walker stopped, in words (steps that grew until the walker left, a line search
that gave up, a saddle); stability hints from the Hessian's eigenvalues; readable rates for
Compare optimisers."""

import numpy as np
import pytest

from app.core.compare import compare_walkers, readable
from app.core.descent import GROWTH_STEPS, StopReason, run, run_batch
from app.core.expression import compile_expression
from app.core.rules import Rule
from app.core.scene import Scene
from app.core.stability import stability_hint, stability_limit
from app.core.trajectory import GREW

DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))


@pytest.fixture(scope="module")
def bowl():
    return compile_expression("x^2 + y^2")


@pytest.mark.parametrize("lr", [1.05, 1.5, 3.0])
def test_steps_that_grow_until_the_walker_leaves_are_divergence(bowl, lr):
    t = run(bowl, "gradient", (0.3, -0.2), lr, domain=DOMAIN)
    assert t.stop_reason is StopReason.DIVERGED
    assert t.message == GREW == "the steps grew each time: η is too large here"
    assert t.steps >= 2 and np.all(np.diff(t.step_lengths[-GROWTH_STEPS:]) > 0)


def test_one_long_step_out_is_leaving(bowl):
    t = run(bowl, "gradient", (1.9, 0.0), 1.5, domain=DOMAIN)
    assert t.steps == 1 and t.stop_reason is StopReason.LEFT_DOMAIN


def test_growth_without_domain_is_caught_when_far(bowl):
    t = run(bowl, "gradient", (1.0, 1.0), 1.5, stop_outside=False, max_steps=10_000)
    assert t.stop_reason is StopReason.DIVERGED and t.message == GREW
    assert "learning rate" in t.stop_reason.message


def test_walking_out_downhill_is_still_leaving_the_domain():
    saddle = compile_expression("x^2 - y^2")          # steps grow, but f falls all the way
    t = run(saddle, "gradient", (1.0, 0.1), 0.1, domain=DOMAIN)
    assert t.stop_reason is StopReason.LEFT_DOMAIN and t.message == "left the domain"
    m = run(compile_expression("-x"), "momentum", (0.0,), 0.01, domain=((-1.0, 1.0),))
    assert m.stop_reason is StopReason.LEFT_DOMAIN      # the heavy ball speeds up downhill


def test_batches_report_the_same_words(bowl):
    starts = np.array([[0.3, -0.2], [1.0, 1.0]])
    res = run_batch(bowl, Rule.GRADIENT, starts, {"lr": 1.5}, domain=DOMAIN)
    assert [res.reason(i) for i in range(2)] == [StopReason.DIVERGED] * 2
    assert res.message(0) == GREW
    ok = run_batch(bowl, Rule.GRADIENT, starts, {"lr": 0.1}, domain=DOMAIN)
    assert ok.message(1) == StopReason.CONVERGED.message


def test_every_rule_says_why_it_stopped(bowl):
    for rule in Rule:
        t = run(bowl, rule, (1.0, 1.0), rule.default_lr or 0.1, max_steps=300, domain=DOMAIN)
        assert t.message and t.message[0].islower()
        assert t.stop_reason in (StopReason.CONVERGED, StopReason.STALLED,
                                 StopReason.MAX_STEPS), rule


@pytest.mark.parametrize("rule, params, eig, limit", [
    ("gradient", {}, [1.0, 4.0], 0.5),
    ("momentum", {"beta": 0.9}, [1.0, 4.0], 2 * 1.9 / 4),
    ("momentum", {"beta": 0.5}, [-3.0, 2.0], 1.5),
    ("nesterov", {"beta": 0.9}, [4.0], 2 * 1.9 / (2.8 * 4)),
    ("newton", {}, [1.0, 1e6], 2.0),
    ("adam", {}, [1.0, 4.0], None),
    ("bfgs", {}, [1.0, 4.0], None),
    ("gradient", {}, [-1.0, -4.0], None),
    ("gradient", {}, [float("nan"), 1.0], None),
])
def test_stability_limits(rule, params, eig, limit):
    got = stability_limit(rule, eig, params)
    assert got == (pytest.approx(limit) if limit is not None else None)


@pytest.mark.parametrize("rule, beta", [("gradient", 0.0), ("momentum", 0.9),
                                        ("momentum", 0.3), ("nesterov", 0.9),
                                        ("nesterov", 0.5)])
def test_the_limits_are_where_walks_start_to_grow(rule, beta):
    lam = 4.0                                          # f = 2x²: λ = 4
    f = compile_expression("2x^2")
    params = {"beta": beta} if beta else {}
    limit = stability_limit(rule, [lam], params)
    assert limit is not None
    inside = run(f, rule, (1.0,), 0.97 * limit, max_steps=4000, gtol=1e-8, **params)
    outside = run(f, rule, (1.0,), 1.03 * limit, max_steps=4000, gtol=1e-8, **params)
    assert inside.stop_reason is StopReason.CONVERGED
    assert outside.stop_reason is StopReason.DIVERGED


def test_stability_hints_are_words_or_none():
    assert stability_hint("gradient", 0.1, [1.0, 4.0]) is None
    text = stability_hint("gradient", 0.6, [1.0, 4.0])
    assert text == "η = 0.6 ≥ 2/λmax = 0.5 here: the steps will overshoot and grow"
    text = stability_hint(Rule.MOMENTUM, 1.0, [4.0], {"beta": 0.9})
    assert text is not None and "2(1+β)/λmax = 0.95" in text and "swing wider" in text
    assert stability_hint("adam", 100.0, [1e6]) is None


@pytest.mark.parametrize("x, expected", [
    (0.000522944, 0.0005), (0.37, 0.3), (0.0153, 0.015), (1.0, 1.0), (0.1, 0.1), (7, 7.0),
    (0.12, 0.12), (0.999, 0.9), (123.4, 120.0), (345.6, 300.0), (0.02 * 6, 0.12),
    (1e-7 * 3.3, 3e-7),
])
def test_readable_rounds_down_to_one_or_two_digits(x, expected):
    assert readable(x) == expected
    assert readable(x) <= x


def test_compare_optimisers_picks_readable_rates():
    scene = Scene.from_preset("rosenbrock")
    walkers = compare_walkers(scene, scene.compile())
    assert [w.rule for w in walkers] == ["gradient", "momentum", "adam"]
    assert len({w.start for w in walkers}) == 1
    for w in walkers:
        assert w.lr == readable(w.lr) and len(f"{w.lr:g}".lstrip("0.").rstrip("0")) <= 2
    limit = 2 / max(np.linalg.eigvalsh(scene.compile().hessian(*walkers[0].start)))
    assert walkers[0].lr <= 0.5 * limit
