"""The README is true: every command and snippet in README.md runs from the repository root.

The ```bash / ```sh blocks are split into commands (comments stripped) and each one is run with
subprocess, cwd = the repository root, under a timeout, and must exit with the code documented
for it in `EXPECTED` below (a command the table does not know fails the test: document it) and
never print a traceback.  Files a command writes (report folders, --out/--plot files) are
redirected into a temporary folder by `rewrite`, and long runs get a reduced budget from
`REDUCE`; the README itself keeps the commands as a user types them.  The quickstart's two
lines (pip install + the full suite, pip install + the whole test suite) are skipped: CI runs
them through `.ci/run`.  The ```python blocks run as scripts, the ```json instance file is
loaded and checked, every `examples/...` file the README names exists, and the benchmark table
lists exactly the scripts in `benchmarks/`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TIMEOUT = 90  # seconds per command; the reduced commands take 0.3-6 s each

SKIPPED = {  # command prefix -> reason
    "python3 -m pip install": "quickstart (installs the package and runs the full suite / the test suite; CI runs it)",
}

# Expected exit code of every command in the README (0 HOLDS / nothing found, 1 VIOLATED /
# counterexample found, 3 UNKNOWN), keyed by the command exactly as written (comments stripped).
EXPECTED = {
    "relu-verify list --mutants": 0,
    "relu-verify check cjrr21.lyapunov-identity examples/design.json": 0,          # HOLDS, exact
    "relu-verify check examples/violation.json --json": 1,                           # a planted violation's witness
    "relu-verify check 'cjrr21.degenerate-frozen@deriv0-half' examples/design.json": 1,   # ReLU'(0) = 1/2: false
    "relu-verify search cjrr21.gradient-bound~no-constant-term --seed 1": 1,         # a mutant: refuted
    "relu-verify suite --claims 'cjrr21.gd-*' --profile dev --out reports/today": 0,  # claims pass, mutants refuted
    "relu-verify report reports/today": 0,
    "relu-verify paths examples/net.json --x 1,0": 0,
    "relu-verify paths examples/net.json --scale 2,1/3": 0,
    "relu-verify paths examples/net.json --pathnorm 1": 0,
    "relu-verify check gsgd19.gsgd-trajectory-invariance examples/gsgd19-witness.json": 0,   # G-SGD: HOLDS
    "relu-verify check 'gsgd19.gsgd-trajectory-invariance~sgd' examples/gsgd19-witness.json": 1,  # SGD: VIOLATED
    "relu-verify distance examples/gamma.json examples/phi.json": 0,
    "relu-verify search beg19.thm31-inverse-stability": 0,   # decided per pair (certified κ bracket); nothing found
    "relu-verify flow examples/inst.json --T 10 --out enclosure.json --plot enclosure.png": 0,
    "relu-verify flow examples/inst.json --mode float --flow standard --T 100 --plot traj.png": 0,
    "relu-verify flow examples/inst.json --mode gd --eta 1/4 --steps 20 --arithmetic ball": 0,
    "relu-verify search ejrw22.open-standard-gf": 0,
    "relu-verify d0 build --d 1 --N 2 --out d0.json": 0,
    "relu-verify d0 gd --steps 100000 --points 3/10,9/20,11/20 --out run.json --plot run.png": 0,
    "relu-verify d0 gd --steps 8 --arithmetic exact": 0,
    "relu-verify d0 gd --steps 65536 --arithmetic float --batch cells:2 --eta 1/10 --init -4,8/5 --plot run.png": 0,
    "relu-verify --plugin examples/my_claims.py list --family me": 0,
    "relu-verify --plugin examples/my_claims.py search me.output-bias-gradient-zero --out reports/mine": 1,
    "relu-verify --plugin examples/my_claims.py check me.output-bias-gradient-zero "
    "reports/mine/witness-me.output-bias-gradient-zero.json": 1,
    "relu-verify --plugin examples/my_claims.py search me.output-bias-gradient-formula": 0,
    "relu-verify convert examples/onnx/model.onnx --out net.json": 0,
    "relu-verify check examples/onnx/instance.json": 0,
    "relu-verify convert examples/design.json --out net.onnx": 0,
    "relu-verify suite --profile ci --jobs 2 --out reports/parallel": 0,
    "relu-verify check cjrr21.gradient-bound examples/region-theta.json --certificate region-cert.json": 0,
    "relu-verify recheck region-cert.json": 0,
    "relu-verify check examples/region-gamma.json --plot region.png": 0,
    "relu-verify check examples/region-he16.json": 0,
    "relu-verify check examples/region-gsgd19.json": 0,
    "relu-verify check examples/region-violation.json --json --certificate witness.json": 1,
    "relu-verify check witness.json": 1,
    "relu-verify check cjrr21.lyapunov-identity examples/region-theta.json --max-boxes 200": 0,
}

# Reduced budgets for the test only (the README shows the user's command): (old, new) token runs.
REDUCE = {
    "relu-verify search cjrr21.gradient-bound~no-constant-term --seed 1": [("--seed 1", "--seed 1 --examples 50 --seconds 10")],
    "relu-verify suite --claims 'cjrr21.gd-*' --profile dev --out reports/today":
        [("'cjrr21.gd-*'", "'cjrr21.gd-lyapunov-decrease~*'"), ("--profile dev", "--profile ci")],
    "relu-verify search beg19.thm31-inverse-stability": [("stability", "stability --examples 15 --seconds 4")],
    "relu-verify search ejrw22.open-standard-gf": [("open-standard-gf", "open-standard-gf --examples 10 --seconds 2")],
    "relu-verify flow examples/inst.json --T 10 --out enclosure.json --plot enclosure.png": [("--T 10", "--T 1")],
    "relu-verify d0 gd --steps 100000 --points 3/10,9/20,11/20 --out run.json --plot run.png":
        [("--steps 100000", "--steps 10000")],
    "relu-verify d0 gd --steps 65536 --arithmetic float --batch cells:2 --eta 1/10 --init -4,8/5 --plot run.png":
        [("--steps 65536", "--steps 4096")],
    "relu-verify --plugin examples/my_claims.py search me.output-bias-gradient-formula":
        [("formula", "formula --examples 30 --seconds 10")],
    "relu-verify suite --profile ci --jobs 2 --out reports/parallel":
        [("--profile ci", "--claims 'gsgd19.path-sum*' --examples 10 --seconds 60")],
}

OUTPUT_FILES = ("enclosure.json", "enclosure.png", "traj.png", "d0.json", "run.json", "run.png", "net.json", "net.onnx",
                "region-cert.json", "region.png", "witness.json")
PRODUCERS = {  # a file a README command reads, and the README command that writes it
    "region-cert.json": "relu-verify check cjrr21.gradient-bound examples/region-theta.json --certificate region-cert.json",
    "witness.json": "relu-verify check examples/region-violation.json --json --certificate witness.json",
}


def blocks(lang: set[str]) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [m.group(2) for m in re.finditer(r"^```(\w+)\n(.*?)^```", text, re.S | re.M) if m.group(1) in lang]


def commands() -> list[str]:
    out = []
    for block in blocks({"bash", "sh"}):
        for line in block.splitlines():
            cmd = re.split(r"\s+#", line, maxsplit=1)[0].strip()
            if cmd and not cmd.startswith("#"):
                out.append(" ".join(cmd.split()))
    return out


def rewrite(cmd: str, tmp: Path) -> list[str]:
    """The argv the test runs: the reduced budget, outputs in ``tmp``, reports never in the repo."""
    for old, new in REDUCE.get(cmd, []):
        assert old in cmd, (cmd, old)
        cmd = cmd.replace(old, new, 1)
    argv = shlex.split(cmd)
    argv = [str(tmp / a[len("reports/"):]) if a.startswith("reports/") else
            str(tmp / a) if a in OUTPUT_FILES else a for a in argv]
    k = 1 + 2 * sum(1 for a in argv if a == "--plugin")  # the command, after any --plugin FILE
    if argv[k] == "search" and "--out" not in argv:
        argv += ["--out", str(tmp / ("search-" + argv[k + 1].replace("~", "-")))]
    exe = shutil.which("relu-verify")
    return ([exe] if exe else [sys.executable, "-m", "verify.cli"]) + argv[1:]


def run(argv: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="100")
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, env=env)


CMDS = commands()
RUNNABLE = [c for c in CMDS if not any(c.startswith(p) for p in SKIPPED)]


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("readme")


def test_every_command_is_documented():
    assert len(CMDS) - len(RUNNABLE) == 2, "the quickstart's two lines"
    unknown = [c for c in RUNNABLE if c not in EXPECTED]
    assert not unknown, f"README commands without an expected exit code in EXPECTED: {unknown}"
    stale = [c for c in EXPECTED if c not in RUNNABLE]
    assert not stale, f"EXPECTED lists commands the README no longer shows: {stale}"


@pytest.mark.parametrize("cmd", RUNNABLE)
def test_readme_command(cmd, tmp):
    if cmd.startswith("relu-verify report "):  # needs the suite's report folder
        if not (tmp / "today" / "report.json").exists():
            suite = next(c for c in RUNNABLE if c.startswith("relu-verify suite"))
            assert run(rewrite(suite, tmp)).returncode == EXPECTED[suite]
    if "reports/mine/" in cmd and not (tmp / "mine" / "report.json").exists():  # needs the plugin search's witness
        search = next(c for c in RUNNABLE if "--out reports/mine" in c)
        assert run(rewrite(search, tmp)).returncode == EXPECTED[search]
    for name, producer in PRODUCERS.items():  # a command that reads a file an earlier one writes
        if name in cmd.split() and producer != cmd and not (tmp / name).exists():
            assert run(rewrite(producer, tmp)).returncode == EXPECTED[producer]
    before = set(os.listdir(ROOT))
    res = run(rewrite(cmd, tmp))
    assert "Traceback" not in res.stderr + res.stdout, res.stderr[-2000:]
    assert res.returncode == EXPECTED[cmd], (res.returncode, res.stdout[-1500:], res.stderr[-1500:])
    new = {n for n in set(os.listdir(ROOT)) - before if not n.startswith(".")}  # dot-folders: caches, databases
    assert not new, f"the command wrote {new} into the repository root"
    for name in OUTPUT_FILES:
        if name in cmd.split():
            assert (tmp / name).stat().st_size > 0, name
    if cmd.startswith("relu-verify suite") or cmd.startswith("relu-verify report"):
        words = cmd.split()
        folder = tmp / (words[words.index("--out") + 1][len("reports/"):] if "--out" in words else "today")
        assert (folder / "report.md").exists() and (folder / "report.html").exists()


@pytest.mark.parametrize("i", range(len(blocks({"python"}))))
def test_readme_python_snippet(i):
    code = blocks({"python"})[i]
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert res.returncode == 0, f"snippet {i} failed:\n{code}\n{res.stderr[-2000:]}"


def test_first_python_snippet_states_its_result():
    import verify

    v = verify.check("cjrr21.lyapunov-identity", str(ROOT / "examples/design.json"))
    assert (v.status.value, str(v.relations[0].lhs), str(v.relations[0].rhs)) == ("HOLDS", "8618/441", "8618/441")


def test_instance_file_example_checks():
    import verify

    (inst,) = [json.loads(b) for b in blocks({"json"})]
    v = verify.check(inst["claim"], inst)
    assert v.status.value == "HOLDS"


def test_named_example_files_exist():
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"examples/[\w.@~-]+\.json", text))
    assert {"examples/net.json", "examples/gamma.json", "examples/phi.json", "examples/inst.json",
            "examples/gsgd19-witness.json"} <= named
    missing = [n for n in named if not (ROOT / n).is_file()]
    assert not missing, missing
    for n in named:
        json.loads((ROOT / n).read_text(encoding="utf-8"))


def test_benchmark_table_lists_every_script():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Benchmarks"):]
    listed = set(re.findall(r"^\| `(bench_\w+\.py)", section, re.M))
    present = {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert listed == present
    readme_b = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme_b for name in present)


def test_experiment_writes_to_an_untracked_folder_by_default():
    res = subprocess.run([sys.executable, "experiments/digits_gsgd.py", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=TIMEOUT)
    assert res.returncode == 0 and "experiments/out" in res.stdout
    assert "experiments/out/" in (ROOT / ".gitignore").read_text().split()
