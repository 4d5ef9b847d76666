"""What the views draw that is expensive to compute, built off the GUI thread as values:

- ``SurfacePicture``: the lit mesh of the mountain with its wireframe and −∇f arrows;
- ``MapPicture``: the top-down heat map with iso-lines (contourpy's marching squares), or for
  a 1-D function the curve f(x) and its shown y-range.

Both are frozen; their arrays are read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.colormaps import colormap
from app.core.descent import freeze_fields
from app.core.surface import SurfaceMesh, build_mesh, drop_walls, evaluate_grid, robust_range
from app.core.surface_lines import arrow_lines, arrow_segments, wireframe_segments
from app.core.walks import display_domain, display_function

MAP_GRID = 160       # samples per side of the map's heat map
LEVELS = 12          # iso-lines between the lowest and the highest shown value
CURVE_SAMPLES = 600  # samples of a 1-D curve
HOLE_RGB = (40, 40, 46)


@dataclass(frozen=True, slots=True)
class SurfacePicture:
    mesh: SurfaceMesh
    domain: tuple[tuple[float, float], tuple[float, float]]   # the display domain
    dim: int                       # of the function: 1 (a curve extruded along y) or 2
    wire: np.ndarray               # (2k, 3) float32 segments
    arrows: np.ndarray             # (2k, 3) float32 segments (at least one, maybe empty)

    def __post_init__(self) -> None:
        freeze_fields(self, "wire", "arrows")

    @property
    def extent(self) -> float:
        (x0, x1), (y0, y1) = self.domain
        return max(x1 - x0, y1 - y0)

    @property
    def lift(self) -> float:
        """How far lines are lifted off the ground so the surface does not swallow them."""
        return 0.003 * self.extent


def surface_picture(func, domain, resolution: int, cmap: str,
                    exaggeration: float) -> SurfacePicture:
    """Mesh, wireframe and arrows of ``func`` (CompiledFunction) over ``domain``."""
    dfunc, ddom = display_function(func), display_domain(domain)
    mesh = drop_walls(dfunc, build_mesh(dfunc, ddom, resolution, cmap=cmap,
                                        exaggeration=exaggeration))
    extent = max(ddom[0][1] - ddom[0][0], ddom[1][1] - ddom[1][0])
    lift = 0.003 * extent
    if func.dim == 1:
        arrows = arrow_segments(dfunc, mesh, (ddom[0], (-1e-9, 1e-9)), n=25, lift=lift)
    else:
        arrows = arrow_segments(dfunc, mesh, ddom, n=15, lift=lift)
    wire = wireframe_segments(mesh, lift=lift)
    return SurfacePicture(mesh, ddom, func.dim, wire, arrows)


@dataclass(frozen=True, slots=True)
class MapPicture:
    domain: tuple[tuple[float, float], ...]
    rgb: np.ndarray | None            # (n, n, 3) uint8 heat map, x-major (None for 1-D)
    iso_lines: tuple[np.ndarray, ...]  # per level: (k, 2) points, NaN between pieces
    curve: np.ndarray | None          # 1-D: (CURVE_SAMPLES, 2) of x, f(x)
    z_range: tuple[float, float]
    arrows: np.ndarray | None = None  # 2-D: (2k, 2) segments of −∇f arrows (see arrow_lines)

    def __post_init__(self) -> None:
        freeze_fields(self, "rgb", "curve", "iso_lines", "arrows")


def map_picture(func, domain, cmap: str) -> MapPicture:
    """The heat map with iso-lines (2-D) or the curve (1-D) of ``func`` over ``domain``."""
    if func.dim == 1:
        (x0, x1), = domain
        xs = np.linspace(x0, x1, CURVE_SAMPLES)
        f = func.value(xs)
        return MapPicture(tuple(domain), None, (), np.column_stack([xs, f]), robust_range(f))
    (x0, x1), (y0, y1) = domain
    xs, ys = np.linspace(x0, x1, MAP_GRID), np.linspace(y0, y1, MAP_GRID)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    f, _ = evaluate_grid(func, np.stack([gx, gy], -1))
    lo, hi = robust_range(f)
    rgb = (colormap(cmap, (f - lo) / (hi - lo)) * 255).astype(np.uint8)
    rgb[~np.isfinite(f)] = HOLE_RGB
    return MapPicture(tuple(domain), rgb, iso_lines(xs, ys, f, lo, hi), None, (lo, hi),
                      arrow_lines(func, domain, n=15))


def iso_lines(xs: np.ndarray, ys: np.ndarray, f: np.ndarray, lo: float,
              hi: float) -> tuple[np.ndarray, ...]:
    """LEVELS iso-lines of f (x-major grid) evenly between lo and hi, excluding both: each a
    (k, 2) array of x, y with NaN rows between separate pieces (for ``connect="finite"``)."""
    import contourpy

    z = np.ma.masked_invalid(f.T)          # contourpy wants z[y, x]
    gen = contourpy.contour_generator(xs, ys, z, line_type=contourpy.LineType.Separate)
    out = []
    for level in np.linspace(lo, hi, LEVELS + 2)[1:-1]:
        pieces = gen.lines(float(level))
        parts: list[np.ndarray] = []
        for p in pieces:
            parts += [np.asarray(p, float), np.full((1, 2), np.nan)]
        out.append(np.concatenate(parts) if parts else np.zeros((0, 2)))
    return tuple(out)
