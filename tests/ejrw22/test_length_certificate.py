"""ejrw22 claims 13/14: the Łojasiewicz-length certificate, version 2 (proofs_notes/ejrw22.md#lojasiewicz-length):
the speed form |Θ'|² = zᵀQz in the fully active region, its λ_min bound (positive where v = 0), the exact region test
on the manifold, and certificates that cover trajectories whose v tends to 0 or crosses 0."""

from fractions import Fraction as Fr

import numpy as np
import pytest
from flint import fmpq
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from verify.ejrw22.claims import fully_active as fa
from verify.ejrw22.claims import invariant_sets as inv
from verify.ejrw22.claims.recheck import recheck_file
from verify.ejrw22.strategies import circle_points
from verify.flows import FlowSystem
from verify.framework import Instance
from verify.registry import recheck_certificate
from certfiles import check_with_cert as _check_with_cert

HAT02 = {"kind": "piecewise-linear", "knots": [["0", "0"], ["1", "1"], ["2", "0"]]}
LEB02 = {"kind": "lebesgue", "box": [["0", "2"]]}
# example (b) of the issue: a hat on [−2, −1], density 1 on [−2, −3/2] and 3 on [−3/2, −1]
HAT21 = {"kind": "piecewise-linear", "knots": [["-2", "0"], ["-3/2", "1"], ["-1", "0"]]}
DEN21 = {"kind": "density", "pieces": [{"interval": ["-2", "-3/2"], "coefficients": ["1"]},
                                       {"interval": ["-3/2", "-1"], "coefficients": ["3"]}]}


def _inst(claim, theta, target, measure, params=None):
    return Instance.from_json({"claim": claim, "network": {"widths": [1, 1, 1], "theta": theta}, "target": target,
                               "measure": measure, "params": params or {}})


def _q(x):
    return fmpq(x.numerator, x.denominator) if isinstance(x, Fr) else fmpq(x)


def _F(x):
    x = fmpq(x)
    return Fr(int(x.p), int(x.q))


def _lam_min_exact(Q):
    """(tr, det) of the 2×2 symmetric Q: λ_min = (tr − √(tr² − 4 det))/2."""
    return Q[0][0] + Q[1][1], Q[0][0] * Q[1][1] - Q[0][1] * Q[1][0]


@pytest.mark.parametrize("flow", ["normalized", "standard"])
def test_speed_is_the_quadratic_form_of_the_affine_gradient(flow):
    """At a fully active rational θ the exact gradient is 𝒢 = (v z, ⟨u, z⟩, z_2) with z = ∇ℓ(s, t) = 2M(s, t) − 2n,
    and the speed |P𝒢|² (normalized, P the tangent projection of M_A) resp. |𝒢|² equals zᵀQz exactly."""
    inst = _inst("ejrw22.bounded-gf-h1", ["3/5", "4/5", "0", "0"], HAT02, LEB02)
    system = FlowSystem(inst.target, inst.measure, 1)
    M, n, _ = inv.affine_gram(system)
    for th in (["3/5", "4/5", "0", "1/3"], ["-5/13", "12/13", "7/4", "-1"], ["8/17", "15/17", "-1/9", "2"]):
        w, b, v, c = (_F(t) for t in th)
        if flow == "standard":
            w, b = 3 * w, 3 * b  # off the circle
        theta = [_q(x) for x in (w, b, v, c)]
        assert min(w * 0 + b, w * 2 + b) > 0  # fully active on [0, 2]
        _, G = system.risk_gradient_exact(theta)
        G = [_F(g) for g in G]
        s, t = v * w, v * b + c
        z = (2 * (_F(M[0][0]) * s + _F(M[0][1]) * t) - 2 * _F(n[0]), 2 * (_F(M[1][0]) * s + _F(M[1][1]) * t) - 2 * _F(n[1]))
        uz = w * z[0] + b * z[1]
        assert G == [v * z[0], v * z[1], uz, z[1]]
        if flow == "normalized":
            radial = G[0] * w + G[1] * b
            speed = (G[0] - radial * w) ** 2 + (G[1] - radial * b) ** 2 + G[2] ** 2 + G[3] ** 2
            Q = [[v * v * (1 - w * w) + w * w, (1 - v * v) * w * b], [(1 - v * v) * w * b, v * v * (1 - b * b) + b * b + 1]]
            tr, det = _lam_min_exact(Q)
            assert (tr, det) == (v * v + 2, 2 * v * v + (1 - v * v) * w * w)  # on M_A
        else:
            speed = sum(g * g for g in G)
            Q = [[v * v + w * w, w * b], [w * b, v * v + b * b + 1]]
        assert speed == Q[0][0] * z[0] ** 2 + 2 * Q[0][1] * z[0] * z[1] + Q[1][1] * z[1] ** 2


