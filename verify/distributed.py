"""The suite's and a search's work on a Dask cluster (layer 8; extra ``relu-verify[distributed]``).

One task = one claim's search (`verify.searching.search`) with its own seed, exactly as the
sequential run does it, so for an example budget a parallel run gives the same verdicts, counts
and first counterexamples (their shrunk form can differ, as between two sequential runs:
shrinking tries examples under a per-example time limit).  Nothing is shared through a file system:

* the task carries the claim's Hypothesis database entries (the files of the report's
  ``hypothesis-db/<claim>`` folder) and returns the entries the search saved;
* users' plugin files travel as source text (written once per worker under a content-addressed
  path, then `verify.load_plugin`); a plugin given as a module name must be importable on the
  workers, and a worker that lacks it fails the task with a one-line error naming it.

A worker that dies mid-task loses nothing finished: the scheduler reruns its task on another
worker, and `Run.rescheduled` (read from the scheduler's story of each task) says which claims
were rerun and where.  Ctrl-C cancels the cluster's remaining tasks; the results finished so far
are returned (the caller writes the partial report, as for a sequential run).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

EXTRA = "pip install 'relu-verify[distributed]'"


def _dask():
    try:
        import distributed
    except ImportError:
        raise InputError(f"--jobs and --scheduler run on Dask, which is not installed: {EXTRA}", "--jobs") from None
    return distributed


@dataclass
class Run:
    """What a distributed run did besides its results: the cluster and the reruns."""

    cluster: dict = field(default_factory=dict)
    rescheduled: dict = field(default_factory=dict)  # claim id -> what happened
    interrupted: bool = False


def connect(jobs: int | None = None, scheduler: str | None = None):
    """(client, close): a `distributed.Client` on the scheduler at ``scheduler`` (or
    ``$DASK_SCHEDULER_ADDRESS``), else on a new local cluster of ``jobs`` single-threaded worker
    processes.  ``close()`` shuts down what this call started."""
    distributed = _dask()
    scheduler = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as e:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {e}", "--scheduler") from None
        return client, client.close
    if jobs is None or jobs < 1:
        raise InputError(f"--jobs must be a positive number of worker processes, got {jobs}", "--jobs")
    cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)

    def close():
        client.close()
        cluster.close()

    return client, close


def cluster_info(client) -> dict:
    """Workers, threads and package versions on the workers, for the report."""
    info = client.scheduler_info()
    workers = info.get("workers", {})
    try:
        versions = client.run(_versions)
    except Exception:  # a worker that went away while asked: the report still gets the rest
        versions = {}
    return {"scheduler": info.get("address"), "workers": len(workers),
            "threads": sum(w.get("nthreads", 0) for w in workers.values()),
            "versions": {addr: v for addr, v in sorted(versions.items())}}


def _versions() -> dict:
    import platform

    import flint
    import hypothesis

    from . import __version__

    return {"python": platform.python_version(), "relu-verify": __version__, "python-flint": flint.__version__,
            "hypothesis": hypothesis.__version__}


# --------------------------------------------------------------------------------------------
# the task


def plugin_payload(specs) -> list[tuple[str, str, str | None]]:
    """(spec, file name, source or None for a module name) for each ``--plugin`` spec."""
    out = []
    for spec in specs:
        p = Path(spec)
        if spec.endswith(".py") or "/" in spec or "\\" in spec:
            out.append((spec, p.name, p.read_text(encoding="utf-8")))
        else:
            out.append((spec, spec, None))
    return out


def _load_plugins_on_worker(payload):
    from . import registry

    for spec, name, source in payload:
        if source is None:
            try:
                registry.load_plugin(spec)
            except InputError as e:
                raise InputError(f"a Dask worker lacks the plugin module {spec!r} (install it on the workers): {e}",
                                 "--plugin") from None
            continue
        digest = hashlib.sha1(source.encode()).hexdigest()[:12]
        folder = Path(tempfile.gettempdir()) / "relu-verify-plugins" / digest
        path = folder / name
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{name}.{os.getpid()}"
            tmp.write_text(source, encoding="utf-8")
            os.replace(tmp, path)
        registry.load_plugin(str(path))


def read_db(folder: Path) -> dict[str, bytes]:
    """The files of one claim's Hypothesis database, by relative path."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def write_db(folder: Path, files: dict[str, bytes]):
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def search_task(ref: str, budget, seed: int, db_files: dict, plugins: list, reproduce: str | None = None):
    """One claim's search on a worker: (SearchResult, the database files after the search)."""
    from .searching import search

    _load_plugins_on_worker(plugins)
    with tempfile.TemporaryDirectory(prefix="relu-verify-db-") as tmp:
        write_db(Path(tmp), db_files)
        result = search(ref, budget, seed, tmp, reproduce=reproduce)
        return result, read_db(Path(tmp))


