"""cjrr21 GD whose exact iterates cannot explode (issue 18).

Up to 3 steps without ``params.rounding_bits`` the iterates stay exact while each one a step starts
from has at most ``EXACT_GD_BITS`` bits, then they are rounded to 2^-64; the verdict names the mode
("exact iterates" or "rounded … from Θ_k on … because the exact Θ_k has S bits") in its notes and
engines.  ``rounding_bits: null`` keeps every iterate exact and stops at ``MAX_EXACT_BITS`` with an
UNKNOWN relation naming the limit.  Checked: the threshold triggers rounding and the verdict says
so, small instances stay exact and say so, default verdicts agree with the exact path (equal
relations where exact, and a VIOLATED only where the exact path is VIOLATED, the values of the
exact steps equal to the oracle's exact GD), and the explicit exact request is bounded.  No timing
assertions."""

from __future__ import annotations

import random
import re
from fractions import Fraction as F

import verify
from test_oracle_cjrr21 import V as oracle_V
from test_oracle_cjrr21 import Case, Shallow, _gd, q
from verify.cjrr21.claims import common
from verify.framework import Status

verify.resolve_all()
GD = ["cjrr21.gd-lyapunov-decrease", "cjrr21.gd-bounded", "cjrr21.gd-summable", "cjrr21.gd-minrate"]


def wide(H: int, steps: int, extra: dict | None = None, seed: int | None = None) -> dict:
    """The benchmark's instance: d = 1, Lebesgue on [-1, 2], random rationals m/q (|m| ≤ 24, q ≤ 8)."""
    rng = random.Random(H if seed is None else seed)

    def rat():
        return str(F(rng.randint(-24, 24), rng.randint(1, 8)))
    theta = [rat() for _ in range(3 * H + 1)]
    return {"network": {"widths": [1, H, 1], "theta": theta}, "target": {"kind": "constant", "value": rat()},
            "measure": {"kind": "lebesgue", "box": [["-1", "2"]]}, "params": {"steps": steps, **(extra or {})}}


def mode(v, what="GD") -> str:
    notes = [n for n in v.notes if n.startswith(f"{what} mode: ")]
    assert len(notes) == 1, v.notes
    return notes[0]


def sizes(v, what="GD") -> list[int]:
    return [int(s) for s in mode(v, what).split("bit sizes of Θ_0, Θ_1, …: ")[1].split(", ")]


def rels(v):
    return [(r.name, r.lhs, r.op, r.rhs, r.status) for r in v.relations]


def test_the_threshold_triggers_rounding_and_the_verdict_says_so():
    """H = 64, 3 steps: Θ_2 has about 1.1·10^6 bits exactly, past 2^18; the run rounds from Θ_2 on."""
    v = verify.check("cjrr21.gd-lyapunov-decrease", wide(64, 3))
    exact = verify.check("cjrr21.gd-lyapunov-decrease", wide(64, 2, {"rounding_bits": None}))
    assert v.status == Status.HOLDS and exact.status == Status.HOLDS
    note = mode(v)
    assert ("exact iterates Θ_0..Θ_1, then iterates rounded to the grid 2^-64 from Θ_2 on (after step 1) because "
            f"the exact Θ_2 has {sizes(exact)[2]} bits, past the threshold {common.EXACT_GD_BITS} bits") in note
    assert sizes(exact)[2] > common.EXACT_GD_BITS >= max(sizes(exact)[:2])
    assert "GD-iterates-rounded-2^-64-from-Θ_2" in v.engines and "GD-iterates-exact" in exact.engines
    assert any("certificate covers the rounded trajectory" in n and "UNKNOWN, not VIOLATED" in n for n in v.notes)
    # steps 0 and 1 start from exact iterates: the same relations as the exact run (step 1's left side
    # is V of the exact Θ_2, before its rounding); step 2 starts from the rounded Θ_2, on the grid
    assert rels(v)[:2] == rels(exact)
    assert len(v.relations) == 3 and sizes(v)[2] < common.EXACT_GD_BITS
    # the same rule for every GD claim, for degenerate-frozen and within a verdict's engines
    for cid in GD[1:]:
        assert "from Θ_2 on (after step 1)" in mode(verify.check(cid, wide(64, 3)))


