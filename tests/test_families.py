"""Every registered claim of the gsgd19, beg19, ejrw22 and yoneda23 families holds on its built-in examples (or
is UNKNOWN where the specification says so by design), and every planted violation is VIOLATED on its
witness and confirmed by an independent re-verification."""

import pytest

import verify

FAMILIES = ("gsgd19.", "beg19.", "ejrw22.", "yoneda23.")
CLAIMS = sorted(c for c in verify.all_claims() if c.startswith(FAMILIES))
MUTANTS = sorted(m for m in verify.all_mutants() if m.startswith(FAMILIES))
UNKNOWN_BY_DESIGN = {"beg19.restricted-expressivity"}


def test_the_specifications_counts():
    count = {f: (sum(c.startswith(f) for c in CLAIMS), sum(m.startswith(f) for m in MUTANTS)) for f in FAMILIES}
    assert count == {"gsgd19.": (13, 17), "beg19.": (18, 11), "ejrw22.": (14, 12), "yoneda23.": (13, 11)}


@pytest.mark.parametrize("cid", CLAIMS)
def test_examples(cid):
    for ex in verify.all_claims()[cid].examples:
        v = verify.check(cid, ex)
        want = "UNKNOWN" if cid in UNKNOWN_BY_DESIGN else "HOLDS"
        assert v.status == want and not v.vacuous, (cid, [r.to_json() for r in v.relations])


@pytest.mark.parametrize("mid", MUTANTS)
def test_planted_violations(mid):
    m = verify.all_mutants()[mid]
    v = verify.check(mid, m.witness)
    assert v.status == "VIOLATED", [r.to_json() for r in v.relations]
    assert v.reverified.startswith("confirmed")
