"""`relu-verify d0 build | gd` (yoneda23, spec 004 §2.2) and the D0 figures of `verify.yoneda23.plots`."""

import json

import pytest
from flint import fmpq

from verify.framework import network_from_json
from verify.cli import main
from verify.yoneda23.d0 import D0, gd_exact, phi
from verify.numbers import parse_rational
from verify.report import plot_instance

PNG = b"\x89PNG\r\n\x1a\n"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------------------------------
# build


@pytest.mark.parametrize("d, N, expected", [(1, 2, 13 * 2 + 1 + 4), (3, 0, 4 * 3 + 4)])
def test_build_prints_the_nonzero_weight_count(capsys, d, N, expected):
    code, out, _ = run(capsys, "d0", "build", "--d", d, "--N", N)
    assert code == 0
    assert f"│ {expected}  (spec 3.4: " in out
    assert "matches" in out and "trainable parameters" in out
    code, out, _ = run(capsys, "d0", "build", "--d", d, "--N", N, "--json")
    info = json.loads(out)
    assert code == 0 and info["nonzero_weights"] == info["spec_formula"] == expected
    assert info["hidden_layers"] == N + 3 and info["widths"][0] == d and info["trainable"] == {"w": "-4", "c": "8/5"}


def test_build_out_is_an_ordinary_network(capsys, tmp_path):
    path = tmp_path / "net.json"
    code, out, _ = run(capsys, "d0", "build", "--out", path)
    assert code == 0 and f"wrote {path}" in out
    obj = json.loads(path.read_text())
    assert obj["kind"] == "mlp"
    net = network_from_json(obj)
    x = [fmpq(9, 20)]
    cfg = D0()
    value = net.forward(x)[0][0]
    assert value == cfg.f(cfg.theta0, x)
    # by hand: r_2(9/20) = φ_2(9/20), u = w r + c with (w, c) = (−4, 8/5), f = min{1, max{0, u}}
    u = -4 * phi(fmpq(9, 20), 2) + fmpq(8, 5)
    assert value == min(fmpq(1), max(fmpq(0), u)) == fmpq(3, 4)
    # every other command reads it: `paths` counts its structure
    code, out, _ = run(capsys, "paths", path, "--json")
    assert code == 0 and json.loads(out)["d"] == 1


def test_build_reads_knob_and_instance_files_and_flags_override(capsys, tmp_path):
    knobs = tmp_path / "knobs.json"
    knobs.write_text(json.dumps(D0(N=3).to_json()))
    code, out, _ = run(capsys, "d0", "build", knobs, "--json")
    assert code == 0 and json.loads(out)["nonzero_weights"] == 13 * 3 + 1 + 4
    inst = tmp_path / "inst.json"
    inst.write_text(json.dumps({"network": {"kind": "d0", "d": 2, "N": 1}, "params": {"t": 8}}))
    code, out, _ = run(capsys, "d0", "build", inst, "--json")
    assert code == 0 and json.loads(out)["nonzero_weights"] == 13 * 2 + 2 + 4
    code, out, _ = run(capsys, "d0", "build", inst, "--N", 2, "--d", 1, "--json")
    assert code == 0 and json.loads(out)["nonzero_weights"] == 31


# ---------------------------------------------------------------------------------------------
# gd


def test_gd_exact_matches_gd_exact(capsys, tmp_path):
    path = tmp_path / "run.json"
    code, out, _ = run(capsys, "d0", "gd", "--steps", 2, "--arithmetic", "exact", "--points", "9/20", "--out", path)
    assert code == 0 and "121/5625" in out and "900113/225000" in out  # L_0 and a_1
    run_ = json.loads(path.read_text())
    ref = gd_exact(D0(), 2)
    assert run_["arithmetic"] == "exact" and run_["times"] == [0, 1, 2]
    assert [parse_rational(v) for v in run_["iterates"][-1]] == list(ref.final)
    assert [parse_rational(v) for v in run_["losses"]] == list(ref.losses)
    assert run_["f_at_points"][0][0] == "3/4" and run_["ties"] == [] and run_["config"]["kind"] == "d0"


def test_gd_ball_endpoints_contain_the_exact_iterates(capsys, tmp_path):
    path = tmp_path / "ball.json"
    code, out, _ = run(capsys, "d0", "gd", "--steps", 4, "--prec", 96, "--out", path)
    assert code == 0 and "max width" in out
    run_ = json.loads(path.read_text())
    ref = gd_exact(D0(), 4)
    assert run_["arithmetic"] == "ball" and run_["prec"] == 96 and run_["times"] == [0, 1, 2, 4]
    for t, box, L in zip(run_["times"], run_["iterates"], run_["losses"]):
        for (lo, hi), exact in zip(box, ref.at(t)):
            lo, hi = parse_rational(lo), parse_rational(hi)
            assert lo <= exact <= hi and hi - lo < fmpq(1, 10 ** 20)
        lo, hi = (parse_rational(v) for v in L)
        assert lo <= ref.losses[ref.times.index(t)] <= hi
    assert len(run_["widths"]) == 4 and run_["complete"] is True


