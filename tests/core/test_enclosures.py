"""Certified forward passes, losses, gradients and GD steps of `verify.enclosures` against an exact
oracle written here from the definitions (plain `fmpq` forward pass and backpropagation with
ReLU′(0) = c0; it shares no code with `verify.nets`, `verify.dag` or `verify.fastball`).

Every enclosure must contain the exact value; containment is decided here with exact rationals
(`float.as_integer_ratio`), never with the module's own `contains`."""

import math
import random

import numpy as np
import pytest
from flint import arb, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

import verify
from verify import fastball as fb
from verify.dag import DagNetwork
from verify.enclosures import (ball_network, forward_enclosure, gd_enclosure, loss_gradient_enclosure)
from verify.errors import InputError
from verify.fastball import Overflow
from verify.nets import Network

pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

# --------------------------------------------------------------------------------------------
# the oracle: layers are [(W (out × in) nested lists of fmpq, b list of fmpq or None)]


def Q(x) -> fmpq:
    """The exact rational of a float (or an int/fmpq)."""
    if isinstance(x, fmpq):
        return x
    if isinstance(x, (int, np.integer)):
        return fmpq(int(x))
    p, q = float(x).as_integer_ratio()
    return fmpq(p, q)


def kappa(z, c0):
    return fmpq(1) if z > 0 else fmpq(0) if z < 0 else c0


def oracle_forward(layers, x):
    a, zs, acts = list(x), [], [list(x)]
    for l, (W, b) in enumerate(layers):
        z = [sum((W[j][i] * a[i] for i in range(len(a))), fmpq(0)) + (b[j] if b is not None else 0)
             for j in range(len(W))]
        if l == len(layers) - 1:
            return z, zs, acts
        zs.append(z)
        a = [zj if zj > 0 else fmpq(0) for zj in z]
        acts.append(a)


def oracle_loss_grad(layers, X, Y, c, omega=None, c0=fmpq(0)):
    """ℒ = c Σ_n ω_n ‖𝒩(x_n) − y_n‖² and its gradient by backpropagation with ReLU′(0) = c0:
    (loss, [gW (out × in)], [gb or None])."""
    L = fmpq(0)
    gW = [[[fmpq(0)] * len(W[0]) for _ in W] for W, _ in layers]
    gb = [None if b is None else [fmpq(0)] * len(W) for W, b in layers]
    for n, (x, y) in enumerate(zip(X, Y)):
        w = fmpq(1) if omega is None else omega[n]
        out, zs, acts = oracle_forward(layers, x)
        r = [o - t for o, t in zip(out, y)]
        L += c * w * sum((ri * ri for ri in r), fmpq(0))
        delta = [2 * c * w * ri for ri in r]
        for l in range(len(layers) - 1, -1, -1):
            W, b = layers[l]
            a = acts[l]
            for j in range(len(W)):
                for i in range(len(a)):
                    gW[l][j][i] += delta[j] * a[i]
                if b is not None:
                    gb[l][j] += delta[j]
            if l > 0:
                delta = [sum((W[j][i] * delta[j] for j in range(len(W))), fmpq(0)) * kappa(zs[l - 1][i], c0)
                         for i in range(len(a))]
    return L, gW, gb


def theta_network(layers):
    """θ of `verify.nets.Network`: per layer W (out, in) row-major, then its bias."""
    th = []
    for W, b in layers:
        th += [x for row in W for x in row]
        th += b
    return th


def theta_dag(layers):
    """θ of a `DagNetwork.mlp`: every W^ℓ in (in, out) row-major, then all biases layer by layer."""
    th = []
    for W, _ in layers:
        th += [W[j][i] for i in range(len(W[0])) for j in range(len(W))]
    for W, b in layers:
        if b is not None:
            th += b
    return th


def dag_of(layers):
    widths = [len(layers[0][0][0])] + [len(W) for W, _ in layers]
    Wio = [[[W[j][i] for j in range(len(W))] for i in range(len(W[0]))] for W, _ in layers]
    if all(b is None for _, b in layers):
        return DagNetwork.mlp(widths, Wio)
    return DagNetwork.mlp(widths, Wio, [b for _, b in layers])


def network_of(layers):
    widths = [len(layers[0][0][0])] + [len(W) for W, _ in layers]
    return Network(tuple(widths), tuple(theta_network(layers)))


DENOMS = [1, 2, 3, 5, 7, 10, 12, 64]


def rand_q(rng, num=6, zero_prob=0.0):
    if rng.random() < zero_prob:
        return fmpq(0)
    return fmpq(rng.randint(-num, num), rng.choice(DENOMS))


def rand_layers(rng, widths, bias=True, zero_prob=0.0):
    return [([[rand_q(rng, zero_prob=zero_prob) for _ in range(widths[l])] for _ in range(widths[l + 1])],
             [rand_q(rng, zero_prob=zero_prob) for _ in range(widths[l + 1])] if bias else None)
            for l in range(len(widths) - 1)]


def rand_data(rng, N, d, zero_prob=0.0):
    return [[rand_q(rng, zero_prob=zero_prob) for _ in range(d)] for _ in range(N)]


def inside(lo, hi, value) -> bool:
    return Q(float(lo)) <= value <= Q(float(hi))


