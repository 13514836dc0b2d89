"""ejrw22 claims 13, 14 -- infinite-horizon boundedness certificates (proofs_notes/ejrw22.md#invariant-sets).

Two certificate types, each valid for EVERY solution of the flow from θ_0 (never one solution):

* ``lyapunov-constant-target`` (exact): for a target constant on [A, B], f ≡ a, the residual
  r = Σ_i v_iσ_i + (c − a) (σ_i = ReLU(w_i x + b_i)) is linear in (v, c − a), and both flows move v and c
  by the gradient: v_i' = −𝒢_{v_i} = −2∫rσ_i p, c' = −𝒢_c = −2∫r p.  Hence for
  W(θ) = |v|² + (c − a)²:  W' = −4∫r(Σv_iσ_i + c − a)p = −4ℒ ≤ 0.  𝒢_v and 𝒢_c are continuous on all
  of ℝ^𝔡 (σ_i is continuous in (w_i, b_i), also at (0, 0)), so every absolutely continuous (Carathéodory
  or Filippov) solution has these v, c derivatives a.e.; W is non-increasing along every solution.
  So |v_i|, |c − a| ≤ √W(θ_0) for all t; on M_A |w_i|, |b_i| ≤ 1 (normalized flow); for the standard
  flow κ_i = |u_i|² − v_i² is constant along every solution (⟨g_i, u_i⟩ = v_i𝒢_{v_i}, claim 6; at u_i = 0
  the product ⟨u_i, ·⟩ vanishes on the whole Filippov set) so |u_i|² ≤ κ_i + W(θ_0).
* ``invariant-box`` (`verify.invariance`): K = Box ∩ M ∩ {ℒ ≤ ℒ*} with
  - M = M_A (normalized: each (w_i, b_i) on the unit circle, invariant) or the level set {κ = κ(θ_0)}
    (standard: κ conserved, see above), excluded by exact interval tests;
  - ℒ* ≥ ℒ(θ_0) (exact), or ≥ sup ℒ over the last box Y_T of a certified enclosure on [0, T]
    (`verify.flows`), when Y_T ⊆ Box;
  - the energy: ℒ is C¹ on 𝓡 = {(w_i, b_i) ≠ 0 ∀i} with ∇ℒ = 𝒢 (bounded density), so
    dℒ/dt = −|P𝒢|² (normalized, M_A ⊂ 𝓡) or −|𝒢|² (standard) along a solution in 𝓡.  For the
    standard flow the certificate also needs ℒ* < ℒ_const = min_c ∫(c − f)²p: a point with some
    u_i = 0 ... (H = 1: u = 0 gives 𝒩 ≡ c, so ℒ ≥ ℒ_const) is then outside {ℒ ≤ ℒ*}, so every solution
    from K stays in 𝓡, where the field is locally Lipschitz and the solution unique;
  - every face of Box certified by `verify.invariance.certify_flow` (strict inward field on the
    thickened face, or the leaf misses M or {ℒ ≤ ℒ*}).
  Then sup_{t ≥ 0}|Θ_t|_∞ ≤ max(Box ends, sup of the enclosure on [0, T]).  The certificate is
  re-checked (`verify.invariance.recheck`, at ≥ 256 bits on another splitting) before HOLDS.

Floats (a `FlowSystem.simulate` run) only choose the box and the horizon T; never a verdict.
"""

from __future__ import annotations

import json
import math

from flint import arb, fmpq

from ...errors import InputError
from ...numbers import ball_bounds, to_json

# the certified enclosures of the certificates: the Taylor stepper of order 8 (`verify.flows.taylor`, H = 1) with
# steps up to 1/2; a certificate file records both, and its re-check replays the same steps
CERT_ORDER, CERT_H0 = 8, fmpq(1, 2)



# --------------------------------------------------------------------------------------------
# constant targets: the exact Lyapunov function W = |v|² + (c − a)²


def constant_value(target, A, B):
    """a if the target is constant on [A, B] (exact), else None."""
    from ...problems import Constant, PiecewiseLinear, Polynomial

    if isinstance(target, Constant):
        try:
            return fmpq(target.constant) if not isinstance(target.constant, arb) else None
        except (TypeError, ValueError):
            return None
    if isinstance(target, Polynomial):
        co = [fmpq(c) for c in target.coefficients]
        return co[0] if all(c == 0 for c in co[1:]) else None
    if isinstance(target, PiecewiseLinear):
        vals = {fmpq(y) for _, y in target.knots}
        return vals.pop() if len(vals) == 1 else None
    return None


def _isqrt_up(q: fmpq) -> fmpq:
    """A rational ≥ √q (q ≥ 0)."""
    if q <= 0:
        return fmpq(0)
    n = int(math.isqrt(int(q.p) * int(q.q))) + 1  # √(pq) < n, so √q = √(pq)/q < n/q
    return fmpq(n, int(q.q))


def lyapunov_constant(net, a: fmpq, flow: str) -> dict:
    """The exact certificate for f ≡ a: W_0 = |v|² + (c − a)² and the bound on sup_t |Θ_t|_∞ it gives
    (module docstring).  Computed twice: in fmpq and independently in Python fractions (re-check)."""
    from fractions import Fraction

    H = net.H
    v = [net.v(i) for i in range(H)]
    W0 = sum((x * x for x in v), fmpq(0)) + (net.c - a) ** 2
    Wf = sum((Fraction(int(x.p), int(x.q)) ** 2 for x in v), Fraction(0)) + \
        (Fraction(int(net.c.p), int(net.c.q)) - Fraction(int(a.p), int(a.q))) ** 2
    if Fraction(int(W0.p), int(W0.q)) != Wf:
        raise ArithmeticError("the two evaluations of W(θ_0) differ")
    r = _isqrt_up(W0)
    bound_v, bound_c = r, abs(a) + r
    if flow == "normalized":
        bound_u = fmpq(1)
    else:
        kap = max((sum((x * x for x in net.w(i)), fmpq(0)) + net.b(i) ** 2 - net.v(i) ** 2 for i in range(H)),
                  default=fmpq(0))
        bound_u = _isqrt_up(max(kap + W0, fmpq(0)))
    bound = max(bound_v, bound_c, bound_u)
    return {"claim_certificate": "lyapunov-constant-target", "flow": flow, "target_constant": to_json(a),
            "W": "Σ_i v_i² + (c − a)²", "dW/dt": "−4ℒ(Θ_t) ≤ 0 along every solution",
            "W0": to_json(W0), "sqrt_W0_upper": to_json(r), "sup_norm_bound": to_json(bound),
            "recheck": "W0 recomputed in Python fractions"}


