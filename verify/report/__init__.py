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

The package sits below the CLI and imports nothing from it; families add pictures of their
instances through `verify.registry.register_instance_plot`.  matplotlib is imported lazily and
used through its object-oriented API on the Agg canvas (no pyplot, so no global figure registry).

Modules: ``model`` (the report dict as data: outcomes, decisions, the lines every rendering shows),
``markdown``, ``html``, ``junit`` (the renderings), ``figures`` (the Agg canvas, PNG bytes),
``drawings`` and ``plots`` (what is drawn), ``folder`` (`write`, `render`, `load_report`).
"""

from .drawings import (activation_of, draw_instance, draw_series, float_network, plot_instance, plot_margins, plot_series,
                       plot_summary, softplus)
from .figures import Unplottable, fixed_margins, mathtext_ok, mpl_text, plain_text, png_of
from .folder import load_report, render, write
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown
from .model import (SHORTEN_AT, SUMMARY_COLUMNS, decision, decision_rate, note_link, ordered, report_passed, safe_name,
                    shorten, witness_name)
from .plots import make_plots
