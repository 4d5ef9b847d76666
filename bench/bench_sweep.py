"""Learning-rate sweep benchmarks: 200 η of the gradient rule from one start in one batch, and
the 60 × 40 momentum η × β map, in walker-steps per second (steps actually taken)."""

from __future__ import annotations

import numpy as np

from app.core.expression import compile_expression
from app.core.sweep import learning_rates, momentum_map, sweep_rule
from bench.bench_core import PEAKS
from bench.timing import median_seconds

START = (-0.2, 1.2)        # the peaks preset's start
DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))


def rows() -> list[tuple[str, float, str]]:
    func = compile_expression(PEAKS)
    lrs = learning_rates(1e-4, 10.0, 200)
    out = []
    res = {}

    def sweep() -> None:
        res["s"] = sweep_rule(func, "gradient", START, lrs, max_steps=500, gtol=0.0,
                              domain=DOMAIN)

    t = median_seconds(sweep, repeat=5)
    steps = int(np.sum(res["s"].steps))
    out.append(("sweep: 200 η × ≤500 steps, gradient rule on peaks", steps / t,
                "walker-steps/s"))
    out.append(("sweep: 200 η × ≤500 steps, gradient rule on peaks (wall)", t * 1e3, "ms"))

    def heat() -> None:
        res["m"] = momentum_map(func, START, learning_rates(1e-4, 10.0, 60),
                                np.linspace(0.0, 0.99, 40), max_steps=500, gtol=0.0,
                                domain=DOMAIN)

    t = median_seconds(heat, repeat=3)
    out.append(("sweep: momentum map 60 η × 40 β × ≤500 steps on peaks",
                int(np.sum(res["m"].steps)) / t, "walker-steps/s"))
    return out
