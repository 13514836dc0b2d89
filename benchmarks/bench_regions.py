#!/usr/bin/env python3
"""Benchmark: region certificates (issue 20, `verify.regions`): ∀ θ in a box, by branch and bound.

For each region: box evaluations per second, and the certified volume fraction against wall time
(read off the branch and bound's trace at 0.25, 0.5, 1, 2, 4, 8 s), the final verdict and the
number of leaves.  Regions:

  * 1-1-1 cjrr21, constant target: gradient-bound over all four coordinates ± 1/64, and the
    lyapunov-identity over the same box (an identity: certified on exact cells, see
    proofs_notes/regions.md#cells) with its planted violation ~any-target (time to a witness);
  * 1-8-1 cjrr21: gradient-bound with neuron 0's (𝔴_0, 𝔟_0, 𝔳_0) ± 1/4 (its kink sweeps the support),
    and gd-lyapunov-decrease (3 steps) for every γ in [1/10000, 1/50];
  * gsgd19 on a 4-8-8-2 MLP (He-init dyadic weights, small random biases, 4 inputs, every one of
    its 130 θ coordinates ± r): rescaling-invariance at r = 2^-14, 2^-10, 2^-8, an identity
    certified on the cell rung (`verify.cells`: exact rational functions over the box) wherever no
    kink crosses a box; and gsgd-trajectory-invariance (one G-SGD step, bias-free 2-3-3-1, θ ±
    2^-12): the step's divisions make cell arithmetic costly (seconds per box);
  * beg19 w1inf-exact-1d (the exact W^{1,∞} distance of two 1-3-1 / 1-2-1 nets, every θ ± 1/256)
    and yoneda23 d1-exact-reduction (the closed-form GD map of head 'ab' equals the integrator,
    θ^0 ± 1/64): identities on cells;
  * the largest certified radius r (θ ± r on every coordinate, r = 2^-k) of gradient-bound around a
    He-initialised 1-16-1 network (`grow_regions`).

Timings only; nothing is asserted.  ``--quick`` gives each region 3 s instead of 10.
"""

from __future__ import annotations

import argparse
import math
import random
import time

from flint import fmpq

from verify.errors import InputError
from verify.framework import Instance
from verify.regions import branch_and_bound, grow_regions

CHECKPOINTS = (0.25, 0.5, 1, 2, 4, 8)


