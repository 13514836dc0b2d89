"""Number systems, exact parsing, certified signs and exact serialization (layer 1).

Two certified systems share the numerical code of the upper layers, the way mpmath's ``mp`` and
``iv`` contexts share one codebase:

* ``EXACT`` -- `flint.fmpq` rationals; every operation is exact, every comparison decides.
* ``BallContext(prec)`` -- `flint.arb` midpoint-radius balls at ``prec`` bits; every operation
  returns a ball that contains the exact result; a comparison decides only when the balls
  separate, otherwise it is *undecided* (``None``).

Floats never decide anything here.  A sign is certified by converting the ball's exact endpoints
``mid ± rad`` (a dyadic number and a dyadic radius) to `fmpq` and comparing rationals.
"""

from __future__ import annotations

import contextlib
import copyreg
import math
import re
import sys
from decimal import Decimal
from fractions import Fraction
from dataclasses import dataclass
from typing import Iterator, Union

import flint
from flint import arb, fmpq, fmpz

from .errors import InputError

Number = Union[fmpq, arb]

_RATIONAL = re.compile(r"^\s*([+-]?\d+)\s*(?:/\s*(\d+))?\s*$")
_DECIMAL = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")
_BALL = re.compile(r"^\s*\[(.*)\]\s*$")
MAX_DIGITS = 100_000  # longest integer or decimal accepted in an instance (flint parses it in quasi-linear time)


# --------------------------------------------------------------------------------------------
# parsing


def parse_number(value, where: str = "number") -> Number:
    """Parse one number of an instance file, exactly.

    Accepted: a JSON integer; a bare JSON float (taken as the exact binary value it denotes);
    strings ``"p/q"``, decimals ``"0.1"`` (exactly 1/10, scientific notation allowed),
    ``float.hex`` strings (``"0x1.8p-3"``); and balls in Arb notation ``"[mid +/- rad]"``
    (returned as `arb`).  From Python code also: `fmpq`/`fmpz`, `fractions.Fraction` and
    `decimal.Decimal` (their exact value), Python floats (their exact binary value), and numpy
    scalars and 0-d arrays: ``np.floating`` of any width (float16, float32, float64, longdouble,
    and ml_dtypes' bfloat16/float8) is the exact rational of its binary value -- float32 0.1 is
    13421773/134217728, not 1/10 -- and ``np.integer`` its integer.  NaN, infinities, booleans
    (``np.bool_`` too), complex numbers, arrays of dimension ≥ 1 and anything else raise
    `InputError`.
    """
    np = sys.modules.get("numpy")  # a numpy value exists only if numpy was imported
    if np is not None and isinstance(value, (np.generic, np.ndarray)):
        return _parse_numpy(value, where, np)
    if isinstance(value, bool):
        raise InputError(f"expected a number, got {value!r}", where)
    if isinstance(value, int):
        return fmpq(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{value!r} is not a finite number", where)
        p, q = value.as_integer_ratio()
        return fmpq(p, q)
    if is_cell(value):  # a verify.cells.Cell (region rung): exact already
        return value
    if isinstance(value, (fmpq, fmpz)):
        return fmpq(value)
    if isinstance(value, Fraction):
        return fmpq(value.numerator, value.denominator)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"{value} is not a finite number", where)
        p, q = value.as_integer_ratio()
        return fmpq(p, q)
    if isinstance(value, arb):
        if not value.is_finite():
            raise InputError(f"{value} is not a finite ball", where)
        return value
    if not isinstance(value, str):
        raise InputError(f"expected a number (integer or string), got {type(value).__name__}", where)
    text = value.strip()
    if len(text) > MAX_DIGITS + 64:
        raise InputError(f"a number of {len(text)} characters exceeds the limit of {MAX_DIGITS} digits", where)
    m = _RATIONAL.match(text)
    if m:
        den = _integer(m.group(2)) if m.group(2) is not None else 1
        if den == 0:
            raise InputError(f"zero denominator in {_abbrev(value)!r}", where)
        return fmpq(_integer(m.group(1)), den)
    m = _DECIMAL.match(text)
    if m and (m.group(2) or m.group(3)):
        sign, whole, frac, exp = m.groups()
        frac = frac or ""
        digits = _integer((whole or "0") + frac)
        e = int(exp or 0) - len(frac)
        if abs(e) > 100000:
            raise InputError(f"exponent too large in {value!r}", where)
        q = fmpq(digits) * (fmpq(10) ** e if e >= 0 else fmpq(1, 10 ** (-e)))
        return -q if sign == "-" else q
    if text.lower().lstrip("+-").startswith("0x"):
        try:
            f = float.fromhex(text)
        except ValueError:
            raise InputError(f"malformed float.hex string {value!r}", where) from None
        return parse_number(f, where)
    m = _BALL.match(text)
    if m:
        try:
            with precision(max(flint.ctx.prec, 256)):
                ball = arb(m.group(1).replace("+/-", "+/-"))
        except (ValueError, TypeError):
            raise InputError(f"malformed ball {value!r} (expected '[mid +/- rad]')", where) from None
        if not ball.is_finite():
            raise InputError(f"{value!r} is not a finite ball", where)
        return ball
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise InputError(f"{value!r} is not a finite number", where)
    raise InputError(f"cannot read {_abbrev(value)!r} as a number (use 'p/q', a decimal, float.hex or '[mid +/- rad]')", where)


