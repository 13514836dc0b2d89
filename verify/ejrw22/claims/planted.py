"""ejrw22 planted violations 1, 2, 4, 5, 11 -- false neighbours of claims 13, 2 and 9, decided exactly.

Planted 1 (coercive-sublevel): {θ ∈ M : L(θ) ≤ λ} bounded by params.bound; planted 2 (uniform-bound):
sup_t|Θ_t| ≤ C(L(Θ_0), Lip f, A, B, p); planted 4 (gradient-continuous): 𝒢 continuous on ℝ^𝔡, refuted
by a one-sided limit along e_{b_i} at (w_i, b_i) = (0, 0); planted 5 (regularity-with-atoms): L|_{M_A}
differentiable for an input law with atoms (one-sided directional derivatives D^±, or independent
secants `_secant_derivatives`); planted 11 (gd-monotone): projected GD with retraction θ' = Ψ(θ − ηP𝒢)
decreases L for every η > 0.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from ...framework import Evaluation, Hypothesis, Status, relation, undecidable
from ...errors import InputError
from ...numbers import parse_rational, to_json
from ...problems import Empirical
from .common import _LG, _box, _dot, _exact, _normal, on_manifold, projected, psi
from .trajectories import _boundedness_scope, neuron_kinds


def _constant_source(ev: Evaluation, key: str, default) -> str:
    """Where a claimed constant came from, for the verdict's text."""
    if key in ev.inst.params:
        return f"the user's params.{key}"
    return f"params.{key} not given: the default {default}"


def eval_coercive(ev: Evaluation):
    """Planted 1: "{θ ∈ M : L(θ) ≤ λ} is bounded" with the claimed bound params.bound: a point of M with
    L = 0 ≤ λ and |θ|_∞ > bound."""
    net = _exact(ev)
    hyp = _boundedness_scope(ev, net, 1, density=False) + [on_manifold(net)]
    if not all(h.holds for h in hyp):
        return [], hyp
    L, _ = _LG(ev, net)
    bound = parse_rational(ev.inst.params.get("bound", 10), "params.bound")
    lam = parse_rational(ev.inst.params.get("lambda", 0), "params.lambda")
    norm = max(abs(t) for t in net.theta)
    name = f"|θ|_∞ ≤ {to_json(bound)} (the claimed bound: {_constant_source(ev, 'bound', 10)})"
    hyp = hyp + [Hypothesis("L(θ) ≤ λ", L <= lam, f"L = {to_json(L)}" + ("" if L <= lam else
                                                                           " (outside the sublevel set)"))]
    if norm <= bound:  # one point inside the bound says nothing about every point of the sublevel set
        return [undecidable(name + " for every θ of the sublevel set", f"this θ has |θ|_∞ = {to_json(norm)} ≤ "
                            f"{to_json(bound)}; a bound on every point is not certified by one")], hyp
    return [relation(name, norm, "≤", bound)], hyp


def eval_uniform_bound(ev: Evaluation):
    """Planted 2: sup_t|Θ_t| ≤ C(L(Θ_0), Lip f, A, B, p): a stationary point (𝒢 = 0 exactly, so Θ ≡ θ_0)
    with |θ_0|_∞ > C = params.C."""
    net = _exact(ev)
    hyp = _boundedness_scope(ev, net, 1) + [on_manifold(net)]
    if not all(h.holds for h in hyp):
        return [], hyp
    L, G = _LG(ev, net)
    C = parse_rational(ev.inst.params.get("C", 10), "params.C")
    ev.notes.append(f"C = {to_json(C)} is the claimed constant ({_constant_source(ev, 'C', 10)}); a VIOLATED refutes "
                    "that C on this instance")
    if not all(g == 0 for g in G):  # a certificate condition, not a scope: no verdict without it
        return [undecidable("sup_t |Θ_t|_∞ ≤ C", "θ_0 is not stationary: no solution is known in closed form")], hyp
    # Θ ≡ θ_0 is a solution (one solution exceeding C refutes a bound on every trajectory)
    return [relation("sup_t |Θ_t|_∞ = |θ_0|_∞ ≤ C along the stationary solution Θ ≡ θ_0 (𝒢(θ_0) = 0 exactly)",
                     max(abs(t) for t in net.theta), "≤", C)], hyp


