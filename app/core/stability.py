"""How large η may be near a point, from the Hessian's eigenvalues there.

On a quadratic with Hessian eigenvalues λ (the local picture near any point), the error along
an eigenvector with eigenvalue λ > 0 evolves by a linear recurrence; the walk is stable when it
shrinks for every λ up to λmax:

    gradient   x ← x − η·g                      η < 2/λmax
    momentum   v ← βv + g; x ← x − η·v          η < 2(1 + β)/λmax
    nesterov   v ← βv + g; x ← x − η(g + βv)    η < 2(1 + β)/((1 + 2β)·λmax)
    newton     x ← x − η·H⁻¹g                   η < 2 (every direction moves by 1 − η)

(momentum: x_{k+1} = (1 + β − ηλ)x_k − βx_{k−1} is stable iff 0 < ηλ < 2(1 + β); Nesterov:
z² − (1+β)(1−ηλ)z + β(1−ηλ) has its roots inside the unit circle iff ηλ < (2+2β)/(1+2β)).
Adaptive rules (AdaGrad, RMSprop, Adam) rescale each coordinate and the line searches choose
their own step: no limit of this kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from app.core.rules import Rule


def stability_limit(rule: Rule | str, eigenvalues: Sequence[float],
                    params: Mapping[str, float] | None = None) -> float | None:
    """The largest stable η for ``rule`` where ∇²f has ``eigenvalues``; None when there is
    no such limit (no positive curvature, an adaptive rule, a line search, undefined λ)."""
    rule = Rule.parse(rule) if isinstance(rule, str) else rule
    lam = np.asarray(eigenvalues, float)
    if rule is Rule.NEWTON:
        return 2.0
    if lam.size == 0 or not np.isfinite(lam).all() or lam.max() <= 0:
        return None
    top = float(lam.max())
    beta = float((params or {}).get("beta", rule.defaults.get("beta", 0.0)))
    if rule is Rule.GRADIENT:
        return 2.0 / top
    if rule is Rule.MOMENTUM:
        return 2.0 * (1.0 + beta) / top
    if rule is Rule.NESTEROV:
        return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * top)
    return None


STABLE_FORMS = {Rule.GRADIENT: "2/λmax", Rule.MOMENTUM: "2(1+β)/λmax",
                Rule.NESTEROV: "2(1+β)/((1+2β)·λmax)", Rule.NEWTON: "2"}


def stability_hint(rule: Rule | str, lr: float, eigenvalues: Sequence[float],
                   params: Mapping[str, float] | None = None) -> str | None:
    """A warning in words when η is at or above the stable limit here, else None:
    'η = 0.6 ≥ 2/λmax = 0.5 here: the steps will overshoot and grow'."""
    rule = Rule.parse(rule) if isinstance(rule, str) else rule
    limit = stability_limit(rule, eigenvalues, params)
    if limit is None or lr < limit:
        return None
    what = ("the ball will swing wider each time" if rule in (Rule.MOMENTUM, Rule.NESTEROV)
            else "the steps will overshoot and grow")
    return f"η = {lr:.4g} ≥ {STABLE_FORMS[rule]} = {limit:.4g} here: {what}"
