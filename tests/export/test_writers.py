"""export_frames: each format read back (count, size, content), and nothing ever half-written."""

from __future__ import annotations

import errno
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from app.export import encoders
from app.export.errors import os_error_message
from app.export.readback import read_frames
from app.export.writers import (
    ExportCancelled,
    ExportError,
    TargetExists,
    check_target,
    export_frames,
    output_format,
)

N, W, H = 20, 160, 120
RED = np.array([230, 20, 20])
TARGETS = ["out.gif", "out.mp4", "frames"]


def dot_at(i: int, w: int = W, h: int = H) -> tuple[int, int]:
    """Centre (x, y) of the red dot in frame i: left to right along a gentle wave."""
    return int(12 + i * (w - 24) / (N - 1)), int(h / 2 + h / 5 * np.sin(i / 3))


def moving_dot(n: int = N, w: int = W, h: int = H, alpha: bool = False) -> Iterator[np.ndarray]:
    """A moving 10x10 red dot over a blue-green gradient."""
    yy, xx = np.mgrid[0:h, 0:w]
    bg = np.stack([40 + 0 * xx, 60 + 120 * xx // w, 90 + 120 * yy // h], axis=-1)
    for i in range(n):
        f = bg.copy()
        x, y = dot_at(i, w, h)
        f[y - 5:y + 5, x - 5:x + 5] = RED
        if alpha:
            f = np.concatenate([f, np.full((h, w, 1), 255)], axis=-1)
        yield f.astype(np.uint8)


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.mark.parametrize("name", TARGETS)
def test_export_reads_back(tmp_path: Path, name: str):
    seen: list[int] = []
    result = export_frames(moving_dot(), tmp_path / name, fps=30, progress=seen.append)
    assert result.frames == N and result.path == tmp_path / name and result.seconds > 0
    assert seen == list(range(1, N + 1))
    assert listing(tmp_path) == [name]                      # no temporary left beside it
    back = read_frames(tmp_path / name)
    assert len(back) == N
    assert all(f.shape == (H, W, 3) and f.dtype == np.uint8 for f in back)
    assert all(f.std() > 10 for f in back)                  # not blank
    for a, b in itertools.pairwise(back):                    # the dot moves every frame
        assert np.abs(a.astype(int) - b).mean() > 0.3
    x, y = dot_at(N - 1)
    centre = back[-1][y - 2:y + 2, x - 2:x + 2].reshape(-1, 3).astype(int)
    assert np.abs(centre - RED).max() < 40                  # lossy formats: a tolerance
    x0, _ = dot_at(0)
    assert np.abs(back[-1][y, x0].astype(int) - RED).max() > 100   # and gone from the start


def test_png_folder_is_lossless_and_named_in_order(tmp_path: Path):
    src = list(moving_dot(n=12))
    export_frames(iter(src), tmp_path / "f")
    assert listing(tmp_path / "f") == [f"frame_{i:05d}.png" for i in range(12)]
    assert all(np.array_equal(a, b) for a, b in zip(src, read_frames(tmp_path / "f"), strict=True))


@pytest.mark.parametrize("name", TARGETS)
def test_rgba_frames_drop_alpha(tmp_path: Path, name: str):
    export_frames(moving_dot(n=4, alpha=True), tmp_path / name)
    assert read_frames(tmp_path / name)[0].shape == (H, W, 3)


@pytest.mark.parametrize(("name", "shape"), [("o.gif", (49, 65, 3)), ("o.mp4", (50, 66, 3)),
                                             ("o", (49, 65, 3))])
def test_odd_sizes(tmp_path: Path, name: str, shape: tuple[int, ...]):
    """yuv420p needs even sizes: the MP4 repeats its last row and column; the others keep."""
    export_frames(moving_dot(n=6, w=65, h=49), tmp_path / name)
    back = read_frames(tmp_path / name)
    assert len(back) == 6 and back[0].shape == shape


def test_gif_timing_loop_and_held_frames(tmp_path: Path):
    """Held (identical) frames are kept as frames; delays add up to n / fps; it loops."""
    frames = [*moving_dot(n=10), *[next(moving_dot(n=1))] * 20]
    export_frames(iter(frames), tmp_path / "a.gif", fps=30)
    with Image.open(tmp_path / "a.gif") as im:
        assert im.info["loop"] == 0
        delays = [f.info["duration"] for f in ImageSequence.Iterator(im)]
    assert len(delays) == 30 and sum(delays) == 1000 and set(delays) <= {30, 40}
    back = read_frames(tmp_path / "a.gif")
    assert all(np.array_equal(back[10], f) for f in back[11:])


def test_frames_are_copied_so_the_source_may_reuse_its_buffer(tmp_path: Path):
    buf = np.zeros((H, W, 3), np.uint8)

    def reused():
        for f in moving_dot(n=5):
            buf[...] = f
            yield buf

    export_frames(reused(), tmp_path / "f")
    back = read_frames(tmp_path / "f")
    assert not np.array_equal(back[0], back[-1])


def test_numpy_fps(tmp_path: Path):
    assert export_frames(moving_dot(n=2), tmp_path / "a.mp4", fps=np.int64(24)).frames == 2


def test_total_caps_an_endless_source(tmp_path: Path):
    def endless():
        while True:
            yield from moving_dot(n=5)

    assert export_frames(endless(), tmp_path / "f", total=7).frames == 7


# --- nothing lost, nothing half-written ------------------------------------------------------

@pytest.fixture(params=TARGETS)
def old_target(request, tmp_path: Path) -> Path:
    """An existing target from an earlier export (3 frames), to be kept or replaced."""
    target = tmp_path / request.param
    export_frames(moving_dot(n=3), target)
    return target


def fingerprint(target: Path) -> list[bytes]:
    files = sorted(target.iterdir()) if target.is_dir() else [target]
    return [f.read_bytes() for f in files]


def test_cancel_half_way_leaves_nothing_behind(old_target: Path):
    before, names = fingerprint(old_target), listing(old_target.parent)
    with pytest.raises(ExportCancelled, match="cancelled"):
        export_frames(moving_dot(), old_target, force=True, progress=lambda i: i == N // 2)
    assert listing(old_target.parent) == names and fingerprint(old_target) == before


def test_source_exception_leaves_nothing_behind(old_target: Path):
    before, names = fingerprint(old_target), listing(old_target.parent)

    def broken():
        yield from moving_dot(n=5)
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        export_frames(broken(), old_target, force=True)
    assert listing(old_target.parent) == names and fingerprint(old_target) == before


def test_source_os_error_is_not_blamed_on_the_target(tmp_path: Path):
    def broken():
        yield from moving_dot(n=2)
        raise FileNotFoundError(errno.ENOENT, "texture missing")

    with pytest.raises(FileNotFoundError, match="texture missing"):
        export_frames(broken(), tmp_path / "a.gif")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("name", TARGETS)
def test_disk_full_is_one_line_and_leaves_nothing(tmp_path: Path, name: str, monkeypatch):
    calls = {"n": 0}
    real = encoders.GifEncoder.write if name == "out.gif" else Image.Image.save

    def full(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, *args, **kwargs)

    if name == "out.mp4":   # FFmpeg itself failing: bad options make it exit with an error
        monkeypatch.setattr(encoders, "MP4_PRESET", "no-such-preset")
        match = "FFmpeg failed"
    elif name == "out.gif":
        monkeypatch.setattr(encoders.GifEncoder, "write", full)
        match = "cannot write to .*out.gif: no space left on device"
    else:
        monkeypatch.setattr(Image.Image, "save", full)
        match = "cannot write to .*frames: no space left on device"
    with pytest.raises(ExportError, match=match) as info:
        export_frames(moving_dot(), tmp_path / name)
    assert "\n" not in str(info.value)
    assert listing(tmp_path) == []


def test_existing_file_needs_force(tmp_path: Path):
    target = tmp_path / "a.gif"
    target.write_bytes(b"precious")
    with pytest.raises(TargetExists, match=r"a.gif exists; use --force to overwrite"):
        export_frames(moving_dot(n=3), target)
    assert target.read_bytes() == b"precious" and listing(tmp_path) == ["a.gif"]
    export_frames(moving_dot(n=3), target, force=True)
    assert len(read_frames(target)) == 3 and listing(tmp_path) == ["a.gif"]


def test_folder_force_semantics(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_frames(moving_dot(n=2), empty).frames == 2        # empty folder: fine
    with pytest.raises(TargetExists, match="not empty; use --force"):
        export_frames(moving_dot(n=4), empty)
    assert len(read_frames(empty)) == 2
    export_frames(moving_dot(n=4), empty, force=True)                # old frames replaced
    assert listing(empty) == [f"frame_{i:05d}.png" for i in range(4)]
    assert listing(tmp_path) == ["empty"]


def test_force_never_replaces_a_folder_of_other_files(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("years of work")
    with pytest.raises(ExportError, match=r"other than frame_\*\.png \(e\.g\. thesis\.tex\)"):
        export_frames(moving_dot(n=2), tmp_path / "docs", force=True)
    assert listing(tmp_path / "docs") == ["thesis.tex"] and listing(tmp_path) == ["docs"]


def test_folder_target_that_is_a_file(tmp_path: Path):
    (tmp_path / "frames").write_text("x")
    with pytest.raises(ExportError, match="exists and is not a folder"):
        export_frames(moving_dot(n=2), tmp_path / "frames", force=True)


@pytest.mark.parametrize("suffix", [".avi", ".jpg", ".webm", ".png", ".GIFF"])
def test_unknown_extension(tmp_path: Path, suffix: str):
    with pytest.raises(ExportError, match=rf"^unknown format '\{suffix}': use \.gif, \.mp4, "
                                          "or a folder name$"):
        export_frames(moving_dot(n=2), tmp_path / f"out{suffix}")
    assert listing(tmp_path) == []


def test_output_format():
    assert [output_format(p) for p in ("a.gif", "a.GIF", "b.mp4", "c", "c.d/", "/tmp")] == [
        "gif", "gif", "mp4", "png", "png", "png"]


def test_parent_is_a_file(tmp_path: Path):
    """Unwritable without chmod (tests run as root): a path below a regular file."""
    (tmp_path / "somefile.txt").write_text("x")
    with pytest.raises(ExportError, match=r"cannot write to .*out\.gif: .*is not a folder$"):
        export_frames(moving_dot(n=2), tmp_path / "somefile.txt" / "out.gif")


def test_parent_missing(tmp_path: Path):
    with pytest.raises(ExportError, match=r"folder .*nowhere does not exist"):
        export_frames(moving_dot(n=2), tmp_path / "nowhere" / "out.mp4")
    assert listing(tmp_path) == []


@pytest.mark.skipif(not os.path.isdir("/sys/kernel"), reason="needs Linux sysfs")
def test_unwritable_folder_even_as_root():
    """sysfs refuses new files even to root: a real 'permission denied'."""
    with pytest.raises(ExportError, match=r"^cannot write to /sys/out\.gif: permission denied$"):
        export_frames(moving_dot(n=2), "/sys/out.gif")


def test_permission_denied_message(tmp_path: Path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "mkdir", denied)
    with pytest.raises(ExportError, match=r"cannot write to .*frames: permission denied$"):
        export_frames(moving_dot(n=2), tmp_path / "frames")


@pytest.mark.parametrize(("frames", "match"), [
    ([], "no frames to export"),
    ([np.zeros((4, 4, 3), np.float64)], r"frame 0: expected an HxWx3 or HxWx4 uint8 array"),
    ([np.zeros((4, 4), np.uint8)], "frame 0: expected"),
    ([np.zeros((4, 4, 3), np.uint8), np.zeros((4, 6, 3), np.uint8)], "frame 1 is 6x4, the first"),
])
@pytest.mark.parametrize("name", TARGETS)
def test_bad_frames(tmp_path: Path, frames: list[np.ndarray], match: str, name: str):
    with pytest.raises(ExportError, match=match):
        export_frames(iter(frames), tmp_path / name)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("fps", [0, -1, float("nan"), float("inf"), "30", True, None])
def test_bad_fps(tmp_path: Path, fps: float):
    with pytest.raises(ExportError, match="fps must be"):
        export_frames(moving_dot(n=2), tmp_path / "a.gif", fps=fps)


@pytest.mark.parametrize("path", [".", ".."])
def test_refuses_dot_targets(path: str):
    with pytest.raises(ExportError, match="name a file or a new folder"):
        check_target(path, force=True)


def test_export_imports_no_gui_modules():
    code = ("import sys, app.export.writers, app.export.readback\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'OpenGL', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- stop requests, clean-up that cannot fail, the source closed, FFmpeg's protocols -------

def test_stop_half_way_leaves_nothing(old_target: Path):
    """``stop()`` (a signal handler's or another thread's flag) cancels like ``progress``."""
    before, names = fingerprint(old_target), listing(old_target.parent)
    seen: list[int] = []
    with pytest.raises(ExportCancelled):
        export_frames(moving_dot(), old_target, force=True, progress=seen.append,
                      stop=lambda: len(seen) >= N // 2)
    assert len(seen) == N // 2
    assert listing(old_target.parent) == names and fingerprint(old_target) == before


@pytest.mark.parametrize("name", TARGETS)
def test_stop_while_the_encoder_finishes_leaves_nothing(tmp_path: Path, name: str):
    """A stop after the last frame but before the rename (FFmpeg still writing the index)
    still cancels: nothing is renamed into place."""
    calls = itertools.count(1)     # calls 1..N come after each frame; later ones while finishing
    with pytest.raises(ExportCancelled):
        export_frames(moving_dot(), tmp_path / name, stop=lambda: next(calls) > N)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("name", TARGETS)
def test_the_source_is_closed_when_the_export_ends(tmp_path: Path, name: str):
    """A generator's clean-up runs before export_frames returns or raises (not at garbage
    collection, when e.g. the Qt objects it would close may be gone)."""
    closed: list[str] = []

    def source(n: int, fail: bool = False):
        try:
            yield from moving_dot(n=n)
            if fail:
                raise RuntimeError("renderer crashed")
            yield from moving_dot(n=n)
        finally:
            closed.append("closed")

    gen = source(5, fail=True)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        export_frames(gen, tmp_path / name)
    assert closed == ["closed"]
    gen = source(5)
    export_frames(gen, tmp_path / name, total=7)      # stopped taking half-way: closed too
    assert closed == ["closed", "closed"]
    gen = source(5)
    with pytest.raises(ExportCancelled):
        export_frames(gen, tmp_path / "other", progress=lambda n: n == 2)
    assert closed == ["closed"] * 3


class _FullDiskFile:
    """A file on a full disk: writes fail, and so does the flush when it is closed (the
    buffered bytes cannot go either), the way a real ``open(…, "wb")`` behaves."""

    def __init__(self, path, mode="rb"):
        self._real = open(path, mode)  # noqa: SIM115 - closed in close()

    def write(self, data) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def writelines(self, lines) -> None:
        for chunk in lines:
            self.write(chunk)

    def close(self) -> None:
        self._real.close()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_gif_on_a_full_disk_leaves_no_partial_file(tmp_path: Path, monkeypatch):
    """Regression: the GIF encoder's abort() re-raised the failing flush, so the hidden
    ``.partial`` file was never deleted (and the raw OSError was reported)."""
    monkeypatch.setattr(encoders, "open", _FullDiskFile, raising=False)
    with pytest.raises(ExportError, match=r"^cannot write to .*out\.gif: no space left on device$"):
        export_frames(moving_dot(), tmp_path / "out.gif")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("name", ["pipe:x.mp4", "file:y.mp4", "a:b.mp4", "http:"])
def test_names_that_look_like_ffmpeg_protocols(tmp_path: Path, monkeypatch, name: str):
    """FFmpeg reads `pipe:…`, `file:…`, `http:…` as protocols: it is given `file:/abs/path`.
    A relative name (resolved against the working folder) and a folder named `http:` too."""
    monkeypatch.chdir(tmp_path)
    out = name if name.endswith(".mp4") else f"{name}/z.mp4"
    if not name.endswith(".mp4"):
        (tmp_path / name).mkdir()
    result = export_frames(moving_dot(n=5), out)
    assert result.frames == 5
    assert len(read_frames(out)) == 5 and len(read_frames(tmp_path / out)) == 5
    assert listing(Path(out).parent) == [Path(out).name]


@pytest.mark.parametrize(("log", "status", "expected"), [
    ("[out#0/mp4] Error writing trailer: No space left on device", 1, "no space left"),
    ("av_interleaved_write_frame(): File too large", 1, "file too large"),
    ("", -25, "file too large"),                     # killed by SIGXFSZ (`ulimit -f`)
    ("Unknown encoder 'libx265'", 1, "FFmpeg failed (status 1): Unknown encoder"),
])
def test_ffmpeg_failures_are_named(tmp_path: Path, log: str, status: int, expected: str):
    enc = encoders.Mp4Encoder(tmp_path / "a.mp4", (16, 16), 30)
    enc.abort()
    enc._log = open(tmp_path / "log", "w+b")  # noqa: SIM115 - closed by _finish
    enc._log.write(log.encode())
    with pytest.raises((OSError, ExportError)) as info:
        enc._finish(status)
    text = str(info.value) if isinstance(info.value, ExportError) else \
        os_error_message(info.value)
    assert expected.lower() in text.lower()
