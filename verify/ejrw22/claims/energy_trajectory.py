"""ejrw22 claim 9, trajectory form -- ℒ(Θ_T) = ℒ(Θ_0) − ∫₀ᵀ|P𝒢(Θ_s)|² ds along the normalized flow.

[DERIVED] The identity is a theorem under the claim's certified hypotheses (d = 1 -- the scope;
θ_0 ∈ M_A, or M_B -- `on_manifold`; a bounded density p -- `density_hypothesis`; a piecewise-polynomial,
hence bounded, target f), proved in proofs_notes/ejrw22.md#energy-trajectory:

1. with p and f bounded, 𝒢 is locally Lipschitz on the regular set 𝓡 = {(w_i, b_i) ≠ 0 ∀i} and ℒ is
   C¹ there with ∇ℒ = 𝒢; P(θ) is smooth on 𝓡 (M_A) resp. constant (M_B, d = 1), so −P𝒢 is locally
   Lipschitz on 𝓡, |n_i|² is a first integral, and the maximal solution Θ on [0, T*) is unique and
   stays on M ⊂ 𝓡;
2. (ℒ∘Θ)' = ⟨𝒢, −P𝒢⟩ = −|P𝒢|² (P symmetric idempotent), so ℒ(Θ_t) ≤ ℒ_0 on [0, T*);
3. T* = ∞: with m = ∫p, Cauchy–Schwarz bounds |𝒢_c| ≤ 2√(mℒ_0), and |𝒢_{v_i}| ≤ 2√(1 + max(A², B²))√(mℒ_0)
   on M_A (linear growth of v, c; u on the unit circles), resp. |𝒢_{b_i}| ≤ 2|v_i|√(mℒ_0),
   |𝒢_{v_i}| ≤ 2(max(|A|, |B|) + |b_i|)√(mℒ_0) on M_B (Grönwall): Θ stays in a compact subset of 𝓡
   on every bounded interval;
4. integrating 2 on [0, T] gives the identity for every T ≥ 0.

HOLDS rests on that proof and on the hypotheses, which `energy_theorem` re-derives from the raw
instance data by a path of its own (the layout θ = (w, b, v, c) read directly, the measure and target
classes) before answering.  The certified enclosure of `verify.flows` (params.T) stays as a
cross-check and records the plot series: disjoint enclosures of ℒ(Θ_T) and ℒ(Θ_0) − ∫|P𝒢|² would
contradict the theorem and stay a certified VIOLATED relation (the VIOLATED re-verification then
examines the defect); overlapping or incomplete enclosures are notes -- the verdict does not rest on them.
"""

from __future__ import annotations

from flint import fmpq

from ...errors import InputError, SoundnessError
from ...framework import relation, undecidable
from ...numbers import ball_bounds, ball_gap, to_json
from ...problems import BoxMeasure, Constant, Density, Empirical, Indicator, PiecewiseLinear, Polynomial, PowerDensity
from .common import _interval_out, _manifold
from .trajectories import _horizon, _trajectory

NOTE = "proofs_notes/ejrw22.md#energy-trajectory"
# default wall-clock budget of the cross-check (params.cross_check_seconds): a step costs ~1 ms at H = 1 and
# grows about linearly in H; no verdict rests on the cross-check (the re-verification pass runs without it)
CROSS_CHECK_SECONDS = fmpq(1)
# the targets the proof covers: piecewise polynomial on [A, B], hence bounded there (step 1 needs f bounded)
_BOUNDED_TARGETS = (Constant, Polynomial, PiecewiseLinear, Indicator)


def _bounded_density(measure):
    """(verdict, why): μ = p dx with 0 ≤ p ≤ p_max on [A, B], read from the measure's class (not through
    `density_hypothesis`): Lebesgue/uniform (p constant), a piecewise-polynomial density (finitely many
    polynomials on compact pieces; p ≥ 0 is checked when the measure is parsed), a power density
    a(x − A)^α with α ≥ 0 (≤ a(B − A)^α); atoms or α < 0 are not; anything else is undecided."""
    if isinstance(measure, BoxMeasure):
        return True, "p constant on the box"
    if isinstance(measure, Density):
        return True, "p a polynomial on each of finitely many compact pieces"
    if isinstance(measure, PowerDensity):
        return measure.exponent >= 0, f"p(x) = a(x − A)^{to_json(measure.exponent)}"
    if isinstance(measure, Empirical):
        return False, "the input law has atoms"
    return None, f"measure {type(measure).__name__}"


def _on_manifold_raw(net, man):
    """Neurons i with θ_0 ∉ M, from the raw layout θ = (w_1..w_H, b_1..b_H, v_1..v_H, c) of a 1-H-1
    network: w_i² + b_i² ≠ 1 (M_A), w_i² ≠ 1 (M_B)."""
    H, th = net.H, list(net.theta)
    if man == "A":
        return [i for i in range(H) if th[i] * th[i] + th[H + i] * th[H + i] != 1]
    return [i for i in range(H) if th[i] * th[i] != 1]


