"""How an animation of the walkers is timed: frame size, fps, speed, caps, orbit, holds.

The first frame is held ``hold_start`` s (h₀ = round(hold_start·fps) frames), then frame i
shows the walkers at step position p_i = min((i − h₀) · speed / fps, end), where ``end`` is
``animation_steps`` of the walks (the longest walker); the last frame is held ``hold`` s.
By default an animation lasts at most ``max_seconds`` (20 s): when the speed is not given,
it is raised so that the whole walk fits (``fitted_speed``); a given speed is kept and the
animation is cut at the cap instead. ``max_seconds=None`` lifts the cap, never the ceiling:
an animation has at most ``MAX_FRAMES`` frames (``frame_count`` refuses more in one line).
Every number is checked on construction against ``app.core.limits`` (ValueError, one line).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from app.core import limits as lim
from app.core.limits import count, in_range

ORBIT_DEG_PER_S = 15.0
MAX_HOLD = 60.0       # seconds a first or last frame may be held


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
        if not (isinstance(self.scale, int) and 1 <= self.scale <= lim.MAX_SCALE):
            raise ValueError(f"scale must be a whole number from 1 to {lim.MAX_SCALE}")
        side = (lim.MIN_SIDE, lim.MAX_SIDE)
        if not (isinstance(self.size, tuple) and len(self.size) == 2
                and all(_whole(v, *side) for v in self.size)):
            raise ValueError(f"size must be WIDTHxHEIGHT, {side[0]} to {side[1]} pixels a side")
        if max(self.size) * self.scale > lim.MAX_SIDE:
            w, h = self.pixels
            raise ValueError(f"size × scale is {w}x{h} pixels: at most {lim.MAX_SIDE} a side")
        if not in_range(self.fps, lim.MIN_FPS, lim.MAX_FPS):
            raise ValueError(f"fps must be between {lim.MIN_FPS:g} and {lim.MAX_FPS:g}")
        if self.speed is not None and not in_range(self.speed, lim.MIN_SPEED, lim.MAX_SPEED):
            raise ValueError(f"speed must be between {lim.MIN_SPEED:g} and {lim.MAX_SPEED:g} "
                             "steps per second")
        if self.frames is not None and not _whole(self.frames, 1, lim.MAX_FRAMES):
            raise ValueError(f"frames must be a whole number from 1 to {count(lim.MAX_FRAMES)}")
        for name in ("seconds", "max_seconds"):
            v = getattr(self, name)
            if v is not None and not in_range(v, lim.MIN_SECONDS, lim.MAX_SECONDS):
                raise ValueError(f"{name.replace('_', ' ')} must be between "
                                 f"{lim.MIN_SECONDS:g} and {lim.MAX_SECONDS:g}")
        if not (in_range(self.hold, 0.0, MAX_HOLD) and in_range(self.hold_start, 0.0, MAX_HOLD)):
            raise ValueError(f"holds must be between 0 and {MAX_HOLD:g} seconds")

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
        ``frames``, ``seconds`` and ``max_seconds``; ValueError (one line) beyond
        ``MAX_FRAMES``, whatever the caps."""
        moving = steps / speed * self.fps if speed > 0 else math.inf
        walk = math.ceil(moving - 1e-9) if moving < 1e15 else math.inf
        n: float = self.start_frames + walk + 1 + round(self.hold * self.fps)
        if self.frames is not None:
            n = min(n, self.frames)
        for cap in (self.seconds, self.max_seconds):
            if cap is not None:
                n = min(n, max(1, round(cap * self.fps)))
        if n > lim.MAX_FRAMES:
            many = f"{count(n)} frames" if math.isfinite(n) else "too many frames"
            raise ValueError(f"the animation would be {many} ({count(steps)} steps at "
                             f"{speed:g} steps/s, {self.fps:g} fps): at most "
                             f"{count(lim.MAX_FRAMES)}; raise the speed, lower the fps or "
                             "give a length in seconds or frames")
        return max(1, int(n))

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


def _whole(v: object, lo: int, hi: int) -> bool:
    """``v`` is a whole number (not a bool) with lo ≤ v ≤ hi."""
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and lo <= int(v) <= hi
