"""`verify.interop` (issue 17, "Your own network"): ONNX / numpy / PyTorch networks read exactly,
instance files naming a model file, the `convert` command, and `to_onnx` round trips."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from flint import fmpq

import verify
import verify.interop  # registers the network kinds and the convert command
from verify.dag import DagNetwork
from verify.errors import InputError
from verify.interop import from_numpy, from_onnx, from_state_dict, load_model, to_onnx
from verify.nets import Network
from verify.numbers import parse_number

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

THETA = ["1/2", "-1", "0", "2", "1/4", "0", "-3/4", "1", "2", "3/4"]  # widths [1, 3, 1], dyadic
INLINE = {"claim": "cjrr21.lyapunov-identity",
          "network": {"widths": [1, 3, 1], "theta": THETA},
          "target": {"kind": "constant", "value": "3/4"},
          "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}


def q(s):
    return parse_number(s)


def gemm_model(layers, dtype=np.float32, opset=17, extra_nodes=(), attrs=None, inputs=None, relu=True):
    """A chain of Gemm (transB=1, weight (out, in)) and Relu nodes built with onnx.helper."""
    nodes, inits, cur = [], [], "x"
    for l, (W, b) in enumerate(layers):
        W = np.asarray(W, dtype=dtype)
        inits.append(numpy_helper.from_array(W, f"W{l}"))
        ins = [cur, f"W{l}"]
        if b is not None:
            inits.append(numpy_helper.from_array(np.asarray(b, dtype=dtype), f"b{l}"))
            ins.append(f"b{l}")
        out = f"z{l}"
        nodes.append(helper.make_node("Gemm", ins, [out], name=f"gemm{l}", **{"transB": 1, **(attrs or {}).get(l, {})}))
        cur = out
        if relu and l < len(layers) - 1:
            nodes.append(helper.make_node("Relu", [cur], [f"h{l}"], name=f"relu{l}"))
            cur = f"h{l}"
    nodes += list(extra_nodes)
    elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    d, K = np.asarray(layers[0][0]).shape[1], np.asarray(layers[-1][0]).shape[0]
    ins = inputs or [helper.make_tensor_value_info("x", elem, ["N", d])]
    graph = helper.make_graph(nodes, "g", ins, [helper.make_tensor_value_info(cur, elem, ["N", K])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def shallow_layers(theta, d=1, H=3):
    t = [q(x) for x in theta]
    W1 = [[float(t[i * d + j]) for j in range(d)] for i in range(H)]
    b1 = [float(x) for x in t[H * d:H * d + H]]
    v = [[float(x) for x in t[H * d + H:H * d + 2 * H]]]
    return [(W1, b1), (v, [float(t[-1])])]


# --------------------------------------------------------------------------------------------
# instance files naming a model: the same verdict as the inline network


def _same_verdict(a, b):
    assert a.status == b.status
    assert [r.to_json() for r in a.relations] == [r.to_json() for r in b.relations]
    assert [h.to_json() for h in a.hypotheses] == [h.to_json() for h in b.hypotheses]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_onnx_instance_gives_the_inline_verdict(tmp_path, dtype):
    sub = tmp_path / "models"
    sub.mkdir()
    onnx.save(gemm_model(shallow_layers(THETA), dtype=dtype), sub / "model.onnx")
    inst = dict(INLINE, network={"kind": "onnx", "path": "models/model.onnx"})
    (tmp_path / "inst.json").write_text(json.dumps(inst))
    (tmp_path / "inline.json").write_text(json.dumps(INLINE))
    v_file = verify.check("cjrr21.lyapunov-identity", tmp_path / "inst.json")
    v_inline = verify.check("cjrr21.lyapunov-identity", tmp_path / "inline.json")
    _same_verdict(v_file, v_inline)
    assert v_file.instance["network"] == INLINE["network"]  # the verdict's instance has the network inline


def test_numpy_instance_kind(tmp_path):
    layers = shallow_layers(THETA)
    np.savez(tmp_path / "w.npz", W0=np.array(layers[0][0]), b0=np.array(layers[0][1]), W1=np.array(layers[1][0]),
             b1=np.array(layers[1][1]))
    inst = dict(INLINE, network={"kind": "numpy", "path": "w.npz"})
    (tmp_path / "inst.json").write_text(json.dumps(inst))
    _same_verdict(verify.check("cjrr21.lyapunov-identity", tmp_path / "inst.json"),
                  verify.check("cjrr21.lyapunov-identity", INLINE))


def test_relative_path_is_relative_to_the_instance_not_the_cwd(tmp_path, monkeypatch):
    onnx.save(gemm_model(shallow_layers(THETA)), tmp_path / "model.onnx")
    (tmp_path / "inst.json").write_text(json.dumps(dict(INLINE, network={"kind": "onnx", "path": "model.onnx"})))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert verify.check("cjrr21.lyapunov-identity", tmp_path / "inst.json").status.value in ("HOLDS", "holds")


@pytest.mark.parametrize("network, match", [
    ({"kind": "onnx", "path": "missing.onnx"}, "no such file"),
    ({"kind": "onnx"}, "'path' must name"),
    ({"kind": "onnx", "path": "w.npz"}, "is not a .onnx file"),
    ({"kind": "onnx", "path": "m.onnx", "extra": 1}, "unknown key"),
])
def test_bad_network_kind_entries(tmp_path, network, match):
    (tmp_path / "inst.json").write_text(json.dumps(dict(INLINE, network=network)))
    with pytest.raises(InputError, match=match):
        verify.Instance.load(tmp_path / "inst.json")


# --------------------------------------------------------------------------------------------
# exactness


def test_float32_weights_are_their_exact_binary_values():
    net = from_onnx(gemm_model([([[0.1]], [0.0]), ([[1.0]], [0.0])], dtype=np.float32))
    assert isinstance(net, Network) and net.theta[0] == fmpq(13421773, 134217728)
    assert net.theta[0] != fmpq(1, 10)
    net64 = from_onnx(gemm_model([([[0.1]], [0.0]), ([[1.0]], [0.0])], dtype=np.float64))
    assert net64.theta[0] == fmpq(*(0.1).as_integer_ratio())


def test_subnormals_negative_zero_and_float16():
    tiny32 = np.float32(1e-45)  # the smallest float32 subnormal, 2^-149
    net = from_numpy([np.array([[tiny32, -0.0]], dtype=np.float32), np.array([[np.finfo(np.float64).tiny / 4]])],
                     [np.array([np.float16(0.1)], dtype=np.float16), None])
    assert net.theta[0] == fmpq(1, 2 ** 149)
    assert net.theta[1] == 0
    assert net.theta[2] == fmpq(819, 8192)  # float16 0.1
    assert net.theta[3] == fmpq(1, 2 ** 1024)
    assert net.theta[4] == 0  # the absent output bias


def test_parse_number_numpy_scalars():
    assert parse_number(np.float32(0.1)) == fmpq(13421773, 134217728)
    assert parse_number(np.int64(-7)) == -7
    assert parse_number(np.array(0.5)) == fmpq(1, 2)
    assert parse_number(Fraction(3, 7)) == fmpq(3, 7)
    assert parse_number(np.longdouble(1) / 3) == fmpq(*(np.longdouble(1) / 3).as_integer_ratio())
    for bad, msg in [(np.bool_(True), "boolean"), (np.float32("nan"), "not a finite"), (np.float64("inf"), "finite"),
                     (np.array([1.0, 2.0]), "array of shape"), (np.complex128(1), "complex")]:
        with pytest.raises(InputError, match=msg):
            parse_number(bad, "w")


def test_network_constructors_take_numpy_and_floats_exactly():
    net = Network(np.array([1, 1, 1]), np.array([0.1, 0, 1, 0.5], dtype=np.float32))
    assert net.widths == (1, 1, 1) and type(net.widths[0]) is int
    assert net.theta[0] == fmpq(13421773, 134217728) and net.theta[3] == fmpq(1, 2)
    assert Network((1, 1, 1), (0.1, 0, 1, 0)).theta[0] == fmpq(*(0.1).as_integer_ratio())
    dag = DagNetwork.mlp([2, 1], [np.array([[np.float64(0.25)], [np.float32(3)]])], [np.array([0.5])])
    assert dag.weights == (fmpq(1, 4), fmpq(3)) and dag.biases == (fmpq(1, 2),)
    assert all(type(w) is fmpq for w in dag.theta)
    with pytest.raises(InputError, match=r"network.W\[0\]\[1\]\[0\].*not a finite"):
        DagNetwork.mlp([2, 1], [np.array([[1.0], [np.nan]])])
    # Python floats mixed with exact numbers become exact; all Python floats stay the float system
    assert DagNetwork.mlp([1, 1], [[[0.1]]], [[fmpq(1)]]).weights == (fmpq(*(0.1).as_integer_ratio()),)
    assert type(DagNetwork.mlp([1, 1], [[[0.1]]], [[1.0]]).weights[0]) is float
    # with_theta keeps Python floats: the float system of plots
    assert type(net.with_theta([0.5, 0.0, 1.0, 0.0]).theta[0]) is float


# --------------------------------------------------------------------------------------------
# from_numpy


def test_from_numpy_rule_network_or_dag():
    shallow = from_numpy([np.ones((3, 2)), np.ones((1, 3))])
    assert isinstance(shallow, Network) and shallow.widths == (2, 3, 1)
    assert shallow.theta[6:9] == (0, 0, 0)  # zero biases
    deep = from_numpy([np.ones((3, 2)), np.ones((2, 3)), np.ones((1, 2))], [np.zeros(3), None, [1]])
    assert isinstance(deep, Network) and deep.widths == (2, 3, 2, 1)
    multi = from_numpy([[[1, 2], [3, 4]], [[5, 6], [7, 8], [9, 10]]], [None, [1, 2, 3]])
    assert isinstance(multi, DagNetwork) and multi.widths == (2, 2, 3)
    assert multi.matrices()[0] == [[1, 3], [2, 4]]  # (in, out): the transpose of (out, in)
    assert multi.biases == (0, 0, 1, 2, 3)
    nobias = from_numpy([[[1, 2]]])
    assert isinstance(nobias, DagNetwork) and nobias.n_b == 0 and nobias.widths == (2, 1)
    # the realization: N(x) = v·relu(Wx + b) + c, W (out, in)
    W = np.array([[1.0, -2.0], [0.5, 0.25]])
    net = from_numpy([W, np.array([[2.0, -1.0]])], [np.array([0.5, -1.0]), np.array([3.0])])
    x = [fmpq(1), fmpq(-1)]
    out, _, _ = net.forward(x, lambda y: max(y, fmpq(0)), lambda y: fmpq(y > 0), grad=False)
    assert out == 2 * fmpq(7, 2) + 3


@pytest.mark.parametrize("weights, biases, match", [
    ([np.ones((3, 2)), np.ones((1, 4))], None, r"weights\[1\].*takes 4 inputs but weights\[0\] has 3 outputs"),
    ([np.ones((3, 2)), np.ones((1, 3))], [np.ones(2), None], r"biases\[0\]: expected shape \(3,\)"),
    ([np.ones(3)], None, r"weights\[0\]: expected a 2-D array"),
    ([np.array([[1.0, 2.0], [np.nan, 0.0]])], None, r"weights\[0\]\[1\]\[0\]: nan is not a finite"),
    ([np.ones((1, 2)), np.array([[np.inf]])], None, r"weights\[1\]\[0\]\[0\]: inf"),
    ([np.ones((1, 1))], [np.array([np.nan])], r"biases\[0\]\[0\]: nan"),
    ([], None, "non-empty list"),
    ([np.ones((1, 1))], [None, None], "list of 1 bias"),
    ([np.ones((2, 2), dtype=bool)], None, "dtype bool"),
    ([[[1, 2], [3]]], None, "ragged"),
    ([np.zeros((0, 2))], None, "empty weight"),
])
def test_from_numpy_errors(weights, biases, match):
    with pytest.raises(InputError, match=match) as e:
        from_numpy(weights, biases)
    assert "\n" not in str(e.value)


# --------------------------------------------------------------------------------------------
# ONNX: supported forms


def test_gemm_alpha_beta_transB_exactly():
    W = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)  # stored (in, out): transB = 0
    m = gemm_model([(W, [1.0, -1.0]), ([[1.0, 1.0]], [0.0])], attrs={0: {"transB": 0, "alpha": 0.1, "beta": 3.0}})
    net = from_onnx(m)
    a = fmpq(*float(np.float32(0.1)).as_integer_ratio())
    assert net.widths == (2, 2, 1)
    assert list(net.theta[:4]) == [a * 1, a * 3, a * 2, a * 4]  # weight (out, in) = alpha · Bᵀ
    assert list(net.theta[4:6]) == [3, -3]


def test_matmul_add_identity_dropout_flatten_and_constants():
    W0 = numpy_helper.from_array(np.array([[1.0, -1.0, 2.0]], dtype=np.float32), "W0")  # (in, out) = (1, 3)
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], name="flat", axis=1),
        helper.make_node("MatMul", ["f", "W0"], ["m0"], name="mm0"),
        helper.make_node("Constant", [], ["b0"], name="cb0",
                         value=numpy_helper.from_array(np.array([0.5, 0.0, -1.0], dtype=np.float32))),
        helper.make_node("Add", ["b0", "m0"], ["a0"], name="add0"),
        helper.make_node("Relu", ["a0"], ["h0"], name="relu0"),
        helper.make_node("Dropout", ["h0"], ["d0", "mask"], name="drop"),
        helper.make_node("Identity", ["d0"], ["i0"], name="id"),
        helper.make_node("Constant", [], ["W1"], name="cw1",
                         value=numpy_helper.from_array(np.array([[1.0], [2.0], [0.25]], dtype=np.float32))),
        helper.make_node("MatMul", ["i0", "W1"], ["m1"], name="mm1"),
        helper.make_node("Add", ["m1", "c"], ["y"], name="add1"),
    ]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
                              [W0, numpy_helper.from_array(np.array([7.0], dtype=np.float32), "c")])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    net = from_onnx(m)
    assert net.widths == (1, 3, 1)
    assert [str(t) for t in net.theta] == ["1", "-1", "2", "1/2", "0", "-1", "1", "2", "1/4", "7"]


def test_multi_output_gives_a_dag():
    m = gemm_model([([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [1.0, 1.0, 1.0]), ([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]],
                                                                                [0.0, 2.0])])
    net = from_onnx(m)
    assert isinstance(net, DagNetwork) and net.widths == (2, 3, 2)
    assert net.matrices()[1] == [[1, fmpq(1, 2)], [0, fmpq(1, 2)], [-1, fmpq(1, 2)]]


# --------------------------------------------------------------------------------------------
# ONNX: everything else is refused, naming the node


def _model(nodes, inits, inputs=(("x", 2),), outputs=(("y", 1),), opset=17):
    return helper.make_model(
        helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", d]) for n, d in inputs],
                          [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", d]) for n, d in outputs],
                          inits), opset_imports=[helper.make_opsetid("", opset)])


def _init(name, shape, value=1.0):
    return numpy_helper.from_array(np.full(shape, value, dtype=np.float32), name)


LIN0 = helper.make_node("Gemm", ["x", "W0", "b0"], ["z0"], name="gemm0", transB=1)
INITS = [_init("W0", (3, 2)), _init("b0", (3,)), _init("W1", (1, 3)), _init("b1", (1,))]


def _bad_models():
    sig = _model([LIN0, helper.make_node("Sigmoid", ["z0"], ["h0"], name="sig"),
                  helper.make_node("Gemm", ["h0", "W1", "b1"], ["y"], name="gemm1", transB=1)], INITS)
    conv = _model([helper.make_node("Conv", ["x", "W0"], ["y"], name="conv0")], INITS)
    bn = _model([LIN0, helper.make_node("BatchNormalization", ["z0", "s", "bb", "mu", "var"], ["h0"], name="bn"),
                 helper.make_node("Relu", ["h0"], ["r"], name="relu0"),
                 helper.make_node("Gemm", ["r", "W1", "b1"], ["y"], name="gemm1", transB=1)],
                INITS + [_init(n, (3,)) for n in ("s", "bb", "mu", "var")])
    transa = _model([helper.make_node("Gemm", ["x", "W0", "b0"], ["y"], name="gemmT", transA=1)], INITS,
                    outputs=(("y", 3),))
    two = _model([helper.make_node("Gemm", ["x", "W0", "b0"], ["z0"], name="gemm0", transB=1),
                  helper.make_node("Add", ["z0", "x2"], ["y"], name="add_x2")], INITS, inputs=(("x", 2), ("x2", 3)),
                 outputs=(("y", 3),))
    branch = _model([LIN0, helper.make_node("Relu", ["z0"], ["h0"], name="relu0"),
                     helper.make_node("Relu", ["z0"], ["h1"], name="relu_again"),
                     helper.make_node("Add", ["h0", "h1"], ["s"], name="sum"),
                     helper.make_node("Gemm", ["s", "W1", "b1"], ["y"], name="gemm1", transB=1)], INITS)
    relu_first = _model([helper.make_node("Relu", ["x"], ["r"], name="relu_in"),
                         helper.make_node("Gemm", ["r", "W0", "b0"], ["y"], name="gemm0", transB=1)], INITS,
                        outputs=(("y", 3),))
    relu_last = _model([LIN0, helper.make_node("Relu", ["z0"], ["y"], name="relu_out")], INITS, outputs=(("y", 3),))
    missing = _model([helper.make_node("Gemm", ["x", "Wmissing", "b0"], ["y"], name="gemm_m", transB=1)], INITS,
                     outputs=(("y", 3),))
    old = _model([helper.make_node("Gemm", ["x", "W0", "b0"], ["y"], name="gemm0", transB=1)], INITS,
                 outputs=(("y", 3),), opset=11)
    return [(sig, r"node 'sig' \(op Sigmoid\): unsupported operator"),
            (conv, r"node 'conv0' \(op Conv\): unsupported operator"),
            (bn, r"node 'bn' \(op BatchNormalization\): unsupported operator"),
            (transa, r"node 'gemmT' \(op Gemm\): transA = 1 is not supported"),
            (two, r"node 'add_x2' \(op Add\): reads the second graph input 'x2'"),
            (branch, r"node 'relu_again' \(op Relu\): reads 'z0', which .* a branch"),
            (relu_first, r"node 'relu_in' \(op Relu\): a ReLU must follow a linear layer, here it follows the input"),
            (relu_last, r"node 'relu_out' \(op Relu\): the output comes from a ReLU"),
            (missing, r"node 'gemm_m' \(op Gemm\): input 'Wmissing' is neither an initializer"),
            (old, r"opset 11")]


@pytest.mark.parametrize("k", range(10))
def test_unsupported_models_name_the_node(k):
    model, match = _bad_models()[k]
    with pytest.raises(InputError, match=match) as e:
        from_onnx(model)
    assert "\n" not in str(e.value) and str(e.value).startswith("onnx model: ")


def test_unused_second_input_and_bad_files(tmp_path):
    m = _model([helper.make_node("Gemm", ["x", "W0", "b0"], ["y"], name="gemm0", transB=1)], INITS,
               inputs=(("x", 2), ("unused", 1)), outputs=(("y", 3),))
    with pytest.raises(InputError, match="2 inputs"):
        from_onnx(m)
    (tmp_path / "junk.onnx").write_bytes(b"\x00\x01not a model at all\xff")
    with pytest.raises(InputError, match="junk.onnx: not a readable ONNX model"):
        from_onnx(tmp_path / "junk.onnx")
    with pytest.raises(InputError, match="no such file"):
        from_onnx(tmp_path / "none.onnx")


# --------------------------------------------------------------------------------------------
# to_onnx


@pytest.mark.parametrize("net", [
    Network((1, 3, 1), tuple(q(t) for t in THETA)),
    Network((2, 2, 2, 1), tuple(fmpq(k - 7, 2 ** k) for k in range(15))),
    DagNetwork.mlp([2, 3, 2], [[[1, 2, 3], [4, 5, 6]], [[fmpq(1, 2), 0], [0, -1], [fmpq(3, 4), fmpq(-1, 1024)]]]),
    DagNetwork.mlp([2, 2], [[[1, 2], [3, 4]]], [[fmpq(-1, 8), 5]]),
])
def test_to_onnx_round_trip_is_exact_for_dyadic_entries(tmp_path, net):
    path = tmp_path / "net.onnx"
    model = to_onnx(net, path)
    onnx.checker.check_model(model)
    back = from_onnx(path)
    assert type(back) is type(net)
    if isinstance(net, Network):
        assert back == net
    else:
        assert (back.widths, back.theta, back.bias_nodes) == (net.widths, net.theta, net.bias_nodes)


def test_to_onnx_rounds_non_dyadic_and_refuses_what_it_cannot_write():
    net = Network((1, 1, 1), (fmpq(1, 3), fmpq(0), fmpq(1), fmpq(0)))
    back = from_onnx(to_onnx(net))
    assert back.theta[0] == fmpq(*(1 / 3).as_integer_ratio())  # the nearest float64, not 1/3
    with pytest.raises(InputError, match="float64 range"):
        to_onnx(Network((1, 1, 1), (fmpq(2) ** 1100, 0, 1, 0)))
    dag = DagNetwork(("input", "hidden", "output"), ((0, 1), (1, 2), (0, 2)), (fmpq(1), fmpq(1), fmpq(1)))
    with pytest.raises(InputError, match="layered"):
        to_onnx(dag)


# --------------------------------------------------------------------------------------------
# the convert command


def _convert(args):
    from verify.cli import main

    return main(["convert", *args])


def test_convert_writes_a_network_check_accepts(tmp_path, capsys):
    onnx.save(gemm_model(shallow_layers(THETA)), tmp_path / "m.onnx")
    assert _convert([str(tmp_path / "m.onnx"), "--out", str(tmp_path / "net.json"), "--json"]) == 0
    captured = capsys.readouterr()
    assert "widths [1, 3, 1], 10 parameters" in captured.err
    assert json.loads(captured.out)["widths"] == [1, 3, 1]
    net = json.loads((tmp_path / "net.json").read_text())
    assert net == INLINE["network"]
    (tmp_path / "inst.json").write_text(json.dumps(dict(INLINE, network=net)))
    _same_verdict(verify.check("cjrr21.lyapunov-identity", tmp_path / "inst.json"),
                  verify.check("cjrr21.lyapunov-identity", INLINE))


def test_convert_npz_and_safetensors(tmp_path, capsys):
    np.savez(tmp_path / "w.npz", W0=np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
             W1=np.array([[0.5, -0.5], [1.0, 1.0], [2.0, 0.0]]), b1=np.array([1, 2, 3]))
    assert _convert([str(tmp_path / "w.npz"), "--out", str(tmp_path / "w.json")]) == 0
    got = json.loads((tmp_path / "w.json").read_text())
    assert got["kind"] == "mlp" and got["widths"] == [2, 2, 3] and got["b"] == [["0", "0"], ["1", "2", "3"]]
    # a .safetensors file written by hand to the format's specification (F32 and BF16)
    tensors = {"0.weight": ("F32", np.array([[1.5, -2.0]], dtype="<f4")), "0.bias": ("F32", np.array([0.25], "<f4")),
               "2.weight": ("BF16", (np.array([[3.0]], dtype="<f4").view("<u4") >> 16).astype("<u2")),
               "2.bias": ("F32", np.array([-1.0], "<f4"))}
    header, blob = {}, b""
    for k in ["2.bias", "0.weight", "2.weight", "0.bias"]:  # the file's order is not the layer order
        dt, arr = tensors[k]
        header[k] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [len(blob), len(blob) + arr.nbytes]}
        blob += arr.tobytes()
    h = json.dumps(header).encode()
    (tmp_path / "m.safetensors").write_bytes(len(h).to_bytes(8, "little") + h + blob)
    net = load_model(tmp_path / "m.safetensors")
    assert isinstance(net, Network) and [str(t) for t in net.theta] == ["3/2", "-2", "1/4", "3", "-1"]


@pytest.mark.parametrize("content, name, match", [
    (b"garbage", "bad.onnx", "not a readable ONNX model"),
    (b"garbage", "bad.npz", "not a readable .npz"),
    (b"xx", "bad.safetensors", "not a safetensors file"),
    (b"{}", "bad.txt", "unknown model file type"),
])
def test_convert_bad_files_exit_2_with_one_line(tmp_path, content, name, match):
    (tmp_path / name).write_bytes(content)
    r = subprocess.run([sys.executable, "-c", "import verify.interop, sys; from verify.cli import main; "
                        "sys.exit(main(sys.argv[1:]))", "convert", str(tmp_path / name), "--out",
                        str(tmp_path / "o.json")], capture_output=True, text=True, cwd=ROOT,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and match in lines[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "o.json").exists()


def test_npz_errors_name_the_array(tmp_path):
    np.savez(tmp_path / "w.npz", W0=np.array([[1.0, np.nan]]))
    with pytest.raises(InputError, match=r"w.npz: W0\[0\]\[1\]: nan"):
        load_model(tmp_path / "w.npz")
    np.savez(tmp_path / "x.npz", W0=np.ones((2, 2)), weights=np.ones(2))
    with pytest.raises(InputError, match="unexpected array"):
        load_model(tmp_path / "x.npz")
    np.savez(tmp_path / "y.npz", W1=np.ones((2, 2)))
    with pytest.raises(InputError, match="missing weight"):
        load_model(tmp_path / "y.npz")


def test_state_dict_of_numpy_arrays():
    net = from_state_dict({"fc1.weight": np.ones((2, 1)), "fc1.bias": np.zeros(2), "fc2.weight": np.ones((1, 2))})
    assert isinstance(net, Network) and net.widths == (1, 2, 1)
    with pytest.raises(InputError, match="running_mean"):
        from_state_dict({"fc1.weight": np.ones((2, 1)), "bn.running_mean": np.zeros(2)})


def test_missing_torch_is_one_line(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_torch(name, *a, **k):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("no torch")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with pytest.raises(InputError, match=r"relu-verify\[torch\]"):
        verify.interop.from_torch(object())


def test_missing_onnx_is_one_line(monkeypatch):
    """As if onnx were not installed (None in sys.modules makes every import of it fail)."""
    for name in ("onnx", "onnx.numpy_helper"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(InputError, match=r"relu-verify\[onnx\]"):
        from_onnx("model.onnx")


def test_interop_imports_no_family():
    import ast

    for path in (ROOT / "verify" / "interop").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not any(f in node.module for f in ("cjrr21", "beg19", "ejrw22", "gsgd19", "yoneda23")), path


# --------------------------------------------------------------------------------------------
# PyTorch (skipped without torch)


def test_from_torch_sequential_exact():
    torch = pytest.importorskip("torch")
    from verify.interop import from_torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                                torch.nn.Linear(4, 1)).eval()
    net = from_torch(model)
    W = model[1].weight.detach().numpy()
    assert isinstance(net, Network) and net.widths == (2, 4, 1)
    assert net.theta[0] == fmpq(*float(W[0, 0]).as_integer_ratio())
    assert from_torch(model.state_dict(), widths=[2, 4, 1]) == net
    x = torch.tensor([[0.5, -0.25]], dtype=torch.float64)
    ref = model.double()(x).item()
    out, _, _ = net.forward([fmpq(1, 2), fmpq(-1, 4)], lambda y: max(y, fmpq(0)), lambda y: fmpq(y > 0), grad=False)
    assert abs(float(out) - ref) < 1e-12
    with pytest.raises(InputError, match=r"model\[1\] \(Sigmoid\)"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1)))
    with pytest.raises(InputError, match="training mode"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Dropout(), torch.nn.Linear(2, 1)))
    with pytest.raises(InputError, match="widths"):
        from_torch(model.state_dict(), widths=[2, 3, 1])


# A stand-in for the part of torch's API that `verify.interop.torch_io` uses, so that its logic runs
# where torch is not installed (the test above runs the real thing where it is).
FAKE_TORCH = """import numpy as np
from collections import OrderedDict
strided = "strided"
float16, float32, float64, bfloat16, boolean = "float16", "float32", "float64", "bfloat16", "bool"
bool = boolean
class Tensor:
    def __init__(self, a, dtype=None):
        self.a = np.asarray(a); self.dtype = dtype or str(self.a.dtype); self.layout = strided
        self.is_quantized = False; self.is_sparse = False
    def detach(self): return self
    def cpu(self): return self
    def is_complex(self): return self.a.dtype.kind == "c"
    def is_floating_point(self): return self.dtype in ("float16", "float32", "float64", "bfloat16")
    def to(self, dt): return Tensor(self.a.astype(np.float32), "float32")
    def numpy(self): return self.a
