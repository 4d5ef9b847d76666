"""Strict JSON for scene files: parse untrusted bytes safely, check open objects, print nicely.

Errors are ``ValueError`` with a one-line message (``scene_file`` adds its prefix).
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any

MAX_LIST = 64          # items in a list inside 'camera' or 'export'
MAX_TEXT = 4096        # characters in a string there
_SCALARS = (bool, int, float, str, type(None))
EXPORT_CHECKS = {      # known export settings: (test, what it must be)
    "size": (lambda v: isinstance(v, list) and len(v) == 2
             and all(is_int(n) and 16 <= n <= 8192 for n in v), "[width, height] in 16…8192"),
    "fps": (lambda v: _is_num(v) and 0 < v <= 1000, "a number in (0, 1000]"),
    "frames": (lambda v: is_int(v) and v >= 1, "a whole number ≥ 1"),
    "seconds": (lambda v: _is_num(v) and v > 0, "a positive number"),
    "speed": (lambda v: _is_num(v) and v > 0, "a positive number"),
    "orbit": (lambda v: isinstance(v, bool), "true or false"),
    "overlay": (lambda v: isinstance(v, bool), "true or false"),
    "show_function": (lambda v: isinstance(v, bool), "true or false"),
}


class _Refused(ValueError):
    """Raised from inside the JSON parser's hooks."""


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):           # 1e999 parses to inf without this
        raise _Refused(f"number {text[:20]} is out of range")
    return value


def _reject_constant(name: str) -> None:
    raise _Refused(f"{name} is not allowed: numbers must be finite")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"duplicate key {key[:60]!r}")
        out[key] = value
    return out


class FileError(ValueError):
    """A file that cannot be used; the message is one line, after ``PREFIX``."""

    PREFIX = "file: "

    def __init__(self, message: str) -> None:
        super().__init__(self.PREFIX + " ".join(message.split()))


def parse_finite(text: str, not_number: str, not_finite: str) -> float:
    """``float(text)`` for untrusted text; ValueError(``not_number``) when it is not a
    number, ValueError(``not_finite``) when it is inf or nan."""
    try:
        v = float(text)
    except ValueError:
        raise ValueError(not_number) from None
    if not math.isfinite(v):
        raise ValueError(not_finite)
    return v


def read_document(path: str | os.PathLike[str], max_bytes: int,
                  error: type[Exception]) -> bytes:
    """The bytes of a scene or lesson file, never more than ``max_bytes`` + 1 of them (the
    caller says "too large"); ``error`` with one line if it cannot be read."""
    p = Path(path).expanduser()
    try:
        # O_NONBLOCK: opening a FIFO (or a symlink to one) never waits for a writer; what is
        # not a regular file is refused before a byte is read (a FIFO, a device or a
        # directory would hang or never end)
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(f"cannot read {p}: {(exc.strerror or str(exc)).lower()}") from exc
    try:
        what = _special_kind(os.fstat(fd).st_mode)
        if what:
            raise error(f"{p} is not a regular file ({what})")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as f:
            fd = -1
            return f.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"cannot read {p}: {(exc.strerror or str(exc)).lower()}") from exc
    finally:
        if fd >= 0:
            os.close(fd)


def _special_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words ("" for a regular file)."""
    for test, words in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                        (stat.S_ISDIR, "a directory")):
        if test(mode):
            return words
    return "" if stat.S_ISREG(mode) else "not a regular file"


def parse_document(data: bytes | str, max_bytes: int, error: type[Exception],
                   kind: str) -> Any:
    """A scene or lesson document (``kind``) as parsed JSON: refused with ``error`` (one line)
    when larger than ``max_bytes`` or not JSON we accept (see ``parse_json``)."""
    if len(data) > max_bytes:
        raise error(f"larger than {max_bytes // 1_000_000} MB: not a {kind} file")
    try:
        return parse_json(data)
    except ValueError as exc:
        raise error(str(exc).replace("to be a scene", f"to be a {kind}")) from None


def parse_json(data: bytes | str) -> Any:
    """Parse untrusted JSON: UTF-8 only, no NaN/Infinity, no duplicate keys, depth-safe."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    if "\x00" in data:
        raise ValueError("not a text file (it contains NUL bytes)")
    if not data.strip():
        raise ValueError("the file is empty")
    try:
        return json.loads(data, parse_float=_finite_float, parse_constant=_reject_constant,
                          object_pairs_hook=_unique_keys)
    except RecursionError:
        raise ValueError("nested too deeply to be a scene") from None
    except json.JSONDecodeError as exc:
        end = len(data.rstrip())
        if exc.pos >= end or exc.msg.startswith("Unterminated string"):
            raise ValueError(f"truncated: the JSON stops early (line {exc.lineno})") from None
        raise ValueError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                         ) from None
    except _Refused as exc:
        raise ValueError(str(exc)) from None
    except ValueError:                     # e.g. an integer with thousands of digits
        raise ValueError("a number in the file is too long") from None


