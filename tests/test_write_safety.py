"""`fix` leaves alone files that a rename would damage: hard links and read-only files."""

from __future__ import annotations

import os
import stat

from conftest import run_tenantlint

ROUTER = b'from fastapi import APIRouter\nrouter = APIRouter()\n\n\n@router.get("/x")\ndef read_x():\n    return 1\n'


def _project(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tenantlint]\ndependency-module = "app.deps"\n')
    (tmp_path / "router.py").write_bytes(ROUTER)
    return tmp_path / "router.py"


def test_hard_linked_file_is_not_split(tmp_path):
    router = _project(tmp_path)
    os.link(router, tmp_path / "alias.py")

    run = run_tenantlint(["fix", "--no-cache", "router.py"], tmp_path)

    assert router.read_bytes() == ROUTER
    assert (tmp_path / "alias.py").read_bytes() == ROUTER
    assert "router.py: error: cannot be written: the file has other hard links" in run.stderr
    assert run.exit_code == 2


def test_read_only_file_is_not_replaced(tmp_path):
    router = _project(tmp_path)
    router.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)

    run = run_tenantlint(["fix", "--no-cache", "router.py"], tmp_path)

    assert router.read_bytes() == ROUTER
    assert stat.S_IMODE(router.stat().st_mode) == 0o444
    assert "router.py: error: cannot be written" in run.stderr
    assert run.exit_code == 2
