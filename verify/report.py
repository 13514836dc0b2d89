"""Reports of a run: ``report.json`` → plots, Markdown, self-contained HTML and JUnit XML.

`write` stores a run's report dict (produced by ``relu-verify suite`` / ``relu-verify search``)
and one witness file per counterexample, then calls `render`.  `render` reads ``report.json``
only, so ``relu-verify report DIR`` re-creates every derived file from it:

    DIR/report.json              the run (input of `render`)
    DIR/witness-<id>.json        an instance file per counterexample (``relu-verify check`` input)
    DIR/plots/<id>-realization.png, <id>-iterates.png, <id>-margins.png, <id>-objective-<k>.png
    DIR/report.md, report.html   the same content; the HTML embeds its plots (no external files)
    DIR/junit.xml                one test case per result, for CI dashboards

Every file is written atomically (temporary file in the same directory, then a rename).  The
derived files contain nothing that is not in ``report.json``, so re-rendering is reproducible.
Plots never raise: a figure that cannot be drawn is replaced by a one-line note in the text.

This module sits below the CLI and imports nothing from it.  matplotlib is imported lazily and
used through its object-oriented API on the Agg canvas (no pyplot, so no global figure registry).
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import math
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

from flint import arb, fmpq

from .claim import OBJECTIVE, Instance
from .errors import InputError
from .files import write_atomic, write_atomic_bytes  # noqa: F401  (re-exported)
from .nets import Network
from .numbers import BallContext, parse_rational, to_float
from .problems import Empirical
from .registry import INSTANCE_PLOTS, load_plugins

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


# --------------------------------------------------------------------------------------------
# files


def safe_name(id: str) -> str:
    """A file-system-safe name for a result id: ``~`` → ``--``, ``@`` → ``-at-``, anything
    outside ``[A-Za-z0-9._-]`` → ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", id.replace("~", "--").replace("@", "-at-"))


def witness_name(id: str) -> str:
    """File name of the witness (instance file) of result ``id``."""
    return f"witness-{safe_name(id)}.json"


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


