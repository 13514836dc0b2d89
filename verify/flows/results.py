"""What the flow engine returns: a float `Simulation`, the certified `Enclosure` of every solution on
[0, T] (a chain of `Step` boxes), the field/Jacobian enclosure of one box (`BoxEval`), and a GD run
(`Descent`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from flint import arb, fmpq

from ..errors import InputError
from ..numbers import ball_bounds, ball_hull, contains, precision, square_enclosure
from .common import _intersect, _to_fmpq


@dataclass
class Simulation:
    """A float trajectory (exploration only): times, states (n × 𝔡), ℒ, kinks −b_i/w_i (NaN for
    w_i = 0) and the kink events (t, neuron i (0-based), point ξ ∈ {A, B, breakpoints})."""

    t: np.ndarray
    states: np.ndarray
    risk: np.ndarray
    kinks: np.ndarray
    events: list
    success: bool
    message: str


@dataclass
class Step:
    """One certified step: Θ_t ∈ X for every t ∈ [t0, t1]; F encloses the field on X."""

    t0: fmpq
    t1: fmpq
    X: list
    F: list
    # ∋ ∫_{t0}^{t1} |F(Θ_t)|² dt (second-order form, when J(X) was finite; a Taylor step leaves a function that
    # computes it at the enclosure's precision when asked: most enclosures never need it)
    E: object = None

    def energy(self):
        """The enclosure of ∫_{t0}^{t1} |F(Θ_t)|² dt (None if the step has none), computed now if it was left as
        a function."""
        return self.E() if callable(self.E) else self.E


@dataclass
class BoxEval:
    """ℒ, 𝒢 and (when available) the Jacobian enclosure of 𝒢 over a box of parameters."""

    L: arb
    G: list
    DG: list | None
    modes: list


@dataclass
class Enclosure:
    """Certified trajectory enclosure: ``steps[n]`` encloses Θ on [t_n, t_{n+1}], ``points[n] =
    (t_n, Y_n)`` with Θ_{t_n} ∈ Y_n.  ``complete`` is False when ``max_steps`` or the minimal step
    size stopped the integration before T (``reason`` says which); everything below is then
    about [0, t_reached]."""

    system: "FlowSystem"
    flow: str
    manifold: str
    theta0: list
    T: fmpq
    prec: int
    steps: list = field(default_factory=list)
    points: list = field(default_factory=list)
    complete: bool = False
    reason: str = ""
    rejected: int = 0
    h0: fmpq | None = None  # the step-size parameters of `FlowSystem.enclose` (a replay needs them)
    order: int = 0
    tol: float | None = None

    @property
    def t_reached(self) -> fmpq:
        return self.points[-1][0]

    @property
    def final(self) -> list:
        """Y_N ∋ Θ_{t_reached}."""
        return self.points[-1][1]

    def box_at(self, t) -> list:
        """A box containing Θ_t (union of the step boxes whose time interval contains t)."""
        t = _to_fmpq(t, "t")
        out = None
        with precision(self.prec):
            for s in self.steps:
                if s.t0 <= t <= s.t1:
                    out = list(s.X) if out is None else [a.union(b) for a, b in zip(out, s.X)]
        if out is None:
            raise InputError(f"t = {t} is outside the enclosed interval [0, {self.t_reached}]", "t")
        return out

    def width(self, n: int = -1) -> fmpq:
        """max_k diameter of Y_n (the point enclosure at t_n)."""
        return max(ball_bounds(y)[1] - ball_bounds(y)[0] for y in self.points[n][1])

    def sup_norm(self, norm: str = "inf") -> arb:
        """Enclosure of sup_{0 ≤ t ≤ t_reached} |Θ_t| in the ℓ∞ (``"inf"``) or ℓ2 (``"2"``) norm:
        upper end from the step boxes X_n, lower end from the point enclosures Y_n."""
        if norm not in ("inf", "2"):
            raise InputError(f"unknown norm '{norm}' (inf, 2)", "norm")
        with precision(self.prec):
            def mags(balls):
                out = []
                for x in balls:
                    lo, hi = ball_bounds(x)
                    out.append((fmpq(0) if lo <= 0 <= hi else min(abs(lo), abs(hi)), max(abs(lo), abs(hi))))
                return out

            def bound(balls, end):
                """ℓ∞ or ℓ2 norm of the lower (end 0) or upper (end 1) magnitudes of a box."""
                ends = [m[end] for m in mags(balls)]
                if norm == "inf":
                    return max(ends)
                return ball_bounds(arb(sum((e * e for e in ends), fmpq(0))).sqrt())[end]

            boxes = [s.X for s in self.steps] or [self.points[0][1]]
            upper = max([fmpq(0)] + [bound(balls, 1) for balls in boxes])
            lower = max([fmpq(0)] + [bound(balls, 0) for _, balls in self.points])
            return ball_hull(min(lower, upper), upper)

    def risk_final(self) -> arb:
        """Enclosure of ℒ(Θ_{t_reached}) (box evaluation of ℒ over Y_N)."""
        with precision(self.prec):
            return self.system._risk_box(self.final)

    def energy_along(self) -> list | None:
        """[ℒ(Θ_0) − Σ_{m<n} (t_{m+1} − t_m)·|F(X_m)|² for n = 0..N]: enclosures of ℒ(Θ_{t_n}) by the
        energy identity dℒ/dt = ⟨∇ℒ, F⟩ = −|F|² (claim 9: F = −P𝒢 is tangent and P symmetric, so
        ⟨𝒢, P𝒢⟩ = |P𝒢|²; the standard flow is the case P = I).  It needs ℒ to be C¹ along Θ, which
        holds on the regular set 𝓡 for a bounded density; None if some step box may leave 𝓡."""
        if not all(self.system._regular(st.X) for st in self.steps):
            return None
        L0, _ = self.system.risk_gradient_exact(self.theta0)
        with precision(self.prec):
            out = [arb(L0)]
            for st in self.steps:
                E = arb(st.t1 - st.t0) * sum((square_enclosure(f) for f in st.F), arb(0))
                if st.E is not None:
                    E = _intersect(E, st.energy(), "∫|F|²")
                out.append(out[-1] - E)
            return out

    def energy_enclosure(self) -> arb | None:
        """The last entry of `energy_along`: an enclosure of ℒ(Θ_{t_reached}) (None off 𝓡)."""
        along = self.energy_along()
        return None if along is None else along[-1]

    def invariants(self) -> dict:
        """Enclosures over every step box of the exact invariants of the flow and whether each
        contains its exact value: |u_i|² − 1 = 0 (normalized, M_A), |w_i| − 1 = 0 (M_B), and
        κ_i = w_i² + b_i² − v_i² = κ_i(Θ_0) (standard flow)."""
        H = self.system.H
        th = self.theta0
        out, ok = [], True
        with precision(self.prec):
            for st in self.steps:
                X = st.X
                if self.flow == "standard":
                    vals = [square_enclosure(X[i]) + square_enclosure(X[H + i]) - square_enclosure(X[2 * H + i]) for i in range(H)]
                    exact = [th[i] ** 2 + th[H + i] ** 2 - th[2 * H + i] ** 2 for i in range(H)]
                elif self.manifold == "A":
                    vals = [square_enclosure(X[i]) + square_enclosure(X[H + i]) - 1 for i in range(H)]
                    exact = [fmpq(0)] * H
                else:
                    vals = [square_enclosure(X[i]) - 1 for i in range(H)]
                    exact = [fmpq(0)] * H
                good = all(contains(v, e) for v, e in zip(vals, exact))
                ok = ok and good
                out.append(vals)
        name = "kappa" if self.flow == "standard" else ("|u|^2-1" if self.manifold == "A" else "w^2-1")
        return {"name": name, "per_step": out, "consistent": ok}


@dataclass
class Descent:
    """Iterates θ_0, …, θ_n of (projected) gradient descent: fmpq (exact), arb balls containing the
    exact iterates (ball), or floats; ``risk[n]`` is ℒ(θ_n) in the same arithmetic."""

    arithmetic: str
    flow: str
    manifold: str
    eta: fmpq
    iterates: list
    risk: list
    complete: bool = True
    reason: str = ""  # why the run stopped before ``steps`` (complete False)
