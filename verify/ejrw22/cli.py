"""``relu-verify flow``: the standard / normalized gradient flow (ejrw22); registered as a command of the CLI."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from ..cli.common import console
from ..errors import InputError
from ..numbers import short
from ..registry import Command, register_command


def configure(sub, limits):
    from ..cli.claims import add_certificate_option

    if "check" in sub.choices:  # bounded-gf-h1 / open-standard-gf write their certificates (check --certificate)
        add_certificate_option(sub.choices["check"])
    pf = sub.add_parser("flow", parents=[limits], help="integrate the standard / normalized gradient flow of an ejrw22 instance "
                                     "(certified enclosure, float, or (projected) GD)")
    pf.add_argument("file", help="an instance file with a 1-H-1 network, a target and a density measure")
    pf.add_argument("--flow", choices=("normalized", "standard"), default="normalized",
                    help="the normalized flow on M_A / M_B (default) or the standard gradient flow")
    pf.add_argument("--manifold", choices=("A", "B"), default="A", help="M_A (default) or M_B")
    pf.add_argument("--mode", choices=("certified", "float", "gd"), default="certified",
                    help="certified enclosure of every solution (default), a float solve_ivp run, or (projected) GD")
    pf.add_argument("--T", default="1", help="horizon (certified, float; default 1)")
    pf.add_argument("--h0", default=None, help="largest step of the certified stepper (default 1/4 with the Taylor "
                                               "stepper, else 1/16)")
    pf.add_argument("--order", type=int, default=8, help="Taylor order of the certified steps for H = 1 (default 8; "
                                                         "0: the second-order stepper only)")
    pf.add_argument("--tol", type=float, default=1e-5, help="local error per unit time steering the step size")
    pf.add_argument("--max-steps", type=int, default=100000, help="most certified steps (default 100000, at most 10^6)")
    pf.add_argument("--prec", type=int, default=128, help="ball precision in bits (default 128)")
    pf.add_argument("--eta", help="GD step size (--mode gd)")
    pf.add_argument("--steps", type=int, help="GD steps (--mode gd)")
    pf.add_argument("--arithmetic", choices=("exact", "ball", "float"), default="ball", help="GD arithmetic")
    pf.add_argument("--out", help="write everything as JSON (exact box endpoints) to this file")
    pf.add_argument("--plot", help="write a PNG of |Θ_t| / ℒ against t (or n) to this file")


def _bounds_json(x) -> list:
    from ..numbers import ball_bounds, to_json

    lo, hi = ball_bounds(x)
    return [to_json(lo), to_json(hi)]


def cmd_flow(args) -> int:
    """Integrate the standard or normalized gradient flow (or run (projected) GD) of an ejrw22
    instance: certified enclosures (default), float trajectories, or GD iterates."""
    from .. import flows
    from ..framework import Instance
    from ..nets import Network
    from ..numbers import parse_rational, to_float

    inst = Instance.load(args.file)
    net = inst.net
    if not isinstance(net, Network) or not net.is_shallow or net.d != 1:
        raise InputError("flows need a 1-H-1 network {'widths': [1, H, 1], 'theta': [...]}", args.file)
    if args.mode == "certified" or (args.mode == "gd" and args.arithmetic == "ball"):
        flows.check_prec(args.prec, "--prec")
    if args.mode == "certified":
        flows.check_tol(args.tol, "--tol")
        flows.check_max_steps(args.max_steps, "--max-steps")
    system = flows.FlowSystem(inst.target, inst.measure, net.H)
    stopped = None  # the limit that ended the run short of its goal (exit 3)
    con = console()
    out: dict = {"flow": args.flow, "manifold": args.manifold, "mode": args.mode, "H": net.H}
    series: dict = {}
    if args.mode == "gd":
        if args.eta is None or args.steps is None:
            raise InputError("--mode gd needs --eta and --steps", "--eta")
        d = flows.descent(system, net.theta, args.eta, args.steps, args.flow, args.manifold, args.arithmetic,
                          args.prec)
        out.update(eta=str(d.eta), arithmetic=d.arithmetic,
                   iterates=[[_exactish(t) for t in th] for th in d.iterates], risk=[_exactish(r) for r in d.risk])
        show = lambda x: x.str(12) if hasattr(x, "rad") else (str(x) if len(str(x)) < 60 else f"{float(x):.12g}…")  # noqa: E731
        n = len(d.iterates) - 1
        out.update(complete=d.complete, reason=d.reason)
        con.print(f"{args.flow} GD ({d.arithmetic}), η = {short(d.eta)}: ℒ(θ_0) = {show(d.risk[0])} → "
                  f"ℒ(θ_{n}) = {show(d.risk[-1])}; θ_{n} = {[show(t) for t in d.iterates[-1]]}")
        if not d.complete:
            stopped = f"GD stopped after {n} of {args.steps} steps: {d.reason}"
        elif not all(math.isfinite(to_float(r)) for r in d.risk):
            stopped = "the float iteration overflowed (a risk is NaN or infinite)"
        series = {"x: n": list(range(len(d.risk))), "ℒ(θ_n)": [to_float(r) for r in d.risk]}
    elif args.mode == "float":
        T = parse_rational(args.T, "--T")
        if not 0 < T <= flows.FLOAT_MAX_T:
            raise InputError(f"the float horizon must be in (0, {flows.FLOAT_MAX_T}], got {T}", "--T")
        sim = system.simulate(net.theta, T, args.flow, args.manifold)
        out.update(T=str(T), t=sim.t.tolist(), states=sim.states.tolist(), risk=sim.risk.tolist(),
                   events=[list(e) for e in sim.events], success=sim.success)
        con.print(f"{args.flow} flow (float, solve_ivp): t = {sim.t[-1]:.6g}, θ = {sim.states[-1].tolist()}, "
                  f"ℒ = {sim.risk[-1]:.6g}, {len(sim.events)} kink events; {sim.message}")
        if not sim.success:
            stopped = f"the float integration did not reach T = {T}: {sim.message}"
        series = {"x: t": sim.t.tolist(), "|Θ_t|_∞": [float(max(abs(x) for x in y)) for y in sim.states],
                  "ℒ(Θ_t)": sim.risk.tolist()}
    else:
        from rich.progress import Progress

        if not 0 <= args.order <= 30:
            raise InputError(f"the Taylor order must be in [0, 30], got {args.order}", "--order")
        taylor = args.order > 0 and net.H == 1
        T = parse_rational(args.T, "--T")
        h0 = parse_rational(args.h0 if args.h0 is not None else ("1/4" if taylor else "1/16"), "--h0")
        if T <= 0 or h0 <= 0:
            raise InputError(f"the horizon and the step must be > 0, got T = {T}, h0 = {h0}", "--T" if T <= 0 else "--h0")
        if T > h0 * args.max_steps:  # no certified step is longer than h0
            raise InputError(f"T = {T} needs at least T/h0 = {-(-T.p * h0.q // (T.q * h0.p))} steps of at most h0 = {h0}, "
                             f"more than --max-steps {args.max_steps} (documented limit {flows.MAX_STEPS})", "--T")
        with Progress(transient=True, console=console(stderr=True), disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("certified enclosure", total=float(T))
            enc = system.enclose(net.theta, T, args.flow, args.manifold, h0=h0, order=args.order,
                                 tol=args.tol, max_steps=args.max_steps, prec=args.prec,
                                 progress=lambda t: bar.update(task, completed=float(t)))
        energy = enc.energy_enclosure()
        inv = enc.invariants()
        out.update(T=str(T), t_reached=str(enc.t_reached), complete=enc.complete, reason=enc.reason,
                   steps=[{"t0": str(st.t0), "t1": str(st.t1), "box": [_bounds_json(x) for x in st.X]}
                          for st in enc.steps],
                   points=[{"t": str(t), "box": [_bounds_json(y) for y in Y]} for t, Y in enc.points],
                   sup_norm=_bounds_json(enc.sup_norm()), risk_final=_bounds_json(enc.risk_final()),
                   energy=None if energy is None else _bounds_json(energy),
                   invariants={"name": inv["name"], "consistent": inv["consistent"]})
        con.print(f"{args.flow} flow on M_{args.manifold if args.flow == 'normalized' else '-'}: certified on "
                  f"[0, {enc.t_reached}] in {len(enc.steps)} steps ({enc.rejected} rejected)"
                  + ("" if enc.complete else f"; stopped: {enc.reason}"))
        con.print(f"  Θ_T ∈ {[y.str(8) for y in enc.final]}  (width {float(enc.width()):.3g})")
        con.print(f"  sup_(t≤T) |Θ_t|_∞ ∈ {enc.sup_norm().str(10)}")
        con.print(f"  ℒ(Θ_T) ∈ {enc.risk_final().str(10)}; energy identity gives "
                  f"{'—' if energy is None else energy.str(10)}")
        con.print(f"  invariant {inv['name']}: {'consistent' if inv['consistent'] else 'INCONSISTENT'} on every box")
        series = {"x: t": [float(t) for t, _ in enc.points],
                  "|Θ_t|_∞ (upper end)": [max(float(abs(y).mid() + y.rad()) for y in Y) for _, Y in enc.points],
                  "width of the enclosure": [float(max(y.rad() for y in Y)) * 2 for _, Y in enc.points]}
        if not enc.complete:
            stopped = f"certified only on [0, {enc.t_reached}] of [0, {T}]: {enc.reason}"
    if args.out:
        from ..files import write_atomic

        write_atomic(Path(args.out), json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        con.print(f"wrote {args.out}")
    if args.plot:
        from ..files import write_atomic_bytes
        from ..report import draw_series, png_of

        write_atomic_bytes(Path(args.plot), png_of(draw_series, series))
        con.print(f"wrote {args.plot}")
    if stopped is not None:
        print(f"relu-verify: flow stopped short (UNKNOWN beyond): {stopped}", file=sys.stderr)
        return 3
    return 0


def _exactish(x):
    """Exact rationals as strings, balls as [lower, upper], floats as floats (JSON)."""
    from flint import arb, fmpq

    if isinstance(x, arb):
        return _bounds_json(x)
    if isinstance(x, fmpq):
        return str(x)
    return float(x)


# --------------------------------------------------------------------------------------------


register_command(Command("flow", configure, cmd_flow, guarded=True, output_options=("out", "plot")))
