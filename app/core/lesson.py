"""Lessons: a short sequence of scenes, each with the words a lecturer reads aloud.

On disk (UTF-8 JSON, at most 2 MB)::

    {"format": "gradient-mountain-lesson", "version": 1, "title": "The slope",
     "steps": [{"scene": {…exactly a scene file's "scene" object, camera included…},
                "narration": "The slope tells you which way is down.",
                "try": "Drag the start to the other side."},          ← optional
               …]}

Validated as strictly as scene files: each step's scene goes through the scene file's own
checks (``dict_to_scene``: the expression is parsed by the safe parser, never evaluated),
unknown keys are refused, and every message is one line that says where the problem is
("lesson file: step 3: 'narration' must be text, not a number"). ``generator`` may name the
program that wrote the file. Narration and prompts are plain text (their runs of white space
become single spaces); a window shows them as text, never as markup.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import __version__
from app.core import scene_file
from app.core.presets import resource_path
from app.core.scene import Scene
from app.core.scene_json import (
    FileError,
    kind,
    need,
    no_unknown,
    parse_document,
    read_document,
)

FORMAT = "gradient-mountain-lesson"
VERSION = 1
MAX_BYTES = 2_000_000
MAX_STEPS = 50
MAX_TITLE = 120          # characters
MAX_NARRATION = 600
MAX_TRY = 300
_TOP_KEYS = {"format", "version", "generator", "title", "steps"}
_STEP_KEYS = {"scene", "narration", "try"}


class LessonFileError(FileError):
    """A lesson file that cannot be used; the message is one line naming the problem."""

    PREFIX = "lesson file: "


@dataclass(frozen=True, slots=True)
class LessonStep:
    """One step: the scene to show, the words to say, and what to try (or None)."""

    scene: Scene
    narration: str
    try_this: str | None = None


@dataclass(frozen=True, slots=True)
class Lesson:
    """A titled sequence of steps (at least one)."""

    title: str
    steps: tuple[LessonStep, ...]

    def __len__(self) -> int:
        return len(self.steps)


# --- reading ---------------------------------------------------------------------------------

def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and validate a lesson file (never more than 2 MB of it); LessonFileError if not
    usable."""
    return parse_lesson(read_document(path, MAX_BYTES, LessonFileError))


def parse_lesson(data: bytes | str) -> Lesson:
    """Validate a lesson document given as bytes or text (see ``load_lesson``)."""
    return dict_to_lesson(parse_document(data, MAX_BYTES, LessonFileError, "lesson"))


def dict_to_lesson(doc: Any) -> Lesson:
    """Validate a parsed document -> Lesson. Pure: ``doc`` is not modified."""
    try:
        return _dict_to_lesson(doc)
    except LessonFileError:
        raise
    except ValueError as exc:
        raise LessonFileError(str(exc)) from None


def _dict_to_lesson(doc: Any) -> Lesson:
    if not isinstance(doc, dict):
        raise ValueError(f"expected a JSON object at the top, not {kind(doc)}")
    if doc.get("format") != FORMAT:
        tag = doc.get("format")
        hint = " (that is a scene: open it with File → Open scene…)" \
            if tag == scene_file.FORMAT else ""
        raise ValueError(f"not a Gradient Mountain lesson (format tag {str(tag)[:60]!r}){hint}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"unsupported version {str(version)[:20]!r}")
    if version > VERSION:
        raise ValueError(f"version {version} is newer than this program reads ({VERSION}); "
                         "update Gradient Mountain")
    no_unknown(doc, _TOP_KEYS, "at the top")
    if "generator" in doc:
        _text(doc["generator"], "'generator'", 200)
    title = _text(need(doc, "title", object, "at the top"), "'title'", MAX_TITLE)
    steps = need(doc, "steps", list, "at the top")
    if not steps:
        raise ValueError("'steps' must list at least one step")
    if len(steps) > MAX_STEPS:
        raise ValueError(f"at most {MAX_STEPS} steps")
    return Lesson(title, tuple(_step(s, n) for n, s in enumerate(steps, start=1)))


def _step(s: Any, n: int) -> LessonStep:
    where = f"step {n}"
    if not isinstance(s, dict):
        raise ValueError(f"{where} must be an object, not {kind(s)}")
    try:
        no_unknown(s, _STEP_KEYS, "")
        body = need(s, "scene", dict, "")
        narration = _text(need(s, "narration", object, ""), "'narration'", MAX_NARRATION)
        prompt = s.get("try")
        try_this = None if prompt is None else _text(prompt, "'try'", MAX_TRY)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    wrapped = {"format": scene_file.FORMAT, "version": scene_file.VERSION, "scene": body}
    try:
        scene = scene_file.dict_to_scene(wrapped).scene
    except scene_file.SceneFileError as exc:
        message = str(exc).removeprefix("scene file: ")
        raise ValueError(f"{where}: scene: {message}") from None
    return LessonStep(scene, narration, try_this)


def _text(value: Any, name: str, limit: int) -> str:
    """``value`` as one line of plain text: a non-empty string of at most ``limit`` characters,
    no control characters; runs of white space become one space."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, not {kind(value)}")
    text = " ".join(value.split())
    if not text:
        raise ValueError(f"{name} must not be empty")
    if len(text) > limit:
        raise ValueError(f"{name} is too long ({len(text)} characters; at most {limit})")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise ValueError(f"{name} contains a control character")
    return text


# --- writing ---------------------------------------------------------------------------------

def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    """The JSON document for ``lesson`` (every scene in full, as a scene file writes it)."""
    steps = []
    for step in lesson.steps:
        out: dict[str, Any] = {"scene": scene_file.scene_to_dict(step.scene)["scene"],
                               "narration": step.narration}
        if step.try_this is not None:
            out["try"] = step.try_this
        steps.append(out)
    return {"format": FORMAT, "version": VERSION, "generator": f"gradient-mountain {__version__}",
            "title": lesson.title, "steps": steps}


# --- the lessons that come with the program --------------------------------------------------

def builtin_lessons() -> list[Path]:
    """The shipped lesson files (resources/lessons/*.json), in their teaching order."""
    folder = resource_path("lessons")
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def lesson_title(path: str | os.PathLike[str]) -> str:
    """A lesson file's title, read without checking its steps (for menus: compiling every
    step's function took ~0.15 s of the window's start); LessonFileError if there is none."""
    doc = parse_document(read_document(path, MAX_BYTES, LessonFileError), MAX_BYTES,
                         LessonFileError, "lesson")
    try:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("not a Gradient Mountain lesson")
        return _text(need(doc, "title", object, "at the top"), "'title'", MAX_TITLE)
    except LessonFileError:
        raise
    except ValueError as exc:
        raise LessonFileError(str(exc)) from None
