#!/usr/bin/env python3
"""Benchmark: forward-invariance certificates (verify.invariance) and the ejrw22 infinite-horizon
certificates of claims 13/14 (bounded-gf-h1, open-standard-gf).

Prints, per case: the certificate type, wall time to certify, wall time of the independent
re-check, and the certificate's size (leaf boxes of the branch and bound; 0 for the closed-form
certificates).  Cases:
  * engine: ẋ = −x + y/2, ẏ = −x/2 − y on [−1, 1]² (box faces), and on [−2, 2]² ∩ {x² + y² ≤ 1}
    (level set by the certified decrease ⟨∇V, F⟩ < 0); a contraction map of [−1, 1]²;
  * ejrw22: a constant target (Lyapunov W = |v|² + (c − a)²), a realizable ReLU target started near the
    fit (sublevel trap; the invariant box Box ∩ M_A ∩ {ℒ ≤ ℒ(θ_0)} of `verify.invariance` separately),
    an affine target started near the fit (Łojasiewicz length, normalized and standard flows), a neuron
    dying at the boundary (dying-neuron bound from a point of a certified enclosure), a hat target whose
    best affine fit has slope 0 (v → 0: the length certificate with λ_min(Q) > 0 at v = 0), a V-shaped
    target and the issue's example (b) (v crosses 0; certified from t ≈ 18); the length
    certificate alone from a point whose region contains v = 0 (both flows; size = leaf boxes of the cover);
    'recheck s' is `relu-verify recheck` of the written file (`verify.ejrw22.claims.recheck`);
  * random in-scope instances per claim (random rational circle points / weights, random Lipschitz
    piecewise-linear targets with 3–5 knots, params.certify_seconds = 5): decided fraction, certificate
    types, median and max seconds per certificate, re-check seconds, size (invariant box: leaf boxes;
    sublevel trap: pieces of the kink arc; the one-region certificates: 1).
No timing assertions.  About a minute (``--quick``: skip the V-target and example (b), 4 random instances
per claim).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from fractions import Fraction
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
    ("ejrw22.open-standard-gf", "kink creeping back to A, f = x (angle budget)", ["1/2", "1/200", "1", "0"],
     {"kind": "polynomial", "coefficients": ["0", "1"]}),
    ("ejrw22.bounded-gf-h1", "kink creeping back to A, f = x (angle budget)", ["99/101", "20/101", "1", "0"],
     {"kind": "polynomial", "coefficients": ["0", "1"]}),
    ("ejrw22.open-standard-gf", "kink creeping to B, S-shaped target (angle budget)", ["1/2", "1/50", "3", "-1"],
     {"kind": "piecewise-linear", "knots": [["0", "0"], ["1/4", "-3/8"], ["3/4", "-5/8"], ["1", "-1"]]}),
    ("ejrw22.bounded-gf-h1", "hat on [0, 2], v → 0 (length v2)", ["3/5", "4/5", "-1", "0"],
     {"kind": "piecewise-linear", "knots": [["0", "0"], ["1", "1"], ["2", "0"]]}, {"kind": "lebesgue", "box": [["0", "2"]]}),
    ("ejrw22.open-standard-gf", "hat on [0, 2] (standard, length v2)", ["3/5", "4/5", "1", "0"],
     {"kind": "piecewise-linear", "knots": [["0", "0"], ["1", "1"], ["2", "0"]]}, {"kind": "lebesgue", "box": [["0", "2"]]}),
    ("ejrw22.bounded-gf-h1", "V target |2x − 1|, kink at 3/4", ["4/5", "-3/5", "3", "0"],
     {"kind": "piecewise-linear", "knots": [["0", "1"], ["1/2", "0"], ["1", "1"]]}),
    # issue example (b): v runs from −4/3 through 0 (t ≈ 11) to ≈ 0.325; the length certificate applies from t ≈ 17
    ("ejrw22.bounded-gf-h1", "hat on [−2, −1], density 1|3, v crosses 0", ["-9999/10001", "-200/10001", "-4/3", "1"],
     {"kind": "piecewise-linear", "knots": [["-2", "0"], ["-3/2", "1"], ["-1", "0"]]},
     {"kind": "density", "pieces": [{"interval": ["-2", "-3/2"], "coefficients": ["1"]},
                                    {"interval": ["-3/2", "-1"], "coefficients": ["3"]}]}),
]
SLOW = 2  # the last cases are skipped with --quick


def _size(cert):
    if "leaf_count" in cert:
        return cert["leaf_count"]
    if "cover_leaves" in cert:
        return cert["cover_leaves"]
    if cert.get("claim_certificate") == "sublevel-trap":
        return cert["size"]
    return 1 if cert else 0


def _run(claim, inst_json, d, k):
    """(verdict, certificate dict, seconds to certify, seconds of the file re-check)."""
    from verify.ejrw22.claims.recheck import recheck_file

    inst = Instance.from_json(inst_json)
    path = Path(d) / f"c{k}.json"
    token = CERTIFICATE_PATH.set(path)
    t = time.perf_counter()
    try:
        v = check(claim, inst)
    finally:
        CERTIFICATE_PATH.reset(token)
    dt = time.perf_counter() - t
    cert = json.loads(path.read_text()) if path.exists() else {}
    re_t, ok = float("nan"), None
    if cert:
        t = time.perf_counter()
        ok = recheck_file(cert)["ok"]
        re_t = time.perf_counter() - t
    return v, cert, dt, re_t, ok


def ejrw22_cases(quick):
    with tempfile.TemporaryDirectory() as d:
        for k, (claim, name, theta, target, *measure) in enumerate(CASES):
            if quick and k >= len(CASES) - SLOW:
                continue
            inst = {"claim": claim, "network": {"widths": [1, 1, 1], "theta": theta}, "target": target,
                    "measure": measure[0] if measure else UNIT, "params": {"certify_seconds": "60"}}
            v, cert, dt, re_t, ok = _run(claim, inst, d, k)
            note = v.status.name + ("" if ok is None else (", file re-checked" if ok else ", FILE RE-CHECK FAILED"))
            row(f"{claim.split('.')[1]}: {name}", cert.get("claim_certificate", "none"), dt, re_t, _size(cert), note)
        # the invariant box of verify.invariance on the ReLU case (the trap, cheaper, decides it in the claim)
        from verify.ejrw22.claims import invariant_sets as inv
        from verify.ejrw22.claims.recheck import recheck_file

        length_point_cases()
        claim, name, theta, target = CASES[2]
        inst = Instance.from_json({"claim": claim, "network": {"widths": [1, 1, 1], "theta": theta}, "target": target,
                                   "measure": UNIT})
        t = time.perf_counter()
        data, _, why = inv.invariant_box(type("E", (), {"inst": inst})(), inst.net, "normalized", seconds=60,
                                         stage="start")
        dt = time.perf_counter() - t
        if data is None:
            row(f"bounded-gf-h1: {name} (box)", "invariant-box", dt, float("nan"), 0, f"refused: {why}")
        else:
            data = dict(data, kind="ejrw22-boundedness", certificate_kind="flow", instance=inst.to_json())
            t = time.perf_counter()
            ok = recheck_file(data)["ok"]
            row(f"bounded-gf-h1: {name} (box)", "invariant-box", dt, time.perf_counter() - t, data["leaf_count"],
                "HOLDS, file re-checked" if ok else "FILE RE-CHECK FAILED")


def length_point_cases():
    """The Łojasiewicz-length certificate alone (no enclosure): from a rational point of M_A next to example (b)'s
    trajectory at t ≈ 17, where the region must contain v = 0, both flows; seconds to certify and to re-check
    (`recheck_length`), leaf boxes of the region cover."""
    from verify.ejrw22.claims import invariant_sets as inv
    from verify.flows import FlowSystem

    _, _, _, target, measure = CASES[-1]
    for claim, flow in (("ejrw22.bounded-gf-h1", "normalized"), ("ejrw22.open-standard-gf", "standard")):
        inst = Instance.from_json({"claim": claim, "network": {"widths": [1, 1, 1],
                                                               "theta": ["-532/557", "-165/557", "43/250", "33/100"]},
                                   "target": target, "measure": measure})
        t = time.perf_counter()
        data, _, why = inv.lojasiewicz_length(type("E", (), {"inst": inst})(), inst.net, flow, stage="start")
        dt = time.perf_counter() - t
        name = f"{claim.split('.')[1]}: length from θ_0 with v = 0 in the region"
        if data is None:
            row(name, "lojasiewicz-length", dt, float("nan"), 0, f"refused: {why}")
            continue
        t = time.perf_counter()
        ok = inv.recheck_length(FlowSystem(inst.target, inst.measure, 1), data, flow)[0]
        row(name, "lojasiewicz-length", dt, time.perf_counter() - t, data["cover_leaves"],
            f"λ_min(Q) ≥ {float(fmpq(data['m_lower'])):.3f}, " + ("re-checked" if ok else "RE-CHECK FAILED"))


def _q(x):
    return str(Fraction(x))


def random_instance(rng, flow):
    """Random rational weights and a random Lipschitz piecewise-linear target (the tests' distribution)."""
    A = Fraction(rng.randint(-2, 1))
    B = A + rng.choice([1, 2])
    n = rng.randint(3, 5)
    xs = [A + (B - A) * Fraction(j, n - 1) for j in range(n)]
    ys = [Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in xs]
    t = Fraction(rng.randint(-8, 8), rng.randint(1, 8))
    w, b = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
    if flow == "standard":
        r = Fraction(rng.randint(1, 5), rng.randint(1, 3))
        w, b = w * r, b * r
    v = Fraction(rng.randint(-8, 8), rng.randint(1, 4))
    c = Fraction(rng.randint(-6, 6), 2)
    claim = "ejrw22.bounded-gf-h1" if flow == "normalized" else "ejrw22.open-standard-gf"
    return claim, {"claim": claim, "network": {"widths": [1, 1, 1], "theta": [_q(z) for z in (w, b, v, c)]},
                   "target": {"kind": "piecewise-linear", "knots": [[_q(x), _q(y)] for x, y in zip(xs, ys)]},
                   "measure": {"kind": "lebesgue", "box": [[_q(A), _q(B)]]}, "params": {"certify_seconds": "5"}}


def random_cases(n, seed=0):
    print(f"\nrandom in-scope instances (seed {seed}, {n} per claim, params.certify_seconds = 5)")
    print(f"{'claim':<26} {'decided':>8} {'types':<52} {'med s':>7} {'max s':>7} {'recheck s':>9} {'med size':>8} "
          f"{'max size':>8}")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as d:
        for flow in ("normalized", "standard"):
            times, rts, sizes, types, decided = [], [], [], {}, 0
            claim = None
            for k in range(n):
                claim, inst = random_instance(rng, flow)
                v, cert, dt, re_t, ok = _run(claim, inst, d, f"{flow}{k}")
                if v.status.name == "HOLDS" and cert:
                    decided += 1
                    kind = cert["claim_certificate"]
                    types[kind] = types.get(kind, 0) + 1
                    times.append(dt)
                    rts.append(re_t)
                    sizes.append(_size(cert))
                    if not ok:
                        print(f"  FILE RE-CHECK FAILED: {json.dumps(inst)}")
            tys = ", ".join(f"{a} {b}" for a, b in sorted(types.items()))
            med = statistics.median(times) if times else float("nan")
            print(f"{claim.split('.')[1]:<26} {decided:>4}/{n:<3} {tys:<52} {med:>7.2f} "
                  f"{max(times, default=float('nan')):>7.2f} {statistics.median(rts) if rts else float('nan'):>9.2f} "
                  f"{statistics.median(sizes) if sizes else 0:>8} {max(sizes, default=0):>8}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(f"{'case':<58} {'certificate':<26} {'cert s':>9} {'recheck s':>9} {'boxes':>7} verdict")
    engine_cases()
    ejrw22_cases(args.quick)
    print("(ejrw22 rows: 'cert s' is the whole check, including the in-evaluation re-check; 'recheck s' the "
          "re-check of the written file, which replays the enclosure up to T for a certificate from T > 0)")
    random_cases(4 if args.quick else 10)


if __name__ == "__main__":
    main()
