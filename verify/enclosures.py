"""Certified forward and backward passes of ReLU MLPs in fast-ball arithmetic (layer 3).

For a layered ReLU network with weight matrices W^ℓ (in × out) and biases b^ℓ, ℓ = 1..L, inputs
X ∈ ℝ^{N×d} and labels Y ∈ ℝ^{N×K}:

    A^0 = X,   Z^ℓ = A^{ℓ−1} W^ℓ + b^ℓ,   A^ℓ = ReLU(Z^ℓ) (ℓ < L),   𝒩(X) = Z^L,
    ℒ = c Σ_n ω_n ‖𝒩(x_n) − y_n‖²,

with c and ω_n from ``loss`` (below) or sample ``weights``, and its gradient by backpropagation
with ReLU′(0) := ``relu_prime0`` (κ(z) = 1 for z > 0, 0 for z < 0):

    Δ^L = 2cω ⊙ (𝒩(X) − Y),   ∂ℒ/∂W^ℓ = A^{ℓ−1 ⊤} Δ^ℓ,   ∂ℒ/∂b^ℓ = Σ_n Δ^ℓ_n,
    Δ^{ℓ−1} = (Δ^ℓ W^{ℓ⊤}) ⊙ κ(Z^{ℓ−1}).

Every quantity is a `verify.fastball.FastBall` containing the exact value; where a pre-activation
ball meets 0 the derivative is the hull of both branches (and of ReLU′(0)), so the result encloses
the gradient for *every* convention-consistent choice -- exactly the generalized gradient of the
papers where no ball meets 0.  Networks: `verify.nets.Network` (any depth, one output) and layered
`verify.dag.DagNetwork` MLPs (ReLU), with exact, float or `arb` parameters; `BallNetwork` (the
iterates of `gd_enclosure`) has ball parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from flint import fmpq

from . import fastball as fb
from .dag import DagNetwork
from .errors import InputError
from .fastball import FastBall
from .nets import Network
from .numbers import parse_number, parse_rational

LOSSES = {
    "mean": ("(1/N) Σ_n ‖𝒩(x_n) − y_n‖²  (the papers' empirical risk)", lambda N, K: fmpq(1, N)),
    "sum": ("Σ_n ‖𝒩(x_n) − y_n‖²", lambda N, K: fmpq(1)),
    "half-sum": ("½ Σ_n ‖𝒩(x_n) − y_n‖²  (DagNetwork.gradient, risk='sum')", lambda N, K: fmpq(1, 2)),
    "half-mean": ("(1/2N) Σ_n ‖𝒩(x_n) − y_n‖²  (DagNetwork.gradient, risk='mean')", lambda N, K: fmpq(1, 2 * N)),
    "mse": ("(1/NK) Σ_{n,k} (𝒩_k(x_n) − y_{n,k})²  (torch.nn.MSELoss)", lambda N, K: fmpq(1, N * K)),
}


@dataclass
class BallNetwork:
    """A layered ReLU MLP with ball parameters: ``weights[ℓ]`` (in × out) and ``biases[ℓ]``
    (length out, or None), with the position in θ of every entry (``w_index``, ``b_index``; −1
    for a bias the network does not have) so results can be read in the layout of ``source``."""

    weights: list
    biases: list
    w_index: list
    b_index: list
    n_theta: int
    source: object = None
    _norms: list | None = field(default=None, repr=False)

    @property
    def d(self) -> int:
        return self.weights[0].shape[0]

    @property
    def K(self) -> int:
        return self.weights[-1].shape[1]

    def norms(self) -> list:
        """Per layer, the constants of the norm-wise error recursion (`_LayerNorms`), computed
        once per network."""
        if self._norms is None:
            self._norms = [_LayerNorms.of(W, b) for W, b in zip(self.weights, self.biases)]
        return self._norms

    def theta(self) -> FastBall:
        """The parameter balls as one vector in θ order."""
        mid = np.zeros(self.n_theta)
        rad = np.zeros(self.n_theta)
        for B, idx in list(zip(self.weights, self.w_index)) + list(zip(self.biases, self.b_index)):
            if B is None:
                continue
            keep = idx >= 0
            mid[idx[keep]] = B.mid[keep]
            if B.rad is not None:
                rad[idx[keep]] = B.rad[keep]
        return FastBall(mid, rad)

    def theta_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.theta().bounds()

    def contains(self, theta) -> bool:
        return self.theta().contains(theta)


def ball_network(net) -> BallNetwork:
    """``net`` (a `Network`, a layered ReLU `DagNetwork` or a `BallNetwork`) as ball layers; the
    conversion of θ is exact (nearest float, radius bounding the error) and cached on ``net``."""
    if isinstance(net, BallNetwork):
        return net
    cached = getattr(net, "_ball_network", None)
    if cached is not None:
        return cached
    if isinstance(net, Network):
        out = _from_network(net)
    elif isinstance(net, DagNetwork):
        out = _from_dag(net)
    else:
        raise InputError(f"expected a Network or a layered DagNetwork, got {type(net).__name__}", "network")
    object.__setattr__(net, "_ball_network", out)
    return out


def _from_network(net: Network) -> BallNetwork:
    theta = fb.from_numbers(net.theta, (len(net.theta),))
    ws, bs, wi, bi, k = [], [], [], [], 0
    for ell in range(len(net.widths) - 1):
        n_in, n_out = net.widths[ell], net.widths[ell + 1]
        w_idx = (k + np.arange(n_out * n_in).reshape(n_out, n_in)).T  # θ stores W^ℓ row-major (out, in)
        k += n_in * n_out
        b_idx = k + np.arange(n_out)
        k += n_out
        ws.append(theta[w_idx])
        bs.append(theta[b_idx])
        wi.append(w_idx)
        bi.append(b_idx)
    return BallNetwork(ws, bs, wi, bi, len(net.theta), net)


def _from_dag(net: DagNetwork) -> BallNetwork:
    if net.widths is None:
        raise InputError("fast-ball enclosures take layered MLPs (network kind 'mlp'), not a general DAG", "network")
    if net.activation != "relu":
        raise InputError(f"fast-ball enclosures cover ReLU networks, not {net.activation}", "network.activation")
    h = net.widths
    theta = fb.from_numbers(net.theta, (net.m + net.n_b,))
    pos = {node: net.m + k for k, node in enumerate(net.bias_nodes)}
    ws, bs, wi, bi, k = [], [], [], [], 0
    for l in range(1, len(h)):
        w_idx = k + np.arange(h[l - 1] * h[l]).reshape(h[l - 1], h[l])
        k += h[l - 1] * h[l]
        ws.append(theta[w_idx])
        wi.append(w_idx)
        first = sum(h[:l])
        b_idx = np.array([pos.get(first + j, -1) for j in range(h[l])])
        if (b_idx < 0).all():
            bs.append(None)
            bi.append(None)
            continue
        b = theta[np.maximum(b_idx, 0)]
        b.mid[b_idx < 0] = 0.0
        if b.rad is not None:
            b.rad[b_idx < 0] = 0.0
        bs.append(b)
        bi.append(b_idx)
    return BallNetwork(ws, bs, wi, bi, net.m + net.n_b, net)


def data_balls(X, cols: int, where: str) -> FastBall:
    """A data matrix of shape (N, cols) as balls.  A numpy array of floats (any width float64
    holds exactly) or of integers below 2⁵³ is taken as it is (exact); anything else -- nested
    lists, object arrays, long doubles, big integers -- entry by entry, exactly as `parse_number`
    takes it (booleans, NaN and infinities refused)."""
    if isinstance(X, FastBall):
        return X
    if isinstance(X, np.ndarray) and X.dtype.kind in "fiu" and X.dtype.itemsize <= 8:
        if X.ndim != 2 or X.shape[1] != cols or X.shape[0] == 0:
            raise InputError(f"expected shape (batch, {cols}), got {X.shape}", where)
        if X.dtype.kind == "f" and not np.isfinite(X).all():
            raise InputError("NaN or infinite entries", where)
        if X.dtype.kind == "f" or not X.size or int(np.abs(X.astype(object)).max()) <= 2 ** 53:
            return fb.exact(X.astype(np.float64))
    try:
        rows = list(X)
    except TypeError:
        raise InputError(f"expected a (batch, {cols}) array, got {type(X).__name__}", where) from None
    if not rows or any(isinstance(r, (str, bytes)) or not hasattr(r, "__len__") or len(r) != cols for r in rows):
        raise InputError(f"expected a non-empty list of rows of {cols} numbers", where)
    vals = [parse_number(v, f"{where}[{i}][{j}]") for i, r in enumerate(rows) for j, v in enumerate(r)]
    return fb.from_numbers(vals, (len(rows), cols))


@dataclass
class _LayerNorms:
    """Floats bounding, for every member of a layer's balls: s ≥ ‖W‖₂ + ‖R_W‖_F, and the
    rounding terms of the forward product A·W + b (g_f per unit of ‖Â(n)‖₂, plus c_f) and of the
    backward product Δ·Wᵀ (g_b, c_b): g = γ·‖|Ŵ|‖₂ + ‖R_W‖_F, c = √k·2nη (+ u‖b̂‖₂ + ‖R_b‖₂)."""

    s: float
    g_f: float
    c_f: float
    g_b: float
    c_b: float

    @classmethod
    def of(cls, W: FastBall, b: FastBall | None) -> "_LayerNorms":
        n_in, n_out = W.shape
        Q = lambda x: fmpq(*float(x).as_integer_ratio())  # noqa: E731 -- the exact value of a float bound
        f = Q(fb.frobenius_bound(W.rad))
        a = Q(fb.abs_spectral_bound(W))
        s = Q(fb.spectral_bound(W)) + f
        bias = fmpq(0)
        if b is not None:
            bias = fb.U * Q(fb.frobenius_bound(b.mid)) + Q(fb.frobenius_bound(b.rad))
        # k entries of at most 2nη each: √k·2nη ≤ k·2nη (no square root needed)
        c_f = n_out * 2 * n_in * fb.ETA + bias
        c_b = n_in * 2 * n_out * fb.ETA
        return cls(fb.float_up(s), fb.float_up(fb.gamma(n_in + 1) * a + f), fb.float_up(c_f),
                   fb.float_up(fb.gamma(n_out) * a + f), fb.float_up(c_b))


def _step_error(e: np.ndarray, M: np.ndarray, s: float, g: float, c: float) -> np.ndarray:
    """e' ≥ s·e(n) + g·‖M(n)‖₂ + c: the bound on ‖y(n) − ŷ(n)‖₂ for y = x·W (+ b) computed in
    floats from the midpoints M of x, where e(n) ≥ ‖x(n) − M(n)‖₂ (module `_LayerNorms`)."""
    return fb.norm_combination([(s, e), (g, fb.row_norms(M)), (c, 1.0)])


def _moved(e: np.ndarray, before: np.ndarray, after: FastBall, touch) -> np.ndarray:
    """e + ‖|after.mid − before| + after.rad at ``touch``‖₂ per row (``before``: the values at
    ``touch`` only): where ReLU or its derivative replaced a ball meeting 0 by a hull, the stored
    midpoint moved away from the float image of the old one."""
    if not len(touch) or not len(touch[0]):
        return e
    C = np.zeros_like(after.mid)
    C[touch] = np.abs(after.mid[touch] - before)
    if after.rad is not None:
        C[touch] += after.rad[touch]
    return fb.norm_combination([(1.0, e), (1.0, fb.row_norms(C))])


def _use_norms(bn: BallNetwork) -> bool:
    """The norm-wise recursion pays off from two hidden layers on (the componentwise radii
    grow like ‖|W|‖ per layer, the norm-wise ones like ‖W‖₂)."""
    return len(bn.weights) >= 3


def _forward(bn: BallNetwork, X: FastBall):
    """(𝒩(X), activations, ReLU patterns, per-row error bounds of the activations or None).
    From two hidden layers on, every radius is also clipped to a per-row bound e(n) on
    ‖x(n) − mid(n)‖₂ carried through the layers with spectral norms (`_LayerNorms`)."""
    acts, pats, errs = [X], [], []
    norms = bn.norms() if _use_norms(bn) else None
    A = X
    e = fb.row_norms(X.rad) if X.rad is not None else np.zeros(X.shape[0])
    for ell, (W, b) in enumerate(zip(bn.weights, bn.biases)):
        Z = fb.matmul(A, W, b)
        if norms is not None:
            nl = norms[ell]
            e = _step_error(e, A.mid, nl.s, nl.g_f, nl.c_f)
            Z = fb.clip_rows(Z, e)
        if ell == len(bn.weights) - 1:
            return Z, acts, pats, errs if norms is not None else None
        A, pat = fb.relu(Z, consume=True)
        if norms is not None:
            e = _moved(e, pat.before, A, pat.touch)
            errs.append(e)
        acts.append(A)
        pats.append(pat)


def forward_enclosure(net, X) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi): float64 arrays of shape (batch, outputs) with lo ≤ 𝒩(x_n)_k ≤ hi for the exact
    realization of ``net`` at every row x_n of ``X`` (shape (batch, d)).  Raises
    `verify.fastball.Overflow` (an `Undecided`) past the float64 range."""
    fb.check_environment()
    bn = ball_network(net)
    out = _forward(bn, data_balls(X, bn.d, "X"))[0]
    return out.bounds()


