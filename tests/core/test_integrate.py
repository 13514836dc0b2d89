"""Engines against independent oracles: ℒ and 𝒢 by E1 (sweep), E1g (per-piece backprop),
atoms, balls, and a Simpson-rule oracle over Python Fractions (exact for the piecewise
quadratics involved), plus 1000-digit mpmath values for ball enclosures."""

from fractions import Fraction

import mpmath
import pytest
from flint import arb, fmpq
from hypothesis import given, strategies as st

from verify import strategies as vst
from verify.framework import Instance
from verify.integrate import Problem, risk_and_gradient
from verify.nets import Network
from verify.numbers import Undecided, contains, precision
from verify.problems import BoxMeasure, Constant, Density, ExpressionTarget, Polynomial
from verify.expr import parse_expression

Q = fmpq


def F(q):
    return Fraction(int(q.p), int(q.q))


def simpson_oracle(theta, H, a, b, xi, deriv0=Fraction(0)):
    """ℒ and 𝒢 for d = 1, Lebesgue on [a, b], constant target, by exact Simpson per piece."""
    w, bb, v, c = theta[:H], theta[H:2 * H], theta[2 * H:3 * H], theta[-1]
    cuts = {a, b} | {-bb[i] / w[i] for i in range(H) if w[i] != 0 and a < -bb[i] / w[i] < b}
    cuts = sorted(cuts)

    def integrand(x, lo, hi):
        mid = (lo + hi) / 2
        act = []
        for i in range(H):
            z = w[i] * mid + bb[i]
            act.append(Fraction(1) if z > 0 else (deriv0 if z == 0 else Fraction(0)))
        relu = [max(w[i] * x + bb[i], Fraction(0)) if act[i] == 1 or (w[i] * mid + bb[i]) > 0 else Fraction(0)
                for i in range(H)]
        relu = [(w[i] * x + bb[i]) if (w[i] * mid + bb[i]) > 0 else Fraction(0) for i in range(H)]
        r = c + sum(v[i] * relu[i] for i in range(H)) - xi
        g = [2 * v[i] * act[i] * x * r for i in range(H)] + [2 * v[i] * act[i] * r for i in range(H)] + \
            [2 * relu[i] * r for i in range(H)] + [2 * r]
        return [r * r] + g

    total = [Fraction(0)] * (3 * H + 2)
    for lo, hi in zip(cuts, cuts[1:]):
        m = (lo + hi) / 2
        fl, fm, fh = integrand(lo, lo, hi), integrand(m, lo, hi), integrand(hi, lo, hi)
        for k in range(len(total)):
            total[k] += (hi - lo) / 6 * (fl[k] + 4 * fm[k] + fh[k])
    return total[0], total[1:]


@given(vst.shallow_instances(d=1, measure_kinds=("lebesgue",)), st.sampled_from([Fraction(0), Fraction(1),
                                                                                   Fraction(1, 2)]))
def test_e1_matches_simpson_oracle(inst_json, deriv0):
    inst = Instance.from_json(inst_json)
    net = inst.net
    (a, b), = inst.measure.box
    rg = risk_and_gradient(Problem(net, inst.target, inst.measure, Q(deriv0.numerator, deriv0.denominator)))
    assert rg.exact and rg.engine == "E1"
    L, G = simpson_oracle([F(t) for t in net.theta], net.H, F(a), F(b), F(inst.target.constant), deriv0)
    assert F(rg.L) == L
    assert [F(g) for g in rg.G] == G


@given(vst.shallow_instances(d=1, measure_kinds=("lebesgue", "uniform")))
def test_e1_sweep_equals_per_piece_backprop(inst_json):
    inst = Instance.from_json(inst_json)
    prob = Problem(inst.net, inst.target, inst.measure)
    a, b = risk_and_gradient(prob), risk_and_gradient(prob, engine="E1g")
    assert a.L == b.L and a.G == b.G


@given(vst.shallow_instances(d=1, measure_kinds=("lebesgue", "uniform", "empirical")))
def test_ball_engines_enclose_exact_values(inst_json):
    inst = Instance.from_json(inst_json)
    prob = Problem(inst.net, inst.target, inst.measure)
    ex = risk_and_gradient(prob)
    try:
        ball = risk_and_gradient(prob, prec=128, exact=False)
    except Undecided:
        return  # kinks whose order 128 bits cannot decide: no claim is made
    assert contains(ball.L, ex.L)
    assert all(contains(g, e) for g, e in zip(ball.G, ex.G))


