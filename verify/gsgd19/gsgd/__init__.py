"""G-SGD (gsgd19): SGD on basis-path values of bias-free layered ReLU MLPs.

Notation (claims file 002, §2).  Widths ``[d, h_1, …, h_{L-1}, K]``, L weight layers, H hidden
neurons, m weights.  ``W[l-1][i][j]`` = w^l(i, j) joins node i of layer l−1 to node j of layer l
("(in, out)" layout): nested lists in the generic functions, 2-D arrays of shape (h_{l-1}, h_l)
in the numpy ones.  Realization o^0 = x, o^l = ReLU(o^{l-1} W^l) (hidden), N(x) = o^{L-1} W^L;
ReLU′(0) := ``relu_prime0`` ∈ {0, 1} (default 0).  Risk L = Σ_{(x,y)∈D} ½‖N(x) − y‖² ("sum") or
that divided by |D| ("mean").  Descriptors use the paper's 1-based layer number l.

**Skeleton and basis (equal hidden widths h).**  Official mod mapping: w^1(j mod d, j),
w^l(j, j) in the middle, w^L(i, i mod K): h disjoint chains ("columns").  Skeleton path s_j,
value V_j = product of column j's skeleton weights; σ_j := w^1(j mod d, j) (free layer 1);
pinned = skeleton weights of layers 2..L.  Basis = the h skeleton paths ``('s', j)`` and, for
every non-skeleton edge e = w^l(a, b), the path b(e) ``('e', l, a, b)`` = column a up to a, e,
column b from b on.  m − H paths.

**Gauge-free G-SGD step (THE algorithm; claims 9–11).**  g = ∂L/∂w (backprop), z = w ⊙ g.
y_{b(e)} = z_e, y_{s_j} = z_{σ_j} − S_j with S_j = Σ_{l≥2} Σ_{b: w^l(j,b) non-skel} z^l(j, b);
∂L/∂v_p = y_p / v_p (ICR).  Rates r_p = 1 − η y_p / v_p², R_j := r_{s_j}.  Weight allocation
(WA): σ_j ← σ_j R_j; layer-1 non-skeleton w ← w·r_{b(e)}; layer-l ≥ 2 non-skeleton
w^l(a, b) ← w·r_{b(e)}/R_a; pinned weights unchanged.  Then v_p(w') = v_p − η ∂L/∂v_p for every
basis path p, for any nonzero pinned values (exact in ℚ: products and quotients only).
Proof: v_{b(e)} = P_{l-1}(a)·w_e·Q_l(b) where P (prefix of column a, contains σ_a) and Q
(suffix of column b) consist of skeleton weights; only σ changes among them, by R, so the
factor 1/R_a cancels it.  ICR: a non-skeleton edge lies on exactly one basis path (its own
b(e)); σ_j lies on s_j and on the b(e) of the layer ≥ 2 non-skeleton edges leaving column j,
so z_{σ_j} = y_{s_j} + S_j (the rows of B·y = z at the free edges; the pinned rows are then
consistent by the conservation law, claim 8).

**Any layered widths (tree basis; `path_basis`).**  Give every hidden node (l, j) one parent
edge par = w^l(j mod h_{l-1}, j) and one child edge ch = w^{l+1}(j, j mod h_{l+1}).  With
pre(n) = the parent chain from an input to n and suf(n) the child chain from n to an output,
let P(e) = pre(a)·e·suf(b) for an edge e = (a → b) and C(n) = pre(n)·suf(n).  Basis = the
distinct canonical paths C(n) plus P(e) for every edge e that is neither a parent nor a child
edge.  Proof that this is a basis of col A for *any* such choice: every path p = (e_1..e_L)
satisfies p = Σ_r P(e_r) − Σ_{r<L} C(i_r) as incidence vectors, and P(tree edge) is a
canonical path, so the set spans col A (rank m − H, claim 5).  Counting: with D the number of
"double" edges (parent of its head and child of its tail) the tree has 2H − D edges and the
canonical paths are the H − D chains of double edges, so there are (m − 2H + D) + (H − D) =
m − H distinct paths, hence independent.  For equal widths this is exactly the official
skeleton basis (classes = columns).  Free edges: the non-tree edges and, per class, the
parent edge f_c of its first node; pinned: the H child edges.  B_F (free rows) is unit lower
triangular (non-tree edges first, then classes by decreasing start layer), so B_F^{-1} is an
integer matrix and the exact step is a sequence of products and quotients of rates.

Exactness: the generic functions (`backprop`, `icr`, `gsgd_step`, `sgd_step`, `gauge_pm1`, …)
use only + − × ÷ and certified zero/sign tests, so they are exact on `fmpq` and enclosures on
`arb`; on Python floats they are ordinary float code.  A division by a zero (or, for `arb`,
by a ball containing 0) raises `Undefined` instead of returning garbage.  The numpy classes
`GSGD`, `GSGDGeneral`, `SGD` are float64 training code (not certified).

Layout: ``mlp`` (`Undefined`, certified sign tests, widths and skeleton, `forward`, `backprop`),
``step`` (basis paths, ICR, weight allocation and the exact G-SGD / SGD steps, rescalings and
gauges), ``numpy_optim`` (the numpy classes and float64 MLP helpers).  Every public name is
re-exported here, so ``verify.gsgd19.gsgd.X`` keeps working.
"""

from .mlp import Undefined, backprop, equal_hidden_widths, forward, skeleton, widths_of
from .numpy_optim import (GSGD, SGD, GSGDGeneral, accuracy, gauge_pm1_np, init_mlp, mlp_forward, overwrite_one_np,
                          predict, softmax_xent_grad, sq_loss_grad)
from .step import (PathBasis, basis_paths, basis_values, gauge_pm1, gsgd_step, icr, overwrite_one, path_basis,
                   path_nodes, path_value, rescale, sgd_step)

__all__ = [
    "Undefined", "skeleton", "equal_hidden_widths", "widths_of", "forward", "backprop", "PathBasis",
    "path_basis", "basis_paths", "path_nodes", "path_value", "basis_values", "icr", "gsgd_step",
    "sgd_step", "rescale", "gauge_pm1", "overwrite_one", "gauge_pm1_np", "overwrite_one_np", "GSGD", "GSGDGeneral", "SGD", "init_mlp",
    "mlp_forward", "softmax_xent_grad", "sq_loss_grad", "predict", "accuracy",
]
