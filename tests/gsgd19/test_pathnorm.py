"""Certified L^q path-norms (gsgd19 claim 13, planted 16, variants q0-structural / q0-support).

Oracles: exact `fmpq` DP vs explicit path enumeration; every enclosure (arb ball, log-domain,
fast float64) is checked against the exact rational value with exact endpoint comparisons."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from flint import arb, fmpq
from hypothesis import assume, given
from hypothesis import strategies as st

from verify.dag import DagNetwork
from verify.errors import InputError
from verify.numbers import ball_bounds, contains, precision
from verify.gsgd19.paths import enumerate_paths, path_values
from verify.gsgd19.pathnorm import (
    float_in_enclosure, log10_pathnorm, log_pathnorm, log_pathnorm_fast, mlp_from_floats, pathnorm_ball,
    pathnorm_float_toolkit, pathnorm_q_enumerated, pathnorm_q_exact, pathnorm_relu6_forward,
    toolkit_rounding_bound, widen_relative,
)

QS = st.sampled_from([0, 1, 2, 3])
Q0 = st.sampled_from(["structural", "support"])


# ---------------------------------------------------------------------------------------------
# strategies


@st.composite
def weights(draw) -> fmpq:
    """Signed rationals: small fractions, exact zeros, powers of two over the whole float64
    range and beyond (2^±1074), float64 values."""
    kind = draw(st.sampled_from(["small", "small", "small", "zero", "pow2", "extreme", "float"]))
    sgn = draw(st.sampled_from([1, -1]))
    if kind == "zero":
        return fmpq(0)
    if kind == "small":
        return fmpq(draw(st.integers(-9, 9)), draw(st.integers(1, 7)))
    if kind == "pow2":
        return sgn * fmpq(2) ** draw(st.integers(-1074, 1023))
    if kind == "extreme":
        return sgn * fmpq(2) ** draw(st.sampled_from([-1074, 1074, -1000, 1000, -1022, 1023]))
    f = draw(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False))
    return fmpq(*f.as_integer_ratio())


@st.composite
def mlps(draw, max_depth: int = 4, max_width: int = 3) -> DagNetwork:
    L = draw(st.integers(1, max_depth))
    widths = [draw(st.integers(1, max_width)) for _ in range(L + 1)]
    W = [[[draw(weights()) for _ in range(widths[l + 1])] for _ in range(widths[l])] for l in range(L)]
    b = None
    if draw(st.booleans()):
        b = [[draw(weights()) for _ in range(widths[l + 1])] for l in range(L)]
    return DagNetwork.mlp(widths, W, b)


@st.composite
def dags(draw) -> DagNetwork:
    """Random DAGs in topological order (inputs, hidden, outputs), skip edges, dead ends and
    unreachable nodes allowed, optional biases on any non-input node."""
    d, H, K = draw(st.integers(1, 3)), draw(st.integers(0, 4)), draw(st.integers(1, 2))
    kinds = ("input",) * d + ("hidden",) * H + ("output",) * K
    n = len(kinds)
    edges, ws = [], []
    for a in range(n):
        for b in range(a + 1, n):
            if kinds[a] == "output" or kinds[b] == "input":
                continue
            if draw(st.integers(0, 9)) < 6:
                edges.append((a, b))
                ws.append(draw(weights()))
    bias_nodes = tuple(j for j in range(d, n) if draw(st.booleans()))
    biases = tuple(draw(weights()) for _ in bias_nodes)
    return DagNetwork(kinds, tuple(edges), tuple(ws), bias_nodes, biases)


networks = st.one_of(mlps(), dags())


@st.composite
def float_entry(draw) -> float:
    kind = draw(st.sampled_from(["normal", "normal", "normal", "zero", "pow2", "tiny"]))
    sgn = draw(st.sampled_from([1.0, -1.0]))
    if kind == "zero":
        return 0.0
    if kind == "normal":
        return draw(st.floats(-4, 4, allow_nan=False, allow_infinity=False))
    if kind == "pow2":
        return sgn * math.ldexp(draw(st.floats(0.5, 1.0, exclude_max=True)), draw(st.integers(-1073, 1024)))
    return sgn * math.ldexp(1.0, draw(st.sampled_from([-1074, -1060, -1022, -1000, -600, -500])))


@st.composite
def float_mlps(draw):
    """(Ws, biases) float64 layers with zeros, subnormals and per-layer scalings 2^±500, 2^±1000."""
    L = draw(st.integers(1, 4))
    widths = [draw(st.integers(1, 4)) for _ in range(L + 1)]
    Ws = []
    for l in range(L):
        A = np.array([draw(float_entry()) for _ in range(widths[l] * widths[l + 1])]).reshape(widths[l], widths[l + 1])
        shift = draw(st.sampled_from([0, 0, 0, 30, -30, 500, -500, 1000, -1000]))
        with np.errstate(over="ignore"):
            A = np.ldexp(A, shift)
        assume(np.isfinite(A).all())
        Ws.append(A)
    bs = None
    if draw(st.booleans()):
        bs = [np.array([draw(float_entry()) for _ in range(widths[l + 1])]) for l in range(L)]
    return Ws, bs


# ---------------------------------------------------------------------------------------------
# helpers


def log_ball_inside(enclosure: arb, S: fmpq, base10: bool = False, root: int = 1) -> bool:
    """Sound test that log(S)/root (log10 if ``base10``) lies in ``enclosure``: a 600-bit ball of
    it must lie inside the enclosure (exact endpoint comparisons)."""
    with precision(600):
        x = arb(S).log()
        if base10:
            x = x / arb(10).log()
        x = x / root
    inner, outer = ball_bounds(x), ball_bounds(enclosure)
    return outer is not None and outer[0] <= inner[0] and inner[1] <= outer[1]


def root_contains(ball: arb, S: fmpq, q: int) -> bool:
    """S^{1/q} ∈ ball, exactly: lo^q ≤ S ≤ hi^q with the ball's rational endpoints (lo ≥ 0)."""
    lo, hi = ball_bounds(ball)
    lo = max(lo, fmpq(0))
    return lo ** q <= S <= hi ** q


