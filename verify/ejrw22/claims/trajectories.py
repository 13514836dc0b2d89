"""ejrw22 claims 13, 14 -- trajectories and boundedness (infinite horizon only through exact certificates).

Certified enclosures of the standard flow Θ' = −𝒢 and the normalized flow Θ' = −P𝒢 on [0, T]
(`verify.flows`), also for claim 9's trajectory-form cross-check (`energy_trajectory`); claim 13 (bounded-gf-h1) [ABSTRACT]: every
normalized GF trajectory on M is bounded (H = 1, d = 1, Lipschitz f, density p), and the open problem,
claim 14 (open-standard-gf) [ABSTRACT]: boundedness of the standard GF, with its float growth probe of
ṽ(t) = ρ(t)v(t).  sup_t |Θ_t| < ∞ HOLDS only through a certificate about every solution from θ_0:
stationarity or a dead start when that solution is the only one (`uniqueness`, proofs_notes/ejrw22.md#uniqueness),
or the infinite-horizon certificates of `invariant_sets` (constant-target Lyapunov function, invariant box,
Łojasiewicz length, dying neuron; proofs_notes/ejrw22.md#bounded-gf-h1), re-checked before HOLDS.
"""

from __future__ import annotations

import math

from flint import fmpq

from ...framework import Evaluation, Hypothesis, Status, relation, undecidable
from ...errors import InputError
from ...numbers import ball_bounds, to_json
from ...problems import Empirical
from .common import _LG, _box, _exact, _interval_out, _manifold, _up, density_hypothesis, on_manifold


# --------------------------------------------------------------------------------------------
# trajectories: certified enclosures of the flows (verify.flows)


def _trajectory(ev, net, flow, T, max_seconds=None):
    """A certified enclosure of the ``flow`` from θ on [0, T] (`flows.FlowSystem.enclose`; h0, tol,
    max_steps and the Taylor order from params; deterministic: no wall-clock budget unless ``max_seconds`` is
    given -- only claim 9's cross-check does, on which no verdict rests).  The re-verification pass runs at 256
    bits with half the initial step.  A horizon beyond h0·max_steps is enclosed up to there and
    reported incomplete (UNKNOWN beyond), never run."""
    from ...flows import FlowSystem, check_max_steps, check_tol

    system = FlowSystem(ev.inst.target, ev.inst.measure, net.H)
    h0 = ev.rational_param("h0", fmpq(1, 4))
    if h0 <= 0:
        raise InputError(f"the step h0 must be > 0, got {to_json(h0)}", "params.h0")
    if ev.independent:
        h0 /= 2
    tol = check_tol(float(ev.rational_param("tol", fmpq(1, 10 ** 5))), "params.tol")
    steps = ev.rational_param("max_steps", fmpq(4000))
    if steps.q != 1:
        raise InputError(f"the step limit must be an integer, got {to_json(steps)}", "params.max_steps")
    max_steps = check_max_steps(int(steps), "params.max_steps")
    order = ev.rational_param("order", fmpq(8))
    if order.q != 1 or not 0 <= order <= 30:
        raise InputError(f"the Taylor order must be an integer in [0, 30], got {to_json(order)}", "params.order")
    reach = min(T, h0 * max_steps)  # no step is longer than h0: past this the run could only stop at max_steps
    enc = system.enclose(net.theta, reach, flow, _manifold(ev) if flow == "normalized" else "A", h0=h0, tol=tol,
                         max_steps=max_steps, prec=256 if ev.independent else 128, order=int(order),
                         max_seconds=max_seconds)
    if reach < T:
        enc.T, enc.complete = T, False
        enc.reason = enc.reason or f"params.T = {to_json(T)} needs more than max_steps = {max_steps} steps of at most " \
                                   f"h0 = {to_json(h0)}; enclosed on [0, {to_json(reach)}] only"
    return enc


def _horizon(ev):
    T = ev.rational_param("T")
    if T is not None and T <= 0:
        raise InputError(f"the horizon T must be > 0, got {to_json(T)}", "params.T")
    return T


# --------------------------------------------------------------------------------------------
# 13, 14: boundedness (infinite horizon only through exact certificates)


def _dead_start(net, box) -> bool:
    (A, B), = box
    return all(max(net.w(i)[0] * A, net.w(i)[0] * B) + net.b(i) <= 0 for i in range(net.H))


