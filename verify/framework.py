"""The claim abstraction: instances, relations, verdicts, claims and mutants (layer 7 core).

A claim's ``evaluate(ev)`` returns `Relation` objects -- both sides of every equality or
inequality the claim asserts on the instance -- and `Hypothesis` objects.  The status is derived,
never asserted:

* a relation is HOLDS / VIOLATED only from exact comparison or from a ball that excludes the
  boundary (`numbers.sign`), UNKNOWN otherwise;
* a relation ``given`` a premise is vacuously HOLDS where the premise is certified false;
* the claim is VIOLATED iff some relation is VIOLATED and every hypothesis is certified true;
  it holds vacuously where some hypothesis is certified false;
* with no relation at all (nothing was checked) and no hypothesis certified false, it is UNKNOWN.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable

from flint import arb, fmpq

from .dag import DagNetwork
from .errors import InputError
from .files import read_json
from .integrate import Problem, RiskGrad, risk_and_gradient
from .nets import Network
from .numbers import (EXACT, FAST, BallContext, Undecided, exact_key, is_exact, precision, parse_number, parse_rational,
                      short, sign, to_float, to_json)
from .problems import Empirical, Measure, Target, measure_from_json, target_from_json
from .registry import NETWORK_KINDS, NetworkKind, load_plugins, register_network_kind


class Status(str, Enum):
    HOLDS = "HOLDS"
    VIOLATED = "VIOLATED"
    UNKNOWN = "UNKNOWN"


EXIT_CODES = {Status.HOLDS: 0, Status.VIOLATED: 1, Status.UNKNOWN: 3}
PROVENANCE_TAGS = ("ABSTRACT", "PAPER-FAMILY", "RECONSTRUCTED", "DERIVED")
OBJECTIVE = "objective: "  # series key prefix of `Evaluation.objective`


# --------------------------------------------------------------------------------------------
# relations and hypotheses


@dataclass
class Relation:
    """``lhs op rhs`` with its certified status; ``margin`` is rhs − lhs (for = : lhs − rhs)."""

    name: str
    lhs: object
    op: str
    rhs: object
    status: Status
    margin: object
    given: "Relation | None" = None
    note: str = ""

    def to_json(self) -> dict:
        out = {"name": self.name, "lhs": _num(self.lhs), "op": self.op, "rhs": _num(self.rhs),
               "status": self.status.value, "margin": _num(self.margin)}
        if self.given is not None:
            out["given"] = self.given.to_json()
        if self.note:
            out["note"] = self.note
        return out


def _num(x):
    return None if x is None else to_json(x)


_ASCII_OPS = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥"}


def relation(name: str, lhs, op: str, rhs, given: Relation | None = None, note: str = "") -> Relation:
    """Decide ``lhs op rhs`` (op in = ≠ ≤ < ≥ >, or ASCII == != <= >=) with certified signs
    only: HOLDS or VIOLATED where the sign of the difference is certified (exact, or a ball that
    excludes 0), UNKNOWN otherwise; with ``given`` (a premise), vacuously HOLDS where the premise
    is certified false."""
    op = _ASCII_OPS.get(op, op)
    lhs, rhs = _exact_side(lhs, name), _exact_side(rhs, name)
    if op == "=":
        diff = lhs - rhs
        s = _relation_sign(diff, name)
        st = Status.UNKNOWN if s is None else (Status.HOLDS if s == 0 else Status.VIOLATED)
        margin = diff
    elif op == "≠":
        diff = lhs - rhs
        s = _relation_sign(diff, name)
        st = Status.UNKNOWN if s is None else (Status.VIOLATED if s == 0 else Status.HOLDS)
        margin = diff
    elif op in ("≤", "<"):
        margin = rhs - lhs
        s = _relation_sign(margin, name)
        ok = (s is not None) and (s >= 0 if op == "≤" else s > 0)
        st = Status.HOLDS if ok else (Status.UNKNOWN if s is None else Status.VIOLATED)
    elif op in ("≥", ">"):
        margin = lhs - rhs
        s = _relation_sign(margin, name)
        ok = (s is not None) and (s >= 0 if op == "≥" else s > 0)
        st = Status.HOLDS if ok else (Status.UNKNOWN if s is None else Status.VIOLATED)
    else:
        raise InputError(f"unknown operator {op!r} in {name!r} (= ≠ ≤ < ≥ >, or == != <= >=)", "claim")
    if given is not None and st != Status.HOLDS:
        if given.status == Status.VIOLATED:
            st = Status.HOLDS  # premise certified false: the implication holds vacuously
        elif given.status == Status.UNKNOWN:
            st = Status.UNKNOWN
    return Relation(name, lhs, op, rhs, st, margin, given, note)


def _exact_side(x, name: str):
    """A side of a relation as a number of the certified systems: `Fraction`, `Decimal` and numpy
    integers exactly; a float (Python or numpy) is refused — a float literal such as 0.1 would
    otherwise enter a ball computation as its binary value and decide the verdict."""
    import numbers as _abc
    from decimal import Decimal
    from fractions import Fraction

    if isinstance(x, (bool,)):
        raise InputError(f"relation {name!r}: a side is a bool", "claim")
    if isinstance(x, float) or type(x).__module__ == "numpy" and isinstance(x, _abc.Real) and not isinstance(
            x, _abc.Integral):
        raise InputError(f"relation {name!r}: a side is the float {x!r}; write exact numbers (e.g. "
                         f"fmpq(1, 10) or \"1/10\" parsed by verify.numbers.parse_number), floats cannot decide a "
                         f"certified verdict", "claim")
    if isinstance(x, (Fraction, Decimal)) or (type(x).__module__ == "numpy" and isinstance(x, _abc.Integral)):
        return parse_number(x, f"relation {name!r}")
    return x


def _relation_sign(x, name: str):
    """`sign`, with floats refused in one line: a float cannot decide a certified question (a
    user's claim that computed in floats is told to use the evaluation's number system)."""
    try:
        return sign(x)
    except TypeError:
        raise InputError(f"relation {name!r}: its sides are {type(x).__name__} values; compute them in the "
                         f"evaluation's number system (exact or balls: ev.num, ev.theta, ev.risk_grad, …), "
                         f"floats cannot decide a certified verdict", "claim") from None


def undecidable(name: str, note: str) -> Relation:
    """A part of a claim this engine cannot certify at all (e.g. a limit t → ∞)."""
    return Relation(name, None, "?", None, Status.UNKNOWN, None, None, note)


@dataclass
class Hypothesis:
    name: str
    holds: bool | None  # None: not decided
    detail: str = ""

    def to_json(self):
        return {"name": self.name, "holds": self.holds, "detail": self.detail}


# --------------------------------------------------------------------------------------------
# instances


@dataclass
class Instance:
    """Everything a claim quantifies over; round-trips exactly through the instance JSON (README, "Instance files")."""

    net: Network
    target: Target
    measure: Measure | None
    params: dict = field(default_factory=dict)
    variants: tuple = ()
    claim: str | None = None
    target_given: bool = True  # False: the file had no 'target' and f = 0 is used (verdicts say so)
    region: object = None  # a `verify.regions.Region`: the claim is asked for every θ in it

    @classmethod
    def from_json(cls, obj, where: str = "instance") -> "Instance":
        if not isinstance(obj, dict):
            raise InputError("an instance must be a JSON object", where)
        if "network" not in obj:
            raise InputError("missing key 'network'", where)
        net = network_from_json(obj["network"], "network")
        target = target_from_json(obj.get("target", {"kind": "constant", "value": 0}), net.d, "target")
        measure = measure_from_json(obj["measure"], net.d, "measure") if "measure" in obj else None
        params = obj.get("params", {})
        if not isinstance(params, dict):
            raise InputError("params must be an object", "params")
        variants = obj.get("variants", [])
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise InputError("variants must be a list of names", "variants")
        claim = obj.get("claim")
        if claim is not None and not isinstance(claim, str):
            raise InputError("claim must be a string", "claim")
        known = {"claim", "network", "target", "measure", "params", "variants", "region"}
        extra = sorted(set(obj) - known)
        if extra:
            raise InputError(f"unknown key(s) {extra} (expected {sorted(known)})", where)
        region = None
        if "region" in obj:
            from .regions import parse_region

            region = parse_region(obj["region"], net, params, "region")
        return cls(net, target, measure, dict(params), tuple(variants), claim, "target" in obj, region)

    @classmethod
    def load(cls, path) -> "Instance":
        """The instance file at ``path``; files it names (a network kind with a ``"path"``, e.g. an
        ONNX model) are read relative to its folder (`instance_dir`)."""
        token = _INSTANCE_DIR.set(Path(path).resolve().parent)
        try:
            return cls.from_json(read_json(path), str(path))
        finally:
            _INSTANCE_DIR.reset(token)

    def to_json(self) -> dict:
        out = {}
        if self.claim:
            out["claim"] = self.claim
        out["network"] = self.net.to_json()
        out["target"] = self.target.to_json()
        if self.measure is not None:
            out["measure"] = self.measure.to_json()
        out["params"] = _params_json(self.params)
        if self.variants:
            out["variants"] = list(self.variants)
        if self.region is not None:
            out["region"] = self.region.to_json()
        return out

    def replace(self, **kw) -> "Instance":
        d = dict(net=self.net, target=self.target, measure=self.measure, params=self.params,
                 variants=self.variants, claim=self.claim, target_given=self.target_given, region=self.region)
        d.update(kw)
        return Instance(**d)

    def is_exact(self) -> bool:
        return all(is_exact(t) for t in self.net.theta) and self.target.is_exact()


_INSTANCE_DIR: contextvars.ContextVar = contextvars.ContextVar("instance_dir", default=None)


def instance_dir() -> Path:
    """The folder of the instance file being read (`Instance.load`), else the working directory:
    where a network kind resolves a relative ``"path"``."""
    return _INSTANCE_DIR.get() or Path.cwd()


def load_network(path, where: str = "network"):
    """The network of a file: a network JSON, or an instance file (its ``"network"``); files it
    names are read relative to its folder, as in `Instance.load`."""
    token = _INSTANCE_DIR.set(Path(path).resolve().parent)
    try:
        obj = read_json(path)
        return network_from_json(obj.get("network", obj) if isinstance(obj, dict) else obj, where)
    finally:
        _INSTANCE_DIR.reset(token)


def network_from_json(obj, where: str = "network"):
    """A `Network` (``{"widths", "theta"}``, output width 1, the cjrr21 layout); with a ``kind``
    key, the network of that registered kind (`verify.registry.register_network_kind`): the core's
    ``"mlp"`` and ``"dag"`` give a `DagNetwork` (several outputs, optional biases); families add
    theirs (yoneda23: ``"d0"``, the D0 construction given by its knobs)."""
    if isinstance(obj, dict) and "kind" in obj:
        name = obj["kind"]
        if isinstance(name, str) and name not in NETWORK_KINDS:
            load_plugins()
        if not isinstance(name, str) or name not in NETWORK_KINDS:
            known = " or ".join(repr(k) for k in sorted(NETWORK_KINDS))
            raise InputError(f"network kind must be {known}, got {name!r}", f"{where}.kind")
        return NETWORK_KINDS[name].from_json(obj, where)
    return Network.from_json(obj, where)


for _name, _doc in (("mlp", "a layered ReLU MLP: widths, weight matrices W and biases b (gsgd19 §2)"),
                    ("dag", "a ReLU network on a directed acyclic graph: nodes, edges, biases (gsgd19 §2)")):
    register_network_kind(NetworkKind(_name, DagNetwork.from_json, _doc))


def _params_json(p):
    if isinstance(p, dict):
        return {k: _params_json(v) for k, v in p.items()}
    if isinstance(p, (list, tuple)):
        return [_params_json(v) for v in p]
    if isinstance(p, (str, int, float, bool)) or p is None:
        return p
    return to_json(p)


# --------------------------------------------------------------------------------------------
# evaluation environment


@dataclass
class Evaluation:
    """What a claim's ``evaluate`` sees: the instance, the selected variants, the arithmetic
    (``prec=None``: exact where the data allow; an int: balls at that many bits; ``fast``: the
    engines that have one take their fast-ball path, see `verify.enclosures`), and a cache of ℒ
    and 𝒢 per parameter vector."""

    inst: Instance
    variants: dict
    prec: int | None
    independent: bool = False  # re-verification: prefer another engine / number system
    notes: list = field(default_factory=list)
    engines: set = field(default_factory=set)
    series: dict = field(default_factory=dict)
    variant_names: list | None = None  # the variants in force, when the instance itself selects some
    fast: bool = False  # the fast-ball rung: network passes in `verify.fastball`, the rest in balls at ``prec``
    _cache: dict = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return self.prec is None

    def num(self, x):
        """x in this evaluation's number system (a ball at ``prec`` bits unless exact)."""
        if self.prec is None:
            return x
        with precision(self.prec):
            return x if isinstance(x, arb) else arb(x)

    def record(self, name: str, values):
        """Keep a quantity along the iterates (e.g. V(Θ_n)) for the report's plots; floats
        only, never used for a verdict."""
        self.series[name] = [to_float(v) for v in values]

    def objective(self, name: str, value):
        """A quantity the adversarial search should drive up (e.g. a certified lower bound of a
        theorem's unknown constant): the search steers with `hypothesis.target` and reports the
        largest value it met with its instance.  A float, never used for a verdict."""
        self.series[OBJECTIVE + name] = [to_float(value)]

    @property
    def ctx(self):
        """The number system of this evaluation: `EXACT`, or a `BallContext` at ``prec`` bits."""
        return EXACT if self.prec is None else BallContext(self.prec)

    def theta(self, net=None) -> list:
        """θ of ``net`` (default: the instance's network) in this evaluation's number system."""
        net = self.inst.net if net is None else net
        return [self.num(t) for t in net.theta]

    def realization(self, net, x):
        """𝒩^θ(x) in this evaluation's number system: a number for a one-output `Network`, the list
        of the K outputs for a `DagNetwork`.  ``x``: numbers in any form `parse_number` takes."""
        xs = [self.num(parse_number(v, f"x[{k}]")) for k, v in enumerate(x)]
        if len(xs) != net.d:
            raise InputError(f"x has {len(xs)} coordinates, the network takes {net.d}", "x")
        with self.ctx.active():
            if isinstance(net, Network):
                return net.with_theta(self.theta(net)).forward(xs, self.ctx.relu, None, grad=False)[0]
            return net(xs)

    def gd_step(self, net, gamma, target: Target | None = None, measure: Measure | None = None) -> Network:
        """One gradient-descent step θ − γ𝒢(θ) on the risk (the instance's target and measure by
        default; ReLU′(0) from the ``deriv0`` variant), in this evaluation's number system."""
        if not isinstance(net, Network):
            raise InputError(f"gd_step takes a one-output Network (the risk engines' networks), not a "
                             f"{type(net).__name__}", "network")
        gamma = self.num(parse_number(gamma, "gamma"))
        rg = self.risk_grad(net, target, measure)
        with self.ctx.active():
            return net.with_theta([t - gamma * g for t, g in zip(self.theta(net), rg.G)])

    def sgd_step(self, net, gamma, batch, weights=None) -> Network:
        """One SGD step: a GD step on the empirical measure of the mini-batch ``batch`` (points,
        each a list of numbers; ``weights`` default uniform 1/|batch|)."""
        if not batch:
            raise InputError("the mini-batch is empty", "batch")
        pts = tuple(tuple(parse_number(v, f"batch[{k}]") for v in p) for k, p in enumerate(batch))
        ws = tuple(fmpq(1, len(pts)) for _ in pts) if weights is None else tuple(
            parse_rational(w, f"weights[{k}]") for k, w in enumerate(weights))
        return self.gd_step(net, gamma, measure=Empirical(pts, ws))

    def param(self, key, default=None, parse=parse_number):
        if key not in self.inst.params:
            return default
        return parse(self.inst.params[key], f"params.{key}")

    def rational_param(self, key, default=None):
        return self.param(key, default, parse_rational)

    def risk_grad(self, net: Network, target: Target | None = None, measure: Measure | None = None,
                  deriv0=None) -> RiskGrad:
        target = target or self.inst.target
        measure = measure or self.inst.measure
        if measure is None:
            raise InputError("this claim needs a measure", "measure")
        deriv0 = self.variants.get("deriv0", fmpq(0)) if deriv0 is None else deriv0
        shape = (type(net).__name__, net.widths, getattr(net, "edges", None), getattr(net, "bias_nodes", None),
                 getattr(net, "kinds", None), getattr(net, "activation", None))
        key = (exact_key(net.theta), shape, id(target), id(measure), exact_key(deriv0))
        if key not in self._cache:
            prob = Problem(net, target, measure, deriv0)
            if self.prec is None:
                exact = None
            else:
                exact = False
            engine = None
            if self.independent and self.prec is None and measure.d == 1 and not hasattr(measure, "points"):
                engine = "E1g"
            if measure.d >= 2 and not prob.is_exact() and not hasattr(measure, "points"):
                raise Undecided("ball parameters θ in d >= 2 need engines E2/E3, which take rational θ only")
            rg = risk_and_gradient(prob, prec=FAST if self.fast else self.prec or 64, exact=exact, engine=engine)
            self.engines.add(rg.engine + ("-exact" if rg.exact else "" if self.fast else f"-ball{self.prec or 64}"))
            self._cache[key] = (rg, target, measure)  # holding them keeps their ids unique
        return self._cache[key][0]


