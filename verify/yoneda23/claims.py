"""yoneda23 -- pointwise convergence of (mini-batch) GD to the ball indicator in a sparse ReLU DNN.

Kawasumi, Yoneda 2023/24, arXiv:2304.08172.
Specification: shared/claims/004-pointwise-indicator.md; note: proofs_notes/yoneda23.md.

An instance names the construction as its network: ``{"network": {"kind": "d0", …knobs of §2.3},
"params": {…}}`` (`verify.yoneda23.d0.D0`; every knob defaults to D0).  The variants of spec §5 override
knobs (``@head-ab``, ``@batch-cells``, …); a variant not given leaves the instance's knob, and the
verdict lists the variants actually in force.  Variants the checker does not implement
(``@feat-radial``, ``@head-free``, ``@batch-iid``, ``@limit-certified``, …) give UNKNOWN with the
reason.

Instance ``params``: ``x`` (a point, or a list of points; for d = 1 a number is a point), ``z``,
``y``, ``a``, ``b``, ``r`` (scalars of 3.1/3.2), ``theta`` (a parameter vector instead of θ^0),
``C``, ``c1``, ``c2`` (the user's claimed constants of 3.11) with ``t0`` (the time from which they are
claimed; without it "for all t ≥ some t_0"), ``T`` (the user's claimed exactness time of 3.12), ``t``
(the horizon of 3.13's certified run, ≤ CELLS_MAX_T).  A user's constant is refuted only by a certified
witness (a concrete t, or a bound on the opposite side holding for every t ≥ t1); where the tool's own
certified bound is merely weaker than the claimed one the verdict is UNKNOWN.

Provenance: 3.1–3.8 are [DERIVED] lemmas about D0; 3.9–3.13 are [RECONSTRUCTED] readings of the
paper ([ABSTRACT] for the existence of such a network).  Every verdict names the head it used.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from flint import arb, fmpq

from . import d0 as D
from ..claim import Claim, Param, Evaluation, Hypothesis, Mutant, relation, undecidable
from .invariant import Convergence, RampModel, prove
from ..errors import InputError, SoundnessError
from ..numbers import Undecided, ball_bounds, parse_rational, precision, sign, to_json
from ..registry import VariantGroup, register, register_variants

SOURCE = "Kawasumi, Yoneda 2023/24, arXiv:2304.08172"
NOTE = "proofs_notes/yoneda23.md"
Q = fmpq


class _NotImplementedVariant(Exception):
    pass


_NI = "not implemented"
_GROUPS = {
    "y-feature": ({"feat-yarotsky": {"feature": "yarotsky"}, "feat-exact-square": {"feature": "exact-square"},
                   "feat-radial": _NI, "feat-trainable": _NI}, "feat-yarotsky",
                  "the feature r: Yarotsky's sparse squaring net (default), r = |x|² (a fixed non-ReLU transformation), "
                  "r = |x|, trainable feature weights"),
    "y-head": ({"head-wc": {"head": "wc", "train_outer": False}, "head-ab": {"head": "ab", "train_outer": False},
                "head-outer": {"head": "wc", "train_outer": True}, "head-free": _NI}, "head-wc",
               "the head: tied (w, c) (default), trainable (a, b), (w, c) with α, β trained, untied"),
    "y-loss": ({"loss-prob": {"measure_norm": "prob"}, "loss-lebesgue": {"measure_norm": "lebesgue"}}, "loss-prob",
               "the risk against μ = 2^{-d}dx (default) or dx (η·2^d)"),
    "y-batch": ({"batch-full": {"batch": D.Batch.full()}, "batch-cells": {"batch": D.Batch.cells(2)},
                 "batch-cells-unnorm": {"batch": D.Batch.cells(2, normalize=False)},
                 "batch-grid": {"batch": D.Batch.grid(4)}, "batch-starve": _NI, "batch-iid": _NI}, "batch-full",
                "batches: population (default), cyclic dyadic cells (m = 2, normalized or not), the grid of cell "
                "centres (n = 4); starve(δ) and i.i.d. batches"),
    "y-eta": ({"eta-const": {"eta_decay": Q(0)}, "eta-decay": {"eta_decay": Q(1, 2)}}, "eta-const",
              "constant η (default) or η_t = η(t + 1)^{-1/2}"),
    "y-relu0": ({"relu0-zero": {"relu_grad_at_0": "0"}, "relu0-one": {"relu_grad_at_0": "1"},
                 "relu0-raise": {"relu_grad_at_0": "raise"}}, "relu0-zero", "σ'(0) = 0 (default), 1, or report the tie"),
    "y-ball": ({"ball-closed": {"closed": True}, "ball-open": {"closed": False}}, "ball-closed",
               "the target ball closed (default) or open"),
    "y-limit": ({"limit-strict": {"limit_def": "strict"}, "limit-closed": {"limit_def": "closed"},
                 "limit-certified": _NI}, "limit-strict", "f°_N = 1{r_N < R²} (default), 1{r_N ≤ R²}, or the certified limit"),
    "y-target": ({"target-ball": {}, "target-halfspace": _NI, "target-ellipsoid": _NI}, "target-ball",
                 "ball targets (centre and R from the instance), half-spaces, ellipsoids"),
    "y-err": ({"err-r2": {"error_r": 2}, "err-r1": {"error_r": 1}}, "err-r2", "the error exponent r of ‖f − f°_N‖_r^r"),
}
register_variants(*(VariantGroup(g, opts, default, doc) for g, (opts, default, doc) in _GROUPS.items()))
ALL_GROUPS = tuple(_GROUPS)
_KNOB_NAMES = {
    "y-feature": lambda c: {"yarotsky": "feat-yarotsky", "exact-square": "feat-exact-square"}[c.feature],
    "y-head": lambda c: "head-outer" if c.train_outer else f"head-{c.head}",
    "y-loss": lambda c: f"loss-{c.measure_norm}",
    "y-batch": lambda c: {"full": "batch-full", "cells": "batch-cells" if c.batch.normalize else "batch-cells-unnorm",
                          "data": "batch-data", "grid": "batch-grid"}[c.batch.kind],
    "y-eta": lambda c: "eta-const" if c.eta_decay == 0 else "eta-decay",
    "y-relu0": lambda c: {"0": "relu0-zero", "1": "relu0-one", "raise": "relu0-raise"}[c.relu_grad_at_0],
    "y-ball": lambda c: "ball-closed" if c.closed else "ball-open",
    "y-limit": lambda c: f"limit-{c.limit_def}",
    "y-target": lambda c: "target-ball",
    "y-err": lambda c: f"err-r{c.error_r}",
}


def config(ev: Evaluation) -> D.D0:
    """The instance's D0 with the explicitly selected variants applied; records the variants in force."""
    cfg = ev.inst.net
    if not isinstance(cfg, D.D0):
        raise InputError('yoneda23 claims take the D0 construction as network: {"kind": "d0", …knobs}', "network")
    for g in ALL_GROUPS:
        if g not in ev.variants or not ev.variants.get(g + ":explicit"):
            continue
        change = ev.variants[g]
        if change == _NI:
            raise _NotImplementedVariant(f"variant @{ev.variants[g + ':name']} is not implemented")
        change = {k: v for k, v in change.items() if getattr(cfg, k) != v}
        if change:  # a changed head resets θ^0 to that head's default
            cfg = cfg.with_(**change)
    ev.variant_names = sorted(_KNOB_NAMES[g](cfg) for g in ALL_GROUPS if g in ev.variants)
    return cfg


def _scope(name: str, holds) -> Hypothesis:
    """A scope hypothesis of a claim; when certified false the verdict is vacuous and says why."""
    holds = None if holds is None else bool(holds)
    return Hypothesis(name, holds, "outside the claim's scope: " + name + " fails" if holds is False else "")


def _guard(fn):
    """Evaluate, turning an unimplemented variant into UNKNOWN with its reason."""
    def run(ev, *args, **kw):
        try:
            return fn(ev, *args, **kw)
        except _NotImplementedVariant as e:
            return [undecidable("variant", str(e))], []
    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


def _exact(ev: Evaluation):
    if ev.prec is not None:
        raise Undecided("decided in exact rational arithmetic")


def points(ev: Evaluation, cfg: D.D0, default=()) -> list[tuple]:
    """params.x as a list of points in the domain [−1, 1)^d (exact)."""
    raw = ev.inst.params.get("x", None)
    if raw is None:
        raw = list(default)
    if not isinstance(raw, list) or (cfg.d == 1 and raw and not isinstance(raw[0], list)):
        raw = raw if isinstance(raw, list) else [raw]
        raw = [[v] for v in raw] if cfg.d == 1 else [raw]
    out = []
    for k, p in enumerate(raw):
        if not isinstance(p, list):
            raise InputError(f"a point must be a list of {cfg.d} numbers", f"params.x[{k}]")
        x = tuple(parse_rational(v, f"params.x[{k}][{i}]") for i, v in enumerate(p))
        cfg.check_point(x, f"params.x[{k}]")
        out.append(x)
    return out


def _scalar(ev, key, default):
    return ev.rational_param(key, Q(default) if default is not None else None)


def _theta(ev, cfg):
    raw = ev.inst.params.get("theta")
    if raw is None:
        return cfg.theta0
    if not isinstance(raw, list) or len(raw) != len(cfg.param_names):
        raise InputError(f"theta must list {len(cfg.param_names)} numbers {cfg.param_names}", "params.theta")
    return tuple(parse_rational(v, f"params.theta[{i}]") for i, v in enumerate(raw))


def _head_note(ev, cfg):
    ev.notes.append(f"head {cfg.head!r} ({', '.join(cfg.param_names)} trainable), feature {cfg.feature!r}, "
                    f"batch {cfg.batch.kind!r}, η = {cfg.eta}, σ'(0) = {cfg.relu_grad_at_0}")


def _clip(y):
    return min(Q(1), max(Q(0), y))


