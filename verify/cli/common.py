"""What every command module of the CLI shares: the rich console and the argparse class with
one-line errors.  Family packages import these to add their own commands."""

from __future__ import annotations

import argparse
import sys


EXIT_INTERNAL = 4  # exit code of an internal error (a bug): never one of a verdict's


def console(stderr=False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    import os

    wide = stream.isatty() or os.environ.get("COLUMNS")  # else rich would assume 80 for a pipe
    return Console(stderr=stderr, highlight=False, width=None if wide else 200)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``relu-verify check: error: ...`` and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")
