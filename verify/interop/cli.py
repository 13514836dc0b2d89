"""``relu-verify convert MODEL --out net.json``: a model file as the exact network JSON of instance
files; ``relu-verify convert witness.json --out net.onnx``: the network of an instance (or network)
file as an ONNX model for other tools (float64, rounded); registered as a command of the CLI
(`verify.registry.register_command`)."""

from __future__ import annotations

import json
import sys

from ..registry import Command, register_command


def configure(sub, limits):
    pc = sub.add_parser("convert", parents=[limits],
                        help="write a model file (.onnx, .npz, .safetensors, .pt/.pth state_dict) as an exact network JSON")
    pc.add_argument("model", help="the model file: .onnx (Gemm/MatMul+Add/Relu chain), .npz (W0, b0, W1, ...: "
                                  "(out, in) as PyTorch), .safetensors or .pt/.pth (a state_dict of Linear layers, "
                                  "a ReLU between them; .pt needs torch)")
    pc.add_argument("--out", required=True, help="the network JSON to write (the 'network' of an instance file); "
                                                 "with a .json MODEL (an instance or network file, e.g. a report's "
                                                 "witness) and --out NAME.onnx: export that network as ONNX")
    pc.add_argument("--json", action="store_true", help="also print the summary as JSON on stdout (model, out, kind, "
                                                        "class, widths, parameters)")


def cmd_convert(args) -> int:
    from ..files import write_atomic
    from . import load_model

    if str(args.model).lower().endswith(".json"):
        return _export(args)
    net = load_model(args.model)
    obj = net.to_json()
    write_atomic(args.out, json.dumps(obj, indent=1) + "\n")
    kind = obj.get("kind", "widths/theta")  # a Network: the papers' flat θ
    summary = {"model": str(args.model), "out": str(args.out), "kind": kind, "class": type(net).__name__,
               "widths": list(net.widths), "parameters": len(net.theta)}
    print(f"{args.model}: {summary['class']} ({kind}) widths {summary['widths']}, {summary['parameters']} "
          f"parameters (exact) → {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary))
    return 0


def _export(args) -> int:
    """An instance or network JSON file → ONNX (`to_onnx`: float64, rounded; not a certificate)."""
    from ..errors import InputError
    from ..framework import load_network
    from . import to_onnx

    if not str(args.out).lower().endswith(".onnx"):
        raise InputError("a .json MODEL is exported as ONNX: give --out NAME.onnx", "--out")
    net = load_network(args.model)
    to_onnx(net, args.out)
    print(f"{args.model}: {type(net).__name__} widths {list(net.widths)} → {args.out} (ONNX, float64: the exact "
          f"weights rounded to nearest)", file=sys.stderr)
    return 0


register_command(Command("convert", configure, cmd_convert, guarded=True, output_options=("out",)))
