"""Public Hypothesis strategies for instances of relu-verify claims (layer 8).

Every strategy draws exact data (`fractions.Fraction` → JSON strings ``"p/q"``) so that a drawn
instance is a valid instance file and its verdict is reproducible; "float parameters" are drawn as
float64 values and kept as the exact rationals they denote.  Adversarial cases (cjrr21 §2.7,
bundles S-PAR and S-EDGE) are drawn on purpose: exact zeros, kinks exactly on the box ends or on
atoms, neurons with 𝔴_i = 0 (𝔟_i > 0, = 0, < 0), fully degenerate neurons, neurons dead on the
whole box, the all-zero hidden layer, exactly and nearly cancelling pairs, an output bias at its
critical value, and huge and tiny magnitudes.

The strategies compose: `shallow_instances` = `boxes` → `shallow_networks` (→ `neurons` →
`rationals`) + `targets` + `measures`, and `deep_instances` does the same with `deep_networks`.
Claims attach their own strategy (``Claim.instances``), usually one of these with claim-specific
``params``; ``relu-verify search`` draws from it.

    >>> from hypothesis import given
    >>> from verify import strategies as vst
    >>> @given(vst.shallow_instances(d=1))
    ... def test_identity(inst):
    ...     assert verify.check("cjrr21.lyapunov-identity", inst).status != "VIOLATED"
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st


def text(q: Fraction) -> str:
    """The exact JSON text of a rational: ``"p/q"`` or an integer string."""
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@st.composite
def rationals(draw, max_denominator: int = 16, zero_probability: float = 0.3, extreme: bool = True,
              bound: int = 8, floats: bool = True) -> Fraction:
    """A rational with small denominator; exact zeros about ``zero_probability`` of the time;
    with ``extreme``, occasionally huge (10³..10⁶, 2^±60) or tiny values; with ``floats``,
    occasionally a float64 in [−bound, bound] (its exact binary value, denominator up to 2⁵²)."""
    u = draw(st.floats(0, 1))
    if u < zero_probability:
        return Fraction(0)
    if floats and 0.90 < u <= 0.93:
        return Fraction(draw(st.floats(-bound, bound, allow_nan=False, allow_infinity=False)))
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
def shallow_networks(draw, d: int, box, max_width: int = 5, zero_probability: float = 0.1,
                     degenerate: float = 0.0):
    """{"widths": [d, H, 1], "theta": [...]} in the block layout of cjrr21 §2.1; with probability
    about ``zero_probability`` every hidden parameter is 0 (only the output bias 𝔠 is free), and
    with probability about ``degenerate`` the first neuron is fully degenerate (𝔴 = 0, 𝔟 = 0, 𝔳 ≠ 0)."""
    H = draw(st.integers(1, max_width))
    zero = draw(st.floats(0, 1)) < zero_probability
    if zero:
        ns = [([Fraction(0)] * d, Fraction(0), Fraction(0)) for _ in range(H)]
    else:
        ns = [draw(neurons(d, box)) for _ in range(H)]
        if H >= 2 and draw(st.integers(0, 5)) == 0:  # a cancelling pair: same (𝔴, 𝔟), opposite 𝔳
            tiny = draw(st.sampled_from([Fraction(0), Fraction(1, 2 ** 40)]))  # exact or near cancellation
            ns[1] = (list(ns[0][0]), ns[0][1], -ns[0][2] + tiny)
        if draw(st.floats(0, 1)) < degenerate:
            ns[0] = ([Fraction(0)] * d, Fraction(0), draw(rationals(zero_probability=0)) or Fraction(1))
    c = draw(rationals(zero_probability=0 if zero else 0.3))  # with 𝔠 = 0 too, 𝒩 ≡ 0 is a duller case
    theta = [x for w, _, _ in ns for x in w] + [b for _, b, _ in ns] + [v for _, _, v in ns] + [c]
    return {"widths": [d, H, 1], "theta": [text(t) for t in theta]}


@st.composite
def measures(draw, d: int, box, kinds=("lebesgue", "uniform", "empirical")):
    kind = draw(st.sampled_from(kinds))
    if kind in ("lebesgue", "uniform"):
        return {"kind": kind, "box": [[text(a), text(b)] for a, b in box]}
    n = draw(st.integers(1, 5))
    pts = []
    for _ in range(n):
        p = []
        for a, b in box:
            p.append(draw(st.sampled_from([a, b, (a + b) / 2, a + (b - a) * Fraction(draw(st.integers(0, 8)), 8)])))
        pts.append([text(t) for t in p])
    if n > 1 and draw(st.booleans()):
        pts[-1] = pts[0]  # a repeated atom
    weights = [text(Fraction(draw(st.integers(0, 4)), draw(st.integers(1, 4)))) for _ in pts]
    if all(w == "0" for w in weights):
        weights[0] = "1"
    return {"kind": "empirical", "points": pts, "weights": weights}


@st.composite
def deep_networks(draw, d: int, widths=None, max_depth: int = 3, max_width: int = 3, zero_probability: float = 0.15):
    """{"widths": [d, H_1, …, H_L, 1], "theta": [...]}: L ≥ 2 hidden layers (layer by layer, each
    weight matrix row-major then its bias), exact zeros (about ``zero_probability`` of the
    entries) and dead units included."""
    if widths is None:
        L = draw(st.integers(2, max_depth))
        widths = [d] + [draw(st.integers(1, max_width)) for _ in range(L)] + [1]
    n = sum((widths[k] + 1) * widths[k + 1] for k in range(len(widths) - 1))
    theta = [draw(rationals(bound=3, extreme=False, zero_probability=zero_probability)) for _ in range(n)]
    return {"widths": list(widths), "theta": [text(t) for t in theta]}


@st.composite
def targets(draw, d: int, box, kinds=("constant",)):
    """A target of one of ``kinds``: "constant", "polynomial" (d = 1, degree ≤ 2),
    "piecewise-linear" (d = 1, knots in the box, one possibly on a box end)."""
    kind = draw(st.sampled_from([k for k in kinds if d == 1 or k == "constant"] or ["constant"]))
    if kind == "constant":
        xi = draw(st.one_of(st.just(Fraction(0)), rationals(zero_probability=0)))
        return {"kind": "constant", "value": text(xi)}
    if kind == "polynomial":
        coeffs = [draw(rationals(extreme=False)) for _ in range(draw(st.integers(2, 3)))]
        if coeffs[-1] == 0:
            coeffs[-1] = Fraction(1)
        return {"kind": "polynomial", "coefficients": [text(c) for c in coeffs]}
    a, b = box[0]
    xs = sorted({a, b, a + (b - a) * Fraction(draw(st.integers(1, 7)), 8)})
    return {"kind": "piecewise-linear",
            "knots": [[text(x), text(draw(rationals(extreme=False)))] for x in xs]}


@st.composite
def shallow_instances(draw, d: int | None = None, max_width: int = 4, measure_kinds=("lebesgue", "uniform",
                                                                                       "empirical"),
                      constant_target: bool = True, params=None, target_kinds=None,
                      zero_probability: float = 0.1, critical_bias: float = 0.0, degenerate: float = 0.0):
    """An instance dict (README, "Instance files") for the one-hidden-layer claims.

    ``target_kinds`` (default: constant only, or polynomial if not ``constant_target``) as in
    `targets`; ``params`` a dict of values or of strategies (drawn); with probability
    ``critical_bias`` the output bias 𝔠 is moved to its critical value (𝒢_𝔠 = 0, solved
    exactly, rational data only) -- the places where 𝒢 can vanish; ``zero_probability`` and
    ``degenerate`` as in `shallow_networks`."""
    if d is None:
        d = draw(st.sampled_from([1, 1, 1, 2]))
    box = draw(boxes(d))
    net = draw(shallow_networks(d, box, max_width, zero_probability, degenerate))
    kinds = target_kinds or (("constant",) if constant_target else ("polynomial",))
    out = {"network": net, "target": draw(targets(d, box, kinds)), "measure": draw(measures(d, box, measure_kinds)),
           "params": draw_params(draw, params)}
    if critical_bias and draw(st.floats(0, 1)) < critical_bias:
        out = with_critical_bias(out)
    return out


@st.composite
def deep_instances(draw, d: int = 1, max_depth: int = 3, max_width: int = 3,
                   measure_kinds=("lebesgue", "uniform", "empirical"), target_kinds=("constant",), params=None,
                   zero_probability: float = 0.15):
    """An instance dict with a network of two or more hidden layers (d = 1 integrates exactly)."""
    box = draw(boxes(d))
    return {"network": draw(deep_networks(d, max_depth=max_depth, max_width=max_width,
                                          zero_probability=zero_probability)),
            "target": draw(targets(d, box, target_kinds)), "measure": draw(measures(d, box, measure_kinds)),
            "params": draw_params(draw, params)}


def draw_params(draw, params) -> dict:
    """``params`` with every Hypothesis strategy among its values drawn (Fractions as text)."""
    out = {}
    for k, v in (params or {}).items():
        if isinstance(v, st.SearchStrategy):
            v = draw(v)
        if v is not None:
            out[k] = text(v) if isinstance(v, Fraction) else v
    return out


def with_critical_bias(inst: dict) -> dict:
    """``inst`` with the output bias 𝔠 replaced by the root of the affine map 𝔠 ↦ 𝒢_𝔠(θ) (exact);
    unchanged where ℒ is not exactly computable or 𝒢_𝔠 does not depend on 𝔠."""
    from .claim import Instance
    from .errors import InputError
    from .integrate import Problem, risk_and_gradient
    from .numbers import Undecided, to_json
    from .problems import Empirical

    try:
        parsed = Instance.from_json(inst)
        net = parsed.net
        if parsed.measure is None or not net.is_shallow:
            return inst
        if parsed.measure.d >= 2 and not isinstance(parsed.measure, Empirical):
            return inst
        g = []
        for c in (0, 1):
            prob = Problem(net.with_theta(net.theta[:-1] + (c,)), parsed.target, parsed.measure)
            rg = risk_and_gradient(prob)
            if not rg.exact:
                return inst
            g.append(rg.G[-1])
    except (InputError, Undecided):
        return inst
    if g[1] == g[0]:
        return inst
    c_star = -g[0] / (g[1] - g[0])
    theta = list(inst["network"]["theta"])
    theta[-1] = to_json(c_star)
    return {**inst, "network": {**inst["network"], "theta": theta}}


# --------------------------------------------------------------------------------------------
# path networks (gsgd19 §2 generators G-arch, G-w, G-c, G-x, G-eta)


@st.composite
def path_weights(draw, zero_probability: float = 0.0, extreme: bool = True) -> Fraction:
    """G-w: a signed rational with a bounded denominator, a signed power of two 2^k (k ∈ [−60, 60],
    occasionally 2^±1074 where float64 would underflow or overflow), or an exact zero with
    probability ``zero_probability``."""
    u = draw(st.floats(0, 1))
    if u < zero_probability:
        return Fraction(0)
    s = draw(st.sampled_from([1, -1]))
    if extreme and u > 0.97:
        return s * Fraction(2) ** draw(st.sampled_from([1074, -1074, 1000, -1000]))
    if extreme and u > 0.85:
        return s * Fraction(2) ** draw(st.integers(-60, 60))
    den = draw(st.integers(1, 8))
    return s * Fraction(draw(st.integers(1, 4 * den)), den)


@st.composite
def mlp_widths(draw, layers=(1, 5), equal: bool | None = None, max_width: int = 5, max_io: int = 4,
               max_paths: int = 400) -> list[int]:
    """G-arch for layered MLPs: [d, h_1, …, h_{L-1}, K] with L weight layers in ``layers``, hidden
    widths in [1, max_width] (all equal if ``equal``, free if None), width-1 layers included;
    shrinks towards 2-2-1; the number of paths d·h_1⋯h_{L-1}·K stays ≤ ``max_paths``."""
    L = draw(st.integers(*layers))
    d = draw(st.integers(1, max_io))
    K = draw(st.integers(1, max_io))
    budget = max(1, max_paths // (d * K))
    if equal is None:
        equal = draw(st.booleans())
    hidden: list[int] = []
    if L >= 2:
        if equal:
            h_max = max(1, min(max_width, int(round(budget ** (1 / (L - 1))))))
            while h_max > 1 and h_max ** (L - 1) > budget:
                h_max -= 1
            h = draw(st.integers(1, h_max))
            hidden = [h] * (L - 1)
        else:
            prod = 1
            for _ in range(L - 1):
                h = draw(st.integers(1, max(1, min(max_width, budget // prod))))
                hidden.append(h)
                prod *= h
    return [d] + hidden + [K]


@st.composite
def path_networks(draw, kind: str = "mlp", equal: bool | None = None, biases: bool | None = False,
                  zero_probability: float = 0.0, extreme: bool = True, layers=(1, 5), max_paths: int = 400,
                  dead_end: bool = False, max_hidden: int = 6) -> dict:
    """A network JSON (``{"kind": "mlp", …}`` or ``{"kind": "dag", …}``, see `verify.dag`) with
    G-w weights.  ``kind="dag"``: a random topological order (inputs, hidden, outputs), each
    forward pair joined with probability ~1/2 (skip connections included), pruned so that every
    edge lies on an input→output path, unless ``dead_end`` adds a hidden node with ≥ 2 in-edges
    and no path to an output.  ``biases`` None draws on/off."""
    if biases is None:
        biases = draw(st.booleans())
    w = path_weights(zero_probability, extreme)
    if kind == "mlp":
        widths = draw(mlp_widths(layers, equal, max_paths=max_paths))
        W = [[[text(draw(w)) for _ in range(widths[l])] for _ in range(widths[l - 1])] for l in range(1, len(widths))]
        out = {"kind": "mlp", "widths": widths, "W": W}
        if biases:
            out["b"] = [[text(draw(w)) for _ in range(widths[l])] for l in range(1, len(widths))]
        return out
    d, H, K = draw(st.integers(1, 3)), draw(st.integers(1, max_hidden)), draw(st.integers(1, 2))
    kinds = ["input"] * d + ["hidden"] * H + ["output"] * K
    n = len(kinds)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)
             if kinds[a] != "output" and kinds[b] != "input" and not (kinds[a] == "input" and kinds[b] == "output"
                                                                    and draw(st.floats(0, 1)) < 0.6)]
    edges = [p for p in pairs if draw(st.booleans())]
    bias_at = [j for j in range(d, n) if draw(st.booleans())] if biases else []
    # every edge on a path of 𝒫 (it starts at an input or at a bias, so a node fed only by a bias counts):
    # keep edges between forward- and backward-reachable nodes
    fwd = set(range(d)) | set(bias_at)
    for a, b in sorted(edges, key=lambda e: e[1]):
        if a in fwd:
            fwd.add(b)
    bwd = set(range(d + H, n))
    for a, b in sorted(edges, key=lambda e: -e[0]):
        if b in bwd:
            bwd.add(a)
    edges = [(a, b) for a, b in edges if a in fwd and b in bwd]
    if not edges:
        edges = [(0, n - 1)]
    if dead_end:
        kinds.insert(d + H, "hidden")
        edges = [(a, b + (b >= d + H), ) for a, b in edges]
        sources = draw(st.lists(st.sampled_from(range(d + H)), min_size=2, max_size=3, unique=True))
        edges += [(a, d + H) for a in sorted(sources)]
    out = {"kind": "dag", "nodes": kinds, "edges": [[a, b, text(draw(w))] for a, b in sorted(edges)]}
    if biases:
        out["biases"] = [[j + (dead_end and j >= d + H), text(draw(w))] for j in bias_at]
    return out


@st.composite
def scalings(draw, H: int, kinds=("pow2", "rational", "float")) -> list[str]:
    """G-c: H factors c_j > 0 -- (a) 2^k, k ∈ [−1074, 1023]; (b) rationals such as 3/7; (c) a
    float in [1e−300, 1e300] taken exactly."""
    out = []
    for _ in range(H):
        k = draw(st.sampled_from(kinds))
        if k == "pow2":
            c = Fraction(2) ** draw(st.one_of(st.integers(-8, 8), st.integers(-1074, 1023)))
        elif k == "rational":
            c = Fraction(draw(st.integers(1, 9)), draw(st.integers(1, 9)))
        else:
            c = Fraction(draw(st.floats(1e-300, 1e300)))
        out.append(text(c))
    return out


@st.composite
def path_inputs(draw, net: dict, count: int = 2, kink: float = 0.5) -> list[list[str]]:
    """G-x: ``count`` rational inputs; with probability ``kink`` one of them is solved so that a
    first-layer pre-activation is exactly 0 (or is x = 0, a kink of every bias-free node)."""
    from .dag import DagNetwork

    parsed = DagNetwork.from_json(net)
    xs = [[draw(rationals(extreme=False, floats=False, zero_probability=0.2)) for _ in range(parsed.d)]
          for _ in range(count)]
    if draw(st.floats(0, 1)) < kink:
        first = [j for j in parsed.hidden if all(parsed.kinds[parsed.edges[e][0]] == "input" for e in parsed.in_edges[j])]
        choice = draw(st.sampled_from(["zero"] + (["solve"] if first else [])))
        if choice == "zero":
            xs[0] = [Fraction(0)] * parsed.d
        else:
            j = draw(st.sampled_from(first))
            coef = {parsed.inputs.index(parsed.edges[e][0]): Fraction(str(parsed.weights[e])) for e in parsed.in_edges[j]}
            nz = [k for k, a in coef.items() if a != 0]
            if nz:
                k = draw(st.sampled_from(nz))
                bias = Fraction(str(parsed.biases[parsed.bias_of[j]])) if j in parsed.bias_of else Fraction(0)
                rest = bias + sum(a * xs[0][i] for i, a in coef.items() if i != k)
                xs[0][k] = -rest / coef[k]
    return [[text(v) for v in x] for x in xs]


@st.composite
def data_sets(draw, d: int, K: int, min_size: int = 1, max_size: int = 3) -> list[dict]:
    """A finite data set D ⊂ ℚ^d × ℚ^K as ``[{"x": [...], "y": [...]}]``."""
    n = draw(st.integers(min_size, max_size))
    r = rationals(extreme=False, floats=False, zero_probability=0.2, bound=2, max_denominator=4)
    return [{"x": [text(draw(r)) for _ in range(d)], "y": [text(draw(r)) for _ in range(K)]} for _ in range(n)]


def etas(max_denominator: int = 20):
    """G-eta: a rational step size η ∈ (0, 1]."""
    return st.builds(lambda p, q: text(Fraction(p, q)), st.integers(1, 4), st.integers(4, max_denominator))


def _dyadic(draw, bound: int = 4) -> Fraction:
    """A float64-representable rational k/2^j (|k| ≤ 8·bound, j ≤ 3) or 0."""
    return Fraction(draw(st.integers(-8 * bound, 8 * bound)), 2 ** draw(st.integers(0, 3)))


@st.composite
def path_instances(draw, kind: str = "mlp", equal: bool | None = None, layers=(1, 4), biases: bool | None = False,
                   zero_probability: float = 0.0, dead_end: bool = False, nonzero: bool = False, c=False, x: int = 0,
                   kink: float = 0.5, big_inputs: bool = False, other=False, data: bool = False,
                   kink_data: bool = False, eta=False, steps=None, z: bool = False, q: bool = False, big: bool = False,
                   floats: bool = False, tiny: bool = False, small: bool = False, max_paths: int = 200) -> dict:
    """An instance dict for the gsgd19 claims: a `path_networks` network and the params a claim
    needs -- ``c`` (True: G-c (a)-(c); "rational"; "pow2" (moderate, sometimes extreme); "pow2-extreme";
    "signed": one factor ≤ 0), ``x`` inputs (`path_inputs`, kinks with probability ``kink``),
    ``other`` (True: g(w), or g(w) with one edge times a factor ≠ 1; "flip": one hidden node's in-
    and out-weights negated; "dead": a node with zero in-weights whose out-weight ratio changes),
    ``data`` (`data_sets`), ``eta`` (True: G-eta; "large": η ≥ 1; "unit": η ∈ {1/2, 1, 2}),
    ``steps`` (lo, hi), ``z`` (claim 9's right-hand side), ``q`` (exponent 0..4).  ``floats``
    draws float64-representable weights and inputs; ``tiny`` inputs near 2^-1022; ``small`` and
    ``big`` restrict weights to a few simple or to large values (searching planted violations)."""
    if kind == "any":
        kind = draw(st.sampled_from(["mlp", "mlp", "dag"]))
    net = draw(path_networks(kind, equal, False if (floats or small or big) else biases,
                             0.0 if nonzero else zero_probability, extreme=not (floats or small or big),
                             layers=layers, max_paths=max_paths, dead_end=dead_end))
    if floats or small or big:
        def pick():
            if small:
                return draw(st.sampled_from([Fraction(1), Fraction(-1), Fraction(2), Fraction(1, 2)]))
            if big:
                return Fraction(draw(st.integers(1, 20)))
            return _dyadic(draw)
        if net["kind"] == "mlp":
            net["W"] = [[[text(pick()) for _ in row] for row in Wl] for Wl in net["W"]]
        else:
            net["edges"] = [[a, b, text(pick())] for a, b, _ in net["edges"]]
    from .dag import DagNetwork
    parsed = DagNetwork.from_json(net)
    if other == "dead" and parsed.H:
        j = parsed.hidden[draw(st.integers(0, parsed.H - 1))]
        theta = list(parsed.theta)
        for e in parsed.in_edges[j]:
            theta[e] = 0 * theta[e]
        if j in parsed.bias_of:
            theta[parsed.m + parsed.bias_of[j]] = 0 * theta[0]
        parsed = parsed.with_theta(theta)
        net = parsed.to_json()
    H = parsed.H
    params: dict = {}
    if c:
        if c is True:
            params["c"] = draw(scalings(H))
        elif c == "rational":
            params["c"] = draw(scalings(H, ("rational",)))
        elif c in ("pow2", "pow2-extreme"):
            ks = st.integers(-30, 30) if c == "pow2" else st.one_of(st.integers(-1074, -900), st.integers(900, 1023),
                                                                    st.integers(-4, 4))
            params["c"] = [text(Fraction(2) ** draw(ks)) for _ in range(H)]
        elif c == "float":
            params["c"] = [text(Fraction(draw(st.integers(1, 40)), 2 ** draw(st.integers(0, 4)))) for _ in range(H)]
        elif c == "signed":
            cs = draw(scalings(H, ("rational", "pow2")))
            if H:
                cs[draw(st.integers(0, H - 1))] = text(-Fraction(draw(st.integers(1, 3)), draw(st.integers(1, 3))))
            params["c"] = cs
    if x:
        if tiny:
            params["x"] = [[text((1 + Fraction(draw(st.integers(0, 8)), 2 ** 52)) * Fraction(2) ** draw(
                st.integers(-1022, -1015))) for _ in range(parsed.d)] for _ in range(x)]
        elif floats:
            params["x"] = [[text(_dyadic(draw)) for _ in range(parsed.d)] for _ in range(x)]
        elif big_inputs:
            params["x"] = [[text(Fraction(draw(st.integers(0, 16)), 2)) for _ in range(parsed.d)] for _ in range(x)]
        else:
            params["x"] = draw(path_inputs(net, x, kink))
    if other:
        params["other"] = draw(_other_network(parsed, other))
    if data:
        if small:
            params["data"] = [{"x": [text(draw(st.sampled_from([Fraction(1), Fraction(-1), Fraction(2)])))
                                     for _ in range(parsed.d)],
                               "y": [text(draw(st.sampled_from([Fraction(0), Fraction(1)]))) for _ in range(parsed.K)]}
                              for _ in range(draw(st.integers(1, 2)))]
        else:
            params["data"] = draw(data_sets(parsed.d, parsed.K))
            if kink_data and draw(st.booleans()):
                params["data"][0]["x"] = draw(path_inputs(net, 1, 1.0))[0]
    if eta:
        if eta == "large":
            params["eta"] = text(Fraction(draw(st.integers(2, 8)), 2))
        elif eta == "unit":
            params["eta"] = text(draw(st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2)])))
        else:
            params["eta"] = draw(etas())
    if steps:
        params["steps"] = draw(st.integers(*steps))
    if z:
        params["z"] = [text(draw(rationals(extreme=False, floats=False))) for _ in range(parsed.m + parsed.n_b)]
    if q:
        params["q"] = draw(st.integers(0, 4))
    return {"network": net, "params": params}


@st.composite
def _other_network(draw, net, mode) -> dict:
    """A second network on the same graph for claim 4 (see `path_instances`)."""
    from flint import fmpq

    cs = [fmpq(*Fraction(t).as_integer_ratio()) for t in draw(scalings(net.H, ("rational", "pow2")))]
    theta = list(net.scale(cs).theta)
    if mode is True and theta and draw(st.booleans()):
        k = draw(st.integers(0, len(theta) - 1))
        theta[k] *= fmpq(draw(st.integers(2, 5)), draw(st.integers(1, 5)))
    elif mode == "flip" and net.H:
        j = net.hidden[draw(st.integers(0, net.H - 1))]
        for e in net.in_edges[j] + net.out_edges[j]:
            theta[e] = -theta[e]
        if j in net.bias_of:
            theta[net.m + net.bias_of[j]] *= -1
    elif mode == "dead":
        dead = [j for j in net.hidden if all(net.weights[e] == 0 for e in net.in_edges[j])
                and len(net.out_edges[j]) >= 2]
        if dead:
            e = net.out_edges[dead[0]][-1]
            theta[e] *= 2
    return net.with_theta(theta).to_json()


# --------------------------------------------------------------------------------------------
# shallow 1-D networks for inverse stability (beg19 §3 shared generators)


def _net_json(neurons_, e=Fraction(0)) -> dict:
    """{"widths": [1, m, 1], "theta"} from 1-D neurons [(a, b, c)] and output bias e."""
    a = [n[0] for n in neurons_]
    b = [n[1] for n in neurons_]
    c = [n[2] for n in neurons_]
    return {"widths": [1, len(neurons_), 1], "theta": [text(t) for t in a + b + c + [e]]}


@st.composite
def balanced_neurons(draw, D: Fraction = Fraction(1)) -> tuple[Fraction, Fraction, Fraction]:
    """A 1-D neuron in the restricted set: a = ±q, c = ±q (|c| = |a|, jump ±q²), kink t = −b/a
    strictly inside (−D, D)."""
    q = Fraction(draw(st.integers(1, 6)), draw(st.integers(1, 4)))
    a = q * draw(st.sampled_from([1, -1]))
    t = D * Fraction(draw(st.integers(-7, 7)), 8)
    return a, -a * t, q * draw(st.sampled_from([1, -1]))


@st.composite
def beg19_instances(draw, restricted: bool = True, max_width: int = 3, edits=("move", "split", "small", "flip",
                                                                            "perturb", "same"),
                    s=None, extra_params=None) -> dict:
    """An instance dict for the beg19 claims: Γ of width m (1-D, Ω = [−1, 1]; in the restricted set
    when ``restricted``: balanced, visible, distinct kinks, no opposite pair) and a target
    ``params.other`` = g of the same width: a structural edit of Γ (T2: a kink moved by δ, a kink
    split in two, a small neuron added in place of one, a zero-sum pair flipped) or Γ + δ·random
    (T1), δ ∈ {10^−k, 1/q²}.  ``s`` (a strategy or value) adds ``params.s``."""
    m = draw(st.integers(1, max_width))
    ns, kinks = [], set()
    while len(ns) < m:
        n = draw(balanced_neurons())
        t = -n[1] / n[0]
        if restricted and t in kinks:
            continue
        kinks.add(t)
        ns.append(n)
    if not restricted and draw(st.booleans()):
        i = draw(st.integers(0, m - 1))
        op = draw(st.sampled_from(["unbalance", "dead", "duplicate", "oppose", "zero"]))
        a, b, c = ns[i]
        ns[i] = {"unbalance": (a, b, c * 2), "dead": (a, -abs(a) * 2, c), "duplicate": ns[0],
                 "oppose": (-ns[0][0], -ns[0][1], -ns[0][2]), "zero": (Fraction(0), Fraction(0), Fraction(0))}[op]
    e = Fraction(draw(st.integers(-2, 2)), 2)
    delta = draw(st.sampled_from([Fraction(1, 10), Fraction(1, 100), Fraction(1, 4), Fraction(1, 16), Fraction(1, 9)]))
    edit = draw(st.sampled_from(list(edits)))
    g = list(ns)
    ge = e
    i = draw(st.integers(0, m - 1))
    a, b, c = g[i]
    if edit == "move":
        g[i] = (a, b + a * delta, c)
    elif edit == "split":
        g[i] = (a, b, c * (1 - delta))
        if m >= 2:
            j = (i + 1) % m
            g[j] = (a, b + a * delta, c * delta)
    elif edit == "small":
        g[i] = (delta, -delta * Fraction(draw(st.integers(-3, 3)), 4), delta)
    elif edit == "flip":
        # c·ρ(z) = c·ρ(−z) + c·z: flip neurons i and i+1; the constant part c·b moves into e, the
        # slope part stays (g is then a different function unless the flipped slopes cancel)
        for k in sorted({i, (i + 1) % m}):
            ak, bk, ck = g[k]
            g[k] = (-ak, -bk, ck)
            ge += ck * bk
    elif edit == "perturb":
        g = [(x + delta * draw(st.integers(-2, 2)), y + delta * draw(st.integers(-2, 2)),
              z + delta * draw(st.integers(-2, 2))) for x, y, z in g]
    params = {"other": _net_json(g, ge), "D": "1"}
    if s is not None:
        params["s"] = text(draw(s) if isinstance(s, st.SearchStrategy) else Fraction(s))
    params.update(draw_params(draw, extra_params))
    return {"network": _net_json(ns, e), "params": params}


# --------------------------------------------------------------------------------------------
# normalized gradient flow (ejrw22 §2.7)


@st.composite
def open_problem_starts(draw, probe: float | None = None) -> dict:
    """ejrw22 claim 14's probe (spec §3.14, §2.7): H = 1 on [0, 1] with p ≡ 1, the standard flow
    started fully active with its kink just outside the domain (w > 0 small, −b/w ∈ [−1/10, 0)),
    and a target whose best affine fit has nonzero slope: affine (the control: ℒ → 0) or an S-shaped
    piecewise-linear perturbation of it (odd about 1/2, so neither a convex nor a concave ReLU piece
    improves much on the affine fit).  params.probe: the float horizon (default 40)."""
    w = Fraction(1, draw(st.sampled_from([2, 5, 10, 50])))
    x0 = -Fraction(draw(st.integers(1, 10)), 100)
    v = Fraction(draw(st.integers(1, 6)), draw(st.integers(1, 3))) * draw(st.sampled_from([1, -1]))
    c = Fraction(draw(st.integers(-2, 2)), 2)
    slope = Fraction(draw(st.sampled_from([1, 2, -1])))
    eps = Fraction(draw(st.sampled_from([0, 1, 2, 4])), 32)
    knots = [(Fraction(0), Fraction(0)), (Fraction(1, 4), slope / 4 - eps), (Fraction(3, 4), 3 * slope / 4 + eps),
             (Fraction(1), slope)]
    target = ({"kind": "polynomial", "coefficients": ["0", text(slope)]} if eps == 0 else
              {"kind": "piecewise-linear", "knots": [[text(a), text(b)] for a, b in knots]})
    return {"network": {"widths": [1, 1, 1], "theta": [text(w), text(-w * x0), text(v), text(c)]}, "target": target,
            "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
            "params": {"probe": text(Fraction(probe)) if probe is not None else "40"}}


@st.composite
def circle_points(draw) -> tuple[Fraction, Fraction]:
    """A rational point (w, b) of the unit circle: ((1 − t²)/(1 + t²), 2t/(1 + t²)) with t near ±1 (w ≈ 0,
    kink far outside), tiny or huge (w ≈ ±1), or (−1, 0)."""
    kind = draw(st.sampled_from(["generic", "near-one", "tiny", "huge", "minus-one"]))
    if kind == "minus-one":
        return Fraction(-1), Fraction(0)
    if kind == "near-one":
        t = draw(st.sampled_from([1, -1])) * (1 + Fraction(draw(st.integers(-3, 3)) or 1, 10 ** draw(st.integers(2, 6))))
    elif kind == "tiny":
        t = Fraction(draw(st.integers(-3, 3)), 10 ** draw(st.integers(2, 8)))
    elif kind == "huge":
        t = Fraction(draw(st.sampled_from([1, -1])) * 10 ** draw(st.integers(2, 6)))
    else:
        t = Fraction(draw(st.integers(-8, 8)), draw(st.integers(1, 8)))
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
        v, c = (Fraction(draw(st.integers(1, 4)), draw(st.integers(1, 2))) for _ in range(2))
        return {"network": {"widths": [1, 1, 1], "theta": ["1", "0", text(v), text(c)]},
                "target": {"kind": "constant", "value": text(Fraction(draw(st.integers(-2, 2)), 2))},
                "measure": {"kind": "power", "box": [["0", "1"]], "coefficient": "1/2", "exponent": "-1/2"},
                "params": {"K": draw(st.sampled_from(["10", "100", "1000"])), "radius": "1/8",
                           "t2": text(-Fraction(1, 10 ** draw(st.integers(2, 12))))}}
    if horizon:
        H = 1
        if draw(st.booleans()):
            params = {**(params or {}), "T": draw(st.sampled_from(["1/8", "1/4"]))}
    H = H or draw(st.integers(1, 3))
    A = Fraction(draw(st.sampled_from([0, -1, 1, -2])))
    B = A + Fraction(draw(st.sampled_from([1, 2, Fraction(1, 2)])))
    ns = []
    for _ in range(H):
        w, b = draw(circle_points())
        if not on_manifold:
            scale = draw(st.sampled_from([Fraction(5), Fraction(13, 2), Fraction(1, 5), Fraction(17)])) \
                if pythagorean else Fraction(draw(st.integers(1, 6)), draw(st.integers(1, 3)))
            w, b = w * scale, b * scale
        v = Fraction(draw(st.integers(-6, 6)), draw(st.integers(1, 4)))
        ns.append([w, b, v])
    if degenerate:
        ns[0] = [Fraction(0), Fraction(0), Fraction(draw(st.integers(1, 4)))]
    if negative_w:
        ns[0][0] = -abs(ns[0][0]) or Fraction(-1)
    if zero_w:
        ns[0][0] = Fraction(0)
        ns[0][1] = Fraction(draw(st.integers(-2, 2)))
    c = Fraction(draw(st.integers(-4, 4)), 2)
    theta = [n[0] for n in ns] + [n[1] for n in ns] + [n[2] for n in ns] + [c]
    kind = draw(st.sampled_from(["constant", "affine", "zigzag"]))
    if kind == "constant":
        target = {"kind": "constant", "value": text(Fraction(draw(st.integers(-3, 3)), 2))}
    elif kind == "affine":
        target = {"kind": "polynomial", "coefficients": [text(Fraction(draw(st.integers(-3, 3)), 2)),
                                                         text(Fraction(draw(st.integers(-4, 4)), 2))]}
    else:
        mid = (A + B) / 2
        target = {"kind": "piecewise-linear", "knots": [[text(A), "0"], [text(mid), text(Fraction(draw(
            st.integers(1, 6)), 2))], [text(B), "0"]]}
    if atom_on_kink and ns[0][0] != 0:
        x = -ns[0][1] / ns[0][0]
        measure = {"kind": "empirical", "points": [[text(x)]], "weights": ["1"]}
        d = [Fraction(0)] * len(theta)
        d[0], d[H] = -ns[0][1], ns[0][0]  # tangent to the circle of neuron 0: (−b, w)
        params = {**(params or {}), "direction": [text(t) for t in d]}
    elif draw(st.booleans()):
        measure = {"kind": "lebesgue", "box": [[text(A), text(B)]]}
    else:
        cut = A + (B - A) * Fraction(draw(st.integers(1, 7)), 8)
        tiny = draw(st.sampled_from([Fraction(1), Fraction(1, 10 ** 12), Fraction(3)]))
        measure = {"kind": "density", "pieces": [{"interval": [text(A), text(cut)], "coefficients": ["1"]},
                                                 {"interval": [text(cut), text(B)], "coefficients": [text(tiny)]}]}
    return {"network": {"widths": [1, H, 1], "theta": [text(t) for t in theta]}, "target": target,
            "measure": measure, "params": draw_params(draw, params)}


# ---- yoneda23: the D0 construction ---------------------------------------------------------


def _d0(**knobs) -> dict:
    return {"kind": "d0", **knobs}


def _point_text(x) -> list[str]:
    return [text(v) for v in x]


@st.composite
def unit_rationals(draw, N: int = 2) -> Fraction:
    """z ∈ [0, 1]: grid points k/2^N, midpoints, 0, 1, random dyadic and non-dyadic rationals."""
    kind = draw(st.sampled_from(["grid", "mid", "end", "dyadic", "any"]))
    h = Fraction(1, 2 ** N)
    if kind == "grid":
        return draw(st.integers(0, 2 ** N)) * h
    if kind == "mid":
        return (draw(st.integers(0, 2 ** N - 1)) + Fraction(1, 2)) * h
    if kind == "end":
        return Fraction(draw(st.sampled_from([0, 1])))
    if kind == "dyadic":
        k = draw(st.integers(1, 12))
        return Fraction(draw(st.integers(0, 2 ** k)), 2 ** k)
    den = draw(st.integers(1, 97))
    return Fraction(draw(st.integers(0, den)), den)


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


@st.composite
def sphere_points(draw, d: int) -> list[Fraction]:
    """|x| = 1/2 exactly: (±1/2, 0, …) or a scaled Pythagorean pair ((m² − n²), 2mn)/(2(m² + n²))."""
    if d == 1 or draw(st.booleans()):
        return [Fraction(draw(st.sampled_from([1, -1])), 2)] + [Fraction(0)] * (d - 1)
    m = draw(st.integers(2, 6))
    n = draw(st.integers(1, m - 1))
    s = 2 * (m * m + n * n)
    return [Fraction(m * m - n * n, s), Fraction(2 * m * n, s)] + [Fraction(0)] * (d - 2)


@st.composite
def near_threshold_points(draw, N: int = 2) -> Fraction:
    """d = 1 points with r_N(x) = 1/4 ± 2^{−k} (x = 1/2 ± 2^{−k}/slope on the cells next to 1/2), or 1/2 itself."""
    k = draw(st.integers(2, 6))
    h = 2 ** N
    side = draw(st.sampled_from([-1, 1]))
    slope = Fraction(h - 1, h) if side < 0 else Fraction(h + 1, h)  # φ_N's slopes next to 1/2
    x = Fraction(1, 2) + side * Fraction(1, 2 ** k) / slope
    if not (Fraction(1, 2) - Fraction(1, h) <= x <= Fraction(1, 2) + Fraction(1, h)):
        x = Fraction(1, 2) + side * Fraction(1, 4 * h)
    return x * draw(st.sampled_from([1, -1]))


@st.composite
def yoneda23_instances(draw, kind: str) -> dict:
    """Instance dicts for the yoneda23 claims and planted violations (``kind`` = the claim's short id or
    the mutant's name): the D0 knobs, adversarial points (grid points, midpoints, kinks, the sphere,
    r_N(x) = 1/4 ± 2^{−k}) and the assumption-breaking settings of spec §4."""
    N = draw(st.integers(0, 6))
    if kind == "relu-identities":
        a = draw(rationals(max_denominator=8))
        b = draw(rationals(max_denominator=8, extreme=False))
        kinks = [Fraction(0), Fraction(1, 2), Fraction(1), b] + ([b - 1 / a] if a else [])
        z, r = (draw(st.one_of(st.sampled_from(kinks), rationals())) for _ in range(2))
        y = draw(st.one_of(st.sampled_from([Fraction(0), Fraction(1)]), rationals()))
        return {"network": _d0(), "params": {"z": text(z), "y": text(y), "a": text(a), "b": text(b), "r": text(r)}}
    if kind in ("squaring-error", "lemma-z"):
        return {"network": _d0(N=N), "params": {"z": text(draw(unit_rationals(N)))}}
    if kind in ("feature-error", "lemma-x"):
        d = draw(st.integers(1, 3))
        N = min(N, 4)
        if kind == "lemma-x" or draw(st.booleans()):
            pts = [[Fraction(1, 2 ** (N + 1))] * d]
        else:
            pts = [draw(domain_points(d, N)) for _ in range(draw(st.integers(1, 3)))]
        return {"network": _d0(d=d, N=N), "params": {"x": [_point_text(p) for p in pts]}}
    if kind == "sparse-shape":
        return {"network": _d0(d=draw(st.integers(1, 8)), N=N)}
    if kind in ("boundary-set", "n-limit", "finite-n"):
        d = 2 if kind == "finite-n" else draw(st.integers(1, 3))
        N = 1 if kind == "finite-n" else min(N, 4)
        pts = []
        for _ in range(draw(st.integers(1, 3))):
            how = draw(st.sampled_from(["sphere", "shell", "grid", "quarter"]))
            if how == "sphere":
                pts.append(draw(sphere_points(d)))
            elif how == "shell" and d == 1:
                pts.append([Fraction(1, 2) - Fraction(1, 2 ** draw(st.integers(2, 10)))])
            elif how == "quarter":
                pts.append([Fraction(1, 4)] * min(d, 2) + [Fraction(0)] * (d - min(d, 2)))
            else:
                pts.append(draw(domain_points(d, max(N, 1))))
        pts.append([Fraction(3, 10)] * 2 if d == 2 else draw(domain_points(d, 2)))
        return {"network": _d0(d=d, N=N), "params": {"x": [_point_text(p) for p in pts]}}
    if kind == "backprop-gradient":
        head = draw(st.sampled_from(["wc", "ab"]))
        batch = draw(st.sampled_from(["full", "data", "grid"]))
        d = 1 if batch == "full" else draw(st.integers(1, 2))
        net = _d0(d=d, N=min(N, 3) or 1, head=head, relu_grad_at_0=draw(st.sampled_from(["0", "1"])))
        if batch == "data":
            X = [draw(domain_points(d, 2)) for _ in range(draw(st.integers(1, 4)))]
            X += [X[0]] if draw(st.booleans()) else []
            net["batch"] = {"kind": "data", "X": [_point_text(p) for p in X]}
        elif batch == "grid":
            net["batch"] = {"kind": "grid", "n": draw(st.integers(0, 3))}
        if draw(st.booleans()):
            a = Fraction(draw(st.integers(0, 16)), 2)
            b = Fraction(draw(st.integers(0, 16)), 16)
            net["init"] = [text(-a), text(a * b)] if head == "wc" else [text(a), text(b)]
        return {"network": net}
    if kind == "d1-exact-reduction":
        N = draw(st.integers(1, 6))
        lam = draw(st.sampled_from([Fraction(0), Fraction(1), Fraction(draw(st.integers(1, 15)), 16)]))
        h = Fraction(1, 2 ** N)
        dL, dR = h - h * h, h + h * h
        a = max((1 - lam) / dL, lam / dR, Fraction(1, 4)) * draw(st.sampled_from([1, Fraction(9, 8), 2, 10]))
        head = draw(st.sampled_from(["wc", "ab"]))
        theta = [-a, lam + a / 4] if head == "wc" else [a, Fraction(1, 4) + lam / a]
        net = _d0(N=N, head=head, init=[text(t) for t in theta], eta=text(Fraction(1, draw(st.integers(1, 40)))))
        if draw(st.booleans()):
            net["batch"] = {"kind": "cells", "m": draw(st.integers(1, N)), "normalize": draw(st.booleans())}
        return {"network": net}
    if kind in ("monotone-descent", "pointwise-convergence", "rate-t13", "time-to-exactness", "boundary-value"):
        N = draw(st.sampled_from([2, 2, 2, 1, 3]))
        net = _d0(N=N)
        if draw(st.booleans()):
            net["eta"] = draw(st.sampled_from(["1/20", "1/10", "1/40", "1/5", "3/50"]))
        if kind == "monotone-descent" and draw(st.booleans()):
            net["relu_grad_at_0"] = "1"
        pts = [draw(near_threshold_points(N)) for _ in range(draw(st.integers(1, 3)))]
        if kind == "boundary-value":
            pts.append(Fraction(draw(st.sampled_from([1, -1])), 2))
        elif kind != "time-to-exactness":
            pts.append(Fraction(draw(st.integers(-15, 15)), 16))
        pts = [p for p in pts if -1 <= p < 1]
        params = {"x": [text(p) for p in pts]}
        # no user constants (params.C, c1, c2, T) here: a wrong one is refuted as the user's constant,
        # which is a counterexample to that statement, not to the paper's claim this search is about
        return {"network": net, "params": params}
    if kind == "minibatch-cells":
        m = draw(st.integers(1, 3))
        return {"network": _d0(N=2, batch={"kind": "cells", "m": m, "normalize": draw(st.booleans())}),
                "params": {"x": [text(draw(near_threshold_points(2)))], "t": "256"}}
    if kind == "finite-data-freeze":
        X = sorted({draw(st.integers(-7, 7)) for _ in range(draw(st.integers(1, 5)))})
        return {"network": _d0(batch={"kind": "data", "X": [[text(Fraction(k, 8))] for k in X]}),
                "params": {"x": [text(Fraction(draw(st.integers(-19, 19)), 20))]}}
    if kind == "dead-ramp":
        how = draw(st.sampled_from(["negative", "beyond", "zero"]))
        if how == "negative":
            init = [Fraction(draw(st.integers(0, 4))), -Fraction(draw(st.integers(1, 4)))]
        elif how == "beyond":
            a = Fraction(draw(st.integers(1, 8)))
            b = 1 + 1 / a + Fraction(draw(st.integers(0, 4)), 4)
            init = [-a, a * b]
        else:
            init = [Fraction(0), Fraction(0)]
        return {"network": _d0(init=[text(v) for v in init]),
                "params": {"x": [text(Fraction(draw(st.integers(-9, 9)), 10))]}}
    if kind == "step-too-large":
        eta = draw(st.sampled_from([Fraction(86), Fraction(600, 7), Fraction(100), Fraction(10 ** 4)]))
        return {"network": _d0(eta=text(eta)), "params": {"x": [text(Fraction(draw(st.integers(-9, 9)), 10))]}}
    if kind == "ab-head-fixed-step":
        a = Fraction(19583863, 10 ** 6) + Fraction(draw(st.integers(-50, 50)), 10 ** 6)
        lam = Fraction(873932, 10 ** 6) + Fraction(draw(st.integers(-50, 50)), 10 ** 6)
        x = draw(st.sampled_from([Fraction(51, 100), Fraction(-51, 100), Fraction(13, 25), Fraction(101, 200)]))
        return {"network": _d0(head="ab", init=[text(a), text(Fraction(1, 4) + lam / a)]), "params": {"x": [text(x)]}}
    if kind == "threshold-n0":
        a = Fraction(draw(st.sampled_from([4, 8, 16])))
        lam = Fraction(draw(st.integers(3, 5)), 8)
        x = Fraction(draw(st.integers(11, 15)), 40) * draw(st.sampled_from([1, -1]))
        return {"network": _d0(N=0, init=[text(-a), text(lam + a / 2)]), "params": {"x": [text(x)]}}
    if kind == "d2-step-limit":
        dw, dc = (Fraction(draw(st.integers(-5, 5)), 10 ** 6) for _ in range(2))
        x = [Fraction(draw(st.sampled_from([3, 5, 6])), 16), Fraction(draw(st.sampled_from([4, 5, 6])), 16)]
        w, c = Fraction(-120195877, 10 ** 7) + dw, Fraction(44400707, 10 ** 7) + dc  # near the minimizer over ramps
        return {"network": _d0(d=2, N=1, init=[text(w), text(c)]),
                "params": {"x": [_point_text(x)]}}
    raise ValueError(f"unknown yoneda23 instance kind {kind!r}")
