"""app.core must never pull in Qt, pyqtgraph or OpenGL (checked in a clean interpreter)."""

import subprocess
import sys


def test_core_imports_no_gui_modules():
    code = (
        "import sys, app.core.expression, app.core.descent, app.core.rules, app.core.surface, "
        "app.core.scene, app.core.presets, app.core.scene_file, app.core.walks, "
        "app.core.animation, app.core.pictures, app.core.basins, app.cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'OpenGL', 'shiboken6'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
