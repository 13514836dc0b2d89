"""Forward-invariant sets by interval branch and bound: certificates, JSON files and independent re-checks.

Core (knows no paper).  Two problems:

* **flows** ẋ = F(x), F given as a certified enclosure ``field(X)`` over boxes X ⊂ ℝⁿ (a list of arb
  balls containing F(x) for EVERY x ∈ X, also where F is discontinuous: then every value of F on X).
  The compact set is

      K = (B_1 ∪ … ∪ B_m) ∩ C_1 ∩ … ∩ C_r

  with B_i rational boxes and C_j *constraints*: a `Sublevel` {V ≤ c} of a certified function
  (enclosure ``func(X)``), or any `Constraint` given by a test ``excludes(X)`` (True only when
  X ∩ C_j = ∅ is certified).  `certify_flow` certifies, by branch and bound over leaf boxes,

  (F) **strict inward field on the box faces**: for every checked face {x_k = e} of every B_i
      (e = hi_k: side +1, e = lo_k: side −1) the *thickened face*
      N = {|x_k − e| ≤ m, x_j ∈ [lo_j − m, hi_j + m] (j ≠ k)} (m > 0 the ``margin``) is covered by
      bisection leaves X each of which is (a) excluded by a constraint (X ∩ C_j = ∅), or (b) inside
      the interior of another box B_l of the union, or (c) certified inward: side·F_k(X) < 0 (the
      exact rational upper end of the ball is < 0);
  (S) for a `Sublevel` with a certified gradient enclosure ``grad(X)`` (V of class C¹): the thickened
      box B_i ± m is covered by leaves on which V(X) > c, or V(X) < c, or ⟨∇V(X), F(X)⟩ < 0 (strict
      decrease on a neighbourhood of the level set).  A constraint without a gradient carries a
      ``reason``: the caller's argument that C_j is forward invariant along EVERY solution (an energy
      identity, a conserved quantity, an invariant manifold), recorded in the certificate.
  Faces the caller exempts (``exempt={(i, k, side): reason}``) are not checked; the reason must say
  why no solution in K reaches them (e.g. |w| ≤ 1 on an invariant unit circle).

  **Theorem** (proofs_notes/invariance.md).  Let x: [0, T) → ℝⁿ be any absolutely continuous solution
  of ẋ(t) ∈ 𝔽(x(t)) a.e., where 𝔽(x) ⊆ ∩_{δ>0} cl conv F(B(x, δ)) -- every Carathéodory solution of a
  continuous F and every Filippov solution of a discontinuous F qualifies -- with x(0) ∈ K.  If (F)
  and (S) hold (and every constraint given by reason is forward invariant for every solution), then
  x(t) ∈ K for all t.  Proof sketch: let t* = sup{t: x([0, t]) ⊆ K} < T and x* = x(t*) ∈ K (closed).
  The constraints hold on [t*, t* + δ) (by reason, or by (S): if V(x*) = c, a neighbourhood of x* meets
  only leaves of the third kind -- the closed leaves with V < c or V > c miss x* -- so
  d/dt V(x(t)) = ⟨∇V, ẋ⟩ ≤ max⟨∇V(X), F(X)⟩ < 0 a.e. near t*).  Since x(t_n) ∉ K for t_n ↓ t*, and x*
  lies in finitely many boxes, some box B_i ∋ x* and some coordinate k have x_k(t_n) > hi_k (side +,
  say) for infinitely many n, so x*_k = hi_k.  The closed leaves of kinds (a) and (b) miss x*
  (x* ∈ C_j; x* ∉ int B_l, else x* ∈ int K ∩ … -- for (b) x* would be an interior point of the union
  and the constraints hold near t*, so x(t) ∈ K near t*), so a neighbourhood U of x* is covered by
  leaves of kind (c): F_k < −ε there, ẋ_k ≤ −ε a.e. while x ∈ U, so x_k(t) < hi_k on (t*, t* + δ):
  a contradiction.  Corners need nothing more (each violated coordinate is treated alone).  Only
  *strict* inequalities on *neighbourhoods* are certified, so the conclusion holds for every solution,
  unique or not; a condition like F_k ≤ 0 (tangency, Nagumo) is never accepted.

* **maps** x ↦ G(x): `certify_map` covers every B_i by leaves X with G(X) ⊆ some B_l (exact rational
  containment of the ball ends) or X ∩ C_j = ∅; then G(K') ⊆ ∪B_l for K' = ∪B_i ∩ ∩C_j.  (With
  constraints the caller must also know G(K') ⊆ C_j -- e.g. a Lyapunov sublevel of G; recorded by
  reason.)

* **maps by an exact expansion** (`certify_map_expansion`, ONE box B): where G's displacement vanishes
  on part of B (ζ' = ζ + ε·D at ε = 0) the ball of G(X) never fits; the caller gives named `Slack`s
  (sums of products of balls / exact intervals, signed factor by factor) and the engine certifies,
  per coordinate k, hi_k − G_k ≥ 0 and G_k − lo_k ≥ 0 on every leaf of B, or -- k monotone --
  ∂G_k/∂x_k ≥ 0 on every leaf of B and hi_k − G_k ≥ 0 / G_k − lo_k ≥ 0 on leaves covering the faces
  {x_k = hi_k} / {x_k = lo_k}; plus the caller's named side conditions.  Then G(B) ⊆ B (for a
  monotone k, G_k(x) lies between its values at the two faces).  `recheck_expansion` re-checks.

Certificates (`Certificate.to_json`): the set (boxes, constraints with their reasons), the checked
and exempt faces, the margin, per region its bisection tree (preorder: a dimension = bisect at the
midpoint, −1 = a leaf) and every leaf box with the rule and the enclosure that certified it, the
engine and precision.  `write_certificate` writes it atomically (`verify.files.write_atomic`).
`recheck` re-derives every leaf box from the tree (so coverage is by construction; a listed box that
differs from the derived one fails), and re-certifies every leaf at a higher precision (≥ 2× and
≥ 256 bits) on a different splitting (each leaf bisected once more along its widest side; the whole
leaf at the new precision if a half fails): a tampered certificate -- a moved box, a dropped leaf, a
changed level, margin or face list -- fails.

Soundness: every decision is an exact rational comparison of ball ends (`numbers.ball_bounds`);
floats are never used.
"""

