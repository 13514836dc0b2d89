"""What the yoneda23 claims share: the provenance constants, the variant groups of spec §5
(registered here, before any claim), the instance's D0 with its variants applied (`config`), scope
hypotheses, the guard that turns an unimplemented variant into UNKNOWN, the readers of the
instance's params (x, θ, scalars), outward-rounded printing, and the size limit of exact
data-batch claims (DATA_MAX_POINTS).
"""

from __future__ import annotations

from flint import fmpq

from ...framework import Evaluation, Hypothesis, undecidable
from ...errors import InputError
from ...numbers import Undecided, ball_bounds, parse_rational
from ...registry import VariantGroup, register_variants
from .. import d0 as D


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


def _pt(x) -> str:
    return "(" + ", ".join(str(v) for v in x) + ")"


DATA_MAX_POINTS = 2 ** 13  # exact data-batch claims: 8192 points take about 8 s (backprop-gradient)


def _check_data_size(cfg: D.D0):
    """Refuse data/grid batches past DATA_MAX_POINTS (the exact evaluations are linear in |B|)."""
    if cfg.batch.kind in ("data", "grid"):
        n = len(cfg.batch.X) if cfg.batch.kind == "data" else 2 ** (cfg.batch.n * cfg.d)
        if n > DATA_MAX_POINTS:
            raise InputError(f"the batch has {n} points; exact data-batch claims are limited to {DATA_MAX_POINTS} "
                             "(DATA_MAX_POINTS)", "network.batch")