def test_density_engine_against_mpmath():
    """ρ(x) = 1 + x on [−1, 0], 1 − x on [0, 1]; E1 exact against 50-digit quadrature."""
    net = Network((1, 2, 1), tuple(Q(x) for x in ["3", "-2", "-1", "1", "1", "1/2", "-1/5"]))
    D = Density(((Q(-1), Q(0), (Q(1), Q(1))), (Q(0), Q(1), (Q(1), Q(-1)))))
    rg = risk_and_gradient(Problem(net, Constant(Q(2)), D))
    mpmath.mp.dps = 50
    r = lambda x: -mpmath.mpf(1) / 5 + max(3 * x - 1, 0) + max(-2 * x + 1, 0) / 2 - 2
    rho = lambda x: 1 + x if x < 0 else 1 - x
    L = mpmath.quad(lambda x: r(x) ** 2 * rho(x), [-1, 0, mpmath.mpf(1) / 3, mpmath.mpf(1) / 2, 1])
    assert abs(L - mpmath.mpf(int(rg.L.p)) / int(rg.L.q)) < mpmath.mpf(10) ** -40


def test_polynomial_target_exact_value():
    """P1 of the spec: 𝒩 ≡ 1/2 against f(x) = x on [0, 1]: ℒ = 1/12, 𝒢 = 0."""
    net = Network((1, 1, 1), (Q(0), Q(-1), Q(3), Q(1, 2)))
    rg = risk_and_gradient(Problem(net, Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),))))
    assert rg.L == Q(1, 12) and rg.G == [0, 0, 0, 0]


@pytest.mark.parametrize("prec", [64, 256])
def test_expression_target_encloses_1000_digit_value(prec):
    """𝒩 ≡ 𝔠 = 1/3 against f = sin(3x) on [0, 1]:
    ℒ = ∫(1/3 − sin 3x)² = 1/9 − (2/9)(1 − cos 3) + 1/2 − sin(6)/12, at 1000 digits."""
    net = Network((1, 1, 1), (Q(0), Q(-1), Q(1), Q(1, 3)))
    target = ExpressionTarget(parse_expression("sin(3*x)", 1))
    rg = risk_and_gradient(Problem(net, target, BoxMeasure(((Q(0), Q(1)),))), prec=prec)
    assert not rg.exact
    mpmath.mp.dps = 1000
    exact = mpmath.mpf(1) / 9 - mpmath.mpf(2) / 9 * (1 - mpmath.cos(3)) + mpmath.mpf(1) / 2 - mpmath.sin(6) / 12
    with precision(4000):
        assert rg.L.contains(arb(mpmath.nstr(exact, 1000, strip_zeros=False)[:900]) + arb(0, mpmath.mpf(10) ** -800))
        # 𝒢_𝔠 = 2∫(1/3 − sin 3x) = 2/3 − (2/3)(1 − cos 3)
        gc = mpmath.mpf(2) / 3 - mpmath.mpf(2) / 3 * (1 - mpmath.cos(3))
        assert rg.G[-1].contains(arb(mpmath.nstr(gc, 900)) + arb(0, mpmath.mpf(10) ** -800))
    assert rg.L.rad() < arb(2) ** (-prec // 2)


def test_e2_and_e3_agree_on_a_planar_instance():
    from verify.cjrr21.claims import TWO_D

    inst = Instance.from_json(TWO_D)
    prob = Problem(inst.net, inst.target, inst.measure)
    e2 = risk_and_gradient(prob)
    e3 = risk_and_gradient(prob, engine="E3")
    assert e2.engine == "E2" and e3.engine == "E3"
    assert contains(e3.L, e2.L)
    assert all(contains(g3, g2) for g2, g3 in zip(e2.G, e3.G))


def test_deep_network_in_one_dimension():
    """P4: widths (1, 1, 1, 1), θ = (0, 1, 1, 0, 1, 0): 𝒩 ≡ 1, ξ = 0 → ℒ = 1, 𝒢 = (1, 2, 2, 2, 2, 2)."""
    net = Network((1, 1, 1, 1), tuple(Q(x) for x in [0, 1, 1, 0, 1, 0]))
    rg = risk_and_gradient(Problem(net, Constant(Q(0)), BoxMeasure(((Q(0), Q(1)),))))
    assert rg.engine == "E1g" and rg.L == 1 and rg.G == [1, 2, 2, 2, 2, 2]