@dataclass
class LossGradient:
    """Enclosures of ℒ and ∂ℒ/∂θ; ``loss`` and ``grad`` are (lo, hi) floats and float arrays
    (θ order of the network), ``weights``/``biases`` the same per layer in the network's own
    orientation (a layer without biases: None; a bias the layer lacks: NaN), ``balls`` the
    `FastBall`s for further certified computation.  Unpacks as
    ``loss, grad = …``."""

    loss: tuple
    grad: tuple
    weights: list
    biases: list
    balls: dict

    def __iter__(self):
        return iter((self.loss, self.grad))


def _loss_factor(loss: str, N: int, K: int) -> fmpq:
    if loss not in LOSSES:
        raise InputError(f"loss must be one of {sorted(LOSSES)}", "loss")
    return LOSSES[loss][1](N, K)


def loss_and_gradient(bn: BallNetwork, X: FastBall, Y: FastBall, c: fmpq, weights: FastBall | None = None,
                      relu_prime0=0) -> tuple[FastBall, list, list]:
    """(ℒ, [∂ℒ/∂W^ℓ], [∂ℒ/∂b^ℓ or None]) as balls for ℒ = c Σ_n ω_n ‖𝒩(x_n) − y_n‖² (ω = 1 when
    ``weights`` is None)."""
    fb.check_environment()
    out, acts, pats, errs = _forward(bn, X)
    norms = bn.norms() if errs is not None else None
    R = fb.sub(out, Y)
    Rw = R if weights is None else fb.mul(R, weights)
    cb = fb.scalar(c)
    L = fb.mul(cb, fb.total(fb.mul(Rw, R)))
    D = fb.mul(fb.scalar(2 * c), Rw)
    gW, gb = [None] * len(bn.weights), [None] * len(bn.weights)
    e = None  # per row, a bound on ‖Δ(n) − mid(n)‖₂ (the norm-wise recursion)
    for ell in range(len(bn.weights) - 1, -1, -1):
        gW[ell] = fb.matmul(acts[ell].T, D)
        if bn.biases[ell] is not None:
            gb[ell] = fb.total(D, axis=0)
        if ell > 0:
            P = fb.matmul(D, bn.weights[ell].T)
            if norms is not None:
                e_rad = fb.row_norms(D.rad) if D.rad is not None else np.zeros(D.shape[0])
                e = e_rad if e is None else np.minimum(e, e_rad)
                e = _step_error(e, D.mid, norms[ell].s, norms[ell].g_b, norms[ell].c_b)
                P = fb.clip_rows(P, e)
            pat = pats[ell - 1]
            before = P.mid[pat.touch] * pat.pos[pat.touch] if len(pat.touch) else None
            D = fb.relu_backward(P, pat, relu_prime0, consume=True)
            if norms is not None:
                e = _moved(e, before, D, pat.touch)
                D = fb.clip_rows(D, e)
    return L, gW, gb


