"""Engine E3: rigorous enclosures of risk and generalized gradient by adaptive box subdivision.

Setting
-------
N(x) = c + sum_i v_i * max(g_i(x), 0), g_i(x) = b_i + <w_i, x>, on the box
Q = prod_j [a_j, b_j] in R^d (any d >= 1), target f, residual r = N - f, and

    L        = int_Q r^2,
    G_{w_ij} = 2 v_i int_Q x_j I_i r,   G_{b_i} = 2 v_i int_Q I_i r,
    G_{v_i}  = 2 int_Q max(g_i, 0) r,   G_c     = 2 int_Q r,

with I_i = kappa(g_i), kappa(y) = 1 (y > 0), 0 (y < 0), kappa(0) = deriv0.

Method
------
Q is split adaptively into sub-boxes B with rational corners.  On B each g_i is affine, so
its exact range [min_B g_i, max_B g_i] is computed from the corners in fmpq.

* Decided box (no g_i has 0 strictly inside its range): the activation pattern is fixed
  a.e. on B (a neuron with w_i != 0 and range touching 0 only at an end still has a null
  zero set; a neuron with w_i = 0 has g_i ≡ b_i and I_i ≡ kappa(b_i) exactly), so N is an
  affine function on B.
    - constant target: r is affine and all integrands are polynomials of degree <= 2; their
      integrals over B are computed EXACTLY from the 1-D moments of B's sides
      (int r = |B| r(m), int x_j r = |B| (m_j r(m) + alpha_j h_j^2/12),
      int r^2 = |B| (r(m)^2 + sum_j alpha_j^2 h_j^2/12), m = centre, h = side lengths).
      Such boxes are final.
    - callable target: the integrals are enclosed by |B| * (ball enclosure of the integrand
      over B) and B stays refinable.
* Undecided box: |B| * (ball enclosure of the integrand over B), where an undecided I_i is
  the ball [0, 1] and an undecided ReLU is the ball of g_i's exact range made non-negative.

Every contribution is either exact or an enclosure of the true integral over its box
(int_B F lies in |B| * [inf_B F, sup_B F]), so the sums are rigorous whatever the budget.
Refinable boxes sit in a max-heap keyed (heuristically, by floats that never enter a
result) by the width of their contributions, and the widest is bisected until the leaf
count reaches ``max_boxes`` or every refinable box has reached ``depth`` bisections.
The target callable receives the box as a list of balls ``xs`` (each containing the side
[a_j, b_j]) and must return a ball containing {f(y) : y in B}.
"""

from __future__ import annotations

import heapq
from fractions import Fraction

import flint
from flint import arb, fmpq, fmpz

from .errors import InputError

__all__ = ["shallow_risk_grad_boxes"]

def _q(x, where: str = "value") -> fmpq:
    """Exact conversion to fmpq; floats are refused."""
    if isinstance(x, fmpq):
        return x
    if isinstance(x, bool):
        raise InputError(f"expected a rational number, got {x!r}", where)
    if isinstance(x, (int, fmpz)):
        return fmpq(x)
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    raise InputError(f"expected an exact rational (int, Fraction or fmpq), got {type(x).__name__}", where)


def _hull(lo: fmpq, hi: fmpq) -> arb:
    """A ball containing the real interval [lo, hi] (lo <= hi, exact ends)."""
    if lo == hi:
        return arb(lo)
    return arb(lo).union(arb(hi))


def _sq(x: arb) -> arb:
    """Enclosure of {y^2 : y in x}: x*x encloses it and squares are >= 0."""
    return (x * x).nonnegative_part()


