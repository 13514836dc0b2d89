"""D0's vocabulary and scalar pieces (spec 004 §2.2–2.3, 3.1–3.3) [DERIVED].

The knob vocabularies (FEATURES, HEADS, BATCHES, …, NOT_IMPLEMENTED) and the documented size limits
(MAX_N, NETWORK_MAX_WEIGHTS, POPULATION_MAX_N, EXACT_POPULATION_MAX_STEPS, EXACT_MAX_BITS); σ, the
hat g, g_k, φ_N, the feature r_N(x) = Σ_i φ_N(|x_i|) (or |x|²) and the ramp u(r; a, b), generic
over `fmpq`, `arb`, floats and numpy arrays.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from flint import arb, fmpq

from ...errors import InputError
from ...numbers import sign as _csign


Q = fmpq
HALF = fmpq(1, 2)
QUARTER = fmpq(1, 4)
FEATURES = ("yarotsky", "exact-square")
HEADS = ("wc", "ab")
BATCHES = ("full", "cells", "data", "grid")
NORMS = ("prob", "lebesgue")
LIMIT_DEFS = ("strict", "closed")
RELU0 = ("0", "1", "raise")
# Documented size limits (issue 14: sizes past them are refused with a one-line InputError).
MAX_N = 1000  # hat layers: φ_N carries denominators 4^N
NETWORK_MAX_WEIGHTS = 2 * 10 ** 6  # dense weight entries of `D0.network` (≈ 16 d² N): about 0.5 GB of fmpq
POPULATION_MAX_N = 10  # d = 1 population integrals cut [−1, 1) into the 2^(N+1) linear pieces of r_N
EXACT_POPULATION_MAX_STEPS = 8  # exact population GD: the denominators triple per step (9 steps ≈ 14 s, 12 ≈ 14 min)
# and each step integrates over ~2^(N+1) pieces: the limit per N keeps a run under ~10 s (measured:
# 8 steps 2.9 s at N = 2, 8.2 s at N = 4; 7 steps 4.9 s at N = 6; 6 steps 6.6 s at N = 8; 8 steps took 152 s at N = 8)
EXACT_POPULATION_STEPS_BY_N = ((4, 8), (6, 7), (8, 6), (POPULATION_MAX_N, 5))


def exact_population_max_steps(N: int) -> int:
    """The most exact population GD steps allowed for N hat layers (EXACT_POPULATION_STEPS_BY_N)."""
    return next(k for n, k in EXACT_POPULATION_STEPS_BY_N if N <= n) if N <= POPULATION_MAX_N else 0
EXACT_MAX_BITS = 10 ** 6  # exact GD stops (incomplete run) once θ^t needs more bits than this
NOT_IMPLEMENTED = {
    "feature": {"radial": "the radial feature r = |x|", "custom": "custom feature networks",
                "trainable": "trainable feature weights"},
    "head": {"free": "the untied head (w_1, c_1, w_2, c_2, α, β)"},
    "batch": {"iid": "i.i.d. batches", "starve": "starve(δ) batches"},
    "limit_def": {"certified": "the certified pointwise limit as f°_N"},
}


# ============================================================================================
# scalar pieces (spec 3.1-3.3), generic over fmpq / arb / float / numpy arrays


def _const(q: fmpq, like):
    """The rational constant q in the number system of ``like`` (float for floats and arrays)."""
    if isinstance(like, (float, np.ndarray, np.floating)):
        return int(q.p) / int(q.q)
    return q


def relu(z):
    """σ(z) = max(z, 0): exact for `fmpq`, `nonnegative_part` (an enclosure) for `arb`."""
    if isinstance(z, arb):
        return z.nonnegative_part()
    if isinstance(z, np.ndarray):
        return np.maximum(z, 0.0)
    if isinstance(z, int):
        z = fmpq(z)
    return z if z > 0 else 0 * z


def hat(z):
    """g(z) = 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1): 2z on [0, 1/2], 2 − 2z on [1/2, 1], 0 outside."""
    if isinstance(z, int):
        z = fmpq(z)
    return 2 * relu(z) - 4 * relu(z - _const(HALF, z)) + 2 * relu(z - 1)


def g_iter(z, k: int):
    """g_k = g∘…∘g (k times); g_0 is the identity."""
    if k < 0:
        raise InputError(f"k must be >= 0, got {k}", "g_k")
    if isinstance(z, int):
        z = fmpq(z)
    for _ in range(k):
        z = hat(z)
    return z


def phi(z, N: int):
    """φ_N(z) = z − Σ_{k=1}^N g_k(z)/4^k (spec 3.2): on [0, 1] the piecewise-linear interpolant of
    z² on the grid k/2^N, with 0 ≤ φ_N(z) − z² ≤ 2^{−2N−2}."""
    _check_N(N)
    if isinstance(z, int):
        z = fmpq(z)
    out, gk = z, z
    for k in range(1, N + 1):
        gk = hat(gk)
        out = out - gk * _const(fmpq(1, 4 ** k), z)
    return out


def _abs(z):
    if isinstance(z, np.ndarray):
        return np.abs(z)
    if isinstance(z, int):
        z = fmpq(z)
    return abs(z)


def feature(x: Sequence, N: int, kind: str = "yarotsky"):
    """r_N(x) = Σ_i φ_N(|x_i|) ('yarotsky') or |x|² ('exact-square')."""
    if kind not in FEATURES:
        raise InputError(f"unknown feature {kind!r} (implemented: {', '.join(FEATURES)})", "feature")
    s = 0
    for xi in x:
        if isinstance(xi, int):
            xi = fmpq(xi)
        s = s + (phi(_abs(xi), N) if kind == "yarotsky" else xi * xi)
    return s


def ramp(r, a, b):
    """u(r; a, b) = σ(a(b − r)) − σ(a(b − r) − 1) = min{1, max{0, a(b − r)}} (every sign of a)."""
    y = a * (b - r)
    if isinstance(y, int):
        y = fmpq(y)
    return relu(y) - relu(y - 1)


def phi_grid_error(N: int):
    """(max over grid points of |φ_N − z²|, the values φ_N − z² at the midpoints) -- exact; the
    spec says 0 and 2^{−2N−2} at every midpoint (3.2)."""
    _check_N(N)
    h = fmpq(1, 2 ** N)
    grid = max(abs(phi(k * h, N) - (k * h) ** 2) for k in range(2 ** N + 1))
    mids = [phi((k + HALF) * h, N) - ((k + HALF) * h) ** 2 for k in range(2 ** N)]
    return grid, mids


def _check_N(N):
    if not isinstance(N, int) or isinstance(N, bool) or N < 0:
        raise InputError(f"N must be an integer >= 0, got {N!r}", "N")


def _sgn(x) -> int | None:
    """Certified sign for fmpq/arb; plain for floats (screening only)."""
    if isinstance(x, (float, np.floating)):
        return (x > 0) - (x < 0)
    if isinstance(x, int):
        return (x > 0) - (x < 0)
    return _csign(x)
