"""The soundness suite of the search: every planted violation of every family is found, shrunk,
re-verified and round-trips through `check`; no shipped claim is ever reported VIOLATED; the
search is reproducible from its seed and its @reproduce_failure blob; the budgets are honoured."""

import json

import pytest
from flint import arb, fmpq

import verify
from verify.framework import Hypothesis, Status, relation
from verify.checking import check
from verify.registry import CLAIMS
from verify.searching import PROFILES, Budget, claim_seed, relative_slack, search

CI = PROFILES["ci"]


@pytest.mark.parametrize("ref", sorted(verify.all_mutants()))
def test_every_mutant_is_found_by_search_within_the_ci_budget(ref, tmp_path):
    r = search(ref, CI, seed=0)
    assert r.error is None
    assert r.counterexample is not None, f"{ref} not refuted in {r.examples} examples / {r.seconds:.1f} s"
    v = r.counterexample.verdict
    assert v.status == Status.VIOLATED and v.reverified.startswith("confirmed by an independent")
    assert r.counterexample.found_at <= CI.examples
    path = tmp_path / "witness.json"
    path.write_text(json.dumps(v.instance))
    again = check(ref, str(path))
    assert again.status == Status.VIOLATED
    assert [x.to_json() for x in again.relations] == [x.to_json() for x in v.relations]


@pytest.mark.parametrize("ref", sorted(verify.all_claims()))
def test_no_shipped_claim_is_reported_violated(ref):
    r = search(ref, CI, seed=0)
    assert r.error is None, r.error
    assert r.counterexample is None and r.violated == 0
    assert r.examples >= min(CI.examples, len(CLAIMS[ref].examples))  # the built-in examples ran first
    assert r.certified + r.unknown == r.examples


def test_same_seed_same_counterexample_and_blob_replays_it():
    ref = "cjrr21.lyapunov-family~weights"
    a, b = search(ref, CI, seed=3), search(ref, CI, seed=3)
    assert a.counterexample.verdict.instance == b.counterexample.verdict.instance
    assert a.seed == b.seed == claim_seed(3, ref) != claim_seed(4, ref)
    blob = a.counterexample.reproduce_failure
    assert blob and blob.startswith("@reproduce_failure(")
    replay = search(ref, CI, seed=3, reproduce=blob)
    assert replay.counterexample.verdict.instance == a.counterexample.verdict.instance


def test_time_budget_stops_the_search():
    r = search("cjrr21.lyapunov-identity", Budget(examples=10 ** 6, seconds=0.5), seed=1)
    assert r.stop == "time" and r.counterexample is None and 1 <= r.examples < 10 ** 6
    assert r.seconds < 10


def test_example_budget_is_honoured():
    r = search("cjrr21.gradient-bound", Budget(examples=7, seconds=60), seed=0, explicit=False)
    assert r.examples == 7 and r.stop == "examples" and len(r.margins) == 7


def test_relative_slack_is_oriented_and_normalised():
    holds = relation("a ≤ b", fmpq(1), "≤", fmpq(3))
    assert relative_slack([holds]) == pytest.approx(2 / 5)
    broken = relation("a = b", fmpq(1), "=", fmpq(2))
    assert relative_slack([holds, broken]) == pytest.approx(-1 / 4)
    assert relative_slack([relation("x = y", fmpq(2), "=", fmpq(2))]) == 0
    ball = relation("ball ≥ 0", arb("[-1 +/- 0.5]"), "≥", fmpq(0))
    assert relative_slack([ball]) == pytest.approx(-1 / 2)
    vacuous = relation("given", fmpq(5), "≤", fmpq(0), given=relation("p", fmpq(1), "≤", fmpq(0)))
    assert relative_slack([vacuous]) is None
    assert relative_slack([holds], [Hypothesis("h", False)]) is None


def test_a_false_claim_is_refuted_with_a_minimal_witness(false_claim):
    r = search(false_claim.id, CI, seed=0)
    assert r.kind == "claim" and r.outcome == "FAIL" and not r.passed
    v = r.counterexample.verdict
    assert v.status == Status.VIOLATED and v.relations[0].lhs > 0
    theta = v.instance["network"]["theta"]
    # shrinking leaves one neuron at most and mostly zeros
    assert v.instance["network"]["widths"] == [1, 1, 1] and theta.count("0") >= 2


def test_a_slow_example_is_cut_at_the_per_example_limit_and_counted_unknown():
    import time as _time

    from verify import strategies as vst
    from verify.framework import Claim

    def evaluate(ev):
        _time.sleep(30)
        return [relation("never reached", fmpq(0), "=", fmpq(1))], []

    c = Claim(id="testing.slow", source="test", provenance="DERIVED", statement="slow", evaluate=evaluate,
              note="none", family="testing", instances=lambda: vst.shallow_instances(d=1))
    CLAIMS[c.id] = c
    try:
        budget = Budget(examples=3, seconds=5)
        r = search(c.id, budget, seed=0)
    finally:
        del CLAIMS[c.id]
    assert budget.per_example == 1.0
    assert r.examples == 3 and r.timeouts == 3 and r.unknown == 3 and r.counterexample is None
    assert r.seconds < 10


def test_shrinking_is_cut_at_its_time_limit():
    """A search whose shrink outlives 1.5 × the budget is cut SHRINK_GRACE later, keeping the
    smallest certified counterexample found so far (re-verified as usual)."""
    from verify.searching import SHRINK_GRACE, Budget

    b = Budget(examples=200, seconds=0.5)
    r = search("gsgd19.float-pow2-bitwise~non-pow2", b, seed=0)
    assert r.counterexample is not None and r.counterexample.verdict.status.value == "VIOLATED"
    assert r.counterexample.verdict.reverified.startswith("confirmed")
    assert r.to_json("w.json")["shrink_cut"] == r.shrink_cut
    if r.shrink_cut:
        assert r.counterexample.reproduce_failure is None


def test_a_swallowed_ctrl_c_still_stops_the_search():
    """A KeyboardInterrupt raised by the SIGINT handler can be swallowed where it lands (a gc
    callback); the remembered interrupt stops the search at its next example all the same."""
    import pytest

    from verify import searching as S

    with S.interruptible():
        S._INTERRUPTED.set()  # what the handler leaves behind when its exception was swallowed
        with pytest.raises(KeyboardInterrupt):
            S.search("cjrr21.lyapunov-identity", S.Budget(examples=50, seconds=30))
    assert not S._INTERRUPTED.is_set()  # leaving the block forgets it
    assert S.search("cjrr21.lyapunov-identity", S.Budget(examples=5, seconds=30)).examples > 0
