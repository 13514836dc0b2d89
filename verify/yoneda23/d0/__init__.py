"""yoneda23 foundation: the default construction D0 and gradient descent on it (spec 004 §2.2).

Specification: shared/claims/004-pointwise-indicator.md (arXiv 2304.08172, Kawasumi–Yoneda); every
formula below is the spec's, in its notation.  Nothing here registers claims: this module gives
the objects claims 3.1–3.13 and planted violations P1–P9 are checked with.

Scalar pieces (generic over `fmpq`, `arb`, Python floats and, where it makes sense, numpy arrays):

* σ(z) = max(z, 0); the hat g(z) = 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1); g_k = g∘…∘g (k times);
* φ_N(z) = z − Σ_{k=1}^N g_k(z)/4^k (Yarotsky's interpolant of z² on the grid k/2^N);
* the feature r_N(x) = Σ_i φ_N(|x_i|) (``feature='yarotsky'``) or r(x) = |x|² (``'exact-square'``,
  a fixed non-ReLU transformation: there is no network for it);
* the ramp u(r; a, b) = σ(a(b − r)) − σ(a(b − r) − 1) = min{1, max{0, a(b − r)}};
* the head f_N(θ, x) = α(σ(w r_N + c) − σ(w r_N + c − 1)) + β, θ = (w, c) (``head='wc'``) or
  θ = (a, b) with w = −a, c = ab (``head='ab'``); α = 1, β = 0 frozen unless ``train_outer``;
* the target f°(x) = 1{|x − centre| ≤ R} (closed, default centre 0, R = 1/2) or 1{… < R} (open);
* the limit f°_N(x) = 1{r_N(x) < τ} (``limit_def='strict'``) or 1{r_N(x) ≤ τ} (``'closed'``) with
  τ = R² (= 1/4 by default; the feature is always centred at 0).

`D0` holds the knobs of spec §2.3 that are implemented, validates them (`InputError`, one line),
round-trips through JSON, builds the network as an ordinary `DagNetwork` (widths
d, 2d, 4d × N, 1, 2, 1 exactly as §2.2) and evaluates everything pointwise.

Risk and gradient (`risk_grad`): L_t is the loss GD uses at step t; ∇ is the generalized gradient
with σ'(z) = 1{z > 0} and σ'(0) := ``relu_grad_at_0`` (0, 1, or ``'raise'``, which raises `ReluTie`
on a tie that enters the gradient).

* ``batch='full'``: L = ∫ (f_N − f°)² dν, ν = μ (uniform probability on [−1, 1)^d) or dx
  (``measure_norm='lebesgue'``, i.e. 2^d μ).  ``cells(m)``: Q_j the dyadic cube j = t mod 2^{md},
  L_t = ν(Ω)/ν(Q_j) ∫_{Q_j} (f_N − f°)² dν (``normalize``; the cell average scaled to the full
  batch's mass, so m = 1 coincides with ``full`` under both norms) or ∫_{Q_j} (…)² dν.
  d = 1 only.  The x-interval is cut, exactly, at the grid ±k/2^N (where r_N is linear), 0, the
  target's knots and the cell ends; on each piece r(x) is a polynomial with rational coefficients
  (affine for 'yarotsky', x² for 'exact-square') and monotone.  On a piece the head's
  pre-activation u = w r + c crosses 0 and 1 at the r-levels t_0 = −c/w (= b) and t_1 = (1 − c)/w
  (= b − 1/a); the piece splits into at most three regions (u ≤ 0: f = β; ramp: f = αu + β;
  u ≥ 1: f = α + β) whose ends are r^{-1}(clamp(t_k, r-range of the piece)).  Every integrand is a
  polynomial in x; integrals are exact (`fmpq`) for rational θ and the 'yarotsky' feature.
* ``data(X)``, ``grid(n)`` (= data at the centres of cells(n)): L = |B|^{-1} Σ (f_N − f°)², with
  the closed forms of spec 3.7 (`data_risk_grad`) and, independently, backpropagation through the
  `DagNetwork` (`data_risk_grad_backprop`); any d.

What is enclosed (``system='ball'``): θ may be a box (a list of `arb` balls).  For every θ in the
box the returned balls contain the exact L_t(θ) and ∇L_t(θ).  Soundness of the general 1-D engine:
the region formula ∫_p^{x_0} h_lo + ∫_{x_0}^{x_1} h_ramp + ∫_{x_1}^q h_hi, with x_k the preimage of
the *clamped* level, is an identity for every θ with sign(w) fixed (clamping handles kinks outside
the piece); it is evaluated with enclosures of the clamped levels, so it needs no decision of where
a kink lies -- when a level's position relative to the piece is undecided, its clamp is the hull
of the possible values (wide but valid).  Only sign(w) must be certified; where the w-ball
contains 0 the piece's integrand is enclosed by interval evaluation over the piece (σ(U) by
`nonnegative_part`, σ'(U) ⊂ [0, 1]) times the piece length.  Floats never decide anything here.

Fast path (spec 3.8): for d = 1, N ≥ 1, 'yarotsky', the default target, α/β frozen and batch
``full`` or ``cells(m)`` whose cells each contain or miss each half-window
±[1/2 − 2^{−N}, 1/2], ±[1/2, 1/2 + 2^{−N}]: in the regime a > 0, λ = a(b − 1/4) ∈ [0, 1],
(1 − λ)/a ≤ 2^{−N} − 2^{−2N}, λ/a ≤ 2^{−N} + 2^{−2N}, the loss is L_t = F_t(λ)/(3a) with
F_t(λ) = A_t λ³ + B_t(1 − λ)³ (full batch, prob: A = ρ_R, B = ρ_L).  `closed_form` uses it only
where the regime is certified for the whole box; tests compare it with the general engine exactly.

GD (`gd_exact`, `gd_ball`, `gd_float`): θ^{t+1} = θ^t − η_t ∇L_t(θ^t), η_t = η (t+1)^{−γ}.
`gd_ball` carries (a, λ) while the regime is certified and steps by a blocked mean-value form.
Let X_0 be the box at the start of a block, m_0 its exact midpoint, D = X_0 − m_0 (∋ 0),
Φ_k = G_{k−1}∘…∘G_0 the composition of the closed-form maps of the steps of the block.  The run
keeps p_k ∋ Φ_k(m_0) and an interval matrix P_k ∋ every product J_{k−1}(ξ_{k−1})⋯J_0(ξ_0) with
ξ_i ∈ X_i, and sets X_k = p_k + P_k D.  Soundness: the regime is certified on X_k before each step,
so on X_k the GD map is the C^∞ closed-form map G_k; X_k ⊇ Φ_k(X_0) (induction: by the mean-value
theorem Φ_k(x) − Φ_k(m_0) = ∫_0^1 DΦ_k(m_0 + s(x − m_0)) ds (x − m_0), the segment's images lie in
the X_i, so the averaged matrix lies in the convex box P_k); p_{k+1} = G_k(mid p_k) + J_k(X_k)
(p_k − mid p_k) (valid since p_k ⊆ X_k, because D ∋ 0).  A block restarts every ``block`` steps.
Re-wrapping the box only once per block keeps the sign cancellations of the per-step Jacobians
(cells batches alternate the sign of ∂λ'/∂a): with one-step blocks the widths of cells runs grow
like exp(c t^{1/3}), with 64-step blocks linearly (accumulated rounding).  In (a, λ) the map's
Jacobian is nearly diagonal and contracting; boxes in (w, c) would wrap badly.  Outside the regime
(or for other configurations) it steps with the general ball engine, X' = X − η ∇L(X) (interval
extension, sound, wider).  Each recorded ball contains the exact iterate of the exact GD started
at the exact θ^0 (every iterate started in the box, for a box θ^0).

Floats (`risk_grad_float`, `gd_float`, numpy): the same piece formulas vectorized over pieces and
over many θ at once, for exploration and plots -- never a verdict.

The package's modules, in dependency order (this package re-exports every name each defines, private
ones included, so ``from verify.yoneda23 import d0 as D; D.<name>`` works as for the former single
module):

* `scalar`: knob vocabularies, size limits, the scalar pieces σ, g, g_k, φ_N, r_N, u;
* `config`: `Batch` and `D0` (knobs, validation, JSON, pointwise evaluation, the network);
* `engine`: ties, `RiskGrad`, the exact 1-D partition into pieces and the general 1-D engine;
* `closed_forms`: the data-batch closed forms (3.7, with the backprop check) and the d = 1 regime (3.8);
* `floats`: the numpy version of the piece engine (exploration only);
* `risk`: the public dispatch `risk_grad`, `error`, and the independent `risk_grad_simpson`;
* `gd`: `gd_exact`, `gd_ball`, `gd_float` and `Trajectory`.
"""

