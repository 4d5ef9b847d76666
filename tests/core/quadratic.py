"""A hand-written quadratic f = x² + 3y² for testing the descent core without the parser."""

import numpy as np


class Quadratic:
    dim = 2

    def value_and_gradient(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(p, float)
        x, y = p[..., 0], p[..., 1]
        return x**2 + 3 * y**2, np.stack([2 * x, 6 * y], axis=-1)

    def hessian(self, x, y) -> np.ndarray:
        shape = np.broadcast(np.asarray(x), np.asarray(y)).shape
        return np.broadcast_to(np.diag([2.0, 6.0]), (*shape, 2, 2)).copy()


def grad(x: float, y: float) -> tuple[float, float]:
    return 2 * x, 6 * y


def value(x: float, y: float) -> float:
    return x**2 + 3 * y**2


def hess(x: float, y: float) -> list[list[float]]:
    return [[2.0, 0.0], [0.0, 6.0]]
