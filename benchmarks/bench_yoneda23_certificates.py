"""yoneda23 certificates (issue 19): time per certificate and certificate size, per claim.

For each instance: the full-batch invariant of 3.10–3.12 (`invariant.prove`: certified entry, then the
core engine `verify.invariance.certify_map_expansion` on [0, ε_max] × Z; the long Hessian entry for
N ≥ 3) and the composed cycle invariant of 3.13 (`cycle.prove`, m ≥ 2), each with the re-checks of its
JSON file (`verify.yoneda23.certificates.recheck_file`: the engine's re-check at ≥ 256 bits and the
independent mpmath re-check), and one `verify.check` per claim.  Prints seconds, leaf boxes (certificate
size), JSON kilobytes, the entry time t0 and ε_max.  No assertions.

    PYTHONPATH=. python3 benchmarks/bench_yoneda23_certificates.py [--quick]
"""

from __future__ import annotations

import json
import sys
import time

from flint import fmpq

import verify
from verify.yoneda23 import certificates, cycle
from verify.yoneda23 import d0 as D
from verify.yoneda23.invariant import prove


def _row(*cols):
    print("  ".join(f"{c:>14}" if i else f"{c:<34}" for i, c in enumerate(cols)))


def _recheck(cert) -> tuple[str, str]:
    """Seconds of the file's re-checks and the JSON size in kB."""
    data = json.loads(json.dumps(certificates.certificate_json(cert)))
    t = time.perf_counter()
    out = certificates.recheck_file(data)
    return f"{time.perf_counter() - t:.3f}" + ("" if out["ok"] else " FAILED"), f"{len(json.dumps(data)) / 1024:.0f}"


def main(quick: bool = False):
    print("full-batch invariant (3.10-3.12): invariant.prove (entry + engine) and the file's re-checks")
    _row("instance", "prove s", "engine s", "recheck s", "leaf boxes", "kB", "t0", "eps_max")
    fulls = [("N=2 (default)", D.D0()), ("N=1, eta=1/40", D.D0(N=1, eta=fmpq(1, 40))),
             ("N=2, eta=1/5", D.D0(eta=fmpq(1, 5))), ("N=3, eta=1/5 (long entry)", D.D0(N=3, eta=fmpq(1, 5)))]
    if not quick:
        fulls.append(("N=3, eta=1/20 (long entry)", D.D0(N=3)))
    for name, cfg in fulls:
        t = time.perf_counter()
        cv = prove(cfg)
        dt = time.perf_counter() - t
        if not cv.closed:
            _row(name, f"{dt:.3f}", "-", "-", "-", "-", "-", cv.reason[:40])
            continue
        rc, kb = _recheck(cv.cert)
        _row(name, f"{dt:.3f}", f"{cv.cert.engine.seconds:.3f}", rc, cv.cert.tiles, kb, cv.t0,
             f"{float(cv.cert.eps_max):.4f}")
    print("\ncycle invariant (3.13, m >= 2): cycle.prove (entry + engine) and the file's re-checks")
    _row("instance", "prove s", "engine s", "recheck s", "leaf boxes", "kB", "t0")
    cells = [("N=2, cells(2)", D.D0(batch=D.Batch.cells(2))),
             ("N=2, cells(2) unnormalized", D.D0(batch=D.Batch.cells(2, normalize=False))),
             ("N=2, cells(3)", D.D0(batch=D.Batch.cells(3))),
             ("N=1, cells(2), eta=1/5", D.D0(N=1, eta=fmpq(1, 5), batch=D.Batch.cells(2)))]
    if not quick:
        cells.append(("N=3, cells(4)", D.D0(N=3, batch=D.Batch.cells(4))))
    for name, cfg in cells:
        t = time.perf_counter()
        cv = cycle.prove(cfg)
        dt = time.perf_counter() - t
        if not cv.closed:
            _row(name, f"{dt:.3f}", "-", "-", "-", "-", cv.reason[:40])
            continue
        rc, kb = _recheck(cv.cert)
        _row(name, f"{dt:.3f}", f"{cv.cert.engine.seconds:.3f}", rc, cv.cert.size, kb, cv.t0)
    print("\none certified verify.check per claim (default-like instances)")
    _row("claim", "seconds", "status")
    checks = [("yoneda23.pointwise-convergence", {"network": {"kind": "d0"}}),
              ("yoneda23.rate-t13", {"network": {"kind": "d0"}}),
              ("yoneda23.time-to-exactness", {"network": {"kind": "d0"}, "params": {"x": ["1/8", "3/4"]}}),
              ("yoneda23.minibatch-cells", {"network": {"kind": "d0", "batch": {"kind": "cells", "m": 2}}}),
              ("yoneda23.time-to-exactness N=3", {"network": {"kind": "d0", "N": 3, "eta": "1/5"},
                                                   "params": {"x": ["1/8", "3/4"]}})]
    for cid, inst in checks:
        t = time.perf_counter()
        v = verify.check(cid.split()[0], inst)
        _row(cid, f"{time.perf_counter() - t:.3f}", v.status.value)


if __name__ == "__main__":
    main("--quick" in sys.argv)
