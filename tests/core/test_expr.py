"""Tests for verify.expr: parsing, exact / ball / complex / float evaluation, integration."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from flint import acb, arb, ctx, fmpq
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from verify.errors import InputError
from verify.expr import Expression, integral_moments_1d, integrate_1d, parse_expression

Q = fmpq


def mp_ref(thunk, digits: int = 900) -> arb:
    """A ball around the mpmath value ``thunk()`` computed at mp.dps = 1000: the radius
    10^-digits covers mpmath's rounding error, so containment of this ball in a 53/64-bit
    result is a rigorous check."""
    old = ctx.prec
    with mpmath.workdps(1000):
        value = thunk()
        text = mpmath.nstr(value, digits + 50, strip_zeros=False)
    try:
        ctx.prec = 4 * digits
        return arb(f"{text} +/- 1e-{digits}")
    finally:
        ctx.prec = old


def has(ball: arb, q) -> bool:
    """ball certainly contains the exact rational q (fmpq or Fraction).  arb.contains(fmpq)
    rounds q to the current precision first, so convert it at 2000 bits ourselves."""
    if isinstance(q, Fraction):
        q = Q(q.numerator, q.denominator)
    old = ctx.prec
    try:
        ctx.prec = 2000
        return ball.contains(arb(q))
    finally:
        ctx.prec = old


def encloses(ball: arb, ref: arb) -> bool:
    """ball contains the true value enclosed by ``ref``.  When ref straddles an endpoint of
    ball (exact balls, or a value such as sqrt(0) = 0 at the edge of [0, r]), mpmath cannot
    decide, and we accept agreement of that endpoint with the true value to 900 digits."""
    if ball.contains(ref):
        return True
    return ref.contains(ball.lower()) or ref.contains(ball.upper())


def mpq(q) -> mpmath.mpf:
    q = Fraction(q) if not isinstance(q, fmpq) else Fraction(int(q.p), int(q.q))
    return mpmath.mpf(q.numerator) / q.denominator


# ---------------------------------------------------------------- exact evaluation

RATIONAL_CASES = [
    ("3/7", 1, [0], Q(3, 7)),
    ("0.1", 1, [0], Q(1, 10)),
    ("1e-3", 1, [0], Q(1, 1000)),
    ("2.5E+2", 1, [0], Q(250)),
    (".5 + 12.", 1, [0], Q(25, 2)),
    ("1.25e-1", 1, [0], Q(1, 8)),
    ("-x^2", 1, [3], Q(-9)),
    ("- 2 ^ 2", 1, [0], Q(-4)),
    ("(-2)^2", 1, [0], Q(4)),
    ("1-2-3", 1, [0], Q(-4)),
    ("2/3/4", 1, [0], Q(1, 6)),
    ("1+2*3^2", 1, [0], Q(19)),
    ("-(-x)", 1, [Q(5, 3)], Q(5, 3)),
    ("(x+1)^0", 1, [-1], Q(1)),
    ("x1*x2 - x3/4", 3, [1, 2, 3], Q(5, 4)),
    ("abs(x-1/3)", 1, [0], Q(1, 3)),
    ("abs(x1 - x2)", 2, [Q(1, 2), Q(7, 8)], Q(3, 8)),
    ("min(x, 1-x, 0.3)", 1, [Q(1, 2)], Q(3, 10)),
    ("max(x1, x2, -1)", 2, [Q(-3), Q(-2)], Q(-1)),
    ("min(x)", 1, [Q(2, 9)], Q(2, 9)),
    ("x1", 1, [Q(4, 5)], Q(4, 5)),
    ("max(0, x)^3 - 3*x", 1, [Q(2, 3)], Q(8, 27) - 2),
    ("  x  *\t2 ", 1, [Q(1, 4)], Q(1, 2)),
]


@pytest.mark.parametrize("src,d,x,expected", RATIONAL_CASES)
def test_rational_values(src, d, x, expected):
    e = parse_expression(src, d)
    assert e.is_rational()
    assert e.eval_exact([Q(v) for v in x]) == expected
    assert e.eval_exact([Fraction(int(Q(v).p), int(Q(v).q)) for v in x]) == expected
    assert e.source == src and e.d == d and e.to_json() == src
    assert parse_expression(e.to_json(), d) == e


@pytest.mark.parametrize("src", ["sqrt(x)", "sin(x)", "cos(1)", "exp(0)", "pi", "x + 2*pi"])
def test_non_rational(src):
    e = parse_expression(src, 1)
    assert not e.is_rational()
    with pytest.raises(InputError):
        e.eval_exact([Q(1)])


def test_division_by_zero_exact():
    e = parse_expression("1 + 1/(x - 1/2)", 1)
    assert e.eval_exact([Q(0)]) == -1
    with pytest.raises(InputError, match="division by zero.*position 5"):
        e.eval_exact([Q(1, 2)])


def test_wrong_point_length():
    with pytest.raises(InputError):
        parse_expression("x1 + x2", 2).eval_exact([Q(1)])
    with pytest.raises(InputError):
        parse_expression("x1 + x2", 2).eval_ball([arb(1), arb(2), arb(3)])


# ---------------------------------------------------------------- ball evaluation

# (expression, d, independent mpmath implementation)
MP_CASES = [
    ("sin(3*x) + sqrt(x+4)*exp(-x^2)", 1,
     lambda x: mpmath.sin(3 * x[0]) + mpmath.sqrt(x[0] + 4) * mpmath.exp(-x[0] ** 2)),
    ("cos(pi*x1) - x2/7 + abs(x1 - 1/3)", 2,
     lambda x: mpmath.cos(mpmath.pi * x[0]) - x[1] / 7 + abs(x[0] - mpmath.mpf(1) / 3)),
    ("max(sin(x1), cos(x2))^3 / (1 + x1^2)", 2,
     lambda x: max(mpmath.sin(x[0]), mpmath.cos(x[1])) ** 3 / (1 + x[0] ** 2)),
    ("min(x, 1 - x) * exp(x) - 0.1", 1,
     lambda x: min(x[0], 1 - x[0]) * mpmath.exp(x[0]) - mpmath.mpf(1) / 10),
    ("sqrt(x1^2 + x2^2 + x3^2)", 3, lambda x: mpmath.sqrt(x[0] ** 2 + x[1] ** 2 + x[2] ** 2)),
]

rationals = st.fractions(min_value=-3, max_value=3, max_denominator=10**6)


@pytest.mark.parametrize("src,d,ref", MP_CASES)
@settings(deadline=None)
@given(data=st.data())
def test_eval_ball_points_enclose_mpmath(src, d, ref, data):
    pt = [data.draw(rationals) for _ in range(d)]
    e = parse_expression(src, d)
    ball = e.eval_ball([arb(Q(q.numerator, q.denominator)) for q in pt])
    assert ball.is_finite()
    assert ball.rad() < 1e-12
    assert encloses(ball, mp_ref(lambda: ref([mpq(q) for q in pt])))


def _box(lo: Fraction, hi: Fraction) -> arb:
    """A ball containing the interval [lo, hi]."""
    return arb(Q(lo.numerator, lo.denominator)).union(arb(Q(hi.numerator, hi.denominator)))


@pytest.mark.parametrize("src,d,ref", MP_CASES)
@settings(deadline=None)
@given(data=st.data())
def test_eval_ball_box_enclosure(src, d, ref, data):
    e = parse_expression(src, d)
    los = [data.draw(rationals) for _ in range(d)]
    widths = [data.draw(st.fractions(0, 1, max_denominator=1000)) for _ in range(d)]
    box = [_box(lo, lo + w) for lo, w in zip(los, widths)]
    ball = e.eval_ball(box)
    assume(ball.is_finite())  # e.g. sqrt of a box touching 0 after rounding
    for _ in range(5):
        ts = [data.draw(st.fractions(0, 1, max_denominator=1000)) for _ in range(d)]
        pt = [lo + t * w for lo, t, w in zip(los, ts, widths)]
        assert encloses(ball, mp_ref(lambda: ref([mpq(q) for q in pt])))


@settings(deadline=None)
@given(lo=rationals, w=st.fractions(0, 2, max_denominator=1000),
       t=st.fractions(0, 1, max_denominator=1000))
def test_eval_ball_box_rational_exact(lo, w, t):
    """Rational expressions: the box ball contains the exact value at points of the box."""
    e = parse_expression("abs(x - 1/3)^2 - min(x, 1 - x)^3 + max(x, 0.25)/(2 + x^2)", 1)
    ball = e.eval_ball([_box(lo, lo + w)])
    assert ball.is_finite()
    p = lo + t * w
    assert has(ball, e.eval_exact([Q(p.numerator, p.denominator)]))


def test_eval_ball_tight_and_undecidable():
    e = parse_expression("x^2", 1)
    sq = e.eval_ball([arb(0, 1)])  # [-1, 1]^2 = [0, 1]
    assert sq.lower() >= 0 and sq.upper() < 1.01
    assert parse_expression("abs(x)", 1).eval_ball([arb(0, 1)]).lower() >= 0
    assert parse_expression("x^3", 1).eval_ball([arb(-2, 1)]).upper() < -0.99
    # sqrt of a ball with a negative part, division by a ball containing 0: non-finite
    assert not parse_expression("sqrt(x)", 1).eval_ball([arb(0, 1)]).is_finite()
    assert not parse_expression("1/x", 1).eval_ball([arb(0, 1)]).is_finite()
    assert parse_expression("sqrt(x)", 1).eval_ball([arb(4)]) == 2
    assert parse_expression("sqrt(x)", 1).eval_ball([arb(0)]) == 0


# ---------------------------------------------------------------- complex callback

def test_eval_acb_analytic_contract():
    for src in ["abs(x)", "sqrt(x)", "max(x, 0)", "min(x, 0)", "abs(x)^2 + sin(x)"]:
        e = parse_expression(src, 1)
        near = acb(arb(0, 0.1), arb(0, 0.1))
        assert not e.eval_acb(near, True).is_finite(), src
        assert e.eval_acb(near.real, False).is_finite(), src  # real segment through 0
        assert e.eval_acb(acb(2), True).is_finite(), src
    assert parse_expression("sqrt(x)", 1).eval_acb(acb(4), True) == 2
    assert parse_expression("exp(x) + x^3", 1).eval_acb(acb(arb(0, 0.1)), True).is_finite()
    with pytest.raises(InputError):
        parse_expression("x1 + x2", 2).eval_acb(acb(1), False)


# ---------------------------------------------------------------- integration

def _mp(x):
    return mpmath.mpf(x)


INTEGRALS = [
    ("abs(x-1/3)", Q(0), Q(1), lambda: _mp(5) / 18),
    ("min(x, 1-x)", Q(0), Q(1), lambda: _mp(1) / 4),
    ("sqrt(x+1)", Q(0), Q(1), lambda: (2 * mpmath.sqrt(2) ** 3 - 2) / 3),
    ("sin(3*x)", Q(0), Q(1), lambda: (1 - mpmath.cos(3)) / 3),
    ("exp(-x^2)", Q(0), Q(1), lambda: mpmath.sqrt(mpmath.pi) / 2 * mpmath.erf(1)),
    ("max(x, 1/2)^2", Q(-1, 3), Q(1), lambda: _mp(1) / 4 * (_mp(1) / 2 + _mp(1) / 3)
     + (1 - _mp(1) / 8) / 3),
    ("sqrt(x)", Q(0), Q(2, 7), lambda: _mp(2) / 3 * mpmath.sqrt(_mp(2) / 7) ** 3),
    ("abs(x-1/3)", Q(1), Q(0), lambda: -_mp(5) / 18),
    ("cos(x)*x", Q(1, 3), Q(1, 3), lambda: _mp(0)),
]


@pytest.mark.parametrize("src,a,b,ref", INTEGRALS)
def test_integrate_1d_encloses_closed_forms(src, a, b, ref):
    old = ctx.prec
    r = integrate_1d(parse_expression(src, 1), a, b)
    assert ctx.prec == old
    assert r.is_finite() and r.rad() < 1e-10
    assert encloses(r, mp_ref(ref))


def test_integrate_1d_exact_rational_and_precision():
    e = parse_expression("abs(x-1/3)", 1)
    assert has(integrate_1d(e, Q(0), Q(1)), Q(5, 18))
    ctx.prec = 80
    try:
        r = integrate_1d(e, Q(0), Q(1), prec=200)
        assert ctx.prec == 80
    finally:
        ctx.prec = 53
    assert has(r, Q(5, 18)) and r.rad() < 1e-50


def _poly_int(coeffs, a, b):
    return sum(Fraction(c) * (b ** (k + 1) - a ** (k + 1)) / (k + 1)
               for k, c in enumerate(coeffs))


@settings(deadline=None)
@given(a=st.fractions(-2, 2, max_denominator=50), w=st.fractions(0, 3, max_denominator=50),
       c=st.fractions(-3, 3, max_denominator=50))
def test_integrate_abs_kink_and_moments(a, w, c):
    """f = |x - c| on [a, b]: exact piecewise-polynomial integrals against 1, x, x^2 and f^2."""
    b = a + w
    e = parse_expression(f"abs(x - ({c.numerator}/{c.denominator}))", 1)
    m = integral_moments_1d(e, Q(a.numerator, a.denominator), Q(b.numerator, b.denominator),
                            64)
    k = min(max(c, a), b)  # kink clipped to [a, b]
    for key, weight in [("f", [0, 1]), ("xf", [0, 0, 1]), ("x2f", [0, 0, 0, 1])]:
        # x^j |x - c| = +-(x^(j+1) - c x^j)
        poly = [Fraction(0)] * len(weight)
        j = len(weight) - 2
        poly[j + 1], poly[j] = Fraction(1), -c
        exact = _poly_int(poly, k, b) - _poly_int(poly, a, k)
        assert has(m[key], Q(exact.numerator, exact.denominator)), key
        assert m[key].rad() < 1e-10
    sq = _poly_int([c * c, -2 * c, 1], a, b)
    assert has(m["f2"], Q(sq.numerator, sq.denominator)) and m["f2"].rad() < 1e-10


def test_integrate_weight_polynomial():
    e = parse_expression("min(x, 1 - x)", 1)
    r = integrate_1d(e, Q(0), Q(1), poly=[Q(1), Q(0), Q(3)])  # (1 + 3x^2) min(x, 1-x)
    exact = Fraction(1, 4) + 3 * (_poly_int([0, 0, 0, 1], 0, Fraction(1, 2))
                                  + _poly_int([0, 0, 1, -1], Fraction(1, 2), 1))
    assert has(r, Q(exact.numerator, exact.denominator)) and r.rad() < 1e-10
    r2 = integrate_1d(e, Q(0), Q(1), square=True)
    assert has(r2, Q(1, 12))


def test_integrate_failures_are_non_finite():
    assert not integrate_1d(parse_expression("sqrt(x - 1/2)", 1), Q(0), Q(1)).is_finite()
    assert not integrate_1d(parse_expression("1/(x - 1/3)", 1), Q(0), Q(1)).is_finite()
    with pytest.raises(InputError):
        integrate_1d(parse_expression("x1*x2", 2), Q(0), Q(1))


# ---------------------------------------------------------------- float screening

def test_eval_float_vectorised():
    e = parse_expression("abs(x - 1/3) + sqrt(x)", 1)
    xs = np.linspace(0, 1, 7)
    out = e.eval_float(xs)
    assert out.shape == (7,)
    np.testing.assert_allclose(out, np.abs(xs - 1 / 3) + np.sqrt(xs), rtol=1e-15)
    assert isinstance(e.eval_float(0.25), float)
    assert np.isnan(e.eval_float(-1.0))
    e2 = parse_expression("max(x1, x2, 0.5) * x2 + 1", 2)
    pts = np.array([[0.1, 0.2], [0.9, -1.0], [0.0, 0.0]])
    np.testing.assert_allclose(e2.eval_float(pts), [1.1, 0.1, 1.0])
    assert e2.eval_float([0.9, 2.0]) == 5.0
    assert parse_expression("2", 2).eval_float(pts).shape == (3,)
    with pytest.raises(InputError):
        e2.eval_float(np.zeros((4, 3)))


# ---------------------------------------------------------------- random trees (Hypothesis)

def _num_leaf():
    ints = st.integers(-20, 20).map(lambda n: (Fraction(n), f"({n})"))
    fracs = st.tuples(st.integers(-30, 30), st.integers(1, 30)).map(
        lambda t: (Fraction(t[0], t[1]), f"({t[0]}/{t[1]})"))
    decs = st.tuples(st.integers(0, 9999), st.integers(0, 4), st.booleans()).map(
        lambda t: (Fraction(t[0], 10 ** t[1]),
                   f"{t[0]}e-{t[1]}" if t[2] else
                   f"{t[0] // 10 ** t[1]}.{t[0] % 10 ** t[1]:0{t[1]}d}" if t[1] else str(t[0])))
    return st.one_of(ints, fracs, decs).map(lambda v: ("num", v[0], v[1]))


def _trees(d: int):
    var = st.integers(0, d - 1).map(lambda i: ("var", i))
    leaves = st.one_of(_num_leaf(), var)

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children)
            .map(lambda t: ("bin",) + t),
            children.map(lambda c: ("neg", c)),
            children.map(lambda c: ("abs", c)),
            st.tuples(children, st.integers(0, 3)).map(lambda t: ("pow",) + t),
            st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=1,
                                                                  max_size=3))
            .map(lambda t: ("minmax",) + t),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _to_text(t, d, spaced):
    sp = " " if spaced else ""
    tag = t[0]
    if tag == "num":
        return t[2]
    if tag == "var":
        return "x" if d == 1 and t[1] == 0 and not spaced else f"x{t[1] + 1}"
    if tag == "bin":
        return f"({_to_text(t[2], d, spaced)}{sp}{t[1]}{sp}{_to_text(t[3], d, spaced)})"
    if tag == "neg":
        return f"(-{sp}{_to_text(t[1], d, spaced)})"
    if tag == "abs":
        return f"abs({_to_text(t[1], d, spaced)})"
    if tag == "pow":
        return f"({_to_text(t[1], d, spaced)}){sp}^{sp}{t[2]}"
    args = ("," + sp).join(_to_text(c, d, spaced) for c in t[2])
    return f"{t[1]}({args})"


def _frac_eval(t, x):
    """Independent reference evaluator over fractions.Fraction."""
    tag = t[0]
    if tag == "num":
        return t[1]
    if tag == "var":
        return x[t[1]]
    if tag == "bin":
        a, b = _frac_eval(t[2], x), _frac_eval(t[3], x)
        return {"+": a + b, "-": a - b, "*": a * b}[t[1]] if t[1] != "/" else a / b
    if tag == "neg":
        return -_frac_eval(t[1], x)
    if tag == "abs":
        return abs(_frac_eval(t[1], x))
    if tag == "pow":
        return _frac_eval(t[1], x) ** t[2]
    vals = [_frac_eval(c, x) for c in t[2]]
    return min(vals) if t[1] == "min" else max(vals)


@settings(deadline=None)
@given(data=st.data(), d=st.integers(1, 3), spaced=st.booleans())
def test_random_trees_roundtrip(data, d, spaced):
    tree = data.draw(_trees(d))
    text = _to_text(tree, d, spaced)
    x = [data.draw(st.fractions(-5, 5, max_denominator=20)) for _ in range(d)]
    e = parse_expression(text, d)
    assert e.is_rational()
    xq = [Q(v.numerator, v.denominator) for v in x]
    try:
        expected = _frac_eval(tree, x)
    except ZeroDivisionError:
        with pytest.raises(InputError, match="division by zero"):
            e.eval_exact(xq)
        return
    got = e.eval_exact(xq)
    assert got == Q(expected.numerator, expected.denominator)
    ball = e.eval_ball([arb(v) for v in xq])
    if ball.is_finite():  # may be non-finite only if a divisor ball touches 0
        assert has(ball, got)


# ---------------------------------------------------------------- bad input

BAD = [
    ("x + foo(1)", 1, "'foo'", 4),
    ("x**2", 1, "use ^ for powers", 1),
    ("x^y", 1, "'y'", 2),
    ("x^-1", 1, "'-'", 2),
    ("x^2.5", 1, "'2.5'", 2),
    ("x^(2)", 1, "'('", 2),
    ("x^", 1, "end of expression", 2),
    ("import os", 1, "'import'", 0),
    ("__import__('os')", 1, "'__import__'", 0),
    ("x.real", 1, "'.'", 1),
    ("x[0]", 1, "'['", 1),
    ("x; y", 1, "';'", 1),
    ("lambda: 1", 1, "'lambda'", 0),
    ("", 1, "empty expression", 0),
    ("   ", 1, "empty expression", 3),
    ("1 2", 1, "'2'", 2),
    ("2x", 1, "'x'", 1),
    ("x + 1)", 1, "')'", 5),
    ("(x + 1", 1, "end of expression", 6),
    ("x3", 2, "'x3'", 0),
    ("x", 2, "'x'", 0),
    ("x2", 1, "'x2'", 0),
    ("x0", 1, "'x0'", 0),
    ("X", 1, "'X'", 0),
    ("e", 1, "'e'", 0),
    ("sin", 1, "'sin'", 0),
    ("sin x", 1, "'sin'", 0),
    ("min()", 1, "')'", 4),
    ("abs(x, 1)", 1, "'abs'", 0),
    ("pi(1)", 1, "'('", 2),
    ("1 + x^1001", 1, "'1001'", 6),
    ("1e-1001", 1, "'1e-1001'", 0),
    ("x + \n @", 1, "'@'", 6),
    ("x + @ + foo", 1, "'@'", 4),
    ("foo + @", 1, "'foo'", 0),
]


@pytest.mark.parametrize("src,d,token,pos", BAD)
def test_bad_input(src, d, token, pos):
    with pytest.raises(InputError) as info:
        parse_expression(src, d)
    msg = str(info.value)
    assert token in msg and f"position {pos}" in msg, msg
    assert "\n" not in msg
    assert msg.startswith("expression ")


def test_bad_input_message_format():
    with pytest.raises(InputError) as info:
        parse_expression("x + foo(1)", 1)
    assert str(info.value) == "expression 'x + foo(1)': unknown function 'foo' at position 4"


@pytest.mark.parametrize("d", [0, -1, True, 1.5, "1"])
def test_bad_dimension(d):
    with pytest.raises(InputError):
        parse_expression("x1", d)


def test_bad_source_type_and_limits():
    with pytest.raises(InputError):
        parse_expression(None, 1)
    with pytest.raises(InputError, match="nested"):
        parse_expression("(" * 500 + "x" + ")" * 500, 1)
    with pytest.raises(InputError, match="nested"):
        parse_expression("-" * 500 + "x", 1)
    with pytest.raises(InputError, match="longer than"):
        parse_expression("1" * 5000, 1)
    long_sum = parse_expression("+".join(["x"] * 5000), 1)  # flat chains are not deep
    assert long_sum.eval_exact([Q(1, 5)]) == 1000
    assert isinstance(long_sum, Expression)
