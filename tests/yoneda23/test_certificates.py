"""yoneda23 invariant certificates on the core engine (`verify.invariance.certify_map_expansion`): the
files `relu-verify check --certificate` writes re-check through `relu-verify recheck` (exit 0), tampered
ones fail (exit 1); the engine's re-check and the mpmath re-check each catch what the other cannot see;
the engine's leaves contain the exact GD map's images."""

import copy
import json

import pytest
from flint import arb, fmpq

from verify.cli import main
from verify.numbers import precision
from verify.yoneda23 import certificates as CF
from verify.yoneda23 import cycle, invariant
from verify.yoneda23 import d0 as D

FULL = {"network": {"kind": "d0"}}
CELLS = {"network": {"kind": "d0", "batch": {"kind": "cells", "m": 2}}}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The two certificate files, written by `check --certificate` (claims 3.10 and 3.13)."""
    d = tmp_path_factory.mktemp("y23")
    out = {}
    for name, claim, inst in (("box", "yoneda23.pointwise-convergence", FULL),
                              ("cycle", "yoneda23.minibatch-cells", CELLS)):
        (d / f"{name}-inst.json").write_text(json.dumps(inst))
        cert = d / f"{name}.json"
        assert main(["check", claim, str(d / f"{name}-inst.json"), "--certificate", str(cert)]) == 0
        out[name] = json.loads(cert.read_text())
    return out


def test_written_certificates_recheck_through_the_cli(files, capsys, tmp_path):
    assert files["box"]["kind"] == CF.KIND_BOX and files["cycle"]["kind"] == CF.KIND_CYCLE
    assert files["box"]["problem"] == "map-expansion" and files["box"]["monotone"] == [1]
    assert files["box"]["entry"]["t0"] == 42 and files["box"]["yoneda23"]["Z"] == ["-3/50", "1/25"]
    for name in ("box", "cycle"):
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(files[name]))
        code, out, _ = run(capsys, "recheck", str(p))
        assert code == 0 and "RE-CHECKED" in out and "mpmath" in out


def _tampered(data, how):
    t = copy.deepcopy(data)
    y = t["yoneda23"]
    if how == "eta":
        y["model"]["eta"] = "1/2"
    elif how == "m":
        y["m"] = str(fmpq(y["m"]) * 2)
    elif how == "M3":
        y["M3"] = str(fmpq(y["M3"]) / 2)
    elif how == "Z":
        y["Z"][1] = "1/5"
        t["set"]["boxes"][0][1][1] = "1/5"
    elif how == "eps_max":
        y["eps_max"] = "1/2"
    elif how == "leaf":
        t["regions"][0]["leaves"][0]["box"][0][1] = "1/1000"
    elif how == "drop-leaf":
        del t["regions"][0]["leaves"][-1]
        t["regions"][0]["tree"][-1:] = []
    elif how == "edge":
        t["regions"][2]["side"] = -1
    elif how == "tree":  # the listed leaves unchanged, the tree says something else
        t["regions"][0]["tree"][0] = 1 - t["regions"][0]["tree"][0]
    elif how == "conditions":
        t["conditions"] = t["conditions"][:-1]
    elif how == "kind":
        t["kind"] = CF.KIND_CYCLE if t["kind"] == CF.KIND_BOX else CF.KIND_BOX
    return t


@pytest.mark.parametrize("how", ["eta", "m", "M3", "Z", "eps_max", "leaf", "drop-leaf", "edge", "tree", "conditions",
                                 "kind"])
def test_tampered_certificates_fail(files, how):
    for name in ("box", "cycle"):
        out = CF.recheck_file(_tampered(files[name], how))
        assert not out["ok"], (name, how, out)


def test_cli_recheck_of_a_tampered_file_exits_1(files, capsys, tmp_path):
    p = tmp_path / "t.json"
    p.write_text(json.dumps(_tampered(files["box"], "m")))
    code, out, _ = run(capsys, "recheck", str(p), "--json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_each_recheck_sees_what_the_other_cannot(files):
    # the constants are the yoneda23 data: the engine re-check passes, the mpmath re-check fails
    for name in ("box", "cycle"):
        t = _tampered(files[name], "m")
        md = CF._model(t["kind"], t["yoneda23"])
        assert CF.engine_recheck(t["kind"], md, fmpq(t["yoneda23"]["eps_max"]), t)[0]
        assert "mpmath" in CF.recheck_file(t)["reason"]
        # a changed tree with the same listed leaves: the engine re-check fails first
        t = _tampered(files[name], "tree")
        assert "engine" in CF.recheck_file(t)["reason"]


def test_leaves_contain_the_exact_gd_map():
    """At rational corner points of every leaf of the default box (ε > 0), the exact closed-form GD step
    in (a, λ) lands in [0, ε_max] × Z, with a' > a and ζ' inside the listed enclosure of ζ' − ζ's sign."""
    cv = invariant.prove(D.D0())
    c, md = cv.cert, cv.model
    with precision(256):
        ls = md.lam_star()
        for X, _, _ in c.engine.regions[0].leaves[::7]:
            for e in X[0]:
                for z in X[1]:
                    if e == 0:
                        continue
                    a = 1 / arb(e)
                    a2, l2 = md.step(a, ls + arb(e) * arb(z))
                    z2 = a2 * (l2 - ls)
                    assert (a2 - a).lower() > 0 and (1 / a2).upper() <= arb(c.eps_max).lower()
                    assert z2.lower() >= arb(c.Z[0]).upper() - arb(10) ** -30
                    assert z2.upper() <= arb(c.Z[1]).lower() + arb(10) ** -30


def test_cycle_certificate_is_the_engines():
    cv = cycle.prove(D.D0(batch=D.Batch.cells(2)))
    c = cv.cert
    assert c.engine.size == c.size and len(c.tiles) == len(c.engine.regions[0].leaves)
    assert {s for *_, s in c.edges} == {-1, 1}
    ok, how = cycle.recheck(c)
    assert ok, how
    bad = copy.copy(c)
    bad.rho_hi = fmpq(1)  # the intra-cycle range ρ_k ≤ 1 is false (a grows, ρ_k > 1)
    assert not cycle.recheck(bad)[0]
