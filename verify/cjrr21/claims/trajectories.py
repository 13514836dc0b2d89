"""cjrr21 claims 11–18: GD, gradient-flow and SGD trajectories Θ_0, Θ_1, ….

* 11–14. gd-lyapunov-decrease, gd-bounded, gd-summable, gd-minrate [DERIVED]: finite-horizon
  certificates for Θ_{n+1} = Θ_n − γ_n𝒢(Θ_n) with 0 < γ_n ≤ γ̄ (``gd_trajectory``: exact, rounded
  to a dyadic grid with the V-changes δ_k carried, or balls; P6 drops the step bound);
* 15. gd-risk-to-zero [ABSTRACT]: ℒ(Θ_n) → 0 for a constant step, HOLDS from the sublevel-region
  certificate of `asymptotic` (at Θ_0: the [DERIVED] theorem with its hypothesis certified; or after m
  exact GD steps), refuted by a certified periodic orbit with positive risk (P7: γ = 1/λ);
* 16. gf-lyapunov-integral [DERIVED]: V(Θ_t) + 8∫_0^t ℒ(Θ_s) ds = V(Θ_0) along gradient flow, HOLDS by
  the [DERIVED] theorem (the identity of claim 2 re-checked exactly at GD iterates; the telescoped
  discrete identity as evidence; enclosures of the flow by `verify.flows` on params.T or the default
  horizon as a consistency check);
* 17. sgd-sure-decrease [DERIVED]: V(Θ_n) ≤ V(Θ_{n−1}) − 4γr² on every sample path, γ ≤ γ̄ with λ := 1;
* 18. pure-bias-dynamics [DERIVED]: 𝔠_{n+1} − ξ = (1 − 2γλ)(𝔠_n − ξ) when the hidden parameters are 0.
"""

from __future__ import annotations

from flint import arb, fmpq

from ...framework import Evaluation, Hypothesis, Relation, Status, relation, undecidable
from ...errors import InputError, SoundnessError
from ...nets import Network
from ...numbers import EXACT, Undecided, parse_number, parse_rational, sign, sum_squares, to_json
from ...problems import per_sample_gradient
from .common import (MAX_STEPS, K, V, _all_zero, _ball_ctx, _Budget, _gamma, _int_param, _Iterates, _lam_M,
                     _need_measure, _norm2, _parse_points, _points, _rg, _rounded_out, _setup, _short, gamma_bar)


# --------------------------------------------------------------------------------------------
# 11-14. finite-horizon GD certificates


def _gammas(ev: Evaluation, N, default):
    """γ_0, …, γ_N (one more than the steps, for the current-index variant)."""
    raw = ev.inst.params.get("gammas")
    if raw is not None:
        if not isinstance(raw, list) or len(raw) < N + 1:
            raise InputError(f"gammas must list at least {N + 1} step sizes (γ_0..γ_N)", "params.gammas")
        return [parse_number(g, f"params.gammas[{k}]") for k, g in enumerate(raw)]
    g = ev.param("gamma", default)
    return [g] * (N + 1)


