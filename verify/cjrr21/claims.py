"""cjrr21 -- a Lyapunov function for GD on shallow ReLU networks with a constant target.

Cheridito, Jentzen, Riekert, Rossmannek 2021, arXiv:2102.09924 (J. Complexity 72, 2022).
Specification: shared/claims/001-lyapunov-constant-target.md; note: proofs_notes/cjrr21.md.

Notation (spec §2): θ = (𝔴, 𝔟, 𝔳, 𝔠) ∈ ℝ^𝔡, 𝔡 = dH + 2H + 1; constant target ξ; r_θ = 𝒩^θ − ξ;
ℒ(θ) = ∫ r_θ² dμ; 𝒢 the generalized gradient (ReLU′(0) = κ(0), 0 by default);
V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)²; λ = μ(support); M = max |x_j| on the support;
K(θ) = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2]; γ* = 8ℒ/(‖𝒢‖² + 𝒢_𝔡²); γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2]).

Every check returns both sides of each relation; equalities are decided exactly (E1, E2, atoms,
E4) or refuted by a ball that excludes 0; inequalities may hold from balls with strict slack.
"""

from __future__ import annotations

import itertools

from flint import acb, arb, fmpq

from ..claim import Claim, Param, Evaluation, Hypothesis, Instance, Mutant, Relation, Status, relation, undecidable
from ..errors import InputError
from ..nets import Network
from ..numbers import (EXACT, BallContext, Undecided, dot, parse_number, parse_rational, precision, short, sign, to_json,
                       sum_squares)
from ..derivatives import one_sided_derivatives
from ..problems import BoxMeasure, Empirical, per_sample_gradient
from ..registry import VariantGroup, register, register_variants

SOURCE = "Cheridito, Jentzen, Riekert, Rossmannek 2021, arXiv:2102.09924"
NOTE = "proofs_notes/cjrr21.md"

register_variants(
    VariantGroup("deriv0", {"deriv0-open": fmpq(0), "deriv0-closed": fmpq(1), "deriv0-half": fmpq(1, 2)},
                 "deriv0-open", "ReLU′(0): 1_(0,∞) (open), 1_[0,∞) (closed), or 1/2"),
    VariantGroup("measure", {"measure-lebesgue": "lebesgue", "measure-uniform": "uniform",
                             "measure-finite": "finite"}, "measure-finite",
                 "normalization of a box measure; measure-finite keeps the instance's measure as given"),
    VariantGroup("loss", {"loss-full": fmpq(1), "loss-half": fmpq(1, 2)}, "loss-full", "ℒ = s∫r² with s = 1 or 1/2"),
    VariantGroup("v", {"v-paper": "paper", "v-alpha": "alpha"}, "v-paper",
                 "V = ‖θ‖² + (𝔠 − 2ξ)² or V_α = α‖(𝔴,𝔟)‖² + (2−α)‖𝔳‖² + 2(𝔠 − ξ)² (params.alpha)"),
    VariantGroup("layout", {"layout-blocks": "blocks", "layout-custom": "custom"}, "layout-blocks",
                 "θ in the block layout, or permuted by network.layout"),
    VariantGroup("gd", {"gd-lagged": "lagged", "gd-current": "current"}, "gd-lagged",
                 "Θ_n = Θ_{n−1} − γ_{n−1}𝒢(Θ_{n−1}) (lagged) or − γ_n𝒢(Θ_{n−1}) (current)"),
    VariantGroup("step", {"step-derived": "derived", "step-local": "local", "step-paper": "paper"}, "step-derived",
                 "step hypothesis: γ_n ≤ γ̄, γ_n ≤ 4/K(Θ_n), or γ_n ≤ params.step_bound"),
    VariantGroup("sgd", {"sgd-single": "single", "sgd-minibatch": "minibatch"}, "sgd-single",
                 "one sample per step, or mini-batch means (params.batches)"),
)

COMMON = ("deriv0", "measure", "loss", "layout")

# --------------------------------------------------------------------------------------------
# shared pieces


def _setup(ev: Evaluation, constant_target: bool = True):
    """(net, ξ, s, hypotheses): the network in the layout variant, ξ, the loss scale s, and the
    scope as hypotheses -- one hidden layer (else `InputError`), a finite measure with bounded
    support (every measure kind the instance format has), and a constant target ξ (certified
    false for any other target kind: the claim then holds vacuously)."""
    inst = ev.inst
    net = inst.net
    if not isinstance(net, Network) or not net.is_shallow:
        widths = list(getattr(net, "widths", ()) or ())
        raise InputError(f"cjrr21 claims are about one hidden layer in the block layout (network {{widths, theta}}); "
                         f"got {type(net).__name__} with widths {widths}", "network")
    hyps = [Hypothesis("scope: one hidden layer, 𝒩^θ(x) = 𝔠 + Σ_i 𝔳_i ReLU(𝔟_i + ⟨𝔴_i, x⟩)", True,
                       f"d = {net.d}, H = {net.H}")]
    if inst.measure is not None:
        hyps.append(Hypothesis("scope: μ a finite measure with bounded support", True, type(inst.measure).__name__))
    if constant_target:
        const = inst.target.is_constant
        hyps.append(Hypothesis("constant target ξ", const, f"target kind: {inst.target.kind}" + (
            "" if const else " (outside the claim's scope: the target is not a constant)")))
    if inst.target.is_constant:
        xi = inst.target.constant
    else:
        xi = ev.param("xi", fmpq(0))
    if inst.measure is not None:
        _apply_measure_variant(ev)
    s = ev.variants.get("loss", fmpq(1))
    return net, xi, s, hyps


def _apply_measure_variant(ev: Evaluation):
    kind = ev.variants.get("measure", "finite")
    m = ev.inst.measure
    if kind in ("lebesgue", "uniform"):
        if not isinstance(m, BoxMeasure):
            raise InputError(f"variant @measure-{kind} needs a box measure, the instance has "
                             f"{type(m).__name__}", "measure")
        want = kind == "uniform"
        if m.normalized != want:
            ev.inst = ev.inst.replace(measure=BoxMeasure(m.box, want))


def _lam_M(ev: Evaluation):
    """(λ, M) = (μ(ℝ^d), max_j sup |x_j| on the support); λ = 0 (a zero density) is refused: γ̄,
    1/λ and the claims' step conditions are undefined for the zero measure."""
    m = ev.inst.measure
    lam = m.total_mass()
    if sign(lam) == 0:
        raise InputError("the measure has total mass λ = 0 (zero density); the step sizes γ̄ = "
                         "1/(λ[(1 + dM²)V(Θ_0) + 2]) and 1/λ are undefined", "measure")
    return lam, m.coordinate_bound()


# --------------------------------------------------------------------------------------------
# resource limits (documented in the claims' params_doc and in the note, section "Limits")

MAX_STEPS = 10_000
"""Largest ``params.steps`` of the trajectory claims."""
MAX_ROUNDING_BITS = 4096
"""Largest ``params.rounding_bits`` (the dyadic grid 2^-b of rounded trajectories)."""
WORK_LIMIT = 10 ** 9
"""Budget of one trajectory: Σ_n (H + 1)·size(Θ_n) over the steps computed, size = the bit size of
the exact iterate (numerators and denominators), or 𝔡·precision for balls.  Exact ℒ and 𝒢 of a
shallow net cost about (H + 1)·size bit operations (common denominators of H kinks), so unrounded
exact GD, whose bit size grows geometrically, and very wide networks stop here with an UNKNOWN
relation naming the limit instead of running for hours."""


MAX_COORD_BITS = 32_768
"""Largest bit size (numerator + denominator) of one coordinate of an exact iterate; unrounded
exact GD roughly triples it per step, and multiplications of such numbers dominate the cost
whatever the width."""


LIMITS_DOC = (f"limits: steps ≤ {MAX_STEPS}, rounding_bits ≤ {MAX_ROUNDING_BITS} (InputError past them); a "
              f"trajectory stops when Σ_n (H + 1)·size(Θ_n) would exceed {WORK_LIMIT:.0e} (size = bits of the "
              f"exact iterate, or 𝔡·precision in balls) or a coordinate of an exact iterate has more than "
              f"{MAX_COORD_BITS} bits, with an UNKNOWN relation naming the limit; a failure at a "
              "rounded iterate is UNKNOWN, never VIOLATED")


