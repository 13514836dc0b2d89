"""Engine E2: exact risk and generalized gradient of a shallow ReLU network on a 2-D box.

Setting
-------
The network is  N(x) = c + sum_i v_i * max(b_i + <w_i, x>, 0)  on x = (x_1, x_2) in the box
Q = [a_1, b_1] x [a_2, b_2]; the target is a constant f = xi, the residual is r = N - xi and

    L        = int_Q r^2 dx,
    G_{w_ij} = 2 v_i int_Q x_j I_i r dx,     G_{b_i} = 2 v_i int_Q I_i r dx,
    G_{v_i}  = 2 int_Q max(b_i + <w_i, x>, 0) r dx,     G_c = 2 int_Q r dx,

with I_i(x) = kappa(b_i + <w_i, x>), kappa(y) = 1 (y > 0), 0 (y < 0), kappa(0) = deriv0.

Method (everything in exact rationals, ``fmpq``)
-----------------------------------------------
Every line {b_i + <w_i, x> = 0} with w_i != 0 cuts the box; the cells of the resulting
arrangement are convex polygons obtained by repeated rational half-plane clipping
(`clip_halfplane`).  The interior of a cell meets no line, so every neuron has one strict
sign on it, decided exactly at an interior point (the vertex average).  A neuron with
w_i = 0 has the constant pre-activation b_i on all of Q: its ReLU is max(b_i, 0) and its
indicator is kappa(b_i) everywhere (this is the only place where deriv0 matters; for
w_i != 0 the zero set has measure 0).

On a cell the residual is affine, r = alpha_0 + alpha_1 x + alpha_2 y, hence every integrand
above is a polynomial of degree <= 2 and its integral is a linear combination of the cell's
moments int x^p y^q (p + q <= 2), computed exactly by Green's theorem
(`polygon_moments`).  Per cell we form R_0 = int r, R_1 = int x r, R_2 = int y r and
int r^2, and add (R_0, R_1, R_2) to the running sums of the neurons active on the cell;
the total cost is O(#cells * H) after the O(H * #cells) arrangement construction.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb, factorial

from flint import fmpq, fmpz

from .errors import InputError

Point = tuple[fmpq, fmpq]

__all__ = ["clip_halfplane", "polygon_moments", "polygon_area", "shallow_risk_grad_2d"]


def _q(x, where: str = "value") -> fmpq:
    """Exact conversion to fmpq; floats are refused (they are not exact user data)."""
    if isinstance(x, fmpq):
        return x
    if isinstance(x, bool):
        raise InputError(f"expected a rational number, got {x!r}", where)
    if isinstance(x, (int, fmpz)):
        return fmpq(x)
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    raise InputError(f"expected an exact rational (int, Fraction or fmpq), got {type(x).__name__}", where)


def _twice_signed_area(poly: list[Point]) -> fmpq:
    s = fmpq(0)
    n = len(poly)
    for k in range(n):
        x0, y0 = poly[k]
        x1, y1 = poly[(k + 1) % n]
        s += x0 * y1 - x1 * y0
    return s


def polygon_area(poly: list[Point]) -> fmpq:
    """Exact signed area (positive for counter-clockwise vertex order)."""
    return _twice_signed_area(poly) / 2 if len(poly) >= 3 else fmpq(0)


def _dedup(poly: list[Point]) -> list[Point]:
    """Remove consecutive repeated vertices (cyclically)."""
    out: list[Point] = []
    for p in poly:
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def clip_halfplane(poly: list[Point], a1, a2, c, keep_positive: bool) -> list[Point]:
    """Exact Sutherland-Hodgman clip of a convex CCW polygon by a half-plane.

    Returns the closure of ``poly ∩ {c + a1 x + a2 y > 0}`` if ``keep_positive`` else
    ``poly ∩ {c + a1 x + a2 y <= 0}``, as a counter-clockwise list of fmpq vertices without
    repeated consecutive vertices.  Degenerate results (area 0: empty, a point or a segment)
    are returned as ``[]``.  The boundary line itself has measure zero, so closing the open
    half-plane does not change any integral.
    """
    a1, a2, c = _q(a1), _q(a2), _q(c)
    n = len(poly)
    if n < 3:
        return []
    sgn = 1 if keep_positive else -1
    vals = [sgn * (c + a1 * x + a2 * y) for (x, y) in poly]
    all_pos = all(s >= 0 for s in vals)
    all_neg = all(s <= 0 for s in vals)
    if all_pos and all_neg:  # c + a1 x + a2 y vanishes on the whole polygon
        if keep_positive:
            return []
        out = list(poly)
    elif all_pos:
        out = list(poly)
    elif all_neg:
        return []
    else:
        out = []
        for k in range(n):
            p, sp = poly[k], vals[k]
            q, sq = poly[(k + 1) % n], vals[(k + 1) % n]
            if sp >= 0:
                out.append(p)
            if (sp > 0 and sq < 0) or (sp < 0 and sq > 0):
                t = sp / (sp - sq)  # exact crossing parameter in (0, 1)
                out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    out = _dedup(out)
    if len(out) < 3 or _twice_signed_area(out) == 0:
        return []
    return out


def polygon_moments(poly: list[Point], max_degree: int = 2) -> dict[tuple[int, int], fmpq]:
    """Exact moments ``{(p, q): ∫_P x^p y^q dx dy}`` for all p + q <= max_degree.

    Uses the Green's-theorem edge formula (exact for any simple polygon, CCW orientation)

        ∫_P x^p y^q = p! q! / (p+q+2)! * Σ_edges cr_k Σ_{s<=p, t<=q}
                      C(s+t, t) C(p+q-s-t, q-t) x_k^s x_{k+1}^{p-s} y_k^t y_{k+1}^{q-t},

    where cr_k = x_k y_{k+1} - x_{k+1} y_k.  A clockwise polygon gives the negated values.
    """
    if max_degree < 0:
        raise ValueError("max_degree must be >= 0")
    res: dict[tuple[int, int], fmpq] = {}
    n = len(poly)
    if n < 3:
        for p in range(max_degree + 1):
            for q in range(max_degree + 1 - p):
                res[(p, q)] = fmpq(0)
        return res
    edges = []
    for k in range(n):
        x0, y0 = poly[k]
        x1, y1 = poly[(k + 1) % n]
        cr = x0 * y1 - x1 * y0
        px0 = [fmpq(1)]
        px1 = [fmpq(1)]
        py0 = [fmpq(1)]
        py1 = [fmpq(1)]
        for _ in range(max_degree):
            px0.append(px0[-1] * x0)
            px1.append(px1[-1] * x1)
            py0.append(py0[-1] * y0)
            py1.append(py1[-1] * y1)
        edges.append((cr, px0, px1, py0, py1))
    for p in range(max_degree + 1):
        for q in range(max_degree + 1 - p):
            total = fmpq(0)
            for cr, px0, px1, py0, py1 in edges:
                if cr == 0:
                    continue
                inner = fmpq(0)
                for s in range(p + 1):
                    for t in range(q + 1):
                        coef = comb(s + t, t) * comb(p + q - s - t, q - t)
                        inner += coef * px0[s] * px1[p - s] * py0[t] * py1[q - t]
                total += cr * inner
            res[(p, q)] = total * fmpq(factorial(p) * factorial(q), factorial(p + q + 2))
    return res


def _kappa(y: fmpq, deriv0: fmpq) -> fmpq:
    if y > 0:
        return fmpq(1)
    if y < 0:
        return fmpq(0)
    return deriv0


def shallow_risk_grad_2d(w, b, v, c, xi, box, deriv0):
    """Exact risk and generalized gradient for d = 2 and a constant target f ≡ xi.

    Arguments: ``w`` list of H pairs (w_i1, w_i2); ``b``, ``v`` lists of H rationals; ``c``,
    ``xi`` rationals; ``box = ((a1, b1), (a2, b2))``; ``deriv0`` = kappa(0) (0, 1/2 or 1).
    All numbers must be exact (int, Fraction or fmpq).

    Returns ``(L, G)`` with ``L = ∫_Q r^2`` (an fmpq, exactly) and ``G`` the list of the exact
    generalized-gradient entries in the layout
    ``[w_00, w_01, w_10, ..., w_{H-1,1}, b_0..b_{H-1}, v_0..v_{H-1}, c]`` (length 2H + 2H + 1).
    """
    H = len(w)
    if len(b) != H or len(v) != H:
        raise InputError(f"w, b, v must have the same length (got {H}, {len(b)}, {len(v)})")
    W = []
    for i, wi in enumerate(w):
        if len(wi) != 2:
            raise InputError(f"neuron {i}: expected 2 input weights, got {len(wi)}", "w")
        W.append((_q(wi[0], "w"), _q(wi[1], "w")))
    B = [_q(x, "b") for x in b]
    V = [_q(x, "v") for x in v]
    c = _q(c, "c")
    xi = _q(xi, "xi")
    deriv0 = _q(deriv0, "deriv0")
    if len(box) != 2:
        raise InputError("box must have 2 intervals", "box")
    (lo1, hi1), (lo2, hi2) = ((_q(a, "box"), _q(bb, "box")) for (a, bb) in box)
    if lo1 > hi1 or lo2 > hi2:
        raise InputError("box interval with lower end above upper end", "box")

    # --- arrangement cells -------------------------------------------------------------
    square = [(lo1, lo2), (hi1, lo2), (hi1, hi2), (lo1, hi2)]
    cells: list[list[Point]] = [square] if (lo1 < hi1 and lo2 < hi2) else []
    cutting = [i for i in range(H) if W[i][0] != 0 or W[i][1] != 0]
    flat = [i for i in range(H) if W[i][0] == 0 and W[i][1] == 0]
    for i in cutting:
        w1, w2 = W[i]
        bi = B[i]
        new_cells: list[list[Point]] = []
        for cell in cells:
            vals = [bi + w1 * x + w2 * y for (x, y) in cell]
            if all(s >= 0 for s in vals) or all(s <= 0 for s in vals):
                new_cells.append(cell)  # the line does not cross the cell's interior
                continue
            pos = clip_halfplane(cell, w1, w2, bi, True)
            neg = clip_halfplane(cell, w1, w2, bi, False)
            if pos:
                new_cells.append(pos)
            if neg:
                new_cells.append(neg)
        cells = new_cells

    # --- constant contributions of the w_i = 0 neurons -------------------------------------
    const0 = c - xi
    for i in flat:
        if B[i] > 0:
            const0 += V[i] * B[i]

    # --- per-cell integration ----------------------------------------------------------
    L = fmpq(0)
    tot = [fmpq(0), fmpq(0), fmpq(0)]  # ∫ r, ∫ x r, ∫ y r over Q
    T = [[fmpq(0), fmpq(0), fmpq(0)] for _ in range(H)]  # same, restricted to {I_i = 1}
    for cell in cells:
        nv = len(cell)
        px = sum((p[0] for p in cell), fmpq(0)) / nv
        py = sum((p[1] for p in cell), fmpq(0)) / nv
        active = []
        a0, a1, a2 = const0, fmpq(0), fmpq(0)
        for i in cutting:
            w1, w2 = W[i]
            g = B[i] + w1 * px + w2 * py
            if g > 0:
                active.append(i)
                a0 += V[i] * B[i]
                a1 += V[i] * w1
                a2 += V[i] * w2
            elif g == 0:  # impossible for a genuine arrangement cell
                raise AssertionError("interior point of an arrangement cell lies on a cut line")
        m = polygon_moments(cell, 2)
        m00, m10, m01 = m[(0, 0)], m[(1, 0)], m[(0, 1)]
        m20, m11, m02 = m[(2, 0)], m[(1, 1)], m[(0, 2)]
        R0 = a0 * m00 + a1 * m10 + a2 * m01
        R1 = a0 * m10 + a1 * m20 + a2 * m11
        R2 = a0 * m01 + a1 * m11 + a2 * m02
        L += a0 * R0 + a1 * R1 + a2 * R2  # = ∫ (a0 + a1 x + a2 y) r
        tot[0] += R0
        tot[1] += R1
        tot[2] += R2
        for i in active:
            Ti = T[i]
            Ti[0] += R0
            Ti[1] += R1
            Ti[2] += R2

    # --- assemble the gradient ---------------------------------------------------------
    Gw: list[fmpq] = []
    Gb: list[fmpq] = []
    Gv: list[fmpq] = []
    for i in range(H):
        w1, w2 = W[i]
        if w1 == 0 and w2 == 0:
            k = _kappa(B[i], deriv0)
            Ii = [k * tot[0], k * tot[1], k * tot[2]]
            relu_r = (B[i] if B[i] > 0 else fmpq(0)) * tot[0]
        else:
            Ii = T[i]
            relu_r = B[i] * Ii[0] + w1 * Ii[1] + w2 * Ii[2]
        Gw.append(2 * V[i] * Ii[1])
        Gw.append(2 * V[i] * Ii[2])
        Gb.append(2 * V[i] * Ii[0])
        Gv.append(2 * relu_r)
    G = Gw + Gb + Gv + [2 * tot[0]]
    return L, G
