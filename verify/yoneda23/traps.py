"""Certified trap sets for periodic orbits of smooth maps G: R^n → R^n (n small; n = 2 in practice),
and their application to planted violation P4 of spec 004 (`head='ab'`, constant η: a 2-cycle).

A trap certificate for a p-cycle is a list of parallelograms B_0, …, B_{p−1} with
G(B_k) ⊂ B_{k+1 mod p} for every k, each inclusion certified.  Each box is
B = {c + V s : |s_i| ≤ r_i} with an exact rational centre c, an exact rational invertible matrix V
(columns = directions) and exact rational radii r_i > 0.

Contract of the map.  `G_box(X)` and `J_box(X)` take an axis-aligned box X (a tuple of `arb`
balls) and describe a map Ĝ of class C¹ on an open convex set containing X that coincides with G on
X: `G_box(X)` returns balls enclosing Ĝ(X) = G(X) and `J_box(X)` an n×n matrix of balls enclosing
DĜ(y) entrywise for every y ∈ X.  Either may raise `Undecided` (or return None) when it cannot
certify this (for the GD map of 3.8: when the regime is not certified on X, so that G might not be
the closed-form map there); that attempt then fails.  Ĝ may depend on X only through "Ĝ = G on X".

Soundness of one inclusion G(B) ⊂ B' (`check_inclusion`), B' = {c' + V' s' : |s'_i| ≤ r'_i}.
Let H = hull(B) be the axis-aligned box c_i ± Σ_j |V_ij| r_j (computed exactly, then enclosed in
balls), and let x = c + V s ∈ B.  The segment c + τ V s, τ ∈ [0, 1], lies in B (B is convex and
contains c), hence in H, where Ĝ is C¹, so

    Ĝ(x) − Ĝ(c) = M̄ V s,   M̄ = ∫_0^1 DĜ(c + τ V s) dτ.

Each entry M̄_kl is an average of values in the ball J_kl of J = J_box(H), so M̄_kl ∈ J_kl (balls
are convex).  With s' := V'^{-1}(G(x) − c') (G = Ĝ on B),

    s' = e + N s,   e = V'^{-1}(Ĝ(c) − c') ∈ V'^{-1}(G_box({c}) − c'),   N = V'^{-1} M̄ V,

and N_ij = Σ_kl (V'^{-1})_ik M̄_kl V_lj lies in the ball obtained by evaluating the same sum with
J_kl in place of M̄_kl (inclusion monotonicity of ball arithmetic; V'^{-1} is computed exactly in
`fmpq`, V and V'^{-1} enter as balls containing their exact entries).  Hence, for every x ∈ B,

    |s'_i| ≤ β_i := ub|e_i| + Σ_j ub|N_ij| · r_j,

where ub|z| = max(|lo|, |hi|) over the exact rational endpoints (lo, hi) of the ball z
(`verify.numbers.ball_bounds`); β_i is then computed exactly in `fmpq`.  If β_i ≤ r'_i for every
i (an exact rational comparison), then G(B) ⊂ B'.  No float and no comparison of overlapping balls
decides anything.

Consequences of a certificate.  G^p maps B_0 into itself; B_0 is compact and convex and G^p is
continuous on it (G equals a C¹ map on each B_k), so by Brouwer G has a periodic point in B_0 whose
orbit visits B_0, B_1, … in turn (period dividing p; exactly p when the B_k are pairwise disjoint).
Every orbit entering some B_k stays in the boxes forever, cycling through them.

Construction (`certify_cycle`).  Centres are the float cycle points taken exactly (dyadic `fmpq`).
The directions follow the cycle: V_0 holds the (real) eigenvectors of D(G^p)(p_0) (real and
imaginary parts of a complex pair; the identity if they are ill-conditioned) and
V_{k+1} ≈ DG(p_k) V_k (columns normalized), each rounded to 30-bit dyadic rationals.  Then the
one-step matrices N are close to the identity up to column scaling for k < p − 1, and the closing one
is close to diag(eigenvalues of D(G^p)).  Radii: r_0 = shrink · max(1, ‖p_0‖_∞) in every
direction, r_{k+1} = β (of step k) inflated by a factor 1 + ``inflate`` and rounded up to a short
dyadic, so steps 0..p−2 hold by construction; the closing step G(B_{p−1}) ⊂ B_0 is the real test.
Its relative slack is about 1 − |μ| for the eigenvalue μ of D(G^p) closest to the unit circle, and
the nonlinear and rounding terms grow with the radii, so several shrink factors are tried, largest
first.  Expanding or neutral directions cannot close: no certificate is returned then.

P4 (`ab_head_map`, `ab_two_cycle`, `f_range`, `theta_in_box`): the full-batch GD map of D0 with
``head='ab'`` in coordinates (a, λ), λ = a(b − 1/4), is the closed-form map of claim 3.8
(`verify.yoneda23.d0._cf_map`, Jacobian `verify.yoneda23.d0._cf_jacobian`) on the regime of 3.8; both enclosures
certify the regime on their box first.  That the closed form is the GD map in the regime is
claim 3.8 ([DERIVED] proof, checked exactly against the general integrator; the tests cross-check
certified boxes with exact GD steps as well).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from flint import arb, fmpq

from . import d0 as _d0
from ..errors import InputError
from ..numbers import Undecided, ball_bounds, precision, short, to_float, to_json

ArbBox = tuple  # tuple of arb balls, one per coordinate
BoxMap = Callable[[ArbBox], "tuple | None"]

DIRECTION_BITS = 30
"""Significant bits kept when the float directions V_k are rounded to dyadic rationals."""

RADIUS_BITS = 40
"""Significant bits of the (rounded-up) radii."""

MAX_COND = 1e8
"""Largest condition number accepted for a float direction matrix (its 30-bit rounding is then
certainly nonsingular)."""

P4_GUESS = (19.583863, 0.873932)
"""Float (a, λ) near the first point of the P4 2-cycle (spec 004 §4)."""


# ============================================================================================
# exact helpers


def _exact(x: float) -> fmpq:
    """The exact value of a finite float."""
    p, q = float(x).as_integer_ratio()
    return fmpq(p, q)


def _dyadic(x: float, bits: int) -> fmpq:
    """x rounded to a dyadic rational with ``bits`` significant bits (0 for x = 0)."""
    if x == 0:
        return fmpq(0)
    _, e = math.frexp(x)
    k = bits - e
    m = round(x * 2.0 ** k)
    return fmpq(m) * (fmpq(2) ** (-k) if k <= 0 else fmpq(1, 2 ** k))


def _round_up(q: fmpq, bits: int) -> fmpq:
    """The least dyadic ≥ q with about ``bits`` significant bits (q > 0)."""
    e = bits - (int(q.p).bit_length() - int(q.q).bit_length())
    scale = fmpq(2) ** e if e >= 0 else fmpq(1, 2 ** (-e))
    return fmpq((q * scale).ceil()) / scale


def _inverse(V) -> tuple | None:
    """The exact inverse of a square `fmpq` matrix (Gauss–Jordan), or None if it is singular."""
    n = len(V)
    M = [list(row) + [fmpq(int(i == j)) for j in range(n)] for i, row in enumerate(V)]
    for col in range(n):
        piv = next((r for r in range(col, n) if M[r][col] != 0), None)
        if piv is None:
            return None
        M[col], M[piv] = M[piv], M[col]
        inv = 1 / M[col][col]
        M[col] = [v * inv for v in M[col]]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col]
                M[r] = [v - f * w for v, w in zip(M[r], M[col])]
    return tuple(tuple(row[n:]) for row in M)


def _ub_abs(z: arb) -> fmpq | None:
    """An exact rational upper bound of |z| over the ball z (None if z is not finite)."""
    b = ball_bounds(z)
    return None if b is None else max(abs(b[0]), abs(b[1]))


def _matvec(M, v):
    return tuple(sum((M[i][j] * v[j] for j in range(len(v))), 0 * v[0]) for i in range(len(M)))


def _matmul(M, P):
    return tuple(tuple(sum((M[i][k] * P[k][j] for k in range(len(P))), 0 * M[0][0]) for j in range(len(P[0])))
                 for i in range(len(M)))


# ============================================================================================
# boxes


@dataclass
class Parallelogram:
    """The set {centre + V s : |s_i| ≤ radii_i}: exact `fmpq` centre, matrix V (``V[i][j]`` is
    coordinate i of direction j; invertible) and radii > 0."""

    centre: tuple
    V: tuple
    radii: tuple
    Vinv: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.centre = tuple(fmpq(v) for v in self.centre)
        self.V = tuple(tuple(fmpq(v) for v in row) for row in self.V)
        self.radii = tuple(fmpq(v) for v in self.radii)
        n = len(self.centre)
        if len(self.V) != n or any(len(row) != n for row in self.V) or len(self.radii) != n:
            raise InputError(f"a parallelogram in R^{n} needs an {n}x{n} matrix and {n} radii", "box")
        if any(r <= 0 for r in self.radii):
            raise InputError("the radii must be > 0", "box.radii")
        Vinv = _inverse(self.V)
        if Vinv is None:
            raise InputError("the direction matrix V is singular", "box.V")
        self.Vinv = Vinv

    @property
    def dim(self) -> int:
        return len(self.centre)

    def hull_bounds(self) -> tuple[tuple[fmpq, fmpq], ...]:
        """The exact axis-aligned hull: per coordinate (c_i − h_i, c_i + h_i), h_i = Σ_j |V_ij| r_j."""
        out = []
        for c, row in zip(self.centre, self.V):
            h = sum((abs(v) * r for v, r in zip(row, self.radii)), fmpq(0))
            out.append((c - h, c + h))
        return tuple(out)

    def hull(self, prec: int = 256) -> tuple:
        """Balls (at ``prec`` bits) enclosing the axis-aligned hull, hence the whole set."""
        with precision(prec):
            return tuple(arb(lo).union(arb(hi)) for lo, hi in self.hull_bounds())

    def coordinates(self, x) -> tuple:
        """s = V^{-1}(x − centre): exact for rational x; balls containing it for balls x (evaluated
        at the current precision)."""
        if all(isinstance(v, (int, fmpq)) for v in x):
            return _matvec(self.Vinv, tuple(fmpq(v) - c for v, c in zip(x, self.centre)))
        W = tuple(tuple(arb(v) for v in row) for row in self.Vinv)
        return _matvec(W, tuple(arb(v) - arb(c) for v, c in zip(x, self.centre)))

    def contains(self, x, prec: int = 256) -> bool | None:
        """Is the point x in the set?  For rational x (`fmpq`/int coordinates) exactly True/False.
        For balls x: True if every point of the ball is certified inside, False if every point is
        certified outside (one coordinate |s_i| > r_i on the whole ball), None otherwise."""
        if len(x) != self.dim:
            raise InputError(f"the point has {len(x)} coordinates, the box lives in R^{self.dim}", "x")
        if all(isinstance(v, (int, fmpq)) for v in x):
            return all(abs(s) <= r for s, r in zip(self.coordinates(x), self.radii))
        with precision(prec):
            s = self.coordinates(x)
        inside = True
        for si, r in zip(s, self.radii):
            b = ball_bounds(si)
            if b is None:
                inside = False
                continue
            lo, hi = b
            if lo > r or hi < -r:
                return False
            if not (-r <= lo and hi <= r):
                inside = False
        return True if inside else None

    def to_json(self) -> dict:
        """Exact strings: centre, V (rows), radii."""
        return {"centre": to_json(self.centre), "V": [to_json(row) for row in self.V],
                "radii": to_json(self.radii)}


@dataclass
class CycleCertificate:
    """Boxes B_0..B_{p−1} with G(B_k) ⊂ B_{k+1 mod p} certified (see the module docstring), at
    ``prec`` bits.  ``margins[k][i] = 1 − β_i/r'_i`` is the exact relative slack of inclusion k in
    direction i (β the bound of `check_inclusion`, r' the radii of B_{k+1 mod p})."""

    period: int
    boxes: list
    prec: int
    log: list
    margins: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"period": self.period, "prec": self.prec, "boxes": [b.to_json() for b in self.boxes],
                "margins": [to_json(m) for m in self.margins], "log": list(self.log)}


