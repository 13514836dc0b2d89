"""Paths, path values, the structure matrix, basis paths and the scaling group (layer 6; gsgd19).

Notation of the G-SGD paper (gsgd19 §2).  A path p runs from an input node i_0 (or, with biases,
from the constant-1 source through one bias edge) to an output node; it is stored as the tuple of
its edge indices, bias edges numbered m + k after the m weights, so that its incidence vector
p ∈ {0,1}^{m+n_b} has p_e = 1 iff e lies on p.  Then

    v_p(w) = Π_{e∈p} w_e,        a_p(x; w) = Π_{hidden j on p} 𝕀(o_j(x; w) > 0)   (strict),

N^k(x) = Σ_{p: → k} v_p(w) a_p(x; w) x_{i_0(p)} (x_{i_0} := 1 for bias paths), and on the sign
orthant log|v(w)| = A^⊤ log|w| with the structure matrix A = [p_1, …, p_n] ∈ {0,1}^{(m+n_b)×n}.

Paths are enumerated lexicographically in the node sequence (i_0, …, i_L): depth-first from the
inputs in order, out-edges by increasing head node; bias paths follow, by bias edge.  Everything
here is exact on rational weights (`fmpq`, integer matrices via `flint.fmpz_mat`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from flint import fmpq, fmpq_mat, fmpz_mat

from ..dag import DagNetwork
from ..errors import InputError
from ..numbers import exact_number, sign

DEFAULT_PATH_LIMIT = 200_000


@dataclass(frozen=True)
class Path:
    """A path as its edge indices (bias edges are m + k) and its start: an input node, or
    ``None`` for a bias path."""

    edges: tuple[int, ...]
    source: int | None

    def nodes(self, net: DagNetwork) -> tuple[int, ...]:
        """(i_0, …, i_L); a bias path starts at the node its bias enters."""
        if self.source is None:
            first = net.bias_nodes[self.edges[0] - net.m]
            rest = self.edges[1:]
        else:
            first, rest = self.source, self.edges
        return (first,) + tuple(net.edges[e][1] for e in rest)

    def hidden_nodes(self, net: DagNetwork) -> tuple[int, ...]:
        return tuple(j for j in self.nodes(net) if net.kinds[j] == "hidden")


# ---------------------------------------------------------------------------------------------
# enumeration, values, activations


def count_paths(net: DagNetwork, biases: bool = True) -> int:
    """n = |𝒫| by dynamic programming (no enumeration): paths from each node to the outputs."""
    to_out = _paths_to_outputs(net)
    n = sum(to_out[i] for i in net.inputs)
    if biases:
        n += sum(to_out[j] for j in net.bias_nodes)
    return n


def _paths_to_outputs(net: DagNetwork) -> list[int]:
    cnt = [0] * len(net.kinds)
    for j in range(len(net.kinds) - 1, -1, -1):
        cnt[j] = 1 if net.kinds[j] == "output" else sum(cnt[net.edges[e][1]] for e in net.out_edges[j])
    return cnt


def enumerate_paths(net: DagNetwork, biases: bool = True, limit: int = DEFAULT_PATH_LIMIT) -> list[Path]:
    """All input→output paths (and bias paths if ``biases``) in lexicographic order; refuses (clear
    error) to enumerate more than ``limit`` paths."""
    n = count_paths(net, biases)
    if n > limit:
        raise InputError(f"the network has {n} paths, more than the enumeration limit {limit} "
                         "(use the dynamic-programming functions instead)", "network")
    out_sorted = [sorted(net.out_edges[j], key=lambda e: net.edges[e][1]) for j in range(len(net.kinds))]
    paths: list[Path] = []

    def walk(node, prefix, source):
        if net.kinds[node] == "output":
            paths.append(Path(tuple(prefix), source))
            return
        for e in out_sorted[node]:
            prefix.append(e)
            walk(net.edges[e][1], prefix, source)
            prefix.pop()

    for i in net.inputs:
        walk(i, [], i)
    if biases:
        for k, j in enumerate(net.bias_nodes):
            walk(j, [net.m + k], None)
    return paths


def path_value(net: DagNetwork, p: Path, theta: Sequence | None = None):
    """v_p(w) = Π_{e∈p} w_e (θ = weights then biases; default the network's own)."""
    theta = net.theta if theta is None else theta
    v = fmpq(1)
    for e in p.edges:
        v = v * theta[e]
    return v


def path_values(net: DagNetwork, paths: Sequence[Path]) -> list:
    theta = net.theta
    return [path_value(net, p, theta) for p in paths]


def path_values_dp(net: DagNetwork, biases: bool = True) -> list:
    """The path values by a forward pass over prefix products, in the order of `enumerate_paths`
    (an independent computation used to cross-check the enumeration)."""
    out_sorted = [sorted(net.out_edges[j], key=lambda e: net.edges[e][1]) for j in range(len(net.kinds))]
    # suffix lists: for each node, the products along every node→output path, lexicographic
    suffix: list[list] = [[] for _ in net.kinds]
    for j in range(len(net.kinds) - 1, -1, -1):
        if net.kinds[j] == "output":
            suffix[j] = [fmpq(1)]
        else:
            suffix[j] = [net.weights[e] * s for e in out_sorted[j] for s in suffix[net.edges[e][1]]]
    values = [v for i in net.inputs for v in suffix[i]]
    if biases:
        values += [bv * s for j, bv in zip(net.bias_nodes, net.biases) for s in suffix[j]]
    return values


def activation_status(net: DagNetwork, x: Sequence, paths: Sequence[Path]) -> list[int]:
    """a_p(x; w) ∈ {0, 1} for each path: 1 iff every hidden node on p has o_j(x) > 0 strictly."""
    _, _, z = net.forward(x)
    on = {j: int(net.active(z[j])) for j in net.hidden}
    return [int(all(on[j] for j in p.hidden_nodes(net))) for p in paths]


def path_sum(net: DagNetwork, x: Sequence, paths: Sequence[Path]) -> list:
    """Σ_{p→k} v_p(w) a_p(x; w) x_{i_0(p)} per output k (x_{i_0} := 1 for bias paths)."""
    a = activation_status(net, x, paths)
    xin = {i: x[k] for k, i in enumerate(net.inputs)}
    sums = {k: fmpq(0) for k in net.outputs}
    theta = net.theta
    for p, ap in zip(paths, a):
        if ap:
            head = net.edges[p.edges[-1]][1] if p.edges[-1] < net.m else net.bias_nodes[p.edges[-1] - net.m]
            factor = xin[p.source] if p.source is not None else 1
            sums[head] = sums[head] + path_value(net, p, theta) * factor
    return [sums[k] for k in net.outputs]


# ---------------------------------------------------------------------------------------------
# structure matrix, rank, kernel


def structure_matrix(net: DagNetwork, paths: Sequence[Path]) -> fmpz_mat:
    """A = [p_1, …, p_n] ∈ {0,1}^{(m+n_b)×n}, one column per path."""
    rows = net.m + net.n_b
    A = fmpz_mat(rows, len(paths))
    for c, p in enumerate(paths):
        for e in p.edges:
            A[e, c] = 1
    return A


def kernel_vectors(net: DagNetwork) -> list[list[int]]:
    """u^{(j)} for every hidden j: +1 on the edges into j (its bias included), −1 on the edges
    out of j, 0 elsewhere; A^⊤u^{(j)} = 0 because every path through j enters and leaves it once."""
    out = []
    for j in net.hidden:
        u = [0] * (net.m + net.n_b)
        for e in net.in_edges[j]:
            u[e] = 1
        if j in net.bias_of:
            u[net.m + net.bias_of[j]] = 1
        for e in net.out_edges[j]:
            u[e] = -1
        out.append(u)
    return out


def reached_from_sources(net: DagNetwork) -> list[bool]:
    """For every node: is it the end of some path that starts at a source -- an input node or
    the constant-1 source through a bias edge?  A node with a bias is reached (its bias path
    starts there) and so is every node downstream of it, whether or not an input reaches it."""
    fwd = [net.kinds[j] == "input" or j in net.bias_of for j in range(len(net.kinds))]
    for j in range(len(net.kinds)):
        if not fwd[j] and any(fwd[net.edges[e][0]] for e in net.in_edges[j]):
            fwd[j] = True
    return fwd


def on_path(net: DagNetwork) -> tuple[set[int], set[int]]:
    """(edges, hidden nodes) lying on some path of 𝒫: a path starts at an input node, or at the
    constant-1 source through the bias edge of a hidden or output node, and ends at an output
    node.  A weight edge a → b is on a path iff a is reached from a source
    (`reached_from_sources`) and b reaches an output; a bias edge iff its node reaches an
    output; a hidden node iff it is reached and reaches an output.  Off-path edges are the zero
    rows of A, off-path hidden nodes the ones that no path meets."""
    fwd = reached_from_sources(net)
    bwd = _paths_to_outputs(net)
    edges = {e for e, (a, b) in enumerate(net.edges) if fwd[a] and bwd[b]}
    edges |= {net.m + k for k, j in enumerate(net.bias_nodes) if bwd[j]}
    hidden = {j for j in net.hidden if bwd[j] and fwd[j]}
    return edges, hidden


def predicted_rank(net: DagNetwork, form: str) -> int:
    """The rank formula of claim 5: ``mlp`` / ``dag-all-on-path``: m − H; ``bias-edges``:
    m + n_b − H; ``dag-general``: m' − H' counting only on-path edges (bias edges included) and
    on-path hidden nodes."""
    if form in ("mlp", "dag-all-on-path"):
        return net.m - net.H
    if form == "bias-edges":
        return net.m + net.n_b - net.H
    if form == "dag-general":
        e, h = on_path(net)
        return len(e) - len(h)
    raise ValueError(form)


def rank(M: fmpz_mat) -> int:
    """Exact rank over ℚ (flint's fraction-free elimination)."""
    return M.rank()


def columns_independent_by_peeling(columns: Sequence[Sequence[int]], n_rows: int) -> bool:
    """True if the 0/1 columns (given by their supports) are certified linearly independent by
    peeling: repeatedly take a row met by exactly one remaining column and remove that column.
    Success exhibits a triangular square submatrix with unit diagonal, an exact certificate of
    full column rank; failure proves nothing (the caller falls back to elimination)."""
    rows_of = [set(c) for c in columns]
    cols_in_row: list[set[int]] = [set() for _ in range(n_rows)]
    for c, rs in enumerate(rows_of):
        for r in rs:
            cols_in_row[r].add(c)
    stack = [r for r in range(n_rows) if len(cols_in_row[r]) == 1]
    alive = len(columns)
    while stack:
        r = stack.pop()
        if len(cols_in_row[r]) != 1:
            continue
        (c,) = cols_in_row[r]
        alive -= 1
        for r2 in rows_of[c]:
            cols_in_row[r2].discard(c)
            if len(cols_in_row[r2]) == 1:
                stack.append(r2)
    return alive == 0


def kernel_vector_annihilates(net: DagNetwork, u: Sequence[int]) -> bool:
    """A^⊤u = 0 without enumerating paths: Σ_{e∈p} u_e = 0 for every path p iff the set of
    prefix sums of u over input→node paths is a single value at every node and 0 at the outputs
    (bias paths start with their bias edge's entry)."""
    n = len(net.kinds)
    reach = _paths_to_outputs(net)
    sums: list[set] = [set() for _ in range(n)]
    for i in net.inputs:
        sums[i].add(0)
    for j in range(n):
        if j in net.bias_of:
            sums[j].add(u[net.m + net.bias_of[j]])
        for e in net.in_edges[j]:
            sums[j] |= {s + u[e] for s in sums[net.edges[e][0]]}
        if len(sums[j]) > 1:
            # only paths that reach an output count; a node that reaches none may disagree
            if reach[j]:
                return False
            sums[j] = {next(iter(sums[j]))}
    return all(sums[k] <= {0} for k in net.outputs)


@dataclass
class RankCertificate:
    rank: int
    lower: str  # how rank ≥ value was certified
    upper: str  # how rank ≤ value was certified


def certified_structure_rank(net: DagNetwork, basis: Sequence[Path] | None = None) -> RankCertificate:
    """rank A for networks too large for dense elimination: rank ≥ |basis| by peeling the basis
    columns (default basis: `tree_basis`; `skeleton_basis_direct` also peels), and
    rank ≤ (m + n_b) − (number of independent vectors of ker A^⊤): the unit vectors of the
    off-path rows (zero rows of A) and, for every on-path hidden node j, u^{(j)} restricted to
    the on-path edges, each verified to annihilate A by `kernel_vector_annihilates` and all
    independent by peeling.  The two meet at m' − H' (claim 5, general form).  Raises
    `InputError` if they do not meet."""
    rows = net.m + net.n_b
    if basis is None:
        basis = tree_basis(net)
    if not columns_independent_by_peeling([p.edges for p in basis], rows):
        raise InputError("the basis columns could not be certified independent by peeling", "network")
    edges_on, hidden_on = on_path(net)
    U = [[ue if e in edges_on else 0 for e, ue in enumerate(u)]
         for j, u in zip(net.hidden, kernel_vectors(net)) if j in hidden_on]
    U += [[int(e == r) for e in range(rows)] for r in range(rows) if r not in edges_on]
    if not all(kernel_vector_annihilates(net, u) for u in U):
        raise InputError("a kernel vector of A^T does not annihilate A", "network")
    supports = [[e for e, ue in enumerate(u) if ue] for u in U]
    if not columns_independent_by_peeling(supports, rows):
        raise InputError("the kernel vectors could not be certified independent by peeling", "network")
    lo, hi = len(basis), rows - len(U)
    if lo != hi:
        raise InputError(f"rank bounds do not meet: {lo} <= rank A <= {hi}", "network")
    return RankCertificate(lo, f"{lo} basis columns independent (peeling)",
                           f"{len(U)} independent vectors of ker A^T (on-path u^(j) and off-path unit rows, "
                           "prefix-sum DP)")


# ---------------------------------------------------------------------------------------------
# basis paths


def skeleton(widths: Sequence[int]) -> list[set[tuple[int, int]]]:
    """The official mod mapping: skeleton (``red``) weights (i, j) of each layer l = 1..L."""
    L = len(widths) - 1
    out = []
    for l in range(1, L + 1):
        hin, hout = widths[l - 1], widths[l]
        if l == 1:
            s = {(j % hin, j) for j in range(hout)}
        elif l == L:
            s = {(i, i % hout) for i in range(hin)}
        elif hin >= hout:
            s = {(i, i % hout) for i in range(hin)}
        else:
            s = {(j % hin, j) for j in range(hout)}
        out.append(s)
    return out


def skeleton_edges(net: DagNetwork) -> set[int]:
    h = net._need_layers()
    return {net.edge_index(l, i, j) for l, layer in enumerate(skeleton(h), start=1) for i, j in layer}


def equal_hidden_widths(widths: Sequence[int]) -> bool:
    return len(set(widths[1:-1])) <= 1


def skeleton_basis(net: DagNetwork, paths: Sequence[Path] | None = None) -> list[Path]:
    """Paths with at most one non-skeleton weight (official mod mapping, bias-free MLPs).  For
    equal hidden widths these are m − H basis paths (claim 6); for unequal widths the selection
    can be dependent (planted 5) -- this function selects, it does not certify."""
    if net.n_b:
        raise InputError("the skeleton method is defined for bias-free MLPs", "network")
    red = skeleton_edges(net)
    paths = enumerate_paths(net) if paths is None else paths
    return [p for p in paths if sum(e not in red for e in p.edges) <= 1]


def skeleton_basis_direct(net: DagNetwork) -> list[Path]:
    """The m − H skeleton basis paths of an equal-width MLP built directly (no enumeration):
    the h skeleton paths s_j, then b(e) for every non-skeleton e in edge order."""
    h = net._need_layers()
    if not equal_hidden_widths(h) or len(h) < 3:
        raise InputError("the direct skeleton basis needs at least one hidden layer, all of equal width",
                         "network.widths")
    L, hw, d, K = len(h) - 1, h[1], h[0], h[-1]
    red = skeleton_edges(net)

    def column(j, l_from, l_to):
        """Skeleton edges of column j in layers l_from..l_to."""
        es = []
        for l in range(l_from, l_to + 1):
            if l == 1:
                es.append(net.edge_index(1, j % d, j))
            elif l == L:
                es.append(net.edge_index(L, j, j % K))
            else:
                es.append(net.edge_index(l, j, j))
        return es

    out = [Path(tuple(column(j, 1, L)), j % d) for j in range(hw)]
    for e in range(net.m):
        if e in red:
            continue
        a, b = net.edges[e]
        l = net.layer_of(b)
        ia, ib = a - net.node(l - 1, 0), b - net.node(l, 0)
        before = column(ia, 1, l - 1) if l >= 2 else []
        after = column(ib, l + 1, L) if l < L else []
        src = (ia % d) if l >= 2 else ia
        out.append(Path(tuple(before + [e] + after), src))
    return out


def tree_basis(net: DagNetwork) -> list[Path]:
    """General construction (variant ``tree``): every on-path hidden node j gets a designated
    parent edge (its first in-edge from a node reached from a source, see
    `reached_from_sources`, else its bias edge) and a
    designated child edge (its first out-edge towards an output); the canonical path through an
    edge a → b follows parents back from a and children forward from b.  The basis is the set of
    distinct canonical paths of all on-path edges (bias edges included) -- [DERIVED, checked by
    exact rank in claim 6's ``tree`` variant]."""
    edges_on, _ = on_path(net)
    reach_out = _paths_to_outputs(net)
    n = len(net.kinds)
    fwd = reached_from_sources(net)
    parent: dict[int, int] = {}
    for j in range(n):
        if net.kinds[j] == "input":
            continue
        for e in net.in_edges[j]:
            if fwd[net.edges[e][0]]:
                parent.setdefault(j, e)
        if j in net.bias_of and j not in parent:
            parent[j] = net.m + net.bias_of[j]
    child = {j: next(e for e in net.out_edges[j] if reach_out[net.edges[e][1]])
             for j in net.hidden if reach_out[j] and net.out_edges[j]}

    def back(a):
        es = []
        while net.kinds[a] != "input":
            e = parent[a]
            es.append(e)
            if e >= net.m:
                return es[::-1], None
            a = net.edges[e][0]
        return es[::-1], a

    def forward(b):
        es = []
        while net.kinds[b] != "output":
            e = child[b]
            es.append(e)
            b = net.edges[e][1]
        return es

    seen, out = set(), []
    for e in sorted(edges_on):
        if e >= net.m:
            j = net.bias_nodes[e - net.m]
            p = Path(tuple([e] + forward(j)), None)
        else:
            a, b = net.edges[e]
            pre, src = back(a)
            p = Path(tuple(pre + [e] + forward(b)), src)
        if p.edges not in seen:
            seen.add(p.edges)
            out.append(p)
    return out


def rref_basis(net: DagNetwork, paths: Sequence[Path] | None = None) -> list[Path]:
    """The general exact method: the pivot columns of the row-reduced structure matrix, i.e. the
    lexicographically first maximal independent set of paths (any widths, DAGs, biases)."""
    paths = enumerate_paths(net) if paths is None else paths
    A = fmpq_mat(structure_matrix(net, paths))
    R, r = A.rref()
    pivots, row = [], 0
    for c in range(A.ncols()):
        if row < r and R[row, c] != 0:
            pivots.append(c)
            row += 1
    return [paths[c] for c in pivots]


def exponents(net: DagNetwork, basis: Sequence[Path], others: Sequence[Path]) -> list[list[fmpq]]:
    """The matrix M with A_others = A_basis · M exactly (rows: basis paths, columns: the other
    paths); then log|v_p| = Σ_b M[b][p] log|v_b| for every p.  Raises `InputError` if some path
    is not in the span of the basis."""
    rows = net.m + net.n_b
    Ab = structure_matrix(net, basis)
    Ao = structure_matrix(net, others)
    k = len(basis)
    aug = fmpq_mat(rows, k + len(others))
    for r in range(rows):
        for c in range(k):
            aug[r, c] = Ab[r, c]
        for c in range(len(others)):
            aug[r, k + c] = Ao[r, c]
    R, rk = aug.rref()
    if rk != k or any(R[i, i] != 1 for i in range(k)):
        raise InputError("the chosen basis paths are dependent or do not span the other paths", "basis")
    return [[R[i, k + c] for c in range(len(others))] for i in range(k)]


def closed_form_exponents(net: DagNetwork, p: Path) -> dict[tuple[int, ...], int]:
    """Claim 7's formula for an equal-width MLP: for non-skeleton edges e_1, …, e_k of p (layer
    order) and c_r the column p follows after e_r, v_p = Π_r v_{b(e_r)} / Π_{r<k} V_{c_r}.
    Returns {basis path edges: exponent}; p's own entry if p is a basis path."""
    basis = skeleton_basis_direct(net)
    red = skeleton_edges(net)
    b_of = {next(e for e in q.edges if e not in red): q for q in basis if any(e not in red for e in q.edges)}
    skel_of_col = {q.nodes(net)[1] - net.node(1, 0): q for q in basis if all(e in red for e in q.edges)}
    nonskel = [e for e in p.edges if e not in red]
    if not nonskel:
        col = p.nodes(net)[1] - net.node(1, 0)
        return {skel_of_col[col].edges: 1}
    out: dict[tuple[int, ...], int] = {}
    for r, e in enumerate(nonskel):
        out[b_of[e].edges] = out.get(b_of[e].edges, 0) + 1
        if r < len(nonskel) - 1:
            b = net.edges[e][1]
            col = b - net.node(net.layer_of(b), 0)
            key = skel_of_col[col].edges
            out[key] = out.get(key, 0) - 1
    return out


# ---------------------------------------------------------------------------------------------
# the scaling group


def recover_scaling(net: DagNetwork, other: DagNetwork) -> list | None:
    """Claim 4, constructively and completely: c ∈ ℚ_{>0}^H with ``other = net.scale(c)``, or
    None if no such c exists.  w' = g_c(w) reads w'_e = w_e·c_b/c_a on every edge a → b (c = 1 on
    inputs and outputs, a bias is an edge from the constant source, also with c = 1): zero edges
    must stay zero, and on the graph of nonzero edges (inputs, outputs and the source merged into
    one ground node) the ratios ρ_e = w'_e/w_e > 0 force c along any spanning forest.  The search
    assigns c by breadth-first search from the ground (and from an arbitrary hidden node, c = 1,
    in components without ground -- their common factor cancels in every ratio), then verifies
    every edge exactly; a failed verification proves that no g exists."""
    if net.kinds != other.kinds or net.edges != other.edges or net.bias_nodes != other.bias_nodes:
        raise InputError("the two networks must have the same graph", "params.other")
    theta, theta2 = net.theta, other.theta
    ground = -1
    hid = set(net.hidden)
    ends = []
    for e, (a, b) in enumerate(net.edges):
        ends.append((a if a in hid else ground, b if b in hid else ground))
    for k, j in enumerate(net.bias_nodes):
        ends.append((ground, j if j in hid else ground))
    adj: dict[int, list] = {ground: [], **{j: [] for j in hid}}
    for e, (a, b) in enumerate(ends):
        if sign(theta[e]) == 0:
            if sign(theta2[e]) != 0:
                return None
            continue
        rho = exact_number(theta2[e]) / exact_number(theta[e])
        if sign(rho) != 1:
            return None
        adj[a].append((b, e, rho))   # c_b = c_a·ρ
        adj[b].append((a, e, 1 / rho))
    c: dict = {}
    for start in [ground] + list(net.hidden):
        if start in c:
            continue
        c[start] = fmpq(1)
        todo = [start]
        while todo:
            a = todo.pop()
            for b, _, r in adj[a]:
                if b not in c:
                    c[b] = c[a] * r
                    todo.append(b)
    cs = [c[j] for j in net.hidden]
    return cs if tuple(net.scale(cs).theta) == tuple(theta2) else None


# ---------------------------------------------------------------------------------------------
# one summary for the command line and notebooks


def choose_basis(net: DagNetwork, method: str = "auto", ps: Sequence[Path] | None = None) -> tuple[str, list[Path]]:
    """(method used, basis paths): ``auto`` takes the skeleton (direct) for bias-free equal-width
    MLPs and the row-reduced method otherwise (the skeleton rule is wrong for unequal widths)."""
    if method == "auto":
        eq = net.widths is not None and net.n_b == 0 and len(net.widths) >= 3 and equal_hidden_widths(net.widths)
        method = "skeleton" if eq else ("rref" if ps is not None or count_paths(net) <= DEFAULT_PATH_LIMIT // 40
                                        else "tree")
    if method == "skeleton":
        return method, skeleton_basis_direct(net)
    if method == "tree":
        return method, tree_basis(net)
    if method == "rref":
        return method, rref_basis(net, ps)
    raise InputError(f"basis method must be auto, skeleton, tree or rref, not {method!r}", "--basis")


def describe(net: DagNetwork, x: Sequence | None = None, basis: str = "auto", limit: int = 2000) -> dict:
    """Everything `relu-verify paths` prints, as JSON-ready data with exact values: the shape
    (m, n_b, H, n), rank A (exact elimination when n ≤ ``limit``, else the peeling/kernel
    certificate), a basis and its method, and -- when n ≤ ``limit`` -- every path with its node
    sequence, value, activation status at ``x``, and the exponents of the non-basis paths."""
    from ..numbers import to_json

    n = count_paths(net)
    out: dict = {"m": net.m, "n_b": net.n_b, "H": net.H, "d": net.d, "K": net.K, "paths": n,
                 "widths": list(net.widths) if net.widths else None}
    small = n <= limit
    ps = enumerate_paths(net, limit=limit) if small else None
    method, B = choose_basis(net, basis, ps)
    if small:
        r = rank(structure_matrix(net, ps))
        out["rank"] = {"value": r, "method": "exact elimination of A (fmpz_mat.rank)"}
    else:
        try:
            cert = certified_structure_rank(net, B)
            out["rank"] = {"value": cert.rank, "method": f"certificate: {cert.lower}; {cert.upper}"}
        except InputError as e:
            out["rank"] = {"value": None, "method": f"not certified without enumeration: {e}"}
    out["predicted_rank"] = {"m_plus_nb_minus_H": net.m + net.n_b - net.H,
                             "on_path": predicted_rank(net, "dag-general")}
    out["basis"] = {"method": method, "size": len(B),
                    "paths": [list(p.nodes(net)) for p in B] if len(B) <= limit else None}
    if small:
        act = activation_status(net, x, ps) if x is not None else None
        vals = path_values(net, ps)
        bset = {p.edges for p in B}
        others = [p for p in ps if p.edges not in bset]
        try:
            M = exponents(net, B, others) if others and len(ps) <= 400 else None
        except InputError:
            M = None
        col = {p.edges: k for k, p in enumerate(others)}
        rows = []
        for k, p in enumerate(ps):
            row = {"nodes": list(p.nodes(net)), "bias": p.source is None, "value": to_json(vals[k]),
                   "basis": p.edges in bset}
            if act is not None:
                row["active"] = act[k]
            if M is not None and p.edges in col:
                c = col[p.edges]
                row["exponents"] = {str(i): to_json(M[i][c]) for i in range(len(B)) if M[i][c] != 0}
            rows.append(row)
        out["path_list"] = rows
    return out
