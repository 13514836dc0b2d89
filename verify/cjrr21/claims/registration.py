"""Registration of the cjrr21 claims and their mutants, in the suite's order (claims 1–18).

``PARAMS`` documents every ``params`` key each claim reads, ``STATEMENT_SUBS`` rewrites the
statements under variants (ReLU′(0), step rule, GD index); the provenance tags ([ABSTRACT],
[RECONSTRUCTED], [DERIVED]) are given per claim below and match the note's sections.
"""

from __future__ import annotations

from ...framework import Claim, Mutant, Param
from ...registry import register
from .common import COMMON, EXACT_GD_BITS, LIMITS_DOC, MAX_EXACT_BITS, NOTE, SOURCE
from .gradient import (eval_degenerate_frozen, eval_gradient_bound, eval_gradient_formula, eval_no_spurious,
                       eval_one_step)
from .identity import (eval_balancedness, eval_family_phi_square, eval_identity_no_output_bias, eval_identity_softplus,
                       eval_identity_two_layers, eval_lyapunov_family, eval_lyapunov_function, eval_lyapunov_identity,
                       eval_lyapunov_pointwise)
from .instances import (ATOMS, DEAD, DEGENERATE, DESIGN, EXAMPLES, KINK_AT_ENDS, P1, P2, P3, P4, P5, P5b, P6, P7, P8,
                        P9, P10, P11, THREE_D, UNIFORM, ZERO, _deep, _gamma_one_over_lambda, _inst, _maybe_step,
                        _positive, _shallow, _steps_st)
from .trajectories import eval_gd, eval_gf_integral, eval_pure_bias, eval_risk_to_zero, eval_sgd


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_XI = {"xi": Param("rational", 0, "the constant target ξ where the target is not a constant")}
_GAMMA = {"gamma": Param("rational > 0", "γ̄", "the step size (default γ̄ of the note)")}
_ROUND = {"rounding_bits": Param("int 8..4096 or null", "absent: exact while small, then 64 (steps ≤ 3); 64 (steps > 3)",
                                 "round the iterates to the grid 2^-b after every step; null: exact iterates "
                                 f"(stops past {MAX_EXACT_BITS} bits); absent, steps ≤ 3: exact while each iterate "
                                 f"a step starts from has ≤ {EXACT_GD_BITS} bits, then rounded to 2^-64 (the "
                                 "verdict names the iterate)")}
ROUND_DOC = (f"default up to 3 steps: exact iterates while each one a step starts from has at most {EXACT_GD_BITS} "
             "bits, then rounded to the grid 2^-64 from the first larger one on, the verdict saying from which; "
             "default past 3 steps: 64, rounded after every step; null: exact iterates, the run stopping (UNKNOWN "
             f"naming the limit) where one would pass {MAX_EXACT_BITS} bits; a rounded trajectory is certified "
             "as such, and a failure at a rounded iterate is UNKNOWN, never VIOLATED")
_GD = {"steps": Param("int 1..10000", 20, "the number N of GD steps"), **_GAMMA,
       "gammas": Param("list of rationals", None, "the step sizes γ_0, γ_1, … (instead of a constant gamma)"),
       **_ROUND, "step_bound": Param("rational", None, "@step-paper: the user's step bound")}
