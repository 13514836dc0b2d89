"""High-order certified steps for the flows of a 1-1-1 network: the interval Taylor method in Lohner's form.

`FlowSystem.enclose(order=K)` takes its steps here when H = 1 and falls back to the second-order stepper of
`system` wherever this one declines.  Notation as in `verify.flows`: θ = (w, b, v, c), u = (w, b), the kink
x_0 = −b/w, base pieces [lo_j, hi_j] of [A, B] (cut at the knots of f and the breakpoints of p).

**Types.**  On a box X the *type* of the neuron is certified constant:

* ``on``  -- w x + b > 0 on all of [A, B] (certified sign of w·[A, B] + b, or a certified sign of w with the kink range
  outside [A, B] on the inactive side);
* ``off`` -- w x + b < 0 on all of [A, B] (strictly: (w, b) = (0, 0) is excluded, so the field is analytic on X);
* ``(j, ±1)`` -- sign(w) = ±1 certified and the kink range strictly inside the open piece (lo_j, hi_j).

On X the field F then equals a rational function F_type of θ (a polynomial for ``on``/``off``): with S the active
part of [A, B] (S = [A, B], ∅, (x_0, B] for w > 0, [A, x_0) for w < 0), s = vw, q = vb + c, α_k = ∫_S x^k p,
β_k = ∫_S x^k f p, m_0 = ∫_A^B p, n_0 = ∫_A^B f p (every ∫ over (x_0, hi_j) or (lo_j, x_0) is a difference of values
of an exact antiderivative, a polynomial in x_0 = −b/w):

    ∫_S r p = s α_1 + q α_0 − β_0,   ∫_S x r p = s α_2 + q α_1 − β_1,
    𝒢_w = 2v ∫_S x r p,  𝒢_b = 2v ∫_S r p,  𝒢_v = 2(w ∫_S x r p + b ∫_S r p),
    𝒢_c = 2(∫_S r p + c(m_0 − α_0) − (n_0 − β_0)),

and F = −𝒢 (standard), F = −𝒢 + ⟨(𝒢_w, 𝒢_b), u⟩(w, b, 0, 0) (normalized on M_A, the extension of `flows` off the
manifold), F = (0, −𝒢_b, −𝒢_v, −𝒢_c) (normalized on M_B).

**Step** from Θ_t ∈ Y (a box, and Θ_t ∈ m + A·R when a parallelepiped is carried), size h:

1. A-priori box: Z = Y + [0, h]·F_type(X) ⊆ int X with the type constant on X.  Then every solution stays in Z on
   [t, t + h] (`verify.flows`, step 1) and there solves the analytic ODE y' = F_type(y), so it is unique and equal to
   its Taylor expansion.
2. Taylor coefficients x_k(y) of the solution through y (x_0 = y, x_{k+1} = [F_type(x)]_k/(k + 1)) are computed in
   Arb power series (`arb_series`) by Picard iteration x ↦ y + ∫F_type(x): after k iterations coefficients 0..k are
   exact functions of y, enclosed for every y in the input balls.  Lagrange's remainder per component:
   Θ_{t+h} = Σ_{k≤K} x_k(Θ_t) h^k + x_{K+1}(Θ_τ) h^{K+1} with Θ_τ ∈ X, so the remainder lies in x_{K+1}(X) h^{K+1}.
3. Mean-value (Lohner) form of P(y) = Σ_{k≤K} x_k(y) h^k over the box Ŷ = hull(Y ∪ {m}) (convex, contains the
   segment [m, Θ_t]; every x_k is finite on Ŷ, so P is smooth there): P(Θ_t) ∈ P(m) + DP(Ŷ)·(Θ_t − m), DP by forward
   differentiation (`Dual`) of the same series.  Hence
   Θ_{t+h} ∈ P(m) + x_{K+1}(X) h^{K+1} + DP(Ŷ)·A·R, carried as a parallelepiped with Lohner's QR re-orthogonalised
   basis exactly as in `system._lohner`, and intersected with Y + h·F_type(X).

Local error: the radius of P(m) + x_{K+1}(X)h^{K+1}; floats steer the step size only.
"""

from __future__ import annotations

