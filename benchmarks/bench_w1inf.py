#!/usr/bin/env python3
"""Benchmark: exact W^{1,∞} distances of shallow ReLU networks (beg19 claims 1 and 2).

(1) 1-D: `verify.realization.w1inf_distance` (exact, fmpq) between two random rational shallow nets
    of widths H = 10, 100, 1000, 10000 on [−1, 1] — wall time per width and the least-squares
    growth exponent in H (target ≤ 1.3) — against float64 evaluation on a uniform 10⁶-point grid
    (sup |f| and sup |finite-difference slope|), done two ways: the dense numpy evaluation
    Σ_i c_i max(a_i x + b_i, 0) in chunks (H ≤ 1000; too slow beyond) and a sorted-breakpoint
    evaluation (cumulative sums of slopes/intercepts, all H).  Then 20 random pairs at H = 100 with
    kinks at random rationals: how often the dense grid value misses the exact value by more than
    1e-9 relative, and the worst relative miss.
(2) d = 2 on [−1, 1]²: the exact arrangement engine (`verify.beg19.arrangement.w1inf_report`, vertices
    + all cells) for m = m′ = 5, 10, 20, 40 (hyperplanes through random points of the square; the
    neuron cap is lifted with ``max_neurons=None``), and the exact branch and bound
    (`w1inf_bnb`, norm max, tol 1e-6, ≤ 20000 boxes) on the same instances: time and final gap.

Prints only; never asserts.  Seeded (random.Random(0)); total runtime about a minute.
"""

from __future__ import annotations

import math
import random
import sys
import time

import numpy as np
from flint import fmpq

from verify.beg19 import arrangement
from verify import realization
from verify.nets import Network

GRID = 10 ** 6
CHUNK = 1 << 15
EXPONENT_TARGET = 1.3


# ---- instances ---------------------------------------------------------------------------------
def rational(rnd: random.Random, num: int, den: int) -> fmpq:
    return fmpq(rnd.randint(-num, num), rnd.randint(1, den))


def random_net_1d(H: int, rnd: random.Random, kink_den: int = 2 ** 16) -> Network:
    """Kinks t_i = k/kink_den inside (−1, 1) (random rationals when kink_den is random per neuron)."""
    a, b, c = [], [], []
    for _ in range(H):
        ai = fmpq(rnd.choice((-1, 1)) * rnd.randint(1, 16), rnd.randint(1, 8))
        den = kink_den if kink_den else rnd.randint(2, 10 ** 4)
        t = fmpq(rnd.randint(-den + 1, den - 1), den)
        a.append(ai)
        b.append(-ai * t)
        c.append(rational(rnd, 20, 8))
    return Network((1, H, 1), tuple(a + b + c + [rational(rnd, 8, 8)]))


def random_net_dd(d: int, m: int, rnd: random.Random) -> Network:
    """Hyperplanes through random points of the open cube, random rational normals."""
    a, b, c = [], [], []
    for _ in range(m):
        ai = [rational(rnd, 9, 9) for _ in range(d)]
        if all(x == 0 for x in ai):
            ai[0] = fmpq(1)
        p = [fmpq(rnd.randint(-999, 999), 1000) for _ in range(d)]
        a += ai
        b.append(-sum((x * y for x, y in zip(ai, p)), fmpq(0)))
        c.append(rational(rnd, 9, 9))
    return Network((d, m, 1), tuple(a + b + c + [rational(rnd, 9, 7)]))


def as_float_terms(net: Network, other: Network):
    H1, H2 = net.H, other.H
    a = np.array([float(net.theta[i]) for i in range(H1)] + [float(other.theta[i]) for i in range(H2)])
    b = np.array([float(net.theta[H1 + i]) for i in range(H1)] + [float(other.theta[H2 + i]) for i in range(H2)])
    c = np.array([float(net.theta[2 * H1 + i]) for i in range(H1)]
                 + [-float(other.theta[2 * H2 + i]) for i in range(H2)])
    return a, b, c, float(net.theta[-1]) - float(other.theta[-1])


