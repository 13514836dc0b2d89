"""The general 1-D engine (exact and ball) of the population and cells losses, d = 1 (spec 004 §2.2).

Ties (`ReluTie`, `Tie`, σ'(0) by ``relu_grad_at_0``), the result `RiskGrad` (L_t, ∇L_t, ties,
pattern), the exact partition of an x-interval into `Piece`s where r is a monotone polynomial and
the label is constant (`pieces_1d`), and the integrals over them: per piece the regions u ≤ 0,
ramp, u ≥ 1 cut at r^{-1}(clamp(t_k)), t_0 = −c/w, t_1 = (1 − c)/w; interval enclosure where the
w-ball contains 0 (soundness: see the package docstring).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field

from flint import arb, fmpq

from ...errors import InputError
from ...numbers import Undecided, ball_bounds, exact_number, to_json
from ...problems import poly_integral, poly_mul
from .config import D0
from .scalar import HALF, POPULATION_MAX_N, _sgn, relu


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
        L, G = exact_number(L), [exact_number(g) for g in G]
    elif system == "ball":
        L, G = _as_arb(L), [_as_arb(g) for g in G]
    return L, (_to_params(cfg, theta, G) if want_grad else ()), ties, pattern


def _as_arb(x):
    return x if isinstance(x, arb) else arb(x)
