"""Paths, the structure matrix, bases and the scaling group (verify.dag, verify.gsgd19.paths) and the
gsgd19 claims' built-in examples and planted violations."""

from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given, strategies as st

import verify
from verify.gsgd19 import paths as P
from verify.gsgd19 import strategies as vst
from verify.cli import main
from verify.dag import DagNetwork
from verify.errors import InputError


def mlp(widths, value=lambda l, i, j: fmpq(1 + i + 2 * j, 1 + l)):
    W = [[[value(l, i, j) for j in range(widths[l])] for i in range(widths[l - 1])] for l in range(1, len(widths))]
    return DagNetwork.mlp(widths, W)


def dag(nodes, edges, biases=()):
    return DagNetwork(tuple(nodes), tuple((a, b) for a, b in edges), tuple(fmpq(1) for _ in edges),
                      tuple(j for j, _ in biases), tuple(fmpq(v) for _, v in biases))


def as_net(obj):
    return DagNetwork.from_json(obj)


def fq(t: str) -> fmpq:
    f = Fraction(t)
    return fmpq(f.numerator, f.denominator)


# ---- the specification's exact-checked ranks (claim 5) ------------------------------------------

@pytest.mark.parametrize("widths", [[2, 2, 2], [3, 3, 3, 3], [2, 3, 3, 2], [1, 2, 2, 1], [3, 2, 2, 3], [2, 4, 4, 3],
                                    [2, 3, 2, 2], [4, 2, 3, 1], [2, 2, 3, 2], [1, 1], [3, 2]])
def test_mlp_rank_is_m_minus_H(widths):
    net = mlp(widths)
    A = P.structure_matrix(net, P.enumerate_paths(net))
    assert P.rank(A) == net.m - net.H
    assert P.certified_structure_rank(net).rank == net.m - net.H


def test_dag_ranks_from_the_specification():
    base = [(0, 2), (0, 3), (1, 2), (1, 3), (2, 4), (3, 4)]
    nodes = ["input", "input", "hidden", "hidden", "output"]
    skip = dag(nodes, base + [(0, 4)])
    assert (skip.m, skip.H, P.rank(P.structure_matrix(skip, P.enumerate_paths(skip)))) == (7, 2, 5)
    biased = dag(nodes, base + [(0, 4)], biases=[(2, 1), (3, 1), (4, 1)])
    assert P.rank(P.structure_matrix(biased, P.enumerate_paths(biased))) == 8 == biased.m + biased.n_b - biased.H
    # 1-2-2-1 plus a skip a0 -> y: 5 = 9 - 4
    n = ["input", "hidden", "hidden", "hidden", "hidden", "output"]
    e = [(0, 1), (0, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 5), (4, 5), (1, 5)]
    d = dag(n, e)
    assert P.rank(P.structure_matrix(d, P.enumerate_paths(d))) == 5
    # planted 4: a dead-end node with two in-edges lowers the rank; with one in-edge it does not
    dead2 = dag(nodes[:4] + ["hidden", "output"], [(0, 2), (0, 3), (1, 2), (1, 3), (2, 5), (3, 5), (0, 5), (0, 4),
                                                   (1, 4)])
    assert (dead2.m, dead2.H, P.rank(P.structure_matrix(dead2, P.enumerate_paths(dead2)))) == (9, 3, 5)
    assert P.predicted_rank(dead2, "dag-general") == 5
    dead1 = dag(nodes[:4] + ["hidden", "output"], [(0, 2), (0, 3), (1, 2), (1, 3), (2, 5), (3, 5), (0, 5), (0, 4)])
    assert (dead1.m, dead1.H, P.rank(P.structure_matrix(dead1, P.enumerate_paths(dead1)))) == (8, 3, 5)


def test_skeleton_unequal_widths_dependency():
    net = mlp([2, 3, 2, 2])
    ps = P.enumerate_paths(net)
    sel = P.skeleton_basis(net, ps)
    assert len(sel) == 12 and P.rank(P.structure_matrix(net, sel)) == 11
    col = {p.nodes(net): p for p in ps}
    off = [0, 2, 5, 7]  # node offsets of the layers

    def vec(i0, i1, i2, i3):
        p = col[(i0 + off[0], i1 + off[1], i2 + off[2], i3 + off[3])]
        return [int(e in p.edges) for e in range(net.m)]
    combo = [a - b - c + d for a, b, c, d in zip(vec(0, 0, 0, 0), vec(0, 0, 0, 1), vec(0, 2, 0, 0), vec(0, 2, 0, 1))]
    assert combo == [0] * net.m
    assert {p.edges for p in sel} >= {col[(0, 2, 5, 7)].edges, col[(0, 4, 5, 8)].edges}


def test_large_mlp_rank_certificate_without_enumeration():
    net = mlp([8, 16, 16, 4])
    cert = P.certified_structure_rank(net, P.skeleton_basis_direct(net))
    assert cert.rank == net.m - net.H == 8 * 16 + 16 * 16 + 16 * 4 - 32
    assert P.count_paths(net) == 8 * 16 * 16 * 4


