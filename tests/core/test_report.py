"""Reports: report.json → witnesses, plots, Markdown, self-contained HTML, JUnit XML."""

import base64
import copy
import json
import logging
import re
import warnings
import xml.etree.ElementTree as ET

import pytest

from verify import report
from verify.framework import Instance
from verify.errors import InputError

PNG = b"\x89PNG\r\n\x1a\n"

INSTANCE_1D = {"network": {"widths": [1, 2, 1], "theta": ["1", "-1", "-1/2", "1/2", "3", "1/2", "0"]},
               "target": {"kind": "polynomial", "coefficients": ["0", "1"]},
               "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {}}
INSTANCE_2D = {"network": {"widths": [2, 2, 1], "theta": ["1", "-1", "1/2", "1", "0", "-1/4", "1", "-2", "1/3"]},
               "target": {"kind": "constant", "value": "3/4"},
               "measure": {"kind": "uniform", "box": [["-1", "1"], ["0", "2"]]}, "params": {}}
INSTANCE_3D = {"network": {"widths": [3, 2, 1], "theta": ["1", "0", "-1", "1/2", "1", "1", "0", "-1", "2", "1", "0"]},
               "target": {"kind": "constant", "value": "1"},
               "measure": {"kind": "lebesgue", "box": [["0", "1"], ["0", "1"], ["-1", "1"]]}}
LONG = "-" + "9" * 300 + "/7"


def result(id, kind, outcome, passed, **kw):
    base = {"id": id, "kind": kind, "family": "cjrr21", "provenance": "DERIVED", "spec_name": None,
            "statement": f"statement of {id}", "note": "proofs_notes/cjrr21.md", "seed": 7, "examples": 12,
            "screened": 0, "certified": 12, "holds": 12, "vacuous": 0, "unknown": 0, "violated": 0,
            "counterexamples": 0, "seconds": 0.5, "stop": "examples", "best_margin": 0.1, "margins": [0.5, 0.1],
            "passed": passed, "outcome": outcome, "error": None, "counterexample": None}
    base.update(kw)
    return base


def counterexample(id, instance, relations, **verdict):
    name = report.witness_name(id)
    return {"witness_file": name, "recheck": f"relu-verify check '{id}' {name}",
            "reproduce_failure": "@reproduce_failure('6.155.2', b'AEIB9UID6A==')", "found_at": 2, "shrinks": 3,
            "verdict": {"claim": id, "status": "VIOLATED", "vacuous": False, "provenance": "DERIVED",
                        "statement": "s", "variants": [], "precision": "exact", "engines": ["E1-exact"],
                        "seconds": 0.003, "hypotheses": [{"name": "constant target ξ", "holds": True, "detail": ""}],
                        "relations": relations, "reverified": "confirmed at 256 bits (E1-ball256)", "notes": [],
                        "instance": instance, **verdict}}


def synthetic_report():
    mutant = "cjrr21.lyapunov-identity~any-target"
    claim2d = "cjrr21.gd-descent@deriv0-one"
    rel_1d = [{"name": "⟨∇V(θ), 𝒢(θ)⟩ = 8ℒ(θ)", "lhs": "0", "op": "=", "rhs": "2/3", "status": "VIOLATED",
               "margin": "-2/3"},
              {"name": "side", "lhs": "1", "op": "<=", "rhs": "2", "status": "HOLDS", "margin": "1"}]
    rel_2d = [{"name": "ℒ(Θ_1) ≤ ℒ(Θ_0)", "lhs": LONG, "op": "<=", "rhs": "1/2", "status": "VIOLATED",
               "margin": LONG, "given": {"name": "step small", "lhs": "1", "op": "<", "rhs": "2",
                                         "status": "HOLDS", "margin": "1"}}]
    results = [
        result("cjrr21.lyapunov-identity", "claim", "pass", True),
        result(mutant, "mutant", "refuted", True, spec_name="P1 cjrr21.lyapunov-identity!nonconstant-target",
               statement="for any target f, |c| ≤ 1", counterexamples=1, violated=1, stop="counterexample",
               best_margin=-0.25, margins=[0.5, 0.1, -0.25],
               counterexample=counterexample(mutant, INSTANCE_1D, rel_1d,
                                             series={"V(Θ_n)": [3.1, 2.9, 2.8], "ℒ(Θ_n)": [0.4, None, 0.3]})),
        result(claim2d, "claim", "FAIL", False, statement="<script>alert(1)</script> ℒ(Θ_1) ≤ ℒ(Θ_0)", counterexamples=1, violated=1, stop="counterexample",
               margins=[None, None], counterexample=counterexample(claim2d, INSTANCE_2D, rel_2d)),
        result("cjrr21.broken", "claim", "ERROR", False, stop="error", error="ValueError: boom | bad"),
        result("cjrr21.gd-descent~no-step-bound", "mutant", "NOT REFUTED", False, stop="time", examples=40,
               seconds=20.25),
        result("cjrr21.undecided", "claim", "pass", True, examples=8, certified=0, holds=0, unknown=8,
               note="proofs_notes/cjrr21.md#undecided"),
    ]
    return {"tool": "relu-verify", "version": "0.1.0", "format": 1, "command": "search",
            "argv": ["search", "--seed", "0"], "profile": None, "budget": {"examples": 40, "seconds": 20.0},
            "seed": 0, "database": "hypothesis-db", "started": "2026-11-22T10:00:00+00:00", "seconds": 23.0,
            "passed": False, "versions": {"python": "3.11.7", "python-flint": "0.9.0"}, "results": results}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    rep = synthetic_report()
    paths = report.write(out, copy.deepcopy(rep))
    return out, rep, paths


def test_safe_name():
    assert report.safe_name("cjrr21.a~b") == "cjrr21.a--b"
    assert report.safe_name("c.x@v w/z") == "c.x-at-v_w_z"


def test_every_file_is_written(written):
    out, rep, paths = written
    s1, s2 = "cjrr21.lyapunov-identity--any-target", "cjrr21.gd-descent-at-deriv0-one"
    expected = {"report.json", "report.md", "report.html", "junit.xml", f"witness-{s1}.json", f"witness-{s2}.json",
                f"plots/{s1}-realization.png", f"plots/{s1}-iterates.png",
                f"plots/{s1}-margins.png", f"plots/{s2}-realization.png"}
    assert {p.relative_to(out).as_posix() for p in paths} == expected
    assert all((out / name).is_file() for name in expected)
    assert not list(out.rglob("*.tmp"))
    assert json.loads((out / "report.json").read_text(encoding="utf-8")) == rep
    for name in expected:
        if name.endswith(".png"):
            assert (out / name).read_bytes().startswith(PNG)


def test_witness_is_the_instance_with_the_claim(written):
    out, rep, _ = written
    for r in rep["results"]:
        if r["counterexample"]:
            path = out / report.witness_name(r["id"])
            assert json.loads(path.read_text()) == {**r["counterexample"]["verdict"]["instance"], "claim": r["id"]}
            assert Instance.load(path).claim == r["id"]


def test_html_is_self_contained_and_escaped(written):
    out, _, paths = written
    text = (out / "report.html").read_text(encoding="utf-8")
    blobs = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="[^"]+"', text)
    assert len(blobs) == text.count("data:image/png;base64,") == sum(p.suffix == ".png" for p in paths)
    assert all(base64.b64decode(b).startswith(PNG) for b in blobs)
    assert not re.search(r'(src|href)="(https?:)?//', text) and "<link" not in text
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "deriv0-one-margins.png" not in text and "any-target-margins.png" in text  # < 3 finite margins: no plot
    assert 'class="bad">NOT REFUTED<' in text and 'class="ok">refuted<' in text


