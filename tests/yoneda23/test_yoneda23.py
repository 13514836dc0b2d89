"""yoneda23 claims and the invariant box: the certificate is consistent with independent float and
exact trajectories, wrong boxes are refused, the planted violations of the spec's other witnesses
come back VIOLATED (or UNKNOWN where the spec says so), variants override knobs, and bad input
exits 2 with one line."""

import json

import numpy as np
import pytest
from flint import fmpq

import verify
from verify.yoneda23 import d0 as D
from verify.cli import main
from verify.yoneda23.invariant import RampModel, certify, prove
from verify.numbers import ball_bounds, precision

Z_SPEC = (fmpq(-6, 100), fmpq(4, 100))


def test_default_invariant_closes_on_the_spec_box_and_enters_at_t42():
    cv = prove(D.D0())
    assert cv.closed and cv.t0 == 42 and cv.cert.Z == Z_SPEC
    c = cv.cert
    assert 0 < c.m <= fmpq(268, 100000) and c.M >= fmpq(530, 100000)  # the spec's float range lies inside
    assert c.M3 >= 3 * c.M


def test_boxes_that_do_not_contain_the_fixed_point_are_refused():
    m = RampModel.of(D.D0())
    for Z in ((fmpq(2, 100), fmpq(4, 100)), (fmpq(-6, 100), fmpq(-3, 100)), (fmpq(-1), fmpq(1))):
        cert, why = certify(m, Z, fmpq(1, 4))
        assert cert is None and why


def test_a_float_trajectory_stays_in_the_certified_box_and_grows_as_certified():
    cfg = D.D0()
    cv = prove(cfg)
    ts = list(range(42, 2 ** 14, 97))
    tr = D.gd_float(cfg, ts[-1], record=set(ts))
    ls = float(cv.cert.lam_star.mid())
    a_lo = float(ball_bounds(cv.a0)[0])
    prev = 0.0
    for t, (w, c) in zip(tr.times, tr.thetas):
        if t < 42:
            continue
        a, lam = -w, c + w / 4
        zeta = a * (lam - ls)
        assert float(Z_SPEC[0]) <= zeta <= float(Z_SPEC[1]) and 1 / a <= float(cv.cert.eps_max)
        assert a ** 3 >= a_lo ** 3 + 3 * float(cv.cert.m) * (t - 42) - 1e-9 and a > prev
        prev = a


def test_certified_entry_iterates_contain_the_exact_iterates():
    cfg = D.D0()
    cv = prove(cfg)
    exact = D.gd_exact(cfg, 5).thetas
    m = cv.model
    with precision(cv.prec):
        for (t, a, lam, _), th in zip(cv.iterates, exact):
            ea, el = m.a_lam(th)
            assert ball_bounds(a)[0] <= ea <= ball_bounds(a)[1] and ball_bounds(lam)[0] <= el <= ball_bounds(lam)[1]


def test_certified_exactness_time_is_an_upper_bound_of_the_float_one():
    cfg = D.D0()
    cv = prove(cfg)
    x_in, x_out = fmpq(11, 30), fmpq(7, 10)  # r_2 = 3/20 and r_2 = 0.3475
    T_in = cv.exact_after(fmpq(1, 4) - cfg.r([x_in]), True)
    T_out = cv.exact_after(cfg.r([x_out]) - fmpq(1, 4), False)
    probes = [float(x_in), float(x_out)]
    tr = D.gd_float(cfg, max(T_in, T_out) + 1000, record="all", probes=probes)
    f_in = np.array([p for p in tr.probes[probes[0]]])
    f_out = np.array([p for p in tr.probes[probes[1]]])
    assert np.all(f_in[T_in:] == 1.0) and np.all(f_out[T_out:] == 0.0)
    assert not np.all(f_in[:42] == 1.0)  # not exact from the start: the bound is not vacuous


def test_threshold_model_for_n0_flips_at_one_half():
    m = RampModel.of(D.D0(N=0, init=(-4, fmpq(5, 2))))
    assert m.tau == fmpq(1, 2) and m.A == m.B == 1
    with precision(128):
        assert abs(float(m.lam_star().mid()) - 0.5) < 1e-30


@pytest.mark.parametrize("init,x", [(["-4", "8"], "9/10"), (["0", "0"], "0"), (["1", "-2"], "-1/5")])
def test_dead_ramp_witnesses_of_the_spec(init, x):
    v = verify.check("yoneda23.pointwise-convergence~dead-ramp", {"network": {"kind": "d0", "init": init},
                                                                  "params": {"x": [x]}})
    assert v.status == "VIOLATED" and v.reverified.startswith("confirmed")


def test_dead_ramp_zero_start_with_relu_derivative_one_is_not_refuted():
    v = verify.check("yoneda23.pointwise-convergence~dead-ramp",
                     {"network": {"kind": "d0", "init": ["0", "0"], "relu_grad_at_0": "1"}, "params": {"x": ["0"]}})
    assert v.status == "UNKNOWN"


def test_finite_data_freeze_reproduces_the_spec_values():
    cfg = D.D0(batch=D.Batch.data([[fmpq(k, 4)] for k in (-3, -1, 1, 3)]))
    rg = D.data_risk_grad(cfg, cfg.theta0)
    assert rg.G == (0, 0) and cfg.f(cfg.theta0, [fmpq(9, 20)]) == fmpq(3, 4) and cfg.limit([fmpq(9, 20)]) == 1


