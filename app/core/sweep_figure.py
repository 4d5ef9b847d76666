"""A learning-rate sweep as a figure for a slide (``sweep --out``), drawn on matplotlib's Agg
canvas (no window, no Qt; matplotlib is imported on first use).

Top: steps to reach ‖∇f‖ ≤ tolerance against η on a log axis, one dot per run coloured by how
it ended (runs that did not converge sit on the top edge); the rule's stability limit (η =
2/λmax for gradient descent) is a dashed line, the unstable side shaded. Bottom: f where each
run ended (symmetric-log axis: 0 and 10¹⁴ on one plot) with f(x_0) dotted. With a momentum
map, a third panel shows steps over η × β with the limit η = 2(1 + β)/λmax.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from app.core.sweep import MomentumMap, RuleSweep, Sweep
from app.core.sweep_report import OUTCOME_COLORS, OUTCOME_WORDS, limit_words
from app.core.trajectory import CODES, StopReason

UNSTABLE = "#fbe3e1"


def _mark_limit(ax, r: RuleSweep, label: bool) -> None:
    if r.limit is None:
        return
    ax.axvspan(r.limit, r.lrs[-1] * 10, color=UNSTABLE, zorder=0,
               label="unstable side" if label else None)
    ax.axvline(r.limit, color="black", ls="--", lw=1.4, zorder=2)
    if label:
        ax.annotate(limit_words(r), xy=(r.limit, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-6, -8), textcoords="offset points", ha="right", va="top",
                    fontsize=11, fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "black",
                          "lw": 0.8})


def _runs(ax, r: RuleSweep, y: np.ndarray, label: bool) -> None:
    """The runs as dots coloured by outcome, converged ones joined by a line."""
    ok = r.converged
    ax.plot(r.lrs[ok], y[ok], "-", color=OUTCOME_COLORS[StopReason.CONVERGED], lw=1.2,
            alpha=0.6, zorder=3)
    for code in np.unique(r.reasons):
        why = CODES[int(code)]
        m = r.reasons == code
        ax.scatter(r.lrs[m], y[m], s=22, color=OUTCOME_COLORS[why], zorder=4,
                   marker="o" if why is StopReason.CONVERGED else "X",
                   label=f"{OUTCOME_WORDS[why]} ({int(m.sum())})" if label else None)


def _steps_panel(ax, sw: Sweep, r: RuleSweep) -> None:
    y = np.where(r.converged, r.steps, sw.max_steps).astype(float)
    _mark_limit(ax, r, True)
    _runs(ax, r, y, True)
    f = r.fastest
    if f is not None:
        ax.scatter([r.lrs[f]], [r.steps[f]], s=180, marker="*", color="gold",
                   edgecolors="black", zorder=5, label=f"fastest: η = {r.lrs[f]:.3g}, "
                   f"{r.steps[f]} steps")
    ax.set_ylim(0, sw.max_steps * 1.08)
    ax.set_ylabel(f"steps to ‖∇f‖ ≤ {sw.gtol:g}\n(not converged: top edge)")
    ax.legend(loc="best", fontsize=9, framealpha=0.95)


def _value_panel(ax, sw: Sweep, r: RuleSweep, f0: float) -> None:
    y = np.asarray(r.final_f, float)
    _mark_limit(ax, r, False)
    _runs(ax, r, np.where(np.isfinite(y), y, np.nan), False)
    if np.isfinite(f0):
        ax.axhline(f0, color="#555555", ls=":", lw=1.2, label=f"f at the start = {f0:.4g}")
        ax.legend(loc="upper left", fontsize=9, framealpha=0.95)
    finite = y[np.isfinite(y)]
    scale = abs(f0) if np.isfinite(f0) and f0 != 0 else 1.0
    # linear for |f| below ~0.1 % of |f(x_0)| (a power of ten: a tick), logarithmic above
    ax.set_yscale("symlog", linthresh=10.0 ** np.floor(np.log10(1e-3 * scale)), linscale=1.5)
    ax.yaxis.get_major_locator().set_params(numticks=9)
    if finite.size:
        lo, hi = min(float(finite.min()), 0.0), max(float(finite.max()), f0 if
                                                     np.isfinite(f0) else 0.0, 0.0)
        ax.set_ylim(lo * 3 if lo < 0 else 0.0, hi * 5 if hi > 0 else 1e-3 * scale)
    ax.set_ylabel("f where the run ended")
    ax.set_xlabel("learning rate η (log scale)")


def _momentum_panel(fig, ax, m: MomentumMap, max_steps: int) -> None:
    """Steps to tolerance over η × β (converged cells, log colour scale); the other cells in
    their outcome's colour; the limit η = 2(1 + β)/λmax dashed; the fastest cell starred."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    steps = np.where(m.converged, m.steps, np.nan).astype(float)
    mesh = ax.pcolormesh(m.lrs, m.betas, steps.T, shading="nearest", cmap="viridis_r",
                         norm=_lognorm(steps, max_steps), zorder=1)
    other = np.where(m.converged, np.nan, m.reasons).T.astype(float)   # the reason's index
    ax.pcolormesh(m.lrs, m.betas, other, shading="nearest", zorder=1, vmin=-0.5,
                  vmax=len(CODES) - 0.5, cmap=ListedColormap([OUTCOME_COLORS[r] for r in CODES]))
    handles: list = [Patch(color=OUTCOME_COLORS[CODES[int(c)]], label=OUTCOME_WORDS[CODES[int(c)]])
                     for c in np.unique(m.reasons[~m.converged])]
    ok = np.isfinite(m.limits)
    if ok.any():
        ax.plot(m.limits[ok], m.betas[ok], "--", color="white", lw=2.6)
        handles += ax.plot(m.limits[ok], m.betas[ok], "--", color="black", lw=1.3,
                           label="η = 2(1+β)/λmax")
    best = m.fastest
    title = "momentum, η × β"
    if best is not None:
        i, j = best
        handles.append(ax.scatter([m.lrs[i]], [m.betas[j]], s=180, marker="*", color="gold",
                                  edgecolors="black", zorder=5, label="fastest"))
        title += (f": fastest η = {m.lrs[i]:.3g}, β = {m.betas[j]:.2g} "
                  f"({m.steps[i, j]} steps)")
    ax.set_title(title, fontsize=11)
    if handles:
        ax.legend(handles=handles, loc="upper right", fontsize=9, framealpha=0.95)
    ax.set_xscale("log")
    ax.set_xlim(m.lrs[0], m.lrs[-1])
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel("β")
    fig.colorbar(mesh, ax=ax, label="steps to tolerance", pad=0.01)


