"""yoneda23 foundation: the default construction D0 and gradient descent on it (spec 004 §2.2).

Specification: shared/claims/004-pointwise-indicator.md (arXiv 2304.08172, Kawasumi–Yoneda); every
formula below is the spec's, in its notation.  Nothing here registers claims: this module gives
the objects claims 3.1–3.13 and planted violations P1–P9 are checked with.

Scalar pieces (generic over `fmpq`, `arb`, Python floats and, where it makes sense, numpy arrays):

* σ(z) = max(z, 0); the hat g(z) = 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1); g_k = g∘…∘g (k times);
* φ_N(z) = z − Σ_{k=1}^N g_k(z)/4^k (Yarotsky's interpolant of z² on the grid k/2^N);
* the feature r_N(x) = Σ_i φ_N(|x_i|) (``feature='yarotsky'``) or r(x) = |x|² (``'exact-square'``,
  a fixed non-ReLU transformation: there is no network for it);
* the ramp u(r; a, b) = σ(a(b − r)) − σ(a(b − r) − 1) = min{1, max{0, a(b − r)}};
* the head f_N(θ, x) = α(σ(w r_N + c) − σ(w r_N + c − 1)) + β, θ = (w, c) (``head='wc'``) or
  θ = (a, b) with w = −a, c = ab (``head='ab'``); α = 1, β = 0 frozen unless ``train_outer``;
* the target f°(x) = 1{|x − centre| ≤ R} (closed, default centre 0, R = 1/2) or 1{… < R} (open);
* the limit f°_N(x) = 1{r_N(x) < τ} (``limit_def='strict'``) or 1{r_N(x) ≤ τ} (``'closed'``) with
  τ = R² (= 1/4 by default; the feature is always centred at 0).

`D0` holds the knobs of spec §2.3 that are implemented, validates them (`InputError`, one line),
round-trips through JSON, builds the network as an ordinary `DagNetwork` (widths
d, 2d, 4d × N, 1, 2, 1 exactly as §2.2) and evaluates everything pointwise.

Risk and gradient (`risk_grad`): L_t is the loss GD uses at step t; ∇ is the generalized gradient
with σ'(z) = 1{z > 0} and σ'(0) := ``relu_grad_at_0`` (0, 1, or ``'raise'``, which raises `ReluTie`
on a tie that enters the gradient).

* ``batch='full'``: L = ∫ (f_N − f°)² dν, ν = μ (uniform probability on [−1, 1)^d) or dx
  (``measure_norm='lebesgue'``, i.e. 2^d μ).  ``cells(m)``: Q_j the dyadic cube j = t mod 2^{md},
  L_t = ν(Ω)/ν(Q_j) ∫_{Q_j} (f_N − f°)² dν (``normalize``; the cell average scaled to the full
  batch's mass, so m = 1 coincides with ``full`` under both norms) or ∫_{Q_j} (…)² dν.
  d = 1 only.  The x-interval is cut, exactly, at the grid ±k/2^N (where r_N is linear), 0, the
  target's knots and the cell ends; on each piece r(x) is a polynomial with rational coefficients
  (affine for 'yarotsky', x² for 'exact-square') and monotone.  On a piece the head's
  pre-activation u = w r + c crosses 0 and 1 at the r-levels t_0 = −c/w (= b) and t_1 = (1 − c)/w
  (= b − 1/a); the piece splits into at most three regions (u ≤ 0: f = β; ramp: f = αu + β;
  u ≥ 1: f = α + β) whose ends are r^{-1}(clamp(t_k, r-range of the piece)).  Every integrand is a
  polynomial in x; integrals are exact (`fmpq`) for rational θ and the 'yarotsky' feature.
* ``data(X)``, ``grid(n)`` (= data at the centres of cells(n)): L = |B|^{-1} Σ (f_N − f°)², with
  the closed forms of spec 3.7 (`data_risk_grad`) and, independently, backpropagation through the
  `DagNetwork` (`data_risk_grad_backprop`); any d.

What is enclosed (``system='ball'``): θ may be a box (a list of `arb` balls).  For every θ in the
box the returned balls contain the exact L_t(θ) and ∇L_t(θ).  Soundness of the general 1-D engine:
the region formula ∫_p^{x_0} h_lo + ∫_{x_0}^{x_1} h_ramp + ∫_{x_1}^q h_hi, with x_k the preimage of
the *clamped* level, is an identity for every θ with sign(w) fixed (clamping handles kinks outside
the piece); it is evaluated with enclosures of the clamped levels, so it needs no decision of where
a kink lies -- when a level's position relative to the piece is undecided, its clamp is the hull
of the possible values (wide but valid).  Only sign(w) must be certified; where the w-ball
contains 0 the piece's integrand is enclosed by interval evaluation over the piece (σ(U) by
`nonnegative_part`, σ'(U) ⊂ [0, 1]) times the piece length.  Floats never decide anything here.

Fast path (spec 3.8): for d = 1, N ≥ 1, 'yarotsky', the default target, α/β frozen and batch
``full`` or ``cells(m)`` whose cells each contain or miss each half-window
±[1/2 − 2^{−N}, 1/2], ±[1/2, 1/2 + 2^{−N}]: in the regime a > 0, λ = a(b − 1/4) ∈ [0, 1],
(1 − λ)/a ≤ 2^{−N} − 2^{−2N}, λ/a ≤ 2^{−N} + 2^{−2N}, the loss is L_t = F_t(λ)/(3a) with
F_t(λ) = A_t λ³ + B_t(1 − λ)³ (full batch, prob: A = ρ_R, B = ρ_L).  `closed_form` uses it only
where the regime is certified for the whole box; tests compare it with the general engine exactly.

GD (`gd_exact`, `gd_ball`, `gd_float`): θ^{t+1} = θ^t − η_t ∇L_t(θ^t), η_t = η (t+1)^{−γ}.
`gd_ball` carries (a, λ) while the regime is certified and steps by a blocked mean-value form.
Let X_0 be the box at the start of a block, m_0 its exact midpoint, D = X_0 − m_0 (∋ 0),
Φ_k = G_{k−1}∘…∘G_0 the composition of the closed-form maps of the steps of the block.  The run
keeps p_k ∋ Φ_k(m_0) and an interval matrix P_k ∋ every product J_{k−1}(ξ_{k−1})⋯J_0(ξ_0) with
ξ_i ∈ X_i, and sets X_k = p_k + P_k D.  Soundness: the regime is certified on X_k before each step,
so on X_k the GD map is the C^∞ closed-form map G_k; X_k ⊇ Φ_k(X_0) (induction: by the mean-value
theorem Φ_k(x) − Φ_k(m_0) = ∫_0^1 DΦ_k(m_0 + s(x − m_0)) ds (x − m_0), the segment's images lie in
the X_i, so the averaged matrix lies in the convex box P_k); p_{k+1} = G_k(mid p_k) + J_k(X_k)
(p_k − mid p_k) (valid since p_k ⊆ X_k, because D ∋ 0).  A block restarts every ``block`` steps.
Re-wrapping the box only once per block keeps the sign cancellations of the per-step Jacobians
(cells batches alternate the sign of ∂λ'/∂a): with one-step blocks the widths of cells runs grow
like exp(c t^{1/3}), with 64-step blocks linearly (accumulated rounding).  In (a, λ) the map's
Jacobian is nearly diagonal and contracting; boxes in (w, c) would wrap badly.  Outside the regime
(or for other configurations) it steps with the general ball engine, X' = X − η ∇L(X) (interval
extension, sound, wider).  Each recorded ball contains the exact iterate of the exact GD started
at the exact θ^0 (every iterate started in the box, for a box θ^0).

Floats (`risk_grad_float`, `gd_float`, numpy): the same piece formulas vectorized over pieces and
over many θ at once, for exploration and plots -- never a verdict.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from dataclasses import dataclass, field
from typing import Sequence, ClassVar

import numpy as np
from flint import arb, fmpq, fmpz

from ..dag import DagNetwork
from ..errors import InputError
from ..numbers import Undecided, ball_bounds, parse_rational, precision, sign as _csign, to_json
from ..problems import poly_integral, poly_mul

Q = fmpq
HALF = fmpq(1, 2)
QUARTER = fmpq(1, 4)
FEATURES = ("yarotsky", "exact-square")
HEADS = ("wc", "ab")
BATCHES = ("full", "cells", "data", "grid")
NORMS = ("prob", "lebesgue")
LIMIT_DEFS = ("strict", "closed")
RELU0 = ("0", "1", "raise")
# Documented size limits (issue 14: sizes past them are refused with a one-line InputError).
MAX_N = 1000  # hat layers: φ_N carries denominators 4^N
NETWORK_MAX_WEIGHTS = 2 * 10 ** 6  # dense weight entries of `D0.network` (≈ 16 d² N): about 0.5 GB of fmpq
POPULATION_MAX_N = 10  # d = 1 population integrals cut [−1, 1) into the 2^(N+1) linear pieces of r_N
EXACT_POPULATION_MAX_STEPS = 8  # exact population GD: the denominators triple per step (9 steps ≈ 14 s, 12 ≈ 14 min)
# and each step integrates over ~2^(N+1) pieces: the limit per N keeps a run under ~10 s (measured:
# 8 steps 2.9 s at N = 2, 8.2 s at N = 4; 7 steps 4.9 s at N = 6; 6 steps 6.6 s at N = 8; 8 steps took 152 s at N = 8)
EXACT_POPULATION_STEPS_BY_N = ((4, 8), (6, 7), (8, 6), (POPULATION_MAX_N, 5))


def exact_population_max_steps(N: int) -> int:
    """The most exact population GD steps allowed for N hat layers (EXACT_POPULATION_STEPS_BY_N)."""
    return next(k for n, k in EXACT_POPULATION_STEPS_BY_N if N <= n) if N <= POPULATION_MAX_N else 0
EXACT_MAX_BITS = 10 ** 6  # exact GD stops (incomplete run) once θ^t needs more bits than this
NOT_IMPLEMENTED = {
    "feature": {"radial": "the radial feature r = |x|", "custom": "custom feature networks",
                "trainable": "trainable feature weights"},
    "head": {"free": "the untied head (w_1, c_1, w_2, c_2, α, β)"},
    "batch": {"iid": "i.i.d. batches", "starve": "starve(δ) batches"},
    "limit_def": {"certified": "the certified pointwise limit as f°_N"},
}


# ============================================================================================
# scalar pieces (spec 3.1-3.3), generic over fmpq / arb / float / numpy arrays


def _const(q: fmpq, like):
    """The rational constant q in the number system of ``like`` (float for floats and arrays)."""
    if isinstance(like, (float, np.ndarray, np.floating)):
        return int(q.p) / int(q.q)
    return q


def relu(z):
    """σ(z) = max(z, 0): exact for `fmpq`, `nonnegative_part` (an enclosure) for `arb`."""
    if isinstance(z, arb):
        return z.nonnegative_part()
    if isinstance(z, np.ndarray):
        return np.maximum(z, 0.0)
    if isinstance(z, int):
        z = fmpq(z)
    return z if z > 0 else 0 * z


def hat(z):
    """g(z) = 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1): 2z on [0, 1/2], 2 − 2z on [1/2, 1], 0 outside."""
    if isinstance(z, int):
        z = fmpq(z)
    return 2 * relu(z) - 4 * relu(z - _const(HALF, z)) + 2 * relu(z - 1)


def g_iter(z, k: int):
    """g_k = g∘…∘g (k times); g_0 is the identity."""
    if k < 0:
        raise InputError(f"k must be >= 0, got {k}", "g_k")
    if isinstance(z, int):
        z = fmpq(z)
    for _ in range(k):
        z = hat(z)
    return z


def phi(z, N: int):
    """φ_N(z) = z − Σ_{k=1}^N g_k(z)/4^k (spec 3.2): on [0, 1] the piecewise-linear interpolant of
    z² on the grid k/2^N, with 0 ≤ φ_N(z) − z² ≤ 2^{−2N−2}."""
    _check_N(N)
    if isinstance(z, int):
        z = fmpq(z)
    out, gk = z, z
    for k in range(1, N + 1):
        gk = hat(gk)
        out = out - gk * _const(fmpq(1, 4 ** k), z)
    return out


def _abs(z):
    if isinstance(z, np.ndarray):
        return np.abs(z)
    if isinstance(z, int):
        z = fmpq(z)
    return abs(z)


def feature(x: Sequence, N: int, kind: str = "yarotsky"):
    """r_N(x) = Σ_i φ_N(|x_i|) ('yarotsky') or |x|² ('exact-square')."""
    if kind not in FEATURES:
        raise InputError(f"unknown feature {kind!r} (implemented: {', '.join(FEATURES)})", "feature")
    s = 0
    for xi in x:
        if isinstance(xi, int):
            xi = fmpq(xi)
        s = s + (phi(_abs(xi), N) if kind == "yarotsky" else xi * xi)
    return s


def ramp(r, a, b):
    """u(r; a, b) = σ(a(b − r)) − σ(a(b − r) − 1) = min{1, max{0, a(b − r)}} (every sign of a)."""
    y = a * (b - r)
    if isinstance(y, int):
        y = fmpq(y)
    return relu(y) - relu(y - 1)


def phi_grid_error(N: int):
    """(max over grid points of |φ_N − z²|, the values φ_N − z² at the midpoints) -- exact; the
    spec says 0 and 2^{−2N−2} at every midpoint (3.2)."""
    _check_N(N)
    h = fmpq(1, 2 ** N)
    grid = max(abs(phi(k * h, N) - (k * h) ** 2) for k in range(2 ** N + 1))
    mids = [phi((k + HALF) * h, N) - ((k + HALF) * h) ** 2 for k in range(2 ** N)]
    return grid, mids


def _check_N(N):
    if not isinstance(N, int) or isinstance(N, bool) or N < 0:
        raise InputError(f"N must be an integer >= 0, got {N!r}", "N")


def _sgn(x) -> int | None:
    """Certified sign for fmpq/arb; plain for floats (screening only)."""
    if isinstance(x, (float, np.floating)):
        return (x > 0) - (x < 0)
    if isinstance(x, int):
        return (x > 0) - (x < 0)
    return _csign(x)


# ============================================================================================
# configuration


@dataclass(frozen=True)
class Batch:
    """Batch rule: ``full``; ``cells`` (m, normalize); ``data`` (X, a tuple of points);
    ``grid`` (n: data at the centres of cells(n))."""

    kind: str = "full"
    m: int = 2
    normalize: bool = True
    X: tuple = ()
    n: int = 2

    def __post_init__(self):
        """Fields a kind does not use get their defaults, and X becomes a tuple of fmpq points, so
        that equal rules compare equal and every Batch round-trips through `to_json`/`from_json`."""
        s = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731  (frozen dataclass normalization)
        if self.kind != "cells":
            s("m", 2)
            s("normalize", True)
        if self.kind != "grid":
            s("n", 2)
        s("X", _points(self.X) if self.kind == "data" else ())

    @classmethod
    def full(cls):
        return cls("full")

    @classmethod
    def cells(cls, m: int = 2, normalize: bool = True):
        return cls("cells", m=m, normalize=normalize)

    @classmethod
    def data(cls, X):
        return cls("data", X=_points(X))

    @classmethod
    def grid(cls, n: int = 2):
        return cls("grid", n=n)

    def to_json(self) -> dict:
        if self.kind == "full":
            return {"kind": "full"}
        if self.kind == "cells":
            return {"kind": "cells", "m": self.m, "normalize": self.normalize}
        if self.kind == "data":
            return {"kind": "data", "X": [to_json(list(x)) for x in self.X]}
        return {"kind": "grid", "n": self.n}

    @classmethod
    def from_json(cls, obj, where="batch") -> "Batch":
        if isinstance(obj, str):
            obj = {"kind": obj}
        if not isinstance(obj, dict):
            raise InputError("expected an object {\"kind\": ...} or a kind string", where)
        kind = obj.get("kind", "full")
        if kind in NOT_IMPLEMENTED["batch"]:
            raise InputError(f"batch kind {kind!r} ({NOT_IMPLEMENTED['batch'][kind]}) is not implemented", f"{where}.kind")
        known = {"full": {"kind"}, "cells": {"kind", "m", "normalize"}, "data": {"kind", "X"}, "grid": {"kind", "n"}}
        if kind not in known:
            raise InputError(f"unknown batch kind {kind!r} (expected one of {', '.join(BATCHES)})", f"{where}.kind")
        _keys(obj, known[kind], where)
        if kind == "full":
            return cls("full")
        if kind == "cells":
            return cls("cells", m=_int(obj.get("m", 2), f"{where}.m"),
                       normalize=_bool(obj.get("normalize", True), f"{where}.normalize"))
        if kind == "grid":
            return cls("grid", n=_int(obj.get("n", 2), f"{where}.n"))
        X = obj.get("X")
        if not isinstance(X, list):
            raise InputError("X must be a list of points", f"{where}.X")
        return cls("data", X=tuple(tuple(_point(x, f"{where}.X[{k}]")) for k, x in enumerate(X)))


def _point(x, where):
    if isinstance(x, list):
        return [parse_rational(v, f"{where}[{i}]") for i, v in enumerate(x)]
    return [parse_rational(x, where)]


def _points(X):
    out = []
    for k, x in enumerate(X):
        if isinstance(x, (list, tuple)):
            out.append(tuple(_rat(v, f"X[{k}][{i}]") for i, v in enumerate(x)))
        else:
            out.append((_rat(x, f"X[{k}]"),))
    return tuple(out)


def _rat(v, where) -> fmpq:
    if isinstance(v, fmpq):
        return v
    if isinstance(v, (int, fmpz)) and not isinstance(v, bool):
        return fmpq(int(v))
    if isinstance(v, float):
        raise InputError(f"{v!r} is a float; give an exact number ('p/q', a decimal string or fmpq)", where)
    return parse_rational(v, where)


def _int(v, where) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise InputError(f"expected an integer, got {v!r}", where)
    return v


def _bool(v, where) -> bool:
    if not isinstance(v, bool):
        raise InputError(f"expected true or false, got {v!r}", where)
    return v


def _keys(obj, known, where):
    extra = sorted(set(obj) - set(known))
    if extra:
        raise InputError(f"unknown key(s) {extra} (expected {sorted(known)})", where)


@dataclass(frozen=True)
class D0:
    """The D0 construction with its knobs (spec §2.2–2.3).

    Its target (the ball indicator f°) is one of the knobs, so an instance needs no 'target'.

    ``init`` (None: the head's default, (−4, 8/5) for 'wc', (4, 2/5) for 'ab', with α = 1, β = 0
    appended under ``train_outer``) and ``centre`` (None: the origin) are normalized on creation;
    numbers may be given as fmpq, int or exact strings ('1/20', '0.05').
    """

    defines_target: ClassVar[bool] = True  # the instance's 'target' is not used (no "f = 0" note)
    d: int = 1
    N: int = 2
    feature: str = "yarotsky"
    head: str = "wc"
    train_outer: bool = False
    centre: tuple | None = None
    radius: object = HALF
    closed: bool = True
    measure_norm: str = "prob"
    batch: Batch = Batch()
    eta: object = fmpq(1, 20)
    eta_decay: object = fmpq(0)
    init: tuple | None = None
    relu_grad_at_0: object = "0"
    limit_def: str = "strict"
    error_r: int = 2

    def __post_init__(self):
        s = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731  (frozen dataclass normalization)
        for name in ("d", "N", "error_r"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise InputError(f"{name} must be an integer, got {v!r}", name)
        if self.d < 1:
            raise InputError(f"d must be >= 1, got {self.d}", "d")
        if self.N < 0:
            raise InputError(f"N must be >= 0, got {self.N}", "N")
        if self.N > MAX_N:
            raise InputError(f"N = {self.N} exceeds the limit N <= {MAX_N} (verify.yoneda23.d0.MAX_N)", "N")
        if self.d * (4 * max(self.N, 1)) > 10 ** 6:
            raise InputError(f"d = {self.d}, N = {self.N} has more than 10^6 hidden neurons (the limit)", "d")
        if self.feature not in FEATURES:
            what = NOT_IMPLEMENTED["feature"].get(self.feature)
            raise InputError(f"feature {self.feature!r} ({what}) is not implemented" if what else
                             f"unknown feature {self.feature!r} (implemented: {', '.join(FEATURES)})", "feature")
        if self.head not in HEADS:
            what = NOT_IMPLEMENTED["head"].get(self.head)
            raise InputError(f"head {self.head!r} ({what}) is not implemented" if what else
                             f"unknown head {self.head!r} (expected 'wc' or 'ab')", "head")
        if not isinstance(self.train_outer, bool):
            raise InputError(f"train_outer must be true or false, got {self.train_outer!r}", "train_outer")
        if not isinstance(self.closed, bool):
            raise InputError(f"closed must be true or false, got {self.closed!r}", "target.closed")
        centre = (fmpq(0),) * self.d if self.centre is None else tuple(
            _rat(v, f"target.centre[{i}]") for i, v in enumerate(self.centre))
        if len(centre) != self.d:
            raise InputError(f"the centre has {len(centre)} coordinates, d = {self.d}", "target.centre")
        s("centre", centre)
        R = _rat(self.radius, "target.radius")
        if R <= 0:
            raise InputError(f"the radius must be > 0, got {R}", "target.radius")
        s("radius", R)
        if self.measure_norm not in NORMS:
            raise InputError(f"measure_norm must be 'prob' or 'lebesgue', got {self.measure_norm!r}", "measure_norm")
        if not isinstance(self.batch, Batch):
            raise InputError("batch must be a Batch", "batch")
        self._check_batch()
        eta = _rat(self.eta, "eta")
        if eta <= 0:
            raise InputError(f"the step size must be > 0, got {eta}", "eta")
        s("eta", eta)
        gamma = _rat(self.eta_decay, "eta_decay")
        if gamma < 0:
            raise InputError(f"the decay exponent γ must be >= 0, got {gamma}", "eta_decay")
        s("eta_decay", gamma)
        r0 = self.relu_grad_at_0
        r0 = {0: "0", 1: "1"}.get(r0, r0) if not isinstance(r0, bool) else r0
        if isinstance(r0, fmpq) and r0 in (0, 1):
            r0 = str(r0)
        if r0 not in RELU0:
            raise InputError(f"relu_grad_at_0 must be 0, 1 or 'raise', got {self.relu_grad_at_0!r}", "relu_grad_at_0")
        s("relu_grad_at_0", r0)
        if self.limit_def not in LIMIT_DEFS:
            what = NOT_IMPLEMENTED["limit_def"].get(self.limit_def)
            raise InputError(f"limit_def {self.limit_def!r} ({what}) is not implemented" if what else
                             f"limit_def must be 'strict' or 'closed', got {self.limit_def!r}", "limit_def")
        if self.error_r not in (1, 2):
            raise InputError(f"error_r must be 1 or 2, got {self.error_r}", "error_r")
        n = len(self.param_names)
        if self.init is None:
            init = (fmpq(-4), fmpq(8, 5)) if self.head == "wc" else (fmpq(4), fmpq(2, 5))
        else:
            if not isinstance(self.init, (list, tuple)):
                raise InputError("init must be a list of numbers", "init")
            init = tuple(_rat(v, f"init[{k}]") for k, v in enumerate(self.init))
        if self.train_outer and len(init) == 2:
            init = init + (fmpq(1), fmpq(0))
        if len(init) != n:
            raise InputError(f"init has {len(init)} entries, the trainable parameters are {self.param_names}", "init")
        s("init", init)

    def _check_batch(self):
        b = self.batch
        if b.kind == "cells":
            if isinstance(b.m, bool) or not isinstance(b.m, int) or b.m < 1:
                raise InputError(f"cells(m) needs an integer m >= 1, got {b.m!r}", "batch.m")
            if b.m * self.d > 40:
                raise InputError(f"cells(m = {b.m}) in d = {self.d} has more than 2^40 cells", "batch.m")
            if not isinstance(b.normalize, bool):
                raise InputError("normalize must be true or false", "batch.normalize")
        elif b.kind == "grid":
            if isinstance(b.n, bool) or not isinstance(b.n, int) or b.n < 0:
                raise InputError(f"grid(n) needs an integer n >= 0, got {b.n!r}", "batch.n")
            if 2 ** (b.n * self.d) > 10 ** 6:
                raise InputError(f"grid(n = {b.n}) in d = {self.d} has more than 10^6 points", "batch.n")
        elif b.kind == "data":
            if not b.X:
                raise InputError("the data set X is empty", "batch.X")
            for k, x in enumerate(b.X):
                if len(x) != self.d:
                    raise InputError(f"the point has {len(x)} coordinates, d = {self.d}", f"batch.X[{k}]")
                self.check_point(x, f"batch.X[{k}]")
        elif b.kind != "full":
            raise InputError(f"unknown batch kind {b.kind!r}", "batch.kind")

    # ---- parameters ---------------------------------------------------------------------------
    @property
    def param_names(self) -> tuple[str, ...]:
        base = ("w", "c") if self.head == "wc" else ("a", "b")
        return base + (("alpha", "beta") if self.train_outer else ())

    @property
    def theta0(self) -> tuple:
        return self.init

    @property
    def theta(self) -> tuple:
        """θ^0, so that a `D0` can stand where an instance expects a network (``{"kind": "d0"}``)."""
        return self.init

    def with_(self, **changes) -> "D0":
        """A copy with some knobs changed (``init`` is reset to the default when the head changes
        and no init is given)."""
        if "head" in changes and "init" not in changes:
            changes["init"] = None
        if "train_outer" in changes and "init" not in changes:
            changes["init"] = self.init[:2]
        return dataclasses.replace(self, **changes)

    def head_values(self, theta):
        """(w, c, α, β) for the trainable θ (in the number system of θ)."""
        theta = tuple(fmpq(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in theta)
        if len(theta) != len(self.param_names):
            raise InputError(f"θ has {len(theta)} entries, expected {len(self.param_names)} {self.param_names}", "theta")
        if self.head == "wc":
            w, c = theta[0], theta[1]
        else:
            w, c = -theta[0], theta[0] * theta[1]
        if self.train_outer:
            al, be = theta[2], theta[3]
        else:
            al, be = _const(fmpq(1), theta[0]), _const(fmpq(0), theta[0])
            if isinstance(theta[0], arb):
                al, be = arb(1), arb(0)
        return w, c, al, be

    def a_lambda(self, theta):
        """(a, λ) = (−w, c + w/4) for 'wc', (a, a(b − 1/4)) for 'ab' (spec §2.2)."""
        q = _const(QUARTER, theta[0])
        if self.head == "wc":
            return -theta[0], theta[1] + theta[0] * q
        return theta[0], theta[0] * (theta[1] - q)

    def theta_from_a_lambda(self, a, lam):
        """Inverse of `a_lambda` (trainable part; α, β frozen)."""
        q = _const(QUARTER, a)
        if self.head == "wc":
            return (-a, lam + a * q)
        return (a, q + lam / a)

    def eta_at(self, t: int, system: str = "exact"):
        """η_t = η (t + 1)^{−γ}: exact only for integer γ; a ball or a float otherwise."""
        if self.eta_decay == 0:
            return {"exact": self.eta, "ball": arb(self.eta), "float": _f(self.eta)}[system]
        g = self.eta_decay
        if system == "exact":
            if g.q != 1:
                raise InputError(f"η_t = η (t+1)^(-{g}) is irrational; exact GD needs an integer γ", "eta_decay")
            return self.eta / fmpq(t + 1) ** int(g.p)
        if system == "ball":
            return arb(self.eta) * arb(t + 1) ** (-arb(g))
        return _f(self.eta) * (t + 1) ** (-_f(g))

    # ---- pointwise ----------------------------------------------------------------------------
    def check_point(self, x, where="x"):
        """x must lie in the domain [−1, 1)^d (rational coordinates)."""
        if len(x) != self.d:
            raise InputError(f"the point has {len(x)} coordinates, d = {self.d}", where)
        for i, v in enumerate(x):
            if isinstance(v, (fmpq, int)) and not (-1 <= v < 1):
                raise InputError(f"coordinate {v} lies outside the domain [-1, 1)", f"{where}[{i}]")

    def r(self, x):
        """The feature r_N(x) (exact for rational x)."""
        return feature(x, self.N, self.feature)

    def target(self, x):
        """f°(x) = 1{|x − centre| ≤ R} (closed) or 1{|x − centre| < R} (open); a ball input
        raises `Undecided` when the side is not certified."""
        s = 0
        for xi, ci in zip(x, self.centre):
            xi = fmpq(xi) if isinstance(xi, int) else xi
            s = s + (xi - _const(ci, xi)) ** 2
        s = s - _const(self.radius ** 2, s)
        return _indicator(s, self.closed)

    def limit(self, x):
        """f°_N(x) = 1{r_N(x) < τ} ('strict') or 1{r_N(x) ≤ τ} ('closed'), τ = R²."""
        r = self.r(x)
        return _indicator(r - _const(self.tau, r), self.limit_def == "closed")

    @property
    def tau(self) -> fmpq:
        return self.radius ** 2

    def f(self, theta, x):
        """f_N(θ, x) = α(σ(w r_N + c) − σ(w r_N + c − 1)) + β."""
        w, c, al, be = self.head_values(theta)
        r = self.r(x)
        if isinstance(w, float) and not isinstance(r, float):
            r = _f(r)
        u = w * r + c
        return al * (relu(u) - relu(u - 1)) + be

    def preactivations(self, theta, x) -> list[list]:
        """Every hidden pre-activation of the D0 network at x, layer by layer (hidden layers
        1..N+3: abs, N hat layers, feature, head), computed from the closed forms of §2.2."""
        if self.feature != "yarotsky":
            raise InputError(f"feature {self.feature!r} has no network, hence no pre-activations", "feature")
        layers = [[v for xi in x for v in (xi, -xi)]]
        p = [abs(fmpq(xi) if isinstance(xi, int) else xi) for xi in x]
        q = list(p)
        for k in range(1, self.N + 1):
            layer = []
            for i in range(self.d):
                layer += [p[i], p[i] - HALF, p[i] - 1, q[i]]
            layers.append(layer)
            p = [hat(v) for v in p]
            q = [relu(qi) - pi / 4 ** k for qi, pi in zip(q, p)]
        r = sum(q[1:], q[0])
        layers.append([r])
        w, c, _, _ = self.head_values(theta)
        layers.append([w * r + c, w * r + c - 1])
        return layers

    # ---- the network --------------------------------------------------------------------------
    def network(self, theta=None) -> DagNetwork:
        """The D0 network of §2.2 as a layered `DagNetwork` (widths d, 2d, 4d × N, 1, 2, 1) with exact
        frozen weights and the head (w, w; c, c − 1), (α, −α; β) taken from θ (default θ^0)."""
        if self.feature != "yarotsky":
            raise InputError(f"feature {self.feature!r} is a fixed non-ReLU transformation: there is no D0 network "
                             "for it", "feature")
        theta = self.init if theta is None else tuple(theta)
        w, c, al, be = self.head_values(theta)
        d, N = self.d, self.N
        dense = network_weight_count(d, N)
        if dense > NETWORK_MAX_WEIGHTS:
            raise InputError(f"the D0 network with d = {d}, N = {N} has {dense} dense weight entries; the limit is "
                             f"{NETWORK_MAX_WEIGHTS} (verify.yoneda23.d0.NETWORK_MAX_WEIGHTS)", "N")
        floaty = any(isinstance(v, float) for v in (w, c, al, be))
        cv = (lambda q: _f(q)) if floaty else (lambda q: fmpq(q))
        z = cv(0)
        widths = [d, 2 * d] + [4 * d] * N + [1, 2, 1]
        W, B = [], []
        W1 = [[z] * (2 * d) for _ in range(d)]
        for i in range(d):
            W1[i][2 * i], W1[i][2 * i + 1] = cv(1), cv(-1)
        W.append(W1)
        B.append([z] * (2 * d))
        if N == 0:
            Wf = [[z] for _ in range(2 * d)]
            for i in range(d):
                Wf[2 * i][0] = Wf[2 * i + 1][0] = cv(1)
            W.append(Wf)
            B.append([z])
        else:
            W2 = [[z] * (4 * d) for _ in range(2 * d)]
            b2 = [z] * (4 * d)
            for i in range(d):
                for j in range(4):
                    W2[2 * i][4 * i + j] = W2[2 * i + 1][4 * i + j] = cv(1)
                b2[4 * i + 1], b2[4 * i + 2] = cv(-HALF), cv(-1)
            W.append(W2)
            B.append(b2)
            for k in range(1, N):
                Wk = [[z] * (4 * d) for _ in range(4 * d)]
                bk = [z] * (4 * d)
                s = fmpq(1, 4 ** k)
                for i in range(d):
                    for j in range(3):  # p_k − β_j with p_k = 2h_{4i} − 4h_{4i+1} + 2h_{4i+2}
                        Wk[4 * i][4 * i + j], Wk[4 * i + 1][4 * i + j], Wk[4 * i + 2][4 * i + j] = cv(2), cv(-4), cv(2)
                    # q_k = h_{4i+3} − p_k/4^k
                    Wk[4 * i][4 * i + 3], Wk[4 * i + 1][4 * i + 3] = cv(-2 * s), cv(4 * s)
                    Wk[4 * i + 2][4 * i + 3], Wk[4 * i + 3][4 * i + 3] = cv(-2 * s), cv(1)
                    bk[4 * i + 1], bk[4 * i + 2] = cv(-HALF), cv(-1)
                W.append(Wk)
                B.append(bk)
            Wf = [[z] for _ in range(4 * d)]
            s = fmpq(1, 4 ** N)
            for i in range(d):  # r_N = Σ_i q_{N,i}
                Wf[4 * i][0], Wf[4 * i + 1][0], Wf[4 * i + 2][0], Wf[4 * i + 3][0] = cv(-2 * s), cv(4 * s), cv(-2 * s), cv(1)
            W.append(Wf)
            B.append([z])
        W.append([[w, w]])
        B.append([c, c - 1])
        W.append([[al], [-al]])
        B.append([be])
        return DagNetwork.mlp(widths, W, B)

    def shape(self, theta=None) -> dict:
        """Widths, depth (hidden layers) and non-zero counts of `network(θ)`.  The spec's count
        13dN + d + 4 (N ≥ 1) / 4d + 4 (N = 0) is the number of non-zero *edge weights* at a θ with
        w ≠ 0 and α ≠ 0; biases are counted separately."""
        net = self.network(theta)
        nz_w = sum(1 for v in net.weights if v != 0)
        nz_b = sum(1 for v in net.biases if v != 0)
        return {"widths": list(net.widths), "hidden_layers": len(net.widths) - 2, "max_width": max(net.widths[1:-1]),
                "weights": net.m, "biases": net.n_b, "nonzero_weights": nz_w, "nonzero_biases": nz_b,
                "spec_formula": nonzero_weight_formula(self.d, self.N)}

    # ---- batches ------------------------------------------------------------------------------
    @property
    def n_cells(self) -> int:
        return 2 ** (self.batch.m * self.d) if self.batch.kind == "cells" else 1

    def cell(self, j: int) -> list[tuple[fmpq, fmpq]]:
        """Q_j = Π_i [−1 + j_i 2^{1−m}, −1 + (j_i + 1) 2^{1−m}) with j = Σ_i j_i 2^{m(d−1−i)}."""
        m = self.batch.m
        if not 0 <= j < 2 ** (m * self.d):
            raise InputError(f"cell index {j} outside 0..{2 ** (m * self.d) - 1}", "cell")
        h = fmpq(2, 2 ** m)
        out = []
        for i in range(self.d):
            ji = (j >> (m * (self.d - 1 - i))) & (2 ** m - 1)
            out.append((-1 + ji * h, -1 + (ji + 1) * h))
        return out

    def batch_index(self, t: int) -> int:
        return t % self.n_cells if self.batch.kind == "cells" else 0

    def points(self) -> tuple:
        """The data points of a ``data`` or ``grid`` batch."""
        b = self.batch
        if b.kind == "data":
            return b.X
        if b.kind == "grid":
            return _grid_points(self.d, b.n)
        raise InputError(f"batch {b.kind!r} has no data points", "batch")

    @property
    def mass(self) -> fmpq:
        """K = ν(Ω): 1 for 'prob', 2^d for 'lebesgue'."""
        return fmpq(1) if self.measure_norm == "prob" else fmpq(2 ** self.d)

    def weight(self, t: int) -> fmpq:
        """ω_t with L_t = ω_t ∫_{I_t} (f − f°)² dx (d = 1 population batches)."""
        base = self.mass / 2 ** self.d
        if self.batch.kind == "cells" and self.batch.normalize:
            base = base * 2 ** (self.batch.m * self.d)
        return base

    def interval(self, t: int) -> tuple[fmpq, fmpq]:
        """The x-interval of L_t (d = 1 population batches)."""
        if self.batch.kind == "cells":
            return self.cell(self.batch_index(t))[0]
        return fmpq(-1), fmpq(1)

    # ---- JSON ---------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {"kind": "d0", "d": self.d, "N": self.N, "feature": self.feature, "head": self.head, "train_outer": self.train_outer,
                "target": {"kind": "ball", "centre": to_json(list(self.centre)), "radius": to_json(self.radius),
                           "closed": self.closed},
                "measure_norm": self.measure_norm, "batch": self.batch.to_json(), "eta": to_json(self.eta),
                "eta_decay": to_json(self.eta_decay), "init": to_json(list(self.init)),
                "relu_grad_at_0": self.relu_grad_at_0, "limit_def": self.limit_def, "error_r": self.error_r}

    @classmethod
    def from_json(cls, obj, where: str = "d0") -> "D0":
        if not isinstance(obj, dict):
            raise InputError("expected an object with the D0 knobs", where)
        known = {"kind", "d", "N", "feature", "head", "train_outer", "target", "measure_norm", "batch", "eta", "eta_decay",
                 "init", "relu_grad_at_0", "limit_def", "error_r"}
        _keys(obj, known, where)
        kw = {}
        for k in ("d", "N", "error_r"):
            if k in obj:
                kw[k] = _int(obj[k], f"{where}.{k}")
        for k in ("feature", "head", "measure_norm", "limit_def"):
            if k in obj:
                if not isinstance(obj[k], str):
                    raise InputError(f"expected a string, got {obj[k]!r}", f"{where}.{k}")
                kw[k] = obj[k]
        if "train_outer" in obj:
            kw["train_outer"] = _bool(obj["train_outer"], f"{where}.train_outer")
        if "target" in obj:
            tg = obj["target"]
            if not isinstance(tg, dict):
                raise InputError("expected an object {\"kind\": \"ball\", \"centre\", \"radius\", \"closed\"}", f"{where}.target")
            _keys(tg, {"kind", "centre", "radius", "closed"}, f"{where}.target")
            if tg.get("kind", "ball") != "ball":
                raise InputError(f"target kind {tg.get('kind')!r} is not implemented (only 'ball')", f"{where}.target.kind")
            if "centre" in tg:
                if not isinstance(tg["centre"], list):
                    raise InputError("centre must be a list of d numbers", f"{where}.target.centre")
                kw["centre"] = tuple(parse_rational(v, f"{where}.target.centre[{i}]") for i, v in enumerate(tg["centre"]))
            if "radius" in tg:
                kw["radius"] = parse_rational(tg["radius"], f"{where}.target.radius")
            if "closed" in tg:
                kw["closed"] = _bool(tg["closed"], f"{where}.target.closed")
        if "batch" in obj:
            kw["batch"] = Batch.from_json(obj["batch"], f"{where}.batch")
        for k in ("eta", "eta_decay"):
            if k in obj:
                kw[k] = parse_rational(obj[k], f"{where}.{k}")
        if "init" in obj:
            if not isinstance(obj["init"], list):
                raise InputError("init must be a list of numbers", f"{where}.init")
            kw["init"] = tuple(parse_rational(v, f"{where}.init[{i}]") for i, v in enumerate(obj["init"]))
        if "relu_grad_at_0" in obj:
            v = obj["relu_grad_at_0"]
            kw["relu_grad_at_0"] = str(v) if isinstance(v, int) and not isinstance(v, bool) else v
        try:
            return cls(**kw)
        except InputError as e:
            if e.where and not e.where.startswith(where):
                raise InputError(str(e).split(": ", 1)[-1], f"{where}.{e.where}") from None
            raise


def network_weight_count(d: int, N: int) -> int:
    """Σ_l w_l w_{l+1} over the widths d, 2d, 4d × N, 1, 2, 1 of `D0.network` (the dense entries it stores)."""
    widths = [d, 2 * d] + [4 * d] * N + [1, 2, 1]
    return sum(p * q for p, q in zip(widths, widths[1:]))


def nonzero_weight_formula(d: int, N: int) -> int:
    """The spec's count of non-zero weights (3.4): 13dN + d + 4 for N ≥ 1, 4d + 4 for N = 0."""
    return 13 * d * N + d + 4 if N >= 1 else 4 * d + 4


