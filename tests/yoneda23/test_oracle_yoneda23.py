"""yoneda23: the D0 formulas of spec 004 §2.2 re-derived here from the definitions, with
`fractions.Fraction` (and mpmath at 40 digits for long trajectories) and no code of `verify`; the
engines are compared with them on many drawn points and configurations, and a generator broader
than the claims' strategies (dyadic boundaries, N = 0, zero and dead heads, extreme η, d ≥ 2,
off-centre targets) checks that every VIOLATED is confirmed by an oracle and that out-of-scope
instances are vacuous or refused, never VIOLATED.

The oracles:
* φ_N as the piecewise-linear interpolant of z² on the grid k/2^N (Yarotsky's lemma, not the
  sawtooth sum the engine uses), and the sawtooth sum z − Σ g_k(z)/4^k, and the spec's layered
  network (abs layer, hat layers p/q, feature) evaluated neuron by neuron;
* the population risk in d = 1 by exact Simpson quadrature, exact for the quadratic integrands, on
  the sub-intervals cut at the grid, the target's knots and the head's crossings u ∈ {0, 1} (solved
  cell by cell); the generalized gradient with the gate 1{0 < u ≤ 1} (σ'(0) = 0) or 1{0 ≤ u < 1}
  (σ'(0) = 1); cells batches by restriction; the error e_r against f°_N;
* data batches by the definition of the mean square loss and its generalized gradient;
* GD by θ' = θ − η∇L.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction as Fr

import mpmath
import pytest
from flint import fmpq

from verify.yoneda23 import d0 as D
from verify.errors import InputError
from verify.numbers import ball_bounds, precision
from verify.checking import check

HALF = Fr(1, 2)


def q(x: Fr) -> fmpq:
    return fmpq(x.numerator, x.denominator)


def fr(x) -> Fr:
    return Fr(int(x.p), int(x.q))


def txt(x: Fr) -> str:
    return f"{x.numerator}/{x.denominator}"


# ============================================================================================
# the oracle (spec 004 §2.2, from the definitions)


def relu(z):
    return z if z > 0 else 0 * z


def hat(z):
    return 2 * relu(z) - 4 * relu(z - HALF) + 2 * relu(z - 1)


def phi_sawtooth(z: Fr, N: int) -> Fr:
    out, g = z, z
    for k in range(1, N + 1):
        g = hat(g)
        out -= g / 4 ** k
    return out


def phi_interp(z: Fr, N: int) -> Fr:
    """The linear interpolant of z² on the grid k/2^N (z ∈ [0, 1])."""
    n = 2 ** N
    k = min(int(z * n), n - 1)
    z0, z1 = Fr(k, n), Fr(k + 1, n)
    return z0 * z0 + (z - z0) * (z0 + z1)


def r_oracle(x, N: int) -> Fr:
    return sum((phi_interp(abs(v), N) for v in x), Fr(0))


def spec_network_feature(x, N: int) -> Fr:
    """r_N read off the spec's layers neuron by neuron (§2.2)."""
    d = len(x)
    h1 = [v for xi in x for v in (relu(xi), relu(-xi))]
    p = [h1[2 * i] + h1[2 * i + 1] for i in range(d)]
    qq = list(p)
    if N == 0:
        return sum(p, Fr(0))
    for k in range(1, N + 1):
        h = []
        for i in range(d):
            h += [relu(p[i] - Fr(0)), relu(p[i] - HALF), relu(p[i] - 1), relu(qq[i])]
        p = [2 * h[4 * i] - 4 * h[4 * i + 1] + 2 * h[4 * i + 2] for i in range(d)]
        qq = [h[4 * i + 3] - p[i] / 4 ** k for i in range(d)]
    return sum(qq, Fr(0))


def wc_of(theta, head):
    if head == "wc":
        return theta[0], theta[1]
    return -theta[0], theta[0] * theta[1]


def clip(u):
    return min(max(u, 0 * u), 0 * u + 1)


def f_oracle(theta, x, N, head="wc"):
    w, c = wc_of(theta, head)
    return clip(w * r_oracle(x, N) + c)


def target_oracle(x, centre=(Fr(0),), R=HALF, closed=True) -> int:
    s = sum(((a - b) ** 2 for a, b in zip(x, centre)), Fr(0))
    return int(s <= R * R) if closed else int(s < R * R)


