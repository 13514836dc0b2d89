"""Shared pieces of the beg19 claims (Berner, Elbrächter, Grohs 2019, arXiv:1905.09803; spec
shared/claims/003-inverse-stability.md, note proofs_notes/beg19.md): the variant groups of Ñ, the
instance readers (Γ exact and shallow, Ω = [−D, D]^d, params.other = g = R(Φ_g)), the exact norms
‖g − R(Γ)‖_{W^{1,∞}(Ω)} and ‖g − R(Γ)‖_{L^∞(Ω)}, the scope hypotheses Γ ∈ Ñ and g ∈ R(Ñ) / R(P_N), the
certified fibre-distance bounds lower ≤ dist(Γ, R⁻¹(g)) ≤ upper and how a claimed relation is decided
from them (`_bounded`), and the small helpers several claim modules use (1-D networks, (s, α) readers,
exact integrals ∫_Ω f², the family record for the report's log-log plot).
"""

from __future__ import annotations

import itertools

from flint import arb, fmpq

from ... import realization as R
from ...framework import Evaluation, Hypothesis, relation, undecidable
from ...errors import InputError
from ...nets import Network
from ...numbers import Undecided, parse_rational, precision, to_json
from ...registry import VariantGroup, register_variants
from .. import fibre

SOURCE = "Berner, Elbrächter, Grohs 2019 (NeurIPS), arXiv:1905.09803"
NOTE = "proofs_notes/beg19.md"

register_variants(
    VariantGroup("quantifiers", {"q-tilde": "tilde", "q-full": "full", "q-weak": "weak", "q-mixed": "mixed"},
                 "q-tilde", "Definition 1.1: g ∈ R(Ñ), Φ ∈ Ñ (default) · g ∈ R(P_N), Φ ∈ P_N · g ∈ R(Ñ), Φ ∈ P_N · "
                 "g ∈ R(P_N), Φ ∈ Ñ"),
    VariantGroup("sobolev", {"n-max": "max", "n-grad2": "grad2", "n-sum": "sum", "n-semi": "semi"}, "n-max",
                 "‖f‖_{W^{1,∞}}: max(‖f‖_∞, ‖∇f‖_∞) · with |∇f|₂ · the sum · the seminorm (with e-zero only)"),
    VariantGroup("balance", {"bal-a": "a", "bal-ab": "ab"}, "bal-a", "R1: |c_i| = ‖a_i‖ or ‖(a_i, b_i)‖"),
    VariantGroup("visibility", {"r2-interior": "interior", "r2-nonvanishing": "nonvanishing"}, "r2-interior",
                 "R2: the kink meets int Ω, or the neuron is not identically 0 on Ω"),
    VariantGroup("parallel", {"par-ab": "ab", "par-a": "a"}, "par-ab", "R3/R4 on w_i = (a_i, b_i) or on a_i"),
    VariantGroup("output-bias", {"e-free": "free", "e-zero": "zero"}, "e-free", "output bias free or fixed at 0"),
)

SET = ("quantifiers", "sobolev", "balance", "visibility", "parallel", "output-bias")
RULES = ("R1", "R2", "R3", "R4")


# --------------------------------------------------------------------------------------------
# shared pieces


def _exact(ev: Evaluation) -> Network:
    if ev.prec is not None:
        raise Undecided("beg19 claims are decided in exact rational arithmetic")
    net = ev.inst.net
    if not isinstance(net, Network) or not net.is_shallow:
        raise InputError("beg19 claims take a shallow network {'widths': [d, m, 1], 'theta': [...]}", "network")
    if not ev.inst.is_exact():
        raise InputError("beg19 claims need rational parameters", "network")
    ev.engines.add("exact-realization")
    return net


def _D(ev) -> fmpq:
    D = parse_rational(ev.inst.params.get("D", 1), "params.D")
    if D <= 0:
        raise InputError("the domain [-D, D]^d needs D > 0", "params.D")
    return D


def _other(ev, net: Network, key="other") -> Network:
    obj = ev.inst.params.get(key)
    if obj is None:
        raise InputError(f"this claim needs params.{key} (a network)", f"params.{key}")
    other = Network.from_json(obj, f"params.{key}")
    if other.d != net.d or not other.is_shallow:
        raise InputError(f"params.{key} must be a shallow network with input dimension {net.d}", f"params.{key}")
    return other


def _q(ev, key, default=None) -> fmpq:
    v = ev.inst.params.get(key, default)
    if v is None:
        raise InputError(f"this claim needs params.{key}", f"params.{key}")
    return parse_rational(v, f"params.{key}")


