"""Hypothesis profiles (DESIGN.md): `ci` derandomized with no database, `dev`, `thorough`.
Selected by HYPOTHESIS_PROFILE; CI sets it to `ci`."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def false_claim():
    """A deliberately false claim, ℒ(θ) = 0, registered for one test only."""
    from verify import strategies as vst
    from verify.framework import Claim, relation
    from verify.cjrr21.claims import _rg, _setup
    from verify.registry import CLAIMS

    def evaluate(ev):
        net, _, s, hyps = _setup(ev)
        L, _ = _rg(ev, net, s)
        return [relation("ℒ(θ) = 0", L, "=", 0)], hyps

    c = Claim(id="testing.risk-is-zero", source="test", provenance="DERIVED", statement="ℒ(θ) = 0",
              evaluate=evaluate, note="none", family="testing",
              instances=lambda: vst.shallow_instances(d=1, measure_kinds=("lebesgue",)))
    CLAIMS[c.id] = c
    yield c
    del CLAIMS[c.id]
