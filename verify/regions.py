"""Region certificates: a claim for every θ in a box of parameters (issue 20).

An instance with a ``"region"`` key names, for some coordinates of θ (the network's parameter
vector, `Network.theta` / `DagNetwork.theta`) and some scalar ``params`` (e.g. ``gamma``), a closed
interval [lo, hi] with exact rational endpoints; everything else stays a point.  The question is

    ∀ θ ∈ R = Π_k [lo_k, hi_k] :  the claim holds at θ,

and `check_region` answers it by branch and bound over R in ball arithmetic:

* a leaf box B is the instance with each region coordinate replaced by an Arb ball that contains
  [lo_k, hi_k] (the union of the balls of the two endpoints: it may be slightly larger than the box,
  which only makes HOLDS harder) and evaluated by the claim's ordinary evaluation -- fast-ball first
  where the claim declares it, then Arb at 64 and 128 bits (a box with every side of width 0 is a
  point and is checked exactly);
* **soundness** (proofs_notes/regions.md): every quantity a ball evaluation computes encloses the
  value of that quantity at every member of the input balls (inclusion property of ball
  arithmetic), and a relation or hypothesis is decided only by a certified sign of such an
  enclosure.  So a relation certified HOLDS on B holds at every θ ∈ B; a hypothesis certified
  false on B is false at every θ ∈ B, where the claim holds vacuously; hence a leaf whose verdict
  is HOLDS certifies the claim on all of B.  The leaves of the certificate's tree partition R
  (every split point lies in its box), so HOLDS on all leaves is HOLDS on R;
* a leaf VIOLATED or UNKNOWN is split; VIOLATED on a box is *not* a witness by itself: a witness
  is a rational point θ* ∈ R (a box's centre) on which the ordinary exact `check` returns a
  VIOLATED verdict that its independent re-verification confirmed;
* a HOLDS over R is returned only after `recheck_region` re-evaluated every leaf of the
  certificate independently (another precision, the fast-ball rung's leaves in Arb, with
  ``Evaluation.independent`` set so engines that have another path take it).

The first rung of every box is `CELL` (`verify.cells`): the claim's own code on exact rational
functions of the box's coordinates, every comparison decided for the whole box -- the one rung
that certifies equalities ("=" relations) on a box of positive width, since two different
enclosures never do (a ball difference contains 0 but is not exactly 0).  A claim whose code
cannot run on cells (square roots, fmpq conversions, balls) switches the rung off on its first
box; a box where a comparison changes sign (a kink through it) is split where that comparison
moves most.

Splitting: a hidden neuron whose activation is undecided over the box at a point of the measure's
support (an empirical measure's atoms, or the corners of a bounded support box: its kink crosses
the support) has its inner coordinates (𝔴_i, 𝔟_i) split first; otherwise the coordinate of
largest estimated influence on the worst margin (a finite-difference slope at the region's centre
times the side's width, a heuristic only: it never decides anything); children start at the
precision rung that decided or last tried on their parent.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import time
from dataclasses import dataclass, field

from flint import arb, fmpq

from .errors import InputError, SoundnessError
from .numbers import FAST, Undecided, is_exact, parse_rational, precision, sign, to_float, to_json

LEAF_PRECISIONS = (64, 128)
CELL = "cell"  # the rung of exact polynomials over the box (verify.cells): it can certify identities
MAX_PIECES = 27  # runs of one box's case split on cells (3 per split comparison)
CELL_SECONDS = 20.0  # budget of one box's evaluation on cells (past it the claim's boxes go to balls)
MIN_SPLIT = 40  # a side narrower than 2^-MIN_SPLIT of the region's side is not split again
CERTIFICATE_KIND = "region"
CERTIFICATE_VERSION = 1


# --------------------------------------------------------------------------------------------
# the region of an instance


@dataclass(frozen=True)
class Coord:
    """One coordinate of a region: ``("theta", k)`` (θ_k, 0-based) or ``("params", name)``."""

    kind: str
    key: object
    lo: fmpq
    hi: fmpq

    @property
    def name(self) -> str:
        return f"θ[{self.key}]" if self.kind == "theta" else f"params.{self.key}"


@dataclass(frozen=True)
class Region:
    """Closed box Π [lo_k, hi_k] over named coordinates of an instance (exact rational endpoints)."""

    coords: tuple
    radius: fmpq | None = None  # the "theta_radius" it was given with, kept for to_json
    given: dict = field(default_factory=dict, compare=False)  # the JSON it was read from

    @property
    def box(self) -> tuple:
        return tuple((c.lo, c.hi) for c in self.coords)

    def to_json(self) -> dict:
        return self.given

    def volume_dims(self) -> list[int]:
        """The coordinates of positive width (those a volume fraction is taken over)."""
        return [k for k, c in enumerate(self.coords) if c.hi > c.lo]


def parse_region(obj, net, params: dict, where: str = "region") -> Region:
    """The `Region` of an instance file's ``"region"`` object::

        {"theta": {"0": ["-1/10", "1/10"], "4": ["1/2", "3/4"]},   θ_k ∈ [lo, hi] (index: 0-based)
         "theta_radius": "1/1024",                                 every other θ_k ± r
         "params": {"gamma": ["1/100", "1/10"]}}                  a scalar param ∈ [lo, hi]

    Endpoints are exact rationals with lo ≤ hi (`InputError` otherwise); θ must be rational where
    the region moves it (``theta_radius``) and the network must have a parameter vector."""
    if not isinstance(obj, dict):
        raise InputError("region must be an object {\"theta\": {...}, \"theta_radius\": r, \"params\": {...}}", where)
    extra = sorted(set(obj) - {"theta", "theta_radius", "params"})
    if extra:
        raise InputError(f"unknown key(s) {extra} (expected 'theta', 'theta_radius', 'params')", where)
    theta = getattr(net, "theta", None)
    coords, taken = [], set()
    if ("theta" in obj or "theta_radius" in obj) and (theta is None or not hasattr(net, "with_theta")):
        raise InputError(f"this network kind has no parameter vector θ to take a region over", where)
    t_obj = obj.get("theta", {})
    if not isinstance(t_obj, dict):
        raise InputError("region.theta must be an object {\"INDEX\": [lo, hi]} (0-based indices of θ)", where + ".theta")
    for key in sorted(t_obj, key=lambda s: (len(str(s)), str(s))):
        w = f"{where}.theta.{key}"
        try:
            k = int(key)
        except (TypeError, ValueError):
            raise InputError(f"index {key!r} is not an integer", w) from None
        if str(k) != str(key).strip() or not 0 <= k < len(theta):
            raise InputError(f"index {key!r} out of range (θ has {len(theta)} entries, 0-based)", w)
        lo, hi = _interval(t_obj[key], w)
        coords.append(Coord("theta", k, lo, hi))
        taken.add(k)
    radius = None
    if "theta_radius" in obj:
        radius = parse_rational(obj["theta_radius"], where + ".theta_radius")
        if radius < 0:
            raise InputError("theta_radius must be ≥ 0", where + ".theta_radius")
        for k, t in enumerate(theta):
            if k in taken:
                continue
            if not is_exact(t):
                raise InputError(f"θ[{k}] is a ball: a region is taken around exact (rational) values", where)
            coords.append(Coord("theta", k, fmpq(t) - radius, fmpq(t) + radius))
        coords.sort(key=lambda c: c.key)
    p_obj = obj.get("params", {})
    if not isinstance(p_obj, dict):
        raise InputError("region.params must be an object {\"NAME\": [lo, hi]}", where + ".params")
    for name in sorted(p_obj):
        coords.append(Coord("params", name, *_interval(p_obj[name], f"{where}.params.{name}")))
    if not coords:
        raise InputError("the region names no coordinate (give 'theta', 'theta_radius' or 'params')", where)
    for k, t in enumerate(theta or ()):
        if not is_exact(t):
            raise InputError(f"θ[{k}] is a ball: in an instance with a region, the points are exact (the region "
                             f"gives the intervals)", "network")
    for name, v in params.items():
        if isinstance(v, str) and v.strip().startswith("["):
            raise InputError(f"params.{name} is a ball: in an instance with a region, the points are exact (put "
                             f"its interval in region.params)", "params")
    return Region(tuple(coords), radius, obj)


def _interval(value, where: str) -> tuple[fmpq, fmpq]:
    if not isinstance(value, list) or len(value) != 2:
        raise InputError("an interval is [lo, hi] (two exact rationals)", where)
    lo, hi = parse_rational(value[0], where + "[0]"), parse_rational(value[1], where + "[1]")
    if lo > hi:
        raise InputError(f"empty interval: lo = {to_json(lo)} > hi = {to_json(hi)}", where)
    return lo, hi


# --------------------------------------------------------------------------------------------
# instances at a box or a point


def _ball(lo: fmpq, hi: fmpq, prec: int):
    """An Arb ball containing [lo, hi] at ``prec`` bits (a rational where lo = hi)."""
    if lo == hi:
        return lo
    with precision(prec):
        ball = arb(lo).union(arb(hi))
        if ball.mid() == 0:  # python-flint's x ** 2 is nan on a ball centred at 0: a larger ball off 0
            ball = arb(lo).union(arb(hi + (hi - lo) / 2 ** 20))
        return ball


def instance_at(inst, box, prec=64, cell_seconds: float | None = None, script=None):
    """The instance (without region) whose region coordinates are balls containing ``box``'s
    sides (rationals where a side has width 0): every member of ``box`` lies in its balls.  With
    ``prec`` = `CELL`, they are the exact polynomials of a `verify.cells.CellBox` of ``box``."""
    from .cells import CellBox

    region = inst.region
    theta = list(inst.net.theta) if any(c.kind == "theta" for c in region.coords) else None
    params = dict(inst.params)
    cells = CellBox(box, seconds=cell_seconds, script=script) if prec == CELL else None
    for k, (c, (lo, hi)) in enumerate(zip(region.coords, box)):
        v = cells.coordinate(k) if cells is not None else _ball(lo, hi, prec)
        if c.kind == "theta":
            theta[c.key] = v
        else:
            params[c.key] = to_json(v) if isinstance(v, fmpq) else v
    net = inst.net.with_theta(theta) if theta is not None else inst.net
    return inst.replace(net=net, params=params, region=None)


def _cell_box(inst_b):
    """The `CellBox` of an instance built by `instance_at` at `CELL` (None if no θ or param is a cell)."""
    from .cells import Cell

    for t in list(getattr(inst_b.net, "theta", None) or ()) + list(inst_b.params.values()):
        if isinstance(t, Cell):
            return t.cbox
    return None


def point_instance(inst, point) -> dict:
    """The ordinary instance JSON (no region) at the rational point ``point`` of the region."""
    return instance_at(inst, [(p, p) for p in point]).to_json()


def centre(box) -> list:
    return [(lo + hi) / 2 for lo, hi in box]


def _inner_point(box) -> list:
    """A rational point of ``box`` off its centre (a cross-check of a cell leaf at a second point)."""
    return [lo + (hi - lo) * fmpq(5, 13) for lo, hi in box]


# --------------------------------------------------------------------------------------------
# one box


@dataclass
class BoxResult:
    status: object  # framework.Status
    vacuous: bool
    rung: object  # FAST, an int (bits) or None (exact)
    relations: list
    hypotheses: list
    engines: list
    worst: float | None  # the worst margin midpoint (float, steering only)
    equality_open: bool  # some "=" relation is UNKNOWN


def _rungs(claim, inst, start=None, box=None):
    """The rungs to try on a box, in order: balls (fast-ball where the claim has it, Arb at 64 and
    128 bits, more on narrow boxes) from ``start`` on, then exact cells -- the slower rung, and the
    one that certifies "=" (`evaluate_box` takes it after balls only for an open "=" or a claim
    that refused every ball) -- first instead where cells decided the box's parent."""
    from .checking import fast_worthwhile

    if box is not None and box_is_point(box):
        return [None]
    balls = ([FAST] if claim.fast and fast_worthwhile(inst) else []) + list(LEAF_PRECISIONS)
    if box is not None and _narrowest(inst, box) < fmpq(1, 2 ** 24):  # a narrow box: more bits than a wide one
        balls = balls + [256, 1024]
    if start == CELL:
        return [CELL] + balls
    if start is not None and start in balls:
        balls = balls[balls.index(start):]
    return balls + [CELL]