from __future__ import annotations

import contextvars
import json
import time
from dataclasses import dataclass, field as dc_field
from typing import Callable

from flint import arb, fmpq

from .errors import InputError
from .files import write_atomic
from .numbers import ball_bounds, parse_rational, precision, sign, to_json

# where `relu-verify check --certificate FILE` asks a claim's certificate to be written (None: nowhere)
CERTIFICATE_PATH: contextvars.ContextVar = contextvars.ContextVar("relu_verify_certificate_path", default=None)

ENGINE = "interval branch and bound (python-flint arb balls; exact rational decisions)"
FORMAT = "relu-verify invariance certificate v1"


# --------------------------------------------------------------------------------------------
# sets


def _q(x, where) -> fmpq:
    return x if isinstance(x, fmpq) else parse_rational(x, where)


def _box(box, where="box") -> list:
    out = []
    for k, iv in enumerate(box):
        if len(iv) != 2:
            raise InputError(f"an interval needs two ends, got {iv!r}", f"{where}[{k}]")
        lo, hi = _q(iv[0], f"{where}[{k}][0]"), _q(iv[1], f"{where}[{k}][1]")
        if not lo < hi:
            raise InputError(f"empty or flat interval [{lo}, {hi}]", f"{where}[{k}]")
        out.append((lo, hi))
    if not out:
        raise InputError("a box needs at least one dimension", where)
    return out


def _balls(box) -> list:
    return [arb(lo).union(arb(hi)) for lo, hi in box]


def _hi(x):
    b = ball_bounds(x) if isinstance(x, arb) else None
    return None if b is None else b[1]


def _lo(x):
    b = ball_bounds(x) if isinstance(x, arb) else None
    return None if b is None else b[0]


def _bounds_json(x) -> list | None:
    b = ball_bounds(x) if isinstance(x, arb) else None
    return None if b is None else [to_json(b[0]), to_json(b[1])]


@dataclass
class Constraint:
    """C = a set given by a test: ``excludes(X)`` is True only when X ∩ C = ∅ is certified (X a list of
    rational intervals (lo, hi)).  ``reason``: why every solution starting in C stays in C."""

    name: str
    excludes: Callable
    reason: str
    kind: str = "set"

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "reason": self.reason}


@dataclass
class Sublevel:
    """C = {x: V(x) ≤ level}; ``func(X)`` a ball containing V on the box X (arb balls).  With ``grad``
    (balls containing ∇V on X, V of class C¹) the engine certifies strict decrease ⟨∇V, F⟩ < 0 near
    the level set (rule (S)); otherwise ``reason`` must say why V is non-increasing along every
    solution."""

    name: str
    func: Callable
    level: fmpq
    grad: Callable | None = None
    reason: str = ""
    kind: str = "sublevel"

    def __post_init__(self):
        self.level = _q(self.level, f"{self.name}.level")
        if self.grad is None and not self.reason:
            raise InputError("a sublevel constraint needs a gradient (certified decrease) or a reason", self.name)

    def excludes(self, X) -> bool:
        lo = _lo(self.func(_balls(X)))
        return lo is not None and lo > self.level

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "level": to_json(self.level),
                "decrease": "certified: ⟨∇V, F⟩ < 0 on leaves meeting the level set" if self.grad is not None
                else self.reason}


