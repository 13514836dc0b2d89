"""Tests of verify.beg19.fibre: the restricted set Ñ, the normalize map, parameter distances and the certified
1-D fibre-distance bounds (beg19 claims 7-17, planted violations §4)."""

from fractions import Fraction

import pytest
from flint import arb, fmpq
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.beg19 import fibre
from verify.errors import InputError
from verify.beg19.fibre import (FibreBounds, d_perm_scale, d_perm_scale_bounds, d_sym, exact_sqrt, fibre_bounds,
                          fibre_lower, fibre_upper, normalize, pair_scale_cost, param_distance,
                          restricted_violations)
from verify.nets import Network
from verify.numbers import arb_to_fmpq, contains
from verify.realization import canonical, same_realization, w1inf_distance

F = fmpq
# inherit the active profile; never more than 50 examples
CAP = settings(max_examples=min(settings().max_examples, 40))
SMALL = settings(max_examples=min(settings().max_examples, 15))


def net(neurons, e=0) -> Network:
    """A 1-D network from [(a, b, c)] and e (ints / Fractions / fmpq)."""
    ns = [tuple(_q(x) for x in n) for n in neurons]
    return Network((1, len(ns), 1), tuple([n[0] for n in ns] + [n[1] for n in ns] + [n[2] for n in ns] + [_q(e)]))


def net2(neurons, e=0) -> Network:
    """A 2-D network from [((a1, a2), b, c)]."""
    th = [_q(x) for n in neurons for x in n[0]] + [_q(n[1]) for n in neurons] + [_q(n[2]) for n in neurons]
    return Network((2, len(neurons), 1), tuple(th + [_q(e)]))


def _q(x) -> fmpq:
    if isinstance(x, fmpq):
        return x
    if isinstance(x, Fraction):
        return F(x.numerator, x.denominator)
    return F(x)


def rules(viol):
    return {r for r, _, _ in viol}


def check_bounds(G, g, b: FibreBounds):
    """The invariants every FibreBounds must satisfy."""
    assert b.upper is not None and b.witness is not None
    assert b.lower <= b.upper
    assert same_realization(b.witness, g)
    assert param_distance(G, b.witness) == b.upper


# --------------------------------------------------------------------------------------------
# helpers


@given(st.fractions(min_value=0, max_value=100, max_denominator=50))
@CAP
def test_exact_sqrt(q):
    r = exact_sqrt(_q(q))
    if r is not None:
        assert r >= 0 and r * r == _q(q)
    s = _q(q) * _q(q)
    assert exact_sqrt(s) == _q(q)


def test_exact_sqrt_negative_and_non_squares():
    assert exact_sqrt(F(-4)) is None
    assert exact_sqrt(F(2)) is None
    assert exact_sqrt(F(4, 9)) == F(2, 3)
    assert exact_sqrt(F(0)) == 0


# --------------------------------------------------------------------------------------------
# spec values (claims 7-12, 14)


@pytest.mark.parametrize("q", [2, 3, 7, 10])
def test_P0_zero_neuron(q):
    eps = F(1, q * q)
    G, g = net([(0, 0, 0)]), net([(1, 0, eps)])
    assert w1inf_distance(G, g) == eps
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower == b.upper == F(1, q)


@pytest.mark.parametrize("q,delta", [(2, F(1, 4)), (3, F(1, 6)), (4, F(1, 2)), (5, F(1, 5)), (10, F(3, 7))])
def test_P0b_small_neuron(q, delta):
    eps = F(1, q * q)
    G, g = net([(delta, 0, delta)]), net([(1, 0, eps)])
    assert w1inf_distance(G, g) == abs(eps - delta * delta)
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower == b.upper == abs(F(1, q) - delta)


@pytest.mark.parametrize("n", [4, 9, 16])
def test_P0prime_linf_instability(n):
    G = net([(0, 0, 0), (0, 0, 0)])
    g = net([(n * n, 0, F(1, n)), (n * n, -1, -F(1, n))])
    assert canonical(g).sup_norm() == F(1, n)
    assert w1inf_distance(G, g) == n
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower == b.upper == exact_sqrt(F(n))


