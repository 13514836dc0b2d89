"""Infinite-horizon certificates of cjrr21 (issue 19): time per certificate and steps until the region
is reached, per claim.

* ``cjrr21.gd-risk-to-zero`` — the sublevel-region certificate (`verify.cjrr21.claims.asymptotic`):
  (a) instances drawn from the claim's own strategy (what the search draws): decided/drawn, which route
  decided (theorem route at Θ_0, region entry after m exact steps, periodic orbit, vacuous), seconds per
  check; (b) random d = 1 instances at H = 1, 2, 4 with γ = γ̄(Θ_0)·(1 + 3u) (u uniform in (0, 1), under
  @step-paper with the step bound γ, so the hypothesis holds and the region must be entered along the
  exact or ball run): how often and after how many GD steps the region {γλ[(1 + dM²)V + 2] ≤ 1} is reached,
  and the time per certificate;
* ``cjrr21.gf-lyapunov-integral`` — the theorem route with the flow enclosure on the default horizon
  T = min(γ̄, 1/16): decided/drawn, seconds per check, and how many enclosures reached T.

Prints numbers only (no assertions).  ``--quick``: fewer instances.  Run from the repository root:
``PYTHONPATH=. python3 benchmarks/bench_gd_certificates.py``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify import check  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import drawn  # noqa: E402 -- the same reproducible draws as bench_search


def route(v) -> str:
    if v.vacuous:
        return "vacuous"
    for n in v.notes:
        m = re.match(r"decided by the (theorem route|(ball )?region-entry route \(after (\d+) (exact|ball) GD steps\))",
                     n)
        if m:
            return "theorem" if m.group(1) == "theorem route" else f"entry@{m.group(3)}" + ("b" if m.group(2) else "")
    if v.status.value == "VIOLATED":
        return "periodic orbit"
    if v.status.value == "HOLDS":
        return "other HOLDS"
    return "unknown"


def part_risk_drawn(n: int):
    cid = "cjrr21.gd-risk-to-zero"
    insts = drawn(cid, n)
    routes: dict[str, int] = {}
    t0 = time.perf_counter()
    for inst in insts:
        r = route(check(cid, inst))
        routes[r] = routes.get(r, 0) + 1
    dt = time.perf_counter() - t0
    decided = n - routes.get("unknown", 0)
    print(f"(a) {cid}, {n} instances of the claim's own strategy: decided {decided}/{n}, "
          f"{1000 * dt / n:.1f} ms per check; routes: " + ", ".join(f"{k} {v}" for k, v in sorted(routes.items())))


def rational(rng: random.Random) -> str:
    return str(Fraction(rng.randint(-12, 12), rng.randint(1, 4)))


def part_risk_entry(n: int, steps: int):
    cid = "cjrr21.gd-risk-to-zero@step-paper"
    print(f"(b) {cid}: γ = γ̄(Θ_0)·(1 + 3u), u ∈ (0, 1), d = 1, Lebesgue on [0, 1], up to {steps} exact "
          "steps, then up to 200 ball GD steps (Arb, 128 bits)")
    print(f"{'H':>3s} {'entered':>9s} {'of which in balls':>18s} {'steps to region (min/median/max)':>34s} "
          f"{'ms per check':>13s}")
    for H in (1, 2, 4):
        rng = random.Random(H)
        ms, times, balls = [], [], 0
        for _ in range(n):
            theta = [rational(rng) for _ in range(3 * H + 1)]
            xi = Fraction(rational(rng))
            th = [Fraction(t) for t in theta]
            V0 = sum(t * t for t in th) + (th[-1] - 2 * xi) ** 2
            gbar = 1 / (2 * V0 + 2)
            gamma = gbar * (1 + 3 * Fraction(rng.randint(1, 99), 100))
            inst = {"network": {"widths": [1, H, 1], "theta": theta},
                    "target": {"kind": "constant", "value": str(xi)},
                    "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
                    "params": {"gamma": str(gamma), "steps": steps, "step_bound": str(gamma)}}
            t0 = time.perf_counter()
            r = route(check(cid, inst))
            times.append(time.perf_counter() - t0)
            if r.startswith("entry@"):
                ms.append(int(r[6:].rstrip("b")))
                balls += r.endswith("b")
        ms.sort()
        spread = f"{ms[0]}/{ms[len(ms) // 2]}/{ms[-1]}" if ms else "-"
        print(f"{H:3d} {len(ms):4d}/{n:<4d} {balls:18d} {spread:>34s} {1000 * sum(times) / n:13.1f}", flush=True)


def part_gf(n: int):
    cid = "cjrr21.gf-lyapunov-integral"
    insts = drawn(cid, n)
    decided = reached = enclosed = 0
    t0 = time.perf_counter()
    for inst in insts:
        v = check(cid, inst)
        decided += v.status.value != "UNKNOWN"
        has = any(r.name.startswith("consistency check") for r in v.relations)
        enclosed += has
        reached += has and not any(n.startswith("the flow enclosure stopped") for n in v.notes)
    dt = time.perf_counter() - t0
    print(f"(c) {cid}, {n} instances of the claim's own strategy: decided {decided}/{n}, "
          f"{1000 * dt / n:.1f} ms per check; flow enclosures run {enclosed}, of which reached the default T {reached}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer instances")
    a = ap.parse_args()
    n = 20 if a.quick else 60
    part_risk_drawn(n)
    part_risk_entry(8 if a.quick else 20, 12)
    part_gf(n)


if __name__ == "__main__":
    main()
