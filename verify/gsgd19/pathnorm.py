"""Certified L^q path-norms of ReLU networks (gsgd19 claim 13, planted 16, §8).

For a network with weights w (and biases, each an edge from a constant-1 source into a hidden or
output node) the q-th power of the path-norm is

    ‖Φ(w)‖_q^q = Σ_{p∈𝒫} |v_p(w)|^q,      v_p(w) = Π_{e∈p} w_e,

the sum running over every input→output path and every bias path (constant-1 source → one bias
edge into node j → … → an output).  Since |v_p|^q = Π_{e∈p} |w_e|^q for q > 0, the sum is the
output of the "|w|^q network" on an all-ones input with every ReLU replaced by the identity:

    s_i = 1 (inputs),   s_j = Σ_{a→j} s_a |w_{a→j}|^q + |b_j|^q   (the last term if j has a bias),
    ‖Φ‖_q^q = Σ_{outputs k} s_k,          ‖Φ‖_q = (‖Φ‖_q^q)^{1/q}   (no root for q = 0).

Conventions for |v|^q (and, edge by edge, for |w|^q):

* q > 0: |v|^q = exp(q·log|v|) for v ≠ 0 and 0^q = 0.  For integer q this is the ordinary power.
* q = 0, variant ``q0="structural"`` (gsgd19.pathnorm.q0-structural, the toolkit's
  ``torch.pow(0., 0) = 1``): |v|^0 = 1 for every v, zeros included, so the sum counts all
  structural paths (bias paths included, also through zero biases).
* q = 0, variant ``q0="support"`` (gsgd19.pathnorm.q0-support): |v|^0 = 1 if v ≠ 0 and 0 if
  v = 0, so the sum counts the paths with a nonzero value (= all of whose weights are nonzero).

Everything is 𝒢-invariant: rescaling a hidden node by c > 0 leaves every |v_p| unchanged.

Methods (each function's docstring says exactly what its result encloses):

* `pathnorm_q_exact`: exact `fmpq` value by the DP above (rational weights, integer q ≥ 0).
* `pathnorm_q_enumerated`: the same by enumerating paths (independent oracle for small nets).
* `pathnorm_ball`: `arb` enclosures of the power sum and of the norm, rational q ≥ 0.
* `log_pathnorm` / `log10_pathnorm`: log-domain DP in `arb` (rigorous log-sum-exp), no overflow
  or underflow at any depth or weight magnitude.
* `log_pathnorm_fast`: float64 matrix-vector DP for layered MLPs with per-layer power-of-two
  renormalisation and an a-priori rounding-error bound (Higham), returning a certified enclosure
  of log10 of the power sum; cost within a small factor of the toolkit's single float pass.
* `pathnorm_float_toolkit`: the toolkit's float64 single forward pass (comparison only).
* `pathnorm_relu6_forward`: the toolkit's planted bug (ReLU6 kept; planted 16).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from flint import arb, fmpq, fmpz

from ..dag import DagNetwork
from ..errors import InputError
from ..numbers import Undecided, arb_to_fmpq, ball_bounds, contains, parse_number, parse_rational, precision, sign

Q0_VARIANTS = ("structural", "support")

#: unit roundoff of IEEE binary64, round to nearest
U = fmpq(1, 2 ** 53)
#: smallest positive normal binary64 number, 2^-1022
TINY = fmpq(1, 2 ** 1022)
_TINY_F = 2.0 ** -1022

__all__ = [
    "Q0_VARIANTS", "PathNormEnclosure", "FastPathNorm",
    "pathnorm_q_exact", "pathnorm_q_enumerated", "pathnorm_ball", "log_pathnorm", "log10_pathnorm",
    "log_pathnorm_fast", "pathnorm_float_toolkit", "float_in_enclosure", "pathnorm_relu6_forward",
    "mlp_from_floats", "toolkit_rounding_bound", "widen_relative",
]


# ---------------------------------------------------------------------------------------------
# argument parsing


def _check_q0(q0: str) -> None:
    if q0 not in Q0_VARIANTS:
        raise InputError(f"q0 must be one of {Q0_VARIANTS}, got {q0!r}", "params.q0")


def _parse_q(q, *, integer: bool) -> fmpq:
    """q as an exact rational ≥ 0 (an integer if ``integer``); floats are taken as the exact
    binary value they denote."""
    where = "params.q"
    if isinstance(q, bool):
        raise InputError(f"q must be a number, got {q!r}", where)
    if isinstance(q, arb):
        if not (q.is_exact() and q.is_finite()):
            raise InputError(f"q must be an exact rational, got the ball {q}", where)
        q = arb_to_fmpq(q)
    elif isinstance(q, Fraction):
        q = fmpq(q.numerator, q.denominator)
    elif isinstance(q, (int, float, str, fmpz, fmpq, np.integer, np.floating)):
        if isinstance(q, np.integer):
            q = int(q)
        elif isinstance(q, np.floating):
            q = float(q)
        try:
            q = parse_number(q, where)
        except InputError as err:
            raise InputError(f"q must be a rational number ≥ 0: {err}", where) from None
        if isinstance(q, arb):
            raise InputError("q must be an exact rational, not a ball", where)
    else:
        raise InputError(f"q must be a rational number ≥ 0, got {type(q).__name__}", where)
    if q < 0:
        raise InputError(f"q must be ≥ 0, got {q}", where)
    if integer and q.q != 1:
        raise InputError(f"the exact path-norm needs an integer q ≥ 0 (|w|^q is irrational otherwise), got {q}; "
                         "use pathnorm_ball or log_pathnorm for rational q", where)
    return q


def _rational(x, where: str) -> fmpq:
    if isinstance(x, bool):
        raise InputError(f"expected a number, got {x!r}", where)
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    if isinstance(x, np.floating):
        x = float(x)
    if isinstance(x, np.integer):
        x = int(x)
    return parse_rational(x, where)


def _number(x, where: str):
    """A weight as `fmpq` (exact) or `arb` (ball)."""
    if isinstance(x, arb):
        if not x.is_finite():
            raise InputError(f"{x} is not a finite ball", where)
        return x
    return _rational(x, where)


def _theta(net: DagNetwork, biases: bool, exact: bool):
    """[(weight values)], [(node, bias value)] converted to fmpq (``exact``) or fmpq/arb."""
    conv = _rational if exact else _number
    w = [conv(x, f"network.weights[{e}]") for e, x in enumerate(net.weights)]
    b = {}
    if biases:
        for k, (j, x) in enumerate(zip(net.bias_nodes, net.biases)):
            b[j] = conv(x, f"network.biases[{k}]")
    return w, b


# ---------------------------------------------------------------------------------------------
# exact values


def _abs_pow_exact(w: fmpq, q: int, q0: str) -> fmpq:
    """|w|^q for an exact rational and integer q ≥ 0 under the q = 0 convention ``q0``."""
    if q == 0:
        return fmpq(1) if (q0 == "structural" or w != 0) else fmpq(0)
    return abs(w) ** q


def pathnorm_q_exact(net: DagNetwork, q, *, q0: str = "structural", biases: bool = True) -> fmpq:
    """The exact rational Σ_{p∈𝒫} |v_p(w)|^q (the q-th power of the path-norm, no root).

    Weights and biases must be exact rationals (`fmpq`, int, `Fraction`, float = its binary
    value, exact balls) and q an integer ≥ 0; 0^q = 0 for q ≥ 1, q = 0 follows ``q0`` (module
    docstring).  𝒫 contains every input→output path and, if ``biases``, every bias path.
    Computed by the DP s_j = Σ_{a→j} s_a |w_{a→j}|^q + |b_j|^q in topological order (O(m)
    exact operations)."""
    _check_q0(q0)
    qq = int(_parse_q(q, integer=True).p)
    w, b = _theta(net, biases, exact=True)
    return _power_sum_dp(net, [_abs_pow_exact(x, qq, q0) for x in w],
                         {j: _abs_pow_exact(v, qq, q0) for j, v in b.items()}, fmpq(0), fmpq(1))


def _power_sum_dp(net: DagNetwork, tw: list, tb: dict, zero, one):
    """Σ_k s_k for s = 1 on inputs, s_j = Σ_{a→j} s_a·tw[a→j] + tb[j]: one DP for every number
    system (``zero``/``one`` of the system: `fmpq` or `arb`)."""
    s = [zero] * len(net.kinds)
    for j, kind in enumerate(net.kinds):
        if kind == "input":
            s[j] = one
            continue
        acc = tb.get(j, zero)
        for e in net.in_edges[j]:
            acc += s[net.edges[e][0]] * tw[e]
        s[j] = acc
    total = zero
    for k in net.outputs:
        total += s[k]
    return total


def pathnorm_q_enumerated(net: DagNetwork, q, *, q0: str = "structural", biases: bool = True,
                          limit: int | None = None) -> fmpq:
    """The exact rational Σ_{p∈𝒫} |v_p(w)|^q by explicit enumeration of 𝒫
    (`verify.gsgd19.paths.enumerate_paths`, bias paths included if ``biases``) and the path values
    v_p = Π_{e∈p} w_e; an oracle independent of the DP of `pathnorm_q_exact`.  q = 0: the
    number of paths (``structural``) or of paths with v_p ≠ 0 (``support``).  Refuses
    (`InputError`) networks with more than ``limit`` paths."""
    from .paths import DEFAULT_PATH_LIMIT, enumerate_paths, path_value

    _check_q0(q0)
    qq = int(_parse_q(q, integer=True).p)
    w, b = _theta(net, True, exact=True)
    theta = tuple(w) + tuple(b[j] for j in net.bias_nodes)
    paths = enumerate_paths(net, biases=biases, limit=DEFAULT_PATH_LIMIT if limit is None else limit)
    total = fmpq(0)
    for p in paths:
        v = path_value(net, p, theta)
        total += _abs_pow_exact(v, qq, q0)
    return total


def pathnorm_relu6_forward(net: DagNetwork, q, *, biases: bool = True) -> fmpq:
    """The toolkit's planted bug (gsgd19 planted 16): the |w|^q network (every weight w → |w|^q,
    every bias b → |b|^q, q = 0 with 0^0 = 1 as ``torch.pow``) evaluated on the all-ones input
    with ReLU6 (min(max(z, 0), 6)) kept at the hidden nodes, outputs summed; returned before the
    1/q-th root, i.e. the quantity the toolkit takes for Σ_p |v_p|^q.  Exact for rational
    weights and integer q ≥ 0.  Since all pre-activations are ≥ 0, it equals
    `pathnorm_q_exact(net, q)` unless some hidden pre-activation exceeds 6, where it
    under-counts (1-1-1, weights (10, 1), q = 1: 6 instead of 10)."""
    qq = int(_parse_q(q, integer=True).p)
    w, b = _theta(net, biases, exact=True)
    tw = tuple(_abs_pow_exact(x, qq, "structural") for x in w)
    tb = tuple(_abs_pow_exact(b[j], qq, "structural") for j in net.bias_nodes) if biases else ()
    absnet = DagNetwork(net.kinds, net.edges, tw, net.bias_nodes if biases else (), tb, net.widths, "relu6")
    out, _, _ = absnet.forward([fmpq(1)] * net.d)
    return sum(out, fmpq(0))


# ---------------------------------------------------------------------------------------------
# arb enclosures


class PathNormEnclosure(NamedTuple):
    """``power_sum`` ∋ Σ_p |v_p|^q and ``norm`` ∋ (Σ_p |v_p|^q)^{1/q} (= power_sum for q = 0)."""

    power_sum: arb
    norm: arb


def _interval(lo: arb, hi: arb) -> arb:
    """A ball containing [lower(lo), upper(hi)] (convex hull of the two balls)."""
    return lo.union(hi)


def _abs_pow_ball(w, q: fmpq, q0: str) -> arb:
    """A ball containing |w|^q for every w in the (exact or ball) weight, with
    |w|^q = exp(q·log|w|) for w ≠ 0, 0^q = 0 (q > 0) and the q = 0 convention ``q0``."""
    s = sign(w)
    if q == 0:
        if q0 == "structural" or s not in (0, None):
            return arb(1)
        return arb(0) if s == 0 else _interval(arb(0), arb(1))
    if s == 0:
        return arb(0)
    qa = arb(q)
    if s is not None:
        return (qa * abs(arb(w)).log()).exp()
    # a ball containing 0 (not exactly 0): |w|^q ∈ [0, U^q], U an upper bound of |w|
    lo, hi = ball_bounds(w)
    up = max(abs(lo), abs(hi))
    return _interval(arb(0), (qa * arb(up).log()).exp())


def _nonneg_root(x: arb, r: fmpq) -> arb:
    """A ball containing y^r for every y ≥ 0 in the ball x (r > 0); x is known to enclose a
    nonnegative quantity (its ball may stick out below 0 by rounding)."""
    bounds = ball_bounds(x)
    if bounds is None:
        raise Undecided("the power-sum enclosure is not finite")
    lo, hi = bounds
    if hi <= 0:
        return arb(0)
    ra = arb(r)
    if lo > 0:
        return (ra * x.log()).exp()
    return _interval(arb(0), (ra * arb(hi).log()).exp())


def pathnorm_ball(net: DagNetwork, q, prec: int = 128, *, q0: str = "structural",
                  biases: bool = True) -> PathNormEnclosure:
    """`arb` balls at ``prec`` bits containing Σ_p |v_p(w)|^q and (Σ_p |v_p(w)|^q)^{1/q}.

    q is any rational ≥ 0 (for q = 0 the norm is the power sum itself, convention ``q0``).
    Weights and biases may be `fmpq` (exact) or `arb` (balls, e.g. uncertain weights): the
    result then contains the value for every choice of weights inside the balls.  |w|^q is
    computed as exp(q·log|w|) for w ≠ 0 and as 0 for w = 0; a weight ball containing 0 but not
    exactly 0 contributes [0, (sup|w|)^q].  The DP runs in arb; its magnitudes are unbounded
    (arb exponents are arbitrary-precision), so there is no overflow, but for very deep nets
    `log_pathnorm` is tighter."""
    _check_q0(q0)
    qq = _parse_q(q, integer=False)
    w, b = _theta(net, biases, exact=False)
    with precision(prec):
        total = _power_sum_dp(net, [_abs_pow_ball(x, qq, q0) for x in w],
                              {j: _abs_pow_ball(v, qq, q0) for j, v in b.items()}, arb(0), arb(1))
        norm = total if qq == 0 else _nonneg_root(total, 1 / qq)
    return PathNormEnclosure(total, norm)


# ---------------------------------------------------------------------------------------------
# log domain


def _log_abs_pow(w, q: fmpq, q0: str, where: str):
    """log(|w|^q) as a ball, or None for |w|^q = 0 (skipped: log 0 = −∞)."""
    s = sign(w)
    if q == 0:
        if q0 == "structural":
            return arb(0)
        if s is None:
            raise InputError("q = 0 (support) in the log domain needs weight balls that exclude 0 or are "
                             "exactly 0", where)
        return None if s == 0 else arb(0)
    if s == 0:
        return None
    if s is None:
        raise InputError("the log-domain path-norm needs weight balls that exclude 0 or are exactly 0", where)
    return arb(q) * abs(arb(w)).log()


def _lse(terms: list):
    """A ball containing log Σ_i exp(t_i) for all t_i in the balls ``terms`` (None if empty).

    log Σ exp(t_i) = r + log Σ exp(t_i − r) holds exactly for every real r; r is the midpoint of
    the term with the largest float midpoint (a float heuristic: it only affects tightness), so
    that the shifted exponentials stay near or below 1 and nothing overflows."""
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0]
    best, best_f = 0, -math.inf
    for i, t in enumerate(terms):
        f = float(t.mid())
        if f > best_f:  # NaN never wins
            best, best_f = i, f
    r = terms[best].mid()
    acc = arb(0)
    for t in terms:
        acc += (t - r).exp()
    return r + acc.log()


def log_pathnorm(net: DagNetwork, q, prec: int = 128, *, q0: str = "structural", biases: bool = True):
    """A ball containing the natural log of Σ_p |v_p(w)|^q, or ``None`` when the sum is exactly
    0 (log = −∞; certified: no path has a nonzero term).

    q is any rational ≥ 0.  Each node carries L_j = log s_j as an `arb` ball (or None for
    s_j = 0): L_i = 0 on inputs, L_j = LSE({L_a + q·log|w_{a→j}|} ∪ {q·log|b_j|}), the
    log-sum-exp taken rigorously in arb around a float-chosen reference (`_lse`); zero weights
    (|w|^q = 0) are skipped, for q = 0 the convention ``q0`` applies.  No exponent ever
    overflows, so weights like 2^±1074 and values like 10^±10000 are fine.  Weights may be
    `fmpq` or `arb` balls that exclude 0 (or are exactly 0).  Raises `Undecided` if the final
    ball is not finite (increase ``prec``)."""
    _check_q0(q0)
    qq = _parse_q(q, integer=False)
    w, b = _theta(net, biases, exact=False)
    with precision(prec):
        lw = [_log_abs_pow(x, qq, q0, f"network.weights[{e}]") for e, x in enumerate(w)]
        L: list = [None] * len(net.kinds)
        for j, kind in enumerate(net.kinds):
            if kind == "input":
                L[j] = arb(0)
                continue
            terms = []
            if j in b:
                t = _log_abs_pow(b[j], qq, q0, f"network.biases[{net.bias_of[j]}]")
                if t is not None:
                    terms.append(t)
            for e in net.in_edges[j]:
                La = L[net.edges[e][0]]
                if La is not None and lw[e] is not None:
                    terms.append(La + lw[e])
            L[j] = _lse(terms)
        out = _lse([L[k] for k in net.outputs if L[k] is not None])
        if out is not None and not out.is_finite():
            raise Undecided(f"log path-norm ball not finite at {prec} bits; increase prec")
    return out


def log10_pathnorm(net: DagNetwork, q, prec: int = 128, *, q0: str = "structural", biases: bool = True):
    """A ball containing log10 of the path-norm itself, (1/q)·log10 Σ_p |v_p|^q (for q = 0:
    log10 of the path count, no root), or ``None`` when the sum is exactly 0."""
    qq = _parse_q(q, integer=False)
    ln = log_pathnorm(net, qq, prec, q0=q0, biases=biases)
    if ln is None:
        return None
    with precision(prec):
        out = ln / arb(10).log()
        return out if qq == 0 else out / arb(qq)


# ---------------------------------------------------------------------------------------------
# float64 layers: conversion, toolkit, contract


def _float_matrix(W, where: str) -> np.ndarray:
    A = np.asarray(W)
    if A.dtype.kind == "f" and A.dtype.itemsize <= 8:
        A = A.astype(np.float64, copy=False)
    elif A.dtype.kind in "iub":
        F = A.astype(np.float64)
        if not np.array_equal(F.astype(A.dtype), A) or (A.size and np.abs(F).max() > 2.0 ** 53):
            raise InputError("integer weights not exactly representable in float64", where)
        A = F
    else:
        raise InputError(f"expected a float64 array, got dtype {A.dtype}", where)
    return A


def _layers(Ws, biases):
    """Validate and convert (Ws, biases) → (list of float64 (h_{l-1}, h_l) arrays, list of float64
    vectors or None)."""
    if not isinstance(Ws, (list, tuple)) or not Ws:
        raise InputError("Ws must be a non-empty list of weight matrices (in, out)", "Ws")
    mats = []
    for l, W in enumerate(Ws):
        A = _float_matrix(W, f"Ws[{l}]")
        if A.ndim != 2 or 0 in A.shape:
            raise InputError(f"Ws[{l}] must be a non-empty 2-D array (h_{{l-1}}, h_l), got shape {A.shape}",
                             f"Ws[{l}]")
        if mats and mats[-1].shape[1] != A.shape[0]:
            raise InputError(f"Ws[{l}] has {A.shape[0]} rows but Ws[{l - 1}] has {mats[-1].shape[1]} columns "
                             "(layout (in, out))", f"Ws[{l}]")
        mats.append(A)
    bs = None
    if biases is not None:
        if not isinstance(biases, (list, tuple)) or len(biases) != len(mats):
            raise InputError(f"biases must be a list of {len(mats)} vectors (one per layer) or None", "biases")
        bs = []
        for l, (bv, A) in enumerate(zip(biases, mats)):
            v = _float_matrix(bv, f"biases[{l}]")
            if v.shape != (A.shape[1],):
                raise InputError(f"biases[{l}] must have shape ({A.shape[1]},), got {v.shape}", f"biases[{l}]")
            bs.append(v)
    return mats, bs


def mlp_from_floats(Ws, biases=None) -> DagNetwork:
    """The layered `DagNetwork` whose weights are the exact rationals denoted by the float64
    matrices ``Ws[l][i][j]`` (layout (in, out)) and bias vectors (non-finite entries rejected)."""
    mats, bs = _layers(Ws, biases)
    widths = [mats[0].shape[0]] + [A.shape[1] for A in mats]

    def conv(x, where):
        return parse_number(float(x), where)

    W = [[[conv(x, f"Ws[{l}]") for x in row] for row in A.tolist()] for l, A in enumerate(mats)]
    b = None if bs is None else [[conv(x, f"biases[{l}]") for x in v.tolist()] for l, v in enumerate(bs)]
    return DagNetwork.mlp(widths, W, b)


def pathnorm_float_toolkit(Ws, q, biases=None) -> float:
    """The path-norm toolkit's method, in float64 (comparison only, no guarantee): one forward
    pass of the |W|^q network (``np.abs(W) ** q``, biases |b|^q, ``0 ** 0 = 1``) on an all-ones
    input with identities for the ReLUs, outputs summed, then the 1/q-th power (none for q = 0).
    Returns a Python float; may be ``inf`` (overflow) or ``0.0`` (underflow)."""
    mats, bs = _layers(Ws, biases)
    qf = float(_parse_q(q, integer=False))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        s = np.ones(mats[0].shape[0])
        for l, W in enumerate(mats):
            s = s @ (np.abs(W) ** qf)
            if bs is not None:
                s = s + np.abs(bs[l]) ** qf
        total = np.float64(s.sum())
        return float(total if qf == 0 else np.power(total, 1.0 / qf))


def float_in_enclosure(value, enclosure) -> bool:
    """True iff the float ``value`` lies in the enclosure (an `arb` ball, or an exact `fmpq` /
    int: equality); the comparison is exact (the float's binary value against the ball's
    rational endpoints).  inf and NaN give False."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return False
    if not math.isfinite(f):
        return False
    x = fmpq(*f.as_integer_ratio())
    if isinstance(enclosure, arb):
        return contains(enclosure, x)
    if isinstance(enclosure, (int, fmpz, fmpq, Fraction)):
        return x == _rational(enclosure, "enclosure")
    raise TypeError(f"enclosure must be an arb ball or an exact rational, got {type(enclosure).__name__}")


