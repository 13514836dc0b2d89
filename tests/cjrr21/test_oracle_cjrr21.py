"""cjrr21 against an independent oracle (issue 14).

The oracle is written from the definitions of spec §2 with `fractions.Fraction` and its own exact
piecewise-polynomial integration; it shares no code with `verify.integrate`, `verify.problems`
or the claims:

* ℒ(θ) = ∫ r_θ² dμ, r_θ = 𝒩^θ − f, 𝒩^θ(x) = 𝔠 + Σ_i 𝔳_i max(𝔟_i + ⟨𝔴_i, x⟩, 0);
* 𝒢 with κ = 1_{(0,∞)} off 0 and κ(0) ∈ {0, 1, ½}: 𝒢_{𝔴_ij} = 2𝔳_i∫x_j κ_i r, 𝒢_{𝔟_i} = 2𝔳_i∫κ_i r,
  𝒢_{𝔳_i} = 2∫ReLU_i r, 𝒢_𝔠 = 2∫r;
* μ: Lebesgue or the uniform probability on [a, b] (d = 1: split at the kinks and target knots,
  decide each neuron at the midpoint of a piece, integrate polynomials of degree ≤ 3 exactly),
  or Σ_k w_k δ_{x_k} in any d (atoms on kinks included; there κ(0) counts).

(a) differential tests: ℒ, 𝒢 of `Evaluation.risk_grad` (default and independent engines), V and
one GD step of `cjrr21.gd-one-step-expansion`, compared exactly on drawn instances;
(b) a generator broader than the claims' strategies (zero weights, dead and fully degenerate
neurons, kinks on the box ends and on atoms, coincident kinks, huge and tiny numbers, zero-weight
atoms, piecewise-linear targets, deep and DAG networks, zero densities, hostile params): every
VIOLATED of every cjrr21 claim and mutant must be confirmed by the oracle, and out-of-scope
instances must come back vacuous or as `InputError`, never VIOLATED."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from flint import fmpq

import verify
from oracle_poly import p_add, p_int, p_mul
from verify.framework import Evaluation, Instance, Status
from verify.errors import InputError

verify.resolve_all()
IDS = sorted(c for c in {**verify.all_claims(), **verify.all_mutants()} if c.startswith("cjrr21."))
COUNTS = {}  # differential cases per test, printed by the last test

# --------------------------------------------------------------------------------------------
# the oracle


def q(x) -> F:
    """fmpq or Fraction → Fraction."""
    return F(int(x.p), int(x.q)) if isinstance(x, fmpq) else F(x)


def txt(x: F) -> str:
    return f"{x.numerator}/{x.denominator}"


class Shallow:
    """θ in the block layout of spec §2.1."""

    def __init__(self, d, H, theta):
        self.d, self.H, self.th = d, H, [F(t) for t in theta]

    def w(self, i):
        return self.th[i * self.d:(i + 1) * self.d]

    def b(self, i):
        return self.th[self.H * self.d + i]

    def v(self, i):
        return self.th[self.H * (self.d + 1) + i]

    @property
    def c(self):
        return self.th[-1]

    def z(self, i, x):
        return self.b(i) + sum(wj * xj for wj, xj in zip(self.w(i), x))

    def idx_w(self, i, j):
        return i * self.d + j

    def idx_b(self, i):
        return self.H * self.d + i

    def idx_v(self, i):
        return self.H * (self.d + 1) + i


def target_value(tgt, x):
    """tgt: ("const", ξ) or ("pl", [(x_k, y_k)]) (linear interpolation, constant outside)."""
    if tgt[0] == "const":
        return tgt[1]
    ks, t = tgt[1], x[0]
    if t <= ks[0][0]:
        return ks[0][1]
    if t >= ks[-1][0]:
        return ks[-1][1]
    for (x0, y0), (x1, y1) in zip(ks, ks[1:]):
        if x0 <= t <= x1:
            return y0 + (y1 - y0) * (t - x0) / (x1 - x0)


def target_poly(tgt, lo, hi):
    """The target on [lo, hi] (no knot inside) as a polynomial."""
    if tgt[0] == "const":
        return [tgt[1]]
    m = (lo + hi) / 2
    ks = tgt[1]
    if m <= ks[0][0] or len(ks) == 1:
        return [ks[0][1]]
    if m >= ks[-1][0]:
        return [ks[-1][1]]
    for (x0, y0), (x1, y1) in zip(ks, ks[1:]):
        if x0 <= m <= x1:
            s = (y1 - y0) / (x1 - x0)
            return [y0 - s * x0, s]


def kappa(z, k0):
    return F(1) if z > 0 else (F(0) if z < 0 else k0)


def oracle_atoms(net: Shallow, tgt, points, weights, k0):
    """(ℒ, 𝒢) for μ = Σ w_k δ_{x_k}."""
    L, G = F(0), [F(0)] * len(net.th)
    for x, wt in zip(points, weights):
        zs = [net.z(i, x) for i in range(net.H)]
        r = net.c + sum(net.v(i) * max(zs[i], F(0)) for i in range(net.H)) - target_value(tgt, x)
        L += wt * r * r
        for i in range(net.H):
            kp = kappa(zs[i], k0)
            for j in range(net.d):
                G[net.idx_w(i, j)] += wt * 2 * net.v(i) * x[j] * kp * r
            G[net.idx_b(i)] += wt * 2 * net.v(i) * kp * r
            G[net.idx_v(i)] += wt * 2 * max(zs[i], F(0)) * r
        G[-1] += wt * 2 * r
    return L, G


def oracle_interval(net: Shallow, tgt, a, b, density, k0):
    """(ℒ, 𝒢) for density·Lebesgue on [a, b], d = 1."""
    cuts = {a, b}
    for i in range(net.H):
        w = net.w(i)[0]
        if w != 0 and a < -net.b(i) / w < b:
            cuts.add(-net.b(i) / w)
    if tgt[0] == "pl":
        cuts |= {x for x, _ in tgt[1] if a < x < b}
    cuts = sorted(cuts)
    L, G = F(0), [F(0)] * len(net.th)
    for lo, hi in zip(cuts, cuts[1:]):
        m = (lo + hi) / 2
        relus, kaps = [], []
        for i in range(net.H):
            w, bb = net.w(i)[0], net.b(i)
            if w == 0 and bb == 0:  # zero on the whole piece: κ(0) on positive measure
                relus.append([F(0)])
                kaps.append(k0)
            elif bb + w * m > 0:
                relus.append([bb, w])
                kaps.append(F(1))
            else:
                relus.append([F(0)])
                kaps.append(F(0))
        r = [net.c]
        for i in range(net.H):
            r = p_add(r, [net.v(i) * t for t in relus[i]])
        r = p_add(r, [-t for t in target_poly(tgt, lo, hi)])
        L += density * p_int(p_mul(r, r), lo, hi)
        for i in range(net.H):
            G[net.idx_w(i, 0)] += density * 2 * net.v(i) * kaps[i] * p_int(p_mul([F(0), F(1)], r), lo, hi)
            G[net.idx_b(i)] += density * 2 * net.v(i) * kaps[i] * p_int(r, lo, hi)
            G[net.idx_v(i)] += density * 2 * p_int(p_mul(relus[i], r), lo, hi)
        G[-1] += density * 2 * p_int(r, lo, hi)
    return L, G


class Case:
    """A drawn instance: its JSON and the oracle's view of it."""

    def __init__(self, net: Shallow, tgt, measure, params=None):
        self.net, self.tgt, self.measure, self.params = net, tgt, measure, params or {}

    def risk(self, theta=None, k0=F(0)):
        net = self.net if theta is None else Shallow(self.net.d, self.net.H, theta)
        kind = self.measure[0]
        if kind == "atoms":
            return oracle_atoms(net, self.tgt, self.measure[1], self.measure[2], k0)
        a, b = self.measure[1]
        return oracle_interval(net, self.tgt, a, b, F(1) if kind == "lebesgue" else 1 / (b - a), k0)

    @property
    def lam(self):
        kind = self.measure[0]
        if kind == "atoms":
            return sum(self.measure[2], F(0))
        a, b = self.measure[1]
        return b - a if kind == "lebesgue" else F(1)

    @property
    def M(self):
        if self.measure[0] == "atoms":
            return max(abs(t) for p in self.measure[1] for t in p)
        return max(abs(t) for t in self.measure[1])

    def json(self):
        n = self.net
        if self.tgt[0] == "const":
            target = {"kind": "constant", "value": txt(self.tgt[1])}
        else:
            target = {"kind": "piecewise-linear", "knots": [[txt(x), txt(y)] for x, y in self.tgt[1]]}
        kind = self.measure[0]
        if kind == "atoms":
            measure = {"kind": "empirical", "points": [[txt(t) for t in p] for p in self.measure[1]],
                       "weights": [txt(w) for w in self.measure[2]]}
        else:
            measure = {"kind": kind, "box": [[txt(t) for t in self.measure[1]]]}
        return {"network": {"widths": [n.d, n.H, 1], "theta": [txt(t) for t in n.th]}, "target": target,
                "measure": measure, "params": dict(self.params)}


