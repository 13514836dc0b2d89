"""The composed invariant of yoneda23 claim 3.13: mini-batch GD over cells(m), m ≥ 2 ([RECONSTRUCTED]).

Specification: shared/claims/004-pointwise-indicator.md, claim 3.13; note:
proofs_notes/yoneda23.md#minibatch-cells (the argument in full).

**The cycle.**  Under ``batch = cells(m)`` (d = 1, N ≥ m − 1, head 'wc') step t uses the cell
j = t mod M, M = 2^m.  In the regime of 3.8 the cell's loss is L_j = F_j(λ)/(3a) with
F_j(λ) = A_j λ³ + B_j (1 − λ)³ (cells away from ±1/2 have A_j = B_j = 0: the identity step), so one
step is the map of `verify.yoneda23.invariant` with F_j in place of F.  One cycle, started at phase s,
is G = G_{s+M−1} ∘ … ∘ G_s.  λ* is the zero of F_Σ' with F_Σ = Σ_j F_j, i.e. A = Σ A_j, B = Σ B_j.

**The exact expansion in ε.**  With ε = 1/a, ζ = a(λ − λ*) and λ = λ* + εζ, step k (cell j) reads

    p_k := η(τ F_j'(λ) + ε F_j(λ))/3,  q_k := η((1 + τ²) F_j'(λ) + ε τ F_j(λ))/3,
    x_k := ε_k² p_k,   ε_{k+1} = ε_k/(1 + x_k),   ζ_{k+1} = (1 + x_k)(ζ_k − q_k),

and unlike the full batch F_j'(λ*) ≠ 0: each step moves ζ by O(1).  Write p_k = p⁰_k + ε_k π_k,
q_k = q⁰_k + ε_k κ_k with the constants p⁰_k = ητF_j'(λ*)/3, q⁰_k = η(1 + τ²)F_j'(λ*)/3 and the
polynomials (F_j' is a quadratic, so F_j'(λ* + εζ) = F_j'(λ*) + F_j''(λ*)εζ + F_j'''ε²ζ²/2 exactly)

    π_k = η(τ(F_j''(λ*)ζ_k + F_j''' ε_k ζ_k²/2) + F_j(λ_k))/3,
    κ_k = η((1 + τ²)(F_j''(λ*)ζ_k + F_j''' ε_k ζ_k²/2) + τ F_j(λ_k))/3.

Over a whole cycle every cell is used once, so Σ_k p⁰_k = ητF_Σ'(λ*)/3 = 0 and Σ_k q⁰_k = 0 *exactly*
(the identity is used symbolically; its ball value is never divided by ε).  With ρ_k = ε_k/ε_0
(ρ_0 = 1, ρ_{k+1} = ρ_k/(1 + x_k)), R_k = 1/ρ_k = a_k/a_0 and the telescoping
R_M − 1 = Σ_k x_k R_k, the cycle's quantities are, exactly,

    P := a_0²(a_M − a_0) = (R_M − 1)/ε_0³ = Σ_k ρ_k² π_k − ε_0 Σ_k p⁰_k ρ_k S_k,   S_k = Σ_{l<k} ρ_l p_l,
    D := (ζ_M − ζ_0)/ε_0 = ε_0 Σ_k ρ_k² p_k (ζ_k − q_k) − Σ_k ρ_k κ_k,
    C := a_M³ − a_0³ = 3P + 3ε_0³P² + ε_0⁶P³,

(using ρ_k − 1 = −ρ_k ε_0² S_k and x_k = ε_0²ρ_k²p_k): no division by ε_0 is left, so they are
ball-evaluable on tiles [0, e_1] × [y_0, y_1] that include the edge ε = 0.  ∂ζ_M/∂ζ_0 at fixed ε_0 is
propagated by forward differentiation of the step (no division by ε either).

**The certificate** (`certify`) on [0, ε_max] × Z, by the core engine's branch and bound
(`verify.invariance.certify_map_expansion`; `expansion` as in `verify.yoneda23.invariant`):

1. regime at every intermediate state k = 0..M−1 (the enclosures of (ε_k, ζ_k) over the tile), and
   1 + x_k > 0, so every step of the cycle *is* the closed-form map;
2. P ≥ m > 0 (a_M > a_0, so ε_M < ε_0 ≤ ε_max) and C ≤ M3;
3. ∂ζ_M/∂ζ_0 > 0;
4. D(ε, z_hi) ≤ 0 ≤ D(ε, z_lo) for every ε ∈ [0, ε_max].

By 3 and 4, ζ_M(ε_0, Z) ⊂ [z_lo + ε_0D(ε_0, z_lo), z_hi + ε_0D(ε_0, z_hi)] ⊂ Z, so
S = {a ≥ 1/ε_max, a(λ − λ*) ∈ Z} is forward invariant under the cycle.  The certificate also records
enclosures over all tiles and k < M of ρ_k ∈ [ρ_lo, ρ_hi] and ζ_k ∈ [ζ_lo, ζ_hi] (the states inside a
cycle), which give eventual exactness at every t, not only at cycle starts.

Nothing here is decided by floats: `verify.numbers` on balls or exact rationals; floats only pick the
candidate box Z.  `recheck` re-evaluates every recorded leaf tile in mpmath interval arithmetic with
a separate implementation of the same formulas (an independent number system and code path;
`verify.yoneda23.certificates.mp_recheck`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flint import arb, fmpq

from . import d0 as D
from .invariant import _ceil, _iv, _round_up
from ..numbers import Undecided, ball_bounds, precision, to_json


@dataclass(frozen=True)
class CycleModel:
    """The cells (A_j, B_j) in step order from the phase s, the flip level τ, step η, the regime
    (δ_L, δ_R) and the error coefficients of the population error (as `invariant.RampModel`)."""

    cells: tuple
    tau: fmpq
    eta: fmpq
    dL: fmpq
    dR: fmpq
    phase: int = 0

    @classmethod
    def of(cls, cfg: D.D0, phase: int = 0) -> "CycleModel | None":
        """The model of a cells configuration with a closed form on every cell, or None."""
        if (cfg.d != 1 or cfg.N < 1 or cfg.feature != "yarotsky" or cfg.head != "wc" or cfg.train_outer
                or cfg.batch.kind != "cells" or cfg.eta_decay != 0 or cfg.centre != (fmpq(0),)
                or cfg.radius != D.HALF):
            return None
        M = cfg.n_cells
        co = [D.closed_form_coefficients(cfg, (phase + k) % M) for k in range(M)]
        if any(c is None for c in co):
            return None
        A, B = sum(c[0] for c in co), sum(c[1] for c in co)
        if not (A > 0 and B > 0):
            return None
        dL, dR = D.regime_bounds(cfg.N)
        return cls(tuple((fmpq(c[0]), fmpq(c[1])) for c in co), D.QUARTER, cfg.eta, dL, dR, phase % M)

    @property
    def A(self) -> fmpq:
        return sum((c[0] for c in self.cells), fmpq(0))

    @property
    def B(self) -> fmpq:
        return sum((c[1] for c in self.cells), fmpq(0))

    def lam_star(self) -> arb:
        """λ* = 1/(1 + √(A/B)), the zero of F_Σ' in (0, 1)."""
        return 1 / (1 + (arb(self.A) / arb(self.B)).sqrt())

    def regime_ok(self, eps, lam) -> bool:
        return bool(lam.lower() >= 0 and lam.upper() <= 1 and (eps * (1 - lam)).upper() <= arb(self.dL).lower()
                    and (eps * lam).upper() <= arb(self.dR).lower())

    def forms(self, eps0, zeta0, ls, deriv: bool = True) -> dict | None:
        """Enclosures over the tile (ε_0, ζ_0) of P, D, C, ∂ζ_M/∂ζ_0 and the ranges of ρ_k, ζ_k
        (k < M); None when a regime check fails (check 1)."""
        t, eta = self.tau, self.eta
        t1 = 1 + t * t
        eps, zeta, rho = eps0, zeta0, arb(1)
        de, dz = arb(0), arb(1)  # ∂ε_k/∂ζ_0, ∂ζ_k/∂ζ_0 at fixed ε_0
        Psum, Dsum, S = arb(0), arb(0), arb(0)
        rhos, zetas = [], []
        for A, B in self.cells:
            lam = ls + eps * zeta
            if not self.regime_ok(eps, lam):
                return None
            rhos.append(rho)
            zetas.append(zeta)
            m = 1 - lam
            F = A * lam ** 3 + B * m ** 3
            F1 = 3 * (A * lam * lam - B * m * m)
            F2 = 6 * (A * lam + B * m)
            F3 = 6 * (A - B)
            ms = 1 - ls
            F1s = 3 * (A * ls * ls - B * ms * ms)
            F2s = 6 * (A * ls + B * ms)
            lin = F2s * zeta + F3 * eps * zeta * zeta / 2  # (F_j'(λ) − F_j'(λ*))/ε, exactly
            p0 = eta * t * F1s / 3
            p = p0 + eps * eta * (t * lin + F) / 3  # = η(τF_j'(λ) + εF_j(λ))/3
            q = eta * (t1 * F1s + eps * (t1 * lin + t * F)) / 3
            pi = eta * (t * lin + F) / 3
            kap = eta * (t1 * lin + t * F) / 3
            x = eps * eps * p
            if not (1 + x).lower() > 0:
                return None
            Psum += rho * rho * pi - eps0 * p0 * rho * S
            Dsum += eps0 * rho * rho * p * (zeta - q) - rho * kap
            S += rho * p
            if deriv:
                dl = de * zeta + eps * dz
                dp = eta * (t * F2 * dl + de * F + eps * F1 * dl) / 3
                dq = eta * (t1 * F2 * dl + t * (de * F + eps * F1 * dl)) / 3
                dx = 2 * eps * de * p + eps * eps * dp
                de, dz = (de * (1 + x) - eps * dx) / (1 + x) ** 2, dx * (zeta - q) + (1 + x) * (dz - dq)
            eps, zeta, rho = eps / (1 + x), (1 + x) * (zeta - q), rho / (1 + x)
        e3 = eps0 ** 3
        C = 3 * Psum + 3 * e3 * Psum * Psum + e3 * e3 * Psum ** 3
        return {"P": Psum, "D": Dsum, "C": C, "dzeta": dz, "rho": rhos, "zeta": zetas}

    def to_json(self) -> dict:
        return {"cells": [[to_json(a), to_json(b)] for a, b in self.cells], "tau_c": to_json(self.tau),
                "eta": to_json(self.eta), "delta_L": to_json(self.dL), "delta_R": to_json(self.dR), "phase": self.phase}


