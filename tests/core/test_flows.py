"""Tests of verify.flows: exact fields, box enclosures, the certified stepper (ejrw22 §2.4, §2.6)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from flint import arb, fmpq, fmpq_poly
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.errors import InputError
from verify.expr import parse_expression
from verify.flows import FlowSystem, enclose, field_enclosure, field_normalized, field_standard
from verify.numbers import ball_bounds, contains, precision
from verify.problems import (BoxMeasure, Constant, Density, Empirical, ExpressionTarget, Indicator, PiecewiseLinear,
                             Polynomial)

Q = fmpq
PREC = 128


# --------------------------------------------------------------------------------------------
# helpers and strategies


def circle(t) -> tuple[fmpq, fmpq]:
    t = Q(t)
    return (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)


# x0 with 1 + x0² a rational square s²: the circle points ±(1, −x0)/s have their kink exactly at x0
SQUARE_KINKS = {Q(0): Q(1), Q(3, 4): Q(5, 4), Q(-3, 4): Q(5, 4), Q(4, 3): Q(5, 3), Q(5, 12): Q(13, 12),
                Q(-5, 12): Q(13, 12)}


def kink_on_circle(x0, sgn=1):
    s = SQUARE_KINKS[Q(x0)]
    return Q(sgn) / s, -Q(sgn) * Q(x0) / s


@st.composite
def rationals(draw, lo=-2, hi=2, den=8):
    d = draw(st.integers(1, den))
    return Q(draw(st.integers(lo * d, hi * d)), d)


@st.composite
def systems(draw, H=None):
    A, B = draw(st.sampled_from([(Q(0), Q(1)), (Q(-3, 4), Q(3, 4)), (Q(0), Q(4, 3)), (Q(-5, 12), Q(3, 4)),
                                 (Q(3, 4), Q(4, 3))]))
    kind = draw(st.sampled_from(["constant", "affine", "quadratic", "zigzag", "indicator"]))
    if kind == "constant":
        f = Constant(draw(rationals()))
    elif kind == "affine":
        f = Polynomial((draw(rationals()), draw(rationals())))
    elif kind == "quadratic":
        f = Polynomial((draw(rationals()), draw(rationals()), draw(rationals())))
    elif kind == "zigzag":
        f = PiecewiseLinear(((A, Q(0)), ((A + B) / 2, draw(rationals(0, 3))), (B, Q(0))))
    else:
        f = Indicator(interval=((2 * A + B) / 3, None))
    mk = draw(st.sampled_from(["lebesgue", "uniform", "density"]))
    if mk == "density":
        cut = A + (B - A) * Q(draw(st.integers(1, 7)), 8)
        tiny = draw(st.sampled_from([Q(1), Q(1, 10 ** 12), Q(3)]))
        slope = draw(st.sampled_from([Q(0), Q(1)]))
        measure = Density(((A, cut, (Q(1),)), (cut, B, (tiny - slope * cut, slope))))
    else:
        measure = BoxMeasure(((A, B),), normalized=(mk == "uniform"))
    H = H or draw(st.integers(1, 2))
    return FlowSystem(f, measure, H)


@st.composite
def circle_neurons(draw, system):
    """(w, b) on the unit circle: generic, w ≈ 0 (kink far away), w ≈ ±1, or the kink exactly on A or B."""
    kind = draw(st.sampled_from(["generic", "near-one", "tiny", "kink-end", "kink-end"]))
    if kind == "kink-end":
        x0 = draw(st.sampled_from([x for x in (system.A, system.B) if x in SQUARE_KINKS]))
        return kink_on_circle(x0, draw(st.sampled_from([1, -1])))
    if kind == "near-one":
        t = draw(st.sampled_from([1, -1])) * (1 + Q(draw(st.sampled_from([1, -1])), 10 ** draw(st.integers(2, 5))))
    elif kind == "tiny":
        t = Q(draw(st.integers(-3, 3)), 10 ** draw(st.integers(2, 6)))
    else:
        t = Q(draw(st.integers(-8, 8)), draw(st.integers(1, 8)))
    return circle(t)


@st.composite
def points_on_manifold(draw, system, manifold="A"):
    H = system.H
    ws, bs = [], []
    for _ in range(H):
        if manifold == "A":
            w, b = draw(circle_neurons(system))
        else:
            w = Q(draw(st.sampled_from([1, -1])))
            b = draw(st.one_of(rationals(), st.sampled_from([-w * system.A, -w * system.B])))
        ws.append(w)
        bs.append(b)
    vs = [draw(rationals(-3, 3, 4)) for _ in range(H)]
    return ws + bs + vs + [draw(rationals(-2, 2, 4))]


def exact_dot(a, b):
    return sum((x * y for x, y in zip(a, b)), Q(0))


def to_float(q):
    return int(q.p) / int(q.q)


# --------------------------------------------------------------------------------------------
# exact fields at rational points


@given(st.data())
@settings(max_examples=30)
def test_normalized_field_tangent_and_energy_identity(data):
    system = data.draw(systems())
    H = system.H
    for manifold in ("A", "B"):
        th = data.draw(points_on_manifold(system, manifold))
        F = field_normalized(system, th, manifold)
        _, G = system.risk_gradient_exact(th)
        for i in range(H):
            if manifold == "A":
                assert F[i] * th[i] + F[H + i] * th[H + i] == 0      # tangent to the circle, exactly
            else:
                assert F[i] == 0                                     # M_B: w_i' = 0
            assert F[2 * H + i] == -G[2 * H + i]
        assert F[-1] == -G[-1]
        assert exact_dot(G, F) == -exact_dot(F, F)                   # ⟨𝒢, −P𝒢⟩ = −|P𝒢|²


@given(st.data())
@settings(max_examples=30)
def test_standard_field_conserves_kappa(data):
    system = data.draw(systems())
    H = system.H
    th = data.draw(points_on_manifold(system, "A"))
    scale = data.draw(st.sampled_from([Q(1), Q(5), Q(1, 3)]))
    th = [t * scale for t in th[:2 * H]] + th[2 * H:]                # off the manifold too
    F = field_standard(system, th)
    for i in range(H):  # dκ_i/dt = 2(w w' + b b' − v v') = 0
        assert th[i] * F[i] + th[H + i] * F[H + i] - th[2 * H + i] * F[2 * H + i] == 0


@given(st.data())
@settings(max_examples=20)
def test_float_field_matches_exact(data):
    system = data.draw(systems())
    th = data.draw(points_on_manifold(system, "A"))
    for flow in ("standard", "normalized"):
        exact = [to_float(q) for q in system.field_exact(th, flow)]
        fl = system.field_float([to_float(q) for q in th], flow)
        assert np.allclose(fl, exact, rtol=1e-9, atol=1e-9)
    L, _ = system.risk_gradient_exact(th)
    assert abs(system.risk_gradient_float([to_float(q) for q in th])[0] - to_float(L)) <= 1e-9 * (1 + abs(to_float(L)))


def test_field_normalized_pv6_values():
    """ejrw22 PV6/PV8 numbers: f ≡ 0, θ = (3/5, 4/5, 1, 0) on [0, 1]: 𝒢 = (6/5, 11/5, 62/25, 11/5), |P𝒢|² = 278/25."""
    system = FlowSystem(Constant(Q(0)), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(3, 5), Q(4, 5), Q(1), Q(0)]
    L, G = system.risk_gradient_exact(th)
    assert L == Q(31, 25) and G == [Q(6, 5), Q(11, 5), Q(62, 25), Q(11, 5)]
    F = field_normalized(system, th)
    assert exact_dot(F, F) == Q(278, 25)


# --------------------------------------------------------------------------------------------
# box enclosures


@st.composite
def boxes_around(draw, system, th):
    """A box around θ whose coordinates have random dyadic radii (kinks of θ on A/B make it straddle)."""
    out = []
    for q in th:
        r = Q(1, 2 ** draw(st.integers(2, 20)))
        lo = q - r * draw(st.sampled_from([0, 1, Q(1, 3)]))
        hi = q + r * draw(st.sampled_from([0, 1, 2]))
        out.append((lo, hi))
    return out


@given(st.data())
@settings(max_examples=30)
def test_field_enclosure_contains_exact_field(data):
    system = data.draw(systems())
    th = data.draw(points_on_manifold(system, "A"))
    if data.draw(st.booleans()):  # (w_1, b_1) = (0, 0) or w_1 = 0: boxes meeting the singular set
        th[0] = Q(0)
        th[system.H] = data.draw(st.sampled_from([Q(0), Q(1, 2), Q(-1)]))
    bounds = data.draw(boxes_around(system, th))
    flow = data.draw(st.sampled_from(["standard", "normalized"]))
    manifold = data.draw(st.sampled_from(["A", "B"]))
    with precision(PREC):
        X = [arb(lo).union(arb(hi)) for lo, hi in bounds]
        F = field_enclosure(system, X, flow, manifold)
        J = system.jacobian_enclosure(X, flow, manifold)
        L = system.risk_enclosure(X)
        pts = []
        for _ in range(3):
            p = []
            for x in X:
                lo, hi = ball_bounds(x)
                p.append(lo + (hi - lo) * Q(data.draw(st.integers(0, 64)), 64))
            pts.append(p)
        for p in pts:
            Fp = system.field_exact(p, flow, manifold, check=False)
            Lp, _ = system.risk_gradient_exact(p)
            assert all(contains(f, e) for f, e in zip(F, Fp)), (p, F, Fp)
            assert contains(L, Lp)
        if J is not None:  # mean-value inclusion F(y) − F(x) ∈ J(X)(y − x), checked exactly
            x, y = pts[0], pts[1]
            Fx = system.field_exact(x, flow, manifold, check=False)
            Fy = system.field_exact(y, flow, manifold, check=False)
            for k in range(system.D):
                s = sum((J[k][j] * arb(y[j] - x[j]) for j in range(system.D)), arb(0))
                assert contains(s, Fy[k] - Fx[k])


def test_field_enclosure_point_box_is_tight():
    system = FlowSystem(PiecewiseLinear(((Q(0), Q(0)), (Q(1, 2), Q(1)), (Q(1), Q(0)))),
                        Density(((Q(0), Q(1, 3), (Q(1),)), (Q(1, 3), Q(1), (Q(2), Q(1))))), 2)
    w1, b1 = circle(Q(-1, 3))
    w2, b2 = circle(Q(5, 2))
    th = [w1, w2, b1, b2, Q(1), Q(-1, 2), Q(0)]
    exact = system.field_normalized(th)
    with precision(PREC):
        F = system.field_enclosure(th)
        for f, e in zip(F, exact):
            assert contains(f, e)
            lo, hi = ball_bounds(f)
            assert hi - lo < Q(1, 10 ** 25)


# --------------------------------------------------------------------------------------------
# the certified stepper: closed forms (a), (b)


def moments(system):
    """m = ∫p, ∫fp, ∫f²p exactly (independently of verify.flows)."""
    m = fp = f2p = Q(0)
    for lo, hi, fco, pco in system.base:
        p, f = fmpq_poly(list(pco)), fmpq_poly(list(fco))
        for poly, acc in ((p, 0), (f * p, 1), (f * f * p, 2)):
            P = poly.integral()
            val = P(hi) - P(lo)
            if acc == 0:
                m += val
            elif acc == 1:
                fp += val
            else:
                f2p += val
    return m, fp, f2p


def closed_form_c(c0, m, fp, t):
    """c(t) = c* + (c0 − c*) e^{−2 m t}, c* = ∫fp/∫p: a ball of radius ~2^-320 (tighter than any
    enclosure it is compared with; at t = 0 exactly c0)."""
    if t == 0:
        return arb(c0)
    cs = fp / m
    with precision(320):
        return arb(cs) + arb(c0 - cs) * (arb(-2 * m * t)).exp()


def check_dead_start(system, th, T, flow, manifold="A", **kw):
    H = system.H
    m, fp, f2p = moments(system)
    enc = enclose(system, th, T, flow, manifold, prec=PREC, **kw)
    assert enc.complete
    with precision(PREC):
        for step in enc.steps:
            for t in (step.t0, (step.t0 + step.t1) / 2, step.t1):
                assert step.X[-1].contains(closed_form_c(th[-1], m, fp, t))
            for k in range(3 * H):  # w, b, v frozen
                assert contains(step.X[k], th[k])
        for t, Y in enc.points:
            assert Y[-1].contains(closed_form_c(th[-1], m, fp, t))
        cT = closed_form_c(th[-1], m, fp, enc.T)
        assert enc.risk_final().contains(m * cT * cT - 2 * fp * cT + f2p)
        assert enc.invariants()["consistent"]
    return enc


def test_dead_start_closed_form_normalized():
    """(a) every neuron inactive on [A, B]: c(t) = c* + (c0 − c*) e^{−2mt}."""
    f = PiecewiseLinear(((Q(0), Q(0)), (Q(1, 2), Q(1)), (Q(1), Q(0))))
    p = Density(((Q(0), Q(1, 3), (Q(1),)), (Q(1, 3), Q(1), (Q(2), Q(1)))))
    system = FlowSystem(f, p, 2)
    w1, b1 = kink_on_circle(Q(4, 3), 1)      # w > 0, kink 4/3 > B = 1: inactive
    w2, b2 = circle(Q(2))                    # (−3/5, 4/5): kink 4/3, w < 0: active on x < 4/3 ...
    w2, b2 = -w2, -b2                        # ... so flip: (3/5, −4/5), inactive on [0, 1]
    th = [w1, w2, b1, b2, Q(3, 2), Q(-2), Q(2)]
    enc = check_dead_start(system, th, 1, "normalized", h0=Q(1, 16), tol=1e-4)
    assert enc.width() < Q(1, 100)


def test_dead_start_first_order_and_manifold_b():
    system = FlowSystem(Polynomial((Q(1, 3), Q(1))), BoxMeasure(((Q(-3, 4), Q(3, 4)),), normalized=True), 1)
    w, b = kink_on_circle(Q(-3, 4), -1)      # kink exactly at A, w < 0: active only left of A
    check_dead_start(system, [w, b, Q(5), Q(-1)], Q(1, 2), "normalized", h0=Q(1, 16), mean_value=False)
    check_dead_start(system, [Q(1), Q(-1), Q(5), Q(-1)], Q(1, 2), "normalized", "B", h0=Q(1, 16))


def test_constant_target_inactive_neuron():
    """(b) constant target, inactive neuron: the same closed form, for both flows."""
    system = FlowSystem(Constant(Q(1, 2)), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(-4, 5), Q(-3, 5), Q(7), Q(-3)]   # w < 0, b < 0: z < 0 on [0, 1]
    check_dead_start(system, th, 1, "normalized", h0=Q(1, 16), tol=1e-4)
    check_dead_start(system, th, 1, "standard", h0=Q(1, 16), tol=None)


# --------------------------------------------------------------------------------------------
# (c) smooth stretch: all neurons fully active, against mpmath.odefun


def mp_reference(system, th, flow):
    """The field with every neuron active on all of [A, B] (polynomial in θ), solved by mpmath."""
    H = system.H
    mu = [Q(0)] * 3
    phi = [Q(0)] * 2
    for lo, hi, fco, pco in system.base:
        p, f = fmpq_poly(list(pco)), fmpq_poly(list(fco))
        x = fmpq_poly([0, 1])
        for k in range(3):
            P = (x ** k * p).integral()
            mu[k] += P(hi) - P(lo)
        for k in range(2):
            P = (x ** k * f * p).integral()
            phi[k] += P(hi) - P(lo)
    mp = mpmath.mp
    mu = [mp.mpf(int(q.p)) / int(q.q) for q in mu]
    phi = [mp.mpf(int(q.p)) / int(q.q) for q in phi]

    def field(t, y):
        w, b, v, c = y[:H], y[H:2 * H], y[2 * H:3 * H], y[3 * H]
        a0 = c + sum(v[i] * b[i] for i in range(H))
        a1 = sum(v[i] * w[i] for i in range(H))
        S0 = a0 * mu[0] + a1 * mu[1] - phi[0]
        S1 = a0 * mu[1] + a1 * mu[2] - phi[1]
        Gw = [2 * v[i] * S1 for i in range(H)]
        Gb = [2 * v[i] * S0 for i in range(H)]
        Gv = [2 * (w[i] * S1 + b[i] * S0) for i in range(H)]
        Fw, Fb = [-g for g in Gw], [-g for g in Gb]
        if flow == "normalized":
            for i in range(H):
                s = w[i] * Gw[i] + b[i] * Gb[i]
                Fw[i] += s * w[i]
                Fb[i] += s * b[i]
        return Fw + Fb + [-g for g in Gv] + [-2 * S0]

    y0 = [mp.mpf(int(q.p)) / int(q.q) for q in th]
    return mpmath.odefun(field, 0, y0, tol=mp.mpf(10) ** -25)


def mp_ball(x):
    return arb(mpmath.nstr(x, 35)) + arb("0 +/- 1e-25")


def check_against_mpmath(system, th, T, flow, h0, samples=8, guard=None, **kw):
    H = system.H
    with mpmath.workdps(35):
        sol = mp_reference(system, th, flow)
        enc = enclose(system, th, T, flow, prec=PREC, h0=h0, **kw)
        assert enc.complete
        # test-design guard: the reference stays fully active (kinks outside [A, B], w > 0 left of A)
        for t in np.linspace(0, float(T), 41)[1:]:
            y = sol(mpmath.mpf(t))
            for i in range(H):
                assert y[i] > 0 and -y[H + i] / y[i] < to_float(system.A) + (guard or 0)
        idx = np.unique(np.linspace(1, len(enc.points) - 1, samples).astype(int))  # t = 0: Y_0 = θ0 exactly
        with precision(PREC):
            for n in idx:
                t, Y = enc.points[n]
                y = sol(mpmath.mpf(int(t.p)) / int(t.q))
                for k in range(system.D):
                    assert Y[k].contains(mp_ball(y[k])), (t, k, Y[k], y[k])
            step = enc.steps[len(enc.steps) // 2]
            y = sol((mpmath.mpf(int(step.t0.p)) / int(step.t0.q) + mpmath.mpf(int(step.t1.p)) / int(step.t1.q)) / 2)
            assert all(x.contains(mp_ball(v)) for x, v in zip(step.X, y))
    return enc


def test_fully_active_matches_mpmath_h1():
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(3, 5), Q(4, 5), Q(1, 2), Q(0)]
    enc = check_against_mpmath(system, th, 1, "normalized", Q(1, 64))
    assert enc.width() < Q(1, 1000)
    check_against_mpmath(system, th, Q(1, 2), "standard", Q(1, 64))


def test_fully_active_matches_mpmath_h2_density():
    system = FlowSystem(Polynomial((Q(1, 2), Q(-1), Q(1))), Density(((Q(0), Q(1), (Q(1), Q(1))),)), 2)
    w1, b1 = circle(Q(1, 2))
    w2, b2 = circle(Q(1, 3))
    th = [w1, w2, b1, b2, Q(1), Q(-1, 2), Q(1, 4)]
    check_against_mpmath(system, th, Q(1, 2), "normalized", Q(1, 32))


# --------------------------------------------------------------------------------------------
# (d) kink started exactly on the domain end


def test_kink_on_left_end_moving_out_matches_mpmath():
    """θ = (1, 0, 1/2, 0): kink exactly at A = 0; b' = 1/4 > 0 pushes it out, the neuron stays fully active."""
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(1), Q(0), Q(1, 2), Q(0)]
    F = system.field_normalized(th)
    assert F[1] == Q(1, 4)
    check_against_mpmath(system, th, Q(1, 2), "normalized", Q(1, 64), guard=1e-30)


