"""Generate a synthetic FastAPI code base for benchmarks, deterministically from a seed.

About 10% of the files are router modules with 3 to 8 endpoints, log calls
and imports. The rest are services, models, utilities and tests without
routes, as in a typical FastAPI back end. Most endpoints take the tenant
dependency and log with the tenant prefix; some lack one or both, so
`check` has findings to report and `fix` has work to do.

Run directly to generate one corpus: `python bench/synthetic.py 1000 DIR`.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

# Bump when the generated text changes, so that stale corpora are rebuilt.
GENERATOR_VERSION = "2"
STAMP_NAME = ".bench-corpus"
FILES_PER_FOLDER = 200

# Share of the generated files by kind; routers take the rest (about 10%).
KIND_SHARES = (("service", 0.35), ("model", 0.25), ("util", 0.15), ("test", 0.15))

DOMAINS = (
    "alerts", "invoices", "orders", "customers", "portfolios", "trades",
    "reports", "users", "projects", "tickets", "payments", "shipments",
    "inventory", "metrics", "audits", "contracts", "documents", "teams",
)
FIELDS = (
    ("name", "str"), ("description", "str | None"), ("amount", "float"),
    ("quantity", "int"), ("status", "str"), ("created_at", "datetime"),
    ("updated_at", "datetime | None"), ("owner_id", "str"), ("is_active", "bool"),
    ("tags", "list[str]"), ("priority", "int"), ("currency", "str"),
)


def corpus_path(root: Path, files: int, seed: int) -> Path:
    return root / f"synthetic-{files}-seed{seed}"


def ensure_corpus(root: Path, files: int, seed: int) -> Path:
    """Return the corpus folder for `files` and `seed`, generating it when missing or stale."""
    target = corpus_path(root, files, seed)
    stamp = f"generator {GENERATOR_VERSION} files {files} seed {seed}\n"
    if (target / STAMP_NAME).is_file() and (target / STAMP_NAME).read_text() == stamp:
        return target

    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    write_corpus(staging, files, seed)
    (staging / STAMP_NAME).write_text(stamp)
    make_repository_root(staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def make_repository_root(folder: Path) -> None:
    """Make `folder` a git repository of its own, so tools treat it as a project root.

    Corpora live under the gitignored `bench/corpora/`. Tools that honour
    the enclosing repository's `.gitignore` (Semgrep lists its targets with
    git) would otherwise see no file at all.
    """
    if shutil.which("git") is None:
        print("git not found: the corpus stays inside this repository, and Semgrep may skip it",
              file=sys.stderr)
        return

    subprocess.run(["git", "init", "--quiet", str(folder)], check=True)


def write_corpus(target: Path, files: int, seed: int) -> None:
    """Write `files` Python files (at least 10) under `target`."""
    if files < 10:
        raise ValueError(f"a synthetic corpus needs at least 10 files, got {files}")

    rng = random.Random(f"tenantlint-bench:{seed}:{files}")
    modules = plan_modules(files)
    target.mkdir(parents=True)
    (target / "pyproject.toml").write_text(PYPROJECT)
    for relative, text in render_modules(modules, rng):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def plan_modules(files: int) -> dict[str, list[str]]:
    """Split `files` into module paths by kind, package `__init__.py` files included."""
    fixed = ["app/__init__.py", "app/main.py", "app/middleware/__init__.py",
             "app/middleware/tenant_context.py"]
    remaining = files - len(fixed)
    counts = {kind: int(remaining * share) for kind, share in KIND_SHARES}
    counts["router"] = remaining - sum(counts.values())
    folders = {"router": "app/api/routers", "service": "app/services",
               "model": "app/models", "util": "app/utils", "test": "tests"}

    plan: dict[str, list[str]] = {"fixed": fixed}
    for kind, count in counts.items():
        plan[kind] = _module_paths(folders[kind], kind, count)
    return plan


def _module_paths(folder: str, kind: str, count: int) -> list[str]:
    # Each package gets an `__init__.py` that counts towards `count`.
    paths: list[str] = []
    package = 0
    while len(paths) < count:
        prefix = f"{folder}/pkg_{package:03d}"
        paths.append(f"{prefix}/__init__.py")
        room = min(FILES_PER_FOLDER - 1, count - len(paths))
        paths.extend(f"{prefix}/{kind}_{index:04d}.py" for index in range(room))
        package += 1
    return paths[:count]


def render_modules(plan: dict[str, list[str]], rng: random.Random):
    """Yield (relative path, source text) for every planned module."""
    routers = [path for path in plan["router"] if not path.endswith("__init__.py")]
    yield "app/__init__.py", ""
    yield "app/main.py", render_main(routers)
    yield "app/middleware/__init__.py", ""
    yield "app/middleware/tenant_context.py", TENANT_CONTEXT

    renderers = {"router": render_router, "service": render_service,
                 "model": render_model, "util": render_util, "test": render_test}
    for kind, render in renderers.items():
        for path in plan[kind]:
            if path.endswith("__init__.py"):
                yield path, ""
            else:
                yield path, render(rng, _stem(path))


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[1].removesuffix(".py")


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _class_name(domain: str) -> str:
    return domain.title().replace("_", "")


PYPROJECT = """\
[project]
name = "synthetic-service"
version = "0.0.0"

