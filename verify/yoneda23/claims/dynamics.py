"""Claims 3.9–3.13: the dynamics of GD on D0, [RECONSTRUCTED] readings of the paper ([ABSTRACT] for
the existence of such a network).

3.9 monotone descent (a_t increases, L(θ^t) does not); 3.10 pointwise convergence f_N(θ^t, x) →
f°_N(x) for r_N(x) ≠ τ (certified GD into Z, then the invariant box of `verify.yoneda23.invariant`;
planted violations by exact fixed points and trap boxes, `dropping`); 3.11 the rate t^{∓1/3} with
certified two-sided constants; 3.12 the time to exactness T(x); 3.13 mini-batch cells(m).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from flint import arb

from ...framework import Evaluation, Hypothesis, relation, undecidable
from ...errors import InputError, SoundnessError
from ...numbers import Undecided, ball_bounds, is_exact, precision, sign, to_json
from .. import d0 as D
from ..invariant import Convergence, RampModel, prove, recheck
from .common import Q, _check_data_size, _clip, _guard, _head_note, _out, _pt, _range, _scope, config, points


# ============================================================================================
# 3.9–3.13: dynamics


def _frozen(cfg: D.D0, steps: int, independent: bool = False):
    """(t, θ*) if exact GD reaches a fixed point within ``steps`` steps -- ∇L_{t+j}(θ^t) = 0 for a
    whole batch cycle, so θ^s = θ^t for every s ≥ t -- else None (also when exact GD is unavailable).
    ``independent``: the zero gradient is certified another way -- by backprop through the network
    (data batches) or, for population batches, by a dead head: u = w r + c ≤ 0 (σ'(0) = 0) or
    u > 1 on the whole feature range, where both head neurons have derivative 0."""
    if cfg.batch.kind in ("full", "cells") and cfg.d != 1:
        return None
    M = cfg.n_cells
    try:
        thetas = D.gd_exact(cfg, steps, record="all").thetas if not independent else _independent_gd(cfg, steps)
        for t, th in enumerate(thetas):
            if _zero_gradient(cfg, th, t, M, independent):
                return t, th
            if sum(int(v.p).bit_length() + int(v.q).bit_length() for v in th) > 4000:
                return None
    except (Undecided, D.ReluTie, InputError):  # no exact GD here (a feature without exact integrals, a size limit)
        return None
    return None


def _independent_gd(cfg: D.D0, steps: int):
    """The exact GD iterates recomputed for re-verification with gradients that share no code with
    `D.risk_grad`: backprop through the network (data batches) or `D.risk_grad_simpson`
    (population), each step θ^{t+1} = θ^t − η_t ∇L_t(θ^t); stops past 4000 bits."""
    th = tuple(cfg.theta0)
    out = [th]
    for t in range(steps):
        if cfg.batch.kind in ("data", "grid"):
            G = D.data_risk_grad_backprop(cfg, th).G
        else:
            G = D.risk_grad_simpson(cfg, th, t)[1]
        th = tuple(v - cfg.eta_at(t) * g for v, g in zip(th, G))
        out.append(th)
        if sum(int(v.p).bit_length() + int(v.q).bit_length() for v in th) > 4000:
            break
    return out


def _zero_gradient(cfg, th, t, M, independent) -> bool:
    if not independent:
        return all(g == 0 for j in range(M) for g in D.risk_grad(cfg, th, t + j, "exact").G)
    if cfg.batch.kind in ("data", "grid"):
        return all(g == 0 for g in D.data_risk_grad_backprop(cfg, th).G)
    if cfg.feature != "yarotsky" or cfg.train_outer:
        return False
    w, c, _, _ = cfg.head_values(th)
    ends = (c, w * cfg.r([Q(1)] * cfg.d) + c)  # u at r = 0 and r = r_max (u is affine in r)
    return (max(ends) < 0 or (max(ends) <= 0 and cfg.relu_grad_at_0 == "0")) or min(ends) > 1


def _candidates(cfg):
    """Fixed test points for a frozen limit: x = k/40 (d = 1) or (k/20, 0) (d ≥ 2)."""
    if cfg.d == 1:
        return [(Q(k, 40),) for k in range(-39, 40)]
    return [tuple([Q(k, 20)] + [Q(0)] * (cfg.d - 1)) for k in range(-19, 20)]


def _init_clause(cfg: D.D0, th) -> bool:
    """a_0 > 0 and the open ramp (b_0 − 1/a_0, b_0) meets the range (0, r_max) of the feature."""
    w, c, _, _ = cfg.head_values(th)
    if not w < 0:
        return False
    b, b1 = -c / w, (1 - c) / w
    r_max = cfg.r([Q(1)] * cfg.d) if cfg.feature != "exact-square" else Q(cfg.d)
    return b > 0 and b1 < r_max


ETA_MAX = Q(1, 5)


@_guard
def eval_pointwise(ev: Evaluation, drop: frozenset = frozenset()):
    """3.10: f_N(θ^t, x) → f°_N(x) for every x with r_N(x) ≠ τ_c, certified by (A) certified GD into a
    box Z in (ε, ζ) = (1/a, a(λ − λ*)) and (B) the invariant of `verify.yoneda23.invariant` (all t), or
    refuted by a certified fixed point of exact GD or a trap box; ``drop`` removes hypotheses
    (the planted violations)."""
    cfg = config(ev)
    _head_note(ev, cfg)
    if cfg.batch.kind in ("data", "grid") and "coverage" not in drop:
        raise InputError(f"batch {cfg.batch.kind!r} does not cover the domain; pointwise convergence needs population "
                         "or cells batches (see ~finite-data-freeze)", "network.batch")
    hyps = []
    if "d" not in drop:
        hyps.append(_scope("d = 1", cfg.d == 1))
    if "N" not in drop:
        hyps.append(_scope("N ≥ 1", cfg.N >= 1))
    if "head" not in drop:
        hyps.append(_scope("head 'wc' (the D0 head)", cfg.head == "wc" and not cfg.train_outer))
    if "init" not in drop:
        hyps.append(_scope("initialization clause: a_0 > 0, the ramp meets the feature range",
                               _init_clause(cfg, cfg.theta0)))
    if "step" not in drop:
        hyps.append(_scope(f"step-size clause η·ν(Ω) ≤ {ETA_MAX} (ν = μ, or dx: η·2^d)", cfg.eta * cfg.mass <= ETA_MAX))
    hyps.append(_scope("target: the ball of radius 1/2 centred at 0 (the scope of 3.10)",
                           cfg.radius == D.HALF and all(c == 0 for c in cfg.centre)))
    if any(h.holds is False for h in hyps):
        return [], hyps
    xs = points(ev, cfg, [[Q(0)], [Q(9, 20)], [Q(3, 5)], [Q(-7, 10)]] if cfg.d == 1 else [[Q(0)] * cfg.d])
    if "sphere" not in drop:
        hyps += [_scope(f"r_N(x) ≠ R² at x = {_pt(x)}", cfg.r(x) != cfg.tau) for x in xs]
    rels = []
    _check_data_size(cfg)
    if ev.prec is None:
        fz = _frozen(cfg, 40 if cfg.batch.kind in ("data", "grid") else 3, ev.independent)
        if fz is not None:
            t, th = fz
            ev.notes.append(f"exact GD is frozen from t = {t} at θ* = {[str(v) for v in th]}: θ^s = θ* for all s ≥ {t}")
            test = xs + ([x for x in _candidates(cfg) if cfg.r(x) != cfg.tau] if drop else [])
            for x in test:
                if cfg.r(x) == cfg.tau and "sphere" not in drop:
                    continue
                rel = relation(f"lim_t f_N(θ^t, x) = f°_N(x) at x = {_pt(x)} (θ^t = θ* for t ≥ {t})", cfg.f(th, x), "=",
                               Q(cfg.limit(x)))
                if rel.status.value == "VIOLATED" or x in xs:
                    rels.append(rel)
                if rel.status.value == "VIOLATED":
                    break
            return rels, hyps
    if "head" in drop and cfg.head == "ab":
        return _two_cycle(ev, cfg, xs) + rels, hyps
    if "d" in drop and cfg.d == 2:
        return _disc_trap(ev, cfg, xs), hyps
    if cfg.batch.kind == "cells":
        return [undecidable("pointwise limit", "cells batches: see yoneda23.minibatch-cells")], hyps
    cv = _prove(ev, cfg)
    if not cv.closed:
        return [undecidable("pointwise limit", f"no invariant certificate: {cv.reason}")], hyps
    for x in xs:
        rels += _eventual(ev, cfg, cv, x)
    _box_series(ev, cfg, cv)
    return rels, hyps


def _box_series(ev, cfg, cv: Convergence, horizon: int = 2 ** 12):
    """The trajectory in (ε, ζ) = (1/a, a(λ − λ*)) with the invariant box Z, for the report: the
    certified iterates' midpoints to t0, then the ramp model's GD map in floats (the invariant keeps
    the iterates in the regime, where that map is GD); and the largest certified T(x) as the search
    objective (log10).  Floats, for plots only."""
    ls = float(cv.cert.lam_star.mid())
    pts = [(float((1 / a).mid()), float((a * (lam - cv.cert.lam_star)).mid())) for _, a, lam, _ in cv.iterates]
    a, lam = float(cv.iterates[-1][1].mid()), float(cv.iterates[-1][2].mid())
    keep = {int(v) for v in np.geomspace(max(cv.t0, 1), horizon, 40)}
    for t in range(cv.t0 + 1, horizon + 1):
        a, lam = cv.model.step(a, lam)
        if t in keep:
            pts.append((1 / a, a * (lam - ls)))
    ev.record("x: ε = 1/a_t", [p[0] for p in pts])
    ev.record("ζ_t = a_t(λ_t − λ*)", [p[1] for p in pts])
    ev.record("invariant box: ζ = z_lo", [float(cv.cert.Z[0])] * len(pts))
    ev.record("invariant box: ζ = z_hi", [float(cv.cert.Z[1])] * len(pts))
    Ts = getattr(ev, "exact_times", [])
    if Ts:
        ev.objective("log10 of the largest certified T(x)", math.log10(max(Ts)))


def _prove(ev, cfg) -> Convergence:
    """`invariant.prove`, then the independent mpmath re-check of the invariant (`invariant.recheck`;
    not closed when it fails) and the certificate file when `check --certificate` asked for one."""
    cv = prove(cfg, prec=max(ev.prec or 128, 128))
    if cv.closed:
        c = cv.cert
        ok, how = recheck(c)
        if not ok:
            return Convergence(cv.model, None, None, None, None,
                               f"the invariant certificate did not re-check in mpmath intervals: {how}", cv.iterates,
                               cv.prec)
        ev.notes.append(f"invariant closed: ζ_{cv.t0} ∈ Z = [{c.Z[0]}, {c.Z[1]}], ε ≤ {_out(c.eps_max, True, 6)}, "
                        f"a²(a' − a) ∈ {_range(c.m, c.M, 6)}, a'³ − a³ ≤ {_out(c.M3, True, 6)} "
                        f"({c.tiles} tiles, {c.prec} bits; core engine certify_map_expansion); {how}")
        ev.engines.update({"d0-invariant", "invariance-expansion"})
        _write_certificate(ev, cv)
    return cv


def _write_certificate(ev, cv):
    """The invariant's JSON file (`verify.yoneda23.certificates`) where `check --certificate` asked."""
    from ..certificates import write_requested

    entry = {"t0": cv.t0, "a": to_json(cv.a0), "zeta": to_json(cv.zeta0)}
    if write_requested(cv.cert, getattr(ev.inst, "claim", None), entry) is not None:
        ev.notes.append("invariant certificate written (relu-verify recheck FILE re-checks it)")


def _eventual(ev, cfg, cv: Convergence, x) -> list:
    """The certified eventual value of f_N(θ^t, x) (module d0_invariant) against f°_N(x) and f°(x)."""
    m = cv.model
    r = cfg.r(x)
    if r == m.tau:
        c = cv.cert
        with precision(cv.prec):  # λ_t = λ* + ε_t ζ_t with ε_t ∈ (0, ε_max], ζ_t ∈ Z
            band = c.lam_star + arb(0).union(arb(c.eps_max)) * arb(c.Z[0]).union(arb(c.Z[1]))
        target = Q(cfg.limit(x))
        gap = ball_bounds(band)
        dist = max(Q(0), target - gap[1], gap[0] - target)
        ev.notes.append(f"x = {_pt(x)} on the boundary r_N = τ_c: f(θ^t, x) = clip(λ_t) ∈ {_range(gap[0], gap[1], 6)} "
                        f"for all t ≥ {cv.t0}, tending to λ* ∈ {_range(c.lam_star, c.lam_star, 6)}")
        return [relation(f"distance of f_N(θ^t, x) (t ≥ {cv.t0}) from f°_N(x) = {target} tends to 0, x = {_pt(x)}",
                         dist, "=", 0),
                relation(f"distance from f°(x) = {cfg.target(x)} tends to 0, x = {_pt(x)}",
                         max(Q(0), Q(cfg.target(x)) - gap[1], gap[0] - Q(cfg.target(x))), "=", 0)]
    inside = r < m.tau
    T = cv.exact_after(abs(r - m.tau), inside)
    ev.notes.append(f"x = {_pt(x)}: f_N(θ^t, x) = {int(inside)} for every t ≥ T(x) = {T} (certified)")
    ev.exact_times = getattr(ev, "exact_times", []) + [T]
    rel = relation(f"lim_t f_N(θ^t, x) = f°_N(x) at x = {_pt(x)} (f = {int(inside)} for t ≥ {T})", Q(int(inside)),
                   "=", Q(cfg.limit(x)))
    if ev.independent and rel.status.value == "VIOLATED" and T <= INDEPENDENT_RUN_MAX:
        # the eventual value at t = T(x) on a certified run with the general piece engine (not the invariant)
        prec = max(ev.prec or 128, 128)
        tr = D.gd_ball(cfg, T, prec=prec, record={T}, fast=False)
        ev.engines.add("d0-gd-ball")
        w, c, _, _ = cfg.head_values(tr.at(T))
        with precision(prec):
            u = w * arb(r) + c
        run = relation("pre-activation at T(x)", u, "≥" if inside else "≤", 1 if inside else 0)
        if run.status.value == "VIOLATED":
            raise SoundnessError(f"yoneda23: a certified run contradicts the invariant's T(x) = {T} at x = {_pt(x)}")
        ev.notes.append(f"independent general-engine run to t = T(x) = {T}: "
                        + ("f confirmed" if run.status.value == "HOLDS" else "too wide to decide (interval extension)"))
    return [rel]


INDEPENDENT_RUN_MAX = 5000  # the re-verification's general-engine run to T(x) (about 1 ms per step)


def _two_cycle(ev, cfg, xs) -> list:
    """P4: θ^0 in a certified trap B_0 of a 2-cycle of the (a, b)-head GD map: θ^{2k} ∈ B_0,
    θ^{2k+1} ∈ B_1 for all k; disjoint ranges of f(·, x) on B_0 and B_1 mean no limit."""
    from .. import traps

    prec = ev.prec or 128
    a, lam = cfg.a_lambda(cfg.theta0)
    cert = traps.ab_two_cycle(cfg, guess=(float(a), float(lam)), prec=prec)
    if cert is None:
        return [undecidable("two-cycle", "no certified 2-cycle trap near θ^0")]
    inside = traps.theta_in_box(cfg, cfg.theta0, cert.boxes[0], prec)
    if not inside:
        return [undecidable("two-cycle", "θ^0 is not certified inside the trap box B_0")]
    ev.engines.add("trap-boxes")
    ev.notes.append(f"certified 2-cycle trap: {'; '.join(cert.log)}")
    if ev.independent:  # two steps of certified GD with the general piece engine must land in B_1, then B_0
        tr = D.gd_ball(cfg, 2, prec=prec, record="all", fast=False)
        ev.engines.add("d0-gd-ball")
        where = [traps.theta_in_box(cfg, tr.thetas[k], cert.boxes[k % 2], prec) for k in (1, 2)]
        if False in where:
            raise SoundnessError("yoneda23: a certified GD step leaves the certified 2-cycle trap")
        if None in where:
            return [undecidable("two-cycle", "the independent GD steps are not certified inside the trap boxes")]
    rels = []
    for x in xs:
        f0, f1 = (traps.f_range(cfg, box, x[0], prec) for box in cert.boxes)
        b0, b1 = ball_bounds(f0), ball_bounds(f1)
        gap = max(Q(0), b0[0] - b1[1], b1[0] - b0[1])
        rels.append(relation(f"f(θ^(2k), x) and f(θ^(2k+1), x) have a common limit, x = {_pt(x)} (gap between "
                             f"{_range(b0[0], b0[1], 4)} and {_range(b1[0], b1[1], 4)})",
                             gap, "=", 0))
    return rels


def _disc_trap(ev, cfg, xs) -> list:
    """P6: d = 2, N = 1: θ^0 in a certified trap box B of the population GD map around its
    minimizer (G(B) ⊂ B): f(θ^t, x) stays in the range of f(·, x) on B, away from {0, 1}."""
    from .. import disc as d0_disc

    if cfg.N != 1 or cfg.feature != "yarotsky" or cfg.head != "wc" or cfg.batch.kind != "full" or cfg.train_outer:
        return [undecidable("d = 2", "the d = 2 engine covers N = 1, head wc, population loss only")]
    prec = ev.prec or 128
    cert = d0_disc.trap_certificate(cfg, prec)
    if cert is None:
        return [undecidable("d = 2 trap", "no certified trap box around the minimizer")]
    if not cert.boxes[0].contains(tuple(cfg.theta0)):
        return [undecidable("d = 2 trap", "θ^0 is not certified inside the trap box")]
    ev.engines.add("trap-boxes")
    ev.notes.append(f"certified trap box around the population minimizer: {'; '.join(cert.log)}")
    rels = []
    for x in xs:
        r = cfg.r(x)
        with precision(prec):
            w, c = cert.boxes[0].hull(prec)
            u = w * arb(r) + c
        lo, hi = ball_bounds(u)
        f_lo, f_hi = _clip(lo), _clip(hi)
        target = Q(cfg.limit(x))
        dist = max(Q(0), target - f_hi, f_lo - target)
        rels.append(relation(f"distance of f_N(θ^t, x) (all t) from f°_N(x) = {target} tends to 0, x = {_pt(x)} "
                             f"(f ∈ {_range(f_lo, f_hi, 4)})", dist, "=", 0))
    return rels


def dropping(*clauses):
    """3.10 with some hypotheses removed: the evaluation of a planted violation."""
    return functools.partial(eval_pointwise, drop=frozenset(clauses))


def _is_default(cfg: D.D0) -> bool | None:
    if not all(is_exact(v) for v in cfg.init):  # a ball θ^0: "is it the default?" is not decided by ==
        return None
    base = D.D0(relu_grad_at_0=cfg.relu_grad_at_0, limit_def=cfg.limit_def, error_r=cfg.error_r, closed=cfg.closed)
    return cfg == base


@_guard
def eval_monotone(ev: Evaluation):
    """3.9 (default instance): a_t strictly increases and L(θ^t) does not increase, for every t: per
    step on the certified iterates up to the entry time t0, by the invariant (a²(a' − a) ≥ m > 0,
    L − L' > 0) afterwards.  Other instances: reported, not asserted."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyp = [_scope("the default instance (scope of 3.9)", _is_default(cfg))]
    if RampModel.of(cfg) is None:
        ev.notes.append("no ramp model for this configuration: nothing to report")
        return [], hyp
    cv = _prove(ev, cfg)
    its = cv.iterates
    rels = []
    if len(its) >= 2:
        with precision(cv.prec):
            rels += [_per_step("a_(t+1) − a_t", ">", [(p[0], n[1] - p[1]) for p, n in zip(its, its[1:])]),
                     _per_step("L_(t+1) − L_t", "≤", [(p[0], n[3] - p[3]) for p, n in zip(its, its[1:])])]
    if not cv.closed:
        rels.append(undecidable("all t", f"no invariant: {cv.reason}"))
    else:
        rels.append(relation(f"a²(a' − a) ≥ m > 0 for every t ≥ {cv.t0} (invariant)", cv.cert.m, ">", 0))
    if hyp[0].holds is False:
        ev.notes += [f"reported, not asserted: {r.name}: {r.status.value}" for r in rels]
    return rels, hyp


def _per_step(name: str, op: str, diffs: list):
    """One relation for "diff_t op 0 for every t" over certified balls (t, diff_t): the first step
    whose ball certifies the failure (a concrete witness t), else the bound over all steps when every
    step is certified, else the first undecided step (UNKNOWN).  A ball's one-sided bound never
    refutes anything."""
    rels = [(t, relation(f"{name} {op} 0 at t = {t} (certified iterates)", dv, op, 0)) for t, dv in diffs]
    for want in ("VIOLATED", "UNKNOWN"):
        for t, rel in rels:
            if rel.status.value == want:
                return rel
    k = len(diffs)
    bounds = [ball_bounds(dv) for _, dv in diffs]
    worst = min(b[0] for b in bounds) if op in (">", "≥") else max(b[1] for b in bounds)
    return relation(f"{name} {op} 0 for every t < {k} (certified iterates; worst bound)", worst, op, 0)


def _envelope(cv: Convergence, r: int):
    """Certified constants of 3.11 for t ≥ t1 = max(t0, 1): c1 t^{1/3} ≤ a_t ≤ c2 t^{1/3} and
    c_e t^{-1/3} ≤ e_r(t) ≤ C t^{-1/3}, as rationals (cubes for c1, c2) and balls."""
    c = cv.cert
    t0, t1 = cv.t0, max(cv.t0, 1)
    lo, hi = ball_bounds(cv.a0)
    m3 = 3 * c.m
    c1c = min(m3, (lo ** 3 - m3 * t0) / t1 + m3)
    c2c = max(c.M3, (hi ** 3 - c.M3 * t0) / t1 + c.M3)
    Ae, Be = cv.model.err
    with precision(cv.prec):
        lam = c.lam_star + arb(0).union(arb(c.eps_max)) * arb(c.Z[0]).union(arb(c.Z[1]))
        G = (Ae * lam ** (r + 1) + Be * (1 - lam) ** (r + 1)) / (r + 1)
        Glo, Ghi = ball_bounds(G)
        sup_h = max(1 / m3, Q(t1) / (lo ** 3 + m3 * (t1 - t0)))
        inf_h = min(1 / c.M3, Q(t1) / (hi ** 3 + c.M3 * (t1 - t0)))
        C = arb(Ghi) * arb(sup_h) ** (arb(1) / 3)
        ce = arb(Glo) * arb(inf_h) ** (arb(1) / 3)
    return c1c, c2c, C, ce, t1


def _ramp_scope(cfg: D.D0) -> Hypothesis:
    """The scope of 3.11 and 3.12: a configuration whose loss is the ramp model of 3.10 with N ≥ 1."""
    return _scope("d = 1, N ≥ 1, head wc, population loss, the default target, constant η·ν(Ω) ≤ 1/5, the "
                  "initialization clause (scope of 3.10)",
                  RampModel.of(cfg) is not None and cfg.N >= 1 and cfg.eta * cfg.mass <= ETA_MAX
                  and _init_clause(cfg, cfg.theta0))


RATE_HORIZON = 2 ** 10  # certified GD searches concrete witnesses against claimed constants on t ≤ this


@_guard
def eval_rate(ev: Evaluation):
    """3.11: e_r(t) ≍ t^{−1/3} and a_t ≍ t^{1/3}, with certified two-sided constants from the invariant
    (a_t³ ∈ [a_{t0}³ + 3m(t − t0), a_{t0}³ + M3(t − t0)] for t ≥ t1).

    Claimed constants params.C, c1, c2 (the user's: the paper states none) are decided one by one:
    HOLDS where the certified envelope proves them; VIOLATED only on a certified failure of the
    claimed inequality itself -- for every t ≥ t1 (the claimed constant lies beyond the *opposite*
    side of the envelope: C < c_e, c1 > c2_cert, c2 < c1_cert), or at a concrete t ≥ params.t0 (when
    given) on the certified GD trajectory to RATE_HORIZON; UNKNOWN otherwise (the envelope is
    one-sided evidence, never a counterexample).  Without params.t0 the claim reads "for all t ≥ some
    t_0", which no finite t can refute.  The float exponent on dyadic t is the search objective."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyps = [_ramp_scope(cfg)]
    if not hyps[0].holds:
        return [], hyps
    claimed = {k: ev.rational_param(k) for k in ("C", "c1", "c2")}
    t_from = _horizon_param(ev, "t0")
    cv = _prove(ev, cfg)
    if not cv.closed:
        return [undecidable("rate", f"no invariant: {cv.reason}")], hyps
    r = cfg.error_r
    c1c, c2c, C, ce, t1 = _envelope(cv, r)
    with precision(cv.prec):
        c1, c2 = arb(c1c) ** (arb(1) / 3), arb(c2c) ** (arb(1) / 3)
    ev.notes.append(f"certified for t ≥ {t1}: {_out(c1, False)} t^(1/3) ≤ a_t ≤ {_out(c2, True)} t^(1/3), "
                    f"{_out(ce, False)} t^(-1/3) ≤ e_{r}(t) ≤ {_out(C, True)} t^(-1/3) (rounded outward)")
    rels = []
    if all(v is None for v in claimed.values()):
        if c1c > 0 and sign(ce) == 1:
            rels += [relation(f"c1³ > 0 (a_t ≥ c1 t^(1/3) for t ≥ {t1})", c1c, ">", 0),
                     relation(f"c_e > 0 (e_{r}(t) ≥ c_e t^(-1/3) for t ≥ {t1})", ce, ">", 0)]
        else:
            rels.append(undecidable("rate", "the certified lower constants are not certified positive"))
    traj = functools.lru_cache(maxsize=1)(lambda: _rate_trajectory(ev, cfg, r))
    for key, value in claimed.items():
        if value is not None:
            rels.append(_claimed_constant(ev, key, value, t_from, t1, (c1c, c2c, C, ce), traj))
    _rate_series(ev, cfg, cv, c1c, c2c, C, ce)
    return rels, hyps


def _horizon_param(ev, key, default=None, limit=None):
    """params.<key> as an integer time ≥ 1 (an int or a decimal string), at most ``limit``."""
    v = ev.inst.params.get(key)
    if v is None:
        return default
    if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) < 20:
        v = int(v.strip())
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise InputError(f"{key} must be an integer >= 1, got {v!r}", f"params.{key}")
    if limit is not None and v > limit:
        raise InputError(f"{key} = {v} exceeds the limit {limit} of this claim's certified run", f"params.{key}")
    return v


def _rate_trajectory(ev, cfg, r) -> list:
    """(t, a_t, e_r(t)) as certified balls for 1 ≤ t ≤ RATE_HORIZON (exact GD's iterates lie in the
    balls).  The independent re-verification steps with the general piece engine, not the 3.8
    closed form."""
    prec = max(ev.prec or 128, 128)
    tr = D.gd_ball(cfg, RATE_HORIZON, prec=prec, record="all", fast=not ev.independent)
    ev.engines.add("d0-gd-ball")
    out = []
    with precision(prec):
        for t, th in zip(tr.times, tr.thetas):
            if t >= 1:
                out.append((t, cfg.a_lambda(th)[0], D.error(cfg, th, r, "ball", prec)))
    return out


def _claimed_constant(ev, key, value, t_from, t1, env, traj):
    """One relation deciding the user's constant params.<key> (see `eval_rate`)."""
    c1c, c2c, C, ce = env
    who = f"params.{key} = {value} (the user's constant; the paper states none)"
    if key == "C":
        asym = relation(f"{who} ≥ certified c_e: else e_r(t) ≥ c_e t^(-1/3) > C t^(-1/3) for every t ≥ {t1}",
                        value, "≥", ce)
        proof = relation(f"certified C_env ≤ {who} (e_r(t) ≤ C_env t^(-1/3) for t ≥ {t1})", C, "≤", value)
    elif key == "c1":
        asym = relation(f"{who}: c1³ ≤ certified c2³, else a_t ≤ c2 t^(1/3) < c1 t^(1/3) for every t ≥ {t1}",
                        value ** 3, "≤", c2c)
        proof = relation(f"{who}: c1³ ≤ certified c1³ (a_t ≥ c1 t^(1/3) for t ≥ {t1})", value ** 3, "≤", c1c)
    else:
        asym = relation(f"{who}: c2³ ≥ certified c1³, else a_t ≥ c1 t^(1/3) > c2 t^(1/3) for every t ≥ {t1}",
                        value ** 3, "≥", c1c)
        proof = relation(f"{who}: c2³ ≥ certified c2³ (a_t ≤ c2 t^(1/3) for t ≥ {t1})", value ** 3, "≥", c2c)
    if asym.status.value == "VIOLATED":
        if ev.independent:  # the bound says the claim fails at every t ≥ t1: confirm at t = RATE_HORIZON on a run
            t, a, e = traj()[-1]  # that uses the general piece engine, not the invariant nor the closed form
            with precision(max(ev.prec or 128, 128)):
                at = _at_t(key, value, t, a, e)
            if at.status.value == "HOLDS":
                raise SoundnessError(f"yoneda23.rate-t13: the envelope says params.{key} fails for every t ≥ {t1}, "
                                     f"a certified run says it holds at t = {t}")
            if at.status.value != "VIOLATED":
                return undecidable(f"params.{key}", f"the independent run did not decide t = {t}")
        ev.notes.append(f"refuted: the user's constant params.{key} = {value}, not a claim of the paper")
        return asym
    if t_from is not None:
        early = []
        for t, a, e in traj():
            if t < t_from:
                continue
            with precision(max(ev.prec or 128, 128)):
                rel = _at_t(key, value, t, a, e)
            if rel.status.value == "VIOLATED":
                ev.notes.append(f"refuted at t = {t} (certified GD): the user's constant params.{key} = {value}, "
                                "not a claim of the paper")
                return rel
            if t < t1:
                early.append(rel)
        if t_from < t1 and proof.status.value == "HOLDS":
            if len(early) == t1 - t_from and all(x.status.value == "HOLDS" for x in early):
                return relation(f"{proof.name}, and for {t_from} ≤ t < {t1} on the certified iterates", proof.lhs,
                                proof.op, proof.rhs)
            return undecidable(f"params.{key}", f"certified for t ≥ {t1}, undecided on {t_from} ≤ t < {t1}")
    if proof.status.value == "HOLDS":
        return proof
    where = f"no certified failure at any t ∈ [{t_from}, {RATE_HORIZON}]" if t_from is not None else \
        "no params.t0 given, so no finite t can refute 'for all t ≥ some t_0'"
    return undecidable(f"params.{key} = {value}",
                       f"the claimed constant lies inside the certified envelope (c1 ≤ a_t t^(-1/3) ≤ c2, "
                       f"c_e ≤ e_r t^(1/3) ≤ C_env for t ≥ {t1}): one-sided bounds are no counterexample; {where}")


def _at_t(key, value, t, a, e):
    """The claimed inequality of params.<key> at one t (a, e: certified balls of a_t, e_r(t))."""
    ct = arb(t) ** (arb(1) / 3)
    if key == "C":
        return relation(f"e_r(t) ≤ C t^(-1/3) at t = {t} (certified GD)", e * ct, "≤", value)
    if key == "c1":
        return relation(f"a_t ≥ c1 t^(1/3) at t = {t} (certified GD)", a, "≥", value * ct)
    return relation(f"a_t ≤ c2 t^(1/3) at t = {t} (certified GD)", a, "≤", value * ct)


def _rate_series(ev, cfg, cv, c1c, c2c, C, ce, kmax: int = 16):
    """Float e_r(t) on dyadic t with the certified envelope, and the fitted exponent (search objective)."""
    ts = [2 ** k for k in range(4, kmax + 1)]
    from .. import entry

    if entry.applies(cfg):  # the law-based float run to 2^11 (fast off the regime), then d0.gd_float
        t1 = 2 ** 11
        early = {t: th for t, th in enumerate(entry._float_run(cfg, t1)) if t in ts or t == t1}
        err = {}
        if len(early) == len([t for t in ts if t <= t1]) and t1 in early:
            es = D.error_float(cfg, np.array([early[t] for t in ts if t <= t1]))
            err = {t: float(e) for t, e in zip([t for t in ts if t <= t1], es)}
            tr = D.gd_float(cfg, ts[-1] - t1, record={t - t1 for t in ts if t > t1}, errors=True, theta0=early[t1])
            err.update({t + t1: e for t, e in zip(tr.times, tr.errors)})
        if any(t not in err for t in ts):
            tr = D.gd_float(cfg, ts[-1], record=set(ts), errors=True)
            err = dict(zip(tr.times, tr.errors))
    else:
        tr = D.gd_float(cfg, ts[-1], record=set(ts), errors=True)
        err = dict(zip(tr.times, tr.errors))
    es = [float(err[t]) for t in ts]
    lx, ly = [math.log(t) for t in ts[-5:]], [math.log(e) for e in es[-5:]]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    slope = sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)
    ev.record("x: t", ts)
    ev.record(f"e_{cfg.error_r}(t) (float GD)", es)
    ev.record("certified upper envelope C t^(-1/3)", [float(C.mid()) * t ** (-1 / 3) if t >= cv.t0 else None for t in ts])
    ev.record("certified lower envelope c_e t^(-1/3)", [float(ce.mid()) * t ** (-1 / 3) if t >= cv.t0 else None
                                                        for t in ts])
    ev.notes.append(f"fitted exponent of e_r on t ∈ [{ts[-5]}, {ts[-1]}]: {slope:.4f} (float; −1/3 predicted)")
    ev.objective("fitted exponent of e_r(t) (float)", slope)


