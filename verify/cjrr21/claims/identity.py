"""cjrr21 claims 1–5: the Lyapunov function V and the identity ⟨∇V, 𝒢⟩ = 8ℒ.

* 1. lyapunov-function [RECONSTRUCTED]: V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)² ≥ 2ξ², attained at (0,…,0,ξ);
* 2. lyapunov-identity [DERIVED]: ⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) (engine E4 on activation patterns, else
  integrated), with the planted violations P1–P4 (any target, frozen 𝔠, softplus, two hidden
  layers);
* 3. lyapunov-pointwise [DERIVED]: ⟨∇V(θ), g(θ,x)⟩ = 8r_θ(x)² at points x;
* 4. lyapunov-family [DERIVED]: the same for V_α = α‖(𝔴,𝔟)‖² + (2−α)‖𝔳‖² + 2(𝔠 − ξ)² (P5);
* 5. balancedness [DERIVED]: ⟨(𝔴_i,𝔟_i), 𝒢_(𝔴_i,𝔟_i)⟩ = 𝔳_i𝒢_𝔳_i, and the change of B_i under one GD
  step (P8).
"""

from __future__ import annotations

import itertools

from flint import acb, arb, fmpq

from ...framework import Evaluation, Hypothesis, relation
from ...errors import InputError
from ...nets import Network
from ...numbers import EXACT, dot, precision, sum_squares
from ...problems import BoxMeasure, per_sample_gradient
from .common import (V, _all_zero, _ball_ctx, _gamma, _need_measure, _points, _rg, _setup, grad_V,
                     grad_V_family)


# --------------------------------------------------------------------------------------------
# 1. lyapunov-function


def eval_lyapunov_function(ev: Evaluation):
    net, xi, s, hyps = _setup(ev)
    th = [ev.num(t) for t in net.theta]
    xi = ev.num(xi)
    v = V(th, xi)
    decomposition = sum_squares(th) - th[-1] ** 2 + 2 * (th[-1] - xi) ** 2
    star = [0] * (len(th) - 1) + [xi]
    return [
        relation("V(θ) − 2ξ² = ‖θ‖² − 𝔠² + 2(𝔠 − ξ)²", v - 2 * xi * xi, "=", decomposition),
        relation("V(θ) ≥ 2ξ²", v, "≥", 2 * xi * xi),
        relation("V(0,…,0,ξ) = 2ξ²", V(star, xi), "=", 2 * xi * xi),
    ], hyps


# --------------------------------------------------------------------------------------------
# 2-4. the identity ⟨∇V, 𝒢⟩ = 8ℒ, pointwise and for the family V_α


def _pattern_identity(net: Network, xi, deriv0) -> bool | None:
    """Engine E4: for each activation pattern S ⊆ {1..H}, the integrand ⟨∇V, g(θ,x)⟩ − 8r² is a
    polynomial of degree ≤ 2 in x; it vanishes iff it vanishes on the unisolvent set
    {0, e_j, 2e_j, e_j + e_k}.  True if it vanishes for all 2^H patterns (exact), None if H is
    too large or the convention is κ(0) = 1/2 (zero pre-activations are then no pattern)."""
    if net.H > 14 or deriv0 not in (0, 1):
        return None
    d = net.d
    pts = [[fmpq(0)] * d]
    for j in range(d):
        for t in (1, 2):
            e = [fmpq(0)] * d
            e[j] = fmpq(t)
            pts.append(e)
        for k in range(j + 1, d):
            e = [fmpq(0)] * d
            e[j] = e[k] = fmpq(1)
            pts.append(e)
    gv = grad_V(net.theta, xi)
    for S in itertools.product((0, 1), repeat=net.H):
        for x in pts:
            relu = _PatternRelu(S)
            out, dN, _ = net.forward(x, relu, relu.step)
            r = out - xi
            if dot(gv, [2 * r * g for g in dN]) != 8 * r * r:
                return False
    return True


class _PatternRelu:
    """ReLU and κ forced to a fixed activation pattern S (neuron order of the single layer)."""

    def __init__(self, S):
        self.S, self.k, self.kk = S, 0, 0

    def __call__(self, z):
        on = self.S[self.k % len(self.S)]
        self.k += 1
        return z if on else fmpq(0)

    def step(self, z):
        on = self.S[self.kk % len(self.S)]
        self.kk += 1
        return fmpq(on)


