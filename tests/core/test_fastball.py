"""Fast balls (`verify.fastball`): every operation encloses the exact result on every member of
its operands.  Members are exact rationals (midpoints, endpoints and interior points of the
balls); the exact results are computed here with `fmpq` from the definitions and the
containment is decided with exact rationals (`float.as_integer_ratio`), never with floats."""

import math
import random

import numpy as np
import pytest
from flint import arb, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from verify import fastball as fb
from verify.errors import InputError
from verify.fastball import ETA, U, FastBall, Overflow
from verify.numbers import ball_bounds

MAXF = np.finfo(np.float64).max

pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")


def Q(x) -> fmpq:
    if isinstance(x, fmpq):
        return x
    p, q = float(x).as_integer_ratio()
    return fmpq(p, q)


def encl(ball: FastBall, index, value) -> bool:
    """value ∈ ball[index], decided exactly (our own comparison)."""
    m = Q(ball.mid[index])
    r = fmpq(0) if ball.rad is None else Q(ball.rad[index])
    return abs(value - m) <= r


def assert_contains(ball: FastBall, exact: dict, what=""):
    """``exact``: {index: fmpq}; also cross-checks `FastBall.contains` and `bounds`."""
    assert ball.rad is None or (ball.rad >= 0).all()
    try:
        lo, hi = ball.bounds()
    except Overflow:  # `finite` sums the entries: a documented false alarm near the float range
        assert np.isfinite(ball.mid).all() and float(np.max(np.abs(ball.mid))) > 1e300
        lo = hi = None
    for idx, v in exact.items():
        assert encl(ball, idx, v), f"{what}{idx}: {v} not in {ball.mid[idx]!r} ± {0 if ball.rad is None else ball.rad[idx]!r}"
        if lo is None:
            continue
        # `bounds` may round past the float range to ±inf (still a valid bound)
        assert (lo[idx] == -math.inf or Q(lo[idx]) <= v) and (hi[idx] == math.inf or v <= Q(hi[idx]))


def members(ball: FastBall, rng: random.Random, k=4):
    """k exact members of an array ball (each a dict index → fmpq): the lower corner, the upper
    corner, the midpoints, then points mixing endpoints and interior points entry by entry."""
    out = []
    for t in range(k):
        d = {}
        for idx in np.ndindex(ball.shape):
            m = Q(ball.mid[idx])
            r = fmpq(0) if ball.rad is None else Q(ball.rad[idx])
            s = [fmpq(-1), fmpq(1), fmpq(0)][t] if t < 3 else fmpq(rng.choice([-7, 7, rng.randint(-7, 7)]), 7)
            d[idx] = m + s * r
        out.append(d)
    return out


# --------------------------------------------------------------------------------------------
# strategies

special = st.sampled_from([0.0, -0.0, 1.0, -1.0, 1 / 3, 0.1, 5e-324, -5e-324, 2.0 ** -1022, 2.0 ** -1060,
                           1e-300, -1e-300, 1e-160, 1e150, -1e150, 1e300, 2.0 ** 1023, 0.5, 3.0])
plain = st.floats(-1e3, 1e3, allow_nan=False)
wide = st.floats(allow_nan=False, allow_infinity=False)
floats = st.one_of(plain, special, wide)
radii = st.one_of(st.just(0.0), st.floats(0, 1e-3), st.sampled_from([5e-324, 1e-300, 1.0, 1e-16]), st.floats(0, 1e300))


@st.composite
def balls(draw, shape, exact=None, nonneg=False, fl=floats):
    n = int(np.prod(shape)) if shape else 1
    mid = np.array(draw(st.lists(fl, min_size=n, max_size=n)), dtype=np.float64).reshape(shape)
    if nonneg:
        mid = np.abs(mid)
    has_rad = draw(st.booleans()) if exact is None else not exact
    rad = np.array(draw(st.lists(radii, min_size=n, max_size=n)), dtype=np.float64).reshape(shape) if has_rad else None
    return FastBall(mid, rad, nonneg)


