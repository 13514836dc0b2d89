"""Fast balls: float64 midpoint–radius arrays with rigorous rounding-error bounds (layer 1).

The fourth number system of the design (after exact `fmpq`, Arb balls and the uncertified float
system of plots): a `FastBall` is a pair of numpy float64 arrays ``(mid, rad)``, ``rad ≥ 0``, and
stands for the real arrays x with |x_i − mid_i| ≤ rad_i for every i (``rad=None`` means 0: x = mid
exactly).  Every operation below returns a `FastBall` that contains every exact result of the
operation on members of its operands, so a chain of operations encloses the exact computation.
Midpoints are what numpy float64 computes anyway; the radii cost one more matrix product per
product (Rump's midpoint–radius method) and a few vector passes.

**How the radii are made rigorous.**  numpy offers no directed rounding, so every radius is an
*a-priori* bound evaluated in round-to-nearest and then inflated (`_upper`): if nonnegative
terms t_1..t_p are computed as floats t̂_j ≥ (1 − ρ)t_j − α and summed in any order, then
S = Σ t_j ≤ (Ŝ/(1 − u)^{p−1} + pα)/(1 − ρ), and ``fl(fl(Ŝ·c) + d)`` with
c ≥ k/((1 − ρ)(1 − u)^{p+1}) and d ≥ η/2 + (kpα/(1 − ρ) + e)/(1 − u) is ≥ k·S + e
(proofs_notes/fastball.md).  Matrix products use |fl(a·b) − a·b| ≤ γ_n |a|·|b| + nη for dot
products of length n in any summation order, with or without FMA (Higham, Thm 3.1 and §3.1 with
gradual underflow), γ_n = nu/(1 − nu).  Single rounded operations are directed with
``np.nextafter`` (only on small arrays: it is 25× slower than a multiplication).

**Assumptions** (u = 2⁻⁵³, η = 2⁻¹⁰⁷⁴):

* IEEE 754 binary64, round to nearest, gradual underflow: every +, −, × of numpy and of the BLAS
  returns fl(x) = x(1 + δ) + ε with |δ| ≤ u, |ε| ≤ η/2, and ε = 0 for + and −;
* the BLAS computes every entry of a matrix product as a sum of the n products in *some* order
  (any blocking, any number of threads, FMA or not) -- no Strassen-like algorithm, no extended
  or reduced intermediate precision.

`check_environment` tests what can be tested at run time (rounding to nearest with ties to even,
no flush-to-zero or denormals-are-zero in numpy's vector code and in the BLAS) once per process
before the first enclosure; a failure raises `EnvironmentUnsupported`, an `Undecided`, so callers
fall back to Arb.  Overflow gives ±inf or NaN, which `finite` detects before a result is used.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from flint import arb, fmpq

from .errors import InputError
from .numbers import Undecided, parse_number

U = fmpq(1, 2 ** 53)
ETA = fmpq(1, 2 ** 1074)
ETA_F = math.ldexp(1.0, -1074)


class EnvironmentUnsupported(Undecided):
    """This process's float64 arithmetic breaks an assumption of the fast-ball bounds."""


class Overflow(Undecided):
    """A fast-ball value left the float64 range (±inf or NaN); Arb has no such limit."""


# --------------------------------------------------------------------------------------------
# constants rounded upward, and the environment check


def float_up(q: fmpq) -> float:
    """The least float ≥ q (q ≥ 0 assumed small enough; +inf past the float64 range)."""
    try:
        f = float(q)
    except OverflowError:
        return math.inf
    if math.isfinite(f) and fmpq(*f.as_integer_ratio()) < q:
        f = math.nextafter(f, math.inf)
    return f


def float_down(q: fmpq) -> float:
    return -float_up(-q)


@functools.lru_cache(maxsize=1024)
def gamma(n: int) -> fmpq:
    """γ_n = nu/(1 − nu), the relative error bound of a length-n dot product."""
    if n * U >= fmpq(1, 2):
        raise InputError(f"dot products of length {n} are too long for the float64 error bound", "network")
    return n * U / (1 - n * U)


