"""ejrw22 claims 13, 14 (H = 1) -- the fully active region F = {w x + b > 0 on [A, B]} on the flow's invariant
manifold, for the Łojasiewicz-length certificate (proofs_notes/ejrw22.md#lojasiewicz-length).  [DERIVED]

In F the network is affine, 𝒩 = s x + t with s = v w, t = v b + c, and ℒ(θ) = ℓ(s, t).  With z = ∇ℓ(s, t) and
u = (w, b) the gradient is 𝒢_u = v z, 𝒢_v = ⟨u, z⟩, 𝒢_c = z_2, so the speed of a solution is a quadratic form
in z:

* standard flow:   |𝒢|² = zᵀ Q z,  Q = v² I + KᵀK,  K = [[w, b], [0, 1]]  (⟨u, z⟩ = (Kz)_1, z_2 = (Kz)_2);
  λ_min(Q) = v² + σ², σ² = σ_min²(K) = smaller root of x² − (w² + b² + 1) x + w², increasing in w²,
  decreasing in b².
* normalized flow on M_A (|u| = 1):  |P𝒢|² = v²(|z|² − ⟨u, z⟩²) + ⟨u, z⟩² + z_2² = zᵀ Q z,
  Q = v²(I − uuᵀ) + uuᵀ + e_2e_2ᵀ, tr Q = v² + 2, det Q = 2v² + (1 − v²)w²; Q is Loewner-increasing in v²
  (I − uuᵀ ⪰ 0), Q ⪰ I for v² ≥ 1, and for v² ≤ 1 λ_min(Q) = (v² + 2 − √((2 − v²)² − 4(1 − v²)w²))/2 is
  increasing in w².  At v = 0: λ_min = 1 − √(1 − w²) ≥ w²/2 > 0 unless w = 0; λ_min ≥ min(v², 1) always.

So over a box R of θ intersected with the manifold (M_A, or the level set |u|² − v² = κ of the standard flow)
λ_min(Q) is bounded below by its value at the corner (v² = its lower end, w² = its lower end on R ∩ manifold,
b² = its upper end), computed here with exact rationals and a square root rounded up.  The region test
decides exactly whether R ∩ manifold ⊂ F: for x ∈ {A, B}, P = ((w, b)-box) ∩ {w x + b ≤ 0} is a convex polygon,
|u|² ranges over an interval on it, and the manifold's annulus r_lo² ≤ |u|² ≤ r_hi² misses P iff
max_P |u|² < r_lo² or min_P |u|² > r_hi².

Two code paths: `pl_factor` / `fully_active` (fmpq; square root, polygon clipping) certify;
`recheck_factor` / `recheck_active` (Python fractions; the characteristic polynomial of Q, candidate points of
the polygon) re-check.
"""

from __future__ import annotations

import math
from fractions import Fraction as Fr

from flint import fmpq


