"""Target functions f : R^d -> R written as text, parsed safely and evaluated rigorously.

Grammar (whitespace between tokens is ignored; ``^`` binds tighter than unary minus, so
``-x^2`` is ``-(x^2)``; ``+ - * /`` are left-associative with the usual precedence)::

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := '-' unary | power
    power   := atom ('^' INT)?                 INT: non-negative integer literal <= 1000
    atom    := NUMBER | VAR | 'pi' | '(' expr ')' | FUNC '(' expr (',' expr)* ')'
    NUMBER  := digits ['.' digits] [('e'|'E') ['+'|'-'] digits]   (also '.5'); exact:
               '0.1' is 1/10, '1e-3' is 1/1000 (decimal exponent at most 1000 in size)
    VAR     := 'x' (only when d = 1) | 'x1' ... 'xd'  (1-based)
    FUNC    := abs | sqrt | sin | cos | exp  (one argument) | min | max  (one or more)

The text is tokenised and parsed by hand (never ``eval``).  Any other input raises
:class:`verify.errors.InputError` whose message names the offending token and its 0-based
character position, e.g. ``expression 'x + foo(1)': unknown function 'foo' at position 4``.
"""

from __future__ import annotations

import re
from functools import reduce
from fractions import Fraction
from typing import Sequence

import numpy as np
from flint import acb, arb, ctx, fmpq

from .errors import InputError

__all__ = ["Expression", "parse_expression", "integrate_1d", "integral_moments_1d"]

_FUNCS1 = ("abs", "sqrt", "sin", "cos", "exp")
_FUNCSN = ("min", "max")
_NONRATIONAL = ("sqrt", "sin", "cos", "exp")
_MAX_POW = 1000
_MAX_EXP10 = 1000
_MAX_DIGITS = 1000  # characters in one number literal
_MAX_DEPTH = 100  # nesting of parentheses, calls and unary minus
_TOKEN = re.compile(r"(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/^(),])|(?P<ws>\s+)"
                    r"|(?P<bad>.)", re.DOTALL)  # a bad character is reported when reached


def _where(source: str) -> str:
    return f"expression {source if len(source) <= 60 else source[:57] + '...'!r}"


