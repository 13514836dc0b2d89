"""Tests of engine E2 (verify.polygon, exact, d = 2) and engine E3 (verify.boxes, rigorous boxes).

Independent oracles used here:
* closed forms for the moments of rectangles and triangles;
* hand-computed clipped polygons;
* an exact 1-D piecewise integration written with ``fractions.Fraction`` (networks whose
  neurons ignore all coordinates but the first reduce to 1-D problems times box widths);
* ``mpmath.quad`` at 50 digits on every linear piece (d = 1 and factorizing d = 3 cases);
* cross-engine containment: E3's rigorous enclosures must contain E2's exact values.
"""

from __future__ import annotations

from fractions import Fraction as F

import flint
import mpmath
import pytest
from oracle_poly import p_int, p_mul
from flint import arb, fmpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verify.boxes import shallow_risk_grad_boxes
from verify.errors import InputError
from verify.polygon import clip_halfplane, polygon_area, polygon_moments, shallow_risk_grad_2d

q = fmpq


def Q(x) -> fmpq:
    if isinstance(x, fmpq):
        return x
    x = F(x)
    return fmpq(x.numerator, x.denominator)


def cyc(poly):
    """Canonical rotation of a vertex cycle (orientation kept)."""
    poly = [(Q(x), Q(y)) for x, y in poly]
    if not poly:
        return []
    keys = [(F(int(x.p), int(x.q)), F(int(y.p), int(y.q))) for x, y in poly]
    k = keys.index(min(keys))
    return poly[k:] + poly[:k]


def toF(x: fmpq) -> F:
    return F(int(x.p), int(x.q))


def ball_contains_exact(ball: arb, x) -> bool:
    """Test oracle only: arb(fmpq) is a ball containing x, so this is a sound 'x in ball'.

    The conversion runs at 300 bits so that its own radius is far below the engine's."""
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 300
        return ball.contains(arb(Q(x)))
    finally:
        flint.ctx.prec = old


def ball_contains_mp(ball: arb, val, tol="1e-30") -> bool:
    """Test oracle: does ball (widened by tol) contain a 50-digit mpmath value?"""
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 300
        x = arb(mpmath.nstr(val, 60, strip_zeros=False))
        return (ball + arb("0 +/- " + tol)).contains(x)
    finally:
        flint.ctx.prec = old


# ----------------------------------------------------------------------------------------
# polygon_moments
# ----------------------------------------------------------------------------------------


def test_moments_unit_square():
    m = polygon_moments([(q(0), q(0)), (q(1), q(0)), (q(1), q(1)), (q(0), q(1))])
    assert m == {
        (0, 0): q(1),
        (1, 0): q(1, 2),
        (0, 1): q(1, 2),
        (2, 0): q(1, 3),
        (1, 1): q(1, 4),
        (0, 2): q(1, 3),
    }


def test_moments_unit_triangle_all_degrees():
    # ∫_{x,y>=0, x+y<=1} x^p y^q = p! q! / (p+q+2)!
    from math import factorial

    m = polygon_moments([(q(0), q(0)), (q(1), q(0)), (q(0), q(1))], max_degree=5)
    for (p, r), val in m.items():
        assert val == q(factorial(p) * factorial(r), factorial(p + r + 2))
    assert len(m) == 21


def test_moments_clockwise_negated():
    ccw = [(q(0), q(0)), (q(2), q(0)), (q(1), q(3))]
    m1 = polygon_moments(ccw)
    m2 = polygon_moments(ccw[::-1])
    assert all(m2[k] == -m1[k] for k in m1)
    assert polygon_area(ccw) == 3


def test_moments_degenerate_polygon_is_zero():
    m = polygon_moments([(q(0), q(0)), (q(1), q(1))])
    assert all(v == 0 for v in m.values())


small_q = st.builds(lambda n, d: fmpq(n, d), st.integers(-12, 12), st.integers(1, 6))


@settings(max_examples=60, deadline=None)
@given(small_q, small_q, small_q, small_q, st.integers(0, 3))
def test_moments_rectangle_closed_form(x0, y0, wx, wy, deg):
    wx, wy = abs(wx) + q(1, 7), abs(wy) + q(1, 5)
    x1, y1 = x0 + wx, y0 + wy
    m = polygon_moments([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], max_degree=deg)
    for p in range(deg + 1):
        for r in range(deg + 1 - p):
            ex = (x1 ** (p + 1) - x0 ** (p + 1)) / (p + 1) * (y1 ** (r + 1) - y0 ** (r + 1)) / (r + 1)
            assert m[(p, r)] == ex


