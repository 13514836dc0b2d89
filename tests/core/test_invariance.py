"""verify.invariance: forward-invariant sets of flows and maps by interval branch and bound."""

import json

import pytest
from flint import arb, fmpq

from verify.errors import InputError
from verify.invariance import (Constraint, Refused, Sublevel, certify_flow, certify_map, recheck,
                               write_certificate)


def stable(X):
    """ẋ = −x + y/2, ẏ = −x/2 − y (eigenvalues −1 ± i/2)."""
    x, y = X
    return [-x + y / 2, -x / 2 - y]


def unstable(X):
    x, y = X
    return [x, -y]


SQUARE = [[["-1", "1"], ["-1", "1"]]]


def test_stable_linear_system_box_certified_and_rechecked(tmp_path):
    cert = certify_flow(stable, SQUARE, max_leaves=2000)
    assert cert.size >= 4
    path = write_certificate(tmp_path / "c.json", cert)
    data = json.loads(path.read_text())
    ok, why = recheck(data, stable)
    assert ok, why
    # the field of a different system does not re-check
    assert not recheck(data, unstable)[0]


def test_unstable_system_refused():
    with pytest.raises(Refused):
        certify_flow(unstable, SQUARE, max_leaves=500, max_depth=12)


def test_tampered_certificates_fail():
    data = certify_flow(stable, SQUARE, max_leaves=2000).to_json()
    ok, _ = recheck(data, stable)
    assert ok
    t = json.loads(json.dumps(data))
    t["set"]["boxes"][0][0][1] = "2"  # a bigger set: the face x = 2 is not where the leaves are
    assert not recheck(t, stable)[0]
    t = json.loads(json.dumps(data))
    del t["regions"][-1]  # a face dropped
    assert not recheck(t, stable)[0]
    t = json.loads(json.dumps(data))
    t["exempt_faces"] = [{"box": 0, "coordinate": 0, "side": 1, "reason": "trust me"}]
    assert not recheck(t, stable)[0]


def test_sublevel_with_certified_decrease():
    """K = [−2, 2]² ∩ {x² + y² ≤ 1}: the level set is certified by ⟨∇V, F⟩ = −2x² − 2y² < 0 near it,
    and the faces of the box are never reached (excluded by the sublevel)."""
    V = Sublevel("x² + y²", lambda X: X[0] ** 2 + X[1] ** 2, fmpq(1),
                 grad=lambda X: [2 * X[0], 2 * X[1]])
    cert = certify_flow(stable, [[["-2", "2"], ["-2", "2"]]], constraints=[V], max_leaves=20000)
    data = cert.to_json()
    assert any(r["check"] == "level" for r in data["regions"])
    assert recheck(data, stable, [V])[0]
    # a different level in the re-check is a different set: refused
    V2 = Sublevel("x² + y²", lambda X: X[0] ** 2 + X[1] ** 2, fmpq(3, 2), grad=lambda X: [2 * X[0], 2 * X[1]])
    assert not recheck(data, stable, [V2])[0]
    # tampering with the level region's tree or leaves
    r = next(k for k, reg in enumerate(data["regions"]) if reg["check"] == "level")
    assert len(data["regions"][r]["leaves"]) > 1
    t = json.loads(json.dumps(data))
    t["regions"][r]["tree"] = [-1]  # one leaf where the level set needed splitting
    t["regions"][r]["leaves"] = t["regions"][r]["leaves"][:1]
    assert not recheck(t, stable, [V])[0]
    t = json.loads(json.dumps(data))
    t["regions"][r]["leaves"][0]["box"][1][0] = "-1/3"  # a moved leaf box
    assert not recheck(t, stable, [V])[0]
    t = json.loads(json.dumps(data))
    t["leaf_count"] += 1
    assert not recheck(t, stable, [V])[0]


