"""Public Hypothesis strategies for instances of relu-verify claims (layer 8).

Every strategy draws exact data (`fractions.Fraction` → JSON strings ``"p/q"``) so that a drawn
instance is a valid instance file and its verdict is reproducible.  Adversarial cases of the
cjrr21 specification (§2.7, bundles S-PAR and S-EDGE) are drawn on purpose: exact zeros, kinks
exactly on the box ends or on atoms, neurons with 𝔴_i = 0 (𝔟_i > 0, = 0, < 0), fully degenerate
neurons, neurons dead on the whole box, cancelling pairs, and huge and tiny magnitudes.

    >>> from hypothesis import given
    >>> from verify import strategies as vst
    >>> @given(vst.shallow_instances(d=1))
    ... def test_identity(inst):
    ...     assert verify.check("cjrr21.lyapunov-identity", inst).status != "VIOLATED"
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@st.composite
def rationals(draw, max_denominator: int = 16, zero_probability: float = 0.3, extreme: bool = True,
              bound: int = 8) -> Fraction:
    """A rational with small denominator; exact zeros about ``zero_probability`` of the time;
    with ``extreme``, occasionally huge (10³..10⁶, 2^±60) or tiny values."""
    u = draw(st.floats(0, 1))
    if u < zero_probability:
        return Fraction(0)
    if extreme and u > 0.95:
        mag = draw(st.sampled_from([Fraction(10 ** 3), Fraction(10 ** 6), Fraction(2 ** 60), Fraction(1, 2 ** 60),
                                    Fraction(1, 10 ** 9)]))
        return mag * draw(st.sampled_from([1, -1])) * draw(st.integers(1, 7))
    den = draw(st.integers(1, max_denominator))
    num = draw(st.integers(-bound * den, bound * den))
    return Fraction(num, den)


@st.composite
def boxes(draw, d: int) -> list[tuple[Fraction, Fraction]]:
    """[a_j, b_j] with a_j < b_j: containing 0, excluding 0, narrow (width 10⁻³) and wide."""
    out = []
    for _ in range(d):
        kind = draw(st.sampled_from(["unit", "sym", "positive", "negative", "narrow", "random"]))
        if kind == "unit":
            a, b = Fraction(0), Fraction(1)
        elif kind == "sym":
            m = draw(st.integers(1, 3))
            a, b = Fraction(-m), Fraction(m)
        elif kind == "positive":
            a = Fraction(draw(st.integers(1, 8)), draw(st.integers(1, 4)))
            b = a + Fraction(draw(st.integers(1, 8)), draw(st.integers(1, 4)))
        elif kind == "negative":
            b = -Fraction(draw(st.integers(0, 8)), draw(st.integers(1, 4)))
            a = b - Fraction(draw(st.integers(1, 8)), draw(st.integers(1, 4)))
        elif kind == "narrow":
            a = Fraction(draw(st.integers(-4, 4)), 2)
            b = a + Fraction(1, 1000)
        else:
            a = draw(rationals(extreme=False, zero_probability=0.2))
            b = a + Fraction(draw(st.integers(1, 16)), draw(st.integers(1, 8)))
        out.append((a, b))
    return out


@st.composite
def neurons(draw, d: int, box) -> tuple[list[Fraction], Fraction, Fraction]:
    """(𝔴_i, 𝔟_i, 𝔳_i) for one hidden neuron, with the adversarial cases of S-EDGE."""
    kind = draw(st.sampled_from(["generic"] * 5 + ["kink-at-a", "kink-at-b", "w-zero", "degenerate", "dead",
                                                   "v-zero"]))
    w = [draw(rationals()) for _ in range(d)]
    b = draw(rationals())
    v = draw(rationals(zero_probability=0.1))
    if kind in ("kink-at-a", "kink-at-b"):
        j = 0
        if w[j] == 0:
            w[j] = Fraction(draw(st.sampled_from([1, -1, 2, -3])))
        end = box[j][0] if kind == "kink-at-a" else box[j][1]
        b = -w[j] * end - sum((w[k] * box[k][0] for k in range(1, d)), Fraction(0))
    elif kind == "w-zero":
        w = [Fraction(0)] * d
        b = draw(st.sampled_from([Fraction(1), Fraction(0), Fraction(-1)])) * draw(st.integers(1, 3))
    elif kind == "degenerate":
        w, b = [Fraction(0)] * d, Fraction(0)
        v = v or Fraction(1)
    elif kind == "dead":
        # pre-activation ≤ 0 on the box, with maximum exactly 0 at a corner
        corner_max = sum((max(wj * a, wj * bb) for wj, (a, bb) in zip(w, box)), Fraction(0))
        b = -corner_max - draw(st.sampled_from([Fraction(0), Fraction(1, 2)]))
    elif kind == "v-zero":
        v = Fraction(0)
    return w, b, v


@st.composite
def shallow_networks(draw, d: int, box, max_width: int = 5):
    """{"widths": [d, H, 1], "theta": [...]} in the block layout of cjrr21 §2.1."""
    H = draw(st.integers(1, max_width))
    ns = [draw(neurons(d, box)) for _ in range(H)]
    if H >= 2 and draw(st.integers(0, 5)) == 0:  # a cancelling pair: same (𝔴, 𝔟), opposite 𝔳
        ns[1] = (list(ns[0][0]), ns[0][1], -ns[0][2])
    c = draw(rationals())
    theta = [x for w, _, _ in ns for x in w] + [b for _, b, _ in ns] + [v for _, _, v in ns] + [c]
    return {"widths": [d, H, 1], "theta": [_text(t) for t in theta]}


@st.composite
def measures(draw, d: int, box, kinds=("lebesgue", "uniform", "empirical")):
    kind = draw(st.sampled_from(kinds))
    if kind in ("lebesgue", "uniform"):
        return {"kind": kind, "box": [[_text(a), _text(b)] for a, b in box]}
    n = draw(st.integers(1, 5))
    pts = []
    for _ in range(n):
        p = []
        for a, b in box:
            p.append(draw(st.sampled_from([a, b, (a + b) / 2, a + (b - a) * Fraction(draw(st.integers(0, 8)), 8)])))
        pts.append([_text(t) for t in p])
    if n > 1 and draw(st.booleans()):
        pts[-1] = pts[0]  # a repeated atom
    weights = [_text(Fraction(draw(st.integers(0, 4)), draw(st.integers(1, 4)))) for _ in pts]
    if all(w == "0" for w in weights):
        weights[0] = "1"
    return {"kind": "empirical", "points": pts, "weights": weights}


@st.composite
def shallow_instances(draw, d: int | None = None, max_width: int = 4, measure_kinds=("lebesgue", "uniform",
                                                                                       "empirical"),
                      constant_target: bool = True, params: dict | None = None):
    """An instance dict (DESIGN.md "Instance files") for the one-hidden-layer claims."""
    if d is None:
        d = draw(st.sampled_from([1, 1, 1, 2]))
    box = draw(boxes(d))
    net = draw(shallow_networks(d, box, max_width))
    if constant_target:
        xi = draw(st.one_of(st.just(Fraction(0)), rationals(zero_probability=0)))
        target = {"kind": "constant", "value": _text(xi)}
    else:
        target = {"kind": "polynomial", "coefficients": [_text(draw(rationals())) for _ in range(draw(
            st.integers(1, 3)))]}
    return {"network": net, "target": target, "measure": draw(measures(d, box, measure_kinds)),
            "params": dict(params or {})}
