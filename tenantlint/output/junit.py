"""The `--format junit` output: JUnit XML for CI systems that show test reports.

One test suite named "tenantlint" contains one test case per checked file. An
enforced finding is a `<failure>` of its file's test case. Warnings do not
fail the case and are listed in its `<system-out>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence

from tenantlint.findings import Finding
from tenantlint.output import sorted_findings

SUITE_NAME = "tenantlint"

# Characters that XML 1.0 does not allow at all, even escaped, and lone
# surrogates, which a path decoded with `surrogateescape` can contain and
# UTF-8 cannot encode. They are replaced rather than written.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_junit(findings: Iterable[Finding], *, checked_files: Sequence[str]) -> str:
    """Render FINDINGS as a JUnit XML document with one test case per file.

    Files that have findings but are not in CHECKED_FILES, such as the
    configuration file that a TL901 finding points at, get a test case too.
    """
    by_path: dict[str, list[Finding]] = {path: [] for path in checked_files}
    for finding in sorted_findings(findings):
        by_path.setdefault(finding.path, []).append(finding)

    suite = ElementTree.Element("testsuite", name=SUITE_NAME)
    for path, file_findings in by_path.items():
        suite.append(_test_case(path, file_findings))
    _count_cases(suite)

    root = ElementTree.Element("testsuites", name=SUITE_NAME)
    root.append(suite)
    _count_cases(root)

    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _test_case(path: str, findings: list[Finding]) -> ElementTree.Element:
    name = _clean(path)
    case = ElementTree.Element("testcase", classname=SUITE_NAME, name=name, file=name)
    warnings: list[str] = []
    for finding in findings:
        if finding.enforced:
            message = _clean(finding.message)
            failure = ElementTree.SubElement(case, "failure", type=finding.code, message=message)
            failure.text = _clean(_describe(finding))
        else:
            warnings.append(_describe(finding))

    if warnings:
        ElementTree.SubElement(case, "system-out").text = _clean("\n".join(warnings))
    return case


def _describe(finding: Finding) -> str:
    """Return the finding as one line in the text format, with its endpoint when it has one."""
    line = f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"
    if finding.function:
        endpoint = f"{finding.function} ({finding.route})" if finding.route else finding.function
        line += f" [endpoint: {endpoint}]"
    return line


def _count_cases(element: ElementTree.Element) -> None:
    """Set the tests, failures and errors attributes from the test cases below ELEMENT."""
    cases = list(element.iter("testcase"))
    failed = sum(1 for case in cases if case.find("failure") is not None)
    element.set("tests", str(len(cases)))
    element.set("failures", str(failed))
    element.set("errors", "0")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)
