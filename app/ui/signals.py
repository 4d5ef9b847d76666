"""One way to connect a view to the model: a list of (signal, slot) pairs wired or unwired
together, so connecting and disconnecting can never drift apart."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def wire(pairs: Iterable[tuple[Any, Any]], connect: bool = True) -> None:
    """Connect (or, with ``connect=False``, disconnect) every ``signal → slot`` pair."""
    for signal, slot in pairs:
        (signal.connect if connect else signal.disconnect)(slot)
