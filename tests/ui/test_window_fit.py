"""The window fits every screen: real windows on Xvfb screens of 1280×720, 1366×768 and of
1600×1000 with QT_SCALE_FACTOR=2 (each in a process of its own: the scale is read at start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("screen_probe.py")
ROOT = Path(__file__).resolve().parents[2]


def probe(tmp_path: Path, width: int, height: int, scale: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_SCALE_FACTOR")}
    env["GRADIENT_MOUNTAIN_SETTINGS"] = str(tmp_path / "settings.ini")
    env["PYTHONPATH"] = str(ROOT)
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    shot = tmp_path / f"window-{width}x{height}-{scale or 1}.png"
    r = subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {width}x{height}x24 +extension GLX "
                        "+render", sys.executable, str(PROBE), str(shot)],
                       capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["shot"] = shot
    return out


def inside(rect, area) -> bool:
    return (rect[0] >= area[0] and rect[1] >= area[1] and rect[2] <= area[2]
            and rect[3] <= area[3])


@pytest.mark.parametrize("width,height,scale", [(1280, 720, None), (1366, 768, None),
                                                (1600, 1000, "2")])
def test_window_and_every_transport_control_lie_inside_the_screen(tmp_path, width, height,
                                                                  scale):
    out = probe(tmp_path, width, height, scale)
    area = out["screen"]
    assert inside(out["window"], area), out
    screen_w, screen_h = area[2] - area[0] + 1, area[3] - area[1] + 1
    win_w, win_h = out["window"][2] - out["window"][0] + 1, out["window"][3] - out["window"][1] + 1
    assert win_w <= 0.9 * screen_w + 1 and win_h <= 0.9 * screen_h + 1     # at most 90 %
    assert out["minimum"][0] <= screen_w and out["minimum"][1] <= screen_h  # it can shrink
    for name, (*rect, visible) in out["controls"].items():
        assert visible and inside(rect, out["window"]), (name, rect, out["window"])
    assert out["shot"].stat().st_size > 10_000
