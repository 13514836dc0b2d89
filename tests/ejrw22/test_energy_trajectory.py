"""ejrw22 claim 9, trajectory form: ℒ(Θ_T) = ℒ(Θ_0) − ∫₀ᵀ|P𝒢|² HOLDS by the theorem of
proofs_notes/ejrw22.md#energy-trajectory under its certified hypotheses (d = 1, θ_0 ∈ M, p bounded), with
the certified enclosure as a cross-check: never HOLDS outside the hypotheses, a contradiction of the
cross-check is VIOLATED, and a cross-check that disagrees with its own re-verification is a SoundnessError."""

import pytest
from flint import fmpq

import verify
from verify.errors import InputError, SoundnessError
from verify.framework import Evaluation, Instance
from verify.ejrw22 import claims as E
from verify.ejrw22.claims import energy_trajectory as ET
from verify.flows.results import Enclosure
from verify.numbers import contains

CID = "ejrw22.energy-identity"
FLOW = E._i(["4/5", "-3/5", "1", "0"], target=E.IDENTITY, params={"T": "1/4"})
# M_B (|w| = 1), a piecewise-constant density and an indicator target (bounded, discontinuous)
FLOW_B = {**E._i(["-1", "1/3", "2", "-1/2"], target={"kind": "indicator", "set": {"interval": ["1/2", "2"]}},
                 measure={"kind": "density", "pieces": [{"interval": ["0", "1/2"], "coefficients": ["1"]},
                                                        {"interval": ["1/2", "1"], "coefficients": ["3"]}]},
                 params={"T": "1/8"}), "variants": ["manifold-B"]}
# H = 2 on M_A, an affine target on [−1, 1]
FLOW_H2 = E._i(["3/5", "-5/13", "4/5", "12/13", "1", "-1", "1/2"], target={"kind": "polynomial",
                                                                          "coefficients": ["1/3", "1"]},
               measure={"kind": "lebesgue", "box": [["-1", "1"]]}, params={"T": "1/8"})


def _theorem(v):
    return [r for r in v.relations if "#energy-trajectory" in r.name]


@pytest.mark.parametrize("inst", [FLOW, FLOW_B, FLOW_H2], ids=["A", "B-density-indicator", "A-H2"])
def test_trajectory_form_holds_by_the_theorem_and_the_enclosures_agree(inst):
    v = verify.check(CID, inst)
    assert v.status == "HOLDS" and not v.vacuous
    assert all(h.holds for h in v.hypotheses) and len(_theorem(v)) == 1
    assert all(r.status == "HOLDS" and r.op != "?" for r in v.relations)
    assert any(n.startswith("enclosures consistent") for n in v.notes)
    assert "upper end of the energy enclosure of ℒ(Θ_t)" in v.series


def test_both_enclosures_contain_an_independent_float_solution():
    """An independent value: DOP853 (rtol 1e-12) integrates the flow in float to T = 1/4, and ℒ at the
    rational point of its end state, computed exactly (E1), lies in both enclosures of ℒ(Θ_T) (their widths
    are ~1e-7, the float error ~1e-11); and the energy enclosure starts at the exact ℒ(θ_0)."""
    from verify.flows import FlowSystem

    inst = Instance.from_json(FLOW)
    ev = Evaluation(inst, {}, None)
    L0, _ = E._LG(ev, inst.net)
    system = FlowSystem(inst.target, inst.measure, 1)
    enc = system.enclose(inst.net.theta, fmpq(1, 4), "normalized", "A", h0=fmpq(1, 16), tol=1e-5, max_steps=1000)
    assert enc.complete
    along = enc.energy_along()
    assert contains(along[0], L0)
    sim = system.simulate(inst.net.theta, 0.25, "normalized", rtol=1e-12, atol=1e-14)
    end = inst.net.with_theta([fmpq(float(x).as_integer_ratio()[0], float(x).as_integer_ratio()[1])
                               for x in sim.states[-1]])
    L_end, _ = E._LG(ev, end)
    assert contains(along[-1], L_end) and contains(enc.risk_final(), L_end)


def test_no_overlap_needed_for_holds_and_partial_cross_check_is_a_note():
    """A cross-check stopped by max_steps is a note, not an UNKNOWN (the verdict does not rest on it)."""
    v = verify.check(CID, {**FLOW, "params": {"T": "1/4", "max_steps": "3"}})
    assert v.status == "HOLDS" and not v.vacuous and len(v.relations) == 2
    assert any("covers [0," in n and "max_steps = 3" in n for n in v.notes)


def test_cross_check_budget():
    """params.cross_check_seconds = 0 skips the cross-check (the verdict is the theorem's); < 0 is an input error."""
    v = verify.check(CID, {**FLOW, "params": {"T": "1/4", "cross_check_seconds": "0"}})
    assert v.status == "HOLDS" and not v.vacuous and any("no enclosure cross-check" in n for n in v.notes)
    assert "x: t" not in v.series
    with pytest.raises(InputError):
        verify.check(CID, {**FLOW, "params": {"T": "1/4", "cross_check_seconds": "-1"}})


