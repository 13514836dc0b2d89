"""gsgd19 claims, registration: the example networks (ONE, BIASED, EX_223, EX_2332) and data set
DATA_2, the Hypothesis instance thunks of `verify.gsgd19.strategies`, the ``params`` of every
claim, the ReLU scope wrapper, and the 13 claims with their mutants, registered in the order of
the spec with their provenance tags ([ABSTRACT], [PAPER-FAMILY], [RECONSTRUCTED], [DERIVED])."""

from __future__ import annotations

import functools

from flint import fmpq

from ...framework import Claim, Hypothesis, Mutant, Param
from ...dag import DagNetwork
from ...registry import register
from .common import NOTE, RISK, SOURCE
from .path_values import (
    eval_determine_class, eval_nonbasis_exponents, eval_nonpositive_c, eval_path_sum, eval_path_sum_no_bias,
    eval_path_value_invariance, eval_rank_dead_end, eval_relu6, eval_rescaling_invariance, eval_skeleton_basis,
    eval_skeleton_unequal, eval_structure_rank)
from .training import (
    eval_always_defined, eval_conservation, eval_conservation_no_bias, eval_icr, eval_icr_arbitrary_z,
    eval_sgd_trajectory, eval_sign_preserved, eval_trajectory_invariance, eval_wa_exact, eval_wa_simple)
from .float_pathnorm import eval_float_no_side, eval_float_non_pow2, eval_float_pow2, eval_pathnorm, eval_pathnorm_relu6


# --------------------------------------------------------------------------------------------
# instances, examples, registration


def _inst(**kw):
    """Thunk of `strategies.path_instances` with ``kw`` (Hypothesis imported on first use)."""
    def make():
        from .. import strategies as vst

        return vst.path_instances(**kw)
    return make


def _mlp(widths, W, b=None):
    out = {"kind": "mlp", "widths": widths, "W": W}
    if b is not None:
        out["b"] = b
    return out


ONE = _mlp([1, 1, 1], [[["1"]], [["1"]]])
BIASED = _mlp([1, 1, 1], [[["1"]], [["1"]]], [["1"], ["0"]])
EX_223 = _mlp([2, 2, 2], [[["1", "-2"], ["3/2", "1/2"]], [["1", "2"], ["-1", "1/3"]]])
EX_2332 = _mlp([2, 3, 3, 2], [[["1", "-1", "2"], ["1/2", "3", "-1"]],
                              [["1", "2", "-1"], ["1/3", "1", "1"], ["2", "-1", "1/2"]],
                              [["1", "-1"], ["2", "1/2"], ["-3", "1"]]])
DATA_2 = [{"x": ["1", "2"], "y": ["0", "1"]}, {"x": ["-1", "1/2"], "y": ["1", "0"]}]


# claims whose statement does not involve the activation (structure of A, bases, exponents,
# weights-only equivalence, |w|^q path-norms) or that set it themselves (the ReLU6 mutants)
_ANY_ACTIVATION = {"eval_structure_rank", "eval_rank_dead_end", "eval_skeleton_basis", "eval_skeleton_unequal",
                   "eval_nonbasis_exponents", "eval_determine_class", "eval_icr_arbitrary_z", "eval_relu6",
                   "eval_pathnorm", "eval_pathnorm_relu6"}


def _relu_scope(fn):
    """``fn`` with the scope hypothesis "the network's activation is ReLU" (positive homogeneity,
    ReLU(z) = z·ReLU′(z)): a ReLU6 network is outside the claim's scope, never a violation."""
    if fn.__name__ in _ANY_ACTIVATION:
        return fn

    @functools.wraps(fn)
    def run(ev):
        net = ev.inst.net
        if isinstance(net, DagNetwork) and net.activation != "relu":
            return [], [Hypothesis("the activation is ReLU", False,
                                   f"outside the claim's scope: activation {net.activation}")]
        return fn(ev)
    return run


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_C = {"c": Param("list of rationals > 0", None, "one rescaling factor per hidden node (default: drawn fixed factors)")}
_X = {"x": Param("list of inputs", None, "the inputs x (default: a fixed set)")}
_DATA = {"data": Param("list of [x, y] pairs", None, "required: the training data")}
_SGD = {**_DATA, "eta": Param("rational > 0", None, "required: the learning rate η"),
        "steps": Param("int 1..50", 1, "the number of steps")}