def _prepare(net, X, Y, loss, weights):
    fb.check_environment()
    bn = ball_network(net)
    Xb = data_balls(X, bn.d, "X")
    Yb = data_balls(Y, bn.K, "Y")
    if Yb.shape[0] != Xb.shape[0]:
        raise InputError(f"X has {Xb.shape[0]} rows but Y has {Yb.shape[0]}", "Y")
    N = Xb.shape[0]
    if weights is None:
        return bn, Xb, Yb, _loss_factor(loss, N, bn.K), None
    if loss != "mean":
        raise InputError("give either sample weights or a loss reduction, not both", "weights")
    ws = [parse_rational(w, f"weights[{k}]") for k, w in enumerate(weights)]
    if len(ws) != N:
        raise InputError(f"{len(ws)} weights for {N} samples", "weights")
    return bn, Xb, Yb, fmpq(1), fb.from_numbers(ws, (N, 1))


def theta_order(bn: BallNetwork, gW: list, gb: list) -> FastBall:
    """The per-layer gradient balls as one vector in θ order."""
    tmp = BallNetwork(gW, gb, bn.w_index, bn.b_index, bn.n_theta)
    return tmp.theta()


def loss_gradient_enclosure(net, X, Y, *, loss: str = "mean", weights=None, relu_prime0=0) -> LossGradient:
    """Enclosures of ℒ = c Σ_n ‖𝒩(x_n) − y_n‖² (``loss``: "mean" (default, c = 1/N), "sum",
    "half-sum", "half-mean", "mse" = torch.nn.MSELoss; or sample ``weights`` ω_n: ℒ = Σ_n ω_n‖·‖²,
    the risk of the empirical measure Σ ω_n δ_{x_n}) and of ∂ℒ/∂θ with ReLU′(0) := ``relu_prime0``
    (PyTorch's 0 by default), for ``X`` of shape (batch, d) and ``Y`` of shape (batch, outputs)."""
    bn, Xb, Yb, c, wb = _prepare(net, X, Y, loss, weights)
    L, gW, gb = loss_and_gradient(bn, Xb, Yb, c, wb, parse_number(relu_prime0, "relu_prime0"))
    grad = theta_order(bn, gW, gb)
    transpose = isinstance(bn.source, Network)  # a Network's θ stores W^ℓ as (out, in)
    weights_out = [(lo.T, hi.T) if transpose else (lo, hi) for lo, hi in (g.bounds() for g in gW)]
    biases_out = [None if g is None else _absent_nan(g.bounds(), idx) for g, idx in zip(gb, bn.b_index)]
    lo, hi = L.bounds()
    return LossGradient((float(lo), float(hi)), grad.bounds(), weights_out, biases_out,
                        {"loss": L, "grad": grad, "weights": gW, "biases": gb})


