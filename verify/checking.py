"""The certified `check` driver (layer 7).

`check` runs a claim on an instance: exactly where the data are rational, otherwise in balls with
precision escalation (64 → … → 1024 bits) until the verdict is decided -- on large instances of
claims that declare ``Claim.fast``, the fast-ball rung (`verify.fastball`) comes first; a VIOLATED verdict is
re-verified by an independent evaluation (balls for an exact verdict, a higher precision for a ball
verdict) before it is returned.
"""

from __future__ import annotations

import time

from .dag import DagNetwork
from .errors import InputError, SoundnessError
from .framework import Claim, Evaluation, Instance, Mutant, Status, Verdict, combine
from .nets import Network
from .numbers import DEFAULT_PRECISIONS, FAST, FAST_ARB_BITS, FAST_MIN_WORK, Undecided
from .registry import CLAIMS, register, resolve


def as_instance(instance, target=None, measure=None, params=None) -> Instance:
    """An `Instance` from what `check` accepts (see there)."""
    parts = {k: v for k, v in (("target", target), ("measure", measure), ("params", params)) if v is not None}
    if isinstance(instance, (str, bytes)) or hasattr(instance, "__fspath__"):
        instance = Instance.load(instance)
    if isinstance(instance, Instance):
        return Instance.from_json({**instance.to_json(), **parts}) if parts else instance
    if hasattr(instance, "state_dict") and hasattr(instance, "modules"):  # a torch.nn.Module
        from .interop import from_torch

        instance = from_torch(instance)
    if isinstance(instance, (Network, DagNetwork)):
        try:
            network = instance.to_json()
        except TypeError:  # a float-system network (e.g. DagNetwork.mlp of Python floats only)
            raise InputError("the network holds Python floats, which cannot be certified; build it exactly "
                             "(verify.from_numpy converts floats to the rationals they denote)", "network") from None
        return Instance.from_json({"network": network, **parts})
    if isinstance(instance, dict):
        return Instance.from_json({**instance, **parts})
    raise InputError(f"expected an instance (a dict, an Instance, a file path) or a network, got "
                     f"{type(instance).__name__}", "instance")


def claim_ref(ref) -> str:
    """The id of ``ref``: a string as it is, a `Claim` object by its id — registered first if it is
    not (so ``verify.check(my_claim, …)`` works on a claim built by hand or re-defined in a
    notebook)."""
    if isinstance(ref, Claim):
        if CLAIMS.get(ref.id) is not ref:
            register(ref)
        return ref.id
    if not isinstance(ref, str):
        raise InputError(f"expected a claim id or a Claim, got {type(ref).__name__}", "claim")
    return ref


def _evaluate(claim: Claim, mutant: Mutant | None, inst: Instance, variants: dict, prec, independent=False):
    fast = prec == FAST
    ev = Evaluation(inst, variants, FAST_ARB_BITS if fast else prec, independent, fast=fast)
    fn = mutant.evaluate if mutant is not None else claim.evaluate
    relations, hypotheses = fn(ev)
    status, vacuous = combine(relations, hypotheses)
    return status, vacuous, relations, hypotheses, ev


