"""Every registered claim points to a section of its proofs note, and the note names its
provenance tag exactly as the code does."""

import re
from pathlib import Path

import verify

ROOT = Path(__file__).resolve().parents[1]


def test_every_claim_has_its_note_section():
    missing = []
    for cid, claim in verify.all_claims().items():
        path, _, anchor = claim.note.partition("#")
        note = ROOT / path
        assert note.exists(), f"{cid}: note {path} missing"
        text = note.read_text()
        m = re.search(rf"^## {re.escape(anchor)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
        if m is None:
            missing.append(cid)
            continue
        assert f"[{claim.provenance}]" in m.group(1), f"{cid}: section does not state [{claim.provenance}]"
    assert not missing, f"claims without a note section: {missing}"


def test_every_mutant_is_named_in_the_note():
    for mid, m in verify.all_mutants().items():
        path = verify.all_claims()[m.parent].note.partition("#")[0]
        assert mid in (ROOT / path).read_text(), f"{mid} not mentioned in {path}"


def test_every_claim_and_mutant_has_a_violated_inventory_row():
    """Each family note lists, for every claim and mutant, the certified witness a VIOLATED rests
    on (issue 14: a VIOLATED never rests on a bound of the tool's own)."""
    missing = []
    for cid, claim in {**verify.all_claims(), **verify.all_mutants()}.items():
        parent = verify.all_claims()[claim.parent] if hasattr(claim, "parent") else claim
        text = (ROOT / parent.note.partition("#")[0]).read_text()
        m = re.search(r"^## VIOLATED inventory\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
        first_cells = [ln.split("|")[1] for ln in (m.group(1) if m else "").splitlines() if ln.startswith("|")]
        if not any(re.search(rf"(?<![\w.~@-]){re.escape(cid)}(?![\w.~@-])", cell) for cell in first_cells):
            missing.append(cid)
    assert not missing, f"ids without a row in their note's '## VIOLATED inventory' table: {missing}"
