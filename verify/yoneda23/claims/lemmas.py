"""Claims 3.1–3.8: [DERIVED] lemmas about the construction D0 (spec 004 §3), decided in exact
rational arithmetic.

3.1 ReLU identities (|z|, the hat g, the ramp u); 3.2 φ_N − z² ∈ [0, 2^{−2N−2}]; 3.3
0 ≤ r_N(x) − |x|² ≤ d·2^{−2N−2}; 3.4 the sparse shape (13dN + d + 4 non-zero weights); 3.5 the
boundary set {f°_N ≠ f°}; 3.6 f°_N → f° off the sphere (exact N_0(x)) [RECONSTRUCTED]; 3.7
backprop = the closed-form gradient; 3.8 the d = 1 closed form L = F(λ)/(3a) and its GD map.
"""

from __future__ import annotations

from flint import arb, fmpq

from ...framework import Evaluation, relation, undecidable
from ...errors import InputError, SoundnessError
from ...numbers import Undecided, ball_bounds, precision, to_json
from .. import d0 as D
from .common import Q, _check_data_size, _clip, _exact, _guard, _head_note, _pt, _scalar, _scope, _theta, config, points


# ============================================================================================
# 3.1–3.6: exact lemmas about the construction


def _piecewise_agree(f, g, kinks) -> tuple[int, int]:
    """(number of agreements, number of test points) of f and g at the kinks, one interior point
    of every piece and one point beyond each end: for two piecewise-linear functions whose kinks
    all lie in ``kinks`` this decides f = g on ℝ."""
    ks = sorted(set(kinks))
    pts = list(ks) + [(p + q) / 2 for p, q in zip(ks, ks[1:])] + [ks[0] - 1, ks[-1] + 1]
    return sum(1 for p in pts if f(p) == g(p)), len(pts)


@_guard
def eval_relu_identities(ev: Evaluation):
    """3.1: |z| = σ(z) + σ(−z); g = 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1) is the hat; σ(y) − σ(y − 1) = clip(y);
    with y = a(b − r) the ramp u for every sign of a.  At the instance's scalars and ∀ (piecewise)."""
    _exact(ev)
    z, y = _scalar(ev, "z", "1/3"), _scalar(ev, "y", "2/5")
    a, b, r = _scalar(ev, "a", 4), _scalar(ev, "b", "2/5"), _scalar(ev, "r", "1/4")
    relu = D.relu

    def hat_formula(s):
        return 2 * s if 0 <= s <= D.HALF else (2 - 2 * s if D.HALF < s <= 1 else Q(0))

    def hat_net(s):
        return 2 * relu(s) - 4 * relu(s - D.HALF) + 2 * relu(s - 1)

    def ramp_net(s):
        return relu(a * (b - s)) - relu(a * (b - s) - 1)

    rels = [relation("|z| = σ(z) + σ(−z)", abs(z), "=", relu(z) + relu(-z)),
            relation("g(z) = hat(z)", hat_net(z), "=", hat_formula(z)),
            relation("σ(y) − σ(y − 1) = min{1, max{0, y}}", relu(y) - relu(y - 1), "=", _clip(y)),
            relation("u(r; a, b) = clip(a(b − r))", ramp_net(r), "=", _clip(a * (b - r)))]
    ok, n = _piecewise_agree(hat_net, hat_formula, [Q(0), D.HALF, Q(1)])
    rels.append(relation("∀z: g = hat (kinks {0, 1/2, 1})", Q(ok), "=", Q(n)))
    ok, n = _piecewise_agree(lambda s: abs(s), lambda s: relu(s) + relu(-s), [Q(0)])
    rels.append(relation("∀z: |z| = σ(z) + σ(−z) (kink 0)", Q(ok), "=", Q(n)))
    kinks = [b, b - 1 / a] if a != 0 else [b]
    ok, n = _piecewise_agree(ramp_net, lambda s: _clip(a * (b - s)), kinks)
    rels.append(relation("∀r: u(r; a, b) = clip(a(b − r)) (kinks b, b − 1/a)", Q(ok), "=", Q(n)))
    return rels, []


