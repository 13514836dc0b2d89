"""Gradient flows of shallow 1-D ReLU networks: exact fields, float simulation, certified enclosures.

Setting (ejrw22 §2, claims/000-normalized-gradient-flow.md): d = 1, one hidden layer of width H,
θ = (w_1..w_H, b_1..b_H, v_1..v_H, c), domain [A, B], target f piecewise polynomial (`Constant`,
`Polynomial`, `PiecewiseLinear`, `Indicator`), input measure a piecewise-polynomial density
(`Density`) or Lebesgue/uniform on [A, B] (`BoxMeasure`); ℒ(θ) = ∫ (𝒩^θ − f)² p dx and 𝒢 the
generalized gradient with ReLU′(0) = 0.

Flows (§2.4):

* ``standard``:   Θ' = −𝒢(Θ).
* ``normalized`` on M_A (default; |u_i| = 1, u_i = (w_i, b_i)): u_i' = −(g_i − ⟨g_i, u_i⟩ u_i),
  g_i = (𝒢_{w_i}, 𝒢_{b_i}); v_i' = −𝒢_{v_i}, c' = −𝒢_c.  On M_B (d = 1, |w_i| = 1): w_i' = 0, the
  other components as in the standard flow.  Off the manifold the same formulas define an extension
  F of the field; |u_i|² = 1 is invariant for it (d|u_i|²/dt = −2⟨g_i,u_i⟩(1 − |u_i|²)).

Three evaluations of the same field:

* exact (`FlowSystem.field_exact`, `field_standard`, `field_normalized`): `fmpq` at rational θ via
  `integrate.risk_and_gradient(exact=True)`;
* float (`field_float`, `simulate`): numpy, exact piecewise integration of polynomials in float64,
  `scipy.integrate.solve_ivp` with kink events -- exploration only, never a verdict;
* certified over a box of parameters (`field_enclosure`, `jacobian_enclosure`, `risk_enclosure`):
  for every θ in the box X (a list of `arb` balls) the returned balls contain F(θ) (resp. every
  one-sided Jacobian of the piecewise-C¹ field F at θ, resp. ℒ(θ)).  The kink −b_i/w_i ranges over
  an interval K_i; [A, B] is cut at the rational outer bounds of every K_i ∩ [A, B] (the
  *uncertain strips*), at the knots of f and the breakpoints of p.  On a piece where every neuron's
  activity is decided, r and p are polynomials with ball coefficients and every integral is
  computed symbolically in arb; on a piece inside some strip the integrand is enclosed by interval
  evaluation (ReLU(z) ∈ z.nonnegative_part(), κ ∈ [0, 1], so both the active and the inactive
  form are covered) and multiplied by the piece length.  A neuron whose w_i-ball contains 0 is
  decided on all of [A, B] when w_i·[A, B] + b_i has a certified sign, and uncertain everywhere
  otherwise (the enclosure is then wide, and the Jacobian is unavailable).

Certified stepper (`FlowSystem.enclose`): interval Picard–Lindelöf with an a-priori box and a
mean-value (first-order Taylor) refinement in Lohner's QR form.  Soundness argument:

1. A-priori box.  If Y ∋ Θ_{t_n} and Z := Y + [0, h]·F(X) ⊆ int X (checked by exact comparison of
   rational endpoints), then Θ_t ∈ Z for t ∈ [t_n, t_n + h] for *every* absolutely continuous
   solution Θ of Θ' = F(Θ) a.e. (Carathéodory; also Filippov, since F(X) encloses F on a
   neighbourhood of every point of int X): let τ be the first time Θ leaves int X; on [t_n, τ)
   Θ_t − Θ_{t_n} ∈ (t − t_n)·F(X) (F(X) is a box, hence convex), so Θ_τ ∈ Z ⊂ int X if τ ≤ t_n + h,
   a contradiction.  No Lipschitz property is used.
2. Point enclosure Y_{n+1} = (Y + h·F(X)) ∩ (m' + Q·R'), where the second set is the mean-value
   form m + h·F(m) + (h²/2)·J(X)·F(X) + (I + h·J(X))·A·R carried as a parallelepiped (m, A, R)
   (Θ_{t_n} ∈ m + A·R, m ∈ X, A a float matrix taken exactly, R a box; Lohner's QR re-orthogonalised
   basis Q, R' ⊇ Q⁻¹[…] with an arb enclosure of the exact inverse of Q).  Derivation:
   Θ_{t+h} = Θ_t + ∫₀ʰ F(Θ_{t+s}) ds and F(Θ_{t+s}) = F(m) + M_s(Θ_{t+s} − m) with M_s ∈ J(X),
   Θ_{t+s} − m ∈ (Θ_t − m) + s·F(X); the averages of M_s and M_s f_s stay in the convex boxes J(X)
   and J(X)·F(X).  The mean-value inclusion needs F piecewise C¹ on X, which holds whenever J(X)
   is finite (X inside the regular set 𝓡 of §2.5, (w_i, b_i) ≠ 0; the C¹ selection functions
   differ in which kinks lie in which interval): F(y) − F(x) = ∫₀¹ (d/ds)F(x + s(y − x)) ds and the
   derivative, where it exists, is the Jacobian of an active selection function applied to
   y − x, which J(X) encloses (interior integrals plus, for every kink that may lie in [A, B],
   the boundary term at the kink, times [0, 1] unless the kink certainly lies inside (A, B)).
   The same inclusion tightens F(X) itself (centred form F(mid X) + J(X)(X − mid X)).
3. Invariants intersected in (exact invariants of the true solution): on M_A, (w_i, b_i) lies on
   the unit circle, so w_i ∈ ±sqrt(1 − b_i²) over the b_i-ball and vice versa.
Uniqueness: on M_A (and M_B) with p bounded the field is locally Lipschitz (spec §2.5, claim 5),
so the normalized flow has one solution and the boxes enclose it.  For the standard flow uniqueness
may fail where some (w_i, b_i) = (0, 0); the boxes then contain *every* solution (steps 1 and 2
only use Θ' ∈ F(X), which holds because F(X) encloses the field on X; step 2 is used only when
J(X) is finite, i.e. when X avoids the singular set).
Step size: halved when step 1 fails or the local error (the width of the centre term of step 2)
exceeds ``tol``·h; floats steer the step size only, never an enclosure.

High-order steps (``enclose(order=K)``, H = 1, module ``taylor``): wherever the neuron's type (active everywhere,
inactive everywhere, or its kink strictly inside one piece of [A, B]) is certified constant on the a-priori box,
the field is a rational function of θ and a step is the interval Taylor method of order K in Lohner's form:
Taylor coefficients of the solution in Arb power series (Picard iteration), Lagrange's remainder over the
a-priori box, the mean-value form of the Taylor polynomial by forward differentiation (proofs_notes/ejrw22.md#taylor-stepper).
Elsewhere the second-order step above is taken.

Floats never decide: signs come from `numbers.sign`, containments from exact rational endpoints.

Modules: ``system`` (`FlowSystem`: risk, fields, float runs, certified enclosures), ``taylor`` (the
high-order steps of 1-1-1 networks), ``results``
(`Enclosure`, `Simulation`, `Step`, `BoxEval`, `Descent`), ``descent`` ((projected) GD),
``common`` (limits, checks, ball helpers).  The engine is core: cjrr21's gradient-flow claims
integrate the standard flow, ejrw22's the normalized flow.
"""