def gd_trajectory(ev: Evaluation, N: int, **how):
    """Θ_0..Θ_N with ℒ, 𝒢 at Θ_0..Θ_{N−1} and V at Θ_0..Θ_N; exact, exact until the iterates pass
    `EXACT_GD_BITS` bits and then rounded to 2^-64 (the default up to 3 steps), rounded to a dyadic
    grid after each step (params.rounding_bits; the default past 3 steps), with the V-change δ_k of
    each rounding recorded, or balls (``_Iterates``; ``how``: its ``exact_why`` and ``hint`` for a
    claim that keeps the iterates exact by itself).

    ``exact_upto`` = m: Θ_0..Θ_m are the GD iterates themselves (no rounding changed them);
    ``stop``: the reason the run ended before N steps (the work budget `WORK_LIMIT`, the coordinate
    limit `MAX_COORD_BITS`, or the size limit `MAX_EXACT_BITS` of an exact run), or None."""
    net, xi, s, hyps = _setup(ev)
    lam, M = _lam_M(ev)
    V0 = V(net.theta, xi)
    gbar = gamma_bar(V0, lam, net.d, M)
    gammas = _gammas(ev, N, gbar)
    current = ev.variants.get("gd") == "current"
    its = _Iterates(ev, N, **how)
    its.start(net.theta)
    nets, Ls, Gs, used, deltas, Vs = [net], [], [], [], [], [V0]
    exact_upto, stop = N, None
    budget = _Budget(ev, net.H + 1)
    for n in range(N):
        stop = budget.charge(nets[-1].theta, n)
        if stop:
            break
        L, G = _rg(ev, nets[-1], s)
        g = gammas[n + 1] if current else gammas[n]
        image = [t - g * gk for t, gk in zip(nets[-1].theta, G)]
        stop = its.check(image, n)
        if stop:  # step n's relations need V of the image: not computed
            break
        th = its.next(image, n)
        V_image = V(image, xi)
        if th is image:
            V_th, delta = V_image, 0
        else:
            if th != image and exact_upto == N:
                exact_upto = n  # Θ_{n+1} is the rounded image of the GD step from Θ_n
            V_th = V(th, xi)
            delta = V_th - V_image
        Ls.append(L)
        Gs.append(G)
        used.append(g)
        deltas.append(delta)
        Vs.append(V_th)
        nets.append(net.with_theta(th))
    if stop:
        exact_upto = min(exact_upto, len(Ls))
    ev.record("V(Θ_n)", Vs)
    ev.record("ℒ(Θ_n)", Ls)
    ev.notes.append(its.mode_note(len(Ls)))
    ev.engines.add(its.engine())
    if its.rounds:
        ev.notes.append(f"iterates rounded to the dyadic grid 2^-{its.bits} from Θ_{its.first} on; the certificate "
                        "covers the rounded trajectory, with the V-change of each rounding carried as δ_k (V(Θ_0) + "
                        "Σδ⁺ in place of V(Θ_0)); a relation at an iterate past Θ_"
                        f"{exact_upto} (the last exact GD iterate) is about that rounded sequence, and its failure "
                        "is reported UNKNOWN, not VIOLATED")
    return dict(nets=nets, L=Ls, G=Gs, gammas=used, deltas=deltas, V=Vs, xi=xi, s=s, hyps=hyps, lam=lam, M=M,
                gbar=gbar, V0=V0, exact_upto=exact_upto, stop=stop, N=N, bits=its.bits if its.rounds else None)


def _on_trajectory(tr, k: int, rel: Relation) -> Relation:
    """``rel`` involves the iterates Θ_0..Θ_k: a failure is certified only if they are exact GD
    iterates."""
    if k <= tr["exact_upto"]:
        return rel
    return _rounded_out(rel, f"involves Θ_{k}, an iterate rounded to the grid 2^-{tr['bits']}: not a GD "
                             "iterate; rerun with rounding_bits: null to decide")


def _all_le(pairs) -> bool | None:
    """Certified: 0 < g ≤ bound for every (g, bound); None if some comparison is undecided."""
    out = True
    for g, bound in pairs:
        s1, s2 = sign(g), sign(bound - g)
        if s1 is None or s2 is None:
            out = None
            continue
        if s1 != 1 or s2 < 0:
            return False
    return out


def _step_hypothesis(ev, tr, which="step"):
    mode = ev.variants.get("step", "derived")
    gs = tr["gammas"]
    if mode == "derived":
        ok = _all_le((g, tr["gbar"]) for g in gs)
        return Hypothesis("0 < γ_n ≤ γ̄ for all n (γ̄ our derived constant, not the paper's)", ok,
                          f"γ̄ = {_short(tr['gbar'])}")
    if mode == "local":
        ks = [K(n, tr["lam"], tr["M"]) for n in tr["nets"][:len(gs)]]
        ok = _all_le((g, 4 / k) for g, k in zip(gs, ks))  # K(θ) ≥ 8λ > 0
        return Hypothesis("0 < γ_n ≤ 4/K(Θ_n) for all n", ok)
    bound = ev.param("step_bound")
    if bound is None:
        raise InputError("variant @step-paper needs params.step_bound (the paper's constant)", "params.step_bound")
    ok = _all_le((g, bound) for g in gs)
    ev.notes.append(f"@step-paper: the step hypothesis is the user's constant params.step_bound = {to_json(bound)}; "
                    "a VIOLATED verdict refutes that user-supplied constant (the statement with it), not the "
                    "paper's theorem, whose constant is unknown, nor our γ̄")
    return Hypothesis(f"0 < γ_n ≤ {to_json(bound)} (user's constant params.step_bound, not the paper's)", ok)


def _steps(ev, default=20):
    return int(ev.param("steps", default, parse=lambda v, w: _int_param(v, w, 1, MAX_STEPS)))