# --------------------------------------------------------------------------------------------
# certificates


@dataclass
class Region:
    """One covered region: a thickened face (check "face", box index i, coordinate k, side ±1), a
    thickened box for a sublevel's level set (check "level", constraint index j) or a box of the map
    problem (check "map").  ``tree``: preorder bisection tree; ``leaves``: (box, rule, data)."""

    check: str
    where: dict
    box: list
    tree: list = dc_field(default_factory=list)
    leaves: list = dc_field(default_factory=list)

    def to_json(self) -> dict:
        return {"check": self.check, **self.where, "region": [[to_json(a), to_json(b)] for a, b in self.box],
                "tree": self.tree,
                "leaves": [{"box": [[to_json(a), to_json(b)] for a, b in X], "by": rule, "enclosure": data}
                           for X, rule, data in self.leaves]}


@dataclass
class Certificate:
    kind: str  # "flow" or "map"
    boxes: list
    constraints: list
    margin: fmpq
    exempt: dict
    prec: int
    regions: list = dc_field(default_factory=list)
    seconds: float = 0.0
    name: str = ""

    @property
    def size(self) -> int:
        """Number of leaf boxes."""
        return sum(len(r.leaves) for r in self.regions)

    def to_json(self) -> dict:
        return {"format": FORMAT, "kind": self.kind, "name": self.name, "engine": ENGINE, "precision_bits": self.prec,
                "set": {"boxes": [[[to_json(a), to_json(b)] for a, b in B] for B in self.boxes],
                        "constraints": [c.to_json() for c in self.constraints]},
                "margin": to_json(self.margin),
                "exempt_faces": [{"box": i, "coordinate": k, "side": s, "reason": r}
                                 for (i, k, s), r in sorted(self.exempt.items())],
                "leaf_count": self.size, "seconds": round(self.seconds, 3),
                "regions": [r.to_json() for r in self.regions]}


class Refused(Exception):
    """No certificate: the branch and bound found a leaf it could not decide (``box``, ``why``)."""

    def __init__(self, why: str, box=None):
        super().__init__(why)
        self.why, self.box = why, box


def write_certificate(path, cert: Certificate, extra: dict | None = None):
    """Write the certificate (plus ``extra`` entries) as JSON, atomically."""
    data = cert.to_json()
    if extra:
        data.update(extra)
    return write_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------
# branch and bound


def _bisect(X, k):
    mid = (X[k][0] + X[k][1]) / 2
    return ([*X[:k], (X[k][0], mid), *X[k + 1:]], [*X[:k], (mid, X[k][1]), *X[k + 1:]])


def _widest(X, scale, skip=None) -> int:
    best, kb = None, None
    for k, (lo, hi) in enumerate(X):
        if k == skip:
            continue
        w = (hi - lo) / scale[k]
        if best is None or w > best:
            best, kb = w, k
    return kb


def _cover(region: Region, decide, scale, skip, budget, deadline):
    """Bisect ``region.box`` until ``decide(X)`` returns (rule, data) on every leaf; preorder tree."""
    stack = [(region.box, 0)]
    tree, leaves = [], []
    while stack:
        X, depth = stack.pop()
        got = decide(X)
        if got is not None:
            tree.append(-1)
            leaves.append((X, got[0], got[1]))
            budget[0] -= 1
            if budget[0] < 0:
                raise Refused("leaf budget used up", X)
            continue
        if depth >= budget[1]:
            raise Refused(f"undecided leaf at depth {depth}", X)
        if deadline is not None and time.perf_counter() > deadline:
            raise Refused("time budget used up", X)
        k = _widest(X, scale, skip)
        if k is None:
            raise Refused("undecided leaf (nothing left to split)", X)
        tree.append(k)
        a, b = _bisect(X, k)
        stack.append((b, depth + 1))
        stack.append((a, depth + 1))
    region.tree, region.leaves = tree, leaves


def _inside_open(X, B) -> bool:
    return all(b[0] < x[0] and x[1] < b[1] for x, b in zip(X, B))


def _inside_closed(encl, B) -> bool:
    for y, (lo, hi) in zip(encl, B):
        bb = ball_bounds(y) if isinstance(y, arb) else None
        if bb is None or not (lo <= bb[0] and bb[1] <= hi):
            return False
    return True


