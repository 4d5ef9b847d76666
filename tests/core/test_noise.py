"""Gradient noise: reproducible by seed, different across seeds, the same in every place a
walker runs; stop tests use the true gradient; the 'escape the saddle' preset; noise, seed
and schedule saved in scene files (older files still open)."""

import json

import numpy as np
import pytest

from app.core.descent import StopReason, run, run_batch
from app.core.expression import compile_expression
from app.core.noise import GradientNoise
from app.core.presets import get_preset
from app.core.rules import Rule
from app.core.scene import Scene, Walker
from app.core.scene_file import dict_to_scene, load_scene, save_scene, scene_to_dict

PEAKS_START = (-0.2, 1.2)


@pytest.fixture(scope="module")
def bowl():
    return compile_expression("x^2 + 3y^2")


@pytest.mark.parametrize("rule", [r.value for r in Rule])
def test_same_seed_same_walk_other_seed_other_walk(bowl, rule):
    a = run(bowl, rule, (1.0, -0.5), 0.05, max_steps=15, gtol=0, noise=0.3, seed=7)
    b = run(bowl, rule, (1.0, -0.5), 0.05, max_steps=15, gtol=0, noise=0.3, seed=7)
    c = run(bowl, rule, (1.0, -0.5), 0.05, max_steps=15, gtol=0, noise=0.3, seed=8)
    np.testing.assert_array_equal(a.points, b.points)
    n = min(len(a), len(c))     # a noisy Armijo may stop early (an uphill direction)
    assert n > 3 and not np.allclose(a.points[1:n], c.points[1:n])
    plain = run(bowl, rule, (1.0, -0.5), 0.05, max_steps=15, gtol=0)
    silent = run(bowl, rule, (1.0, -0.5), 0.05, max_steps=15, gtol=0, noise=0.0, seed=9)
    np.testing.assert_array_equal(plain.points, silent.points)     # σ = 0: no noise at all


def test_the_rule_sees_g_plus_sigma_xi(bowl):
    sigma, seed = 0.25, 42
    t = run(bowl, "gradient", (1.0, -0.5), 0.05, max_steps=5, gtol=0, noise=sigma, seed=seed)
    rng = np.random.Generator(np.random.PCG64(seed))
    x = np.array([1.0, -0.5])
    for k in range(5):
        g = np.array([2 * x[0], 6 * x[1]])
        g_noisy = g + sigma * rng.standard_normal((1, 2))[0]
        np.testing.assert_allclose(t.notes["g"][k], g_noisy, rtol=1e-15)
        np.testing.assert_allclose(t.gradients[k], g, rtol=1e-15)     # the true ∇f is kept
        x = x - 0.05 * g_noisy
        np.testing.assert_allclose(t.points[k + 1], x, rtol=1e-14)


def test_batch_draws_for_all_walkers_each_step(bowl):
    starts = np.array([[1.0, -0.5], [0.0, 0.0], [-2.0, 1.5]])     # walker 1 starts converged
    p = Rule.GRADIENT.params(0.05)
    a = run_batch(bowl, Rule.GRADIENT, starts, p, max_steps=30, noise=0.2, seed=3, record=True)
    b = run_batch(bowl, Rule.GRADIENT, starts, p, max_steps=30, noise=0.2, seed=3)
    np.testing.assert_array_equal(a.points, b.points)
    assert a.reason(1) is StopReason.CONVERGED
    rng = np.random.Generator(np.random.PCG64(3))
    x = starts.copy()
    for k in range(2):       # one (3, 2) draw per step, rows of stopped walkers unused
        xi = rng.standard_normal((3, 2))
        for i in (0, 2):
            g = np.array([2 * x[i, 0], 6 * x[i, 1]])
            x[i] = x[i] - 0.05 * (g + 0.2 * xi[i])
        np.testing.assert_allclose(a.history[k + 1, [0, 2]], x[[0, 2]], rtol=1e-14)
    assert GradientNoise(0.0, 3, (3, 2)).perturb(starts, np.arange(3)) is starts


def test_convergence_uses_the_true_gradient(bowl):
    t = run(bowl, "gradient", (0.0, 0.0), 0.1, noise=5.0, seed=1)
    assert t.stop_reason is StopReason.CONVERGED and t.steps == 0


