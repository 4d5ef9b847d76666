"""Pure numpy/sympy core: never imports Qt, pyqtgraph or OpenGL."""
