"""gsgd19 -- path values, basis paths and G-SGD in the positively scale-invariant space.

Meng, Zheng, Zhang, Chen, Ye, Ma, Yu, Liu, ICLR 2019, arXiv:1802.03713.
Specification: shared/claims/002-gsgd-path-values.md; note: proofs_notes/gsgd19.md.

Notation (spec §2): widths [d, h_1, …, h_{L-1}, K]; w^l(i, j) stored W[l-1][i][j]; H hidden nodes,
m weights, n_b bias edges; paths p with values v_p(w) = Π_{e∈p} w_e and activation status
a_p(x; w) (strict); the group 𝒢 of positive per-node rescalings g_c; the structure matrix A; the
risk L(w) = Σ_{(x,y)∈D} ½‖N_w(x) − y‖²; g = ∂L/∂w with ReLU′(0) := 0 unless a variant says 1.

Every claim here is decided in exact rational arithmetic (integer ranks, `fmpq` values); the
networks and parameters of an instance must be rational.  An independent re-verification
recomputes with a different algorithm where there is one (path values by a forward DP instead of
enumeration, the realization as a path sum instead of a forward pass, ranks by `fmpq_mat.rref`
instead of `fmpz_mat.rank`).

Instance ``params`` (all optional unless a claim needs them; numbers exact as in DESIGN.md):
``x`` list of inputs; ``c`` one factor per hidden node (scaling-index order); ``data`` a finite
data set [{"x": [...], "y": [...]}]; ``eta`` step size; ``steps``; ``q`` path-norm exponent;
``other`` a second network (claim 4); ``z`` a vector for claim 9's system By = z.
"""

from __future__ import annotations

import functools
import math
import struct

from flint import fmpq, fmpq_mat

from . import gsgd, paths
from ..claim import Claim, Param, Evaluation, Hypothesis, Mutant, relation, undecidable
from ..dag import DagNetwork, layered_data
from ..errors import InputError
from ..numbers import Undecided, parse_rational, sign, to_json
from ..registry import VariantGroup, register, register_variants

SOURCE = "Meng, Zheng, Zhang, Chen, Ye, Ma, Yu, Liu 2019 (G-SGD), arXiv:1802.03713"
NOTE = "proofs_notes/gsgd19.md"
ENUMERATION_LIMIT = 5000

register_variants(
    VariantGroup("pv-class", {"class-nonzero-signs": "nonzero-signs", "class-signs-only": "signs-only",
                              "class-values-only": "values-only", "class-function-level": "function-level"},
                 "class-nonzero-signs", "claim 4's hypotheses: nonzero weights and equal signs (default); equal signs "
                 "only; equal path values only; equal signs with the conclusion N_w ≡ N_w' (open: UNKNOWN unless refuted)"),
    VariantGroup("rank-form", {"rank-mlp": "mlp", "rank-dag-all-on-path": "dag-all-on-path",
                               "rank-bias-edges": "bias-edges", "rank-dag-general": "dag-general"},
                 "rank-bias-edges", "claim 5's formula: m − H (bias-free MLPs), m − H (bias-free DAGs, every edge on "
                 "a path), m + n_b − H (bias edges, every edge on a path; default), m' − H' (any DAG, on-path only; "
                 "paths start at an input or a bias)"),
    VariantGroup("basis-method", {"basis-mod-mapping": "mod-mapping", "basis-tree": "tree", "basis-rref": "rref"},
                 "basis-mod-mapping", "claim 6's basis: official mod-mapping skeleton (equal widths), the tree "
                 "construction (any DAG), or the pivot paths of the row-reduced structure matrix (any DAG)"),
    VariantGroup("gauge", {"gauge-ratio": "ratio", "gauge-rescale-pm1": "rescale-pm1",
                           "gauge-overwrite-one": "overwrite-one"},
                 "gauge-ratio", "claim 11's start: gauge-free ratio WA (default), the function-preserving ±1 gauge, "
                 "or the official init that overwrites skeleton weights with 1 (not a rescaling)"),
    VariantGroup("icr", {"icr-closed-form": "closed-form", "icr-solve": "solve"}, "icr-closed-form",
                 "claim 10's ∂L/∂v: the closed form of the official code or the solve of By = z"),
    VariantGroup("wa", {"wa-general": "general", "wa-simple": "simple"}, "wa-general",
                 "weight allocation: ratio form w·r_b(e)/r_s(a) (default) or the older code without ÷R_a (planted 6)"),
    VariantGroup("relu-prime", {"relu-prime-zero": fmpq(0), "relu-prime-one": fmpq(1)}, "relu-prime-zero",
                 "ReLU′(0) ∈ {0, 1} in backpropagation"),
    VariantGroup("risk", {"risk-sum": "sum", "risk-mean": "mean"}, "risk-sum",
                 "L = Σ ½‖N − y‖² (sum) or its mean over D"),
    VariantGroup("pathnorm-q0", {"q0-structural": "structural", "q0-support": "support"}, "q0-structural",
                 "q = 0: count every structural path (0⁰ = 1, the toolkit) or only paths with nonzero value"),
)

RISK = ("relu-prime", "risk")


# --------------------------------------------------------------------------------------------
# shared pieces


def _exact(ev: Evaluation) -> DagNetwork:
    """The instance's network; the gsgd19 claims are decided in exact arithmetic only."""
    if ev.prec is not None:
        raise Undecided("gsgd19 claims are decided in exact rational arithmetic")
    net = ev.inst.net
    if not isinstance(net, DagNetwork):
        raise InputError("gsgd19 claims take a network with 'kind' 'mlp' or 'dag' (see verify.dag)", "network")
    if not ev.inst.is_exact():
        raise InputError("gsgd19 claims need rational weights", "network")
    ev.engines.add("exact-paths")
    return net


def _list(ev, key, where=None, required=True):
    v = ev.inst.params.get(key)
    if v is None:
        if required:
            raise InputError(f"this claim needs params.{key}", f"params.{key}")
        return None
    if not isinstance(v, list):
        raise InputError(f"params.{key} must be a list", where or f"params.{key}")
    return v


def _inputs(ev, net: DagNetwork) -> list[list[fmpq]]:
    xs = _list(ev, "x")
    out = []
    for k, x in enumerate(xs):
        if not isinstance(x, list) or len(x) != net.d:
            raise InputError(f"each input must be a list of {net.d} numbers", f"params.x[{k}]")
        out.append([parse_rational(t, f"params.x[{k}]") for t in x])
    return out


def _scaling(ev, net: DagNetwork, key="c") -> list[fmpq]:
    cs = _list(ev, key)
    if len(cs) != net.H:
        raise InputError(f"params.{key} needs one factor per hidden node ({net.H}), got {len(cs)}", f"params.{key}")
    return [parse_rational(t, f"params.{key}[{k}]") for k, t in enumerate(cs)]


def _data(ev, net: DagNetwork):
    return layered_data(_list(ev, "data"), net.d, net.K)


def _positive_c(cs) -> Hypothesis:
    bad = [k for k, c in enumerate(cs) if sign(c) != 1]
    return Hypothesis("c_j > 0 for every hidden node (g ∈ 𝒢)", not bad,
                      f"c_{bad[0]} = {to_json(cs[bad[0]])}" if bad else "")


def _paths(net: DagNetwork, biases=True):
    return paths.enumerate_paths(net, biases, limit=ENUMERATION_LIMIT)


def _nonzero_path_values(net) -> Hypothesis:
    """Hypothesis of claims 9-11: no basis value and no skeleton value is 0 (else ICR divides by 0)."""
    zero = [e for e, w in enumerate(net.weights) if sign(w) == 0]
    return Hypothesis("every weight is nonzero (basis values and σ_j ≠ 0: the G-SGD step is defined)", not zero,
                      f"w_{zero[0]} = 0" if zero else "")


def _equal_widths(net) -> Hypothesis:
    ok = net.widths is not None and net.n_b == 0 and len(net.widths) >= 3 and paths.equal_hidden_widths(net.widths)
    return Hypothesis("bias-free layered MLP with ≥ 1 hidden layer, all of equal width", ok,
                      "" if ok else f"widths {list(net.widths) if net.widths else 'DAG'}, biases {net.n_b}")


def _bool(name, value: bool, note="") -> "relation":
    """A yes/no fact as a certified relation (1 = 1 holds, 0 = 1 is violated)."""
    return relation(name, fmpq(int(bool(value))), "=", fmpq(1), note=note)


def _relu_prime(ev):
    return ev.variants.get("relu-prime", fmpq(0))


def _risk(ev):
    return ev.variants.get("risk", "sum")


# --------------------------------------------------------------------------------------------
# the independent re-verification: paths, on-path sets, the structure matrix and g from the
# definitions, sharing no combinatorial preprocessing with `verify.gsgd19.paths`


