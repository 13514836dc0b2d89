#!/usr/bin/env python3
"""Benchmark: ejrw22.energy-identity, trajectory form (params.T) -- the theorem's HOLDS and its cross-check.

The verdict rests on the theorem of proofs_notes/ejrw22.md#energy-trajectory (hypotheses re-derived from the
raw data, exact); the certified enclosure of `verify.flows` is a cross-check with a wall-clock budget
(params.cross_check_seconds, default 1 s).  Per case: the seconds of one `verify.check`, the verdict, the
cross-check's certified steps (= step boxes) and the horizon it reached, and the seconds of the same check
without the clock (the former cross-check, up to params.max_steps = 4000; the verdict is the same).  Cases: the spec example, the slow
instance of the issue (|P𝒢| ≈ 28: steps ~8·10⁻⁶ at tol 10⁻⁵), a kink at B, M_B with an indicator target,
H = 2, H = 4; then ``-n`` instances drawn from the claim's own strategy (seeded): decided / drawn, median and max
seconds.  No timing assertions; about 40 s (``--quick``: the fixed cases only, the clockless runs skipped).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import verify
from verify.ejrw22 import claims as E

CID = "ejrw22.energy-identity"
CASES = [
    ("spec example, T = 1/2", E._i(["4/5", "-3/5", "1", "0"], target=E.IDENTITY, params={"T": "1/2"})),
    ("slow: f = 1 + 2x on [1, 2], T = 1/4", E._i(["3/5", "4/5", "-5/3", "1/2"],
                                                   target={"kind": "polynomial", "coefficients": ["1", "2"]},
                                                   measure={"kind": "lebesgue", "box": [["1", "2"]]},
                                                   params={"T": "1/4"})),
    ("kink near B = 0, T = 1/8", E._i(["-999999999999/1000000000001", "-2000000/1000000000001", "-3", "-1"],
                                      target={"kind": "polynomial", "coefficients": ["3/2", "-1/2"]},
                                      measure={"kind": "lebesgue", "box": [["-2", "0"]]}, params={"T": "1/8"})),
    ("M_B, indicator target, density, T = 1/8",
     {**E._i(["-1", "1/3", "2", "-1/2"], target={"kind": "indicator", "set": {"interval": ["1/2", "2"]}},
             measure={"kind": "density", "pieces": [{"interval": ["0", "1/2"], "coefficients": ["1"]},
                                                    {"interval": ["1/2", "1"], "coefficients": ["3"]}]},
             params={"T": "1/8"}), "variants": ["manifold-B"]}),
    ("H = 2, T = 1/8", E._i(["3/5", "-5/13", "4/5", "12/13", "1", "-1", "1/2"],
                            target={"kind": "polynomial", "coefficients": ["1/3", "1"]},
                            measure={"kind": "lebesgue", "box": [["-1", "1"]]}, params={"T": "1/8"})),
    ("H = 4, PL target, T = 1/4", E._i(["3/5", "-5/13", "8/17", "-7/25", "4/5", "12/13", "-15/17", "24/25", "1", "-1",
                                        "1/2", "2", "0"],
                                       target={"kind": "piecewise-linear", "knots": [["-1", "0"], ["0", "1"], ["1", "0"]]},
                                       measure={"kind": "lebesgue", "box": [["-1", "1"]]}, params={"T": "1/4"})),
]


def run(inst):
    t0 = time.perf_counter()
    v = verify.check(CID, inst)
    dt = time.perf_counter() - t0
    steps, reached = "-", "-"
    for n in v.notes:
        m = re.search(r"T = ([0-9/]+), (\d+) certified steps", n)
        if m:
            reached, steps = m.group(1), m.group(2)
    status = str(v.status).split(".")[-1] + (" (vacuous)" if v.vacuous else "")
    return dt, status, steps, reached


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("-n", type=int, default=30, help="strategy instances")
    args = ap.parse_args()
    print(f"{'case':44s} {'s':>6s} {'verdict':>8s} {'steps':>6s} {'reached':>12s} {'no clock':>8s}")
    for name, inst in CASES:
        dt, st, steps, reached = run(inst)
        old = "-"
        if not args.quick:
            old = f"{run({**inst, 'params': {**inst['params'], 'cross_check_seconds': '1000'}})[0]:.2f}"
        print(f"{name:44s} {dt:6.2f} {st:>8s} {steps:>6s} {reached:>12s} {old:>8s}")
    if args.quick:
        return
    from hypothesis import HealthCheck, Phase, given, settings

    from verify.ejrw22 import strategies as vst

    times, decided, drawn = [], 0, 0

    @settings(max_examples=args.n, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(vst.ejrw22_instances(horizon=True))
    def draw(inst):
        nonlocal decided, drawn
        dt, st, _, _ = run(inst)
        times.append(dt)
        drawn += 1
        decided += st != "UNKNOWN"
    draw()
    print(f"strategy instances (half with params.T): decided {decided}/{drawn}; seconds per check median "
          f"{statistics.median(times):.3f}, max {max(times):.2f}, over 2 s (the ci per-example limit) "
          f"{sum(t > 2 for t in times)}")


if __name__ == "__main__":
    main()
