"""PyTorch modules and state dicts, and state-dict-like files (``.npz``, ``.safetensors``), exactly.

torch is never required: it is imported only when a PyTorch object or file is read, and its
absence is a one-line `InputError` naming the extra ``relu-verify[torch]``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InputError
from .layers import Chain, matrix, optional_import, vector

def _torch():
    return optional_import("torch", "torch", "reading PyTorch models")


def tensor_array(t, where: str):
    """A numpy array holding exactly the values of ``t`` (a torch tensor, or anything array-like,
    returned as is): float16/32/64 and integer tensors keep their dtype, bfloat16 (and float8)
    become float32 (which holds them exactly); complex, quantized and sparse tensors are refused."""
    if not hasattr(t, "detach"):
        return t
    torch = _torch()
    if getattr(t, "is_quantized", False) or getattr(t, "is_sparse", False) or t.layout != torch.strided:
        raise InputError("quantized or sparse tensors are not supported", where)
    t = t.detach().cpu()
    if t.is_complex() or t.dtype == torch.bool:
        raise InputError(f"expected a real tensor, got dtype {t.dtype}", where)
    if t.is_floating_point() and t.dtype not in (torch.float16, torch.float32, torch.float64):
        t = t.to(torch.float32)  # bfloat16 and the float8 formats are subsets of float32: exact
    return t.numpy()


def _linear(chain: Chain, weight, bias, name: str):
    W = matrix(tensor_array(weight, f"{name}.weight"), f"{name}.weight")
    b = None if bias is None else vector(tensor_array(bias, f"{name}.bias"), f"{name}.bias", len(W))
    chain.linear(W, b, name)


def _modules(module, prefix: str):
    """The leaf layers of nested ``nn.Sequential`` containers, with their names (``model[2]``),
    repeats included (``named_children`` would skip a layer object used twice).  Only the library's
    own classes are read, and none with hooks: a subclass with its own ``forward``, or a forward
    hook, computes something the weights alone do not say — an `InputError`, never a guess."""
    torch = _torch()
    nn = torch.nn
    hooks = [h for h in ("_forward_hooks", "_forward_pre_hooks") if getattr(module, h, None)]
    if hooks or (type(module) is not nn.Sequential and isinstance(module, nn.Sequential)):
        why = "has forward hooks" if hooks else f"is a subclass of Sequential ({type(module).__name__})"
        raise InputError(f"{prefix} {why}: what it computes is not given by its layers", prefix)
    if type(module) is nn.Sequential:
        for key, sub in module._modules.items():
            if sub is not None:
                yield from _modules(sub, f"{prefix}[{key}]")
    else:
        yield prefix, module


_LIBRARY_LAYERS = ("Linear", "ReLU", "Identity", "Flatten", "Dropout")


def _global_hooks(torch) -> bool:
    """Whether global module hooks are registered (they would change every layer's output)."""
    m = torch.nn.modules.module
    return any(getattr(m, name, None) for name in ("_global_forward_hooks", "_global_forward_pre_hooks"))


def from_torch(module, widths=None, where: str = "model"):
    """The ReLU network of a PyTorch model, exactly (weights in their own dtype: a float32 weight
    is its exact float32 value).

    ``module``: an ``nn.Sequential`` (nested ones are flattened) of ``Linear`` and ``ReLU`` layers in
    the order (Linear → ReLU)* → Linear, where ``Identity``, ``Flatten`` and -- in eval mode --
    ``Dropout`` are no-ops; or a single ``nn.Linear``; or a ``state_dict`` (any mapping of names to
    tensors or numpy arrays) of consecutive Linear layers: keys ``PREFIX.weight`` (out, in) and
    optional ``PREFIX.bias``, layers in the mapping's order, **a ReLU assumed between consecutive
    layers** (a state dict does not record activations).  ``widths`` (optional) is checked against
    the layers read, e.g. ``[784, 128, 10]``.

    Returns a `Network` or a layered `DagNetwork` by the rule of `verify.interop.layers`.  An
    unsupported layer, a Dropout in training mode or a key that is not a Linear layer's is an
    `InputError` naming it."""
    if hasattr(module, "keys") and hasattr(module, "__getitem__") and not hasattr(module, "forward"):
        net = from_state_dict(module, where)
    else:
        torch = _torch()
        if not isinstance(module, torch.nn.Module):
            raise InputError(f"expected a torch.nn.Module or a state_dict, got {type(module).__name__}", where)
        if _global_hooks(torch):
            raise InputError("global forward hooks are registered (torch.nn.modules.module): the model's "
                             "outputs are not given by its layers alone", where)
        chain = Chain(where)
        for name, layer in _modules(module, where):
            kind = type(layer).__name__
            label = f"{name} ({kind})"
            base = next((c for c in _LIBRARY_LAYERS if isinstance(layer, getattr(torch.nn, c))), None)
            if base is not None and type(layer) is not getattr(torch.nn, base):
                raise InputError(f"{label}: a subclass of torch.nn.{base}; its forward may differ from the "
                                 "library's, so it is not read", where)
            if layer._forward_hooks or layer._forward_pre_hooks:
                raise InputError(f"{label}: has forward hooks; what it computes is not given by its weights", where)
            if isinstance(layer, torch.nn.Linear):
                _linear(chain, layer.weight, layer.bias, label)
            elif isinstance(layer, torch.nn.ReLU):
                chain.relu(label)
            elif isinstance(layer, torch.nn.Identity):
                pass
            elif isinstance(layer, torch.nn.Flatten):
                if (layer.start_dim, layer.end_dim) not in ((1, -1),):
                    raise InputError(f"{label}: only Flatten(start_dim=1, end_dim=-1) is supported", where)
            elif isinstance(layer, torch.nn.Dropout):
                if layer.training:
                    raise InputError(f"{label}: dropout in training mode is random; call model.eval() first", where)
            else:
                raise InputError(f"{label}: unsupported layer; relu-verify reads Sequential chains of Linear and "
                                 "ReLU (Identity, Flatten, Dropout in eval mode as no-ops)", where)
        net = chain.network()
    if widths is not None and list(net.widths) != [int(n) for n in widths]:
        raise InputError(f"the layers read have widths {list(net.widths)}, not {list(widths)}", where)
    return net


def from_state_dict(state, where: str = "state_dict"):
    """The network of a mapping ``{"PREFIX.weight": (out, in), "PREFIX.bias": (out,), ...}`` of
    consecutive Linear layers in the mapping's order, with a ReLU between consecutive layers
    (see `from_torch`).  Values are torch tensors or numpy arrays."""
    groups: dict[str, dict] = {}
    for key in state.keys():
        if not isinstance(key, str) or "." not in key and key not in ("weight", "bias"):
            raise InputError(f"key {key!r} is not PREFIX.weight or PREFIX.bias of a Linear layer", where)
        prefix, _, leaf = key.rpartition(".")
        if leaf not in ("weight", "bias"):
            raise InputError(f"key {key!r} is not the weight or bias of a Linear layer (only Linear layers are "
                             "supported)", where)
        groups.setdefault(prefix, {})[leaf] = state[key]
    if not groups:
        raise InputError("no layers (an empty state_dict)", where)
    chain = Chain(where)
    for k, (prefix, parts) in enumerate(groups.items()):
        label = f"{prefix or 'layer'}"
        if "weight" not in parts:
            raise InputError(f"{label}.bias has no {label}.weight", where)
        if k:
            chain.relu(f"{label} (the ReLU before it)")
        w = tensor_array(parts["weight"], f"{where} {label}.weight")
        b = parts.get("bias")
        b = None if b is None else tensor_array(b, f"{where} {label}.bias")
        chain.linear(matrix(w, f"{where} {label}.weight"),
                     None if b is None else vector(b, f"{where} {label}.bias", len(w)), label)
    return chain.network()


def _natural(key: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key)]