def test_non_unique_flow_never_certified():
    """ẋ = sqrt|x| on K = [−1, 0]: x ≡ 0 and x = t²/4 both solve from 0, the second leaves K; the
    field vanishes on the face x = 0, so no strict certificate exists -- refused."""
    def f(X):
        x = X[0]
        return [abs(x).sqrt()]
    with pytest.raises(Refused):
        certify_flow(f, [[["-1", "0"]]], max_leaves=200, max_depth=30)


def test_discontinuous_field_at_face_refused():
    """ẋ = −sign(x) + 1 on [−1, 1] (ẋ = 0 for x > 0... no: 2 for x < 0, 0 for x > 0): the face x = 1
    has F = 0, not strictly inward: refused, although x ≡ 1 is a solution."""
    def f(X):
        x = X[0]
        lo, hi = x.lower(), x.upper()
        if hi < 0:
            return [arb(2)]
        if lo > 0:
            return [arb(0)]
        return [arb(0).union(arb(2))]
    with pytest.raises(Refused):
        certify_flow(f, [[["-1", "1"]]], max_leaves=200, max_depth=30)


def test_union_of_boxes_and_exempt_faces():
    """ẋ = −x, ẏ = −y on [1/4, 1] × [−1, 1] ∪ [−1, 1/2] × [−2, 2]: the face x = 1/4 of the first box
    points outward, but lies in the interior of the second box (rule (b))."""
    def contract(X):
        return [-X[0], -X[1]]
    boxes = [[["1/4", "1"], ["-1", "1"]], [["-1", "1/2"], ["-2", "2"]]]
    cert = certify_flow(contract, boxes, max_leaves=5000)
    data = cert.to_json()
    assert any("interior of box 1" in leaf["by"] for r in data["regions"] for leaf in r["leaves"])
    assert recheck(data, contract)[0]
    with pytest.raises(Refused):  # alone, the first box is not invariant from the face x = 1/4
        certify_flow(contract, boxes[:1], max_leaves=200, max_depth=10)
    # exempting a face needs the re-check's consent
    cert2 = certify_flow(stable, SQUARE, exempt={(0, 0, 1): "the caller knows x ≤ 1"}, max_leaves=2000)
    assert not recheck(cert2.to_json(), stable)[0]
    assert recheck(cert2.to_json(), stable, exempt_ok=lambda key, why: key == (0, 0, 1))[0]


def test_constraint_by_reason():
    """K = [−1, 1]² ∩ {y = 0}-neighbourhood... a constraint that excludes every leaf with y > 1/2:
    ẋ = x (unstable in x) is still refused on the x-faces inside the constraint."""
    c = Constraint("|y| ≤ 1/2", lambda X: X[1][0] > fmpq(1, 2) or X[1][1] < -fmpq(1, 2), "given")
    cert = certify_flow(stable, SQUARE, constraints=[c], max_leaves=4000)
    assert recheck(cert.to_json(), stable, [c])[0]
    with pytest.raises(Refused):
        certify_flow(unstable, SQUARE, constraints=[c], max_leaves=400, max_depth=10)


def test_map_invariance():
    """G(x, y) = (y/2, −x/2 + 1/4) maps [−1, 1]² into itself; G(x) = 2x does not."""
    g = lambda X: [X[1] / 2, -X[0] / 2 + arb(1) / 4]  # noqa: E731
    cert = certify_map(g, SQUARE, max_leaves=100)
    data = cert.to_json()
    assert recheck(data, gmap=g)[0]
    assert not recheck(data, gmap=lambda X: [2 * X[0], X[1]])[0]
    with pytest.raises(Refused):
        certify_map(lambda X: [2 * X[0], X[1]], SQUARE, max_leaves=100, max_depth=8)


def test_bad_input():
    with pytest.raises(InputError):
        certify_flow(stable, [[["1", "0"], ["0", "1"]]])
    with pytest.raises(InputError):
        certify_flow(stable, SQUARE, margin=0)
    with pytest.raises(InputError):
        Sublevel("V", lambda X: X[0], 1)
