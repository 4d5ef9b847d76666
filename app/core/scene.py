"""The whole scene as one immutable value: the function, its domain, the walkers, the camera.

Everything the window shows that is not pixels lives here, so the command line can build
the same picture. Walkers are one list: no walker has fields or code paths of its own.
``Scene.replace(**changes)`` gives a new, validated scene; ``Scene.run_all`` runs it.
``params`` declares the function's parameters (``app.core.parameters``): ``compile`` binds
their values, and ``with_param_values`` is the cheap change a slider makes.
Every number has a range (``app.core.limits``): ``validate`` refuses the rest in one line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from app.core import limits as lim
from app.core.descent import Domain, Trajectory, run
from app.core.expression import CompiledFunction
from app.core.limits import clip_range, count, in_range, range_problem
from app.core.parameters import Parameter, check_parameters, compile_scene, default_range
from app.core.presets import get_preset
from app.core.rules import Rule
from app.core.scene_checks import check_domain, check_walker
from app.core.schedules import Schedule

DEFAULT_PRESET = "peaks"
WALKER_COLORS = ("#ff140d", "#1f6fff", "#13b30b", "#ff9f1a", "#a845ff", "#00b5b5", "#ff4fb5")
MAX_WALKERS = lim.MAX_WALKERS
MAX_BASINS_RESOLUTION = lim.MAX_BASINS_RESOLUTION   # basins' N×N grid of starts (CLI, dialog)
THEMES = ("dark", "light")     # the look of the pictures: screen, or paper (print, slides)


@dataclass(frozen=True, slots=True)
class Walker:
    """One walker: its step rule, learning rate, the rule's own parameters, start and colour;
    gradient noise σ with its seed, and the learning-rate schedule (a SPEC, see
    ``app.core.schedules``; kept in its canonical form)."""

    rule: str
    lr: float
    params: tuple[tuple[str, float], ...] = ()
    start: tuple[float, ...] = ()
    color: str = WALKER_COLORS[0]
    noise: float = 0.0
    seed: int = 0
    schedule: str = "constant"

    def __post_init__(self) -> None:
        try:
            spec = str(Schedule.parse(self.schedule))
        except ValueError:
            return                 # left for Scene.validate to report with the walker's number
        object.__setattr__(self, "schedule", spec)

    @property
    def label(self) -> str:
        """'adam η=0.05 (beta1=0.8)': the rule, η and the parameters that differ from the
        rule's defaults; then the schedule and noise when there are any."""
        defaults = Rule.parse(self.rule).defaults
        extra = ", ".join(f"{k}={v:g}" for k, v in self.params if defaults.get(k) != v)
        text = f"{self.rule} η={self.lr:g}" + (f" ({extra})" if extra else "")
        if self.schedule != "constant":
            text += f" {self.schedule}"
        return text + (f" σ={self.noise:g} seed {self.seed}" if self.noise else "")

    def replace(self, **changes: Any) -> Walker:
        """A copy with ``changes``; a new rule keeps only the parameters it knows."""
        w = dataclasses.replace(self, **changes)
        if "rule" in changes:
            known = Rule.parse(w.rule).defaults
            w = dataclasses.replace(w, rule=Rule.parse(w.rule).value,
                                    params=tuple((k, v) for k, v in w.params if k in known))
        return w

    def run(self, func: CompiledFunction, scene: Scene) -> Trajectory:
        return run(func, Rule.parse(self.rule), self.start, self.lr, max_steps=scene.max_steps,
                   gtol=scene.gtol, domain=scene.domain, stop_outside=scene.stop_outside,
                   schedule=self.schedule, noise=self.noise, seed=self.seed,
                   **dict(self.params))


