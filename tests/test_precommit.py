"""Both hooks of `.pre-commit-hooks.yaml`, run by pre-commit itself on a throwaway repository.

`pre-commit try-repo` clones this checkout, pip-installs it into a new hook
environment and runs the hook on the files named with `--files`. The clone
includes uncommitted changes to tracked files but no untracked file. In
pre-commit 4.7, try-repo keeps that environment in a temporary store of its
own and ignores `PRE_COMMIT_HOME`, so every call installs tenantlint again
(5 to 10 s on a 2-core machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run_tenantlint

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOOK_TIMEOUT = 180

# The session dependency scopes the data by tenant (row-level security), so
# once `fix` adds the tenant parameter for the log prefix, TL301 is satisfied.
PYPROJECT = b"""[tool.tenantlint]
dependency-module = "app.deps"
tenant-scoped-dependencies = ["get_tenant_session"]
"""

DEPS = b'''"""Authentication and database dependencies."""


def get_current_tenant_id() -> str:
    return "acme"


def get_tenant_session():
    return None
'''

COMPLIANT = b'''import logging

from fastapi import APIRouter, Depends

from app.deps import get_current_tenant_id

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/orders")
def list_orders(tenant_id: str = Depends(get_current_tenant_id)) -> list[str]:
    logger.info(f"[Tenant: {tenant_id}] Listing orders")
    return load_orders(tenant_id)
'''

NONCOMPLIANT = b'''import logging

from fastapi import APIRouter, Depends

from app.deps import get_tenant_session

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/invoices")
def list_invoices(session=Depends(get_tenant_session)) -> list[str]:
    logger.info("Listing invoices")
    return session.list_invoices()
'''

COMPLIANT_PATH = "app/routers/orders.py"
NONCOMPLIANT_PATH = "app/routers/invoices.py"


def clean_environment(pre_commit_home: Path) -> dict[str, str]:
    """Return the environment without GIT_* variables, so that git acts on the throwaway repository."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment["PRE_COMMIT_HOME"] = str(pre_commit_home)
    environment["NO_COLOR"] = "1"
    return environment


