"""Independent oracle for ejrw22 (issue 14): exact `fractions.Fraction` risk, generalized gradient and flow
fields of 1-H-1 ReLU networks, written from the definitions of spec §2.2-§2.4 and sharing no code with
`verify`'s engines, compared with every engine; and a broad instance generator (neurons at (w, b) = (0, 0),
v = 0, w = 0, kinks on A and B and on atoms, tiny and huge numbers, out-of-scope shapes) on which every
VIOLATED of an ejrw22 claim or planted violation must be confirmed by the oracle, every out-of-scope instance
must be vacuous or an input error, and no boundedness claim may return HOLDS from a start where the flow is
not unique.

Definitions (spec §2.2, §2.3): 𝒩^θ(x) = c + Σ_i v_i max(w_i x + b_i, 0) on [A, B]; ℒ(θ) = ∫ (𝒩^θ − f)² dμ with
μ = p(x)dx (p ≡ 1 for "lebesgue") or Σ m_k δ_{x_k}; with I_i = {w_i x + b_i > 0} (ReLU'(0) = 0):
𝒢_{w_i} = 2v_i∫_{I_i} x r dμ, 𝒢_{b_i} = 2v_i∫_{I_i} r dμ, 𝒢_{v_i} = 2∫ max(w_i x + b_i, 0) r dμ, 𝒢_c = 2∫ r dμ.
Normalized field on M_A (§2.4): u_i' = −(g_i − ⟨g_i, u_i⟩u_i), v_i' = −𝒢_{v_i}, c' = −𝒢_c.
"""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

import verify
from oracle_poly import p_add, p_int, p_mul
from verify.errors import InputError

# --------------------------------------------------------------------------------------------
# the oracle: polynomials as lists of Fractions, exact piecewise integration


def p_val(a, x):
    return sum((c * x ** k for k, c in enumerate(a)), F(0))


