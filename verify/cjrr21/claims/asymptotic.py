"""Infinite-horizon certificates of cjrr21 claims 15 (gd-risk-to-zero) and 16 (gf-lyapunov-integral).

**Claim 15, the sublevel-region certificate** [DERIVED] (proofs_notes/cjrr21.md#gd-risk-to-zero).  For a
constant step γ > 0 and an exact GD iterate Θ_m with

    γ · λ[(1 + dM²)(V(Θ_m) − 2ξ²) + 2] ≤ 1      (implied by γ ≤ γ̄(Θ_m) := 1/(λ[(1 + dM²)V(Θ_m) + 2])),

the sublevel set R = {θ : V(θ) ≤ V(Θ_m)} is forward-invariant under θ ↦ θ − γ𝒢(θ) and on R

    V(θ − γ𝒢(θ)) ≤ V(θ) − 4γℒ(θ)

(one-step expansion + gradient bound with K(θ) = 4λ[(1 + dM²)‖h‖² + 2], where the hidden part h of θ has
‖h‖² = V(θ) − 2ξ² − 2(𝔠 − ξ)² ≤ V(Θ_m) − 2ξ² on R, so γK(θ) ≤ 4), so
Σ_{n≥m} ℒ(Θ_n) ≤ (V(Θ_m) − 2ξ²)/(4γ) < ∞ and ℒ(Θ_n) → 0.  For m = 0 this is the [DERIVED] theorem with its
hypothesis γ ≤ γ̄ certified on the instance ("theorem route"); for m > 0 the region is entered after m
certified exact GD steps ("region-entry route"), or after m GD steps in Arb balls that contain the exact
iterates, with V(Θ_m) replaced by an exact upper end V̄ of its ball ("ball region-entry route",
``ball_region_entry``, re-checked at 256 bits).  Only exact rational numbers decide (``sign`` of an fmpq), and
every exact certificate is re-checked by ``recheck``: Python `fractions.Fraction` arithmetic, with λ and M
recomputed from the measure's data (box, atoms and weights, density pieces) rather than by the measure's methods.

**Claim 16, the theorem route** [DERIVED].  Along every absolutely continuous solution of Θ_t = Θ_0 − ∫𝒢(Θ_u)du,
d/dt V(Θ_t) = −⟨∇V, 𝒢⟩(Θ_t) = −8ℒ(Θ_t) a.e. because ⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) holds at **every** θ (claim 2, for
every finite μ with bounded support, every ReLU′(0), loss scale s); integrating gives the statement.  Its
hypotheses (one hidden layer, constant target, a finite measure with bounded support) are certified on the
instance; the identity is re-checked exactly at the computed GD iterates, and the flow enclosure on the
default horizon ``default_horizon`` is a consistency check that could only contradict it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq

from ...errors import SoundnessError
from ...numbers import sign, to_json
from ...problems import BoxMeasure, Density, Empirical
from .common import V


@dataclass
class RegionCertificate:
    """γλ[(1 + dM²)(V(Θ_m) − 2ξ²) + 2] ≤ 1 at the exact GD iterate Θ_m (``theta``), γ > 0."""

    m: int
    theta: list
    xi: object
    gamma: object
    lam: object
    M: object
    d: int
    V_m: object
    load: object  # γλ[(1 + dM²)(V(Θ_m) − 2ξ²) + 2], certified ≤ 1

    @property
    def bound(self):
        """B = (V(Θ_m) − 2ξ²)/(4γ) ≥ Σ_{n≥m} ℒ(Θ_n)."""
        return (self.V_m - 2 * self.xi * self.xi) / (4 * self.gamma)


def region_load(theta, xi, gamma, lam, M, d):
    """(V(θ), γλ[(1 + dM²)(V(θ) − 2ξ²) + 2])."""
    v = V(theta, xi)
    return v, gamma * lam * ((1 + d * M * M) * (v - 2 * xi * xi) + 2)


def certify_region(m, theta, xi, gamma, lam, M, d) -> RegionCertificate | None:
    """The certificate at Θ_m = ``theta`` if γ > 0 and the load ≤ 1 are certified (exact signs), else None."""
    v, load = region_load(theta, xi, gamma, lam, M, d)
    if sign(gamma) != 1 or sign(1 - load) not in (0, 1):
        return None
    return RegionCertificate(m, list(theta), xi, gamma, lam, M, d, v, load)


# --------------------------------------------------------------------------------------------
# the independent re-check (Python fractions; λ and M from the measure's data)


def _F(x) -> Fraction | None:
    if isinstance(x, fmpq):
        return Fraction(int(x.p), int(x.q))
    if isinstance(x, (int, Fraction)):
        return Fraction(x)
    return None


def measure_lambda_M(measure):
    """(λ, M) as Fractions from the measure's data, or None for a kind this path does not know."""
    if isinstance(measure, BoxMeasure):
        box = [(_F(a), _F(b)) for a, b in measure.box]
        vol = Fraction(1)
        for a, b in box:
            vol *= b - a
        return (Fraction(1) if measure.normalized else vol), max(max(abs(a), abs(b)) for a, b in box)
    if isinstance(measure, Empirical):
        lam = sum((_F(w) for w in measure.weights), Fraction(0))
        return lam, max(abs(_F(t)) for p in measure.points for t in p)
    if isinstance(measure, Density):
        lam = Fraction(0)
        for lo, hi, coeffs in measure.pieces:
            lo, hi = _F(lo), _F(hi)
            lam += sum((_F(c) * (hi ** (k + 1) - lo ** (k + 1)) / (k + 1) for k, c in enumerate(coeffs)), Fraction(0))
        return lam, max(abs(_F(measure.pieces[0][0])), abs(_F(measure.pieces[-1][1])))
    return None


