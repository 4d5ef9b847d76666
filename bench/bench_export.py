"""Export benchmark (needs a display): whole-process wall time of exporting the peaks walk at
800×600, 60 frames, as PNG frames / GIF / MP4 at a 200² and a 500² mesh — the app's command
line against matplotlib (plot_surface of the full mesh + FuncAnimation's writers) and, if it
is installed, pyvista (off-screen, MSAA off, caption updated in place); see bench/baselines.py.

Every run is its own process, started here with this interpreter and this display:

    app:        python main.py export --scene peaks<N>.json --size 800x600 --frames 60 --out …
    baselines:  python -m bench.baselines matplotlib|pyvista --res N --frames 60 --out …

``python -m bench export`` prints the rows; ``python -m bench.bench_export`` prints a table
too. BENCH_EXPORT_REPEAT (default 3) runs of the app, BENCH_EXPORT_BASELINE_REPEAT (default 1)
of each baseline (matplotlib at 500² takes about a minute per format); the median is kept.
BENCH_EXPORT_MESHES=200,500, BENCH_EXPORT_FORMATS=png,gif,mp4 and
BENCH_EXPORT_TOOLS=matplotlib,pyvista (empty: the app alone) narrow the grid.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = "800x600"
FRAMES = 60
OUT = {"png": "frames", "gif": "out.gif", "mp4": "out.mp4"}


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _run(cmd: list[str], out: Path) -> float:
    """Wall seconds of one process that writes ``out`` (removed first)."""
    if out.is_dir():
        shutil.rmtree(out)
    elif out.exists():
        out.unlink()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - t0
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n"
                           f"{done.stderr[-2000:]}")
    return seconds


def _median(cmd: list[str], out: Path, repeat: int) -> float:
    return statistics.median(_run(cmd, out) for _ in range(max(1, repeat)))


def _scene_file(folder: Path, resolution: int) -> Path:
    from app.core.scene import Scene
    from app.core.scene_file import save_scene

    path = folder / f"peaks{resolution}.json"
    save_scene(path, Scene.from_preset("peaks", resolution=resolution))
    return path


def app_cmd(scene: Path, out: Path) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "export", "--scene", str(scene),
            "--size", SIZE, "--frames", str(FRAMES), "--out", str(out), "--force"]


def baseline_cmd(tool: str, resolution: int, out: Path) -> list[str]:
    return [sys.executable, "-m", "bench.baselines", tool, "--res", str(resolution),
            "--frames", str(FRAMES), "--out", str(out)]


def tools() -> list[str]:
    have = ["matplotlib"] if importlib.util.find_spec("matplotlib") else []
    if importlib.util.find_spec("pyvista") and importlib.util.find_spec("imageio"):
        have.append("pyvista")
    wanted = _env_list("BENCH_EXPORT_TOOLS", ",".join(have))
    return [t for t in have if t in wanted]


def measure() -> tuple[dict[tuple[str, int, str], float], dict[str, int]]:
    """{(tool, mesh, format): seconds}, {tool: bytes of its GIF at the first mesh}."""
    repeat = int(os.environ.get("BENCH_EXPORT_REPEAT", "3"))
    base_repeat = int(os.environ.get("BENCH_EXPORT_BASELINE_REPEAT", "1"))
    meshes = [int(m) for m in _env_list("BENCH_EXPORT_MESHES", "200,500")]
    formats = _env_list("BENCH_EXPORT_FORMATS", "png,gif,mp4")
    times: dict[tuple[str, int, str], float] = {}
    gif_bytes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as d:
        folder = Path(d)
        scenes = {m: _scene_file(folder, m) for m in meshes}
        _run(app_cmd(scenes[meshes[0]], folder / "warm.gif"), folder / "warm.gif")  # disk cache
        for m in meshes:
            for fmt in formats:
                out = folder / f"app-{m}-{OUT[fmt]}"
                times["app", m, fmt] = _median(app_cmd(scenes[m], out), out, repeat)
                if fmt == "gif" and m == meshes[0]:
                    gif_bytes["app"] = out.stat().st_size
                for tool in tools():
                    out = folder / f"{tool}-{m}-{OUT[fmt]}"
                    times[tool, m, fmt] = _median(baseline_cmd(tool, m, out), out, base_repeat)
                    if fmt == "gif" and m == meshes[0]:
                        gif_bytes[tool] = out.stat().st_size
    return times, gif_bytes


def rows() -> list[tuple[str, float, str]]:
    times, gif_bytes = measure()
    out: list[tuple[str, float, str]] = []
    for (tool, m, fmt), seconds in times.items():
        out.append((f"export {fmt.upper()} 800×600 ×{FRAMES}, {m}² mesh, whole process: {tool}",
                    seconds, "s"))
        if tool != "app":
            goal = 10 if tool == "matplotlib" else 3
            out.append((f"export {fmt.upper()} {m}²: {tool} / app (goal ≥ {goal})",
                        seconds / times["app", m, fmt], "×"))
    for tool, size in gif_bytes.items():
        out.append((f"GIF size, {FRAMES} frames 800×600: {tool}", size / 1000, "KB"))
    return out


def main() -> int:
    times, gif_bytes = measure()
    have = ["app", *tools()]
    print(f"whole-process seconds, peaks {SIZE}, {FRAMES} frames "
          f"(ratio = baseline / app; goal ≥ 10 vs matplotlib, ≥ 3 vs pyvista)")
    print(f"{'mesh':>5} {'format':>6} " + " ".join(f"{t:>11}" for t in have)
          + " " + " ".join(f"{t[:3] + '/app':>9}" for t in have[1:]))
    for m in sorted({k[1] for k in times}):
        for fmt in OUT:
            if ("app", m, fmt) not in times:
                continue
            app = times["app", m, fmt]
            print(f"{m:>4}² {fmt:>6} " + " ".join(f"{times[t, m, fmt]:>11.2f}" for t in have)
                  + " " + " ".join(f"{times[t, m, fmt] / app:>8.1f}×" for t in have[1:]))
    print("GIF bytes: " + ", ".join(f"{t} {b / 1000:.0f} KB" for t, b in gif_bytes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
