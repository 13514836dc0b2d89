"""ejrw22 -- normalized gradient flow on a submanifold of shallow ReLU parameter space.

Eberle, Jentzen, Riekert, Weiss 2022, arXiv:2207.06246.
Specification: shared/claims/000-normalized-gradient-flow.md; note: proofs_notes/ejrw22.md.

Notation (spec §2): θ = (w, b, v, c) blocks (the cjrr21 layout), u_i = (w_{i,·}, b_i), g_i = (𝒢_{w_i}, 𝒢_{b_i});
L(θ) = ∫ (N^θ − f)² p dx on [A, B] (the instance's measure: Lebesgue/uniform box or a piecewise-polynomial
density; atoms only where a claim says so); 𝒢 the generalized gradient with ReLU′(0) = 0 (`integrate`).
M_A = {|u_i| = 1 ∀i} (default), M_B = {|w_{i,·}| = 1 ∀i}; P(θ) the orthogonal projection onto T_θM;
normalized flow Θ' = −P𝒢, standard flow Θ' = −𝒢.  Everything pointwise here is exact (`fmpq`).

Instance ``params``: ``eta`` (claim 11 / gd mutant), ``bound`` / ``C`` (the false bounds of the planted
violations), ``eps`` (gradient-continuity witness), ``direction`` (a tangent direction for one-sided
derivatives).
"""

from __future__ import annotations

import math

from flint import fmpq, fmpq_mat

from ..claim import Claim, Param, Evaluation, Hypothesis, Mutant, Status, relation, undecidable
from ..errors import InputError, SoundnessError
from ..nets import Network
from ..numbers import Undecided, ball_bounds, ball_gap, parse_rational, sign, to_json
from ..problems import Empirical
from ..registry import VariantGroup, register, register_variants

SOURCE = "Eberle, Jentzen, Riekert, Weiss 2022, arXiv:2207.06246"
NOTE = "proofs_notes/ejrw22.md"

register_variants(
    VariantGroup("manifold", {"manifold-A": "A", "manifold-B": "B"}, "manifold-A",
                 "M_A = {|(w_i, b_i)| = 1} (default) or M_B = {|w_i| = 1}"),
    VariantGroup("projection", {"proj-orth": "orth", "proj-psi-push": "psi-push", "proj-weight-norm": "weight-norm",
                                "proj-oblique": "oblique"}, "proj-orth",
                 "the normalized field: orthogonal projection P𝒢 (default), the Ψ-pushed standard flow (claim 12's "
                 "preconditioner), weight normalization or an oblique projection (both unspecified: UNKNOWN)"),
    VariantGroup("density", {"p-bdd": "bdd", "p-bdd-pos": "bdd-pos", "p-cont": "cont", "p-uniform": "uniform"},
                 "p-bdd", "density hypothesis of claims 5, 13, 14: 0 ≤ p ≤ p_max (default), 0 < p_min ≤ p ≤ p_max, "
                 "p continuous, p uniform"),
    VariantGroup("scope", {"H1": 1, "H-any": None}, "H1",
                 "claims 13/14: 1-1-1 networks (default) or d = 1 with any width H"),
)


# --------------------------------------------------------------------------------------------
# shared pieces


def _up(q, sig: int = 7, down: bool = False) -> str:
    """A decimal with ``sig`` significant digits that is ≥ q (≤ q with ``down``): printed constants are
    rounded outward (upper bounds up, lower bounds down)."""
    q = fmpq(q)
    if q == 0:
        return "0"
    p, d = int(q.p), int(q.q)
    e = len(str(abs(p))) - len(str(d))  # 10^(e−1) ≤ |q| < 10^(e+1)
    k = sig - e
    num, den = (p * 10 ** k, d) if k >= 0 else (p, d * 10 ** (-k))
    n = num // den if down else -(-num // den)
    digits = str(abs(n))
    if k <= 0:
        body = digits + "0" * (-k)
    else:
        digits = digits.rjust(k + 1, "0")
        body = (digits[:-k] + "." + digits[-k:]).rstrip("0").rstrip(".")
    return ("-" if n < 0 else "") + body


def _interval_out(x) -> str:
    """[lower, upper] of a ball, rounded outward."""
    lo, hi = ball_bounds(x)
    return f"[{_up(lo, down=True)}, {_up(hi)}]"


def _exact(ev: Evaluation) -> Network:
    if ev.prec is not None:
        raise Undecided("ejrw22 pointwise claims are decided in exact rational arithmetic")
    net = ev.inst.net
    if not isinstance(net, Network) or not net.is_shallow:
        raise InputError("ejrw22 claims take a shallow network {'widths': [d, H, 1], 'theta': [...]}", "network")
    if not ev.inst.is_exact():
        raise InputError("ejrw22 claims need rational parameters and targets", "network")
    return net


def _LG(ev, net):
    rg = ev.risk_grad(net, deriv0=fmpq(0))
    if not rg.exact:
        raise Undecided("ℒ, 𝒢 not exact for this instance")
    return rg.L, list(rg.G)


def _u(net, i):
    return list(net.w(i)) + [net.b(i)]


def _g(net, G, i):
    return [G[net.idx_w(i, j)] for j in range(net.d)] + [G[net.idx_b(i)]]


def _dot(a, b):
    return sum((x * y for x, y in zip(a, b)), fmpq(0))


def _normal(net, i, manifold):
    """The normal vector of the constraint of neuron i in θ-coordinates (a dict index → entry)."""
    out = {net.idx_w(i, j): net.w(i)[j] for j in range(net.d)}
    if manifold == "A":
        out[net.idx_b(i)] = net.b(i)
    return out


def projection(net, manifold="A") -> fmpq_mat:
    """P = I − Σ_i n_i n_iᵀ/|n_i|² (the normals n_i of distinct neurons have disjoint supports)."""
    n = len(net.theta)
    P = fmpq_mat(n, n)
    for k in range(n):
        P[k, k] = 1
    for i in range(net.H):
        nv = _normal(net, i, manifold)
        sq = sum((x * x for x in nv.values()), fmpq(0))
        if sq == 0:
            raise InputError(f"neuron {i} has a zero normal: θ is not on M_{manifold}", "network")
        for a, x in nv.items():
            for b, y in nv.items():
                P[a, b] -= x * y / sq
    return P


def on_manifold(net, manifold="A") -> Hypothesis:
    bad = [i for i in range(net.H)
           if sum((x * x for x in _normal(net, i, manifold).values()), fmpq(0)) != 1]
    return Hypothesis(f"θ ∈ M_{manifold} (|{'(w_i, b_i)' if manifold == 'A' else 'w_i'}| = 1 for every i, exactly)",
                      not bad, f"neurons {bad}" if bad else "")


def projected(net, G, manifold="A") -> list:
    """P𝒢, by the explicit formula: g_i − ⟨g_i, n_i⟩n_i/|n_i|² on each neuron's block (a block with
    n_i = 0, off M, is left unprojected)."""
    out = list(G)
    for i in range(net.H):
        nv = _normal(net, i, manifold)
        sq = sum((x * x for x in nv.values()), fmpq(0))
        if sq == 0:
            continue
        coef = sum((G[k] * x for k, x in nv.items()), fmpq(0)) / sq
        for k, x in nv.items():
            out[k] = G[k] - coef * x
    return out


def _manifold(ev):
    return ev.variants.get("manifold", "A")


def _sqrt(q: fmpq):
    from ..numbers import exact_sqrt
    return exact_sqrt(q)