def zero_path_count(net: DagNetwork) -> int:
    return sum(1 for v in path_values(net, enumerate_paths(net)) if v == 0)


# ---------------------------------------------------------------------------------------------
# exact values


@given(networks, QS, Q0)
def test_exact_dp_equals_enumeration(net, q, q0):
    assert pathnorm_q_exact(net, q, q0=q0) == pathnorm_q_enumerated(net, q, q0=q0)
    assert pathnorm_q_exact(net, q, q0=q0, biases=False) == pathnorm_q_enumerated(net, q, q0=q0, biases=False)


@given(networks)
def test_q0_variants_differ_exactly_by_zero_paths(net):
    structural = pathnorm_q_exact(net, 0, q0="structural")
    support = pathnorm_q_exact(net, 0, q0="support")
    zeros = zero_path_count(net)
    assert structural == len(enumerate_paths(net))
    assert structural - support == zeros
    has_zero_weight = any(w == 0 for w in net.theta)
    if not has_zero_weight:
        assert structural == support
    if structural != support:
        assert has_zero_weight


@given(networks, st.sampled_from([1, 2, 3]))
def test_q0_is_irrelevant_for_positive_q(net, q):
    assert pathnorm_q_exact(net, q, q0="structural") == pathnorm_q_exact(net, q, q0="support")


def test_small_examples():
    net = DagNetwork.mlp([2, 2, 1], [[[1, 0], [fmpq(-1, 2), 3]], [[2], [-1]]], [[0, 1], [5]])
    # paths x0→h0→y: 1·2, x0→h1→y: 0, x1→h0→y: (−1/2)·2, x1→h1→y: 3·(−1); bias paths 0·2, 1·(−1), 5
    assert pathnorm_q_exact(net, 1) == 2 + 0 + 1 + 3 + 0 + 1 + 5
    assert pathnorm_q_exact(net, 2) == 4 + 0 + 1 + 9 + 0 + 1 + 25
    assert pathnorm_q_exact(net, 0) == 7
    assert pathnorm_q_exact(net, 0, q0="support") == 5
    assert pathnorm_q_exact(net, 1, biases=False) == 6