def _gamma(n: int) -> fmpq:
    """γ_n = n·u/(1 − n·u) (Higham §3.1)."""
    nu = n * U
    if nu >= 1:
        raise InputError(f"dot products of length {n} are too long for the float64 error bound", "Ws")
    return nu / (1 - nu)


def toolkit_rounding_bound(Ws, q, biases=None) -> fmpq:
    """ρ with |T − S| ≤ ρ·S for the toolkit's float64 power sum T (before its root) and the
    exact S = Σ_p |v_p|^q, valid when no intermediate of that float pass overflows, underflows
    or is subnormal and q ∈ {0, 1, 2} (|w| exact, |w|**2 one rounding, |w|**0 = 1 exact): the
    product over layers of (1+ε_q)(1+γ_{h_{l-1}})(1+u)^{[biases]}, times (1+γ_{K-1}) for the
    final sum, minus 1 (same Higham argument as `log_pathnorm_fast`).  Widen an enclosure of S
    by it (`widen_relative`) before comparing a toolkit float with `float_in_enclosure`."""
    mats, bs = _layers(Ws, biases)
    qq = _parse_q(q, integer=True)
    if qq > 2:
        raise InputError("toolkit_rounding_bound covers q ∈ {0, 1, 2} (numpy power otherwise)", "params.q")
    eps = U if qq == 2 else fmpq(0)
    f = fmpq(1)
    for A in mats:
        f *= (1 + eps) * (1 + _gamma(A.shape[0])) * ((1 + U) if bs is not None else 1)
    f *= 1 + _gamma(max(mats[-1].shape[1] - 1, 1))
    return f - 1


