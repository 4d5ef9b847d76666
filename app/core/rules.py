"""Step rules: pure functions that advance arrays of walkers one step.

Every rule maps (x, g, state, params, ctx) -> (x_new, state_new) where x and g have shape
(n, d) (n walkers in d = 1 or 2 dimensions), g = ∇f(x) (or its noisy form), state is a dict of
per-walker arrays (plus the step counter ``t``) and ``ctx`` a ``StepContext``: f(x), f and the
Hessian at other points, and what the rule hands back (notes, line-search trials, refusals).
First-order rules ignore ``ctx``; Newton, BFGS and Armijo need it (``rules_second_order``,
``rules_line_search``). Conventions follow PyTorch's optimisers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from types import MappingProxyType

import numpy as np

from app.core.rules_context import StepContext
from app.core.rules_line_search import armijo
from app.core.rules_second_order import DELTA, bfgs, bfgs_state, newton

State = dict[str, np.ndarray]
Params = Mapping[str, "float | np.ndarray"]   # a number, or (n, 1): one per walker


def _stride(x: np.ndarray, g: np.ndarray, s: State, p: Params) -> tuple[np.ndarray, State]:
    """Fixed-length step down the slope: x ← x − η·g/‖g‖ (length exactly η)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        norm = np.linalg.norm(g, axis=-1, keepdims=True)
        direction = np.where(norm > 0, g / norm, 0.0)
    return x - p["lr"] * direction, s


def _gradient(x: np.ndarray, g: np.ndarray, s: State, p: Params) -> tuple[np.ndarray, State]:
    """Plain gradient descent: x ← x − η·g."""
    return x - p["lr"] * g, s


def _momentum(x: np.ndarray, g: np.ndarray, s: State, p: Params) -> tuple[np.ndarray, State]:
    """Heavy ball: v ← βv + g; x ← x − η·v."""
    v = p["beta"] * s["v"] + g
    return x - p["lr"] * v, {**s, "v": v}


def _nesterov(x: np.ndarray, g: np.ndarray, s: State, p: Params) -> tuple[np.ndarray, State]:
    """Nesterov momentum (PyTorch form): v ← βv + g; x ← x − η·(g + βv)."""
    v = p["beta"] * s["v"] + g
    return x - p["lr"] * (g + p["beta"] * v), {**s, "v": v}


def _adagrad(x: np.ndarray, g: np.ndarray, s: State, p: Params) -> tuple[np.ndarray, State]:
    """AdaGrad: s ← s + g²; x ← x − η·g/(√s + ε)."""
    acc = s["s"] + g * g
    return x - p["lr"] * g / (np.sqrt(acc) + p["eps"]), {**s, "s": acc}


def _rmsprop(x: np.ndarray, g: np.ndarray, s: State, p: Params) -> tuple[np.ndarray, State]:
    """RMSprop: s ← αs + (1−α)g²; x ← x − η·g/(√s + ε)."""
    acc = p["alpha"] * s["s"] + (1 - p["alpha"]) * g * g
    return x - p["lr"] * g / (np.sqrt(acc) + p["eps"]), {**s, "s": acc}


def _adam(x: np.ndarray, g: np.ndarray, s: State, p: Params) -> tuple[np.ndarray, State]:
    """Adam, bias-corrected: m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²;
    m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ); x ← x − η·m̂/(√v̂ + ε)."""
    t = s["t"] + 1
    m = p["beta1"] * s["m"] + (1 - p["beta1"]) * g
    v = p["beta2"] * s["v"] + (1 - p["beta2"]) * g * g
    m_hat = m / (1 - p["beta1"] ** t)
    v_hat = v / (1 - p["beta2"] ** t)
    return x - p["lr"] * m_hat / (np.sqrt(v_hat) + p["eps"]), {**s, "m": m, "v": v, "t": t}


_Fn = Callable[[np.ndarray, np.ndarray, State, Params], tuple[np.ndarray, State]]


