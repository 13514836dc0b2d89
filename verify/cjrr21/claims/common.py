"""Shared pieces of the cjrr21 claims (Cheridito, Jentzen, Riekert, Rossmannek 2021).

Notation (spec §2): θ = (𝔴, 𝔟, 𝔳, 𝔠) ∈ ℝ^𝔡, 𝔡 = dH + 2H + 1; constant target ξ; r_θ = 𝒩^θ − ξ;
ℒ(θ) = s∫ r_θ² dμ (s the loss scale of @loss); 𝒢 the generalized gradient (ReLU′(0) = κ(0), 0 by
default); V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)²; λ = μ(support); M = max |x_j| on the support;
K(θ) = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2]; γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2]).

* ``SOURCE``, ``NOTE``, the variant groups (registered here, before any claim) and ``COMMON``;
* the scope and the wrappers every claim uses: ``_setup`` (net, ξ, s, scope hypotheses),
  ``_rg`` (sℒ, s𝒢), ``_lam_M`` (λ, M), V, ∇V, ∇V_α, K, γ̄;
* the resource limits (``MAX_STEPS``, ``MAX_ROUNDING_BITS``, ``WORK_LIMIT``, ``MAX_COORD_BITS``,
  ``MAX_EXACT_BITS``, ``LIMITS_DOC``), the work budget ``_Budget`` and ``_rounded_out``;
* how a trajectory keeps its iterates (``_Iterates``: exact, exact until ``EXACT_GD_BITS`` then
  rounded, rounded to 2^-b after every step, or balls);
* helpers of several claim groups: evaluation points x, ``params`` parsing, dyadic rounding.
"""

from __future__ import annotations

import itertools

from flint import arb, fmpq, fmpz

from ...framework import Evaluation, Hypothesis, Relation, Status
from ...errors import InputError
from ...nets import Network
from ...numbers import BallContext, parse_rational, short, sign, sum_squares
from ...problems import BoxMeasure, Empirical
from ...registry import VariantGroup, register_variants


SOURCE = "Cheridito, Jentzen, Riekert, Rossmannek 2021, arXiv:2102.09924"
NOTE = "proofs_notes/cjrr21.md"

register_variants(
    VariantGroup("deriv0", {"deriv0-open": fmpq(0), "deriv0-closed": fmpq(1), "deriv0-half": fmpq(1, 2)},
                 "deriv0-open", "ReLU′(0): 1_(0,∞) (open), 1_[0,∞) (closed), or 1/2"),
    VariantGroup("measure", {"measure-lebesgue": "lebesgue", "measure-uniform": "uniform",
                             "measure-finite": "finite"}, "measure-finite",
                 "normalization of a box measure; measure-finite keeps the instance's measure as given"),
    VariantGroup("loss", {"loss-full": fmpq(1), "loss-half": fmpq(1, 2)}, "loss-full", "ℒ = s∫r² with s = 1 or 1/2"),
    VariantGroup("v", {"v-paper": "paper", "v-alpha": "alpha"}, "v-paper",
                 "V = ‖θ‖² + (𝔠 − 2ξ)² or V_α = α‖(𝔴,𝔟)‖² + (2−α)‖𝔳‖² + 2(𝔠 − ξ)² (params.alpha)"),
    VariantGroup("layout", {"layout-blocks": "blocks", "layout-custom": "custom"}, "layout-blocks",
                 "θ in the block layout, or permuted by network.layout"),
    VariantGroup("gd", {"gd-lagged": "lagged", "gd-current": "current"}, "gd-lagged",
                 "Θ_n = Θ_{n−1} − γ_{n−1}𝒢(Θ_{n−1}) (lagged) or − γ_n𝒢(Θ_{n−1}) (current)"),
    VariantGroup("step", {"step-derived": "derived", "step-local": "local", "step-paper": "paper"}, "step-derived",
                 "step hypothesis: γ_n ≤ γ̄, γ_n ≤ 4/K(Θ_n), or γ_n ≤ params.step_bound"),
    VariantGroup("sgd", {"sgd-single": "single", "sgd-minibatch": "minibatch"}, "sgd-single",
                 "one sample per step, or mini-batch means (params.batches)"),
)

