"""cjrr21 claims: Hypothesis-drawn rational instances (S-PAR × S-EDGE) never refute a shipped
claim, the identities hold exactly, every planted violation is refuted with the spec's witness
values, and ball verdicts agree with exact ones."""

import mpmath
import pytest
from flint import arb, fmpq
from hypothesis import given, strategies as st

import verify
from verify import strategies as vst
from verify.framework import Status
from verify.numbers import precision

Q = fmpq
verify.resolve_all()
CJRR = {cid: c for cid, c in verify.all_claims().items() if cid.startswith("cjrr21.")}
IDENTITIES = ["cjrr21.lyapunov-identity", "cjrr21.lyapunov-pointwise", "cjrr21.lyapunov-family",
              "cjrr21.balancedness", "cjrr21.gd-one-step-expansion", "cjrr21.lyapunov-function"]
INEQUALITIES = ["cjrr21.gradient-bound", "cjrr21.no-spurious-critical-points", "cjrr21.degenerate-frozen",
                "cjrr21.gradient-formula", "cjrr21.sgd-sure-decrease", "cjrr21.pure-bias-dynamics"]
TRAJECTORIES = ["cjrr21.gd-lyapunov-decrease", "cjrr21.gd-bounded", "cjrr21.gd-summable", "cjrr21.gd-minrate"]


def test_every_spec_claim_is_registered():
    assert len(CJRR) == 18
    assert "cjrr21.lyapunov-identity~any-target" in verify.all_mutants()
    for c in CJRR.values():
        assert c.provenance in ("ABSTRACT", "PAPER-FAMILY", "RECONSTRUCTED", "DERIVED")


@pytest.mark.parametrize("cid", IDENTITIES)
@given(inst=vst.shallow_instances())
def test_identities_hold_exactly(cid, inst):
    v = verify.check(cid, inst)
    assert v.status == Status.HOLDS, v.to_json()
    assert v.precision == "exact"


@pytest.mark.parametrize("cid", INEQUALITIES)
@given(inst=vst.shallow_instances())
def test_claims_never_refuted(cid, inst):
    v = verify.check(cid, inst)
    assert v.status == Status.HOLDS, v.to_json()


@pytest.mark.parametrize("cid", TRAJECTORIES)
@given(inst=vst.shallow_instances(d=1, max_width=3, params={"steps": 3}))
def test_finite_horizon_gd_certificates(cid, inst):
    v = verify.check(cid, inst)
    if v.status == Status.UNKNOWN:  # only at a documented limit of the exact iterates (huge rationals)
        assert any("limit reached" in r.note for r in v.relations), v.to_json()
        return
    assert v.status == Status.HOLDS, v.to_json()


@given(inst=vst.shallow_instances(d=1, constant_target=False))
def test_identity_claim_is_vacuous_for_nonconstant_targets(inst):
    v = verify.check("cjrr21.lyapunov-identity", inst)
    assert v.status == Status.HOLDS and v.vacuous  # a polynomial target is never the constant kind


@pytest.mark.parametrize("deriv0", ["@deriv0-open", "@deriv0-closed", "@deriv0-half"])
@given(inst=vst.shallow_instances())
def test_identity_holds_under_every_relu_prime_convention(deriv0, inst):
    assert verify.check("cjrr21.lyapunov-identity" + deriv0, inst).status == Status.HOLDS
    assert verify.check("cjrr21.lyapunov-pointwise" + deriv0, inst).status == Status.HOLDS


@given(inst=vst.shallow_instances(d=1), alpha=st.fractions(max_denominator=9).map(lambda f: f"{f.numerator}/{f.denominator}"))
def test_lyapunov_family_for_rational_alpha(inst, alpha):
    inst["params"]["alpha"] = alpha
    assert verify.check("cjrr21.lyapunov-family@v-alpha", inst).status == Status.HOLDS


def test_three_dimensional_identity_by_pattern_polynomials():
    from verify.cjrr21.claims import THREE_D

    v = verify.check("cjrr21.lyapunov-identity", THREE_D)
    assert v.status == Status.HOLDS and "E4-exact" in v.engines


@pytest.mark.parametrize("mid", sorted(verify.all_mutants()))
def test_every_mutant_is_refuted_on_its_witness(mid):
    m = verify.all_mutants()[mid]
    v = verify.check(mid, m.witness)
    assert v.status == Status.VIOLATED, v.to_json()
    assert v.reverified.startswith("confirmed"), v.reverified


def _rel(v, prefix):
    return next(r for r in v.relations if r.name.startswith(prefix))


def test_spec_witness_values():
    ms = verify.all_mutants()
    v = verify.check("cjrr21.lyapunov-identity~any-target", ms["cjrr21.lyapunov-identity~any-target"].witness)
    r = v.relations[0]
    assert (r.lhs, r.rhs) == (0, Q(2, 3))  # P1: 0 ≠ 2/3 = 8·(1/12)
    v = verify.check("cjrr21.lyapunov-identity~two-hidden-layers", ms["cjrr21.lyapunov-identity~two-hidden-layers"].witness)
    assert (v.relations[0].lhs, v.relations[0].rhs) == (12, 8)  # P4
    v = verify.check("cjrr21.gd-lyapunov-decrease~no-step-bound", ms["cjrr21.gd-lyapunov-decrease~no-step-bound"].witness)
    assert (v.relations[0].lhs, v.relations[0].rhs) == (Q(5101, 1250), 4)  # P6
    v = verify.check("cjrr21.balancedness~gd", ms["cjrr21.balancedness~gd"].witness)
    assert (v.relations[0].lhs, v.relations[0].rhs) == (Q(1, 100), 0)  # P8
    v = verify.check("cjrr21.gradient-formula~everywhere", ms["cjrr21.gradient-formula~everywhere"].witness)
    assert _rel(v, "D⁺_𝔟1").lhs == -4 and _rel(v, "D⁻_𝔟1").lhs == 0 and _rel(v, "D⁺_𝔟1").rhs == 0  # P10
    v = verify.check("cjrr21.gradient-bound~no-constant-term", ms["cjrr21.gradient-bound~no-constant-term"].witness)
    assert (v.relations[0].lhs, v.relations[0].rhs) == (8, 0)  # P11


