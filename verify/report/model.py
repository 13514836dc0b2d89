"""The report dict (``report.json``) as data: outcomes, decisions, counts, the lines and items every
rendering shows, in one place so that Markdown, HTML, JUnit and the terminal agree.
"""

from __future__ import annotations

import json
import re
import shlex

from ..errors import InputError
from ..files import safe_name, witness_name


GOOD_OUTCOMES = ("pass", "refuted")


SHORTEN_AT = 200


PLOT_ALT = {  # plot kind of a counterexample -> alt text / caption
    "realization": "realization 𝒩_θ of the counterexample network against the target f",
    "iterates": "the recorded series of the counterexample (named in the legend) against the iteration",
    "margins": "relative margin per example of the search (negative = violated)",
}


SUMMARY_ALT = "wall time per result, coloured by outcome"


MIN_MARGINS_PLOTTED = 3  # fewer finite margins say nothing a plot would add (the table has them)


PLOT_DPI = 80


OUTCOME_RANK = {"ERROR": 0, "FAIL": 1, "NOT REFUTED": 2}  # report order: failures first, then the rest


PROOF_NOTES_BASE = "../proofs_notes/"  # where `note` links point: the repository's proofs_notes/ folder


TITLE = r"realization $\mathcal{N}_\theta$ vs target $f$"  # mathtext: DejaVu has no 𝒩 glyph


_FONTS = {"font.family": ["DejaVu Sans", "STIXGeneral"], "font.size": 9, "mathtext.fontset": "dejavusans"}  # STIX: fallback glyphs


def check_report(report, where: str = "report.json") -> dict:
    """``report`` itself if it has the keys rendering relies on; otherwise `InputError`."""
    if not isinstance(report, dict):
        raise InputError("expected a JSON object (a relu-verify report)", where)
    results = report.get("results")
    if not isinstance(results, list):
        raise InputError("missing key 'results' (a list of results)" if results is None
                         else "'results' must be a list", where)
    names = {}
    for k, r in enumerate(results):
        w = f"{where}: results[{k}]"
        if not isinstance(r, dict) or not isinstance(r.get("id"), str):
            raise InputError("each result must be an object with a string 'id'", w)
        name = safe_name(r["id"])
        if name in names:
            raise InputError(f"ids {names[name]!r} and {r['id']!r} give the same file name {name!r}", w)
        names[name] = r["id"]
        cx = r.get("counterexample")
        if cx is not None and not (isinstance(cx, dict) and isinstance(cx.get("verdict"), dict)
                                   and isinstance(cx["verdict"].get("instance"), dict)):
            raise InputError("a counterexample needs 'verdict' with an 'instance' object", w)
    return report


def outcome(r: dict) -> str:
    return r.get("outcome") or ("ERROR" if r.get("error") else "?")


def passed(r: dict) -> bool:
    return bool(r["passed"]) if "passed" in r else outcome(r) in GOOD_OUTCOMES


def report_passed(report: dict) -> bool:
    p = report.get("passed")
    return bool(p) if p is not None else all(passed(r) for r in report["results"])


def seconds(x) -> float:
    return float(x) if isinstance(x, (int, float)) else 0.0


def is_failure(r: dict) -> bool:
    """Failed without an error (an error is counted separately, as in JUnit)."""
    return not passed(r) and not r.get("error")


def rank(r: dict) -> int:
    """Sort key of the report order: ERROR, FAIL, NOT REFUTED, anything else unexpected, then passes."""
    o = outcome(r)
    return OUTCOME_RANK.get(o, 4 if passed(r) else 3)


def ordered(results: list[dict]) -> list[dict]:
    """``results`` with failures first (`rank`), the run order kept within each rank."""
    return sorted(results, key=rank)


def count(r: dict, key: str) -> int | None:
    v = r.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def decision(r: dict) -> tuple[str, str]:
    """(text, class) of the certified/unknown split of a result: ``'12/12 (100%)'`` and one of
    ``all`` (every example decided), ``some``, ``none`` (no example decided: all UNKNOWN or
    timed out), ``na`` (no examples)."""
    n, c = count(r, "examples"), count(r, "certified")
    if r.get("no_checkable_form"):
        return f"— no checkable form ({n or 0} examples UNKNOWN by design)", "na"
    if not n or c is None:
        return "—", "na"
    cls = "all" if c >= n else "none" if c == 0 else "some"
    return f"{c}/{n} ({100 * c / n:.0f}%)" + (" none decided" if cls == "none" else ""), cls


def decision_rate(results: list[dict]) -> str:
    """The overall decision rate: certified examples of all examples, and the claims none of whose
    examples was decided."""
    apart = [r for r in results if r.get("no_checkable_form")]
    results = [r for r in results if not r.get("no_checkable_form")]
    n = sum(count(r, "examples") or 0 for r in results)
    c = sum(count(r, "certified") or 0 for r in results)
    if not n:
        return "no examples"
    undecided = [r for r in results if decision(r)[1] == "none"]
    text = f"{c}/{n} examples decided ({100 * c / n:.1f}%)"
    if undecided:
        text += f"; {len(undecided)} result(s) with no example decided (every example UNKNOWN or timed out)"
    if apart:
        text += f"; not counted: {', '.join(r.get('id', '?') for r in apart)} (no checkable form)"
    return text