class Oracle:
    """One instance: H, θ = (w, b, v, c) as Fractions, the target on [A, B] as polynomial pieces, and the
    measure as density pieces [(lo, hi, coefficients)] or atoms [(x, mass)]."""

    def __init__(self, inst: dict):
        th = [F(t) for t in inst["network"]["theta"]]
        self.H = H = inst["network"]["widths"][1]
        self.w, self.b, self.v, self.c = th[:H], th[H:2 * H], th[2 * H:3 * H], th[3 * H]
        m = inst["measure"]
        self.atoms = None
        if m["kind"] == "empirical":
            pts = [F(p[0]) for p in m["points"]]
            ws = [F(x) for x in m.get("weights", [F(1, len(pts))] * len(pts))]
            self.atoms = list(zip(pts, ws))
            self.A, self.B = min(pts), max(pts)
            self.dens = []
        elif m["kind"] == "lebesgue":
            (a, b), = m["box"]
            self.A, self.B = F(a), F(b)
            self.dens = [(self.A, self.B, [F(1)])]
        else:
            self.dens = [(F(pc["interval"][0]), F(pc["interval"][1]), [F(x) for x in pc["coefficients"]])
                         for pc in m["pieces"]]
            self.A, self.B = self.dens[0][0], self.dens[-1][1]
        t = inst["target"]
        if t["kind"] == "constant":
            self.fknots, self.fpieces = [], lambda lo, hi: [F(t["value"])]
        elif t["kind"] == "polynomial":
            co = [F(x) for x in t["coefficients"]]
            self.fknots, self.fpieces = [], lambda lo, hi: co
        else:
            ks = [(F(x), F(y)) for x, y in t["knots"]]
            assert ks[0][0] <= self.A and ks[-1][0] >= self.B, "oracle: knots must cover [A, B]"
            self.fknots = [x for x, _ in ks]

            def piece(lo, hi):
                mid = (lo + hi) / 2
                for (x0, y0), (x1, y1) in zip(ks, ks[1:]):
                    if x0 <= mid <= x1:
                        s = (y1 - y0) / (x1 - x0)
                        return [y0 - s * x0, s]
                raise AssertionError("oracle: point outside the knots")
            self.fpieces = piece

    def f(self, x):
        return p_val(self.fpieces(x, x), x) if not self.fknots else self._fpl(x)

    def _fpl(self, x):
        ks = self.fknots
        for lo, hi in zip(ks, ks[1:]):
            if lo <= x <= hi:
                return p_val(self.fpieces(lo, hi), x)
        raise AssertionError

    def N(self, x):
        return self.c + sum(v * max(w * x + b, F(0)) for w, b, v in zip(self.w, self.b, self.v))

    def pieces(self, extra=()):
        """[A, B] cut at the density breakpoints, target knots, kinks and ``extra``; per piece the
        residual polynomial r, the density polynomial p and the active set (decided at the midpoint)."""
        cuts = {self.A, self.B} | {lo for lo, _, _ in self.dens} | set(extra)
        cuts |= {k for k in self.fknots}
        cuts |= {-b / w for w, b in zip(self.w, self.b) if w != 0}
        cuts = sorted(x for x in cuts if self.A <= x <= self.B)
        for lo, hi in zip(cuts, cuts[1:]):
            mid = (lo + hi) / 2
            p = next(co for l_, h_, co in self.dens if l_ <= mid <= h_)
            act = [w * mid + b > 0 for w, b in zip(self.w, self.b)]
            r = [self.c, F(0)]
            for a, w, b, v in zip(act, self.w, self.b, self.v):
                if a:
                    r = p_add(r, [v * b, v * w])
            r = p_add(r, [-q for q in self.fpieces(lo, hi)])
            yield lo, hi, r, p, act

    def integrate(self, fn_poly, fn_atom):
        """∫ g dμ where g is a polynomial per piece (``fn_poly(r, act)``) or a value at an atom."""
        if self.atoms is not None:
            return sum((m * fn_atom(x) for x, m in self.atoms), F(0))
        return sum((p_int(p_mul(fn_poly(r, act), p), lo, hi) for lo, hi, r, p, act in self.pieces()), F(0))

    def risk_grad(self):
        H = self.H
        if self.atoms is not None:
            L = sum((m * (self.N(x) - self.f(x)) ** 2 for x, m in self.atoms), F(0))
            G = [F(0)] * (3 * H + 1)
            for x, m in self.atoms:
                r = self.N(x) - self.f(x)
                for i in range(H):
                    z = self.w[i] * x + self.b[i]
                    if z > 0:
                        G[i] += 2 * m * self.v[i] * x * r
                        G[H + i] += 2 * m * self.v[i] * r
                        G[2 * H + i] += 2 * m * z * r
                G[3 * H] += 2 * m * r
            return L, G
        L = F(0)
        G = [F(0)] * (3 * H + 1)
        for lo, hi, r, p, act in self.pieces():
            rp = p_mul(r, p)
            L += p_int(p_mul(r, rp), lo, hi)
            m0, m1 = p_int(rp, lo, hi), p_int(p_mul([F(0), F(1)], rp), lo, hi)
            for i in range(H):
                if act[i]:
                    G[i] += 2 * self.v[i] * m1
                    G[H + i] += 2 * self.v[i] * m0
                    G[2 * H + i] += 2 * (self.w[i] * m1 + self.b[i] * m0)
            G[3 * H] += 2 * m0
        return L, G

    def field(self, flow, G=None):
        H = self.H
        G = G if G is not None else self.risk_grad()[1]
        Fv = [-g for g in G]
        if flow == "normalized":
            for i in range(H):
                s = self.w[i] * G[i] + self.b[i] * G[H + i]
                Fv[i] = -G[i] + s * self.w[i]
                Fv[H + i] = -G[H + i] + s * self.b[i]
        return Fv

    def mass(self):
        return self.integrate(lambda r, act: [F(1)], lambda x: F(1))

    def moment(self, k, sign=0):
        """∫ x^k r dμ, restricted to x > 0 (sign 1) or x < 0 (sign −1)."""
        def poly(r, act):
            return p_mul([F(0)] * k + [F(1)], r)
        if self.atoms is not None:
            return sum((m * x ** k * (self.N(x) - self.f(x)) for x, m in self.atoms
                        if sign == 0 or (x > 0 if sign > 0 else x < 0)), F(0))
        total = F(0)
        for lo, hi, r, p, act in self.pieces(extra=(F(0),)):
            mid = (lo + hi) / 2
            if sign == 0 or (mid > 0 if sign > 0 else mid < 0):
                total += p_int(p_mul(poly(r, act), p), lo, hi)
        return total

    def singular(self):
        return [i for i in range(self.H) if self.w[i] == 0 and self.b[i] == 0 and self.v[i] != 0]

    def on_circle(self):
        return all(w * w + b * b == 1 for w, b in zip(self.w, self.b))


def _fr(q):
    return F(int(q.p), int(q.q))


# --------------------------------------------------------------------------------------------
# the broad generator


