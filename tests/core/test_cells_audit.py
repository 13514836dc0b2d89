"""Soundness audit of the cell rung of region certificates (`verify.cells`, `verify.regions`).

Each test below was a wrong certified verdict (or a crash) before its fix: a region certified HOLDS
that contains a rational point where the exact `check` is VIOLATED.  Oracle: `check` at exact
points of the region (the ordinary exact evaluation, no cells), never the region machinery itself.
The property test at the end draws random small regions and checks exact points of every
certified one, including the points where two kinks meet (where dict/set code would merge them)."""

import random

import pytest
from flint import fmpq
from hypothesis import given, settings, strategies as st

from verify.cells import CellAbort, CellBox
from verify.checking import check
from verify.errors import InputError
from verify.framework import Claim, Instance, Status, relation
from verify.numbers import Undecided, is_exact
from verify.regions import _leaves, branch_and_bound, certificate, point_instance, recheck_region
from verify.registry import CLAIMS


def _point_status(ref, inst, point):
    return check(ref, Instance.from_json(point_instance(inst, point))).status


def _register(cid, fn):
    CLAIMS[cid] = Claim(id=cid, source="audit", provenance="DERIVED", statement=cid, evaluate=fn, note="audit",
                        family="testing")


# --------------------------------------------------------------------------------------------
# 1. dict/set keyed by cells: kinks that meet inside the box


EQUAL_WIDTH = "beg19.restricted-expressivity~equal-width"
MEETING = {"network": {"widths": [1, 2, 1], "theta": ["1", "1", "0", "1/4", "1", "1", "0"]}, "params": {"D": "1"},
           "region": {"theta": {"3": ["-1/4", "3/4"]}}}


def test_kinks_meeting_inside_the_region_are_merged_as_at_the_point():
    """The planted #kinks = m: at b₂ = 0 the two neurons kink at 0, the exact canonical form merges
    them (1 kink, VIOLATED).  The cells kept them as two dict keys (hash of different polynomials),
    so the region came back HOLDS, audit and re-check included.  Now the kinks are merged by
    comparisons (a case split on −b₂ = 0): never HOLDS."""
    inst = Instance.from_json(MEETING)
    assert _point_status(EQUAL_WIDTH, inst, [fmpq(0)]) == Status.VIOLATED  # the point is in the region
    r = branch_and_bound(EQUAL_WIDTH, inst, seconds=20, max_boxes=120)
    assert r.status != Status.HOLDS
    if r.status == Status.VIOLATED:
        assert check(EQUAL_WIDTH, r.witness).status == Status.VIOLATED


def test_non_constant_cells_are_unhashable_and_constants_hash_as_rationals():
    cb = CellBox([(fmpq(0), fmpq(1)), (fmpq(1, 3), fmpq(1, 2))])
    x, y = cb.coordinate(0), cb.coordinate(1)
    for v in (x, x * y, 1 / y, x - y):
        with pytest.raises(TypeError):
            hash(v)
        with pytest.raises(TypeError):
            {v: 1}  # noqa: B018
    c = (x + 3) - x  # the constant 3 as a cell
    assert hash(c) == hash(fmpq(3)) and {fmpq(3): "three"}[c] == "three" and len({c, fmpq(3)}) == 1


def test_a_set_of_values_refuses_cells():
    """Claim code that counts distinct values with a set: #{θ₀, θ₁} = 2 is false at θ₀ = θ₁ = 1/3 (in
    the region, neither its centre nor a corner).  It was certified HOLDS on cells; now a cell is
    unhashable, the claim refuses exact polynomials (and balls): an input error, no verdict."""

    def distinct(ev):
        x, y = ev.inst.net.theta[0], ev.inst.net.theta[1]
        if not (is_exact(x) and is_exact(y)):
            raise Undecided("exact only")
        return [relation("#{θ0, θ1} = 2", fmpq(len({x, y})), "=", 2)], []

    _register("testing.audit-distinct", distinct)
    try:
        base = {"network": {"widths": [1, 1, 1], "theta": ["0", "1/3", "1", "0"]}}
        inst = Instance.from_json({**base, "region": {"theta": {"0": ["0", "1"]}}})
        assert _point_status("testing.audit-distinct", inst, [fmpq(1, 3)]) == Status.VIOLATED
        try:
            r = branch_and_bound("testing.audit-distinct", inst, seconds=10, max_boxes=20)
        except InputError:
            return
        assert r.status != Status.HOLDS
    finally:
        CLAIMS.pop("testing.audit-distinct", None)