@settings(max_examples=60, deadline=None)
@given(small_q, small_q, small_q, small_q, small_q, small_q)
def test_moments_triangle_closed_form(x1, y1, x2, y2, x3, y3):
    tri = [(x1, y1), (x2, y2), (x3, y3)]
    A = ((x2 - x1) * (y3 - y1) - (x3 - x1) * (y2 - y1)) / 2  # signed area
    m = polygon_moments(tri)
    sx, sy = x1 + x2 + x3, y1 + y2 + y3
    assert m[(0, 0)] == A
    assert m[(1, 0)] == A * sx / 3
    assert m[(0, 1)] == A * sy / 3
    assert m[(2, 0)] == A / 12 * (x1 * x1 + x2 * x2 + x3 * x3 + sx * sx)
    assert m[(0, 2)] == A / 12 * (y1 * y1 + y2 * y2 + y3 * y3 + sy * sy)
    assert m[(1, 1)] == A / 12 * (x1 * y1 + x2 * y2 + x3 * y3 + sx * sy)


# ----------------------------------------------------------------------------------------
# clip_halfplane
# ----------------------------------------------------------------------------------------

SQ = [(q(0), q(0)), (q(1), q(0)), (q(1), q(1)), (q(0), q(1))]


def test_clip_diagonal():
    pos = clip_halfplane(SQ, 1, 1, -1, True)  # x + y - 1 > 0
    neg = clip_halfplane(SQ, 1, 1, -1, False)
    assert cyc(pos) == cyc([(1, 0), (1, 1), (0, 1)])
    assert cyc(neg) == cyc([(0, 0), (1, 0), (0, 1)])


def test_clip_vertical_through_edges():
    pos = clip_halfplane(SQ, 2, 0, -1, True)  # x > 1/2
    neg = clip_halfplane(SQ, 2, 0, -1, False)
    assert cyc(pos) == cyc([(F(1, 2), 0), (1, 0), (1, 1), (F(1, 2), 1)])
    assert cyc(neg) == cyc([(0, 0), (F(1, 2), 0), (F(1, 2), 1), (0, 1)])


def test_clip_generic_line_pentagon():
    # y > x/3 + 1/3 cuts the left edge at (0, 1/3) and the right edge at (1, 2/3)
    neg = clip_halfplane(SQ, q(1, 3), -1, q(1, 3), False)  # x/3 + 1/3 - y <= 0 : above the line
    pos = clip_halfplane(SQ, q(1, 3), -1, q(1, 3), True)
    assert cyc(neg) == cyc([(0, F(1, 3)), (1, F(2, 3)), (1, 1), (0, 1)])
    assert cyc(pos) == cyc([(0, 0), (1, 0), (1, F(2, 3)), (0, F(1, 3))])
    # a corner cut: x + y > 3/2 leaves a triangle, the rest is a pentagon
    pos = clip_halfplane(SQ, 2, 2, -3, True)
    neg = clip_halfplane(SQ, 2, 2, -3, False)
    assert cyc(pos) == cyc([(1, F(1, 2)), (1, 1), (F(1, 2), 1)])
    assert cyc(neg) == cyc([(0, 0), (1, 0), (1, F(1, 2)), (F(1, 2), 1), (0, 1)])
    assert polygon_area(pos) + polygon_area(neg) == 1


def test_clip_degenerate_outputs_dropped():
    assert cyc(clip_halfplane(SQ, 1, 1, 0, True)) == cyc(SQ)  # touches at a corner only
    assert clip_halfplane(SQ, 1, 1, 0, False) == []  # would be the point (0,0)
    assert clip_halfplane(SQ, 1, 0, 0, False) == []  # would be the edge x = 0
    assert cyc(clip_halfplane(SQ, 1, 0, 0, True)) == cyc(SQ)
    assert clip_halfplane(SQ, 1, 0, -5, True) == []  # line misses the square
    assert cyc(clip_halfplane(SQ, 1, 0, -5, False)) == cyc(SQ)
    assert clip_halfplane(SQ, 0, 0, 0, True) == []  # {0 > 0} is empty
    assert cyc(clip_halfplane(SQ, 0, 0, 0, False)) == cyc(SQ)


@settings(max_examples=80, deadline=None)
@given(small_q, small_q, small_q, st.integers(0, 2))
def test_clip_partitions_moments(a1, a2, c, which):
    polys = [
        SQ,
        [(q(-1), q(0)), (q(2), q(-1)), (q(3), q(2)), (q(0), q(3))],
        [(q(0), q(0)), (q(3), q(1)), (q(1), q(2))],
    ]
    P = polys[which]
    pos = clip_halfplane(P, a1, a2, c, True)
    neg = clip_halfplane(P, a1, a2, c, False)
    mp_, mn, mP = polygon_moments(pos), polygon_moments(neg), polygon_moments(P)
    for k in mP:
        assert mp_[k] + mn[k] == mP[k]
    for part, sgn in ((pos, 1), (neg, -1)):
        if part:
            assert polygon_area(part) > 0
            for x, y in part:
                assert sgn * (c + a1 * x + a2 * y) >= 0


# ----------------------------------------------------------------------------------------
# independent 1-D reference (Fractions, exact piecewise polynomial integration)
# ----------------------------------------------------------------------------------------


