"""ejrw22 claims 13/14: the angle-budget certificate (claims/angle_budget.py, proofs_notes/ejrw22.md#angle-budget):
exact pieces against independent formulas, the creeping-kink starts it decides for both flows, its file re-check
and tampered files, and where it must refuse."""

from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq

from verify.checking import check
from verify.ejrw22.claims.angle_budget import _sqrt_up, barrier, certify, density_lower
from verify.ejrw22.claims.invariant_sets import _pl_constants
from verify.flows import FlowSystem
from verify.framework import Instance
from verify.problems import BoxMeasure, Density, Polynomial
from verify.registry import recheck_certificate
from certfiles import check_with_cert as _check_with_cert

Q = fmpq




def test_barrier_matches_the_constant_fit_formula():
    """f(x) = x, p = 1 on [0, 1]: the best constant fit on an interval of length L has risk L³/12, so
    R_0(ℓ) = (1 − ℓ)³/12; the barrier returns the largest ℓ = 2^-k with R_0 > L_T."""
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    for L_T in (Q(1, 100), Q(1, 20), Q(1, 13)):
        ell, R0 = barrier(system, L_T)
        assert R0 == (1 - ell) ** 3 / 12 and R0 > L_T
        if ell < Q(1, 2):
            assert (1 - 2 * ell) ** 3 / 12 <= L_T  # the next larger candidate fails
    assert barrier(system, Q(1, 12)) is None  # ℒ_const itself: a useless neuron is never excluded


def test_density_lower_bound_and_square_roots():
    system = FlowSystem(Polynomial((Q(0), Q(1))), Density(((Q(0), Q(1), (Q(1, 2), Q(-1, 4))), (Q(1), Q(2), (Q(3),)))), 1)
    p_lo = density_lower(system)
    assert 0 < p_lo <= Q(1, 4)  # min of 1/2 − x/4 on [0, 1] is 1/4
    for q in (Q(1, 2), Q(2), Q(10 ** 6, 7), Q(1, 10 ** 9)):
        r = _sqrt_up(q)
        assert r * r >= q and (r - r / 2 ** 60) ** 2 < q  # an upper bound, tight to ~2^-64


def test_certify_normalized_below_the_affine_fit():
    """ℒ_T below ℒ_aff: no return to the fully active set, δ = 0, β = max(β_in, |b_T|)."""
    f = Polynomial((Q(0), Q(0), Q(1)))  # x² on [0, 1]: ℒ_aff = 1/180
    system = FlowSystem(f, BoxMeasure(((Q(0), Q(1)),)), 1)
    l_aff, lam = _pl_constants(system)
    assert l_aff == Q(1, 180)
    w, b = Q(3, 5), Q(-1, 5) * Q(3, 5)  # not on the circle: only |b| enters
    data = certify(system, Q(1, 200), [(w, w), (b, b), (Q(1), Q(1)), (Q(0), Q(0))], l_aff, lam, density_lower(system))
    assert isinstance(data, dict) and data["delta"] == 0
    assert data["beta"] == max(data["beta_in"], abs(b)) and data["beta_in"] ** 2 >= Q(1, 2)


def test_certify_refuses_a_useless_neuron():
    system = FlowSystem(Polynomial((Q(0), Q(1))), BoxMeasure(((Q(0), Q(1)),)), 1)
    l_aff, lam = _pl_constants(system)
    why = certify(system, Q(1, 12), [(Q(1), Q(1)), (Q(0), Q(0)), (Q(0), Q(0)), (Q(1, 2), Q(1, 2))], l_aff, lam,
                  Q(1))
    assert isinstance(why, str) and "dying" in why


CREEP = {"network": {"widths": [1, 1, 1], "theta": ["1/2", "1/200", "1", "0"]},
         "target": {"kind": "polynomial", "coefficients": ["0", "1"]},
         "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}


@pytest.mark.parametrize("claim,flow", [("ejrw22.open-standard-gf", "standard"),
                                        ("ejrw22.bounded-gf-h1", "normalized")])
def test_creeping_kink_is_certified_and_rechecked(tmp_path, claim, flow):
    """f(x) = x on [0, 1], a start with its kink just left of 0: the kink creeps back to 0 with ℒ → 0 (the
    class the Łojasiewicz-length certificate cannot reach); certified by the angle budget, the file re-checks,
    and tampered files fail."""
    inst = dict(CREEP, claim=claim)
    if flow == "normalized":  # a start on M_A with the same kink: (w, b) = (4/5, 3/5)·… kink at −3/4·… on the circle
        inst = dict(inst, network={"widths": [1, 1, 1], "theta": ["99/101", "20/101", "1", "0"]})
    v, cert = _check_with_cert(tmp_path, inst)
    assert v.status.name == "HOLDS", v.relations[-1].note
    assert cert is not None and cert["claim_certificate"] == "angle-budget", cert and cert["claim_certificate"]
    assert recheck_certificate(cert)["ok"]
    bound = Fraction(cert["sup_norm_bound"])
    # a float run stays below the certified bound (a consistency test, not a proof)
    system = FlowSystem(Instance.from_json(inst).target, Instance.from_json(inst).measure, 1)
    sim = system.simulate([Q(t) for t in inst["network"]["theta"]], 200, flow)
    assert np.max(np.abs(sim.states)) <= float(bound)
    for key, bad in (("gamma", "99/100"), ("L_T_upper", "1/10000000000000"), ("beta", "1/10"),
                     ("v_max", "1/1000")):
        tampered = dict(cert, **{key: bad})
        assert not recheck_certificate(tampered)["ok"], key


def test_params_certificates_selects_and_rejects():
    from verify.errors import InputError

    inst = dict(CREEP, claim="ejrw22.open-standard-gf", params={"certificates": ["dying"], "certify_seconds": "2"})
    v = check(inst["claim"], inst)
    assert v.status.name == "UNKNOWN" and "budget (" not in v.relations[-1].note  # the budget was not tried
    with pytest.raises(InputError, match="params.certificates"):
        check(inst["claim"], dict(inst, params={"certificates": ["nope"]}))
