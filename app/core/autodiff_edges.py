"""Derivatives at the edges: the points where f is defined but the fast chain rule gave NaN.

The fast evaluator (``autodiff``) forms w_j = Σ_k F_k · a_k,j. At the edge of a min/max or of
a function's domain one factor can be 0 and the other ±∞, and 0 · ∞ is NaN:

* ``acos(min(x, 1))`` at x = 2: u = min(x, 1) is locally the constant 1, so u_x = 0, but
  acos′(1) = −∞. f is constant near x = 2, so the true derivative is 0;
* ``max(x, cbrt(x − 2))`` at x = 2: the unchosen branch has the slope +∞, which the fast rule
  multiplies by the selector 0. The true derivative is 1.

This evaluator, run only on such points (``CompiledFunction`` calls it), follows two rules
that make these products exact and leaves every other number as the fast evaluator has it:

* selection: w = min(a, b) or max(a, b) takes the partials of the argument it chooses,
  w_j = a_j where a is chosen, else b_j (``np.where``, never 0 · ∞); w_jl likewise;
* local constancy: a node that is locally constant has partials 0 and contributes nothing to
  the nodes that use it (its F_k and F_km are taken as 0). Locally constant are: constants;
  floor, ceil and sign (slope 0 almost everywhere); a node whose partials are the exact
  constant 0 (0·u); a min/max whose chosen argument is; an operation whose arguments all
  are; and a node whose value does not change, to the last bit, when any input moves by
  ±10⁻⁹ or ±10⁻⁶ of its size (x/x, x/(−x), atan2(0, x), tanh(x + 100) = 1.0 in floats).

A derivative that does not exist (√x at x = 0, where the slope is +∞) still comes back ±∞ or
NaN, which the caller reports as NaN.
"""

from __future__ import annotations

import numpy as np

from app.core.autodiff import Program, _plus, _scale, _second
from app.core.autodiff_ops import BINARY, UNARY

_SELECT = {"max": np.greater_equal, "min": np.less_equal}   # the first argument wins a tie
_FLAT_OPS = frozenset({"sign", "floor", "ceil"})


def _choose(first, s, t):
    """Partials of the chosen argument: s where ``first``, else t (None is an exact zero)."""
    if s is None and t is None:
        return None
    return np.where(first, 0.0 if s is None else s, 0.0 if t is None else t)


def _unmoved(prog: Program, inputs: tuple, shape: tuple[int, ...]) -> list[np.ndarray]:
    """Per node: True where its value is bitwise the same with every input moved by
    ±10⁻⁹ and ±10⁻⁶ of max(1, |x_j|) (values only, all probes at once on a leading axis)."""
    d = len(inputs)
    base = [np.broadcast_to(np.asarray(v, float), shape) for v in inputs]
    moved = []
    for j in range(d):
        for step in (1e-9, -1e-9, 1e-6, -1e-6):
            p = [b.copy() for b in base]
            p[j] = p[j] + step * np.maximum(1.0, np.abs(p[j]))
            moved.append(p)
    probe = tuple(np.stack([base[j], *(m[j] for m in moved)]) for j in range(d))
    vals: list = []
    for op, args, c in prog.ops:
        if op in ("var", "const"):
            vals.append(probe[int(c)] if op == "var" else np.full(probe[0].shape, c))
        elif len(args) == 1:
            vals.append(UNARY[op](vals[args[0]], c, 1)[0])
        else:
            vals.append(BINARY[op](vals[args[0]], vals[args[1]], 1)[0])
    return [np.all(v[1:] == v[0], axis=0) for v in vals]


def _masked(f1: tuple, f2: tuple | None, flats: list) -> tuple[tuple, tuple | None]:
    """F_k = 0 where argument k is locally constant; F_km = 0 where k or m is."""
    if not any(np.any(fl) for fl in flats):
        return f1, f2
    g1 = tuple(np.where(fl, 0.0, fk) for fk, fl in zip(f1, flats, strict=True))
    if f2 is None:
        return g1, None
    g2 = tuple(tuple(np.where(flats[k] | flats[m], 0.0, fkm) for m, fkm in enumerate(row))
               for k, row in enumerate(f2))
    return g1, g2


def evaluate_edges(prog: Program, inputs: tuple, order: int = 1) -> tuple:
    """(f, [∂f/∂x_j], [∂²f/∂x_j∂x_l for j ≤ l] or None) like ``autodiff.evaluate``, with the
    selection and local-constancy rules above. Inputs are arrays of one shape."""
    d = len(inputs)
    shape = np.broadcast_shapes(*(np.shape(a) for a in inputs))
    pairs = [(j, m) for j in range(d) for m in range(j, d)]
    n = len(prog.ops)
    vals: list = [None] * n
    grads: list = [None] * n
    hess: list = [None] * n
    flat: list = [None] * n
    none_h = [None] * len(pairs)
    unmoved: list = _unmoved(prog, inputs, shape)
    for i, (op, args, c) in enumerate(prog.ops):
        if op in ("var", "const"):
            is_var = op == "var"
            vals[i] = inputs[int(c)] if is_var else c
            grads[i] = [1.0 if is_var and j == c else None for j in range(d)]
            hess[i], flat[i] = none_h, np.full(shape, not is_var)
            continue
        if op in _SELECT:
            a, b = args
            first = _SELECT[op](vals[a], vals[b])
            vals[i] = BINARY[op](vals[a], vals[b], 1)[0]
            grads[i] = [_choose(first, s, t) for s, t in zip(grads[a], grads[b], strict=True)]
            hess[i] = [_choose(first, s, t) for s, t in zip(hess[a], hess[b], strict=True)]
            flat[i] = np.where(first, flat[a], flat[b]) | unmoved[i]
        else:
            if len(args) == 1:
                w, f1, f2 = UNARY[op](vals[args[0]], c, order)
            else:
                w, f1, f2 = BINARY[op](vals[args[0]], vals[args[1]], order)
            flats = [flat[a] for a in args]
            f1, f2 = _masked(f1, f2, flats)
            ts = [grads[a] for a in args]
            grads[i] = [_sum(f1, ts, j) for j in range(d)]
            hess[i] = _second(f1, f2, ts, [hess[a] for a in args], pairs) if order > 1 \
                else none_h
            const = op in _FLAT_OPS or \
                all(t is None or (type(t) is float and t == 0.0) for t in grads[i])
            flat[i] = np.full(shape, True) if const else \
                np.logical_and.reduce(flats) | unmoved[i]
            if np.any(flat[i]):
                grads[i] = [_choose(flat[i], None, t) for t in grads[i]]
                hess[i] = [_choose(flat[i], None, t) for t in hess[i]]
            vals[i] = w
        for k in prog.release[i]:
            vals[k] = grads[k] = hess[k] = flat[k] = unmoved[k] = None
    return vals[-1], grads[-1], hess[-1] if order > 1 else None


def _sum(f1: tuple, ts: list, j: int):
    """w_j = Σ_k F_k · a_k,j."""
    acc = None
    for fk, tk in zip(f1, ts, strict=True):
        acc = _plus(acc, _scale(fk, tk[j]))
    return acc
