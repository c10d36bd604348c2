"""Shared by the NumPy and Numba peers: the grid of junction-peers.yaml and the series coefficients
of docs/PHYSICS.md section 0, computed here in exact rational arithmetic (no table is copied from
the C# sources)."""
from fractions import Fraction
import math

import numpy as np

SPLIT = 1.5          # x below: expansion around x = 0; above: series in z = e^{-x} (as BoseIntegrals.cs)
SMALL_TERMS = 32     # (x/2pi)^k below 1e-17 relative at the split
SERIES_TERMS = 28    # z^k below 1e-17 at the split
ZETA2 = math.pi ** 2 / 6
ZETA3 = 1.2020569031595942854


def _bernoulli(n_max):
    b = [Fraction(0)] * (n_max + 1)
    b[0] = Fraction(1)
    for m in range(1, n_max + 1):
        b[m] = -sum(math.comb(m + 1, j) * b[j] for j in range(m)) / (m + 1)
    return b


_B = _bernoulli(SMALL_TERMS + 4)


def _zeta(s):
    """zeta at an integer s <= 3, s != 1: zeta(-m) = -B_{m+1}/(m+1) (B_1 = -1/2 convention gives zeta(0) = -1/2)."""
    if s == 2:
        return ZETA2
    if s == 3:
        return ZETA3
    m = -s
    return float(-_B[m + 1] / (m + 1)) if m > 0 else -0.5


def small_x_coefficients(n):
    """c_k, k < SMALL_TERMS, of Li_n(e^{-x}) = c(x) + (-1)^n x^{n-1}/(n-1)! * ln x  for n = 1, 2, 3;
    c_k = (-1)^k zeta(n-k)/k!, and at k = n-1 the harmonic number (-1)^k H_{n-1}/(n-1)!."""
    c = []
    for k in range(SMALL_TERMS):
        if k == n - 1:
            h = sum(Fraction(1, j) for j in range(1, n))
            c.append(float((-1) ** k * h / math.factorial(k)))
        else:
            c.append((-1) ** k * _zeta(n - k) / math.factorial(k))
    return np.array(c)


C1, C2, C3 = (small_x_coefficients(n) for n in (1, 2, 3))
INV1 = np.array([1.0 / k for k in range(1, SERIES_TERMS + 1)])
INV2 = INV1 ** 2
INV3 = INV1 ** 3


def grid():
    """h (4000, log-spaced 2e-6 .. 50) x T (4000, linear 1 .. 2), T fastest, as the spec orders them."""
    h = np.logspace(math.log10(2.0e-6), math.log10(50.0), 4000)
    h[0], h[-1] = 2.0e-6, 50.0
    t = np.linspace(1.0, 2.0, 4000)
    return h, t