@dataclass(frozen=True, slots=True)
class Camera:
    """Where the 3D view looks from: angles in degrees, the distance from the centre (None:
    fitted to the frame) and the point looked at (None: the middle of the mountain)."""

    azimuth: float = -125.0
    elevation: float = 28.0
    distance: float | None = None
    center: tuple[float, float, float] | None = None

    def validate(self) -> Camera:
        """Raise ValueError (one line) unless the numbers are in ``app.core.limits``' ranges."""
        nums = [self.azimuth, self.elevation, *([] if self.distance is None else [self.distance]),
                *(self.center or ())]
        if not all(lim.is_number(v) for v in nums):
            raise ValueError("camera: angles, distance and centre must be finite numbers")
        if abs(self.azimuth) > lim.MAX_AZIMUTH:
            raise ValueError(f"camera: azimuth must be within ±{lim.MAX_AZIMUTH:g} degrees")
        if not -90 <= self.elevation <= 90:
            raise ValueError("camera: elevation must be between -90 and 90 degrees")
        if self.distance is not None and not lim.MIN_DISTANCE <= self.distance \
                <= lim.MAX_DISTANCE:
            raise ValueError(f"camera: distance must be positive, from {lim.MIN_DISTANCE:g} "
                             f"to {lim.MAX_DISTANCE:g}")
        if self.center is not None and len(self.center) != 3:
            raise ValueError("camera: centre needs 3 numbers")
        if self.center is not None and max(map(abs, self.center)) > lim.MAX_CENTER:
            raise ValueError(f"camera: centre must be within ±{lim.MAX_CENTER:g}")
        return self


