"""`gradient-mountain export …`: render the animation and write it, with a progress bar.

Works without a display: with DISPLAY unset and Xvfb installed it starts a virtual display
for the duration of the export (``headless``). Neither that display nor the hidden partial
output outlives the export, however it ends: SIGKILL included.

Interruptions never leave anything behind and never print a traceback: Ctrl+C, SIGTERM and
SIGHUP only set a flag (a handler that raised would be swallowed by whichever Qt or
pyqtgraph callback it landed in, e.g. the GL paint's error handler); the export checks it
between frames, deletes its partial output and ends with one line and status 128 + signal.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import signal
import sys
import threading
import time
from collections.abc import Generator
from typing import Any

import numpy as np

from app.core.animation import AnimationSettings
from app.core.parameters import Sweep
from app.core.scene import Scene
from app.export.errors import ExportCancelled, ExportError
from app.ui.render.frames import total_frames
from app.ui.render.headless import (  # noqa: F401 - _start_xvfb: for tests and callers
    _start_xvfb,
    display_for_export,
    leave_no_partial,
)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size must look like 1280x720, not {text!r}") from None
    if not (16 <= w <= 3840 and 16 <= h <= 2160):
        raise ValueError("--size must be between 16x16 and 3840x2160")
    return w, h


class Interrupts:
    """While entered (on the main thread), SIGINT, SIGTERM and SIGHUP set ``signum`` instead
    of stopping the process; calling the object asks whether one came. With ``raising``,
    the handler raises ``KeyboardInterrupt`` instead (for the phases where nothing would
    swallow it and nothing is on disk yet)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.raising = False
        self._previous: dict[int, Any] = {}

    def __call__(self) -> bool:
        return self.signum is not None

    def _handle(self, signum: int, _frame: object) -> None:
        if self.signum is None:
            self.signum = signum
        if self.raising:
            raise KeyboardInterrupt

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGINT", "SIGTERM", "SIGHUP"):
                sig = getattr(signal, name, None)
                if sig is not None:
                    self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    @property
    def status(self) -> int:
        """The exit status for the signal that came: 128 + its number (130 for Ctrl+C)."""
        return 128 + (self.signum or signal.SIGINT)

    @property
    def message(self) -> str:
        name = signal.Signals(self.signum or signal.SIGINT).name
        how = "by Ctrl+C (SIGINT)" if name == "SIGINT" else f"by {name}"
        return f"error: export interrupted {how}; nothing was written"


def frames_until(scene: Scene, settings: AnimationSettings, stop,
                 sweep: Sweep | None = None) -> Generator[np.ndarray, None, None]:
    """``render_animation``'s frames (``sweep`` moving a parameter over them), stopping early
    (``ExportCancelled``) once ``stop()``: also while the surface is still being computed
    (checked several times a second)."""
    from app.ui.render.frames import FrameSource

    source = FrameSource(scene, settings, sweep)
    try:
        _wait_ready(source, stop)
        for i in range(source.total):
            if stop():
                raise ExportCancelled("export cancelled")
            yield source.frame(i)
    finally:
        source.close()