def assert_encloses(lo, hi, values, what=""):
    lo, hi = np.asarray(lo, dtype=np.float64).ravel(), np.asarray(hi, dtype=np.float64).ravel()
    assert len(lo) == len(values), what
    for k, v in enumerate(values):
        assert math.isfinite(lo[k]) and math.isfinite(hi[k]), (what, k)
        assert Q(lo[k]) <= v <= Q(hi[k]), f"{what}[{k}]: {v} not in [{lo[k]!r}, {hi[k]!r}]"


def assert_tight(lo, hi, values, rel=1e-9, what=""):
    """The enclosure is useful: width ≤ rel·(1 + |value|) (no silent blow-up)."""
    lo, hi = np.asarray(lo).ravel(), np.asarray(hi).ravel()
    for k, v in enumerate(values):
        assert hi[k] - lo[k] <= rel * (1 + abs(float(v))), (what, k, lo[k], hi[k])


def check_all(net, layers, X, Y, *, kind, loss="mean", weights=None, c0=fmpq(0), tight=True):
    """forward, loss, θ-ordered gradient and per-layer gradients against the oracle."""
    N, K = len(X), len(Y[0])
    outs = [oracle_forward(layers, x)[0] for x in X]
    lo, hi = forward_enclosure(net, X)
    assert lo.shape == (N, K)
    assert_encloses(lo, hi, [v for o in outs for v in o], "forward")
    c = {"mean": fmpq(1, N), "sum": fmpq(1), "half-sum": fmpq(1, 2), "half-mean": fmpq(1, 2 * N),
         "mse": fmpq(1, N * K)}[loss] if weights is None else fmpq(1)
    omega = None if weights is None else [verify.numbers.parse_rational(w) for w in weights]
    L, gW, gb = oracle_loss_grad(layers, X, Y, c, omega, c0)
    res = loss_gradient_enclosure(net, X, Y, loss=loss, weights=weights, relu_prime0=c0)
    assert_encloses([res.loss[0]], [res.loss[1]], [L], "loss")
    theta_grad = (theta_network if kind == "network" else theta_dag)(
        [(gw, g) for gw, g in zip(gW, gb)])
    glo, ghi = res.grad
    assert_encloses(glo, ghi, theta_grad, "grad (θ order)")
    for l, ((wlo, whi), g) in enumerate(zip(res.weights, gW)):
        exact = g if kind == "network" else [[g[j][i] for j in range(len(g))] for i in range(len(g[0]))]
        assert wlo.shape == (len(exact), len(exact[0])), ("weights orientation", l)
        assert_encloses(wlo, whi, [v for row in exact for v in row], f"weights[{l}]")
    for l, (b, g) in enumerate(zip(res.biases, gb)):
        if g is None:
            assert b is None or kind == "dag"
        else:
            assert_encloses(b[0], b[1], g, f"biases[{l}]")
    on_kink = any(z == 0 for x in X for zl in oracle_forward(layers, x)[1] for z in zl)
    if tight and not on_kink:  # a ball meeting 0 is the hull of both branches: wide by design
        assert_tight(glo, ghi, theta_grad, what="grad")
        assert_tight([res.loss[0]], [res.loss[1]], [L], what="loss")
    return res


# --------------------------------------------------------------------------------------------
# random rational networks


@pytest.mark.parametrize("seed", range(4))
def test_network_random_rationals(seed):
    rng = random.Random(seed)
    widths = [3, 4, 3, 1] if seed % 2 else [2, 5, 1]
    layers = rand_layers(rng, widths)
    X, Y = rand_data(rng, 5, widths[0]), rand_data(rng, 5, 1)
    net = network_of(layers)
    res = check_all(net, layers, X, Y, kind="network")
    assert res.grad[0].shape == (len(net.theta),)


@pytest.mark.parametrize("seed", range(4))
def test_dag_random_rationals_several_outputs(seed):
    rng = random.Random(100 + seed)
    widths = [[3, 4, 2], [2, 3, 3, 4], [4, 3], [1, 2, 5][:3]][seed]
    layers = rand_layers(rng, widths, bias=seed != 1)
    X, Y = rand_data(rng, 4, widths[0]), rand_data(rng, 4, widths[-1])
    net = dag_of(layers)
    check_all(net, layers, X, Y, kind="dag")


def test_from_numpy_float_nets_both_kinds():
    rng = np.random.default_rng(7)
    for widths in ([3, 5, 1], [3, 5, 2], [4, 2]):
        Ws = [rng.standard_normal((widths[l + 1], widths[l])) for l in range(len(widths) - 1)]
        bs = [rng.standard_normal(widths[l + 1]) for l in range(len(widths) - 1)]
        net = verify.from_numpy(Ws, bs)
        assert isinstance(net, Network if widths[-1] == 1 and len(widths) > 2 else DagNetwork)
        layers = [([[Q(v) for v in row] for row in W], [Q(v) for v in b]) for W, b in zip(Ws, bs)]
        X = rng.standard_normal((6, widths[0]))
        Y = rng.standard_normal((6, widths[-1]))
        check_all(net, layers, [[Q(v) for v in r] for r in X], [[Q(v) for v in r] for r in Y],
                  kind="network" if isinstance(net, Network) else "dag")
        # float data given as numpy arrays
        lo, hi = forward_enclosure(net, X)
        outs = [oracle_forward(layers, [Q(v) for v in r])[0] for r in X]
        assert_encloses(lo, hi, [v for o in outs for v in o])