from flint import arb, arb_mat, arb_series, ctx, fmpq

from ..numbers import ball_bounds, ball_hull, sign, square_enclosure
from ..problems import poly_mul
from .common import _inflate, _inside_interior, _intersect, _peval, lohner_qr


DUAL_ORDER = 6  # the mean-value form differentiates the Taylor polynomial up to this order (the rest: intervals)


class Dual:
    """v + Σ d_k ε_k (ε_k ε_l = 0): forward derivatives of a value (an `arb` or an `arb_series`)."""

    __slots__ = ("v", "d")

    def __init__(self, v, d):
        self.v, self.d = v, d

    def __add__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v + o.v, [a + b for a, b in zip(self.d, o.d)])
        return Dual(self.v + o, self.d)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.v, [-a for a in self.d])

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o

    def __mul__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v * o.v, [self.v * b + o.v * a for a, b in zip(self.d, o.d)])
        return Dual(self.v * o, [a * o for a in self.d])

    __rmul__ = __mul__

    def __truediv__(self, o):
        if isinstance(o, Dual):
            q = self.v / o.v
            return Dual(q, [(a - q * b) / o.v for a, b in zip(self.d, o.d)])
        return Dual(self.v / o, [a / o for a in self.d])

    def __rtruediv__(self, o):  # o / self for a scalar o
        q = o / self.v
        return Dual(q, [-(q * a) / self.v for a in self.d])


def _antiderivative(co):
    """The antiderivative (constant term 0) of Σ co[k] x^k, exact."""
    return [fmpq(0)] + [fmpq(c) / (k + 1) for k, c in enumerate(co)]


def _horner(co, x):
    acc = co[-1]
    for c in reversed(co[:-1]):
        acc = acc * x + c
    return acc


