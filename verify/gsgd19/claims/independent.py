"""gsgd19 claims, the independent re-verification: the paths 𝒫 (bias paths included), the on-path
edges and hidden nodes, the 0/1 structure matrix A and its rank by `fmpq_mat.rref`, the realization
N_w(x) by a direct pass and as the path sum Σ_{p→k} v_p(w) a_p(x; w) x_{i_0}, the gradient
g = ∂L/∂θ by the path formula, the scaling c with w' = g_c(w), the linear form Σ_p v_p x_{i_0} and
‖Φ(w)‖_q^q = Σ_p |v_p|^q -- all from the definitions (spec §2), sharing no combinatorial
preprocessing with `verify.gsgd19.paths` (this module does not import it)."""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from ...dag import DagNetwork
from ...numbers import Undecided, exact_number, sign
from .common import ENUMERATION_LIMIT


def _ind_paths(net: DagNetwork) -> list[tuple[int | None, tuple[int, ...]]]:
    """𝒫 from the definition: (start input or None for a bias path, θ indices of its edges, bias
    edge k numbered m + k), by extending prefixes one edge at a time from every input and every
    bias edge until they stop at an output (prefixes that stop elsewhere are dropped)."""
    leaving: dict[int, list[int]] = {}
    for e, (a, _) in enumerate(net.edges):
        leaving.setdefault(a, []).append(e)
    front = [(i, (), i) for i in range(len(net.kinds)) if net.kinds[i] == "input"]
    front += [(None, (net.m + k,), j) for k, j in enumerate(net.bias_nodes)]
    done, work = [], 0
    while front:
        nxt = []
        for src, es, node in front:
            work += 1
            if work > 20 * ENUMERATION_LIMIT or len(done) > ENUMERATION_LIMIT:
                raise Undecided(f"more than {ENUMERATION_LIMIT} paths or {20 * ENUMERATION_LIMIT} prefixes to "
                                "enumerate (the gsgd19 enumeration limit)")
            if net.kinds[node] == "output":
                done.append((src, es))
                continue
            nxt += [(src, es + (e,), net.edges[e][1]) for e in leaving.get(node, [])]
        front = nxt
    return done


def _ind_on_path(net: DagNetwork, ps) -> tuple[set[int], set[int]]:
    """(θ indices, hidden nodes) met by some path of ``ps`` (`_ind_paths`)."""
    edges = {e for _, es in ps for e in es}
    hidden = {net.edges[e][1] for e in edges if e < net.m and net.kinds[net.edges[e][1]] == "hidden"}
    fed = {net.bias_nodes[e - net.m] for e in edges if e >= net.m}
    hidden |= {j for j in fed if net.kinds[j] == "hidden"}
    return edges, hidden


def _ind_matrix(net: DagNetwork, cols) -> fmpq_mat:
    """The 0/1 matrix with one column per edge set in ``cols``, rows θ indices."""
    M = fmpq_mat(net.m + net.n_b, max(len(cols), 1))
    for c, es in enumerate(cols):
        for e in es:
            M[e, c] = 1
    return M


def _ind_rank(net: DagNetwork, cols) -> int:
    return _ind_matrix(net, cols).rref()[1] if cols else 0


def _ind_forward(net: DagNetwork, x) -> tuple[list, dict]:
    """(N(x), pre-activations z) by a direct pass over the edge list (ReLU, or ReLU6 if the
    network says so); exact, certified signs."""
    o, z = {}, {}
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    for k, i in enumerate(ins):
        o[i] = z[i] = fmpq(x[k])
    for j, kind in enumerate(net.kinds):
        if kind == "input":
            continue
        acc = sum((exact_number(b) for jj, b in zip(net.bias_nodes, net.biases) if jj == j), fmpq(0))
        acc += sum((exact_number(w) * o[a] for (a, b), w in zip(net.edges, net.weights) if b == j), fmpq(0))
        z[j] = acc
        if kind == "hidden":
            acc = acc if sign(acc) == 1 else fmpq(0)
            if net.activation == "relu6" and sign(acc - 6) == 1:
                acc = fmpq(6)
        o[j] = acc
    return [o[j] for j, k in enumerate(net.kinds) if k == "output"], z


def _ind_path_sum(net: DagNetwork, x, with_bias: bool = True) -> list:
    """Σ_{p→k} v_p a_p x_{i_0} per output over `_ind_paths` (x_{i_0} := 1 on bias paths)."""
    _, z = _ind_forward(net, x)
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    th = net.theta
    sums = {k: fmpq(0) for k in outs}
    for src, es in _ind_paths(net):
        if src is None and not with_bias:
            continue
        nodes = [net.bias_nodes[e - net.m] for e in es if e >= net.m] + [net.edges[e][1] for e in es if e < net.m]
        if not all(sign(z[j]) == 1 for j in nodes if net.kinds[j] == "hidden"):
            continue
        v = fmpq(1) if src is None else fmpq(x[ins.index(src)])
        for e in es:
            v *= th[e]
        sums[nodes[-1]] += v
    return [sums[k] for k in outs]


