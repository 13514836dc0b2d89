"""gsgd19 against an oracle written from the definitions (spec §2), sharing no code with verify.gsgd19.paths.

The oracle: a network is (kinds, edges, weights, bias nodes, biases) as plain Python data; θ indexes the m
weights, then the n_b biases (bias edge k = m + k).  A path of 𝒫 starts at an input node or at the constant-1
source through a bias edge, follows edges, and ends at an output node; it is enumerated here by recursion
over node sequences.  Ranks are Gaussian elimination on `fractions.Fraction`; the realization is a forward
pass on Fractions; the gradient is the path formula ∂N^k/∂θ_e = Σ_{p ∋ e, p → k} Π_{f∈p, f≠e} θ_f ·
Π_{hidden j on p} 𝕀(z_j > 0) · x_{i_0(p)} (ReLU′(0) = 0).

(a) differential tests on thousands of seeded random DAGs -- biases anywhere (also on nodes no input reaches),
dead ends, orphans, isolated nodes, zero weights, skips -- comparing paths, on-path sets, ranks, the tree
basis, the rank certificate and the recovery of g with the oracle; (b) a broad Hypothesis generator run
through the gsgd19 claims: every VIOLATED must be confirmed by the oracle, and an instance outside a claim's
scope must come back vacuous (or as an InputError), never VIOLATED.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given, strategies as st

import verify
from verify.gsgd19 import paths as P
from verify.dag import DagNetwork
from verify.errors import InputError

DIFFERENTIAL_CASES = 2500


# ---- the oracle -------------------------------------------------------------------------------------------

class Net:
    """Plain data: kinds, edges [(a, b)], weights, bias nodes, biases (Fractions)."""

    def __init__(self, kinds, edges, weights, bias_nodes, biases):
        self.kinds, self.edges, self.weights = list(kinds), list(edges), [Fraction(w) for w in weights]
        self.bias_nodes, self.biases = list(bias_nodes), [Fraction(b) for b in biases]
        self.m = len(edges)
        self.theta = self.weights + self.biases

    def dag(self) -> DagNetwork:
        q = lambda f: fmpq(f.numerator, f.denominator)  # noqa: E731
        return DagNetwork(tuple(self.kinds), tuple(self.edges), tuple(q(w) for w in self.weights),
                          tuple(self.bias_nodes), tuple(q(b) for b in self.biases))

    def json(self) -> dict:
        out = {"kind": "dag", "nodes": self.kinds,
               "edges": [[a, b, str(w)] for (a, b), w in zip(self.edges, self.weights)]}
        if self.bias_nodes:
            out["biases"] = [[j, str(b)] for j, b in zip(self.bias_nodes, self.biases)]
        return out


def oracle_paths(net: Net) -> list[tuple[int | None, tuple[int, ...]]]:
    """𝒫 as (start input or None, θ indices), by recursion over node sequences."""
    out = []

    def walk(node, start, theta_idx):
        if net.kinds[node] == "output":
            out.append((start, tuple(theta_idx)))
            return
        for e, (a, b) in enumerate(net.edges):
            if a == node:
                walk(b, start, theta_idx + [e])

    for i, k in enumerate(net.kinds):
        if k == "input":
            walk(i, i, [])
    for k, j in enumerate(net.bias_nodes):
        walk(j, None, [net.m + k])
    return out


def oracle_rank(vectors) -> int:
    """Rank over ℚ of a list of vectors, Gaussian elimination on Fractions."""
    rows = [[Fraction(v) for v in vec] for vec in vectors]
    r = 0
    ncols = len(rows[0]) if rows else 0
    for c in range(ncols):
        piv = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                f = rows[i][c] / rows[r][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r])]
        r += 1
    return r


def incidence(net: Net, idx) -> list[int]:
    v = [0] * (net.m + len(net.bias_nodes))
    for e in idx:
        v[e] = 1
    return v


def oracle_on_path(net: Net):
    ps = oracle_paths(net)
    edges = {e for _, idx in ps for e in idx}
    nodes = set()
    for start, idx in ps:
        nodes |= {net.edges[e][1] for e in idx if e < net.m}
        nodes |= {net.bias_nodes[e - net.m] for e in idx if e >= net.m}
    hidden = {j for j in nodes if net.kinds[j] == "hidden"}
    return edges, hidden


def oracle_forward(net: Net, x):
    """(outputs, pre-activations z) on Fractions."""
    o, z = {}, {}
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    for k, i in enumerate(ins):
        o[i] = z[i] = Fraction(x[k])
    for j, kind in enumerate(net.kinds):
        if kind == "input":
            continue
        s = sum((b for jj, b in zip(net.bias_nodes, net.biases) if jj == j), Fraction(0))
        s += sum((w * o[a] for (a, b), w in zip(net.edges, net.weights) if b == j), Fraction(0))
        z[j] = s
        o[j] = max(s, Fraction(0)) if kind == "hidden" else s
    return [o[j] for j, k in enumerate(net.kinds) if k == "output"], z


def oracle_gradient(net: Net, data):
    """∂L/∂θ for L = Σ ½‖N(x) − y‖², by the path formula (ReLU′(0) = 0)."""
    g = [Fraction(0)] * len(net.theta)
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    ps = oracle_paths(net)
    for x, y in data:
        N, z = oracle_forward(net, x)
        for start, idx in ps:
            nodes = ([net.bias_nodes[e - net.m] for e in idx if e >= net.m]
                         + [net.edges[e][1] for e in idx if e < net.m])
            if not all(z[j] > 0 for j in nodes if net.kinds[j] == "hidden"):
                continue
            head = nodes[-1]
            r = N[outs.index(head)] - Fraction(y[outs.index(head)])
            xin = Fraction(x[ins.index(start)]) if start is not None else Fraction(1)
            for e in idx:
                prod = xin
                for f in idx:
                    if f != e:
                        prod *= net.theta[f]
                g[e] += r * prod
    return g


def oracle_scaling_exists(net: Net, other: Net) -> bool:
    """Is there c > 0 with θ'_e = θ_e·c_b/c_a on every edge (c = 1 on inputs, outputs, source)?
    Zero entries must match; on nonzero entries the ratios fix c on each connected piece, found by
    repeated relaxation from the ground and, failing that, from a hidden node set to 1."""
    ends = list(net.edges) + [(None, j) for j in net.bias_nodes]
    hidden = [j for j, k in enumerate(net.kinds) if k == "hidden"]
    c = {}
    val = lambda j: Fraction(1) if j is None or net.kinds[j] != "hidden" else c.get(j)  # noqa: E731
    for e in range(len(ends)):
        if (net.theta[e] == 0) != (other.theta[e] == 0):
            return False
    pending = list(hidden)
    while pending:
        progress = True
        while progress:
            progress = False
            for e, (a, b) in enumerate(ends):
                if net.theta[e] == 0:
                    continue
                rho = other.theta[e] / net.theta[e]
                if val(a) is not None and val(b) is None:
                    c[b] = val(a) * rho
                    progress = True
                elif val(b) is not None and val(a) is None:
                    c[a] = val(b) / rho
                    progress = True
        pending = [j for j in hidden if j not in c]
        if pending:
            c[pending[0]] = Fraction(1)
    return all(val(j) > 0 for j in hidden) and all(
        other.theta[e] == net.theta[e] * val(b) / val(a) for e, (a, b) in enumerate(ends))


# ---- random networks ----------------------------------------------------------------------------------------

WEIGHTS = [Fraction(0), Fraction(1), Fraction(-1), Fraction(2), Fraction(1, 3), Fraction(-5, 2), Fraction(7, 4)]


def random_net(rng: random.Random) -> Net:
    """Any DAG: 1-3 inputs, 0-5 hidden, 1-2 outputs in topological order; every forward pair joined
    with a random probability (skips, dead ends, orphans, isolated nodes all occur); biases on a random
    subset of non-input nodes, listed in a random order; weights with zeros."""
    d, H, K = rng.randint(1, 3), rng.randint(0, 5), rng.randint(1, 2)
    kinds = ["input"] * d + ["hidden"] * H + ["output"] * K
    p = rng.choice([0.2, 0.4, 0.6])
    edges = [(a, b) for a in range(len(kinds)) for b in range(a + 1, len(kinds))
             if kinds[a] != "output" and kinds[b] != "input" and rng.random() < p]
    rng.shuffle(edges)  # any edge order the JSON allows
    bias_nodes = [j for j in range(d, len(kinds)) if rng.random() < 0.35]
    rng.shuffle(bias_nodes)
    w = [rng.choice(WEIGHTS) for _ in edges]
    b = [rng.choice(WEIGHTS) for _ in bias_nodes]
    return Net(kinds, edges, w, bias_nodes, b)


def cases():
    rng = random.Random(14)
    return [random_net(rng) for _ in range(DIFFERENTIAL_CASES)]


# ---- (a) differential tests ---------------------------------------------------------------------------------

def test_oracle_sanity_on_the_audit_example():
    """Inputs x0, x1, h (x0 → h), y (h → y), x1 → h2 → h3, h3 without an edge to y: the two edges
    behind x1 lie on no path; with a bias on a hidden node no input reaches, its edges do."""
    net = Net(["input", "input", "hidden", "hidden", "hidden", "output"], [(0, 2), (2, 5), (1, 3), (3, 4)],
              [1, 1, 1, 1], [], [])
    assert oracle_on_path(net) == ({0, 1}, {2})
    biased = Net(["input", "hidden", "hidden", "output"], [(0, 3), (1, 2), (2, 3)], [1, 1, 1], [1], [1])
    assert oracle_on_path(biased) == ({0, 1, 2, 3}, {1, 2})
    assert oracle_rank([incidence(biased, idx) for _, idx in oracle_paths(biased)]) == 2


def test_paths_on_path_rank_and_bases_agree_with_the_oracle():
    checked = 0
    for net in cases():
        dag = net.dag()
        ps = oracle_paths(net)
        if len(ps) > 400:
            continue
        checked += 1
        mine = P.enumerate_paths(dag)
        assert sorted(p.edges for p in mine) == sorted(idx for _, idx in ps)
        assert P.count_paths(dag) == len(ps)
        edges_on, hidden_on = oracle_on_path(net)
        assert P.on_path(dag) == (edges_on, hidden_on)
        r = oracle_rank([incidence(net, idx) for _, idx in ps]) if ps else 0
        assert r == len(edges_on) - len(hidden_on)  # claim 5, general form, from the definitions
        assert P.predicted_rank(dag, "dag-general") == r
        assert (P.rank(P.structure_matrix(dag, mine)) if mine else 0) == r
        tree = P.tree_basis(dag)
        assert {p.edges for p in tree} <= {idx for _, idx in ps}
        assert len(tree) == r and (oracle_rank([incidence(net, p.edges) for p in tree]) if tree else 0) == r
        assert P.certified_structure_rank(dag).rank == r
        values = P.path_values(dag, mine)
        for p, v in zip(mine, values):
            prod = Fraction(1)
            for e in p.edges:
                prod *= net.theta[e]
            assert Fraction(str(v)) == prod
    assert checked >= DIFFERENTIAL_CASES * 9 // 10


def test_realization_path_sum_and_gradient_agree_with_the_oracle():
    rng = random.Random(1914)
    for net in cases()[:800]:
        dag = net.dag()
        if len(oracle_paths(net)) > 100:
            continue
        d = net.kinds.count("input")
        K = net.kinds.count("output")
        x = [rng.choice(WEIGHTS) for _ in range(d)]
        y = [rng.choice(WEIGHTS) for _ in range(K)]
        N, _ = oracle_forward(net, x)
        xq = [fmpq(t.numerator, t.denominator) for t in x]
        assert [Fraction(str(v)) for v in dag(xq)] == N
        assert [Fraction(str(v)) for v in P.path_sum(dag, xq, P.enumerate_paths(dag))] == N
        g = dag.gradient([(xq, [fmpq(t.numerator, t.denominator) for t in y])])[1]
        assert [Fraction(str(v)) for v in g] == oracle_gradient(net, [(x, y)])


def test_recover_scaling_agrees_with_the_oracle():
    rng = random.Random(4)
    for net in cases()[:1500]:
        H = net.kinds.count("hidden")
        c = [rng.choice([Fraction(2), Fraction(1, 3), Fraction(5, 7), Fraction(1)]) for _ in range(H)]
        scaled = net.dag().scale([fmpq(t.numerator, t.denominator) for t in c])
        theta = [Fraction(str(v)) for v in scaled.theta]
        if theta and rng.random() < 0.5:
            k = rng.randrange(len(theta))
            theta[k] = theta[k] * rng.choice([Fraction(3), Fraction(-1), Fraction(0)]) + rng.choice([0, 0, 1])
        other = Net(net.kinds, net.edges, theta[:net.m], net.bias_nodes, theta[net.m:])
        want = oracle_scaling_exists(net, other)
        assert (P.recover_scaling(net.dag(), other.dag()) is not None) == want


# ---- (b) the broad generator through the claims --------------------------------------------------------------

@st.composite
def broad_instances(draw):
    """Any DAG or MLP, biases anywhere (also on nodes no input reaches) or none, dead ends, orphans, zero
    weights, huge and tiny numbers; params for every structure claim."""
    rng = random.Random(draw(st.integers(0, 2 ** 32)))
    net = random_net(rng)
    if draw(st.booleans()):   # drop the off-path edges and biases: in the on-path scope of claims 4-5
        on, _ = oracle_on_path(net)
        keep = [e for e in range(net.m) if e in on]
        keep_b = [k for k in range(len(net.bias_nodes)) if net.m + k in on]
        net = Net(net.kinds, [net.edges[e] for e in keep], [net.weights[e] for e in keep],
                  [net.bias_nodes[k] for k in keep_b], [net.biases[k] for k in keep_b])
    big = [Fraction(2) ** 300, Fraction(1, 2 ** 300), Fraction(-(10 ** 40), 3)]
    net.weights = [draw(st.sampled_from(WEIGHTS + big)) for _ in net.edges]
    net.biases = [draw(st.sampled_from(WEIGHTS + big)) for _ in net.bias_nodes]
    net.theta = net.weights + net.biases
    H = net.kinds.count("hidden")
    c = [draw(st.sampled_from([Fraction(2), Fraction(3, 7), Fraction(1, 1024)])) for _ in range(H)]
    dag = net.dag()
    theta = [Fraction(str(v)) for v in dag.scale([fmpq(t.numerator, t.denominator) for t in c]).theta]
    mode = draw(st.sampled_from(["same", "perturb", "off-path", "flip", "dead"]))
    hidden = [j for j, k in enumerate(net.kinds) if k == "hidden"]
    if mode == "flip" and hidden:   # negate every weight at one hidden node: path values kept, signs not
        j = draw(st.sampled_from(hidden))
        touch = [e for e, (a, b) in enumerate(net.edges) if j in (a, b)]
        touch += [net.m + k for k, jj in enumerate(net.bias_nodes) if jj == j]
        theta = [-t if e in touch else t for e, t in enumerate(theta)]
    elif mode == "dead" and hidden:  # zero the inputs of a node, rescale one of its out-weights
        j = draw(st.sampled_from(hidden))
        into_j = {e for e, (_, b) in enumerate(net.edges) if b == j}
        into_j |= {net.m + k for k, jj in enumerate(net.bias_nodes) if jj == j}
        theta = [Fraction(0) if e in into_j else t for e, t in enumerate(theta)]
        net.theta = [Fraction(0) if e in into_j else t for e, t in enumerate(net.theta)]
        net.weights, net.biases = net.theta[:net.m], net.theta[net.m:]
        outs = [e for e, (a, _) in enumerate(net.edges) if a == j]
        if outs:
            theta[outs[-1]] *= 2
    elif theta and mode in ("perturb", "off-path"):
        edges_on, _ = oracle_on_path(net)
        pool = sorted(set(range(len(theta))) - edges_on) if mode == "off-path" else list(range(len(theta)))
        if pool:
            k = draw(st.sampled_from(pool))
            theta[k] = theta[k] * 3 + (1 if theta[k] == 0 else 0)
    other = Net(net.kinds, net.edges, theta[:net.m], net.bias_nodes, theta[net.m:])
    d, K = net.kinds.count("input"), net.kinds.count("output")
    data = [{"x": [str(draw(st.sampled_from(WEIGHTS))) for _ in range(d)],
             "y": [str(draw(st.sampled_from(WEIGHTS))) for _ in range(K)]}]
    z = [str(draw(st.sampled_from(WEIGHTS))) for _ in net.theta]
    return net, other, {"other": other.json(), "data": data, "z": z, "c": [str(t) for t in c]}


def _status(cid, net, params):
    try:
        return verify.check(cid, {"network": net.json(), "params": params})
    except InputError:
        return None


def _in_scope_on_path(net):
    edges_on, hidden_on = oracle_on_path(net)
    return edges_on == set(range(len(net.theta))), hidden_on == {j for j, k in enumerate(net.kinds) if k == "hidden"}


def _oracle_rank_of(net):
    ps = oracle_paths(net)
    return oracle_rank([incidence(net, idx) for _, idx in ps]) if ps else 0


@given(broad_instances())
def test_every_violated_structure_verdict_is_confirmed_by_the_oracle(inst):
    net, other, params = inst
    if len(oracle_paths(net)) > 150:
        return
    edges_ok, nodes_ok = _in_scope_on_path(net)
    H = net.kinds.count("hidden")
    r = _oracle_rank_of(net)
    e_on, h_on = oracle_on_path(net)
    formulas = {"rank-dag-general": len(e_on) - len(h_on), "rank-bias-edges": net.m + len(net.bias_nodes) - H,
                "rank-dag-all-on-path": net.m - H}
    for form, predicted in formulas.items():
        v = _status(f"gsgd19.structure-rank@{form}", net, {})
        if v is None or v.status != "VIOLATED":
            continue
        in_scope = form == "rank-dag-general" or (
            edges_ok and nodes_ok and (form == "rank-bias-edges" or not net.bias_nodes))
        assert in_scope and r != predicted, (form, net.json())
    # claim 4: a VIOLATED needs the scope, the hypotheses and no g -- impossible by the theorem
    v = _status("gsgd19.path-values-determine-class", net, params)
    if v is not None and v.status == "VIOLATED":
        vals = lambda t: [_prod(t, idx) for _, idx in oracle_paths(net)]  # noqa: E731
        assert edges_ok and vals(net.theta) == vals(other.theta) and not oracle_scaling_exists(net, other), net.json()
        assert all(a != 0 and (a > 0) == (b > 0) for a, b in zip(net.theta, other.theta))
    for variant in ("basis-tree", "basis-rref"):
        v = _status(f"gsgd19.skeleton-basis@{variant}", net, {})
        assert v is None or v.status != "VIOLATED" or _tree_fails(net), (variant, net.json())
    v = _status("gsgd19.icr", net, params)
    if v is not None and v.status == "VIOLATED":
        z = [w * g for w, g in zip(net.theta, oracle_gradient(net, [(params["data"][0]["x"], params["data"][0]["y"])]))]
        ps = [incidence(net, idx) for _, idx in oracle_paths(net)]
        assert oracle_rank(ps + [z]) != (oracle_rank(ps) if ps else 0), net.json()
    v = _status("gsgd19.icr~arbitrary-z", net, params)
    if v is not None and v.status == "VIOLATED":   # z outside col A
        ps = [incidence(net, idx) for _, idx in oracle_paths(net)]
        z = [Fraction(t) for t in params["z"]]
        assert oracle_rank(ps + [z]) != (oracle_rank(ps) if ps else 0), net.json()
    for mode, mid in (("values-only", "gsgd19.path-values-determine-class~no-sign"),
                      ("signs-only", "gsgd19.path-values-determine-class~zeros")):
        v = _status(mid, net, params)
        if v is not None and v.status == "VIOLATED":
            vals = lambda t: [_prod(t, idx) for _, idx in oracle_paths(net)]  # noqa: E731
            assert edges_ok and vals(net.theta) == vals(other.theta) and not oracle_scaling_exists(net, other)
            if mode == "signs-only":
                assert all((a > 0) == (b > 0) and (a < 0) == (b < 0) for a, b in zip(net.theta, other.theta))
    v = _status("gsgd19.structure-rank~dead-end", net, {})
    if v is not None and v.status == "VIOLATED":
        assert not net.bias_nodes and r != net.m - H
    x = [Fraction(t) for t in params["data"][0]["x"]]
    for cid in ("gsgd19.path-sum", "gsgd19.path-sum~no-bias"):
        v = _status(cid, net, {"x": [params["data"][0]["x"]]})
        if v is not None and v.status == "VIOLATED":   # the oracle's path sum differs from its forward pass
            N, z = oracle_forward(net, x)
            assert N != _oracle_path_sum(net, x, z, with_bias=cid.endswith("path-sum")), (cid, net.json())
    for cid in ("gsgd19.conservation", "gsgd19.conservation~no-bias"):
        v = _status(cid, net, {"data": params["data"]})
        if v is not None and v.status == "VIOLATED":
            g = oracle_gradient(net, [(x, params["data"][0]["y"])])
            with_bias = cid == "gsgd19.conservation"
            assert any(_in_sum(net, g, j, with_bias) != _out_sum(net, g, j)
                       for j, k in enumerate(net.kinds) if k == "hidden"), (cid, net.json())
    c = [Fraction(t) for t in params["c"]]
    for cid in ("gsgd19.rescaling-invariance", "gsgd19.path-value-invariance"):
        v = _status(cid, net, {"c": params["c"], "x": [params["data"][0]["x"]]})
        if v is not None and v.status == "VIOLATED":
            g = _oracle_scale(net, c)
            assert oracle_forward(g, x)[0] != oracle_forward(net, x)[0] or any(
                _prod(g.theta, idx) != _prod(net.theta, idx) for _, idx in oracle_paths(net)), (cid, net.json())


def _oracle_path_sum(net, x, z, with_bias=True):
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    sums = {k: Fraction(0) for k in outs}
    for start, idx in oracle_paths(net):
        if start is None and not with_bias:
            continue
        nodes = [net.bias_nodes[e - net.m] for e in idx if e >= net.m] + [net.edges[e][1] for e in idx if e < net.m]
        if all(z[j] > 0 for j in nodes if net.kinds[j] == "hidden"):
            sums[nodes[-1]] += _prod(net.theta, idx) * (x[ins.index(start)] if start is not None else 1)
    return [sums[k] for k in outs]


def _in_sum(net, g, j, with_bias):
    s = sum((net.theta[e] * g[e] for e, (_, b) in enumerate(net.edges) if b == j), Fraction(0))
    if with_bias:
        s += sum((net.theta[net.m + k] * g[net.m + k] for k, jj in enumerate(net.bias_nodes) if jj == j), Fraction(0))
    return s


def _out_sum(net, g, j):
    return sum((net.theta[e] * g[e] for e, (a, _) in enumerate(net.edges) if a == j), Fraction(0))


def _oracle_scale(net, c):
    hidden = [j for j, k in enumerate(net.kinds) if k == "hidden"]
    f = {j: c[k] for k, j in enumerate(hidden)}
    w = [t * f.get(b, 1) / f.get(a, 1) for (a, b), t in zip(net.edges, net.weights)]
    return Net(net.kinds, net.edges, w, net.bias_nodes, [t * f.get(j, 1) for j, t in zip(net.bias_nodes, net.biases)])


@given(broad_instances())
def test_relu6_networks_are_outside_the_relu_claims(inst):
    """A ReLU6 network is outside every claim that needs positive homogeneity or ReLU(z) = z·ReLU′(z):
    vacuous HOLDS, never VIOLATED."""
    net, _, params = inst
    if len(oracle_paths(net)) > 150:
        return
    js = dict(net.json(), activation="relu6")
    H = net.kinds.count("hidden")
    for cid, p in (("gsgd19.rescaling-invariance", {"c": ["2"] * H, "x": [params["data"][0]["x"]]}),
                   ("gsgd19.path-sum", {"x": [params["data"][0]["x"]]}),
                   ("gsgd19.conservation", {"data": params["data"]}), ("gsgd19.icr", {"data": params["data"]})):
        v = verify.check(cid, {"network": js, "params": p})
        assert v.status == "HOLDS" and v.vacuous, cid


def _prod(theta, idx):
    out = Fraction(1)
    for e in idx:
        out *= theta[e]
    return out


def _tree_fails(net):
    tree = P.tree_basis(net.dag())
    r = _oracle_rank_of(net)
    return len(tree) != r or (oracle_rank([incidence(net, p.edges) for p in tree]) if tree else 0) != r


@pytest.mark.parametrize("cid", ["gsgd19.path-values-determine-class", "gsgd19.structure-rank",
                                 "gsgd19.structure-rank@rank-dag-all-on-path", "gsgd19.structure-rank@rank-mlp"])
def test_outside_the_scope_is_vacuous_never_violated(cid):
    """The audit's shape: x1 → h2 → h3 with h3 a dead end (and a bias on h3), w' differing there only."""
    net = Net(["input", "input", "hidden", "hidden", "hidden", "output"], [(0, 2), (2, 5), (1, 3), (3, 4)],
              [1, 1, 1, 1], [4], [1])
    other = Net(net.kinds, net.edges, [1, 1, 1, 3], [4], [5])
    v = verify.check(cid, {"network": net.json(), "params": {"other": other.json()}})
    assert v.status == "HOLDS" and v.vacuous
    assert any(h.holds is False and h.detail.startswith("outside the claim's scope") for h in v.hypotheses)


def test_bias_only_hidden_nodes_are_on_path_and_in_scope():
    """h1 has a bias and no input reaches it; h1 → h2 → y: every edge lies on a bias path, so claims 4 and 5
    are in scope and hold (before the fix they came back VIOLATED)."""
    net = Net(["input", "hidden", "hidden", "output"], [(0, 3), (1, 2), (2, 3)], [2, 3, 5], [1], [7])
    assert _in_scope_on_path(net) == (True, True)
    for cid in ("gsgd19.structure-rank", "gsgd19.structure-rank@rank-dag-general", "gsgd19.skeleton-basis@basis-tree",
                "gsgd19.icr"):
        v = verify.check(cid, {"network": net.json(), "params": {"data": [{"x": ["1"], "y": ["0"]}]}})
        assert v.status == "HOLDS" and not v.vacuous, cid
    other = Net(net.kinds, net.edges, [2, 3, Fraction(5, 2)], [1], [14])   # c = (2, 2)
    v = verify.check("gsgd19.path-values-determine-class", {"network": net.json(), "params": {"other": other.json()}})
    assert v.status == "HOLDS" and not v.vacuous
