"""``relu-verify paths``: path values, structure matrix, basis paths (gsgd19); registered as a command of the CLI."""

from __future__ import annotations

import json

from ..cli.common import console
from ..errors import InputError
from ..numbers import short
from ..registry import Command, register_command


def configure(sub, limits):
    pa = sub.add_parser("paths", parents=[limits], help="path values, structure-matrix rank, basis paths, exponents (gsgd19)")
    pa.add_argument("file", help="a network JSON ({'kind': 'mlp' | 'dag', ...}) or an instance file")
    pa.add_argument("--x", help="input point for the activation statuses, comma-separated")
    pa.add_argument("--basis", default="auto", choices=("auto", "skeleton", "tree", "rref"),
                    help="how to choose the basis paths (default auto: skeleton where it applies, else tree, else rref)")
    pa.add_argument("--scale", help="print g_c(w) for the comma-separated factors c (one per hidden node)")
    pa.add_argument("--pathnorm", help="also the L^q path-norm for this q (exact for integer q, log10 enclosure)")
    pa.add_argument("--limit", type=int, default=2000, help="enumerate paths only up to this many (default 2000)")
    pa.add_argument("--json", action="store_true", help="print everything as JSON (exact values)")


PATHNORM_MAX_Q = 10_000  # q-th powers of path values: the exact sum's size grows linearly in q


def cmd_paths(args) -> int:
    from . import paths
    from ..dag import DagNetwork
    from ..framework import load_network
    from ..numbers import parse_rational, to_json

    net = load_network(args.file)
    if not isinstance(net, DagNetwork):
        raise InputError("expected a network with 'kind' 'mlp' or 'dag' (see verify.dag)", args.file)
    x = None
    if args.x is not None:
        x = [parse_rational(t.strip(), "--x") for t in args.x.split(",")]
        if len(x) != net.d:
            raise InputError(f"--x needs {net.d} coordinates", "--x")
    if args.scale is not None:
        cs = [parse_rational(t.strip(), "--scale") for t in args.scale.split(",")]
        if any(c <= 0 for c in cs):
            raise InputError("scaling factors must be > 0", "--scale")
        print(json.dumps(net.scale(cs).to_json(), indent=2))
        return 0
    info = paths.describe(net, x, args.basis, args.limit)
    if args.pathnorm is not None:
        from . import pathnorm

        q = parse_rational(args.pathnorm, "--pathnorm")
        if not 1 <= q <= PATHNORM_MAX_Q:
            raise InputError(f"q must be in [1, {PATHNORM_MAX_Q}] (the L^q path-norm is a norm for q ≥ 1), got "
                             f"{short(q)}", "--pathnorm")
        if q.q == 1:
            info["pathnorm_q^q"] = to_json(pathnorm.pathnorm_q_exact(net, int(q.p)))
        if q >= 1:
            info["log10_pathnorm"] = str(pathnorm.log10_pathnorm(net, q))
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    con = console()
    con.print(f"network: d = {info['d']}, K = {info['K']}, H = {info['H']} hidden, m = {info['m']} weights, "
              f"n_b = {info['n_b']} biases, n = {info['paths']} paths")
    pr = info["predicted_rank"]
    con.print(f"rank A = {info['rank']['value']}  ({info['rank']['method']}); m + n_b − H = "
              f"{pr['m_plus_nb_minus_H']}, on-path m' − H' = {pr['on_path']}")
    con.print(f"basis: {info['basis']['size']} paths ({info['basis']['method']})")
    for k in ("pathnorm_q^q", "log10_pathnorm"):
        if k in info:
            con.print(f"{k} = {info[k]}")
    if "path_list" in info:
        from rich.table import Table

        t = Table(title="paths (lexicographic)")
        for col in ("#", "nodes", "value", "basis") + (("active",) if x is not None else ()) + ("exponents",):
            t.add_column(col)
        for k, r in enumerate(info["path_list"]):
            t.add_row(str(k), ("b→" if r["bias"] else "") + "-".join(map(str, r["nodes"])), r["value"],
                      "yes" if r["basis"] else "", *((str(r["active"]),) if x is not None else ()),
                      " ".join(f"{e}@{b}" for b, e in r.get("exponents", {}).items()))
        con.print(t)
    return 0


register_command(Command("paths", configure, cmd_paths, guarded=True, output_options=()))
