"""Every preset compiles, starts inside its domain, and its known minima are minima."""

import numpy as np
import pytest

from app.core.descent import StopReason
from app.core.expression import compile_expression
from app.core.presets import get_preset, presets
from app.core.scene import Scene

NAMES = list(presets())


def test_the_issue_presets_are_all_there():
    for name in ("peaks", "bowl", "saddle", "rosenbrock", "himmelblau", "beale", "rastrigin",
                 "ackley", "goldstein_price", "six_hump_camel", "booth", "parabola",
                 "double_well"):
        assert name in NAMES
    assert get_preset("Six-Hump-Camel").name == "six_hump_camel"
    with pytest.raises(ValueError, match="choose one of"):
        get_preset("everest")


@pytest.mark.parametrize("name", NAMES)
def test_known_minima(name):
    p = get_preset(name)
    f = compile_expression(p.expression, params=p.param_values)
    assert f.dim == p.dim
    for m in p.minima:
        pt = np.array(m.point, float)
        assert f.value(*pt) == pytest.approx(m.f, abs=1e-9)
        if m.smooth:
            g = np.array(f.gradient(*pt), float)
            assert np.linalg.norm(g) < 1e-7
            eig = np.linalg.eigvalsh(f.hessian(*pt))
            assert (eig > 0).all(), "a minimum has a positive-definite Hessian"
        else:  # a kink (Ackley's cone tip): every nearby point is higher
            rng = np.random.default_rng(0)
            near = pt + rng.normal(scale=1e-3, size=(20, p.dim))
            assert (f.value(*near.T) > m.f).all()


@pytest.mark.parametrize("name", NAMES)
def test_default_animation_is_a_good_first_one(name):
    scene = Scene.from_preset(name)
    p = get_preset(name)
    (walker,) = scene.walkers                     # a preset gives one walker: the preset's
    assert (walker.rule, walker.lr, walker.start, walker.params) == (p.rule, p.lr, p.start, ())
    assert scene.preset == p.name and scene.camera is None
    assert all(lo < s < hi for s, (lo, hi) in zip(walker.start, scene.domain, strict=True))
    (traj,) = scene.run_all()
    assert traj.stop_reason not in (StopReason.UNDEFINED, StopReason.DIVERGED)
    assert traj.steps >= 10, "too short to be worth watching"
    assert traj.values[-1] < traj.values[0]


def test_peaks_walker_stalls_at_a_minimum():
    scene = Scene.from_preset("peaks")
    (walker,) = scene.walkers
    assert walker.rule == "stride"
    (traj,) = scene.run_all()
    assert traj.stop_reason is StopReason.STALLED
    p = get_preset("peaks")
    nearest = min(np.linalg.norm(np.array(m.point) - traj.points[-1]) for m in p.minima)
    assert nearest < walker.lr


def test_from_preset_applies_changes_and_validates():
    scene = Scene.from_preset("bowl", max_steps=40, cmap="viridis")
    assert scene.max_steps == 40 and scene.cmap == "viridis" and len(scene.walkers) == 1
    with pytest.raises(ValueError, match="max steps"):
        Scene.from_preset("bowl", max_steps=0)
    with pytest.raises(ValueError, match="choose one of"):
        Scene.from_preset("everest")