class Rule(Enum):
    """The step rules. ``Rule.ADAM(x, g, state, params)`` advances the walkers one step."""

    STRIDE = "stride"
    GRADIENT = "gradient"
    MOMENTUM = "momentum"
    NESTEROV = "nesterov"
    ADAGRAD = "adagrad"
    RMSPROP = "rmsprop"
    ADAM = "adam"
    NEWTON = "newton"
    BFGS = "bfgs"
    ARMIJO = "armijo"

    @classmethod
    def parse(cls, name: str) -> Rule:
        """The rule called ``name`` (case-insensitive); ValueError listing the choices."""
        try:
            return cls(str(name).strip().lower())
        except ValueError:
            choices = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown rule {name!r}; choose one of: {choices}") from None

    @property
    def formula(self) -> str:
        """The update as text, for the side panel."""
        return _FORMULAS[self]

    @property
    def latex(self) -> tuple[tuple[str, ...], ...]:
        """The update typeset: lines of LaTeX pieces (matplotlib mathtext's subset); a line
        may wrap between its pieces."""
        return _LATEX[self]

    @property
    def defaults(self) -> Mapping[str, float]:
        """The rule's own parameters (besides the learning rate) and their defaults."""
        return _DEFAULTS[self]

    @property
    def checks_descent(self) -> bool:
        """True when a step that would not lower f stops the walker (``stalled``)."""
        return self is Rule.STRIDE

    @property
    def needs_context(self) -> bool:
        """True for rules that ask the ``StepContext`` for f or the Hessian elsewhere."""
        return self in (Rule.NEWTON, Rule.BFGS, Rule.ARMIJO)

    @property
    def uses_hessian(self) -> bool:
        return self is Rule.NEWTON

    @property
    def line_search(self) -> bool:
        """True when each step tries step sizes (recorded as the trajectory's ``trials``)."""
        return self in (Rule.BFGS, Rule.ARMIJO)

    @property
    def default_lr(self) -> float | None:
        """A learning rate that suits the rule whatever f is (None: it depends on f): 1 for
        Newton (the pure method) and for the line searches' first trial."""
        return 1.0 if self.needs_context else None

    def params(self, lr: float, **overrides: float) -> dict[str, float]:
        """Full parameter dict: defaults, then ``overrides`` that this rule knows."""
        out = {"lr": float(lr), **self.defaults}
        out.update({k: float(v) for k, v in overrides.items() if k in self.defaults})
        return out

    def init_state(self, shape: tuple[int, ...]) -> State:
        """Zeroed state for walkers of ``shape`` (n, d)."""
        zeros = {"momentum": ("v",), "nesterov": ("v",), "adagrad": ("s",),
                 "rmsprop": ("s",), "adam": ("m", "v")}.get(self.value, ())
        state: State = bfgs_state(shape) if self is Rule.BFGS else {}
        state.update({k: np.zeros(shape) for k in zeros})
        state["t"] = np.zeros(())
        return state

    def __call__(self, x: np.ndarray, g: np.ndarray, state: State, params: Params,
                 ctx: StepContext | None = None) -> tuple[np.ndarray, State]:
        fn = _FUNCS.get(self)
        if fn is not None:
            return fn(x, g, state, params)
        if ctx is None:
            raise TypeError(f"the {self.value} rule needs a StepContext (f elsewhere, ∇²f)")
        return _CTX_FUNCS[self](x, g, state, params, ctx)