COMMON = ("deriv0", "measure", "loss", "layout")

# --------------------------------------------------------------------------------------------
# shared pieces


def _setup(ev: Evaluation, constant_target: bool = True):
    """(net, ξ, s, hypotheses): the network in the layout variant, ξ, the loss scale s, and the
    scope as hypotheses -- one hidden layer (else `InputError`), a finite measure with bounded
    support (every measure kind the instance format has), and a constant target ξ (certified
    false for any other target kind: the claim then holds vacuously)."""
    inst = ev.inst
    net = inst.net
    if not isinstance(net, Network) or not net.is_shallow:
        widths = list(getattr(net, "widths", ()) or ())
        raise InputError(f"cjrr21 claims are about one hidden layer in the block layout (network {{widths, theta}}); "
                         f"got {type(net).__name__} with widths {widths}", "network")
    hyps = [Hypothesis("scope: one hidden layer, 𝒩^θ(x) = 𝔠 + Σ_i 𝔳_i ReLU(𝔟_i + ⟨𝔴_i, x⟩)", True,
                       f"d = {net.d}, H = {net.H}")]
    if inst.measure is not None:
        hyps.append(Hypothesis("scope: μ a finite measure with bounded support", True, type(inst.measure).__name__))
    if constant_target:
        const = inst.target.is_constant
        hyps.append(Hypothesis("constant target ξ", const, f"target kind: {inst.target.kind}" + (
            "" if const else " (outside the claim's scope: the target is not a constant)")))
    if inst.target.is_constant:
        xi = inst.target.constant
    else:
        xi = ev.param("xi", fmpq(0))
    if inst.measure is not None:
        _apply_measure_variant(ev)
    s = ev.variants.get("loss", fmpq(1))
    return net, xi, s, hyps


def _apply_measure_variant(ev: Evaluation):
    kind = ev.variants.get("measure", "finite")
    m = ev.inst.measure
    if kind in ("lebesgue", "uniform"):
        if not isinstance(m, BoxMeasure):
            raise InputError(f"variant @measure-{kind} needs a box measure, the instance has "
                             f"{type(m).__name__}", "measure")
        want = kind == "uniform"
        if m.normalized != want:
            ev.inst = ev.inst.replace(measure=BoxMeasure(m.box, want))


def _lam_M(ev: Evaluation):
    """(λ, M) = (μ(ℝ^d), max_j sup |x_j| on the support); λ = 0 (a zero density) is refused: γ̄,
    1/λ and the claims' step conditions are undefined for the zero measure."""
    m = ev.inst.measure
    lam = m.total_mass()
    if sign(lam) == 0:
        raise InputError("the measure has total mass λ = 0 (zero density); the step sizes γ̄ = "
                         "1/(λ[(1 + dM²)V(Θ_0) + 2]) and 1/λ are undefined", "measure")
    return lam, m.coordinate_bound()


# --------------------------------------------------------------------------------------------
# resource limits (documented in the claims' params_doc and in the note, section "Limits")

MAX_STEPS = 10_000
"""Largest ``params.steps`` of the trajectory claims."""
MAX_ROUNDING_BITS = 4096
"""Largest ``params.rounding_bits`` (the dyadic grid 2^-b of rounded trajectories)."""
WORK_LIMIT = 10 ** 9
"""Budget of one trajectory: Σ_n (H + 1)·size(Θ_n) over the steps computed, size = the bit size of
the exact iterate (numerators and denominators), or 𝔡·precision for balls.  Exact ℒ and 𝒢 of a
shallow net cost about (H + 1)·size bit operations (common denominators of H kinks), so unrounded
exact GD, whose bit size grows geometrically, and very wide networks stop here with an UNKNOWN
relation naming the limit instead of running for hours."""


MAX_COORD_BITS = 32_768
"""Largest bit size (numerator + denominator) of one coordinate of an exact iterate; unrounded
exact GD roughly triples it per step, and multiplications of such numbers dominate the cost
whatever the width."""


