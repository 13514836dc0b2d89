"""Claim families, one module per source paper.  Importing a module registers its claims."""

_LOADED = False


def load_all():
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import beg19, cjrr21, ejrw22, gsgd19, yoneda23  # noqa: F401  (import registers)
