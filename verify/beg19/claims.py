"""beg19 -- inverse stability of the shallow ReLU realization map.

Berner, Elbrächter, Grohs, "How degenerate is the parametrization of neural networks with the ReLU
activation function?", NeurIPS 2019, arXiv:1905.09803.
Specification: shared/claims/003-inverse-stability.md; note: proofs_notes/beg19.md.

Notation (spec §2): Γ = ((a_i, b_i, c_i))_{i≤m}, e; R(Γ)(x) = Σ c_i ρ(⟨a_i, x⟩ + b_i) + e stored as a
`Network` with widths [d, m, 1] (θ = (a, b, c, e)); Ω = [−D, D]^d (D = params.D, default 1);
‖·‖ = ‖·‖_{W^{1,∞}(Ω)} (variant n-max by default); ‖Γ‖_∞ = max |θ_k|; dist(Γ, g) = inf{‖Φ − Γ‖_∞ :
R(Φ) = g} over width-m Φ (the fibre, which absorbs every exact symmetry); κ = dist/‖g − R(Γ)‖^{1/2}.

Every norm is exact (`fmpq`); square roots enter only through certified comparisons of squares
(dist² against s²‖·‖ at α = 2) or Arb balls.  Fibre distances come from `verify.beg19.fibre`: a certified
lower bound (for VIOLATED) and an explicit Φ with R(Φ) = g checked exactly (for HOLDS).

Instance ``params``: ``other`` the target g = R(Φ_g) (a network of the same input dimension), ``D``,
``s`` (the constant of inverse stability), ``alpha`` (exponent; the code stores p = 1/α), ``eps``,
``delta``, ``n``, ``t``, ``y``, ``lambda``, ``r``, ``points``/``losses`` (claim 16).
"""

from __future__ import annotations

import itertools

from flint import arb, fmpq

from . import fibre
from .. import realization as R
from ..claim import Claim, Param, Evaluation, Hypothesis, Mutant, relation, undecidable
from ..errors import InputError
from ..nets import Network
from ..numbers import Undecided, ball_bounds, parse_rational, precision, to_json
from ..registry import VariantGroup, register, register_variants

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
    from . import arrangement
    ev.engines.add("arrangement")
    return arrangement.w1inf_exact(net, other, D, "max" if kind == "grad2" else kind)


def _sup(net, other, D, ev=None) -> fmpq:
    if net.d == 1:
        if ev is not None and ev.independent:
            ev.engines.add("direct-evaluation")
            return R.direct_distances(net, other, D)[0]
        return R.linf_distance(net, other, D)
    from . import arrangement
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
# 1, 2: exact norms


def eval_w1inf_exact_1d(ev: Evaluation):
    """Claim 1: the exact canonical-form norms equal a direct evaluation of f = R(Γ) − R(Γ′) at the
    ends and kinks (sup) and its difference quotients between consecutive points (slope)."""
    net = _exact(ev)
    other = _other(ev, net)
    D = _D(ev)
    if net.d != 1:
        raise InputError("claim w1inf-exact-1d is for input dimension 1", "network")
    f = R.difference(net, other, D)
    t1, e1 = R.neuron_terms(net)
    t2, e2 = R.neuron_terms(other)
    T = sorted({-D, D} | {-b / a for a, b, _ in t1 + t2 if a != 0 and -D < -b / a < D})
    val = [R.evaluate(t1, e1, t) - R.evaluate(t2, e2, t) for t in T]
    sup_direct = max(abs(v) for v in val)
    lip_direct = max(abs((val[k + 1] - val[k]) / (T[k + 1] - T[k])) for k in range(len(T) - 1))
    rels = [relation("‖f‖_∞ (canonical form) = max_T |f| (direct evaluation)", f.sup_norm(), "=", sup_direct),
            relation("‖f′‖_∞ (canonical form) = max |Δf/Δt| over consecutive T", f.lip_norm(), "=", lip_direct)]
    if ev.independent:
        from . import arrangement
        ds, dl = R.direct_distances(net, other, D)
        rels += [relation("sup norm = arrangement engine (d = 1)", f.sup_norm(), "=",
                          arrangement.sup_norm_exact(net, other, D)),
                 relation("‖f‖_∞ = direct Fraction evaluation", f.sup_norm(), "=", ds),
                 relation("‖f′‖_∞ = direct Fraction evaluation", f.lip_norm(), "=", dl)]
    return rels, [_scope('d = 1, shallow networks Γ, Γ′ of any widths, Ω = [−D, D], D > 0')]


def eval_w1inf_arrangement(ev: Evaluation):
    """Claim 2: the exact arrangement value lies in the certified branch-and-bound enclosure (and
    equals claim 1 in 1-D)."""
    from . import arrangement

    net = _exact(ev)
    other = _other(ev, net)
    D = _D(ev)
    exact = arrangement.w1inf_exact(net, other, D, "max")
    enc = arrangement.w1inf_bnb(net, other, D, "max")
    lo, hi = enc.lower, enc.upper
    rels = [relation("B&B lower ≤ exact W^{1,∞}", lo, "≤", exact), relation("exact W^{1,∞} ≤ B&B upper", exact, "≤", hi)]
    if net.d == 1:
        rels.append(relation("arrangement = 1-D canonical form", exact, "=", R.w1inf_distance(net, other, D)))
    return rels, [_scope('d ≤ 3, shallow networks with m + m′ ≤ 20, Ω = [−D, D]^d, D > 0')]


# --------------------------------------------------------------------------------------------
# 3, 4, 5, 6: identities, kink matching, forward Lipschitz, convex loss


def _net1d(neurons, e=fmpq(0)) -> Network:
    return Network((1, len(neurons), 1), tuple([n[0] for n in neurons] + [n[1] for n in neurons] +
                                               [n[2] for n in neurons] + [e]))


def eval_relu_identities(ev: Evaluation):
    """Claim 3 on the instance's neurons: rescaling, rebalancing (where exact), merging, the flip
    ρ(x − t₁) − ρ(x − t₂) ≡ ρ(t₁ − x) − ρ(t₂ − x) + (t₂ − t₁), and ρ(x + 2) + ρ(−x + 2) = 4 on [−1, 1]; each
    as ‖R(Γ) − R(Γ′)‖_{W^{1,∞}} = 0."""
    net = _exact(ev)
    if net.d != 1:
        raise InputError("relu-identities is checked in 1-D", "network")
    D = _D(ev)
    lam = _q(ev, "lambda", 2)
    if lam <= 0:
        raise InputError("params.lambda must be > 0", "params.lambda")
    terms, e = R.neuron_terms(net)
    rels = []
    dist = R.direct_sobolev if ev.independent else R.w1inf_distance
    scaled = _net1d([(lam * a, lam * b, c / lam) for a, b, c in terms], e)
    rels.append(relation("rescale every neuron by λ: ‖R − R_λ‖ = 0", dist(net, scaled, D), "=", fmpq(0)))
    rebal = []
    for a, b, c in terms:
        r = fibre.exact_sqrt(abs(c) / abs(a)) if a != 0 and c != 0 else None
        rebal.append((r * a, r * b, c / r) if r else (a, b, c))
    rels.append(relation("rebalance (λ = √(|c|/|a|) where rational): ‖R − R̃‖ = 0",
                         dist(net, _net1d(rebal, e), D), "=", fmpq(0)))
    a, b, c = terms[0]
    merged = _net1d(terms + [(lam * a, lam * b, c)], e)
    one = _net1d([(a, b, c + lam * c)] + terms[1:], e)
    rels.append(relation("merge c₁ρ(z) + c₂ρ(λz) = (c₁ + λc₂)ρ(z)", dist(merged, one, D), "=", fmpq(0)))
    t1, t2 = _q(ev, "t1", fmpq(-1, 3)), _q(ev, "t2", fmpq(1, 2))
    lhs = _net1d([(fmpq(1), -t1, fmpq(1)), (fmpq(1), -t2, fmpq(-1))])
    rhs = _net1d([(fmpq(-1), t1, fmpq(1)), (fmpq(-1), t2, fmpq(-1))], t2 - t1)
    rels.append(relation("flip ρ(x−t₁) − ρ(x−t₂) ≡ ρ(t₁−x) − ρ(t₂−x) + (t₂−t₁)", dist(lhs, rhs, D), "=",
                         fmpq(0)))
    hid = _net1d([(fmpq(1), fmpq(2), fmpq(1)), (fmpq(-1), fmpq(2), fmpq(1))])
    four = _net1d([(fmpq(0), fmpq(0), fmpq(0))], fmpq(4))
    rels.append(relation("ρ(x + 2) + ρ(−x + 2) = 4 on [−1, 1]", dist(hid, four, 1), "=", fmpq(0)))
    return rels, [_scope('d = 1, shallow network of width ≥ 1, λ > 0, Ω = [−D, D]')]