def test_softplus_gap_encloses_minus_four_ln2_squared():
    """P3: ⟨∇V, 𝒢⟩ − 8ℒ = 4(ln 2)² − 8(ln 2)² = −4(ln 2)², checked against 1000 digits."""
    m = verify.all_mutants()["cjrr21.lyapunov-identity~softplus"]
    v = verify.check(m.id, m.witness)
    r = v.relations[0]
    mpmath.mp.dps = 1000
    gap = -4 * mpmath.log(2) ** 2
    with precision(3400):
        assert r.margin.contains(arb(mpmath.nstr(gap, 990)) + arb(0, mpmath.mpf(10) ** -950))


def test_periodic_orbit_witness_p7():
    m = verify.all_mutants()["cjrr21.gd-risk-to-zero~step-one-over-lambda"]
    v = verify.check(m.id, m.witness)
    assert v.status == Status.VIOLATED and v.relations[0].lhs == 1  # ℒ(Θ_0) = 1 on the 2-cycle


def test_variants_select_conventions_and_mutants_force_them():
    from verify.cjrr21.claims import P9

    assert verify.check("cjrr21.degenerate-frozen", P9).status == Status.HOLDS
    assert verify.check("cjrr21.degenerate-frozen@deriv0-closed", P9).status == Status.VIOLATED
    assert verify.check("cjrr21.lyapunov-identity@deriv0-half", P9).status == Status.HOLDS  # P9's control


def test_expression_target_refutes_any_target_mutant_in_balls():
    inst = {"network": {"widths": [1, 2, 1], "theta": ["1", "-1", "0", "1", "1", "1", "0"]},
            "target": {"kind": "expression", "expression": "sin(3*x) + abs(x - 1/3)"},
            "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {"xi": "0"}}
    v = verify.check("cjrr21.lyapunov-identity~any-target", inst)
    assert v.status == Status.VIOLATED and v.precision.startswith("ball")
    assert v.reverified.startswith("confirmed")


def test_loss_half_keeps_the_constant_eight():
    from verify.cjrr21.claims import DESIGN

    v = verify.check("cjrr21.lyapunov-identity@loss-half", DESIGN)
    assert v.status == Status.HOLDS
    full = verify.check("cjrr21.lyapunov-identity", DESIGN)
    assert v.relations[0].rhs * 2 == full.relations[0].rhs


def test_layout_custom_permutation_gives_the_same_verdict_values():
    from verify.cjrr21.claims import DESIGN

    theta = DESIGN["network"]["theta"]
    perm = list(reversed(range(len(theta))))
    permuted = [None] * len(theta)
    for k, src in enumerate(perm):
        permuted[src] = theta[k]
    inst = dict(DESIGN, network={"widths": [1, 3, 1], "theta": permuted, "layout": perm})
    a = verify.check("cjrr21.lyapunov-identity@layout-custom", inst)
    b = verify.check("cjrr21.lyapunov-identity", DESIGN)
    assert a.relations[0].lhs == b.relations[0].lhs


def test_ball_parameters_escalate_and_decide():
    """An irrational θ (√2 as a ball): the identity cannot be HOLDS from balls, but the
    inequality of claim 10 is decided with slack, and the verdict records its precision."""
    inst = {"network": {"widths": [1, 1, 1], "theta": ["[1.41421356237309504880 +/- 1e-20]", "-1/2", "1", "0"]},
            "target": {"kind": "constant", "value": "1"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}
    v = verify.check("cjrr21.gradient-bound", inst)
    assert v.status == Status.HOLDS and v.precision.startswith("ball")
    v = verify.check("cjrr21.lyapunov-identity", inst)
    assert v.status == Status.UNKNOWN


def test_gradient_flow_lyapunov_integral_enclosures_are_a_consistency_check():
    """cjrr21 claim 16 through the ejrw22 stepper: the enclosures of V(Θ_T) and V(Θ_0) − 8∫ℒ meet on
    [0, 1/2].  Overlapping enclosures never certify the equality by themselves: the verdict HOLDS by
    the [DERIVED] theorem (the identity at every θ, re-checked exactly at the iterates), and the
    overlap is a consistency relation "the enclosures meet" next to it."""
    import verify

    inst = {"network": {"widths": [1, 2, 1], "theta": ["1", "-1", "-1/4", "1/2", "1", "1/2", "0"]},
            "target": {"kind": "constant", "value": "1"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
            "params": {"steps": 2, "T": "1/2"}}
    v = verify.check("cjrr21.gf-lyapunov-integral", inst)
    assert v.status == "HOLDS" and not v.vacuous
    flow = [r for r in v.relations if "enclosures" in r.name]
    assert len(flow) == 1 and flow[0].status == "HOLDS" and flow[0].margin == 0 and "T = 1/2" in flow[0].name
    theorem = [r for r in v.relations if r.name.startswith("[DERIVED] theorem")]
    assert len(theorem) == 2 and all(r.lhs == r.rhs for r in theorem)  # exact identity at Θ_0, Θ_1
    assert any(n.startswith("decided by the theorem route") for n in v.notes)
    assert v.relations[0].status == "HOLDS" and v.relations[0].lhs == v.relations[0].rhs
