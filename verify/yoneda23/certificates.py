"""The yoneda23 invariant certificates as JSON files, and their independent re-checks.

Specification: shared/claims/004-pointwise-indicator.md, claims 3.10–3.13; note:
proofs_notes/yoneda23.md#certificate-files.

Both invariants -- the box S = {a ≥ 1/ε_max, a(λ − λ*) ∈ Z} of 3.10 under one GD step
(`verify.yoneda23.invariant`) and under a whole cycle of cells(m) (`verify.yoneda23.cycle`) -- are
certificates of the core engine `verify.invariance.certify_map_expansion` on the box
[0, ε_max] × Z in (ε, ζ) = (1/a, a(λ − λ*)).  A file is the core's JSON (`write_certificate`) with

* ``"kind"``: ``yoneda23-invariant-box`` or ``yoneda23-cycle-invariant`` (`relu-verify recheck`);
* ``"yoneda23"``: the model (exact rationals: the cubic's (A, B) or the cells' (A_j, B_j), τ, η, the
  regime δ_L, δ_R), Z, ε_max and the constants the claims use (m ≤ a²(a' − a), M, M3 ≥ a'³ − a³; for
  the cycle the ranges of ρ_k = ε_k/ε_0 and ζ_k inside a cycle);
* ``"entry"`` (information): the time t_0 and the ball of (a, ζ) at which certified GD entered S.
  `relu-verify recheck` re-checks the invariant, not the entry run.

`recheck_file` runs two re-checks, each on its own:

1. the engine's (`verify.invariance.recheck_expansion`): the leaves re-derived from the bisection trees
   and re-certified at ≥ 256 bits on another splitting with the model's expansion;
2. `mp_recheck`: every listed leaf tile and edge tile re-evaluated in mpmath interval arithmetic by a
   second implementation of the step and of the expansion (another number system and code path), the
   constants checked on every tile, and the coverage checked from the listed boxes alone (tiles inside
   the box, areas summing exactly to ε_max|Z|, interiors pairwise disjoint; edge tiles tiling
   [0, ε_max] at both edges) -- it shares no code with the engine it re-checks.
"""

from __future__ import annotations

import functools

from flint import fmpq

from ..errors import InputError
from ..numbers import parse_rational

KIND_BOX = "yoneda23-invariant-box"
KIND_CYCLE = "yoneda23-cycle-invariant"


# --------------------------------------------------------------------------------------------
# writing


def certificate_json(cert, claim: str | None = None, entry: dict | None = None) -> dict:
    """The JSON object of an `invariant.Certificate` or a `cycle.CycleCertificate` (its core engine
    certificate plus the yoneda23 data)."""
    kind = KIND_CYCLE if hasattr(cert, "edges") else KIND_BOX
    data = cert.engine.to_json()
    data.update({"kind": kind, "claim": claim, "yoneda23": cert.to_json()})
    if entry:
        data["entry"] = entry
    return data


def write(path, cert, claim: str | None = None, entry: dict | None = None):
    """Write the certificate atomically (the core's `write_certificate`)."""
    from ..invariance import write_certificate

    extra = certificate_json(cert, claim, entry)
    extra = {k: extra[k] for k in ("kind", "claim", "yoneda23", "entry") if k in extra}
    return write_certificate(path, cert.engine, extra)


def write_requested(cert, claim: str | None = None, entry: dict | None = None):
    """Write where `relu-verify check --certificate FILE` asked (if it did); the path or None."""
    from ..invariance import CERTIFICATE_PATH

    path = CERTIFICATE_PATH.get()
    return None if path is None else write(path, cert, claim, entry)


# --------------------------------------------------------------------------------------------
# reading


def _q(x, where) -> fmpq:
    return parse_rational(x, where)


def _model(kind: str, y: dict):
    """The model of the file (exact rationals)."""
    md = y["model"]
    common = dict(tau=_q(md["tau_c"], "tau_c"), eta=_q(md["eta"], "eta"), dL=_q(md["delta_L"], "delta_L"),
                  dR=_q(md["delta_R"], "delta_R"))
    if kind == KIND_BOX:
        from .invariant import RampModel

        return RampModel(_q(md["A"], "A"), _q(md["B"], "B"), err=None, **common)
    from .cycle import CycleModel

    cells = tuple((_q(a, "cells"), _q(b, "cells")) for a, b in md["cells"])
    if not cells:
        raise InputError("a cycle needs at least one cell", "yoneda23.model.cells")
    return CycleModel(cells, phase=int(md.get("phase", 0)), **common)


