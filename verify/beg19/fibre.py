"""Restricted parameter sets, the normalize map, parameter distances and fibre distances (layer 6; beg19).

Notation of beg19 §2: Γ = ((a_i, b_i, c_i))_{i≤m}, e, realization R(Γ)(x) = Σ_i c_i ρ(⟨a_i,x⟩ + b_i) + e on
Ω = [−D, D]^d, stored as a `verify.nets.Network` with widths [d, m, 1] and θ = (a row-major, b, c, e).
Everything is exact (`fmpq`) unless a square root forces a ball; a ball only ever *encloses* a value,
and a verdict is drawn from a rational endpoint.

* `restricted_violations` -- the conditions R1-R4 (+ bound, bias) of Ñ (spec §2.5, variants §5), any d.
* `normalize` -- the normalize map of claim 17 (rebalance, drop dead neurons, merge, resolve opposite
  pairs, absorb the affine remainder by flips or one "affine device" neuron), any d on the cube.
* `param_distance`, `d_sym`, `d_perm_scale` -- ‖θ − θ′‖_∞ and its quotients by permutations (and
  positive rescalings), bottleneck assignments decided exactly.
* `fibre_upper`, `fibre_lower`, `fibre_bounds` -- bounds on dist(Γ, g) = inf{‖Φ − Γ‖_∞ : Φ of width m,
  R(Φ) = g on Ω} (claim 13) in 1-D.  The lower bound is certified (a rational ≤ the infimum); the upper
  bound is the exact distance to an explicit Φ whose realization is checked exactly.

Lower bound argument (claim 13), d = 1.  Write every Φ-neuron as left-active (L = 1: a < 0 with an
interior kink, or ax + b ≥ 0 on all of Ω) or not; then on Ω

    R(Φ)(x) = e + Σ_{L=1} c(ax + b) + Σ_{interior kinks} c|a| (x − t)_+ ,

so R(Φ) = g forces: (K) every kink t_j of g (jump J_j ≠ 0) has a nonempty set S_j of Φ-neurons with
kink exactly t_j and Σ_{S_j} c|a| = J_j; (Z) other interior kinks come in groups of ≥ 2 neurons;
(B) the affine identity e + Σ_{L=1} c(ax + b) = A(x) := g(x) − Σ_j J_j (x − t_j)_+ holds at every real x
(we use x ∈ {±D, t_j} and its slope).  Each Φ-neuron k has one *role* (carrier of (t_j, σ), other
interior kink, affine on Ω, zero on Ω), and the four roles cover every parameter value.  F(v) asks:
is there a role assignment such that every neuron's role is compatible with the open box
‖w_k − w_k^Γ‖_∞ < v and (K), (Z), (B) hold with every product/sum replaced by its interval hull over
those boxes?  This is a relaxation of "∃Φ with ‖Φ − Γ‖_∞ < v", so F(v) = false certifies
dist ≥ v.  F is monotone in v; the lower bound is the largest v found with F(v) false (exact
thresholds -- per-neuron minimax costs, |A(x) − e| -- are tried first, then bisection).  Every
dropped coupling (correlations between neurons, between a neuron's value and slope, kink positions
of Z groups) only enlarges the feasible set, hence only lowers the bound.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from flint import arb, fmpq

from ..errors import InputError, SoundnessError
from ..nets import Network
from ..numbers import arb_to_fmpq, ball_bounds, exact_sqrt, parse_rational, precision, sign
from ..realization import Canonical, canonical, canonical_from_terms, neuron_terms, same_realization

__all__ = [
    "exact_sqrt", "restricted_violations", "normalize", "param_distance", "d_sym", "d_perm_scale",
    "d_perm_scale_bounds", "pair_scale_cost", "fibre_upper", "fibre_lower", "fibre_bounds", "FibreBounds",
    "bottleneck",
]

_ZERO = fmpq(0)
_ONE = fmpq(1)


# --------------------------------------------------------------------------------------------
# small helpers


def _domain(D) -> fmpq:
    if isinstance(D, Fraction):
        D = fmpq(D.numerator, D.denominator)
    D = parse_rational(D, "params.D")
    if D <= 0:
        raise InputError(f"the domain [-D, D] needs D > 0, got D = {D}", "params.D")
    return D


def _exact_shallow(net: Network, where: str):
    if not isinstance(net, Network):
        raise InputError("expected a verify.nets.Network", where)
    if not net.is_shallow:
        raise InputError(f"needs a shallow network [d, m, 1], got widths {list(net.widths)}", where)
    if any(not isinstance(t, fmpq) for t in net.theta):
        raise InputError("exact computations need rational parameters", where)


def _check_1d(net: Network, where: str):
    _exact_shallow(net, where)
    if net.d != 1:
        raise InputError(f"needs input dimension 1, got widths {list(net.widths)}", where)


def _neurons(net: Network) -> tuple[list[tuple[tuple, fmpq, fmpq]], fmpq]:
    """([(a_i as a tuple, b_i, c_i)], e) for any input dimension."""
    m, d = net.H, net.d
    th = net.theta
    return [(tuple(th[i * d:(i + 1) * d]), th[m * d + i], th[m * (d + 1) + i]) for i in range(m)], th[-1]


def _build(d: int, neurons, e) -> Network:
    """A Network [d, m, 1] from [(a tuple, b, c)] and e."""
    a = [x for n in neurons for x in n[0]]
    return Network((d, len(neurons), 1), tuple(a + [n[1] for n in neurons] + [n[2] for n in neurons] + [fmpq(e)]))


def _build1(terms, e) -> Network:
    return _build(1, [((a,), b, c) for a, b, c in terms], e)


def _norm(v, kind: str) -> fmpq | None:
    """‖v‖ in ℓ1 / ℓ∞ exactly; ℓ2 exactly when it is rational, else ``None``."""
    if kind == "l1":
        return sum((abs(x) for x in v), _ZERO)
    if kind == "linf":
        return max((abs(x) for x in v), default=_ZERO)
    return exact_sqrt(sum((x * x for x in v), _ZERO))


def _norm_equals(v, c, kind: str) -> bool:
    """|c| = ‖v‖ exactly (ℓ2 by comparing squares)."""
    if kind == "l2":
        return c * c == sum((x * x for x in v), _ZERO)
    return abs(c) == _norm(v, kind)


def _pos_ratio(u, w) -> fmpq | None:
    """λ > 0 with w = λu (``None`` if there is none); zero vectors: λ = 1 iff both are zero."""
    if all(x == 0 for x in u):
        return _ONE if all(y == 0 for y in w) else None
    lam = None
    for x, y in zip(u, w):
        if x == 0:
            if y != 0:
                return None
        else:
            r = y / x
            if lam is None:
                lam = r
            elif r != lam:
                return None
    return lam if lam is not None and lam > 0 else None


def _key(a, b) -> tuple:
    """Direction of w = (a, b), a ≠ 0, up to positive scaling: divide by |first nonzero a_j|."""
    s = next(abs(x) for x in a if x != 0)
    return tuple(x / s for x in a) + (b / s,)


# --------------------------------------------------------------------------------------------
# 1. the restricted set Ñ


BAL = ("a", "ab")
BAL_NORMS = ("l2", "l1", "linf")
R2S = ("interior", "nonvanishing")
PARS = ("ab", "a")


def restricted_violations(net: Network, D=1, bal: str = "a", bal_norm: str = "l2", r2: str = "interior",
                          par: str = "ab", bias: bool = True, bound=None) -> list[tuple[str, tuple, str]]:
    """Every violated condition of Ñ (spec §2.5, variants §5) as ``(rule, neuron indices, detail)``;
    the empty list means Γ ∈ Ñ.  Any input dimension d, cube Ω = [−D, D]^d, 0-based indices.

    * ``R1`` balance: |c_i| = ‖a_i‖ (``bal="a"``) or ‖(a_i, b_i)‖ (``bal="ab"``), norm ``bal_norm``
      ∈ {l2, l1, linf}; ℓ2 compares squares, so it is exact.
    * ``R2`` ``r2="interior"``: a_i ≠ 0 and |b_i| < D‖a_i‖_1 (H_i meets int Ω); ``r2="nonvanishing"``:
      the neuron is not identically 0 on Ω (c_i ≠ 0 and b_i + D‖a_i‖_1 > 0).
    * ``R3`` no w_j = λw_i, λ > 0, j ≠ i; ``R4`` no w_j = −λw_i, λ > 0, where w = (a, b)
      (``par="ab"``) or w = a (``par="a"``).
    * ``bound`` ‖Γ‖_∞ ≤ B (when ``bound`` is given); ``bias`` with ``bias=False`` (variant .nobias):
      every b_i = 0.
    """
    _exact_shallow(net, "network")
    D = _domain(D)
    for name, val, allowed in (("bal", bal, BAL), ("bal_norm", bal_norm, BAL_NORMS), ("r2", r2, R2S),
                               ("par", par, PARS)):
        if val not in allowed:
            raise InputError(f"{name} must be one of {allowed}, got {val!r}", name)
    neurons, _ = _neurons(net)
    out: list[tuple[str, tuple, str]] = []
    for i, (a, b, c) in enumerate(neurons):
        v = a + (b,) if bal == "ab" else a
        if not _norm_equals(v, c, bal_norm):
            out.append(("R1", (i,), f"|c| = {abs(c)} but ‖{'(a,b)' if bal == 'ab' else 'a'}‖_{bal_norm[1:]} ≠ |c|"))
    for i, (a, b, c) in enumerate(neurons):
        n1 = sum((abs(x) for x in a), _ZERO)
        if r2 == "interior":
            if n1 == 0:
                out.append(("R2", (i,), "a = 0: no hyperplane"))
            elif not abs(b) < D * n1:
                out.append(("R2", (i,), f"|b| = {abs(b)} ≥ D‖a‖_1 = {D * n1}: hyperplane misses int Ω"))
        else:
            if c == 0 or b + D * n1 <= 0:
                out.append(("R2", (i,), "neuron identically 0 on Ω"))
    ws = [a + (b,) if par == "ab" else a for a, b, _ in neurons]
    for i, j in itertools.combinations(range(len(ws)), 2):
        if _pos_ratio(ws[i], ws[j]) is not None:
            out.append(("R3", (i, j), "w_j = λw_i with λ > 0"))
        if _pos_ratio(ws[i], tuple(-x for x in ws[j])) is not None:
            out.append(("R4", (i, j), "w_j = −λw_i with λ > 0"))
    if not bias:
        nz = tuple(i for i, (_, b, _) in enumerate(neurons) if b != 0)
        if nz:
            out.append(("bias", nz, "bias-free variant: b_i ≠ 0"))
    if bound is not None:
        B = fmpq(bound.numerator, bound.denominator) if isinstance(bound, Fraction) else \
            parse_rational(bound, "bound")
        big = max((abs(t) for t in net.theta), default=_ZERO)
        if big > B:
            out.append(("bound", (), f"‖Γ‖_∞ = {big} > B = {B}"))
    return out


# --------------------------------------------------------------------------------------------
# 2. the normalize map (claim 17)


def normalize(net: Network, D=1, bal: str = "a", bal_norm: str = "l2", flips: bool = True,
              keep_width: bool = False) -> tuple[Network, dict]:
    """Γ ↦ Γ̃ with R(Γ̃) = R(Γ) on Ω = [−D, D]^d exactly (claim 17), and statistics.

    Steps: (1) neurons identically 0 on Ω (c = 0, or b + D‖a‖_1 ≤ 0) are dropped ("dead"); a = 0,
    b > 0 neurons are constants and go into e ("constant"); neurons active on all of Ω
    (b − D‖a‖_1 ≥ 0, a ≠ 0) are affine on Ω ("hidden_affine"): their c(⟨a,x⟩ + b) joins the affine
    remainder.  (2) Neurons on one hyperplane are merged: c₁ρ(z) + c₂ρ(λz) = (c₁ + λc₂)ρ(z) ("merged"),
    opposite ones by ρ(−λz) = λρ(z) − λz ("opposite", the −λc₂z joins the affine remainder); a group
    whose total c is 0 disappears ("cancelled").  (3) The constant part of the remainder goes into e;
    a nonzero linear part u is absorbed, if possible, by flipping a subset S of neurons
    (cρ(z) = cρ(−z) + cz, so Σ_S c_k a_k = −u; "flipped", ≤ 16 neurons searched), otherwise by one
    *affine device* neuron (u, D‖u‖_1, 1), kinking on ∂Ω and active on Ω, with e −= D‖u‖_1
    ("affine_device": the number of extra neurons; it satisfies R2 only in the nonvanishing variant).
    (4) Each neuron is rebalanced (a, b, c) ↦ (λa, λb, c/λ), λ² = |c|/‖a‖ (or ‖(a,b)‖ with
    ``bal="ab"``), exactly when λ is rational; otherwise it stays unbalanced ("unbalanced", output
    indices).  With no neuron left one zero neuron is kept; ``keep_width`` pads with zero neurons.
    In d = 1 the realization is re-checked exactly (`SoundnessError` on a mismatch)."""
    _exact_shallow(net, "network")
    D = _domain(D)
    if bal not in BAL or bal_norm not in BAL_NORMS:
        raise InputError(f"bal must be in {BAL} and bal_norm in {BAL_NORMS}", "bal")
    d = net.d
    neurons, e = _neurons(net)
    stats = {"width_in": len(neurons), "dead": [], "constant": [], "hidden_affine": [], "merged": [],
             "opposite": [], "cancelled": [], "flipped": [], "affine_device": 0, "unbalanced": []}
    lin = [_ZERO] * d
    const = e
    kept = []
    for i, (a, b, c) in enumerate(neurons):
        n1 = sum((abs(x) for x in a), _ZERO)
        if c == 0 or b + D * n1 <= 0:
            stats["dead"].append(i)
        elif n1 == 0:
            const += c * b
            stats["constant"].append(i)
        elif b - D * n1 >= 0:
            lin = [u + c * x for u, x in zip(lin, a)]
            const += c * b
            stats["hidden_affine"].append(i)
        else:
            kept.append((i, a, b, c))
    # (2) group by hyperplane
    groups: dict = {}
    order = []
    for i, a, b, c in kept:
        k = _key(a, b)
        nk = tuple(-x for x in k)
        if k in groups:
            groups[k].append((i, a, b, c, 1))
        elif nk in groups:
            groups[nk].append((i, a, b, c, -1))
        else:
            groups[k] = [(i, a, b, c, 1)]
            order.append(k)
    out = []
    for k in order:
        g = groups[k]
        _, a0, b0, _, _ = g[0]
        w0 = a0 + (b0,)
        ctot = _ZERO
        for i, a, b, c, s in g:
            w = a + (b,)
            if s == 1:
                lam = _pos_ratio(w0, w)
                ctot += lam * c
            else:
                lam = _pos_ratio(w0, tuple(-x for x in w))
                ctot += lam * c
                lin = [u - c * lam * x for u, x in zip(lin, a0)]
                const -= c * lam * b0
        if len(g) > 1:
            ids = [x[0] for x in g]
            stats["merged"].append(ids)
            if any(x[4] == -1 for x in g):
                stats["opposite"].append(ids)
        if ctot == 0:
            stats["cancelled"].append([x[0] for x in g])
            continue
        out.append([a0, b0, ctot])
    # (3) the affine remainder
    if any(u != 0 for u in lin):
        done = False
        if flips and 0 < len(out) <= 16:
            target = [-u for u in lin]
            for r in range(1, len(out) + 1):
                for S in itertools.combinations(range(len(out)), r):
                    if all(sum((out[k][2] * out[k][0][j] for k in S), _ZERO) == target[j] for j in range(d)):
                        for k in S:
                            a, b, c = out[k]
                            const += c * b
                            out[k] = [tuple(-x for x in a), -b, c]
                        stats["flipped"] = list(S)
                        done = True
                        break
                if done:
                    break
        if not done:
            K = D * sum((abs(u) for u in lin), _ZERO)
            out.append([tuple(lin), K, _ONE])
            const -= K
            stats["affine_device"] = 1
    # (4) rebalance
    final = []
    for idx, (a, b, c) in enumerate(out):
        nv = _norm(a + (b,) if bal == "ab" else a, bal_norm)
        lam = exact_sqrt(abs(c) / nv) if nv else None
        if lam is None or lam == 0:
            stats["unbalanced"].append(idx)
            final.append((tuple(a), b, c))
        else:
            final.append((tuple(lam * x for x in a), lam * b, c / lam))
    if not final:
        final.append(((_ZERO,) * d, _ZERO, _ZERO))
        stats["unbalanced"].append(0)
    if keep_width:
        while len(final) < len(neurons):
            stats["unbalanced"].append(len(final))
            final.append(((_ZERO,) * d, _ZERO, _ZERO))
    stats["width_out"] = len(final)
    res = _build(d, final, const)
    if d == 1 and not same_realization(net, res, D):
        raise SoundnessError("normalize changed the realization")
    return res, stats


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


# --------------------------------------------------------------------------------------------
# 4. fibre distance in 1-D


@dataclass
class FibreBounds:
    """lower ≤ dist(Γ, R⁻¹(g)) ≤ upper; ``witness`` realizes g exactly with ‖witness − Γ‖_∞ = upper."""

    lower: fmpq
    upper: fmpq | None
    witness: Network | None
    notes: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.upper is not None and self.lower == self.upper


@dataclass(frozen=True)
class _Target:
    can: Canonical
    kinks: tuple          # ((t_j, J_j), ...)
    alpha0: fmpq          # A(x) = alpha0 + beta0 x
    beta0: fmpq

    def A(self, x):
        return self.alpha0 + self.beta0 * x


def _target(target: Network, D: fmpq) -> _Target:
    can = canonical(target, D)
    beta0 = can.left_slope
    return _Target(can, can.kinks, can.left_value + beta0 * D, beta0)


def _setup(net, target, D):
    _check_1d(net, "network")
    _check_1d(target, "params.other")
    for n, where in ((net, "network"), (target, "params.other")):
        if n.H > MAX_WIDTH:
            raise InputError(f"width {n.H} exceeds the 1-D fibre engine's documented limit m <= {MAX_WIDTH}", where)
    D = _domain(D)
    return D, _target(target, D)


# ---- upper bound: explicit Φ ------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _carrier(n, t, sigma, J):
    """Neuron with kink t, orientation sigma, jump c|a| = J (≠ 0), near n = (a, b, c): the minimax
    scale (rational, or a rational approximation of an irrational optimum)."""
    a0, b0, c0 = n
    lam = _best_scale([(a0, fmpq(sigma)), (b0, -t * sigma)], [(c0, J)]) or _ONE
    return (sigma * lam, -t * sigma * lam, J / lam)


def _cost(terms, e, G, eG) -> fmpq:
    v = abs(e - eG)
    for (a, b, c), (a0, b0, c0) in zip(terms, G):
        v = max(v, abs(a - a0), abs(b - b0), abs(c - c0))
    return v


def _interior(n, D) -> bool:
    a, b, c = n
    return a != 0 and c != 0 and abs(b) < D * abs(a)


def _neutral_options(n, D):
    """Modifications of a spare neuron that remove its interior kink: [(params, cost)], cheapest
    first: keep (no interior kink), c → 0, a → 0, kink moved to ±D, and the nearest (∞-norm)
    neuron that is zero on Ω (b + D|a| ≤ 0) or affine on Ω (b ≥ D|a|)."""
    a, b, c = n
    if not _interior(n, D):
        return [(n, _ZERO)]
    opts = [((a, b, _ZERO), abs(c)), ((_ZERO, b, c), abs(a)),
            ((a, -a * D, c), abs(b + a * D)), ((a, a * D, c), abs(b - a * D))]
    sa = 1 if a > 0 else -1
    s_dead = (b + D * abs(a)) / (1 + D)        # cost to reach b + D|a| = 0 moving a toward 0, b down
    if s_dead <= abs(a):
        opts.append(((a - sa * s_dead, b - s_dead, c), s_dead))
    s_aff = (D * abs(a) - b) / (1 + D)         # cost to reach b = D|a| moving a toward 0, b up
    if s_aff <= abs(a):
        opts.append(((a - sa * s_aff, b + s_aff, c), s_aff))
    return sorted(opts, key=lambda o: o[1])


def _finish(terms, tg: _Target, D):
    """Set e so that values agree at −D; return (terms, e) if R = g on Ω, else None."""
    base = canonical_from_terms(terms, _ZERO, D)
    if base.kinks != tg.can.kinks or base.left_slope != tg.can.left_slope:
        return None
    return terms, tg.can.left_value - base.left_value


def _e_balance(terms, e, G, eG, D):
    """Trade constant between e and an affine-on-Ω spare's bias (e + c·b fixed, b ≥ D|a| kept)."""
    best = (_cost(terms, e, G, eG), terms, e)
    for k, (a, b, c) in enumerate(terms):
        if c == 0 or b < D * abs(a):
            continue
        K = e + c * b
        b0 = G[k][1]
        cands = {b0, (K - eG) / c}
        for s in (1, -1):
            # K − c·b − eG = s (b − b0)
            if c + s != 0:
                cands.add((K - eG + s * b0) / (c + s))
        for bb in cands:
            bb = max(bb, D * abs(a))
            t2 = list(terms)
            t2[k] = (a, bb, c)
            e2 = K - c * bb
            v = _cost(t2, e2, G, eG)
            if v < best[0]:
                best = (v, t2, e2)
    return best