def limit_oracle(x, N, R=HALF, closed_limit=False) -> int:
    r = r_oracle(x, N)
    return int(r <= R * R) if closed_limit else int(r < R * R)


def gate(u, relu0: str) -> int:
    """g_1 − g_2 = σ'(u) − σ'(u − 1) with σ'(0) = relu0."""
    if relu0 == "0":
        return int(0 < u <= 1)
    return int(0 <= u < 1)


def _cuts(N, w, c, lo, hi, extra, levels_r=()):
    """Sub-interval ends of [lo, hi]: the grid, ``extra`` knots, where u = w r + c crosses 0 or 1 and
    where r crosses a level in ``levels_r`` (r is linear on every grid cell)."""
    n = 2 ** N
    grid = [Fr(k, n) for k in range(-n, n + 1)]
    pts = {lo, hi} | {g for g in grid if lo < g < hi} | {k for k in extra if lo < k < hi}
    for g0, g1 in zip(grid, grid[1:]):
        r0, r1 = r_oracle([g0], N), r_oracle([g1], N)
        for a0, a1, lev in [(w * r0 + c, w * r1 + c, 0), (w * r0 + c, w * r1 + c, 1)] + \
                [(r0, r1, L) for L in levels_r]:
            if (a0 - lev) * (a1 - lev) < 0:
                x = g0 + (lev - a0) * (g1 - g0) / (a1 - a0)
                if lo < x < hi:
                    pts.add(x)
    return sorted(pts)


def simpson(g, p, q_):
    m = (p + q_) / 2
    return (q_ - p) / 6 * (g(p) + 4 * g(m) + g(q_))


def population_oracle(N, theta, head="wc", relu0="0", lo=Fr(-1), hi=Fr(1), weight=HALF, centre=Fr(0), R=HALF,
                      closed=True):
    """(L, ∂L/∂θ) of ∫_lo^hi (f − f°)² · weight dx, exactly."""
    w, c = wc_of(theta, head)
    L = Gw = Gc = Fr(0)
    pts = _cuts(N, w, c, lo, hi, (centre - R, centre + R))
    for p, q_ in zip(pts, pts[1:]):
        m = (p + q_) / 2
        y = target_oracle([m], (centre,), R, closed)
        e = lambda x: clip(w * r_oracle([x], N) + c) - y  # noqa: E731  (affine on [p, q])
        L += weight * simpson(lambda x: e(x) ** 2, p, q_)
        if gate(w * r_oracle([m], N) + c, relu0):
            Gw += weight * simpson(lambda x: 2 * e(x) * r_oracle([x], N), p, q_)
            Gc += weight * simpson(lambda x: 2 * e(x), p, q_)
    if head == "wc":
        return L, (Gw, Gc)
    a, b = theta
    return L, (-Gw + b * Gc, a * Gc)


def error_oracle(N, theta, r=2, head="wc"):
    """e_r = ∫ |f − f°_N|^r dμ over [−1, 1) (μ = dx/2)."""
    w, c = wc_of(theta, head)
    out = Fr(0)
    pts = _cuts(N, w, c, Fr(-1), Fr(1), (), (Fr(1, 4),))
    for p, q_ in zip(pts, pts[1:]):
        y = limit_oracle([(p + q_) / 2], N)
        out += HALF * simpson(lambda x: abs(clip(w * r_oracle([x], N) + c) - y) ** r, p, q_)
    return out


def data_oracle(N, theta, X, head="wc", relu0="0"):
    w, c = wc_of(theta, head)
    n = len(X)
    L = Gw = Gc = Fr(0)
    for x in X:
        r = r_oracle(x, N)
        u = w * r + c
        e = clip(u) - target_oracle(x, (Fr(0),) * len(x))
        L += e * e / n
        g = gate(u, relu0)
        Gw += 2 * e * g * r / n
        Gc += 2 * e * g / n
    if head == "wc":
        return L, (Gw, Gc)
    a, b = theta
    return L, (-Gw + b * Gc, a * Gc)


# ============================================================================================
# drawing


def draw_z(rng: random.Random, N: int) -> Fr:
    n = 2 ** N
    kind = rng.choice(["grid", "mid", "end", "dyadic", "any", "half"])
    if kind == "grid":
        return Fr(rng.randint(0, n), n)
    if kind == "mid":
        return Fr(2 * rng.randint(0, n - 1) + 1, 2 * n)
    if kind == "end":
        return Fr(rng.choice([0, 1]))
    if kind == "dyadic":
        k = rng.randint(1, 14)
        return Fr(rng.randint(0, 2 ** k), 2 ** k)
    if kind == "half":
        return HALF + Fr(rng.choice([-1, 1]), 2 ** rng.randint(3, 20))
    den = rng.randint(1, 10 ** rng.randint(1, 6))
    return Fr(rng.randint(0, den), den)


