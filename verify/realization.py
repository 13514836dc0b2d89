"""Realizations of shallow ReLU networks as functions on a domain, exactly in 1-D (layer 6; beg19).

Notation of beg19 §2: a shallow network Γ = ((a_i, b_i, c_i))_{i≤m}, e with realization
R(Γ)(x) = Σ_i c_i ρ(⟨a_i, x⟩ + b_i) + e, stored as a `verify.nets.Network` with widths [d, m, 1]
(θ = (a row-major, b, c, e): the layout of beg19 §2.1 and of cjrr21).

In 1-D on Ω = [−D, D] a continuous piecewise-linear function has the *canonical form*
(f(−D), left slope, sorted interior kinks (t_k, J_k ≠ 0)) with J_k the jump of the derivative (right
minus left); neuron i with a_i ≠ 0 kinks at t_i = −b_i/a_i with jump c_i|a_i|, and one with a_i = 0 is
the constant c_i ρ(b_i).  Two networks realize the same function on Ω iff their canonical forms are
equal.  Everything here is exact (`fmpq`); norms are Lebesgue ess sups, so the value of ρ′(0)
never matters.

    ‖f‖_{L^∞(Ω)} = max_{t ∈ T} |f(t)|,   ‖f′‖_{L^∞(Ω)} = max over the pieces of |slope|,

T = {±D} ∪ {interior kinks}, cost O(M log M) for M neurons in both networks.
"""

from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq

from .errors import InputError
from .nets import Network
from .numbers import is_exact

SOBOLEV_NORMS = ("max", "sum", "grad2", "semi")


@dataclass(frozen=True)
class Canonical:
    """f on [−D, D]: value at −D, slope on the first piece, interior kinks (t_k, J_k), J_k ≠ 0,
    t_k strictly increasing in (−D, D)."""

    D: fmpq
    left_value: fmpq
    left_slope: fmpq
    kinks: tuple[tuple[fmpq, fmpq], ...]

    def pieces(self) -> list[tuple[fmpq, fmpq, fmpq, fmpq]]:
        """[(x_from, x_to, value at x_from, slope)] covering [−D, D]."""
        out, x, v, s = [], -self.D, self.left_value, self.left_slope
        for t, J in self.kinks:
            out.append((x, t, v, s))
            v, x, s = v + s * (t - x), t, s + J
        out.append((x, self.D, v, s))
        return out

    def sup_norm(self) -> fmpq:
        """‖f‖_{L^∞(Ω)}: the max of |f| over the ends and the kinks."""
        best = abs(self.left_value)
        for x0, x1, v, s in self.pieces():
            best = max(best, abs(v + s * (x1 - x0)))
        return best

    def lip_norm(self) -> fmpq:
        """‖f′‖_{L^∞(Ω)}: the largest |slope| of a piece (pieces have positive length)."""
        return max(abs(s) for *_, s in self.pieces())

    def value(self, x: fmpq) -> fmpq:
        if not (-self.D <= x <= self.D):
            raise InputError(f"x = {x} is outside [-{self.D}, {self.D}]", "x")
        for x0, x1, v, s in self.pieces():
            if x <= x1:
                return v + s * (x - x0)
        raise AssertionError("unreachable")


def _check_1d(net: Network, where: str):
    if net.d != 1 or not net.is_shallow:
        raise InputError(f"needs a shallow network with input dimension 1, got widths {list(net.widths)}", where)
    if not all(is_exact(t) for t in net.theta):  # rationals, or the exact cells of a region box
        raise InputError("exact 1-D realizations need rational parameters", where)


def _check_domain(D) -> fmpq:
    D = fmpq(D)
    if D <= 0:
        raise InputError(f"the domain [-D, D] needs D > 0, got D = {D}", "params.D")
    return D


def neuron_terms(net: Network) -> tuple[list[tuple[fmpq, fmpq, fmpq]], fmpq]:
    """([(a_i, b_i, c_i)], e) of a shallow 1-D network."""
    H = net.H
    return [(net.theta[i], net.theta[H + i], net.theta[2 * H + i]) for i in range(H)], net.theta[-1]


def evaluate(terms, e, x: fmpq) -> fmpq:
    """R(Γ)(x) = Σ c_i ρ(a_i x + b_i) + e, exactly."""
    v = e
    for a, b, c in terms:
        z = a * x + b
        if z > 0:
            v += c * z
    return v


def canonical(net: Network, D=1, extra: list | None = None) -> Canonical:
    """The canonical form of R(Γ) on [−D, D] (of R(Γ) − R(Γ′) when ``extra`` holds the terms
    (a, b, −c) of Γ′ and its −e is folded into the network's e by the caller)."""
    _check_1d(net, "network")
    D = _check_domain(D)
    terms, e = neuron_terms(net)
    return canonical_from_terms(terms + list(extra or []), e, D)


def sorted_unique(values) -> list:
    """The values sorted, equal ones merged (the first kept), by comparisons only -- never by
    hashing, so that the exact polynomials of a region box (`verify.cells`, unhashable) merge
    exactly where the values at a point θ would."""
    out: list = []
    for t in sorted(values):
        if not out or out[-1] != t:
            out.append(t)
    return out


