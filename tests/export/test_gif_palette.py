"""The GIF's colours: smooth shading without bands (one palette, Floyd–Steinberg dithered),
still parts that never flicker, colours the first frame lacked, and small files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.export.readback import read_frames
from app.export.writers import export_frames

ROOT = Path(__file__).resolve().parents[2]
W, H = 320, 180


def shaded_hill(w: int = W, h: int = H) -> np.ndarray:
    """Smooth shading over several hues (like the mountain): far more than 256 colours, and
    gradients so gentle that any flat step of colour shows as a band."""
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    height = np.exp(-((xx - 0.5) ** 2 + (yy - 0.55) ** 2) / 0.08)
    shade = 0.55 + 0.45 * np.clip(1 - 1.6 * (xx - 0.35) ** 2 - 1.2 * (yy - 0.3) ** 2, 0, 1)
    rgb = np.stack([0.35 + 0.6 * height, 0.75 - 0.35 * height, 0.35 + 0.3 * (1 - height)], -1)
    return np.clip(255 * rgb * shade[..., None], 0, 255).astype(np.uint8)


def box_blur(a: np.ndarray, k: int = 5) -> np.ndarray:
    """Mean over k×k: what the eye sees of fine dither noise (bands survive it)."""
    a = np.pad(a.astype(float), ((k // 2, k // 2), (k // 2, k // 2), (0, 0)), mode="edge")
    c = np.pad(a.cumsum(0).cumsum(1), ((1, 0), (1, 0), (0, 0)))
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def banding(shown: np.ndarray, source: np.ndarray) -> float:
    """Mean error after blurring: dither noise averages out, bands of flat colour do not."""
    return float(np.abs(box_blur(shown) - box_blur(source)).mean())


def walk(n: int, picture: np.ndarray) -> list[np.ndarray]:
    """A red ball moving over a still picture (what an export without --orbit looks like)."""
    out = []
    for i in range(n):
        f = picture.copy()
        x, y = 20 + i * (W - 40) // max(n - 1, 1), 60 + (i % 7) * 5
        f[y - 4:y + 4, x - 4:x + 4] = (220, 30, 30)
        out.append(f)
    return out


def test_smooth_shading_shows_no_bands(tmp_path: Path):
    picture = shaded_hill()
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 2000     # needs a palette
    export_frames(iter([picture]), tmp_path / "a.gif")
    shown = read_frames(tmp_path / "a.gif")[0]
    # a palette without dithering (FASTOCTREE's own, as before) bands: 2.2 here; dithered,
    # the picture is right on average everywhere: 0.64
    assert banding(shown, picture) < 1.0
    assert np.abs(shown.astype(int) - picture).mean() < 4           # and close pixel by pixel


def test_still_parts_never_flicker_and_later_frames_are_small(tmp_path: Path):
    frames = walk(40, shaded_hill())
    export_frames(iter(frames), tmp_path / "walk.gif")
    export_frames(iter(frames[:1]), tmp_path / "one.gif")
    back = read_frames(tmp_path / "walk.gif")
    assert len(back) == 40
    path = np.zeros((H, W), bool)        # every pixel the ball ever covered
    for f in frames:
        path |= (f != frames[0]).any(axis=2)
    for f in back[1:]:
        assert np.array_equal(f[~path], back[0][~path]), "a still pixel changed"
    # one palette for all: each later frame stores the ball's few changed pixels only
    size, first = (tmp_path / "walk.gif").stat().st_size, (tmp_path / "one.gif").stat().st_size
    assert size < first + 39 * 600
    ball = back[-1][(frames[-1] == (220, 30, 30)).all(axis=2)]
    assert len(ball) == 64
    assert np.abs(ball.astype(int) - (220, 30, 30)).max() < 40


def test_a_colour_the_first_frame_lacked_is_still_shown_right(tmp_path: Path):
    """A magenta square appears on a green-and-brown picture: the global palette cannot mix
    it, so that frame brings a colour table of its own."""
    picture = shaded_hill()
    later = picture.copy()
    later[70:100, 140:180] = (200, 40, 220)
    export_frames(iter([picture, later, later]), tmp_path / "a.gif")
    back = read_frames(tmp_path / "a.gif")
    square = back[2][70:100, 140:180].reshape(-1, 3).astype(int)
    assert np.abs(square.mean(axis=0) - (200, 40, 220)).max() < 12
    assert np.abs(square - (200, 40, 220)).max(axis=1).mean() < 20
    assert banding(back[2], later) < 1.0


def test_a_whole_picture_that_changes_every_frame(tmp_path: Path):
    """Like --orbit: every frame differs everywhere and drifts in colour; each one stays
    faithful (no bands, no lost colours) as the palette follows."""
    frames = []
    for i in range(12):
        f = shaded_hill().astype(int)
        f = np.roll(f, 6 * i, axis=1)
        f[..., 2] = np.clip(f[..., 2] + 8 * i, 0, 255)               # drifting towards blue
        frames.append(f.astype(np.uint8))
    export_frames(iter(frames), tmp_path / "orbit.gif")
    back = read_frames(tmp_path / "orbit.gif")
    assert len(back) == 12
    for shown, source in zip(back, frames, strict=True):   # a colour cast would be 6–30
        assert banding(shown, source) < 1.0
        assert np.abs(shown.astype(int) - source).mean() < 4


@pytest.mark.timeout(240)
def test_ten_second_walk_on_peaks_at_600px_stays_under_2_mb(tmp_path: Path):
    out = tmp_path / "p.gif"
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--preset", "peaks",
                        "--out", str(out), "--size", "600x338", "--seconds", "10"],
                       capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert 0 < out.stat().st_size < 2_000_000
    assert sorted(os.listdir(tmp_path)) == ["p.gif"]
