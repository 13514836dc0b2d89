"""The fibre of g inside the restricted set Ñ in 1-D, by exact enumeration (beg19 claim 15, the bracket of
Theorem 3.1's best constant; soundness argument in proofs_notes/beg19.md#thm31-inverse-stability).

Setting [DERIVED]: d = 1, Ω = [−D, D], Ñ_m = width-m nets with R1 balance (``bal="a"``: |c_i| = |a_i|;
``bal="ab"``: |c_i| = ‖(a_i, b_i)‖₂), R2 interior (a_i ≠ 0, |b_i| < D|a_i|), R3/R4 on w_i = (a_i, b_i) (no two
neurons on one kink), output bias free or (``e_zero``) fixed at 0.

Lemma (the Ñ-fibre is finite).  Let g have interior kinks (t_j, J_j ≠ 0), j ≤ n, and left slope β on Ω.
Every Φ ∈ Ñ_m has m pairwise distinct interior kinks t_i = −b_i/a_i (R2, R3/R4: one kink ⇔ parallel (a, b))
with jumps c_i|a_i| ≠ 0 (R1 makes c_i ≠ 0).  Hence R(Φ) = g on Ω iff n = m and there are a bijection π
(neuron i carries kink π(i)), orientations σ_j = sign a of kink j's carrier and, with S = {j : σ_j = −1},

    (slope)  β = −Σ_{j∈S} J_j,       e = g(−D) − Σ_{j∈S} J_j (t_j + D)   [(e-zero) this e must be 0],

and then the carrier of kink j is *fixed* by R1: |a| = α_j, |c| = γ_j with α_j γ_j = |J_j| and
γ_j = α_j (bal-a: α_j = √|J_j|) or γ_j = α_j √(1 + t_j²) (bal-ab: α_j = (J_j²/(1 + t_j²))^{1/4}), i.e.
Φ_j = (σ_j α_j, −t_j σ_j α_j, sign(J_j) γ_j).  (A carrier with σ = +1 adds J_j ρ(x − t_j), one with σ = −1
adds J_j ρ(t_j − x): R(Φ) = e + Σ_j J_j ρ(σ_j (x − t_j)), all rational.)  Conversely every such (π, σ) is
in Ñ (a = ±α_j ≠ 0, |t_j| < D, distinct kinks, balanced; e = 0 checked under e-zero) and realizes g.  So

    dist_Ñ(Γ, g) = min over admissible σ of max(|e_σ − e_Γ|, min_π max_i cost(Γ_i, Φ_{π(i)}^σ)),

a minimum over finitely many points, each an exact max of |algebraic − rational| terms.  The inner
min over π is a bottleneck assignment; entries are rational where α_j, γ_j are (then the value is exact)
and Arb balls otherwise: the bottleneck of the lower endpoints is ≤ the true value ≤ the bottleneck of the
upper endpoints (min-max is monotone in every entry), so [lower, upper] encloses dist_Ñ exactly up to the
ball radius.  Admissible σ are found by a meet-in-the-middle subset sum (Σ_S J_j = −β, exact); past
`MAX_PATTERNS` of them the lower bound falls back to the pattern-free relaxation (σ chosen per pair,
e ignored), which only lowers it.

`tilde_brute` is the independent path (re-verification): every σ ∈ {±1}^m and every permutation (m ≤ 6; up to
m = 10 a threshold search with augmenting paths of its own instead of the permutations), the
realization checked by direct `Fraction` evaluation of the rational surrogate Σ_j J_j ρ(σ_j(x − t_j)) + e
at sorted breakpoints (no canonical form, no subset sum, no bottleneck), each candidate's distance from its
entries in Arb.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

from flint import arb, fmpq

from ...errors import InputError, SoundnessError
from ...nets import Network
from ...numbers import ball_bounds, exact_sqrt, precision
from ...realization import canonical, direct_sobolev, neuron_terms
from .common import _ZERO, _build1, _check_1d, _domain
from .distances import bottleneck

MAX_SUBSET_KINKS = 30    # meet in the middle over 2^15 + 2^15 subsets; past it one pattern is guessed (upper bound only)
MAX_PATTERNS = 4096       # admissible orientation patterns enumerated exactly (past it: a weaker, sound lower bound)
MAX_WIDTH = 64            # as the 1-D fibre engine
BRUTE_MAX_WIDTH = 10      # the independent path: 2^m orientations; every bijection for m ≤ 6, else its own matching
_PREC = 256


@dataclass
class TildeFibre:
    """lower ≤ dist_Ñ(Γ, g) ≤ upper (exact rationals).  ``empty``: certified that no Φ ∈ Ñ_m realizes g
    (then lower = upper = None).  ``best``: the carriers (π, σ) of a Φ ∈ Ñ at distance ≤ upper
    (``carriers``: per neuron i the kink (t, J) and σ), ``e`` its output bias, ``patterns`` the number of
    admissible orientation patterns (each gives m! points of the fibre), ``exact``: every pattern enumerated."""

    lower: fmpq | None
    upper: fmpq | None
    empty: bool
    carriers: list | None = None
    e: fmpq | None = None
    patterns: int = 0
    exact: bool = True
    notes: list = field(default_factory=list)


def _scales(t: fmpq, J: fmpq, bal: str):
    """(α, γ): |a| and |c| of the balanced carrier of a kink (t, J) -- fmpq when rational, else arb."""
    aJ = abs(J)
    if bal == "a":
        r = exact_sqrt(aJ)
        if r is not None:
            return r, r
        with precision(_PREC):
            s = arb(aJ).sqrt()
        return s, s
    # bal-ab (ℓ2): α² √(1 + t²) = |J|, γ = α √(1 + t²)
    nu = exact_sqrt(1 + t * t)
    if nu is not None:
        al2 = aJ / nu
        r = exact_sqrt(al2)
        if r is not None:
            return r, r * nu
    with precision(_PREC):
        nu_b = arb(1 + t * t).sqrt()
        al = (arb(aJ) / nu_b).sqrt()
        return al, al * nu_b


def _carrier(t, J, sigma, scales):
    al, ga = scales
    sJ = 1 if J > 0 else -1
    return (sigma * al, -t * sigma * al, sJ * ga)


def _abs_bounds(x) -> tuple[fmpq, fmpq]:
    """Rational [lo, hi] ∋ |x| for x an fmpq or an arb ball."""
    if isinstance(x, fmpq):
        return abs(x), abs(x)
    bb = ball_bounds(x)
    if bb is None:
        raise SoundnessError("non-finite ball in the Ñ-fibre enumeration")
    lo, hi = bb
    if lo >= 0:
        return lo, hi
    if hi <= 0:
        return -hi, -lo
    return _ZERO, max(-lo, hi)


def _pair_cost(n, phi) -> tuple[fmpq, fmpq]:
    """Rational [lo, hi] ∋ max(|a − a′|, |b − b′|, |c − c′|) for Γ's neuron n and a carrier phi."""
    lo = hi = _ZERO
    with precision(_PREC):
        for x, y in zip(n, phi):
            l, h = _abs_bounds(y - x if isinstance(y, fmpq) else arb(y) - arb(x))
            lo, hi = max(lo, l), max(hi, h)
    return lo, hi