def test_kink_on_right_end_moving_in_contains_float_solution():
    """w < 0, kink exactly at B: the kink enters [A, B] (an event at t = 0); compared with a tight float solve."""
    system = FlowSystem(Polynomial((Q(0), Q(2))), BoxMeasure(((Q(0), Q(4, 3)),)), 1)
    w, b = kink_on_circle(Q(4, 3), -1)       # (−3/5, 4/5): active on [0, 4/3)
    th = [w, b, Q(1), Q(0)]
    enc = enclose(system, th, Q(1, 2), "normalized", prec=PREC, h0=Q(1, 64), tol=1e-4)
    assert enc.complete
    ts = [to_float(t) for t, _ in enc.points]
    sim = system.simulate(th, Q(1, 2), rtol=1e-12, atol=1e-14, t_eval=ts)
    assert sim.success
    kinks_inside = False
    for n, (t, Y) in enumerate(enc.points):
        for k, y in enumerate(Y):
            lo, hi = ball_bounds(y)
            assert to_float(lo) - 1e-8 <= sim.states[n, k] <= to_float(hi) + 1e-8
        kinks_inside |= bool(sim.kinks[n, 0] < 4 / 3 - 1e-6)
    assert kinks_inside
    assert enc.invariants()["consistent"]


# --------------------------------------------------------------------------------------------
# random short runs against float, outputs, invariants


