"""ejrw22 -- normalized gradient flow on a submanifold of shallow ReLU parameter space.

Eberle, Jentzen, Riekert, Weiss 2022, arXiv:2207.06246.
Specification: shared/claims/000-normalized-gradient-flow.md; note: proofs_notes/ejrw22.md.

Notation (spec §2): θ = (w, b, v, c) blocks (the cjrr21 layout), u_i = (w_{i,·}, b_i), g_i = (𝒢_{w_i}, 𝒢_{b_i});
L(θ) = ∫ (N^θ − f)² p dx on [A, B] (the instance's measure: Lebesgue/uniform box or a piecewise-polynomial
density; atoms only where a claim says so); 𝒢 the generalized gradient with ReLU′(0) = 0 (`integrate`).
M_A = {|u_i| = 1 ∀i} (default), M_B = {|w_{i,·}| = 1 ∀i}; P(θ) the orthogonal projection onto T_θM;
normalized flow Θ' = −P𝒢, standard flow Θ' = −𝒢.  Everything pointwise here is exact (`fmpq`).

Instance ``params``: ``eta`` (claim 11 / gd mutant), ``bound`` / ``C`` (the false bounds of the planted
violations), ``eps`` (gradient-continuity witness), ``direction`` (a tangent direction for one-sided
derivatives).

Modules:

* ``common``: shared pieces (exact ℒ, 𝒢; normals, P, P𝒢, θ ∈ M; Ψ; density hypotheses; printing);
* ``pointwise``: claims 1–4, 6–12 and their planted violations 3, 6–10;
* ``energy_trajectory``: claim 9's trajectory form (a theorem; the enclosure as cross-check);
* ``regularity``: claim 5 (certified Lipschitz bounds of P𝒢) and planted 12 (power density);
* ``trajectories``: flow enclosures, claims 13 (bounded-gf-h1) and 14 (open-standard-gf, the open problem);
* ``invariant_sets``, ``sublevel_trap``: the infinite-horizon certificates of claims 13, 14;
* ``recheck``: `relu-verify recheck` of their certificate files (kind "ejrw22-boundedness");
* ``planted``: planted violations 1, 2, 4, 5, 11;
* ``registration``: variant groups, scopes, params, examples; registers every claim (importing this
  package registers them, in the suite's order).
"""

from . import common, energy_trajectory, planted, pointwise, recheck, regularity, registration, sublevel_trap, trajectories  # noqa: F401
# (importing registers the claims and the certificate kind of `relu-verify recheck`)
from .common import (_LG, _box, _density, _dot, _exact, _g, _interval_out, _manifold, _normal, _same_function,
                     _sqrt, _u, _up, density_hypothesis, on_manifold, projected, projection, psi)
from .planted import (_atom_directional, _constant_source, _regular_reach, _secant_derivatives, eval_coercive,
                      eval_gd_monotone, eval_gradient_continuous, eval_regularity_atoms, eval_uniform_bound)
from .pointwise import (_degenerate_secants, _psi_push_field, eval_critical, eval_differentiable_everywhere,
                        eval_energy, eval_energy_full, eval_euler, eval_generalized_gradient, eval_index_layout,
                        eval_kappa, eval_kappa_normalized, eval_kink_geometry, eval_normalized_coords,
                        eval_projected_field, eval_psi_no_absorb, eval_psi_signed, eval_representation,
                        eval_sphere_standard, eval_submanifold)
from .regularity import _circle_param, _field_on_m, _second_point, eval_lipschitz_unbounded, eval_regularity
from .registration import (EX, IDENTITY, NOTE, PARAMS, SCOPE, SOURCE, SQRT_DENSITY, STATEMENT_SUBS, THETA0, _ANY,
                           _D1, _FLOW, _claim, _family, _fixed, _i, _inst, _mutant, _probe_instances, _scoped)
from .energy_trajectory import _energy_trajectory, energy_theorem
from .trajectories import (_boundedness_scope, _dead_start, _exact_sup, _horizon,
                           _lipschitz_target, _probe, _trajectory, eval_bounded, eval_open_standard, neuron_kinds,
                           uniqueness)
