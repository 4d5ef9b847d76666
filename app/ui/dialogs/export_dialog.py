"""File → Export animation…: the options dialog and the export with a cancellable progress
dialog. The export is an ``ExportRun``: one frame per event-loop tick on the GUI thread
(OpenGL lives there), encoding on a writer thread — the window stays responsive. The dialog
remembers its folder, format and choices (QSettings "export_dialog/…"); a scene file's
export section wins over them."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from app.core.animation import AnimationSettings
from app.core.limits import MAX_FPS
from app.export.errors import ExportError, ExportResult, TargetExists
from app.export.writers import check_target, output_format
from app.ui.dialogs.fields import default_picture_path, fit_title, path_row, with_window_looks
from app.ui.render.export_cli import parse_size
from app.ui.render.export_run import ExportRun
from app.ui.settings import read_setting, remembered_folder, write_settings

SIZES = [("1280x720", "slides"), ("1920x1080", "full HD"), ("600x338", "newsletter"),
         ("800x600", "4:3"), ("1080x1080", "square"), ("1080x1920", "portrait, stories")]
# rough bytes per pixel per frame, measured on typical exports (for the estimate only)
BYTES_PER_PIXEL = {"gif": 0.035, "mp4": 0.012, "png": 0.45}
MEMORY = "export_dialog/"        # QSettings group of what the dialog remembers
NAMES = {"gif": "gradient-mountain.gif", "mp4": "gradient-mountain.mp4",
         "png": "gradient-mountain-frames"}


def remembered_path() -> str:
    """Where the last export went (its folder, a default name in its format); else an
    absolute path in Pictures (or home)."""
    kind = read_setting(MEMORY + "format", "gif")
    name = NAMES.get(kind, NAMES["gif"])
    folder = remembered_folder(MEMORY + "folder")
    return str(Path(folder) / name) if folder else default_picture_path(name)


def estimate_text(frames: int, fps: float, size: tuple[int, int], kind: str) -> str:
    """'12.0 s, about 2.1 MB' — how long the animation plays and how big it will be."""
    seconds = frames / fps
    size_mb = frames * size[0] * size[1] * BYTES_PER_PIXEL.get(kind, 0.05) / 1e6
    shown = f"{size_mb:.1f} MB" if size_mb >= 0.1 else f"{size_mb * 1000:.0f} KB"
    return f"{frames} frames, {seconds:.1f} s, about {shown}"


class ExportDialog(QDialog):
    """Collects an output path and AnimationSettings."""

    def __init__(self, parent: QWidget | None = None, *, path: str | None = None,
                 speed: float = 8.0, initial: AnimationSettings | None = None,
                 steps: int = 0) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        form = QFormLayout(self)
        self.steps = steps
        self.path, row = path_row(self, path or remembered_path(),
                                  tip="A .gif, an .mp4, or a folder name for PNG frames",
                                  title="Export animation",
                                  filters="GIF (*.gif);;MP4 video (*.mp4);;PNG frames (*)")
        form.addRow("Save to", row)
        self.size_box = QComboBox()
        self.size_box.setEditable(True)
        for size, use in SIZES:
            self.size_box.addItem(f"{size}  ({use})", size)
        self.size_box.setToolTip("Frame size in pixels (W×H), independent of the window: "
                                 "pick a use or type your own")
        form.addRow("Frame size", self.size_box)
        self.fps = QSpinBox()
        self.fps.setRange(1, int(MAX_FPS))
        self.fps.setValue(30)
        self.fps.setToolTip("Frames per second of the video")
        form.addRow("Frames/s", self.fps)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.1, 1000)
        self.speed.setValue(speed)
        self.speed.setToolTip("How many descent steps per second of video")
        form.addRow("Steps/s", self.speed)
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(0.5, 600)
        self.seconds.setValue(20)
        self.seconds.setToolTip("The longest the animation may be")
        form.addRow("At most (s)", self.seconds)
        self.orbit = QCheckBox("Orbit the camera slowly")
        self.overlay = QCheckBox("Caption: step, f, ‖∇f‖, rule and η")
        self.show_function = QCheckBox("Caption shows f, typeset")
        self.overlay.setChecked(True)
        form.addRow(self.orbit)
        form.addRow(self.overlay)
        form.addRow(self.show_function)
        self.estimate = QLabel()
        self.estimate.setToolTip("How long the animation plays and roughly how big the file is")
        form.addRow("Estimate", self.estimate)
        for signal in (self.size_box.currentTextChanged, self.fps.valueChanged,
                       self.speed.valueChanged, self.seconds.valueChanged,
                       self.path.textChanged):
            signal.connect(self._on_any_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._restore()
        if initial is not None:
            self.set_settings(initial)
        self._on_any_changed()
        fit_title(self)

    def _restore(self) -> None:
        """Show the choices of the last export (the defaults when none is remembered)."""
        size = read_setting(MEMORY + "size", "")
        with contextlib.suppress(ValueError):
            self._show_size("{}x{}".format(*parse_size(size)))
        self.fps.setValue(read_setting(MEMORY + "fps", self.fps.value()))
        self.seconds.setValue(read_setting(MEMORY + "seconds", self.seconds.value()))
        for key, box in (("orbit", self.orbit), ("overlay", self.overlay),
                         ("show_function", self.show_function)):
            box.setChecked(read_setting(MEMORY + key, box.isChecked()))

    def remember(self) -> None:
        """Store the folder, the format and the choices for the next dialog."""
        path = self.path.text().strip()
        values: dict[str, object] = {
            MEMORY + "fps": self.fps.value(), MEMORY + "seconds": self.seconds.value(),
            MEMORY + "orbit": self.orbit.isChecked(), MEMORY + "overlay": self.overlay.isChecked(),
            MEMORY + "show_function": self.show_function.isChecked()}
        with contextlib.suppress(ValueError):
            size = parse_size(self.size_text())
            values[MEMORY + "size"] = f"{size[0]}x{size[1]}"
        if path:
            target = os.path.abspath(os.path.expanduser(path))
            values[MEMORY + "folder"] = os.path.dirname(target.rstrip(os.sep))
            with contextlib.suppress(ExportError):
                values[MEMORY + "format"] = output_format(path)
        write_settings(values)

    def accept(self) -> None:  # Qt override
        self.remember()
        super().accept()

    def _show_size(self, text: str) -> None:
        index = self.size_box.findData(text)
        if index >= 0:
            self.size_box.setCurrentIndex(index)
        else:
            self.size_box.setCurrentText(text)

    def size_text(self) -> str:
        """The typed or chosen 'WxH' (a preset's use in brackets is ignored)."""
        return self.size_box.currentText().split("(")[0].strip()

    def _on_any_changed(self, *_args) -> None:
        try:
            s = self.settings()
        except ValueError as e:
            self.estimate.setText(str(e))
            return
        try:
            kind = output_format(self.path.text().strip() or "x.gif")
        except ExportError as e:
            self.estimate.setText(str(e))
            return
        try:
            n = s.frame_count(self.steps, s.fitted_speed(self.steps, s.speed or 8.0))
        except ValueError as e:            # e.g. more than MAX_FRAMES
            self.estimate.setText(str(e))
            return
        self.estimate.setText(estimate_text(n, s.fps, s.size, kind))

    def set_settings(self, s: AnimationSettings) -> None:
        """Show ``s`` (e.g. a scene file's export section)."""
        self._show_size(f"{s.size[0]}x{s.size[1]}")
        self.fps.setValue(round(s.fps))
        if s.speed is not None:
            self.speed.setValue(s.speed)
        if s.seconds is not None:
            self.seconds.setValue(s.seconds)
        self.orbit.setChecked(s.orbit)
        self.overlay.setChecked(s.overlay)
        self.show_function.setChecked(s.show_function)

    def settings(self) -> AnimationSettings:
        return AnimationSettings(size=parse_size(self.size_text()),
                                 fps=float(self.fps.value()), speed=self.speed.value(),
                                 seconds=self.seconds.value(), orbit=self.orbit.isChecked(),
                                 overlay=self.overlay.isChecked(),
                                 show_function=self.show_function.isChecked())


def run_export(window, scene, path: str, settings: AnimationSettings, *,
               force: bool = False) -> ExportRun:
    """Start an export with a cancellable progress dialog; the result shows in the status
    bar (or a message box for an error). Returns the run (its signals say how it ended)."""
    run = ExportRun(scene, settings, path, force=force, parent=window)
    progress = QProgressDialog("Rendering frames…", "Cancel", 0, 1, window)
    progress.setWindowTitle("Exporting")
    fit_title(progress)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.canceled.connect(run.cancel)
    def show_progress(n: int, total: int) -> None:
        progress.setMaximum(total)
        progress.setValue(n)

    run.progress.connect(show_progress)

    def ended() -> None:                  # the dialog and the run go (one leaked per export)
        progress.close()
        progress.deleteLater()
        run.deleteLater()

    def succeeded(result: ExportResult) -> None:
        ended()
        window.statusBar().showMessage(
            f"Exported {result.frames} frames to {result.path} in {result.seconds:.1f} s", 8000)

    def cancelled() -> None:
        ended()
        window.statusBar().showMessage("Export cancelled: nothing was written", 5000)

    def failed(message: str) -> None:
        ended()
        QMessageBox.warning(window, "Export failed", message)

    run.succeeded.connect(succeeded)
    run.cancelled.connect(cancelled)
    run.failed.connect(failed)
    progress.show()
    run.start()
    return run


def export_from_window(window) -> ExportRun | None:
    """The File → Export animation… action (with the window's camera)."""
    window.model.pause()
    window.view.flush_camera()
    initial = (AnimationSettings.from_export_dict(window.export_settings)
               if window.export_settings else None)
    steps = window.walks.end if window.walks is not None else 0
    dialog = ExportDialog(window, speed=window.model.scene.speed, initial=initial, steps=steps)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    path = dialog.path.text().strip()
    try:
        settings = with_window_looks(window, dialog.settings())
        window.export_settings = settings.to_export_dict()   # saved with the scene
        force = False
        try:
            check_target(path)
        except TargetExists:
            answer = QMessageBox.question(
                window, "Replace the file?",
                f"“{path}” already exists.\n\nDo you want to replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return None
            force = True
    except (ExportError, ValueError) as e:
        QMessageBox.warning(window, "Export failed", str(e))
        return None
    return run_export(window, window.model.scene, path, settings, force=force)
