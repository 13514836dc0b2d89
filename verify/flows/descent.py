"""(Projected) gradient descent θ_{n+1} = Ψ(θ_n − ηP𝒢(θ_n)) or θ_n − η𝒢(θ_n), exact, in balls or
in floats (`descent`).
"""

from __future__ import annotations

import math

import numpy as np
from flint import arb

from ..errors import InputError
from ..numbers import precision
from .common import (EXACT_GD_MAX_BITS, GD_MAX_STEPS, WIDE, _bits, _check_flow, _to_float, _to_fmpq, _too_wide,
                     check_prec)
from .results import Descent


def _retract(th, H: int, manifold: str, sqrt):
    """Ψ on M_A (per neuron (w, b, v) ↦ (w/ρ, b/ρ, ρv), ρ = |(w, b)|) or M_B (ρ = |w|), the retraction
    of projected GD (spec planted 11); ``sqrt`` in the iterates' arithmetic."""
    th = list(th)
    for i in range(H):
        sq = th[i] * th[i] + (th[H + i] * th[H + i] if manifold == "A" else 0)
        rho = sqrt(sq)
        th[i], th[H + i], th[2 * H + i] = th[i] / rho, th[H + i] / rho, th[2 * H + i] * rho
    return th


def descent(system: "FlowSystem", theta0, eta, steps: int, flow: str = "normalized", manifold: str = "A",
            arithmetic: str = "ball", prec: int = 128) -> Descent:
    """θ_{n+1} = Ψ(θ_n − ηP𝒢(θ_n)) (``normalized``: projected GD with retraction Ψ) or θ_n − η𝒢(θ_n)
    (``standard``), from a rational θ_0 (on M for ``normalized``).

    ``exact``: fmpq; with a retraction only while every ρ_i is rational; the run stops (``complete``
    False, ``reason``) at an irrational ρ_i or before a step from an iterate with more than
    EXACT_GD_MAX_BITS bits per entry (the sizes grow about 5-fold per step).  ``steps`` ≤
    GD_MAX_STEPS[arithmetic] (InputError otherwise).
    ``ball``: every iterate is a box of `arb` balls containing the exact iterate: 𝒢 is enclosed over
    the previous box (`FlowSystem._box`, valid for every point of it), the step and Ψ are evaluated in
    interval arithmetic.  ``float``: numpy (exploration)."""
    from ..numbers import exact_sqrt
    from ..numbers import Undecided

    _check_flow(flow, manifold)
    if arithmetic not in ("exact", "ball", "float"):
        raise InputError(f"unknown arithmetic '{arithmetic}' (exact, ball, float)", "arithmetic")
    eta = _to_fmpq(eta, "eta")
    if eta <= 0:
        raise InputError(f"the step size η must be > 0, got {eta}", "eta")
    if not isinstance(steps, int) or isinstance(steps, bool) or not 0 <= steps <= GD_MAX_STEPS[arithmetic]:
        raise InputError(f"steps must be an integer in [0, {GD_MAX_STEPS[arithmetic]}] for {arithmetic} GD "
                         f"(exact iterates grow exponentially in size), got {steps!r}", "steps")
    if arithmetic == "ball":
        check_prec(prec)
    th = system.exact_theta(theta0)
    if flow == "normalized":
        system.check_on_manifold(th, manifold)
    H = system.H
    if arithmetic == "exact":
        def ex_sqrt(q):
            r = exact_sqrt(q)
            if r is None:
                raise Undecided(f"ρ = √{q} is irrational: exact projected GD stops here (use ball arithmetic)")
            return r
        its, risk = [th], [system.risk_gradient_exact(th)[0]]
        for n in range(steps):
            size = max(_bits(t) for t in its[-1])
            if size > EXACT_GD_MAX_BITS:
                return Descent("exact", flow, manifold, eta, its, risk, False,
                               f"exact iterate θ_{n} needs {size} bits per entry, more than the limit "
                               f"{EXACT_GD_MAX_BITS} (use --arithmetic ball)")
            _, G = system.risk_gradient_exact(its[-1])
            F = system._project(its[-1], G, flow, manifold)
            nxt = [t + eta * f for t, f in zip(its[-1], F)]
            try:
                its.append(_retract(nxt, H, manifold, ex_sqrt) if flow == "normalized" else nxt)
            except Undecided as e:
                return Descent("exact", flow, manifold, eta, its, risk, False, f"step {n + 1}: {e}")
            risk.append(system.risk_gradient_exact(its[-1])[0])
        return Descent("exact", flow, manifold, eta, its, risk)
    if arithmetic == "float":
        x = np.array([_to_float(t) for t in th])
        its, risk = [x], [system.risk_gradient_float(x)[0]]
        for _ in range(steps):
            x = x + _to_float(eta) * system.field_float(x, flow, manifold)
            if flow == "normalized":
                x = np.array(_retract(x, H, manifold, math.sqrt))
            its.append(x)
            risk.append(system.risk_gradient_float(x)[0])
        return Descent("float", flow, manifold, eta, its, risk)
    with precision(prec):
        X = [arb(t) for t in th]
        its, risk = [X], [system._box(X).L]
        e = arb(eta)
        for n in range(steps):
            ev = system._box(X)
            F = system._box_field(X, ev, flow, manifold)
            X = [x + e * f for x, f in zip(X, F)]
            if flow == "normalized":
                X = _retract(X, H, manifold, lambda a: a.sqrt())
            L = None if any(_too_wide(x) for x in X) else system._box(X).L
            if L is None or _too_wide(L):
                return Descent("ball", flow, manifold, eta, its, risk, False,
                               f"the ball enclosure of θ_{n + 1} (or of ℒ there) is wider than {WIDE:g} or not "
                               f"finite at {prec} bits (raise --prec or take fewer steps)")
            its.append(X)
            risk.append(L)
        return Descent("ball", flow, manifold, eta, its, risk)