def check(ref, instance, precisions=DEFAULT_PRECISIONS, reverify: bool = True, *, target=None, measure=None,
          params=None) -> Verdict:
    """Certified verdict of claim ``ref`` (an id string or a `Claim`) on ``instance``: an
    `Instance`, a JSON dict, a path to an instance file — or a network (a `Network`, a
    `DagNetwork`, a PyTorch module), completed by ``target``, ``measure`` and ``params`` (JSON
    dicts as in an instance file)."""
    ref = claim_ref(ref)
    instance = as_instance(instance, target, measure, params)
    if instance.region is not None:  # ∀ θ in a box: branch and bound (verify.regions)
        from .regions import check_region

        return check_region(ref, instance, precisions)
    claim, mutant, variants = resolve(ref, instance.variants)
    cid = mutant.id if mutant else claim.id
    variant_names = sorted(variants[k] for k in variants if k.endswith(":name"))
    t0 = time.perf_counter()
    attempts = ([FAST] if claim.fast and fast_worthwhile(instance) else []) + (
        [None] if instance.is_exact() else []) + list(precisions)
    result, used, last_undecided = None, None, ""
    for prec in attempts:
        try:
            result = _evaluate(claim, mutant, instance, variants, prec)
        except Undecided as e:
            last_undecided = str(e)
            continue
        used = prec
        if result[0] != Status.UNKNOWN or not _precision_can_help(result, prec):
            break
    if result is None:
        elapsed = time.perf_counter() - t0
        return Verdict(cid, Status.UNKNOWN, [], [], False, f"ball{precisions[-1]}", [], elapsed,
                       instance.to_json(), variant_names, claim.provenance,
                       mutant.statement if mutant else claim.statement_for(variants),
                       [f"undecided at every precision up to {precisions[-1]} bits: {last_undecided}"])
    status, vacuous, relations, hypotheses, ev = result
    notes = list(ev.notes)
    if not instance.target_given and claim.uses_target and not getattr(instance.net, "defines_target", False):
        notes.append("the instance has no 'target': the constant target f = 0 is used")
    reverified = ""
    if status == Status.VIOLATED and reverify:
        reverified = _reverify(claim, mutant, instance, variants, used, precisions)
        if not reverified.startswith("confirmed"):
            status = Status.UNKNOWN
            notes.append("certified VIOLATED by one evaluation, but no independent evaluation path confirmed it, "
                         "so it is not reported as a counterexample")
    elapsed = time.perf_counter() - t0
    label = "fast-ball (float64 midpoint-radius; Arb 128 bits elsewhere)" if used == FAST else (
        f"ball{used}") if used is not None else (
        "exact arithmetic; ball engines where named" if any("ball" in e for e in ev.engines) else "exact")
    statement = mutant.statement if mutant else claim.statement_for(variants)
    return Verdict(cid, status, relations, hypotheses, vacuous, label, sorted(ev.engines), elapsed, instance.to_json(),
                   ev.variant_names or variant_names, claim.provenance, statement, notes, reverified, ev.series)


def fast_worthwhile(inst: Instance) -> bool:
    """Whether the fast-ball rung is worth a try: the network's parameters times the number of
    points (the measure's atoms, or ``params.data`` / ``params.x``) reach `FAST_MIN_WORK` (below
    that, Arb and exact arithmetic are about as fast)."""
    net = inst.net
    if net is None or not hasattr(net, "theta"):
        return False
    points = getattr(inst.measure, "points", None)
    n = len(points) if points is not None else max(
        (len(v) for v in (inst.params.get("data"), inst.params.get("x")) if isinstance(v, list)), default=0)
    return n * len(net.theta) >= FAST_MIN_WORK


def _precision_can_help(result, prec) -> bool:
    """More bits cannot decide what exact arithmetic left open, nor a relation no engine can
    certify (op "?")."""
    _, _, relations, hypotheses, ev = result
    open_rel = [r for r in relations if r.status == Status.UNKNOWN]
    if open_rel and all(r.op == "?" for r in open_rel):
        return False
    return not (prec is None and not any("ball" in e for e in ev.engines))


def _reverify(claim, mutant, inst, variants, used, precisions) -> str:
    """Independent second evaluation of a VIOLATED verdict; raises `SoundnessError` if it
    certifies the opposite.  An exact verdict is re-evaluated in balls (256, 1024 bits), and exactly
    once more only where the claim's evaluation has an independent exact path of its own
    (`Claim.independent_exact`; a user's claim does not unless it says so) -- first on the
    fast-ball rung where the claim has one.  A fast-ball verdict is
    re-done in another number system with the claim's ordinary code: exactly where the instance
    is rational, else in Arb at 256 bits."""
    if used is None:  # the fast-ball rung is another number system and another code path
        tries = ([(FAST, False)] if claim.fast else []) + [(256, True), (1024, True)] + (
            [(None, True)] if claim.independent_exact else [])
    elif used == FAST:
        tries = ([(None, False)] if inst.is_exact() else []) + [(256, False)]
    else:
        tries = [(min(4 * used, 4096), True)]
    for prec, independent in tries:
        try:
            status, _, _, _, ev = _evaluate(claim, mutant, inst, variants, prec, independent=independent)
        except Undecided:
            continue
        how = ("fast-ball evaluation" if prec == FAST else f"ball evaluation at {prec} bits" if prec
               else "exact evaluation")
        how += f" ({', '.join(sorted(ev.engines))})" if ev.engines else ""
        if status == Status.HOLDS:
            raise SoundnessError(f"{claim.id}: the independent {how} certifies HOLDS where the verdict was VIOLATED")
        if status == Status.VIOLATED:
            return f"confirmed by an independent {how}"
    return "inconclusive: no independent evaluation path decided it"