def _bits(t) -> int:
    """Bit size of an exact coordinate; for a ball, the binary exponent of its midpoint and radius
    (a diverging ball trajectory is stopped before exact comparisons must expand 2^exponent)."""
    if isinstance(t, fmpq):
        return t.p.bit_length() + t.q.bit_length()
    if isinstance(t, arb) and t.is_finite():
        out = 0
        for part in (t.mid(), t.rad()):
            m, e = part.man_exp()
            if m != 0:
                out = max(out, abs(int(e)) + int(m).bit_length())
        return out
    return 0


def _size(theta, prec) -> int:
    if prec is not None:
        return len(theta) * prec
    return sum(t.p.bit_length() + t.q.bit_length() if isinstance(t, fmpq) else 64 for t in theta)


class _Budget:
    """The work budget `WORK_LIMIT` of one trajectory; ``charge`` returns None, or the reason
    for stopping before the step."""

    def __init__(self, ev: Evaluation, per_step: int):
        self.prec, self.per_step, self.used = ev.prec, per_step, 0

    def charge(self, theta, n: int) -> str | None:
        big = max((_bits(t) for t in theta), default=0)
        if big > MAX_COORD_BITS:
            what = "exact iterate" if self.prec is None else "ball iterate (log₂ of its magnitude)"
            return (f"limit reached before step {n}: a coordinate of the {what} Θ_{n} has {big} bits, past "
                    f"the limit {MAX_COORD_BITS} per coordinate; use params.rounding_bits or fewer steps")
        w = self.per_step * _size(theta, self.prec)
        if self.used + w > WORK_LIMIT:
            mode = "exact" if self.prec is None else f"{self.prec}-bit balls"
            return (f"work limit reached before step {n}: Σ_k (H + 1)·size(Θ_k) would exceed {WORK_LIMIT:.0e} "
                    f"({mode}; size(Θ_{n}) = {_size(theta, self.prec)} bits); use fewer steps, a smaller width, "
                    "or params.rounding_bits")
        self.used += w
        return None


def _rounded_out(rel: Relation, why: str) -> Relation:
    """``rel`` about a rounded iterate: its failure is not a failure of the statement (which is
    about the exact trajectory), so VIOLATED becomes UNKNOWN with the reason."""
    if rel.status != Status.VIOLATED:
        return rel
    return Relation(rel.name, rel.lhs, rel.op, rel.rhs, Status.UNKNOWN, rel.margin, rel.given,
                    (rel.note + "; " if rel.note else "") + why)


def _rg(ev: Evaluation, net: Network, s, **kw):
    """(sℒ, s𝒢): the risk of the loss variant and its generalized gradient."""
    rg = ev.risk_grad(net, **kw)
    return s * rg.L, [s * g for g in rg.G]


def V(theta, xi):
    """V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)²."""
    return sum_squares(theta) + (theta[-1] - 2 * xi) ** 2


def grad_V(theta, xi):
    """∇V(θ) = 2θ + 2(θ_𝔡 − 2ξ)e_𝔡."""
    g = [2 * t for t in theta]
    g[-1] = g[-1] + 2 * (theta[-1] - 2 * xi)
    return g


def grad_V_family(net: Network, xi, alpha, beta):
    """∇ of α‖(𝔴,𝔟)‖² + β‖𝔳‖² + 2(𝔠 − ξ)²."""
    th = net.theta
    g = [2 * alpha * t for t in th]
    for i in range(net.H):
        g[net.idx_v(i)] = 2 * beta * th[net.idx_v(i)]
    g[-1] = 4 * (th[-1] - xi)
    return g


def K(net: Network, lam, M):
    """K(θ) = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2]."""
    return 4 * lam * ((1 + net.d * M * M) * (sum_squares(net.theta) - net.theta[-1] ** 2) + 2)


def gamma_bar(V0, lam, d, M):
    """γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2])."""
    return 1 / (lam * ((1 + d * M * M) * V0 + 2))


def _need_measure(ev):
    if ev.inst.measure is None:
        raise InputError("this claim integrates over a measure: the instance needs 'measure'", "measure")


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


def _parse_points(raw, d: int, where: str) -> list[list[fmpq]]:
    """A non-empty JSON list of points of dimension d (a bare number is a 1-D point), exactly."""
    if not isinstance(raw, list) or not raw:
        raise InputError("expected a non-empty list of points", where)
    pts = []
    for k, p in enumerate(raw):
        p = p if isinstance(p, list) else [p]
        if len(p) != d:
            raise InputError(f"point has dimension {len(p)}, the network has d = {d}", f"{where}[{k}]")
        pts.append([parse_rational(t, f"{where}[{k}]") for t in p])
    return pts


def _points(ev: Evaluation, net: Network):
    """params.points, else the atoms of an empirical measure, else the box corners, the kinks
    inside a 1-D box, and the box centre."""
    if "points" in ev.inst.params:
        return _parse_points(ev.inst.params["points"], net.d, "params.points")
    m = ev.inst.measure
    if isinstance(m, Empirical):
        return [list(p) for p in m.points]
    box = m.box if m is not None else tuple((fmpq(-1), fmpq(1)) for _ in range(net.d))
    pts = [list(c) for c in itertools.product(*box)]
    pts.append([(a + b) / 2 for a, b in box])
    if net.d == 1:
        (a, b), = box
        for i in range(net.H):
            w = net.w(i)[0]
            if sign(w) != 0 and all(isinstance(t, fmpq) for t in (w, net.b(i))):
                t = -net.b(i) / w
                if a <= t <= b:
                    pts.append([t])
    return pts


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


def _ball_ctx(ev):
    return BallContext(ev.prec)


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


def _gamma(ev, default):
    return ev.param("gamma", default)


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