def widen_relative(enclosure: arb, rho, prec: int = 128) -> arb:
    """A ball containing {y : |y − x| ≤ ρ·x for some x ≥ 0 in ``enclosure``} (0 ≤ ρ ≤ 1)."""
    rho = _rational(rho, "rho")
    bounds = ball_bounds(enclosure)
    if bounds is None:
        raise Undecided("enclosure not finite")
    lo, hi = bounds
    with precision(prec):
        return _interval(arb(max(lo, fmpq(0)) * (1 - rho)), arb(max(hi, fmpq(0)) * (1 + rho)))


# ---------------------------------------------------------------------------------------------
# the fast certified float64 method


def _exp2(x: float) -> int:
    """The exponent g of x = f·2^g with f ∈ [0.5, 1) (x > 0 finite; exact also for subnormals)."""
    return int(math.frexp(x)[1])


def _min_nonzero(v: np.ndarray) -> float:
    """Smallest positive entry of a nonnegative array (inf if none)."""
    if v.size == 0:
        return math.inf
    m = float(v.min())
    if m > 0:
        return m
    return float(np.min(v, where=v > 0, initial=np.inf))


@dataclass
class _Vec:
    """Computed nonnegative float vector v, exponent E and error parameters: for the exact
    vector x and ξ = x·2^{-E}, entrywise λ·ξ − α ≤ v ≤ Λ·ξ + α; 0 ≤ v ≤ 1."""

    v: np.ndarray
    E: int
    lam: fmpq
    Lam: fmpq
    alpha: fmpq