def test_pl_factor_at_v_zero_is_exact():
    """At v = 0 on M_A with w = 3/5: λ_min(Q) = 1 − √(1 − w²) = 1 − 4/5 = 1/5 exactly (the old bound min(v², 1) is 0);
    the certified factor is below 1/5 by at most 2^−40, the re-check accepts it and refuses 1/5 + 2^−30."""
    box = [(fmpq(3, 5),) * 2, (fmpq(4, 5),) * 2, (fmpq(0),) * 2, (fmpq(0),) * 2]
    m = fa.pl_factor("normalized", box)
    assert m <= fmpq(1, 5) and fmpq(1, 5) - m < fmpq(1, 2 ** 40)
    assert fa.recheck_factor("normalized", box, m)
    assert fa.recheck_factor("normalized", box, fmpq(1, 5))  # the exact value itself: p(1/5) = 0
    assert not fa.recheck_factor("normalized", box, fmpq(1, 5) + fmpq(1, 2 ** 30))
    # standard flow, (w, b) = (3, 4), v = 0: σ² is the smaller root of x² − 26x + 9 = 13 − 4√10
    box = [(fmpq(3),) * 2, (fmpq(4),) * 2, (fmpq(0),) * 2, (fmpq(0),) * 2]
    m = fa.pl_factor("standard", box, kappa=fmpq(25))
    exact = 13 - 4 * np.sqrt(10.0)
    assert m <= fmpq(int(exact * 2 ** 50) + 1, 2 ** 50) and abs(float(m) - exact) < 1e-12
    assert fa.recheck_factor("standard", box, m, kappa=fmpq(25))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(wb=circle_points(), v=st.fractions(-3, 3, max_denominator=20), scale=st.fractions(1, 4, max_denominator=7))
@example(wb=(Fr(9999999999999999, 10000000000000001), Fr(200000000, 10000000000000001)), v=Fr(0), scale=Fr(1))
def test_lambda_min_bounds_of_the_note(wb, v, scale):
    """At rational points, exactly (characteristic polynomial, no floats): normalized λ_min(Q) ≥ max(min(v², 1), w²/2)
    (σ² = 1 − √(1 − w²) ≥ w²/2), standard λ_min(Q) = v² + σ² ≥ v² + w²/(w² + b² + 1); the certified factor is a
    lower bound (re-check) and within 2^−40 of λ_min (floats only for that comparison)."""
    w, b = wb
    pt = lambda *xs: [(_q(x), _q(x)) for x in xs]  # noqa: E731
    box = pt(w, b, v, 0)
    assert fa.recheck_factor("normalized", box, max(min(v * v, Fr(1)), w * w / 2)) or (v == 0 and w == 0)
    m = fa.pl_factor("normalized", box)
    assert m == 0 or fa.recheck_factor("normalized", box, m)
    V = min(v * v, Fr(1))  # λ_min = 2 det/(tr + √D) with D exact (no cancellation in floats)
    D, det = (2 - V) ** 2 - 4 * (1 - V) * w * w, 2 * V + (1 - V) * w * w
    assert abs(float(m) - float(2 * det) / (float(V + 2) + np.sqrt(float(D)))) < 1e-9
    ws, bs = w * scale, b * scale
    kappa = ws * ws + bs * bs - v * v
    box = pt(ws, bs, v, 0)
    lower = v * v + ws * ws / (ws * ws + bs * bs + 1)
    assert lower == 0 or fa.recheck_factor("standard", box, lower, kappa)
    m = fa.pl_factor("standard", box, _q(kappa))
    assert m == 0 or fa.recheck_factor("standard", box, m, kappa)
    T = ws * ws + bs * bs + 1
    assert abs(float(m) - (float(v * v) + float(2 * ws * ws) / (float(T) + np.sqrt(float(T * T - 4 * ws * ws))))) < 1e-9


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(w0=st.fractions(-2, 2, max_denominator=8), b0=st.fractions(-2, 2, max_denominator=8),
       dw=st.fractions(0, 2, max_denominator=8), db=st.fractions(0, 2, max_denominator=8),
       v=st.fractions(-1, 1, max_denominator=4), kappa=st.sampled_from([None, Fr(0), Fr(1, 2), Fr(3)]),
       AB=st.sampled_from([(Fr(0), Fr(1)), (Fr(-2), Fr(-1)), (Fr(-1), Fr(2))]))