def _ind_paths(net: DagNetwork) -> list[tuple[int | None, tuple[int, ...]]]:
    """𝒫 from the definition: (start input or None for a bias path, θ indices of its edges, bias
    edge k numbered m + k), by extending prefixes one edge at a time from every input and every
    bias edge until they stop at an output (prefixes that stop elsewhere are dropped)."""
    leaving: dict[int, list[int]] = {}
    for e, (a, _) in enumerate(net.edges):
        leaving.setdefault(a, []).append(e)
    front = [(i, (), i) for i in range(len(net.kinds)) if net.kinds[i] == "input"]
    front += [(None, (net.m + k,), j) for k, j in enumerate(net.bias_nodes)]
    done, work = [], 0
    while front:
        nxt = []
        for src, es, node in front:
            work += 1
            if work > 20 * ENUMERATION_LIMIT or len(done) > ENUMERATION_LIMIT:
                raise Undecided(f"more than {ENUMERATION_LIMIT} paths or {20 * ENUMERATION_LIMIT} prefixes to "
                                "enumerate (the gsgd19 enumeration limit)")
            if net.kinds[node] == "output":
                done.append((src, es))
                continue
            nxt += [(src, es + (e,), net.edges[e][1]) for e in leaving.get(node, [])]
        front = nxt
    return done


def _ind_on_path(net: DagNetwork, ps) -> tuple[set[int], set[int]]:
    """(θ indices, hidden nodes) met by some path of ``ps`` (`_ind_paths`)."""
    edges = {e for _, es in ps for e in es}
    hidden = {net.edges[e][1] for e in edges if e < net.m and net.kinds[net.edges[e][1]] == "hidden"}
    fed = {net.bias_nodes[e - net.m] for e in edges if e >= net.m}
    hidden |= {j for j in fed if net.kinds[j] == "hidden"}
    return edges, hidden


def _ind_matrix(net: DagNetwork, cols) -> fmpq_mat:
    """The 0/1 matrix with one column per edge set in ``cols``, rows θ indices."""
    M = fmpq_mat(net.m + net.n_b, max(len(cols), 1))
    for c, es in enumerate(cols):
        for e in es:
            M[e, c] = 1
    return M


def _ind_rank(net: DagNetwork, cols) -> int:
    return _ind_matrix(net, cols).rref()[1] if cols else 0


def _ind_forward(net: DagNetwork, x) -> tuple[list, dict]:
    """(N(x), pre-activations z) by a direct pass over the edge list (ReLU, or ReLU6 if the
    network says so); exact, certified signs."""
    o, z = {}, {}
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    for k, i in enumerate(ins):
        o[i] = z[i] = fmpq(x[k])
    for j, kind in enumerate(net.kinds):
        if kind == "input":
            continue
        acc = sum((fmpq(b) for jj, b in zip(net.bias_nodes, net.biases) if jj == j), fmpq(0))
        acc += sum((fmpq(w) * o[a] for (a, b), w in zip(net.edges, net.weights) if b == j), fmpq(0))
        z[j] = acc
        if kind == "hidden":
            acc = acc if sign(acc) == 1 else fmpq(0)
            if net.activation == "relu6" and sign(acc - 6) == 1:
                acc = fmpq(6)
        o[j] = acc
    return [o[j] for j, k in enumerate(net.kinds) if k == "output"], z


def _ind_path_sum(net: DagNetwork, x, with_bias: bool = True) -> list:
    """Σ_{p→k} v_p a_p x_{i_0} per output over `_ind_paths` (x_{i_0} := 1 on bias paths)."""
    _, z = _ind_forward(net, x)
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    th = net.theta
    sums = {k: fmpq(0) for k in outs}
    for src, es in _ind_paths(net):
        if src is None and not with_bias:
            continue
        nodes = [net.bias_nodes[e - net.m] for e in es if e >= net.m] + [net.edges[e][1] for e in es if e < net.m]
        if not all(sign(z[j]) == 1 for j in nodes if net.kinds[j] == "hidden"):
            continue
        v = fmpq(1) if src is None else fmpq(x[ins.index(src)])
        for e in es:
            v *= th[e]
        sums[nodes[-1]] += v
    return [sums[k] for k in outs]


def _scope_on_path(net: DagNetwork, independent: bool, nodes: bool = True) -> list[Hypothesis]:
    """Scope of claims 4-5: every edge (weights and biases) lies on a path of 𝒫 -- from an input,
    or from the constant source through a bias edge, to an output -- and (``nodes``) so does
    every hidden node.  Computed by `paths.on_path`, or by enumeration when ``independent``."""
    edges_on, hidden_on = _ind_on_path(net, _ind_paths(net)) if independent else paths.on_path(net)
    off = sorted(set(range(net.m + net.n_b)) - edges_on)
    hyp = [Hypothesis("every edge (weights and biases) lies on a path from an input or a bias to an output", not off,
                      f"outside the claim's scope: θ entries {off} lie on no path" if off else "")]
    if nodes:
        lone = sorted(k for k, j in enumerate(net.hidden) if j not in hidden_on)
        hyp.append(Hypothesis("every hidden node lies on such a path (an isolated node counts in H, not in rank A)",
                              not lone, f"outside the claim's scope: hidden nodes {lone} lie on no path" if lone else ""))
    return hyp


def _ind_scaling(net: DagNetwork, other: DagNetwork) -> list | None:
    """c > 0 with other = g_c(net), or None if there is none, from w'_e = w_e·c_b/c_a (c = 1 on
    inputs, outputs and the bias source): propagate c over nonzero edges until nothing changes
    (a hidden node no constraint reaches gets c = 1), then check every θ entry."""
    th, th2 = net.theta, other.theta
    ends = [(a, b) for a, b in net.edges] + [(None, j) for j in net.bias_nodes]
    c = {j: None for j in range(len(net.kinds)) if net.kinds[j] == "hidden"}
    ground = fmpq(1)

    def get(j):
        return ground if j is None or j not in c else c[j]

    while True:
        changed = False
        for e, (a, b) in enumerate(ends):
            if sign(th[e]) == 0 or sign(th2[e]) == 0:
                continue
            ca, cb = get(a), get(b)
            if ca is not None and cb is None:
                c[b] = ca * fmpq(th2[e]) / fmpq(th[e])
                changed = True
            elif cb is not None and ca is None:
                c[a] = cb * fmpq(th[e]) / fmpq(th2[e])
                changed = True
        if not changed:
            todo = [j for j in c if c[j] is None]
            if not todo:
                break
            c[todo[0]] = fmpq(1)
    for e, (a, b) in enumerate(ends):
        if sign(get(a)) != 1 or sign(get(b)) != 1 or fmpq(th2[e]) != fmpq(th[e]) * get(b) / get(a):
            return None
    return [c[j] for j in sorted(c)]


# --------------------------------------------------------------------------------------------
# 1, 2, 3: invariance and the path sum


def eval_rescaling_invariance(ev: Evaluation, activation: str | None = None):
    """N_{g(w)}(x) = N_w(x) at every given x (claim 1).  Independent re-verification computes
    both sides as path sums instead of forward passes."""
    net = _exact(ev)
    if activation:
        net = net.with_activation(activation)
    cs = _scaling(ev, net)
    hyp = [_positive_c(cs)]
    if any(c == 0 for c in cs):
        return [undecidable("g(w)", "c_j = 0 is not invertible: g(w) divides the outgoing weights by c_j")], hyp
    gnet = net.scale(cs)
    rels = []
    for k, x in enumerate(_inputs(ev, net)):
        if ev.independent and activation is None:
            lhs, rhs = _ind_path_sum(gnet, x), _ind_path_sum(net, x)
        elif ev.independent:
            lhs, rhs = _ind_forward(gnet, x)[0], _ind_forward(net, x)[0]
        else:
            lhs, rhs = gnet(x), net(x)
        for o, (a, b) in enumerate(zip(lhs, rhs)):
            rels.append(relation(f"N^{o}_g(w)(x_{k}) = N^{o}_w(x_{k})", a, "=", b))
    return rels, hyp


def eval_nonpositive_c(ev):
    """Planted 3: claim 1 with c_j ≤ 0 allowed (the hypothesis c > 0 dropped)."""
    rels, _ = eval_rescaling_invariance(ev)
    return rels, []


def eval_relu6(ev):
    """Planted 10: claim 1 for ReLU6 networks."""
    return eval_rescaling_invariance(ev, activation="relu6")


def eval_path_value_invariance(ev: Evaluation):
    """v_p(g(w)) = v_p(w) and a_p(x; g(w)) = a_p(x; w) for every path (claim 2); values by
    enumeration, cross-checked against the forward DP of prefix products."""
    net = _exact(ev)
    cs = _scaling(ev, net)
    if not _positive_c(cs).holds:
        return [], [_positive_c(cs)]
    gnet = net.scale(cs)
    ps = _paths(net)
    dp, enum = paths.path_values_dp(net), paths.path_values(net, ps)
    if ev.independent:
        v, gv = dp, paths.path_values_dp(gnet)
    else:
        v, gv = enum, paths.path_values(gnet, ps)
    if enum != dp:  # two computations of the same v_p(w) disagree: a defect of the tool, not of the claim
        return [undecidable("v_p(w) by enumeration = by forward DP", "internal inconsistency in verify.gsgd19.paths")], \
            [_positive_c(cs)]
    rels = []
    worst = next((k for k, (a, b) in enumerate(zip(gv, v)) if a != b), None)
    k = 0 if worst is None else worst
    rels.append(relation(f"v_p(g(w)) = v_p(w) for all {len(ps)} paths (shown: p_{k})", gv[k] if ps else fmpq(0), "=",
                         v[k] if ps else fmpq(0)))
    for i, x in enumerate(_inputs(ev, net)):
        a, ga = paths.activation_status(net, x, ps), paths.activation_status(gnet, x, ps)
        diff = sum(s != t for s, t in zip(a, ga))
        rels.append(relation(f"#{{p : a_p(x_{i}; g(w)) ≠ a_p(x_{i}; w)}} = 0", fmpq(diff), "=", fmpq(0)))
    return rels, [_positive_c(cs)]