_SMALL_FLOATS = ("bfloat16", "float8", "float6", "float4")  # ml_dtypes formats, all exact in float32


def _parse_numpy(value, where: str, np) -> Number:
    """`parse_number` of a numpy scalar or 0-d array (see there), exactly."""
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise InputError(f"expected a number, got an array of shape {tuple(value.shape)}", where)
        value = value[()]
        if not isinstance(value, np.generic):  # a 0-d object array holds any Python value
            return parse_number(value, where)
    if isinstance(value, np.bool_):
        raise InputError(f"expected a number, got the boolean {bool(value)!r}", where)
    if isinstance(value, np.integer):
        return fmpq(int(value))
    if isinstance(value, np.str_):
        return parse_number(str(value), where)
    if value.dtype.kind == "V" and value.dtype.name.startswith(_SMALL_FLOATS):
        value = np.float32(value)  # exact: these formats are subsets of float32
    if isinstance(value, np.floating):
        if not np.isfinite(value):
            raise InputError(f"{float(value)!r} ({value.dtype.name}) is not a finite number", where)
        p, q = value.as_integer_ratio()  # exact for every width, longdouble included
        return fmpq(p, q)
    raise InputError(f"expected a real number, got numpy {value.dtype.name}", where)


def parse_array(value, where: str = "array", ndim: int | None = None) -> tuple[tuple[int, ...], list]:
    """An array of numbers, exactly: ``(shape, entries)`` with the entries in row-major order, each
    the exact number `parse_number` gives (numpy arrays of any real dtype, including float16/32/64,
    longdouble and bfloat16, or nested lists/tuples of anything `parse_number` accepts).  ``ndim``
    (if given) is the required number of dimensions.  A bad entry is an `InputError` naming it as
    ``where[i][j]``; a ragged nested list, a boolean or complex array, or the wrong ``ndim`` one
    naming ``where``."""
    import numpy as np

    if not isinstance(value, np.ndarray):
        if not isinstance(value, (list, tuple)) and ndim:
            raise InputError(f"expected a {ndim}-D array, got {type(value).__name__}", where)
        shape = _nested_shape(value, where)
        arr = None
    else:
        arr, shape = value, tuple(value.shape)
    if ndim is not None and len(shape) != ndim:
        raise InputError(f"expected a {ndim}-D array, got shape {shape}", where)
    if arr is None:
        flat = _flatten(value, len(shape))
        return shape, [parse_number(x, where + "".join(f"[{i}]" for i in _index(k, shape)))
                       for k, x in enumerate(flat)]
    kind = arr.dtype.kind
    if kind == "V" and arr.dtype.name.startswith(_SMALL_FLOATS):
        arr, kind = arr.astype(np.float32), "f"  # exact
    if kind == "b" or kind == "c" or kind not in "fiuOU":
        raise InputError(f"expected an array of real numbers, got dtype {arr.dtype.name}", where)
    if kind == "f":
        bad = np.flatnonzero(~np.isfinite(arr.reshape(-1)))
        if bad.size:
            k = int(bad[0])
            x = arr.reshape(-1)[k]
            raise InputError(f"{float(x)!r} is not a finite number",
                             where + "".join(f"[{i}]" for i in _index(k, shape)))
        if arr.dtype.itemsize <= 8:  # float16/32/64: Python floats are these values exactly
            return shape, [fmpq(*x.as_integer_ratio()) for x in arr.reshape(-1).tolist()]
        return shape, [fmpq(*x.as_integer_ratio()) for x in arr.reshape(-1)]
    if kind in "iu":
        return shape, [fmpq(int(x)) for x in arr.reshape(-1).tolist()]
    return shape, [parse_number(x, where + "".join(f"[{i}]" for i in _index(k, shape)))
                   for k, x in enumerate(arr.reshape(-1).tolist())]


