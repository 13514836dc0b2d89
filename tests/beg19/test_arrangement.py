"""beg19 claim 2 (`beg19.w1inf-arrangement-dd`): exact arrangement engine vs realization (d = 1) and
vs the exact branch and bound (d = 2, 3).  All comparisons are exact (fmpq)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from flint import arb, fmpq
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.beg19 import arrangement as A
from verify import realization as R
from verify.errors import InputError
from verify.nets import Network
from verify.numbers import contains

F = fmpq
NORMS = ("max", "sum", "grad2", "semi")


def q(x) -> fmpq:
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    return fmpq(x)


def net(d, neurons, e=0) -> Network:
    """Network from [(a tuple, b, c)], e."""
    a = [q(x) for nu in neurons for x in nu[0]]
    b = [q(nu[1]) for nu in neurons]
    c = [q(nu[2]) for nu in neurons]
    return Network((d, len(neurons), 1), tuple(a + b + c + [q(e)]))


def fr(lo=-3, hi=3, den=4):
    return st.fractions(min_value=lo, max_value=hi, max_denominator=den)


# ---- strategies --------------------------------------------------------------------------------

@st.composite
def nets_1d(draw, D: Fraction, shared: list, max_width: int = 5):
    """1-D nets with a = 0 neurons, kinks at ±D, kinks shared with ``shared``, random kinks."""
    neurons = []
    for _ in range(draw(st.integers(1, max_width))):
        a = draw(st.one_of(st.just(Fraction(0)), fr(-3, 3, 4)))
        kind = draw(st.sampled_from(("boundary", "shared", "free", "outside")))
        if kind == "boundary":
            t = draw(st.sampled_from((D, -D)))
        elif kind == "shared":
            t = draw(st.sampled_from(shared))
        elif kind == "outside":
            t = draw(st.sampled_from((D + 1, -D - Fraction(1, 3))))
        else:
            t = draw(fr(-2, 2, 6))
        b = -a * t if a != 0 else draw(fr(-2, 2, 3))
        neurons.append(((a,), b, draw(fr(-3, 3, 3))))
    return net(1, neurons, draw(fr(-2, 2, 3)))


@st.composite
def pair_1d(draw):
    D = draw(st.sampled_from((Fraction(1), Fraction(1, 2), Fraction(5, 3))))
    shared = draw(st.lists(fr(-2, 2, 4), min_size=1, max_size=3))
    n1 = draw(nets_1d(D, shared))
    if draw(st.booleans()):
        # the other net shares hyperplanes (same kinks, rescaled or flipped neurons)
        neurons = []
        for i in range(n1.H):
            lam = draw(st.sampled_from((Fraction(1), Fraction(2), Fraction(1, 3), Fraction(-1))))
            a, b, c = Fraction(str(n1.w(i)[0])), Fraction(str(n1.b(i))), Fraction(str(n1.v(i)))
            neurons.append(((lam * a,), lam * b, c + draw(st.sampled_from((0, 0, Fraction(1, 2))))))
        n2 = net(1, neurons, draw(fr(-1, 1, 2)))
    else:
        n2 = draw(nets_1d(D, shared))
    return n1, n2, q(D)


@st.composite
def nets_dd(draw, d: int, max_width: int = 5, hi: int = 3):
    neurons = []
    for _ in range(draw(st.integers(1, max_width))):
        a = tuple(draw(st.one_of(st.just(Fraction(0)), fr(-hi, hi, 3))) for _ in range(d))
        neurons.append((a, draw(fr(-hi, hi, 3)), draw(fr(-hi, hi, 3))))
    return net(d, neurons, draw(fr(-2, 2, 2)))


def check_inside(rep: A.ExactReport, enc: A.Enclosure, norm: str):
    """Exact value ∈ [lower, upper] (and per quantity), decided in ℚ."""
    assert enc.lower <= enc.upper
    assert enc.sup[0] <= rep.sup <= enc.sup[1]
    if norm != "grad2":
        assert enc.contains(rep.norm(norm)), (rep, enc)
        for (lo, hi), p in zip(enc.partials, rep.partials):
            assert lo <= p <= hi
    else:
        assert enc.grad2_sq[0] <= rep.grad2_sq <= enc.grad2_sq[1]
        # max(sup, √S) ∈ [lower, upper] ⟺ lower ≤ max(...) and max(...) ≤ upper, compared by squares
        assert enc.lower <= rep.sup or enc.lower * enc.lower <= rep.grad2_sq
        assert rep.sup <= enc.upper and rep.grad2_sq <= enc.upper * enc.upper


# ---- d = 1: equals the realization engine ---------------------------------------------------

@given(pair_1d())
@example((net(1, [((1,), 0, 1), ((1,), 0, -1)]), net(1, [((0,), 1, 2)]), F(1)))
@example((net(1, [((1,), -1, 1), ((-2,), -2, 3)]), net(1, [((1,), 1, 1)]), F(1)))
def test_1d_matches_realization(case):
    n1, n2, D = case
    for norm in NORMS:
        assert A.w1inf_exact(n1, n2, D, norm) == R.w1inf_distance(n1, n2, D, norm)
    assert A.sup_norm_exact(n1, n2, D) == R.linf_distance(n1, n2, D)
    f = R.difference(n1, n2, D)
    assert A.lip_norm_exact(n1, n2, D) == f.lip_norm()
    S, root = A.lip_norm_exact(n1, n2, D, norm="grad2")
    assert S == f.lip_norm() ** 2 and contains(root, f.lip_norm())


@settings(max_examples=30)
@given(pair_1d())
def test_1d_bnb_encloses_realization(case):
    n1, n2, D = case
    for norm in ("max", "sum"):
        enc = A.w1inf_bnb(n1, n2, D, norm=norm, max_boxes=400)
        assert enc.contains(R.w1inf_distance(n1, n2, D, norm))
        assert enc.sup[0] <= R.linf_distance(n1, n2, D) <= enc.sup[1]


# ---- d = 2, 3: exact value inside the branch-and-bound enclosure ----------------------------------

@settings(max_examples=40)
@given(nets_dd(2), nets_dd(2), st.sampled_from((Fraction(1), Fraction(1, 2), Fraction(3, 2))))
def test_2d_exact_inside_bnb(n1, n2, D):
    rep = A.w1inf_report(n1, n2, D)
    for norm in NORMS:
        check_inside(rep, A.w1inf_bnb(n1, n2, D, norm=norm, max_boxes=1500), norm)


@settings(max_examples=15)
@given(nets_dd(3, max_width=3), nets_dd(3, max_width=3))
def test_3d_exact_inside_bnb(n1, n2):
    rep = A.w1inf_report(n1, n2, 1)
    for norm in ("max", "grad2"):
        check_inside(rep, A.w1inf_bnb(n1, n2, 1, norm=norm, max_boxes=800), norm)


def _raw_value_and_gradient(nets, x):
    """f(x) and ∇f(x) from the raw neurons, or gradient None if x lies on a neuron's hyperplane."""
    (n1, n2) = nets
    val, grad, on_plane = F(0), [F(0)] * len(x), False
    for sgn, nt in ((1, n1), (-1, n2)):
        val += sgn * nt.c
        for i in range(nt.H):
            a = nt.w(i)
            z = nt.b(i) + sum((aj * xj for aj, xj in zip(a, x)), F(0))
            if z > 0:
                val += sgn * nt.v(i) * z
                grad = [g + sgn * nt.v(i) * aj for g, aj in zip(grad, a)]
            elif z == 0 and any(aj != 0 for aj in a) and nt.v(i) != 0:
                on_plane = True
    return val, (None if on_plane else tuple(grad))


