"""Frozen means frozen: the arrays inside results (trajectories, batches, meshes, basin maps,
pictures, walks) are read-only, so a view that scribbles on one gets a ValueError and the
value is unchanged for everyone else who holds it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.core.basins import basin_map
from app.core.descent import Trajectory, run, run_batch
from app.core.expression import compile_expression
from app.core.pictures import map_picture, surface_picture
from app.core.rules import Rule
from app.core.scene import Scene
from app.core.surface import build_mesh
from app.core.walks import Walks
from tests.core.quadratic import Quadratic

HIMMELBLAU = Scene.from_preset("himmelblau")


def refuses_writes(a: np.ndarray) -> None:
    """Every kind of write into ``a`` raises ValueError and leaves it as it was."""
    before = a.copy()
    assert not a.flags.writeable
    index = (0,) * a.ndim
    with pytest.raises(ValueError, match="read-only"):
        a[index] = 42
    with pytest.raises(ValueError, match="read-only"):
        a[...] = 0
    with pytest.raises(ValueError, match="read-only"):
        a += 1
    with pytest.raises(ValueError, match="read-only"):
        np.copyto(a, 7)
    with pytest.raises(ValueError, match="read-only"):
        a.view()[index] = 42                     # a view of it is read-only too
    assert np.array_equal(a, before, equal_nan=True)


@pytest.fixture(scope="module")
def traj() -> Trajectory:
    return run(Quadratic(), "gradient", (1.0, 1.0), 0.1, max_steps=20)


@pytest.mark.parametrize("name", ["points", "values", "gradients"])
def test_trajectory_arrays_are_read_only(traj: Trajectory, name: str):
    before = (traj.points.copy(), traj.values.copy(), traj.gradients.copy())
    refuses_writes(getattr(traj, name))
    after = (traj.points, traj.values, traj.gradients)
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_a_step_is_a_read_only_view(traj: Trajectory):
    step = traj[3]
    assert np.shares_memory(step.point, traj.points)      # a view, not a copy …
    kept = traj.points.copy()
    with pytest.raises(ValueError, match="read-only"):     # … that cannot be written
        step.point[0] = 99.0
    with pytest.raises(ValueError, match="read-only"):
        step.point += 1
    with pytest.raises(ValueError, match="read-only"):
        step.gradient[:] = 0
    for s in traj:                                         # iteration gives the same
        with pytest.raises(ValueError, match="read-only"):
            s.point[-1] = 0
    assert np.array_equal(traj.points, kept)
    assert traj[-1].point[0] == pytest.approx(0.8**20)


def test_fields_cannot_be_swapped(traj: Trajectory):
    with pytest.raises(dataclasses.FrozenInstanceError):
        traj.points = np.zeros((1, 2))  # type: ignore[misc]


def test_trajectory_freezes_the_arrays_it_is_given():
    pts = np.zeros((2, 2))
    t = Trajectory(pts, np.zeros(2), np.zeros((2, 2)), run(Quadratic(), "gradient",
                                                            (0, 0), 0.1).stop_reason)
    assert t.points is pts and not pts.flags.writeable


def test_batch_result_arrays_are_read_only():
    starts = np.array([[1.0, 1.0], [-2.0, 0.5], [0.3, -0.7]])
    res = run_batch(Quadratic(), Rule.GRADIENT, starts, Rule.GRADIENT.params(0.1),
                    max_steps=10, record=True)
    for a in (res.points, res.values, res.gradients, res.reasons, res.stop_steps, res.history,
              res.value_history, res.gradient_history):
        assert a is not None
        refuses_writes(a)
    assert starts.flags.writeable           # the caller's starts are copied, not frozen


def test_surface_mesh_arrays_are_read_only():
    mesh = build_mesh(HIMMELBLAU.compile(), HIMMELBLAU.domain, 24)
    for a in (mesh.xs, mesh.ys, mesh.z, mesh.vertices, mesh.faces, mesh.colors):
        refuses_writes(a)


def test_basin_map_arrays_are_read_only():
    bm = basin_map(HIMMELBLAU.compile(), HIMMELBLAU.domain, "gradient", 0.01, resolution=12)
    assert len(bm.minima) >= 1
    labels = bm.labels.copy()
    refuses_writes(bm.labels)
    refuses_writes(bm.xs)
    assert bm.ys is not None
    refuses_writes(bm.ys)
    assert np.array_equal(bm.labels, labels)


@pytest.mark.parametrize("preset", ["himmelblau", "double_well"])
def test_pictures_are_read_only(preset: str):
    scene = Scene.from_preset(preset)
    func = scene.compile()
    sp = surface_picture(func, scene.domain, 24, "terrain", 1.0)
    for a in (sp.mesh.z, sp.mesh.vertices, sp.mesh.colors, sp.mesh.faces, sp.wire, sp.arrows):
        refuses_writes(a)
    mp = map_picture(func, scene.domain, "terrain")
    shown = [a for a in (mp.rgb, mp.curve, *mp.iso_lines) if a is not None and a.size]
    assert shown
    for a in shown:
        refuses_writes(a)


def test_walks_hand_out_copies_and_keep_read_only_ground():
    scene = Scene.from_preset("bowl")
    walks = Walks.compute(scene, scene.compile())
    (traj,) = walks.trajectories
    kept = traj.points.copy()
    for g in walks.ground:
        refuses_writes(g)
    p = walks.point_at(1.0)                 # on a step: a copy the caller may change
    p[:] = 1e9
    trail = walks.trail(2.5)
    trail[:] = -1e9
    walks.points_at(0.0)[:] = 5
    assert np.array_equal(traj.points, kept)
    assert np.array_equal(walks.point_at(1.0), kept[1])


@pytest.mark.parametrize("expr", ["x^2 + 3y^2", "abs(x) + max(x, y) + floor(y)",
                                  "log(x) + sqrt(y)", "x^4 - 3x^2 + x"])
def test_functions_accept_read_only_points(expr: str):
    """Trails evaluate f along a trajectory's own (read-only) points: no engine path may
    write into its input."""
    f = compile_expression(expr)
    start = (0.7, 0.4)[: f.dim]
    t = run(f, "gradient", start, 0.01, max_steps=5)
    kept = t.points.copy()
    values, grads = f.value_and_gradient(t.points)
    assert np.allclose(values, t.values, equal_nan=True)
    assert np.allclose(grads, t.gradients, equal_nan=True)
    assert np.array_equal(t.points, kept)
