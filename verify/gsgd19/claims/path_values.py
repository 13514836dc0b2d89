"""gsgd19 claims 1-7, path values and the structure matrix: N_{g(w)} = N_w (1, [ABSTRACT]),
v_p(g(w)) = v_p(w) and a_p(x; g(w)) = a_p(x; w) (2, [ABSTRACT]), the path sum (3, [PAPER-FAMILY]),
path values determine the class w' = g(w) (4, [ABSTRACT], hypotheses [RECONSTRUCTED]), rank_ℚ A
(5, [DERIVED]), the skeleton / tree / rref bases (6, [DERIVED], rule [RECONSTRUCTED]) and the
non-basis exponents M with A_nonbasis = A_basis·M (7, [DERIVED]); the planted mutants 3, 4, 5, 8,
10 and the scope hypothesis of claims 4-5 (every edge lies on a path of 𝒫)."""

from __future__ import annotations

from flint import fmpq

from .. import paths
from ...framework import Evaluation, Hypothesis, relation, undecidable
from ...dag import DagNetwork
from ...enclosures import forward_arb
from ...errors import InputError
from ...numbers import Undecided, sign, to_json
from .common import _bool, _equal_widths, _exact, _inputs, _missing, _nonzero_path_values, _paths, _positive_c, _scaling
from .independent import _ind_forward, _ind_on_path, _ind_path_sum, _ind_paths, _ind_rank, _ind_scaling


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


# --------------------------------------------------------------------------------------------
# 1, 2, 3: invariance and the path sum


def eval_rescaling_invariance(ev: Evaluation, activation: str | None = None):
    """N_{g(w)}(x) = N_w(x) at every given x (claim 1).  Independent re-verification computes
    both sides as path sums instead of forward passes; the fast-ball rung encloses both forward
    passes over all x at once (it can only refute: balls never certify an equality)."""
    if ev.fast and activation is not None:
        raise Undecided("the fast-ball path covers ReLU")
    net = _exact(ev)
    if activation:
        net = net.with_activation(activation)
    cs = _scaling(ev, net)
    hyp = [_positive_c(cs)]
    if any(c == 0 for c in cs):
        return [undecidable("g(w)", "c_j = 0 is not invertible: g(w) divides the outgoing weights by c_j")], hyp
    gnet = net.scale(cs)
    rels = []
    xs = _inputs(ev, net)
    if ev.fast:
        ev.engines.add("forward-fastball")
        fast_sides = list(zip(forward_arb(gnet, xs, ev.prec), forward_arb(net, xs, ev.prec)))
    for k, x in enumerate(xs):
        if ev.fast:
            lhs, rhs = fast_sides[k]
        elif ev.independent and activation is None:
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
