"""The command line: verdicts and exit codes, and bad input that must give one clear line and
exit code 2 (never a traceback)."""

import json
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from verify.cli import main

GOOD = {"network": {"widths": [1, 3, 1], "theta": ["1/2", "-1", "0", "2", "1/3", "0", "-5/7", "1", "2", "3/4"]},
        "target": {"kind": "constant", "value": "3/4"},
        "measure": {"kind": "lebesgue", "box": [["0", "1"]]}, "params": {}}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, obj, name="inst.json"):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(p)


def test_check_prints_verdict_and_evidence(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "cjrr21.lyapunov-identity", write(tmp_path, GOOD))
    assert code == 0
    assert "HOLDS" in out and "lhs = 8618/441" in out and "rhs = 8618/441" in out and "exact" in out
    assert "[yes] constant target" in out


def test_check_json_is_machine_readable_and_exact(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "cjrr21.lyapunov-identity", write(tmp_path, GOOD), "--json")
    v = json.loads(out)
    assert code == 0 and v["status"] == "HOLDS" and v["relations"][0]["lhs"] == "8618/441"
    assert v["instance"]["network"]["theta"][0] == "1/2"


def test_violated_exits_1_and_claim_from_file(capsys, tmp_path):
    inst = dict(GOOD, target={"kind": "polynomial", "coefficients": ["0", "1"]},
                claim="cjrr21.lyapunov-identity~any-target")
    code, out, _ = run(capsys, "check", write(tmp_path, inst))
    assert code == 1 and "VIOLATED" in out and "re-verified" in out


def test_unknown_exits_3(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "cjrr21.gd-risk-to-zero", write(tmp_path, dict(GOOD, params={"steps": 2, "gammas": ["1/100"] * 3})))
    assert code == 3 and "UNKNOWN" in out


