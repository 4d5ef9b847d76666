"""Colour maps agree with matplotlib's maps of the same name; NaN, range and name handling.

matplotlib is only the reference here (the app does not need it). Called as ``cmap(t)`` a
matplotlib map is a 256-step staircase (entry ⌊256·t⌋), which is itself up to 5/255 away from the
map it samples, so the maps are compared with matplotlib's full-resolution map instead: the
segment data resampled to 65536 entries (terrain, coolwarm, gray), or the published colour list
interpolated between its entries at k/255 (viridis, magma). Separately, at matplotlib's own 256
table points t = k/255 the values must be matplotlib's table entries.
"""

import re
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

from app.core.colormaps import NAMES, colormap

MPL_NAME = {"terrain": "terrain", "viridis": "viridis", "magma": "magma",
            "coolwarm": "coolwarm", "grey": "gray"}
TOL = 1 / 255


def _reference(name: str):
    m = matplotlib.colormaps[MPL_NAME[name]]
    if isinstance(m, ListedColormap):
        return LinearSegmentedColormap.from_list(f"{m.name}_ref", m.colors, N=1 << 16)
    return m.resampled(1 << 16)


def test_names_unchanged():
    assert NAMES == ("terrain", "viridis", "magma", "coolwarm", "grey")


@pytest.mark.parametrize("name", NAMES)
def test_matches_matplotlib_at_1001_points(name):
    t = np.linspace(0.0, 1.0, 1001)
    got = colormap(name, t)
    want = _reference(name)(t)[:, :3]
    assert got.shape == (1001, 3)
    worst = np.abs(got - want).max()
    assert worst <= TOL, f"{name}: off by {worst * 255:.2f}/255"


@pytest.mark.parametrize("name", NAMES)
def test_matches_matplotlib_table_entries(name):
    t = np.linspace(0.0, 1.0, 256)            # matplotlib's cmap(t) returns entry k exactly here
    want = matplotlib.colormaps[MPL_NAME[name]](t)[:, :3]
    worst = np.abs(colormap(name, t) - want).max()
    assert worst <= TOL, f"{name}: off by {worst * 255:.2f}/255"


def test_grey_is_black_to_white():
    ends = colormap("grey", np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(ends, [[0, 0, 0], [0.5, 0.5, 0.5], [1, 1, 1]], atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_nan_and_out_of_range(name):
    lo, hi = colormap(name, np.array([0.0, 1.0]))
    t = np.array([np.nan, -0.5, -np.inf, -1e308, 1.5, np.inf, 1e308, 0.0, 1.0])
    got = colormap(name, t)                    # no overflow/invalid warnings (they are errors)
    np.testing.assert_array_equal(got, [lo, lo, lo, lo, hi, hi, hi, lo, hi])
    assert np.isnan(t[0]) and t[1] == -0.5     # the input is not modified


@pytest.mark.parametrize("name", NAMES)
def test_shape_dtype_and_range(name):
    rng = np.random.default_rng(1)
    t = rng.uniform(-0.2, 1.2, (7, 5)).astype(np.float32)
    got = colormap(name, t)
    assert got.shape == (7, 5, 3) and got.dtype == np.float64
    assert got.min() >= 0.0 and got.max() <= 1.0
    np.testing.assert_array_equal(got[2, 3], colormap(name, float(t[2, 3])))
    assert colormap(name, 0.25).shape == (3,)
    assert colormap(name, [[0.1, 0.2]]).shape == (1, 2, 3)


def test_unknown_name():
    msg = "unknown colour map 'jet'; choose one of: terrain, viridis, magma, coolwarm, grey"
    with pytest.raises(ValueError, match=f"^{re.escape(msg)}$"):
        colormap("jet", np.zeros(3))


def test_cmap_is_imported_on_first_use_and_matplotlib_never():
    code = (
        "import sys, numpy as np, app.core.colormaps as c\n"
        "assert 'cmap' not in sys.modules, 'cmap imported at start-up'\n"
        "c.colormap('viridis', np.linspace(0, 1, 5))\n"
        "assert 'cmap' in sys.modules\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('matplotlib', 'PySide6', 'pyqtgraph', 'OpenGL', 'shiboken6'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True)
