"""The replay of a boundedness certificate's enclosure (`recheck._reproduce`, proofs_notes/ejrw22.md#recheck): the
recorded Taylor order and h0 are the ones replayed, and a file whose order, h0, tolerance or precision was changed
does not reproduce the recorded Θ_T box (audit of the Taylor stepper, tests/core/test_taylor_audit.py)."""

import copy

import pytest
from flint import fmpq

from verify.ejrw22.claims.invariant_sets import CERT_H0, CERT_ORDER
from verify.ejrw22.claims.recheck import _reproduce
from verify.flows import FlowSystem
from verify.numbers import ball_bounds, to_json
from verify.problems import BoxMeasure, PiecewiseLinear

Q = fmpq
SYSTEM = FlowSystem(PiecewiseLinear(((Q(-1), Q(1, 2)), (Q(0), Q(1)), (Q(1), Q(-1)))), BoxMeasure(((Q(-1), Q(1)),)), 1)
THETA0 = [Q(39, 89), Q(80, 89), Q(3, 4), Q(-1, 2)]
STEPS = 30


@pytest.fixture(scope="module")
def record():
    """A certificate's enclosure block as `invariant_sets.note_point` writes it, from the claims' own run
    (order 8, h0 = 1/2, tolerance 1/10000, 128 bits), stopped after STEPS steps."""
    enc = SYSTEM.enclose(THETA0, Q(24), "normalized", "A", h0=CERT_H0, tol=1e-4, max_steps=STEPS, prec=128,
                         order=CERT_ORDER)
    assert len(enc.steps) == STEPS
    return {"T": to_json(enc.t_reached), "theta0": [to_json(t) for t in THETA0],
            "Y_T": [[to_json(a) for a in ball_bounds(y)] for y in enc.final],
            "enclosure": {"h0": to_json(enc.h0), "tol": "1/10000", "prec": enc.prec, "T_end": "24", "steps": STEPS,
                          "order": enc.order}}


def test_replay_reproduces_the_recorded_box(record):
    assert record["enclosure"]["order"] == CERT_ORDER and record["enclosure"]["h0"] == to_json(CERT_H0)
    Y, sup = _reproduce(SYSTEM, record, "normalized")
    assert [[to_json(a), to_json(b)] for a, b in Y] == record["Y_T"]
    assert sup >= max(abs(t) for t in THETA0)


@pytest.mark.parametrize("key, value", [("order", 0), ("order", 7), ("order", 20), ("order", True), ("order", 8.0),
                                        ("h0", "1/32"), ("h0", "3/4"), ("tol", "1/1000"), ("prec", 256),
                                        ("order", None)])
def test_tampered_replay_parameters_fail(record, key, value):
    """(An h0 changed to another power of 2 above every accepted step, e.g. 1/8 here, replays the very same steps --
    the rejected attempts are not recorded -- hence the same valid enclosure; such a change is harmless.)"""
    bad = copy.deepcopy(record)
    if value is None:
        del bad["enclosure"][key]  # a file without its order replays the second-order stepper
    else:
        bad["enclosure"][key] = value
    with pytest.raises(ValueError):
        _reproduce(SYSTEM, bad, "normalized")