def _setup(net, target, D):
    _check_1d(net, "network")
    _check_1d(target, "params.other")
    if net.H > MAX_WIDTH:
        raise InputError(f"width {net.H} exceeds the documented limit m <= {MAX_WIDTH}", "network")
    return _domain(D)


def _patterns(kinks, beta, cap):
    """Subsets S (as frozensets of kink indices) with Σ_{j∈S} J_j = −β, exactly; at most ``cap`` + 1 are
    returned (cap + 1 means: more exist).  Meet in the middle over two halves."""
    n = len(kinks)
    if n > MAX_SUBSET_KINKS:
        return None
    h = n // 2
    left, right = list(range(h)), list(range(h, n))

    def sums(idx):
        out: dict = {}
        for k in range(len(idx) + 1):
            for S in itertools.combinations(idx, k):
                out.setdefault(sum((kinks[j][1] for j in S), _ZERO), []).append(S)
        return out

    L, Rr = sums(left), sums(right)
    res = []
    for sl, Ss in L.items():
        for Sr in Rr.get(-beta - sl, ()):
            for S in Ss:
                res.append(frozenset(S + Sr))
                if len(res) > cap:
                    return res
    return res


def tilde_fibre(net: Network, target: Network, D=1, bal: str = "a", e_zero: bool = False) -> TildeFibre:
    """[lower, upper] ∋ dist_Ñ(Γ, g) = inf{‖Φ − Γ‖_∞ : Φ ∈ Ñ_m, R(Φ) = g on Ω} by the lemma of the module
    docstring (R2 interior, R3/R4 on (a, b), R1 per ``bal``); ``empty`` when the Ñ-fibre is empty."""
    D = _setup(net, target, D)
    if bal not in ("a", "ab"):
        raise InputError("bal must be 'a' or 'ab'", "bal")
    can = canonical(target, D)
    kinks = list(can.kinks)
    G, eG = neuron_terms(net)
    m, n = len(G), len(kinks)
    if n != m:
        return TildeFibre(None, None, True, notes=[f"g has {n} interior kinks, every member of R(Ñ_{m}) has {m}"])
    if any(not (-D < t < D) for t, _ in kinks):
        raise SoundnessError("canonical kink outside the open domain")
    beta = can.left_slope
    gmD = can.left_value
    scales = [_scales(t, J, bal) for t, J in kinks]
    car = {(j, s): _carrier(kinks[j][0], kinks[j][1], s, scales[j]) for j in range(n) for s in (1, -1)}
    cost = {(i, j, s): _pair_cost(G[i], car[(j, s)]) for i in range(m) for j in range(n) for s in (1, -1)}
    pats = _patterns(kinks, beta, MAX_PATTERNS)
    exact = pats is not None and len(pats) <= MAX_PATTERNS
    if pats is None:
        # too many kinks for the subset sum: the orientations of the pattern-free bottleneck assignment, if
        # admissible, give an upper bound; the lower bound is the relaxation's (below)
        _, pi = bottleneck([[min(cost[(i, j, 1)][1], cost[(i, j, -1)][1]) for j in range(n)] for i in range(m)])
        S = frozenset(pi[i] for i in range(m) if cost[(i, pi[i], -1)][1] < cost[(i, pi[i], 1)][1])
        pats = [S] if sum((kinks[j][1] for j in S), _ZERO) == -beta else []
    best_lo = best_up = None
    best = None
    count = 0
    for S in pats[:MAX_PATTERNS]:
        e = gmD - sum((kinks[j][1] * (kinks[j][0] + D) for j in S), _ZERO)
        if e_zero and e != 0:
            continue
        count += 1
        sig = [(-1 if j in S else 1) for j in range(n)]
        de = abs(e - eG)
        lo_b, _ = bottleneck([[cost[(i, j, sig[j])][0] for j in range(n)] for i in range(m)])
        hi_b, pi = bottleneck([[cost[(i, j, sig[j])][1] for j in range(n)] for i in range(m)])
        lo, up = max(de, lo_b), max(de, hi_b)
        if best_lo is None or lo < best_lo:
            best_lo = lo
        if best_up is None or up < best_up:
            best_up = up
            best = ([(kinks[pi[i]][0], kinks[pi[i]][1], sig[pi[i]]) for i in range(m)], e)
    notes = []
    if not exact:
        # more patterns than enumerated: the pattern-free relaxation (σ per pair, e ignored) is a lower bound
        relax, _ = bottleneck([[min(cost[(i, j, 1)][0], cost[(i, j, -1)][0]) for j in range(n)] for i in range(m)])
        best_lo = relax if best_lo is None else min(best_lo, relax)
        notes.append(f"more than {MAX_PATTERNS} orientation patterns (or more than {MAX_SUBSET_KINKS} kinks): lower "
                     "bound from the pattern-free relaxation")
    if best is None:
        if exact:
            return TildeFibre(None, None, True, patterns=0,
                              notes=["no orientation of the kinks' carriers gives g's left slope"
                                     + (" and e = 0" if e_zero else "")])
        return TildeFibre(best_lo, None, False, exact=False, notes=notes)
    if best_lo > best_up:
        raise SoundnessError(f"Ñ-fibre: lower {best_lo} > upper {best_up}")
    return TildeFibre(best_lo, best_up, False, best[0], best[1], count, exact, notes)


