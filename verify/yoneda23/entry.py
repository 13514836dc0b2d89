"""Certified GD before the regime of 3.8: the mean-value form with an exact Hessian (yoneda23, [DERIVED]).

The general ball engine (`d0.gd_ball` outside the regime) evaluates X' = X − η∇L(X) on the box, and
its width grows geometrically (the interval extension of ∇L over a box loses the correlation of w
and c): for N = 3 from the default θ^0 it blows up near t = 500, long before the trajectory reaches
the regime (t ≈ 1500).  This module steps the same GD with the blocked mean-value form
(as `d0.gd` does inside the regime) on the population loss of d = 1, head 'wc' (α = 1, β = 0 frozen),
full or cells batches.

**The Hessian.**  With u = w r + c, f = clip(u), y = 1{r ≤ τ} (τ = 1/4) and the law of r = r_N(x):
∫_{−1}^{1} g(r_N(x)) dx = ∫ g(r) ρ(r) dr, ρ = 2·2^N/(2k + 1) on [k²/4^N, (k + 1)²/4^N] (φ_N is
linear with slope (2k + 1)/2^N on the k-th cell), so L = ω ∫ (clip(w r + c) − y(r))² ρ(r) dr.
For a = −w > 0 the open ramp {0 < u < 1} is (e_0, e_1), e_0 = (c − 1)/a, e_1 = c/a, ∇L is Lipschitz
and, by Leibniz's rule (the integrand 2ω(clip(u) − y)1{0 < u < 1}(r, 1)ρ takes the values −y(e_1) and
1 − y(e_0) at the ends), wherever it exists

    ∇²L = 2ω(∫_{e_0}^{e_1} v vᵀρ dr − y(e_1)ρ(e_1) v(e_1)∇e_1ᵀ − (1 − y(e_0))ρ(e_0) v(e_0)∇e_0ᵀ),

v = (r, 1), with Φ_j(e) = ∫_0^{min(max(e, 0), 1)} r^j ρ(r) dr (a continuous piecewise polynomial,
evaluated on a ball e piece by piece) for the integral and y, ρ at the ends as hulls over the end balls:
the interval matrix contains Clarke's generalized Hessian over the box.  Where the ramp straddles τ
(0 < λ < 1) the boundary terms vanish.

**The step** (blocked mean-value form, as in `d0.gd`): X_k ⊂ p_k + P_k (X_0 − m_0), with
p_{k+1} = G(q_k) + J_k(p_k − q_k) (q_k the exact midpoint of p_k, G(q_k) = q_k − η∇L(q_k) from the law
formula `grad_loss` at the point q_k, checked against the exact piece engine in the tests),
P_{k+1} = J_k P_k, J_k ⊃ I − η∇²L(X_k).  Both are valid because G(x) − G(y) ∈ co ∂G([x, y])(x − y) on the
convex box X_k (Clarke's mean-value theorem for the Lipschitz map G).  Every ``block`` steps the form
restarts from the box.  Cells batches use the law of each cell (`laws`).
"""

from __future__ import annotations

import bisect

from flint import arb, fmpq

from . import d0 as D
from ..numbers import Undecided, ball_bounds, precision


def applies(cfg: D.D0) -> bool:
    """d = 1, N ≥ 1, head 'wc' with α, β frozen, constant η, the default target, and a full batch or
    cells aligned with the 2^{−N} grid (m − 1 ≤ N)."""
    return (cfg.d == 1 and cfg.N >= 1 and cfg.feature == "yarotsky" and cfg.head == "wc" and not cfg.train_outer
            and (cfg.batch.kind == "full" or (cfg.batch.kind == "cells" and cfg.batch.m - 1 <= cfg.N))
            and cfg.eta_decay == 0 and cfg.centre == (fmpq(0),) and cfg.radius == D.HALF)


def laws(cfg: D.D0) -> list:
    """The law of each step of a batch cycle (one for the full batch, one per cell)."""
    return [_Law(cfg.N, *cfg.interval(j)) for j in range(cfg.n_cells)]


