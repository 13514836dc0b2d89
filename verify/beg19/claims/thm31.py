"""beg19 claim 15, Theorem 3.1 [RECONSTRUCTED: form and α = 2], decided per instance with the certified
bracket of the best constant (proofs_notes/beg19.md#thm31-inverse-stability).

Statement: ∃s (depending on D, d, m at most) ∀Γ ∈ Ñ ∀g ∈ R(Ñ) ∃Φ ∈ Ñ: R(Φ) = g, ‖Φ − Γ‖_∞ ≤ s‖g − R(Γ)‖^{1/2}
(quantifier variants: g ∈ R(P_N) and/or Φ ∈ P_N).  An instance is one pair (Γ, g).  Its best constant is

    κ*(Γ, g) = inf{‖Φ − Γ‖_∞ : Φ in the quantified set, R(Φ) = g} / ‖g − R(Γ)‖^{1/2}   (‖·‖ > 0),

+∞ when no Φ of the set realizes g (or when ‖·‖ = 0 and g ≠ R(Γ), possible only under n-semi), 0 when g = R(Γ).
The verdict carries the certified bracket κ_lower ≤ κ* ≤ κ_upper (exact rationals, or the outward rational
endpoints of Arb balls) and ``ev.objective`` reports κ_lower, so the search shows the largest certified
lower bound of the theorem's constant for this architecture.

* without ``params.s`` the instance's statement is "∃s: the pair satisfies the inequality", i.e. κ* < ∞
  (for s fixed per architecture this is the restriction of the theorem to the pair; it is what one pair can
  decide).  HOLDS from an explicit Φ in the quantified set with R(Φ) = g (κ_upper < ∞), re-checked by direct
  evaluation; VIOLATED only from a certified κ* = +∞ (the Ñ-fibre of g empty under q-mixed, or ‖·‖ = 0 with
  a fibre lower bound > 0): a failure of the statement for every s, never "our bound is weak".
* with ``params.s``: the pair's statement for that s, κ* ≤ s with attainment: HOLDS if an explicit Φ has
  ‖Φ − Γ‖² ≤ s²‖·‖, VIOLATED if the certified fibre lower bound has lower² > s²‖·‖ (refutes the user's s
  on this pair, not the paper), else UNKNOWN.

Bracket engines (1-D): the exact Ñ-fibre enumeration `fibre.tilde_fibre` (R2 interior, R3/R4 on (a, b), no
rule dropped: the Ñ-fibre is finite, so [lower, upper] is the exact value up to ball radii), the relaxation
lower bound over all of P_N (`fibre_bounds`, valid for every subset), the inverse-map witness
(`fibre_upper`, rational), and g's own representative rebalanced (any d, any variant whose Ñ contains it).
"""

from __future__ import annotations

from flint import arb, fmpq

from ... import realization as R
from ...errors import InputError, SoundnessError
from ...framework import Evaluation, Hypothesis, relation, undecidable
from ...numbers import ball_bounds, precision, to_json
from .. import fibre
from ..fibre import tilde
from .common import _bounded, _bounds, _D, _exact, _in_set, _membership, _norm, _other, _positive


def _rebalanced_upper(ev, net, g, D, drop) -> fmpq | None:
    """A rational upper bound of dist over Ñ from g's own representative, rescaled to balance (R2-R4 and
    c ≠ 0 are scale invariant, spec §2.5) and permuted by a bottleneck assignment of the Arb upper
    endpoints; ``None`` when the rescaled representative is not in the variant's Ñ or widths differ."""
    if g.H != net.H or not _in_set(ev, g, D, drop=drop, realization=True).holds:
        return None
    bal = ev.variants.get("balance", "a")
    n1, e1 = fibre._neurons(net)
    n2, e2 = fibre._neurons(g)
    with precision(256):
        reb = []
        for a, b, c in n2:
            if "R1" in drop:
                reb.append((a, b, c))
                continue
            v = a + (b,) if bal == "ab" else a
            nv = sum((x * x for x in v), fmpq(0))
            lam = (arb(abs(c)) / arb(nv).sqrt()).sqrt()
            reb.append((tuple(arb(x) * lam for x in a), arb(b) * lam, arb(c) / lam))
        cost = []
        for a, b, c in n1:
            row = []
            for a2, b2, c2 in reb:
                hi = fmpq(0)
                for x, y in zip(a + (b, c), a2 + (b2, c2)):
                    bb = ball_bounds(arb(y) - arb(x))
                    if bb is None:
                        return None
                    hi = max(hi, abs(bb[0]), abs(bb[1]))
                row.append(hi)
            cost.append(row)
    return max(abs(e1 - e2), fibre.bottleneck(cost)[0])


