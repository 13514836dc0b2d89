"""beg19 claims 7-13: the L^∞ instability g_n (P0′), the sharp exponent 1/2 (P0, P0b), the four
pathology families P1-P4 that each break one condition R1-R4 of Ñ on Ω = [−1, 1] (g = R(Γ) + ερ(·),
‖g − R(Γ)‖ = ε while dist(Γ, R⁻¹(g)) stays bounded below), the hidden-affine family, the fibre
distance itself (claim 13), and the planted (s, α) inverse stability w.r.t. L^∞ (linf-stable).
"""

from __future__ import annotations

from flint import fmpq

from ... import realization as R
from ...framework import Evaluation, Hypothesis, relation
from ...errors import InputError
from ...numbers import to_json
from .. import fibre
from .common import (_D, _alpha, _bounded, _bounds, _dist_relation, _exact, _g, _in_set, _membership, _norm, _other,
                     _positive, _q, _record_family, _scope, _sq, _sup, _witness_relations)


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
