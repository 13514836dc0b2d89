"""ejrw22 pointwise claims: built-in examples, planted violations, the specification's exact values."""

import pytest
from flint import fmpq

import verify
from verify.claim import Evaluation, Instance
from verify.claims import ejrw22 as E


def test_spec_values_at_theta0():
    """Planted 6-8: L = 31/25, 𝒢 = (6/5, 11/5, 62/25, 11/5), |P𝒢|² = 278/25, |𝒢|² = 10794/625."""
    inst = Instance.from_json(E.THETA0)
    ev = Evaluation(inst, {}, None)
    L, G = E._LG(ev, inst.net)
    PG = E.projected(inst.net, G)
    assert L == fmpq(31, 25) and G == [fmpq(6, 5), fmpq(11, 5), fmpq(62, 25), fmpq(11, 5)]
    assert E._dot(PG, PG) == fmpq(278, 25) and E._dot(G, G) == fmpq(10794, 625)


@pytest.mark.parametrize("n", [2, 10, 37])
def test_coercivity_family_is_exactly_stationary(n):
    q = 2 * n * n - 2 * n + 1
    th = [fmpq(2 * n - 1, q), fmpq(2 * n * (n - 1), q), fmpq(q, 2 * n - 1), fmpq(-2 * n * (n - 1), 2 * n - 1)]
    inst = Instance.from_json(E._i([str(t) for t in th], target=E.IDENTITY))
    ev = Evaluation(inst, {}, None)
    L, G = E._LG(ev, inst.net)
    assert L == 0 and all(g == 0 for g in G) and E.on_manifold(inst.net).holds
    assert th[2] >= n - fmpq(1, 2)


def test_psi_keeps_the_realization_and_lands_on_the_manifold():
    net = Instance.from_json(E._i(["3", "-4", "2", "1/2"])).net
    image = E.psi(net)
    assert image.theta == (fmpq(3, 5), fmpq(-4, 5), fmpq(10), fmpq(1, 2))
    assert E._same_function(net, image, ((fmpq(0), fmpq(1)),)) == 0


def test_atoms_are_out_of_scope_for_boundedness():
    inst = E._i(["4/5", "-3/5", "1", "0"], target="1", measure={"kind": "empirical", "points": [["3/4"]]})
    assert verify.check("ejrw22.bounded-gf-h1", inst).status == "UNKNOWN"


def test_off_manifold_is_a_clear_hypothesis():
    v = verify.check("ejrw22.projected-field", E._i(["3", "-4", "2", "1/2"]))
    assert v.status == "HOLDS" and v.vacuous
