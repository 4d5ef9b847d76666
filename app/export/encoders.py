"""The three encoders: a folder of PNGs, a streaming GIF, an H.264 MP4 (the wheel's FFmpeg).

Each one writes to a temporary path it is given: ``write(frame)`` per HxWx3 uint8 frame,
then ``close()`` to finish or ``abort()`` to stop; the caller renames or deletes the result.
They raise ``OSError`` (disk full, file-size limit, …) or ``ExportError``; they never rename
anything. ``abort()`` never raises; ``interrupt()`` may be called from another thread to
unblock a ``write``/``close`` in progress (it makes them fail), before ``abort()``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
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

GIF_COLORS = 255            # palette entries; index 255 is "transparent: unchanged pixel"
GIF_TRANSPARENT = 255
# A palette "fits" a picture when dithering can mix its colours from it: at most
# GIF_MAX_BAD_PIXELS pixels are off by more than GIF_MAX_PIXEL_ERROR in some channel.
# Floyd–Steinberg keeps well-covered colours within ~25 (a frame's own palette leaves ~5
# pixels beyond 48); a colour the palette lacks (a walker's ball in another light while the
# camera orbits: ~100 pixels) is off by 50–100.
GIF_MAX_PIXEL_ERROR = 48
GIF_MAX_BAD_PIXELS = 8
# Dithering keeps the mean colour of what it draws (within ~1 level on exported frames);
# colours drifting out of the palette's range (the whole picture in another light) shift
# it: a cast of more than this (per channel, over the changed pixels) needs a new palette.
GIF_MAX_BIAS = 3.0

# FFmpeg's last words that mean a write failed for a reason the user can act on
_FFMPEG_OS_ERRORS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES,
                     errno.EIO)


class Encoder(Protocol):
    def write(self, frame: np.ndarray) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...
    def interrupt(self) -> None: ...


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

    def interrupt(self) -> None:
        pass


class _Palette:
    """256 colours for the GIF colour table: up to 255 from FASTOCTREE, the rest copies of the
    first (never chosen when mapping, so index 255 is free to mean "transparent")."""

    def __init__(self, rgb: np.ndarray) -> None:
        colours = Image.fromarray(rgb).quantize(GIF_COLORS, method=Image.Quantize.FASTOCTREE)
        table = (colours.getpalette() or [0, 0, 0])[: 3 * GIF_COLORS]
        table += table[:3] * (256 - len(table) // 3)
        self.image = Image.new("P", (1, 1))
        self.image.putpalette(table)
        self.table = table
        self.rgb = np.array(table, np.int16).reshape(256, 3)

    def dither(self, rgb: np.ndarray) -> np.ndarray:
        """``rgb`` as palette indices (0–254), Floyd–Steinberg dithered: smooth shading stays
        smooth instead of breaking into bands of flat colour."""
        im = Image.fromarray(rgb).quantize(palette=self.image,
                                           dither=Image.Dither.FLOYDSTEINBERG)
        index = np.array(im)
        index[index == GIF_TRANSPARENT] = 0   # the same colour as entry 0 (if ever chosen)
        return index

    def fits(self, rgb: np.ndarray, index: np.ndarray, where: np.ndarray) -> bool:
        """Whether ``index`` (from ``dither(rgb)``) shows the pixels ``where`` well enough:
        no object in a colour the palette lacks, no overall cast (see GIF_MAX_BIAS)."""
        shown, wanted = self.rgb[index[where]], rgb[where]
        error = np.abs(shown - wanted).max(axis=1)
        if np.count_nonzero(error > GIF_MAX_PIXEL_ERROR) > GIF_MAX_BAD_PIXELS:
            return False
        if len(wanted) < 64:    # too few pixels for dithering's errors to average out
            return True
        bias = np.abs(shown.mean(axis=0) - wanted.mean(axis=0)).max()
        return bool(bias <= GIF_MAX_BIAS)

    def picture(self, index: np.ndarray) -> Image.Image:
        im = Image.fromarray(index)
        im.putpalette(self.table)
        return im


class GifEncoder:
    """An endlessly looping GIF written frame by frame (constant memory, unlike Pillow's
    ``save_all``, which keeps every frame until the end).

    One palette for the whole animation (the global colour table, from the first frame, so
    colours do not shift from frame to frame), and every frame Floyd–Steinberg dithered into
    it: smooth shading shows no bands. Each frame after the first stores only the rectangle
    that changed, with the unchanged pixels in it transparent (they keep what is under them,
    so the dither pattern of still parts never flickers, and runs of them compress to little).
    A rectangle whose colours the palette cannot mix (see ``_Palette.fits``) gets a colour
    table of its own; if it is most of the picture (the camera orbits), that table is tried
    first for the next frames. Unchanged frames become a 1x1 no-op so the frame count is
    kept. Delays are whole centiseconds (GIF's unit) chosen so that their running total tracks
    ``k / fps`` exactly (30 fps -> 3, 3, 4, 3, 3, 4, … cs).
    """

    def __init__(self, path: Path, fps: float) -> None:
        self._fp: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()/abort()
        self._fps = fps
        self._prev: np.ndarray | None = None
        self._palette: _Palette | None = None    # the global colour table
        self._current: _Palette | None = None    # the one tried first (see write)
        self._count = 0

    def _delay_ms(self) -> int:
        k, cs_per_frame = self._count, 100 / self._fps
        return 10 * (round((k + 1) * cs_per_frame) - round(k * cs_per_frame))

    def write(self, frame: np.ndarray) -> None:
        info = {"duration": self._delay_ms(), "disposal": 1}   # 1: keep what is under
        if self._prev is None or self._palette is None or self._current is None:
            first = self._palette = self._current = _Palette(frame)
            im = first.picture(first.dither(frame))
            header, _ = GifImagePlugin.getheader(im, info={"loop": 0, **info})
            chunks = [*header, *GifImagePlugin.getdata(im, (0, 0), **info)]
        else:
            diff = frame != self._prev
            changed = diff[..., 0] | diff[..., 1] | diff[..., 2]   # 10x faster than any(axis=2)
            rows = np.flatnonzero(changed.any(axis=1))
            if rows.size:
                cols = np.flatnonzero(changed.any(axis=0))
                y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                rect, drawn = frame[y0:y1, x0:x1], changed[y0:y1, x0:x1]
                palette = self._current
                index = palette.dither(rect)
                if not palette.fits(rect, index, drawn):
                    palette = _Palette(rect)
                    index = palette.dither(rect)
                    if 2 * drawn.size >= changed.size:   # most of the picture moved on (an
                        self._current = palette          # orbit): start from this one next
                index[~drawn] = GIF_TRANSPARENT
                chunks = GifImagePlugin.getdata(palette.picture(index), (int(x0), int(y0)),
                                                transparency=GIF_TRANSPARENT,
                                                include_color_table=palette is not self._palette,
                                                **info)
            else:   # unchanged: one transparent pixel, so the frame (and its delay) is kept
                chunks = GifImagePlugin.getdata(Image.new("P", (1, 1), GIF_TRANSPARENT),
                                                (0, 0), transparency=GIF_TRANSPARENT, **info)
        self._fp.writelines(chunks)
        self._prev = frame
        self._count += 1

    def close(self) -> None:
        try:
            self._fp.write(b";")   # GIF trailer
        finally:
            self._fp.close()

    def abort(self) -> None:
        # closing flushes the buffer, which fails again on a full disk; the file is closed
        # all the same, and the caller deletes it
        with contextlib.suppress(OSError):
            self._fp.close()

    def interrupt(self) -> None:
        pass


class Mp4Encoder:
    """H.264 in MP4 (yuv420p, +faststart: plays in browsers, slides and phones) through the
    FFmpeg binary that the imageio-ffmpeg wheel ships.

    FFmpeg is run directly rather than through ``imageio_ffmpeg.write_frames`` because that
    never checks FFmpeg's exit status: a failure while finishing the file (e.g. disk full
    while writing the index) would go unnoticed and a broken file be renamed into place.
    The output is named ``file:/absolute/path``, so that no name (``pipe:x.mp4``,
    ``http:…``, ``a:b``) is taken for one of FFmpeg's protocols. A disk-full or file-size
    failure comes back as that ``OSError``. Odd widths or heights are padded by one edge
    pixel (yuv420p needs even sizes).
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
                "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                # write each packet as it comes (FFmpeg would hold ~256 KB): a full disk or
                # the file-size limit shows at once, not when the last frame is in
                "-flush_packets", "1", "-f", "mp4", ffmpeg_file_url(path)]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _finish()/abort()
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
        with contextlib.suppress(OSError):
            self._proc.kill()
        self._close_stdin()
        self._proc.wait()
        self._log.close()

    def interrupt(self) -> None:
        """Kill FFmpeg now (from any thread): a blocked ``write`` or ``close`` fails at once."""
        with contextlib.suppress(OSError):
            self._proc.kill()

    def _close_stdin(self) -> None:
        with contextlib.suppress(OSError, ValueError):   # broken pipe, or already closed
            if self._proc.stdin is not None:
                self._proc.stdin.close()

    def _finish(self, status: int, *, always: bool = False) -> None:
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        self._log.close()
        if status == 0 and not always:
            return
        if status == -getattr(signal, "SIGXFSZ", 25):   # killed for passing `ulimit -f`
            raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))
        for code in _FFMPEG_OS_ERRORS:
            if any(os.strerror(code) in line for line in lines):
                raise OSError(code, os.strerror(code))
        raise ExportError(f"FFmpeg failed (status {status}): "
                          f"{lines[-1] if lines else 'no message'}")


def ffmpeg_file_url(path: str | os.PathLike[str]) -> str:
    """``path`` as FFmpeg's ``file:`` URL of its absolute path (FFmpeg's documented way to
    name a file whose name could be read as a protocol, e.g. ``pipe:x.mp4``)."""
    return "file:" + os.path.abspath(os.fspath(path))
