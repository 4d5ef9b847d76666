"""Run in a subprocess on a screen of its own (tests/ui/test_window_fit.py): open the window
as a first launch does, wait for the mountain, print where everything is as JSON and save a
screenshot. Usage: python screen_probe.py OUT.png [preset]"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.core.scene import Scene
    from app.ui.application import application, wait_for
    from app.ui.main_window import MainWindow

    application()
    scene = Scene.from_preset(sys.argv[2] if len(sys.argv) > 2 else "peaks", resolution=60)
    w = MainWindow(scene, remember=False)
    w.show()
    wait_for(lambda: w.model.ready and not w.model.busy, [w.model.busy_changed], 60)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        QApplication.processEvents()

    def rect(widget: QWidget) -> list[int]:
        p = widget.mapToGlobal(widget.rect().topLeft())
        q = widget.mapToGlobal(widget.rect().bottomRight())
        return [p.x(), p.y(), q.x(), q.y()]

    area = w.screen().availableGeometry()
    frame = w.frameGeometry()
    out = {"screen": [area.x(), area.y(), area.right(), area.bottom()],
           "window": [frame.x(), frame.y(), frame.right(), frame.bottom()],
           "minimum": [w.minimumSizeHint().width(), w.minimumSizeHint().height()],
           "controls": {}}
    widgets = {name: w.transport.widgetForAction(getattr(w, f"{name}_action"))
               for name in ("play", "step", "back", "reset")}
    widgets.update(counter=w.transport.counter, expression=w.panel.expr_edit)
    for name, widget in widgets.items():
        out["controls"][name] = [*rect(widget), int(widget.isVisible())]
    w.grab().save(sys.argv[1])
    print(json.dumps(out))
    w.close()


if __name__ == "__main__":
    main()
