"""Small helpers of the fibre engine (beg19): the domain Ω = [−D, D]^d, input checks, and access to
Γ = ((a_i, b_i, c_i))_{i≤m}, e stored as a `verify.nets.Network` [d, m, 1] with θ = (a row-major, b, c, e):
the neurons as tuples, rebuilding a network, exact ℓ1/ℓ2/ℓ∞ norms of a_i (or (a_i, b_i)), the positive
ratio λ with w = λu, and the direction key of w = (a, b) up to positive scaling.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq

from ...errors import InputError
from ...nets import Network
from ...numbers import exact_sqrt, parse_rational

_ZERO = fmpq(0)
_ONE = fmpq(1)


# --------------------------------------------------------------------------------------------
# small helpers


def _domain(D) -> fmpq:
    if isinstance(D, Fraction):
        D = fmpq(D.numerator, D.denominator)
    D = parse_rational(D, "params.D")
    if D <= 0:
        raise InputError(f"the domain [-D, D] needs D > 0, got D = {D}", "params.D")
    return D


def _exact_shallow(net: Network, where: str):
    if not isinstance(net, Network):
        raise InputError("expected a verify.nets.Network", where)
    if not net.is_shallow:
        raise InputError(f"needs a shallow network [d, m, 1], got widths {list(net.widths)}", where)
    if any(not isinstance(t, fmpq) for t in net.theta):
        raise InputError("exact computations need rational parameters", where)


def _check_1d(net: Network, where: str):
    _exact_shallow(net, where)
    if net.d != 1:
        raise InputError(f"needs input dimension 1, got widths {list(net.widths)}", where)


def _neurons(net: Network) -> tuple[list[tuple[tuple, fmpq, fmpq]], fmpq]:
    """([(a_i as a tuple, b_i, c_i)], e) for any input dimension."""
    m, d = net.H, net.d
    th = net.theta
    return [(tuple(th[i * d:(i + 1) * d]), th[m * d + i], th[m * (d + 1) + i]) for i in range(m)], th[-1]


def _build(d: int, neurons, e) -> Network:
    """A Network [d, m, 1] from [(a tuple, b, c)] and e."""
    a = [x for n in neurons for x in n[0]]
    return Network((d, len(neurons), 1), tuple(a + [n[1] for n in neurons] + [n[2] for n in neurons] + [fmpq(e)]))


def _build1(terms, e) -> Network:
    return _build(1, [((a,), b, c) for a, b, c in terms], e)


def _norm(v, kind: str) -> fmpq | None:
    """‖v‖ in ℓ1 / ℓ∞ exactly; ℓ2 exactly when it is rational, else ``None``."""
    if kind == "l1":
        return sum((abs(x) for x in v), _ZERO)
    if kind == "linf":
        return max((abs(x) for x in v), default=_ZERO)
    return exact_sqrt(sum((x * x for x in v), _ZERO))


def _norm_equals(v, c, kind: str) -> bool:
    """|c| = ‖v‖ exactly (ℓ2 by comparing squares)."""
    if kind == "l2":
        return c * c == sum((x * x for x in v), _ZERO)
    return abs(c) == _norm(v, kind)


def _pos_ratio(u, w) -> fmpq | None:
    """λ > 0 with w = λu (``None`` if there is none); zero vectors: λ = 1 iff both are zero."""
    if all(x == 0 for x in u):
        return _ONE if all(y == 0 for y in w) else None
    lam = None
    for x, y in zip(u, w):
        if x == 0:
            if y != 0:
                return None
        else:
            r = y / x
            if lam is None:
                lam = r
            elif r != lam:
                return None
    return lam if lam is not None and lam > 0 else None


def _key(a, b) -> tuple:
    """Direction of w = (a, b), a ≠ 0, up to positive scaling: divide by |first nonzero a_j|."""
    s = next(abs(x) for x in a if x != 0)
    return tuple(x / s for x in a) + (b / s,)

