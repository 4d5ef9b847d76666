"""Learning-rate sweeps: per-walker η and β in one batch match separate runs for every rule;
on x² + 10y² from (1, 1) gradient descent converges below η = 2/λmax = 0.1 and diverges
above; the momentum map, progress, cancel, the race; and ``gradient-mountain sweep``."""

from __future__ import annotations

import numpy as np
import pytest

from app.cli import main
from app.core.descent import Cancelled, StopReason, run, run_batch
from app.core.expression import compile_expression
from app.core.rules import Rule
from app.core.scene import Scene, Walker
from app.core.sweep import learning_rates, momentum_map, sweep_rule, sweep_scene
from app.core.sweep_report import sweep_table
from tests.core.quadratic import Quadratic
from tests.core.test_cli import strict_json

BOWL = "x^2 + 10y^2"          # Hessian diag(2, 20): 2/λmax = 0.1
RUN_KEYS = {"lr", "steps", "stop_reason", "final_f"}
LRS = np.array([0.01, 0.05, 0.2, 0.31, 0.45])


def bowl_scene(*walkers: Walker, max_steps: int = 2000) -> Scene:
    ws = walkers or (Walker("gradient", 0.05, (), (1.0, 1.0)),)
    return Scene(BOWL, ((-3.0, 3.0), (-3.0, 3.0)), ws, max_steps=max_steps)


@pytest.mark.parametrize("rule", list(Rule))
def test_one_batch_of_learning_rates_matches_separate_runs(rule):
    """Every rule accepts η as one value per walker: walker i of the batch walks exactly as
    a run of its own with η_i would."""
    start = (1.0, -0.5)
    res = sweep_rule(Quadratic(), rule, start, LRS, max_steps=60, gtol=1e-8)
    for i, lr in enumerate(LRS):
        t = run(Quadratic(), rule, start, lr, max_steps=60, gtol=1e-8)
        assert res.steps[i] == t.steps or res.reason(i) is StopReason.DIVERGED
        assert res.reason(i) is t.stop_reason, (rule, lr)
        np.testing.assert_allclose(res.final_f[i], t.values[-1], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("rule", [Rule.MOMENTUM, Rule.NESTEROV, Rule.ADAM, Rule.RMSPROP])
def test_per_walker_rule_parameters_match_separate_runs(rule):
    """β (β1, β2, α) per walker too, given as (n,) or (n, 1), with a schedule, recorded."""
    key = {"momentum": "beta", "nesterov": "beta", "adam": "beta1", "rmsprop": "alpha"}
    name = key[rule.value]
    values = np.array([0.0, 0.5, 0.9, 0.95])
    lrs = np.array([0.02, 0.05, 0.03, 0.01])
    starts = np.tile([1.0, -0.5], (4, 1))
    params = {**rule.params(1.0), "lr": lrs.reshape(4, 1), name: values}
    res = run_batch(Quadratic(), rule, starts, params, max_steps=25, gtol=0,
                    schedule="exponential:gamma=0.95", record=True)
    for i in range(4):
        t = run(Quadratic(), rule, starts[i], lrs[i], max_steps=25, gtol=0,
                schedule="exponential:gamma=0.95", **{name: values[i]})
        np.testing.assert_allclose(res.points[i], t.points[-1], rtol=1e-12)
        assert res.notes is not None
        np.testing.assert_allclose(res.notes["eta"][:, i], t.etas, rtol=1e-15)


def test_a_parameter_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="one per walker"):
        run_batch(Quadratic(), Rule.GRADIENT, np.zeros((3, 2)), {"lr": np.ones(4)})


