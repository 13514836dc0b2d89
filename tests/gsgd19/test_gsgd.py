"""G-SGD (gsgd19, claims 9–11; planted 6, 7, 14, 15): exact checks of the step in ℚ, the tree
basis for any widths, the numpy optimizers against the exact step."""

import itertools
import random

import numpy as np
import pytest
from flint import arb, fmpq, fmpz_mat
from hypothesis import assume, given
from hypothesis import strategies as st

from verify.errors import InputError
from verify.gsgd19.gsgd import (GSGD, SGD, GSGDGeneral, Undefined, backprop, basis_paths, basis_values,
                         equal_hidden_widths, forward, gauge_pm1, gsgd_step, icr, init_mlp,
                         overwrite_one, path_basis, path_nodes, rescale, sgd_step, skeleton,
                         softmax_xent_grad, sq_loss_grad, widths_of)

F = fmpq


# ---------------------------------------------------------------------------------------------
# strategies


def rationals(nonzero=False, num=9, den=6):
    n = st.integers(-num, num)
    if nonzero:
        n = st.builds(lambda k, s: k * s, st.integers(1, num), st.sampled_from([1, -1]))
    return st.builds(lambda a, b: F(a, b), n, st.integers(1, den))


@st.composite
def equal_widths(draw, max_L=4):
    L = draw(st.integers(2, max_L))
    h = draw(st.integers(1, 4))
    d = draw(st.integers(1, 4))
    K = draw(st.integers(1, 4))
    return [d] + [h] * (L - 1) + [K]


@st.composite
def any_widths(draw, max_L=4):
    L = draw(st.integers(1, max_L))
    return [draw(st.integers(1, 4)) for _ in range(L + 1)]


@st.composite
def weights(draw, widths, nonzero=True):
    return [[[draw(rationals(nonzero=nonzero)) for _ in range(widths[t + 1])] for _ in range(widths[t])]
            for t in range(len(widths) - 1)]


@st.composite
def dataset(draw, widths):
    n = draw(st.integers(1, 3))
    return [([draw(rationals()) for _ in range(widths[0])], [draw(rationals()) for _ in range(widths[-1])])
            for _ in range(n)]


@st.composite
def instances(draw, widths_strategy):
    widths = draw(widths_strategy)
    W = draw(weights(widths))
    data = draw(dataset(widths))
    eta = F(1, draw(st.integers(5, 80)))
    return widths, W, data, eta


def incidence(widths, path):
    """0/1 incidence vector (length m) of a node sequence, flat index idx(l, i, j)."""
    L = len(widths) - 1
    off = [0]
    for t in range(L):
        off.append(off[-1] + widths[t] * widths[t + 1])
    vec = [0] * off[-1]
    for l in range(1, L + 1):
        vec[off[l - 1] + path[l - 1] * widths[l] + path[l]] = 1
    return vec


def flat(W):
    return [w for layer in W for row in layer for w in row]


def check_step_exact(W, data, eta, method="auto"):
    """One general step; every basis value becomes v_p − η ∂L/∂v_p exactly; returns the new W."""
    v = basis_values(W)
    _, G = backprop(W, data)
    dv = icr(W, G, method="auto")
    W1 = gsgd_step(W, data, eta, method=method)
    v1 = basis_values(W1)
    assert set(v1) == set(v)
    for p in v:
        assert v1[p] == v[p] - eta * dv[p], p
    return W1


# ---------------------------------------------------------------------------------------------
# skeleton and basis


def test_skeleton_official_mapping():
    assert skeleton([3, 2, 2, 4]) == [{(0, 0), (1, 1)}, {(0, 0), (1, 1)}, {(0, 0), (1, 1)}]
    assert skeleton([1, 3, 3, 2]) == [{(0, 0), (0, 1), (0, 2)}, {(0, 0), (1, 1), (2, 2)}, {(0, 0), (1, 1), (2, 0)}]
    assert skeleton([2, 3, 2, 2])[1] == {(0, 0), (1, 1), (2, 0)}  # h_1 ≥ h_2: per input row
    assert skeleton([2, 2, 3, 2])[1] == {(0, 0), (1, 1), (0, 2)}  # h_1 < h_2: per output column
    assert skeleton([3, 2]) == [set()]
    assert equal_hidden_widths([3, 2, 2, 4]) and not equal_hidden_widths([3, 2, 3, 4])