@_guard
def eval_time_to_exactness(ev: Evaluation):
    """3.12: a certified T(x) with f_N(θ^t, x) = f°_N(x) for all t ≥ T(x); for δ = |r_N(x) − 1/4| ≥ 1/8
    and T(x) ≤ 20000 cross-checked by a certified run: at t = T(x) the head's pre-activation is
    certified ≥ 1 (inside) or ≤ 0 (outside)."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyps = [_ramp_scope(cfg)]
    if not hyps[0].holds:
        return [], hyps
    xs = points(ev, cfg, [[Q(1, 8)], [Q(3, 4)], [Q(9, 20)]])
    hyps += [_scope(f"r_N(x) ≠ 1/4 at x = {_pt(x)}", cfg.r(x) != cfg.tau) for x in xs]
    if any(h.holds is False for h in hyps):
        return [], hyps
    T_claim = _horizon_param(ev, "T")
    cv = _prove(ev, cfg)
    if not cv.closed:
        return [undecidable("T(x)", f"no invariant: {cv.reason}")], hyps
    rels = []
    for x in xs:
        r = cfg.r(x)
        delta, inside = abs(r - cfg.tau), r < cfg.tau
        T = cv.exact_after(delta, inside)
        if T_claim is not None:
            rels.append(_claimed_time(ev, cfg, x, T_claim, T))
        rels.append(relation(f"T(x) < ∞ with f_N(θ^t, x) = f°_N(x) for t ≥ T(x) = {T}, x = {_pt(x)}", Q(int(inside)),
                             "=", Q(cfg.limit(x))))
        ls = float(cv.cert.lam_star.mid())
        c_inf = float((Q(16, 17) * cfg.eta * cv.model.F(cv.cert.lam_star)).mid()) ** (1 / 3)
        pred = (((1 - ls) if inside else ls) / (c_inf * float(delta))) ** 3
        ev.notes.append(f"x = {_pt(x)}: δ = {delta}, certified T(x) = {T}; heuristic ((1−λ*) or λ*)/(c∞δ))³ ≈ {pred:.3g}")
        if delta >= Q(1, 8) and T <= 20000:
            check = _cross_check_T(cfg, x, T, inside, long_entry=cv.t0 > 400)
            if check.status.value == "VIOLATED":  # T(x) is the tool's own bound: a failure is a defect, not a witness
                raise SoundnessError(f"yoneda23.time-to-exactness: the certified run contradicts the certified "
                                     f"T(x) = {T} at x = {_pt(x)}")
            if check.status.value == "HOLDS":
                rels.append(check)
            else:  # a cross-check of the proof, not a part of it: too wide to decide is only reported
                ev.notes.append(f"cross-check at t = T(x) = {T}, x = {_pt(x)}: the certified run is too wide to decide")
    return rels, hyps


def _cross_check_T(cfg, x, T, inside, long_entry: bool = False):
    """The head's pre-activation at t = T(x) on a certified run: `d0.gd_ball`, or where its general
    ball engine is too wide (N ≥ 3 from the default θ^0), the Hessian mean-value run of
    `verify.yoneda23.entry` for T ≤ 3000."""
    from .. import entry

    r = cfg.r(x)
    name = f"certified run: pre-activation at t = T(x) {'≥ 1' if inside else '≤ 0'}, x = {_pt(x)}"
    check = undecidable(name, "the certified run is too wide")
    # (after a long entry the general ball engine is known to blow up: go to the Hessian run directly)
    tr = None if long_entry and entry.applies(cfg) else D.gd_ball(cfg, T, prec=128, record={T}, max_width=1)
    if tr is not None and tr.complete:
        w, c = tr.at(T)
        with precision(128):
            check = relation(name, w * arb(r) + c, "≥" if inside else "≤", 1 if inside else 0)
    if check.status.value == "UNKNOWN" and entry.applies(cfg) and T <= 3000:
        boxes = entry.gd_entry(cfg, T, prec=128, until_regime=False)
        if len(boxes) == T + 1:
            w, c = boxes[T]
            with precision(128):
                check = relation(name + " (Hessian mean-value run)", w * arb(r) + c, "≥" if inside else "≤",
                                 1 if inside else 0)
    return check


EXACTNESS_WITNESS_HORIZON = 2 ** 14  # certified GD looks for a witness against params.T up to this t


def _claimed_time(ev, cfg, x, T_claim: int, T_cert: int):
    """The user's time params.T ("f_N(θ^t, x) = f°_N(x) for every t ≥ T"): HOLDS when the certified
    T(x) ≤ T; VIOLATED only at a concrete t ≥ T where certified GD puts the head's pre-activation
    u = w r_N(x) + c strictly inside (−∞, 1) (a point inside: f < 1) or (0, ∞) (outside: f > 0);
    else UNKNOWN -- a certified T(x) above the claimed one is only our bound."""
    who = f"params.T = {T_claim} (the user's time) at x = {_pt(x)}"
    if T_cert <= T_claim:
        return relation(f"certified T(x) = {T_cert} ≤ {who}", Q(T_cert), "≤", Q(T_claim))
    inside = cfg.r(x) < cfg.tau
    H = min(T_cert, EXACTNESS_WITNESS_HORIZON)
    prec = max(ev.prec or 128, 128)
    lo, h = T_claim, min(H, max(T_claim, 16))
    while lo <= h:  # horizons doubling from T: a witness, when there is one, usually sits just past T
        tr = D.gd_ball(cfg, h, prec=prec, record=set(range(lo, h + 1)), fast=not ev.independent)
        ev.engines.add("d0-gd-ball")
        with precision(prec):
            for t, th in zip(tr.times, tr.thetas):
                if t < lo:
                    continue
                w, c, _, _ = cfg.head_values(th)
                u = w * arb(cfg.r(x)) + c
                rel = relation(f"f_N(θ^t, x) = f°_N(x) at t = {t} ≥ {who}: pre-activation {'≥ 1' if inside else '≤ 0'} "
                               "(certified GD)", u, "≥" if inside else "≤", 1 if inside else 0)
                if rel.status.value == "VIOLATED":
                    ev.notes.append(f"refuted at t = {t}: the user's time params.T = {T_claim}, not a claim of the paper")
                    return rel
        lo, h = h + 1, min(H, 2 * h)
    return undecidable(f"params.T = {T_claim}", f"the certified T(x) = {T_cert} exceeds it, which is only our bound; "
                       f"no certified t ∈ [{T_claim}, {H}] with f_N(θ^t, x) ≠ f°_N(x)")


CELLS_MAX_T = 2 ** 18  # the certified cells run of 3.13 (2^12 steps take 0.13 s)


@_guard
def eval_cells(ev: Evaluation):
    """3.13: under cells(m) the conclusions of 3.10–3.11 hold.  Where every cell's closed-form
    coefficients equal the full batch's (m = 1, normalized) GD is the full-batch GD in the regime and
    3.10 proves it; for m ≥ 2 the composed 2^m-step invariant is not
    implemented: a certified run to t = params.t (default 2^12) with the regime kept, and UNKNOWN."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyps = [_scope("cells batches, d = 1, N ≥ 1, head wc, the default target, η·ν(Ω) ≤ 1/5, the initialization "
                   "clause (scope of 3.13)", cfg.batch.kind == "cells" and cfg.d == 1 and cfg.N >= 1 and cfg.head == "wc"
                   and not cfg.train_outer and cfg.radius == D.HALF and all(c == 0 for c in cfg.centre)
                   and cfg.eta * cfg.mass <= ETA_MAX and _init_clause(cfg, cfg.theta0))]
    if not hyps[0].holds:
        return [], hyps
    xs = points(ev, cfg, [[Q(9, 20)], [Q(3, 5)]])
    hyps += [_scope(f"r_N(x) ≠ 1/4 at x = {_pt(x)}", cfg.r(x) != cfg.tau) for x in xs]
    if any(h.holds is False for h in hyps):
        return [], hyps
    full = cfg.with_(batch=D.Batch.full())
    full_co = D.closed_form_coefficients(full, 0)
    if full_co is not None and all(D.closed_form_coefficients(cfg, t) == full_co for t in range(cfg.n_cells)):
        # every cell's loss is the population loss in the regime (m = 1, normalized: the two halves are mirror images)
        rels = [relation("every cell's (A_t, B_t) = the full batch's (exact)", Q(1), "=", 1)]
        cv = _prove(ev, full)
        if not cv.closed:
            return rels + [undecidable("pointwise limit", cv.reason)], hyps
        return rels + [r for x in xs for r in _eventual(ev, full, cv, x)], hyps
    T = _horizon_param(ev, "t", 2 ** 12, CELLS_MAX_T)
    return _cells_cycle(ev, cfg, xs, T), hyps


