"""ejrw22 claims 13/14: the sublevel-trap and dying-neuron certificates on random in-scope instances, the
certificate files of `relu-verify check --certificate` and their `relu-verify recheck` (issue 19)."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from flint import fmpq
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from certfiles import check_with_cert
from verify.checking import check
from verify.ejrw22.claims import sublevel_trap as trap_mod
from verify.ejrw22.claims.recheck import KIND, recheck_file
from verify.ejrw22.strategies import circle_points
from verify.flows import FlowSystem
from verify.framework import Instance
from verify.registry import recheck_certificate

ROOT = Path(__file__).resolve().parents[2]


def _check_with_cert(tmp_path, inst):
    """(verdict, the certificate file's path)."""
    v, _ = check_with_cert(tmp_path, inst)
    return v, tmp_path / "cert.json"


def _txt(q):
    return str(Fraction(q))


@st.composite
def _pl_instances(draw, flow="normalized"):
    """A random Lipschitz piecewise-linear target (3–5 knots, random rational values) on a random interval,
    a random rational point of M_A (normalized) or a random rational (w, b) (standard), random v, c."""
    A = Fraction(draw(st.integers(-2, 1)))
    B = A + Fraction(draw(st.sampled_from([1, 2])))
    n = draw(st.integers(3, 5))
    xs = [A + (B - A) * Fraction(k, n - 1) for k in range(n)]
    ys = [Fraction(draw(st.integers(-6, 6)), draw(st.integers(1, 3))) for _ in xs]
    w, b = draw(circle_points())
    if flow == "standard":
        s = Fraction(draw(st.integers(1, 5)), draw(st.integers(1, 3)))
        w, b = w * s, b * s
    v = Fraction(draw(st.integers(-8, 8)), draw(st.integers(1, 4)))
    c = Fraction(draw(st.integers(-6, 6)), 2)
    claim = "ejrw22.bounded-gf-h1" if flow == "normalized" else "ejrw22.open-standard-gf"
    return Instance.from_json({"claim": claim, "network": {"widths": [1, 1, 1], "theta": [_txt(t) for t in (w, b, v, c)]},
                               "target": {"kind": "piecewise-linear", "knots": [[_txt(x), _txt(y)] for x, y in zip(xs, ys)]},
                               "measure": {"kind": "lebesgue", "box": [[_txt(A), _txt(B)]]},
                               "params": {"certify_seconds": "3"}})


def _float_sup(inst, flow, T=30.0):
    system = FlowSystem(inst.target, inst.measure, 1)
    sim = system.simulate(list(inst.net.theta), T, flow, "A", rtol=1e-9, atol=1e-11, method="LSODA")
    return float(np.max(np.abs(np.asarray(sim.states)))), sim


def _tamper(cert):
    """Copies of a certificate with one number changed in a way that must break it."""
    kind = cert["claim_certificate"]
    out = []
    if kind == "sublevel-trap":
        out.append(dict(cert, level=str(fmpq(cert["level"]) * 4 + 1)))
        out.append(dict(cert, pieces=cert["pieces"][1:]))
        out.append(dict(cert, walls=[dict(cert["walls"][0], min_risk="0"), cert["walls"][1]]))
        out.append(dict(cert, sup_norm_bound_after_T="1/1000"))
    elif kind == "dying-neuron":
        out.append(dict(cert, delta_v="0"))
        out.append(dict(cert, c_bar=str(fmpq(cert["c_bar"]) + 1)))
        out.append(dict(cert, sup_norm_bound="1/1000"))
    elif kind == "lojasiewicz-length":
        out.append(dict(cert, rho="0"))
        out.append(dict(cert, lambda_lower=str(fmpq(cert["lambda_lower"]) * 10)))  # above λ_min(M)
    elif kind == "invariant-box":
        out.append(dict(cert, level=str(fmpq(cert["level"]) * 1000 + 1)))
    out.append(dict(cert, theta0=["1"] + cert.get("theta0", ["0"])[1:]))
    return out


@pytest.mark.parametrize("flow", ["normalized", "standard"])
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          phases=(Phase.explicit, Phase.generate))  # an example costs seconds: no shrinking
@given(data=st.data())
def test_random_instances_certificates_recheck_and_tamper(tmp_path_factory, flow, data):
    """Random in-scope instances (random rational weights, random Lipschitz piecewise-linear targets): every
    HOLDS comes with a certificate file that `recheck_certificate` re-derives; a float run of the flow stays
    below the certified bound; tampered copies fail."""
    inst = data.draw(_pl_instances(flow))
    v, path = _check_with_cert(tmp_path_factory.mktemp("c"), inst)
    assert v.status.name in ("HOLDS", "UNKNOWN")  # never VIOLATED: no params.bound is given
    if v.status.name != "HOLDS":
        return
    cert = json.loads(path.read_text())
    assert cert["kind"] == KIND and cert["flow"] == flow
    out = recheck_certificate(cert)
    assert out["ok"], out
    top, _ = _float_sup(inst, flow)
    assert top <= float(fmpq(cert["sup_norm_bound"])) * (1 + 1e-9) + 1e-9
    if cert["claim_certificate"] not in ("stationary", "dead-start", "lyapunov-constant-target"):
        for bad in _tamper(cert):
            assert not recheck_file(bad)["ok"]


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          phases=(Phase.explicit, Phase.generate))
@given(inst=_pl_instances())
def test_sublevel_trap_from_theta0_contains_the_float_trajectory(inst):
    """When the trap certifies θ_0 (exact level ℒ(θ_0)), a float run of the normalized flow keeps its kink
    strictly between the walls and |Θ_t|_∞ below the bound; the Python-fractions re-check agrees, and a
    level raised above a wall's minimum risk is refused."""
    system = FlowSystem(inst.target, inst.measure, 1)
    th = list(inst.net.theta)
    L0 = system.risk_gradient_exact(th)[0]
    assert trap_mod._risk_fractions(system, th) == Fraction(int(L0.p), int(L0.q))  # two quadratures, exactly
    data, got = trap_mod.trap(system, "normalized", L0, [(t, t) for t in th])
    if data is None:
        return
    assert trap_mod.recheck_trap(system, data, "normalized", L0)[0]
    top, sim = _float_sup(inst, "normalized")
    assert top <= float(got) * (1 + 1e-9)
    S = np.asarray(sim.states)
    (xl, xr) = (float(fmpq(w["kink"])) for w in data["walls"])
    side = data["side"]
    assert np.all(np.sign(S[:, 0]) == side)
    kinks = -S[:, 1] / S[:, 0]
    assert np.all(kinks > xl - 1e-7) and np.all(kinks < xr + 1e-7)
    high = max(fmpq(w["min_risk"]) for w in data["walls"])
    assert not trap_mod.recheck_trap(system, dict(data, level=str(high)), "normalized", high)[0]


