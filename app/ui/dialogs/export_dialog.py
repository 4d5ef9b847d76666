"""File → Export animation…: the options dialog and the export with a cancellable progress
dialog. The export is an ``ExportRun``: one frame per event-loop tick on the GUI thread
(OpenGL lives there), encoding on a writer thread — the window stays responsive."""

from __future__ import annotations

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
from app.export.errors import ExportError, ExportResult, TargetExists
from app.export.writers import check_target
from app.ui.dialogs.fields import default_picture_path, path_row
from app.ui.render.export_cli import parse_size
from app.ui.render.export_run import ExportRun

SIZES = [("1280x720", "slides"), ("1920x1080", "full HD"), ("600x338", "newsletter"),
         ("800x600", "4:3"), ("1080x1080", "square"), ("1080x1920", "portrait, stories")]
# rough bytes per pixel per frame, measured on typical exports (for the estimate only)
BYTES_PER_PIXEL = {"gif": 0.035, "mp4": 0.012, "png": 0.45}


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
        self.path, row = path_row(self, path or default_picture_path("gradient-mountain.gif"),
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
        self.fps.setRange(1, 120)
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
        if initial is not None:
            self.set_settings(initial)
        self._on_any_changed()

    def size_text(self) -> str:
        """The typed or chosen 'WxH' (a preset's use in brackets is ignored)."""
        return self.size_box.currentText().split("(")[0].strip()

    def _on_any_changed(self, *_args) -> None:
        try:
            s = self.settings()
        except ValueError as e:
            self.estimate.setText(str(e))
            return
        from app.export.writers import output_format

        try:
            kind = output_format(self.path.text().strip() or "x.gif")
        except ExportError as e:
            self.estimate.setText(str(e))
            return
        n = s.frame_count(self.steps, s.fitted_speed(self.steps, s.speed or 8.0))
        self.estimate.setText(estimate_text(n, s.fps, s.size, kind))

    def set_settings(self, s: AnimationSettings) -> None:
        """Show ``s`` (e.g. a scene file's export section)."""
        text = f"{s.size[0]}x{s.size[1]}"
        index = self.size_box.findData(text)
        if index >= 0:
            self.size_box.setCurrentIndex(index)
        else:
            self.size_box.setCurrentText(text)
        self.fps.setValue(round(s.fps))
        if s.speed is not None:
            self.speed.setValue(s.speed)
        if s.seconds is not None:
            self.seconds.setValue(s.seconds)
        self.orbit.setChecked(s.orbit)
        self.overlay.setChecked(s.overlay)

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
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.canceled.connect(run.cancel)
    def show_progress(n: int, total: int) -> None:
        progress.setMaximum(total)
        progress.setValue(n)

    run.progress.connect(show_progress)

    def succeeded(result: ExportResult) -> None:
        progress.close()
        window.statusBar().showMessage(
            f"Exported {result.frames} frames to {result.path} in {result.seconds:.1f} s", 8000)

    def cancelled() -> None:
        progress.close()
        window.statusBar().showMessage("Export cancelled: nothing was written", 5000)

    def failed(message: str) -> None:
        progress.close()
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
        settings = dialog.settings()
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