@dataclass
class _Power:
    """Computed |X|^q: A ≈ m̃ = (|X|·2^{-e})^q exactly (so |X|^q = 2^{q·e}·m̃, m̃ ≤ 1), with
    (1 − eps)·m̃ − beta ≤ A ≤ (1 + eps)·m̃ + beta entrywise, 0 ≤ A ≤ 1; ``amin`` = smallest
    positive entry of A (inf if none); ``normal`` = every nonzero entry of A is a normal float,
    beta = 0 and A_ij = 0 ⇔ m̃_ij = 0."""

    A: np.ndarray
    e: int
    eps: fmpq
    beta: fmpq
    amin: float
    normal: bool
    _rowmin: np.ndarray | None = None

    def rowmin(self) -> np.ndarray:
        if self._rowmin is None:
            self._rowmin = np.min(self.A, axis=1, where=self.A > 0, initial=np.inf)
        return self._rowmin


def _power(X: np.ndarray, q: int, q0: str, where: str) -> _Power:
    """|X|^q of a float array, exact scaling by a power of two, a-priori error bounds.

    * q = 0: A = 1 (structural) or 𝕀(X ≠ 0) (support), exact.
    * q ≥ 1: M = |X|·2^{-e} with e = 0 if max|X| ∈ [2^-64, 1], else the binary exponent of
      max|X| (max M ∈ [1/2, 1)).  M is exact unless scaling down makes an entry subnormal
      (decided by exponent arithmetic); then |M − m| ≤ 2^-1022 entrywise (covers flush-to-zero).
      A = M·M·…·M (q − 1 roundings): A = m^q(1+θ), |θ| ≤ (1+u)^{q−1} − 1, when no product is
      subnormal (decided by exponents of the smallest entry: monotone rounding); otherwise an
      absolute term per multiplication (2·2^-1022: output underflow plus a subnormal operand
      read as zero, all operands ≤ 1) propagated through the chain."""
    if q == 0:
        if not np.isfinite(X).all():
            raise InputError("weights must be finite (no inf/NaN)", where)
        A = np.ones(X.shape) if q0 == "structural" else (X != 0).astype(np.float64)
        return _Power(A, 0, fmpq(0), fmpq(0), 1.0 if A.any() else math.inf, True)
    Xa = np.abs(X)
    mx = float(Xa.max())
    if not math.isfinite(mx):
        raise InputError("weights must be finite (no inf/NaN)", where)
    if mx == 0:
        return _Power(Xa, 0, fmpq(0), fmpq(0), math.inf, True)
    mn = _min_nonzero(Xa)
    if 2.0 ** -64 <= mx <= 1.0:
        e, M, exact = 0, Xa, True
    else:
        e = _exp2(mx)
        M = np.ldexp(Xa, -e)
        exact = e <= 0 or _exp2(mn) - e >= -1021
    mM = mn if e == 0 else math.ldexp(mn, -e)  # = min nonzero of M when exact (ldexp is monotone)
    beta_M = fmpq(0) if exact else TINY
    if q == 1:
        normal = exact and mM >= _TINY_F
        return _Power(M, e, fmpq(0), beta_M, _min_nonzero(M) if not exact else mM, normal)
    A = M * M
    for _ in range(q - 2):
        A *= M
    eps = (1 + U) ** (q - 1) - 1
    # smallest exact m^q ≥ 2^{q(g−1)}; every computed power of it ≥ 2^{q(g−1)}(1−u)^q > 2^-1022
    # when q(g − 1) ≥ −1021, and the rounding is monotone, so no entry of the chain is subnormal
    normal = exact and q * (_exp2(mM) - 1) >= -1021
    if normal:
        beta = fmpq(0)
        amin = mM  # the same chain of IEEE products numpy performs on the smallest entry
        for _ in range(q - 1):
            amin = amin * mM
    else:
        r, bk = fmpq(0), beta_M
        for _ in range(q - 1):
            bk = (1 + U) * ((1 + r) * beta_M + bk * (1 + beta_M)) + 2 * TINY
            r = (1 + r) * (1 + U) - 1
        beta = bk
        amin = _min_nonzero(A)
    return _Power(A, e, eps, beta, amin, normal)


