"""The two looks of every picture: dark (the screen) and light (white paper: print and
slides). A Theme is a value; views take one in ``set_theme``."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from app.core.scene import THEMES

__all__ = ["DARK", "LIGHT", "THEMES", "Theme", "theme"]


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    background: tuple[int, int, int]
    text: tuple[int, int, int]          # tick labels, legend text
    title: tuple[int, int, int]         # axis titles
    axis: tuple[float, float, float, float]   # GL line colours, 0…1
    grid: tuple[float, float, float, float]
    wire: tuple[float, float, float, float]
    dim: tuple[int, int, int]           # secondary text (the flags' names)

    def qcolor(self, rgb: tuple[int, ...], alpha: int = 255) -> QColor:
        return QColor(rgb[0], rgb[1], rgb[2], alpha)

    @property
    def panel(self) -> QColor:
        """A see-through panel behind text on the picture."""
        return self.qcolor(self.background, 200)


DARK = Theme("dark", (24, 26, 33), (215, 220, 230), (255, 255, 255),
             (0.75, 0.78, 0.85, 0.9), (0.55, 0.58, 0.65, 0.35), (0.05, 0.05, 0.08, 0.45),
             (170, 176, 190))
LIGHT = Theme("light", (255, 255, 255), (45, 48, 56), (0, 0, 0),
              (0.25, 0.27, 0.32, 0.95), (0.45, 0.47, 0.52, 0.35), (0.1, 0.1, 0.12, 0.4),
              (90, 95, 105))


def theme(name: str) -> Theme:
    """The theme called ``name`` ('dark' or 'light'); ValueError otherwise."""
    for t in (DARK, LIGHT):
        if t.name == name:
            return t
    raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")
