"""Layered ReLU networks from weight matrices, exactly: `from_numpy` and the builder the ONNX,
PyTorch and file readers share.

Conventions (every reader of `verify.interop`):

* ``weights[l]`` has shape ``(out, in)`` as PyTorch's ``Linear.weight``: entry ``[j][i]`` joins
  input i of layer l to its output j; ``biases[l]`` has shape ``(out,)``.  The network is
  x ↦ A_L ∘ ReLU ∘ A_{L-1} ∘ … ∘ ReLU ∘ A_1 (x) with A_l(h) = weights[l] h + biases[l]: a ReLU between
  consecutive layers, none after the last.
* Every entry becomes the exact number it denotes (`verify.numbers.parse_array`): float16/32/64
  values their exact binary rational (float32 0.1 is 13421773/134217728), integers themselves;
  NaN and infinities are an `InputError` naming the entry.
* The result is a `verify.nets.Network` (the papers' flat θ: per layer the weight matrix row-major
  (out, in), then its bias; biases absent are 0) when the last layer has one output and there is at
  least one hidden layer -- what the cjrr21, beg19 and ejrw22 claims take -- and otherwise a layered
  `verify.dag.DagNetwork` (`DagNetwork.mlp`, whose matrices are the transposes, (in, out)), with
  bias edges when any layer has a bias (absent ones 0) and none when no layer has one.
"""

from __future__ import annotations

from ..dag import DagNetwork
from ..errors import InputError
from ..nets import Network
from ..numbers import parse_array


class Chain:
    """The layers of a network read in order: `linear` (weight (out, in) and bias (out,) as exact
    number lists), `add_bias`, `relu`; `network` checks the order (linear → relu)* → linear and
    builds the network.  ``where`` prefixes every error (the model's name)."""

    def __init__(self, where: str):
        self.where = where
        self.layers: list[list] = []  # [out, in, W rows, b or None, name]
        self.open = False  # the last step was a linear layer (a ReLU or a bias may follow)
        self.last_name = None

    def error(self, message: str, name: str | None):
        return InputError(f"{name}: {message}" if name else message, self.where)

    def linear(self, W: list[list], b, name: str):
        out, n_in = len(W), len(W[0])
        if self.open:
            raise self.error("two linear layers without a ReLU between them (the network must be input → "
                             "(linear → ReLU)* → linear → output)", name)
        if self.layers and self.layers[-1][0] != n_in:
            raise self.error(f"takes {n_in} inputs but the previous layer has {self.layers[-1][0]} outputs", name)
        self.layers.append([out, n_in, W, b, name])
        self.open, self.last_name = True, name

    def add_bias(self, b: list, name: str):
        if not self.open:
            raise self.error("a bias must follow a linear layer directly", name)
        layer = self.layers[-1]
        if len(b) == 1 and layer[0] != 1:
            b = b * layer[0]
        if len(b) != layer[0]:
            raise self.error(f"adds {len(b)} biases to a layer of {layer[0]} outputs", name)
        layer[3] = b if layer[3] is None else [x + y for x, y in zip(layer[3], b)]
        self.last_name = name

    def relu(self, name: str):
        if not self.open:
            what = "the input" if not self.layers else "another ReLU"
            raise self.error(f"a ReLU must follow a linear layer, here it follows {what} (the network must be "
                             "input → (linear → ReLU)* → linear → output)", name)
        self.open, self.last_name = False, name

    def network(self):
        if not self.layers:
            raise self.error("no linear layer", None)
        if not self.open:
            raise self.error("the output comes from a ReLU: the last layer must be linear (input → (linear → "
                             "ReLU)* → linear → output)", self.last_name)
        return build([(L[2], L[3]) for L in self.layers])