def draw_x(rng, N) -> Fr:
    z = draw_z(rng, N)
    z = z if z < 1 else Fr(rng.randint(0, 2 ** N - 1), 2 ** N)
    return -z if rng.random() < 0.5 else z


def draw_theta(rng) -> tuple:
    kind = rng.choice(["default", "regime", "dead-low", "dead-high", "zero-w", "tie", "any", "huge", "tiny"])
    if kind == "default":
        return Fr(-4), Fr(8, 5)
    if kind == "regime":
        a = Fr(rng.randint(8, 80), rng.choice([1, 2, 4]))
        lam = Fr(rng.randint(0, 16), 16)
        return -a, lam + a / 4
    if kind == "dead-low":
        return Fr(rng.randint(0, 4)), -Fr(rng.randint(1, 4))
    if kind == "dead-high":
        a = Fr(rng.randint(1, 8))
        return -a, a * (1 + 1 / a) + Fr(rng.randint(0, 4), 4)
    if kind == "zero-w":
        return Fr(0), Fr(rng.randint(-4, 8), 4)
    if kind == "tie":  # the head's kink exactly on a grid value of r
        return Fr(-rng.randint(1, 9)), Fr(rng.choice([0, 1, 2]), 4) * rng.randint(1, 9)
    if kind == "huge":
        return Fr(-rng.randint(1, 10 ** 12)), Fr(rng.randint(1, 10 ** 12), 7)
    if kind == "tiny":
        return Fr(rng.choice([-1, 1]), 10 ** 12), Fr(rng.randint(-3, 3), 10 ** 12 + 1)
    return Fr(rng.randint(-60, 60), rng.randint(1, 9)), Fr(rng.randint(-60, 60), rng.randint(1, 9))


# ============================================================================================
# differential tests


def test_feature_formulas_match_the_oracle():
    rng = random.Random(23)
    n = 0  # cases compared
    for _ in range(3000):
        N = rng.randint(0, 12)
        z = draw_z(rng, N)
        want = phi_interp(z, N)
        assert phi_sawtooth(z, N) == want  # the oracle's two definitions agree (Yarotsky's lemma)
        assert fr(D.phi(q(z), N)) == want
        assert Fr(0) <= want - z * z <= Fr(1, 2 ** (2 * N + 2))
        n += 1
    for _ in range(400):
        N = rng.randint(0, 5)
        d = rng.randint(1, 3)
        x = [draw_x(rng, N) for _ in range(d)]
        cfg = D.D0(d=d, N=N)
        want = r_oracle(x, N)
        assert spec_network_feature(x, N) == want
        assert fr(cfg.r([q(v) for v in x])) == want
        net = cfg.network()
        _, out, _ = net.forward([q(v) for v in x])
        assert fr(out[net.node(N + 2, 0)]) == want  # the feature neuron of the built network
        theta = draw_theta(rng)
        if d == 1:
            f_net = net if theta == (Fr(-4), Fr(8, 5)) else cfg.network((q(theta[0]), q(theta[1])))
            assert fr(f_net.forward([q(v) for v in x])[1][f_net.node(N + 4, 0)]) == f_oracle(theta, x, N)
        assert fr(cfg.f((q(theta[0]), q(theta[1])), [q(v) for v in x])) == f_oracle(theta, x, N)
        assert cfg.limit([q(v) for v in x]) == limit_oracle(x, N)
        assert cfg.target([q(v) for v in x]) == target_oracle(x, (Fr(0),) * d)
        n += 1


