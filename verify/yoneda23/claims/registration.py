"""The registration of the yoneda23 claims and their planted violations (mutants), in the order the
suite runs them; the params each claim reads (PARAMS) and the statement substitutions of the
variants (STATEMENT_SUBS).
"""

from __future__ import annotations

from ...framework import Claim, Mutant, Param
from ...registry import register
from .common import ALL_GROUPS, NOTE, SOURCE
from .dynamics import dropping, eval_cells, eval_monotone, eval_pointwise, eval_rate, eval_time_to_exactness
from .lemmas import (eval_backprop, eval_boundary_set, eval_feature_error, eval_feature_no_d, eval_finite_n,
                     eval_n_limit, eval_reduction, eval_relu_identities, eval_sparse_shape, eval_squaring_below,
                     eval_squaring_error, eval_squaring_half)


# ============================================================================================
# registration


def _inst(kind, **kw):
    def make():
        from .. import strategies as vst

        return vst.yoneda23_instances(kind, **kw)
    return make


def _i(params=None, **knobs):
    net = {"kind": "d0"}
    net.update({k: v for k, v in knobs.items()})
    out = {"network": net}
    if params:
        out["params"] = params
    return out


# every instance 'params' key each claim reads: {claim: {key: Param(type, default, meaning)}}
_PTS = {"x": Param("list of points in [−1, 1)^d", None, "the points x (default: a fixed set)")}
_TH = {"theta": Param("list of rationals", "θ^0", "the parameter vector θ (default: the network's θ^0)")}
PARAMS = {
    "relu-identities": {"z": Param("rational", "1/3", "z"), "y": Param("rational", "2/5", "y"),
                        "a": Param("rational", 4, "a of the ramp"), "b": Param("rational", "2/5", "b of the ramp"),
                        "r": Param("rational", "1/4", "r of the ramp")},
    "squaring-error": {"z": Param("rational in [0, 1]", "1/2^(N+1)", "the point z")},
    "feature-error": _PTS, "boundary-set": _PTS, "n-limit": _PTS, "pointwise-convergence": _PTS,
    "minibatch-cells": {**_PTS, "t": Param("int", 4096, "the horizon in steps")},
    "backprop-gradient": _TH, "d1-exact-reduction": _TH,
    "rate-t13": {"C": Param("rational", None, "a user's constant C to check (the paper states none)"),
                 "c1": Param("rational", None, "a user's constant c_1"), "c2": Param("rational", None, "a user's constant c_2"),
                 "t0": Param("int", None, "the start t_0 of the rate (default: certified)")},
    "time-to-exactness": {**_PTS, "T": Param("int", None, "a user's time T to check for every point")},
}
STATEMENT_SUBS = {"relu0-one": [("σ'(0) convention", "σ'(0) = 1"), ("ReLU′(0) = 0", "ReLU′(0) = 1")],
                  "relu0-zero": [("σ'(0) convention", "σ'(0) = 0")],
                  "err-r1": [("‖_r^r", "‖_1"), ("‖f − f°_N‖_r^r", "‖f − f°_N‖_1")],
                  "eta-decay": [("η ≤ 1/5", "η_t = η(t + 1)^{−1/2}, η ≤ 1/5")],
                  "limit-closed": [("r_N(x) ≠ 1/4", "r_N(x) ≠ 1/4 (f°_N = 1{r_N ≤ R²})")]}

def _claim(id_, prov, statement, fn, *, groups=ALL_GROUPS, examples=(), mutants=(), kind=None):
    return register(Claim(id=f"yoneda23.{id_}", source=SOURCE, provenance=prov, statement=statement, evaluate=fn,
                          note=f"{NOTE}#{id_}", examples=list(examples), variant_groups=groups, mutants=list(mutants),
                          family="yoneda23", instances=_inst(kind or id_),
                          params=PARAMS.get(id_, {}), statement_subs=STATEMENT_SUBS))


def _mutant(parent, name, spec, statement, fn, witness, forced=None, kind=None):
    return Mutant(parent=f"yoneda23.{parent}", name=name, spec_name=spec, statement=statement, evaluate=fn,
                  witness=witness, forced_variants=forced or {}, instances=_inst(kind or name))


