"""Exact L^∞ and W^{1,∞} distances of shallow ReLU networks in d ≤ 3 (beg19 claim 2,
``beg19.w1inf-arrangement-dd``), and an independent exact branch and bound that encloses them.

Setting (beg19 §2.2–2.3): Γ = ((a_i, b_i, c_i))_{i≤m}, e and Γ′ with the same input dimension d,
R(Γ)(x) = Σ_i c_i ρ(⟨a_i, x⟩ + b_i) + e, and f = R(Γ) − R(Γ′) on the cube Ω = [−D, D]^d (D > 0
rational).  Parameters must be exact rationals; every returned number is an exact `fmpq` except
square roots (``grad2``), which are `arb` balls unless the root is rational.

Norms (beg19 §5), all Lebesgue ess sups on Ω (so ρ′(0) never matters):

* ``max``   (`.n-max`, default)  max(‖f‖_∞, max_j ‖∂_j f‖_∞);
* ``sum``   (`.n-sum`)           ‖f‖_∞ + Σ_j ‖∂_j f‖_∞   (each partial's ess sup taken separately);
* ``grad2`` (`.n-grad2`)         max(‖f‖_∞, ‖|∇f|_2‖_∞);
* ``semi``  (`.n-semi`)          max_j ‖∂_j f‖_∞.

Exact reduction (used by the arrangement engine).  With the exact identities ρ(λz) = λρ(z)
(λ > 0) and ρ(−z) = ρ(z) − z, every neuron with a_i ≠ 0 is rewritten on its *canonical*
hyperplane z = ⟨n, x⟩ + β (n = a_i/|a_{i,j0}| up to sign, first nonzero entry of n equal to 1);
neurons on the same hyperplane merge; a neuron with a_i = 0 is the constant c_i ρ(b_i); and a
hyperplane that does not meet the open cube (|β| ≥ D‖n‖_1) has z of one sign on all of Ω, so its
term is affine (ρ(z) = z) or zero there.  The result is the same function on Ω,

    f(x) = e + ⟨g, x⟩ + Σ_k C_k ρ(⟨n_k, x⟩ + β_k),   C_k ≠ 0, the hyperplanes H_k distinct and
                                                       all meeting the open cube,

(`Reduced`), whose hyperplane arrangement is no finer than that of the raw neurons.

Engines
-------
`sup_norm_exact` — vertices of the arrangement {H_k} ∪ {x_j = ±D} (all d-subsets, each d×d
system solved in ℚ); see its docstring for the proof.  `cells` / `lip_norm_exact` — every
full-dimensional cell of the arrangement inside the open cube, by exact incremental polytope
clipping (no floating point, no LP), with a rational interior point checked exactly.
`w1inf_exact` combines them; `w1inf_report` returns all the pieces.

`w1inf_bnb` is the independent cross-check: exact-rational branch and bound over dyadic boxes
(cube or, optionally, the ℓ2 ball B_D); it returns rigorous rational bounds [lower, upper].

Scope: d ≤ 3, and m + m′ ≤ 20 neurons for the exact engines (``max_neurons`` raises the cap at
the caller's risk: the cost grows like C(n + 2d, d) and like the number of cells, O(n^d)).
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

from flint import arb, fmpq, fmpq_mat, fmpz

from ..errors import InputError, SoundnessError
from ..nets import Network
from ..numbers import ball_bounds, parse_rational, precision

NORMS = ("max", "sum", "grad2", "semi")
LIP_NORMS = ("max", "grad2")
DOMAINS = ("cube", "ball")
MAX_DIM = 3
MAX_NEURONS = 20


# --------------------------------------------------------------------------------------------
# input


def _rat(x, where: str) -> fmpq:
    if isinstance(x, fmpq):
        return x
    if isinstance(x, (int, fmpz)) and not isinstance(x, bool):
        return fmpq(x)
    raise InputError(f"exact rational parameters are required, got {type(x).__name__} {x!r}", where)


def _neurons(net, where: str):
    if not isinstance(net, Network):
        raise InputError(f"expected a Network, got {type(net).__name__}", where)
    if not net.is_shallow:
        raise InputError(f"needs a shallow network [d, m, 1], got widths {list(net.widths)}", where)
    out = []
    for i in range(net.H):
        a = tuple(_rat(x, f"{where}.theta") for x in net.w(i))
        out.append((a, _rat(net.b(i), f"{where}.theta"), _rat(net.v(i), f"{where}.theta")))
    return out, _rat(net.c, f"{where}.theta")


def _rational_param(x, where: str) -> fmpq:
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    return parse_rational(x, where)


def _domain_size(D) -> fmpq:
    if isinstance(D, bool):
        raise InputError("D must be a positive rational", "params.D")
    if isinstance(D, float) and not math.isfinite(D):
        raise InputError(f"D must be finite, got {D}", "params.D")
    D = _rational_param(D, "params.D")
    if D <= 0:
        raise InputError(f"the domain needs D > 0, got D = {D}", "params.D")
    return D


def _setup(net, other, D, max_neurons: int | None):
    """(d, D, terms, e) for f = R(net) − R(other): terms (a, b, c) with other's c negated."""
    t1, e1 = _neurons(net, "network")
    t2, e2 = _neurons(other, "params.other")
    if net.d != other.d:
        raise InputError(f"input dimensions differ: {net.d} and {other.d}", "params.other")
    d = net.d
    if d > MAX_DIM:
        raise InputError(f"input dimension {d} is out of scope (d <= {MAX_DIM})", "network.widths")
    n = len(t1) + len(t2)
    if max_neurons is not None and n > max_neurons:
        raise InputError(f"{n} neurons in the two networks exceed the exact engine's scope "
                         f"(m + m' <= {max_neurons})", "network.widths")
    D = _domain_size(D)
    return d, D, t1 + [(a, b, -c) for a, b, c in t2], e1 - e2


