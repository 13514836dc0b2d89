"""Every network that `from_json` accepts or Python constructs round-trips exactly through JSON (issue 14,
class 4): from_json(to_json(net)) is the same network -- nodes, edges, θ in the same order, biases on the same
nodes, widths, activation -- with the same realization on exact inputs, and to_json is a fixed point.

Kinds covered: the shallow `verify.nets.Network` (``{"widths", "theta"}``); `DagNetwork` of kind "mlp" with
and without biases; kind "dag" with biases on any subset of non-input nodes listed in any order, skips, dead
ends and orphans; layered networks built in Python with biases on some nodes only or in a permuted order
(the two shapes the audit found: rejected JSON, and N(1) changing from 23/2 to 71/3); ReLU6; and the
yoneda23 "d0" kind through `verify.framework.network_from_json`.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq
from hypothesis import given, strategies as st

from verify.framework import network_from_json
from verify.dag import DagNetwork
from verify.nets import Network, n_params

NUMBERS = st.one_of(
    st.integers(-5, 5).map(Fraction),
    st.builds(Fraction, st.integers(-50, 50), st.integers(1, 12)),
    st.sampled_from([Fraction(2) ** 300, Fraction(1, 2 ** 1074), Fraction(-(10 ** 60), 7), Fraction(0)]),
)


def q(f: Fraction) -> fmpq:
    return fmpq(f.numerator, f.denominator)


def text(f: Fraction) -> str:
    return str(f)


def same_dag(a: DagNetwork, b: DagNetwork):
    assert (a.kinds, a.edges, a.bias_nodes, a.widths, a.activation) == (b.kinds, b.edges, b.bias_nodes, b.widths,
                                                                        b.activation)
    assert [fmpq(t) for t in a.theta] == [fmpq(t) for t in b.theta]


def check_dag_roundtrip(net: DagNetwork, xs):
    js = net.to_json()
    back = DagNetwork.from_json(js)
    same_dag(net, back)
    assert back.to_json() == js
    same_dag(network_from_json(js), net)
    for x in xs:
        assert [fmpq(v) for v in back(x)] == [fmpq(v) for v in net(x)]


@st.composite
def inputs(draw, d, count=2):
    return [[q(draw(NUMBERS)) for _ in range(d)] for _ in range(count)]


@st.composite
def dag_networks(draw):
    """Kind "dag": any DAG, biases on any subset of non-input nodes in any order, ReLU or ReLU6."""
    d, H, K = draw(st.integers(1, 3)), draw(st.integers(0, 4)), draw(st.integers(1, 2))
    kinds = ("input",) * d + ("hidden",) * H + ("output",) * K
    pairs = [(a, b) for a in range(len(kinds)) for b in range(a + 1, len(kinds))
             if kinds[a] != "output" and kinds[b] != "input"]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    bias_nodes = draw(st.lists(st.sampled_from(range(d, len(kinds))), unique=True))
    net = DagNetwork(kinds, tuple(edges), tuple(q(draw(NUMBERS)) for _ in edges), tuple(bias_nodes),
                     tuple(q(draw(NUMBERS)) for _ in bias_nodes), None, draw(st.sampled_from(["relu", "relu6"])))
    return net


@st.composite
def layered_networks(draw):
    """Layered networks: `DagNetwork.mlp` with all biases or none, and Python-built ones with `widths`
    and biases on any subset of nodes in any order."""
    L = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 3)) for _ in range(L + 1)]
    W = [[[q(draw(NUMBERS)) for _ in range(widths[l])] for _ in range(widths[l - 1])] for l in range(1, L + 1)]
    how = draw(st.sampled_from(["none", "all", "some"]))
    act = draw(st.sampled_from(["relu", "relu6"]))
    if how != "some":
        b = [[q(draw(NUMBERS)) for _ in range(widths[l])] for l in range(1, L + 1)] if how == "all" else None
        return DagNetwork.mlp(widths, W, b, act)
    base = DagNetwork.mlp(widths, W, None, act)
    nodes = draw(st.permutations(range(widths[0], sum(widths))))
    nodes = nodes[:draw(st.integers(0, len(nodes)))]
    return DagNetwork(base.kinds, base.edges, base.weights, tuple(nodes), tuple(q(draw(NUMBERS)) for _ in nodes),
                      tuple(widths), act)


@given(dag_networks(), st.data())
def test_dag_networks_round_trip(net, data):
    check_dag_roundtrip(net, data.draw(inputs(net.d)))


@given(layered_networks(), st.data())
def test_layered_networks_round_trip(net, data):
    check_dag_roundtrip(net, data.draw(inputs(net.d)))


@st.composite
def dag_jsons(draw):
    """JSON the parser accepts, written by hand: kind "dag" with an optional layered ``widths``."""
    net = draw(st.one_of(dag_networks(), layered_networks()))
    js = {"kind": "dag", "nodes": list(net.kinds),
          "edges": [[a, b, text(Fraction(str(w)))] for (a, b), w in zip(net.edges, net.weights)]}
    if net.bias_nodes or draw(st.booleans()):
        js["biases"] = [[j, text(Fraction(str(v)))] for j, v in zip(net.bias_nodes, net.biases)]
    if net.widths is not None and draw(st.booleans()):
        js["widths"] = list(net.widths)
    if net.activation != "relu" or draw(st.booleans()):
        js["activation"] = net.activation
    return js


@given(dag_jsons(), st.data())
def test_accepted_json_round_trips(js, data):
    net = DagNetwork.from_json(js)
    check_dag_roundtrip(net, data.draw(inputs(net.d)))


@given(st.lists(st.integers(1, 3), min_size=2, max_size=3), st.data())
def test_shallow_networks_round_trip(hidden, data):
    widths = (data.draw(st.integers(1, 3)),) + tuple(hidden[:-1]) + (1,)
    theta = tuple(q(data.draw(NUMBERS)) for _ in range(n_params(widths)))
    net = Network(widths, theta)
    js = net.to_json()
    back = network_from_json(js)
    assert isinstance(back, Network) and back.widths == net.widths
    assert [fmpq(t) for t in back.theta] == list(theta)
    assert back.to_json() == js


def test_the_audit_shapes():
    """Biases on the hidden node only (JSON used to be rejected) and a full bias list output-first (used
    to be permuted: N(1) went from 23/2 to 71/3)."""
    base = DagNetwork.mlp([1, 1, 1], [[[q(Fraction(3))]], [[q(Fraction(5, 2))]]])
    hidden_only = DagNetwork(base.kinds, base.edges, base.weights, (1,), (q(Fraction(1)),), (1, 1, 1))
    check_dag_roundtrip(hidden_only, [[fmpq(1)]])
    reversed_ = DagNetwork(base.kinds, base.edges, base.weights, (2, 1), (q(Fraction(3)), q(Fraction(1, 3))),
                           (1, 1, 1))
    assert reversed_([fmpq(1)]) == [fmpq(3) * fmpq(5, 2) + fmpq(1, 3) * fmpq(5, 2) + 3]
    check_dag_roundtrip(reversed_, [[fmpq(1)], [fmpq(-2)]])


def test_widths_must_match_the_layout():
    """A `widths` that does not describe the nodes and edges is refused (matrices() would misread θ)."""
    import pytest

    from verify.errors import InputError

    with pytest.raises(InputError):
        DagNetwork(("input", "hidden", "output"), ((0, 2), (0, 1)), (fmpq(1), fmpq(1)), (), (), (1, 1, 1))
    with pytest.raises(InputError):
        DagNetwork.from_json({"kind": "dag", "nodes": ["input", "output"], "edges": [[0, 1, "1"]], "widths": [1, 1, 1]})


@given(st.integers(1, 3), st.integers(1, 4))
def test_d0_round_trips(d, N):
    from verify.yoneda23.d0 import D0

    js = D0.from_json({"kind": "d0", "d": d, "N": N}).to_json()
    back = network_from_json(js)
    assert back.to_json() == js
