"""The three encoders: a folder of PNGs, a streaming GIF, an H.264 MP4 (the wheel's FFmpeg).

Each one writes to a temporary path it is given: ``write(frame)`` per HxWx3 uint8 frame,
then ``close()`` to finish or ``abort()`` to stop; the caller renames or deletes the result.
They raise ``OSError`` (disk full, …) or ``ExportError``; they never rename anything.
"""

from __future__ import annotations

import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO, Protocol

import imageio_ffmpeg
import numpy as np
from PIL import GifImagePlugin, Image

from app.export.errors import ExportError

PNG_COMPRESS_LEVEL = 1      # zlib level 1: ~3x faster than the default for ~15% more bytes
MP4_CRF = 20                # x264 constant quality: 18 is visually lossless, 23 the default
MP4_PRESET = "veryfast"


_CLEAR_PIXEL = Image.new("P", (1, 1), 0)


class Encoder(Protocol):
    def write(self, frame: np.ndarray) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


def frame_name(index: int) -> str:
    """``frame_00000.png``, ``frame_00001.png``, … (more digits past 99999)."""
    return f"frame_{index:05d}.png"


class PngFolderEncoder:
    """``frame_00000.png``, … in an existing (temporary) folder, Pillow at compress_level 1."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._count = 0

    def write(self, frame: np.ndarray) -> None:
        Image.fromarray(frame).save(self._folder / frame_name(self._count), format="PNG",
                                    compress_level=PNG_COMPRESS_LEVEL)
        self._count += 1

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class GifEncoder:
    """An endlessly looping GIF written frame by frame (constant memory, unlike Pillow's
    ``save_all``, which keeps every frame until the end).

    Each frame after the first stores only the rectangle that changed, quantised on its own
    with FASTOCTREE into a local colour table; unchanged frames become a 1x1 no-op so the
    frame count is kept. Delays are whole centiseconds (GIF's unit) chosen so that their
    running total tracks ``k / fps`` exactly (30 fps -> 3, 3, 4, 3, 3, 4, … cs).
    """

    def __init__(self, path: Path, fps: float) -> None:
        self._fp: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()/abort()
        self._fps = fps
        self._prev: np.ndarray | None = None
        self._count = 0

    def _delay_ms(self) -> int:
        k, cs_per_frame = self._count, 100 / self._fps
        return 10 * (round((k + 1) * cs_per_frame) - round(k * cs_per_frame))

    @staticmethod
    def _quantize(rgb: np.ndarray) -> Image.Image:
        return Image.fromarray(rgb).quantize(256, method=Image.Quantize.FASTOCTREE)

    def write(self, frame: np.ndarray) -> None:
        info = {"duration": self._delay_ms(), "disposal": 1}   # 1: keep what is under
        if self._prev is None:
            im = self._quantize(frame)
            header, _ = GifImagePlugin.getheader(im, info={"loop": 0, **info})
            chunks = [*header, *GifImagePlugin.getdata(im, (0, 0), **info)]
        else:
            changed = frame != self._prev       # (h, w, 3); reduce over contiguous axes
            rows = np.flatnonzero(changed.reshape(len(frame), -1).any(axis=1))
            cols = np.flatnonzero(changed.any(axis=0).any(axis=1))
            if rows.size:
                y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                im = self._quantize(frame[y0:y1, x0:x1])
                chunks = GifImagePlugin.getdata(im, (int(x0), int(y0)),
                                                include_color_table=True, **info)
            else:   # unchanged: one transparent pixel, so the frame (and its delay) is kept
                chunks = GifImagePlugin.getdata(_CLEAR_PIXEL.copy(), (0, 0), transparency=0,
                                                include_color_table=True, **info)
        self._fp.writelines(chunks)
        self._prev = frame
        self._count += 1

    def close(self) -> None:
        try:
            self._fp.write(b";")   # GIF trailer
        finally:
            self._fp.close()

    def abort(self) -> None:
        self._fp.close()


class Mp4Encoder:
    """H.264 in MP4 (yuv420p, +faststart: plays in browsers, slides and phones) through the
    FFmpeg binary that the imageio-ffmpeg wheel ships.

    FFmpeg is run directly rather than through ``imageio_ffmpeg.write_frames`` because that
    never checks FFmpeg's exit status: a failure while finishing the file (e.g. disk full
    while writing the index) would go unnoticed and a broken file be renamed into place.
    Odd widths or heights are padded by one edge pixel (yuv420p needs even sizes).
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: float) -> None:
        w, h = size
        rate = Fraction(fps).limit_denominator(1001)
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error",
               "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(rate),
               "-i", "pipe:0", "-an"]
        if w % 2 or h % 2:   # pad to even, repeating the last column / row
            cmd += ["-vf", f"pad=ceil(iw/2)*2:ceil(ih/2)*2,"
                    f"fillborders=right={w % 2}:bottom={h % 2}:mode=smear"]
        cmd += ["-c:v", "libx264", "-preset", MP4_PRESET, "-crf", str(MP4_CRF),
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", str(path)]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _finish()
        try:
            # A new session: Ctrl+C in a terminal reaches Python, which then kills FFmpeg.
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=self._log, start_new_session=True)
        except OSError as exc:
            self._log.close()
            raise ExportError(f"cannot start FFmpeg ({cmd[0]}): {exc}") from exc

    def write(self, frame: np.ndarray) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(memoryview(frame.data).cast("B"))
        except BrokenPipeError:   # FFmpeg quit: report its own last words
            self._close_stdin()
            self._finish(self._proc.wait(), always=True)

    def close(self) -> None:
        self._close_stdin()
        self._finish(self._proc.wait())

    def abort(self) -> None:
        self._proc.kill()
        self._close_stdin()
        self._proc.wait()
        self._log.close()

    def _close_stdin(self) -> None:
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        except BrokenPipeError:
            pass

    def _finish(self, status: int, *, always: bool = False) -> None:
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        self._log.close()
        if status != 0 or always:
            raise ExportError(f"FFmpeg failed (status {status}): "
                              f"{lines[-1] if lines else 'no message'}")
