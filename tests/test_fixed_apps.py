"""Fix the fixture applications, then import and serve the fixed code.

After `tenantlint fix`, the fixed application must still import, every route
must still answer, and every record that an endpoint logs must start with the
tenant prefix, rendered with a tenant identifier that contains `%` and braces
(a prefix spliced into a library-formatted template would break on it).
A malformed prefix (TL202) is reported rather than fixed, so the records of
endpoints with a TL202 finding are left out of that check.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import run_tenantlint
from tenantlint.config import load_config
from tenantlint.model import build_module_model
from test_fixture_apps_import import DEMO, SHAPES, FixtureApp, describe, fixture_import_path

TRICKY_TENANT = "t-%s{0}%"


def _fixed_copy(fixture: FixtureApp, tmp_path: Path) -> FixtureApp:
    copy = tmp_path / fixture.folder
    shutil.copytree(fixture.root, copy)
    fixed = run_tenantlint(["fix", "--quiet"], copy)
    assert fixed.exit_code in (0, 1), fixed.stderr
    return dataclasses.replace(fixture, folder=str(copy))


def _endpoint_functions(root: Path) -> set[tuple[str, str]]:
    config = load_config(None, root).config
    found = set()
    for path in root.rglob("*.py"):
        for endpoint in build_module_model(path.read_bytes(), path, config).endpoints:
            found.add((str(path.resolve()), endpoint.name))
    return found


@pytest.mark.parametrize("fixture", [DEMO, SHAPES], ids=lambda fixture: fixture.folder)
def test_fixed_app_is_clean(fixture, tmp_path):
    fixed = _fixed_copy(fixture, tmp_path)

    check = run_tenantlint(["check", "--select", "TL1,TL2", "--quiet"], fixed.root)
    again = run_tenantlint(["fix", "--diff"], fixed.root)

    assert check.exit_code == 0, check.stdout
    assert again.stdout == ""


@pytest.mark.parametrize("fixture", [DEMO, SHAPES], ids=lambda fixture: fixture.folder)
def test_fixed_app_logs_with_prefix(fixture, tmp_path, caplog):
    fixed = _fixed_copy(fixture, tmp_path)
    malformed = run_tenantlint(["check", "--select", "TL202", "--format", "json"], fixed.root).json()
    skipped = {(str((fixed.root / f["path"]).resolve()), f["function"]) for f in malformed}
    endpoints = _endpoint_functions(fixed.root) - skipped
    caplog.set_level(logging.DEBUG)

    with fixture_import_path(fixed):
        app = importlib.import_module(fixed.app_module).app
        dependency = importlib.import_module(fixed.dependency_module).get_current_tenant_id
        app.dependency_overrides[dependency] = lambda: TRICKY_TENANT
        with TestClient(app) as client:
            for call in fixed.calls:
                response = client.request(call.method, call.url, json=call.json, headers=call.headers)
                assert 200 <= response.status_code < 300, describe(call, response.status_code, response.text)

    records = [r for r in caplog.records if (str(Path(r.pathname).resolve()), r.funcName) in endpoints]
    assert records, "the endpoints logged nothing"
    for record in records:
        assert record.getMessage().startswith(f"[Tenant: {TRICKY_TENANT}] "), (record.funcName, record.getMessage())
