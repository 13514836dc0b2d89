"""verify.yoneda23.disc: the population loss of D0 for d = 2, N = 1 with the disc target (spec 004, P6),
against an independent 2-D quadrature, finite differences and the spec's reference numbers."""

import mpmath as mp
import numpy as np
import pytest
from flint import arb, fmpq

from verify.yoneda23.disc import (densities_ball, gd_map_box, hess_float, limit_loss_ball, loss_grad_float,
                            loss_grad_hess_ball, masses_ball, minimizer_float)
from verify.numbers import Undecided, contains, precision

Q = fmpq
THETA0 = (Q(-4), Q(8, 5))
# rational θ exercising different ramp positions: ramp ends s_1 < s_0 inside one piece, across the
# breakpoints 1/4, 1/2, 1, 5/4, across √(1/8), and beyond the support of ν_D
THETAS = [THETA0, (Q(-12), Q(9, 2)), (Q(-10), Q(3)), (Q(-1), Q(3, 4)), (Q(-2), Q(5, 2))]


# ---------------------------------------------------------------------------------------------
# independent reference: 2-D quadrature over z = (|x_1|, |x_2|) ∈ [0, 1]² (density 1)


def _phi(z):
    return z / 2 if z <= mp.mpf(1) / 2 else 3 * z / 2 - mp.mpf(1) / 2


def _phi_inv(y):
    return 2 * y if y <= mp.mpf(1) / 4 else (2 * y + 1) / 3


def reference(w, c, dps=20):
    """(L, L_w, L_c) by mpmath: the inner z_2-integral is cut at z_2 = 1/2, the circle and the ramp
    level lines and done by 3-point Gauss-Legendre (exact: the integrand is a polynomial of degree
    ≤ 3 on each cut); the outer z_1-integral (tanh-sinh) is cut where any of these curves meet."""
    with mp.workdps(dps):
        w, c = mp.mpf(int(w.p)) / int(w.q), mp.mpf(int(c.p)) / int(c.q)
        half, quarter = mp.mpf(1) / 2, mp.mpf(1) / 4
        levels = (-c / w, (1 - c) / w)
        nodes = [(-mp.sqrt(mp.mpf(3) / 5), mp.mpf(5) / 9), (mp.mpf(0), mp.mpf(8) / 9),
                 (mp.sqrt(mp.mpf(3) / 5), mp.mpf(5) / 9)]

        def integrand(z1, z2):
            r = _phi(z1) + _phi(z2)
            y = 1 if z1 * z1 + z2 * z2 <= quarter else 0
            v = w * r + c
            u, k = (0, 0) if v <= 0 else ((1, 0) if v >= 1 else (v, 1))
            e = u - y
            return mp.matrix([e * e, 2 * e * k * r, 2 * e * k])

        def inner(z1):
            cuts = {mp.mpf(0), half, mp.mpf(1)}
            if z1 < half:
                cuts.add(mp.sqrt(quarter - z1 * z1))
            for lv in levels:
                y = lv - _phi(z1)
                if 0 < y < 1:
                    cuts.add(_phi_inv(y))
            cuts = sorted(cuts)
            tot = mp.matrix([0, 0, 0])
            for a, b in zip(cuts, cuts[1:]):
                m, h = (a + b) / 2, (b - a) / 2
                for x, wt in nodes:
                    tot += integrand(z1, m + h * x) * (wt * h)
            return tot

        cuts = {mp.mpf(0), half, mp.mpf(1)}
        for lv in levels:
            for edge in (0, quarter, 1):  # φ(z_2) at z_2 = 0, 1/2, 1
                if 0 < lv - edge < 1:
                    cuts.add(_phi_inv(lv - edge))
            if lv * lv < mp.mpf(1) / 8:  # the level line z_1 + z_2 = 2ℓ meets the circle
                for sg in (1, -1):
                    z = lv + sg * mp.sqrt(mp.mpf(1) / 8 - lv * lv)
                    if 0 < z < half:
                        cuts.add(z)
        cuts = sorted(cuts)
        return [float(mp.quad(lambda z, i=i: inner(z)[i], cuts)) for i in range(3)]


def _f(x):
    return float(x.mid())


# ---------------------------------------------------------------------------------------------
# densities


def test_masses_are_one_and_pi_over_16():
    nu, nud = masses_ball()
    assert contains(nu, 1) and nu.rad() < 1e-70
    with precision(256):
        assert (nud - arb.pi() / 16).contains(0) and nud.rad() < 1e-70


