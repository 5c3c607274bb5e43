"""`check` and `fix` on files that are hard to read, decode, parse or write.

Every workspace contains one ordinary router, `orders.py`, beside the hostile
file. The hostile file must be reported by name in one line, the ordinary
router must still be fixed, no file may be truncated or left half-written,
and the exit status must follow the contract: 1 for findings, 2 for errors.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import tenantlint.runner
from conftest import run_tenantlint
from tenantlint.cli import main

CONFIG = '[tool.tenantlint]\ndependency-module = "app.deps"\n'
ORDERS = b'''import logging

from fastapi import APIRouter, Depends

from app.deps import get_current_tenant_id

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/orders")
def list_orders(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info("listing orders")
    return load_orders(tenant_id)
'''
ORDERS_FIXED = ORDERS.replace(b'logger.info("listing orders")', b'logger.info(f"[Tenant: {tenant_id}] listing orders")')
# A router that needs every kind of fix: the parameter, both imports and a log prefix.
UNMIGRATED = b'''import logging
from fastapi import APIRouter

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/carts")
def list_carts():
    logger.info("listing carts")
    return load_carts()
'''
UNMIGRATED_FIXED = b'''import logging
from fastapi import APIRouter, Depends
from app.deps import get_current_tenant_id

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/carts")
def list_carts(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing carts")
    return load_carts()
'''


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "orders.py").write_bytes(ORDERS)
    return tmp_path


def _fix(folder: Path, *arguments: str):
    # TL301 reports a fixed router whose tenant reaches only a log call, which is beside the point here.
    return run_tenantlint(["fix", "--no-cache", "--quiet", "--ignore", "TL301", *arguments], folder)


def _lines_naming(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if name in line]


def _leftovers(folder: Path) -> list[str]:
    """Return temporary files that a write left behind."""
    return sorted(path.name for path in folder.rglob("*.tenantlint"))


# Files that cannot be decoded or parsed -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("undecodable.py", b"from fastapi import APIRouter\nrouter = APIRouter()\nNAME = '\xff\xfe'\n", "byte 0xff is not valid utf-8"),
        ("nul.py", b"from fastapi import APIRouter\nrouter = APIRouter()\x00\n", "NUL byte"),
        ("latin1_undeclared.py", b"from fastapi import APIRouter\n# caf\xe9\nrouter = APIRouter()\n", "not valid utf-8"),
    ],
)
def test_unreadable_source_is_a_finding(workspace, name, data, reason):
    (workspace / name).write_bytes(data)

    run = _fix(workspace)

    assert (workspace / name).read_bytes() == data
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    reported = _lines_naming(run.stdout, name)
    assert len(reported) == 1
    assert "TL902" in reported[0]
    assert reason in reported[0]
    assert run.exit_code == 1


def test_empty_file_is_left_alone(workspace):
    (workspace / "empty.py").write_bytes(b"")

    run = _fix(workspace)

    assert (workspace / "empty.py").read_bytes() == b""
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert "empty.py" not in run.stdout + run.stderr
    assert run.exit_code == 0


# Encodings, line endings and indentation ---------------------------------------------------------


def test_bom_is_kept(workspace):
    (workspace / "carts.py").write_bytes(b"\xef\xbb\xbf" + UNMIGRATED)

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == b"\xef\xbb\xbf" + UNMIGRATED_FIXED
    assert run.exit_code == 0


LATIN1 = "# -*- coding: latin-1 -*-\n".encode("latin-1") + UNMIGRATED.replace(b"listing carts", "listing caf\xe9 carts".encode("latin-1"))
LATIN1_FIXED = "# -*- coding: latin-1 -*-\n".encode("latin-1") + UNMIGRATED_FIXED.replace(b"listing carts", "listing caf\xe9 carts".encode("latin-1"))


def test_declared_encoding_is_kept(workspace):
    (workspace / "carts.py").write_bytes(LATIN1)

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == LATIN1_FIXED
    assert run.exit_code == 0


def test_diff_uses_declared_encoding(workspace):
    (workspace / "carts.py").write_bytes(LATIN1)

    previous = Path.cwd()
    os.chdir(workspace)
    try:
        run = CliRunner().invoke(main, ["fix", "--diff", "--no-cache", "carts.py"], catch_exceptions=False)
    finally:
        os.chdir(previous)

    removed = [line for line in run.stdout_bytes.splitlines() if line.startswith(b"-    logger")]
    added = [line for line in run.stdout_bytes.splitlines() if line.startswith(b"+    logger")]
    assert removed == [b'-    logger.info("listing caf\xe9 carts")']
    assert added == [b'+    logger.info(f"[Tenant: {tenant_id}] listing caf\xe9 carts")']
    assert (workspace / "carts.py").read_bytes() == LATIN1
    assert run.exit_code == 1


def test_crlf_line_endings_are_kept(workspace):
    (workspace / "carts.py").write_bytes(UNMIGRATED.replace(b"\n", b"\r\n"))

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == UNMIGRATED_FIXED.replace(b"\n", b"\r\n")
    assert run.exit_code == 0


def test_mixed_line_endings_are_kept(workspace):
    lines = UNMIGRATED.split(b"\n")[:-1]
    mixed = b"".join(line + (b"\r\n" if index % 2 else b"\n") for index, line in enumerate(lines))
    (workspace / "carts.py").write_bytes(mixed)

    run = _fix(workspace)

    expected = (
        b"import logging\n"
        b"from fastapi import APIRouter, Depends\r\n"
        b"from app.deps import get_current_tenant_id\n"
        b"\n"
        b"logger = logging.getLogger(__name__)\r\n"
        b"router = APIRouter()\n"
        b"\r\n"
        b"\n"
        b'@router.get("/carts")\r\n'
        b"def list_carts(tenant_id: str = Depends(get_current_tenant_id)):\n"
        b'    logger.info(f"[Tenant: {tenant_id}] listing carts")\r\n'
        b"    return load_carts()\n"
    )
    assert (workspace / "carts.py").read_bytes() == expected
    assert run.exit_code == 0


def test_tab_indentation_is_kept(workspace):
    (workspace / "carts.py").write_bytes(UNMIGRATED.replace(b"    ", b"\t"))

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == UNMIGRATED_FIXED.replace(b"    ", b"\t")
    assert run.exit_code == 0


def test_form_feed_is_kept(workspace):
    source = UNMIGRATED.replace(b"router = APIRouter()", b"\x0crouter = APIRouter()")
    (workspace / "carts.py").write_bytes(source)

    _fix(workspace)

    fixed = (workspace / "carts.py").read_bytes()
    assert fixed in (source, UNMIGRATED_FIXED.replace(b"router = APIRouter()", b"\x0crouter = APIRouter()"))


# Size and depth --------------------------------------------------------------------------------------


def _large_module(lines: int) -> tuple[bytes, bytes]:
    """Return a module of about LINES lines, one endpoint per hundred helpers, and its fixed form."""
    parts = [ORDERS.decode()]
    serial = 0
    while sum(part.count("\n") for part in parts) < lines:
        if serial % 100 == 0:
            parts.append(f'\n\n@router.get("/orders/{serial}")\ndef read_order_{serial}(tenant_id: str = Depends(get_current_tenant_id)):\n    logger.info("reading order {serial}")\n    return load_order(tenant_id, {serial})\n')
        else:
            parts.append(f"\n\ndef add_{serial}(value: int) -> int:\n    total = value + {serial}\n    return total * 2\n")
        serial += 1
    source = "".join(parts)
    fixed = source.replace('logger.info("', 'logger.info(f"[Tenant: {tenant_id}] ')
    return source.encode(), fixed.encode()


def test_twenty_thousand_lines_are_fixed(workspace):
    source, fixed = _large_module(20_000)
    (workspace / "large.py").write_bytes(source)

    run = _fix(workspace, "large.py")

    assert source.count(b"\n") >= 20_000
    assert (workspace / "large.py").read_bytes() == fixed
    assert run.exit_code == 0


def test_deeply_nested_expression_is_fixed(workspace):
    nested = b"LIMIT = " + b"int(" * 150 + b"1" + b")" * 150 + b"\n"
    (workspace / "carts.py").write_bytes(UNMIGRATED + nested)

    run = _fix(workspace)

    assert "internal error" not in run.stderr
    assert (workspace / "carts.py").read_bytes() == UNMIGRATED_FIXED + nested
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert run.exit_code == 0


# Links ------------------------------------------------------------------------------------------------


def test_folder_symlink_loop_is_walked_once(workspace):
    package = workspace / "package"
    package.mkdir()
    (package / "carts.py").write_bytes(UNMIGRATED)
    (package / "back").symlink_to("..", target_is_directory=True)

    run = _fix(workspace)

    assert (package / "carts.py").read_bytes() == UNMIGRATED_FIXED
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert (package / "back").is_symlink()
    assert run.exit_code == 0


def test_fix_through_symlink_keeps_link(workspace):
    real = workspace / "real"
    real.mkdir()
    (real / "carts.py").write_bytes(UNMIGRATED)
    (workspace / "carts.py").symlink_to(Path("real") / "carts.py")

    run = _fix(workspace, "carts.py")

    assert (workspace / "carts.py").is_symlink()
    assert (real / "carts.py").read_bytes() == UNMIGRATED_FIXED
    assert _leftovers(workspace) == []
    assert run.exit_code == 0


def test_broken_symlink_named_is_an_error(workspace):
    (workspace / "gone.py").symlink_to("missing.py")

    run = _fix(workspace, "gone.py", "orders.py")

    assert len(_lines_naming(run.stderr, "gone.py")) == 1
    assert run.exit_code == 2


def test_broken_symlink_in_folder_is_reported(workspace):
    (workspace / "gone.py").symlink_to("missing.py")

    run = _fix(workspace)

    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert len(_lines_naming(run.stderr, "gone.py")) == 1


# Files that change or cannot be written ---------------------------------------------------------------


def _after_fixing(monkeypatch, name: str, action) -> None:
    """Run ACTION on the file called NAME once `fix` has read and fixed every file in memory, before it writes them."""
    write_fixed = tenantlint.runner._write_fixed

    def act_then_write(result):
        for file_result in result.files:
            if file_result.path.name == name:
                action(file_result.path)
        return write_fixed(result)

    monkeypatch.setattr(tenantlint.runner, "_write_fixed", act_then_write)


def test_file_deleted_before_writing(workspace, monkeypatch):
    (workspace / "carts.py").write_bytes(UNMIGRATED)
    _after_fixing(monkeypatch, "carts.py", lambda path: path.unlink())

    run = _fix(workspace)

    assert not (workspace / "carts.py").exists()
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert _lines_naming(run.stderr, "carts.py") == ["carts.py: error: cannot be written: the file was deleted after it was read"]
    assert _leftovers(workspace) == []
    assert run.exit_code == 2


def test_file_changed_before_writing(workspace, monkeypatch):
    edited = UNMIGRATED.replace(b"listing carts", b"listing every cart")
    (workspace / "carts.py").write_bytes(UNMIGRATED)
    _after_fixing(monkeypatch, "carts.py", lambda path: path.write_bytes(edited))

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == edited
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    reported = _lines_naming(run.stderr, "carts.py")
    assert len(reported) == 1
    assert "changed after it was read" in reported[0]
    assert run.exit_code == 2


def test_unwritten_file_reports_its_findings(workspace, monkeypatch):
    (workspace / "carts.py").write_bytes(UNMIGRATED)
    _after_fixing(monkeypatch, "carts.py", lambda path: path.write_bytes(UNMIGRATED + b"\n"))

    run = _fix(workspace)

    codes = sorted(line.split()[1] for line in _lines_naming(run.stdout, "carts.py"))
    assert codes == ["TL101", "TL201"]


def _permissions_ignored() -> bool:
    """Whether this process writes to read-only files and folders anyway, as root usually does."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_bytes(b"")
        probe.chmod(0o444)
        try:
            with probe.open("ab"):
                return True
        except PermissionError:
            return False


