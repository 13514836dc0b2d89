"""yoneda23 foundation (verify.yoneda23.d0): the D0 construction, its risk/gradient in exact, ball and float
arithmetic, and GD on it (spec shared/claims/004-pointwise-indicator.md)."""

import json

import numpy as np
import pytest
from flint import arb, fmpq
from hypothesis import assume, given, strategies as st

from verify.yoneda23 import d0
from verify.yoneda23.d0 import (D0, Batch, ReluTie, closed_form, closed_form_coefficients, data_risk_grad,
                       data_risk_grad_backprop, data_ties, error, error_closed_form, gd_ball, gd_exact, gd_float,
                       hat, in_regime, nonzero_weight_formula, phi, ramp, regime_bounds, relu, risk_grad,
                       risk_grad_float)
from verify.errors import InputError
from verify.numbers import Undecided, contains, precision

Q = fmpq
THETA0 = (Q(-4), Q(8, 5))
P1_X = [Q(-3, 4), Q(-1, 4), Q(1, 4), Q(3, 4)]


def rationals(lo, hi, max_den=64):
    """Rationals in [lo, hi] (fmpq), with small denominators and the ends included."""
    lo, hi = Q(lo), Q(hi)
    return st.builds(lambda k, n: lo + (hi - lo) * Q(k % (n + 1), n), st.integers(0, 10 ** 6), st.integers(1, max_den))


def points(d, max_den=64):
    return st.lists(rationals(-1, 1, max_den).filter(lambda v: v < 1), min_size=d, max_size=d)


def box(lo, hi):
    return arb(lo).union(arb(hi))


# ---------------------------------------------------------------------------------------------
# reference values (3.7) and the scalar pieces (3.1-3.3)


def test_reference_values_at_theta0():
    rg = risk_grad(D0())
    assert rg.L == Q(121, 5625)
    assert rg.G == (Q(113, 11250), Q(7, 375))
    assert rg.ties == []
    cf = closed_form(D0(), THETA0)
    assert (cf.L, cf.G) == (rg.L, rg.G)
    rb = risk_grad(D0(), system="ball")
    assert contains(rb.L, Q(121, 5625)) and contains(rb.G[0], Q(113, 11250)) and contains(rb.G[1], Q(7, 375))
    rf = risk_grad(D0(), system="float")
    assert abs(rf.L - 121 / 5625) < 1e-14 and abs(rf.G[0] - 113 / 11250) < 1e-14


@pytest.mark.parametrize("N", range(7))
def test_phi_grid_midpoints_and_slopes(N):
    grid, mids = d0.phi_grid_error(N)
    assert grid == 0
    assert mids == [Q(1, 2 ** (2 * N + 2))] * 2 ** N  # the maximum error, attained at every midpoint
    h = Q(1, 2 ** N)
    for k in range(2 ** N):
        assert (phi((k + 1) * h, N) - phi(k * h, N)) / h == Q(2 * k + 1, 2 ** N)
    if N >= 1:
        assert phi(Q(1, 2), N) == Q(1, 4)
    # P9 (a), (b): at z = 2^{-N-1} the error is exactly 2^{-2N-2} (> 2^{-2N-3}, and φ_N > z²)
    z = Q(1, 2 ** (N + 1))
    assert phi(z, N) - z * z == Q(1, 2 ** (2 * N + 2))
    # P9 (c): the factor d matters: r_N − |x|² = 2^{-2N-1} at (2^{-N-1}, 2^{-N-1})
    assert D0(d=2, N=N).r([z, z]) - 2 * z * z == Q(1, 2 ** (2 * N + 1))


@given(N=st.integers(0, 6), z=rationals(0, 1, 1000))
def test_phi_error_bound(N, z):
    e = phi(z, N) - z * z
    assert 0 <= e <= Q(1, 2 ** (2 * N + 2))