def V(theta, xi):
    return sum(t * t for t in theta) + (theta[-1] - 2 * xi) ** 2


def grad_V(theta, xi):
    g = [2 * t for t in theta]
    g[-1] += 2 * (theta[-1] - 2 * xi)
    return g


def qnorm(G):
    return sum(g * g for g in G) + G[-1] ** 2


# --------------------------------------------------------------------------------------------
# drawing instances (S-PAR × S-EDGE and beyond)


def number(rng, tiny_huge=True):
    u = rng.random()
    if u < 0.3:
        return F(0)
    if tiny_huge and u < 0.36:
        return F(rng.choice([-1, 1]) * rng.randint(1, 9), 10 ** rng.randint(6, 12))
    if tiny_huge and u < 0.42:
        return F(rng.choice([-1, 1]) * rng.randint(10 ** 3, 10 ** 6), rng.randint(1, 3))
    return F(rng.randint(-24, 24), rng.randint(1, 16))


def draw(rng, d=None, atoms=None, constant=True, tiny_huge=True) -> Case:
    d = d or (1 if rng.random() < 0.75 else rng.randint(2, 3))
    atoms = (d > 1 or rng.random() < 0.35) if atoms is None else atoms
    H = rng.randint(1, 4)
    th = [number(rng, tiny_huge) for _ in range(d * H + 2 * H + 1)]
    net = Shallow(d, H, th)
    a = F(rng.randint(-3, 1), rng.randint(1, 3))
    b = a + (F(1, 1000) if rng.random() < 0.1 else F(rng.randint(1, 8), rng.randint(1, 3)))
    for i in range(H):  # S-EDGE
        e = rng.random()
        if e < 0.12:
            for j in range(d):
                th[net.idx_w(i, j)] = F(0)
            th[net.idx_b(i)] = F(0)
        elif e < 0.22 and d == 1 and th[net.idx_w(i, 0)] != 0:
            th[net.idx_b(i)] = -th[net.idx_w(i, 0)] * rng.choice([a, b])  # kink at a box end
        elif e < 0.3 and i > 0:
            s = F(rng.randint(1, 3))
            for j in range(d):
                th[net.idx_w(i, j)] = s * th[net.idx_w(0, j)]
            th[net.idx_b(i)] = s * th[net.idx_b(0)]  # coincident kinks
        elif e < 0.36:
            for j in range(d):
                th[net.idx_w(i, j)] = F(0)  # w = 0: all or nothing
        elif e < 0.42:
            th[net.idx_v(i)] = F(0)
    net = Shallow(d, H, th)
    if atoms:
        pts = [[F(rng.randint(-6, 6), rng.randint(1, 4)) for _ in range(d)] for _ in range(rng.randint(1, 5))]
        for p in pts:  # atoms on kinks
            i = rng.randrange(H)
            if rng.random() < 0.4:
                th[net.idx_b(i)] = -sum(th[net.idx_w(i, j)] * p[j] for j in range(d))
        wts = [F(rng.randint(0, 4), rng.randint(1, 3)) for _ in pts]
        if all(w == 0 for w in wts):
            wts[0] = F(1)
        measure = ("atoms", pts, wts)
    else:
        measure = (rng.choice(["lebesgue", "uniform"]), (a, b))
    net = Shallow(d, H, th)
    if constant or d > 1:
        tgt = ("const", number(rng, tiny_huge))
    else:
        xs = sorted({F(rng.randint(-12, 12), 4) for _ in range(rng.randint(1, 4))})
        tgt = ("pl", [(x, number(rng, False)) for x in xs])
    return Case(net, tgt, measure)