def _lognorm(steps: np.ndarray, max_steps: int):
    from matplotlib.colors import LogNorm

    lo = float(np.nanmin(steps)) if np.isfinite(steps).any() else 1.0
    return LogNorm(vmin=max(lo, 1.0), vmax=max(float(max_steps), lo + 1.0))


def save_sweep_figure(sw: Sweep, path: str | Path, title: str, f0: float = float("nan"),
                      index: int = 0) -> None:
    """Write the figure of ``sw.rules[index]`` (and ``sw.momentum`` if any) to ``path`` (PNG
    unless its suffix names another format matplotlib writes). OSError/ValueError if it
    cannot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    r = sw.rules[index]
    rows = 3 if sw.momentum is not None else 2
    fig = Figure(figsize=(10.0, 3.4 * rows + 0.8), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, gridspec_kw={"height_ratios": [3, 2, 3][:rows]})
    top, bottom = axes[0], axes[1]
    bottom.sharex(top)
    _steps_panel(top, sw, r)
    _value_panel(bottom, sw, r, f0)
    top.set_xscale("log")
    top.set_xlim(r.lrs[0] / 1.15, r.lrs[-1] * 1.15)
    top.tick_params(labelbottom=False)
    for ax in axes[:2]:
        ax.grid(True, which="major", alpha=0.3)
    if sw.momentum is not None:
        _momentum_panel(fig, axes[2], sw.momentum, sw.max_steps)
    fig.suptitle(title, fontsize=13)
    with warnings.catch_warnings():   # huge f values: "constrained_layout not applied"
        warnings.simplefilter("ignore")
        fig.savefig(str(path), facecolor="white")
