"""relu-verify: certified checks of claims about ReLU networks and their training.

    >>> import verify
    >>> v = verify.check("cjrr21.lyapunov-identity", "examples/design.json")
    >>> v.status
    <Status.HOLDS: 'HOLDS'>

The public API is this module's ``__all__``; everything else is reached by its module path
(``verify.gsgd19.paths``, ``verify.integrate``, …) and may move.
"""

from . import strategies
from .checking import check
from .define import claim, hypothesis, mutant
from .enclosures import BallNetwork, LossGradient, forward_enclosure, gd_enclosure, loss_gradient_enclosure
from .framework import Claim, Evaluation, Hypothesis, Instance, Param, Relation, Status, Verdict, relation, undecidable
from .interop import from_numpy, from_onnx, from_torch, to_onnx  # registers the network kinds and `convert`
from .registry import (CLAIMS, MUTANTS, load_plugin, load_plugins, register, register_command, register_instance_plot,
                       register_network_kind, register_strategies, register_variants, resolve)
from .searching import Budget, SearchResult, search

__all__ = [
    # deciding claims
    "check", "search", "Budget", "SearchResult", "Verdict", "Status", "Instance",
    # writing claims
    "claim", "relation", "hypothesis", "undecidable", "mutant", "Claim", "Evaluation", "Relation", "Hypothesis",
    "Param", "strategies",
    # your own network
    "from_numpy", "from_onnx", "from_torch", "to_onnx",
    # certified network passes at float speed (fast-ball arithmetic)
    "forward_enclosure", "loss_gradient_enclosure", "gd_enclosure", "LossGradient", "BallNetwork",
    # the registry (the door families and plugins use)
    "CLAIMS", "MUTANTS", "resolve", "register", "register_variants", "register_network_kind",
    "register_instance_plot", "register_command", "register_strategies", "load_plugin", "load_plugins",
    "all_claims", "all_mutants",
]
__version__ = "0.1.0"


def all_claims():
    """All registered claims, keyed by id."""
    load_plugins()
    return dict(CLAIMS)


def all_mutants():
    """All registered planted violations (mutants), keyed by ``CLAIM~NAME``."""
    load_plugins()
    return dict(MUTANTS)


def resolve_all():
    """Load every installed claim family (``load_plugins``)."""
    load_plugins()
