"""G-SGD, the generic exact MLP: `Undefined`, the certified zero / sign tests (exact on fmpq/int,
certified on `arb`, plain on float), the architecture (widths [d, h_1, …, h_{L-1}, K], the official
mod-mapping skeleton) and the forward pass and backpropagation g = ∂L/∂w with ReLU′(0) :=
``relu_prime0`` and the risk L = Σ ½‖N(x) − y‖² (sum or mean)."""

from __future__ import annotations

import math

from flint import arb, fmpq, fmpz

from ...errors import InputError
from ...numbers import sign as _certified_sign


class Undefined(ValueError):
    """The G-SGD step is undefined: a division by a zero V_j, basis value v_p or rate r, or an
    `arb` sign test that cannot be decided at the working precision."""

    def __init__(self, message: str):
        super().__init__(f"G-SGD step undefined: {message}")


# =============================================================================================
# certified zero / sign tests


def _sgn(x, what: str) -> int:
    """Sign of x: exact for fmpq/int, certified for arb (undecided → `Undefined`), plain for float."""
    if isinstance(x, float):
        if math.isnan(x):
            raise Undefined(f"{what} is NaN")
        return (x > 0) - (x < 0)
    if isinstance(x, (int, fmpz, fmpq, arb)):
        s = _certified_sign(x)
    else:
        s = (x > 0) - (x < 0)
    if s is None:
        raise Undefined(f"the sign of {what} is undecided at this precision (the ball contains 0)")
    return s


def _nonzero(x, what: str):
    if _sgn(x, what) == 0:
        raise Undefined(f"{what} = 0 (division by zero)")
    return x


def _abs(x, what: str):
    return -x if _sgn(x, what) < 0 else x


def _one_like(x):
    if isinstance(x, fmpq):
        return fmpq(1)
    if isinstance(x, arb):
        return arb(1)
    if isinstance(x, float):
        return 1.0
    return 1


# =============================================================================================
# architecture


def _check_widths(widths) -> tuple[int, ...]:
    w = tuple(int(k) for k in widths)
    if len(w) < 2 or any(k < 1 for k in w):
        raise InputError(f"widths must be ≥ 2 positive integers, got {list(widths)}", "widths")
    return w


def widths_of(W) -> tuple[int, ...]:
    """Widths ``(d, h_1, …, K)`` of a weight list (nested lists or 2-D arrays), checked."""
    if len(W) == 0:
        raise InputError("no weight layers", "W")
    widths = [len(W[0])]
    for t, layer in enumerate(W):
        if len(layer) != widths[-1]:
            raise InputError(f"layer {t + 1} has {len(layer)} rows, expected {widths[-1]}", "W")
        cols = {len(row) for row in layer}
        if len(cols) != 1:
            raise InputError(f"layer {t + 1} is ragged", "W")
        widths.append(cols.pop())
    return _check_widths(widths)


def equal_hidden_widths(widths) -> bool:
    """True iff h_1 = … = h_{L-1} (vacuously for L = 1)."""
    return len(set(widths[1:-1])) <= 1


def skeleton(widths) -> list[set[tuple[int, int]]]:
    """Official mod-mapping skeleton, per layer (index l−1): the set of (i, j) with w^l(i, j) skeleton.

    Layer 1: (j mod d, j); middle layer l: (i, i mod h_l) for every i if h_{l-1} ≥ h_l, else
    (j mod h_{l-1}, j) for every j; last layer (i, i mod K).  For L = 1 there is no hidden neuron
    and the skeleton is empty (every edge is its own basis path)."""
    widths = _check_widths(widths)
    L = len(widths) - 1
    if L == 1:
        return [set()]
    out = []
    for l in range(1, L + 1):
        hp, hc = widths[l - 1], widths[l]
        if l == 1:
            s = {(j % hp, j) for j in range(hc)}
        elif l == L or hp >= hc:
            s = {(i, i % hc) for i in range(hp)}
        else:
            s = {(j % hp, j) for j in range(hc)}
        out.append(s)
    return out


# =============================================================================================
# generic forward / backprop


def _kappa(p, relu_prime0, what):
    s = _sgn(p, what)
    if s > 0:
        return 1
    if s < 0:
        return 0
    return relu_prime0


def _trace(W, x):
    L = len(W)
    acts, pres = [list(x)], []
    for t in range(L):
        prev, layer = acts[-1], W[t]
        if len(prev) != len(layer):
            raise InputError(f"input has {len(prev)} entries, layer {t + 1} expects {len(layer)}", "x")
        pre = []
        for j in range(len(layer[0])):
            s = 0
            for i in range(len(prev)):
                s = s + prev[i] * layer[i][j]
            pre.append(s)
        if t < L - 1:
            pres.append(pre)
            acts.append([p if _sgn(p, f"pre-activation ({t + 1},{j})") > 0 else p * 0
                         for j, p in enumerate(pre)])
        else:
            acts.append(pre)
    return acts, pres


def forward(W, x, relu_prime0=0):
    """N(x) as a list (K outputs).  ``relu_prime0`` does not affect the value (accepted for a
    uniform signature).  Exact on fmpq; an `arb` pre-activation containing 0 raises `Undefined`."""
    return _trace(W, x)[0][-1]


def backprop(W, data, relu_prime0=0, risk="sum"):
    """(L, G): risk L = Σ ½‖N(x) − y‖² (``risk="mean"``: / |D|) and G[l-1][i][j] = ∂L/∂w^l(i, j)
    by backpropagation with ReLU′(0) := relu_prime0.  Exact on fmpq."""
    if risk not in ("sum", "mean"):
        raise InputError(f"risk must be 'sum' or 'mean', got {risk!r}", "risk")
    if relu_prime0 not in (0, 1):
        raise InputError("relu_prime0 must be 0 or 1", "relu_prime0")
    data = list(data)
    if not data:
        raise InputError("empty data set", "data")
    widths = widths_of(W)
    L = len(W)
    G = [[[0] * widths[t + 1] for _ in range(widths[t])] for t in range(L)]
    total = 0
    for x, y in data:
        acts, pres = _trace(W, x)
        out = acts[-1]
        if len(y) != len(out):
            raise InputError(f"target has {len(y)} entries, expected {len(out)}", "y")
        delta = [out[k] - y[k] for k in range(len(out))]
        for e in delta:
            total = total + e * e / 2
        for t in range(L - 1, -1, -1):
            prev = acts[t]
            for i in range(len(prev)):
                row = G[t][i]
                for j in range(len(delta)):
                    row[j] = row[j] + prev[i] * delta[j]
            if t > 0:
                new = []
                for i in range(len(prev)):
                    k = _kappa(pres[t - 1][i], relu_prime0, f"pre-activation ({t},{i})")
                    if k == 0:
                        new.append(0)
                        continue
                    s = 0
                    for j in range(len(delta)):
                        s = s + W[t][i][j] * delta[j]
                    new.append(s)
                delta = new
    if risk == "mean":
        n = len(data)
        total = total / n
        G = [[[g / n for g in row] for row in layer] for layer in G]
    return total, G