def eval_path_sum(ev: Evaluation, with_bias=True):
    """N^k_w(x) = Σ_{p→k} v_p(w) a_p(x; w) x_{i_0} (+ bias paths) per output (claim 3)."""
    net = _exact(ev)
    ps = None if ev.independent else _paths(net, biases=with_bias)
    rels = []
    for i, x in enumerate(_inputs(ev, net)):
        if ev.independent:
            both = zip(_ind_forward(net, x)[0], _ind_path_sum(net, x, with_bias))
        else:
            both = zip(net(x), paths.path_sum(net, x, ps))
        for o, (n, s) in enumerate(both):
            rels.append(relation(f"N^{o}(x_{i}) = Σ_p v_p a_p x_i0" + ("" if with_bias else " (no bias paths)"), n, "=", s))
    return rels, []


def eval_path_sum_no_bias(ev):
    """Planted 8: the bias-free path sum on a biased network."""
    return eval_path_sum(ev, with_bias=False)


# --------------------------------------------------------------------------------------------
# 4: path values determine the class


def eval_determine_class(ev: Evaluation):
    """Claim 4: equal signs, nonzero weights and equal path values ⇒ w' = g(w), constructively
    (`paths.recover_scaling` is a complete decision procedure: a failure proves no g exists).
    Scope: every edge, bias edges included, lies on a path of 𝒫 (bias paths count: the proof's
    potential treats the bias source like the inputs); an edge on no path is constrained by no
    path value, so outside the scope w' = g(w) can fail with every path value equal.  The
    independent re-verification enumerates 𝒫 and recovers c by its own propagation."""
    net = _exact(ev)
    other = DagNetwork.from_json(ev.inst.params.get("other") or _missing("other"), "params.other")
    if other.kinds != net.kinds or other.edges != net.edges or other.bias_nodes != net.bias_nodes:
        raise InputError("params.other must have the same graph as network", "params.other")
    mode = ev.variants.get("pv-class", "nonzero-signs")
    th, th2 = net.theta, other.theta
    hyp = _scope_on_path(net, ev.independent, nodes=False)
    if mode == "nonzero-signs":
        zero = [e for e in range(len(th)) if sign(th[e]) == 0 or sign(th2[e]) == 0]
        hyp.append(Hypothesis("every weight of w and w' is nonzero", not zero, f"entry {zero[0]}" if zero else ""))
    if mode != "values-only":
        diff = [e for e in range(len(th)) if sign(th[e]) != sign(th2[e])]
        hyp.append(Hypothesis("sgn(w) = sgn(w')", not diff, f"entry {diff[0]}" if diff else ""))
    if ev.independent:
        ps = _ind_paths(net)

        def value(t, es):
            v = fmpq(1)
            for e in es:
                v *= t[e]
            return v
        differ = [es for _, es in ps if value(th, es) != value(th2, es)]
        hyp.append(Hypothesis("v_p(w) = v_p(w') for every path", not differ,
                              f"path through θ entries {differ[0]}" if differ else f"{len(ps)} paths (enumerated)"))
        c = _ind_scaling(net, other)
    else:
        ps = _paths(net)
        v, v2 = paths.path_values(net, ps), paths.path_values(other, ps)
        differ = [k for k in range(len(ps)) if v[k] != v2[k]]
        hyp.append(Hypothesis("v_p(w) = v_p(w') for every path", not differ,
                              f"path {ps[differ[0]].nodes(net)}: {to_json(v[differ[0]])} vs {to_json(v2[differ[0]])}"
                              if differ else f"{len(ps)} paths"))
        c = paths.recover_scaling(net, other)
    if mode == "function-level":
        if c is not None:
            return [_bool("N_w' ≡ N_w (w' = g(w), claim 1)", True, f"c = {to_json(c)}")], hyp
        xs = _inputs(ev, net) if ev.inst.params.get("x") else []
        rels = [relation(f"N^{o}_w'(x_{i}) = N^{o}_w(x_{i})", a, "=", b)
                for i, x in enumerate(xs) for o, (a, b) in enumerate(zip(other(x), net(x)))]
        rels.append(undecidable("N_w' ≡ N_w on all of ℝ^d",
                                "w' is not 𝒢-equivalent to w and no given x separates them; the function-level "
                                "form is open (spec §5)"))
        return rels, hyp
    note = f"c = {to_json(c)}" if c is not None else "no c > 0 satisfies w'_e = w_e·c_b/c_a on every edge"
    return [_bool("w' = g(w) for some g ∈ 𝒢", c is not None, note)], hyp


def _missing(key):
    raise InputError(f"this claim needs params.{key}", f"params.{key}")


# --------------------------------------------------------------------------------------------
# 5, 6, 7: structure matrix, rank, basis, exponents


def eval_structure_rank(ev: Evaluation, form: str | None = None, scoped=True):
    """rank_ℚ A against the formula of the selected form (claim 5), with its scope as hypothesis;
    also A^⊤u^{(j)} = 0 for every hidden j.  𝒫 contains the bias paths, so A has a row per θ
    entry; the general form m' − H' counts the edges (bias edges included) and hidden nodes that
    lie on some path of 𝒫 -- from an input or a bias edge to an output -- and is a theorem for
    every DAG.  The other forms are in scope only when nothing is off-path (and bias-free for
    m − H).  The independent re-verification enumerates 𝒫 itself, takes the on-path sets from
    the enumerated paths and the rank by `fmpq_mat.rref` of its own matrix."""
    net = _exact(ev)
    form = form or ev.variants.get("rank-form", "bias-edges")
    hyp = []
    if form == "mlp" and scoped:
        hyp.append(Hypothesis("bias-free layered MLP", net.widths is not None and net.n_b == 0,
                              "" if net.widths is not None and net.n_b == 0 else "outside the claim's scope: "
                              + ("biases" if net.widths is not None else "a general DAG")))
    if form in ("mlp", "dag-all-on-path"):
        hyp.append(Hypothesis("bias-free (no bias edges)", net.n_b == 0,
                              f"outside the claim's scope: {net.n_b} bias edges" if net.n_b else ""))
    if scoped and form in ("mlp", "dag-all-on-path", "bias-edges"):
        hyp += _scope_on_path(net, ev.independent)
    if ev.independent:
        ps = [es for _, es in _ind_paths(net)]
        r = _ind_rank(net, ps)
        edges_on, hidden_on = _ind_on_path(net, _ind_paths(net))
        predicted = {"mlp": net.m - net.H, "dag-all-on-path": net.m - net.H, "bias-edges": net.m + net.n_b - net.H,
                     "dag-general": len(edges_on) - len(hidden_on)}[form]
        U = []
        for j in net.hidden:
            u = [0] * (net.m + net.n_b)
            for e, (a, b) in enumerate(net.edges):
                u[e] = (b == j) - (a == j)
            if j in net.bias_nodes:
                u[net.m + net.bias_nodes.index(j)] = 1
            U.append(u)
        annihilated = all(sum(u[e] for e in es) == 0 for u in U for es in ps)
        how = "paths enumerated by prefix extension, rank by fmpq_mat.rref"
    else:
        pl = _paths(net)
        ps = [p.edges for p in pl]
        r = paths.rank(paths.structure_matrix(net, pl))
        edges_on, hidden_on = paths.on_path(net)
        predicted = paths.predicted_rank(net, form)
        annihilated = all(all(sum(u[e] for e in es) == 0 for es in ps) for u in paths.kernel_vectors(net))
        how = "rank by fmpz_mat.rank"
    off = sorted(set(range(net.m + net.n_b)) - edges_on)
    note = (f"{how}; m = {net.m}, n_b = {net.n_b}, H = {net.H}, on-path θ entries m' = {len(edges_on)}, on-path "
            f"hidden H' = {len(hidden_on)}, n = {len(ps)} paths (bias paths included)"
            + (f", off-path θ entries {off}" if off else ""))
    return [relation(f"rank A = {form} formula", fmpq(r), "=", fmpq(predicted), note=note),
            _bool("A^⊤u^(j) = 0 for every hidden j", annihilated)], hyp


def eval_rank_dead_end(ev):
    """Planted 4: rank A = m − H for every DAG (scope dropped)."""
    return eval_structure_rank(ev, form="dag-all-on-path", scoped=False)


def _basis(net, method, ps):
    if method == "mod-mapping":
        return paths.skeleton_basis(net, ps)
    if method == "tree":
        return paths.tree_basis(net)
    return paths.rref_basis(net, ps)


