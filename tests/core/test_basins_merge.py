"""Basins that mean something: end points polished and merged into the function's minima,
leaving the domain counted apart from diverging, progress by starts finished, and a picture
with axes and a key."""

import itertools
import json

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from app.core.basin_minima import merge, polish
from app.core.basins import (
    DIVERGED,
    LEFT,
    LEFT_RGB,
    PALETTE,
    UNCONVERGED,
    basin_map,
)
from app.core.expression import compile_expression
from app.core.presets import get_preset

PEAKS = get_preset("peaks")
SQUARE = ((-2.0, 2.0), (-2.0, 2.0))


@pytest.mark.parametrize("rule", ["stride", "gradient", "momentum"])
def test_peaks_has_its_three_minima_under_each_rule(rule):
    """Peaks has three local minima. Before: stride listed 3635 and momentum 4630 'minima'
    (end points within η of a minimum, never merged); gradient found 2 (η = 0.1 is above
    2/λmax = 0.066 at the deepest one, whose walkers bounce around it for ever)."""
    f = compile_expression(PEAKS.expression)
    bm = basin_map(f, PEAKS.domain, rule, PEAKS.lr, resolution=64)
    assert len(bm.minima) == 3
    known = np.array([m.point for m in PEAKS.minima])
    for m in bm.minima:                    # polished: the minima themselves, not η away
        assert np.min(np.linalg.norm(known - m.point, axis=1)) < 1e-6
        assert m.share > 0.02
    assert [m.f for m in bm.minima] == sorted(m.f for m in bm.minima)   # label 0 = lowest
    # every start is counted once, and the labels say the same as the shares
    assert sum(m.share for m in bm.minima) + bm.diverged_share + bm.unconverged_share + \
        bm.left_share == pytest.approx(1.0)
    for k, m in enumerate(bm.minima):
        assert (bm.labels == k).mean() == pytest.approx(m.share)
    # the minima are exposed for marking, in their basins' colours
    np.testing.assert_allclose(bm.minimum_points, [m.point for m in bm.minima])
    assert (bm.minimum_colors == PALETTE[:3]).all()
    # the plain outside f → 0: stride and momentum walk out there, and are counted apart
    assert bm.left_share > 0.2 and bm.diverged_share == 0.0
    assert np.allclose(bm.left_share, (bm.labels == LEFT).mean())


def test_gradient_walkers_bouncing_around_a_minimum_count_for_it_as_unsettled():
    f = compile_expression(PEAKS.expression)
    bm = basin_map(f, PEAKS.domain, "gradient", PEAKS.lr, resolution=48)
    deepest = bm.minima[0]
    assert deepest.f == pytest.approx(-6.551133332835837)
    assert 0 < deepest.unsettled <= deepest.share      # none converged: η·λmax = 3 > 2
    assert bm.minima[1].unsettled < 0.01 * bm.minima[1].share


def test_leaving_the_domain_is_not_diverging():
    """f = 20x² − y with η = 0.2: along x each step multiplies by 1 − 0.2·40 = −7 (blows up),
    but the starts on x = 0 just slide out through the top: 1 column in 5."""
    f = compile_expression("20x^2 - y")
    bm = basin_map(f, ((-1.0, 1.0), (-1.0, 1.0)), "gradient", 0.2, resolution=5)
    assert bm.minima == ()
    assert bm.left_share == pytest.approx(0.2) and bm.diverged_share == pytest.approx(0.8)
    assert (bm.labels[2] == LEFT).all()
    assert (bm.labels[[0, 1, 3, 4]] == DIVERGED).all()
    d = bm.to_json()
    assert d["left_share"] == pytest.approx(0.2) and d["diverged_share"] == pytest.approx(0.8)


def test_a_minimum_outside_the_domain_is_not_listed():
    f = compile_expression("(x - 5)^2 + y^2")
    bm = basin_map(f, SQUARE, "gradient", 0.1, resolution=9)
    assert bm.minima == () and bm.left_share == 1.0 and (bm.labels == LEFT).all()


def test_undefined_starts_diverge_and_are_not_minima():
    f = compile_expression("sqrt(x) + y^2")            # undefined for x < 0
    bm = basin_map(f, SQUARE, "gradient", 0.05, resolution=9)
    assert (bm.labels[:4] == DIVERGED).all()          # x = −2 … −0.5
    assert all(m.point[0] >= 0 for m in bm.minima)