def _population_case(rng):
    N = rng.randint(0, 4)
    head = rng.choice(["wc", "wc", "ab"])
    relu0 = rng.choice(["0", "1"])
    norm = rng.choice(["prob", "lebesgue"])
    kind = rng.choice(["full", "full", "cells"])
    theta = draw_theta(rng)
    if head == "ab":
        w, c = theta
        theta = (-w, c / -w) if w != 0 else (Fr(3), Fr(1, 3))
    knobs = dict(N=N, head=head, relu_grad_at_0=relu0, measure_norm=norm,
                 init=tuple(q(v) for v in theta))
    K = 1 if norm == "prob" else 2
    lo, hi, weight, t = Fr(-1), Fr(1), Fr(K, 2), 0
    if kind == "cells":
        m, normalize = rng.randint(1, 3), rng.random() < 0.5
        knobs["batch"] = D.Batch.cells(m, normalize)
        t = rng.randint(0, 2 ** m + 3)
        j = t % 2 ** m
        lo = -1 + Fr(2 * j, 2 ** m)
        hi = lo + Fr(2, 2 ** m)
        weight = Fr(K, 2) * (2 ** m if normalize else 1)
    return D.D0(**knobs), theta, t, (N, theta, head, relu0, lo, hi, weight)


def test_population_risk_and_gradient_match_the_oracle():
    rng = random.Random(2304)
    n = 0  # cases compared
    for k in range(500):
        cfg, theta, t, args = _population_case(rng)
        L, G = population_oracle(*args)
        rg = D.risk_grad(cfg, tuple(q(v) for v in theta), t, "exact")
        assert fr(rg.L) == L, (cfg, theta, t)
        assert tuple(fr(g) for g in rg.G) == G, (cfg, theta, t)
        Ls, Gs = D.risk_grad_simpson(cfg, tuple(q(v) for v in theta), t)  # the re-verification's quadrature
        assert fr(Ls) == L and tuple(fr(g) for g in Gs) == G
        if k % 5 == 0:  # the ball engine (closed form where its regime is certified) encloses the oracle
            with precision(128):
                from flint import arb
                rb = D.risk_grad(cfg, tuple(arb(q(v)) for v in theta), t, "ball")
            for ball, want in zip((rb.L,) + tuple(rb.G), (L,) + G):
                lo, hi = ball_bounds(ball)
                assert fr(lo) <= want <= fr(hi)
        n += 1


def test_error_matches_the_oracle():
    rng = random.Random(17)
    n = 0  # cases compared
    for _ in range(200):
        N = rng.randint(0, 4)
        r = rng.choice([1, 2])
        theta = draw_theta(rng)
        cfg = D.D0(N=N, error_r=r)
        assert fr(D.error(cfg, tuple(q(v) for v in theta))) == error_oracle(N, theta, r)
        n += 1


def test_data_batches_match_the_oracle():
    rng = random.Random(5)
    n = 0  # cases compared
    for _ in range(400):
        d = rng.randint(1, 3)
        N = rng.randint(0, 4)
        head = rng.choice(["wc", "ab"])
        relu0 = rng.choice(["0", "1"])
        X = [[draw_x(rng, N) for _ in range(d)] for _ in range(rng.randint(1, 6))]
        theta = draw_theta(rng)
        if head == "ab":
            theta = (-theta[0], theta[1] / -theta[0]) if theta[0] != 0 else (Fr(2), Fr(1, 5))
        cfg = D.D0(d=d, N=N, head=head, relu_grad_at_0=relu0,
                   batch=D.Batch.data([[q(v) for v in x] for x in X]))
        L, G = data_oracle(N, theta, X, head, relu0)
        th = tuple(q(v) for v in theta)
        for rg in (D.data_risk_grad(cfg, th), D.data_risk_grad_backprop(cfg, th)):
            assert fr(rg.L) == L and tuple(fr(g) for g in rg.G) == G
        n += 1


def test_exact_gd_matches_oracle_gd():
    rng = random.Random(9)
    n = 0  # cases compared
    for _ in range(30):
        cfg, theta, _, args = _population_case(rng)
        N, _, head, relu0, *_ = args
        if cfg.batch.kind != "full":
            continue
        eta = Fr(rng.choice([1, 1, 3]), rng.choice([20, 5, 10 ** 6]))
        cfg = cfg.with_(eta=q(eta))
        th = theta
        traj = D.gd_exact(cfg, 3).thetas
        for step in range(4):
            assert tuple(fr(v) for v in traj[step]) == th
            _, G = population_oracle(N, th, head, relu0, weight=Fr(int(cfg.mass), 2))
            th = tuple(v - eta * g for v, g in zip(th, G))
        n += 1


# ============================================================================================
# the broader generator: every VIOLATED confirmed by an oracle; out of scope never VIOLATED


