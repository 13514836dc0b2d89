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
``params``; ``relu-verify search`` draws from it.  Each paper's own strategies live in its package
(``verify.gsgd19.strategies.path_instances``, …) and are reachable here by name as well
(``verify.strategies.path_instances``), through `verify.registry.register_strategies`.

    >>> from hypothesis import given
    >>> from verify import strategies as vst
    >>> @given(vst.shallow_instances(d=1))
    ... def test_identity(inst):
    ...     assert verify.check("cjrr21.lyapunov-identity", inst).status != "VIOLATED"
"""

from __future__ import annotations

import functools
from fractions import Fraction

from hypothesis import strategies as st

# Strategy objects are built once and reused: Hypothesis validates every new strategy object on its
# first draw, which cost more than the draws themselves when each composite call built its own
# ``st.integers(…)``.  Coins are small integers, not floats in [0, 1]: an integer draw is cheaper,
# and a float coin maps a continuum of choices onto one outcome (most duplicate instances were
# ``u < p`` coins that differed only in u).
_PERCENT = st.integers(0, 99)


@functools.lru_cache(maxsize=4096)
def _ints(lo: int, hi: int):
    return st.integers(lo, hi)


def _pick(values):
    """``st.sampled_from(values)``, one shared object per tuple of hashable values."""
    try:
        return _sampled(tuple(values))
    except TypeError:  # unhashable values
        return st.sampled_from(values)


@functools.lru_cache(maxsize=4096)
def _sampled(values: tuple):
    return st.sampled_from(values)


@functools.lru_cache(maxsize=None)
def _float_in(bound):
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


def _chance(draw, p: float) -> bool:
    """True with probability about ``p`` (whole percent; no draw at all when p ≤ 0 or p ≥ 1)."""
    if p <= 0:
        return False
    if p >= 1:
        return True
    return draw(_PERCENT) < max(1, round(100 * p))


def text(q: Fraction) -> str:
    """The exact JSON text of a rational: ``"p/q"`` or an integer string."""
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@st.composite
def _rationals(draw, max_denominator, zero_probability, extreme, bound, floats) -> Fraction:
    u = draw(_PERCENT)
    if u < round(100 * zero_probability):
        return Fraction(0)
    if floats and 90 < u <= 93:
        return Fraction(draw(_float_in(bound)))
    if extreme and u > 95:
        mag = draw(_EXTREME_MAGNITUDES)
        return mag * draw(_SIGN) * draw(_ints(1, 7))
    den = draw(_ints(1, max_denominator))
    num = draw(_ints(-bound * den, bound * den))
    return Fraction(num, den)


_EXTREME_MAGNITUDES = st.sampled_from([Fraction(10 ** 3), Fraction(10 ** 6), Fraction(2 ** 60), Fraction(1, 2 ** 60),
                                       Fraction(1, 10 ** 9)])
_SIGN = st.sampled_from([1, -1])


@functools.lru_cache(maxsize=None)
def rationals(max_denominator: int = 16, zero_probability: float = 0.3, extreme: bool = True,
              bound: int = 8, floats: bool = True):
    """A rational with small denominator; exact zeros about ``zero_probability`` of the time;
    with ``extreme``, occasionally huge (10³..10⁶, 2^±60) or tiny values; with ``floats``,
    occasionally a float64 in [−bound, bound] (its exact binary value, denominator up to 2⁵²).
    (One strategy object per argument tuple, shared: strategies are immutable.)"""
    return _rationals(max_denominator, zero_probability, extreme, bound, floats)


_BOX_KINDS = st.sampled_from(["unit", "sym", "positive", "negative", "narrow", "random"])


def _box(draw, d: int) -> list[tuple[Fraction, Fraction]]:
    out = []
    for _ in range(d):
        kind = draw(_BOX_KINDS)
        if kind == "unit":
            a, b = Fraction(0), Fraction(1)
        elif kind == "sym":
            m = draw(_ints(1, 3))
            a, b = Fraction(-m), Fraction(m)
        elif kind == "positive":
            a = Fraction(draw(_ints(1, 8)), draw(_ints(1, 4)))
            b = a + Fraction(draw(_ints(1, 8)), draw(_ints(1, 4)))
        elif kind == "negative":
            b = -Fraction(draw(_ints(0, 8)), draw(_ints(1, 4)))
            a = b - Fraction(draw(_ints(1, 8)), draw(_ints(1, 4)))
        elif kind == "narrow":
            a = Fraction(draw(_ints(-4, 4)), 2)
            b = a + Fraction(1, 1000)
        else:
            a = draw(rationals(extreme=False, zero_probability=0.2))
            b = a + Fraction(draw(_ints(1, 16)), draw(_ints(1, 8)))
        out.append((a, b))
    return out


@st.composite
def boxes(draw, d: int) -> list[tuple[Fraction, Fraction]]:
    """[a_j, b_j] with a_j < b_j: containing 0, excluding 0, narrow (width 10⁻³) and wide."""
    return _box(draw, d)


_NEURON_KINDS = st.sampled_from(["generic"] * 5 + ["kink-at-a", "kink-at-b", "w-zero", "degenerate", "dead",
                                                   "v-zero"])
_KINK_SLOPES = st.sampled_from([1, -1, 2, -3])
_W_ZERO_BIASES = st.sampled_from([Fraction(1), Fraction(0), Fraction(-1)])
_DEAD_MARGINS = st.sampled_from([Fraction(0), Fraction(1, 2)])


def _neuron(draw, d: int, box) -> tuple[list[Fraction], Fraction, Fraction]:
    # the kind first, then only the values it keeps (a value drawn and then overwritten made
    # many choice sequences one instance: duplicate draws)
    kind = draw(_NEURON_KINDS)
    if kind in ("w-zero", "degenerate"):
        w = [Fraction(0)] * d
        b = draw(_W_ZERO_BIASES) * draw(_ints(1, 3)) if kind == "w-zero" else Fraction(0)
        v = draw(rationals(zero_probability=0.1))
        return w, b, (v or Fraction(1)) if kind == "degenerate" else v
    w = [draw(rationals()) for _ in range(d)]
    if kind in ("kink-at-a", "kink-at-b"):
        j = 0
        if w[j] == 0:
            w[j] = Fraction(draw(_KINK_SLOPES))
        end = box[j][0] if kind == "kink-at-a" else box[j][1]
        b = -w[j] * end - sum((w[k] * box[k][0] for k in range(1, d)), Fraction(0))
    elif kind == "dead":
        # pre-activation ≤ 0 on the box, with maximum exactly 0 at a corner
        corner_max = sum((max(wj * a, wj * bb) for wj, (a, bb) in zip(w, box)), Fraction(0))
        b = -corner_max - draw(_DEAD_MARGINS)
    else:
        b = draw(rationals())
    v = Fraction(0) if kind == "v-zero" else draw(rationals(zero_probability=0.1))
    return w, b, v


@st.composite
def neurons(draw, d: int, box) -> tuple[list[Fraction], Fraction, Fraction]:
    """(𝔴_i, 𝔟_i, 𝔳_i) for one hidden neuron, with the adversarial cases of S-EDGE."""
    return _neuron(draw, d, box)


_TINY = st.sampled_from([Fraction(0), Fraction(1, 2 ** 40)])


def _output_bias(zero: bool):
    """The strategy of the output bias 𝔠 (never 0 on the zero network: 𝒩 ≡ 0 is a duller case)."""
    return rationals(zero_probability=0 if zero else 0.3)


def _shallow_network(draw, d: int, box, max_width: int = 5, zero_probability: float = 0.1,
                     degenerate: float = 0.0, output_bias: bool = True) -> dict:
    """Without ``output_bias``, 𝔠 is left at 0 undrawn (the caller sets it) and the network dict
    says whether it is the zero network under the key ``"_zero"``."""
    H = draw(_ints(1, max_width))
    zero = _chance(draw, zero_probability)
    if zero:
        ns = [([Fraction(0)] * d, Fraction(0), Fraction(0)) for _ in range(H)]
    else:
        # the cancelling pair and the degenerate first neuron are drawn before the neurons they
        # replace, which are then not drawn (as with 𝔠 in `shallow_instances`)
        pair = H >= 2 and draw(_ints(0, 5)) == 0  # a cancelling pair: same (𝔴, 𝔟), opposite 𝔳
        tiny = draw(_TINY) if pair else None  # exact or near cancellation
        degenerate_first = _chance(draw, degenerate)
        ns = []
        for i in range(H):
            if i == 1 and pair:
                ns.append((list(ns[0][0]), ns[0][1], -ns[0][2] + tiny))
            elif i == 0 and degenerate_first and not pair:  # (with a pair, neuron 0 is its model)
                ns.append(([Fraction(0)] * d, Fraction(0), draw(rationals(zero_probability=0)) or Fraction(1)))
            else:
                ns.append(_neuron(draw, d, box))
        if degenerate_first and pair:
            ns[0] = ([Fraction(0)] * d, Fraction(0), draw(rationals(zero_probability=0)) or Fraction(1))
    c = draw(_output_bias(zero)) if output_bias else Fraction(0)
    theta = [x for w, _, _ in ns for x in w] + [b for _, b, _ in ns] + [v for _, _, v in ns] + [c]
    return {"widths": [d, H, 1], "theta": [text(t) for t in theta], **({} if output_bias else {"_zero": zero})}


@st.composite
def shallow_networks(draw, d: int, box, max_width: int = 5, zero_probability: float = 0.1,
                     degenerate: float = 0.0):
    """{"widths": [d, H, 1], "theta": [...]} in the block layout of cjrr21 §2.1; with probability
    about ``zero_probability`` every hidden parameter is 0 (only the output bias 𝔠 is free), and
    with probability about ``degenerate`` the first neuron is fully degenerate (𝔴 = 0, 𝔟 = 0, 𝔳 ≠ 0)."""
    return _shallow_network(draw, d, box, max_width, zero_probability, degenerate)


_ATOM_WEIGHT_NUM = st.integers(0, 4)
_ATOM_WEIGHT_DEN = st.integers(1, 4)


def _measure(draw, d: int, box, kinds=("lebesgue", "uniform", "empirical")) -> dict:
    kind = draw(_pick(tuple(kinds)))
    if kind in ("lebesgue", "uniform"):
        return {"kind": kind, "box": [[text(a), text(b)] for a, b in box]}
    n = draw(_ints(1, 5))
    pts = []
    for _ in range(n):
        p = []
        for a, b in box:
            k = draw(_ints(0, 3))  # a, b, the midpoint, or a + (b − a)·j/8
            p.append((a, b, (a + b) / 2)[k] if k < 3 else a + (b - a) * Fraction(draw(_ints(0, 8)), 8))
        pts.append([text(t) for t in p])
    if n > 1 and draw(st.booleans()):
        pts[-1] = pts[0]  # a repeated atom
    weights = [text(Fraction(draw(_ATOM_WEIGHT_NUM), draw(_ATOM_WEIGHT_DEN))) for _ in pts]
    if all(w == "0" for w in weights):
        weights[0] = "1"
    return {"kind": "empirical", "points": pts, "weights": weights}


@st.composite
def measures(draw, d: int, box, kinds=("lebesgue", "uniform", "empirical")):
    return _measure(draw, d, box, kinds)


def _deep_network(draw, d: int, widths=None, max_depth: int = 3, max_width: int = 3,
                  zero_probability: float = 0.15) -> dict:
    if widths is None:
        L = draw(_ints(2, max_depth))
        widths = [d] + [draw(_ints(1, max_width)) for _ in range(L)] + [1]
    n = sum((widths[k] + 1) * widths[k + 1] for k in range(len(widths) - 1))
    r = rationals(bound=3, extreme=False, zero_probability=zero_probability)
    theta = [draw(r) for _ in range(n)]
    return {"widths": list(widths), "theta": [text(t) for t in theta]}


@st.composite
def deep_networks(draw, d: int, widths=None, max_depth: int = 3, max_width: int = 3, zero_probability: float = 0.15):
    """{"widths": [d, H_1, …, H_L, 1], "theta": [...]}: L ≥ 2 hidden layers (layer by layer, each
    weight matrix row-major then its bias), exact zeros (about ``zero_probability`` of the
    entries) and dead units included."""
    return _deep_network(draw, d, widths, max_depth, max_width, zero_probability)


_CONSTANT_TARGETS = st.one_of(st.just(Fraction(0)), rationals(zero_probability=0))


def _target(draw, d: int, box, kinds=("constant",)) -> dict:
    kind = draw(_pick(tuple(k for k in kinds if d == 1 or k == "constant") or ("constant",)))
    if kind == "constant":
        xi = draw(_CONSTANT_TARGETS)
        return {"kind": "constant", "value": text(xi)}
    if kind == "polynomial":
        coeffs = [draw(rationals(extreme=False)) for _ in range(draw(_ints(2, 3)))]
        if coeffs[-1] == 0:
            coeffs[-1] = Fraction(1)
        return {"kind": "polynomial", "coefficients": [text(c) for c in coeffs]}
    a, b = box[0]
    xs = sorted({a, b, a + (b - a) * Fraction(draw(_ints(1, 7)), 8)})
    return {"kind": "piecewise-linear",
            "knots": [[text(x), text(draw(rationals(extreme=False)))] for x in xs]}


@st.composite
def targets(draw, d: int, box, kinds=("constant",)):
    """A target of one of ``kinds``: "constant", "polynomial" (d = 1, degree ≤ 2),
    "piecewise-linear" (d = 1, knots in the box, one possibly on a box end)."""
    return _target(draw, d, box, kinds)


_DIMENSIONS = st.sampled_from([1, 1, 1, 2])


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
        d = draw(_DIMENSIONS)
    # whether 𝔠 goes to its critical value is drawn first, and then 𝔠 is not drawn at all: a drawn
    # value that is then replaced made many choice sequences one instance (duplicate draws, and
    # Hypothesis' target phase mutating a choice that changes nothing)
    critical = _chance(draw, critical_bias)
    box = _box(draw, d)
    net = _shallow_network(draw, d, box, max_width, zero_probability, degenerate, output_bias=not critical)
    zero = net.pop("_zero", False)
    kinds = target_kinds or (("constant",) if constant_target else ("polynomial",))
    out = {"network": net, "target": _target(draw, d, box, kinds), "measure": _measure(draw, d, box, measure_kinds),
           "params": draw_params(draw, params)}
    if critical:
        moved = with_critical_bias(out)
        if moved is out:  # no critical value here (not exactly computable, or 𝒢_𝔠 free of 𝔠): draw 𝔠
            net["theta"][-1] = text(draw(_output_bias(zero)))
        out = moved
    return out


@st.composite
def deep_instances(draw, d: int = 1, max_depth: int = 3, max_width: int = 3,
                   measure_kinds=("lebesgue", "uniform", "empirical"), target_kinds=("constant",), params=None,
                   zero_probability: float = 0.15):
    """An instance dict with a network of two or more hidden layers (d = 1 integrates exactly)."""
    box = _box(draw, d)
    return {"network": _deep_network(draw, d, max_depth=max_depth, max_width=max_width,
                                     zero_probability=zero_probability),
            "target": _target(draw, d, box, target_kinds), "measure": _measure(draw, d, box, measure_kinds),
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
    from .framework import Instance
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


def as_instances(strategy):
    """The strategy of `verify.Instance` objects parsed from ``strategy``'s instance dicts (for your
    own ``@given`` tests; the search itself keeps dicts, which are the witness files)."""
    from .framework import Instance

    return strategy.map(Instance.from_json)


def __getattr__(name: str):
    """A strategy a family registered (`verify.registry.register_strategies`), by name."""
    if not name.startswith("_"):
        from .registry import STRATEGY_MODULES, load_plugins

        load_plugins()
        for module in STRATEGY_MODULES.values():
            found = vars(module).get(name)
            if callable(found) and getattr(found, "__module__", None) == module.__name__:
                return found
    raise AttributeError(f"module 'verify.strategies' has no attribute {name!r}")
