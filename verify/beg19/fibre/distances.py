"""Parameter distances of beg19 (spec C14): ‖θ − θ′‖_∞ and its quotients by permutations (`d_sym`)
and by permutations and positive rescalings (a_i, b_i, c_i) ↦ (λa_i, λb_i, c_i/λ) (`d_perm_scale`),
bottleneck assignments decided exactly; and the scalar minimax inf_{λ>0} max(|p − qλ|, |p′ − q′/λ|)
behind the rescaled distance and the fibre engine's carrier scales (rational candidates exact,
irrational quadratic roots enclosed in Arb balls).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

from flint import arb, fmpq

from ...errors import InputError
from ...nets import Network
from ...numbers import arb_to_fmpq, ball_bounds, exact_sqrt, precision, sign
from .common import _ZERO, _exact_shallow, _neurons


# --------------------------------------------------------------------------------------------
# 3. parameter distances


def param_distance(net: Network, other: Network) -> fmpq:
    """‖θ − θ′‖_∞ (same widths)."""
    _same_shape(net, other)
    return max(abs(x - y) for x, y in zip(net.theta, other.theta))


def _same_shape(net, other):
    _exact_shallow(net, "network")
    _exact_shallow(other, "params.other")
    if tuple(net.widths) != tuple(other.widths):
        raise InputError(f"widths differ: {list(net.widths)} vs {list(other.widths)}", "params.other")


def _match(adj: list[list[int]], n_cols: int) -> list[int] | None:
    """A matching saturating every row (Kuhn's augmenting paths) or ``None``: row r → col."""
    owner = [-1] * n_cols

    def augment(r, seen):
        for col in adj[r]:
            if not seen[col]:
                seen[col] = True
                if owner[col] < 0 or augment(owner[col], seen):
                    owner[col] = r
                    return True
        return False

    for r in range(len(adj)):
        if not augment(r, [False] * n_cols):
            return None
    res = [-1] * len(adj)
    for col, r in enumerate(owner):
        if r >= 0:
            res[r] = col
    return res


def bottleneck(cost: list[list]) -> tuple[fmpq, list[int]]:
    """min over injective maps π (rows → columns, rows ≤ columns) of max_r cost[r][π(r)], exactly:
    binary search over the sorted distinct costs with a bipartite matching test.  Returns
    (value, π).  Zero rows: (0, [])."""
    rows = len(cost)
    if rows == 0:
        return _ZERO, []
    cols = len(cost[0])
    if rows > cols:
        raise InputError("more rows than columns in an assignment", "assignment")
    vals = sorted(set(x for row in cost for x in row))
    lo, hi = 0, len(vals) - 1
    best = None
    while lo <= hi:
        mid = (lo + hi) // 2
        thr = vals[mid]
        pi = _match([[k for k in range(cols) if cost[r][k] <= thr] for r in range(rows)], cols)
        if pi is not None:
            best = (thr, pi)
            hi = mid - 1
        else:
            lo = mid + 1
    assert best is not None
    return best


def d_sym(net: Network, other: Network) -> fmpq:
    """min over permutations π of max(|e − e′|, max_i ‖w_i − w′_{π(i)}‖_∞), w_i = (a_i, b_i, c_i):
    the parameter distance modulo permutations (spec C14), exact (bottleneck assignment)."""
    _same_shape(net, other)
    n1, e1 = _neurons(net)
    n2, e2 = _neurons(other)
    cost = [[max(abs(x - y) for x, y in zip(a + (b, c), a2 + (b2, c2))) for a2, b2, c2 in n2] for a, b, c in n1]
    return max(abs(e1 - e2), bottleneck(cost)[0])


# ---- the scalar minimax inf_{λ>0} max(|p − qλ|, |p' − q'/λ|) --------------------------------


def _quad_roots(A, B, C, irrational: str = "arb"):
    """Real roots of Aλ² + Bλ + C = 0: fmpq where exact; irrational roots as arb balls, or as floats
    with ``irrational="float"`` (search only, never a verdict)."""
    if A == 0:
        return [] if B == 0 else [-C / B]
    disc = B * B - 4 * A * C
    if disc < 0:
        return []
    r = exact_sqrt(disc)
    if r is not None:
        return [(-B + r) / (2 * A), (-B - r) / (2 * A)]
    if irrational == "float":
        sq, fb, fa = math.sqrt(float(disc)), float(B), float(A)
        return [(-fb + sq) / (2 * fa), (-fb - sq) / (2 * fa)]
    with precision(256):
        s = arb(disc).sqrt()
        return [(arb(-B) + s) / arb(2 * A), (arb(-B) - s) / arb(2 * A)]


def _abs_bounds(lo, hi):
    if lo >= 0:
        return lo, hi
    if hi <= 0:
        return -hi, -lo
    return _ZERO, max(-lo, hi)


def _F_exact(lin, hyp, lam: fmpq) -> fmpq:
    vals = [abs(p - q * lam) for p, q in lin] + [abs(p - q / lam) for p, q in hyp]
    return max(vals) if vals else _ZERO


def _F_bounds(lin, hyp, lam: arb) -> tuple[fmpq, fmpq] | None:
    lo_all, hi_all = _ZERO, _ZERO
    with precision(256):
        for p, q in lin:
            bb = ball_bounds(arb(p) - arb(q) * lam)
            if bb is None:
                return None
            lo, hi = _abs_bounds(*bb)
            lo_all, hi_all = max(lo_all, lo), max(hi_all, hi)
        for p, q in hyp:
            bb = ball_bounds(arb(p) - arb(q) / lam)
            if bb is None:
                return None
            lo, hi = _abs_bounds(*bb)
            lo_all, hi_all = max(lo_all, lo), max(hi_all, hi)
    return lo_all, hi_all


def _rationalize(x: arb, max_den: int = 10 ** 9) -> fmpq:
    m = arb_to_fmpq(x.mid())
    f = Fraction(int(m.p), int(m.q)).limit_denominator(max_den)
    return fmpq(f.numerator, f.denominator)


@dataclass(frozen=True)
class _Minimax:
    lo: fmpq            # certified lower bound of the infimum
    hi: fmpq | None     # certified upper bound (None: +∞, i.e. no candidate in the domain)
    lam: fmpq | None    # a rational λ > 0 with F(λ) close to the infimum (None: approached at 0+ or ∞)

    @property
    def exact(self) -> bool:
        return self.hi is not None and self.lo == self.hi


def _minimax_candidates(lin, hyp, roots) -> list:
    """Zeros of each term and crossings |f_k| = |f_l| (see `_minimax`); ``roots`` solves quadratics."""
    cands: list = []
    for p, q in lin:
        if q != 0:
            cands.append(p / q)
    for p, q in hyp:
        if p != 0:
            cands.append(q / p)
    terms = [("l", p, q) for p, q in lin] + [("h", p, q) for p, q in hyp]
    for (k1, p1, q1), (k2, p2, q2) in itertools.combinations(terms, 2):
        if k1 == "h" and k2 == "l":
            (k1, p1, q1), (k2, p2, q2) = (k2, p2, q2), (k1, p1, q1)
        for s in (1, -1):
            # p1 ∘ q1 = s (p2 ∘ q2)
            if k1 == "l" and k2 == "l":
                coef = q1 - s * q2
                if coef != 0:
                    cands.append((p1 - s * p2) / coef)
            elif k1 == "h" and k2 == "h":
                coef = p1 - s * p2
                if coef != 0:
                    cands.append((q1 - s * q2) / coef)
            else:
                # p1 − q1 λ = s (p2 − q2/λ)  ⇔  −q1 λ² + (p1 − s p2) λ + s q2 = 0
                cands.extend(roots(-q1, p1 - s * p2, s * q2))
    return cands


def _best_scale(lin, hyp) -> fmpq | None:
    """A rational λ > 0 near the minimizer of F (floats only choose among candidates; the cost of
    the returned λ is always recomputed exactly by the caller).  ``None`` if no candidate is > 0.
    Parameters past the float range go through the exact / Arb minimax instead."""
    try:
        return _best_scale_float(lin, hyp)
    except OverflowError:
        return _minimax(lin, hyp).lam


def _best_scale_float(lin, hyp) -> fmpq | None:
    cands = _minimax_candidates(lin, hyp, lambda A, B, C: _quad_roots(A, B, C, "float"))
    best = None
    fl = [(float(p), float(q)) for p, q in lin]
    fh = [(float(p), float(q)) for p, q in hyp]
    for lam in cands:
        if isinstance(lam, fmpq):
            if lam <= 0:
                continue
            x = float(lam)
        else:
            if not lam > 0 or not math.isfinite(lam):
                continue
            x = lam
        v = max([abs(p - q * x) for p, q in fl] + [abs(p - q / x) for p, q in fh], default=0.0)
        if best is None or v < best[0] or (v == best[0] and isinstance(lam, fmpq)):
            best = (v, lam)
    if best is None:
        return None
    lam = best[1]
    if isinstance(lam, fmpq):
        return lam
    f = Fraction(lam).limit_denominator(10 ** 12)
    r = fmpq(f.numerator, f.denominator)
    return r if r > 0 else None


def _minimax(lin, hyp) -> _Minimax:
    """inf over λ > 0 of F(λ) = max(|p − qλ| for (p, q) in lin, |p − q/λ| for (p, q) in hyp).

    F is a max of continuous functions, each with at most one local-minimum valley, so the infimum is
    attained at a zero of one term, at a crossing |f_k| = |f_l| of two terms (linear equations, or
    quadratics when a hyperbolic term is involved), or approached as λ → 0+ / ∞.  Rational candidates
    are evaluated exactly, irrational ones (quadratic roots) in Arb; the result encloses the infimum
    ([lo, hi], lo = hi when the minimizing candidate is rational and no irrational candidate might
    beat it)."""
    lin = [(fmpq(p), fmpq(q)) for p, q in lin]
    hyp = [(fmpq(p), fmpq(q)) for p, q in hyp]
    cands = _minimax_candidates(lin, hyp, _quad_roots)
    best_exact = None
    best_lam = None
    arb_vals = []
    for lam in cands:
        if isinstance(lam, fmpq):
            if lam > 0:
                v = _F_exact(lin, hyp, lam)
                if best_exact is None or v < best_exact:
                    best_exact, best_lam = v, lam
        else:
            s = sign(lam)
            bb = _F_bounds(lin, hyp, lam)
            if bb is None or s == -1 or s == 0:
                continue
            arb_vals.append((bb, lam, s == 1))
    # limits
    lim_vals = []
    if all(q == 0 for _, q in hyp):   # λ → 0+
        lim_vals.append(max([abs(p) for p, _ in lin] + [abs(p) for p, _ in hyp], default=_ZERO))
    if all(q == 0 for _, q in lin):   # λ → ∞
        lim_vals.append(max([abs(p) for p, _ in lin] + [abs(p) for p, _ in hyp], default=_ZERO))
    hi_candidates = ([best_exact] if best_exact is not None else []) + lim_vals
    lo_candidates = list(hi_candidates)
    for (lo, hi), lam, certain in arb_vals:
        lo_candidates.append(lo)
        if certain:
            hi_candidates.append(hi)
    if not lo_candidates:
        return _Minimax(_ZERO, None, None)
    lo = min(lo_candidates)
    hi = min(hi_candidates) if hi_candidates else None
    lam_out = best_lam
    better = [(bb[1], lam) for bb, lam, ok in arb_vals if ok and (best_exact is None or bb[0] < best_exact)]
    if better:
        # an irrational candidate may beat the rational ones: try rational approximations of it
        _, lam = min(better, key=lambda x: x[0])
        cur = None if lam_out is None else _F_exact(lin, hyp, lam_out)
        for den in (10 ** 3, 10 ** 6, 10 ** 9):
            r = _rationalize(lam, den)
            if r > 0:
                fr = _F_exact(lin, hyp, r)
                if cur is None or fr < cur:
                    lam_out, cur = r, fr
    return _Minimax(lo, hi, lam_out)


def pair_scale_cost(n1, n2) -> tuple[fmpq, fmpq]:
    """Rational enclosure [lo, hi] of min_{λ>0} max(‖a − λa′‖_∞, |b − λb′|, |c − c′/λ|) for neurons
    n1 = (a, b, c), n2 = (a′, b′, c′) (a, a′ tuples); lo = hi when the optimum is rational."""
    (a, b, c), (a2, b2, c2) = n1, n2
    r = _minimax([(x, y) for x, y in zip(a, a2)] + [(b, b2)], [(c, c2)])
    return r.lo, (r.hi if r.hi is not None else r.lo)


def d_perm_scale_bounds(net: Network, other: Network) -> tuple[fmpq, fmpq]:
    """Rational bounds lo ≤ d_perm_scale ≤ hi (equal when every relevant pair optimum is rational)."""
    _same_shape(net, other)
    n1, e1 = _neurons(net)
    n2, e2 = _neurons(other)
    costs = [[pair_scale_cost(x, y) for y in n2] for x in n1]
    lo = bottleneck([[c[0] for c in row] for row in costs])[0]
    hi = bottleneck([[c[1] for c in row] for row in costs])[0]
    de = abs(e1 - e2)
    return max(de, lo), max(de, hi)


def d_perm_scale(net: Network, other: Network):
    """min over permutations π and scales λ_i > 0 of max(|e − e′|, max_i ‖(a_i, b_i, c_i) −
    (λ_i a′_π(i), λ_i b′_π(i), c′_π(i)/λ_i)‖_∞).  Per pair the minimax in λ has its breakpoints at roots
    of at most quadratics (`_minimax`); the value is an `fmpq` when exact, else an `arb` ball
    enclosing it whose certified rational lower endpoint is `d_perm_scale_bounds(...)[0]`."""
    lo, hi = d_perm_scale_bounds(net, other)
    if lo == hi:
        return lo
    with precision(128):
        return arb(lo).union(arb(hi))
