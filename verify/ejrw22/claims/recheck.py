"""ejrw22 claims 13, 14 -- `relu-verify recheck FILE` for the boundedness certificates written by
``relu-verify check ejrw22.bounded-gf-h1|open-standard-gf FILE --certificate CERT``.

The file is self-contained: ``kind`` = "ejrw22-boundedness", the instance, the claim, the flow and
``claim_certificate`` (stationary, dead-start, lyapunov-constant-target, sublevel-trap,
lojasiewicz-length, dying-neuron, invariant-box).  The re-check rebuilds the flow system from the
instance and re-derives the certificate on its own path (proofs_notes/ejrw22.md#recheck):

* stationary / dead-start: 𝒢(θ_0) = 0 resp. every neuron inactive on [A, B], exactly, and the uniqueness
  condition (θ_0 ∈ M_A; standard flow: no neuron with (w, b) = 0 and v ≠ 0);
* lyapunov-constant-target: W(θ_0) and the bound again (fmpq and Python fractions);
* sublevel-trap: walls, pieces and bounds in Python fractions (`sublevel_trap.recheck_trap`), ℒ(θ_0)
  by the fractions quadrature;
* lojasiewicz-length, dying-neuron: their Python-fractions re-checks;
* invariant-box: `verify.invariance.recheck` at 256 bits on a finer splitting.
A certificate from a later time T > 0 rests on the certified enclosure on [0, T]: it is replayed with the
recorded parameters (h0, tol, precision, end time, number of steps -- the step sequence depends only on
them) and must reach T, reproduce the recorded box Y_T exactly (where recorded) and the recorded sup on
[0, T] from above.
"""

from __future__ import annotations

from flint import arb, fmpq

from ...errors import InputError
from ...numbers import ball_bounds, parse_rational, to_json

KIND = "ejrw22-boundedness"
ENC = {"h0": "1/16", "tol": "1/10000", "prec": 128}  # the parameters of the claims' certified enclosures


def _q(s):
    return parse_rational(s, "certificate")


def _reproduce(system, data, flow):
    """(Y_T as rational pairs, sup on [0, T]) from a fresh enclosure with the recorded parameters, or
    raises ValueError when it does not reproduce the recorded Y_T."""
    from ...flows.common import _to_float

    from .invariant_sets import _sup_upto

    T = _q(data["T"])
    th0 = [_q(t) for t in data["theta0"]]
    if T == 0:
        return [(t, t) for t in th0], max(abs(t) for t in th0)
    p = data.get("enclosure")
    if p is None:
        raise ValueError("a certificate from T > 0 must record how to replay its enclosure")
    steps = int(p["steps"])
    if not 0 < steps <= 10 ** 6:
        raise ValueError("bad step count")
    # the same end time and parameters, stopped after the recorded number of steps: the same step sequence
    order = p.get("order", 0)
    if not (isinstance(order, int) and not isinstance(order, bool) and 0 <= order <= 30):
        raise ValueError("bad Taylor order")
    enc = system.enclose(th0, _q(p["T_end"]), flow, "A", h0=_q(p["h0"]), tol=_to_float(_q(p["tol"])),
                         max_steps=steps, prec=int(p["prec"]), order=order)
    if len(enc.steps) != steps or enc.t_reached != T:
        raise ValueError(f"the replayed enclosure reached t = {to_json(enc.t_reached)} in {len(enc.steps)} steps, "
                         f"not T = {to_json(T)}")
    Y = [ball_bounds(y) for y in enc.final]
    rec = data.get("Y_T")
    if rec is not None and [(_q(a), _q(b)) for a, b in rec] != Y:
        raise ValueError("the re-run enclosure does not reproduce the recorded Y_T")
    return Y, _sup_upto(enc, len(enc.points) - 1)


def _risk_upper(system, Y):
    """An upper bound of ℒ over the box Y: the smaller of the 128- and 256-bit enclosures' upper ends
    (each is a valid bound)."""
    from ...numbers import precision

    ups = []
    for prec in (128, 256):
        with precision(prec):  # the hull balls of the rational ends at the enclosure's precision
            X = [arb(lo).union(arb(hi)) for lo, hi in Y]
        b = ball_bounds(system.risk_enclosure(X, prec))
        if b is not None:
            ups.append(b[1])
    if not ups:
        raise ValueError("ℒ(Y_T) is not finite")
    return min(ups)


def recheck_file(obj) -> dict:
    claim = obj.get("claim")
    try:
        ok, why = _recheck(obj)
    except (InputError, KeyError, TypeError, ValueError, ArithmeticError, ZeroDivisionError) as e:
        ok, why = False, f"malformed or wrong certificate: {e}"
    return {"ok": ok, "claim": claim, "reason": why or "every inequality re-derived"}


