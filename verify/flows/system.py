"""`FlowSystem`: the risk ℒ and its generalized gradient 𝒢 of a 1-H-1 ReLU network against a target f
and a density p on [A, B], and the fields F of the standard flow Θ' = −𝒢(Θ) and of the normalized
flow on M_A / M_B (ejrw22 §2) — exact at rational θ, in floats, and as certified enclosures over
boxes; `simulate` (float) and `enclose` (a certified Lohner-type stepper).
"""

from __future__ import annotations

import bisect
import math
import time

import numpy as np
from flint import arb, arb_mat, fmpq

from ..errors import InputError
from ..integrate import Problem, risk_and_gradient
from ..nets import Network
from ..numbers import arb_to_fmpq, ball_bounds, ball_hull, contains, precision, sign, square_enclosure
from ..problems import (BoxMeasure, Constant, Density, Empirical, Indicator, PiecewiseLinear, Polynomial, Target,
                        poly_add, poly_integral, poly_mul, poly_nonnegative)
from .common import (FLOAT_MAX_EVALS, FLOAT_MAX_T, WIDE, _Budget, _check_flow, _clip, _inflate, _inside_interior,
                     _intersect, _peval, _pint_float, _to_float, _to_fmpq, _too_wide, _unit, check_max_steps,
                     check_prec, check_tol, lohner_qr)
from .results import BoxEval, Enclosure, Simulation, Step