def _nested_shape(value, where: str) -> tuple[int, ...]:
    """The shape of a rectangular nested list; `InputError` if it is ragged."""
    if not isinstance(value, (list, tuple)):
        return ()
    if not value:
        return (0,)
    subs = [_nested_shape(v, f"{where}[{k}]") for k, v in enumerate(value)]
    for k, s in enumerate(subs):
        if s != subs[0]:
            raise InputError(f"ragged array: entry {k} has shape {s}, entry 0 has {subs[0]}", where)
    return (len(value),) + subs[0]


def _flatten(value, depth: int) -> list:
    if depth == 0:
        return [value]
    return [x for v in value for x in _flatten(v, depth - 1)]


def _index(k: int, shape) -> tuple[int, ...]:
    """The multi-index of the row-major position k in an array of ``shape``."""
    out = []
    for n in reversed(shape):
        k, i = divmod(k, n)
        out.append(i)
    return tuple(reversed(out))


def exact_entries(values, where: str, floats: bool = True, name=None):
    """The parameters of a network built from Python, as a tuple: a numpy array (any shape,
    row-major) or numpy scalars, Python floats, `Fraction`/`Decimal` become the exact rationals
    they denote (`parse_number`); `fmpq`, integers, `arb` balls and anything else are kept as
    given (they are number systems of their own).  ``floats=False`` keeps Python floats too (only
    numpy values are converted).  Returns ``values`` itself when nothing needs converting.  An
    entry is named ``where[k]`` in an error, or ``name(k)`` when ``name`` is given."""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(values, np.ndarray):
        return tuple(parse_array(values, where)[1])
    kinds = _convertible(floats)
    if not any(isinstance(x, kinds) for x in values):
        return values
    label = name or (lambda k: f"{where}[{k}]")
    return tuple(parse_number(x, label(k)) if isinstance(x, kinds) else x for k, x in enumerate(values))


def _convertible(floats: bool) -> tuple:
    """The types `exact_entries` converts."""
    np = sys.modules.get("numpy")
    kinds = (float, Fraction, Decimal) if floats else (Fraction, Decimal)
    return kinds + (np.generic, np.ndarray) if np is not None else kinds


def _integer(digits: str) -> fmpz:
    """A decimal digit string as an `fmpz` (no 4300-digit limit as for Python's ``int``)."""
    return fmpz(digits.replace("+", "").strip())


def _abbrev(text: str, n: int = 60) -> str:
    return text if len(text) <= n else f"{text[:n // 2]}…{text[-n // 4:]} ({len(text)} characters)"


def json_int(text: str):
    """``parse_int`` hook for `json.loads`: integer literals of any length up to `MAX_DIGITS`
    (Python's own ``int`` refuses more than 4300 digits with an error deep in the decoder)."""
    if len(text) > MAX_DIGITS:
        raise InputError(f"an integer of {len(text)} digits exceeds the limit of {MAX_DIGITS} digits", "JSON")
    return int(text) if len(text) <= 4000 else fmpz(text)


def parse_rational(value, where: str = "number") -> fmpq:
    """As `parse_number`, but the value must be exact (no balls)."""
    x = parse_number(value, where)
    if isinstance(x, arb):
        if x.is_exact():
            return arb_to_fmpq(x)
        raise InputError(f"an exact rational is required here, got the ball {value!r}", where)
    return x


# --------------------------------------------------------------------------------------------
# serialization


