"""The parts of a scene file that are objects of their own: walkers, the camera, the domain,
the function's parameters.

``parse_*`` validate a parsed JSON value (ValueError, one line); ``walker_dict`` writes a
walker back (``noise``, ``seed`` and ``schedule`` only when they are not the defaults).
"""

from __future__ import annotations

import re
from typing import Any

from app.core.limits import range_problem
from app.core.noise import check_noise
from app.core.parameters import Parameter, check_name, check_parameters
from app.core.rules import Rule
from app.core.scene import WALKER_COLORS, Camera, Walker
from app.core.scene_json import is_int, kind, need, no_unknown, number
from app.core.schedules import Schedule

DEFAULT_WALKER_COLOR = WALKER_COLORS[0]      # the ball in the 3D view
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_CAMERA_KEYS = {"azimuth", "elevation", "distance", "center"}
_WALKER_KEYS = {"rule", "lr", "params", "start", "color", "noise", "seed", "schedule"}
_PARAM_KEYS = {"name", "value", "min", "max"}


def walker_dict(w: Walker) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": w.rule, "lr": float(w.lr),
                           "params": {k: float(v) for k, v in w.params},
                           "start": [float(v) for v in w.start], "color": w.color}
    if w.noise:
        out["noise"] = float(w.noise)
    if w.seed:
        out["seed"] = int(w.seed)
    if w.schedule != "constant":
        out["schedule"] = w.schedule
    return out


def parse_walker(w: Any, i: int, dim: int) -> Walker:
    where = f"in walker {i + 1}"
    if not isinstance(w, dict):
        raise ValueError(f"walker {i + 1} must be an object, not {kind(w)}")
    no_unknown(w, _WALKER_KEYS, where)
    rule = Rule.parse(need(w, "rule", str, where))
    lr = number(need(w, "lr", object, where), "lr")
    if lr <= 0:
        raise ValueError("'lr' must be a positive number")
    params = need(w, "params", dict, where) if "params" in w else {}
    for key, value in params.items():
        if key not in rule.defaults:
            raise ValueError(f"unknown parameter {key[:60]!r} for rule {rule.value} "
                             f"(it takes: {', '.join(rule.defaults) or 'none'})")
        number(value, key)
    start = need(w, "start", list, where)
    if len(start) != dim:
        raise ValueError(f"'start' needs {dim} number(s) for a {dim}-D domain")
    color = w.get("color", DEFAULT_WALKER_COLOR)
    if not (isinstance(color, str) and _COLOR.fullmatch(color)):
        raise ValueError(f"'color' must look like '#ff140d', not {str(color)[:20]!r}")
    noise = number(w.get("noise", 0.0), "noise")
    seed = w.get("seed", 0)
    if not is_int(seed):
        raise ValueError(f"'seed' must be a whole number, not {kind(seed)}")
    check_noise(noise, seed)
    schedule = w.get("schedule", "constant")
    if not isinstance(schedule, str):
        raise ValueError(f"'schedule' must be a string, not {kind(schedule)}")
    return Walker(rule.value, lr, tuple((k, float(v)) for k, v in params.items()),
                  tuple(number(v, "start") for v in start), color.lower(), noise, seed,
                  str(Schedule.parse(schedule)))


def parse_camera(c: Any) -> Camera | None:
    if c is None:
        return None
    if not isinstance(c, dict):
        raise ValueError(f"'camera' must be an object or null, not {kind(c)}")
    no_unknown(c, _CAMERA_KEYS, "in 'camera'")
    dist = c.get("distance")
    center = c.get("center")
    if center is not None and not (isinstance(center, list) and len(center) == 3):
        raise ValueError("'camera.center' must be [x, y, z] or null")
    cam = Camera(azimuth=number(c.get("azimuth", -125.0), "azimuth"),
                 elevation=number(c.get("elevation", 28.0), "elevation"),
                 distance=None if dist is None else number(dist, "distance"),
                 center=None if center is None else
                 tuple(number(v, "center") for v in center))  # type: ignore[arg-type]
    return cam.validate()


def parse_domain(rows: list) -> tuple[tuple[float, float], ...]:
    """One or two [min, max] pairs, each a range ``app.core.limits.range_problem`` accepts."""
    if len(rows) not in (1, 2) or not all(isinstance(r, list) and len(r) == 2 for r in rows):
        raise ValueError("'domain' must be one or two [min, max] pairs")
    out = tuple((number(a, "domain"), number(b, "domain")) for a, b in rows)
    for axis, (a, b) in zip("xy", out, strict=False):
        problem = range_problem(a, b)
        if problem:
            raise ValueError(f"'domain': the {axis} range [{a:.10g}, {b:.10g}] {problem}")
    return out


def params_list(params: tuple[Parameter, ...]) -> list[dict[str, Any]]:
    """The scene's parameters as written: [{"name", "value", "min", "max"}, …]."""
    return [{"name": p.name, "value": float(p.value), "min": float(p.low),
             "max": float(p.high)} for p in params]


def parse_params(rows: Any) -> tuple[Parameter, ...]:
    """'params': a list of {"name": "a", "value": 1, "min": 0, "max": 2}; every name legal
    and declared once, every number finite, min < max and min ≤ value ≤ max."""
    if not isinstance(rows, list):
        raise ValueError(f"'params' must be a list, not {kind(rows)}")
    out = []
    for i, row in enumerate(rows):
        where = f"in parameter {i + 1}"
        if not isinstance(row, dict):
            raise ValueError(f"parameter {i + 1} must be an object, not {kind(row)}")
        no_unknown(row, _PARAM_KEYS, where)
        name = check_name(need(row, "name", str, where))
        out.append(Parameter(name, *(number(need(row, k, object, where), f"{name}.{k}")
                                     for k in ("value", "min", "max"))))
    return check_parameters(out)