def eval_skeleton_basis(ev: Evaluation, scoped=True):
    """Claim 6: the selected paths are independent, number rank A, and span col A.  The ``tree``
    and ``rref`` constructions apply to every DAG (bias paths included, ranks over the on-path
    edges: off-path edges are zero rows); the mod mapping to bias-free equal-width MLPs.  The
    independent re-verification checks that every selected path is a path of its own
    enumeration of 𝒫 and takes both ranks by `fmpq_mat.rref` of its own matrices."""
    net = _exact(ev)
    method = ev.variants.get("basis-method", "mod-mapping")
    hyp = [_equal_widths(net)] if (scoped and method == "mod-mapping") else []
    if method == "mod-mapping" and (net.widths is None or net.n_b or len(net.widths) < 3):
        return [], [_equal_widths(net)]
    ps = _paths(net)
    B = _basis(net, method, ps)
    note = f"m = {net.m}, n_b = {net.n_b}, H = {net.H}, m + n_b − H = {net.m + net.n_b - net.H}"
    if ev.independent:
        allp = {es for _, es in _ind_paths(net)}
        fake = [p.edges for p in B if p.edges not in allp]
        rA, rB = _ind_rank(net, sorted(allp)), _ind_rank(net, [p.edges for p in B])
        rels = [relation("#selected edge sets that are not paths of 𝒫", fmpq(len(fake)), "=", fmpq(0))]
    else:
        rA = paths.rank(paths.structure_matrix(net, ps))
        rB = paths.rank(paths.structure_matrix(net, B)) if B else 0
        rels = []
    return rels + [relation("rank of the selected paths = their number (independent)", fmpq(rB), "=", fmpq(len(B))),
                   relation("number of selected paths = rank A (they span col A)", fmpq(len(B)), "=", fmpq(rA),
                            note=note)], hyp


def eval_skeleton_unequal(ev):
    """Planted 5: claim 6 for unequal widths with the mod mapping."""
    return eval_skeleton_basis(ev, scoped=False)


def eval_nonbasis_exponents(ev: Evaluation):
    """Claim 7: the integer exponent matrix M with A_nonbasis = A_basis·M (solved exactly) equals
    the closed form, and v_p = Π_b v_b^{M_bp} exactly."""
    net = _exact(ev)
    hyp = [_equal_widths(net)]
    if not hyp[0].holds:
        return [], hyp
    hyp.append(_nonzero_path_values(net))
    B = paths.skeleton_basis_direct(net)
    bset = {p.edges for p in B}
    if ev.independent:
        return _ind_nonbasis(net, B, [paths.Path(es, src) for src, es in _ind_paths(net) if es not in bset]), hyp
    others = [p for p in _paths(net) if p.edges not in bset]
    M = paths.exponents(net, B, others)
    bad_form, bad_value = 0, 0
    vb = paths.path_values(net, B)
    for c, p in enumerate(others):
        cf = paths.closed_form_exponents(net, p)
        solved = {B[r].edges: M[r][c] for r in range(len(B)) if M[r][c] != 0}
        bad_form += solved != cf
        prod = fmpq(1)
        for r in range(len(B)):
            e = M[r][c]
            if e != 0:
                if not vb[r]:
                    raise Undecided("a basis value is 0")
                prod *= vb[r] ** int(e)
        bad_value += prod != paths.path_value(net, p)
    return [relation(f"#non-basis paths whose solved exponents differ from the closed form (of {len(others)})",
                     fmpq(bad_form), "=", fmpq(0)),
            relation("#non-basis paths with v_p ≠ Π_b v_b^{M_bp}", fmpq(bad_value), "=", fmpq(0))], hyp


def _ind_nonbasis(net, B, others):
    """Claim 7 checked directly: for every non-basis path p, Σ_b M_bp 1_b = 1_p as integer vectors
    with M the closed form (with B independent -- claim 6 -- this is the solved M), and
    v_p = Π_b v_b^{M_bp} with the values as products over θ."""
    th = net.theta

    def value(es):
        v = fmpq(1)
        for e in es:
            v *= th[e]
        return v
    bad_form = bad_value = 0
    for p in others:
        cf = paths.closed_form_exponents(net, p)
        combo = [0] * (net.m + net.n_b)
        prod = fmpq(1)
        for es, k in cf.items():
            for e in es:
                combo[e] += k
            vb = value(es)
            if sign(vb) == 0:
                raise Undecided("a basis value is 0")
            prod *= vb ** k
        bad_form += combo != [int(e in p.edges) for e in range(len(combo))]
        bad_value += prod != value(p.edges)
    return [relation(f"#non-basis paths with 1_p ≠ Σ_b M_bp 1_b for the closed form M (of {len(others)})",
                     fmpq(bad_form), "=", fmpq(0)),
            relation("#non-basis paths with v_p ≠ Π_b v_b^{M_bp}", fmpq(bad_value), "=", fmpq(0))]


# --------------------------------------------------------------------------------------------
# 8, 9: conservation and the inverse chain rule


def _grad(ev, net):
    """∂L/∂θ: backpropagation (`DagNetwork.gradient`), or the path formula `_ind_gradient` in the
    independent re-verification."""
    if ev.independent:
        return _ind_gradient(net, _data(ev, net), _relu_prime(ev), _risk(ev))
    return net.gradient(_data(ev, net), _relu_prime(ev), _risk(ev))[1]


def _ind_gradient(net: DagNetwork, data, relu_prime0, risk: str) -> list:
    """∂L/∂θ_e = Σ_{(x,y)} Σ_{p ∋ e} (N^{k(p)}(x) − y_{k(p)}) Π_{f∈p, f≠e} θ_f x_{i_0(p)} · Π_j κ_j over
    the paths of `_ind_paths`: κ_j = 𝕀(z_j > 0) at the hidden nodes before e (they make o_a), and
    ReLU′(z_j) (ReLU′(0) = ``relu_prime0``) at the hidden nodes from the head of e on (they make
    δ); the bias edge into j has head j."""
    th = net.theta
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    g = [fmpq(0)] * len(th)
    ps = _ind_paths(net)
    for x, y in data:
        N, z = _ind_forward(net, x)
        for src, es in ps:
            heads = [net.bias_nodes[e - net.m] if e >= net.m else net.edges[e][1] for e in es]
            r = N[outs.index(heads[-1])] - y[outs.index(heads[-1])]
            xin = fmpq(1) if src is None else fmpq(x[ins.index(src)])
            for pos, e in enumerate(es):
                factor = r * xin
                for t, j in enumerate(heads):
                    if net.kinds[j] != "hidden":
                        continue
                    s = sign(z[j])
                    factor *= int(s == 1) if t < pos else (1 if s == 1 else (relu_prime0 if s == 0 else 0))
                for f in es:
                    if f != e:
                        factor *= th[f]
                g[e] += factor
    if risk == "mean":
        g = [v / len(data) for v in g]
    return g


def eval_conservation(ev: Evaluation, with_bias=True):
    """Claim 8: Σ_{e∈in(j)} w_e ∂_eL = Σ_{e∈out(j)} w_e ∂_eL at every hidden j (bias in in(j))."""
    net = _exact(ev)
    g = _grad(ev, net)
    th = net.theta
    rels = []
    for k, j in enumerate(net.hidden):
        ins = sum((th[e] * g[e] for e, (_, b) in enumerate(net.edges) if b == j), fmpq(0))
        if with_bias:
            ins += sum((th[net.m + t] * g[net.m + t] for t, jj in enumerate(net.bias_nodes) if jj == j), fmpq(0))
        outs = sum((th[e] * g[e] for e, (a, _) in enumerate(net.edges) if a == j), fmpq(0))
        rels.append(relation(f"node {k}: Σ_in w·∂L = Σ_out w·∂L" + ("" if with_bias else " (bias left out)"),
                             ins, "=", outs))
    return rels, []


def eval_conservation_no_bias(ev):
    """Planted 9: claim 8 without the bias edge in in(j)."""
    return eval_conservation(ev, with_bias=False)


def _solve_icr(net, basis, z):
    """(consistent, y, rank B) for B y = z with B the weight×basis-path incidence matrix."""
    rows = net.m + net.n_b
    k = len(basis)
    aug = fmpq_mat(rows, k + 1)
    for c, p in enumerate(basis):
        for e in p.edges:
            aug[e, c] = 1
    for r in range(rows):
        aug[r, k] = z[r]
    R, rk = aug.rref()
    rB = fmpq_mat(paths.structure_matrix(net, basis)).rref()[1] if basis else 0
    consistent = rk == rB
    y = None
    if consistent and rB == k:
        y = [None] * k
        row = 0
        for c in range(k):
            y[c] = R[row, k]
            row += 1
    return consistent, y, rB


def _icr_basis(net, ps):
    """Claim 9's basis: the skeleton for bias-free equal-width MLPs, else the tree construction
    (any DAG, bias paths included), replaced by the pivot paths of A if it is not a basis of
    col A (then the claim is about a basis, not about that construction)."""
    if _equal_widths(net).holds:
        return paths.skeleton_basis_direct(net), "skeleton"
    B = paths.tree_basis(net)
    rA = paths.rank(paths.structure_matrix(net, ps))
    if len(B) == rA and (not B or paths.rank(paths.structure_matrix(net, B)) == rA):
        return B, "tree"
    return paths.rref_basis(net, ps), "rref (the tree construction is not a basis here)"


