"""Where an export's time goes (needs a display): the phases of one in-process export of the
peaks walk and, per frame, seek / paint / readback / caption band, in milliseconds.

    python -m bench.profile_export [--res 200] [--frames 60] [--out out.gif]

For the whole process under cProfile:
    python -m cProfile -s cumtime main.py export --scene peaks200.json --frames 60 --out o.gif
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--res", type=int, default=200)
    p.add_argument("--frames", type=int, default=60)
    p.add_argument("--size", default="800x600")
    p.add_argument("--out", default="out.gif")
    a = p.parse_args()

    marks: list[tuple[str, float]] = []
    last = [T0]

    def mark(name: str) -> None:
        now = time.perf_counter()
        marks.append((name, now - last[0]))
        last[0] = now

    from app.core.animation import AnimationSettings
    from app.core.scene import Scene
    from app.export.writers import export_frames
    from app.ui.application import application
    from app.ui.render.frames import FrameSource, total_frames

    mark("imports")
    w, h = (int(v) for v in a.size.split("x"))
    scene = Scene.from_preset("peaks", resolution=a.res)
    settings = AnimationSettings(size=(w, h), frames=a.frames)
    total = total_frames(scene, settings)
    mark("total_frames (compile + walks)")
    application()
    mark("QApplication")
    source = FrameSource(scene, settings)
    mark("FrameSource()")
    source.wait_ready()
    mark("wait_ready (compile, surface, walks, first paint)")

    view = source.view
    phases: dict[str, list[float]] = {"frame total": []}

    waits: list[float] = []
    last_yield = [0.0]

    def frames():
        for i in range(total):
            t = time.perf_counter()
            if i:
                waits.append(t - last_yield[0])      # handing the frame to the encoder
            f = source.frame(i)
            phases["frame total"].append(time.perf_counter() - t)
            last_yield[0] = time.perf_counter()
            yield f

    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / a.out
        export_frames(frames(), out, fps=settings.fps, total=total)
        end = time.perf_counter()
        mark(f"render + encode {total} frames")
        marks.append(("  of which: main thread in frame()", sum(phases["frame total"])))
        marks.append(("  of which: main thread handing frames over", sum(waits)))
        marks.append(("  of which: after the last frame (drain, close)", end - last_yield[0]))
        size = sum(f.stat().st_size for f in ([out] if out.is_file() else out.iterdir()))

    mark("(sizes)")
    # the parts of one frame, measured apart
    from app.ui.render.caption import draw_band, font_px

    def timed(name, fn, n=20):
        ts = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        phases[name] = ts

    timed("model.seek", lambda: source.model.seek(3.0))
    if hasattr(view, "grabFramebuffer"):
        timed("grabFramebuffer (paint + resolve + read + QImage)", view.grabFramebuffer)
        timed("render_array(None)", lambda: view.render_array(None))

        def paint_only():
            view.makeCurrent()
            view.paintGL()
            from OpenGL import GL
            GL.glFinish()
        timed("makeCurrent + paintGL + glFinish", paint_only)
    if source.walks is not None:
        timed("caption band", lambda: draw_band(w, source.band, source.walks, 3.0,
                                               px=font_px(h, settings.scale),
                                               background=(24, 26, 33, 255)))
    timed("frame_rgba", lambda: source.frame_rgba(5))
    samples = view.format().samples() if hasattr(view, "format") else 0
    last[0] = time.perf_counter()
    source.close()
    mark("close")
    print(f"samples: {samples}  output: {size / 1000:.0f} KB")
    for name, dt in marks:
        print(f"{name:<55} {dt * 1000:9.1f} ms")
    for name, ts in phases.items():
        print(f"  per frame: {name:<48} median {statistics.median(ts) * 1000:7.2f} ms "
              f"(n={len(ts)})")
    print(f"{'in-process total (with the per-frame probes)':<55} "
          f"{(time.perf_counter() - T0) * 1000:9.1f} ms")
    print(f"exit at {time.time():.3f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