def test_sublevel_trap_exact_walls_and_pieces():
    """f = 2·ReLU(x − 3/4) on [0, 1] is realized at kink 3/4: from θ_0 = (4/5, −3/5, 2, 0) ∈ M_A (kink 3/4, slope
    8/5, ℒ(θ_0) = ∫_{3/4}^1 (2/5)²(x − 3/4)² = 1/1200) the trap's walls are exact least-squares minima: at x_e = A
    the affine fit (s, t) = (5/16, −3/32), ℒ_aff = 1/48 − 37/3072 = 9/1024; at x_e = B the constant fit,
    ℒ_const = 1/48 − 1/256 = 13/768; at x_e = 3/4 the target itself."""
    inst = Instance.from_json({"claim": "ejrw22.bounded-gf-h1",
                               "network": {"widths": [1, 1, 1], "theta": ["4/5", "-3/5", "2", "0"]},
                               "target": {"kind": "piecewise-linear", "knots": [["0", "0"], ["3/4", "0"], ["1", "1/2"]]},
                               "measure": {"kind": "lebesgue", "box": [["0", "1"]]}})
    system = FlowSystem(inst.target, inst.measure, 1)
    geo = trap_mod._Geometry(system, 1)
    allm = trap_mod.moments(system, fmpq(0), fmpq(1))
    assert geo.wall(fmpq(0)) == trap_mod.l_aff(allm) == fmpq(9, 1024)
    assert geo.wall(fmpq(1)) == trap_mod.l_const(allm) == fmpq(13, 768)
    assert geo.wall(fmpq(3, 4)) == 0  # the target itself
    th = list(inst.net.theta)
    L0 = system.risk_gradient_exact(th)[0]
    assert L0 == fmpq(1, 1200)
    data, bound = trap_mod.trap(system, "normalized", L0, [(t, t) for t in th])
    assert data is not None and bound > 0
    assert trap_mod.recheck_trap(system, data, "normalized", L0)[0]


