"""ejrw22 pointwise claims: built-in examples, planted violations, the specification's exact values."""

import json

import pytest
from flint import fmpq

import verify
from verify.framework import Evaluation, Instance
from verify.ejrw22 import claims as E
from verify.numbers import contains


def test_spec_values_at_theta0():
    """Planted 6-8: L = 31/25, 𝒢 = (6/5, 11/5, 62/25, 11/5), |P𝒢|² = 278/25, |𝒢|² = 10794/625."""
    inst = Instance.from_json(E.THETA0)
    ev = Evaluation(inst, {}, None)
    L, G = E._LG(ev, inst.net)
    PG = E.projected(inst.net, G)
    assert L == fmpq(31, 25) and G == [fmpq(6, 5), fmpq(11, 5), fmpq(62, 25), fmpq(11, 5)]
    assert E._dot(PG, PG) == fmpq(278, 25) and E._dot(G, G) == fmpq(10794, 625)


@pytest.mark.parametrize("n", [2, 10, 37])
def test_coercivity_family_is_exactly_stationary(n):
    q = 2 * n * n - 2 * n + 1
    th = [fmpq(2 * n - 1, q), fmpq(2 * n * (n - 1), q), fmpq(q, 2 * n - 1), fmpq(-2 * n * (n - 1), 2 * n - 1)]
    inst = Instance.from_json(E._i([str(t) for t in th], target=E.IDENTITY))
    ev = Evaluation(inst, {}, None)
    L, G = E._LG(ev, inst.net)
    assert L == 0 and all(g == 0 for g in G) and E.on_manifold(inst.net).holds
    assert th[2] >= n - fmpq(1, 2)


def test_psi_keeps_the_realization_and_lands_on_the_manifold():
    net = Instance.from_json(E._i(["3", "-4", "2", "1/2"])).net
    image = E.psi(net)
    assert image.theta == (fmpq(3, 5), fmpq(-4, 5), fmpq(10), fmpq(1, 2))
    assert E._same_function(net, image, ((fmpq(0), fmpq(1)),)) == 0


def test_atoms_are_out_of_scope_for_boundedness():
    inst = E._i(["4/5", "-3/5", "1", "0"], target="1", measure={"kind": "empirical", "points": [["3/4"]]})
    assert verify.check("ejrw22.bounded-gf-h1", inst).status == "UNKNOWN"


def test_off_manifold_is_a_clear_hypothesis():
    v = verify.check("ejrw22.projected-field", E._i(["3", "-4", "2", "1/2"]))
    assert v.status == "HOLDS" and v.vacuous


# ---- claim 5 and planted 12: regularity, singular densities ---------------------------------

SQRT = {"kind": "power", "box": [["0", "1"]], "coefficient": "1/2", "exponent": "-1/2"}


def _mp_gradient(theta, dps=40):
    """ℒ and 𝒢 for f ≡ 0, p(x) = x^{-1/2}/2 on [0, 1], H = 1, by mpmath quadrature split at the kink."""
    import mpmath as mp

    mp.mp.dps = dps
    w, b, v, c = (mp.mpf(int(t.p)) / int(t.q) for t in theta)
    x0 = -b / w
    pts = [0, x0, 1] if 0 < x0 < 1 else [0, 1]
    p = lambda x: x ** mp.mpf(-0.5) / 2  # noqa: E731
    act = lambda x: 1 if w * x + b > 0 else 0  # noqa: E731
    r = lambda x: v * (w * x + b) * act(x) + c  # noqa: E731
    q = lambda g: mp.quad(lambda x: g(x) * p(x), pts)  # noqa: E731
    return q(lambda x: r(x) ** 2), [q(lambda x: 2 * v * x * act(x) * r(x)), q(lambda x: 2 * v * act(x) * r(x)),
                                    q(lambda x: 2 * (w * x + b) * act(x) * r(x)), q(lambda x: 2 * r(x))]


@pytest.mark.parametrize("method", ["powers", "substitution"])
@pytest.mark.parametrize("t", [fmpq(-1, 100), fmpq(1, 3), fmpq(-2, 7)])
def test_power_density_enclosures_contain_mpmath(method, t):
    from verify.ejrw22 import powerdensity
    from verify.problems import Constant, measure_from_json

    mu = measure_from_json(SQRT, 1)
    theta = [(1 - t * t) / (1 + t * t), 2 * t / (1 + t * t), fmpq(3, 2), fmpq(1, 2)]
    L, G = powerdensity.risk_gradient(theta, Constant(fmpq(0)), mu, 1, method=method, prec=200)
    Lm, Gm = _mp_gradient(theta)
    import mpmath as mp

    for ball, ref in zip([L] + G, [Lm] + Gm):
        assert ball.rad() < 1e-40
        assert abs(float(ball.mid()) - float(ref)) < 1e-12
        assert ball.contains(ball.__class__(mp.nstr(ref, 35))) or ball.overlaps(ball.__class__(mp.nstr(ref, 35)))