@pytest.mark.skipif(_permissions_ignored(), reason="this user writes to read-only folders, so the permission bits cannot block it")
def test_read_only_folder_keeps_file(workspace):
    folder = workspace / "locked"
    folder.mkdir()
    (folder / "carts.py").write_bytes(UNMIGRATED)
    folder.chmod(0o555)
    try:
        run = _fix(workspace)
    finally:
        folder.chmod(0o755)

    assert (folder / "carts.py").read_bytes() == UNMIGRATED
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    reported = _lines_naming(run.stderr, "carts.py")
    assert len(reported) == 1
    assert "Permission denied" in reported[0]
    assert run.exit_code == 2


def test_failed_rename_keeps_file(workspace, monkeypatch):
    """A rename that fails, as it does in a read-only folder, leaves the old bytes and no temporary file."""
    (workspace / "carts.py").write_bytes(UNMIGRATED)
    real_replace = os.replace

    def replace(source, destination):
        if Path(destination).name == "carts.py":
            raise PermissionError(13, "Permission denied", str(destination))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == UNMIGRATED
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert _lines_naming(run.stderr, "carts.py") == ["carts.py: error: cannot be written: Permission denied; the file was left unchanged"]
    assert _leftovers(workspace) == []
    assert run.exit_code == 2


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to tell which file a descriptor belongs to")
def test_failed_write_keeps_file(workspace, monkeypatch):
    """A disk that fills up during the write leaves the old bytes and no temporary file."""
    (workspace / "carts.py").write_bytes(UNMIGRATED)
    real_fsync = os.fsync

    def fsync(descriptor):
        if Path(os.readlink(f"/proc/self/fd/{descriptor}")).name.startswith(".carts.py."):
            raise OSError(28, "No space left on device")
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)

    run = _fix(workspace)

    assert (workspace / "carts.py").read_bytes() == UNMIGRATED
    assert (workspace / "orders.py").read_bytes() == ORDERS_FIXED
    assert len(_lines_naming(run.stderr, "carts.py")) == 1
    assert _leftovers(workspace) == []
    assert run.exit_code == 2


@pytest.mark.skipif(_permissions_ignored(), reason="this user writes to read-only files, so the permission bits cannot block it")
def test_read_only_file_is_not_replaced(workspace):
    target = workspace / "carts.py"
    target.write_bytes(UNMIGRATED)
    target.chmod(0o444)

    run = _fix(workspace)

    assert target.read_bytes() == UNMIGRATED
    assert len(_lines_naming(run.stderr, "carts.py")) == 1
    assert run.exit_code == 2


def test_fix_keeps_mode(workspace):
    target = workspace / "carts.py"
    target.write_bytes(UNMIGRATED)
    target.chmod(0o640)

    run = _fix(workspace)

    assert target.read_bytes() == UNMIGRATED_FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert run.exit_code == 0
