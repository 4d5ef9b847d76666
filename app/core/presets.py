"""Built-in scenes (resources/presets.json): expression, domain, start, rule, minima, and the
function's parameters ("params": [{"name", "value", "min", "max"}], optional)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from app.core.descent import Domain
from app.core.parameters import Parameter, check_parameters

_REPO_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path:
    """A file in ``resources/``: the source tree's, else the installed package's copy."""
    local = _REPO_RESOURCES / name
    if local.exists():
        return local
    return Path(str(resources.files("app.resources") / name))


@dataclass(frozen=True, slots=True)
class Minimum:
    """A known local minimum at ``point`` with value ``f``; ``smooth`` is False at a kink."""

    point: tuple[float, ...]
    f: float
    smooth: bool = True


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    title: str
    expression: str
    domain: Domain
    start: tuple[float, ...]
    rule: str
    lr: float
    minima: tuple[Minimum, ...]
    noise: float = 0.0      # gradient noise σ of the preset's walker, and its seed
    seed: int = 0
    params: tuple[Parameter, ...] = ()

    @property
    def param_values(self) -> dict[str, float]:
        return {p.name: p.value for p in self.params}

    @property
    def dim(self) -> int:
        return len(self.domain)


def _minimum(row: list) -> Minimum:
    smooth = not (row and isinstance(row[-1], str))
    nums = [float(v) for v in row if not isinstance(v, str)]
    return Minimum(tuple(nums[:-1]), nums[-1], smooth)


@cache
def presets() -> dict[str, Preset]:
    """All presets by name, in the file's order."""
    data = json.loads(resource_path("presets.json").read_text(encoding="utf-8"))
    out: dict[str, Preset] = {}
    for p in data["presets"]:
        out[p["name"]] = Preset(
            name=p["name"], title=p["title"], expression=p["expression"],
            domain=tuple((float(a), float(b)) for a, b in p["domain"]),
            start=tuple(float(v) for v in p["start"]), rule=p["rule"], lr=float(p["lr"]),
            minima=tuple(_minimum(m) for m in p["minima"]),
            noise=float(p.get("noise", 0.0)), seed=int(p.get("seed", 0)),
            params=check_parameters(
                Parameter(q["name"], float(q["value"]), float(q["min"]), float(q["max"]))
                for q in p.get("params", ())))
    return out


def get_preset(name: str) -> Preset:
    """The preset called ``name``; ValueError listing the names otherwise."""
    try:
        return presets()[name.strip().lower().replace("-", "_")]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(presets())}") \
            from None
