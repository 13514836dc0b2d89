"""Cell arithmetic: exact rational functions over a box, every comparison decided for the whole box.

A `CellBox` turns the coordinates of positive width of a box B = Π [lo_k, hi_k] into variables:
the k-th coordinate is

    x_k(u) = c_k + s_k·u_k,   c_k = (lo_k + hi_k)/2,  s_k = (hi_k − lo_k)/2,  u ∈ [−1, 1]^n,

and a `Cell` is an exact rational function p/q ∈ ℚ(u_1, …, u_n) (python-flint's ``fmpq_mpoly``)
whose denominator q is certified positive on the cube.  + − × are exact; division by a cell whose
numerator has a certified sign on the cube is exact (a divisor that may vanish raises
`verify.numbers.Undecided`).  So a computation that only uses these yields, at every θ ∈ B,
exactly the value the same computation gives on the rational point θ (evaluation at u(θ) is a
ring homomorphism on these rational functions).

Comparisons are the point.  A comparison is answered only when its answer is the same for
*every* u ∈ [−1, 1]^n:

* ``sign(p/q)`` is 0 when p is the zero polynomial, +1 when the enclosure of p over the cube is
  positive, −1 when it is negative, and ``None`` (undecided) otherwise; ``<``, ``==``, ``bool``,
  ``abs`` … raise `Undecided` when undecided.  The enclosure is exact: with p = Σ_e a_e u^e, every
  monomial u^e lies in [0, 1] when all exponents e_k are even and in [−1, 1] otherwise, so
  p(u) ∈ [a_0 + Σ_even min(a_e, 0) − Σ_odd |a_e|, a_0 + Σ_even max(a_e, 0) + Σ_odd |a_e|] (a
  centred form: the constant term is the value at the box's centre);
* in a *case split* (``CellBox(…, script=…)``, driven by `verify.regions`) an undecided sign is
  instead taken from the script -- one outcome per run, all three outcomes over the runs -- and
  recorded, so that a later comparison of a multiple of the same numerator agrees with it.

Soundness (proofs_notes/regions.md#cells and #cases): a program run on cells takes, at every
branch, the branch that the same program takes on every rational point θ ∈ B (of the case), since
every branch condition it evaluated was decided uniformly there; so each quantity it returns is a
rational function whose value at u(θ) is the quantity the program returns at θ, and a relation
decided on the cells -- an identity lhs − rhs ≡ 0 included -- holds at every such θ.  Anything
else (a square root, a ball or a float, `fmpq` conversion) raises, and the caller falls back to
ball arithmetic.  Python branches that are not comparisons are refused for the same reason: a cell
that is not one constant is unhashable (a dict or set would merge two keys only where they are the
same polynomial, not where their values meet), ``float(cell)`` raises (`Cell.centre_float` steers),
and numerator/denominator are ``num``/``den`` (fmpq-only code reading ``x.q`` fails).  In a case
split, a failure that claim code could catch as `Undecided` (a divisor of undecided sign, a budget)
is `CellAbort`, and each scripted outcome names the comparison it is for.
"""

from __future__ import annotations

import itertools
import time

from flint import fmpq, fmpq_mpoly_ctx, fmpz

from .numbers import Undecided

_SCALARS = (int, fmpz, fmpq)
MAX_TERMS = 20_000  # documented limit: monomials of one numerator or denominator


class CellBudget(Undecided):
    """Cell arithmetic went past its size or time budget on this box (`MAX_TERMS`, ``seconds``)."""


class CellAbort(BaseException):
    """A case-splitting run (`verify.regions`) cannot go on soundly: a divisor of undecided sign, a
    non-integer power, the size or time budget (``budget``), or a run that left the path of the run
    it continues.  A BaseException, like `Branch`: claim code that catches `Undecided` (or
    ``Exception``) to fall back on another route would take, on cells, a branch that no exact run
    takes (the exact run at a point never meets these), so the whole run is abandoned instead."""

    def __init__(self, why: str, budget: bool = False):
        super().__init__(why)
        self.budget = budget


class Branch(BaseException):
    """A case-splitting run met a comparison that its script does not decide: the driver re-runs
    it once per outcome (+1, −1, 0).  A BaseException, so that no claim's ``except Exception``
    swallows it."""

    def __init__(self, cell):
        super().__init__("an undecided comparison: split the case")
        self.cell = cell