def test_non_unique_start_gets_no_point_certificate():
    """(w, b) = (0, 0), v ≠ 0, standard flow: the sign of w is not certified, so neither the trap nor the
    dying-neuron certificate can start at θ_0 (one solution would stay at u = 0, another leaves it), and the
    Łojasiewicz length needs a fully active start."""
    from verify.ejrw22.claims import invariant_sets as inv

    inst = Instance.from_json({"claim": "ejrw22.open-standard-gf",
                               "network": {"widths": [1, 1, 1], "theta": ["0", "0", "3/2", "1/4"]},
                               "target": {"kind": "piecewise-linear", "knots": [["0", "0"], ["1/2", "1"], ["1", "0"]]},
                               "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {"certify_seconds": "2"}})
    system = FlowSystem(inst.target, inst.measure, 1)
    th = list(inst.net.theta)
    L0 = system.risk_gradient_exact(th)[0]
    assert trap_mod.trap(system, "standard", L0, [(t, t) for t in th], fmpq(-9, 4))[0] is None
    ev = type("E", (), {"inst": inst})()
    assert inv.dying_neuron(ev, inst.net, "standard", stage="start")[0] is None
    assert inv.lojasiewicz_length(ev, inst.net, "standard", stage="start")[0] is None
    v = check(inst.claim, inst)
    assert v.status.name == "UNKNOWN"


def test_cli_recheck_ok_and_tampered(tmp_path):
    """`relu-verify check … --certificate F` writes a self-contained file; `relu-verify recheck F` exits 0,
    and with a changed number exits 1 saying FAILED."""
    inst = {"claim": "ejrw22.bounded-gf-h1", "network": {"widths": [1, 1, 1], "theta": ["4/5", "-3/5", "2", "0"]},
            "target": {"kind": "piecewise-linear", "knots": [["0", "0"], ["3/4", "0"], ["1", "1/2"]]},
            "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {"certificates": ["trap"]}}
    ipath, cpath = tmp_path / "inst.json", tmp_path / "cert.json"
    ipath.write_text(json.dumps(inst))
    env = {"PYTHONPATH": str(ROOT)}
    import os
    env = {**os.environ, **env}
    r = subprocess.run([sys.executable, "-m", "verify", "check", str(ipath), "--certificate", str(cpath)],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    cert = json.loads(cpath.read_text())
    assert cert["kind"] == KIND and cert["claim_certificate"] == "sublevel-trap"
    r = subprocess.run([sys.executable, "-m", "verify", "recheck", str(cpath)], capture_output=True, text=True,
                       env=env, cwd=tmp_path)
    assert r.returncode == 0 and "RE-CHECKED" in r.stdout, r.stdout + r.stderr
    bad = dict(cert, pieces=cert["pieces"][:-1])
    bpath = tmp_path / "bad.json"
    bpath.write_text(json.dumps(bad))
    r = subprocess.run([sys.executable, "-m", "verify", "recheck", str(bpath)], capture_output=True, text=True,
                       env=env, cwd=tmp_path)
    assert r.returncode == 1 and "FAILED" in r.stdout, r.stdout + r.stderr
