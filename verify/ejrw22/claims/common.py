"""ejrw22 claims -- shared pieces of every claim module.

θ = (w, b, v, c) (the cjrr21 layout), u_i = (w_{i,·}, b_i), g_i = (𝒢_{w_i}, 𝒢_{b_i}); exact ℒ, 𝒢 (`_LG`);
the constraint normals n_i of M_A = {|u_i| = 1} / M_B = {|w_{i,·}| = 1}, the projection P(θ) onto T_θM
(`projection`, `projected`: P𝒢), θ ∈ M as a hypothesis (`on_manifold`), Ψ: ℝ^𝔡 → M (`psi`, spec §2.4),
the W^{1,∞} distance of two realizations on [A, B] (`_same_function`), the density hypotheses of
spec §5 (`density_hypothesis`), and outward-rounded printing of constants (`_up`, `_interval_out`).
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from ...framework import Evaluation, Hypothesis
from ...errors import InputError
from ...nets import Network
from ...numbers import Undecided, ball_bounds, to_json
from ...problems import Empirical


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
    from ...numbers import exact_sqrt
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
    from ...realization import w1inf_distance
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
    from ...problems import BoxMeasure, Density, PowerDensity, poly_positive

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