PARAMS = {
    "rescaling-invariance": {**_C, **_X}, "path-value-invariance": {**_C, **_X}, "path-sum": _X,
    "path-values-determine-class": {"other": Param("network", None, "required: a second network on the same graph"),
                                    **_X},
    "conservation": _DATA, "icr": {**_DATA, "z": Param("list of rationals", None, "the right-hand side z (default: "
                                                                                   "w ⊙ ∂L/∂w on params.data)")},
    "wa-exact": _SGD, "gsgd-trajectory-invariance": {**_SGD, **_C}, "float-pow2-bitwise": {**_C, **_X},
    "pathnorm-from-path-values": {"q": Param("rational ≥ 0", 1, "the path-norm exponent q"), **_C},
}
STATEMENT_SUBS = {"relu-prime-zero": [("any ReLU′(0) ∈ {0, 1}", "ReLU′(0) = 0")],
                  "relu-prime-one": [("any ReLU′(0) ∈ {0, 1}", "ReLU′(0) = 1")],
                  "rank-mlp": [("rank_ℚ A = m + n_b − H (= m − H bias-free) for MLPs and for DAGs in which every "
                                "edge and hidden node lies on a path (from an input or a bias to an output)",
                                "rank_ℚ A = m − H for bias-free MLPs")],
                  "rank-dag-all-on-path": [("rank_ℚ A = m + n_b − H (= m − H bias-free) for MLPs and for DAGs",
                                            "rank_ℚ A = m − H for bias-free DAGs")],
                  "basis-tree": [("equal hidden widths, official mod mapping", "any DAG, tree construction")],
                  "basis-rref": [("equal hidden widths, official mod mapping", "any DAG, pivot paths of rref(A)")]}

