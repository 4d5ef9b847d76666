"""Picking: pixel rays, projection and the first hit of a ray on the displayed height field."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.picking import Ray, intersect_height_field, pick_start, pixel_ray, project
from app.core.surface import VerticalScale

BOX = ((-2.0, 2.0), (-2.0, 2.0))


def ray(origin, direction) -> Ray:
    d = np.asarray(direction, float)
    return Ray(np.asarray(origin, float), d / np.linalg.norm(d))


# --- a camera like pyqtgraph's GLViewWidget (distance / elevation / azimuth, horizontal fov) ---

def translation(v) -> np.ndarray:
    m = np.eye(4)
    m[:3, 3] = v
    return m


def rotation(deg: float, axis) -> np.ndarray:
    """QMatrix4x4.rotate(deg, axis): right-handed rotation about the axis."""
    k = np.asarray(axis, float) / np.linalg.norm(axis)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    a = math.radians(deg)
    m = np.eye(4)
    m[:3, :3] = np.eye(3) + math.sin(a) * kx + (1 - math.cos(a)) * kx @ kx
    return m


def frustum(left, right, bottom, top, near, far) -> np.ndarray:
    """glFrustum / QMatrix4x4.frustum."""
    return np.array([
        [2 * near / (right - left), 0, (right + left) / (right - left), 0],
        [0, 2 * near / (top - bottom), (top + bottom) / (top - bottom), 0],
        [0, 0, -(far + near) / (far - near), -2 * far * near / (far - near)],
        [0, 0, -1, 0],
    ])


def camera(center=(0, 0, 0), distance=10.0, elevation=30.0, azimuth=45.0, fov=60.0,
           size=(800, 600)) -> tuple[np.ndarray, np.ndarray]:
    """(projection, view) exactly as GLViewWidget.projectionMatrix / viewMatrix build them."""
    w, h = size
    near, far = distance * 0.001, distance * 1000.0
    r = near * math.tan(0.5 * math.radians(fov))
    t = r * h / w
    proj = frustum(-r, r, -t, t, near, far)
    view = (translation((0, 0, -distance)) @ rotation(elevation - 90, (1, 0, 0))
            @ rotation(azimuth + 90, (0, 0, -1)) @ translation(-np.asarray(center, float)))
    return proj, view


def mvp_of(**kw) -> np.ndarray:
    proj, view = camera(**kw)
    return proj @ view


def test_camera_helper_sits_where_pyqtgraph_says():
    _, view = camera(center=(1, 2, 0.5), distance=7, elevation=25, azimuth=-60)
    eye = np.linalg.inv(view) @ [0, 0, 0, 1]
    e, a = math.radians(25), math.radians(-60)
    expect = np.array([1, 2, 0.5]) + 7 * np.array(
        [math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e)])
    np.testing.assert_allclose(eye[:3], expect, atol=1e-12)


def test_qt_matrices_arrive_row_major_via_transposed_data():
    QtGui = pytest.importorskip("PySide6.QtGui")
    p, v = QtGui.QMatrix4x4(), QtGui.QMatrix4x4()
    near, r = 0.01, 0.01 * math.tan(math.radians(30))
    p.frustum(-r, r, -0.75 * r, 0.75 * r, near, 10000.0)
    v.translate(0, 0, -10)
    v.rotate(30 - 90, 1, 0, 0)
    v.rotate(45 + 90, 0, 0, -1)
    m = np.array((p * v).data()).reshape(4, 4).T
    np.testing.assert_allclose(m, mvp_of(), rtol=1e-6, atol=1e-7)  # Qt stores floats


# --- pixel rays and projection ---

@pytest.mark.parametrize("dpr", [1.0, 1.5, 2.0])
def test_pixel_ray_passes_through_what_projects_to_that_pixel(dpr):
    mvp, vp = mvp_of(), (0, 0, int(800 * dpr), int(600 * dpr))
    rng = np.random.default_rng(1)
    for p in rng.uniform(-3, 3, (50, 3)):
        px, py = project(p, mvp, vp, dpr)
        r = pixel_ray(px, py, mvp, vp, dpr)
        v = p - r.origin
        assert np.linalg.norm(v - (v @ r.direction) * r.direction) < 1e-9
        assert v @ r.direction > 0
        assert abs(np.linalg.norm(r.direction) - 1) < 1e-12


def test_pixel_conventions_top_left_origin_and_centre():
    mvp, vp = mvp_of(), (0, 0, 800, 600)
    assert project([0, 0, 0], mvp, vp) == pytest.approx((400, 300))
    assert project([0, 0, 0], mvp, (0, 0, 1600, 1200), 2.0) == pytest.approx((400, 300))
    assert project([0, 0, 1], mvp, vp)[1] < 300            # up in the world is up on screen
    assert project([0, 0, 0], mvp, (100, 50, 800, 600)) == pytest.approx((500, 350))
    r = pixel_ray(400, 300, mvp, vp)
    np.testing.assert_allclose(r.origin + 10 * r.direction, [0, 0, 0], atol=2e-2)
    assert r.length == pytest.approx(10000 - 10 * 0.001, rel=1e-6)


def test_project_behind_camera_and_singular_matrices_give_none():
    mvp, vp = mvp_of(elevation=90, distance=10), (0, 0, 800, 600)
    assert project([0, 0, 20], mvp, vp) is None               # above the camera looking down
    assert project([0, 0, np.nan], mvp, vp) is None
    assert pixel_ray(10, 10, np.zeros((4, 4)), vp) is None
    sing = mvp.copy()
    sing[3] = sing[2]
    assert pixel_ray(10, 10, sing, vp) is None
    assert pixel_ray(10, 10, mvp, (0, 0, 0, 600)) is None
    assert pixel_ray(np.nan, 10, mvp, vp) is None


def test_orthographic_rays_are_parallel():
    ortho = np.diag([0.5, 0.5, -0.1, 1.0])
    a, b = pixel_ray(0, 0, ortho, (0, 0, 100, 100)), pixel_ray(70, 30, ortho, (0, 0, 100, 100))
    np.testing.assert_allclose(a.direction, [0, 0, -1])
    np.testing.assert_allclose(b.direction, [0, 0, -1])
    np.testing.assert_allclose(b.origin[:2], [0.8, 0.8])


def test_infinite_far_plane_gives_an_unbounded_ray():
    proj, view = camera()
    proj[2, 2:] = [-1.0, -2 * 0.01]                           # far → ∞
    r = pixel_ray(400, 300, proj @ view, (0, 0, 800, 600))
    assert r.length == math.inf
    np.testing.assert_allclose(r.origin + 10 * r.direction, [0, 0, 0], atol=2e-2)


# --- planes and paraboloids with closed-form hits ---

DIRECTIONS = [(0.3, 0.2, -1.0), (-1, 0.5, -0.4), (1, 1, -0.1), (0.1, -1, -2), (0, 0, -1),
              (-0.7, -0.2, 0.3)]


@pytest.mark.parametrize("a,b,c", [(0.0, 0.0, 0.0), (0.3, -0.2, 0.1), (-1.5, 2.0, -0.5)])
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_plane_hits_match_the_closed_form(a, b, c, direction):
    def plane(x, y):
        return a * x + b * y + c

    rng = np.random.default_rng(7)
    for _ in range(10):
        r = ray(rng.uniform(-1.5, 1.5, 3) + np.array([0, 0, 0.5]), direction)
        o, d = r.origin, r.direction
        g0, slope = o[2] - plane(o[0], o[1]), d[2] - a * d[0] - b * d[1]
        t = -g0 / slope if slope != 0 else -1.0
        p = o + t * d
        inside = t >= 0 and abs(p[0]) <= 2 and abs(p[1]) <= 2
        for two_sided in (True, False):
            hit = intersect_height_field(r, plane, BOX, two_sided=two_sided)
            if inside and (two_sided or g0 > 0):
                np.testing.assert_allclose(hit, p, atol=1e-9)
            else:
                assert hit is None


def paraboloid_hits(o, d):
    """Roots of g(t) = o_z + t·d_z − |o_xy + t·d_xy|² = −A t² + B t + C."""
    A = d[0] ** 2 + d[1] ** 2
    B = d[2] - 2 * (o[0] * d[0] + o[1] * d[1])
    C = o[2] - o[0] ** 2 - o[1] ** 2
    if A == 0:
        return [-C / B]
    disc = B * B + 4 * A * C
    if disc < 0:
        return []
    s = math.sqrt(disc)
    return sorted([(B - s) / (2 * A), (B + s) / (2 * A)])


@pytest.mark.parametrize("direction", [*DIRECTIONS, (1, 0, 0), (0.2, 0.9, 0.6)])
@pytest.mark.parametrize("two_sided", [True, False])
def test_paraboloid_hits_match_the_closed_form(direction, two_sided):
    def bowl(x, y):
        return x * x + y * y

    domain = ((-1.5, 1.5), (-1.5, 1.5))
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(30):
        r = ray(rng.uniform([-1.4, -1.4, 0.2], [1.4, 1.4, 3.0]), direction)
        o, d = r.origin, r.direction
        g0 = o[2] - bowl(o[0], o[1])
        roots = [t for t in paraboloid_hits(o, d) if t >= 0
                 and all(abs(v) <= 1.5 for v in (o + t * d)[:2])]
        # the first root is entered from whichever side the ray is on; one-sided keeps downs
        if not two_sided and g0 < 0:
            roots = roots[1:]
        hit = intersect_height_field(r, bowl, domain, two_sided=two_sided)
        if roots:
            np.testing.assert_allclose(hit, o + roots[0] * d, atol=1e-9)
            checked += 1
        else:
            assert hit is None
    assert checked >= 5


def test_vertical_rays_and_z_range_clip():
    def bowl(x, y):
        return x * x + y * y

    down = ray([0.5, -0.5, 5], [0, 0, -1])
    np.testing.assert_allclose(intersect_height_field(down, bowl, BOX), [0.5, -0.5, 0.5])
    up = ray([0.5, -0.5, -5], [0, 0, 1])
    np.testing.assert_allclose(intersect_height_field(up, bowl, BOX), [0.5, -0.5, 0.5])
    assert intersect_height_field(up, bowl, BOX, two_sided=False) is None
    slanted = ray([-3, 0.1, 4], [1, 0.05, -0.9])
    a = intersect_height_field(slanted, bowl, BOX)
    b = intersect_height_field(slanted, bowl, BOX, z_range=(0, 8))
    np.testing.assert_allclose(a, b, atol=1e-9)


# --- misses ---

def test_rays_that_miss():
    def hill(x, y):
        return np.exp(-(x * x + y * y))

    assert intersect_height_field(ray([0, 0, 3], [0.1, 0, 1]), hill, BOX) is None   # away
    assert intersect_height_field(ray([3, 3, 5], [0, 1, -1]), hill, BOX) is None    # beside
    assert intersect_height_field(ray([-5, 0, 1.2], [1, 0, 0]), hill, BOX) is None  # above
    assert intersect_height_field(ray([-5, 0, 1.2], [1, 0, 0.01]), hill, BOX) is None
    assert intersect_height_field(ray([0, 0, 3], [0, 0, -1]), hill, BOX, z_range=(5, 6)) is None
    behind = Ray(np.array([0.0, 0, 3]), np.array([0.0, 0, -1]), 1.0)   # too short to reach
    assert intersect_height_field(behind, hill, BOX) is None
    assert intersect_height_field(ray([0, 0, 3], [0, 0, -1]), lambda x, y: x * np.nan,
                                  BOX) is None


# --- grazing rays on a sharp spike ---

def spike(sigma: float, amp: float = 1.0, centre=(0.3, -0.2)):
    def h(x, y):
        return amp * np.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2 * sigma**2))
    return h


def reference_first_hit(r: Ray, height, n=2_000_001, t_max=10.0, two_sided=False, t_min=0.0):
    """Brute force: march 2·10⁶ samples over the box, bisect the first crossing."""
    t = np.linspace(t_min, t_max, n)
    p = r.origin + t[:, None] * r.direction
    g = p[:, 2] - height(p[:, 0], p[:, 1])
    g[(np.abs(p[:, 0]) > 2) | (np.abs(p[:, 1]) > 2)] = np.nan
    down = (g[:-1] > 0) & (g[1:] <= 0)
    i = np.flatnonzero(down | (two_sided & (g[:-1] < 0) & (g[1:] >= 0)))
    if not i.size:
        return None
    lo, hi = t[i[0]], t[i[0] + 1]
    s = np.sign(g[i[0]])
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        q = r.origin + mid * r.direction
        lo, hi = (mid, hi) if s * (q[2] - height(q[0], q[1])) > 0 else (lo, mid)
    return r.origin + lo * r.direction


@pytest.mark.parametrize("sigma", [0.02, 0.01, 0.005])
def test_grazing_rays_find_a_sharp_spike_they_cross(sigma):
    """The march step here is ≈ 0.008–0.011 (a ≈ 4–5.7 long segment / 511): a spike of σ down
    to about half a step is found even when the ray dips only 1e-6 of its height into it
    (a plain 512-sample march misses most of these below depth 1e-2)."""
    h = spike(sigma)
    rng = np.random.default_rng(3)
    for depth in [1e-1, 1e-2, 1e-3, 1e-4, 1e-6]:
        for _ in range(8):
            ang = rng.uniform(0, 2 * np.pi)
            d = np.array([np.cos(ang), np.sin(ang), -0.02])
            # pass beside the centre by at most half of what keeps the top above the ray
            reach = 0.5 * math.sqrt(-2 * math.log1p(-depth))
            off = rng.uniform(-reach, reach) * sigma * np.array([-d[1], d[0], 0])
            target = np.array([0.3, -0.2, 1.0 - depth]) + off
            r = ray(target - 3 * d / np.linalg.norm(d), d)      # the spike is at t ≈ 3
            hit = intersect_height_field(r, h, BOX)
            ref = reference_first_hit(r, h, n=400_001, t_min=3 - 0.1, t_max=3 + 0.1)
            assert ref is not None and hit is not None, (sigma, depth)
            np.testing.assert_allclose(hit, ref, atol=1e-8)
            assert np.hypot(hit[0] - 0.3, hit[1] + 0.2) < 4 * sigma   # the spike, not beyond


def test_grazing_ray_passing_just_over_the_spike_misses_it():
    h = spike(0.005)
    r = ray([-2.5, -0.2, 1.0 + 1e-6], [1, 0, 0])
    assert intersect_height_field(r, h, BOX) is None

    def with_wall(x, y):
        return h(x, y) + np.maximum(0.0, 3.0 * (x - 1.0))

    r = ray([0.3 - 2.8, -0.2, 1.0 + 1e-6 + 0.028], [1, 0, -0.01])   # 1e-6 over the top
    hit = intersect_height_field(r, with_wall, BOX)
    assert hit[0] > 1.3 and abs(hit[2] - with_wall(hit[0], hit[1])) < 1e-9
    r = ray([0.3 - 2.8, -0.2, 1.0 - 1e-6 + 0.028], [1, 0, -0.01])   # 1e-6 under the top
    hit = intersect_height_field(r, with_wall, BOX)
    assert abs(hit[0] - 0.3) < 0.005 and abs(hit[2] - with_wall(hit[0], hit[1])) < 1e-9


# --- holes ---

def holed(height, centre=(0.0, 0.0), radius=0.5):
    def h(x, y):
        z = np.asarray(height(x, y), float)
        return np.where((x - centre[0]) ** 2 + (y - centre[1]) ** 2 < radius**2, np.nan, z)
    return h


def test_ray_into_a_hole_hits_the_floor_below_it():
    def terrace(x, y):   # z = 0, a step down to −1 hidden inside the hole, then the floor
        return np.where(x < 0.3, 0.0, -1.0) + 0.0 * y

    h = holed(terrace)
    for k in [1.0, 0.7, 1.5]:                    # aimed at the hole's centre from the left
        r = ray([-1.5, 0, 1.5 * k], [1, 0, -k])
        np.testing.assert_allclose(intersect_height_field(r, h, BOX), [1 / k, 0, -1], atol=1e-9)
        r = ray([0.4, -1.5, 1.5 * k], [0, 1, -k])           # from another side, off-centre
        np.testing.assert_allclose(intersect_height_field(r, h, BOX), [0.4, 1 / k, -1],
                                   atol=1e-9)


def test_ray_straight_into_a_hole_is_a_miss_or_the_floor_beyond_never_nan():
    floor = holed(lambda x, y: 0.0 * x)
    down = ray([0.1, 0.1, 2], [0, 0, -1])
    assert intersect_height_field(down, floor, BOX) is None            # nothing under a hole
    steep = ray([-0.2, 0, 2], [0.1, 0, -1])
    assert intersect_height_field(steep, floor, BOX) is None           # dives in, under, out
    shallow = ray([-1.5, 0, 0.45], [1, 0, -0.2])                      # over the hole, beyond
    hit = intersect_height_field(shallow, floor, BOX)
    np.testing.assert_allclose(hit, [0.75, 0, 0], atol=1e-9)
    rim = ray([-1.5, 0, 0.19], [1, 0, -0.2])                           # lands just before it
    hit = intersect_height_field(rim, floor, BOX)
    np.testing.assert_allclose(hit, [-0.55, 0, 0], atol=1e-9)


def test_crossing_right_at_a_hole_rim_is_found():
    h = holed(lambda x, y: 0.0 * x, radius=0.5)
    for x_hit in [-0.5 - 1e-3, -0.5 - 1e-5, -0.5 - 1e-7]:
        r = ray([x_hit - 1.0, 0, 0.1], [1, 0, -0.1])
        hit = intersect_height_field(r, h, BOX)
        np.testing.assert_allclose(hit, [x_hit, 0, 0], atol=1e-9)


# --- the displayed vertical scale ---

def test_vertical_scale_other_than_one():
    vs = VerticalScale(lo=-2.0, hi=6.0, scale=0.35)

    def height(x, y):
        return vs.to_display(x * x + y * y)

    for d in DIRECTIONS[:4]:
        r = ray([0.4, -0.3, 0.5], d)
        hit = intersect_height_field(r, height, BOX, z_range=(vs.to_display(vs.lo),
                                                              vs.to_display(vs.hi)))
        o, dd = r.origin, r.direction
        # Z = s(x² + y² − mid)  ⇔  Z/s + mid = x² + y²: the paraboloid with a scaled ray
        o2 = np.array([o[0], o[1], o[2] / vs.scale + vs.mid])
        d2 = np.array([dd[0], dd[1], dd[2] / vs.scale])
        t = min(t for t in paraboloid_hits(o2, d2) if t >= 0)
        np.testing.assert_allclose(hit, o + t * dd, atol=1e-9)


# --- picking through a realistic camera ---

def scaled_surface():
    def f(x, y):
        return np.sin(1.3 * x) * np.cos(y) + 0.15 * (x * x + y * y) + 0.3 * np.exp(
            -((x - 0.5) ** 2 + (y + 0.8) ** 2) * 4)
    vs = VerticalScale(-1.0, 2.2, 0.4 * 4 / 3.2)
    return (lambda x, y: vs.to_display(f(x, y))), (float(vs.to_display(vs.lo)),
                                                   float(vs.to_display(vs.hi)))


@pytest.mark.parametrize("dpr", [1.0, 2.0])
@pytest.mark.parametrize("cam", [dict(elevation=30, azimuth=45), dict(elevation=60, azimuth=200),
                                 dict(elevation=12, azimuth=-70, distance=7)])
def test_pick_round_trip_lands_within_a_pixel(dpr, cam):
    height, zr = scaled_surface()
    w, h = 800, 600
    mvp, vp = mvp_of(size=(w, h), **cam), (0, 0, int(w * dpr), int(h * dpr))
    eye = np.linalg.inv(camera(**cam)[1])[:3, 3]
    rng = np.random.default_rng(5)
    visible = 0
    for x, y in rng.uniform(-2, 2, (200, 2)):
        p = np.array([x, y, height(x, y)])
        px, py = project(p, mvp, vp, dpr)
        if not (0 <= px < w and 0 <= py < h):
            continue
        q = intersect_height_field(pixel_ray(px, py, mvp, vp, dpr), height, BOX, z_range=zr)
        assert q is not None
        assert np.hypot(*np.subtract(project(q, mvp, vp, dpr), (px, py))) < 1e-6
        if np.linalg.norm(q - p) < 1e-7:
            visible += 1
        else:                                     # hidden behind a nearer part of the surface
            assert np.linalg.norm(q - eye) < np.linalg.norm(p - eye)
            continue
        # the mouse only ever reports whole device pixels
        mx, my = round(px * dpr) / dpr, round(py * dpr) / dpr
        xy = pick_start(mx, my, mvp, vp, height, BOX, dpr=dpr, z_range=zr)
        if xy is None:    # p is on an outline: the next pixel sees past the surface
            r = pixel_ray(mx, my, mvp, vp, dpr)
            assert reference_first_hit(r, height, t_max=20, two_sided=True) is None
            continue
        q = np.array([*xy, height(*xy)])
        err = np.hypot(*np.subtract(project(q, mvp, vp, dpr), (px, py)))
        assert err <= 0.5 / dpr * math.sqrt(2) + 1e-6
    assert visible >= 50


def test_pick_start_off_the_surface_and_clamped():
    height, zr = scaled_surface()
    mvp, vp = mvp_of(), (0, 0, 800, 600)
    assert pick_start(400, 5, mvp, vp, height, BOX) is None           # the sky
    for px, py in [(400, 5), (5, 300), (795, 595), (400, 300), (-500, 4000)]:
        xy = pick_start(px, py, mvp, vp, height, BOX, clamp=True, z_range=zr)
        assert xy is not None and all(np.isfinite(xy))
        assert -2 <= xy[0] <= 2 and -2 <= xy[1] <= 2
    # below the horizon but off the domain: the plane point, clamped to the nearest edge
    xy = pick_start(790, 590, mvp, vp, height, BOX, clamp=True)
    assert max(abs(xy[0]), abs(xy[1])) == pytest.approx(2.0)
    assert pick_start(400, 300, np.zeros((4, 4)), vp, height, BOX, clamp=True) is None


def test_pick_time_sanity_bound():
    height, zr = scaled_surface()
    mvp, vp = mvp_of(), (0, 0, 800, 600)
    times = []
    for x, y in np.random.default_rng(2).uniform(-1.5, 1.5, (50, 2)):
        px, py = project([x, y, height(x, y)], mvp, vp)
        t = time.perf_counter()
        xy = pick_start(px, py, mvp, vp, height, BOX, z_range=zr)
        times.append(time.perf_counter() - t)
        assert xy is not None
    assert float(np.median(times)) < 0.05       # real target (< 5 ms) lives in the benchmarks


# --- random rays over random smooth surfaces ---

@st.composite
def surfaces(draw):
    n = draw(st.integers(1, 4))
    fl = st.floats(-2, 2)
    bumps = [(draw(fl), draw(fl), draw(st.floats(0.05, 1.0)), draw(st.floats(-2, 2)))
             for _ in range(n)]
    tilt = (draw(fl), draw(fl), draw(fl))
    hole = draw(st.none() | st.tuples(fl, fl, st.floats(0.05, 1.0)))

    def h(x, y):
        z = tilt[0] * x + tilt[1] * y + tilt[2]
        for cx, cy, s, a in bumps:
            z = z + a * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s))
        if hole is not None:
            z = np.where((x - hole[0]) ** 2 + (y - hole[1]) ** 2 < hole[2] ** 2, np.nan, z)
        return z
    return h


unit = st.tuples(*[st.floats(-1, 1)] * 3).filter(lambda v: np.linalg.norm(v) > 1e-3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surfaces(), st.tuples(*[st.floats(-5, 5)] * 3), unit, st.booleans())
def test_random_rays_never_raise_nor_return_nan(h, origin, direction, two_sided):
    r = ray(origin, direction)
    hit = intersect_height_field(r, h, BOX, two_sided=two_sided)
    if hit is None:
        return
    assert hit.shape == (3,) and np.isfinite(hit).all()
    assert -2 <= hit[0] <= 2 and -2 <= hit[1] <= 2
    v = hit - r.origin
    assert v @ r.direction >= -1e-12
    assert np.linalg.norm(v - (v @ r.direction) * r.direction) < 1e-9
    assert abs(hit[2] - h(hit[0], hit[1])) < 1e-6 or not np.isfinite(h(hit[0], hit[1]))


@settings(max_examples=200, deadline=None)
@given(st.floats(-89, 89), st.floats(-360, 360), st.floats(1, 40), st.floats(-1e3, 1e3),
       st.floats(-1e3, 1e3), st.sampled_from([1.0, 1.25, 2.0]), st.booleans())
def test_random_cameras_and_pixels_never_give_nan(elev, azim, dist, px, py, dpr, clamp):
    height, zr = scaled_surface()
    mvp = mvp_of(elevation=elev, azimuth=azim, distance=dist)
    xy = pick_start(px, py, mvp, (0, 0, int(800 * dpr), int(600 * dpr)), height, BOX,
                    dpr=dpr, clamp=clamp, z_range=zr)
    if clamp:
        assert xy is not None
    if xy is not None:
        assert np.isfinite(xy).all() and -2 <= xy[0] <= 2 and -2 <= xy[1] <= 2


def test_module_is_pure():
    code = ("import sys, app.core.picking\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'OpenGL', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
