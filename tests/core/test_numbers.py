"""Ball helpers of `verify.numbers`: what each result encloses, checked on exact rationals."""

from fractions import Fraction

from flint import arb, fmpq
from hypothesis import given
from hypothesis import strategies as st

from verify.numbers import ball_bounds, ball_hull, exact_sqrt, square_enclosure

rationals = st.fractions(min_value=-10 ** 6, max_value=10 ** 6, max_denominator=10 ** 6)


def q(x: Fraction) -> fmpq:
    return fmpq(x.numerator, x.denominator)


@given(rationals, rationals, st.floats(0, 1))
def test_ball_hull_contains_the_whole_interval(a, b, t):
    lo, hi = min(a, b), max(a, b)
    x = ball_hull(q(lo), q(hi))
    inner = lo + (hi - lo) * Fraction(t)
    assert x.contains(q(lo)) and x.contains(q(hi)) and x.contains(q(inner))


@given(rationals, rationals, st.floats(0, 1))
def test_square_enclosure_contains_every_square_and_stays_near_nonnegative(a, b, t):
    lo, hi = min(a, b), max(a, b)
    x = ball_hull(q(lo), q(hi))
    y = lo + (hi - lo) * Fraction(t)
    s = square_enclosure(x)
    assert s.contains(q(y * y))
    low, high = ball_bounds(s)
    if lo <= 0 <= hi:  # only the radius rounding below 0 (x * x reaches down to -max(lo², hi²))
        assert low >= -high / 2 ** 20


def test_square_enclosure_is_tight_where_naive_multiplication_is_not():
    x = ball_hull(fmpq(-1), fmpq(1))
    assert ball_bounds(x * x)[0] < 0
    lo, hi = ball_bounds(square_enclosure(x))
    assert -fmpq(1, 2 ** 20) < lo <= 0 and hi >= 1
    assert square_enclosure(arb(3)).contains(9)


def test_exact_sqrt():
    assert exact_sqrt(fmpq(9, 4)) == fmpq(3, 2)
    assert exact_sqrt(fmpq(2)) is None and exact_sqrt(fmpq(-4)) is None and exact_sqrt(0) == 0