@given(z=rationals(-3, 3, 40), a=rationals(-20, 20, 30), b=rationals(-2, 2, 30), r=rationals(-2, 2, 30))
def test_relu_identities(z, a, b, r):
    assert abs(z) == relu(z) + relu(-z)
    expect = 2 * z if 0 <= z <= Q(1, 2) else (2 - 2 * z if Q(1, 2) <= z <= 1 else Q(0))
    assert hat(z) == expect
    y = a * (b - r)
    assert ramp(r, a, b) == min(Q(1), max(Q(0), y))


def test_scalar_functions_in_all_systems():
    for N in (0, 2, 3):
        zs = np.linspace(0, 1, 17)
        assert np.allclose(phi(zs, N), [float(phi(Q(k, 16), N).p) / float(phi(Q(k, 16), N).q) for k in range(17)])
        with precision(128):
            assert contains(phi(arb(Q(3, 7)), N), phi(Q(3, 7), N))


# ---------------------------------------------------------------------------------------------
# the network (§2.2, 3.4)


def test_nonzero_weight_count():
    for d in range(1, 5):
        for N in range(0, 6):
            sh = D0(d=d, N=N).shape()
            assert sh["nonzero_weights"] == nonzero_weight_formula(d, N)
            assert sh["widths"] == [d, 2 * d] + [4 * d] * N + [1, 2, 1]
            assert sh["hidden_layers"] == N + 3 and sh["max_width"] == max(4 * d if N else 2 * d, 2)
            # biases are not in the spec's count: 2 per coordinate and hat layer, plus c, c − 1 (β = 0)
            assert sh["nonzero_biases"] == 2 * d * N + 2


@given(d=st.integers(1, 3), N=st.integers(0, 4), data=st.data())
def test_network_forward_equals_closed_form(d, N, data):
    head = data.draw(st.sampled_from(["wc", "ab"]))
    outer = data.draw(st.booleans())
    cfg = D0(d=d, N=N, head=head, train_outer=outer)
    theta = [data.draw(rationals(-6, 6, 20)) for _ in cfg.param_names]
    x = data.draw(points(d, 64))
    net = cfg.network(theta)
    out, _, z = net.forward(x)
    assert out == [cfg.f(theta, x)]
    # the feature neuron computes r_N, and every hidden pre-activation matches the closed forms
    hidden = [z[j] for j in net.hidden]
    assert hidden == [v for layer in cfg.preactivations(theta, x) for v in layer]
    assert cfg.preactivations(theta, x)[-2] == [cfg.r(x)]


def test_network_in_floats_and_balls():
    cfg = D0(d=2, N=3)
    x = [Q(3, 10), Q(-7, 16)]
    exact = cfg.f(THETA0, x)
    fl = cfg.network((-4.0, 1.6))([0.3, -7 / 16])[0]
    assert abs(fl - float(exact.p) / float(exact.q)) < 1e-12
    with precision(128):
        theta = (box(Q(-4), Q(-4)), box(Q(8, 5) - Q(1, 10 ** 6), Q(8, 5) + Q(1, 10 ** 6)))
        assert contains(cfg.network(theta)(x)[0], exact)


# ---------------------------------------------------------------------------------------------
# targets, limits, boundary (3.5, P8)


def test_targets_and_limits():
    cfg = D0()
    assert cfg.target([Q(1, 2)]) == 1 and D0(closed=False).target([Q(1, 2)]) == 0
    assert cfg.limit([Q(1, 2)]) == 0 and D0(limit_def="closed").limit([Q(1, 2)]) == 1
    p8 = D0(d=2, N=1)
    x = [Q(3, 10), Q(3, 10)]
    assert p8.r(x) == Q(3, 10) and p8.limit(x) == 0 and p8.target(x) == 1
    assert p8.r([Q(3, 10), Q(2, 5)]) == Q(7, 20)
    with pytest.raises(Undecided):
        with precision(64):
            cfg.target([box(Q(1, 2) - Q(1, 100), Q(1, 2) + Q(1, 100))])