_claim("relu-identities", "DERIVED", "|z| = σ(z) + σ(−z); 2σ(z) − 4σ(z − 1/2) + 2σ(z − 1) is the hat g; σ(y) − σ(y − 1) "
       "= min{1, max{0, y}}, so σ(a(b − r)) − σ(a(b − r) − 1) is the ramp u for every sign of a", eval_relu_identities,
       groups=(), examples=[_i({"z": "1/2", "y": "-3", "a": "-2", "b": "1/4", "r": "1/8"}), _i()])
_claim("squaring-error", "DERIVED", "φ_N(z) = z − Σ_{k≤N} g_k(z)/4^k interpolates z² on the grid k/2^N, slope (2k+1)/2^N, "
       "0 ≤ φ_N − z² ≤ 2^{−2N−2} on [0, 1] with equality at the midpoints; the D0 layers compute it exactly",
       eval_squaring_error, groups=("y-feature",), examples=[_i({"z": "1/8"}), _i({"z": "1/3"}, N=4)],
       mutants=[_mutant("squaring-error", "half-constant", "yoneda23.pv.lemma-constants (a)",
                        "φ_N(z) − z² ≤ 2^{−2N−3}", eval_squaring_half, _i({"z": "1/8"}), kind="lemma-z"),
                _mutant("squaring-error", "below-square", "yoneda23.pv.lemma-constants (b)", "φ_N(z) ≤ z²",
                        eval_squaring_below, _i({"z": "1/8"}), kind="lemma-z")])
_claim("feature-error", "DERIVED", "0 ≤ r_N(x) − |x|² ≤ d·2^{−2N−2} on [−1, 1]^d", eval_feature_error,
       groups=("y-feature",), examples=[_i({"x": [["1/8", "1/8"]]}, d=2), _i({"x": ["-1/3"]})],
       mutants=[_mutant("feature-error", "no-d-factor", "yoneda23.pv.lemma-constants (c)",
                        "r_N(x) − |x|² ≤ 2^{−2N−2} (the factor d dropped)", eval_feature_no_d,
                        _i({"x": [["1/8", "1/8"]]}, d=2), kind="lemma-x")])
_claim("sparse-shape", "DERIVED", "D0 has width ≤ 4d, N + 3 hidden layers and 13dN + d + 4 (N ≥ 1) / 4d + 4 (N = 0) "
       "non-zero weights: O(dN) ('sparse, special shape' is [ABSTRACT])", eval_sparse_shape,
       groups=("y-feature",), examples=[_i(), _i(d=3, N=0), _i(d=2, N=5)])
_claim("boundary-set", "DERIVED", "f°_N(x) ≠ f°(x) ⇔ |x|² ≤ 1/4 ≤ r_N(x); equality off the shell |x|² ∈ "
       "[1/4 − d2^{−2N−2}, 1/4]; for d = 1, N ≥ 1 they differ only at |x| = 1/2", eval_boundary_set,
       examples=[_i({"x": ["1/2", "-1/2", "9/20"]}), _i({"x": [["3/10", "2/5"], ["1/4", "1/4"]]}, d=2, N=1)])
_claim("n-limit", "RECONSTRUCTED", "for |x| ≠ 1/2: f°_N(x) = f°(x) for N ≥ N_0(x) (exact threshold), hence f°_N → f° "
       "pointwise as N → ∞ (proof [DERIVED] exact)", eval_n_limit,
       examples=[_i({"x": ["2/5", "3/5", "63/128"]}), _i({"x": [["3/10", "3/10"]]}, d=2)],
       mutants=[_mutant("n-limit", "finite-n-equality", "yoneda23.pv.finite-n-equality",
                        "f°_N = f° off the sphere already at finite N", eval_finite_n,
                        _i({"x": [["3/10", "3/10"]]}, d=2, N=1), kind="finite-n")])
_claim("backprop-gradient", "DERIVED", "backprop through the D0 network (σ'(0) convention, ties logged) equals the "
       "closed forms of ∂L/∂w, ∂L/∂c (∂L/∂a, ∂L/∂b); population d = 1: exact rationals, L(θ^0) = 121/5625, "
       "∂L/∂w = 113/11250, ∂L/∂c = 7/375", eval_backprop,
       examples=[_i(), _i(batch={"kind": "data", "X": [["-3/4"], ["-1/4"], ["1/4"], ["3/4"], ["7/20"]]}),
                 _i(head="ab", batch={"kind": "grid", "n": 3})])