def _kap(y, d0):
    return F(1) if y > 0 else (F(0) if y < 0 else d0)


def ref_1d_exact(w1, b, v, c, xi, lo, hi, deriv0):
    """1-D integrals over [lo, hi] of r = c + Σ v_i max(b_i + w_i x, 0) - f(x), where f is the
    constant xi, or the polynomial Σ_k xi[k] x^k when xi is a list."""
    w1, b, v = [F(x) for x in w1], [F(x) for x in b], [F(x) for x in v]
    fpoly = [F(x) for x in xi] if isinstance(xi, (list, tuple)) else [F(xi)]
    c, lo, hi, d0 = F(c), F(lo), F(hi), F(deriv0)
    H = len(b)
    pts = {lo, hi}
    for i in range(H):
        if w1[i] != 0:
            z = -b[i] / w1[i]
            if lo < z < hi:
                pts.add(z)
    pts = sorted(pts)
    out = {"rr": F(0), "r": F(0), "xr": F(0), "Ir": [F(0)] * H, "xIr": [F(0)] * H, "ur": [F(0)] * H}
    for s, t in zip(pts, pts[1:]):
        m = (s + t) / 2
        act = [(b[i] + w1[i] * m) > 0 for i in range(H)]
        kap = [F(1) if act[i] else F(0) for i in range(H)]
        for i in range(H):
            if w1[i] == 0:
                kap[i] = _kap(b[i], d0)
        r = [c, F(0)] + [F(0)] * max(0, len(fpoly) - 2)
        for k, fk in enumerate(fpoly):
            r[k] -= fk
        for i in range(H):
            if act[i]:
                r[0] += v[i] * b[i]
                r[1] += v[i] * w1[i]
        out["rr"] += p_int(p_mul(r, r), s, t)
        out["r"] += p_int(r, s, t)
        out["xr"] += p_int(p_mul([F(0), F(1)], r), s, t)
        for i in range(H):
            out["Ir"][i] += kap[i] * p_int(r, s, t)
            out["xIr"][i] += kap[i] * p_int(p_mul([F(0), F(1)], r), s, t)
            if act[i]:
                out["ur"][i] += p_int(p_mul([b[i], w1[i]], r), s, t)
    return out


def expected_from_1d(ref, v, other_sides):
    """Risk / gradient when neurons depend on x_1 only; other_sides = [(lo_k, hi_k), k >= 2]."""
    H = len(v)
    v = [F(x) for x in v]
    A = F(1)
    for lo, hi in other_sides:
        A *= F(hi) - F(lo)
    means = [(F(lo) + F(hi)) / 2 for lo, hi in other_sides]
    L = A * ref["rr"]
    Gw = []
    for i in range(H):
        Gw.append(2 * v[i] * A * ref["xIr"][i])
        for mk in means:
            Gw.append(2 * v[i] * A * mk * ref["Ir"][i])
    Gb = [2 * v[i] * A * ref["Ir"][i] for i in range(H)]
    Gv = [2 * A * ref["ur"][i] for i in range(H)]
    return L, Gw + Gb + Gv + [2 * A * ref["r"]]


def test_e2_matches_1d_reduction_fixed():
    w1 = [1, F(-2, 3), 0, 3, 0]
    b = [F(1, 3), F(1, 2), 1, F(-3, 2), 0]
    v = [2, F(-1, 2), F(1, 3), 1, 5]
    c, xi = F(1, 4), F(2, 3)
    box = ((F(-1), F(2)), (F(1, 2), F(5, 3)))
    for d0 in (F(0), F(1, 2), F(1)):
        L, G = shallow_risk_grad_2d(
            [(Q(x), q(0)) for x in w1], [Q(x) for x in b], [Q(x) for x in v], Q(c), Q(xi),
            tuple((Q(lo), Q(hi)) for lo, hi in box), Q(d0),
        )
        ref = ref_1d_exact(w1, b, v, c, xi, box[0][0], box[0][1], d0)
        L2, G2 = expected_from_1d(ref, v, [box[1]])
        assert toF(L) == L2
        assert [toF(g) for g in G] == G2


rat = st.builds(F, st.integers(-6, 6), st.integers(1, 4))