def _lipschitz_target(ev):
    """Claims 13/14 need a Lipschitz f: piecewise-polynomial targets are, an indicator with a jump
    inside [A, B] is not (a clear input error: the theorem says nothing about it)."""
    from ...problems import ExpressionTarget, Indicator

    t = ev.inst.target
    if isinstance(t, Indicator):
        (A, B), = _box(ev)
        if any(A < k < B for k in t.knots_1d()):
            raise InputError("the target jumps inside [A, B], it is not Lipschitz (claims 13/14 assume a Lipschitz f)",
                             "target")
    if isinstance(t, ExpressionTarget) or not t.is_exact():
        raise InputError("claims 13/14 need a piecewise-polynomial (hence Lipschitz) target with rational data",
                         "target")


def _boundedness_scope(ev, net, H, density=True) -> list:
    """The scope of claims 13/14 and their planted variants as hypotheses: d = 1 and H = ``H`` (None: any
    width), a measure on an interval [A, B], a Lipschitz target (input error otherwise, `_lipschitz_target`)
    and, with ``density``, the density hypothesis of the selected variant (p bounded...)."""
    _lipschitz_target(ev)
    out = [Hypothesis("d = 1 and H = 1" if H == 1 else "d = 1", net.d == 1 and (H is None or net.H == H),
                      "" if net.d == 1 and (H is None or net.H == H) else
                      f"outside the claim's scope: a {net.d}-{net.H}-1 network")]
    if density:
        out.append(density_hypothesis(ev))
    return out


def _exact_sup(ev, net, G):
    """sup_{t ≥ 0} |Θ_t|_∞ along ONE solution that an exact certificate gives in closed form:
    stationarity (𝒢(θ_0) = 0, Θ ≡ θ_0) or a dead start (every neuron inactive on [A, B]: w, b, v
    frozen; c(t) moves monotonically from c_0 towards m = ∫fp/∫p = c_0 − 𝒢_c/(2∫p), never reaching
    it unless c_0 = m, so sup|c(t)| = max(|c_0|, |m|)).  Returns (sup, why, kind) with kind
    "stationary" / "dead", or (None, "", None).  Whether this solution is the only one is decided
    separately (`uniqueness`)."""
    top = max(abs(t) for t in net.theta)
    if all(g == 0 for g in G):
        return top, "𝒢(θ_0) = 0: Θ ≡ θ_0 is a solution", "stationary"
    if _dead_start(net, _box(ev)):
        m = net.c - G[-1] / (2 * ev.inst.measure.total_mass())
        return max(top, abs(m)), f"dead start: the solution in which only c moves, monotonically towards ∫fp/∫p = " \
                                 f"{to_json(m)}", "dead"
    return None, "", None


# --------------------------------------------------------------------------------------------
# uniqueness of the flow from θ_0 (a certificate about every trajectory needs every solution)


def neuron_kinds(net) -> list:
    """Per neuron: "regular" ((w_i, b_i) ≠ 0: θ in the regular set 𝓡 for this neuron), "zero"
    ((w_i, b_i, v_i) = 0) or "singular" ((w_i, b_i) = 0, v_i ≠ 0: the field jumps there)."""
    out = []
    for i in range(net.H):
        if any(t != 0 for t in net.w(i)) or net.b(i) != 0:
            out.append("regular")
        else:
            out.append("zero" if net.v(i) == 0 else "singular")
    return out


