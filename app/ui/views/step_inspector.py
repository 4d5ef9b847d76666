"""The step inspector (a dock): the selected walker's current step written out with its
numbers — g, the rule's state, the update with the values plugged in, f before and after,
a line search's trials — following the timeline (text from ``app.core.explain``)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.core.explain import explain_step
from app.core.walks import Walks
from app.ui.signals import wire


class StepInspector(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.walks: Walks | None = None
        self.position = 0.0
        self.selected = 0
        self._shown: tuple[int, int] | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setToolTip("This step of the selected walker, with its numbers: the rule "
                             "translated into arithmetic")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.text, 1)

    def connect_model(self, m, connect: bool = True) -> None:
        pairs = ((m.walks_changed, self.set_walks), (m.position_changed_slow, self.set_position),
                 (m.selection_changed, self.set_selection))
        wire(pairs, connect)

    def set_walks(self, walks: Walks) -> None:
        self.walks = walks
        self.position = 0.0
        self._shown = None
        self._show()

    def set_position(self, position: float) -> None:
        self.position = position
        self._show()

    def set_selection(self, index: int) -> None:
        self.selected = index
        self._show()

    def step_text(self) -> str:
        return self.text.toPlainText()

    def _show(self) -> None:
        if self.walks is None or not self.isVisible():
            return
        i = min(self.selected, len(self.walks) - 1)
        traj = self.walks.trajectories[i]
        k = min(int(self.position), traj.steps)
        if self._shown == (i, k):
            return
        self._shown = (i, k)
        w = self.walks.scene.walkers[i]
        who = f"walker {i + 1} · " if len(self.walks) > 1 else ""
        self.title.setText(f"{who}{w.label} · step {k} of {traj.steps}")
        self.text.setPlainText(explain_step(traj, k))

    def showEvent(self, ev) -> None:  # Qt override: only written out while shown
        super().showEvent(ev)
        self._shown = None
        self._show()
