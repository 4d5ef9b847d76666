"""Export benchmarks (need a display): end-to-end PNG export vs matplotlib, GIF and MP4."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from app.core.animation import AnimationSettings
from app.core.scene import Scene
from app.export.writers import export_frames

SIZE = (800, 600)


def _ours(resolution: int, suffix: str, frames: int) -> float:
    from app.ui.application import application
    from app.ui.render.frames import render_animation

    application()
    scene = Scene.from_preset("peaks", resolution=resolution)
    settings = AnimationSettings(size=SIZE, frames=frames)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        export_frames(render_animation(scene, settings), Path(d) / f"out{suffix}", fps=30)
        return frames / (time.perf_counter() - t0)


def _matplotlib(resolution: int, frames: int) -> float:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scene = Scene.from_preset("peaks")
    func = scene.compile()
    traj, = scene.run_all(func)
    g = np.linspace(-3, 3, resolution)
    X, Y = np.meshgrid(g, g)
    Z = func.value(X, Y)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        for i in range(frames):
            fig = plt.figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
            ax = fig.add_subplot(projection="3d")
            ax.plot_surface(X, Y, Z, cmap="terrain", linewidth=0)
            p = traj.points[min(i, traj.steps)]
            ax.scatter([p[0]], [p[1]], [func.value(p[0], p[1])], color="red", s=40)
            fig.savefig(Path(d) / f"frame_{i:05d}.png")
            plt.close(fig)
        return frames / (time.perf_counter() - t0)


def rows() -> list[tuple[str, float, str]]:
    out: list[tuple[str, float, str]] = []
    for res, mpl_frames in ((200, 8), (500, 3)):
        ours = _ours(res, "", 60)
        mpl = _matplotlib(res, mpl_frames)
        out += [(f"PNG export 800×600, {res}² mesh: ours", ours, "frames/s"),
                (f"PNG export 800×600, {res}² mesh: matplotlib plot_surface+savefig", mpl,
                 "frames/s"),
                (f"PNG export 800×600, {res}² mesh: ratio (goal ≥ 10)", ours / mpl, "×")]
    out.append(("GIF export 800×600, 150² mesh, end to end", _ours(150, ".gif", 60), "frames/s"))
    out.append(("MP4 export 800×600, 150² mesh, end to end", _ours(150, ".mp4", 60), "frames/s"))
    return out
