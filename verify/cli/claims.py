"""``relu-verify list`` and ``relu-verify check``: the registered claims, and one verdict on one instance file."""

from __future__ import annotations

import json
from pathlib import Path

from ..framework import format_verdict
from ..errors import InputError
from ..files import read_json
from .common import console


def cmd_list(args) -> int:
    import verify

    claims, mutants = verify.all_claims(), verify.all_mutants()
    families = sorted({c.family for c in claims.values()})
    if args.family and args.family not in families:
        raise InputError(f"unknown family {args.family!r} (families: {', '.join(families)})", "--family")
    if args.claim:
        return _list_one(args.claim, args.json)
    shown = [c for c in claims.values() if not args.family or c.family == args.family]
    if args.json:
        print(json.dumps([_claim_json(c) for c in shown], indent=2, ensure_ascii=False))
        return 0
    width = max(console().width, 40)
    ids = [c.id for c in shown] + ([m.id for c in shown for m in c.mutants] if args.mutants else [])
    id_w = min(max(map(len, ids), default=10), max(width - 37, max(map(len, claims))))  # ≥ 30 columns of text
    print(f"{'claim':<{id_w}}  tag  statement")
    for c in shown:
        print(_one_line(c.id, PROV_TAGS.get(c.provenance, c.provenance), c.statement, id_w, width))
        if args.mutants:
            for m in c.mutants:
                print(_one_line("  " + m.id, "MUT", m.statement, id_w, width))
    n_mut = sum(len(c.mutants) for c in shown)
    print(f"{len(shown)} claims, {n_mut} mutants" + ("" if args.mutants else " (show them with --mutants)")
          + "; the full entry of one: relu-verify list CLAIM")
    print("tags: " + ", ".join(f"{t} {p}" for p, t in PROV_TAGS.items()))
    if args.mutants:
        print("      MUT a planted violation (a mutant CLAIM~NAME)")
    return 0


PROV_TAGS = {"ABSTRACT": "ABS", "PAPER-FAMILY": "FAM", "RECONSTRUCTED": "REC", "DERIVED": "DER"}


def _one_line(ident: str, tag: str, text: str, id_w: int, width: int) -> str:
    """``ident  TAG  text`` in ``width`` columns: the id is never cut (a longer one moves the text to
    the next line); the text is cut at a word boundary with an ellipsis."""
    from rich.cells import cell_len

    head = f"{ident:<{id_w}}  {tag:<3}  "
    if cell_len(ident) > id_w:
        head = ident + "\n" + " " * (id_w + 2) + f"{tag:<3}  "
    room = width - (id_w + 7)
    if room < 20:  # too narrow for a statement beside the id: under it
        return head.rstrip() + "\n    " + _cut(text, width - 4)
    return head + _cut(text, room)


def _cut(text: str, room: int) -> str:
    from rich.cells import cell_len

    if cell_len(text) <= room:
        return text
    out = ""
    for word in text.split(" "):
        if cell_len(out + " " + word) + 1 > room:
            break
        out = (out + " " + word) if out else word
    if not out:  # one very long word
        out = text[:max(room - 1, 1)]
    return out.rstrip(",;:") + "…"


def _claim_json(c) -> dict:
    from ..registry import VARIANT_GROUPS

    return {"id": c.id, "family": c.family, "provenance": c.provenance, "statement": c.statement,
            "source": c.source, "note": c.note, "variants": list(c.variant_groups),
            "variant_options": {g: {"options": list(VARIANT_GROUPS[g].options), "default": VARIANT_GROUPS[g].default,
                                    "doc": VARIANT_GROUPS[g].doc} for g in c.variant_groups},
            "params": {k: p.to_json() for k, p in c.params.items()}, "params_doc": c.params_doc,
            "mutants": [m.id for m in c.mutants], "code": where_defined(c.evaluate)}


def where_defined(fn) -> str | None:
    """``verify/cjrr21/claims/identity.py:120 (eval_identity)``: where a claim's evaluation is
    written, relative to the folder that holds the package (None for what has no source)."""
    import inspect
    import sys

    fn = inspect.unwrap(fn)
    try:
        path = Path(inspect.getsourcefile(fn)).resolve()
        line = inspect.getsourcelines(fn)[1]
    except (TypeError, OSError):
        return None
    top = sys.modules.get(fn.__module__.split(".")[0])
    root = Path(top.__file__).resolve().parent.parent if top is not None and getattr(top, "__file__", None) else None
    shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
    return f"{shown.as_posix()}:{line} ({fn.__qualname__})"


