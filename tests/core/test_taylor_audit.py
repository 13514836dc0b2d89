"""Audit of the certified Taylor stepper of 1-1-1 networks (`verify.flows.taylor`, proofs_notes/ejrw22.md#taylor-stepper).

References independent of `flows`: the field written again from the definitions (ℒ(θ) = ∫(N_θ − f)² p, 𝒢 = ∇ℒ with
ReLU'(0) = 0, the pieces read from the target and the density objects, f interpolated from its exact values) in
mpmath, solved by mpmath.odefun on stretches where the neuron's type does not change (checked along the reference);
tight float solves (scipy, rtol 1e-13) where a kink crosses a knot; and the second-order stepper (another code path),
whose certified boxes must meet the Taylor stepper's at every common time.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from flint import arb, arb_mat, fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mpf

from verify.flows import FlowSystem, enclose
from verify.flows.taylor import TaylorField, taylor_step
from verify.numbers import ball_bounds, precision
from verify.problems import BoxMeasure, Density, Indicator, PiecewiseLinear, Polynomial

Q = fmpq


def M(q) -> mpf:
    q = Q(q)
    return mpf(int(q.p)) / int(q.q)


def to_float(q) -> float:
    return int(q.p) / int(q.q)


def circle(t):
    t = Q(t)
    return (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)


# --------------------------------------------------------------------------------------------
# the reference field, from the definitions


class Ref:
    """F of the flow in mpmath: pieces from the density's pieces and the target's knots, f on a piece interpolated
    (degree ≤ 2) from exact values of `target.value`, every integral of a polynomial by its antiderivative, the
    active set {w x + b > 0} split at the kink."""

    def __init__(self, target, measure, flow, manifold):
        dens = [(Q(lo), Q(hi), [Q(c) for c in co]) for lo, hi, co in measure.pieces_1d()]
        A, B = dens[0][0], dens[-1][1]
        pts = sorted({A, B} | {lo for lo, _, _ in dens} | {Q(t) for t in target.knots_1d() if A < t < B})
        self.knots = [M(x) for x in pts]
        self.pieces = []
        for lo, hi in zip(pts, pts[1:]):
            mid = (lo + hi) / 2
            pco = next(co for a, b, co in dens if a <= mid <= b)
            xs = [lo + (hi - lo) * Q(k, 4) for k in (1, 2, 3)]
            sol = fmpq_mat([[1, x, x * x] for x in xs]).solve(fmpq_mat([[Q(target.value([x]))] for x in xs]))
            self.pieces.append((M(lo), M(hi), [M(sol[i, 0]) for i in range(3)], [M(c) for c in pco]))
        self.flow, self.manifold = flow, manifold

    @staticmethod
    def _int(co, a, b):
        return sum((c * (b ** (k + 1) - a ** (k + 1)) / (k + 1) for k, c in enumerate(co)), mpf(0))

    def grad(self, th):
        w, b, v, c = th
        G = [mpf(0)] * 4
        for lo, hi, fco, pco in self.pieces:
            cuts = [lo, hi]
            if w != 0 and lo < -b / w < hi:
                cuts = [lo, -b / w, hi]
            for a, bb in zip(cuts, cuts[1:]):
                act = w * (a + bb) / 2 + b > 0
                r = [c - fco[0], -fco[1], -fco[2]]
                if act:
                    r[0] += v * b
                    r[1] += v * w
                rp = [sum((r[i] * pco[k - i] for i in range(len(r)) if 0 <= k - i < len(pco)), mpf(0))
                      for k in range(len(r) + len(pco) - 1)]
                I0, I1 = self._int(rp, a, bb), self._int([mpf(0)] + rp, a, bb)
                G[3] += 2 * I0
                if act:
                    G[0] += 2 * v * I1
                    G[1] += 2 * v * I0
                    G[2] += 2 * (w * I1 + b * I0)
        return G

    def field(self, t, th):
        w, b = th[0], th[1]
        G = self.grad(th)
        if self.flow == "standard":
            return [-g for g in G]
        if self.manifold == "B":
            return [mpf(0), -G[1], -G[2], -G[3]]
        s = w * G[0] + b * G[1]
        return [s * w - G[0], s * b - G[1], -G[2], -G[3]]

    def signs(self, y):
        """The neuron's activity at every knot: constant along a path iff the type is."""
        return tuple(1 if y[0] * x + y[1] > 0 else -1 for x in self.knots)

    def solve(self, th, T, check=41):
        """mpmath.odefun from θ; asserts (test-design guard) that the type stays constant on [0, T]."""
        sol = mpmath.odefun(self.field, 0, [M(q) for q in th], tol=mpf(10) ** -(mpmath.mp.dps - 6))
        s0 = self.signs([M(q) for q in th])
        for k in range(1, check + 1):
            y = sol(M(T) * k / check)
            assert self.signs(y) == s0 and min(abs(y[0] * x + y[1]) for x in self.knots) > 1e-6
        return sol


