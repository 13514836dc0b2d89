"""Command line: ``relu-verify list | check | search | suite | report`` and the commands families add
(``paths``, ``distance``, ``flow``, ``d0``; see `verify.registry.register_command`).

Exit codes: 0 holds / nothing found, 1 violated (a certified, re-verified counterexample), 2 bad
input, 3 unknown (including a time or memory limit hit), 4 internal error (a bug in relu-verify),
130 interrupted.  Errors a user can cause print one line on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import InputError
from ..registry import COMMANDS, load_plugin, load_plugins
from .claims import check_limit, cmd_check, cmd_list, cmd_recheck
from .common import EXIT_INTERNAL, Parser
from .runs import cmd_report, cmd_search, cmd_suite


DESCRIPTION = """Certified checks of claims about ReLU networks and their training: each verdict is HOLDS
(certified), VIOLATED (a certified, independently re-verified counterexample) or UNKNOWN.

start here:
  relu-verify list                        the claims, their provenance tags and planted violations
  relu-verify check CLAIM instance.json   decide one claim on one instance
  relu-verify search CLAIM                search adversarially for a counterexample
  relu-verify suite                       search every claim and planted violation (the main job)"""

EXIT_CODES_HELP = """exit codes:
  0  HOLDS / no counterexample found      1  VIOLATED: certified, re-verified counterexample
  2  bad input (one line on stderr)       3  UNKNOWN (undecided, or a time/memory limit hit)
  4  internal error (a bug; --debug)      130 interrupted (Ctrl-C)"""



def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="relu-verify", description=DESCRIPTION, epilog=EXIT_CODES_HELP, allow_abbrev=False,
               formatter_class=argparse.RawDescriptionHelpFormatter)  # no --plug: plugins are read before argparse
    from .. import __version__

    p.add_argument("--version", action="version", version=f"relu-verify {__version__}")
    p.add_argument("--plugin", action="append", default=[], metavar="FILE|MODULE",
                   help="load your own claims from a Python file or an importable module (repeatable; "
                        "see the README, 'Your own claim')")
    p.add_argument("--debug", action="store_true", help="show the traceback of an internal error; run "
                                                         "without the time and memory watchdog")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    limits = argparse.ArgumentParser(add_help=False)
    limits.add_argument("--seconds", dest="time_limit", default="120", metavar="S",
                        help="wall-clock budget; past it the answer is UNKNOWN naming the limit (default 120)")
    limits.add_argument("--max-memory", default="4G", metavar="SIZE",
                        help="memory budget beyond start-up, e.g. 4G or 512M (default 4G)")
    pl = sub.add_parser("list", help="list the claims one per line, or one claim's full entry")
    pl.add_argument("claim", nargs="?", help="CLAIM[@VARIANT...][~MUTANT]: print its full entry (statement, "
                                             "provenance, source, note, variants, params, mutants)")
    pl.add_argument("--mutants", action="store_true", help="also list the planted violations CLAIM~NAME")
    pl.add_argument("--family", help="only this family (e.g. cjrr21)")
    pl.add_argument("--json", action="store_true", help="print JSON (with every claim's params: type, default, "
                                                        "meaning)")
    dask = argparse.ArgumentParser(add_help=False)
    dask.add_argument("--jobs", type=int, metavar="N", help="run on a local Dask cluster of N worker processes "
                      "(extra relu-verify[distributed]); search: N seeds of the claim side by side")
    dask.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on an existing Dask cluster (default "
                      "$DASK_SCHEDULER_ADDRESS when --jobs is not given)")
    pc = sub.add_parser("check", parents=[limits, dask], help="decide one claim on one instance file (with "
                        "--jobs/--scheduler: a region's sub-boxes on Dask)")
    pc.add_argument("claim", nargs="?", help="CLAIM[@VARIANT...][~MUTANT]; default: the file's 'claim'")
    pc.add_argument("file", help="an instance file (README, 'Instance files'; examples/ has some)")
    pc.add_argument("--json", action="store_true", help="print the verdict as JSON")
    pc.add_argument("--max-prec", type=int, help="highest ball precision in bits (default 1024)")
    pc.add_argument("--certificate", metavar="FILE", help="write the verdict's certificate (JSON; a region's "
                    "HOLDS: its box tree, re-checked by `relu-verify recheck FILE`; a region's VIOLATED: the "
                    "witness instance)")
    pc.add_argument("--max-boxes", type=int, default=2000, metavar="N",
                    help="an instance with a region: box evaluations of the branch and bound (default 2000)")
    pc.add_argument("--plot", metavar="PNG", help="an instance with a region: draw 2-D projections of the boxes")
    pk = sub.add_parser("recheck", parents=[limits], help="re-verify a certificate file independently")
    pk.add_argument("file", help="a certificate written by --certificate (dispatched on its \"kind\")")
    pk.add_argument("--json", action="store_true", help="print the result as JSON")
    pr = sub.add_parser("search", parents=[dask], help="search one claim (or mutant) for a certified counterexample")
    pr.add_argument("claim", help="CLAIM[@VARIANT...][~MUTANT]")
    pr.add_argument("--examples", type=int, help="examples to try (default: the profile's)")
    pr.add_argument("--seconds", help="time budget in seconds (default: the profile's)")
    pr.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    pr.add_argument("--profile", choices=("ci", "dev", "thorough"), default="dev",
                    help="budget when --examples/--seconds are not given (default dev)")
    pr.add_argument("--out", help="report folder (default reports/<timestamp>/)")
    pr.add_argument("--reproduce", metavar="BLOB", help="replay a report's @reproduce_failure(...) line")
    pr.add_argument("--grow-regions", action="store_true", help="after a search without counterexample: the "
                    "largest box around the HOLDS examples on which the claim is certified for every θ "
                    "(a robustness radius; written to grown-region.json in the report folder)")
    pr.add_argument("--max-memory", default="8G", metavar="SIZE", help="memory budget of the run beyond start-up "
                    "(default 8G); an example that hits it counts as UNKNOWN")
    ps = sub.add_parser("suite", parents=[dask], help="search every claim and every mutant (the main job)")
    ps.add_argument("--profile", choices=("ci", "dev", "thorough"), default="ci",
                    help="budget per claim: ci (default, a few minutes in all), dev, thorough")
    ps.add_argument("--claims", help="glob over claim and mutant ids, e.g. 'cjrr21.gd-*'")
    ps.add_argument("--examples", type=int, help="examples per claim (default: the profile's)")
    ps.add_argument("--seconds", help="time budget per claim in seconds (default: the profile's)")
    ps.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    ps.add_argument("--out", help="report folder (default reports/<timestamp>/)")
    ps.add_argument("--max-memory", default="8G", metavar="SIZE", help="memory budget of the run beyond start-up "
                    "(default 8G); an example that hits it counts as UNKNOWN")
    pp = sub.add_parser("report", help="re-render report.md, report.html, plots and junit.xml from report.json")
    pp.add_argument("dir", help="a report folder")
    load_plugins()
    for cmd in COMMANDS.values():  # the families' own commands, in plugin order
        cmd.configure(sub, limits)
    return p





CORE = {"list": cmd_list, "check": cmd_check, "search": cmd_search, "suite": cmd_suite, "report": cmd_report,
        "recheck": cmd_recheck}


def _guarded(command: str) -> bool:
    """One computation (check, a family's command): run under the time and memory budget."""
    return command in ("check", "recheck") or (command in COMMANDS and COMMANDS[command].guarded)


def _dispatch(args) -> int:
    """Run the command; user errors → 2, internal errors → `EXIT_INTERNAL` (one line each)."""
    from ..errors import SoundnessError

    import warnings

    warnings.simplefilter("ignore", RuntimeWarning)  # numpy overflow in float screens: results are checked instead
    try:
        _validate_outputs(args)
        run = CORE.get(args.command) or COMMANDS[args.command].run
        return run(args)
    except InputError as e:
        print(f"relu-verify: error: {e}", file=sys.stderr)
        return 2
    except RecursionError:
        print("relu-verify: error: input nested too deeply", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("relu-verify: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        raise  # the budget watchdog reports it as the memory limit
    except Exception as e:  # noqa: BLE001  (a bug: never let it look like a verdict's exit code)
        if args.debug:
            raise
        kind = "SOUNDNESS ERROR" if isinstance(e, SoundnessError) else "internal error"
        first = (str(e).splitlines() or [""])[0]
        print(f"relu-verify: {kind} (a bug in relu-verify, not in your input): {type(e).__name__}: {first} "
              f"— rerun with --debug for the traceback", file=sys.stderr)
        return EXIT_INTERNAL


def _validate_outputs(args):
    """Output files of a family's command (its ``output_options``, e.g. ``--out``/``--plot`` of
    flow and d0): refuse a directory, a path under a regular file or an unwritable place before
    any computation (the files are written atomically)."""
    from ..files import output_file

    if args.command in COMMANDS:
        for opt in COMMANDS[args.command].output_options:
            output_file(getattr(args, opt, None), f"--{opt}")


def _on_limit(args):
    """What a guarded command prints when its budget ends it: an UNKNOWN naming the limit."""

    def report(reason: str) -> int:
        if args.command == "check":
            return check_limit(args, reason)
        print(f"relu-verify: {args.command} stopped: {reason}; nothing was decided", file=sys.stderr)
        return 3

    return report


def split_plugins(argv: list) -> tuple[list, list]:
    """(the ``--plugin`` specs, the other arguments): ``--plugin X`` / ``--plugin=X`` may stand
    anywhere on the line (before or after the command); plugins load before the parser is built,
    since they may add commands."""
    specs, rest, k = [], [], 0
    while k < len(argv):
        a = argv[k]
        if a == "--":  # everything after it is an argument, never an option
            rest += argv[k:]
            break
        if a == "--plugin":
            if k + 1 >= len(argv) or argv[k + 1].startswith("-"):
                raise InputError("--plugin needs a Python file or a module name", "--plugin")
            specs.append(argv[k + 1])
            k += 2
            continue
        if a.startswith("--plugin="):
            specs.append(a.split("=", 1)[1])
        else:
            rest.append(a)
        k += 1
    return specs, rest


def main(argv=None) -> int:
    own_process = argv is None  # the console script, not a call from Python: process-wide limits are ours to set
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        specs, rest = split_plugins(argv)
        for spec in specs:
            load_plugin(spec)
        parser = build_parser()
    except InputError as e:
        print(f"relu-verify: error: {e}", file=sys.stderr)
        return 2
    argv = [a for spec in specs for a in ("--plugin", spec)] + rest
    if not rest:
        parser.print_help()
        return 2
    try:
        args = parser.parse_args(argv)  # `check FILE` alone: argparse gives FILE to the required positional
    except SystemExit as e:  # --help, --version or a one-line usage error
        return e.code if isinstance(e.code, int) else 2
    args.argv = argv  # recorded in reports
    if own_process and args.command in ("search", "suite"):  # many examples in one process: cap its memory
        from ..budget import limit_memory, parse_memory

        try:
            limit_memory(parse_memory(args.max_memory))
        except InputError as e:
            print(f"relu-verify: error: {e}", file=sys.stderr)
            return 2
    if _guarded(args.command) and not args.debug:
        from ..budget import Limits, parse_memory, parse_seconds, run_guarded

        try:
            limits = Limits(parse_seconds(args.time_limit, "--seconds"), parse_memory(args.max_memory))
        except InputError as e:
            print(f"relu-verify: error: {e}", file=sys.stderr)
            return 2
        return run_guarded(lambda: _dispatch(args), limits, args.command, _on_limit(args))
    return _dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
