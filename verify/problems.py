"""Targets, input measures, and pointwise risk quantities (layer 3).

Targets f: ℝ^d → ℝ (`Constant`, `Polynomial`, `PiecewiseLinear`, `Indicator`, `ExpressionTarget`)
and finite measures μ (`BoxMeasure` -- Lebesgue or uniform on a box --, `Density` -- 1-D
piecewise polynomial --, `Empirical` -- weighted atoms in any dimension).  Their integrals live in
`verify.integrate`; here are the pointwise objects:

* r_θ(x) = 𝒩^θ(x) − f(x), the residual;
* g(θ,x) = 2 r_θ(x) ∂_θ𝒩^θ(x), the per-sample generalized gradient, with ReLU′ replaced by κ,
  κ(y) = 1_{(0,∞)}(y) by default (``deriv0 = 0``; the variants take κ(0) = 1 or 1/2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from flint import arb, fmpq, fmpq_poly

from .errors import InputError
from .expr import Expression, parse_expression
from .nets import Network
from .numbers import EXACT, Context, is_exact, parse_number, parse_rational, sign, to_json

# --------------------------------------------------------------------------------------------
# targets


class Target:
    """Base class.  ``value(x, ctx)`` is f(x) (exact for rational data, a ball otherwise);
    ``pieces_1d(lo, hi)`` gives the knots inside (lo, hi) and, per piece, f as a polynomial
    (coefficients lowest first) -- or ``None`` where f is not polynomial there."""

    kind: str = ""
    d: int | None = None  # None: any dimension

    @property
    def is_constant(self) -> bool:
        return False

    def is_exact(self) -> bool:
        return True

    def knots_1d(self) -> list[fmpq]:
        return []

    def poly_1d(self, lo, hi) -> list | None:
        """f on the open piece (lo, hi) (which contains no knot) as coefficients, or None."""
        return None


@dataclass(frozen=True)
class Constant(Target):
    constant: object  # fmpq or arb
    kind: str = "constant"

    @property
    def is_constant(self) -> bool:
        return True

    def is_exact(self) -> bool:
        return is_exact(self.constant)

    def value(self, x, ctx: Context = EXACT):
        return self.constant

    def poly_1d(self, lo, hi):
        return [self.constant]

    def to_json(self):
        return {"kind": "constant", "value": to_json(self.constant)}


@dataclass(frozen=True)
class Polynomial(Target):
    """f(x) = Σ_k a_k x^k on ℝ (d = 1)."""

    coefficients: tuple
    kind: str = "polynomial"
    d: int = 1

    def is_exact(self):
        return all(is_exact(a) for a in self.coefficients)

    def value(self, x, ctx: Context = EXACT):
        (t,) = x
        s = 0
        for a in reversed(self.coefficients):
            s = s * t + a
        return s

    def poly_1d(self, lo, hi):
        return list(self.coefficients)

    def to_json(self):
        return {"kind": "polynomial", "coefficients": to_json(list(self.coefficients))}


@dataclass(frozen=True)
class PiecewiseLinear(Target):
    """Linear interpolation of ``knots`` [(x_0, y_0), …] (x strictly increasing), extended
    constantly outside [x_0, x_n] (d = 1)."""

    knots: tuple
    kind: str = "piecewise-linear"
    d: int = 1

    def knots_1d(self):
        return [k[0] for k in self.knots]

    def _segment(self, t):
        ks = self.knots
        if len(ks) == 1 or t <= ks[0][0]:
            return [ks[0][1]]
        if t >= ks[-1][0]:
            return [ks[-1][1]]
        for (x0, y0), (x1, y1) in zip(ks, ks[1:]):
            if t <= x1:
                slope = (y1 - y0) / (x1 - x0)
                return [y0 - slope * x0, slope]
        raise AssertionError

    def value(self, x, ctx: Context = EXACT):
        (t,) = x
        if not isinstance(t, fmpq):
            raise InputError("piecewise-linear targets are evaluated at exact points only", "target")
        coeffs = self._segment(t)
        return coeffs[0] + (coeffs[1] * t if len(coeffs) > 1 else 0)

    def poly_1d(self, lo, hi):
        return self._segment((lo + hi) / 2)

    def to_json(self):
        return {"kind": "piecewise-linear", "knots": [[to_json(a), to_json(b)] for a, b in self.knots]}


@dataclass(frozen=True)
class Indicator(Target):
    """f = 1_S for a closed interval S = [lo, hi] (d = 1; ``None`` for an infinite end) or a
    closed Euclidean ball S = {|x − center| ≤ radius} (any d)."""

    interval: tuple | None = None
    center: tuple | None = None
    radius: fmpq | None = None
    kind: str = "indicator"

    def knots_1d(self):
        if self.interval is not None:
            return [t for t in self.interval if t is not None]
        (c,) = self.center
        return [c - self.radius, c + self.radius]

    def value(self, x, ctx: Context = EXACT):
        if self.interval is not None:
            (t,) = x
            lo, hi = self.interval
            inside = (lo is None or sign(t - lo) >= 0) and (hi is None or sign(hi - t) >= 0)
        else:
            s = sum((xi - ci) ** 2 for xi, ci in zip(x, self.center))
            inside = sign(self.radius ** 2 - s) >= 0
        return fmpq(1) if inside else fmpq(0)

    def poly_1d(self, lo, hi):
        return [self.value([(lo + hi) / 2])]

    def to_json(self):
        if self.interval is not None:
            s = {"interval": [None if t is None else to_json(t) for t in self.interval]}
        else:
            s = {"ball": {"center": to_json(list(self.center)), "radius": to_json(self.radius)}}
        return {"kind": "indicator", "set": s}


@dataclass(frozen=True)
class ExpressionTarget(Target):
    """A Lipschitz function of x given in the grammar of `verify.expr`, evaluated in balls."""

    expression: Expression
    kind: str = "expression"

    def is_exact(self):
        return self.expression.is_rational()

    def value(self, x, ctx: Context = EXACT):
        if all(isinstance(t, fmpq) for t in x) and self.expression.is_rational():
            return self.expression.eval_exact(list(x))
        with ctx.active():
            return self.expression.eval_ball([t if isinstance(t, arb) else arb(t) for t in x])

    def to_json(self):
        return {"kind": "expression", "expression": self.expression.source}


def target_from_json(obj, d: int, where: str = "target") -> Target:
    if not isinstance(obj, dict) or "kind" not in obj:
        raise InputError("expected an object with a 'kind'", where)
    kind = obj["kind"]

    def need(key):
        if key not in obj:
            raise InputError(f"target of kind '{kind}' needs '{key}'", where)
        return obj[key]

    def one_d():
        if d != 1:
            raise InputError(f"a '{kind}' target is one-dimensional but the network has d = {d}", where)

    if kind == "constant":
        return Constant(parse_number(need("value"), f"{where}.value"))
    if kind == "polynomial":
        one_d()
        cs = need("coefficients")
        if not isinstance(cs, list) or not cs:
            raise InputError("coefficients must be a non-empty list (lowest degree first)", where)
        return Polynomial(tuple(parse_rational(c, f"{where}.coefficients[{k}]") for k, c in enumerate(cs)))
    if kind == "piecewise-linear":
        one_d()
        ks = need("knots")
        if not isinstance(ks, list) or not ks or not all(isinstance(k, list) and len(k) == 2 for k in ks):
            raise InputError("knots must be a non-empty list of [x, y] pairs", where)
        knots = tuple((parse_rational(a, f"{where}.knots[{k}][0]"), parse_rational(b, f"{where}.knots[{k}][1]"))
                      for k, (a, b) in enumerate(ks))
        if any(k1[0] <= k0[0] for k0, k1 in zip(knots, knots[1:])):
            raise InputError("knot abscissae must be strictly increasing", f"{where}.knots")
        return PiecewiseLinear(knots)
    if kind == "indicator":
        s = need("set")
        if isinstance(s, dict) and "interval" in s:
            one_d()
            iv = s["interval"]
            if not isinstance(iv, list) or len(iv) != 2:
                raise InputError("interval must be [lo, hi] (null for an infinite end)", f"{where}.set")
            lo, hi = (None if t is None else parse_rational(t, f"{where}.set.interval") for t in iv)
            if lo is not None and hi is not None and lo > hi:
                raise InputError(f"empty interval [{lo}, {hi}]", f"{where}.set.interval")
            return Indicator(interval=(lo, hi))
        if isinstance(s, dict) and "ball" in s:
            ball = s["ball"]
            center = tuple(parse_rational(t, f"{where}.set.ball.center") for t in ball.get("center", []))
            if len(center) != d:
                raise InputError(f"ball center has dimension {len(center)}, the network has d = {d}", where)
            radius = parse_rational(ball.get("radius"), f"{where}.set.ball.radius")
            if radius < 0:
                raise InputError("ball radius must be >= 0", f"{where}.set.ball.radius")
            return Indicator(center=center, radius=radius)
        raise InputError("set must be {'interval': [lo, hi]} or {'ball': {'center': [...], 'radius': r}}", where)
    if kind == "expression":
        src = need("expression")
        if not isinstance(src, str):
            raise InputError("expression must be a string", where)
        return ExpressionTarget(parse_expression(src, d))
    raise InputError(f"unknown target kind '{kind}' (constant, polynomial, piecewise-linear, indicator, "
                     "expression)", where)


# --------------------------------------------------------------------------------------------
# measures


class Measure:
    d: int

    def total_mass(self):
        """λ = μ(support)."""
        raise NotImplementedError

    def coordinate_bound(self):
        """M with |x_j| ≤ M on the support (cjrr21: M = max(|a|, |b|))."""
        raise NotImplementedError


@dataclass(frozen=True)
class BoxMeasure(Measure):
    """Lebesgue measure (``normalized=False``) or the uniform probability (``True``) on a box."""

    box: tuple  # ((a_1, b_1), …)
    normalized: bool = False

    @property
    def d(self):
        return len(self.box)

    @property
    def volume(self):
        v = fmpq(1)
        for a, b in self.box:
            v *= b - a
        return v

    @property
    def scale(self):
        """Density of μ with respect to Lebesgue measure on the box."""
        return 1 / self.volume if self.normalized else fmpq(1)

    def total_mass(self):
        return fmpq(1) if self.normalized else self.volume

    def coordinate_bound(self):
        return max(max(abs(a), abs(b)) for a, b in self.box)

    def pieces_1d(self):
        (a, b), = self.box
        return [(a, b, [self.scale])]

    def to_json(self):
        return {"kind": "uniform" if self.normalized else "lebesgue",
                "box": [[to_json(a), to_json(b)] for a, b in self.box]}


@dataclass(frozen=True)
class Density(Measure):
    """μ(dx) = ρ(x) dx on ℝ with ρ a polynomial on each of consecutive pieces [l_k, u_k]."""

    pieces: tuple  # ((l, u, coefficients), …), contiguous, increasing
    d: int = 1

    def total_mass(self):
        return sum((poly_integral(c, l, u) for l, u, c in self.pieces), fmpq(0))

    def coordinate_bound(self):
        return max(abs(self.pieces[0][0]), abs(self.pieces[-1][1]))

    def pieces_1d(self):
        return list(self.pieces)

    @property
    def box(self):
        return ((self.pieces[0][0], self.pieces[-1][1]),)

    def to_json(self):
        return {"kind": "density", "pieces": [{"interval": [to_json(l), to_json(u)], "coefficients": to_json(list(c))}
                                              for l, u, c in self.pieces]}


@dataclass(frozen=True)
class Empirical(Measure):
    """μ = Σ_k w_k δ_{x_k}; weights default to 1/n (the empirical probability measure)."""

    points: tuple
    weights: tuple

    @property
    def d(self):
        return len(self.points[0])

    def total_mass(self):
        return sum(self.weights, fmpq(0))

    def coordinate_bound(self):
        return max(abs(t) for p in self.points for t in p)

    def to_json(self):
        return {"kind": "empirical", "points": [to_json(list(p)) for p in self.points],
                "weights": to_json(list(self.weights))}


@dataclass(frozen=True)
class PowerDensity(Measure):
    """μ(dx) = a·(x − A)^α dx on [A, B] (d = 1), a > 0 and α > −1 rational: integrable, and unbounded
    near A when α < 0 (ejrw22 planted 12: α = −1/2, a = 1/2 on [0, 1] is a probability density).
    Only `verify.ejrw22.powerdensity` integrates against it; every other engine refuses it."""

    box: tuple  # ((A, B),)
    coefficient: fmpq
    exponent: fmpq
    d: int = 1

    @property
    def bounded(self) -> bool:
        return self.exponent >= 0

    def total_mass(self):
        raise InputError("the mass of a power density is irrational in general; use verify.ejrw22.powerdensity",
                         "measure")

    def coordinate_bound(self):
        (A, B), = self.box
        return max(abs(A), abs(B))

    def to_json(self):
        (A, B), = self.box
        return {"kind": "power", "box": [[to_json(A), to_json(B)]], "coefficient": to_json(self.coefficient),
                "exponent": to_json(self.exponent)}


def measure_from_json(obj, d: int, where: str = "measure") -> Measure:
    if not isinstance(obj, dict) or "kind" not in obj:
        raise InputError("expected an object with a 'kind'", where)
    kind = obj["kind"]
    if kind in ("lebesgue", "uniform"):
        box = obj.get("box")
        if not isinstance(box, list) or not all(isinstance(s, list) and len(s) == 2 for s in box):
            raise InputError("box must be a list [[a_1, b_1], ...]", f"{where}.box")
        if len(box) != d:
            raise InputError(f"box has dimension {len(box)} but the network has input dimension d = {d}",
                             f"{where}.box")
        sides = tuple((parse_rational(a, f"{where}.box[{k}][0]"), parse_rational(b, f"{where}.box[{k}][1]"))
                      for k, (a, b) in enumerate(box))
        for k, (a, b) in enumerate(sides):
            if not a < b:
                raise InputError(f"box side [{a}, {b}] is empty or inverted (need a < b)", f"{where}.box[{k}]")
        return BoxMeasure(sides, normalized=(kind == "uniform"))
    if kind == "empirical":
        pts = obj.get("points")
        if not isinstance(pts, list) or not pts:
            raise InputError("points must be a non-empty list of points", f"{where}.points")
        points = []
        for k, p in enumerate(pts):
            if not isinstance(p, list):
                p = [p]
            if len(p) != d:
                raise InputError(f"point has dimension {len(p)}, the network has d = {d}", f"{where}.points[{k}]")
            points.append(tuple(parse_rational(t, f"{where}.points[{k}]") for t in p))
        ws = obj.get("weights")
        if ws is None:
            weights = tuple(fmpq(1, len(points)) for _ in points)
        else:
            if not isinstance(ws, list) or len(ws) != len(points):
                raise InputError(f"weights must be a list of {len(points)} numbers", f"{where}.weights")
            weights = tuple(parse_rational(w, f"{where}.weights[{k}]") for k, w in enumerate(ws))
            if any(w < 0 for w in weights):
                raise InputError("weights must be >= 0", f"{where}.weights")
            if all(w == 0 for w in weights):
                raise InputError("weights are all 0: the measure would be zero", f"{where}.weights")
        return Empirical(tuple(points), weights)
    if kind == "density":
        if d != 1:
            raise InputError(f"densities are one-dimensional, the network has d = {d}", where)
        ps = obj.get("pieces")
        if not isinstance(ps, list) or not ps:
            raise InputError("pieces must be a non-empty list of {interval, coefficients}", f"{where}.pieces")
        pieces = []
        for k, p in enumerate(ps):
            w = f"{where}.pieces[{k}]"
            if not isinstance(p, dict) or "interval" not in p or "coefficients" not in p:
                raise InputError("each piece needs 'interval' and 'coefficients'", w)
            l, u = (parse_rational(t, f"{w}.interval") for t in p["interval"])
            if not l < u:
                raise InputError(f"piece [{l}, {u}] is empty or inverted", w)
            cs = [parse_rational(c, f"{w}.coefficients") for c in p["coefficients"]]
            if pieces and pieces[-1][1] != l:
                raise InputError("pieces must be contiguous and increasing", w)
            if not poly_nonnegative(cs, l, u):
                raise InputError("the density is negative somewhere on this piece", w)
            pieces.append((l, u, tuple(cs)))
        density = Density(tuple(pieces))
        if density.total_mass() == 0:
            raise InputError("the density is 0 on every piece: the measure would be zero", f"{where}.pieces")
        return density
    if kind == "power":
        if d != 1:
            raise InputError(f"power densities are one-dimensional, the network has d = {d}", where)
        box = obj.get("box")
        if not (isinstance(box, list) and len(box) == 1 and isinstance(box[0], list) and len(box[0]) == 2):
            raise InputError("box must be [[A, B]]", f"{where}.box")
        A, B = (parse_rational(t, f"{where}.box") for t in box[0])
        if not A < B:
            raise InputError(f"box [{A}, {B}] is empty or inverted (need A < B)", f"{where}.box")
        a = parse_rational(obj.get("coefficient", 1), f"{where}.coefficient")
        alpha = parse_rational(obj.get("exponent"), f"{where}.exponent")
        if not a > 0:
            raise InputError(f"the coefficient must be > 0, got {a}", f"{where}.coefficient")
        if not alpha > -1:
            raise InputError(f"p(x) = a(x − A)^α is not integrable near A for α = {alpha} ≤ −1", f"{where}.exponent")
        return PowerDensity(((A, B),), a, alpha)
    raise InputError(f"unknown measure kind '{kind}' (lebesgue, uniform, empirical, density, power)", where)


# --------------------------------------------------------------------------------------------
# polynomials in one variable, generic over fmpq and arb coefficients


def poly_mul(p: Sequence, q: Sequence) -> list:
    if not p or not q:
        return []
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] = out[i + j] + a * b
    return out


def poly_add(p: Sequence, q: Sequence) -> list:
    n = max(len(p), len(q))
    return [(p[k] if k < len(p) else 0) + (q[k] if k < len(q) else 0) for k in range(n)]


def poly_integral(p: Sequence, lo, hi):
    """∫_lo^hi Σ p_k x^k dx, exactly in the arithmetic of the inputs."""
    s = 0
    lo_pow, hi_pow = lo, hi
    for k, a in enumerate(p):
        s = s + a * (hi_pow - lo_pow) / (k + 1)
        lo_pow, hi_pow = lo_pow * lo, hi_pow * hi
    return s


def roots_in(s: fmpq_poly, lo: fmpq, hi: fmpq) -> int:
    """Exact number of distinct real roots of the squarefree polynomial s (degree ≥ 1) in (lo, hi]
    (Sturm's theorem: the drop in sign changes of the Sturm sequence from lo to hi)."""
    seq = [s, s.derivative()]
    while seq[-1].degree() > 0:
        seq.append(-(seq[-2] % seq[-1]))

    def changes(t):
        vals = [v for v in (q(t) for q in seq) if v != 0]
        return sum(1 for a, b in zip(vals, vals[1:]) if (a > 0) != (b > 0))

    return changes(lo) - changes(hi)


def poly_positive(coeffs: Sequence[fmpq], lo: fmpq, hi: fmpq) -> bool:
    """Exact: is Σ c_k x^k > 0 on all of [lo, hi] (so bounded below by a positive constant there)?
    p ≥ 0 there and its squarefree part has no root in [lo, hi]."""
    p = fmpq_poly(list(coeffs))
    if p == 0 or not poly_nonnegative(coeffs, lo, hi) or p(lo) == 0:
        return False
    if p.degree() == 0:
        return True
    squarefree = fmpq_poly([1])
    for f, _ in p.factor()[1]:
        squarefree *= f
    return roots_in(squarefree, lo, hi) == 0


def poly_nonnegative(coeffs: Sequence[fmpq], lo: fmpq, hi: fmpq) -> bool:
    """Exact: is Σ c_k x^k ≥ 0 on [lo, hi]?

    A polynomial changes sign only at its roots of odd multiplicity; with s the product of those
    factors, p ≥ 0 on [lo, hi] iff s has no root in (lo, hi) (Sturm count) and p ≥ 0 at the ends
    and at one interior point where p ≠ 0."""
    p = fmpq_poly(list(coeffs))
    if p == 0:
        return True
    if p.degree() == 0:
        return p[0] > 0
    _, factors = p.factor()
    s = fmpq_poly([1])
    for f, e in factors:
        if e % 2:
            s *= f
    if s.degree() > 0 and roots_in(s, lo, hi) - (1 if s(hi) == 0 else 0) > 0:  # a sign change in (lo, hi)
        return False
    if p(lo) < 0 or p(hi) < 0:
        return False
    for k in range(1, p.degree() + 2):  # p has at most deg p roots: one of these points is not one
        t = lo + (hi - lo) * fmpq(k, p.degree() + 2)
        if p(t) != 0:
            return p(t) > 0
    raise AssertionError("unreachable: a nonzero polynomial vanished at deg+1 points")


# --------------------------------------------------------------------------------------------
# pointwise quantities


def residual_and_grad(net: Network, target: Target, x, ctx: Context = EXACT, deriv0=fmpq(0), grad=True):
    """r_θ(x) and ∂_θ𝒩^θ(x) (with κ(0) = ``deriv0``) in the arithmetic of ``ctx``."""
    with ctx.active():
        xs = [ctx.convert(t) for t in x]
        theta = [ctx.convert(t) for t in net.theta]
        out, g, _ = net.with_theta(theta).forward(xs, ctx.relu, lambda y: ctx.step(y, deriv0), grad=grad)
        return out - target.value(list(x), ctx), g


def per_sample_gradient(net: Network, target: Target, x, ctx: Context = EXACT, deriv0=fmpq(0)):
    """g(θ,x) = 2 r_θ(x) ∂_θ𝒩^θ(x) and r_θ(x)."""
    r, g = residual_and_grad(net, target, x, ctx, deriv0)
    return [2 * r * gk for gk in g], r