def uniqueness(ev, net, flow, kind) -> tuple:
    """(True, why) when every solution of the flow from θ_0 coincides with the certified one of kind
    "stationary" / "dead" (`_exact_sup`), else (False, why).  Needs the density hypothesis (p bounded),
    which the caller has certified.  Proof (proofs_notes/ejrw22.md#uniqueness):

    * 𝒢 is locally Lipschitz on 𝓡 = {(w_i, b_i) ≠ 0 ∀i} for bounded p, so a solution through 𝓡 is
      unique; M_A, M_B ⊂ 𝓡 (normalized flow).
    * a "zero" neuron stays zero in every solution: q_i = |u_i|² + v_i² has q_i' = −4v_i𝒢_{v_i} (claim 6)
      and |v_i𝒢_{v_i}| ≤ 2|v_i||u_i|·sup|(x, 1)|·∫|r|p ≤ K q_i, so q_i ≡ 0 by Grönwall; it contributes
      nothing to 𝒩, and the other neurons solve the reduced system.
    * a "singular" neuron ((w_i, b_i) = 0, v_i ≠ 0) makes the field discontinuous at θ_0; a second
      solution leaves into the active cone as soon as v_i∫ReLU(û·(x, 1)) r p < 0 for some direction û
      (|u_i| grows at a positive rate, d|u_i|²/dt = −4v_i∫ReLU(u_i·(x, 1)) r p).  The sufficient
      condition for every solution to keep u_i = 0, v_i·r > 0 on [A, B] near θ_0, never holds at a
      stationary θ_0 (𝒢_c = 2∫r p = 0) nor along a dead trajectory (c(t) → ∫fp/∫p, where again
      ∫r p → 0): such starts are UNKNOWN."""
    if flow == "normalized":
        return True, "θ_0 ∈ M ⊂ 𝓡 and p is bounded: the field is locally Lipschitz, the solution unique"
    kinds = neuron_kinds(net)
    singular = [i for i, k in enumerate(kinds) if k == "singular"]
    if not singular:
        zero = [i for i, k in enumerate(kinds) if k == "zero"]
        return True, ("every neuron has (w_i, b_i) ≠ 0" if not zero else
                      f"neurons {zero} are identically zero in every solution, the others have (w_i, b_i) ≠ 0") + \
            ": the solution is unique (p bounded)"
    return False, f"neurons {singular} have (w_i, b_i) = (0, 0) and v_i ≠ 0: the field is discontinuous there and " \
                  "another solution may leave θ_0 into the active cone (the certificate covers one solution only)"


