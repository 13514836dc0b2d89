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
    code, out, _ = run(capsys, "check", "cjrr21.gradient-bound", str(EXAMPLES / "region-theta.json"),
                       "--max-boxes", "3", "--json", "--plot", str(png))  # it needs more boxes than 3
    v = json.loads(out)
    assert code == 3 and v["status"] == "UNKNOWN" and v["region"]["certified_fraction"] < 1
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


def test_search_grow_regions_reports_a_certified_box_that_rechecks(capsys, tmp_path):
    """`search --grow-regions`: the largest certified box around the search's HOLDS examples is
    written to grown-region.json; its certificate re-checks, and exact checks at random rational
    points of the box HOLD."""
    import random

    from flint import fmpq

    import verify
    from verify.registry import recheck_certificate

    out_dir = tmp_path / "grow"
    code, out, _ = run(capsys, "search", "cjrr21.gradient-bound", "--examples", "12", "--seconds", "10",
                       "--grow-regions", "--out", str(out_dir))
    assert code == 0 and "grow-regions:" in out
    g = json.loads((out_dir / "grown-region.json").read_text())
    assert g["claim"] == "cjrr21.gradient-bound" and g["tried"] >= 1
    if g["best"] is None:
        return  # no certified box this time: the run says so
    assert "holds for every θ within" in out
    cert = g["best"]["certificate"]
    assert recheck_certificate(cert)["ok"]
    from verify.numbers import parse_rational

    inst = cert["instance"]
    region = inst["region"]
    centre = [parse_rational(t) for t in inst["network"]["theta"]]
    if "theta_radius" in region:  # every coordinate ± r
        r = parse_rational(region["theta_radius"])
        sides = {k: (c - r, c + r) for k, c in enumerate(centre)}
    else:
        sides = {int(k): (parse_rational(lo), parse_rational(hi)) for k, (lo, hi) in region["theta"].items()}
    rng = random.Random(3)
    for _ in range(5):
        point = {k: v for k, v in inst.items() if k != "region"}
        theta = [str(c) for c in centre]
        for idx, (lo_q, hi_q) in sides.items():
            theta[idx] = str(lo_q + (hi_q - lo_q) * fmpq(rng.randint(0, 64), 64))
        point["network"] = {**point["network"], "theta": theta}
        assert verify.check("cjrr21.gradient-bound", point).status == verify.Status.HOLDS