@settings(max_examples=30)
@given(st.sampled_from((2, 3)).flatmap(lambda d: st.tuples(nets_dd(d, 4), nets_dd(d, 4))),
       st.lists(st.lists(fr(-1, 1, 7), min_size=3, max_size=3), min_size=1, max_size=12))
def test_cells_cover_sampled_points(nets, points):
    """Every sample point off the hyperplanes has a gradient that some enumerated cell has, and
    |f| ≤ sup there (independent evaluation from the raw neurons)."""
    n1, n2 = nets
    d = n1.d
    rep = A.w1inf_report(n1, n2, 1)
    grads = {c.gradient for c in A.cells(n1, n2, 1)}
    for p in points:
        x = tuple(q(v) for v in p[:d])
        val, grad = _raw_value_and_gradient(nets, x)
        assert abs(val) <= rep.sup
        if grad is not None and all(abs(v) < 1 for v in x):
            assert grad in grads
            assert all(abs(g) <= pj for g, pj in zip(grad, rep.partials))


# ---- planted / known values ---------------------------------------------------------------------

@given(nets_dd(2))
def test_identical_networks_give_zero(n1):
    for norm in NORMS:
        assert A.w1inf_exact(n1, n1, 1, norm) == 0
    enc = A.w1inf_bnb(n1, n1, 1)
    assert enc.lower == 0 == enc.upper