def _list_one(ref: str, as_json: bool) -> int:
    """The full entry of one claim (or of a mutant and its parent), with the variants of ``ref``
    in force in the statement."""
    import textwrap

    from ..registry import VARIANT_GROUPS, resolve

    claim, mutant, values = resolve(ref)
    if as_json:
        out = _claim_json(claim)
        out["statement_in_force"] = claim.statement_for(values)
        if mutant is not None:
            out["mutant"] = {"id": mutant.id, "spec": mutant.spec_name, "statement": mutant.statement,
                             "forced_variants": mutant.forced_variants}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    width = max(min(console().width, 120), 40)

    def put(label, text, indent=2):
        pad = " " * indent
        print(textwrap.fill(text, width, initial_indent=f"{pad}{label:<11} ", subsequent_indent=pad + " " * 12))

    if mutant is not None:
        print(f"{mutant.id}  [planted violation {mutant.spec_name}]")
        put("statement", mutant.statement)
        if mutant.forced_variants:
            put("variants", ", ".join("@" + v for v in mutant.forced_variants.values()))
        print(f"  mutant of {claim.id}:")
        print()
    print(f"{claim.id}  [{claim.provenance}]")
    put("statement", claim.statement_for(values))
    if claim.statement_for(values) != claim.statement:
        put("(default)", claim.statement)
    put("source", claim.source)
    put("note", claim.note)
    put("family", claim.family)
    put("code", where_defined(claim.evaluate) or "(no source)")
    put("examples", f"{len(claim.examples)} built-in")
    if claim.variant_groups:
        print("  variant groups (CLAIM@OPTION; * default, > selected)")
        for g in claim.variant_groups:
            grp = VARIANT_GROUPS[g]
            sel = values.get(g + ":name")
            opts = "  ".join(("> " if o == sel and values.get(g + ":explicit") else "")
                             + o + ("*" if o == grp.default else "") for o in grp.options)
            put(g, opts, 4)
            if grp.doc:
                print(textwrap.fill(grp.doc, width, initial_indent=" " * 16, subsequent_indent=" " * 16))
    else:
        put("variants", "none")
    if claim.params:
        print("  params (the instance's \"params\" object)")
        for k, prm in claim.params.items():
            default = "none" if prm.default is None else json.dumps(prm.default, ensure_ascii=False)
            put(k, f"{prm.type}; default {default}; {prm.doc}", 4)
    else:
        put("params", "none")
    if claim.params_doc:
        put("params doc", claim.params_doc)
    if claim.mutants:
        print("  mutants (planted violations)")
        for m in claim.mutants:
            put(m.id, f"[{m.spec_name}] {m.statement}", 4) if len(m.id) <= 10 else (
                print(f"    {m.id}"), print(textwrap.fill(f"[{m.spec_name}] {m.statement}", width,
                                                   initial_indent=" " * 8, subsequent_indent=" " * 8)))
    return 0


# --------------------------------------------------------------------------------------------
# check


MIN_PREC, MAX_PREC = 16, 1 << 16


def _precisions(max_prec):
    """The ball precisions ``check`` tries, up to ``--max-prec`` bits."""
    from ..numbers import DEFAULT_PRECISIONS

    if max_prec is None:
        return DEFAULT_PRECISIONS
    if not MIN_PREC <= max_prec <= MAX_PREC:
        raise InputError(f"must be between {MIN_PREC} and {MAX_PREC} bits, got {max_prec}", "--max-prec")
    return tuple(p for p in DEFAULT_PRECISIONS if p <= max_prec) or (max_prec,)


def add_certificate_option(parser) -> None:
    """``check --certificate FILE``: where a claim that decides by an infinite-horizon certificate
    (`verify.invariance`; e.g. ejrw22.bounded-gf-h1, ejrw22.open-standard-gf) writes it as JSON.
    Idempotent; called by the families whose claims write certificates."""
    if any("--certificate" in a.option_strings for a in parser._actions):
        return
    parser.add_argument("--certificate", metavar="FILE",
                        help="write the certificate behind the verdict (an invariant set, a Lyapunov function, ...) "
                             "as JSON to FILE, for the claims that decide by one")