def _upper_candidates(G, eG, tg: _Target, D, budget: int = 3000):
    """Yield term lists (e is set later) that are candidates for R = g on Ω; at most ``budget``."""
    count = 0
    for terms in _upper_candidates_raw(G, eG, tg, D):
        count += 1
        if count > budget:
            return
        yield terms


def _upper_candidates_raw(G, eG, tg: _Target, D):
    m = len(G)
    kinks = tg.kinks
    n = len(kinks)
    if n > m:
        return
    ccache = {}

    def carrier(i, j, s, J=None):
        key = (i, j, s, J)
        if key not in ccache:
            t = kinks[j][0]
            nn = _carrier(G[i], t, s, kinks[j][1] if J is None else J)
            ccache[key] = (nn, max(abs(x - y) for x, y in zip(nn, G[i])))
        return ccache[key]

    def cost_ij(i, j):
        return min(carrier(i, j, 1)[1], carrier(i, j, -1)[1])

    if math.perm(m, n) <= 720:
        perms = list(itertools.permutations(range(m), n))
    else:   # too many assignments: the bottleneck-optimal one and its greedy variants
        _, pi = bottleneck([[cost_ij(i, j) for i in range(m)] for j in range(n)])
        perms = [tuple(pi)]
    scored = sorted(((max((cost_ij(i, j) for j, i in enumerate(p)), default=_ZERO), p) for p in perms),
                    key=lambda x: x[0])
    sig_all = list(itertools.product((1, -1), repeat=n)) if n <= 6 else [(1,) * n]
    for _, p in scored:
        for sig in sig_all:
            terms = [None] * m
            for j, i in enumerate(p):
                terms[i] = carrier(i, j, sig[j])[0]
            spares = [i for i in range(m) if terms[i] is None]
            opt_lists = [[o for o, _ in _neutral_options(G[i], D)] for i in spares]
            combos = itertools.islice(itertools.product(*[ol[:3] for ol in opt_lists]), 9)
            first = None
            for combo in combos:
                t2 = list(terms)
                for i, o in zip(spares, combo):
                    t2[i] = o
                if first is None:
                    first = t2
                yield from _repairs(t2, spares, p, sig, G, tg, D, carrier)
            terms = first if first is not None else terms
            # a spare shares a carrier's kink with the same orientation (jump split in halves)
            for s_ in spares:
                for j, i in enumerate(p):
                    half = kinks[j][1] / 2
                    t2 = list(terms)
                    t2[i] = carrier(i, j, sig[j], half)[0]
                    t2[s_] = _carrier(G[s_], kinks[j][0], sig[j], half)
                    yield from _repairs(t2, [x for x in spares if x != s_], p, sig, G, tg, D, carrier)
            # spares already sitting on a target kink join it (split kinks)
            t2 = list(terms)
            adjust = {}
            joiners = []
            for i in spares:
                a, b, c = G[i]
                if a != 0 and c != 0:
                    for j, (tj, _) in enumerate(kinks):
                        if -b / a == tj:
                            t2[i] = G[i]
                            adjust[j] = adjust.get(j, _ZERO) + c * abs(a)
                            joiners.append(i)
            if joiners:
                for j, dJ in adjust.items():
                    J = kinks[j][1] - dJ
                    i = p[j]
                    t2[i] = _neutral_options(G[i], D)[0][0] if J == 0 else carrier(i, j, sig[j], J)[0]
                yield from _repairs(t2, [i for i in spares if i not in joiners], p, sig, G, tg, D, carrier)