[tool.tenantlint]
dependency = "get_current_tenant_id"
dependency-module = "app.middleware.tenant_context"
"""

TENANT_CONTEXT = '''\
"""Tenant resolution for every request."""

from __future__ import annotations

from fastapi import Header, HTTPException


async def get_current_tenant_id(authorization: str = Header(...)) -> str:
    """Return the tenant of the authenticated caller."""
    if not authorization.startswith("Bearer "):
        raise HTTPException(status_code=401, detail="Missing bearer token")
    return authorization.removeprefix("Bearer ").split(".", 1)[0]
'''


def render_main(routers: list[str]) -> str:
    lines = ['"""Application entry point."""', "", "from fastapi import FastAPI", ""]
    for index, path in enumerate(routers):
        lines.append(f"from {_module_name(path)} import router as router_{index}")
    lines += ["", 'app = FastAPI(title="Synthetic service")', ""]
    lines += [f'app.include_router(router_{index}, prefix="/api/v1")' for index in range(len(routers))]
    return "\n".join(lines) + "\n"


# (method, path, function, parameters, log message) of the endpoints a
# router module draws from; `{d}` is the domain and `{C}` its class prefix.
ENDPOINT_SHAPES = (
    ("get", "/", "list_{d}", ("limit: int = Query(50, le=500)",), "Listing {d}"),
    ("get", "/{{item_id}}", "get_{d}_item", ("item_id: str",), "Reading {d} item {{item_id}}"),
    ("post", "/", "create_{d}_item", ("payload: {C}Create",), "Creating {d} item"),
    ("put", "/{{item_id}}", "replace_{d}_item", ("item_id: str", "payload: {C}Create"), "Replacing {d} item {{item_id}}"),
    ("patch", "/{{item_id}}", "update_{d}_item", ("item_id: str", "payload: {C}Update"), "Updating {d} item {{item_id}}"),
    ("delete", "/{{item_id}}", "delete_{d}_item", ("item_id: str",), "Deleting {d} item {{item_id}}"),
    ("get", "/{{item_id}}/history", "get_{d}_history", ("item_id: str", "days: int = 30"), "History of {d} item {{item_id}}"),
    ("post", "/{{item_id}}/archive", "archive_{d}_item", ("item_id: str",), "Archiving {d} item {{item_id}}"),
)
TENANT_PARAMETER = "tenant_id: str = Depends(get_current_tenant_id)"


def render_router(rng: random.Random, stem: str) -> str:
    domain = rng.choice(DOMAINS)
    name = _class_name(domain)
    shapes = rng.sample(ENDPOINT_SHAPES, rng.randint(3, 8))
    head = ROUTER_HEAD.format(d=domain, C=name, stem=stem)
    endpoints = [render_endpoint(rng, shape, domain, name) for shape in shapes]
    return head + "\n\n" + "\n\n".join(endpoints)


ROUTER_HEAD = '''\
"""HTTP routes for {d} ({stem})."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Query

