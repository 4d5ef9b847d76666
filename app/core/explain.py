"""Each step of a walk written out with its numbers plugged in (``descend --explain``, and the
step inspector: ``explain_step(walks.trajectories[i], k)`` for walker i, step k).

Pure: it reads only the Trajectory — its points, f, ∇f and the per-step ``notes`` a recorded
run keeps (the gradient the rule used, η_k, the rule's state, Newton's Hessian, the
line-search trials). For gradient descent on x² + y² from (1, 1) with η = 0.1, step 0 reads::

    x₀ → x₁
      g = ∇f(1, 1) = (2, 2)
      x₁ = x₀ − η·g = (1, 1) − 0.1·(2, 2) = (0.8, 0.8)
      f(x₀) = 2 → f(x₁) = 1.28
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.core.rules import Rule
from app.core.trajectory import Trajectory

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def num(v: float) -> str:
    """A number as people write it: 6 significant digits, no trailing zeros."""
    v = float(v)
    if not np.isfinite(v):
        return "undefined" if np.isnan(v) else ("∞" if v > 0 else "-∞")
    return f"{v:.6g}" if v != 0 else "0"


def vec(v: np.ndarray) -> str:
    """(a, b) for a 2-D vector, the bare number in 1-D."""
    v = np.asarray(v, float).reshape(-1)
    return num(v[0]) if v.size == 1 else "(" + ", ".join(num(a) for a in v) + ")"


def factor(v: np.ndarray) -> str:
    """``vec`` as a factor of a product: a negative bare number in brackets."""
    text = vec(v)
    return f"({text})" if text.startswith("-") else text


def mat(h: np.ndarray) -> str:
    h = np.asarray(h, float)
    if h.size == 1:
        return num(h.reshape(-1)[0])
    return "[" + ", ".join("[" + ", ".join(num(a) for a in row) + "]" for row in h) + "]"


def sub(k: int) -> str:
    return str(k).translate(_SUB)


class _Step:
    """The numbers of step k, gathered once for the per-rule writers."""

    def __init__(self, traj: Trajectory, k: int) -> None:
        notes = traj.notes
        self.traj, self.k, self.p = traj, k, traj.params
        self.x0 = traj.points[k]
        self.taken = k < traj.steps
        self.x1 = traj.points[k + 1] if self.taken else notes["x_next"][k]
        self.g = notes["g"][k]
        self.eta = float(notes["eta"][k])
        self.a, self.b = f"x{sub(k)}", f"x{sub(k + 1)}"
        self.gs = "g̃" if traj.noise else "g"

    def note(self, key: str) -> np.ndarray:
        return self.traj.notes[key][self.k]

    def before(self, key: str) -> np.ndarray:
        """The rule's state ``key`` before this step (zeros before the first)."""
        return self.traj.notes[key][self.k - 1] if self.k else np.zeros_like(self.note(key))

    def move(self, op: str, what: str, value: np.ndarray, coef: str | None = None) -> str:
        """'x₁ = x₀ − η·g = (1, 1) − 0.1·(2, 2) = (0.8, 0.8)'."""
        c = num(self.eta) if coef is None else coef
        factor_ = f"{c}·" if c else ""
        shown = factor(value) if c else vec(value)
        return (f"{self.b} = {self.a} {op} {what} = {vec(self.x0)} {op} {factor_}{shown} = "
                f"{vec(self.x1)}")


def _gradient(s: _Step) -> list[str]:
    return [s.move("−", f"η·{s.gs}", s.g)]


def _stride(s: _Step) -> list[str]:
    norm = float(np.linalg.norm(s.g))
    return [f"‖{s.gs}‖ = {num(norm)}",
            f"{s.b} = {s.a} − η·{s.gs}/‖{s.gs}‖ = {vec(s.x0)} − {num(s.eta)}·{vec(s.g)}/"
            f"{num(norm)} = {vec(s.x1)}"]


def _momentum(s: _Step) -> list[str]:
    beta, v = s.p["beta"], s.note("v")
    k, g = s.k, s.gs
    lines = [f"v{sub(k + 1)} = β·v{sub(k)} + {g} = {num(beta)}·{factor(s.before('v'))} + "
             f"{factor(s.g)} = {vec(v)}"]
    if s.traj.rule is Rule.NESTEROV:
        look = s.g + beta * v
        lines.append(f"{g} + β·v{sub(k + 1)} = {vec(look)}")
        return [*lines, s.move("−", f"η·({g} + β·v{sub(k + 1)})", look)]
    return [*lines, s.move("−", f"η·v{sub(k + 1)}", v)]


def _adaptive(s: _Step) -> list[str]:
    acc, g, k = s.note("s"), s.gs, s.k
    if s.traj.rule is Rule.ADAGRAD:
        first = f"s{sub(k + 1)} = s{sub(k)} + {g}² = {vec(s.before('s'))} + {vec(s.g**2)}"
    else:
        a = s.p["alpha"]
        first = (f"s{sub(k + 1)} = α·s{sub(k)} + (1−α)·{g}² = {num(a)}·{vec(s.before('s'))} + "
                 f"{num(1 - a)}·{vec(s.g**2)}")
    step = s.eta * s.g / (np.sqrt(acc) + s.p["eps"])
    return [f"{first} = {vec(acc)}",
            f"step = η·{g}/(√s{sub(k + 1)} + ε) = {vec(step)}   (per coordinate)",
            s.move("−", "step", step, coef="")]


