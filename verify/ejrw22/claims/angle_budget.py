"""ejrw22 claims 13, 14: the *angle-budget* certificate of sup_t |Θ_t| < ∞, H = 1, d = 1, for the normalized flow
on M_A and for the standard flow (proofs_notes/ejrw22.md#angle-budget) [DERIVED].

From a point Θ_T (θ_0 exactly, or a box Y_T of a certified enclosure) with ℒ(Θ_T) ≤ L_T, for every t ≥ T
(the solution is unique and ℒ non-increasing, claim 9):

1. *Energy barrier.*  If the active part {x ∈ [A, B] : w x + b > 0} has length ≤ ℓ_0 (a dead or dying neuron), the
   network is the constant c on [A, B − ℓ_0] or on [A + ℓ_0, B], so ℒ ≥ R_0(ℓ_0) := the smaller of the best constant
   fits min_c ∫(c − f)²p on those two intervals (exact).  With R_0(ℓ_0) > L_T the active part stays longer than ℓ_0.
2. *Angle budget.*  In the fully active set F (w x + b > 0 on all of [A, B]) ℒ = ℓ(s, q), s = vw, q = vb + c, a
   quadratic with minimum ℒ_aff and Hessian 2M, so |z|² ≥ 4λ_min(M)(ℒ − ℒ_aff) for z = ∇ℓ; the normalized field has
   |P𝒢|² ≥ ⟨u, z⟩² + z_2² ≥ σ²|z|², σ² = σ_min²([[w, b], [0, 1]]) = 1 − √(1 − w²) ≥ w²/2 (|u| = 1), and
   |b'| = |w||u'| ≤ |w||P𝒢|.  Hence d√E/dt = −|P𝒢|²/(2√E) ≤ −√(λ/2)|b'| for E = ℒ − ℒ_aff: over all the time spent
   in F, b moves by at most δ_b = √(2(L_T − ℒ_aff)⁺/λ).
3. Outside F (and not dying, by 1) the kink x_0 = −b/w lies in (A, B), so |b| = |x_0|/√(1 + x_0²) ≤ β_in :=
   max(|A|, |B|)/√(1 + max(A², B²)); F is entered with the kink at A or B (|b| ≤ β_in) or at T.  So
   |b(t)| ≤ β := max(β_in, |b_T|) + δ_b, and β < 1 gives |w(t)| ≥ w_lo = √(1 − β²), |x_0(t)| ≤ X = β/w_lo.
4. *Static bounds.*  On a sub-interval S' ⊂ [A, B] of length ℓ_0 of the active part, N = g = s x + q is affine with
   ‖g‖_{L²(S')} ≤ G := (√L_T + √∫f²p)/√p_lo (p ≥ p_lo > 0 on [A, B]), so |s| ≤ G√(12/ℓ_0³), the mean of g on S' is at
   most G/√ℓ_0, |v| = |s|/|w| ≤ |s|/w_lo and |c| = |g(x_0)| ≤ G/√ℓ_0 + |s|(X + max(|A|, |B|)); |w|, |b| ≤ 1.

*Standard flow* (κ = |u|² − v² is conserved; u = ρ(cos φ, sin φ), the kink is x_0 = −tan φ).  Step 1 and the
bounds of s, q are the same.  Every solution from Θ_T stays in 𝓡 (u = 0 has active length 0, excluded by 1), where it
is unique.  Since |N − c| ≤ |v|ρ√(1 + ext²) (ext = max(|A|, |B|)), ℒ ≤ L_T < ℒ_const gives |v|ρ ≥ η :=
(√ℒ_const − √L_T)/√((1 + ext²)∫p), so ρ² ≥ ρ²_min := (κ + √(κ² + 4η²))/2.  In F: |𝒢|² = v²|z|² + ⟨u, z⟩² + z_2² ≥
(v² + σ²)|z|² with σ ≥ ρ|cos φ|/√(ρ² + 1) and |d sin φ/dt| = |cos φ||φ'| ≤ |cos φ||v||z|/ρ, so
|d sin φ/dt| ≤ K_b·(−d√E/dt)/√λ with K_b = √(ρ²_min + 1)/(2ρ²_min) (v² + σ² ≥ 2|v|σ): sin φ moves by at most
δ = K_b√((L_T − ℒ_aff)⁺/λ) while fully active; outside F |sin φ| ≤ β_in as in 3.  With |cos φ| ≥ γ = √(1 − β²):
|v|ρ ≤ s_max/γ and ρ² = κ + v² give v²(v² + κ) ≤ (s_max/γ)², and |u|² = κ + v².

No flow is followed beyond T and no wall is tested: the certificate is a handful of exact rational inequalities,
re-derived in Python fractions by `recheck_budget` (another quadrature code: `sublevel_trap.frac_moments`).
"""

