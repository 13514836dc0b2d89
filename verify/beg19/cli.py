"""``relu-verify distance``: distances of two shallow networks (beg19); registered as a command of the CLI."""

from __future__ import annotations

import json
import sys

from ..errors import InputError
from ..framework import load_network
from ..numbers import short
from ..registry import Command, register_command


def configure(sub, limits):
    pd = sub.add_parser("distance", parents=[limits], help="exact L^inf / W^{1,inf} and parameter / fibre distances of two shallow "
                                         "networks (beg19), as JSON")
    pd.add_argument("first", help="a shallow network JSON (or an instance file): Γ")
    pd.add_argument("second", help="a shallow network JSON: Φ, or the target g = R(Φ)")
    pd.add_argument("--D", default="1", help="the domain [-D, D]^d (default 1)")


def cmd_distance(args) -> int:
    """Function-space and parameter-space distances between two shallow networks (beg19)."""
    from . import fibre
    from .. import realization
    from ..nets import Network
    from ..numbers import parse_rational, to_json

    a, b = load_network(args.first, args.first), load_network(args.second, args.second)
    for n, p in ((a, args.first), (b, args.second)):
        if not isinstance(n, Network) or not n.is_shallow:
            raise InputError("expected a shallow network {'widths': [d, m, 1], 'theta': [...]}", p)
    if a.d != b.d:
        raise InputError(f"input dimensions differ: {a.d} vs {b.d}", args.second)
    D = parse_rational(args.D, "--D")
    out: dict = {"d": a.d, "D": to_json(D)}
    if a.d == 1:
        f = realization.difference(a, b, D)
        out["linf"] = to_json(f.sup_norm())
        out["w1inf"] = {k: to_json(realization.sobolev(f, k)) for k in ("max", "sum", "semi")}
    else:
        from . import arrangement

        out["linf"] = to_json(arrangement.sup_norm_exact(a, b, D))
        out["w1inf"] = {k: to_json(arrangement.w1inf_exact(a, b, D, k)) for k in ("max", "sum", "semi")}
    out["param_distance"] = to_json(fibre.param_distance(a, b)) if a.H == b.H else None
    out["d_sym"] = to_json(fibre.d_sym(a, b)) if a.H == b.H else None
    if a.d == 1:
        try:
            fb = fibre.fibre_bounds(a, b, D)
        except InputError as e:   # g has more kinks than the first network has neurons, or m past the limit
            out["fibre_distance"] = {"not computed": str(e)}
        else:
            out["fibre_distance"] = {"lower": to_json(fb.lower), "upper": None if fb.upper is None else
                                     to_json(fb.upper), "witness": None if fb.witness is None else fb.witness.to_json(),
                                     "notes": fb.notes}
    out["restricted_violations"] = {"first": [list(map(str, r)) for r in fibre.restricted_violations(a, D)],
                                    "second": [list(map(str, r)) for r in fibre.restricted_violations(b, D)]}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    print(_distance_summary(out), file=sys.stderr)  # for people: decimals next to the exact values
    return 0


def _decimal(text) -> str:
    """``"p/q ≈ 0.0123457"`` for an exact rational string (its decimal rounded to 6 digits)."""
    from ..numbers import parse_rational, to_float

    if text is None:
        return "-"
    q = parse_rational(text)
    return str(text) if q.q == 1 else f"{short(q) if len(str(text)) > 40 else text} ≈ {to_float(q):.6g}"


def _distance_summary(out: dict) -> str:
    lines = [f"L∞ distance on [-{out['D']}, {out['D']}]^{out['d']}: {_decimal(out['linf'])}",
             "W^{1,∞} distance: " + ", ".join(f"{k} {_decimal(v)}" for k, v in out["w1inf"].items()),
             f"parameter distance: {_decimal(out['param_distance'])}; up to symmetries: {_decimal(out['d_sym'])}"]
    fd = out.get("fibre_distance") or {}
    if "lower" in fd:
        lines.append(f"fibre distance in [{_decimal(fd['lower'])}, {_decimal(fd['upper'])}]")
    return "\n".join(lines)


register_command(Command("distance", configure, cmd_distance, guarded=True, output_options=()))
