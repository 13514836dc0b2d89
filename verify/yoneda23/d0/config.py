"""The configuration: the batch rule `Batch` and the construction `D0` with its knobs (spec 004
§2.2–2.3) [DERIVED].

`D0` validates the knobs (`InputError`, one line), round-trips through JSON, evaluates f°, f°_N,
r_N and f_N(θ, x) pointwise and builds the network as a `DagNetwork` (widths d, 2d, 4d × N, 1, 2, 1);
the batches: cells Q_j, data and grid points, the mass K = ν(Ω) and the weights ω_t.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from flint import arb, fmpq, fmpz

from ...dag import DagNetwork
from ...errors import InputError
from ...numbers import Undecided, parse_rational, to_json
from .scalar import (BATCHES, FEATURES, HALF, HEADS, LIMIT_DEFS, MAX_N, NETWORK_MAX_WEIGHTS, NORMS, NOT_IMPLEMENTED,
                     QUARTER, RELU0, _const, _sgn, feature, hat, relu)


# ============================================================================================
# configuration


@dataclass(frozen=True)
class Batch:
    """Batch rule: ``full``; ``cells`` (m, normalize); ``data`` (X, a tuple of points);
    ``grid`` (n: data at the centres of cells(n))."""

    kind: str = "full"
    m: int = 2
    normalize: bool = True
    X: tuple = ()
    n: int = 2

    def __post_init__(self):
        """Fields a kind does not use get their defaults, and X becomes a tuple of fmpq points, so
        that equal rules compare equal and every Batch round-trips through `to_json`/`from_json`."""
        s = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731  (frozen dataclass normalization)
        if self.kind != "cells":
            s("m", 2)
            s("normalize", True)
        if self.kind != "grid":
            s("n", 2)
        s("X", _points(self.X) if self.kind == "data" else ())

    @classmethod
    def full(cls):
        return cls("full")

    @classmethod
    def cells(cls, m: int = 2, normalize: bool = True):
        return cls("cells", m=m, normalize=normalize)

    @classmethod
    def data(cls, X):
        return cls("data", X=_points(X))

    @classmethod
    def grid(cls, n: int = 2):
        return cls("grid", n=n)

    def to_json(self) -> dict:
        if self.kind == "full":
            return {"kind": "full"}
        if self.kind == "cells":
            return {"kind": "cells", "m": self.m, "normalize": self.normalize}
        if self.kind == "data":
            return {"kind": "data", "X": [to_json(list(x)) for x in self.X]}
        return {"kind": "grid", "n": self.n}

    @classmethod
    def from_json(cls, obj, where="batch") -> "Batch":
        if isinstance(obj, str):
            obj = {"kind": obj}
        if not isinstance(obj, dict):
            raise InputError("expected an object {\"kind\": ...} or a kind string", where)
        kind = obj.get("kind", "full")
        if kind in NOT_IMPLEMENTED["batch"]:
            raise InputError(f"batch kind {kind!r} ({NOT_IMPLEMENTED['batch'][kind]}) is not implemented", f"{where}.kind")
        known = {"full": {"kind"}, "cells": {"kind", "m", "normalize"}, "data": {"kind", "X"}, "grid": {"kind", "n"}}
        if kind not in known:
            raise InputError(f"unknown batch kind {kind!r} (expected one of {', '.join(BATCHES)})", f"{where}.kind")
        _keys(obj, known[kind], where)
        if kind == "full":
            return cls("full")
        if kind == "cells":
            return cls("cells", m=_int(obj.get("m", 2), f"{where}.m"),
                       normalize=_bool(obj.get("normalize", True), f"{where}.normalize"))
        if kind == "grid":
            return cls("grid", n=_int(obj.get("n", 2), f"{where}.n"))
        X = obj.get("X")
        if not isinstance(X, list):
            raise InputError("X must be a list of points", f"{where}.X")
        return cls("data", X=tuple(tuple(_point(x, f"{where}.X[{k}]")) for k, x in enumerate(X)))


def _point(x, where):
    if isinstance(x, list):
        return [parse_rational(v, f"{where}[{i}]") for i, v in enumerate(x)]
    return [parse_rational(x, where)]


def _points(X):
    out = []
    for k, x in enumerate(X):
        if isinstance(x, (list, tuple)):
            out.append(tuple(_rat(v, f"X[{k}][{i}]") for i, v in enumerate(x)))
        else:
            out.append((_rat(x, f"X[{k}]"),))
    return tuple(out)


def _rat(v, where) -> fmpq:
    if isinstance(v, fmpq):
        return v
    if isinstance(v, (int, fmpz)) and not isinstance(v, bool):
        return fmpq(int(v))
    if isinstance(v, float):
        raise InputError(f"{v!r} is a float; give an exact number ('p/q', a decimal string or fmpq)", where)
    return parse_rational(v, where)


def _int(v, where) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise InputError(f"expected an integer, got {v!r}", where)
    return v


def _bool(v, where) -> bool:
    if not isinstance(v, bool):
        raise InputError(f"expected true or false, got {v!r}", where)
    return v


def _keys(obj, known, where):
    extra = sorted(set(obj) - set(known))
    if extra:
        raise InputError(f"unknown key(s) {extra} (expected {sorted(known)})", where)


@dataclass(frozen=True)
class D0:
    """The D0 construction with its knobs (spec §2.2–2.3).

    Its target (the ball indicator f°) is one of the knobs, so an instance needs no 'target'.

    ``init`` (None: the head's default, (−4, 8/5) for 'wc', (4, 2/5) for 'ab', with α = 1, β = 0
    appended under ``train_outer``) and ``centre`` (None: the origin) are normalized on creation;
    numbers may be given as fmpq, int or exact strings ('1/20', '0.05').
    """

    defines_target: ClassVar[bool] = True  # the instance's 'target' is not used (no "f = 0" note)
    d: int = 1
    N: int = 2
    feature: str = "yarotsky"
    head: str = "wc"
    train_outer: bool = False
    centre: tuple | None = None
    radius: object = HALF
    closed: bool = True
    measure_norm: str = "prob"
    batch: Batch = Batch()
    eta: object = fmpq(1, 20)
    eta_decay: object = fmpq(0)
    init: tuple | None = None
    relu_grad_at_0: object = "0"
    limit_def: str = "strict"
    error_r: int = 2

    def __post_init__(self):
        s = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731  (frozen dataclass normalization)
        for name in ("d", "N", "error_r"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise InputError(f"{name} must be an integer, got {v!r}", name)
        if self.d < 1:
            raise InputError(f"d must be >= 1, got {self.d}", "d")
        if self.N < 0:
            raise InputError(f"N must be >= 0, got {self.N}", "N")
        if self.N > MAX_N:
            raise InputError(f"N = {self.N} exceeds the limit N <= {MAX_N} (verify.yoneda23.d0.MAX_N)", "N")
        if self.d * (4 * max(self.N, 1)) > 10 ** 6:
            raise InputError(f"d = {self.d}, N = {self.N} has more than 10^6 hidden neurons (the limit)", "d")
        if self.feature not in FEATURES:
            what = NOT_IMPLEMENTED["feature"].get(self.feature)
            raise InputError(f"feature {self.feature!r} ({what}) is not implemented" if what else
                             f"unknown feature {self.feature!r} (implemented: {', '.join(FEATURES)})", "feature")
        if self.head not in HEADS:
            what = NOT_IMPLEMENTED["head"].get(self.head)
            raise InputError(f"head {self.head!r} ({what}) is not implemented" if what else
                             f"unknown head {self.head!r} (expected 'wc' or 'ab')", "head")
        if not isinstance(self.train_outer, bool):
            raise InputError(f"train_outer must be true or false, got {self.train_outer!r}", "train_outer")
        if not isinstance(self.closed, bool):
            raise InputError(f"closed must be true or false, got {self.closed!r}", "target.closed")
        centre = (fmpq(0),) * self.d if self.centre is None else tuple(
            _rat(v, f"target.centre[{i}]") for i, v in enumerate(self.centre))
        if len(centre) != self.d:
            raise InputError(f"the centre has {len(centre)} coordinates, d = {self.d}", "target.centre")
        s("centre", centre)
        R = _rat(self.radius, "target.radius")
        if R <= 0:
            raise InputError(f"the radius must be > 0, got {R}", "target.radius")
        s("radius", R)
        if self.measure_norm not in NORMS:
            raise InputError(f"measure_norm must be 'prob' or 'lebesgue', got {self.measure_norm!r}", "measure_norm")
        if not isinstance(self.batch, Batch):
            raise InputError("batch must be a Batch", "batch")
        self._check_batch()
        eta = _rat(self.eta, "eta")
        if eta <= 0:
            raise InputError(f"the step size must be > 0, got {eta}", "eta")
        s("eta", eta)
        gamma = _rat(self.eta_decay, "eta_decay")
        if gamma < 0:
            raise InputError(f"the decay exponent γ must be >= 0, got {gamma}", "eta_decay")
        s("eta_decay", gamma)
        r0 = self.relu_grad_at_0
        r0 = {0: "0", 1: "1"}.get(r0, r0) if not isinstance(r0, bool) else r0
        if isinstance(r0, fmpq) and r0 in (0, 1):
            r0 = str(r0)
        if r0 not in RELU0:
            raise InputError(f"relu_grad_at_0 must be 0, 1 or 'raise', got {self.relu_grad_at_0!r}", "relu_grad_at_0")
        s("relu_grad_at_0", r0)
        if self.limit_def not in LIMIT_DEFS:
            what = NOT_IMPLEMENTED["limit_def"].get(self.limit_def)
            raise InputError(f"limit_def {self.limit_def!r} ({what}) is not implemented" if what else
                             f"limit_def must be 'strict' or 'closed', got {self.limit_def!r}", "limit_def")
        if self.error_r not in (1, 2):
            raise InputError(f"error_r must be 1 or 2, got {self.error_r}", "error_r")
        n = len(self.param_names)
        if self.init is None:
            init = (fmpq(-4), fmpq(8, 5)) if self.head == "wc" else (fmpq(4), fmpq(2, 5))
        else:
            if not isinstance(self.init, (list, tuple)):
                raise InputError("init must be a list of numbers", "init")
            init = tuple(_rat(v, f"init[{k}]") for k, v in enumerate(self.init))
        if self.train_outer and len(init) == 2:
            init = init + (fmpq(1), fmpq(0))
        if len(init) != n:
            raise InputError(f"init has {len(init)} entries, the trainable parameters are {self.param_names}", "init")
        s("init", init)

    def _check_batch(self):
        b = self.batch
        if b.kind == "cells":
            if isinstance(b.m, bool) or not isinstance(b.m, int) or b.m < 1:
                raise InputError(f"cells(m) needs an integer m >= 1, got {b.m!r}", "batch.m")
            if b.m * self.d > 40:
                raise InputError(f"cells(m = {b.m}) in d = {self.d} has more than 2^40 cells", "batch.m")
            if not isinstance(b.normalize, bool):
                raise InputError("normalize must be true or false", "batch.normalize")
        elif b.kind == "grid":
            if isinstance(b.n, bool) or not isinstance(b.n, int) or b.n < 0:
                raise InputError(f"grid(n) needs an integer n >= 0, got {b.n!r}", "batch.n")
            if 2 ** (b.n * self.d) > 10 ** 6:
                raise InputError(f"grid(n = {b.n}) in d = {self.d} has more than 10^6 points", "batch.n")
        elif b.kind == "data":
            if not b.X:
                raise InputError("the data set X is empty", "batch.X")
            for k, x in enumerate(b.X):
                if len(x) != self.d:
                    raise InputError(f"the point has {len(x)} coordinates, d = {self.d}", f"batch.X[{k}]")
                self.check_point(x, f"batch.X[{k}]")
        elif b.kind != "full":
            raise InputError(f"unknown batch kind {b.kind!r}", "batch.kind")

    # ---- parameters ---------------------------------------------------------------------------
    @property
    def param_names(self) -> tuple[str, ...]:
        base = ("w", "c") if self.head == "wc" else ("a", "b")
        return base + (("alpha", "beta") if self.train_outer else ())

    @property
    def theta0(self) -> tuple:
        return self.init

    @property
    def theta(self) -> tuple:
        """θ^0, so that a `D0` can stand where an instance expects a network (``{"kind": "d0"}``)."""
        return self.init

    def with_theta(self, theta) -> "D0":
        """The same configuration with θ^0 = ``theta`` as given, in any number system (balls or
        `verify.cells` of a region box): the region machinery's view of θ (`verify.regions`)."""
        theta = tuple(theta)
        if len(theta) != len(self.param_names):
            raise InputError(f"θ has {len(theta)} entries, expected {len(self.param_names)} {self.param_names}", "theta")
        if any(isinstance(v, arb) for v in theta):  # the families compare θ^0 exactly (e.g. "the default instance")
            raise Undecided("yoneda23 takes θ^0 exact: rationals, or the cells of a region box")
        out = dataclasses.replace(self)
        object.__setattr__(out, "init", theta)
        return out

    def with_(self, **changes) -> "D0":
        """A copy with some knobs changed (``init`` is reset to the default when the head changes
        and no init is given)."""
        if "head" in changes and "init" not in changes:
            changes["init"] = None
        if "train_outer" in changes and "init" not in changes:
            changes["init"] = self.init[:2]
        return dataclasses.replace(self, **changes)

    def head_values(self, theta):
        """(w, c, α, β) for the trainable θ (in the number system of θ)."""
        theta = tuple(fmpq(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in theta)
        if len(theta) != len(self.param_names):
            raise InputError(f"θ has {len(theta)} entries, expected {len(self.param_names)} {self.param_names}", "theta")
        if self.head == "wc":
            w, c = theta[0], theta[1]
        else:
            w, c = -theta[0], theta[0] * theta[1]
        if self.train_outer:
            al, be = theta[2], theta[3]
        else:
            al, be = _const(fmpq(1), theta[0]), _const(fmpq(0), theta[0])
            if isinstance(theta[0], arb):
                al, be = arb(1), arb(0)
        return w, c, al, be

    def a_lambda(self, theta):
        """(a, λ) = (−w, c + w/4) for 'wc', (a, a(b − 1/4)) for 'ab' (spec §2.2)."""
        q = _const(QUARTER, theta[0])
        if self.head == "wc":
            return -theta[0], theta[1] + theta[0] * q
        return theta[0], theta[0] * (theta[1] - q)

    def theta_from_a_lambda(self, a, lam):
        """Inverse of `a_lambda` (trainable part; α, β frozen)."""
        q = _const(QUARTER, a)
        if self.head == "wc":
            return (-a, lam + a * q)
        return (a, q + lam / a)

    def eta_at(self, t: int, system: str = "exact"):
        """η_t = η (t + 1)^{−γ}: exact only for integer γ; a ball or a float otherwise."""
        if self.eta_decay == 0:
            return {"exact": self.eta, "ball": arb(self.eta), "float": _f(self.eta)}[system]
        g = self.eta_decay
        if system == "exact":
            if g.q != 1:
                raise InputError(f"η_t = η (t+1)^(-{g}) is irrational; exact GD needs an integer γ", "eta_decay")
            return self.eta / fmpq(t + 1) ** int(g.p)
        if system == "ball":
            return arb(self.eta) * arb(t + 1) ** (-arb(g))
        return _f(self.eta) * (t + 1) ** (-_f(g))

    # ---- pointwise ----------------------------------------------------------------------------
    def check_point(self, x, where="x"):
        """x must lie in the domain [−1, 1)^d (rational coordinates)."""
        if len(x) != self.d:
            raise InputError(f"the point has {len(x)} coordinates, d = {self.d}", where)
        for i, v in enumerate(x):
            if isinstance(v, (fmpq, int)) and not (-1 <= v < 1):
                raise InputError(f"coordinate {v} lies outside the domain [-1, 1)", f"{where}[{i}]")

    def r(self, x):
        """The feature r_N(x) (exact for rational x)."""
        return feature(x, self.N, self.feature)

    def target(self, x):
        """f°(x) = 1{|x − centre| ≤ R} (closed) or 1{|x − centre| < R} (open); a ball input
        raises `Undecided` when the side is not certified."""
        s = 0
        for xi, ci in zip(x, self.centre):
            xi = fmpq(xi) if isinstance(xi, int) else xi
            s = s + (xi - _const(ci, xi)) ** 2
        s = s - _const(self.radius ** 2, s)
        return _indicator(s, self.closed)

    def limit(self, x):
        """f°_N(x) = 1{r_N(x) < τ} ('strict') or 1{r_N(x) ≤ τ} ('closed'), τ = R²."""
        r = self.r(x)
        return _indicator(r - _const(self.tau, r), self.limit_def == "closed")

    @property
    def tau(self) -> fmpq:
        return self.radius ** 2

    def f(self, theta, x):
        """f_N(θ, x) = α(σ(w r_N + c) − σ(w r_N + c − 1)) + β."""
        w, c, al, be = self.head_values(theta)
        r = self.r(x)
        if isinstance(w, float) and not isinstance(r, float):
            r = _f(r)
        u = w * r + c
        return al * (relu(u) - relu(u - 1)) + be

    def preactivations(self, theta, x) -> list[list]:
        """Every hidden pre-activation of the D0 network at x, layer by layer (hidden layers
        1..N+3: abs, N hat layers, feature, head), computed from the closed forms of §2.2."""
        if self.feature != "yarotsky":
            raise InputError(f"feature {self.feature!r} has no network, hence no pre-activations", "feature")
        layers = [[v for xi in x for v in (xi, -xi)]]
        p = [abs(fmpq(xi) if isinstance(xi, int) else xi) for xi in x]
        q = list(p)
        for k in range(1, self.N + 1):
            layer = []
            for i in range(self.d):
                layer += [p[i], p[i] - HALF, p[i] - 1, q[i]]
            layers.append(layer)
            p = [hat(v) for v in p]
            q = [relu(qi) - pi / 4 ** k for qi, pi in zip(q, p)]
        r = sum(q[1:], q[0])
        layers.append([r])
        w, c, _, _ = self.head_values(theta)
        layers.append([w * r + c, w * r + c - 1])
        return layers

    # ---- the network --------------------------------------------------------------------------
    def network(self, theta=None) -> DagNetwork:
        """The D0 network of §2.2 as a layered `DagNetwork` (widths d, 2d, 4d × N, 1, 2, 1) with exact
        frozen weights and the head (w, w; c, c − 1), (α, −α; β) taken from θ (default θ^0)."""
        if self.feature != "yarotsky":
            raise InputError(f"feature {self.feature!r} is a fixed non-ReLU transformation: there is no D0 network "
                             "for it", "feature")
        theta = self.init if theta is None else tuple(theta)
        w, c, al, be = self.head_values(theta)
        d, N = self.d, self.N
        dense = network_weight_count(d, N)
        if dense > NETWORK_MAX_WEIGHTS:
            raise InputError(f"the D0 network with d = {d}, N = {N} has {dense} dense weight entries; the limit is "
                             f"{NETWORK_MAX_WEIGHTS} (verify.yoneda23.d0.NETWORK_MAX_WEIGHTS)", "N")
        floaty = any(isinstance(v, float) for v in (w, c, al, be))
        cv = (lambda q: _f(q)) if floaty else (lambda q: fmpq(q))
        z = cv(0)
        widths = [d, 2 * d] + [4 * d] * N + [1, 2, 1]
        W, B = [], []
        W1 = [[z] * (2 * d) for _ in range(d)]
        for i in range(d):
            W1[i][2 * i], W1[i][2 * i + 1] = cv(1), cv(-1)
        W.append(W1)
        B.append([z] * (2 * d))
        if N == 0:
            Wf = [[z] for _ in range(2 * d)]
            for i in range(d):
                Wf[2 * i][0] = Wf[2 * i + 1][0] = cv(1)
            W.append(Wf)
            B.append([z])
        else:
            W2 = [[z] * (4 * d) for _ in range(2 * d)]
            b2 = [z] * (4 * d)
            for i in range(d):
                for j in range(4):
                    W2[2 * i][4 * i + j] = W2[2 * i + 1][4 * i + j] = cv(1)
                b2[4 * i + 1], b2[4 * i + 2] = cv(-HALF), cv(-1)
            W.append(W2)
            B.append(b2)
            for k in range(1, N):
                Wk = [[z] * (4 * d) for _ in range(4 * d)]
                bk = [z] * (4 * d)
                s = fmpq(1, 4 ** k)
                for i in range(d):
                    for j in range(3):  # p_k − β_j with p_k = 2h_{4i} − 4h_{4i+1} + 2h_{4i+2}
                        Wk[4 * i][4 * i + j], Wk[4 * i + 1][4 * i + j], Wk[4 * i + 2][4 * i + j] = cv(2), cv(-4), cv(2)
                    # q_k = h_{4i+3} − p_k/4^k
                    Wk[4 * i][4 * i + 3], Wk[4 * i + 1][4 * i + 3] = cv(-2 * s), cv(4 * s)
                    Wk[4 * i + 2][4 * i + 3], Wk[4 * i + 3][4 * i + 3] = cv(-2 * s), cv(1)
                    bk[4 * i + 1], bk[4 * i + 2] = cv(-HALF), cv(-1)
                W.append(Wk)
                B.append(bk)
            Wf = [[z] for _ in range(4 * d)]
            s = fmpq(1, 4 ** N)
            for i in range(d):  # r_N = Σ_i q_{N,i}
                Wf[4 * i][0], Wf[4 * i + 1][0], Wf[4 * i + 2][0], Wf[4 * i + 3][0] = cv(-2 * s), cv(4 * s), cv(-2 * s), cv(1)
            W.append(Wf)
            B.append([z])
        W.append([[w, w]])
        B.append([c, c - 1])
        W.append([[al], [-al]])
        B.append([be])
        return DagNetwork.mlp(widths, W, B)

    def shape(self, theta=None) -> dict:
        """Widths, depth (hidden layers) and non-zero counts of `network(θ)`.  The spec's count
        13dN + d + 4 (N ≥ 1) / 4d + 4 (N = 0) is the number of non-zero *edge weights* at a θ with
        w ≠ 0 and α ≠ 0; biases are counted separately."""
        net = self.network(theta)
        nz_w = sum(1 for v in net.weights if v != 0)
        nz_b = sum(1 for v in net.biases if v != 0)
        return {"widths": list(net.widths), "hidden_layers": len(net.widths) - 2, "max_width": max(net.widths[1:-1]),
                "weights": net.m, "biases": net.n_b, "nonzero_weights": nz_w, "nonzero_biases": nz_b,
                "spec_formula": nonzero_weight_formula(self.d, self.N)}

    # ---- batches ------------------------------------------------------------------------------
    @property
    def n_cells(self) -> int:
        return 2 ** (self.batch.m * self.d) if self.batch.kind == "cells" else 1

    def cell(self, j: int) -> list[tuple[fmpq, fmpq]]:
        """Q_j = Π_i [−1 + j_i 2^{1−m}, −1 + (j_i + 1) 2^{1−m}) with j = Σ_i j_i 2^{m(d−1−i)}."""
        m = self.batch.m
        if not 0 <= j < 2 ** (m * self.d):
            raise InputError(f"cell index {j} outside 0..{2 ** (m * self.d) - 1}", "cell")
        h = fmpq(2, 2 ** m)
        out = []
        for i in range(self.d):
            ji = (j >> (m * (self.d - 1 - i))) & (2 ** m - 1)
            out.append((-1 + ji * h, -1 + (ji + 1) * h))
        return out

    def batch_index(self, t: int) -> int:
        return t % self.n_cells if self.batch.kind == "cells" else 0

    def points(self) -> tuple:
        """The data points of a ``data`` or ``grid`` batch."""
        b = self.batch
        if b.kind == "data":
            return b.X
        if b.kind == "grid":
            return _grid_points(self.d, b.n)
        raise InputError(f"batch {b.kind!r} has no data points", "batch")

    @property
    def mass(self) -> fmpq:
        """K = ν(Ω): 1 for 'prob', 2^d for 'lebesgue'."""
        return fmpq(1) if self.measure_norm == "prob" else fmpq(2 ** self.d)

    def weight(self, t: int) -> fmpq:
        """ω_t with L_t = ω_t ∫_{I_t} (f − f°)² dx (d = 1 population batches)."""
        base = self.mass / 2 ** self.d
        if self.batch.kind == "cells" and self.batch.normalize:
            base = base * 2 ** (self.batch.m * self.d)
        return base

    def interval(self, t: int) -> tuple[fmpq, fmpq]:
        """The x-interval of L_t (d = 1 population batches)."""
        if self.batch.kind == "cells":
            return self.cell(self.batch_index(t))[0]
        return fmpq(-1), fmpq(1)

    # ---- JSON ---------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {"kind": "d0", "d": self.d, "N": self.N, "feature": self.feature, "head": self.head, "train_outer": self.train_outer,
                "target": {"kind": "ball", "centre": to_json(list(self.centre)), "radius": to_json(self.radius),
                           "closed": self.closed},
                "measure_norm": self.measure_norm, "batch": self.batch.to_json(), "eta": to_json(self.eta),
                "eta_decay": to_json(self.eta_decay), "init": to_json(list(self.init)),
                "relu_grad_at_0": self.relu_grad_at_0, "limit_def": self.limit_def, "error_r": self.error_r}

    @classmethod
    def from_json(cls, obj, where: str = "d0") -> "D0":
        if not isinstance(obj, dict):
            raise InputError("expected an object with the D0 knobs", where)
        known = {"kind", "d", "N", "feature", "head", "train_outer", "target", "measure_norm", "batch", "eta", "eta_decay",
                 "init", "relu_grad_at_0", "limit_def", "error_r"}
        _keys(obj, known, where)
        kw = {}
        for k in ("d", "N", "error_r"):
            if k in obj:
                kw[k] = _int(obj[k], f"{where}.{k}")
        for k in ("feature", "head", "measure_norm", "limit_def"):
            if k in obj:
                if not isinstance(obj[k], str):
                    raise InputError(f"expected a string, got {obj[k]!r}", f"{where}.{k}")
                kw[k] = obj[k]
        if "train_outer" in obj:
            kw["train_outer"] = _bool(obj["train_outer"], f"{where}.train_outer")
        if "target" in obj:
            tg = obj["target"]
            if not isinstance(tg, dict):
                raise InputError("expected an object {\"kind\": \"ball\", \"centre\", \"radius\", \"closed\"}", f"{where}.target")
            _keys(tg, {"kind", "centre", "radius", "closed"}, f"{where}.target")
            if tg.get("kind", "ball") != "ball":
                raise InputError(f"target kind {tg.get('kind')!r} is not implemented (only 'ball')", f"{where}.target.kind")
            if "centre" in tg:
                if not isinstance(tg["centre"], list):
                    raise InputError("centre must be a list of d numbers", f"{where}.target.centre")
                kw["centre"] = tuple(parse_rational(v, f"{where}.target.centre[{i}]") for i, v in enumerate(tg["centre"]))
            if "radius" in tg:
                kw["radius"] = parse_rational(tg["radius"], f"{where}.target.radius")
            if "closed" in tg:
                kw["closed"] = _bool(tg["closed"], f"{where}.target.closed")
        if "batch" in obj:
            kw["batch"] = Batch.from_json(obj["batch"], f"{where}.batch")
        for k in ("eta", "eta_decay"):
            if k in obj:
                kw[k] = parse_rational(obj[k], f"{where}.{k}")
        if "init" in obj:
            if not isinstance(obj["init"], list):
                raise InputError("init must be a list of numbers", f"{where}.init")
            kw["init"] = tuple(parse_rational(v, f"{where}.init[{i}]") for i, v in enumerate(obj["init"]))
        if "relu_grad_at_0" in obj:
            v = obj["relu_grad_at_0"]
            kw["relu_grad_at_0"] = str(v) if isinstance(v, int) and not isinstance(v, bool) else v
        try:
            return cls(**kw)
        except InputError as e:
            if e.where and not e.where.startswith(where):
                raise InputError(str(e).split(": ", 1)[-1], f"{where}.{e.where}") from None
            raise