# ---------------------------------------------------------------------------------------------
# planted violations P1, P2, P3, P5


def test_p1_finite_data_freeze():
    cfg = D0(batch=Batch.data(P1_X))
    rg = risk_grad(cfg)
    assert rg.G == (0, 0) and rg.L == 0
    assert not any(t.affects_gradient for t in data_ties(cfg, THETA0))
    assert [z for x in P1_X for z in cfg.preactivations(THETA0, [x])[-1]] == \
        [Q(-13, 20), Q(-33, 20), Q(27, 20), Q(7, 20), Q(27, 20), Q(7, 20), Q(-13, 20), Q(-33, 20)]
    assert data_risk_grad_backprop(cfg, THETA0).G == (0, 0)
    tr = gd_exact(cfg, 5)
    assert all(th == THETA0 for th in tr.thetas)
    x = [Q(9, 20)]
    assert cfg.r(x) == Q(17, 80) and cfg.f(tr.final, x) == Q(3, 4) and cfg.limit(x) == 1


@pytest.mark.parametrize("relu0", ["0", "1"])
def test_p2_dead_ramps(relu0):
    cfg = D0(relu_grad_at_0=relu0)
    for theta, fval, x in (((Q(1), Q(-2)), 0, Q(0)), ((Q(-4), Q(8)), 1, Q(9, 10))):
        rg = risk_grad(cfg, theta)
        assert rg.G == (0, 0) and rg.ties == []
        assert cfg.f(theta, [x]) == fval and cfg.limit([x]) != fval
        assert gd_exact(cfg.with_(init=theta), 3).final == theta


def test_p2c_full_measure_tie():
    rg = risk_grad(D0(), (Q(0), Q(0)))
    assert rg.G == (0, 0) and rg.L == Q(1, 2)
    assert rg.ties and rg.ties[0].measure and rg.ties[0].affects_gradient and rg.ties[0].convention == "0"
    assert D0().f((Q(0), Q(0)), [Q(0)]) == 0 and D0().limit([Q(0)]) == 1
    rg1 = risk_grad(D0(relu_grad_at_0=1), (Q(0), Q(0)))
    assert rg1.G[1] == -1  # −2μ(ball) with μ(ball) = 1/2
    with pytest.raises(ReluTie):
        risk_grad(D0(relu_grad_at_0="raise"), (Q(0), Q(0)))
    raising = D0(relu_grad_at_0="raise", batch=Batch.data([Q(2, 5)]))
    for f in (risk_grad, data_risk_grad_backprop):  # a head tie on a data point: r_2(2/5) = 7/40
        with pytest.raises(ReluTie):
            f(raising, (Q(-1), Q(7, 40)))
    # feature-layer ties (P1: σ(g_1(1/4) − 1/2) = σ(0)) are logged but never raise
    p1 = D0(relu_grad_at_0="raise", batch=Batch.data(P1_X))
    assert data_risk_grad_backprop(p1, THETA0).G == data_risk_grad(p1, THETA0).G == (0, 0)
    assert len(data_ties(p1, THETA0)) == 4


def test_p3_step_too_large():
    cfg = D0(eta=86)
    tr = gd_exact(cfg, 3)
    assert tr.thetas[1] == (Q(-27359, 5625), Q(-2, 375))
    assert tr.losses[1:] == [Q(1, 2)] * 3 and tr.final == tr.thetas[1]
    assert risk_grad(cfg, tr.thetas[1]).G == (0, 0)
    assert cfg.f(tr.final, [Q(0)]) == 0
    tb = gd_ball(cfg, 3, record="all")
    assert all(contains(b, e) for th_b, th_e in zip(tb.thetas, tr.thetas) for b, e in zip(th_b, th_e))


def test_p5_n0_loss():
    assert risk_grad(D0(N=0)).L == Q(11, 60)