def _adam(s: _Step) -> list[str]:
    b1, b2, eps, t, g = s.p["beta1"], s.p["beta2"], s.p["eps"], s.k + 1, s.gs
    m, v = s.note("m"), s.note("v")
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    step = s.eta * m_hat / (np.sqrt(v_hat) + eps)
    tt, i, j = str(t).translate(_SUP), sub(s.k), sub(t)
    return [f"m{j} = β1·m{i} + (1−β1)·{g} = {num(b1)}·{factor(s.before('m'))} + {num(1 - b1)}·"
            f"{factor(s.g)} = {vec(m)}",
            f"v{j} = β2·v{i} + (1−β2)·{g}² = {num(b2)}·{factor(s.before('v'))} + "
            f"{num(1 - b2)}·{factor(s.g**2)} = {vec(v)}",
            f"m̂ = m{j}/(1−β1{tt}) = {vec(m_hat)},  v̂ = v{j}/(1−β2{tt}) = {vec(v_hat)}",
            f"step = η·m̂/(√v̂ + ε) = {vec(step)}   (per coordinate)",
            s.move("−", "step", step, coef="")]


def _newton(s: _Step) -> list[str]:
    lam, used, d = s.note("eig"), s.note("eig_used"), s.note("d")
    where = "∇²f(" + vec(s.x0).strip("()") + ")"
    lines = [f"H = {where} = {mat(s.note('H'))},  eigenvalues λ = "
             + ", ".join(num(v) for v in lam)]
    h = "H"
    if not np.array_equal(lam, used):
        h = "H̃"
        lines.append("H is not positive definite: H̃ has λ → max(|λ|, δ) = "
                     + ", ".join(num(v) for v in used) + " (so the step still goes down)")
    return [*lines, f"d = {h}⁻¹{s.gs} = {vec(d)}", s.move("−", "η·d", d)]


def _trials(s: _Step, slope: float, what: str) -> list[str]:
    c, f0 = s.p["c"], float(s.traj.values[s.k])
    out = []
    for t, ft, _ in zip(*s.traj.line_search(s.k), strict=True):
        bound = f0 + c * t * slope
        ok = ft <= bound
        out.append(f"try t = {num(t)}: f({what}) = {num(ft)} {'≤' if ok else '>'} "
                   f"f({s.a}) + c·t·{'gᵀp' if s.traj.rule is Rule.BFGS else '(−‖g‖²)'} = "
                   f"{num(bound)}" + ("  ✓" if ok else "  → halve"))
    return out


def _armijo(s: _Step) -> list[str]:
    t = float(s.note("t"))
    lines = _trials(s, -float(s.g @ s.g), f"{s.a} − t·{s.gs}")
    return [*lines, s.move("−", f"t·{s.gs}", s.g, coef=num(t))]


def _bfgs(s: _Step) -> list[str]:
    p, t = s.note("p"), float(s.note("t"))
    lines = [f"B = {mat(s.note('B'))}   (≈ H⁻¹; I at the start)",
             f"p = −B·{s.gs} = {vec(p)},  {s.gs}ᵀp = {num(float(s.g @ p))}"]
    lines += _trials(s, float(s.g @ p), f"{s.a} + t·p")
    return [*lines, s.move("+", "t·p", p, coef=num(t))]


_WRITERS: dict[Rule, Callable[[_Step], list[str]]] = {
    Rule.STRIDE: _stride, Rule.GRADIENT: _gradient, Rule.MOMENTUM: _momentum,
    Rule.NESTEROV: _momentum, Rule.ADAGRAD: _adaptive, Rule.RMSPROP: _adaptive,
    Rule.ADAM: _adam, Rule.NEWTON: _newton, Rule.BFGS: _bfgs, Rule.ARMIJO: _armijo,
}


def explain_step(traj: Trajectory, k: int) -> str:
    """Step k (x_k → x_{k+1}) with its numbers; for the last position, why the walk ended
    (and, when the step was tried and refused, where it would have gone). Lines after the
    first are indented by two spaces. IndexError outside 0 … steps."""
    if not 0 <= k <= traj.steps:
        raise IndexError(f"step {k} out of range: this run has steps 0…{traj.steps}")
    if k >= traj.attempts:
        return f"{'x' + sub(k)}: {traj.message}"
    with np.errstate(all="ignore"):        # huge steps overflow to inf: shown, not warned
        return _explain(traj, k)


def _explain(traj: Trajectory, k: int) -> str:
    s = _Step(traj, k)
    point = vec(s.x0).strip("()")
    grad = "∇f" if s.x0.size > 1 else "f′"
    lines = [f"g = {grad}({point}) = {vec(traj.gradients[k])}"]
    if traj.noise:
        xi = (s.g - traj.gradients[k]) / traj.noise
        lines.append(f"g̃ = g + σ·ξ = {vec(traj.gradients[k])} + {num(traj.noise)}·{vec(xi)} = "
                     f"{vec(s.g)}")
    if not traj.schedule.is_constant:
        lines.append(f"η{sub(k)} = {num(s.eta)}   ({traj.schedule.formula}, "
                     f"η = {num(traj.params['lr'])})")
    lines += _WRITERS[traj.rule](s)
    if s.taken:
        lines.append(f"f({s.a}) = {num(traj.values[k])} → f({s.b}) = {num(traj.values[k + 1])}")
        head = f"{s.a} → {s.b}"
    else:
        head = f"{s.a} → {s.b}: not taken — {traj.message}"
    return "\n".join([head, *("  " + line for line in lines)])


def explain_run(traj: Trajectory) -> str:
    """Every step explained, then why the walk ended."""
    parts = [explain_step(traj, k) for k in range(traj.steps)]
    last = explain_step(traj, traj.steps)
    if traj.attempts <= traj.steps:
        last = f"{last} (after {traj.steps} step{'s' if traj.steps != 1 else ''})"
    return "\n".join([*parts, last])
