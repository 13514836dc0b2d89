"""gsgd19 — path values and G-SGD in the positively scale-invariant space of ReLU networks
(Meng et al. 2019, arXiv:1802.03713).

Specification: shared/claims/002-gsgd-path-values.md; proof note: proofs_notes/gsgd19.md.

* ``paths``: paths of a DAG network, path values, the structure matrix, basis paths, the scaling group;
* ``pathnorm``: L^q path-norms (exact and certified log enclosures);
* ``gsgd``: inverse chain rule, weight allocation, G-SGD steps (exact and numpy);
* ``claims``, ``strategies`` (networks on DAGs, scalings, data sets), ``cli`` (``relu-verify paths``).

Importing the package registers all of this (`verify.registry`); it is the entry point
``gsgd19 = "verify.gsgd19"`` of the ``relu_verify.claims`` group in ``pyproject.toml``.
"""

from ..registry import register_strategies
from . import claims, cli, strategies  # noqa: F401  (importing registers the claims and commands)


register_strategies(strategies)