def test_rescaled_permuted_network_gives_zero():
    n1 = net(2, [((1, 2), F(1, 3), 2), ((-1, 1), 0, F(-1, 2)), ((0, 1), F(1, 2), 3)], 1)
    n2 = net(2, [((0, 2), 1, F(3, 2)), ((2, 4), F(2, 3), 1), ((-3, 3), 0, F(-1, 6))], 1)
    assert A.w1inf_exact(n1, n2, 1) == 0
    assert A.w1inf_bnb(n1, n2, 1).upper == 0


def test_single_neuron_square():
    one = net(2, [((1, 0), 0, 1)])
    zero = net(2, [((0, 0), 0, 0)])
    rep = A.w1inf_report(one, zero, 1)
    assert rep.sup == 1 and rep.partials == (1, 0) and rep.grad2_sq == 1
    assert A.sup_norm_exact(one, zero, 1) == 1
    assert A.lip_norm_exact(one, zero, 1) == 1
    for norm, value in (("max", 1), ("sum", 2), ("grad2", 1), ("semi", 1)):
        assert A.w1inf_exact(one, zero, 1, norm) == value
        enc = A.w1inf_bnb(one, zero, 1, norm=norm)
        assert enc.lower == value == enc.upper and enc.complete


@pytest.mark.parametrize("eps", [F(1, 100), F(1, 4), F(3, 7), F(1, 10 ** 6)])
def test_spec_2d_pathology_value(eps):
    """beg19 §3 C9 / pv.no-balance (2-D): Γ = (e₁, 0, 0), g = ερ(x₂): ‖g − R(Γ)‖_{W^{1,∞}} = ε."""
    gamma = net(2, [((1, 0), 0, 0)])
    g = net(2, [((0, 1), 0, eps)])
    assert A.w1inf_exact(g, gamma, 1) == eps
    assert A.w1inf_exact(gamma, g, 1, "grad2") == eps
    assert A.w1inf_exact(gamma, g, 1, "sum") == 2 * eps
    enc = A.w1inf_bnb(gamma, g, 1)
    assert enc.contains(eps)


def test_grad2_irrational_root():
    # f = ρ(x1 + x2): |∇f| = √2 > sup? sup = 2 on [−1,1]², so use D = 1/4: sup = 1/2 < √2
    f = net(2, [((1, 1), 0, 1)])
    zero = net(2, [((0, 0), 0, 0)])
    val = A.w1inf_exact(f, zero, F(1, 4), "grad2")
    assert isinstance(val, arb) and contains(val * val, 2)
    S, root = A.lip_norm_exact(f, zero, F(1, 4), norm="grad2")
    assert S == 2 and contains(root * root, 2)
    enc = A.w1inf_bnb(f, zero, F(1, 4), norm="grad2")
    assert enc.lower * enc.lower <= 2 <= enc.upper * enc.upper


def test_degenerate_arrangements_cell_counts():
    # 4 lines through the origin of the square: 8 cells; 4 generic planes through 0 in R³: 14
    lines = net(2, [((1, 0), 0, 1), ((0, 1), 0, 1), ((1, 1), 0, 1), ((1, -1), 0, 2)])
    zero2 = net(2, [((0, 0), 0, 0)])
    assert len(A.cells(lines, zero2, 1)) == 8
    planes = net(3, [((1, 0, 0), 0, 1), ((0, 1, 0), 0, 1), ((0, 0, 1), 0, 1), ((1, 1, 1), 0, 1)])
    zero3 = net(3, [((0, 0, 0), 0, 0)])
    assert len(A.cells(planes, zero3, 1)) == 14
    # a hyperplane through two corners of the square and a parallel one touching a corner only
    diag = net(2, [((1, 1), 0, 1), ((1, 1), -2, 5)])
    assert len(A.cells(diag, zero2, 1)) == 2
    assert A.w1inf_exact(diag, zero2, 1, "semi") == 1