def _feature_node(cfg: D.D0, x) -> fmpq:
    """r_N(x) read off the D0 network's feature neuron (layer N + 2), not from the formula; past
    NETWORK_MAX_WEIGHTS from the spec's layer recursion p_k, q_k (`D0.preactivations`), which shares
    no code with the sawtooth sum φ_N either."""
    if D.network_weight_count(cfg.d, cfg.N) > D.NETWORK_MAX_WEIGHTS:
        return cfg.preactivations(cfg.theta0, list(x))[-2][0]
    net = cfg.network()
    _, o, _ = net.forward(list(x))
    return o[net.node(cfg.N + 2, 0)]


@_guard
def eval_squaring_error(ev: Evaluation, bound_shift: int = 2, below: bool = False):
    """3.2: 0 ≤ φ_N(z) − z² ≤ 2^{−2N−2} on [0, 1]; φ_N = z² on the grid k/2^N, error 2^{−2N−2} at the
    midpoints, φ_N(1/2) = 1/4 (N ≥ 1); the D0 network computes φ_N(|x|) exactly."""
    _exact(ev)
    cfg = config(ev)
    N = cfg.N
    z = _scalar(ev, "z", Q(1, 2 ** (N + 1)))
    if not 0 <= z <= 1:
        raise InputError(f"z = {z} lies outside [0, 1]", "params.z")
    phi_z = _feature_node(cfg.with_(d=1, feature="yarotsky"), (z,)) if ev.independent else D.phi(z, N)
    e = phi_z - z * z
    bound = Q(1, 2 ** (2 * N + bound_shift))
    rels = [relation("φ_N(z) − z² ≤ 2^{-2N-2}" if bound_shift == 2 else "φ_N(z) − z² ≤ 2^{-2N-3}", e, "≤", bound)]
    rels.append(relation("φ_N(z) ≤ z²", e, "≤", 0) if below else relation("φ_N(z) − z² ≥ 0", e, "≥", 0))
    if below or bound_shift != 2:
        return rels, []
    h = Q(1, 2 ** N)
    cells = _grid_cells(N, z)
    every = "every" if len(cells) == 2 ** N else f"{len(cells)} (of 2^{N})"
    if len(cells) < 2 ** N:
        ev.notes.append(f"N > {GRID_MAX_N}: the grid checks run on {len(cells)} cells (every 2^{N - GRID_MAX_N}-th "
                        "cell and the cell of z), not on all 2^N (documented limit)")
    grid = sorted({k * h for c in cells for k in (c, c + 1)})
    rels.append(relation(f"φ_N = z² at {every} grid point k/2^N", Q(sum(D.phi(g, N) == g * g for g in grid)), "=",
                         Q(len(grid))))
    mids = [(k + D.HALF) * h for k in cells]
    rels.append(relation(f"φ_N − z² = 2^{{-2N-2}} at {every} midpoint",
                         Q(sum(D.phi(m, N) - m * m == bound for m in mids)), "=", Q(len(mids))))
    slopes = [(k, (D.phi((k + 1) * h, N) - D.phi(k * h, N)) / h) for k in cells]
    rels.append(relation(f"slope (2k + 1)/2^N on {every} cell", Q(sum(s == (2 * k + 1) * h for k, s in slopes)),
                         "=", Q(len(slopes))))
    if N >= 1:
        rels.append(relation("φ_N(1/2) = 1/4", D.phi(D.HALF, N), "=", D.QUARTER))
    if cfg.feature == "yarotsky" and cfg.d == 1:
        rels.append(relation("the network's feature neuron at x = z is φ_N(z)", _feature_node(cfg, (z,)), "=",
                             D.phi(z, N)))
    return rels, []


GRID_MAX_N = 12  # squaring-error checks all 2^N grid cells up to this N, a deterministic sample beyond


def _grid_cells(N: int, z: fmpq) -> list[int]:
    """The cells k of the 2^{−N} grid that 3.2's grid checks visit: all for N ≤ GRID_MAX_N, else
    every 2^{N − GRID_MAX_N}-th cell, the last one and the cell containing z."""
    if N <= GRID_MAX_N:
        return list(range(2 ** N))
    stride = 2 ** (N - GRID_MAX_N)
    k_z = min(int((z * 2 ** N).floor()), 2 ** N - 1)
    return sorted(set(range(0, 2 ** N, stride)) | {2 ** N - 1, k_z})


def eval_squaring_half(ev):
    return eval_squaring_error(ev, bound_shift=3)


def eval_squaring_below(ev):
    return eval_squaring_error(ev, below=True)