def _canonical_plane(a, b):
    """(n, β, s, λ) with ⟨a, x⟩ + b = s·λ·(⟨n, x⟩ + β), λ > 0, s = ±1, first nonzero n_j = 1."""
    j0 = next(j for j, x in enumerate(a) if x != 0)
    s = 1 if a[j0] > 0 else -1
    lam = abs(a[j0])
    return tuple(x / a[j0] for x in a), b / a[j0], s, lam


# --------------------------------------------------------------------------------------------
# exact reduction


@dataclass(frozen=True)
class Reduced:
    """f(x) = e + ⟨g, x⟩ + Σ_k C_k ρ(⟨n_k, x⟩ + β_k) on Ω = [−D, D]^d; ``planes`` = ((n, β, C), …),
    C ≠ 0, distinct hyperplanes, each meeting the open cube (|β| < D‖n‖_1)."""

    d: int
    D: fmpq
    e: fmpq
    g: tuple
    planes: tuple

    def z(self, k: int, x) -> fmpq:
        n, beta, _ = self.planes[k]
        return beta + sum((nj * xj for nj, xj in zip(n, x)), fmpq(0))

    def value(self, x) -> fmpq:
        v = self.e + sum((gj * xj for gj, xj in zip(self.g, x)), fmpq(0))
        for n, beta, C in self.planes:
            z = beta + sum((nj * xj for nj, xj in zip(n, x)), fmpq(0))
            if z > 0:
                v += C * z
        return v

    def gradient(self, pattern) -> tuple:
        """∇f on the open cell with sign pattern σ (σ_k = ±1 for every plane)."""
        grad = list(self.g)
        for (n, _, C), s in zip(self.planes, pattern):
            if s > 0:
                for j in range(self.d):
                    grad[j] += C * n[j]
        return tuple(grad)


def reduced_form(net: Network, other: Network, D=1, max_neurons: int | None = MAX_NEURONS) -> Reduced:
    """The exact reduced form of f = R(net) − R(other) on [−D, D]^d (module docstring)."""
    d, D, terms, e = _setup(net, other, D, max_neurons)
    return _reduce(d, D, terms, e)


def _reduce(d, D, terms, e) -> Reduced:
    g = [fmpq(0)] * d
    coef: dict = {}
    order: list = []
    for a, b, c in terms:
        if c == 0:
            continue
        if all(x == 0 for x in a):
            if b > 0:
                e += c * b
            continue
        n, beta, s, lam = _canonical_plane(a, b)
        key = (n, beta)
        if key not in coef:
            coef[key] = fmpq(0)
            order.append(key)
        coef[key] += c * lam
        if s < 0:  # c·λ·ρ(−z) = c·λ·ρ(z) − c·λ·z
            for j in range(d):
                g[j] -= c * lam * n[j]
            e -= c * lam * beta
    planes = []
    for n, beta in order:
        C = coef[(n, beta)]
        if C == 0:
            continue
        reach = D * sum((abs(x) for x in n), fmpq(0))
        if beta >= reach:          # z ≥ 0 on Ω: ρ(z) = z
            for j in range(d):
                g[j] += C * n[j]
            e += C * beta
        elif beta <= -reach:       # z ≤ 0 on Ω: ρ(z) = 0
            continue
        else:
            planes.append((n, beta, C))
    return Reduced(d, D, e, tuple(g), tuple(planes))


