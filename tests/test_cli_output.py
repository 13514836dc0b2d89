"""What `search` and `suite` show: a table that fits 80 and 100 columns without cutting a number
or an id, one plain progress line per claim when stderr is not a terminal, and Ctrl-C that keeps
what was finished (a partial report marked interrupted, exit 130)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from rich.console import Console

import verify
from verify.cli.runs import _table
from verify.searching import PROFILES, SearchResult


def _results():
    """Results with the longest claim and mutant ids and wide numbers in every column."""
    ids = sorted({**verify.all_claims(), **verify.all_mutants()}, key=len)[-6:]
    out = []
    for k, rid in enumerate(ids):
        r = SearchResult(id=rid, kind="mutant" if "~" in rid else "claim", family=rid.split(".")[0],
                         provenance="RECONSTRUCTED", spec_name=None, statement="s", note="n", seed=0,
                         budget=PROFILES["ci"])
        r.examples, r.holds, r.unknown, r.seconds = 19500 + k, 12345 + k, 7155, 1234.5 + k
        out.append(r)
    return out


@pytest.mark.parametrize("width", [80, 100])
def test_table_fits_without_cutting_numbers_or_ids(width):
    results = _results()
    console = Console(width=width, record=True, color_system=None)
    console.print(_table("relu-verify suite", results))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    rows = []  # (claim cell joined over its folded lines, the other cells of its first line)
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if cells[1]:
                rows.append([cells[0], cells[1:]])
            else:
                rows[-1][0] += cells[0]
    assert [r.id for r in results] == [claim for claim, _ in rows]
    for r, (_, cells) in zip(results, rows):
        assert cells[1:5] == [str(r.examples), str(r.certified), str(r.unknown), "0"]
        assert cells[5] == f"{r.seconds:.1f}" and cells[6] == r.outcome


def _suite(tmp_path, claims, **kw):
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci")
    return subprocess.Popen([sys.executable, "-m", "verify.cli", "suite", "--claims", claims, "--out",
                             str(tmp_path / "report")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, **kw)


def test_piped_suite_prints_one_line_per_finished_claim(tmp_path):
    p = _suite(tmp_path, "cjrr21.lyapunov-identity*")
    out, err = p.communicate(timeout=600)
    ids = [i for i in {**verify.all_claims(), **verify.all_mutants()} if i.startswith("cjrr21.lyapunov-identity")]
    lines = [ln for ln in err.splitlines() if ln.startswith("[")]
    assert p.returncode == 0, err
    assert len(lines) == len(ids) and all(f"/{len(ids)}] " in ln for ln in lines)
    assert any(ln.startswith("[1/") and "cjrr21.lyapunov-identity:" in ln and "pass" in ln for ln in lines)
    assert "decision rate:" in out


def test_ctrl_c_writes_a_partial_report_and_exits_130(tmp_path):
    p = _suite(tmp_path, "cjrr21.*")
    report = tmp_path / "report" / "hypothesis-db"
    deadline = time.monotonic() + 300
    while not report.exists() and time.monotonic() < deadline:  # the first search has started
        time.sleep(0.2)
    time.sleep(2)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    doc = json.loads((tmp_path / "report" / "report.json").read_text())
    assert doc["interrupted"]["planned"] > doc["interrupted"]["finished"] == len(doc["results"])
    assert (tmp_path / "report" / "report.md").exists()


def test_malformed_reproduce_blob_is_bad_input_without_a_report_folder(tmp_path, capsys):
    from verify.cli import main

    code = main(["search", "cjrr21.lyapunov-identity", "--reproduce", "@reproduce_failure('6', b'\\xzz')",
                 "--out", str(tmp_path / "r")])
    assert code == 2 and "--reproduce" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_rerun_into_the_same_out_moves_the_earlier_report_aside(tmp_path, capsys):
    from verify.cli import main

    out = tmp_path / "r"
    assert main(["search", "cjrr21.lyapunov-identity", "--examples", "3", "--out", str(out)]) == 0
    first = (out / "report.json").read_text()
    assert main(["search", "cjrr21.lyapunov-identity", "--examples", "3", "--out", str(out)]) == 0
    assert "moved the earlier report" in capsys.readouterr().err
    (previous,) = out.glob("previous-*")
    assert (previous / "report.json").read_text() == first and (out / "report.json").exists()


def test_without_out_the_project_database_replays_yesterdays_counterexample(tmp_path, monkeypatch, capsys):
    from verify.cli import main

    monkeypatch.chdir(tmp_path)
    argv = ["search", "cjrr21.gradient-bound~no-constant-term", "--seed", "1", "--profile", "ci"]
    assert main(argv) == 1
    first = capsys.readouterr().out
    assert (tmp_path / ".relu-verify" / "hypothesis-db").is_dir()
    assert main(argv) == 1
    second = capsys.readouterr().out
    assert "at example #1," in second  # replayed first from the project-level database
    reports = sorted((tmp_path / "reports").iterdir())
    assert len(reports) == 2 and all((r / "hypothesis-db").is_dir() for r in reports)
    assert "certified counterexample" in first