def _narrowest(inst, box) -> fmpq:
    """The smallest side of ``box`` relative to the region's side (over the sides of positive width)."""
    rel = [(hi - lo) / (c.hi - c.lo) for c, (lo, hi) in zip(inst.region.coords, box) if c.hi > c.lo and hi > lo]
    return min(rel) if rel else fmpq(0)


def box_is_point(box) -> bool:
    return all(lo == hi for lo, hi in box)


def evaluate_box(ctx, box, start=None, rungs=None, independent=False) -> BoxResult | None:
    """The claim's ordinary evaluation on ``box`` at the rungs in order until one decides it (the
    last result if none does); None if every rung raised `Undecided`."""
    from .checking import _evaluate
    from .framework import Status

    last = None
    ctx.cell_steer = None
    order = rungs if rungs is not None else _rungs(ctx.claim, ctx.inst, start, box)
    for rung in order:
        if rung == CELL:
            if ctx.cells_refused or (last is not None and not last.equality_open) or (
                    last is None and ctx.balls_decide and rung != order[0]):
                continue  # after balls, cells only for what balls cannot do: "=", or claims that refuse balls
            got = _evaluate_cells(ctx, box, independent)
            if got is None:
                continue
            status, vacuous, rels, hyps, ev = got
        try:
            if rung != CELL:
                inst_b = instance_at(ctx.inst, box, 128 if rung in (FAST, None) else rung)
                status, vacuous, rels, hyps, ev = _evaluate(ctx.claim, ctx.mutant, inst_b, ctx.variants, rung,
                                                             independent=independent)
        except Undecided as e:
            ctx.last_undecided = str(e)
            continue
        except InputError as e:
            raise InputError(f"{ctx.cid}: the claim cannot be evaluated on a region of parameters "
                             f"(it needs rational values of {', '.join(c.name for c in ctx.inst.region.coords)}): {e}",
                             "region") from None
        except (ValueError, ZeroDivisionError) as e:  # a ball that left the finite range (e.g. numbers.exact_key
            ctx.last_undecided = f"{type(e).__name__}: {e}"  # of a non-finite iterate): no verdict on this rung
            continue
        ctx.evaluations += 1
        if rung != CELL and status != Status.UNKNOWN:
            ctx.balls_decide = True
        worst = None
        for r in rels:
            if r.status != Status.HOLDS and r.margin is not None and r.op in ("≤", "<", "≥", ">"):
                m = to_float(r.margin)
                worst = m if worst is None or (m is not None and m < worst) else worst
        eq_open = any(r.status == Status.UNKNOWN and r.op in ("=", "≠") for r in rels)
        last = BoxResult(status, vacuous, rung, rels, hyps, sorted(ev.engines), worst, eq_open)
        if status != Status.UNKNOWN:
            break
    return last


