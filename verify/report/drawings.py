"""The drawings of the report's plots: realization 𝒩_θ against the target f (d = 1, 2, and along the
diagonal for d ≥ 3; with another activation σ for mutants), series of a trajectory, margins, and
the families' registered instance plots (`verify.registry.INSTANCE_PLOTS`) before these.
"""

from __future__ import annotations

import contextlib
import math

from flint import arb, fmpq

from ..framework import OBJECTIVE, Instance
from ..nets import Network
from ..numbers import BallContext, to_float
from ..problems import Empirical
from ..registry import INSTANCE_PLOTS, load_plugins
from .figures import Unplottable, attempt, mpl_text
from .model import GOOD_OUTCOMES, TITLE, outcome, seconds


def plot_instance(instance: dict) -> bytes | None:
    """PNG of the realization 𝒩_θ against the target f on the measure's domain (d = 1: both
    curves, atoms, kinks, support; d = 2: residual heat map; d ≥ 3: along the box diagonal);
    ``None`` if the instance cannot be plotted."""
    png = attempt(draw_instance, instance)
    return png if isinstance(png, bytes) else None


def plot_series(series: dict) -> bytes | None:
    """PNG of each named series against the iteration n (log scale if all positive); ``None``
    if there is nothing to plot."""
    png = attempt(draw_series, series)
    return png if isinstance(png, bytes) else None


def plot_margins(margins: list, found_at: int | None) -> bytes | None:
    """PNG of the relative margin per example (symlog), the counterexample (1-based
    ``found_at``) in red; ``None`` without a finite margin."""
    png = attempt(draw_margins, margins, found_at)
    return png if isinstance(png, bytes) else None


def plot_summary(results: list[dict]) -> bytes | None:
    """PNG bar chart of the wall time per result, green for pass/refuted, red otherwise."""
    png = attempt(draw_summary, results)
    return png if isinstance(png, bytes) else None


def floats(values) -> list[float]:
    """Float approximations (ball midpoints) of exact numbers; NaN where there is none."""
    out = []
    for x in values:
        f = to_float(x)
        out.append(math.nan if f is None else f)
    return out


def target_float(target, x: list) -> float:
    """f(x) at exact rational coordinates as a float: exact where the target allows it, else a
    53-bit ball's midpoint; NaN where f cannot be evaluated."""
    for args in ((x,), ([arb(t) for t in x], BallContext(53))):
        with contextlib.suppress(ArithmeticError, ValueError, TypeError):
            return floats([target.value(*args)])[0]
    return math.nan


def relu(y: float) -> float:
    return y if y > 0 else 0.0


def softplus(y: float) -> float:
    return y + math.log1p(math.exp(-y)) if y > 0 else math.log1p(math.exp(y))


ACTIVATIONS = {"softplus": (softplus, "softplus")}  # a word in the claim id -> (σ, its name); else ReLU


def activation_of(instance: dict) -> tuple:
    """(σ, name) of the network of ``instance``: a mutant that swaps the activation (its id names it,
    e.g. ``cjrr21.lyapunov-identity~softplus``) is drawn with that activation, everything else with ReLU."""
    claim = str(instance.get("claim") or "") if isinstance(instance, dict) else ""
    for word, act in ACTIVATIONS.items():
        if word in claim.split("~", 1)[-1].split("@")[0] and "~" in claim:
            return act
    return relu, "ReLU"


def float_network(net, sigma=relu):
    """``x ↦ 𝒩_θ(x)`` in float arithmetic with activation ``sigma``, for a list of floats ``x``."""
    fnet = net.with_theta(floats(net.theta))
    if not all(math.isfinite(t) for t in fnet.theta):
        raise Unplottable("θ has a non-finite entry")

    def realization(x):
        return fnet.forward(list(x), sigma, None, grad=False)[0]
    return realization


def grid(lo, hi, n: int) -> list:
    """``n`` equally spaced exact rationals from ``lo`` to ``hi``."""
    return [lo + (hi - lo) * fmpq(k, n - 1) for k in range(n)]


def plot_domain(inst) -> tuple[list, list | None]:
    """(box to plot over, support box of μ to mark or None), both as [(a, b)] of fmpq.
    Box/density measures: their box (padded by 10 % in 1-D so its ends show); empirical: the
    atoms' hull padded by 10 % (±1 where flat); no measure: [−1, 1]^d."""
    m, d = inst.measure, inst.net.d
    if m is None:
        return [(fmpq(-1), fmpq(1))] * d, None
    if isinstance(m, Empirical):
        hull = [(min(c), max(c)) for c in zip(*m.points)]
        return [pad(a, b) for a, b in hull], None
    support = list(m.box)
    return ([pad(*support[0])] if d == 1 else support), support