_claim("d1-exact-reduction", "DERIVED", "d = 1, N ≥ 1, in the regime: L = F(λ)/(3a), F = ρ_Rλ³ + ρ_L(1 − λ)³, and the "
       "closed-form GD maps (heads wc and ab) equal the general integrator", eval_reduction,
       examples=[_i(), _i(head="ab"), _i(batch={"kind": "cells", "m": 2})])
_claim("monotone-descent", "RECONSTRUCTED", "default instance: a_t = −w_t strictly increases and L(θ^t) does not "
       "increase, for every t ≥ 0 (certified iterates to t0, then the invariant of 3.10)", eval_monotone,
       examples=[_i()])
_claim("pointwise-convergence", "RECONSTRUCTED", "d = 1, N ≥ 1, head wc, η ≤ 1/5, a_0 > 0 with the ramp meeting the "
       "feature range, population loss: f_N(θ^t, x) → f°_N(x) for every x with r_N(x) ≠ 1/4, eventually exactly "
       "(certified: GD into Z, then an invariant box in (1/a, a(λ − λ*)) closed by interval branch and bound)",
       eval_pointwise, examples=[_i({"x": ["0", "9/20", "3/5", "-7/10"]})],
       mutants=[
           _mutant("pointwise-convergence", "finite-data-freeze", "yoneda23.pv.finite-data-freeze",
                   "the same with a finite data batch (no coverage of the domain)", dropping("coverage"),
                   _i({"x": ["9/20"]}, batch={"kind": "data", "X": [["-3/4"], ["-1/4"], ["1/4"], ["3/4"]]})),
           _mutant("pointwise-convergence", "dead-ramp", "yoneda23.pv.dead-ramp",
                   "the same for every initialization", dropping("init"), _i({"x": ["0"]}, init=["1", "-2"])),
           _mutant("pointwise-convergence", "step-too-large", "yoneda23.pv.step-too-large",
                   "the same for every step size η > 0", dropping("step"), _i({"x": ["0"]}, eta="86")),
           _mutant("pointwise-convergence", "ab-head-fixed-step", "yoneda23.pv.ab-head-fixed-step",
                   "the same with the (slope, threshold) head (a, b) and constant η", dropping("head"),
                   _i({"x": ["51/100"]}, head="ab", init=["19583863/1000000", "23079591/78335452"]), forced={"y-head": "head-ab"}),
           _mutant("pointwise-convergence", "threshold-n0", "yoneda23.pv.threshold-n0",
                   "the same for N = 0", dropping("N"), _i({"x": ["3/8"]}, N=0, init=["-4", "5/2"])),
           _mutant("pointwise-convergence", "d2-step-limit", "yoneda23.pv.d2-step-limit",
                   "the same in d = 2 (N = 1)", dropping("d"),
                   _i({"x": [["5/16", "5/16"]]}, d=2, N=1, init=["-120195877/10000000", "44400707/10000000"])),
           _mutant("pointwise-convergence", "boundary-value", "yoneda23.pv.boundary-value",
                   "f_N(θ^t, x) → f°_N(x) for every x (the boundary r_N(x) = 1/4 included)", dropping("sphere"),
                   _i({"x": ["1/2"]})),
       ])
_claim("rate-t13", "RECONSTRUCTED", "‖f_N(θ^t) − f°_N‖_r^r ≤ C t^{−1/3} and c_1 t^{1/3} ≤ a_t ≤ c_2 t^{1/3} for t ≥ t_0, "
       "with certified two-sided constants (exponent exactly 1/3)", eval_rate, examples=[_i()])
_claim("time-to-exactness", "RECONSTRUCTED", "f_N(θ^t, x) = f°_N(x) for t ≥ T(x), T(x) ≍ η^{−1}|r_N(x) − 1/4|^{−3}: "
       "certified upper bounds on T(x), cross-checked by certified runs for δ ≥ 1/8", eval_time_to_exactness,
       examples=[_i({"x": ["1/8", "3/4", "9/20"]})])
_claim("minibatch-cells", "RECONSTRUCTED", "under batch = cells(m) the conclusions of 3.10–3.11 hold ('mini-batch GD "
       "induces pointwise convergence' is [ABSTRACT]); m = 1 is the full batch", eval_cells,
       examples=[_i({"x": ["9/20", "3/5"]}, batch={"kind": "cells", "m": 1})])