PARAMS = {
    "lyapunov-identity": _XI, "no-spurious-critical-points": _XI,
    "lyapunov-pointwise": {"points": Param("list of points", None, "the points x (default: the measure's atoms, or "
                                                                   "box corners, centre and 1-D kinks)")},
    "lyapunov-family": {"alpha": Param("rational", "2 (@v-paper), 1 (@v-alpha)", "α of V_α"),
                        "beta": Param("rational", 1, "β (@v-paper form)")},
    "balancedness": {"gamma": Param("rational > 0", "1/10", "the GD step size")},
    "degenerate-frozen": {"steps": Param("int 0..50", 2, "GD steps"), "gamma": Param("rational > 0", "1/10", "step size"),
                          **_ROUND},
    "gd-one-step-expansion": _GAMMA,
    "gd-lyapunov-decrease": _GD, "gd-bounded": _GD, "gd-summable": _GD, "gd-minrate": _GD,
    "gd-risk-to-zero": {**_GD, "steps": Param("int 1..10000", 6, "exact GD steps of the region-entry and "
                                                                  "periodic-orbit searches (when the certificate at Θ_0 fails)"),
                        "gammas": Param("list of rationals", None, "step sizes γ_0, γ_1, … (never certified: the "
                                                                   "continuation past the list is unspecified)"),
                        "rounding_bits": Param("ignored", None, "ignored: the searches iterate exactly"),
                        "region_steps": Param("int 0..10000", 200, "ball GD steps (Arb, 128 bits) of the "
                                                                     "region-entry search past the exact run")},
    "gf-lyapunov-integral": {"steps": Param("int 1..10000", 3, "GD steps of the discrete identity"),
                             "gamma": Param("rational > 0", "10^-8", "the small step of the discrete identity"),
                             "rounding_bits": Param("int ≤ 4096 or null", None, "round the iterates (null: exact)"),
                             "T": Param("rational > 0", "min(γ̄, 1/16)", "enclose every gradient-flow solution on "
                                                                         "[0, T] (d = 1, density measure)"),
                             "max_steps": Param("int", "4000 (default T: 200 up to H = 2, then 1600/H²)",
                                                "step limit of the flow enclosure")},
    "sgd-sure-decrease": {"samples": Param("list of points", None, "one sample per step (@sgd-single)"),
                          "batches": Param("list of lists of points", None, "mini-batches (@sgd-minibatch)"),
                          "points": Param("list of points", None, "the points where the SGD identity is evaluated"),
                          "gamma": Param("rational > 0", "γ̄ with λ = 1", "the step size"), **_ROUND},
    "pure-bias-dynamics": {"gamma": Param("rational > 0", "1/λ", "the step size"),
                           "steps": Param("int 1..10000", 6, "GD steps")},
}
STATEMENT_SUBS = {"deriv0-closed": [("ReLU′(0) = 0", "ReLU′(0) = 1")],
                  "deriv0-half": [("ReLU′(0) = 0", "ReLU′(0) = 1/2")],
                  "step-local": [("0 < γ_n ≤ γ̄", "0 < γ_n ≤ 4/K(Θ_n)")],
                  "step-paper": [("0 < γ_n ≤ γ̄", "0 < γ_n ≤ params.step_bound")],
                  "gd-current": [("GD with", "GD (Θ_n = Θ_{n−1} − γ_n𝒢(Θ_{n−1})) with"),
                                 ("if 0 < γ_n", "for Θ_n = Θ_{n−1} − γ_n𝒢(Θ_{n−1}): if 0 < γ_n")]}

def _claim(id_, prov, statement, fn, groups=COMMON, examples=None, mutants=(), params_doc="", instances=None):
    return register(Claim(id=f"cjrr21.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=examples if examples is not None else EXAMPLES,
                          variant_groups=groups, mutants=list(mutants), params_doc=params_doc, family="cjrr21",
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS,
                          instances=instances or _shallow(), fast=True))  # ℒ, 𝒢 through ev.risk_grad


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    """A planted violation; unless it says otherwise, searched on lively instances: no critical
    output bias and hardly any all-zero hidden layers, where most weakened statements still hold."""
    return Mutant(parent=f"cjrr21.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {},
                  instances=instances or _shallow(critical_bias=0, zero_probability=0.02))


_claim("lyapunov-function", "RECONSTRUCTED",
       "V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)² has minimum 2ξ², attained at θ = (0,…,0,ξ)", eval_lyapunov_function)
_claim("lyapunov-identity", "DERIVED", "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) for every θ (constant target ξ)",
       eval_lyapunov_identity, examples=EXAMPLES + [THREE_D], mutants=[
           _mutant("lyapunov-identity", "any-target", "P1 cjrr21.lyapunov-identity!nonconstant-target",
                   "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) for any target f (constant-target hypothesis dropped)",
                   lambda ev: eval_lyapunov_identity(ev, constant_target=False), P1,
                   instances=_shallow(d=1, target_kinds=("polynomial", "piecewise-linear"))),
           _mutant("lyapunov-identity", "no-output-bias", "P2 cjrr21.lyapunov-identity!no-output-bias",
                   "⟨∇‖θ‖², 𝒢(θ)⟩ = 8ℒ(θ) with the output bias 𝔠 ≡ 0 frozen", eval_identity_no_output_bias, P2),
           _mutant("lyapunov-identity", "softplus", "P3 cjrr21.lyapunov-identity!softplus",
                   "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) with softplus σ(y) = ln(1 + e^y) instead of ReLU", eval_identity_softplus,
                   P3, instances=_shallow(d=1, measure_kinds=("lebesgue", "uniform"))),
           _mutant("lyapunov-identity", "two-hidden-layers", "P4 cjrr21.lyapunov-identity!two-hidden-layers",
                   "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) for two hidden layers", eval_identity_two_layers, P4, instances=_deep),
       ])