MAX_EXACT_BITS = 2 ** 26
"""Largest total bit size (numerators and denominators of all coordinates) of an exact iterate of a
run that keeps every iterate exact (``params.rounding_bits: null``, or a claim that iterates exactly):
the run stops at the step whose exact image would be larger, before V (or ℒ, 𝒢) is evaluated there,
with an UNKNOWN relation naming the limit.  The steps before it are bounded by `WORK_LIMIT` and
`MAX_COORD_BITS`; this bounds the last one, whose image only needs V.  Measured (d = 1, random
rationals of 8 bits, benchmarks/bench_exact_gd.py): V of an exact iterate of 2.5·10^7 bits takes
0.6 s, of 4.8·10^7 bits 1.2 s; the fully exact 3-step check at H = 64 (last iterate 4.8·10^7 bits)
takes 2.5 s, and its next exact iterate would be about 45 times larger."""

DEFAULT_ROUNDING_BITS = 64
"""The grid 2^-b of the default rounding: of every iterate past 3 steps, of the iterates past the
size threshold `EXACT_GD_BITS` up to 3 steps."""

EXACT_GD_BITS = 2 ** 18
"""Default for at most 3 steps (no ``params.rounding_bits``): the iterates stay the exact GD iterates
while each one another step starts from has at most this many bits in all (numerators and
denominators of all coordinates); the first larger one, and every later one, is rounded to the grid
2^-`DEFAULT_ROUNDING_BITS`, and the verdict says from which iterate.  Chosen by measurement
(d = 1, random rationals of 8 bits, benchmarks/bench_exact_gd.py): exact bit sizes grow about
0.7·H-fold per step (H = 64: 1 080, 24 761, 1 122 059, 48 347 862 bits; the third exact step took
about 10 s per check), and one step from an iterate of S bits costs about 0.2 s at H = 64 and
0.4 s at H = 128 for S = 2^18, but 1.4 s (H = 64) and 3 s (H = 128) for S ≈ 2^20."""


LIMITS_DOC = (f"limits: steps ≤ {MAX_STEPS}, rounding_bits ≤ {MAX_ROUNDING_BITS} (InputError past them); a "
              f"trajectory stops when Σ_n (H + 1)·size(Θ_n) would exceed {WORK_LIMIT:.0e} (size = bits of the "
              f"exact iterate, or 𝔡·precision in balls), a coordinate of an exact iterate has more than "
              f"{MAX_COORD_BITS} bits, or (rounding_bits: null) an exact iterate would have more than "
              f"{MAX_EXACT_BITS} bits in all, with an UNKNOWN relation naming the limit; a failure at a "
              "rounded iterate is UNKNOWN, never VIOLATED")


def _bits(t) -> int:
    """Bit size of an exact coordinate; for a ball, the binary exponent of its midpoint and radius
    (a diverging ball trajectory is stopped before exact comparisons must expand 2^exponent)."""
    if isinstance(t, fmpq):
        return t.p.bit_length() + t.q.bit_length()
    if isinstance(t, arb) and t.is_finite():
        out = 0
        for part in (t.mid(), t.rad()):
            m, e = part.man_exp()
            if m != 0:
                out = max(out, abs(int(e)) + int(m).bit_length())
        return out
    return 0


def _size(theta, prec) -> int:
    if prec is not None:
        return len(theta) * prec
    return sum(t.p.bit_length() + t.q.bit_length() if isinstance(t, fmpq) else 64 for t in theta)


class _Budget:
    """The work budget `WORK_LIMIT` of one trajectory; ``charge`` returns None, or the reason
    for stopping before the step."""

    def __init__(self, ev: Evaluation, per_step: int):
        self.prec, self.per_step, self.used = ev.prec, per_step, 0

    def charge(self, theta, n: int) -> str | None:
        big = max((_bits(t) for t in theta), default=0)
        if big > MAX_COORD_BITS:
            what = "exact iterate" if self.prec is None else "ball iterate (log₂ of its magnitude)"
            return (f"limit reached before step {n}: a coordinate of the {what} Θ_{n} has {big} bits, past "
                    f"the limit {MAX_COORD_BITS} per coordinate; use params.rounding_bits or fewer steps")
        w = self.per_step * _size(theta, self.prec)
        if self.used + w > WORK_LIMIT:
            mode = "exact" if self.prec is None else f"{self.prec}-bit balls"
            return (f"work limit reached before step {n}: Σ_k (H + 1)·size(Θ_k) would exceed {WORK_LIMIT:.0e} "
                    f"({mode}; size(Θ_{n}) = {_size(theta, self.prec)} bits); use fewer steps, a smaller width, "
                    "or params.rounding_bits")
        self.used += w
        return None


