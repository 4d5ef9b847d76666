"""How an animation of the walkers is timed: frame size, fps, speed, caps, orbit, holds.

The first frame is held ``hold_start`` s (h₀ = round(hold_start·fps) frames), then frame i
shows the walkers at step position p_i = min((i − h₀) · speed / fps, end), where ``end`` is
``animation_steps`` of the walks (the longest walker); the last frame is held ``hold`` s.
By default an animation lasts at most ``max_seconds`` (20 s): when the speed is not given,
it is raised so that the whole walk fits (``fitted_speed``); a given speed is kept and the
animation is cut at the cap instead. ``max_seconds=None`` lifts the cap.
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
    hold_start: float = 0.5         # seconds the first frame is held
    max_seconds: float | None = 20.0  # the default cap (None: as long as the walk takes)
    scale: int = 1                  # render N× the pixels with the same layout (1–4)
    show_function: bool = False     # the caption shows f, typeset
    transparent: bool = False       # a transparent background (PNG only)
    step_parts: bool = False        # the current step's pieces as arrows (View → Step arrows)

    def __post_init__(self) -> None:
        if not (isinstance(self.scale, int) and 1 <= self.scale <= 4):
            raise ValueError("scale must be a whole number from 1 to 4")

    @property
    def pixels(self) -> tuple[int, int]:
        """The frame's size in pixels: ``size`` × ``scale``."""
        return self.size[0] * self.scale, self.size[1] * self.scale

    @property
    def start_frames(self) -> int:
        """h₀: how many frames show the start before the walkers move."""
        return round(self.hold_start * self.fps)

    def fitted_speed(self, steps: int, scene_speed: float) -> float:
        """Steps per second: the given ``speed``; else the scene's, raised if needed so the
        whole walk (with both holds) fits in ``max_seconds`` / ``seconds``."""
        if self.speed is not None:
            return self.speed
        caps = [c for c in (self.max_seconds, self.seconds) if c is not None]
        if not caps or steps <= 0:
            return scene_speed
        moving = min(caps) - self.hold - self.hold_start - 1.0 / self.fps
        return max(scene_speed, steps / moving) if moving > 0 else scene_speed

    def frame_count(self, steps: int, speed: float) -> int:
        """Frames for ``steps`` steps at ``speed`` steps/s plus both holds, capped by
        ``frames``, ``seconds`` and ``max_seconds``."""
        n = (self.start_frames + math.ceil(steps / speed * self.fps - 1e-9) + 1
             + round(self.hold * self.fps))
        if self.frames is not None:
            n = min(n, self.frames)
        for cap in (self.seconds, self.max_seconds):
            if cap is not None:
                n = min(n, max(1, round(cap * self.fps)))
        return max(1, n)

    def position(self, i: int, steps: int, speed: float) -> float:
        """The step position shown in frame ``i``."""
        return min(max(0, i - self.start_frames) * speed / self.fps, float(steps))

    def positions(self, steps: int, speed: float) -> list[float]:
        """The step position shown in each frame."""
        return [self.position(i, steps, speed) for i in range(self.frame_count(steps, speed))]

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
