"""The fixture applications end to end: `check` finds what EXPECTED.json lists, `report` routes what ROUTES.json lists."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, run_tenantlint

APPS = [path.name for path in sorted(FIXTURES.iterdir()) if (path / "EXPECTED.json").is_file()]
ROUTED = [name for name in APPS if (FIXTURES / name / "ROUTES.json").is_file()]
ROUTE_KEYS = ("path", "function", "methods", "route", "full_route")


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", APPS)
def test_check_matches_expected(name):
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], FIXTURES / name)

    found = Counter((f["code"], f["path"], f["function"]) for f in run.json())
    expected = Counter((f["code"], f["path"], f["function"]) for f in _load(FIXTURES / name / "EXPECTED.json"))
    assert found == expected


@pytest.mark.parametrize("name", ROUTED)
def test_report_matches_routes(name):
    run = run_tenantlint(["report", "--no-cache", "--format", "json", "."], FIXTURES / name)

    rows = [{key: row[key] for key in ROUTE_KEYS} for row in run.json()]
    assert rows == _load(FIXTURES / name / "ROUTES.json")
    assert run.exit_code == 0


@pytest.mark.parametrize("name", ROUTED)
def test_single_router_run_knows_full_route(name, tmp_path):
    """A pre-commit style run of one router file, with a full-route selector in the configuration."""
    app = tmp_path / name
    shutil.copytree(FIXTURES / name, app)
    entry = next(row for row in _load(app / "ROUTES.json") if row["full_route"] and row["full_route"] != row["route"])
    with (app / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[tool.tenantlint.scope]\nP0 = ["{entry["methods"][0]} {entry["full_route"]}"]\n')

    run = run_tenantlint(["report", "--no-cache", "--format", "json", entry["path"]], app)

    row = next(row for row in run.json() if row["function"] == entry["function"])
    assert (row["full_route"], row["priority"]) == (entry["full_route"], "P0")


def test_findings_outside_rechecked_files_carry_full_route():
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], FIXTURES / "isolation")

    finding = next(f for f in run.json() if f["code"] == "TL102")
    assert (finding["route"], finding["full_route"]) == ("GET /outstanding", "/v1/invoices/outstanding")