def _indicator(s, closed: bool):
    """1{s ≤ 0} (closed) or 1{s < 0}; certified for balls (`Undecided` otherwise)."""
    sg = _sgn(s)
    if sg is None:
        raise Undecided("the side of the boundary is not certified")
    one = 1.0 if isinstance(s, float) else fmpq(1)
    return one if (sg < 0 or (closed and sg == 0)) else 0 * one


def _grid_points(d: int, n: int) -> tuple:
    h = fmpq(2, 2 ** n)
    coords = [-1 + (j + HALF) * h for j in range(2 ** n)]
    out = []
    for j in range(2 ** (n * d)):
        out.append(tuple(coords[(j >> (n * (d - 1 - i))) & (2 ** n - 1)] for i in range(d)))
    return tuple(out)


def _f(q) -> float:
    if isinstance(q, fmpq):
        return int(q.p) / int(q.q)
    if isinstance(q, arb):
        return float(q.mid())
    return float(q)


# ============================================================================================
# ties


class ReluTie(ArithmeticError):
    """A pre-activation that enters the gradient is exactly 0 and ``relu_grad_at_0='raise'``."""

    def __init__(self, tie: "Tie"):
        self.tie = tie
        super().__init__(f"ReLU tie (pre-activation exactly 0) at {tie.where}, layer {tie.layer}, neuron {tie.neuron}"
                         f"{' on a set of positive measure' if tie.measure else ''}")