@functools.lru_cache(maxsize=1024)
def _gamma_up(n: int) -> float:
    return float_up(gamma(n))


_ENV_OK: str | None = None


def check_environment() -> None:
    """Test, once per process, the float64 behaviour the bounds assume: round to nearest with
    ties to even (1 + u = 1, 1 + 1.5u = 1 + 2u, −1 − 1.5u = −1 − 2u), gradual underflow in numpy's
    vector code and in the BLAS (2⁻¹⁰²²·½ = 2⁻¹⁰²³, 2⁻¹⁰⁷⁴·2 = 2⁻¹⁰⁷³), and a BLAS product that
    stays within the a-priori bound on a matrix whose exact product is known.  Raises
    `EnvironmentUnsupported` naming what failed."""
    global _ENV_OK
    if _ENV_OK == "ok":
        return
    u = 2.0 ** -53
    one = np.ones(64)
    failed = []
    if not (one + u == 1).all() or not (one + 1.5 * u == 1 + 2 * u).all() or not (-one - 1.5 * u == -1 - 2 * u).all():
        failed.append("round to nearest with ties to even")
    tiny = np.full(64, 2.0 ** -1022)
    if not (tiny * 0.5 == 2.0 ** -1023).all() or not (np.full(64, ETA_F) * 2.0 == 2.0 ** -1073).all():
        failed.append("gradual underflow (flush-to-zero or denormals-are-zero is on)")
    A = np.full((64, 64), 2.0 ** -1022)
    B = np.full((64, 64), 0.5)
    if not (A @ B == 32 * 2.0 ** -1022).all() or not ((A * 0.25) @ np.eye(64) == 2.0 ** -1024).all():
        failed.append("gradual underflow in the BLAS")
    big = np.full((384, 384), 2.0 ** -1030)  # large enough for the BLAS's threaded kernels
    if not (big @ np.full((384, 384), 2.0 ** -20) == 384 * 2.0 ** -1050).all():
        failed.append("gradual underflow in the threaded BLAS")
    rng = np.random.default_rng(12345)
    M = rng.integers(-2 ** 20, 2 ** 20, size=(48, 48)).astype(np.float64)
    if not (M @ M == np.array([[sum(int(a) * int(b) for a, b in zip(r, c)) for c in M.T] for r in M],
                              dtype=np.float64)).all():
        failed.append("exact integer matrix products in the BLAS")  # sums < 2^53 must be exact
    if failed:
        _ENV_OK = "; ".join(failed)
        raise EnvironmentUnsupported(f"fast-ball arithmetic is off in this process: {_ENV_OK}")
    _ENV_OK = "ok"


def _upper_consts(p: int, rho: fmpq, alpha: fmpq, k: fmpq = fmpq(1), e: fmpq = fmpq(0)) -> tuple[float, float]:
    """Floats (c, d) for `_upper` (module doc): an upper bound of k·S + e from the float sum of p
    nonnegative computed terms t̂_j ≥ (1 − ρ)t_j − α whose exact sum is S."""
    c = k / ((1 - rho) * (1 - U) ** (p + 1))
    d = ETA / 2 + (k * p * alpha / (1 - rho) + e) / (1 - U)
    return float_up(c), float_up(d)


@functools.lru_cache(maxsize=4096)
def _consts(op: str, p: int, n: int = 1) -> tuple[float, float]:
    """The (c, d) of each operation (see its docstring for ρ, α, e), cached by (op, p, n)."""
    if op == "matmul":  # γ_n of the product and ≤ 3 roundings in the prepared factor; underflow nη
        return _upper_consts(p, 1 - (1 - gamma(n)) * (1 - U) ** 3, n * ETA, e=2 * n * ETA)
    if op == "add":
        return _upper_consts(p, U, ETA / 2)
    if op == "mul":
        return _upper_consts(p, 1 - (1 - U) ** 2, ETA / 2, e=ETA)
    if op == "total":
        return _upper_consts(p, 1 - (1 - gamma(n)) * (1 - U), ETA / 2)
    if op == "sumsq":  # a dot product of length n of a vector with itself
        return _upper_consts(p, gamma(n), n * ETA)
    raise ValueError(op)


