"""Figures of the yoneda23 D0 construction (spec 004 §2.2–2.3, claims 3.10–3.11).

* `draw_snapshots(fig, instance)`: the network output f_N(θ^t, ·) of float GD from θ^0 at a few
  snapshots t ∈ {0, 2^4, 2^8, 2^12, …, T} (T = ``params.t``, default 2^12) against the target
  f°(x) = 1{|x| ≤ 1/2} and the limit f°_N(x) = 1{r_N(x) < 1/4} on [−1, 1), with the ramp region
  0 < f_N < 1 of the last snapshot shaded (d = 1); for d = 2 a heat map of f at θ^0 and at T with
  the circle |x| = 1/2.  `verify.report.draw_instance` draws every instance whose network is
  ``{"kind": "d0", ...}`` with it.
* `draw_run(fig, traj, points)`: three panels for a `verify.yoneda23.d0.Trajectory` (exact, ball or float):
  snapshots against f°, the pointwise errors |f_N(θ^t, x) − f°_N(x)| and e_r(t) on log-log axes with
  a power law fitted on the last decade, and the trajectory in (ε, ζ) = (1/a, a(λ − λ*)) with the
  invariant box of spec 3.10(B).

Floats only (ball iterates are drawn at their midpoints): plots are never verdicts.  Figures are
drawn on the Figure they are given (object-oriented matplotlib, no pyplot), as `verify.report`
expects; anything that cannot be drawn raises `verify.report.Unplottable` with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from flint import fmpq, fmpz

from .d0 import D0, error_float, f_float, gd_float, phi
from ..errors import InputError
from ..numbers import to_float
from ..report import Unplottable, fixed_margins

DEFAULT_T = 2 ** 12  # report plots: snapshots t = 0, 2^4, 2^8, 2^12 (2^14 cost ~5 s of piece-engine GD per plot)
MAX_T_POPULATION = 2 ** 20  # float GD costs ~2 µs per in-regime step: a report plot stays under a few seconds
MAX_T_DATA = 2 ** 12  # data/grid batches step through the pure-Python closed forms (~1 ms per step)


@dataclass(frozen=True)
class InvariantBox:
    """The box {(ε, ζ): 0 < ε ≤ eps_max, ζ ∈ Z} of spec 3.10(B), in floats (for drawing only)."""

    eps_max: float
    Z: tuple


SPEC_INVARIANT = InvariantBox(0.25, (-0.06, 0.04))  # spec 3.10(B), default instance (d = 1, N = 2)
_DEFAULT = object()


# ---------------------------------------------------------------------------------------------
# float helpers


def _fl(x) -> float:
    f = to_float(x)
    return math.nan if f is None else f


def _theta_array(traj) -> np.ndarray:
    """The recorded iterates as a float array (K, n_params); balls at their midpoints."""
    return np.array([[_fl(v) for v in th] for th in traj.thetas], dtype=float).reshape(len(traj.thetas), -1)


def _r_float(cfg: D0, xs: np.ndarray) -> np.ndarray:
    """r_N(x) for points xs of shape (n, d) (floats)."""
    if cfg.feature == "yarotsky":
        return sum(phi(np.abs(xs[:, i]), cfg.N) for i in range(xs.shape[1]))
    return (xs ** 2).sum(axis=1)


def _limit_float(cfg: D0, xs: np.ndarray) -> np.ndarray:
    """f°_N(x) = 1{r_N(x) < τ} ('strict') or 1{r_N(x) ≤ τ} ('closed')."""
    r, tau = _r_float(cfg, xs), _fl(cfg.tau)
    return ((r <= tau) if cfg.limit_def == "closed" else (r < tau)).astype(float)


def _target_float(cfg: D0, xs: np.ndarray) -> np.ndarray:
    """f°(x) = 1{|x − centre| ≤ R} (closed) or 1{… < R} (open)."""
    c = np.array([_fl(v) for v in cfg.centre])
    s, R2 = ((xs - c[None, :]) ** 2).sum(axis=1), _fl(cfg.radius) ** 2
    return ((s <= R2) if cfg.closed else (s < R2)).astype(float)


def _as_point(p, d: int) -> tuple:
    if isinstance(p, (list, tuple, np.ndarray)):
        pt = tuple(p)
    else:
        pt = (p,)
    if len(pt) != d:
        raise Unplottable(f"the point {pt} has {len(pt)} coordinates, d = {d}")
    return pt


def _limit_at(cfg: D0, pt: tuple) -> float:
    """f°_N at one point: exact for rational coordinates, float otherwise."""
    if all(isinstance(v, (fmpq, fmpz, int)) and not isinstance(v, bool) for v in pt):
        return _fl(cfg.limit([fmpq(v) if not isinstance(v, fmpq) else v for v in pt]))
    return float(_limit_float(cfg, np.array([[_fl(v) for v in pt]]))[0])


def _point_text(pt: tuple) -> str:
    s = ", ".join(str(v) if isinstance(v, (fmpq, fmpz, int)) else f"{_fl(v):.4g}" for v in pt)
    return s if len(pt) == 1 else f"({s})"


def lambda_star(N: int) -> float:
    """λ* = 1/(1 + √(ρ_R/ρ_L)), ρ_L = 2^N/(2^N − 1), ρ_R = 2^N/(2^N + 1) (spec 3.8; N ≥ 1)."""
    if N < 1:
        raise ValueError("λ* is defined for N >= 1")
    rho_l, rho_r = 2 ** N / (2 ** N - 1), 2 ** N / (2 ** N + 1)
    return 1 / (1 + math.sqrt(rho_r / rho_l))


def snapshot_times(T: int) -> list[int]:
    """0, 2^4, 2^8, 2^12, … up to T, and T itself."""
    out, k = [0], 4
    while 2 ** k <= T:
        out.append(2 ** k)
        k += 4
    if T not in out:
        out.append(T)
    return out


def _t_label(t: int) -> str:
    if t >= 2 and t & (t - 1) == 0:
        return rf"$t = 2^{{{t.bit_length() - 1}}}$"
    return f"$t = {t}$"


def _a_lambda(cfg: D0, th: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if cfg.head == "wc":
        return -th[:, 0], th[:, 1] + th[:, 0] / 4
    return th[:, 0], th[:, 0] * (th[:, 1] - 0.25)


def _config_text(cfg: D0) -> str:
    b = cfg.batch
    batch = {"full": "full", "cells": f"cells({b.m})", "grid": f"grid({b.n})",
             "data": f"data(|X| = {len(b.X)})"}[b.kind]
    return f"d = {cfg.d}, N = {cfg.N}, η = {cfg.eta}, batch {batch}"


# ---------------------------------------------------------------------------------------------
# snapshots of an instance


def _horizon(value, cfg: D0) -> tuple[int, bool]:
    """(T, capped): ``params.t`` (default 2^12), capped so that a plot stays cheap."""
    if value is None:
        T = DEFAULT_T
    else:
        try:
            T = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            T = None
        if T is None or T < 0 or str(value).strip() != str(T):
            raise Unplottable(f"params.t must be an integer >= 0, got {value!r}")
    cap = MAX_T_POPULATION if cfg.batch.kind in ("full", "cells") else MAX_T_DATA
    return min(T, cap), T > cap


def draw_snapshots(fig, instance: dict):
    """f_N(θ^t, ·) under float GD from θ^0 at t ∈ {0, 2^4, 2^8, …, T} against f° and f°_N (d = 1),
    or the heat maps of f at θ^0 and θ^T (d = 2).  ``instance["network"]`` is a D0 object
    (``{"kind": "d0", ...}``, its knobs), ``instance["params"]["t"]`` the horizon T (default 2^12)."""
    net = instance.get("network") if isinstance(instance, dict) else None
    if not isinstance(net, dict) or net.get("kind") != "d0":
        raise Unplottable("not a D0 instance (network kind 'd0')")
    try:
        cfg = D0.from_json(net, "network")
    except InputError as e:
        raise Unplottable(str(e)) from None
    params = instance.get("params") or {}
    if not isinstance(params, dict):
        raise Unplottable("params must be an object")
    T, capped = _horizon(params.get("t"), cfg)
    if cfg.d not in (1, 2):
        raise Unplottable(f"the D0 snapshot plot covers d = 1 and d = 2 (d = {cfg.d})")
    try:
        (_snapshots_1d if cfg.d == 1 else _snapshots_2d)(fig, cfg, T, capped)
    except InputError as e:  # a size limit of the float engine (e.g. POPULATION_MAX_N)
        raise Unplottable(str(e)) from None


def _draw_targets_1d(ax, cfg: D0, xs: np.ndarray):
    X = xs[:, None]
    R = cfg.radius
    rel = "<" if cfg.limit_def == "strict" else r"\leq"
    ax.plot(xs, _target_float(cfg, X), color="k", lw=3.0, alpha=0.25,
            label=rf"target $f^\circ(x) = 1\{{|x| \leq {R}\}}$")
    ax.plot(xs, _limit_float(cfg, X), color="k", lw=1.0, ls="--",
            label=rf"limit $f^\circ_N(x) = 1\{{r_N(x) {rel} {cfg.tau}\}}$")


def _shade_ramp(ax, xs: np.ndarray, f: np.ndarray, t: int):
    ramp = (f > 1e-12) & (f < 1 - 1e-12)
    if ramp.any():
        ax.fill_between(xs, -0.05, 1.05, where=ramp, color="C1", alpha=0.18, lw=0,
                        label=rf"ramp $0 < f_N < 1$ at {_t_label(t)}")


@dataclass
class _Snapshots:
    times: list
    thetas: list


def snapshots_gd(cfg: D0, times: list[int]) -> _Snapshots:
    """θ^t of float GD at the sorted ``times`` (the first 0).  With full batch and a constant step
    the update is a fixed map of θ, so the run goes from snapshot to snapshot and stops as soon as
    one step leaves θ unchanged: every later iterate is that fixed point (same floats as one long
    run, without simulating the plateau)."""
    if cfg.batch.kind != "full" or cfg.eta_decay != 0:
        tr = gd_float(cfg, times[-1], record=set(times))
        return _Snapshots(list(tr.times), list(tr.thetas))
    out = _Snapshots([0], [list(cfg.init)])
    theta, t = list(cfg.init), 0
    for nxt in times[1:]:
        n = nxt - t
        tr = gd_float(cfg, n, record={n - 1, n}, theta0=theta)
        theta = tr.thetas[-1]
        out.times.append(nxt)
        out.thetas.append(theta)
        t = nxt
        if len(tr.thetas) >= 2 and [_fl(v) for v in tr.thetas[-2]] == [_fl(v) for v in theta]:
            for later in times[times.index(nxt) + 1:]:  # a fixed point of the GD map
                out.times.append(later)
                out.thetas.append(theta)
            break
    return out


def _snapshots_1d(fig, cfg: D0, T: int, capped: bool):
    fig.set_size_inches(9, 4.2)
    fixed_margins(fig, right=2.75)  # the legend sits right of the axes
    times = snapshot_times(T)
    try:
        tr = snapshots_gd(cfg, times)
    except InputError as e:
        raise Unplottable(f"float GD: {e}") from None
    xs = np.linspace(-1.0, 1.0, 1001)
    ax = fig.add_subplot()
    _draw_targets_1d(ax, cfg, xs)
    th = _theta_array(tr)
    fs = f_float(cfg, th, xs)
    cmap = _cmap("viridis")
    for k, t in enumerate(tr.times):
        ax.plot(xs, fs[k], color=cmap(k / max(len(tr.times) - 1, 1)), lw=1.4,
                label=rf"$f_N(\theta^t, x)$, {_t_label(t)}")
    _shade_ramp(ax, xs, fs[-1], tr.times[-1])
    ax.set_xlim(-1, 1)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(r"input $x \in [-1, 1)$")
    ax.set_ylabel(r"network output $f_N(\theta^t, x)$ (dimensionless)")
    ax.set_title(f"D0 under float GD ({_config_text(cfg)})" + (f"; horizon capped at {T}" if capped else ""))
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))


def _heat(ax, fig, cfg: D0, Z, title: str):
    im = ax.imshow(Z, extent=(-1, 1, -1, 1), origin="lower", vmin=0, vmax=1, cmap="viridis", interpolation="nearest")
    from matplotlib.patches import Circle

    c = tuple(_fl(v) for v in cfg.centre)
    ax.add_patch(Circle(c, _fl(cfg.radius), fill=False, color="r", lw=1.2,
                        label=rf"$|x| = {cfg.radius}$ (target boundary)"))
    ax.set_xlabel(r"input $x_1$")
    ax.set_ylabel(r"input $x_2$")
    ax.set_title(title)
    return im


def _snapshots_2d(fig, cfg: D0, T: int, capped: bool):
    fig.set_size_inches(10, 4.4)
    fixed_margins(fig, top=0.6, right=0.1, left=0.6)  # room for the suptitle; the colorbar takes its own
    n = 201
    g = np.linspace(-1.0, 1.0, n)
    X1, X2 = np.meshgrid(g, g)
    pts = np.stack([X1.ravel(), X2.ravel()], axis=1)
    ax0, ax1 = fig.subplots(1, 2)
    f0 = f_float(cfg, np.array([[_fl(v) for v in cfg.init]]), pts)[0].reshape(n, n)
    im = _heat(ax0, fig, cfg, f0, r"$f_N(\theta^0, x)$")
    rr = _r_float(cfg, pts).reshape(n, n)
    try:
        tr = gd_float(cfg, T, record={T})
        fT = f_float(cfg, _theta_array(tr)[-1:], pts)[0].reshape(n, n)
        _heat(ax1, fig, cfg, fT, rf"$f_N(\theta^t, x)$, {_t_label(T)}" + (" (capped)" if capped else ""))
    except InputError as e:
        _heat(ax1, fig, cfg, _limit_float(cfg, pts).reshape(n, n), r"limit $f^\circ_N$ (no float GD here)")
        ax1.text(0.02, 0.02, str(e)[:90], transform=ax1.transAxes, fontsize=6, color="w", va="bottom")
    for ax in (ax0, ax1):
        ax.contour(X1, X2, rr, levels=[_fl(cfg.tau)], colors="w", linewidths=0.9, linestyles="--")
    ax0.plot([], [], color="w", ls="--", label=rf"$r_N(x) = {cfg.tau}$ (boundary of $f^\circ_N$)")
    ax0.legend(fontsize=7, loc="upper right", framealpha=0.8)
    fig.colorbar(im, ax=ax1, label="network output f (dimensionless)")
    fig.suptitle(f"D0 under float GD ({_config_text(cfg)})", fontsize=9)


def _cmap(name):
    import matplotlib

    return matplotlib.colormaps[name]


# ---------------------------------------------------------------------------------------------
# a GD run


def draw_run(fig, traj, points=(), invariant=_DEFAULT):
    """Three panels for a `verify.yoneda23.d0.Trajectory`:

    (i) snapshots of f_N(θ^t, ·) against f° and f°_N (d = 1; d = 2: heat map at the last t);
    (ii) |f_N(θ^t, x) − f°_N(x)| at ``points`` and e_r(t) (d = 1) against t on log-log axes, with a
    least-squares power law fitted on the last decade of e_r and the reference slope −1/3;
    (iii) the trajectory in (ε, ζ) = (1/a_t, a_t(λ_t − λ*)), λ* = 1/(1 + √(ρ_R/ρ_L)) (N ≥ 1, the
    'yarotsky' feature), with ``invariant`` (an object with ``eps_max`` and ``Z = (lo, hi)``) shaded;
    by default the spec's box ε ≤ 1/4, ζ ∈ [−0.06, 0.04] for the instance of 3.10(B) (d = 1, N = 2,
    head 'wc', full batch, η = 1/20), none otherwise (``None``: none).
    """
    cfg = traj.config
    if not traj.thetas:
        raise Unplottable("the trajectory has no recorded iterate")
    fig.set_size_inches(16, 4.8)
    ax1, ax2, ax3 = fig.subplots(1, 3)
    times = np.array(traj.times, dtype=float)
    th = _theta_array(traj)
    pts = [_as_point(p, cfg.d) for p in points]
    _run_snapshots(ax1, fig, cfg, traj, th)
    _run_errors(ax2, cfg, traj, times, th, pts)
    _run_phase(ax3, fig, cfg, traj, times, th, invariant)
    fig.suptitle(f"D0 gradient descent, {traj.system} arithmetic, {traj.steps} steps ({_config_text(cfg)}); "
                 "floats for drawing only", fontsize=9)


def _run_snapshots(ax, fig, cfg: D0, traj, th: np.ndarray):
    if cfg.d == 1:
        xs = np.linspace(-1.0, 1.0, 2001)
        _draw_targets_1d(ax, cfg, xs)
        want = set(snapshot_times(traj.steps))
        sel = [k for k, t in enumerate(traj.times) if t in want]
        if len(traj.times) - 1 not in sel:
            sel.append(len(traj.times) - 1)
        fs = f_float(cfg, th[sel], xs)
        cmap = _cmap("viridis")
        for j, k in enumerate(sel):
            ax.plot(xs, fs[j], color=cmap(j / max(len(sel) - 1, 1)), lw=1.3,
                    label=rf"$f_N(\theta^t, \cdot)$, {_t_label(traj.times[k])}")
        _shade_ramp(ax, xs, fs[-1], traj.times[sel[-1]])
        ax.set_xlim(-1, 1)
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel(r"input $x \in [-1, 1)$")
        ax.set_ylabel(r"output $f_N(\theta^t, x)$ (dimensionless)")
        ax.set_title(r"(i) snapshots of $f_N(\theta^t, \cdot)$ vs $f^\circ$")
        ax.legend(fontsize=6, loc="center")
    elif cfg.d == 2:
        n = 151
        g = np.linspace(-1.0, 1.0, n)
        X1, X2 = np.meshgrid(g, g)
        P = np.stack([X1.ravel(), X2.ravel()], axis=1)
        Z = f_float(cfg, th[-1:], P)[0].reshape(n, n)
        im = _heat(ax, fig, cfg, Z, rf"(i) $f_N(\theta^t, x)$, {_t_label(traj.times[-1])}")
        fig.colorbar(im, ax=ax, label="f (dimensionless)")
    else:
        ax.text(0.5, 0.5, f"snapshots are drawn for d ≤ 2 (d = {cfg.d})", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()


def fit_power_law(ts, es, decade: float = 10.0):
    """(α, C, mask) of the least-squares fit log e = log C − α log t over the last decade
    t ≥ t_max/decade (positive e, t ≥ 1 only); None when t_max < 10·decade or fewer than three
    points qualify."""
    ts, es = np.asarray(ts, dtype=float), np.asarray(es, dtype=float)
    ok = (ts >= 1) & np.isfinite(es) & (es > 0)
    if not ok.any():
        return None
    if ts[ok].max() < 10 * decade:  # too short a run for a rate
        return None
    mask = ok & (ts >= ts[ok].max() / decade)
    if mask.sum() < 3:
        return None
    slope, icpt = np.polyfit(np.log(ts[mask]), np.log(es[mask]), 1)
    return -float(slope), float(math.exp(icpt)), mask


def _run_errors(ax, cfg: D0, traj, times: np.ndarray, th: np.ndarray, pts: list):
    pos = times >= 1
    drawn = False
    for j, pt in enumerate(pts):
        fv = f_float(cfg, th, np.array([[_fl(v) for v in pt]]))[:, 0]
        err = np.abs(fv - _limit_at(cfg, pt))
        m = pos & (err > 0)
        label = rf"$|f_N(\theta^t, x) - f^\circ_N(x)|$, $x = {_point_text(pt)}$"
        if err[-1] == 0:
            nz = np.nonzero(err > 0)[0]
            first = traj.times[nz[-1] + 1] if len(nz) else traj.times[0]
            label += f" (= 0 from recorded t = {first})"
        if m.any():
            ax.loglog(times[m], err[m], marker=".", ms=3, lw=1.0, color=f"C{(j + 2) % 10}", label=label)
            drawn = True
        else:
            ax.plot([], [], color=f"C{(j + 2) % 10}", label=label)
    if cfg.d == 1 and pos.any():
        if traj.errors and len(traj.errors) == len(traj.times):
            e = np.array(traj.errors, dtype=float)
        else:
            try:
                e = error_float(cfg, th)
            except InputError:
                e = None
        if e is not None:
            m = pos & (e > 0)
            if m.any():
                ax.loglog(times[m], e[m], color="C0", lw=1.8, label=rf"$e_{cfg.error_r}(t) = \|f_N(\theta^t) - "
                          rf"f^\circ_N\|_{{L^{cfg.error_r}(\mu)}}^{cfg.error_r}$")
                drawn = True
            fit = fit_power_law(times, e)
            if fit is not None:
                alpha, C, mask = fit
                tt = times[mask]
                ax.loglog(tt, C * tt ** (-alpha), color="C3", lw=2.4, alpha=0.7,
                          label=rf"fitted rate $t^{{-\alpha}}$, $\alpha$ = {alpha:.3f} (last decade)")
                tr_ = np.geomspace(max(1.0, tt[-1] / 10), tt[-1], 20)
                ax.loglog(tr_, e[mask][-1] * (tr_ / tt[-1]) ** (-1 / 3), color="k", ls="--", lw=0.9,
                          label=r"reference slope $-1/3$")
    if not drawn:
        ax.text(0.5, 0.5, "nothing to draw on log axes (no t ≥ 1 or all errors 0)", ha="center", va="center",
                transform=ax.transAxes, fontsize=8)
    ax.set_xlabel("GD step t (log scale)")
    ax.set_ylabel("error (dimensionless, log scale)")
    ax.set_title(r"(ii) pointwise errors and $e_r(t)$")
    ax.legend(fontsize=6, loc="lower left")


def _run_phase(ax, fig, cfg: D0, traj, times: np.ndarray, th: np.ndarray, invariant):
    a, lam = _a_lambda(cfg, th)
    ok = np.isfinite(a) & np.isfinite(lam) & (a > 0)
    eps = np.where(ok, 1 / np.where(ok, a, 1.0), np.nan)
    have_star = cfg.feature == "yarotsky" and cfg.N >= 1 and cfg.d == 1
    if have_star:
        ls = lambda_star(cfg.N)
        y = a * (lam - ls)
        ylabel = r"$\zeta = a_t(\lambda_t - \lambda^*)$  (centring offset of the ramp)"
        title = rf"(iii) trajectory in $(\varepsilon, \zeta)$, $\lambda^* = {ls:.6f}$"
    else:
        y = lam
        ylabel = r"$\lambda_t = a_t(b_t - 1/4)$  (position of 1/4 in the ramp)"
        title = r"(iii) trajectory in $(\varepsilon, \lambda)$ ($\lambda^*$: d = 1, N ≥ 1, 'yarotsky' only)"
    if invariant is _DEFAULT:
        spec_instance = (cfg.N == 2 and cfg.head == "wc" and not cfg.train_outer and cfg.batch.kind == "full"
                         and cfg.eta == fmpq(1, 20) and cfg.eta_decay == 0 and cfg.measure_norm == "prob")
        invariant = SPEC_INVARIANT if (have_star and spec_instance) else None
    if invariant is not None and have_star:
        from matplotlib.patches import Rectangle

        lo, hi = (float(z) for z in invariant.Z)
        em = float(invariant.eps_max)
        ax.add_patch(Rectangle((0, lo), em, hi - lo, color="C2", alpha=0.18, lw=0,
                               label=rf"invariant box: $\varepsilon \leq {em:g}$, $\zeta \in [{lo:g}, {hi:g}]$"))
    if ok.any():
        ax.plot(eps[ok], y[ok], color="0.6", lw=0.8, zorder=1)
        sc = ax.scatter(eps[ok], y[ok], c=np.log2(times[ok] + 1), cmap="plasma", s=12, zorder=2)
        fig.colorbar(sc, ax=ax, label=r"$\log_2(t + 1)$")
        k0, k1 = np.nonzero(ok)[0][[0, -1]]
        for k, dy in ((k0, 4), (k1, -10)):
            ax.annotate(rf"$t = {traj.times[k]}$", (eps[k], y[k]), fontsize=7, xytext=(4, dy),
                        textcoords="offset points")
    else:
        ax.text(0.5, 0.5, "no iterate with a > 0", ha="center", va="center", transform=ax.transAxes)
    if have_star:
        ax.axhline(0, color="k", lw=0.6, ls=":", label=r"$\lambda = \lambda^*$")
    top = float(np.nanmax(eps[ok])) if ok.any() else 0.0
    if invariant is not None and have_star:
        top = max(top, float(invariant.eps_max))
    ax.set_xlim(0, 1.08 * top if top > 0 else 1.0)
    ax.set_xlabel(r"$\varepsilon = 1/a_t$  (ramp width in $r$" + (r"; $a_t = -w_t$)" if cfg.head == "wc" else ")"))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=6, loc="best")
