"""Registration of the beg19 claims and their planted violations (mutants), in the suite's order:
claims 1-18 with provenance tags [DERIVED] / [RECONSTRUCTED] / [ABSTRACT], their examples, instance
strategies (`verify.beg19.strategies`, fixed families, s-families of the spec's §4 witnesses), the
instance ``params`` each claim reads, and the statement substitutions of the variant groups.
"""

from __future__ import annotations

from flint import fmpq

from ...framework import Claim, Mutant, Param
from ...numbers import to_json
from ...registry import register
from .common import NOTE, SET, SOURCE
from .lemmas import (eval_convex_loss, eval_forward_lipschitz, eval_forward_w1inf, eval_kink_matching,
                     eval_relu_identities, eval_w1inf_arrangement, eval_w1inf_exact_1d)
from .pathologies import (_hidden_affine, _p1, _p2, _p3, _p4, eval_fibre_distance, eval_inactive,
                          eval_linf_instability, eval_linf_stable, eval_opposite, eval_redundant, eval_sqrt_sharp,
                          eval_unbalanced)
from .stability import (_drop, eval_equal_width_expressivity, eval_exponent_above_half, eval_flip_benign,
                        eval_normalize, eval_perm_scale, eval_prop12_transfer, eval_prop12_without_is,
                        eval_restricted_expressivity, eval_thm31)


# --------------------------------------------------------------------------------------------
# registration


def _inst(**kw):
    def make():
        from .. import strategies as vst

        return vst.beg19_instances(**kw)
    return make


def _fixed(inst):
    """A strategy thunk that always draws ``inst`` (families whose Γ and g are fixed up to ε)."""
    def make():
        from hypothesis import strategies as st

        return st.just(inst)
    return make