from __future__ import annotations

from .common import (EXACT_GD_MAX_BITS, FLOAT_MAX_EVALS, FLOAT_MAX_T, FLOWS, GD_MAX_STEPS,  # noqa: F401
                     MANIFOLDS, MAX_STEPS, TOL_MIN, WIDE, check_max_steps, check_prec, check_tol)
from .descent import descent  # noqa: F401
from .results import BoxEval, Descent, Enclosure, Simulation, Step  # noqa: F401
from .system import FlowSystem


def field_standard(system: FlowSystem, theta) -> list:
    """−𝒢(θ) exactly at a rational θ."""
    return system.field_standard(theta)


def field_normalized(system: FlowSystem, theta, manifold: str = "A") -> list:
    """−P(θ)𝒢(θ) exactly at a rational θ on M_A or M_B."""
    return system.field_normalized(theta, manifold)


def field_enclosure(system: FlowSystem, X, flow: str = "normalized", manifold: str = "A", prec: int = 128) -> list:
    """Balls containing F(θ) for all θ in the box X."""
    return system.field_enclosure(X, flow, manifold, prec)


def simulate(system: FlowSystem, theta0, T, flow: str = "normalized", manifold: str = "A", rtol: float = 1e-10,
             **kw) -> Simulation:
    """Float trajectory with kink events (exploration only)."""
    return system.simulate(theta0, T, flow, manifold, rtol=rtol, **kw)


def enclose(system: FlowSystem, theta0, T, flow: str = "normalized", manifold: str = "A", **kw) -> Enclosure:
    """Certified trajectory enclosure on [0, T]."""
    return system.enclose(theta0, T, flow, manifold, **kw)