# ---------------------------------------------------------------------------------------------
# the 3.8 closed form against the general engine


@st.composite
def regime_instances(draw):
    N = draw(st.integers(1, 4))
    head = draw(st.sampled_from(["wc", "ab"]))
    kind = draw(st.sampled_from(["full", "cells"]))
    batch = Batch.cells(draw(st.integers(1, N + 1)), draw(st.booleans())) if kind == "cells" else Batch.full()
    cfg = D0(N=N, head=head, batch=batch, measure_norm=draw(st.sampled_from(["prob", "lebesgue"])))
    lam = draw(st.one_of(st.sampled_from([Q(0), Q(1), Q(1, 2)]), rationals(0, 1, 50)))
    dL, dR = regime_bounds(N)
    amin = max((1 - lam) / dL, lam / dR, Q(1, 10))
    a = amin + draw(st.one_of(st.just(Q(0)), rationals(0, 40, 30)))
    return cfg, cfg.theta_from_a_lambda(a, lam), draw(st.integers(0, 2 ** (2 * N + 2)))


@given(regime_instances())
def test_closed_form_equals_general_engine(inst):
    cfg, theta, t = inst
    assert in_regime(cfg, theta, t) is True
    cf = closed_form(cfg, theta, t)
    gen = risk_grad(cfg, theta, t, "exact", engine="pieces")
    assert cf.L == gen.L and cf.G == gen.G
    if t == 0:
        full = cfg.with_(batch=Batch.full(), measure_norm="prob")
        assert error_closed_form(cfg, theta, 2) == error(full, theta, 2) == risk_grad(full, theta).L
        assert error_closed_form(cfg, theta, 1) == error(full, theta, 1)


def test_closed_form_not_applicable():
    assert closed_form_coefficients(D0(N=0)) is None
    assert closed_form_coefficients(D0(batch=Batch.cells(4)), 2) is None  # Q_2 = [-3/4, -5/8) cuts a window
    assert closed_form_coefficients(D0(batch=Batch.cells(4)), 0) == (0, 0)  # Q_0 misses the windows: L_0 = 0
    assert closed_form_coefficients(D0(train_outer=True)) is None
    assert closed_form(D0(), (Q(-2), Q(1))) is None  # (1 − λ)/a = 1/4 > 3/16
    # cells(m = 2) per-step losses of 3.13: 2ρ_Rλ³/(3a) on Q_0, Q_3 and 2ρ_L(1 − λ)³/(3a) on Q_1, Q_2
    cc = D0(batch=Batch.cells(2))
    assert [closed_form_coefficients(cc, t) for t in range(4)] == \
        [(Q(8, 5), 0), (0, Q(8, 3)), (0, Q(8, 3)), (Q(8, 5), 0)]


def test_cells_m1_coincide_with_full():
    full, cells = D0(), D0(batch=Batch.cells(1))
    for theta in (THETA0, (Q(-2), Q(1)), (Q(-3, 2), Q(1, 7)), (Q(5), Q(-1, 3)), (Q(0), Q(1, 2))):
        for t in (0, 1):
            a, b = risk_grad(full, theta), risk_grad(cells, theta, t)
            assert (a.L, a.G) == (b.L, b.G)
    assert gd_exact(full, 4).thetas == gd_exact(cells, 4).thetas
    # unnormalized cells sum to the full batch
    un = D0(batch=Batch.cells(2, normalize=False))
    parts = [risk_grad(un, (Q(-2), Q(1)), t) for t in range(4)]
    whole = risk_grad(full, (Q(-2), Q(1)))
    assert sum(p.L for p in parts) == whole.L and tuple(sum(p.G[k] for p in parts) for k in (0, 1)) == whole.G


# ---------------------------------------------------------------------------------------------
# data batches: backprop = closed forms (3.7)


