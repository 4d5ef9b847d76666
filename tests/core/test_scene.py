"""The scene value: one list of walkers and an optional camera. Edits give new, validated
scenes: ``with_walker``, ``move_start`` (walkers that shared a start move together),
``to_dim``, ``Walker.replace`` (a new rule keeps only the parameters it knows)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from app.core.descent import run
from app.core.rules import Rule
from app.core.scene import MAX_WALKERS, WALKER_COLORS, Camera, Scene, Walker

A, B = (-1.5, 2.5), (1.0, -0.5)


def three_walkers() -> Scene:
    """Walkers 0 and 1 race from A; walker 2 starts alone from B."""
    return Scene.from_preset("rosenbrock").replace(walkers=[
        Walker("gradient", 0.001, (), A, WALKER_COLORS[0]),
        Walker("momentum", 0.001, (("beta", 0.8),), A, WALKER_COLORS[1]),
        Walker("adam", 0.05, (), B, WALKER_COLORS[2]),
    ])


# --- move_start -----------------------------------------------------------------------------

def test_moving_a_shared_start_moves_everyone_who_shared_it():
    scene = three_walkers()
    moved = scene.move_start(0, (0.5, 1.5))
    assert [w.start for w in moved.walkers] == [(0.5, 1.5), (0.5, 1.5), B]
    # only the start changes: rules, rates, parameters and colours stay
    for old, new in zip(scene.walkers, moved.walkers, strict=True):
        assert dataclasses.replace(new, start=old.start) == old
    # from the other walker of the pair: the same
    assert [w.start for w in scene.move_start(1, (0.5, 1.5)).walkers] == \
        [(0.5, 1.5), (0.5, 1.5), B]
    # the scene itself is a value: unchanged
    assert [w.start for w in scene.walkers] == [A, A, B]


def test_moving_a_walker_alone():
    scene = three_walkers()
    moved = scene.move_start(2, (0.0, 0.0))
    assert [w.start for w in moved.walkers] == [A, A, (0.0, 0.0)]
    # once walker 2 has been put on A it races with the others: all three move together
    joined = scene.move_start(2, A)
    assert [w.start for w in joined.walkers] == [A, A, A]
    assert [w.start for w in joined.move_start(0, B).walkers] == [B, B, B]


def test_move_start_makes_floats_and_validates():
    scene = three_walkers()
    moved = scene.move_start(2, np.array([1, 2]))
    assert moved.walkers[2].start == (1.0, 2.0)
    assert all(type(v) is float for v in moved.walkers[2].start)
    with pytest.raises(ValueError, match=r"walker 3: start needs 2 finite number\(s\)"):
        scene.move_start(2, (1.0,))
    with pytest.raises(ValueError, match="finite"):
        scene.move_start(0, (math.nan, 0.0))
    assert [w.start for w in scene.walkers] == [A, A, B]


def test_move_start_of_one_walker_scene():
    scene = Scene.from_preset("double_well")
    assert scene.move_start(0, (0.25,)).walkers[0].start == (0.25,)


# --- Walker.replace and label --------------------------------------------------------------

def test_a_new_rule_drops_the_parameters_it_does_not_know():
    w = Walker("momentum", 0.02, (("beta", 0.5),), (1.0, 2.0), "#3366ff")
    assert w.replace(rule="adam").params == ()
    assert w.replace(rule="nesterov").params == (("beta", 0.5),)          # both know beta
    adam = Walker("adam", 0.05, (("beta1", 0.8), ("eps", 1e-7)), (0.0, 0.0))
    assert adam.replace(rule="rmsprop").params == (("eps", 1e-7),)
    assert adam.replace(rule="gradient").params == ()
    assert w.params == (("beta", 0.5),)                                   # w is unchanged


def test_replace_normalises_the_rule_and_keeps_the_rest():
    w = Walker("momentum", 0.02, (("beta", 0.5),), (1.0, 2.0), "#3366ff")
    r = w.replace(rule="  NESTEROV ")
    assert r.rule == "nesterov" and (r.lr, r.start, r.color) == (w.lr, w.start, w.color)
    assert w.replace(lr=0.5) == Walker("momentum", 0.5, (("beta", 0.5),), (1.0, 2.0), "#3366ff")
    # a rule change and new parameters at once: the new rule's parameters are kept
    both = w.replace(rule="adam", params=(("beta1", 0.7), ("beta", 0.1)))
    assert both.params == (("beta1", 0.7),)
    with pytest.raises(ValueError, match="unknown rule 'sgd'"):
        w.replace(rule="sgd")


def test_label_shows_only_parameters_that_differ():
    assert Walker("adam", 0.05).label == "adam η=0.05"
    assert Walker("adam", 0.05, (("beta1", 0.9),)).label == "adam η=0.05"        # a default
    assert Walker("adam", 0.05, (("beta1", 0.8), ("beta2", 0.999))).label == \
        "adam η=0.05 (beta1=0.8)"
    assert Walker("momentum", 0.001, (("beta", 0.5),)).label == "momentum η=0.001 (beta=0.5)"


def test_walker_runs_with_its_parameters():
    scene = three_walkers()
    func = scene.compile()
    w = scene.walkers[1]
    t = w.run(func, scene)
    direct = run(func, Rule.MOMENTUM, A, 0.001, max_steps=scene.max_steps, gtol=scene.gtol,
                 domain=scene.domain, beta=0.8)
    assert np.array_equal(t.points, direct.points) and t.params["beta"] == 0.8


# --- run_all, with_walker, to_dim -----------------------------------------------------------

def test_run_all_runs_every_walker_in_order():
    scene = three_walkers()
    trajs = scene.run_all()
    assert isinstance(trajs, tuple) and len(trajs) == 3
    assert [t.rule for t in trajs] == [Rule.GRADIENT, Rule.MOMENTUM, Rule.ADAM]
    assert [tuple(t.points[0]) for t in trajs] == [A, A, B]
    assert trajs[1].params["beta"] == 0.8
    again = scene.run_all(scene.compile())
    assert all(np.array_equal(a.points, b.points) for a, b in zip(trajs, again, strict=True))


def test_with_walker():
    scene = three_walkers()
    new = Walker("stride", 0.1, (), (0.0, 1.0), "#abcdef")
    edited = scene.with_walker(1, new)
    assert edited.walkers == (scene.walkers[0], new, scene.walkers[2])
    assert scene.with_walker(-1, new).walkers[2] == new
    with pytest.raises(ValueError, match="walker 2: learning rate"):
        scene.with_walker(1, new.replace(lr=-1.0))
    with pytest.raises(IndexError):
        scene.with_walker(3, new)


def test_to_dim_follows_domain_and_starts():
    scene = three_walkers()                      # domain (-2, 2) × (-1, 3)
    assert scene.to_dim(2) is scene
    one = scene.to_dim(1)
    assert one.domain == ((-2.0, 2.0),) and [w.start for w in one.walkers] == [(-1.5,), (-1.5,),
                                                                                 (1.0,)]
    back = one.to_dim(2)
    assert back.domain == ((-2.0, 2.0), (-2.0, 2.0))
    assert [w.start for w in back.walkers] == [(-1.5, 0.0), (-1.5, 0.0), (1.0, 0.0)]
    assert [w.rule for w in back.walkers] == [w.rule for w in scene.walkers]


# --- validation -----------------------------------------------------------------------------

def test_replace_validates_and_makes_a_tuple():
    scene = three_walkers()
    assert isinstance(scene.replace(walkers=list(scene.walkers)).walkers, tuple)
    with pytest.raises(ValueError, match="at least one walker"):
        scene.replace(walkers=[])
    with pytest.raises(ValueError, match=f"at most {MAX_WALKERS} walkers"):
        scene.replace(walkers=[scene.walkers[0]] * (MAX_WALKERS + 1))
    assert len(scene.replace(walkers=[scene.walkers[0]] * MAX_WALKERS).walkers) == MAX_WALKERS
    with pytest.raises(ValueError, match="walker 2: not a walker"):
        scene.replace(walkers=[scene.walkers[0], {"rule": "adam"}])
    with pytest.raises(ValueError, match="unknown rule"):
        scene.replace(walkers=[Walker("sgd", 0.1, (), A)])
    with pytest.raises(ValueError, match="walker 1: learning rate"):
        scene.replace(walkers=[Walker("adam", 1e4, (), A)])
    with pytest.raises(ValueError, match="walker 1: learning rate"):
        scene.replace(walkers=[Walker("adam", math.inf, (), A)])
    with pytest.raises(ValueError, match="walker 1: parameters must be finite"):
        scene.replace(walkers=[Walker("adam", 0.1, (("eps", math.nan),), A)])
    with pytest.raises(ValueError, match="walker 1: start needs 2"):
        scene.replace(walkers=[Walker("adam", 0.1, (), (1.0, 2.0, 3.0))])


@pytest.mark.parametrize(("camera", "fragment"), [
    (Camera(elevation=91.0), "elevation must be between -90 and 90"),
    (Camera(distance=0.0), "distance must be positive"),
    (Camera(distance=-1.0), "distance must be positive"),
    (Camera(distance=math.nan), "must be finite"),
    (Camera(azimuth=math.inf), "must be finite"),
    (Camera(center=(0.0, math.nan, 0.0)), "must be finite"),
    (Camera(center=(0.0, 0.0)), "centre needs 3 numbers"),  # type: ignore[arg-type]
])
def test_bad_cameras_are_refused(camera: Camera, fragment: str):
    with pytest.raises(ValueError, match=fragment):
        Scene.from_preset("bowl", camera=camera)


def test_cameras_that_are_fine():
    for cam in (Camera(), Camera(elevation=-90.0), Camera(elevation=90.0, azimuth=720.0),
                Camera(distance=1e-3, center=(1.0, -2.0, 3.0))):
        assert Scene.from_preset("bowl", camera=cam).camera == cam
    assert Scene.from_preset("bowl").camera is None


def test_scenes_compare_by_value_and_hash():
    a, b = three_walkers(), three_walkers()
    assert a == b and hash(a) == hash(b)
    assert a != a.replace(camera=Camera())
    assert a != a.move_start(2, A)
    assert a == a.replace(extra=(("note", "not part of equality"),))