def shallow(theta, target=("constant", "3/4")):
    tgt = {"kind": "constant", "value": target[1]} if target[0] == "constant" else {
        "kind": "polynomial", "coefficients": list(target[1])}
    return {"network": {"widths": [1, (len(theta) - 1) // 3, 1], "theta": [str(t) for t in theta]}, "target": tgt,
            "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {}}


def he_init(H, rng):
    q = lambda x: fmpq(round(x * 1024), 1024)  # noqa: E731  (dyadic rationals of the float draw)
    return ([q(rng.gauss(0, math.sqrt(2))) for _ in range(H)] + [q(rng.uniform(-1, 1)) for _ in range(H)]
            + [q(rng.gauss(0, math.sqrt(2 / H))) for _ in range(H)] + [fmpq(0)])


def fractions_at(trace):
    out = []
    for t in CHECKPOINTS:
        f = max((fr for s, fr in trace if s <= t), default=0.0)
        out.append(f"{f:.3f}")
    return out


def run(label, claim, obj, seconds):
    try:
        inst = Instance.from_json(obj)
        t0 = time.perf_counter()
        r = branch_and_bound(claim, inst, seconds=seconds, max_boxes=10 ** 6)
        dt = time.perf_counter() - t0
    except InputError as e:
        print(f"{label:<44} refused: {str(e)[:110]}")
        return
    from verify.regions import _leaves

    leaves = r.boxes and sum(1 for _ in _leaves(r.root))
    vac = r.boxes and all((n.leaf or {}).get("vacuous") for n in _leaves(r.root))
    print(f"{label:<44} {r.status.value + ('(vac)' if vac else ''):<9} {r.boxes:>7} {r.boxes / max(dt, 1e-9):>9.0f} {leaves:>7} "
          f"{r.certified_fraction:>7.3f}  {' '.join(fractions_at(r.trace))}  ({dt:.2f} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 s per region instead of 10")
    args = ap.parse_args()
    seconds = 3.0 if args.quick else 10.0
    rng = random.Random(0)
    print(f"{'region':<44} {'verdict':<9} {'boxes':>7} {'boxes/s':>9} {'leaves':>7} {'cert.':>7}  "
          f"certified fraction at {', '.join(map(str, CHECKPOINTS))} s")
    th1 = [fmpq(3, 4), fmpq(-1, 4), fmpq(1), fmpq(1, 2)]
    box1 = {"theta_radius": "1/64"}
    run("1-1-1 gradient-bound, θ ± 1/64", "cjrr21.gradient-bound", {**shallow(th1), "region": box1}, seconds)
    run("1-1-1 lyapunov-identity, θ ± 1/64", "cjrr21.lyapunov-identity", {**shallow(th1), "region": box1},
        min(seconds, 3.0))
    run("1-1-1 identity~any-target (planted), θ ± 1/64", "cjrr21.lyapunov-identity~any-target",
        {**shallow(th1, ("polynomial", ["0", "0", "1"])), "region": box1}, seconds)
    th8 = he_init(8, rng)
    reg8 = {"theta": {str(k): [str(th8[k] - fmpq(1, 4)), str(th8[k] + fmpq(1, 4))] for k in (0, 8, 16)}}
    run("1-8-1 gradient-bound, (w0, b0, v0) ± 1/4", "cjrr21.gradient-bound", {**shallow(th8), "region": reg8}, seconds)
    g8 = {**shallow(th8), "region": {"params": {"gamma": ["1/10000", "1/50"]}}}
    g8["params"] = {"steps": 3}
    run("1-8-1 gd-lyapunov-decrease, γ ∈ [1e-4, 1/50]", "cjrr21.gd-lyapunov-decrease", g8, seconds)
    q = lambda x: str(fmpq(round(x * 1024), 1024))  # noqa: E731
    W = [[[q(rng.gauss(0, math.sqrt(2 / i))) for _ in range(o)] for _ in range(i)] for i, o in ((4, 8), (8, 8), (8, 2))]
    b = [[q(rng.uniform(-0.1, 0.1)) for _ in range(o)] for o in (8, 8, 2)]
    xs = [[q(rng.uniform(-1, 1)) for _ in range(4)] for _ in range(4)]
    cs = [q(rng.uniform(0.25, 4)) for _ in range(16)]
    for k in (14, 10, 8):
        mlp = {"network": {"kind": "mlp", "widths": [4, 8, 8, 2], "W": W, "b": b},
               "params": {"c": cs, "x": xs}, "region": {"theta_radius": f"1/{2 ** k}"}}
        run(f"4-8-8-2 gsgd19 rescaling-invariance ± 2^-{k}", "gsgd19.rescaling-invariance", mlp, seconds)
    q6 = lambda x: str(fmpq(round(x * 64), 64))  # noqa: E731
    W3 = [[[q6(rng.uniform(-1, 1)) for _ in range(o)] for _ in range(i)] for i, o in ((2, 3), (3, 3), (3, 1))]
    data = [{"x": [q6(rng.uniform(-1, 1)) for _ in range(2)], "y": [q6(rng.uniform(-1, 1))]} for _ in range(2)]
    traj = {"network": {"kind": "mlp", "widths": [2, 3, 3, 1], "W": W3},
            "params": {"c": [q6(rng.uniform(0.5, 2)) for _ in range(6)], "data": data, "eta": "1/16", "steps": 1},
            "region": {"theta_radius": "1/4096"}}
    run("2-3-3-1 gsgd19 G-SGD trajectory (1 step) ± 2^-12", "gsgd19.gsgd-trajectory-invariance", traj,
        max(seconds, 20.0))
    beg = {"network": {"widths": [1, 3, 1], "theta": ["1", "-2/3", "3/2", "1/5", "1/3", "-1/2", "2", "-1", "1/2", "1/7"]},
           "params": {"other": {"widths": [1, 2, 1], "theta": ["3/4", "-1", "1/3", "1/4", "1", "-1", "0"]}, "D": "1"},
           "region": {"theta_radius": "1/256"}}
    run("beg19 w1inf-exact-1d, 1-3-1 θ ± 1/256", "beg19.w1inf-exact-1d", beg, seconds)
    run("yoneda23 d1-exact-reduction, θ^0 ± 1/64", "yoneda23.d1-exact-reduction",
        {"network": {"kind": "d0", "head": "ab"}, "region": {"theta_radius": "1/64"}}, seconds)
    th16 = he_init(16, rng)
    t0 = time.perf_counter()
    g = grow_regions("cjrr21.gradient-bound", shallow(th16), max_boxes=16, seconds=4 * seconds)
    dt = time.perf_counter() - t0
    print(f"largest certified radius, He-init 1-16-1 (gradient-bound, all 49 coordinates): "
          f"{g['radius'] if g else 'none'} ({g['boxes'] if g else 0} boxes at that radius, {dt:.2f} s in all)")


if __name__ == "__main__":
    main()
