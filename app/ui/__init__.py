"""Qt user interface (PySide6 + pyqtgraph)."""
