"""Risk ℒ(θ) = ∫ r_θ² dμ and generalized gradient 𝒢(θ) = ∫ g(θ,x) μ(dx) (layer 4).

`risk_and_gradient` picks an engine (cjrr21 §2.6):

* **atoms** -- empirical measures, any d, any depth: exact finite sums (or balls when a datum is a
  ball); the ReLU′(0) convention κ(0) = ``deriv0`` enters wherever an atom sits on a kink.
  With ``prec=FAST`` the same sums in fast-ball arithmetic (`verify.enclosures`: one float64
  midpoint–radius forward and backward pass over all atoms; an atom whose pre-activation ball
  meets 0 gets the hull of both branches).
* **E1** -- d = 1, Lebesgue/uniform/piecewise-polynomial density: the interval is split at every
  kink −𝔟_i/𝔴_i, every knot of the target and of the density, and the box ends; on each piece r is
  a polynomial and every integral is exact.  One hidden layer: one sorted sweep with prefix sums,
  O(H log H).  Deeper networks: per-piece polynomial backpropagation.  Expression targets: the same
  sweep with `acb.integral` enclosures of ∫f, ∫xf, ∫f² per piece (ball result).
* **E2** -- d = 2, box measure, constant target: exact over the cells of the line arrangement
  (`verify.polygon`).
* **E3** -- any d, box measure: adaptive box subdivision in ball arithmetic (`verify.boxes`); exact
  on boxes where every activation is decided, enclosures elsewhere; the result is a ball.

Every engine returns the same layout: 𝒢 indexed like θ.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flint import fmpq, fmpq_poly

from . import boxes, polygon
from .errors import InputError
from .expr import integral_moments_1d
from .nets import Network
from .numbers import EXACT, FAST, FAST_ARB_BITS, BallContext, Undecided, all_exact, cmp, decided_sign, precision
from .problems import (BoxMeasure, Density, Empirical, ExpressionTarget, Measure, Target, poly_integral, poly_mul,
                       poly_add, residual_and_grad)


@dataclass(frozen=True)
class Problem:
    """Everything ℒ and 𝒢 depend on: network, target, measure and κ(0) = ReLU′(0)."""

    net: Network
    target: Target
    measure: Measure
    deriv0: fmpq = fmpq(0)

    def is_exact(self) -> bool:
        return all_exact(self.net.theta) and self.target.is_exact()


@dataclass
class RiskGrad:
    """ℒ and 𝒢 (exact `fmpq` when ``exact``, else `arb` enclosures) and the engine that made them."""

    L: object
    G: list
    engine: str
    exact: bool
    info: dict = field(default_factory=dict)


def risk_and_gradient(prob: Problem, prec: int = 64, exact: bool | None = None, engine: str | None = None) -> RiskGrad:
    """ℒ(θ) and 𝒢(θ) for ``prob``.

    ``exact=None`` computes exactly whenever the data and an exact engine allow it and in balls
    at ``prec`` bits otherwise; ``exact=False`` forces balls (an independent evaluation path).
    ``prec=FAST`` takes the fast-ball path of the atoms engine (empirical measures only; other
    measures raise `Undecided`, so the caller moves on to Arb).
    ``engine`` forces one of "atoms", "E1", "E1g" (per-piece backpropagation, any depth), "E2", "E3".  Raises `numbers.Undecided` when a
    ball computation needs an order it cannot decide at this precision, and `InputError` for an
    unsupported combination.
    """
    net, target, measure = prob.net, prob.target, prob.measure
    if measure.d != net.d:
        raise InputError(f"the measure lives in dimension {measure.d} but the network has d = {net.d}", "measure")
    if prec == FAST:
        if not isinstance(measure, Empirical) or engine not in (None, "atoms"):
            raise Undecided("the fast-ball rung covers empirical measures (engine atoms)")
        return _atoms_fast(prob)
    want_exact = prob.is_exact() if exact is None else (exact and prob.is_exact())
    if isinstance(target, ExpressionTarget) and not isinstance(measure, Empirical):
        want_exact = False  # ∫ of an expression target is an acb.integral enclosure even when it is rational
    if engine is None:
        if isinstance(measure, Empirical):
            engine = "atoms"
        elif net.d == 1:
            engine = "E1"
        elif net.d == 2 and want_exact and target.is_constant and net.is_shallow:
            engine = "E2"
        else:
            engine = "E3"
    ctx = EXACT if want_exact else BallContext(prec)
    if engine == "atoms":
        return _atoms(prob, ctx)
    if engine == "E1g":  # the per-piece backpropagation engine, also for one hidden layer
        if ctx is not EXACT or isinstance(target, ExpressionTarget) or not isinstance(measure, (BoxMeasure, Density)):
            raise Undecided("engine E1g is exact only, for d = 1 and polynomial targets")
        return _e1_deep(prob)
    if engine == "E1":
        if not isinstance(measure, (BoxMeasure, Density)):
            raise InputError("engine E1 needs a Lebesgue, uniform or density measure", "measure")
        if net.is_shallow:
            return _e1_shallow(prob, ctx)
        if ctx is not EXACT or isinstance(target, ExpressionTarget):
            raise Undecided("deep networks in d = 1 are integrated exactly only (rational θ and target)")
        return _e1_deep(prob)
    if not isinstance(measure, BoxMeasure):
        raise InputError(f"engine {engine} needs a Lebesgue or uniform box measure", "measure")
    if not net.is_shallow:
        raise InputError("networks with more than one hidden layer are supported in d = 1 and on atoms only",
                         "network.widths")
    if not all_exact(net.theta):
        raise InputError(f"engine {engine} needs rational parameters θ", "network.theta")
    w = [tuple(net.w(i)) for i in range(net.H)]
    b = [net.b(i) for i in range(net.H)]
    v = [net.v(i) for i in range(net.H)]
    if engine == "E2":
        if net.d != 2 or not target.is_constant or not target.is_exact():
            raise InputError("engine E2 needs d = 2 and a rational constant target", "target")
        L, G = polygon.shallow_risk_grad_2d(w, b, v, net.c, target.constant, measure.box, prob.deriv0)
        s = measure.scale
        return RiskGrad(L * s, [g * s for g in G], "E2", True)
    if engine == "E3":
        if target.is_constant and target.is_exact():
            tgt = target.constant
        else:
            tgt = functools.partial(_target_on_box, target, prec)
        # past about prec bisections per axis an undecided box is below the balls' resolution
        L, G, info = boxes.shallow_risk_grad_boxes(w, b, v, net.c, tgt, measure.box, prob.deriv0, prec=prec,
                                                   depth=(prec + 8) * net.d)
        s = measure.scale
        with precision(prec):
            return RiskGrad(L * s, [g * s for g in G], "E3", False, info)
    raise InputError(f"unknown engine '{engine}' (atoms, E1, E2, E3)", "engine")


def _target_on_box(target: Target, prec: int, xs):
    with precision(prec):
        return target.value(xs, BallContext(prec))


# --------------------------------------------------------------------------------------------
# atoms


def _atoms(prob: Problem, ctx) -> RiskGrad:
    m = prob.measure
    L, G = 0, [0] * len(prob.net.theta)
    with ctx.active():
        for x, wt in zip(m.points, m.weights):
            r, dN = residual_and_grad(prob.net, prob.target, x, ctx, prob.deriv0)
            L = L + wt * r * r
            G = [gk + 2 * wt * r * dk for gk, dk in zip(G, dN)]
        L = ctx.convert(L)
        G = [ctx.convert(g) for g in G]
    return RiskGrad(L, G, "atoms", ctx is EXACT)


def _atoms_fast(prob: Problem) -> RiskGrad:
    """ℒ = Σ_k w_k r(x_k)² and 𝒢 = Σ_k 2w_k r(x_k) ∂_θ𝒩(x_k) in fast-ball arithmetic: the target
    values f(x_k) exactly (or in Arb), then `verify.enclosures.loss_and_gradient` with the atoms'
    weights; returned as `arb` balls."""
    from . import enclosures
    from . import fastball as fb

    fb.check_environment()
    m, net = prob.measure, prob.net
    bn = enclosures.ball_network(net)
    ctx = EXACT if prob.target.is_exact() and all_exact(p for x in m.points for p in x) else BallContext(FAST_ARB_BITS)
    with ctx.active():
        ys = [prob.target.value(list(x), ctx) for x in m.points]
    X = fb.from_numbers([t for x in m.points for t in x], (len(m.points), net.d))
    Y = fb.from_numbers(ys, (len(ys), 1))
    W = fb.from_numbers(list(m.weights), (len(m.weights), 1))
    L, gW, gb = enclosures.loss_and_gradient(bn, X, Y, fmpq(1), W, prob.deriv0)
    G = enclosures.theta_order(bn, gW, gb)
    with precision(FAST_ARB_BITS):
        return RiskGrad(L.to_arb()[0], G.to_arb(), "atoms-fastball", False)


# --------------------------------------------------------------------------------------------
# E1: one hidden layer, one sweep


def _sorted_unique(values):
    out = []
    for t in sorted(values, key=functools.cmp_to_key(cmp)):
        if not out or cmp(out[-1], t) != 0:
            out.append(t)
    return out


def _e1_shallow(prob: Problem, ctx) -> RiskGrad:
    net, target, measure = prob.net, prob.target, prob.measure
    H = net.H
    with ctx.active():
        theta = [ctx.convert(t) for t in net.theta]
        w = [theta[net.idx_w(i, 0)] for i in range(H)]
        bb = [theta[net.idx_b(i)] for i in range(H)]
        v = [theta[net.idx_v(i)] for i in range(H)]
        c = theta[-1]
        dens = measure.pieces_1d()
        a, b = dens[0][0], dens[-1][1]
        points = [a, b] + [p[0] for p in dens[1:]] + [t for t in target.knots_1d() if a < t < b]
        kink = [None] * H
        exact_theta = all_exact(net.theta)
        for i in range(H):
            if decided_sign(w[i]) != 0:
                # kinks of rational θ stay rational: piece ends are then exact (acb.integral needs them)
                t = -net.b(i) / net.w(i)[0] if exact_theta else -bb[i] / w[i]
                kink[i] = t
                if cmp(t, a) > 0 and cmp(t, b) < 0:
                    points.append(t)
        bp = _sorted_unique(points)
        n = len(bp) - 1
        index = {id(t): k for k, t in enumerate(bp)}

        def locate(t):  # index of the breakpoint equal to t
            k = index.get(id(t))
            if k is not None:
                return k
            lo, hi = 0, n
            while lo <= hi:
                mid = (lo + hi) // 2
                s = cmp(bp[mid], t)
                if s == 0:
                    return mid
                lo, hi = (mid + 1, hi) if s < 0 else (lo, mid - 1)
            raise AssertionError("kink missing from the breakpoints")

        # neuron i is active (as a ReLU value, and with κ = 1) on the pieces [start_i, end_i)
        region = []
        dA, dB = [0] * (n + 1), [0] * (n + 1)
        for i in range(H):
            if kink[i] is None:
                on = decided_sign(bb[i]) > 0
                s_, e_ = (0, n) if on else (0, 0)
            else:
                t = kink[i]
                pos = decided_sign(w[i]) > 0
                if cmp(t, a) <= 0:
                    s_, e_ = (0, n) if pos else (0, 0)
                elif cmp(t, b) >= 0:
                    s_, e_ = (0, 0) if pos else (0, n)
                else:
                    k = locate(t)
                    s_, e_ = (k, n) if pos else (0, k)
            region.append((s_, e_))
            if s_ < e_:
                dA[s_] += v[i] * bb[i]
                dA[e_] -= v[i] * bb[i]
                dB[s_] += v[i] * w[i]
                dB[e_] -= v[i] * w[i]

        P0, P1 = [0] * (n + 1), [0] * (n + 1)
        L = 0
        A, B = c, 0
        di = 0
        expr = target if isinstance(target, ExpressionTarget) else None
        for k in range(n):
            A, B = A + dA[k], B + dB[k]
            lo, hi = bp[k], bp[k + 1]
            while cmp(dens[di][1], hi) < 0:
                di += 1
            rho = list(dens[di][2])
            if expr is None:
                r = poly_add([A, B], [-q for q in target.poly_1d(lo, hi)])
                r_rho = poly_mul(r, rho)
                S0 = poly_integral(r_rho, lo, hi)
                S1 = poly_integral([0] + r_rho, lo, hi)
                Q = poly_integral(poly_mul(r, r_rho), lo, hi)
            else:
                if len(rho) != 1:
                    raise InputError("expression targets need a Lebesgue or uniform measure", "measure")
                F = integral_moments_1d(expr.expression, lo, hi, ctx.prec)
                s = rho[0]
                S0 = s * (poly_integral([A, B], lo, hi) - F["f"])
                S1 = s * (poly_integral([0, A, B], lo, hi) - F["xf"])
                Q = s * (poly_integral([A * A, 2 * A * B, B * B], lo, hi) - 2 * A * F["f"] - 2 * B * F["xf"] + F["f2"])
            L = L + Q
            P0[k + 1] = P0[k] + S0
            P1[k + 1] = P1[k] + S1

        G = [0] * len(theta)
        for i in range(H):
            s_, e_ = region[i]
            J0, J1 = P0[e_] - P0[s_], P1[e_] - P1[s_]
            if kink[i] is None and decided_sign(bb[i]) == 0:
                # fully degenerate neuron: pre-activation ≡ 0, ReLU ≡ 0, κ ≡ κ(0) = deriv0
                kap = ctx.convert(prob.deriv0)
                J0, J1 = kap * P0[n], kap * P1[n]
            G[net.idx_w(i, 0)] = 2 * v[i] * J1
            G[net.idx_b(i)] = 2 * v[i] * J0
            G[net.idx_v(i)] = 2 * (w[i] * (P1[e_] - P1[s_]) + bb[i] * (P0[e_] - P0[s_]))
        G[-1] = 2 * P0[n]
        L = ctx.convert(L)
        G = [ctx.convert(g) for g in G]
    return RiskGrad(L, G, "E1", ctx is EXACT, {"pieces": n})


# --------------------------------------------------------------------------------------------
# E1: deeper networks, exact per-piece backpropagation


def _piece_forward(net: Network, lo, hi, deriv0, grad=True):
    mid = (lo + hi) / 2
    x = fmpq_poly([0, 1])

    def relu(z):
        return z if z(mid) > 0 else fmpq_poly(0)

    def step(z):
        zm = z(mid)
        return fmpq(1) if zm > 0 else (fmpq(0) if zm < 0 or z != 0 else deriv0)

    return net.forward([x], relu, step, grad=grad)


def _e1_deep(prob: Problem) -> RiskGrad:
    net, target, measure = prob.net, prob.target, prob.measure
    dens = measure.pieces_1d()
    a, b = dens[0][0], dens[-1][1]
    bp = sorted({a, b} | {p[0] for p in dens[1:]} | {t for t in target.knots_1d() if a < t < b})
    for layer in range(net.depth):
        new = set(bp)
        for lo, hi in zip(bp, bp[1:]):
            _, _, zs = _piece_forward(net, lo, hi, prob.deriv0, grad=False)
            for z in zs[layer]:
                if z.degree() == 1:
                    t = -z[0] / z[1]
                    if lo < t < hi:
                        new.add(t)
        bp = sorted(new)
    L, G = fmpq(0), [fmpq(0)] * len(net.theta)
    di = 0
    for lo, hi in zip(bp, bp[1:]):
        while dens[di][1] < hi:
            di += 1
        rho = fmpq_poly(list(dens[di][2]))
        out, dN, _ = _piece_forward(net, lo, hi, prob.deriv0)
        r = out - fmpq_poly(target.poly_1d(lo, hi))
        L += _pint(r * r * rho, lo, hi)
        r_rho = r * rho
        G = [g + 2 * _pint(r_rho * dk, lo, hi) for g, dk in zip(G, dN)]
    return RiskGrad(L, G, "E1g", True, {"pieces": len(bp) - 1})


def _pint(p, lo, hi):
    if not isinstance(p, fmpq_poly):
        p = fmpq_poly([p])
    P = p.integral()
    return P(hi) - P(lo)
