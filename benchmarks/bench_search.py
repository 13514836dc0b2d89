"""Throughput of certified checking and the cost of the main job.

1. For every claim: certified examples per second at H = 2, 4, 8 hidden neurons (d = 1, exact
   rational data drawn from a seeded RNG, Lebesgue measure on a box; GD claims with 3 steps),
   i.e. full `verify.check` calls (exact first, balls where needed), and the fraction certified.
2. For every claim: the search's own throughput (Hypothesis + 53-bit screening + certification)
   on the claim's strategy, ``examples / second`` over one ci-profile search.
3. Wall time and peak resident memory of ``relu-verify suite --profile ci`` in a subprocess
   (target: under 5 minutes and under 1 GiB on 2 cores).

Prints measurements only; nothing here asserts on time.  Run from the repository root:
``python3 benchmarks/bench_search.py [--quick]`` (``--quick`` skips part 3).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import verify
from verify.registry import check
from verify.search import PROFILES, search

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


def part1(n: int):
    print(f"1. certified verify.check per second, d = 1, {n} random exact instances per (claim, H)")
    print(f"{'claim':40s} {'H=2':>14s} {'H=4':>14s} {'H=8':>14s}")
    for cid in verify.all_claims():
        cells = []
        for H in (2, 4, 8):
            rng = random.Random(1000 * H + len(cid))
            insts = [instance(rng, H, cid) for _ in range(n)]
            t0 = time.perf_counter()
            certified = sum(check(cid, inst).status.value != "UNKNOWN" for inst in insts)
            dt = time.perf_counter() - t0
            cells.append(f"{n / dt:8.1f}/s {certified:2d}/{n}")
        print(f"{cid:40s} " + " ".join(f"{c:>14s}" for c in cells), flush=True)


def part2():
    budget = PROFILES["ci"]
    print(f"\n2. search throughput on each claim's own strategy (ci budget: {budget.examples} examples, "
          f"{budget.seconds:g} s)")
    print(f"{'claim':40s} {'examples/s':>10s} {'certified':>9s} {'screened':>8s} {'unknown':>7s}")
    for cid in verify.all_claims():
        r = search(cid, budget, seed=0, explicit=False)
        print(f"{cid:40s} {r.examples / r.seconds:10.1f} {r.certified:9d} {r.screened:8d} {r.unknown:7d}", flush=True)


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
    ap.add_argument("-n", type=int, default=10, help="instances per (claim, H) in part 1")
    args = ap.parse_args()
    part1(args.n)
    part2()
    if not args.quick:
        part3()


if __name__ == "__main__":
    main()