# ---- values, sums, scaling (claims 1-3), Hypothesis-drawn ---------------------------------------

nets = st.one_of(vst.path_networks("mlp", biases=None, zero_probability=0.1),
                 vst.path_networks("dag", biases=None, zero_probability=0.1))


@given(nets)
def test_enumeration_agrees_with_dp(obj):
    net = as_net(obj)
    ps = P.enumerate_paths(net)
    assert len(ps) == P.count_paths(net)
    assert P.path_values(net, ps) == P.path_values_dp(net)


@given(st.data())
def test_path_sum_is_the_forward_pass(data):
    obj = data.draw(nets)
    net = as_net(obj)
    for x in data.draw(vst.path_inputs(obj, 2)):
        x = [fq(t) for t in x]
        assert P.path_sum(net, x, P.enumerate_paths(net)) == net(x)


@given(st.data())
def test_rescaling_is_exact_for_extreme_factors(data):
    obj = data.draw(nets)
    net = as_net(obj)
    cs = [fq(t) for t in data.draw(vst.scalings(net.H))]
    g = net.scale(cs)
    ps = P.enumerate_paths(net)
    assert P.path_values(g, ps) == P.path_values(net, ps)
    for x in data.draw(vst.path_inputs(obj, 2)):
        x = [fq(t) for t in x]
        assert g(x) == net(x)
        assert P.activation_status(g, x, ps) == P.activation_status(net, x, ps)


@given(st.data())
def test_recover_scaling_is_complete(data):
    obj = data.draw(vst.path_networks("mlp", biases=None))
    net = as_net(obj)
    cs = [fq(t) for t in data.draw(vst.scalings(net.H, ("rational", "pow2")))]
    assert P.recover_scaling(net, net.scale(cs)) == cs
    k = data.draw(st.integers(0, len(net.theta) - 1))
    theta = list(net.scale(cs).theta)
    theta[k] *= 3
    other = net.with_theta(theta)
    assert P.recover_scaling(net, other) is None
    # and the two are told apart by a path value (all weights are nonzero here)
    ps = P.enumerate_paths(net)
    assert P.path_values(net, ps) != P.path_values(other, ps)


def test_powers_of_two_at_the_float_limits():
    net = mlp([2, 2, 2])
    cs = [fmpq(2) ** 1000, fmpq(1, 2 ** 1074)]
    g = net.scale(cs)
    assert g.weights[net.edge_index(1, 0, 1)] == net.weights[net.edge_index(1, 0, 1)] / 2 ** 1074
    assert g([fmpq(3), fmpq(-1)]) == net([fmpq(3), fmpq(-1)])


# ---- bases and exponents (claims 6, 7) -------------------------------------------------------------

@given(vst.path_networks("mlp", equal=True, layers=(2, 4)))
def test_skeleton_direct_equals_selection_and_exponents_match(obj):
    net = as_net(obj)
    ps = P.enumerate_paths(net)
    direct = P.skeleton_basis_direct(net)
    assert sorted(p.edges for p in direct) == sorted(p.edges for p in P.skeleton_basis(net, ps))
    assert len(direct) == net.m - net.H
    chosen = {p.edges for p in direct}
    others = [p for p in ps if p.edges not in chosen]
    M = P.exponents(net, direct, others)
    for c, p in enumerate(others):
        solved = {direct[r].edges: M[r][c] for r in range(len(direct)) if M[r][c] != 0}
        assert solved == P.closed_form_exponents(net, p)


@given(nets)
def test_tree_and_rref_bases_have_rank_many_independent_paths(obj):
    net = as_net(obj)
    ps = P.enumerate_paths(net)
    r = P.rank(P.structure_matrix(net, ps))
    for B in (P.tree_basis(net), P.rref_basis(net, ps)):
        assert len(B) == r == P.rank(P.structure_matrix(net, B))


# ---- gradient against the independent implementation in verify.gsgd19.gsgd -------------------------------

@given(st.data())
def test_dag_gradient_matches_gsgd_backprop(data):
    from verify.gsgd19 import gsgd

    obj = data.draw(vst.path_networks("mlp", biases=False, zero_probability=0.1, layers=(1, 3)))
    net = as_net(obj)
    D = [([fq(t) for t in s["x"]], [fq(t) for t in s["y"]]) for s in data.draw(vst.data_sets(net.d, net.K))]
    for r0 in (0, 1):
        L, g = net.gradient(D, r0)
        L2, G = gsgd.backprop(net.matrices(), D, relu_prime0=r0)
        assert L == L2 and list(g) == [v for Gl in G for row in Gl for v in row]