def test_from_numpy_absent_biases():
    """from_numpy with biases None: a Network has zero biases in θ; a DagNetwork has no bias entries."""
    W1 = [[fmpq(1, 3), fmpq(-2, 3)], [fmpq(1, 5), fmpq(2, 7)]]
    W2 = [[fmpq(3, 7), fmpq(-1, 3)]]
    net = verify.from_numpy([np.array(W1, dtype=object), np.array(W2, dtype=object)], [None, [fmpq(1, 3)]])
    layers = [(W1, [fmpq(0), fmpq(0)]), (W2, [fmpq(1, 3)])]
    X, Y = [[fmpq(1), fmpq(-1, 3)], [fmpq(2, 3), fmpq(5)]], [[fmpq(1)], [fmpq(-2)]]
    check_all(net, layers, X, Y, kind="network")
    W3 = [[fmpq(1, 3), fmpq(2, 3)], [fmpq(1), fmpq(-1, 9)], [fmpq(-1, 3), fmpq(0)]]
    dnet = verify.from_numpy([W1, W3])
    assert isinstance(dnet, DagNetwork) and dnet.n_b == 0
    check_all(dnet, [(W1, None), (W3, None)], X, [[1, 2, 3], [fmpq(1, 3), 0, -1]], kind="dag")
    res = loss_gradient_enclosure(dnet, X, [[1, 2, 3], [fmpq(1, 3), 0, -1]])
    assert res.biases == [None, None] and res.grad[0].shape == (dnet.m,)


def test_dag_partial_biases_theta_order():
    """A layered DagNetwork whose bias nodes are a subset, listed in a shuffled order: the gradient
    of each bias lands at position m + (its index in bias_nodes)."""
    rng = random.Random(5)
    widths = (2, 3, 2)
    layers = rand_layers(rng, list(widths), bias=False)
    base = dag_of(layers)
    bias_nodes = (6, 2, 4)  # node 2 = hidden 0, node 4 = hidden 2, node 6 = output 1
    biases = (fmpq(1, 3), fmpq(-1, 7), fmpq(2, 5))
    net = DagNetwork(base.kinds, base.edges, base.weights, bias_nodes, biases, widths)
    b1 = [biases[1], fmpq(0), biases[2]]
    b2 = [fmpq(0), biases[0]]
    full = [(layers[0][0], b1), (layers[1][0], b2)]
    X, Y = rand_data(rng, 4, 2), rand_data(rng, 4, 2)
    L, gW, gb = oracle_loss_grad(full, X, Y, fmpq(1, 4))
    res = loss_gradient_enclosure(net, X, Y)
    assert_encloses([res.loss[0]], [res.loss[1]], [L])
    expect = theta_dag([(g, None) for g in gW]) + [gb[1][1], gb[0][0], gb[0][2]]
    assert_encloses(res.grad[0], res.grad[1], expect, "grad")
    # GD keeps the absent biases out of θ and the present ones exact-iterate-enclosing
    lr = fmpq(1, 10)
    th0 = list(net.theta)
    it = gd_enclosure(net, X, Y, lr)
    lo, hi = it.theta_bounds()
    assert_encloses(lo, hi, [t - lr * g for t, g in zip(th0, expect)], "gd")
    for b, idx in zip(it.biases, it.b_index):
        absent = idx < 0
        assert (b.mid[absent] == 0).all() and (b.rad is None or (b.rad[absent] == 0).all())


def test_network_deep():
    rng = random.Random(11)
    widths = [2, 3, 3, 3, 3, 2, 1]
    layers = rand_layers(rng, widths)
    X, Y = rand_data(rng, 4, 2), rand_data(rng, 4, 1)
    check_all(network_of(layers), layers, X, Y, kind="network")


def test_exact_zeros_in_weights_and_data():
    rng = random.Random(3)
    for kind, widths in (("network", [3, 4, 4, 1]), ("dag", [3, 4, 2])):
        layers = rand_layers(rng, widths, zero_prob=0.4)
        X, Y = rand_data(rng, 5, 3, zero_prob=0.4), rand_data(rng, 5, widths[-1], zero_prob=0.4)
        net = network_of(layers) if kind == "network" else dag_of(layers)
        check_all(net, layers, X, Y, kind=kind, tight=False)
    zero = [([[fmpq(0)] * 2 for _ in range(3)], [fmpq(0)] * 3), ([[fmpq(0)] * 3], [fmpq(0)])]
    check_all(network_of(zero), zero, [[1, 2], [fmpq(1, 3), 0]], [[1], [fmpq(-1, 3)]], kind="network",
              c0=fmpq(1, 2), tight=False)


@pytest.mark.parametrize("loss", ["mean", "sum", "half-sum", "half-mean", "mse"])
def test_every_loss_reduction(loss):
    rng = random.Random(hash(loss) % 1000)
    layers = rand_layers(rng, [2, 3, 3])
    X, Y = rand_data(rng, 3, 2), rand_data(rng, 3, 3)
    check_all(dag_of(layers), layers, X, Y, kind="dag", loss=loss)
    nl = rand_layers(rng, [2, 3, 1])
    check_all(network_of(nl), nl, X, [[y[0]] for y in Y], kind="network", loss=loss)