def _limit(ev, cfg: D.D0, x) -> int:
    """f°_N(x); the independent re-verification reads r_N(x) off the built network's feature neuron."""
    if not (ev.independent and cfg.feature == "yarotsky"):
        return cfg.limit(x)
    r = _feature_node(cfg, x)
    return int(r < cfg.tau or (cfg.limit_def == "closed" and r == cfg.tau))


def _sq(x) -> fmpq:
    return sum((v * v for v in x), Q(0))


def _extremal(cfg):
    return [[to_json(Q(1, 2 ** (cfg.N + 1)))] * cfg.d]


@_guard
def eval_feature_error(ev: Evaluation, factor_d: bool = True):
    """3.3: 0 ≤ r_N(x) − |x|² ≤ d·2^{−2N−2} on [−1, 1]^d (and the network computes r_N)."""
    _exact(ev)
    cfg = config(ev)
    rels = []
    for x in points(ev, cfg, _extremal(cfg)):
        r = _feature_node(cfg, x) if ev.independent and cfg.feature == "yarotsky" else cfg.r(x)
        e = r - _sq(x)
        bound = Q(cfg.d if factor_d else 1, 2 ** (2 * cfg.N + 2))
        rels.append(relation(f"r_N(x) − |x|² ≤ {'d·' if factor_d else ''}2^(-2N-2) at x = {_pt(x)}", e, "≤", bound))
        rels.append(relation(f"r_N(x) − |x|² ≥ 0 at x = {_pt(x)}", e, "≥", 0))
        if factor_d and cfg.feature == "yarotsky":
            rels.append(relation(f"the network's feature neuron equals r_N at x = {_pt(x)}", _feature_node(cfg, x), "=",
                                 cfg.r(x)))
    return rels, []


def eval_feature_no_d(ev):
    return eval_feature_error(ev, factor_d=False)


@_guard
def eval_sparse_shape(ev: Evaluation):
    """3.4: width ≤ 4d, N + 3 hidden layers, 13dN + d + 4 (N ≥ 1) or 4d + 4 (N = 0) non-zero weights,
    counted on the built network's exact matrices."""
    _exact(ev)
    cfg = config(ev)
    if cfg.feature != "yarotsky":
        raise InputError(f"feature {cfg.feature!r} has no network to count", "network.feature")
    w, c, al, _ = cfg.head_values(cfg.theta0)
    shape = cfg.shape()
    rels = [relation("max width ≤ 4d", Q(shape["max_width"]), "≤", Q(4 * cfg.d)),
            relation("hidden layers = N + 3", Q(shape["hidden_layers"]), "=", Q(cfg.N + 3))]
    hyp = [_scope("w ≠ 0 and α ≠ 0 at θ^0 (otherwise head weights vanish)", w != 0 and al != 0)]
    rels.append(relation("non-zero weights = 13dN + d + 4 (N ≥ 1) / 4d + 4 (N = 0)", Q(shape["nonzero_weights"]), "=",
                         Q(D.nonzero_weight_formula(cfg.d, cfg.N))))
    ev.notes.append(f"widths {shape['widths']}, {shape['nonzero_weights']} non-zero weights, "
                    f"{shape['nonzero_biases']} non-zero biases")
    return rels, hyp


@_guard
def eval_boundary_set(ev: Evaluation):
    """3.5: f°_N(x) ≠ f°(x) ⇔ |x|² ≤ 1/4 ≤ r_N(x) (default conventions); hence equality off the shell
    |x|² ∈ [1/4 − d2^{−2N−2}, 1/4]; for d = 1, N ≥ 1 they differ only at |x| = 1/2."""
    _exact(ev)
    cfg = config(ev)
    tau = cfg.tau
    rels = []
    default_conv = cfg.closed and cfg.limit_def == "strict" and all(c == 0 for c in cfg.centre)
    for x in points(ev, cfg, [[Q(1, 2)], [Q(9, 20)]] if cfg.d == 1 else [[Q(3, 10), Q(2, 5)]]):
        s, r = _sq(x), cfg.r(x)
        differ = _limit(ev, cfg, x) != cfg.target(x)
        if default_conv:
            rels.append(relation(f"[f°_N ≠ f°] = [|x|² ≤ 1/4 ≤ r_N] at x = {_pt(x)}", Q(int(differ)), "=",
                                 Q(int(s <= tau <= r))))
        if all(c == 0 for c in cfg.centre):
            shell = tau - Q(cfg.d, 2 ** (2 * cfg.N + 2)) <= s <= tau
            rels.append(relation(f"f°_N(x) = f°(x) off the shell at x = {_pt(x)}", Q(int(differ)), "=", 0,
                                 given=relation("|x|² off the shell", Q(int(shell)), "=", 0)))
            if cfg.d == 1 and cfg.N >= 1 and default_conv:
                rels.append(relation(f"d = 1: f°_N(x) = f°(x) unless |x| = 1/2, at x = {_pt(x)}", Q(int(differ)), "=", 0,
                                     given=relation("|x| ≠ 1/2", abs(x[0]), "≠", D.HALF)))
    return rels, []