def psi(net: Network, manifold="A", signed=False, absorb=True) -> Network:
    """Ψ: ℝ^𝔡 → M (spec §2.4), exact where every ρ_i is rational (else `Undecided`).  A: ρ_i = |u_i|,
    (u_i, v_i) ↦ (u_i/ρ_i, ρ_i v_i), ρ_i = 0 ↦ u_i = (0,…,0,1), v_i = 0.  B: ρ_i = |w_i|; w_i = 0 moves
    the constant v_i·max(b_i, 0) into c.  ``signed``/``absorb`` give the planted wrong variants."""
    theta = list(net.theta)
    c = net.c
    for i in range(net.H):
        u = _u(net, i) if manifold == "A" else list(net.w(i))
        sq = _dot(u, u)
        if sq == 0:
            if manifold == "A":
                for j in range(net.d):
                    theta[net.idx_w(i, j)] = fmpq(0)
                theta[net.idx_b(i)] = fmpq(1)
                theta[net.idx_v(i)] = fmpq(0)
            else:
                if absorb:
                    c += net.v(i) * max(net.b(i), fmpq(0))
                theta[net.idx_w(i, 0)] = fmpq(1)
                theta[net.idx_v(i)] = fmpq(0)
            continue
        rho = _sqrt(sq)
        if rho is None:
            raise Undecided(f"ρ_{i} = √{to_json(sq)} is irrational")
        if signed and net.d == 1 and net.w(i)[0] < 0:
            rho = -rho
        for j in range(net.d):
            theta[net.idx_w(i, j)] = net.w(i)[j] / rho
        theta[net.idx_b(i)] = net.b(i) / rho
        theta[net.idx_v(i)] = net.v(i) * rho
    theta[-1] = c
    return net.with_theta(theta)


def _same_function(net, other, box) -> fmpq:
    from ..realization import w1inf_distance
    (A, B), = box
    mid = (A + B) / 2
    shift = lambda n: n.with_theta(list(n.theta[:n.H]) + [n.theta[n.H + i] + n.theta[i] * mid for i in range(n.H)]
                                   + list(n.theta[2 * n.H:]))  # x ↦ x + mid maps [−D, D] onto [A, B]
    return w1inf_distance(shift(net), shift(other), (B - A) / 2)


def _box(ev):
    m = ev.inst.measure
    if m is None or not hasattr(m, "box"):
        raise InputError("this claim needs a measure on an interval [A, B]", "measure")
    return m.box


def _density(ev) -> Hypothesis:
    return Hypothesis("the input law has a density (no atoms)", not isinstance(ev.inst.measure, Empirical))


def density_hypothesis(ev) -> Hypothesis:
    """The density hypothesis of the selected variant (spec §5: p-bdd, p-bdd-pos, p-cont, p-uniform),
    decided exactly on the instance's measure."""
    from ..problems import BoxMeasure, Density, PowerDensity, poly_positive

    kind = ev.variants.get("density", "bdd")
    name = {"bdd": "p bounded (0 ≤ p ≤ p_max)", "bdd-pos": "p bounded and bounded below (0 < p_min ≤ p ≤ p_max)",
            "cont": "p bounded and continuous on [A, B]", "uniform": "p uniform on [A, B]"}[kind]
    m = ev.inst.measure
    if isinstance(m, Empirical) or m is None:
        return Hypothesis(name, False, "the input law has atoms")
    if isinstance(m, BoxMeasure):
        return Hypothesis(name, True)
    if isinstance(m, PowerDensity):
        a = m.exponent
        holds = {"bdd": a >= 0, "bdd-pos": a == 0, "cont": a >= 0, "uniform": a == 0}[kind]
        return Hypothesis(name, holds, f"p(x) = {to_json(m.coefficient)}·(x − A)^{to_json(a)}")
    if isinstance(m, Density):
        pieces = m.pieces
        if kind == "bdd":
            return Hypothesis(name, True, "piecewise polynomial on a compact interval")
        if kind == "uniform":
            vals = {tuple(c) for _, _, c in pieces}
            return Hypothesis(name, len(vals) == 1 and len(pieces[0][2]) <= 1)
        if kind == "cont":
            val = lambda cs, x: sum((c * x ** k for k, c in enumerate(cs)), fmpq(0))  # noqa: E731
            jumps = [k for k in range(1, len(pieces)) if val(pieces[k - 1][2], pieces[k][0]) != val(pieces[k][2],
                                                                                                 pieces[k][0])]
            return Hypothesis(name, not jumps, f"jumps at pieces {jumps}" if jumps else "")
        bad = [k for k, (lo, hi, c) in enumerate(pieces) if not poly_positive(list(c), lo, hi)]
        return Hypothesis(name, not bad, f"p vanishes somewhere on pieces {bad} (exact Sturm count)" if bad else
                          "p > 0 on every closed piece (exact Sturm count)")
    return Hypothesis(name, None, f"unsupported measure {type(m).__name__}")


# --------------------------------------------------------------------------------------------
# 1-12: layout, gradient, submanifold, Ψ, identities


def eval_index_layout(ev: Evaluation):
    """Claim 1: the shallow maps are a bijection onto {1..𝔡} and equal the deep layout for ℓ = (d, H, 1)."""
    net = ev.inst.net
    if not isinstance(net, Network):
        raise InputError("needs a {'widths', 'theta'} network", "network")
    widths = list(net.widths)
    s, deep = 0, []
    for k in range(1, len(widths)):
        for i in range(widths[k]):
            for j in range(widths[k - 1]):
                deep.append(("w", k, i, j, s + i * widths[k - 1] + j))
        for i in range(widths[k]):
            deep.append(("b", k, i, None, s + widths[k] * widths[k - 1] + i))
        s += widths[k] * (widths[k - 1] + 1)
    idx = sorted(e[-1] for e in deep)
    rels = [relation("deep layout is a bijection onto {0..𝔡−1}", fmpq(int(idx == list(range(len(net.theta))))), "=",
                     fmpq(1))]
    if net.is_shallow:
        d, H = net.d, net.H
        shallow = {("w", 1, i, j): net.idx_w(i, j) for i in range(H) for j in range(d)}
        shallow.update({("b", 1, i, None): net.idx_b(i) for i in range(H)})
        shallow.update({("w", 2, 0, i): net.idx_v(i) for i in range(H)})
        shallow[("b", 2, 0, None)] = net.idx_c
        agree = all(shallow[e[:4]] == e[4] for e in deep)
        rels.append(relation("shallow maps = deep layout with ℓ = (d, H, 1)", fmpq(int(agree)), "=", fmpq(1)))
    return rels, []


def eval_generalized_gradient(ev: Evaluation, everywhere=False):
    """Claim 2: where t ↦ L(θ + te_k) is differentiable at 0 its derivative is 𝒢_k; planted 3: "L is
    differentiable everywhere" (one-sided derivatives must agree)."""
    from ..derivatives import one_sided_derivatives

    net = _exact(ev)
    rels = []
    if everywhere and ev.independent and net.d == 1:
        rels = _degenerate_secants(ev, net)
        if any(r.status == Status.VIOLATED for r in rels):
            return rels, []
    plus, minus, _ = one_sided_derivatives(ev, net, 1)
    _, G = _LG(ev, net)
    for k in range(len(G)):
        if everywhere:
            rels.append(relation(f"D⁺_k L = D⁻_k L (k = {k})", plus[k], "=", minus[k]))
        elif plus[k] == minus[k]:
            rels.append(relation(f"∂_k L = 𝒢_k (k = {k}, one-sided derivatives agree)", plus[k], "=", G[k]))
    return rels, []


def _degenerate_secants(ev, net) -> list:
    """Re-verification of planted 3 without the one-sided derivative formulas: along e_{b_i} of a neuron
    with (w_i, b_i) = (0, 0) the neuron is active on all of [A, B] for t > 0 (r_t = r + v_i t, ℒ quadratic
    in t) and inactive for t < 0 (ℒ constant), so `_secant_derivatives` with degree 2 is exact."""
    rels = []
    for i, kind in enumerate(neuron_kinds(net)):
        if kind == "regular":
            continue
        tau = [fmpq(0)] * len(net.theta)
        tau[net.idx_b(i)] = fmpq(1)
        plus, minus = _secant_derivatives(ev, net, tau, 2, fmpq(1))
        rels.append(relation(f"D⁺_b{i} L = D⁻_b{i} L (secants; (w, b) = (0, 0))", plus, "=", minus))
    return rels


def eval_differentiable_everywhere(ev):
    return eval_generalized_gradient(ev, everywhere=True)


def eval_submanifold(ev: Evaluation):
    """Claim 3: DF has rank H at θ ∈ M (rows 2u_i on disjoint blocks), so M is an embedded submanifold
    of dimension 𝔡 − H."""
    net = _exact(ev)
    man = _manifold(ev)
    DF = fmpq_mat(net.H, len(net.theta))
    for i in range(net.H):
        for k, x in _normal(net, i, man).items():
            DF[i, k] = 2 * x
    return [relation("rank DF(θ) = H", fmpq(DF.rank()), "=", fmpq(net.H))], [on_manifold(net, man)]


