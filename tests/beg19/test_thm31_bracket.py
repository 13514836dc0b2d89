"""Theorem 3.1 (beg19 claim 15): the certified bracket κ_lower ≤ κ*(Γ, g) ≤ κ_upper of the best constant on a
pair, the exact Ñ-fibre enumeration behind it (`verify.beg19.fibre.tilde`), and the per-pair decision
(without params.s: ∃s, i.e. κ* < ∞; with it: κ* ≤ s)."""

import itertools
from fractions import Fraction

import mpmath
import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

import verify
from verify.beg19.fibre import tilde
from verify.beg19.strategies import beg19_instances
from verify.errors import InputError
from verify.nets import Network
from verify.realization import direct_sobolev

CAP = settings(max_examples=min(settings().max_examples, 25))
CID = "beg19.thm31-inverse-stability"
OBJ = "objective: κ = dist/‖g − R(Γ)‖^(1/2), certified lower bound (a lower bound on s)"


def _q(x) -> fmpq:
    f = Fraction(x)
    return fmpq(f.numerator, f.denominator)


def net(neurons, e=0) -> Network:
    ns = [tuple(_q(x) for x in n) for n in neurons]
    return Network((1, len(ns), 1), tuple([n[0] for n in ns] + [n[1] for n in ns] + [n[2] for n in ns] + [_q(e)]))


def js(neurons, e=0) -> dict:
    return {"widths": [1, len(neurons), 1], "theta": [str(n[k]) for k in range(3) for n in neurons] + [str(e)]}


def kappa_of(v):
    """(κ_lower, κ_upper) from a HOLDS verdict's bracket relation (exact rationals)."""
    r = next(r for r in v.relations if r.name.startswith("κ_lower ≤ κ_upper"))
    return fmpq(r.lhs) if not isinstance(r.lhs, fmpq) else r.lhs, r.rhs


def oracle_kappa(G, Ge, g, ge, D=Fraction(1)):
    """dist_Ñ(Γ, g)/‖g − R(Γ)‖^{1/2} at 60 digits from the definition of Ñ (bal-a, R2 interior, R3/R4 on (a, b)),
    written apart from the engine: kinks and jumps straight from g's neurons, every bijection and orientation,
    the realization compared on a fine rational grid through all breakpoints, the norm by direct evaluation."""
    mpmath.mp.dps = 60
    jumps = {}
    for a, b, c in g:
        if a != 0 and c != 0 and -D < Fraction(-b, 1) / a < D:
            t = Fraction(-b) / a
            jumps[t] = jumps.get(t, Fraction(0)) + c * abs(a)
    kinks = sorted((t, J) for t, J in jumps.items() if J != 0)
    m = len(G)
    if len(kinks) != m:
        return None

    def Rg(x):
        return ge + sum((c * max(a * x + b, 0) for a, b, c in g), Fraction(0))

    pts = sorted({-D, D} | {t for t, _ in kinks} | {Fraction(k, 7) * D for k in range(-6, 7)})
    best = None
    for sig in itertools.product((1, -1), repeat=m):
        e = Rg(-D) - sum((J * (t + D) for (t, J), s in zip(kinks, sig) if s == -1), Fraction(0))

        def Rphi(x):
            return e + sum((J * max(s * (x - t), 0) for (t, J), s in zip(kinks, sig)), Fraction(0))
        if any(Rphi(x) != Rg(x) for x in pts):
            continue
        for perm in itertools.permutations(range(m)):
            d = abs(mpmath.mpf(e.numerator) / e.denominator - mpmath.mpf(Ge.numerator) / Ge.denominator)
            for i in range(m):
                t, J = kinks[perm[i]]
                s = sig[perm[i]]
                al = mpmath.sqrt(mpmath.mpf(abs(J).numerator) / abs(J).denominator)
                phi = (s * al, -mpmath.mpf(t.numerator) / t.denominator * s * al, (1 if J > 0 else -1) * al)
                for x, y in zip(G[i], phi):
                    d = max(d, abs(y - mpmath.mpf(x.numerator) / x.denominator))
            best = d if best is None or d < best else best
    norm = direct_sobolev(net(G, Ge), net(g, ge), fmpq(1))
    return best / mpmath.sqrt(mpmath.mpf(int(norm.p)) / int(norm.q))


def _mp(x):
    return mpmath.mpf(int(x.p)) / int(x.q)


