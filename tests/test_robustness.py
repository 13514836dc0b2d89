"""Hostile input and resource limits (issue 14): one line and exit 2 for bad input, exit 4 for an
internal error (never 1, the code of VIOLATED), UNKNOWN naming the limit for a check that runs out
of time or memory, exact keys for cached balls, and verdicts that say when a default was used."""

import json
import subprocess
import sys
import textwrap

import pytest
from flint import arb, fmpq
from hypothesis import given
from hypothesis import strategies as st

from verify.framework import Claim, Hypothesis, relation
from verify.cli import main
from verify.errors import InputError
from verify.files import output_dir, output_file, read_json
from verify.numbers import exact_key, parse_number, sign, to_json
from verify.checking import check
from verify.registry import CLAIMS, register

from test_cli import GOOD, run  # the CLI tests' instance and in-process runner


def write(tmp_path, obj, name="inst.json"):
    p = tmp_path / name
    if isinstance(obj, bytes):
        p.write_bytes(obj)
    else:
        p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(p)


def one_line_error(code, err, *needles):
    assert code == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in lines[0], lines[0]


# ---- bad input ---------------------------------------------------------------------------------


def test_non_utf8_instance_is_bad_input(capsys, tmp_path):
    code, _, err = run(capsys, "check", "cjrr21.lyapunov-identity", write(tmp_path, b"\xff\xfe{}"))
    one_line_error(code, err, "not UTF-8")


def test_integers_beyond_pythons_digit_limit_are_read_exactly(tmp_path):
    big = "7" * 5000
    text = json.dumps(GOOD).replace('"1/2"', big, 1)  # a bare JSON integer literal of 5000 digits
    obj = read_json(write(tmp_path, text))
    value = 7 * (10 ** 5000 - 1) // 9  # 77…7, computed without decimal conversion
    assert parse_number(obj["network"]["theta"][0]) == fmpq(value)
    assert parse_number("-" + big + "/3") == -fmpq(value, 3)
    assert parse_number("0." + "5" * 5000) < 1


def test_numbers_past_the_documented_limit_are_refused(capsys, tmp_path):
    inst = json.loads(json.dumps(GOOD))
    inst["network"]["theta"][0] = "1" * 200_001
    code, _, err = run(capsys, "check", "cjrr21.lyapunov-identity", write(tmp_path, inst))
    one_line_error(code, err, "exceeds the limit")


@pytest.mark.parametrize("argv, needle", [
    (["check", "cjrr21.lyapunov-identity", "{f}", "--max-prec", "1"], "--max-prec"),
    (["check", "cjrr21.lyapunov-identity", "{f}", "--max-prec", "0"], "--max-prec"),
    (["check", "cjrr21.lyapunov-identity", "{f}", "--seconds", "nan"], "--seconds"),
    (["check", "cjrr21.lyapunov-identity", "{f}", "--seconds", "-1"], "--seconds"),
    (["check", "cjrr21.lyapunov-identity", "{f}", "--max-memory", "lots"], "--max-memory"),
    (["search", "cjrr21.lyapunov-identity", "--seconds", "nan"], "--seconds"),
    (["search", "cjrr21.lyapunov-identity", "--seconds", "inf"], "--seconds"),
    (["search", "cjrr21.lyapunov-identity", "--examples", "0"], "--examples"),
    (["list", "--family", "nope"], "--family"),
])
def test_bad_options_one_line(capsys, tmp_path, argv, needle):
    f = write(tmp_path, GOOD)
    code, _, err = run(capsys, *[a.replace("{f}", f) for a in argv])
    one_line_error(code, err, needle)


def test_output_paths_are_validated_before_any_work(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for argv in (["search", "cjrr21.lyapunov-identity", "--out", str(afile)],
                 ["search", "cjrr21.lyapunov-identity", "--out", str(afile / "sub")],
                 ["suite", "--claims", "cjrr21.lyapunov-identity", "--out", str(afile)],
                 ["d0", "build", "--out", str(tmp_path)],
                 ["d0", "build", "--out", str(afile / "net.json")],
                 ["d0", "gd", "--steps", "1", "--plot", str(afile / "x.png")]):
        code, _, err = run(capsys, *argv)
        one_line_error(code, err, "--")
    assert afile.read_text() == "x"
    with pytest.raises(InputError, match="is a directory"):
        output_file(tmp_path, "--out")
    assert output_dir(tmp_path / "new" / "folder", "--out").is_dir()


def test_argparse_errors_are_one_line_and_no_arguments_print_usage(capsys):
    code, _, err = run(capsys, "check")
    one_line_error(code, err, "required")
    code, out, _ = run(capsys)
    assert code == 2 and "exit codes" in out and "check" in out


def test_zero_density_is_bad_input(capsys, tmp_path):
    inst = dict(GOOD, measure={"kind": "density", "pieces": [{"interval": ["0", "1"], "coefficients": ["0"]}]})
    code, _, err = run(capsys, "check", "cjrr21.gd-lyapunov-decrease", write(tmp_path, inst))
    one_line_error(code, err, "zero")


@pytest.mark.parametrize("expr", ["abs(x)", "x", "max(x, 1/3)"])
def test_rational_expression_targets_on_a_box_are_integrated(expr):
    """A rational expression is integrated by acb.integral in balls; the exact attempt used to
    crash with a TypeError from an unset precision."""
    inst = dict(GOOD, target={"kind": "expression", "expression": expr})
    v = check("cjrr21.gradient-bound", inst)
    assert v.status.value in ("HOLDS", "UNKNOWN")


def test_missing_target_is_said():
    v = check("cjrr21.lyapunov-identity", {k: GOOD[k] for k in ("network", "measure")})
    assert any("no 'target'" in n for n in v.notes)
    assert not any("no 'target'" in n for n in check("cjrr21.lyapunov-identity", GOOD).notes)


# ---- internal errors and limits ------------------------------------------------------------------


@pytest.fixture
def boom_claim():
    def evaluate(ev):
        raise ZeroDivisionError("planted bug")

    claim = Claim(id="test.boom", source="test", provenance="DERIVED", statement="raises", evaluate=evaluate,
                  note="proofs_notes/README.md")
    register(claim)
    yield claim
    CLAIMS.pop(claim.id, None)


def test_internal_error_exits_4_not_1(capsys, tmp_path, boom_claim):
    code, out, err = run(capsys, "check", "test.boom", write(tmp_path, GOOD))
    assert code == 4 and "internal error" in err and "ZeroDivisionError" in err and "Traceback" not in err
    assert "VIOLATED" not in out
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "check", "test.boom", write(tmp_path, GOOD)])


