"""pytest helpers: a claim asserted on an instance, or searched adversarially, as one test.

    import verify
    from verify.testing import assert_holds, assert_no_counterexample

    def test_identity_on_my_network():
        assert_holds("cjrr21.lyapunov-identity", "my_instance.json")

    def test_my_claim_survives_the_search():
        assert_no_counterexample(my_claim, examples=200, seconds=30)

A failing test's message is the verdict as ``relu-verify check`` prints it (statement, hypotheses,
both sides of every relation, exact or as balls) and, for a search, the witness instance, the
re-check command and Hypothesis' reproduce blob.  ``verify.strategies.as_instances`` turns a
strategy of instance dicts into one of `Instance` objects for your own ``@given`` tests.
"""

from __future__ import annotations

import json

from .checking import check
from .files import witness_instance
from .framework import Status, Verdict
from .searching import Budget, SearchResult, search


def assert_holds(claim, instance, **kw) -> Verdict:
    """Certified HOLDS of ``claim`` (an id or a `Claim`) on ``instance`` (a path, a dict or an
    `Instance`), else AssertionError with the verdict; a vacuous HOLDS (a hypothesis certified
    false) counts as HOLDS only with ``allow_vacuous=True``."""
    allow_vacuous = kw.pop("allow_vacuous", False)
    v = check(claim, instance, **kw)
    if v.status != Status.HOLDS or (v.vacuous and not allow_vacuous):
        why = "vacuously (a hypothesis is certified false)" if v.status == Status.HOLDS else v.status.value
        raise AssertionError(f"{v.claim} is not certified to hold ({why}):\n{v}")
    return v


def assert_violated(claim, instance, **kw) -> Verdict:
    """Certified, independently re-verified VIOLATED (a planted violation's witness, a known
    counterexample), else AssertionError with the verdict."""
    v = check(claim, instance, **kw)
    if v.status != Status.VIOLATED:
        raise AssertionError(f"{v.claim} is not certified violated ({v.status.value}):\n{v}")
    return v


def assert_no_counterexample(claim, examples: int = 100, seconds: float = 30.0, seed: int = 0,
                             database=None) -> SearchResult:
    """Run the adversarial search of ``claim`` (an id or a `Claim`) within the budget; fail with
    the certified counterexample (its verdict, its instance as JSON, the re-check command and the
    reproduce blob) if it finds one, or with the error if the search broke."""
    r = search(claim, Budget(examples=examples, seconds=seconds), seed, database)
    if r.error is not None:
        raise AssertionError(f"the search of {r.id} failed: {r.error}")
    if r.counterexample is not None:
        witness = witness_instance(r.id, r.counterexample.verdict.instance)
        raise AssertionError(f"{r}\nwitness instance (save as a file for the re-check command):\n"
                             f"{json.dumps(witness, indent=1, ensure_ascii=False)}")
    return r


def assert_counterexample_found(claim, examples: int = 200, seconds: float = 60.0, seed: int = 0) -> SearchResult:
    """The search must find a certified counterexample (a planted violation): AssertionError
    with the search's counts otherwise."""
    r = search(claim, Budget(examples=examples, seconds=seconds), seed)
    if r.counterexample is None:
        raise AssertionError(f"no certified counterexample found: {r.summary()}")
    return r
