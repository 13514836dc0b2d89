"""``relu-verify search``, ``suite`` and ``report``: adversarial runs with their progress lines, summary
table and report folder."""

from __future__ import annotations

import fnmatch
import json
import shlex
import sys
import time
from pathlib import Path

from ..errors import InputError
from ..framework import format_verdict
from ..registry import USER_PLUGINS
from .claims import PROV_TAGS
from .common import EXIT_INTERNAL, console


PROJECT_DATABASE = Path(".relu-verify") / "hypothesis-db"  # like .hypothesis/: replayed by every later run here


def _out_dir(arg) -> tuple[Path, Path]:
    """(report folder, Hypothesis database folder).  ``--out DIR`` keeps its database inside DIR
    and moves an earlier report found there aside; without it the report goes to a fresh
    ``reports/<timestamp>/`` and the database is the project-level `PROJECT_DATABASE`, so a
    counterexample found yesterday is replayed first today (a copy lands in the report folder)."""
    from ..files import output_dir

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


def _dask_target(args) -> tuple[int | None, str | None] | None:
    """(jobs, scheduler) when the run goes to Dask (--jobs, --scheduler or $DASK_SCHEDULER_ADDRESS)."""
    import os

    jobs, scheduler = getattr(args, "jobs", None), getattr(args, "scheduler", None)
    if jobs is not None and jobs < 1:
        raise InputError(f"must be a positive number of worker processes, got {jobs}", "--jobs")
    if jobs is None and scheduler is None:
        scheduler = os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    return None if jobs is None and scheduler is None else (jobs, scheduler)


def _run_dask(command: str, argv: list, refs: list[str], budget, seed: int, out: Path, db: Path,
              profile: str | None, reproduce: str | None, target, split: bool = False):
    """`_run` on a Dask cluster (`verify.distributed`): one task per claim, or -- ``split``, for
    ``search`` -- the claim's budget split over one seed per worker thread (sub-search k has run
    seed seed + 10⁶k; results merged in seed order)."""
    from datetime import datetime, timezone

    from .. import distributed, report
    from ..registry import USER_PLUGINS
    from ..searching import run_report

    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    client, close = distributed.connect(*target)
    try:
        n = max(1, distributed.cluster_info(client)["threads"]) if split else 1
        if split:
            budgets = distributed.split_budget(budget, n)
            jobs = [(refs[0], seed + 10 ** 6 * k) for k in range(len(budgets))]
        else:
            budgets, jobs = None, [(ref, seed) for ref in refs]

        def done(k, r):
            print(_line(k + 1, len(jobs), r), file=sys.stderr, flush=True)

        results, run = distributed.run_searches(client, jobs, budget if budgets is None else budgets, db,
                                                list(USER_PLUGINS), done, reproduce)
    finally:
        close()
    if split and results:
        results = [distributed.merge_results(results)]
    if run.interrupted:
        print(f"relu-verify: interrupted after {len(results)} of {len(jobs)} searches; cancelled the cluster's "
              "tasks; writing the partial report", file=sys.stderr)
    doc = run_report(command, argv, results, profile=profile, budget=budget, seed=seed, started=started,
                     seconds=time.perf_counter() - t0, database="hypothesis-db", witness_name=report.witness_name)
    doc["cluster"] = {**run.cluster, "rescheduled": run.rescheduled}
    if run.interrupted:
        done_ids = {r.id for r in results}
        doc["interrupted"] = {"finished": len(results), "planned": len(refs),
                              "not_run": [r for r in refs if r not in done_ids]}
    report.write(out, doc)
    if db != out / "hypothesis-db":
        import shutil

        for r in results:
            src = db / report.safe_name(r.id)
            if src.is_dir():
                shutil.copytree(src, out / "hypothesis-db" / src.name, dirs_exist_ok=True)
    return results, doc, run.interrupted


