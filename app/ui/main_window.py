"""The main window: the 3D view in the centre, the panel as a dock, menus, shortcuts, the status
bar, and QSettings for geometry, dock layout and the last scene."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QToolBar,
    QWidget,
)

from app.core.scene import Camera, Scene
from app.core.walks import Walks
from app.ui.dialogs.basins_dialog import BasinsRun
from app.ui.dialogs.help_dialogs import add_help_menu
from app.ui.lesson_player import add_lesson_menu
from app.ui.menus import make_menus
from app.ui.model import SceneModel
from app.ui.panels.scene_panel import ScenePanel
from app.ui.panels.transport import TransportBar
from app.ui.panels.walkers_panel import WalkersPanel
from app.ui.panels.widgets import ErrorLabel, format_number
from app.ui.presentation import Presentation
from app.ui.screen_fit import fit_to_screen
from app.ui.settings import open_settings, scene_to_json
from app.ui.signals import wire
from app.ui.views.loss_plot import LossPanel
from app.ui.views.map_view import MapView
from app.ui.views.pick_controller import PickController
from app.ui.views.step_inspector import StepInspector
from app.ui.views.view3d import MountainView


def status_text(walks: Walks, position: float, walker: int) -> str:
    """Where the walker is: step, x, y, f and ‖∇f‖."""
    pt, f, g = walks.state_at(position, walker)
    coords = " ".join(f"{n}={format_number(float(v), 5)}" for n, v in zip("xy", pt, strict=False))
    norm = float(np.hypot.reduce(g))           # no overflow warning for huge slopes
    fs = format_number(f, 6) if math.isfinite(f) else "undefined"
    who = f"walker {walker + 1} · " if len(walks) > 1 else ""
    step = walks.step_at(position)
    return f"{who}step {step} · {coords} · f={fs} · ‖∇f‖={format_number(norm, 4)}"


def stop_text(walks: Walks, walker: int) -> str:
    """Why the walker stopped, and after how many steps."""
    t = walks.trajectories[walker]
    if walks.walked is not None and t.steps >= walks.walked:
        return f"walking on: {t.steps:,} steps so far, more on their way…"
    return f"{t.message} — after {t.steps} step{'s' if t.steps != 1 else ''}"


class _SpinBoxKeys(QObject):
    """Lets Space, R, A and W reach the window's shortcuts while a spin box has the focus
    (its line edit would otherwise claim them as text; no number needs them)."""

    KEYS = (Qt.Key.Key_Space, Qt.Key.Key_R, Qt.Key.Key_A, Qt.Key.Key_W, Qt.Key.Key_L, Qt.Key.Key_C,
            Qt.Key.Key_S, Qt.Key.Key_H)

    def eventFilter(self, obj, event) -> bool:  # Qt override
        # True leaves the override event unaccepted: the shortcut map then takes the key
        return (event.type() == QEvent.Type.ShortcutOverride and event.key() in self.KEYS
                and event.modifiers() == Qt.KeyboardModifier.NoModifier)


class MainWindow(QMainWindow):
    # the menus' actions (made by app.ui.menus.make_menus)
    open_action: QAction
    save_action: QAction
    export_action: QAction
    save_image_action: QAction
    quit_action: QAction
    undo_action: QAction
    redo_action: QAction
    copy_image_action: QAction
    presentation_action: QAction
    reset_camera_action: QAction
    arrows_action: QAction
    wire_action: QAction
    legend_action: QAction
    colorbar_action: QAction
    light_action: QAction
    step_parts_action: QAction
    curvature_axes_action: QAction
    pick_action: QAction
    play_action: QAction
    step_action: QAction
    back_action: QAction
    reset_action: QAction
    compare_action: QAction
    basins_action: QAction
    clear_basins_action: QAction
    sweep_action: QAction
    recent_menu: QMenu
    def __init__(self, scene: Scene, *, remember: bool = True) -> None:
        super().__init__()
        self.remember = remember
        self.walks: Walks | None = None
        self.export_settings: dict | None = None   # a scene file's export section
        self.position = 0.0
        self.selected = 0
        self.setWindowTitle("Gradient Mountain")
        self.model = SceneModel(scene, self)
        self.view = MountainView(self)
        self.view.setMinimumSize(200, 120)
        # 1-D functions: the explainer's picture (curve, walker, tangent, slope) joins the
        # centre below the 3D ribbon; it is hidden for functions of x and y
        self.curve_view = MapView()
        self.centre = QSplitter(Qt.Orientation.Vertical)
        self.centre.addWidget(self.view)
        self.centre.addWidget(self.curve_view)
        self.centre.setSizes([300, 500])
        self.setCentralWidget(self.centre)
        self.panel = ScenePanel(self.model)
        self.dock = QDockWidget("Scene", self)
        self.dock.setObjectName("scene_dock")
        self.dock.setWidget(self.panel)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.panel.setMinimumWidth(250)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.map = MapView()
        self.map_dock = QDockWidget("Map", self)
        self.map_dock.setObjectName("map_dock")
        self.map_dock.setWidget(self.map)
        self.map.setMinimumSize(160, 120)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.map_dock)
        self.splitDockWidget(self.dock, self.map_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.dock], [390], Qt.Orientation.Horizontal)
        self.resizeDocks([self.dock, self.map_dock], [480, 320], Qt.Orientation.Vertical)
        self.picker = PickController(self.view)
        self.walkers = WalkersPanel(self.model)
        self.walkers_dock = self._dock("Walkers", "walkers_dock", self.walkers)
        self.loss = LossPanel()
        self.loss_dock = self._dock("Loss and timeline", "loss_dock", self.loss)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.loss_dock)
        self.splitDockWidget(self.loss_dock, self.walkers_dock, Qt.Orientation.Horizontal)
        self.inspector = StepInspector()
        self.inspector_dock = self._dock("Step inspector", "inspector_dock", self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.inspector_dock)
        self.tabifyDockWidget(self.walkers_dock, self.inspector_dock)
        self.walkers_dock.raise_()
        self.resizeDocks([self.loss_dock], [200], Qt.Orientation.Vertical)
        self.status = QLabel()
        self.status.setToolTip("Where the walker is, or why it stopped")
        self.statusBar().addWidget(self.status, 1)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)                 # indeterminate: "working…"
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setToolTip("Working in the background — the window stays usable")
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)
        self.hover = QLabel()
        self.hover.setToolTip("f under the mouse on the map")
        self.statusBar().addPermanentWidget(self.hover)
        self.basins_run = BasinsRun(self)
        self.presentation = Presentation(self)
        make_menus(self)
        self.lesson_menu = add_lesson_menu(self)
        self.help_menu = add_help_menu(self)
        self.transport = TransportBar({"play": self.play_action, "step": self.step_action,
                                       "back": self.back_action, "reset": self.reset_action,
                                       "pick": self.pick_action})
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)
        for a in self.findChildren(QAction):   # shortcuts work with the menu bar hidden too
            self.addAction(a)
        self._spin_keys = _SpinBoxKeys(self)
        for spin in self.panel.findChildren(QAbstractSpinBox):
            spin.installEventFilter(self._spin_keys)
        self._connect_signals()
        fit_to_screen(self)
        self._on_model_scene_changed(scene)
        self.model.start()

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        return dock

    def toolbars(self) -> list[QToolBar]:
        return self.findChildren(QToolBar)

    def docks(self) -> list[QDockWidget]:
        return [self.dock, self.map_dock, self.walkers_dock, self.loss_dock, self.inspector_dock]

    def _connect_signals(self) -> None:
        m = self.model
        for view in (self.view, self.map, self.curve_view, self.loss, self.picker,
                     self.transport, self.inspector):
            view.connect_model(m)
        pairs = ((m.walks_changed, self._on_model_walks_changed),
                 (m.position_changed, self._on_model_position_changed),
                 (m.selection_changed, self._on_model_selection_changed),
                 (m.finished, self._on_model_finished),
                 (m.scene_changed, self._on_model_scene_changed),
                 (m.surface_error, self._on_model_surface_error),
                 (m.busy_changed, self._on_model_busy_changed),
                 (m.history_changed, self._on_model_history_changed),

                 (self.view.camera_changed, self._on_view_camera_changed),
                 (self.map.hover_text, self.hover.setText),
                 (self.picker.start_picked, self._on_start_picked),
                 (self.map.start_picked, self._on_start_picked),
                 (self.curve_view.start_picked, self._on_start_picked))
        wire(pairs)
        for label in self.findChildren(ErrorLabel):      # every error also in the status bar
            label.shown.connect(self._show_error)
        app = QApplication.instance()
        self._focus_hooked = isinstance(app, QApplication)
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    # ---- model → window ----------------------------------------------------------------
    def _on_model_walks_changed(self, walks: Walks) -> None:
        self.walks = walks
        self.position = 0.0
        self._show_status()

    def _on_model_position_changed(self, position: float) -> None:
        self.position = position
        if self.walks is not None and (position < self.walks.end or self.walks.end == 0):
            self._show_status()

    def _on_model_selection_changed(self, index: int) -> None:
        self.selected = index
        self._show_status()

    def show_curvature_axes(self, on: bool) -> None:
        self.model.want_curvature(on, "axes")
        self.map.show_curvature_axes(on)
        self.view.show_curvature_axes(on)

    def show_step_parts(self, on: bool) -> None:
        self.view.show_step_parts(on)
        self.map.show_step_parts(on)

    def show_status(self) -> None:
        self._show_status()

    def _show_status(self) -> None:
        if self.walks is None:
            return
        i = min(self.selected, len(self.walks) - 1)
        text = status_text(self.walks, self.position, i)
        if self.position >= len(self.walks.trajectories[i]) - 1:
            text += f"   —   {stop_text(self.walks, i)}"
        self.status.setText(text)
        if self.presentation.on:
            self.view.overlay.set_caption(text)

    def _show_error(self, message: str) -> None:
        """Errors show beside their field and, for a while, in the status bar."""
        if message:
            self.statusBar().showMessage(f"⚠ {message}", 8000)
        else:
            self.statusBar().clearMessage()

    def _on_model_history_changed(self, can_undo: bool, can_redo: bool) -> None:
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)

    def _on_model_finished(self, walks: Walks) -> None:
        self.walks = walks
        self._show_status()

    def _on_model_surface_error(self, message: str) -> None:
        self.status.setText(f"could not draw this surface: {message}")

    def _on_model_busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def _on_model_scene_changed(self, scene: Scene) -> None:
        for action, on in ((self.arrows_action, scene.show_arrows),
                           (self.wire_action, scene.wireframe),
                           (self.light_action, scene.theme == "light")):
            blocker = QSignalBlocker(action)
            action.setChecked(on)
            del blocker
        self.setWindowTitle(f"f = {scene.expression}")     # Qt adds " — Gradient Mountain"
        if self.presentation.on:
            self.presentation.show_picture(scene.dim == 1)
        else:
            self.curve_view.setVisible(scene.dim == 1)

    # ---- views → model -----------------------------------------------------------------
    def _on_start_picked(self, start, final: bool) -> None:
        """A start picked on the 3D mountain, the map or the curve: preview while dragging,
        move the selected walker there on release (None: the drag was cancelled)."""
        if final:
            self.model.end_preview(start)
        else:
            self.model.preview_start(start)

    def _on_view_camera_changed(self, camera: Camera | None) -> None:
        self.model.set_camera(camera)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Single-key shortcuts must not steal typing: in the expression field they are all
        off; in a spin box only → and ← are (they move the text cursor), while Space, R, A and
        W still act (see ``_SpinBoxKeys``)."""
        in_text = isinstance(new, QLineEdit) and not isinstance(new.parent(), QAbstractSpinBox)
        in_spin = isinstance(new, QAbstractSpinBox)
        for a in (self.play_action, self.step_action, self.back_action, self.reset_action,
                  self.arrows_action, self.wire_action, self.pick_action, self.legend_action,
                  self.colorbar_action, self.undo_action, self.redo_action,
                  self.step_parts_action, self.curvature_axes_action):
            off = in_text or (in_spin and a in (self.step_action, self.back_action))
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if off
                                 else Qt.ShortcutContext.WindowShortcut)

    # ---- settings ----------------------------------------------------------------------
    def restore_layout(self) -> None:
        s = open_settings()
        geo, state = s.value("geometry"), s.value("window_state")
        if geo is not None:
            self.restoreGeometry(geo)
        if state is not None:
            self.restoreState(state)
        fit_to_screen(self, keep_size=True)      # a layout from a larger screen: shrink it

    def save_settings(self) -> None:
        s = open_settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("window_state", self.saveState())
        s.setValue("scene", scene_to_json(self.model.scene))
        s.sync()

    def closeEvent(self, event) -> None:  # Qt override
        self.presentation.set_on(False)
        self.model.shutdown()
        self.basins_run.close()
        if self.remember:
            self.save_settings()
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._focus_hooked:
            self._focus_hooked = False
            app.focusChanged.disconnect(self._on_focus_changed)
        self.view.removeEventFilter(self.picker)
        self.picker.connect_model(self.model, connect=False)
        self.transport.connect_model(self.model, connect=False)
        for view in (self.map, self.curve_view, self.loss, self.view):
            view.dispose()
        super().closeEvent(event)
