"""ejrw22 claims 13, 14 -- the sublevel-trap certificate: a bounded forward-invariant piece of {ℒ ≤ ℒ*}
read off the geometry of the risk on the circle of kink directions, without following the flow
(proofs_notes/ejrw22.md#sublevel-trap).  [DERIVED]

Setting: H = 1, d = 1, a piecewise-polynomial target f and density p on [A, B].  Write the neuron's
direction û = u/|u| (normalized flow on M_A: û = u; standard flow: û = u/ρ, ρ = |u| > 0) and
ṽ = |u|·v, so that 𝒩 = c + ṽ·ReLU(ŵx + b̂) (positive homogeneity).  The direction is a point of the
circle; with ŵ ≠ 0 it is fixed by the side s = sign ŵ and the kink x_0 = −b̂/ŵ:
s = +1: active on (x_0, B];  s = −1: active on [A, x_0).

* **walls.**  For a direction ê (side s, kink x_e) the least risk over the other coordinates is
  P(x_e) = min_{ṽ, c} ‖c + ṽσ_e − f‖²_p, σ_e = (x − x_e)₊ resp. (x_e − x)₊, a 2×2 least-squares problem
  computed exactly in fmpq (x_e ∈ [A, B] rational; x_e = A, s = +1 gives the affine fit ℒ_aff, x_e = B
  the constant fit ℒ_const).
* **arc.**  U = {side s, x_0 ∈ (x_l, x_r)}, A ≤ x_l < x_r ≤ B, walls with P(x_l) > ℒ* and P(x_r) > ℒ*.
  The direction t ↦ û(t) of a solution is continuous on the circle; leaving U it passes through a
  wall direction (the other side s' is reached only through ŵ = 0, i.e. through kinks beyond x_l or
  x_r), where ℒ ≥ P(wall) > ℒ*.  ℒ is non-increasing along every solution considered (below), so a
  solution with û(T) ∈ U and ℒ(Θ_T) ≤ ℒ* keeps û(t) ∈ U for all t ≥ T.
* **pieces.**  [x_l, x_r] is cut into pieces [k_0, k_1]; for every kink x_0 in a piece the set
  J_i = [A, k_0] (s = +1; [k_1, B] for s = −1) is inactive and J_a = [k_1, B] ([A, k_0]) is active, so
  𝒩 = c on J_i and 𝒩 is affine on J_a.  Hence (exact lower bound)
      ℒ ≥ ℒ_const(J_i) + ℒ_aff(J_a)
  and a piece with this bound > ℒ* holds no point of the sublevel set ("excluded").  Otherwise, with
  ‖𝒩‖_p ≤ ‖f‖_p + √ℒ* =: R (ℒ ≤ ℒ*), ‖𝒩‖² ≥ c²·m_0(J_i) + λ_a·(σ² + τ²) where 𝒩 = σx + τ on J_a,
  σ = ṽŵ, λ_a ≤ λ_min of the affine Gram matrix of J_a (det / trace), so
      c² ≤ R²/m_0(J_i),   ṽ² = σ²/ŵ² ≤ R²(1 + K²)/λ_a,  K = max(|k_0|, |k_1|)   ("bounded").
* **every solution.**  Normalized flow: M_A ⊂ 𝓡, the solution is unique and ℒ' = −|P𝒢|² ≤ 0.
  Standard flow: κ = |u|² − v² is conserved by every solution (claim 6), and ℒ' = −|𝒢|² while
  u ≠ 0; u = 0 is never reached when κ > 0 (|u|² = κ + v² ≥ κ), nor when ℒ* < ℒ_const (u = 0 gives
  𝒩 ≡ c, ℒ ≥ ℒ_const); the certificate requires one of the two.  Bounds: normalized
  |w|, |b| ≤ 1, |v| = |ṽ|; standard ṽ² = v²(κ + v²) gives v² ≤ (−κ + √(κ² + 4ṽ²))/2 and |u|² = κ + v².

Floats (one `FlowSystem.simulate` run) only suggest the wall positions; every decision is exact.
The independent re-check (`recheck_trap`) recomputes the moments, walls, pieces and ℒ(θ_0) in
Python fractions with its own quadrature code.
"""

from __future__ import annotations