def _norm(ev, net, other, D) -> fmpq:
    """‖R(Γ) − R(Φ)‖_{W^{1,∞}(Ω)} in the selected Sobolev variant, exactly (1-D; the independent
    re-verification evaluates the definition directly) or by the arrangement engine (d ≥ 2)."""
    kind = ev.variants.get("sobolev", "max")
    if net.d == 1:
        if ev.independent:
            ev.engines.add("direct-evaluation")
            return R.direct_sobolev(net, other, D, kind)
        return R.w1inf_distance(net, other, D, kind)
    from .. import arrangement
    ev.engines.add("arrangement")
    return arrangement.w1inf_exact(net, other, D, "max" if kind == "grad2" else kind)


def _sup(net, other, D, ev=None) -> fmpq:
    if net.d == 1:
        if ev is not None and ev.independent:
            ev.engines.add("direct-evaluation")
            return R.direct_distances(net, other, D)[0]
        return R.linf_distance(net, other, D)
    from .. import arrangement
    return arrangement.sup_norm_exact(net, other, D)


def _in_set(ev, net, D, drop=(), name="Γ", realization=False) -> Hypothesis:
    """Γ ∈ Ñ for the selected variants, with the rules in ``drop`` removed.  With ``realization``
    the question is R(Γ) ∈ R(Ñ): by the rescaling lemma (spec §2.5) a representative needs R2–R4
    and c_i ≠ 0 only, since positive rescaling balances every neuron with a_i ≠ 0 and c_i ≠ 0."""
    v = ev.variants
    bad = [r for r in fibre.restricted_violations(net, D, bal=v.get("balance", "a"), r2=v.get("visibility", "interior"),
                                                  par=v.get("parallel", "ab"))
           if r[0] not in drop and not (realization and r[0] == "R1")]
    if realization:
        zero_c = [i for i in range(net.H) if net.v(i) == 0]
        if zero_c and "R1" not in drop:
            bad.append(("c ≠ 0", tuple(zero_c), "a zero output weight cannot be rebalanced"))
    if v.get("output-bias") == "zero" and net.c != 0:
        bad.append(("e-zero", (), "e ≠ 0"))
    kept = [r for r in RULES if r not in drop]
    return Hypothesis(f"{name} ∈ Ñ ({', '.join(kept) or 'no conditions'})", not bad,
                      "; ".join(f"{r} fails at neurons {list(i)} {d}" for r, i, d in bad))


def _bounds(net, other, D, ev=None):
    """(lower, upper, witness) of dist(Γ, R⁻¹(g)) over width-m Φ; upper and witness are None when
    no width-m representative was found (then only the lower bound can decide).  In the
    independent re-verification the lower bound is `fibre.independent_lower` (the kink-matching
    argument, written apart from the relaxation F) and the witness is re-checked by direct
    evaluation."""
    if ev is not None and ev.independent:
        ev.engines.add("independent-kink-bound")
        wit, up = fibre.fibre_upper(net, other, D)
        if wit is not None and (R.direct_sobolev(wit, other, D) != 0 or fibre.param_distance(net, wit) != up):
            wit = up = None
        return fibre.independent_lower(net, other, D, hi=up), up, wit
    b = fibre.fibre_bounds(net, other, D)
    if ev is not None:
        ev.notes.extend(n for n in b.notes if "budget" in n)
    return b.lower, b.upper, b.witness


def _witness_relations(lo, up, wit, g, D) -> list:
    """The certificates behind the bounds: lower ≤ upper and R(Φ) = g exactly (by direct
    evaluation, independent of the canonical forms the fibre engine uses)."""
    if wit is None:
        return [undecidable("explicit Φ with R(Φ) = g", "no width-m representative found")]
    return [relation("lower ≤ upper (fibre distance bounds)", lo, "≤", up),
            relation("R(Φ_witness) = g on Ω", R.direct_sobolev(wit, g, D), "=", fmpq(0))]


def _bounded(name, lo, up, op, rhs, what="dist") -> object:
    """``what op rhs`` decided from certified bounds lo ≤ what ≤ up (up None: +∞).  A claimed lower
    bound (≥, >) HOLDS by ``lo`` and is VIOLATED only by ``up`` -- an explicit Φ with R(Φ) = g
    checked exactly, a concrete point of the fibre closer than claimed; a claimed upper bound (≤, <)
    HOLDS by ``up`` and is VIOLATED only by the certified lower bound ``lo``; = needs both.  A bound
    of the tool's own that is merely weaker than the claimed value gives UNKNOWN, never VIOLATED."""
    if op in ("≥", ">"):
        sure, refute = (lo, "certified lower bound"), (up, "explicit Φ with R(Φ) = g (a fibre point)")
    elif op in ("≤", "<"):
        sure, refute = (up, "explicit Φ with R(Φ) = g (a fibre point)"), (lo, "certified fibre lower bound")
    else:
        a = _bounded(name, lo, up, "≥", rhs, what)
        if a.status.value != "HOLDS":
            return a
        b = _bounded(name, lo, up, "≤", rhs, what)
        return b if b.status.value != "HOLDS" else relation(name, lo, "=", rhs, note="lower = upper = claimed value")
    if sure[0] is not None:
        r = relation(name, sure[0], op, rhs, note=f"certified by the {sure[1]}")
        if r.status.value == "HOLDS":
            return r
    if refute[0] is not None:
        r = relation(name, refute[0], op, rhs, note=f"refuted by the {refute[1]}")
        if r.status.value == "VIOLATED":
            return r
    return undecidable(name, f"{what} ∈ [{to_json(lo)}, {_txt(up)}] does not decide {op} {_txt(rhs)}")