class _Law:
    """Φ_j(e) = ∫_0^e r^j ρ(r) dr for the law of r_N under dx on [lo, hi] ⊂ [−1, 1], j = 0, 1, 2;
    [lo, hi] a union of 2^{−N}-grid cells: ρ = n_k 2^N/(2k + 1) on [k²/4^N, (k + 1)²/4^N], n_k ∈ {0, 1, 2}
    the number of the two x-cells ±[k/2^N, (k + 1)/2^N] inside [lo, hi]."""

    def __init__(self, N: int, lo: fmpq = fmpq(-1), hi: fmpq = fmpq(1)):
        h = 2 ** N
        self.br = [fmpq(k * k, h * h) for k in range(h + 1)]
        self.rho = []
        for k in range(h):
            n = 0
            for p, q in ((fmpq(k, h), fmpq(k + 1, h)), (-fmpq(k + 1, h), -fmpq(k, h))):
                if lo <= p and q <= hi:
                    n += 1
                elif q > lo and p < hi:
                    raise ValueError("the interval cuts a grid cell")
            self.rho.append(fmpq(n * h, 2 * k + 1))
        self.cum = [[fmpq(0)] for _ in range(3)]
        for k in range(h):
            for j in range(3):
                self.cum[j].append(self.cum[j][-1] + self.rho[k] * (self.br[k + 1] ** (j + 1) - self.br[k] ** (j + 1)) / (j + 1))

    def rho_range(self, e: arb) -> arb:
        """The hull of ρ over the ball e (0 outside [0, 1])."""
        lo, hi = ball_bounds(e)
        out = arb(0) if (lo < 0 or hi > 1) else None
        for k in range(len(self.rho)):
            if hi < self.br[k] or lo > self.br[k + 1]:
                continue
            out = arb(self.rho[k]) if out is None else out.union(arb(self.rho[k]))
        return out

    def Phi(self, e: arb) -> tuple:
        """(Φ_0, Φ_1, Φ_2) enclosures over the ball e.  The breakpoints k²/4^N are dyadic and the
        ball's ends are exact points, so every comparison below is exact."""
        if not hasattr(self, "_abr"):
            self._abr = [arb(v) for v in self.br]
            self._acum = [[arb(v) for v in c] for c in self.cum]
            self._arho = [arb(v) for v in self.rho]
        if not e.is_finite():
            raise Undecided("a non-finite ramp end (a not certified positive)")
        lo, hi = e.lower(), e.upper()
        br = self._abr
        out = None
        n = len(self.rho)
        if lo < 0:
            out = [arb(0)] * 3
        if hi > 1:
            top = [self._acum[j][n] for j in range(3)]
            out = top if out is None else [o.union(v) for o, v in zip(out, top)]
        k0 = max(bisect.bisect_left(br, lo) - 1, 0)
        k1 = min(bisect.bisect_right(br, hi), n)
        for k in range(k0, k1):
            a, b = br[k], br[k + 1]
            if hi < a or lo > b:
                continue
            s = (lo if lo > a else a).union(hi if hi < b else b)
            rk = self._arho[k]
            v = [self._acum[j][k] + rk * (s ** (j + 1) - a ** (j + 1)) / (j + 1) for j in range(3)]
            out = v if out is None else [o.union(x) for o, x in zip(out, v)]
        return tuple(out)


def _hessian(law, cfg, w, c):
    """An enclosure of the (Clarke) Hessian ∇²L over the box (w, c), or None unless a = −w > 0:
    ∇²L = 2ω(ΔΦ[v vᵀ] − y(e_1)ρ(e_1) v(e_1) ∇e_1ᵀ − (1 − y(e_0))ρ(e_0) v(e_0) ∇e_0ᵀ), v = (r, 1),
    ∇e_1 = (c/w², −1/w), ∇e_0 = ((c − 1)/w², −1/w) (Leibniz; y and ρ as hulls over the end balls,
    which covers their jumps).  Returned as (H_ww, H_wc, H_cw, H_cc)."""
    a = -w
    if not a.lower() > 0:
        return None
    e0, e1 = (c - 1) / a, c / a
    P1, P0 = law.Phi(e1), law.Phi(e0)
    om = 2 * arb(cfg.weight(0))
    d2, d1, d0 = P1[2] - P0[2], P1[1] - P0[1], P1[0] - P0[0]
    tau = arb(cfg.tau)
    s1 = law.rho_range(e1) * _y_range(e1, tau)  # y(e_1)ρ(e_1)
    s0 = law.rho_range(e0) * (1 - _y_range(e0, tau))  # (1 − y(e_0))ρ(e_0)
    w2 = w * w
    g1 = (c / w2, -1 / w)
    g0 = ((c - 1) / w2, -1 / w)
    v1, v0 = (e1, arb(1)), (e0, arb(1))
    Hm = [[d2, d1], [d1, d0]]
    H = [[om * (Hm[i][j] - s1 * v1[i] * g1[j] - s0 * v0[i] * g0[j]) for j in range(2)] for i in range(2)]
    return H[0][0], H[0][1], H[1][0], H[1][1]


