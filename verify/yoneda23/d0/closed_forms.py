"""The closed forms: data batches (spec 3.7) and the d = 1 regime (spec 3.8) [DERIVED].

Data/grid batches: L_B = |B|^{-1} Σ (f_N − f°)² and its gradient by the closed forms of 3.7
(`data_risk_grad`), independently by backpropagation through `D0.network`
(`data_risk_grad_backprop`), and the ties at the data points (`data_ties`).  d = 1: in the regime
a > 0, λ ∈ [0, 1], (1 − λ)/a ≤ 2^{−N} − 2^{−2N}, λ/a ≤ 2^{−N} + 2^{−2N}, L_t = F_t(λ)/(3a) with
F_t(λ) = A_t λ³ + B_t (1 − λ)³ (`closed_form`, `closed_form_coefficients`, `in_regime`,
`error_closed_form`).
"""

from __future__ import annotations

import functools

from flint import arb, fmpq

from ...errors import InputError
from ...numbers import exact_number
from .config import D0, Batch, _f, _points
from .engine import ReluTie, RiskGrad, Tie, _as_arb, _kappa, _to_params
from .scalar import HALF, _const, _sgn, relu


# ============================================================================================
# data batches: closed forms (3.7) and backpropagation


@functools.lru_cache(maxsize=64)
def _data_cache(N, feat, centre, R, closed, d, points):
    tmp = D0(d=d, N=N, feature=feat, centre=centre, radius=R, closed=closed)
    return tuple(tmp.r(x) for x in points), tuple(tmp.target(x) for x in points)


def _data(cfg: D0, X=None):
    pts = cfg.points() if X is None else _points(X)
    if not pts:
        raise InputError("the data set is empty", "batch.X")
    for k, x in enumerate(pts):
        cfg.check_point(x, f"X[{k}]")
    rs, ys = _data_cache(cfg.N, cfg.feature, cfg.centre, cfg.radius, cfg.closed, cfg.d, pts)
    return pts, rs, ys


def data_risk_grad(cfg: D0, theta, X=None, system: str = "exact") -> RiskGrad:
    """L_B = |B|^{-1} Σ (f_N(θ, x) − f°(x))² and its gradient by the closed forms of spec 3.7:
    ∂L/∂w = (2/|B|) Σ (f − y) α(g_1 − g_2) r, ∂L/∂c = (2/|B|) Σ (f − y) α(g_1 − g_2),
    ∂L/∂α = (2/|B|) Σ (f − y)(v_1 − v_2), ∂L/∂β = (2/|B|) Σ (f − y)  (ab head by the chain rule).
    B = ``X`` or the configuration's data/grid points.  Head ties are logged (and raise under
    'raise'); ball θ gives enclosures (σ'(U) ⊂ [0, 1] where undecided)."""
    pts, rs, ys = _data(cfg, X)
    if system == "ball":
        theta = tuple(v if isinstance(v, arb) else arb(v) for v in theta)
    elif system == "float":
        theta = tuple(_f(v) for v in theta)
    w, c, al, be = cfg.head_values(theta)
    relu0 = cfg.relu_grad_at_0
    layer = cfg.N + 3
    L = Gw = Gc = Ga = Gb = 0
    ties = []
    pattern = []
    for k, (r, y) in enumerate(zip(rs, ys)):
        if system == "float":
            r, y = _f(r), _f(y)
        u = w * r + c
        k1 = _kappa(u, relu0, (f"X[{k}]", layer, 0, False, True), ties)
        k2 = _kappa(u - 1, relu0, (f"X[{k}]", layer, 1, False, True), ties)
        v = relu(u) - relu(u - 1)
        e = al * v + be - y
        L = L + e * e
        kap = k1 - k2
        Gw, Gc = Gw + e * al * kap * r, Gc + e * al * kap
        Ga, Gb = Ga + e * v, Gb + e
        s0, s1 = _sgn(u), _sgn(u - 1)
        pattern.append("?" if s0 is None or s1 is None else ("0" if s0 < 0 else "1" if s1 > 0 else
                                                             "t" if s0 == 0 or s1 == 0 else "r"))
    n = len(pts)
    L = L / n
    G = [2 * g / n for g in (Gw, Gc, Ga, Gb)]
    if system == "exact":
        L, G = exact_number(L), [exact_number(g) for g in G]
    return RiskGrad(L, _to_params(cfg, theta, G), system, "data-closed-form", ties, "".join(pattern))