@dataclass(frozen=True)
class Tie:
    """A pre-activation exactly 0.  ``layer`` counts hidden layers 1..N+3 (N+3 is the head),
    ``neuron`` is 0-based; ``measure`` marks a tie on a set of positive measure (population
    losses); ``affects_gradient`` is True for head ties (the only ones the trainable gradient sees);
    ``convention`` the σ'(0) used."""

    where: str
    layer: int
    neuron: int
    measure: bool
    affects_gradient: bool
    convention: str
    t: int | None = None

    def at(self, t: int) -> "Tie":
        return dataclasses.replace(self, t=t)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def _kappa(y, relu0: str, tie_info=None, ties=None):
    """σ'(y) with the convention; exact/float decide, balls give [0, 1] when undecided."""
    s = _sgn(y)
    if s is None:
        if relu0 == "raise":
            raise Undecided("a head pre-activation ball contains 0 and relu_grad_at_0 = 'raise'")
        return arb(HALF, HALF)
    if s > 0:
        return _one(y)
    if s < 0:
        return 0 * _one(y)
    if tie_info is not None:
        tie = Tie(*tie_info, convention=relu0)
        if relu0 == "raise":
            raise ReluTie(tie)
        if ties is not None:
            ties.append(tie)
    return _one(y) if relu0 == "1" else 0 * _one(y)


