"""Benchmark (issue 4, item 1): exact rescaling invariance and exact rank for a 16-64-64-4 MLP.

Prints, from one run:
* the exact check of claims 1-2 on a 16-64-64-4 MLP with random rational weights and random rational
  factors c (powers of two and p/q): g_c(w) computed exactly, the forward passes of w and g_c(w)
  on a batch of rational inputs compared with ==, and all n = 16·64·64·4 = 262 144 path values
  compared (forward DP over prefix products, no enumeration);
* the same forward passes in numpy float64 (time ratio exact / float, and whether float64 happens
  to give bitwise-equal outputs);
* rank A = m − H certified without forming the 5376 × 262 144 structure matrix
  (`paths.certified_structure_rank`: peeling of the skeleton basis + H kernel vectors checked by a
  prefix-sum DP), and, for scale, the dense exact rank of the whole A on a smaller 8-16-16-4 MLP.

Usage: python3 benchmarks/bench_paths.py [--widths 16,64,64,4] [--inputs 8]
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
from flint import fmpq

from verify.gsgd19 import paths
from verify.dag import DagNetwork


def timed(f, *a, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f(*a)
        best = min(best, time.perf_counter() - t)
    return best, out


def random_mlp(widths, rng):
    W = [[[fmpq(rng.choice([-1, 1]) * rng.randint(1, 64), rng.randint(1, 16)) for _ in range(widths[l])]
          for _ in range(widths[l - 1])] for l in range(1, len(widths))]
    return DagNetwork.mlp(widths, W)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--widths", default="16,64,64,4")
    ap.add_argument("--inputs", type=int, default=8)
    args = ap.parse_args()
    widths = [int(t) for t in args.widths.split(",")]
    rng = random.Random(0)
    net = random_mlp(widths, rng)
    cs = [fmpq(2) ** rng.randint(-60, 60) if k % 2 else fmpq(rng.randint(1, 9), rng.randint(1, 9))
          for k in range(net.H)]
    xs = [[fmpq(rng.randint(-8, 8), rng.randint(1, 4)) for _ in range(net.d)] for _ in range(args.inputs)]
    print(f"network {widths}: m = {net.m} weights, H = {net.H} hidden, n = {paths.count_paths(net)} paths")

    t_scale, g = timed(net.scale, cs)
    t_fwd, outs = timed(lambda: [(net(x), g(x)) for x in xs])
    same = all(a == b for a, b in outs)
    t_pv, (v, gv) = timed(lambda: (paths.path_values_dp(net), paths.path_values_dp(g)))
    print(f"exact g_c(w): {t_scale * 1e3:.1f} ms; forward passes of w and g_c(w) on {len(xs)} inputs: "
          f"{t_fwd * 1e3:.1f} ms; outputs equal (==): {same}")
    print(f"all {len(v)} path values of w and g_c(w) by forward DP: {t_pv:.2f} s; equal (==): {v == gv}")

    Wf = [np.array([[float(t) for t in row] for row in Wl]) for Wl in net.matrices()]
    Wg = [np.array([[float(t) for t in row] for row in Wl]) for Wl in g.matrices()]
    X = np.array([[float(t) for t in x] for x in xs])

    def float_forward(Ws):
        h = X
        for W in Ws[:-1]:
            h = np.maximum(h @ W, 0.0)
        return h @ Ws[-1]
    t_float, yf = timed(float_forward, Wf, repeat=20)
    yg = float_forward(Wg)
    print(f"numpy float64 forward of the same batch: {t_float * 1e3:.3f} ms -> exact/float time ratio "
          f"{t_fwd / 2 / t_float:.0f}x; float64 outputs of w and g_c(w) bitwise equal: {bool(np.array_equal(yf, yg))} "
          f"(max rel. diff {float(np.max(np.abs(yf - yg) / np.maximum(np.abs(yf), 1e-300))):.2e})")

    t_basis, B = timed(paths.skeleton_basis_direct, net)
    t_rank, cert = timed(paths.certified_structure_rank, net, B)
    print(f"rank A = {cert.rank} = m − H = {net.m - net.H}: certified in {t_rank:.2f} s (+ {t_basis:.2f} s to build "
          f"the {len(B)} skeleton basis paths); lower bound: {cert.lower}; upper bound: {cert.upper}")

    small = random_mlp([8, 16, 16, 4], rng)
    ps = paths.enumerate_paths(small)
    t_dense, r = timed(lambda: paths.rank(paths.structure_matrix(small, ps)))
    t_c, c2 = timed(paths.certified_structure_rank, small)
    print(f"for scale, 8-16-16-4 ({len(ps)} paths): dense exact rank of A {r} in {t_dense:.2f} s; certificate "
          f"{c2.rank} in {t_c * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