def _lemma_instance(rng):
    kind = rng.choice(["sq", "sq-half", "sq-below", "feat", "feat-nod", "finite-n", "n-limit", "boundary"])
    N = rng.randint(0, 7)
    if kind.startswith("sq"):
        ref = {"sq": "yoneda23.squaring-error", "sq-half": "yoneda23.squaring-error~half-constant",
               "sq-below": "yoneda23.squaring-error~below-square"}[kind]
        return kind, ref, {"network": {"kind": "d0", "N": N}, "params": {"z": txt(draw_z(rng, N))}}
    d = rng.randint(1, 3)
    pts = [[draw_x(rng, N) for _ in range(d)] for _ in range(rng.randint(1, 3))]
    ref = {"feat": "yoneda23.feature-error", "feat-nod": "yoneda23.feature-error~no-d-factor",
           "finite-n": "yoneda23.n-limit~finite-n-equality", "n-limit": "yoneda23.n-limit",
           "boundary": "yoneda23.boundary-set"}[kind]
    return kind, ref, {"network": {"kind": "d0", "d": d, "N": N},
                       "params": {"x": [[txt(v) for v in p] for p in pts]}}


def _lemma_refuted_by_oracle(kind, inst) -> bool:
    N = inst["network"]["N"]
    if kind.startswith("sq"):
        z = Fr(inst["params"]["z"])
        e = phi_interp(z, N) - z * z
        b = Fr(1, 2 ** (2 * N + 2))
        return {"sq": e > b or e < 0, "sq-half": e > b / 2 or e < 0, "sq-below": e > b or e > 0}[kind]
    pts = [[Fr(v) for v in p] for p in inst["params"]["x"]]
    d = len(pts[0])
    if kind in ("feat", "feat-nod"):
        b = Fr(d if kind == "feat" else 1, 2 ** (2 * N + 2))
        return any(not (0 <= r_oracle(p, N) - sum(v * v for v in p) <= b) for p in pts)
    if kind == "finite-n":  # a point on the sphere is outside the scope: the instance is vacuous
        return all(sum(v * v for v in p) != Fr(1, 4) for p in pts) and any(
            limit_oracle(p, N) != target_oracle(p, (Fr(0),) * d) for p in pts)
    return False  # n-limit and boundary-set are theorems: no VIOLATED is ever confirmed


def test_lemma_claims_violated_only_when_the_oracle_refutes_the_statement():
    rng = random.Random(41)
    seen = {"VIOLATED": 0, "HOLDS": 0, "UNKNOWN": 0}
    for _ in range(150):
        kind, ref, inst = _lemma_instance(rng)
        v = check(ref, inst)
        seen[v.status.value] += 1
        refuted = _lemma_refuted_by_oracle(kind, inst)
        assert (v.status.value == "VIOLATED") == refuted, (ref, inst, v.status)
    assert seen["VIOLATED"] > 10 and seen["HOLDS"] > 10


def _frozen_oracle(inst, steps=3):
    """(t, θ*) where the oracle's exact GD has a zero gradient, or None (population d = 1, head wc)."""
    net = inst["network"]
    N = net.get("N", 2)
    eta = Fr(net.get("eta", "1/20"))
    th = tuple(Fr(v) for v in net.get("init", ["-4", "8/5"]))
    relu0 = str(net.get("relu_grad_at_0", "0"))
    X = net.get("batch", {}).get("X")
    tg = net.get("target", {})
    centre, R = Fr(tg.get("centre", ["0"])[0]), Fr(tg.get("radius", "1/2"))
    for t in range(steps + 1):
        if X is not None:
            _, G = data_oracle(N, th, [[Fr(v) for v in x] for x in X], "wc", relu0)
        else:
            _, G = population_oracle(N, th, "wc", relu0, centre=centre, R=R)
        if all(g == 0 for g in G):
            return t, th
        th = tuple(v - eta * g for v, g in zip(th, G))
    return None