def test_cancelling_opposite_pair_is_affine():
    # ρ(z) − ρ(−z) = z: no kink at all, f = x1 + x2 − 1/2 on the square
    pair = net(2, [((1, 1), F(-1, 2), 1), ((-1, -1), F(1, 2), -1)])
    zero = net(2, [((0, 0), 0, 0)])
    red = A.reduced_form(pair, zero, 1)
    assert red.planes == () and red.g == (1, 1) and red.e == F(-1, 2)
    assert A.w1inf_exact(pair, zero, 1) == F(5, 2)
    enc = A.w1inf_bnb(pair, zero, 1)
    assert enc.lower == F(5, 2) == enc.upper


def test_ball_domain():
    one = net(2, [((1, 0), 0, 1)])
    zero = net(2, [((0, 0), 0, 0)])
    enc = A.w1inf_bnb(one, zero, 1, domain="ball")
    assert enc.contains(1)
    # f = x1 + x2 on the unit disc (kink outside): sup = √2, gradient (1, 1)
    aff = net(2, [((1, 1), 5, 1)])
    enc = A.w1inf_bnb(aff, zero, 1, norm="semi", domain="ball")
    assert enc.lower == 1 == enc.upper
    enc = A.w1inf_bnb(aff, zero, 1, norm="max", domain="ball", max_boxes=3000)
    lo, hi = enc.sup
    # f = x1 + x2 + 5 on the disc: sup = 5 + √2, decided by squares: lo ≤ 5 + √2 ≤ hi
    assert lo <= 5 or (lo - 5) ** 2 <= 2
    assert hi >= 5 and (hi - 5) ** 2 >= 2
    assert hi - lo < F(1, 10)


# ---- bad input --------------------------------------------------------------------------------

def test_bad_input():
    two = net(2, [((1, 0), 0, 1)])
    one = net(1, [((1,), 0, 1)])
    with pytest.raises(InputError):
        A.w1inf_exact(two, one, 1)
    with pytest.raises(InputError):
        A.w1inf_bnb(two, one, 1)
    for D in (0, -1, F(-1, 2)):
        with pytest.raises(InputError):
            A.sup_norm_exact(two, two, D)
        with pytest.raises(InputError):
            A.w1inf_bnb(two, two, D)
    four = net(4, [((1, 0, 0, 0), 0, 1)])
    for fn in (A.sup_norm_exact, A.lip_norm_exact, A.w1inf_exact, A.w1inf_bnb):
        with pytest.raises(InputError):
            fn(four, four, 1)
    big = net(2, [((1, k), 0, 1) for k in range(11)])
    small = net(2, [((k, 1), 0, 1) for k in range(10)])
    for fn in (A.sup_norm_exact, A.lip_norm_exact, A.w1inf_exact):
        with pytest.raises(InputError):
            fn(big, small, 1)
    assert A.w1inf_exact(big, small, 1, max_neurons=21) >= 0
    with pytest.raises(InputError):
        A.w1inf_exact(two, two, 1, norm="l2")
    with pytest.raises(InputError):
        A.lip_norm_exact(two, two, 1, norm="sum")
    with pytest.raises(InputError):
        A.w1inf_bnb(two, two, 1, domain="sphere")
    ball_theta = Network((2, 1, 1), (arb("0.1 +/- 0.01"), F(0), F(0), F(1), F(0)))
    with pytest.raises(InputError):
        A.w1inf_exact(ball_theta, two, 1)
    deep = Network((2, 1, 1, 1), tuple(F(1) for _ in range(7)))
    with pytest.raises(InputError):
        A.w1inf_exact(deep, two, 1)


def test_vertex_enumeration_is_the_1d_breakpoints():
    n1 = net(1, [((1,), F(-1, 2), 1), ((2,), 1, -1), ((1,), 3, 1)])
    zero = net(1, [((0,), 0, 0)])
    red = A.reduced_form(n1, zero, 1)
    pts = [p[0] for p in A.arrangement_vertices(red)]
    assert pts == sorted({F(-1), F(-1, 2), F(1, 2), F(1)})
