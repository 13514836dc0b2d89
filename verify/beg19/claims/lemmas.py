"""beg19 claims 1-6: the exact W^{1,∞} norms (1-D canonical form against a direct evaluation; d ≥ 2
hyperplane arrangement against branch and bound), the ReLU identities (rescaling, rebalancing,
merging, the flip), kink matching |J_f − J_g| ≤ 2‖(f − g)′‖_{L^∞}, the forward Lipschitz bound
‖R(Φ) − R(Γ)‖_{L^∞} ≤ (2mB(dD + 1) + 1)‖Φ − Γ‖_∞ (and its planted W^{1,∞} variant), and the convex
loss L(f) = ∫_Ω (f − y)² on the non-convex set R(P_N).
"""

from __future__ import annotations

from flint import fmpq

from ... import realization as R
from ...framework import Evaluation, relation
from ...errors import InputError
from ...numbers import to_json
from .. import fibre
from .common import _D, _exact, _integral_sq, _loss_direct, _net1d, _norm, _other, _positive, _q, _scope, _sup


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
    T = R.sorted_unique([-D, D] + [-b / a for a, b, _ in t1 + t2 if a != 0 and -D < -b / a < D])
    val = [R.evaluate(t1, e1, t) - R.evaluate(t2, e2, t) for t in T]
    sup_direct = max(abs(v) for v in val)
    lip_direct = max(abs((val[k + 1] - val[k]) / (T[k + 1] - T[k])) for k in range(len(T) - 1))
    rels = [relation("‖f‖_∞ (canonical form) = max_T |f| (direct evaluation)", f.sup_norm(), "=", sup_direct),
            relation("‖f′‖_∞ (canonical form) = max |Δf/Δt| over consecutive T", f.lip_norm(), "=", lip_direct)]
    if ev.independent:
        from .. import arrangement
        ds, dl = R.direct_distances(net, other, D)
        rels += [relation("sup norm = arrangement engine (d = 1)", f.sup_norm(), "=",
                          arrangement.sup_norm_exact(net, other, D)),
                 relation("‖f‖_∞ = direct Fraction evaluation", f.sup_norm(), "=", ds),
                 relation("‖f′‖_∞ = direct Fraction evaluation", f.lip_norm(), "=", dl)]
    return rels, [_scope('d = 1, shallow networks Γ, Γ′ of any widths, Ω = [−D, D], D > 0')]


def eval_w1inf_arrangement(ev: Evaluation):
    """Claim 2: the exact arrangement value lies in the certified branch-and-bound enclosure (and
    equals claim 1 in 1-D)."""
    from .. import arrangement

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

    def jump_of_g(t):  # J_g(t), looked up by comparisons (a dict would hash t: see verify.cells)
        return next((Jg for s, Jg in g.kinks if s == t), fmpq(0))

    rels = [relation(f"kink t = {to_json(t)}: |J_f − J_g| ≤ 2‖(f − g)′‖_∞", abs(J - jump_of_g(t)), "≤", 2 * lip)
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