def git(repository: Path, environment: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=repository, env=environment, check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Create a committed git repository with one compliant and one non-compliant router."""
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout, so pre-commit cannot clone it")
    repository = tmp_path / "service"
    environment = clean_environment(tmp_path / "pre-commit-home")
    files = {
        "pyproject.toml": PYPROJECT,
        "app/__init__.py": b"",
        "app/deps.py": DEPS,
        "app/routers/__init__.py": b"",
        COMPLIANT_PATH: COMPLIANT,
        NONCOMPLIANT_PATH: NONCOMPLIANT,
    }
    for name, content in files.items():
        (repository / name).parent.mkdir(parents=True, exist_ok=True)
        (repository / name).write_bytes(content)

    git(repository, environment, "init", "--quiet")
    git(repository, environment, "config", "user.name", "Test Author")
    git(repository, environment, "config", "user.email", "author@example.com")
    git(repository, environment, "add", ".")
    git(repository, environment, "commit", "--quiet", "-m", "Add the service")
    return repository, environment


def try_repo(repository: Path, environment: dict[str, str], hook: str, path: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--files", path, "--color", "never"]
    return subprocess.run(
        command, cwd=repository, env=environment, capture_output=True, text=True, timeout=HOOK_TIMEOUT
    )


def fixed_by_cli(tmp_path: Path, source: bytes) -> bytes:
    """Return SOURCE as `tenantlint fix` rewrites it in a copy of the repository layout."""
    copy = tmp_path / "cli-copy"
    (copy / "app/routers").mkdir(parents=True)
    (copy / "pyproject.toml").write_bytes(PYPROJECT)
    (copy / "app/deps.py").write_bytes(DEPS)
    (copy / NONCOMPLIANT_PATH).write_bytes(source)
    run_tenantlint(["fix", "--no-cache", NONCOMPLIANT_PATH], copy)
    return (copy / NONCOMPLIANT_PATH).read_bytes()


def test_check_hook_passes_compliant_file(repository):
    root, environment = repository

    result = try_repo(root, environment, "tenantlint", COMPLIANT_PATH)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "tenantlint....." in result.stdout
    assert "Passed" in result.stdout
    assert (root / COMPLIANT_PATH).read_bytes() == COMPLIANT


def test_check_hook_reports_missing_dependency(repository):
    root, environment = repository

    result = try_repo(root, environment, "tenantlint", NONCOMPLIANT_PATH)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "- hook id: tenantlint\n" in result.stdout
    assert f"{NONCOMPLIANT_PATH}:12:5: TL101 " in result.stdout
    assert f"{NONCOMPLIANT_PATH}:13:5: TL201 " in result.stdout
    assert (root / NONCOMPLIANT_PATH).read_bytes() == NONCOMPLIANT


def test_fix_hook_fails_once_then_passes(repository, tmp_path: Path):
    root, environment = repository
    target = root / NONCOMPLIANT_PATH

    first = try_repo(root, environment, "tenantlint-fix", NONCOMPLIANT_PATH)
    fixed = target.read_bytes()
    second = try_repo(root, environment, "tenantlint-fix", NONCOMPLIANT_PATH)

    assert first.returncode == 1, first.stdout + first.stderr
    assert "- files were modified by this hook" in first.stdout
    assert fixed != NONCOMPLIANT
    assert b"def list_invoices(session=Depends(get_tenant_session), tenant_id: str = Depends(get_current_tenant_id))" in fixed
    assert b'    logger.info(f"[Tenant: {tenant_id}] Listing invoices")\n' in fixed
    assert fixed == fixed_by_cli(tmp_path, NONCOMPLIANT)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
    assert target.read_bytes() == fixed


def documented_configs() -> list[dict]:
    """Return the YAML blocks of docs/pre-commit.md that configure `repos`, in page order."""
    text = (DOCS / "pre-commit.md").read_text(encoding="utf-8")
    configs = []
    for block in text.split("```yaml\n")[1:]:
        document = yaml.safe_load(block.split("```", 1)[0])
        if isinstance(document, dict) and "repos" in document:
            configs.append(document)
    return configs


def documented_output() -> list[str]:
    """Return the non-blank lines of the hook output shown in docs/pre-commit.md."""
    text = (DOCS / "pre-commit.md").read_text(encoding="utf-8")
    block = text.split("```text\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line]


def documented_config(hook_id: str, args: list[str] | None) -> dict:
    for config in documented_configs():
        hooks = config["repos"][0]["hooks"]
        if [(hook["id"], hook.get("args")) for hook in hooks] == [(hook_id, args)]:
            return config
    raise AssertionError(f"docs/pre-commit.md shows no config with only hook {hook_id} and args {args}")


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return one PRE_COMMIT_HOME for the documented configs, so that they install tenantlint once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def run_documented(root: Path, environment: dict[str, str], home: Path, config: dict) -> subprocess.CompletedProcess[str]:
    """Run CONFIG on every file of ROOT, with its repository pointed at this checkout's HEAD."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()
    config["repos"][0]["repo"] = str(ROOT)
    config["repos"][0]["rev"] = head
    config_path = root.parent / "documented-pre-commit-config.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    command = [sys.executable, "-m", "pre_commit", "run", "--config", str(config_path), "--all-files", "--color", "never"]
    environment = dict(environment, PRE_COMMIT_HOME=str(home))
    return subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, timeout=HOOK_TIMEOUT)


def test_documented_check_config_runs(repository, shared_home: Path):
    root, environment = repository

    result = run_documented(root, environment, shared_home, documented_config("tenantlint", None))

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{NONCOMPLIANT_PATH}:12:5: TL101 " in result.stdout
    assert f"{NONCOMPLIANT_PATH}:13:5: TL201 " in result.stdout
    assert COMPLIANT_PATH not in result.stdout
    for line in documented_output():
        assert line in result.stdout.splitlines()
    assert (root / NONCOMPLIANT_PATH).read_bytes() == NONCOMPLIANT


def test_documented_fix_config_runs(repository, shared_home: Path):
    root, environment = repository

    result = run_documented(root, environment, shared_home, documented_config("tenantlint-fix", None))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "- files were modified by this hook" in result.stdout
    assert b"Depends(get_current_tenant_id)" in (root / NONCOMPLIANT_PATH).read_bytes()
    assert (root / COMPLIANT_PATH).read_bytes() == COMPLIANT


def test_documented_select_config_runs(repository, shared_home: Path):
    root, environment = repository

    result = run_documented(root, environment, shared_home, documented_config("tenantlint", ["--select", "TL1"]))

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{NONCOMPLIANT_PATH}:12:5: TL101 " in result.stdout
    # `--select TL1` runs the dependency rules only, so the unprefixed log call is not reported.
    assert "TL201" not in result.stdout
    assert (root / NONCOMPLIANT_PATH).read_bytes() == NONCOMPLIANT
