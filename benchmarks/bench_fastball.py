"""Certified forward + backward passes in fast-ball arithmetic against numpy float64 (issue 18).

For He-initialised ReLU MLPs and Gaussian data, one run measures side by side:

1. the certified loss and gradient (`verify.enclosures.loss_and_gradient`: forward pass,
   mean squared loss, backpropagation, every quantity a float64 midpoint–radius ball) against the
   same computation in plain numpy float64 -- time ratio (targets: ≤ 10× at 16-64-4 ×256, ≤ 3× at
   64-256-10 ×4096 and above); the one-time exact conversion of θ to balls is timed apart;
2. the enclosure width relative to |value| (max and median over the gradient entries and the
   loss; target ≤ 1e-10 at depth ≤ 6) and how many gradient signs the balls leave undecided (the
   cases where a claim would escalate to Arb);
3. at the smallest size, the same computation in `mpmath.iv` (naive interval loops) and in Arb
   (today's `DagNetwork.gradient` on `arb` balls, scalar loops) -- time ratios (target: ≥ 1000×
   faster than mpmath.iv).  ``--quick`` runs the interval baselines on 32 of the 256 rows and
   scales linearly (the cost is linear in the batch), and skips the 784-(4×1024)-10 size.

Prints measurements only; nothing here asserts on time.  Run from the repository root with one
BLAS thread, as the comparison assumes: ``OPENBLAS_NUM_THREADS=1 python3 benchmarks/bench_fastball.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import verify  # noqa: E402
from verify import fastball as fb  # noqa: E402
from verify.enclosures import ball_network, data_balls, loss_and_gradient  # noqa: E402

SIZES = [((16, 64, 4), 256), ((64, 256, 10), 4096), ((784, 1024, 10), 1024),
         ((784, 1024, 1024, 1024, 1024, 10), 1024)]


def he_net(widths, rng):
    Ws = [rng.standard_normal((widths[l + 1], widths[l])) * np.sqrt(2.0 / widths[l]) for l in range(len(widths) - 1)]
    bs = [rng.standard_normal(widths[l + 1]) * 0.1 for l in range(len(widths) - 1)]
    return Ws, bs


def float_loss_grad(Ws, bs, X, Y):
    """The same loss (1/N)Σ‖𝒩(x) − y‖² and gradient in plain float64 (ReLU′(0) = 0)."""
    acts, zs = [X], []
    A = X
    for l, (W, b) in enumerate(zip(Ws, bs)):
        Z = A @ W.T + b
        if l == len(Ws) - 1:
            break
        zs.append(Z)
        A = np.maximum(Z, 0.0)
        acts.append(A)
    N = X.shape[0]
    R = Z - Y
    loss = float(np.sum(R * R)) / N
    D = (2.0 / N) * R
    gW, gb = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        gW[l] = D.T @ acts[l]
        gb[l] = D.sum(axis=0)
        if l > 0:
            D = (D @ Ws[l]) * (zs[l - 1] > 0)
    return loss, gW, gb


def best_of(f, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def rel_width(ball: fb.FastBall):
    lo, hi = ball.bounds()
    mag = np.maximum(np.abs(ball.mid), np.finfo(float).tiny)
    rw = ((hi - lo) / mag).ravel()
    undecided = int(np.count_nonzero((lo <= 0) & (hi >= 0) & (ball.mid != 0)))
    return float(rw.max()), float(np.median(rw)), undecided


def mpmath_iv_loss_grad(Ws, bs, X, Y):
    """Naive `mpmath.iv` loops: the same forward pass, loss and backpropagation."""
    from mpmath import iv

    iv.prec = 53
    W = [[[iv.mpf(float(x)) for x in row] for row in Wl] for Wl in Ws]
    B = [[iv.mpf(float(x)) for x in bl] for bl in bs]
    N = len(X)
    gW = [[[iv.mpf(0)] * len(Wl[0]) for _ in Wl] for Wl in Ws]
    gb = [[iv.mpf(0)] * len(bl) for bl in bs]
    loss = iv.mpf(0)
    for x, y in zip(X, Y):
        acts, zs = [[iv.mpf(float(v)) for v in x]], []
        for l in range(len(W)):
            z = [B[l][i] + sum((W[l][i][j] * acts[-1][j] for j in range(len(acts[-1]))), iv.mpf(0))
                 for i in range(len(W[l]))]
            if l == len(W) - 1:
                break
            zs.append(z)
            acts.append([iv.mpf([0, max(0, v.b)]) if v.a < 0 < v.b else (v if v.a >= 0 else iv.mpf(0)) for v in z])
        r = [z[k] - float(y[k]) for k in range(len(z))]
        loss += sum((rk * rk for rk in r), iv.mpf(0)) / N
        D = [2 * rk / N for rk in r]
        for l in range(len(W) - 1, -1, -1):
            for i in range(len(W[l])):
                gb[l][i] += D[i]
                for j in range(len(acts[l])):
                    gW[l][i][j] += D[i] * acts[l][j]
            if l > 0:
                D = [sum((W[l][i][j] * D[i] for i in range(len(W[l]))), iv.mpf(0)) *
                     (1 if zs[l - 1][j].a > 0 else (0 if zs[l - 1][j].b <= 0 else iv.mpf([0, 1])))
                     for j in range(len(acts[l]))]
    return loss, gW, gb


def arb_loss_grad(net, X, Y):
    """Today's Arb path: `DagNetwork.gradient` on 53-bit balls (scalar loops over `arb`)."""
    from flint import arb

    from verify.numbers import precision

    with precision(53):
        bnet = net.with_theta([arb(t) for t in net.theta])
        data = [([arb(float(v)) for v in x], [arb(float(v)) for v in y]) for x, y in zip(X, Y)]
        return bnet.gradient(data, 0, "mean")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"BLAS threads: OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}; numpy {np.__version__}")
    fb.check_environment()
    print(f"{'widths':>26} {'batch':>6} {'float64 ms':>11} {'fast-ball ms':>13} {'ratio':>6} {'convert s':>10} "
          f"{'max rel w':>10} {'median':>9} {'undecided':>10}")
    sizes = SIZES[:-1] if args.quick else SIZES
    smallest = None
    for widths, batch in sizes:
        Ws, bs = he_net(widths, rng)
        X = rng.standard_normal((batch, widths[0]))
        Y = rng.standard_normal((batch, widths[-1]))
        t0 = time.perf_counter()
        net = verify.from_numpy(Ws, bs)
        bn = ball_network(net)
        convert = time.perf_counter() - t0
        Xb, Yb = data_balls(X, widths[0], "X"), data_balls(Y, widths[-1], "Y")
        from flint import fmpq

        c = fmpq(1, batch)
        repeat = 5 if batch * sum(widths) < 10 ** 6 else 3
        t_float, _ = best_of(lambda: float_loss_grad(Ws, bs, X, Y), repeat)
        t_fast, (L, gW, gb) = best_of(lambda: loss_and_gradient(bn, Xb, Yb, c), repeat)
        widths_all = [rel_width(L)] + [rel_width(g) for g in gW] + [rel_width(g) for g in gb if g is not None]
        wmax = max(w[0] for w in widths_all)
        wmed = statistics.median(w[1] for w in widths_all)
        und = sum(w[2] for w in widths_all)
        n_entries = 1 + sum(g.mid.size for g in gW) + sum(g.mid.size for g in gb if g is not None)
        label = "-".join(map(str, widths)) if len(widths) < 6 else f"{widths[0]}-(4×1024)-{widths[-1]}"
        print(f"{label:>26} {batch:>6} {t_float * 1e3:>11.2f} {t_fast * 1e3:>13.2f} {t_fast / t_float:>6.2f} "
              f"{convert:>10.2f} {wmax:>10.1e} {wmed:>9.1e} {und:>5}/{n_entries}")
        if smallest is None:
            smallest = (Ws, bs, X, Y, net, t_fast)
        sys.stdout.flush()
    Ws, bs, X, Y, net, t_fast = smallest
    rows = 32 if args.quick else len(X)
    scale = len(X) / rows
    t0 = time.perf_counter()
    mpmath_iv_loss_grad(Ws, bs, X[:rows], Y[:rows])
    t_iv = (time.perf_counter() - t0) * scale
    t0 = time.perf_counter()
    arb_loss_grad(net, X[:rows], Y[:rows])
    t_arb = (time.perf_counter() - t0) * scale
    how = f" (timed on {rows} rows, scaled ×{scale:g})" if rows < len(X) else ""
    print(f"\n16-64-4 ×256{how}: mpmath.iv {t_iv:.2f} s = {t_iv / t_fast:,.0f}× fast-ball; "
          f"Arb (DagNetwork.gradient, 53 bits) {t_arb:.2f} s = {t_arb / t_fast:,.0f}× fast-ball")


if __name__ == "__main__":
    main()