def _rep_relation(ev, g, D, drop):
    """The certificate of the rescaled-representative bound: g's representative satisfies R2-R4 and c ≠ 0 (exact
    check); positive rescaling to balance keeps R(g) and these conditions (spec §2.5 lemma), so it lies in Ñ."""
    ok = _in_set(ev, g, D, drop=drop, name="g's representative", realization=True).holds
    return relation("g's representative satisfies R2–R4 and c ≠ 0, so rescaled to balance it is a point of Ñ with "
                    "R(Φ) = g (1 = yes)", fmpq(int(bool(ok))), "=", fmpq(1))


class _Bracket:
    """lower ≤ dist ≤ upper over the quantified Φ-set; ``empty``: that set's fibre is certified empty;
    ``checks``: relations re-checking the certificate of ``upper`` by another path."""

    def __init__(self):
        self.lower, self.upper, self.empty, self.how = fmpq(0), None, False, []
        self.checks: list = []
        self.notes: list = []

    def up(self, x, how):
        if x is not None and (self.upper is None or x < self.upper):
            self.upper = x
            self.how.append(how)
            return True
        return False


def _bracket(ev: Evaluation, net, g, D, drop) -> _Bracket:
    v = ev.variants
    q = v.get("quantifiers", "tilde")
    in_tilde = q in ("tilde", "mixed")
    e_zero = v.get("output-bias") == "zero"
    bal = v.get("balance", "a")
    br = _Bracket()
    if net.d != 1:
        br.up(_rebalanced_upper(ev, net, g, D, drop), "g's representative rebalanced (d ≥ 2: no lower bound engine, "
                                                      "lower = 0)")
        if br.upper is not None:
            br.checks.append(_rep_relation(ev, g, D, drop))
        return br
    enumerable = not drop and v.get("visibility", "interior") == "interior"
    tf = None
    if enumerable:
        ev.engines.add("tilde-fibre-enumeration" if not ev.independent else "tilde-fibre-brute-force")
        tf = tilde.tilde_brute(net, g, D, bal, e_zero) if ev.independent else tilde.tilde_fibre(net, g, D, bal, e_zero)
    elif not drop and v.get("parallel", "ab") == "ab" and not ev.independent:
        # r2-nonvanishing: the interior-kink Ñ is a subset (c ≠ 0 and an interior kink make a neuron nonvanishing;
        # distinct kinks keep R3/R4), so its fibre points bound dist from above; its emptiness proves nothing
        tf = tilde.tilde_fibre(net, g, D, bal, e_zero)
        tf.lower, tf.empty = None, False
    # P_N bounds (a lower bound for every subset of P_N) and the explicit rational witness: not needed where
    # the Ñ-fibre was enumerated completely and Φ ranges over Ñ
    lo_p, up_p, wit = fmpq(0), None, None
    if not (in_tilde and enumerable and tf is not None and (tf.empty or tf.exact)):
        try:
            lo_p, up_p, wit = _bounds(net, g, D, ev)
        except InputError:  # g has more interior kinks than m: no width-m Φ at all (the bounds stay [0, +∞])
            if tf is not None and not tf.empty:
                raise
    br.lower = lo_p
    if tf is not None and tf.empty:
        if in_tilde:
            br.empty = True
            br.notes = tf.notes
            return br
    elif tf is not None:
        if in_tilde and enumerable and tf.lower is not None:
            br.lower = max(br.lower, tf.lower)
        if tf.carriers is not None:
            # the certificate of the upper bound, re-checked apart from the enumeration: R(Φ) = g by direct
            # evaluation of the rational surrogate, Φ ∈ Ñ from the carrier data, ‖Φ − Γ‖_∞ from the entries
            same = R.direct_sobolev(tilde.surrogate(tf.carriers, tf.e), g, D)
            ok = tilde.carriers_in_set(tf.carriers, tf.e, D, e_zero)
            if same != 0 or not ok:
                raise SoundnessError("Ñ-fibre enumeration: the best candidate fails its re-check")
            lo_c, hi_c = tilde.carriers_distance(net, tf.carriers, tf.e, bal)
            if br.up(hi_c, "Ñ-fibre point (balanced carriers)"):
                br.checks = [relation("R(Φ) = g on Ω for the Ñ-fibre point (direct evaluation)", same, "=", fmpq(0)),
                             relation("the Ñ-fibre point lies in Ñ (1 = yes)", fmpq(int(ok)), "=", fmpq(1))]
        if tf.notes:
            ev.notes.extend(tf.notes)
    if wit is not None and up_p is not None:
        ok = not in_tilde or _in_set(ev, wit, D, drop=drop).holds
        if ok and br.up(up_p, "inverse-map witness (rational)"):
            br.checks = [relation("R(Φ_witness) = g on Ω (direct evaluation)", R.direct_sobolev(wit, g, D), "=",
                                  fmpq(0)),
                         relation("Φ_witness lies in the quantified set (1 = yes)", fmpq(int(ok)), "=", fmpq(1))]
    if not enumerable or not in_tilde:
        reb = _rebalanced_upper(ev, net, g, D, drop)
        if br.up(reb, "g's representative rebalanced"):
            br.checks = [_rep_relation(ev, g, D, drop)]
    if br.upper is not None and br.lower > br.upper:
        raise SoundnessError(f"thm31 bracket: lower {br.lower} > upper {br.upper}")
    return br