import math
from fractions import Fraction as Fr

from flint import fmpq

from ...numbers import ball_bounds, parse_rational, to_json

KIND = "sublevel-trap"


# --------------------------------------------------------------------------------------------
# exact moments on a sub-interval (fmpq, the flow engine's pieces)


def _pmul(p, q):
    out = [fmpq(0)] * (len(p) + len(q) - 1) if p and q else []
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += fmpq(a) * fmpq(b)
    return out


def _pint(p, lo, hi):
    s = fmpq(0)
    for k, a in enumerate(p):
        s += fmpq(a) * (hi ** (k + 1) - lo ** (k + 1)) / (k + 1)
    return s


def moments(system, lo, hi) -> tuple:
    """(m0, m1, m2, n0, n1, F2) = (∫x^k p, ∫x^k f p, ∫f²p) over [lo, hi] ∩ [A, B], exactly."""
    m = [fmpq(0)] * 3
    n = [fmpq(0)] * 2
    F2 = fmpq(0)
    for a, b, fco, pco in system.base:
        l_, h_ = max(a, lo), min(b, hi)
        if not l_ < h_:
            continue
        fco, pco = [fmpq(x) for x in fco], [fmpq(x) for x in pco]
        fp = _pmul(fco, pco)
        for k in range(3):
            m[k] += _pint([fmpq(0)] * k + pco, l_, h_)
        for k in range(2):
            n[k] += _pint([fmpq(0)] * k + fp, l_, h_)
        F2 += _pint(_pmul(fco, fp), l_, h_)
    return (m[0], m[1], m[2], n[0], n[1], F2)


def l_const(mo):
    m0, _, _, n0, _, F2 = mo
    return F2 - n0 * n0 / m0 if m0 > 0 else 0 * F2


def l_aff(mo):
    m0, m1, m2, n0, n1, F2 = mo
    det = m0 * m2 - m1 * m1
    if det > 0:
        return F2 - (m0 * n1 * n1 - 2 * m1 * n0 * n1 + m2 * n0 * n0) / det
    return l_const(mo)


def lam_lo(mo):
    """A lower bound of λ_min([[m2, m1], [m1, m0]]): det / trace (0 when singular)."""
    m0, m1, m2 = mo[0], mo[1], mo[2]
    det = m0 * m2 - m1 * m1
    return det / (m0 + m2) if det > 0 else 0 * det


def l_proj(mo_act, mo_all, x_e, side):
    """min_{ṽ, c} ‖c + ṽσ − f‖²_p with σ = (x − x_e)₊ (side +1) / (x_e − x)₊ (side −1); ``mo_act`` the
    moments over the active interval, ``mo_all`` over [A, B] (exact, any arithmetic)."""
    m0, m1, m2, n0, n1, _ = mo_act
    M0, _, _, N0, _, F2 = mo_all
    if side > 0:
        g11, g12, h1 = m2 - 2 * x_e * m1 + x_e * x_e * m0, m1 - x_e * m0, n1 - x_e * n0
    else:
        g11, g12, h1 = x_e * x_e * m0 - 2 * x_e * m1 + m2, x_e * m0 - m1, x_e * n0 - n1
    det = g11 * M0 - g12 * g12
    if det > 0:
        return F2 - (M0 * h1 * h1 - 2 * g12 * h1 * N0 + g11 * N0 * N0) / det
    return F2 - N0 * N0 / M0 if M0 > 0 else F2


def _sqrt_up(q) -> fmpq:
    q = fmpq(q)
    if q <= 0:
        return fmpq(0)
    n = int(math.isqrt(int(q.p) * int(q.q))) + 1
    return fmpq(n, int(q.q))


