"""Pieces the save dialogs share: where files go by default, and a path field with its
Browse… button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget


def default_picture_path(name: str = "gradient-mountain.png") -> str:
    """An absolute path in the user's Pictures folder (else home)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return str(base / name)


def path_row(parent: QWidget, path: str, *, tip: str, title: str, filters: str,
             suffix: str | None = None) -> tuple[QLineEdit, QWidget]:
    """A line edit holding ``path`` and a Browse… button that asks where to save (adding
    ``suffix`` when the chosen name lacks it): (the edit, the row to put in a form)."""
    edit = QLineEdit(path)
    edit.setToolTip(tip)
    browse = QPushButton("Browse…")

    def on_browse_clicked() -> None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, edit.text(), filters)
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