def eval_gd(ev: Evaluation, which: str, step_hypothesis=True):
    _need_measure(ev)
    N = _steps(ev)
    tr = gd_trajectory(ev, N)
    hyps = list(tr["hyps"])
    if step_hypothesis:
        hyps.append(_step_hypothesis(ev, tr))
    else:  # the mutant's statement is about positive steps only
        pos = [sign(g) for g in tr["gammas"]]
        hyps.append(Hypothesis("γ_n > 0 for all n", False if any(t in (0, -1) for t in pos) else
                               (None if None in pos else True),
                               "" if all(t == 1 for t in pos) else "outside the statement's scope: a step γ_n ≤ 0"))
    xi, nets = tr["xi"], tr["nets"]
    Nc = len(tr["L"])  # steps computed
    Vs = tr["V"]
    slack = 0
    rels = []
    for n in range(Nc):
        pre = Vs[n + 1] - tr["deltas"][n]  # V of the unrounded step
        if which == "decrease":
            rels.append(_on_trajectory(tr, n, relation(f"V(Θ_{n + 1}) ≤ V(Θ_{n}) − 4γ_{n}ℒ(Θ_{n})", pre, "≤",
                                                       Vs[n] - 4 * tr["gammas"][n] * tr["L"][n])))
        elif which == "nonincreasing":
            rels.append(_on_trajectory(tr, n, relation(f"V(Θ_{n + 1}) ≤ V(Θ_{n})", pre, "≤", Vs[n])))
        slack = slack + (tr["deltas"][n] if sign(tr["deltas"][n]) == 1 else 0)
    Vmax = Vs[0] + slack  # ≥ V(Θ_0): relations on exact iterates stay (weaker) statements of the theorem
    if which == "bounded":
        for n in range(Nc + 1):
            rels.append(_on_trajectory(tr, n, relation(f"‖Θ_{n}‖² ≤ V(Θ_{n}) ≤ V(Θ_0) + Σδ⁺",
                                                       _norm2(nets[n].theta), "≤", Vs[n])))
            rels.append(_on_trajectory(tr, n, relation(f"V(Θ_{n}) ≤ V(Θ_0) + Σδ⁺ (n = {n})", Vs[n], "≤", Vmax)))
    if which in ("summable", "minrate"):
        total, gsum = 0, 0
        for n in range(Nc):
            total = total + tr["gammas"][n] * tr["L"][n]
            gsum = gsum + tr["gammas"][n]
            if which == "summable":
                rel = relation(f"Σ_(k<{n + 1}) γ_kℒ(Θ_k) ≤ (V(Θ_0) + Σδ⁺ − 2ξ²)/4", total, "≤",
                               (Vmax - 2 * xi * xi) / 4)
            elif sign(gsum) == 1:
                rel = relation(f"min_(k<{n + 1}) ℒ(Θ_k) ≤ (V(Θ_0) + Σδ⁺ − 2ξ²)/(4Σγ_k)",
                               _certified_min(tr["L"][:n + 1]), "≤", (Vmax - 2 * xi * xi) / (4 * gsum))
            else:  # outside the step hypothesis (γ_k > 0), or undecided: no bound to compare with
                rel = undecidable(f"min_(k<{n + 1}) ℒ(Θ_k) ≤ (V(Θ_0) + Σδ⁺ − 2ξ²)/(4Σγ_k)",
                                  "Σγ_k is not certified > 0")
            rels.append(_on_trajectory(tr, n, rel))
    if tr["stop"]:
        rels.append(undecidable(f"steps {Nc}..{N - 1}", tr["stop"]))
    return rels, hyps


def _certified_min(xs):
    """min of exact numbers exactly; of balls as an enclosure (arb.min)."""
    out = xs[0]
    for x in xs[1:]:
        if isinstance(out, fmpq) and isinstance(x, fmpq):
            out = x if x < out else out
        else:
            out = arb(out).min(arb(x))
    return out


# --------------------------------------------------------------------------------------------
# 15, 16. asymptotic statements


def _constant_step(ev: Evaluation, gbar):
    """The constant step γ (params.gamma, default γ̄), or None for a ``gammas`` list (its continuation
    past the list is unspecified, so no statement about all n ≥ 0 rests on it)."""
    if "gammas" in ev.inst.params:
        return None
    return ev.param("gamma", gbar)


def _risk_hypothesis(ev, step_rule, gamma, gbar, lam, cert):
    """The step hypothesis of claim 15 for the constant step γ when a region certificate decided: the
    ``step`` variant's rule, or γ ≤ 1/λ (mutant P7)."""
    if step_rule != "derived":
        return Hypothesis("0 < γ_n ≤ 1/λ for all n", _all_le([(gamma, 1 / lam)]), f"λ = {lam}")
    mode = ev.variants.get("step", "derived")
    if mode == "local":  # K(Θ_n) ≤ 4λ[(1 + dM²)V(Θ_m) + 2] ≤ 4/γ for n ≥ m on R
        ok = True if cert.m == 0 else None
        return Hypothesis("0 < γ_n ≤ 4/K(Θ_n) for all n", ok, "implied for n ≥ "
                          f"{cert.m} by the region certificate (K(θ) ≤ 4λ[(1 + dM²)V(θ) + 2] ≤ 4/γ on R)")
    tr = {"gammas": [gamma], "gbar": gbar, "lam": lam, "nets": []}
    return _step_hypothesis(ev, tr)