def test_planted_exact_constant():
    """Γ = (1,0,1),(1,−½,1), g = (1,0,1),(5/4,−5/8,5/4): the Ñ-fibre is the single pattern σ = (+,+) (left slope 0
    forces it), the cheapest point moves neuron 2 by 1/4, ‖g − R(Γ)‖ = 9/16 (slope), so κ* = (1/4)/(3/4) = 1/3
    exactly -- and the bracket is exactly [1/3, 1/3]."""
    inst = {"network": js([(1, 0, 1), (1, "-1/2", 1)]), "params": {"other": js([(1, 0, 1), ("5/4", "-5/8", "5/4")])}}
    v = verify.check(CID, inst)
    assert v.status.value == "HOLDS" and not v.vacuous
    assert kappa_of(v) == (fmpq(1, 3), fmpq(1, 3))
    assert v.series[OBJ] == [pytest.approx(1 / 3)]
    tf = tilde.tilde_fibre(net([(1, 0, 1), (1, "-1/2", 1)]), net([(1, 0, 1), ("5/4", "-5/8", "5/4")]))
    assert (tf.lower, tf.upper, tf.patterns, tf.exact) == (fmpq(1, 4), fmpq(1, 4), 1, True)
    # the user's s: s = 1/3 is attained (HOLDS), s just below is refuted on this pair (VIOLATED, re-verified)
    inst["params"]["s"] = "1/3"
    assert verify.check(CID, inst).status.value == "HOLDS"
    inst["params"]["s"] = "33/100"
    v = verify.check(CID, inst)
    assert v.status.value == "VIOLATED" and v.reverified.startswith("confirmed")


def test_planted_irrational_constant_p0b():
    """P0b: Γ = (1/6,0,1/6), g = (1/3,0,1/3): dist = 1/6, ‖·‖ = 1/12, κ* = 1/√3; the bracket encloses it tightly."""
    v = verify.check(CID, {"network": js([("1/6", 0, "1/6")]), "params": {"other": js([("1/3", 0, "1/3")])}})
    lo, up = kappa_of(v)
    assert v.status.value == "HOLDS"
    assert lo * lo <= fmpq(1, 3) <= up * up and up - lo < fmpq(1, 10 ** 12)


@CAP
@given(st.data())
def test_bracket_contains_the_oracle_ratio(data):
    """On small instances (m ≤ 3) the certified bracket contains κ* computed from the definition (60 digits)."""
    inst = data.draw(beg19_instances(restricted=True, max_width=3))
    v = verify.check(CID, inst)
    assert v.status.value in ("HOLDS", "VIOLATED") or v.vacuous
    if v.vacuous or v.status.value != "HOLDS" or not any(r.name.startswith("κ_lower") for r in v.relations):
        return
    lo, up = kappa_of(v)
    assert lo <= up
    th = [Fraction(x) for x in inst["network"]["theta"]]
    tg = [Fraction(x) for x in inst["params"]["other"]["theta"]]
    m, mg = len(th) // 3, len(tg) // 3
    G = [(th[i], th[m + i], th[2 * m + i]) for i in range(m)]
    g = [(tg[i], tg[mg + i], tg[2 * mg + i]) for i in range(mg)]
    k = oracle_kappa(G, th[-1], g, tg[-1])
    assert k is not None
    assert _mp(lo) - mpmath.mpf(10) ** -40 <= k <= _mp(up) + mpmath.mpf(10) ** -40


@CAP
@given(st.data())
def test_lower_never_exceeds_upper_in_every_quantifier_variant(data):
    ref = CID + data.draw(st.sampled_from(["", "@q-full", "@q-weak", "@q-mixed", "@n-sum", "@r2-nonvanishing"]))
    inst = data.draw(beg19_instances(restricted=True, max_width=3))
    v = verify.check(ref, inst)
    for r in v.relations:
        if r.name.startswith("κ_lower ≤ κ_upper"):
            assert r.status.value == "HOLDS" and r.lhs <= r.rhs


@CAP
@given(st.data())
def test_enumeration_agrees_with_the_independent_brute_force(data):
    """`tilde_fibre` (subset sum + bottleneck) and `tilde_brute` (every bijection and orientation, direct
    evaluation) enclose the same value: their brackets intersect, and they agree on emptiness."""
    inst = data.draw(beg19_instances(restricted=True, max_width=4))
    G = Network.from_json(inst["network"])
    g = Network.from_json(inst["params"]["other"])
    bal = data.draw(st.sampled_from(["a", "ab"]))
    a, b = tilde.tilde_fibre(G, g, 1, bal), tilde.tilde_brute(G, g, 1, bal)
    assert a.empty == b.empty
    if not a.empty:
        assert a.lower <= b.upper and b.lower <= a.upper
        assert a.lower <= a.upper and b.lower <= b.upper