class _Parser:
    """Recursive-descent parser producing a tuple AST (see ``_evaluate`` for node shapes)."""

    def __init__(self, source: str, d: int):
        self.src, self.d, self.where = source, d, _where(source)
        self.toks = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(source)
                     if m.lastgroup != "ws"]  # (kind, text, position)
        self.toks.append(("end", "", len(source)))
        self.i = self.depth = 0

    def fail(self, message: str, pos: int):
        raise InputError(f"{message} at position {pos}", self.where)

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def unexpected(self, tok, wanted: str = ""):
        if tok[0] == "end":
            self.fail("empty expression" if not self.src.strip() else
                      "unexpected end of expression" + wanted, tok[2])
        what = "character " if tok[0] == "bad" else ""
        self.fail(f"unexpected {what}{tok[1]!r}" + wanted, tok[2])

    def expect(self, text: str):
        tok = self.take()
        if tok[1] != text or tok[0] != "op":
            self.unexpected(tok, f" (expected {text!r})")

    def parse(self):
        node = self.expr()
        if self.peek()[0] != "end":
            self.unexpected(self.peek())
        return node

    def expr(self):  # sums and products are n-ary nodes, so long chains stay shallow
        first, rest = self.term(), []
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            rest.append((self.take()[1], self.term()))
        return ("sum", first, tuple(rest)) if rest else first

    def term(self):
        first, rest = self.unary(), []
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/"):
            _, op, pos = self.take()
            rest.append((op, self.unary(), pos))
        return ("prod", first, tuple(rest)) if rest else first

    def unary(self):
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            self.fail(f"expression nested more than {_MAX_DEPTH} deep", self.peek()[2])
        if self.peek()[:2] == ("op", "-"):
            self.take()
            node = ("neg", self.unary())
        else:
            node = self.power()
        self.depth -= 1
        return node

    def power(self):
        node = self.atom()
        if self.peek()[:2] == ("op", "^"):
            self.take()
            kind, text, pos = self.take()
            if kind != "num" or not text.isdigit():
                what = repr(text) if kind != "end" else "end of expression"
                self.fail(f"exponent must be a non-negative integer literal, got {what}", pos)
            if int(text) > _MAX_POW:
                self.fail(f"exponent {text!r} larger than {_MAX_POW}", pos)
            node = ("pow", node, int(text))
        return node

    def atom(self):
        kind, text, pos = tok = self.take()
        if kind == "num":
            return ("num", self.number(text, pos))
        if kind == "op" and text == "(":
            node = self.expr()
            self.expect(")")
            return node
        if kind != "name":
            self.unexpected(tok)
        if text in _FUNCS1 or text in _FUNCSN:
            if self.peek()[:2] != ("op", "("):
                self.fail(f"function {text!r} must be followed by '('", pos)
            self.take()
            args = [self.expr()]
            while self.peek()[:2] == ("op", ","):
                self.take()
                args.append(self.expr())
            self.expect(")")
            if text in _FUNCS1 and len(args) != 1:
                self.fail(f"function {text!r} takes 1 argument, got {len(args)}", pos)
            return ("call", text, tuple(args))
        if text == "pi":
            return ("pi",)
        m = re.fullmatch(r"x([1-9][0-9]*)?", text)
        if m is None:
            if self.peek()[:2] == ("op", "("):
                self.fail(f"unknown function {text!r}", pos)
            self.fail(f"unknown name {text!r}", pos)
        if m.group(1) is None:
            if self.d != 1:
                self.fail(f"variable 'x' needs d = 1; use x1..x{self.d}", pos)
            return ("var", 0)
        k = int(m.group(1))
        if k > self.d:
            self.fail(f"variable {text!r} out of range for d = {self.d}", pos)
        return ("var", k - 1)

    def number(self, text: str, pos: int) -> fmpq:
        if len(text) > _MAX_DIGITS:
            self.fail(f"number {text[:20]!r}... longer than {_MAX_DIGITS} characters", pos)
        mant, _, exp = text.lower().partition("e")
        whole, _, frac = mant.partition(".")
        e = int(exp or 0) - len(frac)
        if abs(e) > _MAX_EXP10:
            self.fail(f"decimal exponent in {text!r} exceeds {_MAX_EXP10}", pos)
        return fmpq(int(whole + frac or "0")) * fmpq(10) ** e


class _Exact:
    """Backend over exact rationals (fmpq)."""

    def __init__(self, where):
        self.where = where

    num, abs, min, max = staticmethod(fmpq), staticmethod(abs), staticmethod(min), staticmethod(max)
    pow = staticmethod(lambda a, n: a ** n)

    def div(self, a, b, pos):
        if b == 0:
            raise InputError(f"division by zero (the '/' at position {pos})", self.where)
        return a / b


def _ipow(a, n: int, one):
    """a^n by binary exponentiation using only multiplication (inclusion-isotone; avoids
    arb's ``**``, which returns NaN for balls with midpoint 0)."""
    result = one
    while n:
        if n & 1:
            result = result * a
        a, n = a * a, n >> 1
    return result


class _Ball:
    """Backend over real balls (arb) at the current ctx.prec; every result is an enclosure."""

    num = staticmethod(arb)
    pi = staticmethod(arb.pi)
    div = staticmethod(lambda a, b, pos: a / b)  # non-finite if b contains 0
    abs = staticmethod(lambda a: abs(a).nonnegative_part())
    sin, cos, exp = staticmethod(arb.sin), staticmethod(arb.cos), staticmethod(arb.exp)
    min = staticmethod(lambda args: reduce(arb.min, args))
    max = staticmethod(lambda args: reduce(arb.max, args))

    @staticmethod
    def pow(a, n):
        # y -> y^n is monotone in y (n odd) or in |y| (n even): take the hull of the
        # endpoint powers (exact endpoints of the ball, powers computed in ball arithmetic)
        if n == 0 or not a.is_finite():
            return arb(1) if n == 0 else arb.nan()
        lo, hi = (a.lower(), a.upper()) if n % 2 else (a.abs_lower(), a.abs_upper())
        hull = _ipow(lo, n, arb(1)).union(_ipow(hi, n, arb(1)))
        return hull if n % 2 else hull.nonnegative_part()

    @staticmethod
    def sqrt(a):
        return a.sqrt() if a >= 0 else arb.nan()  # arb comparison: certainly >= 0


