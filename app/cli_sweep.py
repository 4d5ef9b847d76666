"""``gradient-mountain sweep``: which learning rate? The options and the command.

The walker (``--walker``, the first by default) gives the rule (``--rule`` overrides it, as
for the other commands), its parameters and the start (``--start``); the rule runs from there
with ``--count`` learning rates log-spaced from ``--lr-min`` to ``--lr-max``, all in one batch
(``app.core.sweep``). Prints a compact table, or ``--json``; ``--out`` draws the figure
(with the η × β map for the momentum rule).
"""

from __future__ import annotations

import argparse
import json

MOMENTUM_GRID = (60, 40)      # η × β cells of the momentum map
BETAS = (0.0, 0.99)           # the β range of the momentum map


def add_sweep_options(p: argparse.ArgumentParser, number) -> None:
    """The sweep's own options (the scene options are added by the caller)."""
    p.add_argument("--lr-min", type=number, default=1e-4, metavar="A",
                   help="smallest learning rate (default 1e-4)")
    p.add_argument("--lr-max", type=number, default=10.0, metavar="B",
                   help="largest learning rate (default 10)")
    p.add_argument("--count", type=int, default=200, metavar="N",
                   help="how many learning rates, log-spaced from A to B (default 200)")
    p.add_argument("--walker", type=int, default=1,
                   help="whose rule, parameters and start (1 = the first walker)")
    p.add_argument("--gtol", type=number, help="converged when ‖∇f‖ ≤ this (default 1e-6)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--out", metavar="PNG", help="save the figure (steps and final f against η)")


def sweep_command(a: argparse.Namespace, scene, usage_error: type[Exception]) -> int:
    """Run the sweep the options describe and print (and draw) it."""
    import numpy as np

    from app.cli_checks import check_sweep_args, check_work
    from app.core.math_text import plain_of_function
    from app.core.sweep import learning_rates, sweep_scene
    from app.core.sweep_report import sweep_json, sweep_table

    check_sweep_args(a)
    if not a.lr_min < a.lr_max:
        raise usage_error("--lr-min and --lr-max: need 0 < A < B")
    if not 1 <= a.walker <= len(scene.walkers):
        raise usage_error(f"--walker: this scene has {len(scene.walkers)} walker(s)")
    w = scene.walkers[a.walker - 1]
    heat = bool(a.out) and w.rule == "momentum"
    cells = MOMENTUM_GRID[0] * MOMENTUM_GRID[1] if heat else 0
    check_work("sweep", a.count + cells, scene.max_steps)
    func = scene.compile()
    m_lrs = learning_rates(a.lr_min, a.lr_max, MOMENTUM_GRID[0])
    sw = sweep_scene(scene, func, walker=a.walker - 1, lrs=learning_rates(
        a.lr_min, a.lr_max, a.count), betas=np.linspace(*BETAS, MOMENTUM_GRID[1])
        if heat else None, momentum_lrs=m_lrs)
    if a.out:
        from app.core.sweep_figure import save_sweep_figure

        start = ", ".join(f"{v:g}" for v in w.start)
        text = plain_of_function(func)
        text = text if len(text) <= 85 else text[:84] + "…"
        title = (f"Which learning rate? The {w.rule} rule from ({start})\n{text}\n"
                 f"{a.count} values of η; converged: ‖∇f‖ ≤ {scene.gtol:g} within "
                 f"{scene.max_steps} steps")
        f0 = float(np.asarray(func.value(*np.asarray(w.start, float))))
        try:
            save_sweep_figure(sw, a.out, title, f0)
        except (OSError, ValueError) as e:
            raise usage_error(f"cannot write {a.out}: {e}") from None
    if a.json:
        print(json.dumps(sweep_json(sw), allow_nan=False))
    else:
        print(sweep_table(sw))
    return 0
