"""Playing the walker: stop reasons in the status bar, step, reset, shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.descent import StopReason


def play_to_end(qtbot, w, timeout=20_000):
    with qtbot.waitSignal(w.model.finished, timeout=timeout) as blocker:
        w.model.play()
    return blocker.args[0].trajectories[0].stop_reason


def test_bowl_with_gradient_converges(make_window, qtbot):
    w = make_window("bowl", speed=1000.0)
    assert w.model.scene.walkers[0].rule == "gradient"
    reason = play_to_end(qtbot, w)
    assert reason is StopReason.CONVERGED
    assert "converged" in w.status.text()
    assert w.model.position == w.model.end and not w.model.playing
    assert w.view.walkers.markers.visible() and w.view.walkers._finished == (True,)


def test_peaks_with_stride_stalls(make_window, qtbot):
    w = make_window("peaks", speed=1000.0)
    assert w.model.scene.walkers[0].rule == "stride"
    assert play_to_end(qtbot, w) is StopReason.STALLED
    assert "can't go down any more" in w.status.text()


def test_the_walker_glides_between_steps(make_window, qtbot):
    w = make_window("bowl", speed=4.0)
    seen = []
    w.model.position_changed.connect(seen.append)
    w.model.play()
    qtbot.waitUntil(lambda: w.model.position > 1.2, timeout=5_000)
    w.model.pause()
    assert any(abs(p - round(p)) > 0.05 for p in seen)        # fractional positions
    assert w.view.frames > 3


def test_step_reset_and_status(make_window):
    w = make_window("bowl")
    m = w.model
    m.step_forward()
    m.step_forward()
    assert m.position == 2.0
    assert w.status.text().startswith("step 2 · x=1.024 y=0.768 · f=")
    m.reset()
    assert m.position == 0.0 and w.status.text().startswith("step 0 ")


def test_shortcuts_act_in_the_view_but_not_while_typing(make_window, qtbot):
    w = make_window("bowl")
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: w.view.hasFocus(), timeout=5_000)
    qtbot.keyClick(w.view, Qt.Key.Key_Right)
    assert w.model.position == 1.0
    qtbot.keyClick(w.view, Qt.Key.Key_Space)
    assert w.model.playing
    qtbot.keyClick(w.view, Qt.Key.Key_Space)
    assert not w.model.playing
    qtbot.keyClick(w.view, Qt.Key.Key_R)
    assert w.model.position == 0.0
    edit = w.panel.expr_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5_000)
    edit.setCursorPosition(len(edit.text()))
    qtbot.keyClicks(edit, " r")
    qtbot.keyClick(edit, Qt.Key.Key_Right)
    assert edit.text().endswith(" r")
    assert not w.model.playing and w.model.position == 0.0
    spin = w.panel.lr_spin                     # in a spin box: Space plays, → edits
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=5_000)
    qtbot.keyClick(spin, Qt.Key.Key_Right)
    assert w.model.position == 0.0
    qtbot.keyClick(spin, Qt.Key.Key_Space)
    assert w.model.playing
    qtbot.keyClick(spin, Qt.Key.Key_Space)
    assert not w.model.playing