# --------------------------------------------------------------------------------------------
# sup norm: vertices of the arrangement


def arrangement_vertices(red: Reduced) -> list[tuple]:
    """All points of the closed cube where d linearly independent hyperplanes of
    {H_k} ∪ {x_j = ±D} meet (every d-subset solved exactly; singular systems skipped)."""
    d, D = red.d, red.D
    hyper = [(n, beta) for n, beta, _ in red.planes]
    for j in range(d):
        unit = tuple(fmpq(1) if i == j else fmpq(0) for i in range(d))
        hyper.append((unit, D))    # x_j = −D
        hyper.append((unit, -D))   # x_j = +D
    points = set()
    for combo in itertools.combinations(hyper, d):
        M = fmpq_mat(d, d, [x for n, _ in combo for x in n])
        rhs = fmpq_mat(d, 1, [-beta for _, beta in combo])
        try:
            sol = M.solve(rhs)
        except ZeroDivisionError:
            continue
        x = tuple(sol[j, 0] for j in range(d))
        if all(-D <= xj <= D for xj in x):
            points.add(x)
    return sorted(points)


def _sup_from_reduced(red: Reduced) -> tuple[fmpq, tuple, int]:
    best, arg = fmpq(-1), None
    verts = arrangement_vertices(red)
    for x in verts:
        v = abs(red.value(x))
        if v > best:
            best, arg = v, x
    return best, arg, len(verts)


def sup_norm_exact(net: Network, other: Network, D=1, max_neurons: int | None = MAX_NEURONS) -> fmpq:
    """‖R(net) − R(other)‖_{L^∞([−D, D]^d)}, exactly.

    Proof.  Let 𝒜 be the hyperplanes H_k of the reduced form together with the 2d facet
    hyperplanes x_j = ±D.  The closures of the full-dimensional cells of 𝒜 inside Ω are
    polytopes P = Ω ∩ {σ_k z_k ≥ 0} that cover Ω (the hyperplanes are nowhere dense), and f is
    affine on each of them (every ρ(z_k) is z_k or 0 on P; by continuity also on ∂P).  |affine|
    is convex, so its max over the polytope P is attained at a vertex of P.  A vertex of P is a
    point of Ω where d constraints with linearly independent normals are tight, i.e. a solution
    of a nonsingular d×d system taken from 𝒜 lying in the closed cube: exactly the points
    `arrangement_vertices` enumerates.  Conversely every such point lies in Ω, so
    max over them of |f| is ≤ ‖f‖_∞ (f is continuous, so the ess sup is the max).  All steps are
    in ℚ.  Cost: C(n + 2d, d) systems, n ≤ m + m′.
    """
    red = reduced_form(net, other, D, max_neurons)
    return _sup_from_reduced(red)[0]


# --------------------------------------------------------------------------------------------
# gradient: full-dimensional cells


@dataclass(frozen=True)
class Cell:
    """A full-dimensional cell of the arrangement inside the open cube: sign pattern σ over the
    reduced planes, a rational interior point (checked exactly: σ_k z_k(x) > 0, |x_j| < D), the
    exact gradient of f there, and the cell's vertices."""

    pattern: tuple
    point: tuple
    gradient: tuple
    vertices: tuple