@st.composite
def rat_maybe_zero(draw):
    return F(0) if draw(st.integers(0, 9)) < 3 else draw(rat)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_e2_matches_1d_reduction_random(data):
    H = data.draw(st.integers(1, 5))
    lo = data.draw(rat)
    hi = lo + abs(data.draw(rat)) + F(1, 3)
    ylo = data.draw(rat)
    yhi = ylo + abs(data.draw(rat)) + F(1, 2)
    w1 = [data.draw(rat_maybe_zero()) for _ in range(H)]
    b = []
    for i in range(H):
        if w1[i] != 0 and data.draw(st.booleans()):
            b.append(-w1[i] * data.draw(st.sampled_from([lo, hi, (lo + hi) / 2])))  # kink on an edge
        else:
            b.append(data.draw(rat_maybe_zero()))
    v = [data.draw(rat_maybe_zero()) for _ in range(H)]
    c, xi = data.draw(rat_maybe_zero()), data.draw(rat)
    d0 = data.draw(st.sampled_from([F(0), F(1, 2), F(1)]))
    L, G = shallow_risk_grad_2d(
        [(Q(x), q(0)) for x in w1], [Q(x) for x in b], [Q(x) for x in v], Q(c), Q(xi),
        ((Q(lo), Q(hi)), (Q(ylo), Q(yhi))), Q(d0),
    )
    ref = ref_1d_exact(w1, b, v, c, xi, lo, hi, d0)
    L2, G2 = expected_from_1d(ref, v, [(ylo, yhi)])
    assert toF(L) == L2
    assert [toF(g) for g in G] == G2


def test_e2_symmetric_in_swapping_coordinates():
    w = [(q(1), q(-2)), (q(1, 2), q(3)), (q(0), q(1))]
    b, v = [q(1, 3), q(-1), q(1, 5)], [q(2), q(-1), q(1, 2)]
    box = ((q(-1), q(1)), (q(0), q(3, 2)))
    L, G = shallow_risk_grad_2d(w, b, v, q(1), q(1, 2), box, q(1, 2))
    Ls, Gs = shallow_risk_grad_2d([(y, x) for x, y in w], b, v, q(1), q(1, 2), box[::-1], q(1, 2))
    assert L == Ls
    H = 3
    for i in range(H):
        assert G[2 * i] == Gs[2 * i + 1] and G[2 * i + 1] == Gs[2 * i]
    assert G[2 * H:] == Gs[2 * H:]


# ----------------------------------------------------------------------------------------
# E2 inside E3 on random rational instances
# ----------------------------------------------------------------------------------------


@st.composite
def instance_2d(draw):
    H = draw(st.integers(1, 5))
    kind = draw(st.integers(0, 2))
    if kind == 0:
        box = ((F(-1), F(1)), (F(-1), F(1)))
    else:
        a1, a2 = draw(rat), draw(rat)
        if kind == 2:  # box away from the origin
            a1, a2 = abs(a1) + F(1, 2), abs(a2) + F(1, 3)
        box = ((a1, a1 + abs(draw(rat)) + F(1, 2)), (a2, a2 + abs(draw(rat)) + F(1, 4)))
    corners = [(x, y) for x in box[0] for y in box[1]]
    edge_pts = [((box[0][0] + box[0][1]) / 2, box[1][0]), (box[0][1], (box[1][0] + box[1][1]) / 3)]
    w, b = [], []
    for _ in range(H):
        wi = (draw(rat_maybe_zero()), draw(rat_maybe_zero()))
        if wi == (0, 0):
            bi = draw(st.sampled_from([F(1, 2), F(0), F(-2, 3), F(0)]))
        else:
            how = draw(st.integers(0, 3))
            if how == 0:
                p = draw(st.sampled_from(corners))
                bi = -(wi[0] * p[0] + wi[1] * p[1])
            elif how == 1:
                p = draw(st.sampled_from(edge_pts))
                bi = -(wi[0] * p[0] + wi[1] * p[1])
            else:
                bi = draw(rat_maybe_zero())
        w.append(wi)
        b.append(bi)
    v = [draw(rat_maybe_zero()) for _ in range(H)]
    c, xi = draw(rat_maybe_zero()), draw(rat_maybe_zero())
    d0 = draw(st.sampled_from([F(0), F(1, 2), F(1)]))
    return (
        [(Q(x), Q(y)) for x, y in w], [Q(x) for x in b], [Q(x) for x in v], Q(c), Q(xi),
        tuple((Q(lo), Q(hi)) for lo, hi in box), Q(d0),
    )


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance_2d(), st.sampled_from([1, 40, 300]))
def test_e2_inside_e3_random(inst, budget):
    w, b, v, c, xi, box, d0 = inst
    L, G = shallow_risk_grad_2d(w, b, v, c, xi, box, d0)
    assert L >= 0
    L3, G3, info = shallow_risk_grad_boxes(w, b, v, c, xi, box, d0, max_boxes=budget)
    assert info["boxes"] <= budget
    assert ball_contains_exact(L3, L)
    assert len(G3) == len(G) == 2 * len(w) + 2 * len(w) + 1
    for g, g3 in zip(G, G3):
        assert ball_contains_exact(g3, g)


