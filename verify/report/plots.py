"""Every plot of a report (`make_plots`): per counterexample the realization (or a family's
registered instance plot), the iterates and the margins; the best instance of each search objective.
"""

from __future__ import annotations

from .drawings import draw_instance, draw_margins, draw_series, finite
from .figures import attempt
from .model import MIN_MARGINS_PLOTTED, counterexamples, objective_plot_name, safe_name, search_objectives


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