@given(any_widths())
def test_tree_basis_is_a_basis(widths):
    """Any layered widths: m − H distinct paths of full rank m − H (claims 5, 6 generalised)."""
    L = len(widths) - 1
    m = sum(widths[t] * widths[t + 1] for t in range(L))
    H = sum(widths[1:-1])
    B = path_basis(widths)
    assert len(B.paths) == m - H
    mat = fmpz_mat([incidence(widths, B.nodes[p]) for p in B.paths])
    assert mat.rank() == m - H
    all_paths = [incidence(widths, p) for p in itertools.product(*[range(k) for k in widths])][:400]
    assert fmpz_mat(all_paths + [incidence(widths, B.nodes[p]) for p in B.paths]).rank() == m - H
    assert len(B.pinned) == H
    # B_F (free rows) is unimodular: the exact integer inverse of GSGDGeneral inverts it
    opt = GSGDGeneral(widths, lr=0.1)
    pos = {e: k for k, e in enumerate(B.free[p] for p in B.paths)}
    BF = np.zeros((m - H, m - H), dtype=np.int64)
    for k, p in enumerate(B.paths):
        for l in range(1, L + 1):
            e = (l, B.nodes[p][l - 1], B.nodes[p][l])
            if e in pos:
                BF[pos[e], k] = 1
    assert np.array_equal(opt.Binv_int @ BF, np.eye(m - H, dtype=np.int64))


@given(equal_widths())
def test_equal_widths_tree_basis_is_official_skeleton_basis(widths):
    sk = skeleton(widths)
    L = len(widths) - 1
    h = widths[1]
    paths = basis_paths(widths)
    assert paths[:h] == [("s", j) for j in range(h)]
    for j in range(h):
        nodes = path_nodes(widths, ("s", j))
        assert all((nodes[l - 1], nodes[l]) in sk[l - 1] for l in range(1, L + 1))
        assert nodes[1] == j
    expected = {("e", l, a, b) for l in range(1, L + 1) for a in range(widths[l - 1]) for b in range(widths[l])
                if (a, b) not in sk[l - 1]}
    assert set(paths[h:]) == expected
    for p in paths[h:]:  # b(e): column a up to a, e, column b from b on
        _, l, a, b = p
        nodes = path_nodes(widths, p)
        assert (nodes[l - 1], nodes[l]) == (a, b)
        assert all(nodes[k] == a for k in range(1, l)) and all(nodes[k] == b for k in range(l, L))


# ---------------------------------------------------------------------------------------------
# claims 9, 10: ICR and the exact step


@given(instances(equal_widths()), st.integers(1, 3))
def test_gsgd_step_exact_basis_sgd_equal_widths(inst, steps):
    """Claim 10: after each of 1–3 general steps, v_p(w') = v_p − η ∂L/∂v_p exactly for all basis p."""
    widths, W, data, eta = inst
    try:
        for _ in range(steps):
            W = check_step_exact(W, data, eta)
    except Undefined:
        assume(False)


@given(instances(any_widths()), st.integers(1, 2))
def test_gsgd_step_exact_basis_sgd_any_widths(inst, steps):
    """Tree basis, any widths (incl. unequal and L = 1): the exact step is SGD on the basis values."""
    widths, W, data, eta = inst
    try:
        for _ in range(steps):
            W = check_step_exact(W, data, eta, method="tree")
    except Undefined:
        assume(False)


@given(instances(any_widths()))
def test_icr_solves_full_system(inst):
    """Claim 9 (b): y = v ⊙ ∂L/∂v solves B y = z on all m rows (pinned rows by conservation)."""
    widths, W, data, _ = inst
    _, G = backprop(W, data)
    dv = icr(W, G)
    v = basis_values(W)
    B = path_basis(widths)
    z = [w * g for w, g in zip(flat(W), flat(G))]
    By = [F(0)] * len(z)
    for p in B.paths:
        yp = v[p] * dv[p]
        for k, bit in enumerate(incidence(widths, B.nodes[p])):
            if bit:
                By[k] += yp
    assert By == z