def test_end_points_that_cannot_be_polished_are_merged():
    """|x| + |y| has no Hessian to polish with; the stride rule stops anywhere within η of
    the origin. With no barrier between those stops they are one minimum."""
    f = compile_expression("abs(x) + abs(y)")
    bm = basin_map(f, SQUARE, "stride", 0.1, resolution=32)
    assert len(bm.minima) == 1 and bm.minima[0].share == 1.0
    assert np.linalg.norm(bm.minima[0].point) < 0.1


def test_a_valley_of_minima_is_one_and_a_degenerate_minimum_is_found():
    ring = basin_map(compile_expression("(x^2 + y^2 - 1)^2"), SQUARE, "gradient", 0.01,
                     resolution=24)
    assert len(ring.minima) == 1 and np.linalg.norm(ring.minima[0].point) == pytest.approx(1)
    quartic = basin_map(compile_expression("x^4 + y^4"), SQUARE, "gradient", 0.01,
                        resolution=24)            # too slow to converge in 500 steps
    assert len(quartic.minima) == 1 and quartic.minima[0].share == 1.0
    assert np.linalg.norm(quartic.minima[0].point) < 1e-3
    assert quartic.minima[0].unsettled > 0.9


def test_walkers_stuck_on_a_saddle_are_not_a_minimum():
    f = compile_expression("x^2 - y^2 + y^4/4")      # minima at y = ±√2, a saddle at 0
    bm = basin_map(f, SQUARE, "gradient", 0.05, resolution=9)   # y = 0 is a start row
    assert len(bm.minima) == 2
    assert (bm.labels[:, 4] == UNCONVERGED).all()    # converged at ∇f = 0: the saddle


def test_polish_and_merge_directly():
    f = compile_expression("(x^2 - 1)^2 + y^2")       # minima at (±1, 0), a barrier at x = 0
    ends = np.array([[0.97, 0.02], [1.04, -0.03], [-1.05, 0.01], [np.nan, 0.0]])
    pol = polish(f, ends, cap=0.2)
    assert pol.minimum.tolist() == [True, True, True, False]
    np.testing.assert_allclose(pol.points[:3], [[1, 0], [1, 0], [-1, 0]], atol=1e-12)
    root = merge(f, np.array([[1.0, 0.0], [0.9, 0.1], [-1.0, 0.0]]),
                 np.array([0.0, 0.0461, 0.0]), slack=1e-9)
    assert root.tolist() == [0, 0, 2]                  # downhill to (1, 0); not over x = 0


def test_progress_counts_finished_starts_and_reaches_one():
    f = compile_expression(PEAKS.expression)
    calls: list[tuple[int, int]] = []
    basin_map(f, PEAKS.domain, "gradient", PEAKS.lr, resolution=24, max_steps=300,
              progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert {t for _, t in calls} == {24 * 24}
    assert all(b >= a for a, b in itertools.pairwise(done))
    assert done[-1] == 24 * 24
    # not a jump from nothing to all: starts finish along the way
    assert len({d for d in done if 0 < d < 24 * 24}) > 10
    assert done[len(done) // 4] > 0.25 * 24 * 24     # converged walkers are finished early


def test_basins_out_draws_axes_and_a_key(tmp_path, capsys):
    out = tmp_path / "peaks.png"
    assert main(["basins", "--preset", "peaks", "--resolution", "40", "--out", str(out),
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert len(d["minima"]) == 3 and d["left_share"] > 0.2
    with Image.open(out) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    h, w, _ = rgb.shape
    assert w > 4 * 40 and h > 4 * 40                   # not the bare 40×40 grid
    white = (rgb == 255).all(axis=2)
    dark = (rgb < 80).all(axis=2)
    # a margin that is not the map: white, with dark ink (ticks, labels) in it
    assert white[:, : w // 20].mean() > 0.8 and dark[:, : w // 10].any()
    assert white[-h // 20:, :].mean() > 0.7
    # the map's colours and the key's (the right third holds the key, on white)
    colors = {tuple(c) for c in rgb.reshape(-1, 3)}
    for c in (*PALETTE[:3], LEFT_RGB):
        assert tuple(int(v) for v in c) in colors
    key = rgb[:, 2 * w // 3:]
    assert any((np.abs(key - PALETTE[k].astype(int)).sum(axis=2) == 0).any() for k in range(3))
    assert white[:, 2 * w // 3:].mean() > 0.6