def energy_theorem(ev, net):
    """The HOLDS relation of the trajectory form for every T ≥ 0 (module doc, proofs_notes/ejrw22.md#energy-trajectory).

    The caller has certified the hypotheses (scope d = 1, `on_manifold`, `density_hypothesis`); they
    are re-derived here from the raw data.  A disagreement on d, M or p is an internal error
    (`SoundnessError`): the certified hypotheses and their re-derivation contradict each other.  A
    target outside the piecewise-polynomial kinds is not covered by the proof: UNKNOWN."""
    man = _manifold(ev)
    name = f"ℒ(Θ_T) = ℒ(Θ_0) − ∫₀ᵀ|P𝒢(Θ_s)|² ds for every T ≥ 0 (chain rule on 𝓡 + global existence on M_{man}, " \
           f"{NOTE})"
    if not isinstance(ev.inst.target, _BOUNDED_TARGETS) or not ev.inst.target.is_exact():
        return undecidable(name, f"the proof covers piecewise-polynomial targets with rational data, not "
                                 f"{type(ev.inst.target).__name__}")
    bad = []
    if net.d != 1 or len(net.theta) != 3 * net.H + 1:
        bad.append(f"d = {net.d} (the proof needs d = 1)")
    else:
        off = _on_manifold_raw(net, man)
        if off:
            bad.append(f"θ_0 ∉ M_{man} at neurons {off} (raw layout)")
    bounded, why = _bounded_density(ev.inst.measure)
    if bounded is not True:
        bad.append(f"p bounded: {'undecided' if bounded is None else 'no'} ({why})")
    if bad:
        raise SoundnessError(f"ejrw22.energy-identity: the certified hypotheses of the trajectory form hold, but their "
                             f"re-derivation from the instance data fails: {'; '.join(bad)}")
    return relation(name, fmpq(0), "=", fmpq(0))


def _energy_trajectory(ev, net):
    """Claim 9, trajectory form (params.T; the caller has certified d = 1, θ_0 ∈ M and the density
    hypothesis): the theorem's HOLDS relation (`energy_theorem`), then the enclosure cross-check on
    [0, T]: the box evaluation of ℒ(Θ_T) over the last point enclosure against ℒ(Θ_0) − Σ_n h_n|P𝒢(X_n)|²
    (the identity integrated over the step boxes, `Enclosure.energy_along`).  Disjoint enclosures are a
    certified VIOLATED relation (every solution stays in the boxes, which avoid the singular set on
    M_A / M_B); overlapping, partial (params.max_steps, params.cross_check_seconds -- default
    `CROSS_CHECK_SECONDS`) or unusable ones are notes."""
    rels = [energy_theorem(ev, net)]
    T = _horizon(ev)
    seconds = ev.rational_param("cross_check_seconds", CROSS_CHECK_SECONDS)
    if seconds < 0:
        raise InputError(f"params.cross_check_seconds must be ≥ 0, got {to_json(seconds)}", "params.cross_check_seconds")
    if seconds == 0 and not ev.independent:
        ev.notes.append("no enclosure cross-check (params.cross_check_seconds = 0)")
        return rels
    # the re-verification of a VIOLATED (ev.independent) runs to params.max_steps without a clock, so that it
    # covers at least the horizon of the first pass's contradiction
    enc = _trajectory(ev, net, "normalized", T, max_seconds=None if ev.independent else float(seconds))
    where = f"T = {to_json(enc.t_reached)}, {len(enc.steps)} certified steps"
    along = enc.energy_along()
    gap = None if along is None else ball_gap(enc.risk_final(), along[-1])
    if gap is None:
        ev.notes.append(f"enclosure cross-check inconclusive ({where}): a step box meets the singular set or an "
                        "enclosure is not finite (the verdict rests on the theorem)")
        return rels
    ev.record("x: t", [t for t, _ in enc.points])
    ev.record("upper end of the energy enclosure of ℒ(Θ_t)", [ball_bounds(e)[1] for e in along])
    if gap == 0:
        ev.notes.append(f"enclosures consistent ({where}): ℒ(Θ_T) ∈ {_interval_out(enc.risk_final())} (box "
                        f"evaluation) meets ℒ(Θ_0) − ∫₀ᵀ|P𝒢|² ∈ {_interval_out(along[-1])}")
    else:  # contradicts the theorem: a defect somewhere, certified by the enclosures and re-verified as VIOLATED
        rels.append(relation(f"enclosures of ℒ(Θ_T) and ℒ(Θ_0) − ∫₀ᵀ|P𝒢|² meet (gap = 0; {where})", gap, "=",
                             fmpq(0)))
    if not enc.complete:
        ev.notes.append(f"the enclosure cross-check covers [0, {to_json(enc.t_reached)}] only, not [0, "
                        f"{to_json(enc.T)}]: {enc.reason} (the verdict rests on the theorem)")
    return rels