from .scalar import (BATCHES, EXACT_MAX_BITS, EXACT_POPULATION_MAX_STEPS, EXACT_POPULATION_STEPS_BY_N, FEATURES, HALF,
                     HEADS, LIMIT_DEFS, MAX_N, NETWORK_MAX_WEIGHTS, NORMS, NOT_IMPLEMENTED, POPULATION_MAX_N, Q,
                     QUARTER, RELU0, exact_population_max_steps, feature, g_iter, hat, phi, phi_grid_error, ramp, relu,
                     _abs, _check_N, _const, _sgn)  # noqa: F401
from .config import (Batch, D0, network_weight_count, nonzero_weight_formula, _bool, _f, _grid_points, _indicator, _int,
                     _keys, _point, _points, _rat)  # noqa: F401
from .engine import (Piece, ReluTie, RiskGrad, Tie, pieces_1d, _as_arb, _clamp_level, _const_pattern, _constant_totals,
                     _enclose_piece, _hull, _integrate_pieces, _kappa, _num, _one, _padd, _pieces_cached, _population,
                     _pscale, _sqrt_exact, _to_params)  # noqa: F401
from .closed_forms import (closed_form, closed_form_coefficients, data_risk_grad, data_risk_grad_backprop, data_ties,
                           error_closed_form, in_regime, regime_bounds, _data, _data_cache, _fast_coefficients,
                           _fast_key, _regime)  # noqa: F401
from .floats import (error_float, f_float, risk_grad_float, _float_integrate, _float_pieces, _moments, _pint_np,
                     _pmul_np)  # noqa: F401
from .risk import error, risk_grad, risk_grad_simpson  # noqa: F401
from .gd import (Trajectory, gd_ball, gd_exact, gd_float, _cf_jacobian, _cf_map, _check_steps, _gd_ball_run, _max_diam,
                 _record, _recorder)  # noqa: F401
