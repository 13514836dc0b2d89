"""Adversarial search for counterexamples with Hypothesis (layer 8).

`search` draws instances from a claim's strategy (``Claim.instances``, or the parent claim's for a
mutant) and, for each one:

0. a **duplicate** — an instance equal (`instance_key`: value by value, type by type) to one this
   search already decided — is counted as an example with its cached verdict (``duplicates``) and
   steers again with its cached slack, but is never evaluated again; nor is an instance Hypothesis
   replays while shrinking.  The cache lives for one search: one claim/mutant, one set of variants.
1. **screens** it: the claim is evaluated once at ``SCREEN_BITS`` = 53 bits (the float64
   significand; on large instances of a claim with a fast-ball path, ``Claim.fast``, on the
   fast-ball rung of `verify.checking` first).  The midpoints of the relations' margins, as floats, give the *relative slack*

       slack = margin / (1 + |lhs| + |rhs|)        for ≤ < ≥ >   (margin oriented: ≥ 0 holds)
       slack = −|lhs − rhs| / (1 + |lhs| + |rhs|)  for =

   minimised over the relations, and ``hypothesis.target(−slack)`` steers the search toward the
   smallest margin.  A 53-bit evaluation that already certifies HOLDS (its balls exclude the
   boundary) is a certified HOLDS; everything else goes to step 2.  Floats never decide.  A search
   stops screening once the screen has certified fewer than one in eight of its first eight or more
   instances (`_ScreenPolicy`: by counts, so a seed still gives the same search).
2. **certifies** it with `registry.check` (exact first where the data are rational, then balls with
   precision escalation).  Only a certified VIOLATED counts as a counterexample.

A counterexample is shrunk by Hypothesis to a minimal instance, which is then serialized to the
instance-file JSON, read back, and checked once more with the independent re-verification of
`registry.check` (exact ↔ balls, or 4× the bits); only a confirmed verdict is reported.

Reproducibility: the search of claim ``ID`` with run seed ``K`` uses the Hypothesis seed
`claim_seed(K, ID)` (so ``relu-verify search ID --seed K`` repeats what ``suite --seed K`` did
for ``ID``, up to the time budget), a Hypothesis example database directory per claim, and reports
the ``@reproduce_failure`` blob of the minimal example (``search --reproduce BLOB`` replays it).
"""

from __future__ import annotations

import ast
import contextlib
import json
import math
import re
import shlex
import signal
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .framework import OBJECTIVE, Instance, Relation, Status, Verdict
from .errors import InputError, SoundnessError
from .files import witness_name
from .numbers import Undecided, to_float
from .problems import Empirical
from .registry import USER_PLUGINS, plugin_args

SCREEN_BITS = 53
HELD_SAMPLE = 16  # HOLDS instances a search keeps for `search --grow-regions`


@dataclass(frozen=True)
class Budget:
    """Examples per claim and wall-clock seconds per claim (shrinking gets half as much again).
    One example may take at most `per_example` seconds; past that it counts as UNKNOWN."""

    examples: int
    seconds: float

    @property
    def per_example(self) -> float:
        return max(1.0, self.seconds / 5)


PROFILES = {
    "ci": Budget(examples=200, seconds=10.0),
    "dev": Budget(examples=200, seconds=60.0),
    "thorough": Budget(examples=2000, seconds=600.0),
}


def claim_seed(run_seed: int, ref: str) -> int:
    """The Hypothesis seed of claim ``ref`` in a run with seed ``run_seed``."""
    return (int(run_seed) * 1_000_003 + zlib.crc32(ref.encode())) % 2 ** 32


@dataclass
class Counterexample:
    verdict: Verdict
    found_at: int  # 1-based index of the example where the first violation appeared
    shrinks: int  # calls made while shrinking
    reproduce_failure: str | None

    def to_json(self, ref: str, witness_file: str) -> dict:
        return {"witness_file": witness_file, "recheck": shlex.join(["relu-verify", *plugin_args(ref), "check", ref,
                                                                   witness_file]),
                "reproduce_failure": self.reproduce_failure, "found_at": self.found_at, "shrinks": self.shrinks,
                "verdict": self.verdict.to_json()}