def carriers_network(carriers, e, bal: str = "a") -> tuple[list, fmpq]:
    """Φ's neurons (entries fmpq or arb) from the carriers [(t, J, σ)] and e."""
    return [_carrier(t, J, s, _scales(t, J, bal)) for t, J, s in carriers], e


def surrogate(carriers, e) -> Network:
    """A rational network with R = R(Φ) on every real x: neuron (σ, −σt, J) per carrier (a = ±1, jump J)."""
    return _build1([(fmpq(s), -s * t, J) for t, J, s in carriers], e)


def carriers_distance(net: Network, carriers, e, bal: str = "a") -> tuple[fmpq, fmpq]:
    """Rational [lo, hi] ∋ ‖Φ − Γ‖_∞ for Φ given by its carriers, straight from the entries (Arb)."""
    G, eG = neuron_terms(net)
    neurons, _ = carriers_network(carriers, e, bal)
    lo = hi = abs(e - eG)
    for n, phi in zip(G, neurons):
        l, h = _pair_cost(n, phi)
        lo, hi = max(lo, l), max(hi, h)
    return lo, hi


def carriers_in_set(carriers, e, D, e_zero=False) -> bool:
    """Φ ∈ Ñ from the carrier data (`Fraction`, independent of the enumeration): every kink strictly inside
    (−D, D), kinks pairwise distinct, jumps ≠ 0 (then a = ±α ≠ 0, c ≠ 0, balanced by construction), and
    e = 0 under e-zero."""
    Dq = Fraction(int(D.p), int(D.q))
    ts = [Fraction(int(t.p), int(t.q)) for t, _, _ in carriers]
    return (all(-Dq < t < Dq for t in ts) and len(set(ts)) == len(ts) and all(J != 0 for _, J, _ in carriers)
            and all(s in (1, -1) for _, _, s in carriers) and (not e_zero or e == 0))


