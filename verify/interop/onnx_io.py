"""ONNX models in and out: `from_onnx` reads a ReLU MLP exactly, `to_onnx` writes one for other tools.

`from_onnx` takes graphs that are a chain input → (linear → Relu)* → linear → output, where a
linear layer is a ``Gemm`` (transA = 0; transB, alpha and beta honoured exactly) or a ``MatMul``
followed by ``Add`` of a constant bias, and ``Identity``, ``Flatten`` (axis 1 of a 2-D tensor) and
``Dropout`` (inference: no training_mode, or a constant false) are no-ops.  Weights come from
initializers or ``Constant`` nodes.  The default domain at opset ≥ 13 only.  Anything else is an
`InputError` naming the node and why.

The network read is the function the stored weights define in exact arithmetic (the module
docstring of `verify.interop.layers`), not the model's float evaluation by a runtime.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..numbers import parse_number
from .layers import Chain, matrix, optional_import, vector

MIN_OPSET = 13
def _onnx():
    optional_import("onnx.numpy_helper", "onnx", "reading or writing ONNX models")
    return optional_import("onnx", "onnx", "reading or writing ONNX models")


def read_model(path_or_model, where: str | None = None):
    """(ModelProto, name for errors) of a path or a ModelProto."""
    onnx = _onnx()
    if isinstance(path_or_model, onnx.ModelProto):
        return path_or_model, where or "onnx model"
    if not isinstance(path_or_model, (str, os.PathLike)):
        raise InputError(f"expected a path or an onnx.ModelProto, got {type(path_or_model).__name__}", "onnx")
    p = Path(path_or_model)
    name = where or str(p)
    if p.is_dir():
        raise InputError("is a directory, expected an ONNX model file", name)
    if not p.is_file():
        raise InputError("no such file", name)
    try:
        return onnx.load(str(p)), name
    except Exception as e:  # noqa: BLE001  (protobuf's DecodeError, a missing external-data file, ...)
        first = (str(e).splitlines() or [""])[0][:200]
        raise InputError(f"not a readable ONNX model ({type(e).__name__}: {first})", name) from None


def _node_name(node, k: int) -> str:
    return f"node {node.name!r} (op {node.op_type})" if node.name else f"node #{k} (op {node.op_type})"


def _rank(value_info) -> int | None:
    t = value_info.type
    if t.HasField("tensor_type") and t.tensor_type.HasField("shape"):
        return len(t.tensor_type.shape.dim)
    return None


def from_onnx(path_or_model, where: str | None = None):
    """The ReLU network of an ONNX model (a file path or an ``onnx.ModelProto``), exactly.

    Returns a `verify.nets.Network` when the model has one output and a hidden layer, else a
    layered `verify.dag.DagNetwork` (the rule of `verify.interop.layers`).  Gemm computes
    Y = alpha·A·op(B) + beta·C; the layer read is weight = alpha·op(B)ᵀ (PyTorch's (out, in)) and
    bias = beta·C, with alpha and beta (float32 attributes) their exact binary values.  MatMul's B
    is (in, out); an Add of a constant after it is its bias.  ``where`` names the model in errors
    (default: the path).  `InputError` (one line, naming the node) for anything outside the
    supported chain; for a missing onnx package, naming the extra ``relu-verify[onnx]``."""
    onnx = _onnx()
    from onnx import helper, numpy_helper

    model, name = read_model(path_or_model, where)
    g = model.graph
    opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    version = opsets.get("ai.onnx")
    if version is None or version < MIN_OPSET:
        raise InputError(f"opset {version} of the default domain; relu-verify reads opset >= {MIN_OPSET} "
                         "(re-export, e.g. torch.onnx.export(..., opset_version=17))", name)
    consts: dict = {}
    for t in g.initializer:
        consts[t.name] = t
    if len(g.sparse_initializer):
        raise InputError("sparse initializers are not supported", name)
    overridable = [vi.name for vi in g.input if vi.name in consts]
    if overridable:
        raise InputError(f"initializer(s) {', '.join(map(repr, overridable))} are also graph inputs: their values are "
                         "defaults a caller may replace, so the weights are not fixed by the model", name)
    inputs = [vi for vi in g.input if vi.name not in consts]
    if not inputs:
        raise InputError("the graph has no input", name)
    if len(g.output) != 1:
        raise InputError(f"the graph has {len(g.output)} outputs ({', '.join(o.name for o in g.output)}); "
                         "relu-verify reads models with one output tensor", name)
    extra_inputs = {vi.name for vi in inputs[1:]}
    current = inputs[0].name
    rank = _rank(inputs[0])
    if rank is not None and rank != 2:
        raise InputError(f"input {current!r} has rank {rank}; relu-verify reads 2-D inputs (batch, features)", name)
    consumed = {current: None}
    produced = {o for n in g.node for o in n.output if o}
    chain = Chain(name)

    def const(tensor_name, node, k):
        if tensor_name not in consts:
            if tensor_name in extra_inputs:
                raise InputError(f"{_node_name(node, k)}: reads the second graph input {tensor_name!r}; the model "
                                 "must have one input, and weights must be initializers or Constant nodes", name)
            raise InputError(f"{_node_name(node, k)}: input {tensor_name!r} is neither an initializer nor a Constant "
                             "(a missing initializer?)", name)
        t = consts[tensor_name]
        try:
            return t if not isinstance(t, onnx.TensorProto) else numpy_helper.to_array(t)
        except Exception as e:  # noqa: BLE001
            raise InputError(f"{_node_name(node, k)}: cannot read tensor {tensor_name!r} ({type(e).__name__}: "
                             f"{str(e)[:120]})", name) from None

    for k, node in enumerate(g.node):
        nn = _node_name(node, k)
        if node.domain not in ("", "ai.onnx"):
            raise InputError(f"{nn}: operator of domain {node.domain!r}; only the default ONNX domain is supported",
                             name)
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Constant":
            consts[node.output[0]] = _constant_value(attrs, nn, name, numpy_helper)
            continue
        data = [i for i in node.input if i and i not in consts]
        for i in data:
            if i != current and i not in produced and i not in extra_inputs:
                raise InputError(f"{nn}: input {i!r} is neither an initializer, a Constant nor the output of a node "
                                 "(a missing initializer?)", name)
        if not data:
            raise InputError(f"{nn}: reads no tensor of the network's chain (only constants)", name)
        for i in data:
            if i in extra_inputs:
                raise InputError(f"{nn}: reads the second graph input {i!r}; relu-verify reads models with one "
                                 "input", name)
        if data != [current] or (node.op_type not in ("Add",) and node.input[0] != current):
            other = next((i for i in data if i != current), current)
            if other in consumed:
                why = f"reads {other!r}, which node(s) before it already read: a branch"
            elif other == current:
                why = f"reads the chain's tensor {current!r} in the wrong input position"
            else:
                why = f"reads {other!r}, which is not the chain's current tensor {current!r}"
            raise InputError(f"{nn}: {why}; the graph must be a chain input → (linear → Relu)* → linear → output",
                             name)
        outputs = [o for o in node.output if o]
        op = node.op_type
        arity = {"Gemm": (2, 3), "MatMul": (2, 2), "Add": (2, 2), "Relu": (1, 1), "Identity": (1, 1), "Flatten": (1, 1),
                 "Dropout": (1, 3)}.get(op)
        if arity is not None and not arity[0] <= len(node.input) <= arity[1]:
            raise InputError(f"{nn}: {len(node.input)} inputs; {op} takes {arity[0]}"
                             + (f" to {arity[1]}" if arity[1] != arity[0] else ""), name)
        if op == "Dropout" and node.output and not node.output[0]:
            raise InputError(f"{nn}: its first output (the data) is unnamed", name)
        if op == "Dropout" and len(outputs) == 2:
            if any(outputs[1] in n.input for n in g.node) or outputs[1] in {o.name for o in g.output}:
                raise InputError(f"{nn}: its mask output is used", name)
            outputs = outputs[:1]
        if len(outputs) != 1:
            raise InputError(f"{nn}: has {len(outputs)} outputs, expected 1", name)
        if op == "Gemm":
            _gemm(chain, node, attrs, nn, name, const, k)
            rank = 2
        elif op == "MatMul":
            B = const(node.input[1], node, k)
            W = matrix(B, f"{nn} weight {node.input[1]!r}")  # (in, out)
            chain.linear([list(col) for col in zip(*W)], None, nn)
        elif op == "Add":
            other = node.input[1] if node.input[0] == current else node.input[0]
            C = const(other, node, k)
            chain.add_bias(_bias(C, chain, nn, name, f"{nn} bias {other!r}"), nn)
        elif op == "Relu":
            chain.relu(nn)
        elif op == "Identity":
            pass
        elif op == "Dropout":
            if len(node.input) >= 3 and node.input[2]:
                mode = const(node.input[2], node, k)
                if bool(getattr(mode, "any", lambda: mode)()):
                    raise InputError(f"{nn}: training_mode is true (dropout is random in training)", name)
        elif op == "Flatten":
            axis = attrs.get("axis", 1)
            if axis not in (1, -1) or rank != 2:
                raise InputError(f"{nn}: only Flatten(axis=1) of a 2-D tensor (a no-op) is supported "
                                 f"(axis {axis}, input rank {rank if rank is not None else 'unknown'})", name)
        else:
            raise InputError(f"{nn}: unsupported operator {op!r}; relu-verify reads chains of Gemm / MatMul + Add "
                             "and Relu (with Identity, Flatten, Dropout as no-ops)", name)
        consumed[current] = node
        current = outputs[0]
    if extra_inputs:
        raise InputError(f"the graph has {len(inputs)} inputs ({', '.join(repr(v.name) for v in inputs)}); "
                         "relu-verify reads models with one input", name)
    if current != g.output[0].name:
        raise InputError(f"the graph output {g.output[0].name!r} is not the end of the chain (which ends at "
                         f"{current!r})", name)
    try:  # and the ONNX spec's own rules (single assignment, arities, types), which ours need not repeat
        onnx.checker.check_model(model)
    except Exception as e:  # noqa: BLE001  (onnx.checker.ValidationError and friends)
        first = (str(e).strip().splitlines() or [""])[0][:200]
        raise InputError(f"not a valid ONNX model ({type(e).__name__}: {first})", name) from None
    return chain.network()


def _constant_value(attrs, nn, name, numpy_helper):
    import numpy as np

    if "value" in attrs:
        return numpy_helper.to_array(attrs["value"])
    for key in ("value_float", "value_floats", "value_int", "value_ints"):
        if key in attrs:
            v = attrs[key]
            return np.array(v, dtype=np.float32 if "float" in key else np.int64)
    raise InputError(f"{nn}: unsupported Constant ({', '.join(attrs) or 'no value'})", name)


def _gemm(chain, node, attrs, nn, name, const, k):
    if attrs.get("transA", 0) != 0:
        raise InputError(f"{nn}: transA = {attrs['transA']} is not supported (the input must not be transposed)",
                         name)
    alpha = parse_number(attrs.get("alpha", 1.0), f"{nn} alpha")
    beta = parse_number(attrs.get("beta", 1.0), f"{nn} beta")
    B = matrix(const(node.input[1], node, k), f"{nn} weight {node.input[1]!r}")
    W = B if attrs.get("transB", 0) else [list(col) for col in zip(*B)]  # (out, in)
    W = [[alpha * x for x in row] for row in W]
    b = None
    if len(node.input) >= 3 and node.input[2]:
        C = const(node.input[2], node, k)
        b = [beta * x for x in _bias(C, None, nn, name, f"{nn} bias {node.input[2]!r}", len(W))]
    chain.linear(W, b, nn)


def _bias(C, chain, nn, name, where, n: int | None = None) -> list:
    """A bias tensor broadcast over the batch: shape (), (1,), (n,), (1, 1) or (1, n)."""
    import numpy as np

    if n is None:
        if not chain.open:
            raise InputError(f"{nn}: an Add must follow a linear layer (MatMul or Gemm) as its bias", name)
        n = chain.layers[-1][0]
    arr = np.asarray(C)
    if arr.ndim == 2 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.shape[0] not in (1, n):
        raise InputError(f"{nn}: bias of shape {tuple(np.asarray(C).shape)} does not broadcast to one value per "
                         f"output of a layer of {n} outputs (only over the batch)", name)
    b = vector(arr, where, arr.shape[0])
    return b * n if len(b) == 1 and n != 1 else b


def _layers_of(net):
    """[(W (out, in) rows, b)] of a `Network` or a layered `DagNetwork` (relu, biases all or none)."""
    from ..dag import DagNetwork, _mlp_bias_nodes
    from ..nets import Network

    if isinstance(net, Network):
        return net.layers()
    if isinstance(net, DagNetwork):
        if net.widths is None or net.bias_nodes not in ((), _mlp_bias_nodes(net.widths)):
            raise InputError("only layered networks (kind 'mlp', biases on every layer or none) can be written as "
                             "ONNX", "network")
        if net.activation != "relu":
            raise InputError(f"activation {net.activation!r}: only ReLU networks can be written as ONNX", "network")
        out, k = [], 0
        h = net.widths
        for l, M in enumerate(net.matrices(), start=1):
            b = list(net.biases[k:k + h[l]]) if net.n_b else None  # no bias edges: Gemm without C
            k += h[l]
            out.append(([list(col) for col in zip(*M)], b))
        return out
    raise InputError(f"expected a Network or DagNetwork, got {type(net).__name__}", "network")


def _nearest_float(x, where: str) -> float:
    """The float64 nearest to the exact number x (ties to even; Python's int division rounds
    correctly); `InputError` for balls and values beyond the float64 range."""
    from flint import fmpq

    if not isinstance(x, (int, fmpq)):
        raise InputError(f"{x} is not an exact rational (balls cannot be written as ONNX weights)", where)
    x = fmpq(x)
    try:
        return int(x.p) / int(x.q)
    except OverflowError:
        raise InputError(f"{x} is beyond the float64 range", where) from None


def to_onnx(net, path=None, opset: int = 17):
    """An ONNX model (``onnx.ModelProto``) of a `Network` or a layered ReLU `DagNetwork`: input
    ``"input"`` of shape (N, d), one ``Gemm`` (transB = 1, weight initializers (out, in) as in
    PyTorch, bias initializers -- none for a `DagNetwork` without bias edges) per layer with a ``Relu`` between layers, output ``"output"`` of
    shape (N, K), all tensors float64, default opset 17.  Written to ``path`` (atomically) when given.

    The exact rational weights are rounded to the nearest float64 there: the export is for other
    tools, not a certificate -- `from_onnx` of it gives back the network exactly only when every
    entry is a float64 value (a dyadic rational in range).  Balls and non-layered DAGs are an
    `InputError`."""
    onnx = _onnx()
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    layers = _layers_of(net)
    inits, nodes = [], []
    cur = "input"
    for l, (W, b) in enumerate(layers):
        Wf = np.array([[_nearest_float(x, f"network layer {l + 1}") for x in row] for row in W], dtype=np.float64)
        inits.append(numpy_helper.from_array(Wf, f"W{l}"))
        if b is not None:
            bf = np.array([_nearest_float(x, f"network layer {l + 1}") for x in b], dtype=np.float64)
            inits.append(numpy_helper.from_array(bf, f"b{l}"))
        last = l == len(layers) - 1
        out = "output" if last else f"z{l}"
        nodes.append(helper.make_node("Gemm", [cur, f"W{l}"] + ([f"b{l}"] if b is not None else []), [out],
                                      name=f"linear{l}", transB=1))
        cur = out
        if not last:
            nodes.append(helper.make_node("Relu", [cur], [f"h{l}"], name=f"relu{l}"))
            cur = f"h{l}"
    d, K = len(layers[0][0][0]), len(layers[-1][0])
    graph = helper.make_graph(nodes, "relu_verify_network",
                              [helper.make_tensor_value_info("input", TensorProto.DOUBLE, ["N", d])],
                              [helper.make_tensor_value_info("output", TensorProto.DOUBLE, ["N", K])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="relu-verify")
    onnx.checker.check_model(model)
    if path is not None:
        from ..files import write_atomic_bytes

        write_atomic_bytes(Path(path), model.SerializeToString())
    return model
