"""Floats (numpy): the piece formulas of the 1-D engine vectorized over pieces and over many θ at
once -- exploration and plots only, never a verdict (spec 004 §2.2).

`risk_grad_float`, `error_float`, `f_float`.
"""

from __future__ import annotations

import functools

import numpy as np
from flint import fmpq

from ...errors import InputError
from .closed_forms import data_risk_grad
from .config import D0, _f
from .engine import _pieces_cached, pieces_1d
from .scalar import phi


# ============================================================================================
# floats (numpy): exploration only


@functools.lru_cache(maxsize=128)
def _float_pieces(cfg_key, lo, hi, label):
    N, feat, centre, R, closed, limit_def = cfg_key
    ps = _pieces_cached(N, feat, centre, R, closed, limit_def, lo, hi, label)
    arr = lambda f: np.array([f(P) for P in ps], dtype=float)  # noqa: E731
    r = np.zeros((len(ps), 3))
    for i, P in enumerate(ps):
        for k, v in enumerate(P.r):
            r[i, k] = _f(v)
    return {"p": arr(lambda P: _f(P.p)), "q": arr(lambda P: _f(P.q)), "r": r, "y": arr(lambda P: _f(P.y)),
            "inc": arr(lambda P: P.inc), "rlo": arr(lambda P: _f(P.r_lo)), "rhi": arr(lambda P: _f(P.r_hi)),
            "sq": feat == "exact-square"}


def _moments(xa, xb, kmax):
    """∫_{xa}^{xb} x^k dx for k = 0..kmax (arrays)."""
    out = []
    pa, pb = xa.copy(), xb.copy()
    for k in range(kmax + 1):
        out.append((pb - pa) / (k + 1))
        pa, pb = pa * xa, pb * xb
    return out


def _pint_np(coeffs, mom):
    s = 0.0
    for k, a in enumerate(coeffs):
        s = s + a * mom[k]
    return s


def _pmul_np(p, q):
    out = [0.0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] = out[i + j] + a * b
    return out