def _n0(d: int, s: fmpq, tau: fmpq) -> int:
    """The least N ≥ 0 with d·2^{−2N−2} < τ − s (s < τ)."""
    N = 0
    while Q(d, 2 ** (2 * N + 2)) >= tau - s:
        N += 1
    return N


@_guard
def eval_n_limit(ev: Evaluation, finite_n: bool = False):
    """3.6: for |x| ≠ 1/2, f°_N(x) = f°(x) for every N ≥ N_0(x) (exactly computed), hence f°_N → f°."""
    _exact(ev)
    cfg = config(ev)
    tau = cfg.tau
    rels, hyps = [], []
    for x in points(ev, cfg, [[Q(2, 5)], [Q(3, 5)]] if cfg.d == 1 else [[Q(3, 10), Q(3, 10)]]):
        s = _sq(x)
        hyps.append(_scope(f"|x| ≠ R at x = {_pt(x)}", s != tau))
        if finite_n:
            rels.append(relation(f"f°_N(x) = f°(x) at N = {cfg.N}, x = {_pt(x)}", Q(_limit(ev, cfg, x)), "=",
                                 Q(cfg.target(x))))
            continue
        if s == tau:
            continue
        N0 = 0 if s > tau else _n0(cfg.d, s, tau)
        if s < tau:
            rels.append(relation(f"d·2^(-2N0-2) < R² − |x|² with N0 = {N0}, x = {_pt(x)}", Q(cfg.d, 2 ** (2 * N0 + 2)), "<",
                                 tau - s))
        else:
            rels.append(relation(f"r_N(x) ≥ |x|² > R² (outside: every N), x = {_pt(x)}", s, ">", tau))
        for N in range(0, min(N0, 8) + 1):
            c = cfg.with_(N=N)
            want = c.limit(x) == c.target(x)
            if N >= N0:
                rels.append(relation(f"f°_{N}(x) = f°(x) at x = {_pt(x)}", Q(_limit(ev, c, x)), "=", Q(c.target(x))))
            elif not want:
                ev.notes.append(f"N = {N} < N0 = {N0}: f°_N({_pt(x)}) = {c.limit(x)} ≠ f° (allowed)")
    return rels, hyps


def eval_finite_n(ev):
    return eval_n_limit(ev, finite_n=True)


# ============================================================================================
# 3.7, 3.8: the gradient and the d = 1 closed form