@pytest.fixture
def taylor_count(monkeypatch):
    """Counts the steps the Taylor stepper took (not declined) in `enclose`: the tests must exercise it."""
    import verify.flows.taylor as tmod

    count = {"taken": 0}
    inner = tmod.taylor_step

    def counted(*a, **kw):
        res = inner(*a, **kw)
        count["taken"] += res is not None
        return res

    monkeypatch.setattr(tmod, "taylor_step", counted)
    return count


def ref_ball(x):
    return arb(mpmath.nstr(x, 45)) + arb("0 +/- 1e-28")


# --------------------------------------------------------------------------------------------
# systems

ZIGZAG_TINY = FlowSystem(PiecewiseLinear(((Q(0), Q(0)), (Q(1, 2), Q(1)), (Q(1), Q(0)))),
                         Density(((Q(0), Q(1, 4), (Q(1),)), (Q(1, 4), Q(1, 4) + Q(1, 10 ** 12), (Q(7),)),
                                  (Q(1, 4) + Q(1, 10 ** 12), Q(1), (Q(1, 2), Q(0), Q(1))))), 1)
STEP = FlowSystem(Indicator(interval=(Q(1, 3), None)), Density(((Q(-1), Q(1, 2), (Q(1),)), (Q(1, 2), Q(2), (Q(3),)))), 1)
LINE = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
BUMP = FlowSystem(Indicator(interval=(Q(1, 4), Q(3, 4))), BoxMeasure(((Q(0), Q(1)),), normalized=True), 1)


def test_reference_field_is_the_exact_field():
    """The mpmath reference agrees with `FlowSystem.field_exact` (exact rationals) at rational points."""
    with mpmath.workdps(40):
        for system in (ZIGZAG_TINY, STEP, LINE, BUMP):
            for th, flow, man in (([Q(3, 5), Q(-4, 5) * Q(1, 2), Q(3, 2), Q(-1, 4)], "normalized", "A"),
                                  ([Q(-1), Q(1, 3), Q(2), Q(1)], "normalized", "B"),
                                  ([Q(2), Q(-1, 3), Q(-5, 2), Q(1, 7)], "standard", "A")):
                if flow == "normalized" and man == "A":
                    th = list(circle(Q(-1, 3))) + th[2:]
                got = Ref(system.target, system.measure, flow, man).field(0, [M(q) for q in th])
                exact = system.field_exact(th, flow, man)
                assert all(abs(g - M(e)) < mpf(10) ** -35 for g, e in zip(got, exact))


# --------------------------------------------------------------------------------------------
# (1) defect: a parallelepiped centre with w = 0 (or hull(Y ∪ {m}) meeting w = 0) raised from Arb's series division


@pytest.mark.parametrize("mw", [Q(0), Q(-1, 10)])
def test_taylor_step_declines_a_centre_where_w_may_vanish(mw):
    """Θ_t ∈ Y = {θ} (kink strictly inside a piece, w = 1) and Θ_t ∈ m + A·R with m_w = 0 or −1/10: the series of
    x_k over m or over hull(Y ∪ {m}) divide by a w containing 0.  Arb's `arb_series` division raises
    (ZeroDivisionError / ValueError) instead of returning a non-finite ball; the step must decline (None), as its
    docstring says, so that `enclose` falls back to the second-order step, never crash."""
    tf = TaylorField(LINE, "standard", "A")
    with precision(128):
        th = [Q(1), Q(-1, 2), Q(1, 2), Q(0)]
        Y = [arb(q) for q in th]
        m = [arb(mw), arb(Q(-1, 2)), arb(Q(1, 2)), arb(0)]
        A = arb_mat([[1 if i == j else 0 for j in range(4)] for i in range(4)])
        R = arb_mat([[y - mk] for y, mk in zip(Y, m)])
        assert tf.type_of(Y) == (0, 1)
        assert taylor_step(tf, Y, (m, A, R), Q(1, 64), 8, lambda Z: Z) is None
        assert tf.coefficients([arb(0), arb(1), arb(1), arb(0)], (0, 1), 4) is None


