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

from flint import fmpq, fmpq_mat

from ..claim import Claim, Evaluation, Hypothesis, Mutant, relation, undecidable
from ..errors import InputError
from ..nets import Network
from ..numbers import Undecided, parse_rational, to_json
from ..problems import Empirical
from ..registry import VariantGroup, register, register_variants

SOURCE = "Eberle, Jentzen, Riekert, Weiss 2022, arXiv:2207.06246"
NOTE = "proofs_notes/ejrw22.md"

register_variants(
    VariantGroup("manifold", {"manifold-A": "A", "manifold-B": "B"}, "manifold-A",
                 "M_A = {|(w_i, b_i)| = 1} (default) or M_B = {|w_i| = 1}"),
)


# --------------------------------------------------------------------------------------------
# shared pieces


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
    """P𝒢, by the explicit formula: g_i − ⟨g_i, n_i⟩n_i/|n_i|² on each neuron's block."""
    out = list(G)
    for i in range(net.H):
        nv = _normal(net, i, manifold)
        sq = sum((x * x for x in nv.values()), fmpq(0))
        coef = sum((G[k] * x for k, x in nv.items()), fmpq(0)) / sq
        for k, x in nv.items():
            out[k] = G[k] - coef * x
    return out


def _manifold(ev):
    return ev.variants.get("manifold", "A")


def _sqrt(q: fmpq):
    from ..fibre import exact_sqrt
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
    from .cjrr21 import one_sided_derivatives

    net = _exact(ev)
    plus, minus, _ = one_sided_derivatives(ev, net, 1)
    _, G = _LG(ev, net)
    rels = []
    for k in range(len(G)):
        if everywhere:
            rels.append(relation(f"D⁺_k L = D⁻_k L (k = {k})", plus[k], "=", minus[k]))
        elif plus[k] == minus[k]:
            rels.append(relation(f"∂_k L = 𝒢_k (k = {k}, one-sided derivatives agree)", plus[k], "=", G[k]))
    return rels, []


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
    _, G = _LG(ev, net)
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


def eval_critical(ev: Evaluation):
    """Claim 8: on M, P𝒢 = 0 ⇔ 𝒢 = 0."""
    net = _exact(ev)
    man = _manifold(ev)
    _, G = _LG(ev, net)
    PG = projected(net, G, man)
    return [relation("(P𝒢 = 0) = (𝒢 = 0)", fmpq(int(all(x == 0 for x in PG))), "=",
                     fmpq(int(all(x == 0 for x in G))))], [on_manifold(net, man)]


def eval_energy(ev: Evaluation, full=False):
    """Claim 9 (pointwise): dL/dt = ⟨𝒢, −P𝒢⟩ = −|P𝒢|² along the normalized flow; planted 8: −|𝒢|²."""
    net = _exact(ev)
    man = _manifold(ev)
    _, G = _LG(ev, net)
    PG = projected(net, G, man)
    rhs = -_dot(G, G) if full else -_dot(PG, PG)
    return [relation("⟨𝒢, −P𝒢⟩ = " + ("−|𝒢|²" if full else "−|P𝒢|²"), -_dot(G, PG), "=", rhs)], [on_manifold(net, man)]


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
# 13, 14: boundedness (infinite horizon only through exact certificates)


def _dead_start(net, box) -> bool:
    (A, B), = box
    return all(max(net.w(i)[0] * A, net.w(i)[0] * B) + net.b(i) <= 0 for i in range(net.H))


def eval_bounded(ev: Evaluation, flow="normalized"):
    """Claims 13/14 (H = 1, d = 1, Lipschitz f, density p): sup_t |Θ_t| < ∞.  HOLDS only through an
    exact certificate: stationarity (𝒢(θ_0) = 0, so Θ ≡ θ_0 for both flows) or a dead start (w, b, v
    frozen, c(t) → ∫fp/∫p monotonically); UNKNOWN otherwise -- a finite-time enclosure never proves
    boundedness (nor divergence).  An input law with atoms is out of scope: UNKNOWN."""
    net = _exact(ev)
    if isinstance(ev.inst.measure, Empirical):
        return [undecidable("sup_t |Θ_t| < ∞", "out of scope: the input law has atoms (hypothesis 'density')")], []
    hyp = [Hypothesis("H = 1 and d = 1", net.H == 1 and net.d == 1)]
    if flow == "normalized":
        hyp.append(on_manifold(net, _manifold(ev)))
    hyp.append(Hypothesis("the target is Lipschitz on [A, B] (piecewise polynomial targets are)",
                          ev.inst.target.is_exact()))
    _, G = _LG(ev, net)
    if all(g == 0 for g in G):
        return [relation("𝒢(θ_0) = 0: Θ ≡ θ_0 is bounded", fmpq(0), "=", fmpq(0))], hyp
    if _dead_start(net, _box(ev)):
        return [relation("dead start: only c moves, monotonically towards ∫fp/∫p", fmpq(0), "=", fmpq(0))], hyp
    return [undecidable("sup_t |Θ_t| < ∞", "no exact certificate (stationarity, dead start) applies; finite-horizon "
                                              "enclosures are not proofs of boundedness")], hyp


def eval_open_standard(ev):
    return eval_bounded(ev, flow="standard")


