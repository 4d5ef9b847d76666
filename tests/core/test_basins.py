"""Basins of attraction: Himmelblau's four minima, divergence, 1-D, the command line."""

import json

import numpy as np
import pytest

from app.cli import main
from app.core.basins import DIVERGED, basin_colors, basin_map
from app.core.descent import Cancelled
from app.core.expression import compile_expression
from app.core.presets import get_preset

HIMMELBLAU = get_preset("himmelblau")


def test_himmelblau_has_four_basins():
    f = compile_expression(HIMMELBLAU.expression)
    bm = basin_map(f, HIMMELBLAU.domain, "gradient", 0.01, resolution=64, max_steps=500)
    assert len(bm.minima) == 4
    known = np.array([m.point for m in HIMMELBLAU.minima])
    for m in bm.minima:
        assert m.share > 0.10
        assert np.min(np.linalg.norm(known - m.point, axis=1)) < 1e-3
    assert sum(m.share for m in bm.minima) + bm.diverged_share + bm.unconverged_share + \
        bm.left_share == pytest.approx(1.0)
    assert bm.labels.shape == (64, 64)
    # the start at the top-right corner (5, 5) slides into the minimum at (3, 2)
    top_right = bm.minima[bm.labels[-1, -1]].point
    assert top_right == pytest.approx((3, 2), abs=1e-3)


def test_divergent_rate_reports_diverged_starts():
    f = compile_expression(HIMMELBLAU.expression)
    bm = basin_map(f, HIMMELBLAU.domain, "gradient", 0.05, resolution=32, max_steps=200)
    assert bm.diverged_share > 0.5
    assert (bm.labels == DIVERGED).sum() == round(bm.diverged_share * 32 * 32)
    img = basin_colors(bm.labels)
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8


def test_one_dimensional_basins():
    f = compile_expression("x^4 - 3x^2 + x")
    bm = basin_map(f, ((-2.5, 2.5),), "gradient", 0.01, resolution=101, max_steps=3000)
    assert sorted(round(m.point[0], 3) for m in bm.minima) == [-1.301, 1.131]
    assert bm.labels.shape == (101,)


def test_basins_can_be_cancelled():
    f = compile_expression(HIMMELBLAU.expression)
    with pytest.raises(Cancelled):
        basin_map(f, HIMMELBLAU.domain, "gradient", 0.01, resolution=16,
                  progress=lambda k, n: k >= 3)


def test_basins_command_json_and_png(tmp_path, capsys):
    out = tmp_path / "b.png"
    assert main(["basins", "--preset", "himmelblau", "--resolution", "48", "--json",
                 "--out", str(out)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert len(d["minima"]) == 4
    assert set(d["minima"][0]) == {"x", "y", "f", "share", "unsettled"}
    assert sum(m["share"] for m in d["minima"]) + d["diverged_share"] + \
        d["unconverged_share"] + d["left_share"] == pytest.approx(1)
    from PIL import Image

    with Image.open(out) as im:
        rgb = np.asarray(im.convert("RGB")).reshape(-1, 3)
        assert im.size[0] >= 48 and len(np.unique(rgb, axis=0)) >= 4


def test_basins_command_errors(capsys):
    assert main(["basins", "--preset", "himmelblau", "--resolution", "0"]) == 2
    assert main(["basins", "--preset", "bowl", "--out", "/nonexistent/dir/b.png"]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 2
