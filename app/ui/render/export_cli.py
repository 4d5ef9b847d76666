"""`gradient-mountain export …`: render the animation and write it, with a progress bar.

Works without a display: with DISPLAY unset and Xvfb installed it starts a virtual display
(PyVirtualDisplay) for the duration of the export.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
from contextlib import contextmanager

from app.core.animation import AnimationSettings
from app.core.scene import Scene
from app.export.errors import ExportError
from app.ui.render.frames import render_animation, total_frames


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size must look like 1280x720, not {text!r}") from None
    if not (16 <= w <= 3840 and 16 <= h <= 2160):
        raise ValueError("--size must be between 16x16 and 3840x2160")
    return w, h


@contextmanager
def display_for_export():
    """Yield with a usable X display: the user's, or a virtual one started here."""
    if sys.platform != "linux" or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        yield
        return
    if shutil.which("Xvfb") is None:
        raise ExportError("no display and no Xvfb: install it (sudo apt-get install xvfb) "
                          "or run under a desktop session")
    from pyvirtualdisplay import Display

    os.environ["QT_QPA_PLATFORM"] = "xcb"
    disp = Display(visible=False, size=(1920, 1200), color_depth=24,
                   extra_args=["+extension", "GLX", "+render"])
    disp.start()
    try:
        yield
    finally:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:  # Qt must let go of the display before it goes away
            app.processEvents()
            app.shutdown()
        disp.stop()


def _progress_bar(total: int):
    if not sys.stderr.isatty():
        return None

    def show(n: int) -> None:
        filled = round(30 * n / max(total, 1))
        end = "\n" if n >= total else ""
        sys.stderr.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {n}/{total} frames{end}")
        sys.stderr.flush()

    return show


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
    if a.orbit:
        changes["orbit"] = True
    if a.no_overlay:
        changes["overlay"] = False
    return dataclasses.replace(base, **changes)


def export_command(a: argparse.Namespace, scene: Scene, usage_error: type[Exception],
                   export: dict | None = None) -> int:
    """Run the export sub-command; raises ``usage_error`` (one line, status 2) on bad input.
    ``export`` is the scene file's export section (its settings are the defaults)."""
    from app.export.writers import check_target, export_frames

    try:
        settings = settings_from_args(a, export)
        check_target(a.out, force=a.force)
        total = total_frames(scene, settings)
        with display_for_export():
            from app.ui.application import application

            application()
            result = export_frames(render_animation(scene, settings), a.out, fps=settings.fps,
                                   force=a.force, progress=_progress_bar(total), total=total)
    except (ExportError, ValueError, RuntimeError) as e:
        raise usage_error(str(e)) from None
    print(f"wrote {result.frames} frames to {result.path} in {result.seconds:.1f} s")
    return 0