# ---- float baselines ---------------------------------------------------------------------------
def grid_dense(a, b, c, e, n=GRID):
    """max(sup |f|, sup |Δf/h|) on a uniform grid of [−1, 1], dense evaluation in chunks."""
    x = np.linspace(-1.0, 1.0, n)
    f = np.empty(n)
    for s in range(0, n, CHUNK):
        xs = x[s:s + CHUNK]
        f[s:s + CHUNK] = np.maximum(np.multiply.outer(xs, a) + b, 0.0) @ c + e
    return _grid_norms(x, f)


def grid_sorted(a, b, c, e, n=GRID):
    """The same grid values from sorted breakpoints: f(x) = e + Σ_{active} c_i (a_i x + b_i),
    activity changes only at t_i = −b_i/a_i, so cumulative sums of (c a, c b) give f in O(n + H log H)."""
    x = np.linspace(-1.0, 1.0, n)
    nz = a != 0
    const = e + np.sum(c[~nz] * np.maximum(b[~nz], 0.0))
    a, b, c = a[nz], b[nz], c[nz]
    t = -b / a
    # active for x > t when a > 0, for x < t when a < 0
    slope0 = np.sum(np.where(a < 0, c * a, 0.0))
    icpt0 = np.sum(np.where(a < 0, c * b, 0.0))
    order = np.argsort(t)
    ts = t[order]
    ds = np.where(a[order] > 0, 1.0, -1.0) * (c[order] * a[order])
    di = np.where(a[order] > 0, 1.0, -1.0) * (c[order] * b[order])
    cs = np.concatenate(([0.0], np.cumsum(ds)))
    ci = np.concatenate(([0.0], np.cumsum(di)))
    k = np.searchsorted(ts, x, side="left")
    f = const + icpt0 + ci[k] + (slope0 + cs[k]) * x
    return _grid_norms(x, f)


def _grid_norms(x, f):
    """(sup |f|, sup |Δf/h|) on the grid."""
    return float(np.max(np.abs(f))), float(np.max(np.abs(np.diff(f) / np.diff(x))))


def timed(fn, *args, repeat=1):
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


# ---- part 1 ------------------------------------------------------------------------------------
def part1(rnd: random.Random):
    print("(1) 1-D exact W^{1,inf} distance on [-1, 1] (realization.w1inf_distance) vs float64 grid "
          f"of {GRID:,} points")
    print(f"{'H':>6} {'exact s':>10} {'dense grid s':>13} {'sorted grid s':>14} "
          f"{'exact/dense':>12} {'exact/sorted':>13} {'rel. miss (dense)':>18}")
    widths, times = [], []
    for H in (10, 100, 1000, 10000):
        n1, n2 = random_net_1d(H, rnd), random_net_1d(H, rnd)
        te, exact = timed(realization.w1inf_distance, n1, n2, 1, "max", repeat=3 if H <= 1000 else 1)
        terms = as_float_terms(n1, n2)
        ts, gs = timed(grid_sorted, *terms)
        if H <= 1000:
            td, gd = timed(grid_dense, *terms)
            dense_txt, ratio_d = f"{td:13.4f}", f"{te / td:12.3g}"
            miss = f"{(float(exact) - max(gd)) / float(exact):18.2e}"
        else:
            dense_txt, ratio_d = f"{'(skipped)':>13}", f"{'-':>12}"
            miss = f"{(float(exact) - max(gs)) / float(exact):17.2e}s"
        widths.append(H)
        times.append(te)
        print(f"{H:>6} {te:10.4f} {dense_txt} {ts:14.4f} {ratio_d} {te / ts:13.3g} {miss}")
    lx, ly = np.log(widths), np.log(times)
    slope = float(np.polyfit(lx, ly, 1)[0])
    slope_top = float(np.polyfit(lx[1:], ly[1:], 1)[0])
    print(f"    growth exponent of the exact time in H: {slope:.3f} (all widths), {slope_top:.3f} "
          f"(H >= 100); target <= {EXPONENT_TARGET}: {'met' if slope <= EXPONENT_TARGET else 'NOT met'}")
    print("    (rel. miss = (exact - grid)/exact, negative = float rounding above the truth; the "
          "s-suffixed one at H = 10000 is the sorted-breakpoint grid's)")

    print("\n    20 random pairs at H = 100, kinks at random rationals k/q (q <= 10^4), dense grid, "
          "relative miss (exact - grid)/exact of:")
    rows = {"W^{1,inf} (max)": [], "sup |f| (L^inf)": [], "sup |f'|": []}
    times_e, times_g = [], []
    for _ in range(20):
        n1, n2 = random_net_1d(100, rnd, kink_den=0), random_net_1d(100, rnd, kink_den=0)
        te, f = timed(realization.difference, n1, n2, 1)
        te2, exact = timed(realization.w1inf_distance, n1, n2, 1)
        tg, (gsup, glip) = timed(grid_dense, *as_float_terms(n1, n2))
        times_e.append(te2)
        times_g.append(tg)
        for key, ex, gv in (("W^{1,inf} (max)", exact, max(gsup, glip)), ("sup |f| (L^inf)", f.sup_norm(), gsup),
                            ("sup |f'|", f.lip_norm(), glip)):
            rows[key].append((float(ex) - gv) / float(ex))
    for key, rel in rows.items():
        rel = np.array(rel)
        print(f"    {key:>16}: misses > 1e-9 relative in {int(np.sum(np.abs(rel) > 1e-9))}/20 pairs, "
              f"worst |miss| {np.max(np.abs(rel)):.3e}, median {np.median(rel):.2e}")
    print(f"    mean time exact {np.mean(times_e) * 1e3:.2f} ms, dense grid {np.mean(times_g) * 1e3:.1f} ms "
          f"(ratio exact/grid {np.mean(times_e) / np.mean(times_g):.3g})")
    return slope


