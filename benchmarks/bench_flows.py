#!/usr/bin/env python3
"""Benchmark: certified enclosures of the normalized gradient flow (verify.flows) on [0, 10].

Problem (ejrw22, candidate A): d = 1, [A, B] = [0, 1], Lebesgue measure, target the Lipschitz
zigzag f(x) = |x − 1/2| (piecewise linear, knots 0, 1/2, 1), width H = 1 and H = 4.  Initial
point on M_A: (w_i, b_i) = ((1 − t_i²)/(1 + t_i²), 2t_i/(1 + t_i²)) with t_i = −(2i − 1)/(4H + 2)
(kinks spread inside (0, 1)), v_i = ±1/2 alternating, c = 1/4.

Prints, per run (H, tolerance, stepper form):
  * wall time, accepted steps (= certified boxes) and rejected attempts, boxes per second, calls
    of the box evaluator (ℒ/𝒢/Jacobian over a box or a point) per second;
  * the width (max diameter over the 3H + 1 coordinates) of the point enclosure Y_n at
    T = 1, 2, 5, 10 -- the growth with T shows the wrapping effect;
  * the enclosure of sup_{t ≤ T}|Θ_t|_∞ and of ℒ(Θ_T);
  * the time of a float `scipy.integrate.solve_ivp` (DOP853, rtol 1e-10, kink events) of the same
    flow, the ratio certified / float, and whether the float end state lies in the enclosure.
The same H = 1 runs with the Taylor stepper of order 8 and 12 (`flows.taylor`, steps up to 1/2): the
ratio of seconds per unit of t (Taylor / second order) at the same tolerance.  Also a first-order run (Y' = Y + h F(X), no mean-value/QR form) for H = 1 to show the wrapping
growth the mean-value form avoids.  Every run has a wall-time budget; a run that stops early
reports how far it got.  Total runtime about 2 minutes (``--quick``: about 40 s).  No timing assertions.
"""

from __future__ import annotations

import argparse
import time

from flint import fmpq

from verify.flows import FlowSystem
from verify.numbers import ball_bounds, precision
from verify.problems import BoxMeasure, PiecewiseLinear

Q = fmpq
T_END = 10
T_MARKS = (1, 2, 5, 10)


def circle(t):
    t = Q(t)
    return (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)


def make(H):
    f = PiecewiseLinear(((Q(0), Q(1, 2)), (Q(1, 2), Q(0)), (Q(1), Q(1, 2))))
    system = FlowSystem(f, BoxMeasure(((Q(0), Q(1)),)), H)
    ws, bs = [], []
    for i in range(H):
        w, b = circle(Q(-(2 * i + 1), 4 * H + 2))
        ws.append(w)
        bs.append(b)
    theta = ws + bs + [Q((-1) ** i, 2) for i in range(H)] + [Q(1, 4)]
    return system, theta


def to_float(q):
    return int(q.p) / int(q.q)


class Counter:
    def __init__(self, system):
        self.n = 0
        self.orig = system._box

        def counted(X, jac=False):
            self.n += 1
            return self.orig(X, jac)

        system._box = counted


def run(H, tol, budget, mean_value=True, h0=Q(1, 16), max_width=None, order=0):
    system, theta = make(H)
    counter = Counter(system)
    t0 = time.perf_counter()
    enc = system.enclose(theta, T_END, "normalized", "A", h0=h0, tol=tol, mean_value=mean_value,
                         max_seconds=budget, max_width=max_width, order=order)
    wall = time.perf_counter() - t0
    form = f"Taylor order {order} + QR" if order else "mean-value+QR" if mean_value else "first-order"
    print(f"\nH = {H}, {form}, tol = {tol}, h0 = {h0}: {'complete' if enc.complete else 'STOPPED: ' + enc.reason}")
    n = len(enc.steps)
    print(f"  wall {wall:7.2f} s   boxes {n:6d} (+{enc.rejected} rejected)   {n / wall:8.1f} boxes/s   "
          f"{counter.n / wall:8.1f} box evaluations/s   reached t = {to_float(enc.t_reached):.4g}")
    marks = []
    for T in T_MARKS:
        idx = [k for k, (t, _) in enumerate(enc.points) if t <= T]
        if T > enc.t_reached:
            marks.append(f"T={T}: (not reached)")
        else:  # the last grid point t_n ≤ T
            t = enc.points[idx[-1]][0]
            marks.append(f"t={to_float(t):.3g}: {to_float(enc.width(idx[-1])):.3e}")
    print("  width of Y at   " + "   ".join(marks))
    with precision(enc.prec):
        print(f"  sup|Θ|_∞ ∈ {enc.sup_norm().str(10, radius=True)}   ℒ(Θ_T) ∈ {enc.risk_final().str(10, radius=True)}")
    # float reference of the same flow
    t0 = time.perf_counter()
    sim = system.simulate(theta, enc.t_reached, "normalized", "A", rtol=1e-10, atol=1e-12)
    wall_f = time.perf_counter() - t0
    inside = all(to_float(ball_bounds(y)[0]) - 1e-9 <= s <= to_float(ball_bounds(y)[1]) + 1e-9
                 for y, s in zip(enc.final, sim.states[-1]))
    print(f"  float solve_ivp (DOP853, rtol 1e-10): {wall_f:.3f} s, {len(sim.t)} steps, {len(sim.events)} kink events; "
          f"certified/float time ratio {wall / wall_f:7.1f}; float end state inside the enclosure: {inside}")
    return wall / to_float(enc.t_reached), to_float(enc.width())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller budgets (about 1 minute)")
    args = ap.parse_args()
    scale = 0.3 if args.quick else 1.0
    total = time.perf_counter()
    make(1)[0].simulate(make(1)[1], 1)  # warm up (scipy import)
    second = run(1, 1e-4, 30 * scale)
    taylor = run(1, 1e-4, 30 * scale, order=8, h0=Q(1, 2))
    print(f"  -> Taylor order 8 / second order at tol 1e-4: seconds per unit of t {taylor[0]:.3g} / {second[0]:.3g} "
          f"= {taylor[0] / second[0]:.3f}; final width {taylor[1]:.2e} / {second[1]:.2e}")
    run(1, 1e-6, 45 * scale)
    run(1, 1e-6, 45 * scale, order=8, h0=Q(1, 2))
    run(1, 1e-8, 45 * scale)
    run(1, 1e-8, 45 * scale, order=12, h0=Q(1, 2))
    run(1, None, 15 * scale, mean_value=False, h0=Q(1, 256), max_width=1)
    run(4, 1e-4, 45 * scale)
    run(4, 1e-5, 60 * scale)
    print(f"\ntotal {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