class _Geometry:
    """The exact quantities of one (system, side): walls and pieces (fmpq)."""

    def __init__(self, system, side):
        self.s, self.side = system, side
        self.A, self.B = system.A, system.B
        self.all = moments(system, self.A, self.B)

    def act(self, x):  # the active interval of kink x
        return (x, self.B) if self.side > 0 else (self.A, x)

    def wall(self, x):
        lo, hi = self.act(x)
        return l_proj(moments(self.s, lo, hi), self.all, x, self.side)

    def piece(self, k0, k1, level, R2):
        """("excluded", LB) or ("bounded", c² bound, ṽ² bound) or None."""
        if self.side > 0:
            Ji, Ja = (self.A, k0), (k1, self.B)
        else:
            Ji, Ja = (k1, self.B), (self.A, k0)
        mi, ma = moments(self.s, *Ji), moments(self.s, *Ja)
        LB = l_const(mi) + l_aff(ma)
        if LB > level:
            return ("excluded", LB)
        lam = lam_lo(ma)
        if mi[0] > 0 and lam > 0:
            K = max(abs(k0), abs(k1))
            return ("bounded", R2 / mi[0], R2 * (1 + K * K) / lam)
        return None


def radius2(F2, level):
    """A rational R² ≥ (√F2 + √ℒ*)² = F2 + ℒ* + 2√(F2ℒ*)."""
    return F2 + level + 2 * _sqrt_up(F2 * level)


def cover(geo: _Geometry, xl, xr, level, *, max_pieces=4000, max_depth=40):
    """Pieces covering [xl, xr] (bisection); None if some piece stays undecided."""
    R2 = radius2(geo.all[5], level)
    out, stack = [], [(xl, xr, 0)]
    while stack:
        k0, k1, d = stack.pop()
        got = geo.piece(k0, k1, level, R2)
        if got is not None:
            out.append((k0, k1, got))
            if len(out) > max_pieces:
                return None
            continue
        if d >= max_depth:
            return None
        mid = (k0 + k1) / 2
        stack.append((mid, k1, d + 1))
        stack.append((k0, mid, d + 1))
    return out


def kink_range(Y):
    """(side, lo, hi) of x_0 = −b/w over the box Y = [(w0, w1), (b0, b1), ...] when the sign of w is
    certified; else None."""
    (w0, w1), (b0, b1) = Y[0], Y[1]
    if w0 > 0:
        side = 1
    elif w1 < 0:
        side = -1
    else:
        return None
    xs = [-b / w for b in (b0, b1) for w in (w0, w1)]
    return side, min(xs), max(xs)


def _bounds(flow, kappa, c2, v2):
    """sup-norm bound (rational) from c² ≤ c2, ṽ² ≤ v2."""
    if flow == "normalized":
        return max(fmpq(1), _sqrt_up(c2), _sqrt_up(v2))
    vv = (-kappa + _sqrt_up(kappa * kappa + 4 * v2)) / 2  # ≥ v²
    vv = max(vv, fmpq(0))
    return max(_sqrt_up(c2), _sqrt_up(vv), _sqrt_up(max(kappa + vv, fmpq(0))))


def _wall_candidates(xT, A, B):
    out = {A, B}
    for j in range(1, 9):
        d = fmpq(1, 2 ** j)
        out.add(xT - (xT - A) * d)
        out.add(xT + (B - xT) * d)
    return out


