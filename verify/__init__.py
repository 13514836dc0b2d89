"""relu-verify: certified checks of claims about ReLU networks and their training.

    >>> import verify
    >>> v = verify.check("cjrr21.lyapunov-identity", "instance.json")
    >>> v.status
"""

from .claim import Instance, Status, Verdict
from .checking import check
from .registry import CLAIMS, MUTANTS, load_plugins, resolve

__all__ = ["check", "resolve", "Instance", "Status", "Verdict", "CLAIMS", "MUTANTS", "all_claims", "all_mutants"]
__version__ = "0.1.0"


def all_claims():
    """All registered claims, keyed by id."""
    resolve_all()
    return dict(CLAIMS)


def all_mutants():
    """All registered planted violations (mutants), keyed by ``CLAIM~NAME``."""
    resolve_all()
    return dict(MUTANTS)


def resolve_all():
    load_plugins()