@dataclass
class CycleCertificate:
    """A closed cycle invariant: Z, ε_max, m ≤ P, M3 ≥ a_M³ − a_0³, the intra-cycle ranges
    ρ_k ∈ [rho_lo, rho_hi], ζ_k ∈ [zeta_lo, zeta_hi], the leaf tiles (e0, e1, y0, y1) and edge tiles
    (e0, e1, z, −side) of ``engine``, the core engine's certificate (for `recheck`)."""

    model: CycleModel
    Z: tuple
    eps_max: fmpq
    m: fmpq
    M3: fmpq
    rho_lo: fmpq
    rho_hi: fmpq
    zeta_lo: fmpq
    zeta_hi: fmpq
    tiles: list
    edges: list
    prec: int
    lam_star: arb
    engine: object = None

    @property
    def size(self) -> int:
        return len(self.tiles) + len(self.edges)

    def to_json(self) -> dict:
        return {"Z": to_json(list(self.Z)), "eps_max": to_json(self.eps_max), "m": to_json(self.m),
                "M3": to_json(self.M3), "rho": to_json([self.rho_lo, self.rho_hi]),
                "zeta_in_cycle": to_json([self.zeta_lo, self.zeta_hi]), "tiles": len(self.tiles),
                "edge_tiles": len(self.edges), "prec": self.prec, "lambda_star": to_json(self.lam_star),
                "model": self.model.to_json()}