_claim("lyapunov-pointwise", "DERIVED", "⟨∇V(θ), g(θ,x)⟩ = 8 r_θ(x)² for every x, also where a pre-activation is 0",
       eval_lyapunov_pointwise, examples=EXAMPLES + [THREE_D],
       params_doc="points: list of points (default: atoms, or box corners, centre and 1-D kinks)")
_claim("lyapunov-family", "DERIVED",
       "⟨∇V_α(θ), 𝒢(θ)⟩ = 8ℒ(θ) for V_α = α‖(𝔴,𝔟)‖² + (2−α)‖𝔳‖² + 2(𝔠 − ξ)²", eval_lyapunov_family,
       groups=COMMON + ("v",), params_doc="alpha: rational α (variant @v-alpha)",
       instances=_shallow(params={"alpha": _positive(2)}), mutants=[
           _mutant("lyapunov-family", "weights", "P5 cjrr21.lyapunov-family!weights",
                   "⟨∇V, 𝒢⟩ = 8ℒ for V = α‖(𝔴,𝔟)‖² + β‖𝔳‖² + 2(𝔠 − ξ)² with α + β ≠ 2 (params alpha, beta)",
                   lambda ev: eval_lyapunov_family(ev, mutant=True), P5,
                   instances=_shallow(params={"alpha": _positive(3), "beta": _positive(3)})),
           _mutant("lyapunov-family", "phi-square", "P5 cjrr21.lyapunov-family!weights (φ(𝔠) = 𝔠²)",
                   "⟨∇‖θ‖², 𝒢⟩ = 8ℒ (φ(𝔠) = 𝔠², i.e. V = ‖θ‖²)", eval_family_phi_square, P5b),
       ])
_claim("balancedness", "DERIVED",
       "⟨(𝔴_i,𝔟_i), 𝒢_(𝔴_i,𝔟_i)⟩ = 𝔳_i𝒢_𝔳_i at θ (the identity behind the conservation of B_i along every GF "
       "solution, which is proved in the note, not checked per trajectory); one GD step changes B_i by "
       "γ²(‖𝒢_(𝔴_i,𝔟_i)‖² − 𝒢_𝔳_i²)", eval_balancedness, params_doc="gamma: step size (default 1/10)",
       instances=_shallow(params={"gamma": _positive(1)}), mutants=[
           _mutant("balancedness", "gd", "P8 cjrr21.balancedness!gd", "GD conserves B_i = ‖𝔴_i‖² + 𝔟_i² − 𝔳_i²",
                   lambda ev: eval_balancedness(ev, gd_conserves=True), P8)])
_claim("gradient-formula", "RECONSTRUCTED",
       "𝒢(θ) = ∇ℒ(θ) wherever ℒ is differentiable (exact one-sided partial derivatives)", eval_gradient_formula,
       examples=EXAMPLES, mutants=[
           _mutant("gradient-formula", "everywhere", "P10 cjrr21.gradient-formula!everywhere",
                   "ℒ is differentiable everywhere with ∇ℒ = 𝒢", lambda ev: eval_gradient_formula(ev, everywhere=True),
                   P10, instances=_shallow(degenerate=0.4, critical_bias=0))])
_claim("degenerate-frozen", "DERIVED",
       "under ReLU′(0) = 0, fully degenerate and dead neurons have 𝒢-components 0 and never move under GD",
       eval_degenerate_frozen, examples=[DEGENERATE, DEAD, ATOMS, P9],
       params_doc="steps (0..50, default 2), gamma (default 1/10), rounding_bits (" + ROUND_DOC + "; the frozen "
                  "coordinates are never rounded); " + LIMITS_DOC,
       instances=_shallow(params={"steps": _steps_st(0, 2), "gamma": _positive(1)}, degenerate=0.5), mutants=[
           _mutant("degenerate-frozen", "deriv0-closed", "P9 cjrr21.degenerate-frozen@deriv0-closed",
                   "frozen neurons stay frozen with ReLU′(0) = 1", eval_degenerate_frozen, P9,
                   {"deriv0": "deriv0-closed"}, instances=_shallow(degenerate=0.5, critical_bias=0)),
           _mutant("degenerate-frozen", "deriv0-half", "P9 cjrr21.degenerate-frozen@deriv0-half",
                   "frozen neurons stay frozen with ReLU′(0) = 1/2", eval_degenerate_frozen, P9,
                   {"deriv0": "deriv0-half"}, instances=_shallow(degenerate=0.5, critical_bias=0))])
