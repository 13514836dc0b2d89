"""Polynomials with `fractions.Fraction` coefficients (lowest degree first), for the oracle tests.

Written from the definitions and sharing no code with `verify`: the oracles that check the
engines must not inherit the engines' mistakes."""

from fractions import Fraction as F


def p_add(a, b):
    n = max(len(a), len(b))
    return [(a[k] if k < len(a) else 0) + (b[k] if k < len(b) else 0) for k in range(n)]


def p_mul(a, b):
    out = [F(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


def p_int(a, lo, hi):
    """∫_lo^hi a(x) dx, exactly."""
    return sum((c * (hi ** (k + 1) - lo ** (k + 1)) / (k + 1) for k, c in enumerate(a)), F(0))