def overflow_ok(f):
    """Run f: a result, or None if it raised `Overflow` (allowed past the float64 range)."""
    try:
        return f()
    except Overflow:
        return None


# --------------------------------------------------------------------------------------------
# environment, constants, the inflation lemma


def test_check_environment_passes_and_is_idempotent():
    fb.check_environment()
    fb.check_environment()
    assert fb._ENV_OK == "ok"


@given(st.fractions(min_value=0, max_value=10 ** 6, max_denominator=10 ** 9) | st.sampled_from(
    [fmpq(1, 3), ETA / 3, ETA, 3 * ETA / 2, fmpq(2) ** 1023 * 3 / 2, fmpq(2) ** 1024, U, U / 3]))
def test_float_up_down(x):
    q = fmpq(x.numerator, x.denominator)
    up, down = fb.float_up(q), fb.float_down(q)
    assert up == math.inf or Q(up) >= q
    assert down == -math.inf or Q(down) <= q
    if math.isfinite(up) and up > 0:
        assert Q(math.nextafter(up, 0)) < q  # the least such float
    assert fb.gamma(10) >= 10 * U


def test_gamma_refuses_long_products():
    with pytest.raises(InputError):
        fb.gamma(2 ** 52)


@settings(max_examples=40)
@given(st.lists(st.fractions(min_value=0, max_value=10 ** 12, max_denominator=10 ** 12) | st.sampled_from(
    [fmpq(0), ETA / 3, ETA, fmpq(1, 3) * ETA, fmpq(2) ** -1050 / 3]), min_size=1, max_size=6),
       st.sampled_from([fmpq(1), fmpq(2, 3), fmpq(7)]), st.sampled_from([fmpq(0), ETA, fmpq(1, 3)]))
def test_upper_inflation_lemma(ts, k, e):
    """S = Σ t_j exact; t̂_j = fl(t_j) ≥ (1 − u)t_j − η/2; any float summation order; then
    `_upper` ≥ k·S + e."""
    ts = [fmpq(t.numerator, t.denominator) if not isinstance(t, fmpq) else t for t in ts]
    hat = [float(t) for t in ts]
    S = sum(ts, fmpq(0))
    for order in (hat, hat[::-1]):
        s_hat = 0.0
        for h in order:
            s_hat += h
        out = fb._upper(np.array([s_hat]), fb._upper_consts(len(ts), U, ETA / 2, k, e))
        assert Q(out[0]) >= k * S + e


# --------------------------------------------------------------------------------------------
# conversion


@given(st.fractions(max_denominator=10 ** 30) | st.sampled_from([fmpq(1, 3) * ETA, -ETA / 7, fmpq(10) ** 400,
                                                                   -fmpq(10) ** 309, fmpq(1, 10) ** 330,
                                                                   fmpq(2) ** 1024 - 1]))
def test_from_numbers_fmpq(x):
    q = x if isinstance(x, fmpq) else fmpq(x.numerator, x.denominator)
    b = overflow_ok(lambda: fb.from_numbers([q, 1, 0.1], (3,)))
    if b is None:
        assert abs(q) > Q(float(MAXF))
        return
    assert_contains(b, {(0,): q, (1,): fmpq(1), (2,): Q(0.1)})
    assert b.rad is None or b.rad[2] == 0  # floats are exact
    assert fb.scalar(q).contains([q])