from __future__ import annotations

from fractions import Fraction as Fr

from flint import fmpq

from ...numbers import ball_bounds, to_json

VERSION = 1


_BITS = 64  # relative precision of the rational square roots


def _sqrt_up(q: fmpq) -> fmpq:
    """A rational ≥ √q, within about 2^-64 relative: ⌊√(p q 4^k)⌋ + 1 over q 2^k."""
    import math

    q = fmpq(q)
    if q <= 0:
        return fmpq(0)
    p_, q_ = int(q.p), int(q.q)
    return fmpq(math.isqrt(p_ * q_ << (2 * _BITS)) + 1, q_ << _BITS)


def _sqrt_down(q: fmpq) -> fmpq:
    """A rational in [0, √q]."""
    return q / _sqrt_up(q) if q > 0 else fmpq(0)


def _poly_min(coeffs, lo, hi):
    """A lower bound of Σ a_k x^k on [lo, hi]: the sum of the exact minima of the monomials (works for fmpq and
    Fraction alike)."""
    total = 0 * lo
    for k, a in enumerate(coeffs):
        if a == 0:
            continue
        ends = [lo ** k, hi ** k]
        if k % 2 == 0 and k > 0 and lo < 0 < hi:
            ends.append(0 * lo)
        total += min(a * e for e in ends)
    return total


def density_lower(system):
    """A rational p_lo ≤ p on [A, B] (per piece, `_poly_min`)."""
    return min(_poly_min([fmpq(c) for c in pco], fmpq(lo), fmpq(hi)) for lo, hi, _, pco in system.base)


def barrier(system, L_T, tries: int = 30):
    """(ℓ_0, R_0(ℓ_0)) with R_0 > L_T for the largest ℓ_0 = (B − A)/2^k, k ≥ 1 (module docstring, 1), or None."""
    from .sublevel_trap import l_const, moments

    A, B = system.A, system.B
    for k in range(1, tries + 1):
        ell = (B - A) / 2 ** k
        R0 = min(l_const(moments(system, A, B - ell)), l_const(moments(system, A + ell, B)))
        if R0 > L_T:
            return ell, R0
    return None


def angle_budget(ev, net, flow: str, *, seconds: float = 10.0, points=None):
    """Try the certificate at each point (T, Y_T, sup over [0, T]) of ``points`` (θ_0 first when None).  Returns
    (certificate dict, bound, summary) or (None, None, why)."""
    from flint import arb

    from ...flows import FlowSystem
    from .invariant_sets import _pl_constants, _upper_pair

    if net.H != 1:
        return None, None, "the angle budget is implemented for H = 1"
    system = FlowSystem(ev.inst.target, ev.inst.measure, 1)
    pl = _pl_constants(system)
    if pl is None:
        return None, None, "the affine Gram matrix is singular"
    l_aff, lam = pl
    p_lo = density_lower(system)
    if not p_lo > 0:
        return None, None, "no positive lower bound of the density on [A, B]"
    A, B = system.A, system.B
    th0 = list(net.theta)
    if points is None:
        points = [(fmpq(0), [arb(q) for q in th0], None)]
    why = "no point"
    for T, Y, enc_sup in points:
        if T == 0:
            L_T = system.risk_gradient_exact(th0)[0]
            Yq = [(t, t) for t in th0]
        else:
            got = _upper_pair(system, Y)
            Yq = [ball_bounds(y) for y in Y]
            if got is None or any(y is None for y in Yq):
                why = f"Θ_{to_json(T)}: ℒ(Y_T) not finite"
                continue
            L_T = got[1]
        kappa = th0[0] ** 2 + th0[1] ** 2 - th0[2] ** 2 if flow == "standard" else None
        data = certify(system, L_T, Yq, l_aff, lam, p_lo, kappa)
        if isinstance(data, str):
            why = f"Θ_{to_json(T)}: {data}"
            continue
        bound = data["bound"]
        if enc_sup is not None:
            bound = max(bound, enc_sup)
        data = {"claim_certificate": "angle-budget", "version": VERSION, "flow": flow,
                "theta0": [to_json(t) for t in th0], "T": to_json(T), "Y_T": [[to_json(a), to_json(b)] for a, b in Yq],
                "L_T_upper": to_json(L_T), "l_aff": to_json(l_aff), "lambda_lower": to_json(lam),
                **{k: to_json(v) for k, v in data.items()}, "sup_norm_bound": to_json(bound),
                "enclosure_sup_upper": None if enc_sup is None else to_json(enc_sup)}
        ok, bad = recheck_budget(system, data)
        if not ok:
            why = f"Θ_{to_json(T)}: the independent re-check failed: {bad}"
            continue
        data["recheck"] = "Python fractions: moments by another quadrature, every inequality re-derived"
        return data, bound, (f"angle-budget certificate from Θ_{to_json(T)}: ℒ ≤ {float(L_T):.4g} < R_0 = "
                             f"{float(_q(data['R0'])):.4g} (no dying neuron), sin φ moves ≤ {float(_q(data['delta'])):.3g} "
                             f"while fully active, |cos φ| ≥ {float(_q(data['gamma'])):.3g}")
    return None, None, why


