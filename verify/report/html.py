"""``report.html``: one self-contained page (CSS inline, plots embedded as base64 PNG).
"""

from __future__ import annotations

import base64
import html
import json

from .model import (GOOD_OUTCOMES, PROOF_NOTES_WHERE, SHORTEN_AT, SUMMARY_ALT, SUMMARY_COLUMNS, anchor,
                    check_report, counterexample_items, counterexamples, decision, errors, header_items,
                    hypothesis_line, note_link, objective_plot_name, one_line, ordered, other_relations, others,
                    outcome, recheck_command, relation_label, result_items, result_plots, search_objectives,
                    section_anchor, sections, shorten, summary_row, violated, witness_name, witness_text)
from .plots import make_plots


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