def test_sample_weights():
    rng = random.Random(21)
    layers = rand_layers(rng, [2, 4, 2])
    X, Y = rand_data(rng, 4, 2), rand_data(rng, 4, 2)
    for weights in ([fmpq(1, 3), fmpq(2, 3), 0, fmpq(5, 7)], ["1/10", 0.25, 2, "3/7"], [1, 1, 1, 1]):
        check_all(dag_of(layers), layers, X, Y, kind="dag", weights=weights)
    with pytest.raises(InputError):
        loss_gradient_enclosure(dag_of(layers), X, Y, weights=[1, 2, 3])
    with pytest.raises(InputError):
        loss_gradient_enclosure(dag_of(layers), X, Y, weights=[1, 2, 3, 4], loss="sum")


# --------------------------------------------------------------------------------------------
# kinks: pre-activations exactly 0 and the ReLU′(0) convention


@pytest.mark.parametrize("c0", [fmpq(0), fmpq(1), fmpq(1, 2), fmpq(1, 3)])
def test_inputs_exactly_on_kinks(c0):
    """Every hidden pre-activation of the first rows is exactly 0 (with dyadic and non-dyadic
    data): the enclosure contains the gradient with ReLU′(0) = c0 -- for every c0 at once."""
    W1 = [[fmpq(1), fmpq(-1)], [fmpq(1, 3), fmpq(-1, 3)], [fmpq(2), fmpq(1)]]
    b1 = [fmpq(0), fmpq(0), fmpq(-1)]
    W2 = [[fmpq(3, 7), fmpq(-5, 3), fmpq(1, 2)], [fmpq(1), fmpq(2), fmpq(-1, 3)]]
    b2 = [fmpq(1, 3), fmpq(0)]
    layers = [(W1, b1), (W2, b2)]
    X = [[fmpq(1, 2), fmpq(1, 2)], [fmpq(1, 3), fmpq(1, 3)], [fmpq(1, 3), fmpq(1, 3)], [fmpq(1, 4), fmpq(1, 2)]]
    Y = [[fmpq(1), fmpq(-1)], [fmpq(1, 5), fmpq(2)], [fmpq(0), fmpq(0)], [fmpq(1, 7), fmpq(1)]]
    zs = [oracle_forward(layers, x)[1][0] for x in X]
    assert zs[0][0] == 0 and zs[1][1] == 0 and zs[2][2] == 0 and zs[3][2] == 0  # the kinks are real
    res = check_all(dag_of(layers), layers, X, Y, kind="dag", c0=c0, tight=False)
    # the hull covers the other conventions too (it does not depend on c0 when a ball meets 0)
    for other in (fmpq(0), fmpq(1), fmpq(1, 2)):
        _, gW, gb = oracle_loss_grad(layers, X, Y, fmpq(1, 4), None, other)
        assert_encloses(res.grad[0], res.grad[1], theta_dag(list(zip(gW, gb))), f"c0={other}")
    # the Network layout too
    nl = [(W1, b1), ([W2[0]], [b2[0]])]
    check_all(network_of(nl), nl, X, [[y[0]] for y in Y], kind="network", c0=c0, tight=False)


def test_relu_prime0_outside_unit_interval_and_as_string():
    W1 = [[fmpq(1), fmpq(-1)]]
    layers = [(W1, [fmpq(0)]), ([[fmpq(2)]], [fmpq(0)])]
    X, Y = [[fmpq(1, 3), fmpq(1, 3)]], [[fmpq(1)]]
    for c0 in (fmpq(2), fmpq(-1, 3)):
        check_all(dag_of(layers), layers, X, Y, kind="dag", c0=c0, tight=False)
    res = loss_gradient_enclosure(dag_of(layers), X, Y, relu_prime0="1/2")
    _, gW, gb = oracle_loss_grad(layers, X, Y, fmpq(1), None, fmpq(1, 2))
    assert_encloses(res.grad[0], res.grad[1], theta_dag(list(zip(gW, gb))))


# --------------------------------------------------------------------------------------------
# magnitudes


@pytest.mark.parametrize("scale", [1e150, 1e300, 2.0 ** 1000])
def test_huge_magnitudes_overflow_or_enclose(scale):
    """Huge weights and data: `Overflow` (an `Undecided`) or a valid enclosure -- never a wrong one."""
    S = Q(scale)
    W1 = [[S, fmpq(-1, 3)], [fmpq(1), S]]
    W2 = [[S / 3, fmpq(1)]]
    layers = [(W1, [fmpq(1), -S]), (W2, [fmpq(0)])]
    for X in ([[fmpq(1), fmpq(2)]], [[S, fmpq(1, 3)]], [[fmpq(1, 3), S]]):
        outs = oracle_forward(layers, X[0])[0]
        try:
            lo, hi = forward_enclosure(network_of(layers), X)
        except Overflow:
            continue
        assert_encloses(lo, hi, outs)
        try:
            res = loss_gradient_enclosure(network_of(layers), X, [[fmpq(0)]])
        except Overflow:
            continue
        L, gW, gb = oracle_loss_grad(layers, X, [[fmpq(0)]], fmpq(1))
        assert_encloses([res.loss[0]], [res.loss[1]], [L])
        assert_encloses(res.grad[0], res.grad[1], theta_network(list(zip(gW, gb))))


