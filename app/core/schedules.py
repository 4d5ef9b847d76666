"""Learning-rate schedules: η_t = η · s(t) for step t = 0, 1, 2, …

A schedule is written as a SPEC string, parts joined by ``+`` whose factors multiply::

    constant                      s(t) = 1
    step:every=k,gamma=γ          s(t) = γ^⌊t/k⌋          (defaults k = 10, γ = 0.5)
    exponential:gamma=γ           s(t) = γ^t               (default γ = 0.99)
    cosine:steps=T                s(t) = ½(1 + cos(π·min(t, T)/T))   (default T = 100)
    inverse_sqrt                  s(t) = 1/√(t + 1)
    warmup:steps=w                s(t) = min(1, (t + 1)/w)  (default w = 5)

e.g. ``warmup:steps=5+cosine:steps=100``: a linear warm-up times a cosine decay. At most one
decay (step, exponential, cosine, inverse_sqrt) and one warm-up. ``Schedule.parse`` reads a
SPEC (ValueError with a one-line message when it is wrong: numbers are read with ``float``,
never evaluated); ``str(schedule)`` writes its canonical SPEC back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.scene_json import parse_finite

MAX_SPEC = 200
# kind -> ((parameter, default, whole number?), …)
_KINDS: dict[str, tuple[tuple[str, float, bool], ...]] = {
    "constant": (),
    "step": (("every", 10, True), ("gamma", 0.5, False)),
    "exponential": (("gamma", 0.99, False),),
    "cosine": (("steps", 100, True),),
    "inverse_sqrt": (),
    "warmup": (("steps", 5, True),),
}
_FORMULAS = {
    "step": "γ^⌊t/{every:g}⌋ with γ = {gamma:g}",
    "exponential": "{gamma:g}^t",
    "cosine": "½(1 + cos(π·min(t, {steps:g})/{steps:g}))",
    "inverse_sqrt": "1/√(t + 1)",
    "warmup": "min(1, (t + 1)/{steps:g})",
}


@dataclass(frozen=True, slots=True)
class Part:
    """One factor of a schedule: its kind and its parameters (all of them, defaults filled)."""

    kind: str
    args: tuple[tuple[str, float], ...] = ()

    def factor(self, t: np.ndarray) -> np.ndarray:
        a = dict(self.args)
        if self.kind == "step":
            return a["gamma"] ** np.floor(t / a["every"])
        if self.kind == "exponential":
            return a["gamma"] ** t
        if self.kind == "cosine":
            return 0.5 * (1.0 + np.cos(np.pi * np.minimum(t, a["steps"]) / a["steps"]))
        if self.kind == "inverse_sqrt":
            return 1.0 / np.sqrt(t + 1.0)
        if self.kind == "warmup":
            return np.minimum(1.0, (t + 1.0) / a["steps"])
        return np.ones_like(t)

    def __str__(self) -> str:
        if not self.args:
            return self.kind
        return self.kind + ":" + ",".join(f"{k}={v:g}" for k, v in self.args)


@dataclass(frozen=True, slots=True)
class Schedule:
    """η_t = lr · Π parts' factors; no parts is the constant schedule."""

    parts: tuple[Part, ...] = ()

    @classmethod
    def parse(cls, spec: str | None) -> Schedule:
        """The schedule a SPEC describes (None or '' is constant); ValueError if malformed."""
        if spec is None:
            return CONSTANT
        if not isinstance(spec, str):
            raise ValueError("a schedule must be text like 'exponential:gamma=0.9'")
        text = spec.strip()
        if len(text) > MAX_SPEC:
            raise ValueError(f"schedule: at most {MAX_SPEC} characters")
        if not text:
            return CONSTANT
        parts = [_part(p) for p in text.split("+")]
        decays = [p for p in parts if p.kind not in ("warmup", "constant")]
        if len(decays) > 1:
            raise ValueError(f"schedule {text[:60]!r}: at most one decay "
                             "(step, exponential, cosine or inverse_sqrt)")
        if sum(p.kind == "warmup" for p in parts) > 1:
            raise ValueError(f"schedule {text[:60]!r}: at most one warmup")
        warm = [p for p in parts if p.kind == "warmup"]
        return cls(tuple(warm + decays))

    @property
    def is_constant(self) -> bool:
        return not self.parts

    def factor(self, t):
        """s(t) for a step index or an array of them (float or array)."""
        tt = np.asarray(t, dtype=float)
        out = np.ones_like(tt)
        for p in self.parts:
            out = out * p.factor(tt)
        return float(out) if out.ndim == 0 else out

    def eta(self, t, lr: float | np.ndarray):
        """η_t = lr · s(t) (vectorised over ``t``; ``lr`` may be one per walker)."""
        return lr * self.factor(t)

    @property
    def formula(self) -> str:
        """η_t in words: 'η_t = η · 0.9^t'."""
        if not self.parts:
            return "η_t = η"
        pieces = [_FORMULAS[p.kind].format(**dict(p.args)) for p in self.parts]
        return "η_t = η · " + " · ".join(pieces)

    def __str__(self) -> str:
        return "+".join(str(p) for p in self.parts) or "constant"


CONSTANT = Schedule()


def _part(text: str) -> Part:
    name, _, rest = text.strip().partition(":")
    kind = name.strip().lower().replace("-", "_")
    if kind not in _KINDS:
        raise ValueError(f"unknown schedule {name.strip()[:40]!r}; choose one of: "
                         f"{', '.join(_KINDS)}")
    spec = _KINDS[kind]
    given: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, value = (s.strip() for s in item.partition("="))
        if not eq:
            raise ValueError(f"schedule {kind}: write key=value, not {item[:40]!r}")
        known = {k for k, _, _ in spec}
        if key not in known:
            raise ValueError(f"schedule {kind} has no parameter {key[:40]!r} "
                             f"(it takes: {', '.join(sorted(known)) or 'none'})")
        if key in given:
            raise ValueError(f"schedule {kind}: {key} given twice")
        given[key] = _number(kind, key, value)
    args = []
    for key, default, whole in spec:
        v = given.get(key, float(default))
        if whole and not (v == int(v) and 1 <= v <= 10_000_000):
            raise ValueError(f"schedule {kind}: {key} must be a whole number ≥ 1")
        if key == "gamma" and not 0 < v <= 1:
            raise ValueError(f"schedule {kind}: gamma must be in (0, 1]")
        args.append((key, v))
    return Part("constant" if kind == "constant" else kind, tuple(args))


def _number(kind: str, key: str, text: str) -> float:
    return parse_finite(text, f"schedule {kind}: {key} must be a number, not {text[:20]!r}",
                        f"schedule {kind}: {key} must be a finite number")