def _evaluate_cells(ctx, box, independent):
    """The claim's evaluation on the cells of ``box`` (`verify.cells`), or None.

    A comparison whose sign is not one sign on the box (a kink through it) is split into cases:
    the run is repeated with that comparison's outcome fixed to +1, −1 and 0 (each a *piece* of
    the box, `CellBox.decide`), up to `MAX_PIECES` runs; the box is certified when every piece's
    run HOLDS (every θ of the box lies in some piece, and the exact run at θ takes that piece's
    branches: proofs_notes/regions.md#cases).  None when a piece does not hold or the pieces run
    out (``ctx.cell_steer`` then says which sides move the first split comparison), or when the
    claim's code needs numbers that cells are not (``ctx.cells_refused``: the rung is skipped
    from then on)."""
    from .cells import Branch, CellAbort, CellBudget, comparison_key
    from .checking import _evaluate
    from .framework import Status

    left = CELL_SECONDS if ctx.deadline is None else max(0.5, min(CELL_SECONDS, ctx.deadline - time.perf_counter()))
    t_end = time.perf_counter() + left
    scripts, runs, first, vacuous, steer = [[]], 0, None, True, None
    while scripts:
        script = scripts.pop()
        runs += 1
        if runs > MAX_PIECES or time.perf_counter() > t_end:
            ctx.last_undecided = f"a kink through the box: more than {MAX_PIECES} cases, or the time of one box"
            ctx.cell_steer = steer
            return None
        inst_b = instance_at(ctx.inst, box, CELL, cell_seconds=max(0.1, t_end - time.perf_counter()), script=script)
        cbox = _cell_box(inst_b)
        try:
            got = _evaluate(ctx.claim, ctx.mutant, inst_b, ctx.variants, None, independent=independent)
        except Branch as b:
            steer = steer or b.cell.influence()
            key = comparison_key(b.cell.num)[0]  # each outcome goes to that comparison (checked by the re-run)
            scripts.extend(script + [(d, key)] for d in (0, -1, 1))
            continue
        except (CellAbort, Undecided) as e:  # no verdict from this run (a CellAbort: never caught by the claim)
            if isinstance(e, CellBudget) or getattr(e, "budget", False):  # too costly for this claim: balls from
                ctx.cells_refused = str(e)  # here on
            else:
                ctx.last_undecided = str(e)
                ctx.cell_steer = steer or (cbox.undecided.influence() if cbox and cbox.undecided is not None else None)
            return None
        except (TypeError, AttributeError, NotImplementedError, InputError, ValueError, ZeroDivisionError,
                ArithmeticError) as e:
            ctx.cells_refused = f"{type(e).__name__}: {e}"
            return None
        except Exception as e:  # noqa: BLE001 -- only inside a case split, see below
            if not script:
                raise
            # The outcomes of a script need not be consistent with each other (t1 < t2, t2 < t3 and
            # t3 < t1 is an empty piece): code that relies on an order being transitive (a binary
            # search, an index walk) may fail there.  No verdict on the box -- never a crash.
            ctx.last_undecided = f"a case of a kink through the box failed ({type(e).__name__}: {e})"
            ctx.cell_steer = steer
            return None
        if cbox is not None:
            cbox.script = None  # its cells may outlive the run (relations): plain comparisons from now on
        if not script and not scripts:  # no case split: the run is about the whole box, whatever it says
            return got
        if got[0] != Status.HOLDS:  # a piece that does not hold (it may be empty): no verdict on the box
            ctx.last_undecided = "a case of a kink through the box is not certified"
            ctx.cell_steer = steer
            return None
        first = first or got
        vacuous = vacuous and got[1]
    note = f"certified on each of the {runs} cases of the box's kinks"
    rels = [dataclasses.replace(r, lhs=None, rhs=None, margin=None, note=note) for r in first[2]]  # sides: per case
    return (first[0], vacuous, rels) + tuple(first[3:])


