"""`relu-verify check` on an instance with a region, `--certificate`, `--plot`, `--max-boxes`,
and `relu-verify recheck` (exit codes, witness files that `check` reproduces, tampered
certificates that fail)."""

import json
from pathlib import Path

from verify.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_region_holds_writes_a_certificate_that_rechecks(capsys, tmp_path):
    cert = tmp_path / "cert.json"
    code, out, _ = run(capsys, "check", "cjrr21.gradient-bound", str(EXAMPLES / "region-theta.json"),
                       "--certificate", str(cert))
    assert code == 0 and "HOLDS" in out and "certified volume fraction 1.0000" in out
    obj = json.loads(cert.read_text())
    assert obj["kind"] == "region" and obj["claim"] == "cjrr21.gradient-bound"
    code, out, _ = run(capsys, "recheck", str(cert))
    assert code == 0 and "RE-CHECKED" in out
    obj["claim"] = "cjrr21.gradient-bound~no-constant-term"  # tampered: another (false) statement
    obj["instance"]["region"]["theta"]["9"] = ["-4", "4"]
    cert.write_text(json.dumps(obj))
    code, out, _ = run(capsys, "recheck", str(cert), "--json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_region_violated_gives_a_witness_that_check_reproduces(capsys, tmp_path):
    wit = tmp_path / "witness.json"
    code, out, _ = run(capsys, "check", str(EXAMPLES / "region-violation.json"), "--json", "--certificate", str(wit))
    v = json.loads(out)
    assert code == 1 and v["status"] == "VIOLATED" and "region" not in v["witness"]
    assert json.loads(wit.read_text()) == v["witness"]
    code, out, _ = run(capsys, "check", str(wit))
    assert code == 1 and "VIOLATED" in out


def test_region_unknown_reports_fraction_boxes_and_plot(capsys, tmp_path):
    png = tmp_path / "boxes.png"
    code, out, _ = run(capsys, "check", "cjrr21.lyapunov-identity", str(EXAMPLES / "region-theta.json"),
                       "--max-boxes", "20", "--json", "--plot", str(png))
    v = json.loads(out)
    assert code == 3 and v["status"] == "UNKNOWN" and v["region"]["certified_fraction"] == 0.0
    assert v["region"]["undecided_count"] >= 1 and len(v["region"]["undecided"][0]) == 3
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_refused_claims_and_bad_options_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "check", "gsgd19.rescaling-invariance", str(EXAMPLES / "region-theta.json"))
    assert code == 2 and "needs rational" in err and "Traceback" not in err
    code, _, err = run(capsys, "check", "cjrr21.gradient-bound", str(EXAMPLES / "region-theta.json"), "--max-boxes", "0")
    assert code == 2 and "--max-boxes" in err
    code, _, err = run(capsys, "check", "cjrr21.gradient-bound", str(EXAMPLES / "inst.json"), "--plot",
                       str(tmp_path / "x.png"))
    assert code == 2 and "no 'region'" in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kind": "nonesuch"}))
    code, _, err = run(capsys, "recheck", str(bad))
    assert code == 2 and "unknown certificate kind" in err
