"""Report plots of beg19 instances: two shallow 1-D networks Γ and Φ (``params.other``), their
realizations R(Γ), g = R(Φ) and derivatives on [−D, D] (registered as an instance plot)."""

from __future__ import annotations

from ..framework import Instance
from ..errors import InputError
from ..nets import Network
from ..numbers import parse_rational
from ..realization import canonical


def is_pair(instance: dict) -> bool:
    """Whether the instance is a pair of shallow 1-D networks (Γ, and Φ as ``params.other``)."""
    if not isinstance(instance.get("params"), dict) or not isinstance(instance["params"].get("other"), dict):
        return False
    try:
        inst = Instance.from_json(instance)
    except InputError:
        return False
    return isinstance(inst.net, Network) and inst.net.d == 1 and inst.net.is_shallow


def draw_pair(fig, instance: dict):
    """Two shallow 1-D networks (the instance's Γ and params.other): realizations and derivatives
    on [−D, D]."""
    inst = Instance.from_json(instance)
    other = Instance.from_json({"network": inst.params["other"]}).net
    D = parse_rational(inst.params.get("D", 1), "params.D")
    top, bottom = fig.subplots(2, 1, sharex=True)
    for net, label, color in ((inst.net, r"$R(\Gamma)$", "C0"), (other, r"$g = R(\Phi)$", "C3")):
        f = canonical(net, D)
        pieces = f.pieces()
        xs = [float(p[0]) for p in pieces] + [float(pieces[-1][1])]
        ys = [float(p[2]) for p in pieces] + [float(f.value(pieces[-1][1]))]
        top.plot(xs, ys, color=color, lw=1.5, label=label)
        for x0, x1, _, slope in pieces:
            bottom.hlines(float(slope), float(x0), float(x1), color=color, lw=1.5)
    top.set_ylabel(r"$R(\Gamma)(x)$, $g(x)$")
    top.legend(fontsize=8)
    top.set_title("realizations and their derivatives on the domain")
    bottom.set_ylabel("derivative (piecewise constant)")
    bottom.set_xlabel(r"$x \in [-D, D]$")