def load_npz(path, where: str | None = None):
    """The network of an ``.npz`` file with arrays ``W0, b0, W1, b1, …`` (``W{l}`` of shape
    (out, in) as PyTorch's ``Linear.weight``, ``b{l}`` of shape (out,), each ``b{l}`` optional: zero),
    a ReLU between consecutive layers.  No pickled objects are loaded."""
    import numpy as np

    name = where or str(path)
    try:
        with np.load(str(path), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except Exception as e:  # noqa: BLE001  (OSError, ValueError, zipfile.BadZipFile, EOFError, ...)
        raise InputError(f"not a readable .npz file ({type(e).__name__}: {str(e)[:160]})", name) from None
    bad = sorted(k for k in arrays if not re.fullmatch(r"[Wb](0|[1-9]\d*)", k))
    if bad:
        raise InputError(f"unexpected array(s) {bad}: an .npz network holds W0, b0, W1, b1, ... only", name)
    L = sum(1 for k in arrays if k.startswith("W"))
    missing = [f"W{l}" for l in range(L) if f"W{l}" not in arrays]
    if not L or missing:
        raise InputError(f"missing weight array(s) {missing or ['W0']} (expected W0, ..., W{max(L - 1, 0)})", name)
    stray = [k for k in arrays if k.startswith("b") and int(k[1:]) >= L]
    if stray:
        raise InputError(f"bias array(s) {stray} without a weight array", name)
    from .layers import from_numpy

    return from_numpy([arrays[f"W{l}"] for l in range(L)], [arrays.get(f"b{l}") for l in range(L)],
                      names=("W{}", "b{}"), where=name)


_ST_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
              "U8": "u1", "BF16": "bf16"}


