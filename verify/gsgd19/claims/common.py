"""gsgd19 claims, shared pieces: the source and proof note, the family's variant groups (registered
on import: claim 4's hypotheses, claim 5's rank formula, claim 6's basis, the gauge, the ICR and WA
forms, ReLU′(0) ∈ {0, 1}, the risk L (sum or mean), q = 0 path-norms), and the helpers of every claim
module: the instance's exact network, its ``params`` (inputs x, factors c of g_c ∈ 𝒢, data D), the
hypotheses c_j > 0, nonzero weights (v_p ≠ 0, σ_j ≠ 0) and equal hidden widths, the enumeration of
𝒫 under `ENUMERATION_LIMIT`, and ReLU′(0) and L of the selected variants."""

from __future__ import annotations

from flint import fmpq

from .. import paths
from ...framework import Evaluation, Hypothesis, relation
from ...dag import DagNetwork, layered_data
from ...errors import InputError
from ...numbers import Undecided, parse_rational, sign, to_json
from ...registry import VariantGroup, register_variants

SOURCE = "Meng, Zheng, Zhang, Chen, Ye, Ma, Yu, Liu 2019 (G-SGD), arXiv:1802.03713"
NOTE = "proofs_notes/gsgd19.md"
ENUMERATION_LIMIT = 5000

register_variants(
    VariantGroup("pv-class", {"class-nonzero-signs": "nonzero-signs", "class-signs-only": "signs-only",
                              "class-values-only": "values-only", "class-function-level": "function-level"},
                 "class-nonzero-signs", "claim 4's hypotheses: nonzero weights and equal signs (default); equal signs "
                 "only; equal path values only; equal signs with the conclusion N_w ≡ N_w' (open: UNKNOWN unless refuted)"),
    VariantGroup("rank-form", {"rank-mlp": "mlp", "rank-dag-all-on-path": "dag-all-on-path",
                               "rank-bias-edges": "bias-edges", "rank-dag-general": "dag-general"},
                 "rank-bias-edges", "claim 5's formula: m − H (bias-free MLPs), m − H (bias-free DAGs, every edge on "
                 "a path), m + n_b − H (bias edges, every edge on a path; default), m' − H' (any DAG, on-path only; "
                 "paths start at an input or a bias)"),
    VariantGroup("basis-method", {"basis-mod-mapping": "mod-mapping", "basis-tree": "tree", "basis-rref": "rref"},
                 "basis-mod-mapping", "claim 6's basis: official mod-mapping skeleton (equal widths), the tree "
                 "construction (any DAG), or the pivot paths of the row-reduced structure matrix (any DAG)"),
    VariantGroup("gauge", {"gauge-ratio": "ratio", "gauge-rescale-pm1": "rescale-pm1",
                           "gauge-overwrite-one": "overwrite-one"},
                 "gauge-ratio", "claim 11's start: gauge-free ratio WA (default), the function-preserving ±1 gauge, "
                 "or the official init that overwrites skeleton weights with 1 (not a rescaling)"),
    VariantGroup("icr", {"icr-closed-form": "closed-form", "icr-solve": "solve"}, "icr-closed-form",
                 "claim 10's ∂L/∂v: the closed form of the official code or the solve of By = z"),
    VariantGroup("wa", {"wa-general": "general", "wa-simple": "simple"}, "wa-general",
                 "weight allocation: ratio form w·r_b(e)/r_s(a) (default) or the older code without ÷R_a (planted 6)"),
    VariantGroup("relu-prime", {"relu-prime-zero": fmpq(0), "relu-prime-one": fmpq(1)}, "relu-prime-zero",
                 "ReLU′(0) ∈ {0, 1} in backpropagation"),
    VariantGroup("risk", {"risk-sum": "sum", "risk-mean": "mean"}, "risk-sum",
                 "L = Σ ½‖N − y‖² (sum) or its mean over D"),
    VariantGroup("pathnorm-q0", {"q0-structural": "structural", "q0-support": "support"}, "q0-structural",
                 "q = 0: count every structural path (0⁰ = 1, the toolkit) or only paths with nonzero value"),
)

