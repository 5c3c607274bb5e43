"""`tenantlint report` in every format: contract keys, coverage, escaping and exit status."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_tenantlint

DEMO = FIXTURES / "demo"
ISOLATION = FIXTURES / "isolation"
CHAIN = Path(__file__).resolve().parent / "data" / "isolation" / "chain"
CONTRACT_KEYS = ["path", "line", "function", "methods", "route", "full_route", "priority", "exempt", "tenant_dependency", "findings"]


@pytest.fixture
def fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def test_json_objects_start_with_contract_keys():
    run = run_tenantlint(["report", "--no-cache", "--format", "json", "."], ISOLATION)

    rows = run.json()
    assert run.exit_code == 0
    assert len(rows) == 13
    for row in rows:
        assert list(row)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS


def test_json_row_values():
    run = run_tenantlint(["report", "--no-cache", "--format", "json", "."], ISOLATION)

    row = next(row for row in run.json() if row["function"] == "get_legacy_alert")
    assert row == {
        "path": "isolation_app/routers/legacy.py",
        "line": 22,
        "function": "get_legacy_alert",
        "methods": ["GET"],
        "route": "/alerts/{alert_id}",
        "full_route": None,
        "priority": None,
        "exempt": None,
        "tenant_dependency": False,
        "findings": ["TL101", "TL201"],
        "in_scope": True,
        "mounted": False,
        "full_routes": [],
        "router": "isolation_app.routers.legacy.router",
        "propagation": None,
        "suppressed": [],
    }


def test_json_lists_unscoped_and_exempt_endpoints(tmp_path):
    app = tmp_path / "chain"
    shutil.copytree(CHAIN, app)
    config = (app / "pyproject.toml").read_text(encoding="utf-8").replace('"**/main.py"', '"**/api/*.py"')
    (app / "pyproject.toml").write_text(config, encoding="utf-8")

    rows = {row["function"]: row for row in run_tenantlint(["report", "--no-cache", "--format", "json", "."], app).json()}

    assert (rows["late_ping"]["priority"], rows["late_ping"]["in_scope"]) == (None, False)
    assert rows["health"]["exempt"] == "liveness probe of the alerts service"
    assert rows["list_alerts"]["priority"] == "P0"


def test_markdown_coverage_per_priority(fixed_time):
    run = run_tenantlint(["report", "--no-cache", "--format", "markdown", "."], DEMO)

    assert "| P0 | 4 | 6 | 66.7% | 0 |" in run.stdout
    assert "| P1 | 0 | 15 | 0.0% | 1 |" in run.stdout
    assert "| P2 | 0 | 5 | 0.0% | 0 |" in run.stdout
    assert "- Generated: 2026-01-01T00:00:00+00:00" in run.stdout


def test_markdown_lists_stale_selector_and_rows(fixed_time):
    run = run_tenantlint(["report", "--no-cache", "--format", "markdown", "."], DEMO)

    assert "TL901 Scope entry \\`GET /metrics/portfolio\\`" in run.stdout
    row = "| `app/api/routers/trades.py:57` | `get_trade_history` | GET | `/trades/history` | `/api/v1/trades/history` | P1 |  | no |  | TL101, TL201, TL402 |"
    assert row in run.stdout.splitlines()


def test_text_groups_rows_by_router():
    run = run_tenantlint(["report", "--no-cache", "."], ISOLATION)

    titles = [line.strip() for line in run.stdout.splitlines() if line.startswith("isolation_app.")]
    assert titles == sorted(titles)
    assert "isolation_app.routers.legacy.router" in titles
    assert "/alerts/{alert_id} (not mounted)" in run.stdout
    assert "\x1b[" not in run.stdout


def test_text_coverage_table():
    run = run_tenantlint(["report", "--no-cache", "."], ISOLATION)

    coverage = run.stdout.split("Coverage", 1)[1]
    assert re.search(r"│ all\s+│\s+6 │\s+13 │\s+46\.2% │\s+0 │", coverage)


def test_output_is_reproducible_with_source_date_epoch(fixed_time, tmp_path):
    first = run_tenantlint(["report", "--no-cache", "--format", "html", "--output", str(tmp_path / "a.html"), "."], ISOLATION)
    second = run_tenantlint(["report", "--no-cache", "--format", "html", "--output", str(tmp_path / "b.html"), "."], ISOLATION)

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert first.stdout == ""
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_html_escapes_code_and_configuration(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tenantlint]\n[tool.tenantlint.exempt]\n"**/router.py" = "<b>trusted</b> & reviewed"\n', encoding="utf-8"
    )
    (tmp_path / "router.py").write_text(
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        '@router.get("/x/<script>alert(1)</script>")\ndef probe():\n    return 1\n',
        encoding="utf-8",
    )

    page = run_tenantlint(["report", "--no-cache", "--format", "html", "."], tmp_path).stdout

    assert "<script>alert(1)</script>" not in page
    assert "/x/&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;trusted&lt;/b&gt; &amp; reviewed" in page


def test_html_loads_nothing_from_outside():
    page = run_tenantlint(["report", "--no-cache", "--format", "html", "."], ISOLATION).stdout

    assert re.search(r"""(src|href)\s*=""", page) is None
    assert "default-src 'none'" in page
    assert page.count("<script>") == 1


def test_html_metadata(fixed_time):
    page = run_tenantlint(["report", "--no-cache", "--format", "html", "."], ISOLATION).stdout

    assert "<dt>Generated</dt><dd>2026-01-01T00:00:00+00:00</dd>" in page
    assert "<dt>tenantlint version</dt><dd>0.1.0</dd>" in page
    assert re.search(r"<dt>Configuration digest</dt><dd><code>sha256:[0-9a-f]{64}</code></dd>", page)


def test_report_notes_unparsable_file(tmp_path):
    (tmp_path / "broken.py").write_text("from fastapi import APIRouter\nrouter = APIRouter(\n", encoding="utf-8")

    run = run_tenantlint(["report", "--no-cache", "--format", "markdown", "."], tmp_path)

    assert run.exit_code == 0
    assert "## Other findings" in run.stdout
    assert "`broken.py:2`" in run.stdout
    assert "TL902" in run.stdout


def test_report_missing_path_exits_2(tmp_path):
    run = run_tenantlint(["report", "--no-cache", "--format", "json", "missing"], tmp_path)

    assert run.exit_code == 2
    assert run.stdout == ""


def test_report_invalid_config_exits_2(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tenantlint]\nparameter = 3\n', encoding="utf-8")

    run = run_tenantlint(["report", "--no-cache", "--format", "json", "."], tmp_path)

    assert run.exit_code == 2
    assert "parameter" in run.stderr


def test_report_counts_suppressed_findings_apart(tmp_path):
    source = (ISOLATION / "isolation_app" / "routers" / "alerts.py").read_text(encoding="utf-8")
    app = tmp_path / "isolation"
    shutil.copytree(ISOLATION, app)
    marked = source.replace(
        "def get_alert(alert_id: str, tenant_id: str = Depends(get_current_tenant_id)) -> Alert:",
        "def get_alert(alert_id: str, tenant_id: str = Depends(get_current_tenant_id)) -> Alert:  # tenantlint: ignore[TL301] RLS",
    )
    (app / "isolation_app" / "routers" / "alerts.py").write_text(marked, encoding="utf-8")

    rows = {row["function"]: row for row in run_tenantlint(["report", "--no-cache", "--format", "json", "."], app).json()}

    assert (rows["get_alert"]["findings"], rows["get_alert"]["suppressed"]) == ([], ["TL301"])


def test_json_report_parses_as_one_array():
    run = run_tenantlint(["report", "--no-cache", "--format", "json", "."], DEMO)

    assert isinstance(json.loads(run.stdout), list)
    assert run.stderr == ""


def test_markdown_keeps_table_shape_for_pipes_and_backticks(tmp_path):
    (tmp_path / "router.py").write_text(
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        '@router.get("/a|b`c")\ndef odd_route():\n    return 1\n',
        encoding="utf-8",
    )

    lines = run_tenantlint(["report", "--no-cache", "--format", "markdown", "."], tmp_path).stdout.splitlines()

    row = next(line for line in lines if "odd_route" in line)
    assert len(re.split(r"(?<!\\)\|", row)) == 12
    assert "``/a\\|b`c``" in row