def _claim(id_, prov, statement, fn, *, groups=(), examples=(), mutants=(), instances=None, params_doc="", fast=False):
    fn = _relu_scope(fn)
    return register(Claim(id=f"gsgd19.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=list(examples), variant_groups=groups,
                          mutants=list(mutants), params_doc=params_doc, family="gsgd19", uses_target=False,
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS,
                          instances=instances, fast=fast))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, instances=None):
    fn = _relu_scope(fn)
    return Mutant(parent=f"gsgd19.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {}, instances=instances)


_claim("rescaling-invariance", "ABSTRACT", "N_{g(w)}(x) = N_w(x) for every x and every c ∈ ℚ_{>0}^H "
       "(MLPs and DAGs, with or without biases; kinks included)", eval_rescaling_invariance, fast=True,
       examples=[{"network": EX_2332, "params": {"c": ["2", "3/7", "1", "1/1024", "5", "2"], "x": [["0", "0"],
                                                                                                  ["1", "-1"]]}}],
       instances=_inst(kind="any", biases=None, c=True, x=2),
       params_doc="c: one factor per hidden node; x: list of inputs",
       mutants=[
           _mutant("rescaling-invariance", "nonpositive-c", "gsgd19.pv-invariance-nonpositive-c",
                   "N_{g(w)} = N_w also for c_j ≤ 0", eval_nonpositive_c,
                   {"network": ONE, "params": {"c": ["-1"], "x": [["1"]]}},
                   instances=_inst(kind="mlp", c="signed", x=2, kink=0.0)),
           _mutant("rescaling-invariance", "relu6", "gsgd19.pv-relu6-invariance",
                   "N_{g(w)} = N_w for ReLU6 networks", eval_relu6,
                   {"network": ONE, "params": {"c": ["2"], "x": [["4"]]}},
                   instances=_inst(kind="mlp", c=True, x=2, kink=0.0, big_inputs=True)),
       ])
_claim("path-value-invariance", "ABSTRACT", "v_p(g(w)) = v_p(w) and a_p(x; g(w)) = a_p(x; w) for every path p",
       eval_path_value_invariance, examples=[{"network": EX_223, "params": {"c": ["1/3", "8"], "x": [["0", "0"]]}}],
       instances=_inst(kind="any", biases=None, c=True, x=2, kink=0.8))
_claim("path-sum", "PAPER-FAMILY", "N^k_w(x) = Σ_{p→k} v_p(w) a_p(x; w) x_{i_0} (+ bias paths, input factor 1)",
       eval_path_sum, examples=[{"network": BIASED, "params": {"x": [["0"], ["-2"]]}}],
       instances=_inst(kind="any", biases=None, x=2),
       mutants=[_mutant("path-sum", "no-bias", "gsgd19.pv-path-sum-no-bias",
                        "the bias-free path sum represents a biased network", eval_path_sum_no_bias,
                        {"network": BIASED, "params": {"x": [["0"]]}},
                        instances=_inst(kind="any", biases=True, x=2))])
_claim("path-values-determine-class", "ABSTRACT", "nonzero weights, sgn(w) = sgn(w') and v_p(w) = v_p(w') for "
       "every p ⇒ w' = g(w) for some g ∈ 𝒢 (hypotheses [RECONSTRUCTED]; scope: every edge, bias edges included, lies "
       "on a path from an input or a bias to an output)", eval_determine_class,
       groups=("pv-class",),
       examples=[{"network": EX_223, "params": {"other": DagNetwork.from_json(EX_223).scale(
           [fmpq(2), fmpq(1, 5)]).to_json()}}],
       instances=_inst(kind="any", biases=None, other=True),
       params_doc="other: a second network on the same graph; x: inputs (function-level variant)",
       mutants=[
           _mutant("path-values-determine-class", "no-sign", "gsgd19.pv-sufficiency-no-sign",
                   "equal path values alone ⇒ w' = g(w)", eval_determine_class,
                   {"network": ONE, "params": {"other": _mlp([1, 1, 1], [[["-1"]], [["-1"]]]), "x": [["1"]]}},
                   forced={"pv-class": "class-values-only"}, instances=_inst(kind="mlp", other="flip")),
           _mutant("path-values-determine-class", "zeros", "gsgd19.pv-sufficiency-zeros",
                   "equal signs and path values ⇒ w' = g(w), zero weights allowed", eval_determine_class,
                   {"network": _mlp([1, 1, 2], [[["0"]], [["1", "1"]]]),
                    "params": {"other": _mlp([1, 1, 2], [[["0"]], [["1", "2"]]])}},
                   forced={"pv-class": "class-signs-only"}, instances=_inst(kind="mlp", other="dead")),
       ])
_claim("structure-rank", "DERIVED", "rank_ℚ A = m + n_b − H (= m − H bias-free) for MLPs and for DAGs in which every "
       "edge and hidden node lies on a path (from an input or a bias to an output); in general rank A = m' − H' over "
       "on-path edges (bias edges included) and hidden nodes; ker A^⊤ = span{u^(j)}", eval_structure_rank, groups=("rank-form",),
       examples=[{"network": EX_2332}, {"network": {"kind": "dag", "nodes": ["input", "input", "hidden", "hidden",
                                                                               "output"],
                                                    "edges": [[0, 2, "1"], [0, 3, "1"], [1, 2, "1"], [1, 3, "1"],
                                                              [2, 4, "1"], [3, 4, "1"], [0, 4, "1"]],
                                                    "biases": [[2, "1"], [3, "1"], [4, "1"]]}}],
       instances=_inst(kind="any", biases=None, zero_probability=0.1),
       mutants=[_mutant("structure-rank", "dead-end", "gsgd19.pv-rank-dead-end", "rank A = m − H for every DAG",
                        eval_rank_dead_end,
                        {"network": {"kind": "dag", "nodes": ["input", "input", "hidden", "hidden", "output"],
                                     "edges": [[0, 2, "1"], [1, 2, "1"], [0, 3, "1"], [1, 3, "1"], [2, 4, "1"]]}},
                        instances=_inst(kind="dag", biases=False, dead_end=True))])
_claim("skeleton-basis", "DERIVED", "equal hidden widths, official mod mapping: the paths with at most one "
       "non-skeleton weight are independent, number m − H and span col A (rule [RECONSTRUCTED])",
       eval_skeleton_basis, groups=("basis-method",), examples=[{"network": EX_2332}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 5)),
       mutants=[_mutant("skeleton-basis", "unequal-widths", "gsgd19.pv-skeleton-unequal-widths",
                        "the mod-mapping skeleton gives a basis for unequal widths too", eval_skeleton_unequal,
                        {"network": _mlp([2, 3, 2, 2], [[["1"] * 3] * 2, [["1"] * 2] * 3, [["1"] * 2] * 2])},
                        instances=_inst(kind="mlp", equal=False, layers=(3, 4)))])