def trap(system, flow, level, Y, kappa=None, *, seconds=2.0):
    """Try the sublevel-trap certificate for a solution with Θ_T ∈ Y (rational box) and ℒ(Θ_T) ≤ level.
    Returns (data, bound) or (None, why)."""
    import time

    t0 = time.perf_counter()
    if system.H != 1:
        return None, "the sublevel trap is implemented for H = 1"
    kr = kink_range(Y)
    if kr is None:
        return None, "the sign of w is not certified"
    side, xlo, xhi = kr
    A, B = system.A, system.B
    if not (A < xlo and xhi < B):
        return None, "the kink is not certified inside (A, B)"
    if flow == "standard":
        Lc = l_const(moments(system, A, B))
        if not (kappa > 0 or level < Lc):
            return None, "standard flow: κ ≤ 0 and ℒ* ≥ ℒ_const (the singular set u = 0 may be reached)"
    geo = _Geometry(system, side)
    left = sorted((x for x in _wall_candidates(xlo, A, B) if A <= x < xlo), reverse=True)
    right = sorted(x for x in _wall_candidates(xhi, A, B) if xhi < x <= B)
    wl = next(((x, P) for x in left for P in [geo.wall(x)] if P > level), None)
    if wl is None:
        return None, "no wall left of the kink has min ℒ > ℒ*"
    wr = next(((x, P) for x in right for P in [geo.wall(x)] if P > level), None)
    if wr is None:
        return None, "no wall right of the kink has min ℒ > ℒ*"
    if time.perf_counter() - t0 > seconds:
        return None, "time budget used up"
    pieces = cover(geo, wl[0], wr[0], level)
    if pieces is None:
        return None, "a piece of the arc is neither excluded nor bounded"
    c2 = max((p[2][1] for p in pieces if p[2][0] == "bounded"), default=fmpq(0))
    v2 = max((p[2][2] for p in pieces if p[2][0] == "bounded"), default=fmpq(0))
    bound = _bounds(flow, kappa, c2, v2)
    data = {"claim_certificate": KIND, "flow": flow, "side": side, "level": to_json(level),
            "Y_T_w_b": [[to_json(a), to_json(b)] for a, b in Y[:2]],
            "kink_range": [to_json(xlo), to_json(xhi)],
            "walls": [{"kink": to_json(wl[0]), "min_risk": to_json(wl[1])},
                      {"kink": to_json(wr[0]), "min_risk": to_json(wr[1])}],
            "pieces": [[to_json(k0), to_json(k1), g[0], *[to_json(x) for x in g[1:]]] for k0, k1, g in pieces],
            "kappa": None if kappa is None else to_json(kappa),
            "c2_bound": to_json(c2), "vt2_bound": to_json(v2), "sup_norm_bound_after_T": to_json(bound),
            "size": len(pieces)}
    return data, bound


# --------------------------------------------------------------------------------------------
# independent re-check in Python fractions


def _F(x) -> Fr:
    if isinstance(x, Fr):
        return x
    x = fmpq(x)
    return Fr(int(x.p), int(x.q))


def frac_moments(system, lo, hi) -> tuple:
    """The moments of `moments` by another quadrature code (Python fractions, expanded products)."""
    lo, hi = _F(lo), _F(hi)
    m, n, F2 = [Fr(0)] * 3, [Fr(0)] * 2, Fr(0)
    for a, b, fco, pco in system.base:
        l_, h_ = max(_F(a), lo), min(_F(b), hi)
        if not l_ < h_:
            continue
        f = [_F(c) for c in fco]
        p = [_F(c) for c in pco]

        def integ(terms):  # terms: {power: coefficient}
            return sum((c * (h_ ** (k + 1) - l_ ** (k + 1)) / (k + 1) for k, c in terms.items()), Fr(0))
        P = {}
        for i, a_ in enumerate(p):
            P[i] = P.get(i, Fr(0)) + a_
        FP, FFP = {}, {}
        for i, a_ in enumerate(f):
            for j, b_ in enumerate(p):
                FP[i + j] = FP.get(i + j, Fr(0)) + a_ * b_
        for i, a_ in enumerate(f):
            for k, b_ in FP.items():
                FFP[i + k] = FFP.get(i + k, Fr(0)) + a_ * b_
        for k in range(3):
            m[k] += integ({e + k: c for e, c in P.items()})
        for k in range(2):
            n[k] += integ({e + k: c for e, c in FP.items()})
        F2 += integ(FFP)
    return (m[0], m[1], m[2], n[0], n[1], F2)


def _risk_fractions(system, theta) -> Fr:
    """ℒ(θ) for H = 1 in Python fractions: ‖c + vσ − f‖² from the moments of the active interval."""
    w, b, v, c = (_F(t) for t in theta)
    A, B = _F(system.A), _F(system.B)
    allm = frac_moments(system, A, B)
    M0, _, _, N0, _, F2 = allm
    if w == 0:
        lo, hi = (A, B) if b > 0 else (A, A)
        act = frac_moments(system, lo, hi) if b > 0 else (Fr(0),) * 6
        m0, _, _, n0, _, _ = act
        # σ = b constant on [A, B] (b > 0) or 0
        g11, g12, h1 = b * b * m0, b * m0, b * n0
    else:
        x0 = -b / w
        lo, hi = (max(A, x0), B) if w > 0 else (A, min(B, x0))
        if lo < hi:
            m0, m1, m2, n0, n1, _ = frac_moments(system, lo, hi)
        else:
            m0 = m1 = m2 = n0 = n1 = Fr(0)
        # σ = w x + b on the active interval
        g11 = w * w * m2 + 2 * w * b * m1 + b * b * m0
        g12 = w * m1 + b * m0
        h1 = w * n1 + b * n0
    return v * v * g11 + 2 * v * c * g12 + c * c * M0 - 2 * v * h1 - 2 * c * N0 + F2