# ============================================================================================
# floats: the cycle and the directions (steering only, never a verdict)


def newton_cycle(G_float, J_float, x0, period: int, iters: int = 50, tol: float = 1e-14):
    """Float Newton on G^p(x) − x = 0 from x0: the cycle points [p_0, …, p_{p−1}] with
    p_{k+1} = G(p_k) (numpy arrays), or None when it does not converge (a step below
    tol·(1 + ‖x‖_∞) within ``iters`` iterations) or meets a non-finite value.  A cycle of a period
    dividing ``period`` (e.g. a fixed point) is returned as such."""
    if period < 1:
        raise InputError(f"the period must be >= 1, got {period}", "period")
    x = np.array(x0, dtype=float)
    n = len(x)
    for _ in range(iters):
        y, D = x, np.eye(n)
        for _ in range(period):
            D = np.asarray(J_float(y), dtype=float) @ D
            y = np.asarray(G_float(y), dtype=float)
        if not (np.all(np.isfinite(y)) and np.all(np.isfinite(D))):
            return None
        try:
            step = np.linalg.solve(D - np.eye(n), y - x)
        except np.linalg.LinAlgError:
            return None
        x = x - step
        if not np.all(np.isfinite(x)):
            return None
        if np.max(np.abs(step)) <= tol * (1 + np.max(np.abs(x))):
            pts = [x]
            for _ in range(period - 1):
                pts.append(np.asarray(G_float(pts[-1]), dtype=float))
            return pts
    return None