# --------------------------------------------------------------------------------------------
# the client loop


def run_searches(client, jobs: list[tuple[str, int]], budget, db: Path | None, plugins: list,
                 on_result=None, reproduce: str | None = None) -> tuple[list, Run]:
    """Run one search per (ref, seed) of ``jobs`` on the cluster (``budget``: one for all, or a
    list with one per job); results in the order of ``jobs`` (finished ones only when interrupted).  ``db``: the folder holding one database folder
    per claim (entries sent with each task, new entries written back); ``on_result(k, result)``
    is called as each search finishes."""
    from .files import safe_name

    distributed = _dask()
    run = Run(cluster=cluster_info(client))
    payload = plugin_payload(plugins)
    futures = {}
    budgets = budget if isinstance(budget, list) else [budget] * len(jobs)
    for k, (ref, seed) in enumerate(jobs):
        files = read_db(db / safe_name(ref)) if db is not None else {}
        key = f"relu-verify-{k}-{safe_name(ref)}-{seed}-{time.time_ns()}"
        futures[client.submit(search_task, ref, budgets[k], seed, files, payload, reproduce, key=key,
                              pure=False)] = k
    results: dict[int, object] = {}
    try:
        for fut in distributed.as_completed(list(futures)):
            k = futures[fut]
            try:
                result, files = fut.result()
            except InputError:
                _cancel(client, futures)
                raise
            except distributed.KilledWorker as e:
                _cancel(client, futures)
                raise InputError(f"{jobs[k][0]}: its task killed {e.args[1] if len(e.args) > 1 else 'workers'} "
                                 "repeatedly (out of memory?)", "--jobs") from None
            if db is not None:
                write_db(db / safe_name(jobs[k][0]), files)
            results[k] = result
            note = _rerun_note(client, fut.key)
            if note:
                run.rescheduled[jobs[k][0]] = note
            if on_result is not None:
                on_result(k, result)
    except KeyboardInterrupt:
        run.interrupted = True
        _cancel(client, futures)
    return [results[k] for k in sorted(results)], run


def _cancel(client, futures):
    try:
        client.cancel(list(futures), force=True)
    except Exception:  # the cluster may already be gone; nothing left to stop
        pass


def _rerun_note(client, key) -> str | None:
    """'rerun after N worker death(s), finished on W' when the scheduler counted the task in a
    worker's death (`TaskState.suspicious`); None otherwise."""
    try:
        deaths, where = client.run_on_scheduler(_task_history, key)
    except Exception:  # an older scheduler or a vanished task: nothing to report
        return None
    if not deaths:
        return None
    return f"rerun after {deaths} worker death(s) while it ran; finished on {where}"


def _task_history(key, dask_scheduler=None):
    ts = dask_scheduler.tasks.get(key)
    if ts is None:
        return 0, None
    where = sorted(ws.address for ws in (ts.who_has or ()))
    return ts.suspicious, where[0] if where else None


def split_budget(budget, n: int) -> list:
    """``n`` budgets whose examples add up to ``budget.examples`` (the time budget is each one's)."""
    from .searching import Budget

    base, extra = divmod(budget.examples, n)
    return [Budget(base + (k < extra), budget.seconds) for k in range(n) if base + (k < extra) > 0]


