"""gsgd19 claims 8-11, gradients and G-SGD: the conservation law Σ_{in(j)} w_e ∂_eL =
Σ_{out(j)} w_e ∂_eL (8, [DERIVED]), the inverse chain rule B y = z, ∂L/∂v_p = y_p/v_p (9,
[RECONSTRUCTED]), weight allocation realizing SGD on the basis values exactly (10,
[RECONSTRUCTED]) and trajectory invariance w̃_t = g(w_t) (11, [DERIVED]), with `EXACT_BITS_LIMIT`
on the exact iterates; the planted mutants 6, 7, 9, 14, 15, 17."""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from .. import gsgd, paths
from ...framework import Evaluation, relation, undecidable
from ...dag import DagNetwork
from ...enclosures import dag_gradient
from ...errors import InputError
from ...numbers import Undecided, is_cell, parse_rational, sign, to_json
from .common import (
    _bool, _data, _equal_widths, _exact, _list, _missing, _nonzero_path_values, _paths, _positive_c, _relu_prime,
    _risk, _scaling)
from .independent import _ind_forward, _ind_gradient, _ind_matrix, _ind_on_path, _ind_paths, _ind_scaling, _linear_form


# --------------------------------------------------------------------------------------------
# 8, 9: conservation and the inverse chain rule


def _grad(ev, net):
    """∂L/∂θ: backpropagation (`DagNetwork.gradient`; on the fast-ball rung its float64
    midpoint–radius twin `verify.enclosures.dag_gradient`), or the path formula `_ind_gradient` in
    the independent re-verification."""
    if ev.independent:
        return _ind_gradient(net, _data(ev, net), _relu_prime(ev), _risk(ev))
    if ev.fast:
        ev.engines.add("backprop-fastball")
        return dag_gradient(net, _data(ev, net), _relu_prime(ev), _risk(ev), ev.prec)[1]
    return net.gradient(_data(ev, net), _relu_prime(ev), _risk(ev))[1]


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


def _bits(w) -> int:
    """Size of an exact iterate entry: numerator / denominator bits (a region cell: its text's length ×
    4, about the bits of its coefficients)."""
    if is_cell(w):
        return 4 * len(repr(w))
    w = fmpq(w)
    return max(int(w.p).bit_length(), int(w.q).bit_length())


def _size_stop(theta, t: int, steps: int):
    """An UNKNOWN relation if the exact iterate after step t + 1 has a numerator or denominator past
    `EXACT_BITS_LIMIT` bits (exact G-SGD sizes grow about 8-fold per step), else None; the later
    steps are then not run."""
    bits = max((_bits(w) for w in theta), default=0)
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