def rung_label(rung) -> str:
    return "fast-ball" if rung == FAST else "exact" if rung is None else rung if rung == CELL else f"ball{rung}"


def _rung_of(label: str):
    if label == "fast-ball":
        return FAST
    if label == CELL:
        return CELL
    if label == "exact":
        return None
    if label.startswith("ball") and label[4:].isdigit():
        return int(label[4:])
    raise InputError(f"unknown leaf engine {label!r} (cell, fast-ball, exact or ballN)", "certificate")


# --------------------------------------------------------------------------------------------
# branch and bound


@dataclass
class _Ctx:
    claim: object
    mutant: object
    variants: dict
    inst: object
    cid: str
    ref: str = ""  # the reference as given, variants included (CLAIM@VARIANT~MUTANT): what witnesses name
    evaluations: int = 0
    last_undecided: str = ""
    influence: list | None = None
    cells_refused: str = ""  # why the claim's code cannot run on cells (then the rung is skipped)
    balls_decide: bool = False  # some box was decided on balls: a box balls leave undecided is split, not celled
    cell_steer: dict | None = None  # the last box's undecided cell: {side: its influence} (where to split)
    deadline: float | None = None  # time.perf_counter() at which the branch and bound's budget ends


@dataclass
class _Node:
    box: tuple
    depth: int
    start: object = None
    split: int | None = None
    at: fmpq | None = None
    children: list | None = None
    leaf: dict | None = None  # {"engine": ..., "vacuous": ...} once certified
    open: bool = False


@dataclass
class RegionResult:
    status: object
    root: _Node
    witness: dict | None = None
    witness_verdict: object = None
    boxes: int = 0
    certified_fraction: float = 0.0
    undecided: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    engines: set = field(default_factory=set)
    seconds: float = 0.0
    certificate: dict | None = None
    trace: list = field(default_factory=list)  # (seconds, certified fraction) as boxes are decided
    budget_hit: bool = False


def _setup(ref, inst):
    from .checking import claim_ref
    from .registry import resolve

    ref = claim_ref(ref)
    claim, mutant, variants = resolve(ref, inst.variants)
    return _Ctx(claim, mutant, variants, inst, mutant.id if mutant else claim.id, ref)


def _volume(box, dims) -> fmpq:
    v = fmpq(1)
    for k in dims:
        v *= box[k][1] - box[k][0]
    return v


def branch_and_bound(ref, inst, seconds: float = 60.0, max_boxes: int = 10_000, find_witness: bool = True,
                     precisions=None, audit: int = 8, steer: bool = True) -> RegionResult:
    """∀ θ ∈ ``inst.region``: the claim ``ref``, by branch and bound (module doc).  Stops at the
    first confirmed witness, when every box is certified, or at the budget (``seconds`` of wall
    time, ``max_boxes`` box evaluations)."""
    from .framework import Status

    t0 = time.perf_counter()
    ctx = _setup(ref, inst)
    ctx.deadline = t0 + seconds
    region = inst.region
    root = _Node(region.box, 0)
    dims = region.volume_dims()
    total = _volume(root.box, dims)
    result = RegionResult(Status.UNKNOWN, root)
    known = getattr(ctx.claim, "params", None) or {}
    unread = [c.key for c in region.coords if c.kind == "params" and known and c.key not in known]
    if unread:
        raise InputError(f"{ctx.cid} reads no param {unread[0]!r} (its params: {', '.join(sorted(known))})",
                         f"region.params.{unread[0]}")
    probe = _probe(ctx, root.box)
    if probe is not None:  # the claim refuses ball parameters: one line, exit 2
        raise InputError(probe, "region")
    spent = time.perf_counter() - t0  # ~ one evaluation: the influence costs n + 1 more
    ctx.influence = _influence(ctx, root.box) if steer and spent * (len(dims) + 1) < seconds / 10 else None
    tried_points: set = set()
    certified = fmpq(0)
    heap = [(0, 0, root)]
    counter = itertools.count(1)
    eq_seen = False
    while heap:
        if time.perf_counter() - t0 > seconds or result.boxes >= max_boxes:
            result.budget_hit = True
            break
        _, _, node = heapq.heappop(heap)
        res = evaluate_box(ctx, node.box, node.start)
        result.boxes += 1
        if res is None:
            node.open = True
            if box_is_point(node.box) or not _split(ctx, node):
                continue
            for ch in node.children:
                heapq.heappush(heap, (ch.depth, next(counter), ch))
            continue
        result.engines.update(res.engines)
        if res.status == Status.HOLDS:
            node.leaf = {"engine": rung_label(res.rung), "vacuous": res.vacuous}
            certified += _volume(node.box, dims) if dims else fmpq(1)
            result.trace.append((time.perf_counter() - t0, float(certified / total) if dims else 1.0))
            continue
        eq_seen = eq_seen or res.equality_open
        suspicious = res.status == Status.VIOLATED or (res.worst is not None and res.worst < 0) or (
            res.equality_open and node.depth % max(1, len(dims)) == 0)
        if find_witness and (suspicious or node.depth == 0):
            w = _try_witness(ctx, node.box, tried_points)
            if w is not None:
                result.status, result.witness, result.witness_verdict = Status.VIOLATED, w[0], w[1]
                break
        if box_is_point(node.box) or not _split(ctx, node, res):
            node.open = True
            continue
        for ch in node.children:
            ch.start = res.rung if res.rung not in (None, CELL) or res.equality_open else None
            heapq.heappush(heap, (ch.depth, next(counter), ch))
    open_leaves = [n for n in _leaves(root) if n.leaf is None]
    if result.status != Status.VIOLATED and not open_leaves:
        w = _audit(ctx, root, tried_points, audit) if find_witness else None
        if w is not None:  # a point the boxes covered, refuted exactly: the claim's ball evaluation checks
            # fewer things than its exact one (e.g. θ-dependent sample points); the witness decides
            result.status, result.witness, result.witness_verdict = Status.VIOLATED, w[0], w[1]
            result.notes.append("every box was certified, yet an exact check at a point of the region is VIOLATED: "
                                "the claim's ball evaluation checks less than its exact one (report it); the "
                                "exact witness decides")
        else:
            result.status = Status.HOLDS
    result.certified_fraction = float(certified / total) if dims and total else (
        1.0 if result.status == Status.HOLDS else 0.0)
    result.undecided = [[[to_json(lo), to_json(hi)] for lo, hi in n.box] for n in open_leaves]
    if result.status == Status.UNKNOWN and eq_seen:
        result.notes.append("an equality relation stays undecided on boxes of positive width: two enclosures of "
                            "equal quantities never certify '=', only exact cells can" + (
                                f" (this claim's code cannot run on cells: {ctx.cells_refused})" if ctx.cells_refused
                                else " (a kink crosses the undecided boxes)"))
    if result.status == Status.UNKNOWN and ctx.last_undecided and result.boxes and not result.engines:
        result.notes.append(f"every box was undecided: {ctx.last_undecided}")
    result.seconds = time.perf_counter() - t0
    return result