class TaylorField:
    """F_type for a 1-1-1 `FlowSystem` (module docstring): the type of a box and the field of a type, generic over
    `arb`, `arb_series` and `Dual` values."""

    def __init__(self, system, flow: str, manifold: str):
        if system.H != 1:
            raise ValueError("the Taylor stepper is implemented for H = 1")
        self.flow, self.manifold = flow, manifold
        self.A, self.B = system.A, system.B
        self.pieces = []  # (lo, hi, [P_0, P_1, P_2], [Q_0, Q_1]) antiderivatives of x^k p and x^k f p
        for lo, hi, fco, pco in system.base:
            pco = [fmpq(c) for c in pco]
            fp = poly_mul([fmpq(c) for c in fco], pco)
            P = [_antiderivative([fmpq(0)] * k + pco) for k in range(3)]
            Q = [_antiderivative([fmpq(0)] * k + fp) for k in range(2)]
            self.pieces.append((lo, hi, P, Q))
        # totals per piece: m[j][k] = ∫_piece x^k p, n[j][k] = ∫_piece x^k f p
        self.m = [[_horner(P[k], hi) - _horner(P[k], lo) for k in range(3)] for lo, hi, P, _ in self.pieces]
        self.n = [[_horner(Q[k], hi) - _horner(Q[k], lo) for k in range(2)] for lo, hi, _, Q in self.pieces]
        self._arb_cache = {}

    # ---- types -----------------------------------------------------------------------------------
    def type_of(self, X):
        """The certified type of the box X = (w, b, v, c) (balls), or None when it is not constant on X."""
        W, Bb = X[0], X[1]
        s = sign(W * ball_hull(self.A, self.B) + Bb)
        if s == 1:
            return "on"
        if s == -1:
            return "off"
        sw = sign(W)
        if sw not in (1, -1):
            return None
        bd = ball_bounds(-Bb / W)
        if bd is None:
            return None
        klo, khi = bd
        if khi < self.A:
            return "on" if sw > 0 else "off"
        if klo > self.B:
            return "off" if sw > 0 else "on"
        for j, (lo, hi, _, _) in enumerate(self.pieces):
            if lo < klo and khi < hi:
                return (j, sw)
        return None

    # ---- the field of a type -----------------------------------------------------------------------
    def _consts(self):
        """Arb enclosures (at the current precision) of the exact constants."""
        key = ctx.prec
        c = self._arb_cache.get(key)
        if c is None:
            pieces = [([[arb(x) for x in P] for P in Ps], [[arb(x) for x in Q] for Q in Qs])
                      for _, _, Ps, Qs in self.pieces]
            lohi = [(arb(lo), arb(hi)) for lo, hi, _, _ in self.pieces]
            m = [[arb(x) for x in row] for row in self.m]
            n = [[arb(x) for x in row] for row in self.n]
            c = self._arb_cache[key] = (pieces, lohi, m, n)
        return c

    def _moments(self, typ, w, b):
        """(α_0, α_1, α_2, β_0, β_1) over the active part S, and (m_0, n_0) over [A, B]."""
        pieces, lohi, m, n = self._consts()
        J = len(self.pieces)
        m0 = sum((m[j][0] for j in range(J)), arb(0))
        n0 = sum((n[j][0] for j in range(J)), arb(0))
        if typ == "on":
            al = [sum((m[j][k] for j in range(J)), arb(0)) for k in range(3)]
            be = [sum((n[j][k] for j in range(J)), arb(0)) for k in range(2)]
            return al, be, m0, n0
        if typ == "off":
            return None, None, m0, n0
        j0, sw = typ
        x0 = -b / w
        Ps, Qs = pieces[j0]
        lo, hi = lohi[j0]
        rest = range(j0 + 1, J) if sw > 0 else range(j0)
        al, be = [], []
        for k in range(3):
            part = (_horner(Ps[k], hi) - _horner(Ps[k], x0)) if sw > 0 else (_horner(Ps[k], x0) - _horner(Ps[k], lo))
            al.append(part + sum((m[j][k] for j in rest), arb(0)))
        for k in range(2):
            part = (_horner(Qs[k], hi) - _horner(Qs[k], x0)) if sw > 0 else (_horner(Qs[k], x0) - _horner(Qs[k], lo))
            be.append(part + sum((n[j][k] for j in rest), arb(0)))
        return al, be, m0, n0

    def field(self, th, typ) -> list:
        """F_type(θ) for generic values θ = (w, b, v, c)."""
        w, b, v, c = th
        al, be, m0, n0 = self._moments(typ, w, b)
        if al is None:  # inactive everywhere: r = c − f, only c moves
            Gw = Gb = Gv = None
            Gc = 2 * (c * m0 - n0)
        else:
            s, q = v * w, v * b + c
            I0 = s * al[1] + q * al[0] - be[0]
            I1 = s * al[2] + q * al[1] - be[1]
            Gw, Gb = 2 * (v * I1), 2 * (v * I0)
            Gv = 2 * (w * I1 + b * I0)
            Gc = 2 * (I0 + c * (m0 - al[0]) - (n0 - be[0]))
        if Gw is None:
            zero = 0 * c
            return [zero, zero, zero, -Gc]
        if self.flow == "standard":
            return [-Gw, -Gb, -Gv, -Gc]
        if self.manifold == "B":
            return [0 * c, -Gb, -Gv, -Gc]
        g = w * Gw + b * Gb
        return [g * w - Gw, g * b - Gb, -Gv, -Gc]

    # ---- Taylor coefficients -------------------------------------------------------------------------
    def coefficients(self, y, typ, K: int, dual: bool = False):
        """The Taylor coefficients x_0..x_K of the solution of y' = F_type(y) through y (balls; with ``dual``
        each coefficient is a `Dual` carrying its derivatives with respect to y).  Enclosures for every point
        of the input balls; None if some value is not finite."""
        old = ctx.cap
        ctx.cap = K + 1
        try:
            if dual:
                one, zero = arb_series([arb(1)]), arb_series([arb(0)])
                y0 = [Dual(arb_series([yi]), [one if k == i else zero for k in range(4)]) for i, yi in enumerate(y)]
            else:
                y0 = [arb_series([yi]) for yi in y]
            x = list(y0)
            for _ in range(K):
                try:
                    F = self.field(x, typ)
                except (ZeroDivisionError, ValueError):
                    # Arb power-series division raises (instead of returning a non-finite ball) when the
                    # denominator's constant term w is 0 or a ball containing 0: then x_k is not finite on
                    # the input balls (e.g. a parallelepiped centre m with w = 0 in hull(Y ∪ {m})).
                    return None
                x = [a + _integral(f) for a, f in zip(y0, F)]
            if dual:
                coeffs = [[_coeffs(xi.v, K)] + [_coeffs(d, K) for d in xi.d] for xi in x]
            else:
                coeffs = [[_coeffs(xi, K)] for xi in x]
        finally:
            ctx.cap = old
        for row in coeffs:
            for series in row:
                if not all(a.is_finite() for a in series):
                    return None
        return coeffs