def recheck(cert: RegionCertificate, measure) -> tuple | None:
    """Re-check ``cert`` in Python fractions: λ and M recomputed from the measure's data, V(Θ_m) =
    Σθ_k² + (θ_𝔡 − 2ξ)²; returns (γ, γλ[(1 + dM²)(V − 2ξ²) + 2]) as Fractions, or None where this path does not
    apply (a measure kind it does not know, a non-rational number)."""
    lm = measure_lambda_M(measure)
    th = [_F(t) for t in cert.theta]
    xi, g = _F(cert.xi), _F(cert.gamma)
    if lm is None or None in th or xi is None or g is None:
        return None
    lam, M = lm
    v = sum((t * t for t in th), Fraction(0)) + (th[-1] - 2 * xi) ** 2
    return g, g * lam * ((1 + cert.d * M * M) * (v - 2 * xi * xi) + 2)


def certificate_relations(ev, cert: RegionCertificate, route: str):
    """The relations that carry ``cert`` (its exact test and its re-check), and the verdict's note
    naming the route that decided."""
    from ...framework import relation, undecidable

    m = cert.m
    name = (f"certificate of lim ℒ(Θ_n) = 0 ({route}): γ·λ[(1 + dM²)(V(Θ_{m}) − 2ξ²) + 2] ≤ 1 at the exact GD iterate "
            f"Θ_{m}, so R = {{V ≤ V(Θ_{m})}} is forward-invariant, V(Θ_(n+1)) ≤ V(Θ_n) − 4γℒ(Θ_n) for n ≥ {m} and "
            f"Σ_(n≥{m}) ℒ(Θ_n) ≤ (V(Θ_{m}) − 2ξ²)/(4γ) ([DERIVED] theorem, proofs_notes/cjrr21.md#gd-risk-to-zero)")
    rels = [relation(name, cert.load, "≤", fmpq(1)), relation("γ > 0 (the constant step)", cert.gamma, ">", fmpq(0))]
    again = recheck(cert, ev.inst.measure)
    if again is None:
        rels.append(undecidable("independent re-check of the certificate", "no independent path for this measure "
                                "kind or number type"))
    elif not (again[0] > 0 and again[1] <= 1):
        raise SoundnessError(f"cjrr21.gd-risk-to-zero: the Python-fractions re-check rejects the certificate at "
                             f"Θ_{m} that exact fmpq arithmetic accepted")
    else:
        rels.append(relation("independent re-check (Python fractions; λ, M recomputed from the measure's data): "
                             f"γ·λ[(1 + dM²)(V(Θ_{m}) − 2ξ²) + 2] ≤ 1", again[1], "≤", fmpq(1)))
    ev.notes.append(f"decided by the {route}: the region R = {{V ≤ V(Θ_{m})}} with V(Θ_{m}) = {to_json(cert.V_m)} "
                    f"(load γλ[(1 + dM²)(V − 2ξ²) + 2] = {to_json(cert.load)} ≤ 1) is entered after {m} exact GD steps; "
                    f"certified bound Σ_(n≥{m}) ℒ(Θ_n) ≤ {to_json(cert.bound)}, hence min_(m≤k<n) ℒ(Θ_k) ≤ "
                    "bound/(n − m) and ℒ(Θ_n) → 0 (a [DERIVED] theorem applied with its hypotheses certified on the "
                    "instance; says nothing about the paper's constant)")
    ev.engines.add("region-certificate-exact+fractions")
    return rels


