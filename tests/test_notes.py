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