def test_from_numbers_exactness_and_nonfinite():
    b = fb.from_numbers([fmpq(1, 2), 3, 0.25, -5e-324], (2, 2))
    assert b.rad is None and b.mid.tolist() == [[0.5, 3.0], [0.25, -5e-324]]
    b = fb.from_numbers([fmpq(1, 3)], (1,))
    assert b.rad[0] > 0 and encl(b, (0,), fmpq(1, 3)) and not encl(b, (0,), fmpq(1, 3) + 2 * Q(b.rad[0]))
    with pytest.raises(InputError):
        fb.from_numbers([math.nan], (1,))
    with pytest.raises(InputError):
        fb.from_numbers([math.inf], (1,))
    with pytest.raises(Overflow):
        fb.from_numbers([fmpq(10) ** 400], (1,))
    # below the subnormal range: a ball around 0 reaching the value
    b = fb.from_numbers([ETA / 3], (1,))
    assert b.mid[0] == 0 and Q(b.rad[0]) >= ETA / 3


@given(st.fractions(min_value=-10 ** 6, max_value=10 ** 6, max_denominator=1000),
       st.sampled_from([0.0, 1e-20, 1e-3, 1.0, 1e10, 5e-324]))
def test_from_numbers_arb(x, r):
    m = fmpq(x.numerator, x.denominator)
    a = arb(m.p) / m.q
    if r:
        a = a + arb(0, r)
    b = fb.from_numbers([a], (1,))
    lo, hi = ball_bounds(a)
    assert encl(b, (0,), lo) and encl(b, (0,), hi) and encl(b, (0,), (lo + hi) / 2) and encl(b, (0,), m)


@pytest.mark.parametrize("a", [arb(0, 1e300) * arb(10) ** 200, arb(-1e308) * 10, arb(1e308) * 10,
                               arb(1, 1e308) * 4])
def test_from_numbers_arb_past_the_float_range_is_overflow(a):
    """An `arb` beyond the float64 range is an `Overflow` (an `Undecided`), not a Python
    OverflowError or a wrong ball."""
    with pytest.raises(Overflow):
        fb.from_numbers([a], (1,))


# --------------------------------------------------------------------------------------------
# entrywise operations


SHAPES = st.sampled_from([(3,), (2, 3), ()])


@given(st.data())
def test_add_sub(data):
    shape = data.draw(SHAPES)
    A, B = data.draw(balls(shape)), data.draw(balls(shape))
    rng = random.Random(data.draw(st.integers(0, 10 ** 6)))
    for sign in (1, -1):
        C = overflow_ok(lambda: fb.add(A, B, sign))
        if C is None:
            continue
        for ma, mb in zip(members(A, rng), members(B, rng)):
            assert_contains(C, {i: ma[i] + sign * mb[i] for i in ma}, "add")


@given(st.data())
def test_mul_broadcasting(data):
    shape = data.draw(st.sampled_from([(2, 3), (3,)]))
    bshape = data.draw(st.sampled_from([shape, (), shape[-1:]]))
    A = data.draw(balls(shape, nonneg=data.draw(st.booleans())))
    B = data.draw(balls(bshape))
    rng = random.Random(data.draw(st.integers(0, 10 ** 6)))
    C = overflow_ok(lambda: fb.mul(A, B))
    if C is None:
        return
    for ma, mb in zip(members(A, rng), members(B, rng)):
        bidx = (lambda i: i) if bshape == shape else (lambda i: ()) if bshape == () else (lambda i: i[-1:])
        exact = {i: ma[i] * mb[bidx(i)] for i in ma}
        assert_contains(C, exact, "mul")


@given(st.data())
def test_total(data):
    shape = data.draw(st.sampled_from([(4,), (3, 2), (5, 1)]))
    A = data.draw(balls(shape, nonneg=data.draw(st.booleans())))
    rng = random.Random(data.draw(st.integers(0, 10 ** 6)))
    T = overflow_ok(lambda: fb.total(A))
    T0 = overflow_ok(lambda: fb.total(A, axis=0)) if len(shape) == 2 else None
    for m in members(A, rng):
        if T is not None:
            assert_contains(T, {(): sum(m.values(), fmpq(0))}, "total")
        if T0 is not None:
            assert_contains(T0, {(j,): sum((m[(i, j)] for i in range(shape[0])), fmpq(0))
                                 for j in range(shape[1])}, "total axis 0")