_claim("no-spurious-critical-points", "DERIVED", "𝒢(θ) = 0 ⇒ ℒ(θ) = 0, and ℒ(θ) = 0 ⇒ 𝒢(θ) = 0",
       eval_no_spurious, examples=EXAMPLES + [ZERO, _inst([1, 2, 1], ["1", "1", "0", "0", "2", "-2", "1"], "1")],
       instances=_shallow(critical_bias=0.6, zero_probability=0.3),
       mutants=[_mutant("no-spurious-critical-points", "any-target", "P1 (also violates claim 8)",
                        "𝒢(θ) = 0 ⇒ ℒ(θ) = 0 for any target f", lambda ev: eval_no_spurious(ev, False), P1,
                        instances=_shallow(d=1, target_kinds=("polynomial", "piecewise-linear"), critical_bias=0.7,
                                           zero_probability=0.4))])
_claim("gd-one-step-expansion", "DERIVED",
       "V(θ − γ𝒢) = V(θ) − 8γℒ + γ²(‖𝒢‖² + 𝒢_𝔡²); V(Θ') ≤ V(θ) ⇔ γ ≤ γ*", eval_one_step,
       params_doc="gamma (default γ̄)", instances=_shallow(params={"gamma": _positive(1)}))
_claim("gradient-bound", "DERIVED", "‖𝒢(θ)‖² + 𝒢_𝔡(θ)² ≤ K(θ)ℒ(θ), K = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2]",
       eval_gradient_bound, examples=EXAMPLES + [ZERO], instances=_shallow(zero_probability=0.3), mutants=[
           _mutant("gradient-bound", "no-constant-term", "P11 cjrr21.gradient-bound!no-constant-term",
                   "‖𝒢‖² + 𝒢_𝔡² ≤ K′ℒ with K′ = 4λ(1 + dM²)(‖θ‖² − θ_𝔡²)",
                   lambda ev: eval_gradient_bound(ev, constant_term=False), P11,
                   instances=_shallow(zero_probability=0.4))])
GD_GROUPS = COMMON + ("gd", "step")
GD_DOC = ("steps N (default 20), gamma or gammas (default γ̄), rounding_bits (" + ROUND_DOC + "), "
          "step_bound (@step-paper: the user's constant; a VIOLATED refutes it, not the paper); " + LIMITS_DOC)
GD_EXAMPLES = [dict(e, params={"steps": 8}) for e in (DESIGN, KINK_AT_ENDS, DEGENERATE, ATOMS, UNIFORM)]
GD_INSTANCES = _shallow(params={"steps": _steps_st(1, 3), "gamma": _maybe_step})
_claim("gd-lyapunov-decrease", "DERIVED", "if 0 < γ_n ≤ γ̄: V(Θ_{n+1}) ≤ V(Θ_n) − 4γ_nℒ(Θ_n)",
       lambda ev: eval_gd(ev, "decrease"), groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC,
       instances=GD_INSTANCES, mutants=[
           _mutant("gd-lyapunov-decrease", "no-step-bound", "P6 cjrr21.gd-lyapunov-decrease!no-step-bound",
                   "V(Θ_{n+1}) ≤ V(Θ_n) for every step size γ > 0",
                   lambda ev: eval_gd(ev, "nonincreasing", step_hypothesis=False), P6,
                   instances=_shallow(params={"steps": 1, "gamma": _positive(4)}))])
_claim("gd-bounded", "DERIVED", "if 0 < γ_n ≤ γ̄: ‖Θ_n‖² ≤ V(Θ_n) ≤ V(Θ_0)", lambda ev: eval_gd(ev, "bounded"),
       groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC, instances=GD_INSTANCES)
_claim("gd-summable", "DERIVED", "if 0 < γ_n ≤ γ̄: Σ_{k<n} γ_kℒ(Θ_k) ≤ (V(Θ_0) − 2ξ²)/4",
       lambda ev: eval_gd(ev, "summable"), groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC,
       instances=GD_INSTANCES)