@dataclass(frozen=True, slots=True)
class Scene:
    expression: str
    domain: Domain
    walkers: tuple[Walker, ...]
    max_steps: int = 500
    gtol: float = 1e-6
    stop_outside: bool = True
    resolution: int = 150
    cmap: str = "terrain"
    exaggeration: float = 1.0
    speed: float = 8.0          # steps per second while playing
    show_arrows: bool = False
    wireframe: bool = False
    preset: str | None = None
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    camera: Camera | None = None   # None: the default view, fitted to the frame
    theme: str = "dark"
    params: tuple[Parameter, ...] = ()   # the function's parameters, with slider ranges

    def replace(self, **changes: Any) -> Scene:
        """A copy with ``changes`` applied (see ``validate`` for what is accepted)."""
        for key in ("walkers", "params"):
            if key in changes:
                changes[key] = tuple(changes[key])
        return dataclasses.replace(self, **changes).validate()

    @property
    def dim(self) -> int:
        return len(self.domain)

    def compile(self) -> CompiledFunction:
        """f with the parameters' values (parsed once per text: see ``compile_scene``)."""
        return compile_scene(self)

    @property
    def param_values(self) -> dict[str, float]:
        """{name: value} of the declared parameters."""
        return {p.name: p.value for p in self.params}

    def param(self, name: str) -> Parameter:
        """The declared parameter ``name`` (KeyError if there is none)."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def declare_param(self, name: str, value: float = 1.0) -> Scene:
        """A copy that declares parameter ``name`` (the window's "make it a parameter"): at
        ``value`` with the default range value ± max(1, |value|) (within ±1e6); a declared one
        is kept."""
        if any(p.name == name for p in self.params):
            return self
        v = float(value)
        return self.replace(params=[*self.params, Parameter(name, v,
                                                            *clip_range(*default_range(v)))])

    def with_param_values(self, values: dict[str, float] | None = None,
                          **more: float) -> Scene:
        """A copy with other parameter values (each within its range, else ValueError)."""
        new = {**(values or {}), **more}
        unknown = sorted(set(new) - {p.name for p in self.params})
        if unknown:
            raise ValueError(f"no parameter {unknown[0]!r} is declared")
        return self.replace(params=[dataclasses.replace(p, value=float(new[p.name]))
                                    if p.name in new else p for p in self.params])

    def run_all(self, func: CompiledFunction | None = None) -> tuple[Trajectory, ...]:
        """Every walker's path, in the order of ``walkers``."""
        func = func or self.compile()
        return tuple(w.run(func, self) for w in self.walkers)

    # ---- walker edits -----------------------------------------------------------------------
    def with_walker(self, index: int, walker: Walker) -> Scene:
        """A copy whose walker ``index`` is ``walker``."""
        walkers = list(self.walkers)
        walkers[index] = walker
        return self.replace(walkers=walkers)

    def move_start(self, index: int, start: tuple[float, ...]) -> Scene:
        """Walker ``index`` starts at ``start``; walkers that shared its start move with it
        (optimisers compared from one start keep racing from one start)."""
        old = self.walkers[index].start
        start = tuple(float(v) for v in start)
        return self.replace(walkers=[w.replace(start=start) if (i == index or w.start == old)
                                     else w for i, w in enumerate(self.walkers)])

    def to_dim(self, dim: int) -> Scene:
        """The scene for a function of ``dim`` variables: domain and starts follow (a 1-D
        start gets y in the middle of the new y range)."""
        if self.dim == dim:
            return self
        if dim == 1:
            return self.replace(domain=self.domain[:1],
                                walkers=[w.replace(start=w.start[:1]) for w in self.walkers])
        (x0, x1), = self.domain
        return self.replace(domain=((x0, x1), (x0, x1)),
                            walkers=[w.replace(start=(w.start[0], 0.5 * (x0 + x1)))
                                     for w in self.walkers])

    # ---- checks -----------------------------------------------------------------------------
    def validate(self) -> Scene:
        """Raise ValueError with a one-line message if any field is out of range (the ranges
        are ``app.core.limits``')."""
        n = len(self.walkers)
        if not n:
            raise ValueError("a scene needs at least one walker")
        if n > MAX_WALKERS:
            raise ValueError(f"{n} walkers: at most {MAX_WALKERS} walkers")
        check_domain(self.domain)
        for i, w in enumerate(self.walkers, start=1):
            if not isinstance(w, Walker):
                raise ValueError(f"walker {i}: not a walker")
            check_walker(i, w, len(self.domain))
        if not (in_range(self.max_steps, 1, lim.MAX_STEPS)
                and float(self.max_steps).is_integer()):
            raise ValueError(f"max steps must be between 1 and {count(lim.MAX_STEPS)}")
        if n * self.max_steps > lim.MAX_TOTAL_STEPS:
            raise ValueError(f"{n} walkers × {count(self.max_steps)} steps = "
                             f"{count(n * self.max_steps)} steps: at most "
                             f"{count(lim.MAX_TOTAL_STEPS)} in all; fewer steps or walkers")
        if not in_range(self.gtol, 0.0, lim.MAX_GTOL):
            raise ValueError(f"gtol must be between 0 and {lim.MAX_GTOL:g}")
        if not (in_range(self.resolution, lim.MIN_RESOLUTION, lim.MAX_RESOLUTION)
                and float(self.resolution).is_integer()):
            raise ValueError(f"mesh resolution must be between {lim.MIN_RESOLUTION} and "
                             f"{lim.MAX_RESOLUTION}")
        if not in_range(self.exaggeration, lim.MIN_EXAGGERATION, lim.MAX_EXAGGERATION):
            raise ValueError(f"vertical exaggeration must be between {lim.MIN_EXAGGERATION:g} "
                             f"and {lim.MAX_EXAGGERATION:g}")
        if not in_range(self.speed, lim.MIN_SPEED, lim.MAX_SPEED):
            raise ValueError(f"speed must be between {lim.MIN_SPEED:g} and {lim.MAX_SPEED:g} "
                             "steps per second")
        if self.camera is not None:
            self.camera.validate()
        if self.theme not in THEMES:
            raise ValueError(f"unknown theme {self.theme!r}; choose one of: {', '.join(THEMES)}")
        for p in check_parameters(self.params):
            problem = range_problem(p.low, p.high)
            if problem:
                raise ValueError(f"parameter {p.name}: its range [{p.low:.10g}, {p.high:.10g}] "
                                 f"{problem}")
        return self

    @classmethod
    def from_preset(cls, name: str = DEFAULT_PRESET, **changes: Any) -> Scene:
        p = get_preset(name)
        base = cls(expression=p.expression, domain=p.domain,
                   walkers=(Walker(p.rule, p.lr, (), p.start, WALKER_COLORS[0],
                                   noise=p.noise, seed=p.seed),),
                   preset=p.name, params=p.params)
        return base.replace(**changes) if changes else base.validate()

