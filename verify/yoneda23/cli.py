"""``relu-verify d0``: the D0 construction and GD on it (yoneda23); registered as a command of the CLI."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

from ..cli.common import Parser, console
from ..errors import InputError
from ..files import read_json
from ..registry import Command, register_command


def configure(sub, limits):
    from ..cli.claims import add_certificate_option

    if "check" in sub.choices:  # the invariant box / cycle invariant certificates (check --certificate)
        add_certificate_option(sub.choices["check"])
    knobs = argparse.ArgumentParser(add_help=False)
    knobs.add_argument("config", nargs="?", help="D0 knobs JSON ({'kind': 'd0', ...}, the D0.to_json() format) or an "
                                                 "instance file whose network is one; default: the spec's D0")
    knobs.add_argument("--d", type=int, help="input dimension d (default 1)")
    knobs.add_argument("--N", type=int, help="number of hat layers N (default 2)")
    knobs.add_argument("--feature", help="yarotsky (default) or exact-square (no network)")
    knobs.add_argument("--head", help="wc (default: θ = (w, c)) or ab (θ = (a, b))")
    p0 = sub.add_parser("d0", help="yoneda23: build the D0 construction, run exact / ball / float GD on it")
    s0 = p0.add_subparsers(dest="d0_command", required=True, parser_class=Parser)
    pb = s0.add_parser("build", parents=[knobs, limits],
                       help="shape and sparsity of the D0 network; write it as a network file")
    pb.add_argument("--out", metavar="NET.json", help="write the network (kind 'mlp', θ = θ^0) to this file")
    pb.add_argument("--json", action="store_true", help="print the shape as JSON")
    pg = s0.add_parser("gd", parents=[knobs, limits], help="gradient descent on D0: a table at dyadic t, JSON, a figure")
    pg.add_argument("--eta", metavar="Q", help="step size η, an exact rational (default 1/20)")
    pg.add_argument("--batch", help="full (default), cells:M or grid:N")
    pg.add_argument("--init", metavar="w,c", help="θ^0 in the order of the trainable parameters (default -4,8/5)")
    pg.add_argument("--steps", type=int, required=True, metavar="T", help="number of GD steps")
    pg.add_argument("--arithmetic", choices=("exact", "ball", "float"), default="ball",
                    help="exact (fmpq; population batches ≤ 8 steps, fewer for N > 4), ball (certified, default) or float")
    pg.add_argument("--prec", type=int, default=128, help="ball precision in bits (default 128)")
    pg.add_argument("--points", metavar="x1,x2,...", help="points x whose f_N(θ^t, x) is shown (d ≥ 2: "
                                                          "coordinates by ',', points by ';')")
    pg.add_argument("--out", metavar="RUN.json", help="write the run as JSON (exact iterates / ball endpoints)")
    pg.add_argument("--plot", metavar="RUN.png", help="write the figure of verify.yoneda23.plots.draw_run")
    for q in (pb, pg):  # option values may be negative rationals and lists: --init -4,8/5, --points -1/2,0
        q._negative_number_matcher = re.compile(r"^-[0-9.]*[0-9][0-9./,;eE+-]*$")


def _d0_load(path: str):
    """D0 knobs from a file: the `D0.to_json()` format, or an instance whose network is one."""
    from .d0 import D0

    obj = read_json(path)
    if isinstance(obj, dict) and "network" in obj:
        net = obj["network"]
        if not isinstance(net, dict) or net.get("kind") != "d0":
            raise InputError("the instance's network is not a D0 object {\"kind\": \"d0\", ...}", path)
        return D0.from_json(net, f"{path}: network")
    if isinstance(obj, dict) and obj.get("kind", "d0") == "d0":
        return D0.from_json(obj, path)
    raise InputError("expected D0 knobs {\"kind\": \"d0\", ...} or an instance whose network is one", path)


def _d0_batch(text: str):
    from .d0 import Batch

    kind, sep, val = text.strip().partition(":")
    if kind == "full" and not sep:
        return Batch.full()
    if kind in ("cells", "grid"):
        if sep and not (val.strip().isdigit()):
            raise InputError(f"the {'M' if kind == 'cells' else 'N'} of {kind}:… must be an integer >= "
                             f"{1 if kind == 'cells' else 0}, got {val!r}", "--batch")
        k = int(val) if sep else 2
        return Batch.cells(k) if kind == "cells" else Batch.grid(k)
    raise InputError(f"expected full, cells:M or grid:N, got {text!r}", "--batch")


def _d0_config(args):
    """The D0 of the command: the optional CONFIG file (default D0()), knob flags override it."""
    from .d0 import D0
    from ..numbers import parse_rational

    cfg = D0() if args.config is None else _d0_load(args.config)
    ch: dict = {}
    if args.d is not None and args.d != cfg.d:
        ch["d"] = args.d
        if all(c == 0 for c in cfg.centre):
            ch["centre"] = None  # the default centre (the origin) follows the dimension
    if args.N is not None:
        ch["N"] = args.N
    if args.feature is not None:
        ch["feature"] = args.feature
    if args.head is not None:
        ch["head"] = args.head
    if getattr(args, "eta", None) is not None:
        eta = parse_rational(args.eta, "--eta")
        if eta <= 0:
            raise InputError(f"the step size η must be > 0, got {eta}", "--eta")
        ch["eta"] = eta
    if getattr(args, "batch", None) is not None:
        ch["batch"] = _d0_batch(args.batch)
    if getattr(args, "init", None) is not None:
        ch["init"] = tuple(parse_rational(v.strip(), "--init") for v in args.init.split(","))
    return cfg.with_(**ch) if ch else cfg


def _d0_describe(cfg) -> str:
    b = cfg.batch
    batch = {"full": "full", "cells": f"cells:{b.m}", "grid": f"grid:{b.n}", "data": f"data (|X| = {len(b.X)})"}[b.kind]
    return (f"d = {cfg.d}, N = {cfg.N}, feature {cfg.feature}, head {cfg.head}, η = {cfg.eta}, batch {batch}"
            + (", α/β trainable" if cfg.train_outer else ""))


def cmd_d0(args) -> int:
    cfg = _d0_config(args)
    return {"build": _d0_build, "gd": _d0_gd}[args.d0_command](args, cfg)


def _d0_build(args, cfg) -> int:
    """Shape and sparsity of the D0 network (spec 3.4); ``--out`` writes it as an mlp network file."""
    from ..numbers import to_json

    shape = cfg.shape()  # InputError for the exact-square feature: it has no network
    a, lam = cfg.a_lambda(cfg.theta0)
    trainable = dict(zip(cfg.param_names, to_json(list(cfg.theta0))))
    matches = shape["nonzero_weights"] == shape["spec_formula"]
    if args.json:
        print(json.dumps({"config": cfg.to_json(), **shape, "spec_formula_matches": matches, "trainable": trainable,
                          "a_lambda0": {"a": to_json(a), "lambda": to_json(lam)}}, indent=2, ensure_ascii=False))
    else:
        from rich.table import Table

        d, N = cfg.d, cfg.N
        formula = f"13dN + d + 4 = 13·{d}·{N} + {d} + 4" if N >= 1 else f"4d + 4 = 4·{d} + 4"
        t = Table(title=f"D0 network (d = {d}, N = {N}, feature {cfg.feature}, head {cfg.head})")
        t.add_column("quantity", no_wrap=True)
        t.add_column("value")
        t.add_row("widths (input, hidden…, output)", ", ".join(map(str, shape["widths"])))
        t.add_row("hidden layers (depth)", f"{shape['hidden_layers']}  (N + 3)")
        t.add_row("max width", f"{shape['max_width']}  (spec 3.4: ≤ 4d = {4 * d})")
        t.add_row("weights / biases", f"{shape['weights']} / {shape['biases']}")
        t.add_row("non-zero weights", f"{shape['nonzero_weights']}  (spec 3.4: {formula} = {shape['spec_formula']}, "
                  + ("matches)" if matches else "DIFFERS: a zero head weight w or α at θ^0)"))
        t.add_row("non-zero biases", str(shape["nonzero_biases"]))
        frozen = "" if cfg.train_outer else "; frozen α = 1, β = 0 and every feature weight"
        t.add_row("trainable parameters θ^0", ", ".join(f"{k} = {v}" for k, v in trainable.items()) + frozen)
        t.add_row("ramp coordinates at θ^0", f"a = {to_json(a)}, λ = {to_json(lam)}")
        console().print(t)
    if args.out:
        from ..files import write_atomic

        write_atomic(Path(args.out), json.dumps(cfg.network().to_json(), indent=1) + "\n")
        msg = f"wrote {args.out} (an ordinary 'mlp' network with θ = θ^0; every other command reads it)"
        print(msg, file=sys.stderr if args.json else sys.stdout)
    return 0


def _d0_points(text, cfg) -> list[tuple]:
    """``--points``: for d = 1 comma-separated numbers; for d ≥ 2 points separated by ';', coordinates by ','."""
    from ..numbers import parse_rational, to_json

    if not text:
        return []
    if ";" in text:
        groups = [g.split(",") for g in text.split(";") if g.strip()]
    elif cfg.d == 1:
        groups = [[v] for v in text.split(",")]
    else:
        groups = [text.split(",")]
    pts = []
    dom = "[-1, 1)" + (f"^{cfg.d}" if cfg.d > 1 else "")
    for g in groups:
        pt = tuple(parse_rational(v.strip(), "--points") for v in g)
        if len(pt) != cfg.d:
            raise InputError(f"the point {', '.join(map(str, pt))} has {len(pt)} coordinates, d = {cfg.d} "
                             "(separate points with ';' when d ≥ 2)", "--points")
        if not all(-1 <= v < 1 for v in pt):
            shown = to_json(pt[0]) if cfg.d == 1 else "(" + ", ".join(to_json(list(pt))) + ")"
            raise InputError(f"point x = {shown} lies outside the domain {dom}", "--points")
        pts.append(pt)
    return pts


def _d0_num(x):
    """Exact rationals as strings, balls as [lo, hi] exact endpoints (null for a non-finite ball),
    floats as floats (null when not finite)."""
    import math

    from flint import arb, fmpq

    from ..numbers import ball_bounds, to_json

    if isinstance(x, arb):
        b = ball_bounds(x)
        return [None, None] if b is None else [to_json(b[0]), to_json(b[1])]
    if isinstance(x, fmpq):
        return to_json(x)
    x = float(x)
    return x if math.isfinite(x) else None


def _d0_show(x) -> str:
    from flint import arb, fmpq

    from ..numbers import precision, to_json

    if isinstance(x, fmpq):
        s = to_json(x)
        if len(s) <= 24:
            return s
        with precision(128):
            return "≈" + arb(x).str(12, radius=False)  # 12 correct digits of an exact rational
    if isinstance(x, arb):
        if x.is_finite() and x.mid() != 0 and float(x.rad()) <= 1e-13 * max(1.0, abs(float(x.mid()))):
            return x.str(12, radius=False)  # only correct digits; the width is in its own column
        return x.str(6)
    return f"{float(x):.12g}"


def _d0_gd(args, cfg) -> int:
    """GD on D0 in exact, ball or float arithmetic; a table at dyadic t, JSON, and a figure."""
    import numpy as np
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from . import d0 as D
    from ..numbers import precision, to_json

    steps = args.steps
    if steps < 0:
        raise InputError(f"the number of steps must be >= 0, got {steps}", "--steps")
    points = _d0_points(args.points, cfg)
    pop = cfg.batch.kind in ("full", "cells")
    ar = args.arithmetic
    if ar == "exact" and pop and steps > D.exact_population_max_steps(cfg.N):
        raise InputError(f"exact GD on the population batch '{cfg.batch.kind}' is limited to "
                         f"{D.exact_population_max_steps(cfg.N)} steps at N = {cfg.N} (8 for N <= 4, 7 for N <= 6, 6 for "
                         f"N <= 8, 5 for N <= 10), got {steps}: the denominators roughly triple per step (spec §6; at "
                         "N = 2, 9 steps take about 14 s, 12 about 14 min); use --arithmetic ball (certified) or float",
                         "--steps")
    con = console()
    desc = {"exact": "exact GD (fmpq)", "ball": f"ball GD at {args.prec} bits", "float": "float GD"}[ar]
    columns = (SpinnerColumn(), TextColumn(f"{desc}, {steps} steps", style="bold"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        bar.add_task(desc, total=None)  # the engines take no callback: an indeterminate (pulsing) bar
        if ar == "exact":
            tr = D.gd_exact(cfg, steps, record="all")
        elif ar == "ball":
            tr = D.gd_ball(cfg, steps, prec=args.prec, record="dyadic")
        else:
            dense = {int(round(v)) for v in np.geomspace(1, max(steps, 1), 256)} | {0, steps}
            dense |= {2 ** k for k in range(steps.bit_length()) if 2 ** k <= steps}
            tr = D.gd_float(cfg, steps, record=dense, probes=[p[0] for p in points] if cfg.d == 1 else (),
                            errors=True)
    # f_N(θ^t, x) at the points, per recorded t
    fvals: list[list] = []
    if ar == "float":
        if cfg.d == 1:
            fvals = [list(tr.probes[p[0]]) for p in points]
        elif points:
            th = np.array([[float(v) for v in t] for t in tr.thetas])
            arr = D.f_float(cfg, th, np.array([[float(int(v.p)) / int(v.q) for v in p] for p in points]))
            fvals = [list(map(float, arr[:, j])) for j in range(len(points))]
    else:
        with precision(args.prec):
            fvals = [[cfg.f(th, list(p)) for th in tr.thetas] for p in points]
    with precision(args.prec):
        al = [cfg.a_lambda(th) for th in tr.thetas]

    from rich.table import Table

    table = Table(title=f"D0 {desc}: {_d0_describe(cfg)}, θ^0 = ({', '.join(to_json(list(cfg.theta0)))})")
    cols = ["t", "a_t", "λ_t", "L_t"] + (["max width"] if ar == "ball" else [])
    cols += [f"e_{cfg.error_r}(t) (float)"] if tr.errors else []
    cols += [f"f(x = {to_json(p[0]) if cfg.d == 1 else '(' + ', '.join(to_json(list(p))) + ')'})" for p in points]
    for c in cols:
        table.add_column(c, justify="right" if c == "t" else "left", no_wrap=(c == "t"))
    for k, t in enumerate(tr.times):
        if not (t == 0 or t == steps or t & (t - 1) == 0):
            continue
        row = [str(t), _d0_show(al[k][0]), _d0_show(al[k][1]), _d0_show(tr.losses[k])]
        if ar == "ball":
            row.append(f"{float(tr.widths[k].mid()):.3g}")
        if tr.errors:
            row.append(f"{tr.errors[k]:.6g}")
        row += [_d0_show(fv[k]) for fv in fvals]
        table.add_row(*row)
    con.print(table)
    con.print(f"θ^{steps} = ({', '.join(_d0_show(v) for v in tr.final)})  ({', '.join(cfg.param_names)}); "
              f"{steps} steps in {tr.seconds:.3g} s", markup=False)
    info = [f"engine steps: {tr.engine_steps}"] if tr.engine_steps else []
    if ar == "ball" and tr.max_width is not None:
        info.append(f"max width {float(tr.max_width.mid()):.3g}")
    info += [f"activation-pattern changes: {max(len(tr.patterns) - 1, 0)}", f"ties: {len(tr.ties)}"]
    con.print("; ".join(info), markup=False)
    if not tr.complete:
        con.print(f"[bold red]incomplete run[/bold red]: {tr.reason}")
    if args.out:
        from ..files import write_atomic

        out = {"config": cfg.to_json(), "arithmetic": ar, "steps": steps, "prec": tr.prec if ar == "ball" else None,
               "complete": tr.complete, "reason": tr.reason, "seconds": tr.seconds, "engine_steps": tr.engine_steps,
               "param_names": list(cfg.param_names), "times": list(tr.times),
               "iterates": [[_d0_num(v) for v in th] for th in tr.thetas],
               "losses": [_d0_num(v) for v in tr.losses],
               "a_lambda": [[_d0_num(a), _d0_num(lam)] for a, lam in al],
               "points": [to_json(list(p)) for p in points],
               "f_at_points": [[_d0_num(v) for v in fv] for fv in fvals],
               "patterns": [[t, p] for t, p in tr.patterns], "ties": [x.to_json() for x in tr.ties],
               "widths": [to_json(w) if w.is_exact() else _d0_num(w) for w in tr.widths],
               "max_width": None if tr.max_width is None else to_json(tr.max_width) if tr.max_width.is_exact()
               else _d0_num(tr.max_width),
               "errors": [_d0_num(e) for e in tr.errors], "error_r": cfg.error_r}
        write_atomic(Path(args.out), json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        con.print(f"wrote {args.out}")
    if args.plot:
        from .plots import draw_run
        from ..files import write_atomic_bytes
        from ..report import png_of

        write_atomic_bytes(Path(args.plot), png_of(draw_run, tr, [p if cfg.d > 1 else p[0] for p in points]))
        con.print(f"wrote {args.plot}")
    if ar == "float" and not all(math.isfinite(float(v)) for v in tr.losses):
        print("relu-verify: the float iteration overflowed (a loss is NaN or infinite): no result", file=sys.stderr)
        return 3
    return 0


register_command(Command("d0", configure, cmd_d0, guarded=True, output_options=("out", "plot")))