def _mid_matrix(J) -> np.ndarray:
    return np.array([[to_float(v) for v in row] for row in J], dtype=float)


def _eigenbasis(M: np.ndarray) -> np.ndarray:
    """Unit real directions adapted to M: eigenvectors for real eigenvalues, the real and imaginary
    parts of one eigenvector per complex pair; the identity when that basis is ill-conditioned."""
    n = len(M)
    w, v = np.linalg.eig(M)
    cols = []
    for k in range(n):
        if abs(w[k].imag) <= 1e-12 * max(1.0, abs(w[k])):
            cols.append(v[:, k].real)
        elif w[k].imag > 0:
            cols += [v[:, k].real, v[:, k].imag]
    V = np.array(cols).T if len(cols) == n else np.eye(n)
    if not _well_conditioned(V):
        V = np.eye(n)
    return V / np.linalg.norm(V, axis=0)


def _well_conditioned(V: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(V))) and np.linalg.cond(V) <= MAX_COND


def _rational_matrix(V: np.ndarray) -> tuple:
    return tuple(tuple(_dyadic(float(v), DIRECTION_BITS) for v in row) for row in V)


# ============================================================================================
# certified inclusion and the cycle search


def check_inclusion(G_box: BoxMap, J_box: BoxMap, B: Parallelogram, target: Parallelogram,
                    prec: int = 256) -> tuple | None:
    """Exact rationals β_i ≥ sup_{x ∈ B} |s'_i(x)|, s'(x) = V'^{-1}(G(x) − c') the coordinates of
    G(x) in the frame (centre c', directions V') of ``target`` (its radii are not used), or None when
    G_box/J_box cannot enclose the map on hull(B) (`Undecided` or None) or a ball is not finite.
    β_i ≤ r'_i for every i certifies G(B) ⊂ target (module docstring); the caller compares."""
    n = B.dim
    with precision(prec):
        try:
            J = J_box(B.hull(prec))
            Gc = G_box(tuple(arb(c) for c in B.centre))
        except Undecided:
            return None
        if J is None or Gc is None:
            return None
        W = tuple(tuple(arb(v) for v in row) for row in target.Vinv)
        V = tuple(tuple(arb(v) for v in row) for row in B.V)
        e = _matvec(W, tuple(g - arb(c) for g, c in zip(Gc, target.centre)))
        N = _matmul(_matmul(W, J), V)
    beta = []
    for i in range(n):
        ub = _ub_abs(e[i])
        if ub is None:
            return None
        for j in range(n):
            u = _ub_abs(N[i][j])
            if u is None:
                return None
            ub += u * B.radii[j]
        beta.append(ub)
    return tuple(beta)


