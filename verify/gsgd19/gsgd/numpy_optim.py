"""G-SGD, numpy float64 training code (not certified): the optimizers `SGD`, `GSGD` (equal hidden
widths, O(m) per step) and `GSGDGeneral` (any layered widths via the tree basis and the exact
integer B_F^{-1}, O(m²) per step), and the MLP helpers (He init, forward pass, softmax
cross-entropy and squared-loss gradients, ±1 gauge and overwrite-with-1 twins, accuracy)."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ...errors import InputError
from .mlp import Undefined, _check_widths, equal_hidden_widths, skeleton
from .step import PathBasis, _edges_of, path_basis


# =============================================================================================
# numpy optimizers (float64 training code, not certified)


def _np_widths(params_or_widths) -> tuple[int, ...]:
    x = list(params_or_widths)
    if x and isinstance(x[0], np.ndarray):
        widths = [x[0].shape[0]]
        for t, A in enumerate(x):
            if A.ndim != 2 or A.shape[0] != widths[-1]:
                raise InputError(f"layer {t + 1} has shape {A.shape}, expected ({widths[-1]}, ·)", "Ws")
            widths.append(A.shape[1])
        return _check_widths(widths)
    return _check_widths(x)


class SGD:
    """Plain SGD, in place: W ← W − lr·G."""

    def __init__(self, params_or_widths, lr: float):
        self.widths = _np_widths(params_or_widths)
        self.lr = float(lr)
        self.n_steps = 0

    def step(self, Ws, grads):
        for W, G in zip(Ws, grads):
            W -= self.lr * G
        self.n_steps += 1
        return Ws


_NONPOSITIVE = ("allow", "clip", "raise")


class GSGD:
    """Gauge-free G-SGD for equal hidden widths (numpy float64, in place; O(m) extra work).

    Per step: skeleton weights s_t(j), V_j = Π_t s_t(j), prefixes P_t(a) = Π_{u<t} s_u(a) and
    suffixes Q_t(b) = Π_{u>t} s_u(b) (O(Lh)); S_j = Σ_{l≥2} (row j sum of z^l − its skeleton entry), one einsum per layer;
    R_j = 1 − η(z_{σ_j} − S_j)/V_j².  Non-skeleton weights: w·r_{b(e)} is evaluated in the
    algebraically equal form w − η g/(P_t(a) Q_t(b))² (no division by w: an exactly-zero
    non-skeleton weight takes the continuous extension of the step instead of 0/0); rows of layers
    ≥ 2 are then divided by R_a (``variant="simple"``: layers ≥ 2 use w − η g/V_a² and skip the
    division, planted violation 6).  σ_j ← σ_j R_j; pinned weights are restored exactly.
    Extra work per step: about 7 elementwise passes over the weights, no extra backprop.

    Non-positive rates r ≤ 0 (the exact basis-path SGD step takes a basis value through 0; planted
    14) are counted in ``n_nonpositive`` and handled by ``nonpositive``:
      * ``"allow"`` (default): carry out the exact step anyway, like the exact `gsgd_step` and the
        official code — the basis value, hence a weight, changes sign;
      * ``"clip"``: replace r by ``r_min`` (default 0.1; the value shrinks toward 0, keeps its
        sign).  Sign patterns are then invariant, but a weight that SGD would push through 0 is
        trapped and shrinks geometrically (observed in the benchmark), so this is not the default;
      * ``"raise"``: raise `Undefined`.
    A zero or non-finite V_j or R_j, or R_j = 0 (it is divided by), raises `Undefined` in all modes."""

    def __init__(self, params_or_widths, lr: float, variant: str = "general", nonpositive: str = "allow",
                 r_min: float = 0.1):
        widths = _np_widths(params_or_widths)
        if len(widths) < 3 or not equal_hidden_widths(widths):
            raise InputError(f"GSGD needs L ≥ 2 and equal hidden widths, got {list(widths)}; use GSGDGeneral", "widths")
        if variant not in ("general", "simple"):
            raise InputError(f"unknown variant {variant!r}", "variant")
        if nonpositive not in _NONPOSITIVE:
            raise InputError(f"nonpositive must be one of {_NONPOSITIVE}, got {nonpositive!r}", "nonpositive")
        if not 0 < r_min <= 1:
            raise InputError("r_min must be in (0, 1]", "r_min")
        self.widths, self.lr, self.variant = widths, float(lr), variant
        self.nonpositive, self.r_min = nonpositive, float(r_min)
        L, d, h, K = len(widths) - 1, widths[0], widths[1], widths[-1]
        cols = np.arange(h)
        self._sk = []  # (rows, cols) of column j's skeleton entry, per layer
        for t in range(L):
            if t == 0:
                self._sk.append((cols % d, cols))
            elif t == L - 1:
                self._sk.append((cols, cols % K))
            else:
                self._sk.append((cols, cols))
        self._flat = [r * widths[t + 1] + c for t, (r, c) in enumerate(self._sk)]  # flat indices
        self._skmask = []
        for t, (r, c) in enumerate(self._sk):
            mask = np.zeros((widths[t], widths[t + 1]), dtype=bool)
            mask[r, c] = True
            self._skmask.append(mask)
        self._buf: dict = {}
        self.n_nonpositive = 0
        self.n_steps = 0

    @property
    def n_clipped(self) -> int:
        """Rates clipped so far (0 unless ``nonpositive="clip"``)."""
        return self.n_nonpositive if self.nonpositive == "clip" else 0

    def _buffers(self, shape):
        if shape not in self._buf:
            self._buf[shape] = (np.empty(shape), np.empty(shape))
        return self._buf[shape]

    def step(self, Ws, grads):
        lr, L = self.lr, len(Ws)
        s = [Ws[t].take(self._flat[t]) for t in range(L)]
        gs = [grads[t].take(self._flat[t]) for t in range(L)]
        P = [None] * L  # P[t] = Π_{u<t} s[u]
        Q = [None] * L  # Q[t] = Π_{u>t} s[u]
        P[1] = s[0]
        for t in range(2, L):
            P[t] = P[t - 1] * s[t - 1]
        Q[L - 2] = s[L - 1]
        for t in range(L - 3, -1, -1):
            Q[t] = Q[t + 1] * s[t + 1]
        V2 = P[L - 1] * s[L - 1]
        V2 *= V2
        if not V2.all():
            raise Undefined("a skeleton path value V_j is zero")
        S = s[0] * gs[0]  # accumulates z_{σ_j} − S_j
        for t in range(1, L):
            S -= np.einsum("ij,ij->i", Ws[t], grads[t])
            S += s[t] * gs[t]
        R = 1.0 - lr * S / V2
        if not np.isfinite(R).all():
            raise Undefined("a skeleton rate R_j is not finite")
        if (R <= 0).any():
            R = self._nonpositive(R, R <= 0, "skeleton rate R_j")
            if not R.all():
                raise Undefined("a skeleton rate R_j = 0 must be divided by")
        general = self.variant == "general"
        for t in range(L):
            W, G = Ws[t], grads[t]
            U, T = self._buffers(W.shape)
            keep = s[t]
            if t >= 1 and not general:
                np.multiply(G, (lr / V2)[:, None], out=U)
            elif t == 0:
                np.multiply(G, lr / (Q[0] * Q[0]), out=U)  # columns b: 1/Q_0(b)²
            else:
                np.multiply(G, (lr / (P[t] * P[t]))[:, None], out=U)
                if t < L - 1:
                    U *= 1.0 / (Q[t] * Q[t])
            np.subtract(W, U, out=U)  # U = w·r_{b(e)} (non-skeleton entries)
            np.multiply(U, W, out=T)
            if np.minimum.reduce(T, axis=None) <= 0:  # r_{b(e)} ≤ 0 ⇔ new·old ≤ 0 (old ≠ 0)
                bad = (T <= 0) & (W != 0) & ~self._skmask[t]
                if bad.any():
                    U = self._nonpositive_w(U, W, bad, t)
            if t >= 1 and general:
                np.divide(U, R[:, None], out=W)
            else:
                W[...] = U
            W.put(self._flat[t], keep * R if t == 0 else keep)
        self.n_steps += 1
        return Ws

    def _nonpositive(self, r, bad, what):
        self.n_nonpositive += int(bad.sum())
        if self.nonpositive == "raise":
            raise Undefined(f"non-positive {what}; the basis value would cross 0")
        if self.nonpositive == "clip":
            r = np.where(bad, self.r_min, r)
        return r

    def _nonpositive_w(self, U, W, bad, t):
        self.n_nonpositive += int(bad.sum())
        if self.nonpositive == "raise":
            raise Undefined(f"non-positive rate r_b(e) in layer {t + 1}; the basis value would cross 0")
        if self.nonpositive == "clip":
            U[bad] = self.r_min * W[bad]
        return U


def _exact_binv(B: PathBasis) -> np.ndarray:
    """B_F^{-1} as an int64 matrix (rows: basis paths, columns: free edges in path order), built
    by applying the ICR solve to unit vectors; B_F is unimodular so the inverse is integral."""
    n = len(B.paths)
    pos = {p: k for k, p in enumerate(B.paths)}
    Binv = np.zeros((n, n), dtype=np.int64)
    for p in B.paths:
        if p[0] == "e":
            Binv[pos[p], pos[p]] = 1
    for c in range(B.n_classes - 1, -1, -1):
        row = np.zeros(n, dtype=np.int64)
        row[pos[("s", c)]] = 1
        for p in B.icr_paths[c]:
            row -= Binv[pos[p]]
        for c2 in B.icr_classes[c]:
            row -= Binv[pos[("s", c2)]]
        Binv[pos[("s", c)]] = row
    if np.abs(Binv).max() >= 2 ** 53:
        raise OverflowError("B_F^{-1} entries exceed 2^53")
    return Binv


class GSGDGeneral:
    """G-SGD for any layered widths via the tree basis (numpy float64, in place; O(m²) per step).

    Precomputed once: the m − H basis paths (edge-index array), the free edges F (non-tree edges
    and one parent edge per class; the H child edges are pinned, B_F invertible — see the module
    docstring), and the exact integer inverse B_F^{-1}, stored dense in float64.  Per step:
    z = w ⊙ g; y = B_F^{-1} z_F (the square free-row subsystem of B y = z; the pinned rows are
    consistent by conservation); v_p = Π_{e∈p} w_e; r_p = 1 − η y_p/v_p²; Δlog|w_F| = (B_F^T)^{-1} log|r|;
    w_F ← w_F·exp(Δ), with the sign (−1)^{(B_F^T)^{-1}[r<0]} (integer matrix, so the parity is exact).
    Two dense (m−H)² mat-vecs: O(m²) time and memory — for small nets only.
    ``nonpositive`` / ``r_min`` / ``n_nonpositive`` as in `GSGD`; v_p = 0 or r_p = 0 raises `Undefined`."""

    def __init__(self, params_or_widths, lr: float, nonpositive: str = "allow", r_min: float = 0.1):
        widths = _np_widths(params_or_widths)
        if nonpositive not in _NONPOSITIVE:
            raise InputError(f"nonpositive must be one of {_NONPOSITIVE}, got {nonpositive!r}", "nonpositive")
        self.widths, self.lr, self.nonpositive, self.r_min = widths, float(lr), nonpositive, float(r_min)
        L = len(widths) - 1
        off = np.cumsum([0] + [widths[t] * widths[t + 1] for t in range(L)])
        self._off = off

        def flat(l, a, b):
            return off[l - 1] + a * widths[l] + b

        B = path_basis(widths)
        self.basis = B
        self.path_idx = np.array([[flat(*e) for e in _edges_of(B.nodes[p])] for p in B.paths], dtype=np.intp)
        self.free_idx = np.array([flat(*B.free[p]) for p in B.paths], dtype=np.intp)
        self.Binv_int = _exact_binv(B)
        self.Binv = self.Binv_int.astype(np.float64)
        self.n_nonpositive = 0
        self.n_steps = 0

    @property
    def n_clipped(self) -> int:
        return self.n_nonpositive if self.nonpositive == "clip" else 0

    def step(self, Ws, grads):
        w = np.concatenate([W.ravel() for W in Ws])
        g = np.concatenate([G.ravel() for G in grads])
        wf = w[self.free_idx]
        y = self.Binv @ (wf * g[self.free_idx])
        v = np.prod(w[self.path_idx], axis=1)
        if not v.all() or not np.isfinite(v).all():
            raise Undefined("a basis value v_p is zero or not finite")
        r = 1.0 - self.lr * y / (v * v)
        if not np.isfinite(r).all():
            raise Undefined("a rate r_p is not finite")
        bad = r <= 0
        flip = None
        if bad.any():
            self.n_nonpositive += int(bad.sum())
            if self.nonpositive == "raise":
                raise Undefined("non-positive rate r_p; the basis value would cross 0")
            if self.nonpositive == "clip":
                r = np.where(bad, self.r_min, r)
            else:
                if not r.all():
                    raise Undefined("a rate r_p = 0 (the basis value becomes 0)")
                flip = np.rint(self.Binv.T @ bad.astype(np.float64)).astype(np.int64) % 2 == 1
                r = np.abs(r)
        delta = self.Binv.T @ np.log(r)
        wf = wf * np.exp(delta)
        if flip is not None:
            wf[flip] = -wf[flip]
        w[self.free_idx] = wf
        for t, W in enumerate(Ws):
            W[...] = w[self._off[t]:self._off[t + 1]].reshape(W.shape)
        self.n_steps += 1
        return Ws


# =============================================================================================
# numpy MLP helpers


def overwrite_one_np(Ws) -> list[np.ndarray]:
    """numpy twin of `overwrite_one`: copies with every official skeleton weight set to 1."""
    out = [A.copy() for A in Ws]
    for A, sk in zip(out, skeleton(_np_widths(Ws))):
        if sk:
            rows, cols = zip(*sorted(sk))
            A[list(rows), list(cols)] = 1.0
    return out


def gauge_pm1_np(Ws) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """numpy twin of `gauge_pm1`: (copies rescaled so every pinned child edge w^{l+1}(j, j mod h_{l+1})
    is ±1, per-hidden-layer scaling vectors c).  Function-preserving up to float rounding."""
    widths = _np_widths(Ws)
    L = len(Ws)
    c = [None] * (L + 1)
    c[L] = np.ones(widths[L])
    for l in range(L - 1, 0, -1):
        j = np.arange(widths[l])
        b = j % widths[l + 1]
        pinned = Ws[l][j, b]
        if np.any(pinned == 0):
            raise Undefined("a pinned weight is zero")
        c[l] = np.abs(pinned) * c[l + 1][b]
    out = []
    for t, A in enumerate(Ws):
        B = A.copy()
        if t + 1 < L:
            B *= c[t + 1][None, :]
        if t >= 1:
            B /= c[t][:, None]
        out.append(B)
    return out, c[1:L]


def init_mlp(widths: Sequence[int], rng: np.random.Generator) -> list[np.ndarray]:
    """He-style init: w^l(i, j) ~ N(0, 2/h_{l-1}), arrays of shape (h_{l-1}, h_l), bias-free."""
    widths = _check_widths(widths)
    return [rng.standard_normal((widths[t], widths[t + 1])) * math.sqrt(2.0 / widths[t])
            for t in range(len(widths) - 1)]


def mlp_forward(Ws, X):
    """(N(X), activations o^0..o^{L-1}) for a batch X of shape (n, d)."""
    acts = [X]
    for W in Ws[:-1]:
        acts.append(np.maximum(acts[-1] @ W, 0.0))
    return acts[-1] @ Ws[-1], acts


def _backward(Ws, acts, delta, relu_prime0):
    L = len(Ws)
    grads = [None] * L
    for t in range(L - 1, -1, -1):
        grads[t] = acts[t].T @ delta
        if t > 0:
            delta = delta @ Ws[t].T
            # ReLU'(pre) from the post-activation: pre > 0 ⇔ o > 0; pre = 0 only if o = 0 (ambiguous with
            # pre < 0); relu_prime0 = 1 therefore uses the pre-activation recomputed only when needed.
            if relu_prime0 == 0:
                delta *= acts[t] > 0
            else:
                delta *= (acts[t - 1] @ Ws[t - 1]) >= 0
    return grads


def softmax_xent_grad(Ws, X, y, relu_prime0=0):
    """(mean softmax cross-entropy, gradients) for integer labels y."""
    out, acts = mlp_forward(Ws, X)
    out = out - out.max(axis=1, keepdims=True)
    e = np.exp(out)
    p = e / e.sum(axis=1, keepdims=True)
    n = X.shape[0]
    loss = float(-np.mean(np.log(p[np.arange(n), y] + 1e-300)))
    delta = p
    delta[np.arange(n), y] -= 1.0
    delta /= n
    return loss, _backward(Ws, acts, delta, relu_prime0)


def sq_loss_grad(Ws, X, Y, relu_prime0=0, risk="sum"):
    """(Σ ½‖N(x) − y‖² [/ n for risk="mean"], gradients) — the float twin of `backprop`."""
    out, acts = mlp_forward(Ws, X)
    delta = out - Y
    loss = 0.5 * float(np.sum(delta * delta))
    if risk == "mean":
        loss /= X.shape[0]
        delta = delta / X.shape[0]
    return loss, _backward(Ws, acts, delta, relu_prime0)


def predict(Ws, X) -> np.ndarray:
    return np.argmax(mlp_forward(Ws, X)[0], axis=1)


def accuracy(Ws, X, y) -> float:
    return float(np.mean(predict(Ws, X) == y))