def tilde_brute(net: Network, target: Network, D=1, bal: str = "a", e_zero: bool = False) -> TildeFibre | None:
    """The independent path: every bijection neurons → kinks (kinks recounted from g's neurons in
    `Fraction`) and every σ ∈ {±1}^m, realization by direct evaluation of the surrogate, distance from the
    entries.  ``None`` past `BRUTE_MAX_WIDTH`."""
    from .independent import _direct_kinks, _fr

    D = _setup(net, target, D)
    G, _ = neuron_terms(net)
    m = len(G)
    if m > BRUTE_MAX_WIDTH:
        return None
    Dq = _fr(D)
    kinks = sorted(_direct_kinks(target, Dq))
    if len(kinks) != m:
        return TildeFibre(None, None, True, notes=["kink count differs from m (direct count)"])
    kq = [(fmpq(t.numerator, t.denominator), fmpq(J.numerator, J.denominator)) for t, J in kinks]
    th = [_fr(x) for x in target.theta]
    H = target.H
    gmD = th[-1] + sum((th[2 * H + i] * max(th[i] * -Dq + th[H + i], Fraction(0)) for i in range(H)), Fraction(0))
    lo_all = up_all = None
    best = None
    for sig in itertools.product((1, -1), repeat=m):
        # e from the value at −D: carriers with σ = −1 contribute J(t + D) there
        e = gmD - sum((J * (t + Dq) for (t, J), s in zip(kinks, sig) if s == -1), Fraction(0))
        e = fmpq(e.numerator, e.denominator)
        if e_zero and e != 0:
            continue
        base = [(t, J, s) for (t, J), s in zip(kq, sig)]
        if direct_sobolev(surrogate(base, e), target, D) != 0:
            continue
        if m > 6:
            lo, up, perm = _threshold_assignment(net, base, e, bal)
            cars = [base[perm[i]] for i in range(m)]
            if lo_all is None or lo < lo_all:
                lo_all = lo
            if up_all is None or up < up_all:
                up_all, best = up, (cars, e)
            continue
        for perm in itertools.permutations(range(m)):
            cars = [base[perm[i]] for i in range(m)]
            lo, up = carriers_distance(net, cars, e, bal)
            if lo_all is None or lo < lo_all:
                lo_all = lo
            if up_all is None or up < up_all:
                up_all, best = up, (cars, e)
    if best is None:
        return TildeFibre(None, None, True, notes=["no candidate realizes g (direct evaluation)"])
    return TildeFibre(lo_all, up_all, False, best[0], best[1], 0, True)


