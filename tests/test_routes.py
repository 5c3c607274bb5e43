"""Route resolution across files: path matching, module summaries and the route table.

The table for `tests/data/isolation/chain` is compared with the routes that
FastAPI itself serves when the application is imported.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import pytest

from conftest import run_tenantlint
from tenantlint.config import load_config
from tenantlint.model import build_module_model
from tenantlint.project import ModuleLoader, summarize_path
from tenantlint.routes import SummaryIndex, build_route_table, captures, join, normalize
from tenantlint.summary import ModuleSummary, summarize

DATA = Path(__file__).resolve().parent / "data" / "isolation"
CHAIN = DATA / "chain"


# Paths


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("/metrics/{kind}", "/metrics/cache"),
        ("/items/{item_id:int}", "/items/42"),
        ("/files/{path:path}", "/files/a/b/c"),
        ("/files/{path:path}", "/files/"),
        ("/{a}/{b}", "/x/{id:int}"),
        ("/items/{name}", "/items/{sku}.json"),
        ("/ratio/{value:float}", "/ratio/{n:int}"),
        ("/{tenant}/{rest:path}", "/acme/reports/{day}"),
    ],
)
def test_captures_shadowed_paths(earlier, later):
    assert captures(earlier, later)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("/metrics/{id:int}", "/metrics/cache"),
        ("/metrics/{kind}", "/metrics/cache/detail"),
        ("/files/{path:path}", "/files"),
        ("/items/{id:int}", "/items/{name}"),
        ("/items/{id:uuid}", "/items/latest"),
        ("/a/{b}", "/c/d"),
        ("/items/{name}.csv", "/items/{name}.json"),
        ("/items/{name}", "/items/{rest:path}"),
    ],
)
def test_captures_leaves_reachable_paths(earlier, later):
    assert not captures(earlier, later)


def test_normalize_ignores_parameter_names_only():
    assert normalize("/items/{id}") == normalize("/items/{item_id:str}")
    assert normalize("/items/{id}") != normalize("/items/{id:int}")


def test_join_concatenates_like_fastapi():
    assert join("/api", "/v1", "", "/alerts") == "/api/v1/alerts"
    assert join("", "") == ""
    assert join("/api", None, "/x") is None


# Summaries


def _summary(root: Path, relative: str) -> ModuleSummary:
    config = load_config(None, root).config
    path = root / relative
    return summarize(build_module_model(path.read_bytes(), path, config), config)


def test_summary_records_includes_in_source_order():
    summary = _summary(CHAIN, "chainapp/main.py")

    assert summary.module == "chainapp.main"
    assert [(i.parent, i.child, i.prefix) for i in summary.includes] == [
        ("chainapp.main.app", "chainapp.api.api_router", "/api"),
        ("chainapp.main.app", "chainapp.routers.hooks.build_hook_router()", ""),
        ("chainapp.main.app", "chainapp.main.late", ""),
    ]
    assert [(r.name, r.kind, r.prefix) for r in summary.routers] == [("app", "FastAPI", ""), ("late", "APIRouter", "/late")]


def test_summary_records_include_dependencies():
    summary = _summary(CHAIN, "chainapp/api/root.py")

    assert summary.includes[0].dependencies == ("chainapp.deps.get_current_tenant_id",)
    assert summary.includes[0].prefix == "/alerts"


def test_summary_names_function_local_router_and_factory():
    summary = _summary(CHAIN, "chainapp/routers/hooks.py")

    assert summary.factories == (("build_hook_router", "build_hook_router.<locals>.router"),)
    assert summary.endpoints[0].router == "chainapp.routers.hooks.build_hook_router.<locals>.router"


def test_summary_round_trips_through_json():
    summary = _summary(CHAIN, "chainapp/routers/alerts.py")

    text = json.dumps(summary.to_json())

    assert ModuleSummary.from_json(json.loads(text)) == summary


def test_summary_resolves_prefix_constant_only_from_module(tmp_path):
    source = (
        "from fastapi import APIRouter\n"
        "from settings import PREFIX\n"
        "\n"
        "LOCAL = '/l'\n"
        "router = APIRouter(prefix=PREFIX)\n"
        "local = APIRouter(prefix=LOCAL)\n"
    )
    (tmp_path / "app.py").write_text(source, encoding="utf-8")

    prefixes = {router.name: router.prefix for router in _summary(tmp_path, "app.py").routers}

    assert prefixes == {"router": None, "local": "/l"}


# Route table


def _chain_table():
    config = load_config(None, CHAIN).config
    main = summarize_path(CHAIN / "chainapp" / "main.py", config)
    assert main is not None
    return build_route_table(SummaryIndex([main], ModuleLoader(config, [main])))


def _fastapi_routes(root: Path, module: str) -> set[tuple[str, str]]:
    sys.path.insert(0, str(root))
    try:
        app = importlib.import_module(module).app
        paths = app.openapi()["paths"]
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == module.split(".")[0]]:
            del sys.modules[name]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def _without_convertors(path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def test_table_from_app_module_matches_fastapi():
    table = _chain_table()

    resolved = {(m, _without_convertors(r.full_route)) for r in table.registrations if r.full_route for m in r.methods}

    assert resolved == _fastapi_routes(CHAIN, "chainapp.main")


def test_table_loads_modules_outside_the_run_by_name():
    table = _chain_table()

    by_function = {r.function: r.full_route for r in table.registrations}

    assert by_function["list_alerts"] == "/api/v1/alerts"
    assert by_function["receive_delivery"] == "/hooks/deliveries"
    assert by_function["late_ping"] == "/late/ping"


def test_table_leaves_unmounted_router_out():
    table = _chain_table()

    assert "list_legacy_alerts" not in {r.function for r in table.registrations}


def test_table_records_include_dependency_as_source():
    table = _chain_table()

    registration = next(r for r in table.registrations if r.function == "list_alerts")

    assert [(s.kind, s.line) for s in registration.sources] == [("include", 7)]


def test_table_orders_by_include_then_declaration():
    table = _chain_table()

    order = [r.function for r in sorted(table.registrations, key=lambda r: r.order)]

    assert order == ["list_alerts", "health", "get_alert", "receive_delivery", "late_ping"]


def test_index_follows_package_reexport(tmp_path):
    config = load_config(None, CHAIN).config
    index = SummaryIndex([], ModuleLoader(config, []))

    router = index.resolve("chainapp.api.api_router")

    assert router is not None
    assert (router.module, router.name) == ("chainapp.api.root", "router")


def test_index_stops_on_import_cycle(tmp_path):
    package = tmp_path / "loop"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "a.py").write_text("from .b import router\n", encoding="utf-8")
    (package / "b.py").write_text("from .a import router\n", encoding="utf-8")
    config = load_config(None, tmp_path).config
    index = SummaryIndex([], ModuleLoader(config, []))

    assert index.resolve("loop.a.router") is None


def test_mounted_application_is_served_under_mount_path():
    root = DATA / "mount"
    config = load_config(None, root).config
    main = summarize_path(root / "mapp" / "main.py", config)
    assert main is not None

    table = build_route_table(SummaryIndex([main], ModuleLoader(config, [main])))

    served = {(r.function, r.full_route, str(r.app.module)) for r in table.registrations}
    assert served == {("ping", "/ping", "mapp.main"), ("list_items", "/v2/items", "mapp.main")}
    assert next(r for r in table.registrations if r.function == "list_items").sources == ()


def test_namespace_package_router_registered_once(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.tenantlint]\n", encoding="utf-8")
    (tmp_path / "app" / "routers").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "main.py").write_text(
        "from fastapi import FastAPI\nfrom app.routers.items import router\n\napp = FastAPI()\n"
        'app.include_router(router, prefix="/v1")\n',
        encoding="utf-8",
    )
    (tmp_path / "app" / "routers" / "items.py").write_text(
        'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/items")\n\n\n@router.get("")\ndef list_items():\n    return []\n',
        encoding="utf-8",
    )

    rows = run_tenantlint(["report", "--no-cache", "--format", "json", "."], tmp_path).json()

    assert [(row["function"], row["full_route"], row["findings"]) for row in rows] == [("list_items", "/v1/items", ["TL101"])]