def _shift(st: _Vec, k: int) -> _Vec:
    """v·2^{-k}, E + k; exact unless scaling down makes a nonzero entry subnormal (decided by
    exponent arithmetic), in which case α gains 2^-1022 (rounding or flush to zero of a value
    below 2^-1022)."""
    if k == 0:
        return st
    if k < 0:  # scaling up; callers keep the result ≤ 1
        return _Vec(np.ldexp(st.v, -k), st.E + k, st.lam, st.Lam, st.alpha * fmpq(2) ** (-k))
    mn = _min_nonzero(st.v)
    exact = mn == math.inf or _exp2(mn) - k >= -1021
    v = np.ldexp(st.v, -min(k, 2000))  # beyond 2^-2000 every entry (≤ 1) is 0 anyway
    alpha = st.alpha / fmpq(2) ** k + (0 if exact else TINY)
    return _Vec(v, st.E + k, st.lam, st.Lam, alpha)


def _renorm(st: _Vec) -> _Vec:
    """Scale v by a power of two so that max v ∈ [1/2, 1) (no-op for the zero vector)."""
    mx = float(st.v.max()) if st.v.size else 0.0
    if mx == 0:
        return st
    return _shift(st, _exp2(mx))


def _products_normal(st: _Vec, P: _Power) -> bool:
    """Every nonzero product A_ij·v_i is ≥ 2^-1022 (so no subnormal appears in the dot
    products: partial sums of nonnegative terms are ≥ each term)."""
    vmin = _min_nonzero(st.v)
    if vmin == math.inf or P.amin == math.inf:
        return True
    # x ≥ 2^{g−1} for x = f·2^g: product ≥ 2^{g_a + g_v − 2} ≥ 2^-1021 suffices (rounding monotone)
    if _exp2(P.amin) + _exp2(vmin) - 2 >= -1021:
        return True
    rm = P.rowmin()
    mask = (st.v > 0) & np.isfinite(rm)
    if not mask.any():
        return True
    ga = np.frexp(rm[mask])[1].astype(np.int64)
    gv = np.frexp(st.v[mask])[1].astype(np.int64)
    return bool(np.all(ga + gv - 2 >= -1021))