def _leaves(data: dict) -> tuple[list, list]:
    """(tiles, edges) listed in the file: tiles (e0, e1, y0, y1) of the box, edge tiles (e0, e1, z, sgn)
    of the faces ζ = z (sgn = −1 at z_hi, +1 at z_lo).  Read from the listed boxes only."""
    tiles, edges = [], []
    for r in data["regions"]:
        for lf in r["leaves"]:
            (e0, e1), (y0, y1) = ((_q(a, "leaf"), _q(b, "leaf")) for a, b in lf["box"])
            if r["check"] == "map-box":
                tiles.append((e0, e1, y0, y1))
            elif r["check"] == "map-face" and r.get("coordinate") == 1 and r.get("side") in (1, -1) and y0 == y1:
                edges.append((e0, e1, y0, -r["side"]))
            else:
                raise InputError(f"unexpected region {r['check']!r}", "regions")
    return tiles, edges


def recheck_file(data: dict) -> dict:
    """`relu-verify recheck` for both kinds: the engine's re-check and the independent mpmath re-check
    (module docstring).  {"ok", "kind", "claim", "leaves", "reason"}."""
    kind = data.get("kind")
    out = {"ok": False, "kind": kind, "claim": data.get("claim"), "leaves": data.get("leaf_count")}
    try:
        y = data["yoneda23"]
        model = _model(kind, y)
        Z = (_q(y["Z"][0], "Z"), _q(y["Z"][1], "Z"))
        eps_max = _q(y["eps_max"], "eps_max")
        box = [[_q(a, "set"), _q(b, "set")] for a, b in data["set"]["boxes"][0]]
        if len(data["set"]["boxes"]) != 1 or box != [[fmpq(0), eps_max], [Z[0], Z[1]]]:
            return {**out, "reason": "the certified box is not [0, ε_max] × Z"}
        ok, why = engine_recheck(kind, model, eps_max, data)
        if not ok:
            return {**out, "reason": f"the engine's re-check failed: {why}"}
        tiles, edges = _leaves(data)
        consts = {"m": _q(y["m"], "m"), "M3": _q(y["M3"], "M3")}
        if kind == KIND_BOX:
            consts["M"] = _q(y["M"], "M")
        else:
            consts["rho"] = tuple(_q(v, "rho") for v in y["rho"])
            consts["zeta"] = tuple(_q(v, "zeta_in_cycle") for v in y["zeta_in_cycle"])
        ok, why = mp_recheck(model, Z, eps_max, tiles, edges, consts, descent=kind == KIND_BOX)
    except (InputError, KeyError, TypeError, ValueError, IndexError, ZeroDivisionError) as e:
        return {**out, "reason": f"malformed certificate: {e}"}
    if not ok:
        return {**out, "reason": f"the mpmath re-check failed: {why}"}
    return {**out, "ok": True, "reason": f"the engine's re-check at ≥ 256 bits and {why} (the invariant; the entry "
                                         f"run to t_0 is not part of the file's re-check)"}


def engine_recheck(kind: str, model, eps_max: fmpq, data: dict) -> tuple[bool, str]:
    """The core engine's re-check with the model's own expansion."""
    from ..invariance import recheck_expansion
    from ..numbers import precision

    prec = max(256, 2 * int(data["precision_bits"]))
    with precision(prec):
        ls = model.lam_star()
        if kind == KIND_BOX:
            from .invariant import CONDITIONS, RECORD, expansion

            forms, conditions, record = expansion(model, eps_max, ls), list(CONDITIONS), list(RECORD)
        else:
            from .cycle import RECORD, expansion

            forms, conditions, record = expansion(model, eps_max, ls), ["P > 0"], list(RECORD)
    return recheck_expansion(data, forms, monotone=[1], conditions=conditions, record=record, prec=prec)


def _register():
    from ..registry import register_certificate_kind

    register_certificate_kind(KIND_BOX, recheck_file, "the invariant box of yoneda23 3.10 in (1/a, a(λ − λ*)) "
                              "(relu-verify check yoneda23.pointwise-convergence FILE --certificate)")
    register_certificate_kind(KIND_CYCLE, recheck_file, "the composed cells(m) cycle invariant of yoneda23 3.13 "
                              "(relu-verify check yoneda23.minibatch-cells FILE --certificate)")


_register()


# --------------------------------------------------------------------------------------------
# independent re-check: mpmath intervals, a separate implementation of the step and the cycle


def mp_recheck(model, Z: tuple, eps_max: fmpq, tiles: list, edges: list, consts: dict, descent: bool = False,
               dps: int = 60, split: int = 3) -> tuple[bool, str]:
    """`_mp_recheck`, remembered for the last few certificates (a search re-proves the same invariant for
    every point x of the same configuration; the key is the whole certificate, exactly)."""
    key = (model, tuple(Z), eps_max, tuple(tiles), tuple(edges), tuple(sorted(consts.items())), descent, dps, split)
    return _mp_recheck_cached(key)