def _one(y):
    if isinstance(y, arb):
        return arb(1)
    if isinstance(y, float):
        return 1.0
    return fmpq(1)


# ============================================================================================
# results


@dataclass
class RiskGrad:
    """L_t(θ) and ∇L_t(θ) (ordered as ``cfg.param_names``) in one number system, with the
    engine that made them, the ties met and the activation pattern.

    ``ties``: head ties, the only ones the trainable gradient sees (population: ties on a set of
    positive measure, i.e. w = 0 and c ∈ {0, 1}; data: data points with w r + c ∈ {0, 1}).  The
    ties inside the frozen feature of a data set do not depend on θ: `data_ties` lists them.
    ``pattern``: population -- per piece of the x-partition ('|'-separated) the head regions met
    in x order, '0' (u ≤ 0, f = β), 'r' (ramp), '1' (u ≥ 1); an upper-case letter is a region whose
    presence a ball computation could not decide, '?' a piece enclosed by interval evaluation, 't'
    a full-measure tie; 'regime' when the 3.8 closed form was used.  Data -- one letter per point
    ('t' = head tie)."""

    L: object
    G: tuple
    system: str
    engine: str
    ties: list = field(default_factory=list)
    pattern: str = ""

    def to_json(self) -> dict:
        return {"L": _num(self.L), "G": [_num(g) for g in self.G], "system": self.system, "engine": self.engine,
                "ties": [t.to_json() for t in self.ties], "pattern": self.pattern}


