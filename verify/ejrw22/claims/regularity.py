"""ejrw22 claim 5 -- regularity: certified Lipschitz bounds of P𝒢 on boxes X ⊂ 𝓡 around θ ∈ M [RECONSTRUCTED].

d = 1, density p bounded (variant): K_X, an upper bound of the Frobenius norm of the interval Jacobian
of −P𝒢 on X = θ ± r (kink boundary terms included), checked against an exact pair θ, θ' ∈ X ∩ M and a
claimed constant params.K.  Planted 12 (lipschitz-unbounded-p): the same statement for the unbounded
power density p(x) = x^{-1/2}/2 on [0, 1], refuted by a pair with certified quotient > K (ℒ, 𝒢 as
`arb` balls from `verify.ejrw22.powerdensity`).
"""

from __future__ import annotations

from flint import fmpq

from ...framework import Evaluation, Status, relation, undecidable
from ...errors import InputError, SoundnessError
from ...numbers import ball_bounds, sign, to_json
from .common import _LG, _density, _exact, _manifold, _up, density_hypothesis, on_manifold, projected


def _circle_param(w, b):
    """t with (w, b) = ((1 − t²)/(1 + t²), 2t/(1 + t²)), or None at (−1, 0)."""
    return None if w == -1 else b / (1 + w)


def _second_point(ev, net, man, r):
    """θ' ∈ M near θ for the difference quotient: neuron 0's circle parameter moved to params.t2
    (default t + r/4) on M_A, b_0 moved by r/4 on M_B or at (w, b) = (−1, 0)."""
    theta = list(net.theta)
    w, b = net.w(0)[0], net.b(0)
    t = _circle_param(w, b) if man == "A" else None
    if t is not None:
        t2 = ev.rational_param("t2", t + r / 4)
        theta[net.idx_w(0, 0)] = (1 - t2 * t2) / (1 + t2 * t2)
        theta[net.idx_b(0)] = 2 * t2 / (1 + t2 * t2)
    elif man == "B":
        theta[net.idx_b(0)] = b + r / 4
    else:
        theta[net.idx_v(0)] = net.v(0) + r / 4
    other = net.with_theta(theta)
    if max(abs(x - y) for x, y in zip(theta, net.theta)) > r:
        raise InputError(f"the second point θ' leaves the box θ ± {to_json(r)}", "params.t2")
    if theta == list(net.theta):
        raise InputError("the second point θ' equals θ", "params.t2")
    return other


def _field_on_m(ev, net, man):
    """−P𝒢 at a rational point of M: exact (fmpq) for piecewise-polynomial densities, `arb` balls
    (`verify.ejrw22.powerdensity`) for a power density."""
    from ...problems import PowerDensity
    from .. import powerdensity

    m = ev.inst.measure
    if isinstance(m, PowerDensity):
        (A, _), = m.box
        alpha = m.exponent
        method = "substitution" if ev.independent and (1 / (alpha + 1)).q == 1 else "powers"
        _, G = powerdensity.risk_gradient(net.theta, ev.inst.target, m, net.H, method=method,
                                          prec=256 if ev.independent else 128)
    else:
        _, G = _LG(ev, net)
    return [-g for g in projected(net, G, man)]


