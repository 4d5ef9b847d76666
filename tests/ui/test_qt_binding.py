"""Guard against a Qt binding that loses references to None (PySide6 6.12.0 on Python 3.11:
every void method call dropped one, and the app aborted after a few seconds of animation)."""

import gc
import sys

from PySide6.QtGui import QMatrix4x4


def test_void_methods_keep_none_alive():
    m = QMatrix4x4()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(2000):
        m.translate(0.0, 0.0, 0.0)
        m.setToIdentity()
    gc.collect()
    assert sys.getrefcount(None) >= before - 50
