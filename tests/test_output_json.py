"""JSON output: one sorted array with every key of the contract."""

from __future__ import annotations

import json

from tenantlint.findings import WARNING, Finding
from tenantlint.output.json_format import render_json

CONTRACT_KEYS = {"code", "severity", "path", "line", "column", "function", "route", "priority", "message", "fixable"}


def test_sorted_array_with_contract_keys():
    findings = [
        Finding("TL201", "b.py", 3, 1, "Second file.", severity=WARNING),
        Finding("TL201", "a.py", 9, 5, "Later line.", function="f", route="GET /f", priority="P1"),
        Finding("TL101", "a.py", 9, 5, "Same place, lower code.", fixable=True, extra={"endpoint_lines": (8, 9)}),
        Finding("TL902", "a.py", 2, 1, "Earlier line."),
    ]

    document = json.loads(render_json(findings))

    assert [(item["path"], item["line"], item["code"]) for item in document] == [
        ("a.py", 2, "TL902"),
        ("a.py", 9, "TL101"),
        ("a.py", 9, "TL201"),
        ("b.py", 3, "TL201"),
    ]
    for item in document:
        assert CONTRACT_KEYS <= set(item)
    assert document[2] == findings[1].to_json()
    assert document[3]["severity"] == "warning"
    assert document[1]["fixable"] is True


def test_exact_text_ends_with_newline():
    finding = Finding("TL201", "app/größe.py", 1, 1, "Prefix `[Tenant: {tenant_id}]` missing.")

    text = render_json([finding])

    assert text == json.dumps([finding.to_json()], indent=2, ensure_ascii=False) + "\n"
    assert "größe" in text


def test_empty_array():
    assert render_json([]) == "[]\n"


def test_lone_surrogate_is_escaped_and_kept():
    finding = Finding("TL902", "bad\udcffname.py", 1, 1, "File could not be decoded.")

    text = render_json([finding])

    assert text.isascii()
    assert json.loads(text)[0]["path"] == "bad\udcffname.py"
