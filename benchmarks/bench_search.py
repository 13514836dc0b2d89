"""Throughput of certified checking and the cost of the main job.

1. For every claim: certified ``verify.check`` calls per second (exact first, balls where needed)
   on instances drawn from the claim's own strategy (`verify.searching.strategy_for`, seeded), and
   how many were decided; for the cjrr21 claims (one hidden layer, constant targets) also at
   H = 2, 4, 8 hidden neurons (d = 1, exact rational data from a seeded RNG, Lebesgue measure on
   a box; GD claims with 3 steps).
2. For every claim: the search's own throughput (Hypothesis + 53-bit screening + certification)
   on the claim's strategy, ``examples / second`` over one ci-profile search.
3. Wall time and peak resident memory of ``relu-verify suite --profile ci`` in a subprocess
   (target: under 5 minutes and under 1 GiB on 2 cores).

Prints measurements only; nothing here asserts on time.  Run from the repository root:
``python3 benchmarks/bench_search.py [--quick] [-n N] [--claims GLOB]`` (``--quick`` skips part 3,
``--claims`` restricts parts 1 and 2).
"""

from __future__ import annotations

import argparse
import fnmatch
import random
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import verify
from verify.checking import check
from verify.searching import PROFILES, search, strategy_for

GD_LIKE = ("gd-", "gf-", "pure-bias", "degenerate-frozen")


def rational(rng: random.Random) -> str:
    q = Fraction(rng.randint(-24, 24), rng.randint(1, 8))
    return str(q)


def instance(rng: random.Random, H: int, cid: str) -> dict:
    theta = [rational(rng) for _ in range(3 * H + 1)]
    params = {"steps": 3} if any(k in cid for k in GD_LIKE) else {}
    return {"network": {"widths": [1, H, 1], "theta": theta},
            "target": {"kind": "constant", "value": rational(rng)},
            "measure": {"kind": "lebesgue", "box": [["-1", "2"]]}, "params": params}


def drawn(cid: str, n: int, seed: int = 0) -> list[dict]:
    """``n`` instance dicts from the claim's own strategy (what the search draws), reproducibly."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    out: list[dict] = []

    @hseed(seed)
    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy_for(cid))
    def collect(inst):
        out.append(inst)

    collect()
    return out[:n]


def timed_checks(cid: str, insts: list[dict]) -> str:
    t0 = time.perf_counter()
    decided = errors = 0
    for inst in insts:
        try:
            decided += check(cid, inst).status.value != "UNKNOWN"
        except Exception:  # noqa: BLE001 -- a benchmark reports, it does not stop
            errors += 1
    dt = time.perf_counter() - t0
    cell = f"{len(insts) / dt:8.1f}/s {decided:2d}/{len(insts)}"
    return cell + (f" ({errors} errors)" if errors else "")


def part1(n: int, claims: list[str]):
    print(f"1. certified verify.check per second on {n} instances drawn from each claim's own strategy "
          f"(decided/drawn)")
    print(f"{'claim':48s} {'own strategy':>14s}")
    for cid in claims:
        print(f"{cid:48s} {timed_checks(cid, drawn(cid, n)):>14s}", flush=True)
    cj = [c for c in claims if c.startswith("cjrr21.")]
    if not cj:
        return
    print(f"\n1b. cjrr21 claims at H = 2, 4, 8 (d = 1, {n} random exact instances per (claim, H))")
    print(f"{'claim':48s} {'H=2':>14s} {'H=4':>14s} {'H=8':>14s}")
    for cid in cj:
        cells = []
        for H in (2, 4, 8):
            rng = random.Random(1000 * H + len(cid))
            cells.append(timed_checks(cid, [instance(rng, H, cid) for _ in range(n)]))
        print(f"{cid:48s} " + " ".join(f"{c:>14s}" for c in cells), flush=True)


def part2(claims: list[str]):
    budget = PROFILES["ci"]
    print(f"\n2. search throughput on each claim's own strategy (ci budget: {budget.examples} examples, "
          f"{budget.seconds:g} s)")
    print(f"{'claim':48s} {'examples/s':>10s} {'certified':>9s} {'screened':>8s} {'unknown':>7s}")
    for cid in claims:
        r = search(cid, budget, seed=0, explicit=False)
        rate = r.examples / r.seconds if r.seconds > 0 else float("nan")
        extra = f"  error: {str(r.error)[:60]}" if getattr(r, "error", None) else ""
        print(f"{cid:48s} {rate:10.1f} {r.certified:9d} {r.screened:8d} {r.unknown:7d}{extra}", flush=True)


def part3():
    print("\n3. relu-verify suite --profile ci")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "verify.cli", "suite", "--profile", "ci", "--out", out],
                             capture_output=True, text=True)
        wall = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    last = res.stdout.strip().splitlines()[-2] if res.stdout.strip() else res.stderr[-300:]
    print(f"   exit code {res.returncode}; {last}")
    print(f"   wall time {wall:.1f} s (target < 300 s), peak RSS {peak_kib / 1024:.0f} MiB (target < 1024 MiB)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the full suite run")
    ap.add_argument("-n", type=int, default=10, help="instances per claim (and per H) in part 1")
    ap.add_argument("--claims", default="*", help="glob over claim ids for parts 1 and 2 (default: all)")
    args = ap.parse_args()
    claims = [c for c in verify.all_claims() if fnmatch.fnmatchcase(c, args.claims)]
    if not claims:
        ap.error(f"no claim matches {args.claims!r}")
    part1(args.n, claims)
    part2(claims)
    if not args.quick:
        part3()


if __name__ == "__main__":
    main()