def _num(x):
    if isinstance(x, (fmpq, arb)):
        return to_json(x)
    return float(x)


# ============================================================================================
# 1-D pieces: exact partition of an x-interval where r is a monotone polynomial


@dataclass(frozen=True)
class Piece:
    """[p, q] on which r(x) = Σ_k r[k] x^k is monotone (``inc`` = ±1), the label y is constant;
    ``kind`` 'lin' or 'sq' tells how to invert r."""

    p: fmpq
    q: fmpq
    r: tuple
    y: fmpq
    inc: int
    kind: str

    @property
    def r_lo(self) -> fmpq:  # r at the end where r is smallest
        return self.rv(self.p) if self.inc > 0 else self.rv(self.q)

    @property
    def r_hi(self) -> fmpq:
        return self.rv(self.q) if self.inc > 0 else self.rv(self.p)

    def rv(self, x):
        s = 0
        for a in reversed(self.r):
            s = s * x + a
        return s

    def x_of(self, t, where: str):
        """r^{-1}(t) on the piece for t in [r_lo, r_hi]; ``where`` in {'lo', 'hi', 'in'} says
        whether t was clamped to an end (then the x-end is returned exactly)."""
        if where == "lo":
            return self.p if self.inc > 0 else self.q
        if where == "hi":
            return self.q if self.inc > 0 else self.p
        if self.kind == "lin":
            return (t - self.r[0]) / self.r[1]
        root = t.sqrt() if isinstance(t, arb) else (math.sqrt(t) if isinstance(t, float) else None)
        if root is None:
            raise Undecided("an exact-square kink is irrational (use the ball or float system)")
        return root if self.p >= 0 else -root


def pieces_1d(cfg: D0, lo: fmpq, hi: fmpq, label: str = "target") -> tuple[Piece, ...]:
    """The exact partition of [lo, hi] (d = 1) into pieces where r is a monotone polynomial and the
    label (f° for ``'target'``, f°_N for ``'limit'``) is constant."""
    if cfg.feature == "yarotsky" and cfg.N > POPULATION_MAX_N:
        raise InputError(f"population integrals (d = 1) cut [-1, 1) into the 2^(N+1) linear pieces of r_N; N = {cfg.N} "
                         f"exceeds the limit N <= {POPULATION_MAX_N} (verify.yoneda23.d0.POPULATION_MAX_N); use batch 'data' "
                         "or 'grid'", "N")
    return _pieces_cached(cfg.N, cfg.feature, cfg.centre, cfg.radius, cfg.closed, cfg.limit_def, lo, hi, label)