def _repairs(terms, spares, p, sig, G, tg: _Target, D, carrier):
    """The candidate itself and affine repairs of its left slope using one spare neuron."""
    kinks = tg.kinks
    slope = canonical_from_terms(terms, _ZERO, D).left_slope
    delta = tg.can.left_slope - slope
    if delta == 0:
        yield terms
        return
    for s in spares:
        a, b, c = terms[s]
        if not _interior(terms[s], D) and c != 0 and b >= D * abs(a):
            if a != 0:   # (a) change c of an affine-on-Ω spare
                t2 = list(terms)
                t2[s] = (a, b, c + delta / a)
                yield t2
            a2 = a + delta / c   # (a') change a, keep the kink outside
            t2 = list(terms)
            t2[s] = (a2, max(b, D * abs(a2)), c)
            yield t2
        base = list(terms)
        base[s] = (_ZERO, _ZERO, _ZERO)
        d2 = tg.can.left_slope - canonical_from_terms(base, _ZERO, D).left_slope
        if d2 == 0:
            yield base
            continue
        a0, b0, c0 = G[s]
        # (b) a device neuron kinking on/outside ∂Ω, active on Ω
        devs = []
        if a0 != 0:
            devs.append((a0, max(b0, D * abs(a0)), d2 / a0))
        if c0 != 0:
            aa = d2 / c0
            devs.append((aa, max(b0, D * abs(aa)), c0))
        r = exact_sqrt(abs(d2))
        r = r if r is not None else _rationalize_sqrt(abs(d2))
        for sg in ((1, -1) if r != 0 else ()):      # √|d2| may round to 0 for a tiny d2
            aa = sg * r
            devs.append((aa, max(b0, D * r), d2 / aa))
        for dv in devs:
            t2 = list(base)
            t2[s] = dv
            yield t2
        # (c) the spare joins a carrier's kink with the opposite orientation
        for j, i in enumerate(p):
            tj, Jj = kinks[j]
            sc = sig[j]
            Js = -d2 if sc == 1 else d2
            Jc = Jj - Js
            if Jc == 0:
                continue
            t2 = list(base)
            t2[i] = carrier(i, j, sc, Jc)[0]
            t2[s] = _carrier(G[s], tj, -sc, Js)
            yield t2


