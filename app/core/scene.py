"""The whole scene as one immutable value: what to draw and how the walker moves.

Everything the window shows that is not pixels lives here, so the command line can build
the same picture. ``Scene.replace(**changes)`` gives a new scene; ``walker_run`` runs it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from app.core.descent import Domain, Trajectory, run
from app.core.expression import CompiledFunction, compile_expression
from app.core.presets import get_preset
from app.core.rules import Rule

DEFAULT_PRESET = "peaks"
WALKER_COLORS = ("#ff140d", "#1f6fff", "#13b30b", "#ff9f1a", "#a845ff", "#00b5b5", "#ff4fb5")


@dataclass(frozen=True, slots=True)
class Walker:
    """One walker: its step rule, learning rate, the rule's own parameters, start and colour."""

    rule: str
    lr: float
    params: tuple[tuple[str, float], ...] = ()
    start: tuple[float, ...] = ()
    color: str = WALKER_COLORS[0]

    @property
    def label(self) -> str:
        extra = ", ".join(f"{k}={v:g}" for k, v in self.params)
        return f"{self.rule} η={self.lr:g}" + (f" ({extra})" if extra else "")

    def run(self, func: CompiledFunction, scene: Scene) -> Trajectory:
        return run(func, Rule.parse(self.rule), self.start, self.lr, max_steps=scene.max_steps,
                   gtol=scene.gtol, domain=scene.domain, stop_outside=scene.stop_outside,
                   **dict(self.params))


@dataclass(frozen=True, slots=True)
class Scene:
    expression: str
    domain: Domain
    start: tuple[float, ...]
    rule: str = "stride"
    lr: float = 0.1
    params: tuple[tuple[str, float], ...] = ()   # the rule's own parameters (beta, eps, …)
    max_steps: int = 500
    gtol: float = 1e-6
    stop_outside: bool = True
    resolution: int = 150
    cmap: str = "terrain"
    exaggeration: float = 1.0
    speed: float = 8.0          # steps per second while playing
    show_arrows: bool = False
    wireframe: bool = False
    preset: str | None = None
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    color: str = WALKER_COLORS[0]           # the first walker's colour
    extra_walkers: tuple[Walker, ...] = ()  # walkers racing the first one, in lock-step

    def replace(self, **changes: Any) -> Scene:
        """A copy with ``changes`` applied (see ``validate`` for what is accepted)."""
        return dataclasses.replace(self, **changes).validate()

    @property
    def dim(self) -> int:
        return len(self.domain)

    @property
    def rule_enum(self) -> Rule:
        return Rule.parse(self.rule)

    @property
    def rule_params(self) -> dict[str, float]:
        return self.rule_enum.params(self.lr, **dict(self.params))

    def compile(self) -> CompiledFunction:
        return compile_expression(self.expression)

    @property
    def walkers(self) -> tuple[Walker, ...]:
        """Every walker, the scene's own (start, rule, lr, params, color) first."""
        return (Walker(self.rule, self.lr, self.params, self.start, self.color),
                *self.extra_walkers)

    def with_walkers(self, walkers: tuple[Walker, ...] | list[Walker]) -> Scene:
        """A copy whose walkers are ``walkers`` (at least one; the first becomes the scene's)."""
        if not walkers:
            raise ValueError("a scene needs at least one walker")
        w0 = walkers[0]
        return self.replace(start=tuple(w0.start), rule=w0.rule, lr=w0.lr,
                            params=tuple(w0.params), color=w0.color,
                            extra_walkers=tuple(walkers[1:]))

    def run(self, func: CompiledFunction | None = None) -> Trajectory:
        """The first walker's whole path for this scene."""
        return self.walkers[0].run(func or self.compile(), self)

    def run_all(self, func: CompiledFunction | None = None) -> list[Trajectory]:
        """Every walker's path, in the order of ``walkers``."""
        func = func or self.compile()
        return [w.run(func, self) for w in self.walkers]

    def validate(self) -> Scene:
        """Raise ValueError with a one-line message if any field is out of range."""
        for w in self.walkers:
            Rule.parse(w.rule)
            if len(w.start) != len(self.domain) or not all(map(math.isfinite, w.start)):
                raise ValueError(f"start: give {len(self.domain)} finite number(s)")
            if not (0 < w.lr <= 1e3 and math.isfinite(w.lr)):
                raise ValueError("learning rate must be a positive number up to 1000")
        if len(self.domain) not in (1, 2) or any(not (a < b) or not all(map(math.isfinite, (a, b)))
                                                 for a, b in self.domain):
            raise ValueError("domain: each range needs finite min < max")
        if not (1 <= self.max_steps <= 1_000_000):
            raise ValueError("max steps must be between 1 and 1,000,000")
        if not (8 <= self.resolution <= 1000):
            raise ValueError("mesh resolution must be between 8 and 1000")
        if not (0 < self.exaggeration <= 100):
            raise ValueError("vertical exaggeration must be in (0, 100]")
        if not (0 < self.speed <= 1000):
            raise ValueError("speed must be in (0, 1000] steps per second")
        return self

    @classmethod
    def from_preset(cls, name: str = DEFAULT_PRESET, **changes: Any) -> Scene:
        p = get_preset(name)
        base = cls(expression=p.expression, domain=p.domain, start=p.start, rule=p.rule,
                   lr=p.lr, preset=p.name)
        return base.replace(**changes) if changes else base.validate()