BAD = {
    "malformed JSON": ("{not json", "malformed JSON"),
    "wrong theta length": (dict(GOOD, network={"widths": [1, 2, 1], "theta": ["1", "2"]}), "theta has 2 entries"),
    "NaN": ('{"network": {"widths": [1,1,1], "theta": [NaN, 0, 0, 0]}}', "NaN is not a finite number"),
    "inf string": (dict(GOOD, network={"widths": [1, 1, 1], "theta": ["inf", "0", "0", "0"]}), "not a finite"),
    "huge float": ('{"network": {"widths": [1,1,1], "theta": [1e999, 0, 0, 0]}}', "not a finite number"),
    "inverted box": (dict(GOOD, measure={"kind": "lebesgue", "box": [["1", "0"]]}), "empty or inverted"),
    "empty box": (dict(GOOD, measure={"kind": "lebesgue", "box": [["1", "1"]]}), "empty or inverted"),
    "bad expression": (dict(GOOD, target={"kind": "expression", "expression": "x + foo(1)"}), "foo"),
    "expression injection": (dict(GOOD, target={"kind": "expression", "expression": "__import__('os')"}), "expression"),
    "dimension mismatch": (dict(GOOD, measure={"kind": "lebesgue", "box": [["0", "1"], ["0", "1"]]}), "dimension"),
    "bad number": (dict(GOOD, network={"widths": [1, 1, 1], "theta": ["one", "0", "0", "0"]}), "cannot read 'one'"),
    "zero denominator": (dict(GOOD, network={"widths": [1, 1, 1], "theta": ["1/0", "0", "0", "0"]}), "zero denominator"),
    "negative density": (dict(GOOD, measure={"kind": "density", "pieces": [{"interval": ["0", "1"], "coefficients": ["1", "-2"]}]}), "negative"),
    "unknown key": (dict(GOOD, netwrk={}), "unknown key"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gives_one_line_and_exit_2(capsys, tmp_path, case):
    obj, expected = BAD[case]
    code, out, err = run(capsys, "check", "cjrr21.lyapunov-identity", write(tmp_path, obj))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("relu-verify: error:"), err
    assert expected in err
    assert "Traceback" not in err + out


@pytest.mark.parametrize("ref, expected", [("cjrr21.no-such-claim", "unknown claim id"),
                                           ("cjrr21.lyapunov-identity~nope", "unknown mutant"),
                                           ("cjrr21.lyapunov-identity@v-alpha", "does not apply"),
                                           ("cjrr21.degenerate-frozen@deriv0-half@deriv0-closed", "exclude each other")])
def test_bad_claim_reference(capsys, tmp_path, ref, expected):
    code, _, err = run(capsys, "check", ref, write(tmp_path, GOOD))
    assert code == 2 and expected in err and err.count("\n") == 1


def test_missing_file(capsys):
    code, _, err = run(capsys, "check", "cjrr21.lyapunov-identity", "/nonexistent/x.json")
    assert code == 2 and "cannot read" in err


def test_list_shows_provenance_and_mutants(capsys):
    code, out, _ = run(capsys, "list", "--mutants")
    assert code == 0
    assert "cjrr21.lyapunov-identity~any-target" in out and "DERIVED" in out and "RECONSTRUCTED" in out


def test_suite_writes_a_complete_report_that_round_trips(capsys, tmp_path):
    out = tmp_path / "r"
    code, text, _ = run(capsys, "suite", "--claims", "cjrr21.lyapunov-identity*", "--out", str(out))
    assert code == 0 and "all passed" in text
    report = json.loads((out / "report.json").read_text())
    assert report["passed"] and report["profile"] == "ci" and report["seed"] == 0
    ids = [r["id"] for r in report["results"]]
    assert ids[0] == "cjrr21.lyapunov-identity" and len(ids) == 5
    for r in report["results"][1:]:  # the four mutants: refuted, witness re-checks to VIOLATED
        cx = r["counterexample"]
        assert r["outcome"] == "refuted" and cx["reproduce_failure"].startswith("@reproduce_failure(")
        code, text, _ = run(capsys, "check", r["id"], str(out / cx["witness_file"]), "--json")
        again = json.loads(text)
        assert code == 1 and again["relations"] == cx["verdict"]["relations"]
    junit = ElementTree.parse(out / "junit.xml").getroot()
    assert junit.get("tests") == "5" and junit.get("failures") == "0" and junit.get("errors") == "0"
    assert (out / "report.html").stat().st_size > 10_000 and (out / "hypothesis-db").is_dir()
    assert not [p for p in out.rglob("*.tmp")]
    md = (out / "report.md").read_bytes()
    (out / "report.md").unlink()
    code, _, _ = run(capsys, "report", str(out))
    assert code == 0 and (out / "report.md").read_bytes() == md


def test_suite_fails_on_a_false_claim_and_its_witness_rechecks(capsys, tmp_path, false_claim):
    out = tmp_path / "r"
    code, text, _ = run(capsys, "suite", "--claims", "testing.*", "--out", str(out))
    assert code == 1 and "FAILED: testing.risk-is-zero" in text and "VIOLATED" in text
    junit = ElementTree.parse(out / "junit.xml").getroot()
    assert junit.get("failures") == "1"
    code, _, _ = run(capsys, "check", "testing.risk-is-zero", str(out / "witness-testing.risk-is-zero.json"))
    assert code == 1


def test_search_exit_codes(capsys, tmp_path):
    code, text, _ = run(capsys, "search", "cjrr21.gradient-bound~no-constant-term", "--profile", "ci",
                        "--out", str(tmp_path / "a"))
    assert code == 1 and "certified counterexample" in text and "relu-verify check" in text
    code, text, _ = run(capsys, "search", "cjrr21.gradient-bound", "--examples", "10", "--out", str(tmp_path / "b"))
    assert code == 0 and "no counterexample in" in text
    assert (tmp_path / "b" / "report.html").exists()


@pytest.mark.parametrize("argv, expected", [
    (["search", "cjrr21.nope"], "unknown claim id"),
    (["search", "cjrr21.gradient-bound", "--examples", "0"], "--examples"),
    (["search", "cjrr21.gradient-bound", "--reproduce", "garbage", "--examples", "1"], "@reproduce_failure"),
    (["suite", "--claims", "zzz*"], "no claim or mutant matches"),
    (["report", "/nonexistent/dir"], "report.json"),
])
def test_bad_search_suite_report_arguments_exit_2(capsys, tmp_path, argv, expected):
    code, _, err = run(capsys, *argv, *(["--out", str(tmp_path / "o")] if argv[0] != "report" else []))
    assert code == 2 and expected in err and err.count("\n") == 1, err


def test_entry_point_runs():
    res = subprocess.run([sys.executable, "-m", "verify.cli", "list"], capture_output=True, text=True)
    assert res.returncode == 0 and "cjrr21.lyapunov-identity" in res.stdout
