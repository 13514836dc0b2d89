"""``junit.xml``: one test case per result, for CI dashboards.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .model import (check_report, command_line, errors, is_failure, one_line, outcome, recheck_command,
                    relation_label, seconds, shorten, violated, witness_name)


def xml_text(s) -> str:
    """``s`` without the control characters XML 1.0 cannot hold."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", str(s))


def failure_of(r: dict) -> tuple[str, str]:
    """(message, text) of the JUnit <failure> of a failed result."""
    cx = r.get("counterexample")
    if cx:
        v, witness = cx["verdict"], witness_name(r["id"])
        rels = violated(v)
        names = ", ".join(one_line(rel.get("name", "?")) for rel in rels) or f"status {v.get('status', '?')}"
        lines = [f"{relation_label(rel)}: {shorten(str(rel.get('lhs')))} {rel.get('op', '?')} "
                 f"{shorten(str(rel.get('rhs')))} (margin {shorten(str(rel.get('margin')))})" for rel in rels]
        lines += [f"witness: {witness}", f"re-check: {recheck_command(r)}"]
        return f"counterexample: {names} violated (witness {witness})", "\n".join(lines)
    if r.get("kind") == "mutant":
        msg = (f"planted violation not found within the budget "
               f"({r.get('examples', '?')} examples, {seconds(r.get('seconds')):.2f} s)")
        return msg, f"{msg}; stopped by {r.get('stop', '?')}"
    msg = f"{outcome(r)}: stopped by {r.get('stop', '?')}"
    return msg, msg


def render_junit(report: dict) -> str:
    """``junit.xml``: one <testsuite> with a <testcase> per result; failures and errors as JUnit
    counts them (an errored result is an error, not a failure)."""
    report = check_report(report)
    results = report["results"]
    counts = {"tests": str(len(results)), "failures": str(sum(map(is_failure, results))),
              "errors": str(len(errors(report))), "time": f"{seconds(report.get('seconds')):.3f}"}
    root = ET.Element("testsuites", name="relu-verify", **counts)
    suite = ET.SubElement(root, "testsuite", name=f"relu-verify {report.get('command', '')}".strip(),
                          skipped="0", **counts)
    if report.get("started"):
        suite.set("timestamp", str(report["started"]))
    props = ET.SubElement(suite, "properties")
    budget = report.get("budget") or {}
    versions = report.get("versions") or {}
    pairs = [("seed", report.get("seed")), ("profile", report.get("profile")), ("command", command_line(report)),
             ("database", report.get("database")), ("version", report.get("version"))]
    pairs += [(f"budget.{k}", v) for k, v in budget.items()] + [(f"versions.{k}", v) for k, v in versions.items()]
    for name, value in pairs:
        ET.SubElement(props, "property", name=name, value=xml_text("" if value is None else value))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=str(r.get("family") or r["id"].split(".")[0]),
                             name=xml_text(r["id"]), time=f"{seconds(r.get('seconds')):.3f}")
        if r.get("error"):
            ET.SubElement(case, "error", message=xml_text(one_line(r["error"]))).text = xml_text(r["error"])
        elif is_failure(r):
            message, text = failure_of(r)
            ET.SubElement(case, "failure", message=xml_text(message)).text = xml_text(text)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
