"""The application's icon (resources/icons/gradient-mountain.svg) as a QIcon or a pixmap."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.core.presets import resource_path

ICON = "icons/gradient-mountain.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def icon_pixmap(size: int) -> QPixmap:
    """The icon drawn at ``size`` × ``size`` pixels (empty if the file is missing)."""
    renderer = QSvgRenderer(str(resource_path(ICON)))
    if not renderer.isValid():
        return QPixmap()
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


def app_icon() -> QIcon:
    """The window icon, drawn at the usual sizes (no dependence on Qt's SVG icon plugin)."""
    icon = QIcon()
    for size in SIZES:
        pixmap = icon_pixmap(size)
        if not pixmap.isNull():
            icon.addPixmap(pixmap)
    return icon
