"""Region certificates (verify.regions): parsing, soundness of HOLDS (random exact points of every
certified leaf), planted violations found with a witness inside the region, certificates that
fail to re-check when tampered with, refusal of claims that need rational θ, grow_regions."""

import copy
import json
import random

import pytest
from flint import fmpq

from verify.checking import check
from verify.errors import InputError
from verify.framework import Instance, Status
from verify.regions import _leaves, branch_and_bound, grow_regions, recheck_region
from verify.registry import recheck_certificate

BASE = {"network": {"widths": [1, 3, 1], "theta": ["1/2", "-1", "0", "2", "1/3", "0", "-5/7", "1", "2", "3/4"]},
        "target": {"kind": "constant", "value": "3/4"},
        "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {}}


def with_region(region, base=BASE, **params):
    obj = copy.deepcopy(base)
    obj["params"].update(params)
    obj["region"] = region
    return obj


@pytest.mark.parametrize("region, msg", [
    ({"theta": {"0": ["1", "0"]}}, "empty interval"),
    ({"theta": {"10": ["0", "1"]}}, "out of range"),
    ({"theta": {"x": ["0", "1"]}}, "not an integer"),
    ({"theta": {"0": ["0", "0.1e400000"]}}, ""),
    ({"theta": {"0": "0"}}, "[lo, hi]"),
    ({"bogus": 1}, "unknown key"),
    ({}, "names no coordinate"),
    ({"theta_radius": "-1"}, "≥ 0"),
    ({"params": {"gamma": ["1/2", "[1 +/- 0.1]"]}}, ""),
    ([1, 2], "must be an object"),
])
def test_bad_regions_are_input_errors(region, msg):
    with pytest.raises(InputError, match=None if not msg else msg.replace("[", r"\[").replace("]", r"\]")):
        Instance.from_json(with_region(region))


def test_ball_points_with_a_region_are_refused():
    obj = with_region({"theta": {"0": ["0", "1"]}})
    obj["network"]["theta"][1] = "[-1 +/- 0.001]"
    with pytest.raises(InputError, match="is a ball"):
        Instance.from_json(obj)


def test_region_round_trips_and_radius_covers_theta():
    inst = Instance.from_json(with_region({"theta_radius": "1/8", "theta": {"2": ["-1", "1"]}}))
    assert Instance.from_json(inst.to_json()).region.box == inst.region.box
    box = dict(((c.key, (c.lo, c.hi)) for c in inst.region.coords))
    assert box[2] == (fmpq(-1), fmpq(1)) and box[0] == (fmpq(3, 8), fmpq(5, 8)) and len(box) == 10


def _random_point(box, rng):
    return [lo + (hi - lo) * fmpq(rng.randrange(0, 1025), 1024) for lo, hi in box]


def _point_json(inst, pt):
    from verify.regions import point_instance
    return point_instance(inst, pt)


def test_certified_region_holds_at_random_exact_points():
    inst = Instance.from_json(with_region({"theta": {"0": ["2/5", "3/5"], "3": ["7/4", "9/4"], "9": ["0", "1"]}}))
    r = branch_and_bound("cjrr21.gradient-bound", inst, seconds=30, max_boxes=500)
    assert r.status == Status.HOLDS and r.certified_fraction == 1.0
    rng = random.Random(0)
    leaves = list(_leaves(r.root))
    for k in range(24):  # random exact points of every certified leaf, round robin
        n = leaves[k % len(leaves)]
        if True:
            v = check("cjrr21.gradient-bound", _point_json(inst, _random_point(n.box, rng)))
            assert v.status == Status.HOLDS and v.precision.startswith("exact")


def test_gamma_region_holds_and_certificate_rechecks_and_tamper_fails():
    obj = with_region({"params": {"gamma": ["1/1000", "1/20"]}}, steps=2)
    v = check("cjrr21.gd-lyapunov-decrease~no-step-bound", obj)
    assert v.status == Status.HOLDS and v.certificate["kind"] == "region"
    assert v.reverified.startswith("confirmed")
    cert = json.loads(json.dumps(v.certificate))
    assert recheck_certificate(cert)["ok"]
    rng = random.Random(1)
    inst = Instance.from_json(obj)
    for _ in range(6):
        g = _random_point(inst.region.box, rng)
        pv = check("cjrr21.gd-lyapunov-decrease~no-step-bound", _point_json(inst, g))
        assert pv.status == Status.HOLDS
    bad = copy.deepcopy(cert)  # a larger region: the mutant fails for large γ, the leaves do not re-certify
    bad["instance"]["region"]["params"]["gamma"] = ["1/1000", "2"]
    assert not recheck_region(bad)["ok"]
    bad = copy.deepcopy(cert)  # a split point moved outside its box
    node = bad["tree"]
    if "children" in node:
        node["at"] = "5"
        assert not recheck_region(bad)["ok"]
    bad = copy.deepcopy(cert)  # a leaf claimed exact on a box of positive width
    leaf = bad["tree"]
    while "children" in leaf:
        leaf = leaf["children"][0]
    leaf["engine"] = "exact"
    assert not recheck_region(bad)["ok"]
    bad = copy.deepcopy(cert)
    bad["tree"] = {"open": True}
    assert not recheck_region(bad)["ok"]
    with pytest.raises(InputError):
        recheck_certificate({"kind": "nonesuch"})


def test_planted_violation_in_a_region_gives_a_witness_inside_it():
    obj = with_region({"params": {"gamma": ["1/1000", "2"]}}, steps=2)
    v = check("cjrr21.gd-lyapunov-decrease~no-step-bound", obj)
    assert v.status == Status.VIOLATED and v.witness is not None and "region" not in v.witness
    g = fmpq(*map(int, v.witness["params"]["gamma"].split("/"))) if "/" in v.witness["params"]["gamma"] else fmpq(
        int(v.witness["params"]["gamma"]))
    assert fmpq(1, 1000) <= g <= 2
    again = check(v.witness["claim"], Instance.from_json(v.witness))
    assert again.status == Status.VIOLATED and again.reverified.startswith("confirmed")


def test_planted_violation_on_theta_box_of_an_identity():
    obj = {"network": {"widths": [1, 2, 1], "theta": ["3/5", "-5/13", "4/5", "12/13", "1", "-1", "0"]},
           "target": {"kind": "polynomial", "coefficients": ["0", "0", "1"]},
           "measure": {"kind": "density", "pieces": [{"interval": ["0", "1"], "coefficients": ["1/2", "1"]}]},
           "region": {"theta": {"0": ["1/2", "7/10"], "4": ["9/10", "11/10"]}}}
    v = check("cjrr21.lyapunov-identity~any-target", obj)
    assert v.status == Status.VIOLATED
    w = Instance.from_json(v.witness)
    assert fmpq(1, 2) <= w.net.theta[0] <= fmpq(7, 10) and fmpq(9, 10) <= w.net.theta[4] <= fmpq(11, 10)


def test_identity_region_is_never_certified_by_enclosures(monkeypatch):
    """Balls never certify '=' on a box; the exact cells do (tests/core/test_cells.py)."""
    import verify.regions as regions

    inst = Instance.from_json(with_region({"theta": {"0": ["2/5", "3/5"]}}))
    assert branch_and_bound("cjrr21.lyapunov-identity", inst, seconds=10, max_boxes=40).status == Status.HOLDS
    monkeypatch.setattr(regions, "_evaluate_cells", lambda ctx, box, independent: None)
    r = branch_and_bound("cjrr21.lyapunov-identity", inst, seconds=10, max_boxes=40)
    assert r.status == Status.UNKNOWN and any("equality" in n for n in r.notes)


def test_claims_that_need_rational_theta_are_refused():
    obj = {"network": {"kind": "mlp", "widths": [2, 2, 2], "W": [[["1", "-2"], ["3/2", "1/2"]], [["1", "2"], ["-1", "1/3"]]]},
           "params": {"c": ["1/3", "8"], "x": [["0", "0"]]}, "region": {"theta": {"0": ["1", "2"]}}}
    with pytest.raises(InputError, match="needs rational"):  # float forward passes: rational θ only
        check("gsgd19.float-pow2-bitwise", obj)


def test_point_region_is_checked_exactly():
    inst = Instance.from_json(with_region({"theta": {"0": ["1/2", "1/2"]}}))
    r = branch_and_bound("cjrr21.lyapunov-identity", inst, seconds=10, max_boxes=4)
    assert r.status == Status.HOLDS and next(_leaves(r.root)).leaf["engine"] == "exact"


def test_grow_regions_reports_a_certified_radius():
    base = copy.deepcopy(BASE)  # no zero weight: a neuron with w = b = 0 in a box has no kink location
    base["network"]["theta"] = ["1/2", "-1", "1/4", "2", "1/3", "-1/5", "-5/7", "1", "2", "3/4"]
    g = grow_regions("cjrr21.gradient-bound", base, max_boxes=8, seconds=20, min_exp=30, max_exp=2)
    assert g is not None and fmpq(1, 2 ** 30) <= fmpq(*[int(t) for t in (g["radius"].split("/") + ["1"])[:2]])
    assert recheck_region(g["certificate"])["ok"]
    assert grow_regions("cjrr21.lyapunov-identity", BASE, max_boxes=4, seconds=5, min_exp=30, max_exp=28) is None


INCLUSION_CLAIMS = ["cjrr21.gradient-bound", "cjrr21.lyapunov-identity", "cjrr21.gd-one-step-expansion",
                    "cjrr21.gd-lyapunov-decrease", "cjrr21.no-spurious-critical-points", "cjrr21.balancedness",
                    "cjrr21.gd-bounded", "cjrr21.pure-bias-dynamics"]


def test_box_enclosures_contain_every_members_exact_values():
    """The ∀ semantics the certificate rests on: a box evaluation's relation sides contain the
    exact sides at random rational members, and a hypothesis decided on the box has the same
    value at every member (random shallow nets, boxes where kinks move across the support)."""
    from verify.checking import _evaluate
    from verify.numbers import ball_bounds
    from verify.cells import Cell
    from verify.regions import _setup, evaluate_box, instance_at
    from flint import arb

    rng = random.Random(3)

    def rq():
        return fmpq(rng.randrange(-16, 17), 8)

    compared = 0
    for trial in range(6):
        H = rng.choice([1, 2, 3])
        theta = [rq() for _ in range(3 * H + 1)]
        meas = [{"kind": "lebesgue", "box": [["0", "1"]]}, {"kind": "empirical", "points": [["0"], ["1/3"], ["1"]]},
                {"kind": "density", "pieces": [{"interval": ["-1", "1"], "coefficients": ["1/2", "1/4"]}]}][trial % 3]
        w = fmpq(1, rng.choice([16, 64]))
        ks = rng.sample(range(len(theta)), 2)
        obj = {"network": {"widths": [1, H, 1], "theta": [str(t) for t in theta]},
               "target": {"kind": "polynomial", "coefficients": ["0", "1"]}, "measure": meas,
               "params": {"steps": 2, "rounding_bits": None},
               "region": {"theta": {str(j): [str(theta[j] - w), str(theta[j] + w)] for j in ks}}}
        inst = Instance.from_json(obj)
        for cid in INCLUSION_CLAIMS:
            ctx = _setup(cid, inst)
            res = evaluate_box(ctx, inst.region.box)
            if res is None:
                continue
            boxed = {r.name: r for r in res.relations}
            hyp = {h.name: h.holds for h in res.hypotheses}
            for _ in range(2):
                pt = [lo + (hi - lo) * fmpq(rng.randrange(0, 9), 8) for lo, hi in inst.region.box]
                st, _, rels, hyps, _ = _evaluate(ctx.claim, None, instance_at(inst, [(p, p) for p in pt]),
                                                 ctx.variants, None)
                if res.status == Status.HOLDS:
                    assert st == Status.HOLDS, (cid, obj, pt)
                for h in hyps:
                    if hyp.get(h.name) is not None and h.holds is not None:
                        assert hyp[h.name] == h.holds, (cid, h.name, obj, pt)
                for r in rels:
                    b = boxed.get(r.name)
                    if b is None or r.op == "?":
                        continue
                    for side in ("lhs", "rhs"):
                        v, e = getattr(r, side), getattr(b, side)
                        if isinstance(e, arb) and e.is_finite() and not isinstance(v, arb):
                            lo, hi = ball_bounds(e)
                            assert lo <= v <= hi, (cid, r.name, side, obj, pt)
                            compared += 1
                        elif isinstance(e, Cell):  # exact cells: the value at the member itself
                            assert e.at(pt) == v, (cid, r.name, side, obj, pt)
                            compared += 1
                        elif not isinstance(e, arb) and not isinstance(v, arb) and e is not None:
                            assert v == e, (cid, r.name, side, obj, pt)
                            compared += 1
    assert compared > 100


def test_a_users_claim_gets_regions_for_free():
    """A claim built by hand (a plugin's): ℒ(θ) ≥ 0 holds on the region, ℒ(θ) ≤ 1/100 is refuted
    at a rational point of it."""
    from verify.cjrr21.claims import _rg, _setup as setup
    from verify.framework import Claim, relation
    from verify.registry import CLAIMS

    def make(cid, op, rhs):
        def evaluate(ev):
            net, _, s, hyps = setup(ev)
            L, _ = _rg(ev, net, s)
            return [relation(f"ℒ(θ) {op} {rhs}", L, op, fmpq(rhs))], hyps
        return Claim(id=cid, source="test", provenance="DERIVED", statement=f"ℒ(θ) {op} {rhs}", evaluate=evaluate,
                     note="none", family="testing")

    good, bad = make("testing.risk-nonneg", "≥", 0), make("testing.risk-small", "≤", "1/100")
    try:
        obj = with_region({"theta": {"0": ["2/5", "3/5"], "9": ["0", "1"]}})
        v = check(good, obj)
        assert v.status == Status.HOLDS and recheck_certificate(v.certificate)["ok"]
        v = check(bad, obj)
        assert v.status == Status.VIOLATED and _inside_json(obj, v.witness)
    finally:
        CLAIMS.pop("testing.risk-nonneg", None)
        CLAIMS.pop("testing.risk-small", None)


def _inside_json(obj, witness) -> bool:
    inst, w = Instance.from_json(obj), Instance.from_json(witness)
    return all(c.lo <= w.net.theta[c.key] <= c.hi for c in inst.region.coords)


def test_grow_around_picks_the_largest_radius_among_examples():
    from verify.regions import grow_around

    a = copy.deepcopy(BASE)
    a["network"]["theta"] = ["1/2", "-1", "1/4", "2", "1/3", "-1/5", "-5/7", "1", "2", "3/4"]
    out = grow_around("cjrr21.gradient-bound", [a, BASE], max_boxes=4, seconds=20)
    assert out["tried"] == 2 and out["best"] is not None and out["best"]["index"] == 0
    assert recheck_region(out["best"]["certificate"])["ok"]


def test_variants_travel_with_witnesses_and_certificates():
    """CLAIM@VARIANT: the witness and the certificate name the variant, so `check`/`recheck`
    decide the same statement (ReLU′(0) = 1/2 freezes no degenerate neuron: VIOLATED)."""
    obj = with_region({"theta": {"1": ["0", "0"], "4": ["0", "0"], "6": ["1/2", "1"]}})
    obj["network"]["theta"] = ["1/2", "0", "1/4", "2", "0", "-1/5", "3/4", "1", "2", "3/4"]
    v = check("cjrr21.degenerate-frozen@deriv0-half", obj)
    assert v.status == Status.VIOLATED and v.witness["claim"] == "cjrr21.degenerate-frozen@deriv0-half"
    assert check(v.witness["claim"], v.witness).status == Status.VIOLATED
    g = check("cjrr21.gradient-bound@deriv0-half", with_region({"theta": {"0": ["2/5", "3/5"]}}))
    assert g.status == Status.HOLDS and g.certificate["claim"] == "cjrr21.gradient-bound@deriv0-half"
    assert recheck_certificate(g.certificate)["ok"]


def test_a_param_the_claim_does_not_read_is_refused():
    with pytest.raises(InputError, match="reads no param 'gama'"):
        check("cjrr21.gd-lyapunov-decrease", with_region({"params": {"gama": ["0", "1"]}}))
