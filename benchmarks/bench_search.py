"""Throughput of certified checking and the cost of the main job.

1. For every claim: certified ``verify.check`` calls per second (exact first, balls where needed)
   on instances drawn from the claim's own strategy (`verify.searching.strategy_for`, seeded), and
   how many were decided; for the cjrr21 claims (one hidden layer, constant targets) also at
   H = 2, 4, 8 hidden neurons (d = 1, exact rational data from a seeded RNG, Lebesgue measure on
   a box; GD claims with 3 steps).
2. For every claim: the search's own throughput (Hypothesis + 53-bit screening + certification)
   on the claim's strategy over one search with a fixed budget (``--examples``, default the ci
   profile's 200 examples or 10 s; the claim's built-in examples first, as the CLI does), both
   in-process (`verify.searching.search`) and through the CLI (a ``relu-verify search`` subprocess
   per claim; rates from its report.json, so start-up is not counted; the subprocess' wall time
   is shown too): examples/s, certified examples/s, the fraction of examples that were duplicate
   draws (counted with their cached verdict, not re-decided), the largest hidden width H the
   claim's strategy drew, and how each search stopped.  Ends with the number of claims reaching
   ``TARGET`` = 150 certified examples/s at H ≤ 8, and the list of those below it.
3. Wall time and peak resident memory of ``relu-verify suite --profile ci`` in a subprocess
   (target: under 5 minutes and under 1 GiB on 2 cores).

Prints measurements only; nothing here asserts on time.  Run from the repository root:
``python3 benchmarks/bench_search.py [--quick] [-n N] [--claims GLOB] [--examples N] [--no-cli]``
(``--quick`` skips part 3, ``--claims`` restricts parts 1 and 2, ``--no-cli`` skips the CLI runs of
part 2).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import verify
from verify.checking import check
from verify.searching import PROFILES, Budget, search, strategy_for

GD_LIKE = ("gd-", "gf-", "pure-bias", "degenerate-frozen")
TARGET = 150.0  # certified examples per second (issue 18), at hidden widths H ≤ 8


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


def hidden_width(cid: str, n: int = 50) -> int | None:
    """The largest hidden width among ``n`` instances drawn from the claim's strategy (None when its
    networks have no ``widths``, e.g. the D0 construction of yoneda23)."""
    widest = None
    for inst in drawn(cid, n, seed=1):
        widths = (inst.get("network") or {}).get("widths")
        if isinstance(widths, list) and len(widths) > 2:
            widest = max(widest or 0, max(widths[1:-1]))
    return widest


def cli_search(cid: str, budget: Budget) -> dict:
    """One ``relu-verify search`` subprocess with a fixed budget: its result from report.json, and
    the subprocess' wall time."""
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "verify", "search", cid, "--examples", str(budget.examples),
                            "--seconds", str(budget.seconds), "--seed", "0", "--out", out],
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
        wall = time.perf_counter() - t0
        try:
            r = json.load(open(os.path.join(out, "report.json")))["results"][0]
        except (OSError, ValueError, KeyError, IndexError):
            return {"error": f"exit {p.returncode}: {(p.stderr or p.stdout).strip()[-120:]}", "wall": wall}
    return {**r, "wall": wall}


def _rates(examples: int, certified: int, seconds: float) -> tuple[float, float]:
    return ((examples / seconds, certified / seconds) if seconds > 0 else (float("nan"), float("nan")))


