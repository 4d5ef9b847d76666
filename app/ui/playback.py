"""Playback of the walks: play, pause, step, step back, reset, seek. A mixin of SceneModel
(it uses the model's signals and state: ``position``, ``playing``, ``walks``, ``end``).

While playing, a precise timer advances the position by speed × elapsed time every ~15 ms;
``position_changed`` goes out on every tick, ``position_changed_slow`` at most every 50 ms
(the docks), and both when playback stops.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, QTimer

FRAME_MS = 15                 # playback tick; the view repaints at most once per tick
SLOW_MS = 50                  # the docks (map, loss plot, curvature) follow at ≤ 20 Hz


class Playback:
    position: float
    playing: bool
    walks: Any
    scene: Any
    position_changed: Any
    position_changed_slow: Any
    playing_changed: Any
    finished: Any
    _finished_sent: bool

    def _init_playback(self) -> None:
        self._timer = QTimer(self)  # type: ignore[arg-type]
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._clock = QElapsedTimer()
        self._slow_clock = QElapsedTimer()
        self._slow_clock.start()

    @property
    def end(self) -> int:
        return self.walks.end if self.walks is not None else 0

    @property
    def step(self) -> int:
        return math.floor(self.position + 1e-9)

    def _request_curvature(self) -> None:  # the model's; here for the type checker
        raise NotImplementedError

    # ---- playback -----------------------------------------------------------------------------
    def play(self) -> None:
        if self.playing or self.walks is None:
            return
        if self.position >= self.end and not self._walking_on():
            if self.end == 0:
                self._announce_end(force=True)
                return
            self.seek(0.0)
        self.playing = True
        self._clock.start()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self._timer.stop()
        self.playing_changed.emit(False)
        self.position_changed_slow.emit(self.position)   # the docks catch up
        self._request_curvature()

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def step_forward(self) -> None:
        """One whole step (pauses playback)."""
        self.pause()
        if self.position >= self.end:
            if not self._walking_on():
                self._announce_end(force=True)
            return
        self.seek(float(self.step + 1))

    def step_back(self) -> None:
        """Back to the previous whole step (pauses playback)."""
        self.pause()
        self.seek(float(max(0, math.ceil(self.position - 1e-9) - 1)))

    def reset(self) -> None:
        self.pause()
        self.seek(0.0)

    def seek(self, position: float) -> None:
        p = min(max(0.0, float(position)), float(self.end))
        if p < self.end:
            self._finished_sent = False
        self.position = p
        self.position_changed.emit(p)
        if not self.playing or p >= self.end or self._slow_clock.elapsed() >= SLOW_MS:
            self._slow_clock.restart()
            self.position_changed_slow.emit(p)
            if not self.playing:
                self._request_curvature()
        if p >= self.end and self.walks is not None and not self._walking_on():
            self._announce_end()

    def _on_timer_timeout(self) -> None:
        dt = min(self._clock.restart() / 1000.0, 0.25)
        target = self.position + self.scene.speed * dt
        if target >= self.end and not self._walking_on():
            self.pause()
        self.seek(target)

    def _walking_on(self) -> bool:
        """Are more steps of these walks on their way (playback waits at the end for them)?"""
        return self.walks is not None and not self.walks.complete

    def _announce_end(self, force: bool = False) -> None:
        self.pause()
        if self.walks is not None and (force or not self._finished_sent):
            self._finished_sent = True
            self.finished.emit(self.walks)