def assert_contains_float_run(system, th, enc, flow):
    """Every point enclosure contains a tight float solve (solve_ivp, rtol 1e-12) up to 1e-7 relative, and the
    exact invariants are consistent with every box."""
    ts = [to_float(t) for t, _ in enc.points]
    sim = system.simulate(th, enc.t_reached, flow, rtol=1e-12, atol=1e-13, t_eval=ts)
    for n, (t, Y) in enumerate(enc.points):
        for k, y in enumerate(Y):
            lo, hi = ball_bounds(y)
            tol = 1e-7 * (1 + abs(sim.states[n, k]))
            assert to_float(lo) - tol <= sim.states[n, k] <= to_float(hi) + tol
    assert enc.invariants()["consistent"]


@given(st.data())
@settings(max_examples=8)
def test_enclosure_contains_float_solution(data):
    system = data.draw(systems())
    th = data.draw(points_on_manifold(system, "A"))
    flow = data.draw(st.sampled_from(["normalized", "standard"]))
    enc = enclose(system, th, Q(1, 4), flow, prec=PREC, h0=Q(1, 32), max_steps=64)
    assert_contains_float_run(system, th, enc, flow)
    with precision(PREC):
        sup = enc.sup_norm()
        lo, hi = ball_bounds(sup)
        assert max(abs(q) for q in th) - Q(1, 10 ** 6) <= lo <= hi and max(abs(q) for q in th) <= hi
        L0, _ = system.risk_gradient_exact(th)
        assert enc.energy_enclosure().overlaps(enc.risk_final())
        assert ball_bounds(enc.risk_final())[0] <= L0  # ℒ is non-increasing