def _integral(f):
    if isinstance(f, Dual):
        return Dual(f.v.integral(), [d.integral() for d in f.d])
    return f.integral()


def _coeffs(s, K):
    c = list(s.coeffs())
    return c + [arb(0)] * (K + 1 - len(c))


def _centred_field(tf: TaylorField, X, typ):
    """F_type(X) intersected with the mean-value form F_type(mid X) + J(X)(X − mid X) (F_type is smooth on X when
    every value is finite), or None."""
    D = len(X)
    FX = tf.field(X, typ)
    if not all(f.is_finite() for f in FX):
        return None
    m = [x.mid() for x in X]
    Fm = tf.field(m, typ)
    J = tf.field([Dual(x, [arb(1) if k == i else arb(0) for k in range(D)]) for i, x in enumerate(X)], typ)
    out = []
    for k in range(D):
        g = J[k]
        if isinstance(g, Dual) and all(a.is_finite() for a in g.d):
            c = Fm[k] + sum((g.d[l_] * (X[l_] - m[l_]) for l_ in range(D)), arb(0))
            out.append(_intersect(FX[k], c, f"F component {k}"))
        else:
            out.append(FX[k])
    return out


def taylor_step(tf: TaylorField, Y, par, h: fmpq, K: int, tighten):
    """One step of size h (module docstring).  Returns (X, F(X), Y', par', err, E) like `FlowSystem._step`, or
    None when the type is not constant on an a-priori box or an enclosure is not finite.  ``tighten`` intersects a
    box with exact invariants of the true solution (the unit circles on M_A): the a-priori test
    tighten(Σ_{k≤K} x_k(Ŷ)[0, h]^k + x_{K+1}(X)[0, h]^{K+1}) ⊆ int X then holds for the true solution, which is all
    the step encloses."""
    hb = ball_hull(fmpq(0), h)
    hq = arb(h)
    D = 4
    # centre m and the box Ŷ = hull(Y ∪ {m}) ∋ m, Θ_t
    if par is not None:
        m, Amat, R = par
    else:
        m = [y.mid() for y in Y]
        Amat = arb_mat([[1 if i == j else 0 for j in range(D)] for i in range(D)])
        R = arb_mat([[y - mk] for y, mk in zip(Y, m)])
    Yh = [y.union(mk) for y, mk in zip(Y, m)]
    # the type of Y (that of the true solution's a-priori box below); on Ŷ only the rational function P of that
    # type matters, which is smooth there whenever its series are finite (checked by `coefficients`)
    typ = tf.type_of(Y)
    if typ is None:
        return None
    Kd = min(K, DUAL_ORDER)
    dY = tf.coefficients(Yh, typ, Kd, dual=True)  # x_k, k ≤ Kd, over Ŷ with their derivatives
    cY = dY if Kd == K else tf.coefficients(Yh, typ, K)  # x_k over Ŷ
    if cY is None or dY is None:
        return None
    # the Taylor polynomial over Y and τ ∈ [0, h]: Σ_{k≤K} x_k(Y)[0, h]^k (from the series over Ŷ when the
    # centre m lies in Y, so that Ŷ = Y; a far centre would widen the a-priori box)
    cYa = cY if all(y.contains(mk) for y, mk in zip(Y, m)) else tf.coefficients(Y, typ, K)
    if cYa is None:
        return None
    poly = [_peval(row[0], hb) for row in cYa]
    X = [_inflate(z) for z in tighten(poly)]
    found = None
    for _ in range(5):
        if tf.type_of(X) != typ:  # Y ⊆ X, so a constant type on X is Y's
            return None
        cX = tf.coefficients(X, typ, K + 1)
        if cX is None:
            return None
        # while Θ stays in X it solves the analytic y' = F_type(y): Lagrange's remainder over X
        Z = tighten([p_ + row[0][K + 1] * hb ** (K + 1) for p_, row in zip(poly, cX)])
        if all(_inside_interior(z, x) for z, x in zip(Z, X)):
            found = Z
            break
        X = [_inflate(x.union(z)) for x, z in zip(X, Z)]
    if found is None:
        return None
    # Θ stays in found ⊆ X on the step: the remainder x_{K+1}(X) h^{K+1} (cX belongs to this X)
    rem = [row[0][K + 1] * hq ** (K + 1) for row in cX]
    X = found
    FX = _centred_field(tf, X, typ)
    if FX is None:
        return None
    cm = tf.coefficients(m, typ, K)
    if cm is None:
        return None
    # P = P_low + P_high (orders ≤ Kd and above): P_low(Θ_t) ∈ P_low(m) + DP_low(Ŷ)(Θ_t − m) and
    # P_high(Θ_t) − P_high(m) ∈ P_high(Ŷ) − P_high(m), an interval added to the centre
    high = [_peval([arb(0)] * (Kd + 1) + rY[0][Kd + 1:], hq) - _peval([arb(0)] * (Kd + 1) + rm[0][Kd + 1:], hq)
            for rY, rm in zip(cY, cm)]
    centre = [_peval(row[0], hq) + r + g for row, r, g in zip(cm, rem, high)]
    DP = arb_mat([[_peval(dY[i][1 + j], hq) for j in range(D)] for i in range(D)])
    got = lohner_qr(centre, DP * Amat, R)
    if got is None:
        return None
    m_new, Qa, R_new, Y2 = got
    Y1 = [y + hq * f for y, f in zip(Y, FX)]
    if not all(a.is_finite() for a in Y2):
        return None
    Y1 = tighten([_intersect(a, b_, f"Θ_t component {k}") for k, (a, b_) in enumerate(zip(Y1, Y2))])
    err = max(float(c.rad()) for c in centre) * 2
    xs, rK = [[row[0]] for row in cY], [[[0] * (K + 1) + [row[0][K + 1]]] for row in cX]

    def E():  # computed when asked, at the enclosure's precision
        return _intersect(hq * sum((square_enclosure(f) for f in FX), arb(0)), _energy(xs, rK, K, hq, hb),
                          "∫|F|² over the step")
    return X, FX, Y1, (m_new, Qa, R_new), err, E