# --------------------------------------------------------------------------------------------
# 2. the case split: every run must follow the path of the run it continues


def test_order_dependent_claim_code_is_not_certified():
    """The claim compares θ₀ > 0 and θ₁ < 0 in an order that alternates between evaluations (the
    answer is a function of θ).  The scripted outcomes went to the wrong comparisons, the piece
    {θ₀ > 0, θ₁ < 0} was never run, and [−1, 1]² was certified HOLDS.  Now each outcome carries the
    key of its comparison: the region is VIOLATED with a witness (or at worst UNKNOWN)."""
    calls = [0]

    def order_flips(ev):
        x, y = ev.inst.net.theta[0], ev.inst.net.theta[1]
        if not (is_exact(x) and is_exact(y)):
            raise Undecided("exact only")
        n, calls[0] = calls[0], calls[0] + 1
        if n % 2:
            sx = x > 0
            sy = y < 0
        else:
            sy = y < 0
            sx = x > 0
        return [relation("not (θ0 > 0 and θ1 < 0)", fmpq(int(sx and sy)), "=", 0)], []

    _register("testing.audit-order", order_flips)
    try:
        base = {"network": {"widths": [1, 1, 1], "theta": ["0", "0", "1", "0"]}}
        inst = Instance.from_json({**base, "region": {"theta": {"0": ["-1", "1"], "1": ["-1", "1"]}}})
        assert _point_status("testing.audit-order", inst, [fmpq(1, 2), fmpq(-1, 2)]) == Status.VIOLATED
        r = branch_and_bound("testing.audit-order", inst, seconds=20, max_boxes=40)
        assert r.status != Status.HOLDS
        if r.status == Status.VIOLATED:
            assert check("testing.audit-order", r.witness).status == Status.VIOLATED
    finally:
        CLAIMS.pop("testing.audit-order", None)


def test_claim_code_cannot_swallow_an_undecided_divisor():
    """1/(θ₀ − 1/3) on a box around 1/3: the divisor's sign is undecided.  Claim code that catches
    `Undecided` and falls back on a trivial relation took, on cells, a branch that no exact run
    takes (θ₀ = 1/3 is VIOLATED exactly): HOLDS.  Now the run is abandoned (`CellAbort`, a
    BaseException) and the box is never certified."""

    def guarded(ev):
        x = ev.inst.net.theta[0]
        if not is_exact(x):
            raise Undecided("exact only")
        try:
            r = 1 / (x - fmpq(1, 3))
            rel = relation("r·(θ0 − 1/3) = 1", r * (x - fmpq(1, 3)), "=", 1)
        except Undecided:
            rel = relation("not decided here", fmpq(0), "=", 0)
        except ZeroDivisionError:
            rel = relation("θ0 ≠ 1/3", fmpq(1), "=", 0)
        return [rel], []

    _register("testing.audit-guarded", guarded)
    try:
        inst = Instance.from_json({"network": {"widths": [1, 1, 1], "theta": ["0", "0", "1", "0"]},
                                   "region": {"theta": {"0": ["0", "1"]}}})
        assert _point_status("testing.audit-guarded", inst, [fmpq(1, 3)]) == Status.VIOLATED
        r = branch_and_bound("testing.audit-guarded", inst, seconds=8, max_boxes=40)
        assert r.status != Status.HOLDS
        cb = CellBox([(fmpq(0), fmpq(1))], script=[])
        with pytest.raises(CellAbort):
            1 / (cb.coordinate(0) - fmpq(1, 3))
        with pytest.raises(Undecided):  # outside a case split: the ordinary Undecided
            1 / (CellBox([(fmpq(0), fmpq(1))]).coordinate(0) - fmpq(1, 3))
    finally:
        CLAIMS.pop("testing.audit-guarded", None)


