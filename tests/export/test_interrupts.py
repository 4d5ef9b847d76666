"""Interrupted exports never lie: Ctrl+C, SIGTERM, a full disk and the file-size limit each
end `gradient-mountain export` with one line on stderr and a non-zero status, leaving
neither the target nor its hidden ``.partial`` file behind (nor the virtual display).

Real processes: ``python main.py export …`` without DISPLAY, so the command starts its own
Xvfb, as on a server. Signals go where a terminal or a service manager sends them: Ctrl+C to
the whole foreground process group, SIGTERM to the process.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app.export.writers import ExportError, export_frames

ROOT = Path(__file__).resolve().parents[2]
NAMES = {"gif": "walk.gif", "mp4": "walk.mp4", "png": "frames"}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("Xvfb"),
                                reason="needs Linux and Xvfb (the command starts its own)")


def headless_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


def export_cmd(out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "export", "--preset", "peaks",
            "--out", str(out), *extra]


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, name) of the running children of ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:]
        if int(rest.split()[1]) == pid:
            found.append((int(entry), name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("fmt", ["gif", "mp4", "png"])
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "ctrl-c-while-drawing"])
def test_a_signal_stops_the_export_at_once_and_leaves_nothing(tmp_path: Path, fmt: str,
                                                              how: str):
    """Once frames are being written (or, for the last case, as soon as the partial file
    appears: while the surface is still being computed, before the first frame)."""
    out = tmp_path / NAMES[fmt]
    proc = subprocess.Popen(export_cmd(out, "--size", "480x270", "--speed", "1", "--frames",
                                       "600"),
                            cwd=ROOT, env=headless_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            partial = [p for p in tmp_path.iterdir() if ".partial-" in p.name]
            if partial and (how == "ctrl-c-while-drawing" or _frames_written(partial[0])):
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the export ended before it could be interrupted"
        display = [pid for pid, name in children(proc.pid) if name == "Xvfb"]
        sent = time.monotonic()
        if how == "sigterm":
            proc.send_signal(signal.SIGTERM)
        else:                                  # the terminal's Ctrl+C: the whole group
            os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    sig = signal.SIGTERM if how == "sigterm" else signal.SIGINT
    assert proc.returncode == 128 + sig, err
    line = one_line(err)
    assert line.startswith("error: export interrupted by ") and "nothing was written" in line
    assert os.listdir(tmp_path) == [], "no target and no .partial file"
    assert took < 1.0, f"stopped {took:.2f} s after the signal"
    assert len(display) == 1 and not alive(display[0]), "the virtual display is gone"


def _frames_written(partial: Path) -> bool:
    if partial.is_dir():
        return len(os.listdir(partial)) >= 3
    return partial.stat().st_size > 20_000


# --- a full disk, the file-size limit ----------------------------------------------------

@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 64 KiB tmpfs (mounting needs root; skipped otherwise)."""
    where = tmp_path / "disk"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("fmt", ["gif", "mp4", "png"])
def test_full_disk_is_one_line_and_leaves_nothing(tiny_disk: Path, fmt: str):
    r = subprocess.run(export_cmd(tiny_disk / NAMES[fmt], "--size", "640x360", "--orbit",
                                  "--frames", "300"),
                       cwd=ROOT, env=headless_env(), capture_output=True, text=True,
                       timeout=150)
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr) == (f"error: cannot write to {tiny_disk / NAMES[fmt]}: "
                                  "no space left on device")
    assert os.listdir(tiny_disk) == []


@pytest.mark.timeout(180)
@pytest.mark.parametrize("fmt", ["gif", "mp4", "png"])
def test_file_size_limit_is_one_line_and_leaves_nothing(tmp_path: Path, fmt: str):
    """`ulimit -f 30` (30 KiB): writes fail with EFBIG (Python ignores SIGXFSZ), FFmpeg is
    killed by SIGXFSZ; the virtual display, limited too, must survive it."""
    out = tmp_path / NAMES[fmt]
    r = subprocess.run(["bash", "-c", 'ulimit -f 30 && exec "$@"', "bash",
                        *export_cmd(out, "--size", "640x360", "--orbit", "--frames", "300")],
                       cwd=ROOT, env=headless_env(), capture_output=True, text=True,
                       timeout=150)
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr) == f"error: cannot write to {out}: file too large"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["a.gif", "a.mp4", "frames"])
def test_full_disk_without_the_command_line(tiny_disk: Path, name: str):
    """export_frames itself, in this process: every format, the error and the clean-up."""
    rng = np.random.default_rng(1)
    noise = (rng.integers(0, 256, (120, 160, 3), dtype=np.uint8) for _ in range(200))
    with pytest.raises(ExportError, match=r"no space left on device$") as info:
        export_frames(noise, tiny_disk / name)
    assert str(info.value) == (f"cannot write to {tiny_disk / name}: "
                               f"{os.strerror(errno.ENOSPC).lower()}")
    assert os.listdir(tiny_disk) == []


@pytest.mark.timeout(60)
def test_sigkill_before_any_client_takes_the_virtual_display_with_it():
    """SIGKILL cannot be handled, and Xvfb's -terminate only ends it when its last client
    goes: killed before Qt ever connected, the display must still go (the kernel's
    parent-death signal)."""
    script = ("import shutil, sys, time\n"
              "from app.ui.render.export_cli import _start_xvfb\n"
              "server, display = _start_xvfb(shutil.which('Xvfb'))\n"
              "print(server.pid, flush=True)\n"
              "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=headless_env(),
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout is not None
        xvfb = int(proc.stdout.readline())
        assert alive(xvfb)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        gone = time.monotonic() + 10
        while time.monotonic() < gone and alive(xvfb):
            time.sleep(0.05)
        assert not alive(xvfb), "the virtual display outlived the export"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.timeout(120)
def test_sigkill_while_drawing_leaves_no_display(tmp_path: Path):
    """SIGKILL in the middle of the frames: the virtual display goes with the export."""
    out = tmp_path / "walk.gif"
    proc = subprocess.Popen(export_cmd(out, "--size", "480x270", "--speed", "1", "--frames",
                                       "600"),
                            cwd=ROOT, env=headless_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    display: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            display = [pid for pid, name in children(proc.pid) if name == "Xvfb"]
            partial = [p for p in tmp_path.iterdir() if ".partial-" in p.name]
            if display and partial and _frames_written(partial[0]):
                break
            time.sleep(0.01)
        assert proc.poll() is None and display, "the export ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        gone = time.monotonic() + 10
        while time.monotonic() < gone and alive(display[0]):
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert not alive(display[0]), "the virtual display outlived the export"