def test_a_small_instance_stays_exact_and_says_so():
    for cid in GD:
        v = verify.check(cid, wide(2, 3))
        exact = verify.check(cid, wide(2, 3, {"rounding_bits": None}))
        assert v.status == exact.status == Status.HOLDS
        assert mode(v).startswith("GD mode: exact iterates (rational arithmetic, no rounding; the default")
        assert f"at most {common.EXACT_GD_BITS} bits" in mode(v)
        assert "GD-iterates-exact" in v.engines and not any("rounded" in n for n in v.notes)
        assert rels(v) == rels(exact) and sizes(v) == sizes(exact)
        assert mode(exact).startswith("GD mode: exact iterates (rational arithmetic, no rounding: "
                                      "params.rounding_bits: null)")
    # an explicit rounding_bits is still applied after every step, whatever the size
    v = verify.check(GD[0], wide(2, 3, {"rounding_bits": 64}))
    assert "rounded to the grid 2^-64 after every step" in mode(v) and "GD-iterates-rounded-2^-64" in v.engines


def _small_cases(n: int):
    rng = random.Random(18)
    for _ in range(n):
        H = rng.randint(1, 3)
        theta = [F(rng.randint(-9, 9), rng.randint(1, 6)) for _ in range(3 * H + 1)]
        params = {"steps": rng.randint(1, 3)}
        if rng.random() < 0.5:
            params["gamma"] = str(F(rng.randint(1, 30), rng.randint(1, 10)))
        yield Case(Shallow(1, H, theta), ("const", F(rng.randint(-3, 3), rng.randint(1, 3))),
                   ("lebesgue", (F(rng.randint(-2, 0)), F(rng.randint(1, 2)))), params)


CLAIMS_AND_MUTANT = GD + ["cjrr21.gd-lyapunov-decrease~no-step-bound"]


def test_default_verdicts_agree_with_the_exact_path_on_small_instances(monkeypatch):
    """Default against rounding_bits: null on small instances (large steps too, so the mutant and the
    step hypothesis fail): identical while the default stays exact; with the threshold lowered to
    0 (rounding from Θ_1 on) a VIOLATED is still one of the exact path, step 0 is unchanged, and
    step 0's left side is V of the oracle's exact GD iterate (`fractions.Fraction`)."""
    seen = {Status.HOLDS: 0, Status.VIOLATED: 0, "rounded": 0}
    for case in _small_cases(25):
        for cid in CLAIMS_AND_MUTANT:
            inst, exact_inst = case.json(), dict(case.json(), params={**case.params, "rounding_bits": None})
            v, exact = verify.check(cid, inst), verify.check(cid, exact_inst)
            assert mode(v).startswith("GD mode: exact iterates ("), (cid, inst)
            assert v.status == exact.status and rels(v) == rels(exact), (cid, inst)
            seen[v.status] = seen.get(v.status, 0) + 1
            with monkeypatch.context() as m:
                m.setattr(common, "EXACT_GD_BITS", 0)
                r = verify.check(cid, inst)
            if case.params["steps"] > 1:
                seen["rounded"] += 1
                assert "from Θ_1 on (after step 0) because the exact Θ_1 has" in mode(r), (cid, inst)
            if r.status == Status.VIOLATED:
                assert exact.status == Status.VIOLATED, (cid, inst)
            if cid in (GD[0], CLAIMS_AND_MUTANT[-1]):  # relation 0 is step 0, from the exact Θ_0
                assert rels(r)[0] == rels(exact)[0]
                gamma = F(case.params["gamma"]) if "gamma" in case.params else None
                if gamma is not None:
                    xi = case.tgt[1]
                    assert q(r.relations[0].lhs) == oracle_V(_gd(case, case.net.th, gamma), xi)
            same = {x.name: x for x in exact.relations}
            for rel in r.relations:  # a certified failure is one of the exact path: the same quantity,
                if rel.status == Status.VIOLATED:  # a bound no stronger (V(Θ_0) + Σδ⁺ ≥ V(Θ_0))
                    seen["violated relations"] = seen.get("violated relations", 0) + 1
                    ex = same[rel.name]
                    assert ex.status == Status.VIOLATED and ex.lhs == rel.lhs and rel.op == ex.op == "≤", (cid, inst)
                    assert rel.rhs >= ex.rhs, (cid, inst, rel.name)
    assert seen[Status.HOLDS] and seen[Status.VIOLATED] and seen["rounded"] and seen["violated relations"], seen


