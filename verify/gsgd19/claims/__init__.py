"""gsgd19 -- path values, basis paths and G-SGD in the positively scale-invariant space.

Meng, Zheng, Zhang, Chen, Ye, Ma, Yu, Liu, ICLR 2019, arXiv:1802.03713.
Specification: shared/claims/002-gsgd-path-values.md; note: proofs_notes/gsgd19.md.

Notation (spec §2): widths [d, h_1, …, h_{L-1}, K]; w^l(i, j) stored W[l-1][i][j]; H hidden nodes,
m weights, n_b bias edges; paths p with values v_p(w) = Π_{e∈p} w_e and activation status
a_p(x; w) (strict); the group 𝒢 of positive per-node rescalings g_c; the structure matrix A; the
risk L(w) = Σ_{(x,y)∈D} ½‖N_w(x) − y‖²; g = ∂L/∂w with ReLU′(0) := 0 unless a variant says 1.

Every claim here is decided in exact rational arithmetic (integer ranks, `fmpq` values); the
networks and parameters of an instance must be rational.  An independent re-verification
recomputes with a different algorithm where there is one (path values by a forward DP instead of
enumeration, the realization as a path sum instead of a forward pass, ranks by `fmpq_mat.rref`
instead of `fmpz_mat.rank`).

Instance ``params`` (all optional unless a claim needs them; numbers exact as in DESIGN.md):
``x`` list of inputs; ``c`` one factor per hidden node (scaling-index order); ``data`` a finite
data set [{"x": [...], "y": [...]}]; ``eta`` step size; ``steps``; ``q`` path-norm exponent;
``other`` a second network (claim 4); ``z`` a vector for claim 9's system By = z.

Layout: ``common`` (source, variant groups, instance-parameter helpers and shared hypotheses),
``independent`` (the independent re-verification, sharing nothing with `verify.gsgd19.paths`),
``path_values`` (claims 1-7), ``training`` (claims 8-11), ``float_pathnorm`` (claims 12-13) and
``registration`` (examples, instances, and the claims and mutants, registered in spec order on
import).  The names other code imports from ``verify.gsgd19.claims`` are re-exported here.
"""

# importing registers: the variant groups (common), then the claims and mutants (registration)
from . import common, independent, path_values, training, float_pathnorm, registration  # noqa: F401
from .common import ENUMERATION_LIMIT, NOTE, RISK, SOURCE
from .float_pathnorm import (FLOAT_LIMIT, FLOAT_MIN_NORMAL, Q_EXACT_LIMIT, eval_float_no_side, eval_float_non_pow2,
                             eval_float_pow2, eval_pathnorm, eval_pathnorm_relu6)
from .path_values import (eval_determine_class, eval_nonbasis_exponents, eval_nonpositive_c, eval_path_sum,
                          eval_path_sum_no_bias, eval_path_value_invariance, eval_rank_dead_end, eval_relu6,
                          eval_rescaling_invariance, eval_skeleton_basis, eval_skeleton_unequal, eval_structure_rank)
from .registration import BIASED, DATA_2, EX_223, EX_2332, ONE, PARAMS, STATEMENT_SUBS
from .training import (EXACT_BITS_LIMIT, eval_always_defined, eval_conservation, eval_conservation_no_bias, eval_icr,
                       eval_icr_arbitrary_z, eval_sgd_trajectory, eval_sign_preserved, eval_trajectory_invariance,
                       eval_wa_exact, eval_wa_simple)

__all__ = [
    "SOURCE", "NOTE", "ENUMERATION_LIMIT", "RISK", "EXACT_BITS_LIMIT", "FLOAT_MIN_NORMAL", "FLOAT_LIMIT",
    "Q_EXACT_LIMIT", "ONE", "BIASED", "EX_223", "EX_2332", "DATA_2", "PARAMS", "STATEMENT_SUBS",
    "eval_rescaling_invariance", "eval_nonpositive_c", "eval_relu6", "eval_path_value_invariance", "eval_path_sum",
    "eval_path_sum_no_bias", "eval_determine_class", "eval_structure_rank", "eval_rank_dead_end",
    "eval_skeleton_basis", "eval_skeleton_unequal", "eval_nonbasis_exponents", "eval_conservation",
    "eval_conservation_no_bias", "eval_icr", "eval_icr_arbitrary_z", "eval_wa_exact", "eval_wa_simple",
    "eval_sign_preserved", "eval_always_defined", "eval_trajectory_invariance", "eval_sgd_trajectory",
    "eval_float_pow2", "eval_float_no_side", "eval_float_non_pow2", "eval_pathnorm", "eval_pathnorm_relu6",
]