def eval_representation(ev: Evaluation, signed=False, absorb=True):
    """Claim 4: N^{Ψ(θ)} = N^θ on [A, B] (exact for rational ρ_i) and Ψ(θ) ∈ M."""
    net = _exact(ev)
    man = "B" if (not absorb or signed) else _manifold(ev)
    image = psi(net, man, signed=signed, absorb=absorb)
    if net.d != 1:
        raise InputError("the representation claim is checked in 1-D", "network")
    return [relation("‖N^{Ψ(θ)} − N^θ‖_{W^{1,∞}([A,B])} = 0", _same_function(net, image, _box(ev)), "=", fmpq(0)),
            relation("Ψ(θ) ∈ M", fmpq(int(on_manifold(image, man).holds)), "=", fmpq(1))], []


def eval_psi_signed(ev):
    """Planted 9: Ψ dividing by the signed w."""
    return eval_representation(ev, signed=True)


def eval_psi_no_absorb(ev):
    """Planted 10: Ψ_B without moving a w_i = 0 neuron's constant into c."""
    return eval_representation(ev, absorb=False)


def eval_euler(ev: Evaluation):
    """Claim 6: ⟨g_i, u_i⟩ = v_i 𝒢_{v_i} for every neuron (Lemma: (w·x+b)1{w·x+b>0} = ReLU(w·x+b))."""
    net = _exact(ev)
    _, G = _LG(ev, net)
    return [relation(f"⟨g_{i}, u_{i}⟩ = v_{i}·𝒢_v{i}", _dot(_g(net, G, i), _u(net, i)), "=", net.v(i) * G[net.idx_v(i)])
            for i in range(net.H)], []


def eval_projected_field(ev: Evaluation):
    """Claim 7: P is symmetric and idempotent, P𝒢 is tangent (⟨P𝒢, n_i⟩ = 0), and on M_A equals the
    explicit field w' = −𝒢_w + w v 𝒢_v, b' = −𝒢_b + b v 𝒢_v, v' = −𝒢_v, c' = −𝒢_c."""
    net = _exact(ev)
    man = _manifold(ev)
    hyp = [on_manifold(net, man)]
    if not hyp[0].holds:
        return [], hyp
    kind = ev.variants.get("projection", "orth")
    if kind in ("weight-norm", "oblique"):
        return [undecidable(f"projected field ({kind})", "this reading of the normalized flow is not specified "
                                                          "(spec §5): UNKNOWN until it is defined")], hyp
    _, G = _LG(ev, net)
    if kind == "psi-push":
        return _psi_push_field(net, G, man), hyp
    P = projection(net, man)
    n = len(G)
    sym = all(P[a, b] == P[b, a] for a in range(n) for b in range(n))
    idem = (P * P) == P
    PG = [sum((P[a, b] * G[b] for b in range(n)), fmpq(0)) for a in range(n)]
    rels = [relation("P = Pᵀ", fmpq(int(sym)), "=", fmpq(1)), relation("P² = P", fmpq(int(idem)), "=", fmpq(1)),
            relation("P𝒢 (matrix) = P𝒢 (formula)", fmpq(int(PG == projected(net, G, man))), "=", fmpq(1))]
    for i in range(net.H):
        rels.append(relation(f"⟨P𝒢, n_{i}⟩ = 0", sum((PG[k] * x for k, x in _normal(net, i, man).items()), fmpq(0)),
                             "=", fmpq(0)))
        if man == "A":
            vg = net.v(i) * G[net.idx_v(i)]
            rels.append(relation(f"w_{i}' = −𝒢_w + w v 𝒢_v", -PG[net.idx_w(i, 0)], "=",
                                 -G[net.idx_w(i, 0)] + net.w(i)[0] * vg))
            rels.append(relation(f"b_{i}' = −𝒢_b + b v 𝒢_v", -PG[net.idx_b(i)], "=", -G[net.idx_b(i)] + net.b(i) * vg))
    return rels, hyp


def _psi_push_field(net, G, man):
    """Claim 7 under ``proj-psi-push``: the standard flow pushed to M_A by Ψ (claim 12 at ρ_i = 1):
    V = (−(P𝒢)_u, −(1 + v_i²)𝒢_{v_i}, −𝒢_c).  V is tangent, ⟨𝒢, V⟩ = −(|(P𝒢)_u|² + Σ(1 + v_i²)𝒢_{v_i}² +
    𝒢_c²), and V = 0 ⇔ P𝒢 = 0."""
    if man != "A":
        return [undecidable("Ψ-pushed field on M_B", "claim 12's preconditioner is derived on M_A only")]
    PG = projected(net, G, "A")
    V = [-g for g in PG]
    for i in range(net.H):
        V[net.idx_v(i)] = -(1 + net.v(i) ** 2) * G[net.idx_v(i)]
    rels = [relation(f"⟨V, n_{i}⟩ = 0 (Ψ-pushed field tangent)", sum((V[k] * x for k, x in _normal(net, i, "A").items()),
                                                                     fmpq(0)), "=", fmpq(0)) for i in range(net.H)]
    u_part = sum((PG[k] ** 2 for i in range(net.H) for k in _normal(net, i, "A")), fmpq(0))
    rels.append(relation("⟨𝒢, V⟩ = −(|(P𝒢)_u|² + Σ(1 + v²)𝒢_v² + 𝒢_c²)", _dot(G, V), "=",
                         -(u_part + sum(((1 + net.v(i) ** 2) * G[net.idx_v(i)] ** 2 for i in range(net.H)), fmpq(0))
                           + G[-1] ** 2)))
    rels.append(relation("(V = 0) = (P𝒢 = 0)", fmpq(int(all(x == 0 for x in V))), "=", fmpq(int(all(x == 0 for x in PG)))))
    return rels


def eval_critical(ev: Evaluation):
    """Claim 8: on M, P𝒢 = 0 ⇔ 𝒢 = 0."""
    net = _exact(ev)
    man = _manifold(ev)
    hyp = [on_manifold(net, man)]
    if not hyp[0].holds:
        return [], hyp
    _, G = _LG(ev, net)
    PG = projected(net, G, man)
    return [relation("(P𝒢 = 0) = (𝒢 = 0)", fmpq(int(all(x == 0 for x in PG))), "=",
                     fmpq(int(all(x == 0 for x in G))))], hyp


def eval_energy(ev: Evaluation, full=False):
    """Claim 9 (pointwise): dL/dt = ⟨𝒢, −P𝒢⟩ = −|P𝒢|² along the normalized flow; planted 8: −|𝒢|²."""
    net = _exact(ev)
    man = _manifold(ev)
    hyp = [on_manifold(net, man)]
    if not hyp[0].holds:
        return [], hyp
    _, G = _LG(ev, net)
    PG = projected(net, G, man)
    rhs = -_dot(G, G) if full else -_dot(PG, PG)
    rels = [relation("⟨𝒢, −P𝒢⟩ = " + ("−|𝒢|²" if full else "−|P𝒢|²"), -_dot(G, PG), "=", rhs)]
    if not full and _horizon(ev) is not None and hyp[0].holds:
        hyp.append(density_hypothesis(ev))
        if hyp[-1].holds:
            rels += _energy_trajectory(ev, net)
    return rels, hyp


def eval_energy_full(ev):
    return eval_energy(ev, full=True)


