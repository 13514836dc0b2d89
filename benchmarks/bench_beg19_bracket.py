#!/usr/bin/env python3
"""Benchmark: the certified bracket κ_lower ≤ κ*(Γ, g) ≤ κ_upper of Theorem 3.1's best constant (beg19 claim 15).

Instances (seeded, random.Random(0)): d = 1, Ω = [−1, 1], Γ ∈ Ñ with m balanced neurons at random rational
kinks (a random rational, c = ±|a|) and a random rational output bias; g = Γ + δ·(random integers in [−3, 3]) on
every parameter, δ ∈ {1/10, 1/100, 1/1000} (mostly in R(Ñ) after rescaling; the rest fall outside the scope),
m = 2, 4, 8, 16, 32.  For each width:

(1) `fibre.tilde.tilde_fibre` (the exact Ñ-fibre enumeration): seconds per bracket, the number of admissible
    orientation patterns, and the bracket width κ_upper − κ_lower (0 up to Arb radii when the enumeration is
    complete);
(2) `verify.check("beg19.thm31-inverse-stability", …)` end to end (scope hypotheses, exact norm, bracket,
    re-checks of the certificate): seconds per verdict and the verdicts;
(3) for m ≤ 4 the same pairs under `@q-full` (Φ ∈ P_N: the relaxation lower bound against the explicit
    witness): seconds and the relative bracket width, for comparison.

Prints only; never asserts.  `--quick` stops at m = 8.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from fractions import Fraction

from flint import fmpq

import verify
from verify.beg19.fibre import tilde
from verify.nets import Network
from verify.realization import w1inf_distance

CID = "beg19.thm31-inverse-stability"


def _rq(rng, lo, hi, den):
    return Fraction(rng.randint(int(lo * den), int(hi * den)), rng.randint(1, den))


def _json(neurons, e):
    return {"widths": [1, len(neurons), 1], "theta": [str(n[k]) for k in range(3) for n in neurons] + [str(e)]}


def instance(rng, m):
    G, ts = [], set()
    while len(G) < m:
        a = _rq(rng, -3, 3, 20)
        t = Fraction(rng.randint(-95, 95), 100)
        if a == 0 or t in ts:
            continue
        ts.add(t)
        G.append((a, -a * t, abs(a) * rng.choice((1, -1))))
    e = _rq(rng, -1, 1, 20)
    d = Fraction(1, rng.choice((10, 100, 1000)))
    g = [tuple(x + d * rng.randint(-3, 3) for x in n) for n in G]
    return {"network": _json(G, e), "params": {"other": _json(g, e + d * rng.randint(-3, 3))}}


def kappa_bracket(v):
    for r in v.relations:
        if r.name.startswith("κ_lower ≤ κ_upper"):
            return fmpq(r.lhs) if not isinstance(r.lhs, fmpq) else r.lhs, r.rhs
    return None


def main():
    quick = "--quick" in sys.argv
    rng = random.Random(0)
    widths = (2, 4, 8) if quick else (2, 4, 8, 16, 32)
    print(f"{'m':>3} {'pairs':>5} {'tilde s/bracket':>16} {'patterns':>9} {'max width(κ)':>13} "
          f"{'check s/verdict':>16} {'verdicts':>30}")
    for m in widths:
        n_pairs = 12 if m <= 8 else 4
        insts = [instance(rng, m) for _ in range(n_pairs)]
        t_enum, pats, widths_k, t_check, verdicts = [], [], [], [], {}
        for inst in insts:
            G = Network.from_json(inst["network"])
            g = Network.from_json(inst["params"]["other"])
            t0 = time.perf_counter()
            tf = tilde.tilde_fibre(G, g, 1)
            t_enum.append(time.perf_counter() - t0)
            if not tf.empty and tf.upper is not None:
                norm = w1inf_distance(G, g, 1)
                if norm > 0:
                    lo, up = tilde.kappa_bounds(tf.lower, tf.upper, norm)
                    widths_k.append(float(up - lo))
                pats.append(tf.patterns)
            t0 = time.perf_counter()
            v = verify.check(CID, inst)
            t_check.append(time.perf_counter() - t0)
            key = v.status.value + (" (vacuous)" if v.vacuous else "")
            verdicts[key] = verdicts.get(key, 0) + 1
        print(f"{m:>3} {n_pairs:>5} {statistics.mean(t_enum):>16.4f} "
              f"{(max(pats) if pats else 0):>9} {(max(widths_k) if widths_k else float('nan')):>13.2e} "
              f"{statistics.mean(t_check):>16.4f} {str(verdicts):>30}")
        if m <= 4:
            tq, rel = [], []
            for inst in insts[:6]:
                t0 = time.perf_counter()
                v = verify.check(CID + "@q-full", inst)
                tq.append(time.perf_counter() - t0)
                b = kappa_bracket(v)
                if b is not None and b[1] > 0:
                    rel.append(float((b[1] - b[0]) / b[1]))
            print(f"    @q-full (Φ ∈ P_N, relaxation lower bound): {statistics.mean(tq):.4f} s/verdict, relative "
                  f"bracket width max {max(rel) if rel else float('nan'):.3g}, median "
                  f"{statistics.median(rel) if rel else float('nan'):.3g}")


if __name__ == "__main__":
    main()
