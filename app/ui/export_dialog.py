"""File → Export animation…: the options dialog and the export with a cancellable progress
dialog. Rendering runs on the GUI thread (OpenGL lives there) with events processed between
frames; encoding runs on the writers' background thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.export.errors import ExportCancelled, ExportError, ExportResult, TargetExists
from app.export.writers import check_target, export_frames
from app.ui.frames import AnimationSettings, render_animation, total_frames

SIZES = ["1280x720", "1920x1080", "800x600", "640x360", "1080x1080"]


class ExportDialog(QDialog):
    """Collects an output path and AnimationSettings."""

    def __init__(self, parent: QWidget | None = None, *, path: str = "gradient-mountain.gif",
                 speed: float = 8.0) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        form = QFormLayout(self)
        self.path = QLineEdit(path)
        self.path.setToolTip("A .gif, an .mp4, or a folder name for PNG frames")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Save to", row)
        self.size = QComboBox()
        self.size.setEditable(True)
        self.size.addItems(SIZES)
        self.size.setToolTip("Frame size in pixels, independent of the window")
        form.addRow("Frame size", self.size)
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
        self.overlay.setChecked(True)
        form.addRow(self.orbit)
        form.addRow(self.overlay)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export animation", self.path.text(),
                                              "GIF (*.gif);;MP4 video (*.mp4);;PNG frames (*)")
        if path:
            self.path.setText(path)

    def settings(self) -> AnimationSettings:
        from app.ui.export_cli import parse_size

        return AnimationSettings(size=parse_size(self.size.currentText()),
                                 fps=float(self.fps.value()), speed=self.speed.value(),
                                 seconds=self.seconds.value(), orbit=self.orbit.isChecked(),
                                 overlay=self.overlay.isChecked())


def run_export(parent: QWidget | None, scene, path: str, settings: AnimationSettings, *,
               force: bool = False) -> ExportResult:
    """Export with a cancellable progress dialog; raises ExportError / ExportCancelled."""
    total = total_frames(scene, settings)
    progress = QProgressDialog("Rendering frames…", "Cancel", 0, total, parent)
    progress.setWindowTitle("Exporting")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)

    def on_progress(n: int) -> bool:
        progress.setValue(n)
        return progress.wasCanceled()

    try:
        return export_frames(render_animation(scene, settings), path, fps=settings.fps,
                             force=force, progress=on_progress, total=total)
    finally:
        progress.close()


def export_from_window(window) -> ExportResult | None:
    """The File → Export animation… action."""
    window.model.pause()
    dialog = ExportDialog(window, speed=window.model.scene.speed)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    path = dialog.path.text().strip()
    try:
        settings = dialog.settings()
        force = False
        try:
            check_target(path)
        except TargetExists as e:
            answer = QMessageBox.question(window, "Overwrite?", f"{e}\n\nOverwrite it?")
            if answer != QMessageBox.StandardButton.Yes:
                return None
            force = True
        result = run_export(window, window.model.scene, path, settings, force=force)
    except ExportCancelled:
        window.statusBar().showMessage("Export cancelled: nothing was written", 5000)
        return None
    except (ExportError, ValueError, RuntimeError) as e:
        QMessageBox.warning(window, "Export failed", str(e))
        return None
    window.statusBar().showMessage(
        f"Exported {result.frames} frames to {result.path} in {result.seconds:.1f} s", 8000)
    return result
