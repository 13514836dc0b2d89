"""Certified trap sets for periodic orbits (verify.yoneda23.traps) and the P4 2-cycle of the 'ab' head
(spec shared/claims/004-pointwise-indicator.md §4)."""

import json

import numpy as np
import pytest
from flint import arb, fmpq

from verify.yoneda23 import d0, traps
from verify.yoneda23.d0 import D0
from verify.errors import InputError
from verify.numbers import Undecided, ball_bounds, parse_rational, precision
from verify.yoneda23.traps import Parallelogram, certify_cycle, check_inclusion, newton_cycle

Q = fmpq
X51 = Q(51, 100)


# ---------------------------------------------------------------------------------------------
# generic maps: affine maps (exact matrices) and the logistic 2-cycle


def affine(M, b):
    """(G_box, J_box, G_float, J_float) for x ↦ M x + b with exact rational M, b."""
    n = len(b)

    def G_box(X):
        return tuple(sum((arb(M[i][j]) * X[j] for j in range(n)), arb(b[i])) for i in range(n))

    def J_box(X):
        return tuple(tuple(arb(v) for v in row) for row in M)

    Mf = np.array([[float(v.p) / float(v.q) for v in row] for row in M])
    bf = np.array([float(v.p) / float(v.q) for v in b])
    return G_box, J_box, (lambda x: Mf @ x + bf), (lambda x: Mf)


def logistic(r=Q(16, 5)):
    """x ↦ r x(1 − x) coupled with y ↦ x − y/2: a 2-cycle with D(G²) eigenvalues
    −r² + 2r + 4 (= 0.16 for r = 3.2) and 1/4."""
    def G_box(X):
        x, y = X
        return arb(r) * x * (1 - x), x - y / 2

    def J_box(X):
        x, _ = X
        return ((arb(r) * (1 - 2 * x), arb(0)), (arb(1), arb(-0.5)))

    rf = float(r.p) / float(r.q)
    return (G_box, J_box, lambda v: np.array([rf * v[0] * (1 - v[0]), v[0] - v[1] / 2]),
            lambda v: np.array([[rf * (1 - 2 * v[0]), 0.0], [1.0, -0.5]]))


def solve_fixed(M, b):
    """The exact fixed point of x ↦ M x + b in R^2."""
    (p, q), (r, s) = ((1 - M[0][0], -M[0][1]), (-M[1][0], 1 - M[1][1]))
    det = p * s - q * r
    return ((s * b[0] - q * b[1]) / det, (p * b[1] - r * b[0]) / det)


def recheck(G_box, J_box, cert):
    """Every inclusion of a certificate, verified again from its boxes alone."""
    p = cert.period
    for k, B in enumerate(cert.boxes):
        target = cert.boxes[(k + 1) % p]
        beta = check_inclusion(G_box, J_box, B, target, cert.prec)
        assert beta is not None and all(b <= r for b, r in zip(beta, target.radii))


def test_contracting_affine_fixed_point():
    M = ((Q(1, 2), Q(1, 10)), (Q(-1, 5), Q(3, 10)))
    b = (Q(1), Q(-2))
    G_box, J_box, Gf, Jf = affine(M, b)
    xs = solve_fixed(M, b)
    pts = newton_cycle(Gf, Jf, (0.0, 0.0), 1)
    assert pts is not None and np.allclose(pts[0], [float(v.p) / float(v.q) for v in xs], atol=1e-14)
    cert = certify_cycle(G_box, J_box, pts)
    assert cert is not None and cert.period == 1 and len(cert.boxes) == 1
    recheck(G_box, J_box, cert)
    B = cert.boxes[0]
    assert B.contains(xs) is True
    assert B.contains((xs[0] + 1, xs[1])) is False
    # a ball inside, a ball far away, and a ball across the boundary
    with precision(256):
        assert B.contains(tuple(arb(v) for v in xs)) is True
        assert B.contains((arb(xs[0] + 1), arb(xs[1]))) is False
        h = B.hull_bounds()
        assert B.contains((arb(h[0][0]).union(arb(xs[0])), arb(xs[1]))) is None
    json.dumps(cert.to_json())
    assert tuple(parse_rational(r) for r in cert.to_json()["boxes"][0]["radii"]) == B.radii