# --------------------------------------------------------------------------------------------
# claims, mutants, verdicts


@dataclass(frozen=True)
class Param:
    """One key of an instance's ``params`` that a claim reads: its type, default (None: required
    or computed, as ``doc`` says) and meaning."""

    type: str
    default: object = None
    doc: str = ""

    def to_json(self) -> dict:
        return {"type": self.type, "default": _params_json(self.default), "doc": self.doc}


@dataclass
class Claim:
    id: str
    source: str
    provenance: str
    statement: str
    evaluate: Callable[[Evaluation], tuple[list[Relation], list[Hypothesis]]]
    note: str  # proofs_notes/<file>.md#anchor
    examples: list = field(default_factory=list)  # built-in instances (JSON dicts)
    variant_groups: tuple = ()
    params_doc: str = ""
    mutants: list = field(default_factory=list)
    family: str = ""
    instances: Callable[[], object] | None = None  # () -> Hypothesis strategy of instance dicts
    uses_target: bool = True  # False: the instance's 'target' plays no part (no "f = 0 is used" note)
    params: dict = field(default_factory=dict)  # {key: Param}: every instance 'params' key the claim reads
    statement_subs: dict = field(default_factory=dict)  # {variant name: [(text, replacement), ...]}
    # True: with ``ev.independent`` the evaluation takes another exact path (another engine or code
    # of its own), so an exact re-run counts as an independent confirmation of a VIOLATED
    independent_exact: bool = True
    # True: the evaluation's heavy parts go through engines with a fast-ball path (ℒ and 𝒢 on
    # empirical measures, DagNetwork gradients), so `check` tries the fast-ball rung first on large
    # instances
    fast: bool = False
    # non-empty: the claim has no checkable form (why); its examples are UNKNOWN by design, and the suite's
    # decision rate lists it apart instead of counting it undecided
    no_checkable_form: str = ""

    def __post_init__(self):
        if self.provenance not in PROVENANCE_TAGS:
            raise ValueError(f"{self.id}: provenance must be one of {PROVENANCE_TAGS}")

    def statement_for(self, variants) -> str:
        """The statement with the selected variants in force: ``variants`` is a `resolve` dict
        ({group: value, group + ":name": name, group + ":explicit": bool}: only the variants chosen
        explicitly rewrite it, so the default statement is the registered one) or a list of names."""
        if isinstance(variants, dict):
            names = [v for k, v in variants.items() if k.endswith(":name") and variants.get(k[:-5] + ":explicit", True)]
        else:
            names = list(variants)
        text = self.statement
        for name in names:
            for old, new in self.statement_subs.get(name, ()):
                text = text.replace(old, new)
        return text