def summary_rows(markdown):
    block = ("| claim " + markdown.split("## Summary\n\n")[1].split("\n| claim ", 1)[1]).split("\n\n")[0].splitlines()
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in block]


def test_markdown_summary_and_sections(written):
    out, rep, _ = written
    text = (out / "report.md").read_text(encoding="utf-8")
    header, rule, *rows = summary_rows(text)
    assert header == list(report.SUMMARY_COLUMNS) and len(rule) == len(header)
    assert all(len(row) == len(header) for row in rows)
    assert [row[-1] for row in rows] == ["ERROR", "FAIL", "NOT REFUTED", "pass", "refuted", "pass"]
    ids = [re.fullmatch(r"\[`(.*)`\]\(#(.*)\)", row[0]) for row in rows]
    assert [m[1] for m in ids] == [r["id"] for r in report.ordered(rep["results"])]
    for m in ids:  # every summary row links to an anchor that exists
        assert f'<a id="{m[2]}"></a>' in text
    assert "\\<script\\>" in text  # escaped in Markdown too
    assert text.count("(full value in report.json)") == 2  # lhs and margin of the 2-D relation
    assert "### cjrr21.gd-descent@deriv0-one" in text and "[witness-cjrr21.gd-descent-at-deriv0-one.json]" in text
    assert "relu-verify check 'cjrr21.lyapunov-identity~any-target'" in text
    assert "@reproduce_failure('6.155.2', b'AEIB9UID6A==')" in text
    assert "![" in text and "(plots/cjrr21.lyapunov-identity--any-target-iterates.png)" in text
    assert "ValueError: boom | bad" in text.split("## Errors")[1]