def test_power_density_exact_tangent_component_at_the_kink():
    """Spec planted 12: at θ* = (1, 0, 1, 1) the tangent component of P𝒢 (= 𝒢_b) is 8/3."""
    from verify.ejrw22 import powerdensity
    from verify.problems import Constant, measure_from_json

    _, G = powerdensity.risk_gradient([fmpq(1), fmpq(0), fmpq(1), fmpq(1)], Constant(fmpq(0)),
                                      measure_from_json(SQRT, 1), 1)
    assert contains(G[1], fmpq(8, 3)) and G[1].rad() < 1e-30


@pytest.mark.parametrize("k,K,status", [(2, "10", "VIOLATED"), (2, "20", "UNKNOWN"), (8, "10000", "VIOLATED")])
def test_unbounded_density_quotient_against_k(k, K, status):
    """Quotients 15.57 (k = 2) and 14143.07 (k = 8): a pair certifies > K, never ≤ K (no Jacobian)."""
    inst = E._i(["1", "0", "1", "1"], measure=SQRT, params={"K": K, "t2": f"-1/{10 ** k}", "radius": "1/8"})
    assert verify.check("ejrw22.regularity~lipschitz-unbounded-p", inst).status == status


def test_regularity_with_a_power_density_is_out_of_scope_for_the_claim():
    inst = E._i(["1", "0", "1", "1"], measure=SQRT, params={"K": "10", "t2": "-1/100"})
    v = verify.check("ejrw22.regularity", inst)
    assert v.vacuous and v.status == "HOLDS"


def test_regularity_claimed_constant_too_small_is_refuted_by_a_pair():
    inst = E._i(["3/5", "4/5", "1", "0"], target=E.IDENTITY, params={"radius": "1/64", "K": "1/100"})
    v = verify.check("ejrw22.regularity", inst)
    assert v.status == "VIOLATED"


def test_regularity_singular_box_is_unknown():
    """A box whose w-ball contains 0 while the kink may enter [A, B] has no finite Jacobian; on [0, 1] the
    same neuron is active everywhere over the box and the Jacobian exists."""
    wide = E._i(["0", "1", "1", "0"], params={"radius": "1/64"}, measure={"kind": "lebesgue", "box": [["-100", "100"]]})
    assert verify.check("ejrw22.regularity", wide).status == "UNKNOWN"
    assert verify.check("ejrw22.regularity", E._i(["0", "1", "1", "0"], params={"radius": "1/64"})).status == "HOLDS"


def test_non_integrable_density_is_a_clear_error(tmp_path):
    from verify.cli import main

    f = tmp_path / "i.json"
    f.write_text(json.dumps({**E._i(["1", "0", "1", "1"]), "measure": {**SQRT, "exponent": "-1"}}))
    assert main(["check", "ejrw22.regularity", str(f)]) == 2


# ---- trajectory forms (claims 9, 13, 14) -----------------------------------------------------

FLOW = E._i(["4/5", "-3/5", "1", "0"], target=E.IDENTITY)


def test_energy_identity_along_a_certified_trajectory():
    """The trajectory form HOLDS by the theorem (proofs_notes/ejrw22.md#energy-trajectory), never by the
    overlap of enclosures: the overlap is a note; the pointwise identity is exact (more in
    test_energy_trajectory.py)."""
    v = verify.check("ejrw22.energy-identity", {**FLOW, "params": {"T": "1/2"}})
    assert v.status == "HOLDS" and not v.vacuous and len(v.relations) == 2
    assert "#energy-trajectory" in v.relations[1].name and v.relations[1].status == "HOLDS"
    assert any(n.startswith("enclosures consistent (T = 1/2") for n in v.notes)


@pytest.mark.parametrize("bound,status,seconds", [("1", "VIOLATED", "30"), ("1", "VIOLATED", "0"),
                                                  ("3", "UNKNOWN", "0"), ("3", "HOLDS", "30")])
def test_finite_horizon_bound(bound, status, seconds):
    """sup_{t ≤ 1/2}|Θ_t|_∞ ∈ [1.03, 1.04] (the v component grows from 1): bound 1 is exceeded (certified on
    [0, 1/2], also when an infinite-horizon certificate with a larger bound applies); bound 3 holds on [0, 1/2]
    and, with the infinite-horizon certificates (params.certify_seconds > 0), for all t."""
    v = verify.check("ejrw22.bounded-gf-h1", {**FLOW, "params": {"T": "1/2", "bound": bound,
                                                                 "certify_seconds": seconds}})
    assert v.status == status
    if status == "UNKNOWN":
        assert v.relations[0].status == "HOLDS" and v.relations[-1].status == "UNKNOWN"


