"""``report.md``: the report as Markdown (failures first, plots as files under ``plots/``).
"""

from __future__ import annotations

import json
import re

from .model import (PROOF_NOTES_WHERE, SHORTEN_AT, SUMMARY_ALT, SUMMARY_COLUMNS, anchor, check_report,
                    counterexample_items, counterexamples, errors, header_items, hypothesis_line, note_link,
                    objective_plot_name, one_line, ordered, other_relations, others, recheck_command,
                    relation_label, result_items, result_plots, search_objectives, section_anchor, sections,
                    shorten, summary_row, violated, witness_name, witness_text)
from .plots import make_plots


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