# --------------------------------------------------------------------------------------------
# claim 16


def default_horizon(gbar):
    """T when params.T is absent: min(γ̄, 1/16) with γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2]), the time scale of the
    field near Θ_0 (one GD step of the largest certified size), capped so the enclosure stays cheap."""
    cap = fmpq(1, 16)
    return gbar if isinstance(gbar, fmpq) and gbar < cap else cap


def default_flow_steps(H: int) -> int:
    """Step limit of the flow enclosure on the default horizon (params.max_steps overrides it): 200 up to
    H = 2, then 1600/H² (a stepper step costs about H² work: 2.5 ms at H = 2 on a stuck run, 25 ms at H = 8,
    0.7 s at H = 32), 0 (no enclosure, a note says so) from H = 41 on — about half a second per check at
    most, within the search's per-example budget.  The enclosure is a consistency check: its budget never
    changes the verdict, which the theorem route decides."""
    return 200 if H <= 2 else 1600 // (H * H)


# --------------------------------------------------------------------------------------------
# claim 15, region entry along ball GD (long horizons)

DEFAULT_REGION_STEPS = 200
"""Ball GD steps of the region-entry search past the exact run (params.region_steps overrides it)."""


def _exact(x) -> fmpq:
    """The exact value of an arf (an arb's midpoint or radius) as a dyadic rational."""
    m, e = x.man_exp()
    m, e = int(m), int(e)
    return fmpq(m * 2 ** e) if e >= 0 else fmpq(m, 2 ** -e)


def _upper(b) -> fmpq:
    """An exact rational ≥ every point of the finite ball b: its midpoint plus its radius, exactly."""
    return _exact(b.mid()) + _exact(b.rad())


def ball_region_entry(ev, net, xi, gamma, lam, M, s, steps: int, prec: int, upto: int | None = None):
    """GD from Θ_0 in Arb balls at ``prec`` bits (the balls contain the exact GD iterates Θ_n) for at most
    ``steps`` steps (``upto``: stop at that index); returns (m, V̄, load) for the first ball iterate whose
    upper bound V̄ ≥ V(Θ_m) has a load γλ[(1 + dM²)(V̄ − 2ξ²) + 2] certified ≤ 1 (ball sign), or (None,
    reason).  Lemma R with V(Θ_m) replaced by V̄ then gives ℒ(Θ_n) → 0: R = {V ≤ V̄} contains Θ_m."""
    from flint import arb

    from ...framework import Evaluation
    from ...numbers import Undecided, precision
    from .common import _rg

    ev2 = Evaluation(ev.inst, ev.variants, prec)
    last = steps if upto is None else upto
    with precision(prec):
        cur = net.with_theta([arb(t) for t in net.theta])
        g = arb(gamma)
        for m in range(1, last + 1):
            try:
                _, G = _rg(ev2, cur, s)
            except Undecided as e:
                return None, f"ball GD stopped at step {m - 1}: {e}"
            cur = cur.with_theta([t - g * gk for t, gk in zip(cur.theta, G)])
            if not all(t.is_finite() for t in cur.theta):
                return None, f"ball GD iterate Θ_{m} is not finite"
            vbar = _upper(V(cur.theta, xi))  # exact: every value of the ball, so V(Θ_m), is ≤ V̄
            load = gamma * lam * ((1 + net.d * M * M) * (vbar - 2 * xi * xi) + 2)
            if (upto is None or m == upto) and sign(1 - load) in (0, 1):
                return (m, vbar, load), ""
    return None, f"the region was not reached within {last} ball GD steps"