def test_subnormal_products_and_underflow():
    """Products that underflow to 0 or to subnormals keep the exact value."""
    A = fb.exact(np.array([1e-300, 5e-324, 2.0 ** -1022, 3e-200]))
    B = fb.exact(np.array([1e-300, 0.5, 1 / 3, 1e-120]))
    C = fb.mul(A, B)
    assert_contains(C, {(i,): Q(a) * Q(b) for i, (a, b) in enumerate(zip(A.mid, B.mid))})
    assert C.mid[0] == 0 and C.rad[0] > 0  # 1e-600 underflowed: the radius keeps it
    S = fb.total(fb.exact(np.array([5e-324, 5e-324, -1e-320])))
    assert_contains(S, {(): Q(5e-324) * 2 - Q(1e-320)})
    M = fb.matmul(fb.exact(np.full((2, 3), 1e-300)), fb.exact(np.full((3, 2), 1e-300)),
                  fb.exact(np.array([5e-324, 0.0])))
    assert_contains(M, {(i, j): 3 * Q(1e-300) ** 2 + (Q(5e-324) if j == 0 else 0) for i in range(2) for j in range(2)})


def test_overflow_is_detected():
    big = fb.exact(np.array([1e200, -1e308, 1.0]))
    with pytest.raises(Overflow):
        fb.mul(big, big)
    with pytest.raises(Overflow):
        fb.add(big, fb.exact(np.array([1e308, -1e308, 0.0])))
    with pytest.raises(Overflow):
        fb.total(fb.exact(np.array([1e308, 1e308])))
    Z = fb.matmul(fb.exact(np.array([[1e300, 1e300]])), fb.exact(np.array([[1e300], [1.0]])))
    with pytest.raises(Overflow):
        fb.relu(Z)
    with pytest.raises(Overflow):
        Z.bounds()
    with pytest.raises(Overflow):
        Z.to_arb()
    with pytest.raises(Overflow):
        FastBall(np.array([1.0, np.nan])).finite()
    with pytest.raises(Overflow):
        FastBall(np.array([1.0, 2.0]), np.array([0.0, np.inf])).finite()
    with pytest.raises(Overflow):  # a radius overflow alone is caught too
        fb.mul(fb.exact(np.array([1e300])), FastBall(np.array([1.0]), np.array([1e10])))


# --------------------------------------------------------------------------------------------
# matrix products


@settings(max_examples=60)
@given(st.data())
def test_matmul(data):
    N, n, k = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3))
    fl = data.draw(st.sampled_from([floats, plain, special]))
    A = data.draw(balls((N, n), nonneg=data.draw(st.booleans()), fl=fl))
    B = data.draw(balls((n, k), fl=fl))
    bias = data.draw(st.one_of(st.none(), balls((k,), fl=fl)))
    rng = random.Random(data.draw(st.integers(0, 10 ** 6)))
    C = fb.matmul(A, B, bias)
    if not (np.isfinite(C.mid).all() and np.isfinite(C.rad).all()):
        with pytest.raises(Overflow):
            C.bounds()
        return
    for ma, mb, mc in zip(members(A, rng), members(B, rng),
                          members(bias, rng) if bias is not None else [None] * 4):
        exact = {(i, j): sum((ma[(i, l)] * mb[(l, j)] for l in range(n)), fmpq(0))
                 + (mc[(j,)] if mc is not None else 0) for i in range(N) for j in range(k)}
        assert_contains(C, exact, "matmul")
    CT = fb.matmul(B.T, A.T)
    assert CT.shape == (k, N)