@pytest.mark.parametrize("s", [Q(0), Q(1, 10), Q(1, 4), Q(3, 10), Q(1, 2), Q(7, 10), Q(1), Q(9, 8), Q(5, 4),
                               Q(3, 2), Q(2)])
def test_density_of_nu_is_the_convolution(s):
    """ν' = g*g with g = 2 on [0, 1/4], 2/3 on [1/4, 1] (the density of φ_1(z), z uniform)."""
    g = lambda y: 2 if 0 <= y <= mp.mpf(1) / 4 else (mp.mpf(2) / 3 if mp.mpf(1) / 4 < y <= 1 else 0)
    sf = mp.mpf(int(s.p)) / int(s.q)
    cuts = sorted({mp.mpf(0), mp.mpf(1) / 4, mp.mpf(1), *(x for x in (sf - 1, sf - mp.mpf(1) / 4, sf) if 0 < x < 1)})
    ref = mp.quad(lambda y: g(y) * g(sf - y), cuts)
    nu, _ = densities_ball(s)
    assert abs(_f(nu) - float(ref)) < 1e-12 and nu.rad() < 1e-70


@pytest.mark.parametrize("s", [Q(1, 10), Q(1, 4), Q(3, 10), Q(7, 20), Q(2, 5)])
def test_density_of_disc_part(s):
    """ν_D'(s) = 2·(length of {v: (s+v, s−v) ∈ quarter disc}) (Jacobian 2 of z = (s+v, s−v))."""
    sf = float(s.p) / float(s.q)
    half_len = min(sf, np.sqrt(max(1 / 8 - sf * sf, 0.0)))
    _, nud = densities_ball(s)
    assert abs(_f(nud) - 4 * half_len) < 1e-14


def test_densities_continuous_across_breakpoints():
    """A level ball straddling a breakpoint gives a ball containing the values on both sides."""
    with precision(256):
        for p in (Q(1, 4), Q(1, 2), Q(1), Q(5, 4), Q(2)):
            nu, nud = densities_ball(arb(p).union(arb(p + Q(1, 10 ** 6))))
            lo, lo_d = densities_ball(p)
            assert nu.contains(lo) and nud.contains(lo_d)
        root = arb(Q(1, 8)).sqrt()
        _, nud = densities_ball(root + arb(0, Q(1, 10 ** 9)))
        assert nud.contains(0) and nud.upper() < 1e-3


# ---------------------------------------------------------------------------------------------
# loss and gradient


@pytest.mark.parametrize("theta", THETAS)
def test_loss_and_gradient_enclose_the_quadrature(theta):
    L, G, _ = loss_grad_hess_ball(*theta, want_hess=False)
    ref = reference(*theta)
    for ball, r in zip((L,) + G, ref):
        assert ball.rad() < 1e-60
        assert abs(_f(ball) - r) < 1e-12


def test_loss_at_theta0_matches_spec():
    L, G, _ = loss_grad_hess_ball(*THETA0)
    assert abs(_f(L) - 0.0316) < 5e-5
    Lf, Gf = loss_grad_float(-4.0, 1.6)
    assert abs(Lf - _f(L)) < 1e-14 and all(abs(a - _f(b)) < 1e-14 for a, b in zip(Gf, G))


@pytest.mark.parametrize("theta", THETAS)
def test_gradient_vs_central_differences(theta):
    w, c = (float(t.p) / float(t.q) for t in theta)
    h = 1e-5
    fd = ((loss_grad_float(w + h, c)[0] - loss_grad_float(w - h, c)[0]) / (2 * h),
          (loss_grad_float(w, c + h)[0] - loss_grad_float(w, c - h)[0]) / (2 * h))
    _, G, _ = loss_grad_hess_ball(*theta, want_hess=False)
    assert all(abs(a - _f(b)) < 1e-8 for a, b in zip(fd, G))


@pytest.mark.parametrize("theta", THETAS)
def test_hessian_vs_central_differences(theta):
    w, c = (float(t.p) / float(t.q) for t in theta)
    h = 1e-5
    gw = [(np.array(loss_grad_float(w + h, c)[1]) - np.array(loss_grad_float(w - h, c)[1])) / (2 * h),
          (np.array(loss_grad_float(w, c + h)[1]) - np.array(loss_grad_float(w, c - h)[1])) / (2 * h)]
    _, _, H = loss_grad_hess_ball(*theta)
    for i in range(2):
        for j in range(2):
            assert abs(gw[j][i] - _f(H[i][j])) < 1e-7 and H[i][j].rad() < 1e-60
            assert abs(float(hess_float(w, c)[i][j]) - _f(H[i][j])) < 1e-12
    assert H[0][1].overlaps(H[1][0])