def eval_risk_to_zero(ev: Evaluation, step_rule="derived"):
    """ℒ(Θ_n) → 0 for a constant step γ: HOLDS from a region certificate (`asymptotic`) -- at Θ_0
    (the [DERIVED] theorem with γ ≤ γ̄ certified on the instance), at an exact GD iterate Θ_m
    reached after m certified steps, or at a ball GD iterate past them (`_ball_entry`); VIOLATED
    from a certified periodic orbit with positive risk (exact GD, a repeat Θ_n = Θ_m under one
    constant step, never a ``gammas`` list, whose continuation past the list is unspecified);
    otherwise UNKNOWN."""
    from .asymptotic import certificate_relations, certify_region

    _need_measure(ev)
    net, xi, s, hyps0 = _setup(ev)
    lam, M = _lam_M(ev)
    gbar = gamma_bar(V(net.theta, xi), lam, net.d, M)
    gamma = _constant_step(ev, gbar)
    if gamma is not None and sign(gamma) is not None:
        cert = certify_region(0, net.theta, xi, gamma, lam, M, net.d)
        if cert is not None:
            hyp = _risk_hypothesis(ev, step_rule, gamma, gbar, lam, cert)
            return certificate_relations(ev, cert, "theorem route (at Θ_0)"), hyps0 + [hyp]
    _need_measure(ev)
    if not (ev.exact and ev.inst.is_exact()):
        raise Undecided("the periodic-orbit search runs in exact arithmetic only")
    N = _steps(ev, 6)
    ev.inst = ev.inst.replace(params={**ev.inst.params, "rounding_bits": None})
    tr = gd_trajectory(ev, N, exact_why="the periodic-orbit search compares exact iterates",
                       hint="use fewer steps (this claim never rounds)")
    hyps = list(tr["hyps"])
    if step_rule == "derived":
        hyps.append(_step_hypothesis(ev, tr))
    else:
        lam = tr["lam"]
        hyps.append(Hypothesis("0 < γ_n ≤ 1/λ for all n", _all_le((g, 1 / lam) for g in tr["gammas"]), f"λ = {lam}"))
    nets = tr["nets"]
    seen = {}
    constant_steps = "gammas" not in ev.inst.params and all(g == tr["gammas"][0] for g in tr["gammas"])
    if constant_steps:  # region entry after m exact GD steps (every iterate of this run is exact)
        for m in range(1, len(tr["V"])):
            cert = certify_region(m, nets[m].theta, xi, tr["gammas"][0], tr["lam"], tr["M"], net.d)
            if cert is not None:
                rels = certificate_relations(ev, cert, f"region-entry route (after {m} exact GD steps)")
                rels.append(_iterate_recheck(ev, tr, m))
                return rels, hyps
    for n, net in enumerate(nets[:len(tr["L"])] if constant_steps else []):
        key = tuple(net.theta)
        if key in seen:
            m = seen[key]
            Lm = tr["L"][m]
            return [relation(f"no periodic orbit with positive risk (Θ_{n} = Θ_{m} under the constant step "
                             f"γ = {to_json(tr['gammas'][0])}, so ℒ(Θ_k) = ℒ(Θ_{m}) infinitely often; "
                             "ℒ(Θ_{m}) > 0 keeps ℒ(Θ_n) away from 0)", Lm, "=", 0)], hyps
        seen[key] = n
    why = f"no periodic orbit within {len(tr['L'])} steps" if constant_steps else \
        "no periodic-orbit test: the steps are not one constant γ"
    if constant_steps and not any(h.holds is False for h in hyps):  # (vacuous otherwise: no search)
        rels = _ball_entry(ev, tr, tr["nets"][0], xi)  # from Θ_0 (``net`` was rebound by the loop above)
        if isinstance(rels, list):
            return rels, hyps
        why += f"; {rels}"
    rels = [undecidable("lim ℒ(Θ_n) = 0", f"asymptotic: no finite run certifies it; ℒ(Θ_{len(tr['L']) - 1}) = "
                        f"{_short(tr['L'][-1])}, ℒ(Θ_0) = {_short(tr['L'][0])}; {why}")] if tr["L"] else []
    if tr["stop"]:
        rels.append(undecidable(f"steps {len(tr['L'])}..{N - 1}", tr["stop"]))
    return rels, hyps


