"""Fully connected ReLU networks and their flat parameter vector θ (layer 2).

A network with ``widths = [d, H_1, …, H_L, 1]`` has layers ℓ = 1..L+1 with weight matrices
W^ℓ ∈ ℝ^{H_ℓ × H_{ℓ−1}} and biases b^ℓ; θ lists them layer by layer, each weight matrix row-major
followed by its bias.  For one hidden layer this is the layout of the papers (cjrr21 §2.1):

    θ = (𝔴_{1,1}, …, 𝔴_{H,d}, 𝔟_1, …, 𝔟_H, 𝔳_1, …, 𝔳_H, 𝔠),   𝔡 = dH + 2H + 1,

and 𝒩^θ(x) = 𝔠 + Σ_i 𝔳_i max{𝔟_i + Σ_j 𝔴_{i,j} x_j, 0}.

`forward` is one piece of code for every number system: it takes ``relu`` and ``step`` (the
derivative convention κ with κ(0) = ReLU′(0)) as functions, so the same backpropagation runs on
`fmpq` (exact), on `arb` (balls), and on polynomials in x over one linear region (the 1-D
integrator of `verify.integrate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .errors import InputError
from .numbers import dot, exact_entries, parse_number, to_json


def n_params(widths: Sequence[int]) -> int:
    return sum(widths[k + 1] * (widths[k] + 1) for k in range(len(widths) - 1))


@dataclass(frozen=True)
class Network:
    """A ReLU network: ``widths`` and the flat parameter vector ``theta`` (numbers of one system).

    The constructor takes θ exactly: a numpy array (1-D, the layout of the module doc), numpy
    scalars, Python floats, `Fraction`/`Decimal` entries become the exact rationals they denote
    (`verify.numbers.exact_entries`; float32 0.1 is 13421773/134217728), numpy integer widths become
    ints; `fmpq`, ints, `arb` balls and polynomials are kept.  `with_theta` instead keeps its θ
    as given, in any number system (the float system of plots passes Python floats there)."""

    widths: tuple[int, ...]
    theta: tuple

    def __post_init__(self):
        if any(not isinstance(n, int) for n in self.widths):  # numpy integers
            object.__setattr__(self, "widths", tuple(_width(n) for n in self.widths))
        object.__setattr__(self, "theta", exact_entries(self.theta, "network.theta"))
        self._check()

    def _check(self):
        check_widths(self.widths)
        if len(self.theta) != n_params(self.widths):
            raise InputError(
                f"theta has {len(self.theta)} entries but widths {list(self.widths)} need "
                f"{n_params(self.widths)}", "network.theta")

    # ---- shape ---------------------------------------------------------------------------
    @property
    def d(self) -> int:
        return self.widths[0]

    @property
    def depth(self) -> int:
        """Number of hidden layers L."""
        return len(self.widths) - 2

    @property
    def is_shallow(self) -> bool:
        return self.depth == 1

    @property
    def H(self) -> int:
        self._need_shallow()
        return self.widths[1]

    def _need_shallow(self):
        if not self.is_shallow:
            raise InputError(f"this needs one hidden layer, widths are {list(self.widths)}", "network.widths")

    # ---- index map of cjrr21 §2.1 (0-based) --------------------------------------------------
    def idx_w(self, i: int, j: int) -> int:
        return i * self.d + j

    def idx_b(self, i: int) -> int:
        return self.H * self.d + i

    def idx_v(self, i: int) -> int:
        return self.H * (self.d + 1) + i

    @property
    def idx_c(self) -> int:
        return len(self.theta) - 1

    def w(self, i: int) -> tuple:
        return self.theta[i * self.d:(i + 1) * self.d]

    def b(self, i: int):
        return self.theta[self.idx_b(i)]

    def v(self, i: int):
        return self.theta[self.idx_v(i)]

    @property
    def c(self):
        return self.theta[-1]

    def neuron_block(self, i: int) -> list[int]:
        """Indices of (𝔴_i, 𝔟_i) -- the inner parameters of hidden neuron i."""
        return [self.idx_w(i, j) for j in range(self.d)] + [self.idx_b(i)]

    # ---- general layers ------------------------------------------------------------------
    def layers(self) -> list[tuple[list[list], list]]:
        """[(W^ℓ as a list of rows, b^ℓ)] for ℓ = 1..L+1."""
        out, k = [], 0
        for ell in range(len(self.widths) - 1):
            n_in, n_out = self.widths[ell], self.widths[ell + 1]
            W = [list(self.theta[k + r * n_in:k + (r + 1) * n_in]) for r in range(n_out)]
            k += n_in * n_out
            b = list(self.theta[k:k + n_out])
            k += n_out
            out.append((W, b))
        return out

    def with_theta(self, theta) -> "Network":
        """The same widths with θ = ``theta`` as given (no conversion: any number system)."""
        net = object.__new__(Network)
        object.__setattr__(net, "widths", self.widths)
        object.__setattr__(net, "theta", tuple(theta))
        net._check()
        return net

    def forward(self, x: Sequence, relu: Callable, step: Callable, grad: bool = True):
        """Realization 𝒩^θ(x) and, if ``grad``, the vector ∂_θ𝒩^θ(x) with ReLU′ replaced by
        ``step`` (for ``step`` = 1_{(0,∞)} this is the per-sample generalized gradient's factor,
        g(θ,x) = 2 r_θ(x) ∂_θ𝒩^θ(x)).  Also returns the pre-activations of every hidden layer."""
        layers = self.layers()
        h = list(x)
        hs, zs = [h], []
        for ell, (W, b) in enumerate(layers):
            z = [b[r] + dot(W[r], h) for r in range(len(W))]
            if ell == len(layers) - 1:
                out = z[0]
                break
            zs.append(z)
            h = [relu(zr) for zr in z]
            hs.append(h)
        if not grad:
            return out, None, zs
        g = [None] * len(self.theta)
        delta = [1]
        k_end = len(self.theta)
        for ell in range(len(layers) - 1, -1, -1):
            W, b = layers[ell]
            n_out, n_in = len(W), len(hs[ell])
            k_b = k_end - n_out
            k_w = k_b - n_out * n_in
            for r in range(n_out):
                g[k_b + r] = delta[r]
                for s in range(n_in):
                    g[k_w + r * n_in + s] = delta[r] * hs[ell][s]
            k_end = k_w
            if ell > 0:
                kappa = [step(zr) for zr in zs[ell - 1]]
                delta = [kappa[s] * dot([W[r][s] for r in range(n_out)], delta) for s in range(n_in)]
        return out, g, zs

    # ---- JSON ------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {"widths": list(self.widths), "theta": to_json(list(self.theta))}

    @classmethod
    def from_json(cls, obj, where: str = "network") -> "Network":
        if not isinstance(obj, dict):
            raise InputError("expected an object with 'widths' and 'theta'", where)
        for key in ("widths", "theta"):
            if key not in obj:
                raise InputError(f"missing key '{key}'", where)
        widths = obj["widths"]
        if not isinstance(widths, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in widths):
            raise InputError("widths must be a list of integers [d, H_1, ..., H_L, 1]", f"{where}.widths")
        check_widths(widths, f"{where}.widths")
        theta = obj["theta"]
        if not isinstance(theta, list):
            raise InputError("theta must be a list of numbers", f"{where}.theta")
        values = tuple(parse_number(t, f"{where}.theta[{k}]") for k, t in enumerate(theta))
        if len(values) != n_params(widths):
            raise InputError(f"theta has {len(values)} entries but widths {widths} need {n_params(widths)}",
                             f"{where}.theta")
        layout = obj.get("layout")
        if layout is not None:
            values = apply_layout(values, layout, f"{where}.layout")
        return cls(tuple(widths), values)


def _width(n) -> int:
    """A width given as an int or a numpy integer (`InputError` for anything else)."""
    import operator

    if isinstance(n, bool) or isinstance(n, float):
        raise InputError(f"widths must be integers, got {n!r}", "network.widths")
    try:
        return operator.index(n)
    except TypeError:
        raise InputError(f"widths must be integers, got {type(n).__name__}", "network.widths") from None


def check_widths(widths, where: str = "network.widths"):
    if len(widths) < 3:
        raise InputError(f"widths {list(widths)} need at least [d, H, 1]", where)
    if any(n < 1 for n in widths):
        raise InputError(f"widths {list(widths)} must all be >= 1", where)
    if widths[-1] != 1:
        raise InputError(f"the output width must be 1, got {widths[-1]}", where)


def apply_layout(values: tuple, layout, where: str) -> tuple:
    """Variant ``@layout-custom``: ``layout[k]`` is the position in the user's vector of the
    k-th coordinate of the block layout, i.e. θ_blocks[k] = θ_user[layout[k]]."""
    n = len(values)
    if (not isinstance(layout, list) or sorted(layout) != list(range(n))
            or not all(isinstance(k, int) for k in layout)):
        raise InputError(f"layout must be a permutation of 0..{n - 1}", where)
    return tuple(values[k] for k in layout)