def test_matmul_both_groupings_and_cancellation():
    """Rump's radius on both operand cases (the smaller operand prepared), exact cancellation to
    0 and a non-dyadic bias."""
    rng = random.Random(2)
    third = fb.from_numbers([fmpq(1, 3)] * 6, (2, 3))
    A = fb.exact(np.array([[1.0, -1.0, 0.5], [3.0, 3.0, -6.0]]))
    for left, right in ((A, third.T), (third, A.T), (third, third.T), (A, fb.exact(A.mid.T))):
        for bias in (None, fb.from_numbers([fmpq(-1, 7), fmpq(1, 3)], (2,))):
            C = fb.matmul(left, right, bias)
            for ml, mr, mb in zip(members(left, rng), members(right, rng),
                                  members(bias, rng) if bias is not None else [None] * 4):
                assert_contains(C, {(i, j): sum((ml[(i, l)] * mr[(l, j)] for l in range(3)), fmpq(0))
                                    + (mb[(j,)] if mb is not None else 0) for i in range(2) for j in range(2)})
    big = fb.exact(rng.random() * np.ones((4, 300)))
    C = fb.matmul(big, fb.exact(np.ones((300, 2))))
    assert_contains(C, {(i, 0): 300 * Q(big.mid[0, 0]) for i in range(4)})
    with pytest.raises(ValueError):
        fb.matmul(A, A)


# --------------------------------------------------------------------------------------------
# ReLU and its derivative


def relu_q(z):
    return z if z > 0 else fmpq(0)


@given(st.data())
def test_relu(data):
    shape = (2, 3)
    Z = data.draw(balls(shape, fl=st.one_of(plain, special, st.sampled_from([0.0, 1e-3, -1e-3]))))
    rng = random.Random(data.draw(st.integers(0, 10 ** 6)))
    res = overflow_ok(lambda: fb.relu(Z))
    if res is None:
        return
    A, pat = res
    assert A.nonneg and (A.mid >= 0).all()
    for m in members(Z, rng, 5):
        assert_contains(A, {i: relu_q(v) for i, v in m.items()}, "relu")
    # zero itself, whenever a ball holds it
    for i in np.ndindex(shape):
        if encl(Z, i, fmpq(0)):
            assert encl(A, i, fmpq(0))
            assert i in list(zip(*pat.touch)) or (Z.rad is None and Z.mid[i] == 0)


def kappa(z, c0):
    return fmpq(1) if z > 0 else fmpq(0) if z < 0 else c0


@settings(max_examples=60)
@given(st.data(), st.sampled_from([fmpq(0), fmpq(1), fmpq(1, 2), fmpq(1, 3), fmpq(2), fmpq(-1, 5)]))
def test_relu_backward(data, c0):
    shape = (2, 3)
    zfl = st.one_of(plain, st.sampled_from([0.0, 1e-3, -1e-3, 5e-324, -5e-324]))
    Z = data.draw(balls(shape, fl=zfl))
    P = data.draw(balls(shape, fl=st.one_of(plain, special)))
    rng = random.Random(data.draw(st.integers(0, 10 ** 6)))
    _, pat = fb.relu(Z)
    D = overflow_ok(lambda: fb.relu_backward(P, pat, c0))
    if D is None:
        return
    D = D.finite() if D.rad is not None else D
    for mz, mp in zip(members(Z, rng, 5), members(P, rng, 5)):
        assert_contains(D, {i: mp[i] * kappa(mz[i], c0) for i in mz}, "relu_backward")
        zero = {i: (fmpq(0) if encl(Z, i, fmpq(0)) else mz[i]) for i in mz}  # z = 0 where the ball holds it
        assert_contains(D, {i: mp[i] * kappa(zero[i], c0) for i in mz}, "relu_backward at 0")