def _float_integrate(cfg: D0, thetas: np.ndarray, lo, hi, label, power, want_grad):
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    key = (cfg.N, cfg.feature, cfg.centre, cfg.radius, cfg.closed, cfg.limit_def)
    pieces_1d(cfg, lo, hi, label)  # the size limit (POPULATION_MAX_N); cached
    P = _float_pieces(key, lo, hi, label)
    K = thetas.shape[0]
    if cfg.head == "wc":
        w, c = thetas[:, 0:1], thetas[:, 1:2]
    else:
        w, c = -thetas[:, 0:1], thetas[:, 0:1] * thetas[:, 1:2]
    if cfg.train_outer:
        al, be = thetas[:, 2:3], thetas[:, 3:4]
    else:
        al, be = np.ones((K, 1)), np.zeros((K, 1))
    if power == 1 and cfg.train_outer:
        raise InputError("error_r = 1 with train_outer is not implemented (f may leave [0, 1])", "error_r")
    p, q, y, inc = P["p"][None, :], P["q"][None, :], P["y"][None, :], P["inc"][None, :]
    r0, r1, r2 = (P["r"][None, :, k] for k in range(3))
    rlo, rhi = P["rlo"][None, :], P["rhi"][None, :]
    shape = np.broadcast_shapes(w.shape, p.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        t0 = np.where(w != 0, -c / w, 0.0)
        t1 = np.where(w != 0, (1 - c) / w, 0.0)
    tc0, tc1 = np.clip(t0, rlo, rhi), np.clip(t1, rlo, rhi)

    def x_of(tc):
        if P["sq"]:
            root = np.sqrt(np.maximum(tc, 0.0))
            return np.where(p >= 0, root, -root)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (tc - r0) / r1

    x0, x1 = np.clip(x_of(tc0), p, q), np.clip(x_of(tc1), p, q)
    up = (np.sign(w) * inc) > 0
    b1 = np.where(up, x0, x1)
    b2 = np.where(up, x1, x0)
    pB, qB = np.broadcast_to(p, shape), np.broadcast_to(q, shape)
    L = np.zeros(shape)
    Gw, Gc, Ga, Gb = (np.zeros(shape) for _ in range(4))
    yB = np.broadcast_to(y, shape)
    sgn = lambda e: (1 - 2 * yB)  # noqa: E731  (|f − y| = (1 − 2y)(f − y) for f ∈ [0, 1])

    def const_region(fval, vval, xa, xb):
        nonlocal L, Ga, Gb
        ln = xb - xa
        e = fval - yB
        L = L + (e * e * ln if power == 2 else sgn(e) * e * ln)
        if want_grad:
            Gb = Gb + 2 * e * ln
            Ga = Ga + 2 * e * vval * ln

    lo_f = np.where(up, be, al + be)
    lo_v = np.where(up, 0.0, 1.0)
    hi_f = np.where(up, al + be, be)
    hi_v = np.where(up, 1.0, 0.0)
    const_region(lo_f, lo_v, pB, b1)
    const_region(hi_f, hi_v, b2, qB)
    # the ramp [b1, b2]: u = w r + c, f = α u + β
    mom = _moments(b1, b2, 4)
    u = [w * r0 + c, w * r1, w * r2]
    e = [al * u[0] + be - yB, al * u[1], al * u[2]]
    if power == 2:
        L = L + _pint_np(_pmul_np(e, e), mom)
    else:
        L = L + (1 - 2 * yB) * _pint_np(e, mom)
    if want_grad:
        ie = _pint_np(e, mom)
        Gb = Gb + 2 * ie
        Gc = Gc + 2 * al * ie
        Ga = Ga + 2 * _pint_np(_pmul_np(e, u), mom)
        Gw = Gw + 2 * al * _pint_np(_pmul_np(e, [r0, r1, r2]), mom)
    # w = 0: u ≡ c (σ'(0) by the convention, no tie log in floats)
    zero = np.broadcast_to(w == 0, shape)
    if zero.any():
        r0_ = float(cfg.relu_grad_at_0 == "1")
        kap = lambda z: np.where(z > 0, 1.0, np.where(z < 0, 0.0, r0_))  # noqa: E731
        cc = np.broadcast_to(c, shape)
        v = np.maximum(cc, 0) - np.maximum(cc - 1, 0)
        k = kap(cc) - kap(cc - 1)
        fval = al * v + be
        ee = fval - yB
        ln = qB - pB
        momz = _moments(pB, qB, 2)
        ir = _pint_np([r0, r1, r2], momz)
        Lz = ee * ee * ln if power == 2 else (1 - 2 * yB) * ee * ln
        L = np.where(zero, Lz, L)
        Gw = np.where(zero, 2 * ee * al * k * ir, Gw)
        Gc = np.where(zero, 2 * ee * al * k * ln, Gc)
        Ga = np.where(zero, 2 * ee * v * ln, Ga)
        Gb = np.where(zero, 2 * ee * ln, Gb)
    L = L.sum(axis=1)
    if not want_grad:
        return L, None
    Gw, Gc, Ga, Gb = (g.sum(axis=1) for g in (Gw, Gc, Ga, Gb))
    if cfg.head == "wc":
        G = [Gw, Gc]
    else:
        G = [-Gw + thetas[:, 1] * Gc, thetas[:, 0] * Gc]
    if cfg.train_outer:
        G += [Ga, Gb]
    return L, np.stack(G, axis=1)


def risk_grad_float(cfg: D0, thetas, t: int = 0):
    """(L_t, ∇L_t) in float64 for d = 1 population/cells batches, vectorized over the rows of
    ``thetas`` (shape (K, n_params)): arrays of shape (K,) and (K, n_params).  Exploration only."""
    if cfg.d != 1:
        raise InputError(f"population and cells losses are implemented for d = 1 only (d = {cfg.d})", "d")
    if cfg.batch.kind in ("data", "grid"):
        rows = [data_risk_grad(cfg, tuple(th), system="float") for th in np.atleast_2d(thetas)]
        return np.array([r.L for r in rows]), np.array([r.G for r in rows])
    lo, hi = cfg.interval(t)
    L, G = _float_integrate(cfg, thetas, lo, hi, "target", 2, True)
    om = _f(cfg.weight(t))
    return L * om, G * om


def error_float(cfg: D0, thetas, r: int | None = None):
    """e_r in float64 for each row of ``thetas`` (d = 1)."""
    if cfg.d != 1:
        raise InputError(f"e_r is implemented for d = 1 only (d = {cfg.d})", "d")
    r = cfg.error_r if r is None else r
    L, _ = _float_integrate(cfg, thetas, fmpq(-1), fmpq(1), "limit", r, False)
    return L * 0.5


def f_float(cfg: D0, thetas, xs):
    """f_N(θ, x) in float64 for every row of ``thetas`` (K, n) and every x of ``xs`` (d = 1 points as
    a 1-D array, or (n_x, d)): an array (K, n_x)."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    xs = np.asarray(xs, dtype=float)
    if xs.ndim == 1:
        xs = xs[:, None]
    r = sum(phi(np.abs(xs[:, i]), cfg.N) if cfg.feature == "yarotsky" else xs[:, i] ** 2 for i in range(xs.shape[1]))
    if cfg.head == "wc":
        w, c = thetas[:, 0:1], thetas[:, 1:2]
    else:
        w, c = -thetas[:, 0:1], thetas[:, 0:1] * thetas[:, 1:2]
    al, be = (thetas[:, 2:3], thetas[:, 3:4]) if cfg.train_outer else (1.0, 0.0)
    u = w * r[None, :] + c
    return al * (np.maximum(u, 0) - np.maximum(u - 1, 0)) + be