def _run(command: str, argv: list, refs: list[str], budget, seed: int, out: Path, db: Path, profile: str | None,
         reproduce: str | None = None, target=None):
    """`_searches` with the objects alive before them frozen out of the garbage collector: the
    modules, claims and engines loaded so far outlive the run, and a full collection during the
    searches (Hypothesis makes many short-lived objects) then scans only what the searches made
    (GC time about a third of what it was).  Unfrozen afterwards, so a caller's garbage is collected as
    before (``main([...])`` from Python)."""
    import gc

    import hypothesis  # noqa: F401 -- loaded before the freeze, like every claim module

    if target is not None:
        return _run_dask(command, argv, refs, budget, seed, out, db, profile, reproduce, target,
                         split=command == "search")
    gc.freeze()
    try:
        return _searches(command, argv, refs, budget, seed, out, db, profile, reproduce)
    finally:
        gc.unfreeze()


def _searches(command: str, argv: list, refs: list[str], budget, seed: int, out: Path, db: Path,
              profile: str | None, reproduce: str | None = None):
    """Search every ref with a rich progress bar (one plain line per claim on stderr when not on a
    terminal), write the report folder, return (results, report document, interrupted).  Ctrl-C
    stops the run: the claims finished so far are written as a partial report marked interrupted."""
    from datetime import datetime, timezone

    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from .. import report
    from ..searching import checkpoint, interruptible, run_report, search

    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    results, interrupted = [], False
    tty = sys.stderr.isatty()
    columns = (TextColumn("{task.description}", style="bold"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    try:
        with interruptible(), Progress(*columns, console=console(stderr=True), transient=True,
                                       disable=not tty) as progress:
            overall = progress.add_task("claims", total=len(refs), stats="") if len(refs) > 1 else None
            for k, ref in enumerate(refs, 1):
                task = progress.add_task(ref, total=budget.examples, stats="")

                def tick(r, task=task):
                    progress.update(task, completed=min(r.examples, budget.examples), stats=_stats(r))

                r = search(ref, budget, seed, db / report.safe_name(ref), tick, reproduce=reproduce)
                results.append(r)
                checkpoint()  # a Ctrl-C swallowed during that search: keep its result, stop here
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


def _grow(ref: str, r, budget, out: Path):
    """``search --grow-regions``: `verify.regions.grow_around` the search's HOLDS examples."""
    from ..files import write_atomic
    from ..regions import grow_around

    if not r.held:
        print("grow-regions: no example was certified HOLDS (vacuous ones do not count): nothing to grow")
        return
    try:
        g = grow_around(ref, r.held, max_boxes=32, seconds=max(10.0, 3 * budget.seconds))
    except InputError as e:  # a claim whose evaluation needs rational θ
        print(f"grow-regions: {e}")
        return
    write_atomic(out / "grown-region.json", json.dumps({"claim": ref, **g}, indent=1, ensure_ascii=False) + "\n")
    best = g["best"]
    if best is None:
        print(f"grow-regions: no certified box around the {g['tried']} HOLDS examples tried")
    else:
        print(f"grow-regions: the claim holds for every θ within ±{best['radius']} (≈ {best['radius_float']:.3g}) of "
              f"every coordinate around HOLDS example {best['index'] + 1} of {g['tried']} tried "
              f"({best['boxes']} boxes); certificate in {out / 'grown-region.json'}")


def _budget(args, base):
    """The profile's budget with --examples / --seconds in place of its own."""
    from ..budget import parse_seconds
    from ..searching import Budget

    budget = Budget(base.examples if args.examples is None else args.examples,
                    base.seconds if args.seconds is None else parse_seconds(args.seconds))
    if budget.examples < 1:
        raise InputError(f"must be at least 1, got {budget.examples}", "--examples")
    return budget


def cmd_search(args) -> int:
    from ..registry import resolve
    from ..searching import PROFILES, Budget

    from ..searching import parse_reproduce

    resolve(args.claim)  # an unknown id or a malformed blob is bad input: fail before creating a report folder
    if args.reproduce is not None:
        parse_reproduce(args.reproduce)
    budget = _budget(args, PROFILES[args.profile])
    target = _dask_target(args)
    if target is not None and args.reproduce is not None:
        raise InputError("a replay runs one search: drop --jobs/--scheduler", "--reproduce")
    out, db = _out_dir(args.out)
    results, doc, interrupted = _run("search", args.argv, [args.claim], budget, args.seed, out, db, None,
                                     args.reproduce, target)
    if interrupted:
        print(f"report (partial, interrupted): {out / 'report.md'}")
        return 130
    r = results[0]
    console().print(_table(f"relu-verify search {args.claim} (seed {args.seed})", results))
    if r.counterexample is not None:
        print(format_verdict(r.counterexample.verdict))
        cx = doc["results"][0]["counterexample"]
        print(f"\ncertified counterexample at example #{r.counterexample.found_at}, shrunk in "
              f"{r.counterexample.shrinks} calls; re-check with:\n  cd {shlex.quote(str(out))} && {cx['recheck']}")
        if cx["reproduce_failure"]:
            plugins = "".join(f" --plugin {shlex.quote(spec)}" for spec in USER_PLUGINS)
            print(f"replay: relu-verify{plugins} search '{args.claim}' --seed {args.seed} --reproduce "
                  f"\"{cx['reproduce_failure']}\"")
        if r.shrink_cut:
            print("shrinking was cut at its time limit (1.5 × --seconds): the witness is the smallest found by "
                  "then, and Hypothesis printed no reproduce blob")
    elif r.error:
        print(f"{r.id}: ERROR {r.error}")
    else:
        print(f"no counterexample in {r.examples} examples ({r.certified} certified, {r.unknown} unknown"
              + (f" of which {r.timeouts} at the per-example time limit" if r.timeouts else "")
              + (f"; {r.duplicates} of the examples were duplicate draws, counted with their verdict, not re-decided"
                 if r.duplicates else "") + "; stopped by "
              f"{'the time budget' if r.stop == 'time' else 'the example budget'})")
    if getattr(args, "grow_regions", False) and r.counterexample is None and not r.error:
        _grow(args.claim, r, budget, out)
    for name, best in r.objectives.items():  # e.g. the largest certified κ of beg19's Theorem 3.1
        print(f"search objective {name}: largest value found {best['value']:.6g} (its instance is in report.md)")
    print(f"report: {out / 'report.md'}")
    if r.error:
        return EXIT_INTERNAL
    return 1 if r.counterexample is not None else 0


def cmd_suite(args) -> int:
    """Search every claim (must find nothing) and every mutant (must be refuted)."""
    import verify
    from ..searching import PROFILES

    pattern = args.claims or "*"
    refs = [c for c in verify.all_claims() if fnmatch.fnmatch(c, pattern)]
    refs += [m for m in verify.all_mutants() if fnmatch.fnmatch(m, pattern)]
    if not refs:
        raise InputError(f"no claim or mutant matches {pattern!r}", "--claims")
    budget = _budget(args, PROFILES[args.profile])
    target = _dask_target(args)
    out, db = _out_dir(args.out)
    results, doc, interrupted = _run("suite", args.argv, refs, budget, args.seed, out, db, args.profile,
                                     target=target)
    console().print(_table(f"relu-verify suite --profile {args.profile} (seed {args.seed}; per claim ≤ "
                            f"{budget.examples} examples, ≤ {budget.seconds:g} s)", results))
    _print_findings(results)
    failed = [r.id for r in results if not r.passed]
    n_claims = sum(r.kind == "claim" for r in results)
    from ..report import decision_rate

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


def cmd_report(args) -> int:
    from .. import report

    paths = report.render(Path(args.dir))
    for p in paths:
        print(p)
    return 0