_claim("gd-minrate", "DERIVED", "if 0 < γ_n ≤ γ̄: min_{k<n} ℒ(Θ_k) ≤ (V(Θ_0) − 2ξ²)/(4Σ_{k<n} γ_k)",
       lambda ev: eval_gd(ev, "minrate"), groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC,
       instances=GD_INSTANCES)
_claim("gd-risk-to-zero", "ABSTRACT",
       "GD with small enough constant steps: ℒ(Θ_n) → 0 (HOLDS from a certified region certificate: γλ[(1 + dM²)"
       "(V(Θ_m) − 2ξ²) + 2] ≤ 1 at Θ_0 or at an exact GD iterate Θ_m, the [DERIVED] theorem; a certified periodic "
       "orbit with positive risk refutes it)", eval_risk_to_zero, groups=GD_GROUPS,
       examples=[dict(e, params={"steps": 4}) for e in (DESIGN, ZERO, P9)], params_doc="steps (default 6: exact GD "
       "steps of the region-entry and periodic-orbit searches, run only when the certificate fails at Θ_0), gamma "
       "(a constant step, default γ̄; a gammas list has no specified continuation and is never certified), "
       "region_steps (default 200: ball GD steps of the region-entry search past the exact run), "
       "step_bound (@step-paper: the user's constant); exact, no rounding; " + LIMITS_DOC,
       instances=_shallow(params={"steps": _steps_st(1, 4)}, zero_probability=0.3),
       mutants=[_mutant("gd-risk-to-zero", "step-one-over-lambda", "P7 cjrr21.gd-risk-to-zero!step-one-over-lambda",
                        "ℒ(Θ_n) → 0 for every constant step γ ≤ 1/λ", lambda ev: eval_risk_to_zero(ev, "lambda"),
                        P7, instances=lambda: _shallow(params={"steps": _steps_st(2, 4)}, zero_probability=0.5,
                                                       critical_bias=0)().map(_gamma_one_over_lambda))])
_claim("gf-lyapunov-integral", "DERIVED",
       "along every gradient-flow solution V(Θ_t) + 8∫_0^t ℒ(Θ_s) ds = V(Θ_0) (HOLDS by the [DERIVED] theorem, its "
       "hypotheses certified on the instance and the identity ⟨∇V, 𝒢⟩ = 8ℒ re-checked exactly at GD iterates; the "
       "telescoped discrete identity is exact evidence; enclosures of every solution on [0, T], d = 1, are a "
       "consistency check that could only refute it)", eval_gf_integral,
       examples=[dict(e, params={"steps": 2}) for e in (DESIGN, DEGENERATE)],
       params_doc="steps (default 3), gamma (default 10^-8), rounding_bits (default null), T (gradient-flow "
       "enclosure on [0, T], d = 1, density measure; default min(γ̄, 1/16) with γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2]); "
       "meeting enclosures are a consistency relation, never a certificate of the equality by themselves), "
       "max_steps (default 4000 with params.T; on the default horizon 200 up to H = 2, then 1600/H², 0 = no "
       "enclosure); " + LIMITS_DOC,
       instances=_shallow(params={"steps": _steps_st(1, 2)}))
_claim("sgd-sure-decrease", "DERIVED",
       "per SGD step V(Θ_n) = V(Θ_{n−1}) − 8γr² + γ²(‖g‖² + g_𝔡²) and, for γ ≤ γ̄ with λ := 1, "
       "V(Θ_n) ≤ V(Θ_{n−1}) − 4γr² on every sample path", eval_sgd, groups=COMMON + ("sgd",),
       examples=EXAMPLES + [THREE_D], params_doc="samples or batches (lists of points), gamma (default γ̄ with λ = 1), "
       "rounding_bits (" + ROUND_DOC + "); " + LIMITS_DOC)
_claim("pure-bias-dynamics", "DERIVED",
       "if all hidden parameters are 0 they stay 0 and 𝔠_{n+1} − ξ = (1 − 2γλ)(𝔠_n − ξ); GD converges iff 0 < γ < 1/λ",
       eval_pure_bias, examples=[ZERO, dict(ZERO, params={"gamma": "101/100"}), dict(ZERO, params={"gamma": "1/3"}),
                                 _inst([1, 1, 1], ["0", "0", "0", "5"], "2", box=(("-1", "2"),))],
       params_doc="gamma (default 1/λ), steps (default 6); " + LIMITS_DOC,
       instances=_shallow(params={"gamma": _positive(2), "steps": _steps_st(1, 4)}, zero_probability=0.6))