def eval_kink_geometry(ev: Evaluation):
    """Claim 10 (d = 1): x_0' = (𝒢_b + x_0𝒢_w)/w along both flows (radial terms cancel), and on M_A
    w²(1 + x_0²) = 1, so a kink in [A, B] forces w² ≥ 1/(1 + max(A², B²))."""
    net = _exact(ev)
    if net.d != 1:
        raise InputError("kink geometry is 1-D", "network")
    _, G = _LG(ev, net)
    PG = projected(net, G, "A")
    (A, B), = _box(ev)
    rels = []
    for i in range(net.H):
        w, b = net.w(i)[0], net.b(i)
        if w == 0:
            continue
        x0 = -b / w
        rhs = (G[net.idx_b(i)] + x0 * G[net.idx_w(i, 0)]) / w
        for name, F in (("standard", [-g for g in G]), ("normalized", [-g for g in PG])):
            wd, bd = F[net.idx_w(i, 0)], F[net.idx_b(i)]
            rels.append(relation(f"{name} flow: x0_{i}' = (𝒢_b + x0 𝒢_w)/w", -(bd * w - b * wd) / (w * w), "=", rhs))
        if on_manifold(net).holds:
            rels.append(relation(f"w_{i}²(1 + x0²) = 1 on M_A", w * w * (1 + x0 * x0), "=", fmpq(1)))
            if A <= x0 <= B:
                rels.append(relation(f"kink in [A, B] ⇒ w_{i}² ≥ 1/(1 + max(A², B²))", w * w, "≥",
                                     1 / (1 + max(A * A, B * B))))
    return rels or [relation("no neuron with w ≠ 0", fmpq(0), "=", fmpq(0))], []


def eval_kappa(ev: Evaluation, flow="standard"):
    """Claim 11: dκ_i/dt = 2⟨u_i, u_i'⟩ − 2v_i v_i' = 0 along the standard flow (κ_i = |u_i|² − v_i²);
    planted 6: along the normalized flow."""
    net = _exact(ev)
    _, G = _LG(ev, net)
    F = [-g for g in (G if flow == "standard" else projected(net, G, "A"))]
    rels = []
    for i in range(net.H):
        ud = [F[net.idx_w(i, j)] for j in range(net.d)] + [F[net.idx_b(i)]]
        rels.append(relation(f"dκ_{i}/dt = 0 ({flow} flow)", 2 * _dot(_u(net, i), ud) - 2 * net.v(i) * F[net.idx_v(i)],
                             "=", fmpq(0)))
    return rels, ([on_manifold(net)] if flow == "normalized" else [])


def eval_kappa_normalized(ev):
    return eval_kappa(ev, flow="normalized")


def eval_sphere_standard(ev: Evaluation):
    """Planted 7: "the standard flow preserves M_A": d|u_i|²/dt = −2⟨u_i, g_i⟩ must vanish."""
    net = _exact(ev)
    _, G = _LG(ev, net)
    return [relation(f"d|u_{i}|²/dt = 0 (standard flow)", -2 * _dot(_u(net, i), _g(net, G, i)), "=", fmpq(0))
            for i in range(net.H)], [on_manifold(net)]


def eval_normalized_coords(ev: Evaluation):
    """Claim 12 (M_A, ρ_i rational): the image of the standard flow under Ψ moves by the normalized
    field with the diagonal preconditioner û' = ρ^{-2}[normalized u'], ṽ' = (v² + ρ²)[normalized v'];
    and ρ⁴ − κρ² − ṽ² = 0 (i.e. ρ² = (κ + √(κ² + 4ṽ²))/2)."""
    net = _exact(ev)
    _, G = _LG(ev, net)
    image = psi(net, "A")
    _, Gi = _LG(ev, image)
    NF = [-g for g in projected(image, Gi, "A")]
    rels = []
    for i in range(net.H):
        u = _u(net, i)
        rho = _sqrt(_dot(u, u))
        if rho is None or rho == 0:
            continue
        ud = [-G[net.idx_w(i, j)] for j in range(net.d)] + [-G[net.idx_b(i)]]
        vd = -G[net.idx_v(i)]
        rhod = _dot(u, ud) / rho
        hat_d = [(a * rho - x * rhod) / (rho * rho) for a, x in zip(ud, u)]
        tv_d = rhod * net.v(i) + rho * vd
        nf_u = [NF[image.idx_w(i, j)] for j in range(net.d)] + [NF[image.idx_b(i)]]
        rels.append(relation(f"û_{i}' = ρ⁻² [normalized u']", fmpq(int(hat_d == [x / (rho * rho) for x in nf_u])), "=",
                             fmpq(1)))
        rels.append(relation(f"ṽ_{i}' = (v² + ρ²)[normalized v']", tv_d, "=",
                             (net.v(i) ** 2 + rho * rho) * NF[image.idx_v(i)]))
        kappa = _dot(u, u) - net.v(i) ** 2
        tv = rho * net.v(i)
        rels.append(relation(f"ρ_{i}⁴ − κρ² − ṽ² = 0", rho ** 4 - kappa * rho * rho - tv * tv, "=", fmpq(0)))
    if not rels:
        raise Undecided("no neuron with a rational ρ_i > 0")
    return rels, []


# --------------------------------------------------------------------------------------------
# 5: regularity (certified Lipschitz bounds of P𝒢 on boxes)


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
    from ..problems import PowerDensity
    from . import powerdensity

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
    from ..flows import FlowSystem, _ball, _sq
    from ..problems import PowerDensity

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
        J = system.jacobian_enclosure([_ball(t - r, t + r) for t in net.theta], "normalized", man)
        fro = None if J is None else ball_bounds(sum((_sq(x) for row in J for x in row), fmpq(0)).sqrt())
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


# --------------------------------------------------------------------------------------------
# trajectories: certified enclosures of the flows (verify.flows)


def _trajectory(ev, net, flow, T):
    """A certified enclosure of the ``flow`` from θ on [0, T] (`flows.FlowSystem.enclose`; h0, tol,
    max_steps from params; deterministic: no wall-clock budget).  The re-verification pass runs at 256
    bits with half the initial step.  A horizon beyond h0·max_steps is enclosed up to there and
    reported incomplete (UNKNOWN beyond), never run."""
    from ..flows import FlowSystem, check_max_steps, check_tol

    system = FlowSystem(ev.inst.target, ev.inst.measure, net.H)
    h0 = ev.rational_param("h0", fmpq(1, 16))
    if h0 <= 0:
        raise InputError(f"the step h0 must be > 0, got {to_json(h0)}", "params.h0")
    if ev.independent:
        h0 /= 2
    tol = check_tol(float(ev.rational_param("tol", fmpq(1, 10 ** 5))), "params.tol")
    steps = ev.rational_param("max_steps", fmpq(4000))
    if steps.q != 1:
        raise InputError(f"the step limit must be an integer, got {to_json(steps)}", "params.max_steps")
    max_steps = check_max_steps(int(steps), "params.max_steps")
    reach = min(T, h0 * max_steps)  # no step is longer than h0: past this the run could only stop at max_steps
    enc = system.enclose(net.theta, reach, flow, _manifold(ev) if flow == "normalized" else "A", h0=h0, tol=tol,
                         max_steps=max_steps, prec=256 if ev.independent else 128)
    if reach < T:
        enc.T, enc.complete = T, False
        enc.reason = enc.reason or f"params.T = {to_json(T)} needs more than max_steps = {max_steps} steps of at most " \
                                   f"h0 = {to_json(h0)}; enclosed on [0, {to_json(reach)}] only"
    return enc


def _horizon(ev):
    T = ev.rational_param("T")
    if T is not None and T <= 0:
        raise InputError(f"the horizon T must be > 0, got {to_json(T)}", "params.T")
    return T


def _energy_trajectory(ev, net):
    """Claim 9 (trajectory form, normalized flow, density p bounded): the enclosure of ℒ(Θ_T) (box
    evaluation over the last point enclosure) must meet ℒ(Θ_0) − Σ_n h_n|P𝒢(X_n)|² (the energy
    identity integrated over the step boxes); disjoint enclosures are VIOLATED, overlapping ones
    UNKNOWN (consistent, but no enclosure certifies an equality)."""
    enc = _trajectory(ev, net, "normalized", _horizon(ev))
    along = enc.energy_along()
    gap = None if along is None else ball_gap(enc.risk_final(), along[-1])
    if gap is None:
        return [undecidable("energy identity along the trajectory", "a step box meets the singular set or an "
                                                                    "enclosure is not finite")]
    ev.record("x: t", [t for t, _ in enc.points])
    ev.record("upper end of the energy enclosure of ℒ(Θ_t)", [ball_bounds(e)[1] for e in along])
    where = f"T = {to_json(enc.t_reached)}, {len(enc.steps)} certified steps"
    if gap == 0:  # consistent with the identity, but an equality is never certified by overlapping enclosures
        rels = [undecidable("energy identity along the trajectory", f"the enclosures of ℒ(Θ_T) and ℒ(Θ_0) − "
                            f"∫₀ᵀ|P𝒢|² overlap ({where}): consistent, but enclosures cannot certify an equality")]
    else:  # every solution stays in the boxes, which avoid the singular set on M_A / M_B: a certified failure
        rels = [relation(f"enclosures of ℒ(Θ_T) and ℒ(Θ_0) − ∫₀ᵀ|P𝒢|² meet (gap = 0; {where})", gap, "=", fmpq(0))]
    if not enc.complete:
        rels.append(undecidable(f"energy identity on [{to_json(enc.t_reached)}, {to_json(enc.T)}]", enc.reason))
    return rels


