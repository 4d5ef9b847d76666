"""`gradient-mountain export --lesson FILE --out lesson.mp4`: a whole lesson as one video.

Each step in turn is rendered exactly as a scene export is (``frames_until``: the picture and
its caption band), with the step's narration in a band of its own under it
(``caption.draw_narration``, the same height for every step so the video keeps one size).
A step's walk lasts at most ``STEP_SECONDS`` (sped up to fit, like a scene export's 20 s
cap) unless --seconds, --frames or --full say otherwise, which then apply to each step. Its
last frame is then held at least ``END_HOLD`` s, and longer if the words take longer to read
(``WORDS_PER_SECOND``): a step never leaves the screen before its narration can be read.
Interruptions and errors behave as in a scene export (see ``export_cli``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import sys
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np

from app.core.animation import AnimationSettings
from app.core.lesson import Lesson, load_lesson
from app.core.scene import Scene
from app.export.errors import ExportCancelled, ExportError
from app.ui.render.export_cli import (
    Interrupts,
    _ProgressBar,
    display_for_export,
    export_failed,
    frames_until,
    settings_from_args,
)
from app.ui.render.headless import leave_no_partial

STEP_SECONDS = 12.0       # the default cap on each step's walk
END_HOLD = 1.5            # seconds each step's last frame stays at least
WORDS_PER_SECOND = 3.0    # reading speed: a step lasts at least its words ÷ this
MIN_PICTURE = 48          # pixels of picture left above the narration, at least
# the export options that describe a scene: a lesson brings its own
_SCENE_OPTIONS = ("preset", "expr", "scene", "start", "lr", "rule", "noise", "seed",
                  "schedule", "steps", "camera", "param", "animate")


@dataclass(frozen=True, slots=True)
class StepPlan:
    """How one step is rendered: its scene, the picture's settings (the frame less the
    narration band), the frames of its walk and the frames its last one is held."""

    scene: Scene
    narration: str
    settings: AnimationSettings
    frames: int
    hold: int

    @property
    def total(self) -> int:
        return self.frames + self.hold


def lesson_settings(a: argparse.Namespace) -> AnimationSettings:
    """The command line's settings for every step; each walk capped at ``STEP_SECONDS``
    unless --seconds, --frames or --full is given."""
    settings = settings_from_args(a, None)
    if a.seconds is None and a.frames is None and not getattr(a, "full", False):
        settings = dataclasses.replace(settings, max_seconds=STEP_SECONDS)
    return settings


def hold_frames(narration: str, frames: int, fps: float) -> int:
    """Frames to hold a step's last frame: ``END_HOLD`` s, or what reading the narration still
    needs after the walk's ``frames``."""
    reading = len(narration.split()) / WORDS_PER_SECOND
    return max(round(END_HOLD * fps), math.ceil((reading - frames / fps) * fps - 1e-9))


def plan_lesson(lesson: Lesson, settings: AnimationSettings, band: int) -> list[StepPlan]:
    """Every step's plan, for frames ``settings.size`` with a narration band ``band`` pixels
    tall (runs every walk; no display needed)."""
    from app.ui.render.frames import total_frames

    w, h = settings.size
    if h - band < MIN_PICTURE:
        raise ValueError(f"--size {w}x{h} leaves no room for the picture above the narration")
    picture = dataclasses.replace(settings, size=(w, h - band))
    plans = []
    for step in lesson.steps:
        frames = total_frames(step.scene, picture)
        plans.append(StepPlan(step.scene, step.narration, picture, frames,
                              hold_frames(step.narration, frames, settings.fps)))
    return plans


def narration_band(lesson: Lesson, settings: AnimationSettings) -> tuple[int, int]:
    """(text size, band height) in pixels of the narration under frames of ``settings``
    (a QApplication must exist: text is measured)."""
    from app.ui.render.caption import narration_height, narration_px

    w, h = settings.size
    px = narration_px(h)
    return px, narration_height(w, [s.narration for s in lesson.steps], px)


def lesson_frames(plans: Sequence[StepPlan], px: int, band: int,
                  stop: Callable[[], bool]) -> Generator[np.ndarray, None, None]:
    """The video's frames (h, w, 3): each step's walk with its narration under it, then its
    last frame held. Stops early (``ExportCancelled``) once ``stop()``."""
    from app.ui.render.caption import draw_narration
    from app.ui.views.theme import theme

    for n, plan in enumerate(plans, start=1):
        t = theme(plan.scene.theme)
        words = draw_narration(plan.settings.size[0], band, plan.narration, px=px,
                               counter=f"{n}/{len(plans)}", background=(*t.background, 255),
                               ink=t.qcolor(t.text), dim_ink=t.qcolor(t.dim))[..., :3]
        last: np.ndarray | None = None
        shown = 0
        with contextlib.closing(frames_until(plan.scene, plan.settings, stop)) as frames:
            for picture in islice(frames, plan.frames):
                last = np.concatenate([picture, words], axis=0)
                shown += 1
                yield last
        if last is None:
            raise RuntimeError(f"step {n}: no frames were drawn")
        for _ in range(plan.total - shown):
            if stop():
                raise ExportCancelled("export cancelled")
            yield last


def check_lesson_options(a: argparse.Namespace) -> None:
    """Refuse what does not go with --lesson (ValueError, one line)."""
    given = [f"--{k}" for k in _SCENE_OPTIONS if getattr(a, k, None) not in (None, False, [])]
    if given:
        raise ValueError(f"--lesson brings its own scenes: leave out {', '.join(given)}")
    if a.out.lower().endswith(".png") or a.scale != 1 or a.transparent:
        raise ValueError("--lesson makes a video: --out NAME.mp4, NAME.gif or a folder "
                         "(no --scale or --transparent)")


def lesson_command(a: argparse.Namespace, usage_error: type[Exception]) -> int:
    """Run `export --lesson`: like ``export_command`` (one ``error:`` line and status 2 for
    bad input, 128 + signal when interrupted, nothing left behind), for every step."""
    from app.export.writers import check_target, export_frames

    check_lesson_options(a)
    lesson = load_lesson(a.lesson)
    if getattr(a, "theme", None) is not None:
        lesson = dataclasses.replace(lesson, steps=tuple(
            dataclasses.replace(s, scene=s.scene.replace(theme=a.theme)) for s in lesson.steps))
    bar: _ProgressBar | None = None
    with Interrupts() as interrupts:
        try:
            interrupts.raising = True           # nothing started yet: stop right there
            settings = lesson_settings(a)
            check_target(a.out, force=a.force)
            interrupts.raising = False          # from here on, the export polls the flag
            with leave_no_partial(a.out), display_for_export():
                from app.ui.application import application

                application()
                px, band = narration_band(lesson, settings)
                plans = plan_lesson(lesson, settings, band)
                if interrupts():
                    raise ExportCancelled("export cancelled")
                total = sum(p.total for p in plans)
                bar = _ProgressBar(total) if sys.stderr.isatty() else None
                with contextlib.closing(lesson_frames(plans, px, band, interrupts)) as frames:
                    result = export_frames(frames, a.out, fps=settings.fps, force=a.force,
                                           progress=bar, total=total, stop=interrupts)
        except (ExportError, ValueError, RuntimeError, KeyboardInterrupt) as e:
            return export_failed(e, interrupts, bar, usage_error)
    print(f"wrote {result.frames} frames ({len(plans)} steps of '{lesson.title}') to "
          f"{result.path} in {result.seconds:.1f} s")
    return 0