def certify(system, L_T, Yq, l_aff, lam, p_lo, kappa=None):
    """The inequalities of the module docstring for one point: a dict of the certificate's numbers, or the reason
    (a string) why they fail.  ``Yq``: rational pairs enclosing Θ_T; ``kappa``: κ = |u|² − v² for the standard
    flow (None: the normalized flow on M_A)."""
    from .sublevel_trap import l_const, moments

    A, B = system.A, system.B
    got = barrier(system, L_T)
    if got is None:
        return f"ℒ ≤ {float(L_T):.4g} allows a dying neuron (no ℓ_0 with R_0(ℓ_0) > ℒ)"
    ell, R0 = got
    E = L_T - l_aff
    ext = max(abs(A), abs(B))
    beta_in = _sqrt_up(ext * ext / (1 + ext * ext))
    out = {}
    mo = moments(system, A, B)  # (∫p, ∫xp, ∫x²p, ∫fp, ∫xfp, ∫f²p) over [A, B]
    (w0, w1), (b0, b1) = Yq[0], Yq[1]
    babs = max(abs(b0), abs(b1))
    if kappa is None:  # on M_A: sin φ = b, ρ = 1
        delta = _sqrt_up(2 * E / lam) if E > 0 else fmpq(0)
        sin_T = babs
    else:  # standard flow: |u|ρ ≥ η (network not within η of a constant), hence ρ ≥ ρ_min
        lc = l_const(mo)
        gap = _sqrt_down(lc) - _sqrt_up(L_T)
        if not gap > 0:
            return f"ℒ ≤ {float(L_T):.4g} is not below the best constant fit ℒ_const = {float(lc):.4g}"
        eta = gap / _sqrt_up((1 + ext * ext) * mo[0])
        r2 = _sqrt_down(kappa * kappa + 4 * eta * eta)  # ρ² ≥ (κ + √(κ² + 4η²))/2 ≥ r2
        r2 = (kappa + r2) / 2
        if not r2 > 0:
            return "no positive lower bound of |u|"
        Kb = _sqrt_up(r2 + 1) / (2 * r2)
        delta = Kb * _sqrt_up(E / lam) if E > 0 else fmpq(0)
        wmin2 = fmpq(0) if w0 <= 0 <= w1 else min(w0 * w0, w1 * w1)
        bmin2 = fmpq(0) if b0 <= 0 <= b1 else min(b0 * b0, b1 * b1)
        if not wmin2 + bmin2 > 0:
            return "Θ_T may have u = 0"
        sin_T = min(fmpq(1), babs / _sqrt_down(wmin2 + bmin2))
        out.update(l_const=lc, eta=eta, rho2_lower=r2, K_b=Kb, kappa=kappa)
    beta = max(beta_in, sin_T) + delta
    if not beta < 1:
        return f"the kink may run off: sin φ may reach 1 (β = max(β_in, |sin φ_T|) + δ = {float(beta):.4g}, " \
               f"δ = {float(delta):.3g})"
    gamma = _sqrt_down(1 - beta * beta)
    if not gamma > 0:
        return "no positive lower bound of |cos φ|"
    X = beta / gamma
    F2 = mo[5]
    G = (_sqrt_up(L_T) + _sqrt_up(F2)) / _sqrt_down(p_lo)
    s_max = G * _sqrt_up(12 / ell ** 3)
    m_max = G * _sqrt_up(1 / ell)
    C = m_max + s_max * (X + ext)
    if kappa is None:
        V, U = s_max / gamma, fmpq(1)
    else:  # |v|ρ|cos φ| = |s| ≤ s_max and ρ² = κ + v²: v²(v² + κ) ≤ (s_max/γ)²
        S = s_max / gamma
        V2 = (_sqrt_up(kappa * kappa + 4 * S * S) - kappa) / 2
        V = _sqrt_up(V2)
        U = _sqrt_up(max(kappa + V * V, fmpq(0)))
    return {"ell0": ell, "R0": R0, "delta": delta, "beta_in": beta_in, "sin_T": sin_T, "beta": beta,
            "gamma": gamma, "X": X, "p_lo": p_lo, "G": G, "s_max": s_max, "v_max": V, "u_max": U, "c_max": C,
            **out, "bound": max(fmpq(1), U, V, C)}