def engine(case: Case, k0, independent=False):
    inst = Instance.from_json(case.json())
    ev = Evaluation(inst, {"deriv0": fmpq(k0.numerator, k0.denominator)}, None, independent=independent)
    rg = ev.risk_grad(inst.net)
    return q(rg.L), [q(g) for g in rg.G]


# --------------------------------------------------------------------------------------------
# (a) differential tests


@pytest.mark.parametrize("seed", range(4))
def test_risk_and_generalized_gradient_match_the_oracle(seed):
    rng = random.Random(1000 + seed)
    n = 0
    for _ in range(600):
        case = draw(rng, constant=rng.random() < 0.6)
        k0 = rng.choice([F(0), F(1), F(1, 2)])
        want = case.risk(k0=k0)
        assert engine(case, k0) == want, case.json()
        n += 1
        if case.measure[0] != "atoms":  # the re-verification engine (E1g)
            assert engine(case, k0, independent=True) == want, case.json()
            n += 1
    COUNTS[f"risk/gradient seed {seed}"] = n


def test_V_and_one_gd_step_match_the_oracle():
    rng = random.Random(7)
    n = 0
    for _ in range(250):
        case = draw(rng)
        gamma = F(rng.randint(-8, 40), rng.randint(1, 64))
        case.params = {"gamma": txt(gamma)}
        L, G = case.risk()
        xi = case.tgt[1]
        th = case.net.th
        new = [t - gamma * g for t, g in zip(th, G)]
        v = verify.check("cjrr21.gd-one-step-expansion", case.json())
        assert v.status == Status.HOLDS, v.to_json()
        r = v.relations[0]
        assert q(r.lhs) == V(new, xi), case.json()  # V(θ − γ𝒢)
        assert q(r.rhs) == V(th, xi) - 8 * gamma * L + gamma ** 2 * qnorm(G)
        assert V(new, xi) == q(r.rhs)  # the expansion, by the oracle alone
        n += 1
    COUNTS["V and one GD step"] = n


