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

    def run(self, func: CompiledFunction | None = None) -> Trajectory:
        """The walker's whole path for this scene."""
        func = func or self.compile()
        return run(func, self.rule_enum, self.start, self.lr, max_steps=self.max_steps,
                   gtol=self.gtol, domain=self.domain, stop_outside=self.stop_outside,
                   **dict(self.params))

    def validate(self) -> Scene:
        """Raise ValueError with a one-line message if any field is out of range."""
        Rule.parse(self.rule)
        if len(self.domain) not in (1, 2) or any(not (a < b) or not all(map(math.isfinite, (a, b)))
                                                 for a, b in self.domain):
            raise ValueError("domain: each range needs finite min < max")
        if len(self.start) != len(self.domain) or not all(map(math.isfinite, self.start)):
            raise ValueError(f"start: give {len(self.domain)} finite number(s)")
        if not (0 < self.lr <= 1e3 and math.isfinite(self.lr)):
            raise ValueError("learning rate must be a positive number up to 1000")
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