def gd_enclosure(net, X, Y, lr, steps: int = 1, *, batches=None, loss: str = "mean", weights=None,
                 relu_prime0=0) -> BallNetwork:
    """The GD iterates θ_{t+1} = θ_t − lr·∂ℒ(θ_t) as balls, after ``steps`` steps (``batches``: a
    list of index lists, one per step: SGD on the rows X[batch], Y[batch] with the loss of each
    mini-batch); every iterate contains the exact iterate from the exact θ_0."""
    bn, Xb, Yb, c, wb = _prepare(net, X, Y, loss, weights)
    lr_b = fb.scalar(parse_number(lr, "lr"))
    c0 = parse_number(relu_prime0, "relu_prime0")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise InputError(f"steps must be an integer >= 0, got {steps!r}", "steps")
    if batches is not None and len(batches) != steps:
        raise InputError(f"{len(batches)} mini-batches for {steps} steps", "batches")
    N = Xb.shape[0]
    for t in range(steps):
        Xt, Yt, ct, wt = Xb, Yb, c, wb
        if batches is not None:
            idx = _batch(batches[t], N, f"batches[{t}]")
            Xt, Yt = Xb[idx], Yb[idx]
            wt = None if wb is None else wb[idx]
            ct = c if wb is not None else _loss_factor(loss, len(idx), bn.K)
        _, gW, gb = loss_and_gradient(bn, Xt, Yt, ct, wt, c0)
        ws = [fb.sub(W, fb.mul(lr_b, g)) for W, g in zip(bn.weights, gW)]
        bs = [None if b is None else _keep_absent(fb.sub(b, fb.mul(lr_b, g)), idx_b)
              for b, g, idx_b in zip(bn.biases, gb, bn.b_index)]
        bn = BallNetwork(ws, bs, bn.w_index, bn.b_index, bn.n_theta, bn.source)
    return bn


