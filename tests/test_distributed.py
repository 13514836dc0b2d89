"""Runs on Dask (`verify.distributed`): identical to sequential runs, a worker killed mid-run
loses nothing (the claim is rerun and the run says so), plugin claims travel to the workers, an
existing scheduler is reached by its address, and without Dask the error names the extra."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from verify.distributed import connect, run_searches  # noqa: E402
from verify.errors import InputError  # noqa: E402
from verify.searching import Budget, search  # noqa: E402

BUDGET = Budget(examples=12, seconds=20.0)


def _summary(r):
    """What a run with the same seed must reproduce: counts, verdicts and where the first
    counterexample appeared.  (Its shrunk form can differ even between two sequential runs:
    shrinking tries examples under a per-example time limit.)"""
    ce = r.counterexample
    return (r.id, r.examples, r.holds, r.vacuous, r.unknown, r.violated, r.passed,
            None if ce is None else (ce.found_at, ce.verdict.status))


@pytest.fixture(scope="module")
def client():
    c, close = connect(jobs=2)
    yield c
    close()


def test_results_identical_to_sequential(client, tmp_path):
    refs = ["gsgd19.path-sum", "gsgd19.path-sum~no-bias", "gsgd19.rescaling-invariance",
            "gsgd19.rescaling-invariance~nonpositive-c", "cjrr21.gradient-bound~no-constant-term"]
    seq = [search(r, BUDGET, 3) for r in refs]
    par, run = run_searches(client, [(r, 3) for r in refs], BUDGET, tmp_path, [])
    assert [_summary(r) for r in par] == [_summary(r) for r in seq]
    assert run.cluster["workers"] == 2 and run.cluster["threads"] == 2 and run.cluster["versions"]
    assert not run.rescheduled and not run.interrupted
    # the databases came back to the client's folder
    assert any((tmp_path / d).is_dir() for d in os.listdir(tmp_path))


PLUGIN = textwrap.dedent('''
    import os
    import verify
    from verify import strategies as vs

    MARKER = os.environ.get("RELU_VERIFY_TEST_MARKER", "")

    @verify.claim(id="dist.kills-its-worker-once", statement="∂ℒ/∂c is a number", provenance="DERIVED",
                  instances=lambda: vs.shallow_instances())
    def kills_once(ev):
        if MARKER and not os.path.exists(MARKER):
            open(MARKER, "w").close()
            os._exit(1)  # the worker process dies in the middle of the search
        rg = ev.risk_grad(ev.inst.net)
        return [verify.relation("∂ℒ/∂c = ∂ℒ/∂c", rg.G[-1], "=", rg.G[-1])], []
''')


def test_worker_killed_mid_run_is_rerun_and_reported(tmp_path, monkeypatch):
    plugin = tmp_path / "dist_plugin.py"
    plugin.write_text(PLUGIN)
    marker = tmp_path / "killed-once"
    monkeypatch.setenv("RELU_VERIFY_TEST_MARKER", str(marker))
    from verify import registry

    registry.load_plugin(str(plugin))
    c, close = connect(jobs=2)  # a cluster of its own: its workers inherit the marker variable
    try:
        refs = ["dist.kills-its-worker-once", "gsgd19.path-sum"]
        res, run = run_searches(c, [(r, 0) for r in refs], Budget(5, 30.0), None, [str(plugin)])
    finally:
        close()
        # the plugin's claim leaves this process's registry (other tests iterate over it)
        registry.CLAIMS.pop("dist.kills-its-worker-once", None)
        registry.PLUGIN_OF.pop("dist.kills-its-worker-once", None)
        if str(plugin) in registry.USER_PLUGINS:
            registry.USER_PLUGINS.remove(str(plugin))
    assert marker.exists()
    assert [r.id for r in res] == refs
    assert res[0].examples == 5 and res[0].passed and res[0].error is None
    assert "dist.kills-its-worker-once" in run.rescheduled
    assert "worker death" in run.rescheduled["dist.kills-its-worker-once"]


def test_missing_plugin_module_is_a_clear_error(client):
    with pytest.raises(InputError, match="lacks the plugin module 'no_such_plugin_module'"):
        run_searches(client, [("gsgd19.path-sum", 0)], BUDGET, None, ["no_such_plugin_module"])


def test_existing_scheduler_by_address(tmp_path):
    dask = shutil.which("dask")
    if dask is None:
        pytest.skip("the dask command is not on PATH")
    sched_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([dask, "scheduler", "--scheduler-file", str(sched_file), "--port", "0",
                               "--dashboard-address", ":0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.time() + 60
        while not sched_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        assert sched_file.exists(), "the scheduler did not start within 60 s"
        address = json.loads(sched_file.read_text())["address"]
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                       "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        c, close = connect(scheduler=address)
        try:
            c.wait_for_workers(1, timeout=60)
            res, run = run_searches(c, [("gsgd19.path-sum", 1)], BUDGET, None, [])
        finally:
            close()
        assert run.cluster["scheduler"] == address and run.cluster["workers"] == 1
        assert _summary(res[0]) == _summary(search("gsgd19.path-sum", BUDGET, 1))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_without_dask_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(InputError, match=r"relu-verify\[distributed\]"):
        connect(jobs=2)


def _cli_counts(folder: Path) -> dict:
    doc = json.loads((folder / "report.json").read_text())
    keys = ("examples", "holds", "vacuous", "unknown", "violated", "passed", "counterexamples")
    return {r["id"]: tuple(r[k] for k in keys) for r in doc["results"]}, doc


def test_cli_suite_jobs_matches_the_sequential_suite(tmp_path):
    base = [sys.executable, "-m", "verify", "suite", "--claims", "gsgd19.path-sum*", "--examples", "25",
            "--seconds", "300", "--seed", "2"]  # an example budget: the time limit never binds
    seq = subprocess.run(base + ["--out", str(tmp_path / "seq")], capture_output=True, text=True, timeout=600)
    par = subprocess.run(base + ["--jobs", "2", "--out", str(tmp_path / "par")], capture_output=True, text=True,
                         timeout=600)
    assert seq.returncode == par.returncode == 0, par.stderr[-2000:]
    (a, _), (b, doc) = _cli_counts(tmp_path / "seq"), _cli_counts(tmp_path / "par")
    assert a == b
    assert doc["cluster"]["workers"] == 2 and doc["cluster"]["rescheduled"] == {}
    assert "cluster:** Dask, 2 workers" in (tmp_path / "par" / "report.md").read_text()


def test_cli_jobs_without_dask_names_the_extra(monkeypatch, capsys, tmp_path):
    from verify.cli import main

    monkeypatch.setitem(sys.modules, "distributed", None)
    code = main(["suite", "--claims", "gsgd19.path-sum", "--jobs", "2", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and "relu-verify[distributed]" in err and "Traceback" not in err


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_region_sub_boxes_on_dask_assemble_a_certificate_that_rechecks(client):
    from verify.distributed import region_on_dask
    from verify.framework import Instance, Status
    from verify.regions import check_region
    from verify.registry import recheck_certificate

    inst = Instance.load(EXAMPLES / "region-theta.json")
    v, run = region_on_dask(client, "cjrr21.gradient-bound", inst, 30.0, 400, [])
    assert v.status == Status.HOLDS and v.certificate["kind"] == "region"
    assert v.region["sub_boxes"] >= 2 and v.region["certified_fraction"] == 1.0
    assert recheck_certificate(v.certificate)["ok"]  # the assembled tree, re-verified as a whole
    tampered = json.loads(json.dumps(v.certificate))
    tampered["claim"] = "cjrr21.gradient-bound~no-constant-term"  # a false statement on the same tree
    assert not recheck_certificate(tampered)["ok"]
    seq = check_region("cjrr21.gradient-bound", inst, None, seconds=30.0, max_boxes=400)
    assert seq.status == v.status


def test_region_violation_on_dask_gives_a_witness_check_reproduces(client):
    import verify
    from verify.distributed import region_on_dask
    from verify.framework import Instance, Status

    inst = Instance.load(EXAMPLES / "region-violation.json")
    v, _ = region_on_dask(client, inst.claim, inst, 30.0, 400, [])
    assert v.status == Status.VIOLATED and v.witness is not None and "region" not in v.witness
    assert verify.check(inst.claim, v.witness).status == Status.VIOLATED


def test_ctrl_c_cancels_the_cluster_tasks_and_keeps_the_finished(client):
    """A KeyboardInterrupt while waiting (here raised by the progress callback after the first
    result) cancels the remaining tasks and returns what finished, marked interrupted."""
    refs = ["gsgd19.path-sum", "gsgd19.path-sum~no-bias", "gsgd19.rescaling-invariance",
            "cjrr21.lyapunov-identity", "cjrr21.gradient-bound"]

    def stop(k, result):
        raise KeyboardInterrupt

    res, run = run_searches(client, [(r, 0) for r in refs], Budget(30, 30.0), None, [], on_result=stop)
    assert run.interrupted and 1 <= len(res) < len(refs)
    assert all(r.id in refs and r.examples > 0 for r in res)
