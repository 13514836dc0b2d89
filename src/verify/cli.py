"""Command line: ``relu-verify list | check | search | suite | report | paths | distance | flow | d0``.

Exit codes: 0 holds / nothing found, 1 violated (a certified, re-verified counterexample), 2 bad
input, 3 unknown (including a time or memory limit hit), 4 internal error (a bug in relu-verify),
130 interrupted.  Errors a user can cause print one line on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import re
import sys
import time
from pathlib import Path

from .claim import Verdict
from .errors import InputError
from .files import read_json
from .numbers import short


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


def _console(stderr=False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    import os

    wide = stream.isatty() or os.environ.get("COLUMNS")  # else rich would assume 80 for a pipe
    return Console(stderr=stderr, highlight=False, width=None if wide else 200)


# --------------------------------------------------------------------------------------------
# list


def cmd_list(args) -> int:
    import verify

    claims, mutants = verify.all_claims(), verify.all_mutants()
    families = sorted({c.family for c in claims.values()})
    if args.family and args.family not in families:
        raise InputError(f"unknown family {args.family!r} (families: {', '.join(families)})", "--family")
    if args.claim:
        return _list_one(args.claim, args.json)
    shown = [c for c in claims.values() if not args.family or c.family == args.family]
    if args.json:
        print(json.dumps([_claim_json(c) for c in shown], indent=2, ensure_ascii=False))
        return 0
    width = max(_console().width, 40)
    ids = [c.id for c in shown] + ([m.id for c in shown for m in c.mutants] if args.mutants else [])
    id_w = min(max(map(len, ids), default=10), max(width - 37, max(map(len, claims))))  # ≥ 30 columns of text
    print(f"{'claim':<{id_w}}  tag  statement")
    for c in shown:
        print(_one_line(c.id, PROV_TAGS.get(c.provenance, c.provenance), c.statement, id_w, width))
        if args.mutants:
            for m in c.mutants:
                print(_one_line("  " + m.id, "MUT", m.statement, id_w, width))
    n_mut = sum(len(c.mutants) for c in shown)
    print(f"{len(shown)} claims, {n_mut} mutants" + ("" if args.mutants else " (show them with --mutants)")
          + "; the full entry of one: relu-verify list CLAIM")
    print("tags: " + ", ".join(f"{t} {p}" for p, t in PROV_TAGS.items()))
    if args.mutants:
        print("      MUT a planted violation (a mutant CLAIM~NAME)")
    return 0


PROV_TAGS = {"ABSTRACT": "ABS", "PAPER-FAMILY": "FAM", "RECONSTRUCTED": "REC", "DERIVED": "DER"}


def _one_line(ident: str, tag: str, text: str, id_w: int, width: int) -> str:
    """``ident  TAG  text`` in ``width`` columns: the id is never cut (a longer one moves the text to
    the next line); the text is cut at a word boundary with an ellipsis."""
    from rich.cells import cell_len

    head = f"{ident:<{id_w}}  {tag:<3}  "
    if cell_len(ident) > id_w:
        head = ident + "\n" + " " * (id_w + 2) + f"{tag:<3}  "
    room = width - (id_w + 7)
    if room < 20:  # too narrow for a statement beside the id: under it
        return head.rstrip() + "\n    " + _cut(text, width - 4)
    return head + _cut(text, room)


def _cut(text: str, room: int) -> str:
    from rich.cells import cell_len

    if cell_len(text) <= room:
        return text
    out = ""
    for word in text.split(" "):
        if cell_len(out + " " + word) + 1 > room:
            break
        out = (out + " " + word) if out else word
    if not out:  # one very long word
        out = text[:max(room - 1, 1)]
    return out.rstrip(",;:") + "…"


def _claim_json(c) -> dict:
    from .registry import VARIANT_GROUPS

    return {"id": c.id, "family": c.family, "provenance": c.provenance, "statement": c.statement,
            "source": c.source, "note": c.note, "variants": list(c.variant_groups),
            "variant_options": {g: {"options": list(VARIANT_GROUPS[g].options), "default": VARIANT_GROUPS[g].default,
                                    "doc": VARIANT_GROUPS[g].doc} for g in c.variant_groups},
            "params": {k: p.to_json() for k, p in c.params.items()}, "params_doc": c.params_doc,
            "mutants": [m.id for m in c.mutants]}


def _list_one(ref: str, as_json: bool) -> int:
    """The full entry of one claim (or of a mutant and its parent), with the variants of ``ref``
    in force in the statement."""
    import textwrap

    from .registry import VARIANT_GROUPS, resolve

    claim, mutant, values = resolve(ref)
    if as_json:
        out = _claim_json(claim)
        out["statement_in_force"] = claim.statement_for(values)
        if mutant is not None:
            out["mutant"] = {"id": mutant.id, "spec": mutant.spec_name, "statement": mutant.statement,
                             "forced_variants": mutant.forced_variants}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    width = max(min(_console().width, 120), 40)

    def put(label, text, indent=2):
        pad = " " * indent
        print(textwrap.fill(text, width, initial_indent=f"{pad}{label:<11} ", subsequent_indent=pad + " " * 12))

    if mutant is not None:
        print(f"{mutant.id}  [planted violation {mutant.spec_name}]")
        put("statement", mutant.statement)
        if mutant.forced_variants:
            put("variants", ", ".join("@" + v for v in mutant.forced_variants.values()))
        print(f"  mutant of {claim.id}:")
        print()
    print(f"{claim.id}  [{claim.provenance}]")
    put("statement", claim.statement_for(values))
    if claim.statement_for(values) != claim.statement:
        put("(default)", claim.statement)
    put("source", claim.source)
    put("note", claim.note)
    put("family", claim.family)
    put("examples", f"{len(claim.examples)} built-in")
    if claim.variant_groups:
        print("  variant groups (CLAIM@OPTION; * default, > selected)")
        for g in claim.variant_groups:
            grp = VARIANT_GROUPS[g]
            sel = values.get(g + ":name")
            opts = "  ".join(("> " if o == sel and values.get(g + ":explicit") else "")
                             + o + ("*" if o == grp.default else "") for o in grp.options)
            put(g, opts, 4)
            if grp.doc:
                print(textwrap.fill(grp.doc, width, initial_indent=" " * 16, subsequent_indent=" " * 16))
    else:
        put("variants", "none")
    if claim.params:
        print("  params (the instance's \"params\" object)")
        for k, prm in claim.params.items():
            default = "none" if prm.default is None else json.dumps(prm.default, ensure_ascii=False)
            put(k, f"{prm.type}; default {default}; {prm.doc}", 4)
    else:
        put("params", "none")
    if claim.params_doc:
        put("params doc", claim.params_doc)
    if claim.mutants:
        print("  mutants (planted violations)")
        for m in claim.mutants:
            put(m.id, f"[{m.spec_name}] {m.statement}", 4) if len(m.id) <= 10 else (
                print(f"    {m.id}"), print(textwrap.fill(f"[{m.spec_name}] {m.statement}", width,
                                                   initial_indent=" " * 8, subsequent_indent=" " * 8)))
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


MIN_PREC, MAX_PREC = 16, 1 << 16


def _precisions(max_prec):
    """The ball precisions ``check`` tries, up to ``--max-prec`` bits."""
    from .numbers import DEFAULT_PRECISIONS

    if max_prec is None:
        return DEFAULT_PRECISIONS
    if not MIN_PREC <= max_prec <= MAX_PREC:
        raise InputError(f"must be between {MIN_PREC} and {MAX_PREC} bits, got {max_prec}", "--max-prec")
    return tuple(p for p in DEFAULT_PRECISIONS if p <= max_prec) or (max_prec,)


def cmd_check(args) -> int:
    from .claim import Instance
    from .registry import check

    precs = _precisions(args.max_prec)
    inst = Instance.load(args.file)
    ref = args.claim or inst.claim
    if not ref:
        raise InputError("no claim given: name one on the command line or put 'claim' in the file", args.file)
    v = check(ref, inst, precisions=precs)
    if args.json:
        print(json.dumps(v.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_verdict(v))
    return v.exit_code


def _check_limit(args, reason: str) -> int:
    """The UNKNOWN verdict of a ``check`` that its time or memory budget ended."""
    ref = args.claim
    try:
        obj = read_json(args.file)
        ref = ref or (obj.get("claim") if isinstance(obj, dict) else None)
    except InputError:
        obj = None
    if args.json:
        print(json.dumps({"claim": ref, "status": "UNKNOWN", "vacuous": False, "limit": reason,
                          "notes": [f"stopped: {reason}"], "relations": [], "hypotheses": [],
                          "instance": obj}, indent=2, ensure_ascii=False))
    else:
        print(f"{ref}: UNKNOWN\n  note        stopped: {reason}; nothing was decided")
    return 3


# --------------------------------------------------------------------------------------------
# search and suite


PROJECT_DATABASE = Path(".relu-verify") / "hypothesis-db"  # like .hypothesis/: replayed by every later run here


def _out_dir(arg) -> tuple[Path, Path]:
    """(report folder, Hypothesis database folder).  ``--out DIR`` keeps its database inside DIR
    and moves an earlier report found there aside; without it the report goes to a fresh
    ``reports/<timestamp>/`` and the database is the project-level `PROJECT_DATABASE`, so a
    counterexample found yesterday is replayed first today (a copy lands in the report folder)."""
    from .files import output_dir

    if arg:
        out = output_dir(arg, "--out")
        _move_aside_earlier_report(out)
        return out, out / "hypothesis-db"
    output_dir("reports", "--out")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path("reports") / stamp
    k = 1
    while out.exists():
        k += 1
        out = Path("reports") / f"{stamp}-{k}"
    return out, PROJECT_DATABASE


REPORT_FILES = ("report.json", "report.md", "report.html", "junit.xml", "plots")


def _move_aside_earlier_report(out: Path):
    """Never overwrite a report silently: move its files to ``out/previous-<timestamp>/``."""
    import shutil

    old = [out / n for n in REPORT_FILES if (out / n).exists()] + sorted(out.glob("witness-*.json"))
    if not (out / "report.json").exists() or not old:
        return
    dest = out / f"previous-{time.strftime('%Y%m%d-%H%M%S', time.localtime((out / 'report.json').stat().st_mtime))}"
    k = 1
    while dest.exists():
        k += 1
        dest = dest.with_name(f"{dest.name.split('~')[0]}~{k}")
    dest.mkdir()
    for path in old:
        shutil.move(str(path), str(dest / path.name))
    print(f"relu-verify: moved the earlier report in {out} to {dest} (the Hypothesis database is kept)",
          file=sys.stderr)


def _margin(x) -> str:
    return "-" if x is None else f"{x + 0.0:.3g}"  # + 0.0 turns −0.0 into 0


def _stats(r) -> str:
    return f"certified {r.certified}  unknown {r.unknown}  best margin {_margin(r.best_margin)}"


def _line(k: int, n: int, r) -> str:
    """One plain progress line per finished claim (stderr when not on a terminal)."""
    return (f"[{k}/{n}] {r.id}: {r.examples} examples, {r.certified} certified, {r.unknown} unknown, "
            f"{int(r.counterexample is not None)} counterexample(s), {r.seconds:.1f} s: {r.outcome}")


def _run(command: str, argv: list, refs: list[str], budget, seed: int, out: Path, db: Path, profile: str | None,
         reproduce: str | None = None):
    """Search every ref with a rich progress bar (one plain line per claim on stderr when not on a
    terminal), write the report folder, return (results, report document, interrupted).  Ctrl-C
    stops the run: the claims finished so far are written as a partial report marked interrupted."""
    from datetime import datetime, timezone

    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from . import report
    from .search import run_report, search

    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    results, interrupted = [], False
    tty = sys.stderr.isatty()
    columns = (TextColumn("{task.description}", style="bold"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    try:
        with Progress(*columns, console=_console(stderr=True), transient=True, disable=not tty) as progress:
            overall = progress.add_task("claims", total=len(refs), stats="") if len(refs) > 1 else None
            for k, ref in enumerate(refs, 1):
                task = progress.add_task(ref, total=budget.examples, stats="")

                def tick(r, task=task):
                    progress.update(task, completed=min(r.examples, budget.examples), stats=_stats(r))

                r = search(ref, budget, seed, db / report.safe_name(ref), tick, reproduce=reproduce)
                results.append(r)
                progress.remove_task(task)
                if overall is not None:
                    progress.advance(overall)
                if not tty:
                    print(_line(k, len(refs), r), file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        interrupted = True
        print(f"relu-verify: interrupted after {len(results)} of {len(refs)} searches; writing the partial report",
              file=sys.stderr)
    doc = run_report(command, argv, results, profile=profile, budget=budget, seed=seed, started=started,
                     seconds=time.perf_counter() - t0, database="hypothesis-db",
                     witness_name=report.witness_name)
    if interrupted:
        doc["interrupted"] = {"finished": len(results), "planned": len(refs),
                              "not_run": refs[len(results):]}
    report.write(out, doc)
    if db != out / "hypothesis-db":  # the report folder keeps a copy of what its searches saved
        import shutil

        for r in results:
            src = db / report.safe_name(r.id)
            if src.is_dir():
                shutil.copytree(src, out / "hypothesis-db" / src.name, dirs_exist_ok=True)
    return results, doc, interrupted


def _table(title: str, results):
    """claim | tag | n | cert | unk | cex | s | result: readable at 80 columns (long ids fold,
    numbers never do); a claim none of whose examples was decided is shown in yellow."""
    from rich.table import Table

    table = Table(title=title, caption="tag: ABS abstract, FAM paper family, REC reconstructed, DER derived; "
                  "~ a planted violation; n examples = cert (decided) + unk (undecided)", caption_justify="left")
    table.add_column("claim", overflow="fold", ratio=1, min_width=16)
    table.add_column("tag", no_wrap=True)
    for col in ("n", "cert", "unk", "cex", "s"):
        table.add_column(col, no_wrap=True, justify="right")
    table.add_column("result", no_wrap=True)
    for r in results:
        tag = ("~" if r.kind == "mutant" else "") + PROV_TAGS.get(r.provenance, r.provenance)
        style = "green" if r.passed else "bold red"
        cert = f"[yellow]{r.certified}[/yellow]" if r.examples and r.certified == 0 else str(r.certified)
        table.add_row(r.id, tag, str(r.examples), cert, str(r.unknown), str(int(r.counterexample is not None)),
                      f"{r.seconds:.1f}", f"[{style}]{r.outcome}[/{style}]")
    return table


def _print_findings(results):
    """Errors, and counterexamples to claims (a refuted mutant is the expected outcome)."""
    for r in results:
        if r.error:
            print(f"\n{r.id}: ERROR {r.error}")
        elif r.counterexample is not None and r.kind == "claim":
            print("\n" + format_verdict(r.counterexample.verdict))


def cmd_search(args) -> int:
    from .registry import resolve
    from .search import PROFILES, Budget

    from .search import parse_reproduce

    resolve(args.claim)  # an unknown id or a malformed blob is bad input: fail before creating a report folder
    if args.reproduce is not None:
        parse_reproduce(args.reproduce)
    base = PROFILES[args.profile]
    from .budget import parse_seconds

    budget = Budget(base.examples if args.examples is None else args.examples,
                    base.seconds if args.seconds is None else parse_seconds(args.seconds))
    if budget.examples < 1:
        raise InputError(f"must be at least 1, got {budget.examples}", "--examples")
    out, db = _out_dir(args.out)
    results, doc, interrupted = _run("search", args.argv, [args.claim], budget, args.seed, out, db, None,
                                     args.reproduce)
    if interrupted:
        print(f"report (partial, interrupted): {out / 'report.md'}")
        return 130
    r = results[0]
    _console().print(_table(f"relu-verify search {args.claim} (seed {args.seed})", results))
    if r.counterexample is not None:
        print(format_verdict(r.counterexample.verdict))
        cx = doc["results"][0]["counterexample"]
        print(f"\ncertified counterexample at example #{r.counterexample.found_at}, shrunk in "
              f"{r.counterexample.shrinks} calls; re-check with:\n  cd {out} && {cx['recheck']}")
        if cx["reproduce_failure"]:
            print(f"replay: relu-verify search '{args.claim}' --seed {args.seed} --reproduce \"{cx['reproduce_failure']}\"")
        if r.shrink_cut:
            print("shrinking was cut at its time limit (1.5 × --seconds): the witness is the smallest found by "
                  "then, and Hypothesis printed no reproduce blob")
    elif r.error:
        print(f"{r.id}: ERROR {r.error}")
    else:
        print(f"no counterexample in {r.examples} examples ({r.certified} certified, {r.unknown} unknown"
              + (f" of which {r.timeouts} at the per-example time limit" if r.timeouts else "")
              + f"; {r.duplicates} duplicate draws not re-decided; stopped by "
              f"{'the time budget' if r.stop == 'time' else 'the example budget'})")
    for name, best in r.objectives.items():  # e.g. the largest certified κ of beg19's Theorem 3.1
        print(f"search objective {name}: largest value found {best['value']:.6g} (its instance is in report.md)")
    print(f"report: {out / 'report.md'}")
    if r.error:
        return EXIT_INTERNAL
    return 1 if r.counterexample is not None else 0


def cmd_suite(args) -> int:
    """Search every claim (must find nothing) and every mutant (must be refuted)."""
    import verify
    from .search import PROFILES

    pattern = args.claims or "*"
    refs = [c for c in verify.all_claims() if fnmatch.fnmatch(c, pattern)]
    refs += [m for m in verify.all_mutants() if fnmatch.fnmatch(m, pattern)]
    if not refs:
        raise InputError(f"no claim or mutant matches {pattern!r}", "--claims")
    budget = PROFILES[args.profile]
    out, db = _out_dir(args.out)
    results, doc, interrupted = _run("suite", args.argv, refs, budget, args.seed, out, db, args.profile)
    _console().print(_table(f"relu-verify suite --profile {args.profile} (seed {args.seed}; per claim ≤ "
                            f"{budget.examples} examples, ≤ {budget.seconds:g} s)", results))
    _print_findings(results)
    failed = [r.id for r in results if not r.passed]
    n_claims = sum(r.kind == "claim" for r in results)
    from .report import decision_rate

    print(f"decision rate: {decision_rate(doc['results'])}")
    print(f"{n_claims} claims, {len(results) - n_claims} mutants, {sum(r.examples for r in results)} examples in "
          f"{doc['seconds']:.1f} s: " + ("all passed" if not failed else f"FAILED: {', '.join(failed)}")
          + (f" (INTERRUPTED: {len(refs) - len(results)} not run)" if interrupted else ""))
    print(f"report: {out / 'report.md'} (also report.html, report.json, junit.xml)")
    return 130 if interrupted else _suite_exit_code(results)


def _suite_exit_code(results) -> int:
    """1 when a claim has a certified counterexample or a mutant was not refuted; otherwise
    `EXIT_INTERNAL` when a search ended in an internal error; 0 when everything passed."""
    if any(r.counterexample is not None and r.kind == "claim" for r in results):
        return 1
    if any(r.error for r in results):
        return EXIT_INTERNAL
    return 0 if all(r.passed for r in results) else 1


PATHNORM_MAX_Q = 10_000  # q-th powers of path values: the exact sum's size grows linearly in q


def cmd_paths(args) -> int:
    from . import paths
    from .claim import network_from_json
    from .dag import DagNetwork
    from .numbers import parse_rational, to_json

    obj = read_json(args.file)
    net = network_from_json(obj.get("network", obj) if isinstance(obj, dict) else obj, "network")
    if not isinstance(net, DagNetwork):
        raise InputError("expected a network with 'kind' 'mlp' or 'dag' (see verify.dag)", args.file)
    x = None
    if args.x is not None:
        x = [parse_rational(t.strip(), "--x") for t in args.x.split(",")]
        if len(x) != net.d:
            raise InputError(f"--x needs {net.d} coordinates", "--x")
    if args.scale is not None:
        cs = [parse_rational(t.strip(), "--scale") for t in args.scale.split(",")]
        if any(c <= 0 for c in cs):
            raise InputError("scaling factors must be > 0", "--scale")
        print(json.dumps(net.scale(cs).to_json(), indent=2))
        return 0
    info = paths.describe(net, x, args.basis, args.limit)
    if args.pathnorm is not None:
        from . import pathnorm

        q = parse_rational(args.pathnorm, "--pathnorm")
        if not 1 <= q <= PATHNORM_MAX_Q:
            raise InputError(f"q must be in [1, {PATHNORM_MAX_Q}] (the L^q path-norm is a norm for q ≥ 1), got "
                             f"{short(q)}", "--pathnorm")
        if q.q == 1:
            info["pathnorm_q^q"] = to_json(pathnorm.pathnorm_q_exact(net, int(q.p)))
        if q >= 1:
            info["log10_pathnorm"] = str(pathnorm.log10_pathnorm(net, q))
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    con = _console()
    con.print(f"network: d = {info['d']}, K = {info['K']}, H = {info['H']} hidden, m = {info['m']} weights, "
              f"n_b = {info['n_b']} biases, n = {info['paths']} paths")
    pr = info["predicted_rank"]
    con.print(f"rank A = {info['rank']['value']}  ({info['rank']['method']}); m + n_b − H = "
              f"{pr['m_plus_nb_minus_H']}, on-path m' − H' = {pr['on_path']}")
    con.print(f"basis: {info['basis']['size']} paths ({info['basis']['method']})")
    for k in ("pathnorm_q^q", "log10_pathnorm"):
        if k in info:
            con.print(f"{k} = {info[k]}")
    if "path_list" in info:
        from rich.table import Table

        t = Table(title="paths (lexicographic)")
        for col in ("#", "nodes", "value", "basis") + (("active",) if x is not None else ()) + ("exponents",):
            t.add_column(col)
        for k, r in enumerate(info["path_list"]):
            t.add_row(str(k), ("b→" if r["bias"] else "") + "-".join(map(str, r["nodes"])), r["value"],
                      "yes" if r["basis"] else "", *((str(r["active"]),) if x is not None else ()),
                      " ".join(f"{e}@{b}" for b, e in r.get("exponents", {}).items()))
        con.print(t)
    return 0


def _read_network(path: str, where: str):
    from .claim import network_from_json

    obj = read_json(path)
    return network_from_json(obj.get("network", obj) if isinstance(obj, dict) else obj, where)


def cmd_distance(args) -> int:
    """Function-space and parameter-space distances between two shallow networks (beg19)."""
    from . import fibre, realization
    from .nets import Network
    from .numbers import parse_rational, to_json

    a, b = _read_network(args.first, args.first), _read_network(args.second, args.second)
    for n, p in ((a, args.first), (b, args.second)):
        if not isinstance(n, Network) or not n.is_shallow:
            raise InputError("expected a shallow network {'widths': [d, m, 1], 'theta': [...]}", p)
    if a.d != b.d:
        raise InputError(f"input dimensions differ: {a.d} vs {b.d}", args.second)
    D = parse_rational(args.D, "--D")
    out: dict = {"d": a.d, "D": to_json(D)}
    if a.d == 1:
        f = realization.difference(a, b, D)
        out["linf"] = to_json(f.sup_norm())
        out["w1inf"] = {k: to_json(realization.sobolev(f, k)) for k in ("max", "sum", "semi")}
    else:
        from . import arrangement

        out["linf"] = to_json(arrangement.sup_norm_exact(a, b, D))
        out["w1inf"] = {k: to_json(arrangement.w1inf_exact(a, b, D, k)) for k in ("max", "sum", "semi")}
    out["param_distance"] = to_json(fibre.param_distance(a, b)) if a.H == b.H else None
    out["d_sym"] = to_json(fibre.d_sym(a, b)) if a.H == b.H else None
    if a.d == 1:
        try:
            fb = fibre.fibre_bounds(a, b, D)
        except InputError as e:   # g has more kinks than the first network has neurons, or m past the limit
            out["fibre_distance"] = {"not computed": str(e)}
        else:
            out["fibre_distance"] = {"lower": to_json(fb.lower), "upper": None if fb.upper is None else
                                     to_json(fb.upper), "witness": None if fb.witness is None else fb.witness.to_json(),
                                     "notes": fb.notes}
    out["restricted_violations"] = {"first": [list(map(str, r)) for r in fibre.restricted_violations(a, D)],
                                    "second": [list(map(str, r)) for r in fibre.restricted_violations(b, D)]}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    print(_distance_summary(out), file=sys.stderr)  # for people: decimals next to the exact values
    return 0


def _decimal(text) -> str:
    """``"p/q ≈ 0.0123457"`` for an exact rational string (its decimal rounded to 6 digits)."""
    from .numbers import parse_rational, to_float

    if text is None:
        return "-"
    q = parse_rational(text)
    return str(text) if q.q == 1 else f"{short(q) if len(str(text)) > 40 else text} ≈ {to_float(q):.6g}"


def _distance_summary(out: dict) -> str:
    lines = [f"L∞ distance on [-{out['D']}, {out['D']}]^{out['d']}: {_decimal(out['linf'])}",
             "W^{1,∞} distance: " + ", ".join(f"{k} {_decimal(v)}" for k, v in out["w1inf"].items()),
             f"parameter distance: {_decimal(out['param_distance'])}; up to symmetries: {_decimal(out['d_sym'])}"]
    fd = out.get("fibre_distance") or {}
    if "lower" in fd:
        lines.append(f"fibre distance in [{_decimal(fd['lower'])}, {_decimal(fd['upper'])}]")
    return "\n".join(lines)


def _bounds_json(x) -> list:
    from .numbers import ball_bounds, to_json

    lo, hi = ball_bounds(x)
    return [to_json(lo), to_json(hi)]


def cmd_flow(args) -> int:
    """Integrate the standard or normalized gradient flow (or run (projected) GD) of an ejrw22
    instance: certified enclosures (default), float trajectories, or GD iterates."""
    from . import flows
    from .claim import Instance
    from .nets import Network
    from .numbers import parse_rational, to_float

    inst = Instance.load(args.file)
    net = inst.net
    if not isinstance(net, Network) or not net.is_shallow or net.d != 1:
        raise InputError("flows need a 1-H-1 network {'widths': [1, H, 1], 'theta': [...]}", args.file)
    if args.mode == "certified" or (args.mode == "gd" and args.arithmetic == "ball"):
        flows.check_prec(args.prec, "--prec")
    if args.mode == "certified":
        flows.check_tol(args.tol, "--tol")
        flows.check_max_steps(args.max_steps, "--max-steps")
    system = flows.FlowSystem(inst.target, inst.measure, net.H)
    stopped = None  # the limit that ended the run short of its goal (exit 3)
    con = _console()
    out: dict = {"flow": args.flow, "manifold": args.manifold, "mode": args.mode, "H": net.H}
    series: dict = {}
    if args.mode == "gd":
        if args.eta is None or args.steps is None:
            raise InputError("--mode gd needs --eta and --steps", "--eta")
        d = flows.descent(system, net.theta, args.eta, args.steps, args.flow, args.manifold, args.arithmetic,
                          args.prec)
        out.update(eta=str(d.eta), arithmetic=d.arithmetic,
                   iterates=[[_exactish(t) for t in th] for th in d.iterates], risk=[_exactish(r) for r in d.risk])
        show = lambda x: x.str(12) if hasattr(x, "rad") else (str(x) if len(str(x)) < 60 else f"{float(x):.12g}…")  # noqa: E731
        n = len(d.iterates) - 1
        out.update(complete=d.complete, reason=d.reason)
        con.print(f"{args.flow} GD ({d.arithmetic}), η = {short(d.eta)}: ℒ(θ_0) = {show(d.risk[0])} → "
                  f"ℒ(θ_{n}) = {show(d.risk[-1])}; θ_{n} = {[show(t) for t in d.iterates[-1]]}")
        if not d.complete:
            stopped = f"GD stopped after {n} of {args.steps} steps: {d.reason}"
        elif not all(math.isfinite(to_float(r)) for r in d.risk):
            stopped = "the float iteration overflowed (a risk is NaN or infinite)"
        series = {"x: n": list(range(len(d.risk))), "ℒ(θ_n)": [to_float(r) for r in d.risk]}
    elif args.mode == "float":
        T = parse_rational(args.T, "--T")
        if not 0 < T <= flows.FLOAT_MAX_T:
            raise InputError(f"the float horizon must be in (0, {flows.FLOAT_MAX_T}], got {T}", "--T")
        sim = system.simulate(net.theta, T, args.flow, args.manifold)
        out.update(T=str(T), t=sim.t.tolist(), states=sim.states.tolist(), risk=sim.risk.tolist(),
                   events=[list(e) for e in sim.events], success=sim.success)
        con.print(f"{args.flow} flow (float, solve_ivp): t = {sim.t[-1]:.6g}, θ = {sim.states[-1].tolist()}, "
                  f"ℒ = {sim.risk[-1]:.6g}, {len(sim.events)} kink events; {sim.message}")
        if not sim.success:
            stopped = f"the float integration did not reach T = {T}: {sim.message}"
        series = {"x: t": sim.t.tolist(), "|Θ_t|_∞": [float(max(abs(x) for x in y)) for y in sim.states],
                  "ℒ(Θ_t)": sim.risk.tolist()}
    else:
        from rich.progress import Progress

        T, h0 = parse_rational(args.T, "--T"), parse_rational(args.h0, "--h0")
        if T <= 0 or h0 <= 0:
            raise InputError(f"the horizon and the step must be > 0, got T = {T}, h0 = {h0}", "--T" if T <= 0 else "--h0")
        if T > h0 * args.max_steps:  # no certified step is longer than h0
            raise InputError(f"T = {T} needs at least T/h0 = {-(-T.p * h0.q // (T.q * h0.p))} steps of at most h0 = {h0}, "
                             f"more than --max-steps {args.max_steps} (documented limit {flows.MAX_STEPS})", "--T")
        with Progress(transient=True, console=_console(stderr=True), disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("certified enclosure", total=float(T))
            enc = system.enclose(net.theta, T, args.flow, args.manifold, h0=h0,
                                 tol=args.tol, max_steps=args.max_steps, prec=args.prec,
                                 progress=lambda t: bar.update(task, completed=float(t)))
        energy = enc.energy_enclosure()
        inv = enc.invariants()
        out.update(T=str(T), t_reached=str(enc.t_reached), complete=enc.complete, reason=enc.reason,
                   steps=[{"t0": str(st.t0), "t1": str(st.t1), "box": [_bounds_json(x) for x in st.X]}
                          for st in enc.steps],
                   points=[{"t": str(t), "box": [_bounds_json(y) for y in Y]} for t, Y in enc.points],
                   sup_norm=_bounds_json(enc.sup_norm()), risk_final=_bounds_json(enc.risk_final()),
                   energy=None if energy is None else _bounds_json(energy),
                   invariants={"name": inv["name"], "consistent": inv["consistent"]})
        con.print(f"{args.flow} flow on M_{args.manifold if args.flow == 'normalized' else '-'}: certified on "
                  f"[0, {enc.t_reached}] in {len(enc.steps)} steps ({enc.rejected} rejected)"
                  + ("" if enc.complete else f"; stopped: {enc.reason}"))
        con.print(f"  Θ_T ∈ {[y.str(8) for y in enc.final]}  (width {float(enc.width()):.3g})")
        con.print(f"  sup_(t≤T) |Θ_t|_∞ ∈ {enc.sup_norm().str(10)}")
        con.print(f"  ℒ(Θ_T) ∈ {enc.risk_final().str(10)}; energy identity gives "
                  f"{'—' if energy is None else energy.str(10)}")
        con.print(f"  invariant {inv['name']}: {'consistent' if inv['consistent'] else 'INCONSISTENT'} on every box")
        series = {"x: t": [float(t) for t, _ in enc.points],
                  "|Θ_t|_∞ (upper end)": [max(float(abs(y).mid() + y.rad()) for y in Y) for _, Y in enc.points],
                  "width of the enclosure": [float(max(y.rad() for y in Y)) * 2 for _, Y in enc.points]}
        if not enc.complete:
            stopped = f"certified only on [0, {enc.t_reached}] of [0, {T}]: {enc.reason}"
    if args.out:
        from .report import write_atomic

        write_atomic(Path(args.out), json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        con.print(f"wrote {args.out}")
    if args.plot:
        from .report import draw_series, png_of, write_atomic_bytes

        write_atomic_bytes(Path(args.plot), png_of(draw_series, series))
        con.print(f"wrote {args.plot}")
    if stopped is not None:
        print(f"relu-verify: flow stopped short (UNKNOWN beyond): {stopped}", file=sys.stderr)
        return 3
    return 0


def _exactish(x):
    """Exact rationals as strings, balls as [lower, upper], floats as floats (JSON)."""
    from flint import arb, fmpq

    if isinstance(x, arb):
        return _bounds_json(x)
    if isinstance(x, fmpq):
        return str(x)
    return float(x)


# --------------------------------------------------------------------------------------------
# d0 (yoneda23): the D0 construction and GD on it




def _d0_load(path: str):
    """D0 knobs from a file: the `D0.to_json()` format, or an instance whose network is one."""
    from .d0 import D0

    obj = read_json(path)
    if isinstance(obj, dict) and "network" in obj:
        net = obj["network"]
        if not isinstance(net, dict) or net.get("kind") != "d0":
            raise InputError("the instance's network is not a D0 object {\"kind\": \"d0\", ...}", path)
        return D0.from_json(net, f"{path}: network")
    if isinstance(obj, dict) and obj.get("kind", "d0") == "d0":
        return D0.from_json(obj, path)
    raise InputError("expected D0 knobs {\"kind\": \"d0\", ...} or an instance whose network is one", path)


def _d0_batch(text: str):
    from .d0 import Batch

    kind, sep, val = text.strip().partition(":")
    if kind == "full" and not sep:
        return Batch.full()
    if kind in ("cells", "grid"):
        if sep and not (val.strip().isdigit()):
            raise InputError(f"the {'M' if kind == 'cells' else 'N'} of {kind}:… must be an integer >= "
                             f"{1 if kind == 'cells' else 0}, got {val!r}", "--batch")
        k = int(val) if sep else 2
        return Batch.cells(k) if kind == "cells" else Batch.grid(k)
    raise InputError(f"expected full, cells:M or grid:N, got {text!r}", "--batch")


def _d0_config(args):
    """The D0 of the command: the optional CONFIG file (default D0()), knob flags override it."""
    from .d0 import D0
    from .numbers import parse_rational

    cfg = D0() if args.config is None else _d0_load(args.config)
    ch: dict = {}
    if args.d is not None and args.d != cfg.d:
        ch["d"] = args.d
        if all(c == 0 for c in cfg.centre):
            ch["centre"] = None  # the default centre (the origin) follows the dimension
    if args.N is not None:
        ch["N"] = args.N
    if args.feature is not None:
        ch["feature"] = args.feature
    if args.head is not None:
        ch["head"] = args.head
    if getattr(args, "eta", None) is not None:
        eta = parse_rational(args.eta, "--eta")
        if eta <= 0:
            raise InputError(f"the step size η must be > 0, got {eta}", "--eta")
        ch["eta"] = eta
    if getattr(args, "batch", None) is not None:
        ch["batch"] = _d0_batch(args.batch)
    if getattr(args, "init", None) is not None:
        ch["init"] = tuple(parse_rational(v.strip(), "--init") for v in args.init.split(","))
    return cfg.with_(**ch) if ch else cfg


def _d0_describe(cfg) -> str:
    b = cfg.batch
    batch = {"full": "full", "cells": f"cells:{b.m}", "grid": f"grid:{b.n}", "data": f"data (|X| = {len(b.X)})"}[b.kind]
    return (f"d = {cfg.d}, N = {cfg.N}, feature {cfg.feature}, head {cfg.head}, η = {cfg.eta}, batch {batch}"
            + (", α/β trainable" if cfg.train_outer else ""))


def cmd_d0(args) -> int:
    cfg = _d0_config(args)
    return {"build": _d0_build, "gd": _d0_gd}[args.d0_command](args, cfg)


def _d0_build(args, cfg) -> int:
    """Shape and sparsity of the D0 network (spec 3.4); ``--out`` writes it as an mlp network file."""
    from .numbers import to_json

    shape = cfg.shape()  # InputError for the exact-square feature: it has no network
    a, lam = cfg.a_lambda(cfg.theta0)
    trainable = dict(zip(cfg.param_names, to_json(list(cfg.theta0))))
    matches = shape["nonzero_weights"] == shape["spec_formula"]
    if args.json:
        print(json.dumps({"config": cfg.to_json(), **shape, "spec_formula_matches": matches, "trainable": trainable,
                          "a_lambda0": {"a": to_json(a), "lambda": to_json(lam)}}, indent=2, ensure_ascii=False))
    else:
        from rich.table import Table

        d, N = cfg.d, cfg.N
        formula = f"13dN + d + 4 = 13·{d}·{N} + {d} + 4" if N >= 1 else f"4d + 4 = 4·{d} + 4"
        t = Table(title=f"D0 network (d = {d}, N = {N}, feature {cfg.feature}, head {cfg.head})")
        t.add_column("quantity", no_wrap=True)
        t.add_column("value")
        t.add_row("widths (input, hidden…, output)", ", ".join(map(str, shape["widths"])))
        t.add_row("hidden layers (depth)", f"{shape['hidden_layers']}  (N + 3)")
        t.add_row("max width", f"{shape['max_width']}  (spec 3.4: ≤ 4d = {4 * d})")
        t.add_row("weights / biases", f"{shape['weights']} / {shape['biases']}")
        t.add_row("non-zero weights", f"{shape['nonzero_weights']}  (spec 3.4: {formula} = {shape['spec_formula']}, "
                  + ("matches)" if matches else "DIFFERS: a zero head weight w or α at θ^0)"))
        t.add_row("non-zero biases", str(shape["nonzero_biases"]))
        frozen = "" if cfg.train_outer else "; frozen α = 1, β = 0 and every feature weight"
        t.add_row("trainable parameters θ^0", ", ".join(f"{k} = {v}" for k, v in trainable.items()) + frozen)
        t.add_row("ramp coordinates at θ^0", f"a = {to_json(a)}, λ = {to_json(lam)}")
        _console().print(t)
    if args.out:
        from .report import write_atomic

        write_atomic(Path(args.out), json.dumps(cfg.network().to_json(), indent=1) + "\n")
        msg = f"wrote {args.out} (an ordinary 'mlp' network with θ = θ^0; every other command reads it)"
        print(msg, file=sys.stderr if args.json else sys.stdout)
    return 0


def _d0_points(text, cfg) -> list[tuple]:
    """``--points``: for d = 1 comma-separated numbers; for d ≥ 2 points separated by ';', coordinates by ','."""
    from .numbers import parse_rational, to_json

    if not text:
        return []
    if ";" in text:
        groups = [g.split(",") for g in text.split(";") if g.strip()]
    elif cfg.d == 1:
        groups = [[v] for v in text.split(",")]
    else:
        groups = [text.split(",")]
    pts = []
    dom = "[-1, 1)" + (f"^{cfg.d}" if cfg.d > 1 else "")
    for g in groups:
        pt = tuple(parse_rational(v.strip(), "--points") for v in g)
        if len(pt) != cfg.d:
            raise InputError(f"the point {', '.join(map(str, pt))} has {len(pt)} coordinates, d = {cfg.d} "
                             "(separate points with ';' when d ≥ 2)", "--points")
        if not all(-1 <= v < 1 for v in pt):
            shown = to_json(pt[0]) if cfg.d == 1 else "(" + ", ".join(to_json(list(pt))) + ")"
            raise InputError(f"point x = {shown} lies outside the domain {dom}", "--points")
        pts.append(pt)
    return pts


def _d0_num(x):
    """Exact rationals as strings, balls as [lo, hi] exact endpoints (null for a non-finite ball),
    floats as floats (null when not finite)."""
    import math

    from flint import arb, fmpq

    from .numbers import ball_bounds, to_json

    if isinstance(x, arb):
        b = ball_bounds(x)
        return [None, None] if b is None else [to_json(b[0]), to_json(b[1])]
    if isinstance(x, fmpq):
        return to_json(x)
    x = float(x)
    return x if math.isfinite(x) else None


def _d0_show(x) -> str:
    from flint import arb, fmpq

    from .numbers import precision, to_json

    if isinstance(x, fmpq):
        s = to_json(x)
        if len(s) <= 24:
            return s
        with precision(128):
            return "≈" + arb(x).str(12, radius=False)  # 12 correct digits of an exact rational
    if isinstance(x, arb):
        if x.is_finite() and x.mid() != 0 and float(x.rad()) <= 1e-13 * max(1.0, abs(float(x.mid()))):
            return x.str(12, radius=False)  # only correct digits; the width is in its own column
        return x.str(6)
    return f"{float(x):.12g}"


def _d0_gd(args, cfg) -> int:
    """GD on D0 in exact, ball or float arithmetic; a table at dyadic t, JSON, and a figure."""
    import numpy as np
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from . import d0 as D
    from .numbers import precision, to_json

    steps = args.steps
    if steps < 0:
        raise InputError(f"the number of steps must be >= 0, got {steps}", "--steps")
    points = _d0_points(args.points, cfg)
    pop = cfg.batch.kind in ("full", "cells")
    ar = args.arithmetic
    if ar == "exact" and pop and steps > D.exact_population_max_steps(cfg.N):
        raise InputError(f"exact GD on the population batch '{cfg.batch.kind}' is limited to "
                         f"{D.exact_population_max_steps(cfg.N)} steps at N = {cfg.N} (8 for N <= 4, 7 for N <= 6, 6 for "
                         f"N <= 8, 5 for N <= 10), got {steps}: the denominators roughly triple per step (spec §6; at "
                         "N = 2, 9 steps take about 14 s, 12 about 14 min); use --arithmetic ball (certified) or float",
                         "--steps")
    con = _console()
    desc = {"exact": "exact GD (fmpq)", "ball": f"ball GD at {args.prec} bits", "float": "float GD"}[ar]
    columns = (SpinnerColumn(), TextColumn(f"{desc}, {steps} steps", style="bold"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        bar.add_task(desc, total=None)  # the engines take no callback: an indeterminate (pulsing) bar
        if ar == "exact":
            tr = D.gd_exact(cfg, steps, record="all")
        elif ar == "ball":
            tr = D.gd_ball(cfg, steps, prec=args.prec, record="dyadic")
        else:
            dense = {int(round(v)) for v in np.geomspace(1, max(steps, 1), 256)} | {0, steps}
            dense |= {2 ** k for k in range(steps.bit_length()) if 2 ** k <= steps}
            tr = D.gd_float(cfg, steps, record=dense, probes=[p[0] for p in points] if cfg.d == 1 else (),
                            errors=True)
    # f_N(θ^t, x) at the points, per recorded t
    fvals: list[list] = []
    if ar == "float":
        if cfg.d == 1:
            fvals = [list(tr.probes[p[0]]) for p in points]
        elif points:
            th = np.array([[float(v) for v in t] for t in tr.thetas])
            arr = D.f_float(cfg, th, np.array([[float(int(v.p)) / int(v.q) for v in p] for p in points]))
            fvals = [list(map(float, arr[:, j])) for j in range(len(points))]
    else:
        with precision(args.prec):
            fvals = [[cfg.f(th, list(p)) for th in tr.thetas] for p in points]
    with precision(args.prec):
        al = [cfg.a_lambda(th) for th in tr.thetas]

    from rich.table import Table

    table = Table(title=f"D0 {desc}: {_d0_describe(cfg)}, θ^0 = ({', '.join(to_json(list(cfg.theta0)))})")
    cols = ["t", "a_t", "λ_t", "L_t"] + (["max width"] if ar == "ball" else [])
    cols += [f"e_{cfg.error_r}(t) (float)"] if tr.errors else []
    cols += [f"f(x = {to_json(p[0]) if cfg.d == 1 else '(' + ', '.join(to_json(list(p))) + ')'})" for p in points]
    for c in cols:
        table.add_column(c, justify="right" if c == "t" else "left", no_wrap=(c == "t"))
    for k, t in enumerate(tr.times):
        if not (t == 0 or t == steps or t & (t - 1) == 0):
            continue
        row = [str(t), _d0_show(al[k][0]), _d0_show(al[k][1]), _d0_show(tr.losses[k])]
        if ar == "ball":
            row.append(f"{float(tr.widths[k].mid()):.3g}")
        if tr.errors:
            row.append(f"{tr.errors[k]:.6g}")
        row += [_d0_show(fv[k]) for fv in fvals]
        table.add_row(*row)
    con.print(table)
    con.print(f"θ^{steps} = ({', '.join(_d0_show(v) for v in tr.final)})  ({', '.join(cfg.param_names)}); "
              f"{steps} steps in {tr.seconds:.3g} s", markup=False)
    info = [f"engine steps: {tr.engine_steps}"] if tr.engine_steps else []
    if ar == "ball" and tr.max_width is not None:
        info.append(f"max width {float(tr.max_width.mid()):.3g}")
    info += [f"activation-pattern changes: {max(len(tr.patterns) - 1, 0)}", f"ties: {len(tr.ties)}"]
    con.print("; ".join(info), markup=False)
    if not tr.complete:
        con.print(f"[bold red]incomplete run[/bold red]: {tr.reason}")
    if args.out:
        from .report import write_atomic

        out = {"config": cfg.to_json(), "arithmetic": ar, "steps": steps, "prec": tr.prec if ar == "ball" else None,
               "complete": tr.complete, "reason": tr.reason, "seconds": tr.seconds, "engine_steps": tr.engine_steps,
               "param_names": list(cfg.param_names), "times": list(tr.times),
               "iterates": [[_d0_num(v) for v in th] for th in tr.thetas],
               "losses": [_d0_num(v) for v in tr.losses],
               "a_lambda": [[_d0_num(a), _d0_num(lam)] for a, lam in al],
               "points": [to_json(list(p)) for p in points],
               "f_at_points": [[_d0_num(v) for v in fv] for fv in fvals],
               "patterns": [[t, p] for t, p in tr.patterns], "ties": [x.to_json() for x in tr.ties],
               "widths": [to_json(w) if w.is_exact() else _d0_num(w) for w in tr.widths],
               "max_width": None if tr.max_width is None else to_json(tr.max_width) if tr.max_width.is_exact()
               else _d0_num(tr.max_width),
               "errors": [_d0_num(e) for e in tr.errors], "error_r": cfg.error_r}
        write_atomic(Path(args.out), json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        con.print(f"wrote {args.out}")
    if args.plot:
        from .d0_plots import draw_run
        from .report import png_of, write_atomic_bytes

        write_atomic_bytes(Path(args.plot), png_of(draw_run, tr, [p if cfg.d > 1 else p[0] for p in points]))
        con.print(f"wrote {args.plot}")
    if ar == "float" and not all(math.isfinite(float(v)) for v in tr.losses):
        print("relu-verify: the float iteration overflowed (a loss is NaN or infinite): no result", file=sys.stderr)
        return 3
    return 0


def cmd_report(args) -> int:
    from . import report

    paths = report.render(Path(args.dir))
    for p in paths:
        print(p)
    return 0


# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="relu-verify", description=DESCRIPTION, epilog=EXIT_CODES_HELP,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    from . import __version__

    p.add_argument("--version", action="version", version=f"relu-verify {__version__}")
    p.add_argument("--debug", action="store_true", help="show the traceback of an internal error; run "
                                                         "without the time and memory watchdog")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
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
    pc = sub.add_parser("check", parents=[limits], help="decide one claim on one instance file")
    pc.add_argument("claim", nargs="?", help="CLAIM[@VARIANT...][~MUTANT]; default: the file's 'claim'")
    pc.add_argument("file", help="an instance file (README, 'Instance files'; examples/ has some)")
    pc.add_argument("--json", action="store_true", help="print the verdict as JSON")
    pc.add_argument("--max-prec", type=int, help="highest ball precision in bits (default 1024)")
    pr = sub.add_parser("search", help="search one claim (or mutant) for a certified counterexample")
    pr.add_argument("claim", help="CLAIM[@VARIANT...][~MUTANT]")
    pr.add_argument("--examples", type=int, help="examples to try (default: the profile's)")
    pr.add_argument("--seconds", help="time budget in seconds (default: the profile's)")
    pr.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    pr.add_argument("--profile", choices=("ci", "dev", "thorough"), default="dev",
                    help="budget when --examples/--seconds are not given (default dev)")
    pr.add_argument("--out", help="report folder (default reports/<timestamp>/)")
    pr.add_argument("--reproduce", metavar="BLOB", help="replay a report's @reproduce_failure(...) line")
    pr.add_argument("--max-memory", default="8G", metavar="SIZE", help="memory budget of the run beyond start-up "
                    "(default 8G); an example that hits it counts as UNKNOWN")
    ps = sub.add_parser("suite", help="search every claim and every mutant (the main job)")
    ps.add_argument("--profile", choices=("ci", "dev", "thorough"), default="ci",
                    help="budget per claim: ci (default, a few minutes in all), dev, thorough")
    ps.add_argument("--claims", help="glob over claim and mutant ids, e.g. 'cjrr21.gd-*'")
    ps.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    ps.add_argument("--out", help="report folder (default reports/<timestamp>/)")
    ps.add_argument("--max-memory", default="8G", metavar="SIZE", help="memory budget of the run beyond start-up "
                    "(default 8G); an example that hits it counts as UNKNOWN")
    pa = sub.add_parser("paths", parents=[limits], help="path values, structure-matrix rank, basis paths, exponents (gsgd19)")
    pa.add_argument("file", help="a network JSON ({'kind': 'mlp' | 'dag', ...}) or an instance file")
    pa.add_argument("--x", help="input point for the activation statuses, comma-separated")
    pa.add_argument("--basis", default="auto", choices=("auto", "skeleton", "tree", "rref"),
                    help="how to choose the basis paths (default auto: skeleton where it applies, else tree, else rref)")
    pa.add_argument("--scale", help="print g_c(w) for the comma-separated factors c (one per hidden node)")
    pa.add_argument("--pathnorm", help="also the L^q path-norm for this q (exact for integer q, log10 enclosure)")
    pa.add_argument("--limit", type=int, default=2000, help="enumerate paths only up to this many (default 2000)")
    pa.add_argument("--json", action="store_true", help="print everything as JSON (exact values)")
    pd = sub.add_parser("distance", parents=[limits], help="exact L^inf / W^{1,inf} and parameter / fibre distances of two shallow "
                                         "networks (beg19), as JSON")
    pd.add_argument("first", help="a shallow network JSON (or an instance file): Γ")
    pd.add_argument("second", help="a shallow network JSON: Φ, or the target g = R(Φ)")
    pd.add_argument("--D", default="1", help="the domain [-D, D]^d (default 1)")
    pf = sub.add_parser("flow", parents=[limits], help="integrate the standard / normalized gradient flow of an ejrw22 instance "
                                     "(certified enclosure, float, or (projected) GD)")
    pf.add_argument("file", help="an instance file with a 1-H-1 network, a target and a density measure")
    pf.add_argument("--flow", choices=("normalized", "standard"), default="normalized",
                    help="the normalized flow on M_A / M_B (default) or the standard gradient flow")
    pf.add_argument("--manifold", choices=("A", "B"), default="A", help="M_A (default) or M_B")
    pf.add_argument("--mode", choices=("certified", "float", "gd"), default="certified",
                    help="certified enclosure of every solution (default), a float solve_ivp run, or (projected) GD")
    pf.add_argument("--T", default="1", help="horizon (certified, float; default 1)")
    pf.add_argument("--h0", default="1/16", help="largest step of the certified stepper (default 1/16)")
    pf.add_argument("--tol", type=float, default=1e-5, help="local error per unit time steering the step size")
    pf.add_argument("--max-steps", type=int, default=100000, help="most certified steps (default 100000, at most 10^6)")
    pf.add_argument("--prec", type=int, default=128, help="ball precision in bits (default 128)")
    pf.add_argument("--eta", help="GD step size (--mode gd)")
    pf.add_argument("--steps", type=int, help="GD steps (--mode gd)")
    pf.add_argument("--arithmetic", choices=("exact", "ball", "float"), default="ball", help="GD arithmetic")
    pf.add_argument("--out", help="write everything as JSON (exact box endpoints) to this file")
    pf.add_argument("--plot", help="write a PNG of |Θ_t| / ℒ against t (or n) to this file")
    pp = sub.add_parser("report", help="re-render report.md, report.html, plots and junit.xml from report.json")
    pp.add_argument("dir", help="a report folder")
    knobs = argparse.ArgumentParser(add_help=False)
    knobs.add_argument("config", nargs="?", help="D0 knobs JSON ({'kind': 'd0', ...}, the D0.to_json() format) or an "
                                                 "instance file whose network is one; default: the spec's D0")
    knobs.add_argument("--d", type=int, help="input dimension d (default 1)")
    knobs.add_argument("--N", type=int, help="number of hat layers N (default 2)")
    knobs.add_argument("--feature", help="yarotsky (default) or exact-square (no network)")
    knobs.add_argument("--head", help="wc (default: θ = (w, c)) or ab (θ = (a, b))")
    p0 = sub.add_parser("d0", help="yoneda23: build the D0 construction, run exact / ball / float GD on it")
    s0 = p0.add_subparsers(dest="d0_command", required=True, parser_class=_Parser)
    pb = s0.add_parser("build", parents=[knobs, limits],
                       help="shape and sparsity of the D0 network; write it as a network file")
    pb.add_argument("--out", metavar="NET.json", help="write the network (kind 'mlp', θ = θ^0) to this file")
    pb.add_argument("--json", action="store_true", help="print the shape as JSON")
    pg = s0.add_parser("gd", parents=[knobs, limits], help="gradient descent on D0: a table at dyadic t, JSON, a figure")
    pg.add_argument("--eta", metavar="Q", help="step size η, an exact rational (default 1/20)")
    pg.add_argument("--batch", help="full (default), cells:M or grid:N")
    pg.add_argument("--init", metavar="w,c", help="θ^0 in the order of the trainable parameters (default -4,8/5)")
    pg.add_argument("--steps", type=int, required=True, metavar="T", help="number of GD steps")
    pg.add_argument("--arithmetic", choices=("exact", "ball", "float"), default="ball",
                    help="exact (fmpq; population batches ≤ 8 steps, fewer for N > 4), ball (certified, default) or float")
    pg.add_argument("--prec", type=int, default=128, help="ball precision in bits (default 128)")
    pg.add_argument("--points", metavar="x1,x2,...", help="points x whose f_N(θ^t, x) is shown (d ≥ 2: "
                                                          "coordinates by ',', points by ';')")
    pg.add_argument("--out", metavar="RUN.json", help="write the run as JSON (exact iterates / ball endpoints)")
    pg.add_argument("--plot", metavar="RUN.png", help="write the figure of verify.d0_plots.draw_run")
    for q in (pb, pg):  # option values may be negative rationals and lists: --init -4,8/5, --points -1/2,0
        q._negative_number_matcher = re.compile(r"^-[0-9.]*[0-9][0-9./,;eE+-]*$")
    return p


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``relu-verify check: error: ...`` and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


EXIT_INTERNAL = 4
_GUARDED = ("check", "paths", "distance", "flow", "d0")  # one computation each: time and memory budget


def _dispatch(args) -> int:
    """Run the command; user errors → 2, internal errors → `EXIT_INTERNAL` (one line each)."""
    from .errors import SoundnessError

    import warnings

    warnings.simplefilter("ignore", RuntimeWarning)  # numpy overflow in float screens: results are checked instead
    try:
        _validate_outputs(args)
        return {"list": cmd_list, "check": cmd_check, "search": cmd_search, "suite": cmd_suite,
                "report": cmd_report, "paths": cmd_paths,
                "distance": cmd_distance, "flow": cmd_flow, "d0": cmd_d0}[args.command](args)
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
    """``--out``/``--plot`` files of flow and d0: refuse a directory, a path under a regular
    file or an unwritable place before any computation (the files are written atomically)."""
    from .files import output_file

    if args.command in ("flow", "d0"):
        for opt in ("out", "plot"):
            output_file(getattr(args, opt, None), f"--{opt}")


def _on_limit(args):
    """What a guarded command prints when its budget ends it: an UNKNOWN naming the limit."""

    def report(reason: str) -> int:
        if args.command == "check":
            return _check_limit(args, reason)
        print(f"relu-verify: {args.command} stopped: {reason}; nothing was decided", file=sys.stderr)
        return 3

    return report


def main(argv=None) -> int:
    parser = build_parser()
    own_process = argv is None  # the console script, not a call from Python: process-wide limits are ours to set
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        parser.print_help()
        return 2
    try:
        args = parser.parse_args(argv)  # `check FILE` alone: argparse gives FILE to the required positional
    except SystemExit as e:  # --help, --version or a one-line usage error
        return e.code if isinstance(e.code, int) else 2
    args.argv = argv  # recorded in reports
    if own_process and args.command in ("search", "suite"):  # many examples in one process: cap its memory
        from .budget import limit_memory, parse_memory

        try:
            limit_memory(parse_memory(args.max_memory))
        except InputError as e:
            print(f"relu-verify: error: {e}", file=sys.stderr)
            return 2
    if args.command in _GUARDED and not args.debug:
        from .budget import Limits, parse_memory, parse_seconds, run_guarded

        try:
            limits = Limits(parse_seconds(args.time_limit, "--seconds"), parse_memory(args.max_memory))
        except InputError as e:
            print(f"relu-verify: error: {e}", file=sys.stderr)
            return 2
        return run_guarded(lambda: _dispatch(args), limits, args.command, _on_limit(args))
    return _dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
