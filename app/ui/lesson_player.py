"""Lesson → Open…: play a lesson in the window, one step at a time.

``add_lesson_menu(window)`` makes the "&Lesson" menu (Open…, the built-in lessons, Next step
PageDown, Previous step PageUp, Close lesson) and the ``LessonPlayer`` behind it, and puts the
lesson banner above the picture. Each step replaces the window's scene (``model.set_scene``:
its function, walkers and camera) and shows the step's narration and "Try this" prompt in the
banner; the keys also work in presentation mode (F11), where the banner's type doubles.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from app.core.lesson import (
    Lesson,
    LessonFileError,
    builtin_lessons,
    lesson_title,
    load_lesson,
)
from app.ui.dialogs.fields import ask_path
from app.ui.lesson_banner import LessonBanner, install_banner
from app.ui.settings import remembered_folder, write_settings
from app.ui.views.theme import theme

FOLDER_KEY = "lesson_folder"
FILTERS = "Gradient Mountain lesson (*.json);;All files (*)"


class LessonPlayer(QObject):
    """The open lesson (if any) and its step; ``window`` needs ``model`` (a SceneModel) and
    may have ``presentation`` (its ``on`` doubles the banner's type)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("lesson_player")
        self.window: Any = window
        self.lesson: Lesson | None = None
        self.path: Path | None = None
        self.index = 0
        self.banner = LessonBanner()
        install_banner(window, self.banner)
        self.menu = QMenu("&Lesson", window)
        self.open_action = self._action("&Open…", "", "Open a lesson file (.json)",
                                        self.open_dialog)
        self.builtin_menu = self.menu.addMenu("&Built-in lessons")
        for path in builtin_lessons():
            self._add_builtin(path)
        self.menu.addSeparator()
        self.next_action = self._action("&Next step", Qt.Key.Key_PageDown,
                                        "The lesson's next step (PageDown)", self.next)
        self.previous_action = self._action("&Previous step",
                                            Qt.Key.Key_PageUp,
                                            "The lesson's previous step (PageUp)",
                                            self.previous)
        self.close_action = self._action("&Close lesson", "", "Close the lesson; the scene "
                                         "stays as it is", self.close)
        self._connect_signals()
        self._update_actions()
        window.installEventFilter(self)

    def _action(self, text: str, key, tip: str, slot) -> QAction:
        a = QAction(text, self.window)
        a.setShortcut(QKeySequence(key))
        a.setStatusTip(tip)
        a.setToolTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(a)
        self.window.addAction(a)      # the keys work with the menu bar hidden (presentation)
        return a

    def _add_builtin(self, path: Path) -> None:
        try:
            title = lesson_title(path)           # the steps are checked when it is opened
        except LessonFileError:
            return
        a = self.builtin_menu.addAction(title)
        a.setStatusTip(f"Open the lesson “{title}”")
        a.triggered.connect(lambda _checked=False, p=path: self._open_interactively(p))

    def _connect_signals(self) -> None:
        self.banner.previous_clicked.connect(self.previous)
        self.banner.next_clicked.connect(self.next)
        self.banner.close_clicked.connect(self.close)
        self.window.model.scene_changed.connect(self._on_model_scene_changed)

    def _on_model_scene_changed(self, scene) -> None:
        self.banner.set_theme(theme(scene.theme))     # View → Light theme too

    # ---- opening --------------------------------------------------------------------------
    def open_dialog(self) -> None:
        """Ask for a lesson file and open it (a message box if it cannot be used)."""
        lessons = builtin_lessons()
        start = remembered_folder(FOLDER_KEY) or (str(lessons[0].parent) if lessons
                                                  else str(Path.home()))
        path = ask_path(self.window, "Open lesson", start, FILTERS, save=False)
        if path:
            self._open_interactively(Path(path))

    def _open_interactively(self, path: Path) -> None:
        try:
            self.load(path)
        except LessonFileError as e:
            QMessageBox.warning(self.window, "Could not open the lesson", str(e))
            return
        if path.parent not in {p.parent for p in builtin_lessons()}:
            write_settings({FOLDER_KEY: os.path.dirname(os.path.abspath(path))})

    def load(self, path: str | os.PathLike[str]) -> Lesson:
        """Open the lesson at ``path`` at its first step; LessonFileError (one line) if it
        cannot be used, and then the lesson open before stays open."""
        lesson = load_lesson(path)
        self.lesson, self.path = lesson, Path(path)
        self.go(0)
        self.window.statusBar().showMessage(f"Lesson: {lesson.title} ({len(lesson)} steps)",
                                            5000)
        return lesson

    # ---- moving ---------------------------------------------------------------------------
    def go(self, index: int) -> None:
        """Show step ``index`` (clamped to the lesson): its scene, narration and prompt."""
        if self.lesson is None:
            return
        self.index = max(0, min(index, len(self.lesson) - 1))
        step = self.lesson.steps[self.index]
        self.window.model.pause()
        self.window.model.set_scene(step.scene)
        self.banner.show_step(self.lesson.title, self.index, len(self.lesson), step.narration,
                              step.try_this)
        self.banner.set_theme(theme(step.scene.theme))
        self.banner.show()
        self._restyle()
        self._update_actions()

    def next(self) -> None:
        """The next step (nothing after the last)."""
        if self.lesson is not None and self.index < len(self.lesson) - 1:
            self.go(self.index + 1)

    def previous(self) -> None:
        """The previous step (nothing before the first)."""
        if self.lesson is not None and self.index > 0:
            self.go(self.index - 1)

    def close(self) -> None:
        """Close the lesson: the banner goes, the scene stays."""
        self.lesson, self.path, self.index = None, None, 0
        self.banner.hide()
        self._update_actions()

    @property
    def step(self):
        """The step shown (a LessonStep), or None."""
        return None if self.lesson is None else self.lesson.steps[self.index]

    def _update_actions(self) -> None:
        have = self.lesson is not None
        self.next_action.setEnabled(have and self.index < len(self.lesson or ()) - 1)
        self.previous_action.setEnabled(have and self.index > 0)
        self.close_action.setEnabled(have)

    # ---- presentation mode ----------------------------------------------------------------
    def _restyle(self) -> None:
        from app.ui.presentation import SCALE

        presentation = getattr(self.window, "presentation", None)
        self.banner.set_scale(SCALE if getattr(presentation, "on", False) else 1.0)

    def eventFilter(self, obj, event) -> bool:  # Qt override
        if obj is self.window and event.type() == QEvent.Type.WindowStateChange:
            self._restyle()      # presentation mode goes full screen, and back
        return False


def lesson_player(window: QMainWindow) -> LessonPlayer | None:
    """The window's lesson player, if ``add_lesson_menu`` made one."""
    return window.findChild(LessonPlayer, "lesson_player")


def add_lesson_menu(window: QMainWindow) -> QMenu:
    """The "&Lesson" menu with its player, in the menu bar before Help (once: a second call
    returns the same menu). Call it while building the window, before it is shown."""
    player = lesson_player(window)
    if player is None:
        player = LessonPlayer(window)
        bar = window.menuBar()
        help_menu = getattr(window, "help_menu", None)
        if isinstance(help_menu, QMenu):
            bar.insertMenu(help_menu.menuAction(), player.menu)
        else:
            bar.addMenu(player.menu)
    return player.menu
