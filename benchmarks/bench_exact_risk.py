#!/usr/bin/env python3
"""Benchmark: exact 1-D risk and generalized gradient (engine E1) against float quadrature.

Problem: ℒ(θ) = ∫_0^1 (𝒩(x) − ξ)² dx, ξ = 1/3, 𝒩(x) = c + Σ_i v_i max(w_i x + b_i, 0), one hidden
layer of width H, and 𝒢(θ) its generalized gradient (3H+1 components).  Parameters are random
rationals of small denominators (seeded ``random.Random(0)``): w_i = ±n/d with n ≤ 16, d ≤ 8; the
kink t_i = −b_i/w_i is drawn on the dyadic grid k/2^16 inside (0,1) and b_i = −w_i t_i;
v_i = m/d with |m| ≤ 20, d ≤ 8; c = m/d with |m| ≤ 8, d ≤ 8.

Prints
  1. the wall time of one exact ``risk_and_gradient`` call for H = 10, 100, 1000, 10000
     (best of a few repeats for small H, one run for H = 10000) and the number of pieces;
  2. the least-squares growth exponent of time in H (target ≤ 1.3);
  3. at H = 1000: exact time against scipy.integrate.quad (float64 integrand, points = kinks) and
     against a 10^5-point trapezoid rule, with the float values and their relative errors; plus a
     float computation of the whole gradient with scipy.integrate.quad_vec (target: exact faster
     than float quad);
  4. one summary line per target.

No timing assertions: targets are reported as met / not met.  ``--quick`` stops at H = 1000.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time

import numpy as np
from flint import fmpq
from scipy import integrate

from verify.integrate import Problem, risk_and_gradient
from verify.nets import Network
from verify.problems import BoxMeasure, Constant

XI = fmpq(1, 3)
A, B = fmpq(0), fmpq(1)
GRID = 2 ** 16
EXPONENT_TARGET = 1.3
TRAPZ_POINTS = 10 ** 5


# ---- problem construction ---------------------------------------------------------------------
def random_network(H: int, rnd: random.Random) -> Network:
    w, b, v = [], [], []
    for _ in range(H):
        wi = fmpq(rnd.choice((-1, 1)) * rnd.randint(1, 16), rnd.randint(1, 8))
        t = fmpq(rnd.randint(1, GRID - 1), GRID)          # kink inside (0, 1)
        w.append(wi)
        b.append(-wi * t)
        v.append(fmpq(rnd.randint(-20, 20), rnd.randint(1, 8)))
    c = fmpq(rnd.randint(-8, 8), rnd.randint(1, 8))
    return Network((1, H, 1), tuple(w + b + v + [c]))


def make_problem(net: Network) -> Problem:
    return Problem(net, Constant(XI), BoxMeasure(((A, B),)))


def time_exact(prob: Problem, repeats: int):
    best, rg = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        rg = risk_and_gradient(prob)
        best = min(best, time.perf_counter() - t0)
    assert rg.engine == "E1" and rg.exact, (rg.engine, rg.exact)
    return best, rg


def best_of(fn, repeats: int):
    best, out = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


# ---- float side ---------------------------------------------------------------------------------
def float_params(net: Network):
    H = net.H
    th = np.array([float(t) for t in net.theta])
    return th[:H], th[H:2 * H], th[2 * H:3 * H], th[3 * H]


def float_kinks(net: Network) -> list[float]:
    return sorted({float(-net.b(i) / net.theta[i]) for i in range(net.H)})


def float_quad_risk(w, b, v, c, xi, kinks):
    def integrand(x):
        r = c + np.dot(v, np.maximum(w * x + b, 0.0)) - xi
        return r * r
    val, _err = integrate.quad(integrand, 0.0, 1.0, points=kinks, limit=4 * len(kinks) + 100)
    return val


def float_trapz_risk(w, b, v, c, xi, n=TRAPZ_POINTS, chunk=5000):
    xs = np.linspace(0.0, 1.0, n)
    vals = np.empty(n)
    for s in range(0, n, chunk):
        x = xs[s:s + chunk]
        z = np.maximum(np.outer(x, w) + b, 0.0)
        r = c + z @ v - xi
        vals[s:s + chunk] = r * r
    return np.trapezoid(vals, xs) if hasattr(np, "trapezoid") else np.trapz(vals, xs)


def float_quad_vec_grad(w, b, v, c, xi, kinks):
    """𝒢 = ∫ 2 r(x) ∂_θ𝒩(x) dx, all 3H+1 components at once (layout w, b, v, c)."""
    H = len(w)

    def integrand(x):
        z = w * x + b
        act = z > 0.0
        relu = np.where(act, z, 0.0)
        r2 = 2.0 * (c + np.dot(v, relu) - xi)
        g = np.empty(3 * H + 1)
        dv_act = v * act
        g[:H] = r2 * dv_act * x
        g[H:2 * H] = r2 * dv_act
        g[2 * H:3 * H] = r2 * relu
        g[3 * H] = r2
        return g

    val, _err = integrate.quad_vec(integrand, 0.0, 1.0, points=kinks, epsrel=1e-10,
                                   limit=4 * len(kinks) + 100)
    return val


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b != 0 else abs(a - b)


def met(flag: bool) -> str:
    return "met" if flag else "not met"


# ---- main ---------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: H up to 1000 only")
    args = ap.parse_args(argv)

    sizes = [10, 100, 1000] if args.quick else [10, 100, 1000, 10000]
    repeats = {10: 7, 100: 5, 1000: 3, 10000: 1}
    rnd = random.Random(0)

    print("bench_exact_risk: L(theta) = int_0^1 (N(x) - 1/3)^2 dx, one hidden layer, engine E1")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"scipy {__import__('scipy').__version__}, python-flint {__import__('flint').__version__}")
    print()
    print("1. exact risk_and_gradient (L and all 3H+1 components of G)")
    print(f"{'H':>7} {'repeats':>8} {'time [s]':>12} {'pieces':>8} {'float(L)':>22}")
    times, nets, rgs = {}, {}, {}
    for H in sizes:
        net = random_network(H, rnd)
        t, rg = time_exact(make_problem(net), repeats[H])
        times[H], nets[H], rgs[H] = t, net, rg
        print(f"{H:>7} {repeats[H]:>8} {t:>12.6f} {rg.info.get('pieces', '?'):>8} {float(rg.L):>22.15g}")

    print()
    lx = np.log(np.array(sizes, dtype=float))
    ly = np.log(np.array([times[H] for H in sizes]))
    slope = float(np.polyfit(lx, ly, 1)[0])
    exp_ok = slope <= EXPONENT_TARGET
    print(f"2. growth exponent (least-squares slope of log time vs log H over H = {sizes}): {slope:.3f}")
    print(f"   target <= {EXPONENT_TARGET}: {met(exp_ok)}")

    print()
    H = 1000
    net, rg, t_exact = nets[H], rgs[H], times[H]
    L_exact = float(rg.L)
    w, b, v, c = float_params(net)
    xi = float(XI)
    kinks = float_kinks(net)
    print(f"3. H = {H}: exact vs float64 (integrand with numpy, {len(kinks)} distinct kinks)")
    t_quad, L_quad = best_of(lambda: float_quad_risk(w, b, v, c, xi, kinks), 3)
    t_trapz, L_trapz = best_of(lambda: float_trapz_risk(w, b, v, c, xi), 3)
    print(f"   {'method':<44} {'time [s]':>10} {'exact/method':>13} {'value':>22} {'rel. error':>11}")
    print(f"   {'exact risk_and_gradient (L and G)':<44} {t_exact:>10.4f} {1.0:>13.3f} {L_exact:>22.15g} {0.0:>11.1e}")
    print(f"   {'scipy quad, points=kinks (L only)':<44} {t_quad:>10.4f} {t_exact / t_quad:>13.3f} "
          f"{L_quad:>22.15g} {rel(L_quad, L_exact):>11.1e}")
    print(f"   {f'trapezoid, {TRAPZ_POINTS} points (L only)':<44} {t_trapz:>10.4f} {t_exact / t_trapz:>13.3f} "
          f"{L_trapz:>22.15g} {rel(L_trapz, L_exact):>11.1e}")

    # Full gradient in floats: 3H+1 separate quad calls would cost ~(3H+1) * t_quad; quad_vec
    # integrates the whole vector-valued integrand in one adaptive pass.
    print(f"   full gradient: {3 * H + 1} separate quad calls would take about "
          f"{(3 * H + 1) * t_quad:.0f} s (estimate, not run)")
    t_qv, G_qv = best_of(lambda: float_quad_vec_grad(w, b, v, c, xi, kinks), 1)
    G_exact = np.array([float(g) for g in rg.G])
    G_rel = float(np.max(np.abs(G_qv - G_exact)) / np.max(np.abs(G_exact)))
    print(f"   {'scipy quad_vec, points=kinks (G only)':<44} {t_qv:>10.4f} {t_exact / t_qv:>13.3f} "
          f"{'max|dG|/max|G|':>22} {G_rel:>11.1e}")
    print(f"   float quad + quad_vec (L and G) total {t_quad + t_qv:.4f} s, "
          f"exact/float = {t_exact / (t_quad + t_qv):.3f}")
    quad_ok = t_exact < t_quad
    print(f"   target exact faster than float quad (L only): {met(quad_ok)}")

    print()
    print("4. summary")
    print(f"   growth exponent {slope:.3f} <= {EXPONENT_TARGET}: {met(exp_ok)}"
          + ("   (quick run: H up to 1000 only)" if args.quick else ""))
    print(f"   exact ({t_exact:.4f} s, L and G) faster than float quad ({t_quad:.4f} s, L only) at H = {H}: "
          f"{met(quad_ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