_FUNCS: dict[Rule, _Fn] = {
    Rule.STRIDE: _stride, Rule.GRADIENT: _gradient, Rule.MOMENTUM: _momentum,
    Rule.NESTEROV: _nesterov, Rule.ADAGRAD: _adagrad, Rule.RMSPROP: _rmsprop, Rule.ADAM: _adam,
}
_CTX_FUNCS: dict[Rule, Callable[..., tuple[np.ndarray, State]]] = {
    Rule.NEWTON: newton, Rule.BFGS: bfgs, Rule.ARMIJO: armijo,
}
_FORMULAS = {
    Rule.STRIDE: "x ← x − η·g/‖g‖   (a stride of length η; stop when f would not go down)",
    Rule.GRADIENT: "x ← x − η·g",
    Rule.MOMENTUM: "v ← β·v + g;   x ← x − η·v",
    Rule.NESTEROV: "v ← β·v + g;   x ← x − η·(g + β·v)",
    Rule.ADAGRAD: "s ← s + g²;   x ← x − η·g/(√s + ε)",
    Rule.RMSPROP: "s ← α·s + (1−α)·g²;   x ← x − η·g/(√s + ε)",
    Rule.ADAM: "m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  x ← x − η·m̂/(√v̂ + ε)",
    Rule.NEWTON: f"x ← x − η·H⁻¹g,  H = ∇²f(x)   (where H is not positive definite its "
                 f"eigenvalues λ become max(|λ|, δ), δ = {DELTA:g}·max(1, |λ|max): still downhill)",
    Rule.BFGS: "p = −B·g;  x ← x + t·p, t = η, η/2, … until f drops by c·t·|gᵀp|;  "
               "B ≈ H⁻¹ updated from s = Δx, y = Δg  (B = I, then (sᵀy/yᵀy)·I)",
    Rule.ARMIJO: "x ← x − t·g,  t = η, η/2, η/4, … the first with f(x − t·g) ≤ f(x) − c·t·‖g‖²",
}
# g = ∇f(x); squares, roots and quotients act on each coordinate
_X_STEP = r"x \leftarrow x - \eta\,\dfrac{g}{\sqrt{s} + \varepsilon}"
_LATEX: dict[Rule, tuple[tuple[str, ...], ...]] = {
    Rule.STRIDE: ((r"x \leftarrow x - \eta\,\dfrac{g}{\Vert g\Vert}",),
                  (r"\mathrm{a\ stride\ of\ length\ }\eta;",
                   r"\ \mathrm{stop\ when\ }f\mathrm{\ would\ not\ go\ down}")),
    Rule.GRADIENT: ((r"x \leftarrow x - \eta\,g",),),
    Rule.MOMENTUM: ((r"v \leftarrow \beta\,v + g",), (r"x \leftarrow x - \eta\,v",)),
    Rule.NESTEROV: ((r"v \leftarrow \beta\,v + g",),
                    (r"x \leftarrow x - \eta\,(g + \beta\,v)",)),
    Rule.ADAGRAD: ((r"s \leftarrow s + g^2",), (_X_STEP,)),
    Rule.RMSPROP: ((r"s \leftarrow \alpha\,s + (1 - \alpha)g^2",), (_X_STEP,)),
    Rule.ADAM: ((r"m \leftarrow \beta_1 m + (1 - \beta_1)g",),
                (r"v \leftarrow \beta_2 v + (1 - \beta_2)g^2",),
                (r"\hat{m} = \dfrac{m}{1 - \beta_1^{t}},",
                 r"\quad \hat{v} = \dfrac{v}{1 - \beta_2^{t}}"),
                (r"x \leftarrow x - \eta\,\dfrac{\hat{m}}{\sqrt{\hat{v}} + \varepsilon}",)),
    Rule.NEWTON: ((r"x \leftarrow x - \eta\,H^{-1} g,", r"\quad H = \nabla^2 f(x)"),
                  (r"H\ \mathrm{not\ positive\ definite:}",
                   r"\quad \lambda \rightarrow \max(|\lambda|, \delta)")),
    Rule.BFGS: ((r"p = -B\,g,", r"\quad x \leftarrow x + t\,p"),
                (r"t = \eta, \frac{\eta}{2}, \ldots\ \mathrm{until}",
                 r"\ f(x + t\,p) \leq f(x) + c\,t\,g^{T} p"),
                (r"B \leftarrow (I - \rho\,s\,y^{T})\,B\,(I - \rho\,y\,s^{T})",
                 r" + \rho\,s\,s^{T},", r"\quad \rho = \dfrac{1}{s^{T} y}")),
    Rule.ARMIJO: ((r"x \leftarrow x - t\,g",),
                  (r"t = \eta, \frac{\eta}{2}, \frac{\eta}{4}, \ldots\ \mathrm{the\ first\ with}",),
                  (r"f(x - t\,g) \leq f(x) - c\,t\,\Vert g\Vert^2",)),
}
_DEFAULTS = {
    Rule.STRIDE: MappingProxyType({}),
    Rule.GRADIENT: MappingProxyType({}),
    Rule.MOMENTUM: MappingProxyType({"beta": 0.9}),
    Rule.NESTEROV: MappingProxyType({"beta": 0.9}),
    Rule.ADAGRAD: MappingProxyType({"eps": 1e-10}),
    Rule.RMSPROP: MappingProxyType({"alpha": 0.99, "eps": 1e-8}),
    Rule.ADAM: MappingProxyType({"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    Rule.NEWTON: MappingProxyType({}),
    Rule.BFGS: MappingProxyType({"c": 1e-4}),
    Rule.ARMIJO: MappingProxyType({"c": 1e-4}),
}