@dataclass
class Mutant:
    """A planted violation: a known-false weakening of ``parent``.  ``witness`` is an instance on
    which the checker must return VIOLATED."""

    parent: str
    name: str
    spec_name: str
    statement: str
    evaluate: Callable
    witness: dict
    forced_variants: dict = field(default_factory=dict)
    instances: Callable[[], object] | None = None  # default: the parent claim's strategy

    @property
    def id(self) -> str:
        return f"{self.parent}~{self.name}"


@dataclass
class Verdict:
    claim: str
    status: Status
    relations: list
    hypotheses: list
    vacuous: bool
    precision: str
    engines: list
    seconds: float
    instance: dict
    variants: list
    provenance: str
    statement: str
    notes: list = field(default_factory=list)
    reverified: str = ""
    series: dict = field(default_factory=dict)
    certificate: dict | None = None  # a certificate file's content, {"kind": ..., ...} (`check --certificate`)
    witness: dict | None = None  # a region's VIOLATED: the point instance (no region) that `check` reproduces
    region: dict | None = None  # a region's summary: boxes, certified volume fraction, undecided boxes

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_json(self) -> dict:
        out = {"claim": self.claim, "status": self.status.value, "vacuous": self.vacuous,
                "provenance": self.provenance, "statement": self.statement, "variants": self.variants,
                "precision": self.precision, "engines": self.engines, "seconds": round(self.seconds, 6),
                "hypotheses": [h.to_json() for h in self.hypotheses],
                "relations": [r.to_json() for r in self.relations],
                "reverified": self.reverified, "notes": self.notes, "series": self.series,
                "instance": self.instance}
        out.update({k: getattr(self, k) for k in ("region", "witness") if getattr(self, k) is not None})
        return out

    def __str__(self) -> str:
        return format_verdict(self)

    def _repr_html_(self) -> str:
        """Jupyter: the status, hypotheses and relations with both sides (exact or ball)."""
        import html

        color = {"HOLDS": "#1a7f37", "VIOLATED": "#cf222e"}.get(self.status.value, "#9a6700")
        rows = "".join(
            f"<tr><td>{html.escape(r.status.value)}</td><td>{html.escape(r.name)}</td>"
            f"<td><code>{html.escape(short(r.lhs))}</code></td><td>{html.escape(r.op)}</td>"
            f"<td><code>{html.escape(short(r.rhs))}</code></td></tr>" for r in self.relations)
        hyps = "".join(f"<li>[{'yes' if h.holds else ('NO' if h.holds is False else 'undecided')}] "
                       f"{html.escape(h.name)}</li>" for h in self.hypotheses)
        return (f"<div><b>{html.escape(self.claim)}</b>: <b style='color:{color}'>{self.status.value}</b>"
                f"{' (vacuously)' if self.vacuous else ''} <small>[{html.escape(self.provenance)}] "
                f"{html.escape(self.statement)} — {html.escape(self.precision)}, {self.seconds:.3f} s</small>"
                + (f"<ul>{hyps}</ul>" if hyps else "")
                + f"<table><tr><th>status</th><th>relation</th><th>lhs</th><th></th><th>rhs</th></tr>{rows}</table>"
                + (f"<small>re-verified {html.escape(self.reverified)}</small>" if self.reverified else "") + "</div>")