def test_e2_inside_e3_callable_constant_target():
    w = [(q(1), q(-1)), (q(1, 2), q(1)), (q(0), q(0)), (q(-2), q(1, 3))]
    b, v = [q(0), q(-1, 3), q(1), q(1, 5)], [q(1), q(-2), q(1, 2), q(3)]
    c, xi = q(1, 7), q(1, 3)
    box = ((q(-1), q(1)), (q(0), q(2)))
    L, G = shallow_risk_grad_2d(w, b, v, c, xi, box, q(1, 2))
    L3, G3, info = shallow_risk_grad_boxes(w, b, v, c, lambda xs: arb(xi), box, q(1, 2), max_boxes=2000)
    assert ball_contains_exact(L3, L)
    assert all(ball_contains_exact(g3, g) for g, g3 in zip(G, G3))
    assert info["enclosed_volume"] == 4  # callable targets never give exact boxes


def test_e3_tightens_with_budget():
    w = [(q(1), q(-1)), (q(1, 2), q(1)), (q(0), q(0)), (q(-2), q(1, 3))]
    b, v = [q(0), q(-1, 3), q(1), q(1, 5)], [q(1), q(-2), q(1, 2), q(3)]
    c, xi = q(1, 7), q(1, 3)
    box = ((q(-1), q(1)), (q(0), q(2)))
    L, G = shallow_risk_grad_2d(w, b, v, c, xi, box, q(1, 2))
    prev = None
    for budget in (30, 300, 3000):
        L3, G3, info = shallow_risk_grad_boxes(w, b, v, c, xi, box, q(1, 2), max_boxes=budget)
        assert ball_contains_exact(L3, L) and all(ball_contains_exact(g3, g) for g, g3 in zip(G, G3))
        widths = [float(L3.rad())] + [float(g.rad()) for g in G3]
        vol = info["undecided_volume"]
        if prev is not None:
            assert vol < prev[1]
            assert widths[0] < prev[0][0] / 3
            assert max(widths) < max(prev[0]) / 3
        prev = (widths, vol)
    assert prev[0][0] < 1e-2


# ----------------------------------------------------------------------------------------
# deriv0 with a fully degenerate neuron
# ----------------------------------------------------------------------------------------


def test_deriv0_degenerate_neuron():
    w = [(q(1), q(2)), (q(0), q(0)), (q(-1), q(1, 2))]
    b = [q(-1, 2), q(0), q(1, 3)]
    v = [q(1), q(-3, 2), q(2)]
    c, xi = q(1, 2), q(-1, 3)
    box = ((q(-1), q(1)), (q(1, 2), q(2)))
    H = 3
    res = {d0: shallow_risk_grad_2d(w, b, v, c, xi, box, d0) for d0 in (q(0), q(1, 2), q(1))}
    L0, G0 = res[q(0)]
    Lh, Gh = res[q(1, 2)]
    L1, G1 = res[q(1)]
    assert L0 == Lh == L1
    Gc = G1[-1]  # = 2 ∫ r
    ib = 2 * H + 1  # index of b_1
    assert G0[ib] == 0
    assert G1[ib] == v[1] * Gc != 0
    assert Gh[ib] == v[1] * Gc / 2
    # w_{1,j} = 2 v_1 kappa(0) ∫ x_j r
    assert G0[2] == G0[3] == 0
    assert Gh[2] * 2 == G1[2] != 0 and Gh[3] * 2 == G1[3] != 0
    # every entry not belonging to neuron 1's I_1 is independent of deriv0
    for k in range(len(G0)):
        if k not in (2, 3, ib):
            assert G0[k] == Gh[k] == G1[k]
    # the degenerate neuron's ReLU is identically 0, so G_v1 = 0
    assert G0[3 * H + 1] == 0
    for d0 in (q(0), q(1, 2), q(1)):
        L, G = res[d0]
        L3, G3, _ = shallow_risk_grad_boxes(w, b, v, c, xi, box, d0, max_boxes=500)
        assert ball_contains_exact(L3, L) and all(ball_contains_exact(g3, g) for g, g3 in zip(G, G3))
        # the d = 3 embedding (x_3 ignored) scales by the third side's width
        L3d, G3d, _ = shallow_risk_grad_boxes(
            [(x, y, q(0)) for x, y in w], b, v, c, xi, list(box) + [(q(0), q(3))], d0, max_boxes=500
        )
        assert ball_contains_exact(L3d, 3 * L)
        assert ball_contains_exact(G3d[3 * H + 1], 3 * G[ib])


# ----------------------------------------------------------------------------------------
# E3 in d = 1 and d = 3 against independent high-precision integration
# ----------------------------------------------------------------------------------------


