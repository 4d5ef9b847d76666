"""The Help menu: Getting started (F1), Keyboard shortcuts (every shortcut of the menus plus
the view keys) and About (the version, the licence, the libraries), and the window icon."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QTextBrowser

from app.about import version
from app.ui.dialogs.help_dialogs import STEPS
from app.ui.icon import app_icon, icon_pixmap


def help_action(window, name: str):
    (action,) = [a for a in window.help_menu.actions() if a.objectName() == name]
    return action


def open_dialog(qtbot, window, name: str) -> QDialog:
    help_action(window, name.replace("dialog", "action")).trigger()
    dialog = window.findChild(QDialog, name)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def close(dialog: QDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close).click()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def labels_text(dialog: QDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_the_help_menu(make_window):
    w = make_window("bowl")
    assert w.menuBar().actions()[-1].menu() is w.help_menu
    texts = [a.text() for a in w.help_menu.actions() if not a.isSeparator()]
    assert texts == ["&Getting started", "&Keyboard shortcuts", "&About Gradient Mountain"]
    assert help_action(w, "getting_started_action").shortcut() == QKeySequence("F1")


def test_f1_opens_getting_started(qtbot, make_window):
    w = make_window("bowl")
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(w.view.hasFocus, timeout=5_000)
    qtbot.keyClick(w.view, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.findChild(QDialog, "getting_started_dialog") is not None)
    close(w.findChild(QDialog, "getting_started_dialog"))


def test_shortcuts_lists_every_menu_shortcut_and_the_view_keys(qtbot, make_window):
    w = make_window("bowl")
    dialog = open_dialog(qtbot, w, "shortcuts_dialog")
    text = dialog.findChild(QTextBrowser).toPlainText()
    titles = [title for title, _ in dialog.groups]
    assert titles[:6] == ["File", "Edit", "View", "Run", "Lesson", "Help"]
    assert titles[-1] == "Mouse and view keys"
    listed = {keys for _, rows in dialog.groups for keys, _ in rows}
    menus = [a.menu() for a in w.menuBar().actions()]
    for action in (a for m in menus for a in m.actions()):
        if not action.shortcut().isEmpty():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            assert keys in listed and keys in text, action.text()
    for expected in ("Space", "Play", "Ctrl+E", "Export animation", "F1",
                     "Shift+drag on the mountain", "orbit the 3D view"):
        assert expected in text
    # opening it again raises the same dialog; Close deletes it
    assert open_dialog(qtbot, w, "shortcuts_dialog") is dialog
    close(dialog)
    assert not shiboken6.isValid(dialog)
    assert w.findChild(QDialog, "shortcuts_dialog") is None


def test_getting_started_has_a_picture_and_three_steps(qtbot, make_window):
    w = make_window("bowl")
    dialog = open_dialog(qtbot, w, "getting_started_dialog")
    pictures = [lb.pixmap() for lb in dialog.findChildren(QLabel) if not lb.pixmap().isNull()]
    assert len(pictures) == 1 and pictures[0].width() >= 400
    text = labels_text(dialog)
    assert len(STEPS) == 3 and text.count("<li") == 3
    for words in ("Type a function", "drag the start onto the mountain", "Press Space to play",
                  "Export animation"):
        assert words in text
    close(dialog)


def test_about_shows_the_version_licence_and_libraries(qtbot, make_window):
    import numpy
    import pyqtgraph
    import PySide6

    w = make_window("bowl")
    dialog = open_dialog(qtbot, w, "about_dialog")
    text = labels_text(dialog)
    assert f"Version {version()}" in text and "Licence: MIT" in text
    for name, v in (("pyqtgraph", pyqtgraph.__version__), ("numpy", numpy.__version__),
                    ("PySide6", PySide6.__version__), ("sympy", None), ("PyOpenGL", None),
                    ("Pillow", None), ("matplotlib", None), ("imageio-ffmpeg", None)):
        assert name in text and (v is None or v in text), name
    close(dialog)


def test_the_icon_draws_at_every_size(qapp):
    icon = app_icon()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    for size in (16, 32, 256):
        image = icon_pixmap(size).toImage()
        assert image.width() == size
        corner, centre = image.pixelColor(0, 0), image.pixelColor(size // 2, size // 2)
        assert corner.alpha() == 0 and centre.alpha() == 255      # a rounded tile
    ball = icon_pixmap(256).toImage().pixelColor(76, 200)            # the walker's red ball
    assert ball.red() > 200 and ball.green() < 80 and ball.blue() < 80