def _rationalize_sqrt(q: fmpq) -> fmpq:
    with precision(128):
        return _rationalize(arb(q).sqrt(), 10 ** 6)


def fibre_upper(net: Network, target: Network, D=1, budget: int = 3000) -> tuple[Network | None, fmpq | None]:
    """An explicit Φ of width m with R(Φ) = g on Ω (checked exactly) and ‖Φ − Γ‖_∞ (exact).

    Candidates (the cheapest valid one is returned): Φ = Γ when R(Γ) = g; the target's own
    parameters padded with zero neurons (m_g ≤ m), permuted and rescaled by a bottleneck assignment;
    and the inverse map of claim 15: assign g's kinks to Γ's neurons (all injective maps, cheapest
    first; at most ``budget`` candidates), give each carrier the minimax scale for its jump
    (c|a| = J), neutralize the interior kinks of the remaining neurons (c → 0, a → 0 or kink moved to
    ±D, whichever is cheapest), repair the left slope with one spare neuron (change its c or a,
    turn it into a device kinking on ∂Ω, or let it join a carrier's kink with the opposite
    orientation -- the P4 construction), set e, and trade constant between e and an affine spare.
    Scales are rational (rounded when the optimum is irrational).  Returns (None, None) when no
    candidate realizes g (possible only when m_g > m)."""
    phi, v, _ = _fibre_upper(net, target, D, budget)
    return phi, v


