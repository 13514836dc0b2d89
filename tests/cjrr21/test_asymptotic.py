"""Infinite-horizon certificates of cjrr21 claims 15 (gd-risk-to-zero) and 16 (gf-lyapunov-integral):
the region certificate re-checks independently and fails when tampered with, instances whose risk does
not go to 0 are never a non-vacuous HOLDS, and the certified bound Σℒ(Θ_n) ≤ (V(Θ_m) − 2ξ²)/(4γ) holds
along a long ball GD run (balls that contain the exact trajectory)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

import pytest
from flint import arb, fmpq
from hypothesis import given, settings, strategies as st

import verify
from verify.cjrr21.claims import DESIGN, P7, UNIFORM, ATOMS, DENSITY
from verify.cjrr21.claims.asymptotic import certify_region, default_horizon, measure_lambda_M, recheck
from verify.cjrr21.claims.common import gamma_bar
from verify.errors import SoundnessError
from verify.framework import Evaluation, Instance, Status
from verify.numbers import precision

RISK = "cjrr21.gd-risk-to-zero"


def oracle_V(theta, xi):
    return sum(t * t for t in theta) + (theta[-1] - 2 * xi) ** 2


def _cert_of(inst):
    i = Instance.from_json(inst)
    net, xi, m = i.net, i.target.constant, i.measure
    lam, M = m.total_mass(), m.coordinate_bound()
    g = gamma_bar(oracle_V(net.theta, xi), lam, net.d, M)
    return certify_region(0, net.theta, xi, g, lam, M, net.d), m


@pytest.mark.parametrize("inst", [DESIGN, UNIFORM, ATOMS, DENSITY])
def test_theorem_route_decides_and_names_itself(inst):
    v = verify.check(RISK, inst)
    assert v.status == Status.HOLDS and not v.vacuous
    assert v.relations[0].name.startswith("certificate of lim ℒ(Θ_n) = 0 (theorem route")
    assert any(n.startswith("decided by the theorem route") for n in v.notes)
    # the default step is γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2]): the load γ̄λ[(1 + dM²)(V(Θ_0) − 2ξ²) + 2] is
    # 1 − 2ξ²(1 + dM²)γ̄λ, checked in fmpq and again in fractions
    i = Instance.from_json(inst)
    lam, M, xi, d = i.measure.total_mass(), i.measure.coordinate_bound(), i.target.constant, i.net.d
    gbar = 1 / (lam * ((1 + d * M * M) * oracle_V(i.net.theta, xi) + 2))
    assert v.relations[0].lhs == 1 - 2 * xi * xi * (1 + d * M * M) * gbar * lam == v.relations[2].lhs
    assert v.relations[2].status == Status.HOLDS


def test_lambda_M_recomputed_from_the_measures_data():
    for inst, lam, M in [(DESIGN, 1, 1), (UNIFORM, 1, 3), (ATOMS, 1, 1)]:
        assert measure_lambda_M(Instance.from_json(inst).measure) == (F(lam), F(M))
    # density pieces (1 + x on [-1, 0], 1 − x on [0, 1]): mass 1/2 + 1/2
    assert measure_lambda_M(Instance.from_json(DENSITY).measure) == (F(1), F(1))


def test_certificate_rechecks_and_tampering_is_caught():
    cert, m = _cert_of(DESIGN)
    assert cert is not None and cert.load < 1
    g, load = recheck(cert, m)
    assert load == F(int(cert.load.p), int(cert.load.q)) and g > 0
    bigger = dataclasses.replace(cert, gamma=cert.gamma / cert.load * fmpq(101, 100))  # load 101/100
    assert recheck(bigger, m)[1] == F(101, 100)
    moved = dataclasses.replace(cert, theta=[t + 1 for t in cert.theta])  # another point: V larger
    assert recheck(moved, m)[1] > 1
    # a tampered certificate handed to the relations raises (the fractions path disagrees)
    from verify.cjrr21.claims.asymptotic import certificate_relations

    ev = Evaluation(Instance.from_json(DESIGN), {}, None)
    with pytest.raises(SoundnessError):
        certificate_relations(ev, bigger, "tampered")


def test_non_convergent_instances_are_never_a_nonvacuous_holds():
    # P7: θ = 0, ξ = 1, γ = 1 = 1/λ: the 2-cycle 𝔠 = 0, 2, 0, … with ℒ = 1
    v = verify.check(RISK, P7)
    assert v.status == Status.HOLDS and v.vacuous  # γ = 1 > γ̄ = 1/10: outside @step-derived's scope
    assert verify.check(RISK + "~step-one-over-lambda", P7).status == Status.VIOLATED
    inst = dict(P7, params={**P7["params"], "step_bound": "1"})
    assert verify.check(RISK + "@step-paper", inst).status == Status.VIOLATED
    # divergence, γ = 3/2 > 1/λ: |𝔠_n − ξ| = 2ⁿ; the user's bound admits it, nothing certifies → 0
    div = dict(P7, params={"gamma": "3/2", "steps": 4, "step_bound": "2"})
    v = verify.check(RISK + "@step-paper", div)
    assert v.status == Status.UNKNOWN and not any("certificate of lim" in r.name for r in v.relations)
    # γ ≥ 1/λ on the same start (𝔠_n − ξ = (1 − 2γ)ⁿ(𝔠_0 − ξ), |1 − 2γ| ≥ 1): never a non-vacuous HOLDS
    for gamma in ("1", "101/100", "3"):
        v = verify.check(RISK + "@step-paper", dict(P7, params={"gamma": gamma, "steps": 4, "step_bound": "4"}))
        assert v.status != Status.HOLDS
    # γ = 1/(2λ) reaches 𝔠 = ξ in one step: ℒ = 0 from Θ_1 on, a correct HOLDS (the repeat Θ_2 = Θ_1)
    v = verify.check(RISK + "@step-paper", dict(P7, params={"gamma": "1/2", "steps": 4, "step_bound": "1"}))
    assert v.status == Status.HOLDS and not v.vacuous


def test_region_entry_after_exact_steps():
    """γ = 1/10 > γ̄(Θ_0) = 1/70: the region {V ≤ V(Θ_m)} with γλ[(1 + dM²)(V − 2ξ²) + 2] ≤ 1 is entered at m = 5,
    an exact GD iterate, re-checked inside the 256-bit ball run from Θ_0."""
    inst = {"network": {"widths": [1, 1, 1], "theta": ["1/4", "0", "1/4", "5"]},
            "target": {"kind": "constant", "value": "1"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
            "params": {"gamma": "1/10", "steps": 10, "step_bound": "1/10"}}
    v = verify.check(RISK + "@step-paper", inst)
    assert v.status == Status.HOLDS and not v.vacuous
    assert "region-entry route (after 5 exact GD steps)" in v.relations[0].name
    assert all(r.status == Status.HOLDS for r in v.relations) and len(v.relations) == 4
    # with 4 exact steps and no ball search the region is not reached: UNKNOWN, never HOLDS
    v = verify.check(RISK + "@step-paper", dict(inst, params={**inst["params"], "steps": 4, "region_steps": 0}))
    assert v.status == Status.UNKNOWN
    # the ball search past the exact run enters it at the same index, Θ_5
    v = verify.check(RISK + "@step-paper", dict(inst, params={**inst["params"], "steps": 4}))
    assert v.status == Status.HOLDS and "ball region-entry route, after 5 GD steps" in v.relations[0].name


def test_certified_bound_along_a_long_ball_run():
    """Σ_{n<N} ℒ(Θ_n) ≤ (V(Θ_0) − 2ξ²)/(4γ) and V(Θ_n) ≤ V(Θ_0) along 150 GD steps in Arb balls (the balls
    contain the exact trajectory), for the certified DESIGN instance at γ = γ̄."""
    from verify.cjrr21.claims.trajectories import gd_trajectory

    cert, _ = _cert_of(DESIGN)
    ev = Evaluation(Instance.from_json(dict(DESIGN, params={"steps": 150})), {}, 128)
    with precision(128):
        tr = gd_trajectory(ev, 150)
        assert len(tr["L"]) == 150 and tr["exact_upto"] == 150
        total = sum(tr["L"], arb(0))
        bound = arb(cert.bound)
        assert (bound - total) > 0  # certified: the upper end of the enclosed partial sum is below B
        assert all((arb(cert.V_m) - v) > 0 for v in tr["V"][1:])  # V strictly below V(Θ_0) (ℒ > 0)
        assert (tr["L"][-1] < tr["L"][0])  # the risk fell (evidence, not part of the certificate)


def test_gf_integral_default_horizon_and_theorem_route():
    v = verify.check("cjrr21.gf-lyapunov-integral", dict(DESIGN, params={"steps": 2}))
    assert v.status == Status.HOLDS and not v.vacuous
    i = Instance.from_json(DESIGN)
    T = default_horizon(gamma_bar(oracle_V(i.net.theta, i.target.constant), fmpq(1), 1, fmpq(1)))
    assert T == fmpq(1764, 45851) and any(f"default horizon T = min(γ̄, 1/16) = {T.p}/{T.q}" in n for n in v.notes)
    flow = [r for r in v.relations if r.name.startswith("consistency check")]
    assert len(flow) == 1 and flow[0].status == Status.HOLDS
    # outside the scope (non-constant target): vacuous, never a certified flow statement
    poly = dict(DESIGN, target={"kind": "polynomial", "coefficients": ["0", "1"]}, params={"steps": 1})
    v = verify.check("cjrr21.gf-lyapunov-integral", poly)
    assert v.status == Status.HOLDS and v.vacuous


@settings(deadline=None)
@given(st.integers(1, 3), st.lists(st.fractions(-3, 3, max_denominator=8), min_size=10, max_size=10),
       st.fractions(-2, 2, max_denominator=8), st.fractions(F(1, 64), 1, max_denominator=64))
def test_random_instances_decided_and_consistent(H, pool, xi, gamma):
    """Random rational weights, constant target, random step: HOLDS non-vacuously exactly when γ ≤ γ̄
    (an independent Fraction computation), vacuously otherwise under @step-derived."""
    theta = [str(t) for t in pool[:3 * H + 1]]
    inst = {"network": {"widths": [1, H, 1], "theta": theta}, "target": {"kind": "constant", "value": str(xi)},
            "measure": {"kind": "lebesgue", "box": [["-1", "1"]]}, "params": {"gamma": str(gamma), "steps": 1}}
    v = verify.check(RISK, inst)
    th = pool[:3 * H + 1]
    gbar = 1 / (2 * ((1 + 1) * (sum(t * t for t in th) + (th[-1] - 2 * xi) ** 2) + 2))
    assert v.status == Status.HOLDS
    assert v.vacuous == (gamma > gbar)


@settings(deadline=None, max_examples=60)
@given(st.integers(1, 3), st.lists(st.fractions(-3, 3, max_denominator=8), min_size=10, max_size=10),
       st.fractions(-2, 2, max_denominator=8), st.sampled_from(["lebesgue", "uniform", "atoms"]),
       st.sampled_from(["deriv0-open", "deriv0-closed", "deriv0-half"]), st.sampled_from(["loss-full", "loss-half"]))
def test_lemma_r_one_step_exactly(H, pool, xi, kind, deriv0, loss):
    """Lemma R's step, exactly at random θ: with the largest step of load 1, γ = 1/(λ[(1 + dM²)(V(θ) − 2ξ²) + 2]),
    V(θ − γ𝒢(θ)) ≤ V(θ) − 4γℒ(θ) (exact E1 / atoms, the ReLU′(0) and loss-scale variants)."""
    from verify.cjrr21.claims.common import V, _rg

    theta = [str(t) for t in pool[:3 * H + 1]]
    measure = {"lebesgue": {"kind": "lebesgue", "box": [["-1", "2"]]},
               "uniform": {"kind": "uniform", "box": [["-1", "1/2"]]},
               "atoms": {"kind": "empirical", "points": [["-1"], ["1/3"], ["2"]], "weights": ["1/2", "1", "1/4"]}}[kind]
    inst = Instance.from_json({"network": {"widths": [1, H, 1], "theta": theta},
                               "target": {"kind": "constant", "value": str(xi)}, "measure": measure})
    from verify.cjrr21.claims.common import COMMON  # noqa: F401  (the variant groups are registered)
    from verify.registry import resolve

    _, _, variants = resolve(f"cjrr21.gd-risk-to-zero@{deriv0}@{loss}", inst.variants)
    ev = Evaluation(inst, variants, None)
    net, x = inst.net, inst.target.constant
    lam, M = inst.measure.total_mass(), inst.measure.coordinate_bound()
    gamma = 1 / (lam * ((1 + M * M) * (V(net.theta, x) - 2 * x * x) + 2))
    cert = certify_region(0, net.theta, x, gamma, lam, M, 1)
    assert cert is not None and cert.load == 1
    L, G = _rg(ev, net, variants.get("loss", fmpq(1)))
    image = [t - gamma * g for t, g in zip(net.theta, G)]
    assert V(image, x) <= V(net.theta, x) - 4 * gamma * L


def test_ball_region_entry_agrees_with_the_exact_run():
    """γ = (3/2)γ̄(Θ_0): the region is entered after 33 GD steps in Arb balls (128 bits, re-checked at 256);
    V̄, recovered from the certified load, bounds the exact V(Θ_33) of an unrounded exact run, and the exact
    run of 33 steps certifies the region (at Θ_33 or earlier) by itself."""
    from verify.cjrr21.claims.trajectories import gd_trajectory

    inst = {"network": {"widths": [1, 1, 1], "theta": ["-11", "-10/3", "-7/3", "-2"]},
            "target": {"kind": "constant", "value": "7"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
            "params": {"gamma": "27/14348", "steps": 4, "step_bound": "27/14348"}}
    v = verify.check(RISK + "@step-paper", inst)
    assert v.status == Status.HOLDS and not v.vacuous
    assert v.relations[0].name.startswith("certificate of lim ℒ(Θ_n) = 0 (ball region-entry route, after 33 GD")
    assert [r.status for r in v.relations] == [Status.HOLDS] * 3
    gamma, xi = fmpq(27, 14348), fmpq(7)
    vbar = (v.relations[0].lhs / gamma - 2) / 2 + 2 * xi * xi  # load = γλ[(1 + dM²)(V̄ − 2ξ²) + 2], λ = M = d = 1
    ev = Evaluation(Instance.from_json(dict(inst, params={**inst["params"], "steps": 33, "rounding_bits": None})),
                    {}, None)
    tr = gd_trajectory(ev, 33)
    assert tr["exact_upto"] == 33 and oracle_V(tr["nets"][33].theta, xi) <= vbar
    assert oracle_V(tr["nets"][32].theta, xi) > vbar  # the ball route's first index is the exact run's too
    v = verify.check(RISK + "@step-paper", dict(inst, params={**inst["params"], "steps": 33}))
    assert v.status == Status.HOLDS and "region-entry route (after" in v.relations[0].name
    assert "exact GD steps" in v.relations[0].name