def _cells_cycle(ev, cfg, xs, T) -> list:
    """3.13 for cells whose coefficients differ (m ≥ 2): certified GD to a cycle start in a box Z
    (horizon ``T``), then the composed cycle invariant of `verify.yoneda23.cycle` (the exact expansion
    in ε), re-checked in mpmath intervals; eventual exactness T(x) and the t^{1/3} envelope."""
    from .. import cycle

    prec = max(ev.prec or 128, 128)
    cv = cycle.prove(cfg, t_max=max(T, 2 ** 10), prec=prec)
    if not cv.closed:
        return [undecidable("pointwise limit", f"no cycle invariant: {cv.reason}")]
    c = cv.cert
    ok, how = cycle.recheck(c)
    if not ok:
        return [undecidable("pointwise limit", f"the cycle certificate did not re-check in mpmath intervals: {how}")]
    M = cv.period
    ev.engines.update({"d0-gd-ball", "d0-cycle-invariant", "invariance-expansion"})
    _write_certificate(ev, cv)
    ev.notes.append(f"cycle invariant closed (phase {c.model.phase}, M = {M} steps): ζ_{cv.t0} ∈ Z = [{c.Z[0]}, {c.Z[1]}], "
                    f"ε ≤ {_out(c.eps_max, True, 6)}, a_0²(a_M − a_0) ≥ {_out(c.m, False, 6)}, a_M³ − a_0³ ≤ "
                    f"{_out(c.M3, True, 6)}, inside a cycle ε_k/ε_0 ∈ {_range(c.rho_lo, c.rho_hi, 6)} and ζ_k ∈ "
                    f"{_range(c.zeta_lo, c.zeta_hi, 6)} ({c.size} tiles, {c.prec} bits); {how}")
    rels = []
    full = cfg.with_(batch=D.Batch.full())
    for x in xs:
        r = cfg.r(x)
        inside = r < cfg.tau
        Tx = cv.exact_after(abs(r - cfg.tau), inside)
        ev.notes.append(f"x = {_pt(x)}: f_N(θ^t, x) = {int(inside)} for every t ≥ T(x) = {Tx} (certified, cells)")
        rels.append(relation(f"lim_t f_N(θ^t, x) = f°_N(x) at x = {_pt(x)} (f = {int(inside)} for t ≥ {Tx})",
                             Q(int(inside)), "=", Q(full.limit(x))))
    # 3.11 under cells: a_{t0+Mn}³ ∈ [a_lo³ + 3mn, a_hi³ + M3 n], a_t = a_c/ρ_k inside a cycle
    lo, hi = ball_bounds(cv.a0)
    t0, t1 = cv.t0, cv.t0 + M
    b1 = 3 * c.m / (M * c.rho_hi ** 3)
    c1c = min(b1, (lo ** 3 - 3 * c.m * Q(t0, M) - 3 * c.m) / (c.rho_hi ** 3 * t1) + b1)
    b2 = c.M3 / (M * c.rho_lo ** 3)
    c2c = max(b2, (hi ** 3 - c.M3 * Q(t0, M)) / (c.rho_lo ** 3 * t1) + b2)
    rels.append(relation(f"c1³ > 0: a_t ≥ c1 t^(1/3) for every t ≥ {t1} (a_t → ∞ at the rate t^(1/3))", c1c, ">", 0))
    model = RampModel.of(full)
    if model is not None and model.err is not None and c1c > 0:
        Ae, Be = model.err
        rr = cfg.error_r
        with precision(prec):
            lam = c.lam_star + arb(0).union(arb(c.eps_max * c.rho_hi)) * arb(c.zeta_lo).union(arb(c.zeta_hi))
            G = (Ae * lam ** (rr + 1) + Be * (1 - lam) ** (rr + 1)) / (rr + 1)
            Glo, Ghi = ball_bounds(G)
            C = arb(Ghi) / arb(c1c) ** (arb(1) / 3)
            ce = arb(Glo) / arb(c2c) ** (arb(1) / 3)
        ev.notes.append(f"certified for t ≥ {t1}: {_out(arb(c1c) ** (arb(1) / 3), False)} t^(1/3) ≤ a_t ≤ "
                        f"{_out(arb(c2c) ** (arb(1) / 3), True)} t^(1/3), {_out(ce, False)} t^(-1/3) ≤ e_{rr}(t) ≤ "
                        f"{_out(C, True)} t^(-1/3) (rounded outward)")
        rels.append(relation(f"c_e > 0 (e_{rr}(t) ≥ c_e t^(-1/3) for t ≥ {t1})", ce, ">", 0))
    return rels