def _s_family(network, other_of):
    """Thunk: s drawn from [1, 6] (rational), the target built from k = ⌊s⌋ + 1 by ``other_of(k)``
    (the spec's witness families of §4)."""
    def make():
        from hypothesis import strategies as st

        def build(p):
            s = fmpq(p[0], p[1])
            k = int(s.p // s.q) + 1
            return {"network": network, "params": {"other": other_of(k), "s": to_json(s)}}
        return st.tuples(st.integers(4, 24), st.integers(1, 4)).map(build)
    return make


def _family_inst(network, eps_values):
    def make():
        from hypothesis import strategies as st

        return st.sampled_from(eps_values).map(lambda e: {"network": network, "params": {"eps": e}})
    return make


def _j(neurons, e="0"):
    a = [str(n[0]) for n in neurons]
    b = [str(n[1]) for n in neurons]
    c = [str(n[2]) for n in neurons]
    return {"widths": [1, len(neurons), 1], "theta": a + b + c + [str(e)]}


P0B_GAMMA = _j([("1/6", 0, "1/6")])
P0B_G = _j([("1/3", 0, "1/3")])
FLIP_G = _j([(1, "1/3", 1), (1, "-1/2", -1)])
FLIP_G2 = _j([(-1, "-1/3", 1), (-1, "1/2", -1)], "5/6")


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_D_ = {"D": Param("rational > 0", 1, "half-width of the domain Ω = [−D, D]^d")}
_OTHER = {**_D_, "other": Param("network", None, "required: the second shallow network Φ (same input dimension)")}
_RATE = {"s": Param("rational > 0", None, "the stability constant s to test (required where the claim needs it)"),
         "alpha": Param("rational > 0", 1, "the stability exponent α")}
_PATH = {**_OTHER, "eps": Param("rational", "1/100", "the size ε of the perturbation g = Γ + ερ(·)"),
         "s": Param("rational > 0", None, "the stability constant s to test (optional)")}
PARAMS = {
    "w1inf-exact-1d": _OTHER, "w1inf-arrangement-dd": _OTHER, "kink-matching": _OTHER, "fibre-distance-1d": _OTHER,
    "flip-benign": _OTHER, "normalize-map": _D_, "restricted-expressivity": _D_,
    "relu-identities": {**_D_, "lambda": Param("rational > 0", 2, "the scale λ of ρ(λt) = λρ(t)"),
                        "t1": Param("rational", "-1/3", "first test point"),
                        "t2": Param("rational", "1/2", "second test point")},
    "forward-lipschitz-linf": {**_OTHER, "L": Param("rational > 0", None, "a user's Lipschitz constant to check "
                                                                          "(default: the derived one)")},
    "convex-loss-nonconvex-set": {**_OTHER, "y": Param("network", None, "required: the network of the data y"),
                                  "t": Param("rational", "1/2", "the convex-combination weight t")},
    "linf-instability": {**_OTHER, **_RATE, "n": Param("rational", 9, "the index n of g_n")},
    "sqrt-sharp": {**_OTHER, **_RATE, "eps": Param("rational", "1/4", "ε of g = ερ(x) (a rational square)"),
                   "delta": Param("rational", 0, "δ of Γ = (δ, 0, δ)")},
    "pathology-unbalanced": _PATH, "pathology-inactive": _PATH, "pathology-redundant": _PATH,
    "pathology-opposite": _PATH,
    "thm31-inverse-stability": {**_OTHER, "s": Param("rational > 0", None, "the constant s of Theorem 3.1 to test "
                                                                           "(without it: ∃s on the pair, i.e. a "
                                                                           "finite certified κ_upper)")},
    "prop12-transfer": {**_OTHER, **_RATE, "r": Param("rational > 0", "1/2", "the radius r of the local minimum"),
                        "y": Param("network", None, "the network of the data y"),
                        "points": Param("list of networks", None, "with losses: explicit points of R(Ñ)"),
                        "losses": Param("list of rationals", None, "the losses L at params.points")},
}
_Q = {"q-full": [("g ∈ R(Ñ)", "g ∈ R(P_N)"), ("∃Φ ∈ Ñ", "∃Φ ∈ P_N")], "q-weak": [("∃Φ ∈ Ñ", "∃Φ ∈ P_N")],
      "q-mixed": [("g ∈ R(Ñ)", "g ∈ R(P_N)")]}
_NORM = "‖g − R(Γ)‖_{W^{1,∞}}^{1/2}"
STATEMENT_SUBS = {**_Q, "n-grad2": [(_NORM, _NORM + " with ‖f‖_{W^{1,∞}} = max(‖f‖_∞, ‖|∇f|₂‖_∞)")],
                  "n-sum": [(_NORM, _NORM + " with ‖f‖_{W^{1,∞}} = ‖f‖_∞ + ‖∇f‖_∞")],
                  "n-semi": [(_NORM, "|g − R(Γ)|_{W^{1,∞}}^{1/2} (the seminorm ‖∇f‖_∞)")],
                  "e-zero": [("∀Γ ∈ Ñ", "∀Γ ∈ Ñ with output bias 0")]}

def _claim(id_, prov, statement, fn, *, groups=(), examples=(), mutants=(), instances=None, no_checkable_form=""):
    return register(Claim(id=f"beg19.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=list(examples), variant_groups=groups, mutants=list(mutants),
                          family="beg19", instances=instances, uses_target=False,
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS,
                          no_checkable_form=no_checkable_form))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    return Mutant(parent=f"beg19.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {}, instances=instances)


TWO = _j([(1, 0, 1), (-1, "1/2", 1)])
TWO_G = _j([(1, "1/10", 1), (-1, "1/2", 1)])

_claim("w1inf-exact-1d", "DERIVED", "‖f‖_{L^∞} = max_T |f| and ‖f′‖_{L^∞} = max |Δf/Δt| over consecutive points of "
       "T = {±D} ∪ kinks, for f = R(Γ) − R(Γ′) in 1-D (exact, O(M log M))", eval_w1inf_exact_1d,
       examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=False))
_claim("w1inf-arrangement-dd", "DERIVED", "d ≥ 2: the exact W^{1,∞} distance over the hyperplane arrangement lies in "
       "the certified branch-and-bound enclosure (equals the 1-D value for d = 1)", eval_w1inf_arrangement,
       examples=[{"network": {"widths": [2, 1, 1], "theta": ["1", "0", "0", "0", "0"]},
                  "params": {"other": {"widths": [2, 1, 1], "theta": ["0", "1", "0", "1/10", "0"]}}}],
       instances=_inst(restricted=False, max_width=2))
_claim("relu-identities", "DERIVED", "ρ(λt) = λρ(t) (λ > 0), rebalancing, merging, the flip identity and "
       "ρ(x+2) + ρ(−x+2) = 4 on [−1, 1] keep the realization (W^{1,∞} distance exactly 0)", eval_relu_identities,
       examples=[{"network": TWO, "params": {"lambda": "3"}}], instances=_inst(restricted=False))
_claim("kink-matching", "DERIVED", "at every kink of f: |J_f − J_g| ≤ 2‖(f − g)′‖_{L^∞} (so ‖f − g‖_{W^{1,∞}} < |J|/2 "
       "forces g to kink at the same place)", eval_kink_matching,
       examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=False))