def test_junit_counts(written):
    out, _, _ = written
    root = ET.parse(out / "junit.xml").getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "2", "1")
    (suite,) = root
    assert suite.get("name") == "relu-verify search"
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["seed"] == "0" and props["profile"] == ""
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert len(cases) == 6 and cases["cjrr21.broken"].find("error") is not None
    assert "planted violation not found within the budget (40 examples, 20.25 s)" == \
        cases["cjrr21.gd-descent~no-step-bound"].find("failure").get("message")
    fail = cases["cjrr21.gd-descent@deriv0-one"].find("failure")
    assert "ℒ(Θ_1) ≤ ℒ(Θ_0)" in fail.get("message") and "witness-cjrr21.gd-descent-at-deriv0-one.json" in fail.text
    assert cases["cjrr21.lyapunov-identity"].find("failure") is None


def test_render_is_reproducible(written):
    out, _, _ = written
    before = {n: (out / n).read_bytes() for n in ("report.md", "junit.xml")}
    report.render(out)
    assert {n: (out / n).read_bytes() for n in before} == before


@pytest.mark.parametrize("content, message", [
    (None, "no report.json"), ("{not json", "malformed JSON"), ('{"tool": "relu-verify"}', "missing key 'results'"),
    ('{"results": [{"name": "x"}]}', "string 'id'"), ("[1, 2]", "expected a JSON object"),
])
def test_render_rejects_bad_reports(tmp_path, content, message):
    if content is not None:
        (tmp_path / "report.json").write_text(content)
    with pytest.raises(InputError, match=message):
        report.render(tmp_path)


def no_glyph_complaints(caplog, record):
    messages = [str(w.message) for w in record] + [r.getMessage() for r in caplog.records]
    return not [m for m in messages if "glyph" in m.lower()]


@pytest.mark.parametrize("instance", [
    INSTANCE_1D, INSTANCE_2D, INSTANCE_3D,
    {"network": {"widths": [1, 2, 2, 1], "theta": [str(k % 3 - 1) for k in range(13)]},
     "target": {"kind": "constant", "value": "0"},
     "measure": {"kind": "empirical", "points": [["1/2"], ["0"], ["2"]], "weights": ["1", "2", "1"]}},
    {**INSTANCE_2D, "measure": {"kind": "empirical", "points": [["0", "1"], ["0", "3"]]}},
    {**INSTANCE_1D, "measure": {"kind": "density", "pieces": [{"interval": ["-1", "0"], "coefficients": ["1", "1"]}]}},
    {k: v for k, v in INSTANCE_1D.items() if k != "measure"},
])
def test_plot_instance_gives_png(instance, caplog):
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        png = report.plot_instance({**instance, "claim": "c"})
    assert png is not None and png.startswith(PNG)
    assert no_glyph_complaints(caplog, record)


