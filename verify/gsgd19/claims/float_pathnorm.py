"""gsgd19 claims 12-13: float64 bitwise invariance of the forward pass under c_j = 2^{k_j} with
the exact side condition (no overflow, underflow or subnormal; 12, [DERIVED]; planted 11, 12, 13),
and the path-norm ‖Φ(w)‖_q^q = Σ_p |v_p(w)|^q with its 𝒢-invariance and certified log enclosure
(13, [ABSTRACT]; planted 16; `Q_EXACT_LIMIT`)."""

from __future__ import annotations

import math
import struct

from flint import fmpq

from ...framework import Evaluation, Hypothesis, relation, undecidable
from ...dag import DagNetwork
from ...errors import InputError
from ...numbers import Undecided, parse_rational, sign, to_json
from .common import _bool, _exact, _inputs, _positive_c, _scaling
from .independent import _ind_pathnorm


# --------------------------------------------------------------------------------------------
# 12: float64 bitwise invariance under powers of two


FLOAT_MIN_NORMAL = fmpq(1, 2 ** 1022)
FLOAT_LIMIT = fmpq(2) ** 1024


class _FloatRun:
    """The float64 pipeline under test -- g(w) computed in float (w·c_b, then ÷c_a), then the
    forward pass in the fixed order of `DagNetwork.forward` -- with the side condition tracked
    exactly: every operation's exact result (from its float operands, as rationals) must be 0 or
    of magnitude in [2^-1022, 2^1024), i.e. no overflow, no underflow, no subnormal."""

    def __init__(self):
        self.ok, self.why = True, ""

    def op(self, a: float, b: float, kind: str) -> float:
        if math.isfinite(a) and math.isfinite(b):
            fa, fb = fmpq(*a.as_integer_ratio()), fmpq(*b.as_integer_ratio())
            exact = fa * fb if kind == "*" else (fa / fb if kind == "/" else fa + fb)
            if exact != 0 and not (FLOAT_MIN_NORMAL <= abs(exact) < FLOAT_LIMIT):
                self._fail(f"{a!r} {kind} {b!r} leaves the normal range")
        else:
            self._fail("a non-finite intermediate")
        return a * b if kind == "*" else (a / b if kind == "/" else a + b)

    def _fail(self, why):
        if self.ok:
            self.ok, self.why = False, why

    def scale(self, net: DagNetwork, c: list[float]) -> DagNetwork:
        f = {j: c[k] for k, j in enumerate(net.hidden)}
        w = []
        for (a, b), v in zip(net.edges, net.weights):
            if b in f:
                v = self.op(v, f[b], "*")
            if a in f:
                v = self.op(v, f[a], "/")
            w.append(v)
        bs = [self.op(v, f[j], "*") if j in f else v for j, v in zip(net.bias_nodes, net.biases)]
        return net.with_theta(w + bs)

    def forward(self, net: DagNetwork, x: list[float]) -> list[float]:
        o = [0.0] * len(net.kinds)
        for k, i in enumerate(net.inputs):
            o[i] = x[k]
        for j in range(len(net.kinds)):
            if net.kinds[j] == "input":
                continue
            acc = 0.0
            if j in net.bias_of:
                acc = self.op(acc, net.biases[net.bias_of[j]], "+")
            for e in net.in_edges[j]:
                acc = self.op(acc, self.op(net.weights[e], o[net.edges[e][0]], "*"), "+")
            o[j] = (acc if acc > 0 else 0.0) if net.kinds[j] == "hidden" else acc
        return [o[k] for k in net.outputs]


def _to_float_exact(q: fmpq, where: str) -> float:
    """The float64 equal to q; `InputError` if q is not a float64."""
    f = int(q.p) / int(q.q) if abs(q) < FLOAT_LIMIT else math.inf
    if not math.isfinite(f) or fmpq(*f.as_integer_ratio()) != q:
        raise InputError(f"{to_json(q)} is not a float64 value (claim 12 runs the float pipeline on the "
                         "instance's own values)", where)
    return f


def _bits(f: float) -> str:
    return struct.pack(">d", f).hex()


def eval_float_pow2(ev: Evaluation, side_condition=True, pow2=True):
    """Claim 12: the float64 forward pass of g(w), c_j = 2^{k_j}, is bitwise equal to that of w
    unless an intermediate overflows, underflows or is subnormal (exact check of every op).
    Weights, c and x must be float64 values; g(w) is computed in float as part of the pipeline."""
    net = _exact(ev)
    cs = _scaling(ev, net)
    hyp = [_positive_c(cs)]
    if pow2:
        bad = [k for k, c in enumerate(cs) if not _is_pow2(c)]
        hyp.append(Hypothesis("every c_j is a power of two", not bad, f"c_{bad[0]} = {to_json(cs[bad[0]])}" if bad
                              else ""))
    if not hyp[0].holds:
        return [], hyp
    fnet = net.with_theta([_to_float_exact(t, "network") for t in net.theta])
    fc = [_to_float_exact(c, f"params.c[{k}]") for k, c in enumerate(cs)]
    run = _FloatRun()
    gnet = run.scale(fnet, fc)
    rels = []
    for i, x in enumerate(_inputs(ev, net)):
        xf = [_to_float_exact(t, f"params.x[{i}]") for t in x]
        a, b = run.forward(fnet, xf), run.forward(gnet, xf)
        for o, (p, q) in enumerate(zip(b, a)):
            rels.append(_bool(f"bits(N^{o}_g(w)(x_{i})) = bits(N^{o}_w(x_{i})) in float64", _bits(p) == _bits(q),
                              f"{p!r} ({_bits(p)}) vs {q!r} ({_bits(q)})" + (f"; {run.why}" if run.why else "")))
    if side_condition:
        hyp.append(Hypothesis("no intermediate overflows, underflows or is subnormal (exact check)", run.ok, run.why))
    return rels, hyp


