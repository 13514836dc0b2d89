"""Hypothesis strategies for yoneda23 (the D0 construction): knobs, domain points and instances.

Composable public strategies built on `verify.strategies`; the family's claims attach them
(``Claim.instances``) and ``relu-verify search`` draws from them.
"""

from __future__ import annotations

import functools
from fractions import Fraction

from hypothesis import strategies as st

from ..strategies import _ints, _pick, text, rationals


def _d0(**knobs) -> dict:
    return {"kind": "d0", **knobs}


def _point_text(x) -> list[str]:
    return [text(v) for v in x]


@functools.lru_cache(maxsize=None)  # one shared strategy object per argument tuple
@st.composite
def unit_rationals(draw, N: int = 2) -> Fraction:
    """z ∈ [0, 1]: grid points k/2^N, midpoints, 0, 1, random dyadic and non-dyadic rationals."""
    kind = draw(_pick(["grid", "mid", "end", "dyadic", "any"]))
    h = Fraction(1, 2 ** N)
    if kind == "grid":
        return draw(_ints(0, 2 ** N)) * h
    if kind == "mid":
        return (draw(_ints(0, 2 ** N - 1)) + Fraction(1, 2)) * h
    if kind == "end":
        return Fraction(draw(_pick([0, 1])))
    if kind == "dyadic":
        k = draw(_ints(1, 12))
        return Fraction(draw(_ints(0, 2 ** k)), 2 ** k)
    den = draw(_ints(1, 97))
    return Fraction(draw(_ints(0, den)), den)


@functools.lru_cache(maxsize=None)  # one shared strategy object per argument tuple
@st.composite
def domain_points(draw, d: int, N: int = 2) -> list[Fraction]:
    """A point of [−1, 1)^d with coordinates on the grid, at midpoints, at the extremal 2^{−N−1}, or random."""
    out = []
    for _ in range(d):
        z = draw(unit_rationals(N))
        if z >= 1:
            z = Fraction(1, 2 ** (N + 1))
        out.append(-z if draw(st.booleans()) else z)
    return out


@functools.lru_cache(maxsize=None)  # one shared strategy object per argument tuple
@st.composite
def sphere_points(draw, d: int) -> list[Fraction]:
    """|x| = 1/2 exactly: (±1/2, 0, …) or a scaled Pythagorean pair ((m² − n²), 2mn)/(2(m² + n²))."""
    if d == 1 or draw(st.booleans()):
        return [Fraction(draw(_pick([1, -1])), 2)] + [Fraction(0)] * (d - 1)
    m = draw(_ints(2, 6))
    n = draw(_ints(1, m - 1))
    s = 2 * (m * m + n * n)
    return [Fraction(m * m - n * n, s), Fraction(2 * m * n, s)] + [Fraction(0)] * (d - 2)


@functools.lru_cache(maxsize=None)  # one shared strategy object per argument tuple
@st.composite
def near_threshold_points(draw, N: int = 2) -> Fraction:
    """d = 1 points with r_N(x) = 1/4 ± 2^{−k} (x = 1/2 ± 2^{−k}/slope on the cells next to 1/2), or 1/2 itself."""
    k = draw(_ints(2, 6))
    h = 2 ** N
    side = draw(_pick([-1, 1]))
    slope = Fraction(h - 1, h) if side < 0 else Fraction(h + 1, h)  # φ_N's slopes next to 1/2
    x = Fraction(1, 2) + side * Fraction(1, 2 ** k) / slope
    if not (Fraction(1, 2) - Fraction(1, h) <= x <= Fraction(1, 2) + Fraction(1, h)):
        x = Fraction(1, 2) + side * Fraction(1, 4 * h)
    return x * draw(_pick([1, -1]))