from app.middleware.tenant_context import get_current_tenant_id
from app.models.schemas import {C}Create, {C}Read, {C}Update
from app.services.registry import {C}Service

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/{d}", tags=["{d}"])
service = {C}Service()
'''


def render_endpoint(rng: random.Random, shape: tuple, domain: str, name: str) -> str:
    """Render one endpoint: 70% compliant, 10% without log prefix, 20% without tenant."""
    method, path, function, parameters, message = shape
    function = function.format(d=domain)
    message = message.format(d=domain)
    parameters = [parameter.format(C=name) for parameter in parameters]
    roll = rng.random()
    has_tenant = roll >= 0.2
    prefix = "[Tenant: {tenant_id}] " if has_tenant and roll >= 0.3 else ""
    if has_tenant:
        parameters.append(TENANT_PARAMETER)

    keywords = ["tenant_id=tenant_id"] if has_tenant else []
    if "item_id: str" in parameters:
        keywords.append("item_id=item_id")
    lines = [
        f'@router.{method}("{path.format()}", response_model={name}Read)',
        f"async def {function}(",
        *(f"    {parameter}," for parameter in parameters),
        f") -> {name}Read:",
        f'    """{message.replace(" {item_id}", "")}."""',
        f'    logger.info(f"{prefix}{message}")',
        f"    result = await service.{function}({', '.join(keywords)})",
        "    if result is None:",
        f'        logger.warning(f"{prefix}No {domain} found")',
        '        raise HTTPException(status_code=404, detail="Not found")',
        "    return result",
    ]
    return "\n".join(lines) + "\n"


def render_service(rng: random.Random, stem: str) -> str:
    domain = rng.choice(DOMAINS)
    name = _class_name(domain)
    methods = [SERVICE_METHOD.format(d=domain, n=index, C=name) for index in range(rng.randint(5, 12))]
    return SERVICE_HEAD.format(d=domain, C=name, stem=stem) + "\n".join(methods)


SERVICE_HEAD = '''\
"""Data access for {d} ({stem})."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass
class {C}Store:
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)


class {C}Service:
    """Reads and writes {d} rows, always filtered by tenant."""

    def __init__(self, store: {C}Store | None = None) -> None:
        self.store = store or {C}Store()
        self.settings = {{"page_size": 50, "retries": 3}}
'''

SERVICE_METHOD = '''
    async def query_{n}(self, tenant_id: str, item_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Return up to `limit` {d} rows of one tenant."""
        page = self.settings.get("page_size", limit)
        rows = [row for row in self.store.rows.values() if row.get("tenant_id") == tenant_id]
        if item_id is not None:
            rows = [row for row in rows if row.get("id") == item_id]
        logger.debug("[Tenant: %s] query_{n} matched %d rows", tenant_id, len(rows))
        sql = "SELECT * FROM {d} WHERE tenant_id = :tenant_id LIMIT :limit"
        return [dict(row, sql=sql) for row in rows[: min(page, limit)]]
'''


def render_model(rng: random.Random, stem: str) -> str:
    domain = rng.choice(DOMAINS)
    name = _class_name(domain)
    chosen = rng.sample(FIELDS, rng.randint(4, len(FIELDS)))
    body = "\n".join(f"    {field_name}: {annotation}" for field_name, annotation in chosen)
    classes = [
        f"class {name}Base(BaseModel):\n{body}\n",
        f"class {name}Create({name}Base):\n    pass\n",
        f"class {name}Update(BaseModel):\n    name: str | None = None\n    status: str | None = None\n",
        f'class {name}Read({name}Base):\n    id: str\n    tenant_id: str\n\n    @field_validator("id")\n'
        "    @classmethod\n    def check_id(cls, value: str) -> str:\n        return value.strip()\n",
        f"@dataclass(frozen=True)\nclass {name}Event:\n    kind: str\n    payload: dict\n\n"
        "    def get_field(self, key: str):\n        return self.payload.get(key)\n",
    ]
    return MODEL_HEAD.format(d=domain, stem=stem) + "\n\n".join(classes)


MODEL_HEAD = '''\
"""Schemas for {d} ({stem})."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, field_validator


'''


def render_util(rng: random.Random, stem: str) -> str:
    domains = [rng.choice(DOMAINS) for _ in range(rng.randint(3, 9))]
    helpers = [UTIL_FUNCTION.format(n=index, d=domain, D=domain.upper()) for index, domain in enumerate(domains)]
    return UTIL_HEAD.format(stem=stem) + "\n".join(helpers)


UTIL_HEAD = '''\
"""Helpers ({stem})."""

from __future__ import annotations

import functools
import os
import re

SLUG = re.compile(r"[^a-z0-9]+")
'''

UTIL_FUNCTION = '''

@functools.lru_cache(maxsize=256)
def setting_{n}(name: str, default: str = "") -> str:
    """Return the {d} setting `name` from the environment."""
    return os.environ.get(f"{D}_{{name.upper()}}", default)


def slugify_{n}(text: str, options: dict | None = None) -> str:
    separator = (options or {{}}).get("separator", "-")
    return SLUG.sub(separator, text.lower()).strip(separator)
'''


def render_test(rng: random.Random, stem: str) -> str:
    domain = rng.choice(DOMAINS)
    cases = [TEST_CASE.format(d=domain, n=index) for index in range(rng.randint(3, 8))]
    return TEST_HEAD.format(d=domain, stem=stem) + "\n".join(cases)


TEST_HEAD = '''\
"""API tests for {d} ({stem})."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import app


@pytest.fixture
def client() -> TestClient:
    return TestClient(app, headers={{"Authorization": "Bearer tenant-a.token"}})
'''

TEST_CASE = '''

@pytest.mark.parametrize("limit", [1, 10, 50])
def test_list_{d}_{n}(client: TestClient, limit: int) -> None:
    response = client.get("/api/v1/{d}/", params={{"limit": limit}})
    assert response.status_code == 200
    assert len(response.json()) <= limit
    assert response.headers.get("content-type") == "application/json"
'''


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: python bench/synthetic.py FILES DIR [SEED]", file=sys.stderr)
        return 2

    seed = int(argv[2]) if len(argv) == 3 else 1
    folder = ensure_corpus(Path(argv[1]), int(argv[0]), seed)
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