def eval_kink_matching(ev: Evaluation):
    """Claim 4: at every kink t of f = R(Γ), |J_f(t) − J_g(t)| ≤ 2‖(f − g)′‖_{L^∞} (J_g(t) = 0 where
    g has no kink at t)."""
    net = _exact(ev)
    other = _other(ev, net)
    D = _D(ev)
    if net.d != 1:
        raise InputError("kink-matching is checked in 1-D", "network")
    f, g = R.canonical(net, D), R.canonical(other, D)
    lip = R.direct_distances(net, other, D)[1] if ev.independent else R.difference(net, other, D).lip_norm()
    gj = dict(g.kinks)
    rels = [relation(f"kink t = {to_json(t)}: |J_f − J_g| ≤ 2‖(f − g)′‖_∞", abs(J - gj.get(t, fmpq(0))), "≤", 2 * lip)
            for t, J in f.kinks]
    return rels or [relation("f has no interior kink (nothing to match)", fmpq(0), "=", fmpq(0))], [
            _scope('d = 1, shallow networks of any widths, Ω = [−D, D]')]


def eval_forward_lipschitz(ev: Evaluation, sobolev=False):
    """Claim 5: ‖R(Φ) − R(Γ)‖_{L^∞} ≤ (2mB(dD + 1) + 1)·‖Φ − Γ‖_∞ with B = max(‖Γ‖_∞, ‖Φ‖_∞)
    (params.L replaces the constant if given)."""
    net = _exact(ev)
    other = _other(ev, net)
    D = _D(ev)
    if other.H != net.H:
        raise InputError("params.other must have the same width as network", "params.other")
    B = max(abs(t) for t in net.theta + other.theta)
    derived = 2 * net.H * B * (net.d * D + 1) + 1
    user = "L" in ev.inst.params
    L = _positive(ev, "L") if user else derived
    dist = max(abs(s - t) for s, t in zip(net.theta, other.theta))
    lhs = _norm(ev, net, other, D) if sobolev else _sup(net, other, D, ev)
    name = "‖R(Φ) − R(Γ)‖_{W^{1,∞}}" if sobolev else "‖R(Φ) − R(Γ)‖_{L^∞}"
    if user:
        name += f" ≤ L·‖Φ − Γ‖_∞ with the user's constant L = {to_json(L)} (params.L; a VIOLATED refutes this L, " \
                f"not the claim, whose constant here is 2mB(dD + 1) + 1 = {to_json(derived)})"
    else:
        name += f" ≤ (2mB(dD + 1) + 1)·‖Φ − Γ‖_∞, 2mB(dD + 1) + 1 = {to_json(L)}"
    return [relation(name, lhs, "≤", L * dist, note=f"‖Φ − Γ‖_∞ = {to_json(dist)}; the pair (Γ, Φ) is the witness")], [
            _scope('shallow Γ, Φ of equal widths, cube Ω = [−D, D]^d, B = max(‖Γ‖_∞, ‖Φ‖_∞)')]


def eval_forward_w1inf(ev):
    """Planted beg19.pv.forward-w1inf: the same bound, with the same constant, into W^{1,∞}; a
    VIOLATED rests on the pair (Γ, Φ) and the exact W^{1,∞} norm (the note's family Φ_δ refutes every
    constant)."""
    return eval_forward_lipschitz(ev, sobolev=True)


def _integral_sq(f: R.Canonical) -> fmpq:
    """∫_{−D}^{D} f(x)² dx for a continuous piecewise-linear f, exactly."""
    total = fmpq(0)
    for x0, x1, v, s in f.pieces():
        h = x1 - x0
        total += v * v * h + v * s * h * h + s * s * h ** 3 / 3
    return total


def eval_convex_loss(ev: Evaluation):
    """Claim 6: L((1−t)f + tg) = (1−t)L(f) + tL(g) − t(1−t)∫(f − g)² for L(f) = ∫_Ω (f − y)², exact; and
    R(P_N) is not convex: ρ(x) and ρ(−x) are width-1 realizations, |x|/2 is not (it kinks inside Ω
    with a nonzero slope on both sides, while a width-1 realization kinking inside Ω is flat on one)."""
    net = _exact(ev)
    g = _other(ev, net)
    y = _other(ev, net, "y")
    D = _D(ev)
    t = _q(ev, "t", fmpq(1, 2))
    if not (0 <= t <= 1) or net.d != 1:
        raise InputError("params.t must lie in [0, 1] (and d = 1)", "params.t")
    ft, et = R.neuron_terms(net)
    gt, eg = R.neuron_terms(g)
    yt, ey = R.neuron_terms(y)
    mix = [(a, b, (1 - t) * c) for a, b, c in ft] + [(a, b, t * c) for a, b, c in gt]
    me = (1 - t) * et + t * eg

    def loss(terms, e):
        return _integral_sq(R.canonical_from_terms(terms + [(a, b, -c) for a, b, c in yt], e - ey, D))
    lhs = loss(mix, me)
    fg = _integral_sq(R.canonical_from_terms(ft + [(a, b, -c) for a, b, c in gt], et - eg, D))
    rhs = (1 - t) * loss(ft, et) + t * loss(gt, eg) - t * (1 - t) * fg
    if ev.independent:   # every integral again by exact Simpson on the sorted breakpoints
        lhs = _loss_direct(_net1d(mix, me), y, D)
        rhs = (1 - t) * _loss_direct(net, y, D) + t * _loss_direct(g, y, D) - t * (1 - t) * _loss_direct(net, g, D)
    mid = R.canonical_from_terms([(fmpq(1), fmpq(0), fmpq(1, 2)), (fmpq(-1), fmpq(0), fmpq(1, 2))], fmpq(0), D)
    pieces = mid.pieces()
    flat = min(abs(pieces[0][3]), abs(pieces[-1][3]))
    return [relation("L((1−t)f + tg) = (1−t)L(f) + tL(g) − t(1−t)∫(f−g)²", lhs, "=", rhs),
            relation("|x|/2 has an interior kink and no flat side (so it is not a width-1 realization)",
                     fmpq(int(len(mid.kinks) == 1)) * flat, ">", fmpq(0))], [
                             _scope('d = 1 networks f, g, y, t ∈ [0, 1], L(f) = ∫_Ω (f − y)² (Lebesgue)')]


# --------------------------------------------------------------------------------------------
# 7-13: the pathology families and the fibre distance


def _family_relations(ev, net, g, D, lower_expected=None, exact_dist=None):
    """Common relations of claims 8-13: the exact norm, the certified fibre lower bound, the
    explicit Φ (upper bound), and the family's claimed distance (``dist = exact_dist`` or
    ``dist ≥ lower_expected``) decided by `_bounded`: refuted only by an explicit fibre point."""
    norm = _norm(ev, net, g, D)
    lo, up, wit = _bounds(net, g, D, ev)
    rels = _witness_relations(lo, up, wit, g, D)
    if exact_dist is not None:
        rels.append(_bounded(f"dist(Γ, R⁻¹(g)) = {to_json(exact_dist)} (the family's distance)", lo, up, "=",
                             exact_dist))
    elif lower_expected is not None:
        rels.append(_bounded(f"dist(Γ, R⁻¹(g)) ≥ {to_json(lower_expected)} (the family's distance)", lo, up, "≥",
                             lower_expected))
    ev.notes.append(f"‖g − R(Γ)‖ = {to_json(norm)}, dist ∈ [{to_json(lo)}, {to_json(up) if up is not None else '?'}]")
    return rels, norm, lo, up


