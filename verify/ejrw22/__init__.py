"""ejrw22 — normalized gradient flow of shallow ReLU networks on a submanifold, with bounded
trajectories (Eberle, Jentzen, Riekert, Weiss 2022, arXiv:2207.06246).

Specification: shared/claims/000-normalized-gradient-flow.md; proof note: proofs_notes/ejrw22.md.

* ``powerdensity``: ℒ and 𝒢 against the singular power density of planted violation 12;
* ``claims``, ``strategies`` (instances on M_A / M_B, open-problem starts), ``cli`` (``relu-verify flow``).
  Trajectory enclosures of the standard and normalized flows come from the core engine `verify.flows`.

Importing the package registers all of this (`verify.registry`); it is the entry point
``ejrw22 = "verify.ejrw22"`` of the ``relu_verify.claims`` group in ``pyproject.toml``.
"""

from ..registry import register_strategies
from . import claims, cli, strategies  # noqa: F401  (importing registers the claims and commands)


register_strategies(strategies)