def note_link(note) -> str | None:
    """The relative link of a ``proofs_notes/<family>.md#anchor`` note (from the report folder the
    repository's proofs_notes/ is assumed one level up); None if the note is not such a path."""
    m = re.fullmatch(r"(?:\./)?proofs_notes/([A-Za-z0-9._-]+\.md)(#[A-Za-z0-9._-]+)?", str(note or "").strip())
    return PROOF_NOTES_BASE + m[1] + (m[2] or "") if m else None


def shorten(s: str, limit: int = SHORTEN_AT) -> str:
    """``s`` itself, or its head and tail joined by ``…`` when longer than ``limit``."""
    if len(s) <= limit:
        return s
    half = (limit - 1) // 2
    return f"{s[:half]}…{s[-half:]}"


def one_line(s) -> str:
    return " ".join(str(s).split())


def command_line(report: dict) -> str:
    argv = report.get("argv")
    if isinstance(argv, list):
        return shlex.join(["relu-verify", *map(str, argv)])
    return f"relu-verify {report.get('command', '')}".strip()


def header_items(report: dict) -> list[tuple[str, str, bool]]:
    """The header block as (label, text, is_code)."""
    budget = report.get("budget") or {}
    versions = report.get("versions") or {}
    db = report.get("database")
    items = [
        ("command", command_line(report), True),
        ("profile", str(report.get("profile") or "—"), False),
        ("seed", "—" if report.get("seed") is None else str(report["seed"]), False),
        ("budget", ", ".join(f"{v} {k}" for k, v in budget.items()) or "—", False),
        ("started", str(report.get("started") or "—"), False),
        ("total time", f"{seconds(report.get('seconds')):.2f} s", False),
        ("overall", "PASSED" if report_passed(report) else "FAILED", False),
        ("decision rate", decision_rate(report["results"]), False),
        ("Hypothesis database", f"{db} (relative to this directory)" if db else "none", False),
        ("versions", ", ".join(f"{k} {v}" for k, v in
                               [(report.get("tool", "relu-verify"), report.get("version", "?")), *versions.items()]),
         False),
    ]
    cluster = report.get("cluster")
    if cluster:
        text = f"Dask, {cluster.get('workers')} workers, {cluster.get('threads')} threads ({cluster.get('scheduler')})"
        reruns = cluster.get("rescheduled") or {}
        if reruns:
            text += "; rerun after a worker died: " + "; ".join(f"{k} ({v})" for k, v in sorted(reruns.items()))
        items.insert(5, ("cluster", text, False))
    return items


SUMMARY_COLUMNS = ("claim", "provenance", "examples", "certified", "unknown", "decided", "counterexamples",
                   "time [s]", "result")


def summary_row(r: dict) -> list[str]:
    """One row of the summary table (the columns of `SUMMARY_COLUMNS`)."""
    prov = str(r.get("provenance") or "—") + (" (mutant)" if r.get("kind") == "mutant" else "")
    counts = [str(r.get(k, "—")) for k in ("examples", "certified", "unknown")]
    return [r["id"], prov, *counts, decision(r)[0], str(r.get("counterexamples", "—")),
            f"{seconds(r.get('seconds')):.2f}", outcome(r)]


def violated(verdict: dict) -> list[dict]:
    return [rel for rel in verdict.get("relations") or [] if rel.get("status") == "VIOLATED"]


def other_relations(verdict: dict) -> str:
    """'2 HOLDS, 1 UNKNOWN' for the relations that are not violated ('' if none)."""
    counts: dict[str, int] = {}
    for rel in verdict.get("relations") or []:
        if rel.get("status") != "VIOLATED":
            counts[str(rel.get("status"))] = counts.get(str(rel.get("status")), 0) + 1
    return ", ".join(f"{n} {s}" for s, n in counts.items())


def relation_label(rel: dict) -> str:
    """Relation name with its condition (``given``) and note, on one line."""
    label = str(rel.get("name", "?"))
    given = rel.get("given")
    if isinstance(given, dict):
        label += f" — given [{given.get('status', '?')}] {given.get('name', '?')}"
    if rel.get("note"):
        label += f" — {rel['note']}"
    return one_line(label)


HYPOTHESIS_MARK = {True: "yes", False: "NO", None: "undecided"}


def hypothesis_line(h: dict) -> str:
    text = f"[{HYPOTHESIS_MARK.get(h.get('holds'), '?')}] {h.get('name', '?')}"
    return one_line(text + (f" ({h['detail']})" if h.get("detail") else ""))


def search_line(r: dict) -> str:
    """Where the search found the counterexample, as one sentence."""
    cx = r["counterexample"]
    parts = [f"found at example {cx.get('found_at', '?')} of {r.get('examples', '?')}"]
    if cx.get("shrinks") is not None:
        parts.append(f"after {cx['shrinks']} shrinks")
    if r.get("seed") is not None:
        parts.append(f"seed {r['seed']}")
    return ", ".join(parts)