def _reachable_from_cli(ref: str) -> bool:
    """Whether ``relu-verify`` can find the claim: a --plugin file, or a module it can import."""
    import importlib.util

    from .registry import CLAIMS

    if plugin_args(ref):
        return True
    claim = CLAIMS.get(ref.split("~")[0].split("@")[0])
    module = getattr(getattr(claim, "evaluate", None), "__module__", "__main__") or "__main__"
    try:
        return module != "__main__" and importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@dataclass
class SearchResult:
    """What one search found; ``passed``: a claim with no counterexample, a refuted mutant."""

    id: str
    kind: str  # "claim" | "mutant"
    family: str
    provenance: str
    spec_name: str | None
    statement: str
    note: str
    seed: int
    budget: Budget
    examples: int = 0
    screened: int = 0  # certified HOLDS already by the 53-bit screen
    holds: int = 0
    vacuous: int = 0
    unknown: int = 0
    timeouts: int = 0  # examples stopped at `Budget.per_example` (counted in ``unknown`` too)
    # draws of an instance already decided in this search: counted in ``examples`` (and in
    # holds/vacuous/unknown/screened with the verdict it already had), never decided again
    duplicates: int = 0
    shrink_cut: bool = False  # shrinking ran past 1.5 × the time budget and was cut (no reproduce blob)
    violated: int = 0
    seconds: float = 0.0
    stop: str = "examples"  # examples | time | counterexample | error
    margins: list = field(default_factory=list)
    no_checkable_form: str = ""  # `Claim.no_checkable_form` of a claim (not of its mutants)
    counterexample: Counterexample | None = None
    error: str | None = None
    objectives: dict = field(default_factory=dict)  # name -> {"value", "instance", "relations", "notes", "series"}
    # the first `HELD_SAMPLE` distinct instances certified HOLDS (not vacuous): `search --grow-regions`
    held: list = field(default_factory=list, repr=False)

    @property
    def certified(self) -> int:
        return self.holds + self.vacuous + self.violated

    @property
    def distinct(self) -> int:
        """Examples that were new instances (decided), not duplicate draws."""
        return self.examples - self.duplicates

    @property
    def best_margin(self) -> float | None:
        finite = [m for m in self.margins if m is not None]
        return min(finite) if finite else None

    @property
    def passed(self) -> bool:
        if self.error is not None:
            return False
        return (self.counterexample is not None) if self.kind == "mutant" else (self.counterexample is None)

    @property
    def outcome(self) -> str:
        if self.error is not None:
            return "ERROR"
        if self.kind == "mutant":
            return "refuted" if self.passed else "NOT REFUTED"
        return "pass" if self.passed else "FAIL"

    def summary(self) -> str:
        """One line: outcome, examples, certified/unknown counts, counterexample."""
        return (f"{self.id}: {self.outcome} — {self.examples} examples"
                + (f" ({self.duplicates} duplicate draws)" if self.duplicates else "")
                + f", {self.holds + self.vacuous} certified, {self.unknown} unknown" + (", a certified counterexample" if self.counterexample else "")
                + (f"; error: {self.error}" if self.error else ""))

    def __str__(self) -> str:
        lines = [self.summary()]
        if self.counterexample is not None:
            cx = self.counterexample.to_json(self.id, witness_name(self.id))
            lines += [str(self.counterexample.verdict), f"re-check (with the witness file): {cx['recheck']}"
                      if _reachable_from_cli(self.id) else
                      "re-check in Python: verify.check(the claim, the witness instance) — the claim is defined in "
                      "this session, not in a plugin file the command line can load"]
            if self.counterexample.reproduce_failure:
                lines.append(f"replay: {self.counterexample.reproduce_failure}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        body = f"<p><b>{html.escape(self.summary())}</b></p>"
        if self.counterexample is not None:
            body += self.counterexample.verdict._repr_html_()
        return f"<div>{body}</div>"

    def to_json(self, witness_file: str) -> dict:
        return {"id": self.id, "kind": self.kind, "family": self.family, "provenance": self.provenance,
                "spec_name": self.spec_name, "statement": self.statement, "note": self.note, "seed": self.seed,
                "budget": {"examples": self.budget.examples, "seconds": self.budget.seconds},
                "examples": self.examples, "screened": self.screened, "certified": self.certified,
                "holds": self.holds, "vacuous": self.vacuous, "unknown": self.unknown, "timeouts": self.timeouts,
                "duplicates": self.duplicates, "distinct": self.distinct, "shrink_cut": self.shrink_cut,
                "violated": self.violated,
                "counterexamples": int(self.counterexample is not None), "seconds": round(self.seconds, 3),
                "stop": self.stop, "best_margin": self.best_margin, "margins": self.margins,
                "passed": self.passed, "outcome": self.outcome, "error": self.error,
                "objectives": self.objectives, "no_checkable_form": self.no_checkable_form or None,
                "counterexample": None if self.counterexample is None
                else self.counterexample.to_json(self.id, witness_file)}


# --------------------------------------------------------------------------------------------
# slack


def relative_slack(relations: list[Relation], hypotheses=()) -> float | None:
    """min over the relations of the relative slack (module doc); ``None`` where nothing is
    comparable (every relation vacuous or undecidable, or a hypothesis certified false)."""
    if any(h.holds is False for h in hypotheses):
        return None
    out = None
    for r in relations:
        if r.op == "?" or (r.given is not None and r.given.status == Status.VIOLATED):
            continue
        lhs, rhs, m = to_float(r.lhs), to_float(r.rhs), to_float(r.margin)
        if lhs is None or rhs is None or m is None:
            continue
        scale = 1.0 + abs(lhs) + abs(rhs)
        if r.op == "=":
            s = -abs(m) / scale
        elif r.op == "≠":
            s = abs(m) / scale
        else:
            s = m / scale
        if math.isfinite(s):
            out = s if out is None else min(out, s)
    return out


def screen(ref: str, inst: Instance) -> tuple[Status | None, float | None]:
    """The 53-bit screening evaluation -- on large instances of a claim with a fast-ball path
    (``Claim.fast``), the fast-ball rung first: (status, relative slack); (None, None) where it
    is skipped (box measures in d ≥ 2, whose ball engine is slow) or cannot decide an order."""
    status, _, slack, _ = _screen(ref, inst)
    return status, slack


def _screen(ref: str, inst: Instance) -> tuple[Status | None, bool, float | None, bool]:
    """`screen` with the vacuity of a HOLDS and whether the claim was evaluated at all:
    (status, vacuous, slack, evaluated)."""
    from .checking import _evaluate, fast_worthwhile
    from .numbers import FAST
    from .registry import resolve

    m = inst.measure
    if m is not None and m.d >= 2 and not isinstance(m, Empirical):
        return None, False, None, False
    claim, mutant, variants = resolve(ref, inst.variants)
    # on large instances of a claim with a fast-ball path, the screen is that path
    prec = FAST if claim.fast and fast_worthwhile(inst) else SCREEN_BITS
    try:
        status, vacuous, relations, hypotheses, _ = _evaluate(claim, mutant, inst, variants, prec)
    except Undecided:
        if prec == SCREEN_BITS:
            return None, False, None, True
        try:
            status, vacuous, relations, hypotheses, _ = _evaluate(claim, mutant, inst, variants, SCREEN_BITS)
        except Undecided:
            return None, False, None, True
    return status, vacuous, relative_slack(relations, hypotheses), True


class _ScreenPolicy:
    """Whether the 53-bit screen is worth running: it is, for the first `TRIALS` instances it can
    be run on, and then as long as it certifies at least one in `KEEP_IF_ONE_IN`; a claim whose
    screen (almost) never certifies goes straight to `registry.check` (which decides exactly
    the same; the screen only ever saves work).  Decided by counts, not by time, so a seed still
    gives the same search."""

    TRIALS = 8
    KEEP_IF_ONE_IN = 8

    def __init__(self):
        self.tried = 0
        self.certified = 0

    @property
    def active(self) -> bool:
        return self.tried < self.TRIALS or self.certified * self.KEEP_IF_ONE_IN >= self.tried

    def note(self, status: Status | None):
        self.tried += 1
        self.certified += status == Status.HOLDS


def strategy_for(ref: str):
    """The Hypothesis strategy of instance dicts that ``search`` draws for ``ref``."""
    from .registry import resolve

    claim, mutant, _ = resolve(ref)
    make = (mutant.instances if mutant is not None and mutant.instances is not None else claim.instances)
    if make is None:
        raise InputError(f"{claim.id} has no instance strategy to search (Claim.instances)", "claim")
    return make()


# --------------------------------------------------------------------------------------------
# the search


def instance_key(inst) -> tuple | None:
    """An exact, hashable canonical form of an instance dict, for reusing a verdict within one
    search: two instances get the same key only when they are equal value by value *and* type by
    type (the text ``"1/3"`` and the float 0.333… differ, so do ``1`` and ``1.0``, ``1`` and
    ``True``, ``-0.0`` and ``0.0``, ``"2/4"`` and ``"1/2"``); the order of a dict's keys does not
    matter.  None for anything else (such an instance is decided every time it is drawn)."""
    try:
        return _key(inst)
    except _Uncacheable:
        return None


class _Uncacheable(Exception):
    pass


def _key(x):
    t = type(x)
    if t is str or t is int or t is bool or x is None:
        return (t.__name__, x)
    if t is dict:
        # keys are distinct, so the sort never compares two values
        return ("dict", tuple(sorted((_key(k), _key(v)) for k, v in x.items())))
    if t is list or t is tuple:
        return (t.__name__, tuple(_key(v) for v in x))
    if t is float:
        return ("float", repr(x))  # exact (repr round-trips), −0.0 ≠ 0.0, a NaN equals itself
    raise _Uncacheable


@dataclass
class _Decided:
    """What deciding one instance gave: its count category, relative slack and objective values
    (for `hypothesis.target`, again on every replay so that targeting sees the same scores)."""

    category: str  # see `_category`
    slack: float | None
    objectives: tuple = ()

    def steer(self):
        import hypothesis

        if self.slack:  # an exact 0 (an identity that holds) carries no direction to steer in
            hypothesis.target(-max(-1e300, min(1e300, self.slack)), label="violation (−relative slack)")
        for name, value in self.objectives:
            hypothesis.target(max(-1e300, min(1e300, value)), label=name)


class _Found(Exception):
    """Raised inside the Hypothesis test on a certified VIOLATED, so that Hypothesis shrinks it."""


class _OutOfTime(BaseException):
    """Ends a search at its time budget; a BaseException, so Hypothesis does not shrink it."""


class _ShrinkCut(BaseException):
    """Ends shrinking that outlives its time (Hypothesis' shrinker keeps replaying cheaply for long
    after the search stops deciding new instances); the smallest counterexample so far is kept."""


SHRINK_GRACE = 2.0  # seconds Hypothesis gets past the shrink budget to end on its own (and print its blob)


class _ExampleTimeout(Exception):
    """One example took longer than `Budget.per_example`."""


def _is_timeout(e: BaseException) -> bool:
    """`_ExampleTimeout` or `MemoryError` (a resource limit: the example counts as UNKNOWN), also when it surfaced through C code as another exception (python-flint
    turns an exception raised in an `acb.integral` callback into a SystemError caused by it)."""
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, (_ExampleTimeout, MemoryError)):  # the per-example or the process memory limit
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise `_ExampleTimeout` in the block after ``seconds`` (SIGALRM; main thread only, elsewhere
    no limit).  The signal lands between Python bytecodes, so a long single C call finishes first;
    an interrupted evaluation is discarded, never half-used."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def handler(signum, frame):
        # an exception raised here can be swallowed where it lands (e.g. in a gc callback, which
        # Python reports as "unraisable" and goes on): fire again until the block is left
        signal.setitimer(signal.ITIMER_REAL, 0.25)
        raise _ExampleTimeout

    from .budget import deadline

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with deadline(seconds):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


