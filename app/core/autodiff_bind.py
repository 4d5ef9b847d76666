"""Binding parameters: a program with parameters, for given values, as a program without.

A parameter ``a`` is parsed once into the instruction ("param", (), slot); changing its value
must not parse, differentiate or build anything symbolic again. ``bind`` replays the
instructions once (time linear in the program's size, microseconds for what people type):

* a parameter becomes the constant of its value;
* an operation whose arguments are all constant is folded to its value (sin(θ·π/180) is one
  number), computed by the same local rule that evaluation uses, so the numbers agree;
* an operation with one constant argument takes the form the parser gives a typed number
  (a·x → ``mulc``, x^a → ``powc``, a^x → ``expc`` when a > 0): ``a*x^2`` with a = 3 is then
  the very program of ``3*x^2``, with the same speed and the same domain as typed (x^a with
  a = 2 is defined for x < 0, as x^2 is; the general a^b needs a > 0).

A folded value that is not a finite number (log(a) at a = −1) is NaN: f is then undefined
everywhere, as it is for the text with that number typed in.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from app.core.autodiff import DagBuilder, Program
from app.core.autodiff_ops import BINARY, UNARY

_RIGHT = {"add": "addc", "sub": "addc", "mul": "mulc", "div": "divc", "pow": "powc"}
_LEFT = {"add": "addc", "sub": "csub", "mul": "mulc", "div": "cdiv", "pow": "expc"}
MAX_POWC = 1e4      # the parser's limit on a typed constant exponent


def _fold(op: str, args: tuple[float, ...], c: float) -> float:
    """The value of ``op`` at constant arguments; NaN when it is not a finite number."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if len(args) == 1:
                w = UNARY[op](np.float64(args[0]), c, 1)[0]
            else:
                w = BINARY[op](np.float64(args[0]), np.float64(args[1]), 1)[0]
            v = float(w)
        except (ArithmeticError, ValueError, TypeError):
            return math.nan
    return v if math.isfinite(v) else math.nan


def _one_constant(dag: DagBuilder, op: str, a: int, b: int, ca: float | None,
                  cb: float | None) -> int | None:
    """``a op b`` with one constant side in the parser's form for a typed number, or None
    when that form would change the meaning (x/0, x^c with |c| > 10⁴, c^x with c ≤ 0)."""
    if cb is not None and op in _RIGHT and math.isfinite(cb):
        if (op == "div" and cb == 0.0) or (op == "pow" and abs(cb) > MAX_POWC):
            return None
        return dag.node(_RIGHT[op], (a,), -cb if op == "sub" else cb)
    if ca is not None and op in _LEFT and math.isfinite(ca):
        if op == "pow" and ca <= 0.0:
            return None
        return dag.node(_LEFT[op], (b,), ca)
    return None


def bind(prog: Program, values: Sequence[float]) -> Program:
    """``prog`` with parameter slot i set to ``values[i]``, folded and specialised; the
    program itself when it has no parameters."""
    if not prog.params:
        return prog
    if len(values) != len(prog.params):
        raise ValueError(f"{len(prog.params)} parameter value(s) needed, got {len(values)}")
    dag = DagBuilder()
    new: list[int] = []              # old node -> new node
    const: list[float | None] = []   # old node -> its value when constant
    for op, args, c in prog.ops:
        value: float | None = None
        if op == "var":
            nid = dag.var(int(c))
        elif op in ("const", "param"):
            value = float(c) if op == "const" else float(values[int(c)])
            value = value if math.isfinite(value) else math.nan
            nid = dag.const(value)
        elif all(const[a] is not None for a in args):
            value = _fold(op, tuple(const[a] for a in args), c)   # type: ignore[misc]
            nid = dag.const(value)
        elif len(args) == 2:
            a, b = (new[k] for k in args)
            special = _one_constant(dag, op, a, b, const[args[0]], const[args[1]]) \
                if op in _RIGHT else None
            nid = dag.node(op, (a, b), c) if special is None else special
        else:
            nid = dag.node(op, (new[args[0]],), c)
        new.append(nid)
        const.append(value)
    return dag.program(new[-1])