@functools.lru_cache(maxsize=32)
def _mp_recheck_cached(key) -> tuple[bool, str]:
    model, Z, eps_max, tiles, edges, consts, descent, dps, split = key
    return _mp_recheck(model, Z, eps_max, list(tiles), list(edges), dict(consts), descent, dps, split)


def _mp_recheck(model, Z: tuple, eps_max: fmpq, tiles: list, edges: list, consts: dict, descent: bool = False,
                dps: int = 60, split: int = 3) -> tuple[bool, str]:
    """Re-evaluate every tile (e0, e1, y0, y1) and edge tile (e0, e1, z, sgn) in mpmath interval
    arithmetic: the regime at every state and 1 + x_k > 0; P ≥ m > 0 (and P ≤ M, C ≤ M3); ∂ζ_M/∂ζ_0 > 0;
    the ranges ρ_k, ζ_k inside the recorded ones (``consts["rho"]``, ``consts["zeta"]``, when given);
    Q > 0 (``descent``: one cell, the full batch); D ≤ 0 at z_hi and ≥ 0 at z_lo; and the coverage of
    [0, ε_max] × Z and of both edges.  A tile that fails is split in four, up to ``split`` times (the
    tiles' conditions hold pointwise, and interval enclosures tighten on smaller tiles).  ``model``: a
    `cycle.CycleModel` or (one cell) an `invariant.RampModel`.  Returns (ok, reason)."""
    from mpmath import iv

    cells = getattr(model, "cells", None) or ((model.A, model.B),)
    old = iv.dps
    iv.dps = dps
    try:
        def I(q, q2=None):
            lo = iv.mpf(int(q.p)) / iv.mpf(int(q.q))
            hi = lo if q2 is None else iv.mpf(int(q2.p)) / iv.mpf(int(q2.q))
            return iv.mpf([lo.a, hi.b])

        A = sum((I(a) for a, _ in cells), iv.mpf(0))
        B = sum((I(b) for _, b in cells), iv.mpf(0))
        ls = 1 / (1 + iv.sqrt(A / B))
        tau, eta, dL, dR = I(model.tau), I(model.eta), I(model.dL), I(model.dR)

        def run(e_0, z_0):
            # straight from the step map: λ_k, then the split into the constant and the ε-part
            e, z, rho = e_0, z_0, iv.mpf(1)
            de, dz = iv.mpf(0), iv.mpf(1)
            P = Dv = S = iv.mpf(0)
            rhos, zetas = [], []
            for a_, b_ in cells:
                Aj, Bj = I(a_), I(b_)
                lam = ls + e * z
                if not (lam.a >= 0 and lam.b <= 1 and (e * (1 - lam)).b <= dL.a and (e * lam).b <= dR.a):
                    return None
                rhos.append(rho)
                zetas.append(z)
                g1s = 3 * (Aj * ls ** 2 - Bj * (1 - ls) ** 2)  # F_j'(λ*)
                h = 6 * (Aj * ls + Bj * (1 - ls)) * z + 3 * (Aj - Bj) * e * z ** 2  # (F_j'(λ) − F_j'(λ*))/ε
                Fj = Aj * lam ** 3 + Bj * (1 - lam) ** 3
                p = eta * (tau * (g1s + e * h) + e * Fj) / 3
                q = eta * ((1 + tau ** 2) * (g1s + e * h) + e * tau * Fj) / 3
                x = e ** 2 * p
                if not (1 + x).a > 0:
                    return None
                P += rho ** 2 * eta * (tau * h + Fj) / 3 - e_0 * (eta * tau * g1s / 3) * rho * S
                Dv += e_0 * rho ** 2 * p * (z - q) - rho * eta * ((1 + tau ** 2) * h + tau * Fj) / 3
                S += rho * p
                dl = de * z + e * dz
                F1 = 3 * (Aj * lam ** 2 - Bj * (1 - lam) ** 2)
                F2 = 6 * (Aj * lam + Bj * (1 - lam))
                dp = eta * (tau * F2 * dl + de * Fj + e * F1 * dl) / 3
                dq = eta * ((1 + tau ** 2) * F2 * dl + tau * (de * Fj + e * F1 * dl)) / 3
                dx = 2 * e * de * p + e ** 2 * dp
                de, dz = (de * (1 + x) - e * dx) / (1 + x) ** 2, dx * (z - q) + (1 + x) * (dz - dq)
                e, z, rho = e / (1 + x), (1 + x) * (z - q), rho / (1 + x)
            return P, Dv, dz, rhos, zetas

        def descent_form(e, z, P):
            # one step with F'(λ*) = 0 (used symbolically): u = (F'(λ) − F'(λ*))/ε, E = (λ − λ')/ε²,
            # Q = 3(L − L')(1 + ε³P)/ε⁴ = uE − F''(λ)εE²/2 + F'''ε³E³/6 + P F(λ)
            Aj, Bj = A, B
            lam = ls + e * z
            u = 6 * (Aj * ls + Bj * (1 - ls)) * z + 3 * (Aj - Bj) * e * z ** 2
            F = Aj * lam ** 3 + Bj * (1 - lam) ** 3
            E = eta * ((1 + tau ** 2) * u + tau * F) / 3
            F2, F3 = 6 * (Aj * lam + Bj * (1 - lam)), 6 * (Aj - Bj)
            return u * E - F2 * e * E ** 2 / 2 + F3 * e ** 3 * E ** 3 / 6 + P * F

        def within(vals, bounds):
            lo, hi = I(bounds[0]), I(bounds[1])
            return all(v.a >= lo.a and v.b <= hi.b for v in vals)

        z0, z1 = Z
        m, M3, M = consts["m"], consts["M3"], consts.get("M")
        if not m > 0:
            return False, "m ≤ 0"
        def tile_fails(e0, e1, y0, y1, depth=0) -> str:
            """Why the tile fails ("" if it passes); a failing tile is split in four (up to ``split``
            times): interval enclosures of a sub-tile are tighter, and the conditions hold pointwise."""
            out = run(I(e0, e1), I(y0, y1))
            why = ""
            if out is None:
                why = "the regime fails on a tile"
            else:
                P, _, dz, rhos, zetas = out
                e_ = I(e0, e1)
                C = 3 * P + 3 * e_ ** 3 * P ** 2 + e_ ** 6 * P ** 3
                if not (P.a >= I(m).a and P.a > 0 and dz.a > 0 and C.b <= I(M3).b):
                    why = "a tile fails P ≥ m > 0, ∂ζ'/∂ζ > 0 or C ≤ M3"
                elif M is not None and not P.b <= I(M).b:
                    why = "a tile fails P ≤ M"
                elif "rho" in consts and not (within(rhos, consts["rho"]) and within(zetas, consts["zeta"])):
                    why = "a tile's intra-cycle ρ_k or ζ_k leaves the recorded range"
                elif descent and not descent_form(e_, I(y0, y1), P).a > 0:
                    why = "a tile fails Q > 0 (descent)"
            if not why or depth >= split:
                return why
            em, ym = (e0 + e1) / 2, (y0 + y1) / 2
            for sub in ((e0, em, y0, ym), (em, e1, y0, ym), (e0, em, ym, y1), (em, e1, ym, y1)):
                why = tile_fails(*sub, depth + 1)
                if why:
                    return why
            return ""

        area = fmpq(0)
        for e0, e1, y0, y1 in tiles:
            if not (0 <= e0 < e1 <= eps_max and z0 <= y0 < y1 <= z1):
                return False, "a tile outside the box"
            why = tile_fails(e0, e1, y0, y1)
            if why:
                return False, why
            area += (e1 - e0) * (y1 - y0)
        if area != eps_max * (z1 - z0):
            return False, "the tiles do not cover the box"
        ts = sorted(tiles)
        for i, (a0, a1, b0, b1) in enumerate(ts):  # interiors pairwise disjoint: with the area, a partition
            for c0, c1, d0_, d1 in ts[i + 1:]:
                if c0 >= a1:
                    break
                if c0 < a1 and a0 < c1 and d0_ < b1 and b0 < d1:
                    return False, "two tiles overlap"
        cover = {-1: fmpq(0), 1: fmpq(0)}
        for sg in (-1, 1):
            iv_ = sorted((e0, e1) for e0, e1, _, s_ in edges if s_ == sg)
            if not iv_ or iv_[0][0] != 0 or any(p[1] != q[0] for p, q in zip(iv_, iv_[1:])):
                return False, "the edge tiles do not tile [0, ε_max]"
        for e0, e1, y, sgn in edges:
            if y != (z1 if sgn < 0 else z0):
                return False, "an edge tile off the edge"
            out = run(I(e0, e1), I(y))
            if out is None:
                return False, "the regime fails on an edge"
            Dv = out[1]
            if not ((Dv.b <= 0) if sgn < 0 else (Dv.a >= 0)):
                return False, "an edge moves outwards"
            cover[sgn] += e1 - e0
        if cover[-1] != eps_max or cover[1] != eps_max:
            return False, "the edge tiles do not cover [0, ε_max]"
        return True, f"{len(tiles)} tiles and {len(edges)} edge tiles re-checked in mpmath intervals ({dps} digits)"
    finally:
        iv.dps = old