RECORD = ("P", "C", "rho", "zeta")


def expansion(model: CycleModel, eps_max: fmpq, ls: arb):
    """The cycle map G in (ε_0, ζ_0) as the core engine's exact expansion (as `invariant.expansion`):
    ε_M = ε_0/(1 + ε_0³P) by its slacks, ζ monotone (check 3) with the face slacks ε_0(∓D) (check 4),
    "P > 0" by name (check 2); ``forms`` is None unless check 1 (the regime at every state, 1 + x_k > 0)
    is certified; P, C and the intra-cycle ranges ρ_k, ζ_k recorded."""
    from ..invariance import Slack, lower_slack, monotone_slack, upper_slack

    def forms(X, face):
        (e0, e1), (y0, y1) = X
        f = model.forms(_iv(e0, e1), _iv(y0, y1), ls, deriv=face is None)
        if f is None:
            return None
        if face is not None:
            return {upper_slack(1): Slack([[(e0, e1), -f["D"]]]), lower_slack(1): Slack([[(e0, e1), f["D"]]])}
        P = f["P"]
        inv = 1 / (1 + _iv(e0 ** 3, e1 ** 3) * P)
        return {upper_slack(0): Slack([[(eps_max - e1, eps_max - e0)], [(e0 ** 4, e1 ** 4), P, inv]]),
                lower_slack(0): Slack([[(e0, e1), inv]]), monotone_slack(1): Slack([[f["dzeta"]]], strict=True),
                "P > 0": Slack([[P]], strict=True), "P": P, "C": f["C"], "rho": f["rho"], "zeta": f["zeta"]}
    return forms