def _probe(ctx, box) -> str | None:
    """A one-line refusal if the claim cannot take ball values of the region's coordinates at all:
    a ball of radius 2^-200 at the centre is undecided at every precision (the claim refuses ball
    parameters by raising `Undecided`), else None."""
    if box_is_point(box):
        return None
    tiny = fmpq(1, 2 ** 200)
    ctx.last_undecided = ""
    fast = [FAST] if FAST in _rungs(ctx.claim, ctx.inst) else []
    for c in (centre(box), [lo + (hi - lo) * fmpq(3, 7) for lo, hi in box]):  # two points: a kink at one
        pbox = [(m - tiny, m + tiny) if lo < hi else (lo, hi) for m, (lo, hi) in zip(c, box)]
        if evaluate_box(ctx, pbox, rungs=fast + [128, 256, CELL]) is not None:
            return None
    why = ctx.last_undecided or "undecided"
    if ctx.cells_refused:
        why = f"on balls: {why}; on exact polynomials over the box: {ctx.cells_refused}"
    return (f"{ctx.cid} needs rational values of {', '.join(c.name for c in ctx.inst.region.coords)}: its "
            f"evaluation refuses ball parameters ({why}), so it cannot be checked on a region")


def _influence(ctx, box) -> list:
    """Estimated |∂(worst margin)/∂x_k|·width_k at the region's centre (float; steering only)."""
    from .framework import Status

    n = len(box)
    c = centre(box)
    widths = [hi - lo for lo, hi in box]
    if n > 64 or not any(widths):
        return [to_float(w) or 0.0 for w in widths]

    def margin(pt):
        try:
            res = evaluate_box(ctx, [(p - tiny, p + tiny) for p in pt], rungs=rung)
        except InputError:
            return None
        if res is None:
            return None
        ms = [to_float(r.margin) for r in res.relations if r.margin is not None and r.op in ("≤", "<", "≥", ">", "=")]
        ms = [abs(m) if r.op == "=" else m for m, r in zip(ms, [r for r in res.relations if r.margin is not None
              and r.op in ("≤", "<", "≥", ">", "=")]) if m is not None and math.isfinite(m)]
        return min(ms) if ms else None

    tiny = fmpq(1, 2 ** 100)
    rung = [FAST] if FAST in _rungs(ctx.claim, ctx.inst) else [64]
    base = margin(c)
    out = []
    for k in range(n):
        if widths[k] == 0 or base is None:
            out.append(to_float(widths[k]) or 0.0)
            continue
        h = widths[k] / 64
        pt = list(c)
        pt[k] += h
        m = margin(pt)
        slope = abs(m - base) / to_float(h) if m is not None else 1.0
        out.append(max(slope, 1e-12) * to_float(widths[k]))
    return out


def _kink_coords(ctx, box) -> dict:
    """{region coordinate: score} for the inner parameters of hidden neurons of a one-hidden-layer
    `Network` whose activation sign is undecided over the box at a point x of the measure's
    support (its atoms, or the corners of its bounding box): the kink crosses the support there.
    The score of 𝔴_ij is |x_j|·width(𝔴_ij), of 𝔟_i width(𝔟_i): its share of the width of the
    undecided pre-activation 𝔟_i + ⟨𝔴_i, x⟩ (at x = 0 only 𝔟_i can move the kink off it)."""
    from .nets import Network

    inst = ctx.inst
    net = inst.net
    if not isinstance(net, Network) or not net.is_shallow:
        return {}
    pos = {c.key: j for j, c in enumerate(inst.region.coords) if c.kind == "theta"}
    if not pos:
        return {}
    pts = _support_points(inst.measure, net.d)
    if not pts:
        return {}
    theta = list(net.theta)
    for c, (lo, hi) in zip(inst.region.coords, box):
        if c.kind == "theta":
            theta[c.key] = _ball(lo, hi, 64)
    out: dict = {}
    with precision(64):
        for i in range(net.H):
            block = net.neuron_block(i)
            if not any(k in pos and box[pos[k]][0] < box[pos[k]][1] for k in block):
                continue
            w, b = [theta[net.idx_w(i, j)] for j in range(net.d)], theta[net.idx_b(i)]
            for x in pts:
                z = b
                for wj, xj in zip(w, x):
                    z = z + wj * xj
                if (sign(z) if isinstance(z, arb) else 1 if z != 0 else None) is not None:
                    continue
                for j in range(net.d):
                    k = net.idx_w(i, j)
                    if k in pos and box[pos[k]][0] < box[pos[k]][1]:
                        sc = abs(to_float(x[j]) or 0.0) * float(box[pos[k]][1] - box[pos[k]][0])
                        out[pos[k]] = max(out.get(pos[k], 0.0), sc)
                k = net.idx_b(i)
                if k in pos and box[pos[k]][0] < box[pos[k]][1]:
                    out[pos[k]] = max(out.get(pos[k], 0.0), float(box[pos[k]][1] - box[pos[k]][0]))
    return {k: v for k, v in out.items() if v > 0}