def part2(claims: list[str], budget: Budget, cli: bool):
    print(f"\n2. search throughput on each claim's own strategy ({budget.examples} examples or {budget.seconds:g} s; "
          f"built-in examples first; seed 0)")
    print(f"   ex/s, cert/s: examples and certified examples per second of search; dup: duplicate draws / examples; "
          f"H: widest hidden layer drawn; stop: examples | time | exhausted (the strategy has fewer distinct draws)")
    head = f"{'claim':44s} {'H':>3s} {'in-process ex/s':>15s} {'cert/s':>7s} {'dup':>4s} {'stop':>9s}"
    if cli:
        head += f" {'CLI ex/s':>9s} {'cert/s':>7s} {'dup':>4s} {'wall s':>6s}"
    print(head)
    rows = []
    import verify.searching as searching

    decide = searching._decide
    spent = [0.0]

    def timed_decide(*args, **kwargs):  # the time spent deciding instances (screen + check)
        t = time.perf_counter()
        try:
            return decide(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    searching._decide = timed_decide
    for cid in claims:
        H = hidden_width(cid)
        spent[0] = 0.0
        r = search(cid, budget, seed=0)
        ex, cert = _rates(r.examples, r.certified, r.seconds)
        stop = "exhausted" if r.stop == "examples" and r.examples < budget.examples else r.stop
        line = (f"{cid:44s} {'-' if H is None else H:>3} {ex:15.1f} {cert:7.1f} "
                f"{r.duplicates / max(r.examples, 1):4.0%} {stop:>9s}")
        row = {"id": cid, "H": H, "ex": ex, "cert": cert, "stop": stop, "unknown": r.unknown, "examples": r.examples,
               "error": r.error, "deciding": spent[0] / r.seconds if r.seconds > 0 else 0.0}
        if cli:
            c = cli_search(cid, budget)
            if "error" in c and c.get("examples") is None:
                line += f"  CLI error: {c['error']}"
                row["cli_cert"] = float("nan")
            else:
                cex, ccert = _rates(c["examples"], c["certified"], c["seconds"])
                line += f" {cex:9.1f} {ccert:7.1f} {c['duplicates'] / max(c['examples'], 1):4.0%} {c['wall']:6.1f}"
                row["cli_cert"] = ccert
        if r.error:
            line += f"  error: {str(r.error)[:60]}"
        rows.append(row)
        print(line, flush=True)
    searching._decide = decide
    in_scope = [x for x in rows if x["H"] is None or x["H"] <= 8]
    print(f"\n   claims at H ≤ 8 (or without hidden widths): {len(in_scope)} of {len(rows)}")
    ok = [x for x in in_scope if x["cert"] >= TARGET]
    print(f"   ≥ {TARGET:g} certified examples/s in-process: {len(ok)} of {len(in_scope)}")
    if cli:
        ok_cli = [x for x in in_scope if x.get("cli_cert", 0) >= TARGET]
        print(f"   ≥ {TARGET:g} certified examples/s through the CLI: {len(ok_cli)} of {len(in_scope)}")
    below = [x for x in in_scope if x["cert"] < TARGET or (cli and not x.get("cli_cert", 0) >= TARGET)]
    if below:
        print("   below the target (certified/s in-process" + (", CLI" if cli else "") + "; why):")
    for x in below:
        share = f"{x['deciding']:.0%} of the search deciding instances"
        why = ("the strategy has only a few distinct instances (the rate is one evaluation's start-up)"
               if x["stop"] == "exhausted"
               else f"most examples undecided (UNKNOWN is not certified); {share}"
               if x["unknown"] > x["examples"] / 2
               else f"evaluation-bound: {share}" if x["deciding"] >= 0.5
               else f"drawing-bound (Hypothesis and the strategy): {share}")
        rates = f"{x['cert']:.1f}" + (f", {x.get('cli_cert', float('nan')):.1f}" if cli else "")
        print(f"     {x['id']:44s} {rates:>14s}  {why}")


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
    ap.add_argument("--examples", type=int, default=PROFILES["ci"].examples, help="example budget per search in part 2")
    ap.add_argument("--seconds", type=float, default=PROFILES["ci"].seconds, help="time budget per search in part 2")
    ap.add_argument("--no-cli", action="store_true", help="part 2 in-process only (no relu-verify subprocesses)")
    args = ap.parse_args()
    claims = [c for c in verify.all_claims() if fnmatch.fnmatchcase(c, args.claims)]
    if not claims:
        ap.error(f"no claim matches {args.claims!r}")
    part1(args.n, claims)
    part2(claims, Budget(args.examples, args.seconds), cli=not args.no_cli)
    if not args.quick:
        part3()


if __name__ == "__main__":
    main()
