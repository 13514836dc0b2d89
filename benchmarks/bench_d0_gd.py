#!/usr/bin/env python3
"""Benchmark: certified mini-batch GD on the yoneda23 construction D0 (verify.yoneda23.d0).

Problem (spec shared/claims/004-pointwise-indicator.md §2.2, claim 3.13): d = 1, N = 2, head wc,
θ^0 = (−4, 8/5), η = 1/20, batch cells(m = 2) (L_t on the dyadic cell Q_{t mod 4}, normalized).

Prints, per precision (128 and 512 bits):
  * certified GD (`gd_ball`, blocked mean-value form of the 3.8 closed form while its regime is
    certified, 64-step blocks): wall time, iterations per second, how many steps used the closed
    form vs the general ball engine;
  * the enclosure width (max diameter of the iterate balls (w_t, c_t)) at t = 10^4, 10^5, 10^6
    (``--quick``: 10^4, 10^5), and the certified a_t = −w_t at the end;
  * float64 GD on the same run (`gd_float`, the same closed form in Python floats): iterations per
    second, the ratio certified / float, and |float − ball midpoint| at the end.
Also, for scale: the float numpy piece engine (no closed form) and the general ball engine (no
closed form; X' = X − η∇L(X) by interval extension, whose widths grow geometrically -- it stops
at width 1) on short runs, and the width at 10^5 steps with one-step blocks (re-wrapping every
step) against 64-step blocks.
Total runtime about 1 minute (``--quick``: about 10 s).  No timing assertions.
"""

from __future__ import annotations

import argparse
import time

from verify.yoneda23.d0 import D0, Batch, gd_ball, gd_float
from verify.numbers import precision

CFG = D0(d=1, N=2, batch=Batch.cells(2))


def fmt_w(x) -> str:
    return f"{float(x):.3e}"


def ball_run(prec: int, steps: int, marks, block: int = 64, fast: bool = True):
    t0 = time.perf_counter()
    tr = gd_ball(CFG, steps, prec=prec, record=set(marks), block=block, fast=fast)
    wall = time.perf_counter() - t0
    return tr, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="stop at 10^5 steps (about 10 s)")
    args = ap.parse_args()
    steps = 10 ** 5 if args.quick else 10 ** 6
    marks = [10 ** 4, 10 ** 5] + ([10 ** 6] if not args.quick else [])
    total = time.perf_counter()
    print(f"D0: d = 1, N = 2, head wc, θ^0 = (-4, 8/5), η = 1/20, batch cells(m = 2); {steps:,} GD steps")

    t0 = time.perf_counter()
    fl = gd_float(CFG, steps, record=set(marks))
    wall_f = time.perf_counter() - t0
    rate_f = steps / wall_f
    print(f"\nfloat64 (closed form in Python floats): {wall_f:7.2f} s   {rate_f:12,.0f} it/s   "
          f"engine steps {fl.engine_steps}")
    for prec in (128, 512):
        tr, wall = ball_run(prec, steps, marks)
        rate = steps / wall
        print(f"\nball, {prec} bits: {wall:7.2f} s   {rate:12,.0f} it/s   certified/float time ratio "
              f"{rate_f / rate:6.1f}   engine steps {tr.engine_steps}   complete: {tr.complete}")
        print("  width (max diameter of (w_t, c_t)) at   " +
              "   ".join(f"t = {t:.0e}: {fmt_w(tr.widths[tr.times.index(t)])}" for t in marks))
        w_end, c_end = tr.final
        with precision(prec):
            print(f"  a_T = -w_T ∈ {(-w_end).str(20, radius=False)}… (radius {fmt_w(w_end.rad())})   "
                  f"c_T ∈ {c_end.str(20, radius=False)}… (radius {fmt_w(c_end.rad())})")
        diff = max(abs(float(b.mid()) - f) for b, f in zip(tr.final, fl.final))
        print(f"  |float − ball midpoint| at T: {diff:.2e}")

    print("\nfor scale (128 bits):")
    n_gen = 200 if args.quick else 1000
    t0 = time.perf_counter()
    gd_float(CFG, n_gen, fast=False)
    wall = time.perf_counter() - t0
    print(f"  float numpy piece engine (no closed form):  {n_gen / wall:10,.0f} it/s")
    t0 = time.perf_counter()
    tr = gd_ball(CFG, n_gen, prec=128, record=set(range(0, n_gen + 1, 10)), fast=False, max_width=1)
    wall = time.perf_counter() - t0
    reached = tr.times[-1]
    print(f"  ball general engine (no closed form, naive interval step): {reached / wall:10,.0f} it/s   widths at "
          f"t = 10, 50, 100: " + ", ".join(fmt_w(tr.widths[tr.times.index(t)]) for t in (10, 50, 100)) +
          f"   ({'complete' if tr.complete else 'stopped: ' + tr.reason})")
    n1 = 10 ** 5 if not args.quick else 2 * 10 ** 4
    for block in (1, 64):
        tr, wall = ball_run(128, n1, [n1], block=block)
        print(f"  blocks of {block:3d} step(s): width at t = {n1:.0e}: {fmt_w(tr.widths[-1])}   ({n1 / wall:,.0f} it/s)")
    print(f"\ntotal {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
