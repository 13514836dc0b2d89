"""cjrr21 claims 6–10: the generalized gradient 𝒢 at one θ.

* 6. gradient-formula [RECONSTRUCTED]: 𝒢(θ) = ∇ℒ(θ) where ℒ is differentiable, from exact
  one-sided partial derivatives (P10);
* 7. degenerate-frozen [DERIVED]: under ReLU′(0) = 0, fully degenerate and dead neurons have
  𝒢-components 0 and never move under GD (P9: ReLU′(0) = 1 or 1/2);
* 8. no-spurious-critical-points [DERIVED]: 𝒢(θ) = 0 ⇔ ℒ(θ) = 0 (constant target ξ);
* 9. gd-one-step-expansion [DERIVED]: V(θ − γ𝒢) = V(θ) − 8γℒ + γ²(‖𝒢‖² + 𝒢_𝔡²), and
  V(Θ') ≤ V(θ) ⇔ γ ≤ γ* = 8ℒ/(‖𝒢‖² + 𝒢_𝔡²);
* 10. gradient-bound [DERIVED]: ‖𝒢‖² + 𝒢_𝔡² ≤ K(θ)ℒ(θ), K = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2] (P11).
"""

from __future__ import annotations

import itertools

from flint import fmpq

from ...framework import Evaluation, Hypothesis, relation, undecidable
from ...derivatives import one_sided_derivatives
from ...nets import Network
from ...numbers import Undecided, dot, sign, sum_squares
from ...problems import Empirical
from .common import (K, V, _all_zero, _Budget, _gamma, _int_param, _Iterates, _lam_M, _need_measure, _rg,
                     _rounded_out, _setup, _short, gamma_bar)


# --------------------------------------------------------------------------------------------
# 6. gradient formula: exact one-sided derivatives


def eval_gradient_formula(ev: Evaluation, everywhere=False):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev, constant_target=False)
    if not (ev.exact and ev.inst.is_exact()):
        raise Undecided("exact one-sided derivatives need a rational instance and exact arithmetic")
    plus, minus, _ = one_sided_derivatives(ev, net, s)
    L, G = _rg(ev, net, s, deriv0=ev.variants["deriv0"])
    rels = []
    names = _coord_names(net)
    differs = [k for k in range(len(G)) if plus[k] != minus[k]]
    for k in range(len(G)):
        rels.append(relation(f"D⁺_{names[k]}ℒ = 𝒢_{names[k]}", plus[k], "=", G[k]))
        rels.append(relation(f"D⁻_{names[k]}ℒ = 𝒢_{names[k]}", minus[k], "=", G[k]))
    if not everywhere:
        degenerate = [i for i in range(net.H) if all(sign(t) == 0 for t in net.w(i)) and sign(net.b(i)) == 0
                      and sign(net.v(i)) != 0]
        atoms_on_kinks = isinstance(ev.inst.measure, Empirical) and any(
            sign(net.b(i) + dot(net.w(i), p)) == 0 for i in range(net.H) for p in ev.inst.measure.points)
        if differs:
            hyps.append(Hypothesis("ℒ differentiable at θ", False,
                                   f"one-sided partial derivatives differ in {[names[k] for k in differs]}"))
        elif not degenerate and not atoms_on_kinks:
            hyps.append(Hypothesis("ℒ differentiable at θ", True,
                                   "no fully degenerate neuron with 𝔳_i ≠ 0 and no atom on a kink "
                                   "(sufficient condition, see the note)"))
        else:
            hyps.append(Hypothesis("ℒ differentiable at θ", None,
                                   "one-sided partials agree but a degenerate neuron or an atom on a kink "
                                   "leaves differentiability undecided"))
    return rels, hyps


def _coord_names(net: Network):
    names = [None] * len(net.theta)
    for i in range(net.H):
        for j in range(net.d):
            names[net.idx_w(i, j)] = f"𝔴{i + 1},{j + 1}" if net.d > 1 else f"𝔴{i + 1}"
        names[net.idx_b(i)] = f"𝔟{i + 1}"
        names[net.idx_v(i)] = f"𝔳{i + 1}"
    names[-1] = "𝔠"
    return names


# --------------------------------------------------------------------------------------------
# 7. degenerate and dead neurons are frozen


def _dead_or_degenerate(net: Network, measure) -> tuple[list[tuple[int, str]], bool]:
    """Neurons whose pre-activation is ≤ 0 on the whole support (exact), with the reason, and
    whether some other neuron is undecided (ball parameters)."""
    out, undecided = [], False
    for i in range(net.H):
        w, b = net.w(i), net.b(i)
        zero = _all_zero(list(w) + [b])
        if zero:
            out.append((i, "fully degenerate (𝔴,𝔟) = 0"))
            continue
        if isinstance(measure, Empirical):
            pts = measure.points
        else:
            pts = list(itertools.product(*measure.box))  # an affine function is maximal at a corner
        signs = [sign(b + dot(w, p)) for p in pts]
        if all(z is not None and z <= 0 for z in signs):
            out.append((i, "dead on the support (pre-activation ≤ 0)"))
        elif zero is None or any(z is None for z in signs) and not any(z == 1 for z in signs):
            undecided = True
    return out, undecided