def _batch(rows, N: int, where: str) -> np.ndarray:
    idx = np.asarray(rows)
    if idx.ndim != 1 or not idx.size or idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= N:
        raise InputError(f"a mini-batch is a non-empty list of row indices in 0..{N - 1}", where)
    return idx


def _absent_nan(bounds, idx):
    """Per-layer bias bounds with NaN where the network has no bias (it has no gradient there)."""
    lo, hi = bounds
    lo[idx < 0] = np.nan
    hi[idx < 0] = np.nan
    return lo, hi


def _keep_absent(b: FastBall, idx: np.ndarray) -> FastBall:
    """A bias the network does not have stays exactly 0."""
    absent = idx < 0
    if absent.any():
        b.mid[absent] = 0.0
        if b.rad is not None:
            b.rad[absent] = 0.0
    return b


def dag_gradient(net: DagNetwork, data, relu_prime0=0, risk: str = "sum", bits: int = 128) -> tuple:
    """`DagNetwork.gradient` in fast-ball arithmetic: (L, ∂L/∂θ) as `arb` balls at ``bits`` for
    L = Σ_{(x,y)} ½‖N(x) − y‖² (``risk="mean"``: divided by |D|).  Raises `Undecided` where the
    fast-ball path does not apply (a general DAG, ReLU6, float overflow), so callers move on."""
    from .numbers import Undecided, precision

    if net.widths is None or net.activation != "relu":
        raise Undecided("the fast-ball path covers layered ReLU MLPs")
    if risk not in ("sum", "mean"):
        raise InputError("risk must be 'sum' or 'mean'", "params.risk")
    fb.check_environment()
    bn = ball_network(net)
    X = fb.from_numbers([t for x, _ in data for t in x], (len(data), bn.d))
    Y = fb.from_numbers([t for _, y in data for t in y], (len(data), bn.K))
    c = fmpq(1, 2) if risk == "sum" else fmpq(1, 2 * len(data))
    L, gW, gb = loss_and_gradient(bn, X, Y, c, None, relu_prime0)
    with precision(bits):
        return L.to_arb()[0], theta_order(bn, gW, gb).to_arb()


def forward_arb(net, xs, bits: int = 128) -> list[list]:
    """𝒩(x) for each point of ``xs`` (lists of exact numbers) as `arb` balls at ``bits``: the
    fast-ball forward pass over all points at once.  Raises `Undecided` where the fast-ball path
    does not apply."""
    from .numbers import Undecided, precision

    if isinstance(net, DagNetwork) and (net.widths is None or net.activation != "relu"):
        raise Undecided("the fast-ball path covers layered ReLU MLPs")
    fb.check_environment()
    bn = ball_network(net)
    X = fb.from_numbers([t for x in xs for t in x], (len(xs), bn.d))
    out = _forward(bn, X)[0]
    with precision(bits):
        flat = out.to_arb()
    return [flat[k * bn.K:(k + 1) * bn.K] for k in range(len(xs))]