def eval_gradient_continuous(ev: Evaluation):
    """Planted 4: "𝒢 is continuous on ℝ^𝔡", at θ.  Witness: a neuron i with (w_i, b_i) = (0, 0) and the
    one-sided limit along e_{b_i}.  For every ε > 0 neuron i is active on all of [A, B] at θ + εe_{b_i}
    (w_i = 0, b_i = ε) and r_ε = r_θ + v_iε while no other activity changes, so every component of
    ε ↦ 𝒢(θ + εe_{b_i}) is a polynomial of degree ≤ 2 on (0, ∞) (affine except 𝒢_{v_i} = 2ε∫r_ε dμ); its
    limit at 0⁺ is exactly 3𝒢(ε₀) − 3𝒢(2ε₀) + 𝒢(3ε₀) for any ε₀ > 0 (params.eps; the independent pass
    uses ε₀/7).  A limit ≠ 𝒢_k(θ) is a certified jump (for 𝒢_{b_i}: v_i𝒢_c(θ) against 0).  At θ ∈ 𝓡
    with a density (no atoms) 𝒢 is continuous (dominated convergence, §2.5): HOLDS."""
    net = _exact(ev)
    eps = parse_rational(ev.inst.params.get("eps", fmpq(1, 10)), "params.eps")
    if eps <= 0:
        raise InputError(f"params.eps must be > 0, got {to_json(eps)}", "params.eps")
    if ev.independent:
        eps /= 7
    _, G = _LG(ev, net)
    singular = [i for i, k in enumerate(neuron_kinds(net)) if k != "regular"]
    if not singular:
        if isinstance(ev.inst.measure, Empirical):
            return [undecidable("𝒢 continuous at θ", "an atomic input law: a kink on an atom can make 𝒢 jump at a "
                                                      "regular θ; no one-sided limit is computed there")], []
        return [relation("θ ∈ 𝓡 (every (w_i, b_i) ≠ 0) with a density: 𝒢 is continuous at θ (§2.5)", fmpq(1), "=",
                         fmpq(1))], []
    rels = []
    for i in singular:
        k_b = net.idx_b(i)
        vals = []
        for m in (1, 2, 3):
            theta = list(net.theta)
            theta[k_b] = m * eps
            vals.append(_LG(ev, net.with_theta(theta))[1])
        for k in range(len(G)):
            lim = 3 * vals[0][k] - 3 * vals[1][k] + vals[2][k]
            rels.append(relation(f"lim_(ε↓0) 𝒢_{k}(θ + εe_b{i}) = 𝒢_{k}(θ) (neuron {i} at (w, b) = (0, 0))", lim, "=",
                                 G[k]))
    if not any(r.status == Status.VIOLATED for r in rels):
        rels.append(undecidable("𝒢 continuous at θ", "no jump along e_b of the degenerate neurons; other directions "
                                                      "are not examined"))
    return rels, []


def _atom_directional(ev, net, direction):
    """Exact one-sided directional derivatives D^± of L along ``direction`` for an atomic input law:
    L = Σ_x μ_x (N(x) − f(x))², and t ↦ ReLU(z + t·dz) has one-sided derivatives max(dz, 0) and
    min(dz, 0) at z = 0."""
    m = ev.inst.measure
    plus = minus = fmpq(0)
    for x, mu in zip(m.points, m.weights):
        xv = x[0]
        r = net.c - ev.inst.target.value([xv])
        dplus = dminus = direction[-1]
        for i in range(net.H):
            z = net.w(i)[0] * xv + net.b(i)
            dz = direction[net.idx_w(i, 0)] * xv + direction[net.idx_b(i)]
            dv = direction[net.idx_v(i)]
            if z > 0:
                r += net.v(i) * z
                dplus += dv * z + net.v(i) * dz
                dminus += dv * z + net.v(i) * dz
            elif z == 0:
                dplus += net.v(i) * max(dz, fmpq(0))
                dminus += net.v(i) * min(dz, fmpq(0))
        plus += mu * 2 * r * dplus
        minus += mu * 2 * r * dminus
    return plus, minus


