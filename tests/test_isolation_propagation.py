"""TL301: a tenant that reaches nothing but log calls.

`tests/data/isolation/propagation/routers.py` names its cases: each
`leaks_*` endpoint must be reported, each other endpoint must not.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_tenantlint
from tenantlint.config import load_config
from tenantlint.model import build_module_model
from tenantlint.rules.tenant_not_propagated import propagation_status

CASES = Path(__file__).resolve().parent / "data" / "isolation" / "propagation"


@pytest.fixture(scope="module")
def reported() -> dict[str, dict]:
    run = run_tenantlint(["check", "--no-cache", "--select", "TL301", "--format", "json", "routers.py"], CASES)
    return {finding["function"].rsplit(".", 1)[-1]: finding for finding in run.json()}


def _case_names() -> list[str]:
    config = load_config(None, CASES).config
    path = CASES / "routers.py"
    return [endpoint.name for endpoint in build_module_model(path.read_bytes(), path, config).endpoints]


@pytest.mark.parametrize("name", _case_names())
def test_propagation_case(name, reported):
    assert (name in reported) == name.startswith("leaks_")


def test_message_names_data_access_example(reported):
    message = reported["leaks_logs_only"]["message"]

    assert message == (
        "`tenant_id` reaches only log calls in `leaks_logs_only`; pass it to the data access "
        "(for example `alert_repo.list_alerts()`) so the query is scoped by tenant."
    )


def test_message_for_unused_tenant(reported):
    assert reported["leaks_unused"]["message"].startswith("`tenant_id` is never used in `leaks_unused`;")


def test_message_names_class_attribute(reported):
    assert reported["leaks_in_class_view"]["message"].startswith("`self.tenant_id` reaches only log calls")


def test_finding_points_at_tenant_parameter(reported):
    finding = reported["leaks_logs_only"]

    assert (finding["line"], finding["column"]) == (20, 21)
    assert finding["fixable"] is False


def test_statuses_distinguish_scoped_and_stub():
    config = load_config(None, CASES).config
    path = CASES / "routers.py"
    model = build_module_model(path.read_bytes(), path, config)
    statuses = {endpoint.name: propagation_status(endpoint, model, config) for endpoint in model.endpoints}

    assert statuses["scoped_by_session"] == "scoped"
    assert statuses["passes_as_argument"] == "passed"
    assert statuses["leaks_unused"] == "unused"
    assert statuses["stub_body"] is None
    assert statuses["without_tenant"] is None


def test_suppression_on_def_line_hides_tl301(tmp_path):
    shutil.copy(CASES / "pyproject.toml", tmp_path / "pyproject.toml")
    source = (CASES / "routers.py").read_text(encoding="utf-8")
    marked = source.replace(
        "def leaks_unused(tenant_id: str = Depends(get_current_tenant_id)):",
        "def leaks_unused(tenant_id: str = Depends(get_current_tenant_id)):  # tenantlint: ignore[TL301] RLS in the ORM",
    )
    (tmp_path / "routers.py").write_text(marked, encoding="utf-8")

    run = run_tenantlint(["check", "--no-cache", "--select", "TL301,TL903", "--format", "json", "routers.py"], tmp_path)

    functions = [finding["function"] for finding in run.json()]
    assert "leaks_unused" not in functions
    assert "leaks_logs_only" in functions


def test_fix_adds_parameter_even_though_tl301_follows(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tenantlint]\ndependency-module = "app.deps"\n', encoding="utf-8")
    router = tmp_path / "router.py"
    router.write_bytes(
        b"from fastapi import APIRouter\n"
        b"from app.repos import orders\n\n"
        b"router = APIRouter()\n\n\n"
        b'@router.get("/orders")\n'
        b"def list_orders():\n"
        b"    return orders.all()\n"
    )

    fixed = run_tenantlint(["fix", "--no-cache", "--format", "json", "router.py"], tmp_path)

    assert b"def list_orders(tenant_id: str = Depends(get_current_tenant_id)):" in router.read_bytes()
    assert [finding["code"] for finding in fixed.json()] == ["TL301"]
    assert fixed.exit_code == 1
