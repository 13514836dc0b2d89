"""ejrw22 claims 13/14 at infinite horizon: Lyapunov, invariant-box and Łojasiewicz-length certificates."""

import json

import numpy as np
import pytest
from flint import fmpq

from verify.ejrw22.claims import invariant_sets as inv
from verify.flows import FlowSystem
from verify.framework import Instance
from verify.invariance import recheck
from certfiles import check_with_cert as _check_with_cert

UNIT = {"kind": "lebesgue", "box": [["0", "1"]]}


def _inst(claim, theta, target, measure=UNIT, params=None):
    return Instance.from_json({"claim": claim, "network": {"widths": [1, 1, 1], "theta": theta}, "target": target,
                               "measure": measure, "params": params or {}})




@pytest.mark.parametrize("claim,theta", [("ejrw22.bounded-gf-h1", ["3/5", "4/5", "5/2", "-1"]),
                                         ("ejrw22.open-standard-gf", ["2", "1", "5/2", "-1"]),
                                         ("ejrw22.open-standard-gf", ["0", "0", "3", "1"])])  # (w, b) = 0, v ≠ 0
def test_constant_target_lyapunov_every_solution(tmp_path, claim, theta):
    """f ≡ 1/2: W = v² + (c − 1/2)² has dW/dt = −4ℒ along every solution (also the non-unique start)."""
    inst = _inst(claim, theta, {"kind": "constant", "value": "1/2"})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "HOLDS"
    assert cert["claim_certificate"] == "lyapunov-constant-target"
    th = [fmpq(t) for t in theta]
    assert fmpq(cert["W0"]) == th[2] ** 2 + (th[3] - fmpq(1, 2)) ** 2
    bound = fmpq(cert["sup_norm_bound"])
    if th[0] != 0 or th[1] != 0:  # an independent float run stays below the bound (and W decreases)
        flow = "normalized" if claim.endswith("h1") else "standard"
        sim = FlowSystem(inst.target, inst.measure, 1).simulate(th, 20.0, flow, "A")
        S = np.asarray(sim.states)
        assert np.max(np.abs(S)) <= float(bound)
        W = S[:, 2] ** 2 + (S[:, 3] - 0.5) ** 2
        assert np.all(np.diff(W) <= 1e-9)


def test_non_unique_start_is_never_certified_by_one_solution(tmp_path):
    """(w, b) = (0, 0), v ≠ 0 under the standard flow, a non-constant target: solutions are not unique;
    neither the invariant box (needs ℒ* < ℒ_const, false at u = 0) nor the length bound (needs a fully
    active start) applies, and no certificate file is written."""
    tent = {"kind": "piecewise-linear", "knots": [["0", "0"], ["1/2", "1"], ["1", "0"]]}
    inst = _inst("ejrw22.open-standard-gf", ["0", "0", "1", "1/4"], tent, params={"certify_seconds": "5"})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "UNKNOWN" and cert is None
    data, bound, why = inv.invariant_box(type("E", (), {"inst": inst})(), inst.net, "standard", seconds=3)
    assert data is None
    system = FlowSystem(inst.target, inst.measure, 1)
    assert system.risk_gradient_exact(list(inst.net.theta))[0] >= inv.const_fit_risk(system)


