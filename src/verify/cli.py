"""Command line: ``relu-verify list | check | suite`` (layer 10).

Exit codes (DESIGN.md): 0 holds / nothing found, 1 violated, 2 bad input, 3 unknown.
Errors a user can cause print one line on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from .claim import Verdict
from .errors import InputError
from .numbers import short


def _console(stderr=False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, highlight=False, width=None if stream.isatty() else 200)


def write_atomic(path: Path, text: str):
    """Write ``text`` to ``path`` via a temporary file and a rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------------------------
# list


def cmd_list(args) -> int:
    import verify

    claims, mutants = verify.all_claims(), verify.all_mutants()
    if args.json:
        out = []
        for c in claims.values():
            out.append({"id": c.id, "provenance": c.provenance, "statement": c.statement, "note": c.note,
                        "variants": list(c.variant_groups), "mutants": [m.id for m in c.mutants]})
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    from rich.table import Table

    table = Table(show_lines=False, title="relu-verify claims")
    table.add_column("id", no_wrap=True)
    table.add_column("provenance")
    table.add_column("statement")
    for c in claims.values():
        if args.family and c.family != args.family:
            continue
        table.add_row(c.id, c.provenance, c.statement)
        if args.mutants:
            for m in c.mutants:
                table.add_row(f"  {m.id}", "mutant", f"[{m.spec_name}] {m.statement}")
    _console().print(table)
    if not args.mutants:
        print(f"{len(claims)} claims, {len(mutants)} mutants (show them with --mutants)")
    return 0


# --------------------------------------------------------------------------------------------
# check


def format_verdict(v: Verdict) -> str:
    lines = [f"{v.claim}: {v.status.value}" + (" (vacuously: a hypothesis fails)" if v.vacuous else ""),
             f"  statement   [{v.provenance}] {v.statement}"]
    if v.variants:
        lines.append(f"  variants    {', '.join('@' + x for x in v.variants)}")
    lines.append(f"  arithmetic  {v.precision}   engines: {', '.join(v.engines) or '-'}   time: {v.seconds:.3f} s")
    if v.hypotheses:
        lines.append("  hypotheses")
        for h in v.hypotheses:
            mark = {True: "yes", False: "NO", None: "undecided"}[h.holds]
            lines.append(f"    [{mark}] {h.name}" + (f"  ({h.detail})" if h.detail else ""))
    lines.append("  relations")
    for r in v.relations:
        lines.append(f"    [{r.status.value}] {r.name}")
        if r.op == "?":
            lines.append(f"        {r.note}")
            continue
        lines.append(f"        lhs = {short(r.lhs)}")
        lines.append(f"        rhs = {short(r.rhs)}")
        lines.append(f"        margin = {short(r.margin)}")
        if r.given is not None:
            lines.append(f"        given [{r.given.status.value}] {r.given.name}")
    if v.reverified:
        lines.append(f"  re-verified {v.reverified}")
    for n in v.notes:
        lines.append(f"  note        {n}")
    return "\n".join(lines)


