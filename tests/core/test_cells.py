"""verify.cells: exact rational functions over a box, comparisons decided for the whole box.

Oracles: `fractions.Fraction` arithmetic at rational points of the box (no flint, no cells), and
`check` at exact points of certified regions."""

import copy
import random
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given, strategies as st

from verify.cells import Cell, CellBox
from verify.checking import check
from verify.framework import Instance, Status
from verify.numbers import Undecided, is_exact, sign
from verify.regions import _leaves, branch_and_bound, certificate, recheck_region


def F(q) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def value_at(c, box, point) -> Fraction:
    """A cell's value at a rational point, from its numerator and denominator dictionaries only."""
    u = [(point[k] - (lo + hi) / 2) / ((hi - lo) / 2) for k, (lo, hi) in enumerate(box) if hi > lo]

    def ev(p):
        total = Fraction(0)
        for e, a in p.to_dict().items():
            term = F(fmpq(a))
            for uk, ek in zip(u, e):
                term *= uk ** int(ek)
            total += term
        return total

    return ev(c.num) / (ev(c.den) if c.den is not None else 1)


OPS = ("+", "-", "*", "/", "neg", "sq")


def apply(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    if op == "neg":
        return -a
    return a * a


@given(st.integers(0, 10 ** 6))
def test_cells_agree_with_fractions_at_every_point(seed):
    """Random straight-line programs on cells: at rational points of the box the cell's value is
    the Fraction program's value, and a certified sign is the sign at every point."""
    rng = random.Random(seed)
    n = rng.randint(1, 3)
    box = []
    for _ in range(n):
        lo = Fraction(rng.randint(-20, 20), rng.randint(1, 6))
        box.append((lo, lo + Fraction(rng.randint(0, 4), 8)))
    cb = CellBox([(fmpq(lo.numerator, lo.denominator), fmpq(hi.numerator, hi.denominator)) for lo, hi in box])
    points = [[lo + (hi - lo) * Fraction(rng.randint(0, 16), 16) for lo, hi in box] for _ in range(6)]
    cells = [cb.coordinate(k) for k in range(n)]
    vals = [[p[k] for k in range(n)] for p in points]
    for _ in range(7):
        op = rng.choice(OPS)
        i, j = rng.randrange(len(cells)), rng.randrange(len(cells))
        try:
            c = apply(op, cells[i], cells[j])
        except (Undecided, ZeroDivisionError):
            continue
        cells.append(c)
        for v in vals:
            v.append(apply(op, v[i], v[j]))
    for k, c in enumerate(cells):
        s = sign(c)
        for p, v in zip(points, vals):
            if isinstance(c, Cell):
                assert value_at(c, box, p) == v[k]
            else:
                assert Fraction(int(fmpq(c).p), int(fmpq(c).q)) == v[k]
            if s is not None:
                assert s == (v[k] > 0) - (v[k] < 0)


def test_comparisons_are_uniform_or_undecided():
    cb = CellBox([(fmpq(-1), fmpq(1)), (fmpq(2), fmpq(3))])
    x, y = cb.coordinate(0), cb.coordinate(1)
    assert y > 1 and y >= fmpq(3, 2) and not (y < 1) and abs(-y) == y
    with pytest.raises(Undecided):  # y − 2 is 0 at an end of the box: its sign is not one sign there
        y >= 2  # noqa: B015
    assert (x * y - y * x) == 0 and sign(x * y - y * x) == 0
    for f in (lambda: x > 0, lambda: x == 0, lambda: bool(x), lambda: abs(x), lambda: max(x, fmpq(0)),
              lambda: 1 / x):
        with pytest.raises(Undecided):
            f()
    assert sign(x) is None and is_exact(x)
    assert (1 / y) * y == 1  # a quotient whose denominator keeps one sign on the box
    for bad in (1.5, "1"):
        with pytest.raises(TypeError):
            x == bad  # noqa: B015  (never Python's identity fallback)


def test_a_point_side_stays_rational():
    cb = CellBox([(fmpq(1, 3), fmpq(1, 3)), (fmpq(0), fmpq(1))])
    assert cb.coordinate(0) == fmpq(1, 3) and isinstance(cb.coordinate(1), Cell)


MLP = {"network": {"kind": "mlp", "widths": [2, 3, 2],
                   "W": [[["1", "-1/2", "2"], ["1", "-1", "1/3"]], [["1", "1/4"], ["-2", "1"], ["1/2", "-3/5"]]],
                   "b": [["1/5", "1/4", "-1"], ["1/2", "0"]]},
       "params": {"x": [["1", "2"], ["-1/2", "1/3"], ["3/7", "-2"]], "c": ["2", "1/3", "5"]}}


def _exact_points(inst, box, rng, n):
    for _ in range(n):
        yield [lo + (hi - lo) * fmpq(rng.randint(0, 64), 64) for lo, hi in box]


@pytest.mark.parametrize("claim", ["gsgd19.rescaling-invariance", "gsgd19.path-value-invariance", "gsgd19.path-sum"])
def test_identities_hold_on_regions_and_at_their_points(claim):
    """An identity certified for every θ of a region (cells): the certificate re-checks, a
    tampered one does not, and `check` certifies it at random exact points of every leaf."""
    obj = copy.deepcopy(MLP)
    obj["region"] = {"theta_radius": "1/64"}  # ± 1/32 lets a kink cross the box: see test below
    inst = Instance.from_json(obj)
    r = branch_and_bound(claim, inst, seconds=30, max_boxes=400)
    assert r.status == Status.HOLDS, r.notes
    leaves = list(_leaves(r.root))
    assert all(n.leaf["engine"] == "cell" for n in leaves)
    cert = certificate(inst, claim, r.root, r.boxes)
    assert recheck_region(cert)["ok"]
    rng = random.Random(7)
    for n in leaves[:4]:
        for pt in _exact_points(inst, n.box, rng, 3):
            point = copy.deepcopy(MLP)
            theta = list(inst.net.theta)
            for c, v in zip(inst.region.coords, pt):
                theta[c.key] = v
            point_inst = Instance.from_json(point).replace(net=inst.net.with_theta(theta))
            assert check(claim, point_inst).status == Status.HOLDS
    bad = copy.deepcopy(cert)
    bad["instance"]["params"]["c"][0] = "-2"  # a tampered instance: c ≤ 0 is outside the claim
    leafs = [bad["tree"]]
    while "children" in leafs[-1]:
        leafs.append(leafs[-1]["children"][0])
    leafs[-1]["engine"] = "exact"  # an exact leaf on a box of positive width
    assert not recheck_region(bad)["ok"]


def test_planted_violation_on_a_region_is_found_inside_it():
    """Planted 3 (c_j ≤ 0 allowed) over a region: VIOLATED with an exact witness in the region."""
    obj = copy.deepcopy(MLP)
    obj["params"]["c"] = ["2", "-1", "5"]
    obj["region"] = {"theta_radius": "1/32"}
    inst = Instance.from_json(obj)
    r = branch_and_bound("gsgd19.rescaling-invariance~nonpositive-c", inst, seconds=30, max_boxes=200)
    assert r.status == Status.VIOLATED
    w = Instance.from_json(r.witness)
    for c in inst.region.coords:
        assert c.lo <= w.net.theta[c.key] <= c.hi
    assert check("gsgd19.rescaling-invariance~nonpositive-c", r.witness).status == Status.VIOLATED


def _holds_at_points(inst, boxes, rng, n, claim="gsgd19.rescaling-invariance"):
    for box in boxes:
        for pt in _exact_points(inst, box, rng, n):
            theta = list(inst.net.theta)
            for c, v in zip(inst.region.coords, pt):
                theta[c.key] = v
            assert check(claim, Instance.from_json(MLP).replace(net=inst.net.with_theta(theta))).status == Status.HOLDS


@pytest.mark.parametrize("radius", ["1/32", "1/8"])
def test_a_kink_through_the_region_is_split_into_cases(radius):
    """± 1/32 and ± 1/8: pre-activations change sign inside the box; the cell run is split into
    the cases z > 0, z < 0, z = 0 of each such comparison and every case holds: HOLDS, and
    `check` agrees at random exact points of the region."""
    obj = copy.deepcopy(MLP)
    obj["region"] = {"theta_radius": radius}
    inst = Instance.from_json(obj)
    r = branch_and_bound("gsgd19.rescaling-invariance", inst, seconds=30, max_boxes=50)
    assert r.status == Status.HOLDS
    assert recheck_region(certificate(inst, "gsgd19.rescaling-invariance", r.root, r.boxes))["ok"]
    _holds_at_points(inst, [inst.region.box], random.Random(5), 12)


def test_without_cases_a_kink_leaves_boxes_open_not_wrong(monkeypatch):
    """With one run per box (no case split) the boxes across the kink stay open: UNKNOWN with a
    certified fraction, and the certified leaves hold at exact points."""
    import verify.regions as regions

    monkeypatch.setattr(regions, "MAX_PIECES", 1)
    obj = copy.deepcopy(MLP)
    obj["region"] = {"theta_radius": "1/32"}
    inst = Instance.from_json(obj)
    r = branch_and_bound("gsgd19.rescaling-invariance", inst, seconds=30, max_boxes=150)
    assert r.status == Status.UNKNOWN and 0 < r.certified_fraction < 1 and r.undecided
    _holds_at_points(inst, [n.box for n in _leaves(r.root) if n.leaf][:3], random.Random(3), 2)


SHALLOW = {
    "cjrr21.lyapunov-identity": {
        "network": {"widths": [1, 3, 1], "theta": ["1/2", "-1", "1/4", "2", "1/3", "-1/5", "-5/7", "1", "2", "3/4"]},
        "target": {"kind": "constant", "value": "3/4"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
        "params": {}},
    "beg19.w1inf-exact-1d": {
        "network": {"widths": [1, 3, 1], "theta": ["1", "-2/3", "3/2", "1/5", "1/3", "-1/2", "2", "-1", "1/2", "1/7"]},
        "params": {"other": {"widths": [1, 2, 1], "theta": ["3/4", "-1", "1/3", "1/4", "1", "-1", "0"]}, "D": "1"}},
    "yoneda23.d1-exact-reduction": {"network": {"kind": "d0", "head": "ab"}},
    "yoneda23.backprop-gradient": {"network": {"kind": "d0", "batch": {"kind": "data", "X": [["-3/4"], ["1/4"], ["7/20"]]}}},
    "ejrw22.euler-identity": {
        "network": {"widths": [1, 2, 1], "theta": ["3/5", "-5/13", "4/5", "12/13", "2", "-1", "1/2"]},
        "target": {"kind": "constant", "value": "1/3"}, "measure": {"kind": "lebesgue", "box": [["-1", "1"]]}},
}
# claims scoped to θ ∈ M_A: the box around a point of M is split into the cases |u_i|² − 1 > 0, < 0, = 0
SHALLOW["ejrw22.kink-geometry"] = SHALLOW["ejrw22.critical-points-coincide"] = SHALLOW["ejrw22.euler-identity"]


@pytest.mark.parametrize("claim", sorted(SHALLOW))
def test_shallow_identities_on_regions(claim):
    """Identities whose kinks (−𝔟/𝔴: rational functions of the box) move with θ: certified on
    cells, and `check` agrees at random exact points of the region."""
    base = SHALLOW[claim]
    inst = Instance.from_json({**base, "region": {"theta_radius": "1/256"}})
    r = branch_and_bound(claim, inst, seconds=30, max_boxes=50)
    assert r.status == Status.HOLDS and all(n.leaf["engine"] == "cell" for n in _leaves(r.root))
    assert recheck_region(certificate(inst, claim, r.root, r.boxes))["ok"]
    rng = random.Random(11)
    for pt in _exact_points(inst, inst.region.box, rng, 4):
        point = Instance.from_json(base)
        assert check(claim, point.replace(net=point.net.with_theta(pt))).status == Status.HOLDS
