"""What a headless export starts, and what it must not leave behind however it ends.

``display_for_export``: without DISPLAY (and with Xvfb installed) a virtual display for the
duration of the export, in a session of its own (a Ctrl+C in the terminal is for us, not for
it: an X server that dies under Qt takes the process with it, clean-up undone), which the
kernel ends when the export dies, even by SIGKILL (its parent-death signal).

``leave_no_partial``: SIGKILL gives the export no chance to delete its hidden
``.partial-`` output, so a small watcher process does it: it waits on a pipe whose other end
only the export holds and, when that end closes without the word "done", deletes the
``.NAME.partial-*`` files made beside the target since the watch began.
"""

from __future__ import annotations

import functools
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.export.errors import ExportError

XVFB_START_SECONDS = 30
# the watcher: argv folder, prefix, since; sweeps unless the pipe said "done" before it closed
_SWEEP = """import os, shutil, sys
folder, prefix, since = sys.argv[1], sys.argv[2], float(sys.argv[3])
if sys.stdin.buffer.read() != b"done":
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if name.startswith(prefix) and os.lstat(path).st_ctime >= since:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
        except OSError:
            pass
"""


@contextmanager
def leave_no_partial(target: str | os.PathLike[str]) -> Iterator[None]:
    """While entered, a watcher deletes the export's ``.partial-`` output beside ``target``
    if this process dies without leaving the block (SIGKILL, the OOM killer); on any other
    ending the export cleans up itself and the watcher goes quietly. Linux and macOS."""
    path = Path(target).expanduser().absolute()
    if sys.platform == "win32" or not path.parent.is_dir():
        yield
        return
    read_end, write_end = os.pipe()
    try:
        watcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _SWEEP, str(path.parent),
             f".{path.name}.partial-", str(time.time() - 2.0)],
            stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
    except OSError:                        # no watcher: the export still cleans up itself
        os.close(write_end)
        yield
        return
    finally:
        os.close(read_end)
    try:
        yield
    finally:
        try:
            os.write(write_end, b"done")
        finally:
            os.close(write_end)
        watcher.wait()


@contextmanager
def display_for_export():
    """Yield with a usable X display: the user's, or a virtual one started here."""
    if sys.platform != "linux" or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        yield
        return
    program = shutil.which("Xvfb")
    if program is None:
        raise ExportError("no display and no Xvfb: install it (sudo apt-get install xvfb) "
                          "or run under a desktop session")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if _file_size_limited():
        # Xvfb inherits `ulimit -f`, and it makes Qt's shared-memory images itself: one
        # larger than the limit kills it with SIGXFSZ, and Qt with it. Plain X requests.
        os.environ["QT_XCB_NO_MITSHM"] = "1"
    server, display = _start_xvfb(program)
    os.environ["DISPLAY"] = display
    try:
        yield
    finally:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:  # Qt must let go of the display before it goes away
            app.processEvents()
            app.shutdown()
        os.environ.pop("DISPLAY", None)
        _stop(server)


def _start_xvfb(program: str) -> tuple[subprocess.Popen, str]:
    """Start Xvfb on a free display -> (process, ":N"). Its own session keeps a terminal's
    Ctrl+C away from it; ``-terminate`` ends it when its last client goes, even if this
    process is killed outright."""
    with tempfile.TemporaryFile() as log:
        read_end, write_end = os.pipe()
        try:
            server = subprocess.Popen(
                [program, "-displayfd", str(write_end), "-screen", "0", "1920x1200x24",
                 "-nolisten", "tcp", "+extension", "GLX", "+render", "-terminate"],
                pass_fds=(write_end,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=log, start_new_session=True,
                preexec_fn=functools.partial(_die_with_parent, os.getpid()))
        except OSError as exc:
            os.close(read_end)
            raise ExportError(f"cannot start Xvfb: {exc}") from exc
        finally:
            os.close(write_end)
        with os.fdopen(read_end, "rb") as answer:   # the display number and a newline
            number, deadline = b"", time.monotonic() + XVFB_START_SECONDS
            while not number.endswith(b"\n") and time.monotonic() < deadline:
                if select.select([answer], [], [], 0.1)[0]:
                    chunk = os.read(answer.fileno(), 16)
                    if not chunk:
                        break           # Xvfb exited
                    number += chunk
        if number.strip().isdigit():
            return server, f":{int(number)}"
        _stop(server)
        log.seek(0)
        lines = log.read().decode("utf-8", "replace").strip().splitlines()
    raise ExportError(f"cannot start Xvfb: {lines[-1] if lines else 'no answer'}")


def _die_with_parent(parent: int) -> None:
    """In the Xvfb child before exec: the kernel sends it SIGTERM when this process dies,
    however it dies (SIGKILL too, and before Qt ever connected, where ``-terminate`` cannot
    help)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):       # not Linux: -terminate still ends it
        return
    if os.getppid() != parent:              # it died before the line above
        os._exit(1)


def _file_size_limited() -> bool:
    try:
        import resource
    except ImportError:     # not on this platform
        return False
    return resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