@pytest.mark.parametrize("c0", [fmpq(0), fmpq(1), fmpq(1, 2), 0, 1, 0.5])
def test_relu_backward_exact_kink_uses_the_convention(c0):
    """An exact pre-activation 0 gives exactly ReLU′(0)·p (not the hull) for an exact Z."""
    Z = fb.exact(np.array([[0.0, 1.0, -1.0, -0.0]]))
    P = fb.exact(np.array([[3.0, 5.0, 7.0, 2.0]]))
    A, pat = fb.relu(Z)
    assert A.mid.tolist() == [[0.0, 1.0, 0.0, 0.0]]
    D = fb.relu_backward(P, pat, fmpq(c0) if not isinstance(c0, float) else fmpq(1, 2))
    c = fmpq(c0) if not isinstance(c0, float) else fmpq(1, 2)
    assert_contains(D, {(0, 0): 3 * c, (0, 1): fmpq(5), (0, 2): fmpq(0), (0, 3): 2 * c})
    assert Q(D.rad[0, 0]) <= fmpq(1, 2 ** 40)  # tight: not the hull [0, 3]
    # a ball around 0 gives the hull of both branches and of c0
    Zb = FastBall(np.array([[0.0]]), np.array([[1e-3]]))
    _, pb = fb.relu(Zb)
    Db = fb.relu_backward(fb.exact(np.array([[-4.0]])), pb, c)
    assert_contains(Db, {(0, 0): fmpq(-4)})
    assert_contains(Db, {(0, 0): fmpq(0)})
    assert_contains(Db, {(0, 0): -4 * c})


@given(st.floats(-1e300, 1e300), st.floats(-1e300, 1e300) | st.sampled_from([0.0, 5e-324, -5e-324]))
def test_midrad(a, b):
    lo, hi = min(a, b), max(a, b)
    m, r = fb._midrad(np.array([lo]), np.array([hi]))
    ball = FastBall(m, r)
    assert encl(ball, (0,), Q(lo)) and encl(ball, (0,), Q(hi)) and encl(ball, (0,), (Q(lo) + Q(hi)) / 2)


# --------------------------------------------------------------------------------------------
# bounds, to_arb, contains


@given(balls((3,), fl=st.one_of(plain, special)))
def test_bounds_to_arb_contains(B):
    try:
        lo, hi = B.bounds()
        arbs = B.to_arb()
    except Overflow:  # `finite` sums the entries: a false alarm near the float range is allowed
        assert float(np.max(np.abs(B.mid))) > 1e300 or (B.rad is not None and float(np.max(B.rad)) > 1e300)
        return
    rng = random.Random(0)
    for m in members(B, rng):
        vals = [m[(i,)] for i in range(3)]
        assert B.contains(vals)
        for i, v in enumerate(vals):
            assert Q(lo[i]) <= v <= Q(hi[i])
            alo, ahi = ball_bounds(arbs[i])
            assert alo <= v <= ahi
    # just outside: contains must say no
    if B.rad is not None and B.rad[0] < 1e300 and abs(B.mid[0]) < 1e300:
        out = Q(B.mid[0]) + Q(B.rad[0]) + ETA
        assert not B.contains([out] + [Q(x) for x in B.mid[1:]])
    with pytest.raises(ValueError):
        B.contains([fmpq(0)])


# --------------------------------------------------------------------------------------------
# the small terms of the radii: cases where each one is needed


def test_matmul_underflow_terms_are_needed():
    """Three products of 0.49η each round to 0: mid 0, exact sum 1.47η > η -- only the nη
    underflow terms of the radius (α and e of `matmul`) cover it."""
    x = 2.0 ** -537
    y = math.ldexp(0.98, -538)
    assert Q(x) * Q(y) < ETA / 2 and x * y == 0.0
    for bias in (None, fb.exact(np.array([0.0]))):
        C = fb.matmul(fb.exact(np.full((1, 3), x)), fb.exact(np.full((3, 1), y)), bias)
        assert C.mid[0, 0] == 0.0
        assert_contains(C, {(0, 0): 3 * Q(x) * Q(y)})
        C = fb.matmul(fb.exact(np.full((1, 3), y)), fb.exact(np.full((3, 1), x)), bias)  # the other grouping
        assert_contains(C, {(0, 0): 3 * Q(x) * Q(y)})


