"""Limits, argument checks and ball helpers shared by the flow engine's modules (exact endpoints:
every helper's result encloses what its docstring says).
"""

from __future__ import annotations

import math

import numpy as np
from flint import arb, fmpq

from ..errors import InputError, SoundnessError
from ..numbers import ball_bounds, ball_hull, parse_rational


FLOWS = ("standard", "normalized")


MANIFOLDS = ("A", "B")


# Documented limits (hostile input never runs unbounded; issue 14).  Past a hard limit the input is
# refused (InputError, exit 2); a soft limit stops the run and says so (complete=False, exit 3 in the CLI).
PREC_MIN, PREC_MAX = 32, 4096  # ball precision in bits of `enclose` and ball `descent`


TOL_MIN = 1e-30  # smallest local error per unit time of `enclose` (finite, > 0)


MAX_STEPS = 1_000_000  # largest max_steps of `enclose` (the CLI also refuses T/h0 > max_steps)


FLOAT_MAX_T = 10 ** 12  # largest float horizon of `simulate`


FLOAT_MAX_EVALS = 50_000  # field evaluations of one `simulate` run, about 30 s (soft: stops, success=False)


GD_MAX_STEPS = {"exact": 50, "ball": 20_000, "float": 50_000}  # hard limits of `descent` (about a minute each)


EXACT_GD_MAX_BITS = 100_000  # soft: exact GD stops before a step whose iterate needs more bits


def _unit() -> arb:
    """The ball [0, 1] (exactly): the value set of κ where a neuron's activity is undecided."""
    return arb(fmpq(1, 2), fmpq(1, 2))


def _peval(coeffs, x):
    """Σ coeffs[k] x^k by Horner (an enclosure when x is a ball)."""
    s = arb(0)
    for a in reversed(coeffs):
        s = s * x + a
    return s


def _intersect(a: arb, b: arb, what: str) -> arb:
    """a ∩ b for two enclosures of the same quantity (disjoint means a bug, never a verdict)."""
    if not a.is_finite():
        return b
    if not b.is_finite():
        return a
    if not a.overlaps(b):
        raise SoundnessError(f"two enclosures of {what} are disjoint: {a} and {b}")
    return a.intersection(b)


def _clip(x: arb, lo: fmpq | None, hi: fmpq | None, what: str) -> arb:
    """x ∩ [lo, hi] (None: no bound) for a ball known to meet it; exact endpoint arithmetic."""
    bd = ball_bounds(x)
    if bd is None:
        if lo is None or hi is None:
            return x
        return ball_hull(lo, hi)
    xl, xh = bd
    nl = xl if lo is None else max(xl, lo)
    nh = xh if hi is None else min(xh, hi)
    if nl > nh:
        raise SoundnessError(f"{what}: the enclosure {x} misses the exact invariant set [{lo}, {hi}]")
    if nl == xl and nh == xh:
        return x
    return ball_hull(nl, nh)


def _inside_interior(z: arb, x: arb) -> bool:
    """Certified z ⊆ int x by exact comparison of rational endpoints."""
    bz, bx = ball_bounds(z), ball_bounds(x)
    return bz is not None and bx is not None and bx[0] < bz[0] and bz[1] < bx[1]


def _inflate(x: arb, rel: fmpq = fmpq(1, 8), eps: fmpq = fmpq(1, 2 ** 60)) -> arb:
    bd = ball_bounds(x)
    if bd is None:
        return x
    lo, hi = bd
    d = (hi - lo) * rel + eps * (1 + max(abs(lo), abs(hi)))
    return ball_hull(lo - d, hi + d)


WIDE = 1e30  # a ball with radius or midpoint beyond this has lost all information (steering only)


def _too_wide(x: arb) -> bool:
    """Heuristic stop (never a verdict): radius or |midpoint| past WIDE, or not finite.  Checked in
    floats before any exact conversion: the exact endpoints of such balls can have millions of digits."""
    if not x.is_finite():
        return True
    r, m = float(x.rad()), float(abs(x.mid()))
    return not (math.isfinite(r) and math.isfinite(m) and r < WIDE and m < WIDE)