@functools.lru_cache(maxsize=256)
def _pieces_cached(N, feat, centre, R, closed, limit_def, lo, hi, label):
    tmp = D0(d=1, N=N, feature=feat, centre=centre, radius=R, closed=closed, limit_def=limit_def)
    pts = {lo, hi}
    if feat == "yarotsky":
        h = fmpq(1, 2 ** N)
        grid = [j * h for j in range(-2 ** N, 2 ** N + 1)]
    else:
        grid = [fmpq(-1), fmpq(0), fmpq(1)]
    pts |= {g for g in grid if lo < g < hi}
    if label == "target":
        pts |= {k for k in (centre[0] - R, centre[0] + R) if lo < k < hi}
    else:
        tau = R * R
        for g0, g1 in zip(grid, grid[1:]):  # the points where r = τ, piece by piece
            r0, r1 = tmp.r([g0]), tmp.r([g1])
            if (r0 - tau) * (r1 - tau) <= 0 and r0 != r1:
                if feat == "yarotsky":
                    x = g0 + (tau - r0) * (g1 - g0) / (r1 - r0)
                else:
                    s = _sqrt_exact(tau)
                    if s is None:
                        raise InputError("the limit's knot sqrt(R²) is irrational", "target.radius")
                    x = s if g0 >= 0 else -s
                if lo < x < hi:
                    pts.add(x)
    pts = sorted(pts)
    out = []
    for p, q in zip(pts, pts[1:]):
        mid = (p + q) / 2
        if feat == "yarotsky":
            rp, rq = tmp.r([p]), tmp.r([q])
            s1 = (rq - rp) / (q - p)
            coeffs, kind = (rp - s1 * p, s1), "lin"
        else:
            coeffs, kind = (fmpq(0), fmpq(0), fmpq(1)), "sq"
            rp, rq = p * p, q * q
        y = tmp.target([mid]) if label == "target" else tmp.limit([mid])
        out.append(Piece(p, q, coeffs, y, 1 if rq > rp else -1, kind))
    return tuple(out)


def _sqrt_exact(q: fmpq):
    import math as _m
    a, b = int(q.p), int(q.q)
    ra, rb = _m.isqrt(a), _m.isqrt(b)
    return fmpq(ra, rb) if ra * ra == a and rb * rb == b else None


# ============================================================================================
# the general 1-D engine (exact and ball)


def _hull(lo, hi) -> arb:
    return arb(lo) if lo == hi else arb(lo).union(arb(hi))


def _clamp_level(t, lo: fmpq, hi: fmpq):
    """(where, value) for clamp(t, lo, hi): 'lo'/'hi' when clamped to an end for every value of t,
    'in' with the value (or an enclosure of the clamped value) otherwise."""
    if isinstance(t, arb):
        bd = ball_bounds(t)
        if bd is None:
            return "in", _hull(lo, hi)
        tl, th = bd
        if th <= lo:
            return "lo", None
        if tl >= hi:
            return "hi", None
        if lo <= tl and th <= hi:
            return "in", t
        return "in", _hull(max(tl, lo), min(th, hi))
    if t <= lo:
        return "lo", None
    if t >= hi:
        return "hi", None
    return "in", t


def _padd(p, q):
    n = max(len(p), len(q))
    return [(p[k] if k < len(p) else 0) + (q[k] if k < len(q) else 0) for k in range(n)]


def _pscale(p, s):
    return [a * s for a in p]


def _integrate_pieces(cfg: D0, pieces, head, want_grad: bool = True, power: int = 2):
    """Σ over pieces of ∫ |f − y|^power dx and (power 2) of the gradient integrands, unweighted,
    as (L, [G_w, G_c, G_α, G_β], ties, pattern).  ``head`` = (w, c, α, β) in one system (fmpq
    exact; arb an enclosure over the box)."""
    w, c, al, be = head
    layer = cfg.N + 3
    L = 0
    Gw = Gc = Ga = Gb = 0
    ties, pattern = [], []
    sw = _sgn(w)
    if power == 1 and cfg.train_outer:
        raise InputError("error_r = 1 with train_outer is not implemented (f may leave [0, 1])", "error_r")

    def region(kind, xa, xb, y, rpoly):
        nonlocal L, Gw, Gc, Ga, Gb
        if kind == "0":
            fpoly, vpoly, kap = [be], [], False
        elif kind == "1":
            fpoly, vpoly, kap = [al + be], [1], False
        else:
            u = _padd(_pscale(rpoly, w), [c])
            fpoly, vpoly, kap = _padd(_pscale(u, al), [be]), u, True
        e = _padd(fpoly, [-y])
        if power == 2:
            L = L + poly_integral(poly_mul(e, e), xa, xb)
        else:  # f ∈ [0, 1] and y ∈ {0, 1}: |f − y| = (1 − 2y)(f − y)
            L = L + (1 - 2 * y) * poly_integral(e, xa, xb)
        if want_grad:
            ie = poly_integral(e, xa, xb)
            Gb = Gb + 2 * ie
            if vpoly:
                Ga = Ga + 2 * poly_integral(poly_mul(e, vpoly), xa, xb)
            if kap:
                Gc = Gc + 2 * al * ie
                Gw = Gw + 2 * al * poly_integral(poly_mul(e, list(rpoly)), xa, xb)

    if sw == 0:  # u ≡ c on the whole interval: a tie of positive measure when c = 0 or c = 1
        L, Gw, Gc, Ga, Gb = _constant_totals(cfg, pieces, head, power, want_grad, ties, layer)
        return L, [Gw, Gc, Ga, Gb], ties, _const_pattern(head, len(pieces))
    for P in pieces:
        rpoly = list(P.r)
        if sw is None:
            pattern.append("?")
            vals = _enclose_piece(cfg, P, head, power, want_grad)
            L = L + vals[0]
            Gw, Gc, Ga, Gb = Gw + vals[1], Gc + vals[2], Ga + vals[3], Gb + vals[4]
            continue
        t0 = -c / w  # the r-level where u = 0 (= b)
        t1 = (1 - c) / w  # the r-level where u = 1 (= b − 1/a)
        w0, v0 = _clamp_level(t0, P.r_lo, P.r_hi)
        w1, v1 = _clamp_level(t1, P.r_lo, P.r_hi)
        x0, x1 = P.x_of(v0, w0), P.x_of(v1, w1)
        if sw * P.inc > 0:  # u increasing in x
            regs = (("0", P.p, x0), ("r", x0, x1), ("1", x1, P.q))
        else:
            regs = (("1", P.p, x1), ("r", x1, x0), ("0", x0, P.q))
        pat = ""
        for kind, xa, xb in regs:
            s = _sgn(xb - xa) if not (isinstance(xa, fmpq) and isinstance(xb, fmpq)) else (1 if xb > xa else 0)
            if s == 0:
                continue
            pat += kind if s is not None else kind.upper()
            region(kind, xa, xb, P.y, rpoly)
        pattern.append(pat)
    return L, [Gw, Gc, Ga, Gb], ties, "|".join(pattern)


def _const_pattern(head, n):
    c = head[1]
    s0, s1 = _sgn(c), _sgn(c - 1)
    kind = "?" if s0 is None or s1 is None else ("0" if s0 <= 0 else ("1" if s1 >= 0 else "r"))
    if s0 == 0 or s1 == 0:
        kind = "t"
    return "|".join([kind] * n)


def _constant_totals(cfg, pieces, head, power, want_grad, ties, layer):
    """w = 0 exactly: u ≡ c on the whole domain; σ'(0) enters on a set of positive measure when
    c = 0 (neuron 0) or c = 1 (neuron 1)."""
    w, c, al, be = head
    relu0 = cfg.relu_grad_at_0
    k1 = _kappa(c, relu0, ("domain (w = 0)", layer, 0, True, True), ties)
    k2 = _kappa(c - 1, relu0, ("domain (w = 0)", layer, 1, True, True), ties)
    v = relu(c) - relu(c - 1)
    f = al * v + be
    L = Gw = Gc = Ga = Gb = 0
    for P in pieces:
        ln = P.q - P.p
        e = f - P.y
        L = L + (e * e * ln if power == 2 else (1 - 2 * P.y) * e * ln)
        if want_grad:
            ir = poly_integral(list(P.r), P.p, P.q)
            Gw = Gw + 2 * e * al * (k1 - k2) * ir
            Gc = Gc + 2 * e * al * (k1 - k2) * ln
            Ga = Ga + 2 * e * v * ln
            Gb = Gb + 2 * e * ln
    return L, Gw, Gc, Ga, Gb


def _enclose_piece(cfg, P: Piece, head, power, want_grad):
    """Interval enclosure of the piece's integrals (w-ball contains 0): integrand ranges over the
    piece times its length (the mean value of an integrand lies in its range)."""
    w, c, al, be = head
    relu0 = cfg.relu_grad_at_0
    X = _hull(P.p, P.q)
    rX = P.r[0] + P.r[1] * X if P.kind == "lin" else _hull(min(P.p ** 2, P.q ** 2), max(P.p ** 2, P.q ** 2))
    u = w * rX + c
    v = relu(u) - relu(u - 1)
    k = _kappa(u, relu0) - _kappa(u - 1, relu0)
    f = al * v + be
    e = f - P.y
    ln = P.q - P.p
    Lp = (e * e if power == 2 else (1 - 2 * P.y) * e) * ln
    if not want_grad:
        return Lp, 0, 0, 0, 0
    return Lp, 2 * e * al * k * rX * ln, 2 * e * al * k * ln, 2 * e * v * ln, 2 * e * ln


def _to_params(cfg: D0, theta, Gwcab):
    """Chain rule from (G_w, G_c, G_α, G_β) to the trainable parameters."""
    Gw, Gc, Ga, Gb = Gwcab
    if cfg.head == "wc":
        out = [Gw, Gc]
    else:  # w = −a, c = ab: ∂/∂a = −∂/∂w + b ∂/∂c, ∂/∂b = a ∂/∂c
        a, b = theta[0], theta[1]
        out = [-Gw + b * Gc, a * Gc]
    if cfg.train_outer:
        out += [Ga, Gb]
    return tuple(out)


