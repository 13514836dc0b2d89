"""Risk and generalized gradient of a 1-H-1 ReLU network against a singular density (ejrw22 planted 12).

p(x) = a·(x − A)^α on [A, B] (`problems.PowerDensity`, a > 0, α > −1 rational), θ = (w, b, v, c)
rational, f a piecewise-polynomial target.  ℒ(θ) = ∫_A^B (𝒩^θ − f)² p dx and 𝒢 the generalized
gradient with ReLU′(0) = 0 (the formulas of `integrate`):

    𝒢_{w_i} = 2v_i ∫_{I_i} x r p,  𝒢_{b_i} = 2v_i ∫_{I_i} r p,  𝒢_{v_i} = 2∫_{I_i} (w_i x + b_i) r p,  𝒢_c = 2∫ r p,

r = 𝒩^θ − f, I_i = {x ∈ [A, B] : w_i x + b_i > 0}.  [A, B] is cut at the (rational) kinks and knots,
so r is a polynomial with rational coefficients on every piece and each integral is
Σ_k q_k ∫_{Y0}^{Y1} a y^{k+α} dy with y = x − A.  The powers Y^{k+α+1} are irrational: the results
are `arb` balls that contain the exact values.

Two evaluations (`method`):

* ``"powers"``: the antiderivative a·(Y1^{k+α+1} − Y0^{k+α+1})/(k + α + 1) term by term;
* ``"substitution"`` (independent, α = 1/n − 1 only): y = s^n turns a·y^α dy into a·n ds, so each
  integral is a·n ∫ q(s^n + A) ds, a polynomial integral between the n-th roots of Y0, Y1.
"""

from __future__ import annotations

from flint import arb, fmpq, fmpq_poly

from ..errors import InputError
from ..nets import Network
from ..numbers import precision
from ..problems import PowerDensity, Target, poly_add, poly_integral, poly_mul

METHODS = ("powers", "substitution")


def _integral(q, lo: fmpq, hi: fmpq, mu: PowerDensity, method: str) -> arb:
    """∫_lo^hi q(x)·a(x − A)^α dx for a rational polynomial q, A ≤ lo ≤ hi ≤ B."""
    (A, _), = mu.box
    a, alpha = mu.coefficient, mu.exponent
    y = fmpq_poly(list(q))(fmpq_poly([A, 1]))  # y ↦ q(y + A)
    Y0, Y1 = lo - A, hi - A
    if method == "powers":
        s = arb(0)
        for k, yk in enumerate(y.coeffs()):
            if yk == 0:
                continue
            e = arb(k + alpha + 1)
            p1 = arb(Y1) ** e if Y1 > 0 else arb(0)
            p0 = arb(Y0) ** e if Y0 > 0 else arb(0)
            s += arb(yk) * (p1 - p0) / e
        return arb(a) * s
    n = 1 / (alpha + 1)
    if n.q != 1:
        raise InputError(f"the substitution y = s^n needs α = 1/n − 1, got α = {alpha}", "measure.exponent")
    n = int(n.p)
    qs = y(fmpq_poly([0] * n + [1]))  # s ↦ q(s^n + A)
    root = lambda Y: arb(Y).root(n) if Y > 0 else arb(0)  # noqa: E731
    return arb(a) * n * poly_integral([arb(t) for t in qs.coeffs()], root(Y0), root(Y1))


def risk_gradient(theta, target: Target, mu: PowerDensity, H: int, method: str = "powers", prec: int = 128):
    """(ℒ(θ), 𝒢(θ)) as `arb` balls containing the exact values (module docstring)."""
    if method not in METHODS:
        raise InputError(f"unknown method '{method}' ({', '.join(METHODS)})", "method")
    if not isinstance(mu, PowerDensity):
        raise InputError("expected a power density {'kind': 'power', ...}", "measure")
    net = Network((1, H, 1), tuple(theta))
    (A, B), = mu.box
    kinks = {-net.b(i) / net.w(i)[0] for i in range(H) if net.w(i)[0] != 0}
    pts = sorted({A, B} | {k for k in kinks if A < k < B} | {fmpq(t) for t in target.knots_1d() if A < t < B})
    with precision(prec):
        L, G = arb(0), [arb(0)] * len(theta)
        for lo, hi in zip(pts, pts[1:]):
            mid = (lo + hi) / 2
            fco = target.poly_1d(lo, hi)
            if fco is None:
                raise InputError("the target must be piecewise polynomial", "target")
            act = [i for i in range(H) if net.w(i)[0] * mid + net.b(i) > 0]
            r = poly_add([net.c + sum((net.v(i) * net.b(i) for i in act), fmpq(0)),
                          sum((net.v(i) * net.w(i)[0] for i in act), fmpq(0))], [-fmpq(t) for t in fco])
            I = lambda q: _integral(q, lo, hi, mu, method)  # noqa: E731
            L += I(poly_mul(r, r))
            Ir, Ixr = I(r), I(poly_mul([0, 1], r))
            G[-1] += 2 * Ir
            for i in act:
                G[net.idx_w(i, 0)] += 2 * net.v(i) * Ixr
                G[net.idx_b(i)] += 2 * net.v(i) * Ir
                G[net.idx_v(i)] += 2 * (net.w(i)[0] * Ixr + net.b(i) * Ir)
    return L, G
