"""cjrr21 — a Lyapunov function for gradient descent (and flow) of shallow ReLU networks with
constant targets (Cheridito, Jentzen, Riekert, Rossmannek 2021, arXiv:2102.09924).

Specification: shared/claims/001-lyapunov-constant-target.md; proof note: proofs_notes/cjrr21.md.

* ``claims``: the family's claims, variants (ReLU′(0), measure normalization, loss scale, V) and
  planted violations;
* ``strategies`` of the core (`verify.strategies.shallow_instances`, `deep_instances`) draw its
  instances; the gradient-flow claims integrate with the core engine `verify.flows`.

Importing the package registers all of this (`verify.registry`); it is the entry point
``cjrr21 = "verify.cjrr21"`` of the ``relu_verify.claims`` group in ``pyproject.toml``.
"""

from . import claims  # noqa: F401  (importing registers)