def certify_cycle(G_box: BoxMap, J_box: BoxMap, points: Sequence, *, prec: int = 256,
                  shrink: Sequence[float] = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8),
                  inflate: float = 2.0 ** -30) -> CycleCertificate | None:
    """Certified trap boxes B_0..B_{p−1} around the float cycle ``points`` (p_{k+1} ≈ G(p_k)),
    G(B_k) ⊂ B_{k+1 mod p}, or None if no shrink factor closes, a Jacobian at a centre cannot be
    enclosed, or the propagated directions degenerate (module docstring: construction and
    soundness).  The float Jacobians steering the directions are the midpoints of J_box at the
    centres."""
    p = len(points)
    if p < 1:
        raise InputError("a cycle needs at least one point", "points")
    centres = [tuple(_exact(float(v)) for v in pt) for pt in points]
    n = len(centres[0])
    with precision(prec):
        try:
            Js = [J_box(tuple(arb(v) for v in c)) for c in centres]
        except Undecided:
            return None
    if any(J is None for J in Js):
        return None
    Jf = [_mid_matrix(J) for J in Js]
    if not all(np.all(np.isfinite(M)) for M in Jf):
        return None
    Mp = np.eye(n)
    for M in Jf:
        Mp = M @ Mp
    Vf = [_eigenbasis(Mp)]
    for k in range(p - 1):
        W = Jf[k] @ Vf[-1]
        if not _well_conditioned(W):
            return None
        Vf.append(W / np.linalg.norm(W, axis=0))
    Vs = [_rational_matrix(V) for V in Vf]  # nonsingular: cond ≤ MAX_COND, entries to 2^-30
    scale = max(1.0, max(abs(float(v)) for v in points[0]))
    eig = np.linalg.eigvals(Mp)
    log = [f"period {p}, prec {prec}; float eigenvalues of D(G^{p}): "
           + ", ".join(f"{complex(z):.6g}" if abs(z.imag) > 0 else f"{z.real:.8g}" for z in eig)]
    grow = fmpq(1) + _exact(inflate)
    for sh in shrink:
        r0 = tuple(_round_up(_exact(sh * scale), RADIUS_BITS) for _ in range(n))
        # frames[k] fixes the centre and directions of B_k; only B_0 keeps the frame's radii
        frames = [Parallelogram(c, V, r0) for c, V in zip(centres, Vs)]
        boxes = [frames[0]]
        margins, ok = [], True
        for k in range(p):
            beta = check_inclusion(G_box, J_box, boxes[k], frames[(k + 1) % p], prec)
            if beta is None:
                log.append(f"shrink {sh:g}: step {k} could not be enclosed (regime / Undecided)")
                ok = False
                break
            if k < p - 1:
                floor = r0[0] / 2 ** RADIUS_BITS  # keeps the radii > 0 if β = 0
                r = tuple(_round_up(max(b * grow, floor), RADIUS_BITS) for b in beta)
                boxes.append(Parallelogram(centres[k + 1], Vs[k + 1], r))
            radii = boxes[(k + 1) % p].radii
            margins.append(tuple(1 - b / r for b, r in zip(beta, radii)))
            if not all(b <= r for b, r in zip(beta, radii)):
                worst = to_float(min(margins[-1]))
                log.append(f"shrink {sh:g}: G(B_{k}) ⊄ B_{(k + 1) % p} (worst relative margin {worst:.3g})")
                ok = False
                break
        if ok:
            log.append(f"shrink {sh:g}: closed; radii "
                       + "; ".join(f"B_{k}: " + ", ".join(f"{to_float(r):.6g}" for r in b.radii)
                                   for k, b in enumerate(boxes)))
            log.append("relative margins " + "; ".join(
                f"G(B_{k})⊂B_{(k + 1) % p}: " + ", ".join(f"{to_float(m):.3g}" for m in ms)
                for k, ms in enumerate(margins)))
            return CycleCertificate(p, boxes, prec, log, margins)
    return None


