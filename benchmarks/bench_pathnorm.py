#!/usr/bin/env python3
"""Benchmark: certified log-domain L^q path-norm vs the toolkit's float64 single forward pass.

Network: a bias-free 784-(20 × 1024)-10 MLP (20 hidden layers of width 1024, 21 weight layers,
~20.7M weights), He-style float64 weights W_l ~ N(0, 2/h_{l-1}) drawn with
``numpy.random.default_rng(seed)`` (default seed 0), multiplied by ``--scale`` (default 1).

Prints
  1. q = 1 (and q = 2): the toolkit's float64 pass (``np.abs(W) ** q``, all-ones input, sum,
     1/q-th power), a lean float64 pass (q = 1: ``np.abs(W)`` without the power), and
     `log_pathnorm_fast` (certified): median wall time of ``--repeats`` runs, the float values, the
     certified log10 enclosure of the norm, its relative width (of Σ_p |v_p|^q), whether the float
     lies in the certified enclosure and in the enclosure widened by the toolkit's own a-priori
     rounding bound (`toolkit_rounding_bound`), and the time ratio certified / toolkit (target ≤ 10);
  2. overflow: the same net with weights × 2^52: float64 gives inf, the certified log10 is finite;
  3. underflow: q = 4 with weights × 2^-20: float64 gives 0, the certified log10 is finite;
  4. the pure-arb log-domain DP (`log10_pathnorm`, 128 bits) on a 64-(4 × 64)-10 MLP, compared
     with the fast method on the same net.

No timing assertions.  ``--quick`` uses 2 repeats and skips q = 2.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

import numpy as np
from flint import arb

from verify.numbers import ball_bounds, precision
from verify.gsgd19.pathnorm import (
    float_in_enclosure, log10_pathnorm, log_pathnorm_fast, mlp_from_floats, pathnorm_float_toolkit,
    toolkit_rounding_bound, widen_relative,
)

TARGET_RATIO = 10.0


def he_mlp(widths, seed: int, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    Ws = []
    for l in range(len(widths) - 1):
        W = rng.standard_normal((widths[l], widths[l + 1]))
        W *= math.sqrt(2.0 / widths[l]) * scale
        Ws.append(W)
    return Ws


def lean_float_l1(Ws) -> float:
    """The cheapest float64 L^1 pass: |W| (no power), matvec, sum."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        s = np.ones(Ws[0].shape[0])
        for W in Ws:
            s = s @ np.abs(W)
        return float(s.sum())