@given(d=st.integers(1, 2), N=st.integers(0, 3), data=st.data())
def test_backprop_equals_closed_form(d, N, data):
    head = data.draw(st.sampled_from(["wc", "ab"]))
    cfg = D0(d=d, N=N, head=head, train_outer=data.draw(st.booleans()), relu_grad_at_0=data.draw(st.sampled_from("01")))
    theta = [data.draw(rationals(-6, 6, 12)) for _ in cfg.param_names]
    X = data.draw(st.lists(points(d, 16), min_size=1, max_size=5))
    if data.draw(st.booleans()) and d == 1:  # put a point exactly on a kink r = b (or b − 1/a)
        w, c, _, _ = cfg.head_values(theta)
        assume(w != 0)
        for level in (-c / w, (1 - c) / w):  # invert r_N piece by piece, exactly
            for P in d0.pieces_1d(cfg, Q(-1), Q(1)):
                if P.r_lo <= level <= P.r_hi:
                    x = (level - P.r[0]) / P.r[1]
                    if -1 <= x < 1:
                        X.append([x])
                        break
    cfg = cfg.with_(batch=Batch.data(X))
    a = data_risk_grad(cfg, theta)
    b = data_risk_grad_backprop(cfg, theta)
    assert (a.L, a.G) == (b.L, b.G)
    head_ties = [t for t in b.ties if t.affects_gradient]
    assert len(head_ties) == len(a.ties)


def test_grid_batch_and_float():
    cfg = D0(batch=Batch.grid(3))
    assert len(cfg.points()) == 8 and cfg.points()[0] == (Q(-7, 8),)
    ex = risk_grad(cfg)
    fl = risk_grad(cfg, system="float")
    assert abs(fl.L - float(ex.L.p) / float(ex.L.q)) < 1e-14
    assert data_risk_grad_backprop(cfg, THETA0).G == ex.G
    d2 = D0(d=2, N=1, batch=Batch.grid(2))
    assert data_risk_grad(d2, THETA0).G == data_risk_grad_backprop(d2, THETA0).G


# ---------------------------------------------------------------------------------------------
# ball enclosures


CONFIGS = [D0(), D0(head="ab"), D0(batch=Batch.cells(2)), D0(batch=Batch.cells(3, normalize=False)),
           D0(train_outer=True), D0(N=1), D0(N=0), D0(relu_grad_at_0="1"), D0(measure_norm="lebesgue"),
           D0(centre=(Q(1, 8),), radius=Q(3, 8), closed=False), D0(N=3, batch=Batch.cells(4))]


@given(k=st.integers(0, len(CONFIGS) - 1), data=st.data())
def test_ball_risk_contains_exact_on_box(k, data):
    cfg = CONFIGS[k]
    n = len(cfg.param_names)
    centre = [data.draw(rationals(-6, 6, 10)) for _ in range(n)]
    if data.draw(st.booleans()):
        centre[:2] = list(cfg.init[:2])
    rad = [data.draw(st.sampled_from([Q(0), Q(1, 1000), Q(1, 100), Q(1, 10)])) for _ in range(n)]
    if data.draw(st.booleans()):
        centre[0] = Q(0)  # a w-box containing 0: the interval fallback
    t = data.draw(st.integers(0, 7))
    with precision(128):
        B = [box(c - r, c + r) for c, r in zip(centre, rad)]
    rb = risk_grad(cfg, B, t, "ball")
    for _ in range(3):
        th = [c + r * data.draw(rationals(-1, 1, 8)) for c, r in zip(centre, rad)]
        ex = risk_grad(cfg, th, t)
        assert contains(rb.L, ex.L) and all(contains(g, e) for g, e in zip(rb.G, ex.G))
        if cfg.train_outer is False and cfg.d == 1:
            with precision(128):
                eb = error(cfg, B, 2, "ball")
            assert contains(eb, error(cfg, th, 2))


