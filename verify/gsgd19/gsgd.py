"""G-SGD (gsgd19): SGD on basis-path values of bias-free layered ReLU MLPs.

Notation (claims file 002, §2).  Widths ``[d, h_1, …, h_{L-1}, K]``, L weight layers, H hidden
neurons, m weights.  ``W[l-1][i][j]`` = w^l(i, j) joins node i of layer l−1 to node j of layer l
("(in, out)" layout): nested lists in the generic functions, 2-D arrays of shape (h_{l-1}, h_l)
in the numpy ones.  Realization o^0 = x, o^l = ReLU(o^{l-1} W^l) (hidden), N(x) = o^{L-1} W^L;
ReLU′(0) := ``relu_prime0`` ∈ {0, 1} (default 0).  Risk L = Σ_{(x,y)∈D} ½‖N(x) − y‖² ("sum") or
that divided by |D| ("mean").  Descriptors use the paper's 1-based layer number l.

**Skeleton and basis (equal hidden widths h).**  Official mod mapping: w^1(j mod d, j),
w^l(j, j) in the middle, w^L(i, i mod K): h disjoint chains ("columns").  Skeleton path s_j,
value V_j = product of column j's skeleton weights; σ_j := w^1(j mod d, j) (free layer 1);
pinned = skeleton weights of layers 2..L.  Basis = the h skeleton paths ``('s', j)`` and, for
every non-skeleton edge e = w^l(a, b), the path b(e) ``('e', l, a, b)`` = column a up to a, e,
column b from b on.  m − H paths.

**Gauge-free G-SGD step (THE algorithm; claims 9–11).**  g = ∂L/∂w (backprop), z = w ⊙ g.
y_{b(e)} = z_e, y_{s_j} = z_{σ_j} − S_j with S_j = Σ_{l≥2} Σ_{b: w^l(j,b) non-skel} z^l(j, b);
∂L/∂v_p = y_p / v_p (ICR).  Rates r_p = 1 − η y_p / v_p², R_j := r_{s_j}.  Weight allocation
(WA): σ_j ← σ_j R_j; layer-1 non-skeleton w ← w·r_{b(e)}; layer-l ≥ 2 non-skeleton
w^l(a, b) ← w·r_{b(e)}/R_a; pinned weights unchanged.  Then v_p(w') = v_p − η ∂L/∂v_p for every
basis path p, for any nonzero pinned values (exact in ℚ: products and quotients only).
Proof: v_{b(e)} = P_{l-1}(a)·w_e·Q_l(b) where P (prefix of column a, contains σ_a) and Q
(suffix of column b) consist of skeleton weights; only σ changes among them, by R, so the
factor 1/R_a cancels it.  ICR: a non-skeleton edge lies on exactly one basis path (its own
b(e)); σ_j lies on s_j and on the b(e) of the layer ≥ 2 non-skeleton edges leaving column j,
so z_{σ_j} = y_{s_j} + S_j (the rows of B·y = z at the free edges; the pinned rows are then
consistent by the conservation law, claim 8).

**Any layered widths (tree basis; `path_basis`).**  Give every hidden node (l, j) one parent
edge par = w^l(j mod h_{l-1}, j) and one child edge ch = w^{l+1}(j, j mod h_{l+1}).  With
pre(n) = the parent chain from an input to n and suf(n) the child chain from n to an output,
let P(e) = pre(a)·e·suf(b) for an edge e = (a → b) and C(n) = pre(n)·suf(n).  Basis = the
distinct canonical paths C(n) plus P(e) for every edge e that is neither a parent nor a child
edge.  Proof that this is a basis of col A for *any* such choice: every path p = (e_1..e_L)
satisfies p = Σ_r P(e_r) − Σ_{r<L} C(i_r) as incidence vectors, and P(tree edge) is a
canonical path, so the set spans col A (rank m − H, claim 5).  Counting: with D the number of
"double" edges (parent of its head and child of its tail) the tree has 2H − D edges and the
canonical paths are the H − D chains of double edges, so there are (m − 2H + D) + (H − D) =
m − H distinct paths, hence independent.  For equal widths this is exactly the official
skeleton basis (classes = columns).  Free edges: the non-tree edges and, per class, the
parent edge f_c of its first node; pinned: the H child edges.  B_F (free rows) is unit lower
triangular (non-tree edges first, then classes by decreasing start layer), so B_F^{-1} is an
integer matrix and the exact step is a sequence of products and quotients of rates.

Exactness: the generic functions (`backprop`, `icr`, `gsgd_step`, `sgd_step`, `gauge_pm1`, …)
use only + − × ÷ and certified zero/sign tests, so they are exact on `fmpq` and enclosures on
`arb`; on Python floats they are ordinary float code.  A division by a zero (or, for `arb`,
by a ball containing 0) raises `Undefined` instead of returning garbage.  The numpy classes
`GSGD`, `GSGDGeneral`, `SGD` are float64 training code (not certified).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np
from flint import arb, fmpq, fmpz

from ..errors import InputError
from ..numbers import sign as _certified_sign

__all__ = [
    "Undefined", "skeleton", "equal_hidden_widths", "widths_of", "forward", "backprop", "PathBasis",
    "path_basis", "basis_paths", "path_nodes", "path_value", "basis_values", "icr", "gsgd_step",
    "sgd_step", "rescale", "gauge_pm1", "overwrite_one", "gauge_pm1_np", "overwrite_one_np", "GSGD", "GSGDGeneral", "SGD", "init_mlp",
    "mlp_forward", "softmax_xent_grad", "sq_loss_grad", "predict", "accuracy",
]


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


# =============================================================================================
# basis paths


@dataclass(frozen=True)
class PathBasis:
    """A basis of m − H paths for layered widths (tree construction; see module docstring).

    ``paths``: descriptors, canonical ``('s', c)`` first (c = class index; for equal widths the
    column j), then ``('e', l, a, b)`` for the non-tree edges in lexicographic order.
    ``nodes[p]``: the node sequence (i_0, …, i_L).  ``free[p]``: the free edge paired with p
    (``(l, a, b)``, 1-based l); ``pinned``: the H child edges.  ``icr_paths[c]``/``icr_classes[c]``:
    the non-tree paths / other classes whose path contains f_c; ``wa_classes[c]``: the other
    classes c' with f_{c'} ∈ C_c; ``wa_free[p]``: the classes c with f_c ∈ p (non-tree p)."""

    widths: tuple
    paths: tuple
    nodes: dict
    free: dict
    pinned: tuple
    tree: frozenset
    starts: tuple
    icr_paths: tuple
    icr_classes: tuple
    wa_classes: tuple
    wa_free: dict

    @property
    def n_classes(self) -> int:
        return len(self.starts)


def _edges_of(nodes):
    return [(l, nodes[l - 1], nodes[l]) for l in range(1, len(nodes))]


@lru_cache(maxsize=64)
def _path_basis(widths: tuple) -> PathBasis:
    L = len(widths) - 1
    par, ch = {}, {}
    for l in range(1, L):
        for j in range(widths[l]):
            par[(l, j)] = j % widths[l - 1]
            ch[(l, j)] = j % widths[l + 1]
    tree = frozenset({(l, par[(l, j)], j) for (l, j) in par} | {(l + 1, i, ch[(l, i)]) for (l, i) in ch})

    def pre(l, j):  # nodes i_0..i_l ending at (l, j)
        out = [j]
        while l > 0:
            j = par[(l, j)]
            l -= 1
            out.append(j)
        return out[::-1]

    def suf(l, j):  # nodes i_l..i_L starting at (l, j)
        out = [j]
        while l < L:
            j = ch[(l, j)]
            l += 1
            out.append(j)
        return out

    def is_double(l, a, b):  # 2 ≤ l ≤ L−1: parent of (l, b) and child of (l−1, a)
        return par[(l, b)] == a and ch[(l - 1, a)] == b

    starts = tuple((l, j) for l in range(1, L) for j in range(widths[l])
                   if l == 1 or not is_double(l, par[(l, j)], j))
    paths, nodes, free = [], {}, {}
    for c, (l, j) in enumerate(starts):
        p = ("s", c)
        paths.append(p)
        nodes[p] = tuple(pre(l, j)[:-1] + suf(l, j))
        free[p] = (l, par[(l, j)], j)
    for l in range(1, L + 1):
        for a in range(widths[l - 1]):
            for b in range(widths[l]):
                if (l, a, b) in tree:
                    continue
                p = ("e", l, a, b)
                paths.append(p)
                nodes[p] = tuple((pre(l - 1, a) if l > 1 else [a]) + (suf(l, b) if l < L else [b]))
                free[p] = (l, a, b)
    H = sum(widths[1:-1])
    m = sum(widths[t] * widths[t + 1] for t in range(L))
    assert len(paths) == m - H and len(set(nodes.values())) == m - H, "tree basis count (proved) failed"
    on_edge = {}
    for p in paths:
        for e in _edges_of(nodes[p]):
            on_edge.setdefault(e, []).append(p)
    nc = len(starts)
    f = [free[("s", c)] for c in range(nc)]
    icr_paths = tuple(tuple(p for p in on_edge[f[c]] if p[0] == "e") for c in range(nc))
    icr_classes = tuple(tuple(p[1] for p in on_edge[f[c]] if p[0] == "s" and p[1] != c) for c in range(nc))
    free_class = {f[c]: c for c in range(nc)}
    wa_classes = tuple(tuple(free_class[e] for e in _edges_of(nodes[("s", c)]) if e in free_class and free_class[e] != c)
                       for c in range(nc))
    wa_free = {p: tuple(free_class[e] for e in _edges_of(nodes[p]) if e in free_class) for p in paths if p[0] == "e"}
    for c in range(nc):  # triangularity (proved): the solves below never read an unset value
        assert all(starts[c2][0] > starts[c][0] for c2 in icr_classes[c])
        assert all(starts[c2][0] < starts[c][0] for c2 in wa_classes[c])
    pinned = tuple(sorted((l + 1, i, ch[(l, i)]) for (l, i) in ch))
    return PathBasis(widths, tuple(paths), nodes, free, pinned, tree, starts, icr_paths, icr_classes,
                     wa_classes, wa_free)


def path_basis(widths) -> PathBasis:
    """The tree basis for any layered widths (cached).  For equal hidden widths it is the
    official skeleton basis: ``('s', j)`` = s_j and ``('e', l, a, b)`` = b(e)."""
    return _path_basis(_check_widths(widths))


def basis_paths(widths) -> list:
    """Descriptors of the m − H basis paths: ``('s', j)`` then ``('e', l, a, b)`` (see `PathBasis`)."""
    return list(path_basis(widths).paths)


def path_nodes(widths, p) -> tuple:
    """Node sequence (i_0, …, i_L) of the basis path with descriptor p."""
    return path_basis(widths).nodes[p]


def path_value(W, nodes):
    """v_p = Π_l w^l(i_{l-1}, i_l) for the node sequence ``nodes``."""
    v = W[0][nodes[0]][nodes[1]]
    for l in range(2, len(nodes)):
        v = v * W[l - 1][nodes[l - 1]][nodes[l]]
    return v


def basis_values(W) -> dict:
    """{descriptor: v_p(W)} over the basis paths."""
    B = path_basis(widths_of(W))
    return {p: path_value(W, B.nodes[p]) for p in B.paths}


# =============================================================================================
# ICR and the step


def _closed_ok(widths) -> bool:
    return len(widths) >= 3 and equal_hidden_widths(widths)


def _z(W, G):
    return [[[W[t][i][j] * G[t][i][j] for j in range(len(W[t][i]))] for i in range(len(W[t]))] for t in range(len(W))]


def _columns(W):
    """Equal widths: per-layer skeleton coordinates (row, col) of column j, skeleton values s[t][j],
    V_j, prefix P[t][a] = Π_{u<t} s[u][a] and suffix Q[t][b] = Π_{u>t} s[u][b] (0-based t)."""
    widths = widths_of(W)
    L, d, h, K = len(W), widths[0], widths[1], widths[-1]
    coords = []
    for t in range(L):
        if t == 0:
            coords.append([(j % d, j) for j in range(h)])
        elif t == L - 1:
            coords.append([(j, j % K) for j in range(h)])
        else:
            coords.append([(j, j) for j in range(h)])
    s = [[W[t][r][c] for (r, c) in coords[t]] for t in range(L)]
    P = [[None] * h for _ in range(L)]
    Q = [[None] * h for _ in range(L)]
    for j in range(h):
        acc = None
        for t in range(L):
            P[t][j] = acc  # None stands for the empty product (t = 0)
            acc = s[t][j] if acc is None else acc * s[t][j]
        acc = None
        for t in range(L - 1, -1, -1):
            Q[t][j] = acc  # None for t = L−1
            acc = s[t][j] if acc is None else acc * s[t][j]
    V = [P[L - 1][j] * s[L - 1][j] for j in range(h)]
    return coords, s, V, P, Q


def _icr_y_closed(W, G):
    """y_p = v_p ∂L/∂v_p, closed form (equal widths, L ≥ 2): y_{b(e)} = z_e, y_{s_j} = z_{σ_j} − S_j."""
    widths = widths_of(W)
    L, h = len(W), widths[1]
    coords, s, V, P, Q = _columns(W)
    Z = _z(W, G)
    sk = [set(c) for c in coords]
    y = {}
    S = [0] * h
    for t in range(L):
        for a in range(widths[t]):
            for b in range(widths[t + 1]):
                if (a, b) in sk[t]:
                    continue
                y[("e", t + 1, a, b)] = Z[t][a][b]
                if t >= 1:
                    S[a] = S[a] + Z[t][a][b]
    for j in range(h):
        r, c = coords[0][j]
        y[("s", j)] = Z[0][r][c] - S[j]
    return y


def _icr_y_tree(W, G):
    """y_p for the tree basis (any widths): y_{P(e)} = z_e, then per class, by decreasing start
    layer, y_c = z_{f_c} − Σ_{non-tree p ∋ f_c} y_p − Σ_{c' ≠ c, C_{c'} ∋ f_c} y_{c'}."""
    B = path_basis(widths_of(W))
    y = {}
    for p in B.paths:
        if p[0] == "e":
            _, l, a, b = p
            y[p] = W[l - 1][a][b] * G[l - 1][a][b]
    for c in range(B.n_classes - 1, -1, -1):
        l, a, b = B.free[("s", c)]
        val = W[l - 1][a][b] * G[l - 1][a][b]
        for p in B.icr_paths[c]:
            val = val - y[p]
        for c2 in B.icr_classes[c]:
            val = val - y[("s", c2)]
        y[("s", c)] = val
    return y


def _icr_y(W, G, method):
    widths = widths_of(W)
    if method == "auto":
        method = "closed" if _closed_ok(widths) else "tree"
    if method == "closed":
        if not _closed_ok(widths):
            raise InputError(f"closed-form ICR needs L ≥ 2 and equal hidden widths, got {list(widths)}", "method")
        return _icr_y_closed(W, G)
    if method == "tree":
        return _icr_y_tree(W, G)
    raise InputError(f"unknown method {method!r} (auto, closed, tree)", "method")


def icr(W, G, method="auto") -> dict:
    """Inverse chain rule: {descriptor: ∂L/∂v_p} = y_p / v_p, the unique solution of B·y = z,
    z = W ⊙ G (claim 9 (b); the closed form (a) for equal widths, the tree solve otherwise).
    Exact on fmpq; v_p = 0 raises `Undefined`."""
    y = _icr_y(W, G, method)
    v = basis_values(W)
    return {p: y[p] / _nonzero(v[p], f"basis value v{p}") for p in y}


def _copy(W):
    return [[list(row) for row in layer] for layer in W]


def _check_eta(eta):
    if isinstance(eta, float) and not math.isfinite(eta):
        raise InputError("eta must be finite", "eta")


def gsgd_step(W, data, eta, variant="general", relu_prime0=0, risk="sum", method="auto"):
    """One G-SGD step; returns the new weights (the input is not mutated).

    ``variant="general"`` (claims 10, 11): every basis value becomes v_p − η ∂L/∂v_p exactly (in ℚ).
    Equal widths (``method="closed"``, the default when L ≥ 2 and h_1 = … = h_{L-1}): σ_j ← σ_j R_j,
    layer-1 non-skeleton w ← w·r_{b(e)}, layer ≥ 2 non-skeleton w^l(a,b) ← w·r_{b(e)}/R_a, pinned
    unchanged.  Any widths (``method="tree"``): w_f ← w_f·ρ_f with ρ_{f_c} = r_{s_c}/Π_{c'∈wa_classes[c]} ρ_{f_{c'}}
    and ρ_e = r_{P(e)}/Π_{c: f_c ∈ P(e)} ρ_{f_c}.  ``variant="simple"`` (planted violation 6,
    equal widths only): layer ≥ 2 non-skeleton w ← w − η g/V_a², no division by R_a.
    Raises `Undefined` on a zero V_j / basis value, or a zero rate that must be divided by.
    A negative rate is *not* an error here: the exact step is carried out (signs flip; planted 14)."""
    _check_eta(eta)
    widths = widths_of(W)
    _, G = backprop(W, data, relu_prime0=relu_prime0, risk=risk)
    if method == "auto":
        method = "closed" if _closed_ok(widths) else "tree"
    if variant not in ("general", "simple"):
        raise InputError(f"unknown variant {variant!r} (general, simple)", "variant")
    if variant == "simple" and method != "closed":
        raise InputError("the simple variant is defined for equal hidden widths (closed form) only", "variant")
    if method == "closed":
        if not _closed_ok(widths):
            raise InputError(f"closed-form step needs L ≥ 2 and equal hidden widths, got {list(widths)}", "method")
        return _step_closed(W, G, eta, variant)
    if method == "tree":
        return _step_tree(W, G, eta)
    raise InputError(f"unknown method {method!r} (auto, closed, tree)", "method")


def _step_closed(W, G, eta, variant):
    widths = widths_of(W)
    L, h = len(W), widths[1]
    coords, s, V, P, Q = _columns(W)
    for j in range(h):
        _nonzero(V[j], f"V_{j} (skeleton path value of column {j})")
    y = _icr_y_closed(W, G)
    R = [1 - eta * y[("s", j)] / (V[j] * V[j]) for j in range(h)]
    new = _copy(W)
    sk = [set(c) for c in coords]
    for t in range(L):
        for a in range(widths[t]):
            for b in range(widths[t + 1]):
                if (a, b) in sk[t]:
                    continue
                w = W[t][a][b]
                pre = P[t][a] if t >= 1 else None
                post = Q[t][b] if t <= L - 2 else None
                v = w
                if pre is not None:
                    v = pre * v
                if post is not None:
                    v = v * post
                _nonzero(v, f"basis value v(b(e)), e = w^{t + 1}({a},{b})")
                if variant == "simple" and t >= 1:
                    new[t][a][b] = w - eta * G[t][a][b] / (V[a] * V[a])
                    continue
                r = 1 - eta * y[("e", t + 1, a, b)] / (v * v)
                w_new = w * r
                if t >= 1:
                    w_new = w_new / _nonzero(R[a], f"rate R_{a} (column {a}), divided by for w^{t + 1}({a},{b})")
                new[t][a][b] = w_new
    for j in range(h):
        r0, c0 = coords[0][j]
        new[0][r0][c0] = s[0][j] * R[j]
    return new


def _step_tree(W, G, eta):
    widths = widths_of(W)
    B = path_basis(widths)
    y = _icr_y_tree(W, G)
    v = {p: path_value(W, B.nodes[p]) for p in B.paths}
    r = {}
    for p in B.paths:
        vp = _nonzero(v[p], f"basis value v{p}")
        r[p] = 1 - eta * y[p] / (vp * vp)
    rho = {}
    for c in range(B.n_classes):
        val = r[("s", c)]
        for c2 in B.wa_classes[c]:
            val = val / _nonzero(rho[("s", c2)], f"rate of class {c2}, divided by for class {c}")
        rho[("s", c)] = val
    for p in B.paths:
        if p[0] == "e":
            val = r[p]
            for c in B.wa_free[p]:
                val = val / _nonzero(rho[("s", c)], f"rate of class {c}, divided by for {p}")
            rho[p] = val
    new = _copy(W)
    for p in B.paths:
        l, a, b = B.free[p]
        new[l - 1][a][b] = W[l - 1][a][b] * rho[p]
    return new


def sgd_step(W, data, eta, relu_prime0=0, risk="sum"):
    """One plain SGD step w ← w − η ∂L/∂w (full batch over ``data``); exact on fmpq."""
    _check_eta(eta)
    _, G = backprop(W, data, relu_prime0=relu_prime0, risk=risk)
    return [[[W[t][i][j] - eta * G[t][i][j] for j in range(len(W[t][i]))] for i in range(len(W[t]))]
            for t in range(len(W))]


# =============================================================================================
# rescalings


def _scaling_index(widths):
    idx, k = {}, 0
    for l in range(1, len(widths) - 1):
        for j in range(widths[l]):
            idx[(l, j)] = k
            k += 1
    return idx


def rescale(W, c):
    """g_c(W): hidden node with scaling index k (Σ_{l'<l} h_{l'} + j) multiplies its incoming
    weights by c_k and divides its outgoing weights by c_k (c must be positive; exact on fmpq)."""
    widths = widths_of(W)
    idx = _scaling_index(widths)
    if len(c) != len(idx):
        raise InputError(f"need {len(idx)} scaling factors, got {len(c)}", "c")
    for k, ck in enumerate(c):
        if _sgn(ck, f"c_{k}") <= 0:
            raise InputError(f"scaling factor c_{k} must be positive", "c")
    L = len(W)
    new = _copy(W)
    for t in range(L):
        l = t + 1
        for a in range(widths[t]):
            for b in range(widths[t + 1]):
                w = new[t][a][b]
                if l < L:
                    w = w * c[idx[(l, b)]]
                if l > 1:
                    w = w / c[idx[(l - 1, a)]]
                new[t][a][b] = w
    return new


def gauge_pm1(W):
    """Function-preserving ±1 gauge: (W', c) with W' = g_c(W) and every pinned weight (the child
    edge w^{l+1}(j, j mod h_{l+1}) of each hidden node — for equal widths the skeleton weights of
    layers 2..L) equal to sgn(w) ∈ {−1, +1}.  c_j = |pinned(j)|·c_{child(j)} (c = 1 on outputs),
    computed from the last hidden layer down.  Exact on fmpq; a zero pinned weight raises `Undefined`."""
    widths = widths_of(W)
    L = len(W)
    idx = _scaling_index(widths)
    c = [None] * len(idx)
    for l in range(L - 1, 0, -1):
        for j in range(widths[l]):
            b = j % widths[l + 1]
            w = W[l][j][b]
            _nonzero(w, f"pinned weight w^{l + 1}({j},{b})")
            cb = c[idx[(l + 1, b)]] if l + 1 < L else None
            c[idx[(l, j)]] = _abs(w, "pinned weight") * cb if cb is not None else _abs(w, "pinned weight")
    return rescale(W, c), c


def overwrite_one(W):
    """Official init: every skeleton weight (official mod mapping, `skeleton`) set to 1.  Not a
    𝒢-rescaling: it changes the function."""
    new = _copy(W)
    for t, sk in enumerate(skeleton(widths_of(W))):
        for (a, b) in sk:
            new[t][a][b] = _one_like(new[t][a][b])
    return new


# =============================================================================================
# numpy optimizers (float64 training code, not certified)


def _np_widths(params_or_widths) -> tuple[int, ...]:
    x = list(params_or_widths)
    if x and isinstance(x[0], np.ndarray):
        widths = [x[0].shape[0]]
        for t, A in enumerate(x):
            if A.ndim != 2 or A.shape[0] != widths[-1]:
                raise InputError(f"layer {t + 1} has shape {A.shape}, expected ({widths[-1]}, ·)", "Ws")
            widths.append(A.shape[1])
        return _check_widths(widths)
    return _check_widths(x)


class SGD:
    """Plain SGD, in place: W ← W − lr·G."""

    def __init__(self, params_or_widths, lr: float):
        self.widths = _np_widths(params_or_widths)
        self.lr = float(lr)
        self.n_steps = 0

    def step(self, Ws, grads):
        for W, G in zip(Ws, grads):
            W -= self.lr * G
        self.n_steps += 1
        return Ws


_NONPOSITIVE = ("allow", "clip", "raise")


class GSGD:
    """Gauge-free G-SGD for equal hidden widths (numpy float64, in place; O(m) extra work).

    Per step: skeleton weights s_t(j), V_j = Π_t s_t(j), prefixes P_t(a) = Π_{u<t} s_u(a) and
    suffixes Q_t(b) = Π_{u>t} s_u(b) (O(Lh)); S_j = Σ_{l≥2} (row j sum of z^l − its skeleton entry), one einsum per layer;
    R_j = 1 − η(z_{σ_j} − S_j)/V_j².  Non-skeleton weights: w·r_{b(e)} is evaluated in the
    algebraically equal form w − η g/(P_t(a) Q_t(b))² (no division by w: an exactly-zero
    non-skeleton weight takes the continuous extension of the step instead of 0/0); rows of layers
    ≥ 2 are then divided by R_a (``variant="simple"``: layers ≥ 2 use w − η g/V_a² and skip the
    division, planted violation 6).  σ_j ← σ_j R_j; pinned weights are restored exactly.
    Extra work per step: about 7 elementwise passes over the weights, no extra backprop.

    Non-positive rates r ≤ 0 (the exact basis-path SGD step takes a basis value through 0; planted
    14) are counted in ``n_nonpositive`` and handled by ``nonpositive``:
      * ``"allow"`` (default): carry out the exact step anyway, like the exact `gsgd_step` and the
        official code — the basis value, hence a weight, changes sign;
      * ``"clip"``: replace r by ``r_min`` (default 0.1; the value shrinks toward 0, keeps its
        sign).  Sign patterns are then invariant, but a weight that SGD would push through 0 is
        trapped and shrinks geometrically (observed in the benchmark), so this is not the default;
      * ``"raise"``: raise `Undefined`.
    A zero or non-finite V_j or R_j, or R_j = 0 (it is divided by), raises `Undefined` in all modes."""

    def __init__(self, params_or_widths, lr: float, variant: str = "general", nonpositive: str = "allow",
                 r_min: float = 0.1):
        widths = _np_widths(params_or_widths)
        if len(widths) < 3 or not equal_hidden_widths(widths):
            raise InputError(f"GSGD needs L ≥ 2 and equal hidden widths, got {list(widths)}; use GSGDGeneral", "widths")
        if variant not in ("general", "simple"):
            raise InputError(f"unknown variant {variant!r}", "variant")
        if nonpositive not in _NONPOSITIVE:
            raise InputError(f"nonpositive must be one of {_NONPOSITIVE}, got {nonpositive!r}", "nonpositive")
        if not 0 < r_min <= 1:
            raise InputError("r_min must be in (0, 1]", "r_min")
        self.widths, self.lr, self.variant = widths, float(lr), variant
        self.nonpositive, self.r_min = nonpositive, float(r_min)
        L, d, h, K = len(widths) - 1, widths[0], widths[1], widths[-1]
        cols = np.arange(h)
        self._sk = []  # (rows, cols) of column j's skeleton entry, per layer
        for t in range(L):
            if t == 0:
                self._sk.append((cols % d, cols))
            elif t == L - 1:
                self._sk.append((cols, cols % K))
            else:
                self._sk.append((cols, cols))
        self._flat = [r * widths[t + 1] + c for t, (r, c) in enumerate(self._sk)]  # flat indices
        self._skmask = []
        for t, (r, c) in enumerate(self._sk):
            mask = np.zeros((widths[t], widths[t + 1]), dtype=bool)
            mask[r, c] = True
            self._skmask.append(mask)
        self._buf: dict = {}
        self.n_nonpositive = 0
        self.n_steps = 0

    @property
    def n_clipped(self) -> int:
        """Rates clipped so far (0 unless ``nonpositive="clip"``)."""
        return self.n_nonpositive if self.nonpositive == "clip" else 0

    def _buffers(self, shape):
        if shape not in self._buf:
            self._buf[shape] = (np.empty(shape), np.empty(shape))
        return self._buf[shape]

    def step(self, Ws, grads):
        lr, L = self.lr, len(Ws)
        s = [Ws[t].take(self._flat[t]) for t in range(L)]
        gs = [grads[t].take(self._flat[t]) for t in range(L)]
        P = [None] * L  # P[t] = Π_{u<t} s[u]
        Q = [None] * L  # Q[t] = Π_{u>t} s[u]
        P[1] = s[0]
        for t in range(2, L):
            P[t] = P[t - 1] * s[t - 1]
        Q[L - 2] = s[L - 1]
        for t in range(L - 3, -1, -1):
            Q[t] = Q[t + 1] * s[t + 1]
        V2 = P[L - 1] * s[L - 1]
        V2 *= V2
        if not V2.all():
            raise Undefined("a skeleton path value V_j is zero")
        S = s[0] * gs[0]  # accumulates z_{σ_j} − S_j
        for t in range(1, L):
            S -= np.einsum("ij,ij->i", Ws[t], grads[t])
            S += s[t] * gs[t]
        R = 1.0 - lr * S / V2
        if not np.isfinite(R).all():
            raise Undefined("a skeleton rate R_j is not finite")
        if (R <= 0).any():
            R = self._nonpositive(R, R <= 0, "skeleton rate R_j")
            if not R.all():
                raise Undefined("a skeleton rate R_j = 0 must be divided by")
        general = self.variant == "general"
        for t in range(L):
            W, G = Ws[t], grads[t]
            U, T = self._buffers(W.shape)
            keep = s[t]
            if t >= 1 and not general:
                np.multiply(G, (lr / V2)[:, None], out=U)
            elif t == 0:
                np.multiply(G, lr / (Q[0] * Q[0]), out=U)  # columns b: 1/Q_0(b)²
            else:
                np.multiply(G, (lr / (P[t] * P[t]))[:, None], out=U)
                if t < L - 1:
                    U *= 1.0 / (Q[t] * Q[t])
            np.subtract(W, U, out=U)  # U = w·r_{b(e)} (non-skeleton entries)
            np.multiply(U, W, out=T)
            if np.minimum.reduce(T, axis=None) <= 0:  # r_{b(e)} ≤ 0 ⇔ new·old ≤ 0 (old ≠ 0)
                bad = (T <= 0) & (W != 0) & ~self._skmask[t]
                if bad.any():
                    U = self._nonpositive_w(U, W, bad, t)
            if t >= 1 and general:
                np.divide(U, R[:, None], out=W)
            else:
                W[...] = U
            W.put(self._flat[t], keep * R if t == 0 else keep)
        self.n_steps += 1
        return Ws

    def _nonpositive(self, r, bad, what):
        self.n_nonpositive += int(bad.sum())
        if self.nonpositive == "raise":
            raise Undefined(f"non-positive {what}; the basis value would cross 0")
        if self.nonpositive == "clip":
            r = np.where(bad, self.r_min, r)
        return r

    def _nonpositive_w(self, U, W, bad, t):
        self.n_nonpositive += int(bad.sum())
        if self.nonpositive == "raise":
            raise Undefined(f"non-positive rate r_b(e) in layer {t + 1}; the basis value would cross 0")
        if self.nonpositive == "clip":
            U[bad] = self.r_min * W[bad]
        return U


def _exact_binv(B: PathBasis) -> np.ndarray:
    """B_F^{-1} as an int64 matrix (rows: basis paths, columns: free edges in path order), built
    by applying the ICR solve to unit vectors; B_F is unimodular so the inverse is integral."""
    n = len(B.paths)
    pos = {p: k for k, p in enumerate(B.paths)}
    Binv = np.zeros((n, n), dtype=np.int64)
    for p in B.paths:
        if p[0] == "e":
            Binv[pos[p], pos[p]] = 1
    for c in range(B.n_classes - 1, -1, -1):
        row = np.zeros(n, dtype=np.int64)
        row[pos[("s", c)]] = 1
        for p in B.icr_paths[c]:
            row -= Binv[pos[p]]
        for c2 in B.icr_classes[c]:
            row -= Binv[pos[("s", c2)]]
        Binv[pos[("s", c)]] = row
    if np.abs(Binv).max() >= 2 ** 53:
        raise OverflowError("B_F^{-1} entries exceed 2^53")
    return Binv


class GSGDGeneral:
    """G-SGD for any layered widths via the tree basis (numpy float64, in place; O(m²) per step).

    Precomputed once: the m − H basis paths (edge-index array), the free edges F (non-tree edges
    and one parent edge per class; the H child edges are pinned, B_F invertible — see the module
    docstring), and the exact integer inverse B_F^{-1}, stored dense in float64.  Per step:
    z = w ⊙ g; y = B_F^{-1} z_F (the square free-row subsystem of B y = z; the pinned rows are
    consistent by conservation); v_p = Π_{e∈p} w_e; r_p = 1 − η y_p/v_p²; Δlog|w_F| = (B_F^T)^{-1} log|r|;
    w_F ← w_F·exp(Δ), with the sign (−1)^{(B_F^T)^{-1}[r<0]} (integer matrix, so the parity is exact).
    Two dense (m−H)² mat-vecs: O(m²) time and memory — for small nets only.
    ``nonpositive`` / ``r_min`` / ``n_nonpositive`` as in `GSGD`; v_p = 0 or r_p = 0 raises `Undefined`."""

    def __init__(self, params_or_widths, lr: float, nonpositive: str = "allow", r_min: float = 0.1):
        widths = _np_widths(params_or_widths)
        if nonpositive not in _NONPOSITIVE:
            raise InputError(f"nonpositive must be one of {_NONPOSITIVE}, got {nonpositive!r}", "nonpositive")
        self.widths, self.lr, self.nonpositive, self.r_min = widths, float(lr), nonpositive, float(r_min)
        L = len(widths) - 1
        off = np.cumsum([0] + [widths[t] * widths[t + 1] for t in range(L)])
        self._off = off

        def flat(l, a, b):
            return off[l - 1] + a * widths[l] + b

        B = path_basis(widths)
        self.basis = B
        self.path_idx = np.array([[flat(*e) for e in _edges_of(B.nodes[p])] for p in B.paths], dtype=np.intp)
        self.free_idx = np.array([flat(*B.free[p]) for p in B.paths], dtype=np.intp)
        self.Binv_int = _exact_binv(B)
        self.Binv = self.Binv_int.astype(np.float64)
        self.n_nonpositive = 0
        self.n_steps = 0

    @property
    def n_clipped(self) -> int:
        return self.n_nonpositive if self.nonpositive == "clip" else 0

    def step(self, Ws, grads):
        w = np.concatenate([W.ravel() for W in Ws])
        g = np.concatenate([G.ravel() for G in grads])
        wf = w[self.free_idx]
        y = self.Binv @ (wf * g[self.free_idx])
        v = np.prod(w[self.path_idx], axis=1)
        if not v.all() or not np.isfinite(v).all():
            raise Undefined("a basis value v_p is zero or not finite")
        r = 1.0 - self.lr * y / (v * v)
        if not np.isfinite(r).all():
            raise Undefined("a rate r_p is not finite")
        bad = r <= 0
        flip = None
        if bad.any():
            self.n_nonpositive += int(bad.sum())
            if self.nonpositive == "raise":
                raise Undefined("non-positive rate r_p; the basis value would cross 0")
            if self.nonpositive == "clip":
                r = np.where(bad, self.r_min, r)
            else:
                if not r.all():
                    raise Undefined("a rate r_p = 0 (the basis value becomes 0)")
                flip = np.rint(self.Binv.T @ bad.astype(np.float64)).astype(np.int64) % 2 == 1
                r = np.abs(r)
        delta = self.Binv.T @ np.log(r)
        wf = wf * np.exp(delta)
        if flip is not None:
            wf[flip] = -wf[flip]
        w[self.free_idx] = wf
        for t, W in enumerate(Ws):
            W[...] = w[self._off[t]:self._off[t + 1]].reshape(W.shape)
        self.n_steps += 1
        return Ws


# =============================================================================================
# numpy MLP helpers


def overwrite_one_np(Ws) -> list[np.ndarray]:
    """numpy twin of `overwrite_one`: copies with every official skeleton weight set to 1."""
    out = [A.copy() for A in Ws]
    for A, sk in zip(out, skeleton(_np_widths(Ws))):
        if sk:
            rows, cols = zip(*sorted(sk))
            A[list(rows), list(cols)] = 1.0
    return out


def gauge_pm1_np(Ws) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """numpy twin of `gauge_pm1`: (copies rescaled so every pinned child edge w^{l+1}(j, j mod h_{l+1})
    is ±1, per-hidden-layer scaling vectors c).  Function-preserving up to float rounding."""
    widths = _np_widths(Ws)
    L = len(Ws)
    c = [None] * (L + 1)
    c[L] = np.ones(widths[L])
    for l in range(L - 1, 0, -1):
        j = np.arange(widths[l])
        b = j % widths[l + 1]
        pinned = Ws[l][j, b]
        if np.any(pinned == 0):
            raise Undefined("a pinned weight is zero")
        c[l] = np.abs(pinned) * c[l + 1][b]
    out = []
    for t, A in enumerate(Ws):
        B = A.copy()
        if t + 1 < L:
            B *= c[t + 1][None, :]
        if t >= 1:
            B /= c[t][:, None]
        out.append(B)
    return out, c[1:L]


def init_mlp(widths: Sequence[int], rng: np.random.Generator) -> list[np.ndarray]:
    """He-style init: w^l(i, j) ~ N(0, 2/h_{l-1}), arrays of shape (h_{l-1}, h_l), bias-free."""
    widths = _check_widths(widths)
    return [rng.standard_normal((widths[t], widths[t + 1])) * math.sqrt(2.0 / widths[t])
            for t in range(len(widths) - 1)]


def mlp_forward(Ws, X):
    """(N(X), activations o^0..o^{L-1}) for a batch X of shape (n, d)."""
    acts = [X]
    for W in Ws[:-1]:
        acts.append(np.maximum(acts[-1] @ W, 0.0))
    return acts[-1] @ Ws[-1], acts


def _backward(Ws, acts, delta, relu_prime0):
    L = len(Ws)
    grads = [None] * L
    for t in range(L - 1, -1, -1):
        grads[t] = acts[t].T @ delta
        if t > 0:
            delta = delta @ Ws[t].T
            # ReLU'(pre) from the post-activation: pre > 0 ⇔ o > 0; pre = 0 only if o = 0 (ambiguous with
            # pre < 0); relu_prime0 = 1 therefore uses the pre-activation recomputed only when needed.
            if relu_prime0 == 0:
                delta *= acts[t] > 0
            else:
                delta *= (acts[t - 1] @ Ws[t - 1]) >= 0
    return grads


def softmax_xent_grad(Ws, X, y, relu_prime0=0):
    """(mean softmax cross-entropy, gradients) for integer labels y."""
    out, acts = mlp_forward(Ws, X)
    out = out - out.max(axis=1, keepdims=True)
    e = np.exp(out)
    p = e / e.sum(axis=1, keepdims=True)
    n = X.shape[0]
    loss = float(-np.mean(np.log(p[np.arange(n), y] + 1e-300)))
    delta = p
    delta[np.arange(n), y] -= 1.0
    delta /= n
    return loss, _backward(Ws, acts, delta, relu_prime0)


def sq_loss_grad(Ws, X, Y, relu_prime0=0, risk="sum"):
    """(Σ ½‖N(x) − y‖² [/ n for risk="mean"], gradients) — the float twin of `backprop`."""
    out, acts = mlp_forward(Ws, X)
    delta = out - Y
    loss = 0.5 * float(np.sum(delta * delta))
    if risk == "mean":
        loss /= X.shape[0]
        delta = delta / X.shape[0]
    return loss, _backward(Ws, acts, delta, relu_prime0)


def predict(Ws, X) -> np.ndarray:
    return np.argmax(mlp_forward(Ws, X)[0], axis=1)


def accuracy(Ws, X, y) -> float:
    return float(np.mean(predict(Ws, X) == y))