def test_region_test_two_paths_agree_and_sampled_points_are_active(w0, b0, dw, db, v, kappa, AB):
    """The region test is exact: the polygon-clipping path (fmpq) and the candidate-point path (fractions) agree on
    random boxes; when they say fully active, rational points of the box on the manifold are active."""
    flow = "normalized" if kappa is None else "standard"
    R = [(w0, w0 + dw), (b0, b0 + db), (v, v + Fr(1, 4)), (Fr(0), Fr(0))]
    Rq = [(_q(a), _q(b)) for a, b in R]
    A, B = AB
    k = None if kappa is None else _q(kappa)
    got = fa.fully_active(flow, Rq, _q(A), _q(B), k)
    assert got == fa.recheck_active(flow, R, A, B, kappa)
    if got and kappa is None:  # rational points of the unit circle inside the box are active
        for t in (Fr(j, 16) for j in range(-64, 65)):
            for x, y in (((1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)), (-(1 - t * t) / (1 + t * t), 2 * t / (1 + t * t))):
                if R[0][0] <= x <= R[0][1] and R[1][0] <= y <= R[1][1]:
                    assert x * A + y > 0 and x * B + y > 0




def _tampered(cert):
    """Copies that must fail the file re-check (each changes one number)."""
    R = cert["region"]
    out = [dict(cert, m_lower=str(fmpq(cert["m_lower"]) * 4)),             # above λ_min(Q) on the region
           dict(cert, rho_region=cert["rho"]),                             # ρ' = ρ
           dict(cert, region=[R[0], R[1], [str(fmpq(R[2][0]) / 2 + fmpq(R[2][1]) / 2), R[2][1]], R[3]]),
           dict(cert, sup_norm_bound="1/2"),
           dict(cert, version=1),
           dict(cert, cover_depth=0)]
    return out


def test_hat_target_v_tends_to_zero(tmp_path):
    """The symmetric hat on [0, 2] (Lebesgue) has best affine fit slope 0; from θ_0 = (3/5, 4/5, −1, 0) (kink at −4/3)
    the normalized flow drives v → 0 with w ≈ 0.48, so no bound |v| ≥ v_min > 0 can hold on the region -- the speed
    form still has λ_min(Q) ≥ 1 − √(1 − w²) there.  HOLDS by the length certificate, whose region contains v = 0;
    the file re-checks, tampered copies fail, a float run stays below the bound."""
    inst = _inst("ejrw22.bounded-gf-h1", ["3/5", "4/5", "-1", "0"], HAT02, LEB02,
                 {"certify_seconds": "30", "certificates": ["length"]})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "HOLDS", v.relations
    assert cert["claim_certificate"] == "lojasiewicz-length" and cert["version"] == 2
    lo, hi = (fmpq(x) for x in cert["region"][2])
    assert lo < 0 < hi  # the old certificate needed |v| ≥ v_min > 0 on the region
    assert fmpq(cert["l_min"]) == fmpq(1, 6)  # ∫(1/2 − f)² on [0, 2]: the best affine fit is the constant 1/2
    assert recheck_certificate(cert)["ok"]
    for bad in _tampered(cert):
        assert not recheck_file(bad)["ok"], {k: bad[k] for k in bad if bad[k] != cert.get(k)}
    system = FlowSystem(inst.target, inst.measure, 1)
    sim = system.simulate(list(inst.net.theta), 60.0, "normalized", "A", rtol=1e-9, atol=1e-11, method="LSODA")
    S = np.asarray(sim.states)
    assert np.max(np.abs(S)) <= float(fmpq(cert["sup_norm_bound"]))
    assert abs(S[-1, 2]) < 1e-3  # v → 0