class _Complex:
    """Backend over acb following Arb's acb_calc_integrate `analytic` contract."""

    def __init__(self, analytic: bool):
        self.an = bool(analytic)

    num = staticmethod(lambda q: acb(arb(q)))
    pi = staticmethod(acb.pi)
    div = staticmethod(lambda a, b, pos: a / b)  # meromorphic: poles give non-finite balls
    pow = staticmethod(lambda a, n: _ipow(a, n, acb(1)))
    sin, cos, exp = staticmethod(acb.sin), staticmethod(acb.cos), staticmethod(acb.exp)

    def abs(self, a):
        return a.real_abs(analytic=self.an)

    def sqrt(self, a):
        # real_sqrt reads negative reals as 0; we want f undefined there, so a ball whose
        # real part is certainly negative gives NaN (straddling balls keep sqrt(max(u, 0))).
        return acb(arb.nan()) if a.real < 0 else a.real_sqrt(analytic=self.an)

    def min(self, args):
        return reduce(lambda r, b: r.real_min(b, analytic=self.an), args)

    def max(self, args):
        return reduce(lambda r, b: r.real_max(b, analytic=self.an), args)


class _Float:
    """Backend over numpy float64 (non-rigorous, for screening and plots)."""

    num = staticmethod(float)
    pi = staticmethod(lambda: np.pi)
    abs, sqrt, sin, cos, exp = np.abs, np.sqrt, np.sin, np.cos, np.exp
    div = staticmethod(lambda a, b, pos: np.divide(a, b))
    pow = staticmethod(lambda a, n: np.power(a, n))
    min = staticmethod(lambda args: np.minimum.reduce(np.broadcast_arrays(*args)))
    max = staticmethod(lambda args: np.maximum.reduce(np.broadcast_arrays(*args)))


def _evaluate(node, x, be):
    """Evaluate the AST ``node`` at variables ``x`` with backend ``be``."""
    tag = node[0]
    if tag == "num":
        return be.num(node[1])
    if tag == "var":
        return x[node[1]]
    if tag == "pi":
        return be.pi()
    if tag == "neg":
        return -_evaluate(node[1], x, be)
    if tag == "pow":
        return be.pow(_evaluate(node[1], x, be), node[2])
    if tag == "call":
        args = [_evaluate(a, x, be) for a in node[2]]
        return getattr(be, node[1])(args if node[1] in _FUNCSN else args[0])
    acc = _evaluate(node[1], x, be)
    for op, child, *pos in node[2]:
        val = _evaluate(child, x, be)
        if op == "+":
            acc = acc + val
        elif op == "-":
            acc = acc - val
        elif op == "*":
            acc = acc * val
        else:
            acc = be.div(acc, val, pos[0])
    return acc


def _names(node) -> set[str]:
    """Function names and 'pi' used anywhere in the tree."""
    out = {node[1]} if node[0] == "call" else {"pi"} if node[0] == "pi" else set()
    for child in node:
        if isinstance(child, tuple):
            out |= _names(child)
    return out


def _midpoint(v) -> fmpq:
    """The exact midpoint of a ball (a dyadic rational), or v itself when exact."""
    if isinstance(v, arb):
        m, e = v.mid().man_exp()
        return fmpq(int(m)) * fmpq(2) ** int(e) if e >= 0 else fmpq(int(m), 2 ** int(-e))
    return _to_fmpq(v)