def test_ball_regime_straddle_uses_general_engine():
    cfg = D0()
    # (1 − λ)/a = 3/16 exactly at a = 4, λ = 1/4 (c = 5/4): a box across the boundary is not certified
    with precision(128):
        B = [box(Q(-4) - Q(1, 100), Q(-4) + Q(1, 100)), box(Q(5, 4) - Q(1, 100), Q(5, 4) + Q(1, 100))]
    assert in_regime(cfg, B) is None
    rb = risk_grad(cfg, B, system="ball")
    assert rb.engine == "pieces"
    for th in ((Q(-4), Q(5, 4)), (Q(-401, 100), Q(124, 100)), (Q(-399, 100), Q(126, 100))):
        ex = risk_grad(cfg, th)
        assert contains(rb.L, ex.L) and all(contains(g, e) for g, e in zip(rb.G, ex.G))


def test_ball_data_batch_box():
    cfg = D0(batch=Batch.data(P1_X + [Q(2, 5), Q(-1, 2)]))
    with precision(128):
        B = [box(Q(-41, 10), Q(-39, 10)), box(Q(3, 2), Q(17, 10))]
    rb = risk_grad(cfg, B, system="ball")
    for th in ((Q(-4), Q(8, 5)), (Q(-41, 10), Q(3, 2)), (Q(-39, 10), Q(17, 10))):
        ex = risk_grad(cfg, th)
        assert contains(rb.L, ex.L) and all(contains(g, e) for g, e in zip(rb.G, ex.G))
    with pytest.raises(Undecided):  # σ'(0) = 'raise' cannot be honoured when a tie is undecided
        risk_grad(cfg.with_(relu_grad_at_0="raise"), B, system="ball")


@pytest.mark.parametrize("cfg", [D0(), D0(head="ab"), D0(batch=Batch.cells(2)), D0(batch=Batch.cells(3), head="ab"),
                                 D0(init=(Q(-2), Q(1))), D0(batch=Batch.data(P1_X + [Q(2, 5)])),
                                 D0(train_outer=True), D0(eta_decay=1, eta=Q(1, 2)), D0(batch=Batch.cells(4))],
                         ids=["full", "ab", "cells2", "cells3-ab", "out-of-regime", "data", "outer", "decay", "cells4"])
def test_ball_gd_contains_exact_gd(cfg):
    te = gd_exact(cfg, 6)
    for block in (1, 4):
        tb = gd_ball(cfg, 6, record="all", block=block)
        assert tb.times == te.times
        for th_b, th_e in zip(tb.thetas, te.thetas):
            assert all(contains(b, e) for b, e in zip(th_b, th_e))
        for Lb, Le in zip(tb.losses, te.losses):
            assert contains(Lb, Le)


def test_ball_gd_box_start_contains_runs():
    cfg = D0(batch=Batch.cells(2))
    with precision(128):
        B = (box(Q(-4) - Q(1, 10 ** 6), Q(-4) + Q(1, 10 ** 6)), box(Q(8, 5) - Q(1, 10 ** 6), Q(8, 5) + Q(1, 10 ** 6)))
    tb = gd_ball(cfg, 5, record="all", theta0=B, block=2)
    for start in ((Q(-4), Q(8, 5)), (Q(-4) + Q(1, 10 ** 6), Q(8, 5) - Q(1, 10 ** 6))):
        te = gd_exact(cfg, 5, theta0=start)
        assert all(contains(b, e) for th_b, th_e in zip(tb.thetas, te.thetas) for b, e in zip(th_b, th_e))


def test_ball_gd_precision_escalation():
    cfg = D0(init=(Q(-2), Q(1)))  # out of the regime: the general engine's boxes grow geometrically
    tr = gd_ball(cfg, 40, prec=32, max_width=Q(1, 10 ** 12), max_prec=512, fast=False)
    assert tr.complete and tr.prec > 32 and float(tr.max_width) <= 1e-12
    stopped = gd_ball(cfg, 40, prec=32, max_width=Q(1, 10 ** 12), fast=False)
    assert not stopped.complete and stopped.reason.startswith("width")
    te = gd_exact(cfg, 6)
    assert all(contains(b, e) for b, e in zip(gd_ball(cfg, 6, prec=32, fast=False).final, te.final))