def _face_decider(field, boxes, constraints, i, k, side, prec):
    def decide(X):
        with precision(prec):
            for j, c in enumerate(constraints):
                if c.excludes(X):
                    return f"constraint {j} ({c.name}) excludes", None
            for l_, B in enumerate(boxes):
                if l_ != i and _inside_open(X, B):
                    return f"inside the interior of box {l_}", None
            Fk = field(_balls(X))[k]
            b = ball_bounds(Fk) if isinstance(Fk, arb) else None
            if b is not None and ((side > 0 and b[1] < 0) or (side < 0 and b[0] > 0)):
                return f"inward: side·F_{k} < 0", [to_json(b[0]), to_json(b[1])]
        return None
    return decide


def _level_decider(field, c: Sublevel, prec):
    def decide(X):
        with precision(prec):
            Xb = _balls(X)
            V = c.func(Xb)
            b = ball_bounds(V) if isinstance(V, arb) else None
            if b is None:
                return None
            if b[0] > c.level:
                return "V > level", [to_json(b[0]), to_json(b[1])]
            if b[1] < c.level:
                return "V < level", [to_json(b[0]), to_json(b[1])]
            F = field(Xb)
            g = c.grad(Xb)
            d = sum((gk * fk for gk, fk in zip(g, F)), arb(0))
            bd = ball_bounds(d) if isinstance(d, arb) else None
            if bd is not None and bd[1] < 0:
                return "⟨∇V, F⟩ < 0", [to_json(bd[0]), to_json(bd[1])]
        return None
    return decide


def _map_decider(gmap, boxes, constraints, prec):
    def decide(X):
        with precision(prec):
            for j, c in enumerate(constraints):
                if c.excludes(X):
                    return f"constraint {j} ({c.name}) excludes", None
            G = gmap(_balls(X))
            for l_, B in enumerate(boxes):
                if _inside_closed(G, B):
                    return f"G(X) ⊆ box {l_}", [_bounds_json(y) for y in G]
        return None
    return decide


def _thick_face(B, k, side, m) -> list:
    e = B[k][1] if side > 0 else B[k][0]
    return [(e - m, e + m) if j == k else (lo - m, hi + m) for j, (lo, hi) in enumerate(B)]


def _setup(boxes, margin):
    boxes = [_box(B, f"boxes[{i}]") for i, B in enumerate(boxes)]
    if not boxes:
        raise InputError("the set needs at least one box", "boxes")
    n = len(boxes[0])
    if any(len(B) != n for B in boxes):
        raise InputError("the boxes of the union must have the same dimension", "boxes")
    m = _q(margin, "margin")
    if m <= 0:
        raise InputError("the margin must be > 0 (the conditions are certified on a neighbourhood)", "margin")
    scale = [max(B[k][1] - B[k][0] for B in boxes) for k in range(n)]
    return boxes, n, m, scale


def certify_flow(field: Callable, boxes, *, constraints=(), exempt=None, margin=fmpq(1, 2 ** 20), prec: int = 128,
                 max_leaves: int = 20000, max_depth: int = 40, seconds: float | None = None,
                 name: str = "") -> Certificate:
    """A certificate that K = ∪boxes ∩ ∩constraints is forward invariant for ẋ = F(x) (module
    docstring, rules (F) and (S)); raises `Refused` when a leaf cannot be decided within the budget."""
    t0 = time.perf_counter()
    boxes, n, m, scale = _setup(boxes, margin)
    exempt = dict(exempt or {})
    for key, why in exempt.items():
        if not (isinstance(key, tuple) and len(key) == 3 and key[2] in (1, -1) and 0 <= key[1] < n) or not why:
            raise InputError(f"an exempt face is (box, coordinate, ±1) with a reason, got {key!r}", "exempt")
    constraints = list(constraints)
    cert = Certificate("flow", boxes, constraints, m, exempt, prec, name=name)
    deadline = None if seconds is None else t0 + seconds
    budget = [max_leaves, max_depth]
    for j, c in enumerate(constraints):
        if isinstance(c, Sublevel) and c.grad is not None:
            for i, B in enumerate(boxes):
                reg = Region("level", {"constraint": j, "box": i}, [(lo - m, hi + m) for lo, hi in B])
                _cover(reg, _level_decider(field, c, prec), scale, None, budget, deadline)
                cert.regions.append(reg)
    for i, B in enumerate(boxes):
        for k in range(n):
            for side in (-1, 1):
                if (i, k, side) in exempt:
                    continue
                reg = Region("face", {"box": i, "coordinate": k, "side": side}, _thick_face(B, k, side, m))
                _cover(reg, _face_decider(field, boxes, constraints, i, k, side, prec), scale, k, budget, deadline)
                cert.regions.append(reg)
    cert.seconds = time.perf_counter() - t0
    return cert


