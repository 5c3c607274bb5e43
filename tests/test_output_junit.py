"""JUnit XML output: one test case per file, failures for errors, warnings as output."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from tenantlint.findings import WARNING, Finding
from tenantlint.output.junit import render_junit

FINDINGS = [
    Finding(
        "TL101", "app/billing.py", 12, 1, "Endpoint `list_invoices` lacks `Depends(get_current_tenant_id)` & <more>.",
        function="list_invoices", route="GET /invoices",
    ),
    Finding("TL201", "app/billing.py", 14, 9, 'Log "message" lacks the prefix.', severity=WARNING),
    Finding("TL202", "app/billing.py", 15, 9, "Prefix is malformed.", severity=WARNING),
    Finding("TL102", "app/billing.py", 20, 5, "Tenant read from a header.\x1b\x00"),
    Finding("TL901", "pyproject.toml", 7, 1, "Scope entry matches no endpoint."),
]


def parse(text: str) -> ElementTree.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ElementTree.fromstring(text.encode("utf-8"))


def test_suite_counts_and_cases():
    root = parse(render_junit(FINDINGS, checked_files=["app/billing.py", "app/users.py"]))

    [suite] = root.findall("testsuite")
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "3", "2")
    assert suite.attrib == {"name": "tenantlint", "tests": "3", "failures": "2", "errors": "0"}
    assert [case.get("name") for case in suite] == ["app/billing.py", "app/users.py", "pyproject.toml"]
    assert [len(case.findall("failure")) for case in suite] == [2, 0, 1]


def test_failure_and_system_out_text():
    root = parse(render_junit(FINDINGS, checked_files=["app/billing.py"]))

    billing = root.find("testsuite/testcase[@name='app/billing.py']")
    failures = billing.findall("failure")
    assert failures[0].attrib == {
        "type": "TL101",
        "message": "Endpoint `list_invoices` lacks `Depends(get_current_tenant_id)` & <more>.",
    }
    assert failures[0].text == (
        "app/billing.py:12:1: TL101 Endpoint `list_invoices` lacks `Depends(get_current_tenant_id)` & <more>."
        " [endpoint: list_invoices (GET /invoices)]"
    )
    assert failures[1].get("message") == "Tenant read from a header.\ufffd\ufffd"
    assert billing.find("system-out").text == (
        'app/billing.py:14:9: TL201 Log "message" lacks the prefix.\n'
        "app/billing.py:15:9: TL202 Prefix is malformed."
    )


def test_clean_run_has_passing_cases():
    root = parse(render_junit([], checked_files=["a.py", "b.py"]))

    cases = root.findall("testsuite/testcase")
    assert [(case.get("name"), case.get("classname"), len(case)) for case in cases] == [
        ("a.py", "tenantlint", 0),
        ("b.py", "tenantlint", 0),
    ]
    assert root.get("failures") == "0"


def test_escaping_in_raw_text():
    text = render_junit(FINDINGS[:1], checked_files=[])

    assert "&amp; &lt;more&gt;" in text
    assert "<more>" not in text
