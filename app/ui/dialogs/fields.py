"""Pieces the dialogs share: where files go by default, a path field with its Browse…
button, a file dialog that starts in a remembered folder, and a width that shows the title."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

TITLE_MARGIN = 120   # pixels of a title bar that are not the title: icon and buttons


def pictures_folder() -> Path:
    """The user's Pictures folder if it exists, else the home folder (absolute)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return base.absolute()


def with_window_looks(window, settings):
    """What the window shows beyond the scene goes into its exports too (the step arrows)."""
    action = getattr(window, "step_parts_action", None)
    on = action is not None and action.isChecked()
    return dataclasses.replace(settings, step_parts=on)


def default_picture_path(name: str = "gradient-mountain.png") -> str:
    """An absolute path in the user's Pictures folder (else home)."""
    return str(pictures_folder() / name)


def shown_title(title: str) -> str:
    """The title as a title bar shows it: Qt appends " — <application name>" on Linux."""
    app = QApplication.instance()
    name = QApplication.applicationDisplayName() if app is not None else ""
    if not name or title.endswith(name):
        return title or name
    return f"{title} — {name}" if title else name


def fit_title(dialog: QWidget, margin: int = TITLE_MARGIN) -> int:
    """Make ``dialog`` at least wide enough to show its whole title; returns that width."""
    width = dialog.fontMetrics().horizontalAdvance(shown_title(dialog.windowTitle())) + margin
    dialog.setMinimumWidth(max(dialog.minimumWidth(), width))
    label = dialog.findChild(QLabel) if isinstance(dialog, QInputDialog) else None
    if label is not None:   # its layout sets the dialog's minimum size from the contents
        label.setMinimumWidth(width - 2 * dialog.style().pixelMetric(
            dialog.style().PixelMetric.PM_LayoutLeftMargin))
    return width


def ask_path(parent: QWidget | None, title: str, start: str, filters: str, *,
             save: bool) -> str:
    """A file dialog (save: any name; else an existing file) starting at ``start`` (a folder
    or a file to preselect); the chosen path, or "" when cancelled."""
    dialog = QFileDialog(parent, title, start, filters)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    fit_title(dialog)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return ""
        return dialog.selectedFiles()[0]
    finally:
        dialog.deleteLater()


def path_row(parent: QWidget, path: str, *, tip: str, title: str, filters: str,
             suffix: str | None = None) -> tuple[QLineEdit, QWidget]:
    """A line edit holding ``path`` and a Browse… button that asks where to save (adding
    ``suffix`` when the chosen name lacks it): (the edit, the row to put in a form)."""
    edit = QLineEdit(path)
    edit.setToolTip(tip)
    browse = QPushButton("Browse…")

    def on_browse_clicked() -> None:
        chosen = ask_path(parent, title, edit.text(), filters, save=True)
        if chosen:
            if suffix and not chosen.lower().endswith(suffix):
                chosen += suffix
            edit.setText(chosen)

    browse.clicked.connect(on_browse_clicked)
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    lay.addWidget(browse)
    return edit, row
