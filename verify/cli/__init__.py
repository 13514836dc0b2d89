"""The ``relu-verify`` command line.

* `main` (``main.py``): the parser, dispatch, exit codes and the time/memory watchdog;
* ``claims.py``: ``list`` and ``check``; ``runs.py``: ``search``, ``suite`` and ``report``;
* ``common.py``: what family commands share (the console, the one-line-error parser).

Families add their own subcommands through `verify.registry.register_command`.
"""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