# ============================================================================================
# P4: the 'ab' head, full batch, in (a, λ)


def _check_ab(cfg) -> tuple:
    """(A, B) of the 3.8 closed form for a P4-type configuration, or InputError."""
    if cfg.head != "ab" or cfg.d != 1 or cfg.N < 1 or cfg.batch.kind != "full" or cfg.eta_decay != 0:
        raise InputError("the 'ab' trap map needs head='ab', d = 1, N >= 1, a full batch and a constant η", "d0")
    co = _d0.closed_form_coefficients(cfg, 0)
    if co is None:
        raise InputError("this configuration has no closed form (3.8)", "d0")
    return co


def ab_head_map(cfg):
    """(G_box, J_box, G_float, J_float) for the full-batch GD map of ``cfg`` (head 'ab') in (a, λ).

    G_box((a, λ)) encloses (a', λ') for every (a, λ) of the box and J_box((a, λ)) encloses
    ∂(a', λ')/∂(a, λ) there, both by the closed form of 3.8 after certifying the regime of 3.8 on
    the whole box (else `Undecided`); the closed form is C^∞ on a > 0, so the contract of the
    module docstring holds with Ĝ = the closed form.  The float pair is for steering."""
    A, B = _check_ab(cfg)
    dL, dR = _d0.regime_bounds(cfg.N)
    k17 = fmpq(17, 48)
    Af, Bf, ef = to_float(A), to_float(B), to_float(cfg.eta)

    def _regime(X):
        a, lam = X
        if _d0._regime(a, lam, dL, dR) is not True:
            raise Undecided(f"regime of 3.8 not certified on a = {short(a, 8)}, λ = {short(lam, 8)}")
        return a, lam

    def G_box(X):
        a, lam = _regime(X)
        return _d0._cf_map(a, lam, arb(A), arb(B), arb(cfg.eta), arb(k17), False)

    def J_box(X):
        a, lam = _regime(X)
        j11, j12, j21, j22 = _d0._cf_jacobian(a, lam, 1 / a, arb(A), arb(B), arb(cfg.eta), arb(k17), False)
        return ((j11, j12), (j21, j22))

    def G_float(x):
        a, lam = float(x[0]), float(x[1])
        return np.array(_d0._cf_map(a, lam, Af, Bf, ef, 17 / 48, False))

    def J_float(x):
        a, lam = float(x[0]), float(x[1])
        j11, j12, j21, j22 = _d0._cf_jacobian(a, lam, 1 / a, Af, Bf, ef, 17 / 48, False)
        return np.array([[j11, j12], [j21, j22]])

    return G_box, J_box, G_float, J_float


