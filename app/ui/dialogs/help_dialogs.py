"""The Help menu: Getting started (three steps and a picture), Keyboard shortcuts (read from the
window's menus when opened, plus the mouse and view keys) and About (version, licence and the
libraries it stands on). ``add_help_menu(window)`` builds the menu."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.about import library_versions, licence, version
from app.core.presets import resource_path
from app.ui.icon import icon_pixmap

Group = tuple[str, list[tuple[str, str]]]      # (title, [(keys, what they do), …])

# keys the views handle themselves (no QAction to read them from)
VIEW_KEYS: Group = ("Mouse and view keys", [
    ("Drag", "orbit the 3D view"),
    ("Ctrl+drag, middle-drag", "pan the 3D view"),
    ("Wheel", "zoom the 3D view or the map"),
    ("Shift+drag on the mountain", "pick the start: the path is previewed, release to set it"),
    ("Esc", "cancel picking the start (while dragging)"),
    ("Click or drag on the Map", "put the selected walker's start there"),
    ("Right-drag on the Map", "pan the map"),
    ("Enter in the function field", "apply the function"),
])
TYPING_NOTE = ("Single-key shortcuts (Space, R, A, W, …) rest while you type in the function "
               "field; in a number box only ← and → do.")
STEPS = (
    "Type a function such as <b>x^2 + 3y^2</b> in the Scene panel and press Enter: the "
    "mountain is its graph.",
    "Hold Shift and drag the start onto the mountain (or click on the Map): the walker's "
    "path from there is previewed as you move.",
    "Press Space to play and watch the walker step down the negative gradient; File → "
    "Export animation… (Ctrl+E) saves it as a GIF or an MP4.",
)
PICTURE = "screenshot.png"


def _plain(text: str) -> str:
    """A menu text without its & mnemonics ("&&" is a literal &)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _keys(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                     for s in action.shortcuts() if not s.isEmpty())


def _menu_rows(menu: QMenu) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            rows += _menu_rows(sub)
        elif not action.isSeparator() and _keys(action):
            rows.append((_keys(action), _plain(action.text()).rstrip("…")))
    return rows


def shortcut_groups(window: QMainWindow) -> list[Group]:
    """Every keyboard shortcut of the window, grouped by menu, then the view keys."""
    groups: list[Group] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            rows = _menu_rows(menu)
            if rows:
                groups.append((_plain(menu.title()), rows))
    listed = {keys for _, rows in groups for keys, _ in rows}
    loose = [(_keys(a), _plain(a.text())) for a in window.actions()
             if _keys(a) and _keys(a) not in listed]
    if loose:
        groups.append(("Window", loose))
    return [*groups, VIEW_KEYS]


def shortcuts_html(groups: list[Group]) -> str:
    parts = []
    for title, rows in groups:
        parts.append(f"<h3>{html.escape(title)}</h3><table cellspacing='0' cellpadding='3'>")
        parts += [f"<tr><td width='190'><b>{html.escape(keys)}</b></td>"
                  f"<td>{html.escape(what)}</td></tr>" for keys, what in rows]
        parts.append("</table>")
    parts.append(f"<p><i>{html.escape(TYPING_NOTE)}</i></p>")
    return "".join(parts)


class _HelpDialog(QDialog):
    """A non-modal dialog with a Close button under ``body``."""

    def __init__(self, parent: QWidget | None, name: str, title: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.groups: list[Group] = []          # the shortcuts dialog's rows
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def _text(html_text: str) -> QLabel:
    label = QLabel(html_text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def shortcuts_dialog(window: QMainWindow) -> _HelpDialog:
    dialog = _HelpDialog(window, "shortcuts_dialog", "Keyboard shortcuts")
    dialog.groups = shortcut_groups(window)
    browser = QTextBrowser()
    browser.setHtml(shortcuts_html(dialog.groups))
    browser.setMinimumSize(560, 520)
    dialog.body.addWidget(browser)
    return dialog


def getting_started_dialog(window: QWidget | None) -> _HelpDialog:
    dialog = _HelpDialog(window, "getting_started_dialog", "Getting started")
    picture = QPixmap(str(resource_path(PICTURE)))
    if picture.isNull():
        picture = icon_pixmap(128)
    else:
        picture = picture.scaledToWidth(520, Qt.TransformationMode.SmoothTransformation)
    image = QLabel()
    image.setPixmap(picture)
    image.setAlignment(Qt.AlignmentFlag.AlignCenter)
    dialog.body.addWidget(image)
    steps = "".join(f"<li style='margin-bottom:6px'>{s}</li>" for s in STEPS)
    label = _text(f"<h3>See gradient descent in three steps</h3><ol>{steps}</ol>")
    label.setMinimumWidth(520)
    dialog.body.addWidget(label)
    return dialog


def about_html() -> str:
    rows = [*library_versions(), ("Qt (running)", qVersion())]
    table = "".join(f"<tr><td>{html.escape(n)}</td><td>&nbsp;&nbsp;{html.escape(v)}</td></tr>"
                    for n, v in rows)
    return (f"<h2>Gradient Mountain</h2><p>Version {html.escape(version())}</p>"
            "<p>See gradient descent: type a function, drop a walker on the mountain, watch "
            "it step down the negative gradient, compare step rules and export the "
            "animation.</p>"
            f"<p>Licence: {html.escape(licence())}</p>"
            f"<p>Made with:</p><table cellspacing='0' cellpadding='1'>{table}</table>")


def about_dialog(window: QWidget | None) -> _HelpDialog:
    dialog = _HelpDialog(window, "about_dialog", "About Gradient Mountain")
    row = QHBoxLayout()
    icon = QLabel()
    icon.setPixmap(icon_pixmap(96))
    icon.setAlignment(Qt.AlignmentFlag.AlignTop)
    row.addWidget(icon)
    row.addWidget(_text(about_html()), 1)
    dialog.body.addLayout(row)
    dialog.setMinimumWidth(460)
    return dialog


def _show(window: QMainWindow, name: str, make) -> QDialog:
    """Raise the dialog if it is open, else open a new one (non-modal)."""
    dialog = window.findChild(QDialog, name)
    if dialog is None:
        dialog = make(window)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def add_help_menu(window: QMainWindow) -> QMenu:
    """The Help menu: Getting started (F1), Keyboard shortcuts (Ctrl+/), About."""
    menu = window.menuBar().addMenu("&Help")
    entries = (("&Getting started", "F1", "Three steps to the first walk",
                "getting_started_dialog", getting_started_dialog),
               ("&Keyboard shortcuts", "Ctrl+/", "Every shortcut, and the mouse in the views",
                "shortcuts_dialog", shortcuts_dialog),
               ("&About Gradient Mountain", "", "Version, licence and libraries",
                "about_dialog", about_dialog))
    for text, key, tip, name, make in entries:
        action = QAction(text, window)
        if key:
            action.setShortcut(QKeySequence(key))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setObjectName(name.replace("dialog", "action"))
        if name == "about_dialog":
            action.setMenuRole(QAction.MenuRole.AboutRole)
            menu.addSeparator()
        action.triggered.connect(lambda _=False, n=name, m=make: _show(window, n, m))
        menu.addAction(action)
    return menu