@given(instances(equal_widths()))
def test_closed_form_equals_tree(inst):
    """Claim 9 (c) and the WA: the equal-width closed form agrees with the tree solve exactly."""
    widths, W, data, eta = inst
    _, G = backprop(W, data)
    assert icr(W, G, method="closed") == icr(W, G, method="tree")
    try:
        assert gsgd_step(W, data, eta, method="closed") == gsgd_step(W, data, eta, method="tree")
    except Undefined:
        assume(False)


@given(instances(equal_widths(max_L=3)))
def test_pinned_one_closed_form(inst):
    """Spec closed form in the pinned = 1 gauge: ∂L/∂v_e = g_e (l = 1), g_e/σ_a (l ≥ 2),
    ∂L/∂V_j = g_{σ_j} − S_j/σ_j; WA layer 1 w − ηg, layer ≥ 2 (w − ηg/σ_a²)/R_a."""
    widths, W, data, eta = inst
    d, h = widths[0], widths[1]
    W0, W = W, overwrite_one(W)
    for j in range(h):  # pinned = 1, σ_j free (nonzero)
        W[0][j % d][j] = W0[0][j % d][j]
    sk = skeleton(widths)
    _, G = backprop(W, data)
    dv = icr(W, G)
    sigma = [W[0][j % d][j] for j in range(h)]
    S = [sum((W[t][j][b] * G[t][j][b] for t in range(1, len(W)) for b in range(widths[t + 1])
              if (j, b) not in sk[t]), F(0)) for j in range(h)]
    for p, val in dv.items():
        if p[0] == "s":
            j = p[1]
            assert val == G[0][j % d][j] - S[j] / sigma[j]
        else:
            _, l, a, b = p
            assert val == (G[0][a][b] if l == 1 else G[l - 1][a][b] / sigma[a])
    R = [1 - eta * (G[0][j % d][j] * sigma[j] - S[j]) / sigma[j] ** 2 for j in range(h)]
    assume(all(r != 0 for r in R))
    W1 = gsgd_step(W, data, eta)
    for t in range(len(W)):
        for a in range(widths[t]):
            for b in range(widths[t + 1]):
                if (a, b) in sk[t]:
                    want = sigma[b] * R[b] if t == 0 else W[t][a][b]
                elif t == 0:
                    want = W[0][a][b] - eta * G[0][a][b]
                else:
                    want = (W[t][a][b] - eta * G[t][a][b] / sigma[a] ** 2) / R[a]
                assert W1[t][a][b] == want


def test_planted_6_witness():
    """1-2-2, σ = (1, 1), w² all ones, x = 1, y = 0, η = 1/10."""
    W = [[[F(1), F(1)]], [[F(1), F(1)], [F(1), F(1)]]]
    data = [([F(1)], [F(0), F(0)])]
    eta = F(1, 10)
    _, G = backprop(W, data)
    v = basis_values(W)
    dv = icr(W, G)
    R = [1 - eta * dv[("s", j)] / v[("s", j)] for j in range(2)]
    assert R == [F(4, 5), F(4, 5)]
    general = basis_values(gsgd_step(W, data, eta))
    assert general == {("s", 0): F(4, 5), ("s", 1): F(4, 5), ("e", 2, 0, 1): F(4, 5), ("e", 2, 1, 0): F(4, 5)}
    simple = basis_values(gsgd_step(W, data, eta, variant="simple"))
    assert simple[("e", 2, 0, 1)] == simple[("e", 2, 1, 0)] == F(16, 25)
    assert simple[("s", 0)] == simple[("s", 1)] == F(4, 5)


def test_simple_variant_rejected_for_unequal_widths():
    W = [[[F(1)] * 2], [[F(1)] * 3] * 2, [[F(1)]] * 3]
    with pytest.raises(InputError):
        gsgd_step(W, [([F(1)], [F(0)])], F(1, 10), variant="simple")