def test_P0prime_n1_boundary_kink():
    """n = 1: the second kink sits on ∂Ω, so g = ρ(x) on Ω and two neurons can share the jump 1:
    dist = 1/√2 (each (α, 0, 1/(2α)), α = 1/√2), below the P0′ value √n = 1."""
    G = net([(0, 0, 0), (0, 0, 0)])
    g = net([(1, 0, 1), (1, -1, -1)])
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower * b.lower <= F(1, 2) <= b.upper * b.upper
    assert b.upper < 1


def test_P0prime_non_square_is_bracketed():
    n = 2
    G = net([(0, 0, 0), (0, 0, 0)])
    g = net([(n * n, 0, F(1, n)), (n * n, -1, -F(1, n))])
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower * b.lower <= 2 <= b.upper * b.upper
    assert b.upper - b.lower < F(1, 10 ** 5)


@pytest.mark.parametrize("eps", [F(2, 9), F(1, 10), F(1, 100), F(1, 9 * 16)])
def test_P1_unbalanced(eps):
    G, g = net([(1, 0, 0)]), net([(1, F(-1, 2), eps)])
    assert w1inf_distance(G, g) == eps
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower >= F(1, 3)
    assert b.lower == b.upper == F(1, 3)


@pytest.mark.parametrize("eps", [F(1, 4), F(1, 100), F(1, 10 ** 6)])
def test_P2_inactive(eps):
    G, g = net([(1, -2, 1)]), net([(1, 0, eps)])
    assert w1inf_distance(G, g) == eps
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower == b.upper == 2


@pytest.mark.parametrize("q", [2, 3, 10, 100])
def test_P3_redundant(q):
    eps = F(1, q * q)
    G = net([(1, 0, 1), (1, 0, 1)])
    g = net([(1, 0, 2), (1, F(-1, 2), eps)])
    assert w1inf_distance(G, g) == eps
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower == b.upper == 1 - F(1, q)


@pytest.mark.parametrize("eps", [F(1, 2), F(1, 4), F(1, 100), F(1, 10 ** 4)])
def test_P4_opposite(eps):
    G = net([(1, 0, 1), (-1, 0, -1)])
    g = net([(1, F(-1, 2), 1 + eps), (-1, F(1, 2), -1)], F(1, 2))
    assert w1inf_distance(G, g) == eps
    assert canonical(g).kinks == ((F(1, 2), eps),)
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower >= F(1, 2)
    assert b.lower == b.upper == F(1, 2)
    # the spec's witness has distance 1/2 and realizes g
    assert param_distance(G, g) == F(1, 2)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_hidden_affine(k):
    eps = F(1, k * k)
    G = net([(1, 2, 1), (-1, 2, 1)])
    g = net([(1, 0, eps), (0, 0, 0)], 4)
    assert canonical(G).kinks == () and canonical(G).left_value == 4 and canonical(G).left_slope == 0
    assert w1inf_distance(G, g) == eps
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower == b.upper == 2


@pytest.mark.parametrize("t1,t2", [(F(-1, 3), F(1, 2)), (F(0), F(3, 4)), (F(1, 2), F(-7, 8))])
def test_C14_flip_benign(t1, t2):
    G = net([(1, -t1, 1), (1, -t2, -1)])
    Gf = net([(-1, t1, 1), (-1, t2, -1)], t2 - t1)
    assert same_realization(G, Gf)
    assert restricted_violations(G) == [] and restricted_violations(Gf) == []
    assert d_sym(G, Gf) == 2
    b = fibre_bounds(G, Gf)
    check_bounds(G, Gf, b)
    assert b.lower == b.upper == 0
    assert fibre_upper(G, Gf)[1] == 0
    lo, hi = d_perm_scale_bounds(G, Gf)
    assert 0 < lo <= hi