# --------------------------------------------------------------------------------------------
# invariant boxes (verify.invariance)


def sq(iv) -> tuple:
    """The exact range [bottom, top] of x² for x in the rational interval ``iv``."""
    lo, hi = iv
    top = max(lo * lo, hi * hi)
    bottom = fmpq(0) if lo <= 0 <= hi else min(lo * lo, hi * hi)
    return bottom, top


def _circle_excludes(H):
    """Excludes X when some (w_i, b_i)-box misses the unit circle (exact interval squares)."""
    def excludes(X):
        for i in range(H):
            (a0, a1), (b0, b1) = sq(X[i]), sq(X[H + i])
            if a0 + b0 > 1 or a1 + b1 < 1:
                return True
        return False
    return excludes


def _kappa_excludes(H, kappa):
    """Excludes X when some κ_i = w_i² + b_i² − v_i² ranges away from κ_i(θ_0)."""
    def excludes(X):
        for i in range(H):
            (a0, a1), (b0, b1), (c0, c1) = sq(X[i]), sq(X[H + i]), sq(X[2 * H + i])
            if a0 + b0 - c1 > kappa[i] or a1 + b1 - c0 < kappa[i]:
                return True
        return False
    return excludes


def constraints(system, net, flow, level, prec, theta0=None):
    """The constraints of K (same objects for certifying and re-checking): the invariant manifold
    (M_A, or the κ level set of θ_0 for the standard flow) and the energy sublevel {ℒ ≤ level}."""
    from ...invariance import Constraint, Sublevel

    H = net.H
    th = list(net.theta if theta0 is None else theta0)
    if flow == "normalized":
        man = Constraint("M_A: |(w_i, b_i)| = 1", _circle_excludes(H),
                         "M_A is invariant for the normalized flow (d|u_i|²/dt = 0 on M_A) and θ_0 ∈ M_A")
    else:
        kappa = [th[i] ** 2 + th[H + i] ** 2 - th[2 * H + i] ** 2 for i in range(H)]
        man = Constraint(f"κ = κ(θ_0) = {[to_json(k) for k in kappa]}", _kappa_excludes(H, kappa),
                         "κ_i = |u_i|² − v_i² is constant along every solution of the standard flow (claim 6)",
                         kind="level set")
    energy = Sublevel("ℒ", lambda X: system.risk_enclosure(X, prec), level,
                      reason="ℒ is C¹ on 𝓡 with ∇ℒ = 𝒢 (bounded density) and dℒ/dt = −|P𝒢|² ≤ 0 "
                             "(standard flow: −|𝒢|²) along the unique solution in 𝓡")
    return [man, energy]


def _field(system, flow, prec):
    return lambda X: system.field_enclosure(X, flow, "A", prec)


def _rat_floor(x: float, den: int = 8) -> fmpq:
    return fmpq(math.floor(x * den), den)


def _rat_ceil(x: float, den: int = 8) -> fmpq:
    return fmpq(math.ceil(x * den), den)


def _box_from(states, H, flow, pad: float, kap_max: float):
    """A rational box around float states (rows θ), padded by ``pad`` in v and c; (w, b) in [−2, 2]
    (normalized: the circle constraint excludes those faces) or ±(√(κ + V²) + 1) (standard)."""
    import numpy as np

    S = np.asarray(states, dtype=float)
    box = [None] * (3 * H + 1)
    for k in range(2 * H, 3 * H + 1):
        lo, hi = float(S[:, k].min()), float(S[:, k].max())
        span = max(hi - lo, 1.0)
        box[k] = (_rat_floor(lo - pad * span), _rat_ceil(hi + pad * span))
    for i in range(H):
        if flow == "normalized":
            r = fmpq(2)
        else:
            V = max(abs(box[2 * H + i][0]), abs(box[2 * H + i][1]))
            r = _rat_ceil(math.sqrt(max(kap_max + float(V) ** 2, 0.0)) + 1)
        box[i] = box[H + i] = (-r, r)
    return box


def _inside(Y, box) -> bool:
    for y, (lo, hi) in zip(Y, box):
        b = ball_bounds(y)
        if b is None or not (lo < b[0] and b[1] < hi):
            return False
    return True


def const_fit_risk(system):
    """ℒ_const = min_c ∫(c − f)²p, exactly: ℒ at θ = 0 with c = ∫fp/∫p (every neuron zero)."""
    H = system.H
    zero = [fmpq(0)] * (3 * H + 1)
    L, G = system.risk_gradient_exact(zero)
    mass = system.measure.total_mass()
    m = -G[-1] / (2 * fmpq(mass))
    th = zero[:-1] + [m]
    return system.risk_gradient_exact(th)[0]