def to_json(x) -> str | list:
    """Exact text for a number: ``"p/q"`` (or an integer string) for `fmpq`; for `arb`, Arb's
    ``"[mid +/- rad]"`` printed so that the printed ball contains the ball (outward rounding)."""
    if isinstance(x, (list, tuple)):
        return [to_json(y) for y in x]
    if isinstance(x, (int, fmpz)):
        return str(x)
    if isinstance(x, fmpq):
        return str(x.p) if x.q == 1 else f"{x.p}/{x.q}"
    if isinstance(x, arb):
        if x.is_exact():
            return to_json(arb_to_fmpq(x))
        return x.str(30, radius=True, more=False)
    if is_cell(x):
        return x.to_json()
    raise TypeError(f"cannot serialize {type(x).__name__}")


def exact_key(x):
    """A hashable key that identifies a number exactly: ``("q", p, q)`` for a rational and
    ``("b", m, e, r, f)`` for the ball ``[m·2^e ± r·2^f]`` (its exact midpoint and radius), so two
    different balls never share a key (unlike their printed decimal forms)."""
    if isinstance(x, (list, tuple)):
        return tuple(exact_key(y) for y in x)
    if isinstance(x, (int, fmpz)):
        x = fmpq(x)
    if isinstance(x, fmpq):
        return ("q", int(x.p), int(x.q))
    if isinstance(x, arb):
        m, e = x.mid().man_exp()
        r, f = x.rad().man_exp()
        return ("b", int(m), int(e), int(r), int(f))
    if is_cell(x):
        return x.exact_key()
    raise TypeError(f"no exact key for {type(x).__name__}")


def short(x, digits: int = 12) -> str:
    """Human-readable text for a number; exact rationals with huge numerators are abbreviated."""
    if isinstance(x, fmpq):
        s = to_json(x)
        if len(s) <= 40:
            return s
        with precision(64):
            return f"{arb(x).str(digits)} (exact rational, {len(s)} chars)"
    if isinstance(x, arb):
        return x.str(digits, radius=True)
    return str(x)


def to_float(x) -> float | None:
    """A float64 approximation (the midpoint of a ball) for plots and search steering -- never
    for a verdict.  ``None`` for non-finite balls and non-numbers; ±inf beyond float range."""
    if isinstance(x, (int, fmpz)):
        x = fmpq(int(x))
    if isinstance(x, fmpq):
        with precision(64):
            x = arb(x)
    if isinstance(x, arb):
        if not x.is_finite():
            return None
        return float(x.mid())
    if isinstance(x, float):
        return x
    if is_cell(x):
        return x.centre_float()  # a verify.cells.Cell: its value at the box's centre
    return None


# --------------------------------------------------------------------------------------------
# certified comparisons


def arb_to_fmpq(x: arb) -> fmpq:
    """The exact value of an exact (radius 0, finite) ball."""
    m, e = x.mid().man_exp()
    m, e = int(m), int(e)
    return fmpq(m * 2**e) if e >= 0 else fmpq(m, 2 ** (-e))


def ball_bounds(x: arb) -> tuple[fmpq, fmpq] | None:
    """Exact rational endpoints ``(mid − rad, mid + rad)`` of a finite ball, or ``None``."""
    if not x.is_finite():
        return None
    mid = arb_to_fmpq(x.mid())
    rad = arb_to_fmpq(x.rad())
    return mid - rad, mid + rad


def ball_gap(x: arb, y: arb) -> fmpq | None:
    """The exact distance between two finite balls as sets: 0 when they overlap, > 0 when they are
    certainly disjoint; ``None`` if one is not finite."""
    bx, by = ball_bounds(x), ball_bounds(y)
    if bx is None or by is None:
        return None
    return max(fmpq(0), bx[0] - by[1], by[0] - bx[1])


def contains(x: arb, q) -> bool:
    """Exact test q ∈ x for a rational q (no rounding of q into a ball)."""
    bounds = ball_bounds(x)
    return bounds is not None and bounds[0] <= fmpq(q) <= bounds[1]