def test_variants_override_knobs_and_are_listed():
    v = verify.check("yoneda23.pointwise-convergence@head-ab", {"network": {"kind": "d0"}})
    assert v.status == "HOLDS" and v.vacuous and "head-ab" in v.variants
    v = verify.check("yoneda23.d1-exact-reduction", {"network": {"kind": "d0", "head": "ab"}})
    assert v.status == "HOLDS" and not v.vacuous and "head-ab" in v.variants
    v = verify.check("yoneda23.pointwise-convergence@feat-radial", {"network": {"kind": "d0"}})
    assert v.status == "UNKNOWN" and "not implemented" in v.relations[0].note


def test_boundary_value_band_is_away_from_both_limits():
    v = verify.check("yoneda23.pointwise-convergence~boundary-value", {"network": {"kind": "d0"}, "params": {"x": ["1/2"]}})
    assert v.status == "VIOLATED"
    assert all(fmpq(r.margin) > fmpq(2, 5) for r in v.relations)  # distance > 0.4 from 0 and from 1


def test_claimed_rate_constant_below_the_certified_lower_one_is_refuted():
    v = verify.check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": {"C": "1/100"}})
    assert v.status == "VIOLATED"
    v = verify.check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": {"C": "1"}})
    assert v.status == "HOLDS"


@pytest.mark.parametrize("params", [{"C": "0.4"}, {"C": "0.3703"}, {"C": "0.3", "t0": 64}, {"c1": "1/4"},
                                    {"c2": "1/4"}, {"c1": "1/2"}])
def test_a_claimed_constant_inside_the_certified_envelope_is_not_refuted(params):
    """Issue 14 class 2: "our certified bound is weaker than yours" is no counterexample."""
    v = verify.check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": params})
    assert v.status == "UNKNOWN" and not any(r.status == "VIOLATED" for r in v.relations)


def test_a_claimed_constant_refuted_at_a_certified_t_names_the_users_constant():
    v = verify.check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": {"C": "3/20", "t0": 1}})
    assert v.status == "VIOLATED" and v.reverified.startswith("confirmed")
    bad = [r for r in v.relations if r.status == "VIOLATED"]
    assert "certified GD" in bad[0].name and any("user's constant params.C" in n for n in v.notes)
    v = verify.check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": {"c1": "1/2", "t0": 100}})
    assert v.status == "VIOLATED"  # a_t < t^(1/3)/2 at a certified t ≤ 1024 (a_1024 ≈ 4.25 < 5.04)
    v = verify.check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": {"c1": "6/5"}})
    assert v.status == "VIOLATED" and "for every t ≥" in v.relations[-1].name  # beyond the certified c2


def test_a_claimed_exactness_time_is_refuted_only_at_a_certified_t():
    v = verify.check("yoneda23.time-to-exactness", {"network": {"kind": "d0"}, "params": {"x": ["9/20"], "T": 300}})
    assert v.status == "VIOLATED" and "at t = 300" in v.relations[0].name
    v = verify.check("yoneda23.time-to-exactness", {"network": {"kind": "d0"}, "params": {"x": ["1/8"], "T": 10}})
    assert v.status == "UNKNOWN"  # our T(x) = 43 > 10 is only our bound; f = 1 there from t = 0
    v = verify.check("yoneda23.time-to-exactness", {"network": {"kind": "d0"}, "params": {"x": ["1/8"], "T": 43}})
    assert v.status == "HOLDS"


def test_monotone_descent_per_step_relations_are_certified_balls():
    v = verify.check("yoneda23.monotone-descent", {"network": {"kind": "d0"}})
    assert v.status == "HOLDS"
    assert all(fmpq(r.margin) > 0 for r in v.relations[:1])


@pytest.mark.parametrize("instance,claim,message", [
    ({"network": {"kind": "d0"}, "params": {"x": ["3/2"]}}, "yoneda23.pointwise-convergence", "outside the domain"),
    ({"network": {"kind": "d0", "N": -1}}, "yoneda23.sparse-shape", "N must be >= 0"),
    ({"network": {"kind": "d0", "eta": "0"}}, "yoneda23.pointwise-convergence", "step size must be > 0"),
    ({"network": {"kind": "d0", "batch": {"kind": "data", "X": [["1/4"]]}}}, "yoneda23.pointwise-convergence",
     "does not cover the domain"),
    ({"network": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]}}, "yoneda23.boundary-set", "D0 construction"),
])
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, instance, claim, message):
    p = tmp_path / "inst.json"
    p.write_text(json.dumps(instance))
    code = main(["check", claim, str(p)])
    out, err = capsys.readouterr()
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_ramp_model_step_is_exact_gd_in_the_regime():
    cfg = D.D0()
    m = RampModel.of(cfg)
    exact = D.gd_exact(cfg, 3).thetas
    a, lam = m.a_lam(exact[0])
    for th in exact[1:]:
        a, lam = m.step(a, lam)
        assert (a, lam) == m.a_lam(th)
    af, lf = m.step(4.0, 0.6)
    ae, le = m.step(fmpq(4), fmpq(3, 5))
    assert abs(af - float(ae)) < 1e-14 and abs(lf - float(le)) < 1e-14