def _recheck(obj):
    from ...framework import Instance
    from ...flows import FlowSystem
    from .invariant_sets import constant_value, lyapunov_constant, recheck_dying, recheck_length
    from .sublevel_trap import _F, _risk_fractions, recheck_trap

    if obj.get("kind") != KIND:
        return False, "not an ejrw22 boundedness certificate"
    inst = Instance.from_json(obj["instance"])
    net = inst.net
    flow = obj["flow"]
    if flow not in ("normalized", "standard"):
        return False, f"unknown flow {flow!r}"
    if [to_json(t) for t in net.theta] != obj.get("theta0", [to_json(t) for t in net.theta]):
        return False, "θ_0 differs from the instance's"
    if flow == "normalized" and any(net.w(i)[0] ** 2 + net.b(i) ** 2 != 1 for i in range(net.H)):
        return False, "θ_0 is not on M_A"
    kind = obj["claim_certificate"]
    if kind == "lyapunov-constant-target":
        a = constant_value(inst.target, *_box(inst))
        if a is None:
            return False, "the target is not constant on [A, B]"
        again = lyapunov_constant(net, a, flow)
        if again["W0"] != obj["W0"] or _q(again["sup_norm_bound"]) > _q(obj["sup_norm_bound"]):
            return False, "W(θ_0) or the bound differ"
        return True, ""
    system = FlowSystem(inst.target, inst.measure, net.H)
    if kind in ("stationary", "dead-start"):
        from .trajectories import neuron_kinds

        L, G = system.risk_gradient_exact(list(net.theta))
        if kind == "stationary" and any(g != 0 for g in G):
            return False, "𝒢(θ_0) ≠ 0"
        if kind == "dead-start":
            A, B = system.A, system.B
            if not all(max(net.w(i)[0] * A, net.w(i)[0] * B) + net.b(i) <= 0 for i in range(net.H)):
                return False, "a neuron is active on [A, B]"
        if flow == "standard" and "singular" in neuron_kinds(net):
            return False, "a neuron with (w, b) = 0 and v ≠ 0: the solution is not unique"
        top = max(abs(t) for t in net.theta)
        if kind == "dead-start":
            top = max(top, abs(net.c - G[-1] / (2 * inst.measure.total_mass())))
        if _q(obj["sup_norm_bound"]) < top:
            return False, "the bound is below sup|Θ_t|"
        return True, ""
    th0 = list(net.theta)
    L0 = system.risk_gradient_exact(th0)[0]
    Y, sup0T = _reproduce(system, obj, flow)
    T = _q(obj["T"])
    if T > 0:
        enc_sup = obj.get("enclosure_sup_upper")
        if enc_sup is None or _q(enc_sup) < sup0T or _q(obj["sup_norm_bound"]) < sup0T:
            return False, "the sup over [0, T] is larger than recorded"
    if kind == "sublevel-trap":
        if T == 0:
            lev = _F(L0)
            if lev != _risk_fractions(system, th0):
                return False, "ℒ(θ_0) differs between the two quadratures"
        else:
            up = _risk_upper(system, Y)
            lev = _F(min(up, L0) if flow == "normalized" else up)
        data = dict(obj, Y_T_w_b=[[to_json(a), to_json(b_)] for a, b_ in Y[:2]])
        ok, why = recheck_trap(system, data, flow, fmpq(lev.numerator, lev.denominator))
        if ok and T == 0 and _q(obj["sup_norm_bound"]) < max(abs(t) for t in th0):
            return False, "the bound is below |θ_0|"
        return ok, why
    if kind == "lojasiewicz-length":
        return recheck_length(system, obj, flow)
    if kind == "angle-budget":
        from .angle_budget import recheck_budget

        rec = [(_q(a), _q(b)) for a, b in obj["Y_T"]]
        if T > 0 and not all(lo <= y0 and y1 <= hi for (lo, hi), (y0, y1) in zip(rec, Y)):
            return False, "Y_T does not contain Θ_T's enclosure"
        if T > 0 and _risk_upper(system, Y) > _q(obj["L_T_upper"]):
            return False, "ℒ(Y_T) exceeds the recorded L_T"
        return recheck_budget(system, obj)
    if kind == "dying-neuron":
        rec = [(_q(a), _q(b)) for a, b in obj["Y_T"]]
        if not all(lo <= y0 and y1 <= hi for (lo, hi), (y0, y1) in zip(rec, Y)):
            return False, "Y_T does not contain Θ_T's enclosure"
        return recheck_dying(system, obj)
    if kind == "invariant-box":
        from ...invariance import recheck as inv_recheck
        from .invariant_sets import _field, _inside, constraints

        data = dict(obj, kind=obj.get("certificate_kind", "flow"))
        level = _q(obj["level"])
        if T == 0 and level < L0:
            return False, "the level is below ℒ(θ_0)"
        if T > 0:
            up = _risk_upper(system, Y)
            if level < (min(up, L0) if flow == "normalized" else up):
                return False, "the level is below ℒ(Y_T)"
        box = [(_q(a), _q(b_)) for a, b_ in data["set"]["boxes"][0]]
        if not _inside([arb(lo).union(arb(hi)) for lo, hi in Y], box):
            return False, "Θ_T is not inside the box"
        if flow == "standard":
            from .invariant_sets import const_fit_risk

            if not level < const_fit_risk(system):
                return False, "standard flow: ℒ* ≥ ℒ_const"
        top = max(max(abs(lo), abs(hi)) for lo, hi in box)
        if _q(obj["sup_norm_bound"]) < top:
            return False, "the bound is below the box"
        return inv_recheck(data, _field(system, flow, 256), constraints(system, net, flow, level, 256, th0))
    return False, f"unknown certificate type {kind!r}"


def _box(inst):
    from .common import _box as box_of

    class _E:  # `common._box` reads ev.inst
        pass
    e = _E()
    e.inst = inst
    (A, B), = box_of(e)
    return A, B


def _register():
    from ...registry import register_certificate_kind

    register_certificate_kind(KIND, recheck_file, "ejrw22 claims 13/14: a certificate that every solution of the "
                                                  "flow from θ_0 is bounded (relu-verify check --certificate)")


_register()