def eval_bounded(ev: Evaluation, flow="normalized"):
    """Claims 13/14 (d = 1, H = 1 under the default scope, Lipschitz f, density p): sup_t |Θ_t| < ∞.

    Infinite horizon: HOLDS only through a certificate for every solution: stationarity (𝒢(θ_0) = 0, so
    Θ ≡ θ_0 for both flows) or a dead start (w, b, v frozen, c(t) → ∫fp/∫p monotonically) with a unique
    solution, else `_infinite_horizon` (Lyapunov / invariant box / Łojasiewicz length / dying neuron; the
    certificate is written by ``check --certificate FILE``); UNKNOWN otherwise.
    A finite-time enclosure never proves boundedness, nor divergence.  With params.bound an explicit
    claimed bound C is checked: exactly on the whole trajectory where a certificate applies, and on
    [0, T] (params.T) by a certified enclosure of sup_{t≤T}|Θ_t|_∞ (`verify.flows`): a certified
    excess is VIOLATED of that bound.  An input law with atoms is out of scope: UNKNOWN."""
    net = _exact(ev)
    if isinstance(ev.inst.measure, Empirical):
        return [undecidable("sup_t |Θ_t| < ∞", "out of scope: the input law has atoms (hypothesis 'density')")], []
    hyp = _boundedness_scope(ev, net, ev.variants.get("scope", 1))
    if flow == "normalized":
        hyp.append(on_manifold(net, _manifold(ev)))
    if not all(h.holds for h in hyp):
        return [], hyp
    bound = ev.rational_param("bound")
    T = _horizon(ev)
    _, G = _LG(ev, net)
    sup, why, kind = _exact_sup(ev, net, G)
    rels = []
    user = "params.bound (a user-supplied constant; the paper states no explicit bound)"
    if sup is not None:
        unique, because = uniqueness(ev, net, flow, kind)
        if unique:
            rels.append(relation(f"{why}, and the only one: {because} (bounded, exact certificate)", fmpq(0), "=",
                                 fmpq(0)))
            if bound is not None:
                rels.append(relation(f"sup_{{t ≥ 0}} |Θ_t|_∞ ≤ {user} (exact, every solution)", sup, "≤", bound))
            _write_cert(ev, {"claim_certificate": "stationary" if kind == "stationary" else "dead-start",
                             "flow": flow, "theta0": [to_json(t) for t in net.theta], "why": why,
                             "uniqueness": because, "sup_norm_bound": to_json(sup)})
            return rels, hyp
        rels.append(undecidable("every solution from θ_0 is the certified one", because))
        if bound is not None:
            one = relation(f"sup_{{t ≥ 0}} |Θ_t|_∞ ≤ {user} along the certified solution ({why}; exact)", sup, "≤",
                           bound)
            if one.status == Status.VIOLATED:  # one solution exceeding the user's bound refutes it
                rels.append(one)
            else:
                ev.notes.append(f"the certified solution stays below params.bound, but other solutions may not: "
                                f"{because}")
    if bound is not None and not any(r.status == Status.VIOLATED for r in rels):
        start = max(abs(t) for t in net.theta)  # every solution starts at θ_0: sup_t |Θ_t|_∞ ≥ |θ_0|_∞
        if start > bound:
            rels.append(relation(f"|Θ_0|_∞ ≤ {user} (t = 0, every solution; boundedness itself not examined)",
                                 start, "≤", bound))
            return rels, hyp
    got = _infinite_horizon(ev, net, flow)
    if got is not None:
        cert_bound, text = got
        if flow == "standard" and ev.inst.params.get("probe") is not None:
            _probe(ev, net, decided=text)  # the search objective is recorded for decided starts too
        rels = [r for r in rels if r.status != Status.UNKNOWN]
        rels.append(relation(f"sup_{{t ≥ 0}} |Θ_t|_∞ ≤ {_up(cert_bound)} for every solution ({text})", fmpq(0), "=",
                             fmpq(0)))
        if bound is not None:
            if cert_bound <= bound:
                rels.append(relation(f"sup_{{t ≥ 0}} |Θ_t|_∞ ≤ {user} (certificate bound {_up(cert_bound)})",
                                     cert_bound, "≤", bound))
            elif T is not None:  # a weaker certified bound settles nothing; the enclosure on [0, T] may refute it
                rels += _finite_horizon(ev, net, flow, T, bound, user)
            else:  # a weaker bound than the user's is not a violation: that part stays UNKNOWN
                rels.append(undecidable(f"sup_{{t ≥ 0}} |Θ_t|_∞ ≤ {user}",
                                        f"the certified bound {_up(cert_bound)} exceeds params.bound = {to_json(bound)}"))
        return rels, hyp
    if T is not None:
        rels += _finite_horizon(ev, net, flow, T, bound, user)
    if flow == "standard" and ev.inst.params.get("probe") is not None:
        _probe(ev, net)
    rels.append(undecidable("sup_t |Θ_t| < ∞", "no certificate (stationarity, dead start with a unique solution, "
                                                  "constant-target Lyapunov function, invariant box, Łojasiewicz "
                                                  "length, dying neuron) applies; finite-horizon enclosures are not proofs of "
                                                  "boundedness" + (f" (last attempt: {ev._inv_why})"
                                                                   if getattr(ev, "_inv_why", "") else "")))
    return rels, hyp


def _finite_horizon(ev, net, flow, T, bound, user) -> list:
    """The certified enclosure on [0, T] (every solution): sup_{t ≤ T}|Θ_t|_∞ against the user's bound (a certified
    excess is VIOLATED of that bound; below it, HOLDS on [0, T] only), or a note without a bound."""
    rels = []
    enc = _trajectory(ev, net, flow, T)
    s = enc.sup_norm()
    ev.record("x: t", [t for t, _ in enc.points])
    ev.record("upper end of the enclosure of |Θ_t|_∞", [max(ball_bounds(abs(y))[1] for y in Y) for _, Y in enc.points])
    if bound is not None:  # the boxes contain every solution (flows: the a-priori step needs no uniqueness)
        rels.append(relation(f"sup_{{t ≤ {to_json(enc.t_reached)}}} |Θ_t|_∞ ≤ {user} (certified enclosure of "
                             f"every solution ⊆ {_interval_out(s)})", s, "≤", bound))
    else:
        ev.notes.append(f"sup_(t ≤ {to_json(enc.t_reached)}) |Θ_t|_∞ ∈ {s.str(12)} (certified)")
    if not enc.complete:
        rels.append(undecidable(f"the flow on [{to_json(enc.t_reached)}, {to_json(T)}]", enc.reason))
    return rels


def _write_cert(ev, data):
    from .invariant_sets import write

    path = write(ev, data)
    if path is not None:
        ev.notes.append(f"certificate written to {path}")