def _full_cells(red: Reduced) -> list[Cell]:
    """Incremental exact polytope clipping (the completeness argument is in `cells`)."""
    d, D = red.d, red.D
    start = []
    for signs in itertools.product((-1, 1), repeat=d):
        p = tuple(D if s > 0 else -D for s in signs)
        start.append((p, frozenset(2 * j + (1 if s > 0 else 0) for j, s in enumerate(signs))))
    live = [((), start)]
    need = d - 1
    for k, (n, beta, _) in enumerate(red.planes):
        cid = 2 * d + k
        nxt = []
        for pattern, verts in live:
            pos, neg, zero = [], [], []
            for p, tight in verts:
                z = beta
                for nj, pj in zip(n, p):
                    z += nj * pj
                if z > 0:
                    pos.append((p, tight, z))
                elif z < 0:
                    neg.append((p, tight, z))
                else:
                    zero.append((p, tight | {cid}))
            if not neg:
                nxt.append((pattern + (1,), [(p, t) for p, t, _ in pos] + zero))
                continue
            if not pos:
                nxt.append((pattern + (-1,), [(p, t) for p, t, _ in neg] + zero))
                continue
            cut: dict = {}
            for p, tp, zp in pos:
                for q, tq, zq in neg:
                    common = tp & tq
                    if len(common) < need:
                        continue
                    lam = zp / (zp - zq)
                    r = tuple(pj + lam * (qj - pj) for pj, qj in zip(p, q))
                    cut[r] = cut.get(r, frozenset()) | common | {cid}
            if len(cut) + len(zero) < d:  # H_k ∩ P is a (d−1)-polytope: ≥ d vertices
                raise SoundnessError("polytope clipping lost the cut face (bug)")
            cutv = list(cut.items())
            nxt.append((pattern + (1,), [(p, t) for p, t, _ in pos] + zero + cutv))
            nxt.append((pattern + (-1,), [(p, t) for p, t, _ in neg] + zero + cutv))
        live = nxt
    out = []
    for pattern, verts in live:
        cnt = len(verts)
        x = tuple(sum((p[j] for p, _ in verts), fmpq(0)) / cnt for j in range(d))
        ok = all(-D < xj < D for xj in x) and all(s * red.z(k, x) > 0 for k, s in enumerate(pattern))
        if not ok:
            raise SoundnessError(f"cell {pattern}: centroid {x} is not interior (bug)")
        out.append(Cell(pattern, x, red.gradient(pattern), tuple(p for p, _ in verts)))
    return out


def cells(net: Network, other: Network, D=1, max_neurons: int | None = MAX_NEURONS) -> list[Cell]:
    """Every full-dimensional cell of the arrangement of f = R(net) − R(other) in (−D, D)^d.

    Method (exact, no floating point): start from the cube (its 2^d vertices, each with the set
    of constraints tight at it) and insert the reduced hyperplanes H_k one at a time.  A current
    cell P (a full-dimensional polytope given by its exact vertex list) is split by H_k iff some
    vertex has z_k > 0 and another z_k < 0; the two pieces get the vertices on their side, the
    vertices on H_k, and H_k ∩ [p, q] for every pair p (z_k > 0), q (z_k < 0) sharing ≥ d − 1
    tight constraints — exactly the edges of P, because any two distinct tight constraints here
    are non-parallel (so the shared set has rank ≥ d − 1 for d ≤ 3, making [p, q] a face of
    dimension 1) and an edge has only two vertices; a tight set of a new point is the edge's set
    plus H_k (complete, since a supporting hyperplane through an interior point of an edge
    contains the edge).  Otherwise P keeps its vertices and records its side.

    Completeness: by induction on k the list holds exactly the nonempty open sets
    {x ∈ (−D, D)^d : σ_i z_i(x) > 0, i ≤ k}: each lies in one cell of step k − 1, and a side is
    nonempty iff a vertex of that cell lies strictly on it (a polytope is the hull of its
    vertices and has dense interior).  Hence the final list is every full-dimensional cell, whose
    union has full measure, so ess sup_Ω |∂_j f| and ess sup_Ω |∇f| are maxima over the list.  The
    centroid of a cell's vertices is interior (all weights positive); it is re-checked exactly,
    and a failure raises `SoundnessError`.  Cells number at most Σ_{i≤d} C(n, i).
    """
    return _full_cells(reduced_form(net, other, D, max_neurons))


@dataclass(frozen=True)
class GradientNorms:
    partials: tuple      # ess sup |∂_j f|, j = 1..d
    grad2_sq: fmpq       # ess sup |∇f|_2²
    cells: int

    @property
    def max(self) -> fmpq:
        return max(self.partials)

    def grad2(self, prec: int = 128) -> arb:
        return _sqrt_ball(self.grad2_sq, prec)


def _gradient_norms(red: Reduced) -> GradientNorms:
    cs = _full_cells(red)
    partials = [fmpq(0)] * red.d
    g2 = fmpq(0)
    for cell in cs:
        sq = fmpq(0)
        for j, gj in enumerate(cell.gradient):
            a = abs(gj)
            if a > partials[j]:
                partials[j] = a
            sq += gj * gj
        if sq > g2:
            g2 = sq
    return GradientNorms(tuple(partials), g2, len(cs))