@pytest.mark.parametrize("name,G,g,value", [
    ("P4", [(1, 0, 1), (-1, 0, -1)], ([(1, 0, 1), (-1, 0, -1), (1, F(-1, 2), F(1, 100))], 0), F(1, 2)),
    ("P3", [(1, 0, 1), (1, 0, 1)], ([(2, 0, 1), (2, -1, F(1, 200)), (0, 0, 0)], 0), F(9, 10)),
    ("P1", [(1, 0, 0)], ([(3, F(-3, 2), F(1, 300)), (0, 0, 0)], 0), F(1, 3)),
    ("P0'", [(0, 0, 0), (0, 0, 0)], ([(16, 0, F(1, 4)), (16, -1, F(-1, 4)), (0, 0, 0)], 0), F(2)),
    ("hidden-affine", [(1, 2, 1), (-1, 2, 1)], ([(1, 0, F(1, 4)), (0, 0, 0), (0, 0, 0)], 4), F(2)),
    ("P0", [(0, 0, 0)], ([(1, 0, F(1, 9)), (0, 0, 0)], 0), F(1, 3)),
    ("P2", [(1, -2, 1)], ([(2, 0, F(1, 20)), (5, -9, 1)], 0), F(2)),
])
def test_inverse_map_alone_reaches_spec_values(name, G, g, value):
    """g given by a wider network (m_g > m), so the padded-target witness is unavailable: the inverse
    map of claim 15 alone must reach the exact value."""
    G, g = net(G), net(*g)
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower == b.upper == value
    assert "witness: inverse map" in b.notes


@given(st.integers(2, 12), st.integers(0, 3))
@SMALL
@example(10, 0)
def test_pathology_refutes_inverse_stability(q, which):
    """§4: dist² > s²‖·‖ for s < q-dependent thresholds, decided in fmpq from the certified lower bound."""
    eps = F(1, q * q)
    G, g, need = [
        (net([(1, 0, 0)]), net([(1, F(-1, 2), eps / 9)]), F(1, 3)),
        (net([(1, -2, 1)]), net([(1, 0, eps)]), F(2)),
        (net([(1, 0, 1), (1, 0, 1)]), net([(1, 0, 2), (1, F(-1, 2), eps)]), 1 - F(1, q)),
        (net([(1, 0, 1), (-1, 0, -1)]), net([(1, F(-1, 2), 1 + eps), (-1, F(1, 2), -1)], F(1, 2)), F(1, 2)),
    ][which]
    norm = w1inf_distance(G, g)
    lo = fibre_lower(G, g)
    assert lo >= need
    s = need * q / 2          # s²‖·‖ ≤ need²/4 < lo²: (s, 2) inverse stability is refuted in fmpq
    assert lo * lo > s * s * norm


# --------------------------------------------------------------------------------------------
# Hypothesis: random Γ and structural edits


def rat(bound=3, den=4, zero=True):
    base = st.builds(lambda n, d: Fraction(n, d), st.integers(-bound * den, bound * den), st.integers(1, den))
    return st.one_of(st.just(Fraction(0)), base) if zero else base


@st.composite
def neurons1(draw, m):
    return [(draw(rat()), draw(rat()), draw(rat())) for _ in range(m)]