class _Iterates:
    """How a trajectory of ``steps`` steps keeps its iterates (``params.rounding_bits``), and what the
    verdict says about it:

    * ``balls``: a ball evaluation (no rounding: the balls enclose the GD iterates);
    * ``exact``: ``rounding_bits: null`` (or a claim that iterates exactly) -- every iterate is the
      exact GD iterate, and the run stops where one would pass `MAX_EXACT_BITS` bits (``check``);
    * ``rounded``: ``rounding_bits: b`` (default 64 past 3 steps) -- every image of a step is rounded
      to the grid 2^-b;
    * ``adaptive``: the default up to 3 steps -- exact while every iterate a step starts from has at
      most `EXACT_GD_BITS` bits, then rounded to 2^-64 from the first larger one on (the last
      iterate, from which no step starts, is never rounded).

    ``keep``: coordinates never rounded (degenerate-frozen's frozen ones).  ``first`` is the index
    of the first iterate the rule rounded (None before), ``first_size`` the bit size that triggered
    it in the adaptive mode."""

    def __init__(self, ev: Evaluation, steps: int, what: str = "GD", exact_why: str = "params.rounding_bits: null",
                 hint: str | None = None):
        bits = _rounding_bits(ev, steps)
        given = "rounding_bits" in ev.inst.params
        if not ev.exact:
            self.mode = "balls"
        elif bits is None:
            self.mode = "exact" if given or steps > 3 else "adaptive"
        else:
            self.mode = "rounded"
        self.bits = DEFAULT_ROUNDING_BITS if self.mode == "adaptive" else bits
        self.steps, self.what, self.prec, self.exact_why = steps, what, ev.prec, exact_why
        self.hint = hint or (f"leave rounding_bits out (exact while the iterates have at most {EXACT_GD_BITS} bits, "
                             f"then rounded to 2^-{DEFAULT_ROUNDING_BITS}), give rounding_bits, or use fewer steps")
        self.first = self.first_size = None
        self.sizes = []  # bit sizes of the iterates Θ_0, Θ_1, … as kept (exact or rounded; not in balls)

    def start(self, theta):
        if self.mode != "balls":
            self.sizes.append(_size(theta, None))

    def check(self, image, n: int) -> str | None:
        """None, or why the run stops at step n (from Θ_n): in the exact mode, the exact image
        Θ_{n+1} has more than `MAX_EXACT_BITS` bits."""
        if self.mode != "exact":
            return None
        size = _size(image, None)
        if size <= MAX_EXACT_BITS:
            return None
        return (f"limit reached at step {n}: the exact {self.what} iterate Θ_{n + 1} would have {size} bits in all, "
                f"past the limit {MAX_EXACT_BITS} bits of an exact iterate (every iterate is kept exact: "
                f"{self.exact_why}); {self.hint}")

    def next(self, image, n: int, keep=()):
        """Θ_{n+1} from the exact image of the step from Θ_n: the image itself, or its rounding to
        the grid 2^-bits (all coordinates but ``keep``)."""
        if self.mode == "balls":
            return image
        if self.mode == "adaptive" and self.first is None:
            size = _size(image, None)
            if size <= EXACT_GD_BITS or n + 1 >= self.steps:
                self.sizes.append(size)
                return image
            self.first, self.first_size = n + 1, size
        if self.mode == "exact":
            self.sizes.append(_size(image, None))
            return image
        if self.first is None:
            self.first = n + 1
        out = [t if k in keep else _round_dyadic(t, self.bits) for k, t in enumerate(image)]
        self.sizes.append(_size(out, None))
        return out

    @property
    def rounds(self) -> bool:
        """Whether some iterate was (or is to be) rounded: the certificate covers a rounded trajectory."""
        return self.first is not None

    def engine(self) -> str:
        """The label of the GD mode in the verdict's engines."""
        if self.mode == "balls":
            return f"{self.what}-iterates-ball{self.prec}"
        if not self.rounds:
            return f"{self.what}-iterates-exact"
        return f"{self.what}-iterates-rounded-2^-{self.bits}" + (f"-from-Θ_{self.first}" if self.mode == "adaptive"
                                                                  else "")

    def mode_note(self, computed: int) -> str:
        """The verdict's note: which iterates are exact, which rounded and why."""
        head = f"{self.what} mode: "
        if self.mode == "balls":
            return head + f"balls at {self.prec} bits (no rounding: the balls enclose the {self.what} iterates); " \
                f"{computed} of {self.steps} steps computed"
        sizes = ", ".join(str(s) for s in self.sizes)
        tail = f"; {computed} of {self.steps} steps computed; bit sizes of Θ_0, Θ_1, …: {sizes}"
        if self.mode == "exact":
            return head + f"exact iterates (rational arithmetic, no rounding: {self.exact_why})" + tail
        if self.mode == "adaptive" and not self.rounds:
            return head + (f"exact iterates (rational arithmetic, no rounding; the default for at most 3 steps keeps "
                           f"the iterates exact while each one a step starts from has at most {EXACT_GD_BITS} bits)"
                           + tail)
        if self.mode == "adaptive":
            exact = "exact iterate Θ_0" if self.first == 1 else f"exact iterates Θ_0..Θ_{self.first - 1}"
            return head + (f"{exact}, then iterates rounded to the grid "
                           f"2^-{self.bits} from Θ_{self.first} on (after step {self.first - 1}) because the exact "
                           f"Θ_{self.first} has {self.first_size} bits, past the threshold {EXACT_GD_BITS} bits "
                           "of the default (params.rounding_bits absent, at most 3 steps; rounding_bits: null keeps "
                           "every iterate exact)" + tail)
        return head + (f"exact steps, iterates rounded to the grid 2^-{self.bits} after every step (params."
                       f"rounding_bits = {self.bits}, or the default past 3 steps)" + tail)