def _y_range(e: arb, tau: arb) -> arb:
    """The hull of y(r) = 1{r ≤ τ} over the ball e."""
    lo, hi = e.lower(), e.upper()
    if hi <= tau and not hi == tau:
        return arb(1)
    if lo > tau:
        return arb(0)
    return arb(0).union(arb(1))


def _parts(law, cfg, w, c):
    a = -w
    e0, e1 = (c - 1) / a, c / a
    tau = arb(cfg.tau)
    P1, P0 = law.Phi(e1), law.Phi(e0)
    if not hasattr(law, "_Yt"):
        law._Yt = law.Phi(tau)
    Y1, Y0 = law.Phi(_min_tau(e1, tau)), law.Phi(_min_tau(e0, tau))
    return P1, P0, Y1, Y0, law._Yt, arb(cfg.weight(0))


def _min_tau(e: arb, tau: arb) -> arb:
    """An enclosure of min(e, τ) over the ball e (exact comparisons of the ends with the dyadic τ)."""
    lo, hi = e.lower(), e.upper()
    if hi <= tau:
        return e
    if lo >= tau:
        return tau
    return lo.union(tau)


def grad_loss(law, cfg, w, c):
    """(L, ∂L/∂w, ∂L/∂c) over the box (w, c) with a = −w > 0, from the law of r_N:
    ∇L = 2ω ∫_{e_0}^{e_1} (w r + c − y)(r, 1) ρ dr (clip' = 1 on the open ramp, 0 off it) and
    L = ω(∫_{r < e_0}(1 − y)ρ + ∫_{e_0}^{e_1}(w r + c − y)²ρ + ∫_{r > e_1} y ρ), with
    Ψ_j(e) = ∫_0^e r^j y ρ dr = Φ_j(min(e, τ)) (y = 1{r ≤ τ})."""
    P1, P0, Y1, Y0, Yt, om = _parts(law, cfg, w, c)
    d = [p1 - p0 for p1, p0 in zip(P1, P0)]
    dy = [y1 - y0 for y1, y0 in zip(Y1, Y0)]
    Gw = 2 * om * (w * d[2] + c * d[1] - dy[1])
    Gc = 2 * om * (w * d[1] + c * d[0] - dy[0])
    L = om * ((P0[0] - Y0[0]) + w * w * d[2] + 2 * w * c * d[1] + c * c * d[0] - 2 * (w * dy[1] + c * dy[0]) + dy[0]
              + (Yt[0] - Y1[0]))
    return L, Gw, Gc


def _mid(x: arb) -> fmpq:
    m = x.mid().man_exp()
    return fmpq(int(m[0])) * fmpq(2) ** int(m[1]) if int(m[1]) >= 0 else fmpq(int(m[0]), 2 ** (-int(m[1])))


def gd_entry(cfg: D.D0, steps: int, prec: int = 128, block: int = 32, until_regime: bool = True):
    """Certified GD from the exact θ^0 by the mean-value form above: a list of (w, c) boxes for
    t = 0, 1, …, each containing the exact iterate θ^t; it stops at ``steps``, at the first t whose box
    is certified in the regime of 3.8 (``until_regime``), or where a > 0 is not certified."""
    lw = laws(cfg)
    M = len(lw)
    out = []
    with precision(prec):
        eta = arb(cfg.eta)
        X = tuple(arb(fmpq(v)) for v in cfg.init)
        out.append(X)
        bk = 0
        for t in range(steps):
            if until_regime and D.in_regime(cfg, X, t) is True:
                break
            if bk == 0:
                m0 = tuple(_mid(v) for v in X)
                D0v = tuple(x - m for x, m in zip(X, m0))
                p = tuple(arb(m) for m in m0)
                P = ((arb(1), arb(0)), (arb(0), arb(1)))
            law = lw[t % M]
            H = _hessian(law, cfg, *X)
            if H is None:
                break
            hww, hwc, hcw, hcc = H
            J = ((1 - eta * hww, -eta * hwc), (-eta * hcw, 1 - eta * hcc))
            q = tuple(_mid(v) for v in p)
            G = grad_loss(law, cfg, arb(q[0]), arb(q[1]))[1:] if -q[0] > 0 else (None,)
            if G[0] is None:
                break
            Gq = tuple(arb(qi) - eta * g for qi, g in zip(q, G))
            dp = tuple(pi - qi for pi, qi in zip(p, q))
            p = (Gq[0] + J[0][0] * dp[0] + J[0][1] * dp[1], Gq[1] + J[1][0] * dp[0] + J[1][1] * dp[1])
            P = ((J[0][0] * P[0][0] + J[0][1] * P[1][0], J[0][0] * P[0][1] + J[0][1] * P[1][1]),
                 (J[1][0] * P[0][0] + J[1][1] * P[1][0], J[1][0] * P[0][1] + J[1][1] * P[1][1]))
            X = (p[0] + P[0][0] * D0v[0] + P[0][1] * D0v[1], p[1] + P[1][0] * D0v[0] + P[1][1] * D0v[1])
            out.append(X)
            bk = bk + 1 if bk + 1 < block else 0
    return out