def _t(x):
    return str(F(x))


def draw_instance(rng: random.Random, atoms_ok=True) -> dict:
    """A 1-H-1 instance with the edge cases of issue 14 (exact, JSON)."""
    H = rng.choice([1, 1, 1, 2, 3])
    A = F(rng.choice([0, -1, 1, -2])) + rng.choice([F(0), F(1, 3)])
    B = A + rng.choice([F(1), F(2), F(1, 2), F(1, 10 ** 6)])
    huge, tiny = F(10) ** rng.choice([6, 20]), F(1, 10 ** rng.choice([6, 20]))
    ns = []
    for _ in range(H):
        kind = rng.choice(["circle", "circle", "scaled", "singular", "zero", "w0", "kinkA", "kinkB", "dead", "huge"])
        v = F(rng.randint(-6, 6), rng.randint(1, 4))
        if kind in ("circle", "scaled", "huge"):
            t = rng.choice([F(rng.randint(-8, 8), rng.randint(1, 8)), F(1) + tiny, -F(1) - tiny, tiny, huge])
            w, b = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
            if kind == "scaled":
                s = F(rng.randint(1, 6), rng.randint(1, 3))
                w, b = w * s, b * s
            if kind == "huge":
                v = rng.choice([huge, -huge, tiny, -tiny])
        elif kind == "singular":
            w, b, v = F(0), F(0), v or F(1)
        elif kind == "zero":
            w, b, v = F(0), F(0), F(0)
        elif kind == "w0":
            w, b = F(0), F(rng.randint(-2, 2))
        elif kind in ("kinkA", "kinkB"):
            w = rng.choice([F(3, 5), F(-3, 5), F(1), F(-1)])
            b = -w * (A if kind == "kinkA" else B)
        else:  # dead on [A, B]
            w = rng.choice([F(1), F(-1)])
            b = -w * (B if w > 0 else A) - rng.choice([F(0), F(1, 2)])
        ns.append((w, b, v))
    c = rng.choice([F(rng.randint(-4, 4), 2), huge, -tiny])
    theta = [n[0] for n in ns] + [n[1] for n in ns] + [n[2] for n in ns] + [c]
    tk = rng.choice(["constant", "affine", "zigzag"])
    if tk == "constant":
        target = {"kind": "constant", "value": _t(F(rng.randint(-3, 3), 2))}
    elif tk == "affine":
        target = {"kind": "polynomial", "coefficients": [_t(F(rng.randint(-3, 3), 2)), _t(F(rng.randint(-4, 4), 2))]}
    else:
        kinks = [-b / w for w, b, _ in ns if w != 0 and A < -b / w < B]
        mid = kinks[0] if kinks and rng.random() < 0.5 else (A + B) / 2
        target = {"kind": "piecewise-linear", "knots": [[_t(A), "0"], [_t(mid), _t(F(rng.randint(1, 6), 2))],
                                                        [_t(B), "0"]]}
    mk = rng.choice(["lebesgue", "density", "linear", "atoms"] if atoms_ok else ["lebesgue", "density", "linear"])
    if mk == "lebesgue":
        measure = {"kind": "lebesgue", "box": [[_t(A), _t(B)]]}
    elif mk == "density":
        cut = A + (B - A) * F(rng.randint(1, 7), 8)
        measure = {"kind": "density", "pieces": [{"interval": [_t(A), _t(cut)], "coefficients": ["1"]},
                                                 {"interval": [_t(cut), _t(B)], "coefficients": [_t(
                                                     rng.choice([F(1, 10 ** 12), F(3), F(0)]))]}]}
    elif mk == "linear":
        measure = {"kind": "density", "pieces": [{"interval": [_t(A), _t(B)], "coefficients": [_t(1 - A), "1"]}]}
    else:
        pts = [-b / w for w, b, _ in ns if w != 0 and A <= -b / w <= B] + [A, (A + B) / 2]
        measure = {"kind": "empirical", "points": [[_t(x)] for x in pts],
                   "weights": [_t(F(rng.randint(1, 3))) for _ in pts]}
    return {"network": {"widths": [1, H, 1], "theta": [_t(x) for x in theta]}, "target": target, "measure": measure}


# --------------------------------------------------------------------------------------------
# (a) differential tests: oracle against the engines

N_DIFF = 5000