def check_open_dict(value: Any, name: str) -> dict[str, Any] | None:
    """``camera`` / ``export``: an object of finite numbers, booleans, short strings, null, or
    short flat lists of those (known export settings are also type-checked). A new copy."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"'{name}' must be an object")
    out: dict[str, Any] = {}
    for key, v in value.items():
        where = f"'{name}.{key[:60]}'"
        items = v if isinstance(v, list) else [v]
        if len(items) > MAX_LIST:
            raise ValueError(f"{where} is too long a list")
        for x in items:
            if not isinstance(x, _SCALARS):
                raise ValueError(f"{where} must be a number, true/false, a string, null "
                                 "or a flat list of those")
            if isinstance(x, float) and not math.isfinite(x):
                raise ValueError(f"{where} must be a finite number")
            if isinstance(x, str) and len(x) > MAX_TEXT:
                raise ValueError(f"{where} is too long a string")
        if name == "export" and key in EXPORT_CHECKS and not EXPORT_CHECKS[key][0](v):
            raise ValueError(f"{where} must be {EXPORT_CHECKS[key][1]}")
        out[key] = list(v) if isinstance(v, list) else v
    return out


def dumps_pretty(value: Any, indent: int = 0) -> str:
    """Indented JSON; short lists of numbers stay on one line (``"start": [1.6, 1.2]``)."""
    def dump(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, allow_nan=False)

    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, list) and all(isinstance(v, _SCALARS) or (isinstance(v, list) and all(
            isinstance(x, _SCALARS) for x in v)) for v in value) and len(dump(value)) <= 60:
        return dump(value)
    if isinstance(value, dict) and value:
        rows = [f"{inner}{dump(k)}: {dumps_pretty(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(rows) + "\n" + pad + "}"
    if isinstance(value, list) and value:
        rows = [inner + dumps_pretty(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(rows) + "\n" + pad + "]"
    return dump(value)


# --- checks for hand-written validators (plain ValueError, one line) --------------------------

def is_int(v: Any) -> bool:
    """A JSON whole number (``true`` is an int in Python; not here)."""
    return isinstance(v, int) and not isinstance(v, bool)


def number(v: Any, key: str) -> float:
    """``v`` as a float if it is a finite JSON number (not a bool, not a string)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"'{key}' must be a number, not {kind(v)}")
    if not math.isfinite(float(v)):
        raise ValueError(f"'{key}' must be a finite number")
    return float(v)


def need(d: dict, key: str, typ: type, where: str) -> Any:
    """``d[key]``, which must exist and (unless ``typ`` is object) be of type ``typ``."""
    if key not in d:
        raise ValueError(f"missing '{key}' {where}")
    value = d[key]
    if typ is not object and not isinstance(value, typ):
        names: dict[type, str] = {str: "a string", list: "a list", dict: "an object"}
        raise ValueError(f"'{key}' must be {names[typ]}, not {kind(value)}")
    return value


def no_unknown(d: dict, known: set[str], where: str) -> None:
    unknown = sorted(set(d) - known)
    if unknown:
        raise ValueError(f"unknown key {unknown[0][:60]!r} {where}")


def kind(v: Any) -> str:
    """How a JSON value is named in messages: 'a string', 'true', 'null', …"""
    if isinstance(v, bool):
        return "true" if v else "false"
    names = {str: "a string", list: "a list", dict: "an object", type(None): "null",
             int: "a number", float: "a number"}
    return names.get(type(v), type(v).__name__)