def _population(cfg: D0, theta, t: int, system: str, label: str = "target", power: int = 2, want_grad=True,
                weight=None):
    if cfg.d != 1:
        raise InputError(f"population and cells losses are implemented for d = 1 only (d = {cfg.d}); "
                         "use batch 'data' or 'grid'", "d")
    lo, hi = cfg.interval(t)
    pieces = pieces_1d(cfg, lo, hi, label)
    if cfg.feature == "exact-square" and system == "exact":
        raise InputError("exact-square population integrals have irrational kinks; use system 'ball' or 'float'",
                         "feature")
    head = cfg.head_values(theta)
    if system == "ball":
        head = tuple(v if isinstance(v, arb) else arb(v) for v in head)
    L, G, ties, pattern = _integrate_pieces(cfg, pieces, head, want_grad, power)
    om = cfg.weight(t) if weight is None else weight
    L = L * om
    G = [g * om for g in G]
    if system == "exact":
        L, G = fmpq(L), [fmpq(g) for g in G]
    elif system == "ball":
        L, G = _as_arb(L), [_as_arb(g) for g in G]
    return L, (_to_params(cfg, theta, G) if want_grad else ()), ties, pattern


def _as_arb(x):
    return x if isinstance(x, arb) else arb(x)


# ============================================================================================
# data batches: closed forms (3.7) and backpropagation


@functools.lru_cache(maxsize=64)
def _data_cache(N, feat, centre, R, closed, d, points):
    tmp = D0(d=d, N=N, feature=feat, centre=centre, radius=R, closed=closed)
    return tuple(tmp.r(x) for x in points), tuple(tmp.target(x) for x in points)


def _data(cfg: D0, X=None):
    pts = cfg.points() if X is None else _points(X)
    if not pts:
        raise InputError("the data set is empty", "batch.X")
    for k, x in enumerate(pts):
        cfg.check_point(x, f"X[{k}]")
    rs, ys = _data_cache(cfg.N, cfg.feature, cfg.centre, cfg.radius, cfg.closed, cfg.d, pts)
    return pts, rs, ys


def data_risk_grad(cfg: D0, theta, X=None, system: str = "exact") -> RiskGrad:
    """L_B = |B|^{-1} Σ (f_N(θ, x) − f°(x))² and its gradient by the closed forms of spec 3.7:
    ∂L/∂w = (2/|B|) Σ (f − y) α(g_1 − g_2) r, ∂L/∂c = (2/|B|) Σ (f − y) α(g_1 − g_2),
    ∂L/∂α = (2/|B|) Σ (f − y)(v_1 − v_2), ∂L/∂β = (2/|B|) Σ (f − y)  (ab head by the chain rule).
    B = ``X`` or the configuration's data/grid points.  Head ties are logged (and raise under
    'raise'); ball θ gives enclosures (σ'(U) ⊂ [0, 1] where undecided)."""
    pts, rs, ys = _data(cfg, X)
    if system == "ball":
        theta = tuple(v if isinstance(v, arb) else arb(v) for v in theta)
    elif system == "float":
        theta = tuple(_f(v) for v in theta)
    w, c, al, be = cfg.head_values(theta)
    relu0 = cfg.relu_grad_at_0
    layer = cfg.N + 3
    L = Gw = Gc = Ga = Gb = 0
    ties = []
    pattern = []
    for k, (r, y) in enumerate(zip(rs, ys)):
        if system == "float":
            r, y = _f(r), _f(y)
        u = w * r + c
        k1 = _kappa(u, relu0, (f"X[{k}]", layer, 0, False, True), ties)
        k2 = _kappa(u - 1, relu0, (f"X[{k}]", layer, 1, False, True), ties)
        v = relu(u) - relu(u - 1)
        e = al * v + be - y
        L = L + e * e
        kap = k1 - k2
        Gw, Gc = Gw + e * al * kap * r, Gc + e * al * kap
        Ga, Gb = Ga + e * v, Gb + e
        s0, s1 = _sgn(u), _sgn(u - 1)
        pattern.append("?" if s0 is None or s1 is None else ("0" if s0 < 0 else "1" if s1 > 0 else
                                                             "t" if s0 == 0 or s1 == 0 else "r"))
    n = len(pts)
    L = L / n
    G = [2 * g / n for g in (Gw, Gc, Ga, Gb)]
    if system == "exact":
        L, G = fmpq(L), [fmpq(g) for g in G]
    return RiskGrad(L, _to_params(cfg, theta, G), system, "data-closed-form", ties, "".join(pattern))


def data_ties(cfg: D0, theta, X=None) -> list[Tie]:
    """Every hidden pre-activation exactly 0 at the data points (exact θ), from the closed-form
    pre-activations; head ties are marked ``affects_gradient``."""
    pts, rs, _ = _data(cfg, X)
    out = []
    for k, x in enumerate(pts):
        if cfg.feature != "yarotsky":  # a fixed transformation: only the head has pre-activations
            w, c, _, _ = cfg.head_values(theta)
            layers = [[]] * (cfg.N + 2) + [[w * rs[k] + c, w * rs[k] + c - 1]]
        else:
            layers = cfg.preactivations(theta, x)
        for l, layer in enumerate(layers, start=1):
            for j, z in enumerate(layer):
                if z == 0:
                    out.append(Tie(f"X[{k}]", l, j, False, l == cfg.N + 3, cfg.relu_grad_at_0))
    return out


def data_risk_grad_backprop(cfg: D0, theta, X=None) -> RiskGrad:
    """The same L_B and gradient by backpropagation through `D0.network` (`DagNetwork.gradient`,
    an independent path): the head's two w-edges and two biases are summed into ∂/∂w and ∂/∂c."""
    pts, _, ys = _data(cfg, X)
    theta = tuple(theta)
    net = cfg.network(theta)
    relu0 = cfg.relu_grad_at_0
    if relu0 == "raise":
        for tie in data_ties(cfg, theta, pts):
            if tie.affects_gradient:
                raise ReluTie(tie)
    floaty = any(isinstance(v, float) for v in theta)
    data = [([_f(v) for v in x] if floaty else list(x), [_f(y) if floaty else y]) for x, y in zip(pts, ys)]
    k0 = 1 if relu0 == "1" else 0  # under 'raise' no head tie is left, and feature ties never reach θ
    total, g = net.gradient(data, relu_prime0=float(k0) if floaty else fmpq(k0), risk="mean")
    Lh = net.L  # weight layers; head = layer Lh − 1 (feature → head), output = layer Lh
    head_nodes = [net.node(Lh - 1, 0), net.node(Lh - 1, 1)]
    out_node = net.node(Lh, 0)
    Gw = g[net.edge_index(Lh - 1, 0, 0)] + g[net.edge_index(Lh - 1, 0, 1)]
    Gc = g[net.m + net.bias_of[head_nodes[0]]] + g[net.m + net.bias_of[head_nodes[1]]]
    Ga = g[net.edge_index(Lh, 0, 0)] - g[net.edge_index(Lh, 1, 0)]
    Gb = g[net.m + net.bias_of[out_node]]
    G = [2 * v for v in (Gw, Gc, Ga, Gb)]
    ties = data_ties(cfg, theta, pts) if not floaty else []
    return RiskGrad(2 * total, _to_params(cfg, theta, G), "float" if floaty else "exact", "data-backprop", ties, "")


# ============================================================================================
# the d = 1 closed form (spec 3.8)


@functools.lru_cache(maxsize=256)
def _fast_coefficients(cfg_key, t_index):
    d, N, feat, outer, centre, R, kind, m, normalize, norm = cfg_key
    if d != 1 or N < 1 or feat != "yarotsky" or outer or centre != (fmpq(0),) or R != HALF:
        return None
    if kind not in ("full", "cells"):
        return None
    h = fmpq(1, 2 ** N)
    rhoL, rhoR = fmpq(2 ** N, 2 ** N - 1), fmpq(2 ** N, 2 ** N + 1)
    halves = (((-HALF - h, -HALF), "R"), ((-HALF, -HALF + h), "L"), ((HALF - h, HALF), "L"), ((HALF, HALF + h), "R"))
    if kind == "full":
        lo, hi = fmpq(-1), fmpq(1)
    else:
        step = fmpq(2, 2 ** m)
        lo = -1 + t_index * step
        hi = lo + step
    nL = nR = 0
    for (p, q), side in halves:
        if lo <= p and q <= hi:
            if side == "L":
                nL += 1
            else:
                nR += 1
        elif q <= lo or p >= hi:
            continue
        else:
            return None  # the cell cuts a half-window: the loss is not of the form F(λ)/(3a)
    K = fmpq(1) if norm == "prob" else fmpq(2)
    om = K / 2 * (2 ** m if (kind == "cells" and normalize) else 1)
    return om * nR * rhoR, om * nL * rhoL


def _fast_key(cfg: D0):
    b = cfg.batch
    return (cfg.d, cfg.N, cfg.feature, cfg.train_outer, cfg.centre, cfg.radius, b.kind, b.m, b.normalize,
            cfg.measure_norm)


def closed_form_coefficients(cfg: D0, t: int = 0):
    """(A_t, B_t) with L_t = F_t(λ)/(3a), F_t(λ) = A_t λ³ + B_t (1 − λ)³ in the regime of 3.8, or
    None when the configuration has no such form (d ≠ 1, N = 0, another feature/target, α/β
    trained, data batches, or cells that cut the windows ±[1/2 ∓ 2^{−N}, 1/2])."""
    return _fast_coefficients(_fast_key(cfg), cfg.batch_index(t))


def regime_bounds(N: int) -> tuple[fmpq, fmpq]:
    """(δ_L, δ_R) = (2^{−N} − 2^{−2N}, 2^{−N} + 2^{−2N}): the regime is (1 − λ)/a ≤ δ_L, λ/a ≤ δ_R."""
    h = fmpq(1, 2 ** N)
    return h - h * h, h + h * h


def in_regime(cfg: D0, theta, t: int = 0) -> bool | None:
    """Is θ (every θ of a box) in the regime of 3.8?  True/False for exact and float θ; for balls
    True only when certified, None otherwise."""
    if closed_form_coefficients(cfg, t) is None:
        return False
    a, lam = cfg.a_lambda(tuple(fmpq(v) if isinstance(v, int) else v for v in theta))
    return _regime(a, lam, *regime_bounds(cfg.N))