# ---------------------------------------------------------------------------------------------
# claim 11: trajectory invariance; planted 7


@given(instances(any_widths()), st.data(), st.integers(1, 3))
def test_gsgd_trajectory_invariance(inst, data_, steps):
    widths, W, data, eta = inst
    H = sum(widths[1:-1])
    c = [data_.draw(st.builds(lambda a, b: F(a, b), st.integers(1, 9), st.integers(1, 9))) for _ in range(H)]
    Wt = rescale(W, c)
    try:
        for _ in range(steps):
            W = gsgd_step(W, data, eta)
            Wt = gsgd_step(Wt, data, eta)
            assert Wt == rescale(W, c)
    except Undefined:
        assume(False)


def test_planted_7_sgd_not_invariant():
    data = [([F(1)], [F(0)])]
    eta = F(1, 10)
    w0 = [[[F(1)]], [[F(1)]]]
    w1 = sgd_step(w0, data, eta)
    assert w1 == [[[F(9, 10)]], [[F(9, 10)]]] and forward(w1, [F(1)]) == [F(81, 100)]
    wt0 = rescale(w0, [F(2)])
    assert wt0 == [[[F(2)]], [[F(1, 2)]]]
    wt1 = sgd_step(wt0, data, eta)
    assert wt1 == [[[F(39, 20)]], [[F(3, 10)]]] and forward(wt1, [F(1)]) == [F(117, 200)]
    # G-SGD from both: same function (and w̃_1 = g(w_1))
    g1, gt1 = gsgd_step(w0, data, eta), gsgd_step(wt0, data, eta)
    assert gt1 == rescale(g1, [F(2)]) and forward(g1, [F(1)]) == forward(gt1, [F(1)])


# ---------------------------------------------------------------------------------------------
# planted 14, 15 and Undefined


def test_planted_14_sign_flip():
    W = [[[F(1)]], [[F(1)]]]
    data = [([F(1)], [F(0)])]
    W1 = gsgd_step(W, data, F(2))
    assert W1 == [[[F(-1)]], [[F(1)]]]
    assert basis_values(W1)[("s", 0)] == -1
    assert forward(W1, [F(1)]) == [F(0)]  # the path switched off: N'(1) = 0 ≠ v'·x = −1


def test_planted_15_zero_then_undefined():
    W = [[[F(1)]], [[F(1)]]]
    data = [([F(1)], [F(0)])]
    W1 = gsgd_step(W, data, F(1))
    assert W1 == [[[F(0)]], [[F(1)]]]
    with pytest.raises(Undefined, match="G-SGD step undefined"):
        gsgd_step(W1, data, F(1))
    with pytest.raises(Undefined):
        gsgd_step(W1, data, F(1), method="tree")
    _, G = backprop(W1, data)
    with pytest.raises(Undefined):
        icr(W1, G)


def test_zero_rate_divided_by_raises():
    """1-1-2: R_0 = 0 must be divided by for the layer-2 non-skeleton weight."""
    W = [[[F(1)]], [[F(1), F(1)]]]
    data = [([F(1)], [F(0), F(0)])]
    _, G = backprop(W, data)
    y_s = icr(W, G)[("s", 0)]  # V = 1
    eta = 1 / y_s
    with pytest.raises(Undefined, match="rate"):
        gsgd_step(W, data, eta)
    with pytest.raises(Undefined):
        gsgd_step(W, data, eta, method="tree")


def test_arb_undecided_raises():
    W = [[[arb("0 +/- 1e-10")]], [[arb(1)]]]
    with pytest.raises(Undefined, match="undecided"):
        gsgd_step(W, [([arb(1)], [arb(0)])], arb("0.1"))