def _check_flow(flow: str, manifold: str):
    if flow not in FLOWS:
        raise InputError(f"unknown flow '{flow}' (standard, normalized)", "flow")
    if manifold not in MANIFOLDS:
        raise InputError(f"unknown manifold '{manifold}' (A: |(w_i, b_i)| = 1, B: |w_i| = 1)", "manifold")


def check_prec(prec, where: str = "prec") -> int:
    """The ball precision in bits: an integer in [PREC_MIN, PREC_MAX] (InputError otherwise)."""
    if not isinstance(prec, int) or isinstance(prec, bool) or not PREC_MIN <= prec <= PREC_MAX:
        raise InputError(f"the ball precision must be an integer number of bits in [{PREC_MIN}, {PREC_MAX}], "
                         f"got {prec!r}", where)
    return prec


def check_tol(tol, where: str = "tol"):
    """The local error per unit time: None (no error control) or a finite number ≥ TOL_MIN."""
    if tol is None:
        return None
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not math.isfinite(tol) or tol < TOL_MIN:
        raise InputError(f"the tolerance must be a finite number ≥ {TOL_MIN:g}, got {tol!r} (0 or a negative "
                         "tolerance would shrink every step to the minimum and never reach T)", where)
    return float(tol)


def check_max_steps(n, where: str = "max_steps") -> int:
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_STEPS:
        raise InputError(f"the step limit must be an integer in [1, {MAX_STEPS}], got {n!r}", where)
    return n


def _bits(q: fmpq) -> int:
    return int(q.p).bit_length() + int(q.q).bit_length()


def _to_fmpq(x, where: str) -> fmpq:
    if isinstance(x, fmpq):
        return x
    if isinstance(x, int) and not isinstance(x, bool):
        return fmpq(x)
    if hasattr(x, "numerator") and hasattr(x, "denominator") and not isinstance(x, float):  # Fraction
        return fmpq(int(x.numerator), int(x.denominator))
    return parse_rational(x, where)


def _to_float(q) -> float:
    if isinstance(q, fmpq):
        return int(q.p) / int(q.q)
    return float(q)


def _pint_float(c, lo, hi):
    ci = np.polynomial.polynomial.polyint(c)
    return np.polynomial.polynomial.polyval(hi, ci) - np.polynomial.polynomial.polyval(lo, ci)


class _Budget(Exception):
    """The float integrator used up its field-evaluation budget."""


def lohner_qr(centre, P, R):
    """Lohner's QR form of the set centre + P·R (``centre`` a list of balls, P an `arb_mat`, R a column `arb_mat` of
    balls): it lies in m' + Q·R' with m' = mid(centre), Q orthogonal (floats of the QR factor of mid(P), columns
    ordered by their contribution |P_j|·rad(R_j), taken exactly) and R' = (Q⁻¹P)R + Q⁻¹(centre − m') with an arb
    enclosure of the exact inverse of Q (for each D ∈ P and r ∈ R, Q⁻¹(D r) ∈ (Q⁻¹P)R).  Returns
    (m', Q, R', the point enclosure m' + Q R') or None when Q is not finite or not invertible."""
    import numpy as np
    from flint import arb_mat

    D = len(centre)
    m_new = [c.mid() for c in centre]
    resid = arb_mat([[c - mk] for c, mk in zip(centre, m_new)])
    B = np.array([[float(P[i, j].mid()) for j in range(D)] for i in range(D)])
    rad = np.array([float(R[j, 0].rad()) for j in range(D)])
    order = np.argsort(-(np.linalg.norm(B, axis=0) * rad), kind="stable")
    Q, _ = np.linalg.qr(B[:, order])
    if not np.all(np.isfinite(Q)):
        return None
    Qa = arb_mat([[float(Q[i, j]) for j in range(D)] for i in range(D)])
    try:
        Qi = Qa.inv()
    except (ZeroDivisionError, ValueError):
        return None
    R_new = (Qi * P) * R + Qi * resid
    box = Qa * R_new
    return m_new, Qa, R_new, [m_new[k] + box[k, 0] for k in range(D)]