@_guard
def eval_backprop(ev: Evaluation):
    """3.7: backprop through the D0 network = the closed forms (finite batches: the spec's sums; fmpq
    central differences where the pattern is constant on [θ ± h]); population d = 1: the exact
    integrator lies in the ball engine's enclosure; the spec's reference values at the default."""
    _exact(ev)
    cfg = config(ev)
    _head_note(ev, cfg)
    th = _theta(ev, cfg)
    _check_data_size(cfg)
    rels = []
    try:
        if cfg.batch.kind in ("data", "grid"):
            cf = D.data_risk_grad(cfg, th)
            bp = D.data_risk_grad_backprop(cfg, th)
            rels.append(relation("L_B closed form = L_B by the network", cf.L, "=", bp.L))
            for name, g1, g2 in zip(cfg.param_names, cf.G, bp.G):
                rels.append(relation(f"∂L/∂{name}: closed form = backprop", g1, "=", g2))
            h = Q(1, 2 ** 20)
            for k, name in enumerate(cfg.param_names):
                lo = tuple(v - h if i == k else v for i, v in enumerate(th))
                hi = tuple(v + h if i == k else v for i, v in enumerate(th))
                pats = {D.data_risk_grad(cfg, p).pattern for p in (lo, th, hi)}
                if len(pats) == 1 and not D.data_ties(cfg, lo) and not D.data_ties(cfg, hi):
                    cd = (D.data_risk_grad(cfg, hi).L - D.data_risk_grad(cfg, lo).L) / (2 * h)
                    rels.append(relation(f"∂L/∂{name} = central difference (pattern constant on θ ± 2^-20)", cf.G[k],
                                         "=", cd))
            ties = D.data_ties(cfg, th)
        else:
            if cfg.d != 1:
                raise Undecided("exact population integrals need d = 1")
            ex = D.risk_grad(cfg, th, 0, "exact")
            with precision(128):
                bl = D.risk_grad(cfg, [arb(v) for v in th], 0, "ball", 128, engine="pieces")
            for name, q, ball in [("L", ex.L, bl.L)] + list(zip(cfg.param_names, ex.G, bl.G)):
                if not _inside(q, ball):  # two certified engines disagree: a defect of the tool, not a witness
                    raise SoundnessError(f"yoneda23.backprop-gradient: the exact {name} lies outside the ball enclosure")
                rels.append(relation(f"exact {name} ∈ ball-engine enclosure", Q(1), "=", 1))
            ties = ex.ties
            if cfg == D.D0() and th == cfg.theta0:
                rels += [relation("L(θ^0) = 121/5625", ex.L, "=", Q(121, 5625)),
                         relation("∂L/∂w(θ^0) = 113/11250", ex.G[0], "=", Q(113, 11250)),
                         relation("∂L/∂c(θ^0) = 7/375", ex.G[1], "=", Q(7, 375))]
    except D.ReluTie as e:
        return [undecidable("gradient", f"a tie enters the gradient and σ'(0) = 'raise': {e}")], []
    for tie in ties[:5]:
        ev.notes.append(f"tie: {tie.to_json()} (σ'(0) = {cfg.relu_grad_at_0})")
    return rels, []


def _inside(q: fmpq, ball: arb) -> bool:
    b = ball_bounds(ball)
    return b is not None and b[0] <= q <= b[1]


@_guard
def eval_reduction(ev: Evaluation):
    """3.8: in the regime, L_t = F_t(λ)/(3a), the closed-form gradient and GD map equal the general
    exact integrator, and e_r = (ρ_R λ^{r+1} + ρ_L(1 − λ)^{r+1})/((r + 1)a)."""
    _exact(ev)
    cfg = config(ev)
    th = _theta(ev, cfg)
    hyp = [_scope("d = 1, N ≥ 1, population or cells batches", cfg.d == 1 and cfg.N >= 1
                      and D.closed_form_coefficients(cfg, 0) is not None)]
    if not hyp[0].holds:
        return [], hyp
    rels = []
    for t in range(cfg.n_cells):
        inr = D.in_regime(cfg, th, t)
        hyp.append(_scope(f"θ in the regime of 3.8 (step {t})", bool(inr)))
        if not inr:
            return [], hyp
        cf = D.closed_form(cfg, th, t)
        ex = D.risk_grad(cfg, th, t, "exact", engine="pieces")
        rels.append(relation(f"L_{t}: F(λ)/(3a) = integrator", cf.L, "=", ex.L))
        for name, g1, g2 in zip(cfg.param_names, cf.G, ex.G):
            rels.append(relation(f"∂L_{t}/∂{name}: closed form = integrator", g1, "=", g2))
        A, B = D.closed_form_coefficients(cfg, t)
        a, lam = cfg.a_lambda(th)
        a1, l1 = D._cf_map(a, lam, A, B, cfg.eta_at(t), Q(17, 48), cfg.head == "wc")
        nxt = tuple(v - cfg.eta_at(t) * g for v, g in zip(th, ex.G))
        a2, l2 = cfg.a_lambda(nxt)
        rels += [relation(f"GD map a' (step {t}) = integrator step", a1, "=", a2),
                 relation(f"GD map λ' (step {t}) = integrator step", l1, "=", l2)]
    er = D.error_closed_form(cfg, th)
    if er is not None:
        rels.append(relation(f"e_{cfg.error_r} closed form = integrator", er, "=", D.error(cfg, th)))
    return rels, hyp