def merge_results(results: list):
    """One `SearchResult` from the searches of one claim under several seeds (in seed order):
    counts add up, the margins and objectives are pooled (an objective keeps its largest value),
    the seconds are the longest search's (they ran side by side), and the counterexample and the
    error are the first in seed order -- so the merge does not depend on which worker finished
    first."""
    import copy
    from dataclasses import fields

    out = copy.deepcopy(results[0])
    for r in results[1:]:
        for f in fields(r):
            v = getattr(r, f.name)
            if f.name in ("seed", "budget") or isinstance(v, bool) or not isinstance(v, int):
                continue
            setattr(out, f.name, getattr(out, f.name) + v)
        out.margins = out.margins + list(r.margins)
        out.seconds = max(out.seconds, r.seconds)
        out.shrink_cut = out.shrink_cut or r.shrink_cut
        for name, obj in r.objectives.items():
            mine = out.objectives.get(name)
            if mine is None or (obj.get("value") is not None and (mine.get("value") is None
                                                                   or obj["value"] > mine["value"])):
                out.objectives[name] = obj
        if out.counterexample is None and r.counterexample is not None:
            out.counterexample = r.counterexample
        if out.error is None and r.error is not None:
            out.error = r.error
    out.budget = type(out.budget)(sum(r.budget.examples for r in results), results[0].budget.seconds)
    if out.counterexample is not None:
        out.stop = "counterexample"
    elif out.error is not None:
        out.stop = "error"
    elif any(r.stop == "time" for r in results):
        out.stop = "time"
    return out


# --------------------------------------------------------------------------------------------
# a region's branch and bound: sub-boxes as tasks, the certificate assembled in the client


def _skeleton(box: tuple, depth: int):
    """(tree, leaf boxes): ``depth`` rounds of bisection at midpoints, each along the widest
    coordinate of positive width; the tree has the certificate's shape with None at the leaves."""
    widths = [hi - lo for lo, hi in box]
    if depth == 0 or not any(w > 0 for w in widths):
        return None, [box]
    k = max(range(len(box)), key=lambda j: widths[j])
    lo, hi = box[k]
    at = (lo + hi) / 2
    left, right = list(box), list(box)
    left[k], right[k] = (lo, at), (at, hi)
    tl, bl = _skeleton(tuple(left), depth - 1)
    tr, br = _skeleton(tuple(right), depth - 1)
    return {"split": k, "at": at, "children": [tl, tr]}, bl + br


def _fill(tree, subtrees: list):
    """The skeleton with its None leaves replaced, in order, by ``subtrees``."""
    from .numbers import to_json

    if tree is None:
        return subtrees.pop(0)
    return {"split": tree["split"], "at": to_json(tree["at"]),
            "children": [_fill(tree["children"][0], subtrees), _fill(tree["children"][1], subtrees)]}


def _sub_instance(inst_json: dict, coords, box) -> dict:
    """The instance with its region replaced by the sub-box (every coordinate explicit)."""
    from .numbers import to_json

    theta = {str(c.key): [to_json(lo), to_json(hi)] for c, (lo, hi) in zip(coords, box) if c.kind == "theta"}
    params = {c.key: [to_json(lo), to_json(hi)] for c, (lo, hi) in zip(coords, box) if c.kind == "params"}
    region = {k: v for k, v in (("theta", theta), ("params", params)) if v}
    return {**inst_json, "region": region}


def region_task(ref: str, inst_json: dict, seconds: float, max_boxes: int, plugins: list):
    """One sub-box's branch and bound on a worker (`verify.regions.check_region`): its verdict,
    with a re-checked certificate when it HOLDS and a re-verified witness when VIOLATED."""
    from .framework import Instance
    from .regions import check_region

    _load_plugins_on_worker(plugins)
    return check_region(ref, Instance.from_json(inst_json), None, seconds=seconds, max_boxes=max_boxes)