def _out(x, up: bool, digits: int = 5) -> str:
    """x (a rational or a ball) as a decimal rounded outward: up (an upper bound) or down (a lower
    bound), so that a printed constant is as safe as the certified one."""
    b = (x, x) if isinstance(x, fmpq) else ball_bounds(x)
    if b is None:
        return "+inf" if up else "-inf"
    s = 10 ** digits
    v = b[1] if up else b[0]
    n = -((-v.p * s) // v.q) if up else (v.p * s) // v.q
    n = int(n)
    sign = "-" if n < 0 else ""
    n = abs(n)
    return f"{sign}{n // s}.{n % s:0{digits}d}"


def _range(lo, hi, digits: int = 5) -> str:
    """[lo, hi] printed outward (lo down, hi up)."""
    return f"[{_out(lo, False, digits)}, {_out(hi, True, digits)}]"


# ============================================================================================
# 3.1–3.6: exact lemmas about the construction


def _piecewise_agree(f, g, kinks) -> tuple[int, int]:
    """(number of agreements, number of test points) of f and g at the kinks, one interior point
    of every piece and one point beyond each end: for two piecewise-linear functions whose kinks
    all lie in ``kinks`` this decides f = g on ℝ."""
    ks = sorted(set(kinks))
    pts = list(ks) + [(p + q) / 2 for p, q in zip(ks, ks[1:])] + [ks[0] - 1, ks[-1] + 1]
    return sum(1 for p in pts if f(p) == g(p)), len(pts)


@_guard
def eval_relu_identities(ev: Evaluation):
    """3.1: |z| = σ(z) + σ(−z); g = 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1) is the hat; σ(y) − σ(y − 1) = clip(y);
    with y = a(b − r) the ramp u for every sign of a.  At the instance's scalars and ∀ (piecewise)."""
    _exact(ev)
    z, y = _scalar(ev, "z", "1/3"), _scalar(ev, "y", "2/5")
    a, b, r = _scalar(ev, "a", 4), _scalar(ev, "b", "2/5"), _scalar(ev, "r", "1/4")
    relu = D.relu

    def hat_formula(s):
        return 2 * s if 0 <= s <= D.HALF else (2 - 2 * s if D.HALF < s <= 1 else Q(0))

    def hat_net(s):
        return 2 * relu(s) - 4 * relu(s - D.HALF) + 2 * relu(s - 1)

    def ramp_net(s):
        return relu(a * (b - s)) - relu(a * (b - s) - 1)

    rels = [relation("|z| = σ(z) + σ(−z)", abs(z), "=", relu(z) + relu(-z)),
            relation("g(z) = hat(z)", hat_net(z), "=", hat_formula(z)),
            relation("σ(y) − σ(y − 1) = min{1, max{0, y}}", relu(y) - relu(y - 1), "=", _clip(y)),
            relation("u(r; a, b) = clip(a(b − r))", ramp_net(r), "=", _clip(a * (b - r)))]
    ok, n = _piecewise_agree(hat_net, hat_formula, [Q(0), D.HALF, Q(1)])
    rels.append(relation("∀z: g = hat (kinks {0, 1/2, 1})", Q(ok), "=", Q(n)))
    ok, n = _piecewise_agree(lambda s: abs(s), lambda s: relu(s) + relu(-s), [Q(0)])
    rels.append(relation("∀z: |z| = σ(z) + σ(−z) (kink 0)", Q(ok), "=", Q(n)))
    kinks = [b, b - 1 / a] if a != 0 else [b]
    ok, n = _piecewise_agree(ramp_net, lambda s: _clip(a * (b - s)), kinks)
    rels.append(relation("∀r: u(r; a, b) = clip(a(b − r)) (kinks b, b − 1/a)", Q(ok), "=", Q(n)))
    return rels, []


def _feature_node(cfg: D.D0, x) -> fmpq:
    """r_N(x) read off the D0 network's feature neuron (layer N + 2), not from the formula; past
    NETWORK_MAX_WEIGHTS from the spec's layer recursion p_k, q_k (`D0.preactivations`), which shares
    no code with the sawtooth sum φ_N either."""
    if D.network_weight_count(cfg.d, cfg.N) > D.NETWORK_MAX_WEIGHTS:
        return cfg.preactivations(cfg.theta0, list(x))[-2][0]
    net = cfg.network()
    _, o, _ = net.forward(list(x))
    return o[net.node(cfg.N + 2, 0)]


@_guard
def eval_squaring_error(ev: Evaluation, bound_shift: int = 2, below: bool = False):
    """3.2: 0 ≤ φ_N(z) − z² ≤ 2^{−2N−2} on [0, 1]; φ_N = z² on the grid k/2^N, error 2^{−2N−2} at the
    midpoints, φ_N(1/2) = 1/4 (N ≥ 1); the D0 network computes φ_N(|x|) exactly."""
    _exact(ev)
    cfg = config(ev)
    N = cfg.N
    z = _scalar(ev, "z", Q(1, 2 ** (N + 1)))
    if not 0 <= z <= 1:
        raise InputError(f"z = {z} lies outside [0, 1]", "params.z")
    phi_z = _feature_node(cfg.with_(d=1, feature="yarotsky"), (z,)) if ev.independent else D.phi(z, N)
    e = phi_z - z * z
    bound = Q(1, 2 ** (2 * N + bound_shift))
    rels = [relation("φ_N(z) − z² ≤ 2^{-2N-2}" if bound_shift == 2 else "φ_N(z) − z² ≤ 2^{-2N-3}", e, "≤", bound)]
    rels.append(relation("φ_N(z) ≤ z²", e, "≤", 0) if below else relation("φ_N(z) − z² ≥ 0", e, "≥", 0))
    if below or bound_shift != 2:
        return rels, []
    h = Q(1, 2 ** N)
    cells = _grid_cells(N, z)
    every = "every" if len(cells) == 2 ** N else f"{len(cells)} (of 2^{N})"
    if len(cells) < 2 ** N:
        ev.notes.append(f"N > {GRID_MAX_N}: the grid checks run on {len(cells)} cells (every 2^{N - GRID_MAX_N}-th "
                        "cell and the cell of z), not on all 2^N (documented limit)")
    grid = sorted({k * h for c in cells for k in (c, c + 1)})
    rels.append(relation(f"φ_N = z² at {every} grid point k/2^N", Q(sum(D.phi(g, N) == g * g for g in grid)), "=",
                         Q(len(grid))))
    mids = [(k + D.HALF) * h for k in cells]
    rels.append(relation(f"φ_N − z² = 2^{{-2N-2}} at {every} midpoint",
                         Q(sum(D.phi(m, N) - m * m == bound for m in mids)), "=", Q(len(mids))))
    slopes = [(k, (D.phi((k + 1) * h, N) - D.phi(k * h, N)) / h) for k in cells]
    rels.append(relation(f"slope (2k + 1)/2^N on {every} cell", Q(sum(s == (2 * k + 1) * h for k, s in slopes)),
                         "=", Q(len(slopes))))
    if N >= 1:
        rels.append(relation("φ_N(1/2) = 1/4", D.phi(D.HALF, N), "=", D.QUARTER))
    if cfg.feature == "yarotsky" and cfg.d == 1:
        rels.append(relation("the network's feature neuron at x = z is φ_N(z)", _feature_node(cfg, (z,)), "=",
                             D.phi(z, N)))
    return rels, []


GRID_MAX_N = 12  # squaring-error checks all 2^N grid cells up to this N, a deterministic sample beyond


def _grid_cells(N: int, z: fmpq) -> list[int]:
    """The cells k of the 2^{−N} grid that 3.2's grid checks visit: all for N ≤ GRID_MAX_N, else
    every 2^{N − GRID_MAX_N}-th cell, the last one and the cell containing z."""
    if N <= GRID_MAX_N:
        return list(range(2 ** N))
    stride = 2 ** (N - GRID_MAX_N)
    k_z = min(int((z * 2 ** N).floor()), 2 ** N - 1)
    return sorted(set(range(0, 2 ** N, stride)) | {2 ** N - 1, k_z})


def eval_squaring_half(ev):
    return eval_squaring_error(ev, bound_shift=3)


def eval_squaring_below(ev):
    return eval_squaring_error(ev, below=True)


def _limit(ev, cfg: D.D0, x) -> int:
    """f°_N(x); the independent re-verification reads r_N(x) off the built network's feature neuron."""
    if not (ev.independent and cfg.feature == "yarotsky"):
        return cfg.limit(x)
    r = _feature_node(cfg, x)
    return int(r < cfg.tau or (cfg.limit_def == "closed" and r == cfg.tau))


def _sq(x) -> fmpq:
    return sum((v * v for v in x), Q(0))


def _extremal(cfg):
    return [[to_json(Q(1, 2 ** (cfg.N + 1)))] * cfg.d]


@_guard
def eval_feature_error(ev: Evaluation, factor_d: bool = True):
    """3.3: 0 ≤ r_N(x) − |x|² ≤ d·2^{−2N−2} on [−1, 1]^d (and the network computes r_N)."""
    _exact(ev)
    cfg = config(ev)
    rels = []
    for x in points(ev, cfg, _extremal(cfg)):
        r = _feature_node(cfg, x) if ev.independent and cfg.feature == "yarotsky" else cfg.r(x)
        e = r - _sq(x)
        bound = Q(cfg.d if factor_d else 1, 2 ** (2 * cfg.N + 2))
        rels.append(relation(f"r_N(x) − |x|² ≤ {'d·' if factor_d else ''}2^(-2N-2) at x = {_pt(x)}", e, "≤", bound))
        rels.append(relation(f"r_N(x) − |x|² ≥ 0 at x = {_pt(x)}", e, "≥", 0))
        if factor_d and cfg.feature == "yarotsky":
            rels.append(relation(f"the network's feature neuron equals r_N at x = {_pt(x)}", _feature_node(cfg, x), "=",
                                 cfg.r(x)))
    return rels, []


def eval_feature_no_d(ev):
    return eval_feature_error(ev, factor_d=False)


def _pt(x) -> str:
    return "(" + ", ".join(str(v) for v in x) + ")"


@_guard
def eval_sparse_shape(ev: Evaluation):
    """3.4: width ≤ 4d, N + 3 hidden layers, 13dN + d + 4 (N ≥ 1) or 4d + 4 (N = 0) non-zero weights,
    counted on the built network's exact matrices."""
    _exact(ev)
    cfg = config(ev)
    if cfg.feature != "yarotsky":
        raise InputError(f"feature {cfg.feature!r} has no network to count", "network.feature")
    w, c, al, _ = cfg.head_values(cfg.theta0)
    shape = cfg.shape()
    rels = [relation("max width ≤ 4d", Q(shape["max_width"]), "≤", Q(4 * cfg.d)),
            relation("hidden layers = N + 3", Q(shape["hidden_layers"]), "=", Q(cfg.N + 3))]
    hyp = [_scope("w ≠ 0 and α ≠ 0 at θ^0 (otherwise head weights vanish)", w != 0 and al != 0)]
    rels.append(relation("non-zero weights = 13dN + d + 4 (N ≥ 1) / 4d + 4 (N = 0)", Q(shape["nonzero_weights"]), "=",
                         Q(D.nonzero_weight_formula(cfg.d, cfg.N))))
    ev.notes.append(f"widths {shape['widths']}, {shape['nonzero_weights']} non-zero weights, "
                    f"{shape['nonzero_biases']} non-zero biases")
    return rels, hyp


@_guard
def eval_boundary_set(ev: Evaluation):
    """3.5: f°_N(x) ≠ f°(x) ⇔ |x|² ≤ 1/4 ≤ r_N(x) (default conventions); hence equality off the shell
    |x|² ∈ [1/4 − d2^{−2N−2}, 1/4]; for d = 1, N ≥ 1 they differ only at |x| = 1/2."""
    _exact(ev)
    cfg = config(ev)
    tau = cfg.tau
    rels = []
    default_conv = cfg.closed and cfg.limit_def == "strict" and all(c == 0 for c in cfg.centre)
    for x in points(ev, cfg, [[Q(1, 2)], [Q(9, 20)]] if cfg.d == 1 else [[Q(3, 10), Q(2, 5)]]):
        s, r = _sq(x), cfg.r(x)
        differ = _limit(ev, cfg, x) != cfg.target(x)
        if default_conv:
            rels.append(relation(f"[f°_N ≠ f°] = [|x|² ≤ 1/4 ≤ r_N] at x = {_pt(x)}", Q(int(differ)), "=",
                                 Q(int(s <= tau <= r))))
        if all(c == 0 for c in cfg.centre):
            shell = tau - Q(cfg.d, 2 ** (2 * cfg.N + 2)) <= s <= tau
            rels.append(relation(f"f°_N(x) = f°(x) off the shell at x = {_pt(x)}", Q(int(differ)), "=", 0,
                                 given=relation("|x|² off the shell", Q(int(shell)), "=", 0)))
            if cfg.d == 1 and cfg.N >= 1 and default_conv:
                rels.append(relation(f"d = 1: f°_N(x) = f°(x) unless |x| = 1/2, at x = {_pt(x)}", Q(int(differ)), "=", 0,
                                     given=relation("|x| ≠ 1/2", abs(x[0]), "≠", D.HALF)))
    return rels, []


def _n0(d: int, s: fmpq, tau: fmpq) -> int:
    """The least N ≥ 0 with d·2^{−2N−2} < τ − s (s < τ)."""
    N = 0
    while Q(d, 2 ** (2 * N + 2)) >= tau - s:
        N += 1
    return N


@_guard
def eval_n_limit(ev: Evaluation, finite_n: bool = False):
    """3.6: for |x| ≠ 1/2, f°_N(x) = f°(x) for every N ≥ N_0(x) (exactly computed), hence f°_N → f°."""
    _exact(ev)
    cfg = config(ev)
    tau = cfg.tau
    rels, hyps = [], []
    for x in points(ev, cfg, [[Q(2, 5)], [Q(3, 5)]] if cfg.d == 1 else [[Q(3, 10), Q(3, 10)]]):
        s = _sq(x)
        hyps.append(_scope(f"|x| ≠ R at x = {_pt(x)}", s != tau))
        if finite_n:
            rels.append(relation(f"f°_N(x) = f°(x) at N = {cfg.N}, x = {_pt(x)}", Q(_limit(ev, cfg, x)), "=",
                                 Q(cfg.target(x))))
            continue
        if s == tau:
            continue
        N0 = 0 if s > tau else _n0(cfg.d, s, tau)
        if s < tau:
            rels.append(relation(f"d·2^(-2N0-2) < R² − |x|² with N0 = {N0}, x = {_pt(x)}", Q(cfg.d, 2 ** (2 * N0 + 2)), "<",
                                 tau - s))
        else:
            rels.append(relation(f"r_N(x) ≥ |x|² > R² (outside: every N), x = {_pt(x)}", s, ">", tau))
        for N in range(0, min(N0, 8) + 1):
            c = cfg.with_(N=N)
            want = c.limit(x) == c.target(x)
            if N >= N0:
                rels.append(relation(f"f°_{N}(x) = f°(x) at x = {_pt(x)}", Q(_limit(ev, c, x)), "=", Q(c.target(x))))
            elif not want:
                ev.notes.append(f"N = {N} < N0 = {N0}: f°_N({_pt(x)}) = {c.limit(x)} ≠ f° (allowed)")
    return rels, hyps


def eval_finite_n(ev):
    return eval_n_limit(ev, finite_n=True)


# ============================================================================================
# 3.7, 3.8: the gradient and the d = 1 closed form


@_guard
def eval_backprop(ev: Evaluation):
    """3.7: backprop through the D0 network = the closed forms (finite batches: the spec's sums; fmpq
    central differences where the pattern is constant on [θ ± h]); population d = 1: the exact
    integrator lies in the ball engine's enclosure; the spec's reference values at the default."""
    _exact(ev)
    cfg = config(ev)
    _head_note(ev, cfg)
    th = _theta(ev, cfg)
    _check_data_size(cfg)
    rels = []
    try:
        if cfg.batch.kind in ("data", "grid"):
            cf = D.data_risk_grad(cfg, th)
            bp = D.data_risk_grad_backprop(cfg, th)
            rels.append(relation("L_B closed form = L_B by the network", cf.L, "=", bp.L))
            for name, g1, g2 in zip(cfg.param_names, cf.G, bp.G):
                rels.append(relation(f"∂L/∂{name}: closed form = backprop", g1, "=", g2))
            h = Q(1, 2 ** 20)
            for k, name in enumerate(cfg.param_names):
                lo = tuple(v - h if i == k else v for i, v in enumerate(th))
                hi = tuple(v + h if i == k else v for i, v in enumerate(th))
                pats = {D.data_risk_grad(cfg, p).pattern for p in (lo, th, hi)}
                if len(pats) == 1 and not D.data_ties(cfg, lo) and not D.data_ties(cfg, hi):
                    cd = (D.data_risk_grad(cfg, hi).L - D.data_risk_grad(cfg, lo).L) / (2 * h)
                    rels.append(relation(f"∂L/∂{name} = central difference (pattern constant on θ ± 2^-20)", cf.G[k],
                                         "=", cd))
            ties = D.data_ties(cfg, th)
        else:
            if cfg.d != 1:
                raise Undecided("exact population integrals need d = 1")
            ex = D.risk_grad(cfg, th, 0, "exact")
            with precision(128):
                bl = D.risk_grad(cfg, [arb(v) for v in th], 0, "ball", 128, engine="pieces")
            for name, q, ball in [("L", ex.L, bl.L)] + list(zip(cfg.param_names, ex.G, bl.G)):
                if not _inside(q, ball):  # two certified engines disagree: a defect of the tool, not a witness
                    raise SoundnessError(f"yoneda23.backprop-gradient: the exact {name} lies outside the ball enclosure")
                rels.append(relation(f"exact {name} ∈ ball-engine enclosure", Q(1), "=", 1))
            ties = ex.ties
            if cfg == D.D0() and th == cfg.theta0:
                rels += [relation("L(θ^0) = 121/5625", ex.L, "=", Q(121, 5625)),
                         relation("∂L/∂w(θ^0) = 113/11250", ex.G[0], "=", Q(113, 11250)),
                         relation("∂L/∂c(θ^0) = 7/375", ex.G[1], "=", Q(7, 375))]
    except D.ReluTie as e:
        return [undecidable("gradient", f"a tie enters the gradient and σ'(0) = 'raise': {e}")], []
    for tie in ties[:5]:
        ev.notes.append(f"tie: {tie.to_json()} (σ'(0) = {cfg.relu_grad_at_0})")
    return rels, []


DATA_MAX_POINTS = 2 ** 13  # exact data-batch claims: 8192 points take about 8 s (backprop-gradient)


def _check_data_size(cfg: D.D0):
    """Refuse data/grid batches past DATA_MAX_POINTS (the exact evaluations are linear in |B|)."""
    if cfg.batch.kind in ("data", "grid"):
        n = len(cfg.batch.X) if cfg.batch.kind == "data" else 2 ** (cfg.batch.n * cfg.d)
        if n > DATA_MAX_POINTS:
            raise InputError(f"the batch has {n} points; exact data-batch claims are limited to {DATA_MAX_POINTS} "
                             "(DATA_MAX_POINTS)", "network.batch")


def _inside(q: fmpq, ball: arb) -> bool:
    b = ball_bounds(ball)
    return b is not None and b[0] <= q <= b[1]


@_guard
def eval_reduction(ev: Evaluation):
    """3.8: in the regime, L_t = F_t(λ)/(3a), the closed-form gradient and GD map equal the general
    exact integrator, and e_r = (ρ_R λ^{r+1} + ρ_L(1 − λ)^{r+1})/((r + 1)a)."""
    _exact(ev)
    cfg = config(ev)
    th = _theta(ev, cfg)
    hyp = [_scope("d = 1, N ≥ 1, population or cells batches", cfg.d == 1 and cfg.N >= 1
                      and D.closed_form_coefficients(cfg, 0) is not None)]
    if not hyp[0].holds:
        return [], hyp
    rels = []
    for t in range(cfg.n_cells):
        inr = D.in_regime(cfg, th, t)
        hyp.append(_scope(f"θ in the regime of 3.8 (step {t})", bool(inr)))
        if not inr:
            return [], hyp
        cf = D.closed_form(cfg, th, t)
        ex = D.risk_grad(cfg, th, t, "exact", engine="pieces")
        rels.append(relation(f"L_{t}: F(λ)/(3a) = integrator", cf.L, "=", ex.L))
        for name, g1, g2 in zip(cfg.param_names, cf.G, ex.G):
            rels.append(relation(f"∂L_{t}/∂{name}: closed form = integrator", g1, "=", g2))
        A, B = D.closed_form_coefficients(cfg, t)
        a, lam = cfg.a_lambda(th)
        a1, l1 = D._cf_map(a, lam, A, B, cfg.eta_at(t), Q(17, 48), cfg.head == "wc")
        nxt = tuple(v - cfg.eta_at(t) * g for v, g in zip(th, ex.G))
        a2, l2 = cfg.a_lambda(nxt)
        rels += [relation(f"GD map a' (step {t}) = integrator step", a1, "=", a2),
                 relation(f"GD map λ' (step {t}) = integrator step", l1, "=", l2)]
    er = D.error_closed_form(cfg, th)
    if er is not None:
        rels.append(relation(f"e_{cfg.error_r} closed form = integrator", er, "=", D.error(cfg, th)))
    return rels, hyp


# ============================================================================================
# 3.9–3.13: dynamics


def _frozen(cfg: D.D0, steps: int, independent: bool = False):
    """(t, θ*) if exact GD reaches a fixed point within ``steps`` steps -- ∇L_{t+j}(θ^t) = 0 for a
    whole batch cycle, so θ^s = θ^t for every s ≥ t -- else None (also when exact GD is unavailable).
    ``independent``: the zero gradient is certified another way -- by backprop through the network
    (data batches) or, for population batches, by a dead head: u = w r + c ≤ 0 (σ'(0) = 0) or
    u > 1 on the whole feature range, where both head neurons have derivative 0."""
    if cfg.batch.kind in ("full", "cells") and cfg.d != 1:
        return None
    M = cfg.n_cells
    try:
        thetas = D.gd_exact(cfg, steps, record="all").thetas if not independent else _independent_gd(cfg, steps)
        for t, th in enumerate(thetas):
            if _zero_gradient(cfg, th, t, M, independent):
                return t, th
            if sum(int(v.p).bit_length() + int(v.q).bit_length() for v in th) > 4000:
                return None
    except (Undecided, D.ReluTie, InputError):  # no exact GD here (a feature without exact integrals, a size limit)
        return None
    return None


def _independent_gd(cfg: D.D0, steps: int):
    """The exact GD iterates recomputed for re-verification with gradients that share no code with
    `D.risk_grad`: backprop through the network (data batches) or `D.risk_grad_simpson`
    (population), each step θ^{t+1} = θ^t − η_t ∇L_t(θ^t); stops past 4000 bits."""
    th = tuple(cfg.theta0)
    out = [th]
    for t in range(steps):
        if cfg.batch.kind in ("data", "grid"):
            G = D.data_risk_grad_backprop(cfg, th).G
        else:
            G = D.risk_grad_simpson(cfg, th, t)[1]
        th = tuple(v - cfg.eta_at(t) * g for v, g in zip(th, G))
        out.append(th)
        if sum(int(v.p).bit_length() + int(v.q).bit_length() for v in th) > 4000:
            break
    return out


def _zero_gradient(cfg, th, t, M, independent) -> bool:
    if not independent:
        return all(g == 0 for j in range(M) for g in D.risk_grad(cfg, th, t + j, "exact").G)
    if cfg.batch.kind in ("data", "grid"):
        return all(g == 0 for g in D.data_risk_grad_backprop(cfg, th).G)
    if cfg.feature != "yarotsky" or cfg.train_outer:
        return False
    w, c, _, _ = cfg.head_values(th)
    ends = (c, w * cfg.r([Q(1)] * cfg.d) + c)  # u at r = 0 and r = r_max (u is affine in r)
    return (max(ends) < 0 or (max(ends) <= 0 and cfg.relu_grad_at_0 == "0")) or min(ends) > 1


def _candidates(cfg):
    """Fixed test points for a frozen limit: x = k/40 (d = 1) or (k/20, 0) (d ≥ 2)."""
    if cfg.d == 1:
        return [(Q(k, 40),) for k in range(-39, 40)]
    return [tuple([Q(k, 20)] + [Q(0)] * (cfg.d - 1)) for k in range(-19, 20)]


def _init_clause(cfg: D.D0, th) -> bool:
    """a_0 > 0 and the open ramp (b_0 − 1/a_0, b_0) meets the range (0, r_max) of the feature."""
    w, c, _, _ = cfg.head_values(th)
    if not w < 0:
        return False
    b, b1 = -c / w, (1 - c) / w
    r_max = cfg.r([Q(1)] * cfg.d) if cfg.feature != "exact-square" else Q(cfg.d)
    return b > 0 and b1 < r_max


ETA_MAX = Q(1, 5)


@_guard
def eval_pointwise(ev: Evaluation, drop: frozenset = frozenset()):
    """3.10: f_N(θ^t, x) → f°_N(x) for every x with r_N(x) ≠ τ_c, certified by (A) certified GD into a
    box Z in (ε, ζ) = (1/a, a(λ − λ*)) and (B) the invariant of `verify.yoneda23.invariant` (all t), or
    refuted by a certified fixed point of exact GD or a trap box; ``drop`` removes hypotheses
    (the planted violations)."""
    cfg = config(ev)
    _head_note(ev, cfg)
    if cfg.batch.kind in ("data", "grid") and "coverage" not in drop:
        raise InputError(f"batch {cfg.batch.kind!r} does not cover the domain; pointwise convergence needs population "
                         "or cells batches (see ~finite-data-freeze)", "network.batch")
    hyps = []
    if "d" not in drop:
        hyps.append(_scope("d = 1", cfg.d == 1))
    if "N" not in drop:
        hyps.append(_scope("N ≥ 1", cfg.N >= 1))
    if "head" not in drop:
        hyps.append(_scope("head 'wc' (the D0 head)", cfg.head == "wc" and not cfg.train_outer))
    if "init" not in drop:
        hyps.append(_scope("initialization clause: a_0 > 0, the ramp meets the feature range",
                               _init_clause(cfg, cfg.theta0)))
    if "step" not in drop:
        hyps.append(_scope(f"step-size clause η·ν(Ω) ≤ {ETA_MAX} (ν = μ, or dx: η·2^d)", cfg.eta * cfg.mass <= ETA_MAX))
    hyps.append(_scope("target: the ball of radius 1/2 centred at 0 (the scope of 3.10)",
                           cfg.radius == D.HALF and all(c == 0 for c in cfg.centre)))
    if any(h.holds is False for h in hyps):
        return [], hyps
    xs = points(ev, cfg, [[Q(0)], [Q(9, 20)], [Q(3, 5)], [Q(-7, 10)]] if cfg.d == 1 else [[Q(0)] * cfg.d])
    if "sphere" not in drop:
        hyps += [_scope(f"r_N(x) ≠ R² at x = {_pt(x)}", cfg.r(x) != cfg.tau) for x in xs]
    rels = []
    _check_data_size(cfg)
    if ev.prec is None:
        fz = _frozen(cfg, 40 if cfg.batch.kind in ("data", "grid") else 3, ev.independent)
        if fz is not None:
            t, th = fz
            ev.notes.append(f"exact GD is frozen from t = {t} at θ* = {[str(v) for v in th]}: θ^s = θ* for all s ≥ {t}")
            test = xs + ([x for x in _candidates(cfg) if cfg.r(x) != cfg.tau] if drop else [])
            for x in test:
                if cfg.r(x) == cfg.tau and "sphere" not in drop:
                    continue
                rel = relation(f"lim_t f_N(θ^t, x) = f°_N(x) at x = {_pt(x)} (θ^t = θ* for t ≥ {t})", cfg.f(th, x), "=",
                               Q(cfg.limit(x)))
                if rel.status.value == "VIOLATED" or x in xs:
                    rels.append(rel)
                if rel.status.value == "VIOLATED":
                    break
            return rels, hyps
    if "head" in drop and cfg.head == "ab":
        return _two_cycle(ev, cfg, xs) + rels, hyps
    if "d" in drop and cfg.d == 2:
        return _disc_trap(ev, cfg, xs), hyps
    if cfg.batch.kind == "cells":
        return [undecidable("pointwise limit", "cells batches: see yoneda23.minibatch-cells")], hyps
    cv = _prove(ev, cfg)
    if not cv.closed:
        return [undecidable("pointwise limit", f"no invariant certificate: {cv.reason}")], hyps
    for x in xs:
        rels += _eventual(ev, cfg, cv, x)
    _box_series(ev, cfg, cv)
    return rels, hyps


def _box_series(ev, cfg, cv: Convergence, horizon: int = 2 ** 12):
    """The trajectory in (ε, ζ) = (1/a, a(λ − λ*)) with the invariant box Z, for the report: the
    certified iterates' midpoints to t0, then the ramp model's GD map in floats (the invariant keeps
    the iterates in the regime, where that map is GD); and the largest certified T(x) as the search
    objective (log10).  Floats, for plots only."""
    ls = float(cv.cert.lam_star.mid())
    pts = [(float((1 / a).mid()), float((a * (lam - cv.cert.lam_star)).mid())) for _, a, lam, _ in cv.iterates]
    a, lam = float(cv.iterates[-1][1].mid()), float(cv.iterates[-1][2].mid())
    keep = {int(v) for v in np.geomspace(max(cv.t0, 1), horizon, 40)}
    for t in range(cv.t0 + 1, horizon + 1):
        a, lam = cv.model.step(a, lam)
        if t in keep:
            pts.append((1 / a, a * (lam - ls)))
    ev.record("x: ε = 1/a_t", [p[0] for p in pts])
    ev.record("ζ_t = a_t(λ_t − λ*)", [p[1] for p in pts])
    ev.record("invariant box: ζ = z_lo", [float(cv.cert.Z[0])] * len(pts))
    ev.record("invariant box: ζ = z_hi", [float(cv.cert.Z[1])] * len(pts))
    Ts = getattr(ev, "exact_times", [])
    if Ts:
        ev.objective("log10 of the largest certified T(x)", math.log10(max(Ts)))


def _prove(ev, cfg) -> Convergence:
    cv = prove(cfg, prec=max(ev.prec or 128, 128))
    if cv.closed:
        c = cv.cert
        ev.notes.append(f"invariant closed: ζ_{cv.t0} ∈ Z = [{c.Z[0]}, {c.Z[1]}], ε ≤ {_out(c.eps_max, True, 6)}, "
                        f"a²(a' − a) ∈ {_range(c.m, c.M, 6)}, a'³ − a³ ≤ {_out(c.M3, True, 6)} "
                        f"({c.tiles} tiles, {c.prec} bits)")
        ev.engines.add("d0-invariant")
    return cv


def _eventual(ev, cfg, cv: Convergence, x) -> list:
    """The certified eventual value of f_N(θ^t, x) (module d0_invariant) against f°_N(x) and f°(x)."""
    m = cv.model
    r = cfg.r(x)
    if r == m.tau:
        c = cv.cert
        with precision(cv.prec):  # λ_t = λ* + ε_t ζ_t with ε_t ∈ (0, ε_max], ζ_t ∈ Z
            band = c.lam_star + arb(0).union(arb(c.eps_max)) * arb(c.Z[0]).union(arb(c.Z[1]))
        target = Q(cfg.limit(x))
        gap = ball_bounds(band)
        dist = max(Q(0), target - gap[1], gap[0] - target)
        ev.notes.append(f"x = {_pt(x)} on the boundary r_N = τ_c: f(θ^t, x) = clip(λ_t) ∈ {_range(gap[0], gap[1], 6)} "
                        f"for all t ≥ {cv.t0}, tending to λ* ∈ {_range(c.lam_star, c.lam_star, 6)}")
        return [relation(f"distance of f_N(θ^t, x) (t ≥ {cv.t0}) from f°_N(x) = {target} tends to 0, x = {_pt(x)}",
                         dist, "=", 0),
                relation(f"distance from f°(x) = {cfg.target(x)} tends to 0, x = {_pt(x)}",
                         max(Q(0), Q(cfg.target(x)) - gap[1], gap[0] - Q(cfg.target(x))), "=", 0)]
    inside = r < m.tau
    T = cv.exact_after(abs(r - m.tau), inside)
    ev.notes.append(f"x = {_pt(x)}: f_N(θ^t, x) = {int(inside)} for every t ≥ T(x) = {T} (certified)")
    ev.exact_times = getattr(ev, "exact_times", []) + [T]
    rel = relation(f"lim_t f_N(θ^t, x) = f°_N(x) at x = {_pt(x)} (f = {int(inside)} for t ≥ {T})", Q(int(inside)),
                   "=", Q(cfg.limit(x)))
    if ev.independent and rel.status.value == "VIOLATED" and T <= INDEPENDENT_RUN_MAX:
        # the eventual value at t = T(x) on a certified run with the general piece engine (not the invariant)
        prec = max(ev.prec or 128, 128)
        tr = D.gd_ball(cfg, T, prec=prec, record={T}, fast=False)
        ev.engines.add("d0-gd-ball")
        w, c, _, _ = cfg.head_values(tr.at(T))
        with precision(prec):
            u = w * arb(r) + c
        run = relation("pre-activation at T(x)", u, "≥" if inside else "≤", 1 if inside else 0)
        if run.status.value == "VIOLATED":
            raise SoundnessError(f"yoneda23: a certified run contradicts the invariant's T(x) = {T} at x = {_pt(x)}")
        ev.notes.append(f"independent general-engine run to t = T(x) = {T}: "
                        + ("f confirmed" if run.status.value == "HOLDS" else "too wide to decide (interval extension)"))
    return [rel]


INDEPENDENT_RUN_MAX = 5000  # the re-verification's general-engine run to T(x) (about 1 ms per step)


def _two_cycle(ev, cfg, xs) -> list:
    """P4: θ^0 in a certified trap B_0 of a 2-cycle of the (a, b)-head GD map: θ^{2k} ∈ B_0,
    θ^{2k+1} ∈ B_1 for all k; disjoint ranges of f(·, x) on B_0 and B_1 mean no limit."""
    from . import traps

    prec = ev.prec or 128
    a, lam = cfg.a_lambda(cfg.theta0)
    cert = traps.ab_two_cycle(cfg, guess=(float(a), float(lam)), prec=prec)
    if cert is None:
        return [undecidable("two-cycle", "no certified 2-cycle trap near θ^0")]
    inside = traps.theta_in_box(cfg, cfg.theta0, cert.boxes[0], prec)
    if not inside:
        return [undecidable("two-cycle", "θ^0 is not certified inside the trap box B_0")]
    ev.engines.add("trap-boxes")
    ev.notes.append(f"certified 2-cycle trap: {'; '.join(cert.log)}")
    if ev.independent:  # two steps of certified GD with the general piece engine must land in B_1, then B_0
        tr = D.gd_ball(cfg, 2, prec=prec, record="all", fast=False)
        ev.engines.add("d0-gd-ball")
        where = [traps.theta_in_box(cfg, tr.thetas[k], cert.boxes[k % 2], prec) for k in (1, 2)]
        if False in where:
            raise SoundnessError("yoneda23: a certified GD step leaves the certified 2-cycle trap")
        if None in where:
            return [undecidable("two-cycle", "the independent GD steps are not certified inside the trap boxes")]
    rels = []
    for x in xs:
        f0, f1 = (traps.f_range(cfg, box, x[0], prec) for box in cert.boxes)
        b0, b1 = ball_bounds(f0), ball_bounds(f1)
        gap = max(Q(0), b0[0] - b1[1], b1[0] - b0[1])
        rels.append(relation(f"f(θ^(2k), x) and f(θ^(2k+1), x) have a common limit, x = {_pt(x)} (gap between "
                             f"{_range(b0[0], b0[1], 4)} and {_range(b1[0], b1[1], 4)})",
                             gap, "=", 0))
    return rels


def _disc_trap(ev, cfg, xs) -> list:
    """P6: d = 2, N = 1: θ^0 in a certified trap box B of the population GD map around its
    minimizer (G(B) ⊂ B): f(θ^t, x) stays in the range of f(·, x) on B, away from {0, 1}."""
    from . import disc as d0_disc

    if cfg.N != 1 or cfg.feature != "yarotsky" or cfg.head != "wc" or cfg.batch.kind != "full" or cfg.train_outer:
        return [undecidable("d = 2", "the d = 2 engine covers N = 1, head wc, population loss only")]
    prec = ev.prec or 128
    cert = d0_disc.trap_certificate(cfg, prec)
    if cert is None:
        return [undecidable("d = 2 trap", "no certified trap box around the minimizer")]
    if not cert.boxes[0].contains(tuple(cfg.theta0)):
        return [undecidable("d = 2 trap", "θ^0 is not certified inside the trap box")]
    ev.engines.add("trap-boxes")
    ev.notes.append(f"certified trap box around the population minimizer: {'; '.join(cert.log)}")
    rels = []
    for x in xs:
        r = cfg.r(x)
        with precision(prec):
            w, c = cert.boxes[0].hull(prec)
            u = w * arb(r) + c
        lo, hi = ball_bounds(u)
        f_lo, f_hi = _clip(lo), _clip(hi)
        target = Q(cfg.limit(x))
        dist = max(Q(0), target - f_hi, f_lo - target)
        rels.append(relation(f"distance of f_N(θ^t, x) (all t) from f°_N(x) = {target} tends to 0, x = {_pt(x)} "
                             f"(f ∈ {_range(f_lo, f_hi, 4)})", dist, "=", 0))
    return rels


def dropping(*clauses):
    """3.10 with some hypotheses removed: the evaluation of a planted violation."""
    return functools.partial(eval_pointwise, drop=frozenset(clauses))


def _is_default(cfg: D.D0) -> bool:
    base = D.D0(relu_grad_at_0=cfg.relu_grad_at_0, limit_def=cfg.limit_def, error_r=cfg.error_r, closed=cfg.closed)
    return cfg == base


@_guard
def eval_monotone(ev: Evaluation):
    """3.9 (default instance): a_t strictly increases and L(θ^t) does not increase, for every t: per
    step on the certified iterates up to the entry time t0, by the invariant (a²(a' − a) ≥ m > 0,
    L − L' > 0) afterwards.  Other instances: reported, not asserted."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyp = [_scope("the default instance (scope of 3.9)", _is_default(cfg))]
    if RampModel.of(cfg) is None:
        ev.notes.append("no ramp model for this configuration: nothing to report")
        return [], hyp
    cv = _prove(ev, cfg)
    its = cv.iterates
    rels = []
    if len(its) >= 2:
        with precision(cv.prec):
            rels += [_per_step("a_(t+1) − a_t", ">", [(p[0], n[1] - p[1]) for p, n in zip(its, its[1:])]),
                     _per_step("L_(t+1) − L_t", "≤", [(p[0], n[3] - p[3]) for p, n in zip(its, its[1:])])]
    if not cv.closed:
        rels.append(undecidable("all t", f"no invariant: {cv.reason}"))
    else:
        rels.append(relation(f"a²(a' − a) ≥ m > 0 for every t ≥ {cv.t0} (invariant)", cv.cert.m, ">", 0))
    if hyp[0].holds is False:
        ev.notes += [f"reported, not asserted: {r.name}: {r.status.value}" for r in rels]
    return rels, hyp


def _per_step(name: str, op: str, diffs: list):
    """One relation for "diff_t op 0 for every t" over certified balls (t, diff_t): the first step
    whose ball certifies the failure (a concrete witness t), else the bound over all steps when every
    step is certified, else the first undecided step (UNKNOWN).  A ball's one-sided bound never
    refutes anything."""
    rels = [(t, relation(f"{name} {op} 0 at t = {t} (certified iterates)", dv, op, 0)) for t, dv in diffs]
    for want in ("VIOLATED", "UNKNOWN"):
        for t, rel in rels:
            if rel.status.value == want:
                return rel
    k = len(diffs)
    bounds = [ball_bounds(dv) for _, dv in diffs]
    worst = min(b[0] for b in bounds) if op in (">", "≥") else max(b[1] for b in bounds)
    return relation(f"{name} {op} 0 for every t < {k} (certified iterates; worst bound)", worst, op, 0)


def _envelope(cv: Convergence, r: int):
    """Certified constants of 3.11 for t ≥ t1 = max(t0, 1): c1 t^{1/3} ≤ a_t ≤ c2 t^{1/3} and
    c_e t^{-1/3} ≤ e_r(t) ≤ C t^{-1/3}, as rationals (cubes for c1, c2) and balls."""
    c = cv.cert
    t0, t1 = cv.t0, max(cv.t0, 1)
    lo, hi = ball_bounds(cv.a0)
    m3 = 3 * c.m
    c1c = min(m3, (lo ** 3 - m3 * t0) / t1 + m3)
    c2c = max(c.M3, (hi ** 3 - c.M3 * t0) / t1 + c.M3)
    Ae, Be = cv.model.err
    with precision(cv.prec):
        lam = c.lam_star + arb(0).union(arb(c.eps_max)) * arb(c.Z[0]).union(arb(c.Z[1]))
        G = (Ae * lam ** (r + 1) + Be * (1 - lam) ** (r + 1)) / (r + 1)
        Glo, Ghi = ball_bounds(G)
        sup_h = max(1 / m3, Q(t1) / (lo ** 3 + m3 * (t1 - t0)))
        inf_h = min(1 / c.M3, Q(t1) / (hi ** 3 + c.M3 * (t1 - t0)))
        C = arb(Ghi) * arb(sup_h) ** (arb(1) / 3)
        ce = arb(Glo) * arb(inf_h) ** (arb(1) / 3)
    return c1c, c2c, C, ce, t1


def _ramp_scope(cfg: D.D0) -> Hypothesis:
    """The scope of 3.11 and 3.12: a configuration whose loss is the ramp model of 3.10 with N ≥ 1."""
    return _scope("d = 1, N ≥ 1, head wc, population loss, the default target, constant η·ν(Ω) ≤ 1/5, the "
                  "initialization clause (scope of 3.10)",
                  RampModel.of(cfg) is not None and cfg.N >= 1 and cfg.eta * cfg.mass <= ETA_MAX
                  and _init_clause(cfg, cfg.theta0))


RATE_HORIZON = 2 ** 10  # certified GD searches concrete witnesses against claimed constants on t ≤ this


@_guard
def eval_rate(ev: Evaluation):
    """3.11: e_r(t) ≍ t^{−1/3} and a_t ≍ t^{1/3}, with certified two-sided constants from the invariant
    (a_t³ ∈ [a_{t0}³ + 3m(t − t0), a_{t0}³ + M3(t − t0)] for t ≥ t1).

    Claimed constants params.C, c1, c2 (the user's: the paper states none) are decided one by one:
    HOLDS where the certified envelope proves them; VIOLATED only on a certified failure of the
    claimed inequality itself -- for every t ≥ t1 (the claimed constant lies beyond the *opposite*
    side of the envelope: C < c_e, c1 > c2_cert, c2 < c1_cert), or at a concrete t ≥ params.t0 (when
    given) on the certified GD trajectory to RATE_HORIZON; UNKNOWN otherwise (the envelope is
    one-sided evidence, never a counterexample).  Without params.t0 the claim reads "for all t ≥ some
    t_0", which no finite t can refute.  The float exponent on dyadic t is the search objective."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyps = [_ramp_scope(cfg)]
    if not hyps[0].holds:
        return [], hyps
    claimed = {k: ev.rational_param(k) for k in ("C", "c1", "c2")}
    t_from = _horizon_param(ev, "t0")
    cv = _prove(ev, cfg)
    if not cv.closed:
        return [undecidable("rate", f"no invariant: {cv.reason}")], hyps
    r = cfg.error_r
    c1c, c2c, C, ce, t1 = _envelope(cv, r)
    with precision(cv.prec):
        c1, c2 = arb(c1c) ** (arb(1) / 3), arb(c2c) ** (arb(1) / 3)
    ev.notes.append(f"certified for t ≥ {t1}: {_out(c1, False)} t^(1/3) ≤ a_t ≤ {_out(c2, True)} t^(1/3), "
                    f"{_out(ce, False)} t^(-1/3) ≤ e_{r}(t) ≤ {_out(C, True)} t^(-1/3) (rounded outward)")
    rels = []
    if all(v is None for v in claimed.values()):
        if c1c > 0 and sign(ce) == 1:
            rels += [relation(f"c1³ > 0 (a_t ≥ c1 t^(1/3) for t ≥ {t1})", c1c, ">", 0),
                     relation(f"c_e > 0 (e_{r}(t) ≥ c_e t^(-1/3) for t ≥ {t1})", ce, ">", 0)]
        else:
            rels.append(undecidable("rate", "the certified lower constants are not certified positive"))
    traj = functools.lru_cache(maxsize=1)(lambda: _rate_trajectory(ev, cfg, r))
    for key, value in claimed.items():
        if value is not None:
            rels.append(_claimed_constant(ev, key, value, t_from, t1, (c1c, c2c, C, ce), traj))
    _rate_series(ev, cfg, cv, c1c, c2c, C, ce)
    return rels, hyps


def _horizon_param(ev, key, default=None, limit=None):
    """params.<key> as an integer time ≥ 1 (an int or a decimal string), at most ``limit``."""
    v = ev.inst.params.get(key)
    if v is None:
        return default
    if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) < 20:
        v = int(v.strip())
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise InputError(f"{key} must be an integer >= 1, got {v!r}", f"params.{key}")
    if limit is not None and v > limit:
        raise InputError(f"{key} = {v} exceeds the limit {limit} of this claim's certified run", f"params.{key}")
    return v


def _rate_trajectory(ev, cfg, r) -> list:
    """(t, a_t, e_r(t)) as certified balls for 1 ≤ t ≤ RATE_HORIZON (exact GD's iterates lie in the
    balls).  The independent re-verification steps with the general piece engine, not the 3.8
    closed form."""
    prec = max(ev.prec or 128, 128)
    tr = D.gd_ball(cfg, RATE_HORIZON, prec=prec, record="all", fast=not ev.independent)
    ev.engines.add("d0-gd-ball")
    out = []
    with precision(prec):
        for t, th in zip(tr.times, tr.thetas):
            if t >= 1:
                out.append((t, cfg.a_lambda(th)[0], D.error(cfg, th, r, "ball", prec)))
    return out


def _claimed_constant(ev, key, value, t_from, t1, env, traj):
    """One relation deciding the user's constant params.<key> (see `eval_rate`)."""
    c1c, c2c, C, ce = env
    who = f"params.{key} = {value} (the user's constant; the paper states none)"
    if key == "C":
        asym = relation(f"{who} ≥ certified c_e: else e_r(t) ≥ c_e t^(-1/3) > C t^(-1/3) for every t ≥ {t1}",
                        value, "≥", ce)
        proof = relation(f"certified C_env ≤ {who} (e_r(t) ≤ C_env t^(-1/3) for t ≥ {t1})", C, "≤", value)
    elif key == "c1":
        asym = relation(f"{who}: c1³ ≤ certified c2³, else a_t ≤ c2 t^(1/3) < c1 t^(1/3) for every t ≥ {t1}",
                        value ** 3, "≤", c2c)
        proof = relation(f"{who}: c1³ ≤ certified c1³ (a_t ≥ c1 t^(1/3) for t ≥ {t1})", value ** 3, "≤", c1c)
    else:
        asym = relation(f"{who}: c2³ ≥ certified c1³, else a_t ≥ c1 t^(1/3) > c2 t^(1/3) for every t ≥ {t1}",
                        value ** 3, "≥", c1c)
        proof = relation(f"{who}: c2³ ≥ certified c2³ (a_t ≤ c2 t^(1/3) for t ≥ {t1})", value ** 3, "≥", c2c)
    if asym.status.value == "VIOLATED":
        if ev.independent:  # the bound says the claim fails at every t ≥ t1: confirm at t = RATE_HORIZON on a run
            t, a, e = traj()[-1]  # that uses the general piece engine, not the invariant nor the closed form
            with precision(max(ev.prec or 128, 128)):
                at = _at_t(key, value, t, a, e)
            if at.status.value == "HOLDS":
                raise SoundnessError(f"yoneda23.rate-t13: the envelope says params.{key} fails for every t ≥ {t1}, "
                                     f"a certified run says it holds at t = {t}")
            if at.status.value != "VIOLATED":
                return undecidable(f"params.{key}", f"the independent run did not decide t = {t}")
        ev.notes.append(f"refuted: the user's constant params.{key} = {value}, not a claim of the paper")
        return asym
    if t_from is not None:
        early = []
        for t, a, e in traj():
            if t < t_from:
                continue
            with precision(max(ev.prec or 128, 128)):
                rel = _at_t(key, value, t, a, e)
            if rel.status.value == "VIOLATED":
                ev.notes.append(f"refuted at t = {t} (certified GD): the user's constant params.{key} = {value}, "
                                "not a claim of the paper")
                return rel
            if t < t1:
                early.append(rel)
        if t_from < t1 and proof.status.value == "HOLDS":
            if len(early) == t1 - t_from and all(x.status.value == "HOLDS" for x in early):
                return relation(f"{proof.name}, and for {t_from} ≤ t < {t1} on the certified iterates", proof.lhs,
                                proof.op, proof.rhs)
            return undecidable(f"params.{key}", f"certified for t ≥ {t1}, undecided on {t_from} ≤ t < {t1}")
    if proof.status.value == "HOLDS":
        return proof
    where = f"no certified failure at any t ∈ [{t_from}, {RATE_HORIZON}]" if t_from is not None else \
        "no params.t0 given, so no finite t can refute 'for all t ≥ some t_0'"
    return undecidable(f"params.{key} = {value}",
                       f"the claimed constant lies inside the certified envelope (c1 ≤ a_t t^(-1/3) ≤ c2, "
                       f"c_e ≤ e_r t^(1/3) ≤ C_env for t ≥ {t1}): one-sided bounds are no counterexample; {where}")


def _at_t(key, value, t, a, e):
    """The claimed inequality of params.<key> at one t (a, e: certified balls of a_t, e_r(t))."""
    ct = arb(t) ** (arb(1) / 3)
    if key == "C":
        return relation(f"e_r(t) ≤ C t^(-1/3) at t = {t} (certified GD)", e * ct, "≤", value)
    if key == "c1":
        return relation(f"a_t ≥ c1 t^(1/3) at t = {t} (certified GD)", a, "≥", value * ct)
    return relation(f"a_t ≤ c2 t^(1/3) at t = {t} (certified GD)", a, "≤", value * ct)


def _rate_series(ev, cfg, cv, c1c, c2c, C, ce, kmax: int = 16):
    """Float e_r(t) on dyadic t with the certified envelope, and the fitted exponent (search objective)."""
    ts = [2 ** k for k in range(4, kmax + 1)]
    tr = D.gd_float(cfg, ts[-1], record=set(ts), errors=True)
    err = dict(zip(tr.times, tr.errors))
    es = [float(err[t]) for t in ts]
    lx, ly = [math.log(t) for t in ts[-5:]], [math.log(e) for e in es[-5:]]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    slope = sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)
    ev.record("x: t", ts)
    ev.record(f"e_{cfg.error_r}(t) (float GD)", es)
    ev.record("certified upper envelope C t^(-1/3)", [float(C.mid()) * t ** (-1 / 3) if t >= cv.t0 else None for t in ts])
    ev.record("certified lower envelope c_e t^(-1/3)", [float(ce.mid()) * t ** (-1 / 3) if t >= cv.t0 else None
                                                        for t in ts])
    ev.notes.append(f"fitted exponent of e_r on t ∈ [{ts[-5]}, {ts[-1]}]: {slope:.4f} (float; −1/3 predicted)")
    ev.objective("fitted exponent of e_r(t) (float)", slope)