class FlowSystem:
    """Target f, input measure (density p on [A, B]) and width H of a 1-H-1 ReLU network.

    Methods (θ = (w_1..w_H, b_1..b_H, v_1..v_H, c)):

    * exact at rational θ: `risk_gradient_exact`, `field_exact`, `field_standard`, `field_normalized`;
    * float: `risk_gradient_float`, `field_float`, `simulate`;
    * certified over boxes: `field_enclosure`, `jacobian_enclosure`, `risk_enclosure`, `enclose`.
    """

    def __init__(self, target: Target, measure, H: int):
        if isinstance(measure, Empirical):
            raise InputError("the flows need a density input measure; an empirical measure has atoms "
                             "(ℒ is then not differentiable on M)", "measure")
        if not isinstance(measure, (BoxMeasure, Density)):
            raise InputError(f"unsupported measure {type(measure).__name__} (lebesgue, uniform or density)", "measure")
        if measure.d != 1:
            raise InputError(f"the flows are implemented for d = 1, the measure has d = {measure.d}", "measure")
        if not isinstance(H, int) or isinstance(H, bool) or H < 1:
            raise InputError(f"the width H must be a positive integer, got {H!r}", "network.widths")
        if not isinstance(target, (Constant, Polynomial, PiecewiseLinear, Indicator)):
            raise InputError(f"the target must be piecewise polynomial (constant, polynomial, piecewise-linear, "
                             f"indicator), got '{getattr(target, 'kind', type(target).__name__)}'", "target")
        if isinstance(target, Indicator) and target.interval is None and len(target.center) != 1:
            raise InputError("the target lives in dimension > 1, the flows need d = 1", "target")
        if not target.is_exact():
            raise InputError("the target's data must be exact rationals", "target")
        dens = [(fmpq(l), fmpq(u), tuple(_to_fmpq(c, "measure") for c in co)) for l, u, co in measure.pieces_1d()]
        for k, (l, u, co) in enumerate(dens):
            if not l < u:
                raise InputError(f"density piece [{l}, {u}] is empty or inverted", f"measure.pieces[{k}]")
            if k and dens[k - 1][1] != l:
                raise InputError("density pieces must be contiguous and increasing", f"measure.pieces[{k}]")
            if not poly_nonnegative(list(co), l, u):
                raise InputError("the density is negative somewhere on this piece", f"measure.pieces[{k}]")
        self.target, self.measure, self.H = target, measure, H
        self.A, self.B = dens[0][0], dens[-1][1]
        A, B = self.A, self.B
        pts = {A, B} | {l for l, _, _ in dens[1:]} | {fmpq(t) for t in target.knots_1d() if A < t < B}
        self.bps = sorted(pts)
        self.base = []
        for lo, hi in zip(self.bps, self.bps[1:]):
            mid = (lo + hi) / 2
            pco = next(co for l, u, co in dens if l <= mid <= u)
            fco = tuple(_to_fmpq(c, "target") for c in target.poly_1d(lo, hi))
            self.base.append((lo, hi, fco, pco))
        self._fbps = [_to_float(t) for t in self.bps]
        self._fbase = [(_to_float(lo), _to_float(hi), np.array([_to_float(c) for c in fco]),
                        np.array([_to_float(c) for c in pco])) for lo, hi, fco, pco in self.base]

    @property
    def D(self) -> int:
        return 3 * self.H + 1

    def __repr__(self):
        return f"FlowSystem(target={self.target!r}, measure={self.measure!r}, H={self.H})"

    # ---- input checks ------------------------------------------------------------------------
    def exact_theta(self, theta) -> list:
        if len(theta) != self.D:
            raise InputError(f"θ has {len(theta)} entries, a 1-{self.H}-1 network needs {self.D}", "theta")
        return [_to_fmpq(t, f"theta[{k}]") for k, t in enumerate(theta)]

    def check_on_manifold(self, theta, manifold: str = "A"):
        """InputError unless the rational θ lies exactly on M_A (|u_i| = 1) or M_B (|w_i| = 1)."""
        th = self.exact_theta(theta)
        H = self.H
        for i in range(H):
            w, b = th[i], th[H + i]
            if manifold == "A" and w * w + b * b != 1:
                raise InputError(f"θ is not on M_A: w_{i + 1}² + b_{i + 1}² = {w * w + b * b} ≠ 1 (use rational circle "
                                 "points ((1 − t²)/(1 + t²), 2t/(1 + t²)))", "theta")
            if manifold == "B" and w * w != 1:
                raise InputError(f"θ is not on M_B: |w_{i + 1}| = {abs(w)} ≠ 1", "theta")

    # ---- exact -------------------------------------------------------------------------------
    def risk_gradient_exact(self, theta):
        """(ℒ(θ), 𝒢(θ)) exactly (fmpq) at a rational θ."""
        th = self.exact_theta(theta)
        rg = risk_and_gradient(Problem(Network((1, self.H, 1), tuple(th)), self.target, self.measure), exact=True)
        return rg.L, list(rg.G)

    def _project(self, th, G, flow, manifold):
        """F from 𝒢 by the formulas of §2.4 (generic arithmetic; the M_A formula is the extension
        −(g_i − ⟨g_i, u_i⟩u_i) off the manifold)."""
        H = self.H
        F = [-g for g in G]
        if flow == "normalized":
            for i in range(H):
                if manifold == "A":
                    s = th[i] * G[i] + th[H + i] * G[H + i]
                    F[i] = -G[i] + s * th[i]
                    F[H + i] = -G[H + i] + s * th[H + i]
                else:
                    F[i] = 0 * G[i]
        return F

    def field_exact(self, theta, flow: str = "normalized", manifold: str = "A", check: bool = True) -> list:
        """F(θ) exactly at a rational θ; ``check``: InputError if the normalized flow is asked at a
        point off its manifold (``check=False`` evaluates the extension off M)."""
        _check_flow(flow, manifold)
        th = self.exact_theta(theta)
        if flow == "normalized" and check:
            self.check_on_manifold(th, manifold)
        _, G = self.risk_gradient_exact(th)
        return self._project(th, G, flow, manifold)

    def field_standard(self, theta) -> list:
        """−𝒢(θ), exact."""
        return self.field_exact(theta, "standard")

    def field_normalized(self, theta, manifold: str = "A") -> list:
        """−P(θ)𝒢(θ), exact, θ on M_A or M_B."""
        return self.field_exact(theta, "normalized", manifold)

    # ---- float -------------------------------------------------------------------------------
    def risk_gradient_float(self, theta):
        """(ℒ, 𝒢) in float64 (pieces integrated exactly as polynomials, in float)."""
        P = np.polynomial.polynomial
        H = self.H
        th = np.asarray(theta, dtype=float)
        w, b, v, c = th[:H], th[H:2 * H], th[2 * H:3 * H], th[3 * H]
        A, B = self._fbps[0], self._fbps[-1]
        nz = w != 0
        k = np.full(H, np.nan)
        k[nz] = -b[nz] / w[nz]
        inner = k[nz & (k > A) & (k < B)]
        pts = np.unique(np.concatenate([np.array(self._fbps), inner]))
        T0, T1 = np.zeros(H), np.zeros(H)
        S0c = L = 0.0
        for lo, hi in zip(pts[:-1], pts[1:]):
            if not hi > lo:
                continue
            mid = 0.5 * (lo + hi)
            act = w * mid + b > 0
            j = min(max(bisect.bisect_right(self._fbps, mid) - 1, 0), len(self._fbase) - 1)
            _, _, fco, pco = self._fbase[j]
            r = np.zeros(max(2, len(fco)))
            r[:len(fco)] -= fco
            r[0] += c + v[act] @ b[act]
            r[1] += v[act] @ w[act]
            rp = P.polymul(r, pco)
            S0 = _pint_float(rp, lo, hi)
            S1 = _pint_float(P.polymulx(rp), lo, hi)
            L += _pint_float(P.polymul(r, rp), lo, hi)
            S0c += S0
            T0[act] += S0
            T1[act] += S1
        G = np.concatenate([2 * v * T1, 2 * v * T0, 2 * (w * T1 + b * T0), [2 * S0c]])
        return L, G

    def field_float(self, theta, flow: str = "normalized", manifold: str = "A") -> np.ndarray:
        _check_flow(flow, manifold)
        th = np.asarray(theta, dtype=float)
        _, G = self.risk_gradient_float(th)
        return np.array(self._project(list(th), list(G), flow, manifold), dtype=float)

    def simulate(self, theta0, T, flow: str = "normalized", manifold: str = "A", rtol: float = 1e-10,
                 atol: float = 1e-12, method: str = "DOP853", t_eval=None, max_step: float = math.inf,
                 max_evals: int = FLOAT_MAX_EVALS) -> Simulation:
        """Float trajectory by `scipy.integrate.solve_ivp` with events w_i ξ + b_i = 0 (the kink of
        neuron i crosses ξ ∈ {A, B, breakpoints of f and p}).  Exploration only.  T ≤ FLOAT_MAX_T; after
        ``max_evals`` field evaluations the run stops (success False, the message says where; the
        states are then θ_0 and the last evaluated point only)."""
        from scipy.integrate import solve_ivp

        _check_flow(flow, manifold)
        Tf = self._check_T(T)
        if len(theta0) != self.D:
            raise InputError(f"θ has {len(theta0)} entries, a 1-{self.H}-1 network needs {self.D}", "theta")
        if all(not isinstance(t, (float, np.floating)) for t in theta0):
            th_exact = self.exact_theta(theta0)
            if flow == "normalized":
                self.check_on_manifold(th_exact, manifold)
            y0 = np.array([_to_float(t) for t in th_exact])
        else:
            y0 = np.asarray(theta0, dtype=float)
            if not np.all(np.isfinite(y0)):
                raise InputError("θ has a NaN or infinite entry", "theta")
            if flow == "normalized":
                H = self.H
                gap = (y0[:H] ** 2 + y0[H:2 * H] ** 2 - 1) if manifold == "A" else (y0[:H] ** 2 - 1)
                if np.max(np.abs(gap)) > 1e-9:
                    raise InputError(f"θ is not on M_{manifold} (float defect {np.max(np.abs(gap)):.3g} > 1e-9)",
                                     "theta")
        if Tf > FLOAT_MAX_T:
            raise InputError(f"the float horizon T = {Tf} exceeds the documented limit {FLOAT_MAX_T}", "T")
        H = self.H
        events, labels = [], []
        for i in range(H):
            for xi in self._fbps:
                def ev(t, y, i=i, xi=xi):
                    return y[i] * xi + y[H + i]
                ev.terminal = False
                events.append(ev)
                labels.append((i, xi))
        budget = [0, 0.0, y0]

        def rhs(t, y):
            budget[0] += 1
            if budget[0] > max_evals:
                raise _Budget()
            budget[1], budget[2] = t, y
            return self.field_float(y, flow, manifold)

        try:
            sol = solve_ivp(rhs, (0.0, _to_float(Tf)), y0, method=method, rtol=rtol, atol=atol, events=events,
                            t_eval=t_eval, max_step=max_step)
        except _Budget:
            y = np.asarray(budget[2], dtype=float)
            states = np.array([y0, y])
            return Simulation(np.array([0.0, budget[1]]), states, np.array([self.risk_gradient_float(x)[0]
                                                                             for x in states]),
                              np.full((2, H), np.nan), [], False,
                              f"stopped: {max_evals} field evaluations (the limit) used up near t = {budget[1]:.6g} "
                              f"of T = {_to_float(Tf):.6g}")
        states = sol.y.T
        risk = np.array([self.risk_gradient_float(y)[0] for y in states])
        w = states[:, :H]
        with np.errstate(divide="ignore", invalid="ignore"):
            kinks = np.where(w != 0, -states[:, H:2 * H] / np.where(w != 0, w, 1), np.nan)
        evs = sorted((float(te), i, xi) for (i, xi), ts in zip(labels, sol.t_events) for te in ts)
        return Simulation(sol.t, states, risk, kinks, evs, bool(sol.success), str(sol.message))

    def _check_T(self, T) -> fmpq:
        if isinstance(T, float):
            if not math.isfinite(T):
                raise InputError(f"the horizon T must be finite, got {T}", "T")
        Tq = _to_fmpq(T, "T")
        if Tq <= 0:
            raise InputError(f"the horizon T must be > 0, got {Tq}", "T")
        return Tq

    # ---- certified over boxes ------------------------------------------------------------------
    def _hull_eval(self, which: int, lo: fmpq, hi: fmpq):
        """Enclosure of f (which = 2) or p (which = 3) on [lo, hi] ⊆ [A, B]: the union over the base
        pieces meeting the closed interval (both one-sided values at a breakpoint)."""
        out = None
        for piece in self.base:
            plo, phi = piece[0], piece[1]
            if phi < lo or plo > hi:
                continue
            val = _peval(piece[which], ball_hull(max(lo, plo), min(hi, phi)))
            out = val if out is None else out.union(val)
        return out

    def _box(self, X, jac: bool = False) -> BoxEval:
        """ℒ, 𝒢 and (if ``jac``) the Jacobian enclosure of 𝒢 over the box X (call inside a precision
        context).  See the module docstring for the decomposition of [A, B]."""
        H, D, A, B = self.H, self.D, self.A, self.B
        if len(X) != D:
            raise InputError(f"the box has {len(X)} coordinates, a 1-{H}-1 network needs {D}", "box")
        X = [x if isinstance(x, arb) else arb(x) for x in X]
        W, Bb, V, C = X[:H], X[H:2 * H], X[2 * H:3 * H], X[3 * H]
        dom = ball_hull(A, B)
        modes, strips, pos, kin = [], [None] * H, [None] * H, [None] * H
        jac_ok = jac
        pts = set(self.bps)
        for i in range(H):
            sw = sign(W[i])
            if sw in (1, -1):
                bd = ball_bounds(-Bb[i] / W[i])
                if bd is None:
                    modes.append("unc")
                    jac_ok = False
                    continue
                klo, khi = bd
                kin[i], pos[i] = (klo, khi), sw > 0
                if khi <= A:
                    modes.append("on" if sw > 0 else "off")
                elif klo >= B:
                    modes.append("off" if sw > 0 else "on")
                else:
                    slo, shi = max(klo, A), min(khi, B)
                    strips[i] = (slo, shi)
                    pts.update((slo, shi))
                    modes.append("strip")
            else:
                s = sign(W[i] * dom + Bb[i])
                if s == 1:
                    modes.append("on")
                elif s in (-1, 0):  # s = 0: (w_i, b_i) = (0, 0) exactly, z ≡ 0, ReLU = κ = 0
                    modes.append("off")
                else:
                    modes.append("unc")
                    jac_ok = False
        pts = sorted(pts)
        zero = arb(0)
        unit = _unit()
        L, S0c = zero, zero
        T0, T1 = [zero] * H, [zero] * H
        Gu = [zero] * D
        if jac_ok:
            M = [[[zero] * H for _ in range(H)] for _ in range(3)]
            N = [[zero] * H for _ in range(3)]
            mu = [zero] * 3
            Gram = [[zero] * D for _ in range(D)]
            Ruw, Rub = [zero] * H, [zero] * H
        for lo, hi in zip(pts, pts[1:]):
            _, _, fco, pco = self.base[bisect.bisect_right(self.bps, lo) - 1]
            states = []
            for i in range(H):
                m = modes[i]
                if m == "strip":
                    slo, shi = strips[i]
                    if hi <= slo:
                        m = "off" if pos[i] else "on"
                    elif lo >= shi:
                        m = "on" if pos[i] else "off"
                    else:
                        m = "u"
                elif m == "unc":
                    m = "u"
                states.append(m)
            lob, hib = arb(lo), arb(hi)
            if "u" not in states:
                on = [i for i in range(H) if states[i] == "on"]
                a0, a1 = C, zero
                for i in on:
                    a0 += V[i] * Bb[i]
                    a1 += V[i] * W[i]
                r = poly_add([a0, a1], [-q for q in fco])
                rp = poly_mul(r, list(pco))
                S0 = poly_integral(rp, lob, hib)
                S1 = poly_integral([0] + rp, lob, hib)
                L += poly_integral(poly_mul(r, rp), lob, hib)
                S0c += S0
                for i in on:
                    T0[i] += S0
                    T1[i] += S1
                if jac_ok:
                    mk = [poly_integral([0] * k + list(pco), lob, hib) for k in range(3)]
                    for k in range(3):
                        mu[k] += mk[k]
                        for i in on:
                            N[k][i] += mk[k]
                            for j in on:
                                M[k][i][j] += mk[k]
            else:
                xb = ball_hull(lo, hi)
                ln = arb(hi - lo)
                fX, pX = _peval(fco, xb), _peval(pco, xb)
                rX = C - fX
                phi = [None] * D
                kap = [None] * H
                for i in range(H):
                    if states[i] == "off":
                        continue
                    k_ = arb(1) if states[i] == "on" else unit
                    z = W[i] * xb + Bb[i]
                    R = z if states[i] == "on" else z.nonnegative_part()
                    rX += V[i] * R
                    phi[i], phi[H + i], phi[2 * H + i] = V[i] * xb * k_, V[i] * k_, R
                    kap[i] = k_
                phi[3 * H] = arb(1)
                lrp = ln * rX * pX
                L += lrp * rX
                nzk = [k for k in range(D) if phi[k] is not None]
                for k in nzk:
                    Gu[k] += lrp * phi[k]
                if jac_ok:
                    lp = ln * pX
                    for a_ in nzk:
                        for b_ in nzk:
                            if b_ >= a_:
                                Gram[a_][b_] += lp * phi[a_] * phi[b_]
                    for i in range(H):
                        if kap[i] is not None:
                            Ruw[i] += lrp * xb * kap[i]
                            Rub[i] += lrp * kap[i]
        G = [zero] * D
        for i in range(H):
            G[i] = 2 * (V[i] * T1[i] + Gu[i])
            G[H + i] = 2 * (V[i] * T0[i] + Gu[H + i])
            G[2 * H + i] = 2 * (W[i] * T1[i] + Bb[i] * T0[i] + Gu[2 * H + i])
        G[3 * H] = 2 * (S0c + Gu[3 * H])
        DG = None
        if jac_ok:
            DG = [[zero] * D for _ in range(D)]
            ic = 3 * H
            for i in range(H):
                iw, ib, iv = i, H + i, 2 * H + i
                for j in range(H):
                    jw, jb, jv = j, H + j, 2 * H + j
                    m0, m1, m2 = M[0][i][j], M[1][i][j], M[2][i][j]
                    DG[iw][jw] = V[i] * V[j] * m2
                    DG[iw][jb] = V[i] * V[j] * m1
                    DG[iw][jv] = V[i] * (W[j] * m2 + Bb[j] * m1)
                    DG[ib][jw] = V[i] * V[j] * m1
                    DG[ib][jb] = V[i] * V[j] * m0
                    DG[ib][jv] = V[i] * (W[j] * m1 + Bb[j] * m0)
                    DG[iv][jw] = V[j] * (W[i] * m2 + Bb[i] * m1)
                    DG[iv][jb] = V[j] * (W[i] * m1 + Bb[i] * m0)
                    DG[iv][jv] = W[i] * W[j] * m2 + (W[i] * Bb[j] + Bb[i] * W[j]) * m1 + Bb[i] * Bb[j] * m0
                n0, n1 = N[0][i], N[1][i]
                DG[iw][ic] = DG[ic][iw] = V[i] * n1
                DG[ib][ic] = DG[ic][ib] = V[i] * n0
                DG[iv][ic] = DG[ic][iv] = W[i] * n1 + Bb[i] * n0
            DG[ic][ic] = mu[0]
            for a_ in range(D):
                for b_ in range(a_, D):
                    g = Gram[a_][b_]
                    if g is not zero:
                        DG[a_][b_] += g
                        if b_ != a_:
                            DG[b_][a_] += g
            for i in range(H):
                iw, ib, iv = i, H + i, 2 * H + i
                t1, t0 = T1[i] + Ruw[i], T0[i] + Rub[i]
                DG[iw][iv] += t1
                DG[iv][iw] += t1
                DG[ib][iv] += t0
                DG[iv][ib] += t0
            DG = [[2 * x for x in row] for row in DG]
            # boundary terms of the moving kink x_0 = −b_i/w_i (the δ-part of ∂κ_i): present when the
            # kink may lie in [A, B]; factor [0, 1] unless it certainly lies in the open (A, B)
            for i in range(H):
                if kin[i] is None:
                    continue
                klo, khi = kin[i]
                if klo > B or khi < A:
                    continue
                lo_, hi_ = max(klo, A), min(khi, B)
                X0 = ball_hull(lo_, hi_)
                rX0 = C - self._hull_eval(2, lo_, hi_)
                for j in range(H):
                    if j != i:  # neuron i's own term vanishes at its kink
                        rX0 += V[j] * (W[j] * X0 + Bb[j]).nonnegative_part()
                q = 2 * V[i] * rX0 * self._hull_eval(3, lo_, hi_) / (W[i] if pos[i] else -W[i])
                if not (A < klo and khi < B):
                    q = q * unit
                iw, ib = i, H + i
                DG[iw][iw] += q * X0 * X0
                DG[iw][ib] += q * X0
                DG[ib][iw] += q * X0
                DG[ib][ib] += q
        return BoxEval(L, G, DG, modes)

    def _box_field(self, X, ev: BoxEval, flow: str, manifold: str) -> list:
        H = self.H
        G = ev.G
        F = [-g for g in G]
        if flow == "normalized":
            for i in range(H):
                if manifold == "B":
                    F[i] = arb(0)
                    continue
                w, b, v = X[i], X[H + i], X[2 * H + i]
                # ⟨g_i, u_i⟩ = v_i 𝒢_{v_i} for every θ (claim 6): intersect both enclosures
                s = _intersect(v * G[2 * H + i], w * G[i] + b * G[H + i], "⟨g_i, u_i⟩")
                F[i] = -G[i] + s * w
                F[H + i] = -G[H + i] + s * b
        return F

    def _box_jac(self, X, ev: BoxEval, flow: str, manifold: str):
        if ev.DG is None:
            return None
        H, D = self.H, self.D
        G, DG = ev.G, ev.DG
        J = [[-x for x in row] for row in DG]
        if flow == "normalized":
            zero = arb(0)
            for i in range(H):
                iw, ib, iv = i, H + i, 2 * H + i
                if manifold == "B":
                    J[iw] = [zero] * D
                    continue
                w, b, v = X[iw], X[ib], X[iv]
                s = _intersect(v * G[iv], w * G[iw] + b * G[ib], "⟨g_i, u_i⟩")
                for l_ in range(D):
                    d1 = v * DG[iv][l_] + (G[iv] if l_ == iv else 0)
                    d2 = w * DG[iw][l_] + b * DG[ib][l_] + (G[iw] if l_ == iw else 0) + (G[ib] if l_ == ib else 0)
                    ds = _intersect(d1, d2, "∂⟨g_i, u_i⟩")
                    J[iw][l_] = -DG[iw][l_] + w * ds + (s if l_ == iw else 0)
                    J[ib][l_] = -DG[ib][l_] + b * ds + (s if l_ == ib else 0)
        return J

    def field_enclosure(self, X, flow: str = "normalized", manifold: str = "A", prec: int = 128) -> list:
        """Balls containing F(θ) for every θ in the box X (a list of 𝔡 balls or numbers)."""
        _check_flow(flow, manifold)
        with precision(prec):
            X = [x if isinstance(x, arb) else arb(_to_fmpq(x, "box")) for x in X]
            return self._box_field(X, self._box(X), flow, manifold)

    def jacobian_enclosure(self, X, flow: str = "normalized", manifold: str = "A", prec: int = 128):
        """An interval matrix containing the Jacobian of every C¹ selection function of F active at
        a point of X (so F(y) − F(x) ∈ J·(y − x) for x, y ∈ X), or None when X meets the singular
        set or a neuron's kink may run off to infinity inside [A, B] (w_i-ball ∋ 0)."""
        _check_flow(flow, manifold)
        with precision(prec):
            X = [x if isinstance(x, arb) else arb(_to_fmpq(x, "box")) for x in X]
            return self._box_jac(X, self._box(X, jac=True), flow, manifold)

    def risk_enclosure(self, X, prec: int = 128) -> arb:
        """A ball containing ℒ(θ) for every θ in the box X."""
        with precision(prec):
            X = [x if isinstance(x, arb) else arb(_to_fmpq(x, "box")) for x in X]
            return self._risk_box(X)

    def _regular(self, X) -> bool:
        """Certified: no θ ∈ X has (w_i, b_i) = (0, 0) (X ⊂ 𝓡, where ℒ is C¹ with ∇ℒ = 𝒢)."""
        H = self.H
        return all(sign(X[i]) in (1, -1) or sign(X[H + i]) in (1, -1) for i in range(H))

    def _risk_box(self, X) -> arb:
        """Natural enclosure of ℒ on X, intersected with the centred form ℒ(m) + 𝒢(X)·(X − m) when
        X ⊂ 𝓡 (ℒ is C¹ there with ∇ℒ = 𝒢: d = 1, p a bounded density)."""
        ev = self._box(X)
        L = ev.L
        if self._regular(X):
            m = [x.mid() for x in X]
            Lc = self._box(m).L + sum((g * (x - mk) for g, x, mk in zip(ev.G, X, m)), arb(0))
            L = _intersect(L, Lc, "ℒ")
        return L

    # ---- certified stepper ---------------------------------------------------------------------
    def _tighten(self, X, flow: str, manifold: str) -> list:
        """Intersect a box with the exact invariants of the true solution: on M_A each (w_i, b_i)
        lies on the unit circle, so |w_i| ≤ 1, |b_i| ≤ 1 and w_i ∈ ±sqrt(1 − b_i²) over the b_i-ball
        (and vice versa)."""
        if flow != "normalized" or manifold != "A":
            return X
        H = self.H
        X = list(X)
        one = fmpq(1)
        for i in range(H):
            for a, b in ((i, H + i), (H + i, i)):
                X[a] = _clip(X[a], -one, one, "unit circle")
                bl, bh = ball_bounds(_clip(X[b], -one, one, "unit circle"))
                bl, bh = max(bl, -one), min(bh, one)  # the ball of [−1, 1] is rounded outward
                top = max(bl * bl, bh * bh)
                bottom = fmpq(0) if bl <= 0 <= bh else min(bl * bl, bh * bh)
                # |x_a| ∈ [sqrt(1 − top), sqrt(1 − bottom)], rounded outward
                lo = ball_bounds(arb(one - top).sqrt())[0]
                hi = ball_bounds(arb(one - bottom).sqrt())[1]
                lo = max(lo, fmpq(0))
                s = sign(X[a])
                if s == 1:
                    X[a] = _clip(X[a], lo, hi, "unit circle")
                elif s == -1:
                    X[a] = _clip(X[a], -hi, -lo, "unit circle")
                else:
                    X[a] = _clip(X[a], -hi, hi, "unit circle")
        return X

    def _field_jac(self, X, flow: str, manifold: str, centred: bool = True):
        """(F(X), J(X) or None): the natural enclosure of F on X, intersected with the centred
        (mean-value) form F(m) + J(X)(X − m), m the midpoint of X, when J(X) is finite."""
        ev = self._box(X, jac=centred)
        F = self._box_field(X, ev, flow, manifold)
        J = self._box_jac(X, ev, flow, manifold) if centred else None
        if J is not None:
            m = [x.mid() for x in X]
            Fm = self._box_field(m, self._box(m), flow, manifold)
            d = [x - mk for x, mk in zip(X, m)]
            D = self.D
            Fc = [Fm[k] + sum((J[k][l_] * d[l_] for l_ in range(D)), arb(0)) for k in range(D)]
            F = [_intersect(a, b, f"F component {k}") for k, (a, b) in enumerate(zip(F, Fc))]
        return F, J

    def _apriori(self, Y, h: fmpq, flow: str, manifold: str, centred: bool):
        """A box Z ⊇ Θ([t, t + h]) for every solution with Θ_t ∈ Y, or None (step too large)."""
        hb = ball_hull(fmpq(0), h)
        FY, _ = self._field_jac(Y, flow, manifold, centred)
        X = [_inflate(y + hb * f) for y, f in zip(Y, FY)]
        for _ in range(4):
            FX, _ = self._field_jac(X, flow, manifold, centred)
            Z = [y + hb * f for y, f in zip(Y, FX)]
            if all(_inside_interior(z, x) for z, x in zip(Z, X)):
                # Y + [0, h]·F(X) ⊆ int X  ⇒  Θ([t, t + h]) ⊆ Z  (Picard–Lindelöf, module docstring)
                return Z, FY
            X = [_inflate(x.union(z)) for x, z in zip(X, Z)]
        return None

    def _step(self, Y, par, h: fmpq, flow: str, manifold: str, mean_value: bool):
        """One step of size h from Θ_t ∈ Y (and Θ_t ∈ m + A·R when ``par = (m, A, R)``).
        Returns (X, F(X), Y', par') or None if no a-priori box was found."""
        found = self._apriori(Y, h, flow, manifold, mean_value)
        if found is None:
            return None
        Z, FY = found
        X = self._tighten(Z, flow, manifold)
        FX, J = self._field_jac(X, flow, manifold, mean_value)
        hq = arb(h)
        E = None
        if J is not None:
            # Θ_{t+s} = Θ_t + s·φ, φ ∈ F(X), so F(Θ_{t+s}) = F(Θ_t) + s·δ with δ ∈ J(X)F(X) (mean-value
            # inclusion) and ∫₀ʰ|F|² ∈ h|F(Y)|² + h²⟨F(Y), δ⟩ + (h³/3)|δ|²
            D = self.D
            JF = [sum((J[k][l_] * FX[l_] for l_ in range(D)), arb(0)) for k in range(D)]
            E = (hq * sum((square_enclosure(f) for f in FY), arb(0)) + hq * hq * sum((f * d for f, d in zip(FY, JF)), arb(0))
                 + hq * hq * hq / 3 * sum((square_enclosure(d) for d in JF), arb(0)))
        Y1 = [y + hq * f for y, f in zip(Y, FX)]
        new_par, err = None, None
        if J is not None:
            Y2, new_par, err = self._lohner(Y, par, X, FX, J, hq, flow, manifold)
            if Y2 is not None:
                Y1 = [_intersect(a, b, f"Θ_t component {k}") for k, (a, b) in enumerate(zip(Y1, Y2))]
        Y1 = self._tighten(Y1, flow, manifold)
        return X, FX, Y1, new_par, err, E

    def _lohner(self, Y, par, X, FX, J, hq: arb, flow: str, manifold: str):
        """Mean-value step in Lohner's QR form.  With Θ_t = m + δ, δ ∈ A·R, m ∈ X:
        Θ_{t+h} ∈ m + h F(m) + (h²/2) J F(X) + (I + hJ) A R   (J = J(X), module docstring, step 2);
        the new parallelepiped is m' + Q R' with Q orthogonal (floats, QR of mid((I + hJ)A) with
        columns ordered by their contribution) and R' ⊇ Q⁻¹[(I + hJ)A R + residual], Q⁻¹ an arb
        enclosure of the exact inverse of the float matrix Q."""
        D = self.D
        if par is not None and all(contains(x, arb_to_fmpq(mk)) for x, mk in zip(X, par[0])):
            m, A, R = par
        else:  # restart the parallelepiped from the box
            m = [y.mid() for y in Y]
            if not all(contains(x, arb_to_fmpq(mk)) for x, mk in zip(X, m)):
                return None, None, None  # the mean-value segment [m, Θ] must lie in X
            A = arb_mat.eye(D) if hasattr(arb_mat, "eye") else arb_mat([[1 if i == j else 0 for j in range(D)]
                                                                            for i in range(D)])
            R = arb_mat([[y - mk] for y, mk in zip(Y, m)])
        Fm = self._box_field(m, self._box(m), flow, manifold)
        Jm = arb_mat([[J[k][l_] for l_ in range(D)] for k in range(D)])
        S = Jm * hq
        for k in range(D):
            S[k, k] = S[k, k] + 1
        h2 = hq * hq / 2
        JF = Jm * arb_mat([[f] for f in FX])
        centre = [m[k] + hq * Fm[k] + h2 * JF[k, 0] for k in range(D)]
        got = lohner_qr(centre, S * A, R)
        if got is None:
            return None, None, None
        m_new, Qa, R_new, Y2 = got
        # local error: the width of the centre m + hF(m) + (h²/2) J F(X) (the part that does not
        # come from transporting the previous enclosure)
        err = max(float(c.rad()) for c in centre) * 2
        return Y2, (m_new, Qa, R_new), err

    def enclose(self, theta0, T, flow: str = "normalized", manifold: str = "A", h0=fmpq(1, 16),
                tol: float | None = 1e-5, max_steps: int = 100000, prec: int = 128, hmin=fmpq(1, 2 ** 30),
                mean_value: bool = True, max_width=None, max_seconds: float | None = None,
                progress=None, on_point=None, order: int = 0) -> Enclosure:
        """Certified enclosure of the flow from the rational θ0 on [0, T] (see the module docstring).

        Step size: starts at, and never exceeds, ``h0``; halved when no a-priori box is found or
        when the local error (width of the step's own contribution, estimated from the mean-value
        form; floats steer the step size only, never the enclosure) exceeds ``tol``·h; doubled
        after four steps with local error below ``tol``·h/16 (``tol=None``: only a-priori
        failures shrink h).  The run stops early (``complete=False``, ``reason`` says why) after
        ``max_steps`` steps, below ``hmin``, when a point enclosure is wider than ``max_width``,
        or after ``max_seconds`` of wall time.  ``mean_value=False`` uses the first-order form
        Y' = Y + h·F(X) only.  ``progress(t)`` is called after every accepted step, and
        ``on_point(enc)`` too (the enclosure so far); a true result stops the run there.  ``order`` = K > 0
        (H = 1): steps of the interval Taylor method of order K in Lohner's form (`flows.taylor`) wherever the
        neuron's type is constant on the step's a-priori box, the second-order steps elsewhere; the step size
        then follows the local error like h^{K+1} (at most doubled per step, never above ``h0``)."""
        _check_flow(flow, manifold)
        th0 = self.exact_theta(theta0)
        Tq = self._check_T(T)
        if flow == "normalized":
            self.check_on_manifold(th0, manifold)
        h0, hmin = _to_fmpq(h0, "h0"), _to_fmpq(hmin, "hmin")
        if h0 <= 0:
            raise InputError(f"the step h0 must be > 0, got {h0}", "h0")
        if hmin <= 0:
            raise InputError(f"the minimal step hmin must be > 0, got {hmin}", "hmin")
        prec, tol, max_steps = check_prec(prec), check_tol(tol), check_max_steps(max_steps)
        max_w = None if max_width is None else _to_fmpq(max_width, "max_width")
        enc = Enclosure(self, flow, manifold, th0, Tq, prec, h0=h0, order=order, tol=tol)
        taylor = None
        if order:
            if not (isinstance(order, int) and 1 <= order <= 30):
                raise InputError(f"the Taylor order must be an integer in [1, 30], got {order!r}", "order")
            if self.H == 1:
                from .taylor import TaylorField

                taylor = TaylorField(self, flow, manifold)
        with precision(prec):
            Y = [arb(q) for q in th0]
            par = None
            t, h = fmpq(0), h0
            enc.points.append((t, Y))
            good = 0
            last_taylor = None  # the size of the last accepted Taylor step
            start = time.perf_counter()
            while t < Tq:
                if len(enc.steps) >= max_steps:
                    enc.reason = f"max_steps = {max_steps} reached at t = {t}"
                    break
                if max_seconds is not None and time.perf_counter() - start > max_seconds:
                    enc.reason = f"time budget of {max_seconds} s used up at t = {t}"
                    break
                hs = min(h, Tq - t)
                res = None
                if taylor is not None:
                    from .taylor import taylor_step

                    res = taylor_step(taylor, Y, par, hs, order, lambda Z: self._tighten(Z, flow, manifold))
                high = res is not None
                if res is None and taylor is not None and last_taylor is not None and hs > last_taylor:
                    # a longer step than the last Taylor step failed: try shorter Taylor steps before the
                    # second-order stepper (whose long steps would add width)
                    enc.rejected += 1
                    h, good = hs / 2, 0
                    last_taylor = None if h <= last_taylor else last_taylor
                    if h < hmin:
                        enc.reason = f"step size below hmin = {hmin} at t = {t}"
                        break
                    continue
                if res is None:
                    res = self._step(Y, par, hs, flow, manifold, mean_value)
                err = None if res is None else res[4]
                if res is None or (tol is not None and err is not None and err > tol * _to_float(hs)
                                   and hs / 2 >= hmin):
                    enc.rejected += 1
                    h, good = hs / 2, 0
                    if h < hmin:
                        enc.reason = f"step size below hmin = {hmin} at t = {t}"
                        break
                    continue
                X, FX, Y, par, _, E = res
                if any(_too_wide(x) for x in X):
                    enc.reason = f"the enclosure is wider than {WIDE:g} at t = {t} (it has lost all information)"
                    break
                enc.steps.append(Step(t, t + hs, X, FX, E))
                t = t + hs
                enc.points.append((t, Y))
                if progress is not None:
                    progress(t)
                if on_point is not None and on_point(enc):
                    enc.reason = f"stopped by the caller at t = {t}"
                    break
                last_taylor = hs if high else None
                if high:  # the local error of order K grows like h^{K+1}
                    if (tol is None or err is None or err < tol * _to_float(hs) / 2 ** (order + 2)) and 2 * h <= h0:
                        h, good = 2 * h, 0
                else:
                    if tol is None or err is None or err < tol * _to_float(hs) / 16:
                        good += 1
                    if good >= 4 and 2 * h <= h0:
                        h, good = 2 * h, 0
                if max_w is not None and enc.width() > max_w:
                    enc.reason = f"enclosure wider than {max_width} at t = {t}"
                    break
            else:
                enc.complete = True
        return enc