def _sq(x):
    return x * x


def _scope(text) -> Hypothesis:
    """A claim's scope, stated in the verdict; instances outside it are refused earlier (InputError)."""
    return Hypothesis(f"scope: {text}", True)


# --------------------------------------------------------------------------------------------
# helpers of several claim modules (moved here from the claim sections)


def _net1d(neurons, e=fmpq(0)) -> Network:
    return Network((1, len(neurons), 1), tuple([n[0] for n in neurons] + [n[1] for n in neurons] +
                                               [n[2] for n in neurons] + [e]))


def _integral_sq(f: R.Canonical) -> fmpq:
    """∫_{−D}^{D} f(x)² dx for a continuous piecewise-linear f, exactly."""
    total = fmpq(0)
    for x0, x1, v, s in f.pieces():
        h = x1 - x0
        total += v * v * h + v * s * h * h + s * s * h ** 3 / 3
    return total


def _record_family(ev, net, build, D, eps, steps=6):
    """For the report: the family g_ε at ε/4^k (k < steps; squares stay squares) -- parameter
    distance bounds against the function distance, with the reference curve √‖·‖ (slope 1/2)."""
    xs, lows, ups, ref = [], [], [], []
    for k in range(steps):
        e_k = eps / 4 ** k
        _, g = build(e_k)
        lo, up, _ = _bounds(net, g, D)
        nk = R.w1inf_distance(net, g, D)
        xs.append(nk)
        lows.append(lo)
        ups.append(up if up is not None else lo)
        with precision(64):
            ref.append(arb(nk).sqrt())
    ev.record("x: ‖g_ε − R(Γ)‖_{W^{1,∞}} (ε/4^k)", xs)
    ev.record("certified lower bound of dist(Γ, R⁻¹(g_ε))", lows)
    ev.record("explicit Φ: upper bound", ups)
    ev.record("√‖g_ε − R(Γ)‖ (the exponent 1/2)", ref)


def _g(neurons, e=fmpq(0)):
    return _net1d([tuple(fmpq(x) for x in n) for n in neurons], fmpq(e))


MAX_ALPHA_TERMS = 64   # documented limit: α = p/q with 1 ≤ p, q ≤ 64 (exact powers stay small)


def _alpha(ev, default=1) -> fmpq:
    """params.alpha = p/q > 0 with p, q ≤ `MAX_ALPHA_TERMS` (InputError otherwise): the inequality
    dist ≤ s‖·‖^{1/α} is decided exactly as (dist/s)^p ≤ ‖·‖^q."""
    a = _positive(ev, "alpha", default)
    if a.p > MAX_ALPHA_TERMS or a.q > MAX_ALPHA_TERMS:
        raise InputError(f"params.alpha = p/q needs p, q <= {MAX_ALPHA_TERMS} (documented limit)", "params.alpha")
    return a


def _positive(ev, key, default=None) -> fmpq:
    v = _q(ev, key, default)
    if v <= 0:
        raise InputError(f"params.{key} must be > 0", f"params.{key}")
    return v


def _dist_relation(lo, up, norm, norm_name, s, alpha):
    """dist ≤ s·‖·‖^{1/α} with the user's (s, α = p/q) decided exactly as (dist/s)^p ≤ ‖·‖^q from
    certified bounds (`_bounded`): HOLDS by the explicit Φ, VIOLATED by the certified fibre lower
    bound -- a refutation of the user's constants on this pair (Γ, g), not of any constant of the
    paper."""
    p, q = int(alpha.p), int(alpha.q)
    name = (f"dist(Γ, R⁻¹(g)) ≤ s·‖g − R(Γ)‖_{norm_name}^(1/α) with the user's s = {to_json(s)}, "
            f"α = {to_json(alpha)} (compared as (dist/s)^p ≤ ‖·‖^q; a VIOLATED refutes these constants on this pair)")
    return _bounded(name, (lo / s) ** p, None if up is None else (up / s) ** p, "≤", norm ** q, "(dist/s)^p")


def _txt(x):
    return "none found" if x is None else to_json(x)