_claim("forward-lipschitz-linf", "DERIVED", "‖R(Φ) − R(Γ)‖_{L^∞(Ω)} ≤ (2mB(dD+1) + 1)·‖Φ − Γ‖_∞ with "
       "B ≥ ‖Γ‖_∞, ‖Φ‖_∞", eval_forward_lipschitz,
       examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=False, edits=("perturb",)),
       mutants=[_mutant("forward-lipschitz-linf", "w1inf", "beg19.pv.forward-w1inf",
                        "R is Lipschitz from (P_N, ‖·‖_∞) into W^{1,∞}(Ω) with claim 5's constant 2mB(dD+1) + 1 "
                        "(params.L overrides it)", eval_forward_w1inf,
                        {"network": _j([(1, 0, 1)]), "params": {"other": _j([(1, "1/1000", 1)])}},
                        instances=_inst(restricted=True, edits=("move",)))])
_claim("convex-loss-nonconvex-set", "ABSTRACT", "L((1−t)f + tg) = (1−t)L(f) + tL(g) − t(1−t)∫(f−g)² for "
       "L(f) = ∫_Ω (f − y)², while R(P_N) is not convex (|x|/2 is not a width-1 realization)", eval_convex_loss,
       examples=[{"network": TWO, "params": {"other": TWO_G, "y": _j([(1, "-1/4", 2)], "1/3"), "t": "1/3"}}],
       instances=_inst(restricted=False, extra_params={"y": _j([(1, "-1/4", 2)], "1/3"), "t": "2/5"}))
_claim("linf-instability", "RECONSTRUCTED", "L^∞ inverse stability fails: Γ = 0, g_n = (1/n)ρ(n²x) − (1/n)ρ(n²x − 1) "
       "have ‖g_n‖_{L^∞} = 1/n but dist = √n (n ≥ 2, both kinks inside Ω)", eval_linf_instability,
       examples=[{"network": _j([(0, 0, 0), (0, 0, 0)]), "params": {"n": 9, "s": "2", "alpha": "1"}}],
       instances=_family_inst(_j([(0, 0, 0), (0, 0, 0)]), ["1"]),
       mutants=[_mutant("linf-instability", "linf-stable", "beg19.pv.linf-stable",
                        "(s, α) inverse stability w.r.t. L^∞ on P_N, m = 2", eval_linf_stable,
                        {"network": _j([(0, 0, 0), (0, 0, 0)]),
                         "params": {"other": _j([(9, 0, "1/3"), (9, -1, "-1/3")]), "s": "2", "alpha": "1"}},
                        instances=_fixed({"network": _j([(0, 0, 0), (0, 0, 0)]),
                                          "params": {"other": _j([(16, 0, "1/4"), (16, -1, "-1/4")]), "s": "1",
                                                     "alpha": "2"}}))])
_claim("sqrt-sharp", "DERIVED", "P0/P0b: Γ = (δ,0,δ), g = ερ(x) (ε > 0 a rational square, D ≤ 1): ‖·‖ = |ε − δ²|, "
       "dist = |√ε − δ|, so the exponent 1/2 is sharp", eval_sqrt_sharp,
       examples=[{"network": _j([(0, 0, 0)]), "params": {"eps": "1/4", "delta": "0"}},
                 {"network": _j([("1/6", 0, "1/6")]), "params": {"eps": "1/9", "delta": "1/6"}}],
       instances=_fixed({"network": _j([("1/10", 0, "1/10")]), "params": {"eps": "1/16", "delta": "1/10"}}),
       mutants=[_mutant("sqrt-sharp", "exponent-above-half", "beg19.pv.exponent-above-half",
                        "(s, α) inverse stability w.r.t. W^{1,∞} with α < 2 on R1–R4", eval_exponent_above_half,
                        {"network": P0B_GAMMA, "params": {"other": P0B_G, "s": "1", "alpha": "1"}},
                        instances=_fixed({"network": _j([("1/10", 0, "1/10")]),
                                          "params": {"other": _j([("1/5", 0, "1/5")]), "s": "1", "alpha": "1"}}))])