@st.composite
def edited(draw, max_width=3):
    """(Γ, Γ′): Γ random 1-D of width m ≤ 3, Γ′ a structural edit (same width), g = R(Γ′)."""
    m = draw(st.integers(1, max_width))
    G = draw(neurons1(m))
    e = draw(rat())
    delta = draw(st.sampled_from([Fraction(1, 4), Fraction(1, 9), Fraction(1, 10), Fraction(1, 100)]))
    P, eP = list(G), e
    i = draw(st.integers(0, m - 1))
    j = (i + 1) % m
    a, b, c = P[i]
    edit = draw(st.sampled_from(["move", "split-same", "split-near", "small", "flip", "perturb", "same"]))
    if edit == "move":
        P[i] = (a, b + a * delta, c)
    elif edit == "split-same" and m >= 2:
        P[i] = (a, b, c * (1 - delta))
        P[j] = (a * 2, b * 2, c * delta / 2)
    elif edit == "split-near" and m >= 2:
        P[i] = (a, b, c * (1 - delta))
        P[j] = (a, b + a * delta, c * delta)
    elif edit == "small":
        P[i] = (delta, -delta * Fraction(draw(st.integers(-3, 3)), 4), delta)
    elif edit == "flip":
        for k in sorted({i, j}):
            ak, bk, ck = P[k]
            P[k] = (-ak, -bk, ck)
            eP += ck * bk
    elif edit == "perturb":
        P = [tuple(x + delta * draw(st.integers(-2, 2)) for x in n) for n in P]
        eP = e + delta * draw(st.integers(-2, 2))
    elif edit == "same":
        lam = draw(st.sampled_from([Fraction(1, 2), Fraction(2), Fraction(3)]))
        P = [(lam * x, lam * y, z / lam) for x, y, z in P][::-1]
    return net(G, e), net(P, eP)


@given(edited())
@CAP
@example((net([(1, 0, 1), (-1, 0, -1)]), net([(1, F(-1, 2), F(11, 10)), (-1, F(1, 2), -1)], F(1, 2))))
@example((net([(1, 2, 1), (-1, 2, 1)]), net([(1, 0, F(1, 4)), (0, 0, 0)], 4)))
def test_bounds_on_structural_edits(pair):
    G, Gp = pair
    b = fibre_bounds(G, Gp)
    check_bounds(G, Gp, b)
    # Γ′ itself lies in the fibre of g = R(Γ′): both bounds are at most its distance
    assert b.upper <= param_distance(G, Gp)
    if same_realization(G, Gp):
        assert b.upper == 0 and b.lower == 0
        assert fibre_upper(G, Gp)[1] == 0


@st.composite
def near_degenerate(draw):
    """Φ with degeneracies (zero, c = 0, a = 0, kink on/outside ∂Ω, dead, duplicate, opposite, shared
    kink) and Γ = Φ + δ·noise: the fibre of g = R(Φ) contains Φ, so every lower bound is ≤ ‖Φ − Γ‖."""
    m = draw(st.integers(1, 3))
    P = []
    for _ in range(m):
        a, b, c = draw(rat()), draw(rat()), draw(rat())
        op = draw(st.sampled_from(["rand", "zero", "c0", "a0", "ext", "dead", "dup", "opp", "share"]))
        a1 = a if a != 0 else Fraction(1)
        if op == "zero":
            a = b = c = Fraction(0)
        elif op == "c0":
            c = Fraction(0)
        elif op == "a0":
            a = Fraction(0)
        elif op == "ext":
            a, b = a1, abs(a1) * draw(st.sampled_from([1, 2, -1, -2]))
        elif op == "dead":
            a, b = a1, -abs(a1) - abs(b)
        elif op in ("dup", "opp", "share") and P:
            x, y, _ = P[0]
            lam = Fraction(draw(st.integers(1, 3)), draw(st.integers(1, 3)))
            if op == "dup":
                a, b = lam * x, lam * y
            elif op == "opp":
                a, b = -lam * x, -lam * y
            elif x != 0:
                a, b = a1, y / x * a1
        P.append((a, b, c))
    eP = draw(rat())
    delta = draw(st.sampled_from([Fraction(1, 3), Fraction(1, 10), Fraction(1, 1000)]))
    G = [tuple(x + delta * draw(st.integers(-1, 1)) for x in n) for n in P]
    return net(G, eP + delta * draw(st.integers(-1, 1))), net(P, eP)


@given(near_degenerate())
@CAP
@example((net([(1, 0, 1), (-1, 0, F(-999, 1000))]), net([(1, 0, 1), (-1, 0, -1)])))
def test_lower_bound_sound_near_degenerate_fibre_members(pair):
    G, Phi = pair
    b = fibre_bounds(G, Phi)
    check_bounds(G, Phi, b)
    assert b.lower <= b.upper <= param_distance(G, Phi)