def eval_lyapunov_identity(ev: Evaluation, constant_target=True):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev, constant_target)
    rels = []
    if ev.exact and net.d >= 3 and ev.inst.is_exact() and ev.inst.target.is_constant:
        e4 = _pattern_identity(net, xi, ev.variants["deriv0"])
        if e4:
            ev.engines.add("E4-exact")
            rels.append(relation("E4: ⟨∇V, g(θ,x)⟩ − 8r_θ(x)² ≡ 0 on every activation pattern",
                                 fmpq(0), "=", fmpq(0)))
            return rels, hyps
        # a pattern polynomial that does not vanish refutes nothing about μ (the pattern may
        # occur nowhere on the support): integrate instead
    L, G = _rg(ev, net, s)
    lhs = dot(grad_V(net.theta, xi), G)
    rels.append(relation("⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ)", lhs, "=", 8 * L))
    return rels, hyps


def eval_identity_no_output_bias(ev: Evaluation):
    """P2: 𝔠 ≡ 0 frozen, V = ‖θ‖² over the trainable coordinates."""
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    hyps.append(Hypothesis("output bias 𝔠 = 0 (not trainable)", _all_zero([net.c]), f"𝔠 = {net.c}"))
    L, G = _rg(ev, net, s)
    lhs = dot([2 * t for t in net.theta[:-1]], G[:-1])
    return [relation("⟨∇‖θ‖², 𝒢(θ)⟩ = 8ℒ(θ) (no output bias)", lhs, "=", 8 * L)], hyps


def eval_identity_two_layers(ev: Evaluation):
    """P4: the identity with V = ‖θ‖² + (𝔠 − 2ξ)² for a network with two hidden layers."""
    _need_measure(ev)
    net, inst = ev.inst.net, ev.inst
    if not inst.target.is_constant:
        raise InputError("P4 is stated for a constant target", "target")
    xi = inst.target.constant
    s = ev.variants.get("loss", fmpq(1))
    L, G = _rg(ev, net, s)
    lhs = dot(grad_V(net.theta, xi), G)
    hyps = [Hypothesis("two hidden layers", net.depth == 2, f"widths {list(net.widths)}")]
    return [relation("⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) (two hidden layers)", lhs, "=", 8 * L)], hyps


SOFTPLUS_EVAL_LIMIT = 20_000  # integrand evaluations per integral; past it Arb returns a wider (still valid) ball


def eval_identity_softplus(ev: Evaluation):
    """P3: the identity with σ = softplus (ln(1 + e^y)); d = 1, Lebesgue/uniform on [a, b]; ball
    enclosures of ℒ and 𝒢 by `acb.integral` (the integrands are analytic)."""
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    m = ev.inst.measure
    if net.d != 1 or not isinstance(m, BoxMeasure):
        raise InputError("the softplus mutant is evaluated for d = 1 and a box measure", "measure")
    prec = ev.prec or 128
    ev.engines.add(f"acb.integral-ball{prec}")
    (a, b), = m.box
    H = net.H
    with precision(prec):
        th = [acb(arb(t)) for t in net.theta]
        w, bb, v = th[:H], th[H:2 * H], th[2 * H:3 * H]
        c, xi_ = th[-1], acb(arb(xi))

        def parts(x, analytic):
            z = [w[i] * x + bb[i] for i in range(H)]
            # log's branch cut: with `analytic`, Arb needs an indeterminate result where the ball
            # touches it, or its Gauss-Legendre error bounds would not apply (the poles of the
            # sigmoid give non-finite balls by themselves)
            sp = [(1 + zi.exp()).log(analytic=analytic) for zi in z]
            sg = [1 / (1 + (-zi).exp()) for zi in z]
            r = c + sum((v[i] * sp[i] for i in range(H)), acb(0)) - xi_
            return r, sp, sg

        def integral(fn):
            val = acb.integral(lambda x, analytic: fn(*parts(x, analytic), x), acb(arb(a)), acb(arb(b)),
                               eval_limit=SOFTPLUS_EVAL_LIMIT)
            return val.real * m.scale

        L = integral(lambda r, sp, sg, x: r * r)
        G = [None] * len(th)
        for i in range(H):
            G[i] = integral(lambda r, sp, sg, x, i=i: 2 * v[i] * sg[i] * x * r)
            G[H + i] = integral(lambda r, sp, sg, x, i=i: 2 * v[i] * sg[i] * r)
            G[2 * H + i] = integral(lambda r, sp, sg, x, i=i: 2 * sp[i] * r)
        G[-1] = integral(lambda r, sp, sg, x: 2 * r)
        theta_r = [arb(t) for t in net.theta]
        lhs = dot(grad_V(theta_r, arb(xi)), [s * g for g in G])
        return [relation("⟨∇V(θ), 𝒢_softplus(θ)⟩ = 8ℒ_softplus(θ)", lhs, "=", 8 * s * L)], hyps


