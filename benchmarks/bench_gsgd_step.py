#!/usr/bin/env python3
"""Benchmark: one G-SGD step against one SGD step (numpy float64, `verify.gsgd19.gsgd`).

For each equal-width MLP (bias-free, He init, softmax cross-entropy on a random minibatch):
  * "bp+update": backprop (`softmax_xent_grad`) followed by the optimizer's update — the cost of a
    training step, since both methods need the gradient;
  * "update": the optimizer's update alone, on a fixed gradient.
Medians over ``--repeat`` runs (time.perf_counter, after a warm-up; SGD and G-SGD timed
round-robin so that load drift hits both alike).  The ratio G-SGD / SGD of
the full step is compared with the target 2× (reported, not asserted).  Both start from the
official-style init (He init, then every skeleton weight overwritten with 1, `overwrite_one_np`),
where V_j = 1 and the G-SGD rates are moderate, with lr = 1e-3, so that the repeated steps stay
finite (timings do not depend on the values; from a plain He init the tiny V_j² make the
gauge-free rates huge and the repeated steps of a benchmark overflow).

BLAS runs single-threaded unless OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS are set.

Then, for information, the general optimizer `GSGDGeneral` (unequal widths, dense precomputed
B_F^{-1}, O(m²) per step) on a small net.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # single-threaded BLAS unless set: stable timings on a shared 2-core box

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from verify.gsgd19.gsgd import GSGD, SGD, GSGDGeneral, init_mlp, overwrite_one_np, softmax_xent_grad

TARGET = 2.0


def interleaved_medians(fns, repeat):
    """Median time of each function, calling them round-robin (one warm-up call each), so that
    load drift on a shared machine affects all of them alike."""
    for fn in fns:
        fn()
    ts = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            ts[k].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in ts]


def bench(widths, batch, repeat, make_opts, seed=0):
    """make_opts: list of (factory(Ws) -> optimizer).  Each optimizer gets its own copy of the same
    initial weights.  Returns per optimizer (full-step median, update-alone median), the
    backprop-only median and the optimizers."""
    rng = np.random.default_rng(seed)
    W0 = overwrite_one_np(init_mlp(widths, rng))
    X = rng.random((batch, widths[0]))
    y = rng.integers(0, widths[-1], batch)
    runs = []
    for make in make_opts:
        Ws = [A.copy() for A in W0]
        opt = make(Ws)
        _, grads = softmax_xent_grad(Ws, X, y)
        runs.append((Ws, opt, grads))

    def full(Ws, opt):
        return lambda: opt.step(Ws, softmax_xent_grad(Ws, X, y)[1])

    def update(Ws, opt, grads):
        return lambda: opt.step(Ws, grads)

    fulls = interleaved_medians([full(Ws, opt) for Ws, opt, _ in runs], repeat)
    updates = interleaved_medians([update(*r) for r in runs], repeat)
    Wb = [A.copy() for A in W0]
    (bp,) = interleaved_medians([lambda: softmax_xent_grad(Wb, X, y)], repeat)
    return list(zip(fulls, updates)), bp, [opt for _, opt, _ in runs]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args(argv)
    cases = [("784-512-512-512-10", [784, 512, 512, 512, 10], 128),
             ("digits 64-64-64-64-10", [64, 64, 64, 64, 10], 32)]
    print(f"{'net':24s} {'batch':>5s} {'m':>8s} | {'SGD bp+upd':>10s} {'G-SGD bp+upd':>12s} {'ratio':>6s} | "
          f"{'SGD upd':>9s} {'G-SGD upd':>9s} {'ratio':>6s} | {'bp only':>8s} | target <{TARGET}x")
    ok = True
    for name, widths, batch in cases:
        m = sum(widths[t] * widths[t + 1] for t in range(len(widths) - 1))
        ((sf, su), (gf, gu)), bp, (_, gopt) = bench(
            widths, batch, args.repeat, [lambda Ws: SGD(Ws, 1e-3), lambda Ws: GSGD(Ws, 1e-3)])
        r = gf / sf
        ok &= r < TARGET
        print(f"{name:24s} {batch:5d} {m:8d} | {sf * 1e3:8.3f}ms {gf * 1e3:10.3f}ms {r:6.2f} | "
              f"{su * 1e3:7.3f}ms {gu * 1e3:7.3f}ms {gu / su:6.2f} | {bp * 1e3:6.3f}ms | "
              f"{'met' if r < TARGET else 'NOT met'}")
    print()
    print("General G-SGD (tree basis, dense B_F^{-1}; O(m^2) per step), for information:")
    for name, widths, batch in [("32-24-16-10", [32, 24, 16, 10], 32), ("16-12-8-12-4", [16, 12, 8, 12, 4], 32)]:
        m = sum(widths[t] * widths[t + 1] for t in range(len(widths) - 1))
        t0 = time.perf_counter()
        GSGDGeneral(widths, 1e-3)
        setup = time.perf_counter() - t0
        ((sf, su), (gf, gu)), _, _ = bench(
            widths, batch, args.repeat, [lambda Ws: SGD(Ws, 1e-3), lambda Ws: GSGDGeneral(Ws, 1e-3)])
        print(f"  {name:14s} m = {m:5d}: setup {setup * 1e3:8.1f} ms; step bp+upd SGD {sf * 1e3:.3f} ms, "
              f"GSGDGeneral {gf * 1e3:.3f} ms (ratio {gf / sf:.1f}); update alone {gu * 1e3:.3f} ms")
    print()
    print(f"target (G-SGD full step < {TARGET}x SGD full step, equal widths): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