def format_verdict(v: Verdict) -> str:
    """The verdict as ``relu-verify check`` prints it (also ``str(verdict)``)."""
    lines = [f"{v.claim}: {v.status.value}" + (" (vacuously: a hypothesis fails)" if v.vacuous else ""),
             f"  statement   [{v.provenance}] {v.statement}"]
    if v.variants:
        lines.append(f"  variants    {', '.join('@' + x for x in v.variants)}")
    lines.append(f"  arithmetic  {v.precision}   engines: {', '.join(v.engines) or '-'}   time: {v.seconds:.3f} s")
    if v.hypotheses:
        lines.append("  hypotheses")
        for h in v.hypotheses:
            mark = {True: "yes", False: "NO", None: "undecided"}[h.holds]
            lines.append(f"    [{mark}] {h.name}" + (f"  ({h.detail})" if h.detail else ""))
    lines.append("  relations")
    for r in v.relations:
        lines.append(f"    [{r.status.value}] {r.name}")
        if r.op == "?":
            lines.append(f"        {r.note}")
            continue
        lines.append(f"        lhs = {short(r.lhs)}")
        lines.append(f"        rhs = {short(r.rhs)}")
        lines.append(f"        margin = {short(r.margin)}")
        if r.given is not None:
            lines.append(f"        given [{r.given.status.value}] {r.given.name}")
    if v.reverified:
        lines.append(f"  re-verified {v.reverified}")
    for n in v.notes:
        lines.append(f"  note        {n}")
    return "\n".join(lines)



def combine(relations: list[Relation], hypotheses: list[Hypothesis]) -> tuple[Status, bool]:
    """(status, vacuous) from the relations and hypotheses, by the rules of the module doc."""
    if any(h.holds is False for h in hypotheses):
        return Status.HOLDS, True
    if not relations:  # nothing was checked (an evaluation stops early while a hypothesis is open)
        return Status.UNKNOWN, False
    if any(r.status == Status.VIOLATED for r in relations):
        if all(h.holds is True for h in hypotheses):
            return Status.VIOLATED, False
        return Status.UNKNOWN, False
    if all(r.status == Status.HOLDS for r in relations):
        return Status.HOLDS, False
    return Status.UNKNOWN, False