# --------------------------------------------------------------------------------------------
# 13, 14: boundedness (infinite horizon only through exact certificates)


def _dead_start(net, box) -> bool:
    (A, B), = box
    return all(max(net.w(i)[0] * A, net.w(i)[0] * B) + net.b(i) <= 0 for i in range(net.H))


def _lipschitz_target(ev):
    """Claims 13/14 need a Lipschitz f: piecewise-polynomial targets are, an indicator with a jump
    inside [A, B] is not (a clear input error: the theorem says nothing about it)."""
    from ..problems import ExpressionTarget, Indicator

    t = ev.inst.target
    if isinstance(t, Indicator):
        (A, B), = _box(ev)
        if any(A < k < B for k in t.knots_1d()):
            raise InputError("the target jumps inside [A, B], it is not Lipschitz (claims 13/14 assume a Lipschitz f)",
                             "target")
    if isinstance(t, ExpressionTarget) or not t.is_exact():
        raise InputError("claims 13/14 need a piecewise-polynomial (hence Lipschitz) target with rational data",
                         "target")


def _boundedness_scope(ev, net, H, density=True) -> list:
    """The scope of claims 13/14 and their planted variants as hypotheses: d = 1 and H = ``H`` (None: any
    width), a measure on an interval [A, B], a Lipschitz target (input error otherwise, `_lipschitz_target`)
    and, with ``density``, the density hypothesis of the selected variant (p bounded...)."""
    _lipschitz_target(ev)
    out = [Hypothesis("d = 1 and H = 1" if H == 1 else "d = 1", net.d == 1 and (H is None or net.H == H),
                      "" if net.d == 1 and (H is None or net.H == H) else
                      f"outside the claim's scope: a {net.d}-{net.H}-1 network")]
    if density:
        out.append(density_hypothesis(ev))
    return out


def _exact_sup(ev, net, G):
    """sup_{t ≥ 0} |Θ_t|_∞ along ONE solution that an exact certificate gives in closed form:
    stationarity (𝒢(θ_0) = 0, Θ ≡ θ_0) or a dead start (every neuron inactive on [A, B]: w, b, v
    frozen; c(t) moves monotonically from c_0 towards m = ∫fp/∫p = c_0 − 𝒢_c/(2∫p), never reaching
    it unless c_0 = m, so sup|c(t)| = max(|c_0|, |m|)).  Returns (sup, why, kind) with kind
    "stationary" / "dead", or (None, "", None).  Whether this solution is the only one is decided
    separately (`uniqueness`)."""
    top = max(abs(t) for t in net.theta)
    if all(g == 0 for g in G):
        return top, "𝒢(θ_0) = 0: Θ ≡ θ_0 is a solution", "stationary"
    if _dead_start(net, _box(ev)):
        m = net.c - G[-1] / (2 * ev.inst.measure.total_mass())
        return max(top, abs(m)), f"dead start: the solution in which only c moves, monotonically towards ∫fp/∫p = " \
                                 f"{to_json(m)}", "dead"
    return None, "", None


# --------------------------------------------------------------------------------------------
# uniqueness of the flow from θ_0 (a certificate about every trajectory needs every solution)


def neuron_kinds(net) -> list:
    """Per neuron: "regular" ((w_i, b_i) ≠ 0: θ in the regular set 𝓡 for this neuron), "zero"
    ((w_i, b_i, v_i) = 0) or "singular" ((w_i, b_i) = 0, v_i ≠ 0: the field jumps there)."""
    out = []
    for i in range(net.H):
        if any(t != 0 for t in net.w(i)) or net.b(i) != 0:
            out.append("regular")
        else:
            out.append("zero" if net.v(i) == 0 else "singular")
    return out


def uniqueness(ev, net, flow, kind) -> tuple:
    """(True, why) when every solution of the flow from θ_0 coincides with the certified one of kind
    "stationary" / "dead" (`_exact_sup`), else (False, why).  Needs the density hypothesis (p bounded),
    which the caller has certified.  Proof (proofs_notes/ejrw22.md#uniqueness):

    * 𝒢 is locally Lipschitz on 𝓡 = {(w_i, b_i) ≠ 0 ∀i} for bounded p, so a solution through 𝓡 is
      unique; M_A, M_B ⊂ 𝓡 (normalized flow).
    * a "zero" neuron stays zero in every solution: q_i = |u_i|² + v_i² has q_i' = −4v_i𝒢_{v_i} (claim 6)
      and |v_i𝒢_{v_i}| ≤ 2|v_i||u_i|·sup|(x, 1)|·∫|r|p ≤ K q_i, so q_i ≡ 0 by Grönwall; it contributes
      nothing to 𝒩, and the other neurons solve the reduced system.
    * a "singular" neuron ((w_i, b_i) = 0, v_i ≠ 0) makes the field discontinuous at θ_0; a second
      solution leaves into the active cone as soon as v_i∫ReLU(û·(x, 1)) r p < 0 for some direction û
      (|u_i| grows at a positive rate, d|u_i|²/dt = −4v_i∫ReLU(u_i·(x, 1)) r p).  The sufficient
      condition for every solution to keep u_i = 0, v_i·r > 0 on [A, B] near θ_0, never holds at a
      stationary θ_0 (𝒢_c = 2∫r p = 0) nor along a dead trajectory (c(t) → ∫fp/∫p, where again
      ∫r p → 0): such starts are UNKNOWN."""
    if flow == "normalized":
        return True, "θ_0 ∈ M ⊂ 𝓡 and p is bounded: the field is locally Lipschitz, the solution unique"
    kinds = neuron_kinds(net)
    singular = [i for i, k in enumerate(kinds) if k == "singular"]
    if not singular:
        zero = [i for i, k in enumerate(kinds) if k == "zero"]
        return True, ("every neuron has (w_i, b_i) ≠ 0" if not zero else
                      f"neurons {zero} are identically zero in every solution, the others have (w_i, b_i) ≠ 0") + \
            ": the solution is unique (p bounded)"
    return False, f"neurons {singular} have (w_i, b_i) = (0, 0) and v_i ≠ 0: the field is discontinuous there and " \
                  "another solution may leave θ_0 into the active cone (the certificate covers one solution only)"


