"""yoneda23 3.13 for m ≥ 2 (the composed cycle invariant, `verify.yoneda23.cycle`) and the long certified
entry of 3.10–3.12 (`verify.yoneda23.entry`): the exact expansion in ε agrees with the direct
composition of the steps, long float and ball runs stay in the certified box and grow as certified,
tampered certificates fail the independent re-check, and the Hessian mean-value run contains the
exact iterates."""

import pytest
from flint import arb, fmpq

import verify
from verify.numbers import ball_bounds, precision
from verify.yoneda23 import cycle, entry
from verify.yoneda23 import d0 as D
from verify.yoneda23.invariant import RampModel, prove as prove_full

CELLS2 = D.D0(batch=D.Batch.cells(2))


@pytest.fixture(scope="module")
def cv2():
    cv = cycle.prove(CELLS2)
    assert cv.closed
    return cv


def _direct_cycle(md: cycle.CycleModel, a, lam):
    """One cycle by the closed-form step of each cell in (a, λ), no expansion: the reference."""
    t, eta = md.tau, md.eta
    for A, B in md.cells:
        m = 1 - lam
        F = A * lam ** 3 + B * m ** 3
        F1 = 3 * (A * lam ** 2 - B * m ** 2)
        a, lam = a + eta * (t * F1 / (3 * a) + F / (3 * a * a)), lam - eta * ((1 + t * t) * F1 / (3 * a) + t * F / (3 * a * a))
    return a, lam


@pytest.mark.parametrize("cfg", [CELLS2, D.D0(N=3, batch=D.Batch.cells(3, normalize=False)),
                                 D.D0(N=1, eta=fmpq(1, 5), batch=D.Batch.cells(2))])
def test_the_expansion_equals_the_direct_composition(cfg):
    md = cycle.CycleModel.of(cfg, 1)
    with precision(400):
        ls = md.lam_star()
        for eps, zeta in ((fmpq(1, 8), fmpq(-1, 20)), (fmpq(1, 50), fmpq(1, 30)), (fmpq(1, 1000), fmpq(0))):
            f = md.forms(arb(eps), arb(zeta), ls)
            a0 = 1 / arb(eps)
            aM, lM = _direct_cycle(md, a0, ls + arb(eps) * arb(zeta))
            P = (aM - a0) * a0 * a0
            Dz = (aM * (lM - ls) - arb(zeta)) / arb(eps)
            for x, y in ((f["P"], P), (f["D"], Dz)):
                assert abs(float((x - y).mid())) < 1e-60 and x.overlaps(y)
            # ∂ζ_M/∂ζ_0 against a difference quotient of the direct composition
            h = fmpq(1, 10 ** 30)
            a1, l1 = _direct_cycle(md, a0, ls + arb(eps) * arb(zeta + h))
            dq = (a1 * (l1 - ls) - aM * (lM - ls)) / arb(h)
            assert abs(float((dq - f["dzeta"]).mid())) < 1e-20


def test_cycle_invariant_closes_and_rechecks(cv2):
    c = cv2.cert
    assert c.Z[0] < 0 < c.Z[1] or c.Z[0] < c.Z[1]
    assert 0 < c.m and c.M3 >= 3 * c.m and c.rho_lo <= 1 <= c.rho_hi and c.zeta_lo <= c.Z[0] and c.zeta_hi >= c.Z[1]
    ok, how = cycle.recheck(c)
    assert ok, how
    assert (cv2.t0 - c.model.phase) % 4 == 0


def test_a_long_float_run_stays_in_the_box_at_cycle_starts_and_grows_as_certified(cv2):
    c, M, t0 = cv2.cert, 4, cv2.t0
    ls = float(c.lam_star.mid())
    ts = list(range(t0, t0 + M * 3000, M))
    tr = D.gd_float(CELLS2, ts[-1] + M, record="all")
    a_lo3 = float(ball_bounds(cv2.a0)[0]) ** 3
    for t in ts:
        w, cc = tr.thetas[t]
        a, lam = -w, cc + w / 4
        assert float(c.Z[0]) - 1e-9 <= a * (lam - ls) <= float(c.Z[1]) + 1e-9
        assert a ** 3 >= a_lo3 + 3 * float(c.m) * (t - t0) / M - 1e-6
        for k in range(M):  # the states inside the cycle stay in the certified ranges
            w, cc = tr.thetas[t + k]
            a_k, lam_k = -w, cc + w / 4
            assert float(c.zeta_lo) - 1e-9 <= a_k * (lam_k - ls) <= float(c.zeta_hi) + 1e-9


def test_certified_ball_run_agrees_with_the_certificate(cv2):
    c, t0 = cv2.cert, cv2.t0
    T = t0 + 4 * 200
    tr = D.gd_ball(CELLS2, T, record=set(range(t0, T + 1, 4)))
    with precision(128):
        for t, th in zip(tr.times, tr.thetas):
            a, lam = CELLS2.a_lambda(th)
            z = a * (lam - c.lam_star)
            lo, hi = ball_bounds(z)
            assert not (hi < c.Z[0] or lo > c.Z[1])  # never certified outside Z


def test_eventual_exactness_time_is_consistent_with_a_float_run(cv2):
    x = fmpq(3, 5)  # r_2(3/5) = 33/100 > 1/4: f = 0 for t ≥ T(x)
    T = cv2.exact_after(CELLS2.r((x,)) - CELLS2.tau, False)
    tr = D.gd_float(CELLS2, T + 8, record=set(range(T, T + 9)))
    for w, c in tr.thetas:
        assert w * float(CELLS2.r((x,))) + c <= 0