def _engines(inst):
    """(name, ℒ, 𝒢) from every exact engine that accepts the instance."""
    from verify.framework import Evaluation, Instance

    I = Instance.from_json(inst)
    out = []
    for indep in (False, True):
        rg = Evaluation(I, {}, None, independent=indep).risk_grad(I.net)
        out.append((rg.engine + ("-indep" if indep else ""), _fr(rg.L), [_fr(g) for g in rg.G]))
    return I, out


def test_risk_gradient_and_fields_against_the_oracle():
    """ℒ, 𝒢 from the default and the independent exact engine, the exact flow fields of `verify.flows`, and
    its certified box enclosures, against the oracle on N_DIFF drawn instances (exact equality; the
    enclosures must contain the oracle's values)."""
    from flint import arb, fmpq

    from verify.flows import FlowSystem
    from verify.numbers import contains, precision

    rng = random.Random(14)
    cases = 0
    for _ in range(N_DIFF):
        inst = draw_instance(rng)
        orc = Oracle(inst)
        L, G = orc.risk_grad()
        I, engines = _engines(inst)
        for name, Le, Ge in engines:
            assert (Le, Ge) == (L, G), (name, inst)
            cases += 1
        if orc.atoms is not None:
            continue
        system = FlowSystem(I.target, I.measure, orc.H)
        Ls, Gs = system.risk_gradient_exact(I.net.theta)
        assert (_fr(Ls), [_fr(g) for g in Gs]) == (L, G)
        for flow in ("standard", "normalized"):
            Fo = orc.field(flow, G)
            assert [_fr(x) for x in system.field_exact(I.net.theta, flow, check=False)] == Fo, (flow, inst)
            with precision(128):
                box = [arb(fmpq(t.numerator, t.denominator)) for t in
                       [*orc.w, *orc.b, *orc.v, orc.c]]
                enc = system.field_enclosure(box, flow)
                assert all(contains(e, fmpq(x.numerator, x.denominator)) for e, x in zip(enc, Fo)), (flow, inst)
                assert contains(system.risk_enclosure(box), fmpq(L.numerator, L.denominator))
            cases += 3
    print(f"\nejrw22 oracle: {cases} differential comparisons on {N_DIFF} instances")
    assert cases >= 4 * N_DIFF


