"""Your own network: import and export of trained ReLU networks, exactly (core; knows no paper).

* `from_numpy(weights, biases=None)` -- weight matrices (out, in) as PyTorch's ``Linear.weight``;
* `from_onnx(path_or_model)` -- ONNX chains of Gemm / MatMul + Add and Relu (opset ≥ 13);
* `from_torch(module_or_state_dict, widths=None)` -- ``nn.Sequential`` of Linear / ReLU, or a
  state_dict of consecutive Linear layers (torch imported lazily, never required);
* `to_onnx(net, path=None)` -- an ONNX model of a `Network` or layered `DagNetwork` (float64
  weights: the exact rationals rounded to nearest, for other tools, not a certificate);
* `load_model(path)` -- by suffix: ``.onnx``, ``.npz``, ``.safetensors``, ``.pt``/``.pth``.

Every weight becomes the exact rational it denotes (float32 0.1 is 13421773/134217728); nothing
is rounded on the way in.  The result is a `verify.nets.Network` (flat θ, the papers' layout) when
the network has one output and a hidden layer, else a layered `verify.dag.DagNetwork`
(`verify.interop.layers` states the conventions).

Importing this package registers the network kinds of instance files

    {"kind": "onnx", "path": "model.onnx"}          an ONNX model
    {"kind": "numpy", "path": "weights.npz"}        arrays W0, b0, W1, b1, ... ((out, in), (out,))
    {"kind": "safetensors", "path": "m.safetensors"} keys PREFIX.weight / PREFIX.bias of Linear layers

(``path`` relative to the instance file's folder, `verify.framework.instance_dir`): the network read
is used by every claim as if it were written inline; and the command ``relu-verify convert``
(`verify.interop.cli`).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..registry import NetworkKind, register_network_kind
from .layers import from_numpy
from .onnx_io import from_onnx, to_onnx
from .torch_io import from_state_dict, from_torch, load_npz, load_safetensors, load_torch_file

__all__ = ["from_numpy", "from_onnx", "from_torch", "from_state_dict", "to_onnx", "load_model", "SUFFIXES"]

SUFFIXES = {".onnx": from_onnx, ".npz": load_npz, ".safetensors": load_safetensors, ".pt": load_torch_file,
            ".pth": load_torch_file}


def load_model(path, where: str | None = None):
    """The network (`Network` or `DagNetwork`) of a model file, by its suffix (`SUFFIXES`);
    `InputError` for an unknown suffix or a file that is not such a model."""
    p = Path(path)
    reader = SUFFIXES.get(p.suffix.lower())
    if reader is None:
        raise InputError(f"unknown model file type {p.suffix or '(no suffix)'!r} (expected "
                         f"{', '.join(SUFFIXES)})", where or str(path))
    if not p.is_file():
        raise InputError("is a directory, expected a model file" if p.is_dir() else "no such file", where or str(path))
    return reader(p, where)


def _file_kind(kind: str, suffixes: tuple):
    def from_json(obj, where: str = "network"):
        from ..framework import instance_dir

        extra = sorted(set(obj) - {"kind", "path"})
        if extra:
            raise InputError(f"unknown key(s) {extra} (a {kind} network is {{\"kind\": \"{kind}\", \"path\": ...}})",
                             where)
        rel = obj.get("path")
        if not isinstance(rel, str) or not rel.strip():
            raise InputError(f"'path' must name a {'/'.join(suffixes)} file (relative to the instance's folder)",
                             f"{where}.path")
        p = Path(rel)
        if not p.is_absolute():
            p = instance_dir() / p
        if p.suffix.lower() not in suffixes:
            raise InputError(f"{rel!r} is not a {'/'.join(suffixes)} file", f"{where}.path")
        if not p.is_file():
            raise InputError(f"{rel!r}: no such file (looked for {p})", f"{where}.path")
        return SUFFIXES[p.suffix.lower()](p, f"{where}.path {rel!r}")
    from_json.__module__ = __name__
    from_json.__qualname__ = f"from_json_{kind}"
    return from_json


for _kind, _suffixes, _doc in (
        ("onnx", (".onnx",), "an ONNX model file: a chain of Gemm / MatMul + Add and Relu, read exactly "
                             "({\"kind\": \"onnx\", \"path\": \"model.onnx\"}, relative to the instance)"),
        ("numpy", (".npz",), "an .npz file of arrays W0, b0, W1, b1, ... (W of shape (out, in) as PyTorch's "
                             "Linear.weight), read exactly ({\"kind\": \"numpy\", \"path\": \"weights.npz\"})"),
        ("safetensors", (".safetensors",), "a .safetensors file of Linear layers (PREFIX.weight (out, in), "
                                           "PREFIX.bias), read exactly ({\"kind\": \"safetensors\", \"path\": ...})")):
    register_network_kind(NetworkKind(_kind, _file_kind(_kind, _suffixes), _doc))

from . import cli  # noqa: E402,F401  (registers `relu-verify convert`)