def _support_points(measure, d) -> list:
    if measure is None:
        return []
    pts = getattr(measure, "points", None)
    if pts is not None:
        pts = list(pts)
        return pts if len(pts) <= 256 else pts[:: max(1, len(pts) // 256)]
    box = getattr(measure, "box", None)
    if box is None or len(box) != d or d > 6:
        return []
    return [list(v) for v in itertools.product(*[(a, b) for a, b in box])]


def _split(ctx, node: _Node, res: BoxResult | None = None) -> bool:
    """Bisect ``node``'s box: an undecided kink's coordinates first, else the largest influence.
    False (and no split) when every side is narrower than 2^-`MIN_SPLIT` of the region's side."""
    box = node.box
    full = [c.hi - c.lo for c in ctx.inst.region.coords]
    cand = [k for k, (lo, hi) in enumerate(box) if lo < hi and (hi - lo) * 2 ** MIN_SPLIT >= full[k]]
    if not cand:
        return False
    kinks = {k: v for k, v in _kink_coords(ctx, box).items() if k in cand}
    steer = ctx.cell_steer
    if not kinks and steer:  # the comparison the cells left undecided: split the side that moves it most
        kinks = {k: v for k, v in steer.items() if k in cand}
    infl = ctx.influence or [1.0] * len(box)

    def score(k):
        rel = to_float((box[k][1] - box[k][0]) / full[k]) if full[k] else 0.0
        return rel * (infl[k] if infl[k] and math.isfinite(infl[k]) else 1.0)

    k = max(kinks, key=lambda j: (kinks[j], -j)) if kinks else max(cand, key=lambda j: (score(j), -j))
    lo, hi = box[k]
    mid = (lo + hi) / 2
    node.split, node.at = k, mid
    left, right = list(box), list(box)
    left[k], right[k] = (lo, mid), (mid, hi)
    node.children = [_Node(tuple(left), node.depth + 1), _Node(tuple(right), node.depth + 1)]
    return True


def _leaves(node: _Node):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.children:
            stack.extend(reversed(n.children))
        else:
            yield n


def _try_witness(ctx, box, tried: set):
    """A confirmed witness at the box's centre (then a corner): the ordinary exact `check` on the
    rational point returns VIOLATED, re-verified independently.  (point JSON, verdict) or None."""
    from .checking import check
    from .framework import Instance, Status

    for pt in (centre(box), [lo for lo, _ in box]):
        key = tuple(pt)
        if key in tried:
            continue
        tried.add(key)
        obj = point_instance(ctx.inst, pt)
        v = check(ctx.ref, Instance.from_json(obj))
        if v.status == Status.VIOLATED and v.reverified.startswith("confirmed"):
            if not _inside(ctx.inst.region, pt):
                raise SoundnessError("a region witness lies outside its region")
            obj = dict(obj)
            obj["claim"] = ctx.ref
            return obj, v
    return None


def _audit(ctx, root, tried, n: int):
    """Exact checks at the centres of the ``n`` largest certified leaves (and the region's corner):
    a confirmed VIOLATED there is a witness (see `branch_and_bound`), else None.  This guards the
    one assumption the certificate cannot see -- that the claim's ball evaluation checks at least
    what its exact evaluation checks at each member (an evaluation that picks θ-dependent points,
    such as kinks, only where θ is exact would not)."""
    leaves = sorted(_leaves(root), key=lambda nd: -float(_volume(nd.box, [k for k in range(len(nd.box))
                                                                           if nd.box[k][0] < nd.box[k][1]])))
    for nd in leaves[:n]:
        if box_is_point(nd.box):
            continue
        w = _try_witness(ctx, nd.box, tried)
        if w is not None:
            return w
    return None


def _inside(region, pt) -> bool:
    return all(c.lo <= p <= c.hi for c, p in zip(region.coords, pt))


# --------------------------------------------------------------------------------------------
# the certificate and its independent re-check


def tree_json(node: _Node) -> dict:
    if node.children:
        return {"split": node.split, "at": to_json(node.at), "children": [tree_json(c) for c in node.children]}
    if node.leaf is None:
        return {"open": True}
    return dict(node.leaf)


def certificate(inst, cid: str, root: _Node, boxes: int) -> dict:
    obj = inst.to_json()
    obj.pop("claim", None)
    return {"kind": CERTIFICATE_KIND, "version": CERTIFICATE_VERSION, "claim": cid, "status": "HOLDS",
            "instance": obj, "boxes_evaluated": boxes, "leaves": sum(1 for _ in _leaves(root)), "tree": tree_json(root)}


def recheck_region(cert: dict) -> dict:
    """Independent re-check of a region certificate: re-read the instance and its region, walk the
    box tree (every split point strictly inside its box, so the leaves partition the region) and
    re-evaluate every leaf in another precision or number system with ``independent`` set (a leaf
    certified at p bits at 2p and 4p bits, a fast-ball leaf at 128 and 256 bits, an exact leaf
    exactly on the independent path).  Returns {"ok": bool, "leaves": n, "failed": [...],
    "reason": str}; a leaf re-evaluated VIOLATED fails (two enclosures of one box disagree: for a
    certificate `check_region` just made, that is a `SoundnessError`)."""
    from .framework import Instance, Status

    if not isinstance(cert, dict) or cert.get("kind") != CERTIFICATE_KIND:
        raise InputError("not a region certificate (kind must be 'region')", "certificate")
    if cert.get("version") != CERTIFICATE_VERSION or cert.get("status") != "HOLDS":
        raise InputError("unsupported region certificate (version 1, status HOLDS)", "certificate")
    if not isinstance(cert.get("claim"), str) or not isinstance(cert.get("tree"), dict):
        raise InputError("a region certificate needs 'claim' and 'tree'", "certificate")
    inst = Instance.from_json(cert.get("instance"), "certificate.instance")
    if inst.region is None:
        raise InputError("the certificate's instance has no region", "certificate.instance")
    ctx = _setup(cert["claim"], inst)
    failed, n = [], 0
    stack = [(cert["tree"], inst.region.box, "root")]
    while stack:
        node, box, path = stack.pop()
        if not isinstance(node, dict):
            raise InputError(f"malformed tree node at {path}", "certificate")
        if "children" in node:
            k = node.get("split")
            if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < len(box) or not (
                    isinstance(node["children"], list) and len(node["children"]) == 2):
                raise InputError(f"malformed split at {path}", "certificate")
            at = parse_rational(node.get("at"), f"certificate.{path}.at")
            lo, hi = box[k]
            if not lo < at < hi:
                failed.append({"at": path, "why": "split point outside its box"})
                continue
            left, right = list(box), list(box)
            left[k], right[k] = (lo, at), (at, hi)
            stack.append((node["children"][1], tuple(right), path + ".1"))
            stack.append((node["children"][0], tuple(left), path + ".0"))
            continue
        n += 1
        if node.get("open"):
            failed.append({"at": path, "why": "an open (undecided) leaf"})
            continue
        rung = _rung_of(str(node.get("engine")))
        if rung is None:
            if not box_is_point(box):
                failed.append({"at": path, "why": "an exact leaf on a box of positive width"})
                continue
            rungs = [None]
        elif rung == FAST:
            rungs = [128, 256]
        elif rung == CELL:  # cells are exact: the independent code path on cells, and an exact point below
            rungs = [CELL]
        else:
            rungs = [2 * rung, 4 * rung]
        res = evaluate_box(ctx, box, rungs=rungs, independent=True)
        if rung == CELL:
            res = _recheck_cell_leaf(ctx, box, res)
        if res is not None and res.status == Status.VIOLATED:  # a wrong (or forged) leaf
            failed.append({"at": path, "box": [[to_json(a), to_json(b)] for a, b in box],
                           "why": "VIOLATED on re-evaluation", "violated": True})
        elif res is None or res.status != Status.HOLDS:
            failed.append({"at": path, "box": [[to_json(a), to_json(b)] for a, b in box],
                           "why": "not certified HOLDS on re-evaluation"})
    ok = not failed
    reason = "every leaf re-certified" if ok else f"{len(failed)} leaf/leaves failed: {failed[0]['why']} at {failed[0]['at']}"
    return {"ok": ok, "kind": CERTIFICATE_KIND, "claim": ctx.ref, "leaves": n, "failed": failed[:20], "reason": reason}


def _recheck_cell_leaf(ctx, box, res):
    """A cell leaf's re-check, after its independent evaluation on cells gave ``res``: where the
    claim's independent path cannot run on cells, the independent path in balls at 128 and 256
    bits (it decides inequalities), else the ordinary path on cells again; then, in every case,
    the exact independent path at a rational point of the leaf off its centre."""
    from .framework import Status

    if res is None or res.status != Status.HOLDS:
        refused, ctx.cells_refused = ctx.cells_refused, ""
        res = evaluate_box(ctx, box, rungs=[128, 256], independent=True)
        if res is None or res.status != Status.HOLDS:
            res = evaluate_box(ctx, box, rungs=[CELL]) if refused else res
    if res is not None and res.status == Status.HOLDS:
        res = evaluate_box(ctx, tuple((m, m) for m in _inner_point(box)), rungs=[None], independent=True)
    return res


def _register():
    from .registry import register_certificate_kind

    register_certificate_kind(CERTIFICATE_KIND, recheck_region,
                              "a box tree certifying a claim for every θ in a region (relu-verify check --certificate)")


_register()


# --------------------------------------------------------------------------------------------
# the verdict


def check_region(ref, inst, precisions=None, seconds: float = 60.0, max_boxes: int = 10_000):
    """The `Verdict` of ``ref`` over ``inst.region`` (module doc): HOLDS with a re-checked
    certificate, VIOLATED with an exact witness point (``verdict.witness``), or UNKNOWN with the
    certified volume fraction and the undecided boxes (``verdict.region``)."""
    from .framework import Status, Verdict

    t0 = time.perf_counter()
    r = branch_and_bound(ref, inst, seconds=seconds, max_boxes=max_boxes)
    ctx = _setup(ref, inst)
    claim, mutant, variants = ctx.claim, ctx.mutant, ctx.variants
    notes = list(r.notes)
    status, cert, reverified = r.status, None, ""
    relations, hypotheses, vacuous = [], [], False
    if status == Status.HOLDS:
        cert = certificate(inst, ctx.ref, r.root, r.boxes)
        chk = recheck_region(cert)
        if any(f.get("violated") for f in chk["failed"]):
            raise SoundnessError(f"{ctx.cid}: a region leaf certified HOLDS is VIOLATED on its independent "
                                 f"re-evaluation ({chk['reason']})")
        if chk["ok"]:
            reverified = f"confirmed: every one of the {chk['leaves']} leaf boxes re-certified independently " \
                         f"(another precision or number system)"
            vacuous = all(n.leaf and n.leaf.get("vacuous") for n in _leaves(r.root))
        else:
            status, cert = Status.UNKNOWN, None
            notes.append(f"the box tree was certified, but its independent re-check failed ({chk['reason']}), so "
                         f"HOLDS is not reported")
    elif status == Status.VIOLATED:
        wv = r.witness_verdict
        relations, hypotheses, reverified = wv.relations, wv.hypotheses, wv.reverified
        pt = {c.name: to_json(_coord_value(c, r.witness)) for c in inst.region.coords}
        notes.append("witness θ* in the region: " + ", ".join(f"{k} = {v}" for k, v in pt.items()))
    summary = {"coordinates": [{"name": c.name, "lo": to_json(c.lo), "hi": to_json(c.hi)} for c in inst.region.coords],
               "boxes_evaluated": r.boxes, "leaves": sum(1 for _ in _leaves(r.root)),
               "certified_fraction": r.certified_fraction, "undecided": r.undecided[:1000],
               "undecided_count": len(r.undecided)}
    if status == Status.UNKNOWN:
        why = "budget ended" if r.budget_hit else (f"no box left to split (sides below 2^-{MIN_SPLIT} of the "
                                                   f"region's are not split)")
        notes.append(f"{why}: {r.boxes} boxes, certified volume fraction {fraction_text(r.certified_fraction)}, "
                     f"{len(r.undecided)} undecided boxes")
    statement = "for every θ in the region: " + (mutant.statement if mutant else claim.statement_for(variants))
    v = Verdict(ctx.ref, status, relations, hypotheses, vacuous, "region branch and bound (exact cells, fast-ball "
                "and Arb boxes, exact at points)", sorted(r.engines), time.perf_counter() - t0, inst.to_json(),
                sorted(variants[k] for k in variants if k.endswith(":name")), claim.provenance, statement, notes,
                reverified)
    v.certificate = cert
    v.witness = r.witness
    v.region = summary
    v.region_result = r
    return v


def fraction_text(f: float) -> str:
    """A volume fraction for people: ``1 − 3.6e-12`` where 4 decimals would round it to 1."""
    if 0 < 1 - f < 5e-5:
        return f"1 − {1 - f:.2g}"
    return f"{f:.4f}"


def _coord_value(c: Coord, inst_json: dict):
    from .framework import Instance

    inst = Instance.from_json(inst_json)
    if c.kind == "theta":
        return inst.net.theta[c.key]
    return parse_rational(inst.params[c.key])


# --------------------------------------------------------------------------------------------
# robustness radius for the search


def grow_regions(ref, instance, max_boxes: int = 32, seconds: float = 20.0, min_exp: int = 30,
                 max_exp: int = -4, refine: int = 3) -> dict | None:
    """The largest certified box θ ± r (every coordinate of θ; r = 2^-k) around a point instance on
    which ``ref`` HOLDS: r doubles from 2^-``min_exp`` while the region certifies HOLDS within
    ``max_boxes`` boxes, up to 2^-``max_exp`` (``max_exp`` = -4: r ≤ 16), then ``refine`` bisection
    steps between the last certified radius and the first that was not.  Returns
    {"radius": "p/q", "radius_float", "boxes", "certificate"} for the largest certified r, or None
    when even the smallest does not certify (or the claim refuses ball parameters)."""
    from .checking import as_instance
    from .framework import Instance, Status

    inst = as_instance(instance)
    base = inst.to_json()
    base.pop("region", None)
    t0 = time.perf_counter()
    best, stop = None, None

    def attempt(r):
        obj = dict(base)
        obj["region"] = {"theta_radius": to_json(r)}
        ri = Instance.from_json(obj)
        res = branch_and_bound(ref, ri, seconds=max(0.1, seconds - (time.perf_counter() - t0)),
                               max_boxes=max_boxes, find_witness=False, steer=False)
        if res.status != Status.HOLDS:
            return None
        cert = certificate(ri, _setup(ref, ri).ref, res.root, res.boxes)
        if not recheck_region(cert)["ok"]:
            return None
        return {"radius": to_json(r), "radius_float": float(r), "boxes": res.boxes, "certificate": cert}

    try:
        for e in range(min_exp, max_exp - 1, -1):  # doubling
            if time.perf_counter() - t0 > seconds:
                return best
            r = fmpq(1, 2 ** e) if e >= 0 else fmpq(2 ** (-e))
            got = attempt(r)
            if got is None:
                stop = r
                break
            best = got
        if best is not None and stop is not None:  # bisection between the last success and the failure
            lo, hi = parse_rational(best["radius"]), stop
            for _ in range(refine):
                if time.perf_counter() - t0 > seconds:
                    break
                mid = (lo + hi) / 2
                got = attempt(mid)
                if got is None:
                    hi = mid
                else:
                    best, lo = got, mid
    except InputError:  # the claim refuses ball parameters
        return best
    return best


# --------------------------------------------------------------------------------------------
# picture


def plot_region(verdict, path, max_pairs: int = 3):
    """2-D projections of the leaf boxes (certified green, undecided red, a witness as a star) on
    the first pairs of coordinates of positive width; a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    r = verdict.region_result
    region = verdict_region(verdict)
    dims = region.volume_dims()
    pairs = list(itertools.combinations(dims, 2))[:max_pairs] or ([(dims[0], dims[0])] if dims else [])
    if not pairs:
        raise InputError("the region has no coordinate of positive width to draw", "--plot")
    fig, axes = plt.subplots(1, len(pairs), figsize=(4.2 * len(pairs), 4), squeeze=False)
    for ax, (i, j) in zip(axes[0], pairs):
        for n in _leaves(r.root):
            (a, b), (c, d) = n.box[i], n.box[j]
            x0, x1, y0, y1 = map(float, (a, b, c, d)) if i != j else (float(a), float(b), 0.0, 1.0)
            color = "#2da44e" if n.leaf else "#cf222e"
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=color, alpha=0.25 if n.leaf else 0.5,
                                   edgecolor="#444", linewidth=0.3))
        ci, cj = region.coords[i], region.coords[j]
        ax.set_xlim(float(ci.lo), float(ci.hi))
        ax.set_ylim(float(cj.lo), float(cj.hi) if i != j else 1.0)
        ax.set_xlabel(ci.name)
        ax.set_ylabel(cj.name if i != j else "")
        if verdict.witness is not None:
            p = [float(_coord_value(c, verdict.witness)) for c in region.coords]
            ax.plot([p[i]], [p[j] if i != j else 0.5], "k*", markersize=12)
    fig.suptitle(f"{verdict.claim}: {verdict.status.value} (green certified, red undecided; "
                 f"{r.certified_fraction:.1%} of the volume)", fontsize=9)
    fig.tight_layout()
    from .files import write_atomic_bytes
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    write_atomic_bytes(path, buf.getvalue())


def verdict_region(verdict) -> Region:
    from .framework import Instance

    return Instance.from_json(verdict.instance).region


def grow_around(ref, instances, max_boxes: int = 32, seconds: float = 60.0, **kw) -> dict:
    """`grow_regions` around each of ``instances`` (e.g. the examples a search drew on which the
    claim HOLDS) within ``seconds`` in all: {"tried": n, "radii": [radius or None, …], "best":
    {"index", "radius", "radius_float", "boxes", "certificate"} of the largest certified radius, or
    None}.  For ``search --grow-regions``: a robustness radius per example."""
    t0 = time.perf_counter()
    radii, best = [], None
    for k, inst in enumerate(instances):
        left = seconds - (time.perf_counter() - t0)
        if left <= 0:
            break
        g = grow_regions(ref, inst, max_boxes=max_boxes, seconds=left, **kw)
        radii.append(g["radius"] if g else None)
        if g is not None and (best is None or parse_rational(g["radius"]) > parse_rational(best["radius"])):
            best = {"index": k, **g}
    return {"tried": len(radii), "radii": radii, "best": best}