def test_box_enclosures_contain_the_oracle_at_interior_points():
    """The enclosure over a box θ ± δ contains the oracle's field at random rational points of the box (the
    box may straddle a kink, an endpoint or the singular set)."""
    from flint import arb, fmpq

    from verify.framework import Instance
    from verify.flows import FlowSystem
    from verify.numbers import contains, precision

    rng = random.Random(1414)
    cases = 0
    for _ in range(400):
        inst = draw_instance(rng, atoms_ok=False)
        I = Instance.from_json(inst)
        th = [F(t) for t in inst["network"]["theta"]]
        if max(abs(t) for t in th) > 10 ** 5:
            continue
        delta = rng.choice([F(1, 1000), F(1, 10 ** 6)])
        system = FlowSystem(I.target, I.measure, len(th) // 3)
        with precision(128):
            box = [arb(fmpq(t.numerator, t.denominator)).union(arb(fmpq((t + delta).numerator, (t + delta).denominator)))
                   .union(arb(fmpq((t - delta).numerator, (t - delta).denominator))) for t in th]
            for flow in ("standard", "normalized"):
                enc = system.field_enclosure(box, flow)
                for _ in range(3):
                    pt = [t + delta * F(rng.randint(-8, 8), 8) for t in th]
                    inner = {**inst, "network": {**inst["network"], "theta": [_t(x) for x in pt]}}
                    Fo = Oracle(inner).field(flow)
                    assert all(contains(e, fmpq(x.numerator, x.denominator)) for e, x in zip(enc, Fo)), (flow, inner)
                    cases += 1
    assert cases >= 300


# --------------------------------------------------------------------------------------------
# (b) every VIOLATED confirmed by the oracle; scope; uniqueness


def _psi_exact(orc):
    """Ψ on M_A with exact square roots, or None if some ρ_i is irrational."""
    from math import isqrt

    out = []
    for w, b, v in zip(orc.w, orc.b, orc.v):
        sq = w * w + b * b
        n, d = isqrt(sq.numerator), isqrt(sq.denominator)
        if n * n != sq.numerator or d * d != sq.denominator:
            return None
        rho = F(n, d)
        out.append((w / rho, b / rho, v * rho) if rho else (F(0), F(1), F(0)))
    return out


def _lipschitz_and_bounded_scope(inst, orc, H1=True):
    return (orc.atoms is None and (not H1 or orc.H == 1) and inst["network"]["widths"][0] == 1)


def _sup_certified(orc, G):
    """The oracle's closed-form sup_t|Θ_t|_∞ along the stationary or dead solution, else None."""
    top = max(abs(x) for x in [*orc.w, *orc.b, *orc.v, orc.c])
    if all(g == 0 for g in G):
        return top
    if all(max(w * orc.A, w * orc.B) + b <= 0 for w, b in zip(orc.w, orc.b)):
        m = orc.c - orc.moment(0) / orc.mass()  # dead: r = c − f, so ∫f dμ/∫dμ = c − ∫r dμ/∫dμ
        return max(top, abs(m))
    return None


def _lyapunov_within(orc, case, cid, bound) -> bool:
    """For a constant target f ≡ a: the oracle's own bound from W_0 = |v|² + (c − a)² is ≤ ``bound``
    (|v_i|, |c − a| ≤ √W_0; |u_i| ≤ 1 on M_A, |u_i|² ≤ κ_i + W_0 for the standard flow), exactly."""
    t = case["target"]
    if t.get("kind") != "constant":
        return False
    a = F(t["value"])
    W0 = sum((v * v for v in orc.v), F(0)) + (orc.c - a) ** 2
    if bound < abs(a) or (bound - abs(a)) ** 2 < W0:
        return False
    if cid == "ejrw22.open-standard-gf":
        return all(w * w + b * b - v * v + W0 <= bound * bound for w, b, v in zip(orc.w, orc.b, orc.v))
    return bound >= 1


def confirm(cid, inst, params) -> bool:
    """Does the oracle certify that the statement of ``cid`` fails on the instance?"""
    orc = Oracle(inst)
    L, G = orc.risk_grad()
    H = orc.H
    u = lambda i: (orc.w[i], orc.b[i])  # noqa: E731
    g = lambda i: (G[i], G[H + i])  # noqa: E731
    dot = lambda a, b: sum((x * y for x, y in zip(a, b)), F(0))  # noqa: E731
    if cid == "ejrw22.kappa-conservation~normalized":
        return orc.on_circle() and any(orc.v[i] * G[2 * H + i] != 0 for i in range(H))
    if cid == "ejrw22.kappa-conservation~sphere-under-standard":
        return orc.on_circle() and any(dot(u(i), g(i)) != 0 for i in range(H))
    if cid == "ejrw22.energy-identity~full-gradient":
        return orc.on_circle() and any(dot(u(i), g(i)) != 0 for i in range(H))
    if cid == "ejrw22.energy-identity~gd-monotone":
        eta = F(params["eta"])
        if not orc.on_circle():
            return False
        Fv = orc.field("normalized", G)
        nxt = {**inst, "network": {**inst["network"], "theta": [_t(x + eta * f) for x, f in
                                                                 zip([*orc.w, *orc.b, *orc.v, orc.c], Fv)]}}
        img = _psi_exact(Oracle(nxt))
        if img is None:
            return False
        th = [n[0] for n in img] + [n[1] for n in img] + [n[2] for n in img] + [F(nxt["network"]["theta"][-1])]
        return Oracle({**inst, "network": {**inst["network"], "theta": [_t(x) for x in th]}}).risk_grad()[0] > L
    if cid == "ejrw22.generalized-gradient~gradient-continuous":
        # at θ + εe_{b_i}, ε ↓ 0: neuron i active everywhere, so 𝒢_{w_i} → 2v_i∫x r, 𝒢_{b_i} → 2v_i∫r
        return any(orc.v[i] * orc.moment(0) != 0 or orc.v[i] * orc.moment(1) != 0 for i in orc.singular())
    if cid == "ejrw22.generalized-gradient~differentiable-everywhere":
        # one-sided derivatives at (w_i, b_i) = (0, 0): D^±_b = 2v_i∫r·1{±}, D^±_w = 2v_i∫ max(±x, 0)·(±1) r
        for i in orc.singular():
            if orc.v[i] * orc.moment(0) != 0 or orc.moment(1, 1) != orc.moment(1, -1):
                return True
        if orc.atoms is not None:  # a kink on an atom: D^±_{b_i} differ by 2v_i·m·r(x) at that atom
            for i in range(H):
                for x, m in orc.atoms:
                    if orc.w[i] * x + orc.b[i] == 0 and orc.v[i] * m * (orc.N(x) - orc.f(x)) != 0:
                        return True
        return False
    if cid in ("ejrw22.bounded-gf-h1~uniform-bound",):
        return (_lipschitz_and_bounded_scope(inst, orc) and orc.on_circle() and all(x == 0 for x in G)
                and max(abs(x) for x in [*orc.w, *orc.b, *orc.v, orc.c]) > F(params["C"]))
    if cid == "ejrw22.bounded-gf-h1~coercive-sublevel":
        return (orc.H == 1 and orc.on_circle() and L <= F(params.get("lambda", 0))
                and max(abs(x) for x in [*orc.w, *orc.b, *orc.v, orc.c]) > F(params["bound"]))
    if cid in ("ejrw22.bounded-gf-h1", "ejrw22.open-standard-gf"):
        if "bound" not in params or not _lipschitz_and_bounded_scope(inst, orc):
            return False
        if cid == "ejrw22.bounded-gf-h1" and not orc.on_circle():
            return False
        if max(abs(x) for x in [*orc.w, *orc.b, *orc.v, orc.c]) > F(params["bound"]):
            return True  # every solution starts at θ_0: sup_t |Θ_t|_∞ ≥ |θ_0|_∞
        sup = _sup_certified(orc, G)
        return sup is not None and sup > F(params["bound"])
    if cid == "ejrw22.critical-points-coincide":
        PG = [-x for x in orc.field("normalized", G)]
        return orc.on_circle() and all(x == 0 for x in PG) != all(x == 0 for x in G)
    if cid == "ejrw22.euler-identity":
        return any(dot(u(i), g(i)) != orc.v[i] * G[2 * H + i] for i in range(H))
    if cid == "ejrw22.kappa-conservation":
        return any(dot(u(i), g(i)) != orc.v[i] * G[2 * H + i] for i in range(H))
    # identities the oracle knows to hold (generalized-gradient, projected-field, energy-identity,
    # kink-geometry, submanifold, index-layout, ...): no VIOLATED can be confirmed
    return False


CHECKED = ["ejrw22.euler-identity", "ejrw22.kappa-conservation", "ejrw22.critical-points-coincide",
           "ejrw22.projected-field", "ejrw22.energy-identity", "ejrw22.kink-geometry", "ejrw22.generalized-gradient",
           "ejrw22.submanifold", "ejrw22.bounded-gf-h1", "ejrw22.open-standard-gf",
           "ejrw22.kappa-conservation~normalized", "ejrw22.kappa-conservation~sphere-under-standard",
           "ejrw22.energy-identity~full-gradient", "ejrw22.energy-identity~gd-monotone",
           "ejrw22.generalized-gradient~gradient-continuous", "ejrw22.generalized-gradient~differentiable-everywhere",
           "ejrw22.bounded-gf-h1~uniform-bound", "ejrw22.bounded-gf-h1~coercive-sublevel"]
PARAMS = {"ejrw22.energy-identity~gd-monotone": {"eta": "2"}, "ejrw22.bounded-gf-h1~uniform-bound": {"C": "1"},
          "ejrw22.bounded-gf-h1~coercive-sublevel": {"bound": "1", "lambda": "1"},
          "ejrw22.bounded-gf-h1": {"bound": "1", "certify_seconds": "0"},
          "ejrw22.open-standard-gf": {"bound": "1", "certify_seconds": "0"}}
BOUNDEDNESS = ("ejrw22.bounded-gf-h1", "ejrw22.open-standard-gf")


def _check(cid, inst):
    try:
        return verify.check(cid, inst)
    except InputError:
        return None


def _on_circle_variant(rng, inst):
    """The same instance with every neuron moved to a rational point of the unit circle (so that the
    normalized claims are in scope), keeping singular neurons off it half of the time."""
    H = inst["network"]["widths"][1]
    th = [F(t) for t in inst["network"]["theta"]]
    for i in range(H):
        if th[i] == 0 and th[H + i] == 0 and rng.random() < 0.5:
            continue
        t = F(rng.randint(-5, 5), rng.randint(1, 5))
        th[i], th[H + i] = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
    return {**inst, "network": {**inst["network"], "theta": [_t(x) for x in th]}}


def test_every_violated_is_confirmed_by_the_oracle_and_no_holds_rests_on_a_non_unique_start():
    rng = random.Random(2214)
    seen = {"VIOLATED": 0, "HOLDS": 0, "UNKNOWN": 0, "input error": 0, "singular starts": 0}
    for n in range(300):
        inst = draw_instance(rng)
        if n % 2:
            inst = _on_circle_variant(rng, inst)
        orc = Oracle(inst)
        singular = bool(orc.singular())
        seen["singular starts"] += singular
        for cid in CHECKED:
            case = {**inst, "params": PARAMS.get(cid, {})}
            v = _check(cid, case)
            if v is None:
                seen["input error"] += 1
                continue
            seen[v.status.value] += 1
            if v.status == "VIOLATED":
                assert confirm(cid, case, case["params"]), (cid, case, [r.to_json() for r in v.relations])
                assert v.reverified.startswith("confirmed"), (cid, v.reverified)
            if cid in BOUNDEDNESS and v.status == "HOLDS" and not v.vacuous:
                # a certificate about every trajectory: never from a start where the flow is not unique, except the
                # constant-target Lyapunov function W = |v|² + (c − a)² (dW/dt = −4ℒ along every solution)
                assert _lipschitz_and_bounded_scope(case, orc)
                bound = F(case["params"]["bound"])
                if _lyapunov_within(orc, case, cid, bound):
                    continue
                assert not (singular and cid == "ejrw22.open-standard-gf"), case
                sup = _sup_certified(orc, orc.risk_grad()[1])
                assert sup is not None and sup <= bound, case
    print(f"\nejrw22 broad generator: {seen}")
    assert seen["VIOLATED"] > 0 and seen["singular starts"] > 0


def test_issue_example_singular_neuron_is_not_certified_bounded():
    """Issue 14 class 3: θ_0 = (0, 0, 1, 1/2), f(x) = x on [0, 1] is stationary (𝒢(θ_0) = 0 with ReLU'(0) = 0),
    but on the ray (w, 0), w > 0, the field has w' = −𝒢_w = v/6 − O(w) > 0 (oracle, exactly): the flow is not
    unique there, so boundedness of every trajectory is not certified -- UNKNOWN, not HOLDS."""
    base = {"network": {"widths": [1, 1, 1], "theta": ["0", "0", "1", "1/2"]},
            "target": {"kind": "polynomial", "coefficients": ["0", "1"]},
            "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}
    assert all(x == 0 for x in Oracle(base).risk_grad()[1])
    for w in (F(1, 10 ** 3), F(1, 10 ** 9)):
        moved = {**base, "network": {"widths": [1, 1, 1], "theta": [_t(w), "0", "1", "1/2"]}}
        assert -Oracle(moved).risk_grad()[1][0] > F(1, 7)  # the kink cone pushes w away from 0
    for params in ({}, {"bound": "1"}, {"bound": "2"}):
        v = verify.check("ejrw22.open-standard-gf", {**base, "params": params})
        assert v.status == "UNKNOWN", [r.to_json() for r in v.relations]
    # the user's bound below |θ_0|_∞ = 1 is refuted by the stationary solution itself (one solution suffices)
    v = verify.check("ejrw22.open-standard-gf", {**base, "params": {"bound": "1/2"}})
    assert v.status == "VIOLATED" and v.reverified.startswith("confirmed")


@pytest.mark.parametrize("theta,target,status", [
    (["0", "0", "0", "1"], "1", "HOLDS"),        # a zero neuron stays zero in every solution; stationary
    (["0", "0", "0", "0"], "1", "HOLDS"),        # zero neuron + dead: only c moves, towards 1
    # singular neurons: not unique, but f is constant, so W = v² + (c − 1)² decreases along EVERY solution
    # (dW/dt = −4ℒ; issue 19's Lyapunov certificate): W_0 = 5 gives sup ≤ 4, W_0 = 1 gives sup ≤ 2, both ≤ 5
    (["0", "0", "2", "0"], "1", "HOLDS"),        # singular neuron on a dead start
    (["0", "0", "-1", "1"], "1", "HOLDS"),       # singular neuron at a stationary point
    (["0", "-1", "5", "0"], "1", "HOLDS"),       # w = 0, b < 0: regular, dead
])
def test_uniqueness_gate_of_the_standard_flow(theta, target, status):
    inst = {"network": {"widths": [1, 1, 1], "theta": theta}, "target": {"kind": "constant", "value": target},
            "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {"bound": "5"}}
    v = verify.check("ejrw22.open-standard-gf", inst)
    assert v.status == status and not v.vacuous, [r.to_json() for r in v.relations]
    if theta[:2] == ["0", "0"] and theta[2] != "0":  # singular: the HOLDS must rest on the Lyapunov certificate
        assert any("Lyapunov" in r.name for r in v.relations)
    # a non-constant target at a singular start: never HOLDS
    inst2 = {**inst, "target": {"kind": "polynomial", "coefficients": [target, "1/2"]},
             "params": {"bound": "5", "certify_seconds": "2"}}
    if theta[:2] == ["0", "0"] and theta[2] != "0":
        assert verify.check("ejrw22.open-standard-gf", inst2).status != "HOLDS"


@pytest.mark.parametrize("cid", ["ejrw22.bounded-gf-h1", "ejrw22.open-standard-gf", "ejrw22.regularity",
                                 "ejrw22.bounded-gf-h1~uniform-bound", "ejrw22.generalized-gradient",
                                 "ejrw22.kink-geometry", "ejrw22.energy-identity"])
def test_out_of_scope_shapes_are_vacuous_or_input_errors(cid):
    """d = 2, H = 2 under the 1-1-1 scope, atoms for the boundedness claims: never VIOLATED."""
    d2 = {"network": {"widths": [2, 1, 1], "theta": ["3/5", "0", "4/5", "1", "0"]},
          "target": {"kind": "constant", "value": "0"}, "measure": {"kind": "lebesgue", "box": [["0", "1"], ["0", "1"]]},
          "params": {"bound": "1/100", "C": "1/100", "K": "1/100"}}
    h2 = {"network": {"widths": [1, 2, 1], "theta": ["3/5", "0", "4/5", "1", "7", "-7", "0"]},
          "target": {"kind": "constant", "value": "0"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]},
          "params": {"bound": "1/100", "C": "1/100"}}
    atoms = {"network": {"widths": [1, 1, 1], "theta": ["3/5", "-4/5", "3", "0"]},
             "target": {"kind": "constant", "value": "1"},
             "measure": {"kind": "empirical", "points": [["4/3"]], "weights": ["1"]}, "params": {"bound": "1/100"}}
    for inst in (d2, h2, atoms):
        v = _check(cid, inst)
        if v is not None:
            assert v.status != "VIOLATED", (cid, inst, [r.to_json() for r in v.relations])
            if inst is d2 or (inst is h2 and cid.startswith("ejrw22.bounded")):
                assert v.vacuous, (cid, inst)


def test_flow_command_hostile_inputs(tmp_path):
    """Each of these is one line naming the input and exit 2; a run stopped by its step limit is exit 3."""
    import json

    from verify.cli import main

    f = tmp_path / "i.json"
    f.write_text(json.dumps({"network": {"widths": [1, 1, 1], "theta": ["4/5", "-3/5", "1", "0"]},
                             "target": {"kind": "polynomial", "coefficients": ["0", "1"]},
                             "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}))
    for args in (["--tol", "0"], ["--tol", "-1"], ["--tol", "nan"], ["--prec", "2"], ["--prec", "1000000"],
                 ["--max-steps", "0"], ["--T", "1e9"], ["--T", "0"], ["--h0", "0"], ["--mode", "float", "--T", "1e30"],
                 ["--mode", "gd", "--eta", "1/4", "--steps", "100000", "--arithmetic", "exact"],
                 ["--mode", "gd", "--eta", "1/4", "--steps", "3", "--arithmetic", "ball", "--prec", "8"]):
        assert main(["--debug", "flow", str(f), *args]) == 2, args
    assert main(["--debug", "flow", str(f), "--T", "1/8", "--max-steps", "3", "--tol", "1e-30"]) == 3
    assert main(["--debug", "flow", str(f), "--mode", "gd", "--eta", "1/4", "--steps", "3",
                 "--arithmetic", "exact"]) == 3  # ρ irrational after one step: stopped, says so


def test_ball_gd_that_loses_all_precision_stops_and_says_so():
    """Standard ball GD from (4/5, −3/5, 1, 0), f(x) = x, η = 1/16: the kink crosses 0 near step 300 and the balls
    explode; the run must stop there (complete False) instead of converting balls with 10⁷-digit exponents."""
    from verify.flows import WIDE, FlowSystem, descent
    from verify.problems import Polynomial, measure_from_json
    from flint import fmpq

    system = FlowSystem(Polynomial((fmpq(0), fmpq(1))), measure_from_json({"kind": "lebesgue", "box": [["0", "1"]]}, 1), 1)
    d = descent(system, ["4/5", "-3/5", "1", "0"], "1/16", 2000, flow="standard", arithmetic="ball")
    assert not d.complete and "wider than" in d.reason and len(d.iterates) < 2000
    assert all(float(x.rad()) < WIDE for x in d.iterates[-1])
