"""beg19 -- inverse stability of the shallow ReLU realization map.

Berner, Elbrächter, Grohs, "How degenerate is the parametrization of neural networks with the ReLU
activation function?", NeurIPS 2019, arXiv:1905.09803.
Specification: shared/claims/003-inverse-stability.md; note: proofs_notes/beg19.md.

Notation (spec §2): Γ = ((a_i, b_i, c_i))_{i≤m}, e; R(Γ)(x) = Σ c_i ρ(⟨a_i, x⟩ + b_i) + e stored as a
`Network` with widths [d, m, 1] (θ = (a, b, c, e)); Ω = [−D, D]^d (D = params.D, default 1);
‖·‖ = ‖·‖_{W^{1,∞}(Ω)} (variant n-max by default); ‖Γ‖_∞ = max |θ_k|; dist(Γ, g) = inf{‖Φ − Γ‖_∞ :
R(Φ) = g} over width-m Φ (the fibre, which absorbs every exact symmetry); κ = dist/‖g − R(Γ)‖^{1/2}.

Every norm is exact (`fmpq`); square roots enter only through certified comparisons of squares
(dist² against s²‖·‖ at α = 2) or Arb balls.  Fibre distances come from `verify.beg19.fibre`: a certified
lower bound (for VIOLATED) and an explicit Φ with R(Φ) = g checked exactly (for HOLDS).

Instance ``params``: ``other`` the target g = R(Φ_g) (a network of the same input dimension), ``D``,
``s`` (the constant of inverse stability), ``alpha`` (exponent; the code stores p = 1/α), ``eps``,
``delta``, ``n``, ``t``, ``y``, ``lambda``, ``r``, ``points``/``losses`` (claim 16).

Modules: `common` (variant groups, instance readers, norms, scope hypotheses, fibre bounds and the
decision `_bounded`, helpers of several claims), `lemmas` (claims 1-6), `pathologies` (claims 7-13),
`stability` (claims 14, 16-18), `thm31` (claim 15: the certified bracket of Theorem 3.1's best constant and the
per-pair decision), `registration` (the claims and mutants, in the suite's order; imported last).
Importing this package registers everything; every name of the former single module is re-exported.
"""

from . import common, lemmas, pathologies, thm31, stability, registration  # noqa: F401  (importing registers, in this order)
from .common import (_alpha, _bounded, _bounds, _D, _dist_relation, _exact, _g, _in_set, _integral_sq, _loss_direct,
                     MAX_ALPHA_TERMS, _membership, _net1d, _norm, NOTE, _other, _positive, _q, _record_family, RULES,
                     _scope, SET, SOURCE, _sq, _sup, _txt, _witness_relations)
from .lemmas import (eval_convex_loss, eval_forward_lipschitz, eval_forward_w1inf, eval_kink_matching,
                     eval_relu_identities, eval_w1inf_arrangement, eval_w1inf_exact_1d)
from .pathologies import (eval_fibre_distance, eval_inactive, eval_linf_instability, eval_linf_stable, eval_opposite,
                          eval_redundant, eval_sqrt_sharp, eval_unbalanced, _family_relations, _hidden_affine, _p1,
                          _p2, _p3, _p4, _pathology)
from .stability import (_drop, eval_equal_width_expressivity, eval_exponent_above_half, eval_flip_benign,
                        eval_normalize, eval_perm_scale, eval_prop12_transfer, eval_prop12_without_is,
                        eval_restricted_expressivity, eval_thm31, _flip_scope, _integral_lin, _perm_scale_equal,
                        _round_down, _s_note)
from .registration import (_claim, _D_, _family_inst, _fixed, FLIP_G, FLIP_G2, _inst, _j, _mutant, _NORM, _OTHER,
                           P0B_G, P0B_GAMMA, PARAMS, _PATH, _Q, _RATE, _s_family, STATEMENT_SUBS, TWO, TWO_G)