_claim("pathology-unbalanced", "RECONSTRUCTED", "P1 (breaks R1) on Ω = [−1, 1]: Γ = (1,0,0), g = ερ(x − ½): ‖·‖ = ε, dist ≥ 1/3",
       eval_unbalanced, groups=SET, examples=[{"network": _j([(1, 0, 0)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, 0, 0)]), ["1/100", "1/10", "2/9", "1/10000"]),
       mutants=[_mutant("pathology-unbalanced", "no-balance", "beg19.pv.no-balance",
                        "(s, 2) inverse stability on Ñ without R1", _drop("R1", _p1),
                        {"network": _j([(1, 0, 0)]), "params": {"other": _j([(1, "-1/2", "1/36")]), "s": "1"}},
                        instances=_s_family(_j([(1, 0, 0)]), lambda k: _j([(1, "-1/2", f"1/{9 * k * k}")])))])
_claim("pathology-inactive", "RECONSTRUCTED", "P2 (breaks R2) on Ω = [−1, 1]: Γ = (1,−2,1), g = ερ(x): ‖·‖ = ε, dist ≥ 2",
       eval_inactive, groups=SET, examples=[{"network": _j([(1, -2, 1)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, -2, 1)]), ["1/100", "1/10", "1"]),
       mutants=[_mutant("pathology-inactive", "no-visibility", "beg19.pv.no-visibility",
                        "(s, 2) inverse stability on Ñ without R2", _drop("R2", _p2),
                        {"network": _j([(1, -2, 1)]), "params": {"other": _j([(1, 0, "1/4")]), "s": "1"}},
                        instances=_s_family(_j([(1, -2, 1)]), lambda k: _j([(1, 0, f"1/{k * k}")]))),
                _mutant("pathology-inactive", "hidden-affine", "beg19.pv.hidden-affine",
                        "(s, 2) inverse stability with q-full, bal-a, r2-nonvanishing, par-ab", _drop(None, _hidden_affine),
                        {"network": _j([(1, 2, 1), (-1, 2, 1)]),
                         "params": {"other": _j([(1, 0, "1/4"), (0, 0, 0)], 4), "s": "1"}},
                        forced={"quantifiers": "q-full", "visibility": "r2-nonvanishing"},
                        instances=_s_family(_j([(1, 2, 1), (-1, 2, 1)]),
                                            lambda k: _j([(1, 0, f"1/{k * k}"), (0, 0, 0)], 4)))])
_claim("pathology-redundant", "RECONSTRUCTED", "P3 (breaks R3) on Ω = [−1, 1]: Γ = (1,0,1),(1,0,1), g = 2ρ(x) + ερ(x − ½): "
       "dist = 1 − √ε", eval_redundant, groups=SET,
       examples=[{"network": _j([(1, 0, 1), (1, 0, 1)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, 0, 1), (1, 0, 1)]), ["1/100", "1/4", "1/10000"]),
       mutants=[_mutant("pathology-redundant", "no-redundancy", "beg19.pv.no-redundancy",
                        "(s, 2) inverse stability on Ñ without R3", _drop("R3", _p3),
                        {"network": _j([(1, 0, 1), (1, 0, 1)]),
                         "params": {"other": _j([(1, 0, 2), (1, "-1/2", "1/9")]), "s": "1"}},
                        instances=_s_family(_j([(1, 0, 1), (1, 0, 1)]),
                                            lambda k: _j([(1, 0, 2), (1, "-1/2", f"1/{(k + 1) ** 2}")])))])
_claim("pathology-opposite", "RECONSTRUCTED", "P4 (breaks R4) on Ω = [−1, 1]: Γ = (1,0,1),(−1,0,−1), g = x + ερ(x − ½): dist = ½",
       eval_opposite, groups=SET, examples=[{"network": _j([(1, 0, 1), (-1, 0, -1)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, 0, 1), (-1, 0, -1)]), ["1/100", "1/2", "1/10000"]),
       mutants=[_mutant("pathology-opposite", "no-opposite", "beg19.pv.no-opposite",
                        "(s, 2) inverse stability on Ñ without R4", _drop("R4", _p4),
                        {"network": _j([(1, 0, 1), (-1, 0, -1)]),
                         "params": {"other": _j([(1, "-1/2", "101/100"), (-1, "1/2", -1)], "1/2"), "s": "1"}},
                        instances=_s_family(_j([(1, 0, 1), (-1, 0, -1)]),
                                            lambda k: _j([(1, "-1/2", f"{1 + 8 * k * k}/{8 * k * k}"),
                                                          (-1, "1/2", -1)], "1/2")))])