def cmd_check(args) -> int:
    from .claim import Instance
    from .numbers import DEFAULT_PRECISIONS
    from .registry import check

    inst = Instance.load(args.file)
    ref = args.claim or inst.claim
    if not ref:
        raise InputError("no claim given: name one on the command line or put 'claim' in the file", args.file)
    precs = DEFAULT_PRECISIONS
    if args.max_prec:
        precs = tuple(p for p in DEFAULT_PRECISIONS if p <= args.max_prec) or (args.max_prec,)
    v = check(ref, inst, precisions=precs)
    if args.json:
        print(json.dumps(v.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_verdict(v))
    return v.exit_code


# --------------------------------------------------------------------------------------------
# suite


def cmd_suite(args) -> int:
    """Every claim on its built-in examples (must not be VIOLATED) and every mutant on its
    witness (must be VIOLATED)."""
    import verify
    from rich.progress import Progress
    from rich.table import Table

    from .registry import check

    claims, mutants = verify.all_claims(), verify.all_mutants()
    pattern = args.claims or "*"
    jobs = [(cid, e, False) for cid, c in claims.items() if fnmatch.fnmatch(cid, pattern) for e in c.examples]
    jobs += [(mid, m.witness, True) for mid, m in mutants.items() if fnmatch.fnmatch(mid, pattern)]
    if not jobs:
        raise InputError(f"no claim or mutant matches {pattern!r}", "--claims")
    rows: dict[str, dict] = {}
    verdicts = []
    t_start = time.perf_counter()
    with Progress(transient=True, console=_console(stderr=True), disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("checking", total=len(jobs))
        for cid, example, is_mutant in jobs:
            progress.update(task, description=cid)
            v = check(cid, example)
            verdicts.append(v)
            row = rows.setdefault(cid, {"provenance": "mutant" if is_mutant else v.provenance, "n": 0,
                                        "HOLDS": 0, "VIOLATED": 0, "UNKNOWN": 0, "vacuous": 0, "time": 0.0,
                                        "mutant": is_mutant})
            row["n"] += 1
            row[v.status.value] += 1
            row["vacuous"] += v.vacuous
            row["time"] += v.seconds
            progress.advance(task)
    failed = []
    table = Table(title=f"relu-verify suite ({args.profile})")
    for col in ("claim", "provenance", "examples", "holds", "vacuous", "unknown", "violated", "time [s]", "result"):
        table.add_column(col, no_wrap=(col == "claim"))
    for cid, row in rows.items():
        ok = row["VIOLATED"] == row["n"] if row["mutant"] else row["VIOLATED"] == 0
        if not ok:
            failed.append(cid)
        table.add_row(cid, row["provenance"], str(row["n"]), str(row["HOLDS"] - row["vacuous"]), str(row["vacuous"]),
                      str(row["UNKNOWN"]), str(row["VIOLATED"]), f"{row['time']:.2f}",
                      ("refuted" if ok else "NOT REFUTED") if row["mutant"] else ("pass" if ok else "FAIL"))
    _console().print(table)
    total = time.perf_counter() - t_start
    n_claims = sum(1 for r in rows.values() if not r["mutant"])
    print(f"{n_claims} claims, {len(rows) - n_claims} mutants, {len(verdicts)} verdicts in {total:.1f} s: "
          + ("all passed" if not failed else f"FAILED: {', '.join(failed)}"))
    if args.out:
        out = Path(args.out)
        write_atomic(out / "report.json", json.dumps({"profile": args.profile, "seconds": total,
                                                     "failed": failed,
                                                     "verdicts": [v.to_json() for v in verdicts]},
                                                    indent=1, ensure_ascii=False))
        print(f"verdicts written to {out / 'report.json'}")
    return 0 if not failed else 1


# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="relu-verify", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    pl = sub.add_parser("list", help="list the registered claims (and mutants)")
    pl.add_argument("--mutants", action="store_true", help="also list the planted violations CLAIM~NAME")
    pl.add_argument("--family", help="only this family (e.g. cjrr21)")
    pl.add_argument("--json", action="store_true")
    pc = sub.add_parser("check", help="decide one claim on one instance file")
    pc.add_argument("claim", nargs="?", help="CLAIM[@VARIANT...][~MUTANT]; default: the file's 'claim'")
    pc.add_argument("file", help="instance JSON (DESIGN.md, 'Instance files')")
    pc.add_argument("--json", action="store_true", help="print the verdict as JSON")
    pc.add_argument("--max-prec", type=int, help="highest ball precision in bits (default 1024)")
    ps = sub.add_parser("suite", help="run every claim on its examples and every mutant on its witness")
    ps.add_argument("--profile", choices=("ci", "dev", "thorough"), default="ci")
    ps.add_argument("--claims", help="glob over claim ids, e.g. 'cjrr21.gd-*'")
    ps.add_argument("--out", help="write report.json (atomically) into this directory")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # `check FILE` alone: argparse gives FILE to the required positional
    try:
        return {"list": cmd_list, "check": cmd_check, "suite": cmd_suite}[args.command](args)
    except InputError as e:
        print(f"relu-verify: error: {e}", file=sys.stderr)
        return 2
    except RecursionError:
        print("relu-verify: error: input nested too deeply", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