def test_ball_gd_long_run_widths_and_float_agreement():
    cfg = D0(batch=Batch.cells(2))
    tb = gd_ball(cfg, 2 ** 12)
    tf = gd_float(cfg, 2 ** 12)
    assert tb.engine_steps["closed-form"] == 2 ** 12
    assert float(tb.max_width) < 1e-30
    for th_b, th_f in zip(tb.final, tf.final):
        assert abs(float(th_b.mid()) - th_f) < 1e-9


# ---------------------------------------------------------------------------------------------
# floats


def test_float_engine_matches_exact():
    rng = np.random.default_rng(0)
    for cfg in (D0(), D0(head="ab"), D0(batch=Batch.cells(3)), D0(train_outer=True), D0(N=4), D0(N=0)):
        thetas = [tuple(Q(int(v), 16) for v in rng.integers(-64, 64, size=len(cfg.param_names))) for _ in range(5)]
        thetas.append(cfg.init)
        Lf, Gf = risk_grad_float(cfg, np.array([[float(v.p) / float(v.q) for v in th] for th in thetas]), 1)
        for k, th in enumerate(thetas):
            ex = risk_grad(cfg, th, 1)
            assert abs(Lf[k] - float(ex.L.p) / float(ex.L.q)) < 1e-12
            assert np.allclose(Gf[k], [float(g.p) / float(g.q) for g in ex.G], atol=1e-12)


def test_float_gd_reference_values():
    tf = gd_float(D0(), 2 ** 10, probes=[Q(9, 20), Q(1, 2)], errors=True)
    assert abs(-tf.at(2 ** 10)[0] - 4.24854) < 1e-5  # spec 3.11 reference a_t at t = 2^10
    assert len(tf.errors) == len(tf.times) and tf.errors[0] == pytest.approx(121 / 5625)
    assert tf.probes[Q(9, 20)][0] == pytest.approx(0.75)
    ex = gd_exact(D0(), 3)
    tf3 = gd_float(D0(), 3, record="all")
    assert np.allclose(tf3.thetas, [[float(v.p) / float(v.q) for v in th] for th in ex.thetas], atol=1e-14)


def test_exact_square_feature():
    cfg = D0(feature="exact-square", head="ab")
    assert cfg.r([Q(3, 5)]) == Q(9, 25)
    with pytest.raises(InputError, match="non-ReLU"):
        cfg.network()
    with pytest.raises(InputError, match="irrational"):
        risk_grad(cfg)
    rb = risk_grad(cfg, system="ball")
    rf = risk_grad(cfg, system="float")
    assert abs(float(rb.L.mid()) - rf.L) < 1e-13 and all(abs(float(g.mid()) - h) < 1e-13 for g, h in zip(rb.G, rf.G))
    # data batches stay exact with this feature
    dd = cfg.with_(batch=Batch.data(P1_X))
    assert data_risk_grad(dd, cfg.init).L == sum((cfg.f(cfg.init, [x]) - cfg.target([x])) ** 2 for x in P1_X) / 4


# ---------------------------------------------------------------------------------------------
# traces, configuration, JSON, bad inputs


def test_exact_trajectory_trace():
    tr = gd_exact(D0(), 2, full_loss=True)
    assert tr.times == [0, 1, 2] and tr.losses[0] == Q(121, 5625) and tr.patterns[0] == (0, "0|0r|r1|1|1|1r|r0|0")
    assert tr.full_losses == tr.losses
    cells = gd_exact(D0(batch=Batch.cells(2)), 2, full_loss=True)
    assert cells.full_losses[0] == Q(121, 5625) and cells.losses[0] == Q(18, 625)