def cmd_check(args) -> int:
    from ..framework import Instance
    from ..checking import check
    from ..files import output_file
    from ..invariance import CERTIFICATE_PATH

    precs = _precisions(args.max_prec)
    cert_path = output_file(args.certificate, "--certificate") if getattr(args, "certificate", None) else None
    plot_path = output_file(args.plot, "--plot") if getattr(args, "plot", None) else None
    before = cert_path.stat().st_mtime_ns if cert_path is not None and cert_path.exists() else None
    inst = Instance.load(args.file)
    ref = args.claim or inst.claim
    if not ref:
        raise InputError("no claim given: name one on the command line or put 'claim' in the file", args.file)
    from .runs import _dask_target

    target = _dask_target(args)
    if target is not None and inst.region is None:
        raise InputError("--jobs/--scheduler run a region's sub-boxes on Dask: this instance has no 'region'", "--jobs")
    if inst.region is not None:
        v = _check_region(args, ref, inst, precs, target)
    else:
        if plot_path is not None:
            raise InputError("--plot draws a region: the instance has no 'region'", "--plot")
        token = CERTIFICATE_PATH.set(cert_path)  # claims with infinite-horizon certificates write them here
        try:
            v = check(ref, inst, precisions=precs)
        finally:
            CERTIFICATE_PATH.reset(token)
    written_by_claim = (cert_path is not None and cert_path.exists()
                        and cert_path.stat().st_mtime_ns != before)
    if args.json:
        print(json.dumps(v.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_verdict(v))
        if v.region is not None:
            print(_region_lines(v))
    if plot_path is not None:
        from ..regions import plot_region

        plot_region(v, plot_path)
    if cert_path is not None and not written_by_claim:
        _write_certificate(v, cert_path, quiet=args.json)
    return v.exit_code


def _check_region(args, ref, inst, precs, target=None):
    """A region's branch and bound within the command's budget: it stops itself before the
    watchdog's ``--seconds`` so the partial result (certified fraction, undecided boxes) is reported.
    With a Dask ``target`` (jobs, scheduler): sub-boxes as tasks (`verify.distributed.region_on_dask`)."""
    from ..budget import parse_seconds
    from ..regions import check_region

    if args.max_boxes < 1:
        raise InputError(f"must be ≥ 1, got {args.max_boxes}", "--max-boxes")
    total = parse_seconds(args.time_limit, "--seconds")
    seconds = max(0.5, 0.35 * total - 0.5)
    if target is None:
        return check_region(ref, inst, precs, seconds=seconds, max_boxes=args.max_boxes)
    from .. import distributed
    from ..registry import USER_PLUGINS

    client, close = distributed.connect(*target)
    try:
        v, run = distributed.region_on_dask(client, ref, inst, seconds, args.max_boxes, list(USER_PLUGINS))
    finally:
        close()
    if run.rescheduled:
        v.notes.append("rerun after a worker died: " + "; ".join(f"{k} ({w})" for k, w in run.rescheduled.items()))
    return v


def _region_lines(v) -> str:
    from ..regions import fraction_text

    r = v.region
    shown = [c['name'] + ' ∈ [' + c['lo'] + ', ' + c['hi'] + ']' for c in r['coordinates']]
    if len(shown) > 6:  # one terminal line: the rest is in --json
        shown = shown[:5] + [f"… ({len(shown)} coordinates in all; --json lists them)"]
    lines = [f"  region      {', '.join(shown)}",
             f"  boxes       {r['boxes_evaluated']} evaluated, {r['leaves']} leaves, certified volume fraction "
             f"{fraction_text(r['certified_fraction'])}, {r['undecided_count']} undecided"]
    if v.witness is not None:
        lines.append("  witness     an ordinary instance without region: write it with --certificate FILE, "
                     "then `relu-verify check FILE`")
    return "\n".join(lines)


def _write_certificate(v, path, quiet=False):
    """``--certificate FILE``: the verdict's certificate (any kind: a dict with "kind"), or a region's
    witness instance; written atomically."""
    import sys

    from ..files import write_atomic

    obj = v.certificate if v.certificate is not None else v.witness
    if obj is None:
        print(f"relu-verify: no certificate to write ({v.status.value}); {path} not written", file=sys.stderr)
        return
    write_atomic(path, json.dumps(obj, indent=1, ensure_ascii=False) + "\n")
    if not quiet:
        what = f"certificate ({obj['kind']})" if v.certificate is not None else "witness instance"
        how = f"relu-verify recheck {path}" if v.certificate is not None else f"relu-verify check {path}"
        print(f"  written     {what} to {path} — re-check: {how}")


def cmd_recheck(args) -> int:
    """``relu-verify recheck FILE``: re-verify a certificate through its kind's checker; 0 if it
    re-checks, 1 if it does not (a tampered or wrong certificate)."""
    from ..registry import recheck_certificate

    obj = read_json(args.file)
    out = recheck_certificate(obj)
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(f"{out.get('claim', '?')}: certificate {'RE-CHECKED' if out['ok'] else 'FAILED'} "
              f"({obj.get('kind')}): {out['reason']}")
    return 0 if out["ok"] else 1


def check_limit(args, reason: str) -> int:
    """The UNKNOWN verdict of a ``check`` that its time or memory budget ended."""
    ref = args.claim
    try:
        obj = read_json(args.file)
        ref = ref or (obj.get("claim") if isinstance(obj, dict) else None)
    except InputError:
        obj = None
    if args.json:
        print(json.dumps({"claim": ref, "status": "UNKNOWN", "vacuous": False, "limit": reason,
                          "notes": [f"stopped: {reason}"], "relations": [], "hypotheses": [],
                          "instance": obj}, indent=2, ensure_ascii=False))
    else:
        print(f"{ref}: UNKNOWN\n  note        stopped: {reason}; nothing was decided")
    return 3