def _rounded_out(rel: Relation, why: str) -> Relation:
    """``rel`` about a rounded iterate: its failure is not a failure of the statement (which is
    about the exact trajectory), so VIOLATED becomes UNKNOWN with the reason."""
    if rel.status != Status.VIOLATED:
        return rel
    return Relation(rel.name, rel.lhs, rel.op, rel.rhs, Status.UNKNOWN, rel.margin, rel.given,
                    (rel.note + "; " if rel.note else "") + why)


def _rg(ev: Evaluation, net: Network, s, **kw):
    """(sℒ, s𝒢): the risk of the loss variant and its generalized gradient."""
    rg = ev.risk_grad(net, **kw)
    return s * rg.L, [s * g for g in rg.G]


def _qsum(xs):
    """Σ xs exactly for rationals, through one common denominator (the lcm by a balanced tree): the
    left-to-right fmpq sum reduces every partial sum by a gcd, which dominated the cost of V at the
    large exact GD iterates (48·10^6 bits: 3.7 s against 1.6 s); other entries are summed in order."""
    xs = list(xs)
    if not xs or not all(isinstance(x, fmpq) for x in xs):
        return sum(xs, 0)
    dens = [x.q for x in xs]
    while len(dens) > 1:
        nxt = [a // a.gcd(b) * b for a, b in zip(dens[::2], dens[1::2])]
        if len(dens) % 2:
            nxt.append(dens[-1])
        dens = nxt
    D = dens[0]
    num = fmpz(0)
    for x in xs:
        num += x.p * (D // x.q)
    return fmpq(num, D)


def _norm2(theta):
    """‖θ‖² (exactly through `_qsum` for rationals)."""
    if all(isinstance(t, fmpq) for t in theta):
        return _qsum(t * t for t in theta)
    return sum_squares(theta)


def V(theta, xi):
    """V(θ) = ‖θ‖² + (θ_𝔡 − 2ξ)²."""
    return _norm2(theta) + (theta[-1] - 2 * xi) ** 2


def grad_V(theta, xi):
    """∇V(θ) = 2θ + 2(θ_𝔡 − 2ξ)e_𝔡."""
    g = [2 * t for t in theta]
    g[-1] = g[-1] + 2 * (theta[-1] - 2 * xi)
    return g


def grad_V_family(net: Network, xi, alpha, beta):
    """∇ of α‖(𝔴,𝔟)‖² + β‖𝔳‖² + 2(𝔠 − ξ)²."""
    th = net.theta
    g = [2 * alpha * t for t in th]
    for i in range(net.H):
        g[net.idx_v(i)] = 2 * beta * th[net.idx_v(i)]
    g[-1] = 4 * (th[-1] - xi)
    return g


def K(net: Network, lam, M):
    """K(θ) = 4λ[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2]."""
    return 4 * lam * ((1 + net.d * M * M) * (sum_squares(net.theta) - net.theta[-1] ** 2) + 2)


def gamma_bar(V0, lam, d, M):
    """γ̄ = 1/(λ[(1 + dM²)V(Θ_0) + 2])."""
    return 1 / (lam * ((1 + d * M * M) * V0 + 2))


def _need_measure(ev):
    if ev.inst.measure is None:
        raise InputError("this claim integrates over a measure: the instance needs 'measure'", "measure")


# --------------------------------------------------------------------------------------------
# helpers of several claim groups


def _parse_points(raw, d: int, where: str) -> list[list[fmpq]]:
    """A non-empty JSON list of points of dimension d (a bare number is a 1-D point), exactly."""
    if not isinstance(raw, list) or not raw:
        raise InputError("expected a non-empty list of points", where)
    pts = []
    for k, p in enumerate(raw):
        p = p if isinstance(p, list) else [p]
        if len(p) != d:
            raise InputError(f"point has dimension {len(p)}, the network has d = {d}", f"{where}[{k}]")
        pts.append([parse_rational(t, f"{where}[{k}]") for t in p])
    return pts


def _points(ev: Evaluation, net: Network):
    """params.points, else the atoms of an empirical measure, else the box corners, the kinks
    inside a 1-D box, and the box centre."""
    if "points" in ev.inst.params:
        return _parse_points(ev.inst.params["points"], net.d, "params.points")
    m = ev.inst.measure
    if isinstance(m, Empirical):
        return [list(p) for p in m.points]
    box = m.box if m is not None else tuple((fmpq(-1), fmpq(1)) for _ in range(net.d))
    pts = [list(c) for c in itertools.product(*box)]
    pts.append([(a + b) / 2 for a, b in box])
    if net.d == 1:
        (a, b), = box
        for i in range(net.H):
            w = net.w(i)[0]
            if sign(w) != 0 and all(isinstance(t, fmpq) for t in (w, net.b(i))):
                t = -net.b(i) / w
                if a <= t <= b:
                    pts.append([t])
    return pts


def _ball_ctx(ev):
    return BallContext(ev.prec)


def _gamma(ev, default):
    return ev.param("gamma", default)


def _all_zero(xs) -> bool | None:
    """Certified: every x is 0 (True), some x is not (False), or undecided (None)."""
    signs = [sign(x) for x in xs]
    if any(t not in (0, None) for t in signs):
        return False
    return True if all(t == 0 for t in signs) else None


def _int_param(v, where, lo, hi):
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise InputError(f"expected an integer in [{lo}, {hi}], got {v!r}", where)
    return v


def _round_dyadic(q, bits):
    if not isinstance(q, fmpq):
        return q
    scaled = q * 2 ** bits
    n = (scaled + fmpq(1, 2)).floor()
    return fmpq(n, 2 ** bits)


def _rounding_bits(ev: Evaluation, steps: int) -> int | None:
    """params.rounding_bits: the dyadic grid 2^-bits exact iterates are rounded to between steps
    (default 64 for more than 3 steps; null keeps them exact; at most `MAX_ROUNDING_BITS`)."""
    def parse(v, where):
        if v is None:
            return None
        if isinstance(v, int) and not isinstance(v, bool) and v > MAX_ROUNDING_BITS:
            raise InputError(f"params.rounding_bits = {v} exceeds the limit {MAX_ROUNDING_BITS}", where)
        return _int_param(v, where, 8, MAX_ROUNDING_BITS)
    return ev.param("rounding_bits", 64 if steps > 3 else None, parse=parse)


def _short(x):
    return short(x)