_claim("nonbasis-exponents", "DERIVED", "v_p = Π_r v_{b(e_r)} / Π_{r<k} V_{c_r} for a path with non-skeleton edges "
       "e_1..e_k; the exponent matrix M with A_nonbasis = A_basis M is this integer matrix",
       eval_nonbasis_exponents, examples=[{"network": EX_2332}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 4)))
_claim("conservation", "DERIVED", "Σ_{e∈in(j)} w_e ∂_eL = Σ_{e∈out(j)} w_e ∂_eL at every hidden node j (a bias into j "
       "is in in(j)); any ReLU′(0) ∈ {0, 1}", eval_conservation, groups=RISK, fast=True,
       examples=[{"network": BIASED, "params": {"data": [{"x": ["1"], "y": ["0"]}]}},
                 {"network": EX_2332, "params": {"data": DATA_2}}],
       instances=_inst(kind="any", biases=None, data=True, zero_probability=0.1, kink_data=True),
       mutants=[_mutant("conservation", "no-bias", "gsgd19.pv-conservation-no-bias",
                        "conservation with in(j) the weight edges only", eval_conservation_no_bias,
                        {"network": BIASED, "params": {"data": [{"x": ["1"], "y": ["0"]}]}},
                        instances=_inst(kind="any", biases=True, data=True))])
_claim("icr", "RECONSTRUCTED", "inverse chain rule: B y = z (z = w ⊙ ∂L/∂w) is consistent with a unique solution, "
       "∂L/∂v_p = y_p/v_p, and equals the closed form of the official code (equal widths)", eval_icr, groups=RISK,
       examples=[{"network": EX_2332, "params": {"data": DATA_2}}],
       instances=_inst(kind="any", biases=None, data=True, kink_data=True),
       mutants=[_mutant("icr", "arbitrary-z", "gsgd19.pv-icr-arbitrary-z", "B y = z is consistent for any z",
                        eval_icr_arbitrary_z, {"network": ONE, "params": {"z": ["1", "2"]}},
                        instances=_inst(kind="mlp", z=True, layers=(1, 3)))])
_claim("wa-exact", "RECONSTRUCTED", "weight allocation realizes SGD on the basis values exactly: v_p(w^{t+1}) = "
       "v_p^t − η ∂L/∂v_p^t for every basis path, each of 1-50 steps", eval_wa_exact,
       groups=("wa", "icr") + RISK,
       examples=[{"network": EX_2332, "params": {"data": DATA_2, "eta": "1/50", "steps": 2}}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 4), nonzero=True, data=True, eta=True, steps=(1, 3)),
       params_doc="data, eta, steps",
       mutants=[
           _mutant("wa-exact", "simple-code", "gsgd19.pv-wa-simple-code",
                   "the older WA code (w ← w − ηg/V_a², no ÷R_a) realizes basis-value SGD", eval_wa_simple,
                   {"network": _mlp([1, 2, 2], [[["1", "1"]], [["1", "1"], ["1", "1"]]]),
                    "params": {"data": [{"x": ["1"], "y": ["0", "0"]}], "eta": "1/10", "steps": 1}},
                   forced={"wa": "wa-simple"}),
           _mutant("wa-exact", "sign-preserved", "gsgd19.pv-gsgd-sign-preserved",
                   "G-SGD keeps sgn(w) (so N' = Σ_p v'_p x on the data)", eval_sign_preserved,
                   {"network": ONE, "params": {"data": [{"x": ["1"], "y": ["0"]}], "eta": "2", "steps": 1}},
                   instances=_inst(kind="mlp", equal=True, layers=(2, 3), nonzero=True, data=True, eta="large",
                                   steps=(1, 2))),
           _mutant("wa-exact", "always-defined", "gsgd19.pv-gsgd-always-defined",
                   "the G-SGD iterates stay in the domain (nonzero basis values) for every η > 0", eval_always_defined,
                   {"network": ONE, "params": {"data": [{"x": ["1"], "y": ["0"]}], "eta": "1", "steps": 2}},
                   instances=_inst(kind="mlp", equal=True, layers=(2, 2), nonzero=True, data=True, eta="unit",
                                   steps=(1, 2), small=True)),
       ])