def shallow_risk_grad_boxes(w, b, v, c, target, box, deriv0, prec=64, depth=None, max_boxes=20000):
    """Rigorous enclosures of the risk and generalized gradient on a d-dimensional box.

    Arguments: ``w`` list of H d-tuples of rationals; ``b``, ``v`` lists of H rationals; ``c``
    rational; ``target`` a rational (constant f) or a callable ``target(xs) -> arb`` whose
    value contains f(y) for every y in the box with coordinate balls ``xs``; ``box`` list of
    d pairs (a_j, b_j); ``deriv0`` = kappa(0).  ``prec`` is the ball working precision (bits),
    ``depth`` an optional cap on bisections per box, ``max_boxes`` the leaf budget.

    Returns ``(L, G, info)``: ``L`` an arb containing ∫_Q r^2, ``G`` a list of arbs containing
    the generalized-gradient entries in the layout
    ``[w_{0,0..d-1}, ..., w_{H-1,0..d-1}, b_0..b_{H-1}, v_0..v_{H-1}, c]`` (length dH + 2H + 1),
    and ``info`` a dict: ``boxes`` (final leaf count), ``evaluated`` (boxes processed),
    ``undecided_boxes`` / ``undecided_volume`` (leaves with an undecided neuron and their total
    volume, fmpq), ``enclosed_boxes`` / ``enclosed_volume`` (all leaves integrated by an
    enclosure rather than exactly), ``max_depth`` and ``budget_exhausted``.
    """
    H = len(w)
    if len(b) != H or len(v) != H:
        raise InputError(f"w, b, v must have the same length (got {H}, {len(b)}, {len(v)})")
    d = len(box)
    if d < 1:
        raise InputError("box must have at least one interval", "box")
    W = []
    for i, wi in enumerate(w):
        if len(wi) != d:
            raise InputError(f"neuron {i}: expected {d} input weights, got {len(wi)}", "w")
        W.append([_q(x, "w") for x in wi])
    B = [_q(x, "b") for x in b]
    V = [_q(x, "v") for x in v]
    c = _q(c, "c")
    deriv0 = _q(deriv0, "deriv0")
    Q = [(_q(lo, "box"), _q(hi, "box")) for (lo, hi) in box]
    for lo, hi in Q:
        if lo > hi:
            raise InputError("box interval with lower end above upper end", "box")
    const_target = not callable(target)
    xi = _q(target, "target") if const_target else None
    if max_boxes < 1:
        raise InputError("max_boxes must be >= 1", "max_boxes")

    old_prec = flint.ctx.prec
    try:
        flint.ctx.prec = int(prec)
        return _run(W, B, V, c, xi, target, Q, deriv0, depth, max_boxes, d, H)
    finally:
        flint.ctx.prec = old_prec