def test_standard_flow_kappa_and_sup_norm():
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(2), Q(-1, 2), Q(3), Q(1)]
    enc = enclose(system, th, Q(1, 4), "standard", prec=PREC, h0=Q(1, 64), tol=1e-3)
    inv = enc.invariants()
    assert inv["name"] == "kappa" and inv["consistent"]
    with precision(PREC):
        for n in ("inf", "2"):
            lo, hi = ball_bounds(enc.sup_norm(n))
            assert 3 - Q(1, 10 ** 6) <= lo <= hi < 4
        n = next(k for k, (t, _) in enumerate(enc.points) if t >= Q(1, 8))
        t, Y = enc.points[n]
        assert all(x.overlaps(y) for x, y in zip(enc.box_at(t), Y))
        with pytest.raises(InputError, match="outside"):
            enc.box_at(1)


def test_standard_flow_through_singular_point():
    """(w, b) = (0, 0), v ≠ 0 (off 𝓡): no Jacobian, first-order steps; the enclosure must still contain
    the float solution (which leaves the singular point immediately)."""
    system = FlowSystem(Constant(Q(1)), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(0), Q(0), Q(1), Q(0)]
    enc = enclose(system, th, Q(1, 8), "standard", prec=PREC, h0=Q(1, 64))
    assert enc.complete and enc.invariants()["consistent"]
    m, fp, _ = moments(system)
    with precision(PREC):
        # one solution stays at (w, b) = (0, 0) (𝒢_w = 𝒢_b = 𝒢_v = 0 there) with c(t) = 1 − e^{−2t};
        # others leave (b > 0 makes 𝒢_b < 0): the enclosure must contain all of them
        for n, (t, Y) in enumerate(enc.points):
            if n:
                assert Y[-1].contains(closed_form_c(Q(0), m, fp, t))
            assert all(contains(Y[k], Q(0)) for k in range(2))


