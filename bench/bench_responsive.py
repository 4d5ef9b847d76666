"""Responsiveness of the window, after the redesign (a020443) and before it (9b64703):

1. worst gap of the GUI event loop (a 10 ms timer's longest interval − 10 ms) while applying
   49 nested sin, meshing at 500², a 512² basins run and a 60-frame 640×360 GIF export;
2. frames per second of the 3D view while 1 / 5 / 20 / 100 walkers play (peaks, 1280×800);
3. expression edit at 500²: set_expression → surface_ready → next frame_drawn;
4. launch to the first frame with the surface (bench/launch_probe.py), and import times.

Each tree is measured by bench/responsive_probe.py in its own interpreter; the old tree is a
temporary ``git worktree`` at 9b64703 put first on sys.path (the .venv's editable install
points at this tree). Medians over 3 windows/runs (5 for the edit and the launch).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE_COMMIT = "9b64703"
BEFORE = Path("/tmp/gm_before")
HERE = Path(__file__).resolve().parent


def _env(tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _args(tree: Path | None) -> list[str]:
    return ["--tree", str(tree)] if tree is not None else []


def probe(tree: Path | None) -> dict[str, list[float]]:
    """All of 1–3 for one tree (its own interpreter: a fresh QApplication)."""
    out = subprocess.run([sys.executable, str(HERE / "responsive_probe.py"), *_args(tree)],
                         cwd=tree or ROOT, env=_env(tree), capture_output=True, text=True,
                         timeout=400)
    if out.returncode != 0:
        raise RuntimeError(f"responsive_probe failed ({tree or 'after'}):\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    want = str(tree or ROOT)
    if result["tree"][0] != want:
        raise RuntimeError(f"probe imported app from {result['tree'][0]}, not {want}")
    return result


def launch_seconds(tree: Path | None, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.monotonic()
        out = subprocess.run([sys.executable, str(HERE / "launch_probe.py"), *_args(tree)],
                             cwd=tree or ROOT, env=_env(tree), capture_output=True, text=True,
                             timeout=120, check=True).stdout
        marks: dict[str, str] = {}
        for line in out.splitlines():
            if line.strip():
                name, value = line.split()
                marks.setdefault(name, value)
        times.append(float(marks["first_frame"]) - t0)
    return statistics.median(times)


def import_times(tree: Path | None, top: int = 8) -> list[tuple[str, float]]:
    """The ``top`` largest cumulative import times (ms) of app.ui.main_window."""
    code = "import app.ui.main_window"
    if tree is not None:
        code = f"import sys; sys.path.insert(0, {str(tree)!r}); " + code
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=tree or ROOT,
                         env=_env(tree), capture_output=True, text=True, timeout=120,
                         check=True).stderr
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (p.strip() for p in line[len("import time:"):].split("|"))
        rows.append((name, int(cumulative) / 1e3))
    return sorted(rows, key=lambda r: -r[1])[:top]


def _worktree() -> bool:
    """Make the before-tree; True if this call made it (and must remove it)."""
    if (BEFORE / "app").is_dir():
        return False
    subprocess.run(["git", "worktree", "add", "--detach", str(BEFORE), BEFORE_COMMIT], cwd=ROOT,
                   check=True, capture_output=True)
    return True


LABELS = (
    ("gap_expression", "event-loop worst gap: apply 49 nested sin (goal < 100)", "ms"),
    ("gap_mesh500", "event-loop worst gap: mesh 150² → 500² (goal < 100)", "ms"),
    ("gap_basins", "event-loop worst gap: basins 512² (bowl) (goal < 100)", "ms"),
    ("gap_export", "event-loop worst gap: export 60 frames 640×360 GIF (goal < 100)", "ms"),
    ("fps_1", "playing, 1 walker, peaks 150², 1280×800", "frames/s"),
    ("fps_5", "playing, 5 walkers", "frames/s"),
    ("fps_20", "playing, 20 walkers", "frames/s"),
    ("fps_100", "playing, 100 walkers (goal ≥ 30)", "frames/s"),
    ("edit500", "expression edit at 500² → new mountain drawn (goal ≤ 150)", "ms"),
)


def rows() -> list[tuple[str, float, str]]:
    made = _worktree()
    try:
        after, before = probe(None), probe(BEFORE)
        out: list[tuple[str, float, str]] = []
        med = {}
        for key, label, unit in LABELS:
            for tag, res in (("after", after), ("before", before)):
                med[tag, key] = statistics.median(res[key])
                out.append((f"{label} [{tag}]", med[tag, key], unit))
        for tag in ("after", "before"):
            out.append((f"playing, fps 5 walkers / 1 walker (goal ≥ 0.9) [{tag}]",
                        med[tag, "fps_5"] / med[tag, "fps_1"], "×"))
        for tag, tree in (("after", None), ("before", BEFORE)):
            out.append((f"launch to first frame with the surface, peaks (goal ≤ 1.5) [{tag}]",
                        launch_seconds(tree), "s"))
        for name, ms in import_times(None):
            out.append((f"  import app.ui.main_window, cumulative: {name}", ms, "ms"))
        old = dict(import_times(BEFORE, top=1000))
        out.append(("  import app.ui.main_window, cumulative [before]",
                    old.get("app.ui.main_window", float("nan")), "ms"))
        return out
    finally:
        if made:
            subprocess.run(["git", "worktree", "remove", "--force", str(BEFORE)], cwd=ROOT,
                           check=False, capture_output=True)


if __name__ == "__main__":
    for label, value, unit in rows():
        print(f"{label:<72} {value:12.4g}  {unit}")