_SERIAL = itertools.count()


class CellBox:
    """The box whose positive-width sides become the variables u_k ∈ [−1, 1] (module doc)."""

    def __init__(self, box, seconds: float | None = None, script=None):
        self.box = [(fmpq(lo), fmpq(hi)) for lo, hi in box]
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.serial = next(_SERIAL)  # in exact keys: never two boxes' cells under one key
        self.script = None if script is None else list(script)  # case split: the outcomes to take
        self.pos = 0
        self.constraints: dict = {}  # canonical numerator text -> its sign on this piece
        self.dims = [k for k, (lo, hi) in enumerate(self.box) if hi > lo]
        n = max(1, len(self.dims))
        self.ring = fmpq_mpoly_ctx.get(("u", n), "lex")
        self._gens = self.ring.gens()
        self.undecided = None  # the last cell whose sign was asked and not decided (where to split)

    def coordinate(self, k: int):
        """x_k as a cell (a rational where the side has width 0)."""
        lo, hi = self.box[k]
        if lo == hi:
            return lo
        j = self.dims.index(k)
        return Cell(self._gens[j] * ((hi - lo) / 2) + (lo + hi) / 2, self)

    def decide(self, p) -> int:
        """The sign of the numerator p on the current *piece* of a case split (module doc): the
        sign a constraint already fixed for a positive multiple of p, else the script's next
        outcome (recorded as a constraint), else `Branch`."""
        if self.deadline is not None and time.monotonic() > self.deadline:  # a loop over comparisons only
            raise CellAbort("a case split ran past its time budget on this box", budget=True)  # (an empty piece)
        key, sg = comparison_key(p)
        if key in self.constraints:
            return sg * self.constraints[key]
        if self.pos >= len(self.script):
            raise Branch(Cell(p, self))
        d = self.script[self.pos]
        if isinstance(d, tuple):  # (outcome, the key of the comparison it was made for)
            d, want = d
            if want != key:  # the run took another path than the run that branched: its pieces
                raise CellAbort("a case split's run asked another comparison than the run it "  # would not
                                "continues (claim code that is not deterministic)")  # cover the box
        self.pos += 1
        self.constraints[key] = d * sg
        return d

    def fail(self, why: str, budget: bool = False):
        """Cell arithmetic cannot go on: `CellAbort` in a case split (claim code cannot catch it),
        else `CellBudget` (``budget``) or `Undecided`."""
        if self.script is not None:
            raise CellAbort(why, budget)
        raise (CellBudget if budget else Undecided)(why)

    def constant(self, c: fmpq):
        """The constant polynomial c."""
        return self.ring.from_dict({(0,) * self.ring.nvars(): fmpq(c)})

    def at(self, p, point) -> fmpq:
        """p at the rational point ``point`` of the box (one value per side of the box)."""
        u = [(fmpq(point[k]) - (lo + hi) / 2) / ((hi - lo) / 2) for k, (lo, hi) in enumerate(self.box) if hi > lo]
        u = u or [fmpq(0)]
        return fmpq(p(*u))


