"""Newton, BFGS and Armijo restated in plain Python, one number at a time (2-D), to check the
vectorised rules against."""

import math
from collections.abc import Callable

Vec = list[float]
Mat = list[list[float]]
F = Callable[[float, float], float]
G = Callable[[float, float], tuple[float, float]]


def matvec(a: Mat, v: Vec) -> Vec:
    return [a[0][0] * v[0] + a[0][1] * v[1], a[1][0] * v[0] + a[1][1] * v[1]]


def dot(u: Vec, v: Vec) -> float:
    return u[0] * v[0] + u[1] * v[1]


def line_search(f: F, x: Vec, p: Vec, slope: float, t0: float, c: float = 1e-4
                ) -> tuple[float, list[tuple[float, float]]]:
    """First t = t0/2^j with f(x + t p) ≤ f(x) + c t slope; and every (t, f) tried."""
    fx = f(*x)
    tried = []
    for j in range(31):
        t = t0 / 2**j
        ft = f(x[0] + t * p[0], x[1] + t * p[1])
        tried.append((t, ft))
        if ft <= fx + c * t * slope:
            return t, tried
    raise AssertionError("line search failed")


def newton_steps(hess: Callable[[float, float], Mat], grad: G, x: Vec, lr: float, n: int
                 ) -> list[Vec]:
    """x ← x − η H⁻¹ g with the 2×2 inverse by Cramer's rule (H positive definite)."""
    out = []
    for _ in range(n):
        (a, b), (c, d) = hess(*x)
        g = grad(*x)
        det = a * d - b * c
        step = [(d * g[0] - b * g[1]) / det, (-c * g[0] + a * g[1]) / det]
        x = [x[0] - lr * step[0], x[1] - lr * step[1]]
        out.append(x)
    return out


def armijo_steps(f: F, grad: G, x: Vec, lr: float, n: int) -> list[Vec]:
    out = []
    for _ in range(n):
        g = grad(*x)
        t, _ = line_search(f, x, [-g[0], -g[1]], -dot(g, g), lr)
        x = [x[0] - t * g[0], x[1] - t * g[1]]
        out.append(x)
    return out


def bfgs_steps(f: F, grad: G, x: Vec, lr: float, n: int) -> list[Vec]:
    """Nocedal & Wright Algorithm 6.1 with backtracking, B0 = I rescaled by (6.20)."""
    b: Mat = [[1.0, 0.0], [0.0, 1.0]]
    out = []
    s = y = None
    g = list(grad(*x))
    scaled = False
    for _ in range(n):
        if s is not None and y is not None and dot(s, y) > 0:
            sy = dot(s, y)
            if not scaled:
                b = [[sy / dot(y, y), 0.0], [0.0, sy / dot(y, y)]]
                scaled = True
            rho = 1 / sy
            a = [[(1.0 if i == j else 0.0) - rho * s[i] * y[j] for j in range(2)]
                 for i in range(2)]
            ab = [[sum(a[i][k] * b[k][j] for k in range(2)) for j in range(2)] for i in range(2)]
            b = [[sum(ab[i][k] * a[j][k] for k in range(2)) + rho * s[i] * s[j]
                  for j in range(2)] for i in range(2)]
        p = [-v for v in matvec(b, g)]
        t, _ = line_search(f, x, p, dot(g, p), lr)
        s = [t * p[0], t * p[1]]
        x = [x[0] + s[0], x[1] + s[1]]
        g_new = list(grad(*x))
        y = [g_new[0] - g[0], g_new[1] - g[1]]
        g = g_new
        out.append(x)
    return out


def rosenbrock(x: float, y: float) -> float:
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_grad(x: float, y: float) -> tuple[float, float]:
    return (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))


def rosenbrock_hess(x: float, y: float) -> Mat:
    return [[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]]


assert math.isclose(rosenbrock(1, 1), 0)