SLOW = textwrap.dedent("""
    import sys, time
    from verify.framework import Claim
    from verify.registry import register
    from verify.cli import main

    def evaluate(ev):
        if sys.argv[1] == "time":
            time.sleep(60)
        big = [bytearray(64 << 20) for _ in range(64)]  # 4 GiB
        return [], []

    register(Claim(id="test.slow", source="t", provenance="DERIVED", statement="s", evaluate=evaluate, note="n"))
    sys.exit(main(["check", "test.slow", sys.argv[2], "--seconds", "3", "--max-memory", "256M"] + sys.argv[3:]))
""")


@pytest.mark.parametrize("which, needle", [("time", "time limit of 3 s"), ("memory", "memory limit")])
def test_check_budget_ends_as_unknown_naming_the_limit(tmp_path, which, needle):
    f = write(tmp_path, GOOD)
    p = subprocess.run([sys.executable, "-c", SLOW, which, f], capture_output=True, text=True, timeout=60)
    assert p.returncode == 3, p.stderr
    assert "UNKNOWN" in p.stdout and needle in p.stdout and "Traceback" not in p.stderr
    p = subprocess.run([sys.executable, "-c", SLOW, which, f, "--json"], capture_output=True, text=True, timeout=60)
    v = json.loads(p.stdout)
    assert p.returncode == 3 and v["status"] == "UNKNOWN" and needle in v["limit"]


# ---- caches and keys -------------------------------------------------------------------------


def test_exact_keys_separate_balls_that_print_alike():
    a = arb(1) / 3
    b = a + arb("0 +/- 1e-35")
    assert to_json(a) == to_json(b)  # the 30-digit printed forms agree ...
    assert exact_key(a) != exact_key(b)  # ... the exact endpoints do not
    assert exact_key(fmpq(1, 3)) == exact_key(fmpq(2, 6)) != exact_key(arb(1) / 3)


def test_risk_cache_distinguishes_balls_with_equal_printed_form():
    from verify.framework import Evaluation, Instance
    from verify.nets import Network

    inst = Instance.from_json(GOOD)
    ev = Evaluation(inst, {}, 128)
    theta = [arb(t) for t in inst.net.theta]
    theta[0] = arb(1) / 3  # an inexact ball at the working precision
    wide = list(theta)
    wide[0] = theta[0] + arb("0 +/- 1e-36")
    r1 = ev.risk_grad(Network(inst.net.widths, tuple(theta)))
    r2 = ev.risk_grad(Network(inst.net.widths, tuple(wide)))
    assert to_json(list(theta)) == to_json(wide)  # the printed parameters agree ...
    assert r2 is not r1  # ... but the second ball vector is evaluated, not served from the cache
    assert ev.risk_grad(Network(inst.net.widths, tuple(wide))) is r2


def test_every_family_claim_registered_once():
    import verify

    assert len(verify.all_claims()) == len(set(verify.all_claims()))
    assert Hypothesis("x", False).holds is False and relation("r", fmpq(1), "≤", fmpq(2)).status.value == "HOLDS"


@given(st.integers(-10 ** 9, 10 ** 9), st.integers(-80, 80), st.integers(0, 10 ** 9), st.integers(-80, 80))
def test_certified_sign_agrees_with_the_exact_endpoints(m, e, r, f):
    """`sign` decides from bit lengths when it can; the answer must be the one of the exact
    endpoints mid ± rad (computed here from the man-exp pairs with Python integers)."""
    x = arb(m) * arb(2) ** e + arb(0, arb(r) * arb(2) ** f)
    (mm, me), (rm, re_) = x.mid().man_exp(), x.rad().man_exp()
    mid = fmpq(int(mm)) * fmpq(2) ** int(me)
    rad = fmpq(int(rm)) * fmpq(2) ** int(re_)
    lo, hi = mid - rad, mid + rad
    expected = 1 if lo > 0 else -1 if hi < 0 else 0 if lo == hi == 0 else None
    assert sign(x) == expected


def test_sign_of_a_ball_with_a_huge_exponent_is_immediate():
    big = arb(2) ** (2 ** 40)
    assert sign(big) == 1 and sign(-big) == -1 and sign(arb(0, big)) is None


def test_nothing_checked_is_unknown_not_holds():
    from verify.framework import combine

    assert combine([], [Hypothesis("p bounded below", None)]) == (verify_status("UNKNOWN"), False)
    assert combine([], []) == (verify_status("UNKNOWN"), False)
    assert combine([], [Hypothesis("scope", False)]) == (verify_status("HOLDS"), True)


def verify_status(name):
    from verify.framework import Status

    return Status(name)