def test_atoms_are_not_holds():
    inst = {**FLOW, "measure": {"kind": "empirical", "points": [["1/3"], ["3/4"]]}}
    v = verify.check(CID, inst)
    assert v.vacuous and not _theorem(v)  # the density hypothesis is certified false
    assert any(h.holds is False and "p bounded" in h.name for h in v.hypotheses)


def test_unbounded_power_density_is_not_holds():
    inst = {**FLOW, "measure": {"kind": "power", "box": [["0", "1"]], "coefficient": "1/2", "exponent": "-1/2"}}
    try:
        v = verify.check(CID, inst)
    except InputError:  # E1 refuses power densities (today's behaviour)
        return
    assert v.vacuous or v.status != "HOLDS"


def test_density_variant_not_met_is_vacuous():
    inst = {**FLOW_B, "variants": ["manifold-B", "p-uniform"]}  # a two-level density is not uniform
    v = verify.check(CID, inst)
    assert v.vacuous and not _theorem(v)


def test_off_manifold_and_d2_are_vacuous():
    v = verify.check(CID, {**E._i(["1", "-3/5", "1", "0"], target=E.IDENTITY, params={"T": "1/4"})})
    assert v.vacuous and not v.relations
    d2 = {"network": {"widths": [2, 1, 1], "theta": ["3/5", "0", "4/5", "1", "0"]},
          "target": {"kind": "constant", "value": "0"},
          "measure": {"kind": "lebesgue", "box": [["0", "1"], ["0", "1"]]}, "params": {"T": "1/4"}}
    v = verify.check(CID, d2)
    assert v.vacuous and not v.relations


@pytest.mark.parametrize("tamper", ["atoms", "off-manifold", "manifold-B"])
def test_the_theorem_rechecks_its_hypotheses_from_the_raw_data(tamper):
    """Called where the certified hypotheses are false (a defect upstream), the re-derivation refuses."""
    inst = Instance.from_json(FLOW)
    variants = {}
    if tamper == "atoms":
        inst = Instance.from_json({**FLOW, "measure": {"kind": "empirical", "points": [["1/2"]]}})
    elif tamper == "off-manifold":
        inst = Instance.from_json(E._i(["1", "-3/5", "1", "0"], target=E.IDENTITY))
    else:
        variants = {"manifold": "B"}  # |w| = 4/5 ≠ 1
    with pytest.raises(SoundnessError):
        ET.energy_theorem(Evaluation(inst, variants, None), inst.net)
    ok = Instance.from_json(FLOW)
    assert ET.energy_theorem(Evaluation(ok, {}, None), ok.net).status == "HOLDS"


def test_a_target_outside_the_proof_is_unknown():
    inst = Instance.from_json({**FLOW, "target": {"kind": "expression", "expression": "x"}})
    r = ET.energy_theorem(Evaluation(inst, {}, None), inst.net)
    assert r.status == "UNKNOWN" and r.op == "?"


def test_disjoint_enclosures_are_violated_and_confirmed(monkeypatch):
    """A planted defect in the energy enclosure (shifted by 1/1000 in both passes): disjoint enclosures
    contradict the theorem, a certified VIOLATED confirmed by the 256-bit re-run."""
    real = Enclosure.energy_along
    monkeypatch.setattr(Enclosure, "energy_along", lambda self: [e + fmpq(1, 1000) for e in real(self)])
    v = verify.check(CID, FLOW)
    assert v.status == "VIOLATED" and v.reverified.startswith("confirmed")
    assert any(r.status == "VIOLATED" and "meet" in r.name for r in v.relations)


def test_a_defect_in_one_pass_only_is_a_soundness_error(monkeypatch):
    """Shifted in the 128-bit pass only: the independent 256-bit re-run overlaps, comes back HOLDS, and the
    disagreement is an internal error, never a verdict."""
    real = Enclosure.energy_along
    monkeypatch.setattr(Enclosure, "energy_along",
                        lambda self: [e + fmpq(1, 1000) for e in real(self)] if self.prec == 128 else real(self))
    with pytest.raises(SoundnessError):
        verify.check(CID, FLOW)


@pytest.mark.parametrize("mutant,inst", [("full-gradient", {**E.THETA0, "params": {"T": "1/4"}}),
                                         ("gd-monotone", E._i(["-1", "0", "0", "0"], target="1",
                                                              params={"eta": "2", "T": "1/4"}))])
def test_mutants_stay_violated(mutant, inst):
    v = verify.check(f"{CID}~{mutant}", inst)
    assert v.status == "VIOLATED" and v.reverified.startswith("confirmed")
