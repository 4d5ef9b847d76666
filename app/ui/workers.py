"""The one worker mechanism: long jobs (compiling, meshing, walks, curvature, basins, previews)
run on a QThreadPool and their results come back as signals on the GUI thread.

Jobs have a *kind*. For each kind at most one job runs; a job submitted while another of its
kind runs waits, and a newer one replaces it (only the newest request matters). Every job
carries a ``key`` — what it was computed for (the scene revision, the text compiled…) — and
its result is delivered with it; the owner drops results whose key is stale. A job that takes a
``Progress`` can report progress and sees ``cancelled`` when a newer job of its kind (or
``cancel``) wants it to stop.
"""

from __future__ import annotations

import functools
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

# Which waiting job a free thread takes first: what the first picture needs (the function,
# then the mountain), then the walkers; the map, typeset formulas and the rest after them.
PRIORITY = {"compile": 4, "surface_quick": 3, "surface": 2, "walks": 1}


class Progress:
    """Handed to a job that reports progress: ``report(done, total)``; ``cancelled``."""

    def __init__(self, relay: _Relay, kind: str) -> None:
        self._relay, self._kind = relay, kind
        self._event = threading.Event()
        self.request: _Request | None = None

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()

    def report(self, done: int, total: int) -> bool:
        """Tell the GUI how far the job is; True when the job should stop."""
        self._relay.progress.emit(self._kind, int(done), int(total))
        return self.cancelled

    def partial(self, value: Any) -> bool:
        """Hand the GUI a first, incomplete result (e.g. walks so far); True when the job
        should stop."""
        if not self.cancelled:
            self._relay.partial.emit(self.request, value)
        return self.cancelled


@dataclass
class _Request:
    kind: str
    key: Any
    fn: Callable[..., Any]
    args: tuple
    progress: Progress | None = None
    done: bool = field(default=False)


class _Relay(QObject):
    finished = Signal(object, object, object)   # request, result, error text or None
    progress = Signal(str, int, int)
    partial = Signal(object, object)            # request, an incomplete result


def _run(r: _Request, relay: _Relay) -> None:
    """One job on a pool thread. (A plain callable: PySide6 kept about a third of the
    QRunnable subclasses handed to ``QThreadPool.start`` alive, each with its request's
    scene and function — 1.4 MB a minute in the soak.)"""
    try:
        args = (r.progress, *r.args) if r.progress is not None else r.args
        result, error = r.fn(*args), None
    except Exception as e:   # one line for the user; never kill the worker thread
        result, error = None, _one_line(e)
    relay.finished.emit(r, result, error)


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if not isinstance(e, ValueError):
        text = f"{type(e).__name__}: {text}"
        traceback.print_exc()            # a bug, not bad input: keep the details for us
    return text


class Workers(QObject):
    """Runs jobs by kind; see the module docstring."""

    finished = Signal(str, object, object)    # kind, key, result
    failed = Signal(str, object, str)         # kind, key, one-line message
    progress = Signal(str, int, int)          # kind, done, total
    partial = Signal(str, object, object)     # kind, key, an incomplete result (Progress.partial)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_relay_finished)
        self._relay.progress.connect(self.progress)
        self._relay.partial.connect(self._on_relay_partial)
        self._running: dict[str, _Request] = {}
        self._waiting: dict[str, _Request] = {}
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._running or self._waiting)

    def running(self, kind: str) -> bool:
        return kind in self._running or kind in self._waiting

    def submit(self, kind: str, key: Any, fn: Callable[..., Any], *args: Any,
               with_progress: bool = False) -> None:
        """Run ``fn(*args)`` (``fn(progress, *args)`` with ``with_progress``) for ``key``."""
        if self._closed:
            return
        was_busy = self.busy
        req = _Request(kind, key, fn, args, Progress(self._relay, kind) if with_progress
                       else None)
        if req.progress is not None:
            req.progress.request = req
        running = self._running.get(kind)
        if running is not None:
            if running.progress is not None:
                running.progress.cancel()      # a newer request: the old one may stop early
            self._waiting[kind] = req
        else:
            self._start(req)
        if not was_busy:
            self.busy_changed.emit(True)

    def cancel(self, kind: str) -> None:
        """Forget a waiting job of ``kind`` and ask a running one to stop; its result (if it
        still comes) is dropped."""
        self._waiting.pop(kind, None)
        running = self._running.get(kind)
        if running is not None:
            running.done = True                # mark: drop whatever it returns
            if running.progress is not None:
                running.progress.cancel()

    def _start(self, req: _Request) -> None:
        self._running[req.kind] = req
        self._pool.start(functools.partial(_run, req, self._relay),
                         PRIORITY.get(req.kind, 0))

    def _on_relay_partial(self, req: _Request, value: Any) -> None:
        if (not self._closed and self._running.get(req.kind) is req and not req.done
                and not (req.progress is not None and req.progress.cancelled)):
            self.partial.emit(req.kind, req.key, value)

    def _on_relay_finished(self, req: _Request, result: Any, error: str | None) -> None:
        if self._running.get(req.kind) is req:
            del self._running[req.kind]
        nxt = self._waiting.pop(req.kind, None)
        if nxt is not None and not self._closed:
            self._start(nxt)
        cancelled = req.done or (req.progress is not None and req.progress.cancelled)
        if not self._closed and not cancelled:
            if error is None:
                self.finished.emit(req.kind, req.key, result)
            else:
                self.failed.emit(req.kind, req.key, error)
        if not self.busy:
            self.busy_changed.emit(False)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Drop waiting jobs, ask running ones to stop, wait for them (before the window goes)."""
        self._closed = True
        self._waiting.clear()
        for req in self._running.values():
            req.done = True
            if req.progress is not None:
                req.progress.cancel()
        self._pool.waitForDone(timeout_ms)