@given(st.tuples(rat(), rat(), rat()), rat(), st.tuples(rat(zero=False), rat(), rat(zero=False)), rat())
@CAP
@example((Fraction(1, 2), Fraction(1, 3), Fraction(2)), Fraction(0), (Fraction(1), Fraction(-1, 4), Fraction(1, 9)),
         Fraction(1, 2))
@example((Fraction(2), Fraction(-1), Fraction(-1, 2)), Fraction(1), (Fraction(3, 2), Fraction(1, 2), Fraction(4)),
         Fraction(-2, 3))
def test_width_one_matches_closed_form(n0, e0, n1, e1):
    """m = 1 and one target kink: dist = min over feasible orientations of max(minimax scale cost,
    |e − e_Γ|) (the orientation fixes e and must match the left slope) -- computed here independently
    of the relaxation; the certified lower bound must lie below it and (up to the bisection
    tolerance) reach it."""
    G, g = net([n0], e0), net([n1], e1)
    can = canonical(g)
    if len(can.kinks) != 1:
        return
    (t, J), = can.kinks
    beta0 = can.left_slope
    alpha0 = can.left_value + beta0
    lo_true = hi_true = None
    for s, e in ((1, alpha0), (-1, alpha0 - J * t)):
        if (s == 1 and beta0 == 0) or (s == -1 and beta0 == -J):
            r = fibre._minimax([(_q(n0[0]), s), (_q(n0[1]), -t * s)], [(_q(n0[2]), J)])
            lo_s, hi_s = max(r.lo, abs(e - _q(e0))), max(r.hi, abs(e - _q(e0)))
            lo_true = lo_s if lo_true is None else min(lo_true, lo_s)
            hi_true = hi_s if hi_true is None else min(hi_true, hi_s)
    b = fibre_bounds(G, g)
    check_bounds(G, g, b)
    assert b.lower <= hi_true and b.upper >= lo_true
    assert b.lower >= lo_true - F(1, 2 ** 22) * max(1, lo_true)     # bisection tolerance 2^-24·max(1, ·)
    if lo_true == hi_true:
        assert b.lower == lo_true


# --------------------------------------------------------------------------------------------
# the scalar minimax and the parameter distances


@given(st.lists(st.tuples(rat(), rat()), min_size=0, max_size=3), st.lists(st.tuples(rat(), rat()), max_size=2),
       st.lists(st.fractions(min_value=Fraction(1, 64), max_value=64, max_denominator=64), min_size=1, max_size=5))
@CAP
def test_minimax_lower_bound_is_below_every_value(lin, hyp, lams):
    lin = [(_q(p), _q(q)) for p, q in lin]
    hyp = [(_q(p), _q(q)) for p, q in hyp]
    r = fibre._minimax(lin, hyp)
    for lam in lams:
        assert r.lo <= fibre._F_exact(lin, hyp, _q(lam))
    if r.lam is not None:
        v = fibre._F_exact(lin, hyp, r.lam)
        assert v >= r.lo
        if r.exact and r.lam is not None and (lin or hyp):
            # the exact optimum is attained at the returned λ unless it is a limit at 0+ or ∞
            assert v >= r.lo
    if r.hi is not None:
        assert r.lo <= r.hi


def test_minimax_known_values():
    # max(|1 − λ|, |1 − 1/λ|... ): P3-type, optimum at λ = 1/q
    r = fibre._minimax([(1, 1), (0, F(-1, 2))], [(1, F(1, 100))])
    assert r.exact and r.lo == F(9, 10) and r.lam == F(1, 10)
    # irrational optimum √2 − 1 (balanced jump 2 from (1, 0, 1))
    r = fibre._minimax([(1, 1), (0, 0)], [(1, 2)])
    assert not r.exact
    assert r.lo <= F(41421356, 10 ** 8 + 1) + F(1, 10 ** 8) and r.hi >= F(414213, 10 ** 6)
    with_ball = arb(2).sqrt() - 1
    assert r.lo <= arb_to_fmpq(with_ball.mid()) + F(1, 10 ** 12)


