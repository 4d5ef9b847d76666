"""A scene or lesson file that is not a regular file — a FIFO (hung every command and
File → Open in ``open()``), a symlink to one, a device, a directory — is refused at once with
one line, before a byte is read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.lesson import LessonFileError, load_lesson
from app.core.scene_file import SceneFileError, load_scene


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "scene.json"
    os.mkfifo(path)
    return path


def _special(tmp_path: Path, kind: str) -> tuple[Path, str]:
    if kind == "fifo":
        return _fifo(tmp_path), "a FIFO"
    if kind == "symlink to a fifo":
        link = tmp_path / "link.json"
        link.symlink_to(_fifo(tmp_path))
        return link, "a FIFO"
    if kind == "directory":
        return tmp_path, "a directory"
    return Path("/dev/zero"), "a character device"


KINDS = ["fifo", "symlink to a fifo", "directory", "device"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", KINDS)
def test_scene_and_lesson_readers_refuse_special_files(tmp_path, kind):
    path, words = _special(tmp_path, kind)
    with pytest.raises(SceneFileError, match=f"is not a regular file \\({words}\\)") as e:
        load_scene(path)
    assert "\n" not in str(e.value)
    with pytest.raises(LessonFileError, match="is not a regular file"):
        load_lesson(path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", KINDS)
def test_the_command_line_answers_at_once(tmp_path, kind):
    path, words = _special(tmp_path, kind)
    r = subprocess.run([sys.executable, "-m", "app", "descend", "--scene", str(path)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: scene file: {path} is not a regular file ({words})"]
    assert "Traceback" not in r.stderr