def load_report(path: Path) -> dict:
    """The checked report dict stored at ``path``; `InputError` if missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no report.json here (write one with `relu-verify suite --out DIR`)", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", str(path)) from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}", str(path)) from None
    return check_report(report, str(path))


def write(out_dir, report: dict) -> list[Path]:
    """Write ``report.json``, one ``witness-<id>.json`` per counterexample (its verdict's instance
    with ``claim`` set to the result id) and everything `render` makes; returns the paths."""
    out = Path(out_dir)
    check_report(report)
    paths = [write_atomic(out / "report.json", json.dumps(report, indent=1, ensure_ascii=False))]
    for r in report["results"]:
        if r.get("counterexample"):
            found = r["counterexample"]["verdict"]["instance"]
            instance = {"claim": r["id"], **{k: v for k, v in found.items() if k != "claim"}}
            paths.append(write_atomic(out / witness_name(r["id"]), json.dumps(instance, indent=2, ensure_ascii=False)))
    return paths + render(out)


def render(out_dir) -> list[Path]:
    """From ``out_dir/report.json`` alone: write ``plots/*.png``, ``report.md``, ``report.html``
    and ``junit.xml``; returns the paths.  `InputError` if report.json is missing or malformed."""
    out = Path(out_dir)
    report = load_report(out / "report.json")
    plots = make_plots(report)
    paths = [write_atomic_bytes(out / "plots" / name, png) for name, png in plots.items() if isinstance(png, bytes)]
    paths.append(write_atomic(out / "report.md", render_markdown(report, plots)))
    paths.append(write_atomic(out / "report.html", render_html(report, plots)))
    paths.append(write_atomic(out / "junit.xml", render_junit(report)))
    return paths


# --------------------------------------------------------------------------------------------
# reading results


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
    if not n or c is None:
        return "—", "na"
    cls = "all" if c >= n else "none" if c == 0 else "some"
    return f"{c}/{n} ({100 * c / n:.0f}%)" + (" none decided" if cls == "none" else ""), cls


def decision_rate(results: list[dict]) -> str:
    """The overall decision rate: certified examples of all examples, and the claims none of whose
    examples was decided."""
    n = sum(count(r, "examples") or 0 for r in results)
    c = sum(count(r, "certified") or 0 for r in results)
    if not n:
        return "no examples"
    undecided = [r for r in results if decision(r)[1] == "none"]
    text = f"{c}/{n} examples decided ({100 * c / n:.1f}%)"
    if undecided:
        text += f"; {len(undecided)} result(s) with no example decided (every example UNKNOWN or timed out)"
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
    return [
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


# --------------------------------------------------------------------------------------------
# Markdown


def md(s) -> str:
    """Markdown-escaped text on one line (``|`` is left to `cell`)."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", one_line(s))


def code(s) -> str:
    """An inline code span holding ``s`` verbatim, whatever backticks it contains."""
    s = one_line(s)
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def fence(s: str, lang: str = "") -> list[str]:
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    return [f"{ticks}{lang}", s, ticks]


def cell(s: str) -> str:
    """A Markdown table cell: pipes escaped (valid inside code spans too, per GFM)."""
    return s.replace("|", "\\|")


def md_table(header, rows) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def md_number(s) -> str:
    """An exact value as a code span, shortened (with a pointer to report.json) when long."""
    if s is None:
        return "—"
    s = str(s)
    return code(shorten(s)) + (" (full value in report.json)" if len(s) > SHORTEN_AT else "")


def md_plot(name: str, alt: str, png) -> str:
    return f"![{md(alt)}](plots/{name})" if isinstance(png, bytes) else f"(plot unavailable: {md(png)})"


WITNESS_INLINE_LIMIT = 4000


def witness_text(r: dict) -> str | None:
    """The witness instance as compact JSON (one line per top-level key), or None if too long
    to show inline (the witness file has it)."""
    inst = {**r["counterexample"]["verdict"]["instance"], "claim": r["id"]}
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in inst.items())
    text = "{\n" + body + "\n}"
    return text if len(text) <= WITNESS_INLINE_LIMIT else None


def md_note(note) -> str:
    """A proof-notes reference: a relative link when it names a proofs_notes/ file, else text."""
    link = note_link(note)
    return f"[{md(note)}]({link})" if link else md(note)


def md_item(k: str, t: str) -> str:
    return f"- **{k}:** {md_note(t) if k == 'proof notes' else md(t)}"


def md_anchor(r: dict) -> str:
    return f'<a id="{anchor(r)}"></a>'


def md_counterexample(r: dict, plots: dict) -> list[str]:
    cx, v = r["counterexample"], r["counterexample"]["verdict"]
    lines = [md_anchor(r), "", f"### {md(r['id'])}", ""] + [md_item(k, t) for k, t in counterexample_items(r)]
    lines += ["", "Violated relations:", ""]
    lines += md_table(("relation", "lhs", "op", "rhs", "margin"),
                      [[md(relation_label(rel)), md_number(rel.get("lhs")), code(rel.get("op", "?")),
                        md_number(rel.get("rhs")), md_number(rel.get("margin"))] for rel in violated(v)])
    if other_relations(v):
        lines += ["", f"Other relations: {md(other_relations(v))}."]
    lines += ["", "Hypotheses:", ""]
    lines += [f"- {md(hypothesis_line(h))}" for h in v.get("hypotheses") or []] or ["- none"]
    witness = witness_name(r["id"])
    if witness_text(r):
        lines += ["", "Witness:", ""] + fence(witness_text(r), "json")
    lines += ["", f"Witness file: [{witness}]({witness}) — re-check it (in this directory) with", ""]
    lines += fence(recheck_command(r), "sh")
    if cx.get("reproduce_failure"):
        lines += ["", "Hypothesis reproduce blob:", ""] + fence(str(cx["reproduce_failure"]), "python")
    for name, alt, png in result_plots(r, plots):
        lines += ["", md_plot(name, alt, png)]
    return lines + [""]


def render_markdown(report: dict, plots: dict | None = None) -> str:
    """``report.md``: header, summary table, one section per counterexample, errors.
    ``plots`` maps plot file names to PNG bytes or the reason they are unavailable (as from
    `make_plots`, which is called when it is ``None``)."""
    report = check_report(report)
    plots = make_plots(report) if plots is None else plots
    lines = ["# relu-verify report", ""]
    lines += [f"- **{label}:** {code(text) if is_code else md(text)}" for label, text, is_code in header_items(report)]
    lines += ["", "Contents: " + " · ".join(f"[{title}](#{key})" for key, title in sections(report)), ""]
    lines += ['<a id="summary"></a>', "", "## Summary", "",
              "Failures first (ERROR, FAIL, NOT REFUTED), then the passes.  *decided* = certified examples of "
              "all examples; a result with none decided had every example UNKNOWN (or timed out).", ""]
    lines += md_table(SUMMARY_COLUMNS, [[f"[{code(row[0])}](#{section_anchor(r)})", *map(md, row[1:])]
                                        for r, row in ((r, summary_row(r)) for r in ordered(report["results"]))])
    if "summary.png" in plots:
        lines += ["", md_plot("summary.png", SUMMARY_ALT, plots["summary.png"])]
    lines += ["", '<a id="counterexamples"></a>', "", "## Counterexamples", ""]
    for r in counterexamples(report):
        lines += md_counterexample(r, plots)
    if not counterexamples(report):
        lines += ["None.", ""]
    best = search_objectives(report)
    if best:
        lines += ['<a id="objectives"></a>', "", "## Search objectives", "",
                  "The largest value of each quantity a claim asked the search to drive up, with the instance that "
                  "reached it.  Objectives steer the search only: whether a value is certified or float evidence is "
                  "said in its name; the verdict is in the relations.", ""]
        for k, (r, name, o) in enumerate(best):
            lines += [f"### {md(r['id'])}: {md(name)}", "", f"- **largest value found:** {md(o.get('value'))}"]
            lines += [f"- {md(rel.get('name'))}: {md(rel.get('note') or rel.get('status'))}"
                      for rel in o.get("relations") or []]
            lines += [f"- {md(n)}" for n in o.get("notes") or []]
            lines += ["", "Instance:", ""] + fence(json.dumps(o.get("instance"), ensure_ascii=False), "json") + [""]
            plot = objective_plot_name(r, k)
            if plot in plots:
                lines += [md_plot(plot, f"series of the best instance for {name}", plots[plot]), ""]
    lines += ['<a id="errors"></a>', "", "## Errors", ""]
    lines += [f"- {md_anchor(r)}{code(r['id'])}: {md(r['error'])}" for r in errors(report)] or ["None."]
    lines += ["", '<a id="results"></a>', "", "## Other results", "", PROOF_NOTES_WHERE, ""]
    for r in others(report):
        lines += [md_anchor(r), "", f"### {md(r['id'])}", ""] + [md_item(k, t) for k, t in result_items(r)] + [""]
    if not others(report):
        lines += ["None.", ""]
    return "\n".join(lines) + "\n"


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


# --------------------------------------------------------------------------------------------
# HTML

CSS = """
body { font-family: system-ui, sans-serif; color: #1b1b1b; max-width: 1200px; margin: 1.5em auto;
       padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; } h3 { margin-top: 1.4em; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #b5b5b5; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
tbody tr:nth-child(even) { background: #f5f5f5; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, td.num { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
td.num, pre { word-break: break-all; }
td.num { max-width: 26em; }
pre { background: #f3f3f3; border: 1px solid #ddd; padding: 0.5em; white-space: pre-wrap; }
.ok { background: #d7f0d7 !important; color: #125112; font-weight: bold; }
.bad { background: #f7d4d4 !important; color: #8a0f0f; font-weight: bold; }
.note { color: #666; font-style: italic; }
td.dec-all { background: #d7f0d7 !important; } td.dec-some { background: #fff1c2 !important; }
td.dec-none { background: #ffd59e !important; color: #7a3b00; font-weight: bold; }
nav.toc { background: #f3f3f3; border: 1px solid #ddd; padding: 0.3em 1em; display: inline-block; }
nav.toc ol { margin: 0.3em 0; padding-left: 1.4em; }
img { max-width: 100%; height: auto; display: block; margin: 0.6em 0; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; }
dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0; }
"""


def esc(s) -> str:
    return html.escape(str(s))


def html_meta_value(name: str, text: str, is_code: bool) -> str:
    if is_code:
        return f"<code>{esc(text)}</code>"
    return f'<span class="{outcome_class(text)}">{esc(text)}</span>' if name == "overall" else esc(text)


def outcome_class(text: str) -> str:
    return "ok" if text in GOOD_OUTCOMES or text == "PASSED" else "bad"


def html_table(header, rows: list[list[str]]) -> str:
    """A table from already-escaped cell HTML (each cell given as ``'<td ...>...</td>'``)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(row) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>"


def html_number(s) -> str:
    """A monospace cell with an exact value; long values shortened, the full one on demand."""
    if s is None:
        return "<td>—</td>"
    s = str(s)
    if len(s) <= SHORTEN_AT:
        return f'<td class="num">{esc(s)}</td>'
    return f'<td class="num"><details><summary>{esc(shorten(s))}</summary>{esc(s)}</details></td>'


def html_plot(name: str, alt: str, png) -> str:
    if not isinstance(png, bytes):
        return f'<p class="note">(plot unavailable: {esc(png)})</p>'
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}" title="{esc(name)}"></figure>'


def html_summary_row(row: list[str], r: dict | None = None) -> list[str]:
    """Cells of a summary row; with the result ``r`` the id links to its section and the
    *decided* cell is coloured by the certified/unknown split."""
    ident = f"<code>{esc(row[0])}</code>"
    cells = [f'<td><a href="#{section_anchor(r)}">{ident}</a></td>' if r is not None else f"<td>{ident}</td>",
             f"<td>{esc(row[1])}</td>"]
    dec = SUMMARY_COLUMNS.index("decided")
    for k, c in enumerate(row[2:-1], start=2):
        cls = f"n dec-{decision(r)[1]}" if k == dec and r is not None else "n"
        cells.append(f'<td class="{cls}">{esc(c)}</td>')
    return cells + [f'<td class="{outcome_class(row[-1])}">{esc(row[-1])}</td>']


def html_note(note) -> str:
    link = note_link(note)
    return f'<a href="{esc(link)}">{esc(note)}</a>' if link else esc(note)


def html_items(items) -> str:
    dd = "".join(f"<dt>{esc(k)}</dt><dd>{html_note(t) if k == 'proof notes' else esc(t)}</dd>" for k, t in items)
    return f'<dl class="meta">{dd}</dl>'


def html_counterexample(r: dict, plots: dict) -> list[str]:
    cx, v = r["counterexample"], r["counterexample"]["verdict"]
    out = [f'<section id="{anchor(r)}">', f"<h3><code>{esc(r['id'])}</code> — {esc(outcome(r))}</h3>",
           html_items(counterexample_items(r)), "<p>Violated relations:</p>"]
    out.append(html_table(("relation", "lhs", "op", "rhs", "margin"),
                          [[f"<td>{esc(relation_label(rel))}</td>", html_number(rel.get("lhs")),
                            f'<td class="num">{esc(rel.get("op", "?"))}</td>', html_number(rel.get("rhs")),
                            html_number(rel.get("margin"))] for rel in violated(v)]))
    if other_relations(v):
        out.append(f"<p>Other relations: {esc(other_relations(v))}.</p>")
    hyps = [f"<li>{esc(hypothesis_line(h))}</li>" for h in v.get("hypotheses") or []] or ["<li>none</li>"]
    out.append("<p>Hypotheses:</p><ul>" + "".join(hyps) + "</ul>")
    witness = witness_name(r["id"])
    if witness_text(r):
        out.append(f"<p>Witness:</p><pre>{esc(witness_text(r))}</pre>")
    out.append(f'<p>Witness file: <a href="{esc(witness)}">{esc(witness)}</a> — re-check it (in this directory) with</p>'
               f"<pre>{esc(recheck_command(r))}</pre>")
    if cx.get("reproduce_failure"):
        out.append(f"<p>Hypothesis reproduce blob:</p><pre>{esc(cx['reproduce_failure'])}</pre>")
    out += [html_plot(name, alt, png) for name, alt, png in result_plots(r, plots)]
    return out + ["</section>"]


def render_html(report: dict, images: dict | None = None) -> str:
    """``report.html``: the content of `render_markdown` as one self-contained page (inline CSS,
    plots embedded as base64 PNG).  ``images`` as the ``plots`` of `render_markdown`."""
    report = check_report(report)
    images = make_plots(report) if images is None else images
    meta = "".join(f"<dt>{esc(name)}</dt><dd>{html_meta_value(name, text, is_code)}</dd>"
                   for name, text, is_code in header_items(report))
    toc = "".join(f'<li><a href="#{key}">{esc(title)}</a></li>' for key, title in sections(report))
    body = ["<h1>relu-verify report</h1>", f'<dl class="meta">{meta}</dl>',
            f'<nav class="toc" aria-label="contents"><strong>Contents</strong><ol>{toc}</ol></nav>',
            f'<p class="note">{esc(PROOF_NOTES_WHERE)}</p>',
            '<h2 id="summary">Summary</h2>',
            "<p>Failures first (ERROR, FAIL, NOT REFUTED), then the passes; each id links to its section. "
            "<em>decided</em> = certified examples of all examples: green every example decided, yellow some, "
            "orange <strong>none</strong> (every example UNKNOWN or timed out: the claim was exercised, not "
            "certified).</p>",
            html_table(SUMMARY_COLUMNS, [html_summary_row(summary_row(r), r) for r in ordered(report["results"])])]
    if "summary.png" in images:
        body.append(html_plot("summary.png", SUMMARY_ALT, images["summary.png"]))
    body.append('<h2 id="counterexamples">Counterexamples</h2>')
    for r in counterexamples(report):
        body += html_counterexample(r, images)
    if not counterexamples(report):
        body.append("<p>None.</p>")
    best = search_objectives(report)
    if best:
        body.append('<h2 id="objectives">Search objectives</h2>')
        for k, (r, name, o) in enumerate(best):
            rels = "".join(f"<li>{esc(one_line(rel.get('name')))}: {esc(one_line(rel.get('note') or rel.get('status')))}"
                           "</li>" for rel in o.get("relations") or [])
            rels += "".join(f"<li>{esc(one_line(n))}</li>" for n in o.get("notes") or [])
            body += [f"<h3><code>{esc(r['id'])}</code>: {esc(name)}</h3>",
                     f"<p>largest value found: <code>{esc(o.get('value'))}</code></p>",
                     f"<ul>{rels}</ul>" if rels else "",
                     f"<details><summary>instance</summary><pre>{esc(json.dumps(o.get('instance'), ensure_ascii=False))}"
                     "</pre></details>"]
            plot = objective_plot_name(r, k)
            if plot in images:
                body.append(html_plot(plot, f"series of the best instance for {name}", images[plot]))
    errs = [f'<li id="{anchor(r)}"><code>{esc(r["id"])}</code>: {esc(one_line(r["error"]))}</li>' for r in errors(report)]
    body += ['<h2 id="errors">Errors</h2>', "<ul>" + "".join(errs) + "</ul>" if errs else "<p>None.</p>"]
    body.append('<h2 id="results">Other results</h2>')
    for r in others(report):
        body += [f'<section id="{anchor(r)}"><h3><code>{esc(r["id"])}</code> — {esc(outcome(r))}</h3>',
                 html_items(result_items(r)), "</section>"]
    if not others(report):
        body.append("<p>None.</p>")
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>relu-verify report</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


# --------------------------------------------------------------------------------------------
# JUnit XML


def xml_text(s) -> str:
    """``s`` without the control characters XML 1.0 cannot hold."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", str(s))


def failure_of(r: dict) -> tuple[str, str]:
    """(message, text) of the JUnit <failure> of a failed result."""
    cx = r.get("counterexample")
    if cx:
        v, witness = cx["verdict"], witness_name(r["id"])
        rels = violated(v)
        names = ", ".join(one_line(rel.get("name", "?")) for rel in rels) or f"status {v.get('status', '?')}"
        lines = [f"{relation_label(rel)}: {shorten(str(rel.get('lhs')))} {rel.get('op', '?')} "
                 f"{shorten(str(rel.get('rhs')))} (margin {shorten(str(rel.get('margin')))})" for rel in rels]
        lines += [f"witness: {witness}", f"re-check: {recheck_command(r)}"]
        return f"counterexample: {names} violated (witness {witness})", "\n".join(lines)
    if r.get("kind") == "mutant":
        msg = (f"planted violation not found within the budget "
               f"({r.get('examples', '?')} examples, {seconds(r.get('seconds')):.2f} s)")
        return msg, f"{msg}; stopped by {r.get('stop', '?')}"
    msg = f"{outcome(r)}: stopped by {r.get('stop', '?')}"
    return msg, msg


def render_junit(report: dict) -> str:
    """``junit.xml``: one <testsuite> with a <testcase> per result; failures and errors as JUnit
    counts them (an errored result is an error, not a failure)."""
    report = check_report(report)
    results = report["results"]
    counts = {"tests": str(len(results)), "failures": str(sum(map(is_failure, results))),
              "errors": str(len(errors(report))), "time": f"{seconds(report.get('seconds')):.3f}"}
    root = ET.Element("testsuites", name="relu-verify", **counts)
    suite = ET.SubElement(root, "testsuite", name=f"relu-verify {report.get('command', '')}".strip(),
                          skipped="0", **counts)
    if report.get("started"):
        suite.set("timestamp", str(report["started"]))
    props = ET.SubElement(suite, "properties")
    budget = report.get("budget") or {}
    versions = report.get("versions") or {}
    pairs = [("seed", report.get("seed")), ("profile", report.get("profile")), ("command", command_line(report)),
             ("database", report.get("database")), ("version", report.get("version"))]
    pairs += [(f"budget.{k}", v) for k, v in budget.items()] + [(f"versions.{k}", v) for k, v in versions.items()]
    for name, value in pairs:
        ET.SubElement(props, "property", name=name, value=xml_text("" if value is None else value))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=str(r.get("family") or r["id"].split(".")[0]),
                             name=xml_text(r["id"]), time=f"{seconds(r.get('seconds')):.3f}")
        if r.get("error"):
            ET.SubElement(case, "error", message=xml_text(one_line(r["error"]))).text = xml_text(r["error"])
        elif is_failure(r):
            message, text = failure_of(r)
            ET.SubElement(case, "failure", message=xml_text(message)).text = xml_text(text)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# --------------------------------------------------------------------------------------------
# plots


class Unplottable(Exception):
    """There is nothing (sensible) to draw; the message says why."""


def make_plots(report: dict) -> dict[str, bytes | str]:
    """Every plot of the report, keyed by its file name under ``plots/``: PNG bytes, or a str
    saying why it is unavailable.  Per counterexample: realization, iterates (if the verdict has
    a series), margins (with at least `MIN_MARGINS_PLOTTED` finite margins); the best instance
    of each search objective."""
    plots: dict[str, bytes | str] = {}
    for r in counterexamples(report):
        cx, name = r["counterexample"], safe_name(r["id"])
        plots[f"{name}-realization.png"] = attempt(draw_instance, cx["verdict"]["instance"])
        if cx["verdict"].get("series"):
            plots[f"{name}-iterates.png"] = attempt(draw_series, cx["verdict"]["series"])
        if len(finite(r.get("margins") or [])) >= MIN_MARGINS_PLOTTED:  # fewer: the table says it all
            plots[f"{name}-margins.png"] = attempt(draw_margins, r.get("margins") or [], cx.get("found_at"))
    for k, (r, _, o) in enumerate(search_objectives(report)):
        if o.get("series"):
            plots[objective_plot_name(r, k)] = attempt(draw_series, o["series"])
    return plots  # no wall-time chart: the summary table has the times


def objective_plot_name(r: dict, k: int) -> str:
    """File name of the plot of the k-th search objective of the report (its best instance's series)."""
    return f"{safe_name(r['id'])}-objective-{k}.png"


def attempt(draw, *args) -> bytes | str:
    """PNG bytes of the figure ``draw(fig, *args)`` draws, or the one-line reason it failed.
    The one place where exceptions are swallowed: a plot must never lose the report."""
    try:
        return png_of(draw, *args)
    except Unplottable as err:
        return one_line(err)
    except Exception as err:  # noqa: BLE001 -- any plotting failure degrades to a note
        return shorten(one_line(f"{type(err).__name__}: {err}"))


MARGINS_IN = {"left": 0.85, "right": 0.2, "bottom": 0.5, "top": 0.35}  # fixed margins [in] (no tight_layout)


def png_of(draw, *args) -> bytes:
    """Draw on a fresh 7 × 3.5 in Agg figure (``draw`` may resize it or set its own margins) and
    return the PNG at `PLOT_DPI`.  Margins are fixed in inches (`MARGINS_IN`) instead of
    tight_layout, which measured every tick label twice; mathtext that cannot be parsed is
    replaced by plain text (`plain_text`) instead of failing or showing raw TeX."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_FONTS):
        fig = Figure(figsize=(7, 3.5), dpi=PLOT_DPI)
        FigureCanvasAgg(fig)
        fixed_margins(fig)
        draw(fig, *args)
        if tuple(fig.get_size_inches()) != getattr(fig, "_relu_verify_margins", None):
            fig.tight_layout()  # resized without setting its margins again (e.g. the d0 gd --plot panels)
        sanitize_text(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=PLOT_DPI, metadata={"Software": None})
    return buf.getvalue()


def fixed_margins(fig, **inches):
    """Subplot margins of ``fig`` fixed in inches (`MARGINS_IN`, overridden by ``left=``, ``right=``,
    ``bottom=``, ``top=``, e.g. for a legend outside the axes).  Call again after resizing the figure."""
    w, h = fig.get_size_inches()
    m = {**MARGINS_IN, **inches}
    fig.subplots_adjust(left=m["left"] / w, right=1 - m["right"] / w, bottom=m["bottom"] / h, top=1 - m["top"] / h,
                        hspace=0.55, wspace=0.3)
    fig._relu_verify_margins = (w, h)


def mathtext_ok(s: str) -> bool:
    """Whether matplotlib's mathtext parses ``s`` (plain text without ``$`` always does)."""
    if s.replace(r"\$", "").count("$") < 2:
        return True
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(s, 72, FontProperties())
        return True
    except (ValueError, RuntimeError):
        return False


TEX_WORDS = {"mathcal": "", "mathrm": "", "operatorname": "", "left": "", "right": "", "cdot": "·", "leq": "≤",
             "geq": "≥", "le": "≤", "ge": "≥", "infty": "∞", "circ": "°", "theta": "θ", "lambda": "λ", "mu": "μ",
             "varepsilon": "ε", "epsilon": "ε", "zeta": "ζ", "alpha": "α", "Gamma": "Γ", "Phi": "Φ", "in": "∈",
             "sqrt": "√", "|": "‖", ",": " ", " ": " ", "{": "{", "}": "}", "$": "$"}


def plain_text(s: str) -> str:
    """TeX-ish text as plain Unicode: ``$`` dropped, ``\\name`` → its symbol (or the name), groups
    ``{…}`` unwrapped (``x_{ab}`` → ``x_ab``)."""
    s = re.sub(r"\\([A-Za-z]+|.)", lambda m: TEX_WORDS.get(m[1], m[1]), str(s).replace(r"\$", "\0"))
    s = s.replace("$", "").replace("\0", "$")
    for _ in range(3):
        s = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m[1] + (m[2] if len(m[2]) == 1 else f"({m[2]})"), s)
    return s.replace("{", "").replace("}", "")


def sanitize_text(fig):
    """Replace every text of ``fig`` that mathtext cannot render by its `plain_text`."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        s = t.get_text()
        if "$" in s and not mathtext_ok(s):
            t.set_text(plain_text(s))


def mpl_text(s) -> str:
    """Data text (a series name, a parameter label) for matplotlib: ``$…$`` or TeX-ish markup
    (``x_{ab}``, ``\\alpha``) rendered as mathtext when it parses, else shown as `plain_text`; a lone
    ``$`` escaped so it never starts mathtext by accident."""
    s = str(s)
    if s.count("$") >= 2 and "\\$" not in s:  # already mathtext: render it if it parses, else plain text
        return s if mathtext_ok(s) else plain_text(s)
    if re.search(r"[_^]\{|\\[A-Za-z]", s) and "$" not in s:
        candidate = "$" + re.sub(r"(?<!\\) ", r"\\ ", s) + "$"
        return candidate if mathtext_ok(candidate) else plain_text(s)
    return s.replace("$", r"\$")


def plot_instance(instance: dict) -> bytes | None:
    """PNG of the realization 𝒩_θ against the target f on the measure's domain (d = 1: both
    curves, atoms, kinks, support; d = 2: residual heat map; d ≥ 3: along the box diagonal);
    ``None`` if the instance cannot be plotted."""
    png = attempt(draw_instance, instance)
    return png if isinstance(png, bytes) else None


def plot_series(series: dict) -> bytes | None:
    """PNG of each named series against the iteration n (log scale if all positive); ``None``
    if there is nothing to plot."""
    png = attempt(draw_series, series)
    return png if isinstance(png, bytes) else None


def plot_margins(margins: list, found_at: int | None) -> bytes | None:
    """PNG of the relative margin per example (symlog), the counterexample (1-based
    ``found_at``) in red; ``None`` without a finite margin."""
    png = attempt(draw_margins, margins, found_at)
    return png if isinstance(png, bytes) else None


def plot_summary(results: list[dict]) -> bytes | None:
    """PNG bar chart of the wall time per result, green for pass/refuted, red otherwise."""
    png = attempt(draw_summary, results)
    return png if isinstance(png, bytes) else None


# ---- the instance -------------------------------------------------------------------------


def floats(values) -> list[float]:
    """Float approximations (ball midpoints) of exact numbers; NaN where there is none."""
    out = []
    for x in values:
        f = to_float(x)
        out.append(math.nan if f is None else f)
    return out


def target_float(target, x: list) -> float:
    """f(x) at exact rational coordinates as a float: exact where the target allows it, else a
    53-bit ball's midpoint; NaN where f cannot be evaluated."""
    for args in ((x,), ([arb(t) for t in x], BallContext(53))):
        with contextlib.suppress(ArithmeticError, ValueError, TypeError):
            return floats([target.value(*args)])[0]
    return math.nan


def relu(y: float) -> float:
    return y if y > 0 else 0.0


def softplus(y: float) -> float:
    return y + math.log1p(math.exp(-y)) if y > 0 else math.log1p(math.exp(y))


ACTIVATIONS = {"softplus": (softplus, "softplus")}  # a word in the claim id -> (σ, its name); else ReLU


def activation_of(instance: dict) -> tuple:
    """(σ, name) of the network of ``instance``: a mutant that swaps the activation (its id names it,
    e.g. ``cjrr21.lyapunov-identity~softplus``) is drawn with that activation, everything else with ReLU."""
    claim = str(instance.get("claim") or "") if isinstance(instance, dict) else ""
    for word, act in ACTIVATIONS.items():
        if word in claim.split("~", 1)[-1].split("@")[0] and "~" in claim:
            return act
    return relu, "ReLU"


def float_network(net, sigma=relu):
    """``x ↦ 𝒩_θ(x)`` in float arithmetic with activation ``sigma``, for a list of floats ``x``."""
    fnet = net.with_theta(floats(net.theta))
    if not all(math.isfinite(t) for t in fnet.theta):
        raise Unplottable("θ has a non-finite entry")

    def realization(x):
        return fnet.forward(list(x), sigma, None, grad=False)[0]
    return realization


def grid(lo, hi, n: int) -> list:
    """``n`` equally spaced exact rationals from ``lo`` to ``hi``."""
    return [lo + (hi - lo) * fmpq(k, n - 1) for k in range(n)]


def plot_domain(inst) -> tuple[list, list | None]:
    """(box to plot over, support box of μ to mark or None), both as [(a, b)] of fmpq.
    Box/density measures: their box (padded by 10 % in 1-D so its ends show); empirical: the
    atoms' hull padded by 10 % (±1 where flat); no measure: [−1, 1]^d."""
    m, d = inst.measure, inst.net.d
    if m is None:
        return [(fmpq(-1), fmpq(1))] * d, None
    if isinstance(m, Empirical):
        hull = [(min(c), max(c)) for c in zip(*m.points)]
        return [pad(a, b) for a, b in hull], None
    support = list(m.box)
    return ([pad(*support[0])] if d == 1 else support), support


def pad(a, b) -> tuple:
    """[a, b] widened by 10 % on each side, or [a − 1, a + 1] if a = b."""
    w = (b - a) / 10
    return (a - w, b + w) if w else (a - 1, b + 1)


def atoms(inst) -> tuple[list, list[float]]:
    """Atoms of an empirical measure (exact points) and marker sizes ∝ weight; empty otherwise."""
    if not isinstance(inst.measure, Empirical):
        return [], []
    ws = floats(inst.measure.weights)
    top = max(ws) or 1.0
    return list(inst.measure.points), [15 + 85 * w / top for w in ws]


def draw_instance(fig, instance: dict):
    """Realization vs target of an instance dict (see `plot_instance`)."""
    if not isinstance(instance, dict) or not isinstance(instance.get("network"), dict):
        raise Unplottable("no network in the instance")
    load_plugins()
    for plot in INSTANCE_PLOTS:  # a family's own picture of its instances (yoneda23: D0 snapshots, beg19: pairs)
        if plot.applies(instance):
            plot.draw(fig, instance)
            return
    inst = Instance.from_json(instance)
    if not isinstance(inst.net, Network):
        raise Unplottable("the realization plot covers one-output networks (cjrr21); see the series plots")
    sigma = activation_of(instance)
    if sigma[0] is not relu and inst.net.d == 1:
        draw_1d_activation(fig.add_subplot(), inst, sigma)
        return
    draw = {1: draw_1d, 2: draw_2d}.get(inst.net.d, draw_diagonal)
    draw(fig.add_subplot(), inst, fig)


def draw_1d_activation(ax, inst, sigma):
    """A mutant with another activation σ (e.g. softplus): 𝒩_θ with σ, with ReLU (dotted) and the
    target f — the claim holds for ReLU and the σ-realization is where the violation comes from."""
    fn, name = sigma
    box, support = plot_domain(inst)
    (a, b), = box
    xs = grid(a, b, 200)
    xf = floats(xs)
    if support:
        lo, hi = floats(support[0])
        ax.axvspan(lo, hi, color="0.92", label=r"support of $\mu$")
    ax.plot(xf, [float_network(inst.net, fn)([x]) for x in xf], color="C0", lw=1.8,
            label=rf"realization with $\sigma$ = {name}")
    ax.plot(xf, [float_network(inst.net)([x]) for x in xf], color="C2", lw=1.2, ls=":",
            label=r"realization with $\sigma$ = ReLU (the claim's)")
    ax.plot(xf, [target_float(inst.target, [x]) for x in xs], color="C1", lw=1.4, ls="--", label=r"target $f(x)$")
    ax.set_xlim(xf[0], xf[-1])
    ax.set_xlabel(r"input $x$")
    ax.set_ylabel(r"$\mathcal{N}_\theta(x)$ and $f(x)$")
    ax.set_title(rf"realization $\mathcal{{N}}_\theta$ with $\sigma$ = {name} vs ReLU and target $f$")
    ax.legend(fontsize=7, loc="best")


def draw_1d(ax, inst, fig):
    """𝒩_θ and f over the domain, support of μ shaded, kinks dotted, atoms sized by weight."""
    box, support = plot_domain(inst)
    (a, b), = box
    xs = grid(a, b, 400)
    xf = floats(xs)
    net = float_network(inst.net)
    if support:
        lo, hi = floats(support[0])
        ax.axvspan(lo, hi, color="0.92", label=r"support of $\mu$")
    ax.plot(xf, [net([x]) for x in xf], color="C0", lw=1.6, label=r"realization $\mathcal{N}_\theta(x)$")
    ax.plot(xf, [target_float(inst.target, [x]) for x in xs], color="C1", lw=1.4, ls="--", label=r"target $f(x)$")
    for k, kink in enumerate(x for x in kinks_1d(inst.net) if xf[0] <= x <= xf[-1]):
        ax.axvline(kink, color="0.35", lw=0.7, ls=":", label=r"kinks of $\mathcal{N}_\theta$" if k == 0 else None)
    points, sizes = atoms(inst)
    if points:
        ax.scatter(floats(p[0] for p in points), [target_float(inst.target, list(p)) for p in points], s=sizes,
                   color="C3", zorder=3, label=r"atoms $(x_k, f(x_k))$, size ∝ weight")
    ax.set_xlim(xf[0], xf[-1])
    ax.set_xlabel(r"input $x$")
    ax.set_ylabel(r"$\mathcal{N}_\theta(x)$ and $f(x)$")
    ax.set_title(TITLE)
    ax.legend(fontsize=7, loc="best")


def kinks_1d(net) -> list[float]:
    """Kinks x = −b_i / w_i of a one-hidden-layer network on ℝ (w_i ≠ 0); none if deeper."""
    if not net.is_shallow:
        return []
    out = []
    for i in range(net.H):
        w, b = floats([net.w(i)[0], net.b(i)])
        if w != 0 and math.isfinite(w) and math.isfinite(b):
            out.append(-b / w)
    return sorted(out)


def draw_2d(ax, inst, fig):
    """Heat map of the residual 𝒩_θ(x) − f(x) over the box, kink lines and atoms."""
    import numpy as np

    box, _ = plot_domain(inst)
    n = 101
    xs, ys = grid(*box[0], n), grid(*box[1], n)
    xf, yf = floats(xs), floats(ys)
    net = float_network(inst.net)
    res = np.array([[net([x, y]) - target_float(inst.target, [xq, yq]) for x, xq in zip(xf, xs)]
                    for y, yq in zip(yf, ys)])
    top = float(np.nanmax(np.abs(res))) if np.isfinite(res).any() else 0.0
    top = top or 1.0
    mesh = ax.pcolormesh(xf, yf, np.ma.masked_invalid(res), shading="nearest", cmap="RdBu_r", vmin=-top, vmax=top)
    fig.colorbar(mesh, ax=ax, label=r"residual $\mathcal{N}_\theta(x) - f(x)$ (dimensionless)")
    draw_kink_lines(ax, inst.net, np.array(xf), np.array(yf))
    points, sizes = atoms(inst)
    if points:
        ax.scatter(floats(p[0] for p in points), floats(p[1] for p in points), s=sizes, facecolor="none",
                   edgecolor="k", label=r"atoms of $\mu$, size ∝ weight")
        ax.legend(fontsize=7, loc="upper right")
    ax.set_xlabel(r"input $x_1$")
    ax.set_ylabel(r"input $x_2$")
    ax.set_title(TITLE + ": residual")


def draw_kink_lines(ax, net, xf, yf):
    """Dotted lines 𝔴_i·x + 𝔟_i = 0 of a one-hidden-layer network where they cross the box."""
    import numpy as np

    if not net.is_shallow:
        return
    X, Y = np.meshgrid(xf, yf)
    for i in range(net.H):
        (w1, w2), b = floats(net.w(i)), floats([net.b(i)])[0]
        z = w1 * X + w2 * Y + b
        if np.isfinite(z).all() and z.min() < 0 < z.max():
            ax.contour(X, Y, z, levels=[0], colors="0.2", linewidths=0.7, linestyles=":")


def draw_diagonal(ax, inst, fig):
    """𝒩_θ and f along the diagonal x = a + t(b − a), t ∈ [0, 1], of the box (d ≥ 3)."""
    box, _ = plot_domain(inst)
    ts = grid(fmpq(0), fmpq(1), 400)
    points = [[a + t * (b - a) for a, b in box] for t in ts]
    net = float_network(inst.net)
    tf = floats(ts)
    ax.plot(tf, [net(floats(p)) for p in points], color="C0", lw=1.6, label=r"realization $\mathcal{N}_\theta(x(t))$")
    ax.plot(tf, [target_float(inst.target, p) for p in points], color="C1", lw=1.4, ls="--", label=r"target $f(x(t))$")
    ax.set_xlabel(rf"position $t$ on the box diagonal $x(t) = a + t\,(b - a)$, input dimension {inst.net.d}")
    ax.set_ylabel(r"$\mathcal{N}_\theta(x(t))$ and $f(x(t))$")
    ax.set_title(TITLE + " along the box diagonal")
    ax.legend(fontsize=7, loc="best")


# ---- series, margins, summary --------------------------------------------------------------


def finite(values) -> list[float]:
    """Floats of the finite numbers among ``values`` (None and non-numbers dropped)."""
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]


def as_float(v) -> float:
    return float(v) if finite([v]) else math.nan


def integer_ticks(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def draw_series(fig, series: dict):
    """Each named series against n = 0, 1, …; gaps at None."""
    if not isinstance(series, dict):
        raise Unplottable("series is not an object")
    curves = {k: [as_float(v) for v in vs] for k, vs in series.items()
              if isinstance(vs, list) and finite(vs) and not k.startswith(OBJECTIVE)}
    xkey = next((k for k in curves if k.startswith("x: ")), None)
    if xkey is not None:  # a family against a parameter: "x: <label>" holds the x values
        draw_family(fig, curves.pop(xkey), xkey[3:], curves)
        return
    if not curves:
        raise Unplottable("no finite values in the series")
    ax = fig.add_subplot()
    for name, ys in curves.items():
        ax.plot(range(len(ys)), ys, marker="o" if len(ys) <= 40 else None, ms=3, lw=1.3, label=mpl_text(name))
    if all(v > 0 for ys in curves.values() for v in finite(ys)):
        ax.set_yscale("log")
    ax.set_xlabel(r"iteration $n$")
    integer_ticks(ax)
    ax.set_ylabel(quantity_label(curves))
    ax.set_title(mpl_text(f"{names_of(curves)} along the iterates"))
    ax.legend(fontsize=8)


def names_of(curves: dict, limit: int = 70) -> str:
    """The series names joined by ', ' (shortened past ``limit`` characters)."""
    text = ", ".join(curves)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quantity_label(curves: dict, limit: int = 40) -> str:
    """A y-axis label naming the quantity: the series' name, or the first one's with '+ k more'."""
    first = next(iter(curves))
    first = first if len(first) <= limit else first[: limit - 1] + "…"
    return mpl_text(first) + (f" (+ {len(curves) - 1} more, see legend)" if len(curves) > 1 else "")


def draw_family(fig, xs: list, xlabel: str, curves: dict):
    """Each curve against ``xs`` (e.g. parameter distance against function distance as ε
    shrinks), on log-log axes where everything is positive."""
    if not curves:
        raise Unplottable("no curves for the family")
    ax = fig.add_subplot()
    for name, ys in curves.items():
        pts = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
        if pts:
            ax.plot(*zip(*pts), marker="o" if len(pts) <= 40 else None, ms=3, lw=1.3, label=mpl_text(name))
    xs_f = [x for x in xs if math.isfinite(x)]
    ys_f = [y for ys in curves.values() for y in ys if math.isfinite(y)]
    if xs_f and ys_f and min(xs_f) > 0 and min(ys_f) > 0:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(mpl_text(xlabel))
    ax.set_ylabel(quantity_label(curves))
    ax.set_title(mpl_text(f"{names_of(curves, 50)} against {xlabel}"))
    ax.legend(fontsize=8)


def draw_margins(fig, margins: list, found_at):
    """Relative margin per example (1-based), symlog; the counterexample example in red."""
    points = [(k, as_float(m)) for k, m in enumerate(margins, start=1) if finite([m])]
    if not points:
        raise Unplottable("no finite margins")
    ax = fig.add_subplot()
    ks, ms = zip(*points)
    ax.plot(ks, ms, color="C0", lw=0.8, marker="o", ms=3, label="relative margin")
    ax.axhline(0, color="k", lw=0.8)
    if isinstance(found_at, int) and found_at >= 1:
        ax.axvline(found_at, color="red", lw=0.8, ls="--", label=f"counterexample (example #{found_at})")
        hit = [m for k, m in points if k == found_at]
        if hit:
            ax.scatter([found_at], hit, color="red", s=40, zorder=3)
    ax.set_yscale("symlog", linthresh=1e-12)
    ax.set_xlabel("example #")
    integer_ticks(ax)
    ax.set_ylabel("relative margin (negative = violated)")
    ax.set_title("relative margin per example of the search")
    ax.legend(fontsize=8)


def draw_summary(fig, results: list[dict]):
    """Horizontal bars of seconds per result id, green for pass/refuted, red otherwise."""
    from matplotlib.patches import Patch

    if not results:
        raise Unplottable("no results")
    fig.set_size_inches(7, max(3.5, 0.8 + 0.28 * len(results)))
    ax = fig.add_subplot()
    ids = [mpl_text(r["id"]) for r in results]
    colors = ["#2e8b3a" if outcome(r) in GOOD_OUTCOMES else "#c62828" for r in results]
    ax.barh(range(len(results)), [seconds(r.get("seconds")) for r in results], color=colors)
    ax.set_yticks(range(len(results)), ids, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("wall time [s]")
    ax.set_title("time per result")
    ax.legend(handles=[Patch(color="#2e8b3a", label="pass / refuted"),
                       Patch(color="#c62828", label="FAIL / NOT REFUTED / ERROR")], fontsize=7, loc="lower right")
