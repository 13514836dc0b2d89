"""`relu-verify list`: the compact one-line form at 80/100 columns, `list CLAIM`, the documented
per-claim params (`list --json`), and statements that follow the variants in force."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

import verify
from verify import checking, registry
from verify.framework import Evaluation, Instance, Param
from verify.numbers import Undecided

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = verify.all_claims()


def run(*argv, columns=None):
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    if columns:
        env["COLUMNS"] = str(columns)
    return subprocess.run([sys.executable, "-m", "verify.cli", *argv], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def listings():
    return {w: run("list", "--mutants", columns=w) for w in (80, 100)}


@pytest.mark.parametrize("width", [80, 100])
def test_compact_list_fits_and_keeps_every_id(listings, width):
    p = listings[width]
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    too_long = [ln for ln in lines if cell_len(ln) > width]
    assert not too_long, too_long[:3]
    firsts = [ln.split()[0] for ln in lines if ln.strip()]
    for cid, c in CLAIMS.items():  # every id whole, as the first word of its own line, with its tag
        row = [ln for ln in lines if ln.split() and ln.split()[0] == cid]
        assert len(row) == 1, cid
        assert row[0].split()[1] == {"ABSTRACT": "ABS", "PAPER-FAMILY": "FAM", "RECONSTRUCTED": "REC",
                                     "DERIVED": "DER"}[c.provenance]
        for m in c.mutants:
            assert m.id in firsts, m.id  # the full mutant id, never cut
    n_mutants = sum(len(c.mutants) for c in CLAIMS.values())
    wrapped = 0 if width == 100 else 20  # at 80 columns the longest mutant ids take a line of their own
    assert len(lines) <= len(CLAIMS) + n_mutants + 5 + wrapped  # one line per claim and mutant (+ header/footer)
    assert "…" in p.stdout  # long statements are cut, with a mark ...
    assert not re.search(r"\S…\S", p.stdout)  # ... at a word boundary


def test_compact_list_without_mutants_and_by_family():
    p = run("list", "--family", "gsgd19", columns=100)
    assert p.returncode == 0, p.stderr
    ids = [ln.split()[0] for ln in p.stdout.splitlines() if ln.startswith("gsgd19.")]
    assert ids == [c for c in CLAIMS if c.startswith("gsgd19.")]
    assert "~" not in p.stdout.split("claims,")[0]


def test_list_one_claim_prints_the_full_entry():
    c = CLAIMS["cjrr21.gd-lyapunov-decrease"]
    p = run("list", c.id, columns=100)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    flat = " ".join(out.split())
    for text in (c.id, c.provenance, c.source, c.note):
        assert text in flat, text
    assert " ".join(c.statement.split()) in flat
    for g in c.variant_groups:
        grp = registry.VARIANT_GROUPS[g]
        assert g in out
        for opt in grp.options:
            assert opt in out
        assert grp.default + "*" in out
    for key, prm in c.params.items():
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(key + " ") or ln.strip() == key)
        assert prm.type in line
    for m in c.mutants:
        assert m.id in out
    assert all(cell_len(ln) <= 100 for ln in out.splitlines())


def test_list_mutant_and_variant_reference():
    p = run("list", "gsgd19.float-pow2-bitwise~non-pow2", columns=80)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("gsgd19.float-pow2-bitwise~non-pow2")
    assert "mutant of gsgd19.float-pow2-bitwise" in p.stdout
    assert "params" in p.stdout and "    c " in p.stdout
    p = run("list", "cjrr21.degenerate-frozen@deriv0-half", columns=100)
    assert p.returncode == 0, p.stderr
    assert "> deriv0-half" in p.stdout
    assert "under ReLU′(0) = 1/2" in p.stdout  # the statement in force, and the default one below it
    assert "under ReLU′(0) = 0," in p.stdout


def test_every_full_entry_renders(capsys):
    """`list REF` (text and JSON) for every claim and every mutant, in-process."""
    from verify.cli import main

    for ref in list(CLAIMS) + list(verify.all_mutants()):
        assert main(["list", ref]) == 0
        text = capsys.readouterr().out
        assert ref in text and "params" in text
        assert main(["list", ref, "--json"]) == 0
        entry = json.loads(capsys.readouterr().out)
        assert entry["id"] == ref.split("~")[0]


def test_list_unknown_claim_is_bad_input():
    p = run("list", "cjrr21.degenerate-frozn")
    assert p.returncode == 2
    assert "did you mean cjrr21.degenerate-frozen" in p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_list_json_documents_params():
    p = run("list", "--json")
    assert p.returncode == 0, p.stderr
    out = {e["id"]: e for e in json.loads(p.stdout)}
    assert set(out) == set(CLAIMS)
    for cid, c in CLAIMS.items():
        assert set(out[cid]["params"]) == set(c.params)
        for key, doc in out[cid]["params"].items():
            assert set(doc) == {"type", "default", "doc"} and doc["type"] and doc["doc"], (cid, key)
        assert set(out[cid]["variant_options"]) == set(c.variant_groups)
    assert out["cjrr21.degenerate-frozen"]["params"]["steps"] == {"type": "int 0..50", "default": 2,
                                                                  "doc": "GD steps"}
    assert out["beg19.relu-identities"]["params"]["lambda"]["default"] == 2
    one = json.loads(run("list", "cjrr21.degenerate-frozen@deriv0-closed", "--json").stdout)
    assert "ReLU′(0) = 1," in one["statement_in_force"] and one["params"]["gamma"]["default"] == "1/10"


# --- every params key a claim reads is documented ---------------------------------------------

_READERS = re.compile(r"""(?:ev\.param|rational_param|params\.get|_q|_positive|_scalar|_horizon_param|_list|_other)"""
                      r"""\((?:ev, (?:net, )?)?["']([A-Za-z_0-9]+)["']|params\[["']([A-Za-z_0-9]+)["']\]""")


@pytest.mark.parametrize("family", sorted({c.family for c in CLAIMS.values()}))
def test_every_key_in_the_source_is_documented(family):
    """Every literal key a family's source reads is a documented param of some claim of the family."""
    pkg = ROOT / "verify" / family
    files = [pkg / "claims.py"] if (pkg / "claims.py").exists() else sorted((pkg / "claims").rglob("*.py"))
    src = "\n".join(f.read_text() for f in files)
    read = {a or b for a, b in _READERS.findall(src)}
    documented = set().union(*(c.params for c in CLAIMS.values() if c.family == family))
    assert read, family
    assert read <= documented, sorted(read - documented)


class _Recording(dict):
    def __init__(self, data, seen):
        super().__init__(data)
        self.seen = seen

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)


