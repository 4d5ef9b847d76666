"""Basin maps in reasonable time whatever the function: the walk in cache-sized chunks over
the walkers still walking, and merging through a grid of cells instead of comparing every
group with every other (minutes for a flat floor before). The fast paths give the very same
numbers as the plain ones."""

import time

import numpy as np
import pytest

import app.core.basins as basins
from app.core.basin_minima import merge
from app.core.basin_neighbours import NEAREST, SECTORS, neighbour_pairs, sectors
from app.core.basins import basin_map
from app.core.descent import run_batch
from app.core.expression import compile_expression
from app.core.rules import Rule
from app.core.scene import Scene


def _preset_map(name: str, resolution: int):
    scene = Scene.from_preset(name)
    w = scene.walkers[0]
    return basin_map(scene.compile(), scene.domain, w.rule, w.lr, resolution=resolution,
                     max_steps=scene.max_steps, gtol=scene.gtol, params=dict(w.params),
                     schedule=w.schedule, noise=w.noise, seed=w.seed)


def test_the_slowest_preset_at_256_squared_takes_seconds_not_minutes():
    """Goldstein–Price under Adam: ~2 s here at 256² (~8 s at 512², 35 s before)."""
    t = time.perf_counter()
    bm = _preset_map("goldstein_price", 256)
    assert time.perf_counter() - t < 30.0
    assert len(bm.minima) >= 1


def test_a_flat_floor_merges_in_seconds():
    """Every start of a constant function is a minimum of its own: 16 000+ groups to merge
    into one. Comparing each group with every other took minutes at 256²."""
    t = time.perf_counter()
    bm = basin_map(compile_expression("0*x + 0*y + 1"), ((-2.0, 2.0), (-2.0, 2.0)),
                   "gradient", 0.1, resolution=256, max_steps=10)
    assert time.perf_counter() - t < 30.0
    assert len(bm.minima) == 1 and bm.minima[0].share == 1.0


def test_chunks_give_the_same_map_as_one_batch(monkeypatch):
    f = compile_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    dom = ((-5.0, 5.0), (-5.0, 5.0))
    whole = basin_map(f, dom, "adam", 0.1, resolution=40, max_steps=200)
    monkeypatch.setattr(basins, "CHUNK", 97)
    chunked = basin_map(f, dom, "adam", 0.1, resolution=40, max_steps=200)
    assert np.array_equal(whole.labels, chunked.labels)
    assert whole.minima == chunked.minima


@pytest.mark.parametrize("rule", ["gradient", "momentum", "adam", "stride", "bfgs"])
def test_details_off_changes_only_the_details(rule):
    f = compile_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    starts = np.random.default_rng(1).uniform(-6, 6, (400, 2))
    r = Rule.parse(rule)
    a = run_batch(f, r, starts, r.params(0.05), max_steps=120, domain=((-5, 5), (-5, 5)),
                  stop_outside=False)
    b = run_batch(f, r, starts, r.params(0.05), max_steps=120, domain=((-5, 5), (-5, 5)),
                  stop_outside=False, details=False)
    assert a.points.tobytes() == b.points.tobytes()
    assert (a.reasons == b.reasons).all() and (a.stop_steps == b.stop_steps).all()


def _brute_neighbours(points: np.ndarray, b: int) -> set[int]:
    """Group b against every group: its NEAREST nearest and the nearest in each sector."""
    v = points - points[b]
    dist = np.linalg.norm(v, axis=1)
    dist[b] = np.inf
    near = set(np.argsort(dist, kind="stable")[:NEAREST].tolist())
    with np.errstate(invalid="ignore"):
        sector = sectors(v)
    for s in range(SECTORS):
        mine = np.flatnonzero((sector == s) & np.isfinite(dist))
        if mine.size:
            near.add(int(mine[np.argmin(dist[mine])]))
    return {k for k in near if k != b and np.isfinite(points[k]).all()}


def _clouds(rng):
    g = np.linspace(-1, 1, 23)
    lattice = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    yield lattice
    yield lattice[(np.add.outer(np.arange(23), np.arange(23)) % 2 == 0).ravel()]  # chequer
    yield rng.uniform(-2, 2, (300, 2))
    yield np.round(rng.uniform(-1, 1, (300, 2)) * 4) / 4                          # duplicates
    a = rng.uniform(0, 2 * np.pi, 300)
    yield np.stack([np.cos(a), np.sin(a)], 1) * rng.choice([0.5, 1.0], (300, 1))  # two rings
    yield np.concatenate([rng.normal(0, 0.01, (150, 2)), rng.normal(3, 0.01, (150, 2))])
    yield np.stack([np.linspace(0, 1, 200), np.linspace(0, 1, 200) * 1e-9], 1)    # a line
    yield rng.uniform(-2, 2, (200, 1))
    yield np.round(rng.uniform(-2, 2, (200, 1)) * 3) / 3
    with_nan = rng.uniform(-2, 2, (100, 2))
    with_nan[::7] = np.nan
    yield with_nan
    for n in (1, 2, 3, 5):
        yield rng.uniform(-1, 1, (n, 2))


def test_the_grid_finds_exactly_the_pairs_of_comparing_every_group():
    rng = np.random.default_rng(0)
    for points in _clouds(rng):
        want = {(b, k) for b in range(len(points)) if np.isfinite(points[b]).all()
                for k in _brute_neighbours(points, b)}
        got = set(zip(*(a.tolist() for a in neighbour_pairs(points)), strict=True))
        assert got == want, points.shape


def test_merge_joins_a_floor_and_keeps_two_wells_apart():
    floor = compile_expression("max(0, x^2 + y^2 - 1)")
    g = np.linspace(-0.9, 0.9, 60)
    pts = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    pts = pts[np.linalg.norm(pts, axis=1) < 0.95]
    root = merge(floor, pts, np.zeros(len(pts)), 1e-9)
    assert (root == 0).all()                        # one flat floor: one minimum
    wells = compile_expression("(x^2 - 1)^2 + y^2")
    pts = np.array([[1.0, 0.0], [-1.0, 0.0], [0.999, 0.001], [-0.999, -0.001]])
    vals = np.asarray(wells.value_and_gradient(pts)[0], float)
    order = np.argsort(vals, kind="stable")
    root = merge(wells, pts[order], vals[order], 1e-9)
    assert len(set(root.tolist())) == 2             # the barrier at x = 0 keeps them apart