def eval_icr(ev: Evaluation):
    """Claim 9: (b) B y = z (z = w ⊙ ∂L/∂w) is consistent, rank B = its number of paths,
    ∂L/∂v_p = y_p/v_p; (a) the closed form of the official code; (c) (a) = (b).  Equal widths use
    the skeleton basis; otherwise (b) alone on the tree basis (any DAG, bias edges as rows; off-
    path rows are zero in B and in z).  The independent re-verification decides (b) on its own
    enumeration of 𝒫: B y = z is consistent iff rank [A | z] = rank A (col B = col A)."""
    net = _exact(ev)
    hyp = [_nonzero_path_values(net)]
    g = _grad(ev, net)
    z = [w * gi for w, gi in zip(net.theta, g)]
    if ev.independent:
        cols = [es for _, es in _ind_paths(net)]
        A = _ind_matrix(net, cols)
        Az = fmpq_mat(A.nrows(), A.ncols() + 1)
        for r in range(A.nrows()):
            for c in range(A.ncols()):
                Az[r, c] = A[r, c]
            Az[r, A.ncols()] = z[r]
        rA = A.rref()[1] if cols else 0
        return [_bool("B y = z is consistent (rank [A | z] = rank A)", Az.rref()[1] == rA)], hyp
    ps = _paths(net)
    basis, how = _icr_basis(net, ps)
    consistent, y, rB = _solve_icr(net, basis, z)
    rels = [_bool("B y = z is consistent", consistent),
            relation("rank B = number of basis paths", fmpq(rB), "=", fmpq(len(basis)),
                     note=f"basis: {how}; m + n_b − H = {net.m + net.n_b - net.H}")]
    eq = _equal_widths(net).holds
    if not eq or y is None or not hyp[0].holds:
        return rels, hyp
    v = paths.path_values(net, basis)
    solved = [yp / vp for yp, vp in zip(y, v)]
    closed = gsgd.icr(net.matrices(), _grad_matrices(net, g))
    desc = gsgd.basis_paths(list(net.widths))
    mismatch = 0
    order = _descriptor_order(net, basis, desc)
    for dsc, k in order.items():
        mismatch += closed[dsc] != solved[k]
    rels.append(relation("#basis paths where closed-form ∂L/∂v ≠ y_p/v_p", fmpq(mismatch), "=", fmpq(0)))
    return rels, hyp


def _grad_matrices(net, g):
    return net.with_theta(g[:net.m]).matrices()


def _descriptor_order(net, basis, desc) -> dict:
    """gsgd's basis descriptors ('s', j) / ('e', l, a, b) → index in ``basis`` (skeleton_basis_direct)."""
    red = paths.skeleton_edges(net)
    carrier = {e: k for k, p in enumerate(basis) for e in p.edges if e not in red}  # b(e) ∋ its one blue edge
    return {dsc: dsc[1] if dsc[0] == "s" else carrier[net.edge_index(*dsc[1:])] for dsc in desc}


def eval_icr_arbitrary_z(ev: Evaluation):
    """Planted 17: "B y = z is consistent for any z" (z = params.z instead of w ⊙ ∂L/∂w).  The
    witness is a certificate u with u^⊤A = 0 and u^⊤z ≠ 0 (some u^{(j)}, or the unit vector of
    an off-path row); the independent re-verification checks u^⊤A = 0 on its own enumeration
    of 𝒫."""
    net = _exact(ev)
    zs = _list(ev, "z")
    if len(zs) != net.m + net.n_b:
        raise InputError(f"params.z needs {net.m + net.n_b} entries", "params.z")
    z = [parse_rational(t, f"params.z[{k}]") for k, t in enumerate(zs)]
    rows = net.m + net.n_b
    if ev.independent:
        ps = [es for _, es in _ind_paths(net)]
        on, _ = _ind_on_path(net, _ind_paths(net))
        U = [[(b == j) - (a == j) for a, b in net.edges] + [int(k == j) for k in net.bias_nodes] for j in net.hidden]
        U += [[int(e == r) for e in range(rows)] for r in range(rows) if r not in on]
        cert = next((u for u in U if all(sum(u[e] for e in es) == 0 for es in ps)
                     and sum(a * b for a, b in zip(u, z)) != 0), None)
        return [_bool("B y = z is consistent (no certificate u: u^T A = 0, u^T z ≠ 0)", cert is None,
                      f"certificate u = {cert}" if cert else "")], []
    ps = _paths(net)
    basis, _ = _icr_basis(net, ps)
    consistent, _, _ = _solve_icr(net, basis, z)
    edges_on, _ = paths.on_path(net)
    U = paths.kernel_vectors(net) + [[int(e == r) for e in range(rows)] for r in range(rows) if r not in edges_on]
    cert = next((u for u in U if sum(a * b for a, b in zip(u, z)) != 0), None)
    note = f"certificate u = {cert}: u^T B = 0, u^T z ≠ 0" if cert else ""
    return [_bool("B y = z is consistent", consistent, note)], []


# --------------------------------------------------------------------------------------------
# 10, 11: weight allocation and trajectories


def _basis_values_after(net, data, eta, ev, via):
    """v_p − η ∂L/∂v_p on the skeleton basis, with ∂L/∂v from the closed form or the solve (the
    independent re-verification: the solve on the path-formula gradient)."""
    if ev.independent:
        g, via = _ind_gradient(net, data, _relu_prime(ev), _risk(ev)), "solve"
    else:
        g = net.gradient(data, _relu_prime(ev), _risk(ev))[1]
    basis = paths.skeleton_basis_direct(net)
    v = paths.path_values(net, basis)
    if via == "solve":
        z = [w * gi for w, gi in zip(net.theta, g)]
        ok, y, _ = _solve_icr(net, basis, z)
        if not ok or y is None:
            raise Undecided("B y = z not uniquely solvable")
        dv = [yp / vp for yp, vp in zip(y, v)]
    else:
        closed = gsgd.icr(net.matrices(), _grad_matrices(net, g))
        order = _descriptor_order(net, basis, gsgd.basis_paths(list(net.widths)))
        dv = [None] * len(basis)
        for dsc, k in order.items():
            dv[k] = closed[dsc]
    return basis, [vp - eta * d for vp, d in zip(v, dv)]


EXACT_BITS_LIMIT = 50_000  # documented limit: largest numerator/denominator of an exact iterate, in bits


def _size_stop(theta, t: int, steps: int):
    """An UNKNOWN relation if the exact iterate after step t + 1 has a numerator or denominator past
    `EXACT_BITS_LIMIT` bits (exact G-SGD sizes grow about 8-fold per step), else None; the later
    steps are then not run."""
    bits = max((max(int(fmpq(w).p).bit_length(), int(fmpq(w).q).bit_length()) for w in theta), default=0)
    if bits <= EXACT_BITS_LIMIT or t + 1 >= steps:
        return None
    return undecidable(f"steps {t + 2}..{steps}", f"not run: the exact iterate after step {t + 1} has {bits}-bit "
                       f"numbers, past the limit of {EXACT_BITS_LIMIT} bits (gsgd19.EXACT_BITS_LIMIT)")


def _steps(ev, default=1, hi=50):
    s = ev.inst.params.get("steps", default)
    if not isinstance(s, int) or isinstance(s, bool) or not (1 <= s <= hi):
        raise InputError(f"params.steps must be an integer in [1, {hi}]", "params.steps")
    return s


def _eta(ev):
    eta = parse_rational(ev.inst.params.get("eta") or _missing("eta"), "params.eta")
    if sign(eta) != 1:
        raise InputError("the step size η must be > 0", "params.eta")
    return eta


def eval_wa_exact(ev: Evaluation, variant: str | None = None):
    """Claim 10: after each G-SGD step (WA variant), v_p(w^{t+1}) = v_p^t − η ∂L/∂v_p^t for every
    basis path; an undefined step (a zero value or rate) makes the claim UNKNOWN."""
    net = _exact(ev)
    hyp = [_equal_widths(net)]
    if not hyp[0].holds:
        return [], hyp
    hyp.append(_nonzero_path_values(net))
    data, eta, steps = _data(ev, net), _eta(ev), _steps(ev)
    variant = variant or ev.variants.get("wa", "general")
    via = ev.variants.get("icr", "closed-form")
    rels, cur = [], net
    for t in range(steps):
        try:
            basis, expected = _basis_values_after(cur, data, eta, ev, via)
            W = gsgd.gsgd_step(cur.matrices(), data, eta, variant=variant, relu_prime0=_relu_prime(ev),
                               risk=_risk(ev))
        except (gsgd.Undefined, ZeroDivisionError) as e:
            rels.append(undecidable(f"step {t + 1}", f"the G-SGD step is undefined: {e}"))
            break
        cur = DagNetwork.mlp(net.widths, W)
        got = paths.path_values(cur, basis)
        k = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), 0)
        rels.append(relation(f"step {t + 1}: v_p(w^{t + 1}) = v_p − η∂L/∂v_p on all {len(basis)} basis paths "
                             f"(shown: basis path {k})", got[k], "=", expected[k]))
        stop = _size_stop(cur.theta, t, steps)
        if stop is not None:
            rels.append(stop)
            break
    return rels, hyp