_claim("fibre-distance-1d", "DERIVED", "in 1-D the certified fibre lower bound never exceeds the distance of an "
       "explicit Φ with R(Φ) = g", eval_fibre_distance, examples=[{"network": TWO, "params": {"other": TWO_G}}],
       instances=_inst(restricted=False))
_claim("flip-benign", "DERIVED", "flipping a zero-jump-sum subset is an exact symmetry: for Γ′ such a flip of Γ with "
       "both in Ñ, equal realizations, fibre distance 0, yet d_sym > 0", eval_flip_benign,
       examples=[{"network": FLIP_G, "params": {"other": FLIP_G2}}],
       instances=_fixed({"network": FLIP_G, "params": {"other": FLIP_G2}}),
       mutants=[_mutant("flip-benign", "perm-scale-identifiable", "beg19.pv.perm-scale-identifiable",
                        "balanced nets with distinct kinks and no opposite pair: R(Γ) = R(Γ′) ⇒ Γ′ = Γ up to "
                        "permutation and positive scaling", eval_perm_scale,
                        {"network": FLIP_G, "params": {"other": FLIP_G2}})])
_claim("thm31-inverse-stability", "RECONSTRUCTED", "Theorem 3.1: ∃s ∀Γ ∈ Ñ, g ∈ R(Ñ) ∃Φ ∈ Ñ: R(Φ) = g, "
       "‖Φ − Γ‖_∞ ≤ s‖g − R(Γ)‖_{W^{1,∞}}^{1/2}; per pair (Γ, g) the certified bracket κ_lower ≤ κ* ≤ κ_upper of "
       "the best constant κ* = dist/‖g − R(Γ)‖^{1/2} decides ∃s (κ* < ∞), or κ* ≤ s for params.s; the search "
       "maximizes κ_lower (a lower bound on the theorem's s)", eval_thm31,
       groups=SET, examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=True))
_claim("prop12-transfer", "RECONSTRUCTED", "Proposition 1.2: (s, α) inverse stability on Ñ and an r-local minimum of "
       "L∘R on Ñ give a local minimum of L on R(Ñ) with radius (r/s)^α", eval_prop12_transfer,
       examples=[{"network": TWO, "params": {"points": [TWO, TWO_G, _j([(1, 0, 1), (-1, "1/2", 2)])],
                                             "losses": ["1", "2", "3"], "s": "2", "r": "1/4"}}],
       instances=_fixed({"network": TWO, "params": {"points": [TWO, TWO_G], "losses": ["1", "1/2"], "s": "1",
                                                    "r": "1/20"}}),
       mutants=[_mutant("prop12-transfer", "without-is", "beg19.pv.prop12-without-is",
                        "Γ an r-local minimum of L∘R on P_N ⇒ R(Γ) a local minimum of L on R(P_N)",
                        eval_prop12_without_is,
                        {"network": _j([(1, -2, 1)], "1/4"),
                         "params": {"other": _j([(1, 0, "1/10")], "9/40"), "y": _j([(1, 0, 1)]), "r": "1/2"}},
                        instances=_fixed({"network": _j([(1, -2, 1)], "1/4"),
                                          "params": {"other": _j([(1, 0, "1/100")], "99/400"), "y": _j([(1, 0, 1)]),
                                                     "r": "1/2"}}))])
_claim("normalize-map", "DERIVED", "rebalancing, removing dead neurons, merging same-hyperplane neurons and resolving "
       "opposite pairs keep R(Γ) exactly", eval_normalize, examples=[{"network": TWO}],
       instances=_inst(restricted=False))
_claim("restricted-expressivity", "ABSTRACT", "NO CHECKABLE FORM (UNKNOWN by design): optimizing over the "
       "restricted sets learns whatever unrestricted optimization learns -- the abstract does not say whether "
       "'learn' means exact, approximate or width-growing representation (the normalize map's "
       "m′ − m is reported; the equal-width exact reading is the planted ~equal-width)", eval_restricted_expressivity,
       examples=[{"network": TWO}], instances=_inst(restricted=False),
       no_checkable_form="the abstract does not say whether 'learn' means exact, approximate or width-growing "
                         "representation (spec C18)",
       mutants=[_mutant("restricted-expressivity", "equal-width", "beg19.pv.equal-width-expressivity",
                        "R(Ñ_m) = R(P_m) for every m (default R1–R4)", eval_equal_width_expressivity,
                        {"network": _j([(1, 0, 1), (-1, 0, -1)])},
                        instances=_fixed({"network": _j([(2, 0, 2), (-2, 0, -2)])}))])