def read_safetensors(path, where: str | None = None) -> dict:
    """The tensors of a ``.safetensors`` file as numpy arrays in the file's key order, read by the
    format's specification (8-byte little-endian header length, a JSON header of ``{name: {dtype,
    shape, data_offsets}}``, the little-endian row-major data) without the safetensors package.
    BF16 becomes float32 exactly."""
    import numpy as np

    name = where or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", name) from None
    if len(raw) < 8:
        raise InputError("not a safetensors file (too short)", name)
    n = int.from_bytes(raw[:8], "little")
    if n > len(raw) - 8:
        raise InputError("not a safetensors file (bad header length)", name)
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError("not a safetensors file (bad header)", name) from None
    if not isinstance(header, dict):
        raise InputError("not a safetensors file (bad header)", name)
    data = raw[8 + n:]
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        try:
            dtype, shape, (lo, hi) = info["dtype"], [int(s) for s in info["shape"]], info["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise InputError(f"tensor {key!r}: malformed header entry", name) from None
        if dtype not in _ST_DTYPES:
            raise InputError(f"tensor {key!r}: dtype {dtype} is not supported", name)
        count = int(np.prod(shape)) if shape else 1
        size = 2 if dtype == "BF16" else np.dtype(_ST_DTYPES[dtype]).itemsize
        if not (0 <= lo <= hi <= len(data)) or hi - lo != count * size:
            raise InputError(f"tensor {key!r}: data offsets do not match its shape and dtype", name)
        if dtype == "BF16":
            bits = np.frombuffer(data[lo:hi], dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)  # exact: bfloat16 is the top half of a float32
        else:
            arr = np.frombuffer(data[lo:hi], dtype=_ST_DTYPES[dtype])
        out[key] = arr.reshape(shape)
    return out


def load_safetensors(path, where: str | None = None):
    """The network of a ``.safetensors`` file of Linear layers (keys ``PREFIX.weight``,
    ``PREFIX.bias``), layers in the natural order of their prefixes (``0, 2, 10`` or ``fc1, fc2``),
    a ReLU between consecutive layers (see `from_state_dict`)."""
    tensors = read_safetensors(path, where)
    order = sorted(tensors, key=lambda k: (_natural(k.rpartition(".")[0]), k))
    return from_state_dict({k: tensors[k] for k in order}, where or str(path))


def load_torch_file(path, where: str | None = None):
    """The network of a ``.pt``/``.pth`` file holding a state_dict (or ``{"state_dict": ...}``), read
    by `from_state_dict`.  It is loaded with ``torch.load(weights_only=True)``: tensors only, no
    code; a pickled whole module is refused (loading it would run code) -- save its state_dict."""
    torch = _torch()
    name = where or str(path)
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001  (torch raises many kinds of error for a bad file)
        raise InputError(f"not a loadable state_dict ({type(e).__name__}: {(str(e).splitlines() or [''])[0][:160]})",
                         name) from None
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict):
        raise InputError(f"expected a state_dict, got {type(obj).__name__}", name)
    return from_state_dict(obj, name)
