"""The export benchmark's baselines, each run as its own process so that the wall time is the
whole process (imports, surface, walk, rendering, encoding, teardown), like the app's CLI:

    python -m bench.baselines matplotlib|pyvista --res 200 --frames 60 --out out.gif|out.mp4|dir

Both draw the peaks surface (the full res×res mesh, terrain colours) at 800×600, the walker
as a moving point and a caption (step, f, ‖∇f‖) updated in place; the walk is the app's
default peaks walker (stride rule, η = 0.1, start (−0.2, 1.2), 8 steps/s at 30 frames/s),
computed with numpy here so the baselines pay no import of the app.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

SIZE = (800, 600)
FPS = 30
SPEED = 8.0          # steps per second (the peaks preset's)
LR = 0.1
START = (-0.2, 1.2)
DOMAIN = (-3.0, 3.0)
Z_SCALE = 0.35       # pyvista draws x, y and z at one scale: flatten the peaks like the app


def peaks(x, y):
    return (3 * (1 - x) ** 2 * np.exp(-x ** 2 - (y + 1) ** 2)
            - 10 * (x / 5 - x ** 3 - y ** 5) * np.exp(-x ** 2 - y ** 2)
            - np.exp(-(x + 1) ** 2 - y ** 2) / 3)


def grad(x: float, y: float, h: float = 1e-6) -> np.ndarray:
    return np.array([(peaks(x + h, y) - peaks(x - h, y)) / (2 * h),
                     (peaks(x, y + h) - peaks(x, y - h)) / (2 * h)])


def walk(steps: int) -> np.ndarray:
    """The stride rule: a step of length η against the gradient."""
    p = np.array(START, float)
    out = [p.copy()]
    for _ in range(steps):
        g = grad(*p)
        n = float(np.hypot(*g))
        if n < 1e-6:
            break
        p = p - LR * g / n
        out.append(p.copy())
    return np.array(out)


def positions(frames: int, norm: str = "‖∇f‖") -> tuple[np.ndarray, list[str]]:
    """(frames, 3) points of the walker (gliding between steps) and the captions."""
    path = walk(int(np.ceil(frames * SPEED / FPS)) + 1)
    pts, captions = [], []
    for i in range(frames):
        s = min(i * SPEED / FPS, len(path) - 1)
        k = int(s)
        a = path[k] if k + 1 >= len(path) else path[k] + (s - k) * (path[k + 1] - path[k])
        z = float(peaks(*a))
        pts.append((a[0], a[1], z))
        captions.append(f"step {k}   f = {z:.4f}   {norm} = {np.hypot(*grad(*a)):.3g}")
    return np.array(pts), captions


def mesh(res: int):
    g = np.linspace(*DOMAIN, res)
    X, Y = np.meshgrid(g, g)
    return X, Y, peaks(X, Y)


def run_matplotlib(res: int, frames: int, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter

    X, Y, Z = mesh(res)
    pts, captions = positions(frames)
    fig = plt.figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(X, Y, Z, cmap="terrain", rcount=res, ccount=res, linewidth=0)
    dot, = ax.plot([pts[0, 0]], [pts[0, 1]], [pts[0, 2]], "o", color="red", markersize=7,
                   zorder=10)
    text = fig.text(0.02, 0.02, captions[0], fontsize=11)

    def update(i: int):
        dot.set_data_3d([pts[i, 0]], [pts[i, 1]], [pts[i, 2]])
        text.set_text(captions[i])
        return dot, text

    if out.suffix == "":
        out.mkdir(parents=True, exist_ok=True)
        for i in range(frames):
            update(i)
            fig.savefig(out / f"frame_{i:05d}.png")
        return
    anim = FuncAnimation(fig, update, frames=frames, blit=False)
    if out.suffix == ".gif":
        anim.save(out, writer=PillowWriter(fps=FPS))
    else:
        import imageio_ffmpeg

        matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        anim.save(out, writer=FFMpegWriter(fps=FPS))


def run_pyvista(res: int, frames: int, out: Path) -> None:
    import pyvista as pv

    X, Y, Z = mesh(res)
    pts, captions = positions(frames, norm="norm grad f")  # VTK's font: no ‖, ∇ or |
    pts[:, 2] *= Z_SCALE
    pl = pv.Plotter(off_screen=True, window_size=list(SIZE))
    pl.disable_anti_aliasing()                         # MSAA off
    grid = pv.StructuredGrid(X, Y, Z * Z_SCALE)
    pl.add_mesh(grid, scalars=grid.points[:, 2].copy(), cmap="terrain", show_scalar_bar=False)
    dot = pv.PolyData(pts[:1].copy())
    pl.add_mesh(dot, color="red", point_size=14, render_points_as_spheres=True)
    text = pl.add_text(captions[0], position=(10, 10), font_size=11)
    pl.view_vector((-1.0, -1.7, 1.3))                 # from the front left, like the app

    def update(i: int) -> None:
        dot.points[:] = pts[i]
        dot.Modified()
        text.SetInput(captions[i])                     # the caption, updated in place

    if out.suffix == "":
        out.mkdir(parents=True, exist_ok=True)
        for i in range(frames):
            update(i)
            pl.render()                                # screenshot alone does not re-render
            pl.screenshot(out / f"frame_{i:05d}.png")
    else:
        if out.suffix == ".gif":
            pl.open_gif(str(out), fps=FPS)
        else:
            pl.open_movie(str(out), framerate=FPS)
        for i in range(frames):
            update(i)
            pl.write_frame()
    pl.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tool", choices=["matplotlib", "pyvista"])
    p.add_argument("--res", type=int, default=200)
    p.add_argument("--frames", type=int, default=60)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    t0 = time.perf_counter()
    (run_matplotlib if a.tool == "matplotlib" else run_pyvista)(a.res, a.frames, a.out)
    print(f"{a.tool}: {a.frames} frames in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