@given(networks, QS, Q0, st.data())
def test_rescaling_invariance(net, q, q0, data):
    c = [data.draw(st.one_of(
        st.builds(lambda k: fmpq(2) ** k, st.sampled_from([1000, -1000, 1, -1, 37])),
        st.builds(lambda k: fmpq(2) ** k, st.integers(-1074, 1023)),
        st.builds(fmpq, st.integers(1, 50), st.integers(1, 50)),
        st.builds(lambda f: fmpq(*f.as_integer_ratio()), st.floats(1e-300, 1e300)),
    )) for _ in range(net.H)]
    assert pathnorm_q_exact(net.scale(c), q, q0=q0) == pathnorm_q_exact(net, q, q0=q0)


def test_planted_16_relu6_forward():
    net = DagNetwork.mlp([1, 1, 1], [[[10]], [[1]]])
    assert pathnorm_relu6_forward(net, 1) == 6
    assert pathnorm_q_exact(net, 1) == 10
    assert pathnorm_q_enumerated(net, 1) == 10
    assert float_in_enclosure(10.0, pathnorm_ball(net, 1).norm)
    assert not float_in_enclosure(6.0, pathnorm_ball(net, 1).norm)


@given(networks, QS)
def test_relu6_forward_agrees_below_six(net, q):
    """With ReLU6 kept the forward pass equals the path-norm iff nothing is clipped; it never
    over-counts."""
    f6 = pathnorm_relu6_forward(net, q)
    assert f6 <= pathnorm_q_exact(net, q)


# ---------------------------------------------------------------------------------------------
# arb enclosures


@given(networks, QS, Q0)
def test_ball_contains_exact(net, q, q0):
    S = pathnorm_q_exact(net, q, q0=q0)
    enc = pathnorm_ball(net, q, q0=q0)
    assert contains(enc.power_sum, S)
    if q == 0:
        assert contains(enc.norm, S)
    else:
        assert root_contains(enc.norm, S, q)


@given(networks, st.sampled_from(["1/2", fmpq(3, 2), Fraction(1, 3)]))
def test_ball_rational_q_consistent_with_log(net, q):
    enc = pathnorm_ball(net, q, prec=256)
    ln = log_pathnorm(net, q, prec=256)
    if ln is None:
        assert ball_bounds(enc.power_sum)[1] >= 0 and contains(enc.power_sum, 0)
    else:
        with precision(256):
            assert enc.power_sum.overlaps(ln.exp())


@given(networks, QS, Q0)
def test_log_domain_contains_exact(net, q, q0):
    S = pathnorm_q_exact(net, q, q0=q0)
    ln = log_pathnorm(net, q, q0=q0)
    l10 = log10_pathnorm(net, q, q0=q0)
    if S == 0:
        assert ln is None and l10 is None
    else:
        assert log_ball_inside(ln, S)
        assert log_ball_inside(l10, S, base10=True, root=max(q, 1))


def test_log_domain_extreme_range():
    # 1-1-…-1 chain of 10 weights 10^1000: S = 10^10000 exactly (q = 1); 10^-1000: 10^-10000
    for k in (1000, -1000):
        w = fmpq(10) ** k
        net = DagNetwork.mlp([1] * 11, [[[w]]] * 10)
        l10 = log10_pathnorm(net, 1)
        assert contains(l10, 10 * k)
        assert contains(log10_pathnorm(net, 2), 10 * k)
    # 2^±1074 weights on a wide layer
    net = DagNetwork.mlp([2, 3, 1], [[[fmpq(2) ** 1074] * 3, [fmpq(2) ** -1074] * 3], [[fmpq(2) ** 1074]] * 3])
    S = pathnorm_q_exact(net, 3)
    assert log_ball_inside(log_pathnorm(net, 3), S)
    assert contains(pathnorm_ball(net, 3).power_sum, S)


def test_arb_weights():
    """Ball weights: the result contains the value for every weight inside the balls."""
    with precision(64):
        w1 = arb("2 +/- 0.5")
        w0 = arb("0 +/- 0.25")
    net = DagNetwork.mlp([1, 2, 1], [[[w1, w0]], [[fmpq(3)], [fmpq(1)]]])
    enc = pathnorm_ball(net, 1)
    for a in (fmpq(3, 2), fmpq(5, 2)):
        for z in (fmpq(-1, 4), fmpq(0), fmpq(1, 4)):
            exact = pathnorm_q_exact(DagNetwork.mlp([1, 2, 1], [[[a, z]], [[3], [1]]]), 1)
            assert contains(enc.power_sum, exact)
    with pytest.raises(InputError):
        log_pathnorm(net, 1)


