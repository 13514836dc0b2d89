"""The report folder: `write` stores a run's report and its witness files and calls `render`, which
re-creates every derived file from ``report.json`` alone (``relu-verify report DIR``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..files import witness_instance, write_atomic, write_atomic_bytes
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown
from .model import check_report, witness_name
from .plots import make_plots


def load_report(path: Path) -> dict:
    """The checked report dict stored at ``path``; `InputError` if missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no report.json here (write one with `relu-verify suite --out DIR`)", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", str(path)) from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}", str(path)) from None
    return check_report(report, str(path))


def write(out_dir, report: dict) -> list[Path]:
    """Write ``report.json``, one ``witness-<id>.json`` per counterexample (its verdict's instance
    with ``claim`` set to the result id), a copy of every plugin file the run loaded (the re-check
    commands say ``--plugin NAME.py``, run in this folder) and everything `render` makes; returns
    the paths."""
    out = Path(out_dir)
    check_report(report)
    paths = [write_atomic(out / "report.json", json.dumps(report, indent=1, ensure_ascii=False))]
    for r in report["results"]:
        if r.get("counterexample"):
            instance = witness_instance(r["id"], r["counterexample"]["verdict"]["instance"])
            paths.append(write_atomic(out / witness_name(r["id"]), json.dumps(instance, indent=2, ensure_ascii=False)))
    for spec in report.get("plugins") or []:  # a copy of each plugin file: the re-check commands name it
        src = Path(spec)
        if spec.endswith(".py") and src.is_file() and src.resolve() != (out / src.name).resolve():
            paths.append(write_atomic(out / src.name, src.read_text(encoding="utf-8")))
    return paths + render(out)


def render(out_dir) -> list[Path]:
    """From ``out_dir/report.json`` alone: write ``plots/*.png``, ``report.md``, ``report.html``
    and ``junit.xml``; returns the paths.  `InputError` if report.json is missing or malformed."""
    out = Path(out_dir)
    report = load_report(out / "report.json")
    plots = make_plots(report)
    paths = [write_atomic_bytes(out / "plots" / name, png) for name, png in plots.items() if isinstance(png, bytes)]
    paths.append(write_atomic(out / "report.md", render_markdown(report, plots)))
    paths.append(write_atomic(out / "report.html", render_html(report, plots)))
    paths.append(write_atomic(out / "junit.xml", render_junit(report)))
    return paths