def test_simulate_records_kink_events():
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(12, 13), Q(-5, 13), Q(-1), Q(0)]  # kink at 5/12, the flow moves it
    sim = system.simulate(th, 1.0)
    assert sim.success and sim.states.shape[1] == 4
    assert np.all(np.diff(sim.risk) <= 1e-12)
    assert np.allclose(sim.states[:, 0] ** 2 + sim.states[:, 1] ** 2, 1, atol=1e-8)
    assert np.allclose(sim.kinks[:, 0], -sim.states[:, 1] / sim.states[:, 0])
    w, b = circle(Q(-1, 100))                 # kink at 0.02, near A = 0
    sim2 = system.simulate([w, b, Q(1), Q(0)], 2.0)
    assert all(len(e) == 3 for e in sim2.events)


# --------------------------------------------------------------------------------------------
# bad input


def test_bad_inputs():
    unit = BoxMeasure(((Q(0), Q(1)),))
    system = FlowSystem(Constant(Q(0)), unit, 1)
    th = [Q(3, 5), Q(4, 5), Q(1), Q(0)]
    with pytest.raises(InputError, match="T must be > 0"):
        system.enclose(th, 0)
    with pytest.raises(InputError, match="T must be > 0"):
        system.simulate(th, -1)
    with pytest.raises(InputError, match="not on M_A"):
        system.enclose([Q(1, 2), Q(1, 2), Q(1), Q(0)], 1)
    with pytest.raises(InputError, match="not on M_A"):
        system.field_normalized([Q(1, 2), Q(1, 2), Q(1), Q(0)])
    with pytest.raises(InputError, match="not on M_B"):
        system.field_normalized(th, "B")
    with pytest.raises(InputError, match="not on M_A"):
        system.simulate([0.5, 0.5, 1.0, 0.0], 1.0)
    with pytest.raises(InputError, match="atoms"):
        FlowSystem(Constant(Q(0)), Empirical(((Q(1, 2),),), (Q(1),)), 1)
    with pytest.raises(InputError, match="d = 1"):
        FlowSystem(Constant(Q(0)), BoxMeasure(((Q(0), Q(1)), (Q(0), Q(1)))), 1)
    with pytest.raises(InputError, match="piecewise polynomial"):
        FlowSystem(ExpressionTarget(parse_expression("sin(x)", 1)), unit, 1)
    with pytest.raises(InputError, match="negative"):
        FlowSystem(Constant(Q(0)), Density(((Q(0), Q(1), (Q(-1), Q(3))),)), 1)
    with pytest.raises(InputError, match="entries"):
        system.field_standard([Q(1), Q(0)])
    with pytest.raises(InputError, match="unknown flow"):
        system.field_exact(th, "gradient")
    with pytest.raises(InputError, match="unknown manifold"):
        system.enclose(th, 1, manifold="C")
    with pytest.raises(InputError, match="width H"):
        FlowSystem(Constant(Q(0)), unit, 0)
    with pytest.raises(InputError, match="exact rational"):
        system.enclose([arb("0.6 +/- 0.1"), Q(4, 5), Q(1), Q(0)], 1)