def _upper(S_hat, consts: tuple[float, float]):
    """fl(fl(Ŝ·c) + d): with (c, d) from `_consts`, an upper bound of the exact radius."""
    c, d = consts
    if isinstance(S_hat, np.ndarray) and S_hat.ndim:  # the callers' sums are fresh arrays: reuse them
        S_hat *= c
        S_hat += d
        return S_hat
    return S_hat * c + d


# --------------------------------------------------------------------------------------------
# the ball arrays


@dataclass
class FastBall:
    """mid ± rad entrywise; ``rad=None`` means exact.  ``nonneg`` records that ``mid ≥ 0`` (ReLU
    outputs), which saves an absolute value in products."""

    mid: np.ndarray
    rad: np.ndarray | None = None
    nonneg: bool = False

    @property
    def shape(self):
        return self.mid.shape

    @property
    def T(self) -> "FastBall":
        return FastBall(self.mid.T, None if self.rad is None else self.rad.T, self.nonneg)

    def __getitem__(self, idx) -> "FastBall":
        return FastBall(self.mid[idx], None if self.rad is None else self.rad[idx], self.nonneg)

    def absmid(self) -> np.ndarray:
        return self.mid if self.nonneg else np.abs(self.mid)

    def amax(self) -> float:
        """max |mid| (exact: a maximum of floats)."""
        return float(np.max(self.absmid())) if self.mid.size else 0.0

    def finite(self) -> "FastBall":
        """``self``, after raising `Overflow` if any midpoint or radius is ±inf or NaN (a sum
        over the arrays is finite only if every entry is; an overflowing sum is a false alarm
        that only sends the caller to Arb)."""
        if not math.isfinite(float(np.sum(self.mid))) or (self.rad is not None and not math.isfinite(
                float(np.sum(self.rad)))):
            raise Overflow("a fast-ball value left the float64 range")
        return self

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) float arrays with lo ≤ x ≤ hi for every member x (rounded outward; a bound
        may round out to ±inf next to the float64 limits); raises `Overflow` if a midpoint or
        radius left the float64 range."""
        self.finite()
        if self.rad is None:
            return self.mid.copy(), self.mid.copy()
        return np.nextafter(self.mid - self.rad, -np.inf), np.nextafter(self.mid + self.rad, np.inf)

    def to_arb(self) -> list:
        """The entries (flattened, C order) as `arb` balls; exact conversion of the dyadic mid
        and radius; raises `Overflow` if a value left the float64 range."""
        self.finite()
        mids = self.mid.ravel().tolist()
        if self.rad is None:
            return [arb(m) for m in mids]
        return [arb(m, r) for m, r in zip(mids, self.rad.ravel().tolist())]

    def contains(self, values) -> bool:
        """Whether every exact number in ``values`` (flattened like ``mid``) lies in its ball --
        decided with rationals (for tests and re-checks)."""
        mids = self.mid.ravel().tolist()
        rads = [0.0] * len(mids) if self.rad is None else self.rad.ravel().tolist()
        vals = list(values)
        if len(vals) != len(mids):
            raise ValueError(f"{len(vals)} values for {len(mids)} balls")
        for v, m, r in zip(vals, mids, rads):
            q = parse_number(v)
            if not isinstance(q, fmpq):
                raise ValueError("contains takes exact values")
            if abs(q - fmpq(*m.as_integer_ratio())) > fmpq(*r.as_integer_ratio()):
                return False
        return True


def exact(a) -> FastBall:
    """A float array (any real dtype that float64 holds exactly) as an exact ball."""
    return FastBall(np.asarray(a, dtype=np.float64))


def from_numbers(values, shape) -> FastBall:
    """Balls around exact numbers (`fmpq`, ints, Python floats, `arb` balls), C order: the nearest
    float and a radius bounding the distance exactly; raises `Overflow` past the float64 range."""
    mids, rads, any_rad = [], [], False
    for v in values:
        if isinstance(v, float):
            if not math.isfinite(v):
                raise InputError(f"{v!r} is not a finite number", "network")
            mids.append(v)
            rads.append(0.0)
            continue
        if isinstance(v, arb):
            lo, hi = _arb_bounds(v)
            try:
                m = float((lo + hi) / 2)
                if not (math.isfinite(m) and math.isfinite(float(lo)) and math.isfinite(float(hi))):
                    raise OverflowError
            except OverflowError:
                raise Overflow("a ball exceeds the float64 range") from None
            mq = fmpq(*m.as_integer_ratio())
            mids.append(m)
            r = float_up(max(hi - mq, mq - lo))
            rads.append(r)
            any_rad = any_rad or r > 0
            continue
        q = v if isinstance(v, fmpq) else fmpq(v)
        try:
            m = float(q)
        except OverflowError:
            raise Overflow("a value exceeds the float64 range") from None
        if not math.isfinite(m):
            raise Overflow("a value exceeds the float64 range")
        mq = fmpq(*m.as_integer_ratio())
        mids.append(m)
        if mq == q:
            rads.append(0.0)
        else:
            rads.append(float_up(abs(q - mq)))
            any_rad = True
    mid = np.array(mids, dtype=np.float64).reshape(shape)
    return FastBall(mid, np.array(rads, dtype=np.float64).reshape(shape) if any_rad else None)


def _arb_bounds(x: arb) -> tuple[fmpq, fmpq]:
    from .numbers import ball_bounds

    b = ball_bounds(x)
    if b is None:
        raise Overflow("a ball parameter is not finite")
    return b


def scalar(q) -> FastBall:
    """A 0-d ball around the exact number ``q``."""
    return from_numbers([parse_number(q)], ())


# --------------------------------------------------------------------------------------------
# operations


def matmul(A: FastBall, B: FastBall, bias: FastBall | None = None) -> FastBall:
    """Encloses {a·b (+ β) : a ∈ A, b ∈ B (, β ∈ bias)} for matrices A (N × n), B (n × k) and a
    bias row vector of length k.  mid = fl(M_A M_B (+ m_β)) and (Rump) the radius bounds

        (R_A + γ|M_A|)|M_B| + (|M_A| + R_A)R_B + (R_β + u|m_β|) + 2nη,   γ = γ_{n+1} with a bias,

    where γ|M_A||M_B| + nη bounds the rounding of the float product (any summation order) and
    u(|M_A||M_B|(1 + γ_n) + |m_β|) + unη that of the bias addition.  The entrywise factors are
    formed on the smaller operand (the other grouping |M_A|(R_B + γ|M_B|) + R_A(|M_B| + R_B) when
    B is the smaller), each ≥ its exact value after its ≤ 3 roundings because η is added (no
    underflow term survives); one extra matrix product when one operand is exact."""
    n = A.shape[-1]
    if A.mid.ndim != 2 or B.mid.ndim != 2 or B.shape[0] != n:
        raise ValueError(f"matmul of shapes {A.shape} and {B.shape}")
    g = _gamma_up(n + 1 if bias is not None else n)
    mid = A.mid @ B.mid
    if bias is not None:
        mid += bias.mid
    absA, absB = A.absmid(), B.absmid()
    prep_a = A.rad is not None if (A.rad is None) != (B.rad is None) else A.mid.size <= B.mid.size
    if prep_a:  # (R_A + γ|M_A| + η)|M_B| + (|M_A| + R_A)R_B
        terms = [_factor(A, absA, g, reuse=B.rad is None) @ absB]
        if B.rad is not None:
            terms.append((absA + A.rad if A.rad is not None else absA) @ B.rad)
    else:  # |M_A|(R_B + γ|M_B| + η) + R_A(|M_B| + R_B)
        terms = [absA @ _factor(B, absB, g, reuse=A.rad is None)]
        if A.rad is not None:
            terms.append(A.rad @ (absB + B.rad if B.rad is not None else absB))
    if bias is not None:
        terms.append(_bias_term(bias))
    S = terms[0]
    for t in terms[1:]:
        S = S + t
    rad = _upper(S, _consts("matmul", len(terms), n))
    return FastBall(mid, rad)  # checked where it matters: relu, bounds, to_arb


def _factor(X: FastBall, absX: np.ndarray, g: float, reuse: bool) -> np.ndarray:
    """fl(fl(fl(g|M_X|) + R_X) + η) ≥ (1 − u)³(R_X + γ|M_X|) (`matmul`); ``reuse``: |M_X| is a
    scratch array the caller no longer needs (never ``X.mid`` itself)."""
    P = np.multiply(absX, g, out=absX) if reuse and absX is not X.mid else absX * g
    if X.rad is not None:
        P += X.rad
    P += ETA_F
    return P


def _bias_term(bias: FastBall) -> np.ndarray:
    """A float vector ≥ R_β + u|m_β| computed with ≤ 2 roundings of nonnegative terms (the
    (1 − u)² of ρ in `matmul` covers it): u|m_β| is exact or underflows by ≤ η/2 (in α)."""
    t = np.abs(bias.mid) * 2.0 ** -53
    if bias.rad is not None:
        t += bias.rad
    return t


def add(A: FastBall, B: FastBall, sign: int = 1) -> FastBall:
    """Encloses A + B (``sign`` = −1: A − B), broadcasting.  mid = fl(M_A ± M_B); radius
    R_A + R_B + u|mid|/(1 − u)."""
    mid = A.mid + B.mid if sign > 0 else A.mid - B.mid
    t = np.abs(mid) * 2.0 ** -53  # ≥ (1 − u)·u|mid|/(1 − u) − η/2
    p = 1
    for r in (A.rad, B.rad):
        if r is not None:
            t = t + r
            p += 1
    return FastBall(mid, _upper(t, _consts("add", p))).finite()


def sub(A: FastBall, B: FastBall) -> FastBall:
    return add(A, B, -1)


def mul(A: FastBall, B: FastBall) -> FastBall:
    """Encloses A ⊙ B entrywise (broadcasting).  mid = fl(M_A M_B); radius
    |M_A|R_B + R_A(|M_B| + R_B) + (u|mid| + η/2)/(1 − u)."""
    mid = A.mid * B.mid
    t = np.abs(mid) * 2.0 ** -53
    p = 1
    if B.rad is not None:
        t = t + A.absmid() * B.rad
        p += 1
    if A.rad is not None:
        t = t + A.rad * (B.absmid() + B.rad if B.rad is not None else B.absmid())
        p += 1
    return FastBall(mid, _upper(t, _consts("mul", p))).finite()


def total(A: FastBall, axis=None) -> FastBall:
    """Encloses Σ A along ``axis`` (all entries by default).  mid = fl(Σ M) in numpy's pairwise
    order; radius Σ R + γ_n Σ|M|, n the number of summands."""
    n = A.mid.size if axis is None else A.mid.shape[axis]
    mid = np.sum(A.mid, axis=axis)
    t = np.sum(A.absmid(), axis=axis) * _gamma_up(max(n, 1))  # ≥ (1 − γ)(1 − u)·γΣ|M| − η/2
    p = 1
    if A.rad is not None:
        t = t + np.sum(A.rad, axis=axis)  # ≥ (1 − γ)ΣR
        p += 1
    return FastBall(np.asarray(mid), np.asarray(_upper(t, _consts("total", p, max(n, 1))))).finite()


# --------------------------------------------------------------------------------------------
# ReLU and its derivative convention


@dataclass
class Pattern:
    """Where a pre-activation ball Z is certainly positive (``pos``), and the indices of the
    balls that meet 0 (``touch``: |mid| ≤ rad) with their outward-rounded bounds."""

    pos: np.ndarray
    touch: tuple
    lo: np.ndarray
    hi: np.ndarray
    before: np.ndarray  # max(mid, 0) at ``touch``, before the hull replaced it

def _midrad(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A ball containing [lo, hi] (small arrays: one `nextafter` per entry)."""
    m = 0.5 * lo + 0.5 * hi
    r = np.maximum(np.nextafter(hi - m, np.inf), np.nextafter(m - lo, np.inf))
    return m, np.maximum(r, 0.0)


