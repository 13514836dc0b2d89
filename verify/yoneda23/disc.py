"""Population loss of D0 for d = 2, N = 1 with the disc target (spec 004, planted violation P6).

Instance: feature 'yarotsky' with N = 1, head 'wc' with θ = (w, c) trainable and α = 1, β = 0
frozen, target the closed disc |x| ≤ 1/2, μ the uniform probability on [−1, 1)².  The network is
f(θ, x) = u(r(x)) with

* r(x) = φ_1(|x_1|) + φ_1(|x_2|), φ_1(z) = z/2 on [0, 1/2] and 3z/2 − 1/2 on [1/2, 1];
* u(s) = clip(w s + c, 0, 1); for w < 0 this is 1 for s ≤ s_1, w s + c on [s_1, s_0] and 0 for
  s ≥ s_0, with the ramp ends s_0 = −c/w (= b, u = 0) and s_1 = (1 − c)/w (= b − 1/a, u = 1).

Reduction to one dimension.  f depends on x only through s = r(x), so

    L(θ) = ∫ (u(r) − 1_disc)² dμ = ∫ u(s)² dν(s) − 2 ∫ u(s) dν_D(s) + μ(disc),   μ(disc) = π/16,

where ν is the law of s = r(x) under μ and ν_D(A) = μ(disc ∩ {r ∈ A}).  z_i = |x_i| are independent
and uniform on [0, 1), so φ_1(z_i) has density 2 on [0, 1/4] and 2/3 on [1/4, 1], and ν is its
self-convolution, with the continuous piecewise-linear density

    ν'(s) = 4s on [0, 1/4], (4 − 4s)/3 on [1/4, 1/2], (4 + 4s)/9 on [1/2, 1],
            (28 − 20s)/9 on [1, 5/4], (8 − 4s)/9 on [5/4, 2]     (0 outside [0, 2]).

In the disc both z_i ≤ 1/2, so s = (z_1 + z_2)/2; with z = (s + v, s − v) (Jacobian 2) the disc is
v² ≤ 1/8 − s² and z ≥ 0 is |v| ≤ s, hence

    ν_D'(s) = 4 min(s, √(1/8 − s²)) = 4s on [0, 1/4], 4√(1/8 − s²) on [1/4, √(1/8)]   (0 beyond).

Both densities are continuous on ℝ (they vanish at 0, 2 and √(1/8) and agree at the breakpoints).
On each density piece [p, q] every integral is a difference of closed-form antiderivatives:
polynomial for ν and the ν_D piece on [0, 1/4]; on [1/4, √(1/8)], with K = 1/8,
∫ √(K − s²) ds = (s√(K − s²) + K·atan2(s, √(K − s²)))/2 (atan2(s, √(K − s²)) = asin(s/√K)) and
∫ s√(K − s²) ds = −(K − s²)^{3/2}/3.

Loss, gradient and Hessian (w < 0).  With R = [s_1, s_0] the ramp and M_j = ∫_R s^j dν,
D_j = ∫_R s^j dν_D:

    L   = ν(−∞, s_1] − 2 ν_D(−∞, s_1] + w² M_2 + 2wc M_1 + c² M_0 − 2(w D_1 + c D_0) + π/16,
    L_w = 2(w M_2 + c M_1) − 2 D_1,            L_c = 2(w M_1 + c M_0) − 2 D_0,

(u is Lipschitz in θ and differentiable off the two ramp ends).  Differentiating L_w, L_c by
Leibniz' rule (the integrands are continuous in s because the densities are), with
∂s_k/∂w = −s_k/w, ∂s_k/∂c = −1/w, and the integrands at the ends (u(s_0) = 0, u(s_1) = 1):

    L_ww = 2 M_2 + (2/w) [s_0² ν_D'(s_0) + s_1² (ν'(s_1) − ν_D'(s_1))],
    L_wc = L_cw = 2 M_1 + (2/w) [s_0 ν_D'(s_0) + s_1 (ν'(s_1) − ν_D'(s_1))],
    L_cc = 2 M_0 + (2/w) [ν_D'(s_0) + ν'(s_1) − ν_D'(s_1)].

So L is C² on {w < 0}.

What is enclosed (`loss_grad_hess_ball`, `gd_map_box`, `limit_loss_ball`): θ may be a box (two
`arb` balls).  On each density piece [p, q] the formulas above are evaluated with the ramp ends
replaced by the *clamped* levels x_k = clamp(s_k, p, q): ∫_p^{x_1} (u = 1) + ∫_{x_1}^{x_0} (ramp)
+ ∫_{x_0}^q (u = 0, contributes nothing) is an identity for every θ with w < 0, and the density at
a level is the telescoping identity ρ(s) = Σ_pieces [ρ_j(clamp(s, p_j, q_j)) − ρ_j(p_j)] (valid
since ρ is continuous and vanishes left of the support).  Evaluating these identities in ball
arithmetic with enclosures of the clamped levels (the hull of the possible clamped values when a
level's position against a piece is undecided; decided only by comparing radius-0 endpoints)
needs no decision of where a kink lies, so for every θ in the box the results contain the exact
values.  Only w < 0 must be certified on the box (`verify.numbers.Undecided` otherwise).  Square
roots are taken of max(·, 0) of enclosures of quantities that are ≥ 0 for the exact arguments, so
rounding near s = √(1/8) cannot produce an indeterminate ball.  Floats never decide anything.

Floats (`loss_grad_float`, `hess_float`, `minimizer_float`): the same formulas in numpy, for
exploration only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from flint import arb, fmpq

from ..errors import InputError
from ..numbers import Undecided, precision, short, sign

Q = fmpq
K = Q(1, 8)  # the disc part of ν_D lives on [1/4, √K]


# ============================================================================================
# number systems: the few non-field operations the formulas need


class _Ball:
    """Arb balls at the current working precision; every operation encloses the exact result."""

    pi = property(lambda self: arb.pi())

    @staticmethod
    def num(q):
        return arb(q)

    @staticmethod
    def sqrt(y):
        """√y for an enclosure y of an exact value that is ≥ 0."""
        return y.nonnegative_part().sqrt()

    @staticmethod
    def atan2(y, x):
        return arb.atan2(y, x)

    @staticmethod
    def clamp(t, lo, hi):
        """(tag, x): an enclosure x of {clamp(t', lo', hi'): t' ∈ t, lo' ∈ lo, hi' ∈ hi} (lo ≤ hi
        exactly), with tag 'lo' or 'hi' when every t' is clamped to that end, 'in' otherwise;
        decided by comparing the radius-0 endpoints of the balls only."""
        tl, th = t.lower(), t.upper()
        if th <= lo.lower():
            return "lo", lo
        if tl >= hi.upper():
            return "hi", hi
        if tl >= lo.upper() and th <= hi.lower():
            return "in", t
        a, b = lo.lower(), hi.upper()
        return "in", (tl if tl >= a else a).union(th if th <= b else b)


class _Float:
    """numpy floats (scalars or arrays) -- exploration only."""

    pi = math.pi

    @staticmethod
    def num(q):
        return int(q.p) / int(q.q)

    @staticmethod
    def sqrt(y):
        return np.sqrt(np.maximum(y, 0.0))

    @staticmethod
    def atan2(y, x):
        return np.arctan2(y, x)

    @staticmethod
    def clamp(t, lo, hi):
        return "in", np.clip(t, lo, hi)


BALL, FLOAT = _Ball(), _Float()


# ============================================================================================
# the densities of ν and ν_D, piece by piece


@dataclass(frozen=True)
class _PolyPiece:
    """Density Σ_j coeffs[j] s^j on [p, q] (rational)."""

    p: fmpq
    q: fmpq
    coeffs: tuple

    def ends(self, S):
        return S.num(self.p), S.num(self.q)

    def density(self, tag, x, S):
        """ρ(x) (a polynomial: the tag does not matter)."""
        out = 0
        for a in reversed(self.coeffs):
            out = out * x + S.num(a)
        return out

    def antiderivatives(self, tag, x, kmax, S):
        """[∫_0^x s^k ρ(s) ds for k = 0..kmax] (polynomials: the tag does not matter)."""
        out = []
        for k in range(kmax + 1):
            acc = 0
            for j in reversed(range(len(self.coeffs))):
                acc = acc * x + S.num(self.coeffs[j] / (j + k + 1))
            out.append(acc * x ** (k + 1))
        return out


@dataclass(frozen=True)
class _RootPiece:
    """Density 4√(K − s²) on [1/4, √K], K = 1/8 (the disc part of ν_D)."""

    p: fmpq = Q(1, 4)

    def ends(self, S):
        return S.num(self.p), S.sqrt(S.num(K))

    def density(self, tag, x, S):
        """4√(K − x²) for x in [1/4, √K]; exactly 0 at the tag 'hi' (x = √K)."""
        return S.num(Q(0)) if tag == "hi" else 4 * S.sqrt(S.num(K) - x * x)

    def antiderivatives(self, tag, x, kmax, S):
        """[F_0(x), F_1(x)][:kmax + 1] for x in [1/4, √K], with F_k' = s^k·4√(K − s²):
        F_0 = 2(x√(K − x²) + K·atan2(x, √(K − x²))), F_1 = −(4/3)(K − x²)^{3/2}; at the tag 'hi'
        (x = √K) the exact values Kπ and 0 (the square root would lose half the precision)."""
        if kmax > 1:
            raise ValueError("only the moments k ≤ 1 of ν_D are needed and implemented")
        k = S.num(K)
        if tag == "hi":
            return [k * S.pi, S.num(Q(0))][:kmax + 1]
        y = S.sqrt(k - x * x)
        return [2 * (x * y + k * S.atan2(x, y)), -4 * y ** 3 / 3][:kmax + 1]


NU = (
    _PolyPiece(Q(0), Q(1, 4), (Q(0), Q(4))),
    _PolyPiece(Q(1, 4), Q(1, 2), (Q(4, 3), Q(-4, 3))),
    _PolyPiece(Q(1, 2), Q(1), (Q(4, 9), Q(4, 9))),
    _PolyPiece(Q(1), Q(5, 4), (Q(28, 9), Q(-20, 9))),
    _PolyPiece(Q(5, 4), Q(2), (Q(8, 9), Q(-4, 9))),
)
NU_DISC = (
    _PolyPiece(Q(0), Q(1, 4), (Q(0), Q(4))),
    _RootPiece(),
)


def _moments(pieces, lo, hi, kmax, S):
    """[Σ_pieces ∫_{clamp(lo)}^{clamp(hi)} s^k ρ(s) ds for k = 0..kmax] (each piece clamps to its own
    [p, q]): ∫_{lo}^{hi} s^k dρ for any levels lo ≤ hi, and 0 when both lie left of the support."""
    out = [0] * (kmax + 1)
    for P in pieces:
        p, q = P.ends(S)
        Fa = P.antiderivatives(*S.clamp(lo, p, q), kmax, S)
        Fb = P.antiderivatives(*S.clamp(hi, p, q), kmax, S)
        out = [o + fb - fa for o, fa, fb in zip(out, Fa, Fb)]
    return out


def _density(pieces, s, S):
    """ρ(s) for any level s (0 outside the support), by the telescoping clamp identity."""
    out = 0
    for P in pieces:
        p, q = P.ends(S)
        out = out + P.density(*S.clamp(s, p, q), S) - P.density("lo", p, S)
    return out


def densities_ball(s, prec: int = 256):
    """(ν'(s), ν_D'(s)) enclosed for every s in the ball s (any real level; 0 outside the
    supports [0, 2] and [0, √(1/8)])."""
    with precision(prec):
        s = _arb(s)
        return _density(NU, s, BALL), _density(NU_DISC, s, BALL)


def masses_ball(prec: int = 256):
    """(ν(ℝ), ν_D(ℝ)) enclosed, from the piece antiderivatives; exactly 1 and π/16."""
    with precision(prec):
        lo, hi = arb(-1), arb(3)
        return _moments(NU, lo, hi, 0, BALL)[0], _moments(NU_DISC, lo, hi, 0, BALL)[0]


# ============================================================================================
# loss, gradient, Hessian


def _totals(w, c, S, want_hess):
    """(L, (L_w, L_c), Hessian or None) by the module's formulas in the number system S (w < 0)."""
    s0 = -c / w  # u = 0 from here on
    s1 = (1 - c) / w  # u = 1 up to here
    lo = S.num(Q(-1))  # left of both supports: ν(−∞, s_1] is the moment from −1 (0 if s_1 < −1)
    M = _moments(NU, s1, s0, 2, S)
    D = _moments(NU_DISC, s1, s0, 1, S)
    full = _moments(NU, lo, s1, 0, S)[0] - 2 * _moments(NU_DISC, lo, s1, 0, S)[0]
    L = full + w * w * M[2] + 2 * w * c * M[1] + c * c * M[0] - 2 * (w * D[1] + c * D[0]) + S.pi / 16
    grad = (2 * (w * M[2] + c * M[1]) - 2 * D[1], 2 * (w * M[1] + c * M[0]) - 2 * D[0])
    if not want_hess:
        return L, grad, None
    e0 = _density(NU_DISC, s0, S)  # ν_D'(s_0)
    e1 = _density(NU, s1, S) - _density(NU_DISC, s1, S)  # ν'(s_1) − ν_D'(s_1)
    t = 2 / w
    hww = 2 * M[2] + t * (s0 * s0 * e0 + s1 * s1 * e1)
    hwc = 2 * M[1] + t * (s0 * e0 + s1 * e1)
    hcc = 2 * M[0] + t * (e0 + e1)
    return L, grad, ((hww, hwc), (hwc, hcc))


def _arb(x):
    return x if isinstance(x, arb) else arb(x)


def loss_grad_hess_ball(w, c, prec: int = 256, want_hess: bool = True):
    """Enclosures (L, (L_w, L_c), ((L_ww, L_wc), (L_cw, L_cc))) of the population loss L(θ), its
    gradient and its Hessian (None when ``want_hess`` is False), each containing the exact value
    at EVERY θ = (w, c) of the box w × c (arb balls, or exact fmpq/int numbers).  Requires w < 0
    certified on the box; raises `verify.numbers.Undecided` otherwise.

    For a box of positive width, L and ∇L are the intersections of their interval extensions over
    the box with the mean-value forms L(m) + ∇L(box)·(θ − m) and ∇L(m) + ∇²L(box)(θ − m) around
    the box's exact midpoint m (valid: L is C² on {w < 0}, the box is convex); the Hessian is its
    interval extension over the box."""
    with precision(prec):
        w, c = _arb(w), _arb(c)
        if sign(w) != -1:
            raise Undecided(f"w < 0 is not certified on the box (w = {short(w)})")
        if w.is_exact() and c.is_exact():
            return _totals(w, c, BALL, want_hess)
        L, (gw, gc), ((hww, hwc), (_, hcc)) = _totals(w, c, BALL, True)
        mw, mc = w.mid(), c.mid()
        Lm, (gmw, gmc), _ = _totals(mw, mc, BALL, False)
        dw, dc = w - mw, c - mc
        L = L.intersection(Lm + gw * dw + gc * dc)
        grad = (gw.intersection(gmw + hww * dw + hwc * dc), gc.intersection(gmc + hwc * dw + hcc * dc))
        return L, grad, (((hww, hwc), (hwc, hcc)) if want_hess else None)


def loss_grad_float(w, c):
    """(L, (L_w, L_c)) in floats (numpy scalars or arrays, w < 0) -- exploration only."""
    w, c = np.asarray(w, dtype=float), np.asarray(c, dtype=float)
    L, grad, _ = _totals(w, c, FLOAT, False)
    return L, grad


def hess_float(w, c):
    """The Hessian ((L_ww, L_wc), (L_cw, L_cc)) in floats (w < 0) -- exploration only."""
    return _totals(np.asarray(w, dtype=float), np.asarray(c, dtype=float), FLOAT, True)[2]


def minimizer_float(theta0=(-4.0, 1.6), gtol: float = 1e-13):
    """A float minimizer (w*, c*) of L over {w < 0} by a trust-region Newton method (scipy
    'trust-exact' with the exact gradient and Hessian) from ``theta0`` -- exploration only.
    Found: a* = −w* ≈ 12.01959, b* = −c*/w* ≈ 0.369403 (the spec's grid-quadrature values are
    12.13 and 0.3691; L is very flat along the valley)."""
    from scipy.optimize import minimize

    def fun(th):
        L, g = loss_grad_float(th[0], th[1])
        return float(L), np.array(g, dtype=float)

    res = minimize(fun, np.asarray(theta0, dtype=float), jac=True, method="trust-exact",
                   hess=lambda th: np.array(hess_float(th[0], th[1]), dtype=float), options={"gtol": gtol})
    return float(res.x[0]), float(res.x[1])


def gd_map_box(eta, prec: int = 256):
    """(G_box, J_box) for the GD map G(θ) = θ − η∇L(θ) and its Jacobian J = I − η∇²L.

    ``eta``: exact (fmpq, int) or an arb ball.  Both returned functions take a box (w, c) of arb
    balls (or exact numbers) with w < 0 certified (else `Undecided`).  J_box(box) =
    ((J_ww, J_wc), (J_cw, J_cc)) contains J(θ) for every θ in the box.  G_box(box) = (G_w, G_c)
    contains G(θ) for every θ in the box: the mean-value form G(m) + J(box)(θ − m) around the
    box's exact midpoint m (valid since L is C² on {w < 0} and the box is convex), intersected
    with the interval extension θ − η∇L(box)."""

    def jacobian(e, H):
        (hww, hwc), (hcw, hcc) = H
        return (1 - e * hww, -e * hwc), (-e * hcw, 1 - e * hcc)

    def J_box(box):
        with precision(prec):
            return jacobian(_arb(eta), loss_grad_hess_ball(*box, prec=prec)[2])

    def G_box(box):
        with precision(prec):
            e = _arb(eta)
            w, c = _arb(box[0]), _arb(box[1])
            _, (gw, gc), H = loss_grad_hess_ball(w, c, prec=prec)
            (j11, j12), (j21, j22) = jacobian(e, H)
            mw, mc = w.mid(), c.mid()
            _, (hw, hc), _ = loss_grad_hess_ball(mw, mc, prec=prec, want_hess=False)
            dw, dc = w - mw, c - mc
            mv = (mw - e * hw + j11 * dw + j12 * dc, mc - e * hc + j21 * dw + j22 * dc)
            return tuple(a.intersection(b) for a, b in zip((w - e * gw, c - e * gc), mv))

    return G_box, J_box


def limit_loss_ball(prec: int = 256):
    """An enclosure of L(f°_1) = ∫ (1{r < 1/4} − 1_disc)² dμ = ν[0, 1/4) − ν_D[0, 1/4) + ν_D[1/4, ∞),
    computed from the densities (the spec's closed form is π/16 − 1/8)."""
    with precision(prec):
        lo, q, hi = arb(-1), arb(Q(1, 4)), arb(3)
        nu = _moments(NU, lo, q, 0, BALL)[0]
        inner = _moments(NU_DISC, lo, q, 0, BALL)[0]
        outer = _moments(NU_DISC, q, hi, 0, BALL)[0]
        return nu - inner + outer


def trap_certificate(cfg, prec: int = 256):
    """Planted violation P6: a certified trap box B around the float minimizer of L (d = 2, N = 1,
    head 'wc', population loss of ``cfg``, step ``cfg.eta``) with G(B) ⊂ B for the GD map G, as a
    `verify.yoneda23.traps.CycleCertificate` of period 1, or None.  Every GD trajectory started in B stays
    in B (B is not claimed to be the basin of anything)."""
    from .traps import certify_cycle

    if cfg.d != 2 or cfg.N != 1 or cfg.head != "wc" or cfg.train_outer or cfg.batch.kind != "full" \
            or cfg.measure_norm != "prob" or cfg.feature != "yarotsky" or cfg.eta_decay != 0:
        raise InputError("the d = 2 engine covers d = 2, N = 1, head 'wc', population loss under μ, constant η",
                         "network")
    G_box, J_box = gd_map_box(cfg.eta, prec)
    return certify_cycle(G_box, J_box, [minimizer_float()], prec=prec)