def _matvec(st: _Vec, P: _Power, q: int) -> _Vec:
    """y = Aᵀv (numpy/BLAS, any summation order, FMA allowed) with the error propagation of
    `log_pathnorm_fast` (step (2) of its analysis)."""
    n = st.v.shape[0]
    y = st.v @ P.A
    gam = _gamma(n)
    cert = st.alpha == 0 and P.normal and _products_normal(st, P)
    omega = fmpq(0) if cert else 8 * n * TINY
    sig = (1 + st.alpha) / st.lam  # bound on every exact ξ_i (v ≤ 1)
    lam = (1 - gam) * (1 - P.eps) * st.lam
    Lam = (1 + gam) * (1 + P.eps) * st.Lam
    alpha = st.alpha
    if alpha or P.beta:
        alpha = (1 + gam) * n * ((1 + P.eps) * alpha + P.beta * st.Lam * sig + P.beta * alpha)
    alpha = alpha + omega
    return _Vec(y, st.E + q * P.e, lam, Lam, alpha)


def _add_bias(st: _Vec, C: _Power, q: int) -> _Vec:
    """z = v + c at a common exponent (step (3) of the analysis)."""
    st = _renorm(st)
    cst = _Vec(C.A, q * C.e, 1 - C.eps, 1 + C.eps, C.beta)
    v_nz, c_nz = bool(st.v.max() > 0), bool(cst.v.max() > 0)
    if not c_nz and cst.alpha == 0:
        return st  # exact zero bias vector
    if v_nz and c_nz:
        H = max(st.E, cst.E)
    elif c_nz:
        H = cst.E
    else:
        H = st.E
    a, c = _shift(st, H - st.E), _shift(cst, H - cst.E)
    # a zero vector with α > 0 moved to a smaller exponent: its α grows by 2^{E−H} (honest)
    ok = _min_nonzero(a.v) >= _TINY_F and _min_nonzero(c.v) >= _TINY_F
    z = a.v + c.v
    lam = (1 - U) * min(a.lam, c.lam)
    Lam = (1 + U) * max(a.Lam, c.Lam)
    alpha = (1 + U) * (a.alpha + c.alpha) + (0 if ok else 4 * TINY)
    return _Vec(z, H, lam, Lam, alpha)