def relu(Z: FastBall, consume: bool = False) -> tuple[FastBall, Pattern]:
    """Encloses max(z, 0) entrywise.  A ball with |mid| > rad keeps its sign over the whole ball
    (mid > 0: the identity; mid < 0: 0); a ball meeting 0 becomes a ball around
    [max(lo, 0), max(hi, 0)].  Raises `Overflow` on a non-finite input (ReLU would hide a −inf).
    ``consume``: ``Z`` is a temporary whose arrays may be overwritten (saves two allocations)."""
    Z.finite()
    m = Z.mid
    pos = m > 0
    if Z.rad is None:
        touch = np.nonzero(m == 0)
        return FastBall(np.maximum(m, 0.0, out=m if consume else None), None, True), Pattern(
            pos, touch, m[touch], m[touch], np.zeros(len(touch[0])))
    meets = np.abs(m) <= Z.rad
    touch, lo, hi = (), _EMPTY, _EMPTY
    if meets.any():
        touch = np.nonzero(meets)
        lo = np.nextafter(m[touch] - Z.rad[touch], -np.inf)
        hi = np.nextafter(m[touch] + Z.rad[touch], np.inf)
    before = np.maximum(m[touch], 0.0) if len(touch) else _EMPTY
    hm = np.maximum(m, 0.0, out=m if consume else None)
    hr = np.multiply(Z.rad, pos, out=Z.rad if consume else None)
    if len(touch):
        hm[touch], hr[touch] = _midrad(np.maximum(lo, 0.0), np.maximum(hi, 0.0))
    return FastBall(hm, hr, True), Pattern(pos, touch, lo, hi, before)