@pytest.mark.parametrize("bound,status", [("1", "HOLDS"), ("9/10", "VIOLATED")])
def test_dead_start_exact_supremum(bound, status):
    """Dead start (−3/5, −4/5, 1, 0), f ≡ 1 on [0, 1]: c(t) → 1 monotonically, so sup_t|Θ_t|_∞ = 1 exactly."""
    v = verify.check("ejrw22.bounded-gf-h1", E._i(["-3/5", "-4/5", "1", "0"], target="1", params={"bound": bound}))
    assert v.status == status


def test_standard_flow_finite_horizon_and_probe():
    inst = E._i(["1/10", "1/1000", "1", "0"], target=E.IDENTITY, params={"probe": "20", "certify_above": "-1",
                                                                         "certify_seconds": "0"})
    v = verify.check("ejrw22.open-standard-gf", inst)
    assert v.status == "UNKNOWN"  # only the exact certificates: the finite-horizon enclosure and the probe
    assert any(k.startswith("objective: growth exponent") for k in v.series)
    assert {"x: t", "max_i |ṽ_i(t)| (float)"} <= set(v.series)
    assert any(n.startswith("certified on [0, 1/2]") for n in v.notes)


def test_non_lipschitz_target_is_a_clear_error(tmp_path):
    from verify.cli import main

    inst = E._i(["4/5", "-3/5", "1", "0"], target={"kind": "indicator", "set": {"interval": ["1/2", "2"]}})
    f = tmp_path / "i.json"
    f.write_text(json.dumps(inst))
    assert main(["check", "ejrw22.bounded-gf-h1", str(f)]) == 2


def test_nonpositive_horizon_is_a_clear_error(tmp_path):
    from verify.cli import main

    f = tmp_path / "i.json"
    f.write_text(json.dumps({**FLOW, "params": {"T": "0"}}))
    assert main(["check", "ejrw22.energy-identity", str(f)]) == 2
    assert main(["flow", str(f), "--T", "-1"]) == 2


# ---- variants --------------------------------------------------------------------------------


def test_psi_push_and_unspecified_projections():
    assert verify.check("ejrw22.projected-field@proj-psi-push", E.EX).status == "HOLDS"
    assert verify.check("ejrw22.projected-field@proj-oblique", E.EX).status == "UNKNOWN"


def test_density_hypothesis_variants():
    jump = {"kind": "density", "pieces": [{"interval": ["0", "1/2"], "coefficients": ["1"]},
                                          {"interval": ["1/2", "1"], "coefficients": ["2"]}]}
    ev = lambda m, var: Evaluation(Instance.from_json(E._i(["1", "0", "1", "0"], measure=m)), {"density": var}, None)  # noqa: E731
    assert E.density_hypothesis(ev(jump, "bdd")).holds
    assert not E.density_hypothesis(ev(jump, "cont")).holds
    assert not E.density_hypothesis(ev(jump, "uniform")).holds
    assert E.density_hypothesis(ev(jump, "bdd-pos")).holds
    assert not E.density_hypothesis(ev(SQRT, "bdd")).holds
    assert E.density_hypothesis(ev(None, "uniform")).holds


# ---- projected GD and the flow command ---------------------------------------------------------


def test_projected_gd_planted_11_and_ball_contains_exact():
    from verify.flows import FlowSystem, descent
    from verify.problems import Constant, Polynomial, measure_from_json

    box = measure_from_json({"kind": "lebesgue", "box": [["0", "1"]]}, 1)
    d = descent(FlowSystem(Constant(fmpq(1)), box, 1), ["-1", "0", "0", "0"], 2, 1, arithmetic="exact")
    assert d.iterates[1] == [-1, 0, 0, 4] and d.risk[1] == 9
    system = FlowSystem(Polynomial((fmpq(0), fmpq(1))), box, 1)
    ex = descent(system, ["4/5", "-3/5", "1", "0"], "1/4", 3, flow="standard", arithmetic="exact")
    ball = descent(system, ["4/5", "-3/5", "1", "0"], "1/4", 3, flow="standard", arithmetic="ball")
    for X, th in zip(ball.iterates, ex.iterates):
        assert all(contains(x, t) for x, t in zip(X, th))
    nb = descent(system, ["4/5", "-3/5", "1", "0"], "1/4", 3, arithmetic="ball")
    assert all(contains(X[0] ** 2 + X[1] ** 2, 1) for X in nb.iterates)