def certify(model: CycleModel, Z: tuple, eps_max: fmpq, prec: int = 128, n_eps: int = 16, n_zeta: int = 4,
            max_depth: int = 26, max_tiles: int = 6000) -> tuple[CycleCertificate | None, str]:
    """Try to close the cycle invariant on [0, ε_max] × Z (checks 1–4 of the module docstring) by the
    core engine (`verify.invariance.certify_map_expansion`)."""
    from ..invariance import Refused, certify_map_expansion
    from .invariant import refusal

    z0, z1 = fmpq(Z[0]), fmpq(Z[1])
    if not (0 < eps_max and z0 < z1):
        return None, "empty box"
    with precision(prec):
        ls = model.lam_star()
        forms = expansion(model, eps_max, ls)
        try:
            eng = certify_map_expansion(forms, [(fmpq(0), eps_max), (z0, z1)], monotone=[1], conditions=["P > 0"],
                                        record=RECORD, grid=(n_eps, n_zeta), prec=prec, max_leaves=max_tiles,
                                        max_depth=max_depth,
                                        name=f"yoneda23 cycle invariant (3.13, M = {len(model.cells)})")
        except Refused as e:
            return None, e.why if e.box is None else f"{e.why}: {refusal(forms, e.box, ['P > 0'])}"
    tiles = [(X[0][0], X[0][1], X[1][0], X[1][1]) for X, _, _ in eng.regions[0].leaves]
    edges = [(X[0][0], X[0][1], X[1][0], -r.where["side"]) for r in eng.regions[1:] for X, _, _ in r.leaves]
    (m, _), M3 = eng.recorded("P"), eng.recorded("C")[1]
    rho, zeta = eng.recorded("rho"), eng.recorded("zeta")
    return CycleCertificate(model, (z0, z1), eps_max, m, M3, rho[0], rho[1], zeta[0], zeta[1], tiles, edges, prec,
                            ls, eng), ""


# --------------------------------------------------------------------------------------------
# independent re-check: mpmath intervals, a separate implementation of the cycle


def recheck(cert: CycleCertificate, dps: int = 60) -> tuple[bool, str]:
    """Re-evaluate every leaf tile and edge of the certificate in mpmath interval arithmetic (a
    separate implementation of the step and of the expansion, `verify.yoneda23.certificates.mp_recheck`):
    checks 1–4, the constants m, M3 and the intra-cycle ranges, and that the tiles cover
    [0, ε_max] × Z and the edges [0, ε_max].  Returns (ok, reason)."""
    from .certificates import mp_recheck

    return mp_recheck(cert.model, cert.Z, cert.eps_max, cert.tiles, cert.edges,
                      {"m": cert.m, "M3": cert.M3, "rho": (cert.rho_lo, cert.rho_hi),
                       "zeta": (cert.zeta_lo, cert.zeta_hi)}, dps=dps)