def _fmt(x, up=False) -> str:
    """x for display, rounded outward (down, or up with ``up``) to 15 decimals."""
    return "+∞" if x is None else to_json(tilde._outward(x, up))


def _dec(x, up=False) -> str:
    if x is None:
        return "+∞"
    k = 10 ** 6
    y = x * k
    n = int(y.floor()) if not up else -int((-y).floor())
    return to_json(fmpq(n, k))


def eval_thm31(ev: Evaluation, drop=()):
    """Claim 15 (Theorem 3.1, [RECONSTRUCTED], α = 2) on the pair (Γ, g): the certified bracket
    κ_lower ≤ κ*(Γ, g) ≤ κ_upper and the decision of the module docstring (without params.s: κ* < ∞;
    with it: κ* ≤ s, attained).  Scope hypotheses: Γ ∈ Ñ, g ∈ R(Ñ) or R(P_N) per quantifier variant (decided
    for the function g), n-semi only with e-zero.  Mutants drop one condition of Ñ (``drop``)."""
    net = _exact(ev)
    g = _other(ev, net)
    D = _D(ev)
    q = ev.variants.get("quantifiers", "tilde")
    hyp = [_in_set(ev, net, D, drop=drop),
           _membership(ev, g, D, net.H, restricted=q in ("tilde", "weak"), drop=drop)]
    if ev.variants.get("sobolev") == "semi" and ev.variants.get("output-bias") != "zero":
        hyp.append(Hypothesis("n-semi is used with e-zero", False, "outside the claim's scope: with a free output "
                              "bias the seminorm does not separate g from R(Γ) + constant (spec §5)"))
    if any(h.holds is False for h in hyp):
        return [], hyp
    s = _positive(ev, "s") if "s" in ev.inst.params else None
    norm = _norm(ev, net, g, D)
    same = (R.direct_sobolev(net, g, D) if ev.independent else R.w1inf_distance(net, g, D)) == 0 \
        if net.d == 1 else norm == 0 and ev.variants.get("sobolev", "max") != "semi"
    if same:
        ev.notes.append("κ bracket [0, 0]: g = R(Γ), Φ = Γ")
        if all(h.holds for h in hyp):
            ev.objective(_OBJ, fmpq(0))
        return [relation("g = R(Γ) ⇒ Φ = Γ: dist = 0 ≤ s‖g − R(Γ)‖^(1/2) for every s", fmpq(0), "=", fmpq(0))], hyp
    br = _bracket(ev, net, g, D, drop)
    set_name = "Ñ" if q in ("tilde", "mixed") else "P_N"
    if br.empty:
        # no Φ of Ñ realizes g: κ* = +∞, the pair fails the inequality for every s (only under q-mixed, where
        # g ∈ R(P_N) is all the scope asks; under q-tilde / q-weak g ∈ R(Ñ) was certified: a contradiction)
        if q != "mixed" and hyp[1].holds:
            raise SoundnessError("thm31: g ∈ R(Ñ) certified but its Ñ-fibre enumerated empty")
        ev.notes.append("κ bracket [+∞, +∞]: " + "; ".join(getattr(br, "notes", [])))
        return [relation(f"#Φ ∈ Ñ_m with R(Φ) = g (κ* < ∞; the Ñ-fibre is finite and was enumerated)", fmpq(0),
                         "≥", fmpq(1), note="every s fails on this pair: the fibre in Ñ is empty")], hyp
    if norm == 0:   # n-semi with e-zero: g − R(Γ) is a nonzero constant; the bound asks dist = 0 for every s
        ev.notes.append(f"κ bracket: dist ∈ [{_fmt(br.lower)}, {_fmt(br.upper, True)}] with ‖·‖ = 0")
        return [_bounded("dist(Γ, R⁻¹(g)) ≤ s·‖g − R(Γ)‖^(1/2) = 0 (for every s)", br.lower, br.upper, "≤",
                         fmpq(0))], hyp
    klo, kup = tilde.kappa_bounds(br.lower, br.upper, norm)
    ev.notes.append(f"κ(Γ, g) = dist_{set_name}/‖g − R(Γ)‖^(1/2) ∈ [{_fmt(klo)}, {_fmt(kup, True)}] ≈ "
                    f"[{_dec(klo)}, {_dec(kup, True)}]; dist ∈ [{_fmt(br.lower)}, {_fmt(br.upper, True)}], ‖·‖ = "
                    f"{to_json(norm)}; upper bound by {br.how[-1] if br.how else 'none'}")
    if all(h.holds for h in hyp):
        ev.objective(_OBJ, klo)
    if s is not None:
        name = (f"dist(Γ, R⁻¹(g) ∩ {set_name})² ≤ s²‖g − R(Γ)‖_{{W^{{1,∞}}}} with the user's constant s = "
                f"{to_json(s)} (params.s; the paper's s is unknown): a VIOLATED refutes this s on this pair "
                f"(Γ, g), not Theorem 3.1")
        rel = _bounded(name, br.lower * br.lower, None if br.upper is None else br.upper * br.upper, "≤",
                       s * s * norm, "dist²")
        return [rel] + (br.checks if rel.status.value == "HOLDS" and br.upper is not None and
                        br.upper * br.upper <= s * s * norm else []), hyp
    if br.upper is None:
        return [undecidable(f"∃s on this pair: some Φ ∈ {set_name} with R(Φ) = g",
                            f"no explicit Φ found; κ ≥ {_dec(klo)} (certified)")], hyp
    return [relation(f"κ_lower ≤ κ_upper: the certified bracket of the best constant κ*(Γ, g) (finite: an explicit "
                     f"Φ ∈ {set_name} with R(Φ) = g, so ∃s on this pair; any s of Theorem 3.1 for this "
                     f"architecture is ≥ κ_lower)", klo, "≤", kup)] + br.checks, hyp


_OBJ = "κ = dist/‖g − R(Γ)‖^(1/2), certified lower bound (a lower bound on s)"