def eval_bounded(ev: Evaluation, flow="normalized"):
    """Claims 13/14 (d = 1, H = 1 under the default scope, Lipschitz f, density p): sup_t |Θ_t| < ∞.

    Infinite horizon: HOLDS only through an exact certificate, stationarity (𝒢(θ_0) = 0, so Θ ≡ θ_0
    for both flows) or a dead start (w, b, v frozen, c(t) → ∫fp/∫p monotonically); UNKNOWN otherwise.
    A finite-time enclosure never proves boundedness, nor divergence.  With params.bound an explicit
    claimed bound C is checked: exactly on the whole trajectory where a certificate applies, and on
    [0, T] (params.T) by a certified enclosure of sup_{t≤T}|Θ_t|_∞ (`verify.flows`): a certified
    excess is VIOLATED of that bound.  An input law with atoms is out of scope: UNKNOWN."""
    net = _exact(ev)
    if isinstance(ev.inst.measure, Empirical):
        return [undecidable("sup_t |Θ_t| < ∞", "out of scope: the input law has atoms (hypothesis 'density')")], []
    hyp = _boundedness_scope(ev, net, ev.variants.get("scope", 1))
    if flow == "normalized":
        hyp.append(on_manifold(net, _manifold(ev)))
    if not all(h.holds for h in hyp):
        return [], hyp
    bound = ev.rational_param("bound")
    T = _horizon(ev)
    _, G = _LG(ev, net)
    sup, why, kind = _exact_sup(ev, net, G)
    rels = []
    user = "params.bound (a user-supplied constant; the paper states no explicit bound)"
    if sup is not None:
        unique, because = uniqueness(ev, net, flow, kind)
        if unique:
            rels.append(relation(f"{why}, and the only one: {because} (bounded, exact certificate)", fmpq(0), "=",
                                 fmpq(0)))
            if bound is not None:
                rels.append(relation(f"sup_{{t ≥ 0}} |Θ_t|_∞ ≤ {user} (exact, every solution)", sup, "≤", bound))
            return rels, hyp
        rels.append(undecidable("every solution from θ_0 is the certified one", because))
        if bound is not None:
            one = relation(f"sup_{{t ≥ 0}} |Θ_t|_∞ ≤ {user} along the certified solution ({why}; exact)", sup, "≤",
                           bound)
            if one.status == Status.VIOLATED:  # one solution exceeding the user's bound refutes it
                rels.append(one)
            else:
                ev.notes.append(f"the certified solution stays below params.bound, but other solutions may not: "
                                f"{because}")
    if T is not None:
        enc = _trajectory(ev, net, flow, T)
        s = enc.sup_norm()
        ev.record("x: t", [t for t, _ in enc.points])
        ev.record("upper end of the enclosure of |Θ_t|_∞", [max(ball_bounds(abs(y))[1] for y in Y) for _, Y in enc.points])
        if bound is not None:  # the boxes contain every solution (flows: the a-priori step needs no uniqueness)
            rels.append(relation(f"sup_{{t ≤ {to_json(enc.t_reached)}}} |Θ_t|_∞ ≤ {user} (certified enclosure of "
                                 f"every solution ⊆ {_interval_out(s)})", s,
                                 "≤", bound))
        else:
            ev.notes.append(f"sup_(t ≤ {to_json(enc.t_reached)}) |Θ_t|_∞ ∈ {s.str(12)} (certified)")
        if not enc.complete:
            rels.append(undecidable(f"the flow on [{to_json(enc.t_reached)}, {to_json(T)}]", enc.reason))
    if flow == "standard" and ev.inst.params.get("probe") is not None:
        _probe(ev, net)
    rels.append(undecidable("sup_t |Θ_t| < ∞", "no exact certificate (stationarity, dead start with a unique "
                                                  "solution) applies; finite-horizon enclosures are not proofs of "
                                                  "boundedness"))
    return rels, hyp


def _probe(ev, net):
    """Claim 14's probe (params.probe = a float horizon T_f): the standard flow from θ_0 and the
    normalized flow from Ψ(θ_0) in float (`FlowSystem.simulate`, exploration only); the growth
    exponent α of max_i|ṽ_i(t)| ~ t^α (ṽ_i = ρ_i v_i, least squares in log-log on [T_f/10, T_f]) is the
    search objective; |Θ_t|, |ṽ(t)| and the kink |x_0(t)| are recorded against t for the log-log
    plot.  If α > params.certify_above (default 1/10), the standard flow is also enclosed on
    [0, params.certify_T] (default 1/2) and the certified sup |Θ_t|_∞ and |ṽ| are noted -- a finite-time
    enclosure, never a proof of divergence."""
    import numpy as np

    from ..flows import FlowSystem

    from ..flows import FLOAT_MAX_T

    Tf = ev.rational_param("probe")
    if not 0 < Tf <= FLOAT_MAX_T:
        raise InputError(f"the probe horizon must be in (0, {FLOAT_MAX_T}], got {to_json(Tf)}", "params.probe")
    Tf = float(Tf)
    system = FlowSystem(ev.inst.target, ev.inst.measure, net.H)
    H = net.H
    ts = np.geomspace(min(1e-2, Tf / 100), Tf, 150)
    sim = system.simulate(net.theta, Tf, "standard", rtol=1e-8, atol=1e-10, method="LSODA", t_eval=ts)
    X = sim.states
    rho = np.hypot(X[:, :H], X[:, H:2 * H])
    vt = np.max(np.abs(rho * X[:, 2 * H:3 * H]), axis=1)
    sel = (sim.t >= sim.t[-1] / 10) & (vt > 0)
    alpha = float(np.polyfit(np.log(sim.t[sel]), np.log(vt[sel]), 1)[0]) if sel.sum() >= 5 else float("nan")
    ev.objective("growth exponent α of |ṽ(t)| ~ t^α on [T/10, T] (float fit, standard flow)", alpha)
    th = np.array([float(t) for t in net.theta])
    r0 = np.hypot(th[:H], th[H:2 * H])
    if np.all(r0 > 0):
        psi0 = np.concatenate([th[:H] / r0, th[H:2 * H] / r0, th[2 * H:3 * H] * r0, th[3 * H:]])
        norm = system.simulate(list(psi0), Tf, "normalized", rtol=1e-8, atol=1e-10, method="LSODA", t_eval=sim.t)
        ev.record("|Θ_t|_∞ normalized flow from Ψ(θ_0) (float)", list(np.max(np.abs(norm.states), axis=1))
                  + [float("nan")] * (len(sim.t) - len(norm.t)))
    ev.record("x: t", list(sim.t))
    ev.record("|Θ_t|_∞ standard flow (float)", list(np.max(np.abs(X), axis=1)))
    ev.record("max_i |ṽ_i(t)| (float)", list(vt))
    ev.record("max_i |x_0,i(t)| kink position (float)", list(np.nanmax(np.abs(sim.kinks), axis=1)))
    ev.notes.append(f"float probe on [0, {Tf:g}]: |ṽ| grows like t^{alpha:.3g} on the last decade "
                    f"({sim.message}); float evidence only")
    if math.isfinite(alpha) and alpha > float(ev.rational_param("certify_above", fmpq(1, 10))):
        enc = _trajectory(ev, net, "standard", ev.rational_param("certify_T", fmpq(1, 2)))
        vmax = max(ball_bounds(abs(enc.final[2 * H + i]) * (enc.final[i] ** 2 + enc.final[H + i] ** 2).sqrt())[1]
                   for i in range(H))
        ev.notes.append(f"certified on [0, {to_json(enc.t_reached)}]: sup |Θ_t|_∞ ∈ {enc.sup_norm().str(10)}, "
                        f"|ṽ| ≤ {_up(vmax)} at the end (a finite-time enclosure: not a proof of divergence)")


def eval_open_standard(ev):
    return eval_bounded(ev, flow="standard")


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


# --------------------------------------------------------------------------------------------
# registration


def _inst(**kw):
    def make():
        from . import strategies as vst

        return vst.ejrw22_instances(**kw)
    return make