# --------------------------------------------------------------------------------------------
# entry and consequences


def zeta_inf(model: CycleModel) -> float:
    """The zero of D(0, ·) (affine in ζ_0), in floats: only a candidate centre for Z."""
    with precision(64):
        ls = model.lam_star()
        d0 = float(model.forms(arb(0), arb(0), ls, deriv=False)["D"].mid())
        d1 = float(model.forms(arb(0), arb(1), ls, deriv=False)["D"].mid())
    return d0 / (d0 - d1)


def candidate_boxes(model: CycleModel) -> list[tuple[fmpq, fmpq]]:
    c = fmpq(round(zeta_inf(model) * 1000), 1000)
    return [(c - w, c + w) for w in (fmpq(1, 20), fmpq(1, 10), fmpq(1, 40), fmpq(1, 5), fmpq(1, 80))]


@dataclass
class CycleConvergence:
    """Certified iterates to the entry time t0 (a cycle start of phase t0 mod M) and the certificate."""

    t0: int | None
    a0: arb | None
    zeta0: arb | None
    cert: CycleCertificate | None
    reason: str = ""
    prec: int = 128
    tried: list = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.cert is not None

    @property
    def period(self) -> int:
        return len(self.cert.model.cells)

    def exact_after(self, delta: fmpq, inside: bool) -> int:
        """A certified T with f(θ^t, x) = 1{r_N(x) < τ} for every t ≥ T (δ = |r_N(x) − τ| > 0):
        at a state k of a cycle started at a_c, ε_t = ρ_k/a_c ≤ ρ_hi/a_c and ζ_t ∈ [ζ_lo, ζ_hi];
        f = 1 (inside) once ε(1 − λ* − εζ_lo) ≤ δ, f = 0 (outside) once ε(λ* + εζ_hi) ≤ δ."""
        c = self.cert
        z = c.zeta_lo if inside else c.zeta_hi
        sg = -1 if inside else 1
        with precision(self.prec):
            base = (1 - c.lam_star) if inside else c.lam_star
            guess = max(float(c.rho_hi) * float(base.mid()) / float(delta) * 1.0000001, float(c.rho_hi / c.eps_max))
            A = fmpq(math.ceil(guess * 2 ** 20), 2 ** 20)
            for _ in range(300):
                e = arb(c.rho_hi) / arb(A)
                g = e * (base + sg * e * z)
                mono = base + 2 * sg * e * z
                if g.upper() <= arb(delta).lower() and mono.lower() > 0:
                    break
                A = A * fmpq(1001, 1000)
            else:
                raise Undecided("no certified exactness threshold for this point")
        lo = ball_bounds(self.a0)[0]
        n = 0 if A ** 3 <= lo ** 3 else _ceil((A ** 3 - lo ** 3) / (3 * c.m))
        return self.t0 + self.period * n