def certify_map(gmap: Callable, boxes, *, constraints=(), prec: int = 128, max_leaves: int = 20000,
                max_depth: int = 40, seconds: float | None = None, name: str = "") -> Certificate:
    """A certificate that G maps K' = ∪boxes ∩ ∩constraints into ∪boxes (every leaf X of every box:
    G(X) ⊆ some box, or X misses a constraint)."""
    t0 = time.perf_counter()
    boxes, n, _, scale = _setup(boxes, fmpq(1))
    constraints = list(constraints)
    cert = Certificate("map", boxes, constraints, fmpq(0), {}, prec, name=name)
    deadline = None if seconds is None else t0 + seconds
    budget = [max_leaves, max_depth]
    for i, B in enumerate(boxes):
        reg = Region("map", {"box": i}, list(B))
        _cover(reg, _map_decider(gmap, boxes, constraints, prec), scale, None, budget, deadline)
        cert.regions.append(reg)
    cert.seconds = time.perf_counter() - t0
    return cert


# --------------------------------------------------------------------------------------------
# independent re-check


def _parse_box(raw, where):
    return _box(raw, where)


def _replay(tree, region_box, where):
    """The leaf boxes a preorder bisection tree defines on ``region_box`` (exact)."""
    out, pos = [], [0]
    n = len(region_box)

    def walk(X):
        if pos[0] >= len(tree):
            raise InputError("the bisection tree ends early", where)
        t = tree[pos[0]]
        pos[0] += 1
        if t == -1:
            out.append(X)
            return
        if not isinstance(t, int) or isinstance(t, bool) or not 0 <= t < n:
            raise InputError(f"bad tree entry {t!r}", where)
        a, b = _bisect(X, t)
        walk(a)
        walk(b)
    import sys
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 10000))
    try:
        walk(list(region_box))
    finally:
        sys.setrecursionlimit(old)
    if pos[0] != len(tree):
        raise InputError("the bisection tree has trailing entries", where)
    return out


def recheck(data: dict, field: Callable | None = None, constraints=(), *, gmap: Callable | None = None,
            prec: int | None = None, exempt_ok: Callable | None = None) -> tuple[bool, str]:
    """Independently re-check a certificate (its JSON ``data``) against the caller's own ``field``
    (or ``gmap``) and ``constraints`` (same order as when certifying): (True, "") or (False, why).

    The regions are recomputed from the set and margin in the file (every non-exempt face of every
    box, one level region per sublevel with a gradient per box), the leaves re-derived from the
    trees, and each leaf re-decided at ``prec`` (default max(256, 2·precision_bits)) on its two
    halves (the whole leaf if a half fails).  ``exempt_ok(key, reason)`` must accept each exempt
    face (default: the caller's own list must match exactly -- pass the dict)."""
    try:
        return _recheck(data, field, list(constraints), gmap, prec, exempt_ok)
    except (InputError, KeyError, TypeError, ValueError) as e:
        return False, f"malformed certificate: {e}"


def _recheck(data, field, constraints, gmap, prec, exempt_ok):
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return False, "not an invariance certificate"
    kind = data["kind"]
    boxes = [_parse_box(B, f"set.boxes[{i}]") for i, B in enumerate(data["set"]["boxes"])]
    n = len(boxes[0])
    prec = prec or max(256, 2 * int(data["precision_bits"]))
    rc = data["set"]["constraints"]
    if len(rc) != len(constraints):
        return False, f"the certificate has {len(rc)} constraints, the re-check {len(constraints)}"
    for j, (c, r) in enumerate(zip(constraints, rc)):
        if c.to_json() != r:
            return False, f"constraint {j} differs from the re-check's: {r} ≠ {c.to_json()}"
    expected = []
    if kind == "flow":
        m = _q(data["margin"], "margin")
        if m <= 0:
            return False, "margin ≤ 0"
        exempt = {}
        for e in data["exempt_faces"]:
            key = (int(e["box"]), int(e["coordinate"]), int(e["side"]))
            if exempt_ok is None or not exempt_ok(key, e["reason"]):
                return False, f"exempt face {key} is not accepted by the re-check"
            exempt[key] = e["reason"]
        for j, c in enumerate(constraints):
            if isinstance(c, Sublevel) and c.grad is not None:
                for i, B in enumerate(boxes):
                    expected.append(("level", {"constraint": j, "box": i}, [(lo - m, hi + m) for lo, hi in B]))
        for i, B in enumerate(boxes):
            for k in range(n):
                for side in (-1, 1):
                    if (i, k, side) not in exempt:
                        expected.append(("face", {"box": i, "coordinate": k, "side": side},
                                         _thick_face(B, k, side, m)))
    elif kind == "map":
        for i, B in enumerate(boxes):
            expected.append(("map", {"box": i}, list(B)))
    else:
        return False, f"unknown certificate kind {kind!r}"

    def setup(check, where):
        if check == "face":
            decide = _face_decider(field, boxes, constraints, where["box"], where["coordinate"], where["side"], prec)
        elif check == "level":
            decide = _level_decider(field, constraints[where["constraint"]], prec)
        else:
            decide = _map_decider(gmap, boxes, constraints, prec)
        return decide, (where.get("coordinate") if check == "face" else None), lambda raw: _parse_box(raw, "leaf")
    return _recheck_regions(data, expected, setup, [max(B[k][1] - B[k][0] for B in boxes) for k in range(n)])