def eval_wa_simple(ev):
    """Planted 6: the older WA code (no ÷R_a on layers ≥ 2)."""
    return eval_wa_exact(ev, variant="simple")


def eval_sign_preserved(ev: Evaluation):
    """Planted 14: "G-SGD keeps sgn(w), so N' = Σ_p v'_p x" -- after the steps every weight keeps
    its sign and the realized output equals the basis-value linear form."""
    net = _exact(ev)
    hyp = [_equal_widths(net)]
    if not hyp[0].holds:
        return [], hyp
    hyp.append(_nonzero_path_values(net))
    data, eta, steps = _data(ev, net), _eta(ev), _steps(ev)
    cur = net
    for t in range(steps):
        try:
            cur = DagNetwork.mlp(net.widths, gsgd.gsgd_step(cur.matrices(), data, eta, relu_prime0=_relu_prime(ev)))
        except gsgd.Undefined as e:
            return [undecidable("G-SGD step", f"undefined: {e}")], hyp
        stop = _size_stop(cur.theta, t, steps)
        if stop is not None:
            return [stop], hyp
    flips = [e for e in range(net.m) if sign(cur.weights[e]) != sign(net.weights[e])]
    rels = [relation("#weights whose sign changed", fmpq(len(flips)), "=", fmpq(0))]
    for i, (x, _) in enumerate(data):
        if ev.independent:
            lin = _linear_form(cur, x)
            out = _ind_forward(cur, x)[0]
        else:
            ps = _paths(cur)
            lin = [sum((paths.path_value(cur, p) * x[net.inputs.index(p.source)] for p in ps
                        if p.nodes(cur)[-1] == k), fmpq(0)) for k in cur.outputs]
            out = cur(x)
        for o, (a, b) in enumerate(zip(out, lin)):
            rels.append(relation(f"N'^{o}(x_{i}) = Σ_p v'_p x_i0 (all paths active)", a, "=", b))
    return rels, hyp


def _linear_form(net: DagNetwork, x) -> list:
    """Σ_{p→k} v_p x_{i_0} per output over `_ind_paths` (every path counted as active)."""
    ins = [i for i, k in enumerate(net.kinds) if k == "input"]
    outs = [j for j, k in enumerate(net.kinds) if k == "output"]
    sums = {k: fmpq(0) for k in outs}
    for src, es in _ind_paths(net):
        v = fmpq(1) if src is None else fmpq(x[ins.index(src)])
        for e in es:
            v *= net.theta[e]
        head = net.bias_nodes[es[-1] - net.m] if es[-1] >= net.m else net.edges[es[-1]][1]
        sums[head] += v
    return [sums[k] for k in outs]


def eval_always_defined(ev: Evaluation):
    """Planted 15: "the iterates stay in the domain for every η > 0" -- every basis value and σ_j
    stays nonzero after each step."""
    net = _exact(ev)
    hyp = [_equal_widths(net)]
    if not hyp[0].holds:
        return [], hyp
    hyp.append(_nonzero_path_values(net))
    data, eta, steps = _data(ev, net), _eta(ev), _steps(ev)
    cur, rels = net, []
    for t in range(steps):
        try:
            cur = DagNetwork.mlp(net.widths, gsgd.gsgd_step(cur.matrices(), data, eta, relu_prime0=_relu_prime(ev)))
        except gsgd.Undefined as e:
            rels.append(relation(f"step {t + 1} is defined", fmpq(0), "=", fmpq(1), note=str(e)))
            break
        v = paths.path_values(cur, paths.skeleton_basis_direct(cur))
        zero = [k for k, a in enumerate(v) if a == 0]
        rels.append(relation(f"after step {t + 1}: #basis values equal to 0", fmpq(len(zero)), "=", fmpq(0)))
        stop = _size_stop(cur.theta, t, steps)
        if stop is not None:
            rels.append(stop)
            break
    return rels, hyp


def eval_trajectory_invariance(ev: Evaluation, optimizer: str = "gsgd"):
    """Claim 11: from w̃_0 = g(w_0), G-SGD gives w̃_t = g(w_t) edgewise (same c) for every t, hence
    the same functions; the functions are compared on the data as well."""
    net = _exact(ev)
    hyp = [_equal_widths(net)]
    if not hyp[0].holds:
        return [], hyp
    hyp.append(_nonzero_path_values(net))
    cs = _scaling(ev, net)
    hyp.append(_positive_c(cs))
    if not hyp[-1].holds:
        return [], hyp
    data, eta, steps = _data(ev, net), _eta(ev), _steps(ev)
    gauge = ev.variants.get("gauge", "ratio")
    w, wt = net.matrices(), net.scale(cs).matrices()
    if gauge == "rescale-pm1":
        w, wt = gsgd.gauge_pm1(w)[0], gsgd.gauge_pm1(wt)[0]
    elif gauge == "overwrite-one":
        w, wt = gsgd.overwrite_one(w), gsgd.overwrite_one(wt)
    step = gsgd.gsgd_step if optimizer == "gsgd" else gsgd.sgd_step
    rels = []
    losses = [DagNetwork.mlp(net.widths, w).gradient(data, risk=_risk(ev))[0]]
    losses_t = [DagNetwork.mlp(net.widths, wt).gradient(data, risk=_risk(ev))[0]]
    for t in range(steps):
        try:
            w = step(w, data, eta, relu_prime0=_relu_prime(ev), risk=_risk(ev))
            wt = step(wt, data, eta, relu_prime0=_relu_prime(ev), risk=_risk(ev))
        except gsgd.Undefined as e:
            rels.append(undecidable(f"step {t + 1}", f"the G-SGD step is undefined: {e}"))
            break
        a, b = DagNetwork.mlp(net.widths, w), DagNetwork.mlp(net.widths, wt)
        losses.append(a.gradient(data, risk=_risk(ev))[0])
        losses_t.append(b.gradient(data, risk=_risk(ev))[0])
        for i, (x, _) in enumerate(data):
            fb, fa = (_ind_forward(b, x)[0], _ind_forward(a, x)[0]) if ev.independent else (b(x), a(x))
            for o, (p, q) in enumerate(zip(fb, fa)):
                rels.append(relation(f"step {t + 1}: N^{o}_w̃(x_{i}) = N^{o}_w(x_{i})", p, "=", q))
        if optimizer == "gsgd":
            c = _ind_scaling(a, b) if ev.independent else paths.recover_scaling(a, b)
            same = gauge != "ratio" or (c is not None and c == cs)
            rels.append(_bool(f"step {t + 1}: w̃_t = g(w_t)" + (" with the same c" if gauge == "ratio" else ""),
                              c is not None and same, f"c = {to_json(c)}" if c else "no c"))
        stop = _size_stop(a.theta + b.theta, t, steps)
        if stop is not None:
            rels.append(stop)
            break
    ev.record("L(w_t), t = 0, 1, …", losses)
    ev.record("L(w̃_t) from the rescaled start w̃_0 = g(w_0)", losses_t)
    return rels, hyp


def eval_sgd_trajectory(ev):
    """Planted 7: claim 11 for plain SGD."""
    return eval_trajectory_invariance(ev, optimizer="sgd")


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
    from . import pathnorm

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


def _ind_pathnorm(net: DagNetwork, q: int, q0: str) -> fmpq:
    """Σ_{p ∈ 𝒫} |v_p|^q over `_ind_paths`; q = 0 counts every path (``structural``) or the
    paths with v_p ≠ 0 (``support``)."""
    total = fmpq(0)
    for _, es in _ind_paths(net):
        v = fmpq(1)
        for e in es:
            v *= fmpq(net.theta[e])
        if q == 0:
            total += 1 if (q0 == "structural" or sign(v) != 0) else 0
        else:
            total += abs(v) ** q
    return total


def _enclosure_relation(enc, exact: fmpq):
    """"log(exact) ∈ enc", decided soundly: HOLDS if a 256-bit ball of log(exact) lies inside
    ``enc``, VIOLATED only if it is disjoint from ``enc``, UNKNOWN otherwise."""
    from flint import arb

    from ..numbers import ball_bounds, precision

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


# --------------------------------------------------------------------------------------------
# instances, examples, registration


def _inst(**kw):
    """Thunk of `strategies.path_instances` with ``kw`` (Hypothesis imported on first use)."""
    def make():
        from . import strategies as vst

        return vst.path_instances(**kw)
    return make


def _mlp(widths, W, b=None):
    out = {"kind": "mlp", "widths": widths, "W": W}
    if b is not None:
        out["b"] = b
    return out


ONE = _mlp([1, 1, 1], [[["1"]], [["1"]]])
BIASED = _mlp([1, 1, 1], [[["1"]], [["1"]]], [["1"], ["0"]])
EX_223 = _mlp([2, 2, 2], [[["1", "-2"], ["3/2", "1/2"]], [["1", "2"], ["-1", "1/3"]]])
EX_2332 = _mlp([2, 3, 3, 2], [[["1", "-1", "2"], ["1/2", "3", "-1"]],
                              [["1", "2", "-1"], ["1/3", "1", "1"], ["2", "-1", "1/2"]],
                              [["1", "-1"], ["2", "1/2"], ["-3", "1"]]])