def _to_fmpq(v) -> fmpq:
    if isinstance(v, Fraction):
        return fmpq(v.numerator, v.denominator)
    if isinstance(v, (int, fmpq)) and not isinstance(v, bool):
        return fmpq(v)
    if isinstance(v, arb) and v.is_exact():
        return _midpoint(v)
    raise InputError(f"expected an exact rational, got {v!r}")


class Expression:
    """A parsed target function f : R^d -> R.  Build with :func:`parse_expression`."""

    def __init__(self, source: str, d: int, tree):
        self.source, self.d, self._tree = source, d, tree
        self._where = _where(source)

    def __repr__(self) -> str:
        return f"Expression({self.source!r}, d={self.d})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Expression) and (self._tree, self.d) == (other._tree, other.d)

    def __hash__(self) -> int:
        return hash((self._tree, self.d))

    def is_rational(self) -> bool:
        """True iff f uses only numbers, variables, + - * / ^, abs, min, max."""
        return not (_names(self._tree) & {"pi", *_NONRATIONAL})

    def _check_len(self, x):
        if len(x) != self.d:
            raise InputError(f"point has {len(x)} coordinates, expected d = {self.d}",
                             self._where)

    def eval_exact(self, x: Sequence[fmpq]) -> fmpq:
        """Return f(x) exactly.  Requires :meth:`is_rational`; ``x`` holds d rationals
        (fmpq, int or Fraction).  Raises InputError on division by zero."""
        if not self.is_rational():
            raise InputError("exact evaluation needs a rational expression "
                             "(no sqrt, sin, cos, exp, pi)", self._where)
        self._check_len(x)
        return _evaluate(self._tree, [_to_fmpq(v) for v in x], _Exact(self._where))

    def eval_ball(self, x: Sequence[arb]) -> arb:
        """Return a ball containing f(y) for every y in the box x_1 x ... x x_d (x are arb
        balls, or exact numbers converted with arb()), computed at the current ctx.prec.
        The ball is non-finite (NaN/infinite radius) when undecidable: a divisor ball
        contains 0, or a sqrt argument ball is not certainly >= 0."""
        self._check_len(x)
        return _evaluate(self._tree, [v if isinstance(v, arb) else arb(v) for v in x], _Ball)

    def eval_acb(self, z: acb, analytic: bool) -> acb:
        """Integrand callback for acb.integral (d = 1 only).  Returns a ball containing the
        piecewise-holomorphic extension of f on the complex ball z (abs, min, max and sqrt
        are extended by acb.real_abs/real_min/real_max/real_sqrt, which agree with f on the
        real line).  When ``analytic`` is true and that extension is not certainly
        holomorphic on a neighbourhood of z, the result is non-finite."""
        if self.d != 1:
            raise InputError(f"complex evaluation needs d = 1, got d = {self.d}", self._where)
        return _evaluate(self._tree, [z if isinstance(z, acb) else acb(z)], _Complex(analytic))

    def eval_float(self, x):
        """Approximate f in float64 (no guarantees; for screening and plots).  ``x`` is
        array-like with last axis of length d, shape (..., d) -> result shape (...); when
        d = 1 a scalar or an array whose last axis is not 1 is taken as the points."""
        arr = np.asarray(x, dtype=np.float64)
        if self.d == 1 and (arr.ndim == 0 or arr.shape[-1] != 1):
            cols, shape = [arr], arr.shape
        else:
            if arr.ndim == 0 or arr.shape[-1] != self.d:
                raise InputError(f"points must have last axis d = {self.d}, got shape "
                                 f"{arr.shape}", self._where)
            cols, shape = [arr[..., i] for i in range(self.d)], arr.shape[:-1]
        with np.errstate(all="ignore"):
            out = np.asarray(_evaluate(self._tree, cols, _Float), dtype=np.float64)
        return float(out) if shape == () else np.broadcast_to(out, shape).copy()

    def to_json(self) -> str:
        """The source text (parse it again with the same d to get an equal Expression)."""
        return self.source