def test_gd_float_writes_png_and_json(capsys, tmp_path):
    png, path = tmp_path / "run.png", tmp_path / "run.json"
    code, out, _ = run(capsys, "d0", "gd", "--steps", 2048, "--arithmetic", "float", "--points", "3/10,9/20,11/20",
                       "--out", path, "--plot", png)
    assert code == 0 and f"wrote {png}" in out and "2048" in out
    assert png.read_bytes().startswith(PNG)
    run_ = json.loads(path.read_text())
    assert run_["arithmetic"] == "float" and run_["steps"] == 2048 and run_["times"][-1] == 2048
    assert len(run_["errors"]) == len(run_["times"]) and all(isinstance(v, float) for v in run_["iterates"][-1])
    a_1024 = run_["a_lambda"][run_["times"].index(1024)][0]
    assert abs(a_1024 - 4.24854) < 1e-5  # spec 3.11 reference value
    assert run_["f_at_points"][0][-1] == 1.0  # x = 3/10 is deep inside: f = 1 throughout


def test_gd_cells_and_grid_batches(capsys):
    code, out, _ = run(capsys, "d0", "gd", "--steps", 16, "--batch", "cells:2")
    assert code == 0 and "cells:2" in out
    code, out, _ = run(capsys, "d0", "gd", "--steps", 3, "--d", 2, "--batch", "grid:2", "--arithmetic", "exact",
                       "--points", "1/4,1/4;0,-1/2")
    assert code == 0 and "f(x = (1/4, 1/4))" in out


BAD = {
    "point outside": (("gd", "--steps", 3, "--points", "3/2"), "point x = 3/2 lies outside the domain [-1, 1)"),
    "point at 1": (("gd", "--steps", 3, "--points", "0,1"), "point x = 1 lies outside the domain [-1, 1)"),
    "eta 0": (("gd", "--steps", 3, "--eta", "0"), "--eta: the step size η must be > 0"),
    "eta negative": (("gd", "--steps", 3, "--eta", "-1/20"), "--eta: the step size η must be > 0"),
    "N negative": (("build", "--N", -1), "N must be >= 0, got -1"),
    "d zero": (("build", "--d", 0), "d must be >= 1"),
    "exact-square": (("build", "--feature", "exact-square"), "no D0 network"),
    "unknown feature": (("build", "--feature", "radial"), "is not implemented"),
    "exact too long": (("gd", "--steps", 100, "--arithmetic", "exact"), "denominators roughly triple per step"),
    "exact cells too long": (("gd", "--steps", 9, "--arithmetic", "exact", "--batch", "cells:2"), "limited to 8"),
    "advertised maximum 12": (("gd", "--steps", 12, "--arithmetic", "exact"), "limited to 8"),
    "network too large": (("build", "--N", 1000, "--d", 100), "NETWORK_MAX_WEIGHTS"),
    "N past MAX_N": (("build", "--N", 1001), "MAX_N"),
    "population N too large": (("gd", "--steps", 1, "--N", 11), "POPULATION_MAX_N"),
    "negative steps": (("gd", "--steps", -1), "--steps: the number of steps must be >= 0"),
    "bad batch": (("gd", "--steps", 1, "--batch", "iid"), "--batch: expected full, cells:M or grid:N"),
    "bad init": (("gd", "--steps", 1, "--init", "1,2,3"), "init has 3 entries"),
    "population d = 2": (("gd", "--steps", 1, "--d", 2), "d = 1 only"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_one_line_exit_2(capsys, name):
    argv, message = BAD[name]
    code, out, err = run(capsys, "d0", *argv)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("relu-verify: error: ") and message in err, err
    assert "Traceback" not in err + out


def test_bad_config_files(capsys, tmp_path):
    for text, message in (("{oops", "malformed JSON"), ('{"network": {"widths": [1, 1, 1], "theta": [0, 0, 0, 0]}}',
                                                          "not a D0 object"), ('{"kind": "d0", "N": "2"}', "integer")):
        p = tmp_path / "c.json"
        p.write_text(text)
        code, out, err = run(capsys, "d0", "build", p)
        assert code == 2 and err.count("\n") == 1 and message in err and "Traceback" not in err, err


# ---------------------------------------------------------------------------------------------
# figures


def test_draw_snapshots_through_plot_instance():
    png = plot_instance({"network": {"kind": "d0"}, "params": {"t": 64}})
    assert isinstance(png, bytes) and png.startswith(PNG)
    png = plot_instance({"network": {"kind": "d0", "d": 2, "batch": {"kind": "grid", "n": 2}}, "params": {"t": 4}})
    assert isinstance(png, bytes) and png.startswith(PNG)
    assert plot_instance({"network": {"kind": "d0", "d": 3}}) is None  # Unplottable: d = 3


def test_draw_run_and_fit():
    import numpy as np

    from verify.yoneda23.d0 import gd_float
    from verify.yoneda23.plots import draw_run, fit_power_law, lambda_star
    from verify.report import png_of

    ts = np.array([1, 10, 100, 1000, 2000, 5000, 10000], dtype=float)
    alpha, C, mask = fit_power_law(ts, 3 * ts ** (-1 / 3))
    assert abs(alpha - 1 / 3) < 1e-12 and abs(C - 3) < 1e-9 and mask.sum() == 4
    assert abs(lambda_star(2) - 1 / (1 + (3 / 5) ** 0.5)) < 1e-15
    tr = gd_float(D0(), 512, probes=[fmpq(9, 20)], errors=True)
    assert png_of(draw_run, tr, [fmpq(9, 20)]).startswith(PNG)
