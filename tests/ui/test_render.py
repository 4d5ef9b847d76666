"""The rendered frame: a real picture, the walker where it should be, the window grab."""

from __future__ import annotations

import numpy as np

from app.ui.application import grab_window
from tests.ui.helpers import distinct_colours, project, red_mask, render, walker_centre


def test_frame_is_not_blank(make_window):
    w = make_window("peaks")
    rgb = render(w.view)
    assert rgb.shape == (w.view.height(), w.view.width(), 4)
    assert distinct_colours(rgb) > 300
    background = np.all(rgb[..., :3] == rgb[0, 0, :3], axis=-1).mean()
    assert 0.2 < background < 0.95     # the mountain fills a good part of the view


def walker_pixels(w):
    """Pixels that change when the walker is hidden: (mask, frame with the walker)."""
    shown = render(w.view)
    w.view.walkers.balls.setVisible(False)
    w.view.walkers.ghosts.setVisible(False)
    hidden = render(w.view)
    w.view.walkers.balls.setVisible(True)
    w.view.walkers.ghosts.setVisible(True)
    return np.abs(shown.astype(int) - hidden).sum(axis=-1) > 30, shown


def test_walker_is_drawn_at_its_projected_position(make_window):
    w = make_window("bowl", size=(1200, 860))   # room for the docks and a big enough view
    for position in (0.0, 3.0, 7.5):
        w.model.seek(position)
        mask, rgb = walker_pixels(w)
        cx, cy = project(w.view, walker_centre(w.view))
        ys, xs = np.nonzero(mask)
        assert len(xs) > 40, position                            # a ball, not a dot
        assert abs(xs.mean() - cx) < 2.5 and abs(ys.mean() - cy) < 2.5, (position, cx, cy)
        assert np.ptp(xs) < 60 and np.ptp(ys) < 60               # only there
        assert red_mask(rgb[mask]).mean() > 0.7                  # and it is red


def test_walker_shows_through_a_hill(make_window):
    # from the default camera, rosenbrock's valley floor lies behind the near ridge
    from app.core.scene import Walker

    w = make_window("rosenbrock", walkers=(Walker("gradient", 0.001, (), (-1.0, 1.0)),))
    w.model.seek(0.0)
    cx, cy = project(w.view, walker_centre(w.view))
    w.view.walkers.ghosts.setVisible(False)
    solid_only = render(w.view)
    w.view.walkers.ghosts.setVisible(True)
    mask, rgb = walker_pixels(w)
    ys, xs = np.nonzero(mask)
    assert len(xs) > 40 and abs(xs.mean() - cx) < 2.5 and abs(ys.mean() - cy) < 2.5
    r, g, b = (rgb[mask][:, i].astype(int) for i in range(3))
    assert ((r > g + 40) & (r > b + 40)).mean() > 0.8           # reddish: a ghost of the ball
    behind = ~red_mask(solid_only[mask])                         # the solid ball is hidden
    assert behind.mean() > 0.5


def test_window_grab_includes_the_gl_picture(make_window):
    w = make_window("peaks")
    img = grab_window(w)
    assert (img.width(), img.height()) == (w.width(), w.height())
    ptr = img.convertToFormat(img.Format.Format_RGB888)
    arr = np.frombuffer(ptr.constBits(), np.uint8).reshape(ptr.height(), ptr.bytesPerLine())
    arr = arr[:, : 3 * ptr.width()].reshape(ptr.height(), ptr.width(), 3)
    top_left = w.view.mapTo(w, w.view.rect().topLeft())
    gl_area = arr[top_left.y(): top_left.y() + w.view.height(),
                  top_left.x(): top_left.x() + w.view.width()]
    assert distinct_colours(gl_area) > 300


def test_arrows_wireframe_and_exaggeration_change_the_picture(make_window, qtbot):
    w = make_window("bowl")
    before = render(w.view)
    w.model.update(show_arrows=True, wireframe=True)
    with_overlays = render(w.view)
    assert w.view.arrows.visible() and w.view.wire.visible()
    assert np.abs(with_overlays.astype(int) - before).sum(axis=-1).astype(bool).mean() > 0.02
    z_before = np.ptp(w.view.picture.mesh.vertices[:, 2])
    with qtbot.waitSignal(w.view.surface_ready, timeout=10_000):
        w.model.update(exaggeration=2.0)
    assert np.ptp(w.view.picture.mesh.vertices[:, 2]) > 1.9 * z_before
