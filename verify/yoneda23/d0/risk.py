"""The public dispatch of L_t(θ), ∇L_t(θ) and e_r(θ) over the engines (spec 004 §2.2, 3.7, 3.8).

`risk_grad` (exact, ball, float; the 3.8 closed form where certified, else the piece engine; data
batches by 3.7), `error` (e_r = ‖f_N(θ) − f°_N‖^r_{L^r(μ)}, d = 1), and `risk_grad_simpson`, an
independent exact quadrature for re-verification.
"""

from __future__ import annotations

import numpy as np
from flint import arb, fmpq

from ...errors import InputError
from ...numbers import precision
from .closed_forms import closed_form, data_risk_grad, error_closed_form
from .config import D0, Batch, _f, _rat
from .engine import RiskGrad, _population
from .floats import error_float, risk_grad_float
from .scalar import POPULATION_MAX_N


# ============================================================================================
# public dispatch


def risk_grad(cfg: D0, theta=None, t: int = 0, system: str = "exact", prec: int = 128,
              engine: str | None = None) -> RiskGrad:
    """L_t(θ) and ∇L_t(θ) for the batch of step t.

    ``system``: 'exact' (fmpq θ; exact rationals), 'ball' (θ a point or a box of `arb` balls;
    enclosures valid for every θ in the box, at ``prec`` bits) or 'float' (numpy; exploration).
    ``engine`` (population batches): None (ball: the 3.8 closed form where its regime is certified,
    else the piece engine; exact/float: the piece engine), 'pieces' or 'closed-form'.  Data/grid
    batches: the closed forms of 3.7 (`data_risk_grad_backprop` is the independent check).
    """
    theta = cfg.init if theta is None else tuple(theta)
    if len(theta) != len(cfg.param_names):
        raise InputError(f"θ has {len(theta)} entries, expected {cfg.param_names}", "theta")
    if system not in ("exact", "ball", "float"):
        raise InputError(f"system must be 'exact', 'ball' or 'float', got {system!r}", "system")
    if system == "exact":
        theta = tuple(_rat(v, f"theta[{k}]") for k, v in enumerate(theta))
    if cfg.batch.kind in ("data", "grid"):
        if system == "ball":
            with precision(prec):
                return data_risk_grad(cfg, theta, system="ball")
        return data_risk_grad(cfg, theta, system=system)
    if system == "float":
        L, G = risk_grad_float(cfg, np.array([[_f(v) for v in theta]]), t)
        return RiskGrad(float(L[0]), tuple(float(g) for g in G[0]), "float", "pieces-numpy")
    with precision(prec):
        if system == "ball":
            theta = tuple(v if isinstance(v, arb) else arb(v) for v in theta)
        if engine in (None, "closed-form") and (system == "ball" or engine == "closed-form"):
            rg = closed_form(cfg, theta, t)
            if rg is not None:
                return rg
            if engine == "closed-form":
                raise InputError("the 3.8 closed form does not apply here (configuration or regime)", "engine")
        L, G, ties, pattern = _population(cfg, theta, t, system)
        return RiskGrad(L, G, system, "pieces", [x.at(t) for x in ties], pattern)


def error(cfg: D0, theta, r: int | None = None, system: str = "exact", prec: int = 128):
    """e_r(θ) = ‖f_N(θ) − f°_N‖^r_{L^r(μ)} (d = 1; μ the uniform probability on [−1, 1)).
    Exact for rational θ, a ball (closed form where certified, else the piece engine), or float."""
    r = cfg.error_r if r is None else r
    if r not in (1, 2):
        raise InputError(f"r must be 1 or 2, got {r}", "error_r")
    full = cfg.with_(batch=Batch.full(), measure_norm="prob")
    if system == "float":
        return float(error_float(cfg, np.array([[_f(v) for v in theta]]), r)[0])
    with precision(prec):
        if system == "ball":
            theta = tuple(v if isinstance(v, arb) else arb(v) for v in theta)
            e = error_closed_form(cfg, theta, r)
            if e is not None:
                return e
        else:
            theta = tuple(_rat(v, f"theta[{k}]") for k, v in enumerate(theta))
        L, _, _, _ = _population(full, theta, 0, system, label="limit", power=r, want_grad=False)
        return L