_INTERRUPTED = threading.Event()


@contextlib.contextmanager
def interruptible():
    """Ctrl-C (SIGINT) in the block raises `KeyboardInterrupt` and is remembered: an exception
    raised in a signal handler can be swallowed where it lands (Hypothesis' gc callback reports it
    as "unraisable" and goes on), so `checkpoint` raises it again before the next example."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        _INTERRUPTED.set()
        raise KeyboardInterrupt

    _INTERRUPTED.clear()
    old = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        _INTERRUPTED.clear()


def checkpoint():
    """Raise `KeyboardInterrupt` if Ctrl-C was pressed inside `interruptible` and swallowed."""
    if _INTERRUPTED.is_set():
        raise KeyboardInterrupt


_BLOB = re.compile(r"@reproduce_failure\('([^']+)', (b'[^']*')\)")


def parse_reproduce(text: str) -> tuple[str, bytes]:
    """(version, blob) of a report's ``@reproduce_failure('VERSION', b'BLOB')`` line; `InputError`
    when the text is not one."""
    m = _BLOB.search(text or "")
    try:
        blob = ast.literal_eval(m.group(2)) if m else None
    except (ValueError, SyntaxError):
        blob = None
    if not isinstance(blob, bytes):
        raise InputError("expected @reproduce_failure('VERSION', b'BLOB') as printed in a report", "--reproduce")
    return m.group(1), blob


def search(ref, budget: Budget | None = None, seed: int = 0, database: str | Path | None = None,
           on_example: Callable[[SearchResult], None] | None = None, reproduce: str | None = None,
           explicit: bool = True) -> SearchResult:
    """Search claim (or mutant) ``ref`` — an id or a `Claim` object — for a certified
    counterexample within ``budget`` (default: the ``ci`` profile, 200 examples or 10 s).

    ``seed`` is the run seed (the Hypothesis seed is `claim_seed(seed, ref)`); ``database`` a
    directory for Hypothesis' example database (None: no database); ``on_example`` is called
    after every example (progress bars); ``reproduce`` an ``@reproduce_failure(...)`` line to
    replay.  With ``explicit``, a claim's built-in examples are tried first (never a mutant's
    witness: the search has to find a planted violation by itself).  Raises `InputError` for an
    unknown claim; every other failure is recorded in ``result.error``."""
    import hypothesis
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    from .checking import check, claim_ref
    from .registry import resolve

    ref = claim_ref(ref)
    budget = PROFILES["ci"] if budget is None else budget
    claim, mutant, chosen = resolve(ref)
    strategy = strategy_for(ref)
    hseed = claim_seed(seed, ref)
    res = SearchResult(id=ref, kind="mutant" if mutant else "claim", family=claim.family,
                       provenance=claim.provenance, spec_name=mutant.spec_name if mutant else None,
                       statement=mutant.statement if mutant else claim.statement_for(chosen), note=claim.note, seed=hseed,
                       budget=budget, no_checkable_form="" if mutant else claim.no_checkable_form)
    state = {"found": None, "found_at": None, "shrinks": 0, "errored": None}
    t0 = time.perf_counter()

    # instance key -> _Decided: a duplicate draw (another choice sequence giving the same instance
    # dict) and a replay while shrinking reuse the verdict of this search, never decide twice
    decided: dict[object, _Decided] = {}
    policy = _ScreenPolicy()

    def body(inst_dict):
        checkpoint()
        elapsed = time.perf_counter() - t0
        found = state["found"] is not None
        if not found and elapsed > budget.seconds:
            raise _OutOfTime
        key = instance_key(inst_dict)
        known = decided.get(key) if key is not None else None
        if known is not None:
            violated = known.category == "violated"
            if not found:  # a duplicate draw: an example, counted with the verdict it already has
                res.examples += 1
                res.duplicates += 1
                _record(res, known, on_example)
            known.steer()
        elif found and elapsed > 1.5 * budget.seconds:
            # out of shrinking time: only known counterexamples still fail, so Hypothesis ends
            # the shrink at the smallest so far and still replays and reports it (with its blob);
            # if it has not ended SHRINK_GRACE later, the shrink is cut (no blob then)
            if elapsed > 1.5 * budget.seconds + SHRINK_GRACE:
                raise _ShrinkCut
            violated = False
        else:
            outcome = _step(inst_dict)
            if key is not None:
                decided[key] = outcome
            if not found and outcome.category in ("holds", "screened") and len(res.held) < HELD_SAMPLE:
                res.held.append(inst_dict)
            violated = outcome.category == "violated"
        if violated:  # one raise site: Hypothesis tells failures apart by where they are raised
            state["found"] = inst_dict
            if state["found_at"] is None:
                state["found_at"] = res.examples
            raise _Found

    def _step(inst_dict) -> _Decided:
        """Decide one instance, count it, steer the search."""
        shrinking = state["found_at"] is not None
        if shrinking:
            state["shrinks"] += 1
        try:
            with _time_limit(budget.per_example):
                verdict, slack, status, vacuous = _decide(ref, inst_dict, check, policy)
        except Exception as e:
            if not _is_timeout(e):
                state["errored"] = inst_dict
                raise
            verdict, slack, status, vacuous = None, None, Status.UNKNOWN, False
            res.timeouts += not shrinking
        outcome = _Decided(_category(verdict, status, vacuous), slack, _objective_values(verdict))
        if not shrinking:
            res.examples += 1
            _record(res, outcome, on_example)
            _objectives(res, verdict, inst_dict)
        outcome.steer()
        return outcome

    db = DirectoryBasedExampleDatabase(str(database)) if database is not None else None
    test = given(strategy)(body)
    if explicit and mutant is None:
        for ex in reversed(claim.examples):
            test = hypothesis.example(ex)(test)
    if reproduce:
        test = hypothesis.reproduce_failure(*parse_reproduce(reproduce))(test)
    test = hypothesis.seed(hseed)(test)  # before settings: @seed alone would switch the database off
    test = settings(max_examples=budget.examples, database=db, deadline=None, derandomize=False, print_blob=True,
                    verbosity=Verbosity.quiet, report_multiple_bugs=False, suppress_health_check=list(HealthCheck),
                    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink))(test)
    blob = None
    try:
        test()
    except _Found as e:
        blob = next((m.group(0) for n in getattr(e, "__notes__", []) for m in [_BLOB.search(n)] if m), None)
    except _OutOfTime:
        res.stop = "time"
    except _ShrinkCut:
        res.shrink_cut = True
    except InputError as e:
        res.error = f"the strategy drew an instance the claim rejects: {e}; instance: {json.dumps(state['errored'])}"
    except SoundnessError as e:
        res.error = f"SOUNDNESS: {e}"
    except Exception as e:  # a bug in a claim or engine: report it with the instance that triggers it
        res.error = f"{type(e).__name__}: {e}; instance: {json.dumps(state['errored'])}"
    if state["found"] is not None and res.error is None:
        _confirm(ref, res, state, blob, check)
    res.seconds = time.perf_counter() - t0
    if res.error is not None:
        res.stop = "error"
    elif res.counterexample is not None:
        res.stop = "counterexample"
    return res


def _decide(ref, inst_dict, check, policy: _ScreenPolicy | None = None
            ) -> tuple[Verdict | None, float | None, Status, bool]:
    """Screen (where ``policy`` says it pays), then certify what the screen did not certify as
    HOLDS: (verdict — None for a screened HOLDS —, slack, status, vacuous)."""
    inst = Instance.from_json(inst_dict)
    if policy is None or policy.active:
        status, vacuous, slack, evaluated = _screen(ref, inst)
        if policy is not None and evaluated:  # an undecided order counts as a failed screen
            policy.note(status)
        if status == Status.HOLDS:
            return None, slack, status, vacuous
    v = check(ref, inst, reverify=False)
    return v, relative_slack(v.relations, v.hypotheses), v.status, v.vacuous


def _objective_values(verdict: Verdict | None) -> tuple:
    """((name, value), …) of the finite `Evaluation.objective` values the claim set."""
    out = []
    for key, values in (verdict.series.items() if verdict is not None else ()):
        if not key.startswith(OBJECTIVE) or not values or values[0] is None or not math.isfinite(values[0]):
            continue
        out.append((key[len(OBJECTIVE):], values[0]))
    return tuple(out)


def _objectives(res: SearchResult, verdict: Verdict | None, inst_dict: dict):
    """Keep the best instance of every `Evaluation.objective` the claim set (`_Decided.steer`
    steers towards them)."""
    for name, value in _objective_values(verdict):
        best = res.objectives.get(name)
        if best is None or value > best["value"]:
            res.objectives[name] = {"value": value, "instance": inst_dict,
                                    "relations": [r.to_json() for r in verdict.relations],
                                    "notes": list(verdict.notes),
                                    "series": {k: v for k, v in verdict.series.items() if not k.startswith(OBJECTIVE)}}


def _category(verdict: Verdict | None, status: Status, vacuous: bool = False) -> str:
    """violated | unknown | vacuous | screened (certified HOLDS by the 53-bit screen) | holds."""
    if status == Status.VIOLATED:
        return "violated"
    if status == Status.UNKNOWN:
        return "unknown"
    if vacuous:
        return "vacuous"
    return "screened" if verdict is None else "holds"


def _count(res: SearchResult, category: str):
    if category == "screened":
        res.screened += 1
        res.holds += 1
    else:
        setattr(res, category, getattr(res, category) + 1)


def _record(res: SearchResult, outcome: "_Decided", on_example):
    """Count one example (a new instance or a duplicate draw) with its verdict."""
    res.margins.append(outcome.slack)
    _count(res, outcome.category)
    if on_example is not None:
        on_example(res)


def _confirm(ref, res: SearchResult, state, blob, check):
    """Round-trip the minimal counterexample through JSON and re-check it with independent
    re-verification; only a confirmed VIOLATED becomes ``res.counterexample``."""
    text = json.dumps({**state["found"], "claim": ref})
    inst = Instance.from_json(json.loads(text))
    try:
        v = check(ref, inst, reverify=True)
    except SoundnessError as e:
        res.error = f"SOUNDNESS: {e}"
        return
    if v.status != Status.VIOLATED:
        res.error = f"the shrunk counterexample re-checks as {v.status.value}: {text}"
        return
    if not v.reverified.startswith("confirmed"):
        res.error = f"counterexample not confirmed independently ({v.reverified}): {text}"
        return
    res.counterexample = Counterexample(v, state["found_at"], state["shrinks"], blob)


def run_report(command: str, argv: list, results: list[SearchResult], *, profile: str | None, budget: Budget,
               seed: int, started: str, seconds: float, witness_name: Callable[[str], str],
               database: str | None) -> dict:
    """The report.json document of a ``search`` or ``suite`` run (schema in `verify.report`)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def ver(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return None

    return {"tool": "relu-verify", "version": ver("relu-verify"), "format": 1, "command": command, "argv": argv,
            "profile": profile, "budget": {"examples": budget.examples, "seconds": budget.seconds}, "seed": seed,
            "database": database, "started": started, "seconds": round(seconds, 3),
            "passed": all(r.passed for r in results),
            "versions": {"python": platform.python_version(), **{p: ver(p) for p in (
                "python-flint", "hypothesis", "mpmath", "numpy")}},
            "plugins": list(USER_PLUGINS), "results": [r.to_json(witness_name(r.id)) for r in results]}


__all__ = ["Budget", "PROFILES", "SCREEN_BITS", "SearchResult", "Counterexample", "search", "screen", "instance_key",
           "strategy_for", "relative_slack", "claim_seed", "run_report"]
