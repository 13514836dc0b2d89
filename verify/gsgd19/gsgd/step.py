"""G-SGD, the exact step: the basis paths (the tree basis `PathBasis` for any layered widths, the
official skeleton basis s_j, b(e) for equal widths) and their values v_p, the inverse chain rule
∂L/∂v_p = y_p/v_p from B·y = z (closed form or tree solve), weight allocation and the G-SGD step
(``variant="general"`` ratio form or the older ``"simple"`` code, planted 6), the plain SGD step,
and the rescalings g_c, the ±1 gauge and the official overwrite-with-1 init.  Generic in the
number type: exact on fmpq, enclosures on `arb`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from ...errors import InputError
from .mlp import _abs, _check_widths, _nonzero, _one_like, _sgn, backprop, equal_hidden_widths, skeleton, widths_of


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