def lip_norm_exact(net: Network, other: Network, D=1, norm: str = "max", prec: int = 128,
                   max_neurons: int | None = MAX_NEURONS):
    """ess sup over (−D, D)^d of the gradient of f = R(net) − R(other).

    ``norm="max"`` → max_j ess sup |∂_j f| (the gradient part of `.n-max`), an exact `fmpq`.
    ``norm="grad2"`` → (S, r): S = ess sup |∇f|_2² exactly (`fmpq`) and r = √S as an `arb` ball at
    ``prec`` bits.  The gradient on the cell with pattern σ is g + Σ_{σ_k = +} C_k n_k, which equals
    Σ_{i active} c_i a_i − Σ_{j active′} c′_j a′_j; the cells are enumerated completely by `cells`.
    """
    if norm not in LIP_NORMS:
        raise InputError(f"gradient norm must be one of {LIP_NORMS}", "norm")
    gn = _gradient_norms(reduced_form(net, other, D, max_neurons))
    if norm == "max":
        return gn.max
    return gn.grad2_sq, gn.grad2(prec)


# --------------------------------------------------------------------------------------------
# the W^{1,∞} norm


def _rational_sqrt(q: fmpq) -> fmpq | None:
    p, r = int(q.p), int(q.q)
    if p < 0:
        return None
    sp, sr = math.isqrt(p), math.isqrt(r)
    return fmpq(sp, sr) if sp * sp == p and sr * sr == r else None


def _sqrt_ball(q: fmpq, prec: int) -> arb:
    with precision(prec):
        return arb(q).sqrt()


def _sqrt_bounds(q: fmpq, prec: int = 64) -> tuple[fmpq, fmpq]:
    """Rationals lo ≤ √q ≤ hi (exact when q is a rational square)."""
    if q <= 0:
        return fmpq(0), fmpq(0)
    exact = _rational_sqrt(q)
    if exact is not None:
        return exact, exact
    lo, hi = ball_bounds(_sqrt_ball(q, prec))
    return max(lo, fmpq(0)), hi


@dataclass(frozen=True)
class ExactReport:
    """All exact pieces of ‖f‖_{W^{1,∞}(Ω)} for f = R(net) − R(other)."""

    d: int
    D: fmpq
    sup: fmpq            # ‖f‖_∞
    argmax: tuple        # a vertex where |f| = sup
    partials: tuple      # ess sup |∂_j f|
    grad2_sq: fmpq       # ess sup |∇f|²
    vertices: int
    cells: int

    def norm(self, norm: str = "max", prec: int = 128):
        """The W^{1,∞} norm in the variant ``norm``: `fmpq`, or `arb` for an irrational grad2."""
        if norm not in NORMS:
            raise InputError(f"Sobolev norm must be one of {NORMS}", "norm")
        if norm == "max":
            return max((self.sup,) + tuple(self.partials))
        if norm == "sum":
            return self.sup + sum(self.partials, fmpq(0))
        if norm == "semi":
            return max(self.partials)
        # grad2: max(sup, √S), decided exactly by comparing sup² with S
        if self.sup * self.sup >= self.grad2_sq:
            return self.sup
        root = _rational_sqrt(self.grad2_sq)
        return root if root is not None else _sqrt_ball(self.grad2_sq, prec)


def w1inf_report(net: Network, other: Network, D=1, max_neurons: int | None = MAX_NEURONS) -> ExactReport:
    red = reduced_form(net, other, D, max_neurons)
    sup, arg, nv = _sup_from_reduced(red)
    gn = _gradient_norms(red)
    return ExactReport(red.d, red.D, sup, arg, gn.partials, gn.grad2_sq, nv, gn.cells)


def w1inf_exact(net: Network, other: Network, D=1, norm: str = "max", prec: int = 128,
                max_neurons: int | None = MAX_NEURONS):
    """‖R(net) − R(other)‖_{W^{1,∞}([−D, D]^d)} in the variant ``norm`` (module docstring), exactly:
    `fmpq` for max / sum / semi, and for grad2 whenever sup ≥ √S or S is a rational square
    (decided in ℚ); otherwise an `arb` ball of √S at ``prec`` bits."""
    if norm not in NORMS:
        raise InputError(f"Sobolev norm must be one of {NORMS}", "norm")
    return w1inf_report(net, other, D, max_neurons).norm(norm, prec)


# --------------------------------------------------------------------------------------------
# independent cross-check: exact branch and bound over dyadic boxes