_EMPTY = np.zeros(0)


def relu_backward(P: FastBall, pat: Pattern, relu_prime0: float | fmpq = 0, consume: bool = False) -> FastBall:
    """Encloses P ⊙ κ(Z) for the pattern of Z: κ = 1 where Z > 0, 0 where Z < 0, and on a ball
    meeting 0 the hull over its possible values {0 (if lo < 0), 1 (if hi > 0), ReLU′(0) (if the
    ball holds 0)} -- the hull of both branches.  ``consume`` as in `relu`."""
    touched = bool(pat.lo.size)
    if touched:
        pm = P.mid[pat.touch]
        pr = np.zeros_like(pm) if P.rad is None else P.rad[pat.touch]
    # ±inf and NaN propagate (inf·0 = NaN)
    mid = np.multiply(P.mid, pat.pos, out=P.mid if consume else None)
    rad = None if P.rad is None else np.multiply(P.rad, pat.pos, out=P.rad if consume else None)
    if not touched:
        return FastBall(mid, rad)
    k0 = from_numbers([relu_prime0], ())
    plo, phi = np.nextafter(pm - pr, -np.inf), np.nextafter(pm + pr, np.inf)
    # κ ∈ [klo, khi] ⊇ the possible values; P·κ ⊆ hull{P·klo, P·khi} (linear in κ)
    klo = np.minimum(np.where(pat.lo < 0, 0.0, 1.0), k0.mid)
    khi = np.maximum(np.where(pat.hi > 0, 1.0, 0.0), k0.mid)
    if k0.rad is not None:  # ReLU′(0) not a float: widen the κ bounds outward
        klo = np.minimum(klo, np.nextafter(k0.mid - k0.rad, -np.inf))
        khi = np.maximum(khi, np.nextafter(k0.mid + k0.rad, np.inf))
    cands = [np.nextafter(a * b, s) for a in (plo, phi) for b in (klo, khi) for s in (-np.inf, np.inf)]
    lo = np.minimum.reduce(cands[0::2])
    hi = np.maximum.reduce(cands[1::2])
    if rad is None:
        rad = np.zeros_like(mid)
    mid[pat.touch], rad[pat.touch] = _midrad(lo, hi)
    return FastBall(mid, rad).finite()