# --------------------------------------------------------------------------------------------
# (e) the Taylor stepper (order K, H = 1): the same references, longer steps


def test_taylor_fully_active_matches_mpmath():
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    th = [Q(3, 5), Q(4, 5), Q(1, 2), Q(0)]
    low = enclose(system, th, 1, "normalized", prec=PREC, h0=Q(1, 64))
    enc = check_against_mpmath(system, th, 2, "normalized", Q(1, 2), order=8, samples=12)
    assert len(enc.steps) < len(low.steps)  # long steps: the point of the method
    assert enc.width() < low.width()
    check_against_mpmath(system, th, 1, "standard", Q(1, 2), order=6)


def test_taylor_field_contains_exact_field():
    """F_type over a point ball contains the exact field (`integrate`, another code) for each type."""
    from verify.flows.taylor import TaylorField

    system = FlowSystem(PiecewiseLinear(((Q(0), Q(0)), (Q(1, 2), Q(1)), (Q(1), Q(0)))),
                        Density(((Q(0), Q(1, 3), (Q(1),)), (Q(1, 3), Q(1), (Q(1, 2), Q(1))))), 1)
    seen = set()
    for x0, sgn in [(Q(-1, 3), 1), (Q(1, 5), 1), (Q(1, 5), -1), (Q(2, 3), 1), (Q(2, 3), -1), (Q(7, 5), 1),
                    (Q(7, 5), -1), (Q(-1, 3), -1)]:
        w = Q(sgn)
        th = [w, -w * x0, Q(3, 2), Q(-1, 4)]
        for flow, man in (("standard", "A"), ("normalized", "B")):
            tf = TaylorField(system, flow, man)
            with precision(PREC):
                Y = [arb(q) for q in th]
                typ = tf.type_of(Y)
                seen.add(typ if isinstance(typ, str) else typ[1])
                got = tf.field(Y, typ)
            exact = system.field_standard(th) if flow == "standard" else system.field_normalized(th, "B")
            assert all(contains(g, e) for g, e in zip(got, exact)), (x0, sgn, flow, got, exact)
    assert seen == {"on", "off", 1, -1}