def _membership(ev, g, D, m, restricted: bool, drop=()) -> Hypothesis:
    """g ∈ R(Ñ_m) (``restricted``) or g ∈ R(P_m), width m = Γ's, decided for the function g, not for
    the representative the instance happens to give (a representative outside the set does not put
    g outside R(Ñ): class 3 of issue 14).  True: the representative has width ≤ m (P_m: pad with zero
    neurons) or width m and lies in Ñ after rescaling (spec §2.5 lemma).  Otherwise, in 1-D, from g's
    canonical form (n nonzero interior kinks (t_j, J_j), left slope β, affine part A = α + βx):
    a width-m Φ with R(Φ) = g carries every kink by its own neurons; with n = m there is no spare,
    each kink has one carrier of orientation σ_j, and β = −Σ_{σ_j = −1} J_j; with n < m a spare
    neuron kinking outside Ω (active) makes any affine part.  In Ñ (R2 interior, R3/R4 on (a, b))
    every neuron has its own interior kink, so n = m (n ≤ m without R1: c may vanish) and the
    orientation condition holds (e-zero: also α = Σ_{σ_j = −1} J_j t_j).  Other variants: undecided
    (None) unless n > m."""
    what = "R(Ñ)" if restricted else "R(P_N)"
    name = f"g ∈ {what} (width m = {m})"
    if restricted:
        rep = _in_set(ev, g, D, drop=drop, name="g's representative", realization=True)
        if g.H == m and rep.holds:
            return Hypothesis(name, True, "its representative lies in Ñ up to rescaling")
    elif g.H <= m and not (ev.variants.get("output-bias") == "zero" and g.c != 0):
        return Hypothesis(name, True, "its representative has width ≤ m")
    if g.d != 1:
        return Hypothesis(name, None, "undecided in d ≥ 2 for a representative outside the set")
    can = R.canonical(g, D)
    n = len(can.kinks)
    if n > m:
        return Hypothesis(name, False, f"outside the claim's scope: g has {n} > m interior kinks")
    v = ev.variants
    e_zero = v.get("output-bias") == "zero"
    if restricted:
        exact_kinds = v.get("visibility", "interior") == "interior" and v.get("parallel", "ab") == "ab" \
            and not set(drop) & {"R2", "R3", "R4"}
        if not exact_kinds:
            return Hypothesis(name, None, "undecided: the given representative is not in this variant's Ñ")
        if n != m and "R1" not in drop:
            return Hypothesis(name, False, f"outside the claim's scope: every member of R(Ñ_m) has exactly m = {m} "
                                           f"nonzero interior kinks, g has {n}")
    elif n < m and not e_zero:
        return Hypothesis(name, True, "n < m: the kinks' carriers plus one spare neuron active on Ω")
    if n > 16:
        return Hypothesis(name, None, f"undecided: {n} kinks exceed the orientation search (16)")
    beta, alpha = can.left_slope, can.left_value + can.left_slope * D
    if not restricted and n < m:     # e-zero with spares: the spare's affine piece c(ax + b), b ≥ D|a|
        return Hypothesis(name, None, "undecided: e-zero with spare neurons")
    for k in range(n + 1):
        for S in itertools.combinations(can.kinks, k):
            if beta == -sum((J for _, J in S), fmpq(0)) and \
                    (not e_zero or alpha == sum((J * t for t, J in S), fmpq(0))):
                return Hypothesis(name, True, "a representative with these carrier orientations exists")
    return Hypothesis(name, False, "outside the claim's scope: no orientation of the kinks' carriers gives g's "
                                   "affine part (left slope" + (" and intercept" if e_zero else "") + ")")


def _loss_direct(f: Network, y: Network, D) -> fmpq:
    """∫_{−D}^{D} (R(f) − R(y))² dx from the definition: f − y is affine between consecutive sorted
    breakpoints, so Simpson's rule is exact on each piece (`fractions.Fraction`; the independent
    path, no canonical form)."""
    from fractions import Fraction

    Dq = fibre._fr(D)
    nets = []
    for n in (f, y):
        th = [fibre._fr(t) for t in n.theta]
        H = n.H
        nets.append(([(th[i], th[H + i], th[2 * H + i]) for i in range(H)], th[-1]))
    T = {-Dq, Dq} | {-b / a for ns, _ in nets for a, b, _ in ns if a != 0 and -Dq < -b / a < Dq}
    T = sorted(T)

    def h(x):
        (nf, ef), (ny, ey) = nets
        return (ef + sum((c * max(a * x + b, Fraction(0)) for a, b, c in nf), Fraction(0))
                - ey - sum((c * max(a * x + b, Fraction(0)) for a, b, c in ny), Fraction(0)))
    tot = sum(((x1 - x0) / 6 * (h(x0) ** 2 + 4 * h((x0 + x1) / 2) ** 2 + h(x1) ** 2) for x0, x1 in zip(T, T[1:])),
              Fraction(0))
    return fmpq(tot.numerator, tot.denominator)
