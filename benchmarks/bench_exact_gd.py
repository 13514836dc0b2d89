#!/usr/bin/env python3
"""Benchmark: the cjrr21 gradient-descent claims with exact iterates (issue 18).

Problem: the four finite-horizon GD claims (cjrr21.gd-lyapunov-decrease, gd-bounded, gd-summable,
gd-minrate) on one hidden layer, d = 1, H = 8, 16, 64, Lebesgue measure on [-1, 2], a constant
target, random rational data (θ and ξ = m/q with |m| ≤ 24, q ≤ 8, seeded ``random.Random(H)``), the
default γ = γ̄ and N = 1 … 4 steps.  Exact GD multiplies the bit size of the iterates by about
0.7·H per step; the claims keep them exact up to 3 steps only while each iterate a step starts
from has at most ``EXACT_GD_BITS`` bits, then round to 2^-64 (past 3 steps: rounded after every
step), and ``rounding_bits: null`` keeps them exact up to ``MAX_EXACT_BITS`` bits.

Prints
  1. default params: for each (H, N) the wall time of one ``verify.check`` per claim (mean of the
     four claims), the verdicts, the GD mode the verdict names, and the bit sizes of the iterates
     Θ_0..Θ_N the claims used (numerators and denominators of all coordinates);
  2. ``params.rounding_bits: null`` (exact iterates asked for), N = 3 and 4: the same columns, and
     the limit that stopped a run.

  3. with ``--wide``: default params, N = 3, H = 128, 256, 512, 1000 (the fully exact runs before
     issue 18 took minutes here or stopped at a limit).

No timing assertions.  ``--quick`` skips H = 64 in part 2.
"""

from __future__ import annotations

import argparse
import random
import time
from fractions import Fraction

import verify
from verify.cjrr21.claims import trajectories

CLAIMS = ("cjrr21.gd-lyapunov-decrease", "cjrr21.gd-bounded", "cjrr21.gd-summable", "cjrr21.gd-minrate")
WIDTHS = (8, 16, 64)
STEPS = (1, 2, 3, 4)

SIZES: list[list[int]] = []


def _bits(theta) -> int:
    return sum(int(t.p).bit_length() + int(t.q).bit_length() for t in theta)


def _recording(fn):
    """gd_trajectory, recording the bit sizes of the iterates it returns (instrumentation only)."""
    def wrapped(ev, N, *args, **kw):
        tr = fn(ev, N, *args, **kw)
        if ev.exact:
            SIZES.append([_bits(n.theta) for n in tr["nets"]])
        return tr
    return wrapped


def rational(rng: random.Random) -> str:
    return str(Fraction(rng.randint(-24, 24), rng.randint(1, 8)))


def instance(H: int, steps: int, extra: dict | None = None) -> dict:
    rng = random.Random(H)
    theta = [rational(rng) for _ in range(3 * H + 1)]
    return {"network": {"widths": [1, H, 1], "theta": theta},
            "target": {"kind": "constant", "value": rational(rng)},
            "measure": {"kind": "lebesgue", "box": [["-1", "2"]]}, "params": {"steps": steps, **(extra or {})}}


def gd_mode(v) -> str:
    """The GD mode the verdict's note names, up to its first parenthesis or semicolon."""
    for note in v.notes:
        if note.startswith("GD mode: "):
            text = note[len("GD mode: "):]
            for stop in (" (", ";", " because"):
                text = text.split(stop)[0]
            return text
    return "-"


def row(H: int, N: int, extra: dict | None = None) -> str:
    times, status = [], []
    SIZES.clear()
    v = None
    for cid in CLAIMS:
        t0 = time.perf_counter()
        v = verify.check(cid, instance(H, N, extra))
        times.append(time.perf_counter() - t0)
        status.append(v.status.value[0])
    sizes = SIZES[-1] if SIZES else []
    mean = sum(times) / len(times)
    limit = next((r.note.split(";")[0] for r in v.relations if r.op == "?" and "limit" in r.note), "")
    return (f"H={H:3d} N={N}  {mean:9.3f} s/check (max {max(times):8.3f})  {''.join(status):4s}  "
            f"{gd_mode(v):84.84s}  bits: {', '.join(f'{s:,}' for s in sizes)}"
            + (f"\n{'':14s}stopped: {limit}" if limit else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip H = 64 in part 2")
    ap.add_argument("--wide", action="store_true", help="part 3: H = 128 … 1000, default params, N = 3")
    args = ap.parse_args()
    trajectories.gd_trajectory = _recording(trajectories.gd_trajectory)
    verify.resolve_all()
    try:
        from verify.cjrr21.claims.common import EXACT_GD_BITS, MAX_EXACT_BITS
        print(f"EXACT_GD_BITS = {EXACT_GD_BITS}, MAX_EXACT_BITS = {MAX_EXACT_BITS}")
    except ImportError:  # before issue 18
        print("EXACT_GD_BITS, MAX_EXACT_BITS: not defined (before issue 18)")
    print("statuses: one letter per claim (H HOLDS, U UNKNOWN, V VIOLATED) in the order", ", ".join(CLAIMS))
    print("\n1. default params (steps N only)")
    for H in WIDTHS:
        for N in STEPS:
            print(row(H, N), flush=True)
    print("\n2. params.rounding_bits: null (exact iterates asked for), N = 3 and 4")
    for H in WIDTHS:
        if args.quick and H == 64:
            continue
        for N in (3, 4):
            print(row(H, N, {"rounding_bits": None}), flush=True)
    if args.wide:
        print("\n3. default params, N = 3, wide networks")
        for H in (128, 256, 512, 1000):
            print(row(H, 3), flush=True)


if __name__ == "__main__":
    main()