def _wait_ready(source, stop, timeout: float = 120.0) -> None:
    """``source.wait_ready`` in short slices, so that a ``stop()`` is seen within ~0.25 s
    (a signal handler runs only when Python gets control back from Qt's event loop)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            source.wait_ready(timeout=min(0.25, max(0.01, deadline - time.monotonic())))
            return
        except RuntimeError:
            if stop():
                raise ExportCancelled("export cancelled") from None
            if source.error or time.monotonic() >= deadline:
                raise


class _ProgressBar:
    """``[#####     ] 12/99 frames`` on a terminal's stderr (nothing otherwise)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.open = False     # a bar is on the line: a message must start a new one

    def __call__(self, n: int) -> None:
        filled = round(30 * n / max(self.total, 1))
        end = "\n" if n >= self.total else ""
        sys.stderr.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {n}/{self.total} frames{end}")
        sys.stderr.flush()
        self.open = not end

    def end_line(self) -> None:
        if self.open:
            sys.stderr.write("\n")
            self.open = False


def export_failed(e: BaseException, interrupts, bar, usage_error) -> int:
    """After an export raised: the signal's exit status when a signal stopped it (said in
    one line), else one error line (a KeyboardInterrupt goes on up)."""
    interrupts.raising = False
    if bar is not None:
        bar.end_line()
    if interrupts():
        _say(interrupts.message)
        return interrupts.status
    if isinstance(e, KeyboardInterrupt):
        raise e
    raise usage_error(str(e)) from None


def settings_from_args(a: argparse.Namespace, export: dict | None) -> AnimationSettings:
    """The scene file's ``export`` settings, then what the command line says."""
    base = AnimationSettings.from_export_dict(export)
    changes: dict = {}
    if a.size is not None:
        changes["size"] = parse_size(a.size)
    if a.fps is not None:
        if a.fps <= 0 or a.fps > 120:
            raise ValueError("--fps must be in (0, 120]")
        changes["fps"] = a.fps
    if (a.frames is not None and a.frames < 1) or (a.seconds is not None and a.seconds <= 0):
        raise ValueError("--frames / --seconds must be positive")
    if a.speed is not None and a.speed <= 0:
        raise ValueError("--speed must be positive")
    for key in ("speed", "frames", "seconds"):
        if getattr(a, key) is not None:
            changes[key] = getattr(a, key)
    if a.frames is not None:
        changes["seconds"] = None
    if a.seconds is not None:
        changes["frames"] = None
    if a.frames is not None or a.seconds is not None or getattr(a, "full", False):
        changes["max_seconds"] = None         # the length asked for, not the 20 s default
    if getattr(a, "show_function", False):
        changes["show_function"] = True
    if getattr(a, "step_arrows", False):
        changes["step_parts"] = True
    if a.orbit:
        changes["orbit"] = True
    if a.no_overlay:
        changes["overlay"] = False
    return dataclasses.replace(base, **changes)


def export_command(a: argparse.Namespace, scene: Scene, usage_error: type[Exception],
                   export: dict | None = None) -> int:
    """Run the export sub-command; raises ``usage_error`` (one line, status 2) on bad input
    or a failed write (disk full, …). Ctrl+C, SIGTERM or SIGHUP: one line, nothing written,
    status 128 + signal. ``export`` is the scene file's export section (its settings are the
    defaults). ``--animate a=FROM:TO`` sweeps a parameter the scene declares (``scene``
    holds it at FROM: see ``app.cli_params``): walkers re-run from the start at each value."""
    from app.cli_params import sweep_of
    from app.export.writers import check_target, export_frames

    bar: _ProgressBar | None = None
    with Interrupts() as interrupts:
        try:
            interrupts.raising = True           # nothing started yet: stop right there
            settings = settings_from_args(a, export)
            sweep = sweep_of(a)
            check_target(a.out, force=a.force)
            total = total_frames(scene, settings)
            interrupts.raising = False          # from here on, the export polls the flag
            if interrupts():
                raise ExportCancelled("export cancelled")
            bar = _ProgressBar(total) if sys.stderr.isatty() else None
            with leave_no_partial(a.out), display_for_export():
                from app.ui.application import application

                application()
                with contextlib.closing(frames_until(scene, settings, interrupts,
                                                     sweep)) as frames:
                    result = export_frames(frames, a.out, fps=settings.fps, force=a.force,
                                           progress=bar, total=total, stop=interrupts)
        except (ExportError, ValueError, RuntimeError, KeyboardInterrupt) as e:
            return export_failed(e, interrupts, bar, usage_error)
    print(f"wrote {result.frames} frames to {result.path} in {result.seconds:.1f} s")
    return 0


def _say(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):   # stderr gone (SIGHUP: the terminal closed)
        print(line, file=sys.stderr, flush=True)