def _broad_dynamic_instances(rng):
    """Pointwise-convergence instances far outside its strategy: N = 0, zero or dead heads, extreme η,
    d = 2, off-centre targets, points on dyadic boundaries and on the sphere."""
    out = []
    for _ in range(30):
        N = rng.choice([0, 1, 2, 2, 3])
        init = rng.choice([["-4", "8/5"], ["0", "0"], ["1", "-2"], ["-4", "8"], ["0", "1/2"], ["-1", "1"],
                           ["-1000000", "250000"], ["-1/1000000", "1"]])
        eta = rng.choice(["1/20", "1/20", "1/5", "1/1000000", "86", "1000000", "3/10"])
        net = {"kind": "d0", "N": N, "init": init, "eta": eta, "relu_grad_at_0": rng.choice(["0", "1"])}
        if rng.random() < 0.15:
            net["target"] = {"centre": ["1/10"], "radius": "2/5"}
        ref = rng.choice(["yoneda23.pointwise-convergence", "yoneda23.pointwise-convergence~dead-ramp",
                          "yoneda23.pointwise-convergence~step-too-large", "yoneda23.pointwise-convergence~boundary-value"])
        edge = ["1/2", "-1/2"] if ref.endswith("boundary-value") else ["0", "-1", "3/4", "-1/4"]
        xs = sorted({txt(draw_x(rng, max(N, 1))) for _ in range(2)} | {rng.choice(edge)})
        out.append((ref, {"network": net, "params": {"x": xs}}))
    for _ in range(3):  # finite data sets
        X = sorted({rng.randint(-7, 7) for _ in range(rng.randint(1, 5))})
        net = {"kind": "d0", "batch": {"kind": "data", "X": [[txt(Fr(k, 8))] for k in X]}}
        out.append(("yoneda23.pointwise-convergence~finite-data-freeze",
                    {"network": net, "params": {"x": [txt(Fr(rng.randint(-19, 19), 20))]}}))
    out.append(("yoneda23.pointwise-convergence", {"network": {"kind": "d0", "d": 2, "N": 1}}))  # d = 2: out of scope
    out.append(("yoneda23.pointwise-convergence", {"network": {"kind": "d0", "N": 0}}))  # N = 0: out of scope
    out.append(("yoneda23.rate-t13", {"network": {"kind": "d0", "head": "ab"}, "params": {"C": "1/100"}}))
    return out


def test_dynamic_claims_violated_only_with_an_oracle_confirmed_frozen_witness():
    rng = random.Random(7)
    confirmed = 0
    for ref, inst in _broad_dynamic_instances(rng):
        try:
            v = check(ref, inst)
        except InputError:
            continue  # refused input (e.g. a data batch for the parent claim): never VIOLATED
        if v.status.value != "VIOLATED":
            continue
        confirmed += 1
        assert "~" in ref or not v.vacuous
        fz = _frozen_oracle(inst, 40 if "batch" in inst["network"] else 3)
        if fz is None:  # no frozen witness: only the boundary-value trap argument may refute
            assert ref.endswith("~boundary-value"), (ref, inst)
            continue
        _, th = fz
        N = inst["network"].get("N", 2)
        bad = [rel for rel in v.relations if rel.status.value == "VIOLATED"]
        x = Fr(re.search(r"at x = \(([^)]*)\)", bad[0].name).group(1))
        assert f_oracle(th, [x], N) != limit_oracle([x], N), (ref, inst)
    assert confirmed >= 3


def _mp_rate_trajectory(T):
    """a_t and e_2(t) of the default instance by GD on the oracle's integrals, with mpmath at 40 digits."""
    mpmath.mp.dps = 40
    N, eta = 2, mpmath.mpf(1) / 20
    w, c = mpmath.mpf(-4), mpmath.mpf(8) / 5
    out = {}
    grid = [Fr(k, 4) for k in range(-4, 5)]
    rs = [mpmath.mpf(r_oracle([g], N).numerator) / r_oracle([g], N).denominator for g in grid]
    gs = [mpmath.mpf(g.numerator) / g.denominator for g in grid]
    for t in range(T + 1):
        L = Gw = Gc = E = mpmath.mpf(0)
        for (x0, x1), (r0, r1) in zip(zip(gs, gs[1:]), zip(rs, rs[1:])):
            cuts = {x0, x1, mpmath.mpf(-1) / 2, mpmath.mpf(1) / 2}
            for lev in (0, 1):
                u0, u1 = w * r0 + c, w * r1 + c
                if (u0 - lev) * (u1 - lev) < 0:
                    cuts.add(x0 + (lev - u0) * (x1 - x0) / (u1 - u0))
            for lev in (mpmath.mpf(1) / 4,):
                if (r0 - lev) * (r1 - lev) < 0:
                    cuts.add(x0 + (lev - r0) * (x1 - x0) / (r1 - r0))
            cuts = sorted(v for v in cuts if x0 <= v <= x1)
            for p, q_ in zip(cuts, cuts[1:]):
                m = (p + q_) / 2
                rr = lambda x: r0 + (r1 - r0) * (x - x0) / (x1 - x0)  # noqa: E731
                y = 1 if abs(m) <= 0.5 else 0
                yl = 1 if rr(m) < 0.25 else 0
                f = lambda x: min(max(w * rr(x) + c, 0), 1)  # noqa: E731
                h = (q_ - p) / 12  # Simpson with weight 1/2
                sim = lambda g: h * (g(p) + 4 * g(m) + g(q_))  # noqa: E731
                L += sim(lambda x: (f(x) - y) ** 2)
                E += sim(lambda x: (f(x) - yl) ** 2)
                if 0 < w * rr(m) + c <= 1:
                    Gw += sim(lambda x: 2 * (f(x) - y) * rr(x))
                    Gc += sim(lambda x: 2 * (f(x) - y))
        out[t] = (-w, E, w, c)
        w, c = w - eta * Gw, c - eta * Gc
    return out


