"""beg19 — inverse stability of the realization map of shallow ReLU networks
(Berner, Elbrächter, Grohs 2019, arXiv:1905.09803).

Specification: shared/claims/003-inverse-stability.md; proof note: proofs_notes/beg19.md.

* ``fibre``: the restricted set, the normalize map, parameter and fibre distances (exact and certified);
* ``arrangement``: d ≥ 2, the exact hyperplane arrangement and branch and bound for sup-norms;
* ``claims``, ``strategies`` (balanced and edited network pairs), ``plots`` (realizations of a pair),
  ``cli`` (``relu-verify distance``).  The exact 1-D canonical forms are core (`verify.realization`).

Importing the package registers all of this (`verify.registry`); it is the entry point
``beg19 = "verify.beg19"`` of the ``relu_verify.claims`` group in ``pyproject.toml``.
"""

from ..registry import InstancePlot, register_instance_plot, register_strategies
from . import claims, cli, strategies  # noqa: F401  (importing registers the claims and commands)


def _draw_pair(fig, instance):
    from .plots import draw_pair

    draw_pair(fig, instance)


def _is_pair(instance) -> bool:
    from .plots import is_pair

    return is_pair(instance)


register_instance_plot(InstancePlot("beg19-pair", _is_pair, _draw_pair))
register_strategies(strategies)
