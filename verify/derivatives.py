"""One-sided partial derivatives of the risk, D^±_k ℒ(θ) = lim_{t→0±} (ℒ(θ + t e_k) − ℒ(θ))/t, of a
shallow network on the measures the exact engines integrate (empirical, uniform on a box, a
piecewise-constant density).  Exact: computed by the ordinary generalized-gradient engines on
restricted measures (cjrr21 uses them for the gradient formula, ejrw22 for Clarke regularity)."""

from __future__ import annotations

from flint import fmpq

from .framework import Evaluation
from .errors import InputError
from .nets import Network
from .problems import BoxMeasure, Density, Empirical


def restrict(measure, j, positive: bool):
    """μ restricted to {x_j > 0} (``positive``) or {x_j < 0}; None where that set is μ-null."""
    if isinstance(measure, Empirical):
        keep = [(p, w) for p, w in zip(measure.points, measure.weights) if (p[j] > 0 if positive else p[j] < 0)]
        if not keep:
            return None
        return Empirical(tuple(p for p, _ in keep), tuple(w for _, w in keep))
    if isinstance(measure, BoxMeasure):
        box = list(measure.box)
        a, b = box[j]
        lo, hi = (max(a, fmpq(0)), b) if positive else (a, min(b, fmpq(0)))
        if not lo < hi:
            return None
        box[j] = (lo, hi)
        scale = measure.scale
        if measure.normalized:
            # restrict Lebesgue and rescale by the full box's density
            return _Scaled(BoxMeasure(tuple(box)), scale)
        return BoxMeasure(tuple(box))
    if isinstance(measure, Density):
        pieces = []
        for l, u, c in measure.pieces:
            lo, hi = (max(l, fmpq(0)), u) if positive else (l, min(u, fmpq(0)))
            if lo < hi:
                pieces.append((lo, hi, c))
        return Density(tuple(pieces)) if pieces else None
    raise InputError(f"one-sided derivatives are not implemented for {type(measure).__name__}", "measure")


class _Scaled:
    """Marker for a restricted uniform measure: Lebesgue on a sub-box times the full density."""

    def __init__(self, measure, scale):
        self.measure, self.scale = measure, scale


def _G_on(ev, net, s, measure, deriv0):
    if measure is None:
        return [0] * len(net.theta)
    scale = 1
    if isinstance(measure, _Scaled):
        measure, scale = measure.measure, measure.scale
    rg = ev.risk_grad(net, measure=measure, deriv0=deriv0)
    return [scale * s * g for g in rg.G]


def one_sided_derivatives(ev: Evaluation, net: Network, s):
    """Exact D^±_k ℒ(θ) = lim_{t→0±} (ℒ(θ + t e_k) − ℒ(θ))/t for every coordinate k.

    D^± ℒ = 2s∫ r ∂^±_k 𝒩 dμ (dominated convergence), and the one-sided derivative of
    t ↦ ReLU(z + t·x_j) at z = 0 is x_j·κ^±(0) with κ^+(0) = 1_{x_j > 0}, κ^−(0) = 1_{x_j < 0}
    (x_j := 1 for a bias).  So D^± are generalized gradients with κ(0) = 1 on part of μ and 0 on
    the rest, computed by the ordinary engines on restricted measures."""
    m = ev.inst.measure
    G_open = _G_on(ev, net, s, m, fmpq(0))
    G_closed = _G_on(ev, net, s, m, fmpq(1))
    plus, minus = list(G_open), list(G_open)
    for i in range(net.H):
        plus[net.idx_b(i)], minus[net.idx_b(i)] = G_closed[net.idx_b(i)], G_open[net.idx_b(i)]
    for j in range(net.d):
        pos_closed = _G_on(ev, net, s, restrict(m, j, True), fmpq(1))
        pos_open = _G_on(ev, net, s, restrict(m, j, True), fmpq(0))
        neg_closed = _G_on(ev, net, s, restrict(m, j, False), fmpq(1))
        neg_open = _G_on(ev, net, s, restrict(m, j, False), fmpq(0))
        for i in range(net.H):
            k = net.idx_w(i, j)
            # points with x_j = 0 contribute x_j·(…) = 0 to a w-component
            plus[k] = pos_closed[k] + neg_open[k]
            minus[k] = pos_open[k] + neg_closed[k]
    return plus, minus, G_open