def _recheck_regions(data, expected, setup, scale) -> tuple[bool, str]:
    """The regions of the file against the ``expected`` (check, where, box) in order: each tree replayed on
    its box, the listed leaves compared (``setup(check, where)`` gives the decider, the coordinate not to
    split and the reader of a listed box), each leaf re-decided on the two halves of its widest side, or
    whole if a half fails; then the leaf count."""
    regions = data["regions"]
    if len(regions) != len(expected):
        return False, f"{len(regions)} regions in the file, {len(expected)} expected"
    count = 0
    for r, (check, where, box) in zip(regions, expected):
        if r["check"] != check or any(r.get(key) != val for key, val in where.items()):
            return False, f"region {r.get('check')} {where} out of order or missing"
        decide, skip, parse = setup(check, where)
        leaves = _replay(r["tree"], box, f"region {where}")
        if len(leaves) != len(r["leaves"]):
            return False, f"region {where}: {len(r['leaves'])} leaves listed, the tree has {len(leaves)}"
        for X, listed in zip(leaves, r["leaves"]):
            if parse(listed["box"]) != X:
                return False, f"region {where}: a listed leaf box differs from the tree's"
        for X in leaves:
            k = _widest(X, scale, skip)
            halves = [X] if k is None else _bisect(X, k)
            if not all(decide(Y) is not None for Y in halves) and decide(X) is None:
                return False, f"region {where}: leaf {[[to_json(a), to_json(b)] for a, b in X]} not re-certified"
            count += 1
    if count != data.get("leaf_count"):
        return False, "leaf count differs"
    return True, ""


# --------------------------------------------------------------------------------------------
# maps given by an exact expansion: containment by sign-structured slacks and monotone coordinates


EXPANSION = "map-expansion"


def upper_slack(k: int) -> str:
    """The name of the slack hi_k − G_k(x) (must be ≥ 0)."""
    return f"hi_{k} - G_{k}"


def lower_slack(k: int) -> str:
    """The name of the slack G_k(x) − lo_k (must be ≥ 0)."""
    return f"G_{k} - lo_{k}"


def monotone_slack(k: int) -> str:
    """The name of ∂G_k/∂x_k (must be ≥ 0 on the box: x_k ↦ G_k non-decreasing)."""
    return f"dG_{k}/dx_{k}"


@dataclass
class Slack:
    """A quantity s = Σ_i Π_j f_ij given by its *sign structure*: certified s ≥ 0 when every factor of
    every term has a certified lower end ≥ 0 (a term with a factor that is exactly 0 is 0); s > 0
    (``strict``) when moreover some term has all its factors > 0.  A factor is an arb ball, an exact
    rational interval (lo, hi) or a rational.  This keeps a sign that a product of balls loses: ε·D
    with ε ∈ [0, e] and D < 0 is ≤ 0, but the ball of the product straddles 0."""

    terms: list
    strict: bool = False

    def holds(self) -> bool:
        positive = False
        for term in self.terms:
            signs = [_factor_sign(f) for f in term]
            if any(g is None for g in signs):
                return False
            if 0 in signs:  # an exact zero factor: the term is 0 (the other factors are finite)
                continue
            if -1 in signs:
                return False
            positive = positive or all(g == 1 for g in signs)
        return positive or not self.strict