def ref_1d_mpmath(w1, b, v, c, f, lo, hi, deriv0):
    """mpmath.quad on each linear piece; f is a python function of an mpf."""
    mpmath.mp.dps = 50
    w1, b, v = [F(x) for x in w1], [F(x) for x in b], [F(x) for x in v]
    H = len(b)
    mpf = lambda x: mpmath.mpf(F(x).numerator) / F(x).denominator  # noqa: E731
    W, B, V, C, D0 = [mpf(x) for x in w1], [mpf(x) for x in b], [mpf(x) for x in v], mpf(c), mpf(deriv0)
    pts = {F(lo), F(hi)}
    for i in range(H):
        if w1[i] != 0 and F(lo) < -b[i] / w1[i] < F(hi):
            pts.add(-b[i] / w1[i])
    pts = [mpf(p) for p in sorted(pts)]

    def g(i, x):
        return B[i] + W[i] * x

    def kap(i, x):
        y = g(i, x)
        return 1 if y > 0 else (0 if y < 0 else D0)

    def r(x):
        return C + sum(V[i] * max(g(i, x), 0) for i in range(H)) - f(x)

    def quad(fn):
        return mpmath.fsum(mpmath.quad(fn, [s, t]) for s, t in zip(pts, pts[1:]))

    return {
        "rr": quad(lambda x: r(x) ** 2),
        "r": quad(r),
        "xr": quad(lambda x: x * r(x)),
        "Ir": [quad(lambda x, i=i: kap(i, x) * r(x)) for i in range(H)],
        "xIr": [quad(lambda x, i=i: x * kap(i, x) * r(x)) for i in range(H)],
        "ur": [quad(lambda x, i=i: max(g(i, x), 0) * r(x)) for i in range(H)],
    }


def test_e3_d1_constant_target_vs_mpmath_and_exact():
    w1 = [F(3), F(-1, 2), F(0), F(2, 3)]
    b = [F(-1), F(1, 3), F(-1, 2), F(1, 7)]
    v = [F(1), F(2), F(4), F(-3, 2)]
    c, xi, lo, hi = F(1, 3), F(1, 2), F(-1), F(3, 2)
    ref = ref_1d_mpmath(w1, b, v, c, lambda x: mpmath.mpf(1) / 2, lo, hi, 0)
    L3, G3, info = shallow_risk_grad_boxes(
        [(Q(x),) for x in w1], [Q(x) for x in b], [Q(x) for x in v], Q(c), Q(xi),
        [(Q(lo), Q(hi))], q(0), max_boxes=400,
    )
    H = 4
    exp = [ref["rr"]] + [2 * v[i] * ref["xIr"][i] for i in range(H)] + [2 * v[i] * ref["Ir"][i] for i in range(H)]
    exp += [2 * ref["ur"][i] for i in range(H)] + [2 * ref["r"]]
    got = [L3] + G3
    for e, gball in zip(exp, got):
        assert ball_contains_mp(gball, e)
    # with non-dyadic kinks (1/3, 2/3, -2/7 ...) the undecided volume is small but positive
    assert 0 < info["undecided_volume"] < fmpq(1, 2**20)
    exact = ref_1d_exact(w1, b, v, c, xi, lo, hi, 0)
    assert ball_contains_exact(L3, exact["rr"])


def test_e3_d1_callable_target_vs_mpmath():
    w1 = [F(1), F(-2)]
    b = [F(-1, 3), F(1, 5)]
    v = [F(3, 2), F(-1)]
    c, lo, hi = F(1, 4), F(-1), F(1)

    def target(xs):  # f(x) = x^2 + 1/10, enclosure over the ball xs[0]
        x = xs[0]
        return (x * x).nonnegative_part() + arb(q(1, 10))

    ref = ref_1d_mpmath(w1, b, v, c, lambda x: x * x + mpmath.mpf(1) / 10, lo, hi, F(1, 2))
    H = 2
    exp = [ref["rr"]] + [2 * v[i] * ref["xIr"][i] for i in range(H)] + [2 * v[i] * ref["Ir"][i] for i in range(H)]
    exp += [2 * ref["ur"][i] for i in range(H)] + [2 * ref["r"]]
    prev = None
    for budget in (20, 200, 2000):
        L3, G3, info = shallow_risk_grad_boxes(
            [(Q(x),) for x in w1], [Q(x) for x in b], [Q(x) for x in v], Q(c), target,
            [(Q(lo), Q(hi))], q(1, 2), max_boxes=budget,
        )
        got = [L3] + G3
        for e, gball in zip(exp, got):
            assert ball_contains_mp(gball, e)
        width = max(float(x.rad()) for x in got)
        if prev is not None:
            assert width < prev / 4
        prev = width
        assert info["boxes"] == budget and info["budget_exhausted"]
    assert prev < 1e-2


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_e3_d1_coarse_budgets_contain_exact(data):
    """Tiny budgets make the enclosure of undecided / callable boxes carry everything."""
    H = data.draw(st.integers(1, 4))
    lo = data.draw(rat)
    hi = lo + abs(data.draw(rat)) + F(1, 3)
    w1 = [data.draw(rat_maybe_zero()) for _ in range(H)]
    b = [data.draw(rat_maybe_zero()) for _ in range(H)]
    v = [data.draw(rat_maybe_zero()) for _ in range(H)]
    c = data.draw(rat_maybe_zero())
    d0 = data.draw(st.sampled_from([F(0), F(1, 2), F(1)]))
    fpoly = [data.draw(rat_maybe_zero()) for _ in range(3)]
    poly_target = data.draw(st.booleans())
    budget = data.draw(st.sampled_from([1, 2, 3, 7, 25]))
    if poly_target:
        f0, f1, f2 = (Q(x) for x in fpoly)

        def target(xs):  # f(x) = f0 + f1 x + f2 x^2 enclosed over the ball xs[0]
            x = xs[0]
            return arb(f0) + arb(f1) * x + arb(f2) * (x * x).nonnegative_part()

        xi = fpoly
    else:
        target = Q(fpoly[0])
        xi = fpoly[0]
    L3, G3, info = shallow_risk_grad_boxes(
        [(Q(x),) for x in w1], [Q(x) for x in b], [Q(x) for x in v], Q(c), target,
        [(Q(lo), Q(hi))], Q(d0), max_boxes=budget,
    )
    assert info["boxes"] <= budget
    ref = ref_1d_exact(w1, b, v, c, xi, lo, hi, d0)
    L, G = expected_from_1d(ref, v, [])
    assert ball_contains_exact(L3, L)
    for g3, g in zip(G3, G):
        assert ball_contains_exact(g3, g)


