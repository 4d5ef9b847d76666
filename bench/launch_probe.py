"""Launch probe: build the window as app.ui.application.run_gui does (QApplication, MainWindow,
show) and print ``time.monotonic()`` at milestones, the last one when ``frame_drawn`` first
fires after the surface has arrived; then exit. The parent (bench_responsive) subtracts the
monotonic time it took just before starting this interpreter.

``python bench/launch_probe.py [--tree DIR]``: with DIR (an old worktree) ``app`` comes from
there and the old API is used (app.ui.app._application, view.mesh).
"""

import sys
import time

if "--tree" in sys.argv:
    sys.path.insert(0, sys.argv[sys.argv.index("--tree") + 1])


def main() -> int:
    try:
        from app.ui.application import application
        new = True
    except ModuleNotFoundError:
        from app.ui.app import _application as application
        new = False
    from app.core.scene import Scene
    from app.ui.main_window import MainWindow

    print("imported", time.monotonic(), flush=True)
    app = application()
    w = MainWindow(Scene.from_preset("peaks"), remember=False)

    seen = []

    def on_frame() -> None:
        arrived = w.view.picture is not None if new else w.view.mesh is not None
        if arrived and not seen:
            seen.append(time.monotonic())
            print("first_frame", seen[0], flush=True)
            app.exit(0)

    w.view.frame_drawn.connect(on_frame)
    w.show()
    print("shown", time.monotonic(), flush=True)
    rc = app.exec() if not seen else 0      # the old tree may paint inside show()
    w.close()
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
