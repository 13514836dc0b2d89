"""The fast-ball rung of `check`: tried first on large instances of claims that declare
``Claim.fast``, recorded in the verdict when it decides, re-verified in another number system,
and skipped (falling through to exact/Arb) where it cannot decide or is unavailable."""

from __future__ import annotations

import numpy as np
import pytest
from flint import fmpq

import verify
from verify import fastball
from verify.checking import fast_worthwhile
from verify.dag import DagNetwork
from verify.framework import Instance
from verify.integrate import Problem, risk_and_gradient
from verify.nets import Network
from verify.numbers import FAST, contains
from verify.problems import Constant, Empirical


def _big_mlp(seed=1, widths=(6, 24, 24, 3)):
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((widths[l], widths[l + 1])) for l in range(len(widths) - 1)]
    b = [rng.standard_normal(widths[l + 1]) for l in range(len(widths) - 1)]
    return DagNetwork.mlp(widths, W, b), rng


def _conservation_instance(seed=1, n=60, widths=(6, 24, 24, 3)):
    net, rng = _big_mlp(seed, widths)
    data = [{"x": [float(v) for v in rng.standard_normal(net.d)], "y": [float(v) for v in rng.standard_normal(net.K)]}
            for _ in range(n)]
    return {"network": net.to_json(), "params": {"data": data}}


def test_large_instances_are_worth_the_rung_small_ones_not():
    assert fast_worthwhile(Instance.from_json(_conservation_instance()))
    small = _conservation_instance(n=2)
    assert not fast_worthwhile(Instance.from_json(small))


def test_planted_violation_decided_on_the_fast_rung_and_confirmed_exactly():
    v = verify.check("gsgd19.conservation~no-bias", _conservation_instance())
    assert v.status == verify.Status.VIOLATED
    assert v.precision.startswith("fast-ball")
    assert "backprop-fastball" in v.engines
    assert v.reverified.startswith("confirmed by an independent exact evaluation")


def test_equality_claim_falls_through_to_exact():
    v = verify.check("gsgd19.conservation", _conservation_instance())
    assert v.status == verify.Status.HOLDS
    assert v.precision == "exact"  # balls never certify an equality: the rung left it open


def test_rescaling_mutant_refuted_on_the_rung():
    net, rng = _big_mlp(2)
    xs = [[float(v) for v in rng.standard_normal(net.d)] for _ in range(40)]
    c = ["-1"] + ["3/2"] * (net.H - 1)
    v = verify.check("gsgd19.rescaling-invariance~nonpositive-c", {"network": net.to_json(), "params": {"c": c, "x": xs}})
    assert v.status == verify.Status.VIOLATED
    assert v.precision.startswith("fast-ball") and v.reverified.startswith("confirmed")
    v = verify.check("gsgd19.rescaling-invariance", {"network": net.to_json(), "params": {"c": ["3/2"] * net.H, "x": xs}})
    assert v.status == verify.Status.HOLDS and v.precision == "exact"


def test_exact_violation_confirmed_on_the_fast_rung():
    """Past the path-enumeration limit of gsgd19's independent exact path, the fast-ball rung is
    the independent confirmation of an exact VIOLATED."""
    inst = _conservation_instance()
    claim, mutant, variants = verify.resolve("gsgd19.conservation~no-bias")
    from verify.checking import _reverify

    assert _reverify(claim, mutant, Instance.from_json(inst), variants, None, (64,)).startswith(
        "confirmed by an independent fast-ball evaluation")


def test_unavailable_environment_falls_back(monkeypatch):
    def off():
        raise fastball.EnvironmentUnsupported("fast-ball arithmetic is off in this process: test")

    monkeypatch.setattr(fastball, "check_environment", off)
    inst = _conservation_instance(n=100, widths=(4, 12, 12, 2))  # few paths: the independent exact path works
    assert fast_worthwhile(Instance.from_json(inst))
    v = verify.check("gsgd19.conservation~no-bias", inst)
    assert v.status == verify.Status.VIOLATED
    assert v.precision == "exact" and "fastball" not in " ".join(v.engines)
    # with the rung off and too many paths for the independent exact path, nothing confirms it
    v = verify.check("gsgd19.conservation~no-bias", _conservation_instance())
    assert v.status == verify.Status.UNKNOWN and "no independent evaluation path confirmed it" in " ".join(v.notes)


def test_atoms_engine_on_fast_balls_encloses_the_exact_risk_and_gradient():
    rng = np.random.default_rng(5)
    widths = (2, 7, 5, 1)
    n = sum(widths[k + 1] * (widths[k] + 1) for k in range(len(widths) - 1))
    theta = [fmpq(int(rng.integers(-9, 10)), int(rng.integers(1, 7))) for _ in range(n)]
    net = Network(widths, theta)
    pts = tuple((fmpq(int(rng.integers(-20, 21)), 7), fmpq(int(rng.integers(-20, 21)), 3)) for _ in range(30))
    pts += ((fmpq(0), fmpq(0)),)  # an atom where some pre-activations may sit exactly on a kink
    ws = tuple(fmpq(int(rng.integers(1, 5)), 50) for _ in pts)
    prob = Problem(net, Constant(fmpq(1, 3)), Empirical(pts, ws), fmpq(1, 2))
    exact = risk_and_gradient(prob)
    fast = risk_and_gradient(prob, prec=FAST)
    assert exact.exact and exact.engine == "atoms" and fast.engine == "atoms-fastball" and not fast.exact
    assert contains(fast.L, exact.L)
    assert len(fast.G) == len(exact.G)
    assert all(contains(g, e) for g, e in zip(fast.G, exact.G))


def test_fast_rung_refuses_non_empirical_measures():
    net = Network((1, 2, 1), [fmpq(1)] * 7)
    from verify.problems import BoxMeasure

    prob = Problem(net, Constant(fmpq(0)), BoxMeasure(((fmpq(0), fmpq(1)),)))
    with pytest.raises(verify.numbers.Undecided):
        risk_and_gradient(prob, prec=FAST)


def test_the_screen_takes_the_fast_rung_on_large_instances(monkeypatch):
    from verify import checking, searching

    seen = []
    real = checking._evaluate

    def spy(claim, mutant, inst, variants, prec, independent=False):
        seen.append(prec)
        return real(claim, mutant, inst, variants, prec, independent)

    monkeypatch.setattr(checking, "_evaluate", spy)
    status, _ = searching.screen("gsgd19.conservation~no-bias", Instance.from_json(_conservation_instance()))
    assert seen[0] == FAST and status == verify.Status.VIOLATED
    seen.clear()
    searching.screen("gsgd19.conservation~no-bias", Instance.from_json(_conservation_instance(n=2)))
    assert seen == [searching.SCREEN_BITS]
