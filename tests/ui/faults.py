"""Record what a window test must never see: an exception raised in a Qt slot (Qt hands it
to ``sys.excepthook``) and a Qt warning, critical or fatal message."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

BAD = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)


@dataclass
class Faults:
    exceptions: list[str] = field(default_factory=list)   # formatted tracebacks
    warnings: list[str] = field(default_factory=list)     # Qt messages

    def __bool__(self) -> bool:
        return bool(self.exceptions or self.warnings)

    def report(self) -> str:
        return "\n".join([f"{len(self.exceptions)} exception(s), "
                          f"{len(self.warnings)} Qt warning(s)",
                          *self.exceptions[:5], *self.warnings[:10]])


@contextmanager
def recording_faults() -> Iterator[Faults]:
    """Inside the block every slot exception and Qt warning is recorded (and still passed
    to the hooks that were there: pytest-qt sees them too)."""
    faults = Faults()
    old_hook = sys.excepthook

    def hook(kind, value, tb) -> None:
        faults.exceptions.append("".join(traceback.format_exception(kind, value, tb)))
        old_hook(kind, value, tb)

    def handler(kind, context, message) -> None:
        if kind in BAD:
            faults.warnings.append(f"{kind.name}: {message}")
        if old_handler is not None:
            old_handler(kind, context, message)

    sys.excepthook = hook
    old_handler = qInstallMessageHandler(handler)
    try:
        yield faults
    finally:
        sys.excepthook = old_hook
        qInstallMessageHandler(old_handler)