# --------------------------------------------------------------------------------------------
# (2) the mean-value form over hull(Y ∪ {m}): a centre far from Y


@pytest.mark.parametrize("K, h", [(8, Q(1, 8)), (3, Q(1, 16)), (20, Q(1, 32))])
def test_taylor_step_far_centre_contains_reference(K, h):
    """M_B, kink at 1/3 inside the piece (0, 1/2) of the zigzag target: the step from Y = {θ} with a parallelepiped
    centre m far from Y (Δb = 1/10, Δv = 1/2, Δc = −1/2; Θ_t ∈ m + I·(Y − m)).  P(Θ_t) ∈ P(m) + DP(Ŷ)(Θ_t − m) needs
    DP over the hull of Y and m: DP over Y alone misses P(θ) by O(|θ − m|²).  The step box and the point enclosure
    contain the reference solution."""
    system = ZIGZAG_TINY
    tf = TaylorField(system, "normalized", "B")
    th = [Q(1), Q(-1, 3), Q(3, 2), Q(0)]
    with mpmath.workdps(40):
        sol = Ref(system.target, system.measure, "normalized", "B").solve(th, h)
        y = sol(M(h))
        with precision(128):
            Y = [arb(q) for q in th]
            m = [arb(1), arb(Q(-1, 3) + Q(1, 10)), arb(Q(2)), arb(Q(-1, 2))]
            A = arb_mat([[1 if i == j else 0 for j in range(4)] for i in range(4)])
            R = arb_mat([[yk - mk] for yk, mk in zip(Y, m)])
            res = taylor_step(tf, Y, (m, A, R), h, K, lambda Z: Z)
            assert res is not None
            X, _, Y1, (m1, A1, R1), _, _ = res
            for k in range(4):
                assert Y1[k].overlaps(ref_ball(y[k])), (k, Y1[k], y[k])
                assert X[k].overlaps(ref_ball(y[k]))
            # the new parallelepiped too: y − m1 ∈ A1·R1
            box = A1 * R1
            assert all((m1[k] + box[k, 0]).overlaps(ref_ball(y[k])) for k in range(4))


# --------------------------------------------------------------------------------------------
# (3) whole runs against the reference on stretches of constant type