DATA_2 = [{"x": ["1", "2"], "y": ["0", "1"]}, {"x": ["-1", "1/2"], "y": ["1", "0"]}]


# claims whose statement does not involve the activation (structure of A, bases, exponents,
# weights-only equivalence, |w|^q path-norms) or that set it themselves (the ReLU6 mutants)
_ANY_ACTIVATION = {"eval_structure_rank", "eval_rank_dead_end", "eval_skeleton_basis", "eval_skeleton_unequal",
                   "eval_nonbasis_exponents", "eval_determine_class", "eval_icr_arbitrary_z", "eval_relu6",
                   "eval_pathnorm", "eval_pathnorm_relu6"}


def _relu_scope(fn):
    """``fn`` with the scope hypothesis "the network's activation is ReLU" (positive homogeneity,
    ReLU(z) = z·ReLU′(z)): a ReLU6 network is outside the claim's scope, never a violation."""
    if fn.__name__ in _ANY_ACTIVATION:
        return fn

    @functools.wraps(fn)
    def run(ev):
        net = ev.inst.net
        if isinstance(net, DagNetwork) and net.activation != "relu":
            return [], [Hypothesis("the activation is ReLU", False,
                                   f"outside the claim's scope: activation {net.activation}")]
        return fn(ev)
    return run


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_C = {"c": Param("list of rationals > 0", None, "one rescaling factor per hidden node (default: drawn fixed factors)")}
_X = {"x": Param("list of inputs", None, "the inputs x (default: a fixed set)")}
_DATA = {"data": Param("list of [x, y] pairs", None, "required: the training data")}
_SGD = {**_DATA, "eta": Param("rational > 0", None, "required: the learning rate η"),
        "steps": Param("int 1..50", 1, "the number of steps")}
PARAMS = {
    "rescaling-invariance": {**_C, **_X}, "path-value-invariance": {**_C, **_X}, "path-sum": _X,
    "path-values-determine-class": {"other": Param("network", None, "required: a second network on the same graph"),
                                    **_X},
    "conservation": _DATA, "icr": {**_DATA, "z": Param("list of rationals", None, "the right-hand side z (default: "
                                                                                   "w ⊙ ∂L/∂w on params.data)")},
    "wa-exact": _SGD, "gsgd-trajectory-invariance": {**_SGD, **_C}, "float-pow2-bitwise": {**_C, **_X},
    "pathnorm-from-path-values": {"q": Param("rational ≥ 0", 1, "the path-norm exponent q"), **_C},
}
STATEMENT_SUBS = {"relu-prime-zero": [("any ReLU′(0) ∈ {0, 1}", "ReLU′(0) = 0")],
                  "relu-prime-one": [("any ReLU′(0) ∈ {0, 1}", "ReLU′(0) = 1")],
                  "rank-mlp": [("rank_ℚ A = m + n_b − H (= m − H bias-free) for MLPs and for DAGs in which every "
                                "edge and hidden node lies on a path (from an input or a bias to an output)",
                                "rank_ℚ A = m − H for bias-free MLPs")],
                  "rank-dag-all-on-path": [("rank_ℚ A = m + n_b − H (= m − H bias-free) for MLPs and for DAGs",
                                            "rank_ℚ A = m − H for bias-free DAGs")],
                  "basis-tree": [("equal hidden widths, official mod mapping", "any DAG, tree construction")],
                  "basis-rref": [("equal hidden widths, official mod mapping", "any DAG, pivot paths of rref(A)")]}

def _claim(id_, prov, statement, fn, *, groups=(), examples=(), mutants=(), instances=None, params_doc=""):
    fn = _relu_scope(fn)
    return register(Claim(id=f"gsgd19.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=list(examples), variant_groups=groups,
                          mutants=list(mutants), params_doc=params_doc, family="gsgd19", uses_target=False,
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS,
                          instances=instances))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    fn = _relu_scope(fn)
    return Mutant(parent=f"gsgd19.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {}, instances=instances)


_claim("rescaling-invariance", "ABSTRACT", "N_{g(w)}(x) = N_w(x) for every x and every c ∈ ℚ_{>0}^H "
       "(MLPs and DAGs, with or without biases; kinks included)", eval_rescaling_invariance,
       examples=[{"network": EX_2332, "params": {"c": ["2", "3/7", "1", "1/1024", "5", "2"], "x": [["0", "0"],
                                                                                                  ["1", "-1"]]}}],
       instances=_inst(kind="any", biases=None, c=True, x=2),
       params_doc="c: one factor per hidden node; x: list of inputs",
       mutants=[
           _mutant("rescaling-invariance", "nonpositive-c", "gsgd19.pv-invariance-nonpositive-c",
                   "N_{g(w)} = N_w also for c_j ≤ 0", eval_nonpositive_c,
                   {"network": ONE, "params": {"c": ["-1"], "x": [["1"]]}},
                   instances=_inst(kind="mlp", c="signed", x=2, kink=0.0)),
           _mutant("rescaling-invariance", "relu6", "gsgd19.pv-relu6-invariance",
                   "N_{g(w)} = N_w for ReLU6 networks", eval_relu6,
                   {"network": ONE, "params": {"c": ["2"], "x": [["4"]]}},
                   instances=_inst(kind="mlp", c=True, x=2, kink=0.0, big_inputs=True)),
       ])
_claim("path-value-invariance", "ABSTRACT", "v_p(g(w)) = v_p(w) and a_p(x; g(w)) = a_p(x; w) for every path p",
       eval_path_value_invariance, examples=[{"network": EX_223, "params": {"c": ["1/3", "8"], "x": [["0", "0"]]}}],
       instances=_inst(kind="any", biases=None, c=True, x=2, kink=0.8))
_claim("path-sum", "PAPER-FAMILY", "N^k_w(x) = Σ_{p→k} v_p(w) a_p(x; w) x_{i_0} (+ bias paths, input factor 1)",
       eval_path_sum, examples=[{"network": BIASED, "params": {"x": [["0"], ["-2"]]}}],
       instances=_inst(kind="any", biases=None, x=2),
       mutants=[_mutant("path-sum", "no-bias", "gsgd19.pv-path-sum-no-bias",
                        "the bias-free path sum represents a biased network", eval_path_sum_no_bias,
                        {"network": BIASED, "params": {"x": [["0"]]}},
                        instances=_inst(kind="any", biases=True, x=2))])
_claim("path-values-determine-class", "ABSTRACT", "nonzero weights, sgn(w) = sgn(w') and v_p(w) = v_p(w') for "
       "every p ⇒ w' = g(w) for some g ∈ 𝒢 (hypotheses [RECONSTRUCTED]; scope: every edge, bias edges included, lies "
       "on a path from an input or a bias to an output)", eval_determine_class,
       groups=("pv-class",),
       examples=[{"network": EX_223, "params": {"other": DagNetwork.from_json(EX_223).scale(
           [fmpq(2), fmpq(1, 5)]).to_json()}}],
       instances=_inst(kind="any", biases=None, other=True),
       params_doc="other: a second network on the same graph; x: inputs (function-level variant)",
       mutants=[
           _mutant("path-values-determine-class", "no-sign", "gsgd19.pv-sufficiency-no-sign",
                   "equal path values alone ⇒ w' = g(w)", eval_determine_class,
                   {"network": ONE, "params": {"other": _mlp([1, 1, 1], [[["-1"]], [["-1"]]]), "x": [["1"]]}},
                   forced={"pv-class": "class-values-only"}, instances=_inst(kind="mlp", other="flip")),
           _mutant("path-values-determine-class", "zeros", "gsgd19.pv-sufficiency-zeros",
                   "equal signs and path values ⇒ w' = g(w), zero weights allowed", eval_determine_class,
                   {"network": _mlp([1, 1, 2], [[["0"]], [["1", "1"]]]),
                    "params": {"other": _mlp([1, 1, 2], [[["0"]], [["1", "2"]]])}},
                   forced={"pv-class": "class-signs-only"}, instances=_inst(kind="mlp", other="dead")),
       ])
_claim("structure-rank", "DERIVED", "rank_ℚ A = m + n_b − H (= m − H bias-free) for MLPs and for DAGs in which every "
       "edge and hidden node lies on a path (from an input or a bias to an output); in general rank A = m' − H' over "
       "on-path edges (bias edges included) and hidden nodes; ker A^⊤ = span{u^(j)}", eval_structure_rank, groups=("rank-form",),
       examples=[{"network": EX_2332}, {"network": {"kind": "dag", "nodes": ["input", "input", "hidden", "hidden",
                                                                               "output"],
                                                    "edges": [[0, 2, "1"], [0, 3, "1"], [1, 2, "1"], [1, 3, "1"],
                                                              [2, 4, "1"], [3, 4, "1"], [0, 4, "1"]],
                                                    "biases": [[2, "1"], [3, "1"], [4, "1"]]}}],
       instances=_inst(kind="any", biases=None, zero_probability=0.1),
       mutants=[_mutant("structure-rank", "dead-end", "gsgd19.pv-rank-dead-end", "rank A = m − H for every DAG",
                        eval_rank_dead_end,
                        {"network": {"kind": "dag", "nodes": ["input", "input", "hidden", "hidden", "output"],
                                     "edges": [[0, 2, "1"], [1, 2, "1"], [0, 3, "1"], [1, 3, "1"], [2, 4, "1"]]}},
                        instances=_inst(kind="dag", biases=False, dead_end=True))])
_claim("skeleton-basis", "DERIVED", "equal hidden widths, official mod mapping: the paths with at most one "
       "non-skeleton weight are independent, number m − H and span col A (rule [RECONSTRUCTED])",
       eval_skeleton_basis, groups=("basis-method",), examples=[{"network": EX_2332}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 5)),
       mutants=[_mutant("skeleton-basis", "unequal-widths", "gsgd19.pv-skeleton-unequal-widths",
                        "the mod-mapping skeleton gives a basis for unequal widths too", eval_skeleton_unequal,
                        {"network": _mlp([2, 3, 2, 2], [[["1"] * 3] * 2, [["1"] * 2] * 3, [["1"] * 2] * 2])},
                        instances=_inst(kind="mlp", equal=False, layers=(3, 4)))])
