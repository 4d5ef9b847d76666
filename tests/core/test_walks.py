"""How long the animation is: ``animation_steps`` takes the longest walker, ``Walks`` puts every
walker at a fractional step, and ``AnimationSettings`` turns steps into frames."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from app.core.animation import AnimationSettings
from app.core.descent import StopReason, run
from app.core.scene import Scene, Walker
from app.core.scene_file import load_scene, save_scene
from app.core.walks import Extruded, Walks, animation_steps, display_domain, display_function
from tests.core.quadratic import Quadratic

FPS, SPEED = 30.0, 8.0


def himmelblau_race() -> Scene:
    """Walker 0: the preset's own (gradient, η = 0.01, a short walk); walker 1: gradient with
    η = 0.001 from the same start (ten times slower, the long walk)."""
    scene = Scene.from_preset("himmelblau")
    w0 = scene.walkers[0]
    assert (w0.rule, w0.lr) == ("gradient", 0.01)
    return scene.replace(walkers=[w0, w0.replace(lr=0.001, color="#1f6fff")])


@pytest.fixture(scope="module")
def race() -> Walks:
    scene = himmelblau_race()
    return Walks.compute(scene, scene.compile())


def test_animation_steps_is_the_longest_walker(race: Walks):
    short, long = race.trajectories
    assert short.stop_reason is long.stop_reason is StopReason.CONVERGED
    assert short.steps < 40 and long.steps == pytest.approx(345, abs=10)
    assert animation_steps(race.trajectories) == long.steps == race.end
    assert animation_steps(race.trajectories[::-1]) == long.steps     # not "walker 0's"
    assert animation_steps(race.trajectories[:1]) == short.steps
    assert animation_steps([]) == 0


# the length of the walk itself: no start hold, no 20 s cap
WHOLE = {"hold_start": 0.0, "max_seconds": None}


def test_frame_count_follows_the_longest_walker(race: Walks):
    settings = AnimationSettings(**WHOLE)
    assert (settings.fps, settings.hold, race.scene.speed) == (FPS, 1.0, SPEED)
    frames = settings.frame_count(race.end, race.scene.speed)
    assert frames == math.ceil(race.end / SPEED * FPS) + 1 + round(FPS)
    assert frames == pytest.approx(1325, abs=40)
    only_first = settings.frame_count(race.trajectories[0].steps, SPEED)
    assert only_first == pytest.approx(133, abs=20)
    assert frames > 8 * only_first                    # the long walker is not cut off
    assert settings.frame_count(345, SPEED) == 1325   # the numbers of the issue, exactly


def test_positions_reach_the_end_and_hold_it(race: Walks):
    settings = AnimationSettings(**WHOLE)
    pos = settings.positions(race.end, SPEED)
    assert len(pos) == settings.frame_count(race.end, SPEED)
    assert pos[0] == 0.0 and pos[-1] == race.end
    assert all(b >= a for a, b in itertools.pairwise(pos))
    assert pos[1] == pytest.approx(SPEED / FPS)
    held = sum(p == race.end for p in pos)
    assert held >= round(settings.hold * FPS)         # the last frame is held ~1 s
    final = race.points_at(pos[-1])                   # every walker at its own end
    for i, t in enumerate(race.trajectories):
        assert np.array_equal(final[i], t.points[-1])


@pytest.mark.parametrize(("settings", "expected"), [
    (AnimationSettings(frames=100, **WHOLE), 100),
    (AnimationSettings(seconds=2.0, **WHOLE), 60),
    (AnimationSettings(fps=10.0, hold=0.0, **WHOLE), math.ceil(345 / SPEED * 10) + 1),
    (AnimationSettings(frames=3600, **WHOLE), 1325),    # frames ≤ MAX_FRAMES
    (AnimationSettings(seconds=0.1, **WHOLE), 3),
    (AnimationSettings(), 600),                         # the default cap: 20 s at 30 fps
])
def test_frame_caps(settings: AnimationSettings, expected: int):
    assert settings.frame_count(345, SPEED) == expected


def test_zero_steps_is_one_still_picture_plus_hold():
    assert AnimationSettings(hold=0.0, **WHOLE).frame_count(0, SPEED) == 1
    assert AnimationSettings(**WHOLE).positions(0, SPEED) == [0.0] * 31


def test_export_dict_round_trip(tmp_path):
    assert AnimationSettings.from_export_dict(None) == AnimationSettings()
    assert AnimationSettings.from_export_dict({}) == AnimationSettings()
    s = AnimationSettings(size=(640, 480), fps=24.0, speed=12.0, seconds=5.0, orbit=True,
                          overlay=False)
    d = s.to_export_dict()
    assert d == {"size": [640, 480], "fps": 24.0, "orbit": True, "overlay": False,
                 "show_function": False, "speed": 12.0, "seconds": 5.0}
    assert "frames" not in d and "hold" not in d
    assert AnimationSettings.from_export_dict(d) == s
    # the section a scene file holds is accepted by the file's checks and comes back
    path = save_scene(tmp_path / "s.json", Scene.from_preset("bowl"), export=d)
    assert AnimationSettings.from_export_dict(load_scene(path).export) == s
    # unknown keys of an (open) export section are ignored, sizes become int tuples
    back = AnimationSettings.from_export_dict({"size": [320.0, 200.0], "codec": "h264"})
    assert back.size == (320, 200) and isinstance(back.size[0], int)


# --- Walks ----------------------------------------------------------------------------------

def test_walkers_move_in_lock_step_and_stopped_ones_wait(race: Walks):
    short, long = race.trajectories
    assert len(race) == 2 and race.colors == ("#ff140d", "#1f6fff")
    mid = race.points_at(2.5)
    assert mid.shape == (2, 2)
    assert np.allclose(mid[0], 0.5 * (short.points[2] + short.points[3]))
    assert np.allclose(mid[1], 0.5 * (long.points[2] + long.points[3]))
    late = race.end - 0.5                          # walker 0 stopped long ago: it waits
    assert np.array_equal(race.point_at(late, 0), short.points[-1])
    assert not np.array_equal(race.point_at(late, 1), long.points[-1])
    assert race.step_at(2.9999999999) == 3 and race.step_at(2.5) == 2


def test_trail_and_state(race: Walks):
    short = race.trajectories[0]
    assert race.trail(0.0).shape == (1, 2)
    tr = race.trail(2.5)
    assert tr.shape == (4, 2) and np.array_equal(tr[:3], short.points[:3])
    assert np.allclose(tr[-1], race.point_at(2.5))
    assert np.array_equal(race.trail(10_000.0)[: len(short)], short.points)
    pt, f, g = race.state_at(4.0)
    assert np.array_equal(pt, short.points[4])
    assert f == pytest.approx(short.values[4]) and np.allclose(g, short.gradients[4])


def test_ground_follows_every_walker(race: Walks):
    assert len(race.ground) == len(race.samples) == 2
    for t, ground, k in zip(race.trajectories, race.ground, race.samples, strict=True):
        assert ground.shape[1] == 3 and len(ground) >= len(t)
        assert 1 <= k <= 8
        f = race.func.value(ground[:, 0], ground[:, 1])
        assert np.allclose(ground[:, 2], f)


def test_one_dimensional_walks_are_drawn_extruded():
    scene = Scene.from_preset("double_well")
    walks = Walks.compute(scene, scene.compile())
    (t,) = walks.trajectories
    assert t.points.shape[1] == 1 and walks.points_at(1.5).shape == (1, 1)
    assert isinstance(display_function(walks.func), Extruded)
    (x0, x1), (y0, y1) = display_domain(scene.domain)
    assert (x0, x1) == scene.domain[0] and y1 - y0 == pytest.approx(0.5 * (x1 - x0))
    ground = walks.ground[0]
    assert np.allclose(ground[:, 1], 0.0)
    assert np.allclose(ground[:, 2], walks.func.value(ground[:, 0]))


def test_walks_revision_and_run_all_order():
    scene = Scene.from_preset("bowl").replace(walkers=[
        Walker("gradient", 0.1, (), (1.5, 1.0)), Walker("adam", 0.05, (), (-1.0, 0.5)),
        Walker("stride", 0.2, (), (0.5, -1.5))])
    walks = Walks.compute(scene, scene.compile(), revision=7)
    assert walks.revision == 7
    assert [t.rule.value for t in walks.trajectories] == ["gradient", "adam", "stride"]
    for w, t in zip(scene.walkers, walks.trajectories, strict=True):
        assert tuple(t.points[0]) == w.start


def test_animation_steps_of_plain_runs():
    a = run(Quadratic(), "gradient", (1.0, 1.0), 0.1, max_steps=7)
    b = run(Quadratic(), "gradient", (1.0, 1.0), 0.1, max_steps=3)
    assert animation_steps([b, a]) == animation_steps((a, b)) == 7


def test_the_default_cap_fits_the_whole_walk_and_holds_both_ends():
    s = AnimationSettings()
    speed = s.fitted_speed(800, SPEED)                 # the compare scene: 800 steps
    assert speed > SPEED
    n = s.frame_count(800, speed)
    assert n <= 20 * s.fps                             # at most 20 s …
    pos = s.positions(800, speed)
    assert pos[-1] == 800                              # … and the whole race is in it
    assert pos[: s.start_frames] == [0.0] * s.start_frames and pos[s.start_frames + 1] > 0
    assert AnimationSettings(speed=SPEED).fitted_speed(800, SPEED) == SPEED   # given: kept
    assert AnimationSettings(max_seconds=None).fitted_speed(800, SPEED) == SPEED
    short = s.fitted_speed(20, SPEED)                  # a short walk is not sped up
    assert short == SPEED


# ---- long walks come in pieces -----------------------------------------------------------------
def _long_race() -> Scene:
    """Rosenbrock: a slow gradient walker (walks every one of 20,000 steps) and Newton, which
    stops within the first piece."""
    scene = Scene.from_preset("rosenbrock")
    w = scene.walkers[0]
    return scene.replace(max_steps=20_000, gtol=1e-12, walkers=[
        w.replace(rule="gradient", lr=1e-4, params=()), w.replace(rule="newton", lr=1.0,
                                                                  params=())])


def test_long_walks_come_in_growing_pieces_that_end_as_compute_does():
    scene = _long_race()
    func = scene.compile()
    pieces = list(Walks.progressive(scene, func, revision=7))
    assert len(pieces) >= 2 and all(p.revision == 7 for p in pieces)
    walked = [p.walked for p in pieces[:-1]]
    assert walked == sorted(walked) and len(set(walked)) == len(walked)
    assert all(not p.complete for p in pieces[:-1]) and pieces[-1].complete
    first = pieces[0]
    assert first.walked is not None and len(first.trajectories[0]) == first.walked + 1
    full = Walks.compute(scene, func, revision=7)
    for got, want in zip(pieces[-1].trajectories, full.trajectories, strict=True):
        assert np.array_equal(got.points, want.points) and got.stop_reason == want.stop_reason
    for p in pieces[:-1]:                       # every piece is the beginning of the walk
        pts = p.trajectories[0].points
        assert np.array_equal(pts, full.trajectories[0].points[: len(pts)])
    assert pieces[0].trajectories[1] is pieces[-1].trajectories[1]     # stopped: not re-run


def test_short_walks_come_in_one_piece():
    scene = himmelblau_race()
    pieces = list(Walks.progressive(scene, scene.compile()))
    assert len(pieces) == 1 and pieces[0].complete