def test_param_distance_and_d_sym():
    G = net([(1, 0, 1), (2, -1, 3)], 1)
    H = net([(2, -1, 3), (1, 0, 1)], 1)
    assert param_distance(G, H) == 2
    assert d_sym(G, H) == 0
    H2 = net([(2, -1, F(7, 2)), (1, F(1, 4), 1)], 0)
    assert d_sym(G, H2) == 1
    assert d_perm_scale(G, net([(4, -2, F(3, 2)), (F(1, 3), 0, 3)], 1)) == 0


@given(edited())
@CAP
def test_distance_chain(pair):
    """d_perm_scale ≤ d_sym ≤ ‖θ − θ′‖_∞ and the scale bounds are ordered."""
    G, H = pair
    lo, hi = d_perm_scale_bounds(G, H)
    assert lo <= hi <= d_sym(G, H) <= param_distance(G, H)
    v = d_perm_scale(G, H)
    if isinstance(v, fmpq):
        assert v == lo == hi
    else:
        assert contains(v, lo) and contains(v, hi)


def test_pair_scale_cost_rescaled_is_zero():
    assert pair_scale_cost(((F(1),), F(2), F(3)), ((F(1, 2),), F(1), F(6))) == (0, 0)
    lo, hi = pair_scale_cost(((F(1),), F(0), F(1)), ((F(-1),), F(0), F(1)))
    assert lo >= 1


# --------------------------------------------------------------------------------------------
# the restricted set Ñ


def test_restricted_violations_flags_each_pathology():
    assert rules(restricted_violations(net([(1, 0, 0)]))) == {"R1"}                       # P1
    assert rules(restricted_violations(net([(1, -2, 1)]))) == {"R2"}                      # P2
    assert rules(restricted_violations(net([(1, 0, 1), (1, 0, 1)]))) == {"R3"}            # P3
    assert rules(restricted_violations(net([(1, 0, 1), (-1, 0, -1)]))) == {"R4"}          # P4
    HA = net([(1, 2, 1), (-1, 2, 1)])
    v = restricted_violations(HA)
    assert rules(v) == {"R2"} and sorted(i for r, ix, _ in v for i in ix) == [0, 1]
    assert restricted_violations(HA, r2="nonvanishing") == []     # in Ñ under .r2-nonvanishing, .par-ab
    assert rules(restricted_violations(HA, r2="nonvanishing", par="a")) == {"R4"}
    # P2 under .bal-ab (ℓ2): Γ = (3, −4, 5) is balanced but invisible
    assert rules(restricted_violations(net([(3, -4, 5)]), bal="ab")) == {"R2"}
    assert rules(restricted_violations(net([(3, -4, 5)]))) == {"R1", "R2"}
    # C14 nets are in Ñ
    assert restricted_violations(net([(1, F(1, 3), 1), (1, F(-1, 2), -1)])) == []


def test_restricted_variants():
    G = net([(2, 1, 3)])
    assert rules(restricted_violations(G, bal="a", bal_norm="l2")) == {"R1"}
    assert restricted_violations(G, bal="ab", bal_norm="l1") == []
    assert rules(restricted_violations(G, bal="ab", bal_norm="linf")) == {"R1"}
    assert rules(restricted_violations(net([(1, 0, 1)]), bound=F(1, 2))) == {"bound"}
    assert restricted_violations(net([(1, 0, 1)]), bound=1) == []
    assert rules(restricted_violations(net([(1, F(1, 2), 1)]), bias=False)) == {"bias"}
    # dead neuron: nonvanishing flags it, interior flags it too
    dead = net([(1, -3, 1)])
    assert rules(restricted_violations(dead, r2="nonvanishing")) == {"R2"}
    # 2-D: ℓ2 balance compares squares; R2 on the cube uses ‖a‖_1
    G2 = net2([((3, 4), 1, 5), ((1, 0), 0, 1)])
    assert restricted_violations(G2) == []
    G2b = net2([((3, 4), 7, 5)])
    assert rules(restricted_violations(G2b)) == {"R2"}
    assert rules(restricted_violations(net2([((1, 1), 0, 1), ((2, 2), 0, 2)]), par="a")) >= {"R3"}
    assert rules(restricted_violations(net2([((1, 1), 0, 1), ((2, 2), 1, 2)]), par="ab")) == {"R1"}


