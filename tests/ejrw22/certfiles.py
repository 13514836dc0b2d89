"""Shared helper of the ejrw22 certificate tests: run `check` with a certificate path set, as
`relu-verify check … --certificate FILE` does, and read the file back."""

import json

from verify.checking import check
from verify.invariance import CERTIFICATE_PATH


def check_with_cert(tmp_path, inst):
    """(verdict, the certificate dict or None) of ``check(inst.claim or inst["claim"], inst)``."""
    path = tmp_path / "cert.json"
    if path.exists():
        path.unlink()
    token = CERTIFICATE_PATH.set(path)
    try:
        v = check(inst["claim"] if isinstance(inst, dict) else inst.claim, inst)
    finally:
        CERTIFICATE_PATH.reset(token)
    return v, (json.loads(path.read_text()) if path.exists() else None)