def _run(W, B, V, c, xi, target, Q, deriv0, depth, max_boxes, d, H):
    const_target = xi is not None
    nG = d * H + 2 * H + 1
    zero = fmpq(0)
    unit = arb(0).union(arb(1))  # the ball [0, 1] for an undecided indicator
    flat = [all(x == 0 for x in W[i]) for i in range(H)]
    kappa_flat = [
        (fmpq(1) if B[i] > 0 else (fmpq(0) if B[i] < 0 else deriv0)) if flat[i] else None for i in range(H)
    ]
    absV = [abs(float(x)) for x in V]  # heuristics only (heap priority)

    # exact accumulators (decided boxes, constant target), in "raw" form:
    # eL = ∫ r^2, eR = ∫ r, eX[j] = ∫ x_j r, eI[i] = ∫ I_i r, eIX[i][j] = ∫ x_j I_i r, eU[i] = ∫ relu_i r
    eL = zero
    eR = zero
    eX = [zero] * d
    eI = [zero] * H
    eIX = [[zero] * d for _ in range(H)]
    eU = [zero] * H

    info = {
        "boxes": 0,
        "evaluated": 0,
        "undecided_boxes": 0,
        "undecided_volume": fmpq(0),
        "enclosed_boxes": 0,
        "enclosed_volume": fmpq(0),
        "max_depth": 0,
        "budget_exhausted": False,
    }

    # nonzero input weights per neuron, with their signs (for exact pre-activation ranges)
    nz = [[(j, wij, wij > 0) for j, wij in enumerate(W[i]) if wij != 0] for i in range(H)]
    one = fmpq(1)

    def g_range(i, bx):
        """Exact [min, max] of the affine g_i over the box bx."""
        gmin = gmax = B[i]
        for j, wij, pos in nz[i]:
            lo, hi = bx[j]
            if pos:
                gmin += wij * lo
                gmax += wij * hi
            else:
                gmin += wij * hi
                gmax += wij * lo
        return gmin, gmax

    def classify(bx, parent):
        """Per neuron: (status, kappa, gmin, gmax), status 'on' | 'off' | 'und'.

        A neuron decided on the parent box is decided the same way on bx (a sub-box); its
        range is then left as None and recomputed only if an enclosure needs it."""
        out = []
        for i in range(H):
            if parent is not None and parent[i][0] != "und":
                st, k = parent[i][0], parent[i][1]
                out.append((st, k, None, None))
                continue
            if flat[i]:
                out.append(("on" if B[i] > 0 else "off", kappa_flat[i], B[i], B[i]))
                continue
            gmin, gmax = g_range(i, bx)
            if gmin >= 0:
                out.append(("on", one, gmin, gmax))
            elif gmax <= 0:
                out.append(("off", zero, gmin, gmax))
            else:
                out.append(("und", None, gmin, gmax))
        return out

    def enclose(bx, vol, cls):
        """Ball enclosures of the raw integrals over bx, as a flat list of arbs:
        [L, R, X_0..X_{d-1}, I_0.., (IX_00..IX_{H-1,d-1}), U_0..]."""
        xs = [_hull(lo, hi) for (lo, hi) in bx]
        # N on the box: exact range of the decided (affine) part + undecided ReLU ranges
        a0 = c
        al = [zero] * d
        for i in range(H):
            if cls[i][0] == "on":
                a0 += V[i] * B[i]
                wi = W[i]
                for j in range(d):
                    al[j] += V[i] * wi[j]
        nmin = a0
        nmax = a0
        for j in range(d):
            if al[j] > 0:
                nmin += al[j] * bx[j][0]
                nmax += al[j] * bx[j][1]
            elif al[j] < 0:
                nmin += al[j] * bx[j][1]
                nmax += al[j] * bx[j][0]
        relu = []
        for i in range(H):
            st, _, gmin, gmax = cls[i]
            if st == "on":
                if gmin is None:
                    gmin, gmax = g_range(i, bx)
                relu.append(_hull(gmin, gmax))
            elif st == "off":
                relu.append(arb(0))
            else:
                relu.append(_hull(zero, gmax))  # range of max(g_i, 0) is [0, gmax]
        if const_target:
            nmin -= xi
            nmax -= xi
        r = _hull(nmin, nmax)
        for i in range(H):
            if cls[i][0] == "und":
                r += V[i] * relu[i]
        if not const_target:
            fx = target(xs)
            if not isinstance(fx, arb):
                fx = arb(_q(fx, "target(xs)"))  # exact rationals are fine, floats are not
            r -= fx
        vb = arb(vol)
        rv = r * vb
        out = [_sq(r) * vb, rv]
        xr = [x * rv for x in xs]
        out.extend(xr)
        Is = []
        for i in range(H):
            st, k, _, _ = cls[i]
            Is.append(unit if st == "und" else k)
        for i in range(H):
            out.append(rv * Is[i] if Is[i] is unit else rv * arb(Is[i]))
        for i in range(H):
            k = Is[i]
            if k is unit:
                out.extend(x * unit for x in xr)
            elif k == 0:
                out.extend(arb(0) for _ in range(d))
            else:
                ka = arb(k)
                out.extend(x * ka for x in xr)
        for i in range(H):
            out.append(relu[i] * rv)
        return out

    def exact_add(bx, vol, cls):
        nonlocal eL, eR
        a0 = c - xi
        al = [zero] * d
        for i in range(H):
            if cls[i][0] == "on":
                a0 += V[i] * B[i]
                wi = W[i]
                for j in range(d):
                    al[j] += V[i] * wi[j]
        m = [(lo + hi) / 2 for (lo, hi) in bx]
        s2 = [(hi - lo) * (hi - lo) / 12 for (lo, hi) in bx]  # variance of the uniform side
        rm = a0
        for j in range(d):
            rm += al[j] * m[j]
        R = vol * rm
        X = [vol * (m[j] * rm + al[j] * s2[j]) for j in range(d)]
        q = rm * rm
        for j in range(d):
            if al[j] != 0:
                q += al[j] * al[j] * s2[j]
        eL += vol * q
        eR += R
        for j in range(d):
            eX[j] += X[j]
        for i in range(H):
            st, k, _, _ = cls[i]
            if k != 0:
                if k == 1:
                    eI[i] += R
                    row = eIX[i]
                    for j in range(d):
                        row[j] += X[j]
                else:
                    eI[i] += k * R
                    row = eIX[i]
                    for j in range(d):
                        row[j] += k * X[j]
            if st == "on":
                u = B[i] * R
                wi = W[i]
                for j in range(d):
                    if wi[j] != 0:
                        u += wi[j] * X[j]
                eU[i] += u

    def score(enc):
        """Heuristic priority (floats; never part of a result): the weighted widths."""
        s = float(enc[0].rad()) + 2 * float(enc[1].rad())
        base = 2 + d
        for i in range(H):
            s += 2 * absV[i] * float(enc[base + i].rad()) + 2 * float(enc[base + H + H * d + i].rad())
        return s

    def volume(bx):
        vol = fmpq(1)
        for lo, hi in bx:
            vol *= hi - lo
        return vol

    heap = []  # entries (-score, counter, box, depth, enc, undecided?)
    frozen = []  # enclosure leaves that may not be refined (depth cap)
    counter = 0
    leaves = 0

    def process(bx, dep, parent=None):
        """Classify a new leaf; exact boxes are accumulated, the others queued."""
        nonlocal counter, leaves
        leaves += 1
        info["evaluated"] += 1
        if dep > info["max_depth"]:
            info["max_depth"] = dep
        vol = volume(bx)
        if vol == 0:
            return
        cls = classify(bx, parent)
        und = any(t[0] == "und" for t in cls)
        if not und and const_target:
            exact_add(bx, vol, cls)
            return
        enc = enclose(bx, vol, cls)
        counter += 1
        item = (-score(enc), counter, bx, dep, enc, und, vol, cls)
        if depth is not None and dep >= depth:
            frozen.append(item)
        else:
            heapq.heappush(heap, item)

    def split_dim(bx, cls):
        widths = [hi - lo for (lo, hi) in bx]
        if const_target:
            best, bestj = None, 0
            for j in range(d):
                wt = zero
                for i in range(H):
                    if cls[i][0] == "und":
                        wt += abs(W[i][j])
                s = widths[j] * wt
                if best is None or s > best:
                    best, bestj = s, j
            if best is not None and best > 0:
                return bestj
        bestj = 0
        for j in range(1, d):
            if widths[j] > widths[bestj]:
                bestj = j
        return bestj

    process([tuple(p) for p in Q], 0, None)
    while heap and leaves < max_boxes:
        item = heapq.heappop(heap)
        _, _, bx, dep, _, _, _, cls = item
        j = split_dim(bx, cls)
        lo, hi = bx[j]
        mid = (lo + hi) / 2
        left = list(bx)
        right = list(bx)
        left[j] = (lo, mid)
        right[j] = (mid, hi)
        leaves -= 1
        process(left, dep + 1, cls)
        process(right, dep + 1, cls)
    info["budget_exhausted"] = bool(heap)
    info["boxes"] = leaves

    # --- sum enclosure leaves ------------------------------------------------------------
    nraw = 2 + d + H + H * d + H
    acc = [arb(0) for _ in range(nraw)]
    for item in list(heap) + frozen:
        enc = item[4]
        for k in range(nraw):
            acc[k] += enc[k]
        info["enclosed_boxes"] += 1
        info["enclosed_volume"] += item[6]
        if item[5]:
            info["undecided_boxes"] += 1
            info["undecided_volume"] += item[6]

    base = 2 + d
    L = arb(eL) + acc[0]
    Gw = []
    Gb = []
    Gv = []
    for i in range(H):
        tv = 2 * V[i]
        tva = arb(tv)
        for j in range(d):
            Gw.append(arb(tv * eIX[i][j]) + tva * acc[base + H + i * d + j])
        Gb.append(arb(tv * eI[i]) + tva * acc[base + i])
        Gv.append(arb(2 * eU[i]) + 2 * acc[base + H + H * d + i])
    Gc = arb(2 * eR) + 2 * acc[1]
    G = Gw + Gb + Gv + [Gc]
    assert len(G) == nG
    return L, G, info