def eval_coercive(ev: Evaluation):
    """Planted 1: "{θ ∈ M : L(θ) ≤ λ} is bounded" with the claimed bound params.bound: a point of M with
    L = 0 ≤ λ and |θ|_∞ > bound."""
    net = _exact(ev)
    L, _ = _LG(ev, net)
    bound = parse_rational(ev.inst.params.get("bound", 10), "params.bound")
    lam = parse_rational(ev.inst.params.get("lambda", 0), "params.lambda")
    return [relation("|θ|_∞ ≤ bound", max(abs(t) for t in net.theta), "≤", bound)], \
        [on_manifold(net), Hypothesis("L(θ) ≤ λ", L <= lam, f"L = {to_json(L)}")]


def eval_uniform_bound(ev: Evaluation):
    """Planted 2: sup_t|Θ_t| ≤ C(L(Θ_0), Lip f, A, B, p): a stationary point (𝒢 = 0 exactly, so Θ ≡ θ_0)
    with |θ_0|_∞ > C = params.C."""
    net = _exact(ev)
    L, G = _LG(ev, net)
    C = parse_rational(ev.inst.params.get("C", 10), "params.C")
    return [relation("sup_t |Θ_t|_∞ = |θ_0|_∞ ≤ C", max(abs(t) for t in net.theta), "≤", C)], \
        [on_manifold(net), Hypothesis("𝒢(θ_0) = 0 exactly (so Θ ≡ θ_0)", all(g == 0 for g in G))]


def eval_gradient_continuous(ev: Evaluation):
    """Planted 4: "𝒢 is continuous": at θ (a degenerate neuron, u = 0, v ≠ 0) the b-component at
    θ + εe_b for ε = ε_0, ε_0/10, ε_0/100 stays ≥ 1 away from 𝒢_b(θ) (closed form 2(ε − 1) for the
    witness), so no ε → 0 limit reaches it."""
    net = _exact(ev)
    eps = parse_rational(ev.inst.params.get("eps", fmpq(1, 10)), "params.eps")
    _, G = _LG(ev, net)
    k = net.idx_b(0)
    rels = []
    for e in (eps, eps / 10, eps / 100):
        theta = list(net.theta)
        theta[k] += e
        _, Ge = _LG(ev, net.with_theta(theta))
        rels.append(relation(f"|𝒢_b(θ + {to_json(e)}e_b) − 𝒢_b(θ)| < 1", abs(Ge[k] - G[k]), "<", fmpq(1)))
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
        from .. import strategies as vst

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


def _claim(id_, prov, statement, fn, *, groups=(), examples=(), mutants=(), instances=None):
    return register(Claim(id=f"ejrw22.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=list(examples), variant_groups=groups, mutants=list(mutants),
                          family="ejrw22", instances=instances or _inst()))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    return Mutant(parent=f"ejrw22.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {}, instances=instances)


def _fixed(inst):
    def make():
        from hypothesis import strategies as st

        return st.just(inst)
    return make


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
_claim("euler-identity", "DERIVED", "⟨g_i, u_i⟩ = v_i 𝒢_{v_i} for every θ and every neuron", eval_euler, examples=[EX],
       instances=_inst(on_manifold=False))
_claim("projected-field", "RECONSTRUCTED", "P is the orthogonal projection onto T_θM (symmetric, idempotent), P𝒢 is "
       "tangent, and on M_A w' = −𝒢_w + w v𝒢_v, b' = −𝒢_b + b v𝒢_v, v' = −𝒢_v, c' = −𝒢_c", eval_projected_field,
       groups=("manifold",), examples=[EX])
_claim("critical-points-coincide", "DERIVED", "on M: P𝒢(θ) = 0 ⇔ 𝒢(θ) = 0", eval_critical, groups=("manifold",),
       examples=[EX, THETA0])
_claim("energy-identity", "RECONSTRUCTED", "along the normalized flow dL/dt = ⟨𝒢, −P𝒢⟩ = −|P𝒢|² (pointwise form)",
       eval_energy, groups=("manifold",), examples=[EX],
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
       "bounded (HOLDS only via exact certificates: stationarity or a dead start; UNKNOWN otherwise)", eval_bounded,
       groups=("manifold",), examples=[_i(["-3/5", "-4/5", "1", "0"], target="1")],
       instances=_inst(H=1),
       mutants=[_mutant("bounded-gf-h1", "coercive-sublevel", "ejrw22.pv.coercive-sublevel",
                        "{θ ∈ M : L(θ) ≤ λ} is bounded (by params.bound)", eval_coercive,
                        _i(["19/181", "180/181", "181/19", "-180/19"], target=IDENTITY, params={"bound": "9"}),
                        instances=_family([10, 20, 40], {"bound": "9"})),
                _mutant("bounded-gf-h1", "uniform-bound", "ejrw22.pv.uniform-bound",
                        "sup_t |Θ_t| ≤ C(L(Θ_0), Lip f, A, B, p) with no other dependence on Θ_0", eval_uniform_bound,
                        _i(["19/181", "180/181", "181/19", "-180/19"], target=IDENTITY, params={"C": "9"}),
                        instances=_family([10, 20, 40], {"C": "9"}))])
_claim("open-standard-gf", "ABSTRACT", "boundedness of the standard GF (H = 1, d = 1, Lipschitz f) is open: HOLDS per "
       "instance only via exact certificates, never for the universal statement", eval_open_standard,
       examples=[_i(["-3/5", "-4/5", "1", "0"], target="1")], instances=_inst(H=1, on_manifold=False))