def _ball_entry(ev: Evaluation, tr, net, xi):
    """Region entry along ball GD at 128 bits (`asymptotic.ball_region_entry`), re-checked at 256 bits at
    the same index: the relations, or the reason it failed."""
    from .asymptotic import DEFAULT_REGION_STEPS, ball_region_entry

    steps = int(ev.param("region_steps", DEFAULT_REGION_STEPS, parse=lambda v, w: _int_param(v, w, 0, MAX_STEPS)))
    if steps == 0:
        return "no ball region-entry search (region_steps = 0)"
    gamma, lam, M, s = tr["gammas"][0], tr["lam"], tr["M"], tr["s"]
    found, why = ball_region_entry(ev, net, xi, gamma, lam, M, s, steps, 128)
    if found is None:
        return why
    m, vbar, load = found
    again, why2 = ball_region_entry(ev, net, xi, gamma, lam, M, s, steps, 256, upto=m)
    name = (f"certificate of lim ℒ(Θ_n) = 0 (ball region-entry route, after {m} GD steps in Arb balls at 128 bits, "
            f"which contain the GD iterates): γ·λ[(1 + dM²)(V̄ − 2ξ²) + 2] ≤ 1 with V̄ ≥ V(Θ_{m}) the upper end of "
            f"the ball of V(Θ_{m}), so R = {{V ≤ V̄}} ∋ Θ_{m} is forward-invariant and Σ_(n≥{m}) ℒ(Θ_n) ≤ "
            "(V̄ − 2ξ²)/(4γ) ([DERIVED] Lemma R, proofs_notes/cjrr21.md#gd-risk-to-zero)")
    rels = [relation(name, load, "≤", fmpq(1)), relation("γ > 0 (the constant step)", gamma, ">", fmpq(0))]
    if again is None:
        rels.append(undecidable(f"independent re-check at 256 bits (Θ_{m})", why2))
    else:
        rels.append(relation(f"independent re-check: the same at Θ_{m} from GD in Arb balls at 256 bits",
                             again[2], "≤", fmpq(1)))
    ev.notes.append(f"decided by the ball region-entry route (after {m} ball GD steps): V(Θ_{m}) ≤ V̄ = "
                    f"{_short(vbar)}, load {_short(load)} ≤ 1; certified bound Σ_(n≥{m}) ℒ(Θ_n) ≤ "
                    f"{_short((vbar - 2 * xi * xi) / (4 * gamma))} (Lemma R applied with its hypothesis certified "
                    "on the instance; says nothing about the paper's constant)")
    ev.engines.add("region-certificate-ball128+ball256")
    return rels


def _iterate_recheck(ev: Evaluation, tr, m: int) -> Relation:
    """Independent re-check that the exact Θ_m of the run is the GD iterate: GD from Θ_0 in Arb balls at
    256 bits (another number system; the balls contain the GD iterates) and the exact Θ_m inside the
    ball iterate, coordinate by coordinate."""
    from ...numbers import precision

    ev2 = Evaluation(ev.inst, ev.variants, 256)
    s, net = tr["s"], tr["nets"][0]
    gamma = tr["gammas"][0]
    name = f"independent re-check: Θ_{m} lies in the ball GD iterate (Arb, 256 bits) from Θ_0"
    try:
        with precision(256):
            cur = net.with_theta([arb(t) for t in net.theta])
            for _ in range(m):
                _, G = _rg(ev2, cur, s)
                cur = cur.with_theta([t - gamma * g for t, g in zip(cur.theta, G)])
            meets = all(b.overlaps(arb(t)) for b, t in zip(cur.theta, tr["nets"][m].theta))
            width = max((b.rad() for b in cur.theta), default=arb(0))
    except Undecided as e:
        return undecidable(name, f"no ball GD path here: {e}")
    if not meets:
        raise SoundnessError(f"cjrr21.gd-risk-to-zero: the exact GD iterate Θ_{m} lies outside its ball enclosure")
    return relation(name, fmpq(1), "=", fmpq(1), note=f"every exact coordinate meets its ball (radii ≤ {width})")