def pad(a, b) -> tuple:
    """[a, b] widened by 10 % on each side, or [a − 1, a + 1] if a = b."""
    w = (b - a) / 10
    return (a - w, b + w) if w else (a - 1, b + 1)


def atoms(inst) -> tuple[list, list[float]]:
    """Atoms of an empirical measure (exact points) and marker sizes ∝ weight; empty otherwise."""
    if not isinstance(inst.measure, Empirical):
        return [], []
    ws = floats(inst.measure.weights)
    top = max(ws) or 1.0
    return list(inst.measure.points), [15 + 85 * w / top for w in ws]


def draw_instance(fig, instance: dict):
    """Realization vs target of an instance dict (see `plot_instance`)."""
    if not isinstance(instance, dict) or not isinstance(instance.get("network"), dict):
        raise Unplottable("no network in the instance")
    load_plugins()
    for plot in INSTANCE_PLOTS:  # a family's own picture of its instances (yoneda23: D0 snapshots, beg19: pairs)
        if plot.applies(instance):
            plot.draw(fig, instance)
            return
    inst = Instance.from_json(instance)
    if not isinstance(inst.net, Network):
        raise Unplottable("the realization plot covers one-output networks (cjrr21); see the series plots")
    sigma = activation_of(instance)
    if sigma[0] is not relu and inst.net.d == 1:
        draw_1d_activation(fig.add_subplot(), inst, sigma)
        return
    draw = {1: draw_1d, 2: draw_2d}.get(inst.net.d, draw_diagonal)
    draw(fig.add_subplot(), inst, fig)


def draw_1d_activation(ax, inst, sigma):
    """A mutant with another activation σ (e.g. softplus): 𝒩_θ with σ, with ReLU (dotted) and the
    target f — the claim holds for ReLU and the σ-realization is where the violation comes from."""
    fn, name = sigma
    box, support = plot_domain(inst)
    (a, b), = box
    xs = grid(a, b, 200)
    xf = floats(xs)
    if support:
        lo, hi = floats(support[0])
        ax.axvspan(lo, hi, color="0.92", label=r"support of $\mu$")
    ax.plot(xf, [float_network(inst.net, fn)([x]) for x in xf], color="C0", lw=1.8,
            label=rf"realization with $\sigma$ = {name}")
    ax.plot(xf, [float_network(inst.net)([x]) for x in xf], color="C2", lw=1.2, ls=":",
            label=r"realization with $\sigma$ = ReLU (the claim's)")
    ax.plot(xf, [target_float(inst.target, [x]) for x in xs], color="C1", lw=1.4, ls="--", label=r"target $f(x)$")
    ax.set_xlim(xf[0], xf[-1])
    ax.set_xlabel(r"input $x$")
    ax.set_ylabel(r"$\mathcal{N}_\theta(x)$ and $f(x)$")
    ax.set_title(rf"realization $\mathcal{{N}}_\theta$ with $\sigma$ = {name} vs ReLU and target $f$")
    ax.legend(fontsize=7, loc="best")


def draw_1d(ax, inst, fig):
    """𝒩_θ and f over the domain, support of μ shaded, kinks dotted, atoms sized by weight."""
    box, support = plot_domain(inst)
    (a, b), = box
    xs = grid(a, b, 400)
    xf = floats(xs)
    net = float_network(inst.net)
    if support:
        lo, hi = floats(support[0])
        ax.axvspan(lo, hi, color="0.92", label=r"support of $\mu$")
    ax.plot(xf, [net([x]) for x in xf], color="C0", lw=1.6, label=r"realization $\mathcal{N}_\theta(x)$")
    ax.plot(xf, [target_float(inst.target, [x]) for x in xs], color="C1", lw=1.4, ls="--", label=r"target $f(x)$")
    for k, kink in enumerate(x for x in kinks_1d(inst.net) if xf[0] <= x <= xf[-1]):
        ax.axvline(kink, color="0.35", lw=0.7, ls=":", label=r"kinks of $\mathcal{N}_\theta$" if k == 0 else None)
    points, sizes = atoms(inst)
    if points:
        ax.scatter(floats(p[0] for p in points), [target_float(inst.target, list(p)) for p in points], s=sizes,
                   color="C3", zorder=3, label=r"atoms $(x_k, f(x_k))$, size ∝ weight")
    ax.set_xlim(xf[0], xf[-1])
    ax.set_xlabel(r"input $x$")
    ax.set_ylabel(r"$\mathcal{N}_\theta(x)$ and $f(x)$")
    ax.set_title(TITLE)
    ax.legend(fontsize=7, loc="best")