def _fibre_upper(net, target, D, budget):
    D, tg = _setup(net, target, D)
    G, eG = neuron_terms(net)
    m = len(G)
    best = None

    def consider(terms, e, how):
        nonlocal best
        if best is not None and _cost(terms, eG, G, eG) >= best[0]:
            return      # e only adds to the cost: cannot beat the best candidate
        fin = _finish(terms, tg, D)
        if fin is None:
            return
        terms, e = fin
        v, terms, e = _e_balance(terms, e, G, eG, D)
        if best is None or v < best[0]:
            best = (v, terms, e, how)

    if same_realization(net, target, D):
        return net, _ZERO, "Φ = Γ (R(Γ) = g)"
    T, eT = neuron_terms(target)
    if len(T) <= m:
        padded = T + [(_ZERO, _ZERO, _ZERO)] * (m - len(T))
        costs, lams = [], []
        for n0 in G:
            row, lrow = [], []
            for n1 in padded:
                opts = []
                for lam in {_best_scale([(n0[0], n1[0]), (n0[1], n1[1])], [(n0[2], n1[2])]) or _ONE, _ONE}:
                    nn = (lam * n1[0], lam * n1[1], n1[2] / lam)
                    opts.append((max(abs(x - y) for x, y in zip(nn, n0)), nn))
                v, nn = min(opts, key=lambda o: o[0])
                row.append(v)
                lrow.append(nn)
            costs.append(row)
            lams.append(lrow)
        _, pi = bottleneck(costs)
        consider([lams[i][pi[i]] for i in range(m)], eT, "target, permuted and rescaled")
    for terms in _upper_candidates(G, eG, tg, D, budget):
        consider(terms, _ZERO, "inverse map")
    if best is None:
        return None, None, None
    v, terms, e, how = best
    phi = _build1(terms, e)
    if not same_realization(phi, target, D):
        raise SoundnessError("fibre_upper: witness does not realize the target")
    if param_distance(net, phi) != v:
        raise SoundnessError("fibre_upper: cost mismatch")
    return phi, v, how


# ---- lower bound: the relaxation F(v) ----------------------------------------------------------