def _factor_sign(f):
    """1: certified > 0; 0: exactly 0; 2: certified ≥ 0 (lower end 0); −1: finite, not certified ≥ 0;
    None: not finite.  Balls by `numbers.sign` (exponents first), then their exact rational ends."""
    if isinstance(f, arb):
        g = sign(f)
        if g in (0, 1, -1):
            return g
        b = ball_bounds(f)
        if b is None:
            return None
        lo, hi = b
    elif isinstance(f, tuple) and len(f) == 2:
        lo, hi = _q(f[0], "factor"), _q(f[1], "factor")
    elif isinstance(f, (fmpq, int)):
        lo = hi = fmpq(f)
    else:
        raise TypeError(f"a slack factor is an arb ball, an exact interval or a rational, got {type(f).__name__}")
    if lo < 0:
        return -1
    return 1 if lo > 0 else 0 if hi == 0 else 2


def _hull(v) -> tuple | None:
    """(lo, hi) of a ball, or the hull of a list of balls (exact ends)."""
    bs = [ball_bounds(x) for x in (v if isinstance(v, (list, tuple)) else [v])]
    if not bs or any(b is None for b in bs):
        return None
    return min(b[0] for b in bs), max(b[1] for b in bs)


def _face_box(B, k, side) -> list:
    e = B[k][1] if side > 0 else B[k][0]
    return [(e, e) if j == k else iv for j, iv in enumerate(B)]


def _expansion_regions(B, monotone) -> list:
    """The covered regions: the box itself, then the two faces of every monotone coordinate."""
    out = [("map-box", {"box": 0}, list(B))]
    for k in monotone:
        for side in (-1, 1):
            out.append(("map-face", {"coordinate": k, "side": side}, _face_box(B, k, side)))
    return out


def _expansion_decider(forms, n, monotone, conditions, record, face, prec, widths=None):
    """Leaves of the box: every slack of the rule (lower/upper slack of the other coordinates,
    ∂G_k/∂x_k ≥ 0 of the monotone ones) and every named condition holds.  Leaves of the face
    {x_k = e}: the slack of that side holds."""
    if face is None:
        need = []
        for k in range(n):
            need += [monotone_slack(k)] if k in monotone else [upper_slack(k), lower_slack(k)]
        need += list(conditions)
    else:
        need = [upper_slack(face[0]) if face[1] > 0 else lower_slack(face[0])]

    def decide(X):
        if widths is not None and any(hi - lo > w for (lo, hi), w in zip(X, widths)):
            return None  # finer than the grid first
        with precision(prec):
            got = forms(X, face)
            if got is None:
                return None
            for name in need:
                s = got.get(name)
                if not isinstance(s, Slack) or not s.holds():
                    return None
            data = {}
            if face is None:
                for name in record:
                    h = _hull(got[name]) if name in got else None
                    if h is None:
                        return None
                    data[name] = h
        return ("slacks" if face is None else need[0] + " ≥ 0"), (data or None)
    return decide


@dataclass
class ExpansionCertificate(Certificate):
    """`certify_map_expansion`'s certificate: also the monotone coordinates, the named conditions and
    the recorded quantities (per leaf of the box: their exact [lo, hi])."""

    monotone: list = dc_field(default_factory=list)
    conditions: list = dc_field(default_factory=list)
    record: list = dc_field(default_factory=list)

    def to_json(self) -> dict:
        data = super().to_json()
        for r in data["regions"]:  # the recorded hulls are kept as exact (lo, hi) until now
            for leaf in r["leaves"]:
                if leaf["enclosure"]:
                    leaf["enclosure"] = {k: [to_json(v[0]), to_json(v[1])] for k, v in leaf["enclosure"].items()}
        data.update({"problem": EXPANSION, "monotone": list(self.monotone), "conditions": list(self.conditions),
                     "recorded": list(self.record)})
        return data

    def recorded(self, name: str) -> tuple:
        """The exact hull (lo, hi) of a recorded quantity over every leaf of the box."""
        hulls = [data[name] for _, _, data in self.regions[0].leaves]
        return min(h[0] for h in hulls), max(h[1] for h in hulls)