# ---- input errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("obj, msg", [
    ({"kind": "mlp", "widths": [2, 2], "W": [[["1", "2"]]]}, "W[0] must be 2 x 2"),
    ({"kind": "dag", "nodes": ["input", "output"], "edges": [[1, 0, "1"]]}, "later node"),
    ({"kind": "dag", "nodes": ["input", "hidden"], "edges": [[0, 1, "1"]]}, "at least one input and one output"),
    ({"kind": "cnn"}, "kind must be"),
    ({"kind": "mlp", "widths": [1, 1], "W": [[["nan"]]]}, "network.W[0][0][0]"),
])
def test_bad_networks_are_clear_errors(obj, msg):
    with pytest.raises(InputError, match=msg.replace("[", r"\[").replace("]", r"\]")):
        DagNetwork.from_json(obj)


def test_cli_paths(tmp_path, capfd):
    f = tmp_path / "net.json"
    f.write_text('{"kind": "mlp", "widths": [1, 1, 1], "W": [[["2"]], [["3"]]]}')
    assert main(["paths", str(f), "--x", "1", "--json"]) == 0
    out = capfd.readouterr().out
    assert '"value": "6"' in out and '"rank"' in out
    assert main(["paths", str(f), "--x", "1,2"]) == 2
    assert main(["paths", str(f), "--scale", "-1"]) == 2
    assert main(["paths", str(f), "--scale", "4"]) == 0
    out = capfd.readouterr().out
    assert '"8"' in out and '"3/4"' in out


# ---- gsgd19 witnesses and scope (examples and planted violations of every family: test_families.py) -----


def test_wa_simple_witness_values():
    """Planted 6 exactly as the specification states it: 4/5 exact, 16/25 by the simple code."""
    m = verify.all_mutants()["gsgd19.wa-exact~simple-code"]
    v = verify.check(m.id, m.witness)
    bad = [r for r in v.relations if r.status == "VIOLATED"][0]
    assert {bad.lhs, bad.rhs} == {fmpq(16, 25), fmpq(4, 5)}


def test_structure_rank_needs_every_hidden_node_on_a_path():
    """Found by the search: an isolated hidden node counts in H but not in rank A."""
    inst = {"network": {"kind": "dag", "nodes": ["input", "hidden", "output"], "edges": [[0, 2, "1"]]}}
    v = verify.check("gsgd19.structure-rank", inst)
    assert v.status == "HOLDS" and v.vacuous
    assert verify.check("gsgd19.structure-rank@rank-dag-general", inst).status == "HOLDS"


ONE = {"kind": "mlp", "widths": [1, 1, 1], "W": [[["1"]], [["1"]]]}


@pytest.mark.parametrize("cid, params", [
    ("gsgd19.path-value-invariance", {"c": ["0"], "x": [["1"]]}),
    ("gsgd19.pathnorm-from-path-values", {"c": ["0"], "q": 1}),
    ("gsgd19.float-pow2-bitwise", {"c": ["0"], "x": [["1"]]}),
    ("gsgd19.gsgd-trajectory-invariance", {"c": ["0"], "data": [{"x": ["1"], "y": ["0"]}], "eta": "1/10"}),
    ("gsgd19.rescaling-invariance", {"c": ["-2"], "x": [["1"]]}),
])
def test_nonpositive_c_is_outside_the_scope(cid, params):
    """c_j ≤ 0 is not in 𝒢: a vacuous HOLDS (it used to end in a ZeroDivisionError)."""
    v = verify.check(cid, {"network": ONE, "params": params})
    assert v.status == "HOLDS" and v.vacuous


def test_relu6_network_is_outside_claim_1():
    """The ReLU6 network of planted 10 given as the instance of claim 1 itself: outside its scope."""
    net = dict(ONE, activation="relu6")
    v = verify.check("gsgd19.rescaling-invariance", {"network": net, "params": {"c": ["2"], "x": [["4"]]}})
    assert v.status == "HOLDS" and v.vacuous
    assert verify.check("gsgd19.rescaling-invariance~relu6", {"network": net, "params": {"c": ["2"], "x": [["4"]]}}
                        ).status == "VIOLATED"


def test_exact_gsgd_stops_at_the_documented_size_limit():
    """Exact G-SGD sizes grow about 8-fold per step: past EXACT_BITS_LIMIT the later steps are not run and
    the verdict is UNKNOWN naming the limit, after the steps already certified."""
    from verify.gsgd19.claims import DATA_2, EX_2332, EXACT_BITS_LIMIT

    v = verify.check("gsgd19.wa-exact", {"network": EX_2332, "params": {"data": DATA_2, "eta": "1/50", "steps": 50}})
    assert v.status == "UNKNOWN"
    held = [r for r in v.relations if r.status == "HOLDS"]
    assert len(held) >= 3 and f"{EXACT_BITS_LIMIT} bits" in v.relations[-1].note


def test_pathnorm_refuses_huge_q():
    with pytest.raises(InputError):
        verify.check("gsgd19.pathnorm-from-path-values", {"network": ONE, "params": {"q": 10 ** 6}})