@pytest.mark.parametrize("garbage", [{}, {"network": {"widths": [1, 1, 1], "theta": ["1"]}}, None, "x"])
def test_plot_instance_gives_none_for_garbage(garbage):
    assert report.plot_instance(garbage) is None


def test_other_plots():
    assert report.plot_series({"V(Θ_n)": [3.0, 2.0, 1.0], "$x": [1, -1, None]}).startswith(PNG)
    assert report.plot_series({}) is None and report.plot_series({"a": [None]}) is None
    assert report.plot_margins([0.5, None, 1e-14, -0.25], 4).startswith(PNG)
    assert report.plot_margins([None], 1) is None
    assert report.plot_summary(synthetic_report()["results"]).startswith(PNG)
    assert report.plot_summary([]) is None


def test_long_values_are_shortened_in_the_middle():
    s = report.shorten(LONG)
    assert len(s) <= report.SHORTEN_AT and s.startswith("-999") and s.endswith("9/7") and "…" in s


def html_summary(text):
    return text.split('<h2 id="summary">')[1].split("</table>")[0]


def test_html_toc_links_and_failures_first(written):
    out, rep, _ = written
    text = (out / "report.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="toc".*?</nav>', text)[0]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets[:2] == ["summary", "counterexamples"] and "errors" in targets and "results" in targets
    ids = set(re.findall(r'\sid="([^"]+)"', text))
    assert all(t in ids for t in targets)
    rows = re.findall(r'<tr><td><a href="#([^"]+)"><code>([^<]+)</code></a></td>.*?<td class="(ok|bad)">([^<]+)</td></tr>',
                      html_summary(text))
    assert [o for *_, o in rows] == ["ERROR", "FAIL", "NOT REFUTED", "pass", "refuted", "pass"]
    assert [i for _, i, *_ in rows] == [r["id"] for r in report.ordered(rep["results"])]
    assert all(a in ids for a, *_ in rows)  # each row links to its section
    # sections appear failures first as well
    cx = text.split('<h2 id="counterexamples">')[1]
    assert cx.index("cjrr21.gd-descent@deriv0-one") < cx.index("cjrr21.lyapunov-identity~any-target")


def test_proof_notes_are_links(written):
    out, _, _ = written
    text = (out / "report.html").read_text(encoding="utf-8")
    assert '<a href="../proofs_notes/cjrr21.md#undecided">proofs_notes/cjrr21.md#undecided</a>' in text
    assert '<a href="../proofs_notes/cjrr21.md">proofs_notes/cjrr21.md</a>' in text
    assert "proofs_notes/&lt;family&gt;.md" in text  # says where they live
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "[proofs\\_notes/cjrr21.md\\#undecided](../proofs_notes/cjrr21.md#undecided)" in md
    assert report.note_link("see the paper") is None


def test_decision_rate_is_visible(written):
    out, rep, _ = written
    assert report.decision(rep["results"][0]) == ("12/12 (100%)", "all")
    assert report.decision(rep["results"][-1]) == ("0/8 (0%) none decided", "none")
    assert report.decision({"id": "x", "examples": 4, "certified": 1}) == ("1/4 (25%)", "some")
    text = (out / "report.html").read_text(encoding="utf-8")
    summary = html_summary(text)
    assert '<td class="n dec-none">0/8 (0%) none decided</td>' in summary
    assert '<td class="n dec-all">12/12 (100%)</td>' in summary
    assert ".dec-none" in text and ".dec-all" in text  # distinct colours
    rate = "60/96 examples decided (62.5%); 1 result(s) with no example decided"
    assert rate in text
    md = (out / "report.md").read_text(encoding="utf-8")
    assert rate in md and "| 0/8 (0%) none decided |" in md


def test_a_claim_with_no_checkable_form_is_listed_apart():
    """beg19.restricted-expressivity has no checkable form: its UNKNOWNs are by design, said so in the table,
    and left out of the overall decision rate."""
    from verify.registry import resolve

    claim, _, _ = resolve("beg19.restricted-expressivity")
    assert claim.no_checkable_form
    r = {"id": claim.id, "examples": 5, "certified": 0, "no_checkable_form": claim.no_checkable_form}
    assert report.decision(r) == ("— no checkable form (5 examples UNKNOWN by design)", "na")
    other = {"id": "a.b", "examples": 4, "certified": 3}
    assert report.decision_rate([r, other]) == ("3/4 examples decided (75.0%); not counted: "
                                                "beg19.restricted-expressivity (no checkable form)")


def test_tex_that_mathtext_cannot_render_falls_back():
    assert report.mathtext_ok(r"$x_{1}$") and not report.mathtext_ok(r"$\nosuchcommand{x}$")
    assert report.plain_text(r"$\nosuchcommand{x}_{ab}$") == "nosuchcommandx_(ab)"
    assert report.mpl_text("‖g‖_{W^{1,∞}}").startswith("$")  # rendered as mathtext
    assert report.mpl_text(r"f_{\nosuch} x") == "f_(nosuch) x"  # not parseable: plain text
    assert report.mpl_text(r"$\nosuch$ and $x$") == "nosuch and x" and report.mpl_text("$x_1$") == "$x_1$"
    assert report.mpl_text("costs $5") == r"costs \$5"
    assert report.plot_series({r"$\nosuchcommand{x}$": [1.0, 2.0]}).startswith(PNG)


def test_softplus_mutant_realization_differs_from_relu():
    inst = {"claim": "cjrr21.lyapunov-identity~softplus",
            "network": {"widths": [1, 1, 1], "theta": ["0", "0", "1", "0"]},
            "target": {"kind": "constant", "value": "0"}, "measure": {"kind": "lebesgue", "box": [["0", "1"]]}}
    assert report.activation_of(inst)[1] == "softplus"
    assert report.activation_of({**inst, "claim": "cjrr21.lyapunov-identity"})[1] == "ReLU"
    net = Instance.from_json(inst).net
    assert report.float_network(net)([0.5]) == 0.0  # the ReLU realization is the target: nothing to see
    assert abs(report.float_network(net, report.softplus)([0.5]) - 0.6931471805599453) < 1e-15
    assert report.softplus(800.0) == 800.0 and report.softplus(-800.0) == 0.0
    assert report.plot_instance(inst).startswith(PNG)


def test_series_axes_name_the_quantity():
    from matplotlib.figure import Figure

    fig = Figure()
    report.draw_series(fig, {"V(Θ_n)": [3.0, 2.0, 1.0]})
    (ax,) = fig.axes
    assert ax.get_ylabel() == "V(Θ_n)" and "V(Θ_n)" in ax.get_title()
    fig = Figure()
    report.draw_series(fig, {"V(Θ_n)": [3.0, 2.0], "ℒ(Θ_n)": [1.0, 0.5]})
    assert fig.axes[0].get_ylabel() == "V(Θ_n) (+ 1 more, see legend)"
    assert "value" not in fig.axes[0].get_ylabel() and "the quantity" not in fig.axes[0].get_title()


@pytest.mark.parametrize("network", [{"kind": "d0"}, {"kind": "d0", "init": ["0", "-1"]}])
def test_d0_snapshots_match_one_long_run(network):
    from verify.yoneda23.d0 import D0, gd_float
    from verify.yoneda23.plots import snapshots_gd

    cfg = D0.from_json(network, "network")
    times = [0, 16, 256]
    segmented, whole = snapshots_gd(cfg, times), gd_float(cfg, 256, record=set(times))
    assert segmented.times == whole.times == times
    assert [[float(v) for v in th] for th in segmented.thetas] == [[float(v) for v in th] for th in whole.thetas]
