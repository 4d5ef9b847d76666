"""The main window's menus and their shortcuts (File, Edit, View, Run; Help is added by
``help_dialogs``). Each action is kept on the window as ``<name>_action``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker
from PySide6.QtGui import QAction, QKeySequence

from app.ui.dialogs import scene_actions
from app.ui.dialogs.export_dialog import export_from_window
from app.ui.dialogs.image_dialog import copy_image, save_image_from_window
from app.ui.dialogs.sweep_dialog import open_sweep

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def action(w: MainWindow, menu, text: str, key, tip: str, slot,
           checkable: bool = False) -> QAction:
    a = QAction(text, w)
    a.setShortcut(QKeySequence(key) if isinstance(key, str) else key)
    a.setStatusTip(tip)
    a.setToolTip(tip)
    a.setCheckable(checkable)
    (a.toggled if checkable else a.triggered).connect(slot)
    menu.addAction(a)
    return a


def make_menus(w: MainWindow) -> None:
    bar = w.menuBar()
    m = w.model
    f = bar.addMenu("&File")
    w.open_action = action(w, f, "&Open scene…", "Ctrl+O", "Open a saved scene (.json)",
                           lambda: scene_actions.open_dialog(w))
    recent = getattr(scene_actions, "recent_scenes_menu", None)
    if recent is not None:
        w.recent_menu = recent(w)
        f.addMenu(w.recent_menu)
    w.save_action = action(w, f, "&Save scene…", "Ctrl+S",
                           "Save this scene to reproduce the picture later",
                           lambda: scene_actions.save_dialog(w))
    f.addSeparator()
    w.export_action = action(w, f, "&Export animation…", "Ctrl+E",
                             "Export a GIF, an MP4 or PNG frames", lambda: export_from_window(w))
    w.save_image_action = action(w, f, "Save &image…", "Ctrl+Shift+S",
                                 "One picture of the final frame, with this camera (PNG, up to "
                                 "4× the pixels)", lambda: save_image_from_window(w))
    f.addSeparator()
    w.quit_action = action(w, f, "&Quit", "Ctrl+Q", "Close the window", w.close)
    e = bar.addMenu("&Edit")
    w.undo_action = action(w, e, "&Undo", QKeySequence.StandardKey.Undo,
                           "Undo the last change to the scene", m.undo)
    w.redo_action = action(w, e, "&Redo", "Ctrl+Shift+Z", "Redo what was undone", m.redo)
    for a in (w.undo_action, w.redo_action):
        a.setEnabled(False)
    e.addSeparator()
    w.copy_image_action = action(w, e, "&Copy image", "Ctrl+Shift+C",
                                 "Copy the 3D view as shown to the clipboard",
                                 lambda: copy_image(w))
    v = bar.addMenu("&View")
    w.presentation_action = action(w, v, "&Presentation", "F11",
                                   "Full screen, the picture alone, large type (Esc leaves)",
                                   w.presentation.set_on, True)
    v.addSeparator()
    w.reset_camera_action = action(w, v, "Reset &camera", "Home", "Back to the default view",
                                   w.view.reset_camera)
    w.arrows_action = action(w, v, "−∇f &arrows", "A", "Show −∇f arrows",
                             lambda on: m.update(show_arrows=on), True)
    w.wire_action = action(w, v, "&Wireframe", "W", "Show grid lines",
                           lambda on: m.update(wireframe=on), True)
    w.legend_action = action(w, v, "&Legend", "L", "Which colour is which walker, and the flags",
                             lambda on: w.view.show_overlays(legend=on), True)
    w.colorbar_action = action(w, v, "&Colour bar", "C", "The height colours' f values",
                               lambda on: w.view.show_overlays(colorbar=on), True)
    w.step_parts_action = action(w, v, "&Step arrows", "S",
                                 "The current step's pieces at the selected walker: the step, "
                                 "−η·g, the velocity, the Newton direction, line-search trials",
                                 w.show_step_parts, True)
    w.curvature_axes_action = action(w, v, "Curvature &axes", "H",
                                     "The Hessian's eigen-directions at the walker: the flat "
                                     "(green) and steep (red) axes of the bowl there",
                                     w.show_curvature_axes, True)
    w.light_action = action(w, v, "Light &theme", "", "White background: for print and slides",
                            lambda on: m.update(theme="light" if on else "dark"), True)
    for a in (w.legend_action, w.colorbar_action):
        blocker = QSignalBlocker(a)
        a.setChecked(True)
        del blocker
    v.addSeparator()
    for dock in w.docks():
        v.addAction(dock.toggleViewAction())
    w.pick_action = action(w, v, "&Pick start on the mountain", "P",
                           "Drag on the 3D mountain to move the start (or hold Shift while "
                           "dragging)", lambda on: w.picker.set_sticky(on), True)
    r = bar.addMenu("&Run")
    w.play_action = action(w, r, "&Play", "Space", "Play or pause the walkers (Space)",
                           m.toggle_play)
    w.step_action = action(w, r, "&Step", "Right", "One step (→)", m.step_forward)
    w.back_action = action(w, r, "Step &back", "Left", "One step back (←)", m.step_back)
    w.reset_action = action(w, r, "&Reset", "R", "Back to the start (R)", m.reset)
    r.addSeparator()
    w.compare_action = action(w, r, "&Compare optimisers", "Ctrl+M",
                              "Gradient, momentum and Adam from the same start",
                              lambda: w.walkers.compare())
    w.sweep_action = action(w, r, "S&weep learning rates…", "Ctrl+K",
                            "Which η? Steps and final f against η for each rule, the stability "
                            "line, momentum's η × β map, the race of the walkers",
                            lambda: open_sweep(w))
    w.basins_action = action(w, r, "&Basins of attraction…", "Ctrl+B",
                             "Where does every start end? Colours the map",
                             w.basins_run.ask_and_start)
    w.clear_basins_action = action(w, r, "C&lear basins", "", "Back to the height map",
                                   m.clear_basins)