def recheck_trap(system, data, flow, level) -> tuple:
    """Re-derive a sublevel-trap certificate in Python fractions: walls, the tiling of [x_l, x_r] by
    the pieces, each piece's exclusion or bound, the kink range of Y_T inside the arc, the final bound."""
    q = lambda s: _F(parse_rational(s, "certificate"))  # noqa: E731
    A, B = _F(system.A), _F(system.B)
    L = _F(level)
    if q(data["level"]) < L:
        return False, "the level is below ℒ(Θ_T)'s bound"
    L = q(data["level"])
    side = data["side"]
    if side not in (1, -1):
        return False, "bad side"
    allm = frac_moments(system, A, B)
    Y = [(q(a), q(b)) for a, b in data["Y_T_w_b"]]
    (w0, w1), (b0, b1) = Y
    if not ((side > 0 and w0 > 0) or (side < 0 and w1 < 0)):
        return False, "the sign of w differs from the side"
    xs = [-b / w for b in (b0, b1) for w in (w0, w1)]
    xlo, xhi = min(xs), max(xs)
    (xl, Pl), (xr, Pr) = [(q(wa["kink"]), q(wa["min_risk"])) for wa in data["walls"]]
    if not (A <= xl < xlo and xhi < xr <= B):
        return False, "the kink range of Y_T is not inside the arc between the walls"
    for x, P in ((xl, Pl), (xr, Pr)):
        lo, hi = (x, B) if side > 0 else (A, x)
        Pq = l_proj(frac_moments(system, lo, hi), allm, x, side)
        if Pq != P or not Pq > L:
            return False, f"wall at {x}: min risk {Pq} is not > the level"
    if flow == "standard":
        kap = q(data["kappa"])
        if not (kap > 0 or L < l_const(allm)):
            return False, "standard flow: neither κ > 0 nor ℒ* < ℒ_const"
    F2 = allm[5]
    R2 = _F(radius2(fmpq(F2.numerator, F2.denominator), fmpq(L.numerator, L.denominator)))
    # R² ≥ (√F2 + √ℒ*)² ⇔ R² ≥ F2 + ℒ* and (R² − F2 − ℒ*)² ≥ 4F2ℒ*
    if R2 < F2 + L or (R2 - F2 - L) ** 2 < 4 * F2 * L:
        return False, "R² too small"
    pos, c2, v2 = xl, Fr(0), Fr(0)
    for pc in data["pieces"]:
        k0, k1 = q(pc[0]), q(pc[1])
        if k0 != pos or not k0 < k1:
            return False, "the pieces do not tile [x_l, x_r]"
        pos = k1
        Ji, Ja = ((A, k0), (k1, B)) if side > 0 else ((k1, B), (A, k0))
        mi, ma = frac_moments(system, *Ji), frac_moments(system, *Ja)
        if pc[2] == "excluded":
            if not l_const(mi) + l_aff(ma) > L:
                return False, f"piece [{k0}, {k1}] is not excluded"
        elif pc[2] == "bounded":
            lam = lam_lo(ma)
            if not (mi[0] > 0 and lam > 0):
                return False, f"piece [{k0}, {k1}] is degenerate"
            K = max(abs(k0), abs(k1))
            c2 = max(c2, R2 / mi[0])
            v2 = max(v2, R2 * (1 + K * K) / lam)
        else:
            return False, "unknown piece kind"
    if pos != xr:
        return False, "the pieces do not reach x_r"
    if c2 > q(data["c2_bound"]) or v2 > q(data["vt2_bound"]):
        return False, "the bounds of c² or ṽ² are too small"
    kap = None if data.get("kappa") is None else q(data["kappa"])
    cb, vb = q(data["c2_bound"]), q(data["vt2_bound"])
    S = q(data["sup_norm_bound_after_T"])
    if flow == "normalized":
        ok = S >= 1 and S * S >= cb and S * S >= vb
    else:
        # v² ≤ V* (the root of V(κ + V) = ṽ²-bound, V ≥ 0) and |u|² = κ + v²: S² ≥ c², S² ≥ V*, S² ≥ κ + V*
        S2 = S * S
        ok = S2 >= cb and kap + S2 >= 0 and S2 * (kap + S2) >= vb and (kap <= 0 or _kap_ok(kap, vb, S))
    if not ok:
        return False, "the sup-norm bound does not follow from the c² and ṽ² bounds"
    return True, ""