class Cell:
    """An exact rational function p/q over a `CellBox`, q > 0 on the whole box (certified);
    comparisons decided uniformly over the box (module doc)."""

    # numerator and denominator are ``num``/``den``, not fmpq's ``p``/``q``: code written for fmpq that reads
    # ``x.q == 1`` ("x is an integer") or ``x.p`` must fail on a cell, not silently take another branch
    __slots__ = ("num", "den", "cbox", "_range")
    is_symbolic_exact = True  # exact (no rounding): verify.numbers.is_exact is true for cells

    def __init__(self, p, cbox: CellBox, q=None):
        self.num = p
        self.den = q  # None: the denominator 1 (a polynomial)
        self.cbox = cbox
        self._range = None

    # ---- arithmetic --------------------------------------------------------------------------
    def _lift(self, other):
        """(numerator, denominator or None) of ``other``; None if it is not a cell or a rational."""
        if isinstance(other, Cell):
            if other.cbox is not self.cbox:
                raise TypeError("cells of two different boxes")
            return other.num, other.den
        if isinstance(other, _SCALARS):
            return fmpq(other), None
        return None

    def _make(self, p, q=None):
        """p/q reduced (q > 0 on the box is the caller's invariant); a polynomial when q is constant."""
        if q is not None:
            if not isinstance(p, fmpq) and not p.is_zero():
                g = p.gcd(q)
                if not g.is_constant():  # g | q and q > 0 on the (connected) box: g has no zero there,
                    if self.constant(g) < 0:  # so its sign is its sign at the centre u = 0
                        g = -g
                    p, q = p / g, q / g
            if q.is_constant():
                c = self.constant(q)
                p, q = p / c, None
            elif p.is_zero() if not isinstance(p, fmpq) else p == 0:
                q = None
        if isinstance(p, fmpq):
            p = self.cbox.constant(p)
        if len(p) > MAX_TERMS or (q is not None and len(q) > MAX_TERMS):
            self.cbox.fail(f"a cell has more than {MAX_TERMS} monomials (verify.cells.MAX_TERMS)", True)
        if self.cbox.deadline is not None and time.monotonic() > self.cbox.deadline:
            self.cbox.fail("cell arithmetic ran past its time budget on this box", True)
        return Cell(p, self.cbox, q)

    @staticmethod
    def _mul(a, b):
        return b if a is None else a if b is None else a * b

    def __add__(self, other):
        o = self._lift(other)
        if o is None:
            return NotImplemented
        (a, b), (c, d) = (self.num, self.den), o
        if b is None and d is None:
            return self._make(a + c)
        if b is not None and d is not None and b == d:
            return self._make(a + c, b)
        return self._make(a * (d if d is not None else 1) + c * (b if b is not None else 1), self._mul(b, d))

    __radd__ = __add__

    def __neg__(self):
        return Cell(-self.num, self.cbox, self.den)

    def __sub__(self, other):
        o = self._lift(other)
        if o is None:
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other):
        o = self._lift(other)
        return NotImplemented if o is None else (-self) + other

    def __mul__(self, other):
        o = self._lift(other)
        if o is None:
            return NotImplemented
        return self._make(self.num * o[0], self._mul(self.den, o[1]))

    __rmul__ = __mul__

    def __pos__(self):
        return self

    def _inverse(self):
        """1/self: defined on the whole box only when the numerator's sign is certified there."""
        s = _poly_sign(self.num, self.cbox)
        if s == 0:
            raise ZeroDivisionError("division by a cell equal to 0")
        if s is None:
            self.cbox.undecided = self  # where to split
            self.cbox.fail("a divisor that may vanish on the box (split it)")
        num = self.cbox.constant(fmpq(s)) if self.den is None else self.den * s
        return self._make(num, self.num * s)

    def __truediv__(self, other):
        o = self._lift(other)
        if o is None:
            return NotImplemented
        if isinstance(o[0], fmpq) and o[1] is None:
            if o[0] == 0:
                raise ZeroDivisionError("division of a cell by 0")
            return self._make(self.num / o[0], self.den)
        return self * Cell(o[0], self.cbox, o[1])._inverse()

    def __rtruediv__(self, other):
        o = self._lift(other)
        return NotImplemented if o is None else self._inverse() * other

    def __pow__(self, n):
        if not isinstance(n, (int, fmpz)):
            self.cbox.fail("cell arithmetic takes integer powers only")
        n = int(n)
        if n < 0:
            return self._inverse() ** (-n)
        return Cell(self.num ** n, self.cbox, None if self.den is None else self.den ** n)

    @staticmethod
    def constant(p) -> fmpq:
        """The constant term of p (its value at the box's centre)."""
        return fmpq(p.to_dict().get((0,) * p.context().nvars(), 0))

    # ---- certified decisions -----------------------------------------------------------------
    def range(self) -> tuple[fmpq, fmpq]:
        """Exact [lower, upper] with the numerator p(u) in it for every u ∈ [−1, 1]^n."""
        if self._range is None:
            self._range = poly_range(self.num)
        return self._range

    def certified_sign(self) -> int | None:
        """+1 / −1 when p/q has that sign on the whole box, 0 when p ≡ 0, else None (q > 0)."""
        s = _poly_sign(self.num, self.cbox, self.range())
        if s is None and self.cbox.script is not None:
            s = self.cbox.decide(self.num)
        if s is None:
            self.cbox.undecided = self
        return s

    def at(self, point) -> fmpq:
        """The value at the rational point ``point`` of the box (one coordinate per side)."""
        v = self.cbox.at(self.num, point)
        return v if self.den is None else v / self.cbox.at(self.den, point)

    def influence(self) -> dict:
        """{side k of the box: Σ |a_e| over the numerator's monomials in u_k} -- how much u_k moves
        p over the box (steering the split of an undecided comparison; never a decision)."""
        out: dict = {}
        for e, a in self.num.to_dict().items():
            for j, ej in enumerate(e):
                if ej:
                    k = self.cbox.dims[j]
                    out[k] = out.get(k, 0.0) + abs(_float(fmpq(a)))
        return out

    def _decided(self, other) -> int:
        if self._lift(other) is None:
            raise TypeError(f"cannot compare a cell with {type(other).__name__}")
        d = self - other
        s = d.certified_sign() if isinstance(d, Cell) else (d > 0) - (d < 0)
        if s is None:
            raise Undecided("a comparison is not the same on the whole box (split it)")
        return s

    def __lt__(self, other):
        return self._decided(other) < 0

    def __le__(self, other):
        return self._decided(other) <= 0

    def __gt__(self, other):
        return self._decided(other) > 0

    def __ge__(self, other):
        return self._decided(other) >= 0

    def __eq__(self, other):  # never Python's identity fallback: an unknown type raises
        return self._decided(other) == 0

    def __ne__(self, other):
        return self._decided(other) != 0

    def __bool__(self):
        return self._decided(0) != 0

    def __abs__(self):
        return self if self._decided(0) >= 0 else -self

    def __hash__(self):
        # A dict or set decides "same key" by hash first: two cells whose values coincide at some θ
        # of the box (two kinks crossing, a kink through a rational point) would stay two keys where
        # the exact run at that θ merges them -- a branch the cells never decided.  So only a cell
        # that is one rational on the whole box hashes (as that rational); any other is unhashable
        # (TypeError: the claim's code cannot run on cells, and the ball rungs take over).
        if self.den is None and self.num.is_constant():
            return hash(self.constant(self.num))
        raise TypeError("a non-constant cell is unhashable (a dict or set of values would merge keys "
                        "only where they coincide: verify.cells)")

    # ---- text and steering (never a decision) ------------------------------------------------
    def centre_float(self) -> float:
        """The value at the box's centre as a float (steering and text only: `verify.numbers.to_float`)."""
        c = self.constant(self.num)
        return _float(c if self.den is None else c / self.constant(self.den))

    def __float__(self):  # float(x), math.floor(x), numpy's float arrays: a number of the centre only
        raise TypeError("a cell has no float value (it is a function on the box; centre_float() steers)")

    def exact_key(self):
        return ("cell", self.cbox.serial, str(self.num), str(self.den))

    def to_json(self) -> str:
        return f"cell({self.centre_float()!r} at the box centre)"

    def __repr__(self):
        return f"Cell({self.num})" if self.den is None else f"Cell(({self.num}) / ({self.den}))"

    __str__ = __repr__