class _I:
    """A real interval with open/closed ends (exact rational endpoints)."""

    __slots__ = ("lo", "hi", "lc", "hc")

    def __init__(self, lo, hi, lc=False, hc=False):
        self.lo, self.hi, self.lc, self.hc = lo, hi, lc, hc

    @staticmethod
    def point(x):
        return _I(x, x, True, True)

    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lc and self.hc))

    def __add__(self, o):
        return _I(self.lo + o.lo, self.hi + o.hi, self.lc and o.lc, self.hc and o.hc)

    def scale(self, k):
        if k > 0:
            return _I(k * self.lo, k * self.hi, self.lc, self.hc)
        if k < 0:
            return _I(k * self.hi, k * self.lo, self.hc, self.lc)
        return _I.point(_ZERO)

    def shift(self, x):
        return _I(self.lo + x, self.hi + x, self.lc, self.hc)

    def contains(self, x) -> bool:
        return ((self.lo < x) or (self.lc and self.lo == x)) and ((x < self.hi) or (self.hc and x == self.hi))

    def meet(self, o):
        if self.lo > o.lo:
            lo, lc = self.lo, self.lc
        elif o.lo > self.lo:
            lo, lc = o.lo, o.lc
        else:
            lo, lc = self.lo, self.lc and o.lc
        if self.hi < o.hi:
            hi, hc = self.hi, self.hc
        elif o.hi < self.hi:
            hi, hc = o.hi, o.hc
        else:
            hi, hc = self.hi, self.hc and o.hc
        return _I(lo, hi, lc, hc)

    def hull(self, o):
        if self.empty():
            return o
        if o.empty():
            return self
        if self.lo < o.lo:
            lo, lc = self.lo, self.lc
        elif o.lo < self.lo:
            lo, lc = o.lo, o.lc
        else:
            lo, lc = self.lo, self.lc or o.lc
        if self.hi > o.hi:
            hi, hc = self.hi, self.hc
        elif o.hi > self.hi:
            hi, hc = o.hi, o.hc
        else:
            hi, hc = self.hi, self.hc or o.hc
        return _I(lo, hi, lc, hc)


def _mul(X: _I, Y: _I) -> _I:
    """Hull of {xy : x ∈ X, y ∈ Y}: extremes at corners; an extreme is marked attained when a corner
    with both ends closed attains it, or (conservatively) when it is 0."""
    cs = [(X.lo * Y.lo, X.lc and Y.lc), (X.lo * Y.hi, X.lc and Y.hc),
          (X.hi * Y.lo, X.hc and Y.lc), (X.hi * Y.hi, X.hc and Y.hc)]
    lo = min(v for v, _ in cs)
    hi = max(v for v, _ in cs)
    lc = lo == 0 or any(f for v, f in cs if v == lo)
    hc = hi == 0 or any(f for v, f in cs if v == hi)
    return _I(lo, hi, lc, hc)


def _zero_interval():
    return _I.point(_ZERO)


class _Role:
    __slots__ = ("kind", "j", "sigma", "J", "contrib", "slope", "z_only", "z_ok")

    def __init__(self, kind, j=None, sigma=None, J=None, contrib=None, slope=None, z_only=False, z_ok=False):
        self.kind, self.j, self.sigma, self.J = kind, j, sigma, J
        self.contrib, self.slope, self.z_only, self.z_ok = contrib, slope, z_only, z_ok


def _alpha_range(n, v, t, sigma):
    """Open interval of α > 0 with |σα − a| < v and |−tσα − b| < v, or None."""
    a, b, _ = n
    if sigma == 1:
        lo, hi = a - v, a + v
    else:
        lo, hi = -a - v, -a + v
    lo = max(lo, _ZERO)
    k = -t * sigma
    if k == 0:
        if not abs(b) < v:
            return None
    elif k > 0:
        lo, hi = max(lo, (b - v) / k), min(hi, (b + v) / k)
    else:
        lo, hi = max(lo, (b + v) / k), min(hi, (b - v) / k)
    if not lo < hi:
        return None
    return _I(lo, hi)


def _roles(n, v, tg: _Target, D, points):
    """Feasible roles of a Γ-neuron n = (a, b, c) in the open box of radius v > 0."""
    a, b, c = n
    cI = _I(c - v, c + v)
    aI = _I(a - v, a + v)
    out = []
    for j, (t, _) in enumerate(tg.kinks):
        for s in (1, -1):
            al = _alpha_range(n, v, t, s)
            if al is not None:
                out.append(_Role("K", j, s, _mul(cI, al)))
    # non-carrier roles, merged into one role with hulled contributions
    x_plus = b + v - D * max(_ZERO, abs(a) - v) > 0            # b ≥ D|a| somewhere in the box
    x_zero = abs(c) < v or b - v + D * max(_ZERO, abs(a) - v) < 0   # c = 0 or b + D|a| ≤ 0
    z_ok = D * (abs(a) + v) - max(_ZERO, abs(b) - v) > 0        # interior kink
    if x_plus or x_zero or z_ok:
        contrib = []
        for x in points:
            w = v * (1 + abs(x))
            p_box = _I(a * x + b - w, a * x + b + w)
            I = None
            if x_plus:
                # on Ω an affine-on-Ω neuron has ax + b ≥ 0 (x_plus ⇒ p_box.hi > 0, so p ≠ ∅)
                p = p_box.meet(_I(_ZERO, max(p_box.hi, _ZERO), True, p_box.hc))
                if not p.empty():
                    I = _mul(cI, p)
            if x_zero or z_ok:
                I = _zero_interval() if I is None else I.hull(_zero_interval())
            if z_ok:
                I = I.hull(_mul(cI, p_box))
            if I is None:       # unreachable (see above); treat as "this role has no configuration"
                break
            contrib.append(I)
        sl = None
        if x_plus:
            sl = _mul(cI, aI)
        if x_zero or z_ok:
            sl = _zero_interval() if sl is None else sl.hull(_zero_interval())
        if z_ok:
            sl = sl.hull(_mul(cI, aI))
        if len(contrib) == len(points):
            out.append(_Role("N", contrib=contrib, slope=sl, z_only=z_ok and not (x_plus or x_zero), z_ok=z_ok))
    return out


