"""How an animation of the walkers is timed: frame size, fps, speed, caps, orbit, hold.

Frame i shows the walkers at step position p_i = min(i · speed / fps, end), where ``end`` is
``animation_steps`` of the walks (the longest walker); the last frame is held ``hold`` s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

ORBIT_DEG_PER_S = 15.0


@dataclass(frozen=True, slots=True)
class AnimationSettings:
    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    speed: float | None = None      # steps per second; None: the scene's
    frames: int | None = None       # cap on the number of frames
    seconds: float | None = None    # cap on the length
    orbit: bool = False
    overlay: bool = True
    hold: float = 1.0               # seconds the last frame is held
    scale: int = 1                  # render N× the pixels with the same layout (1–4)
    show_function: bool = False     # the caption shows f, typeset
    transparent: bool = False       # a transparent background (PNG only)

    def __post_init__(self) -> None:
        if not (isinstance(self.scale, int) and 1 <= self.scale <= 4):
            raise ValueError("scale must be a whole number from 1 to 4")

    @property
    def pixels(self) -> tuple[int, int]:
        """The frame's size in pixels: ``size`` × ``scale``."""
        return self.size[0] * self.scale, self.size[1] * self.scale

    def frame_count(self, steps: int, speed: float) -> int:
        """Frames for ``steps`` steps at ``speed`` steps/s plus the hold, capped by
        ``frames``/``seconds``."""
        n = math.ceil(steps / speed * self.fps) + 1 + round(self.hold * self.fps)
        if self.frames is not None:
            n = min(n, self.frames)
        if self.seconds is not None:
            n = min(n, max(1, round(self.seconds * self.fps)))
        return max(1, n)

    def positions(self, steps: int, speed: float) -> list[float]:
        """The step position shown in each frame."""
        return [min(i * speed / self.fps, float(steps))
                for i in range(self.frame_count(steps, speed))]

    @classmethod
    def from_export_dict(cls, export: Mapping[str, Any] | None) -> AnimationSettings:
        """Settings from a scene file's (validated) ``export`` section; defaults elsewhere."""
        export = export or {}
        changes: dict[str, Any] = {k: export[k] for k in ("fps", "speed", "frames", "seconds",
                                                          "orbit", "overlay", "show_function")
                                   if k in export}
        if "size" in export:
            changes["size"] = tuple(int(v) for v in export["size"])
        return replace(cls(), **changes)

    def to_export_dict(self) -> dict[str, Any]:
        """The ``export`` section of a scene file."""
        out: dict[str, Any] = {"size": list(self.size), "fps": self.fps, "orbit": self.orbit,
                               "overlay": self.overlay, "show_function": self.show_function}
        for key in ("speed", "frames", "seconds"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out