_claim("nonbasis-exponents", "DERIVED", "v_p = Π_r v_{b(e_r)} / Π_{r<k} V_{c_r} for a path with non-skeleton edges "
       "e_1..e_k; the exponent matrix M with A_nonbasis = A_basis M is this integer matrix",
       eval_nonbasis_exponents, examples=[{"network": EX_2332}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 4)))
_claim("conservation", "DERIVED", "Σ_{e∈in(j)} w_e ∂_eL = Σ_{e∈out(j)} w_e ∂_eL at every hidden node j (a bias into j "
       "is in in(j)); any ReLU′(0) ∈ {0, 1}", eval_conservation, groups=RISK,
       examples=[{"network": BIASED, "params": {"data": [{"x": ["1"], "y": ["0"]}]}},
                 {"network": EX_2332, "params": {"data": DATA_2}}],
       instances=_inst(kind="any", biases=None, data=True, zero_probability=0.1, kink_data=True),
       mutants=[_mutant("conservation", "no-bias", "gsgd19.pv-conservation-no-bias",
                        "conservation with in(j) the weight edges only", eval_conservation_no_bias,
                        {"network": BIASED, "params": {"data": [{"x": ["1"], "y": ["0"]}]}},
                        instances=_inst(kind="any", biases=True, data=True))])
_claim("icr", "RECONSTRUCTED", "inverse chain rule: B y = z (z = w ⊙ ∂L/∂w) is consistent with a unique solution, "
       "∂L/∂v_p = y_p/v_p, and equals the closed form of the official code (equal widths)", eval_icr, groups=RISK,
       examples=[{"network": EX_2332, "params": {"data": DATA_2}}],
       instances=_inst(kind="any", biases=None, data=True, kink_data=True),
       mutants=[_mutant("icr", "arbitrary-z", "gsgd19.pv-icr-arbitrary-z", "B y = z is consistent for any z",
                        eval_icr_arbitrary_z, {"network": ONE, "params": {"z": ["1", "2"]}},
                        instances=_inst(kind="mlp", z=True, layers=(1, 3)))])
_claim("wa-exact", "RECONSTRUCTED", "weight allocation realizes SGD on the basis values exactly: v_p(w^{t+1}) = "
       "v_p^t − η ∂L/∂v_p^t for every basis path, each of 1-50 steps", eval_wa_exact,
       groups=("wa", "icr") + RISK,
       examples=[{"network": EX_2332, "params": {"data": DATA_2, "eta": "1/50", "steps": 2}}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 4), nonzero=True, data=True, eta=True, steps=(1, 3)),
       params_doc="data, eta, steps",
       mutants=[
           _mutant("wa-exact", "simple-code", "gsgd19.pv-wa-simple-code",
                   "the older WA code (w ← w − ηg/V_a², no ÷R_a) realizes basis-value SGD", eval_wa_simple,
                   {"network": _mlp([1, 2, 2], [[["1", "1"]], [["1", "1"], ["1", "1"]]]),
                    "params": {"data": [{"x": ["1"], "y": ["0", "0"]}], "eta": "1/10", "steps": 1}},
                   forced={"wa": "wa-simple"}),
           _mutant("wa-exact", "sign-preserved", "gsgd19.pv-gsgd-sign-preserved",
                   "G-SGD keeps sgn(w) (so N' = Σ_p v'_p x on the data)", eval_sign_preserved,
                   {"network": ONE, "params": {"data": [{"x": ["1"], "y": ["0"]}], "eta": "2", "steps": 1}},
                   instances=_inst(kind="mlp", equal=True, layers=(2, 3), nonzero=True, data=True, eta="large",
                                   steps=(1, 2))),
           _mutant("wa-exact", "always-defined", "gsgd19.pv-gsgd-always-defined",
                   "the G-SGD iterates stay in the domain (nonzero basis values) for every η > 0", eval_always_defined,
                   {"network": ONE, "params": {"data": [{"x": ["1"], "y": ["0"]}], "eta": "1", "steps": 2}},
                   instances=_inst(kind="mlp", equal=True, layers=(2, 2), nonzero=True, data=True, eta="unit",
                                   steps=(1, 2), small=True)),
       ])
_claim("gsgd-trajectory-invariance", "DERIVED", "if w̃_0 = g(w_0), G-SGD gives w̃_t = g(w_t) for every t with the same "
       "g, hence identical functions and loss curves", eval_trajectory_invariance,
       groups=("gauge",) + RISK,
       examples=[{"network": EX_2332, "params": {"data": [{"x": ["1", "2"], "y": ["0", "1"]},
                                                          {"x": ["-1", "1/2"], "y": ["1", "0"]},
                                                          {"x": ["1/2", "1/2"], "y": ["1", "1"]}],
                                                 "eta": "1/50", "steps": 2, "c": ["2", "1/3", "5", "1", "7/2", "1/2"]}}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 3), nonzero=True, data=True, eta=True, steps=(1, 2),
                       c="rational"),
       mutants=[_mutant("gsgd-trajectory-invariance", "sgd", "gsgd19.pv-sgd-trajectory-invariance",
                        "plain SGD from w̃_0 = g(w_0) gives w̃_t = g(w_t)", eval_sgd_trajectory,
                        {"network": ONE, "params": {"data": [{"x": ["1"], "y": ["0"]}], "eta": "1/10", "steps": 1,
                                                    "c": ["2"]}})])
_claim("float-pow2-bitwise", "DERIVED", "the float64 forward pass of g(w) with every c_j = 2^{k_j} is bitwise equal "
       "to that of w unless some intermediate overflows, underflows or is subnormal", eval_float_pow2,
       examples=[{"network": _mlp([2, 2, 2], [[["1", "-2"], ["3/2", "1/2"]], [["1", "2"], ["-1", "3/4"]]]),
                  "params": {"c": ["1024", "1/8"], "x": [["1", "3/4"]]}}],
       instances=_inst(kind="any", biases=None, c="pow2", x=2, floats=True),
       mutants=[
           _mutant("float-pow2-bitwise", "overflow", "gsgd19.pv-float-overflow",
                   "bitwise equality without the side condition (overflow)", eval_float_no_side,
                   {"network": ONE, "params": {"c": [str(2 ** 1000)], "x": [[str(2 ** 100)]]}},
                   instances=_inst(kind="mlp", c="pow2-extreme", x=2, floats=True, layers=(2, 3))),
           _mutant("float-pow2-bitwise", "subnormal", "gsgd19.pv-float-subnormal",
                   "bitwise equality without the side condition (subnormals)", eval_float_no_side,
                   {"network": ONE, "params": {"c": ["1/4"], "x": [[(1 + 2 ** -52) * 2.0 ** -1022]]}},
                   instances=_inst(kind="mlp", c="pow2-extreme", x=2, floats=True, tiny=True, layers=(2, 3))),
           _mutant("float-pow2-bitwise", "non-pow2", "gsgd19.pv-float-non-pow2",
                   "bitwise equality for factors c that are not powers of two", eval_float_non_pow2,
                   {"network": ONE, "params": {"c": ["3"], "x": [[0.3]]}},
                   instances=_inst(kind="mlp", c="float", x=2, floats=True, layers=(2, 3))),
       ])
_claim("pathnorm-from-path-values", "ABSTRACT", "‖Φ(w)‖_q^q = Σ_p |v_p(w)|^q = Σ_k s^L_k (the |w|^q network on an "
       "all-ones input, bias paths included) and it is 𝒢-invariant", eval_pathnorm, groups=("pathnorm-q0",),
       examples=[{"network": EX_2332, "params": {"q": 1, "c": ["2", "3", "1/7", "1", "1", "1/2"]}}],
       instances=_inst(kind="any", biases=None, c=True, q=True, zero_probability=0.1),
       mutants=[_mutant("pathnorm-from-path-values", "relu6-forward", "gsgd19.pv-pathnorm-relu6-forward",
                        "the toolkit's forward pass with ReLU6 kept computes Σ_p |v_p|^q", eval_pathnorm_relu6,
                        {"network": _mlp([1, 1, 1], [[["10"]], [["1"]]]), "params": {"q": 1}},
                        instances=_inst(kind="mlp", q=True, big=True))])
