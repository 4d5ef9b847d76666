"""The window's export (ExportRun) never leaves a partial file: cancel, closing the window,
the application quitting (abort), SIGTERM/SIGHUP to the app and a full disk all end with
nothing on disk."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.animation import AnimationSettings
from app.export import encoders

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = AnimationSettings(size=(320, 240), frames=150)


def start(window, out: Path):
    from app.ui.dialogs.export_dialog import run_export

    return run_export(window, window.model.scene, str(out), SETTINGS)


def wait_for_frames(qtbot, run, out_dir: Path, n: int = 5) -> None:
    """Until ``n`` frames are rendered and the partial output exists."""
    qtbot.waitUntil(lambda: run._next >= n and any(".partial-" in p for p in os.listdir(out_dir)),
                    timeout=60_000)
    assert not run.done


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    d = tmp_path / "out"       # tmp_path itself holds the test's settings file
    d.mkdir()
    return d


@pytest.mark.parametrize("name", ["c.gif", "c.mp4", "frames"])
def test_cancel_leaves_nothing(make_window, qtbot, out_dir: Path, name: str):
    w = make_window("peaks")
    run = start(w, out_dir / name)
    wait_for_frames(qtbot, run, out_dir)
    with qtbot.waitSignal(run.cancelled, timeout=30_000):
        run.cancel()
    assert run.done and os.listdir(out_dir) == []
    assert "nothing was written" in w.statusBar().currentMessage()


@pytest.mark.parametrize("name", ["w.gif", "w.mp4"])
def test_closing_the_window_stops_the_export_and_leaves_nothing(make_window, qtbot,
                                                                out_dir: Path, name: str):
    w = make_window("peaks")
    run = start(w, out_dir / name)
    wait_for_frames(qtbot, run, out_dir)
    with qtbot.waitSignal(run.cancelled, timeout=30_000):
        w.close()
    assert run.done and os.listdir(out_dir) == []


def test_a_window_that_refuses_to_close_keeps_exporting(make_window, qtbot, out_dir: Path):
    """Only a close that happens stops the export (a closeEvent may ignore it)."""
    w = make_window("peaks")
    run = start(w, out_dir / "k.gif")
    wait_for_frames(qtbot, run, out_dir)

    def refuse(event):
        event.ignore()

    w.closeEvent = refuse
    w.close()
    with qtbot.waitSignal(run.succeeded, timeout=120_000):
        pass
    assert os.listdir(out_dir) == ["k.gif"]


def test_abort_returns_with_the_partial_file_gone(make_window, qtbot, out_dir: Path):
    """What happens when the application quits (aboutToQuit): no event loop will deliver
    the writer's answer, so abort() waits for the clean-up itself."""
    w = make_window("peaks")
    run = start(w, out_dir / "q.mp4")
    wait_for_frames(qtbot, run, out_dir)
    cancelled = []
    run.cancelled.connect(lambda: cancelled.append(True))
    run.abort()
    assert run.done and cancelled == [True] and os.listdir(out_dir) == []
    run.abort()                                   # twice: nothing more happens
    assert cancelled == [True]


def test_full_disk_in_the_window_is_one_message_and_leaves_nothing(make_window, qtbot,
                                                                   out_dir: Path,
                                                                   monkeypatch):
    real = encoders.GifEncoder.write
    calls = {"n": 0}

    def full(self, frame):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, frame)

    monkeypatch.setattr(encoders.GifEncoder, "write", full)
    monkeypatch.setattr("app.ui.dialogs.export_dialog.QMessageBox.warning",
                        lambda *args: None)
    w = make_window("peaks")
    run = start(w, out_dir / "f.gif")
    with qtbot.waitSignal(run.failed, timeout=60_000) as sig:
        pass
    assert sig.args[0] == f"cannot write to {out_dir / 'f.gif'}: no space left on device"
    assert run.done and os.listdir(out_dir) == []


GUI_SCRIPT = """
import os, signal, sys
from app.ui.application import application
app = application()
from PySide6.QtCore import QTimer
from app.core.animation import AnimationSettings
from app.core.scene import Scene
from app.ui.dialogs.export_dialog import run_export
from app.ui.main_window import MainWindow

out, name = sys.argv[1], sys.argv[2]
w = MainWindow(Scene.from_preset("peaks", resolution=48), remember=False)
w.show()
runs = []

def poke():
    busy = any(".partial-" in f for f in os.listdir(out))
    if runs and runs[0]._next >= 5 and busy:
        print("sending", flush=True)
        os.kill(os.getpid(), signal.{sig})

timer = QTimer()
timer.timeout.connect(poke)
timer.start(20)
runs.append(run_export(w, w.model.scene, os.path.join(out, name),
                       AnimationSettings(size=(320, 240), frames=400)))
app.exec()
print("the event loop ended instead")
"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", ["t.gif", "t.mp4", "frames"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_the_window_process_aborts_the_export_first(tmp_path: Path,
                                                                out_dir: Path, name: str,
                                                                sig: int):
    """SIGTERM (or SIGHUP) to the app while the window exports: the partial output is
    deleted, then the process ends by that signal as it would have."""
    env = {**os.environ, "GRADIENT_MOUNTAIN_SETTINGS": str(tmp_path / "settings.ini")}
    script = GUI_SCRIPT.replace("{sig}", signal.Signals(sig).name)
    r = subprocess.run([sys.executable, "-c", script, str(out_dir), name], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=100)
    assert "sending" in r.stdout, r.stderr
    assert r.returncode == -sig, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    assert os.listdir(out_dir) == []