def _kap_ok(kap, vb, S) -> bool:
    """Standard flow, κ > 0: |u|² = κ + v² ≤ S² where v² is the root of V(κ + V) = ṽ²-bound."""
    # v² ≤ V* with V*(κ + V*) = vb; need κ + V* ≤ S², i.e. with V = S² − κ ≥ 0: V(κ + V) ≥ vb
    V = S * S - kap
    return V >= 0 and V * (kap + V) >= vb


# --------------------------------------------------------------------------------------------
# the claim-side wrapper: from θ_0 or from a point (T, Y_T) of a certified enclosure


def sublevel_trap(ev, net, flow: str, *, seconds: float = 2.0, prec: int = 128, points=None):
    """(data, bound, summary) or (None, None, why): the sublevel-trap certificate from θ_0 (exact level
    ℒ(θ_0)) or from the given enclosure points (T, Y_T balls, sup of the enclosure on [0, T]); every
    certificate is re-checked in Python fractions (`recheck_trap`) before it is returned."""
    import time

    from flint import arb

    from ...flows import FlowSystem

    if net.H != 1:
        return None, None, "the sublevel trap is implemented for H = 1"
    t0 = time.perf_counter()
    system = FlowSystem(ev.inst.target, ev.inst.measure, 1)
    th0 = list(net.theta)
    L0, _ = system.risk_gradient_exact(th0)
    kappa = th0[0] ** 2 + th0[1] ** 2 - th0[2] ** 2 if flow == "standard" else None
    cands = list(points) if points is not None else [(fmpq(0), [arb(q) for q in th0], None)]
    why = "no attempt"
    for T, Yb, enc_sup in cands:
        if time.perf_counter() - t0 > seconds:
            return None, None, "time budget used up"
        if T == 0:
            level, Y = L0, [(q, q) for q in th0]
        else:
            from .recheck import _risk_upper

            Y = [ball_bounds(y) for y in Yb]
            if any(y is None for y in Y):
                why = "Y_T not finite"
                continue
            try:
                up = _risk_upper(system, Y)
            except ValueError:
                why = "ℒ(Y_T) not finite"
                continue
            # normalized: ℒ(Θ_T) ≤ ℒ(θ_0) (energy identity, unique solution on M_A)
            level = min(up, L0) if flow == "normalized" else up
        data, got = trap(system, flow, level, Y, kappa, seconds=max(0.05, seconds - (time.perf_counter() - t0)))
        if data is None:
            why = f"Θ_{to_json(T)}: {got}"
            continue
        bound = got
        if T == 0:
            bound = max(bound, max(abs(q) for q in th0))
        elif enc_sup is not None:
            bound = max(bound, enc_sup)
        data.update({"theta0": [to_json(q) for q in th0], "T": to_json(T),
                     "Y_T": [[to_json(a), to_json(b_)] for a, b_ in Y],
                     "enclosure_sup_upper": None if enc_sup is None else to_json(enc_sup),
                     "sup_norm_bound": to_json(bound)})
        ok, bad = recheck_trap(system, data, flow, level)
        if not ok:
            why = f"the independent re-check failed: {bad}"
            continue
        data["recheck"] = "walls, pieces, level and bounds recomputed in Python fractions (another quadrature code)"
        side = "w > 0" if data["side"] > 0 else "w < 0"
        return data, bound, (f"sublevel-trap certificate from Θ_{to_json(T)}: {{ℒ ≤ {float(level):.6g}}} on the arc "
                             f"{side}, kink ∈ ({data['walls'][0]['kink']}, {data['walls'][1]['kink']}) (walls with "
                             f"min ℒ > ℒ*), {data['size']} pieces, |c|, |ṽ| bounded")
    return None, None, why