def test_invariant_box_certified_and_tamper_fails(tmp_path):
    """f = ReLU(x − 1/2)·2 is realizable; from a start near the fit ℒ(θ_0) < min(ℒ_aff, ℒ_const) and the
    box ∩ M_A ∩ {ℒ ≤ ℒ(θ_0)} is certified forward invariant (normalized flow)."""
    target = {"kind": "piecewise-linear", "knots": [["0", "0"], ["1/2", "0"], ["1", "1"]]}
    inst = _inst("ejrw22.bounded-gf-h1", ["15/17", "-8/17", "34/15", "0"], target,
                 params={"certify_seconds": "40", "certificates": ["trap", "box"]})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "HOLDS", v.relations
    # the cheaper sublevel trap is tried first; the invariant box itself is built here
    assert cert["claim_certificate"] in ("sublevel-trap", "invariant-box")
    cert, _, why = inv.invariant_box(type("E", (), {"inst": inst})(), inst.net, "normalized", seconds=40,
                                     stage="start")
    assert cert is not None, why
    assert cert["claim_certificate"] == "invariant-box" and cert["leaf_count"] > 0
    system = FlowSystem(inst.target, inst.measure, 1)
    level = fmpq(cert["level"])
    assert level >= system.risk_gradient_exact(list(inst.net.theta))[0]
    # the listed set contains θ_0 and the certified bound covers the box
    box = [(fmpq(a), fmpq(b)) for a, b in cert["set"]["boxes"][0]]
    assert all(lo < t < hi for t, (lo, hi) in zip(inst.net.theta, box))
    field = lambda X: system.field_enclosure(X, "normalized", "A", 256)  # noqa: E731
    cons = inv.constraints(system, inst.net, "normalized", level, 256)
    assert recheck(cert, field, cons)[0]
    bad = json.loads(json.dumps(cert))
    bad["set"]["boxes"][0][2][1] = str(box[2][0] + fmpq(1, 100))  # a v-face moved inside the set
    assert not recheck(bad, field, cons)[0]
    cons_hi = inv.constraints(system, inst.net, "normalized", level * 1000, 256)  # a higher energy level
    assert not recheck(cert, field, cons_hi)[0]


@pytest.mark.parametrize("flow,claim", [("normalized", "ejrw22.bounded-gf-h1"), ("standard", "ejrw22.open-standard-gf")])
def test_lojasiewicz_length_near_the_affine_fit(tmp_path, flow, claim):
    """f = 1 + 2x; θ_0 fully active (kink at −4/3) next to the affine fit (v w = 2 + 3/500): the path
    length is at most 2√(E_0/μ), far less than the distance to the edge of the fully active region."""
    inst = _inst(claim, ["3/5", "4/5", "301/90", "-5/3"], {"kind": "polynomial", "coefficients": ["1", "2"]},
                 params={"certify_seconds": "20", "certificates": ["length", "box"]})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "HOLDS", v.relations
    assert cert["claim_certificate"] in ("lojasiewicz-length", "invariant-box")
    if cert["claim_certificate"] == "lojasiewicz-length":
        system = FlowSystem(inst.target, inst.measure, 1)
        assert fmpq(cert["l_min"]) == 0  # an affine target is fitted exactly
        assert inv.recheck_length(system, cert, flow)[0]
        bad = dict(cert, rho=str(fmpq(cert["rho"]) / 4))
        assert not inv.recheck_length(system, bad, flow)[0]
        bad = dict(cert, E_T_upper="0")
        assert not inv.recheck_length(system, bad, flow)[0]
        bad = dict(cert, lambda_lower=str(fmpq(cert["lambda_lower"]) * 3))  # M − λ·I no longer PSD
        assert not inv.recheck_length(system, bad, flow)[0]


def test_dying_neuron_certified_and_tamper_fails(tmp_path):
    """f with f(0) = 2 ≫ the mean: from θ_0 = (−7/25, 24/25, −2, −2) the kink runs to A = 0 with the active side
    [0, x_0) shrinking (v·r > 0 there), so v freezes and c → ∫fp/∫p; certified from a point of the enclosure."""
    target = {"kind": "piecewise-linear", "knots": [["0", "2"], ["9/10", "-1/2"], ["1", "1"]]}
    inst = _inst("ejrw22.bounded-gf-h1", ["-7/25", "24/25", "-2", "-2"], target, params={"certify_seconds": "40"})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "HOLDS", v.relations
    assert cert["claim_certificate"] == "dying-neuron" and cert["side"] == -1
    system = FlowSystem(inst.target, inst.measure, 1)
    assert inv.recheck_dying(system, cert)[0]
    assert fmpq(cert["c_bar"]) == fmpq(7, 10)  # ∫f = (9/10)(3/4) + (1/10)(1/4)
    for key, val in (("r_min", str(fmpq(cert["r_min"]) * 10 ** 6)), ("ell_T_upper", "0"), ("c_bar", "1"),
                     ("delta_v", "0"),
                     ("v_range", [cert["v_range"][0], str(fmpq(cert["Y_T"][2][1]))])):
        assert not inv.recheck_dying(system, dict(cert, **{key: val}))[0], key