def test_identity_and_gradient_bound_values_match_the_oracle():
    rng = random.Random(11)
    n = 0
    for _ in range(150):
        case = draw(rng)
        L, G = case.risk()
        xi = case.tgt[1]
        v = verify.check("cjrr21.lyapunov-identity", case.json())
        assert v.status == Status.HOLDS
        if v.relations[0].lhs is not None and "E4" not in v.relations[0].name:
            assert q(v.relations[0].lhs) == sum(a * g for a, g in zip(grad_V(case.net.th, xi), G))
            assert q(v.relations[0].rhs) == 8 * L
        v = verify.check("cjrr21.gradient-bound", case.json())
        K = 4 * case.lam * ((1 + case.net.d * case.M ** 2) * (sum(t * t for t in case.net.th[:-1])) + 2)
        assert (q(v.relations[0].lhs), q(v.relations[0].rhs)) == (qnorm(G), K * L)
        n += 1
    COUNTS["identity / gradient bound"] = n


# --------------------------------------------------------------------------------------------
# (b) every VIOLATED is confirmed by the oracle; out of scope is never VIOLATED


def _frozen(case: Case):
    """Neurons with pre-activation ≤ 0 on the support (oracle view), or (𝔴_i, 𝔟_i) = 0."""
    net, out = case.net, []
    for i in range(net.H):
        if all(t == 0 for t in net.w(i)) and net.b(i) == 0:
            out.append(i)
            continue
        if case.measure[0] == "atoms":
            pts = case.measure[1]
        else:
            pts = [[t] for t in case.measure[1]]
        if all(net.z(i, p) <= 0 for p in pts):
            out.append(i)
    return out


def _gd(case, theta, gamma, k0=F(0)):
    _, G = case.risk(theta, k0)
    return [t - gamma * g for t, g in zip(theta, G)]


def _param(case, key, default):
    return F(case.params[key]) if key in case.params else default


def _xi(case):
    return case.tgt[1] if case.tgt[0] == "const" else _param(case, "xi", F(0))