def _all_zero(xs) -> bool | None:
    """Certified: every x is 0 (True), some x is not (False), or undecided (None)."""
    signs = [sign(x) for x in xs]
    if any(t not in (0, None) for t in signs):
        return False
    return True if all(t == 0 for t in signs) else None


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
    """Frozen components at θ, and the frozen neurons' parameters after ``steps`` GD steps.  Past
    3 steps the other coordinates are rounded to the grid 2^-rounding_bits after each step (the
    frozen ones stay exact): the relation is then about the rounded trajectory, and its failure
    is reported UNKNOWN, not VIOLATED."""
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev, constant_target=False)
    frozen, undecided = _dead_or_degenerate(net, ev.inst.measure)
    hyps.append(Hypothesis("some neuron is fully degenerate or dead on the support",
                           True if frozen else (None if undecided else False),
                           "; ".join(f"neuron {i + 1}: {why}" for i, why in frozen) or "none"))
    L, G = _rg(ev, net, s)
    steps = int(ev.param("steps", 2, parse=lambda v, w: _int_param(v, w, 0, 50)))
    gamma = _gamma(ev, fmpq(1, 10))
    bits = _rounding_bits(ev, steps)
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
        th = [t - gamma * g for t, g in zip(cur.theta, Gn)]
        if bits is not None and ev.exact:
            new = [t if k in keep else _round_dyadic(t, bits) for k, t in enumerate(th)]
            rounded = rounded or new != th
            th = new
        cur = cur.with_theta(th)
        done = n + 1
    why_r = (f"iterates rounded to the grid 2^-{bits} after each step (all but the frozen coordinates, which stay "
             "exact): the certificate covers the rounded trajectory, and a change on it is not a failure on the "
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
    ev.notes.append("GD mode: " + ("exact rationals" if ev.exact and not rounded else
                                   f"rounded to 2^-{bits}" if ev.exact else f"balls at {ev.prec} bits"))
    return rels, hyps


def _int_param(v, where, lo, hi):
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise InputError(f"expected an integer in [{lo}, {hi}], got {v!r}", where)
    return v


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


def _short(x):
    return short(x)


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


# --------------------------------------------------------------------------------------------
# 11-14. finite-horizon GD certificates


def _gammas(ev: Evaluation, N, default):
    """γ_0, …, γ_N (one more than the steps, for the current-index variant)."""
    raw = ev.inst.params.get("gammas")
    if raw is not None:
        if not isinstance(raw, list) or len(raw) < N + 1:
            raise InputError(f"gammas must list at least {N + 1} step sizes (γ_0..γ_N)", "params.gammas")
        return [parse_number(g, f"params.gammas[{k}]") for k, g in enumerate(raw)]
    g = ev.param("gamma", default)
    return [g] * (N + 1)


def _round_dyadic(q, bits):
    if not isinstance(q, fmpq):
        return q
    scaled = q * 2 ** bits
    n = (scaled + fmpq(1, 2)).floor()
    return fmpq(n, 2 ** bits)


def _rounding_bits(ev: Evaluation, steps: int) -> int | None:
    """params.rounding_bits: the dyadic grid 2^-bits exact iterates are rounded to between steps
    (default 64 for more than 3 steps; null keeps them exact; at most `MAX_ROUNDING_BITS`)."""
    def parse(v, where):
        if v is None:
            return None
        if isinstance(v, int) and not isinstance(v, bool) and v > MAX_ROUNDING_BITS:
            raise InputError(f"params.rounding_bits = {v} exceeds the limit {MAX_ROUNDING_BITS}", where)
        return _int_param(v, where, 8, MAX_ROUNDING_BITS)
    return ev.param("rounding_bits", 64 if steps > 3 else None, parse=parse)


def gd_trajectory(ev: Evaluation, N: int):
    """Θ_0..Θ_N with ℒ, 𝒢 at Θ_0..Θ_{N−1}; exact (optionally rounded to a dyadic grid after
    each step, params.rounding_bits, with the V-change δ_k of the rounding recorded) or balls.

    ``exact_upto`` = m: Θ_0..Θ_m are the GD iterates themselves (no rounding changed them);
    ``stop``: the reason the run ended before N steps (the work budget `WORK_LIMIT`), or None."""
    net, xi, s, hyps = _setup(ev)
    lam, M = _lam_M(ev)
    V0 = V(net.theta, xi)
    gbar = gamma_bar(V0, lam, net.d, M)
    gammas = _gammas(ev, N, gbar)
    current = ev.variants.get("gd") == "current"
    bits = _rounding_bits(ev, N)
    nets, Ls, Gs, used, deltas = [net], [], [], [], []
    exact_upto, stop = N, None
    budget = _Budget(ev, net.H + 1)
    for n in range(N):
        stop = budget.charge(nets[-1].theta, n)
        if stop:
            exact_upto = min(exact_upto, n)
            break
        L, G = _rg(ev, nets[-1], s)
        g = gammas[n + 1] if current else gammas[n]
        th = [t - g * gk for t, gk in zip(nets[-1].theta, G)]
        delta = 0
        if bits is not None and ev.exact:
            rounded = [_round_dyadic(t, bits) for t in th]
            if rounded != th and exact_upto == N:
                exact_upto = n  # Θ_{n+1} is the rounded image of the GD step from Θ_n
            delta = V(rounded, xi) - V(th, xi)
            th = rounded
        Ls.append(L)
        Gs.append(G)
        used.append(g)
        deltas.append(delta)
        nets.append(net.with_theta(th))
    ev.record("V(Θ_n)", [V(n.theta, xi) for n in nets])
    ev.record("ℒ(Θ_n)", Ls)
    mode = f"balls at {ev.prec} bits" if not ev.exact else (
        "exact rationals" if bits is None else f"exact steps, iterates rounded to the grid 2^-{bits}")
    ev.notes.append(f"GD mode: {mode}; {len(Ls)} of {N} steps computed")
    if bits is not None and ev.exact:
        ev.notes.append(f"iterates rounded to the dyadic grid 2^-{bits} after each step; the certificate covers "
                        "the rounded trajectory, with the V-change of each rounding carried as δ_k; a failure "
                        f"at an iterate past Θ_{exact_upto} (the first rounded one) is reported UNKNOWN, not VIOLATED")
    return dict(nets=nets, L=Ls, G=Gs, gammas=used, deltas=deltas, xi=xi, s=s, hyps=hyps, lam=lam, M=M,
                gbar=gbar, V0=V0, exact_upto=exact_upto, stop=stop, N=N, bits=bits)


def _on_trajectory(tr, k: int, rel: Relation) -> Relation:
    """``rel`` involves the iterates Θ_0..Θ_k: a failure is certified only if they are exact GD
    iterates."""
    if k <= tr["exact_upto"]:
        return rel
    return _rounded_out(rel, f"involves Θ_{k}, an iterate rounded to the grid 2^-{tr['bits']}: not a GD "
                             "iterate; rerun with rounding_bits: null to decide")


def _all_le(pairs) -> bool | None:
    """Certified: 0 < g ≤ bound for every (g, bound); None if some comparison is undecided."""
    out = True
    for g, bound in pairs:
        s1, s2 = sign(g), sign(bound - g)
        if s1 is None or s2 is None:
            out = None
            continue
        if s1 != 1 or s2 < 0:
            return False
    return out


def _step_hypothesis(ev, tr, which="step"):
    mode = ev.variants.get("step", "derived")
    gs = tr["gammas"]
    if mode == "derived":
        ok = _all_le((g, tr["gbar"]) for g in gs)
        return Hypothesis("0 < γ_n ≤ γ̄ for all n (γ̄ our derived constant, not the paper's)", ok,
                          f"γ̄ = {_short(tr['gbar'])}")
    if mode == "local":
        ks = [K(n, tr["lam"], tr["M"]) for n in tr["nets"][:len(gs)]]
        ok = _all_le((g, 4 / k) for g, k in zip(gs, ks))  # K(θ) ≥ 8λ > 0
        return Hypothesis("0 < γ_n ≤ 4/K(Θ_n) for all n", ok)
    bound = ev.param("step_bound")
    if bound is None:
        raise InputError("variant @step-paper needs params.step_bound (the paper's constant)", "params.step_bound")
    ok = _all_le((g, bound) for g in gs)
    ev.notes.append(f"@step-paper: the step hypothesis is the user's constant params.step_bound = {to_json(bound)}; "
                    "a VIOLATED verdict refutes that user-supplied constant (the statement with it), not the "
                    "paper's theorem, whose constant is unknown, nor our γ̄")
    return Hypothesis(f"0 < γ_n ≤ {to_json(bound)} (user's constant params.step_bound, not the paper's)", ok)


def _steps(ev, default=20):
    return int(ev.param("steps", default, parse=lambda v, w: _int_param(v, w, 1, MAX_STEPS)))


def eval_gd(ev: Evaluation, which: str, step_hypothesis=True):
    _need_measure(ev)
    N = _steps(ev)
    tr = gd_trajectory(ev, N)
    hyps = list(tr["hyps"])
    if step_hypothesis:
        hyps.append(_step_hypothesis(ev, tr))
    else:  # the mutant's statement is about positive steps only
        pos = [sign(g) for g in tr["gammas"]]
        hyps.append(Hypothesis("γ_n > 0 for all n", False if any(t in (0, -1) for t in pos) else
                               (None if None in pos else True),
                               "" if all(t == 1 for t in pos) else "outside the statement's scope: a step γ_n ≤ 0"))
    xi, nets = tr["xi"], tr["nets"]
    Nc = len(tr["L"])  # steps computed
    Vs = [V(n.theta, xi) for n in nets]
    slack = 0
    rels = []
    for n in range(Nc):
        pre = Vs[n + 1] - tr["deltas"][n]  # V of the unrounded step
        if which == "decrease":
            rels.append(_on_trajectory(tr, n, relation(f"V(Θ_{n + 1}) ≤ V(Θ_{n}) − 4γ_{n}ℒ(Θ_{n})", pre, "≤",
                                                       Vs[n] - 4 * tr["gammas"][n] * tr["L"][n])))
        elif which == "nonincreasing":
            rels.append(_on_trajectory(tr, n, relation(f"V(Θ_{n + 1}) ≤ V(Θ_{n})", pre, "≤", Vs[n])))
        slack = slack + (tr["deltas"][n] if sign(tr["deltas"][n]) == 1 else 0)
    Vmax = Vs[0] + slack  # ≥ V(Θ_0): relations on exact iterates stay (weaker) statements of the theorem
    if which == "bounded":
        for n in range(Nc + 1):
            rels.append(_on_trajectory(tr, n, relation(f"‖Θ_{n}‖² ≤ V(Θ_{n}) ≤ V(Θ_0) + Σδ⁺",
                                                       sum_squares(nets[n].theta), "≤", Vs[n])))
            rels.append(_on_trajectory(tr, n, relation(f"V(Θ_{n}) ≤ V(Θ_0) + Σδ⁺ (n = {n})", Vs[n], "≤", Vmax)))
    if which in ("summable", "minrate"):
        total, gsum = 0, 0
        for n in range(Nc):
            total = total + tr["gammas"][n] * tr["L"][n]
            gsum = gsum + tr["gammas"][n]
            if which == "summable":
                rel = relation(f"Σ_(k<{n + 1}) γ_kℒ(Θ_k) ≤ (V(Θ_0) + Σδ⁺ − 2ξ²)/4", total, "≤",
                               (Vmax - 2 * xi * xi) / 4)
            elif sign(gsum) == 1:
                rel = relation(f"min_(k<{n + 1}) ℒ(Θ_k) ≤ (V(Θ_0) + Σδ⁺ − 2ξ²)/(4Σγ_k)",
                               _certified_min(tr["L"][:n + 1]), "≤", (Vmax - 2 * xi * xi) / (4 * gsum))
            else:  # outside the step hypothesis (γ_k > 0), or undecided: no bound to compare with
                rel = undecidable(f"min_(k<{n + 1}) ℒ(Θ_k) ≤ (V(Θ_0) + Σδ⁺ − 2ξ²)/(4Σγ_k)",
                                  "Σγ_k is not certified > 0")
            rels.append(_on_trajectory(tr, n, rel))
    if tr["stop"]:
        rels.append(undecidable(f"steps {Nc}..{N - 1}", tr["stop"]))
    return rels, hyps


def _certified_min(xs):
    """min of exact numbers exactly; of balls as an enclosure (arb.min)."""
    out = xs[0]
    for x in xs[1:]:
        if isinstance(out, fmpq) and isinstance(x, fmpq):
            out = x if x < out else out
        else:
            out = arb(out).min(arb(x))
    return out


# --------------------------------------------------------------------------------------------
# 15, 16. asymptotic statements


def eval_risk_to_zero(ev: Evaluation, step_rule="derived"):
    """Exact GD (no rounding) and a search for a repeat Θ_n = Θ_m.  A repeat certifies a periodic
    orbit only when every future step is the same: a constant step (``gamma`` or the default),
    never a ``gammas`` list, whose continuation past the list is unspecified."""
    _need_measure(ev)
    if not (ev.exact and ev.inst.is_exact()):
        raise Undecided("the periodic-orbit search runs in exact arithmetic only")
    N = _steps(ev, 6)
    ev.inst = ev.inst.replace(params={**ev.inst.params, "rounding_bits": None})
    tr = gd_trajectory(ev, N)
    hyps = list(tr["hyps"])
    if step_rule == "derived":
        hyps.append(_step_hypothesis(ev, tr))
    else:
        lam = tr["lam"]
        hyps.append(Hypothesis("0 < γ_n ≤ 1/λ for all n", _all_le((g, 1 / lam) for g in tr["gammas"]), f"λ = {lam}"))
    nets = tr["nets"]
    seen = {}
    constant_steps = "gammas" not in ev.inst.params and all(g == tr["gammas"][0] for g in tr["gammas"])
    for n, net in enumerate(nets[:len(tr["L"])] if constant_steps else []):
        key = tuple(net.theta)
        if key in seen:
            m = seen[key]
            Lm = tr["L"][m]
            return [relation(f"no periodic orbit with positive risk (Θ_{n} = Θ_{m} under the constant step "
                             f"γ = {to_json(tr['gammas'][0])}, so ℒ(Θ_k) = ℒ(Θ_{m}) infinitely often; "
                             "ℒ(Θ_{m}) > 0 keeps ℒ(Θ_n) away from 0)", Lm, "=", 0)], hyps
        seen[key] = n
    why = f"no periodic orbit within {len(tr['L'])} steps" if constant_steps else \
        "no periodic-orbit test: the steps are not one constant γ"
    rels = [undecidable("lim ℒ(Θ_n) = 0", f"asymptotic: no finite run certifies it; ℒ(Θ_{len(tr['L']) - 1}) = "
                        f"{_short(tr['L'][-1])}, ℒ(Θ_0) = {_short(tr['L'][0])}; {why}")] if tr["L"] else []
    if tr["stop"]:
        rels.append(undecidable(f"steps {len(tr['L'])}..{N - 1}", tr["stop"]))
    return rels, hyps


def eval_gf_integral(ev: Evaluation):
    _need_measure(ev)
    N = _steps(ev, 3)
    params = dict(ev.inst.params)  # a copy: the caller's instance must not change
    if "gamma" not in params and "gammas" not in params:
        params["gamma"] = "1/100000000"
    params.setdefault("rounding_bits", None)
    ev.inst = ev.inst.replace(params=params)
    tr = gd_trajectory(ev, N)
    xi = tr["xi"]
    Nc = len(tr["L"])
    lhs = V(tr["nets"][-1].theta, xi) + 8 * sum((g * L for g, L in zip(tr["gammas"], tr["L"])), fmpq(0))
    rhs = V(tr["nets"][0].theta, xi) + sum((g ** 2 * (sum_squares(G) + G[-1] ** 2) for g, G in zip(tr["gammas"], tr["G"])),
                                         fmpq(0))
    rhs = rhs + sum(tr["deltas"], fmpq(0))
    # evidence, not the statement: its failure would refute claim 9 at some Θ_k, not the flow
    rels = [_rounded_out(relation(f"evidence: V(Θ_N) + 8Σγ_kℒ(Θ_k) = V(Θ_0) + Σγ_k²(‖𝒢‖² + 𝒢_𝔡²) + Σδ_k "
                                  f"(N = {Nc} GD steps, telescoped claim 9)", lhs, "=", rhs),
                         "the discrete identity is evidence about GD, not a statement about the flow")]
    if tr["stop"]:
        rels.append(undecidable(f"evidence steps {Nc}..{N - 1}", tr["stop"]))
    T = ev.param("T", None, parse=parse_rational)
    if T is None:
        rels.append(undecidable("V(Θ_t) + 8∫_0^t ℒ(Θ_s) ds = V(Θ_0) along every gradient-flow solution",
                                "continuous time: give params.T for a certified enclosure of the flow on [0, T] "
                                "(d = 1, density measure, ℒ with s = 1)"))
    else:
        rels += _gf_enclosure(ev, tr, T)
    return rels, tr["hyps"]


def _gf_enclosure(ev: Evaluation, tr, T) -> list:
    """The flow form on [0, T] from a certified enclosure of the standard flow (`verify.flows`; the
    same stepper as ejrw22): d/dt V(Θ_t) = −⟨∇V, 𝒢⟩ = −8ℒ(Θ_t) a.e. (claim 9 holds at every θ), so the
    box enclosure of V(Θ_T) must meet V(Θ_0) − 8Σ_n h_n ℒ(X_n) (Θ_t ∈ X_n on step n); disjoint
    enclosures are VIOLATED."""
    from ..flows import FlowSystem, _sq
    from ..numbers import ball_gap, precision
    from ..problems import Constant, Empirical

    net, xi, s = tr["nets"][0], tr["xi"], tr["s"]
    if T <= 0:
        raise InputError(f"the horizon T must be > 0, got {to_json(T)}", "params.T")
    if net.d != 1 or s != 1 or isinstance(ev.inst.measure, Empirical) or not ev.exact:
        return [undecidable("V(Θ_t) + 8∫_0^t ℒ(Θ_s) ds = V(Θ_0) along gradient flow",
                            "the certified flow enclosure needs d = 1, a density measure, ℒ with s = 1 and exact data")]
    system = FlowSystem(Constant(xi), ev.inst.measure, net.H)
    enc = system.enclose(net.theta, T, "standard", max_steps=int(ev.param("max_steps", 4000, parse=parse_rational)))
    with precision(enc.prec):
        VT = sum((_sq(y) for y in enc.final), arb(0)) + _sq(enc.final[-1] - 2 * xi)
        energy = arb(V(net.theta, xi))
        for st in enc.steps:
            energy -= 8 * arb(st.t1 - st.t0) * system._risk_box(st.X).nonnegative_part()
    gap = ball_gap(VT, energy)
    name = "V(Θ_t) + 8∫_0^t ℒ(Θ_s) ds = V(Θ_0) along every gradient-flow solution"
    if gap is None:
        return [undecidable(name, "an enclosure is not finite")]
    where = f"T = {to_json(enc.t_reached)}, {len(enc.steps)} certified steps"
    regular = all(_regular_box(st.X, net) for st in enc.steps)
    if gap == 0 or not regular:
        # overlapping enclosures are consistent with the equality but certify nothing; disjoint
        # ones near the singular set (w_i, b_i) = 0 leave open whether any solution exists there
        why = (f"the enclosures of V(Θ_T) and V(Θ_0) − 8∫₀ᵀℒ overlap ({where}): consistent, but an equality "
               "is never certified by enclosures" if gap == 0 else
               f"the enclosures are disjoint (gap ≥ {to_json(gap)}) but some box meets the singular set "
               "(𝔴_i, 𝔟_i) = 0, where the existence of a solution inside it is not certified")
        rels = [undecidable(name, why)]
    else:
        # every solution stays in the boxes (verify.flows, step 1), and boxes inside the regular
        # set contain one (the field is locally Lipschitz there): it violates the identity
        rels = [relation(f"enclosures of V(Θ_T) and V(Θ_0) − 8∫₀ᵀℒ(Θ_s)ds meet (gap = 0; every gradient-flow "
                         f"solution, {where})", gap, "=", fmpq(0))]
    if not enc.complete:
        rels.append(undecidable(f"the flow on [{to_json(enc.t_reached)}, {to_json(T)}]", enc.reason))
    return rels


def _regular_box(X, net: Network) -> bool:
    """Certified: no point of the box X has (𝔴_i, 𝔟_i) = (0, 0) for any neuron (d = 1)."""
    H = net.H
    return all(sign(X[i]) not in (0, None) or sign(X[H + i]) not in (0, None) for i in range(H))


# --------------------------------------------------------------------------------------------
# 17. SGD


def _samples(ev: Evaluation, net: Network):
    """Batches of sample points: params.batches (list of lists of points) or params.samples
    (one point per step), else one step per support point."""
    raw = ev.inst.params.get("batches")
    if raw is None:
        single = ev.inst.params.get("samples")
        if single is None:
            return [[p] for p in _points(ev, net)]
        raw = [[p] for p in single] if isinstance(single, list) else single
    if not isinstance(raw, list) or not raw:
        raise InputError("batches must be a non-empty list of lists of points", "params.batches")
    return [_parse_points(batch, net.d, f"params.batches[{k}]") for k, batch in enumerate(raw)]


def eval_sgd(ev: Evaluation):
    net, xi, s, hyps = _setup(ev)
    deriv0 = ev.variants["deriv0"]
    batches = _samples(ev, net)
    if ev.variants.get("sgd") == "single" and any(len(b) > 1 for b in batches):
        raise InputError("batches of more than one sample need the variant @sgd-minibatch", "params.batches")
    M = max(abs(t) for b in batches for p in b for t in p)
    if ev.inst.measure is not None:
        M = max(M, ev.inst.measure.coordinate_bound())
    d = net.d
    gbar = gamma_bar(V(net.theta, xi), 1, d, M)
    gamma = _gamma(ev, gbar)
    hyps.append(Hypothesis("0 < γ ≤ γ̄ with λ := 1", _all_le([(gamma, gbar)]),
                           f"γ̄ = {_short(gbar)}"))
    ctx = EXACT if ev.exact else _ball_ctx(ev)
    bits = _rounding_bits(ev, len(batches))
    rels = []
    cur = net
    Vs = [V(net.theta, xi)]
    exact_path = True  # cur is the SGD iterate itself (no rounding has changed it)
    budget = _Budget(ev, 1)
    for n, batch in enumerate(batches):
        budget.per_step = len(batch)  # one pointwise gradient per sample
        stop = budget.charge(cur.theta, n)
        if stop:
            rels.append(undecidable(f"SGD steps {n + 1}..{len(batches)}", stop))
            break
        gs, rs = [], []
        for x in batch:
            g, r = per_sample_gradient(cur, ev.inst.target, x, ctx, deriv0)
            gs.append([s * t for t in g])
            rs.append(r)
            kk = 4 * r * r * ((1 + d * M * M) * (sum_squares(cur.theta) - cur.theta[-1] ** 2) + 2)
            rels.append(relation(f"step {n + 1}: ‖g‖² + g_𝔡² ≤ 4r²[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2] at x = "
                                 f"({', '.join(map(str, x))})", sum_squares(gs[-1]) + gs[-1][-1] ** 2, "≤", s * s * kk))
        k = len(batch)
        gbar_vec = [sum((g[i] for g in gs), 0) / k for i in range(len(cur.theta))]
        r2 = sum((s * r * r for r in rs), 0) / k
        new = [t - gamma * g for t, g in zip(cur.theta, gbar_vec)]
        V0, V1 = V(cur.theta, xi), V(new, xi)
        rels.append(relation(f"step {n + 1}: V(Θ_n) = V(Θ_n−1) − 8γ·mean(r²) + γ²(‖ḡ‖² + ḡ_𝔡²)", V1, "=",
                             V0 - 8 * gamma * r2 + gamma ** 2 * (sum_squares(gbar_vec) + gbar_vec[-1] ** 2)))
        dec = relation(f"step {n + 1}: V(Θ_n) ≤ V(Θ_n−1) − 4γ·mean(r²)", V1, "≤", V0 - 4 * gamma * r2)
        # the decrease rests on V(Θ_{n−1}) ≤ V(Θ_0) (induction along the exact path); the
        # per-sample bound and the expansion hold at every θ
        rels.append(dec if exact_path else _rounded_out(
            dec, f"Θ_{n} was rounded to the grid 2^-{bits}: not an SGD iterate; rerun with rounding_bits: null"))
        Vs.append(V1)
        if bits is not None and ev.exact:
            rounded = [_round_dyadic(t, bits) for t in new]
            exact_path = exact_path and rounded == new
            new = rounded
        cur = cur.with_theta(new)
    if bits is not None and ev.exact and len(batches) > 1:
        ev.notes.append(f"the iterate is rounded to the dyadic grid 2^-{bits} before each next step; every "
                        "relation is about one step from the point it names, so each is certified exactly")
    ev.record("V(Θ_n)", Vs)
    ev.engines.add("pointwise-" + ("exact" if ev.exact else f"ball{ev.prec}"))
    return rels, hyps


# --------------------------------------------------------------------------------------------
# 18. pure-bias dynamics


def eval_pure_bias(ev: Evaluation):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    hidden_zero = _all_zero(net.theta[:-1])
    hyps.append(Hypothesis("all hidden parameters are 0", hidden_zero))
    lam, _ = _lam_M(ev)
    gamma = _gamma(ev, 1 / lam)
    N = _steps(ev, 6)
    factor = 1 - 2 * s * gamma * lam
    cur = net
    rels = []
    budget = _Budget(ev, net.H + 1)
    for n in range(1, N + 1):
        stop = budget.charge(cur.theta, n - 1)
        if stop:
            rels.append(undecidable(f"steps {n}..{N}", stop))
            break
        _, G = _rg(ev, cur, s)
        cur = cur.with_theta([t - gamma * g for t, g in zip(cur.theta, G)])
        rels.append(relation(f"𝔠_{n} − ξ = (1 − 2sγλ)^{n}(𝔠_0 − ξ)", cur.c - xi, "=", factor ** n * (net.c - xi)))
        rels.append(relation(f"hidden parameters of Θ_{n} are 0", sum_squares(cur.theta[:-1]), "=", 0))
    conv, crit = sign(1 - abs(factor)), sign(1 / (s * lam) - gamma)
    if conv is not None and crit is not None and sign(gamma) is not None:
        crit_ok = sign(gamma) == 1 and crit == 1
        rels.append(relation("[|1 − 2sγλ| < 1] ⇔ [0 < γ < 1/(sλ)]", fmpq(int((conv == 1) == crit_ok)), "=", fmpq(1)))
    return rels, hyps


# --------------------------------------------------------------------------------------------
# instances used as built-in examples and witnesses


def _inst(widths, theta, target="3/4", box=(("0", "1"),), measure=None, params=None, variants=None):
    d = {"network": {"widths": widths, "theta": theta},
         "target": target if isinstance(target, dict) else {"kind": "constant", "value": target},
         "measure": measure or {"kind": "lebesgue", "box": [list(s) for s in box]},
         "params": params or {}}
    if variants:
        d["variants"] = variants
    return d


DESIGN = _inst([1, 3, 1], ["1/2", "-1", "0", "2", "1/3", "0", "-5/7", "1", "2", "3/4"])
KINK_AT_ENDS = _inst([1, 3, 1], ["2", "-3", "1", "0", "3", "-1", "1", "-1/2", "5/4", "-2"], target="1",
                     box=(("0", "1"),))  # kinks at 0, 1 and 1
DEGENERATE = _inst([1, 2, 1], ["0", "1", "0", "-1", "2", "3", "0"], target="1")  # neuron 1 fully degenerate
DEAD = _inst([1, 2, 1], ["-1", "1", "0", "-1", "5", "2", "1/2"], target="-1/3", box=(("0", "1"),))
ATOMS = _inst([1, 2, 1], ["1", "-1", "-1/2", "1/2", "3", "-2", "1/4"], target="1/2",
              measure={"kind": "empirical", "points": [["1/2"], ["1/2"], ["0"], ["1"], ["-1"]]})
DENSITY = _inst([1, 2, 1], ["3", "-2", "-1", "1", "1", "1/2", "-1/5"], target="2",
                measure={"kind": "density", "pieces": [{"interval": ["-1", "0"], "coefficients": ["1", "1"]},
                                                         {"interval": ["0", "1"], "coefficients": ["1", "-1"]}]})
UNIFORM = _inst([1, 2, 1], ["1", "1", "-2", "1", "1", "1", "0"], target="-2",
                measure={"kind": "uniform", "box": [["-2", "3"]]})
TWO_D = _inst([2, 3, 1], ["1", "-1", "0", "2", "1", "1", "1/2", "-1/2", "-1", "2", "-1", "1/2", "1/3"],
              target="1", box=(("0", "1"), ("-1", "1")))
THREE_D = _inst([3, 2, 1], ["1", "-1", "2", "0", "1", "1", "1/2", "-1", "2", "-1", "1/4"], target="1/2",
                box=(("0", "1"), ("0", "1"), ("0", "1")))
ZERO = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1")

EXAMPLES = [DESIGN, KINK_AT_ENDS, DEGENERATE, DEAD, ATOMS, DENSITY, UNIFORM, TWO_D]

P1 = _inst([1, 1, 1], ["0", "-1", "3", "1/2"], target={"kind": "polynomial", "coefficients": ["0", "1"]})
P2 = _inst([1, 1, 1], ["0", "-1", "1", "0"], target="1")
P3 = _inst([1, 1, 1], ["0", "0", "1", "0"], target="0")
P4 = _inst([1, 1, 1, 1], ["0", "1", "1", "0", "1", "0"], target="0")
P5 = _inst([1, 1, 1], ["0", "1", "1", "0"], target="0", params={"alpha": "2", "beta": "1"})
P5b = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1")
P6 = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1", params={"gamma": "101/100", "steps": 1})
P6b = _inst([1, 1, 1], ["0", "0", "0", "1"], target="0", params={"gamma": "3/2", "steps": 1})
P7 = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1", params={"gamma": "1", "steps": 4})
P8 = _inst([1, 1, 1], ["0", "1", "1", "0"], target="0", params={"gamma": "1/10"})
P9 = _inst([1, 1, 1], ["0", "0", "2", "0"], target="1")
P10 = P9
P11 = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1")


# --------------------------------------------------------------------------------------------
# instance strategies for `relu-verify search` (built lazily: Hypothesis is imported on first use)


def _shallow(**kw):
    """() -> strategy: `strategies.shallow_instances` with d ∈ {1, 1, 1, 2}, 𝔠 at its critical
    value a fifth of the time, and ``kw``; a ``params`` value may be a thunk () -> strategy, so
    that Hypothesis is imported on first search, not when the claims load."""
    def make():
        from .. import strategies as vst

        args = {"critical_bias": 0.2, **kw}
        if "params" in args:
            args["params"] = {k: v() if callable(v) else v for k, v in args["params"].items()}
        return vst.shallow_instances(**args)
    return make


def _positive(bound=2, max_denominator=16):
    """Thunk of a strategy of rationals in [1/max_denominator, bound]."""
    def make():
        from fractions import Fraction

        from hypothesis import strategies as st

        return st.fractions(Fraction(1, max_denominator), bound, max_denominator=max_denominator)
    return make


def _steps_st(lo, hi):
    """Thunk of a strategy of step counts in [lo, hi]."""
    def make():
        from hypothesis import strategies as st

        return st.integers(lo, hi)
    return make


def _maybe_step():
    """Thunk: γ absent (the claim's default γ̄) two times in three, else a positive rational."""
    from hypothesis import strategies as st

    return st.one_of(st.none(), st.none(), _positive(1)())


def _deep():
    from .. import strategies as vst

    return vst.deep_instances(d=1, max_depth=2, max_width=2, zero_probability=0.05)


def _gamma_one_over_lambda(inst: dict) -> dict:
    """``inst`` with the constant step γ = 1/λ, λ the measure's total mass (claim P7)."""
    lam = Instance.from_json(inst).measure.total_mass()
    return {**inst, "params": {**inst["params"], "gamma": to_json(1 / lam)}}


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_XI = {"xi": Param("rational", 0, "the constant target ξ where the target is not a constant")}
_GAMMA = {"gamma": Param("rational > 0", "γ̄", "the step size (default γ̄ of the note)")}
_ROUND = {"rounding_bits": Param("int ≤ 4096 or null", "64 if steps > 3 else null",
                                 "round the iterates to this many bits (null: exact iterates)")}
_GD = {"steps": Param("int 1..10000", 20, "the number N of GD steps"), **_GAMMA,
       "gammas": Param("list of rationals", None, "the step sizes γ_0, γ_1, … (instead of a constant gamma)"),
       **_ROUND, "step_bound": Param("rational", None, "@step-paper: the user's step bound")}
PARAMS = {
    "lyapunov-identity": _XI, "no-spurious-critical-points": _XI,
    "lyapunov-pointwise": {"points": Param("list of points", None, "the points x (default: the measure's atoms, or "
                                                                   "box corners, centre and 1-D kinks)")},
    "lyapunov-family": {"alpha": Param("rational", "2 (@v-paper), 1 (@v-alpha)", "α of V_α"),
                        "beta": Param("rational", 1, "β (@v-paper form)")},
    "balancedness": {"gamma": Param("rational > 0", "1/10", "the GD step size")},
    "degenerate-frozen": {"steps": Param("int 0..50", 2, "GD steps"), "gamma": Param("rational > 0", "1/10", "step size"),
                          **_ROUND},
    "gd-one-step-expansion": _GAMMA,
    "gd-lyapunov-decrease": _GD, "gd-bounded": _GD, "gd-summable": _GD, "gd-minrate": _GD,
    "gd-risk-to-zero": {**_GD, "steps": Param("int 1..10000", 6, "GD steps"),
                        "rounding_bits": Param("ignored", None, "ignored: the periodic-orbit search iterates exactly")},
    "gf-lyapunov-integral": {"steps": Param("int 1..10000", 3, "GD steps of the discrete identity"),
                             "gamma": Param("rational > 0", "10^-8", "the small step of the discrete identity"),
                             "rounding_bits": Param("int ≤ 4096 or null", None, "round the iterates (null: exact)"),
                             "T": Param("rational > 0", None, "enclose every gradient-flow solution on [0, T] (d = 1)"),
                             "max_steps": Param("int", 4000, "step limit of the flow enclosure")},
    "sgd-sure-decrease": {"samples": Param("list of points", None, "one sample per step (@sgd-single)"),
                          "batches": Param("list of lists of points", None, "mini-batches (@sgd-minibatch)"),
                          "points": Param("list of points", None, "the points where the SGD identity is evaluated"),
                          "gamma": Param("rational > 0", "γ̄ with λ = 1", "the step size"), **_ROUND},
    "pure-bias-dynamics": {"gamma": Param("rational > 0", "1/λ", "the step size"),
                           "steps": Param("int 1..10000", 6, "GD steps")},
}
STATEMENT_SUBS = {"deriv0-closed": [("ReLU′(0) = 0", "ReLU′(0) = 1")],
                  "deriv0-half": [("ReLU′(0) = 0", "ReLU′(0) = 1/2")],
                  "step-local": [("0 < γ_n ≤ γ̄", "0 < γ_n ≤ 4/K(Θ_n)")],
                  "step-paper": [("0 < γ_n ≤ γ̄", "0 < γ_n ≤ params.step_bound")],
                  "gd-current": [("GD with", "GD (Θ_n = Θ_{n−1} − γ_n𝒢(Θ_{n−1})) with"),
                                 ("if 0 < γ_n", "for Θ_n = Θ_{n−1} − γ_n𝒢(Θ_{n−1}): if 0 < γ_n")]}

def _claim(id_, prov, statement, fn, groups=COMMON, examples=None, mutants=(), params_doc="", instances=None):
    return register(Claim(id=f"cjrr21.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=examples if examples is not None else EXAMPLES,
                          variant_groups=groups, mutants=list(mutants), params_doc=params_doc, family="cjrr21",
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS,
                          instances=instances or _shallow()))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    """A planted violation; unless it says otherwise, searched on lively instances: no critical
    output bias and hardly any all-zero hidden layers, where most weakened statements still hold."""
    return Mutant(parent=f"cjrr21.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {},
                  instances=instances or _shallow(critical_bias=0, zero_probability=0.02))


_claim("lyapunov-function", "RECONSTRUCTED",
       "V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)² has minimum 2ξ², attained at θ = (0,…,0,ξ)", eval_lyapunov_function)
_claim("lyapunov-identity", "DERIVED", "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) for every θ (constant target ξ)",
       eval_lyapunov_identity, examples=EXAMPLES + [THREE_D], mutants=[
           _mutant("lyapunov-identity", "any-target", "P1 cjrr21.lyapunov-identity!nonconstant-target",
                   "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) for any target f (constant-target hypothesis dropped)",
                   lambda ev: eval_lyapunov_identity(ev, constant_target=False), P1,
                   instances=_shallow(d=1, target_kinds=("polynomial", "piecewise-linear"))),
           _mutant("lyapunov-identity", "no-output-bias", "P2 cjrr21.lyapunov-identity!no-output-bias",
                   "⟨∇‖θ‖², 𝒢(θ)⟩ = 8ℒ(θ) with the output bias 𝔠 ≡ 0 frozen", eval_identity_no_output_bias, P2),
           _mutant("lyapunov-identity", "softplus", "P3 cjrr21.lyapunov-identity!softplus",
                   "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) with softplus σ(y) = ln(1 + e^y) instead of ReLU", eval_identity_softplus,
                   P3, instances=_shallow(d=1, measure_kinds=("lebesgue", "uniform"))),
           _mutant("lyapunov-identity", "two-hidden-layers", "P4 cjrr21.lyapunov-identity!two-hidden-layers",
                   "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) for two hidden layers", eval_identity_two_layers, P4, instances=_deep),
       ])
_claim("lyapunov-pointwise", "DERIVED", "⟨∇V(θ), g(θ,x)⟩ = 8 r_θ(x)² for every x, also where a pre-activation is 0",
       eval_lyapunov_pointwise, examples=EXAMPLES + [THREE_D],
       params_doc="points: list of points (default: atoms, or box corners, centre and 1-D kinks)")
_claim("lyapunov-family", "DERIVED",
       "⟨∇V_α(θ), 𝒢(θ)⟩ = 8ℒ(θ) for V_α = α‖(𝔴,𝔟)‖² + (2−α)‖𝔳‖² + 2(𝔠 − ξ)²", eval_lyapunov_family,
       groups=COMMON + ("v",), params_doc="alpha: rational α (variant @v-alpha)",
       instances=_shallow(params={"alpha": _positive(2)}), mutants=[
           _mutant("lyapunov-family", "weights", "P5 cjrr21.lyapunov-family!weights",
                   "⟨∇V, 𝒢⟩ = 8ℒ for V = α‖(𝔴,𝔟)‖² + β‖𝔳‖² + 2(𝔠 − ξ)² with α + β ≠ 2 (params alpha, beta)",
                   lambda ev: eval_lyapunov_family(ev, mutant=True), P5,
                   instances=_shallow(params={"alpha": _positive(3), "beta": _positive(3)})),
           _mutant("lyapunov-family", "phi-square", "P5 cjrr21.lyapunov-family!weights (φ(𝔠) = 𝔠²)",
                   "⟨∇‖θ‖², 𝒢⟩ = 8ℒ (φ(𝔠) = 𝔠², i.e. V = ‖θ‖²)", eval_family_phi_square, P5b),
       ])
_claim("balancedness", "DERIVED",
       "⟨(𝔴_i,𝔟_i), 𝒢_(𝔴_i,𝔟_i)⟩ = 𝔳_i𝒢_𝔳_i at θ (the identity behind the conservation of B_i along every GF "
       "solution, which is proved in the note, not checked per trajectory); one GD step changes B_i by "
       "γ²(‖𝒢_(𝔴_i,𝔟_i)‖² − 𝒢_𝔳_i²)", eval_balancedness, params_doc="gamma: step size (default 1/10)",
       instances=_shallow(params={"gamma": _positive(1)}), mutants=[
           _mutant("balancedness", "gd", "P8 cjrr21.balancedness!gd", "GD conserves B_i = ‖𝔴_i‖² + 𝔟_i² − 𝔳_i²",
                   lambda ev: eval_balancedness(ev, gd_conserves=True), P8)])
_claim("gradient-formula", "RECONSTRUCTED",
       "𝒢(θ) = ∇ℒ(θ) wherever ℒ is differentiable (exact one-sided partial derivatives)", eval_gradient_formula,
       examples=EXAMPLES, mutants=[
           _mutant("gradient-formula", "everywhere", "P10 cjrr21.gradient-formula!everywhere",
                   "ℒ is differentiable everywhere with ∇ℒ = 𝒢", lambda ev: eval_gradient_formula(ev, everywhere=True),
                   P10, instances=_shallow(degenerate=0.4, critical_bias=0))])
_claim("degenerate-frozen", "DERIVED",
       "under ReLU′(0) = 0, fully degenerate and dead neurons have 𝒢-components 0 and never move under GD",
       eval_degenerate_frozen, examples=[DEGENERATE, DEAD, ATOMS, P9],
       params_doc="steps (0..50, default 2), gamma (default 1/10), rounding_bits (default 64 for steps > 3: the "
                  "non-frozen coordinates are rounded; null = exact); " + LIMITS_DOC,
       instances=_shallow(params={"steps": _steps_st(0, 2), "gamma": _positive(1)}, degenerate=0.5), mutants=[
           _mutant("degenerate-frozen", "deriv0-closed", "P9 cjrr21.degenerate-frozen@deriv0-closed",
                   "frozen neurons stay frozen with ReLU′(0) = 1", eval_degenerate_frozen, P9,
                   {"deriv0": "deriv0-closed"}, instances=_shallow(degenerate=0.5, critical_bias=0)),
           _mutant("degenerate-frozen", "deriv0-half", "P9 cjrr21.degenerate-frozen@deriv0-half",
                   "frozen neurons stay frozen with ReLU′(0) = 1/2", eval_degenerate_frozen, P9,
                   {"deriv0": "deriv0-half"}, instances=_shallow(degenerate=0.5, critical_bias=0))])
_claim("no-spurious-critical-points", "DERIVED", "𝒢(θ) = 0 ⇒ ℒ(θ) = 0, and ℒ(θ) = 0 ⇒ 𝒢(θ) = 0",
       eval_no_spurious, examples=EXAMPLES + [ZERO, _inst([1, 2, 1], ["1", "1", "0", "0", "2", "-2", "1"], "1")],
       instances=_shallow(critical_bias=0.6, zero_probability=0.3),
       mutants=[_mutant("no-spurious-critical-points", "any-target", "P1 (also violates claim 8)",
                        "𝒢(θ) = 0 ⇒ ℒ(θ) = 0 for any target f", lambda ev: eval_no_spurious(ev, False), P1,
                        instances=_shallow(d=1, target_kinds=("polynomial", "piecewise-linear"), critical_bias=0.7,
                                           zero_probability=0.4))])
_claim("gd-one-step-expansion", "DERIVED",
       "V(θ − γ𝒢) = V(θ) − 8γℒ + γ²(‖𝒢‖² + 𝒢_𝔡²); V(Θ') ≤ V(θ) ⇔ γ ≤ γ*", eval_one_step,
       params_doc="gamma (default γ̄)", instances=_shallow(params={"gamma": _positive(1)}))
_claim("gradient-bound", "DERIVED", "‖𝒢(θ)‖² + 𝒢_𝔡(θ)² ≤ K(θ)ℒ(θ), K = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2]",
       eval_gradient_bound, examples=EXAMPLES + [ZERO], instances=_shallow(zero_probability=0.3), mutants=[
           _mutant("gradient-bound", "no-constant-term", "P11 cjrr21.gradient-bound!no-constant-term",
                   "‖𝒢‖² + 𝒢_𝔡² ≤ K′ℒ with K′ = 4λ(1 + dM²)(‖θ‖² − θ_𝔡²)",
                   lambda ev: eval_gradient_bound(ev, constant_term=False), P11,
                   instances=_shallow(zero_probability=0.4))])
GD_GROUPS = COMMON + ("gd", "step")
GD_DOC = ("steps N (default 20), gamma or gammas (default γ̄), rounding_bits (default 64 for N > 3; null = exact), "
          "step_bound (@step-paper: the user's constant; a VIOLATED refutes it, not the paper); " + LIMITS_DOC)
GD_EXAMPLES = [dict(e, params={"steps": 8}) for e in (DESIGN, KINK_AT_ENDS, DEGENERATE, ATOMS, UNIFORM)]
GD_INSTANCES = _shallow(params={"steps": _steps_st(1, 3), "gamma": _maybe_step})
_claim("gd-lyapunov-decrease", "DERIVED", "if 0 < γ_n ≤ γ̄: V(Θ_{n+1}) ≤ V(Θ_n) − 4γ_nℒ(Θ_n)",
       lambda ev: eval_gd(ev, "decrease"), groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC,
       instances=GD_INSTANCES, mutants=[
           _mutant("gd-lyapunov-decrease", "no-step-bound", "P6 cjrr21.gd-lyapunov-decrease!no-step-bound",
                   "V(Θ_{n+1}) ≤ V(Θ_n) for every step size γ > 0",
                   lambda ev: eval_gd(ev, "nonincreasing", step_hypothesis=False), P6,
                   instances=_shallow(params={"steps": 1, "gamma": _positive(4)}))])
_claim("gd-bounded", "DERIVED", "if 0 < γ_n ≤ γ̄: ‖Θ_n‖² ≤ V(Θ_n) ≤ V(Θ_0)", lambda ev: eval_gd(ev, "bounded"),
       groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC, instances=GD_INSTANCES)
_claim("gd-summable", "DERIVED", "if 0 < γ_n ≤ γ̄: Σ_{k<n} γ_kℒ(Θ_k) ≤ (V(Θ_0) − 2ξ²)/4",
       lambda ev: eval_gd(ev, "summable"), groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC,
       instances=GD_INSTANCES)
_claim("gd-minrate", "DERIVED", "if 0 < γ_n ≤ γ̄: min_{k<n} ℒ(Θ_k) ≤ (V(Θ_0) − 2ξ²)/(4Σ_{k<n} γ_k)",
       lambda ev: eval_gd(ev, "minrate"), groups=GD_GROUPS, examples=GD_EXAMPLES, params_doc=GD_DOC,
       instances=GD_INSTANCES)
_claim("gd-risk-to-zero", "ABSTRACT",
       "GD with small enough steps: ℒ(Θ_n) → 0 (asymptotic: UNKNOWN at best; a certified periodic orbit with "
       "positive risk refutes it)", eval_risk_to_zero, groups=GD_GROUPS,
       examples=[dict(e, params={"steps": 4}) for e in (DESIGN, ZERO, P9)], params_doc="steps (default 6), gamma (a constant step: the periodic-orbit test) or gammas, step_bound "
       "(@step-paper: the user's constant); exact, no rounding; " + LIMITS_DOC,
       instances=_shallow(params={"steps": _steps_st(1, 4)}, zero_probability=0.3),
       mutants=[_mutant("gd-risk-to-zero", "step-one-over-lambda", "P7 cjrr21.gd-risk-to-zero!step-one-over-lambda",
                        "ℒ(Θ_n) → 0 for every constant step γ ≤ 1/λ", lambda ev: eval_risk_to_zero(ev, "lambda"),
                        P7, instances=lambda: _shallow(params={"steps": _steps_st(2, 4)}, zero_probability=0.5,
                                                       critical_bias=0)().map(_gamma_one_over_lambda))])
_claim("gf-lyapunov-integral", "DERIVED",
       "along every gradient-flow solution V(Θ_t) + 8∫_0^t ℒ(Θ_s) ds = V(Θ_0) (UNKNOWN at best: the discrete "
       "telescoped identity is exact evidence; enclosures of every solution on [0, params.T], d = 1, could only "
       "refute it)", eval_gf_integral,
       examples=[dict(e, params={"steps": 2}) for e in (DESIGN, DEGENERATE)],
       params_doc="steps (default 3), gamma (default 10^-8), rounding_bits (default null), T (gradient-flow "
       "enclosure on [0, T], d = 1: overlapping enclosures are UNKNOWN, never HOLDS), max_steps; " + LIMITS_DOC, instances=_shallow(params={"steps": _steps_st(1, 2)}))
_claim("sgd-sure-decrease", "DERIVED",
       "per SGD step V(Θ_n) = V(Θ_{n−1}) − 8γr² + γ²(‖g‖² + g_𝔡²) and, for γ ≤ γ̄ with λ := 1, "
       "V(Θ_n) ≤ V(Θ_{n−1}) − 4γr² on every sample path", eval_sgd, groups=COMMON + ("sgd",),
       examples=EXAMPLES + [THREE_D], params_doc="samples or batches (lists of points), gamma (default γ̄ with λ = 1), "
       "rounding_bits (default 64 for more than 3 steps; null = exact iterates); " + LIMITS_DOC)
_claim("pure-bias-dynamics", "DERIVED",
       "if all hidden parameters are 0 they stay 0 and 𝔠_{n+1} − ξ = (1 − 2γλ)(𝔠_n − ξ); GD converges iff 0 < γ < 1/λ",
       eval_pure_bias, examples=[ZERO, dict(ZERO, params={"gamma": "101/100"}), dict(ZERO, params={"gamma": "1/3"}),
                                 _inst([1, 1, 1], ["0", "0", "0", "5"], "2", box=(("-1", "2"),))],
       params_doc="gamma (default 1/λ), steps (default 6); " + LIMITS_DOC,
       instances=_shallow(params={"gamma": _positive(2), "steps": _steps_st(1, 4)}, zero_probability=0.6))
