"""ejrw22 claims 1–4 and 6–12 -- the pointwise claims, decided exactly (`fmpq`) at one θ.

1 the index layout [PAPER-FAMILY]; 2 𝒢 is the generalized gradient (ReLU′(0) = 0) [PAPER-FAMILY], with
planted 3 (L differentiable everywhere); 3 M is an embedded submanifold [RECONSTRUCTED]; 4 N^{Ψ(θ)} = N^θ
[RECONSTRUCTED], with planted 9, 10 (wrong Ψ); 6 the Euler identity ⟨g_i, u_i⟩ = v_i𝒢_{v_i} [DERIVED];
7 the projected field P𝒢 [RECONSTRUCTED]; 8 P𝒢 = 0 ⇔ 𝒢 = 0 on M [DERIVED]; 9 the energy identity
dL/dt = −|P𝒢|² [RECONSTRUCTED], with planted 8 (−|𝒢|²); 10 kink geometry [DERIVED]; 11 κ_i conserved by
the standard flow [DERIVED], with planted 6, 7; 12 Ψ maps the standard flow to the preconditioned
normalized flow [DERIVED].  Claim 9's trajectory form is the theorem of `.energy_trajectory`.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from ...framework import Evaluation, Status, relation, undecidable
from ...errors import InputError
from ...nets import Network
from ...numbers import Undecided
from .common import (_LG, _box, _dot, _exact, _g, _manifold, _normal, _same_function, _sqrt, _u,
                     density_hypothesis, on_manifold, projected, projection, psi)
from .planted import _secant_derivatives
from .energy_trajectory import _energy_trajectory
from .trajectories import _horizon, neuron_kinds


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
    from ...derivatives import one_sided_derivatives

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