def confirm(cid: str, case: Case) -> bool:
    """The oracle's own certificate that the statement of ``cid`` fails on ``case``."""
    net, th, xi = case.net, case.net.th, _xi(case)
    base, _, mutant = cid.partition("~")
    k0 = {"deriv0-closed": F(1), "deriv0-half": F(1, 2)}.get(mutant, F(0))
    L, G = case.risk(k0=k0)
    if base == "cjrr21.lyapunov-identity" and mutant in ("", "any-target"):
        return sum(a * g for a, g in zip(grad_V(th, xi), G)) != 8 * L
    if cid == "cjrr21.lyapunov-identity~no-output-bias":
        return net.c == 0 and sum(2 * t * g for t, g in zip(th[:-1], G[:-1])) != 8 * L
    if cid == "cjrr21.lyapunov-family~weights":
        alpha, beta = _param(case, "alpha", F(2)), _param(case, "beta", F(1))
        gv = [2 * alpha * t for t in th]
        for i in range(net.H):
            gv[net.idx_v(i)] = 2 * beta * th[net.idx_v(i)]
        gv[-1] = 4 * (th[-1] - xi)
        return sum(a * g for a, g in zip(gv, G)) != 8 * L
    if cid == "cjrr21.lyapunov-family~phi-square":
        return sum(2 * t * g for t, g in zip(th, G)) != 8 * L
    if cid == "cjrr21.balancedness~gd":
        gamma = _param(case, "gamma", F(1, 10))
        new = _gd(case, th, gamma)
        B = lambda t, i: sum(t[k] ** 2 for k in [net.idx_w(i, j) for j in range(net.d)] + [net.idx_b(i)]) \
            - t[net.idx_v(i)] ** 2  # noqa: E731
        return any(B(new, i) != B(th, i) for i in range(net.H))
    if cid == "cjrr21.gradient-bound~no-constant-term":
        Kp = 4 * case.lam * (1 + net.d * case.M ** 2) * sum(t * t for t in th[:-1])
        return qnorm(G) > Kp * L
    if base == "cjrr21.degenerate-frozen" and mutant:
        frozen = _frozen(case)
        ks = [k for i in frozen for k in [net.idx_w(i, j) for j in range(net.d)] + [net.idx_b(i), net.idx_v(i)]]
        if any(G[k] != 0 for k in ks):
            return True
        cur, gamma = th, _param(case, "gamma", F(1, 10))
        for _ in range(int(case.params.get("steps", 2))):
            cur = _gd(case, cur, gamma, k0)
        return any(cur[k] != th[k] for k in ks)
    if cid == "cjrr21.gd-lyapunov-decrease~no-step-bound":
        gamma = _param(case, "gamma", None)
        steps = int(case.params.get("steps", 20))
        if gamma is None or gamma <= 0:
            return False
        cur = th
        for _ in range(min(steps, 4)):  # exact GD: a VIOLATED never rests on a rounded iterate
            new = _gd(case, cur, gamma)
            if V(new, xi) > V(cur, xi):
                return True
            cur = new
        return False
    if cid == "cjrr21.gd-risk-to-zero~step-one-over-lambda":
        gamma = _param(case, "gamma", None)
        if gamma is None or not 0 < gamma <= 1 / case.lam:
            return False
        seen, cur = [], th
        for _ in range(int(case.params.get("steps", 6))):
            if cur in seen:
                return case.risk(cur)[0] > 0
            seen.append(cur)
            cur = _gd(case, cur, gamma)
        return False
    if cid == "cjrr21.gradient-formula~everywhere":
        # an exact difference quotient at t = ±10⁻⁸⁰ farther than 10⁻³⁰ from 𝒢_k: ℒ is not differentiable with ∇ℒ = 𝒢
        t = F(1, 10 ** 80)
        for k in range(len(th)):
            for s in (t, -t):
                e = list(th)
                e[k] += s
                dq = (case.risk(e)[0] - L) / s
                if abs(dq - G[k]) > F(1, 10 ** 30):  # dq − D^±ℒ = O(t)
                    return True
        return False
    if cid in GD_KINDS:
        return confirm_gd(GD_KINDS[cid], case)
    if cid == "cjrr21.no-spurious-critical-points~any-target":
        return all(g == 0 for g in G) and L != 0
    return False  # the registered claims are theorems: no oracle certificate of a failure exists


GD_KINDS = {"cjrr21.gd-lyapunov-decrease": "decrease", "cjrr21.gd-bounded": "bounded",
            "cjrr21.gd-summable": "summable", "cjrr21.gd-minrate": "minrate"}