def _threshold_assignment(net, base, e, bal):
    """min over bijections π of max(|e − e_Γ|, max_i cost(Γ_i, carrier π(i))), enclosed: the smallest threshold on
    the lower (upper) endpoints that admits a perfect matching, by plain augmenting paths written here (not the
    engine's `bottleneck`).  Returns (lower, upper, π of the upper)."""
    G, eG = neuron_terms(net)
    m = len(G)
    neurons, _ = carriers_network(base, e, bal)
    cost = [[_pair_cost(G[i], neurons[j]) for j in range(m)] for i in range(m)]
    de = abs(e - eG)

    def perfect(k, thr):
        owner = [-1] * m

        def aug(i, seen):
            for j in range(m):
                if cost[i][j][k] <= thr and not seen[j]:
                    seen[j] = True
                    if owner[j] < 0 or aug(owner[j], seen):
                        owner[j] = i
                        return True
            return False
        for i in range(m):
            if not aug(i, [False] * m):
                return None
        perm = [0] * m
        for j, i in enumerate(owner):
            perm[i] = j
        return perm

    out = []
    for k in (0, 1):
        for thr in sorted({cost[i][j][k] for i in range(m) for j in range(m)}):
            perm = perfect(k, thr)
            if perm is not None:
                out.append((max(de, thr), perm))
                break
    return out[0][0], out[1][0], out[1][1]


def kappa_bounds(lo: fmpq | None, up: fmpq | None, norm: fmpq) -> tuple[fmpq | None, fmpq | None]:
    """Rational [κ_lower, κ_upper] ∋ dist/‖·‖^{1/2} from rational lo ≤ dist ≤ up and ‖·‖ = norm > 0
    (exact when ‖·‖ is a rational square and lo = up; else the outward endpoints of Arb balls)."""
    r = exact_sqrt(norm)
    out = []
    for x, k in ((lo, 0), (up, 1)):
        if x is None:
            out.append(None)
        elif r is not None:
            out.append(x / r)
        else:
            with precision(_PREC):
                bb = ball_bounds(arb(x) / arb(norm).sqrt())
            out.append(_outward(max(bb[0], _ZERO), k == 1))
    return out[0], out[1]


def _outward(x: fmpq, up: bool, den: int = 10 ** 15) -> fmpq:
    """x rounded to a multiple of 1/den, down (or up): a shorter rational on the safe side."""
    if x.q <= den:
        return x
    y = x * den
    return fmpq(-int((-y).floor()) if up else int(y.floor()), den)