@dataclass(frozen=True)
class FastPathNorm:
    """Result of `log_pathnorm_fast`: S := Σ_p |v_p|^q lies in 2^exponent·[lo, hi] (exact
    rationals, lo ≥ 0); ``log10_sum`` ∋ log10 S and ``log10_norm`` ∋ log10 ‖Φ‖_q = log10(S)/q
    (log10 S for q = 0), both None iff S = 0 is certified (then lo = hi = 0).  ``method`` is
    "float64" or "arb-log-dp" (fallback); ``underflow_free`` says that no absolute (underflow)
    error term was needed; ``rel_bound`` is the relative bound max(Λ − 1, 1 − λ) used."""

    q: fmpq
    exponent: int
    lo: fmpq
    hi: fmpq
    log10_sum: arb | None
    log10_norm: arb | None
    method: str
    underflow_free: bool
    rel_bound: fmpq

    def contains(self, S) -> bool:
        """Exact test S ∈ 2^exponent·[lo, hi] for an exact rational S."""
        S = _rational(S, "S")
        scale = fmpq(2) ** self.exponent
        return self.lo * scale <= S <= self.hi * scale

    def sum_ball(self, prec: int = 128) -> arb:
        """A ball containing S."""
        with precision(prec):
            return _interval(arb(self.lo), arb(self.hi)) * arb(2) ** self.exponent

    def norm_ball(self, prec: int = 128) -> arb:
        """A ball containing ‖Φ‖_q = S^{1/q} (S for q = 0)."""
        with precision(prec):
            s = self.sum_ball(prec)
            return s if self.q == 0 else _nonneg_root(s, 1 / self.q)

    @property
    def relative_width(self) -> float:
        """(hi − lo)/lo as a float (inf if lo = 0 < hi, 0 if S = 0)."""
        if self.hi == 0:
            return 0.0
        if self.lo == 0:
            return math.inf
        with precision(64):
            return float(arb((self.hi - self.lo) / self.lo).mid())


def _log10_interval(lo: fmpq, hi: fmpq, E: int, prec: int) -> arb:
    with precision(prec):
        l10 = arb(10).log()
        core = _interval(arb(lo).log(), arb(hi).log())
        return (core + arb(E) * arb(2).log()) / l10


def _fallback(Ws, biases, q: fmpq, q0: str, prec: int) -> FastPathNorm:
    net = mlp_from_floats(Ws, biases)
    ln = log_pathnorm(net, q, max(prec, 128), q0=q0)
    if ln is None:
        return FastPathNorm(q, 0, fmpq(0), fmpq(0), None, None, "arb-log-dp", True, fmpq(0))
    with precision(max(prec, 128)):
        l2 = arb(2).log()
        E = int(math.floor(float(ln.mid()) / float(l2.mid())))
        lo, hi = ball_bounds((ln - arb(E) * l2).exp())
        lo = max(lo, fmpq(0))
        l10 = arb(10).log()
        s10 = ln / l10
        n10 = s10 if q == 0 else s10 / arb(q)
    return FastPathNorm(q, E, lo, hi, s10, n10, "arb-log-dp", True, fmpq(0))