def _regime(a, lam, dL, dR):
    if isinstance(a, arb) or isinstance(lam, arb):
        a, lam = _as_arb(a), _as_arb(lam)
        if not (a.lower() > 0):
            return None
        s = 1 / a
        ok = (lam.lower() >= 0 and lam.upper() <= 1 and (lam * s).upper() <= arb(dR).lower()
              and ((1 - lam) * s).upper() <= arb(dL).lower())
        return True if ok else None
    if isinstance(a, float) or isinstance(lam, float):
        dL, dR = _f(dL), _f(dR)
    return bool(a > 0 and 0 <= lam <= 1 and lam <= dR * a and 1 - lam <= dL * a)


def closed_form(cfg: D0, theta, t: int = 0) -> RiskGrad | None:
    """L_t and ∇L_t from 3.8 where the regime is certified for θ (every θ of a box), else None:
    'wc': ∂L/∂w = F'/(12a) + F/(3a²), ∂L/∂c = F'/(3a); 'ab': ∂L/∂a = (λF' − F)/(3a²), ∂L/∂b = F'/3."""
    co = closed_form_coefficients(cfg, t)
    if co is None or not in_regime(cfg, theta, t):
        return None
    theta = tuple(fmpq(v) if isinstance(v, int) else v for v in theta)
    a, lam = cfg.a_lambda(theta)
    A, B = (_const(v, a) for v in co) if not isinstance(a, arb) else co
    m = 1 - lam
    F = A * lam ** 3 + B * m ** 3
    F1 = 3 * (A * lam ** 2 - B * m ** 2)
    L = F / (3 * a)
    if cfg.head == "wc":
        G = (F1 / (12 * a) + F / (3 * a * a), F1 / (3 * a))
    else:
        G = ((lam * F1 - F) / (3 * a * a), F1 / 3)
    system = "ball" if isinstance(a, arb) else ("float" if isinstance(a, float) else "exact")
    return RiskGrad(L, G, system, "closed-form-3.8", [], "regime")


def error_closed_form(cfg: D0, theta, r: int | None = None):
    """e_r = (ρ_R λ^{r+1} + ρ_L (1 − λ)^{r+1})/((r + 1)a) in the regime (full domain, μ), else None."""
    r = cfg.error_r if r is None else r
    full = cfg.with_(batch=Batch.full(), measure_norm="prob")
    if closed_form_coefficients(full, 0) is None or not in_regime(full, theta, 0):
        return None
    a, lam = cfg.a_lambda(tuple(fmpq(v) if isinstance(v, int) else v for v in theta))
    h = 2 ** cfg.N
    rhoL, rhoR = fmpq(h, h - 1), fmpq(h, h + 1)
    if isinstance(a, float):
        rhoL, rhoR = _f(rhoL), _f(rhoR)
    return (rhoR * lam ** (r + 1) + rhoL * (1 - lam) ** (r + 1)) / ((r + 1) * a)


# ============================================================================================
# public dispatch


def risk_grad(cfg: D0, theta=None, t: int = 0, system: str = "exact", prec: int = 128,
              engine: str | None = None) -> RiskGrad:
    """L_t(θ) and ∇L_t(θ) for the batch of step t.

    ``system``: 'exact' (fmpq θ; exact rationals), 'ball' (θ a point or a box of `arb` balls;
    enclosures valid for every θ in the box, at ``prec`` bits) or 'float' (numpy; exploration).
    ``engine`` (population batches): None (ball: the 3.8 closed form where its regime is certified,
    else the piece engine; exact/float: the piece engine), 'pieces' or 'closed-form'.  Data/grid
    batches: the closed forms of 3.7 (`data_risk_grad_backprop` is the independent check).
    """
    theta = cfg.init if theta is None else tuple(theta)
    if len(theta) != len(cfg.param_names):
        raise InputError(f"θ has {len(theta)} entries, expected {cfg.param_names}", "theta")
    if system not in ("exact", "ball", "float"):
        raise InputError(f"system must be 'exact', 'ball' or 'float', got {system!r}", "system")
    if system == "exact":
        theta = tuple(_rat(v, f"theta[{k}]") for k, v in enumerate(theta))
    if cfg.batch.kind in ("data", "grid"):
        if system == "ball":
            with precision(prec):
                return data_risk_grad(cfg, theta, system="ball")
        return data_risk_grad(cfg, theta, system=system)
    if system == "float":
        L, G = risk_grad_float(cfg, np.array([[_f(v) for v in theta]]), t)
        return RiskGrad(float(L[0]), tuple(float(g) for g in G[0]), "float", "pieces-numpy")
    with precision(prec):
        if system == "ball":
            theta = tuple(v if isinstance(v, arb) else arb(v) for v in theta)
        if engine in (None, "closed-form") and (system == "ball" or engine == "closed-form"):
            rg = closed_form(cfg, theta, t)
            if rg is not None:
                return rg
            if engine == "closed-form":
                raise InputError("the 3.8 closed form does not apply here (configuration or regime)", "engine")
        L, G, ties, pattern = _population(cfg, theta, t, system)
        return RiskGrad(L, G, system, "pieces", [x.at(t) for x in ties], pattern)


def error(cfg: D0, theta, r: int | None = None, system: str = "exact", prec: int = 128):
    """e_r(θ) = ‖f_N(θ) − f°_N‖^r_{L^r(μ)} (d = 1; μ the uniform probability on [−1, 1)).
    Exact for rational θ, a ball (closed form where certified, else the piece engine), or float."""
    r = cfg.error_r if r is None else r
    if r not in (1, 2):
        raise InputError(f"r must be 1 or 2, got {r}", "error_r")
    full = cfg.with_(batch=Batch.full(), measure_norm="prob")
    if system == "float":
        return float(error_float(cfg, np.array([[_f(v) for v in theta]]), r)[0])
    with precision(prec):
        if system == "ball":
            theta = tuple(v if isinstance(v, arb) else arb(v) for v in theta)
            e = error_closed_form(cfg, theta, r)
            if e is not None:
                return e
        else:
            theta = tuple(_rat(v, f"theta[{k}]") for k, v in enumerate(theta))
        L, _, _, _ = _population(full, theta, 0, system, label="limit", power=r, want_grad=False)
        return L


def risk_grad_simpson(cfg: D0, theta, t: int = 0) -> tuple:
    """(L_t, ∇L_t) exactly, for re-verification: d = 1 population/cells batches, the 'yarotsky'
    feature (any N ≥ 0), α, β frozen, σ'(0) ∈ {0, 1}.  Independent of the piece engine
    (`pieces_1d`, `_integrate_pieces`): r_N comes from the spec's layer recursion
    (`D0.preactivations`); the interval is cut at the 2^{−N} grid, the target's knots and the head's
    crossings u ∈ {0, 1} solved cell by cell; on every sub-interval the integrands (f − f°)²,
    2(f − f°)·∂f/∂θ are polynomials of degree ≤ 2, so Simpson's rule is exact.  The gate
    ∂f/∂c = σ'(u) − σ'(u − 1) is 1{0 < u ≤ 1} (σ'(0) = 0) or 1{0 ≤ u < 1} (σ'(0) = 1), read at the
    sub-interval's midpoint (u is not constant at 0 or 1 on a sub-interval unless w = 0, where the
    midpoint value is the value everywhere)."""
    if cfg.d != 1 or cfg.feature != "yarotsky" or cfg.train_outer or cfg.batch.kind not in ("full", "cells") \
            or cfg.relu_grad_at_0 not in ("0", "1"):
        raise InputError("the independent quadrature covers d = 1, the yarotsky feature, α and β frozen, population "
                         "or cells batches and σ'(0) ∈ {0, 1}", "d0")
    if cfg.N > POPULATION_MAX_N:
        raise InputError(f"N = {cfg.N} exceeds the limit N <= {POPULATION_MAX_N} (verify.yoneda23.d0.POPULATION_MAX_N)", "N")
    theta = tuple(_rat(v, f"theta[{k}]") for k, v in enumerate(theta))
    w, c, _, _ = cfg.head_values(theta)
    r = lambda x: cfg.preactivations(theta, [x])[-2][0]  # noqa: E731
    lo, hi = cfg.interval(t)
    n = 2 ** cfg.N
    grid = [fmpq(k, n) for k in range(-n, n + 1)]
    cuts = {lo, hi} | {g for g in grid if lo < g < hi}
    cuts |= {k for k in (cfg.centre[0] - cfg.radius, cfg.centre[0] + cfg.radius) if lo < k < hi}
    for g0, g1 in zip(grid, grid[1:]):
        u0, u1 = w * r(g0) + c, w * r(g1) + c
        for level in (0, 1):
            if (u0 - level) * (u1 - level) < 0:
                x = g0 + (level - u0) * (g1 - g0) / (u1 - u0)
                if lo < x < hi:
                    cuts.add(x)
    cuts = sorted(cuts)
    gate = (lambda u: 0 < u <= 1) if cfg.relu_grad_at_0 == "0" else (lambda u: 0 <= u < 1)
    L = Gw = Gc = fmpq(0)
    for p, q in zip(cuts, cuts[1:]):
        m = (p + q) / 2
        y = cfg.target([m])
        xs = (p, m, q)
        rs = [r(x) for x in xs]
        es = [min(fmpq(1), max(fmpq(0), w * rx + c)) - y for rx in rs]
        simpson = lambda vals: (q - p) / 6 * (vals[0] + 4 * vals[1] + vals[2])  # noqa: E731
        L += simpson([e * e for e in es])
        if gate(w * rs[1] + c):
            Gw += simpson([2 * e * rx for e, rx in zip(es, rs)])
            Gc += simpson([2 * e for e in es])
    om = cfg.weight(t)
    L, Gw, Gc = L * om, Gw * om, Gc * om
    if cfg.head == "wc":
        return L, (Gw, Gc)
    a, b = theta
    return L, (-Gw + b * Gc, a * Gc)


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