def test_arb_encloses_exact_step():
    W = [[[F(1, 2), F(-1, 3)], [F(2), F(1)]], [[F(3, 4), F(1, 5)], [F(-1, 2), F(2, 3)]], [[F(1)], [F(-1, 3)]]]
    data = [([F(1), F(1, 2)], [F(1, 7)])]
    eta = F(1, 20)
    exact = gsgd_step(W, data, eta)
    ball = gsgd_step([[[arb(w) for w in row] for row in layer] for layer in W],
                     [([arb(v) for v in x], [arb(v) for v in y]) for x, y in data], arb(eta))
    from verify.numbers import contains
    assert all(contains(b, e) for b, e in zip(flat(ball), flat(exact)))


# ---------------------------------------------------------------------------------------------
# gauges


@given(any_widths(), st.data())
def test_gauge_pm1_preserves_function(widths, data_):
    W = data_.draw(weights(widths))
    Wg, c = gauge_pm1(W)
    assert Wg == rescale(W, c) and all(ck > 0 for ck in c)
    for l in range(1, len(widths) - 1):  # pinned = child edge of every hidden node
        for j in range(widths[l]):
            assert abs(Wg[l][j][j % widths[l + 1]]) == 1
    for _ in range(3):
        x = [data_.draw(rationals()) for _ in range(widths[0])]
        assert forward(Wg, x) == forward(W, x)
    if equal_hidden_widths(widths):
        assert basis_values(Wg) == basis_values(W)


def test_overwrite_one_changes_function():
    W = [[[F(2)]], [[F(3)]]]
    W1 = overwrite_one(W)
    assert W1 == [[[F(1)]], [[F(1)]]] and forward(W1, [F(1)]) != forward(W, [F(1)])


def test_gauge_pm1_zero_pinned_raises():
    with pytest.raises(Undefined):
        gauge_pm1([[[F(1)]], [[F(0)]]])


# ---------------------------------------------------------------------------------------------
# numpy optimizers against the exact step


def _float_instance(widths, seed, n=3):
    rng = np.random.default_rng(seed)
    Ws = [rng.uniform(0.5, 1.5, (widths[t], widths[t + 1])) * rng.choice([-1, 1], (widths[t], widths[t + 1]))
          for t in range(len(widths) - 1)]
    X = rng.standard_normal((n, widths[0]))
    Y = rng.standard_normal((n, widths[-1]))
    return Ws, X, Y


def _exact(Ws, X, Y):
    W = [[[F(*float(w).as_integer_ratio()) for w in row] for row in A] for A in Ws]
    data = [([F(*float(v).as_integer_ratio()) for v in x], [F(*float(v).as_integer_ratio()) for v in y])
            for x, y in zip(X, Y)]
    return W, data


def _close(Ws, W_exact, rtol):
    for A, E in zip(Ws, W_exact):
        B = np.array([[float(F(e).p) / float(F(e).q) for e in row] for row in E])
        scale = np.max(np.abs(B))
        assert np.allclose(A, B, rtol=rtol, atol=rtol * scale), np.max(np.abs(A - B) / scale)


@pytest.mark.parametrize("widths", [[3, 4, 4, 4, 2], [5, 3, 3, 2], [2, 4, 4, 6], [1, 1, 1], [4, 2, 2, 2, 2, 3]])
@pytest.mark.parametrize("variant", ["general", "simple"])
def test_numpy_gsgd_matches_exact(widths, variant):
    Ws, X, Y = _float_instance(widths, seed=sum(widths))
    eta = 1 / 1024
    W, data = _exact(Ws, X, Y)
    _, grads = sq_loss_grad(Ws, X, Y)
    _, G = backprop(W, data)
    for A, E in zip(grads, G):
        assert np.allclose(A, np.array([[float(e) for e in row] for row in E], dtype=float), rtol=1e-12, atol=1e-12)
    opt = GSGD(Ws, lr=eta, variant=variant)
    opt.step(Ws, grads)
    exact = gsgd_step(W, data, F(1, 1024), variant=variant)
    assert opt.n_clipped == 0
    _close(Ws, exact, 1e-12)