def kinks_1d(net) -> list[float]:
    """Kinks x = −b_i / w_i of a one-hidden-layer network on ℝ (w_i ≠ 0); none if deeper."""
    if not net.is_shallow:
        return []
    out = []
    for i in range(net.H):
        w, b = floats([net.w(i)[0], net.b(i)])
        if w != 0 and math.isfinite(w) and math.isfinite(b):
            out.append(-b / w)
    return sorted(out)


def draw_2d(ax, inst, fig):
    """Heat map of the residual 𝒩_θ(x) − f(x) over the box, kink lines and atoms."""
    import numpy as np

    box, _ = plot_domain(inst)
    n = 101
    xs, ys = grid(*box[0], n), grid(*box[1], n)
    xf, yf = floats(xs), floats(ys)
    net = float_network(inst.net)
    res = np.array([[net([x, y]) - target_float(inst.target, [xq, yq]) for x, xq in zip(xf, xs)]
                    for y, yq in zip(yf, ys)])
    top = float(np.nanmax(np.abs(res))) if np.isfinite(res).any() else 0.0
    top = top or 1.0
    mesh = ax.pcolormesh(xf, yf, np.ma.masked_invalid(res), shading="nearest", cmap="RdBu_r", vmin=-top, vmax=top)
    fig.colorbar(mesh, ax=ax, label=r"residual $\mathcal{N}_\theta(x) - f(x)$ (dimensionless)")
    draw_kink_lines(ax, inst.net, np.array(xf), np.array(yf))
    points, sizes = atoms(inst)
    if points:
        ax.scatter(floats(p[0] for p in points), floats(p[1] for p in points), s=sizes, facecolor="none",
                   edgecolor="k", label=r"atoms of $\mu$, size ∝ weight")
        ax.legend(fontsize=7, loc="upper right")
    ax.set_xlabel(r"input $x_1$")
    ax.set_ylabel(r"input $x_2$")
    ax.set_title(TITLE + ": residual")


def draw_kink_lines(ax, net, xf, yf):
    """Dotted lines 𝔴_i·x + 𝔟_i = 0 of a one-hidden-layer network where they cross the box."""
    import numpy as np

    if not net.is_shallow:
        return
    X, Y = np.meshgrid(xf, yf)
    for i in range(net.H):
        (w1, w2), b = floats(net.w(i)), floats([net.b(i)])[0]
        z = w1 * X + w2 * Y + b
        if np.isfinite(z).all() and z.min() < 0 < z.max():
            ax.contour(X, Y, z, levels=[0], colors="0.2", linewidths=0.7, linestyles=":")


def draw_diagonal(ax, inst, fig):
    """𝒩_θ and f along the diagonal x = a + t(b − a), t ∈ [0, 1], of the box (d ≥ 3)."""
    box, _ = plot_domain(inst)
    ts = grid(fmpq(0), fmpq(1), 400)
    points = [[a + t * (b - a) for a, b in box] for t in ts]
    net = float_network(inst.net)
    tf = floats(ts)
    ax.plot(tf, [net(floats(p)) for p in points], color="C0", lw=1.6, label=r"realization $\mathcal{N}_\theta(x(t))$")
    ax.plot(tf, [target_float(inst.target, p) for p in points], color="C1", lw=1.4, ls="--", label=r"target $f(x(t))$")
    ax.set_xlabel(rf"position $t$ on the box diagonal $x(t) = a + t\,(b - a)$, input dimension {inst.net.d}")
    ax.set_ylabel(r"$\mathcal{N}_\theta(x(t))$ and $f(x(t))$")
    ax.set_title(TITLE + " along the box diagonal")
    ax.legend(fontsize=7, loc="best")


def finite(values) -> list[float]:
    """Floats of the finite numbers among ``values`` (None and non-numbers dropped)."""
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]


def as_float(v) -> float:
    return float(v) if finite([v]) else math.nan


