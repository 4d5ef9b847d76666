"""The transport bar: play/pause, step back, step, reset, "step 12 / 57" and the speed —
always visible above the picture, whatever the panel shows or how small the screen is."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QStyle, QToolBar, QToolButton, QWidget

from app.ui.panels.widgets import LogSpinBox
from app.ui.signals import wire


class TransportBar(QToolBar):
    """Holds the window's Run actions as buttons; ``connect_model`` keeps the counter, the
    play icon and the speed in step with the model."""

    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None) -> None:
        super().__init__("Transport", parent)
        self.setObjectName("transport")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        style = self.style()
        pix = QStyle.StandardPixmap
        self._icons = {"play": style.standardIcon(pix.SP_MediaPlay),
                       "pause": style.standardIcon(pix.SP_MediaPause)}
        self.actions_ = actions
        short = {"reset": "Reset", "back": "Back", "play": "Play", "step": "Step"}
        for name, icon in (("reset", pix.SP_MediaSkipBackward),
                           ("back", pix.SP_MediaSeekBackward), ("play", pix.SP_MediaPlay),
                           ("step", pix.SP_MediaSeekForward)):
            a = actions[name]
            a.setIcon(style.standardIcon(icon))
            self.addAction(a)
            button = self.widgetForAction(a)
            if isinstance(button, QToolButton):
                button.setText(short[name])          # the menu keeps the longer name
            button.setObjectName(f"transport_{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.counter = QLabel("step 0 / 0")
        self.counter.setToolTip("The step shown and the steps of the longest walk")
        self.counter.setMinimumWidth(self.counter.fontMetrics().horizontalAdvance(
            "step 00000 / 00000"))
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addSeparator()
        self.addWidget(self.counter)
        self.addSeparator()
        self.speed_label = QLabel(" steps/s ")
        self.speed = LogSpinBox(0.1, 1000.0, steps_per_decade=6)
        self.speed.setToolTip("Playback speed in steps per second")
        self.speed.setObjectName("transport_speed")
        self.addWidget(self.speed_label)
        self.addWidget(self.speed)
        self.addSeparator()
        self.addAction(actions["pick"])        # drag the start onto the mountain
        self._end = 0
        self._model = None

    def connect_model(self, m, connect: bool = True) -> None:
        pairs = ((m.scene_changed, self.set_scene), (m.walks_changed, self.set_walks),
                 (m.position_changed_slow, self.set_position),
                 (m.position_changed, self._on_position_maybe_paused),
                 (m.playing_changed, self.set_playing),
                 (self.speed.valueChanged, self._on_speed_value_changed))
        wire(pairs, connect)
        self._model = m if connect else None
        if connect:
            self.set_scene(m.scene)

    # ---- model → bar ---------------------------------------------------------------------
    def set_scene(self, scene) -> None:
        blocker = QSignalBlocker(self.speed)
        self.speed.setValue(scene.speed)
        del blocker

    def set_walks(self, walks) -> None:
        self._end = int(walks.end)
        self.set_position(0.0)

    def set_position(self, position: float) -> None:
        self.counter.setText(f"step {int(position)} / {self._end}")

    def _on_position_maybe_paused(self, position: float) -> None:
        if self._model is None or not self._model.playing:   # stepping: every position
            self.set_position(position)

    def set_playing(self, playing: bool) -> None:
        a = self.actions_["play"]
        a.setIcon(self._icons["pause" if playing else "play"])
        a.setText("&Pause" if playing else "&Play")

    # ---- bar → model ---------------------------------------------------------------------
    def _on_speed_value_changed(self, value: float) -> None:
        if self._model is not None:
            self._model.update(speed=value)