def parse_expression(source: str, d: int) -> Expression:
    """Parse ``source`` as a function of x in R^d; raise InputError if it is not in the
    grammar of this module (see the module docstring)."""
    if not isinstance(source, str):
        raise InputError(f"expression must be a string, got {type(source).__name__}")
    if "**" in source:
        raise InputError(f"'**' at position {source.index('**')}: use ^ for powers (x^2)", _where(source))
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise InputError(f"dimension d must be a positive integer, got {d!r}", _where(source))
    return Expression(source, d, _Parser(source, d).parse())


def _integrate(integrand, a, b, prec: int) -> arb:
    """Enclosure of the real integral over [a, b] of integrand(x, analytic) (acb-valued),
    via the substitution x = a + (b - a) t, t in [0, 1], so the path endpoints are exact
    even when a, b are not dyadic.

    An endpoint given as a ball ``a = [m ± r]`` (a kink of a network with ball parameters) is
    replaced by its exact midpoint m, and ∫_a^m g, which lies in [−r, r]·g(a) for the continuous
    targets of this grammar (mean value theorem), is added as a ball of radius r·sup |g(a)|."""
    if isinstance(a, arb) and not a.is_exact() or isinstance(b, arb) and not b.is_exact():
        old = ctx.prec
        try:
            ctx.prec = prec
            out = _integrate(integrand, _midpoint(a), _midpoint(b), prec)
            for end, sgn in ((a, -1), (b, 1)):
                if isinstance(end, arb) and not end.is_exact():
                    g = integrand(acb(end), False)
                    if not g.is_finite() or not g.imag.contains(0):
                        return arb.nan()
                    out += sgn * arb(0, end.rad()) * g.real
            return out
        finally:
            ctx.prec = old
    a, b = _to_fmpq(a), _to_fmpq(b)
    old = ctx.prec
    try:
        ctx.prec = prec
        lo, width = acb(arb(a)), acb(arb(b - a))
        if b == a:
            return arb(0)
        res = acb.integral(lambda t, an: integrand(lo + width * t, an), 0, 1) * width
        if not res.imag.contains(0):  # f not real on [a, b] (e.g. sqrt of a negative)
            return arb.nan()
        return res.real
    finally:
        ctx.prec = old


def integrate_1d(f: Expression, a: fmpq, b: fmpq, poly: list[fmpq] | None = None,
                 prec: int = 64, square: bool = False) -> arb:
    """Return a ball containing the integral from a to b of p(x) * g(x) dx, where g = f
    (or f^2 when ``square``) and p(x) = sum_k poly[k] x^k (p = 1 when ``poly`` is None),
    computed with acb.integral at ``prec`` bits (ctx.prec is restored afterwards).
    The ball is non-finite when the integration fails, e.g. on a pole in [a, b], or when
    a sqrt argument u is negative on a subinterval of [a, b] (where u < 0 only on a set
    too small for Arb's subdivision to isolate, sqrt(u) is read as sqrt(max(u, 0)))."""
    if f.d != 1:
        raise InputError(f"integration needs d = 1, got d = {f.d}", f._where)
    coeffs = [_to_fmpq(c) for c in (poly or [1])]

    def integrand(z, an):
        v = f.eval_acb(z, an)
        if square:
            v = v * v
        p = acb(0)
        for c in reversed(coeffs):  # Horner
            p = p * z + acb(arb(c))
        return p * v

    return _integrate(integrand, a, b, prec)


def integral_moments_1d(f: Expression, a: fmpq, b: fmpq, prec: int = 64) -> dict:
    """Return balls enclosing the integrals over [a, b] of f, x f, x^2 f and f^2, under the
    keys "f", "xf", "x2f", "f2" (see :func:`integrate_1d`)."""
    one, x, x2 = [fmpq(1)], [fmpq(0), fmpq(1)], [fmpq(0), fmpq(0), fmpq(1)]
    return {"f": integrate_1d(f, a, b, one, prec), "xf": integrate_1d(f, a, b, x, prec),
            "x2f": integrate_1d(f, a, b, x2, prec),
            "f2": integrate_1d(f, a, b, None, prec, square=True)}