def build(layers):
    """The network of exact ``layers`` = [(W rows (out, in), b list or None)] (module docstring's
    rule: a `Network` when the output width is 1 and there is a hidden layer, else `DagNetwork.mlp`)."""
    widths = [len(layers[0][0][0])] + [len(W) for W, _ in layers]
    if widths[-1] == 1 and len(widths) >= 3:
        theta = []
        for W, b in layers:
            theta += [x for row in W for x in row]
            theta += b if b is not None else [0] * len(W)
        return Network(tuple(widths), tuple(_q(x) for x in theta))
    Ws = [[[W[j][i] for j in range(len(W))] for i in range(len(W[0]))] for W, _ in layers]
    if all(b is None for _, b in layers):
        return DagNetwork.mlp(widths, Ws)
    return DagNetwork.mlp(widths, Ws, [b if b is not None else [_q(0)] * len(W) for W, b in layers])


def _q(x):
    from flint import fmpq

    return fmpq(x) if isinstance(x, int) else x


def matrix(value, where: str, shape: tuple | None = None) -> list[list]:
    """A 2-D array (out, in) as exact rows; ``shape`` (if given) is required."""
    sh, flat = parse_array(value, where, 2)
    if 0 in sh:
        raise InputError(f"empty weight matrix of shape {sh}", where)
    if shape is not None and sh != shape:
        raise InputError(f"expected shape {shape}, got {sh}", where)
    return [flat[r * sh[1]:(r + 1) * sh[1]] for r in range(sh[0])]


def vector(value, where: str, n: int) -> list:
    """A bias vector of length ``n`` (shape (n,)), exactly."""
    sh, flat = parse_array(value, where)
    if sh != (n,):
        raise InputError(f"expected shape ({n},), got {sh}", where)
    return flat


def from_numpy(weights, biases=None, *, names=("weights[{}]", "biases[{}]"), where=None):
    """The ReLU network with layer matrices ``weights[l]`` of shape (out, in) -- PyTorch's
    ``Linear.weight`` orientation -- and bias vectors ``biases[l]`` of shape (out,) (``biases`` None,
    or one entry None: zero biases), a ReLU between consecutive layers and none after the last.

    Entries may be numpy arrays of any real dtype or nested lists of numbers (`fmpq`, `Fraction`,
    strings as in instance files, floats, ints); every entry becomes the exact number it denotes
    (a float32 weight its exact binary value, never a rounded decimal).  Returns a `Network` (flat
    θ in the papers' layout) when the last layer has one output and there is a hidden layer, else a
    layered `DagNetwork` (see the module docstring).  NaN or infinite entries, wrong shapes and
    layers that do not chain are one-line `InputError` naming the entry (``weights[1][2][0]``) or
    the layer (``weights[1]``).  (``names`` and ``where``: how the file readers name the arrays.)"""
    wn, bn = names
    pre = f"{where}: " if where else ""
    if isinstance(weights, (str, bytes, dict)) or not hasattr(weights, "__len__") or len(weights) == 0:
        raise InputError("expected a non-empty list of weight matrices of shape (out, in)", where or "weights")
    if biases is not None and (isinstance(biases, (str, bytes, dict)) or not hasattr(biases, "__len__")
                               or len(biases) != len(weights)):
        raise InputError(f"expected None or a list of {len(weights)} bias vectors (one per layer, None for zero)",
                         where or "biases")
    layers = []
    for l, Wv in enumerate(weights):
        W = matrix(Wv, pre + wn.format(l))
        if layers and len(W[0]) != len(layers[-1][0]):
            raise InputError(f"shape ({len(W)}, {len(W[0])}) takes {len(W[0])} inputs but {wn.format(l - 1)} has "
                             f"{len(layers[-1][0])} outputs (orientation (out, in), as PyTorch's Linear.weight)",
                             pre + wn.format(l))
        b = None
        if biases is not None and biases[l] is not None:
            b = vector(biases[l], pre + bn.format(l), len(W))
        layers.append((W, b))
    return build(layers)


def optional_import(module: str, extra: str, purpose: str):
    """The optional dependency ``module``, or a one-line `InputError` saying which extra of
    relu-verify installs it (the core install never needs it)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"{purpose} needs the {module.split('.')[0]} package; install the extra: "
                         f"python3 -m pip install 'relu-verify[{extra}]'", extra) from None
