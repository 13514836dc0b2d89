"""The suite on Dask: wall time with ``--jobs 1`` and ``--jobs 2``, the overhead per task, and how
the thorough profile would scale on 16 and 64 workers (issue 21).

1. ``relu-verify suite --profile ci --jobs 1`` and ``--jobs 2`` (subprocesses, the same seed), wall
   time and the speed-up (target ≥ 1.7× on this 2-core machine); the two reports must agree on
   every verdict and count (checked and printed).
2. The overhead per task: a local cluster of one worker running searches of one example each,
   against the same searches in-process.
3. A simulation of the thorough profile (2000 examples, 600 s per claim): each claim's time is
   extrapolated from its ci run (seconds per example × 2000, capped at the 600 s budget plus the
   shrinking allowance), then scheduled longest-first on 16 and 64 workers; the makespan is bounded
   below by the longest claim, which is named.

Prints measurements only; nothing here asserts on time.  ``--claims GLOB`` restricts the suite
(default: all claims and mutants).  Run from the repository root:
``python3 benchmarks/bench_distributed.py [--claims GLOB]``.
"""

from __future__ import annotations

import argparse
import heapq
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def suite(jobs: int, claims: str | None, out: Path) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "verify", "suite", "--profile", "ci", "--seed", "0", "--jobs", str(jobs),
           "--out", str(out)]
    if claims:
        cmd += ["--claims", claims]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"suite --jobs {jobs} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, json.loads((out / "report.json").read_text())


def _counts(doc) -> dict:
    keys = ("examples", "holds", "vacuous", "unknown", "violated", "passed")
    return {r["id"]: tuple(r.get(k) for k in keys) for r in doc["results"]}


def compare(d1: dict, d2: dict) -> str:
    """Whether the two runs agree: exactly on every claim whose search ended on its example budget
    (or a counterexample) in both runs; a search cut by the 10 s time budget depends on the
    machine's speed at that moment, so only its verdict (passed) is compared."""
    a, b = _counts(d1), _counts(d2)
    stops = {r["id"]: r.get("stop") for r in d1["results"]}
    stops2 = {r["id"]: r.get("stop") for r in d2["results"]}
    timed = {k for k in a if stops.get(k) == "time" or stops2.get(k) == "time"}
    same_counts = all(a[k] == b.get(k) for k in a if k not in timed)
    same_verdicts = all(a[k][-1] == b.get(k, (None,))[-1] for k in a)
    return (f"verdicts identical: {same_verdicts}; counts identical on the {len(a) - len(timed)} searches that ended on "
            f"their example budget: {same_counts} ({len(timed)} cut by the time budget in one run or both)")


def overhead_per_task(n: int = 12) -> tuple[float, float]:
    from verify.distributed import connect, run_searches
    from verify.searching import Budget, search

    refs = [("gsgd19.path-sum", k) for k in range(n)]
    budget = Budget(1, 10.0)
    search(*refs[0][:1], budget, 999)  # warm: Hypothesis' one-time set-up, the claim's imports
    t0 = time.perf_counter()
    for ref, seed in refs:
        search(ref, budget, seed)
    local = time.perf_counter() - t0
    client, close = connect(jobs=1)
    try:
        run_searches(client, refs[:1], budget, None, [])  # warm the worker (imports, plugins)
        t0 = time.perf_counter()
        run_searches(client, refs, budget, None, [])
        remote = time.perf_counter() - t0
    finally:
        close()
    return local / n, (remote - local) / n


def thorough_time(r: dict, examples: int = 2000, seconds: float = 600.0) -> float:
    """A claim's extrapolated thorough-profile time: its ci seconds per example × 2000, at most the
    600 s budget and half again for shrinking; a search that stopped at a counterexample stops
    there again."""
    if r.get("stop") == "counterexample":
        return r["seconds"]
    return min(r["seconds"] / max(r["examples"], 1) * examples, seconds * 1.5)


def simulate(doc: dict, workers: int) -> tuple[float, str, float]:
    """(makespan, longest claim, its time) of a longest-first schedule of the extrapolated times."""
    times = sorted(((thorough_time(r), r["id"]) for r in doc["results"]), reverse=True)
    loads = [(0.0, k) for k in range(workers)]
    for t, _ in times:
        load, k = heapq.heappop(loads)
        heapq.heappush(loads, (load + t, k))
    return max(l for l, _ in loads), times[0][1], times[0][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        w1, d1 = suite(1, args.claims, Path(tmp) / "j1")
        w2, d2 = suite(2, args.claims, Path(tmp) / "j2")
    n = len(d1["results"])
    print(f"suite --profile ci ({n} claims and mutants): --jobs 1 {w1:.1f} s, --jobs 2 {w2:.1f} s, "
          f"speed-up {w1 / w2:.2f}× (target ≥ 1.7×); {compare(d1, d2)}")
    local, over = overhead_per_task()
    print(f"overhead per task on a local 1-worker cluster: {over * 1e3:.0f} ms (a 1-example search in-process: "
          f"{local * 1e3:.0f} ms)")
    serial = sum(thorough_time(r) for r in d1["results"])
    print(f"thorough profile, extrapolated from this ci run: {serial / 3600:.1f} h on one worker")
    for workers in (16, 64):
        span, longest, t = simulate(d1, workers)
        print(f"  {workers:>2} workers: {span / 60:.1f} min (the longest claim, {longest}, alone takes "
              f"{t / 60:.1f} min and bounds it)")


if __name__ == "__main__":
    main()