def _sign_by_exponents(x: arb):
    """Decide the sign of the finite ball m·2^e ± r·2^f from bit lengths alone when |mid| and rad
    lie in disjoint binades (a ball like 2^(2^30) then costs nothing, where the exact rational
    endpoints would have a billion bits); ``False`` when the exponents are too close to tell."""
    m, e = (int(t) for t in x.mid().man_exp())
    r, f = (int(t) for t in x.rad().man_exp())
    if m == 0:
        return 0 if r == 0 else None
    if r == 0:
        return 1 if m > 0 else -1
    mid_low, mid_high = abs(m).bit_length() - 1 + e, abs(m).bit_length() + e  # 2^low ≤ |mid| < 2^high
    rad_low, rad_high = r.bit_length() - 1 + f, r.bit_length() + f
    if mid_low >= rad_high:  # |mid| ≥ 2^mid_low ≥ 2^rad_high > rad
        return 1 if m > 0 else -1
    if mid_high <= rad_low:  # |mid| < 2^mid_high ≤ rad: the ball contains 0
        return None
    return False


def sign(x: Number) -> int | None:
    """Certified sign: +1, −1, 0 (only for an exact zero), or ``None`` when undecided."""
    if isinstance(x, (int, fmpz)):
        x = fmpq(x)
    if isinstance(x, fmpq):
        return (x > 0) - (x < 0)
    if isinstance(x, arb):
        if not x.is_finite():
            return None
        quick = _sign_by_exponents(x)
        if quick is not False:
            return quick
        lo, hi = ball_bounds(x)
        if lo > 0:
            return 1
        if hi < 0:
            return -1
        if lo == 0 and hi == 0:
            return 0
        return None
    if is_cell(x):  # a verify.cells.Cell: the sign on its whole box
        return x.certified_sign()
    raise TypeError(f"sign of {type(x).__name__} is not certified")


class Undecided(ArithmeticError):
    """A comparison the computation depends on is not decided at the current precision."""


def cmp(x: Number, y: Number) -> int:
    """Certified three-way comparison of x and y; raises `Undecided` when the balls overlap."""
    s = sign(x - y)
    if s is None:
        raise Undecided(f"cannot order {short(x)} and {short(y)}")
    return s


def decided_sign(x: Number) -> int:
    """`sign` that raises `Undecided` instead of returning ``None``."""
    s = sign(x)
    if s is None:
        raise Undecided(f"sign of {short(x)} undecided")
    return s


def dot(a, b):
    """Σ a_k b_k in the arithmetic of the entries (exact, balls, or polynomials)."""
    s = 0
    for p, q in zip(a, b):
        s = s + p * q
    return s


def sum_squares(xs):
    """Σ x_k² (‖x‖²) in the arithmetic of the entries."""
    return dot(xs, xs)


def is_cell(x) -> bool:
    """Is x a `verify.cells.Cell` (an exact rational function over a region's box)?  Tested by its
    marker, so this module need not import `verify.cells`."""
    return getattr(x, "is_symbolic_exact", False)


def is_exact(x) -> bool:
    """True for rationals, and for the exact polynomials of `verify.cells` (no rounding)."""
    return isinstance(x, (int, fmpz, fmpq)) or is_cell(x)


def exact_number(x):
    """x as an exact number: an `fmpq` (from int, fmpz, fmpq, or what `fmpq` takes), or a
    `verify.cells.Cell` as it is -- where code would write ``fmpq(x)`` to insist on exactness."""
    return x if is_cell(x) else fmpq(x)


def all_exact(xs) -> bool:
    return all(is_exact(x) for x in xs)


def width(x: Number) -> fmpq:
    """Diameter of the enclosure (0 for an exact number); ``None``-free: ∞ balls give −1."""
    if isinstance(x, fmpq):
        return fmpq(0)
    b = ball_bounds(x)
    return fmpq(-1) if b is None else b[1] - b[0]


# --------------------------------------------------------------------------------------------
# contexts


@contextlib.contextmanager
def precision(prec: int) -> Iterator[None]:
    """Set Arb's working precision (a global of python-flint) for a block, and restore it."""
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        yield
    finally:
        flint.ctx.prec = old


@dataclass(frozen=True)
class ExactContext:
    """Exact rational arithmetic: decides every equality and inequality."""

    name: str = "exact"
    prec: int | None = None

    def convert(self, x) -> fmpq:
        if isinstance(x, arb):
            raise TypeError("exact context cannot take a ball")
        return exact_number(x)

    def relu(self, y):
        return y if y > 0 else fmpq(0)

    def step(self, y, deriv0: fmpq):
        """κ(y) = 1 for y > 0, 0 for y < 0 and ``deriv0`` at y = 0 (the ReLU′(0) convention)."""
        s = sign(y)
        return fmpq(1) if s > 0 else (fmpq(0) if s < 0 else deriv0)

    @contextlib.contextmanager
    def active(self):
        yield