def _feasible(G, eG, tg: _Target, D, v, points, budget: list | None = None) -> bool:
    """F(v): True unless certified that no Φ with ‖Φ − Γ‖_∞ < v realizes g (see the module doc).
    The role search is exhaustive (depth-first, neurons with fewest roles first, pruned when the
    uncovered kinks outnumber the remaining neurons); past `_NODE_BUDGET` nodes, or when the shared
    ``budget`` ([work units left] for a whole `fibre_lower` call) runs out, it gives up and returns True,
    which only weakens the bound."""
    if v <= 0:
        return False
    if budget is not None and budget[0] <= 0:
        return True
    m = len(G)
    n = len(tg.kinks)
    if n > m:
        return False
    roles = [_roles(nn, v, tg, D, points) for nn in G]
    if any(not r for r in roles):
        return False
    # quick Hall check: every kink has a neuron that can carry it, and a matching exists
    adj = [[i for i in range(m) if any(r.kind == "K" and r.j == j for r in roles[i])] for j in range(n)]
    if _match(adj, m) is None:
        return False
    eI = _I(eG - v, eG + v)
    Avals = [tg.A(x) for x in points]
    kinks = tg.kinks
    # order neurons: fewest roles first
    order = sorted(range(m), key=lambda i: len(roles[i]))
    chosen = [None] * m

    def leaf() -> bool:
        plus = [[] for _ in range(n)]
        minus = [[] for _ in range(n)]
        contrib = [eI for _ in points]
        slope = _I.point(_ZERO)
        zc = zp = 0
        for r in chosen:
            if r.kind == "K":
                (plus if r.sigma == 1 else minus)[r.j].append(r.J)
            else:
                contrib = [s + c for s, c in zip(contrib, r.contrib)]
                slope = slope + r.slope
                zc += r.z_only
                zp += r.z_ok
        if zc >= 1 and zp < 2:
            return False
        for j, (t, J) in enumerate(kinks):
            if not plus[j] and not minus[j]:
                return False
            sp = _sum(plus[j])
            sm = _sum(minus[j])
            if not minus[j]:
                if not sp.contains(J):
                    return False
                continue
            if not plus[j]:
                if not sm.contains(J):
                    return False
                Sm = _I.point(J)
            else:
                Sm = sm.meet(sp.scale(-1).shift(J))
                if Sm.empty():
                    return False
            contrib = [s + Sm.scale(t - x) for s, x in zip(contrib, points)]
            slope = slope + Sm.scale(-1)
        if not slope.contains(tg.beta0):
            return False
        return all(s.contains(Av) for s, Av in zip(contrib, Avals))

    covered = [0] * n
    nodes = [0]

    def rec(k) -> bool:
        nodes[0] += 1
        if nodes[0] > _NODE_BUDGET:
            raise _Budget
        if budget is not None:
            budget[0] -= 10 + (m * len(points) if k == m else 0)   # work units: a leaf costs O(m·|points|)
            if budget[0] < 0:
                raise _Budget
        if k == m:
            return leaf()
        unc = sum(1 for x in covered if x == 0)
        if unc > m - k:
            return False
        i = order[k]
        for r in roles[i]:
            chosen[i] = r
            if r.kind == "K":
                covered[r.j] += 1
            ok = rec(k + 1)
            if r.kind == "K":
                covered[r.j] -= 1
            if ok:
                return True
        chosen[i] = None
        return False

    try:
        return rec(0)
    except _Budget:
        return True     # no certificate within the budget: claim nothing (sound)


class _Budget(Exception):
    pass


_NODE_BUDGET = 200_000
_TOTAL_NODE_BUDGET = 8_000_000  # role-search work units per `fibre_lower` call (a few seconds)
MAX_WIDTH = 64                 # documented scope of the 1-D fibre engine: m ≤ 64 (InputError past it)


def _sum(Is):
    s = _I.point(_ZERO)
    for x in Is:
        s = s + x
    return s


def _thresholds(G, eG, tg: _Target, D, points) -> list[fmpq]:
    """Exact critical radii: where a role becomes feasible, singleton carrier costs, |A(x) − e|."""
    out = set()
    for a, b, c in G:
        for t, J in tg.kinks:
            for s in (1, -1):
                r = _minimax([(a, s), (b, -t * s)], [])
                out.add(r.lo)
                r = _minimax([(a, s), (b, -t * s)], [(c, J)])
                if r.exact:
                    out.add(r.lo)
        aa = abs(a)
        for v in ((D * aa - b) / (1 + D), -b, (b + D * aa) / (1 + D), b, abs(c), (abs(b) - D * aa) / (1 + D)):
            out.add(v)
    for x in points:
        out.add(abs(tg.A(x) - eG))
    return sorted(v for v in out if v > 0)


def fibre_lower(net: Network, target: Network, D=1, upper: fmpq | None = None,
                tol=fmpq(1, 2 ** 24)) -> fmpq:
    """A certified lower bound (exact rational) of dist(Γ, R⁻¹(g)) over all width-m Φ ∈ P_N (hence
    also over Φ ∈ Ñ), by the relaxation F of the module docstring: exact critical radii first, then
    bisection to relative width ``tol``.  ``upper`` (a known upper bound) only brackets the search.
    The role search shares one budget of `_TOTAL_NODE_BUDGET` work units (10 per node, m·|points|
    per leaf); past it the bound found so far
    is returned (sound, possibly weak)."""
    return _fibre_lower(net, target, D, upper, tol)[0]


def _fibre_lower(net, target, D, upper, tol) -> tuple[fmpq, bool]:
    """(`fibre_lower`, whether the node budget ran out)."""
    D, tg = _setup(net, target, D)
    G, eG = neuron_terms(net)
    if len(tg.kinks) > len(G):
        raise InputError(f"g has {len(tg.kinks)} kinks in Ω: no width-{len(G)} network realizes it",
                         "params.other")
    if same_realization(net, target, D):
        return _ZERO, False
    if upper is None:
        _, upper = fibre_upper(net, target, D)
    points = sorted({-D, D} | {t for t, _ in tg.kinks})
    budget = [_TOTAL_NODE_BUDGET]
    F = lambda v: _feasible(G, eG, tg, D, v, points, budget)  # noqa: E731
    cands = _thresholds(G, eG, tg, D, points)
    if upper is not None:
        cands = sorted(set(x for x in cands if x <= upper) | ({upper} if upper > 0 else set()))
    else:
        cap = max([abs(x) for x in net.theta] + [abs(x) for x in target.theta] + [_ONE]) * 4 * (1 + D)
        cands = sorted(set(cands) | {cap})
    # largest candidate with F false (F is monotone)
    lo_i, hi_i = 0, len(cands) - 1
    best = -1
    while lo_i <= hi_i:
        mid = (lo_i + hi_i) // 2
        if not F(cands[mid]):
            best = mid
            lo_i = mid + 1
        else:
            hi_i = mid - 1
    lo = cands[best] if best >= 0 else _ZERO
    if best == len(cands) - 1:
        return lo, budget[0] < 0   # = upper (exact), or the cap when there is no witness
    hi = cands[best + 1]
    while hi - lo > tol * max(_ONE, hi) and budget[0] >= 0:
        mid = (lo + hi) / 2
        if F(mid):
            hi = mid
        else:
            lo = mid
    return lo, budget[0] < 0