def eval_gf_integral(ev: Evaluation):
    _need_measure(ev)
    N = _steps(ev, 3)
    params = dict(ev.inst.params)  # a copy: the caller's instance must not change
    if "gamma" not in params and "gammas" not in params:
        params["gamma"] = "1/100000000"
    exact = params.setdefault("rounding_bits", None) is None
    ev.inst = ev.inst.replace(params=params)
    tr = gd_trajectory(ev, N, **({"exact_why": "params.rounding_bits: null, this claim's default",
                                  "hint": "give params.rounding_bits, or use fewer steps"} if exact else {}))
    Nc = len(tr["L"])
    lhs = tr["V"][-1] + 8 * sum((g * L for g, L in zip(tr["gammas"], tr["L"])), fmpq(0))
    rhs = tr["V"][0] + sum((g ** 2 * (_norm2(G) + G[-1] ** 2) for g, G in zip(tr["gammas"], tr["G"])), fmpq(0))
    rhs = rhs + sum(tr["deltas"], fmpq(0))
    # evidence, not the statement: its failure would refute claim 9 at some Θ_k, not the flow
    rels = [_rounded_out(relation(f"evidence: V(Θ_N) + 8Σγ_kℒ(Θ_k) = V(Θ_0) + Σγ_k²(‖𝒢‖² + 𝒢_𝔡²) + Σδ_k "
                                  f"(N = {Nc} GD steps, telescoped claim 9)", lhs, "=", rhs),
                         "the discrete identity is evidence about GD, not a statement about the flow")]
    if tr["stop"]:  # evidence only: the theorem route decides without it
        ev.notes.append(f"evidence steps {Nc}..{N - 1} not computed: {tr['stop']}")
    # the [DERIVED] theorem: its hypotheses are the scope (tr["hyps"]); the identity it rests on, re-checked
    # exactly at the computed iterates (an equality: exact arithmetic only)
    rels += _gf_theorem(ev, tr)
    T = ev.param("T", None, parse=parse_rational)
    if T is None:
        from .asymptotic import default_horizon

        T = default_horizon(tr["gbar"])
        ev.notes.append(f"flow enclosure on the default horizon T = min(γ̄, 1/16) = {to_json(T)} (params.T absent)")
    rels += _gf_enclosure(ev, tr, T, explicit="T" in ev.inst.params)
    return rels, tr["hyps"]


def _gf_theorem(ev: Evaluation, tr) -> list:
    """The theorem route of claim 16 (`asymptotic` module doc): V(Θ_t) + 8∫ℒ = V(Θ_0) along every
    solution because ⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) at every θ (claim 2); the identity is re-checked exactly
    at Θ_0..Θ_(N−1) (in balls it cannot certify an equality: UNKNOWN)."""
    from .common import grad_V

    name = ("[DERIVED] theorem (proofs_notes/cjrr21.md#gf-lyapunov-integral): along every gradient-flow solution "
            "d/dt V(Θ_t) = −⟨∇V, 𝒢⟩(Θ_t) = −8ℒ(Θ_t) a.e., as ⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ) at every θ; the identity "
            "re-checked exactly at Θ_{k}")
    rels = []
    for k, (net, L, G) in enumerate(zip(tr["nets"], tr["L"], tr["G"])):
        gv = grad_V(net.theta, tr["xi"])
        rels.append(relation(name.replace("{k}", str(k)), sum((a * b for a, b in zip(gv, G)), fmpq(0)), "=", 8 * L))
    m = ev.inst.measure
    if ev.exact and tr["L"] and m.d == 1 and not hasattr(m, "points"):
        # another engine: E1g (per-piece polynomial back-propagation) at Θ_0
        ev2 = Evaluation(ev.inst, ev.variants, None, independent=True)
        net0, s = tr["nets"][0], tr["s"]
        rg = ev2.risk_grad(net0)
        gv = grad_V(net0.theta, tr["xi"])
        rels.append(relation("independent re-check of the identity at Θ_0 (engine E1g): ⟨∇V, 𝒢⟩ = 8ℒ",
                             sum((a * s * b for a, b in zip(gv, rg.G)), fmpq(0)), "=", 8 * s * rg.L))
        ev.engines.update(e + " (re-check)" for e in ev2.engines)
    if ev.exact and rels and all(r.status == Status.HOLDS for r in rels):
        ev.notes.append("decided by the theorem route: the hypotheses of the [DERIVED] theorem (one hidden layer, "
                        "constant target, a finite measure with bounded support) are certified on the instance; the "
                        "flow enclosure is a consistency check")
    return rels