def _is_pow2(c: fmpq) -> bool:
    p, q = int(c.p), int(c.q)
    return p > 0 and (p & (p - 1)) == 0 and (q & (q - 1)) == 0


def eval_float_no_side(ev):
    """Planted 11/12: claim 12 without its side condition."""
    return eval_float_pow2(ev, side_condition=False)


def eval_float_non_pow2(ev):
    """Planted 13: bitwise equality for c not a power of two."""
    return eval_float_pow2(ev, pow2=False)


# --------------------------------------------------------------------------------------------
# 13: path-norms


Q_EXACT_LIMIT = 10_000


def _q(ev):
    q = parse_rational(ev.inst.params.get("q", 1), "params.q")
    if sign(q) < 0:
        raise InputError("the path-norm exponent q must be >= 0", "params.q")
    if q > Q_EXACT_LIMIT:
        raise InputError(f"q = {to_json(q)} is past the documented limit q <= {Q_EXACT_LIMIT} of the exact "
                         "path-norm (|v_p|^q would have millions of digits)", "params.q")
    return q


def eval_pathnorm(ev: Evaluation, relu6_forward=False):
    """Claim 13: Σ_p |v_p|^q (enumeration) = the DP on the |w|^q network (all-ones input), the
    value is 𝒢-invariant (given c), and the certified log-domain enclosure contains it."""
    from .. import pathnorm

    net = _exact(ev)
    q = _q(ev)
    q0 = ev.variants.get("pathnorm-q0", "structural")
    rels, hyp = [], []
    if q.q != 1:
        raise Undecided("non-integer q: the exact value is irrational (use the ball functions of verify.gsgd19.pathnorm)")
    enum = _ind_pathnorm(net, int(q.p), q0) if ev.independent else pathnorm.pathnorm_q_enumerated(net, int(q.p), q0=q0)
    if relu6_forward:
        rels.append(relation("toolkit forward with ReLU6 kept = Σ_p |v_p|^q", pathnorm.pathnorm_relu6_forward(net, int(q.p)),
                             "=", enum))
        return rels, hyp
    dp = pathnorm.pathnorm_q_exact(net, int(q.p), q0=q0)
    rels.append(relation("Σ_p |v_p|^q (enumeration) = DP on the |w|^q network", enum, "=", dp))
    if ev.inst.params.get("c") is not None:
        cs = _scaling(ev, net)
        hyp.append(_positive_c(cs))
        if not hyp[-1].holds:
            return rels, hyp
        rels.append(relation("‖Φ(g(w))‖_q^q = ‖Φ(w)‖_q^q", pathnorm.pathnorm_q_exact(net.scale(cs), int(q.p), q0=q0),
                             "=", dp))
    if q >= 1 and dp != 0:
        rels.append(_enclosure_relation(pathnorm.log_pathnorm(net, int(q.p), prec=128), dp))
    return rels, hyp


def _enclosure_relation(enc, exact: fmpq):
    """"log(exact) ∈ enc", decided soundly: HOLDS if a 256-bit ball of log(exact) lies inside
    ``enc``, VIOLATED only if it is disjoint from ``enc``, UNKNOWN otherwise."""
    from flint import arb

    from ...numbers import ball_bounds, precision

    name = "the log-domain enclosure contains log Σ_p |v_p|^q"
    with precision(256):
        inner = ball_bounds(arb(exact).log())
    outer = ball_bounds(enc) if enc is not None else None
    if inner is None or outer is None:
        return undecidable(name, f"enclosure {enc}")
    if outer[0] <= inner[0] and inner[1] <= outer[1]:
        return _bool(name, True, f"{enc}")
    if inner[1] < outer[0] or outer[1] < inner[0]:
        # the enclosure is the tool's own computation: missing the exact value is a defect of
        # verify.gsgd19.pathnorm, not a failure of the statement -- never VIOLATED
        return undecidable(name, f"internal inconsistency: {enc} excludes log of {to_json(exact)}")
    return undecidable(name, f"the 256-bit ball of the exact log overlaps the edge of {enc}")


def eval_pathnorm_relu6(ev):
    """Planted 16: the toolkit's forward pass with ReLU6 kept."""
    return eval_pathnorm(ev, relu6_forward=True)