def data_ties(cfg: D0, theta, X=None) -> list[Tie]:
    """Every hidden pre-activation exactly 0 at the data points (exact θ), from the closed-form
    pre-activations; head ties are marked ``affects_gradient``."""
    pts, rs, _ = _data(cfg, X)
    out = []
    for k, x in enumerate(pts):
        if cfg.feature != "yarotsky":  # a fixed transformation: only the head has pre-activations
            w, c, _, _ = cfg.head_values(theta)
            layers = [[]] * (cfg.N + 2) + [[w * rs[k] + c, w * rs[k] + c - 1]]
        else:
            layers = cfg.preactivations(theta, x)
        for l, layer in enumerate(layers, start=1):
            for j, z in enumerate(layer):
                if z == 0:
                    out.append(Tie(f"X[{k}]", l, j, False, l == cfg.N + 3, cfg.relu_grad_at_0))
    return out


def data_risk_grad_backprop(cfg: D0, theta, X=None) -> RiskGrad:
    """The same L_B and gradient by backpropagation through `D0.network` (`DagNetwork.gradient`,
    an independent path): the head's two w-edges and two biases are summed into ∂/∂w and ∂/∂c."""
    pts, _, ys = _data(cfg, X)
    theta = tuple(theta)
    net = cfg.network(theta)
    relu0 = cfg.relu_grad_at_0
    if relu0 == "raise":
        for tie in data_ties(cfg, theta, pts):
            if tie.affects_gradient:
                raise ReluTie(tie)
    floaty = any(isinstance(v, float) for v in theta)
    data = [([_f(v) for v in x] if floaty else list(x), [_f(y) if floaty else y]) for x, y in zip(pts, ys)]
    k0 = 1 if relu0 == "1" else 0  # under 'raise' no head tie is left, and feature ties never reach θ
    total, g = net.gradient(data, relu_prime0=float(k0) if floaty else fmpq(k0), risk="mean")
    Lh = net.L  # weight layers; head = layer Lh − 1 (feature → head), output = layer Lh
    head_nodes = [net.node(Lh - 1, 0), net.node(Lh - 1, 1)]
    out_node = net.node(Lh, 0)
    Gw = g[net.edge_index(Lh - 1, 0, 0)] + g[net.edge_index(Lh - 1, 0, 1)]
    Gc = g[net.m + net.bias_of[head_nodes[0]]] + g[net.m + net.bias_of[head_nodes[1]]]
    Ga = g[net.edge_index(Lh, 0, 0)] - g[net.edge_index(Lh, 1, 0)]
    Gb = g[net.m + net.bias_of[out_node]]
    G = [2 * v for v in (Gw, Gc, Ga, Gb)]
    ties = data_ties(cfg, theta, pts) if not floaty else []
    return RiskGrad(2 * total, _to_params(cfg, theta, G), "float" if floaty else "exact", "data-backprop", ties, "")


# ============================================================================================
# the d = 1 closed form (spec 3.8)


@functools.lru_cache(maxsize=256)
def _fast_coefficients(cfg_key, t_index):
    d, N, feat, outer, centre, R, kind, m, normalize, norm = cfg_key
    if d != 1 or N < 1 or feat != "yarotsky" or outer or centre != (fmpq(0),) or R != HALF:
        return None
    if kind not in ("full", "cells"):
        return None
    h = fmpq(1, 2 ** N)
    rhoL, rhoR = fmpq(2 ** N, 2 ** N - 1), fmpq(2 ** N, 2 ** N + 1)
    halves = (((-HALF - h, -HALF), "R"), ((-HALF, -HALF + h), "L"), ((HALF - h, HALF), "L"), ((HALF, HALF + h), "R"))
    if kind == "full":
        lo, hi = fmpq(-1), fmpq(1)
    else:
        step = fmpq(2, 2 ** m)
        lo = -1 + t_index * step
        hi = lo + step
    nL = nR = 0
    for (p, q), side in halves:
        if lo <= p and q <= hi:
            if side == "L":
                nL += 1
            else:
                nR += 1
        elif q <= lo or p >= hi:
            continue
        else:
            return None  # the cell cuts a half-window: the loss is not of the form F(λ)/(3a)
    K = fmpq(1) if norm == "prob" else fmpq(2)
    om = K / 2 * (2 ** m if (kind == "cells" and normalize) else 1)
    return om * nR * rhoR, om * nL * rhoL


