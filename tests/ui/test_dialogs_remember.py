"""What the dialogs remember between runs (recent scenes, folders, sizes, fps), their
titles, and that a window export shows no window but its progress dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget

from app.core.animation import AnimationSettings
from app.ui.dialogs import export_dialog, fields, scene_actions
from app.ui.dialogs.export_dialog import ExportDialog
from app.ui.dialogs.fields import TITLE_MARGIN, pictures_folder, shown_title
from app.ui.dialogs.image_dialog import ImageDialog
from app.ui.settings import RECENT_MAX, open_settings, push_recent_scene, recent_scenes


def _entries(menu) -> list[tuple[str, str, str]]:
    """(text, tool tip, path) of the menu's scene entries, after it rebuilt itself."""
    menu.aboutToShow.emit()
    return [(a.text(), a.toolTip(), a.data()) for a in menu.actions() if a.data()]


def _action(menu, text: str):
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_recent_scenes_follow_open_and_save(make_window, tmp_path):
    w = make_window("bowl")
    menu = scene_actions.recent_scenes_menu(w)
    assert menu.title() == "Recent &scenes" and _entries(menu) == []
    assert not _action(menu, "Clear recent scenes").isEnabled()
    a, b = tmp_path / "a.json", tmp_path / "sub" / "b.json"
    b.parent.mkdir()
    scene_actions.save_to(w, a)
    scene_actions.save_to(w, b)
    assert recent_scenes() == [str(b), str(a)]          # newest first, absolute
    scene_actions.open_from(w, a)
    assert recent_scenes() == [str(a), str(b)]          # opened again: first, once
    assert _entries(menu) == [("a.json", str(tmp_path), str(a)),
                              ("b.json", str(b.parent), str(b))]
    b.unlink()                                           # a file gone leaves the list
    assert [e[2] for e in _entries(menu)] == [str(a)]
    _action(menu, "Clear recent scenes").trigger()
    assert recent_scenes() == [] and _entries(menu) == []
    assert not _action(menu, "No recent scenes").isEnabled()


def test_recent_scenes_keep_the_newest_eight(tmp_path):
    files = [tmp_path / f"s{i}.json" for i in range(RECENT_MAX + 3)]
    for f in files:
        f.write_text("{}")
        push_recent_scene(f)
    push_recent_scene(files[-1])                         # again: no duplicate
    assert recent_scenes() == [str(f) for f in reversed(files)][:RECENT_MAX]
    assert open_settings().value("recent_scenes")[0] == str(files[-1])


def test_a_recent_entry_opens_its_scene_and_a_broken_one_says_why(make_window, tmp_path,
                                                                   monkeypatch):
    w = make_window("bowl")
    good = tmp_path / "good.json"
    scene_actions.save_to(w, good)
    saved = w.model.scene
    w.model.load_preset("peaks")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    push_recent_scene(broken)
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, title, text: warnings.append((title, text)))
    monkeypatch.setattr(scene_actions, "ask_path", lambda *a, **k: str(broken))
    scene_actions.open_dialog(w)                         # File → Open's message …
    menu = scene_actions.recent_scenes_menu(w)
    menu.aboutToShow.emit()
    _action(menu, "broken.json").trigger()               # … is the recent entry's too
    assert len(warnings) == 2 and warnings[0] == warnings[1]
    assert warnings[0][0] == "Could not open" and "\n" not in warnings[0][1]
    _action(menu, "good.json").trigger()
    assert w.model.scene == saved and len(warnings) == 2
    assert recent_scenes()[0] == str(good)


def test_open_and_save_dialogs_start_in_the_folder_used_last(make_window, tmp_path,
                                                             monkeypatch):
    w = make_window("bowl")
    asked: list[str] = []
    target = tmp_path / "scenes" / "mine.json"
    target.parent.mkdir()

    def ask(_parent, _title, start, _filters, *, save):
        asked.append(start)
        return str(target)

    monkeypatch.setattr(scene_actions, "ask_path", ask)
    scene_actions.save_dialog(w)
    assert asked[0] == str(Path.home() / "scene.json")   # nothing remembered yet
    assert target.is_file() and recent_scenes() == [str(target)]
    scene_actions.open_dialog(w)
    scene_actions.save_dialog(w)
    assert asked[1:] == [str(target.parent), str(target.parent / "scene.json")]


def test_export_dialog_remembers_folder_size_fps_and_choices(qtbot, tmp_path):
    first = ExportDialog(speed=5.0)
    qtbot.addWidget(first)
    first.path.setText(str(tmp_path / "walk.mp4"))
    first.size_box.setCurrentText("800x600")
    first.fps.setValue(12)
    first.seconds.setValue(7.5)
    first.orbit.setChecked(True)
    first.overlay.setChecked(False)
    first.accept()
    second = ExportDialog(speed=5.0)
    qtbot.addWidget(second)
    assert second.path.text() == str(tmp_path / "gradient-mountain.mp4")   # folder, format
    s = second.settings()
    assert (s.size, s.fps, s.seconds, s.orbit, s.overlay) == ((800, 600), 12, 7.5, True, False)
    assert s.speed == 5.0                                # the scene's, not remembered
    # a scene file's export section wins over what the dialog remembers
    third = ExportDialog(initial=AnimationSettings(size=(640, 360), fps=24))
    qtbot.addWidget(third)
    assert third.settings().size == (640, 360) and third.settings().fps == 24