def test_every_key_read_on_the_examples_is_documented():
    """Run every claim on its built-in examples (and every mutant on its witness) with a params
    object that records each key asked for: each must be a documented param of the claim."""
    undocumented = {}
    for cid, c in CLAIMS.items():
        seen: set = set()
        runs = [(cid, ex) for ex in c.examples] + [(m.id, m.witness) for m in c.mutants]
        for ref, ex in runs:
            inst = Instance.from_json(ex)
            inst.params = _Recording(inst.params, seen)
            claim, mutant, variants = registry.resolve(ref, inst.variants)
            try:
                checking._evaluate(claim, mutant, inst, variants, None if inst.is_exact() else 64)
            except Undecided:
                pass
        if seen - set(c.params):
            undocumented[cid] = sorted(seen - set(c.params))
    assert not undocumented


def test_params_are_param_records():
    for c in CLAIMS.values():
        for key, prm in c.params.items():
            assert isinstance(prm, Param) and re.fullmatch(r"[A-Za-z_0-9]+", key), (c.id, key)


# --- statements follow the variants in force ---------------------------------------------------


def test_check_prints_the_variant_statement():
    p = run("check", "cjrr21.degenerate-frozen@deriv0-half", "examples/design.json")
    assert p.returncode in (0, 1, 3), p.stderr
    stmt = next(ln for ln in p.stdout.splitlines() if ln.strip().startswith("statement"))
    assert "ReLU′(0) = 1/2" in stmt and "ReLU′(0) = 0" not in stmt
    v = checking.check("cjrr21.degenerate-frozen", ROOT / "examples" / "design.json")
    assert "ReLU′(0) = 0" in v.statement  # the default is unchanged


def test_every_statement_substitution_is_live():
    """Each variant's substitution rewrites the statement of at least one claim that has the
    variant's group, and the default variants leave every statement as it is."""
    for cid, c in CLAIMS.items():
        _, _, defaults = registry.resolve(cid)
        assert c.statement_for(defaults) == c.statement, cid
    subs = {}
    for c in CLAIMS.values():
        for name in c.statement_subs:
            subs.setdefault(name, []).append(c)
    assert {"deriv0-closed", "deriv0-half", "step-local", "step-paper", "relu-prime-one", "q-full", "n-semi",
            "p-cont", "H-any", "err-r1"} <= set(subs)
    for name, cs in subs.items():
        group = next(g for g in registry.VARIANT_GROUPS.values() if name in g.options)
        changed = [c.id for c in cs if group.name in c.variant_groups
                   and c.statement_for(registry.resolve(f"{c.id}@{name}")[2]) != c.statement]
        assert changed, name


def test_every_claim_says_where_its_code_is():
    """`list --json`'s "code" names the file and line of the claim's evaluation, inside its
    family's package, and the named function is defined on that line."""
    out = json.loads(run("list", "--json").stdout)
    assert len(out) == len(CLAIMS)
    for c in out:
        m = re.fullmatch(r"(verify/(\w+)/\S+\.py):(\d+) \(([\w.<>]+)\)", c["code"] or "")
        assert m, c["code"]
        path, family, line, name = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        assert family == c["family"], (c["id"], path)
        source = (Path(verify.__file__).parent.parent / path).read_text().splitlines()
        defined = "lambda" if name.endswith("<lambda>") else rf"def {name.split('.')[-1]}\("
        assert re.search(defined, source[line - 1]), (c["id"], source[line - 1])