CASES = [
    # system, θ, flow, manifold, T, order, h0, prec, tol: the type is constant along the reference (checked)
    (ZIGZAG_TINY, [Q(4, 5), Q(-3, 5), Q(-3, 2), Q(1, 2)], "normalized", "A", Q(1, 2), 20, Q(4), 128, 1e-9),  # kink in (1/2, 1)
    (ZIGZAG_TINY, [Q(-1), Q(2, 9), Q(2), Q(1, 2)], "normalized", "B", Q(1, 4), 1, Q(1), 64, None),      # kink in (1/4⁺, 1/2), w < 0
    (STEP, [Q(-1), Q(-1, 3), Q(-3, 2), Q(-1, 2)], "normalized", "B", Q(1, 2), 12, Q(1, 4), 128, 1e-9),   # kink in (−1, 1/3)
    (LINE, [Q(8, 5), Q(-6, 5), Q(2), Q(1, 2)], "standard", "A", Q(1, 2), 5, Q(1), 128, 1e-8),            # kink in (0, 1)
    (BUMP, [Q(12, 13), Q(-5, 13), Q(1, 2), Q(1, 2)], "normalized", "A", Q(1, 2), 8, Q(1, 4), 64, 1e-7),  # kink in (1/4, 3/4)
    (LINE, [Q(3, 5), Q(4, 5), Q(1, 2), Q(0)], "standard", "A", Q(1), 8, Q(1), 128, 1e-9),                 # active everywhere
    (BUMP, [Q(3, 5), Q(-4, 5), Q(3), Q(2)], "normalized", "A", Q(1), 3, Q(1), 128, 1e-9),                 # dead: only c
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_taylor_enclosure_contains_mpmath_reference(case, taylor_count):
    system, th, flow, man, T, K, h0, prec, tol = CASES[case]
    enc = enclose(system, th, T, flow, man, h0=h0, order=K, prec=prec, max_steps=400, tol=tol)
    assert enc.complete, enc.reason
    assert taylor_count["taken"] >= len(enc.steps) // 2
    with mpmath.workdps(40):
        sol = Ref(system.target, system.measure, flow, man).solve(th, T)
        for t, Y in enc.points[1:]:
            y = sol(M(t))
            assert all(Y[k].overlaps(ref_ball(y[k])) for k in range(4)), (t, Y, y)
        for stp in enc.steps[:: max(1, len(enc.steps) // 6)]:
            for frac in (Q(1, 5), Q(4, 5)):
                y = sol(M(stp.t0 + (stp.t1 - stp.t0) * frac))
                assert all(stp.X[k].overlaps(ref_ball(y[k])) for k in range(4))
            # Step.E ∋ ∫|F|² over the step (mpmath quadrature of |F|² along the reference)
            ref = Ref(system.target, system.measure, flow, man)
            E = mpmath.quad(lambda s: sum(f * f for f in ref.field(0, sol(s))), [M(stp.t0), M(stp.t1)])
            assert stp.energy().overlaps(ref_ball(E)), (stp.t0, stp.energy(), E)


# --------------------------------------------------------------------------------------------
# (4) boxes: chained Taylor steps from a box, sampled solutions


def _float_flow(system, y0, T, flow, man):
    from scipy.integrate import solve_ivp

    sol = solve_ivp(lambda t, y: system.field_float(y, flow, man), (0, T), np.array(y0, float), method="DOP853",
                    rtol=1e-13, atol=1e-15)
    return sol.y[:, -1]


@pytest.mark.parametrize("system, th, flow, man, K, h, rad", [
    (ZIGZAG_TINY, [Q(1), Q(-3, 5), Q(2), Q(-1, 2)], "normalized", "B", 8, Q(1, 8), Q(1, 1000)),
    (STEP, [Q(1), Q(-1, 4), Q(1, 2), Q(1, 2)], "standard", "A", 5, Q(1, 64), Q(1, 200)),
    (LINE, [*circle(Q(1, 2)), Q(1, 2), Q(0)], "normalized", "A", 12, Q(1, 4), Q(1, 100)),
])
def test_chained_taylor_steps_from_a_box_contain_sampled_solutions(system, th, flow, man, K, h, rad):
    """Three steps from a box of radius rad (the parallelepiped carried from step to step): every sampled start
    (corners and interior points, on the circle for M_A) flows into each Y_n.  A wide box exercises the mean-value
    form and Lohner's QR transport, which point starts hardly touch."""
    tf = TaylorField(system, flow, man)
    tighten = lambda Z: system._tighten(Z, flow, man)  # noqa: E731
    rng = np.random.default_rng(0)
    with precision(128):
        Y = tighten([arb(q) if (man == "B" and k == 0) else arb(q) + arb(0, rad) for k, q in enumerate(th)])
        box = [tuple(to_float(e) for e in ball_bounds(y)) for y in Y]
        starts = []
        for _ in range(16):
            p = [lo + (hi - lo) * rng.choice([0.0, 1.0, rng.random()]) for lo, hi in box]
            if flow == "normalized" and man == "A":
                n = np.hypot(p[0], p[1])
                p[0], p[1] = p[0] / n, p[1] / n
                if not all(lo <= x <= hi for x, (lo, hi) in zip(p, box)):
                    continue
            starts.append(p)
        par, t = None, 0.0
        for _ in range(3):
            hs, res = h, None
            while res is None and hs >= h / 64:
                res = taylor_step(tf, Y, par, hs, K, tighten)
                hs = hs if res is not None else hs / 2
            assert res is not None
            _, _, Y, par, _, _ = res
            t += to_float(hs)
            for p in starts:
                y = _float_flow(system, p, t, flow, man)
                for k in range(4):
                    lo, hi = ball_bounds(Y[k])
                    assert to_float(lo) - 1e-10 <= y[k] <= to_float(hi) + 1e-10


# --------------------------------------------------------------------------------------------
# (5) kinks crossing knots, kinks on a knot at t = 0: the Taylor stepper against the second-order stepper


def _against_second_order(system, th, flow, man, T, K, h0, prec):
    """The Taylor enclosure (order K) meets the second-order one: every Y_n overlaps every second-order step box
    whose time interval contains t_n, and vice versa; and it contains a tight float solve (1e-9)."""
    enc = enclose(system, th, T, flow, man, h0=h0, order=K, prec=prec, max_steps=200, tol=1e-8)
    low = enclose(system, th, enc.t_reached, flow, man, h0=Q(1, 64), prec=128, max_steps=400, tol=1e-6)
    with precision(256):
        for a, b in ((enc, low), (low, enc)):
            for t, Y in a.points:
                for stp in b.steps:
                    if stp.t0 <= t <= stp.t1:
                        assert all(y.overlaps(x) for y, x in zip(Y, stp.X)), (t, Y, stp.X)
    if enc.t_reached > 0:
        ts = [to_float(t) for t, _ in enc.points]
        sim = system.simulate(th, enc.t_reached, flow, man, rtol=1e-13, atol=1e-15, t_eval=ts, max_step=1e-3)
        assert sim.success
        for n, (_, Y) in enumerate(enc.points):
            for k, y in enumerate(Y):
                lo, hi = ball_bounds(y)
                x = sim.states[n, k]
                assert to_float(lo) - 1e-9 * (1 + abs(x)) <= x <= to_float(hi) + 1e-9 * (1 + abs(x))
    return enc


@pytest.mark.parametrize("system, th, flow, man, K, h0, prec", [
    (ZIGZAG_TINY, [Q(1), Q(-1, 2), Q(2), Q(1, 3)], "normalized", "B", 8, Q(1, 2), 128),    # kink on the knot 1/2
    (ZIGZAG_TINY, [Q(-1), Q(1, 4), Q(-2), Q(1, 3)], "normalized", "B", 20, Q(4), 64),      # on the density break 1/4
    (STEP, [Q(1), Q(-1, 3), Q(20), Q(1, 3)], "normalized", "B", 5, Q(1), 128),              # on the indicator's jump
    (BUMP, [Q(1), Q(-3, 4), Q(1, 2), Q(1, 3)], "standard", "A", 12, Q(1, 4), 64),           # on the jump at 3/4
    (LINE, [Q(1), Q(0), Q(-2), Q(1, 3)], "standard", "A", 2, Q(1), 128),                    # on A
])
def test_kink_on_a_knot_at_t0(system, th, flow, man, K, h0, prec, taylor_count):
    _against_second_order(system, th, flow, man, Q(1, 8), K, h0, prec)
    assert taylor_count["taken"] > 0


@st.composite
def _instances(draw):
    system = draw(st.sampled_from([ZIGZAG_TINY, STEP, LINE, BUMP]))
    man = draw(st.sampled_from(["A", "B"]))
    flow = "normalized" if man == "B" else draw(st.sampled_from(["normalized", "standard"]))
    if man == "B":
        w = Q(draw(st.sampled_from([1, -1])))
        b = -w * draw(st.sampled_from(system.bps + [Q(1, 3), Q(-2), Q(3, 5)]))
    else:
        w, b = circle(Q(draw(st.integers(-8, 8)), draw(st.integers(1, 8))))
    v = Q(draw(st.integers(-12, 12)), draw(st.integers(1, 4)))
    c = Q(draw(st.integers(-4, 4)), 2)
    K = draw(st.sampled_from([1, 2, 5, 8, 20]))
    h0 = draw(st.sampled_from([Q(1, 4), Q(1), Q(4)]))
    prec = draw(st.sampled_from([64, 128]))
    return system, [w, b, v, c], flow, man, K, h0, prec


@given(_instances())
@settings(max_examples=6)
def test_taylor_meets_second_order_and_float(inst):
    system, th, flow, man, K, h0, prec = inst
    _against_second_order(system, th, flow, man, Q(1, 8), K, h0, prec)