@_guard
def eval_time_to_exactness(ev: Evaluation):
    """3.12: a certified T(x) with f_N(θ^t, x) = f°_N(x) for all t ≥ T(x); for δ = |r_N(x) − 1/4| ≥ 1/8
    and T(x) ≤ 20000 cross-checked by a certified run: at t = T(x) the head's pre-activation is
    certified ≥ 1 (inside) or ≤ 0 (outside)."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyps = [_ramp_scope(cfg)]
    if not hyps[0].holds:
        return [], hyps
    xs = points(ev, cfg, [[Q(1, 8)], [Q(3, 4)], [Q(9, 20)]])
    hyps += [_scope(f"r_N(x) ≠ 1/4 at x = {_pt(x)}", cfg.r(x) != cfg.tau) for x in xs]
    if any(h.holds is False for h in hyps):
        return [], hyps
    T_claim = _horizon_param(ev, "T")
    cv = _prove(ev, cfg)
    if not cv.closed:
        return [undecidable("T(x)", f"no invariant: {cv.reason}")], hyps
    rels = []
    for x in xs:
        r = cfg.r(x)
        delta, inside = abs(r - cfg.tau), r < cfg.tau
        T = cv.exact_after(delta, inside)
        if T_claim is not None:
            rels.append(_claimed_time(ev, cfg, x, T_claim, T))
        rels.append(relation(f"T(x) < ∞ with f_N(θ^t, x) = f°_N(x) for t ≥ T(x) = {T}, x = {_pt(x)}", Q(int(inside)),
                             "=", Q(cfg.limit(x))))
        ls = float(cv.cert.lam_star.mid())
        c_inf = float((Q(16, 17) * cfg.eta * cv.model.F(cv.cert.lam_star)).mid()) ** (1 / 3)
        pred = (((1 - ls) if inside else ls) / (c_inf * float(delta))) ** 3
        ev.notes.append(f"x = {_pt(x)}: δ = {delta}, certified T(x) = {T}; heuristic ((1−λ*) or λ*)/(c∞δ))³ ≈ {pred:.3g}")
        if delta >= Q(1, 8) and T <= 20000:
            tr = D.gd_ball(cfg, T, prec=128, record={T})
            w, c = tr.at(T)
            with precision(128):
                u = w * arb(r) + c
            check = relation(f"certified run: pre-activation at t = T(x) {'≥ 1' if inside else '≤ 0'}, x = {_pt(x)}",
                             u, "≥" if inside else "≤", 1 if inside else 0)
            if check.status.value == "VIOLATED":  # T(x) is the tool's own bound: a failure is a defect, not a witness
                raise SoundnessError(f"yoneda23.time-to-exactness: the certified run contradicts the certified "
                                     f"T(x) = {T} at x = {_pt(x)}")
            rels.append(check)
    return rels, hyps


EXACTNESS_WITNESS_HORIZON = 2 ** 14  # certified GD looks for a witness against params.T up to this t


def _claimed_time(ev, cfg, x, T_claim: int, T_cert: int):
    """The user's time params.T ("f_N(θ^t, x) = f°_N(x) for every t ≥ T"): HOLDS when the certified
    T(x) ≤ T; VIOLATED only at a concrete t ≥ T where certified GD puts the head's pre-activation
    u = w r_N(x) + c strictly inside (−∞, 1) (a point inside: f < 1) or (0, ∞) (outside: f > 0);
    else UNKNOWN -- a certified T(x) above the claimed one is only our bound."""
    who = f"params.T = {T_claim} (the user's time) at x = {_pt(x)}"
    if T_cert <= T_claim:
        return relation(f"certified T(x) = {T_cert} ≤ {who}", Q(T_cert), "≤", Q(T_claim))
    inside = cfg.r(x) < cfg.tau
    H = min(T_cert, EXACTNESS_WITNESS_HORIZON)
    prec = max(ev.prec or 128, 128)
    lo, h = T_claim, min(H, max(T_claim, 16))
    while lo <= h:  # horizons doubling from T: a witness, when there is one, usually sits just past T
        tr = D.gd_ball(cfg, h, prec=prec, record=set(range(lo, h + 1)), fast=not ev.independent)
        ev.engines.add("d0-gd-ball")
        with precision(prec):
            for t, th in zip(tr.times, tr.thetas):
                if t < lo:
                    continue
                w, c, _, _ = cfg.head_values(th)
                u = w * arb(cfg.r(x)) + c
                rel = relation(f"f_N(θ^t, x) = f°_N(x) at t = {t} ≥ {who}: pre-activation {'≥ 1' if inside else '≤ 0'} "
                               "(certified GD)", u, "≥" if inside else "≤", 1 if inside else 0)
                if rel.status.value == "VIOLATED":
                    ev.notes.append(f"refuted at t = {t}: the user's time params.T = {T_claim}, not a claim of the paper")
                    return rel
        lo, h = h + 1, min(H, 2 * h)
    return undecidable(f"params.T = {T_claim}", f"the certified T(x) = {T_cert} exceeds it, which is only our bound; "
                       f"no certified t ∈ [{T_claim}, {H}] with f_N(θ^t, x) ≠ f°_N(x)")


CELLS_MAX_T = 2 ** 18  # the certified cells run of 3.13 (2^12 steps take 0.13 s)


@_guard
def eval_cells(ev: Evaluation):
    """3.13: under cells(m) the conclusions of 3.10–3.11 hold.  Where every cell's closed-form
    coefficients equal the full batch's (m = 1, normalized) GD is the full-batch GD in the regime and
    3.10 proves it; for m ≥ 2 the composed 2^m-step invariant is not
    implemented: a certified run to t = params.t (default 2^12) with the regime kept, and UNKNOWN."""
    cfg = config(ev)
    _head_note(ev, cfg)
    hyps = [_scope("cells batches, d = 1, N ≥ 1, head wc, the default target, η·ν(Ω) ≤ 1/5, the initialization "
                   "clause (scope of 3.13)", cfg.batch.kind == "cells" and cfg.d == 1 and cfg.N >= 1 and cfg.head == "wc"
                   and not cfg.train_outer and cfg.radius == D.HALF and all(c == 0 for c in cfg.centre)
                   and cfg.eta * cfg.mass <= ETA_MAX and _init_clause(cfg, cfg.theta0))]
    if not hyps[0].holds:
        return [], hyps
    xs = points(ev, cfg, [[Q(9, 20)], [Q(3, 5)]])
    hyps += [_scope(f"r_N(x) ≠ 1/4 at x = {_pt(x)}", cfg.r(x) != cfg.tau) for x in xs]
    if any(h.holds is False for h in hyps):
        return [], hyps
    full = cfg.with_(batch=D.Batch.full())
    full_co = D.closed_form_coefficients(full, 0)
    if full_co is not None and all(D.closed_form_coefficients(cfg, t) == full_co for t in range(cfg.n_cells)):
        # every cell's loss is the population loss in the regime (m = 1, normalized: the two halves are mirror images)
        rels = [relation("every cell's (A_t, B_t) = the full batch's (exact)", Q(1), "=", 1)]
        cv = _prove(ev, full)
        if not cv.closed:
            return rels + [undecidable("pointwise limit", cv.reason)], hyps
        return rels + [r for x in xs for r in _eventual(ev, full, cv, x)], hyps
    T = _horizon_param(ev, "t", 2 ** 12, CELLS_MAX_T)
    tr = D.gd_ball(cfg, T, prec=128, record="dyadic")
    ev.engines.add("d0-gd-ball")
    a_t = [(t, cfg.a_lambda(th)[0]) for t, th in zip(tr.times, tr.thetas)]
    ev.record("x: t", [t for t, _ in a_t if t > 0])
    ev.record("a_t (certified midpoint)", [float(a.mid()) for t, a in a_t if t > 0])
    ev.notes.append(f"certified run to t = {tr.times[-1]} ({'complete' if tr.complete else tr.reason}); "
                    f"engine steps {tr.engine_steps}; a_T ∈ {a_t[-1][1].str(10)}")
    return [undecidable("pointwise limit", "the composed invariant of G_(M-1)∘…∘G_0 is not implemented "
                        "(the per-step O(1) drifts of ζ cancel only symbolically)")], hyps


# ============================================================================================
# registration


def _inst(kind, **kw):
    def make():
        from . import strategies as vst

        return vst.yoneda23_instances(kind, **kw)
    return make


def _i(params=None, **knobs):
    net = {"kind": "d0"}
    net.update({k: v for k, v in knobs.items()})
    out = {"network": net}
    if params:
        out["params"] = params
    return out


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_PTS = {"x": Param("list of points in [−1, 1)^d", None, "the points x (default: a fixed set)")}
_TH = {"theta": Param("list of rationals", "θ^0", "the parameter vector θ (default: the network's θ^0)")}
PARAMS = {
    "relu-identities": {"z": Param("rational", "1/3", "z"), "y": Param("rational", "2/5", "y"),
                        "a": Param("rational", 4, "a of the ramp"), "b": Param("rational", "2/5", "b of the ramp"),
                        "r": Param("rational", "1/4", "r of the ramp")},
    "squaring-error": {"z": Param("rational in [0, 1]", "1/2^(N+1)", "the point z")},
    "feature-error": _PTS, "boundary-set": _PTS, "n-limit": _PTS, "pointwise-convergence": _PTS,
    "minibatch-cells": {**_PTS, "t": Param("int", 4096, "the horizon in steps")},
    "backprop-gradient": _TH, "d1-exact-reduction": _TH,
    "rate-t13": {"C": Param("rational", None, "a user's constant C to check (the paper states none)"),
                 "c1": Param("rational", None, "a user's constant c_1"), "c2": Param("rational", None, "a user's constant c_2"),
                 "t0": Param("int", None, "the start t_0 of the rate (default: certified)")},
    "time-to-exactness": {**_PTS, "T": Param("int", None, "a user's time T to check for every point")},
}
STATEMENT_SUBS = {"relu0-one": [("σ'(0) convention", "σ'(0) = 1"), ("ReLU′(0) = 0", "ReLU′(0) = 1")],
                  "relu0-zero": [("σ'(0) convention", "σ'(0) = 0")],
                  "err-r1": [("‖_r^r", "‖_1"), ("‖f − f°_N‖_r^r", "‖f − f°_N‖_1")],
                  "eta-decay": [("η ≤ 1/5", "η_t = η(t + 1)^{−1/2}, η ≤ 1/5")],
                  "limit-closed": [("r_N(x) ≠ 1/4", "r_N(x) ≠ 1/4 (f°_N = 1{r_N ≤ R²})")]}

def _claim(id_, prov, statement, fn, *, groups=ALL_GROUPS, examples=(), mutants=(), kind=None):
    return register(Claim(id=f"yoneda23.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=list(examples), variant_groups=groups, mutants=list(mutants),
                          family="yoneda23", instances=_inst(kind or id_),
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, kind=None):
    return Mutant(parent=f"yoneda23.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {}, instances=_inst(kind or name))


_claim("relu-identities", "DERIVED", "|z| = σ(z) + σ(−z); 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1) is the hat g; σ(y) − σ(y − 1) "
       "= min{1, max{0, y}}, so σ(a(b − r)) − σ(a(b − r) − 1) is the ramp u for every sign of a", eval_relu_identities,
       groups=(), examples=[_i({"z": "1/2", "y": "-3", "a": "-2", "b": "1/4", "r": "1/8"}), _i()])
_claim("squaring-error", "DERIVED", "φ_N(z) = z − Σ_{k≤N} g_k(z)/4^k interpolates z² on the grid k/2^N, slope (2k+1)/2^N, "
       "0 ≤ φ_N − z² ≤ 2^{−2N−2} on [0, 1] with equality at the midpoints; the D0 layers compute it exactly",
       eval_squaring_error, groups=("y-feature",), examples=[_i({"z": "1/8"}), _i({"z": "1/3"}, N=4)],
       mutants=[_mutant("squaring-error", "half-constant", "yoneda23.pv.lemma-constants (a)",
                        "φ_N(z) − z² ≤ 2^{−2N−3}", eval_squaring_half, _i({"z": "1/8"}), kind="lemma-z"),
                _mutant("squaring-error", "below-square", "yoneda23.pv.lemma-constants (b)", "φ_N(z) ≤ z²",
                        eval_squaring_below, _i({"z": "1/8"}), kind="lemma-z")])
_claim("feature-error", "DERIVED", "0 ≤ r_N(x) − |x|² ≤ d·2^{−2N−2} on [−1, 1]^d", eval_feature_error,
       groups=("y-feature",), examples=[_i({"x": [["1/8", "1/8"]]}, d=2), _i({"x": ["-1/3"]})],
       mutants=[_mutant("feature-error", "no-d-factor", "yoneda23.pv.lemma-constants (c)",
                        "r_N(x) − |x|² ≤ 2^{−2N−2} (the factor d dropped)", eval_feature_no_d,
                        _i({"x": [["1/8", "1/8"]]}, d=2), kind="lemma-x")])
_claim("sparse-shape", "DERIVED", "D0 has width ≤ 4d, N + 3 hidden layers and 13dN + d + 4 (N ≥ 1) / 4d + 4 (N = 0) "
       "non-zero weights: O(dN) ('sparse, special shape' is [ABSTRACT])", eval_sparse_shape,
       groups=("y-feature",), examples=[_i(), _i(d=3, N=0), _i(d=2, N=5)])
_claim("boundary-set", "DERIVED", "f°_N(x) ≠ f°(x) ⇔ |x|² ≤ 1/4 ≤ r_N(x); equality off the shell |x|² ∈ "
       "[1/4 − d2^{−2N−2}, 1/4]; for d = 1, N ≥ 1 they differ only at |x| = 1/2", eval_boundary_set,
       examples=[_i({"x": ["1/2", "-1/2", "9/20"]}), _i({"x": [["3/10", "2/5"], ["1/4", "1/4"]]}, d=2, N=1)])
_claim("n-limit", "RECONSTRUCTED", "for |x| ≠ 1/2: f°_N(x) = f°(x) for N ≥ N_0(x) (exact threshold), hence f°_N → f° "
       "pointwise as N → ∞ (proof [DERIVED] exact)", eval_n_limit,
       examples=[_i({"x": ["2/5", "3/5", "63/128"]}), _i({"x": [["3/10", "3/10"]]}, d=2)],
       mutants=[_mutant("n-limit", "finite-n-equality", "yoneda23.pv.finite-n-equality",
                        "f°_N = f° off the sphere already at finite N", eval_finite_n,
                        _i({"x": [["3/10", "3/10"]]}, d=2, N=1), kind="finite-n")])
_claim("backprop-gradient", "DERIVED", "backprop through the D0 network (σ'(0) convention, ties logged) equals the "
       "closed forms of ∂L/∂w, ∂L/∂c (∂L/∂a, ∂L/∂b); population d = 1: exact rationals, L(θ^0) = 121/5625, "
       "∂L/∂w = 113/11250, ∂L/∂c = 7/375", eval_backprop,
       examples=[_i(), _i(batch={"kind": "data", "X": [["-3/4"], ["-1/4"], ["1/4"], ["3/4"], ["7/20"]]}),
                 _i(head="ab", batch={"kind": "grid", "n": 3})])
_claim("d1-exact-reduction", "DERIVED", "d = 1, N ≥ 1, in the regime: L = F(λ)/(3a), F = ρ_Rλ³ + ρ_L(1 − λ)³, and the "
       "closed-form GD maps (heads wc and ab) equal the general integrator", eval_reduction,
       examples=[_i(), _i(head="ab"), _i(batch={"kind": "cells", "m": 2})])
_claim("monotone-descent", "RECONSTRUCTED", "default instance: a_t = −w_t strictly increases and L(θ^t) does not "
       "increase, for every t ≥ 0 (certified iterates to t0, then the invariant of 3.10)", eval_monotone,
       examples=[_i()])
_claim("pointwise-convergence", "RECONSTRUCTED", "d = 1, N ≥ 1, head wc, η ≤ 1/5, a_0 > 0 with the ramp meeting the "
       "feature range, population loss: f_N(θ^t, x) → f°_N(x) for every x with r_N(x) ≠ 1/4, eventually exactly "
       "(certified: GD into Z, then an invariant box in (1/a, a(λ − λ*)) closed by interval branch and bound)",
       eval_pointwise, examples=[_i({"x": ["0", "9/20", "3/5", "-7/10"]})],
       mutants=[
           _mutant("pointwise-convergence", "finite-data-freeze", "yoneda23.pv.finite-data-freeze",
                   "the same with a finite data batch (no coverage of the domain)", dropping("coverage"),
                   _i({"x": ["9/20"]}, batch={"kind": "data", "X": [["-3/4"], ["-1/4"], ["1/4"], ["3/4"]]})),
           _mutant("pointwise-convergence", "dead-ramp", "yoneda23.pv.dead-ramp",
                   "the same for every initialization", dropping("init"), _i({"x": ["0"]}, init=["1", "-2"])),
           _mutant("pointwise-convergence", "step-too-large", "yoneda23.pv.step-too-large",
                   "the same for every step size η > 0", dropping("step"), _i({"x": ["0"]}, eta="86")),
           _mutant("pointwise-convergence", "ab-head-fixed-step", "yoneda23.pv.ab-head-fixed-step",
                   "the same with the (slope, threshold) head (a, b) and constant η", dropping("head"),
                   _i({"x": ["51/100"]}, head="ab", init=["19583863/1000000", "23079591/78335452"]), forced={"y-head": "head-ab"}),
           _mutant("pointwise-convergence", "threshold-n0", "yoneda23.pv.threshold-n0",
                   "the same for N = 0", dropping("N"), _i({"x": ["3/8"]}, N=0, init=["-4", "5/2"])),
           _mutant("pointwise-convergence", "d2-step-limit", "yoneda23.pv.d2-step-limit",
                   "the same in d = 2 (N = 1)", dropping("d"),
                   _i({"x": [["5/16", "5/16"]]}, d=2, N=1, init=["-120195877/10000000", "44400707/10000000"])),
           _mutant("pointwise-convergence", "boundary-value", "yoneda23.pv.boundary-value",
                   "f_N(θ^t, x) → f°_N(x) for every x (the boundary r_N(x) = 1/4 included)", dropping("sphere"),
                   _i({"x": ["1/2"]})),
       ])
_claim("rate-t13", "RECONSTRUCTED", "‖f_N(θ^t) − f°_N‖_r^r ≤ C t^{−1/3} and c_1 t^{1/3} ≤ a_t ≤ c_2 t^{1/3} for t ≥ t_0, "
       "with certified two-sided constants (exponent exactly 1/3)", eval_rate, examples=[_i()])
_claim("time-to-exactness", "RECONSTRUCTED", "f_N(θ^t, x) = f°_N(x) for t ≥ T(x), T(x) ≍ η^{−1}|r_N(x) − 1/4|^{−3}: "
       "certified upper bounds on T(x), cross-checked by certified runs for δ ≥ 1/8", eval_time_to_exactness,
       examples=[_i({"x": ["1/8", "3/4", "9/20"]})])
_claim("minibatch-cells", "RECONSTRUCTED", "under batch = cells(m) the conclusions of 3.10–3.11 hold ('mini-batch GD "
       "induces pointwise convergence' is [ABSTRACT]); m = 1 is the full batch", eval_cells,
       examples=[_i({"x": ["9/20", "3/5"]}, batch={"kind": "cells", "m": 1})])