def test_failures_after_the_threshold_are_unknown_not_violated(monkeypatch):
    """The mutant V(Θ_{n+1}) ≤ V(Θ_n) with γ = 3 fails at every step; exact iterates: every failure
    certified (VIOLATED, checked against the oracle); past the (lowered) threshold: UNKNOWN."""
    case = Case(Shallow(1, 1, [F(1, 3), F(-1, 7), F(2, 3), F(1, 5)]), ("const", F(1)), ("lebesgue", (F(0), F(1))),
                {"steps": 3, "gamma": "3"})
    cid = "cjrr21.gd-lyapunov-decrease~no-step-bound"
    v = verify.check(cid, case.json())
    assert v.status == Status.VIOLATED and "GD-iterates-exact" in v.engines
    cur = case.net.th
    for rel in v.relations:
        nxt = _gd(case, cur, F(3))
        assert rel.status == Status.VIOLATED and q(rel.lhs) == oracle_V(nxt, F(1)) > oracle_V(cur, F(1))
        cur = nxt
    monkeypatch.setattr(common, "EXACT_GD_BITS", sizes(v)[1])  # Θ_1 stays exact, Θ_2 is rounded
    r = verify.check(cid, case.json())
    assert "exact iterates Θ_0..Θ_1, then iterates rounded to the grid 2^-64 from Θ_2 on (after step 1)" in mode(r)
    assert [x.status for x in r.relations[:2]] == [Status.VIOLATED] * 2 and rels(r)[:2] == rels(v)[:2]
    assert r.relations[2].status == Status.UNKNOWN and "rounded to the grid 2^-64" in r.relations[2].note
    assert r.status == Status.VIOLATED


def test_explicit_exact_request_is_kept_and_bounded(monkeypatch):
    """rounding_bits: null never rounds; past MAX_EXACT_BITS the run stops with an UNKNOWN relation
    naming the limit (lowered here: the real one is 2^26 bits, reached by H = 64 at step 3)."""
    inst = wide(2, 3, {"rounding_bits": None})
    full = verify.check(GD[0], inst)
    assert full.status == Status.HOLDS and len(sizes(full)) == 4
    limit = sizes(full)[2] + 1  # Θ_2 fits, Θ_3 does not
    assert sizes(full)[3] > limit
    monkeypatch.setattr(common, "MAX_EXACT_BITS", limit)
    v = verify.check(GD[0], inst)
    assert v.status == Status.UNKNOWN
    stop = [r for r in v.relations if r.op == "?"]
    assert len(stop) == 1 and stop[0].name == "steps 2..2"
    assert re.search(rf"limit reached at step 2: the exact GD iterate Θ_3 would have {sizes(full)[3]} bits in all, "
                     rf"past the limit {limit} bits of an exact iterate \(every iterate is kept exact: "
                     r"params.rounding_bits: null\)", stop[0].note)
    assert rels(v)[:2] == rels(full)[:2]
    assert mode(v).startswith("GD mode: exact iterates") and "2 of 3 steps computed" in mode(v)
    assert "GD-iterates-exact" in v.engines
    # the default is not bound by that limit: it rounds instead (here it stays exact, under 2^18)
    assert verify.check(GD[0], wide(2, 3)).status == Status.HOLDS
    # claims that iterate exactly by themselves say so (a gammas list: no region certificate, the
    # continuation past the list being unspecified, so the exact run is made)
    r = verify.check("cjrr21.gd-risk-to-zero", wide(2, 3, {"gammas": ["1/1000"] * 4}))
    assert any("this claim never rounds" in x.note for x in r.relations if x.op == "?")


def test_frozen_neurons_and_sgd_name_their_mode(monkeypatch):
    frozen = {"network": {"widths": [1, 2, 1], "theta": ["0", "-1/7", "0", "1/5", "3/7", "-5/11", "1/7"]},
              "target": {"kind": "constant", "value": "1"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
              "params": {"steps": 3}}
    v = verify.check("cjrr21.degenerate-frozen", frozen)
    assert v.status == Status.HOLDS and mode(v).startswith("GD mode: exact iterates (")
    sgd = verify.check("cjrr21.sgd-sure-decrease", wide(2, 3, {"samples": [["1/2"], ["1/3"], ["-1"]]}))
    assert sgd.status == Status.HOLDS and mode(sgd, "SGD").startswith("SGD mode: exact iterates (")
    monkeypatch.setattr(common, "EXACT_GD_BITS", 0)
    v = verify.check("cjrr21.degenerate-frozen", frozen)
    assert v.status == Status.HOLDS  # the frozen coordinates stay exact: still certified equal
    assert "from Θ_1 on (after step 0)" in mode(v) and "GD-iterates-rounded-2^-64-from-Θ_1" in v.engines
    sgd = verify.check("cjrr21.sgd-sure-decrease", wide(2, 3, {"samples": [["1/2"], ["1/3"], ["-1"]]}))
    assert "from Θ_1 on (after step 0)" in mode(sgd, "SGD")