@dataclass(frozen=True)
class Enclosure:
    """Rigorous rational bounds lower ≤ ‖f‖ ≤ upper from `w1inf_bnb`, and per quantity:
    ``sup`` for ‖f‖_∞, ``partials[j]`` for ess sup |∂_j f|, ``grad2_sq`` for ess sup |∇f|²
    (each a pair (lo, hi)).  ``complete``: the search ended with every box settled, so
    upper − lower ≤ tol (for ``sum``: each quantity within tol/(d+1); for ``grad2`` up to the
    outward rounding of the square roots); otherwise the box budget ran out and the bounds are
    still rigorous but wider.  Per-quantity bounds are rigorous too, but only the quantities that
    decide the chosen norm are refined (a partial far below the norm keeps a loose upper bound)."""

    norm: str
    domain: str
    lower: fmpq
    upper: fmpq
    sup: tuple
    partials: tuple
    grad2_sq: tuple
    boxes: int
    complete: bool

    @property
    def gap(self) -> fmpq:
        return self.upper - self.lower

    def contains(self, x: fmpq) -> bool:
        return self.lower <= x <= self.upper


class _BnB:
    """Exact branch and bound for f(x) = A(x) + Σ_k K_k |z_k(x)| (A affine), obtained from the raw
    neurons by grouping them by unoriented hyperplane: P ρ(z) + M ρ(−z) = ((P − M)/2) z + ((P + M)/2)|z|.

    A box B = c + [−r, r] carries the affine part of f over the groups whose sign is fixed on the
    closed box (value a0 at c, gradient g) and the list of undetermined groups (z(c), rad) with
    rad = Σ_j |n_j| r_j, so z ranges exactly over [z(c) − rad, z(c) + rad] (affine in x).  Hence on B
        f ∈ a0 ± Σ|g_j| r_j + Σ_u K_u·[0, |z_u(c)| + rad_u],   ∂_j f ∈ g_j ± Σ_u |K_u n_uj|  (a.e.),
    and ∇f ∈ {g + Σ_u s_u K_u n_u : s ∈ {±1}^u} a.e.; these give the upper bounds.  Lower bounds
    are exact values of f at points of Ω and gradients on sets of positive measure: u = 0 (f
    affine on B: bounds exact), u = 1 on a box inside Ω (both sides of the hyperplane meet the
    open box), or the center when it lies on no hyperplane.  All arithmetic is in ℚ.
    """

    def __init__(self, d, D, terms, e, norm, domain, tol, prec=128):
        self.d, self.D, self.norm, self.domain, self.tol, self.prec = d, D, norm, domain, tol, prec
        PM: dict = {}
        order = []
        for a, b, c in terms:
            if c == 0:
                continue
            if all(x == 0 for x in a):
                if b > 0:
                    e += c * b
                continue
            n, beta, s, lam = _canonical_plane(a, b)
            key = (n, beta)
            if key not in PM:
                PM[key] = [fmpq(0), fmpq(0)]
                order.append(key)
            PM[key][0 if s > 0 else 1] += c * lam
        gA = [fmpq(0)] * d
        self.groups = []
        for key in order:
            (n, beta), (P, M) = key, PM[key]
            L, K = (P - M) / 2, (P + M) / 2
            e += L * beta
            for j in range(d):
                gA[j] += L * n[j]
            if K != 0:
                self.groups.append((n, beta, K, tuple(abs(x) for x in n), tuple(abs(K * x) for x in n)))
        self.eA, self.gA = e, gA
        self.nq = d + 2              # quantities: 0 sup, 1..d partials, d+1 |∇f|²
        self.L = [fmpq(0)] * self.nq

    # ---- boxes -------------------------------------------------------------------------
    def root(self):
        d, D = self.d, self.D
        c, r = [fmpq(0)] * d, [D] * d
        a0, g, und = self.eA, list(self.gA), []
        for k, (n, beta, K, an, _) in enumerate(self.groups):
            zc, rad = beta, D * sum(an, fmpq(0))
            a0, g = self._fold(k, zc, rad, a0, g, und)
        return (c, r, a0, g, und)

    def _fold(self, k, zc, rad, a0, g, und):
        n, _, K, _, _ = self.groups[k]
        if zc - rad >= 0:
            a0 += K * zc
            g = [gj + K * nj for gj, nj in zip(g, n)]
        elif zc + rad <= 0:
            a0 -= K * zc
            g = [gj - K * nj for gj, nj in zip(g, n)]
        else:
            und.append((k, zc, rad))
        return a0, g

    def split(self, box):
        c, r, a0, g, und = box
        j = max(range(self.d), key=lambda i: (r[i], -i))
        h = r[j] / 2
        out = []
        for s in (-1, 1):
            c2 = list(c)
            c2[j] = c[j] + s * h
            r2 = list(r)
            r2[j] = h
            a2, g2, und2 = a0 + s * g[j] * h, list(g), []
            for k, zc, rad in und:
                n, _, _, an, _ = self.groups[k]
                a2, g2 = self._fold(k, zc + s * n[j] * h, rad - an[j] * h, a2, g2, und2)
            out.append((c2, r2, a2, g2, und2))
        return out

    def keep(self, box) -> bool:
        if self.domain == "cube":
            return True
        c, r = box[0], box[1]
        near = sum((max(fmpq(0), abs(cj) - rj) ** 2 for cj, rj in zip(c, r)), fmpq(0))
        return near < self.D * self.D

    def _inside(self, c, r) -> bool:
        if self.domain == "cube":
            return True
        return sum(((abs(cj) + rj) ** 2 for cj, rj in zip(c, r)), fmpq(0)) <= self.D * self.D

    def _in_ball(self, x, strict: bool) -> bool:
        if self.domain == "cube":
            return True
        s = sum((xj * xj for xj in x), fmpq(0))
        return s < self.D * self.D if strict else s <= self.D * self.D

    def _value_at_offset(self, box, delta):
        """f at c + δ∘r exactly (δ_j ∈ {−1, 0, 1})."""
        c, r, a0, g, und = box
        v = a0 + sum((g[j] * delta[j] * r[j] for j in range(self.d)), fmpq(0))
        for k, zc, _ in und:
            n, _, K, _, _ = self.groups[k]
            z = zc + sum((n[j] * delta[j] * r[j] for j in range(self.d)), fmpq(0))
            v += K * abs(z)
        return v

    def assess(self, box):
        """Upper bounds of every quantity over the box; raises the global lower bounds."""
        d = self.d
        c, r, a0, g, und = box
        spread = sum((abs(g[j]) * r[j] for j in range(d)), fmpq(0))
        hi, lo = a0 + spread, a0 - spread
        part = [abs(gj) for gj in g]
        for k, zc, rad in und:
            _, _, K, _, aKn = self.groups[k]
            R = abs(zc) + rad
            if K > 0:
                hi += K * R
            else:
                lo += K * R
            for j in range(d):
                part[j] += aKn[j]
        u = len(und)
        if u == 0:
            g2 = sum((gj * gj for gj in g), fmpq(0))
        elif u <= 6:
            g2 = fmpq(0)
            vecs = [[self.groups[k][2] * nj for nj in self.groups[k][0]] for k, _, _ in und]
            for signs in itertools.product((1, -1), repeat=u):
                v = list(g)
                for s, kn in zip(signs, vecs):
                    for j in range(d):
                        v[j] += s * kn[j]
                sq = sum((x * x for x in v), fmpq(0))
                if sq > g2:
                    g2 = sq
        else:
            g2 = sum((p * p for p in part), fmpq(0))
        ub = [max(hi, -lo)] + part + [g2]

        # ---- lower bounds (points of Ω, gradients on sets of positive measure) ----
        inside = self._inside(c, r)
        if u == 0 and inside:
            self._raise(0, abs(a0) + spread)
        if self._in_ball(c, strict=False):
            self._raise(0, abs(self._value_at_offset(box, [0] * d)))
        if u:
            sg = [1 if gj >= 0 else -1 for gj in g]
            for delta in (sg, [-x for x in sg]):
                x = [c[j] + delta[j] * r[j] for j in range(d)]
                if self._in_ball(x, strict=False):
                    self._raise(0, abs(self._value_at_offset(box, delta)))
        realized = []
        if u == 0:
            realized.append(g)
        elif u == 1 and inside:
            k = und[0][0]
            n, _, K, _, _ = self.groups[k]
            realized.append([gj + K * nj for gj, nj in zip(g, n)])
            realized.append([gj - K * nj for gj, nj in zip(g, n)])
        elif all(zc != 0 for _, zc, _ in und) and self._in_ball(c, strict=True):
            v = list(g)
            for k, zc, _ in und:
                n, _, K, _, _ = self.groups[k]
                s = 1 if zc > 0 else -1
                for j in range(d):
                    v[j] += s * K * n[j]
            realized.append(v)
        for v in realized:
            for j in range(d):
                self._raise(1 + j, abs(v[j]))
            self._raise(d + 1, sum((x * x for x in v), fmpq(0)))
        return ub

    def _raise(self, q, value):
        if value > self.L[q]:
            self.L[q] = value

    # ---- thresholds -----------------------------------------------------------------------
    def relevant(self):
        d = self.d
        if self.norm == "semi":
            return list(range(1, d + 1))
        if self.norm == "grad2":
            return [0, d + 1]
        return list(range(0, d + 1))

    def thresholds(self):
        d, L, tol = self.d, self.L, self.tol
        T = [None] * self.nq
        if self.norm == "sum":
            for q in range(d + 1):
                T[q] = L[q] + tol / (d + 1)
        elif self.norm == "grad2":
            ln = max(L[0], _sqrt_bounds(L[d + 1], self.prec)[0])
            T[0] = ln + tol
            T[d + 1] = (ln + tol) ** 2
        else:
            ln = max(L[q] for q in self.relevant())
            for q in self.relevant():
                T[q] = ln + tol
        return T

    def score(self, ub, T):
        return max(ub[q] - T[q] for q in self.relevant())

    # ---- driver -------------------------------------------------------------------------
    def run(self, max_boxes: int) -> Enclosure:
        retired = [fmpq(0)] * self.nq
        heap: list = []
        counter = itertools.count()

        def offer(box):
            ub = self.assess(box)
            s = self.score(ub, self.thresholds())
            if s > 0:
                heapq.heappush(heap, (-s, next(counter), box, ub))
            else:
                retire(ub)

        def retire(ub):
            for q in range(self.nq):
                if ub[q] > retired[q]:
                    retired[q] = ub[q]

        root = self.root()
        count = 1
        offer(root)
        while heap and count < max_boxes:
            _, _, box, ub = heapq.heappop(heap)
            if self.score(ub, self.thresholds()) <= 0:
                retire(ub)
                continue
            for child in self.split(box):
                count += 1
                if self.keep(child):
                    offer(child)
        complete = not heap
        for _, _, _, ub in heap:
            retire(ub)
        d, L = self.d, self.L
        U = [max(L[q], retired[q]) for q in range(self.nq)]
        if self.norm == "max":
            lower, upper = max(L[:d + 1]), max(U[:d + 1])
        elif self.norm == "semi":
            lower, upper = max(L[1:d + 1]), max(U[1:d + 1])
        elif self.norm == "sum":
            lower, upper = sum(L[:d + 1], fmpq(0)), sum(U[:d + 1], fmpq(0))
        else:
            lower = max(L[0], _sqrt_bounds(L[d + 1], self.prec)[0])
            upper = max(U[0], _sqrt_bounds(U[d + 1], self.prec)[1])
        return Enclosure(self.norm, self.domain, lower, upper, (L[0], U[0]),
                         tuple((L[j], U[j]) for j in range(1, d + 1)), (L[d + 1], U[d + 1]),
                         count, complete)