def _energy(cY, cX, K: int, hq: arb, hb: arb) -> arb:
    """An enclosure of ∫_0^h |F(Θ_{t+τ})|² dτ.  Taylor's theorem for the analytic Θ' per component:
    F(Θ_{t+τ}) = p(τ) + r(τ)τ^K, p(τ) = Σ_{k=1}^{K} k·x_k(Θ_t)τ^{k−1} (coefficients over Ŷ ∋ Θ_t) and
    r(τ) = (K + 1)x_{K+1}(Θ_ξ) ∈ R = (K + 1)x_{K+1}(X).  So |F|² = Σ p² + 2p r τ^K + r²τ^{2K}: ∫p² exactly (ball
    coefficients), the cross term in 2·p([0, h])·R·h^{K+1}/(K + 1), the last in R²·h^{2K+1}/(2K + 1)."""
    total = arb(0)
    for rowY, rowX in zip(cY, cX):
        xs = rowY[0]
        p = [(k + 1) * xs[k + 1] for k in range(K)]
        R = (K + 1) * rowX[0][K + 1]
        sq = [arb(0)] * (2 * K - 1)
        for i, a in enumerate(p):
            for j, b in enumerate(p):
                sq[i + j] += a * b
        total += sum((c * hq ** (j + 1) / (j + 1) for j, c in enumerate(sq)), arb(0))
        prange = _peval(p, hb)
        total += 2 * prange * R * hq ** (K + 1) / (K + 1) + square_enclosure(R) * hq ** (2 * K + 1) / (2 * K + 1)
    return total