def sqrt_up(q, bits: int = 64) -> fmpq:
    """A rational ≥ √q (q ≥ 0), within about 2^−bits relative."""
    q = fmpq(q)
    if q <= 0:
        return fmpq(0)
    p, d = int(q.p), int(q.q)
    k = max(0, bits - (p.bit_length() - d.bit_length()) // 2)
    # √q = √(p d 4^k)/(d 2^k) < (isqrt(p d 4^k) + 1)/(d 2^k)
    return fmpq(math.isqrt(p * d * 4 ** k) + 1, d * 2 ** k)


def round_down(q, bits: int = 48) -> fmpq:
    """A rational ≤ q with a power-of-two denominator, within about 2^−bits relative (q ≥ 0)."""
    q = fmpq(q)
    if q <= 0:
        return q
    k = max(0, bits - int(q.p).bit_length() + int(q.q).bit_length())
    return fmpq(int(q.p) * 2 ** k // int(q.q), 2 ** k)


def round_up(q, bits: int = 48) -> fmpq:
    """A rational ≥ q with a power-of-two denominator (q ≥ 0)."""
    q = fmpq(q)
    if q <= 0:
        return q
    k = max(0, bits - int(q.p).bit_length() + int(q.q).bit_length())
    return fmpq(-((-int(q.p) * 2 ** k) // int(q.q)), 2 ** k)


def _sq(lo, hi):
    """The exact range of x² for x ∈ [lo, hi]."""
    top = max(lo * lo, hi * hi)
    return (lo * 0 if lo <= 0 <= hi else min(lo * lo, hi * hi)), top


def radii(flow: str, R, kappa):
    """The range [r_lo², r_hi²] of |u|² on R ∩ manifold: 1 on M_A; κ + v² on the standard flow's level set."""
    if flow == "normalized":
        return fmpq(1), fmpq(1)
    V0, V1 = _sq(*R[2])
    return kappa + V0, kappa + V1


def pl_factor(flow: str, R, kappa=None) -> fmpq:
    """A rational m ≤ λ_min(Q(θ)) for every θ ∈ R ∩ manifold (module docstring), so that there
    |Θ'|² ≥ m|∇ℓ|²; 0 when no positive bound is found.  R: rational intervals (w, b, v, c)."""
    r2lo, r2hi = radii(flow, R, kappa)
    V0, _ = _sq(*R[2])
    W0b, _ = _sq(*R[0])
    B0b, B1b = _sq(*R[1])
    W = max(W0b, r2lo - B1b, fmpq(0))  # w² = |u|² − b² ≥ r_lo² − b²_hi on the manifold
    if flow == "normalized":
        W, V = min(W, fmpq(1)), min(V0, fmpq(1))
        tr, det = V + 2, 2 * V + (1 - V) * W
        D = (2 - V) ** 2 - 4 * (1 - V) * W
        if det <= 0:
            return fmpq(0)
        return round_down(2 * det / (tr + sqrt_up(D)))
    Bh = max(min(B1b, r2hi - W0b), fmpq(0))  # b² = |u|² − w² ≤ r_hi² − w²_lo
    T = W + Bh + 1
    sig = 2 * W / (T + sqrt_up(T * T - 4 * W)) if W > 0 else fmpq(0)
    return round_down(V0 + sig)


def _clip(wi, bi, x):
    """Vertices of the convex polygon ([w0, w1] × [b0, b1]) ∩ {w x + b ≤ 0} (Sutherland–Hodgman; degenerate
    boxes give repeated vertices)."""
    (w0, w1), (b0, b1) = wi, bi
    poly = [(w0, b0), (w1, b0), (w1, b1), (w0, b1)]
    out = []
    for i in range(4):
        P, Q = poly[i], poly[(i + 1) % 4]
        gP, gQ = P[0] * x + P[1], Q[0] * x + Q[1]
        if gP <= 0:
            out.append(P)
        if (gP < 0 < gQ) or (gQ < 0 < gP):
            t = gP / (gP - gQ)
            out.append((P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])))
    return out


def _seg_dist2(P, Q):
    """min |p|² over the segment [P, Q]."""
    dx, dy = Q[0] - P[0], Q[1] - P[1]
    L = dx * dx + dy * dy
    if L == 0:
        return P[0] ** 2 + P[1] ** 2
    t = -(P[0] * dx + P[1] * dy) / L
    t = min(max(t, fmpq(0)), fmpq(1))
    x, y = P[0] + t * dx, P[1] + t * dy
    return x * x + y * y


def fully_active(flow: str, R, A, B, kappa=None) -> bool:
    """Exactly: every θ ∈ R ∩ manifold has w x + b > 0 for x ∈ [A, B] (module docstring)."""
    r2lo, r2hi = radii(flow, R, kappa)
    for x in (A, B):
        P = _clip(R[0], R[1], x)
        if not P:
            continue
        if max(p[0] ** 2 + p[1] ** 2 for p in P) < r2lo:
            continue
        (w0, w1), (b0, b1) = R[0], R[1]
        if w0 <= 0 <= w1 and b0 <= 0 <= b1:  # the origin is in P (on the line w x + b = 0)
            d2 = fmpq(0)
        else:
            d2 = min(_seg_dist2(P[i], P[(i + 1) % len(P)]) for i in range(len(P)))
        if d2 > r2hi:
            continue
        return False
    return True


def _pl_upper(flow, S, kappa) -> float:
    """A float estimate of max λ_min(Q) over S ∩ manifold (the other corner): only steers the splitting --
    a leaf whose estimate is below the target is not split for m (finer leaves cannot reach it)."""
    r2lo, r2hi = (float(x) for x in radii(flow, S, kappa))
    V = float(_sq(*S[2])[1])
    W = min(float(_sq(*S[0])[1]), r2hi - float(_sq(*S[1])[0]))
    Bl = max(float(_sq(*S[1])[0]), r2lo - float(_sq(*S[0])[1]), 0.0)
    W = max(W, 0.0)
    if flow == "normalized":
        V, W = min(V, 1.0), min(W, 1.0)
        return (V + 2 - math.sqrt(max((2 - V) ** 2 - 4 * (1 - V) * W, 0.0))) / 2
    T = W + Bl + 1
    return V + (T - math.sqrt(max(T * T - 4 * W, 0.0))) / 2


def _outside_witness(flow, S, Y, rho1, A, B, kappa) -> bool:
    """Float steering only (a refusal is always sound): the centre of S, moved radially onto the manifold, is
    clearly within ρ' of Y and clearly outside F -- no refinement can certify this region."""
    w, b, v = (float(lo + hi) / 2 for lo, hi in S[:3])
    r2 = 1.0 if flow == "normalized" else float(kappa) + v * v
    n = math.hypot(w, b)
    if r2 <= 0 or n == 0:
        return False
    w, b = w * math.sqrt(r2) / n, b * math.sqrt(r2) / n
    d2 = 0.0
    for x, (y0, y1) in zip((w, b, v), Y[:3]):
        d2 += max(float(y0) - x, x - float(y1), 0.0) ** 2
    if d2 >= 0.99 * float(rho1) ** 2:
        return False
    return min(w * float(A) + b, w * float(B) + b) < -1e-9


def _misses_manifold(flow, S, kappa) -> bool:
    """The (w, b, v)-box S misses the manifold: |u|² ranges away from [r_lo², r_hi²] (exact squares)."""
    (a0, a1), (b0, b1) = _sq(*S[0]), _sq(*S[1])
    r2lo, r2hi = radii(flow, S, kappa)
    return a0 + b0 > r2hi or a1 + b1 < r2lo


def _gap2(S, Y) -> fmpq:
    """Σ_k dist([S_k], [Y_k])² over k = w, b, v: a lower bound of the squared Euclidean distance of S to Y."""
    out = fmpq(0)
    for (s0, s1), (y0, y1) in zip(S[:3], Y[:3]):
        g = max(s0 - y1, y0 - s1, fmpq(0))
        out += g * g
    return out


def cover(flow, R, Y, rho1, A, B, kappa, m_target, max_leaves: int = 600, max_depth: int = 30):
    """Branch and bound over the (w, b, v)-box of R (bisection of the widest side, the first on ties): every leaf
    that meets 𝓑 = {θ : dist(θ, Y) < ρ'} (ρ' = rho1) and the manifold must be fully active and have
    pl_factor ≥ m_target, else it is split.  Returns (status, value, leaves, depth): ("ok", m_target, ...) when
    λ_min(Q) ≥ m_target on 𝓑 ∩ manifold; ("short", m', ...) when a leaf shows m_target is out of reach (m' a
    float-steered smaller target to try); ("fail", why, ...).  depth: the deepest node visited (the re-check
    replays the tree to it)."""
    from collections import deque

    r2 = rho1 * rho1
    stack = deque([([tuple(iv) for iv in R[:3]], 0)])  # breadth first: an out-of-reach target shows early
    c = tuple(R[3])
    leaves, deepest = 0, 0
    while stack:
        S, d = stack.popleft()
        deepest = max(deepest, d)
        if _gap2(S, Y) >= r2 or _misses_manifold(flow, S, kappa):
            continue
        S4 = S + [c]
        act = fully_active(flow, S4, A, B, kappa)
        mS = pl_factor(flow, S4, kappa) if act else fmpq(0)
        if act and mS >= m_target:
            leaves += 1
            continue
        if not act and _outside_witness(flow, S, Y, rho1, A, B, kappa):
            return "fail", "a point of the region on the manifold is outside F", leaves, deepest
        up = _pl_upper(flow, S4, kappa) if act else 0.0
        if act and up < float(m_target):
            guess = fmpq(math.floor(up * 15 / 16 * 2 ** 40), 2 ** 40)  # floats steer the next target only
            return "short", max(mS, guess), leaves, deepest
        if d >= max_depth or leaves + len(stack) >= max_leaves:
            if act:
                return "short", mS, leaves, deepest
            return "fail", "a leaf is not certified fully active", leaves, deepest
        k = max(range(3), key=lambda j: S[j][1] - S[j][0])
        mid = (S[k][0] + S[k][1]) / 2
        for half in ((S[k][0], mid), (mid, S[k][1])):
            T = list(S)
            T[k] = half
            stack.append((T, d + 1))
    if leaves == 0:
        return "fail", "no leaf meets the manifold", leaves, deepest
    return "ok", m_target, leaves, deepest


# --------------------------------------------------------------------------------------------
# the re-check: Python fractions, other formulations


def _F(x) -> Fr:
    if isinstance(x, Fr):
        return x
    if isinstance(x, int):
        return Fr(x)
    x = fmpq(x)
    return Fr(int(x.p), int(x.q))


def _ranges(flow, R, kappa):
    """(v²_lo, w²_lo, b²_hi, r_lo², r_hi²) on R ∩ manifold, in fractions, written out case by case."""
    (w0, w1), (b0, b1), (v0, v1) = R[0], R[1], R[2]

    def lo2(a, b):
        return Fr(0) if a <= 0 <= b else (a * a if a > 0 else b * b)

    def hi2(a, b):
        return a * a if -a >= b else b * b
    if flow == "normalized":
        r2lo = r2hi = Fr(1)
    else:
        r2lo, r2hi = kappa + lo2(v0, v1), kappa + hi2(v0, v1)
    W = lo2(w0, w1)
    if r2lo - hi2(b0, b1) > W:
        W = r2lo - hi2(b0, b1)
    Bh = hi2(b0, b1)
    if r2hi - lo2(w0, w1) < Bh:
        Bh = r2hi - lo2(w0, w1)
    return lo2(v0, v1), max(W, Fr(0)), max(Bh, Fr(0)), r2lo, r2hi


def recheck_factor(flow, R, m, kappa=None) -> bool:
    """m ≤ λ_min(Q) at the corner of R ∩ manifold, by the characteristic polynomial (no square root):
    for a symmetric 2×2 Q, m ≤ λ_min ⇔ 2m ≤ tr Q and m² − tr Q·m + det Q ≥ 0."""
    R = [(_F(a), _F(b)) for a, b in R]
    m = _F(m)
    kappa = None if kappa is None else _F(kappa)
    V, W, Bh, _, _ = _ranges(flow, R, kappa)
    if m <= 0:
        return False
    if flow == "normalized":
        if V >= 1:  # Q(v²) ⪰ Q(1) = I + e_2e_2ᵀ ⪰ I
            return m <= 1
        W = min(W, Fr(1))
        tr, det = V + 2, 2 * V + (1 - V) * W
        return 2 * m <= tr and m * m - tr * m + det >= 0
    x = m - V  # needs x ≤ σ²(W, Bh): the smaller root of y² − (W + Bh + 1) y + W
    if x <= 0:
        return True
    T = W + Bh + 1
    return 2 * x <= T and x * x - T * x + W >= 0


def recheck_active(flow, R, A, B, kappa=None) -> bool:
    """R ∩ manifold ⊂ F, by the candidate points of P = box ∩ {w x + b ≤ 0}: min |u|² over the convex P is
    at a vertex (box corners in P, the line w x + b = 0 on the box edges) or at a foot of the perpendicular from
    0 on an edge line ((w_k, 0), (0, b_k), and 0 itself on the line), max |u|² at a vertex."""
    R = [(_F(a), _F(b)) for a, b in R]
    kappa = None if kappa is None else _F(kappa)
    _, _, _, r2lo, r2hi = _ranges(flow, R, kappa)
    (w0, w1), (b0, b1) = R[0], R[1]
    for x in (_F(A), _F(B)):
        def inP(p, x=x):
            return w0 <= p[0] <= w1 and b0 <= p[1] <= b1 and p[0] * x + p[1] <= 0
        cand = [(w, b) for w in (w0, w1) for b in (b0, b1)] + [(w0, -x * w0), (w1, -x * w1)]
        if x != 0:
            cand += [(-b0 / x, b0), (-b1 / x, b1)]
        verts = [p for p in cand if inP(p)]
        if not verts:
            continue
        feet = [p for p in ((w0, Fr(0)), (w1, Fr(0)), (Fr(0), b0), (Fr(0), b1), (Fr(0), Fr(0))) if inP(p)]
        n2 = [p[0] ** 2 + p[1] ** 2 for p in verts]
        if max(n2) < r2lo or min(n2 + [p[0] ** 2 + p[1] ** 2 for p in feet]) > r2hi:
            continue
        return False
    return True


def recheck_cover(flow, R, Y, rho1, A, B, m, kappa=None, max_depth: int = 30, max_leaves: int = 100000) -> tuple:
    """The re-check of `cover` in fractions: its own bisection (the widest of w, b, v at the midpoint, the first
    on ties), a leaf dropped when Σ gap² ≥ ρ'² or when |u|² misses [r_lo², r_hi²] on it, else it must pass
    `recheck_active` and `recheck_factor` at m (or be split, up to max_depth).  (ok, why)."""
    R = [(_F(a), _F(b)) for a, b in R]
    Y = [(_F(a), _F(b)) for a, b in Y]
    rho1, m = _F(rho1), _F(m)
    kappa = None if kappa is None else _F(kappa)
    A, B = _F(A), _F(B)
    todo = [(R[:3], 0)]
    seen = 0
    while todo:
        S, d = todo.pop()
        g2 = Fr(0)
        for (s0, s1), (y0, y1) in zip(S, Y[:3]):
            gap = s0 - y1 if s0 > y1 else (y0 - s1 if y0 > s1 else Fr(0))
            g2 += gap * gap
        if g2 >= rho1 * rho1:
            continue
        _, _, _, r2lo, r2hi = _ranges(flow, S + [R[3]], kappa)
        u2lo = sum(Fr(0) if a <= 0 <= b else min(a * a, b * b) for a, b in S[:2])
        u2hi = sum(max(a * a, b * b) for a, b in S[:2])
        if u2lo > r2hi or u2hi < r2lo:
            continue
        seen += 1
        if seen > max_leaves:
            return False, "too many leaves"
        S4 = S + [R[3]]
        if recheck_active(flow, S4, A, B, kappa) and recheck_factor(flow, S4, m, kappa):
            continue
        if d >= max_depth:
            return False, f"a leaf at depth {d} is not fully active on the manifold or has λ_min(Q) < m"
        widths = [b - a for a, b in S]
        k = widths.index(max(widths))
        mid = (S[k][0] + S[k][1]) / 2
        for half in ((S[k][0], mid), (mid, S[k][1])):
            T = list(S)
            T[k] = half
            todo.append((T, d + 1))
    return True, ""