def _i(theta, target="0", measure=None, params=None):
    out = {"network": {"widths": [1, len(theta) // 3, 1], "theta": [str(t) for t in theta]},
           "target": {"kind": "constant", "value": target} if isinstance(target, str) else target,
           "measure": measure or {"kind": "lebesgue", "box": [["0", "1"]]}}
    if params:
        out["params"] = params
    return out


IDENTITY = {"kind": "polynomial", "coefficients": ["0", "1"]}
EX = _i(["3/5", "-5/13", "4/5", "12/13", "2", "-1", "1/2"], target="1/3",
        measure={"kind": "lebesgue", "box": [["-1", "1"]]})
THETA0 = _i(["3/5", "4/5", "1", "0"])


_D1 = lambda ev, net: net.d == 1  # noqa: E731
_ANY = None
# The scope of every claim and planted variant (spec §3, §4): (text, test on (ev, network) or None when
# the scope is every shallow network).  A test that fails is a hypothesis certified false (vacuous),
# checked before anything is computed; malformed or unsupported input stays an InputError.
SCOPE = {
    "index-layout": ("any (d, H, 1) network, d, H ≥ 1", _ANY),
    "generalized-gradient": ("d = 1, any H, any input measure on an interval", _D1),
    "generalized-gradient~differentiable-everywhere": ("d = 1, any H, any input measure on an interval", _D1),
    "generalized-gradient~gradient-continuous": ("d = 1, any H, any input measure on an interval", _D1),
    "generalized-gradient~regularity-with-atoms": ("d = 1, any H, θ ∈ M_A, an atomic input law", _D1),
    "submanifold": ("any d, H ≥ 1; θ ∈ M (hypothesis below)", _ANY),
    "representation": ("d = 1 (checked on [A, B]), any H, candidates A and B", _D1),
    "representation~signed-scale": ("d = 1, any H", _D1),
    "representation~no-absorb": ("d = 1, any H", _D1),
    "regularity": ("d = 1, any H, θ ∈ M, a bounded density (variant)", _D1),
    "regularity~lipschitz-unbounded-p": ("d = 1, any H, θ ∈ M, an integrable density", _D1),
    "euler-identity": ("any θ, d, H, any input measure", _ANY),
    "projected-field": ("M_A: any d, H; M_B: d = 1; θ ∈ M",
                        lambda ev, net: _manifold(ev) == "A" or net.d == 1),
    "critical-points-coincide": ("any d, H, any input measure; θ ∈ M", _ANY),
    "energy-identity": ("normalized flow, d = 1, any H; θ ∈ M; trajectory form: bounded density", _D1),
    "energy-identity~full-gradient": ("normalized flow, d = 1, any H; θ ∈ M", _D1),
    "energy-identity~gd-monotone": ("projected GD on M_A, d = 1, any H; θ ∈ M_A", _D1),
    "kink-geometry": ("d = 1, any H, neurons with w_i ≠ 0", _D1),
    "kappa-conservation": ("standard flow, any θ, d, H, any input measure", _ANY),
    "kappa-conservation~normalized": ("normalized flow on M_A, any d, H", _ANY),
    "kappa-conservation~sphere-under-standard": ("standard flow from θ ∈ M_A, any d, H", _ANY),
    "standard-gf-normalized-coords": ("candidate A, any d, H, neurons with ρ_i > 0 rational", _ANY),
    "bounded-gf-h1": ("d = 1, H = 1 (variant H-any: any H), Lipschitz f, a density (variant), θ ∈ M", _ANY),
    "bounded-gf-h1~coercive-sublevel": ("d = 1, H = 1, Lipschitz f, θ ∈ M_A", _ANY),
    "bounded-gf-h1~uniform-bound": ("d = 1, H = 1, Lipschitz f, a bounded density, θ ∈ M_A", _ANY),
    "open-standard-gf": ("d = 1, H = 1 (variant H-any: any H), Lipschitz f, a density (variant)", _ANY),
}


def _scoped(key, fn):
    """``fn`` with its scope (SCOPE[key]) as the first hypothesis."""
    text, test = SCOPE[key]

    def evaluate(ev):
        net = ev.inst.net
        if test is not None and isinstance(net, Network) and not test(ev, net):
            return [], [Hypothesis(f"scope: {text}", False, f"outside the claim's scope: a {net.d}-{net.H}-1 network"
                                                            + ("" if _manifold(ev) == "A" else " on M_B"))]
        rels, hyp = fn(ev)
        return rels, [Hypothesis(f"scope: {text}", True)] + list(hyp)
    evaluate.__doc__ = fn.__doc__
    evaluate.__name__ = getattr(fn, "__name__", key)
    return evaluate


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_FLOW = {"T": Param("rational > 0", None, "horizon of the certified flow enclosure on [0, T] (none: no enclosure)"),
         "h0": Param("rational > 0", "1/16", "initial step of the enclosure"),
         "tol": Param("rational", "1/100000", "the enclosure's tolerance"),
         "max_steps": Param("int", 4000, "step limit of the enclosure")}
PARAMS = {
    "generalized-gradient": {"direction": Param("list of rationals", [], "a direction (one entry per parameter)"),
                             "eps": Param("rational > 0", "1/10", "ε₀ of the one-sided limit formula")},
    "regularity": {"radius": Param("rational > 0", "1/64", "half-width r of the box X around θ"),
                   "K": Param("rational ≥ 0", None, "a claimed Lipschitz constant (HOLDS if K_X ≤ K)"),
                   "t2": Param("rational", "t + r/4", "circle parameter of the second point θ′ (M_A)")},
    "energy-identity": {**_FLOW, "eta": Param("rational", 2, "the GD step of the monotonicity check")},
    "bounded-gf-h1": {**_FLOW, "bound": Param("rational", 10, "the explicit bound checked on the trajectory"),
                      "lambda": Param("rational", 0, "λ of the bound"),
                      "C": Param("rational", 10, "the uniform bound C on |θ_0|_∞")},
    "open-standard-gf": {**_FLOW, "bound": Param("rational", None, "an explicit bound to check"),
                         "probe": Param("rational > 0", None, "run the float growth probe of ṽ(t) on [0, probe]"),
                         "certify_above": Param("rational", "1/10", "certify starts whose probe growth α exceeds this"),
                         "certify_T": Param("rational > 0", "1/2", "horizon of those certified enclosures")},
}
STATEMENT_SUBS = {"p-bdd-pos": [("bounded density p", "density 0 < p_min ≤ p ≤ p_max"),
                                ("f, density p", "f, density 0 < p_min ≤ p ≤ p_max")],
                  "p-cont": [("bounded density p", "continuous density p"), ("f, density p", "f, continuous density p")],
                  "p-uniform": [("bounded density p", "uniform density p"), ("f, density p", "f, uniform density p")],
                  "H-any": [("H = 1, d = 1", "d = 1, any width H")],
                  "manifold-B": [("on M:", "on M_B:"), ("on the manifold", "on M_B")]}

def _claim(id_, prov, statement, fn, *, groups=(), examples=(), mutants=(), instances=None):
    return register(Claim(id=f"ejrw22.{id_}", source=SOURCE, provenance=prov, statement=statement,
                          evaluate=_scoped(id_, fn), note=f"{NOTE}#{id_}", examples=list(examples),
                          variant_groups=groups, mutants=list(mutants), family="ejrw22",
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS,
                          instances=instances or _inst()))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    return Mutant(parent=f"ejrw22.{parent}", name=name, spec_name=spec, statement=statement,
                  evaluate=_scoped(f"{parent}~{name}", fn), witness=witness, forced_variants=forced or {},
                  instances=instances)


def _fixed(inst):
    def make():
        from hypothesis import strategies as st

        return st.just(inst)
    return make


def _probe_instances():
    from . import strategies as vst

    return vst.open_problem_starts()


def _family(n_values, params):
    """θ_n = ((2n−1)/(2n²−2n+1), 2n(n−1)/(2n²−2n+1), (2n²−2n+1)/(2n−1), −2n(n−1)/(2n−1)) ∈ M_A with
    N^{θ_n}(x) = x on [0, 1] (spec planted 1, 2)."""
    def make():
        from hypothesis import strategies as st

        def build(n):
            q = 2 * n * n - 2 * n + 1
            th = [fmpq(2 * n - 1, q), fmpq(2 * n * (n - 1), q), fmpq(q, 2 * n - 1), fmpq(-2 * n * (n - 1), 2 * n - 1)]
            return _i([to_json(t) for t in th], target=IDENTITY, params=params)
        return st.sampled_from(n_values).map(build)
    return make


_claim("index-layout", "PAPER-FAMILY", "the layout maps are a bijection onto {1..𝔡}; the deep layout with "
       "ℓ = (d, H, 1) is the shallow one", eval_index_layout, examples=[EX])
_claim("generalized-gradient", "PAPER-FAMILY", "wherever t ↦ L(θ + te_k) is differentiable at 0 its derivative is "
       "𝒢_k (ReLU′(0) = 0 formulas)", eval_generalized_gradient, examples=[EX],
       mutants=[_mutant("generalized-gradient", "differentiable-everywhere", "ejrw22.pv.differentiable-everywhere",
                        "L is differentiable on ℝ^𝔡", eval_differentiable_everywhere,
                        _i(["0", "0", "1", "0"], target="1"), instances=_inst(degenerate=True)),
                _mutant("generalized-gradient", "gradient-continuous", "ejrw22.pv.gradient-continuous",
                        "𝒢 is continuous on ℝ^𝔡", eval_gradient_continuous,
                        _i(["0", "0", "1", "0"], target="1", params={"eps": "1/10"}),
                        instances=_inst(degenerate=True, on_manifold=False, params={"eps": "1/20"})),
                _mutant("generalized-gradient", "regularity-with-atoms", "ejrw22.pv.regularity-with-atoms",
                        "L|_{M_A} is differentiable (input law with atoms)", eval_regularity_atoms,
                        _i(["4/5", "-3/5", "1", "0"], target="1",
                           measure={"kind": "empirical", "points": [["3/4"]], "weights": ["1"]},
                           params={"direction": ["3/5", "4/5", "0", "0"]}),
                        instances=_inst(atom_on_kink=True))])
_claim("submanifold", "RECONSTRUCTED", "F_i = |u_i|² − 1 has rank-H derivative on M_A (M_B: |w_i|² − 1), so M is an "
       "embedded C^∞ submanifold of dimension 𝔡 − H", eval_submanifold, groups=("manifold",), examples=[EX])
_claim("representation", "RECONSTRUCTED", "N^{Ψ(θ)} = N^θ everywhere (Ψ: per neuron (u, v) ↦ (u/ρ, ρv)), so M "
       "represents every realization", eval_representation, groups=("manifold",),
       examples=[_i(["3", "-4", "2", "1/2"]), _i(["0", "0", "2", "1"])], instances=_inst(on_manifold=False),
       mutants=[_mutant("representation", "signed-scale", "ejrw22.pv.psi-signed-scale",
                        "Ψ may divide by the signed w", eval_psi_signed, _i(["-2", "1", "1", "0"],
                                                                           measure={"kind": "lebesgue",
                                                                                    "box": [["-1", "1"]]}),
                        instances=_inst(on_manifold=False, negative_w=True)),
                _mutant("representation", "no-absorb", "ejrw22.pv.psi-no-absorb",
                        "Ψ_B need not move a w_i = 0 neuron's constant into c", eval_psi_no_absorb,
                        _i(["0", "1", "1", "0"]), instances=_inst(on_manifold=False, zero_w=True))])
SQRT_DENSITY = {"kind": "power", "box": [["0", "1"]], "coefficient": "1/2", "exponent": "-1/2"}
_claim("regularity", "RECONSTRUCTED", "d = 1, bounded density p: P𝒢 is Lipschitz on every box X ⊂ 𝓡 around θ ∈ M, "
       "with a certified constant K_X (interval Jacobian with the kink boundary terms); a claimed K HOLDS if K_X ≤ K",
       eval_regularity, groups=("manifold", "density"),
       examples=[_i(["3/5", "4/5", "1", "0"], target=IDENTITY, params={"radius": "1/64", "K": "40"}), EX],
       instances=_inst(params={"radius": "1/64"}),
       mutants=[_mutant("regularity", "lipschitz-unbounded-p", "ejrw22.pv.lipschitz-unbounded-p",
                        "P𝒢 is K-Lipschitz near θ ∈ M_A for every integrable p (here p(x) = x^{-1/2}/2 on [0, 1])",
                        eval_lipschitz_unbounded,
                        _i(["1", "0", "1", "1"], measure=SQRT_DENSITY,
                           params={"K": "100", "t2": "-1/10000", "radius": "1/8"}),
                        instances=_inst(singular_density=True))])
_claim("euler-identity", "DERIVED", "⟨g_i, u_i⟩ = v_i 𝒢_{v_i} for every θ and every neuron", eval_euler, examples=[EX],
       instances=_inst(on_manifold=False))
_claim("projected-field", "RECONSTRUCTED", "P is the orthogonal projection onto T_θM (symmetric, idempotent), P𝒢 is "
       "tangent, and on M_A w' = −𝒢_w + w v𝒢_v, b' = −𝒢_b + b v𝒢_v, v' = −𝒢_v, c' = −𝒢_c", eval_projected_field,
       groups=("manifold", "projection"), examples=[EX])
_claim("critical-points-coincide", "DERIVED", "on M: P𝒢(θ) = 0 ⇔ 𝒢(θ) = 0", eval_critical, groups=("manifold",),
       examples=[EX, THETA0])
_claim("energy-identity", "RECONSTRUCTED", "along the normalized flow dL/dt = ⟨𝒢, −P𝒢⟩ = −|P𝒢|² (pointwise form)",
       eval_energy, groups=("manifold", "density"),
       examples=[EX],  # the trajectory form (params.T) is UNKNOWN by nature: enclosures certify no equality
       instances=_inst(horizon=True),
       mutants=[_mutant("energy-identity", "full-gradient", "ejrw22.pv.energy-full-gradient",
                        "dL/dt = −|𝒢|² along the normalized flow", eval_energy_full, THETA0),
                _mutant("energy-identity", "gd-monotone", "ejrw22.pv.gd-monotone",
                        "projected GD with retraction decreases L for every step η > 0", eval_gd_monotone,
                        _i(["-1", "0", "0", "0"], target="1", params={"eta": "2"}),
                        instances=_inst(H=1, params={"eta": "4"}))])
_claim("kink-geometry", "DERIVED", "x_0' = (𝒢_b + x_0𝒢_w)/w along both flows; on M_A |w| = (1 + x_0²)^{-1/2}, so a kink "
       "in [A, B] bounds |w| below", eval_kink_geometry, examples=[EX])
_claim("kappa-conservation", "DERIVED", "κ_i = |w_i|² + b_i² − v_i² is constant along the standard flow", eval_kappa,
       examples=[EX], instances=_inst(on_manifold=False),
       mutants=[_mutant("kappa-conservation", "normalized", "ejrw22.pv.kappa-on-normalized",
                        "κ is conserved by the normalized flow", eval_kappa_normalized, THETA0),
                _mutant("kappa-conservation", "sphere-under-standard", "ejrw22.pv.sphere-under-standard",
                        "the standard flow preserves M_A", eval_sphere_standard, THETA0)])
_claim("standard-gf-normalized-coords", "DERIVED", "Ψ maps the standard flow to the normalized flow with the "
       "per-neuron preconditioner û' = ρ⁻²[u'], ṽ' = (v² + ρ²)[v'], and ρ² = (κ + √(κ² + 4ṽ²))/2",
       eval_normalized_coords, examples=[_i(["3", "-4", "2", "1/2"])], instances=_inst(on_manifold=False,
                                                                                        pythagorean=True))
_claim("bounded-gf-h1", "ABSTRACT", "H = 1, d = 1, Lipschitz f, density p: every normalized GF trajectory on M is "
       "bounded (HOLDS only via exact certificates: stationarity or a dead start; UNKNOWN otherwise; an explicit "
       "bound params.bound is checked exactly under a certificate and on [0, params.T] by a certified enclosure)",
       eval_bounded, groups=("manifold", "density", "scope"),
       examples=[_i(["-3/5", "-4/5", "1", "0"], target="1", params={"bound": "2"})],
       instances=_inst(H=1, horizon=True),
       mutants=[_mutant("bounded-gf-h1", "coercive-sublevel", "ejrw22.pv.coercive-sublevel",
                        "{θ ∈ M : L(θ) ≤ λ} is bounded (by params.bound)", eval_coercive,
                        _i(["19/181", "180/181", "181/19", "-180/19"], target=IDENTITY, params={"bound": "9"}),
                        instances=_family([10, 20, 40], {"bound": "9"})),
                _mutant("bounded-gf-h1", "uniform-bound", "ejrw22.pv.uniform-bound",
                        "sup_t |Θ_t| ≤ C(L(Θ_0), Lip f, A, B, p) with no other dependence on Θ_0", eval_uniform_bound,
                        _i(["19/181", "180/181", "181/19", "-180/19"], target=IDENTITY, params={"C": "9"}),
                        instances=_family([10, 20, 40], {"C": "9"}))])
_claim("open-standard-gf", "ABSTRACT", "boundedness of the standard GF (H = 1, d = 1, Lipschitz f) is open: HOLDS per "
       "instance only via exact certificates, never for the universal statement; params.probe runs the float "
       "growth probe of ṽ(t) (search objective) and certifies the most suspicious starts on a finite horizon",
       eval_open_standard, groups=("density", "scope"),
       examples=[_i(["-3/5", "-4/5", "1", "0"], target="1")],
       instances=_probe_instances)
