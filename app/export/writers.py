"""``export_frames``: an iterator of RGB(A) frames -> a GIF, an MP4 or a folder of PNGs.

Nothing is lost or half-written: the output goes to a hidden temporary name beside the
target (``.out.gif.partial-1a2b3c4d.gif``) and is renamed over it only when complete; a
cancel, a ``stop()`` request (Ctrl+C, SIGTERM, a closed window), an error (disk full, the
file-size limit) or an exception from the frame source deletes the temporary and leaves any
old target as it was. Encoding runs on a background thread fed by a small bounded queue, so
the caller (the GUI thread, rendering) and the encoder use both cores.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import queue
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Literal

import numpy as np

from app.export.encoders import Encoder, GifEncoder, Mp4Encoder, PngFolderEncoder
from app.export.errors import (
    ExportCancelled,
    ExportError,
    ExportResult,
    TargetExists,
    os_error_message,
)

__all__ = ["ExportCancelled", "ExportError", "ExportResult", "Format", "TargetExists",
           "check_target", "export_frames", "output_format"]

Format = Literal["gif", "mp4", "png"]
QUEUE_FRAMES = 4          # frames waiting for the encoder (1280x720 RGB: 2.8 MB each)
_FRAME_FILE = re.compile(r"frame_\d{5,}\.png")


def output_format(path: str | os.PathLike[str]) -> Format:
    """The format ``path`` asks for: ``.gif``, ``.mp4``, else (no suffix, an existing folder,
    a trailing slash) a folder of PNG frames. Any other suffix is an ``ExportError``."""
    text = os.fspath(path)
    p = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or p.is_dir() or not p.suffix:
        return "png"
    if p.suffix.lower() in (".gif", ".mp4"):
        return "gif" if p.suffix.lower() == ".gif" else "mp4"
    raise ExportError(f"unknown format '{p.suffix}': use .gif, .mp4, or a folder name")


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> tuple[Path, Format]:
    """Check that ``path`` may be written (before any rendering) -> (target, format).

    Raises ``TargetExists`` for an existing file or non-empty folder without ``force``
    (a dialog can ask, then retry with ``force=True``), ``ExportError`` otherwise. Even
    with ``force`` a folder is replaced only if it holds nothing but ``frame_*.png`` files.
    """
    kind = output_format(path)
    target = Path(os.fspath(path)).expanduser()
    if target.name in ("", ".", ".."):
        raise ExportError(f"cannot export to '{path}': name a file or a new folder")
    parent = target.parent
    if not parent.exists():
        raise ExportError(f"cannot write to {target}: folder {parent} does not exist")
    if not parent.is_dir():
        raise ExportError(f"cannot write to {target}: {parent} is not a folder")
    if not os.path.lexists(target):
        return target, kind
    if kind != "png":
        if not force:
            raise TargetExists(f"{target} exists; use --force to overwrite")
        return target, kind
    if not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder; choose another name")
    try:
        names = os.listdir(target)
    except OSError as exc:
        raise ExportError(f"cannot read {target}: {os_error_message(exc)}") from exc
    if names and not force:
        raise TargetExists(f"{target} exists and is not empty; use --force to overwrite")
    stray = sorted(n for n in names if not _FRAME_FILE.fullmatch(n))
    if stray:
        raise ExportError(f"{target} holds files other than frame_*.png (e.g. {stray[0]}); "
                          "not replacing it: choose a new folder")
    return target, kind


def export_frames(frames: Iterable[np.ndarray], path: str | os.PathLike[str], *,
                  fps: float = 30, force: bool = False,
                  progress: Callable[[int], bool | None] | None = None,
                  total: int | None = None,
                  stop: Callable[[], bool] | None = None) -> ExportResult:
    """Write ``frames`` (HxWx3 or HxWx4 uint8; alpha is dropped) to ``path``; see the module.

    ``progress(n)`` is called on the caller's thread after the n-th frame (1, 2, …) has been
    handed to the encoder; returning True cancels (``ExportCancelled``). ``stop()`` is asked
    after every frame and while the encoder finishes, up to the moment the file is renamed
    into place: True cancels too (it may be set from a signal handler or another thread).
    ``total`` caps the number of frames taken, so an endless frame source is fine. Frames are
    copied, so the source may reuse its buffer. The source is closed (if it has ``close``,
    as a generator does) when the export ends, so its clean-up runs now, not whenever it is
    garbage-collected. The format follows ``path`` (see ``output_format``).
    """
    started = time.perf_counter()
    target, kind = check_target(path, force=force)
    rate = float(fps) if isinstance(fps, numbers.Real) and not isinstance(fps, bool) else math.nan
    if not (math.isfinite(rate) and 0 < rate <= 1000):
        raise ExportError(f"fps must be a number in (0, 1000], not {fps!r}")
    stopped = stop if stop is not None else (lambda: False)
    temp = _make_temp(target, kind)
    count = 0
    try:
        pipeline = _Pipeline(lambda size: _open_encoder(kind, temp, size, rate), target)
        try:
            source = iter(frames) if total is None else islice(frames, max(0, total))
            size: tuple[int, int] | None = None
            for frame in source:
                rgb = _as_rgb(frame, count, size)
                size = rgb.shape[:2]
                pipeline.put(rgb)
                count += 1
                if (progress is not None and progress(count)) or stopped():
                    raise ExportCancelled("export cancelled")
            if count == 0:
                raise ExportError("no frames to export")
            pipeline.finish(stopped)
            if stopped():
                raise ExportCancelled("export cancelled")
            try:
                _commit(temp, target, kind, force)
            except OSError as exc:
                raise _write_error(target, exc) from exc
        except BaseException:      # incl. the frame source's own errors, re-raised unchanged
            pipeline.abort()
            raise
    except BaseException:
        _remove(temp)
        _close_quietly(frames)
        raise
    _close_quietly(frames)
    return ExportResult(target, count, time.perf_counter() - started)


def _close_quietly(frames: object) -> None:
    """Close a generator (or anything with ``close``); its errors would hide the real one."""
    close = getattr(frames, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


def _as_rgb(frame: np.ndarray, index: int, size: tuple[int, int] | None) -> np.ndarray:
    a = np.asarray(frame)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] not in (3, 4) or 0 in a.shape[:2]:
        raise ExportError(f"frame {index}: expected an HxWx3 or HxWx4 uint8 array, "
                          f"got shape {a.shape} of {a.dtype}")
    if size is not None and a.shape[:2] != size:
        raise ExportError(f"frame {index} is {a.shape[1]}x{a.shape[0]}, "
                          f"the first was {size[1]}x{size[0]}")
    return np.array(a[:, :, :3], dtype=np.uint8, order="C", copy=True)


def _open_encoder(kind: Format, temp: Path, size: tuple[int, int], fps: float) -> Encoder:
    if kind == "gif":
        return GifEncoder(temp, fps)
    if kind == "mp4":
        return Mp4Encoder(temp, (size[1], size[0]), fps)
    return PngFolderEncoder(temp)


class _Pipeline:
    """One background thread that owns the encoder: it opens it on the first frame, writes
    the queued frames, closes it after the last one, or aborts it on an error or a stop.
    Its errors surface in ``put``/``finish``."""

    def __init__(self, make_encoder: Callable[[tuple[int, int]], Encoder], target: Path) -> None:
        self._make = make_encoder
        self._target = target
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._encoder: Encoder | None = None
        self._thread = threading.Thread(target=self._run, name="export-encoder", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last = False
        while not self._stop.is_set():
            try:
                frame = self._queue.get(timeout=0.05)
            except queue.Empty:
                continue
            if frame is None:
                last = True
                break
            if self._error is not None:
                continue          # keep draining so put() never blocks
            try:
                if self._encoder is None:
                    self._encoder = self._make(frame.shape[:2])
                self._encoder.write(frame)
            except BaseException as exc:
                self._error = exc
        encoder = self._encoder
        if encoder is None:
            return
        if last and self._error is None and not self._stop.is_set():
            try:
                encoder.close()
                return
            except BaseException as exc:
                self._error = exc
        with contextlib.suppress(Exception):   # abort() does not raise; if it did, the
            encoder.abort()                     # export's own error is the one to report

    def _raise_error(self) -> None:
        if isinstance(self._error, OSError):
            raise _write_error(self._target, self._error) from self._error
        if self._error is not None:
            raise self._error

    def put(self, frame: np.ndarray) -> None:
        self._raise_error()
        self._queue.put(frame)

    def finish(self, stopped: Callable[[], bool]) -> None:
        """Wait for the queued frames and the encoder's close (raising any error); a
        ``stopped()`` while waiting cancels."""
        self._queue.put(None)
        while self._thread.is_alive():
            self._thread.join(0.05)
            if stopped():
                raise ExportCancelled("export cancelled")
        self._raise_error()

    def abort(self) -> None:
        """Stop now and drop queued frames; the encoder releases its files and process."""
        self._stop.set()
        encoder = self._encoder
        if encoder is not None:
            encoder.interrupt()      # e.g. FFmpeg busy finishing the file: stop it now
        self._thread.join()


def _write_error(target: Path, exc: OSError) -> ExportError:
    return ExportError(f"cannot write to {target}: {os_error_message(exc)}")


def _sibling(target: Path, tag: str, suffix: str = "") -> Path:
    return target.with_name(f".{target.name}.{tag}-{secrets.token_hex(4)}{suffix}")


def _make_temp(target: Path, kind: Format) -> Path:
    try:
        if kind == "png":
            temp = _sibling(target, "partial")
            os.mkdir(temp, 0o777)
        else:
            temp = _sibling(target, "partial", target.suffix)
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise _write_error(target, exc) from exc
    return temp


def _commit(temp: Path, target: Path, kind: Format, force: bool) -> None:
    if not force and os.path.lexists(target) and (kind != "png" or os.listdir(target)):
        raise TargetExists(f"{target} appeared while exporting; use --force to overwrite")
    if kind != "png":
        os.replace(temp, target)
        return
    if not os.path.lexists(target):
        os.rename(temp, target)
        return
    aside = _sibling(target, "old")
    os.rename(target, aside)
    try:
        os.rename(temp, target)
    except BaseException:
        os.rename(aside, target)
        raise
    _remove(aside)


def _remove(temp: Path) -> None:
    if temp.is_dir() and not temp.is_symlink():
        shutil.rmtree(temp, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
