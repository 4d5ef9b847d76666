"""The basin map as a picture with axes and a key (``basins --out``), drawn on matplotlib's
Agg canvas (no window, no Qt; matplotlib is imported on first use).

Each start's pixel has its basin's colour (``basin_colors``), centred on the start: pixel i
covers x_i ± Δx/2 with Δx = (x_max − x_min)/(N − 1). The minima are marked with an ✕ in their
basin's colour, and the key lists them (where, f, share of starts) and the other outcomes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.core.basins import OTHER_NAMES, OTHER_RGB, BasinMap, basin_colors

MAX_KEYED = 12   # minima listed one by one in the key; the rest are counted


def _extent(axis: np.ndarray) -> tuple[float, float]:
    half = 0.5 * (axis[-1] - axis[0]) / max(len(axis) - 1, 1)
    return float(axis[0] - half), float(axis[-1] + half)


def _hex(rgb) -> str:
    """'#rrggbb' of 0–255 channels."""
    return "#" + "".join(f"{int(v):02x}" for v in rgb)


def _key(bm: BasinMap) -> list:
    from matplotlib.patches import Patch

    colors = [_hex(c) for c in bm.minimum_colors]
    handles = []
    for k, m in enumerate(bm.minima[:MAX_KEYED]):
        where = ", ".join(f"{v:.4g}" for v in m.point)
        text = f"({where})  f = {m.f:.4g}   {100 * m.share:.1f} %"
        if m.unsettled:
            text += f" ({100 * m.unsettled:.1f} % still moving)"
        handles.append(Patch(facecolor=colors[k], edgecolor="black", label=text))
    if len(bm.minima) > MAX_KEYED:
        rest = sum(m.share for m in bm.minima[MAX_KEYED:])
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label=f"… {len(bm.minima) - MAX_KEYED} more minima, "
                                   f"{100 * rest:.1f} %"))
    shares = {code: getattr(bm, name) for code, name in
              ((-1, "diverged_share"), (-3, "left_share"), (-2, "unconverged_share"))}
    for code, share in shares.items():
        handles.append(Patch(facecolor=_hex(OTHER_RGB[code]), edgecolor="black",
                             label=f"{OTHER_NAMES[code]}   {100 * share:.1f} %"))
    return handles


def save_basin_figure(bm: BasinMap, path: str | Path, title: str, subtitle: str = "") -> None:
    """Write the map with axes, marked minima and a key to ``path`` (PNG unless its suffix
    names another format matplotlib writes). OSError/ValueError when it cannot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    two_d = bm.ys is not None and bm.labels.ndim == 2
    fig = Figure(figsize=(10.0, 6.0) if two_d else (10.0, 3.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    rgb = basin_colors(bm.labels)
    pts, colors = bm.minimum_points, bm.minimum_colors / 255.0
    if two_d:
        assert bm.ys is not None
        ax.imshow(rgb.transpose(1, 0, 2), origin="lower", interpolation="nearest",
                  extent=(*_extent(bm.xs), *_extent(bm.ys)), aspect="equal")
        if len(pts):
            ax.scatter(pts[:, 0], pts[:, 1], marker="X", s=110, c=colors, edgecolors="white",
                       linewidths=1.4, zorder=3)
        ax.set_ylabel("y")
    else:
        ax.imshow(rgb[None, :, :], interpolation="nearest", extent=(*_extent(bm.xs), 0, 1),
                  aspect="auto")
        if len(pts):
            ax.scatter(pts[:, 0], np.full(len(pts), 0.5), marker="X", s=110, c=colors,
                       edgecolors="white", linewidths=1.4, zorder=3)
        ax.set_yticks([])
    ax.set_xlabel("x")
    ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), fontsize=10)
    ax.legend(handles=_key(bm), loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8,
              title="basin of the minimum at", title_fontsize=8, borderaxespad=0.0,
              frameon=False)
    fig.savefig(str(path), bbox_inches="tight", pad_inches=0.2, facecolor="white")