def eval_lyapunov_pointwise(ev: Evaluation):
    net, xi, s, hyps = _setup(ev)
    deriv0 = ev.variants["deriv0"]
    ctx = EXACT if ev.exact else _ball_ctx(ev)
    gv = grad_V([ev.num(t) for t in net.theta], ev.num(xi))
    rels = []
    for x in _points(ev, net):
        g, r = per_sample_gradient(net, ev.inst.target, x, ctx, deriv0)
        rels.append(relation(f"⟨∇V(θ), g(θ,x)⟩ = 8r_θ(x)² at x = ({', '.join(map(str, x))})",
                             dot(gv, g), "=", 8 * r * r))
    ev.engines.add("pointwise-" + ("exact" if ev.exact else f"ball{ev.prec}"))
    return rels, hyps


def eval_lyapunov_family(ev: Evaluation, mutant=False):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    if mutant:
        alpha, beta = ev.rational_param("alpha", fmpq(2)), ev.rational_param("beta", fmpq(1))
    else:
        alpha = ev.rational_param("alpha", fmpq(1)) if ev.variants["v"] == "alpha" else fmpq(1)
        beta = 2 - alpha
    L, G = _rg(ev, net, s)
    lhs = dot(grad_V_family(net, xi, alpha, beta), G)
    name = f"⟨∇V_α(θ), 𝒢(θ)⟩ = 8ℒ(θ) with α = {alpha}, β = {beta}"
    return [relation(name, lhs, "=", 8 * L)], hyps


def eval_family_phi_square(ev: Evaluation):
    """P5, second witness: φ(𝔠) = 𝔠², i.e. V = ‖θ‖²."""
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    L, G = _rg(ev, net, s)
    lhs = dot([2 * t for t in net.theta], G)
    return [relation("⟨∇‖θ‖², 𝒢(θ)⟩ = 8ℒ(θ)", lhs, "=", 8 * L)], hyps


# --------------------------------------------------------------------------------------------
# 5. balancedness


def eval_balancedness(ev: Evaluation, gd_conserves=False):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    L, G = _rg(ev, net, s)
    gamma = _gamma(ev, fmpq(1, 10))
    th = net.theta
    new = [t - gamma * g for t, g in zip(th, G)]
    rels = []
    for i in range(net.H):
        blk = net.neuron_block(i)
        vi = net.idx_v(i)
        B0 = sum_squares([th[k] for k in blk]) - th[vi] ** 2
        B1 = sum_squares([new[k] for k in blk]) - new[vi] ** 2
        if gd_conserves:
            rels.append(relation(f"B_{i + 1}(Θ_1) = B_{i + 1}(Θ_0) under GD, γ = {gamma}", B1, "=", B0))
            continue
        rels.append(relation(f"⟨(𝔴_{i + 1},𝔟_{i + 1}), 𝒢_(𝔴,𝔟)⟩ = 𝔳_{i + 1}𝒢_𝔳 (neuron {i + 1})",
                             dot([th[k] for k in blk], [G[k] for k in blk]), "=", th[vi] * G[vi]))
        rels.append(relation(f"B_{i + 1}(θ − γ𝒢) − B_{i + 1}(θ) = γ²(‖𝒢_(𝔴,𝔟)‖² − 𝒢_𝔳²), γ = {gamma}",
                             B1 - B0, "=", gamma ** 2 * (sum_squares([G[k] for k in blk]) - G[vi] ** 2)))
    return rels, hyps
