"""Scope by full route, a tenant dependency inherited through `include_router`, and TL901.

`tests/data/isolation/chain` mounts `routers/alerts.py` under `/api/v1/alerts`
through a package re-export and an intermediate router whose
`include_router` call attaches the tenant dependency. Its configuration
selects and exempts endpoints by full route only, and lists one selector
that matches nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_tenantlint

CHAIN = Path(__file__).resolve().parent / "data" / "isolation" / "chain"
ALERTS = "chainapp/routers/alerts.py"


@pytest.fixture
def chain(tmp_path) -> Path:
    shutil.copytree(CHAIN, tmp_path / "chain")
    return tmp_path / "chain"


def _by_function(findings: list[dict]) -> dict[str | None, list[dict]]:
    grouped: dict[str | None, list[dict]] = {}
    for finding in findings:
        grouped.setdefault(finding["function"], []).append(finding)
    return grouped


def test_full_route_selector_puts_endpoint_in_scope():
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], CHAIN)

    finding = _by_function(run.json())["list_alerts"][0]
    assert finding["priority"] == "P0"
    assert finding["full_route"] == "/api/v1/alerts"


def test_inherited_dependency_reported_as_tl103():
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], CHAIN)

    finding = _by_function(run.json())["list_alerts"][0]
    assert finding["code"] == "TL103"
    assert finding["fixable"] is True
    assert finding["message"] == (
        "The tenant dependency reaches `list_alerts` only through `dependencies=[...]` on the `include_router` "
        "call at chainapp/api/root.py:7, so the handler cannot scope or log by tenant; "
        "add `tenant_id: str = Depends(get_current_tenant_id)`."
    )


def test_full_route_exemption_hides_endpoint():
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], CHAIN)

    assert "health" not in _by_function(run.json())


def test_unmounted_router_keeps_declared_route_only():
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], CHAIN)

    finding = _by_function(run.json())["list_legacy_alerts"][0]
    assert (finding["code"], finding["full_route"], finding["priority"]) == ("TL101", None, "P1")


def test_stale_selector_located_in_configuration():
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], CHAIN)

    stale = _by_function(run.json())[None]
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in stale] == [("TL901", "pyproject.toml", 8, 7)]
    assert stale[0]["message"] == "Scope entry `GET /api/v9/nothing` under `P2` matches no endpoint; correct the selector or remove it."


def test_single_file_run_finds_app_under_root(chain):
    run = run_tenantlint(["check", "--no-cache", "--format", "json", ALERTS], chain)

    findings = run.json()
    assert [(f["code"], f["function"], f["priority"], f["full_route"]) for f in findings] == [
        ("TL103", "list_alerts", "P0", "/api/v1/alerts")
    ]


def test_single_file_run_without_route_selectors_skips_discovery(chain):
    config = chain / "pyproject.toml"
    config.write_text('[tool.tenantlint]\ndependency-module = "chainapp.deps"\n', encoding="utf-8")

    run = run_tenantlint(["check", "--no-cache", "--format", "json", ALERTS], chain)

    finding = _by_function(run.json())["list_alerts"][0]
    assert (finding["code"], finding["full_route"]) == ("TL101", None)


def test_fix_adds_parameter_for_inherited_dependency(chain):
    before_health = (chain / ALERTS).read_bytes().split(b"@router.get(\"/health\")")[1]

    run = run_tenantlint(["fix", "--no-cache", "--format", "json", "."], chain)

    source = (chain / ALERTS).read_bytes()
    assert b"def list_alerts(tenant_id: str = Depends(get_current_tenant_id)) -> list[str]:" in source
    assert source.split(b"@router.get(\"/health\")")[1] == before_health
    left = sorted((f["code"], f["function"]) for f in run.json())
    assert left == [("TL301", "list_alerts"), ("TL301", "list_legacy_alerts"), ("TL901", None)]


def test_tl101_only_run_leaves_inherited_endpoint_alone():
    run = run_tenantlint(["check", "--no-cache", "--select", "TL101", "--format", "json", "."], CHAIN)

    assert [f["function"] for f in run.json()] == ["list_legacy_alerts"]


def test_partial_run_does_not_report_stale_selector(chain):
    run = run_tenantlint(["check", "--no-cache", "--select", "TL901", "--format", "json", ALERTS], chain)

    assert run.json() == []


def test_changed_since_run_does_not_report_stale_selector(chain):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=chain, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "initial")
    (chain / ALERTS).write_bytes((chain / ALERTS).read_bytes() + b"\n")

    run = run_tenantlint(["check", "--no-cache", "--changed-since", "HEAD", "--format", "json", "."], chain)

    assert [f["code"] for f in run.json()] == ["TL103"]


def test_parent_router_dependency_reported_as_tl103(chain):
    root = chain / "chainapp" / "api" / "root.py"
    source = root.read_text(encoding="utf-8")
    source = source.replace('router = APIRouter(prefix="/v1")', 'router = APIRouter(prefix="/v1", dependencies=[Depends(get_current_tenant_id)])')
    source = source.replace('prefix="/alerts", dependencies=[Depends(get_current_tenant_id)])', 'prefix="/alerts")')
    assert source.count("dependencies=") == 1
    root.write_text(source, encoding="utf-8")

    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], chain)

    finding = _by_function(run.json())["list_alerts"][0]
    assert finding["code"] == "TL103"
    assert "on the router `router` at chainapp/api/root.py:6," in finding["message"]