# --------------------------------------------------------------------------------------------
# the normalize map


@st.composite
def degenerate_nets(draw):
    m = draw(st.integers(1, 5))
    ns = []
    for _ in range(m):
        op = draw(st.sampled_from(["rand", "balanced", "dup", "opp", "dead", "hidden", "zero", "const", "rescale"]))
        a, b, c = draw(rat(zero=False)), draw(rat()), draw(rat(zero=False))
        if op == "balanced":
            c = abs(a) * draw(st.sampled_from([1, -1]))
            b = a * Fraction(draw(st.integers(-3, 3)), 4)
        elif op == "dup" and ns:
            x, y, _ = ns[0]
            lam = Fraction(draw(st.integers(1, 4)), draw(st.integers(1, 4)))
            a, b = lam * x, lam * y
        elif op == "opp" and ns:
            x, y, z = ns[0]
            lam = Fraction(draw(st.integers(1, 4)), draw(st.integers(1, 4)))
            a, b = -lam * x, -lam * y
            if draw(st.booleans()):
                c = -z / lam          # exactly cancelling kink
        elif op == "dead":
            b = -abs(a) - abs(b)
        elif op == "hidden":
            b = abs(a) + abs(b)
        elif op == "zero":
            a = b = c = Fraction(0)
        elif op == "const":
            a = Fraction(0)
        elif op == "rescale" and ns:
            x, y, z = ns[-1]
            lam = Fraction(draw(st.sampled_from([1, 4, 9])), draw(st.sampled_from([1, 4])))
            a, b, c = lam * x, lam * y, z / lam
        ns.append((a, b, c))
    return net(ns, draw(rat()))


@given(degenerate_nets())
@CAP
@example(net([(1, 0, 1), (-1, 0, -1)]))
@example(net([(1, 2, 1), (-1, 2, 1)]))
@example(net([(1, 0, 1), (1, 0, 1)]))
@example(net([(1, -2, 1)]))
def test_normalize_keeps_realization_and_lands_in_restricted_set(G):
    out, stats = normalize(G)
    assert same_realization(G, out)
    assert w1inf_distance(G, out) == 0
    v = restricted_violations(out, r2="nonvanishing")
    placeholder = stats["width_out"] == 1 and all(x == 0 for x in out.theta[:3])
    assert not any(r in ("R3", "R4") for r, _, _ in v)
    r1 = {ix[0] for r, ix, _ in v if r == "R1"}
    assert r1 <= set(stats["unbalanced"])
    if not placeholder:
        assert not any(r == "R2" for r, _, _ in v)
        interior_bad = {ix[0] for r, ix, _ in restricted_violations(out) if r == "R2"}
        assert len(interior_bad) <= stats["affine_device"]
    assert stats["width_in"] == G.H and stats["width_out"] == out.H


def test_normalize_rational_squares_is_fully_balanced():
    # balanced neurons with distinct kinks, rescaled by squares: |c|/|a| = 1/λ² is a rational square
    G = net([(4, 2, F(1, 4)), (F(1, 4), F(-1, 8), 4), (-9, 3, F(-1, 9))], 2)
    out, stats = normalize(G)
    assert same_realization(G, out)
    assert restricted_violations(out) == []
    assert stats["unbalanced"] == [] and stats["affine_device"] == 0