@pytest.mark.parametrize("widths", [[3, 5, 2, 4, 2], [2, 3, 2, 2], [4, 2, 3, 1], [2, 1, 3, 1, 2], [3, 2]])
def test_numpy_gsgd_general_matches_exact(widths):
    Ws, X, Y = _float_instance(widths, seed=7 + sum(widths))
    W, data = _exact(Ws, X, Y)
    v0 = basis_values(W)
    _, G = backprop(W, data)
    dv = icr(W, G)
    eta = F(1, 128)
    _, grads = sq_loss_grad(Ws, X, Y)
    opt = GSGDGeneral(Ws, lr=float(eta))
    opt.step(Ws, grads)
    assert opt.n_clipped == 0
    exact = gsgd_step(W, data, eta)
    _close(Ws, exact, 1e-9)
    B = path_basis(widths)
    for p in B.paths:  # basis values v − η y/v
        want = float(v0[p] - eta * dv[p])
        got = float(np.prod([Ws[l - 1][B.nodes[p][l - 1], B.nodes[p][l]] for l in range(1, len(widths))]))
        assert abs(got - want) <= 1e-9 * abs(want)


@pytest.mark.parametrize("widths", [[3, 4, 4, 4, 2], [5, 3, 3, 2], [2, 2, 2]])
def test_gsgd_general_equals_gsgd_on_equal_widths(widths):
    Ws, X, Y = _float_instance(widths, seed=11)
    Ws2 = [A.copy() for A in Ws]
    a, b = GSGD(Ws, lr=0.01), GSGDGeneral(Ws, lr=0.01)
    for _ in range(5):
        a.step(Ws, sq_loss_grad(Ws, X, Y)[1])
        b.step(Ws2, sq_loss_grad(Ws2, X, Y)[1])
    for A, B_ in zip(Ws, Ws2):
        assert np.allclose(A, B_, rtol=1e-10, atol=1e-12)


def test_numpy_nonpositive_modes_planted_14():
    X, Y = np.array([[1.0]]), np.array([[0.0]])
    for cls in (GSGD, GSGDGeneral):
        Ws = [np.array([[1.0]]), np.array([[1.0]])]
        opt = cls(Ws, lr=2.0)  # default "allow": the exact step, σ' = −1
        opt.step(Ws, sq_loss_grad(Ws, X, Y)[1])
        assert opt.n_nonpositive == 1 and opt.n_clipped == 0 and Ws[0][0, 0] == -1.0 and Ws[1][0, 0] == 1.0
        Ws = [np.array([[1.0]]), np.array([[1.0]])]
        opt = cls(Ws, lr=2.0, nonpositive="clip")
        opt.step(Ws, sq_loss_grad(Ws, X, Y)[1])
        assert opt.n_clipped == 1 and Ws[0][0, 0] == pytest.approx(0.1) and Ws[1][0, 0] == 1.0
        Ws = [np.array([[1.0]]), np.array([[1.0]])]
        with pytest.raises(Undefined):
            cls(Ws, lr=2.0, nonpositive="raise").step(Ws, sq_loss_grad(Ws, X, Y)[1])
        Ws = [np.array([[0.0]]), np.array([[1.0]])]
        with pytest.raises(Undefined):
            cls(Ws, lr=0.1).step(Ws, sq_loss_grad(Ws, X, Y)[1])
    Ws = [np.array([[1.0]]), np.array([[1.0, 1.0]])]  # 1-1-2: R_0 = 0 is divided by
    X2, Y2 = np.array([[1.0]]), np.array([[0.0, 0.0]])
    with pytest.raises(Undefined):
        GSGD(Ws, lr=1.0).step(Ws, sq_loss_grad(Ws, X2, Y2)[1])


@pytest.mark.parametrize("widths", [[3, 4, 4, 2], [2, 3, 3, 3, 2], [3, 5, 2, 4, 2]])
def test_numpy_allow_mode_matches_exact_with_sign_flips(widths):
    """Large η: some rates are negative; "allow" reproduces the exact step, signs included."""
    Ws, X, Y = _float_instance(widths, seed=5 + sum(widths))
    W, data = _exact(Ws, X, Y)
    eta = F(1, 4)
    try:
        exact = gsgd_step(W, data, eta)
    except Undefined:
        pytest.skip("exact step undefined on this instance")
    _, grads = sq_loss_grad(Ws, X, Y)
    opts = [GSGDGeneral(Ws, lr=0.25)] + ([GSGD(Ws, lr=0.25)] if equal_hidden_widths(widths) else [])
    for opt in opts:
        Wn = [A.copy() for A in Ws]
        opt.step(Wn, grads)
        assert opt.n_nonpositive > 0
        _close(Wn, exact, 1e-9)