def invariant_box(ev, net, flow: str, *, seconds: float = 10.0, max_leaves: int = 4000, prec: int = 128,
                  stage: str = "all"):
    """Try to certify a compact forward-invariant K ∋ Θ_T (module docstring).  Returns
    (certificate dict, sup-norm bound fmpq, summary) or (None, None, why)."""
    import time

    import numpy as np

    from ...flows import FlowSystem
    from ...invariance import Refused, certify_flow, recheck

    t0 = time.perf_counter()
    if flow == "standard" and net.H != 1:
        return None, None, "standard flow: the invariant-box certificate is implemented for H = 1 only"
    system = FlowSystem(ev.inst.target, ev.inst.measure, net.H)
    H = net.H
    th0 = list(net.theta)
    L0, _ = system.risk_gradient_exact(th0)
    Lc = const_fit_risk(system) if flow == "standard" else None
    pl = _pl_constants(system) if H == 1 else None
    Lcap = const_fit_risk(system) if pl is None else min(const_fit_risk(system), pl[0])
    if stage == "start" and not L0 < Lcap:
        return None, None, (f"ℒ(θ_0) ≥ min(ℒ_aff, ℒ_const) = {float(Lcap):.6g}: every box face meets stationary points "
                            "of {ℒ ≤ ℒ(θ_0)} (dead neurons, exact affine fits with |v| → ∞)")
    try:
        sim = system.simulate(th0, 30.0, flow, "A", rtol=1e-8, atol=1e-10, method="LSODA")
    except Exception as e:  # noqa: BLE001 -- floats only steer; a failed float run just means no box
        return None, None, f"the float run that chooses the box failed: {e}"
    states, risks, ts = np.asarray(sim.states), np.asarray(sim.risk), np.asarray(sim.t)
    kap_max = max(float(th0[i] ** 2 + th0[H + i] ** 2 - th0[2 * H + i] ** 2) for i in range(H))
    why = "no attempt"
    # attempts: from θ_0 (ℒ* = ℒ(θ_0)), then from points Θ_{t_n} of one certified enclosure (the last one, and the
    # middle one)
    cands = []
    if stage in ("start", "all"):
        cands.append((fmpq(0), [arb(q) for q in th0], None))
    if stage in ("later", "all"):
        enc = shared_enclosure(ev, system, net, flow, fmpq(24), seconds * 0.5, prec)
        n = len(enc.points) - 1
        for k in sorted({n, n // 2} - {0}, reverse=True):
            cands.append((enc.points[k][0], enc.points[k][1], _sup_upto(enc, k)))
            note_point(ev, enc, k)
    if not cands:
        why = "the enclosure made no step"
    for T, Yb, enc_sup in cands:
        if time.perf_counter() - t0 > seconds:
            why = "time budget used up"
            break
        if T == 0:
            level, after = L0, states
        else:
            b = _upper_pair(system, Yb)
            if b is None:
                why = "ℒ(Y_T) not finite"
                continue
            # normalized: ℒ(Θ_T) ≤ ℒ(θ_0) by the energy identity (unique solution on M_A); standard: only the
            # enclosure's bound (solutions may pass the singular set before T)
            level = min(b[1], L0) if flow == "normalized" else b[1]
            after = states[ts >= float(T)]
            if len(after) == 0:
                after = states[-1:]
        if not level < Lcap:
            why = f"ℒ* ≥ min(ℒ_aff, ℒ_const) at T = {to_json(T)}: the sublevel set has stationary points on every face"
            continue
        if Lc is not None and not level < Lc:
            why = "standard flow: ℒ* ≥ ℒ_const, the sublevel set may meet (w, b) = 0 (non-unique solutions)"
            continue
        for pad in (0.25, 1.0, 3.0):
            if time.perf_counter() - t0 > seconds:
                break
            box = _box_from(np.vstack([after, np.asarray([[float(ball_bounds(y)[0]) for y in Yb],
                                                          [float(ball_bounds(y)[1]) for y in Yb]])]),
                            H, flow, pad, kap_max)
            if not _inside(Yb, box):
                why = "Θ_T not inside the box"
                continue
            cons = constraints(system, net, flow, level, prec)
            try:
                cert = certify_flow(_field(system, flow, prec), [box], constraints=cons, prec=prec,
                                    max_leaves=max_leaves, max_depth=36,
                                    seconds=max(0.2, seconds - (time.perf_counter() - t0)),
                                    name=f"ejrw22 {flow} flow: Box ∩ M ∩ {{ℒ ≤ ℒ*}}")
            except Refused as e:
                why = f"branch and bound refused ({e.why}) near " \
                      f"{[[float(a), float(b)] for a, b in e.box] if e.box else '?'}"
                continue
            data = cert.to_json()
            rp = max(256, 2 * prec)
            ok, bad = recheck(data, _field(system, flow, rp), constraints(system, net, flow, level, rp))
            if not ok:
                why = f"the independent re-check failed: {bad}"
                continue
            bound = max(max(abs(lo), abs(hi)) for lo, hi in box)
            if enc_sup is not None:
                bound = max(bound, enc_sup)
            data.update({"claim_certificate": "invariant-box", "flow": flow, "theta0": [to_json(t) for t in th0],
                         "T": to_json(T), "level": to_json(level), "L_theta0": to_json(L0),
                         "L_const": None if Lc is None else to_json(Lc),
                         "sup_norm_bound": to_json(bound),
                         "recheck": f"passed at {rp} bits on a finer splitting"})
            summary = (f"invariant-box certificate: K = Box ∩ {'M_A' if flow == 'normalized' else '{κ = κ(θ_0)}'} ∩ "
                       f"{{ℒ ≤ {float(level):.6g}}} ∋ Θ_{to_json(T)}, {cert.size} leaf boxes, "
                       f"{cert.seconds:.2f} s, re-checked at {rp} bits")
            return data, bound, summary
    return None, None, why


def write(ev, data: dict):
    """Write the certificate where `relu-verify check --certificate FILE` asked (if it did)."""
    from ...invariance import CERTIFICATE_PATH

    path = CERTIFICATE_PATH.get()
    if path is None:
        return None
    from ...files import write_atomic

    from .recheck import ENC, KIND

    claim = getattr(ev.inst, "claim", None) or ("ejrw22.bounded-gf-h1" if data.get("flow") == "normalized"
                                                 else "ejrw22.open-standard-gf")
    data = {"claim": claim, **data, "kind": KIND, "instance": ev.inst.to_json(),
            "recheck_with": "relu-verify recheck FILE"}
    if isinstance(data.get("format"), str):  # an invariance certificate (verify.invariance, kind "flow")
        data["certificate_kind"] = "flow"
    if data.get("T") not in (None, "0"):
        rec = getattr(ev, "_enc_points", {}).get(data["T"])
        if rec is not None:
            data["enclosure"] = {**ENC, **rec}
    write_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def check_written(path) -> dict:
    """Read back a certificate file (tests, tools)."""
    from ...files import read_json

    obj = read_json(path)
    if not isinstance(obj, dict):
        raise InputError("not a certificate object", str(path))
    return obj


# --------------------------------------------------------------------------------------------
# the fully active region: a Łojasiewicz (Polyak) inequality bounds the trajectory's length


def affine_gram(system):
    """(M, n, F2) exactly: M = [[m2, m1], [m1, m0]] with m_k = ∫x^k p, n = (∫x f p, ∫f p), F2 = ∫f²p, so
    that ℓ(s, t) := ∫(s x + t − f)²p = (s, t)M(s, t)ᵀ − 2(s, t)·n + F2."""
    from ...problems import poly_integral, poly_mul

    m = [fmpq(0)] * 3
    n = [fmpq(0)] * 2
    F2 = fmpq(0)
    for lo, hi, fco, pco in system.base:
        for k in range(3):
            m[k] += poly_integral(poly_mul([fmpq(0)] * k + [fmpq(1)], list(pco)), lo, hi)
        for k in range(2):
            n[k] += poly_integral(poly_mul(poly_mul([fmpq(0)] * k + [fmpq(1)], list(fco)), list(pco)), lo, hi)
        F2 += poly_integral(poly_mul(poly_mul(list(fco), list(fco)), list(pco)), lo, hi)
    return [[m[2], m[1]], [m[1], m[0]]], (n[1], n[0]), F2


def _affine_constants_fractions(system):
    """The same constants in Python fractions by midpoint-free exact quadrature of each piece (an
    independent code path for the re-check): ∫_lo^hi x^k q(x) dx term by term."""
    from fractions import Fraction as Fr

    def F(x):
        if isinstance(x, Fr):
            return x
        x = fmpq(x)
        return Fr(int(x.p), int(x.q))

    def integ(coeffs, lo, hi):
        return sum((F(a) * (F(hi) ** (k + 1) - F(lo) ** (k + 1)) / (k + 1) for k, a in enumerate(coeffs)), Fr(0))

    def mul(p, q):
        out = [Fr(0)] * (len(p) + len(q) - 1) if p and q else []
        for i, a in enumerate(p):
            for j, b in enumerate(q):
                out[i + j] += F(a) * F(b)
        return out
    m = [Fr(0)] * 3
    n = [Fr(0)] * 2
    F2 = Fr(0)
    for lo, hi, fco, pco in system.base:
        for k in range(3):
            m[k] += integ(mul([0] * k + [1], list(pco)), lo, hi)
        for k in range(2):
            n[k] += integ(mul(mul([0] * k + [1], list(fco)), list(pco)), lo, hi)
        F2 += integ(mul(mul(list(fco), list(fco)), list(pco)), lo, hi)
    return m, n, F2


def _pl_constants(system):
    """(ℓ_min = ℒ_aff, λ_lo ≤ λ_min(M)) exactly; None if M is singular.  λ_min = 2 det/(tr + √(tr² − 4 det)),
    with the square root rounded up to a rational (64 bits) and the quotient rounded down (so λ_lo ≤ λ_min)."""
    M, n, F2 = affine_gram(system)
    det = M[0][0] * M[1][1] - M[0][1] ** 2
    if det <= 0:
        return None
    tr = M[0][0] + M[1][1]
    # ℓ_min = F2 − nᵀM⁻¹n
    q = (M[1][1] * n[0] ** 2 - 2 * M[0][1] * n[0] * n[1] + M[0][0] * n[1] ** 2) / det
    from .fully_active import round_down, sqrt_up

    return F2 - q, round_down(2 * det / (tr + sqrt_up(tr * tr - 4 * det)))


def shared_enclosure(ev, system, net, flow, T_max, seconds, prec=128):
    """One certified enclosure from θ_0 up to T_max or until ``seconds`` run out (cached on ``ev``);
    every point (t_n, Y_n) of it contains Θ_{t_n} for every solution (`verify.flows`)."""
    cache = getattr(ev, "_inv_enc", None)
    if cache is not None and cache[0] == flow:
        return cache[1]
    enc = system.enclose(list(net.theta), T_max, flow, "A", h0=CERT_H0, tol=1e-4, max_steps=50000, prec=prec,
                         max_seconds=max(0.5, seconds), order=CERT_ORDER)
    try:
        ev._inv_enc = (flow, enc)
    except AttributeError:
        pass
    return enc


def _upper_pair(system, Y, rational=False):
    """(None, an upper bound of ℒ over the box Y) -- Y balls, or rational pairs with ``rational`` -- from
    the rational hull of Y (`recheck._risk_upper`: the smaller of the 128- and 256-bit upper ends), so that
    the file re-check recomputes the same bound; None if not finite."""
    from .recheck import _risk_upper

    Yq = list(Y) if rational else [ball_bounds(y) for y in Y]
    if any(y is None for y in Yq):
        return None
    try:
        return None, _risk_upper(system, Yq)
    except ValueError:
        return None


def _tol_text(tol: float) -> str:
    """The tolerance as a rational whose float is exactly ``tol`` (the replay parses it back)."""
    from fractions import Fraction

    q = Fraction(tol).limit_denominator(10 ** 12)
    return f"{q.numerator}/{q.denominator}" if float(q) == tol else to_json(fmpq(*Fraction(tol).as_integer_ratio()))


def note_point(ev, enc, k, tol=None):
    """Remember how to replay the enclosure up to its point k (its end time T_end, k steps, the tolerance, the
    precision, h0 and the Taylor order of the run): a certificate from Θ_{t_k} records it for `relu-verify recheck`."""
    try:
        book = ev.__dict__.setdefault("_enc_points", {})
    except AttributeError:
        return
    book[to_json(enc.points[k][0])] = {"T_end": to_json(enc.T), "steps": k, "prec": enc.prec,
                                       "tol": _tol_text(enc.tol) if enc.tol is not None else tol,
                                       "h0": to_json(enc.h0), "order": enc.order}


def _sup_upto(enc, n) -> fmpq:
    """An upper bound of sup_{t ≤ t_n}|Θ_t|_∞ from the step boxes 0..n−1 and Y_0.  The running maxima are
    cached on the enclosure (it is asked again at every later point while it grows): the cache is used only
    for the prefix of steps that are the very same objects as when it was filled."""
    cache = enc.__dict__.setdefault("_ejrw22_sup", {"refs": [], "tops": []})
    refs, tops = cache["refs"], cache["tops"]
    k = 0
    while k < len(refs) and k < len(enc.steps) and refs[k] is enc.steps[k]:
        k += 1
    del refs[k:], tops[k:]
    top = max(abs(b) for y in enc.points[0][1] for b in ball_bounds(y))
    if tops and k > 0:
        top = max(top, tops[k - 1])
    for st in enc.steps[k:n]:
        for x in st.X:
            lo, hi = ball_bounds(x)
            top = max(top, abs(lo), abs(hi))
        refs.append(st)
        tops.append(top)
    if n <= 0:
        return max(abs(b) for y in enc.points[0][1] for b in ball_bounds(y))
    return max(tops[n - 1], max(abs(b) for y in enc.points[0][1] for b in ball_bounds(y)))


LENGTH_VERSION = 2  # 2: m ≤ λ_min(Q) over the region ∩ manifold (v may vanish), the region tested on the manifold


def lojasiewicz_length(ev, net, flow: str, *, seconds: float = 10.0, prec: int = 128, stage: str = "all",
                       points=None):
    """Bound sup_t |Θ_t|_∞ for every solution by the length of the trajectory in the fully active region
    (H = 1; proofs_notes/ejrw22.md#lojasiewicz-length).  In F = {w x + b > 0 on [A, B]} the risk is
    ℒ(θ) = ℓ(s, t), s = v w, t = v b + c, a positive definite quadratic with minimum ℓ_min = ℒ_aff and
    Hessian 2M; so |∇ℓ|² ≥ 4λ_min(M)(ℓ − ℓ_min).  The speed is a quadratic form in z = ∇ℓ:
    |Θ'|² = zᵀQz with Q = v²I + KᵀK (standard, K = [[w, b], [0, 1]]) or Q = v²(I − uuᵀ) + uuᵀ + e_2e_2ᵀ
    (normalized, on M_A), and λ_min(Q) ≥ m > 0 on the region even where v = 0 (`fully_active`).  With
    E = ℒ − ℓ_min, d(E)/dt = −|Θ'|² and |Θ'|² ≥ μE (μ = 4λ_lo m): d√E/dt ≤ −(√μ/2)|Θ'|, so the length of
    the path from Θ_T while it stays in the region is ≤ 2√(E_T/μ) =: ρ.  If the region R (Y_T inflated by
    ρ' > ρ in every coordinate) meets the flow's invariant manifold inside F, no solution leaves it (at a
    first exit the path would have length ≥ ρ' > ρ).  Returns (certificate dict, bound, summary) or
    (None, None, why)."""
    import time

    from ...flows import FlowSystem
    from . import fully_active as fa

    if net.H != 1:
        return None, None, "the Łojasiewicz-length certificate is implemented for H = 1"
    t0 = time.perf_counter()
    system = FlowSystem(ev.inst.target, ev.inst.measure, 1)
    pl = _pl_constants(system)
    if pl is None:
        return None, None, "the affine Gram matrix is singular"
    lmin, lam = pl
    th0 = list(net.theta)
    kappa = None if flow == "normalized" else th0[0] ** 2 + th0[1] ** 2 - th0[2] ** 2
    A, B = system.A, system.B
    L0, _ = system.risk_gradient_exact(th0)
    cands = []  # (T, Y (balls), enc_sup)
    if points is not None:
        cands = list(points)
        stage = "given"
    if stage in ("start", "all"):
        cands.append((fmpq(0), [arb(q) for q in th0], None))
    if stage in ("later", "all"):
        enc = shared_enclosure(ev, system, net, flow, fmpq(24), seconds * 0.7, prec)
        n = len(enc.points) - 1
        idx = sorted({n - (n * k) // 12 for k in range(12)} - {0}, reverse=True) if n > 0 else []
        for k in idx:
            cands.append((enc.points[k][0], enc.points[k][1], _sup_upto(enc, k)))
            note_point(ev, enc, k)
    why = "no attempt" if cands else "the enclosure made no step"
    for T, Y, enc_sup in cands:
        if time.perf_counter() - t0 > seconds:
            why = "time budget used up"
            break
        if T == 0:
            ET = L0 - lmin
        else:
            b = _upper_pair(system, Y)
            if b is None:
                why = "ℒ(Y_T) not finite"
                continue
            ET = b[1] - lmin
        if ET < 0:
            ET = fmpq(0)
        Yq = [(t, t) for t in th0] if T == 0 else [ball_bounds(y) for y in Y]
        if any(q is None for q in Yq):
            why = "Y_T not finite"
            continue
        if not fa.fully_active(flow, Yq, A, B, kappa):
            why = f"Θ_{to_json(T)} is not certified in the fully active region"
            continue
        m = fa.pl_factor(flow, Yq, kappa)
        if m <= 0:
            why = f"at Θ_{to_json(T)} λ_min(Q) is not bounded away from 0 (v = w = 0 in the box)"
            continue
        # the largest m with λ_min(Q) ≥ m on the region it implies: m ↓, ρ ↑, the region grows (a few rounds)
        got = None
        for _ in range(12):
            if time.perf_counter() - t0 > seconds:
                break
            mu = 4 * lam * m
            rho = fa.round_up(2 * fa.sqrt_up(ET / mu)) if ET > 0 else fmpq(0)
            rho1 = rho + fmpq(1, 2 ** 20)
            R = [(lo - rho1, hi + rho1) for lo, hi in Yq]
            status, val, leaves, depth = fa.cover(flow, R, Yq, rho1, A, B, kappa, m)
            if status == "fail":
                why = f"from Θ_{to_json(T)} the region of radius ρ = {float(rho):.3g}: {val}"
                break
            if status == "ok":
                got = (m, mu, rho, rho1, R, leaves, depth)
                break
            if val <= 0:
                why = f"from Θ_{to_json(T)}: λ_min(Q) reaches 0 on the region (v = w = 0)"
                break
            m = fa.round_down(min(val, m * fmpq(31, 32)))
        if got is None:
            if not why.startswith("from Θ"):
                why = f"from Θ_{to_json(T)}: no m > 0 with λ_min(Q) ≥ m on the region it implies"
            continue
        m, mu, rho, rho1, R, leaves, depth = got
        bound = _length_bound(flow, R)
        if enc_sup is not None:
            bound = max(bound, enc_sup)
        data = {"claim_certificate": "lojasiewicz-length", "version": LENGTH_VERSION, "flow": flow,
                "theta0": [to_json(t) for t in th0], "T": to_json(T),
                "Y_T": [[to_json(a), to_json(b)] for a, b in Yq], "E_T_upper": to_json(ET),
                "l_min": to_json(lmin), "lambda_lower": to_json(lam),
                "manifold": "M_A: w² + b² = 1" if flow == "normalized" else "w² + b² − v² = κ(θ_0)",
                "kappa": None if kappa is None else to_json(kappa),
                "m_lower": to_json(m), "mu": to_json(mu), "rho": to_json(rho), "rho_region": to_json(rho1),
                "region": [[to_json(a), to_json(b)] for a, b in R], "cover_leaves": leaves, "cover_depth": depth,
                "sup_norm_bound": to_json(bound),
                "enclosure_sup_upper": None if enc_sup is None else to_json(enc_sup)}
        ok, bad = recheck_length(system, data, flow)
        if not ok:
            why = f"the independent re-check failed: {bad}"
            continue
        data["recheck"] = ("constants in Python fractions, ℒ(Y_T) at 256 bits, m by the characteristic polynomial "
                           "of Q, the region by candidate points, exactly")
        return data, bound, (f"Łojasiewicz-length certificate from Θ_{to_json(T)}: E_T ≤ {float(ET):.3g}, "
                             f"path length ≤ {float(rho):.3g}, the ρ'-neighbourhood on the manifold fully active "
                             f"with λ_min(Q) ≥ {float(m):.3g} ({leaves} leaf boxes)")
    return None, None, why


def _length_bound(flow, R) -> fmpq:
    """sup |θ|_∞ over R ∩ manifold: the ends of R; on M_A |w|, |b| ≤ 1."""
    top = [max(abs(lo), abs(hi)) for lo, hi in R]
    if flow == "normalized":
        top[0], top[1] = min(top[0], fmpq(1)), min(top[1], fmpq(1))
    return max(top)


def recheck_length(system, data, flow) -> tuple:
    """Independent re-check of a Łojasiewicz-length certificate: ℓ_min and λ_lo recomputed in Python
    fractions (another quadrature code), E_T from ℒ(Y_T) at 256 bits, κ from θ_0, m against the characteristic
    polynomial of Q at the region's corner, μ, ρ, the region (candidate points of the polygon, fractions) and
    the bound redone exactly."""
    from fractions import Fraction as Fr

    from ...numbers import parse_rational
    from . import fully_active as fa

    if data.get("version") != LENGTH_VERSION:
        return False, f"a lojasiewicz-length certificate of version {data.get('version')!r} (this is {LENGTH_VERSION})"
    q = lambda s: parse_rational(s, "certificate")  # noqa: E731
    m, n, F2 = _affine_constants_fractions(system)
    det = m[2] * m[0] - m[1] ** 2
    if det <= 0:
        return False, "singular Gram matrix"
    lmin = F2 - (m[0] * n[1] ** 2 - 2 * m[1] * n[0] * n[1] + m[2] * n[0] ** 2) / det
    fr = lambda x: Fr(int(x.p), int(x.q))  # noqa: E731
    lam = fr(q(data["lambda_lower"]))
    # λ_lo ≤ λ_min(M) ⇔ M − λ_lo·I is positive semidefinite (exact 2×2 test)
    if fr(q(data["l_min"])) != lmin or not (lam > 0 and m[2] - lam >= 0 and m[0] - lam >= 0
                                             and (m[2] - lam) * (m[0] - lam) - m[1] ** 2 >= 0):
        return False, "ℓ_min differs or λ_lo > λ_min"
    th0 = [fr(q(t)) for t in data["theta0"]]
    Y = [(q(a), q(b)) for a, b in data["Y_T"]]
    if data["T"] == "0":
        if [(t, t) for t in th0] != [(fr(a), fr(b)) for a, b in Y]:
            return False, "Y_0 is not θ_0"
        E = fr(system.risk_gradient_exact([q(t) for t in data["theta0"]])[0]) - lmin
    else:
        b = _upper_pair(system, Y, rational=True)
        if b is None:
            return False, "ℒ(Y_T) not finite"
        E = fr(b[1]) - lmin
    if E > fr(q(data["E_T_upper"])) and E > 0:
        return False, "E_T is larger than the certificate says"
    kappa = None if flow == "normalized" else th0[0] ** 2 + th0[1] ** 2 - th0[2] ** 2
    if kappa is not None and fr(q(data["kappa"])) != kappa:
        return False, "κ differs from κ(θ_0)"
    mm, mu, rho = fr(q(data["m_lower"])), fr(q(data["mu"])), fr(q(data["rho"]))
    rho1 = fr(q(data["rho_region"]))
    R = [(fr(q(a)), fr(q(b))) for a, b in data["region"]]
    if len(R) != 4 or len(Y) != 4:
        return False, "the region is not a box in (w, b, v, c)"
    if mu > 4 * lam * mm or mu <= 0 or mm <= 0:
        return False, "μ too large"
    if max(E, Fr(0)) > 0 and (rho / 2) ** 2 * mu < max(E, Fr(0)):
        return False, "ρ too small"
    if not rho1 > rho:
        return False, "ρ' ≤ ρ"
    Yf = [(fr(lo), fr(hi)) for lo, hi in Y]
    for (lo, hi), (rl, rh) in zip(Yf, R):
        if not (rl <= lo - rho1 and hi + rho1 <= rh):
            return False, "the region does not contain Y_T inflated by ρ'"
    depth = int(data["cover_depth"])
    if not 0 <= depth <= 60:
        return False, "bad cover depth"
    ok, why = fa.recheck_cover(flow, R, Yf, rho1, fr(system.A), fr(system.B), mm, kappa, max_depth=depth)
    if not ok:
        return False, f"the ρ'-neighbourhood of Y_T on the manifold: {why}"
    tops = [max(abs(lo), abs(hi)) for lo, hi in R]
    if flow == "normalized":
        tops[0], tops[1] = min(tops[0], Fr(1)), min(tops[1], Fr(1))
    need = max(tops + [abs(t) for t in th0])
    if data.get("enclosure_sup_upper") is not None:
        need = max(need, fr(q(data["enclosure_sup_upper"])))
    if fr(q(data["sup_norm_bound"])) < need:
        return False, "the bound is below the region (or the enclosure's sup)"
    return True, ""


# --------------------------------------------------------------------------------------------
# a neuron dying at the boundary: its active part shrinks exponentially, v and c move a finite amount


def _poly_range(co, lo, hi):
    """Exact rational bounds of a polynomial on [lo, hi] (interval Horner: outward)."""
    plo = phi = fmpq(0)
    xs = (lo, hi)
    for a in reversed(list(co)):
        prods = [plo * x for x in xs] + [phi * x for x in xs]
        plo, phi = min(prods) + fmpq(a), max(prods) + fmpq(a)
    return plo, phi


def _range_on(system, lo, hi, which):
    """Bounds of f (which = 2) or p (which = 3) over [lo, hi] ∩ [A, B] from the exact pieces."""
    out = None
    for a, b, fco, pco in system.base:
        l_, h_ = max(a, lo), min(b, hi)
        if l_ > h_:
            continue
        r = _poly_range(fco if which == 2 else pco, l_, h_)
        out = r if out is None else (min(out[0], r[0]), max(out[1], r[1]))
    return out


def dying_neuron(ev, net, flow: str, *, seconds: float = 10.0, prec: int = 128, stage: str = "all", points=None):
    """H = 1, both flows.  At Θ_T the neuron is active only on the part of [A, B] beyond its kink: w > 0 and
    x_0 ∈ [x_lo, B] (active (x_0, B], ℓ = B − x_0) or w < 0 and x_0 ∈ [A, x_hi] (active [A, x_0), ℓ = x_0 − A).
    Region R: x_0 ∈ S (S = [x_lo, B] resp. [A, x_hi], so ℓ ≤ ℓ_T), v ∈ V, c ∈ C.  Claim kink-geometry (both
    flows): x_0' = (v/w)·2∫_act r(1 + x_0x)p.  On R let v·r > 0 with |v| ≥ v_min, |r| ≥ r_min
    (r = vσ + c − f, σ = |w|·(distance to the kink) ∈ [0, Wℓ]; W = 1 on M_A, W = √(κ + max v²) for the
    standard flow, κ = |u|² − v² conserved) and q = 1 + x_0x ≥ q_min > 0 for x_0, x ∈ S.  Then
    |x_0'| = (2/|w|)∫_act |v||r|q p and x_0 moves towards the end (ℓ non-increasing); comparing integrands,
    |v'| = 2|∫_act rσp| ≤ (W²ℓ/(v_min q_min))|x_0'|, so v moves at most Δv = W² ℓ_T²/(2 v_min q_min)
    (∫ℓ d|x_0| ≤ ℓ_T²/2); e = c − c̄ (c̄ = ∫fp/∫p) has e' = −2(∫p)e − 2v∫_act σp with
    |2v∫σp| ≤ (W²ℓ/(r_min q_min))|x_0'|, so c stays in [min(c_T, c̄) − Δc, max(c_T, c̄) + Δc],
    Δc = W² ℓ_T²/(2 r_min q_min).  The kink is the
    clock: no rate, no lower bound of p is needed.  If v_T ± Δv ⊂ int V and
    that c-range ⊂ int C, no solution leaves R (first exit), w keeps its sign (x_0 stays in S) and the
    solution is unique (R ⊂ 𝓡).  Returns (data, bound, summary) or (None, None, why)."""
    import time

    from ...flows import FlowSystem

    if net.H != 1:
        return None, None, "the dying-neuron certificate is implemented for H = 1"
    t0 = time.perf_counter()
    system = FlowSystem(ev.inst.target, ev.inst.measure, 1)
    A, B = system.A, system.B
    mass, first = fmpq(0), fmpq(0)
    from ...problems import poly_integral, poly_mul
    for lo, hi, fco, pco in system.base:
        mass += poly_integral(list(pco), lo, hi)
        first += poly_integral(poly_mul(list(fco), list(pco)), lo, hi)
    cbar = first / mass
    th0 = list(net.theta)
    kappa = th0[0] ** 2 + th0[1] ** 2 - th0[2] ** 2 if flow == "standard" else None
    cands = []
    if points is not None:  # θ_0 itself exactly (an arb ball of a rational may be rounded)
        cands = [(T, [(t, t) for t in th0] if T == 0 else [ball_bounds(y) for y in Yb], es) for T, Yb, es in points]
        stage = "given"
    if stage in ("start", "all"):
        cands.append((fmpq(0), [(t, t) for t in th0], None))
    if stage in ("later", "all"):
        enc = shared_enclosure(ev, system, net, flow, fmpq(24), seconds * 0.7, prec)
        n = len(enc.points) - 1
        for k in sorted({n - (n * j) // 8 for j in range(8)} - {0}, reverse=True) if n > 0 else []:
            cands.append((enc.points[k][0], [ball_bounds(y) for y in enc.points[k][1]], _sup_upto(enc, k)))
            note_point(ev, enc, k)
    why = "no attempt"
    for T, Y, enc_sup in cands:
        if time.perf_counter() - t0 > seconds:
            return None, None, "time budget used up"
        if any(y is None for y in Y):
            continue
        (w0, w1), (b0, b1), (v0, v1), (c0, c1) = Y
        if w0 > 0:
            side = 1
            xlo = min(-b1 / w0, -b1 / w1)
            S = (xlo, B)
            ell = B - xlo
        elif w1 < 0:
            side = -1
            xhi = max(-b0 / w0, -b0 / w1)
            S = (A, xhi)
            ell = xhi - A
        else:
            why = f"the sign of w at T = {to_json(T)} is not certified"
            continue
        if not 0 < ell < B - A:
            why = f"Θ_{to_json(T)}: the kink is not inside (A, B)"
            continue
        fr = _range_on(system, S[0], S[1], 2)
        if fr is None:
            why = "empty strip"
            continue
        q_lo = 1 + min(x * y for x in S for y in S)  # 1 + x_0x, x_0 and x in S
        if q_lo <= 0:
            why = f"1 + x_0x is not positive on the strip (Θ_{to_json(T)})"
            continue
        etas = (fmpq(1, 16), fmpq(1, 4), fmpq(1), fmpq(4))
        for eta_v, eta_c in ((a, b) for a in etas for b in etas):
            data = _dying_region(system, flow, side, S, ell, fr, (v0, v1), (c0, c1), cbar, (eta_v, eta_c), q_lo,
                                 kappa)
            if isinstance(data, str):
                why = f"Θ_{to_json(T)}: {data}"
                continue
            bound = fmpq(data.pop("_bound"))
            if enc_sup is not None:
                bound = max(bound, enc_sup)
            if T == 0:
                bound = max(bound, max(abs(q) for q in th0))
            data.update({"claim_certificate": "dying-neuron", "flow": flow, "theta0": [to_json(t) for t in th0],
                         "T": to_json(T), "Y_T": [[to_json(a), to_json(b)] for a, b in Y],
                         "c_bar": to_json(cbar), "sup_norm_bound": to_json(bound),
                         "kappa": None if kappa is None else to_json(kappa),
                         "enclosure_sup_upper": None if enc_sup is None else to_json(enc_sup)})
            ok, bad = recheck_dying(system, data)
            if not ok:
                why = f"the independent re-check failed: {bad}"
                continue
            data["recheck"] = "every inequality redone in Python fractions (f bounds on the strip per piece)"
            return data, bound, (f"dying-neuron certificate from Θ_{to_json(T)}: the active part (length ≤ "
                                 f"{float(ell):.3g}) shrinks monotonically; v moves ≤ {float(fmpq(data['delta_v'])):.3g}, "
                                 f"c ≤ {float(fmpq(data['delta_c'])):.3g} beyond its pull to ∫fp/∫p")
    return None, None, why


def _dying_region(system, flow, side, S, ell, fr, vT, cT, cbar, etas, q_lo, kappa):
    """The region and its inequalities (fmpq); a dict of the certificate's numbers or a reason string.
    c(t) − c̄ = e^{−2(∫p)(t−T)}e_T + (forcing of total size ≤ Δc), so c stays in
    [min(c_T, c̄) − Δc, max(c_T, c̄) + Δc]."""
    v0, v1 = vT
    c0, c1 = cT
    eta_v, eta_c = etas
    V = (v0 - eta_v * (abs(v0) + 1), v1 + eta_v * (abs(v1) + 1))
    C = (min(c0, cbar) - eta_c, max(c1, cbar) + eta_c)
    Vmax = max(abs(V[0]), abs(V[1]))
    if flow == "normalized":
        W = fmpq(1)
    else:
        if kappa + Vmax * Vmax <= 0:
            return "κ + v² ≤ 0 on the region"
        from .sublevel_trap import _sqrt_up

        W = _sqrt_up(kappa + Vmax * Vmax)
    sig = W * ell
    vs = [V[0] * x for x in (fmpq(0), sig)] + [V[1] * x for x in (fmpq(0), sig)]
    r_lo, r_hi = min(vs) + C[0] - fr[1], max(vs) + C[1] - fr[0]
    if V[0] > 0 and r_lo > 0:
        vmin, rmin = V[0], r_lo
    elif V[1] < 0 and r_hi < 0:
        vmin, rmin = -V[1], -r_hi
    else:
        return "v·r is not certified positive on the strip"
    dv = W * W * ell * ell / (2 * vmin * q_lo)
    dc = W * W * ell * ell / (2 * rmin * q_lo)
    if not (V[0] < v0 - dv and v1 + dv < V[1] and C[0] < min(c0, cbar) - dc and max(c1, cbar) + dc < C[1]):
        return "the moves of v and c do not fit in the region"
    bound = max(W, abs(v0 - dv), abs(v1 + dv), abs(min(c0, cbar) - dc), abs(max(c1, cbar) + dc))
    return {"side": side, "ell_T_upper": to_json(ell), "strip": [to_json(S[0]), to_json(S[1])],
            "v_range": [to_json(V[0]), to_json(V[1])], "c_range": [to_json(C[0]), to_json(C[1])],
            "f_range": [to_json(fr[0]), to_json(fr[1])], "W": to_json(W), "v_min": to_json(vmin),
            "r_min": to_json(rmin), "q_min": to_json(q_lo),
            "delta_v": to_json(dv), "delta_c": to_json(dc), "_bound": to_json(bound)}


def recheck_dying(system, data) -> tuple:
    """Re-derive the dying-neuron inequalities in Python fractions: the strip from Y_T, the f bounds on it
    (per piece), W from κ, m, Δv, Δc, the containments and the final bound."""
    from fractions import Fraction as Fr

    from ...numbers import parse_rational

    q = lambda s: parse_rational(s, "certificate")  # noqa: E731
    fr = lambda x: Fr(int(x.p), int(x.q))  # noqa: E731
    Y = [(fr(q(a)), fr(q(b))) for a, b in data["Y_T"]]
    (w0, w1), (b0, b1), (v0, v1), (c0, c1) = Y
    A, B = fr(system.A), fr(system.B)
    side = data["side"]
    if side == 1:
        if not w0 > 0:
            return False, "w > 0 not certified"
        xlo = min(-b1 / w0, -b1 / w1)
        S, ell = (xlo, B), B - xlo
    elif side == -1:
        if not w1 < 0:
            return False, "w < 0 not certified"
        xhi = max(-b0 / w0, -b0 / w1)
        S, ell = (A, xhi), xhi - A
    else:
        return False, "bad side"
    if not 0 < ell < B - A:
        return False, "ℓ_T"
    if [fr(q(x)) for x in data["strip"]] != list(S) or fr(q(data["ell_T_upper"])) < ell:
        return False, "the strip differs"
    fR = _range_on(system, q(data["strip"][0]), q(data["strip"][1]), 2)
    f_lo, f_hi = fr(q(data["f_range"][0])), fr(q(data["f_range"][1]))
    if fR is None or fr(fR[0]) < f_lo or fr(fR[1]) > f_hi:
        return False, "f bounds differ"
    V = [fr(q(x)) for x in data["v_range"]]
    C = [fr(q(x)) for x in data["c_range"]]
    Vmax = max(abs(V[0]), abs(V[1]))
    W = fr(q(data["W"]))
    flow = data.get("flow", "normalized")
    if flow == "normalized":
        if W != 1:
            return False, "W"
    else:
        kap = fr(q(data["kappa"]))
        th = [fr(q(t)) for t in data["theta0"]]
        if kap != th[0] ** 2 + th[1] ** 2 - th[2] ** 2 or W < 0 or W * W < kap + Vmax * Vmax:
            return False, "W² < κ + max v²"
    sig = W * ell
    vs = [V[0] * 0, V[0] * sig, V[1] * 0, V[1] * sig]
    r_lo, r_hi = min(vs) + C[0] - f_hi, max(vs) + C[1] - f_lo
    q_lo = 1 + min(x * y for x in S for y in S)
    if q_lo <= 0:
        return False, "1 + x_0x"
    if V[0] > 0 and r_lo > 0:
        vmin, rmin = V[0], r_lo
    elif V[1] < 0 and r_hi < 0:
        vmin, rmin = -V[1], -r_hi
    else:
        return False, "v·r not positive"
    if vmin < fr(q(data["v_min"])) or rmin < fr(q(data["r_min"])) or q_lo < fr(q(data["q_min"])):
        return False, "v_min, r_min or q_min"
    dv = W * W * ell * ell / (2 * vmin * q_lo)
    dc = W * W * ell * ell / (2 * rmin * q_lo)
    if dv > fr(q(data["delta_v"])) or dc > fr(q(data["delta_c"])):
        return False, "Δv or Δc too small"
    cbar = fr(q(data["c_bar"]))
    from .sublevel_trap import frac_moments

    mo = frac_moments(system, system.A, system.B)
    if mo[0] <= 0 or cbar != mo[3] / mo[0]:
        return False, "c̄ ≠ ∫fp/∫p"
    lo_c, hi_c = min(c0, cbar) - dc, max(c1, cbar) + dc
    if not (V[0] < v0 - dv and v1 + dv < V[1] and C[0] < lo_c and hi_c < C[1]):
        return False, "containment"
    top = max(W, abs(v0 - dv), abs(v1 + dv), abs(lo_c), abs(hi_c))
    if fr(q(data["sup_norm_bound"])) < top:
        return False, "the bound"
    return True, ""