def w1inf_bnb(net: Network, other: Network, D=1, norm: str = "max", prec: int = 128,
              max_boxes: int = 20000, tol=fmpq(1, 10 ** 6), domain: str = "cube") -> Enclosure:
    """Rigorous enclosure [lower, upper] of ‖R(net) − R(other)‖_{W^{1,∞}(Ω)} (variant ``norm``) by
    exact branch and bound over dyadic boxes, independent of the arrangement engine.

    Ω = [−D, D]^d (``domain="cube"``) or the closed ℓ2 ball B_D (``domain="ball"``: boxes that miss
    the open ball are dropped, and a point counts for a lower bound only after Σ x_j² ≤ D² is
    checked exactly).  Everything is exact rational arithmetic (pre-activations are affine, so
    their range over a box is exactly z(c) ± Σ_j |n_j| r_j), hence the bounds are sound whatever
    the budget; ``prec`` is only used for the outward-rounded square roots of grad2.  Best-first:
    the box whose upper bound exceeds the current lower bound + ``tol`` the most is split along
    its longest edge, until no box can move the bounds by more than ``tol`` (``complete``) or
    ``max_boxes`` boxes were made.  The gradient gap may stay open next to points where several
    hyperplanes meet (there the sign combinations allowed by a box are not all realized).
    """
    if norm not in NORMS:
        raise InputError(f"Sobolev norm must be one of {NORMS}", "norm")
    if domain not in DOMAINS:
        raise InputError(f"domain must be one of {DOMAINS}", "domain")
    if not isinstance(max_boxes, int) or max_boxes < 1:
        raise InputError("max_boxes must be a positive integer", "max_boxes")
    tol = _rational_param(tol, "tol")
    if tol < 0:
        raise InputError("tol must be >= 0", "tol")
    d, D, terms, e = _setup(net, other, D, None)
    return _BnB(d, D, terms, e, norm, domain, tol, prec).run(max_boxes)