def _pathology(ev, eps_ok, build, lower, exact=None, rule=None):
    net = _exact(ev)
    D = _D(ev)
    eps = _q(ev, "eps", fmpq(1, 100))
    if not eps_ok(eps):
        raise InputError(f"params.eps = {to_json(eps)} is outside this family's range", "params.eps")
    gamma, g = build(eps)
    if tuple(net.theta) != tuple(gamma.theta):
        raise InputError(f"this family fixes Γ = {to_json(list(gamma.theta))}; give it as network", "network")
    if D != 1:
        return [], [Hypothesis("Ω = [−1, 1] (the family is stated there)", False,
                               f"outside the claim's scope: params.D = {to_json(D)} moves Ω, so the family's "
                               "norm and distance no longer apply")]
    rels, _, lo, _ = _family_relations(ev, net, g, D, lower(eps), exact(eps) if exact else None)
    # the family's statement is in the default norm (.n-max = .n-grad2 in 1-D), whatever the variant
    norm = R.direct_sobolev(net, g, D) if ev.independent else R.w1inf_distance(net, g, D)
    rels.insert(0, relation("‖g − R(Γ)‖_{W^{1,∞}} = ε (n-max)", norm, "=", eps))
    if not ev.independent:
        _record_family(ev, net, build, D, eps)
    hyp = [_in_set(ev, net, D, drop=(rule,))] if rule else []
    if rule:
        hyp.append(Hypothesis(f"Γ violates {rule} (the condition this family breaks)",
                              any(r[0] == rule for r in fibre.restricted_violations(net, D))))
    return rels, hyp


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