def integer_ticks(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def draw_series(fig, series: dict):
    """Each named series against n = 0, 1, …; gaps at None."""
    if not isinstance(series, dict):
        raise Unplottable("series is not an object")
    curves = {k: [as_float(v) for v in vs] for k, vs in series.items()
              if isinstance(vs, list) and finite(vs) and not k.startswith(OBJECTIVE)}
    xkey = next((k for k in curves if k.startswith("x: ")), None)
    if xkey is not None:  # a family against a parameter: "x: <label>" holds the x values
        draw_family(fig, curves.pop(xkey), xkey[3:], curves)
        return
    if not curves:
        raise Unplottable("no finite values in the series")
    ax = fig.add_subplot()
    for name, ys in curves.items():
        ax.plot(range(len(ys)), ys, marker="o" if len(ys) <= 40 else None, ms=3, lw=1.3, label=mpl_text(name))
    if all(v > 0 for ys in curves.values() for v in finite(ys)):
        ax.set_yscale("log")
    ax.set_xlabel(r"iteration $n$")
    integer_ticks(ax)
    ax.set_ylabel(quantity_label(curves))
    ax.set_title(mpl_text(f"{names_of(curves)} along the iterates"))
    ax.legend(fontsize=8)


def names_of(curves: dict, limit: int = 70) -> str:
    """The series names joined by ', ' (shortened past ``limit`` characters)."""
    text = ", ".join(curves)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quantity_label(curves: dict, limit: int = 40) -> str:
    """A y-axis label naming the quantity: the series' name, or the first one's with '+ k more'."""
    first = next(iter(curves))
    first = first if len(first) <= limit else first[: limit - 1] + "…"
    return mpl_text(first) + (f" (+ {len(curves) - 1} more, see legend)" if len(curves) > 1 else "")


def draw_family(fig, xs: list, xlabel: str, curves: dict):
    """Each curve against ``xs`` (e.g. parameter distance against function distance as ε
    shrinks), on log-log axes where everything is positive."""
    if not curves:
        raise Unplottable("no curves for the family")
    ax = fig.add_subplot()
    for name, ys in curves.items():
        pts = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
        if pts:
            ax.plot(*zip(*pts), marker="o" if len(pts) <= 40 else None, ms=3, lw=1.3, label=mpl_text(name))
    xs_f = [x for x in xs if math.isfinite(x)]
    ys_f = [y for ys in curves.values() for y in ys if math.isfinite(y)]
    if xs_f and ys_f and min(xs_f) > 0 and min(ys_f) > 0:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(mpl_text(xlabel))
    ax.set_ylabel(quantity_label(curves))
    ax.set_title(mpl_text(f"{names_of(curves, 50)} against {xlabel}"))
    ax.legend(fontsize=8)


def draw_margins(fig, margins: list, found_at):
    """Relative margin per example (1-based), symlog; the counterexample example in red."""
    points = [(k, as_float(m)) for k, m in enumerate(margins, start=1) if finite([m])]
    if not points:
        raise Unplottable("no finite margins")
    ax = fig.add_subplot()
    ks, ms = zip(*points)
    ax.plot(ks, ms, color="C0", lw=0.8, marker="o", ms=3, label="relative margin")
    ax.axhline(0, color="k", lw=0.8)
    if isinstance(found_at, int) and found_at >= 1:
        ax.axvline(found_at, color="red", lw=0.8, ls="--", label=f"counterexample (example #{found_at})")
        hit = [m for k, m in points if k == found_at]
        if hit:
            ax.scatter([found_at], hit, color="red", s=40, zorder=3)
    ax.set_yscale("symlog", linthresh=1e-12)
    ax.set_xlabel("example #")
    integer_ticks(ax)
    ax.set_ylabel("relative margin (negative = violated)")
    ax.set_title("relative margin per example of the search")
    ax.legend(fontsize=8)


def draw_summary(fig, results: list[dict]):
    """Horizontal bars of seconds per result id, green for pass/refuted, red otherwise."""
    from matplotlib.patches import Patch

    if not results:
        raise Unplottable("no results")
    fig.set_size_inches(7, max(3.5, 0.8 + 0.28 * len(results)))
    ax = fig.add_subplot()
    ids = [mpl_text(r["id"]) for r in results]
    colors = ["#2e8b3a" if outcome(r) in GOOD_OUTCOMES else "#c62828" for r in results]
    ax.barh(range(len(results)), [seconds(r.get("seconds")) for r in results], color=colors)
    ax.set_yticks(range(len(results)), ids, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("wall time [s]")
    ax.set_title("time per result")
    ax.legend(handles=[Patch(color="#2e8b3a", label="pass / refuted"),
                       Patch(color="#c62828", label="FAIL / NOT REFUTED / ERROR")], fontsize=7, loc="lower right")