def float_choice(cfg: D.D0, t_long: int, options):
    """Floats only *choose* (never a verdict): the first t ≤ ``t_long`` of a float GD run at which one
    of ``options(t)`` -- tuples (key, tau, lam_star float, Z, close) with ``close(eps_max)`` trying the
    certificate -- has the float iterate in the regime-like region with ζ_t inside Z (a margin of
    |Z|/50) and ``close(1.0001/a_t)`` succeeds.  The float run (`_float_run`) is lazy, so an early
    entry costs only its own steps.  Returns (t, option) or None."""
    tried: dict = {}
    pre: dict = {}  # per option: (float τ, λ*, z_lo + pad, z_hi − pad), keyed by id (fmpq hashing is slow)
    for t, th in enumerate(_float_run(cfg, t_long)):
        a = -th[0]
        if not a > 0:
            continue
        for opt in options(t):
            k = id(opt)
            if k not in pre:
                zl, zh = float(opt[3][0]), float(opt[3][1])
                pre[k] = (float(opt[1]), float(opt[2]), zl + (zh - zl) / 50, zh - (zh - zl) / 50)
            tau, ls, lo, hi = pre[k]
            z = a * (th[1] + th[0] * tau - ls)
            if not lo < z < hi:
                continue
            if k in tried and 1 / a > tried[k] * 0.9:
                continue
            tried[k] = 1 / a
            if opt[4](1.0001 / a):
                return t, opt
    return None


def _float_run(cfg: D.D0, steps: int):
    """GD in floats from the law of r_N (exploration only): yields θ^0, …, θ^steps; stops early
    when a ≤ 0 (the law formula needs a > 0)."""
    lw = laws(cfg)
    fl = []
    for law in lw:
        br = [float(v) for v in law.br]
        cum = [[float(v) for v in c] for c in law.cum]
        fl.append((br, cum, [float(v) for v in law.rho]))
    tau, om, eta = float(cfg.tau), float(cfg.weight(0)), float(cfg.eta)
    M = len(fl)

    def Phi(L, e):
        br, cum, rho = L
        if e <= 0:
            return 0.0, 0.0, 0.0
        if e >= 1:
            return cum[0][-1], cum[1][-1], cum[2][-1]
        k = bisect.bisect_right(br, e) - 1
        a = br[k]
        return tuple(cum[j][k] + rho[k] * (e ** (j + 1) - a ** (j + 1)) / (j + 1) for j in range(3))

    w, c = (float(v) for v in cfg.init)
    yield (w, c)
    for t in range(steps):
        a = -w
        if not a > 0:
            return
        L = fl[t % M]
        e0, e1 = (c - 1) / a, c / a
        P1, P0 = Phi(L, e1), Phi(L, e0)
        Y1, Y0 = Phi(L, min(e1, tau)), Phi(L, min(e0, tau))
        d = [x - y for x, y in zip(P1, P0)]
        dy = [x - y for x, y in zip(Y1, Y0)]
        gw = 2 * om * (w * d[2] + c * d[1] - dy[1])
        gc = 2 * om * (w * d[1] + c * d[0] - dy[0])
        w, c = w - eta * gw, c - eta * gc
        yield (w, c)