@given(st.data())
@settings(max_examples=8)
def test_taylor_enclosure_contains_float_solution(data):
    """Random 1-1-1 systems and starts on M_A (kinks crossing pieces and ends included): the order-8 enclosure
    contains a tight float solve at every point, and its invariants are consistent."""
    system = data.draw(systems(H=1))
    th = data.draw(points_on_manifold(system, "A"))
    flow = data.draw(st.sampled_from(["normalized", "standard"]))
    enc = enclose(system, th, Q(1, 2), flow, prec=PREC, h0=Q(1, 4), max_steps=200, order=8)
    assert_contains_float_run(system, th, enc, flow)
    with precision(PREC):
        energy = enc.energy_enclosure()
        assert energy is None or energy.overlaps(enc.risk_final())  # ℒ(Θ_T) = ℒ(Θ_0) − ∫|F|² (normalized flow)
    if flow == "normalized" and energy is not None:  # the per-step integrals against the float run (Simpson)
        from scipy.integrate import simpson

        i = len(enc.steps) // 2
        st_ = enc.steps[i]
        fine = np.linspace(to_float(st_.t0), to_float(st_.t1), 201)
        ref = system.simulate(th, fine[-1], flow, rtol=1e-12, atol=1e-13, t_eval=fine)
        vals = [float(np.sum(system.field_float(y, flow) ** 2)) for y in ref.states]
        integral = float(simpson(vals, x=fine)) if len(vals) == len(fine) else None
        if integral is not None:
            lo, hi = ball_bounds(st_.energy())
            assert to_float(lo) - 1e-6 * (1 + integral) <= integral <= to_float(hi) + 1e-6 * (1 + integral)


def test_taylor_order_is_checked():
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    with pytest.raises(InputError, match="Taylor order"):
        enclose(system, [Q(3, 5), Q(4, 5), Q(1, 2), Q(0)], 1, "normalized", order=0.5)