@dataclass(frozen=True)
class BallContext:
    """Arb balls at ``prec`` bits; every result encloses the exact one."""

    prec: int = 64
    name: str = "ball"

    def convert(self, x) -> arb:
        return x if isinstance(x, arb) else arb(x)

    def relu(self, y):
        return y.nonnegative_part() if isinstance(y, arb) else (y if y > 0 else fmpq(0))

    def step(self, y, deriv0: fmpq):
        """Enclosure of κ(y): exact where the sign is certified, the ball [0, 1] otherwise
        (or [min, max] of {0, 1, deriv0} when y may be 0 -- still within [0, 1])."""
        s = sign(y)
        if s is None:
            return arb("0.5 +/- 0.5")
        return arb(1) if s > 0 else (arb(0) if s < 0 else arb(deriv0))

    @contextlib.contextmanager
    def active(self):
        with precision(self.prec):
            yield


def _arb_from_parts(mid_man, mid_exp, rad_man, rad_exp) -> arb:
    """The ball with midpoint mid_man·2^mid_exp (exactly: converted at a precision that holds every
    bit) and radius rad_man·2^rad_exp (Arb stores radii with a 30-bit mantissa and may round this
    one up by a unit: the ball can only grow)."""
    with precision(max(int(mid_man).bit_length(), int(rad_man).bit_length(), 2) + 8):
        mid = arb(fmpq(mid_man) * fmpq(2) ** int(mid_exp)) if mid_man else arb(0)
        rad = arb(fmpq(rad_man) * fmpq(2) ** int(rad_exp)) if rad_man else arb(0)
        return arb(mid, rad)


def _reduce_arb(x: arb):
    """Pickle support for `arb` (python-flint has none): the dyadic midpoint and radius, so verdicts
    holding balls travel between processes (Dask workers) as the same or a barely larger ball."""
    if not x.is_finite():
        raise ValueError(f"cannot pickle the non-finite ball {x}")
    return _arb_from_parts, (*x.mid().man_exp(), *x.rad().man_exp())


copyreg.pickle(arb, _reduce_arb)

EXACT = ExactContext()
Context = Union[ExactContext, BallContext]

DEFAULT_PRECISIONS = (64, 128, 256, 512, 1024)

# The fast-ball rung of the ladder (`verify.fastball`): network passes in float64 midpoint–radius
# arithmetic, everything else in Arb at FAST_ARB_BITS; tried first by claims that declare
# ``Claim.fast`` on instances with at least FAST_MIN_WORK parameter·sample products.
FAST = "fast-ball"
FAST_ARB_BITS = 128
FAST_MIN_WORK = 20_000


def exact_sqrt(q) -> fmpq | None:
    """The rational square root of q ≥ 0 if it exists, else ``None`` (also for q < 0)."""
    q = fmpq(q)
    if q < 0:
        return None
    p, d = int(q.p), int(q.q)
    rp, rd = math.isqrt(p), math.isqrt(d)
    if rp * rp == p and rd * rd == d:
        return fmpq(rp, rd)
    return None


def ball_hull(lo, hi=None) -> arb:
    """A ball containing the rational interval [lo, hi] (at the current precision); ``arb(lo)``
    when ``hi`` is None or equal to ``lo``."""
    if hi is None or hi == lo:
        return arb(lo)
    return arb(lo).union(arb(hi))


def square_enclosure(x: arb) -> arb:
    """An enclosure of {y² : y ∈ x}: the hull of the exact squares of the end points (and 0 when x
    contains 0), so for x ∋ 0 it reaches below 0 only by the rounding of the ball's radius, where
    ``x * x`` reaches down to −|x|²."""
    bd = ball_bounds(x)
    if bd is None:
        return x * x
    lo, hi = bd
    top = max(lo * lo, hi * hi)
    bottom = fmpq(0) if lo <= 0 <= hi else min(lo * lo, hi * hi)
    return ball_hull(bottom, top)
