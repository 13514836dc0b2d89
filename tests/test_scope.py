"""Scope as hypotheses (issue 14): every registered claim is a true statement on its scope, so an
instance drawn from *another* claim's strategy — another family's networks, measures, targets and
params, i.e. mostly outside the claim's scope — must never come back VIOLATED.  It may be HOLDS
(vacuous, with the failed scope hypothesis named), UNKNOWN, or bad input (`InputError`)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import verify
from verify.errors import InputError
from verify.checking import check
from verify.searching import _ExampleTimeout, _is_timeout, _time_limit, strategy_for

CLAIM_IDS = sorted(verify.all_claims())


def _foreign_instances():
    """Instances of every claim's own strategy, mixed: the broadest generator the package has."""
    return st.one_of([strategy_for(cid) for cid in CLAIM_IDS])


@pytest.mark.parametrize("cid", CLAIM_IDS)
def test_foreign_instances_are_never_violated(cid):
    @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(_foreign_instances())
    def run(inst):
        inst = {k: v for k, v in inst.items() if k != "claim"}
        try:
            with _time_limit(2.0):
                v = check(cid, inst)
        except InputError:
            return
        except Exception as e:  # noqa: BLE001
            if _is_timeout(e) or isinstance(e, _ExampleTimeout):
                return
            raise
        assert v.status.value != "VIOLATED", (f"{cid} VIOLATED on a foreign instance: "
                                              f"{json.dumps(v.instance)[:2000]}\n{v.relations}")

    run()