def network_weight_count(d: int, N: int) -> int:
    """Σ_l w_l w_{l+1} over the widths d, 2d, 4d × N, 1, 2, 1 of `D0.network` (the dense entries it stores)."""
    widths = [d, 2 * d] + [4 * d] * N + [1, 2, 1]
    return sum(p * q for p, q in zip(widths, widths[1:]))


def nonzero_weight_formula(d: int, N: int) -> int:
    """The spec's count of non-zero weights (3.4): 13dN + d + 4 for N ≥ 1, 4d + 4 for N = 0."""
    return 13 * d * N + d + 4 if N >= 1 else 4 * d + 4


def _indicator(s, closed: bool):
    """1{s ≤ 0} (closed) or 1{s < 0}; certified for balls (`Undecided` otherwise)."""
    sg = _sgn(s)
    if sg is None:
        raise Undecided("the side of the boundary is not certified")
    one = 1.0 if isinstance(s, float) else fmpq(1)
    return one if (sg < 0 or (closed and sg == 0)) else 0 * one


def _grid_points(d: int, n: int) -> tuple:
    h = fmpq(2, 2 ** n)
    coords = [-1 + (j + HALF) * h for j in range(2 ** n)]
    out = []
    for j in range(2 ** (n * d)):
        out.append(tuple(coords[(j >> (n * (d - 1 - i))) & (2 ** n - 1)] for i in range(d)))
    return tuple(out)


def _f(q) -> float:
    if isinstance(q, fmpq):
        return int(q.p) / int(q.q)
    if isinstance(q, arb):
        return float(q.mid())
    return float(q)
