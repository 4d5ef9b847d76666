"""A headless export killed outright leaves nothing behind: not its virtual display (the
kernel's parent-death signal ends Xvfb) and not its hidden ``.partial-`` output (SIGKILL gave
the export no chance to delete it: a watcher process does). Real processes, DISPLAY unset,
so that ``python main.py export`` starts its own Xvfb."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.export.test_interrupts import (
    NAMES,
    ROOT,
    _frames_written,
    alive,
    children,
    export_cmd,
    headless_env,
    pytestmark,  # noqa: F401 - Linux with Xvfb only
)


def _start_and_wait_for_frames(tmp_path: Path, fmt: str) -> tuple[subprocess.Popen, int]:
    """An export writing frames, and its Xvfb's pid."""
    proc = subprocess.Popen(export_cmd(tmp_path / NAMES[fmt], "--size", "480x270", "--speed",
                                       "1", "--frames", "600"),
                            cwd=ROOT, env=headless_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 90
    display: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        display = [pid for pid, name in children(proc.pid) if name == "Xvfb"]
        partial = [p for p in tmp_path.iterdir() if ".partial-" in p.name]
        if display and partial and _frames_written(partial[0]):
            return proc, display[0]
        time.sleep(0.01)
    _kill_group(proc)
    pytest.fail("the export ended (or never drew) before it could be stopped")


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _nothing_left(tmp_path: Path, xvfb: int, seconds: float = 10.0) -> None:
    gone = time.monotonic() + seconds
    while time.monotonic() < gone and (alive(xvfb) or os.listdir(tmp_path)):
        time.sleep(0.05)
    assert not alive(xvfb), "the virtual display outlived the export"
    assert os.listdir(tmp_path) == [], "no target and no .partial file"


@pytest.mark.timeout(150)
@pytest.mark.parametrize("fmt", ["gif", "mp4", "png"])
def test_sigkill_leaves_no_display_and_no_partial_output(tmp_path: Path, fmt: str):
    proc, xvfb = _start_and_wait_for_frames(tmp_path, fmt)
    try:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        _kill_group(proc)
    assert proc.returncode == -signal.SIGKILL
    _nothing_left(tmp_path, xvfb)


@pytest.mark.timeout(150)
def test_sigterm_leaves_no_display_and_no_partial_output(tmp_path: Path):
    proc, xvfb = _start_and_wait_for_frames(tmp_path, "gif")
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    finally:
        _kill_group(proc)
    assert proc.returncode == 128 + signal.SIGTERM
    _nothing_left(tmp_path, xvfb)


@pytest.mark.timeout(150)
def test_a_finished_export_keeps_its_file_and_its_watcher_goes(tmp_path: Path):
    out = tmp_path / "walk.gif"
    proc = subprocess.Popen(export_cmd(out, "--size", "160x90", "--frames", "4"), cwd=ROOT,
                            env=headless_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    finally:
        _kill_group(proc)
    time.sleep(0.5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk.gif"]
    assert not _watchers(f".{out.name}.partial-"), "the watcher went with the export"


def _watchers(prefix: str) -> list[int]:
    """Processes whose command line names ``prefix`` (the watcher's argument)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if prefix.encode() in Path(f"/proc/{entry}/cmdline").read_bytes() \
                        and alive(int(entry)):
                    found.append(int(entry))
            except OSError:
                continue
    return found
