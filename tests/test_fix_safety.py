"""The safety net of `fix`: output that does not parse, or that still carries a fixed finding, is never written.

Each test breaks one fix with monkeypatch and runs the real command on two
routers. The router with the broken fix must keep every byte, the error must
name the file, the rule code and the endpoint, the exit status must be 2, and
the other router must still be fixed.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

import tenantlint.fixes.engine as engine
from conftest import run_tenantlint

CONFIG = '[tool.tenantlint]\ndependency-module = "app.deps"\n'
CARTS = b'''import logging

from fastapi import APIRouter, Depends

from app.deps import get_current_tenant_id

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/carts")
def list_carts(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info("listing carts")
    return load_carts(tenant_id)
'''
ORDERS = b'''import logging

from fastapi import APIRouter

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/orders")
def list_orders():
    return load_orders()
'''
ORDERS_FIXED = b'''import logging

from fastapi import APIRouter, Depends
from app.deps import get_current_tenant_id

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/orders")
def list_orders(tenant_id: str = Depends(get_current_tenant_id)):
    return load_orders()
'''


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "carts.py").write_bytes(CARTS)
    (tmp_path / "orders.py").write_bytes(ORDERS)
    return tmp_path


def _fix(folder: Path, *arguments: str):
    # TL301 reports the fixed orders router, whose tenant reaches no data access, which is beside the point here.
    return run_tenantlint(["fix", "--no-cache", "--quiet", "--ignore", "TL301", *arguments], folder)


def _break_log_fix(monkeypatch, rewrite) -> None:
    """Make the log prefix fix return REWRITE(call node) instead of its real result."""
    real = engine.rewrite_log_call

    def broken(log, node, tenant, settings):
        real(log, node, tenant, settings)  # planning still checks that the real fix is possible
        return rewrite(node)

    monkeypatch.setattr(engine, "rewrite_log_call", broken)


def _with_message(node: cst.Call, message: cst.BaseExpression) -> cst.Call:
    return node.with_changes(args=[node.args[0].with_changes(value=message), *node.args[1:]])


def _carts_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("carts.py")]


def test_unparsable_fix_is_not_written(workspace, monkeypatch):
    _break_log_fix(monkeypatch, lambda node: _with_message(node, cst.Name("if")))

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == CARTS
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    errors = _carts_errors(run.stderr)
    assert len(errors) == 1
    assert "does not parse" in errors[0]
    assert "left unchanged" in errors[0]
    assert run.exit_code == 2


def test_unparsable_fix_names_code_and_endpoint(workspace, monkeypatch):
    _break_log_fix(monkeypatch, lambda node: _with_message(node, cst.Name("if")))

    run = _fix(workspace)

    errors = _carts_errors(run.stderr)
    assert len(errors) == 1
    assert "TL201" in errors[0]
    assert "`list_carts`" in errors[0]


def test_fix_leaving_finding_is_not_written(workspace, monkeypatch):
    _break_log_fix(monkeypatch, lambda node: _with_message(node, cst.SimpleString('"listing all carts"')))

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == CARTS
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert _carts_errors(run.stderr) == ["carts.py: error: TL201 fires in `list_carts` after the fix; the file was left unchanged"]
    assert run.exit_code == 2


def test_fix_adding_finding_is_not_written(workspace, monkeypatch):
    _break_log_fix(monkeypatch, lambda node: _with_message(node, cst.SimpleString('"[Tenant: ] listing carts"')))

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == CARTS
    assert _carts_errors(run.stderr) == ["carts.py: error: TL202 fires in `list_carts` after the fix; the file was left unchanged"]
    assert run.exit_code == 2


def test_parameter_fix_leaving_finding_is_not_written(workspace, monkeypatch):
    monkeypatch.setattr(engine.parameters, "add_parameter", lambda function, new, section: function)

    run = _fix(workspace)

    assert (workspace / "orders.py").read_bytes() == ORDERS
    assert [line for line in run.stderr.splitlines() if line.startswith("orders.py")] == [
        "orders.py: error: TL101 fires in `list_orders` after the fix; the file was left unchanged"
    ]
    assert (workspace / "carts.py").read_bytes() == CARTS.replace(b'"listing carts"', b'f"[Tenant: {tenant_id}] listing carts"')
    assert run.exit_code == 2


def test_fix_that_does_not_compile_is_not_written(workspace, monkeypatch):
    # libcst parses a repeated keyword argument; CPython rejects it when it compiles the module.
    repeated = cst.parse_expression('logger.info(f"[Tenant: {tenant_id}] listing carts", stacklevel=1, stacklevel=2)')
    _break_log_fix(monkeypatch, lambda node: repeated)

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == CARTS
    assert len(_carts_errors(run.stderr)) == 1
    assert run.exit_code == 2


def test_rejected_fix_shows_no_diff(workspace, monkeypatch):
    _break_log_fix(monkeypatch, lambda node: _with_message(node, cst.Name("if")))

    run = run_tenantlint(["fix", "--diff", "--no-cache", "--ignore", "TL301"], workspace)

    assert "carts.py" not in run.stdout
    assert "b/orders.py" in run.stdout
    assert len(_carts_errors(run.stderr)) == 1
    assert (workspace / "carts.py").read_bytes() == CARTS
    assert (workspace / "orders.py").read_bytes() == ORDERS
    assert run.exit_code == 2