def _q(s):
    from ...numbers import parse_rational

    return parse_rational(s, "certificate")


def recheck_budget(system, data) -> tuple:
    """Re-derive every inequality of an angle-budget certificate in Python fractions: ℒ_aff and λ_lo ≤ λ_min(M)
    (`invariant_sets._affine_constants_fractions`), R_0(ℓ_0) by `sublevel_trap.frac_moments`, the density bound,
    β, w_lo, X, G and the bounds.  (ok, why)."""
    import math

    from .invariant_sets import _affine_constants_fractions
    from .sublevel_trap import frac_moments

    fr = lambda s: Fr(int(_q(s).p), int(_q(s).q))  # noqa: E731
    if data.get("version") != VERSION:
        return False, "unknown angle-budget version"

    def sqrt_up(x: Fr) -> Fr:  # a rational ≥ √x (another rounding than `_sqrt_up`: 80 bits)
        if x <= 0:
            return Fr(0)
        return Fr(math.isqrt(x.numerator * x.denominator << 160) + 1, x.denominator << 80)

    A, B = Fr(int(system.A.p), int(system.A.q)), Fr(int(system.B.p), int(system.B.q))
    m, n, F2 = _affine_constants_fractions(system)
    det = m[2] * m[0] - m[1] ** 2
    if det <= 0:
        return False, "singular Gram matrix"
    l_aff = F2 - (m[0] * n[1] ** 2 - 2 * m[1] * n[0] * n[1] + m[2] * n[0] ** 2) / det
    lam = fr(data["lambda_lower"])
    if fr(data["l_aff"]) != l_aff or not (lam > 0 and m[2] - lam >= 0 and m[0] - lam >= 0
                                         and (m[2] - lam) * (m[0] - lam) - m[1] ** 2 >= 0):
        return False, "ℒ_aff differs or λ_lo > λ_min(M)"
    L_T = fr(data["L_T_upper"])
    ell = fr(data["ell0"])
    if not (0 < ell <= (B - A) / 2):
        return False, "ℓ_0 out of range"

    def lconst(lo, hi):
        m0, _, _, n0, _, f2 = frac_moments(system, lo, hi)
        return f2 - n0 * n0 / m0 if m0 > 0 else Fr(0)
    R0 = min(lconst(A, B - ell), lconst(A + ell, B))
    if not (R0 > L_T and R0 >= fr(data["R0"])):
        return False, "the energy barrier R_0(ℓ_0) > ℒ_T fails"
    p_lo = fr(data["p_lo"])
    p_min = min(_poly_min([Fr(int(c.p), int(c.q)) for c in map(fmpq, pco)], Fr(int(fmpq(lo).p), int(fmpq(lo).q)),
                          Fr(int(fmpq(hi).p), int(fmpq(hi).q))) for lo, hi, _, pco in system.base)
    if not (0 < p_lo <= p_min):
        return False, "p_lo is not a lower bound of the density"
    E = L_T - l_aff
    delta = fr(data["delta"])
    ext = max(abs(A), abs(B))
    beta_in = fr(data["beta_in"])
    if not (beta_in >= 0 and beta_in * beta_in * (1 + ext * ext) >= ext * ext):
        return False, "β_in is below max|x|/√(1 + x²)"
    Y = [(fr(a), fr(b)) for a, b in data["Y_T"]]
    if data["T"] == "0":
        th0 = [fr(t) for t in data["theta0"]]
        if [(t, t) for t in th0] != Y:
            return False, "Y_0 is not θ_0"
        from .sublevel_trap import _risk_fractions

        if _risk_fractions(system, [_q(t) for t in data["theta0"]]) > L_T:
            return False, "ℒ(θ_0) exceeds L_T"
    (w0, w1), (b0, b1) = Y[0], Y[1]
    babs = max(abs(b0), abs(b1))
    sin_T = fr(data["sin_T"])
    flow = data["flow"]
    if flow == "normalized":
        if E > 0 and not (delta >= 0 and delta * delta * lam >= 2 * E):
            return False, "δ² < 2(ℒ_T − ℒ_aff)/λ"
        if not sin_T >= babs:
            return False, "sin φ_T is below |b_T|"
    else:
        th0 = [fr(t) for t in data["theta0"]]
        kappa = th0[0] ** 2 + th0[1] ** 2 - th0[2] ** 2
        if fr(data["kappa"]) != kappa:
            return False, "κ differs from |u_0|² − v_0²"
        m0, _, _, n0, _, f2 = frac_moments(system, A, B)
        lc = f2 - n0 * n0 / m0
        eta, r2, Kb = fr(data["eta"]), fr(data["rho2_lower"]), fr(data["K_b"])
        # √ℒ_T + η·√((1 + ext²)m0) ≤ √ℒ_const, with upper roots on the left and the exact square on the right
        left = sqrt_up(L_T) + eta * sqrt_up((1 + ext * ext) * m0)
        if not (eta > 0 and left * left <= lc):
            return False, "η is not below (√ℒ_const − √ℒ_T)/(R_x√m_0)"
        if not (r2 > 0 and 2 * r2 >= kappa and r2 * (r2 - kappa) <= eta * eta):
            return False, "ρ²_lower exceeds the root of ρ²(ρ² − κ) = η²"
        if not (2 * r2 * Kb) ** 2 >= r2 + 1:
            return False, "K_b < √(ρ² + 1)/(2ρ²)"
        if E > 0 and not (delta >= 0 and delta * delta * lam >= Kb * Kb * E):
            return False, "δ² λ < K_b² (ℒ_T − ℒ_aff)"
        wmin2 = Fr(0) if w0 <= 0 <= w1 else min(w0 * w0, w1 * w1)
        bmin2 = Fr(0) if b0 <= 0 <= b1 else min(b0 * b0, b1 * b1)
        if not (wmin2 + bmin2 > 0 and (sin_T >= 1 or sin_T * sin_T * (wmin2 + bmin2) >= babs * babs)):
            return False, "sin φ_T is below |b|/|u| on Y_T"
    beta = fr(data["beta"])
    if not (beta >= max(beta_in, sin_T) + delta and beta < 1):
        return False, "β is not an upper bound of |sin φ| below 1"
    gamma = fr(data["gamma"])
    if not (0 < gamma and gamma * gamma <= 1 - beta * beta):
        return False, "γ² > 1 − β²"
    X = fr(data["X"])
    if not X * gamma >= beta:
        return False, "X < β/γ"
    G = fr(data["G"])
    if not (G > 0 and G * G * p_lo >= (sqrt_up(L_T) + sqrt_up(F2)) ** 2):
        return False, "G is below (√ℒ_T + ‖f‖)/√p_lo"
    s_max = fr(data["s_max"])
    if not s_max * s_max * ell ** 3 >= 12 * G * G:
        return False, "s_max² ℓ_0³ < 12 G²"
    V, U, C = fr(data["v_max"]), fr(data["u_max"]), fr(data["c_max"])
    m_max = C - s_max * (X + ext)
    if not (m_max >= 0 and m_max * m_max * ell >= G * G):
        return False, "the bound of c does not follow"
    if flow == "normalized":
        if not (V * gamma >= s_max and U >= 1):
            return False, "the bound of v does not follow"
    else:
        S = s_max / gamma
        V2 = V * V
        if not (2 * V2 >= -kappa and V2 * (V2 + kappa) >= S * S and U >= 0 and U * U >= kappa + V2):
            return False, "the bounds of v or |u| do not follow from v²(v² + κ) ≤ (s_max/γ)²"
    bound = fr(data["sup_norm_bound"])
    if not bound >= max(Fr(1), U, V, C):
        return False, "the bound is below max(1, |u|, v, c)"
    if data["T"] != "0":
        es = data.get("enclosure_sup_upper")
        if es is None or bound < fr(es):
            return False, "the bound is below the enclosure's sup on [0, T]"
    return True, ""