def test_the_boundary_is_two_over_lambda_max():
    """x² + 10y² from (1, 1): every η below 0.1 converges, every η above diverges."""
    f = compile_expression(BOWL)
    lrs = learning_rates(0.01, 1.0, 40)
    s = sweep_rule(f, "gradient", (1.0, 1.0), lrs, max_steps=3000, domain=((-3, 3), (-3, 3)))
    assert s.limit == pytest.approx(0.1) and s.limit_form == "2/λmax"
    assert s.converged[lrs < 0.1].all() and s.diverged[lrs > 0.1].all()
    assert s.changes == (int(np.flatnonzero(lrs < 0.1)[-1]),)
    # the error shrinks by ρ = max(|1 − 2η|, |1 − 20η|) a step: least at η = 2/(2 + 20) = 1/11
    best = 1 / 11
    assert (np.diff(s.steps[s.converged & (lrs <= best)]) <= 0).all()
    assert (np.diff(s.steps[s.converged & (lrs >= best)]) >= 0).all()
    assert abs(np.log(s.lrs[s.fastest] / best)) <= np.log(lrs[1] / lrs[0])
    assert np.abs(s.final_f[s.converged]).max() < 1e-10
    assert not s.lrs.flags.writeable and not s.reasons.flags.writeable


def test_momentum_map_is_stable_below_two_one_plus_beta_over_lambda():
    f = compile_expression(BOWL)
    lrs, betas = learning_rates(1e-3, 1.0, 60), np.linspace(0.0, 0.95, 40)
    m = momentum_map(f, (1.0, 1.0), lrs, betas, max_steps=1500)
    assert m.steps.shape == m.reasons.shape == m.final_f.shape == (60, 40)
    np.testing.assert_allclose(m.limits, 2 * (1 + betas) / 20)
    eta = np.broadcast_to(lrs[:, None], m.steps.shape)
    diverged = m.reasons == list(StopReason).index(StopReason.DIVERGED)
    assert (eta[m.converged] < np.broadcast_to(m.limits, eta.shape)[m.converged]).all()
    assert (eta[diverged] > np.broadcast_to(m.limits, eta.shape)[diverged]).all()
    assert m.converged.sum() > 800 and diverged.sum() > 400
    i, j = m.fastest
    assert m.converged[i, j] and m.steps[i, j] == m.steps[m.converged].min()


def test_progress_counts_walkers_and_cancel_stops():
    scene = bowl_scene(max_steps=500)
    seen: list[tuple[int, int]] = []
    sw = sweep_scene(scene, scene.compile(), rules=["gradient", "adam"],
                     lrs=learning_rates(0.01, 1, 50), betas=np.linspace(0, 0.9, 10),
                     momentum_lrs=learning_rates(0.01, 1, 20),
                     progress=lambda d, t: seen.append((d, t)) and None)
    total = 2 * 50 + 20 * 10
    assert {t for _, t in seen} == {total}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == total and len(done) > 20
    assert len(sw.rules) == 2 and sw.momentum is not None
    with pytest.raises(Cancelled):
        sweep_scene(scene, scene.compile(), lrs=learning_rates(0.01, 1, 50),
                    progress=lambda d, t: d > 0)


def test_race_lists_the_scene_walkers():
    walkers = (Walker("gradient", 0.05, (), (1.0, 1.0)), Walker("gradient", 0.2, (), (1.0, 1.0)),
               Walker("adam", 0.1, (), (1.0, 1.0), "#1f6fff"))
    scene = bowl_scene(*walkers, max_steps=300)
    sw = sweep_scene(scene, scene.compile(), walker=2, lrs=learning_rates(0.01, 1, 10))
    trajs = scene.run_all()
    assert [r.label for r in sw.race] == [w.label for w in walkers]
    assert [r.steps for r in sw.race] == [t.steps for t in trajs]
    assert [r.message for r in sw.race] == [t.message for t in trajs]
    assert sw.race[0].converged and not sw.race[1].converged
    assert sw.rules[0].rule is Rule.ADAM and sw.rules[0].limit is None
    assert "the scene's walkers" in sweep_table(sw)


def test_a_run_that_comes_to_rest_outside_the_domain_left_it():
    """peaks flattens far away: a huge η throws the walker onto that plain, where ∇f ≈ 0."""
    scene = Scene.from_preset("peaks")
    s = sweep_rule(scene.compile(), "gradient", (-0.2, 1.2), [10.0], domain=scene.domain)
    assert s.reason(0) is StopReason.LEFT_DOMAIN