@pytest.mark.parametrize("flow", ["normalized", "standard"])
def test_region_across_v_zero_from_a_point_of_example_b(flow):
    """Example (b) of the issue (v runs from −4/3 through 0 to ≈ 0.325): from a rational point of M_A next to the
    trajectory at t ≈ 17 (w = −532/557, b = −165/557, v = 43/250, c = 33/100; E_0 ≈ 0.003) the path length bound
    ρ ≈ 0.45 exceeds v, so the region contains v ∈ [−0.28, 0.62] and points with w² ≈ 0.57: certified from θ_0 with
    λ_min(Q) ≥ 0.3; the exact re-check passes and a larger m fails."""
    th = ["-532/557", "-165/557", "43/250", "33/100"]
    claim = "ejrw22.bounded-gf-h1" if flow == "normalized" else "ejrw22.open-standard-gf"
    inst = _inst(claim, th, HAT21, DEN21)
    ev = type("E", (), {"inst": inst})()
    data, bound, why = inv.lojasiewicz_length(ev, inst.net, flow, stage="start", seconds=20)
    assert data is not None, why
    lo, hi = (fmpq(x) for x in data["region"][2])
    assert lo < 0 < hi
    system = FlowSystem(inst.target, inst.measure, 1)
    assert inv.recheck_length(system, data, flow)[0]
    assert not inv.recheck_length(system, dict(data, m_lower=str(fmpq(data["m_lower"]) * 2)), flow)[0]
    assert not inv.recheck_length(system, dict(data, E_T_upper=str(fmpq(data["E_T_upper"]) / 2),
                                               rho=str(fmpq(data["rho"]) / 2)), flow)[0]
    if flow == "standard":
        assert not inv.recheck_length(system, dict(data, kappa="0"), flow)[0]
    sim = system.simulate(list(inst.net.theta), 80.0, flow, "A", rtol=1e-9, atol=1e-11, method="LSODA")
    S = np.asarray(sim.states)
    assert np.max(np.abs(S)) <= float(bound)
    assert np.max(np.abs(S - S[0])) <= float(fmpq(data["rho"]))  # the path stays within ρ (∞-norm ≤ length)


def test_example_b_v_crosses_zero_decided(tmp_path):
    """Example (b) itself: v runs from −4/3 through 0 (t ≈ 11) to ≈ 0.325.  HOLDS by the length certificate alone
    within params.certify_seconds = 30, from a point of the enclosure after v crossed 0 (the points tried depend on
    the clock; the region contains v = 0 from points up to t ≈ 19); the written file re-checks (the enclosure
    replayed) and a raised m fails."""
    inst = _inst("ejrw22.bounded-gf-h1", ["-9999/10001", "-200/10001", "-4/3", "1"], HAT21, DEN21,
                 {"certify_seconds": "30", "certificates": ["length"]})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "HOLDS", v.relations
    assert cert["claim_certificate"] == "lojasiewicz-length" and fmpq(cert["T"]) > 11
    assert recheck_certificate(cert)["ok"]
    assert not recheck_file(dict(cert, m_lower=str(fmpq(cert["m_lower"]) * 2)))["ok"]
