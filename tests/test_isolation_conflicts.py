"""TL401 and TL402 on `tests/data/isolation/conflicts`, checked against what FastAPI serves.

The application mounts routers whose routes collide across files, a router
included twice, and routes that an earlier path parameter captures. Next to
them sit silent twins: a convertor that rejects the literal, another
method, and a later route that the earlier one does not capture.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import run_tenantlint

SHOP = Path(__file__).resolve().parent / "data" / "isolation" / "conflicts"
EXPECTED = {
    ("TL401", "shop/items_v2.py", "read_item_v2"),
    ("TL401", "shop/dup.py", "ping"),
    ("TL402", "shop/items.py", "export_items"),
    ("TL402", "shop/metrics.py", "metrics_summary"),
    ("TL402", "shop/files.py", "latest_report"),
}


@pytest.fixture(scope="module")
def findings() -> list[dict]:
    run = run_tenantlint(["check", "--no-cache", "--format", "json", "."], SHOP)
    assert run.exit_code == 1
    return run.json()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    sys.path.insert(0, str(SHOP))
    try:
        main = importlib.import_module("shop.main")
        deps = importlib.import_module("shop.deps")
        main.app.dependency_overrides[deps.get_current_tenant_id] = lambda: "t-1"
        yield TestClient(main.app)
    finally:
        sys.path.remove(str(SHOP))
        for name in [name for name in sys.modules if name == "shop" or name.startswith("shop.")]:
            del sys.modules[name]


def test_conflicts_found(findings):
    found = {(f["code"], f["path"], f["function"]) for f in findings if f["code"] in ("TL401", "TL402")}

    assert found == EXPECTED


def test_conflict_findings_carry_full_route(findings):
    by_function = {f["function"]: f for f in findings}

    assert by_function["export_items"]["full_route"] == "/items/export"
    assert by_function["export_items"]["route"] == "GET /export"


def test_duplicate_message_names_earlier_endpoint(findings):
    message = next(f["message"] for f in findings if f["function"] == "read_item_v2")

    assert message == (
        "`GET /items/{id}` is already served by `read_item` (shop/items.py:9), which is registered first, "
        "so `read_item_v2` never runs; give one of them another path or remove it."
    )


def test_shadow_message_names_capturing_route(findings):
    message = next(f["message"] for f in findings if f["function"] == "latest_report")

    assert "captured by the earlier route `GET /files/{file_path:path}` of `read_file` (shop/files.py:9)" in message


@pytest.mark.parametrize(
    ("method", "url", "handler_result"),
    [
        ("GET", "/items/export", {"tenant": "t-1", "item": "export"}),
        ("GET", "/metrics/summary", {"tenant": "t-1", "name": "summary"}),
        ("GET", "/files/reports/latest", {"tenant": "t-1", "path": "reports/latest"}),
    ],
)
def test_shadowed_request_reaches_earlier_handler(client, method, url, handler_result):
    response = client.request(method, url)

    assert response.json() == handler_result


@pytest.mark.parametrize(
    ("method", "url", "handler_result"),
    [
        ("GET", "/metrics/cache", {"tenant": "t-1"}),
        ("GET", "/metrics/7", {"tenant": "t-1", "count": 7}),
        ("POST", "/metrics/summary", {"tenant": "t-1"}),
        ("POST", "/items/42", {"tenant": "t-1", "item": "42"}),
    ],
)
def test_silent_twins_are_reachable(client, method, url, handler_result):
    response = client.request(method, url)

    assert response.json() == handler_result


def test_reasoned_suppression_hides_shadow(findings):
    assert "latency_metrics" not in {f["function"] for f in findings}


def test_unused_route_suppression_reported_when_run_covers_project(findings):
    unused = [f for f in findings if f["code"] == "TL903"]

    assert [(f["path"], f["line"]) for f in unused] == [("shop/items.py", 18)]


def test_single_file_run_claims_no_conflict(tmp_path):
    shutil.copytree(SHOP, tmp_path / "conflicts")

    run = run_tenantlint(["check", "--no-cache", "--format", "json", "shop/items.py"], tmp_path / "conflicts")

    assert run.json() == []
    assert run.exit_code == 0


def test_run_of_app_and_router_finds_conflict(tmp_path):
    shutil.copytree(SHOP, tmp_path / "conflicts")

    run = run_tenantlint(["check", "--no-cache", "--format", "json", "shop/main.py", "shop/items.py"], tmp_path / "conflicts")

    codes = [(f["code"], f["function"]) for f in run.json()]
    assert codes == [("TL402", "export_items")]


def test_rule_can_be_disabled(tmp_path):
    run = run_tenantlint(["check", "--no-cache", "--ignore", "TL402", "--format", "json", "."], SHOP)

    assert {f["code"] for f in run.json()} == {"TL401", "TL903"}
