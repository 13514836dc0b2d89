#!/usr/bin/env python3
"""Benchmark: forward-invariance certificates (verify.invariance) and the ejrw22 infinite-horizon
certificates of claims 13/14 (bounded-gf-h1, open-standard-gf).

Prints, per case: the certificate type, wall time to certify, wall time of the independent
re-check, and the certificate's size (leaf boxes of the branch and bound; 0 for the closed-form
certificates).  Cases:
  * engine: ẋ = −x + y/2, ẏ = −x/2 − y on [−1, 1]² (box faces), and on [−2, 2]² ∩ {x² + y² ≤ 1}
    (level set by the certified decrease ⟨∇V, F⟩ < 0); a contraction map of [−1, 1]²;
  * ejrw22: a constant target (Lyapunov W = |v|² + (c − a)²), a realizable ReLU target started near the
    fit (invariant box Box ∩ M_A ∩ {ℒ ≤ ℒ(θ_0)}, normalized flow), an affine target started near the fit
    (Łojasiewicz length, normalized and standard flows), a neuron dying at the boundary (dying-neuron bound
    from a point of a certified enclosure) and a V-shaped target (refused within its 60 s).
No timing assertions.  About a minute and a half (``--quick``: skip the V-target case).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from flint import arb, fmpq

from verify.checking import check
from verify.framework import Instance
from verify.invariance import CERTIFICATE_PATH, Sublevel, certify_flow, certify_map, recheck


def stable(X):
    x, y = X
    return [-x + y / 2, -x / 2 - y]


def row(name, kind, t_cert, t_re, size, note=""):
    print(f"{name:<58} {kind:<26} {t_cert:>9.3f} {t_re:>9.3f} {size:>7} {note}")


def engine_cases():
    t = time.perf_counter()
    c = certify_flow(stable, [[["-1", "1"], ["-1", "1"]]])
    t1 = time.perf_counter()
    ok, _ = recheck(c.to_json(), stable)
    row("engine: linear flow, box [−1, 1]²", "flow box faces", t1 - t, time.perf_counter() - t1, c.size,
        "re-checked" if ok else "RE-CHECK FAILED")
    V = Sublevel("x² + y²", lambda X: X[0] ** 2 + X[1] ** 2, fmpq(1), grad=lambda X: [2 * X[0], 2 * X[1]])
    t = time.perf_counter()
    c = certify_flow(stable, [[["-2", "2"], ["-2", "2"]]], constraints=[V], max_leaves=50000)
    t1 = time.perf_counter()
    ok, _ = recheck(c.to_json(), stable, [V])
    row("engine: linear flow, disc ∩ [−2, 2]²", "flow sublevel (S)", t1 - t, time.perf_counter() - t1, c.size,
        "re-checked" if ok else "RE-CHECK FAILED")
    g = lambda X: [X[1] / 2, -X[0] / 2 + arb(1) / 4]  # noqa: E731
    t = time.perf_counter()
    c = certify_map(g, [[["-1", "1"], ["-1", "1"]]])
    t1 = time.perf_counter()
    ok, _ = recheck(c.to_json(), gmap=g)
    row("engine: contraction map of [−1, 1]²", "map", t1 - t, time.perf_counter() - t1, c.size,
        "re-checked" if ok else "RE-CHECK FAILED")


UNIT = {"kind": "lebesgue", "box": [["0", "1"]]}
CASES = [
    ("ejrw22.bounded-gf-h1", "constant target f ≡ 1/2", ["3/5", "4/5", "5/2", "-1"], {"kind": "constant", "value": "1/2"}),
    ("ejrw22.open-standard-gf", "constant target, (w, b) = 0, v ≠ 0", ["0", "0", "3", "1"],
     {"kind": "constant", "value": "1/2"}),
    ("ejrw22.bounded-gf-h1", "ReLU target near the fit", ["15/17", "-8/17", "34/15", "0"],
     {"kind": "piecewise-linear", "knots": [["0", "0"], ["1/2", "0"], ["1", "1"]]}),
    ("ejrw22.bounded-gf-h1", "affine target near the fit", ["3/5", "4/5", "301/90", "-5/3"],
     {"kind": "polynomial", "coefficients": ["1", "2"]}),
    ("ejrw22.open-standard-gf", "affine target near the fit (standard)", ["3/5", "4/5", "301/90", "-5/3"],
     {"kind": "polynomial", "coefficients": ["1", "2"]}),
    ("ejrw22.bounded-gf-h1", "neuron dying at A (f(0) = 2)", ["-7/25", "24/25", "-2", "-2"],
     {"kind": "piecewise-linear", "knots": [["0", "2"], ["9/10", "-1/2"], ["1", "1"]]}),
    ("ejrw22.bounded-gf-h1", "V target |2x − 1|, kink at 3/4", ["4/5", "-3/5", "3", "0"],
     {"kind": "piecewise-linear", "knots": [["0", "1"], ["1/2", "0"], ["1", "1"]]}),
]


def ejrw22_cases(quick):
    with tempfile.TemporaryDirectory() as d:
        for k, (claim, name, theta, target) in enumerate(CASES):
            if quick and k == len(CASES) - 1:
                continue
            inst = Instance.from_json({"claim": claim, "network": {"widths": [1, 1, 1], "theta": theta},
                                       "target": target, "measure": UNIT, "params": {"certify_seconds": "60"}})
            path = Path(d) / f"c{k}.json"
            token = CERTIFICATE_PATH.set(path)
            t = time.perf_counter()
            try:
                v = check(claim, inst)
            finally:
                CERTIFICATE_PATH.reset(token)
            dt = time.perf_counter() - t
            cert = json.loads(path.read_text()) if path.exists() else {}
            kind = cert.get("claim_certificate", "none")
            re_t = float("nan")
            if "seconds" in cert:  # invariant box: the check's time minus the certifying time is mostly re-check
                re_t = dt - cert["seconds"]
                dt = cert["seconds"]
            row(f"{claim.split('.')[1]}: {name}", kind, dt, re_t, cert.get("leaf_count", 0), v.status.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(f"{'case':<58} {'certificate':<26} {'cert s':>9} {'recheck s':>9} {'boxes':>7} verdict")
    engine_cases()
    ejrw22_cases(args.quick)
    print("(ejrw22 rows: 'cert s' is the whole check for closed-form certificates; for the invariant box the "
          "branch and bound alone, 'recheck s' the rest of the check: mostly the 256-bit re-check)")


if __name__ == "__main__":
    main()