def _infinite_horizon(ev, net, flow):
    """sup_{t ≥ 0}|Θ_t|_∞ < ∞ for EVERY solution from θ_0 by a certificate (`invariant_sets`):
    constant target (exact Lyapunov function W = |v|² + (c − a)², dW/dt = −4ℒ), an invariant box
    Box ∩ M ∩ {ℒ ≤ ℒ*} (`verify.invariance`, re-checked), or the Łojasiewicz length bound in the fully
    active region, or the dying-neuron bound.  Returns (bound, description) or None (ev._inv_why says why).  params.certify_seconds
    (default 30) bounds the time of the box / length attempts."""
    import time

    from . import invariant_sets as inv

    ev._inv_why = ""
    if flow == "normalized" and _manifold(ev) != "A":
        ev._inv_why = "the certificates are implemented on M_A (on M_B, b is not bounded by them)"
        return None
    (A, B), = _box(ev)
    a = inv.constant_value(ev.inst.target, A, B)
    if a is not None:
        data = inv.lyapunov_constant(net, a, flow)
        _write_cert(ev, data)
        return _frac(data["sup_norm_bound"]), f"Lyapunov certificate: f ≡ {to_json(a)} on [A, B], W = |v|² + (c − a)² " \
            f"has dW/dt = −4ℒ ≤ 0 along every solution, W(θ_0) = {data['W0']}"
    budget = float(ev.rational_param("certify_seconds", fmpq(30)))
    from ...budget import remaining

    left = remaining()  # the search's per-example limit: end the attempts before it, with a last try
    if left is not None:
        budget = min(budget, left - 0.1)
    if budget <= 0:
        ev._inv_why = "params.certify_seconds = 0"
        return None
    got = _certify_every_solution(ev, net, flow, budget)
    if got is None:
        return None
    data, cb, text = got
    _write_cert(ev, data)
    return cb, text


# the certificates tried at one point (T, Y_T) of the flow: cheap, exact or nearly so, in this order
_POINT_CERTS = ("budget", "trap", "length", "dying")


def _chosen(ev, names) -> tuple:
    """The certificates among ``names`` that params.certificates allows (default: all), in its order."""
    allowed = ev.inst.params.get("certificates")
    if allowed is None:
        return tuple(names)
    known = _POINT_CERTS + ("box",)
    if not isinstance(allowed, list) or not all(isinstance(a, str) and a in known for a in allowed):
        raise InputError(f"params.certificates must be a list of names from {list(known)}, got {allowed!r}",
                         "params.certificates")
    return tuple(a for a in allowed if a in names)


def _at_points(ev, net, flow, points, seconds, whys, where):
    """Try the point certificates (sublevel trap, Łojasiewicz length, dying neuron) at ``points``;
    (data, bound, text) of the first that succeeds, else None (reasons appended to ``whys``)."""
    import time

    from . import invariant_sets as inv
    from .angle_budget import angle_budget
    from .sublevel_trap import sublevel_trap

    t0 = time.perf_counter()
    for name in _chosen(ev, _POINT_CERTS):
        left = seconds - (time.perf_counter() - t0)
        if left <= 0:
            break
        fn = {"budget": angle_budget, "trap": sublevel_trap, "length": inv.lojasiewicz_length,
              "dying": inv.dying_neuron}[name]
        try:
            data, cb, text = fn(ev, net, flow, seconds=left, points=points)
        except (InputError, ArithmeticError, ValueError, ZeroDivisionError) as e:
            whys.append(f"{name} ({where}): {e}")
            continue
        if data is not None:
            return data, cb, text
        whys.append(f"{name} ({where}): {text}")
    return None