def risk_grad_simpson(cfg: D0, theta, t: int = 0) -> tuple:
    """(L_t, ∇L_t) exactly, for re-verification: d = 1 population/cells batches, the 'yarotsky'
    feature (any N ≥ 0), α, β frozen, σ'(0) ∈ {0, 1}.  Independent of the piece engine
    (`pieces_1d`, `_integrate_pieces`): r_N comes from the spec's layer recursion
    (`D0.preactivations`); the interval is cut at the 2^{−N} grid, the target's knots and the head's
    crossings u ∈ {0, 1} solved cell by cell; on every sub-interval the integrands (f − f°)²,
    2(f − f°)·∂f/∂θ are polynomials of degree ≤ 2, so Simpson's rule is exact.  The gate
    ∂f/∂c = σ'(u) − σ'(u − 1) is 1{0 < u ≤ 1} (σ'(0) = 0) or 1{0 ≤ u < 1} (σ'(0) = 1), read at the
    sub-interval's midpoint (u is not constant at 0 or 1 on a sub-interval unless w = 0, where the
    midpoint value is the value everywhere)."""
    if cfg.d != 1 or cfg.feature != "yarotsky" or cfg.train_outer or cfg.batch.kind not in ("full", "cells") \
            or cfg.relu_grad_at_0 not in ("0", "1"):
        raise InputError("the independent quadrature covers d = 1, the yarotsky feature, α and β frozen, population "
                         "or cells batches and σ'(0) ∈ {0, 1}", "d0")
    if cfg.N > POPULATION_MAX_N:
        raise InputError(f"N = {cfg.N} exceeds the limit N <= {POPULATION_MAX_N} (verify.yoneda23.d0.POPULATION_MAX_N)", "N")
    theta = tuple(_rat(v, f"theta[{k}]") for k, v in enumerate(theta))
    w, c, _, _ = cfg.head_values(theta)
    r = lambda x: cfg.preactivations(theta, [x])[-2][0]  # noqa: E731
    lo, hi = cfg.interval(t)
    n = 2 ** cfg.N
    grid = [fmpq(k, n) for k in range(-n, n + 1)]
    cuts = {lo, hi} | {g for g in grid if lo < g < hi}
    cuts |= {k for k in (cfg.centre[0] - cfg.radius, cfg.centre[0] + cfg.radius) if lo < k < hi}
    for g0, g1 in zip(grid, grid[1:]):
        u0, u1 = w * r(g0) + c, w * r(g1) + c
        for level in (0, 1):
            if (u0 - level) * (u1 - level) < 0:
                x = g0 + (level - u0) * (g1 - g0) / (u1 - u0)
                if lo < x < hi:
                    cuts.add(x)
    cuts = sorted(cuts)
    gate = (lambda u: 0 < u <= 1) if cfg.relu_grad_at_0 == "0" else (lambda u: 0 <= u < 1)
    L = Gw = Gc = fmpq(0)
    for p, q in zip(cuts, cuts[1:]):
        m = (p + q) / 2
        y = cfg.target([m])
        xs = (p, m, q)
        rs = [r(x) for x in xs]
        es = [min(fmpq(1), max(fmpq(0), w * rx + c)) - y for rx in rs]
        simpson = lambda vals: (q - p) / 6 * (vals[0] + 4 * vals[1] + vals[2])  # noqa: E731
        L += simpson([e * e for e in es])
        if gate(w * rs[1] + c):
            Gw += simpson([2 * e * rx for e, rx in zip(es, rs)])
            Gc += simpson([2 * e for e in es])
    om = cfg.weight(t)
    L, Gw, Gc = L * om, Gw * om, Gc * om
    if cfg.head == "wc":
        return L, (Gw, Gc)
    a, b = theta
    return L, (-Gw + b * Gc, a * Gc)
