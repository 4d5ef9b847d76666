"""``read_frames``: read an export back as RGB arrays (for tests, previews and checks)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image, ImageSequence

from app.export.encoders import ffmpeg_file_url
from app.export.errors import ExportError

_PPM_HEADER = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+255\s")  # then one whitespace byte


def read_frames(path: str | os.PathLike[str]) -> list[np.ndarray]:
    """All frames of a folder of ``frame_*.png``, a GIF or an MP4, as HxWx3 uint8 arrays.

    GIF frames come back fully composited (what a viewer shows); an MP4 made from an odd
    size comes back padded to even width and height.
    """
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("frame_*.png"), key=lambda f: (len(f.name), f.name))
        out = []
        for f in files:
            with Image.open(f) as im:
                out.append(_rgb(im))
        return out
    suffix = p.suffix.lower()
    if suffix == ".gif":
        with Image.open(p) as im:
            return [_rgb(frame) for frame in ImageSequence.Iterator(im)]
    if suffix == ".mp4":
        return _read_mp4(p)
    raise ExportError(f"cannot read '{p.suffix}': expected a folder, a .gif or an .mp4")


def _rgb(im: Image.Image) -> np.ndarray:
    with im.convert("RGB") as rgb:
        return np.asarray(rgb).copy()


def _read_mp4(path: Path) -> list[np.ndarray]:
    # FFmpeg decodes to a stream of PPM images ("P6\n<w> <h>\n255\n" + RGB bytes each).
    # (imageio_ffmpeg.read_frames leaves its pipes open: a ResourceWarning per call.)
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error",
           "-i", ffmpeg_file_url(path), "-f", "image2pipe", "-c:v", "ppm", "pipe:1"]
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"cannot read {path}: {lines[-1] if lines else 'FFmpeg failed'}")
    data, frames, pos = done.stdout, [], 0
    while pos < len(data):
        header = _PPM_HEADER.match(data, pos)
        if header is None:
            raise ExportError(f"cannot read {path}: unexpected decoder output")
        w, h, start = int(header[1]), int(header[2]), header.end()
        frames.append(np.frombuffer(data, np.uint8, w * h * 3, start).reshape(h, w, 3).copy())
        pos = start + w * h * 3
    return frames