# ---------------------------------------------------------------------------------------------
# the fast float64 method


def _check_fast(Ws, bs, q, q0="structural"):
    net = mlp_from_floats(Ws, bs)
    S = pathnorm_q_exact(net, q, q0=q0)
    r = log_pathnorm_fast(Ws, q, bs, q0=q0)
    if S == 0:
        assert r.log10_sum is None and r.log10_norm is None
        assert r.hi == 0
        return r
    assert r.log10_sum is not None
    assert r.contains(S)
    assert log_ball_inside(r.log10_sum, S, base10=True)
    assert log_ball_inside(r.log10_norm, S, base10=True, root=max(q, 1))
    assert contains(r.sum_ball(), S)
    return r


@given(float_mlps(), st.sampled_from([0, 1, 2, 3, 4]), Q0)
def test_fast_contains_exact(net, q, q0):
    Ws, bs = net
    _check_fast(Ws, bs, q, q0)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("q", [1, 2])
def test_fast_moderate_nets_tight(seed, q):
    rng = np.random.default_rng(seed)
    widths = [8, 32, 32, 32, 4]
    Ws = [rng.standard_normal((widths[l], widths[l + 1])) * math.sqrt(2 / widths[l]) for l in range(4)]
    bs = [rng.standard_normal(widths[l + 1]) * 0.1 for l in range(4)] if seed % 2 else None
    r = _check_fast(Ws, bs, q)
    assert r.method == "float64" and r.underflow_free
    assert r.relative_width < 1e-9
    # the toolkit float lies in the exact value's enclosure widened by its own a-priori bound (q = 1)
    if q == 1:
        S = pathnorm_q_exact(mlp_from_floats(Ws, bs), 1)
        with precision(128):
            enc = widen_relative(arb(S), toolkit_rounding_bound(Ws, 1, bs))
        assert float_in_enclosure(pathnorm_float_toolkit(Ws, 1, bs), enc)


@pytest.mark.parametrize("k", [500, -500, 1000, -1000])
@pytest.mark.parametrize("q", [1, 2, 3])
def test_fast_rescaled_hidden_nodes(k, q):
    """Rescaling hidden nodes by 2^±k (exact in float64 here) leaves the exact value and the
    fast enclosure's containment unchanged, even where the toolkit overflows or underflows."""
    rng = np.random.default_rng(abs(k) + q)
    widths = [3, 4, 4, 2]
    Ws = [rng.standard_normal((widths[l], widths[l + 1])) for l in range(3)]
    Ws[1][0, 1] = 0.0  # would be scaled by 2^∓2k (not representable for k = 1000)
    Ws2 = [W.copy() for W in Ws]
    # hidden node 0 of layer 1: incoming × 2^k, outgoing × 2^-k; node 1 of layer 2 the other way
    Ws2[0][:, 0] = np.ldexp(Ws2[0][:, 0], k)
    Ws2[1][0, :] = np.ldexp(Ws2[1][0, :], -k)
    Ws2[1][:, 1] = np.ldexp(Ws2[1][:, 1], -k)
    Ws2[2][1, :] = np.ldexp(Ws2[2][1, :], k)
    S = pathnorm_q_exact(mlp_from_floats(Ws, None), q)
    assert pathnorm_q_exact(mlp_from_floats(Ws2, None), q) == S
    for W in (Ws, Ws2):
        r = log_pathnorm_fast(W, q)
        assert r.contains(S)
        assert log_ball_inside(r.log10_sum, S, base10=True)


