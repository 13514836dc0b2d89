"""Registered claims, variant groups, and the certified `check` driver (layer 7).

Claims are addressed as ``CLAIM[@VARIANT…][~MUTANT]``, e.g. ``cjrr21.degenerate-frozen@deriv0-half``
or ``cjrr21.lyapunov-identity~any-target``.  `check` runs a claim on an instance: exactly where the
data are rational, otherwise in balls with precision escalation (64 → … → 1024 bits) until the
verdict is decided; a VIOLATED verdict is re-verified by an independent evaluation (balls for an
exact verdict, a higher precision for a ball verdict) before it is returned.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass

from .claim import Claim, Evaluation, Instance, Mutant, Status, Verdict, combine
from .errors import InputError, SoundnessError
from .numbers import DEFAULT_PRECISIONS, Undecided


@dataclass(frozen=True)
class VariantGroup:
    """Mutually exclusive definition variants; ``options`` maps a variant name to its value."""

    name: str
    options: dict
    default: str
    doc: str = ""


CLAIMS: dict[str, Claim] = {}
MUTANTS: dict[str, Mutant] = {}
VARIANT_GROUPS: dict[str, VariantGroup] = {}


def register(claim: Claim) -> Claim:
    if claim.id in CLAIMS:
        raise ValueError(f"claim {claim.id} registered twice")
    CLAIMS[claim.id] = claim
    for m in claim.mutants:
        MUTANTS[m.id] = m
    return claim


def register_variants(*groups: VariantGroup):
    for g in groups:
        VARIANT_GROUPS[g.name] = g


def _load_families():
    from .claims import load_all  # noqa: F401  (registers on import)

    load_all()


_ID = re.compile(r"^([A-Za-z0-9_.\-]+?)((?:[@~][A-Za-z0-9_.\-]+)*)$")


def resolve(ref: str, extra_variants=()) -> tuple[Claim, Mutant | None, dict]:
    """Parse ``CLAIM[@VARIANT…][~MUTANT]`` into the claim, the mutant (or None) and the selected
    variant values {group: value} (defaults filled in)."""
    _load_families()
    m = _ID.match(ref.strip())
    if not m:
        raise InputError(f"malformed claim reference {ref!r} (CLAIM[@VARIANT...][~MUTANT])", "claim")
    base = m.group(1)
    if base not in CLAIMS:
        close = difflib.get_close_matches(base, list(CLAIMS), n=1, cutoff=0.6) or [
            c for c in CLAIMS if base.split(".")[-1] in c]
        hint = f"; did you mean {close[0]}?" if close else "; see `relu-verify list`"
        raise InputError(f"unknown claim id {base!r}{hint}", "claim")
    claim = CLAIMS[base]
    mutant, names = None, list(extra_variants)
    for tok in re.findall(r"[@~][^@~]+", m.group(2)):
        if tok[0] == "~":
            mid = f"{base}~{tok[1:]}"
            if mid not in MUTANTS:
                known = [x.id for x in claim.mutants]
                close = difflib.get_close_matches(mid, known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}? " if close else ""
                raise InputError(f"unknown mutant {mid!r} ({hint}mutants of {base}: {', '.join(known) or 'none'})",
                                 "claim")
            mutant = MUTANTS[mid]
        else:
            names.append(tok[1:])
    chosen: dict = {}
    for name in names:
        group = next((g for g in VARIANT_GROUPS.values() if name in g.options), None)
        if group is None or group.name not in claim.variant_groups:
            allowed = [o for g in claim.variant_groups for o in VARIANT_GROUPS[g].options]
            raise InputError(f"variant '@{name}' does not apply to {base} (its variants: "
                             f"{', '.join('@' + a for a in allowed) or 'none'})", "claim")
        if group.name in chosen and chosen[group.name][0] != name:
            raise InputError(f"variants '@{chosen[group.name][0]}' and '@{name}' exclude each other", "claim")
        chosen[group.name] = (name, group.options[name])
    if mutant is not None:
        for gname, name in mutant.forced_variants.items():
            chosen[gname] = (name, VARIANT_GROUPS[gname].options[name])
    values = {}
    for gname in claim.variant_groups:
        g = VARIANT_GROUPS[gname]
        name, value = chosen.get(gname, (g.default, g.options[g.default]))
        values[gname] = value
        values[gname + ":name"] = name
        values[gname + ":explicit"] = gname in chosen
    return claim, mutant, values


def _evaluate(claim: Claim, mutant: Mutant | None, inst: Instance, variants: dict, prec, independent=False):
    ev = Evaluation(inst, variants, prec, independent)
    fn = mutant.evaluate if mutant is not None else claim.evaluate
    relations, hypotheses = fn(ev)
    status, vacuous = combine(relations, hypotheses)
    return status, vacuous, relations, hypotheses, ev


def check(ref, instance, precisions=DEFAULT_PRECISIONS, reverify: bool = True) -> Verdict:
    """Certified verdict of claim ``ref`` (an id string or a `Claim`) on ``instance`` (an
    `Instance`, a JSON dict, or a path to an instance file)."""
    if isinstance(ref, Claim):
        ref = ref.id
    if isinstance(instance, dict):
        instance = Instance.from_json(instance)
    elif not isinstance(instance, Instance):
        instance = Instance.load(instance)
    claim, mutant, variants = resolve(ref, instance.variants)
    cid = mutant.id if mutant else claim.id
    variant_names = sorted(variants[k] for k in variants if k.endswith(":name"))
    t0 = time.perf_counter()
    attempts = ([None] if instance.is_exact() else []) + list(precisions)
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
    label = f"ball{used}" if used is not None else (
        "exact arithmetic; ball engines where named" if any("ball" in e for e in ev.engines) else "exact")
    statement = mutant.statement if mutant else claim.statement_for(variants)
    return Verdict(cid, status, relations, hypotheses, vacuous, label, sorted(ev.engines), elapsed, instance.to_json(),
                   ev.variant_names or variant_names, claim.provenance, statement, notes, reverified, ev.series)


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
    certifies the opposite."""
    tries = [256, 1024, None] if used is None else [min(4 * used, 4096)]
    for prec in tries:
        try:
            status, _, _, _, ev = _evaluate(claim, mutant, inst, variants, prec, independent=True)
        except Undecided:
            continue
        how = f"ball evaluation at {prec} bits" if prec else "exact evaluation"
        how += f" ({', '.join(sorted(ev.engines))})" if ev.engines else ""
        if status == Status.HOLDS:
            raise SoundnessError(f"{claim.id}: the independent {how} certifies HOLDS where the verdict was VIOLATED")
        if status == Status.VIOLATED:
            return f"confirmed by an independent {how}"
    return "inconclusive: no independent evaluation path decided it"