def _float(q: fmpq) -> float:
    """q as a float for steering and text, ±inf past the float range (never an OverflowError)."""
    try:
        return float(q)
    except OverflowError:
        return float("inf") if q > 0 else float("-inf")


def comparison_key(p) -> tuple[str, int]:
    """(text of p / lc, sign of lc), lc the leading coefficient of p ≠ 0: a comparison of λ·p (λ ≠ 0
    rational) has the same text, and sign(λ·p) = sign(λ)·sign(p)."""
    lc = fmpq(p.coeffs()[0])
    return str(p / lc), (1 if lc > 0 else -1)


def poly_range(p) -> tuple[fmpq, fmpq]:
    """Exact [lower, upper] ∋ p(u) for every u ∈ [−1, 1]^n: the constant term plus each monomial's
    range, [0, 1]·a_e when every exponent is even, [−1, 1]·a_e otherwise."""
    lo = hi = fmpq(0)
    for e, a in p.to_dict().items():
        a = fmpq(a)
        if not any(e):
            lo, hi = lo + a, hi + a
        elif all(k % 2 == 0 for k in e):
            lo, hi = (lo + a, hi) if a < 0 else (lo, hi + a)
        else:
            lo, hi = lo - abs(a), hi + abs(a)
    return lo, hi


def _poly_sign(p, cbox, rng=None) -> int | None:
    """The sign of the polynomial p on the whole cube (0 only for p ≡ 0), or None."""
    if p.is_zero():
        return 0
    lo, hi = rng or poly_range(p)
    return 1 if lo > 0 else -1 if hi < 0 else None