def _certify_every_solution(ev, net, flow, budget):
    """The budget-shared search for an infinite-horizon certificate (proofs_notes/ejrw22.md#bounded-gf-h1):
    (1) the point certificates at θ_0 (exact level ℒ(θ_0)); (2) one certified enclosure from θ_0
    (`verify.flows`, every solution; tolerance 1/1000 for 30 % of the budget left, then a second one with
    1/10000 for 75 % of the rest), and at its latest point every 0.05·1.25^k s (at most 1 s apart) the point
    certificates again (a short budget -- the search's per-example limit -- still tries the early points); (3) the invariant box (`verify.invariance`) with what is left.  Returns
    (data, bound, text) or None (ev._inv_why says why)."""
    import time

    from flint import arb

    from ...flows import FlowSystem
    from . import invariant_sets as inv

    t0 = time.perf_counter()
    whys = []
    th0 = list(net.theta)
    got = _at_points(ev, net, flow, [(fmpq(0), [arb(q) for q in th0], None)], budget, whys, "from θ_0")
    if got is not None:
        return got
    # one enclosure with Taylor steps (`flows.taylor`: their step size is set by the series' radius of
    # convergence, not by the tolerance, so a tight one costs little and keeps the boxes thin for a long time)
    # or, with the second-order stepper, two: a loose tolerance first (large steps through the fast start; a
    # dying neuron is often certified early), then a tight one (the trap and the length need ℒ(Y_T) close to
    # ℒ(Θ_T) and a thin Y_T)
    # (a short budget -- the search's 2 s per example -- goes almost entirely to the enclosure: the invariant box
    # needs seconds to decide anything)
    runs = (((1e-6, "1/1000000", 0.9 if budget >= 5 else 0.98),) if inv.CERT_ORDER else
            ((1e-3, "1/1000", 0.3), (1e-4, "1/10000", 0.75)))
    for tol, tol_text, share in runs:
        if net.H != 1 or budget - (time.perf_counter() - t0) <= 0:
            break
        system = FlowSystem(ev.inst.target, ev.inst.measure, net.H)
        state = {"next": time.perf_counter() + 0.05, "gap": 0.05, "got": None, "tried": 0}

        def on_point(enc, state=state, tol_text=tol_text, last=False):
            now = time.perf_counter()
            if (now < state["next"] and not last) or len(enc.points) < 2:
                return False
            n = len(enc.points) - 1
            if state.get("at") == n:
                return False
            state["at"] = n
            T, Yb = enc.points[n]
            state["tried"] += 1
            inv.note_point(ev, enc, n, tol_text)
            local = []
            got_ = _at_points(ev, net, flow, [(T, Yb, inv._sup_upto(enc, n))], max(0.2, state["gap"]), local,
                              f"from Θ_{to_json(T)}")
            if got_ is not None:
                state["got"] = got_
                return True
            state["why"] = local
            state["gap"] = min(0.15, state["gap"] * 1.25)
            state["next"] = time.perf_counter() + state["gap"]
            return False
        left = budget - (time.perf_counter() - t0)
        try:
            enc = system.enclose(th0, fmpq(10 ** 6), flow, "A", h0=inv.CERT_H0, tol=tol, max_steps=10 ** 6, prec=128,
                                 max_seconds=max(0.3, share * left), on_point=on_point, order=inv.CERT_ORDER)
        except (InputError, ArithmeticError, ValueError) as e:
            whys.append(f"enclosure (tol {tol_text}): {e}")
            enc = None
        if state["got"] is None and enc is not None:  # a last try at the point where the enclosure stopped
            on_point(enc, last=True)
        if state["got"] is not None:
            return state["got"]
        whys.extend(state.get("why", []))
        if enc is not None:
            if tol_text == runs[-1][1]:  # the invariant box's later stage uses this one (`shared_enclosure`)
                ev._inv_enc = (flow, enc)
            whys.append(f"enclosure (tol {tol_text}): reached t = {to_json(enc.t_reached)} ({len(enc.steps)} steps, "
                        f"the point certificates tried at {state['tried']} of its points)")
    for stage in ("start", "later") if "box" in _chosen(ev, ("box",)) else ():
        left = budget - (time.perf_counter() - t0)
        if left <= min(0.3, budget / 10):
            whys.append("box: no time left")
            break
        try:
            data, cb, text = inv.invariant_box(ev, net, flow, seconds=left, stage=stage)
        except (InputError, ArithmeticError, ValueError) as e:
            whys.append(f"box: {e}")
            continue
        if data is not None:
            return data, cb, text
        whys.append(f"box ({'from θ_0' if stage == 'start' else 'from Θ_T'}): {text}")
    ev._inv_why = "; ".join(whys)
    return None


def _frac(text):
    from ...numbers import parse_rational

    return parse_rational(text, "certificate")