def fibre_bounds(net: Network, target: Network, D=1, tol=fmpq(1, 2 ** 24)) -> FibreBounds:
    """`fibre_lower` ≤ dist(Γ, R⁻¹(g)) ≤ `fibre_upper`, with the witness and notes."""
    D, tg = _setup(net, target, D)
    if len(tg.kinks) > net.H:
        raise InputError(f"g has {len(tg.kinks)} kinks in Ω: no width-{net.H} network realizes it",
                         "params.other")
    phi, up, how = _fibre_upper(net, target, D, 3000)
    lo, out_of_budget = _fibre_lower(net, target, D, up, tol)
    notes = [f"g has {len(tg.kinks)} interior kinks; width m = {net.H}"]
    if out_of_budget:
        notes.append(f"the role search hit its budget of {_TOTAL_NODE_BUDGET} work units: the lower bound is the best "
                     "certified so far (possibly weak)")
    if how:
        notes.append(f"witness: {how}")
    if up is not None and lo > up:
        raise SoundnessError(f"fibre lower bound {lo} exceeds the witness distance {up}")
    if up is None:
        notes.append("no explicit Φ found: upper bound +∞")
    elif lo == up:
        notes.append("exact: lower = upper")
    else:
        notes.append("lower bound from the relaxation F (module docstring); gap open")
    if phi is not None:
        bad = restricted_violations(phi, D)
        notes.append("witness ∈ Ñ (defaults)" if not bad else
                     "witness ∉ Ñ: " + ", ".join(sorted({r for r, _, _ in bad})))
    return FibreBounds(lo, up, phi, notes)


# ---- an independent, weaker lower bound (re-verification path) ----------------------------------


def _fr(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    x = fmpq(x)
    return Fraction(int(x.p), int(x.q))


def _direct_kinks(target: Network, D: Fraction) -> list[tuple[Fraction, Fraction]]:
    """Interior kinks (t, J ≠ 0) of R(g) on (−D, D) straight from g's neurons, in `Fraction`."""
    H = target.H
    th = [_fr(t) for t in target.theta]
    jumps: dict = {}
    for i in range(H):
        a, b, c = th[i], th[H + i], th[2 * H + i]
        if a != 0 and c != 0 and -D < -b / a < D:
            jumps[-b / a] = jumps.get(-b / a, Fraction(0)) + c * abs(a)
    return [(t, J) for t, J in jumps.items() if J != 0]


def _can_carry(n, t, J, k, v) -> bool:
    """Can a neuron within open ‖·‖_∞-distance v of n = (a₀, b₀, c₀) kink at t with a jump c|a| of
    the sign of J and modulus ≥ |J|/k (= J exactly when k = 1)?  Every condition is an open
    interval in u = |a| > 0, per orientation σ = sign(a)."""
    a0, b0, c0 = n
    for sg in (1, -1):
        lo, hi = max(Fraction(0), sg * a0 - v), sg * a0 + v       # |σu − a₀| < v
        if t == 0:
            if not abs(b0) < v:
                continue
        else:                                                     # |−tσu − b₀| < v
            p, q = (b0 - v) / (-t * sg), (b0 + v) / (-t * sg)
            lo, hi = max(lo, min(p, q)), min(hi, max(p, q))
        if k == 1:                                                # c = J/u with |c − c₀| < v
            s = 1 if J > 0 else -1
            cl, ch = s * c0 - v, s * c0 + v                       # s·c ∈ (cl, ch), s·c = |J|/u > 0
            if ch <= 0:
                continue
            lo = max(lo, abs(J) / ch)
            if cl > 0:
                hi = min(hi, abs(J) / cl)
        else:                                                     # s·c < s·c₀ + v, |c|u ≥ |J|/k
            M = (c0 if J > 0 else -c0) + v
            if M <= 0:
                continue
            lo = max(lo, abs(J) / (k * M))
        if lo < hi:
            return True
    return False


def independent_excludes(net: Network, target: Network, D, v) -> bool:
    """True when certified that no width-m Φ with ‖Φ − Γ‖_∞ < v realizes g on [−D, D], by the kink
    argument alone: each interior kink t_j of g (jump J_j) needs its own carrier neurons kinking
    exactly at t_j, one of them with a jump of the sign of J_j and modulus ≥ |J_j|/(m − n + 1)
    (= J_j when n = m); distinct kinks have disjoint carriers, so a matching kinks → neurons must
    exist.  Written apart from the relaxation F (`Fraction`, its own kink list, Kuhn matching) for
    the re-verification of VIOLATED verdicts; weaker than `fibre_lower` (no affine balance)."""
    _check_1d(net, "network")
    _check_1d(target, "params.other")
    Dq, v = _fr(_domain(D)), _fr(v)
    if v <= 0:
        return False
    kinks = _direct_kinks(target, Dq)
    m, n = net.H, len(kinks)
    if n == 0:
        return False
    if n > m:
        return True
    th = [_fr(t) for t in net.theta]
    G = [(th[i], th[m + i], th[2 * m + i]) for i in range(m)]
    k = 1 if n == m else m - n + 1
    adj = [[i for i in range(m) if _can_carry(G[i], t, J, k, v)] for t, J in kinks]
    return _match(adj, m) is None


def independent_lower(net: Network, target: Network, D=1, hi=None, steps: int = 40) -> fmpq:
    """The largest v ≤ ``hi`` found with `independent_excludes` (a certified lower bound of
    dist(Γ, R⁻¹(g)), independent of `fibre_lower`): ``hi`` itself, else hi/2, hi/4, … until one is
    excluded, then bisection; ``hi`` defaults to the largest parameter modulus plus one."""
    hi = _fr(hi) if hi is not None else max([abs(_fr(t)) for t in net.theta + target.theta] + [Fraction(0)]) + 1
    if hi <= 0:
        return _ZERO
    if independent_excludes(net, target, D, hi):
        return fmpq(hi.numerator, hi.denominator)
    lo = Fraction(0)
    for _ in range(200):      # halve until excluded: the distance may be far below hi
        hi /= 2
        if independent_excludes(net, target, D, hi):
            lo, hi = hi, 2 * hi
            break
    else:
        return _ZERO
    for _ in range(steps):
        mid = (lo + hi) / 2
        if independent_excludes(net, target, D, mid):
            lo = mid
        else:
            hi = mid
    return fmpq(lo.numerator, lo.denominator)