@st.composite
def yoneda23_instances(draw, kind: str) -> dict:
    """Instance dicts for the yoneda23 claims and planted violations (``kind`` = the claim's short id or
    the mutant's name): the D0 knobs, adversarial points (grid points, midpoints, kinks, the sphere,
    r_N(x) = 1/4 ± 2^{−k}) and the assumption-breaking settings of spec §4."""
    N = draw(_ints(0, 6))
    if kind == "relu-identities":
        a = draw(rationals(max_denominator=8))
        b = draw(rationals(max_denominator=8, extreme=False))
        kinks = [Fraction(0), Fraction(1, 2), Fraction(1), b] + ([b - 1 / a] if a else [])
        z, r = (draw(st.one_of(_pick(kinks), rationals())) for _ in range(2))
        y = draw(st.one_of(_pick([Fraction(0), Fraction(1)]), rationals()))
        return {"network": _d0(), "params": {"z": text(z), "y": text(y), "a": text(a), "b": text(b), "r": text(r)}}
    if kind in ("squaring-error", "lemma-z"):
        return {"network": _d0(N=N), "params": {"z": text(draw(unit_rationals(N)))}}
    if kind in ("feature-error", "lemma-x"):
        d = draw(_ints(1, 3))
        N = min(N, 4)
        if kind == "lemma-x" or draw(st.booleans()):
            pts = [[Fraction(1, 2 ** (N + 1))] * d]
        else:
            pts = [draw(domain_points(d, N)) for _ in range(draw(_ints(1, 3)))]
        return {"network": _d0(d=d, N=N), "params": {"x": [_point_text(p) for p in pts]}}
    if kind == "sparse-shape":
        return {"network": _d0(d=draw(_ints(1, 8)), N=N)}
    if kind in ("boundary-set", "n-limit", "finite-n"):
        d = 2 if kind == "finite-n" else draw(_ints(1, 3))
        N = 1 if kind == "finite-n" else min(N, 4)
        pts = []
        for _ in range(draw(_ints(1, 3))):
            how = draw(_pick(["sphere", "shell", "grid", "quarter"]))
            if how == "sphere":
                pts.append(draw(sphere_points(d)))
            elif how == "shell" and d == 1:
                pts.append([Fraction(1, 2) - Fraction(1, 2 ** draw(_ints(2, 10)))])
            elif how == "quarter":
                pts.append([Fraction(1, 4)] * min(d, 2) + [Fraction(0)] * (d - min(d, 2)))
            else:
                pts.append(draw(domain_points(d, max(N, 1))))
        pts.append([Fraction(3, 10)] * 2 if d == 2 else draw(domain_points(d, 2)))
        return {"network": _d0(d=d, N=N), "params": {"x": [_point_text(p) for p in pts]}}
    if kind == "backprop-gradient":
        head = draw(_pick(["wc", "ab"]))
        batch = draw(_pick(["full", "data", "grid"]))
        d = 1 if batch == "full" else draw(_ints(1, 2))
        net = _d0(d=d, N=min(N, 3) or 1, head=head, relu_grad_at_0=draw(_pick(["0", "1"])))
        if batch == "data":
            X = [draw(domain_points(d, 2)) for _ in range(draw(_ints(1, 4)))]
            X += [X[0]] if draw(st.booleans()) else []
            net["batch"] = {"kind": "data", "X": [_point_text(p) for p in X]}
        elif batch == "grid":
            net["batch"] = {"kind": "grid", "n": draw(_ints(0, 3))}
        if draw(st.booleans()):
            a = Fraction(draw(_ints(0, 16)), 2)
            b = Fraction(draw(_ints(0, 16)), 16)
            net["init"] = [text(-a), text(a * b)] if head == "wc" else [text(a), text(b)]
        return {"network": net}
    if kind == "d1-exact-reduction":
        N = draw(_ints(1, 6))
        lam = draw(_pick([Fraction(0), Fraction(1), Fraction(draw(_ints(1, 15)), 16)]))
        h = Fraction(1, 2 ** N)
        dL, dR = h - h * h, h + h * h
        a = max((1 - lam) / dL, lam / dR, Fraction(1, 4)) * draw(_pick([1, Fraction(9, 8), 2, 10]))
        head = draw(_pick(["wc", "ab"]))
        theta = [-a, lam + a / 4] if head == "wc" else [a, Fraction(1, 4) + lam / a]
        net = _d0(N=N, head=head, init=[text(t) for t in theta], eta=text(Fraction(1, draw(_ints(1, 40)))))
        if draw(st.booleans()):
            net["batch"] = {"kind": "cells", "m": draw(_ints(1, N)), "normalize": draw(st.booleans())}
        return {"network": net}
    if kind in ("monotone-descent", "pointwise-convergence", "rate-t13", "time-to-exactness", "boundary-value"):
        N = draw(_pick([2, 2, 2, 1, 3]))
        net = _d0(N=N)
        if draw(st.booleans()):
            net["eta"] = draw(_pick(["1/20", "1/10", "1/40", "1/5", "3/50"]))
        if kind == "monotone-descent" and draw(st.booleans()):
            net["relu_grad_at_0"] = "1"
        pts = [draw(near_threshold_points(N)) for _ in range(draw(_ints(1, 3)))]
        if kind == "boundary-value":
            pts.append(Fraction(draw(_pick([1, -1])), 2))
        elif kind != "time-to-exactness":
            pts.append(Fraction(draw(_ints(-15, 15)), 16))
        pts = [p for p in pts if -1 <= p < 1]
        params = {"x": [text(p) for p in pts]}
        # no user constants (params.C, c1, c2, T) here: a wrong one is refuted as the user's constant,
        # which is a counterexample to that statement, not to the paper's claim this search is about
        return {"network": net, "params": params}
    if kind == "minibatch-cells":
        m = draw(_ints(1, 3))
        return {"network": _d0(N=2, batch={"kind": "cells", "m": m, "normalize": draw(st.booleans())}),
                "params": {"x": [text(draw(near_threshold_points(2)))], "t": "256"}}
    if kind == "finite-data-freeze":
        X = sorted({draw(_ints(-7, 7)) for _ in range(draw(_ints(1, 5)))})
        return {"network": _d0(batch={"kind": "data", "X": [[text(Fraction(k, 8))] for k in X]}),
                "params": {"x": [text(Fraction(draw(_ints(-19, 19)), 20))]}}
    if kind == "dead-ramp":
        how = draw(_pick(["negative", "beyond", "zero"]))
        if how == "negative":
            init = [Fraction(draw(_ints(0, 4))), -Fraction(draw(_ints(1, 4)))]
        elif how == "beyond":
            a = Fraction(draw(_ints(1, 8)))
            b = 1 + 1 / a + Fraction(draw(_ints(0, 4)), 4)
            init = [-a, a * b]
        else:
            init = [Fraction(0), Fraction(0)]
        return {"network": _d0(init=[text(v) for v in init]),
                "params": {"x": [text(Fraction(draw(_ints(-9, 9)), 10))]}}
    if kind == "step-too-large":
        eta = draw(_pick([Fraction(86), Fraction(600, 7), Fraction(100), Fraction(10 ** 4)]))
        return {"network": _d0(eta=text(eta)), "params": {"x": [text(Fraction(draw(_ints(-9, 9)), 10))]}}
    if kind == "ab-head-fixed-step":
        a = Fraction(19583863, 10 ** 6) + Fraction(draw(_ints(-50, 50)), 10 ** 6)
        lam = Fraction(873932, 10 ** 6) + Fraction(draw(_ints(-50, 50)), 10 ** 6)
        x = draw(_pick([Fraction(51, 100), Fraction(-51, 100), Fraction(13, 25), Fraction(101, 200)]))
        return {"network": _d0(head="ab", init=[text(a), text(Fraction(1, 4) + lam / a)]), "params": {"x": [text(x)]}}
    if kind == "threshold-n0":
        a = Fraction(draw(_pick([4, 8, 16])))
        lam = Fraction(draw(_ints(3, 5)), 8)
        x = Fraction(draw(_ints(11, 15)), 40) * draw(_pick([1, -1]))
        return {"network": _d0(N=0, init=[text(-a), text(lam + a / 2)]), "params": {"x": [text(x)]}}
    if kind == "d2-step-limit":
        dw, dc = (Fraction(draw(_ints(-5, 5)), 10 ** 6) for _ in range(2))
        x = [Fraction(draw(_pick([3, 5, 6])), 16), Fraction(draw(_pick([4, 5, 6])), 16)]
        w, c = Fraction(-120195877, 10 ** 7) + dw, Fraction(44400707, 10 ** 7) + dc  # near the minimizer over ramps
        return {"network": _d0(d=2, N=1, init=[text(w), text(c)]),
                "params": {"x": [_point_text(x)]}}
    raise ValueError(f"unknown yoneda23 instance kind {kind!r}")
