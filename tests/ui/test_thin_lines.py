"""Lines of 100,000 steps are drawn from ~4,000 points (antialiased paths of every point took
~0.3 s a paint and blocked the window): in order, the last point kept, no spike lost."""

from __future__ import annotations

import numpy as np

from app.ui.views.trails2d import MAX_POINTS, TrailsItem, thin


def test_long_lines_are_thinned_in_order_keeping_the_end_and_the_spikes():
    x = np.arange(100_001, dtype=float)
    y = np.sin(x / 1000.0)
    y[54_321] = 50.0                       # one spike
    pts = np.column_stack([x, y])
    for peaks in (False, True):
        t = thin(pts, peaks)
        assert len(t) <= MAX_POINTS + 2 and (np.diff(t[:, 0]) > 0).all()
        assert (t[-1] == pts[-1]).all() and (t[0] == pts[0]).all()
    assert thin(pts, True)[:, 1].max() == 50.0
    short = pts[:MAX_POINTS]
    assert thin(short) is short


def test_the_item_draws_thinned_paths(qtbot):
    item = TrailsItem(peaks=True)
    x = np.arange(100_001, dtype=float)
    item.set_trails([np.column_stack([x, np.cos(x)])], ["#ff0000"])
    assert item.count == 1 and item._paths[0].elementCount() <= MAX_POINTS + 2


def test_a_legend_of_many_walkers_names_a_dozen_and_counts_the_rest(qtbot):
    import pyqtgraph as pg

    from app.ui.views.trails2d import MAX_LEGEND, fill_legend

    legend = pg.LegendItem()
    fill_legend(legend, ["#ff0000"] * 100, [f"w{i}" for i in range(100)])
    labels = [label.text for _, label in legend.items]
    assert len(labels) == MAX_LEGEND and labels[-1] == f"… and {100 - MAX_LEGEND + 1} more walkers"
    fill_legend(legend, ["#ff0000"] * 3, ["a", "b", "c"])
    assert [label.text for _, label in legend.items] == ["a", "b", "c"]
