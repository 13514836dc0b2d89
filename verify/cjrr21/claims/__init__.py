"""cjrr21 -- a Lyapunov function for GD on shallow ReLU networks with a constant target.

Cheridito, Jentzen, Riekert, Rossmannek 2021, arXiv:2102.09924 (J. Complexity 72, 2022).
Specification: shared/claims/001-lyapunov-constant-target.md; note: proofs_notes/cjrr21.md.

Notation (spec §2): θ = (𝔴, 𝔟, 𝔳, 𝔠) ∈ ℝ^𝔡, 𝔡 = dH + 2H + 1; constant target ξ; r_θ = 𝒩^θ − ξ;
ℒ(θ) = ∫ r_θ² dμ; 𝒢 the generalized gradient (ReLU′(0) = κ(0), 0 by default);
V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)²; λ = μ(support); M = max |x_j| on the support;
K(θ) = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2]; γ* = 8ℒ/(‖𝒢‖² + 𝒢_𝔡²); γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2]).

Every check returns both sides of each relation; equalities are decided exactly (E1, E2, atoms,
E4) or refuted by a ball that excludes 0; inequalities may hold from balls with strict slack.

The claims, one module per group of the spec's numbering (importing this package imports them all,
and `registration` registers the claims and mutants in the suite's order):

* `common`: variant groups, scope (``_setup``), ``_rg``, V, ∇V, K, γ̄, resource limits, how trajectories keep
  their iterates (``_Iterates``), shared helpers;
* `identity`: claims 1–5 (V, ⟨∇V, 𝒢⟩ = 8ℒ integrated, pointwise and for V_α, balancedness);
* `gradient`: claims 6–10 (gradient formula, frozen neurons, no spurious critical points, one GD
  step, the gradient bound ‖𝒢‖² + 𝒢_𝔡² ≤ Kℒ);
* `trajectories`: claims 11–18 (finite-horizon GD, ℒ(Θ_n) → 0, gradient flow, SGD, pure-bias GD);
* `instances`: built-in examples (``DESIGN``, ``TWO_D``, ``THREE_D``, …), witnesses ``P1``–``P11``,
  search strategies;
* `registration`: ``PARAMS``, ``STATEMENT_SUBS`` and the claims with their mutants.

Every name the former single module ``verify.cjrr21.claims`` defined is re-exported here.
"""

from .common import (  # noqa: F401
    COMMON, DEFAULT_ROUNDING_BITS, EXACT_GD_BITS, K, LIMITS_DOC, MAX_COORD_BITS, MAX_EXACT_BITS, MAX_ROUNDING_BITS,
    MAX_STEPS, NOTE, SOURCE, V, WORK_LIMIT, _Budget, _Iterates, _all_zero, _apply_measure_variant, _ball_ctx, _bits,
    _gamma, _int_param, _lam_M, _need_measure, _norm2, _parse_points, _points, _qsum, _rg, _round_dyadic,
    _rounded_out, _rounding_bits, _setup, _short, _size, gamma_bar, grad_V, grad_V_family)
from .identity import (  # noqa: F401
    SOFTPLUS_EVAL_LIMIT, _PatternRelu, _pattern_identity, eval_balancedness, eval_family_phi_square,
    eval_identity_no_output_bias, eval_identity_softplus, eval_identity_two_layers, eval_lyapunov_family,
    eval_lyapunov_function, eval_lyapunov_identity, eval_lyapunov_pointwise)
from .gradient import (  # noqa: F401
    _coord_names, _dead_or_degenerate, eval_degenerate_frozen, eval_gradient_bound, eval_gradient_formula,
    eval_no_spurious, eval_one_step)
from .trajectories import (  # noqa: F401
    _all_le, _certified_min, _gammas, _gf_enclosure, _on_trajectory, _regular_box, _samples, _step_hypothesis,
    _steps, eval_gd, eval_gf_integral, eval_pure_bias, eval_risk_to_zero, eval_sgd, gd_trajectory)
from .instances import (  # noqa: F401
    ATOMS, DEAD, DEGENERATE, DENSITY, DESIGN, EXAMPLES, KINK_AT_ENDS, P1, P10, P11, P2, P3, P4, P5, P5b, P6, P6b,
    P7, P8, P9, THREE_D, TWO_D, UNIFORM, ZERO, _deep, _gamma_one_over_lambda, _inst, _maybe_step, _positive,
    _shallow, _steps_st)
from .registration import (  # noqa: F401
    GD_DOC, GD_EXAMPLES, GD_GROUPS, GD_INSTANCES, PARAMS, STATEMENT_SUBS, _GAMMA, _GD, _ROUND, _XI, _claim,
    _mutant)