def test_certain_overflow_raises():
    net = verify.from_numpy([np.array([[1e300, 1e300]]), np.array([[1e300], [1.0]])], None)
    with pytest.raises(Overflow):
        forward_enclosure(net, np.array([[1e300, 1e300]]))
    with pytest.raises(Overflow):
        loss_gradient_enclosure(net, np.array([[1e200, 1.0]]), np.array([[0.0, 0.0]]))
    with pytest.raises(Overflow):  # the loss squares 1e200
        loss_gradient_enclosure(net, np.array([[1e100, 1.0]]), np.array([[0.0, 0.0]]))


@pytest.mark.parametrize("tiny", [1e-300, 5e-324, 2.0 ** -1060, 1e-160])
def test_tiny_magnitudes_and_underflow(tiny):
    """Products that underflow (1e-300·1e-300), subnormal weights and data: the exact values,
    far below the float range, stay enclosed (the radii carry the η terms)."""
    t = Q(tiny)
    W1 = [[t, -t, fmpq(1, 3)], [fmpq(1), t, t / 3]]
    W2 = [[t, fmpq(1)], [fmpq(-1), t]]
    layers = [(W1, [t, -t]), (W2, [t, fmpq(0)])]
    X = [[t, t, t], [fmpq(1), -t, t], [Q(1e-300), Q(5e-324), fmpq(0)]]
    Y = [[t, fmpq(0)], [fmpq(0), t], [fmpq(0), fmpq(0)]]
    for c0 in (fmpq(0), fmpq(1)):
        check_all(dag_of(layers), layers, X, Y, kind="dag", c0=c0, loss="sum")


# --------------------------------------------------------------------------------------------
# ball parameters


def test_arb_parameters_enclose_every_member():
    """θ given as `arb` balls: the enclosure holds for every θ in the balls -- checked at the
    midpoints and at the two endpoint corners."""
    rng = random.Random(8)
    widths = [2, 3, 1]
    layers = rand_layers(rng, widths)
    th = theta_network(layers)
    rad = fmpq(1, 1000)
    balls = [arb(float(v), 1e-3) if k % 2 else arb(float(v)) for k, v in enumerate(th)]
    net = Network(tuple(widths), tuple(balls))
    X, Y = rand_data(rng, 3, 2), rand_data(rng, 3, 1)
    res = loss_gradient_enclosure(net, X, Y)
    lo, hi = forward_enclosure(net, X)
    for pick in ("mid", "lo", "hi"):
        member = []
        for k, v in enumerate(th):
            m = Q(float(v))
            member.append(m if (k % 2 == 0 or pick == "mid") else m - rad if pick == "lo" else m + rad)
        ls, k = [], 0
        for W, b in layers:
            n_out, n_in = len(W), len(W[0])
            Wm = [member[k + r * n_in:k + (r + 1) * n_in] for r in range(n_out)]
            k += n_out * n_in
            ls.append((Wm, member[k:k + n_out]))
            k += n_out
        L, gW, gb = oracle_loss_grad(ls, X, Y, fmpq(1, 3))
        assert_encloses([res.loss[0]], [res.loss[1]], [L], pick)
        assert_encloses(res.grad[0], res.grad[1], theta_network(list(zip(gW, gb))), pick)
        assert_encloses(lo, hi, [oracle_forward(ls, x)[0][0] for x in X], pick)


def test_arb_data_and_lr():
    layers = [([[fmpq(1, 3), fmpq(1)]], [fmpq(1, 7)])]
    net = dag_of(layers)
    X = [["[0.5 +/- 0.001]", "1/3"]]
    lo, hi = forward_enclosure(net, X)
    for x0 in (fmpq(499, 1000), fmpq(1, 2), fmpq(501, 1000)):
        assert_encloses(lo, hi, oracle_forward(layers, [x0, fmpq(1, 3)])[0])
    it = gd_enclosure(net, [[1, 2]], [[0]], "[0.1 +/- 0.01]")
    _, gW, gb = oracle_loss_grad(layers, [[1, 2]], [[0]], fmpq(1))
    g = theta_dag(list(zip(gW, gb)))
    tlo, thi = it.theta_bounds()
    for lr in (fmpq(9, 100), fmpq(1, 10), fmpq(11, 100)):
        assert_encloses(tlo, thi, [t - lr * gi for t, gi in zip(theta_dag(layers), g)], str(lr))


# --------------------------------------------------------------------------------------------
# GD and SGD against an exact GD oracle


