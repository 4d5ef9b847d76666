"""Undo and redo of scene edits: a list of immutable scenes and a cursor.

Scenes are frozen values, so the history keeps them whole (no inverse commands to get wrong).
Edits of the same kind in quick succession (typing in the expression box, dragging a slider,
spinning η) merge into one entry, so one Ctrl+Z undoes one gesture, not one keystroke.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
MERGE_SECONDS = 1.5     # edits of one kind closer than this in time are one gesture
LIMIT = 200             # entries kept; the oldest go first


@dataclass
class _Entry(Generic[T]):
    value: T
    kind: str
    at: float


class History(Generic[T]):
    """``record(value, kind)`` after every accepted edit; ``undo()``/``redo()`` give the value
    to go back to (None when there is none). The first value is the one the history starts
    from; a new edit after an undo drops what could have been redone."""

    def __init__(self, first: T, *, clock: Callable[[], float] = time.monotonic,
                 limit: int = LIMIT) -> None:
        self._clock = clock
        self._limit = limit
        self._entries: list[_Entry[T]] = [_Entry(first, "", -1e300)]
        self._at = 0

    @property
    def current(self) -> T:
        return self._entries[self._at].value

    @property
    def can_undo(self) -> bool:
        return self._at > 0

    @property
    def can_redo(self) -> bool:
        return self._at < len(self._entries) - 1

    def reset(self, value: T) -> None:
        """Forget everything (a new scene was opened): ``value`` is the only entry."""
        self._entries = [_Entry(value, "", -1e300)]
        self._at = 0

    def record(self, value: T, kind: str = "") -> None:
        """``value`` is the new current value; merged into the last entry when it is an edit
        of the same ``kind`` (non-empty) made within ``MERGE_SECONDS`` of it."""
        if value == self.current:
            return
        now = self._clock()
        del self._entries[self._at + 1:]
        last = self._entries[self._at]
        if kind and last.kind == kind and now - last.at < MERGE_SECONDS and self._at > 0:
            last.value, last.at = value, now
            return
        self._entries.append(_Entry(value, kind, now))
        if len(self._entries) > self._limit:
            del self._entries[0]
        self._at = len(self._entries) - 1

    def undo(self) -> T | None:
        if not self.can_undo:
            return None
        self._at -= 1
        self._entries[self._at].at = -1e300     # what follows never merges into it
        return self.current

    def redo(self) -> T | None:
        if not self.can_redo:
            return None
        self._at += 1
        self._entries[self._at].at = -1e300
        return self.current