def _gf_enclosure(ev: Evaluation, tr, T, explicit=True) -> list:
    """The flow form on [0, T] from a certified enclosure of the standard flow (`verify.flows`; the
    same stepper as ejrw22): d/dt V(Θ_t) = −⟨∇V, 𝒢⟩ = −8ℒ(Θ_t) a.e. (claim 9 holds at every θ), so the
    box enclosure of V(Θ_T) must meet V(Θ_0) − 8Σ_n h_n ℒ(X_n) (Θ_t ∈ X_n on step n).  A consistency check
    of the theorem route: meeting enclosures are a HOLDS relation "the enclosures meet" (never a
    certificate of the equality by themselves), disjoint ones with every box regular are VIOLATED (a
    certified contradiction), and whatever the enclosure cannot decide (not applicable, a run stopped
    before T, a box at the singular set) is a note, not a relation."""
    from ...flows import FlowSystem
    from ...numbers import square_enclosure
    from ...numbers import ball_gap, precision
    from ...problems import Constant, Empirical
    from .asymptotic import default_flow_steps

    net, xi, s = tr["nets"][0], tr["xi"], tr["s"]
    if T <= 0:
        raise InputError(f"the horizon T must be > 0, got {to_json(T)}", "params.T")
    if net.d != 1 or s != 1 or isinstance(ev.inst.measure, Empirical) or not ev.exact:
        ev.notes.append("no flow enclosure: it needs d = 1, a density measure, ℒ with s = 1 and exact data")
        return []
    max_steps = int(ev.param("max_steps", 4000 if explicit else default_flow_steps(net.H), parse=parse_rational))
    if max_steps <= 0:
        ev.notes.append(f"no flow enclosure: max_steps = {max_steps} (the default is 1600/H² past H = 2)")
        return []
    system = FlowSystem(Constant(xi), ev.inst.measure, net.H)
    enc = system.enclose(net.theta, T, "standard", max_steps=max_steps)
    with precision(enc.prec):
        VT = sum((square_enclosure(y) for y in enc.final), arb(0)) + square_enclosure(enc.final[-1] - 2 * xi)
        energy = arb(V(net.theta, xi))
        for st in enc.steps:
            energy -= 8 * arb(st.t1 - st.t0) * system._risk_box(st.X).nonnegative_part()
    gap = ball_gap(VT, energy)
    where = f"T = {to_json(enc.t_reached)}, {len(enc.steps)} certified steps"
    if not enc.complete:
        ev.notes.append(f"the flow enclosure stopped at t = {to_json(enc.t_reached)} < T = {to_json(T)}: {enc.reason}")
    if gap is None:
        ev.notes.append("flow enclosure: an enclosure is not finite (no consistency check)")
        return []
    regular = all(_regular_box(st.X, net) for st in enc.steps)
    if gap == 0:
        return [relation(f"consistency check: the certified enclosures of V(Θ_T) and V(Θ_0) − 8∫₀ᵀℒ(Θ_s)ds meet "
                         f"(every gradient-flow solution, {where}; the theorem requires it)", gap, "=", fmpq(0))]
    if not regular:
        ev.notes.append(f"flow enclosure: the enclosures are disjoint (gap ≥ {to_json(gap)}) but some box meets the "
                        "singular set (𝔴_i, 𝔟_i) = 0, where the existence of a solution inside it is not certified")
        return []
    # every solution stays in the boxes (verify.flows, step 1), and boxes inside the regular set
    # contain one (the field is locally Lipschitz there): it would violate the identity
    return [relation(f"enclosures of V(Θ_T) and V(Θ_0) − 8∫₀ᵀℒ(Θ_s)ds meet (gap = 0; every gradient-flow "
                     f"solution, {where})", gap, "=", fmpq(0))]


def _regular_box(X, net: Network) -> bool:
    """Certified: no point of the box X has (𝔴_i, 𝔟_i) = (0, 0) for any neuron (d = 1)."""
    H = net.H
    return all(sign(X[i]) not in (0, None) or sign(X[H + i]) not in (0, None) for i in range(H))


# --------------------------------------------------------------------------------------------
# 17. SGD


def _samples(ev: Evaluation, net: Network):
    """Batches of sample points: params.batches (list of lists of points) or params.samples
    (one point per step), else one step per support point."""
    raw = ev.inst.params.get("batches")
    if raw is None:
        single = ev.inst.params.get("samples")
        if single is None:
            return [[p] for p in _points(ev, net)]
        raw = [[p] for p in single] if isinstance(single, list) else single
    if not isinstance(raw, list) or not raw:
        raise InputError("batches must be a non-empty list of lists of points", "params.batches")
    return [_parse_points(batch, net.d, f"params.batches[{k}]") for k, batch in enumerate(raw)]