def confirm_gd(kind, case: Case) -> bool:
    """Statements (a)-(d) on the exact GD trajectory, under the step hypothesis 0 < γ ≤ bound
    (γ̄ from the definitions, or the user's params.step_bound under @step-paper)."""
    if case.tgt[0] != "const":
        return False
    th, xi, d = case.net.th, case.tgt[1], case.net.d
    V0 = V(th, xi)
    gbar = 1 / (case.lam * ((1 + d * case.M ** 2) * V0 + 2))
    gamma = _param(case, "gamma", gbar)
    bound = _param(case, "step_bound", gbar)
    if not 0 < gamma <= bound:
        return False
    cur, total, gsum, Ls = th, F(0), F(0), []
    for _ in range(min(int(case.params.get("steps", 20)), 4)):  # VIOLATED rests on exact iterates only
        L, G = case.risk(cur)
        new = [t - gamma * g for t, g in zip(cur, G)]
        Ls.append(L)
        total, gsum = total + gamma * L, gsum + gamma
        if kind == "decrease" and V(new, xi) > V(cur, xi) - 4 * gamma * L:
            return True
        if kind == "bounded" and (V(new, xi) > V0 or sum(t * t for t in new) > V(new, xi)):
            return True
        if kind == "summable" and total > (V0 - 2 * xi * xi) / 4:
            return True
        if kind == "minrate" and min(Ls) > (V0 - 2 * xi * xi) / (4 * gsum):
            return True
        cur = new
    return False


CONSTANT_TARGET = {"cjrr21.gradient-formula", "cjrr21.gradient-formula~everywhere", "cjrr21.degenerate-frozen",
                   "cjrr21.degenerate-frozen~deriv0-closed", "cjrr21.degenerate-frozen~deriv0-half",
                   "cjrr21.lyapunov-identity~any-target", "cjrr21.no-spurious-critical-points~any-target",
                   "cjrr21.lyapunov-identity~two-hidden-layers"}  # claims that allow other targets


def hostile_params(rng, case):
    p = {}
    if rng.random() < 0.7:
        p["steps"] = rng.randint(1, 3)
    if rng.random() < 0.6:
        p["gamma"] = txt(rng.choice([F(0), F(-1, 3), F(rng.randint(1, 40), rng.randint(1, 20)), F(1, 10 ** 9)]))
    if rng.random() < 0.2:
        p["step_bound"] = txt(F(rng.randint(1, 30), 10))
    if rng.random() < 0.2:
        p["alpha"], p["beta"] = txt(number(rng, False)), txt(number(rng, False))
    if rng.random() < 0.15:
        p["rounding_bits"] = rng.choice([None, 8, 64])
    return p


def _run(cid, inst):
    try:
        return verify.check(cid, inst)
    except InputError:
        return None


def test_every_violated_is_confirmed_by_the_oracle():
    rng = random.Random(2026)
    n = violated = 0
    for k in range(150):
        case = draw(rng, constant=k % 3 != 0, tiny_huge=k % 4 != 0)
        case.params = hostile_params(rng, case)
        for cid in IDS:
            if cid.endswith("softplus") or cid.endswith("two-hidden-layers"):
                continue  # other activations / depths: checked on their witnesses in test_cjrr21
            variants = []
            if cid.startswith("cjrr21.gd-") and "step_bound" in case.params and "~" not in cid:
                variants = ["@step-paper"]
            v = _run(cid + "".join(variants), case.json())
            n += 1
            if v is None:
                continue
            if v.status == Status.VIOLATED:
                violated += 1
                if variants:  # the user's constant is what a step-paper VIOLATED refutes
                    assert any("user" in note for note in v.notes), v.notes
                assert confirm(cid, case), (cid, case.json(), v.to_json())
            if case.tgt[0] != "const" and cid not in CONSTANT_TARGET:
                assert v.status == Status.HOLDS and v.vacuous, (cid, v.to_json())
    COUNTS["broad generator (claim, instance) checks"] = n
    COUNTS["  of which VIOLATED, all confirmed"] = violated
    assert violated > 100  # the generator reaches the planted violations


def test_out_of_scope_shapes_are_input_errors_or_vacuous():
    deep = {"network": {"widths": [1, 1, 1, 1], "theta": ["0", "1", "1", "0", "1", "0"]},
            "target": {"kind": "constant", "value": "0"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}
    dag = {"network": {"kind": "mlp", "widths": [1, 2, 1], "W": [[["1", "-1"]], [["1"], ["1"]]],
                       "b": [["0", "1"], ["0"]]},
           "target": {"kind": "constant", "value": "0"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}
    zero = {"network": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]}, "target": {"kind": "constant", "value": "1"},
            "measure": {"kind": "density", "pieces": [{"interval": ["0", "1"], "coefficients": ["0"]}]}}
    n = 0
    for inst in (deep, dag, zero):
        for cid in IDS:
            if cid.endswith("two-hidden-layers"):
                continue
            try:
                v = verify.check(cid, inst)
            except InputError:
                n += 1
                continue
            n += 1
            assert v.status != Status.VIOLATED, (cid, inst, v.to_json())
    assert n == 3 * (len(IDS) - 1)


