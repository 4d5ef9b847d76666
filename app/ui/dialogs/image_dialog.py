"""File → Save image… (one picture of the final frame, with the window's camera, at N× the
pixels, optionally transparent) and Edit → Copy image (the 3D view as shown). The dialog
remembers its folder, size, scale and background (QSettings "image_dialog/…")."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from app.core.animation import AnimationSettings
from app.export.errors import ExportError, TargetExists
from app.ui.dialogs.fields import default_picture_path, fit_title, path_row, with_window_looks
from app.ui.render.export_cli import parse_size
from app.ui.render.still import check_still_target, render_still, save_png
from app.ui.settings import read_setting, remembered_folder, write_settings

MEMORY = "image_dialog/"      # QSettings group of what the dialog remembers
NAME = "gradient-mountain.png"


def remembered_path() -> str:
    """The folder of the last picture with a default name; else in Pictures (or home)."""
    folder = remembered_folder(MEMORY + "folder")
    return str(Path(folder) / NAME) if folder else default_picture_path(NAME)


class ImageDialog(QDialog):
    """Collects a .png path and the picture's settings."""

    def __init__(self, parent: QWidget | None = None, *, size: tuple[int, int] = (1280, 720),
                 path: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save image")
        form = QFormLayout(self)
        self.path, row = path_row(self, path or remembered_path(), tip="A .png file",
                                  title="Save image", filters="PNG image (*.png)",
                                  suffix=".png")
        form.addRow("Save to", row)
        self.size_box = QComboBox()
        self.size_box.setEditable(True)
        self.size_box.addItems([f"{size[0]}x{size[1]}", "1280x720", "1920x1080", "1080x1080"])
        self.size_box.setToolTip("The picture's size before scaling (the 3D view's size first)")
        form.addRow("Size", self.size_box)
        self.scale = QSpinBox()
        self.scale.setRange(1, 4)
        self.scale.setSuffix("×")
        self.scale.setToolTip("N× the pixels with the same layout: for slides and print")
        form.addRow("Scale", self.scale)
        self.transparent = QCheckBox("Transparent background")
        self.overlay = QCheckBox("Caption: step, f, ‖∇f‖, rule and η")
        self.overlay.setChecked(True)
        form.addRow(self.transparent)
        form.addRow(self.overlay)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._restore()
        fit_title(self)

    def _restore(self) -> None:
        """Show the choices of the last picture (the defaults when none is remembered)."""
        size = read_setting(MEMORY + "size", "")
        with contextlib.suppress(ValueError):
            self.size_box.setCurrentText("{}x{}".format(*parse_size(size)))
        self.scale.setValue(read_setting(MEMORY + "scale", self.scale.value()))
        for key, box in (("transparent", self.transparent), ("overlay", self.overlay)):
            box.setChecked(read_setting(MEMORY + key, box.isChecked()))

    def remember(self) -> None:
        """Store the folder and the choices for the next dialog."""
        values: dict[str, object] = {
            MEMORY + "scale": self.scale.value(),
            MEMORY + "transparent": self.transparent.isChecked(),
            MEMORY + "overlay": self.overlay.isChecked()}
        with contextlib.suppress(ValueError):
            size = parse_size(self.size_box.currentText())
            values[MEMORY + "size"] = f"{size[0]}x{size[1]}"
        path = self.path.text().strip()
        if path:
            values[MEMORY + "folder"] = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
        write_settings(values)

    def accept(self) -> None:  # Qt override
        self.remember()
        super().accept()

    def settings(self) -> AnimationSettings:
        return AnimationSettings(size=parse_size(self.size_box.currentText()),
                                 overlay=self.overlay.isChecked(), scale=self.scale.value(),
                                 transparent=self.transparent.isChecked())


def save_image(window, path: str, settings: AnimationSettings, *, force: bool = False) -> Path:
    """Render the window's scene (its camera included) and write the PNG."""
    window.view.flush_camera()
    rgba = render_still(window.model.scene, settings)
    return save_png(rgba, path, force=force)


def save_image_from_window(window) -> Path | None:
    """The File → Save image… action."""
    window.model.pause()
    view = window.view
    dialog = ImageDialog(window, size=(view.width(), view.height()))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    path = dialog.path.text().strip()
    try:
        settings = with_window_looks(window, dialog.settings())
        force = False
        try:
            check_still_target(path)
        except TargetExists:
            answer = QMessageBox.question(window, "Replace the file?",
                                          f"{path} exists.\n\nReplace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return None
            force = True
        target = save_image(window, path, dataclasses.replace(settings), force=force)
    except (ExportError, ValueError, RuntimeError) as e:
        QMessageBox.warning(window, "Could not save the image", str(e))
        return None
    window.statusBar().showMessage(f"Saved {target}", 8000)
    return target


def copy_image(window) -> None:
    """The Edit → Copy image action: the 3D view as shown, onto the clipboard."""
    QGuiApplication.clipboard().setImage(window.view.grabFramebuffer())
    window.statusBar().showMessage("Copied the picture to the clipboard", 4000)