def layers_from_theta(th, widths, kind):
    out, k = [], 0
    if kind == "network":
        for l in range(len(widths) - 1):
            n_in, n_out = widths[l], widths[l + 1]
            W = [th[k + r * n_in:k + (r + 1) * n_in] for r in range(n_out)]
            k += n_in * n_out
            out.append((W, th[k:k + n_out]))
            k += n_out
        return out
    Ws = []
    for l in range(len(widths) - 1):
        n_in, n_out = widths[l], widths[l + 1]
        Wio = th[k:k + n_in * n_out]
        k += n_in * n_out
        Ws.append([[Wio[i * n_out + j] for i in range(n_in)] for j in range(n_out)])
    has_b = len(th) > k  # a DagNetwork.mlp has all biases or none
    for l, W in enumerate(Ws):
        out.append((W, th[k:k + len(W)] if has_b else None))
        k += len(W)
    return out


def exact_gd(layers, widths, kind, X, Y, lr, steps, batches=None, loss="mean", weights=None, c0=fmpq(0)):
    th = (theta_network if kind == "network" else theta_dag)(layers)
    for t in range(steps):
        idx = list(range(len(X))) if batches is None else list(batches[t])
        Xt, Yt = [X[i] for i in idx], [Y[i] for i in idx]
        N, K = len(Xt), len(Yt[0])
        c = {"mean": fmpq(1, N), "sum": fmpq(1), "half-sum": fmpq(1, 2), "half-mean": fmpq(1, 2 * N),
             "mse": fmpq(1, N * K)}[loss] if weights is None else fmpq(1)
        om = None if weights is None else [fmpq(weights[i]) for i in idx]
        _, gW, gb = oracle_loss_grad(layers_from_theta(th, widths, kind), Xt, Yt, c, om, c0)
        g = (theta_network if kind == "network" else theta_dag)(list(zip(gW, gb)))
        th = [a - lr * b for a, b in zip(th, g)]
    return th


@pytest.mark.parametrize("kind", ["network", "dag"])
def test_gd_steps_against_exact_gd(kind):
    rng = random.Random(31)
    widths = [2, 3, 1] if kind == "network" else [2, 3, 2]
    layers = rand_layers(rng, widths)
    net = network_of(layers) if kind == "network" else dag_of(layers)
    X, Y = rand_data(rng, 4, 2), rand_data(rng, 4, widths[-1])
    lr = fmpq(1, 20)
    for steps, loss in ((1, "mean"), (3, "sum"), (2, "mse")):
        exact = exact_gd(layers, widths, kind, X, Y, lr, steps, loss=loss)
        it = gd_enclosure(net, X, Y, lr, steps, loss=loss)
        lo, hi = it.theta_bounds()
        assert_encloses(lo, hi, exact, f"{steps} steps {loss}")
        assert_tight(lo, hi, exact, rel=1e-8)
        assert it.contains(exact)
        # the per-layer weights in (in, out) orientation
        for l, (W, b) in enumerate(layers_from_theta(exact, widths, kind)):
            wlo, whi = it.weights[l].bounds()
            assert_encloses(wlo, whi, [W[j][i] for i in range(len(W[0])) for j in range(len(W))], f"W{l}")
            blo, bhi = it.biases[l].bounds()
            assert_encloses(blo, bhi, b, f"b{l}")


def test_sgd_batches_and_weights():
    rng = random.Random(41)
    widths = [2, 4, 2]
    layers = rand_layers(rng, widths)
    net = dag_of(layers)
    X, Y = rand_data(rng, 5, 2), rand_data(rng, 5, 2)
    batches = [[0, 2], [1, 3, 4], [4], [2, 2, 0]]
    lr = fmpq(1, 10)
    exact = exact_gd(layers, widths, "dag", X, Y, lr, 4, batches=batches)
    it = gd_enclosure(net, X, Y, lr, 4, batches=batches)
    assert_encloses(*it.theta_bounds(), exact, "sgd")
    weights = [fmpq(1, 3), 2, 0, fmpq(1, 7), 1]
    exact = exact_gd(layers, widths, "dag", X, Y, lr, 4, batches=batches, weights=weights)
    it = gd_enclosure(net, X, Y, lr, 4, batches=batches, weights=weights)
    assert_encloses(*it.theta_bounds(), exact, "weighted sgd")
    exact = exact_gd(layers, widths, "dag", X, Y, lr, 2, weights=weights)
    it = gd_enclosure(net, X, Y, lr, 2, weights=weights)
    assert_encloses(*it.theta_bounds(), exact, "weighted gd")
    with pytest.raises(InputError):
        gd_enclosure(net, X, Y, lr, 3, batches=batches)


def test_gd_through_kinks_with_convention():
    """A GD step where the exact pre-activation is 0: the iterate encloses the exact GD iterate
    with ReLU′(0) = c0 for each c0."""
    W1 = [[fmpq(1), fmpq(-1)], [fmpq(1, 3), fmpq(1)]]
    layers = [(W1, [fmpq(0), fmpq(1, 5)]), ([[fmpq(2), fmpq(-1, 3)]], [fmpq(1, 3)])]
    X, Y = [[fmpq(1, 3), fmpq(1, 3)], [fmpq(1), fmpq(2)]], [[fmpq(1)], [fmpq(-1)]]
    net = network_of(layers)
    for c0 in (fmpq(0), fmpq(1), fmpq(1, 2)):
        exact = exact_gd(layers, [2, 2, 1], "network", X, Y, fmpq(1, 10), 2, c0=c0)
        it = gd_enclosure(net, X, Y, fmpq(1, 10), 2, relu_prime0=c0)
        assert_encloses(*it.theta_bounds(), exact, str(c0))


