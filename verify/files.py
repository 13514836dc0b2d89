"""Files a user hands in or gets back: JSON read exactly, outputs written atomically (layer 1).

Every function here turns what a user can get wrong (a missing file, bytes that are not UTF-8,
an integer of 5000 digits, ``--out`` naming a directory or a path under a regular file) into one
`InputError` saying what is wrong and where, before any long computation starts.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from .errors import InputError
from .numbers import json_int


def _reject_constant(name):
    raise InputError(f"{name} is not a finite number (JSON has no NaN or infinity)", "JSON")


def parse_json(text: str, where: str):
    """``json.loads`` with exact integers of any length (up to `numbers.MAX_DIGITS`), NaN and
    infinities refused, and decoder errors as `InputError`."""
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=json_int)
    except json.JSONDecodeError as e:
        raise InputError(f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}", where) from None
    except InputError as e:
        raise InputError(str(e).removeprefix("JSON: "), where) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", where) from None


def read_json(path) -> object:
    """The JSON value in the file ``path`` (UTF-8), read with `parse_json`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory, expected a JSON file", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start} is {data[e.start]:#04x})", str(path)) from None
    return parse_json(text, str(path))


def _writable_dir(d: Path, option: str, target: Path):
    """Make ``d`` (with its parents) and probe it with a temporary file; `InputError` naming
    ``option`` when that fails (a path under a regular file, a read-only or virtual file system)."""
    probe = d
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise InputError(f"{target}: {probe} is a file, not a directory", option)
    try:
        d.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=d):
            pass
    except OSError as e:
        raise InputError(f"{target}: cannot write into {d}: {e.strerror or e}", option) from None


def output_file(path, option: str) -> Path:
    """Validate ``path`` as a file to be written (an existing regular file is replaced
    atomically); raise `InputError` naming ``option`` when it cannot be."""
    if path is None:
        return None
    p = Path(path)
    if str(path).strip() == "":
        raise InputError("empty path", option)
    if p.is_dir():
        raise InputError(f"{p} is a directory, expected a file name", option)
    if p.exists() and not p.is_file():
        raise InputError(f"{p} exists and is not a regular file", option)
    _writable_dir(p.parent if str(p.parent) else Path("."), option, p)
    return p


def output_dir(path, option: str) -> Path:
    """Validate ``path`` as a folder to be created or written into; `InputError` otherwise."""
    p = Path(path)
    if str(path).strip() == "":
        raise InputError("empty path", option)
    if p.exists() and not p.is_dir():
        raise InputError(f"{p} exists and is not a directory", option)
    _writable_dir(p, option, p)
    return p


def write_atomic_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename, so a
    reader never sees half a file; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o644)
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_atomic(path: Path, text: str) -> Path:
    """`write_atomic_bytes` for UTF-8 text."""
    return write_atomic_bytes(path, text.encode("utf-8"))


def safe_name(id: str) -> str:
    """A file-system-safe name for a result id: ``~`` → ``--``, ``@`` → ``-at-``, anything
    outside ``[A-Za-z0-9._-]`` → ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", id.replace("~", "--").replace("@", "-at-"))


def witness_name(id: str) -> str:
    """File name of the witness (instance file) of result ``id``."""
    return f"witness-{safe_name(id)}.json"


def witness_instance(id: str, instance: dict) -> dict:
    """The content of the witness file of result ``id``: the counterexample's instance with
    ``claim`` set to ``id`` (first), so that ``relu-verify check FILE`` re-checks it."""
    return {"claim": id, **{k: v for k, v in instance.items() if k != "claim"}}