def sweep_json(capsys, *args: str) -> dict:
    assert main(["sweep", *args, "--json"]) == 0
    out = capsys.readouterr()
    assert out.err == "" and out.out.count("\n") == 1
    return strict_json(out.out)


def test_cli_json_on_the_bowl(capsys):
    d = sweep_json(capsys, "--expr", BOWL, "--start", "1", "1", "--rule", "gradient",
                   "--lr-min", "0.01", "--lr-max", "1", "--count", "30", "--steps", "3000")
    assert d["stability_limit"] == pytest.approx(0.1) and d["rule"] == "gradient"
    runs = d["runs"]
    assert len(runs) == 30 and all(set(r) == RUN_KEYS for r in runs)
    assert [r["lr"] for r in runs] == pytest.approx(learning_rates(0.01, 1, 30).tolist())
    assert all(r["stop_reason"] == "converged" for r in runs if r["lr"] < 0.1)
    assert all(r["stop_reason"] == "diverged" for r in runs if r["lr"] > 0.1)
    assert all(isinstance(r["steps"], int) for r in runs)


def test_cli_json_has_no_nan(capsys):
    """log(x) from near its edge: runs that step off to x ≤ 0 blow up; still strict JSON."""
    d = sweep_json(capsys, "--expr", "x - log(x)", "--start", "0.5", "--count", "25")
    assert {r["stop_reason"] for r in d["runs"]} >= {"converged", "diverged"}


def test_cli_table_and_figure(tmp_path, capsys):
    out = tmp_path / "sweep.png"
    assert main(["sweep", "--expr", BOWL, "--start", "1", "1", "--lr-min", "0.01",
                 "--lr-max", "1", "--count", "40", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "── η = 2/λmax = 0.1 ──" in text and "← fastest" in text
    assert len(text.splitlines()) < 45                       # compact: not all 40 rows
    from PIL import Image

    with Image.open(out) as im:
        rgb = np.asarray(im.convert("RGB"))
    assert rgb.shape[1] >= 900
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)   # diverged marks
    green = (rgb[..., 1] > 120) & (rgb[..., 0] < 90) & (rgb[..., 2] < 90)  # converged ones
    assert red.sum() > 200 and green.sum() > 200


def test_cli_momentum_figure_has_the_map(tmp_path, capsys):
    out = tmp_path / "m.png"
    assert main(["sweep", "--expr", BOWL, "--start", "1", "1", "--rule", "momentum",
                 "--count", "30", "--out", str(out)]) == 0
    from PIL import Image

    with Image.open(out) as im:
        assert im.size[1] > 1000                           # three panels


def test_cli_errors(capsys):
    assert main(["sweep", "--expr", BOWL, "--lr-min", "1", "--lr-max", "0.1"]) == 2
    assert main(["sweep", "--expr", BOWL, "--count", "1"]) == 2
    assert main(["sweep", "--expr", BOWL, "--walker", "2"]) == 2
    assert main(["sweep", "--expr", BOWL, "--out", "/nonexistent/dir/s.png"]) == 2
    assert capsys.readouterr().err.count("error:") == 4


def test_the_walker_schedule_and_noise_come_along():
    """A walker with a schedule and gradient noise: run i of its sweep is its own walk with
    η_i (the noise differs per run, so compare the noise-free schedule exactly)."""
    w = Walker("gradient", 0.05, (), (1.0, 1.0), schedule="exponential:gamma=0.99")
    scene = bowl_scene(w, max_steps=400)
    lrs = learning_rates(0.01, 0.3, 9)
    sw = sweep_scene(scene, scene.compile(), lrs=lrs)
    for i, lr in enumerate(lrs):
        t = w.replace(lr=float(lr)).run(scene.compile(), scene.replace(stop_outside=False))
        assert sw.rules[0].reason(i) is t.stop_reason and sw.rules[0].steps[i] == t.steps
    noisy = bowl_scene(w.replace(noise=0.5), max_steps=400)
    sn = sweep_scene(noisy, noisy.compile(), lrs=lrs)
    assert not np.array_equal(sn.rules[0].steps, sw.rules[0].steps)