def _secant_derivatives(ev, net, direction, degree, reach):
    """Independent one-sided directional derivatives D^± of t ↦ ℒ(θ + tτ) (re-verification path):
    where ℒ(θ + tτ) is a polynomial of degree ≤ ``degree`` on each of (0, reach] and [−reach, 0), its
    one-sided derivative at 0 is that of the interpolation polynomial through exact values ℒ(θ ± t_j τ),
    t_j = reach·j/degree (exact Vandermonde solve) -- engine values of ℒ only, no derivative formula."""
    L0, _ = _LG(ev, net)
    out = []
    for s_ in (1, -1):
        ts = [s_ * reach * fmpq(j, degree) for j in range(1, degree + 1)]
        vals = [_LG(ev, net.with_theta([t + h * d for t, d in zip(net.theta, direction)]))[0] - L0 for h in ts]
        V = fmpq_mat([[h ** k for k in range(1, degree + 1)] for h in ts])
        coef = V.solve(fmpq_mat([[v] for v in vals]))
        out.append(coef[0, 0])
    return out[0], out[1]


def _regular_reach(ev, net, direction) -> fmpq:
    """A t* > 0 such that no atom's (or, for a density, no breakpoint's) activity changes for 0 < |t| ≤ t*
    along θ + tτ except where z_i(x) = 0 at t = 0: half the smallest |z/dz| over atoms x (or A, B and the
    breakpoints) with z = w_i x + b_i ≠ 0 and dz ≠ 0."""
    m = ev.inst.measure
    xs = [p[0] for p in m.points] if isinstance(m, Empirical) else list(_box(ev)[0])
    best = fmpq(1)
    for x in xs:
        for i in range(net.H):
            z = net.w(i)[0] * x + net.b(i)
            dz = direction[net.idx_w(i, 0)] * x + direction[net.idx_b(i)]
            if z != 0 and dz != 0:
                best = min(best, abs(z / dz) / 2)
    return best


def eval_regularity_atoms(ev: Evaluation):
    """Planted 5: "L|_{M_A} is differentiable" for an input law with atoms: along a tangent direction
    (params.direction) the one-sided derivatives differ."""
    net = _exact(ev)
    if not isinstance(ev.inst.measure, Empirical):
        raise InputError("this planted violation needs an empirical (atomic) measure", "measure")
    direction = [parse_rational(t, "params.direction") for t in ev.inst.params.get("direction", [])]
    if len(direction) != len(net.theta):
        raise InputError(f"params.direction needs {len(net.theta)} entries", "params.direction")
    tangent = all(_dot([direction[k] for k in _normal(net, i, "A")], list(_normal(net, i, "A").values())) == 0
                  for i in range(net.H))
    if ev.independent:  # ℒ(θ + tτ) = Σ μ_x (𝒩 − f)² is a polynomial of degree ≤ 4 on each side of 0 up to t*
        plus, minus = _secant_derivatives(ev, net, direction, 4, _regular_reach(ev, net, direction))
    else:
        plus, minus = _atom_directional(ev, net, direction)
    return [relation("D⁺_τ L = D⁻_τ L", plus, "=", minus)], \
        [on_manifold(net), Hypothesis("the direction is tangent to M_A", tangent)]


def eval_gd_monotone(ev: Evaluation):
    """Planted 11: projected GD with retraction, θ' = Ψ(θ − ηP𝒢), decreases L for every η > 0."""
    net = _exact(ev)
    eta = parse_rational(ev.inst.params.get("eta", 2), "params.eta")
    if eta <= 0:
        raise InputError("params.eta must be > 0", "params.eta")
    L, G = _LG(ev, net)
    PG = projected(net, G, "A")
    nxt = psi(net.with_theta([t - eta * g for t, g in zip(net.theta, PG)]), "A")
    L2, _ = _LG(ev, nxt)
    return [relation("L(θ') ≤ L(θ)", L2, "≤", L)], [on_manifold(net)]
