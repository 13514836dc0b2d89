"""yoneda23 — pointwise convergence of mini-batch gradient descent for indicator targets
(Kawasumi, Yoneda 2023/24, arXiv:2304.08172).

Specification: shared/claims/004-pointwise-indicator.md; proof note: proofs_notes/yoneda23.md.

* ``d0``: the construction D0 (network kind ``"d0"`` of instance files) and GD on it, exact, in balls
  and in floats;
* ``disc`` (the d = 2 disc target), ``invariant`` (all-time invariant boxes), ``traps`` (periodic
  orbits): certificates the claims use;
* ``claims``, ``strategies``, ``plots`` (snapshots of f_N(θ^t, ·), GD runs), ``cli`` (``relu-verify d0``).

Importing the package registers all of this (`verify.registry`); it is the entry point
``yoneda23 = "verify.yoneda23"`` of the ``relu_verify.claims`` group in ``pyproject.toml``.
"""

from ..registry import InstancePlot, NetworkKind, register_instance_plot, register_network_kind, register_strategies
from . import certificates, claims, cli, strategies  # noqa: F401  (importing registers the claims, commands, certificate kinds)
from .d0 import D0


def _draw_snapshots(fig, instance):
    from .plots import draw_snapshots

    draw_snapshots(fig, instance)


def _is_d0(instance) -> bool:
    net = instance.get("network") if isinstance(instance, dict) else None
    return isinstance(net, dict) and net.get("kind") == "d0"


register_network_kind(NetworkKind("d0", D0.from_json, "the D0 construction given by its knobs; its θ is θ^0 (spec 004 §2.2)"))
register_instance_plot(InstancePlot("yoneda23-d0-snapshots", _is_d0, _draw_snapshots))
register_strategies(strategies)