def ab_two_cycle(cfg, guess=None, prec: int = 256) -> CycleCertificate | None:
    """Trap boxes in (a, λ) for the 2-cycle of the 'ab'-head GD map (P4), from the float Newton
    cycle started at ``guess`` (default `P4_GUESS`), or None."""
    G_box, J_box, G_float, J_float = ab_head_map(cfg)
    pts = newton_cycle(G_float, J_float, P4_GUESS if guess is None else guess, 2)
    if pts is None:
        return None
    return certify_cycle(G_box, J_box, pts, prec=prec)


def f_range(cfg, box: Parallelogram, x, prec: int = 256) -> arb:
    """A ball (at ``prec`` bits) containing f_N(θ, x) = min{1, max{0, λ − a(r_N(x) − 1/4)}} for
    every (a, λ) in ``box`` (head 'ab', α = 1, β = 0, d = 1, x rational).  The argument
    y = λ − a(r_N(x) − 1/4) is affine in (a, λ), so its range over the parallelogram is exactly
    y(c) ± Σ_j |ℓ·V_j| r_j (ℓ = (−(r_N − 1/4), 1)); the clip is monotone, so the range of f is
    [clip(y_lo), clip(y_hi)] -- exact rationals, enclosed in one ball."""
    if cfg.head != "ab" or cfg.d != 1 or cfg.train_outer:
        raise InputError("f_range needs head='ab', d = 1 and a frozen α, β", "d0")
    x = fmpq(x)
    cfg.check_point([x])
    delta = _d0.feature([x], cfg.N) - _d0.QUARTER
    ell = (-delta, fmpq(1))
    yc = ell[0] * box.centre[0] + ell[1] * box.centre[1]
    h = sum((abs(ell[0] * box.V[0][j] + ell[1] * box.V[1][j]) * box.radii[j] for j in range(2)), fmpq(0))

    def clip(y):
        return min(fmpq(1), max(fmpq(0), y))

    with precision(prec):
        return arb(clip(yc - h)).union(arb(clip(yc + h)))


def theta_in_box(cfg, theta, box: Parallelogram, prec: int = 256) -> bool | None:
    """`Parallelogram.contains` for head-'ab' parameters θ = (a, b) (exact or balls), mapped to
    (a, λ) = (a, a(b − 1/4)) exactly (balls: enclosed)."""
    if cfg.head != "ab":
        raise InputError("theta_in_box needs head='ab'", "d0")
    theta = tuple(fmpq(v) if isinstance(v, int) else v for v in theta)
    if any(isinstance(v, arb) for v in theta):
        with precision(prec):
            return box.contains(cfg.a_lambda(tuple(arb(v) for v in theta)), prec)
    return box.contains(cfg.a_lambda(theta), prec)