# --------------------------------------------------------------------------------------------
# bad input


def test_bad_input_is_an_input_error():
    layers = [([[fmpq(1), fmpq(2)]] * 3, [fmpq(0)] * 3), ([[fmpq(1)] * 3] * 2, [fmpq(0)] * 2)]
    net = dag_of(layers)
    good_X, good_Y = np.ones((2, 2)), np.ones((2, 2))
    for X in (np.ones((2, 3)), np.ones(2), np.ones((2, 2, 1)), np.array([[1.0, np.nan]]),
              np.array([[1.0, np.inf]]), [[1, 2, 3]], [1, 2], [], np.zeros((0, 2)), [["nan", 1]],
              [[None, 1]], "12"):
        with pytest.raises(InputError):
            forward_enclosure(net, X)
        with pytest.raises(InputError):
            loss_gradient_enclosure(net, X, good_Y)
    for Y in (np.ones((3, 2)), np.ones((2, 3)), np.ones(2), np.array([[1.0, np.nan], [0, 0]])):
        with pytest.raises(InputError):
            loss_gradient_enclosure(net, good_X, Y)
    with pytest.raises(InputError):
        loss_gradient_enclosure(net, good_X, good_Y, loss="max")
    with pytest.raises(InputError):
        loss_gradient_enclosure(net, good_X, good_Y, weights=[1, "[1 +/- 0.5]"])
    with pytest.raises(InputError):  # relu6
        forward_enclosure(net.with_activation("relu6"), good_X)
    general = DagNetwork(("input", "hidden", "output"), ((0, 1), (0, 2), (1, 2)), (fmpq(1), fmpq(2), fmpq(3)))
    with pytest.raises(InputError):  # a general DAG (a skip connection)
        forward_enclosure(general, [[1]])
    with pytest.raises(InputError):
        ball_network("not a network")
    with pytest.raises(InputError):
        gd_enclosure(net, good_X, good_Y, "nan")


