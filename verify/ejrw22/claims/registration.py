"""ejrw22 claims -- registration of the 14 claims and their planted violations, in the suite's order.

The variant groups (manifold M_A / M_B, the projection, the density hypothesis p-bdd / p-bdd-pos /
p-cont / p-uniform, the scope H1 / H-any), every claim's scope (`SCOPE`, checked first as a
hypothesis), its documented params (`PARAMS`), the statement substitutions of the variants, the
built-in examples (`EX`, `THETA0`, θ_n ∈ M_A with N^{θ_n}(x) = x on [0, 1]) and the instance
strategies (`verify.ejrw22.strategies`).  Provenance: [PAPER-FAMILY], [RECONSTRUCTED], [DERIVED],
[ABSTRACT] per claim below.
"""

from __future__ import annotations

from flint import fmpq

from ...framework import Claim, Param, Hypothesis, Mutant
from ...nets import Network
from ...numbers import to_json
from ...registry import VariantGroup, register, register_variants
from .common import _manifold
from .planted import (eval_coercive, eval_gd_monotone, eval_gradient_continuous, eval_regularity_atoms,
                      eval_uniform_bound)
from .pointwise import (eval_critical, eval_differentiable_everywhere, eval_energy, eval_energy_full, eval_euler,
                        eval_generalized_gradient, eval_index_layout, eval_kappa, eval_kappa_normalized,
                        eval_kink_geometry, eval_normalized_coords, eval_projected_field, eval_psi_no_absorb,
                        eval_psi_signed, eval_representation, eval_sphere_standard, eval_submanifold)
from .regularity import eval_lipschitz_unbounded, eval_regularity
from .trajectories import eval_bounded, eval_open_standard

SOURCE = "Eberle, Jentzen, Riekert, Weiss 2022, arXiv:2207.06246"
NOTE = "proofs_notes/ejrw22.md"

register_variants(
    VariantGroup("manifold", {"manifold-A": "A", "manifold-B": "B"}, "manifold-A",
                 "M_A = {|(w_i, b_i)| = 1} (default) or M_B = {|w_i| = 1}"),
    VariantGroup("projection", {"proj-orth": "orth", "proj-psi-push": "psi-push", "proj-weight-norm": "weight-norm",
                                "proj-oblique": "oblique"}, "proj-orth",
                 "the normalized field: orthogonal projection P𝒢 (default), the Ψ-pushed standard flow (claim 12's "
                 "preconditioner), weight normalization or an oblique projection (both unspecified: UNKNOWN)"),
    VariantGroup("density", {"p-bdd": "bdd", "p-bdd-pos": "bdd-pos", "p-cont": "cont", "p-uniform": "uniform"},
                 "p-bdd", "density hypothesis of claims 5, 13, 14: 0 ≤ p ≤ p_max (default), 0 < p_min ≤ p ≤ p_max, "
                 "p continuous, p uniform"),
    VariantGroup("scope", {"H1": 1, "H-any": None}, "H1",
                 "claims 13/14: 1-1-1 networks (default) or d = 1 with any width H"),
)


def _inst(**kw):
    def make():
        from .. import strategies as vst

        return vst.ejrw22_instances(**kw)
    return make


