"""Fibre distance in 1-D (beg19 claim 13), the certified lower bound: `fibre_lower` (the
relaxation F(v) below, decided by an exhaustive role search under a work budget) and `fibre_bounds`
(`fibre_lower` ≤ dist(Γ, R⁻¹(g)) ≤ `fibre_upper`, with the witness and notes).

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

from flint import fmpq

from ...errors import InputError, SoundnessError
from ...nets import Network
from ...realization import neuron_terms, same_realization
from .common import _ONE, _ZERO
from .distances import _match, _minimax
from .restricted import restricted_violations
from .upper import FibreBounds, _fibre_upper, _setup, _Target, fibre_upper


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
