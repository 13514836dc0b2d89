"""verify.invariance.certify_map_expansion: a map given by its exact expansion (sign-structured slacks,
monotone coordinates with face slacks), where the plain ball containment of certify_map cannot close."""

import json

import pytest
from flint import arb, fmpq

from verify.errors import InputError
from verify.invariance import (Refused, Slack, certify_map, certify_map_expansion, lower_slack, monotone_slack,
                               recheck_expansion, upper_slack)

C = fmpq(1, 3)
BOX = [(fmpq(0), fmpq(1, 2)), (fmpq(-1), fmpq(1))]


def _iv(lo, hi):
    return arb(lo).union(arb(hi))


def G(X):
    """G(ε, ζ) = (ε/(1 + ε²), ζ + ε(c − ζ)/2): ε shrinks, ζ moves towards c by a step that vanishes at ε = 0."""
    e, z = X
    return [e / (1 + e * e), z + e * (C - z) / 2]


def forms_of(c, sign=1):
    """The expansion of G with centre ``c`` (``sign`` = −1: ζ pushed away from c, not invariant)."""

    def forms(X, face):
        (e0, e1), (y0, y1) = X
        e, z = _iv(e0, e1), _iv(y0, y1)
        d = sign * (c - z) / 2  # ζ' − ζ = ε·d
        if face is not None:
            return {upper_slack(1): Slack([[(e0, e1), -d]]), lower_slack(1): Slack([[(e0, e1), d]])}
        inv = 1 / (1 + _iv(e0 ** 2, e1 ** 2))
        return {upper_slack(0): Slack([[(fmpq(1, 2) - e1, fmpq(1, 2) - e0)], [(e0 ** 3, e1 ** 3), inv]]),
                lower_slack(0): Slack([[(e0, e1), inv]]),
                monotone_slack(1): Slack([[1 - sign * e / 2]], strict=True),  # ∂ζ'/∂ζ = 1 − ε/2
                "ε ≤ 1/2": Slack([[(fmpq(1, 2) - e1, fmpq(1, 2) - e0)]]), "d": d}
    return forms


def test_slack_signs():
    neg = arb(-1, fmpq(1, 10))
    assert not Slack([[_iv(0, 1) * neg * -1]]).holds()  # the ball of the product straddles 0
    assert Slack([[(fmpq(0), fmpq(1)), -neg]]).holds()  # the sign structure keeps it
    assert not Slack([[(fmpq(0), fmpq(1)), -neg]], strict=True).holds()  # ε may be 0
    assert Slack([[(fmpq(1, 2), fmpq(1)), -neg]], strict=True).holds()
    assert Slack([[fmpq(0), arb(-5)]]).holds()  # an exact zero factor: the term is 0
    assert not Slack([[(fmpq(-1, 10), fmpq(1)), -neg]]).holds()
    assert not Slack([[arb("inf")]]).holds()


def test_plain_containment_cannot_close_but_the_expansion_does(tmp_path):
    with pytest.raises(Refused):
        certify_map(G, [BOX], max_leaves=3000, max_depth=16)
    cert = certify_map_expansion(forms_of(C), BOX, monotone=[1], conditions=["ε ≤ 1/2"], record=["d"],
                                 grid=(4, 2))
    assert [r.check for r in cert.regions] == ["map-box", "map-face", "map-face"]
    assert len(cert.regions[0].leaves) >= 8
    lo, hi = cert.recorded("d")  # (c − ζ)/2 over ζ ∈ [−1, 1]
    assert lo <= (C - 1) / 2 and hi >= (C + 1) / 2
    data = json.loads(json.dumps(cert.to_json()))
    ok, why = recheck_expansion(data, forms_of(C), monotone=[1], conditions=["ε ≤ 1/2"], record=["d"])
    assert ok, why
    # the plain map, evaluated exactly at rational points of every leaf, stays in the box
    for X, _, _ in cert.regions[0].leaves:
        for e in X[0]:
            for z in X[1]:
                ez = G([fmpq(e), fmpq(z)])
                assert 0 <= ez[0] <= fmpq(1, 2) and -1 <= ez[1] <= 1


def test_an_outward_map_is_refused():
    with pytest.raises(Refused):
        certify_map_expansion(forms_of(C, sign=-1), BOX, monotone=[1], max_leaves=2000, max_depth=14)
    with pytest.raises(Refused):  # the centre outside the box: the face ζ = 1 moves outwards
        certify_map_expansion(forms_of(fmpq(2)), BOX, monotone=[1], max_leaves=2000, max_depth=14)


def test_tampered_expansion_certificates_fail():
    args = dict(monotone=[1], conditions=["ε ≤ 1/2"], record=["d"])
    data = json.loads(json.dumps(certify_map_expansion(forms_of(C), BOX, grid=(4, 2), **args).to_json()))
    assert recheck_expansion(data, forms_of(C), **args)[0]
    t = json.loads(json.dumps(data))
    t["set"]["boxes"][0][1] = ["-1", "2"]  # a bigger box: the face ζ = 2 is not where the leaves are
    assert not recheck_expansion(t, forms_of(C), **args)[0]
    t = json.loads(json.dumps(data))
    del t["regions"][-1]  # a face dropped
    assert not recheck_expansion(t, forms_of(C), **args)[0]
    t = json.loads(json.dumps(data))
    t["regions"][0]["leaves"][0]["box"][0][1] = "1/3"  # a moved leaf
    assert not recheck_expansion(t, forms_of(C), **args)[0]
    t = json.loads(json.dumps(data))
    t["regions"][1]["tree"] = t["regions"][1]["tree"][:-1]  # a truncated tree
    assert not recheck_expansion(t, forms_of(C), **args)[0]
    # the re-check's own conditions and map decide: a dropped condition or an outward map fails
    assert not recheck_expansion(data, forms_of(C), monotone=[1], conditions=[], record=["d"])[0]
    assert not recheck_expansion(data, forms_of(C, sign=-1), **args)[0]
    assert not recheck_expansion(data, forms_of(fmpq(2)), **args)[0]


def test_bad_input():
    with pytest.raises(InputError):
        certify_map_expansion(forms_of(C), BOX, monotone=[2])
    with pytest.raises(InputError):
        certify_map_expansion(forms_of(C), BOX, grid=(0, 1))
    with pytest.raises(InputError):
        certify_map_expansion(forms_of(C), [(fmpq(1), fmpq(1)), (fmpq(0), fmpq(1))])
