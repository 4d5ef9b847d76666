"""Save/Open scene through the window's own functions; the export dialog's settings."""

from __future__ import annotations

import pytest

from app.core.scene_file import SceneFileError
from app.ui import scene_actions
from app.ui.export_dialog import ExportDialog


def test_save_then_open_round_trip(make_window, tmp_path):
    w = make_window("himmelblau")
    w.model.update(lr=0.02, start=(1.0, -1.0))
    path = scene_actions.save_to(w, tmp_path / "s.json")
    saved = w.model.scene
    w.model.load_preset("bowl")
    assert w.model.scene.expression != saved.expression
    loaded = scene_actions.open_from(w, path)
    assert loaded.camera and loaded.camera["distance"] > 0
    assert w.model.scene == saved
    assert w.panel.expr_edit.text() == saved.expression


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
    d.size.setCurrentText("640x360")
    d.orbit.setChecked(True)
    assert d.settings().size == (640, 360) and d.settings().orbit
    d.size.setCurrentText("huge")
    with pytest.raises(ValueError):
        d.settings()


def test_dialog_export_path_writes_the_file(qtbot, tmp_path):
    from app.core.scene import Scene
    from app.export.readback import read_frames
    from app.ui.export_dialog import run_export
    from app.ui.frames import AnimationSettings

    result = run_export(None, Scene.from_preset("bowl"), str(tmp_path / "d.gif"),
                        AnimationSettings(size=(160, 120), frames=6))
    assert result.frames == 6 and len(read_frames(result.path)) == 6
