"""Every walker's path for one scene, and where each walker is at a fractional step.

``Walks`` is the value the window's views and the exporter draw from: all walkers advance in
lock-step, position p ∈ [0, end] puts walker i on the straight segment between its steps
⌊p⌋ and ⌊p⌋+1 (a walker that has stopped stays where it stopped). ``animation_steps`` is the
one answer to "how long is the animation": the longest walker's step count.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from app.core.descent import Trajectory, freeze_fields
from app.core.expression import CompiledFunction
from app.core.scene import Scene
from app.core.surface import surface_path
from app.core.trajectory import StopReason

GROUND_SAMPLES = 8        # ground samples per step of a trail
GROUND_BUDGET = 40_000    # fewer per step on very long walks
FIRST_STEPS = 4_000       # walker-steps of the first picture of long walks (~0.3–0.8 s)
GROWTH = 8                # each later picture walks this many times further


def _going(t: Trajectory, cap: int) -> bool:
    """Did walk ``t`` stop only because it reached ``cap`` steps?"""
    return t.stop_reason is StopReason.MAX_STEPS and t.steps >= cap


def animation_steps(trajectories: Sequence[Trajectory]) -> int:
    """The last step of the longest walk: how many steps an animation of these walkers
    plays (every caller — playback, timeline, export — asks this function)."""
    return max((len(t) for t in trajectories), default=1) - 1


class Extruded:
    """A 1-D function shown as a 2-D sheet: F(x, y) = f(x), so the mesh code can draw it."""

    dim = 2

    def __init__(self, func: CompiledFunction) -> None:
        self.func = func

    def value(self, x, y=None) -> np.ndarray:
        v = self.func.value(np.asarray(x, float))
        return np.broadcast_to(v, np.broadcast(np.asarray(x), np.asarray(y)).shape).copy()

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(points, float)
        f, g = self.func.value_and_gradient(p[..., :1])
        return f, np.concatenate([g, np.zeros_like(g)], axis=-1)


def display_function(func: CompiledFunction):
    """What the 3D surface is drawn from: f itself, or a 1-D curve extruded along y."""
    return Extruded(func) if func.dim == 1 else func


def display_domain(domain) -> tuple[tuple[float, float], tuple[float, float]]:
    """The 2-D box the 3D view shows: the domain, or for 1-D a strip a quarter as deep."""
    if len(domain) == 2:
        return domain[0], domain[1]
    (x0, x1), = domain
    w = 0.25 * (x1 - x0)
    return (x0, x1), (-w, w)


@dataclass(frozen=True, slots=True)
class Walks:
    """The walkers of ``scene`` on ``func``: their trajectories, for scene revision
    ``revision`` (a result for an older revision is stale)."""

    scene: Scene
    func: CompiledFunction
    trajectories: tuple[Trajectory, ...]
    revision: int = 0
    ground: tuple[np.ndarray, ...] = ()     # per walker: dense (x, y, f) along its path
    samples: tuple[int, ...] = ()           # ground samples per step, per walker
    walked: int | None = None               # None: complete; else every walker walked ≤ this
                                            # many steps so far (more are on their way)

    @classmethod
    def compute(cls, scene: Scene, func: CompiledFunction, revision: int = 0) -> Walks:
        """Run every walker and sample the ground along each path (for trails that follow
        the surface instead of cutting through hills)."""
        return cls._of(scene, func, scene.run_all(func), revision, None)

    @classmethod
    def _of(cls, scene: Scene, func: CompiledFunction, trajs: Sequence[Trajectory],
            revision: int, walked: int | None) -> Walks:
        dfunc = display_function(func)
        ground, samples = [], []
        for t in trajs:
            k = max(1, min(GROUND_SAMPLES, GROUND_BUDGET // max(1, len(t))))
            xy = t.points if t.points.shape[1] == 2 else np.column_stack(
                [t.points[:, 0], np.zeros(len(t))])
            ground.append(surface_path(dfunc, xy, k))
            samples.append(k)
        return cls(scene, func, tuple(trajs), revision, tuple(ground), tuple(samples), walked)

    @classmethod
    def progressive(cls, scene: Scene, func: CompiledFunction,
                    revision: int = 0) -> Iterator[Walks]:
        """The walks, first after a few steps, then further and further: walkers still going
        at ``cap`` steps walk on (from their start again: a walk is a pure function of its
        start, so the longer run begins with the shorter one), the caps growing ×``GROWTH``
        from ``FIRST_STEPS`` walker-steps in all. Short scenes come in one piece; the last
        value is complete (``walked`` None) and equals ``compute``'s."""
        n = len(scene.walkers)
        cap = max(50, FIRST_STEPS // n)
        trajs: list[Trajectory | None] = [None] * n
        last = 0                                     # the cap of the walks in ``trajs``
        while 2 * cap <= scene.max_steps:           # (a piece nearly whole is not worth it)
            short = scene.replace(max_steps=cap)
            trajs = [w.run(func, short) if t is None or _going(t, last) else t
                     for w, t in zip(scene.walkers, trajs, strict=True)]
            last = cap
            if not any(_going(t, cap) for t in trajs if t is not None):
                break                                # every walker stopped before the cap
            yield cls._of(scene, func, trajs, revision, cap)  # type: ignore[arg-type]
            cap *= GROWTH
        trajs = [w.run(func, scene) if t is None or _going(t, last) else t
                 for w, t in zip(scene.walkers, trajs, strict=True)]
        yield cls._of(scene, func, trajs, revision, None)  # type: ignore[arg-type]

    @property
    def complete(self) -> bool:
        return self.walked is None

    def __post_init__(self) -> None:
        freeze_fields(self, "ground")

    def __len__(self) -> int:
        return len(self.trajectories)

    @property
    def end(self) -> int:
        return animation_steps(self.trajectories)

    @property
    def colors(self) -> tuple[str, ...]:
        return tuple(w.color for w in self.scene.walkers)

    def point_at(self, position: float, walker: int = 0) -> np.ndarray:
        """Walker ``walker``'s point (dim,) at fractional step ``position``."""
        pts = self.trajectories[walker].points
        position = max(0.0, position)
        k = min(math.floor(position + 1e-9), len(pts) - 1)
        t = position - k
        if t <= 1e-9 or k >= len(pts) - 1:
            return pts[k].copy()
        return pts[k] + t * (pts[k + 1] - pts[k])

    def points_at(self, position: float) -> np.ndarray:
        """Every walker's point at ``position``: (n, dim)."""
        return np.array([self.point_at(position, i) for i in range(len(self))])

    def state_at(self, position: float, walker: int = 0) -> tuple[np.ndarray, float, np.ndarray]:
        """(point, f, ∇f) of a walker at a fractional step; NaN where f is undefined."""
        pt = self.point_at(position, walker)
        f, g = self.func.value_and_gradient(pt.reshape(1, -1))
        return pt, float(np.asarray(f).reshape(-1)[0]), np.asarray(g, float).reshape(-1)

    def trail(self, position: float, walker: int = 0) -> np.ndarray:
        """The path walked up to ``position``: x_0 … x_k and the point between steps (k+2, d)
        (only x_0 at position 0)."""
        pts = self.trajectories[walker].points
        p = min(position, len(pts) - 1)
        if p <= 0:
            return pts[:1].copy()
        k = math.floor(p + 1e-9)
        return np.vstack([pts[: k + 1], self.point_at(p, walker)[None]])

    def step_at(self, position: float) -> int:
        """The whole step shown at ``position``."""
        return math.floor(position + 1e-9)
