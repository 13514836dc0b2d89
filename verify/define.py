"""Defining claims of your own: the `claim` decorator.

A claim is a function of an `Evaluation` that returns its relations (and, optionally, the
hypotheses that scope it); the decorator turns it into a registered `Claim` with the same machinery
as the papers' claims — exact arithmetic where the instance is rational, balls with precision
escalation otherwise, vacuous verdicts where a hypothesis is certified false, and an independent
re-evaluation of every VIOLATED before it is reported::

    import verify
    from verify import strategies as vs

    @verify.claim(id="me.output-bias-gradient-zero", statement="∂ℒ/∂c = 0 for every θ",
                  provenance="DERIVED", instances=lambda: vs.shallow_instances())
    def output_bias_gradient_zero(ev):
        rg = ev.risk_grad(ev.inst.net)
        return [verify.relation("∂ℒ/∂c = 0", rg.G[-1], "=", 0)], []

Decide relations with `verify.relation` (certified signs only, never floats) and state the claim's
scope as hypotheses (`verify.hypothesis`): an instance outside the scope then gets a vacuous
HOLDS, never a VIOLATED.  A file of such claims is a plugin: ``relu-verify --plugin FILE …``.
"""

from __future__ import annotations

from typing import Callable

from .errors import InputError
from .framework import PROVENANCE_TAGS, Claim, Hypothesis, Mutant, Param, Relation, Status, relation
from .registry import VARIANT_GROUPS, register


def claim(id: str, statement: str, provenance: str, instances: Callable | None = None, *, source: str = "",
          note: str = "", examples=(), variants=(), params: dict | None = None, mutants=(),
          uses_target: bool = True, independent_exact: bool = False) -> Callable[[Callable], Claim]:
    """Decorator: register ``fn(ev) -> (relations, hypotheses)`` (or just a list of relations) as
    the claim ``id`` and return the `Claim`.

    * ``id``: ``FAMILY.NAME`` (letters, digits, ``.``, ``_``, ``-``); the family is the part before
      the first dot.  Registering the same id again from the same module replaces the claim.
    * ``provenance``: one of ``ABSTRACT``, ``PAPER-FAMILY``, ``RECONSTRUCTED``, ``DERIVED``.
    * ``instances``: ``() -> strategy`` of instance dicts (e.g. ``lambda:
      verify.strategies.shallow_instances()``); needed by ``relu-verify search``.
    * ``examples``: instance dicts tried first by the search; ``variants``: names of registered
      variant groups (e.g. ``"deriv0"``); ``params``: {key: `Param` or doc string} of the instance
      ``params`` the claim reads; ``mutants``: `mutant(...)` planted violations.
    * ``independent_exact``: your function computes differently when ``ev.independent`` is true
      (another formula or engine), so an exact re-run may confirm a VIOLATED; by default a VIOLATED
      is confirmed only by an evaluation in balls (else it is reported UNKNOWN).
    """
    import re

    if not isinstance(id, str) or not re.fullmatch(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)+", id):
        raise ValueError(f"claim id {id!r} must look like FAMILY.NAME (letters, digits, '_', '-', '.')")
    if provenance not in PROVENANCE_TAGS:
        raise ValueError(f"{id}: provenance must be one of {', '.join(PROVENANCE_TAGS)}, got {provenance!r}")
    if instances is not None and not callable(instances):
        raise TypeError(f"{id}: instances must be a function returning a Hypothesis strategy (e.g. a lambda)")
    unknown = [g for g in variants if g not in VARIANT_GROUPS]
    if unknown:
        raise ValueError(f"{id}: unknown variant group(s) {unknown}; registered: {sorted(VARIANT_GROUPS)}")
    prm = {k: v if isinstance(v, Param) else Param("value", None, str(v)) for k, v in (params or {}).items()}

    def decorate(fn: Callable) -> Claim:
        if not callable(fn):
            raise TypeError(f"{id}: @verify.claim decorates a function of an evaluation")
        c = Claim(id=id, source=source or f"user claim ({fn.__module__})", provenance=provenance,
                  statement=statement, evaluate=_normalized(fn, id), note=note, examples=list(examples),
                  variant_groups=tuple(variants), mutants=[], family=id.split(".")[0], instances=instances,
                  uses_target=uses_target, params=prm, independent_exact=independent_exact)
        for m in mutants:
            c.mutants.append(Mutant(parent=id, name=m.name, spec_name=m.spec_name, statement=m.statement,
                                    evaluate=_normalized(m.evaluate, f"{id}~{m.name}"), witness=m.witness,
                                    forced_variants=dict(m.forced_variants), instances=m.instances))
        return register(c)

    return decorate


def mutant(name: str, statement: str, evaluate: Callable, witness: dict, spec_name: str = "") -> Mutant:
    """A planted violation for `claim(..., mutants=[...])`: a known-false weakening whose
    ``witness`` instance must come back VIOLATED (the suite checks that the search finds one)."""
    return Mutant(parent="", name=name, spec_name=spec_name or name, statement=statement, evaluate=evaluate,
                  witness=witness)


def hypothesis(name: str, value, op: str = ">", bound=0, detail: str = "") -> Hypothesis:
    """A hypothesis ``value op bound`` decided as `relation` decides it (certified signs; floats
    refused): true where the relation HOLDS, false where it is VIOLATED, ``None`` while undecided;
    or ``hypothesis(name, True/False/None)`` for one decided by other means."""
    if isinstance(value, bool) or value is None:
        return Hypothesis(name, value, detail)
    status = relation(name, value, op, bound).status
    return Hypothesis(name, {Status.HOLDS: True, Status.VIOLATED: False}.get(status), detail)


def _normalized(fn: Callable, id: str) -> Callable:
    """``fn`` returning (relations, hypotheses); a bare list of relations is accepted too, and
    anything else is a clear error (not a crash deep in the registry)."""

    def evaluate(ev):
        out = fn(ev)
        if isinstance(out, list):
            out = (out, [])
        if not (isinstance(out, tuple) and len(out) == 2):
            raise InputError(f"claim {id} must return (relations, hypotheses) or a list of relations, "
                             f"got {type(out).__name__}", "claim")
        rels, hyps = list(out[0]), list(out[1])
        bad = [r for r in rels if not isinstance(r, Relation)] + [h for h in hyps if not isinstance(h, Hypothesis)]
        if bad:
            raise InputError(f"claim {id} returned {type(bad[0]).__name__} where verify.relation(...) / "
                             f"verify.hypothesis(...) objects are expected", "claim")
        return rels, hyps

    evaluate.__module__ = fn.__module__
    evaluate.__name__ = evaluate.__qualname__ = getattr(fn, "__name__", "evaluate")
    evaluate.__wrapped__ = fn
    return evaluate