def test_box_enclosures_contain_point_values():
    """A box where s_1 = (1 − c)/w straddles 1/4 and s_0 = −c/w straddles √(1/8) (both clamps
    undecided): the box enclosures contain the point enclosures at rational points inside."""
    with precision(256):
        wb = arb(Q(-1001, 100)).union(arb(Q(-999, 100)))
        cb = arb(Q(349, 100)).union(arb(Q(354, 100)))
        L, G, H = loss_grad_hess_ball(wb, cb)
        Gmap, Jmap = gd_map_box(Q(1, 20))
        Gb, Jb = Gmap((wb, cb)), Jmap((wb, cb))
        assert all(x.is_finite() for x in (L,) + G + H[0] + H[1] + Gb + Jb[0] + Jb[1])
        for i in range(5):
            for j in range(5):
                w, c = Q(-1001, 100) + Q(i, 200), Q(349, 100) + Q(j, 80)
                Lp, Gp, Hp = loss_grad_hess_ball(w, c)
                assert L.contains(Lp) and all(a.contains(b) for a, b in zip(G, Gp))
                assert all(H[k][m].contains(Hp[k][m]) for k in range(2) for m in range(2))
                Gmp = Gmap((arb(w), arb(c)))
                assert all(a.contains(b) for a, b in zip(Gb, Gmp))
                assert all(Jb[k][m].contains(Jmap((arb(w), arb(c)))[k][m]) for k in range(2) for m in range(2))


def test_gd_map_at_a_point():
    with precision(256):
        eta = Q(1, 20)
        _, G, H = loss_grad_hess_ball(*THETA0)
        Gp = gd_map_box(eta)[0](THETA0)
        Jp = gd_map_box(eta)[1](THETA0)
        assert Gp[0].overlaps(THETA0[0] - eta * G[0]) and Gp[1].overlaps(THETA0[1] - eta * G[1])
        assert Jp[0][0].overlaps(1 - eta * H[0][0]) and Jp[0][1].overlaps(-eta * H[0][1])


def test_undecided_unless_w_negative():
    with precision(256):
        for w in (arb(0, Q(1, 100)), arb(Q(1, 2)), arb(0)):
            with pytest.raises(Undecided):
                loss_grad_hess_ball(w, Q(1, 2))
            with pytest.raises(Undecided):
                gd_map_box(Q(1, 20))[0]((w, arb(Q(1, 2))))


# ---------------------------------------------------------------------------------------------
# the minimizer (P6) and the loss of the claimed limit


def test_minimizer():
    w, c = minimizer_float()
    a, b = -w, -c / w
    # the spec's grid-quadrature values are a* ≈ 12.13, b* ≈ 0.3691; the exact loss gives
    assert abs(a - 12.0196) < 1e-3 and abs(b - 0.3691) < 1e-2 and abs(b - 0.369403) < 1e-6
    wq, cq = Q(round(w * 10 ** 6), 10 ** 6), Q(round(c * 10 ** 6), 10 ** 6)
    ref = reference(wq, cq)
    assert abs(ref[1]) < 1e-7 and abs(ref[2]) < 1e-7  # a critical point by the independent quadrature
    L, _, H = loss_grad_hess_ball(wq, cq)
    det = H[0][0] * H[1][1] - H[0][1] * H[1][0]
    assert H[0][0].lower() > 0 and det.lower() > 0  # positive definite (certified)
    L_spec, _, _ = loss_grad_hess_ball(Q(-1213, 100), Q(1213 * 3691, 100 * 10 ** 4), want_hess=False)
    assert L.upper() < L_spec.lower()  # the spec's point has a larger loss (certified)


def test_limit_loss():
    with precision(256):
        L = limit_loss_ball()
        assert (L - (arb.pi() / 16 - arb(1) / 8)).contains(0) and L.rad() < 1e-70
        L0, _, _ = loss_grad_hess_ball(*THETA0, want_hess=False)
        assert L0.upper() < L.lower()  # L(θ^0) < L(f°_1): P6's gap