def _probe(ev, net, decided=None):
    """Claim 14's probe (params.probe = a float horizon T_f): the standard flow from θ_0 and the
    normalized flow from Ψ(θ_0) in float (`FlowSystem.simulate`, exploration only); the growth
    exponent α of max_i|ṽ_i(t)| ~ t^α (ṽ_i = ρ_i v_i, least squares in log-log on [T_f/10, T_f]) is the
    search objective; |Θ_t|, |ṽ(t)| and the kink |x_0(t)| are recorded against t for the log-log
    plot.  If α > params.certify_above (default 1/10), the standard flow is also enclosed on
    [0, params.certify_T] (default 1/2) and the certified sup |Θ_t|_∞ and |ṽ| are noted -- a finite-time
    enclosure, never a proof of divergence."""
    import numpy as np

    from ...flows import FlowSystem

    from ...flows import FLOAT_MAX_T

    Tf = ev.rational_param("probe")
    if not 0 < Tf <= FLOAT_MAX_T:
        raise InputError(f"the probe horizon must be in (0, {FLOAT_MAX_T}], got {to_json(Tf)}", "params.probe")
    Tf = float(Tf)
    system = FlowSystem(ev.inst.target, ev.inst.measure, net.H)
    H = net.H
    ts = np.geomspace(min(1e-2, Tf / 100), Tf, 150)
    sim = system.simulate(net.theta, Tf, "standard", rtol=1e-6, atol=1e-9, method="LSODA", t_eval=ts)
    X = sim.states
    rho = np.hypot(X[:, :H], X[:, H:2 * H])
    vt = np.max(np.abs(rho * X[:, 2 * H:3 * H]), axis=1)
    sel = (sim.t >= sim.t[-1] / 10) & (vt > 0)
    alpha = float(np.polyfit(np.log(sim.t[sel]), np.log(vt[sel]), 1)[0]) if sel.sum() >= 5 else float("nan")
    ev.objective("growth exponent α of |ṽ(t)| ~ t^α on [T/10, T] (float fit, standard flow)", alpha)
    th = np.array([float(t) for t in net.theta])
    r0 = np.hypot(th[:H], th[H:2 * H])
    if np.all(r0 > 0) and not decided:  # the comparison run only where the start stays undecided
        psi0 = np.concatenate([th[:H] / r0, th[H:2 * H] / r0, th[2 * H:3 * H] * r0, th[3 * H:]])
        norm = system.simulate(list(psi0), Tf, "normalized", rtol=1e-6, atol=1e-9, method="LSODA", t_eval=sim.t)
        ev.record("|Θ_t|_∞ normalized flow from Ψ(θ_0) (float)", list(np.max(np.abs(norm.states), axis=1))
                  + [float("nan")] * (len(sim.t) - len(norm.t)))
    ev.record("x: t", list(sim.t))
    ev.record("|Θ_t|_∞ standard flow (float)", list(np.max(np.abs(X), axis=1)))
    ev.record("max_i |ṽ_i(t)| (float)", list(vt))
    ev.record("max_i |x_0,i(t)| kink position (float)", list(np.nanmax(np.abs(sim.kinks), axis=1)))
    ev.notes.append(f"float probe on [0, {Tf:g}]: |ṽ| grows like t^{alpha:.3g} on the last decade "
                    f"({sim.message}); float evidence only")
    # which way this (suspicious) start was decided: bounded by a certificate, or not at all (no divergence
    # certificate exists, so never "divergent")
    ev.notes.append(f"suspicious start decided: BOUNDED ({decided.split(':')[0]})" if decided else
                    "suspicious start decided: neither way (no boundedness certificate within the budget; no "
                    "divergence certificate exists)")
    if not decided and math.isfinite(alpha) and alpha > float(ev.rational_param("certify_above", fmpq(1, 10))):
        enc = _trajectory(ev, net, "standard", ev.rational_param("certify_T", fmpq(1, 2)))
        vmax = max(ball_bounds(abs(enc.final[2 * H + i]) * (enc.final[i] ** 2 + enc.final[H + i] ** 2).sqrt())[1]
                   for i in range(H))
        ev.notes.append(f"certified on [0, {to_json(enc.t_reached)}]: sup |Θ_t|_∞ ∈ {enc.sup_norm().str(10)}, "
                        f"|ṽ| ≤ {_up(vmax)} at the end (a finite-time enclosure: not a proof of divergence)")


def eval_open_standard(ev):
    return eval_bounded(ev, flow="standard")