def _i(theta, target="0", measure=None, params=None):
    out = {"network": {"widths": [1, len(theta) // 3, 1], "theta": [str(t) for t in theta]},
           "target": {"kind": "constant", "value": target} if isinstance(target, str) else target,
           "measure": measure or {"kind": "lebesgue", "box": [["0", "1"]]}}
    if params:
        out["params"] = params
    return out


IDENTITY = {"kind": "polynomial", "coefficients": ["0", "1"]}
EX = _i(["3/5", "-5/13", "4/5", "12/13", "2", "-1", "1/2"], target="1/3",
        measure={"kind": "lebesgue", "box": [["-1", "1"]]})
THETA0 = _i(["3/5", "4/5", "1", "0"])


_D1 = lambda ev, net: net.d == 1  # noqa: E731
_ANY = None
# The scope of every claim and planted variant (spec §3, §4): (text, test on (ev, network) or None when
# the scope is every shallow network).  A test that fails is a hypothesis certified false (vacuous),
# checked before anything is computed; malformed or unsupported input stays an InputError.
SCOPE = {
    "index-layout": ("any (d, H, 1) network, d, H ≥ 1", _ANY),
    "generalized-gradient": ("d = 1, any H, any input measure on an interval", _D1),
    "generalized-gradient~differentiable-everywhere": ("d = 1, any H, any input measure on an interval", _D1),
    "generalized-gradient~gradient-continuous": ("d = 1, any H, any input measure on an interval", _D1),
    "generalized-gradient~regularity-with-atoms": ("d = 1, any H, θ ∈ M_A, an atomic input law", _D1),
    "submanifold": ("any d, H ≥ 1; θ ∈ M (hypothesis below)", _ANY),
    "representation": ("d = 1 (checked on [A, B]), any H, candidates A and B", _D1),
    "representation~signed-scale": ("d = 1, any H", _D1),
    "representation~no-absorb": ("d = 1, any H", _D1),
    "regularity": ("d = 1, any H, θ ∈ M, a bounded density (variant)", _D1),
    "regularity~lipschitz-unbounded-p": ("d = 1, any H, θ ∈ M, an integrable density", _D1),
    "euler-identity": ("any θ, d, H, any input measure", _ANY),
    "projected-field": ("M_A: any d, H; M_B: d = 1; θ ∈ M",
                        lambda ev, net: _manifold(ev) == "A" or net.d == 1),
    "critical-points-coincide": ("any d, H, any input measure; θ ∈ M", _ANY),
    "energy-identity": ("normalized flow, d = 1, any H; θ ∈ M; trajectory form: bounded density", _D1),
    "energy-identity~full-gradient": ("normalized flow, d = 1, any H; θ ∈ M", _D1),
    "energy-identity~gd-monotone": ("projected GD on M_A, d = 1, any H; θ ∈ M_A", _D1),
    "kink-geometry": ("d = 1, any H, neurons with w_i ≠ 0", _D1),
    "kappa-conservation": ("standard flow, any θ, d, H, any input measure", _ANY),
    "kappa-conservation~normalized": ("normalized flow on M_A, any d, H", _ANY),
    "kappa-conservation~sphere-under-standard": ("standard flow from θ ∈ M_A, any d, H", _ANY),
    "standard-gf-normalized-coords": ("candidate A, any d, H, neurons with ρ_i > 0 rational", _ANY),
    "bounded-gf-h1": ("d = 1, H = 1 (variant H-any: any H), Lipschitz f, a density (variant), θ ∈ M", _ANY),
    "bounded-gf-h1~coercive-sublevel": ("d = 1, H = 1, Lipschitz f, θ ∈ M_A", _ANY),
    "bounded-gf-h1~uniform-bound": ("d = 1, H = 1, Lipschitz f, a bounded density, θ ∈ M_A", _ANY),
    "open-standard-gf": ("d = 1, H = 1 (variant H-any: any H), Lipschitz f, a density (variant)", _ANY),
}


def _scoped(key, fn):
    """``fn`` with its scope (SCOPE[key]) as the first hypothesis."""
    text, test = SCOPE[key]

    def evaluate(ev):
        net = ev.inst.net
        if test is not None and isinstance(net, Network) and not test(ev, net):
            return [], [Hypothesis(f"scope: {text}", False, f"outside the claim's scope: a {net.d}-{net.H}-1 network"
                                                            + ("" if _manifold(ev) == "A" else " on M_B"))]
        rels, hyp = fn(ev)
        return rels, [Hypothesis(f"scope: {text}", True)] + list(hyp)
    evaluate.__doc__ = fn.__doc__
    evaluate.__name__ = getattr(fn, "__name__", key)
    return evaluate


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_FLOW = {"T": Param("rational > 0", None, "horizon of the certified flow enclosure on [0, T] (none: no enclosure)"),
         "h0": Param("rational > 0", "1/4", "initial (and largest) step of the enclosure"),
         "order": Param("int", 8, "Taylor order of the enclosure's steps (H = 1; 0: the second-order stepper only)"),
         "tol": Param("rational", "1/100000", "the enclosure's tolerance"),
         "max_steps": Param("int", 4000, "step limit of the enclosure")}
_CERT = {"certify_seconds": Param("rational ≥ 0", 30, "time for the invariant-box / Łojasiewicz-length certificates "
                                                      "of sup_t|Θ_t| < ∞ (0: only the exact ones)"),
         "certificates": Param("list of names", ["budget", "trap", "length", "dying", "box"],
                               "which infinite-horizon certificates to try, in this order: angle budget, sublevel "
                               "trap, Łojasiewicz length, dying neuron, invariant box")}
PARAMS = {
    "generalized-gradient": {"direction": Param("list of rationals", [], "a direction (one entry per parameter)"),
                             "eps": Param("rational > 0", "1/10", "ε₀ of the one-sided limit formula")},
    "regularity": {"radius": Param("rational > 0", "1/64", "half-width r of the box X around θ"),
                   "K": Param("rational ≥ 0", None, "a claimed Lipschitz constant (HOLDS if K_X ≤ K)"),
                   "t2": Param("rational", "t + r/4", "circle parameter of the second point θ′ (M_A)")},
    "energy-identity": {**_FLOW, "cross_check_seconds": Param("rational ≥ 0", 1, "wall-clock budget of the "
                                                                                  "enclosure cross-check of the "
                                                                                  "trajectory form (0: none; the "
                                                                                  "verdict does not rest on it)"),
                        "eta": Param("rational", 2, "the GD step of the monotonicity check")},
    "bounded-gf-h1": {**_FLOW, **_CERT, "bound": Param("rational", 10, "the explicit bound checked on the trajectory"),
                      "lambda": Param("rational", 0, "λ of the bound"),
                      "C": Param("rational", 10, "the uniform bound C on |θ_0|_∞")},
    "open-standard-gf": {**_FLOW, **_CERT, "bound": Param("rational", None, "an explicit bound to check"),
                         "probe": Param("rational > 0", None, "run the float growth probe of ṽ(t) on [0, probe]"),
                         "certify_above": Param("rational", "1/10", "certify starts whose probe growth α exceeds this"),
                         "certify_T": Param("rational > 0", "1/2", "horizon of those certified enclosures")},
}
STATEMENT_SUBS = {"p-bdd-pos": [("bounded density p", "density 0 < p_min ≤ p ≤ p_max"),
                                ("f, density p", "f, density 0 < p_min ≤ p ≤ p_max")],
                  "p-cont": [("bounded density p", "continuous density p"), ("f, density p", "f, continuous density p")],
                  "p-uniform": [("bounded density p", "uniform density p"), ("f, density p", "f, uniform density p")],
                  "H-any": [("H = 1, d = 1", "d = 1, any width H")],
                  "manifold-B": [("on M:", "on M_B:"), ("on the manifold", "on M_B")]}

def _claim(id_, prov, statement, fn, *, groups=(), examples=(), mutants=(), instances=None):
    return register(Claim(id=f"ejrw22.{id_}", source=SOURCE, provenance=prov, statement=statement,
                          evaluate=_scoped(id_, fn), note=f"{NOTE}#{id_}", examples=list(examples),
                          variant_groups=groups, mutants=list(mutants), family="ejrw22",
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS,
                          instances=instances or _inst()))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    return Mutant(parent=f"ejrw22.{parent}", name=name, spec_name=spec, statement=statement,
                  evaluate=_scoped(f"{parent}~{name}", fn), witness=witness, forced_variants=forced or {},
                  instances=instances)


def _fixed(inst):
    def make():
        from hypothesis import strategies as st

        return st.just(inst)
    return make


def _probe_instances():
    from .. import strategies as vst

    return vst.open_problem_starts()


def _family(n_values, params):
    """θ_n = ((2n−1)/(2n²−2n+1), 2n(n−1)/(2n²−2n+1), (2n²−2n+1)/(2n−1), −2n(n−1)/(2n−1)) ∈ M_A with
    N^{θ_n}(x) = x on [0, 1] (spec planted 1, 2)."""
    def make():
        from hypothesis import strategies as st

        def build(n):
            q = 2 * n * n - 2 * n + 1
            th = [fmpq(2 * n - 1, q), fmpq(2 * n * (n - 1), q), fmpq(q, 2 * n - 1), fmpq(-2 * n * (n - 1), 2 * n - 1)]
            return _i([to_json(t) for t in th], target=IDENTITY, params=params)
        return st.sampled_from(n_values).map(build)
    return make


_claim("index-layout", "PAPER-FAMILY", "the layout maps are a bijection onto {1..𝔡}; the deep layout with "
       "ℓ = (d, H, 1) is the shallow one", eval_index_layout, examples=[EX])
_claim("generalized-gradient", "PAPER-FAMILY", "wherever t ↦ L(θ + te_k) is differentiable at 0 its derivative is "
       "𝒢_k (ReLU′(0) = 0 formulas)", eval_generalized_gradient, examples=[EX],
       mutants=[_mutant("generalized-gradient", "differentiable-everywhere", "ejrw22.pv.differentiable-everywhere",
                        "L is differentiable on ℝ^𝔡", eval_differentiable_everywhere,
                        _i(["0", "0", "1", "0"], target="1"), instances=_inst(degenerate=True)),
                _mutant("generalized-gradient", "gradient-continuous", "ejrw22.pv.gradient-continuous",
                        "𝒢 is continuous on ℝ^𝔡", eval_gradient_continuous,
                        _i(["0", "0", "1", "0"], target="1", params={"eps": "1/10"}),
                        instances=_inst(degenerate=True, on_manifold=False, params={"eps": "1/20"})),
                _mutant("generalized-gradient", "regularity-with-atoms", "ejrw22.pv.regularity-with-atoms",
                        "L|_{M_A} is differentiable (input law with atoms)", eval_regularity_atoms,
                        _i(["4/5", "-3/5", "1", "0"], target="1",
                           measure={"kind": "empirical", "points": [["3/4"]], "weights": ["1"]},
                           params={"direction": ["3/5", "4/5", "0", "0"]}),
                        instances=_inst(atom_on_kink=True))])
_claim("submanifold", "RECONSTRUCTED", "F_i = |u_i|² − 1 has rank-H derivative on M_A (M_B: |w_i|² − 1), so M is an "
       "embedded C^∞ submanifold of dimension 𝔡 − H", eval_submanifold, groups=("manifold",), examples=[EX])
_claim("representation", "RECONSTRUCTED", "N^{Ψ(θ)} = N^θ everywhere (Ψ: per neuron (u, v) ↦ (u/ρ, ρv)), so M "
       "represents every realization", eval_representation, groups=("manifold",),
       examples=[_i(["3", "-4", "2", "1/2"]), _i(["0", "0", "2", "1"])], instances=_inst(on_manifold=False),
       mutants=[_mutant("representation", "signed-scale", "ejrw22.pv.psi-signed-scale",
                        "Ψ may divide by the signed w", eval_psi_signed, _i(["-2", "1", "1", "0"],
                                                                           measure={"kind": "lebesgue",
                                                                                    "box": [["-1", "1"]]}),
                        instances=_inst(on_manifold=False, negative_w=True)),
                _mutant("representation", "no-absorb", "ejrw22.pv.psi-no-absorb",
                        "Ψ_B need not move a w_i = 0 neuron's constant into c", eval_psi_no_absorb,
                        _i(["0", "1", "1", "0"]), instances=_inst(on_manifold=False, zero_w=True))])
SQRT_DENSITY = {"kind": "power", "box": [["0", "1"]], "coefficient": "1/2", "exponent": "-1/2"}
_claim("regularity", "RECONSTRUCTED", "d = 1, bounded density p: P𝒢 is Lipschitz on every box X ⊂ 𝓡 around θ ∈ M, "
       "with a certified constant K_X (interval Jacobian with the kink boundary terms); a claimed K HOLDS if K_X ≤ K",
       eval_regularity, groups=("manifold", "density"),
       examples=[_i(["3/5", "4/5", "1", "0"], target=IDENTITY, params={"radius": "1/64", "K": "40"}), EX],
       instances=_inst(params={"radius": "1/64"}),
       mutants=[_mutant("regularity", "lipschitz-unbounded-p", "ejrw22.pv.lipschitz-unbounded-p",
                        "P𝒢 is K-Lipschitz near θ ∈ M_A for every integrable p (here p(x) = x^{-1/2}/2 on [0, 1])",
                        eval_lipschitz_unbounded,
                        _i(["1", "0", "1", "1"], measure=SQRT_DENSITY,
                           params={"K": "100", "t2": "-1/10000", "radius": "1/8"}),
                        instances=_inst(singular_density=True))])
_claim("euler-identity", "DERIVED", "⟨g_i, u_i⟩ = v_i 𝒢_{v_i} for every θ and every neuron", eval_euler, examples=[EX],
       instances=_inst(on_manifold=False))
_claim("projected-field", "RECONSTRUCTED", "P is the orthogonal projection onto T_θM (symmetric, idempotent), P𝒢 is "
       "tangent, and on M_A w' = −𝒢_w + w v𝒢_v, b' = −𝒢_b + b v𝒢_v, v' = −𝒢_v, c' = −𝒢_c", eval_projected_field,
       groups=("manifold", "projection"), examples=[EX])
_claim("critical-points-coincide", "DERIVED", "on M: P𝒢(θ) = 0 ⇔ 𝒢(θ) = 0", eval_critical, groups=("manifold",),
       examples=[EX, THETA0])
_claim("energy-identity", "RECONSTRUCTED", "along the normalized flow dL/dt = ⟨𝒢, −P𝒢⟩ = −|P𝒢|² (pointwise form); "
       "with params.T: L(Θ_T) = L(Θ_0) − ∫₀ᵀ|P𝒢(Θ_s)|² ds (a theorem for bounded p; the enclosure cross-checks it)",
       eval_energy, groups=("manifold", "density"),
       examples=[EX, _i(["4/5", "-3/5", "1", "0"], target=IDENTITY, params={"T": "1/2"})],
       instances=_inst(horizon=True),
       mutants=[_mutant("energy-identity", "full-gradient", "ejrw22.pv.energy-full-gradient",
                        "dL/dt = −|𝒢|² along the normalized flow", eval_energy_full, THETA0),
                _mutant("energy-identity", "gd-monotone", "ejrw22.pv.gd-monotone",
                        "projected GD with retraction decreases L for every step η > 0", eval_gd_monotone,
                        _i(["-1", "0", "0", "0"], target="1", params={"eta": "2"}),
                        instances=_inst(H=1, params={"eta": "4"}))])
_claim("kink-geometry", "DERIVED", "x_0' = (𝒢_b + x_0𝒢_w)/w along both flows; on M_A |w| = (1 + x_0²)^{-1/2}, so a kink "
       "in [A, B] bounds |w| below", eval_kink_geometry, examples=[EX])
_claim("kappa-conservation", "DERIVED", "κ_i = |w_i|² + b_i² − v_i² is constant along the standard flow", eval_kappa,
       examples=[EX], instances=_inst(on_manifold=False),
       mutants=[_mutant("kappa-conservation", "normalized", "ejrw22.pv.kappa-on-normalized",
                        "κ is conserved by the normalized flow", eval_kappa_normalized, THETA0),
                _mutant("kappa-conservation", "sphere-under-standard", "ejrw22.pv.sphere-under-standard",
                        "the standard flow preserves M_A", eval_sphere_standard, THETA0)])
_claim("standard-gf-normalized-coords", "DERIVED", "Ψ maps the standard flow to the normalized flow with the "
       "per-neuron preconditioner û' = ρ⁻²[u'], ṽ' = (v² + ρ²)[v'], and ρ² = (κ + √(κ² + 4ṽ²))/2",
       eval_normalized_coords, examples=[_i(["3", "-4", "2", "1/2"])], instances=_inst(on_manifold=False,
                                                                                        pythagorean=True))
_claim("bounded-gf-h1", "ABSTRACT", "H = 1, d = 1, Lipschitz f, density p: every normalized GF trajectory on M is "
       "bounded (HOLDS only via certificates for every solution: stationarity, a dead start, a constant-target "
       "Lyapunov function, an invariant box, a Łojasiewicz length or a dying-neuron bound; UNKNOWN otherwise; an "
       "explicit bound params.bound is checked under a certificate and on [0, params.T] by a certified enclosure)",
       eval_bounded, groups=("manifold", "density", "scope"),
       examples=[_i(["-3/5", "-4/5", "1", "0"], target="1", params={"bound": "2"})],
       instances=_inst(H=1, horizon=True),
       mutants=[_mutant("bounded-gf-h1", "coercive-sublevel", "ejrw22.pv.coercive-sublevel",
                        "{θ ∈ M : L(θ) ≤ λ} is bounded (by params.bound)", eval_coercive,
                        _i(["19/181", "180/181", "181/19", "-180/19"], target=IDENTITY, params={"bound": "9"}),
                        instances=_family([10, 20, 40], {"bound": "9"})),
                _mutant("bounded-gf-h1", "uniform-bound", "ejrw22.pv.uniform-bound",
                        "sup_t |Θ_t| ≤ C(L(Θ_0), Lip f, A, B, p) with no other dependence on Θ_0", eval_uniform_bound,
                        _i(["19/181", "180/181", "181/19", "-180/19"], target=IDENTITY, params={"C": "9"}),
                        instances=_family([10, 20, 40], {"C": "9"}))])
_claim("open-standard-gf", "ABSTRACT", "boundedness of the standard GF (H = 1, d = 1, Lipschitz f) is open: HOLDS per "
       "instance only via exact certificates, never for the universal statement; params.probe runs the float "
       "growth probe of ṽ(t) (search objective) and certifies the most suspicious starts on a finite horizon",
       eval_open_standard, groups=("density", "scope"),
       examples=[_i(["-3/5", "-4/5", "1", "0"], target="1")],
       instances=_probe_instances)
