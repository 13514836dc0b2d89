"""Gradient descent on D0 and its trajectories (spec 004 §2.2, 3.8–3.13).

θ^{t+1} = θ^t − η_t ∇L_t(θ^t), η_t = η (t+1)^{−γ}: exact (`gd_exact`, in `fmpq`), certified
(`gd_ball`: the blocked mean-value form of the 3.8 closed-form map in (a, λ) while the regime is
certified, else the general ball engine; soundness in the package docstring) and in floats
(`gd_float`, exploration).  `Trajectory` records the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from flint import arb, fmpq

from ...errors import InputError
from ...numbers import precision
from .closed_forms import closed_form_coefficients, data_risk_grad, data_ties, regime_bounds
from .config import D0, Batch, _f, _rat
from .floats import error_float, f_float, risk_grad_float
from .risk import risk_grad
from .scalar import EXACT_MAX_BITS, exact_population_max_steps


# ============================================================================================
# trajectories


@dataclass
class Trajectory:
    """A GD run.  ``times`` are the recorded t; ``thetas[k]`` is θ^{times[k]} (trainable
    parameters, ``config.param_names``); ``losses[k]`` = L_t(θ^t) for the batch of step t;
    ``patterns`` the activation-pattern trace as (t, pattern) at every change; ``ties`` every tie
    met (with its step); ``widths[k]`` the max diameter of the iterate balls (ball runs);
    ``errors`` e_r(θ^t) and ``probes`` f_N(θ^t, x) at recorded t (float runs, when asked)."""

    config: D0
    system: str
    steps: int
    times: list = field(default_factory=list)
    thetas: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    patterns: list = field(default_factory=list)
    ties: list = field(default_factory=list)
    widths: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    probes: dict = field(default_factory=dict)
    full_losses: list = field(default_factory=list)
    prec: int | None = None
    max_width: object = None
    complete: bool = True
    reason: str = ""
    seconds: float = 0.0
    engine_steps: dict = field(default_factory=dict)

    @property
    def final(self):
        return self.thetas[-1]

    def at(self, t: int):
        return self.thetas[self.times.index(t)]

    def _trace(self, t, pattern):
        if not self.patterns or self.patterns[-1][1] != pattern:
            self.patterns.append((t, pattern))


def _recorder(record, steps):
    if record == "all":
        return lambda t: True
    if record == "dyadic":
        return lambda t: t == 0 or t == steps or (t & (t - 1)) == 0
    if isinstance(record, int) and not isinstance(record, bool) and record >= 1:
        return lambda t: t % record == 0 or t == steps
    if isinstance(record, (set, frozenset, list, tuple)):
        s = set(record)
        return lambda t: t in s or t == steps
    raise InputError("record must be 'all', 'dyadic', a stride >= 1 or a set of times", "record")


def _check_steps(steps):
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise InputError(f"steps must be an integer >= 0, got {steps!r}", "steps")


def gd_exact(cfg: D0, steps: int, record="all", full_loss: bool = False, theta0=None) -> Trajectory:
    """Exact GD in `fmpq` (population/cells need d = 1; data/grid any d).  The denominators roughly
    triple per population step: population runs are refused past ``EXACT_POPULATION_MAX_STEPS``
    (spec §6); any run stops, incomplete (``complete = False``, ``reason`` names the limit), once θ^t
    needs more than ``EXACT_MAX_BITS`` bits."""
    _check_steps(steps)
    limit = exact_population_max_steps(cfg.N)
    if cfg.batch.kind in ("full", "cells") and steps > limit:
        raise InputError(f"exact GD on the population batch {cfg.batch.kind!r} is limited to {limit} steps at N = {cfg.N} "
                         f"(verify.yoneda23.d0.EXACT_POPULATION_MAX_STEPS, EXACT_POPULATION_STEPS_BY_N: the denominators triple "
                         f"per step), got {steps}; use ball (certified) or float GD", "steps")
    rec = _recorder(record, steps)
    theta = tuple(_rat(v, f"theta0[{k}]") for k, v in enumerate(cfg.init if theta0 is None else theta0))
    tr = Trajectory(cfg, "exact", steps)
    if cfg.batch.kind in ("data", "grid") and cfg.feature == "yarotsky":
        # ties inside the frozen feature do not depend on θ: logged once, at t = 0
        tr.ties += [x.at(0) for x in data_ties(cfg, theta) if not x.affects_gradient]
    t_start = time.perf_counter()
    for t in range(steps + 1):
        rg = risk_grad(cfg, theta, t, "exact")
        tr.ties += [x.at(t) for x in rg.ties]
        tr._trace(t, rg.pattern)
        if rec(t):
            tr.times.append(t)
            tr.thetas.append(theta)
            tr.losses.append(rg.L)
            if full_loss:
                tr.full_losses.append(risk_grad(cfg.with_(batch=Batch.full()), theta, 0, "exact").L
                                      if cfg.batch.kind == "cells" else rg.L)
        if t == steps:
            break
        eta = cfg.eta_at(t, "exact")
        theta = tuple(th - eta * g for th, g in zip(theta, rg.G))
        bits = sum(int(v.p).bit_length() + int(v.q).bit_length() for v in theta)
        if bits > EXACT_MAX_BITS:
            tr.complete = False
            tr.reason = (f"stopped at t = {t + 1}: θ^t needs {bits} bits, past the limit {EXACT_MAX_BITS} "
                         "(verify.yoneda23.d0.EXACT_MAX_BITS)")
            break
    tr.seconds = time.perf_counter() - t_start
    return tr


def gd_float(cfg: D0, steps: int, record="dyadic", probes=(), errors: bool = False, full_loss: bool = False,
             theta0=None, fast: bool = True) -> Trajectory:
    """GD in float64 (exploration).  In-regime steps (checked in floats) use the 3.8 closed form
    when ``fast``; other steps the numpy piece engine (population/cells) or the data closed forms.
    ``probes``: points x (d = 1 numbers) whose f_N(θ^t, x) is recorded; ``errors``: record e_r."""
    _check_steps(steps)
    rec = _recorder(record, steps)
    theta = [_f(v) for v in (cfg.init if theta0 is None else theta0)]
    tr = Trajectory(cfg, "float", steps)
    tr.engine_steps = {"closed-form": 0, "pieces": 0}
    probes = list(probes)
    tr.probes = {p: [] for p in probes}
    pop = cfg.batch.kind in ("full", "cells")
    dL, dR = (_f(v) for v in regime_bounds(cfg.N))
    co = [closed_form_coefficients(cfg, j) for j in range(cfg.n_cells)] if pop else [None]
    have_fast = fast and any(c is not None for c in co)
    coF = [None if c is None else (_f(c[0]), _f(c[1])) for c in co]
    eta_c = cfg.eta_decay == 0
    eta0 = _f(cfg.eta)
    M = cfg.n_cells
    wc = cfg.head == "wc"
    t_start = time.perf_counter()
    for t in range(steps + 1):
        eta = eta0 if eta_c else cfg.eta_at(t, "float")
        used_fast = False
        if have_fast and coF[t % M] is not None:
            if wc:
                a, lam = -theta[0], theta[1] + theta[0] * 0.25
            else:
                a, lam = theta[0], theta[0] * (theta[1] - 0.25)
            if a > 0 and 0.0 <= lam <= 1.0 and lam <= dR * a and 1.0 - lam <= dL * a:
                A, B = coF[t % M]
                mm = 1.0 - lam
                F = A * lam * lam * lam + B * mm * mm * mm
                F1 = 3.0 * (A * lam * lam - B * mm * mm)
                s = 1.0 / a
                if wc:
                    G = (F1 * s / 12.0 + F * s * s / 3.0, F1 * s / 3.0)
                else:
                    G = ((lam * F1 - F) * s * s / 3.0, F1 / 3.0)
                L = F * s / 3.0
                used_fast = True
                pattern = "regime"
        if not used_fast:
            if pop:
                Ls, Gs = risk_grad_float(cfg, np.array([theta]), t)
                L, G = float(Ls[0]), tuple(float(g) for g in Gs[0])
            else:
                rg = data_risk_grad(cfg, tuple(theta), system="float")
                L, G = rg.L, rg.G
            pattern = "general"
        tr.engine_steps["closed-form" if used_fast else "pieces"] += 1
        tr._trace(t, pattern)
        if rec(t):
            tr.times.append(t)
            tr.thetas.append(tuple(theta))
            tr.losses.append(L)
            if errors and cfg.d == 1:
                tr.errors.append(float(error_float(cfg, np.array([theta]))[0]))
            if probes:
                vals = f_float(cfg, np.array([theta]), np.array([_f(p) for p in probes]))[0]
                for p, v in zip(probes, vals):
                    tr.probes[p].append(float(v))
            if full_loss and pop:
                tr.full_losses.append(float(risk_grad_float(cfg.with_(batch=Batch.full()), np.array([theta]), 0)[0][0]))
        if t == steps:
            break
        theta = [th - eta * g for th, g in zip(theta, G)]
    tr.seconds = time.perf_counter() - t_start
    return tr


def _max_diam(balls) -> arb:
    m = arb(0)
    for b in balls:
        d = 2 * b.rad()
        if d > m:  # exact comparison of two exact (radius 0) balls
            m = d
    return m


def gd_ball(cfg: D0, steps: int, prec: int = 128, record="dyadic", theta0=None, max_width=None,
            max_prec: int | None = None, fast: bool = True, full_loss: bool = False, block: int = 64) -> Trajectory:
    """Certified GD: every recorded ball (``thetas``) contains the exact iterate θ^t of the exact GD
    from the exact θ^0 (or, for a box ``theta0``, every iterate started in the box).

    While the regime of 3.8 is certified for the current box the step is the mean-value form of the
    closed-form map in (a, λ) (module docstring); otherwise the general ball engine,
    X' = X − η_t ∇L_t(X).  ``record``: 'dyadic' (t = 0, 2^k and the last step; default), 'all', a
    stride, or a set of times.  ``max_width``: when the max diameter of the iterate exceeds it, the
    run restarts from t = 0 at twice the precision (up to ``max_prec``), else it stops
    (``complete = False``).  The trajectory records the precision used, the max diameter over the
    recorded steps (``max_width``; over every step when ``max_width`` is given), and how many steps
    each engine made.  ``block``: the length of the blocks of the mean-value form (module docstring).
    """
    _check_steps(steps)
    if isinstance(block, bool) or not isinstance(block, int) or block < 1:
        raise InputError(f"block must be an integer >= 1, got {block!r}", "block")
    if isinstance(prec, bool) or not isinstance(prec, int) or prec < 16:
        raise InputError(f"prec must be an integer >= 16 bits, got {prec!r}", "prec")
    theta0 = cfg.init if theta0 is None else tuple(theta0)
    if len(theta0) != len(cfg.param_names):
        raise InputError(f"θ^0 has {len(theta0)} entries, expected {cfg.param_names}", "theta0")
    while True:
        tr = _gd_ball_run(cfg, steps, prec, record, theta0, max_width, fast, full_loss, block)
        if tr.complete or max_prec is None or prec * 2 > max_prec or not tr.reason.startswith("width"):
            return tr
        prec *= 2


def _gd_ball_run(cfg, steps, prec, record, theta0, max_width, fast, full_loss, block):
    rec = _recorder(record, steps)
    tr = Trajectory(cfg, "ball", steps, prec=prec)
    tr.engine_steps = {"closed-form": 0, "pieces": 0}
    pop = cfg.batch.kind in ("full", "cells")
    M = cfg.n_cells
    t_start = time.perf_counter()
    with precision(prec):
        lim = None if max_width is None else arb(max_width).upper()
        theta = tuple(v if isinstance(v, arb) else arb(_rat(v, "theta0")) for v in theta0)
        co = [closed_form_coefficients(cfg, j) for j in range(M)] if pop else [None]
        have_fast = fast and pop and any(c is not None for c in co)
        coA = [None if c is None else (arb(c[0]), arb(c[1])) for c in co]
        dL, dR = (arb(v).lower() for v in regime_bounds(cfg.N))
        wc = cfg.head == "wc"
        eta_c = cfg.eta_decay == 0
        eta0 = arb(cfg.eta)
        k17 = arb(fmpq(17, 48))
        maxd = arb(0)
        one, zero = arb(1), arb(0)
        bk = 0
        state = "theta"  # or "al": (a, λ) boxes
        a = lam = None
        t = 0
        while True:
            eta = eta0 if eta_c else cfg.eta_at(t, "ball")
            # ---- try the fast (closed-form, mean-value) step ----------------------------------
            if have_fast:
                if state == "theta":
                    a, lam = cfg.a_lambda(theta)
                ok = coA[t % M] is not None and a.lower() > 0
                if ok:
                    s = 1 / a
                    ok = (lam.lower() >= 0 and lam.upper() <= 1 and (lam * s).upper() <= dR
                          and ((1 - lam) * s).upper() <= dL)
                if ok:
                    if state == "theta":
                        bk = 0
                    state = "al"
                else:
                    if state == "al":
                        theta = cfg.theta_from_a_lambda(a, lam)
                    state = "theta"
            if state == "al":
                A, B = coA[t % M]
                if rec(t) or lim is not None or t == steps:
                    theta = cfg.theta_from_a_lambda(a, lam)
                    d_ = _max_diam(theta)
                    if d_ > maxd:
                        maxd = d_
                if rec(t):
                    mm = 1 - lam
                    Lt = (A * lam ** 3 + B * mm ** 3) * s / 3
                    _record(tr, t, theta, Lt, "regime", full_loss, cfg)
                tr._trace(t, "regime")
                if lim is not None and maxd > lim:
                    tr.complete, tr.reason = False, f"width above {max_width} at t = {t}"
                    break
                if t == steps:
                    break
                if bk == 0:  # a new block: X_0 = (a, λ), m_0 its exact midpoint, P = I
                    pa, pl = a.mid(), lam.mid()
                    Da, Dl = a - pa, lam - pl
                    P11, P12, P21, P22 = one, zero, zero, one
                j11, j12, j21, j22 = _cf_jacobian(a, lam, s, A, B, eta, k17, wc)
                # the image of m_0: mean-value form around the exact midpoint of p_k (p_k ⊂ X_k)
                qa, ql = pa.mid(), pl.mid()
                ea, el = pa - qa, pl - ql
                qa, ql = _cf_map(qa, ql, A, B, eta, k17, wc)
                pa, pl = qa + j11 * ea + j12 * el, ql + j21 * ea + j22 * el
                P11, P12, P21, P22 = (j11 * P11 + j12 * P21, j11 * P12 + j12 * P22,
                                      j21 * P11 + j22 * P21, j21 * P12 + j22 * P22)
                a = pa + P11 * Da + P12 * Dl
                lam = pl + P21 * Da + P22 * Dl
                bk = bk + 1 if bk + 1 < block else 0
                tr.engine_steps["closed-form"] += 1
                t += 1
                continue
            # ---- general ball engine ----------------------------------------------------------
            rg = risk_grad(cfg, theta, t, "ball", prec, engine="pieces") if pop else \
                data_risk_grad(cfg, theta, system="ball")
            tr.ties += [x.at(t) for x in rg.ties]
            tr._trace(t, rg.pattern)
            d_ = _max_diam(theta)
            if d_ > maxd:
                maxd = d_
            if rec(t):
                _record(tr, t, theta, rg.L, rg.pattern, full_loss, cfg)
            if lim is not None and maxd > lim:
                tr.complete, tr.reason = False, f"width above {max_width} at t = {t}"
                break
            if t == steps:
                break
            if not all(g.is_finite() for g in rg.G):
                tr.complete, tr.reason = False, f"gradient enclosure not finite at t = {t}"
                break
            theta = tuple(th - eta * g for th, g in zip(theta, rg.G))
            tr.engine_steps["pieces"] += 1
            t += 1
        tr.max_width = maxd
    tr.seconds = time.perf_counter() - t_start
    return tr


def _cf_map(a, lam, A, B, eta, k17, wc):
    """The GD map of 3.8 in (a, λ) for F = Aλ³ + B(1 − λ)³ (an enclosure when a, λ are balls):
    'wc': a' = a + η(F'/(12a) + F/(3a²)), λ' = λ − (17η/(48a))F' − ηF/(12a²);
    'ab': a' = a − η(λF' − F)/(3a²), λ' = a'(λ/a − ηF'/3) (b' = b − ηF'/3)."""
    s = 1 / a
    m = 1 - lam
    l2, m2 = lam * lam, m * m
    F = A * l2 * lam + B * m2 * m
    F1 = 3 * (A * l2 - B * m2)
    if wc:
        return a + eta * (F1 * s / 12 + F * s * s / 3), lam - eta * k17 * F1 * s - eta * F * s * s / 12
    a1 = a - eta * (lam * F1 - F) * s * s / 3
    return a1, a1 * (lam * s - eta * F1 / 3)


def _cf_jacobian(a, lam, s, A, B, eta, k17, wc):
    """Enclosure of the Jacobian ∂(a', λ')/∂(a, λ) of `_cf_map` over the box (a, λ); s = 1/a."""
    m = 1 - lam
    l2, m2 = lam * lam, m * m
    F = A * l2 * lam + B * m2 * m
    F1 = 3 * (A * l2 - B * m2)
    F2 = 6 * (A * lam + B * m)
    s2 = s * s
    s3 = s2 * s
    if wc:
        return (1 - eta * (F1 * s2 / 12 + 2 * F * s3 / 3), eta * (F2 * s / 12 + F1 * s2 / 3),
                eta * k17 * F1 * s2 + eta * F * s3 / 6, 1 - eta * k17 * F2 * s - eta * F1 * s2 / 12)
    P = lam * F1 - F
    a1 = a - eta * P * s2 / 3
    Q = lam * s - eta * F1 / 3
    j11 = 1 + 2 * eta * P * s3 / 3
    j12 = -eta * lam * F2 * s2 / 3
    return j11, j12, j11 * Q - a1 * lam * s2, j12 * Q + a1 * (s - eta * F2 / 3)


def _record(tr: Trajectory, t, theta, L, pattern, full_loss, cfg):
    tr.times.append(t)
    tr.thetas.append(tuple(theta))
    tr.losses.append(L)
    tr.widths.append(_max_diam(theta))
    if full_loss:
        full = cfg.with_(batch=Batch.full())
        tr.full_losses.append(risk_grad(full, theta, 0, "ball", tr.prec).L)
