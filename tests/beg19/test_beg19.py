"""beg19 claims: built-in examples, planted violations, and the specification's exact values."""

import pytest
from flint import fmpq

import verify
from verify import realization as R
from verify.cli import main
from verify.nets import Network


def net1d(neurons, e=0):
    ns = [tuple(fmpq(x) for x in n) for n in neurons]
    return Network((1, len(ns), 1), tuple([n[0] for n in ns] + [n[1] for n in ns] + [n[2] for n in ns] + [fmpq(e)]))


def test_linf_instability_values():
    """P0′: ‖g_n‖_{L^∞} = 1/n and ‖g_n‖_{W^{1,∞}} = n exactly."""
    zero = net1d([(0, 0, 0), (0, 0, 0)])
    for n in (4, 9, 25):
        g = net1d([(n * n, 0, fmpq(1, n)), (n * n, -1, -fmpq(1, n))])
        assert R.linf_distance(zero, g) == fmpq(1, n)
        assert R.w1inf_distance(zero, g) == n


def test_prop12_witness_losses():
    """The specification's numbers: L = 5/24 at Γ, 27/160 at f_{1/10}, 3267/16000 at f_{1/100}."""
    from verify.beg19.claims import _integral_sq
    y = [(fmpq(1), fmpq(0), fmpq(1))]
    for eps, want in ((fmpq(1, 10), fmpq(27, 160)), (fmpq(1, 100), fmpq(3267, 16000)), (fmpq(0), fmpq(5, 24))):
        f = [(fmpq(1), fmpq(0), eps)] + [(a, b, -c) for a, b, c in y]
        assert _integral_sq(R.canonical_from_terms(f, (1 - eps) / 4, fmpq(1))) == want


def test_thm31_decides_with_s():
    inst = {"network": {"widths": [1, 1, 1], "theta": ["1/6", "0", "1/6", "0"]},
            "params": {"other": {"widths": [1, 1, 1], "theta": ["1/3", "0", "1/3", "0"]}, "s": "1"}}
    # dist = 1/6, ‖·‖ = 1/12: dist² = 1/36 ≤ s²‖·‖ = 1/12 -> HOLDS; s = 1/2: 1/36 ≤ 1/48 fails -> VIOLATED
    assert verify.check("beg19.thm31-inverse-stability", inst).status == "HOLDS"
    inst["params"]["s"] = "1/2"
    assert verify.check("beg19.thm31-inverse-stability", inst).status == "VIOLATED"


@pytest.mark.parametrize("params, msg", [({"other": {"widths": [2, 1, 1], "theta": ["1", "0", "0", "1", "0"]}},
                                          "input dimension 1"),
                                         ({"other": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]}, "D": "0"},
                                          "D > 0"),
                                         ({"other": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]}, "D": "-1"},
                                          "D > 0")])
def test_bad_input_is_exit_2(tmp_path, capsys, params, msg):
    f = tmp_path / "i.json"
    import json
    f.write_text(json.dumps({"network": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]}, "params": params}))
    assert main(["check", "beg19.w1inf-exact-1d", str(f)]) == 2
    assert msg in capsys.readouterr().err


def test_cli_distance(tmp_path, capsys):
    import json
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]}))
    b.write_text(json.dumps({"widths": [1, 1, 1], "theta": ["1", "1/1000", "1", "0"]}))
    assert main(["distance", str(a), str(b)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["w1inf"]["max"] == "1" and out["linf"] == "1/1000" and out["param_distance"] == "1/1000"
    c = tmp_path / "c.json"
    c.write_text(json.dumps({"widths": [2, 1, 1], "theta": ["1", "0", "0", "1", "0"]}))
    assert main(["distance", str(a), str(c)]) == 2
    assert "input dimensions differ" in capsys.readouterr().err


def test_target_must_be_a_network(tmp_path, capsys):
    import json
    f = tmp_path / "i.json"
    f.write_text(json.dumps({"network": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]},
                             "params": {"other": {"kind": "constant", "value": "1"}}}))
    assert main(["check", "beg19.thm31-inverse-stability", str(f)]) == 2
    assert "params.other" in capsys.readouterr().err


def test_thm31_search_reports_its_largest_certified_ratio(tmp_path):
    from verify.searching import Budget, search
    res = search("beg19.thm31-inverse-stability", Budget(examples=40, seconds=20), seed=1)
    name, best = next(iter(res.objectives.items()))
    assert best["value"] > 0 and "κ" in name
    v = verify.check("beg19.thm31-inverse-stability", best["instance"])
    assert v.status == "HOLDS" and all(h.holds for h in v.hypotheses)


def test_prop12_without_is_never_vacuous_from_its_own_certificate_condition():
    """The premise 'Γ is an r-local minimum' is certified only when every Φ of the r-ball is dead on Ω;
    where some Φ is alive the premise is undecided (UNKNOWN), never false: here it is in fact true
    (y = −16ρ(x − ½), Γ dead, r = 3/4, by hand) and the conclusion fails, so a vacuous HOLDS was wrong."""
    inst = {"network": {"widths": [1, 1, 1], "theta": ["1", "-2", "1", "-1"]},
            "params": {"y": {"widths": [1, 1, 1], "theta": ["1", "-1/2", "-16", "0"]},
                       "other": {"widths": [1, 1, 1], "theta": ["1", "-1/2", "-8/5", "-9/10"]}, "r": "3/4"}}
    v = verify.check("beg19.prop12-transfer~without-is", inst)
    assert v.status.value == "UNKNOWN" and not v.vacuous


def test_no_redundancy_mutant_on_a_width_one_gamma():
    """The report's built-in family does not fit a width-1 Γ; that must not turn a valid instance into
    bad input (the check itself HOLDS: Φ = other is within s²‖·‖)."""
    inst = {"network": {"widths": [1, 1, 1], "theta": ["3/2", "-15/16", "3/2", "1"]},
            "params": {"other": {"widths": [1, 1, 1], "theta": ["3/2", "-15/16", "3/2", "65/64"]}, "s": "63/500"}}
    assert verify.check("beg19.pathology-redundant~no-redundancy", inst).status.value == "HOLDS"