def prove(cfg: D.D0, t_max: int = 2 ** 12, prec: int = 128, t_long: int = 2 ** 15) -> CycleConvergence:
    """Certified GD (`d0.gd_ball`, every iterate) until (ε_t, ζ_t) ∈ (0, ε_max] × Z for a box whose
    cycle invariant (phase t mod M) closes; the first success, or the reason nothing closed."""
    if CycleModel.of(cfg, 0) is None:
        return CycleConvergence(None, None, None, None, "no closed form on every cell (d = 1, head wc, cells that "
                                "do not cut the windows ±[1/2 − 2^−N, 1/2 + 2^−N] are needed)")
    M = cfg.n_cells
    models = [CycleModel.of(cfg, s) for s in range(M)]
    tr = D.gd_ball(cfg, t_max, prec=prec, record="all", max_width=fmpq(1, 10))
    failed: dict = {}
    reason = "the certified iterates never entered a candidate box" + ("" if tr.complete else f" ({tr.reason})")
    tried = []
    with precision(prec):
        lss = [md.lam_star() for md in models]
        boxes = [candidate_boxes(md) for md in models]
        for bi in range(len(boxes[0])):
            for t, th in zip(tr.times, tr.thetas):
                s = t % M
                md, ls, Z = models[s], lss[s], boxes[s][bi]
                a, lam = cfg.a_lambda(th)
                if not a.lower() > 0 or not md.regime_ok(1 / a, lam):
                    continue
                zeta = a * (lam - ls)
                if not (zeta.lower() >= arb(Z[0]).upper() and zeta.upper() <= arb(Z[1]).lower()):
                    continue
                eps_max = _round_up(1 / a)
                key = (s, Z)
                if key in failed and eps_max > failed[key] / 2:
                    continue
                cert, why = certify(md, Z, eps_max, prec)
                tried.append((t, s, Z, eps_max, why))
                if cert is not None:
                    return CycleConvergence(t, a, zeta, cert, "", prec, tried)
                failed[key] = eps_max
                reason = f"the cycle invariant did not close on Z = [{Z[0]}, {Z[1]}], ε ≤ {float(eps_max):.4g}: {why}"
    cv = CycleConvergence(None, None, None, None, reason, prec, tried)
    return _prove_long(cfg, models, lss, boxes, cv, t_long, prec)


def _prove_long(cfg, models, lss, boxes, cv: CycleConvergence, t_long: int, prec: int) -> CycleConvergence:
    """As `invariant.prove`'s long entry: a float run to ``t_long`` picks (t, Z) whose cycle invariant
    (phase t mod M) closes at ε_max ≈ 1/a_t; the Hessian mean-value run (`verify.yoneda23.entry`)
    certifies the iterates up to t; the invariant is re-run on the certified ball at t."""
    from . import entry

    if not entry.applies(cfg) or t_long <= 0:
        return cv
    M = cfg.n_cells
    ls_f = [float(x.mid()) for x in lss]
    opts = []
    for s in range(M):
        md = models[s]
        c = fmpq(round(zeta_inf(md) * 1000), 1000)
        Zs = list(boxes[s]) + [(c - w, c + w) for w in (fmpq(1, 160),)]
        opts.append([((s, Z), md.tau, ls_f[s], Z,
                      (lambda md_, Z_: lambda e: certify(md_, Z_, _round_up(arb(e)), prec)[0] is not None)(md, Z))
                     for Z in Zs])
    found = entry.float_choice(cfg, t_long, lambda t: opts[t % M] if t % M == 0 or M <= 4 else ())
    if found is None:
        return CycleConvergence(None, None, None, None, cv.reason + f"; no float candidate entry within {t_long} steps "
                                "closes", prec, cv.tried)
    choice = (found[0], found[1][0][0], found[1][3])
    t, s, Z = choice
    X = entry.gd_entry(cfg, t, prec=prec, until_regime=False)
    if len(X) < t + 1:
        return CycleConvergence(None, None, None, None, cv.reason + f"; the Hessian mean-value run stopped at "
                                f"t = {len(X) - 1} (a > 0 not certified)", prec, cv.tried)
    md = models[s]
    with precision(prec):
        a, lam = cfg.a_lambda(X[t])
        if not (a.lower() > 0 and md.regime_ok(1 / a, lam)):
            return CycleConvergence(None, None, None, None, cv.reason + "; the certified ball at the float entry "
                                    "is not in the regime", prec, cv.tried)
        zeta = a * (lam - lss[s])
        if not (zeta.lower() >= arb(Z[0]).upper() and zeta.upper() <= arb(Z[1]).lower()):
            return CycleConvergence(None, None, None, None, cv.reason + "; the certified ball at the float entry "
                                    "is not inside Z", prec, cv.tried)
        cert, why = certify(md, Z, _round_up(1 / a), prec)
    if cert is None:
        return CycleConvergence(None, None, None, None, cv.reason + f"; long entry: {why}", prec, cv.tried)
    return CycleConvergence(t, a, zeta, cert, "", prec, cv.tried + [(t, s, Z, cert.eps_max, "long entry")])