def eval_regularity(ev: Evaluation, bounded=True):
    """Claim 5 (d = 1, density p): P𝒢 is Lipschitz on the box X = θ ± r (params.radius, default 1/64)
    around θ ∈ M.  Certified: an upper bound K_X of the Frobenius norm of the interval Jacobian J(X)
    (`flows.FlowSystem.jacobian_enclosure`: every one-sided Jacobian of the piecewise-C¹ field on X,
    kink boundary terms included -- they need p bounded), so |P𝒢(θ) − P𝒢(θ')| ≤ K_X|θ − θ'| on X.
    Checked against an exact pair θ, θ' ∈ X ∩ M (`_second_point`), and against a claimed constant
    params.K when given: K_X ≤ K HOLDS; a pair with quotient > K is VIOLATED.  Planted 12 (``bounded``
    False): the same statement for an unbounded integrable p, refuted by a pair with certified
    quotient > K (arb, `verify.ejrw22.powerdensity`)."""
    from ...flows import FlowSystem
    from ...numbers import ball_hull, square_enclosure
    from ...problems import PowerDensity

    net = _exact(ev)
    if net.d != 1:
        raise InputError("the regularity claim is checked in d = 1", "network")
    man = _manifold(ev)
    r = ev.rational_param("radius", fmpq(1, 64))
    if r <= 0:
        raise InputError(f"the box radius must be > 0, got {to_json(r)}", "params.radius")
    K = ev.rational_param("K")
    if K is not None and K < 0:
        raise InputError(f"the Lipschitz constant K must be ≥ 0, got {to_json(K)}", "params.K")
    hyp = [on_manifold(net, man), _density(ev)] + ([density_hypothesis(ev)] if bounded else [])
    if not all(h.holds for h in hyp):
        return [], hyp
    other = _second_point(ev, net, man, r)
    F1, F2 = _field_on_m(ev, net, man), _field_on_m(ev, other, man)
    dF2 = sum(((a - b) ** 2 for a, b in zip(F1, F2)), fmpq(0))
    dth2 = sum(((a - b) ** 2 for a, b in zip(net.theta, other.theta)), fmpq(0))
    rels, certified_K = [], False
    if isinstance(ev.inst.measure, PowerDensity):
        rels.append(undecidable("a Lipschitz bound of P𝒢 on X", "no interval Jacobian for a power density "
                                                                 "(the kink boundary term is unbounded near A)"))
    else:
        system = FlowSystem(ev.inst.target, ev.inst.measure, net.H)
        J = system.jacobian_enclosure([ball_hull(t - r, t + r) for t in net.theta], "normalized", man)
        fro = None if J is None else ball_bounds(sum((square_enclosure(x) for row in J for x in row), fmpq(0)).sqrt())
        if fro is None:
            rels.append(undecidable("a Lipschitz bound of P𝒢 on X", "X meets the singular set or a w-ball contains 0 "
                                                                     "(no finite interval Jacobian)"))
        else:
            KX = fro[1]
            ev.objective("certified Lipschitz bound K_X of P𝒢 on the box", KX)
            # K_X is the tool's own bound: a pair beating it is a bug of the Jacobian enclosure, never a
            # counterexample to the paper (so it is an internal error, not a VIOLATED)
            if sign(KX * KX * dth2 - dF2) == -1:
                raise SoundnessError(f"ejrw22.regularity: the exact pair θ, θ' beats the certified Lipschitz bound "
                                     f"K_X = {float(KX):.6g} of the interval Jacobian")
            rels.append(relation(f"P𝒢 is Lipschitz on X with the certified constant K_X ≤ {_up(KX)} "
                                 "(Frobenius bound of J(X); checked against an exact pair)", fmpq(1), "=", fmpq(1)))
            if K is not None and KX <= K:
                certified_K = True
                rels.append(relation("certified Lipschitz bound K_X ≤ params.K", KX, "≤", K))
    if K is not None and not certified_K:
        rels.append(relation(f"|P𝒢(θ) − P𝒢(θ')|² ≤ K²·|θ − θ'|² for the exact pair θ, θ' ∈ X ∩ M (K = params.K = "
                             f"{to_json(K)}, a user-supplied constant: a pair with a larger quotient refutes it)", dF2,
                             "≤", K * K * dth2))
        if rels[-1].status != Status.VIOLATED:
            rels.append(undecidable(f"P𝒢 is {to_json(K)}-Lipschitz on X", "no certified bound ≤ K and no pair with "
                                                                          "quotient > K"))
    return rels, hyp


def eval_lipschitz_unbounded(ev):
    """Planted 12: "P𝒢 is locally Lipschitz on M_A for every integrable p"."""
    return eval_regularity(ev, bounded=False)
