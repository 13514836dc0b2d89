"""The search decides each distinct instance once: a duplicate draw (another choice sequence that
gives the same instance dict) is counted as an example, with the verdict it already had, and
reported in ``duplicates``; it is never re-evaluated.  A cached verdict is only reused for an
identical instance, and a planted violation is still found, shrunk and re-verified."""

from collections import Counter
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import strategies as st

from verify import searching as S
from verify.framework import Claim, Status, relation
from verify.registry import CLAIMS
from verify.searching import Budget, instance_key, search


def _inst(t0: str) -> dict:
    return {"network": {"widths": [1, 1, 1], "theta": [t0, "0", "0", "0"]}}


@pytest.fixture
def claim_on(monkeypatch):
    """Register a claim ``θ₀ <op> rhs`` drawing from ``strategy``, and count `_decide` calls
    per instance key (the evaluations the search makes)."""
    decided = Counter()
    real = S._decide

    def counting(ref, inst_dict, *args, **kwargs):
        decided[instance_key(inst_dict)] += 1
        return real(ref, inst_dict, *args, **kwargs)

    monkeypatch.setattr(S, "_decide", counting)
    made = []

    def make(cid, label, op, rhs, strategy):
        def evaluate(ev):
            t0 = ev.theta()[0]
            lhs = 3 * t0 if op == "=" else t0
            return [relation(label, lhs, op, ev.num(fmpq(rhs)))], []

        c = Claim(id=cid, source="test", provenance="DERIVED", statement=label, evaluate=evaluate, note="none",
                  family="testing", instances=lambda: strategy)
        CLAIMS[c.id] = c
        made.append(c.id)
        return c

    yield make, decided
    for cid in made:
        CLAIMS.pop(cid, None)


def test_duplicate_draws_are_counted_but_not_reevaluated(claim_on):
    make, decided = claim_on
    # a million choice sequences, four instances: almost every draw is a duplicate
    c = make("testing.cache-holds", "θ₀ ≤ 10", "≤", 10, st.integers(0, 10 ** 6).map(lambda k: _inst(str(k % 4))))
    r = search(c.id, Budget(examples=60, seconds=60), seed=0, explicit=False)
    assert r.error is None and r.counterexample is None
    assert r.examples == 60  # every draw is an example ...
    assert r.distinct == len(decided) == 4 and r.duplicates == 56  # ... decided once per instance
    assert max(decided.values()) == 1
    assert r.holds == r.certified == r.examples and r.unknown == 0  # counted with their verdict
    assert len(r.margins) == r.examples
    doc = r.to_json("w.json")
    assert doc["duplicates"] == 56 and doc["distinct"] == 4 and doc["examples"] == 60


def test_a_planted_violation_among_duplicates_is_found_shrunk_and_reverified(claim_on):
    make, decided = claim_on
    c = make("testing.cache-violated", "θ₀ ≤ 2", "≤", 2, st.integers(0, 10 ** 6).map(lambda k: _inst(str(k % 4))))
    r = search(c.id, Budget(examples=200, seconds=60), seed=0, explicit=False)
    assert r.error is None and r.counterexample is not None and not r.passed
    v = r.counterexample.verdict
    assert v.status == Status.VIOLATED and v.reverified.startswith("confirmed")
    assert v.instance["network"]["theta"][0] == "3"
    assert max(decided.values()) == 1  # shrinking replays the counterexample from the cache too
    assert r.violated == 1


def test_the_cache_tells_one_third_from_its_decimal_approximation(claim_on):
    """"1/3" holds 3θ₀ = 1 and "0.3333333333333333" violates it: a cache that conflated the two
    instances would report the violation as a duplicate of a HOLDS."""
    make, decided = claim_on
    third = st.integers(0, 10 ** 6).map(lambda k: _inst("1/3" if k % 2 == 0 else "0.3333333333333333"))
    c = make("testing.cache-third", "3θ₀ = 1", "=", 1, third)
    r = search(c.id, Budget(examples=100, seconds=60), seed=0, explicit=False)
    assert r.error is None and r.counterexample is not None
    v = r.counterexample.verdict
    assert v.status == Status.VIOLATED and v.reverified.startswith("confirmed")
    assert Fraction(v.instance["network"]["theta"][0]) == Fraction("0.3333333333333333") != Fraction(1, 3)
    assert len(decided) == 2 and max(decided.values()) == 1


def test_instance_keys_are_exact_and_ignore_only_dict_order():
    a = {"network": {"widths": [1, 1, 1], "theta": ["1/3", "0", "0", "0"]}, "params": {"x": 1}}
    same = {"params": {"x": 1}, "network": {"theta": ["1/3", "0", "0", "0"], "widths": [1, 1, 1]}}
    assert instance_key(a) == instance_key(same) and hash(instance_key(a)) == hash(instance_key(same))
    different = [
        {**a, "network": {"widths": [1, 1, 1], "theta": ["0.3333333333333333", "0", "0", "0"]}},
        {**a, "network": {"widths": [1, 1, 1], "theta": [1 / 3, "0", "0", "0"]}},
        {**a, "network": {"widths": [1, 1, 1], "theta": ["2/6", "0", "0", "0"]}},
        {**a, "params": {"x": 1.0}},
        {**a, "params": {"x": True}},
        {**a, "params": {"x": "1"}},
        {**a, "params": {"x": [1]}},
        {**a, "params": {"x": (1,)}},
        {**a, "params": {1: 1}},
        {**a, "params": {"x": 1, "y": None}},
    ]
    keys = [instance_key(d) for d in [a, *different]]
    assert len(set(keys)) == len(keys)
    assert instance_key({"x": 0.0}) != instance_key({"x": -0.0})
    assert instance_key({"x": float("nan")}) == instance_key({"x": float("nan")})  # same text, same instance
    assert instance_key({"x": Fraction(1, 3)}) is None  # not an instance dict: decided every time, never cached


def test_the_screen_policy_drops_a_screen_that_does_not_certify():
    p = S._ScreenPolicy()
    for _ in range(S._ScreenPolicy.TRIALS):
        assert p.active
        p.note(Status.UNKNOWN)
    assert not p.active  # eight screens, none certified: straight to check from now on
    q = S._ScreenPolicy()
    for k in range(40):
        q.note(Status.HOLDS if k % 8 == 0 else None)  # one in eight certified: worth keeping
    assert q.active


def test_a_search_without_screen_still_certifies_every_distinct_instance(claim_on, monkeypatch):
    """A claim whose 53-bit screen never decides is screened only `TRIALS` times; every distinct
    instance is still decided (by `check`) exactly once."""
    make, decided = claim_on
    screens = []
    real = S._screen

    def never(ref, inst):
        screens.append(1)
        status, vacuous, slack, evaluated = real(ref, inst)
        return Status.UNKNOWN, False, slack, evaluated

    monkeypatch.setattr(S, "_screen", never)
    c = make("testing.cache-noscreen", "θ₀ ≤ 100", "≤", 100, st.integers(0, 10 ** 6).map(lambda k: _inst(str(k % 40))))
    r = search(c.id, Budget(examples=100, seconds=60), seed=0, explicit=False)
    assert r.error is None and r.counterexample is None
    assert len(screens) == S._ScreenPolicy.TRIALS < r.distinct == len(decided)
    assert r.holds == r.examples and r.screened == 0 and max(decided.values()) == 1