def test_complex_eigenvalues_fixed_point():
    """A contracting rotation (eigenvalues (3 ± 4i)/10): directions from Re/Im of an eigenvector."""
    M = ((Q(3, 10), Q(-2, 5)), (Q(2, 5), Q(3, 10)))
    b = (Q(1, 3), Q(1, 7))
    G_box, J_box, Gf, Jf = affine(M, b)
    cert = certify_cycle(G_box, J_box, newton_cycle(Gf, Jf, (1.0, 1.0), 1))
    assert cert is not None
    recheck(G_box, J_box, cert)
    assert cert.boxes[0].contains(solve_fixed(M, b)) is True


def test_logistic_two_cycle():
    G_box, J_box, Gf, Jf = logistic()
    pts = newton_cycle(Gf, Jf, (0.8, 0.0), 2)
    assert pts is not None and abs(pts[0][0] - pts[1][0]) > 0.2
    cert = certify_cycle(G_box, J_box, pts)
    assert cert is not None and cert.period == 2
    recheck(G_box, J_box, cert)
    # the exact cycle x± = (4.2 ± √0.84)/6.4, y solving y_1 = x_0 − y_0/2, y_0 = x_1 − y_1/2
    with precision(256):
        s = arb(Q(21, 25)).sqrt()
        xp, xm = (arb(Q(21, 5)) + s) / arb(Q(32, 5)), (arb(Q(21, 5)) - s) / arb(Q(32, 5))
        x0, x1 = (xp, xm) if pts[0][0] > pts[1][0] else (xm, xp)
        y0 = (x1 - x0 / 2) * arb(Q(4, 3))
        y1 = x0 - y0 / 2
        assert cert.boxes[0].contains((x0, y0)) is True
        assert cert.boxes[1].contains((x1, y1)) is True
        assert cert.boxes[0].contains((x1, y1)) is False


def test_one_dimensional_cycle():
    def G_box(X):
        return (arb(Q(16, 5)) * X[0] * (1 - X[0]),)

    def J_box(X):
        return ((arb(Q(16, 5)) * (1 - 2 * X[0]),),)

    pts = newton_cycle(lambda x: 3.2 * x * (1 - x), lambda x: np.array([[3.2 * (1 - 2 * x[0])]]), (0.8,), 2)
    cert = certify_cycle(G_box, J_box, pts)
    assert cert is not None and cert.period == 2 and cert.boxes[0].dim == 1


@pytest.mark.parametrize("M", [((Q(2), Q(0)), (Q(0), Q(2))), ((Q(2), Q(1, 3)), (Q(0), Q(1, 2)))])
def test_expanding_directions_are_never_certified(M):
    b = (Q(1, 3), Q(-1, 5))
    G_box, J_box, Gf, Jf = affine(M, b)
    pts = newton_cycle(Gf, Jf, (0.0, 0.0), 1)
    assert pts is not None  # Newton finds the repelling fixed point ...
    assert certify_cycle(G_box, J_box, pts) is None  # ... but no trap closes
    assert certify_cycle(G_box, J_box, newton_cycle(Gf, Jf, (0.0, 0.0), 2)) is None


def test_parallelogram_validation():
    with pytest.raises(InputError):
        Parallelogram((Q(0), Q(0)), ((Q(1), Q(2)), (Q(2), Q(4))), (Q(1), Q(1)))
    with pytest.raises(InputError):
        Parallelogram((Q(0), Q(0)), ((Q(1), Q(0)), (Q(0), Q(1))), (Q(1), Q(0)))
    B = Parallelogram((Q(1), Q(2)), ((Q(1), Q(1)), (Q(0), Q(1))), (Q(1, 2), Q(1, 4)))
    assert B.hull_bounds() == ((Q(1, 4), Q(7, 4)), (Q(7, 4), Q(9, 4)))
    assert B.contains((Q(7, 4), Q(9, 4))) is True  # a vertex: s = (1/2, 1/4)
    assert B.contains((Q(7, 4), Q(7, 4))) is False  # in the hull, outside the parallelogram
    lo, hi = zip(*(ball_bounds(v) for v in B.hull()))
    assert lo[0] <= Q(1, 4) and hi[1] >= Q(9, 4)


