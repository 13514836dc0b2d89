"""Restricted parameter sets, the normalize map, parameter distances and fibre distances (layer 6; beg19).

Notation of beg19 §2: Γ = ((a_i, b_i, c_i))_{i≤m}, e, realization R(Γ)(x) = Σ_i c_i ρ(⟨a_i,x⟩ + b_i) + e on
Ω = [−D, D]^d, stored as a `verify.nets.Network` with widths [d, m, 1] and θ = (a row-major, b, c, e).
Everything is exact (`fmpq`) unless a square root forces a ball; a ball only ever *encloses* a value,
and a verdict is drawn from a rational endpoint.

* `restricted_violations` -- the conditions R1-R4 (+ bound, bias) of Ñ (spec §2.5, variants §5), any d.
* `normalize` -- the normalize map of claim 17 (rebalance, drop dead neurons, merge, resolve opposite
  pairs, absorb the affine remainder by flips or one "affine device" neuron), any d on the cube.
* `param_distance`, `d_sym`, `d_perm_scale` -- ‖θ − θ′‖_∞ and its quotients by permutations (and
  positive rescalings), bottleneck assignments decided exactly.
* `fibre_upper`, `fibre_lower`, `fibre_bounds` -- bounds on dist(Γ, g) = inf{‖Φ − Γ‖_∞ : Φ of width m,
  R(Φ) = g on Ω} (claim 13) in 1-D.  The lower bound is certified (a rational ≤ the infimum); the upper
  bound is the exact distance to an explicit Φ whose realization is checked exactly.

Modules: `common` (small helpers), `restricted` (Ñ and the normalize map), `distances` (parameter
distances and the scalar minimax), `upper` (the 1-D set-up and the explicit Φ), `lower` (the relaxation
F(v), `fibre_lower`, `fibre_bounds`), `independent` (the weaker kink-matching lower bound of the
re-verification path), `tilde` (the fibre of g inside Ñ: finite in 1-D, enumerated exactly -- the bracket of
Theorem 3.1's best constant; imported as ``fibre.tilde``).  Every name is re-exported here, so ``fibre.X`` keeps working; module-level
constants (`MAX_WIDTH`, `_NODE_BUDGET`, `_TOTAL_NODE_BUDGET`) are read by the submodule that defines
them (`upper`, `lower`): patch them there.
"""

from ...numbers import exact_sqrt
from .common import (_ONE, _ZERO, _build, _build1, _check_1d, _domain, _exact_shallow, _key, _neurons, _norm,
                     _norm_equals, _pos_ratio)
from .restricted import BAL, BAL_NORMS, PARS, R2S, normalize, restricted_violations
from .distances import (_F_bounds, _F_exact, _Minimax, _abs_bounds, _best_scale, _best_scale_float, _match, _minimax,
                        _minimax_candidates, _quad_roots, _rationalize, _same_shape, bottleneck, d_perm_scale,
                        d_perm_scale_bounds, d_sym, pair_scale_cost, param_distance)
from .upper import (MAX_WIDTH, FibreBounds, _carrier, _cost, _e_balance, _fibre_upper, _finish, _interior,
                    _neutral_options, _rationalize_sqrt, _repairs, _setup, _Target, _target, _upper_candidates,
                    _upper_candidates_raw, fibre_upper)
from .lower import (_NODE_BUDGET, _TOTAL_NODE_BUDGET, _alpha_range, _Budget, _feasible, _fibre_lower, _I, _mul, _Role,
                    _roles, _sum, _thresholds, _zero_interval, fibre_bounds, fibre_lower)
from .independent import _can_carry, _direct_kinks, _fr, independent_excludes, independent_lower
from . import tilde  # noqa: F401

__all__ = [
    "exact_sqrt", "restricted_violations", "normalize", "param_distance", "d_sym", "d_perm_scale",
    "d_perm_scale_bounds", "pair_scale_cost", "fibre_upper", "fibre_lower", "fibre_bounds", "FibreBounds",
    "bottleneck",
]