def region_on_dask(client, ref: str, inst, seconds: float, max_boxes: int, plugins: list):
    """`verify.regions.check_region` with the region bisected into about four sub-boxes per worker
    thread, each a task (Dask balances them between workers, stealing work from busy ones).  The
    verdict: VIOLATED if any sub-box has a re-verified witness (the first in box order); HOLDS if
    every sub-box HOLDS, with the certificate assembled in the client -- the bisection skeleton
    above the sub-boxes' own re-checked trees, one certificate that `relu-verify recheck`
    re-verifies as a whole; otherwise UNKNOWN with the volume-weighted certified fraction and every
    undecided box."""
    import dataclasses
    import math

    from .framework import Status
    from .regions import CERTIFICATE_KIND, CERTIFICATE_VERSION

    distributed = _dask()
    run = Run(cluster=cluster_info(client))
    threads = max(1, run.cluster["threads"])
    depth = max(1, math.ceil(math.log2(4 * threads)))
    coords = inst.region.coords
    skeleton, boxes = _skeleton(inst.region.box, depth)
    base = inst.to_json()
    base.pop("claim", None)
    payload = plugin_payload(plugins)
    per_task = max(1, -(-max_boxes // len(boxes)))
    futures = [client.submit(region_task, ref, _sub_instance(base, coords, b), seconds, per_task, payload,
                             key=f"relu-verify-region-{k}-{time.time_ns()}", pure=False) for k, b in enumerate(boxes)]
    try:
        verdicts = client.gather(futures)
    except KeyboardInterrupt:
        _cancel(client, futures)
        raise
    for k, fut in enumerate(futures):
        note = _rerun_note(client, fut.key)
        if note:
            run.rescheduled[f"sub-box {k}"] = note
    cluster = (f"on Dask: {len(boxes)} sub-boxes over {run.cluster['workers']} workers "
               f"({run.cluster['threads']} threads)")
    violated = [k for k, v in enumerate(verdicts) if v.status == Status.VIOLATED]
    if violated:
        v = verdicts[violated[0]]
        return dataclasses.replace(v, notes=v.notes + [f"{cluster}; the witness lies in sub-box {violated[0]}"]), run
    summaries = [v.region or {} for v in verdicts]
    total_boxes = sum(s.get("boxes_evaluated", 0) for s in summaries)
    first = verdicts[0]
    region = {"boxes_evaluated": total_boxes,
              "leaves": sum(s.get("leaves", 0) for s in summaries),
              "certified_fraction": sum(s.get("certified_fraction", 0.0) for s in summaries) / len(summaries),
              "undecided": [u for s in summaries for u in s.get("undecided", [])][:1000],
              "undecided_count": sum(s.get("undecided_count", 0) for s in summaries), "sub_boxes": len(boxes)}
    region["coordinates"] = [{"name": c.name, "lo": str(c.lo), "hi": str(c.hi)} for c in coords]
    if all(v.status == Status.HOLDS for v in verdicts):
        cert = {"kind": CERTIFICATE_KIND, "version": CERTIFICATE_VERSION, "claim": first.certificate["claim"],
                "status": "HOLDS", "instance": base, "boxes_evaluated": total_boxes,
                "leaves": sum(v.certificate["leaves"] for v in verdicts),
                "tree": _fill(skeleton, [v.certificate["tree"] for v in verdicts])}
        return dataclasses.replace(first, instance=inst.to_json(), certificate=cert, region=region,
                                   vacuous=all(v.vacuous for v in verdicts),
                                   reverified=f"confirmed on the workers: each of the {len(boxes)} sub-box trees "
                                              "re-certified independently (relu-verify recheck re-verifies the whole)",
                                   notes=[cluster]), run
    unknown = next(v for v in verdicts if v.status != Status.HOLDS)
    return dataclasses.replace(unknown, instance=inst.to_json(), certificate=None, region=region,
                               notes=unknown.notes + [cluster, f"certified volume fraction "
                                                               f"{region['certified_fraction']:.4f} over all sub-boxes"]), run