def canonical_from_terms(terms, e, D: fmpq) -> Canonical:
    raw = []
    for a, b, c in terms:
        if a != 0 and c != 0:
            t = -b / a
            if -D < t < D:
                raw.append((t, c * abs(a)))
    jumps: list = []  # [(t, Σ jumps at t)], t increasing; merged by comparisons, not by hashing t
    for t, J in sorted(raw, key=lambda tj: tj[0]):
        if jumps and jumps[-1][0] == t:
            jumps[-1] = (jumps[-1][0], jumps[-1][1] + J)
        else:
            jumps.append((t, J))
    kinks = tuple((t, J) for t, J in jumps if J != 0)
    first = min([t for t, _ in jumps] + [D])
    x0 = (-D + first) / 2  # inside the first piece of every neuron's partition
    slope = fmpq(0)
    for a, b, c in terms:
        if a * x0 + b > 0:
            slope += c * a
    return Canonical(D, evaluate(terms, e, -D), slope, kinks)


def difference(net: Network, other: Network, D=1) -> Canonical:
    """The canonical form of f = R(Γ) − R(Γ′) on [−D, D]."""
    _check_1d(other, "params.other")
    t2, e2 = neuron_terms(other)
    _check_1d(net, "network")
    t1, e1 = neuron_terms(net)
    return canonical_from_terms(t1 + [(a, b, -c) for a, b, c in t2], e1 - e2, _check_domain(D))


def sobolev(f: Canonical, norm: str = "max") -> fmpq:
    """‖f‖_{W^{1,∞}(Ω)} in the variant ``norm``: max (default; = grad2 in 1-D) of the sup norms of f
    and f′, their sum, or the seminorm ‖f′‖_∞ alone."""
    if norm not in SOBOLEV_NORMS:
        raise InputError(f"Sobolev norm must be one of {SOBOLEV_NORMS}", "norm")
    s, l = f.sup_norm(), f.lip_norm()
    return {"max": max(s, l), "grad2": max(s, l), "sum": s + l, "semi": l}[norm]


def w1inf_distance(net: Network, other: Network, D=1, norm: str = "max") -> fmpq:
    """‖R(Γ) − R(Γ′)‖_{W^{1,∞}([−D, D])}, exactly."""
    return sobolev(difference(net, other, D), norm)


def linf_distance(net: Network, other: Network, D=1) -> fmpq:
    """‖R(Γ) − R(Γ′)‖_{L^∞([−D, D])}, exactly."""
    return difference(net, other, D).sup_norm()


def same_realization(net: Network, other: Network, D=1) -> bool:
    """R(Γ) = R(Γ′) on [−D, D] (canonical forms equal)."""
    f = difference(net, other, D)
    return f.left_value == 0 and f.left_slope == 0 and not f.kinks


# --------------------------------------------------------------------------------------------
# independent direct evaluation (re-verification path: shares nothing with the canonical form)


def direct_distances(net: Network, other: Network, D=1) -> tuple[fmpq, fmpq]:
    """(‖f‖_{L^∞}, ‖f′‖_{L^∞}) of f = R(Γ) − R(Γ′) on [−D, D] straight from the definition: sort
    T = {±D} ∪ {−b/a ∈ (−D, D)} over both networks, evaluate Σ c ρ(ax + b) + e at every point of T
    with `fractions.Fraction`, and take the largest |value| and the largest |difference quotient|
    of consecutive points (f is affine between them).  The independent path of the beg19
    re-verification: no jump bookkeeping, no merging, no canonical form."""
    from fractions import Fraction

    def fr(x) -> Fraction:
        x = fmpq(x)
        return Fraction(int(x.p), int(x.q))

    Dq = fr(_check_domain(D))
    nets = []
    for n, where in ((net, "network"), (other, "params.other")):
        _check_1d(n, where)
        H = n.H
        th = [fr(t) for t in n.theta]
        nets.append(([(th[i], th[H + i], th[2 * H + i]) for i in range(H)], th[-1]))
    T = {-Dq, Dq}
    for neurons, _ in nets:
        T |= {-b / a for a, b, _ in neurons if a != 0 and -Dq < -b / a < Dq}
    T = sorted(T)

    def R(k, x):
        neurons, e = nets[k]
        return e + sum((c * max(a * x + b, Fraction(0)) for a, b, c in neurons), Fraction(0))

    vals = [R(0, x) - R(1, x) for x in T]
    sup = max(abs(v) for v in vals)
    lip = max(abs((vals[k + 1] - vals[k]) / (T[k + 1] - T[k])) for k in range(len(T) - 1))
    return fmpq(sup.numerator, sup.denominator), fmpq(lip.numerator, lip.denominator)


def direct_sobolev(net: Network, other: Network, D=1, norm: str = "max") -> fmpq:
    """‖R(Γ) − R(Γ′)‖_{W^{1,∞}} in the variant ``norm`` by `direct_distances`."""
    if norm not in SOBOLEV_NORMS:
        raise InputError(f"Sobolev norm must be one of {SOBOLEV_NORMS}", "norm")
    s, l = direct_distances(net, other, D)
    return {"max": max(s, l), "grad2": max(s, l), "sum": s + l, "semi": l}[norm]
