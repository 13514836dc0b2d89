"""yoneda23 -- pointwise convergence of (mini-batch) GD to the ball indicator in a sparse ReLU DNN.

Kawasumi, Yoneda 2023/24, arXiv:2304.08172.
Specification: shared/claims/004-pointwise-indicator.md; note: proofs_notes/yoneda23.md.

An instance names the construction as its network: ``{"network": {"kind": "d0", …knobs of §2.3},
"params": {…}}`` (`verify.yoneda23.d0.D0`; every knob defaults to D0).  The variants of spec §5 override
knobs (``@head-ab``, ``@batch-cells``, …); a variant not given leaves the instance's knob, and the
verdict lists the variants actually in force.  Variants the checker does not implement
(``@feat-radial``, ``@head-free``, ``@batch-iid``, ``@limit-certified``, …) give UNKNOWN with the
reason.

Instance ``params``: ``x`` (a point, or a list of points; for d = 1 a number is a point), ``z``,
``y``, ``a``, ``b``, ``r`` (scalars of 3.1/3.2), ``theta`` (a parameter vector instead of θ^0),
``C``, ``c1``, ``c2`` (the user's claimed constants of 3.11) with ``t0`` (the time from which they are
claimed; without it "for all t ≥ some t_0"), ``T`` (the user's claimed exactness time of 3.12), ``t``
(the horizon of 3.13's certified run, ≤ CELLS_MAX_T).  A user's constant is refuted only by a certified
witness (a concrete t, or a bound on the opposite side holding for every t ≥ t1); where the tool's own
certified bound is merely weaker than the claimed one the verdict is UNKNOWN.

Provenance: 3.1–3.8 are [DERIVED] lemmas about D0; 3.9–3.13 are [RECONSTRUCTED] readings of the
paper ([ABSTRACT] for the existence of such a network).  Every verdict names the head it used.

The package's modules, imported in this order (importing the package registers the variant groups,
then every claim and mutant in the order the suite runs them; it re-exports every name the former
single module defined):

* `common`: the variant groups, `config`, scope hypotheses, params readers, outward printing;
* `lemmas`: claims 3.1–3.8 [DERIVED];
* `dynamics`: claims 3.9–3.13 [RECONSTRUCTED];
* `registration`: `register` of every claim and mutant, PARAMS, STATEMENT_SUBS.
"""

from .common import (ALL_GROUPS, DATA_MAX_POINTS, NOTE, Q, SOURCE, config, points, _GROUPS, _KNOB_NAMES, _NI,
                     _NotImplementedVariant, _check_data_size, _clip, _exact, _guard, _head_note, _out, _pt, _range,
                     _scalar, _scope, _theta)  # noqa: F401
from .lemmas import (GRID_MAX_N, eval_backprop, eval_boundary_set, eval_feature_error, eval_feature_no_d,
                     eval_finite_n, eval_n_limit, eval_reduction, eval_relu_identities, eval_sparse_shape,
                     eval_squaring_below, eval_squaring_error, eval_squaring_half, _extremal, _feature_node,
                     _grid_cells, _inside, _limit, _n0, _piecewise_agree, _sq)  # noqa: F401
from .dynamics import (CELLS_MAX_T, ETA_MAX, EXACTNESS_WITNESS_HORIZON, INDEPENDENT_RUN_MAX, RATE_HORIZON, dropping,
                       eval_cells, eval_monotone, eval_pointwise, eval_rate, eval_time_to_exactness, _at_t,
                       _box_series, _candidates, _claimed_constant, _claimed_time, _disc_trap, _envelope, _eventual,
                       _frozen, _horizon_param, _independent_gd, _init_clause, _is_default, _per_step, _prove,
                       _ramp_scope, _rate_series, _rate_trajectory, _two_cycle, _zero_gradient)  # noqa: F401
from .registration import PARAMS, STATEMENT_SUBS, _PTS, _TH, _claim, _i, _inst, _mutant  # noqa: F401