# ---------------------------------------------------------------------------------------------
# P4: the 'ab' head 2-cycle


@pytest.fixture(scope="module")
def p4():
    cfg = D0(head="ab")
    cert = traps.ab_two_cycle(cfg)
    assert cert is not None
    return cfg, cert


def test_p4_float_cycle_matches_spec():
    _, _, Gf, Jf = traps.ab_head_map(D0(head="ab"))
    p0, p1 = newton_cycle(Gf, Jf, traps.P4_GUESS, 2)
    assert np.allclose(p0, [19.583863, 0.873932], atol=1e-6)
    assert np.allclose(p1, [19.583819, 0.296389], atol=1e-6)
    assert np.allclose(Gf(p1), p0, rtol=1e-13)
    mu = sorted(np.linalg.eigvals(Jf(p1) @ Jf(p0)).real)
    assert abs(mu[0] - 0.90912) < 1e-5 and abs(mu[1] - 0.99990) < 1e-5


def test_p4_certificate(p4):
    cfg, cert = p4
    assert cert.period == 2 and cert.prec == 256
    G_box, J_box, Gf, Jf = traps.ab_head_map(cfg)
    recheck(G_box, J_box, cert)
    B0, B1 = cert.boxes
    for B, pt in zip(cert.boxes, newton_cycle(Gf, Jf, traps.P4_GUESS, 2)):
        with precision(256):
            assert B.contains(tuple(arb(float(v)) for v in pt)) is True
    # f_N(θ, 51/100) alternates: disjoint certified ranges around 0.6291 / 0.0516
    f0, f1 = (ball_bounds(traps.f_range(cfg, B, X51)) for B in cert.boxes)
    assert f1[1] < f0[0]
    assert f0[0] <= Q(6291, 10000) <= f0[1] and f1[0] <= Q(516, 10000) <= f1[1]
    # θ = (a, b) from the exact centre of B_0 is inside B_0, not B_1; far points are outside
    a, lam = B0.centre
    theta = (a, Q(1, 4) + lam / a)
    assert traps.theta_in_box(cfg, theta, B0) is True
    assert traps.theta_in_box(cfg, theta, B1) is False
    assert traps.theta_in_box(cfg, (Q(4), Q(2, 5)), B0) is False
    assert traps.theta_in_box(cfg, (a, theta[1] + Q(1, 1000)), B0) is False
    json.dumps(cert.to_json())


def test_p4_regime_is_required():
    G_box, J_box, _, _ = traps.ab_head_map(D0(head="ab"))
    with precision(128), pytest.raises(Undecided):
        G_box((arb(2), arb(Q(1, 2))))  # (1 − λ)/a = 1/4 > 3/16
    with precision(128), pytest.raises(Undecided):
        J_box((arb(20).union(arb(21)), arb(Q(-1, 100)).union(arb(Q(1, 100)))))  # λ may be < 0
    with pytest.raises(InputError):
        traps.ab_head_map(D0())  # head 'wc'


def test_p4_boxes_against_exact_gd_steps(p4):
    """Rational points of B_0 stepped once by exact GD (the general piece integrator, not the 3.8
    closed form) land in B_1 -- an independent check of the closed-form map and the certificate."""
    cfg, cert = p4
    B0, B1 = cert.boxes
    fr = [Q(0), Q(9, 10), Q(-9, 10), Q(1, 3)]
    for s in [(u, v) for u in fr for v in fr[:3]]:
        a, lam = (c + sum(B0.V[i][j] * s[j] * B0.radii[j] for j in range(2)) for i, c in enumerate(B0.centre))
        assert B0.contains((a, lam)) is True
        theta = (a, Q(1, 4) + lam / a)
        rg = d0.risk_grad(cfg, theta, 0, "exact")
        assert rg.engine == "pieces"
        theta1 = tuple(t - cfg.eta * g for t, g in zip(theta, rg.G))
        assert traps.theta_in_box(cfg, theta1, B1) is True
        assert traps.theta_in_box(cfg, theta1, B0) is False