def test_escape_the_saddle_preset_both_outcomes():
    p = get_preset("escape_saddle")
    assert (p.expression, p.start, p.noise) == ("x^2 - y^2", (1.0, 0.0), p.noise) and p.noise > 0
    scene = Scene.from_preset("escape_saddle")
    (w,) = scene.walkers
    assert (w.noise, w.seed) == (p.noise, p.seed)
    (noisy,) = scene.run_all()
    assert noisy.stop_reason is StopReason.LEFT_DOMAIN
    assert abs(noisy.points[-1, 1]) > 2 and abs(noisy.points[-1, 0]) < 0.1   # off along y
    assert noisy.values[-1] < 0
    (quiet,) = scene.replace(walkers=[w.replace(noise=0.0)]).run_all()
    assert quiet.stop_reason is StopReason.CONVERGED
    np.testing.assert_allclose(quiet.points[-1], [0, 0], atol=1e-6)
    assert np.all(quiet.points[:, 1] == 0)
    assert "not a minimum" in quiet.message
    for seed in range(5):                       # any seed escapes
        (t,) = scene.replace(walkers=[w.replace(seed=seed)]).run_all()
        assert t.stop_reason is StopReason.LEFT_DOMAIN and abs(t.points[-1, 1]) > 2


def test_walker_checks_noise_and_seed():
    scene = Scene.from_preset("bowl")
    w = scene.walkers[0]
    for bad, fragment in ((dict(noise=-1.0), "noise σ"), (dict(noise=float("nan")), "noise σ"),
                          (dict(seed=-3), "seed"), (dict(seed=1.5), "seed")):
        with pytest.raises(ValueError, match=f"walker 1: {fragment}"):
            scene.replace(walkers=[w.replace(**bad)])
    assert "σ=0.1 seed 4" in w.replace(noise=0.1, seed=4).label


def test_scene_files_keep_noise_seed_and_schedule(tmp_path):
    scene = Scene.from_preset("bowl")
    w = scene.walkers[0].replace(noise=0.05, seed=12, schedule="warmup:steps=3+cosine:steps=50")
    scene = scene.replace(walkers=[w, scene.walkers[0].replace(color="#1f6fff")])
    path = save_scene(tmp_path / "s.json", scene)
    loaded = load_scene(path).scene
    assert loaded == scene
    doc = json.loads(path.read_text())
    first, second = doc["scene"]["walkers"]
    assert (first["noise"], first["seed"], first["schedule"]) == \
        (0.05, 12, "warmup:steps=3+cosine:steps=50")
    assert not {"noise", "seed", "schedule"} & set(second), "defaults are not written"
    assert doc["version"] == 2
    np.testing.assert_array_equal(loaded.run_all()[0].points, scene.run_all()[0].points)


@pytest.mark.parametrize("key, value, fragment", [
    ("noise", -0.5, "noise σ"), ("noise", "lots", "'noise' must be a number"),
    ("seed", 2.5, "'seed' must be a whole number"), ("seed", True, "'seed' must be a whole"),
    ("seed", -1, "seed must be"), ("schedule", 3, "'schedule' must be a string"),
    ("schedule", "warp:speed=9", "unknown schedule 'warp'"),
])
def test_bad_walker_noise_keys_are_refused(key, value, fragment):
    doc = scene_to_dict(Scene.from_preset("bowl"))
    doc["scene"]["walkers"][0][key] = value
    with pytest.raises(ValueError, match="scene file: ") as e:
        dict_to_scene(doc)
    assert fragment in str(e.value)


def test_a_version_2_file_without_the_new_keys_opens():
    doc = scene_to_dict(Scene.from_preset("bowl"))
    assert not {"noise", "seed", "schedule"} & set(doc["scene"]["walkers"][0])
    w = dict_to_scene(doc).scene.walkers[0]
    assert (w.noise, w.seed, w.schedule) == (0.0, 0, "constant")
    doc["version"] = 1
    del doc["scene"]["camera"]                     # version 1 kept it at the top
    doc["scene"]["walkers"][0]["noise"] = 0.5      # the new keys are optional in both
    assert dict_to_scene(doc).scene.walkers[0].noise == 0.5


def test_walker_defaults_keep_old_positional_construction():
    w = Walker("gradient", 0.1, (), (1.0, 2.0), "#ff140d")
    assert (w.noise, w.seed, w.schedule) == (0.0, 0, "constant")
