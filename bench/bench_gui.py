"""GUI benchmarks (need a display: run under xvfb-run): surface update vs pyqtgraph's own
GLSurfacePlotItem, frames per second while playing, time from launch to the first frame."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from app.core.expression import compile_expression
from app.core.scene import WALKER_COLORS, Scene, Walker
from app.core.surface import build_mesh, drop_walls
from bench.bench_core import PEAKS
from bench.timing import median_seconds

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))


def _app():
    from app.ui.application import application

    return application()


def _median(fn, repeat: int) -> float:
    return median_seconds(fn, repeat=repeat, warmup=0)


def _dispose(app, widget) -> None:
    """close + deleteLater + deliver the deletion now (GL widgets must not be left to the
    garbage collector)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def _window(scene: Scene, size: tuple[int, int] = (1280, 800)):
    """The real window on ``scene``, shown, with its walks in and its surface drawn."""
    from app.ui.application import wait_for, window_ready
    from app.ui.main_window import MainWindow

    app = _app()
    w = MainWindow(scene, remember=False)
    w.resize(*size)
    w.show()
    ok = wait_for(lambda: window_ready(w) and w.view.frames > 0,
                  [w.model.busy_changed, w.view.surface_ready, w.view.frame_drawn])
    assert ok, f"the window did not get ready: {w.view.mesh_error or 'timeout'}"
    return app, w


def surface_rows() -> list[tuple[str, float, str]]:
    """One update = new data + one drawn frame (pyqtgraph computes normals lazily at draw)."""
    import pyqtgraph.opengl as gl

    app = _app()
    view = gl.GLViewWidget()
    view.resize(800, 600)
    view.show()
    app.processEvents()
    base = gl.GLSurfacePlotItem(shader="shaded", smooth=True, computeNormals=True)
    ours = gl.GLMeshItem(smooth=True, computeNormals=False, shader=None)
    view.addItem(base)
    view.addItem(ours)
    func = compile_expression(PEAKS)
    rows, ratio = [], 0.0
    for n in (200, 500):
        xs = np.linspace(-3, 3, n)
        gx, gy = np.meshgrid(xs, xs, indexing="ij")
        z = func.value(gx, gy)

        def baseline(z=z, xs=xs):
            base.setData(x=xs, y=xs, z=z * (1.0 + 1e-9 * np.random.rand()))
            view.grabFramebuffer()

        def our_path(n=n):
            f = compile_expression(PEAKS)
            mesh = drop_walls(f, build_mesh(f, DOMAIN, n))
            ours.setMeshData(vertexes=mesh.vertices, faces=mesh.faces, vertexColors=mesh.colors)
            view.grabFramebuffer()

        ours.setVisible(False)
        base.setVisible(True)
        t_base = _median(baseline, 3)
        base.setVisible(False)
        ours.setVisible(True)
        t_ours = _median(our_path, 5)
        mesh_only = _median(lambda n=n: build_mesh(func, DOMAIN, n), 5)
        rows += [(f"surface update {n}²: GLSurfacePlotItem.setData(z) + draw (baseline)",
                  t_base * 1e3, "ms"),
                 (f"surface update {n}²: ours, compile + build_mesh + upload + draw",
                  t_ours * 1e3, "ms"),
                 (f"surface update {n}²: of which build_mesh (f, ∇f, normals, colours)",
                  mesh_only * 1e3, "ms")]
        ratio = t_base / t_ours
    rows.append(("surface update 500²: speed-up ours vs baseline (goal ≥ 10)", ratio, "×"))
    _dispose(app, view)
    return rows


def playing_fps(seconds: float = 3.0, walkers: int = 1) -> float:
    """Frames actually painted per second while the walkers play, 300² mesh, 1280×800."""
    from PySide6.QtCore import QEventLoop, QTimer

    def run_loop(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    # 27 steps at 4 steps/s: the walker is still moving when the count ends
    scene = Scene.from_preset("himmelblau", resolution=300, speed=4.0)
    if walkers > 1:
        extra = [Walker("gradient", 0.01, (), (-0.5 + 0.4 * i, -0.5 - 0.3 * i),
                        WALKER_COLORS[i % len(WALKER_COLORS)]) for i in range(1, walkers)]
        scene = scene.replace(walkers=[scene.walkers[0], *extra])
    app, w = _window(scene)
    w.model.play()
    run_loop(500)                                       # warm up
    f0, t0 = w.view.frames, time.perf_counter()
    run_loop(int(seconds * 1000))
    assert w.model.playing, "the walker stopped before the count ended"
    fps = (w.view.frames - f0) / (time.perf_counter() - t0)
    w.model.pause()
    _dispose(app, w)
    return fps


_LAUNCH = """
import sys, time
from app.core.scene import Scene
from app.ui.application import application
from app.ui.main_window import MainWindow
app = application()
w = MainWindow(Scene.from_preset("peaks"), remember=False)
w.view.frame_drawn.connect(lambda: (print(time.monotonic(), flush=True), app.exit(0)))
w.show()
app.exec()
"""


def launch_seconds(repeat: int = 3) -> float:
    """From starting the interpreter to the first painted frame of the window (peaks, 150²)."""
    times = []
    for _ in range(repeat):
        t0 = time.monotonic()
        out = subprocess.run([sys.executable, "-c", _LAUNCH], cwd=ROOT, capture_output=True,
                             text=True, timeout=120, check=True).stdout.split()
        times.append(float(out[0]) - t0)
    return statistics.median(times)


def rows() -> list[tuple[str, float, str]]:
    out = surface_rows()
    out.append(("animation while playing: 300² mesh, 1280×800 window (goal ≥ 30)",
                playing_fps(), "frames/s"))
    out.append(("animation while playing: 5 walkers, 300² mesh, 1280×800 window",
                playing_fps(walkers=5), "frames/s"))
    out.append(("launch to first drawn frame (python start … first paint)",
                launch_seconds(), "s"))
    return out


if __name__ == "__main__":
    for label, value, unit in rows():
        print(f"{label:<72} {value:12.4g}  {unit}")