def test_rate_constants_violated_only_on_an_oracle_confirmed_witness():
    T = 1024
    traj = _mp_rate_trajectory(T)
    assert abs(float(traj[0][1]) - float(error_oracle(2, (Fr(-4), Fr(8, 5))))) < 1e-30
    cases = [{"C": "0.463"}, {"C": "0.4"}, {"C": "0.3703"}, {"C": "0.05"}, {"C": "0.15", "t0": 1},
             {"C": "0.3", "t0": 64}, {"c1": "0.3"}, {"c1": "1.2"}, {"c2": "0.25", "t0": 1}, {"c2": "0.19"},
             {"c2": "0.23"}, {"C": "-1"}]
    for params in cases:
        v = check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": params})
        for rel in v.relations:
            if rel.status.value != "VIOLATED":
                continue
            m = re.search(r"at t = (\d+) \(certified GD\)", rel.name)
            t = int(m.group(1)) if m else T  # asymptotic witnesses hold for every t ≥ t1: checked at t = T
            a, e = traj[t][:2]
            key = next(k for k in ("C", "c1", "c2") if k in params)
            val = mpmath.mpf(Fr(params[key]).numerator) / Fr(params[key]).denominator
            s = mpmath.cbrt(t)
            assert {"C": e * s > val, "c1": a < val * s, "c2": a > val * s}[key], (params, rel.name)
    # the case: a constant between the true limit 0.3703 and the certified 0.463 is not refuted
    v = check("yoneda23.rate-t13", {"network": {"kind": "d0"}, "params": {"C": "0.4"}})
    assert v.status.value == "UNKNOWN"
    assert max(float(v[1]) * t ** (1 / 3) for t, v in traj.items() if t >= 42) < 0.4
    # claimed exactness times params.T: VIOLATED only at a t ≥ T where the oracle's f(θ^t, x) ≠ f°_N(x)
    for x, T in [("9/20", 300), ("9/20", 1), ("1/8", 10), ("3/4", 50), ("3/4", 5), ("-1/2", 3)]:
        try:
            v = check("yoneda23.time-to-exactness", {"network": {"kind": "d0"}, "params": {"x": [x], "T": T}})
        except InputError:
            continue
        if x in ("1/2", "-1/2"):
            assert v.vacuous  # the sphere r_N = 1/4 is outside the scope
        for rel in v.relations:
            if rel.status.value == "VIOLATED":
                t = int(re.search(r"at t = (\d+) ≥", rel.name).group(1))
                _, _, w, c = traj[t]
                xf = Fr(x)
                r = r_oracle([xf], 2)
                f = min(max(w * (mpmath.mpf(r.numerator) / r.denominator) + c, 0), 1)
                assert t >= T and f != limit_oracle([xf], 2), (x, T, t)


def test_printed_rate_constants_are_outward():
    v = check("yoneda23.rate-t13", {"network": {"kind": "d0"}})
    note = next(n for n in v.notes if n.startswith("certified for t ≥"))
    t1 = int(re.search(r"t ≥ (\d+)", note).group(1))
    c1, c2, ce, C = (mpmath.mpf(s) for s in re.findall(r"(\d+\.\d+) t\^", note))
    traj = _mp_rate_trajectory(256)
    for t in range(t1, 257):
        a, e = traj[t][:2]
        s = mpmath.cbrt(t)
        assert c1 * s <= a <= c2 * s and ce / s <= e <= C / s, t


