"""A learning-rate sweep in words and numbers: strict JSON, a compact table, and the words
and colours the figure and the window share.

The table shows every k-th run (k = ⌈N/ROWS⌉; all of them up to 1.5·ROWS), the first and
last, the runs on both sides of every change of outcome (converged → diverged, …) and the
fastest one; a rule line marks where η crosses the stability limit (η = 2/λmax for
gradient descent).
"""

from __future__ import annotations

import math

import numpy as np

from app.core.sweep import RuleSweep, Sweep
from app.core.trajectory import StopReason

ROWS = 20
OUTCOME_COLORS = {  # one colour per stop reason, in the figure, the window and its table
    StopReason.CONVERGED: "#2ca02c", StopReason.DIVERGED: "#d62728",
    StopReason.MAX_STEPS: "#8c8c8c", StopReason.STALLED: "#ff7f0e",
    StopReason.LEFT_DOMAIN: "#9467bd", StopReason.UNDEFINED: "#3b3b3b",
}
OUTCOME_WORDS = {
    StopReason.CONVERGED: "converged", StopReason.DIVERGED: "diverged",
    StopReason.MAX_STEPS: "step limit", StopReason.STALLED: "stalled",
    StopReason.LEFT_DOMAIN: "left domain", StopReason.UNDEFINED: "undefined",
}


def finite_or_none(v: float) -> float | None:
    """A number for strict JSON: NaN and ±inf become null."""
    v = float(v)
    return v if math.isfinite(v) else None


def sweep_json(sw: Sweep, index: int = 0) -> dict:
    """The sweep of ``sw.rules[index]``: {"runs": [{"lr", "steps", "stop_reason", "final_f"},
    …]} and what it was run for (function, rule, start, curvature, limit); no NaN."""
    r = sw.rules[index]
    runs = [{"lr": float(r.lrs[i]), "steps": int(r.steps[i]),
             "stop_reason": r.reason(i).value, "final_f": finite_or_none(r.final_f[i])}
            for i in range(len(r.lrs))]
    return {"expression": sw.expression, "rule": r.rule.value, "params": dict(r.params),
            "start": list(sw.start), "eigenvalues": [finite_or_none(v) for v in sw.eigenvalues],
            "stability_limit": None if r.limit is None else finite_or_none(r.limit),
            "gtol": sw.gtol, "max_steps": sw.max_steps, "runs": runs,
            "race": [{"walker": row.label, "steps": row.steps, "stop_reason": row.reason.value,
                      "final_f": finite_or_none(row.final_f), "message": row.message}
                     for row in sw.race]}


def race_lines(sw: Sweep) -> list[str]:
    """The scene's walkers: steps, f where each ended, why it stopped."""
    if not sw.race:
        return []
    width = max(len(r.label) for r in sw.race) + 4
    out = ["the scene's walkers:", f"  {'walker':<{width}} {'steps':>6} {'final f':>12}  stopped"]
    for i, r in enumerate(sw.race, start=1):
        out.append(f"  {f'{i} {r.label}':<{width}} {r.steps:6d} {r.final_f:12.5g}  {r.message}")
    return out


def limit_words(r: RuleSweep) -> str:
    """'η = 2/λmax = 0.1', or '' when the rule has no such limit."""
    return f"η = {r.limit_form} = {r.limit:.4g}" if r.limit is not None else ""


def _every(n: int) -> int:
    """Show every k-th run: all of them when there are at most 1.5·ROWS."""
    return 1 if n <= 1.5 * ROWS else math.ceil(n / ROWS)


def _shown(r: RuleSweep) -> list[int]:
    n = len(r.lrs)
    keep = set(range(0, n, _every(n))) | {n - 1}
    for i in r.changes:
        keep |= {i, i + 1}
    if r.fastest is not None:
        keep.add(r.fastest)
    return sorted(keep)


def summary(r: RuleSweep) -> str:
    """Converged for which η, the fastest, where it diverges — in one or two lines."""
    ok = np.flatnonzero(r.converged)
    if not ok.size:
        text = f"{r.rule.value}: no learning rate in this range converged"
    else:
        f = r.fastest
        assert f is not None
        text = (f"{r.rule.value}: converged for {ok.size} of {len(r.lrs)} learning rates, "
                f"η from {r.lrs[ok[0]]:.4g} to {r.lrs[ok[-1]]:.4g}; fastest η = "
                f"{r.lrs[f]:.4g} ({r.steps[f]} steps)")
    bad = np.flatnonzero(r.diverged)
    if bad.size:
        text += f"; diverged from η = {r.lrs[bad[0]]:.4g}"
    return text


def sweep_table(sw: Sweep) -> str:
    """The readable form of ``gradient-mountain sweep``: a header, a compact table per rule
    and a summary line."""
    start = ", ".join(f"{v:g}" for v in sw.start)
    lam = ", ".join(f"{v:.4g}" for v in sw.eigenvalues) or "not defined"
    out = [f"f = {sw.expression}", f"start ({start}); Hessian eigenvalues there λ = {lam}",
           f"tolerance ‖∇f‖ ≤ {sw.gtol:g}, at most {sw.max_steps} steps"]
    for r in sw.rules:
        out += ["", f"rule {r.rule.value}: {r.rule.formula}"]
        if r.limit is not None:
            out.append(f"stable near the start for {limit_words(r).replace('=', '<', 1)}")
        k = _every(len(r.lrs))
        if k > 1:
            out.append(f"every {k}th of {len(r.lrs)} runs, and those on both sides of a "
                       "change of outcome")
        out.append(f"{'η':>12} {'steps':>6}  {'stopped':<12} {'final f':>12}")
        crossed = False
        for i in _shown(r):
            if r.limit is not None and not crossed and r.lrs[i] >= r.limit:
                out.append(f"{'':>12} ── {limit_words(r)} ──")
                crossed = True
            note = "  ← fastest" if i == r.fastest else ""
            out.append(f"{r.lrs[i]:12.4g} {r.steps[i]:6d}  "
                       f"{OUTCOME_WORDS[r.reason(i)]:<12} {r.final_f[i]:12.5g}{note}")
        out += ["", summary(r)]
    race = race_lines(sw)
    return "\n".join([*out, *([""] if race else []), *race])