class _nn:
    class Module:
        training = True
        def eval(self):
            self.training = False
            for c in getattr(self, "_children", []): c.eval()
            return self
        def forward(self, x): pass
    class Sequential(Module):
        def __init__(self, *mods): self._children = list(mods)
        def named_children(self): return [(str(k), m) for k, m in enumerate(self._children)]
        def __getitem__(self, k): return self._children[k]
        def state_dict(self):
            d = OrderedDict()
            for k, m in self.named_children():
                if isinstance(m, _nn.Linear):
                    d[f"{k}.weight"] = m.weight
                    if m.bias is not None: d[f"{k}.bias"] = m.bias
            return d
    class Linear(Module):
        def __init__(self, i, o, bias=True):
            rng = np.random.default_rng(i * 10 + o)
            self.weight = Tensor(rng.standard_normal((o, i)).astype(np.float32))
            self.bias = Tensor(rng.standard_normal(o).astype(np.float32)) if bias else None
    class ReLU(Module): pass
    class Identity(Module): pass
    class Sigmoid(Module): pass
    class Flatten(Module):
        def __init__(self, start_dim=1, end_dim=-1): self.start_dim, self.end_dim = start_dim, end_dim
    class Dropout(Module):
        def __init__(self, p=0.5): pass
nn = _nn
"""


def test_from_torch_logic_with_a_stand_in_torch(monkeypatch):
    import types

    if "torch" in sys.modules or any(Path(p, "torch").is_dir() for p in sys.path if p):
        pytest.skip("torch is installed: the real test runs")
    torch = types.ModuleType("torch")
    exec(compile(FAKE_TORCH, "fake_torch", "exec"), torch.__dict__)
    monkeypatch.setitem(sys.modules, "torch", torch)
    from verify.interop import from_torch

    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                                torch.nn.Linear(4, 1)).eval()
    net = from_torch(model)
    assert isinstance(net, Network) and net.widths == (2, 4, 1)
    assert net.theta[0] == fmpq(*float(model[1].weight.a[0, 0]).as_integer_ratio())
    assert from_torch(model.state_dict(), widths=[2, 4, 1]) == net
    assert from_torch(torch.nn.Linear(3, 2)).widths == (3, 2)
    for bad, match in [
            (torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1)),
             r"model\[1\] \(Sigmoid\): unsupported layer"),
            (torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Dropout(), torch.nn.Linear(2, 1)),
             "training mode"),
            (torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)).eval(), "without a ReLU"),
            ("not a model", "expected a torch.nn.Module")]:
        with pytest.raises(InputError, match=match):
            from_torch(bad)
    with pytest.raises(InputError, match="widths"):
        from_torch(model.state_dict(), widths=[2, 3, 1])


def test_torch_onnx_export_reads_back_as_the_same_network(tmp_path):
    torch = pytest.importorskip("torch")
    from verify.interop import from_torch

    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Dropout(0.1),
                                torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1)).eval()
    try:
        torch.onnx.export(model, (torch.zeros(1, 3),), str(tmp_path / "m.onnx"), dynamo=False, opset_version=17,
                          input_names=["x"], output_names=["y"])
    except Exception as e:  # noqa: BLE001  (an exporter that needs more packages than torch)
        pytest.skip(f"torch.onnx.export unavailable: {type(e).__name__}")
    torch.save(model.state_dict(), tmp_path / "sd.pt")
    net = from_torch(model)
    assert from_onnx(tmp_path / "m.onnx") == net
    assert load_model(tmp_path / "sd.pt") == net


def test_convert_exports_a_witness_network_as_onnx_and_reads_it_back(tmp_path):
    """``convert instance.json --out net.onnx``: float64 weights (dyadic entries come back exactly,
    others rounded to nearest), and a .json MODEL with another --out is a one-line error."""
    from fractions import Fraction

    inst = {"network": {"widths": [1, 2, 1], "theta": ["1/2", "-3", "0.25", "1", "1/3", "2", "-1"]}}
    (tmp_path / "w.json").write_text(json.dumps(inst))
    r = _convert_cli(tmp_path, "w.json", "--out", "w.onnx")
    assert r.returncode == 0, r.stderr
    back = verify.from_onnx(tmp_path / "w.onnx")
    exact = [Fraction(t) for t in inst["network"]["theta"]]
    assert [Fraction(int(t.p), int(t.q)) for t in back.theta] == [x if x != Fraction(1, 3) else Fraction(1 / 3)
                                                                  for x in exact]
    bad = _convert_cli(tmp_path, "w.json", "--out", "w2.json")
    assert bad.returncode == 2 and "--out NAME.onnx" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def _convert_cli(cwd, *argv):
    return subprocess.run([sys.executable, "-m", "verify.cli", "convert", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_an_initializer_that_is_also_an_input_is_refused():
    """ONNX: an initializer listed among the graph inputs is a default the caller may replace."""
    from onnx import TensorProto, helper, numpy_helper

    W = numpy_helper.from_array(np.array([[2.0]], dtype=np.float32), "W")
    g = helper.make_graph([helper.make_node("Gemm", ["X", "W"], ["Y"], transB=1)], "g",
                          [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 1]),
                           helper.make_tensor_value_info("W", TensorProto.FLOAT, [1, 1])],
                          [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 1])], [W])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(InputError, match="also graph inputs"):
        from_onnx(model)


def test_torch_reads_what_the_model_computes_or_refuses():
    """A layer object used twice is read twice (torch's named_children would list it once);
    subclasses and hooks change what a layer computes and are refused."""
    torch = pytest.importorskip("torch")
    nn = torch.nn
    l1 = nn.Linear(1, 1)
    with torch.no_grad():
        l1.weight.fill_(2.0), l1.bias.fill_(0.0)
    model = nn.Sequential(l1, nn.ReLU(), l1, nn.ReLU(), nn.Linear(1, 1))
    net = verify.from_torch(model)
    x = torch.tensor([[1.0]])
    assert float(model(x)) == float(verify.framework.Evaluation(
        verify.Instance.from_json({"network": net.to_json()}), {}, None).realization(net, ["1"]))

    class Doubling(nn.Sequential):
        def forward(self, x):
            return 2 * super().forward(x)

    class Shifted(nn.Linear):
        def forward(self, x):
            return super().forward(x) + 100

    hooked = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
    hooked[2].register_forward_hook(lambda m, i, o: -o)
    for bad, match in ((Doubling(nn.Linear(1, 1)), "subclass of Sequential"),
                       (nn.Sequential(Shifted(1, 1)), "subclass of torch.nn.Linear"), (hooked, "hooks")):
        with pytest.raises(InputError, match=match):
            verify.from_torch(bad)
