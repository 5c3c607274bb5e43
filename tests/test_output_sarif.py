"""SARIF output: schema validity, rules, locations, fingerprints and fixes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenantlint.findings import WARNING, Finding
from tenantlint.output.sarif import render_sarif
from tenantlint.rules import ALL_CODES, rule_info

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

ORIGINAL = (
    '"""Billing routes."""\r\n'
    "import logging\r\n"
    "from fastapi import APIRouter\r\n"
    "\r\n"
    'log = logging.getLogger("billing")\r\n'
    "router = APIRouter()\r\n"
    "\r\n"
    "\r\n"
    '@router.get("/invoices")\r\n'
    "async def list_invoices(\r\n"
    "    limit: int = 10,\r\n"
    "):\r\n"
    '    log.info("listing %d", limit)\r\n'
    "    return []\r\n"
    "\r\n"
    "VERSION = 1"
)
FIXED = (
    '"""Billing routes."""\r\n'
    "import logging\r\n"
    "from fastapi import APIRouter, Depends\r\n"
    "from app.deps import get_current_tenant_id\r\n"
    "\r\n"
    'log = logging.getLogger("billing")\r\n'
    "router = APIRouter()\r\n"
    "\r\n"
    "\r\n"
    '@router.get("/invoices")\r\n'
    "async def list_invoices(\r\n"
    "    limit: int = 10,\r\n"
    "    tenant_id: str = Depends(get_current_tenant_id),\r\n"
    "):\r\n"
    '    log.info("[Tenant: %s] listing %d", tenant_id, limit)\r\n'
    "    return []\r\n"
    "\r\n"
    "VERSION = 1\r\n"
    "# end"
)
PATH = "app/routers/billing.py"
TL101 = Finding(
    "TL101", PATH, 10, 11, "Endpoint `list_invoices` does not take the tenant dependency.",
    function="list_invoices", route="GET /invoices", priority="P0", fixable=True,
    extra={"endpoint_lines": (9, 10)},
)
TL201 = Finding(
    "TL201", PATH, 13, 5, "Log message on line 13 does not start with the tenant prefix.",
    function="list_invoices", route="GET /invoices", priority="P1", severity=WARNING, fixable=True,
    end_line=13, end_column=34, extra={"endpoint_lines": (9, 10)},
)


def render(findings, tmp_path: Path, **options) -> dict:
    text = render_sarif(findings, tool_version="0.1.0", cwd=tmp_path, **options)
    assert text.endswith("}\n")
    return json.loads(text)


def test_valid_against_schema(tmp_path: Path):
    log = render([TL101, TL201], tmp_path, fixes={PATH: (ORIGINAL, FIXED)})

    jsonschema.Draft7Validator(SCHEMA).validate(log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_driver_lists_every_rule(tmp_path: Path):
    driver = render([], tmp_path)["runs"][0]["tool"]["driver"]

    assert (driver["name"], driver["version"]) == ("tenantlint", "0.1.0")
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == list(ALL_CODES)
    first = driver["rules"][0]
    info = rule_info("TL101")
    assert first["name"] == "missing-dependency"
    assert first["shortDescription"] == {"text": "Endpoint in scope lacks the tenant dependency parameter."}
    assert first["fullDescription"]["text"].startswith("TL101 reports a route handler in scope")
    assert first["help"] == {"text": info.explanation, "markdown": info.explanation}
    assert first["defaultConfiguration"] == {"level": "error"}


def test_result_fields(tmp_path: Path):
    results = render([TL201, TL101], tmp_path)["runs"][0]["results"]

    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [("TL101", 0, "error"), ("TL201", 4, "warning")]
    assert results[1]["message"] == {"text": TL201.message}
    assert results[1]["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": PATH, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 13, "startColumn": 5, "endLine": 13, "endColumn": 34},
            }
        }
    ]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 10, "startColumn": 11}
    assert results[1]["properties"] == {"function": "list_invoices", "route": "GET /invoices", "priority": "P1"}


def test_region_drops_end_before_start(tmp_path: Path):
    findings = [
        Finding("TL201", "a.py", 5, 9, "End column before start.", end_line=5, end_column=3),
        Finding("TL201", "a.py", 7, 9, "End line before start.", end_line=6, end_column=30),
        Finding("TL201", "a.py", 8, 9, "Ends on a later line.", end_line=9, end_column=2),
    ]

    results = render(findings, tmp_path)["runs"][0]["results"]

    assert [r["locations"][0]["physicalLocation"]["region"] for r in results] == [
        {"startLine": 5, "startColumn": 9, "endLine": 5},
        {"startLine": 7, "startColumn": 9},
        {"startLine": 8, "startColumn": 9, "endLine": 9, "endColumn": 2},
    ]


def test_base_uri_and_paths_outside_root(tmp_path: Path):
    outside = tmp_path.parent / "other repo" / "x.py"
    findings = [
        Finding("TL902", str(outside), 1, 1, "Cannot parse."),
        Finding("TL902", str(tmp_path / "in dir" / "größe.py"), 1, 1, "Cannot parse."),
        Finding("TL902", "./sub/../a.py", 1, 1, "Cannot parse."),
    ]

    run = render(findings, tmp_path)["runs"][0]

    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert sorted(location["uri"] for location in locations) == sorted(
        [outside.as_uri(), "in%20dir/gr%C3%B6%C3%9Fe.py", "a.py"]
    )
    assert [("uriBaseId" in location) for location in locations if location["uri"] == outside.as_uri()] == [False]


def fingerprint_of(result: dict) -> str:
    return result["partialFingerprints"]["tenantlint/v1"]


def test_fingerprints_ignore_line_shifts(tmp_path: Path):
    before = render([TL101, TL201], tmp_path)["runs"][0]["results"]
    shifted = [
        replace(TL101, line=40),
        replace(TL201, line=43, end_line=43, message="Log message on line 43 does not start with the tenant prefix."),
    ]

    after = render(shifted, tmp_path)["runs"][0]["results"]

    assert [fingerprint_of(r) for r in after] == [fingerprint_of(r) for r in before]
    assert fingerprint_of(before[0]) != fingerprint_of(before[1])


def test_fingerprints_count_equal_keys(tmp_path: Path):
    second = replace(TL201, line=20, end_line=20)

    results = render([second, TL201], tmp_path)["runs"][0]["results"]

    hashes = [fingerprint_of(r).split(":") for r in results]
    assert hashes[0][0] == hashes[1][0]
    assert [index for _, index in hashes] == ["0", "1"]


def offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(part) for part in lines[: line - 1]) + column - 1


def apply_replacements(text: str, replacements: list[dict]) -> str:
    spans = []
    for replacement in replacements:
        region = replacement["deletedRegion"]
        start = offset(text, region["startLine"], region["startColumn"])
        end = offset(text, region["endLine"], region["endColumn"])
        spans.append((start, end, replacement["insertedContent"]["text"]))
    for start, end, inserted in sorted(spans, reverse=True):
        text = text[:start] + inserted + text[end:]
    return text


def replacements_of(result: dict) -> list[dict]:
    [fix] = result["fixes"]
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": PATH, "uriBaseId": "%SRCROOT%"}
    return change["replacements"]


def test_fix_holds_own_hunks_and_imports(tmp_path: Path):
    tl101, tl201 = render([TL101, TL201], tmp_path, fixes={PATH: (ORIGINAL, FIXED)})["runs"][0]["results"]

    assert [r["insertedContent"]["text"] for r in replacements_of(tl101)] == [
        "from fastapi import APIRouter, Depends\r\nfrom app.deps import get_current_tenant_id\r\n",
        "    tenant_id: str = Depends(get_current_tenant_id),\r\n",
    ]
    assert replacements_of(tl101)[1]["deletedRegion"] == {"startLine": 12, "startColumn": 1, "endLine": 12, "endColumn": 1}
    assert [r["insertedContent"]["text"] for r in replacements_of(tl201)] == [
        "from fastapi import APIRouter, Depends\r\nfrom app.deps import get_current_tenant_id\r\n",
        '    log.info("[Tenant: %s] listing %d", tenant_id, limit)\r\n',
    ]


def test_fixes_rebuild_fixed_text(tmp_path: Path):
    end_of_file = Finding("TL201", PATH, 16, 1, "Last line.", fixable=True)

    results = render([TL101, TL201, end_of_file], tmp_path, fixes={PATH: (ORIGINAL, FIXED)})["runs"][0]["results"]

    distinct = {json.dumps(r, sort_keys=True): r for result in results for r in replacements_of(result)}
    assert apply_replacements(ORIGINAL, list(distinct.values())) == FIXED
    assert replacements_of(results[2])[-1]["deletedRegion"] == {
        "startLine": 16, "startColumn": 1, "endLine": 16, "endColumn": 12,
    }


def test_no_fix_without_own_hunk(tmp_path: Path):
    elsewhere = Finding("TL201", PATH, 6, 1, "Nothing changed here.", fixable=True)
    unfixable = replace(TL101, fixable=False)

    results = render([elsewhere, unfixable], tmp_path, fixes={PATH: (ORIGINAL, FIXED)})["runs"][0]["results"]

    assert ["fixes" in result for result in results] == [False, False]


def test_import_rule_fix_is_the_import(tmp_path: Path):
    original = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.deps import get_current_tenant_id\n"
    fixed = "from typing import TYPE_CHECKING\n\nfrom app.deps import get_current_tenant_id\n\nif TYPE_CHECKING:\n    from app.deps import get_current_tenant_id\n"
    tl104 = Finding("TL104", PATH, 4, 5, "Imported only under `TYPE_CHECKING`.", fixable=True)

    [result] = render([tl104], tmp_path, fixes={PATH: (original, fixed)})["runs"][0]["results"]

    replacements = replacements_of(result)
    assert apply_replacements(original, replacements) == fixed
    assert replacements[0]["deletedRegion"] == {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 1}


@pytest.mark.parametrize("code", ALL_CODES)
def test_rule_help_covers_every_section(code: str):
    info = rule_info(code)
    summary = info.summary[:1].upper() + info.summary[1:].rstrip(".") + "."

    assert info.explanation.splitlines()[0] == summary
    for heading in ("Why it matters:", "Fix:", "Suppress:"):
        assert f"\n{heading} " in info.explanation
    assert "\nWrong:\n\n```" in info.explanation
    assert "\nRight:" in info.explanation
    assert info.explanation.count("```") % 2 == 0
    assert "NOTE:" not in info.explanation


LINE_TEXT = st.sampled_from(["import os", "x = 1", "    pass", "", "def f():", "log.info('a')", "é = 2"])
ENDING = st.sampled_from(["\n", "\r\n"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.tuples(LINE_TEXT, ENDING), max_size=8))
    text = "".join(line + ending for line, ending in lines)
    if lines and draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


@settings(max_examples=300, deadline=None)
@given(original=texts(), fixed=texts())
def test_fixes_rebuild_any_edit(tmp_path_factory: pytest.TempPathFactory, original: str, fixed: str):
    cwd = tmp_path_factory.getbasetemp()
    line_count = original.count("\n") + 2
    findings = [Finding("TL201", "f.py", line, 1, f"Finding {line}.", fixable=True) for line in range(1, line_count + 1)]
    # A hunk that only changes imports belongs to no line, so the import rule's fix carries it.
    findings.append(Finding("TL104", "f.py", 1, 1, "Import missing.", fixable=True))

    log = json.loads(render_sarif(findings, tool_version="0", fixes={"f.py": (original, fixed)}, cwd=cwd))

    distinct = {}
    for result in log["runs"][0]["results"]:
        for fix in result.get("fixes", []):
            for replacement in fix["artifactChanges"][0]["replacements"]:
                distinct[json.dumps(replacement, sort_keys=True)] = replacement
    assert apply_replacements(original, list(distinct.values())) == fixed
