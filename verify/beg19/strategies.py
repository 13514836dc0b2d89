"""Hypothesis strategies for beg19 (inverse stability, §3 shared generators): shallow 1-D networks.

Composable public strategies built on `verify.strategies`; the family's claims attach them
(``Claim.instances``) and ``relu-verify search`` draws from them.
"""

from __future__ import annotations

import functools
from fractions import Fraction

from hypothesis import strategies as st

from ..strategies import _ints, _pick, text, draw_params

_SIGN = st.sampled_from([1, -1])
# kink slots t = D·k/8, k ∈ [−7, 7], simplest first (an index drawn into this order shrinks to k = 0)
_SLOTS = tuple(sorted(range(-7, 8), key=lambda k: (abs(k), k < 0)))
_DELTAS = st.sampled_from([Fraction(1, 10), Fraction(1, 100), Fraction(1, 4), Fraction(1, 16), Fraction(1, 9)])
_EDIT_OPS = st.sampled_from(["unbalance", "dead", "duplicate", "oppose", "zero"])


def _net_json(neurons_, e=Fraction(0)) -> dict:
    """{"widths": [1, m, 1], "theta"} from 1-D neurons [(a, b, c)] and output bias e."""
    a = [n[0] for n in neurons_]
    b = [n[1] for n in neurons_]
    c = [n[2] for n in neurons_]
    return {"widths": [1, len(neurons_), 1], "theta": [text(t) for t in a + b + c + [e]]}


@functools.lru_cache(maxsize=None)  # one shared strategy object per argument tuple
@st.composite
def balanced_neurons(draw, D: Fraction = Fraction(1)) -> tuple[Fraction, Fraction, Fraction]:
    """A 1-D neuron in the restricted set: a = ±q, c = ±q (|c| = |a|, jump ±q²), kink t = −b/a
    strictly inside (−D, D)."""
    return _balanced(draw, D, draw(_ints(-7, 7)))


def _balanced(draw, D: Fraction, k: int) -> tuple[Fraction, Fraction, Fraction]:
    """`balanced_neurons` with its kink in slot k (t = D·k/8)."""
    q = Fraction(draw(_ints(1, 6)), draw(_ints(1, 4)))
    a = q * draw(_SIGN)
    t = D * Fraction(k, 8)
    return a, -a * t, q * draw(_SIGN)


@st.composite
def beg19_instances(draw, restricted: bool = True, max_width: int = 3, edits=("move", "split", "small", "flip",
                                                                            "perturb", "same"),
                    s=None, extra_params=None) -> dict:
    """An instance dict for the beg19 claims: Γ of width m (1-D, Ω = [−1, 1]; in the restricted set
    when ``restricted``: balanced, visible, distinct kinks, no opposite pair) and a target
    ``params.other`` = g of the same width: a structural edit of Γ (T2: a kink moved by δ, a kink
    split in two, a small neuron added in place of one, a zero-sum pair flipped) or Γ + δ·random
    (T1), δ ∈ {10^−k, 1/q²}.  ``s`` (a strategy or value) adds ``params.s``."""
    m = draw(_ints(1, max_width))
    # restricted: distinct kinks, drawn without replacement (an index into the free slots; the
    # rejection loop this replaces redrew whole neurons ~8 times per instance)
    free = list(_SLOTS)
    ns = []
    for _ in range(m):
        i = draw(_ints(0, len(free) - 1))
        ns.append(_balanced(draw, Fraction(1), free.pop(i) if restricted else free[i]))
    if not restricted and draw(st.booleans()):
        i = draw(_ints(0, m - 1))
        op = draw(_EDIT_OPS)
        a, b, c = ns[i]
        ns[i] = {"unbalance": (a, b, c * 2), "dead": (a, -abs(a) * 2, c), "duplicate": ns[0],
                 "oppose": (-ns[0][0], -ns[0][1], -ns[0][2]), "zero": (Fraction(0), Fraction(0), Fraction(0))}[op]
    e = Fraction(draw(_ints(-2, 2)), 2)
    delta = draw(_DELTAS)
    edit = draw(_pick(tuple(edits)))
    g = list(ns)
    ge = e
    i = draw(_ints(0, m - 1))
    a, b, c = g[i]
    if edit == "move":
        g[i] = (a, b + a * delta, c)
    elif edit == "split":
        g[i] = (a, b, c * (1 - delta))
        if m >= 2:
            j = (i + 1) % m
            g[j] = (a, b + a * delta, c * delta)
    elif edit == "small":
        g[i] = (delta, -delta * Fraction(draw(_ints(-3, 3)), 4), delta)
    elif edit == "flip":
        # c·ρ(z) = c·ρ(−z) + c·z: flip neurons i and i+1; the constant part c·b moves into e, the
        # slope part stays (g is then a different function unless the flipped slopes cancel)
        for k in sorted({i, (i + 1) % m}):
            ak, bk, ck = g[k]
            g[k] = (-ak, -bk, ck)
            ge += ck * bk
    elif edit == "perturb":
        g = [(x + delta * draw(_ints(-2, 2)), y + delta * draw(_ints(-2, 2)),
              z + delta * draw(_ints(-2, 2))) for x, y, z in g]
    params = {"other": _net_json(g, ge), "D": "1"}
    if s is not None:
        params["s"] = text(draw(s) if isinstance(s, st.SearchStrategy) else Fraction(s))
    params.update(draw_params(draw, extra_params))
    return {"network": _net_json(ns, e), "params": params}
