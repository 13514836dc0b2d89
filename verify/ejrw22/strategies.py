"""Hypothesis strategies for ejrw22 (normalized gradient flow, §2.7): instances and open-problem starts.

Composable public strategies built on `verify.strategies`; the family's claims attach them
(``Claim.instances``) and ``relu-verify search`` draws from them.
"""

from __future__ import annotations

import functools
from fractions import Fraction

from hypothesis import strategies as st

from ..strategies import _ints, _pick, text, draw_params


@st.composite
def open_problem_starts(draw, probe: float | None = None) -> dict:
    """ejrw22 claim 14's probe (spec §3.14, §2.7): H = 1 on [0, 1] with p ≡ 1, the standard flow
    started fully active with its kink just outside the domain (w > 0 small, −b/w ∈ [−1/10, 0)),
    and a target whose best affine fit has nonzero slope: affine (the control: ℒ → 0) or an S-shaped
    piecewise-linear perturbation of it (odd about 1/2, so neither a convex nor a concave ReLU piece
    improves much on the affine fit).  params.probe: the float horizon (default 40)."""
    w = Fraction(1, draw(_pick([2, 5, 10, 50])))
    x0 = -Fraction(draw(_ints(1, 10)), 100)
    v = Fraction(draw(_ints(1, 6)), draw(_ints(1, 3))) * draw(_pick([1, -1]))
    c = Fraction(draw(_ints(-2, 2)), 2)
    slope = Fraction(draw(_pick([1, 2, -1])))
    eps = Fraction(draw(_pick([0, 1, 2, 4])), 32)
    knots = [(Fraction(0), Fraction(0)), (Fraction(1, 4), slope / 4 - eps), (Fraction(3, 4), 3 * slope / 4 + eps),
             (Fraction(1), slope)]
    target = ({"kind": "polynomial", "coefficients": ["0", text(slope)]} if eps == 0 else
              {"kind": "piecewise-linear", "knots": [[text(a), text(b)] for a, b in knots]})
    return {"network": {"widths": [1, 1, 1], "theta": [text(w), text(-w * x0), text(v), text(c)]}, "target": target,
            "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
            "params": {"probe": text(Fraction(probe)) if probe is not None else "40"}}


@functools.lru_cache(maxsize=None)  # one shared strategy object per argument tuple
@st.composite
def circle_points(draw) -> tuple[Fraction, Fraction]:
    """A rational point (w, b) of the unit circle: ((1 − t²)/(1 + t²), 2t/(1 + t²)) with t near ±1 (w ≈ 0,
    kink far outside), tiny or huge (w ≈ ±1), or (−1, 0)."""
    kind = draw(_pick(["generic", "near-one", "tiny", "huge", "minus-one"]))
    if kind == "minus-one":
        return Fraction(-1), Fraction(0)
    if kind == "near-one":
        t = draw(_pick([1, -1])) * (1 + Fraction(draw(_ints(-3, 3)) or 1, 10 ** draw(_ints(2, 6))))
    elif kind == "tiny":
        t = Fraction(draw(_ints(-3, 3)), 10 ** draw(_ints(2, 8)))
    elif kind == "huge":
        t = Fraction(draw(_pick([1, -1])) * 10 ** draw(_ints(2, 6)))
    else:
        t = Fraction(draw(_ints(-8, 8)), draw(_ints(1, 8)))
    return (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)