def test_flow_command_writes_exact_boxes(tmp_path):
    from verify.cli import main

    f, out, png = tmp_path / "i.json", tmp_path / "o.json", tmp_path / "o.png"
    f.write_text(json.dumps(FLOW))
    assert main(["flow", str(f), "--T", "1/4", "--out", str(out), "--plot", str(png)]) == 0
    res = json.loads(out.read_text())
    assert res["complete"] and res["t_reached"] == "1/4" and res["invariants"]["consistent"]
    from verify.numbers import parse_rational

    lo, hi = (parse_rational(s) for s in res["points"][0]["box"][0])
    assert lo <= fmpq(4, 5) <= hi and hi - lo < fmpq(1, 10 ** 30)
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["flow", str(f), "--manifold", "B"]) == 2


# ---- issue 14: exact one-sided limits, uniqueness ------------------------------------------------


def test_gradient_jump_seen_in_the_w_component_only():
    """θ = (0, 0, 1, 1/2), f(x) = x on [0, 1]: ∫r = 0, so 𝒢_b has no jump along e_b, but 𝒢_w(θ + εe_b) =
    2∫x(r + ε) = −1/6 + ε → −1/6 ≠ 0 = 𝒢_w(θ) (the three-sample check of the b-component returned HOLDS here)."""
    v = verify.check("ejrw22.generalized-gradient~gradient-continuous",
                     E._i(["0", "0", "1", "1/2"], target=E.IDENTITY, params={"eps": "1/10"}))
    assert v.status == "VIOLATED" and v.reverified.startswith("confirmed")
    jumps = [r for r in v.relations if r.status == "VIOLATED"]
    assert [r.lhs for r in jumps] == [fmpq(-1, 6)] and "𝒢_0" in jumps[0].name
    assert verify.check("ejrw22.generalized-gradient~gradient-continuous", E.THETA0).status == "HOLDS"


def test_stationary_start_with_a_singular_neuron_is_unknown_but_a_small_user_bound_is_refuted():
    inst = E._i(["0", "0", "1", "1/2"], target=E.IDENTITY)
    assert verify.check("ejrw22.open-standard-gf", inst).status == "UNKNOWN"
    v = verify.check("ejrw22.open-standard-gf", {**inst, "params": {"bound": "3/4"}})
    assert v.status == "VIOLATED" and "user-supplied" in next(r.name for r in v.relations if r.status == "VIOLATED")


def test_uniform_bound_needs_stationarity_for_a_verdict():
    v = verify.check("ejrw22.bounded-gf-h1~uniform-bound", {**E.THETA0, "params": {"C": "1/2"}})
    assert v.status == "UNKNOWN" and not v.vacuous


DIP = {"kind": "density", "pieces": [{"interval": ["0", "1"], "coefficients": ["26/100", "-1", "1"]}]}  # (x − 1/2)² + 1/100


def test_bounded_below_density_is_decided_exactly_and_the_bound_refuted():
    """p = (x − 1/2)² + 1/100 > 0 dips inside [0, 1]; the old sufficient test left @p-bdd-pos
    undecided and the evaluation returned HOLDS with no relation (audit).  |θ_0|_∞ = 1 > 1/1000."""
    inst = E._i(["3/5", "4/5", "1", "0"], target=E.IDENTITY, params={"bound": "1/1000", "T": "1/16"})
    inst["measure"] = DIP
    v = verify.check("ejrw22.bounded-gf-h1@p-bdd-pos", inst)
    assert v.status == "VIOLATED" and any(h.holds is True and "bounded below" in h.name for h in v.hypotheses)
    zero = {"kind": "density", "pieces": [{"interval": ["0", "1"], "coefficients": ["1/4", "-1", "1"]}]}
    v = verify.check("ejrw22.bounded-gf-h1@p-bdd-pos", {**inst, "measure": zero})  # (x − 1/2)² vanishes at 1/2
    assert v.status == "HOLDS" and v.vacuous


def test_coercive_mutant_needs_a_point_outside_the_bound():
    """One point of the sublevel set inside the claimed bound proves nothing about every point."""
    inside = {"network": {"widths": [1, 1, 1], "theta": ["39/761", "760/761", "761/39", "-760/39"]},
              "target": {"kind": "polynomial", "coefficients": ["0", "1"]},
              "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}
    v = verify.check("ejrw22.bounded-gf-h1~coercive-sublevel", {**inside, "params": {"bound": "20"}})
    assert v.status == "UNKNOWN"
    v = verify.check("ejrw22.bounded-gf-h1~coercive-sublevel", inside)
    assert v.status == "VIOLATED" and "default 10" in v.relations[0].name