def test_numpy_gsgd_keeps_signs_and_function_invariance():
    """Float analogue of claim 11 with c = powers of two: trajectories agree to rounding."""
    rng = np.random.default_rng(3)
    widths = [6, 5, 5, 5, 3]
    Ws = init_mlp(widths, rng)
    X, y = rng.standard_normal((16, 6)), rng.integers(0, 3, 16)
    c = [2.0 ** int(k) for k in rng.integers(-3, 4, 15)]
    Wt = [A.copy() for A in Ws]
    off = 0
    for t in range(len(widths) - 2):  # incoming × c, outgoing ÷ c
        cc = np.array(c[off:off + widths[t + 1]])
        Wt[t] *= cc[None, :]
        Wt[t + 1] /= cc[:, None]
        off += widths[t + 1]
    signs = [np.sign(A) for A in Ws]
    a, b = GSGD(Ws, lr=1e-6), GSGD(Wt, lr=1e-6)  # He init: small v_p, large rates (see GSGD)
    for _ in range(20):
        a.step(Ws, softmax_xent_grad(Ws, X, y)[1])
        b.step(Wt, softmax_xent_grad(Wt, X, y)[1])
    assert a.n_clipped == b.n_clipped == 0
    assert all(np.array_equal(np.sign(A), s) for A, s in zip(Ws, signs))
    from verify.gsgd19.gsgd import mlp_forward
    assert np.allclose(mlp_forward(Ws, X)[0], mlp_forward(Wt, X)[0], rtol=1e-9, atol=1e-12)


def test_sgd_and_helpers():
    rng = np.random.default_rng(0)
    Ws = init_mlp([4, 3, 2], rng)
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 2, 5)
    loss, grads = softmax_xent_grad(Ws, X, y)
    eps = 1e-6  # finite-difference check of one entry
    Wp = [A.copy() for A in Ws]
    Wp[0][1, 2] += eps
    assert (softmax_xent_grad(Wp, X, y)[0] - loss) / eps == pytest.approx(grads[0][1, 2], rel=1e-4, abs=1e-6)
    before = [A.copy() for A in Ws]
    SGD(Ws, lr=0.5).step(Ws, grads)
    assert all(np.allclose(A, B - 0.5 * G) for A, B, G in zip(Ws, before, grads))
    with pytest.raises(InputError):
        GSGD([4, 3, 5, 2], lr=0.1)


def test_relu_prime0_and_mean_risk():
    W = [[[F(1), F(1)], [F(-1), F(2)]], [[F(1)], [F(1)]]]
    data = [([F(1), F(1)], [F(1)]), ([F(1), F(0)], [F(0)])]  # first sample: hidden node 0 at its kink
    L0, G0 = backprop(W, data, relu_prime0=0)
    L1, G1 = backprop(W, data, relu_prime0=1)
    assert L0 == L1 and G0[1] == G1[1] and G0[0] != G1[0]
    Lm, Gm = backprop(W, data, risk="mean")
    assert Lm == L0 / 2 and Gm == [[[g / 2 for g in row] for row in layer] for layer in G0]
    assert widths_of(W) == (2, 2, 1)


def test_random_float_generic_path_runs():
    """The generic functions also run on Python floats (ordinary float code)."""
    rnd = random.Random(1)
    W = [[[rnd.uniform(0.5, 1.5) for _ in range(3)] for _ in range(2)], [[rnd.uniform(0.5, 1.5)] for _ in range(3)]]
    out = gsgd_step(W, [([1.0, 0.5], [0.2])], 0.01)
    assert isinstance(out[0][0][0], float)
