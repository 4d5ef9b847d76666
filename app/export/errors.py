"""What an export returns or raises: ``ExportResult``, ``ExportError``, ``ExportCancelled``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ExportError(Exception):
    """An export that could not be done; the message is always one line, fit for ``error: …``."""

    def __init__(self, message: object) -> None:
        super().__init__(" ".join(str(message).split()))


class TargetExists(ExportError):
    """The target file or non-empty folder exists and ``force`` was not given."""


class ExportCancelled(ExportError):
    """The progress callback asked to stop; nothing was written."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A finished export: the file or folder written, how many frames, and the wall time."""

    path: Path
    frames: int
    seconds: float

    @property
    def fps(self) -> float:
        """Frames written per second of wall time (rendering included)."""
        return self.frames / self.seconds if self.seconds > 0 else float("inf")


def os_error_message(exc: OSError) -> str:
    """``[Errno 28] No space left on device: 'x'`` -> ``no space left on device``."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]