def counterexample_items(r: dict) -> list[tuple[str, str]]:
    """The facts of a counterexample section as (label, one-line text)."""
    v = r["counterexample"]["verdict"]
    items = [("statement", f"[{r.get('provenance') or v.get('provenance') or '?'}] "
                           f"{r.get('statement') or v.get('statement') or ''}")]
    if r.get("spec_name"):
        items.append(("planted violation", r["spec_name"]))
    items.append(("verdict", f"{v.get('status', '?')}" + (" (vacuous)" if v.get("vacuous") else "")
                  + f" — arithmetic {v.get('precision', '?')}, engines {', '.join(v.get('engines') or []) or '—'}"))
    items += [("re-verified", v.get("reverified") or "not re-verified"), ("search", search_line(r))]
    if r.get("note"):
        items.append(("proof notes", r["note"]))
    items += [("note", n) for n in v.get("notes") or []]
    return [(k, one_line(t)) for k, t in items]


def recheck_command(r: dict) -> str:
    cx = r["counterexample"]
    return str(cx.get("recheck") or f"relu-verify check {shlex.quote(r['id'])} {witness_name(r['id'])}")


def counterexamples(report: dict) -> list[dict]:
    """The results with a counterexample, failures first."""
    return [r for r in ordered(report["results"]) if r.get("counterexample")]


def search_objectives(report: dict) -> list[tuple[dict, str, dict]]:
    """(result, objective name, best value record) for every search objective, in report order
    (the k-th one's plot is `objective_plot_name(result, k)`)."""
    return [(r, name, o) for r in report["results"] for name, o in (r.get("objectives") or {}).items()]


def errors(report: dict) -> list[dict]:
    return [r for r in report["results"] if r.get("error")]


def anchor(r: dict) -> str:
    """HTML id / Markdown heading anchor of the section of result ``r``."""
    return "r-" + safe_name(r["id"]).lower().replace(".", "-")


def result_plots(r: dict, plots: dict) -> list[tuple[str, str, bytes | str]]:
    """(file name, alt text, PNG bytes or the reason it is unavailable) of the plots of ``r``."""
    out = []
    for kind, alt in PLOT_ALT.items():
        name = f"{safe_name(r['id'])}-{kind}.png"
        if name in plots:
            out.append((name, alt, plots[name]))
    return out


WITNESS_INLINE_LIMIT = 4000


def witness_text(r: dict) -> str | None:
    """The witness instance as compact JSON (one line per top-level key), or None if too long
    to show inline (the witness file has it)."""
    inst = {**r["counterexample"]["verdict"]["instance"], "claim": r["id"]}
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in inst.items())
    text = "{\n" + body + "\n}"
    return text if len(text) <= WITNESS_INLINE_LIMIT else None


PROOF_NOTES_WHERE = ("Proof notes are the repository's proofs_notes/<family>.md files; their links are relative "
                     "and assume this report folder sits one level below the repository root (as "
                     "`relu-verify suite --out DIR` run from a clone makes it); otherwise open them in the clone.")


def others(report: dict) -> list[dict]:
    """Results with neither a counterexample nor an error (each gets a short section), failures first."""
    return [r for r in ordered(report["results"]) if not r.get("counterexample") and not r.get("error")]


def section_anchor(r: dict) -> str:
    """Where a summary row links: its counterexample section, error entry or short section."""
    return anchor(r)


def sections(report: dict) -> list[tuple[str, str]]:
    """(anchor, title) of the report's top-level sections, for the table of contents."""
    out = [("summary", "Summary"), ("counterexamples", f"Counterexamples ({len(counterexamples(report))})")]
    if search_objectives(report):
        out.append(("objectives", "Search objectives"))
    return out + [("errors", f"Errors ({len(errors(report))})"), ("results", f"Other results ({len(others(report))})")]


def result_items(r: dict) -> list[tuple[str, str]]:
    """The facts of a result without a counterexample as (label, one-line text)."""
    items = [("statement", f"[{r.get('provenance') or '?'}] {r.get('statement') or ''}")]
    if r.get("spec_name"):
        items.append(("planted violation", r["spec_name"]))
    items.append(("result", f"{outcome(r)} — stopped by {r.get('stop', '?')} after {seconds(r.get('seconds')):.2f} s"))
    parts = [f"{r[k]} {k}" for k in ("examples", "certified", "holds", "vacuous", "unknown", "timeouts", "screened")
             if count(r, k) is not None]
    items.append(("examples", ", ".join(parts) + f"; decided {decision(r)[0]}"))
    if r.get("best_margin") is not None:
        items.append(("smallest relative margin", str(r["best_margin"])))
    if r.get("note"):
        items.append(("proof notes", r["note"]))
    return [(k, one_line(t)) for k, t in items]


def objective_plot_name(r: dict, k: int) -> str:
    """File name of the plot of the k-th search objective of the report (its best instance's series)."""
    return f"{safe_name(r['id'])}-objective-{k}.png"