def log_pathnorm_fast(Ws, q, biases=None, *, q0: str = "structural", prec: int = 128,
                      fallback_max_edges: int = 200_000) -> FastPathNorm:
    """Certified enclosure of Σ_p |v_p|^q (and of log10 of it and of the norm) for a layered MLP
    given by float64 matrices ``Ws[l]`` of shape (h_{l-1}, h_l) (layout (in, out)) and optional
    bias vectors ``biases[l]`` of shape (h_l,).  The float values ARE the network (exact
    binary rationals).  Returns a `FastPathNorm`: S ∈ 2^E·[lo, hi] with exact rationals.

    Algorithm (integer q ≥ 0): s^0 = 1, s^l = (|W^l|^q)ᵀ s^{l−1} (+ |b^l|^q), computed in float64
    with numpy matmul, with an exact power-of-two renormalisation of each layer matrix and of each
    vector (np.ldexp; the integer exponents E are tracked separately), so nothing overflows.

    Error analysis (IEEE binary64, round to nearest, u = 2^-53; Higham, *Accuracy and Stability
    of Numerical Algorithms*, 2nd ed.: the model fl(x op y) = (x op y)(1 + δ) + η of §2.1–2.2,
    |δ| ≤ u, η an underflow term, and Lemma 3.1 / §3.1, |fl(xᵀy) − xᵀy| ≤ γ_n|x|ᵀ|y| for every
    evaluation order).  Invariant after every step: computed v ∈ [0, 1]^n and, for the exact
    vector x with ξ = x·2^{-E}, entrywise λ·ξ − α ≤ v ≤ Λ·ξ + α (λ, Λ, α exact rationals):

    (1) |W|^q: |w| is exact; scaling by 2^{-e} is exact unless it creates a subnormal (decided
        by exponent arithmetic; else |error| ≤ 2^-1022); q − 1 multiplications give relative
        error ≤ ε = (1+u)^{q−1} − 1 when no product is subnormal (q = 1: ε = 0; q = 2: ε = u),
        otherwise an extra absolute term β (see `_power`).  q = 0 is exact.
    (2) y = Aᵀv: each y_j is a length-n dot product of nonnegative numbers; in ANY summation
        order, blocked or with FMA, fl(Σ a_i v_i) = Σ a_i v_i (1 + θ_i) with |θ_i| ≤ γ_n =
        nu/(1 − nu), as long as nothing underflows.  This is certified when α = β = 0 and every
        nonzero product a_ij·v_i ≥ 2^-1022 (exponent test, per row if needed): then zeros are
        exact, λ ← (1−γ_n)(1−ε)λ, Λ ← (1+γ_n)(1+ε)Λ, α stays 0.  Otherwise each of the ≤ 2n
        operations may add |η| ≤ 2·2^-1022 (underflow, flush-to-zero of a result or of an
        operand — all operands ≤ 1), amplified by ≤ 1 + γ_n ≤ 2: ω = 8n·2^-1022, and
        α ← (1+γ_n)·n·((1+ε)α + β·Λ·σ + β·α) + ω with σ = (1+α)/λ ≥ every ξ_i (since v ≤ 1).
    (3) bias: v and |b|^q are moved to a common exponent (exact shifts unless a subnormal
        appears: +2^-1022) and added: λ ← (1−u)·min, Λ ← (1+u)·max, α ← (1+u)(α_v + α_c)
        (+4·2^-1022 if an operand is subnormal).
    (4) renormalisation v ← v·2^{-k}, E ← E + k: exact unless it creates a subnormal, α ← α·2^{-k}
        (+2^-1022 otherwise).
    (5) the output entries are summed exactly (rationals): S = 2^E Σ_k ξ_k with
        Σ_k max(0, v_k − α)/Λ ≤ Σ_k ξ_k ≤ Σ_k (v_k + α)/λ.

    For typical nets α = 0 throughout and the result is a pure relative enclosure of relative
    width ≈ 2 Σ_l (γ_{h_{l-1}} + ε); S = 0 is certified when α = 0 and the computed outputs are
    all 0 (zeros are exact).  If the lower bound is 0 while the upper is not (only after severe
    underflow), or q is not an integer, the network is converted to exact rationals and
    `log_pathnorm` (arb) is used instead when it has at most ``fallback_max_edges`` edges
    (``method == "arb-log-dp"``), else `Undecided` is raised.  Assumes IEEE binary64 with round
    to nearest (checked at call time); flush-to-zero modes are covered by the bounds."""
    _check_q0(q0)
    qq = _parse_q(q, integer=False)
    mats, bs = _layers(Ws, biases)
    m = sum(A.size for A in mats) + (sum(b.size for b in bs) if bs is not None else 0)

    def fallback(reason: str) -> FastPathNorm:
        if m > fallback_max_edges:
            raise Undecided(f"{reason}; the arb fallback is limited to {fallback_max_edges} parameters "
                            f"(the network has {m})")
        return _fallback(mats, bs, qq, q0, prec)

    if qq.q != 1:
        return fallback("the float64 method needs an integer q")
    _check_rounding()
    qi = int(qq.p)
    st = _Vec(np.ones(mats[0].shape[0]), 0, fmpq(1), fmpq(1), fmpq(0))
    with np.errstate(under="ignore"):
        for l, W in enumerate(mats):
            P = _power(W, qi, q0, f"Ws[{l}]")
            st = _matvec(st, P, qi)
            if bs is not None:
                st = _add_bias(st, _power(bs[l], qi, q0, f"biases[{l}]"), qi)
            st = _renorm(st)
            if st.lam <= 0:
                return fallback("the relative error bound exceeded 1")
    V = [fmpq(*float(x).as_integer_ratio()) for x in st.v.tolist()]
    lo = sum((max(fmpq(0), x - st.alpha) for x in V), fmpq(0)) / st.Lam
    hi = sum((x + st.alpha for x in V), fmpq(0)) / st.lam
    rel = max(st.Lam - 1, 1 - st.lam)
    if hi == 0:
        return FastPathNorm(qq, st.E, lo, hi, None, None, "float64", True, rel)
    if lo == 0:
        return fallback("underflow left no certified lower bound")
    s10 = _log10_interval(lo, hi, st.E, prec)
    with precision(prec):
        n10 = s10 if qi == 0 else s10 / arb(qi)
    return FastPathNorm(qq, st.E, lo, hi, s10, n10, "float64", st.alpha == 0, rel)


_ROUNDING_OK: bool | None = None


def _check_rounding() -> None:
    """Refuse to run the float64 method unless numpy's float64 arithmetic rounds to nearest."""
    global _ROUNDING_OK
    if _ROUNDING_OK is None:
        one = np.array([1.0])
        t1 = (one + 2.0 ** -53)[0] == 1.0            # tie to even: down
        t2 = (one + 3 * 2.0 ** -54)[0] == 1.0 + 2.0 ** -52  # above the midpoint: up
        t3 = (-one - 3 * 2.0 ** -54)[0] == -(1.0 + 2.0 ** -52)
        t4 = (one - 2.0 ** -54)[0] == 1.0
        _ROUNDING_OK = bool(t1 and t2 and t3 and t4)
    if not _ROUNDING_OK:
        raise RuntimeError("float64 arithmetic does not round to nearest; the fast path-norm bound does not apply")
