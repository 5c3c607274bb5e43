"""Caching, worker processes and the pre-filter change how fast a run is, never what it reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_tenantlint

APPS = ["demo", "shapes", "isolation"]


@pytest.fixture(params=APPS)
def app(request, tmp_path) -> Path:
    copy = tmp_path / request.param
    shutil.copytree(FIXTURES / request.param, copy)
    return copy


def _findings(app: Path, *options: str) -> str:
    run = run_tenantlint(["check", "--format", "json", *options], app)
    assert run.exit_code in (0, 1), run.stderr
    return run.stdout


def test_cache_does_not_change_findings(app):
    cold = _findings(app, "--no-cache")
    filling = _findings(app)
    warm = _findings(app)

    assert (app / ".tenantlint_cache").is_dir()
    assert filling == cold
    assert warm == cold


def test_workers_do_not_change_findings(app):
    serial = _findings(app, "--no-cache", "--jobs", "1")
    parallel = _findings(app, "--no-cache", "--jobs", "2")

    assert parallel == serial


def test_prefilter_does_not_change_findings(app, monkeypatch):
    filtered = _findings(app, "--no-cache")
    monkeypatch.setattr("tenantlint.prefilter.might_matter", lambda data, dependency, parameter: True)
    unfiltered = _findings(app, "--no-cache")

    assert unfiltered == filtered


def test_cache_sees_edit_of_consulted_module(tmp_path):
    """A cached result is dropped when a module its analysis read (an imported alias) changes."""
    (tmp_path / "pyproject.toml").write_text('[tool.tenantlint]\ndependency-module = "app.deps"\n')
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "deps.py").write_text(
        "from typing import Annotated\nfrom fastapi import Depends\n\n"
        "def get_current_tenant_id():\n    return 't'\n\n"
        "TenantId = Annotated[str, Depends(get_current_tenant_id)]\n"
    )
    (package / "routes.py").write_text(
        "from fastapi import APIRouter\nfrom app.deps import TenantId\n\nrouter = APIRouter()\n\n\n"
        "@router.get('/x')\ndef read(tenant_id: TenantId):\n    return tenant_id\n"
    )
    assert _findings(tmp_path, "--select", "TL1") == "[]\n"

    (package / "deps.py").write_text("TenantId = str\n")

    assert '"TL102"' in _findings(tmp_path, "--select", "TL1")
