"""Picking benchmarks (need a display: run under xvfb-run): how long one pick takes on the real
window's camera at a 300² mesh (goal < 5 ms), and one whole drag step (pick + the previewed
descent + drawing it in 3D and on the map)."""

from __future__ import annotations

import statistics
import time

import numpy as np

from app.core.picking import pick_start, project
from app.core.scene import Scene
from app.core.walks import display_function
from bench.bench_gui import _dispose, _window


def _pixels(w, n: int = 25) -> list[tuple[float, float]]:
    """Pixels of surface points spread over the domain (some hidden: those hit a hill)."""
    pic = w.view.picture
    (x0, x1), (y0, y1) = pic.domain
    vs, f = pic.mesh.vscale, display_function(w.model.func)
    mvp, vp = w.picker.matrices()
    rng = np.random.default_rng(0)
    out = []
    for x, y in zip(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n), strict=True):
        z = float(vs.to_display(f.value(np.float64(x), np.float64(y))))
        px = project(np.array([x, y, z]), mvp, vp)
        if px is not None:
            out.append(px)
    return out


def _median_ms(fn, pixels) -> float:
    times = []
    for px in pixels * 3:
        t0 = time.perf_counter()
        fn(px)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def pick_rows(preset: str) -> list[tuple[str, float, str]]:
    from app.ui.application import wait_for

    app, w = _window(Scene.from_preset(preset, resolution=300))
    pic = w.view.picture
    vs = pic.mesh.vscale
    mvp, vp = w.picker.matrices()
    height = w.picker.height()
    zr = (float(vs.to_display(vs.lo)), float(vs.to_display(vs.hi)))
    pixels = _pixels(w)
    previews: list[object] = []
    w.model.preview_changed.connect(previews.append)

    def pick(px):
        pick_start(px[0], px[1], mvp, vp, height, pic.domain, z_range=zr)

    def drag_step(px):
        # as a mouse move while dragging: the picker emits the start, the window asks the
        # model for the preview, the model sends the path back to the 3D view and the map
        start = w.picker.start_at(px[0], px[1], clamp=True)
        if start is not None:
            n = len(previews)
            w.picker._show_preview(start)
            assert wait_for(lambda: len(previews) > n and previews[-1] is not None,
                            [w.model.preview_changed], 30), "no preview came back"
        app.processEvents()

    rows = [(f"pick {preset} 300², 1280×800: one pick_start (goal < 5)",
             _median_ms(pick, pixels), "ms"),
            (f"pick {preset} 300²: drag step, pick + preview run + repaint",
             _median_ms(drag_step, pixels), "ms")]
    w.picker._end_drag(apply=False)
    w.model.preview_changed.disconnect(previews.append)
    _dispose(app, w)
    return rows


def rows() -> list[tuple[str, float, str]]:
    return pick_rows("peaks") + pick_rows("rosenbrock")


if __name__ == "__main__":
    for label, value, unit in rows():
        print(f"{label:<72} {value:12.4g}  {unit}")