@given(st.data())
def test_json_round_trip(data):
    d = data.draw(st.integers(1, 3))
    batch = data.draw(st.sampled_from([Batch.full(), Batch.cells(2), Batch.cells(1, False), Batch.grid(2),
                                       Batch.data([[Q(1, 3)] * d, [Q(-1, 2)] * d])]))
    cfg = D0(d=d, N=data.draw(st.integers(0, 4)), head=data.draw(st.sampled_from(["wc", "ab"])),
             train_outer=data.draw(st.booleans()), batch=batch, eta=data.draw(rationals(Q(1, 100), 2, 50)),
             relu_grad_at_0=data.draw(st.sampled_from(["0", "1", "raise"])),
             limit_def=data.draw(st.sampled_from(["strict", "closed"])), error_r=data.draw(st.sampled_from([1, 2])),
             closed=data.draw(st.booleans()), measure_norm=data.draw(st.sampled_from(["prob", "lebesgue"])))
    text = json.dumps(cfg.to_json())
    assert D0.from_json(json.loads(text)) == cfg


def test_from_json_defaults_and_strings():
    cfg = D0.from_json({"eta": "0.05", "relu_grad_at_0": 1, "batch": {"kind": "data", "X": ["-3/4", "1/4"]}})
    assert cfg.eta == Q(1, 20) and cfg.relu_grad_at_0 == "1" and cfg.batch.X == ((Q(-3, 4),), (Q(1, 4),))
    assert D0.from_json({}) == D0()


@pytest.mark.parametrize("kw, match", [
    (dict(N=-1), "N must be >= 0"), (dict(d=0), "d must be >= 1"), (dict(eta=0), "step size must be > 0"),
    (dict(eta="-1/2"), "step size"), (dict(batch=Batch.cells(0)), "m >= 1"), (dict(batch=Batch.data([])), "empty"),
    (dict(batch=Batch.data([1])), "outside the domain"), (dict(batch=Batch.data(["-11/10"])), "outside"),
    (dict(feature="radial"), "not implemented"), (dict(head="free"), "not implemented"),
    (dict(relu_grad_at_0="2"), "relu_grad_at_0"), (dict(limit_def="certified"), "not implemented"),
    (dict(error_r=3), "error_r"), (dict(init=(1, 2, 3)), "init has 3 entries"), (dict(radius=0), "radius"),
    (dict(centre=(0, 0)), "centre has 2"), (dict(measure_norm="dx"), "measure_norm"), (dict(eta_decay=-1), "γ"),
])
def test_bad_config(kw, match):
    with pytest.raises(InputError, match=match) as e:
        D0(**kw)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("obj, match", [
    ({"bogus": 1}, "unknown key"), ({"batch": {"kind": "iid"}}, "not implemented"),
    ({"batch": {"kind": "cells", "m": "2"}}, "expected an integer"), ({"eta": "x"}, "cannot read"),
    ({"target": {"kind": "halfspace"}}, "not implemented"), ({"batch": {"kind": "data", "X": []}}, "empty"),
    ({"N": 1.5}, "expected an integer"), ({"train_outer": "yes"}, "true or false"), ([], "expected an object"),
])
def test_bad_json(obj, match):
    with pytest.raises(InputError, match=match):
        D0.from_json(obj)


def test_bad_calls():
    with pytest.raises(InputError, match="d = 1 only"):
        risk_grad(D0(d=2))
    with pytest.raises(InputError, match="θ has 3"):
        risk_grad(D0(), (1, 2, 3))
    with pytest.raises(InputError, match="outside the domain"):
        data_risk_grad(D0(), THETA0, X=[Q(1)])
    with pytest.raises(InputError, match="integer γ"):
        gd_exact(D0(eta_decay=Q(1, 2)), 1)
    with pytest.raises(InputError, match="steps"):
        gd_exact(D0(), -1)
    with pytest.raises(InputError, match="float"):
        Batch.data([0.5])
