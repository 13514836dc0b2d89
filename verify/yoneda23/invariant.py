"""The invariant box of yoneda23 claim 3.10(B): pointwise convergence for all t from a finite proof.

Specification: shared/claims/004-pointwise-indicator.md, claims 3.8–3.12; note:
proofs_notes/yoneda23.md#pointwise-convergence (the argument in full).

**The ramp model** (d = 1, population loss, head 'wc', α = 1, β = 0).  In the regime of 3.8 the loss
is L = F(λ)/(3a), F(λ) = Aλ³ + B(1 − λ)³, with a = −w > 0 and λ = a(b − τ_c) = c + τ_c w, where τ_c
is the feature level at which the label flips (1/4 for N ≥ 1; 1/2 for N = 0, where r_0 = |x|).
With F' = dF/dλ, one GD step with step η is (derived from ∂L/∂c = F'/(3a),
∂L/∂w = F/(3a²) + τ_c F'/(3a))

    a' = a + η(τ_c F'(λ)/(3a) + F(λ)/(3a²)),
    λ' = λ − η((1 + τ_c²) F'(λ)/(3a) + τ_c F(λ)/(3a²))

(for τ_c = 1/4: the 17/48 and 1/12 of 3.8).  F' vanishes at λ* = 1/(1 + √(A/B)).

**Coordinates at infinity.**  ε = 1/a, ζ = a(λ − λ*), so λ = λ* + εζ.  Because F is a cubic with
F'(λ*) = 0 *exactly*, u := F'(λ)/ε = F''(λ*)ζ + (F'''/2)εζ² is a polynomial, and so is everything
below (the coefficients λ*, F(λ*), F''(λ*) are balls; the identity F'(λ*) = 0 is used
symbolically, never evaluated):

    P := a²(a' − a)           = η(τ_c u + F(λ))/3,          a'/a = 1 + ε³P,
    E := (λ − λ')/ε²          = η((1 + τ_c²)u + τ_c F(λ))/3,
    D := (ζ' − ζ)/ε           = −E + ε²P(ζ − εE),            ζ' = (1 + ε³P)(ζ − εE),
    C := a'³ − a³             = 3P + 3ε³P² + ε⁶P³,
    Q := 3(L − L')(1 + ε³P)/ε⁴ = uE − F''(λ)εE²/2 + F'''ε³E³/6 + P F(λ)

(the last from the exact Taylor expansion of the cubic F at λ).

**The certificate** (`certify`), for Z = [z_lo, z_hi] and ε ∈ (0, ε_max], by the core engine's
interval branch and bound `verify.invariance.certify_map_expansion` over leaves of [0, ε_max] × Z
(the ε = 0 edge included, where the forms are still finite; `expansion` gives the GD map there as
sign-structured slacks, ζ a monotone coordinate):

1. regime: 0 ≤ λ ≤ 1, ε(1 − λ) ≤ δ_L, ελ ≤ δ_R on every tile, so the GD map *is* the map above;
2. P ≥ m > 0 (so a increases and ε' < ε) and C ≤ M3, with rational m, M3 from the tiles' ends;
3. ∂ζ'/∂ζ > 0 (for fixed ε, ζ ↦ ζ' is increasing on Z);
4. D(ε, z_hi) ≤ 0 ≤ D(ε, z_lo) (the edges move inwards), hence ζ'(ε, Z) ⊂ Z by 3;
5. Q > 0 (the loss strictly decreases).

Then S = {(a, λ): a ≥ 1/ε_max, a(λ − λ*) ∈ Z} is forward invariant, and from any θ^{t0} ∈ S:
a_t³ ≥ a_{t0}³ + 3m(t − t0) → ∞, λ_t ∈ λ* + Z/a_t → λ*, L strictly decreases, and for a point
with r_N(x) = τ_c − δ (δ > 0) the output f = clip(λ + aδ) is 1 as soon as
ε(1 − λ* − ε z_lo) ≤ δ; for r_N(x) = τ_c + δ it is 0 as soon as ε(λ* + ε z_hi) ≤ δ — eventual
exactness at a certified time T(x).  Entering S (step A) is done by certified GD (`verify.yoneda23.d0.gd_ball`).
`recheck` re-checks the leaves in mpmath intervals (`verify.yoneda23.certificates`, which also
writes and re-checks the JSON files).

Everything here is decided by `verify.numbers` on balls or exactly on rationals; floats only choose
candidate boxes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flint import arb, fmpq

from . import d0 as D
from ..numbers import Undecided, ball_bounds, precision, to_json


def _hi(x) -> fmpq:
    b = ball_bounds(x)
    if b is None:
        raise Undecided("a non-finite enclosure")
    return b[1]


def _iv(lo: fmpq, hi: fmpq) -> arb:
    """A ball containing the rational interval [lo, hi]."""
    return arb(lo).union(arb(hi))


def _ceil(q: fmpq) -> int:
    return int(-((-q.p) // q.q))


def _round_up(x: arb, bits: int = 40) -> fmpq:
    """A rational ≥ every point of x, with a short denominator."""
    h = _hi(x)
    s = 2 ** bits
    return fmpq(_ceil(h * s), s)



# --------------------------------------------------------------------------------------------
# the ramp model


@dataclass(frozen=True)
class RampModel:
    """F(λ) = Aλ³ + B(1 − λ)³, λ = a(b − τ_c), regime (1 − λ)/a ≤ δ_L, λ/a ≤ δ_R, step η, head 'wc'.

    ``err`` = (A_e, B_e): the error e_r = ε (A_e λ^{r+1} + B_e(1 − λ)^{r+1})/(r + 1) against the
    limit 1{r_N < τ_c} under μ (None where the limit's threshold is not τ_c, e.g. N = 0)."""

    A: fmpq
    B: fmpq
    tau: fmpq
    eta: fmpq
    dL: fmpq
    dR: fmpq
    err: tuple | None = None

    @classmethod
    def of(cls, cfg: D.D0) -> "RampModel | None":
        """The model of a configuration, or None when its loss has no such form (d ≠ 1, another
        feature, head or target, α/β trained, non-constant η, batches other than ``full``)."""
        if (cfg.d != 1 or cfg.feature != "yarotsky" or cfg.head != "wc" or cfg.train_outer or cfg.batch.kind != "full"
                or cfg.eta_decay != 0 or cfg.centre != (fmpq(0),) or cfg.radius != D.HALF):
            return None
        if cfg.N == 0:
            K = cfg.mass  # r_0 = |x| has density 1 on [0, 1] under μ (2 under dx); the label flips at 1/2
            return cls(K, K, D.HALF, cfg.eta, D.HALF, D.HALF, None)
        co = D.closed_form_coefficients(cfg, 0)
        if co is None:
            return None
        dL, dR = D.regime_bounds(cfg.N)
        h = 2 ** cfg.N
        return cls(co[0], co[1], D.QUARTER, cfg.eta, dL, dR, (fmpq(h, h + 1), fmpq(h, h - 1)))

    # ---- constants (balls at the current precision) -------------------------------------------
    def lam_star(self) -> arb:
        """λ* = 1/(1 + √(A/B)), the zero of F' in (0, 1)."""
        return 1 / (1 + (arb(self.A) / arb(self.B)).sqrt())

    def F(self, lam):
        m = 1 - lam
        return self.A * lam ** 3 + self.B * m ** 3

    def F2(self, lam):
        return 6 * (self.A * lam + self.B * (1 - lam))

    @property
    def F3(self) -> fmpq:
        return 6 * (self.A - self.B)

    def zeta_inf(self) -> arb:
        """ζ_∞ = −τ_c F(λ*)/((1 + τ_c²) F''(λ*)): the fixed point of D at ε = 0."""
        ls = self.lam_star()
        return -self.tau * self.F(ls) / ((1 + self.tau ** 2) * self.F2(ls))

    # ---- the polynomial forms on a tile (ε, ζ balls) ------------------------------------------
    def forms(self, eps, zeta, ls=None) -> dict:
        """Enclosures of λ, u, F(λ), P, E, D, ∂ζ'/∂ζ, C and Q (module docstring) over the tile."""
        ls = self.lam_star() if ls is None else ls
        t, eta = self.tau, self.eta
        F2s = self.F2(ls)
        lam = ls + eps * zeta
        u = F2s * zeta + self.F3 * eps * zeta * zeta / 2
        F = self.F(lam)
        F2 = F2s + self.F3 * eps * zeta
        P = eta * (t * u + F) / 3
        E = eta * ((1 + t * t) * u + t * F) / 3
        W = zeta - eps * E
        e3 = eps ** 3
        Dz = -E + eps * eps * P * W
        # ∂u/∂ζ = F''(λ), ∂F(λ)/∂ζ = ε²u, ∂P/∂ζ = η(τ F'' + ε²u)/3, ∂E/∂ζ = η((1+τ²)F'' + τε²u)/3
        dP = eta * (t * F2 + eps * eps * u) / 3
        dE = eta * ((1 + t * t) * F2 + t * eps * eps * u) / 3
        dzeta = e3 * dP * W + (1 + e3 * P) * (1 - eps * dE)
        C = 3 * P + 3 * e3 * P * P + e3 * e3 * P ** 3
        Q = u * E - F2 * eps * E * E / 2 + self.F3 * e3 * E ** 3 / 6 + P * F
        return {"lam": lam, "u": u, "F": F, "P": P, "E": E, "D": Dz, "dzeta": dzeta, "C": C, "Q": Q}

    def regime_ok(self, eps, lam) -> bool:
        """Certified: 0 ≤ λ ≤ 1, ε(1 − λ) ≤ δ_L, ελ ≤ δ_R on the tile."""
        return (lam.lower() >= 0 and lam.upper() <= 1 and (eps * (1 - lam)).upper() <= arb(self.dL).lower()
                and (eps * lam).upper() <= arb(self.dR).lower())

    # ---- (a, λ) <-> (ε, ζ) and the exact GD map --------------------------------------------------
    def a_lam(self, theta):
        """(a, λ) = (−w, c + τ_c w) of θ = (w, c) (exact or balls)."""
        w, c = theta[0], theta[1]
        return -w, c + w * self.tau

    def step(self, a, lam):
        """One GD step in (a, λ) (valid where the regime holds): exact, balls, or floats."""
        A, B, t, eta = ((float(v) if isinstance(a, float) else v) for v in (self.A, self.B, self.tau, self.eta))
        m = 1 - lam
        F = A * lam ** 3 + B * m ** 3
        F1 = 3 * (A * lam ** 2 - B * m ** 2)
        return (a + eta * (t * F1 / (3 * a) + F / (3 * a * a)),
                lam - eta * ((1 + t * t) * F1 / (3 * a) + t * F / (3 * a * a)))


# --------------------------------------------------------------------------------------------
# the branch-and-bound certificate


@dataclass
class Certificate:
    """A closed invariant: Z, ε_max and the certified constants of the module docstring.

    ``m`` ≤ a²(a' − a), ``M`` ≥ a²(a' − a), ``M3`` ≥ a'³ − a³ on the whole box; ``lam_star`` and
    ``zeta_inf`` enclosures; ``tiles`` = the leaf boxes of ``engine``, the certificate of the core
    engine (`verify.invariance.certify_map_expansion`; its leaves are re-checked by
    `verify.yoneda23.certificates`)."""

    model: RampModel
    Z: tuple
    eps_max: fmpq
    m: fmpq
    M: fmpq
    M3: fmpq
    tiles: int
    prec: int
    lam_star: arb
    zeta_inf: arb
    engine: object = None

    def to_json(self) -> dict:
        return {"Z": to_json(list(self.Z)), "eps_max": to_json(self.eps_max), "m": to_json(self.m),
                "M": to_json(self.M), "M3": to_json(self.M3), "tiles": self.tiles, "prec": self.prec,
                "lambda_star": to_json(self.lam_star), "zeta_inf": to_json(self.zeta_inf),
                "model": {"A": to_json(self.model.A), "B": to_json(self.model.B), "tau_c": to_json(self.model.tau),
                          "eta": to_json(self.model.eta), "delta_L": to_json(self.model.dL),
                          "delta_R": to_json(self.model.dR)}}


# the named side conditions of each leaf (checks 1, 2 and 5; 3 and 4 are the engine's monotone rule)
CONDITIONS = ("regime: λ ≥ 0", "regime: λ ≤ 1", "regime: ε(1 − λ) ≤ δ_L", "regime: ελ ≤ δ_R", "P > 0", "Q > 0")
RECORD = ("P", "C")


def expansion(model: RampModel, eps_max: fmpq, ls: arb | None = None):
    """The GD map in (ε, ζ) as the core engine's exact expansion (`verify.invariance.certify_map_expansion`)
    on a leaf X = [e0, e1] × [y0, y1]: ε' = ε/(1 + ε³P) by its slacks
    ε_max − ε' = (ε_max − ε) + ε⁴P/(1 + ε³P) ≥ 0 and ε' − 0 = ε/(1 + ε³P) ≥ 0 (checks 2);
    ζ monotone (check 3, ∂ζ'/∂ζ > 0) with the face slacks z_hi − ζ' = ε(−D), ζ' − z_lo = εD on
    ζ = z_hi, z_lo (check 4); the conditions 1, 2, 5 by name; P and C recorded for m, M, M3."""
    from ..invariance import Slack, lower_slack, monotone_slack, upper_slack

    ls = model.lam_star() if ls is None else ls

    def forms(X, face):
        (e0, e1), (y0, y1) = X
        eps, f = _iv(e0, e1), model.forms(_iv(e0, e1), _iv(y0, y1), ls)
        if face is not None:
            return {upper_slack(1): Slack([[(e0, e1), -f["D"]]]), lower_slack(1): Slack([[(e0, e1), f["D"]]])}
        lam, P = f["lam"], f["P"]
        inv = 1 / (1 + _iv(e0 ** 3, e1 ** 3) * P)
        return {upper_slack(0): Slack([[(eps_max - e1, eps_max - e0)], [(e0 ** 4, e1 ** 4), P, inv]]),
                lower_slack(0): Slack([[(e0, e1), inv]]),
                monotone_slack(1): Slack([[f["dzeta"]]], strict=True),
                CONDITIONS[0]: Slack([[lam]]), CONDITIONS[1]: Slack([[1 - lam]]),
                CONDITIONS[2]: Slack([[model.dL - eps * (1 - lam)]]), CONDITIONS[3]: Slack([[model.dR - eps * lam]]),
                CONDITIONS[4]: Slack([[P]], strict=True), CONDITIONS[5]: Slack([[f["Q"]]], strict=True),
                "P": P, "C": f["C"]}
    return forms


def refusal(forms, X, conditions) -> str:
    """Why the engine refused at leaf X: the first slack of the leaf that does not hold (floats only
    format the message)."""
    got = forms(X, None)
    bad = ["the forms are undefined"] if got is None else [k for k, v in got.items()
                                                           if hasattr(v, "holds") and not v.holds()]
    where = f"ε ∈ [{float(X[0][0]):.3g}, {float(X[0][1]):.3g}], ζ ∈ [{float(X[1][0]):.3g}, {float(X[1][1]):.3g}]"
    return f"{', '.join(bad[:2]) or 'an edge moves outwards'} undecided on {where}"


def certify(model: RampModel, Z: tuple, eps_max: fmpq, prec: int = 128, n_eps: int = 32, n_zeta: int = 4,
            max_depth: int = 31, max_tiles: int = 20000) -> tuple[Certificate | None, str]:
    """Try to close the invariant on [0, ε_max] × Z (module docstring, checks 1–5) by the core engine:
    returns the certificate, or None with the reason (the first check that stayed undecided)."""
    from ..invariance import Refused, certify_map_expansion

    z0, z1 = fmpq(Z[0]), fmpq(Z[1])
    if not (0 < eps_max and z0 < z1):
        return None, "empty box"
    with precision(prec):
        ls = model.lam_star()
        forms = expansion(model, eps_max, ls)
        try:
            eng = certify_map_expansion(forms, [(fmpq(0), eps_max), (z0, z1)], monotone=[1], conditions=CONDITIONS,
                                        record=RECORD, grid=(n_eps, n_zeta), prec=prec, max_leaves=max_tiles,
                                        max_depth=max_depth,
                                        name="yoneda23 invariant box (3.10)")
        except Refused as e:
            return None, e.why if e.box is None else f"{e.why}: {refusal(forms, e.box, CONDITIONS)}"
        (m, M), M3 = eng.recorded("P"), eng.recorded("C")[1]
        zi = model.zeta_inf()
    return Certificate(model, (z0, z1), eps_max, m, M, M3, eng.size, prec, ls, zi, eng), ""


def recheck(cert: Certificate, dps: int = 60) -> tuple[bool, str]:
    """The independent re-check of the invariant (`verify.yoneda23.certificates.mp_recheck`: every leaf
    tile and edge tile in mpmath intervals by a second implementation of the step, checks 1–5, the
    constants m, M, M3 and the coverage of the box and its edges)."""
    from .certificates import mp_recheck

    eng = cert.engine
    tiles = [(X[0][0], X[0][1], X[1][0], X[1][1]) for X, _, _ in eng.regions[0].leaves]
    edges = [(X[0][0], X[0][1], X[1][0], -r.where["side"]) for r in eng.regions[1:] for X, _, _ in r.leaves]
    return mp_recheck(cert.model, cert.Z, cert.eps_max, tiles, edges, {"m": cert.m, "M": cert.M, "M3": cert.M3},
                      descent=True, dps=dps)


def candidate_boxes(model: RampModel, prec: int = 128) -> list[tuple[fmpq, fmpq]]:
    """Candidate Z around ζ_∞ (the spec's [−0.06, 0.04] first for the default model), widest last."""
    with precision(prec):
        zi = float(model.zeta_inf().mid())
    out = []
    if model.tau == D.QUARTER:
        out.append((fmpq(-6, 100), fmpq(4, 100)))
    c = fmpq(round(zi * 1000), 1000)
    for w in (fmpq(1, 20), fmpq(1, 10), fmpq(1, 40), fmpq(1, 5)):
        out.append((c - w, c + w))
    return out


# --------------------------------------------------------------------------------------------
# step A and the consequences


@dataclass
class Convergence:
    """The outcome of `prove`: certified iterates to the entry time t0 and the closed invariant.

    ``a0`` ⊇ a_{t0}; ``zeta0`` ⊇ ζ_{t0}; ``iterates``: (t, a_t ball, λ_t ball, L_t ball) for t ≤ t0;
    ``cert``: the invariant (None: it did not close, ``reason`` says why)."""

    model: RampModel
    t0: int | None
    a0: arb | None
    zeta0: arb | None
    cert: Certificate | None
    reason: str = ""
    iterates: list = field(default_factory=list)
    prec: int = 128

    @property
    def closed(self) -> bool:
        return self.cert is not None


    def exact_after(self, delta: fmpq, inside: bool) -> int:
        """A certified T with f(θ^t, x) = 1{r_N(x) < τ_c} for every t ≥ T, where δ = |r_N(x) − τ_c| > 0
        and ``inside`` = (r_N(x) < τ_c)."""
        c = self.cert
        ls = c.lam_star
        z = c.Z[0] if inside else c.Z[1]
        with precision(self.prec):
            base = (1 - ls) if inside else ls
            # the smallest rational A ≥ 1/ε_max with g(1/A) ≤ δ, g(ε) = ε(base − εz) (inside) / ε(base + εz):
            # g is increasing on [0, 1/A] when base + 2·sgn·z/A > 0, checked below.
            sg = -1 if inside else 1
            guess = max(float(base.mid()) / float(delta) * 1.0000001, 1 / float(c.eps_max))
            A = fmpq(math.ceil(guess * 2 ** 20), 2 ** 20)
            for _ in range(200):
                e = arb(1) / arb(A)
                g = e * (base + sg * e * z)
                mono = base + 2 * sg * e * z
                if g.upper() <= arb(delta).lower() and mono.lower() > 0:
                    break
                A = A * fmpq(1001, 1000)
            else:
                raise Undecided("no certified exactness threshold for this point")
        lo = ball_bounds(self.a0)[0]
        if A ** 3 <= lo ** 3:
            return self.t0
        return self.t0 + _ceil((A ** 3 - lo ** 3) / (3 * c.m))


def prove(cfg: D.D0, t_max: int = 400, prec: int = 128, t_long: int = 2 ** 15) -> Convergence:
    """Step A + step B for a configuration with a ramp model: certified GD (`d0.gd_ball`, every
    iterate recorded) until ζ_t ∈ Z for a candidate box Z whose invariant closes with
    ε_max = 1/a_t.  Returns the first success, or the reason nothing closed.

    When that fails within ``t_max`` steps (e.g. N ≥ 3 from the default θ^0: the trajectory leaves
    and re-enters the regime, and the general ball engine blows up), a float run to ``t_long``
    picks a candidate entry (Z, t) whose invariant closes, and certified GD by the mean-value form
    with the exact Hessian (`verify.yoneda23.entry`) runs to it.  Floats only choose; every step of
    the proof is certified."""
    model = RampModel.of(cfg)
    if model is None:
        return Convergence(None, None, None, None, None, "no closed-form ramp model for this configuration")
    # Floats only decide whether a certified entry is worth attempting (never a verdict): outside the
    # regime a ball step costs ~2^(N+1) pieces (84 s for 400 steps at N = 10).
    from . import entry

    # (the law-based float run of `entry` gives the same iterates as `d0.gd_float`, faster off the regime)
    fl_thetas = list(entry._float_run(cfg, t_max)) if entry.applies(cfg) else D.gd_float(cfg, t_max, record="all").thetas
    if not any(model.regime_ok(arb(-th[0]) ** -1, arb(th[1] + th[0] * float(model.tau)))
               for th in fl_thetas if -th[0] > 0):
        cv = Convergence(model, None, None, None, None, f"the float trajectory does not reach the regime of 3.8 "
                         f"within {t_max} steps: no certified entry attempted")
        return _prove_long(cfg, model, cv, t_long, prec)
    if entry.applies(cfg) and cfg.N >= 3 and t_long > 0 and _float_candidate(cfg, model, t_max, prec) is None:
        # N ≥ 3 and no float entry within t_max closes: skip the short certified run (its general ball
        # engine is slow there and blows up outside the regime) and go to the long entry directly
        cv = Convergence(model, None, None, None, None, f"no float candidate entry within {t_max} steps closes")
        return _prove_long(cfg, model, cv, t_long, prec)
    tr = D.gd_ball(cfg, t_max, prec=prec, record="all")
    its = []
    with precision(prec):
        for t, th, L in zip(tr.times, tr.thetas, tr.losses):
            a, lam = model.a_lam([arb(v) for v in th])
            its.append((t, a, lam, L))
    boxes = candidate_boxes(model, prec)
    reason = "the iterates never entered a candidate box" + ("" if tr.complete else f" ({tr.reason})")
    cv = _enter(model, its, boxes, prec, reason)
    return cv if cv.closed else _prove_long(cfg, model, cv, t_long, prec)


def _enter(model, its, boxes, prec, reason, failed=None, start: int = 0) -> Convergence:
    """The first (Z, t) on the certified iterates ``its`` with ζ_t ∈ Z whose invariant closes."""
    failed = {} if failed is None else failed  # Z -> the ε_max it failed at; retried only once ε_max has halved
    with precision(prec):
        ls = model.lam_star()
        for Z in boxes:  # in order of preference: the first box that closes gives the tightest constants
            for t, a, lam, _ in its:
                if t < start or not a.lower() > 0 or not model.regime_ok(1 / a, lam):
                    continue
                zeta = a * (lam - ls)
                if not (zeta.lower() >= arb(Z[0]).upper() and zeta.upper() <= arb(Z[1]).lower()):
                    continue
                eps_max = _round_up(1 / a)
                if Z in failed and eps_max > failed[Z] / 2:
                    continue
                cert, why = certify(model, Z, eps_max, prec)
                if cert is not None:
                    return Convergence(model, t, a, zeta, cert, "", its[:t + 1], prec)
                failed[Z] = eps_max
                reason = f"the invariant did not close on Z = [{Z[0]}, {Z[1]}], ε ≤ {float(eps_max):.4g}: {why}"
    return Convergence(model, None, None, None, None, reason, its, prec)


def _float_candidate(cfg, model, t_long, prec, narrow: bool = False):
    """`entry.float_choice` over the candidate boxes (``narrow``: also ζ_∞ ± 1/80, ± 1/160)."""
    from . import entry

    boxes = candidate_boxes(model, prec)
    if narrow:
        c = (boxes[-1][0] + boxes[-1][1]) / 2  # ζ_∞ rounded (the centre of the widest candidate)
        boxes += [(c - w, c + w) for w in (fmpq(1, 80), fmpq(1, 160))]  # narrow boxes may close at a larger ε
    with precision(64):
        ls = float(model.lam_star().mid())

    def close(Z):
        return lambda e: certify(model, Z, _round_up(arb(e)), prec)[0] is not None

    opts = [(Z, model.tau, ls, Z, close(Z)) for Z in boxes]
    return entry.float_choice(cfg, t_long, lambda t: opts)


def _prove_long(cfg, model, cv: Convergence, t_long: int, prec: int) -> Convergence:
    """The long entry (see `prove`): float candidates, then `entry.gd_entry` to the chosen t."""
    from . import entry

    if not entry.applies(cfg) or t_long <= 0:
        return cv
    found = _float_candidate(cfg, model, t_long, prec, narrow=True)
    if found is None:
        return Convergence(model, None, None, None, None, cv.reason + f"; no float candidate entry within {t_long} "
                           "steps closes", cv.iterates, prec)
    choice, choice_box = found[0], found[1][3]
    boxes_ = entry.gd_entry(cfg, choice + 8, prec=prec, until_regime=False)
    if len(boxes_) < choice + 1:
        return Convergence(model, None, None, None, None, cv.reason + f"; the Hessian mean-value run stopped at "
                           f"t = {len(boxes_) - 1} (a > 0 not certified)", cv.iterates, prec)
    its = []
    law = entry._Law(cfg.N)
    with precision(prec):
        for t, th in enumerate(boxes_):
            a, lam = model.a_lam(th)
            # L_t is only reported (3.9 per-step table); past 400 steps it is left unbounded
            its.append((t, a, lam, _loss(cfg, th, t, prec, law) if t <= 400 else arb(0, float("inf"))))
    return _enter(model, its, [choice_box], prec, cv.reason + "; the long certified run entered no box that closes",
                  start=choice)


def _loss(cfg, th, t, prec, law=None):
    """An enclosure of L_t over the box θ (`entry.grad_loss`, the law of r_N)."""
    from . import entry

    return entry.grad_loss(law or entry._Law(cfg.N), cfg, *th)[0]
