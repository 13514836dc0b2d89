"""The restricted set Ñ and the normalize map (beg19 spec §2.5, variants §5; claim 17), any input
dimension d on the cube Ω = [−D, D]^d.

* `restricted_violations` -- the conditions R1-R4 (+ bound, bias) of Ñ: R1 balance |c_i| = ‖a_i‖ (or
  ‖(a_i, b_i)‖), R2 visibility (the kink meets int Ω, or the neuron is not identically 0 on Ω), R3/R4
  no two neurons on the same / opposite hyperplane (on w_i = (a_i, b_i) or on a_i).
* `normalize` -- Γ ↦ Γ̃ with R(Γ̃) = R(Γ) on Ω exactly: rebalance, drop dead neurons, merge,
  resolve opposite pairs, absorb the affine remainder by flips or one "affine device" neuron.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from flint import fmpq

from ...errors import InputError, SoundnessError
from ...nets import Network
from ...numbers import exact_sqrt, parse_rational
from ...realization import same_realization
from .common import _ONE, _ZERO, _build, _domain, _exact_shallow, _key, _neurons, _norm, _norm_equals, _pos_ratio


# --------------------------------------------------------------------------------------------
# 1. the restricted set Ñ


BAL = ("a", "ab")
BAL_NORMS = ("l2", "l1", "linf")
R2S = ("interior", "nonvanishing")
PARS = ("ab", "a")


def restricted_violations(net: Network, D=1, bal: str = "a", bal_norm: str = "l2", r2: str = "interior",
                          par: str = "ab", bias: bool = True, bound=None) -> list[tuple[str, tuple, str]]:
    """Every violated condition of Ñ (spec §2.5, variants §5) as ``(rule, neuron indices, detail)``;
    the empty list means Γ ∈ Ñ.  Any input dimension d, cube Ω = [−D, D]^d, 0-based indices.

    * ``R1`` balance: |c_i| = ‖a_i‖ (``bal="a"``) or ‖(a_i, b_i)‖ (``bal="ab"``), norm ``bal_norm``
      ∈ {l2, l1, linf}; ℓ2 compares squares, so it is exact.
    * ``R2`` ``r2="interior"``: a_i ≠ 0 and |b_i| < D‖a_i‖_1 (H_i meets int Ω); ``r2="nonvanishing"``:
      the neuron is not identically 0 on Ω (c_i ≠ 0 and b_i + D‖a_i‖_1 > 0).
    * ``R3`` no w_j = λw_i, λ > 0, j ≠ i; ``R4`` no w_j = −λw_i, λ > 0, where w = (a, b)
      (``par="ab"``) or w = a (``par="a"``).
    * ``bound`` ‖Γ‖_∞ ≤ B (when ``bound`` is given); ``bias`` with ``bias=False`` (variant .nobias):
      every b_i = 0.
    """
    _exact_shallow(net, "network")
    D = _domain(D)
    for name, val, allowed in (("bal", bal, BAL), ("bal_norm", bal_norm, BAL_NORMS), ("r2", r2, R2S),
                               ("par", par, PARS)):
        if val not in allowed:
            raise InputError(f"{name} must be one of {allowed}, got {val!r}", name)
    neurons, _ = _neurons(net)
    out: list[tuple[str, tuple, str]] = []
    for i, (a, b, c) in enumerate(neurons):
        v = a + (b,) if bal == "ab" else a
        if not _norm_equals(v, c, bal_norm):
            out.append(("R1", (i,), f"|c| = {abs(c)} but ‖{'(a,b)' if bal == 'ab' else 'a'}‖_{bal_norm[1:]} ≠ |c|"))
    for i, (a, b, c) in enumerate(neurons):
        n1 = sum((abs(x) for x in a), _ZERO)
        if r2 == "interior":
            if n1 == 0:
                out.append(("R2", (i,), "a = 0: no hyperplane"))
            elif not abs(b) < D * n1:
                out.append(("R2", (i,), f"|b| = {abs(b)} ≥ D‖a‖_1 = {D * n1}: hyperplane misses int Ω"))
        else:
            if c == 0 or b + D * n1 <= 0:
                out.append(("R2", (i,), "neuron identically 0 on Ω"))
    ws = [a + (b,) if par == "ab" else a for a, b, _ in neurons]
    for i, j in itertools.combinations(range(len(ws)), 2):
        if _pos_ratio(ws[i], ws[j]) is not None:
            out.append(("R3", (i, j), "w_j = λw_i with λ > 0"))
        if _pos_ratio(ws[i], tuple(-x for x in ws[j])) is not None:
            out.append(("R4", (i, j), "w_j = −λw_i with λ > 0"))
    if not bias:
        nz = tuple(i for i, (_, b, _) in enumerate(neurons) if b != 0)
        if nz:
            out.append(("bias", nz, "bias-free variant: b_i ≠ 0"))
    if bound is not None:
        B = fmpq(bound.numerator, bound.denominator) if isinstance(bound, Fraction) else \
            parse_rational(bound, "bound")
        big = max((abs(t) for t in net.theta), default=_ZERO)
        if big > B:
            out.append(("bound", (), f"‖Γ‖_∞ = {big} > B = {B}"))
    return out


# --------------------------------------------------------------------------------------------
# 2. the normalize map (claim 17)


def normalize(net: Network, D=1, bal: str = "a", bal_norm: str = "l2", flips: bool = True,
              keep_width: bool = False) -> tuple[Network, dict]:
    """Γ ↦ Γ̃ with R(Γ̃) = R(Γ) on Ω = [−D, D]^d exactly (claim 17), and statistics.

    Steps: (1) neurons identically 0 on Ω (c = 0, or b + D‖a‖_1 ≤ 0) are dropped ("dead"); a = 0,
    b > 0 neurons are constants and go into e ("constant"); neurons active on all of Ω
    (b − D‖a‖_1 ≥ 0, a ≠ 0) are affine on Ω ("hidden_affine"): their c(⟨a,x⟩ + b) joins the affine
    remainder.  (2) Neurons on one hyperplane are merged: c₁ρ(z) + c₂ρ(λz) = (c₁ + λc₂)ρ(z) ("merged"),
    opposite ones by ρ(−λz) = λρ(z) − λz ("opposite", the −λc₂z joins the affine remainder); a group
    whose total c is 0 disappears ("cancelled").  (3) The constant part of the remainder goes into e;
    a nonzero linear part u is absorbed, if possible, by flipping a subset S of neurons
    (cρ(z) = cρ(−z) + cz, so Σ_S c_k a_k = −u; "flipped", ≤ 16 neurons searched), otherwise by one
    *affine device* neuron (u, D‖u‖_1, 1), kinking on ∂Ω and active on Ω, with e −= D‖u‖_1
    ("affine_device": the number of extra neurons; it satisfies R2 only in the nonvanishing variant).
    (4) Each neuron is rebalanced (a, b, c) ↦ (λa, λb, c/λ), λ² = |c|/‖a‖ (or ‖(a,b)‖ with
    ``bal="ab"``), exactly when λ is rational; otherwise it stays unbalanced ("unbalanced", output
    indices).  With no neuron left one zero neuron is kept; ``keep_width`` pads with zero neurons.
    In d = 1 the realization is re-checked exactly (`SoundnessError` on a mismatch)."""
    _exact_shallow(net, "network")
    D = _domain(D)
    if bal not in BAL or bal_norm not in BAL_NORMS:
        raise InputError(f"bal must be in {BAL} and bal_norm in {BAL_NORMS}", "bal")
    d = net.d
    neurons, e = _neurons(net)
    stats = {"width_in": len(neurons), "dead": [], "constant": [], "hidden_affine": [], "merged": [],
             "opposite": [], "cancelled": [], "flipped": [], "affine_device": 0, "unbalanced": []}
    lin = [_ZERO] * d
    const = e
    kept = []
    for i, (a, b, c) in enumerate(neurons):
        n1 = sum((abs(x) for x in a), _ZERO)
        if c == 0 or b + D * n1 <= 0:
            stats["dead"].append(i)
        elif n1 == 0:
            const += c * b
            stats["constant"].append(i)
        elif b - D * n1 >= 0:
            lin = [u + c * x for u, x in zip(lin, a)]
            const += c * b
            stats["hidden_affine"].append(i)
        else:
            kept.append((i, a, b, c))
    # (2) group by hyperplane
    groups: dict = {}
    order = []
    for i, a, b, c in kept:
        k = _key(a, b)
        nk = tuple(-x for x in k)
        if k in groups:
            groups[k].append((i, a, b, c, 1))
        elif nk in groups:
            groups[nk].append((i, a, b, c, -1))
        else:
            groups[k] = [(i, a, b, c, 1)]
            order.append(k)
    out = []
    for k in order:
        g = groups[k]
        _, a0, b0, _, _ = g[0]
        w0 = a0 + (b0,)
        ctot = _ZERO
        for i, a, b, c, s in g:
            w = a + (b,)
            if s == 1:
                lam = _pos_ratio(w0, w)
                ctot += lam * c
            else:
                lam = _pos_ratio(w0, tuple(-x for x in w))
                ctot += lam * c
                lin = [u - c * lam * x for u, x in zip(lin, a0)]
                const -= c * lam * b0
        if len(g) > 1:
            ids = [x[0] for x in g]
            stats["merged"].append(ids)
            if any(x[4] == -1 for x in g):
                stats["opposite"].append(ids)
        if ctot == 0:
            stats["cancelled"].append([x[0] for x in g])
            continue
        out.append([a0, b0, ctot])
    # (3) the affine remainder
    if any(u != 0 for u in lin):
        done = False
        if flips and 0 < len(out) <= 16:
            target = [-u for u in lin]
            for r in range(1, len(out) + 1):
                for S in itertools.combinations(range(len(out)), r):
                    if all(sum((out[k][2] * out[k][0][j] for k in S), _ZERO) == target[j] for j in range(d)):
                        for k in S:
                            a, b, c = out[k]
                            const += c * b
                            out[k] = [tuple(-x for x in a), -b, c]
                        stats["flipped"] = list(S)
                        done = True
                        break
                if done:
                    break
        if not done:
            K = D * sum((abs(u) for u in lin), _ZERO)
            out.append([tuple(lin), K, _ONE])
            const -= K
            stats["affine_device"] = 1
    # (4) rebalance
    final = []
    for idx, (a, b, c) in enumerate(out):
        nv = _norm(a + (b,) if bal == "ab" else a, bal_norm)
        lam = exact_sqrt(abs(c) / nv) if nv else None
        if lam is None or lam == 0:
            stats["unbalanced"].append(idx)
            final.append((tuple(a), b, c))
        else:
            final.append((tuple(lam * x for x in a), lam * b, c / lam))
    if not final:
        final.append(((_ZERO,) * d, _ZERO, _ZERO))
        stats["unbalanced"].append(0)
    if keep_width:
        while len(final) < len(neurons):
            stats["unbalanced"].append(len(final))
            final.append(((_ZERO,) * d, _ZERO, _ZERO))
    stats["width_out"] = len(final)
    res = _build(d, final, const)
    if d == 1 and not same_realization(net, res, D):
        raise SoundnessError("normalize changed the realization")
    return res, stats

