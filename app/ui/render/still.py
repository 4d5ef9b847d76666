"""One picture of a scene: the final frame of its animation, at N× the pixels if asked, on a
transparent background if asked — for slides and print. ``export --out view.png`` and
File → Save image… both come here; the file is written atomically (a temporary beside it,
renamed over it when complete), and an existing file is replaced only with ``force``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import numpy as np

from app.core.animation import AnimationSettings
from app.core.scene import Scene
from app.export.errors import ExportError, TargetExists, os_error_message
from app.ui.render.frames import FrameSource


def render_still(scene: Scene, settings: AnimationSettings) -> np.ndarray:
    """The last frame of ``scene``'s animation as (h, w, 4) RGBA uint8 (a QApplication must
    exist): every walker where it stopped."""
    source = FrameSource(scene, settings)
    try:
        source.wait_ready()
        return source.frame_rgba(source.total - 1)
    finally:
        source.close()


def check_still_target(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """A .png file that may be written (before rendering); ExportError/TargetExists if not."""
    target = Path(os.fspath(path)).expanduser()
    if target.suffix.lower() != ".png":
        raise ExportError(f"a still image is a .png file, not '{target.suffix or target.name}'")
    if not target.parent.is_dir():
        raise ExportError(f"cannot write to {target}: folder {target.parent} does not exist")
    if target.is_dir():
        raise ExportError(f"{target} is a folder; name a .png file")
    if target.exists() and not force:
        raise TargetExists(f"{target} exists; use --force to overwrite")
    return target


def save_png(rgba: np.ndarray, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write ``rgba`` as a PNG, atomically; an existing file is replaced only with ``force``."""
    from PIL import Image

    target = check_still_target(path, force=force)
    temp = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}.png")
    try:
        Image.fromarray(np.ascontiguousarray(rgba), "RGBA").save(temp, compress_level=6)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {os_error_message(exc)}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def still_command(a, scene: Scene, usage_error: type[Exception],
                  settings: AnimationSettings) -> int:
    """``export --out view.png``: one picture; raises ``usage_error`` (one line) on bad input."""
    from app.ui.application import application
    from app.ui.render.export_cli import display_for_export

    try:
        check_still_target(a.out, force=a.force)
        with display_for_export():
            application()
            rgba = render_still(scene, settings)
            target = save_png(rgba, a.out, force=a.force)
    except (ExportError, ValueError, RuntimeError) as e:
        raise usage_error(str(e)) from None
    h, w = rgba.shape[:2]
    print(f"wrote a {w}×{h} picture to {target}")
    return 0
