"""Save/Open scene through the window's own functions; the export dialog's settings."""

from __future__ import annotations

import os

import pytest

from app.core.scene import Camera
from app.core.scene_file import SceneFileError
from app.ui.dialogs import scene_actions
from app.ui.dialogs.export_dialog import ExportDialog
from tests.ui.conftest import settle


def test_save_then_open_round_trip_restores_the_camera(make_window, tmp_path, qtbot):
    w = make_window("himmelblau")
    w.model.update_walker(0, lr=0.02, start=(1.0, -1.0))
    w.view.setCameraPosition(azimuth=30.0, elevation=50.0, distance=25.0)
    w.model.set_camera(w.view.current_camera())
    path = scene_actions.save_to(w, tmp_path / "s.json")
    saved = w.model.scene
    assert saved.camera is not None and saved.camera.azimuth == 30.0
    w.model.load_preset("bowl")
    settle(qtbot, w)
    w.view.reset_camera()
    assert w.model.scene.expression != saved.expression and w.model.scene.camera is None
    scene_actions.open_from(w, path)
    settle(qtbot, w)
    assert w.model.scene == saved
    assert w.panel.expr_edit.text() == saved.expression
    assert w.view.opts["azimuth"] == 30.0 and w.view.opts["elevation"] == 50.0
    assert w.view.opts["distance"] == 25.0


def test_user_camera_moves_reach_the_scene(make_window, qtbot):
    w = make_window("bowl")
    assert w.model.scene.camera is None
    with qtbot.waitSignal(w.view.camera_changed, timeout=5_000):
        w.view.mousePressEvent(_mouse(w, "press"))
        w.view.setCameraPosition(azimuth=10.0)
        w.view.mouseReleaseEvent(_mouse(w, "release"))
    assert isinstance(w.model.scene.camera, Camera) and w.model.scene.camera.azimuth == 10.0


def _mouse(w, kind):
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    t = QEvent.Type.MouseButtonPress if kind == "press" else QEvent.Type.MouseButtonRelease
    p = QPointF(50, 50)
    return QMouseEvent(t, p, w.view.mapToGlobal(p), Qt.MouseButton.LeftButton,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)


@pytest.mark.parametrize("content", [b"", b"{", b'{"format": "x"}', b"\x00\xff garbage",
                                     b'{"format": "gradient-mountain-scene", "version": 99}'])
def test_opening_a_broken_file_leaves_the_scene_untouched(make_window, tmp_path, content):
    w = make_window("peaks")
    before = w.model.scene
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(SceneFileError):
        scene_actions.open_from(w, bad)
    assert w.model.scene == before


def test_export_dialog_defaults_and_settings(qtbot):
    d = ExportDialog(speed=5.0)
    qtbot.addWidget(d)
    s = d.settings()
    assert s.size == (1280, 720) and s.fps == 30 and s.speed == 5.0 and s.overlay
    d.size_box.setCurrentText("640x360")
    d.orbit.setChecked(True)
    assert d.settings().size == (640, 360) and d.settings().orbit
    d.size_box.setCurrentText("huge")
    with pytest.raises(ValueError):
        d.settings()


def test_dialog_export_path_writes_the_file(make_window, qtbot, tmp_path):
    from app.core.animation import AnimationSettings
    from app.export.readback import read_frames
    from app.ui.dialogs.export_dialog import run_export

    w = make_window("bowl")
    ticks = []
    timer = _ticker(ticks)
    with qtbot.waitSignal(w.statusBar().messageChanged, timeout=60_000):
        run = run_export(w, w.model.scene, str(tmp_path / "d.gif"),
                         AnimationSettings(size=(160, 120), frames=6))
        with qtbot.waitSignal(run.succeeded, timeout=60_000) as sig:
            pass
    timer.stop()
    result = sig.args[0]
    assert result.frames == 6 and len(read_frames(result.path)) == 6
    assert "Exported 6 frames" in w.statusBar().currentMessage()
    assert ticks, "the event loop ran during the export"


def _ticker(ticks):
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    return timer


def test_export_dialog_starts_from_a_scene_files_export_section(qtbot):
    from app.core.animation import AnimationSettings

    initial = AnimationSettings.from_export_dict({"size": [640, 360], "fps": 12, "orbit": True,
                                                  "overlay": False})
    d = ExportDialog(speed=5.0, initial=initial)
    qtbot.addWidget(d)
    s = d.settings()
    assert (s.size, s.fps, s.orbit, s.overlay) == ((640, 360), 12, True, False)


def test_export_dialog_offers_uses_and_estimates(qtbot, tmp_path):
    d = ExportDialog(speed=8.0, steps=80, path=str(tmp_path / "walk.gif"))
    qtbot.addWidget(d)
    uses = [d.size_box.itemText(i) for i in range(d.size_box.count())]
    assert any("newsletter" in u and u.startswith("600x") for u in uses)
    assert any(u.startswith("1080x1080") for u in uses)
    d.size_box.setCurrentIndex(next(i for i, u in enumerate(uses) if "newsletter" in u))
    assert d.settings().size == (600, 338)
    first = d.estimate.text()
    assert "s," in first and ("MB" in first or "KB" in first)
    d.seconds.setValue(2.0)                                    # shorter: fewer frames, smaller
    assert d.estimate.text() != first and d.estimate.text().startswith("60 frames, 2.0 s")
    assert os.path.isabs(ExportDialog().path.text())           # an absolute default path