def test_e3_d1_single_box_enclosures():
    """One box, one undecided neuron: hand-checkable enclosures (ball arithmetic widths)."""
    # relu(x) on [-1/100, 1], r = relu: G_v = 2 ∫ relu^2 = 2/3.  With relu, r in the ball
    # 1/2 ± 1/2 the box enclosure of G_v is 2 * 1.01 * (1/4 ± 3/4) = 0.505 ± 1.515
    L3, G3, info = shallow_risk_grad_boxes([(q(1),)], [q(0)], [q(1)], q(0), q(0), [(q(-1, 100), q(1))], q(0), max_boxes=1)
    assert info["boxes"] == 1 and info["undecided_volume"] == q(101, 100)
    assert ball_contains_exact(G3[2], q(2, 3)) and ball_contains_exact(L3, q(1, 3))
    assert float(G3[2].rad()) < 1.52 and float(L3.rad()) < 0.51
    # no neuron, target f(x) = x^2 on [1, 2], c = 0: L = ∫ x^4 = 31/5 inside [1, 16]
    L3, G3, _ = shallow_risk_grad_boxes(
        [(q(0),)], [q(-1)], [q(1)], q(0), lambda xs: xs[0] * xs[0], [(q(1), q(2))], q(0), max_boxes=1
    )
    assert ball_contains_exact(L3, q(31, 5)) and ball_contains_exact(G3[-1], q(-14, 3))
    assert float(L3.rad()) < 8.01  # r in -2.25 ± 1.75, r*r made non-negative: 8 ± 8


def test_e3_d3_factorized_vs_mpmath():
    # neurons depend on x_1 only; the integrals over Q = I_1 x I_2 x I_3 factorize
    w1 = [F(2), F(-1, 3), F(0), F(1), F(3, 2)]
    b = [F(-1, 3), F(1, 2), F(1, 2), F(0), F(-5, 7)]
    v = [F(1), F(-2), F(1, 3), F(1, 2), F(2)]
    c, xi = F(-1, 4), F(1, 3)
    sides = [(F(-1), F(1)), (F(1, 2), F(2)), (F(-2, 3), F(1, 3))]
    d0 = F(1)
    ref = ref_1d_mpmath(w1, b, v, c, lambda x: mpmath.mpf(1) / 3, sides[0][0], sides[0][1], d0)
    H = 5
    A = (sides[1][1] - sides[1][0]) * (sides[2][1] - sides[2][0])
    means = [(lo + hi) / 2 for lo, hi in sides[1:]]
    exp = [A * ref["rr"]]
    for i in range(H):
        exp.append(2 * v[i] * A * ref["xIr"][i])
        exp.extend(2 * v[i] * A * mk * ref["Ir"][i] for mk in means)
    exp += [2 * v[i] * A * ref["Ir"][i] for i in range(H)] + [2 * A * ref["ur"][i] for i in range(H)]
    exp.append(2 * A * ref["r"])
    exp = [mpmath.mpf(e.numerator) / e.denominator if isinstance(e, F) else e for e in exp]
    L3, G3, info = shallow_risk_grad_boxes(
        [(Q(x), q(0), q(0)) for x in w1], [Q(x) for x in b], [Q(x) for x in v], Q(c), Q(xi),
        [(Q(lo), Q(hi)) for lo, hi in sides], Q(d0), max_boxes=300,
    )
    got = [L3] + G3
    assert len(G3) == 3 * H + 2 * H + 1
    for e, gball in zip(exp, got):
        assert ball_contains_mp(gball, e)
    # also against the exact Fraction reference
    exact = expected_from_1d(ref_1d_exact(w1, b, v, c, xi, *sides[0], d0), v, sides[1:])
    assert ball_contains_exact(L3, exact[0])
    assert all(ball_contains_exact(g, e) for g, e in zip(G3, exact[1]))
    # weighted splitting: only x_1 is ever bisected, so very few boxes are needed
    assert max(float(x.rad()) for x in got) < 1e-6