def test_resource_limits_are_refused_or_named():
    inst = {"network": {"widths": [1, 2, 1], "theta": ["1/3", "-1/7", "2/3", "1/5", "3/7", "-5/11", "1/7"]},
            "target": {"kind": "constant", "value": "1"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}
    with pytest.raises(InputError, match="params.rounding_bits = 100000 exceeds the limit 4096"):
        verify.check("cjrr21.gd-lyapunov-decrease", dict(inst, params={"steps": 5, "rounding_bits": 100000}))
    with pytest.raises(InputError, match="10000"):
        verify.check("cjrr21.gd-bounded", dict(inst, params={"steps": 10001}))
    v = verify.check("cjrr21.gd-lyapunov-decrease", dict(inst, params={"steps": 60, "rounding_bits": None}))
    assert v.status == Status.UNKNOWN
    assert any(r.op == "?" and "limit 32768" in r.note for r in v.relations)
    assert any("GD mode: exact iterates" in note for note in v.notes)
    v = verify.check("cjrr21.degenerate-frozen", dict(inst, params={"steps": 50, "rounding_bits": None}))
    assert v.status in (Status.UNKNOWN, Status.HOLDS)  # HOLDS only vacuously: no neuron is frozen here
    frozen = dict(inst, network={"widths": [1, 2, 1], "theta": ["0", "-1/7", "0", "1/5", "3/7", "-5/11", "1/7"]})
    v = verify.check("cjrr21.degenerate-frozen", dict(frozen, params={"steps": 50, "rounding_bits": None}))
    assert v.status == Status.UNKNOWN and any("limit" in r.note for r in v.relations if r.op == "?")
    v = verify.check("cjrr21.degenerate-frozen", dict(frozen, params={"steps": 50}))
    assert v.status == Status.HOLDS and any("rounded trajectory" in note for note in v.notes)


def test_step_paper_violation_names_the_users_constant():
    """P7's periodic orbit under @step-paper with step_bound 1: the user's constant is refuted."""
    from verify.cjrr21.claims import P7

    inst = dict(P7, params={**P7["params"], "step_bound": "1"})
    v = verify.check("cjrr21.gd-risk-to-zero@step-paper", inst)
    assert v.status == Status.VIOLATED
    assert any("user-supplied constant" in note and "not the paper's theorem" in note for note in v.notes)
    # a gammas list has no specified continuation: no periodic-orbit certificate
    inst = dict(P7, params={"gammas": ["1"] * 5, "steps": 4, "step_bound": "1"})
    assert verify.check("cjrr21.gd-risk-to-zero@step-paper", inst).status == Status.UNKNOWN


def test_zz_report_counts(capsys):
    with capsys.disabled():
        print("\ncjrr21 oracle cases:", COUNTS, "total differential:",
              sum(v for k, v in COUNTS.items() if not k.startswith(" ") and "broad" not in k))


def test_failures_at_rounded_iterates_are_unknown_not_violated():
    """P6-like run with γ = 3 rounded to 2^-8: the failure at the exact step 0 is VIOLATED (confirmed
    by the oracle), the failures at the rounded iterates Θ_1, Θ_2, … are UNKNOWN with the reason."""
    case = Case(Shallow(1, 1, [F(1, 3), F(-1, 7), F(2, 3), F(1, 5)]), ("const", F(1)), ("lebesgue", (F(0), F(1))),
                {"steps": 4, "gamma": "3", "rounding_bits": 8})
    v = verify.check("cjrr21.gd-lyapunov-decrease~no-step-bound", case.json())
    assert v.status == Status.VIOLATED and confirm("cjrr21.gd-lyapunov-decrease~no-step-bound", case)
    first, rest = v.relations[0], v.relations[1:]
    assert first.status == Status.VIOLATED
    assert q(first.lhs) == V(_gd(case, case.net.th, F(3)), F(1)) and q(first.rhs) == V(case.net.th, F(1))
    assert rest and all(r.status == Status.UNKNOWN and "rounded" in r.note for r in rest if r.op != "?")