def test_every_pattern_is_a_fibre_point_and_tampering_is_caught():
    G = net([(1, 0, 1), (1, "-1/2", 1)])
    g = net([(1, 0, 1), ("5/4", "-5/8", "5/4")])
    tf = tilde.tilde_fibre(G, g)
    assert direct_sobolev(tilde.surrogate(tf.carriers, tf.e), g) == 0
    assert tilde.carriers_in_set(tf.carriers, tf.e, fmpq(1))
    # a flipped orientation no longer realizes g; a repeated kink leaves Ñ (R3); a kink on ∂Ω leaves Ñ (R2)
    flipped = [(t, J, -s) if k == 0 else (t, J, s) for k, (t, J, s) in enumerate(tf.carriers)]
    assert direct_sobolev(tilde.surrogate(flipped, tf.e), g) != 0
    same_kink = [tf.carriers[0], (tf.carriers[0][0], tf.carriers[1][1], 1)]
    assert not tilde.carriers_in_set(same_kink, tf.e, fmpq(1))
    assert not tilde.carriers_in_set([(fmpq(1), fmpq(1), 1)], fmpq(0), fmpq(1))
    assert not tilde.carriers_in_set(tf.carriers, fmpq(1), fmpq(1), e_zero=True)


def test_empty_fibre_under_q_mixed_is_a_certified_failure_for_every_s():
    """q-mixed asks Φ ∈ Ñ for g ∈ R(P_N): g = ρ(x + 2) = x + 2 on Ω has no interior kink, every member of R(Ñ_1)
    has one, so κ* = +∞: VIOLATED (re-verified by the brute force), whatever s."""
    inst = {"network": js([(1, 0, 1)]), "params": {"other": js([(1, 2, 1)])}}
    v = verify.check(CID + "@q-mixed", inst)
    assert v.status.value == "VIOLATED" and v.reverified.startswith("confirmed")
    # under the default quantifiers the same g is outside the scope (g ∉ R(Ñ)): vacuous, never VIOLATED
    v = verify.check(CID, inst)
    assert v.status.value == "HOLDS" and v.vacuous


def test_without_s_a_pair_outside_the_reach_of_the_engine_stays_unknown_not_holds():
    """r2-nonvanishing with a target that has fewer kinks than m: the interior enumeration finds no point and
    membership is undecided -- UNKNOWN (no HOLDS without an explicit Φ)."""
    inst = {"network": js([(1, 0, 1), (1, "-1/2", 1)]), "params": {"other": js([(1, 0, 1), ("1", "3", "1")])}}
    v = verify.check(CID + "@r2-nonvanishing", inst)
    assert v.status.value in ("UNKNOWN", "HOLDS")
    if v.status.value == "HOLDS":
        assert v.vacuous or any("R(Φ" in r.name or "rescaled" in r.name for r in v.relations)


def test_g_equal_to_r_gamma_gives_zero_and_bad_input_is_refused():
    G = js([(1, 0, 1), (-1, "1/2", 1)])
    v = verify.check(CID, {"network": G, "params": {"other": js([(2, 0, "1/2"), (-1, "1/2", 1)])}})
    assert v.status.value == "HOLDS" and v.relations[0].name.startswith("g = R(Γ)")
    with pytest.raises(InputError):
        verify.check(CID, {"network": G, "params": {"other": G, "s": "-1"}})
    with pytest.raises(InputError):
        tilde.tilde_fibre(net([(1, 0, 1)]), net([(1, 0, 1)]), 1, bal="c")


def test_bal_ab_and_e_zero_brackets():
    """bal-ab: |c| = ‖(a, b)‖₂ with Pythagorean neurons (4,3,5), (−12,5,13); e-zero keeps e = 0 for Φ."""
    inst = {"network": js([(4, 3, 5), (-12, 5, 13)]), "params": {"other": js([(4, "31/10", 5), (-12, 5, "131/10")])}}
    for ref in (CID + "@bal-ab", CID + "@bal-ab@e-zero"):
        v = verify.check(ref, inst)
        assert v.status.value == "HOLDS" and not v.vacuous
        lo, up = kappa_of(v)
        assert 0 < lo <= up and up - lo < fmpq(1, 10 ** 9)