def test_out_of_scope_is_vacuous_or_refused():
    for ref, inst in [
        ("yoneda23.pointwise-convergence", {"network": {"kind": "d0", "d": 2, "N": 1}}),
        ("yoneda23.pointwise-convergence", {"network": {"kind": "d0", "N": 0}}),
        ("yoneda23.pointwise-convergence", {"network": {"kind": "d0", "eta": "86"}}),
        ("yoneda23.pointwise-convergence", {"network": {"kind": "d0", "target": {"centre": ["1/10"]}}}),
        ("yoneda23.rate-t13", {"network": {"kind": "d0", "N": 0}, "params": {"C": "1/1000"}}),
        ("yoneda23.time-to-exactness", {"network": {"kind": "d0", "head": "ab"}}),
        ("yoneda23.minibatch-cells", {"network": {"kind": "d0"}}),
        ("yoneda23.monotone-descent", {"network": {"kind": "d0", "eta": "1/5"}}),
    ]:
        v = check(ref, inst)
        assert v.status.value == "HOLDS" and v.vacuous, (ref, inst)
        assert any(h.holds is False and h.detail.startswith("outside the claim's scope") for h in v.hypotheses)
    with pytest.raises(InputError):
        check("yoneda23.pointwise-convergence", {"network": {"kind": "d0", "batch": {"kind": "data", "X": [["0"]]}}})
    with pytest.raises(InputError, match="POPULATION_MAX_N"):
        check("yoneda23.backprop-gradient", {"network": {"kind": "d0", "N": 30}})


def test_size_limits_refuse_with_one_line():
    with pytest.raises(InputError, match="NETWORK_MAX_WEIGHTS"):
        D.D0(d=100, N=1000).network()
    with pytest.raises(InputError, match="MAX_N"):
        D.D0(N=D.MAX_N + 1)
    with pytest.raises(InputError, match="EXACT_POPULATION_MAX_STEPS"):
        D.gd_exact(D.D0(), D.EXACT_POPULATION_MAX_STEPS + 1)
    with pytest.raises(InputError, match="limited to 5 steps at N = 10"):
        D.gd_exact(D.D0(N=10), 6)
    assert [D.exact_population_max_steps(N) for N in (0, 4, 5, 6, 8, 10, 11)] == [8, 8, 7, 7, 6, 5, 0]
    v = check("yoneda23.squaring-error", {"network": {"kind": "d0", "N": 30}, "params": {"z": "1/3"}})
    assert v.status.value == "HOLDS" and any("not on all 2^N" in n for n in v.notes)


def test_d0_json_round_trips_exactly():
    from verify.framework import Instance, network_from_json
    import json

    rng = random.Random(3)
    for _ in range(200):
        d = rng.randint(1, 3)
        head = rng.choice(["wc", "ab"])
        outer = rng.random() < 0.3
        batch = rng.choice([D.Batch.full(), D.Batch.cells(rng.randint(1, 3), rng.random() < 0.5),
                            D.Batch.grid(rng.randint(0, 3)),
                            D.Batch.data([[q(draw_x(rng, 2)) for _ in range(d)] for _ in range(rng.randint(1, 3))])])
        init = None if rng.random() < 0.3 else tuple(q(v) for v in draw_theta(rng)) + (
            (q(Fr(rng.randint(-3, 3), 2)), q(Fr(rng.randint(-3, 3), 7))) if outer else ())
        cfg = D.D0(d=d, N=rng.randint(0, 6), head=head, train_outer=outer, batch=batch, init=init,
                   centre=tuple(q(Fr(rng.randint(-5, 5), 11)) for _ in range(d)), radius=q(Fr(rng.randint(1, 9), 7)),
                   closed=rng.random() < 0.5, measure_norm=rng.choice(["prob", "lebesgue"]),
                   eta=q(Fr(rng.randint(1, 10 ** 6), rng.randint(1, 10 ** 6))), eta_decay=q(Fr(rng.randint(0, 4), 2)),
                   relu_grad_at_0=rng.choice(["0", "1", "raise"]), limit_def=rng.choice(["strict", "closed"]),
                   error_r=rng.choice([1, 2]))
        j = json.loads(json.dumps(cfg.to_json()))
        back = network_from_json(j)
        assert back == cfg and back.to_json() == cfg.to_json()
        inst = Instance.from_json({"network": j})
        assert Instance.from_json(json.loads(json.dumps(inst.to_json()))).net == cfg
