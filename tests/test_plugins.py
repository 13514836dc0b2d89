"""Your own claims: the `verify.claim` decorator, ``--plugin`` files and modules, entry points,
re-registration, claim objects in `verify.check` / `verify.search`, and the pytest helpers."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import verify
from verify.testing import assert_counterexample_found, assert_holds, assert_no_counterexample, assert_violated

ROOT = Path(__file__).resolve().parents[1]

# the contract of the issue, verbatim: it must work unchanged from any folder
CONTRACT = '''\
import verify
from verify import strategies as vs

@verify.claim(id="me.output-bias-gradient-zero", statement="∂ℒ/∂c = 0 for every θ",
              provenance="DERIVED", instances=lambda: vs.shallow_instances())
def output_bias_gradient_zero(ev):
    rg = ev.risk_grad(ev.inst.net)
    return [verify.relation("∂ℒ/∂c = 0", rg.G[-1], "=", 0)], []
'''

TRUE_CLAIM = '''\
import verify
from verify import strategies as vs


def risk_negative(ev):  # a planted violation: the risk is never negative, so "ℒ < 0" is refuted
    return [verify.relation("ℒ < 0", ev.risk_grad(ev.inst.net).L, "<", 0)], []


@verify.claim(id="mine.risk-nonnegative", statement="ℒ(θ) ≥ 0", provenance="DERIVED",
              instances=lambda: vs.shallow_instances(max_width=2),
              mutants=[verify.mutant("negative", "ℒ(θ) < 0", risk_negative,
                                     {"network": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "1"]},
                                      "target": {"kind": "constant", "value": "0"},
                                      "measure": {"kind": "lebesgue", "box": [["0", "1"]]}})])
def risk_nonnegative(ev):
    return [verify.relation("ℒ ≥ 0", ev.risk_grad(ev.inst.net).L, ">=", 0)]
'''


def cli(*argv, cwd):
    return subprocess.run([sys.executable, "-m", "verify.cli", *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def contract(tmp_path):
    (tmp_path / "my_claims.py").write_text(CONTRACT, encoding="utf-8")
    return tmp_path


def test_contract_search_finds_shrinks_reverifies_and_writes_a_witness(contract):
    res = cli("--plugin", "my_claims.py", "search", "me.output-bias-gradient-zero", "--out", "rep", cwd=contract)
    assert res.returncode == 1, res.stderr
    report = json.loads((contract / "rep" / "report.json").read_text())
    (r,) = report["results"]
    cx = r["counterexample"]
    assert cx["verdict"]["status"] == "VIOLATED" and cx["verdict"]["reverified"].startswith("confirmed")
    assert report["plugins"] == ["my_claims.py"]
    witness = contract / "rep" / cx["witness_file"]
    assert witness.is_file() and (contract / "rep" / "my_claims.py").read_text() == CONTRACT
    # the re-check command of the report runs as printed, in the report folder, and finds the claim
    assert cx["recheck"].startswith("relu-verify --plugin my_claims.py check me.output-bias-gradient-zero ")
    argv = shlex.split(cx["recheck"])[1:]
    again = cli(*argv, cwd=contract / "rep")
    assert again.returncode == 1 and "VIOLATED" in again.stdout, again.stderr
    assert "--plugin my_claims.py" in (contract / "rep" / "report.md").read_text()
    assert "--plugin my_claims.py" in (contract / "rep" / "junit.xml").read_text()
    # ... and the documented form, from the folder where the plugin is
    direct = cli("--plugin", "my_claims.py", "check", "me.output-bias-gradient-zero", str(witness), cwd=contract)
    assert direct.returncode == 1 and "me.output-bias-gradient-zero: VIOLATED" in direct.stdout
    assert "replay: relu-verify --plugin my_claims.py search" in cli(
        "--plugin", "my_claims.py", "search", "me.output-bias-gradient-zero", "--out", "rep2", cwd=contract).stdout


def test_plugin_may_stand_after_the_command_and_lists_its_claims(contract):
    res = cli("list", "--plugin", "my_claims.py", "--family", "me", cwd=contract)
    assert res.returncode == 0 and "me.output-bias-gradient-zero" in res.stdout and "1 claims" in res.stdout


def test_a_true_claim_passes_and_its_mutant_is_refuted_by_the_suite(tmp_path):
    (tmp_path / "mine.py").write_text(TRUE_CLAIM, encoding="utf-8")
    res = cli("--plugin", str(tmp_path / "mine.py"), "suite", "--claims", "mine.*", "--out", "rep", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    results = {r["id"]: r for r in json.loads((tmp_path / "rep" / "report.json").read_text())["results"]}
    assert results["mine.risk-nonnegative"]["outcome"] == "pass" and results["mine.risk-nonnegative"]["examples"] > 0
    assert results["mine.risk-nonnegative~negative"]["outcome"] == "refuted"


@pytest.mark.parametrize("source, message", [
    (None, "no such plugin file"),
    ("import verify\nraise RuntimeError('boom')\n", "failed to load: RuntimeError: line 2: boom"),
    ("def broken(:\n", "SyntaxError: line 1"),
    ("import verify\n@verify.claim(id='nodot', statement='s', provenance='DERIVED')\ndef f(ev):\n    return []\n",
     "must look like FAMILY.NAME"),
    ("import verify\n@verify.claim(id='x.y', statement='s', provenance='PROVEN')\ndef f(ev):\n    return []\n",
     "provenance must be one of"),
])
def test_a_broken_plugin_is_one_line_exit_2(tmp_path, source, message):
    if source is not None:
        (tmp_path / "p.py").write_text(source)
    res = cli("--plugin", "p.py", "list", cwd=tmp_path)
    assert res.returncode == 2 and message in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_a_claim_returning_the_wrong_thing_is_a_clear_error(tmp_path):
    (tmp_path / "p.py").write_text("import verify\n@verify.claim(id='w.rong', statement='s', provenance='DERIVED')\n"
                                   "def f(ev):\n    return 3\n")
    res = cli("--plugin", "p.py", "check", "w.rong", str(ROOT / "examples" / "design.json"), cwd=tmp_path)
    assert res.returncode == 2 and "must return (relations, hypotheses)" in res.stderr


def test_a_plugin_module_and_a_missing_module(tmp_path):
    pkg = tmp_path / "mypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "claims.py").write_text(CONTRACT.replace("me.", "modular."))
    env_cmd = [sys.executable, "-c", "import sys; sys.path.insert(0, '.'); from verify.cli import main; "
                                     "sys.exit(main(sys.argv[1:]))"]
    res = subprocess.run(env_cmd + ["--plugin", "mypkg.claims", "list", "--family", "modular"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "modular.output-bias-gradient-zero" in res.stdout, res.stderr
    res = cli("--plugin", "no.such.module", "list", cwd=tmp_path)
    assert res.returncode == 2 and "no module named 'no.such.module'" in res.stderr


def test_an_installed_package_registers_through_the_entry_point_group(tmp_path):
    """A distribution naming its module in ``relu_verify.claims`` is loaded without flags."""
    (tmp_path / "extclaims.py").write_text(CONTRACT.replace("me.", "ext."))
    dist = tmp_path / "extclaims-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: extclaims\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[relu_verify.claims]\nextclaims = extclaims\n")
    res = subprocess.run([sys.executable, "-m", "verify.cli", "list", "--family", "ext"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, env=_env(tmp_path))
    assert res.returncode == 0 and "ext.output-bias-gradient-zero" in res.stdout, res.stderr


def _env(path):
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(path), env.get("PYTHONPATH")) if p)
    return env


# ---- in-process: the Python API -------------------------------------------------------------

@pytest.fixture(autouse=True)
def _forget_test_claims():
    """Claims defined here leave the registry after each test (other tests iterate over it)."""
    yield
    for cid in [c for c in verify.CLAIMS if c.startswith("tst.")]:
        for m in verify.CLAIMS[cid].mutants:
            verify.MUTANTS.pop(m.id, None)
        del verify.CLAIMS[cid]


def _define(statement="ℒ ≥ 0", op=">="):
    @verify.claim(id="tst.risk-sign", statement=statement, provenance="DERIVED",
                  instances=lambda: verify.strategies.shallow_instances(d=1, max_width=2))
    def risk_sign(ev):
        return [verify.relation(statement, ev.risk_grad(ev.inst.net).L, op, 0)], []

    return risk_sign


DESIGN = ROOT / "examples" / "design.json"


def test_redefining_a_claim_in_the_same_module_replaces_it_and_check_takes_the_object():
    first = _define()
    assert verify.check(first, DESIGN).status == verify.Status.HOLDS
    second = _define("ℒ < 0", "<")  # a notebook cell run again with an edit
    assert verify.CLAIMS["tst.risk-sign"] is second
    v = verify.check(second, DESIGN)
    assert v.status == verify.Status.VIOLATED and v.reverified.startswith("confirmed")
    assert str(v).startswith("tst.risk-sign: VIOLATED") and "VIOLATED" in v._repr_html_()


def test_an_id_defined_by_two_modules_is_an_error():
    _define()
    clash = verify.Claim(id="tst.risk-sign", source="", provenance="DERIVED", statement="s", note="",
                         evaluate=lambda ev: ([], []))
    clash.evaluate.__module__ = "someone.else"
    with pytest.raises(ValueError, match="registered twice"):
        verify.register(clash)


def test_an_unregistered_claim_object_is_checked_and_searched():
    c = verify.Claim(id="tst.by-hand", source="", provenance="DERIVED", statement="ℒ ≥ 0", note="",
                     evaluate=lambda ev: ([verify.relation("ℒ ≥ 0", ev.risk_grad(ev.inst.net).L, ">=", 0)], []),
                     instances=lambda: verify.strategies.shallow_instances(d=1, max_width=2))
    assert verify.check(c, DESIGN).status == verify.Status.HOLDS
    r = verify.search(c, verify.Budget(examples=10, seconds=20))
    assert r.passed and r.examples > 0 and "tst.by-hand: pass" in str(r)


def test_evaluation_helpers_agree_with_the_definitions():
    """ev.realization / gd_step / sgd_step against the formulas written out here."""
    from flint import fmpq

    inst = verify.Instance.from_json({"network": {"widths": [1, 2, 1], "theta": ["1", "-1", "0", "1", "2", "3", "1/2"]},
                                      "target": {"kind": "constant", "value": "1"},
                                      "measure": {"kind": "empirical", "points": [["1"], ["-2"]]}})
    ev = verify.Evaluation(inst, {}, None)
    relu = lambda z: max(z, fmpq(0))  # noqa: E731
    N = lambda th, x: th[4] * relu(th[0] * x + th[2]) + th[5] * relu(th[1] * x + th[3]) + th[6]  # noqa: E731
    th = [fmpq(1), fmpq(-1), fmpq(0), fmpq(1), fmpq(2), fmpq(3), fmpq(1, 2)]
    assert ev.realization(inst.net, ["1"]) == N(th, fmpq(1)) == fmpq(5, 2)
    G = ev.risk_grad(inst.net).G
    stepped = ev.gd_step(inst.net, "1/10")
    assert list(stepped.theta) == [t - fmpq(1, 10) * g for t, g in zip(th, G)]
    one = ev.sgd_step(inst.net, "1/10", [["1"]])  # the batch {1}: the gradient of (N(1) − 1)²
    r = N(th, fmpq(1)) - 1
    assert one.theta[-1] == th[-1] - fmpq(1, 10) * 2 * r
    ball = verify.Evaluation(inst, {}, 128)
    assert ball.realization(inst.net, ["1"]).contains(fmpq(5, 2))


def test_pytest_helpers_pass_and_fail_with_the_evidence():
    holds = _define()
    assert_holds(holds, DESIGN)
    assert_no_counterexample(holds, examples=10, seconds=20)
    false = _define("ℒ < 0", "<")
    with pytest.raises(AssertionError, match="not certified to hold") as e:
        assert_holds(false, DESIGN)
    assert "lhs =" in str(e.value) and "rhs = 0" in str(e.value)
    assert_violated(false, DESIGN)
    with pytest.raises(AssertionError) as e:
        assert_no_counterexample(false, examples=20, seconds=30)
    assert "re-check" in str(e.value) and '"network"' in str(e.value)
    assert assert_counterexample_found(false, examples=20, seconds=30).counterexample is not None


def test_as_instances_draws_instance_objects():
    from hypothesis import given, settings

    seen = []

    @settings(max_examples=5, database=None)
    @given(verify.strategies.as_instances(verify.strategies.shallow_instances(d=1)))
    def draw(inst):
        seen.append(inst)

    draw()
    assert seen and all(isinstance(i, verify.Instance) for i in seen)


def test_family_strategies_are_reachable_from_verify_strategies():
    from verify.gsgd19 import strategies as gs

    assert verify.strategies.path_instances is gs.path_instances
    with pytest.raises(AttributeError):
        verify.strategies.no_such_strategy  # noqa: B018


def test_readme_example_is_the_contract():
    text = (ROOT / "README.md").read_text()
    assert textwrap.dedent(CONTRACT).strip() in text


def test_check_takes_a_network_with_target_and_measure():
    net = verify.from_numpy([[[1.5], [-0.25]], [[2.0, 1.0]]], [[0.5, 0.0], [-1.0]])
    box = {"kind": "lebesgue", "box": [["0", "1"]]}
    v = verify.check("cjrr21.lyapunov-identity", net, measure=box, target={"kind": "constant", "value": "1/2"})
    inline = verify.check("cjrr21.lyapunov-identity", {"network": net.to_json(), "measure": box,
                                                       "target": {"kind": "constant", "value": "1/2"}})
    assert v.status == inline.status == verify.Status.HOLDS
    assert [(r.lhs, r.rhs) for r in v.relations] == [(r.lhs, r.rhs) for r in inline.relations]
    from verify.errors import InputError

    with pytest.raises(InputError, match="expected an instance"):
        verify.check("cjrr21.lyapunov-identity", 3)


def test_check_takes_a_torch_module():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    v = verify.check("cjrr21.lyapunov-identity", model, measure={"kind": "lebesgue", "box": [["0", "1"]]})
    assert v.status == verify.Status.HOLDS and v.instance["network"] == verify.from_torch(model).to_json()


def test_a_claim_computing_in_floats_is_refused_not_decided():
    """Floats cannot decide a certified verdict: a relation between floats is a one-line input
    error, even where the float comparison would 'show' a violation (0.1 + 0.2 ≠ 0.3)."""
    @verify.claim(id="tst.floats", statement="0.1 + 0.2 = 0.3", provenance="DERIVED")
    def floats(ev):
        return [verify.relation("0.1 + 0.2 = 0.3", 0.1 + 0.2, "=", 0.3)]

    from verify.errors import InputError

    with pytest.raises(InputError, match="floats cannot decide"):
        verify.check(floats, DESIGN)


def test_a_float_literal_cannot_decide_a_claim_in_balls():
    """N(0) = 1/10 exactly; '≥ 0.1' with the float 0.1 (just above 1/10) must not become a
    VIOLATED in ball arithmetic — it is refused as input."""
    @verify.claim(id="tst.float-literal", statement="N(0) ≥ 0.1", provenance="DERIVED")
    def lit(ev):
        return [verify.relation("N(0) ≥ 0.1", ev.realization(ev.inst.net, [0]), ">=", 0.1)]

    from verify.errors import InputError

    for theta in (["1", "0", "1", "1/10"], ["1", "0", "1", "[0.1 +/- 1e-30]"]):
        with pytest.raises(InputError, match="float"):
            verify.check(lit, {"network": {"widths": [1, 1, 1], "theta": theta}})


def test_a_user_violation_needs_a_confirmation_in_balls():
    """Decidable only exactly (a value 'at' a ReLU kink of a ball network is undecided): the exact
    evaluation says VIOLATED, but re-running the same exact code is no independent confirmation,
    so the verdict is UNKNOWN — unless the claim declares an independent exact path."""
    def at_kink(ev):
        from flint import arb

        from verify.numbers import Undecided

        if not ev.exact:
            raise Undecided("decided only exactly")
        return [verify.relation("𝔠 = 1", ev.inst.net.theta[-1], "=", 1)]

    for independent, expected in ((False, verify.Status.UNKNOWN), (True, verify.Status.VIOLATED)):
        c = verify.claim(id="tst.exact-only", statement="𝔠 = 1", provenance="DERIVED",
                         independent_exact=independent)(at_kink)
        v = verify.check(c, {"network": {"widths": [1, 1, 1], "theta": ["1", "0", "1", "0"]}})
        assert v.status == expected, (independent, v)


@pytest.mark.parametrize("value, op, bound, holds", [
    (3, "==", 3, True), (3, "!=", 3, False), (2, "<=", 4, True), (2, "≥", 4, False), ("[0 +/- 1]", ">", 0, None)])
def test_hypothesis_operators(value, op, bound, holds):
    from flint import arb

    v = arb(value[1:-1].split("+/-")[0]) + arb(0, 1) if isinstance(value, str) else value
    assert verify.hypothesis("h", v, op, bound).holds is holds


def test_hypothesis_refuses_unknown_operators_and_floats():
    from verify.errors import InputError

    with pytest.raises(InputError, match="unknown operator"):
        verify.hypothesis("h", 1, "=>", 0)
    with pytest.raises(InputError, match="float"):
        verify.hypothesis("h", 0.5, ">", 0)


def test_two_plugin_files_with_one_name_are_refused(tmp_path):
    for sub, fam in (("a", "me"), ("b", "you")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "claims.py").write_text(CONTRACT.replace("me.", fam + "."))
    res = cli("--plugin", "a/claims.py", "--plugin", "b/claims.py", "list", cwd=tmp_path)
    assert res.returncode == 2 and "two plugin files named claims.py" in res.stderr
