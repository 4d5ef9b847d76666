"""Thousands of random actions on the real window, from fixed seeds (tests/ui/random_driver):
typing (valid, invalid, 1-D, 2-D, hostile), presets, playback, starts, the walkers table,
view options, undo/redo, resizing, theme, presentation mode, basins runs, the mouse over the
map and the mountain. Every exception raised in a slot and every Qt warning is recorded:
there must be none, and the state stays consistent."""

from __future__ import annotations

import os
import random
import time

import numpy as np
import pytest

from tests.ui.conftest import settle
from tests.ui.faults import recording_faults
from tests.ui.random_driver import Driver

# per seed: sized so the file takes about a minute on 2 shared cores; more with
# GM_RANDOM_ACTIONS=1000 (or any number) for a longer hunt
ACTIONS = int(os.environ.get("GM_RANDOM_ACTIONS", "450"))


def check(w) -> None:
    """The state is consistent: scene valid, every picture of the function's dimension."""
    m = w.model
    s = m.scene.validate()
    assert m.func.dim == s.dim == len(s.walkers[0].start)
    assert 0 <= m.selected < len(s.walkers)
    assert len(m.walks) == len(s.walkers) and m.walks.func.dim == s.dim
    assert 0 <= m.position <= m.end
    assert w.view.picture.dim == s.dim and len(w.map.picture.domain) == s.dim
    assert np.isfinite(w.view.picture.mesh.vertices).all()
    assert w.status.text().startswith(("step ", "walker "))
    assert w.curve_view.isVisibleTo(w) == (s.dim == 1)
    assert w.view.isVisibleTo(w) == (s.dim == 2 or not w.presentation.on)


@pytest.mark.parametrize("seed", [11, 22, 33])
def test_random_actions_raise_nothing_and_warn_nothing(make_window, qtbot, seed):
    w = make_window("peaks", size=(640, 450), speed=300.0, resolution=32)
    driver = Driver(w, qtbot, random.Random(seed))
    bugs: list[str] = []          # a job's exception that is not a refusal (a TypeError …)
    for signal in (w.model.scene_error, w.model.surface_error):
        signal.connect(lambda text: bugs.append(text) if "Error:" in text else None)
    w.model.expression_error.connect(
        lambda text, _col: bugs.append(text) if "Error:" in text else None)

    def settle_and_check(_i: int) -> None:
        settle(qtbot, w, timeout=60_000)
        check(w)

    driver.after = settle_and_check
    began = time.perf_counter()
    with recording_faults() as faults:
        driver.run(ACTIONS)
        driver.close_dialogs()
        if w.presentation.on:
            w.presentation_action.trigger()
        w.model.pause()
        settle(qtbot, w, timeout=60_000)
    print(f"seed {seed}: {ACTIONS} actions in {time.perf_counter() - began:.1f} s",
          sorted(driver.counts.items()))
    assert not faults, faults.report()
    assert not bugs, bugs[:5]
    check(w)
    assert len(driver.counts) == len(driver.actions())     # every kind of action was taken