_claim("gsgd-trajectory-invariance", "DERIVED", "if w̃_0 = g(w_0), G-SGD gives w̃_t = g(w_t) for every t with the same "
       "g, hence identical functions and loss curves", eval_trajectory_invariance,
       groups=("gauge",) + RISK,
       examples=[{"network": EX_2332, "params": {"data": [{"x": ["1", "2"], "y": ["0", "1"]},
                                                          {"x": ["-1", "1/2"], "y": ["1", "0"]},
                                                          {"x": ["1/2", "1/2"], "y": ["1", "1"]}],
                                                 "eta": "1/50", "steps": 2, "c": ["2", "1/3", "5", "1", "7/2", "1/2"]}}],
       instances=_inst(kind="mlp", equal=True, layers=(2, 3), nonzero=True, data=True, eta=True, steps=(1, 2),
                       c="rational"),
       mutants=[_mutant("gsgd-trajectory-invariance", "sgd", "gsgd19.pv-sgd-trajectory-invariance",
                        "plain SGD from w̃_0 = g(w_0) gives w̃_t = g(w_t)", eval_sgd_trajectory,
                        {"network": ONE, "params": {"data": [{"x": ["1"], "y": ["0"]}], "eta": "1/10", "steps": 1,
                                                    "c": ["2"]}})])
_claim("float-pow2-bitwise", "DERIVED", "the float64 forward pass of g(w) with every c_j = 2^{k_j} is bitwise equal "
       "to that of w unless some intermediate overflows, underflows or is subnormal", eval_float_pow2,
       examples=[{"network": _mlp([2, 2, 2], [[["1", "-2"], ["3/2", "1/2"]], [["1", "2"], ["-1", "3/4"]]]),
                  "params": {"c": ["1024", "1/8"], "x": [["1", "3/4"]]}}],
       instances=_inst(kind="any", biases=None, c="pow2", x=2, floats=True),
       mutants=[
           _mutant("float-pow2-bitwise", "overflow", "gsgd19.pv-float-overflow",
                   "bitwise equality without the side condition (overflow)", eval_float_no_side,
                   {"network": ONE, "params": {"c": [str(2 ** 1000)], "x": [[str(2 ** 100)]]}},
                   instances=_inst(kind="mlp", c="pow2-extreme", x=2, floats=True, layers=(2, 3))),
           _mutant("float-pow2-bitwise", "subnormal", "gsgd19.pv-float-subnormal",
                   "bitwise equality without the side condition (subnormals)", eval_float_no_side,
                   {"network": ONE, "params": {"c": ["1/4"], "x": [[(1 + 2 ** -52) * 2.0 ** -1022]]}},
                   instances=_inst(kind="mlp", c="pow2-extreme", x=2, floats=True, tiny=True, layers=(2, 3))),
           _mutant("float-pow2-bitwise", "non-pow2", "gsgd19.pv-float-non-pow2",
                   "bitwise equality for factors c that are not powers of two", eval_float_non_pow2,
                   {"network": ONE, "params": {"c": ["3"], "x": [[0.3]]}},
                   instances=_inst(kind="mlp", c="float", x=2, floats=True, layers=(2, 3))),
       ])
_claim("pathnorm-from-path-values", "ABSTRACT", "‖Φ(w)‖_q^q = Σ_p |v_p(w)|^q = Σ_k s^L_k (the |w|^q network on an "
       "all-ones input, bias paths included) and it is 𝒢-invariant", eval_pathnorm, groups=("pathnorm-q0",),
       examples=[{"network": EX_2332, "params": {"q": 1, "c": ["2", "3", "1/7", "1", "1", "1/2"]}}],
       instances=_inst(kind="any", biases=None, c=True, q=True, zero_probability=0.1),
       mutants=[_mutant("pathnorm-from-path-values", "relu6-forward", "gsgd19.pv-pathnorm-relu6-forward",
                        "the toolkit's forward pass with ReLU6 kept computes Σ_p |v_p|^q", eval_pathnorm_relu6,
                        {"network": _mlp([1, 1, 1], [[["10"]], [["1"]]]), "params": {"q": 1}},
                        instances=_inst(kind="mlp", q=True, big=True))])