RISK = ("relu-prime", "risk")


# --------------------------------------------------------------------------------------------
# shared pieces


def _exact(ev: Evaluation) -> DagNetwork:
    """The instance's network; the gsgd19 claims are decided in exact arithmetic only -- or, for
    the claims that declare ``fast``, with their gradients enclosed on the fast-ball rung."""
    if ev.prec is not None and not ev.fast:
        raise Undecided("gsgd19 claims are decided in exact rational arithmetic")
    net = ev.inst.net
    if not isinstance(net, DagNetwork):
        raise InputError("gsgd19 claims take a network with 'kind' 'mlp' or 'dag' (see verify.dag)", "network")
    if not ev.inst.is_exact():
        raise InputError("gsgd19 claims need rational weights", "network")
    if not ev.fast:
        ev.engines.add("exact-paths")
    return net


def _list(ev, key, where=None, required=True):
    v = ev.inst.params.get(key)
    if v is None:
        if required:
            raise InputError(f"this claim needs params.{key}", f"params.{key}")
        return None
    if not isinstance(v, list):
        raise InputError(f"params.{key} must be a list", where or f"params.{key}")
    return v


def _inputs(ev, net: DagNetwork) -> list[list[fmpq]]:
    xs = _list(ev, "x")
    out = []
    for k, x in enumerate(xs):
        if not isinstance(x, list) or len(x) != net.d:
            raise InputError(f"each input must be a list of {net.d} numbers", f"params.x[{k}]")
        out.append([parse_rational(t, f"params.x[{k}]") for t in x])
    return out


def _scaling(ev, net: DagNetwork, key="c") -> list[fmpq]:
    cs = _list(ev, key)
    if len(cs) != net.H:
        raise InputError(f"params.{key} needs one factor per hidden node ({net.H}), got {len(cs)}", f"params.{key}")
    return [parse_rational(t, f"params.{key}[{k}]") for k, t in enumerate(cs)]


def _data(ev, net: DagNetwork):
    return layered_data(_list(ev, "data"), net.d, net.K)


def _positive_c(cs) -> Hypothesis:
    bad = [k for k, c in enumerate(cs) if sign(c) != 1]
    return Hypothesis("c_j > 0 for every hidden node (g ∈ 𝒢)", not bad,
                      f"c_{bad[0]} = {to_json(cs[bad[0]])}" if bad else "")


def _paths(net: DagNetwork, biases=True):
    return paths.enumerate_paths(net, biases, limit=ENUMERATION_LIMIT)


def _nonzero_path_values(net) -> Hypothesis:
    """Hypothesis of claims 9-11: no basis value and no skeleton value is 0 (else ICR divides by 0)."""
    zero = [e for e, w in enumerate(net.weights) if sign(w) == 0]
    return Hypothesis("every weight is nonzero (basis values and σ_j ≠ 0: the G-SGD step is defined)", not zero,
                      f"w_{zero[0]} = 0" if zero else "")


def _equal_widths(net) -> Hypothesis:
    ok = net.widths is not None and net.n_b == 0 and len(net.widths) >= 3 and paths.equal_hidden_widths(net.widths)
    return Hypothesis("bias-free layered MLP with ≥ 1 hidden layer, all of equal width", ok,
                      "" if ok else f"widths {list(net.widths) if net.widths else 'DAG'}, biases {net.n_b}")


def _bool(name, value: bool, note="") -> "relation":
    """A yes/no fact as a certified relation (1 = 1 holds, 0 = 1 is violated)."""
    return relation(name, fmpq(int(bool(value))), "=", fmpq(1), note=note)


def _relu_prime(ev):
    return ev.variants.get("relu-prime", fmpq(0))


def _risk(ev):
    return ev.variants.get("risk", "sum")


def _missing(key):
    raise InputError(f"this claim needs params.{key}", f"params.{key}")
