"""Tick labels of the 3D axes: neighbours never read the same, whatever domain passes the
limits (far from 0, tiny, huge)."""

from __future__ import annotations

import pytest

from app.ui.views.axes import nice_ticks, tick_text


@pytest.mark.parametrize(("lo", "hi", "first"), [
    (999_000.0, 1_000_000.0, "999000"),       # far from 0: was "1e+06" at every tick
    (-1e6, 1e6, "-1e+06"),
    (0.0, 1e-3, "0"),
    (-2.0, 2.0, "-2"),
    (1e-5, 3e-5, "1e-05"),
    (123_456.0, 124_456.0, "123600"),
])
def test_neighbouring_ticks_differ(lo, hi, first):
    ticks = nice_ticks(lo, hi)
    texts = [tick_text(v, ticks) for v in ticks]
    assert len(texts) >= 3 and len(set(texts)) == len(texts), texts
    assert texts[0] == first
    assert all(len(t) <= 8 for t in texts), texts