def test_gd_enclosure_checks_rows_of_Y_and_weights():
    """gd_enclosure must refuse what loss_gradient_enclosure refuses: Y with another number of
    rows than X (broadcast silently before) and a weight list of the wrong length."""
    layers = [([[fmpq(1, 3), fmpq(2)]], [fmpq(1)])]
    net = dag_of(layers)
    X = [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(InputError):
        gd_enclosure(net, X, [[0]], fmpq(1, 10))
    with pytest.raises(InputError):
        gd_enclosure(net, X, [[0], [1], [2]], fmpq(1, 10), weights=[1])


def test_lists_mixing_big_ints_and_floats_are_taken_exactly():
    """Regression (soundness of `data_balls`): numpy turns [[2**53 + 1, 0.5]] into float64 and
    rounds the integer to 2**53; data_balls took that array as exact, so its ball did not contain
    the data (likewise np.int64 entries and rows given as arrays).  The networks' own radii happen
    to absorb a relative error u on the first layer, so the end-to-end checks below passed even
    before; the data balls themselves are what `loss_and_gradient` and the benchmark consume."""
    from verify.enclosures import data_balls

    for X in ([[2 ** 53 + 1, 0.5]], [[np.int64(2 ** 53 + 1), 0.5]], [np.array([2 ** 53 + 1, 0]), np.array([0.5, 1])],
              [[-(2 ** 62) - 1, 1.0]], [[2 ** 60 + 3, np.float32(0.25)]]):
        B = data_balls(X, 2, "X")
        exact = [fmpq(int(v)) if isinstance(v, (int, np.integer)) else Q(v) for r in X for v in r]
        lo, hi = B.bounds()
        assert_encloses(lo, hi, exact, repr(X))
    layers = [([[fmpq(1), fmpq(0)]], [fmpq(0)])]
    lo, hi = forward_enclosure(dag_of(layers), [[2 ** 53 + 1, 0.5]])
    assert_encloses(lo, hi, [fmpq(2 ** 53 + 1)])
    zero = dag_of([([[fmpq(0), fmpq(0)]], [fmpq(0)])])
    res = loss_gradient_enclosure(zero, [[1, 2], [3, 4]], [[2 ** 53 + 1], [0.5]], loss="sum")
    assert_encloses([res.loss[0]], [res.loss[1]], [fmpq(2 ** 53 + 1) ** 2 + fmpq(1, 4)])


small_q = st.one_of(st.sampled_from([fmpq(0), fmpq(1), fmpq(-1), fmpq(1, 2), fmpq(1, 3), fmpq(-2, 3)]),
                    st.builds(fmpq, st.integers(-9, 9), st.sampled_from([1, 3, 7, 10, 1024])))


@settings(max_examples=25, deadline=None)
@given(st.data(), st.sampled_from(["network", "dag", "dag-nobias"]),
       st.sampled_from([fmpq(0), fmpq(1), fmpq(1, 2)]), st.sampled_from(["mean", "sum", "half-mean", "mse"]))
def test_random_networks_hypothesis(data, kind, c0, loss):
    """Random small networks and data (many exact zeros and kinks among them): forward, loss,
    gradient in θ order and per layer, and one GD step enclose the oracle's values."""
    depth = data.draw(st.integers(1, 3))
    widths = [data.draw(st.integers(1, 3)) for _ in range(depth + 1)] + [1 if kind == "network" else data.draw(st.integers(1, 3))]
    if kind == "network" and len(widths) < 3:
        widths = [widths[0], 2, 1]
    bias = kind != "dag-nobias"
    layers = [([[data.draw(small_q) for _ in range(widths[l])] for _ in range(widths[l + 1])],
               [data.draw(small_q) for _ in range(widths[l + 1])] if bias else None) for l in range(len(widths) - 1)]
    N = data.draw(st.integers(1, 3))
    X = [[data.draw(small_q) for _ in range(widths[0])] for _ in range(N)]
    Y = [[data.draw(small_q) for _ in range(widths[-1])] for _ in range(N)]
    k = "network" if kind == "network" else "dag"
    net = network_of(layers) if k == "network" else dag_of(layers)
    check_all(net, layers, X, Y, kind=k, loss=loss, c0=c0)
    lr = fmpq(1, 8)
    exact = exact_gd(layers, widths, k, X, Y, lr, 1, loss=loss, c0=c0)
    it = gd_enclosure(net, X, Y, lr, 1, loss=loss, relu_prime0=c0)
    assert_encloses(*it.theta_bounds(), exact, "gd")


def test_relu_prime0_as_a_ball_gives_the_hull_at_a_kink():
    """ReLU′(0) given as a ball ("[1/2 +/- 1/10]") at an input exactly on the kink: the gradient
    enclosure contains the gradient of every convention value in the ball."""
    layers = [([[fmpq(1)], [fmpq(-1)]], [fmpq(0), fmpq(1)]), ([[fmpq(2), fmpq(3)]], [fmpq(0)])]
    net = dag_of(layers)
    X, Y = [[fmpq(0)], [fmpq(1)]], [[fmpq(1)], [fmpq(0)]]
    lg = loss_gradient_enclosure(net, X, Y, relu_prime0="[0.5 +/- 0.1]")
    for c0 in (fmpq(2, 5), fmpq(1, 2), fmpq(3, 5)):
        L, gW, gb = oracle_loss_grad(layers, X, Y, fmpq(1, 2), c0=c0)
        exact = [g for W in gW for row in zip(*W) for g in row] + [g for b in gb for g in b]
        assert all(Q(lo) <= e <= Q(hi) for lo, hi, e in zip(*lg.grad, exact))


@pytest.mark.parametrize("X", [[[1, 2], [3]], [[True, 1]], [["1", None]], "12", [[1, 2], "ab"]])
def test_bad_data_lists_are_one_line_input_errors(X):
    net = dag_of([([[fmpq(1), fmpq(1)]], [fmpq(0)])])
    with pytest.raises(InputError):
        forward_enclosure(net, X)


@pytest.mark.parametrize("batches", [[[]], [[3]], [[-1]], [[0.5]], [[[0, 1]]]])
def test_bad_mini_batches_are_input_errors(batches):
    net = dag_of([([[fmpq(1)]], [fmpq(0)])])
    with pytest.raises(InputError):
        gd_enclosure(net, [[fmpq(1)]], [[fmpq(0)]], "1/10", steps=1, batches=batches)


def test_norm_wise_clipping_binds_and_stays_sound(monkeypatch):
    """A He-initialised float network 16-(4 × 512)-2: the per-row norm bounds shrink radii that
    the componentwise recursion alone leaves wide, and the clipped output balls still contain the
    exact outputs of the oracle (float weights taken exactly)."""
    import verify.enclosures as E

    rng = np.random.default_rng(11)
    widths = [16, 512, 512, 512, 512, 2]
    Ws = [rng.standard_normal((widths[l + 1], widths[l])) * np.sqrt(2 / widths[l]) for l in range(5)]
    bs = [rng.standard_normal(widths[l + 1]) * 0.1 for l in range(5)]
    net = verify.from_numpy(Ws, bs)
    X = rng.standard_normal((2, 16))
    Y = rng.standard_normal((2, 2))
    clipped = loss_gradient_enclosure(net, X, Y)
    lo, hi = forward_enclosure(net, X)
    monkeypatch.setattr(E, "_use_norms", lambda bn: False)
    plain = loss_gradient_enclosure(E.BallNetwork(**{k: v for k, v in vars(ball_network(net)).items()
                                                     if k != "_norms"}), X, Y)
    plo, phi = forward_enclosure(E.BallNetwork(**{k: v for k, v in vars(ball_network(net)).items()
                                                  if k != "_norms"}), X)
    w_clip, w_plain = clipped.grad[1] - clipped.grad[0], plain.grad[1] - plain.grad[0]
    assert (w_clip <= w_plain).all() and (w_clip < w_plain).any()
    assert ((hi - lo) <= (phi - plo)).all() and ((hi - lo) < (phi - plo)).any()
    layers = [([[Q(v) for v in row] for row in W], [Q(v) for v in b]) for W, b in zip(Ws, bs)]
    for n in range(2):
        out, _, _ = oracle_forward(layers, [Q(v) for v in X[n]])
        assert all(Q(lo[n][k]) <= out[k] <= Q(hi[n][k]) for k in range(2))