def eval_linf_instability(ev: Evaluation):
    """Claim 7 (P0′): Γ = 0 (m = 2), g_n = (1/n)ρ(n²x) − (1/n)ρ(n²x − 1): ‖g_n‖_{L^∞} = 1/n, ‖·‖_{W^{1,∞}} = n,
    dist = √n; with params.s, alpha: √n > s·(1/n)^{1/α} refutes L^∞ inverse stability."""
    net = _exact(ev)
    D = _D(ev)
    n = _q(ev, "n", 9)
    if n < 1 or n.q != 1:
        raise InputError("params.n must be an integer >= 1", "params.n")
    g = _g([(n * n, 0, 1 / n), (n * n, -1, -1 / n)])
    if any(t != 0 for t in net.theta) or net.H != 2:
        raise InputError("claim 7 fixes Γ = 0 of width 2", "network")
    hyp = [Hypothesis("n ≥ 2 and D ≥ 1/n² (both kinks of g_n inside Ω)", n >= 2 and D * n * n > 1,
                      "outside the claim's scope: a kink of g_n on or outside ∂Ω lets two neurons share a jump "
                      "(n = 1: dist = 1/√2, see the note's correction to the specification)"
                      if not (n >= 2 and D * n * n > 1) else "")]
    if not hyp[0].holds:
        return [], hyp
    lo, up, wit = _bounds(net, g, D, ev)
    rels = [relation("‖g_n − R(Γ)‖_{L^∞} = 1/n", _sup(net, g, D, ev), "=", 1 / n),
            relation("‖g_n − R(Γ)‖_{W^{1,∞}} = n", _norm(ev, net, g, D), "=", n),
            _bounded("dist² ≥ n", _sq(lo), None if up is None else _sq(up), "≥", n, "dist²")]
    rels += _witness_relations(lo, up, wit, g, D)
    if "s" in ev.inst.params:
        s, alpha = _positive(ev, "s"), _alpha(ev)
        k = int(s.p // s.q) + 1
        if n < k * k:
            hyp.append(Hypothesis("n ≥ (⌊s⌋ + 1)² (the claim's n for the given s)", False,
                                  f"outside the claim's scope: for s = {to_json(s)} the claim takes n ≥ {k * k}, "
                                  f"where √n > s ≥ s(1/n)^(1/α); n = {to_json(n)} is smaller"))
            return rels, hyp
        p, q = int(alpha.p), int(alpha.q)
        # dist > s(1/n)^{1/α} ⇔ (dist/s)^p > (1/n)^q, exactly (both sides ≥ 0, x ↦ x^p increasing)
        rels.append(_bounded(f"dist > s·‖g_n − R(Γ)‖_{{L^∞}}^{{1/α}} with the user's s = {to_json(s)}, "
                             f"α = {to_json(alpha)}, compared as (dist/s)^p > ‖·‖^q for α = p/q",
                             (lo / s) ** p, None if up is None else (up / s) ** p, ">", (1 / n) ** q, "(dist/s)^p"))
    return rels, hyp


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


def eval_linf_stable(ev):
    """Planted beg19.pv.linf-stable: (s, α) inverse stability w.r.t. L^∞ on P_N (m = 2)."""
    net = _exact(ev)
    g = _other(ev, net)
    D = _D(ev)
    s, alpha = _positive(ev, "s", 1), _alpha(ev)
    hyp = [_membership(ev, g, D, net.H, restricted=False)]
    if hyp[0].holds is False:
        return [], hyp
    lo, up, _ = _bounds(net, g, D, ev)
    return [_dist_relation(lo, up, _sup(net, g, D, ev), "L^∞", s, alpha)], hyp


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


def eval_sqrt_sharp(ev: Evaluation):
    """Claim 8 (P0, P0b): Γ = (δ, 0, δ), g = ερ(x) (δ = 0: the zero neuron): ‖·‖ = |ε − δ²| and
    dist = |√ε − δ| (ε a rational square)."""
    net = _exact(ev)
    D = _D(ev)
    eps, delta = _q(ev, "eps", fmpq(1, 4)), _q(ev, "delta", 0)
    r = fibre.exact_sqrt(eps)
    if r is None or eps <= 0 or delta < 0:
        # ε = 0 is outside the family: g = 0 has zero neurons in its fibre, dist = δ/(1 + D)-ish, not δ
        raise InputError("params.eps must be a positive rational square and delta >= 0", "params.eps")
    if tuple(net.theta) != (delta, fmpq(0), delta, fmpq(0)):
        raise InputError("claim 8 fixes Γ = (δ, 0, δ), e = 0; give it as network", "network")
    g = _g([(r, 0, r)])
    if D > 1:
        return [], [Hypothesis("D ≤ 1 (Ω ⊆ [−1, 1], where ‖g − R(Γ)‖ = |ε − δ²|)", False,
                               f"outside the claim's scope: on [−D, D] with D = {to_json(D)} > 1 the sup norm "
                               "D|ε − δ²| exceeds the slope |ε − δ²|")]
    lo, up, wit = _bounds(net, g, D, ev)
    return [relation("‖g − R(Γ)‖_{W^{1,∞}} = |ε − δ²|", _norm(ev, net, g, D), "=", abs(eps - delta * delta)),
            _bounded("dist(Γ, R⁻¹(g)) = |√ε − δ|", lo, up, "=", abs(r - delta))] + \
        _witness_relations(lo, up, wit, g, D), []


def _p1(e):
    return _g([(1, 0, 0)]), _g([(1, fmpq(-1, 2), e)])


def _p2(e):
    return _g([(1, -2, 1)]), _g([(1, 0, e)])


def _p3(e):
    return _g([(1, 0, 1), (1, 0, 1)]), _g([(1, 0, 2), (1, fmpq(-1, 2), e)])


def _p4(e):
    return _g([(1, 0, 1), (-1, 0, -1)]), _g([(1, fmpq(-1, 2), 1 + e), (-1, fmpq(1, 2), -1)], fmpq(1, 2))


def _hidden_affine(e):
    return _g([(1, 2, 1), (-1, 2, 1)]), _g([(1, 0, e), (0, 0, 0)], 4)


def eval_unbalanced(ev):
    """Claim 9 (P1, breaks R1): Γ = (1, 0, 0), g = ερ(x − ½): dist ≥ 1/3 for ε ≤ 2/9."""
    return _pathology(ev, lambda e: 0 < e <= fmpq(2, 9), _p1, lambda e: fmpq(1, 3), rule="R1")


def eval_inactive(ev):
    """Claim 10 (P2, breaks R2): Γ = (1, −2, 1), g = ερ(x): dist ≥ 2."""
    return _pathology(ev, lambda e: 0 < e <= 1, _p2, lambda e: fmpq(2), rule="R2")


def eval_redundant(ev):
    """Claim 11 (P3, breaks R3): Γ = (1,0,1),(1,0,1), g = 2ρ(x) + ερ(x − ½): dist = 1 − √ε."""
    def lower(e):
        r = fibre.exact_sqrt(e)
        if r is None:
            raise InputError("params.eps must be a rational square for this family", "params.eps")
        return 1 - r
    return _pathology(ev, lambda e: 0 < e < 1, _p3, lower, exact=lower, rule="R3")


def eval_opposite(ev):
    """Claim 12 (P4, breaks R4): Γ = (1,0,1),(−1,0,−1), R(Γ) = x, g = x + ερ(x − ½): dist ≥ ½, attained by
    Φ = (1,−½,1+ε),(−1,½,−1), e = ½."""
    return _pathology(ev, lambda e: 0 < e <= fmpq(1, 2), _p4, lambda e: fmpq(1, 2), exact=lambda e: fmpq(1, 2),
                      rule="R4")


def eval_fibre_distance(ev: Evaluation):
    """Claim 13: the certified lower bound never exceeds the explicit Φ's distance, and R(Φ) = g."""
    net = _exact(ev)
    g = _other(ev, net)
    D = _D(ev)
    if net.d != 1:
        raise InputError("the fibre distance is implemented in 1-D", "network")
    rels, _, lo, up = _family_relations(ev, net, g, D)
    return rels, [_scope("d = 1, Γ and g of any widths with g's interior kinks ≤ m, m ≤ 64, Ω = [−D, D]")]


# --------------------------------------------------------------------------------------------
# 14-18


def _flip_scope(net, other) -> Hypothesis:
    """Γ′ is Γ with a nonempty subset S of neurons flipped in place, (a_i, b_i, c_i) ↦ (−a_i, −b_i, c_i)
    for i ∈ S, the others unchanged, Σ_S c_i a_i = 0 (zero jump-slope sum) and e′ = e + Σ_S c_i b_i:
    the flip of claim 14 (cρ(z) = cρ(−z) + cz)."""
    name = "Γ′ is a flip of a nonempty zero-sum subset of Γ's neurons (claim 14's scope)"
    if other.H != net.H or other.d != net.d:
        return Hypothesis(name, False, "outside the claim's scope: Γ′ has another shape")
    n1, e1 = fibre._neurons(net)
    n2, e2 = fibre._neurons(other)
    S = []
    for i, ((a, b, c), (a2, b2, c2)) in enumerate(zip(n1, n2)):
        if (a2, b2, c2) == (a, b, c):
            continue
        if a2 == tuple(-x for x in a) and b2 == -b and c2 == c:
            S.append(i)
            continue
        return Hypothesis(name, False, f"outside the claim's scope: neuron {i} of Γ′ is neither Γ's nor its flip")
    slope = [sum((n1[i][2] * n1[i][0][k] for i in S), fmpq(0)) for k in range(net.d)]
    shift = sum((n1[i][2] * n1[i][1] for i in S), fmpq(0))
    ok = bool(S) and all(x == 0 for x in slope) and e2 == e1 + shift
    return Hypothesis(name, ok, "" if ok else "outside the claim's scope: no flipped neuron, a nonzero Σ_S c_i a_i, "
                                              "or e′ ≠ e + Σ_S c_i b_i")


def eval_flip_benign(ev: Evaluation, claim_identifiable=False):
    """Claim 14: Γ = (1,−t₁,1),(1,−t₂,−1), e = 0 and Γ_flip = (−1,t₁,1),(−1,t₂,−1), e = t₂ − t₁ realize the
    same function, both balanced with distinct kinks and no opposite pair, yet d_sym > 0 while the
    fibre distance is 0 (scope: Γ′ a flip of a zero-sum subset of Γ, both in Ñ).  Planted
    perm-scale-identifiable: equal realizations ⇒ equal up to permutation and positive scaling."""
    net = _exact(ev)
    D = _D(ev)
    other = _other(ev, net) if "other" in ev.inst.params else None
    if other is None:
        t1, t2 = _q(ev, "t1", fmpq(-1, 3)), _q(ev, "t2", fmpq(1, 2))
        other = _g([(-1, t1, 1), (-1, t2, -1)], t2 - t1)
    same = _norm(ev, net, other, D) if net.d == 1 else _sup(net, other, D)
    hyp = [Hypothesis("R(Γ) = R(Γ′) on Ω", same == 0, f"‖·‖ = {to_json(same)}"),
           _in_set(ev, net, D, drop=()), _in_set(ev, other, D, drop=(), name="Γ′")]
    if other.H != net.H:
        hyp.append(Hypothesis("Γ and Γ′ have the same width", False, "outside the claim's scope: widths differ"))
        return [], hyp
    if claim_identifiable:
        if ev.independent:
            return [relation("Γ′ = Γ up to permutation and positive scaling (exact matching, 1 = yes)",
                             fmpq(int(_perm_scale_equal(net, other))), "=", fmpq(1))], hyp
        return [relation("d_perm_scale(Γ, Γ′) = 0 (Γ′ = Γ up to permutation and positive scaling)",
                         fibre.d_perm_scale(net, other), "=", fmpq(0))], hyp
    hyp.append(_flip_scope(net, other))
    if not all(h.holds for h in hyp):
        return [], hyp
    lo, up, _ = _bounds(net, other, D, ev)
    return [_bounded("fibre distance dist(Γ, R⁻¹(R(Γ′))) = 0", lo, up, "=", fmpq(0)),
            relation("d_sym(Γ, Γ′) > 0 (a ratio from d_sym would be a false alarm)", fibre.d_sym(net, other), ">",
                     fmpq(0))], hyp


def _perm_scale_equal(net, other) -> bool:
    """Is there a bijection π and λ_i > 0 with (a′, b′, c′)_{π(i)} = (λ_i a_i, λ_i b_i, c_i/λ_i) and
    e′ = e?  Exact, by Kuhn matching on the exact pair test (independent of the minimax engine)."""
    n1, e1 = fibre._neurons(net)
    n2, e2 = fibre._neurons(other)
    if e1 != e2 or len(n1) != len(n2):
        return False

    def pair(u, w) -> bool:
        (a, b, c), (a2, b2, c2) = u, w
        lam = fibre._pos_ratio(a + (b,), a2 + (b2,))
        if lam is None:
            return False
        if all(x == 0 for x in a + (b,)):   # λ free: c′ = c/λ needs the same sign
            return (c > 0) == (c2 > 0) and (c < 0) == (c2 < 0)
        return c2 == c / lam

    adj = [[k for k, w in enumerate(n2) if pair(u, w)] for u in n1]
    return fibre._match(adj, len(n2)) is not None


def eval_perm_scale(ev):
    return eval_flip_benign(ev, claim_identifiable=True)


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


def _s_note(s):
    return (f"with the user's constant s = {to_json(s)} (params.s; the paper's s is unknown): a VIOLATED "
            "refutes this s on this pair (Γ, g), not Theorem 3.1")


def _round_down(x: arb, digits: int = 6) -> str:
    """A decimal ≤ every point of the ball x (outward rounding for a printed lower bound)."""
    bb = ball_bounds(x)
    if bb is None:
        return "?"
    k = 10 ** digits
    return to_json(fmpq(int((bb[0] * k).floor()), k))


def eval_thm31(ev: Evaluation, drop=()):
    """Claim 15 (Theorem 3.1, [RECONSTRUCTED], α = 2): ∀Γ ∈ Ñ, g ∈ R(Ñ) ∃Φ ∈ Ñ: R(Φ) = g,
    ‖Φ − Γ‖_∞ ≤ s‖g − R(Γ)‖^{1/2}.  With the user's params.s: HOLDS if upper² ≤ s²‖·‖ (an explicit Φ in
    the quantified set), VIOLATED if lower² > s²‖·‖ (certified fibre lower bound over all of P_N) --
    which refutes the user's s, the paper's s being unknown; else UNKNOWN.  Without s: UNKNOWN, κ
    recorded.  Scope hypotheses: Γ ∈ Ñ, g ∈ R(Ñ) or R(P_N) per quantifier variant (decided for the
    function g), n-semi only with e-zero.  Mutants drop one condition of Ñ."""
    net = _exact(ev)
    g = _other(ev, net)
    D = _D(ev)
    q = ev.variants.get("quantifiers", "tilde")
    hyp = [_in_set(ev, net, D, drop=drop),
           _membership(ev, g, D, net.H, restricted=q in ("tilde", "weak"), drop=drop)]
    if ev.variants.get("sobolev") == "semi" and ev.variants.get("output-bias") != "zero":
        hyp.append(Hypothesis("n-semi is used with e-zero", False, "outside the claim's scope: with a free output "
                              "bias the seminorm does not separate g from R(Γ) + constant (spec §5)"))
    if any(h.holds is False for h in hyp):
        return [], hyp
    norm = _norm(ev, net, g, D)
    lo, up, wit = _bounds(net, g, D, ev)
    if wit is not None and q in ("tilde", "mixed") and not _in_set(ev, wit, D, drop=drop).holds:
        # the theorem asks for Φ ∈ Ñ: an explicit Φ outside Ñ bounds the distance over P_N only and
        # cannot certify HOLDS (the lower bound over P_N still refutes soundly)
        ev.notes.append("the explicit Φ is not in Ñ: its distance is an upper bound over P_N only")
        up = None
    if norm == 0 and up == 0:
        return [relation("g = R(Γ) ⇒ dist = 0", fmpq(0), "=", fmpq(0))], hyp
    if norm == 0:   # n-semi with e-zero: g − R(Γ) constant ≠ 0, the bound asks dist = 0 for every s
        return [_bounded("dist(Γ, R⁻¹(g)) ≤ s·‖g − R(Γ)‖^(1/2) = 0 (for every s)", lo, up, "≤", fmpq(0))], hyp
    if "s" not in ev.inst.params:
        with precision(64):
            kappa = arb(lo) / arb(norm).sqrt()
        if all(h.holds for h in hyp):
            ev.objective("κ = dist/‖g − R(Γ)‖^(1/2), certified lower bound (a lower bound on s)", kappa)
        return [undecidable("Theorem 3.1 on this instance", f"no constant s given; κ ≥ {to_json(lo)}/√{to_json(norm)} "
                                                             f"≥ {_round_down(kappa)} (certified: s ≥ κ on this pair); "
                                                             f"upper bound {_txt(up)}")], hyp
    s = _positive(ev, "s")
    rhs = s * s * norm
    name = f"dist(Γ, R⁻¹(g))² ≤ s²‖g − R(Γ)‖_{{W^{{1,∞}}}} {_s_note(s)}"
    return [_bounded(name, lo * lo, None if up is None else up * up, "≤", rhs, "dist²")], hyp


def _drop(rule, build):
    """Planted: Theorem 3.1's inequality on Ñ without ``rule`` (no rule for the hidden-affine
    variant); the family g_ε of ``build`` is recorded for the report's log-log plot."""
    def fn(ev):
        rels, hyp = eval_thm31(ev, drop=(rule,) if rule else ())
        net, D = ev.inst.net, _D(ev)
        if not ev.independent and all(h.holds for h in hyp) and net.d == 1 and D == 1 and net.H <= 4:
            try:
                _record_family(ev, net, build, D, _norm(ev, net, _other(ev, net), D))
            except InputError:  # the built-in family may not fit the user's Γ (a g with more kinks than m): no plot
                pass
        return rels, hyp
    fn.__doc__ = f"Planted: Theorem 3.1's inequality on Ñ without {rule or 'the interior form of R2'}."
    return fn


def eval_exponent_above_half(ev: Evaluation):
    """Planted beg19.pv.exponent-above-half: (s, α) inverse stability with α < 2 (α = params.alpha,
    default 1) on Ñ (R1–R4): dist ≤ s·‖·‖^{1/α}; the user's (s, α) is refuted on this pair by the
    certified fibre lower bound."""
    net = _exact(ev)
    g = _other(ev, net)
    D = _D(ev)
    s, alpha = _positive(ev, "s", 1), _alpha(ev)
    if not (0 < alpha < 2):
        raise InputError("params.alpha must lie in (0, 2)", "params.alpha")
    hyp = [_in_set(ev, net, D), _membership(ev, g, D, net.H, restricted=True)]
    if any(h.holds is False for h in hyp):
        return [], hyp
    norm = _norm(ev, net, g, D)
    lo, up, wit = _bounds(net, g, D, ev)
    if wit is not None and not _in_set(ev, wit, D).holds:
        up = None  # Φ must lie in Ñ: an explicit Φ outside it cannot certify the inequality
    return [_dist_relation(lo, up, norm, "W^{1,∞}", s, alpha)], hyp


def eval_prop12_without_is(ev: Evaluation):
    """Planted beg19.pv.prop12-without-is: Γ an r-local minimum of L∘R on P_N ⇒ R(Γ) a local minimum of
    L on R(P_N), for L(f) = ∫_Ω (f − y)² (y = params.y).  The premise is certified when every neuron of
    every Φ in the r-ball is dead on Ω (then R(Φ) is a constant e′ ∈ [e − r, e + r] and L is an exact
    quadratic in e′); the conclusion is refuted by f = params.other with L(f) < L(R(Γ))."""
    net = _exact(ev)
    if net.d != 1:
        raise InputError("this planted violation is certified in 1-D", "network")
    f = _other(ev, net)
    y = _other(ev, net, "y")
    D = _D(ev)
    r = _positive(ev, "r", fmpq(1, 2))
    terms, e = R.neuron_terms(net)
    dead = all((abs(a) + r) * D + b + r <= 0 for a, b, _ in terms)  # max over the r-ball and Ω of ax + b
    yt, ey = R.neuron_terms(y)
    # L(e') = ∫(e' − y)² = 2D e'² − 2e'∫y + ∫y², minimized over [e − r, e + r]
    iy = _integral_lin(R.canonical_from_terms(yt, ey, D))
    iy2 = _integral_sq(R.canonical_from_terms(yt, ey, D))
    best = min(max(iy / (2 * D), e - r), e + r)
    min_ball = 2 * D * best * best - 2 * best * iy + iy2
    L_gamma = _integral_sq(R.canonical_from_terms(terms + [(a, b, -c) for a, b, c in yt], e - ey, D))
    ft, ef = R.neuron_terms(f)
    L_f = _integral_sq(R.canonical_from_terms(ft + [(a, b, -c) for a, b, c in yt], ef - ey, D))
    if ev.independent:
        L_gamma, L_f = _loss_direct(net, y, D), _loss_direct(f, y, D)
    hyp = [Hypothesis("f = params.other ∈ R(P_N): its width is at most m", f.H <= net.H,
                      "" if f.H <= net.H else f"outside the claim's scope: f has width {f.H} > m = {net.H}"),
           # the premise is certified only where every Φ of the r-ball is dead on Ω (R(Φ) constant, L an exact
           # quadratic in e'); elsewhere it is undecided -- never false, since that would make the verdict vacuous
           Hypothesis("Γ is an r-local minimum of L∘R on P_N: L(R(Γ)) ≤ min over the r-ball",
                      (L_gamma <= min_ball) if dead else None,
                      f"L(R(Γ)) = {to_json(L_gamma)}, min over the r-ball = {to_json(min_ball)} (every Φ of the "
                      "ball is dead on Ω)" if dead else "not certified: some Φ with ‖Φ − Γ‖_∞ ≤ r has a neuron "
                      "alive on Ω, and the certificate needs R(Φ) constant on the whole ball")]
    dist = R.w1inf_distance(net, f, D)
    ev.notes.append(f"‖f − R(Γ)‖_{{W^{{1,∞}}}} = {to_json(dist)}")
    return [relation("L(f) ≥ L(R(Γ)) for the nearby realization f (R(Γ) a local minimum on R(P_N))", L_f, "≥",
                     L_gamma, note=f"‖f − R(Γ)‖_{{W^{{1,∞}}}} = {to_json(dist)}; R(Γ) is a constant e (all neurons "
                                   "dead), so f_t = (1 − t)e + t·f ∈ R(P_N) (scale f's c and e) lies at distance "
                                   "t‖f − R(Γ)‖ and, L being convex, L(f_t) ≤ (1 − t)L(R(Γ)) + tL(f) < L(R(Γ)) for "
                                   "every t ∈ (0, 1]: every radius fails")], hyp


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


def _integral_lin(f: R.Canonical) -> fmpq:
    return sum((v * (x1 - x0) + s * (x1 - x0) ** 2 / 2 for x0, x1, v, s in f.pieces()), fmpq(0))


def eval_prop12_transfer(ev: Evaluation):
    """Claim 16 on a finite Ñ (params.points: ≤ 8 networks, params.losses: L of each realization,
    params.s, params.r, α = 2): if R is (s, 2) inverse stable on Ñ and Γ = points[0] is an r-local
    minimum of L∘R on Ñ, then R(Γ) is a local minimum of L on R(Ñ) with radius (r/s)²."""
    _exact(ev)
    D = _D(ev)
    raw_pts, raw_losses = ev.inst.params.get("points"), ev.inst.params.get("losses")
    if not isinstance(raw_pts, list) or not isinstance(raw_losses, list):
        raise InputError("params.points (a list of networks) and params.losses (a list of numbers) are required",
                         "params.points")
    pts = [Network.from_json(p, f"params.points[{k}]") for k, p in enumerate(raw_pts)]
    losses = [parse_rational(v, f"params.losses[{k}]") for k, v in enumerate(raw_losses)]
    if not (1 <= len(pts) <= 8) or len(losses) != len(pts):
        raise InputError("params.points (1..8 networks) and params.losses (one per point) are required", "params")
    s, r = _positive(ev, "s"), _positive(ev, "r")
    if any(p.d != 1 or not p.is_shallow or p.H != pts[0].H for p in pts):
        raise InputError("params.points must be 1-D shallow networks of one width", "params.points")
    same = [[R.w1inf_distance(p, q, D) == 0 for q in pts] for p in pts]
    consistent = all(losses[i] == losses[j] for i in range(len(pts)) for j in range(len(pts)) if same[i][j])
    par = [[max(abs(x - y) for x, y in zip(p.theta, q.theta)) for q in pts] for p in pts]
    norm = [[R.w1inf_distance(p, q, D) for q in pts] for p in pts]
    stable = all(any(same[k][j] and par[k][i] ** 2 <= s * s * norm[j][i] for k in range(len(pts)))
                 for i in range(len(pts)) for j in range(len(pts)))
    local_param = all(losses[0] <= losses[k] for k in range(len(pts)) if par[k][0] <= r)
    radius2 = (r / s) ** 2  # ‖g − R(Γ)‖ ≤ (r/s)² with α = 2
    local_real = all(losses[0] <= losses[k] for k in range(len(pts)) if norm[k][0] <= radius2)
    hyp = [Hypothesis("L depends on the realization only", consistent),
           Hypothesis("R is (s, 2) inverse stable on the finite Ñ", stable),
           Hypothesis("Γ is an r-local minimum of L∘R on Ñ", local_param)]
    return [relation("R(Γ) is a local minimum of L on R(Ñ) with radius (r/s)²", fmpq(int(local_real)), "=", fmpq(1))], hyp


def eval_normalize(ev: Evaluation):
    """Claim 17: the normalize map keeps the realization exactly; records how many extra neurons the
    affine device needed."""
    net = _exact(ev)
    D = _D(ev)
    out, stats = fibre.normalize(net, D)
    ev.notes.append(f"normalize: {stats}")
    if net.d == 1:
        same = R.direct_sobolev(net, out, D) if ev.independent else R.w1inf_distance(net, out, D)
    else:
        from . import arrangement
        same = arrangement.w1inf_exact(net, out, D, "max")
    return [relation("‖R(normalize(Γ)) − R(Γ)‖_{W^{1,∞}} = 0", same, "=", fmpq(0))], [
            _scope("shallow networks on the cube (d ≥ 2: m ≤ 10, the arrangement engine's scope)")]


def eval_restricted_expressivity(ev: Evaluation):
    """Claim 18 ([ABSTRACT], form unknown): Γ ↦ Γ̃ ∈ Ñ_{m′} with R(Γ̃) = R(Γ); reports m′ − m; UNKNOWN."""
    net = _exact(ev)
    D = _D(ev)
    out, stats = fibre.normalize(net, D)
    ev.notes.append(f"m′ − m = {out.H - net.H}; {stats}")
    return [undecidable("optimizing over Ñ learns what unrestricted optimization learns",
                        "the exact / approximate / width-growing reading is unresolved (spec C18)")], []


def eval_equal_width_expressivity(ev: Evaluation):
    """Planted beg19.pv.equal-width-expressivity: R(Ñ_m) = R(P_m).  In 1-D every Φ ∈ Ñ_m has exactly m
    interior kinks with nonzero jumps (R2: each kink inside Ω, R1: c ≠ 0, R3/R4: no two neurons share
    a kink), so a function of width m with fewer nonzero interior kinks is not in R(Ñ_m)."""
    net = _exact(ev)
    D = _D(ev)
    if net.d != 1:
        raise InputError("this planted violation is certified in 1-D", "network")
    if ev.independent:
        n = len(fibre._direct_kinks(net, fibre._fr(D)))
    else:
        n = len(R.canonical(net, D).kinks)
    return [relation("#nonzero interior kinks of R(Γ) = m (as for every member of R(Ñ_m))", fmpq(n), "=",
                     fmpq(net.H), note="R(Γ) ∈ R(P_m) with fewer kinks is the witness: every Φ ∈ Ñ_m has m")], [
                             _scope('d = 1, default restricted set (R1 bal-a, R2 interior, R3/R4 on (a, b)), Ω = [−D, D]')]


# --------------------------------------------------------------------------------------------
# registration


def _inst(**kw):
    def make():
        from . import strategies as vst

        return vst.beg19_instances(**kw)
    return make


def _fixed(inst):
    """A strategy thunk that always draws ``inst`` (families whose Γ and g are fixed up to ε)."""
    def make():
        from hypothesis import strategies as st

        return st.just(inst)
    return make


def _s_family(network, other_of):
    """Thunk: s drawn from [1, 6] (rational), the target built from k = ⌊s⌋ + 1 by ``other_of(k)``
    (the spec's witness families of §4)."""
    def make():
        from hypothesis import strategies as st

        def build(p):
            s = fmpq(p[0], p[1])
            k = int(s.p // s.q) + 1
            return {"network": network, "params": {"other": other_of(k), "s": to_json(s)}}
        return st.tuples(st.integers(4, 24), st.integers(1, 4)).map(build)
    return make


def _family_inst(network, eps_values):
    def make():
        from hypothesis import strategies as st

        return st.sampled_from(eps_values).map(lambda e: {"network": network, "params": {"eps": e}})
    return make


def _j(neurons, e="0"):
    a = [str(n[0]) for n in neurons]
    b = [str(n[1]) for n in neurons]
    c = [str(n[2]) for n in neurons]
    return {"widths": [1, len(neurons), 1], "theta": a + b + c + [str(e)]}


P0B_GAMMA = _j([("1/6", 0, "1/6")])
P0B_G = _j([("1/3", 0, "1/3")])
FLIP_G = _j([(1, "1/3", 1), (1, "-1/2", -1)])
FLIP_G2 = _j([(-1, "-1/3", 1), (-1, "1/2", -1)], "5/6")


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_D_ = {"D": Param("rational > 0", 1, "half-width of the domain Ω = [−D, D]^d")}
_OTHER = {**_D_, "other": Param("network", None, "required: the second shallow network Φ (same input dimension)")}
_RATE = {"s": Param("rational > 0", None, "the stability constant s to test (required where the claim needs it)"),
         "alpha": Param("rational > 0", 1, "the stability exponent α")}
_PATH = {**_OTHER, "eps": Param("rational", "1/100", "the size ε of the perturbation g = Γ + ερ(·)"),
         "s": Param("rational > 0", None, "the stability constant s to test (optional)")}
PARAMS = {
    "w1inf-exact-1d": _OTHER, "w1inf-arrangement-dd": _OTHER, "kink-matching": _OTHER, "fibre-distance-1d": _OTHER,
    "flip-benign": _OTHER, "normalize-map": _D_, "restricted-expressivity": _D_,
    "relu-identities": {**_D_, "lambda": Param("rational > 0", 2, "the scale λ of ρ(λt) = λρ(t)"),
                        "t1": Param("rational", "-1/3", "first test point"),
                        "t2": Param("rational", "1/2", "second test point")},
    "forward-lipschitz-linf": {**_OTHER, "L": Param("rational > 0", None, "a user's Lipschitz constant to check "
                                                                          "(default: the derived one)")},
    "convex-loss-nonconvex-set": {**_OTHER, "y": Param("network", None, "required: the network of the data y"),
                                  "t": Param("rational", "1/2", "the convex-combination weight t")},
    "linf-instability": {**_OTHER, **_RATE, "n": Param("rational", 9, "the index n of g_n")},
    "sqrt-sharp": {**_OTHER, **_RATE, "eps": Param("rational", "1/4", "ε of g = ερ(x) (a rational square)"),
                   "delta": Param("rational", 0, "δ of Γ = (δ, 0, δ)")},
    "pathology-unbalanced": _PATH, "pathology-inactive": _PATH, "pathology-redundant": _PATH,
    "pathology-opposite": _PATH,
    "thm31-inverse-stability": {**_OTHER, "s": Param("rational > 0", None, "the constant s of Theorem 3.1 to test "
                                                                           "(without it: UNKNOWN)")},
    "prop12-transfer": {**_OTHER, **_RATE, "r": Param("rational > 0", "1/2", "the radius r of the local minimum"),
                        "y": Param("network", None, "the network of the data y"),
                        "points": Param("list of networks", None, "with losses: explicit points of R(Ñ)"),
                        "losses": Param("list of rationals", None, "the losses L at params.points")},
}
_Q = {"q-full": [("g ∈ R(Ñ)", "g ∈ R(P_N)"), ("∃Φ ∈ Ñ", "∃Φ ∈ P_N")], "q-weak": [("∃Φ ∈ Ñ", "∃Φ ∈ P_N")],
      "q-mixed": [("g ∈ R(Ñ)", "g ∈ R(P_N)")]}
_NORM = "‖g − R(Γ)‖_{W^{1,∞}}^{1/2}"
STATEMENT_SUBS = {**_Q, "n-grad2": [(_NORM, _NORM + " with ‖f‖_{W^{1,∞}} = max(‖f‖_∞, ‖|∇f|₂‖_∞)")],
                  "n-sum": [(_NORM, _NORM + " with ‖f‖_{W^{1,∞}} = ‖f‖_∞ + ‖∇f‖_∞")],
                  "n-semi": [(_NORM, "|g − R(Γ)|_{W^{1,∞}}^{1/2} (the seminorm ‖∇f‖_∞)")],
                  "e-zero": [("∀Γ ∈ Ñ", "∀Γ ∈ Ñ with output bias 0")]}

def _claim(id_, prov, statement, fn, *, groups=(), examples=(), mutants=(), instances=None):
    return register(Claim(id=f"beg19.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=list(examples), variant_groups=groups, mutants=list(mutants),
                          family="beg19", instances=instances, uses_target=False,
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    return Mutant(parent=f"beg19.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {}, instances=instances)


TWO = _j([(1, 0, 1), (-1, "1/2", 1)])
TWO_G = _j([(1, "1/10", 1), (-1, "1/2", 1)])

_claim("w1inf-exact-1d", "DERIVED", "‖f‖_{L^∞} = max_T |f| and ‖f′‖_{L^∞} = max |Δf/Δt| over consecutive points of "
       "T = {±D} ∪ kinks, for f = R(Γ) − R(Γ′) in 1-D (exact, O(M log M))", eval_w1inf_exact_1d,
       examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=False))
_claim("w1inf-arrangement-dd", "DERIVED", "d ≥ 2: the exact W^{1,∞} distance over the hyperplane arrangement lies in "
       "the certified branch-and-bound enclosure (equals the 1-D value for d = 1)", eval_w1inf_arrangement,
       examples=[{"network": {"widths": [2, 1, 1], "theta": ["1", "0", "0", "0", "0"]},
                  "params": {"other": {"widths": [2, 1, 1], "theta": ["0", "1", "0", "1/10", "0"]}}}],
       instances=_inst(restricted=False, max_width=2))
_claim("relu-identities", "DERIVED", "ρ(λt) = λρ(t) (λ > 0), rebalancing, merging, the flip identity and "
       "ρ(x+2) + ρ(−x+2) = 4 on [−1, 1] keep the realization (W^{1,∞} distance exactly 0)", eval_relu_identities,
       examples=[{"network": TWO, "params": {"lambda": "3"}}], instances=_inst(restricted=False))
_claim("kink-matching", "DERIVED", "at every kink of f: |J_f − J_g| ≤ 2‖(f − g)′‖_{L^∞} (so ‖f − g‖_{W^{1,∞}} < |J|/2 "
       "forces g to kink at the same place)", eval_kink_matching,
       examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=False))
_claim("forward-lipschitz-linf", "DERIVED", "‖R(Φ) − R(Γ)‖_{L^∞(Ω)} ≤ (2mB(dD+1) + 1)·‖Φ − Γ‖_∞ with "
       "B ≥ ‖Γ‖_∞, ‖Φ‖_∞", eval_forward_lipschitz,
       examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=False, edits=("perturb",)),
       mutants=[_mutant("forward-lipschitz-linf", "w1inf", "beg19.pv.forward-w1inf",
                        "R is Lipschitz from (P_N, ‖·‖_∞) into W^{1,∞}(Ω) with claim 5's constant 2mB(dD+1) + 1 "
                        "(params.L overrides it)", eval_forward_w1inf,
                        {"network": _j([(1, 0, 1)]), "params": {"other": _j([(1, "1/1000", 1)])}},
                        instances=_inst(restricted=True, edits=("move",)))])
_claim("convex-loss-nonconvex-set", "ABSTRACT", "L((1−t)f + tg) = (1−t)L(f) + tL(g) − t(1−t)∫(f−g)² for "
       "L(f) = ∫_Ω (f − y)², while R(P_N) is not convex (|x|/2 is not a width-1 realization)", eval_convex_loss,
       examples=[{"network": TWO, "params": {"other": TWO_G, "y": _j([(1, "-1/4", 2)], "1/3"), "t": "1/3"}}],
       instances=_inst(restricted=False, extra_params={"y": _j([(1, "-1/4", 2)], "1/3"), "t": "2/5"}))
_claim("linf-instability", "RECONSTRUCTED", "L^∞ inverse stability fails: Γ = 0, g_n = (1/n)ρ(n²x) − (1/n)ρ(n²x − 1) "
       "have ‖g_n‖_{L^∞} = 1/n but dist = √n (n ≥ 2, both kinks inside Ω)", eval_linf_instability,
       examples=[{"network": _j([(0, 0, 0), (0, 0, 0)]), "params": {"n": 9, "s": "2", "alpha": "1"}}],
       instances=_family_inst(_j([(0, 0, 0), (0, 0, 0)]), ["1"]),
       mutants=[_mutant("linf-instability", "linf-stable", "beg19.pv.linf-stable",
                        "(s, α) inverse stability w.r.t. L^∞ on P_N, m = 2", eval_linf_stable,
                        {"network": _j([(0, 0, 0), (0, 0, 0)]),
                         "params": {"other": _j([(9, 0, "1/3"), (9, -1, "-1/3")]), "s": "2", "alpha": "1"}},
                        instances=_fixed({"network": _j([(0, 0, 0), (0, 0, 0)]),
                                          "params": {"other": _j([(16, 0, "1/4"), (16, -1, "-1/4")]), "s": "1",
                                                     "alpha": "2"}}))])
_claim("sqrt-sharp", "DERIVED", "P0/P0b: Γ = (δ,0,δ), g = ερ(x) (ε > 0 a rational square, D ≤ 1): ‖·‖ = |ε − δ²|, "
       "dist = |√ε − δ|, so the exponent 1/2 is sharp", eval_sqrt_sharp,
       examples=[{"network": _j([(0, 0, 0)]), "params": {"eps": "1/4", "delta": "0"}},
                 {"network": _j([("1/6", 0, "1/6")]), "params": {"eps": "1/9", "delta": "1/6"}}],
       instances=_fixed({"network": _j([("1/10", 0, "1/10")]), "params": {"eps": "1/16", "delta": "1/10"}}),
       mutants=[_mutant("sqrt-sharp", "exponent-above-half", "beg19.pv.exponent-above-half",
                        "(s, α) inverse stability w.r.t. W^{1,∞} with α < 2 on R1–R4", eval_exponent_above_half,
                        {"network": P0B_GAMMA, "params": {"other": P0B_G, "s": "1", "alpha": "1"}},
                        instances=_fixed({"network": _j([("1/10", 0, "1/10")]),
                                          "params": {"other": _j([("1/5", 0, "1/5")]), "s": "1", "alpha": "1"}}))])
_claim("pathology-unbalanced", "RECONSTRUCTED", "P1 (breaks R1) on Ω = [−1, 1]: Γ = (1,0,0), g = ερ(x − ½): ‖·‖ = ε, dist ≥ 1/3",
       eval_unbalanced, groups=SET, examples=[{"network": _j([(1, 0, 0)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, 0, 0)]), ["1/100", "1/10", "2/9", "1/10000"]),
       mutants=[_mutant("pathology-unbalanced", "no-balance", "beg19.pv.no-balance",
                        "(s, 2) inverse stability on Ñ without R1", _drop("R1", _p1),
                        {"network": _j([(1, 0, 0)]), "params": {"other": _j([(1, "-1/2", "1/36")]), "s": "1"}},
                        instances=_s_family(_j([(1, 0, 0)]), lambda k: _j([(1, "-1/2", f"1/{9 * k * k}")])))])
_claim("pathology-inactive", "RECONSTRUCTED", "P2 (breaks R2) on Ω = [−1, 1]: Γ = (1,−2,1), g = ερ(x): ‖·‖ = ε, dist ≥ 2",
       eval_inactive, groups=SET, examples=[{"network": _j([(1, -2, 1)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, -2, 1)]), ["1/100", "1/10", "1"]),
       mutants=[_mutant("pathology-inactive", "no-visibility", "beg19.pv.no-visibility",
                        "(s, 2) inverse stability on Ñ without R2", _drop("R2", _p2),
                        {"network": _j([(1, -2, 1)]), "params": {"other": _j([(1, 0, "1/4")]), "s": "1"}},
                        instances=_s_family(_j([(1, -2, 1)]), lambda k: _j([(1, 0, f"1/{k * k}")]))),
                _mutant("pathology-inactive", "hidden-affine", "beg19.pv.hidden-affine",
                        "(s, 2) inverse stability with q-full, bal-a, r2-nonvanishing, par-ab", _drop(None, _hidden_affine),
                        {"network": _j([(1, 2, 1), (-1, 2, 1)]),
                         "params": {"other": _j([(1, 0, "1/4"), (0, 0, 0)], 4), "s": "1"}},
                        forced={"quantifiers": "q-full", "visibility": "r2-nonvanishing"},
                        instances=_s_family(_j([(1, 2, 1), (-1, 2, 1)]),
                                            lambda k: _j([(1, 0, f"1/{k * k}"), (0, 0, 0)], 4)))])
_claim("pathology-redundant", "RECONSTRUCTED", "P3 (breaks R3) on Ω = [−1, 1]: Γ = (1,0,1),(1,0,1), g = 2ρ(x) + ερ(x − ½): "
       "dist = 1 − √ε", eval_redundant, groups=SET,
       examples=[{"network": _j([(1, 0, 1), (1, 0, 1)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, 0, 1), (1, 0, 1)]), ["1/100", "1/4", "1/10000"]),
       mutants=[_mutant("pathology-redundant", "no-redundancy", "beg19.pv.no-redundancy",
                        "(s, 2) inverse stability on Ñ without R3", _drop("R3", _p3),
                        {"network": _j([(1, 0, 1), (1, 0, 1)]),
                         "params": {"other": _j([(1, 0, 2), (1, "-1/2", "1/9")]), "s": "1"}},
                        instances=_s_family(_j([(1, 0, 1), (1, 0, 1)]),
                                            lambda k: _j([(1, 0, 2), (1, "-1/2", f"1/{(k + 1) ** 2}")])))])
_claim("pathology-opposite", "RECONSTRUCTED", "P4 (breaks R4) on Ω = [−1, 1]: Γ = (1,0,1),(−1,0,−1), g = x + ερ(x − ½): dist = ½",
       eval_opposite, groups=SET, examples=[{"network": _j([(1, 0, 1), (-1, 0, -1)]), "params": {"eps": "1/100"}}],
       instances=_family_inst(_j([(1, 0, 1), (-1, 0, -1)]), ["1/100", "1/2", "1/10000"]),
       mutants=[_mutant("pathology-opposite", "no-opposite", "beg19.pv.no-opposite",
                        "(s, 2) inverse stability on Ñ without R4", _drop("R4", _p4),
                        {"network": _j([(1, 0, 1), (-1, 0, -1)]),
                         "params": {"other": _j([(1, "-1/2", "101/100"), (-1, "1/2", -1)], "1/2"), "s": "1"}},
                        instances=_s_family(_j([(1, 0, 1), (-1, 0, -1)]),
                                            lambda k: _j([(1, "-1/2", f"{1 + 8 * k * k}/{8 * k * k}"),
                                                          (-1, "1/2", -1)], "1/2")))])
_claim("fibre-distance-1d", "DERIVED", "in 1-D the certified fibre lower bound never exceeds the distance of an "
       "explicit Φ with R(Φ) = g", eval_fibre_distance, examples=[{"network": TWO, "params": {"other": TWO_G}}],
       instances=_inst(restricted=False))
_claim("flip-benign", "DERIVED", "flipping a zero-jump-sum subset is an exact symmetry: for Γ′ such a flip of Γ with "
       "both in Ñ, equal realizations, fibre distance 0, yet d_sym > 0", eval_flip_benign,
       examples=[{"network": FLIP_G, "params": {"other": FLIP_G2}}],
       instances=_fixed({"network": FLIP_G, "params": {"other": FLIP_G2}}),
       mutants=[_mutant("flip-benign", "perm-scale-identifiable", "beg19.pv.perm-scale-identifiable",
                        "balanced nets with distinct kinks and no opposite pair: R(Γ) = R(Γ′) ⇒ Γ′ = Γ up to "
                        "permutation and positive scaling", eval_perm_scale,
                        {"network": FLIP_G, "params": {"other": FLIP_G2}})])
_claim("thm31-inverse-stability", "RECONSTRUCTED", "Theorem 3.1: ∀Γ ∈ Ñ, g ∈ R(Ñ) ∃Φ ∈ Ñ: R(Φ) = g, "
       "‖Φ − Γ‖_∞ ≤ s‖g − R(Γ)‖_{W^{1,∞}}^{1/2} (s unknown: UNKNOWN unless params.s decides it)", eval_thm31,
       groups=SET, examples=[{"network": TWO, "params": {"other": TWO_G}}], instances=_inst(restricted=True))
_claim("prop12-transfer", "RECONSTRUCTED", "Proposition 1.2: (s, α) inverse stability on Ñ and an r-local minimum of "
       "L∘R on Ñ give a local minimum of L on R(Ñ) with radius (r/s)^α", eval_prop12_transfer,
       examples=[{"network": TWO, "params": {"points": [TWO, TWO_G, _j([(1, 0, 1), (-1, "1/2", 2)])],
                                             "losses": ["1", "2", "3"], "s": "2", "r": "1/4"}}],
       instances=_fixed({"network": TWO, "params": {"points": [TWO, TWO_G], "losses": ["1", "1/2"], "s": "1",
                                                    "r": "1/20"}}),
       mutants=[_mutant("prop12-transfer", "without-is", "beg19.pv.prop12-without-is",
                        "Γ an r-local minimum of L∘R on P_N ⇒ R(Γ) a local minimum of L on R(P_N)",
                        eval_prop12_without_is,
                        {"network": _j([(1, -2, 1)], "1/4"),
                         "params": {"other": _j([(1, 0, "1/10")], "9/40"), "y": _j([(1, 0, 1)]), "r": "1/2"}},
                        instances=_fixed({"network": _j([(1, -2, 1)], "1/4"),
                                          "params": {"other": _j([(1, 0, "1/100")], "99/400"), "y": _j([(1, 0, 1)]),
                                                     "r": "1/2"}}))])
_claim("normalize-map", "DERIVED", "rebalancing, removing dead neurons, merging same-hyperplane neurons and resolving "
       "opposite pairs keep R(Γ) exactly", eval_normalize, examples=[{"network": TWO}],
       instances=_inst(restricted=False))
_claim("restricted-expressivity", "ABSTRACT", "optimizing over the restricted sets learns whatever unrestricted "
       "optimization learns (form unknown: UNKNOWN; m′ − m reported)", eval_restricted_expressivity,
       examples=[{"network": TWO}], instances=_inst(restricted=False),
       mutants=[_mutant("restricted-expressivity", "equal-width", "beg19.pv.equal-width-expressivity",
                        "R(Ñ_m) = R(P_m) for every m (default R1–R4)", eval_equal_width_expressivity,
                        {"network": _j([(1, 0, 1), (-1, 0, -1)])},
                        instances=_fixed({"network": _j([(2, 0, 2), (-2, 0, -2)])}))])