def test_e3_d3_embeds_e2():
    """A d = 3 network ignoring x_3 equals E2 times the x_3-width (x_3-moments: its mean)."""
    w = [(q(1), q(-1)), (q(1, 2), q(1)), (q(0), q(0)), (q(-2), q(1, 3))]
    b, v = [q(0), q(-1, 3), q(1), q(1, 5)], [q(1), q(-2), q(1, 2), q(3)]
    c, xi = q(1, 7), q(1, 3)
    box = ((q(-1), q(1)), (q(0), q(2)))
    side3 = (q(1, 2), q(5, 4))
    width, mean = side3[1] - side3[0], (side3[0] + side3[1]) / 2
    L, G = shallow_risk_grad_2d(w, b, v, c, xi, box, q(1, 2))
    L3, G3, _ = shallow_risk_grad_boxes(
        [(x, y, q(0)) for x, y in w], b, v, c, xi, list(box) + [side3], q(1, 2), max_boxes=3000
    )
    H = 4
    assert ball_contains_exact(L3, width * L)
    for i in range(H):
        assert ball_contains_exact(G3[3 * i], width * G[2 * i])
        assert ball_contains_exact(G3[3 * i + 1], width * G[2 * i + 1])
        assert ball_contains_exact(G3[3 * i + 2], width * mean * G[2 * H + i])
    for k in range(2 * H + 1):
        assert ball_contains_exact(G3[3 * H + k], width * G[2 * H + k])


# ----------------------------------------------------------------------------------------
# plumbing
# ----------------------------------------------------------------------------------------


def test_e3_depth_cap():
    w = [(q(1), q(-1, 3)), (q(2), q(1))]
    b, v = [q(1, 3), q(-1, 5)], [q(2), q(-1)]
    box = ((q(-1), q(1)), (q(0), q(1)))
    L, G = shallow_risk_grad_2d(w, b, v, q(1), q(0), box, q(0))
    L3, G3, info = shallow_risk_grad_boxes(w, b, v, q(1), q(0), box, q(0), depth=4, max_boxes=10**6)
    assert info["max_depth"] == 4 and info["boxes"] <= 16 and not info["budget_exhausted"]
    assert info["undecided_boxes"] > 0
    assert ball_contains_exact(L3, L) and all(ball_contains_exact(g3, g) for g, g3 in zip(G, G3))
    with pytest.raises(InputError):  # a float is not an enclosure
        shallow_risk_grad_boxes(w, b, v, q(1), lambda xs: 0.5, box, q(0), max_boxes=3)


def test_precision_restored_and_errors():
    old = flint.ctx.prec
    shallow_risk_grad_boxes([(q(1),)], [q(0)], [q(1)], q(0), q(0), [(q(-1), q(1))], q(0), prec=200)
    assert flint.ctx.prec == old

    def bad(xs):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        shallow_risk_grad_boxes([(q(1),)], [q(0)], [q(1)], q(0), bad, [(q(-1), q(1))], q(0), prec=100)
    assert flint.ctx.prec == old
    with pytest.raises(InputError):
        shallow_risk_grad_2d([(0.5, q(0))], [q(0)], [q(1)], q(0), q(0), ((q(0), q(1)), (q(0), q(1))), q(0))
    with pytest.raises(InputError):
        shallow_risk_grad_boxes([(q(1), q(1))], [q(0)], [q(1)], q(0), q(0), [(q(0), q(1))], q(0))


def test_exact_box_values():
    # N ≡ c on Q = [0,1]^2 with one always-off neuron: L = (c - xi)^2, G_c = 2 (c - xi)
    w, b, v = [(q(1), q(1))], [q(-5)], [q(7)]
    L, G = shallow_risk_grad_2d(w, b, v, q(3), q(1), ((q(0), q(1)), (q(0), q(1))), q(0))
    assert L == 4 and G == [0, 0, 0, 0, 4]
    # single active neuron relu(x) on [0,1]^2, xi = 0: L = ∫ x^2 = 1/3, G_c = 2 ∫ x = 1
    L, G = shallow_risk_grad_2d([(q(1), q(0))], [q(0)], [q(1)], q(0), q(0), ((q(0), q(1)), (q(0), q(1))), q(0))
    assert L == q(1, 3)
    assert G == [q(2, 3), q(1, 2), q(1), q(2, 3), q(1)]
    L3, G3, info = shallow_risk_grad_boxes([(q(1), q(0))], [q(0)], [q(1)], q(0), q(0), [(q(0), q(1))] * 2, q(0))
    assert ball_contains_exact(L3, q(1, 3)) and float(L3.rad()) < 1e-18
    assert info["undecided_volume"] == 0 and info["boxes"] == 1