@st.composite
def ejrw22_instances(draw, H=None, on_manifold: bool = True, degenerate: bool = False, negative_w: bool = False,
                     zero_w: bool = False, pythagorean: bool = False, atom_on_kink: bool = False,
                     horizon: bool = False, singular_density: bool = False, params=None) -> dict:
    """An instance dict for ejrw22: a 1-D shallow network (on M_A when ``on_manifold``: rational circle
    points), a target (constant, affine, |x − q|-like piecewise linear), and a measure on [A, B]
    (Lebesgue, a piecewise-constant density with a tiny piece, or one atom on a kink when
    ``atom_on_kink``).  Off the manifold: ``pythagorean`` makes every |(w_i, b_i)| rational (3-4-5
    scalings), ``degenerate`` adds a neuron with (w, b) = (0, 0) and v ≠ 0, ``negative_w``/``zero_w``
    force one w_i < 0 / w_i = 0.  ``horizon``: H = 1 and, half of the time, a short horizon params.T
    (1/8 or 1/4) for the certified trajectory forms.  ``singular_density``: planted 12's setting, θ =
    (1, 0, v, c) with its kink on A = 0, p(x) = x^{-1/2}/2 on [0, 1], a claimed K and a second circle
    point at t = −10^{-k}."""
    if singular_density:
        v, c = (Fraction(draw(_ints(1, 4)), draw(_ints(1, 2))) for _ in range(2))
        return {"network": {"widths": [1, 1, 1], "theta": ["1", "0", text(v), text(c)]},
                "target": {"kind": "constant", "value": text(Fraction(draw(_ints(-2, 2)), 2))},
                "measure": {"kind": "power", "box": [["0", "1"]], "coefficient": "1/2", "exponent": "-1/2"},
                "params": {"K": draw(_pick(["10", "100", "1000"])), "radius": "1/8",
                           "t2": text(-Fraction(1, 10 ** draw(_ints(2, 12))))}}
    if horizon:
        H = 1
        if draw(st.booleans()):
            params = {**(params or {}), "T": draw(_pick(["1/8", "1/4"]))}
    H = H or draw(_ints(1, 3))
    A = Fraction(draw(_pick([0, -1, 1, -2])))
    B = A + Fraction(draw(_pick([1, 2, Fraction(1, 2)])))
    ns = []
    for _ in range(H):
        w, b = draw(circle_points())
        if not on_manifold:
            scale = draw(_pick([Fraction(5), Fraction(13, 2), Fraction(1, 5), Fraction(17)])) \
                if pythagorean else Fraction(draw(_ints(1, 6)), draw(_ints(1, 3)))
            w, b = w * scale, b * scale
        v = Fraction(draw(_ints(-6, 6)), draw(_ints(1, 4)))
        ns.append([w, b, v])
    if degenerate:
        ns[0] = [Fraction(0), Fraction(0), Fraction(draw(_ints(1, 4)))]
    if negative_w:
        ns[0][0] = -abs(ns[0][0]) or Fraction(-1)
    if zero_w:
        ns[0][0] = Fraction(0)
        ns[0][1] = Fraction(draw(_ints(-2, 2)))
    c = Fraction(draw(_ints(-4, 4)), 2)
    theta = [n[0] for n in ns] + [n[1] for n in ns] + [n[2] for n in ns] + [c]
    kind = draw(_pick(["constant", "affine", "zigzag"]))
    if kind == "constant":
        target = {"kind": "constant", "value": text(Fraction(draw(_ints(-3, 3)), 2))}
    elif kind == "affine":
        target = {"kind": "polynomial", "coefficients": [text(Fraction(draw(_ints(-3, 3)), 2)),
                                                         text(Fraction(draw(_ints(-4, 4)), 2))]}
    else:
        mid = (A + B) / 2
        target = {"kind": "piecewise-linear", "knots": [[text(A), "0"], [text(mid), text(Fraction(draw(
            _ints(1, 6)), 2))], [text(B), "0"]]}
    if atom_on_kink and ns[0][0] != 0:
        x = -ns[0][1] / ns[0][0]
        measure = {"kind": "empirical", "points": [[text(x)]], "weights": ["1"]}
        d = [Fraction(0)] * len(theta)
        d[0], d[H] = -ns[0][1], ns[0][0]  # tangent to the circle of neuron 0: (−b, w)
        params = {**(params or {}), "direction": [text(t) for t in d]}
    elif draw(st.booleans()):
        measure = {"kind": "lebesgue", "box": [[text(A), text(B)]]}
    else:
        cut = A + (B - A) * Fraction(draw(_ints(1, 7)), 8)
        tiny = draw(_pick([Fraction(1), Fraction(1, 10 ** 12), Fraction(3)]))
        measure = {"kind": "density", "pieces": [{"interval": [text(A), text(cut)], "coefficients": ["1"]},
                                                 {"interval": [text(cut), text(B)], "coefficients": [text(tiny)]}]}
    return {"network": {"widths": [1, H, 1], "theta": [text(t) for t in theta]}, "target": target,
            "measure": measure, "params": draw_params(draw, params)}