def test_an_inconsistent_case_does_not_crash():
    """Scripted outcomes need not be consistent (t < 8/5, 8/5 < 9/8, … : an empty piece), and the
    exact E1 sweep's binary search raised AssertionError('kink missing from the breakpoints') out
    of `relu-verify check`.  Now that case leaves the box undecided."""
    inst = Instance.from_json({
        "network": {"widths": [1, 4, 1], "theta": ["0", "5", "-10/3", "0", "-1/2", "-8", "15/4", "0", "4", "0", "0",
                                                   "-2/3", "0"]},
        "target": {"kind": "constant", "value": "-39/10"}, "measure": {"kind": "lebesgue", "box": [["-3", "3"]]},
        "params": {"alpha": "15/16"}, "region": {"theta_radius": "1/1024"}})
    r = branch_and_bound("cjrr21.lyapunov-family", inst, seconds=8, max_boxes=30)
    assert r.status != Status.VIOLATED  # a theorem: never VIOLATED


def test_float_of_a_cell_is_refused():
    """`math.floor`, numpy float arrays and `float()` would read a cell as its centre's value."""
    import math

    x = CellBox([(fmpq(0), fmpq(3))]).coordinate(0)
    for f in (float, math.floor, math.isfinite):
        with pytest.raises(TypeError):
            f(x)
    assert not hasattr(x, "q") and not hasattr(x, "p")  # fmpq-only code reading x.q == 1 fails loudly


# --------------------------------------------------------------------------------------------
# 3. property: random small regions, exact points of every certified one


def _shallow(rng, H):
    q = lambda: fmpq(rng.randint(-8, 8), rng.choice([1, 2, 4]))  # noqa: E731
    a = [q() or fmpq(1) for _ in range(H)]
    b = [-ai * fmpq(rng.randint(-7, 7), 8) for ai in a]  # kinks −b/a inside Ω = [−1, 1]
    c = [q() or fmpq(1, 2) for _ in range(H)]
    return a + b + c + [q()]


def _special_points(inst, box, H):
    """Points of the box where a kink meets another kink, 0 or an end of Ω = [−1, 1]: θ_b(j) moved so
    that −b_j/a_j takes that value (the other coordinates at the box's centre)."""
    theta = [fmpq(t) for t in inst.net.theta]
    centre = [(lo + hi) / 2 for lo, hi in box]
    pos = {c.key: k for k, c in enumerate(inst.region.coords)}
    for k, c in enumerate(inst.region.coords):
        theta[c.key] = centre[k]
    for j in range(H):
        if H + j not in pos or theta[j] == 0:
            continue
        k = pos[H + j]
        targets = [fmpq(0), fmpq(1), fmpq(-1)] + [-theta[H + i] / theta[i] for i in range(H) if i != j and theta[i] != 0]
        for t in targets:
            v = -t * theta[j]
            if box[k][0] <= v <= box[k][1]:
                pt = list(centre)
                pt[k] = v
                yield pt