def eval_sgd(ev: Evaluation):
    net, xi, s, hyps = _setup(ev)
    deriv0 = ev.variants["deriv0"]
    batches = _samples(ev, net)
    if ev.variants.get("sgd") == "single" and any(len(b) > 1 for b in batches):
        raise InputError("batches of more than one sample need the variant @sgd-minibatch", "params.batches")
    M = max(abs(t) for b in batches for p in b for t in p)
    if ev.inst.measure is not None:
        M = max(M, ev.inst.measure.coordinate_bound())
    d = net.d
    gbar = gamma_bar(V(net.theta, xi), 1, d, M)
    gamma = _gamma(ev, gbar)
    hyps.append(Hypothesis("0 < γ ≤ γ̄ with λ := 1", _all_le([(gamma, gbar)]),
                           f"γ̄ = {_short(gbar)}"))
    ctx = EXACT if ev.exact else _ball_ctx(ev)
    its = _Iterates(ev, len(batches), "SGD")
    its.start(net.theta)
    rels = []
    cur = net
    Vs = [V(net.theta, xi)]
    exact_path = True  # cur is the SGD iterate itself (no rounding has changed it)
    budget = _Budget(ev, 1)
    for n, batch in enumerate(batches):
        budget.per_step = len(batch)  # one pointwise gradient per sample
        stop = budget.charge(cur.theta, n)
        if stop:
            rels.append(undecidable(f"SGD steps {n + 1}..{len(batches)}", stop))
            break
        gs, rs = [], []
        for x in batch:
            g, r = per_sample_gradient(cur, ev.inst.target, x, ctx, deriv0)
            gs.append([s * t for t in g])
            rs.append(r)
            kk = 4 * r * r * ((1 + d * M * M) * (sum_squares(cur.theta) - cur.theta[-1] ** 2) + 2)
            rels.append(relation(f"step {n + 1}: ‖g‖² + g_𝔡² ≤ 4r²[(1 + dM²)(‖θ‖² − θ_𝔡²) + 2] at x = "
                                 f"({', '.join(map(str, x))})", sum_squares(gs[-1]) + gs[-1][-1] ** 2, "≤", s * s * kk))
        k = len(batch)
        gbar_vec = [sum((g[i] for g in gs), 0) / k for i in range(len(cur.theta))]
        r2 = sum((s * r * r for r in rs), 0) / k
        new = [t - gamma * g for t, g in zip(cur.theta, gbar_vec)]
        stop = its.check(new, n)
        if stop:
            rels.append(undecidable(f"SGD steps {n + 1}..{len(batches)} (expansion and decrease)", stop))
            break
        V0, V1 = V(cur.theta, xi), V(new, xi)
        rels.append(relation(f"step {n + 1}: V(Θ_n) = V(Θ_n−1) − 8γ·mean(r²) + γ²(‖ḡ‖² + ḡ_𝔡²)", V1, "=",
                             V0 - 8 * gamma * r2 + gamma ** 2 * (sum_squares(gbar_vec) + gbar_vec[-1] ** 2)))
        dec = relation(f"step {n + 1}: V(Θ_n) ≤ V(Θ_n−1) − 4γ·mean(r²)", V1, "≤", V0 - 4 * gamma * r2)
        # the decrease rests on V(Θ_{n−1}) ≤ V(Θ_0) (induction along the exact path); the
        # per-sample bound and the expansion hold at every θ
        rels.append(dec if exact_path else _rounded_out(
            dec, f"Θ_{n} was rounded to the grid 2^-{its.bits}: not an SGD iterate; rerun with rounding_bits: null"))
        Vs.append(V1)
        rounded = its.next(new, n)
        exact_path = exact_path and rounded == new
        cur = cur.with_theta(rounded)
    ev.notes.append(its.mode_note(len(Vs) - 1))
    if its.rounds and len(batches) > 1:
        ev.notes.append(f"the iterate is rounded to the dyadic grid 2^-{its.bits} before each next step from "
                        f"Θ_{its.first} on; the per-sample bound and the expansion are about one step from the point "
                        "they name, so each is certified exactly; the decrease at a rounded iterate rests on the "
                        "induction along the SGD path, so its failure there is UNKNOWN, not VIOLATED")
    ev.record("V(Θ_n)", Vs)
    ev.engines.add("pointwise-" + ("exact" if ev.exact else f"ball{ev.prec}"))
    ev.engines.add(its.engine())
    return rels, hyps


# --------------------------------------------------------------------------------------------
# 18. pure-bias dynamics


def eval_pure_bias(ev: Evaluation):
    _need_measure(ev)
    net, xi, s, hyps = _setup(ev)
    hidden_zero = _all_zero(net.theta[:-1])
    hyps.append(Hypothesis("all hidden parameters are 0", hidden_zero))
    lam, _ = _lam_M(ev)
    gamma = _gamma(ev, 1 / lam)
    N = _steps(ev, 6)
    factor = 1 - 2 * s * gamma * lam
    cur = net
    rels = []
    budget = _Budget(ev, net.H + 1)
    for n in range(1, N + 1):
        stop = budget.charge(cur.theta, n - 1)
        if stop:
            rels.append(undecidable(f"steps {n}..{N}", stop))
            break
        _, G = _rg(ev, cur, s)
        cur = cur.with_theta([t - gamma * g for t, g in zip(cur.theta, G)])
        rels.append(relation(f"𝔠_{n} − ξ = (1 − 2sγλ)^{n}(𝔠_0 − ξ)", cur.c - xi, "=", factor ** n * (net.c - xi)))
        rels.append(relation(f"hidden parameters of Θ_{n} are 0", sum_squares(cur.theta[:-1]), "=", 0))
    conv, crit = sign(1 - abs(factor)), sign(1 / (s * lam) - gamma)
    if conv is not None and crit is not None and sign(gamma) is not None:
        crit_ok = sign(gamma) == 1 and crit == 1
        rels.append(relation("[|1 − 2sγλ| < 1] ⇔ [0 < γ < 1/(sλ)]", fmpq(int((conv == 1) == crit_ok)), "=", fmpq(1)))
    return rels, hyps