def test_fast_beyond_float_range():
    # overflow: 2-2-2-1 with weights 2^600: S = 2·2·2·2^1800 (q = 1)
    W = [np.full((2, 2), 2.0 ** 600), np.full((2, 2), 2.0 ** 600), np.full((2, 1), 2.0 ** 600)]
    assert pathnorm_float_toolkit(W, 1) == math.inf
    r = _check_fast(W, None, 1)
    assert r.underflow_free and contains(r.log10_sum * arb(10).log() / arb(2).log(), 1803)
    # underflow: q = 3, weights 2^-400
    W = [np.full((2, 2), 2.0 ** -400), np.full((2, 1), 2.0 ** -400)]
    assert pathnorm_float_toolkit(W, 3) == 0.0
    r = _check_fast(W, None, 3)
    assert r.underflow_free
    with precision(128):
        assert contains(r.log10_sum * arb(10).log() / arb(2).log(), 2 - 2400)
    # subnormal weights force the absolute-error branch; still contains the exact value
    W = [np.array([[2.0 ** -1074, 1.0], [3.0, 2.0 ** -1070]]), np.array([[1.0], [2.0 ** -1060]])]
    _check_fast(W, [np.array([0.0, 2.0 ** -1074]), np.array([1e-300])], 1)
    _check_fast(W, None, 2)


def test_fast_exact_zeros_and_fallback():
    W = [np.array([[0.0, 1.0]]), np.array([[1.0], [0.0]])]
    r = _check_fast(W, None, 1, "support")
    assert r.log10_sum is None and r.hi == 0  # S = 0 certified
    assert _check_fast(W, None, 0, "structural").contains(2)
    # non-integer q falls back to the arb log-domain DP
    r = log_pathnorm_fast([np.array([[4.0, 9.0]]), np.array([[1.0], [1.0]])], "1/2")
    assert r.method == "arb-log-dp"
    assert contains(r.log10_sum * arb(10).log() / arb(5).log(), 1)  # √4 + √9 = 5


def test_float_in_enclosure():
    with precision(40):
        ball = arb(fmpq(1, 3))  # radius ≈ 2^-42 > |fl(1/3) − 1/3|
    assert float_in_enclosure(1 / 3, ball)
    with precision(80):
        assert not float_in_enclosure(1 / 3, arb(fmpq(1, 3)))  # too tight for the float
    assert not float_in_enclosure(math.inf, ball)
    assert not float_in_enclosure(math.nan, ball)
    assert not float_in_enclosure(0.5, ball)
    assert float_in_enclosure(0.5, fmpq(1, 2))
    assert not float_in_enclosure(0.1, fmpq(1, 10))  # the float 0.1 is not 1/10


# ---------------------------------------------------------------------------------------------
# bad input


def test_bad_input():
    net = DagNetwork.mlp([1, 1, 1], [[[10]], [[1]]])
    for f in (pathnorm_q_exact, pathnorm_q_enumerated, pathnorm_ball, log_pathnorm, pathnorm_relu6_forward):
        with pytest.raises(InputError, match="q"):
            f(net, -1)
        with pytest.raises(InputError, match="q"):
            f(net, math.nan)
        with pytest.raises(InputError):
            f(net, True)
    for f in (pathnorm_q_exact, pathnorm_q_enumerated, pathnorm_relu6_forward):
        with pytest.raises(InputError, match="integer q"):
            f(net, "1/2")
        with pytest.raises(InputError, match="integer q"):
            f(net, 0.5)
        with pytest.raises(InputError, match="rational"):
            f(net, arb("0.5 +/- 0.1"))
    with pytest.raises(InputError, match="q0"):
        pathnorm_q_exact(net, 0, q0="nonzero")
    with pytest.raises(InputError, match="exact rational"):
        pathnorm_q_exact(DagNetwork.mlp([1, 1], [[[arb("1 +/- 0.1")]]]), 1)
    assert pathnorm_q_exact(net, 2.0) == 100  # an integral float is an integer
    with pytest.raises(InputError, match="finite"):
        log_pathnorm_fast([np.array([[math.inf]])], 1)
    with pytest.raises(InputError, match="columns"):
        log_pathnorm_fast([np.ones((2, 3)), np.ones((2, 1))], 1)
    with pytest.raises(InputError, match="biases"):
        log_pathnorm_fast([np.ones((2, 3))], 1, [np.ones(2)])
    with pytest.raises(InputError, match="q"):
        log_pathnorm_fast([np.ones((2, 3))], -2)
    with pytest.raises(InputError, match="dtype"):
        log_pathnorm_fast([np.ones((2, 3), dtype=complex)], 1)