def test_matmul_prepared_factor_needs_its_eta():
    """|M_A|·γ underflows to a subnormal with ~14 bits and rounds down by ~2·10⁻⁵ relative while
    fl(a·b) has the largest possible error (a tie, 2⁵³ + 1 = 3·107·28059810762433): without the +η
    in the prepared factor the radius is below the error."""
    a = math.ldexp(28059810762433, -1052)
    b = math.ldexp(321, 1000)
    exact = Q(a) * Q(b)
    assert exact == fmpq(2 ** 53 + 1, 2 ** 52) and a * b == 2.0
    for A, B in ((fb.exact([[a]]), fb.exact([[b]])), (fb.exact([[b]]), fb.exact([[a]]))):
        assert_contains(fb.matmul(A, B), {(0, 0): exact})
    assert_contains(fb.matmul(fb.exact([[a, 0.0]]), fb.exact([[b], [1.0]])), {(0, 0): exact})


def test_matmul_bias_rounding_needs_gamma_n_plus_1():
    """fl(a·b) = 1 + 4u from the tie 1 + 3u, then fl(1 + 4u − u) = 1 + 4u from the tie 1 + 3u: the
    exact a·b + β = 1 + 2u is 2u away -- the bias addition's rounding (γ_{n+1}) is needed."""
    # a·b = 1 + 3u: 2^53 + 3 = 456995 · 19709623201 (both factors are floats)
    assert 456995 * 19709623201 == 2 ** 53 + 3
    a, b, beta = 456995.0, math.ldexp(19709623201, -53), -(2.0 ** -53)
    assert Q(a) * Q(b) == 1 + 3 * U
    C = fb.matmul(fb.exact([[a]]), fb.exact([[b]]), fb.exact([beta]))
    assert C.mid[0, 0] == 1 + 4 * 2.0 ** -53
    assert_contains(C, {(0, 0): 1 + 2 * U})


def test_relu_prime0_below_the_float_range():
    """ReLU′(0) = η/3 is no float: its ball must widen κ (else p·c0 = 1e300·η/3 is lost)."""
    c0 = ETA / 3
    Z = fb.exact(np.array([[0.0, 0.0]]))
    P = fb.exact(np.array([[1e300, -1e300]]))
    _, pat = fb.relu(Z)
    D = fb.relu_backward(P, pat, c0)
    assert_contains(D, {(0, 0): Q(1e300) * c0, (0, 1): -Q(1e300) * c0})


def test_from_numbers_arb_radius_covers_both_sides():
    """An `arb` centred at 1/10 (200 bits) with a float radius R: the nearest float m to the
    centre lies above it, so the lower endpoint is R + (m − c) > R away -- the ball's radius must
    bound both distances."""
    from flint import ctx

    old = ctx.prec
    try:
        ctx.prec = 200
        centre = arb(fmpq(1, 10)).mid()
    finally:
        ctx.prec = old
    a = arb(centre, 2.0 ** -10)
    lo, hi = ball_bounds(a)
    b = fb.from_numbers([a], (1,))
    assert Q(b.mid[0]) > (lo + hi) / 2
    assert encl(b, (0,), lo) and encl(b, (0,), hi)


@pytest.mark.parametrize("c0", [Q(0.1), Q(1 / 3), fmpq(1, 3)])
def test_relu_backward_rounds_products_outward(c0):
    """ReLU′(0) a float whose products with P are not floats: p·c0 is rounded outward."""
    Z = fb.exact(np.array([[0.0, 0.0, 0.0]]))
    P = fb.exact(np.array([[3.0, -7.0, 1e-310]]))
    _, pat = fb.relu(Z)
    D = fb.relu_backward(P, pat, c0)
    assert_contains(D, {(0, j): Q(p) * c0 for j, p in enumerate(P.mid[0])})