def eval_degenerate_frozen(ev: Evaluation):
    """Frozen components at θ, and the frozen neurons' parameters after ``steps`` GD steps.  The
    iterates are kept as ``_Iterates`` says (exact up to 3 steps while they stay small, then rounded
    to 2^-64; rounded to 2^-rounding_bits after each step past 3 steps or with rounding_bits), the
    frozen coordinates always exact: after a rounding the relation is about the rounded trajectory,
    and its failure is reported UNKNOWN, not VIOLATED."""
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev, constant_target=False)
    frozen, undecided = _dead_or_degenerate(net, ev.inst.measure)
    hyps.append(Hypothesis("some neuron is fully degenerate or dead on the support",
                           True if frozen else (None if undecided else False),
                           "; ".join(f"neuron {i + 1}: {why}" for i, why in frozen) or "none"))
    L, G = _rg(ev, net, s)
    steps = int(ev.param("steps", 2, parse=lambda v, w: _int_param(v, w, 0, 50)))
    gamma = _gamma(ev, fmpq(1, 10))
    its = _Iterates(ev, steps)
    its.start(net.theta)
    rels = []
    names = _coord_names(net)
    keep = {k for i, _ in frozen for k in net.neuron_block(i) + [net.idx_v(i)]}
    for i, why in frozen:
        for k in net.neuron_block(i) + [net.idx_v(i)]:
            rels.append(relation(f"𝒢_{names[k]}(θ) = 0 ({why})", G[k], "=", 0))
    theta = net.theta
    cur, rounded, done, stop = net, False, 0, None
    budget = _Budget(ev, net.H + 1)
    for n in range(steps):
        stop = budget.charge(cur.theta, n)
        if stop:
            break
        _, Gn = _rg(ev, cur, s)
        image = [t - gamma * g for t, g in zip(cur.theta, Gn)]
        stop = its.check(image, n)
        if stop:
            break
        th = its.next(image, n, keep)
        rounded = rounded or th != image
        cur = cur.with_theta(th)
        done = n + 1
    bits = its.bits
    why_r = (f"iterates rounded to the grid 2^-{bits} from Θ_{its.first} on (all but the frozen coordinates, which "
             "stay exact): the certificate covers the rounded trajectory, and a change on it is not a failure on the "
             "GD trajectory (UNKNOWN, not VIOLATED); rerun with rounding_bits: null for the exact one")
    for i, why in frozen:
        for k in net.neuron_block(i) + [net.idx_v(i)]:
            rel = relation(f"{names[k]} unchanged after {done} GD steps, γ = {gamma}" + (
                f" (trajectory rounded to 2^-{bits})" if rounded else ""), cur.theta[k], "=", theta[k])
            rels.append(_rounded_out(rel, why_r) if rounded else rel)
    if stop:
        rels.append(undecidable(f"frozen parameters unchanged at steps {done + 1}..{steps}", stop))
    if rounded:
        ev.notes.append(why_r)
    ev.notes.append(its.mode_note(done))
    ev.engines.add(its.engine())
    return rels, hyps


# --------------------------------------------------------------------------------------------
# 8. no spurious critical points


def eval_no_spurious(ev: Evaluation, constant_target=True):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev, constant_target)
    L, G = _rg(ev, net, s)
    zeroG = relation("𝒢(θ) = 0", sum_squares(G), "=", 0)
    zeroL = relation("ℒ(θ) = 0", L, "=", 0)
    return [relation("𝒢(θ) = 0 ⇒ ℒ(θ) = 0", L, "=", 0, given=zeroG),
            relation("ℒ(θ) = 0 ⇒ 𝒢(θ) = 0", sum_squares(G), "=", 0, given=zeroL)], hyps


# --------------------------------------------------------------------------------------------
# 9, 10. one GD step and the gradient bound


def eval_one_step(ev: Evaluation):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    L, G = _rg(ev, net, s)
    th = net.theta
    Gnorm = sum_squares(G) + G[-1] ** 2
    lam, M = _lam_M(ev)
    gamma = _gamma(ev, gamma_bar(V(th, xi), lam, net.d, M))
    new = [t - gamma * g for t, g in zip(th, G)]
    V0, V1 = V(th, xi), V(new, xi)
    rels = [relation(f"V(θ − γ𝒢) = V(θ) − 8γℒ + γ²(‖𝒢‖² + 𝒢_𝔡²), γ = {gamma}", V1, "=",
                     V0 - 8 * gamma * L + gamma ** 2 * Gnorm)]
    if sign(Gnorm) not in (None, 0):
        gstar = 8 * L / Gnorm
        le = relation("V(Θ') ≤ V(θ)", V1, "≤", V0)
        ge = relation("γ ≤ γ*(θ)", gamma, "≤", gstar)
        if le.status.value != "UNKNOWN" and ge.status.value != "UNKNOWN":
            same = (le.status == ge.status)
            rels.append(relation(f"[V(Θ') ≤ V(θ)] ⇔ [γ ≤ γ* = {_short(gstar)}] (for γ > 0)", fmpq(int(same)), "=",
                                 fmpq(1), given=relation("γ > 0", gamma, ">", 0)))
        new_star = [t - gstar * g for t, g in zip(th, G)]
        rels.append(relation("V(θ − γ*𝒢) = V(θ)", V(new_star, xi), "=", V0))
    return rels, hyps


def eval_gradient_bound(ev: Evaluation, constant_term=True):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    L, G = _rg(ev, net, s)
    lam, M = _lam_M(ev)
    k = K(net, lam, M)
    if not constant_term:
        k = k - 8 * lam
    name = "‖𝒢‖² + 𝒢_𝔡² ≤ K(θ)ℒ(θ)" if constant_term else "‖𝒢‖² + 𝒢_𝔡² ≤ K′(θ)ℒ(θ), K′ without the +2"
    return [relation(name, sum_squares(G) + G[-1] ** 2, "≤", k * L)], hyps