def _fast_key(cfg: D0):
    b = cfg.batch
    return (cfg.d, cfg.N, cfg.feature, cfg.train_outer, cfg.centre, cfg.radius, b.kind, b.m, b.normalize,
            cfg.measure_norm)


def closed_form_coefficients(cfg: D0, t: int = 0):
    """(A_t, B_t) with L_t = F_t(λ)/(3a), F_t(λ) = A_t λ³ + B_t (1 − λ)³ in the regime of 3.8, or
    None when the configuration has no such form (d ≠ 1, N = 0, another feature/target, α/β
    trained, data batches, or cells that cut the windows ±[1/2 ∓ 2^{−N}, 1/2])."""
    return _fast_coefficients(_fast_key(cfg), cfg.batch_index(t))


def regime_bounds(N: int) -> tuple[fmpq, fmpq]:
    """(δ_L, δ_R) = (2^{−N} − 2^{−2N}, 2^{−N} + 2^{−2N}): the regime is (1 − λ)/a ≤ δ_L, λ/a ≤ δ_R."""
    h = fmpq(1, 2 ** N)
    return h - h * h, h + h * h


def in_regime(cfg: D0, theta, t: int = 0) -> bool | None:
    """Is θ (every θ of a box) in the regime of 3.8?  True/False for exact and float θ; for balls
    True only when certified, None otherwise."""
    if closed_form_coefficients(cfg, t) is None:
        return False
    a, lam = cfg.a_lambda(tuple(fmpq(v) if isinstance(v, int) else v for v in theta))
    return _regime(a, lam, *regime_bounds(cfg.N))


def _regime(a, lam, dL, dR):
    if isinstance(a, arb) or isinstance(lam, arb):
        a, lam = _as_arb(a), _as_arb(lam)
        if not (a.lower() > 0):
            return None
        s = 1 / a
        ok = (lam.lower() >= 0 and lam.upper() <= 1 and (lam * s).upper() <= arb(dR).lower()
              and ((1 - lam) * s).upper() <= arb(dL).lower())
        return True if ok else None
    if isinstance(a, float) or isinstance(lam, float):
        dL, dR = _f(dL), _f(dR)
    return bool(a > 0 and 0 <= lam <= 1 and lam <= dR * a and 1 - lam <= dL * a)


def closed_form(cfg: D0, theta, t: int = 0) -> RiskGrad | None:
    """L_t and ∇L_t from 3.8 where the regime is certified for θ (every θ of a box), else None:
    'wc': ∂L/∂w = F'/(12a) + F/(3a²), ∂L/∂c = F'/(3a); 'ab': ∂L/∂a = (λF' − F)/(3a²), ∂L/∂b = F'/3."""
    co = closed_form_coefficients(cfg, t)
    if co is None or not in_regime(cfg, theta, t):
        return None
    theta = tuple(fmpq(v) if isinstance(v, int) else v for v in theta)
    a, lam = cfg.a_lambda(theta)
    A, B = (_const(v, a) for v in co) if not isinstance(a, arb) else co
    m = 1 - lam
    F = A * lam ** 3 + B * m ** 3
    F1 = 3 * (A * lam ** 2 - B * m ** 2)
    L = F / (3 * a)
    if cfg.head == "wc":
        G = (F1 / (12 * a) + F / (3 * a * a), F1 / (3 * a))
    else:
        G = ((lam * F1 - F) / (3 * a * a), F1 / 3)
    system = "ball" if isinstance(a, arb) else ("float" if isinstance(a, float) else "exact")
    return RiskGrad(L, G, system, "closed-form-3.8", [], "regime")


def error_closed_form(cfg: D0, theta, r: int | None = None):
    """e_r = (ρ_R λ^{r+1} + ρ_L (1 − λ)^{r+1})/((r + 1)a) in the regime (full domain, μ), else None."""
    r = cfg.error_r if r is None else r
    full = cfg.with_(batch=Batch.full(), measure_norm="prob")
    if closed_form_coefficients(full, 0) is None or not in_regime(full, theta, 0):
        return None
    a, lam = cfg.a_lambda(tuple(fmpq(v) if isinstance(v, int) else v for v in theta))
    h = 2 ** cfg.N
    rhoL, rhoR = fmpq(h, h - 1), fmpq(h, h + 1)
    if isinstance(a, float):
        rhoL, rhoR = _f(rhoL), _f(rhoR)
    return (rhoR * lam ** (r + 1) + rhoL * (1 - lam) ** (r + 1)) / ((r + 1) * a)
