"""`python -m bench`: print a table of medians (run under a display for the GUI rows)."""

from __future__ import annotations

import importlib
import os
import sys

CORE = ("bench.bench_core", "bench.bench_params", "bench.bench_sweep")   # no display needed


def main() -> int:
    modules = [*CORE, "bench.bench_gui", "bench.bench_export", "bench.bench_pick",
               "bench.bench_responsive", "bench.bench_limits"]
    only = sys.argv[1:]
    print(f"{'benchmark':<72} {'median':>12}  unit")
    for name in modules:
        if only and not any(o in name for o in only):
            continue
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            print(f"# {name}: not available ({e})")
            continue
        if name not in CORE and not os.environ.get("DISPLAY"):
            print(f"# {name}: skipped, no DISPLAY (run under xvfb-run)")
            continue
        for label, value, unit in mod.rows():
            print(f"{label:<72} {value:12.4g}  {unit}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