def median_time(f, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def fmt_ball(x: arb, digits: int = 15) -> str:
    return x.str(digits, radius=True)


def describe(res) -> str:
    if res.log10_sum is None:
        return "Σ = 0 (certified)"
    return (f"log10 ‖Φ‖ ∈ {fmt_ball(res.log10_norm)}   (log10 Σ|v_p|^q ∈ {fmt_ball(res.log10_sum)}; "
            f"rel. width of Σ {res.relative_width:.2e}; method {res.method}; underflow-free {res.underflow_free})")


def contract(Ws, q, value, res) -> tuple[bool, str]:
    """(inside the certified norm enclosure, inside the enclosure widened by the toolkit's a-priori
    bound) — the second only for q = 1 where the norm is the power sum."""
    inside = float_in_enclosure(value, res.norm_ball())
    if q != 1 or not math.isfinite(value):
        return inside, "n/a"
    rho = toolkit_rounding_bound(Ws, 1)
    return inside, str(float_in_enclosure(value, widen_relative(res.sum_ball(), rho)))


def section_main(Ws, q: int, repeats: int) -> float:
    print(f"\n== q = {q}: 784-(20 x 1024)-10, {sum(W.size for W in Ws):,} weights ==")
    log_pathnorm_fast(Ws, q)  # warm-up (BLAS threads, caches)
    t_tk, v_tk = median_time(lambda: pathnorm_float_toolkit(Ws, q), repeats)
    print(f"toolkit float64 single pass  : {t_tk * 1e3:8.1f} ms   value {v_tk!r}")
    if q == 1:
        t_lean, v_lean = median_time(lambda: lean_float_l1(Ws), repeats)
        print(f"lean float64 pass (|W| only) : {t_lean * 1e3:8.1f} ms   value {v_lean!r}")
    t_fast, res = median_time(lambda: log_pathnorm_fast(Ws, q), repeats)
    print(f"certified log_pathnorm_fast  : {t_fast * 1e3:8.1f} ms   {describe(res)}")
    inside, widened = contract(Ws, q, v_tk, res)
    print(f"toolkit float inside certified norm enclosure: {inside}; inside enclosure widened by the "
          f"toolkit's a-priori bound: {widened}")
    ratio = t_fast / t_tk
    print(f"time ratio certified / toolkit = {ratio:.2f}x (target <= {TARGET_RATIO:g}x: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})")
    if q == 1:
        print(f"time ratio certified / lean float = {t_fast / t_lean:.2f}x")
    return ratio


def section_range(Ws, q: int, shift: int, label: str, repeats: int):
    print(f"\n== {label}: weights x 2^{shift}, q = {q} ==")
    Wt = [np.ldexp(W, shift) for W in Ws]
    t_tk, v_tk = median_time(lambda: pathnorm_float_toolkit(Wt, q), repeats)
    t_fast, res = median_time(lambda: log_pathnorm_fast(Wt, q), repeats)
    print(f"toolkit float64 : {t_tk * 1e3:8.1f} ms   value {v_tk!r}")
    print(f"certified       : {t_fast * 1e3:8.1f} ms   {describe(res)}")
    print(f"float inside certified enclosure: {float_in_enclosure(v_tk, res.norm_ball())}")


def section_arb(repeats: int):
    widths = [64] + [64] * 4 + [10]
    Ws = he_mlp(widths, seed=1)
    net = mlp_from_floats(Ws)
    print(f"\n== pure-arb log-domain DP: 64-(4 x 64)-10, {net.m:,} weights, 128 bits ==")
    t_arb, l10 = median_time(lambda: log10_pathnorm(net, 1, 128), max(1, min(repeats, 3)))
    t_fast, res = median_time(lambda: log_pathnorm_fast(Ws, 1), repeats)
    print(f"arb log-domain DP : {t_arb * 1e3:9.1f} ms   log10 ‖Φ‖_1 ∈ {fmt_ball(l10, 20)}")
    print(f"fast float64      : {t_fast * 1e3:9.1f} ms   log10 ‖Φ‖_1 ∈ {fmt_ball(res.log10_norm, 20)}")
    with precision(128):
        lo_a, hi_a = ball_bounds(l10)
        lo_f, hi_f = ball_bounds(res.log10_norm)
    print(f"enclosures overlap: {max(lo_a, lo_f) <= min(hi_a, hi_f)}; arb DP / fast time = {t_arb / t_fast:.0f}x")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply all weights by this factor")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    repeats = 2 if args.quick else args.repeats
    t0 = time.perf_counter()
    widths = [784] + [1024] * 20 + [10]
    t = time.perf_counter()
    Ws = he_mlp(widths, args.seed, args.scale)
    print(f"built 784-(20 x 1024)-10 He MLP (seed {args.seed}, scale {args.scale:g}) in {time.perf_counter() - t:.1f} s; "
          f"numpy {np.__version__}")
    ratios = [section_main(Ws, 1, repeats)]
    if not args.quick:
        ratios.append(section_main(Ws, 2, repeats))
    section_range(Ws, 1, 52, "overflow demo (float64 L^1 path-norm > 1e308)", max(1, repeats // 2))
    section_range(Ws, 4, -20, "underflow demo (float64 L^4 path-norm underflows to 0)", max(1, repeats // 2))
    del Ws
    section_arb(repeats)
    print(f"\nsummary: certified/toolkit time ratios {', '.join(f'{r:.2f}x' for r in ratios)} "
          f"(target <= {TARGET_RATIO:g}x); total {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