CLAIMS_ON_SHALLOW = {
    "cjrr21.lyapunov-identity": lambda th: {"target": {"kind": "constant", "value": "1/3"},
                                            "measure": {"kind": "lebesgue", "box": [["-1", "1"]]}},
    "ejrw22.euler-identity": lambda th: {"target": {"kind": "constant", "value": "1/3"},
                                         "measure": {"kind": "lebesgue", "box": [["-1", "1"]]}},
    "beg19.w1inf-exact-1d": lambda th: {"params": {"D": "1", "other": {"widths": [1, 1, 1],
                                                                       "theta": ["1", "-1/2", "1", "0"]}}},
    EQUAL_WIDTH: lambda th: {"params": {"D": "1"}},
}


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(CLAIMS_ON_SHALLOW)), st.integers(0, 10 ** 6))
def test_certified_regions_hold_at_their_exact_points(claim, seed):
    """Random shallow 1-D networks (often with two kinks that meet inside the region), a region over some of the
    b_j (and one other coordinate) of radius 1/64 … 1/2: where the region is certified HOLDS, the
    exact `check` HOLDS at its centre, corners, random points and the points where kinks meet; a
    VIOLATED region's witness is VIOLATED exactly; a certificate re-checks."""
    rng = random.Random(seed)
    H = rng.randint(1, 3)
    th = _shallow(rng, H)
    obj = {"network": {"widths": [1, H, 1], "theta": [str(t) for t in th]}, **CLAIMS_ON_SHALLOW[claim](th)}
    r = fmpq(1, rng.choice([2, 8, 64]))
    coords = sorted({H + j for j in range(H) if rng.random() < 0.7} | {rng.randrange(len(th))})
    if H >= 2 and H + 1 in coords and rng.random() < 0.6:  # two kinks meet inside the region, off its centre
        th[H + 1] = th[H] * th[1] / th[0] + r * fmpq(rng.choice([1, -1, 2]), 3)
        obj["network"]["theta"] = [str(t) for t in th]
    obj["region"] = {"theta": {str(k): [str(th[k] - r), str(th[k] + r)] for k in coords}}
    inst = Instance.from_json(obj)
    try:
        res = branch_and_bound(claim, inst, seconds=3, max_boxes=12)
    except InputError:  # the claim cannot run on this region (no verdict)
        return
    if res.status == Status.VIOLATED:
        assert check(claim, res.witness).status == Status.VIOLATED
        return
    if res.status != Status.HOLDS:
        return
    assert recheck_region(certificate(inst, claim, res.root, res.boxes))["ok"]
    box = inst.region.box
    pts = [[lo for lo, _ in box], [hi for _, hi in box]]
    pts += [[lo + (hi - lo) * fmpq(rng.randint(0, 8), 8) for lo, hi in box] for _ in range(3)]
    pts += list(_special_points(inst, box, H))[:6]
    for leaf in list(_leaves(res.root))[:2]:
        pts.append([(lo + hi) / 2 for lo, hi in leaf.box])
    for pt in pts:
        assert _point_status(claim, inst, pt) != Status.VIOLATED, (obj, [str(p) for p in pt])


MUTANTS_OFF_CENTRE = ["beg19.restricted-expressivity~equal-width", "gsgd19.rescaling-invariance~nonpositive-c",
                      "cjrr21.lyapunov-identity~any-target", "cjrr21.gradient-formula~everywhere",
                      "yoneda23.squaring-error~half-constant", "ejrw22.energy-identity~full-gradient"]


@pytest.mark.parametrize("mid", MUTANTS_OFF_CENTRE)
def test_a_mutant_is_never_certified_on_a_region_around_its_witness(mid):
    """A planted violation's own witness θ*, inside a region where it is neither the centre nor a
    corner (each side [θ*_k − r/3, θ*_k + 2r/3], all sides or one): never HOLDS (before the fix,
    equal-width came back HOLDS on four such regions); a VIOLATED region's witness is VIOLATED."""
    from verify.registry import MUTANTS, load_plugins

    load_plugins()
    w = dict(MUTANTS[mid].witness)
    w.pop("region", None)
    inst = Instance.from_json(w)
    theta = getattr(inst.net, "theta", None)
    regions = []
    if theta is not None and hasattr(inst.net, "with_theta"):
        vals = [fmpq(t) for t in theta]
        r = fmpq(1, 4)
        regions.append({"theta": {str(k): [str(v - r / 3), str(v + 2 * r / 3)] for k, v in enumerate(vals)}})
        regions += [{"theta": {str(k): [str(vals[k] - fmpq(1, 5)), str(vals[k] + fmpq(2, 5))]}}
                    for k in range(min(4, len(vals)))]
    for reg in regions:
        try:
            res = branch_and_bound(mid, Instance.from_json({**w, "region": reg}), seconds=4, max_boxes=20)
        except InputError:
            continue
        assert res.status != Status.HOLDS, reg
        if res.status == Status.VIOLATED:
            assert check(mid, res.witness).status == Status.VIOLATED


def test_steering_of_huge_cells_does_not_overflow():
    """A kink through a box of a network with a 400-digit weight: the split steering (`influence`)
    read a coefficient with float() and the OverflowError escaped `branch_and_bound`."""
    from verify.numbers import to_float

    x = CellBox([(fmpq(0), fmpq(1))]).coordinate(0) * fmpq(10 ** 400)
    assert x.influence() == {0: float("inf")} and to_float(x) == float("inf") and to_float(-x) == float("-inf")