# --------------------------------------------------------------------------------------------
# norm-wise bounds: against the wrapping effect of deep networks


def row_norms(M: np.ndarray) -> np.ndarray:
    """Per row n, a float ≥ ‖M(n)‖₂ for the float matrix M: the row's dot product with itself is
    ≥ (1 − γ_h)Σ − hη in any order, inflated by `_upper`, then a correctly rounded square root
    pushed up one step."""
    h = M.shape[1]
    s = np.einsum("ij,ij->i", M, M)
    return np.nextafter(np.sqrt(_upper(s, _consts("sumsq", 1, h))), np.inf)


def _max_up(x: np.ndarray) -> float:
    return float(np.max(x)) if x.size else 0.0


def _root_up(s: float, k: int) -> float:
    """A float r with r^k ≥ s (s ≥ 0), decided in rationals."""
    if not math.isfinite(s):
        return math.inf
    r = s ** (1.0 / k)
    q = fmpq(*s.as_integer_ratio())
    while fmpq(*r.as_integer_ratio()) ** k < q:
        r = math.nextafter(r, math.inf)
    return r


def _abs_sums_up(W: FastBall, axis: int) -> np.ndarray:
    """Floats ≥ Σ (|M_W| + R_W) along ``axis``: the hi bound of the enclosure of the sum."""
    terms = exact(np.abs(W.mid)) if W.rad is None else add(exact(np.abs(W.mid)), exact(W.rad))
    return total(terms, axis=axis).bounds()[1]


