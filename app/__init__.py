"""Gradient Mountain: see gradient descent on a function you type."""

__version__ = "0.1.0"
