"""Hypothesis strategies for gsgd19 (path values and G-SGD, §2 generators G-arch, G-w, G-c, G-x, G-eta).

Composable public strategies built on `verify.strategies`; the family's claims attach them
(``Claim.instances``) and ``relu-verify search`` draws from them.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from ..strategies import text, rationals


@st.composite
def path_weights(draw, zero_probability: float = 0.0, extreme: bool = True) -> Fraction:
    """G-w: a signed rational with a bounded denominator, a signed power of two 2^k (k ∈ [−60, 60],
    occasionally 2^±1074 where float64 would underflow or overflow), or an exact zero with
    probability ``zero_probability``."""
    u = draw(st.floats(0, 1, exclude_max=True))  # u < p has probability p, also for p = 1
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
                                                                    and draw(st.floats(0, 1, exclude_max=True)) < 0.6)]
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
    from ..dag import DagNetwork

    parsed = DagNetwork.from_json(net)
    xs = [[draw(rationals(extreme=False, floats=False, zero_probability=0.2)) for _ in range(parsed.d)]
          for _ in range(count)]
    if draw(st.floats(0, 1, exclude_max=True)) < kink:
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
    from ..dag import DagNetwork
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