def spectral_bound(W: FastBall) -> float:
    """A float ≥ ‖W‖₂ for every member W of the ball: with M = WᵀW (or WWᵀ, the smaller),
    ‖W‖₂² = ρ(M) and ρ(M)⁴ = ρ(M⁴) ≤ ‖M⁴‖_∞, bounded from the fast-ball enclosure of M⁴
    (which contains (WᵀW)⁴ for every member)."""
    M = matmul(W.T, W) if W.shape[1] <= W.shape[0] else matmul(W, W.T)
    M2 = matmul(M, M)
    M4 = matmul(M2, M2)
    return _root_up(_max_up(_abs_sums_up(M4, 1)), 8)


def abs_spectral_bound(W: FastBall) -> float:
    """A float ≥ ‖|M_W| + R_W‖₂ ≤ √(‖·‖₁‖·‖_∞) (the largest column and row sums)."""
    s = _max_up(_abs_sums_up(W, 0))
    t = _max_up(_abs_sums_up(W, 1))
    return _root_up(float_up(fmpq(*s.as_integer_ratio()) * fmpq(*t.as_integer_ratio())), 2) if math.isfinite(
        s * t) else math.inf


def frobenius_bound(R: np.ndarray | None) -> float:
    """A float ≥ ‖R‖_F (0 for None)."""
    if R is None or not R.size:
        return 0.0
    return float(row_norms(R.reshape(1, -1))[0])


def clip_rows(A: FastBall, e: np.ndarray) -> FastBall:
    """``A`` with every radius R(n, i) replaced by min(R(n, i), e(n)), where e(n) ≥ ‖x(n) − M(n)‖₂
    for every member: both bound |x(n, i) − M(n, i)|."""
    if A.rad is None:
        return A
    return FastBall(A.mid, np.minimum(A.rad, e[:, None]), A.nonneg)


def norm_combination(terms: list) -> np.ndarray:
    """A float array ≥ Σ_j a_j·b_j for nonnegative floats or float arrays (a_j, b_j)."""
    S = None
    for a, b in terms:
        t = np.multiply(a, b, dtype=np.float64)
        S = t if S is None else S + t
    return _upper(np.atleast_1d(np.asarray(S, dtype=np.float64)).copy(), _consts("mul", len(terms)))
