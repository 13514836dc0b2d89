"""Fibre distance in 1-D (beg19 claim 13), the shared set-up and the upper bound:
dist(Γ, g) = inf{‖Φ − Γ‖_∞ : Φ of width m, R(Φ) = g on Ω = [−D, D]}.

* `FibreBounds` -- lower ≤ dist(Γ, R⁻¹(g)) ≤ upper with the witness Φ and notes;
* `_setup` / `_Target` -- the checks (d = 1, m ≤ `MAX_WIDTH`) and g's canonical form: kinks (t_j, J_j) and
  the affine part A(x) = α₀ + β₀x = g(x) − Σ_j J_j (x − t_j)_+;
* `fibre_upper` -- an explicit Φ with R(Φ) = g checked exactly and ‖Φ − Γ‖_∞ computed exactly: the
  target's own parameters permuted and rescaled, or the inverse map of claim 15 (kink carriers with
  minimax scales, neutralized spares, a slope repair with one spare neuron -- the P4 construction).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field

from flint import arb, fmpq

from ...errors import InputError, SoundnessError
from ...nets import Network
from ...numbers import exact_sqrt, precision
from ...realization import Canonical, canonical, canonical_from_terms, neuron_terms, same_realization
from .common import _ONE, _ZERO, _build1, _check_1d, _domain
from .distances import _best_scale, _rationalize, bottleneck, param_distance

MAX_WIDTH = 64                 # documented scope of the 1-D fibre engine: m ≤ 64 (InputError past it)


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