@pytest.mark.parametrize("tamper", ["m", "M3", "tile", "swap", "edge", "Z", "eta"])
def test_a_tampered_certificate_fails_the_recheck(cv2, tamper):
    import copy
    import dataclasses

    c = copy.copy(cv2.cert)
    if tamper == "m":
        c.m = c.m * 2
    elif tamper == "M3":
        c.M3 = c.M3 / 2
    elif tamper == "tile":
        c.tiles = c.tiles[1:]
    elif tamper == "swap":  # one tile replaced by a copy of another of the same area: the area still sums up
        c.tiles = [c.tiles[1]] + c.tiles[1:]
    elif tamper == "edge":
        e0, e1, y, s = c.edges[0]
        c.edges = [(e0, e1, y, -s)] + c.edges[1:]
    elif tamper == "Z":
        c.Z = (c.Z[0] - fmpq(1, 10), c.Z[1])
    else:
        c.model = dataclasses.replace(c.model, eta=c.model.eta * 40)
    ok, _ = cycle.recheck(c)
    assert not ok


def test_boxes_away_from_the_cycle_fixed_point_are_refused(cv2):
    md = cv2.cert.model
    for Z in ((fmpq(1, 10), fmpq(2, 10)), (fmpq(-4, 10), fmpq(-3, 10))):
        cert, why = cycle.certify(md, Z, fmpq(1, 8))
        assert cert is None and why


def test_claim_decides_m2_and_m3_and_the_planted_freeze_is_still_violated():
    for m, norm in ((2, True), (3, False)):
        v = verify.check("yoneda23.minibatch-cells", {"network": {"kind": "d0", "batch": {"kind": "cells", "m": m,
                                                                                            "normalize": norm}},
                                                      "params": {"x": ["9/20", "-3/5"]}})
        assert v.status.value == "HOLDS", v.notes
        assert any("cycle invariant closed" in n for n in v.notes)
    v = verify.check("yoneda23.pointwise-convergence~finite-data-freeze",
                     {"network": {"kind": "d0", "batch": {"kind": "data", "X": [["1/4"], ["-1/4"], ["3/4"], ["-3/4"]]}},
                      "params": {"x": ["9/20"]}})
    assert v.status.value == "VIOLATED"


def test_cells_that_cut_the_windows_have_no_cycle_model():
    assert cycle.CycleModel.of(D.D0(N=2, batch=D.Batch.cells(4))) is None
    assert cycle.CycleModel.of(D.D0()) is None  # full batch: the invariant of 3.10 instead


# ---- the long entry (N ≥ 3) --------------------------------------------------------------------


@pytest.mark.parametrize("N", [1, 2, 3, 4])
def test_law_gradient_and_loss_contain_the_exact_engine(N):
    cfg = D.D0(N=N)
    law = entry._Law(N)
    for th in ((fmpq(-4), fmpq(8, 5)), (fmpq(-9), fmpq(6)), (fmpq(-31, 2), fmpq(31, 7)), (fmpq(-10), fmpq(1, 3))):
        ex = D.risk_grad(cfg, th, 0, "exact")
        with precision(128):
            got = entry.grad_loss(law, cfg, arb(th[0]), arb(th[1]))
        for x, y in zip(got, (ex.L,) + tuple(ex.G)):
            lo, hi = ball_bounds(x)
            assert lo <= y <= hi


@pytest.mark.parametrize("N, th", [(3, (fmpq(-4), fmpq(8, 5))), (1, (fmpq(-63, 8), fmpq(2769, 400))),
                                    (2, (fmpq(-11, 8), fmpq(57, 800))), (2, (fmpq(-39, 4), fmpq(1419, 400))),
                                    (3, (fmpq(-8), fmpq(1, 10))), (2, (fmpq(-5), fmpq(13, 4)))])
def test_hessian_box_contains_the_difference_quotients(N, th):
    # ∇L is Lipschitz for a > 0, so (∇L(θ + h e_k) − ∇L(θ − h e_k))/2h lies in the closed convex hull of
    # the (Clarke) Hessians on the segment, hence in the enclosure over the box; the ramp straddles τ
    # in the first case only (elsewhere the Leibniz boundary terms enter)
    cfg = D.D0(N=N)
    law = entry._Law(N)
    h = fmpq(1, 1000)
    with precision(128):
        box = tuple(arb(v).union(arb(v - h)).union(arb(v + h)) for v in th)
        hww, hwc, hcw, hcc = entry._hessian(law, cfg, *box)
    g = lambda t: D.risk_grad(cfg, t, 0, "exact").G
    dw = [(p - m) / (2 * h) for p, m in zip(g((th[0] + h, th[1])), g((th[0] - h, th[1])))]
    dc = [(p - m) / (2 * h) for p, m in zip(g((th[0], th[1] + h)), g((th[0], th[1] - h)))]
    for q, enc in ((dw[0], hww), (dw[1], hcw), (dc[0], hwc), (dc[1], hcc)):
        lo, hi = ball_bounds(enc)
        assert lo <= q <= hi


def test_hessian_run_contains_the_exact_iterates():
    cfg = D.D0(N=3)
    boxes = entry.gd_entry(cfg, 6, until_regime=False)
    exact = D.gd_exact(cfg, 6).thetas
    for X, th in zip(boxes, exact):
        for x, v in zip(X, th):
            lo, hi = ball_bounds(x)
            assert lo <= v <= hi


def test_n3_closes_by_the_long_entry():
    cfg = D.D0(N=3, eta=fmpq(1, 5))
    cv = prove_full(cfg)
    assert cv.closed and cv.t0 > 400
    # the float trajectory at t0 lies in the entry ball
    tr = D.gd_float(cfg, cv.t0, record={cv.t0})
    w, c = tr.thetas[-1]
    lo, hi = ball_bounds(cv.a0)
    assert float(lo) - 1e-9 <= -w <= float(hi) + 1e-9