def _ind_scaling(net: DagNetwork, other: DagNetwork) -> list | None:
    """c > 0 with other = g_c(net), or None if there is none, from w'_e = w_e·c_b/c_a (c = 1 on
    inputs, outputs and the bias source): propagate c over nonzero edges until nothing changes
    (a hidden node no constraint reaches gets c = 1), then check every θ entry."""
    th, th2 = net.theta, other.theta
    ends = [(a, b) for a, b in net.edges] + [(None, j) for j in net.bias_nodes]
    c = {j: None for j in range(len(net.kinds)) if net.kinds[j] == "hidden"}
    ground = fmpq(1)

    def get(j):
        return ground if j is None or j not in c else c[j]

    while True:
        changed = False
        for e, (a, b) in enumerate(ends):
            if sign(th[e]) == 0 or sign(th2[e]) == 0:
                continue
            ca, cb = get(a), get(b)
            if ca is not None and cb is None:
                c[b] = ca * exact_number(th2[e]) / exact_number(th[e])
                changed = True
            elif cb is not None and ca is None:
                c[a] = cb * exact_number(th[e]) / exact_number(th2[e])
                changed = True
        if not changed:
            todo = [j for j in c if c[j] is None]
            if not todo:
                break
            c[todo[0]] = fmpq(1)
    for e, (a, b) in enumerate(ends):
        if sign(get(a)) != 1 or sign(get(b)) != 1 or exact_number(th2[e]) != exact_number(th[e]) * get(b) / get(a):
            return None
    return [c[j] for j in sorted(c)]


def _ind_gradient(net: DagNetwork, data, relu_prime0, risk: str) -> list:
    """∂L/∂θ_e = Σ_{(x,y)} Σ_{p ∋ e} (N^{k(p)}(x) − y_{k(p)}) Π_{f∈p, f≠e} θ_f x_{i_0(p)} · Π_j κ_j over
    the paths of `_ind_paths`: κ_j = 𝕀(z_j > 0) at the hidden nodes before e (they make o_a), and
    ReLU′(z_j) (ReLU′(0) = ``relu_prime0``) at the hidden nodes from the head of e on (they make
    δ); the bias edge into j has head j."""
    th = net.theta
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    g = [fmpq(0)] * len(th)
    ps = _ind_paths(net)
    for x, y in data:
        N, z = _ind_forward(net, x)
        for src, es in ps:
            heads = [net.bias_nodes[e - net.m] if e >= net.m else net.edges[e][1] for e in es]
            r = N[outs.index(heads[-1])] - y[outs.index(heads[-1])]
            xin = fmpq(1) if src is None else fmpq(x[ins.index(src)])
            for pos, e in enumerate(es):
                factor = r * xin
                for t, j in enumerate(heads):
                    if net.kinds[j] != "hidden":
                        continue
                    s = sign(z[j])
                    factor *= int(s == 1) if t < pos else (1 if s == 1 else (relu_prime0 if s == 0 else 0))
                for f in es:
                    if f != e:
                        factor *= th[f]
                g[e] += factor
    if risk == "mean":
        g = [v / len(data) for v in g]
    return g


def _linear_form(net: DagNetwork, x) -> list:
    """Σ_{p→k} v_p x_{i_0} per output over `_ind_paths` (every path counted as active)."""
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    sums = {k: fmpq(0) for k in outs}
    for src, es in _ind_paths(net):
        v = fmpq(1) if src is None else fmpq(x[ins.index(src)])
        for e in es:
            v *= net.theta[e]
        head = net.bias_nodes[es[-1] - net.m] if es[-1] >= net.m else net.edges[es[-1]][1]
        sums[head] += v
    return [sums[k] for k in outs]


def _ind_pathnorm(net: DagNetwork, q: int, q0: str) -> fmpq:
    """Σ_{p ∈ 𝒫} |v_p|^q over `_ind_paths`; q = 0 counts every path (``structural``) or the
    paths with v_p ≠ 0 (``support``)."""
    total = fmpq(0)
    for _, es in _ind_paths(net):
        v = fmpq(1)
        for e in es:
            v *= exact_number(net.theta[e])
        if q == 0:
            total += 1 if (q0 == "structural" or sign(v) != 0) else 0
        else:
            total += abs(v) ** q
    return total