# ---- part 2 ------------------------------------------------------------------------------------
def part2(rnd: random.Random):
    print("\n(2) d = 2 on [-1, 1]^2: exact arrangement engine vs exact branch and bound (norm max, "
          "tol 1e-6, <= 20000 boxes)")
    print(f"{'m=m2':>5} {'planes':>6} {'vertices':>8} {'cells':>6} {'exact s':>8} {'||f||':>12} "
          f"{'bnb s':>7} {'boxes':>6} {'gap':>9} {'rel gap':>9} {'complete':>8} {'encl. ok':>8}")
    budget = 120.0
    t_start = time.perf_counter()
    for m in (5, 10, 20, 40):
        if time.perf_counter() - t_start > budget:
            print(f"{m:>5}  skipped (time budget of {budget:.0f} s for part 2 used up)")
            continue
        n1, n2 = random_net_dd(2, m, rnd), random_net_dd(2, m, rnd)
        te, rep = timed(arrangement.w1inf_report, n1, n2, 1, None)
        ex = rep.norm("max")
        planes = len(arrangement.reduced_form(n1, n2, 1, max_neurons=None).planes)
        tb, enc = timed(arrangement.w1inf_bnb, n1, n2, 1, "max")
        rel = float(enc.gap) / float(ex) if ex else 0.0
        print(f"{m:>5} {planes:>6} {rep.vertices:>8} {rep.cells:>6} {te:8.3f} {float(ex):12.6g} {tb:7.3f} "
              f"{enc.boxes:>6} {float(enc.gap):9.2e} {rel:9.2e} {str(enc.complete):>8} "
              f"{str(enc.contains(ex)):>8}")
    print("    (sup norm: all C(n + 4, 2) 2x2 systems; gradient: every cell by exact polytope clipping; "
          "the exact engine's default cap m + m' <= 20 is lifted here)")
    print("\n    same, gradient-dominated variant: the B&B on norm 'semi' (gradient part only)")
    for m in (5, 10, 20):
        n1, n2 = random_net_dd(2, m, rnd), random_net_dd(2, m, rnd)
        rep = arrangement.w1inf_report(n1, n2, 1, None)
        tb, enc = timed(arrangement.w1inf_bnb, n1, n2, 1, "semi")
        print(f"{m:>5} exact {float(rep.norm('semi')):10.6g}  bnb {tb:6.3f} s, {enc.boxes:>6} boxes, gap "
              f"{float(enc.gap):.2e}, complete {enc.complete}, enclosure ok {enc.contains(rep.norm('semi'))}")


def main():
    rnd = random.Random(0)
    t0 = time.perf_counter()
    part1(rnd)
    part2(rnd)
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
