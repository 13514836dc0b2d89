"""ReLU networks as directed acyclic graphs with several outputs (layer 2; gsgd19 §2).

A `DagNetwork` is the graph (𝒪, E) of the G-SGD paper: nodes in topological order labelled input /
hidden / output, weighted edges a → b with a < b, and optional biases, each an edge from a constant-1
source node into a hidden or output node.  A layered MLP with widths ``[d, h_1, …, h_{L-1}, K]`` is
the special case built by `DagNetwork.mlp`, with the conventions of the specification:

* node (l, j) has index Σ_{l'<l} h_{l'} + j (inputs first, outputs last);
* w^l(i, j) joins O^{l-1}_i to O^l_j and is stored ``W[l-1][i][j]`` ("(in, out)"; PyTorch stores
  ``weight_l[j, i]``); its flat index is idx(l, i, j) = Σ_{l'<l} h_{l'-1}h_{l'} + i·h_l + j;
* hidden node (l, j) has scaling index Σ_{1≤l'<l} h_{l'} + j;
* bias b^l(j) is bias edge number Σ_{1≤l'<l} h_{l'} + j (all layers 1..L carry biases or none).

The realization is o_i = x_i on inputs, o_j = ReLU(Σ_{a→j} w_{a→j} o_a [+ b_j]) on hidden nodes and
N^k(x) = Σ_{a→k} w_{a→k} o_a [+ b_k] on outputs.  One piece of code serves every number system:
`forward` and `gradient` use only + − × and a certified sign test, so they run on `fmpq` (exact),
on `arb` (balls; an undecided ReLU raises `Undecided`) and on Python floats.

The flat parameter vector is θ = (w_1, …, w_m, b_1, …, b_{n_b}): weights in edge order, then biases.

Numbers from Python: `DagNetwork.mlp` takes numpy arrays (or nested lists) of weights and biases
and makes every numpy scalar, `Fraction` or `Decimal` the exact rational it denotes
(`verify.numbers.exact_entries`), and Python floats too unless every entry is a Python float (then
the network is in the float system).  The plain constructor converts numpy values, `Fraction`
and `Decimal` exactly but keeps Python floats: the float system of the float pipelines (`scale`,
`with_theta`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Sequence

from .errors import InputError
from .numbers import Undecided, exact_entries, parse_number, sign as _certified_sign, to_json

KINDS = ("input", "hidden", "output")


def sign(z) -> int | None:
    """Certified sign of an exact number or ball; plain comparison for Python floats (the float
    system is for screening and plots only, never for a verdict)."""
    if isinstance(z, float):
        return (z > 0) - (z < 0)
    return _certified_sign(z)

ACTIVATIONS = ("relu", "relu6")


@dataclass(frozen=True)
class DagNetwork:
    """A ReLU network on a DAG; see the module docstring for the conventions."""

    kinds: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    weights: tuple
    bias_nodes: tuple[int, ...] = ()
    biases: tuple = ()
    widths: tuple[int, ...] | None = None  # set for layered MLPs
    activation: str = "relu"

    def __post_init__(self):
        where = "network"
        object.__setattr__(self, "weights", exact_entries(self.weights, f"{where}.weights", floats=False))
        object.__setattr__(self, "biases", exact_entries(self.biases, f"{where}.biases", floats=False))
        if self.widths is not None and any(not isinstance(n, int) for n in self.widths):  # numpy integers
            object.__setattr__(self, "widths", tuple(int(n) if not isinstance(n, (bool, float)) else n
                                                     for n in self.widths))
        if any(k not in KINDS for k in self.kinds):
            raise InputError(f"node kinds must be among {KINDS}", f"{where}.nodes")
        if "input" not in self.kinds or "output" not in self.kinds:
            raise InputError("a network needs at least one input and one output node", f"{where}.nodes")
        n = len(self.kinds)
        for k, (a, b) in enumerate(self.edges):
            if not (0 <= a < b < n):
                raise InputError(f"edge {k} = ({a}, {b}) must join node a to a later node b (0 <= a < b < {n}): "
                                 "nodes are listed in topological order", f"{where}.edges[{k}]")
            if self.kinds[b] == "input":
                raise InputError(f"edge {k} enters input node {b}", f"{where}.edges[{k}]")
            if self.kinds[a] == "output":
                raise InputError(f"edge {k} leaves output node {a} (outputs are linear sinks)", f"{where}.edges[{k}]")
        if len(set(self.edges)) != len(self.edges):
            raise InputError("repeated edge (a, b)", f"{where}.edges")
        if len(self.weights) != len(self.edges):
            raise InputError(f"{len(self.weights)} weights for {len(self.edges)} edges", f"{where}.weights")
        if len(self.biases) != len(self.bias_nodes) or len(set(self.bias_nodes)) != len(self.bias_nodes):
            raise InputError("one bias per node, each node at most once", f"{where}.biases")
        for j in self.bias_nodes:
            if not (0 <= j < n) or self.kinds[j] == "input":
                raise InputError(f"a bias enters hidden or output nodes only, not node {j}", f"{where}.biases")
        if self.activation not in ACTIVATIONS:
            raise InputError(f"activation must be one of {ACTIVATIONS}", f"{where}.activation")
        if self.widths is not None:
            self._check_layered(where)

    def _check_layered(self, where: str):
        """``widths`` promises the layout of `mlp` (node and edge order, see the module doc):
        `matrices`, `edge_index` and the JSON kind "mlp" rely on it, so it is checked here."""
        widths = tuple(self.widths)
        check_mlp_widths(widths, f"{where}.widths")
        m = sum(widths[l - 1] * widths[l] for l in range(1, len(widths)))
        if len(self.kinds) != sum(widths) or len(self.edges) != m:
            raise InputError(f"{len(self.kinds)} nodes and {len(self.edges)} edges do not match widths {list(widths)}",
                             f"{where}.widths")
        kinds, edges = _mlp_layout(widths)
        if self.kinds != kinds or (self.edges is not edges and self.edges != edges):
            raise InputError(f"nodes and edges are not the layered layout of widths {list(widths)}", f"{where}.widths")

    # ---- constructors ------------------------------------------------------------------------
    @classmethod
    def mlp(cls, widths: Sequence[int], W, b=None, activation: str = "relu") -> "DagNetwork":
        """The layered MLP with weight matrices ``W[l-1][i][j]`` = w^l(i, j) ("(in, out)", the
        transpose of PyTorch's ``Linear.weight``) and, if given, bias vectors ``b[l-1][j]`` = b^l(j)
        for l = 1..L.  ``W`` and ``b`` may be lists of numpy arrays: numpy scalars, `Fraction` and
        `Decimal` entries become the exact rationals they denote, and so do Python floats mixed with
        exact numbers; when every entry is a Python float the network stays in the float system
        (screening and float pipelines, never a verdict).  Numpy integer widths become ints."""
        widths = tuple(int(n) if not isinstance(n, (bool, float)) else n for n in widths)
        check_mlp_widths(widths)
        L = len(widths) - 1
        if type(W).__name__ == "ndarray":  # one 3-D numpy array of equal-shape layers
            W = list(W)
        if not isinstance(W, (list, tuple)) or len(W) != L:
            raise InputError(f"{len(W) if isinstance(W, (list, tuple)) else 'no'} weight matrices for widths "
                             f"{list(widths)} (need {L})", "network.W")
        raw_w = []
        for l in range(1, L + 1):
            Wl = W[l - 1]
            if len(Wl) != widths[l - 1] or any(len(row) != widths[l] for row in Wl):
                raise InputError(f"W[{l - 1}] must be {widths[l - 1]} x {widths[l]} (in, out)", f"network.W[{l - 1}]")
            raw_w.append([Wl[i][j] for i in range(widths[l - 1]) for j in range(widths[l])])
        raw_b = None
        if b is not None:
            if len(b) != L or any(len(b[l - 1]) != widths[l] for l in range(1, L + 1)):
                raise InputError(f"b must hold one vector of length h_l per layer l = 1..{L}", "network.b")
            raw_b = [[b[l - 1][j] for j in range(widths[l])] for l in range(1, L + 1)]
        # all entries Python floats: the float system (e.g. yoneda23's float D0 network), kept as is
        floats = not all(type(x) is float for layer in raw_w + (raw_b or []) for x in layer)
        weights = []
        for l, row in enumerate(raw_w, start=1):
            n = widths[l]
            weights += exact_entries(row, "network.W", floats,
                                     name=lambda k, l=l, n=n: f"network.W[{l - 1}][{k // n}][{k % n}]")
        bias_nodes, biases = (), ()
        if raw_b is not None:
            bias_nodes = _mlp_bias_nodes(widths)
            biases = tuple(x for l, row in enumerate(raw_b, start=1) for x in exact_entries(
                row, "network.b", floats, name=lambda j, l=l: f"network.b[{l - 1}][{j}]"))
        kinds, edges = _mlp_layout(tuple(widths))
        return cls(kinds, edges, tuple(weights), bias_nodes, biases, widths, activation)

    def with_theta(self, theta) -> "DagNetwork":
        theta = tuple(theta)
        if len(theta) != self.m + self.n_b:
            raise InputError(f"θ has {len(theta)} entries, the network needs {self.m + self.n_b}", "network")
        return DagNetwork(self.kinds, self.edges, theta[:self.m], self.bias_nodes, theta[self.m:],
                          self.widths, self.activation)

    def with_activation(self, activation: str) -> "DagNetwork":
        return DagNetwork(self.kinds, self.edges, self.weights, self.bias_nodes, self.biases, self.widths, activation)

    # ---- shape -------------------------------------------------------------------------------
    @property
    def theta(self) -> tuple:
        return tuple(self.weights) + tuple(self.biases)

    @property
    def m(self) -> int:
        return len(self.edges)

    @property
    def n_b(self) -> int:
        return len(self.bias_nodes)

    @cached_property
    def inputs(self) -> tuple[int, ...]:
        return tuple(i for i, k in enumerate(self.kinds) if k == "input")

    @cached_property
    def outputs(self) -> tuple[int, ...]:
        return tuple(i for i, k in enumerate(self.kinds) if k == "output")

    @cached_property
    def hidden(self) -> tuple[int, ...]:
        """Hidden nodes in topological order; position = scaling index."""
        return tuple(i for i, k in enumerate(self.kinds) if k == "hidden")

    @property
    def d(self) -> int:
        return len(self.inputs)

    @property
    def K(self) -> int:
        return len(self.outputs)

    @property
    def H(self) -> int:
        return len(self.hidden)

    @property
    def L(self) -> int | None:
        """Number of weight layers of a layered MLP (None for a general DAG)."""
        return None if self.widths is None else len(self.widths) - 1

    @cached_property
    def in_edges(self) -> tuple[tuple[int, ...], ...]:
        out = [[] for _ in self.kinds]
        for e, (_, b) in enumerate(self.edges):
            out[b].append(e)
        return tuple(map(tuple, out))

    @cached_property
    def out_edges(self) -> tuple[tuple[int, ...], ...]:
        out = [[] for _ in self.kinds]
        for e, (a, _) in enumerate(self.edges):
            out[a].append(e)
        return tuple(map(tuple, out))

    @cached_property
    def bias_of(self) -> dict[int, int]:
        """node → position of its bias in ``biases``."""
        return {j: k for k, j in enumerate(self.bias_nodes)}

    def edge_index(self, l: int, i: int, j: int) -> int:
        """idx(l, i, j) = Σ_{l'<l} h_{l'-1}h_{l'} + i·h_l + j (layered MLPs only)."""
        h = self._need_layers()
        if not (1 <= l < len(h) and 0 <= i < h[l - 1] and 0 <= j < h[l]):
            raise IndexError(f"no weight w^{l}({i}, {j}) in widths {list(h)}")
        return sum(h[k - 1] * h[k] for k in range(1, l)) + i * h[l] + j

    def node(self, l: int, j: int) -> int:
        h = self._need_layers()
        return sum(h[:l]) + j

    def layer_of(self, node: int) -> int:
        h = self._need_layers()
        acc = 0
        for l, w in enumerate(h):
            if node < acc + w:
                return l
            acc += w
        raise IndexError(node)

    def matrices(self) -> list[list[list]]:
        """``W[l-1][i][j]`` of a layered MLP."""
        h = self._need_layers()
        out, k = [], 0
        for l in range(1, len(h)):
            out.append([list(self.weights[k + i * h[l]:k + (i + 1) * h[l]]) for i in range(h[l - 1])])
            k += h[l - 1] * h[l]
        return out

    def _need_layers(self) -> tuple[int, ...]:
        if self.widths is None:
            raise InputError("this needs a layered MLP (network kind 'mlp'), not a general DAG", "network")
        return self.widths

    # ---- realization and gradient --------------------------------------------------------------
    def _act(self, z):
        s = sign(z)
        if s is None:
            raise Undecided("a pre-activation ball contains 0")
        if s <= 0:
            return 0 * z
        if self.activation == "relu6":
            s6 = sign(z - 6)
            if s6 is None:
                raise Undecided("a pre-activation ball contains 6")
            if s6 > 0:
                return 0 * z + 6
        return z

    def forward(self, x: Sequence) -> tuple[list, list, list]:
        """(outputs N^1..N^K, node values o, pre-activations z) at the input ``x``; on input
        nodes z = o = x."""
        if len(x) != self.d:
            raise InputError(f"input has {len(x)} coordinates, the network takes {self.d}", "x")
        n = len(self.kinds)
        o, z = [None] * n, [None] * n
        for k, i in enumerate(self.inputs):
            o[i] = z[i] = x[k]
        for j in range(n):
            if self.kinds[j] == "input":
                continue
            acc = 0 * x[0] if x else 0
            if j in self.bias_of:
                acc = acc + self.biases[self.bias_of[j]]
            for e in self.in_edges[j]:
                acc = acc + self.weights[e] * o[self.edges[e][0]]
            z[j] = acc
            o[j] = self._act(acc) if self.kinds[j] == "hidden" else acc
        return [o[k] for k in self.outputs], o, z

    def __call__(self, x: Sequence) -> list:
        return self.forward(x)[0]

    def active(self, z) -> bool:
        """𝕀(z > 0), strictly (and z < 6 on the linear part of ReLU6); certified."""
        s = sign(z)
        if s is None:
            raise Undecided("a pre-activation ball contains 0")
        return s > 0

    def gradient(self, data, relu_prime0=0, risk: str = "sum"):
        """(L, ∂L/∂θ) for L = Σ_{(x,y)∈D} ½‖N(x) − y‖² (``risk="mean"``: divided by |D|), by
        backpropagation with ReLU′(0) := ``relu_prime0`` (0 is PyTorch's convention); θ = weights
        then biases."""
        if risk not in ("sum", "mean"):
            raise InputError("risk must be 'sum' or 'mean'", "params.risk")
        if not data:
            raise InputError("the data set is empty", "params.data")
        n = len(self.kinds)
        total = 0
        g = [0] * (self.m + self.n_b)
        for x, y in data:
            if len(y) != self.K:
                raise InputError(f"a label has {len(y)} entries, the network has {self.K} outputs", "params.data")
            out, o, z = self.forward(x)
            delta = [0] * n
            for k, node in enumerate(self.outputs):
                r = out[k] - y[k]
                total = total + r * r / 2
                delta[node] = r
            for j in range(n - 1, -1, -1):
                kind = self.kinds[j]
                if kind == "input":
                    continue
                if kind == "hidden":
                    back = 0
                    for e in self.out_edges[j]:
                        back = back + self.weights[e] * delta[self.edges[e][1]]
                    delta[j] = back * self._act_prime(z[j], relu_prime0)
                for e in self.in_edges[j]:
                    g[e] = g[e] + delta[j] * o[self.edges[e][0]]
                if j in self.bias_of:
                    k = self.m + self.bias_of[j]
                    g[k] = g[k] + delta[j]
        if risk == "mean":
            total = total / len(data)
            g = [gi / len(data) for gi in g]
        return total, g

    def _act_prime(self, z, relu_prime0):
        s = sign(z)
        if s is None:
            raise Undecided("a pre-activation ball contains 0")
        if s < 0:
            return 0
        if s == 0:
            return relu_prime0
        if self.activation == "relu6":
            s6 = sign(z - 6)
            if s6 is None:
                raise Undecided("a pre-activation ball contains 6")
            return 1 if s6 < 0 else (0 if s6 > 0 else relu_prime0)
        return 1

    # ---- the scaling group 𝒢 ---------------------------------------------------------------------
    def scale(self, c: Sequence) -> "DagNetwork":
        """g_c(w): edge a → b becomes w·c_b/c_a (c = 1 on inputs and outputs), a bias into j
        becomes b·c_j.  ``c`` lists one factor per hidden node in scaling-index order; 𝒢 needs
        c_j > 0, which is the caller's hypothesis (a claim checks it), not enforced here."""
        if len(c) != self.H:
            raise InputError(f"{len(c)} scaling factors for {self.H} hidden nodes", "params.c")
        factor = {j: c[k] for k, j in enumerate(self.hidden)}
        w = []
        for e, (a, b) in enumerate(self.edges):
            v = self.weights[e]
            if b in factor:
                v = v * factor[b]
            if a in factor:
                v = v / factor[a]
            w.append(v)
        bs = [bv * factor[j] if j in factor else bv for j, bv in zip(self.bias_nodes, self.biases)]
        return DagNetwork(self.kinds, self.edges, tuple(w), self.bias_nodes, tuple(bs), self.widths, self.activation)

    # ---- JSON ----------------------------------------------------------------------------------
    def to_json(self) -> dict:
        """The JSON of the module doc; `from_json` of it rebuilds this network exactly (same
        nodes, edges, θ in the same order, widths and activation).  Kind "mlp" is written for a
        layered network whose biases are absent or exactly b^l(j) for every l, j in the layout
        order; any other layered network is written as kind "dag" with its ``widths``."""
        out: dict
        if self.widths is not None and self.bias_nodes in ((), _mlp_bias_nodes(self.widths)):
            out = {"kind": "mlp", "widths": list(self.widths), "W": to_json(self.matrices())}
            if self.n_b:
                h, k, b = self.widths, 0, []
                for l in range(1, len(h)):
                    b.append(to_json(list(self.biases[k:k + h[l]])))
                    k += h[l]
                out["b"] = b
        else:
            out = {"kind": "dag", "nodes": list(self.kinds),
                   "edges": [[a, b, to_json(w)] for (a, b), w in zip(self.edges, self.weights)]}
            if self.n_b:
                out["biases"] = [[j, to_json(v)] for j, v in zip(self.bias_nodes, self.biases)]
            if self.widths is not None:
                out["widths"] = list(self.widths)
        if self.activation != "relu":
            out["activation"] = self.activation
        return out

    @classmethod
    def from_json(cls, obj, where: str = "network") -> "DagNetwork":
        if not isinstance(obj, dict):
            raise InputError("expected an object", where)
        kind = obj.get("kind")
        activation = obj.get("activation", "relu")
        if activation not in ACTIVATIONS:
            raise InputError(f"activation must be one of {ACTIVATIONS}", f"{where}.activation")
        if kind == "mlp":
            _keys(obj, {"kind", "widths", "W", "b", "activation"}, where)
            widths = obj.get("widths")
            if not isinstance(widths, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in widths):
                raise InputError("widths must be a list of integers [d, h_1, ..., h_{L-1}, K]", f"{where}.widths")
            check_mlp_widths(widths, f"{where}.widths")
            W = _nested(obj.get("W"), 3, f"{where}.W")
            b = _nested(obj["b"], 2, f"{where}.b") if obj.get("b") is not None else None
            return cls.mlp(widths, W, b, activation)
        if kind == "dag":
            _keys(obj, {"kind", "nodes", "edges", "biases", "activation", "widths"}, where)
            widths = obj.get("widths")
            if widths is not None and (not isinstance(widths, list) or not all(
                    isinstance(n, int) and not isinstance(n, bool) for n in widths)):
                raise InputError("widths must be a list of integers [d, h_1, ..., h_{L-1}, K]", f"{where}.widths")
            nodes = obj.get("nodes")
            if not isinstance(nodes, list) or not all(k in KINDS for k in nodes):
                raise InputError(f"nodes must be a list of {KINDS} in topological order", f"{where}.nodes")
            edges, weights = [], []
            for key in ("edges", "biases"):
                if not isinstance(obj.get(key, []), list):
                    raise InputError(f"{key} must be a list", f"{where}.{key}")
            for k, e in enumerate(obj.get("edges", [])):
                if not (isinstance(e, list) and len(e) == 3
                        and all(isinstance(t, int) and not isinstance(t, bool) for t in e[:2])):
                    raise InputError("an edge is [a, b, weight] with node indices a < b", f"{where}.edges[{k}]")
                edges.append((e[0], e[1]))
                weights.append(parse_number(e[2], f"{where}.edges[{k}][2]"))
            bias_nodes, biases = [], []
            for k, e in enumerate(obj.get("biases", [])):
                if not (isinstance(e, list) and len(e) == 2 and isinstance(e[0], int) and not isinstance(e[0], bool)):
                    raise InputError("a bias is [node, value]", f"{where}.biases[{k}]")
                bias_nodes.append(e[0])
                biases.append(parse_number(e[1], f"{where}.biases[{k}][1]"))
            return cls(tuple(nodes), tuple(edges), tuple(weights), tuple(bias_nodes), tuple(biases),
                       None if widths is None else tuple(widths), activation)
        raise InputError(f"network kind must be 'mlp' or 'dag', got {kind!r}", f"{where}.kind")


@lru_cache(maxsize=16)
def _mlp_layout(widths: tuple[int, ...]) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """(node kinds, edges) of the layered MLP with these widths, in the module doc's order
    (cached: `mlp`, `with_theta` and `scale` share one edge tuple per widths)."""
    L = len(widths) - 1
    offs = [sum(widths[:l]) for l in range(L + 1)]
    kinds = ("input",) * widths[0] + ("hidden",) * sum(widths[1:-1]) + ("output",) * widths[-1]
    edges = tuple((offs[l - 1] + i, offs[l] + j) for l in range(1, L + 1)
                  for i in range(widths[l - 1]) for j in range(widths[l]))
    return kinds, edges


def _mlp_bias_nodes(widths) -> tuple[int, ...]:
    """The bias nodes of an MLP with every bias b^l(j), in bias-index order (every non-input node)."""
    return tuple(range(widths[0], sum(widths)))


def check_mlp_widths(widths, where: str = "network.widths"):
    if len(widths) < 2:
        raise InputError(f"widths {list(widths)} need at least [d, K]", where)
    if any(n < 1 for n in widths):
        raise InputError(f"widths {list(widths)} must all be >= 1", where)


def _keys(obj, known, where):
    extra = sorted(set(obj) - known)
    if extra:
        raise InputError(f"unknown key(s) {extra} (expected {sorted(known)})", where)


def _nested(value, depth: int, where: str):
    """Parse a depth-nested list of exact numbers."""
    if depth == 0:
        return parse_number(value, where)
    if not isinstance(value, list):
        raise InputError("expected a list", where)
    return [_nested(v, depth - 1, f"{where}[{k}]") for k, v in enumerate(value)]


def layered_data(data, d: int, K: int, where: str = "params.data") -> list[tuple[list, list]]:
    """Parse a finite data set ``[{"x": [...], "y": [...]}, ...]`` (or ``[[x, y], ...]``)."""
    if not isinstance(data, list) or not data:
        raise InputError("the data set must be a non-empty list of {\"x\": [...], \"y\": [...]}", where)
    out = []
    for k, item in enumerate(data):
        if isinstance(item, dict):
            x, y = item.get("x"), item.get("y")
        elif isinstance(item, list) and len(item) == 2:
            x, y = item
        else:
            raise InputError("a sample is {\"x\": [...], \"y\": [...]}", f"{where}[{k}]")
        if not isinstance(x, list) or len(x) != d:
            raise InputError(f"x must be a list of {d} numbers", f"{where}[{k}].x")
        if not isinstance(y, list) or len(y) != K:
            raise InputError(f"y must be a list of {K} numbers", f"{where}[{k}].y")
        out.append(([parse_number(v, f"{where}[{k}].x") for v in x], [parse_number(v, f"{where}[{k}].y") for v in y]))
    return out