def test_normalize_pathologies():
    # P4: the opposite pair cancels its kink, the affine remainder x needs one device neuron
    out, stats = normalize(net([(1, 0, 1), (-1, 0, -1)]))
    assert stats["cancelled"] == [[0, 1]] and stats["affine_device"] == 1
    assert same_realization(out, net([(1, 0, 1), (-1, 0, -1)]))
    # P3: duplicates merge
    out, stats = normalize(net([(1, 0, 1), (1, 0, 1)]))
    assert stats["merged"] == [[0, 1]] and out.H == 1
    # hidden affine: constant 4 on Ω, goes into e
    out, stats = normalize(net([(1, 2, 1), (-1, 2, 1)]))
    assert stats["hidden_affine"] == [0, 1] and out.theta[-1] == 4
    # dead
    out, stats = normalize(net([(1, -2, 1), (1, 0, 1)]))
    assert stats["dead"] == [0] and restricted_violations(out) == []
    # the flip absorbs an affine remainder when a subset of slopes matches (C14-type)
    G = net([(1, F(1, 3), 1), (1, F(-1, 2), -1), (1, F(1, 4), 1), (-1, F(-1, 4), 1)])
    out, stats = normalize(G)
    assert same_realization(G, out)
    assert stats["affine_device"] == 0 and stats["flipped"]


def test_normalize_2d():
    G = net2([((1, 0), 0, 1), ((-2, 0), 0, 3), ((3, 4), 1, 5), ((6, 8), 2, 1)])
    out, stats = normalize(G)
    assert stats["merged"] == [[0, 1], [2, 3]]
    assert stats["affine_device"] in (0, 1)
    # exact pointwise check on a grid of rational points (the realization is CPWL)
    pts = [(F(i, 4), F(j, 4)) for i in range(-4, 5) for j in range(-4, 5)]
    relu = lambda z: z if z > 0 else F(0)  # noqa: E731
    for x in pts:
        f = lambda N: N.forward(x, relu, lambda z: F(0), grad=False)[0]  # noqa: E731
        assert f(G) == f(out)


# --------------------------------------------------------------------------------------------
# bad input


def test_bad_input():
    G = net([(1, 0, 1)])
    G2 = net2([((1, 0), 0, 1)])
    with pytest.raises(InputError):
        fibre_bounds(G2, G)
    with pytest.raises(InputError):
        fibre_bounds(G, G2)
    with pytest.raises(InputError):
        fibre_upper(G, G, D=0)
    with pytest.raises(InputError):
        fibre_lower(G, G, D=-1)
    with pytest.raises(InputError):
        restricted_violations(G, D=0)
    with pytest.raises(InputError):
        restricted_violations(G, bal="b")
    with pytest.raises(InputError):
        normalize(G, D=F(-1, 2))
    with pytest.raises(InputError):
        d_sym(G, net([(1, 0, 1), (1, 0, 1)]))
    with pytest.raises(InputError):
        param_distance(G, G2)
    with pytest.raises(InputError):
        d_perm_scale(G, G2)
    # g with more kinks than Γ has neurons: no width-m network realizes it
    with pytest.raises(InputError):
        fibre_lower(G, net([(1, 0, 1), (1, F(-1, 2), 1)]))
    with pytest.raises(InputError):
        fibre_bounds(G, net([(1, 0, 1), (1, F(-1, 2), 1)]))
    assert fibre_upper(G, net([(1, 0, 1), (1, F(-1, 2), 1)])) == (None, None)


def test_other_domains():
    # D = 2: P2's neuron (1, −2, 1) kinks on ∂Ω; moving the kink to 0 still costs 2
    G, g = net([(1, -2, 1)]), net([(1, 0, F(1, 4))])
    b = fibre_bounds(G, g, D=2)
    check_bounds(G, g, b)
    assert b.lower == b.upper == 2
    b = fibre_bounds(G, g, D="1/2")
    assert b.lower == b.upper == 2