def test_the_window_export_dialog_starts_from_what_was_remembered(make_window, tmp_path,
                                                                  monkeypatch):
    w = make_window("bowl")
    remembered = ExportDialog()
    remembered.path.setText(str(tmp_path / "x.gif"))
    remembered.fps.setValue(15)
    remembered.accept()
    shown: list[ExportDialog] = []

    def exec_(dialog) -> int:
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ExportDialog, "exec", exec_)
    export_dialog.export_from_window(w)
    assert shown[-1].fps.value() == 15
    assert shown[-1].path.text() == str(tmp_path / "gradient-mountain.gif")
    w.export_settings = AnimationSettings(fps=25).to_export_dict()   # from a scene file
    export_dialog.export_from_window(w)
    assert shown[-1].fps.value() == 25


def test_image_dialog_remembers_folder_size_scale_and_background(qtbot, tmp_path):
    first = ImageDialog(size=(700, 500))
    qtbot.addWidget(first)
    first.path.setText(str(tmp_path / "pic.png"))
    first.size_box.setCurrentText("1080x1080")
    first.scale.setValue(3)
    first.transparent.setChecked(True)
    first.accept()
    second = ImageDialog(size=(700, 500))
    qtbot.addWidget(second)
    assert second.path.text() == str(tmp_path / "gradient-mountain.png")
    s = second.settings()
    assert (s.size, s.scale, s.transparent) == ((1080, 1080), 3, True)


def test_default_paths_are_absolute_in_pictures_or_home(qtbot, tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    first = ExportDialog()
    qtbot.addWidget(first)
    first.path.setText(str(gone / "a.gif"))
    first.accept()
    gone.rmdir()                                         # a remembered folder that vanished
    for dialog in (ExportDialog(), ImageDialog()):
        qtbot.addWidget(dialog)
        path = Path(dialog.path.text())
        assert path.is_absolute() and path.parent == pictures_folder(), path
    assert pictures_folder().is_dir() and pictures_folder().is_absolute()


def _fits(dialog: QWidget) -> bool:
    need = dialog.fontMetrics().horizontalAdvance(shown_title(dialog.windowTitle()))
    return dialog.minimumWidth() >= need + TITLE_MARGIN and dialog.width() >= need + TITLE_MARGIN


def test_dialog_titles_fit(qtbot, make_window, monkeypatch):
    for dialog in (ExportDialog(), ImageDialog()):
        qtbot.addWidget(dialog)
        dialog.show()
        assert _fits(dialog), dialog.windowTitle()
    w = make_window("bowl")
    seen: list[bool] = []

    def look_and_close() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(10, look_and_close)
            return
        seen.append(_fits(modal))
        modal.reject()

    for ask in (lambda: w.basins_run.ask_and_start(),
                lambda: fields.ask_path(w, "Save scene", str(Path.home()), "*.json", save=True)):
        QTimer.singleShot(0, look_and_close)
        ask()
    assert seen == [True, True]


def _on_screen(widget: QWidget) -> bool:
    """Shown on the screen (a widget drawn off-screen reports isVisible() too)."""
    return widget.isVisible() and not widget.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)


def test_a_window_export_shows_no_window_but_its_progress(make_window, qtbot, tmp_path,
                                                          monkeypatch):
    w = make_window("peaks")
    out = tmp_path / "walk.gif"

    def accept(dialog) -> int:
        dialog.path.setText(str(out))
        dialog.size_box.setCurrentText("160x120")
        dialog.fps.setValue(10)
        dialog.seconds.setValue(1.0)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", accept)
    strays: set[str] = set()
    off_screen: list[QWidget] = []

    def look() -> None:
        allowed = {w.windowHandle()}
        for top in QApplication.topLevelWidgets():
            if not top.isVisible():
                continue
            if not _on_screen(top):
                off_screen.append(top)
                if top.windowHandle() is not None and top.windowHandle().isVisible():
                    strays.add(f"{type(top).__name__} (off-screen, yet mapped)")
            elif top is not w and top.parentWidget() is not w:
                strays.add(f"{type(top).__name__} {top.windowTitle()!r}")
            elif top.windowHandle() is not None:
                allowed.add(top.windowHandle())
        for window in QGuiApplication.topLevelWindows():
            if window.isVisible() and window not in allowed:
                strays.add(f"window {window.title()!r}")

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(5)                       # also while the export computes its surface
    try:
        run = export_dialog.export_from_window(w)
        assert run is not None
        run.progress.connect(look)
        if not run.done:
            with qtbot.waitSignal(run.succeeded, timeout=60_000):
                pass
    finally:
        timer.stop()
    assert out.is_file()
    assert not strays, strays
    assert off_screen, "the export's own view was looked at while it drew"
    progress = [d for d in w.findChildren(QProgressDialog) if d.windowTitle() == "Exporting"]
    assert progress and progress[-1].parentWidget() is w and _fits(progress[-1])