def certify_map_expansion(forms: Callable, box, *, monotone=(), conditions=(), record=(), grid=None,
                          prec: int = 128, max_leaves: int = 20000, max_depth: int = 40,
                          seconds: float | None = None, name: str = "") -> ExpansionCertificate:
    """A certificate that G(B) ⊆ B for ONE box B, G given by its *exact expansion*: ``forms(X, face)``
    returns None (undecided) or a dict of named `Slack`s (and balls to record) that hold on the leaf
    X -- ``face`` is None on a leaf of B and (k, ±1) on a leaf of the face {x_k = hi_k / lo_k}.

    Rules (the module docstring; proofs_notes/invariance.md, "Maps by an exact expansion"): every
    leaf of B certifies, for each coordinate k, either hi_k − G_k ≥ 0 and G_k − lo_k ≥ 0
    (``upper_slack(k)``, ``lower_slack(k)``), or -- k in ``monotone`` -- ∂G_k/∂x_k ≥ 0
    (``monotone_slack(k)``), plus every named condition in ``conditions`` (the caller's side
    conditions, e.g. "the formula is the map here"); the faces {x_k = hi_k} and {x_k = lo_k} of a
    monotone k are covered by leaves certifying hi_k − G_k ≥ 0, resp. G_k − lo_k ≥ 0.  ``record``:
    names whose enclosures (a ball or a list of balls) are kept per leaf of B; ``grid`` (g_1, …, g_n):
    the leaves of B are at most 1/g_k of its side in coordinate k (tighter recorded enclosures; the
    bisection then splits the coordinate with the largest width relative to side/g_k)."""
    t0 = time.perf_counter()
    boxes, n, _, scale = _setup([box], fmpq(1))
    monotone = sorted(set(int(k) for k in monotone))
    if any(not 0 <= k < n for k in monotone):
        raise InputError(f"monotone coordinates must lie in 0..{n - 1}, got {monotone}", "monotone")
    cert = ExpansionCertificate(EXPANSION, boxes, [], fmpq(0), {}, prec, name=name, monotone=monotone,
                                conditions=list(conditions), record=list(record))
    widths = None
    if grid is not None:
        if len(grid) != n or any(int(g) < 1 for g in grid):
            raise InputError(f"a grid is one integer ≥ 1 per coordinate, got {grid!r}", "grid")
        widths = [w / int(g) for w, g in zip(scale, grid)]
    deadline = None if seconds is None else t0 + seconds
    budget = [max_leaves, max_depth]
    for check, where, region in _expansion_regions(boxes[0], monotone):
        face = None if check == "map-box" else (where["coordinate"], where["side"])
        reg = Region(check, where, region)
        _cover(reg, _expansion_decider(forms, n, monotone, cert.conditions, cert.record, face, prec,
                                       widths if face is None else None),
               scale if widths is None or face is not None else widths, None if face is None else face[0], budget,
               deadline)
        cert.regions.append(reg)
    cert.seconds = time.perf_counter() - t0
    return cert


def _leaf_box(raw, where, flat=None) -> list:
    """A listed box; coordinate ``flat`` may be a point (a face)."""
    out = []
    for k, iv in enumerate(raw):
        if len(iv) != 2:
            raise InputError(f"an interval needs two ends, got {iv!r}", f"{where}[{k}]")
        lo, hi = _q(iv[0], f"{where}[{k}][0]"), _q(iv[1], f"{where}[{k}][1]")
        if not (lo < hi or (k == flat and lo == hi)):
            raise InputError(f"empty or flat interval [{lo}, {hi}]", f"{where}[{k}]")
        out.append((lo, hi))
    return out


def recheck_expansion(data: dict, forms: Callable, *, monotone=(), conditions=(), record=(),
                      prec: int | None = None) -> tuple[bool, str]:
    """Independently re-check a `certify_map_expansion` certificate against the caller's own ``forms``,
    monotone coordinates and conditions: the regions are rebuilt from the box in the file, the leaves
    re-derived from the trees, every leaf re-decided at ``prec`` (default max(256, 2·precision_bits))
    on its two halves (the whole leaf if a half fails).  The recorded enclosures in the file are the
    caller's data: a caller that derives constants from them re-checks those itself.  (True, "") or
    (False, why)."""
    try:
        return _recheck_expansion(data, forms, sorted(set(monotone)), list(conditions), list(record), prec)
    except (InputError, KeyError, TypeError, ValueError, IndexError) as e:
        return False, f"malformed certificate: {e}"


def _recheck_expansion(data, forms, monotone, conditions, record, prec):
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("problem") != EXPANSION:
        return False, "not an expansion-map invariance certificate"
    if data["monotone"] != monotone or data["conditions"] != conditions or data["recorded"] != record:
        return False, "the monotone coordinates, conditions or recorded names differ from the re-check's"
    raw = data["set"]["boxes"]
    if len(raw) != 1:
        return False, "an expansion certificate has one box"
    B = _box(raw[0], "set.boxes[0]")
    n = len(B)
    prec = prec or max(256, 2 * int(data["precision_bits"]))
    expected = _expansion_regions(B, monotone)

    def setup(check, where):
        face = None if check == "map-box" else (where["coordinate"], where["side"])
        flat = None if face is None else face[0]
        return (_expansion_decider(forms, n, monotone, conditions, record, face, prec), flat,
                lambda raw: _leaf_box(raw, "leaf", flat))
    return _recheck_regions(data, expected, setup, [hi - lo for lo, hi in B])
