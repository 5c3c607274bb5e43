"""Import each fixture application and call every route it defines.

tenantlint never imports the code it checks, but its fixtures must still be
real FastAPI applications, so these tests import each one, override the
tenant dependency and call every route with valid input through `TestClient`.
Routes that a request cannot reach (shadowed, duplicated or never mounted)
are called on a probe application that serves only that route. The tests
also confirm at run time that those routes are unreachable, as the
fixtures' EXPECTED.json files claim.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import NoMatchFound

from tenantlint.rules import ALL_CODES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TENANT = "t-1"


@dataclass(frozen=True)
class Call:
    """One request: `route` is the path template the application serves."""

    method: str
    route: str
    url: str
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProbeCall:
    """A request to one handler mounted alone on a probe application.

    `route` is the template under which the real application serves the
    handler, or None when no application mounts it. `url` addresses the
    handler's path on its own router.
    """

    module: str
    function: str
    route: str | None
    url: str


@dataclass(frozen=True)
class FixtureApp:
    folder: str
    package: str
    app_module: str
    dependency_module: str
    calls: tuple[Call, ...]
    probe_calls: tuple[ProbeCall, ...] = ()

    @property
    def root(self) -> Path:
        return FIXTURES / self.folder


ALERT = {"name": "NVDA breakout", "symbol": "NVDA", "condition": "price_above", "threshold": 950.0}
MARKET_ORDER = {"symbol": "MSFT", "side": "buy", "quantity": 10, "account": "ACME-EQ-01"}
LIMIT_ORDER = {**MARKET_ORDER, "limit_price": 400.0}

DEMO = FixtureApp(
    folder="demo",
    package="app",
    app_module="app.main",
    dependency_module="app.middleware.tenant_context",
    calls=(
        Call("GET", "/health", "/health"),
        Call("GET", "/system/status", "/system/status"),
        Call("GET", "/api/v1/risk/exposure", "/api/v1/risk/exposure?as_of=2024-03-01"),
        Call("GET", "/api/v1/risk/var", "/api/v1/risk/var?confidence=0.95&horizon_days=10"),
        Call("GET", "/api/v1/risk-budget", "/api/v1/risk-budget"),
        Call(
            "PUT",
            "/api/v1/risk-budget/allocations/{desk}",
            "/api/v1/risk-budget/allocations/equities",
            json={"limit": 500_000},
        ),
        Call("GET", "/api/v1/portfolio/positions", "/api/v1/portfolio/positions?min_market_value=1000"),
        Call("GET", "/api/v1/portfolio/summary", "/api/v1/portfolio/summary"),
        Call("GET", "/api/v1/alerts", "/api/v1/alerts?status=open&limit=10"),
        Call("POST", "/api/v1/alerts", "/api/v1/alerts", json=ALERT),
        Call("POST", "/api/v1/alerts/{alert_id}/acknowledge", "/api/v1/alerts/AL-100/acknowledge"),
        Call("GET", "/api/v1/metrics/summary", "/api/v1/metrics/summary"),
        Call("GET", "/api/v1/metrics/system-load", "/api/v1/metrics/system-load"),
        Call("GET", "/api/v1/metrics/latency", "/api/v1/metrics/latency?window_minutes=15"),
        Call("GET", "/api/v1/metrics/pnl", "/api/v1/metrics/pnl"),
        Call("GET", "/api/v1/trades", "/api/v1/trades?symbol=AAPL&side=buy"),
        Call("POST", "/api/v1/trades", "/api/v1/trades", json=MARKET_ORDER),
        Call("GET", "/api/v1/trades/{trade_id}", "/api/v1/trades/TR-1001"),
        # The seeded counter gives the first order TR-5000 and this one TR-5001.
        Call("POST", "/api/v1/trades", "/api/v1/trades", json=LIMIT_ORDER),
        Call("DELETE", "/api/v1/trades/{trade_id}", "/api/v1/trades/TR-5001"),
        Call(
            "GET",
            "/api/v1/correlation/matrix",
            "/api/v1/correlation/matrix?symbols=AAPL&symbols=SPY&symbols=TLT&window_days=5",
        ),
        Call(
            "GET",
            "/api/v1/correlation/pairs/{symbol_a}/{symbol_b}",
            "/api/v1/correlation/pairs/AAPL/MSFT",
        ),
        Call("GET", "/api/v1/regime/current", "/api/v1/regime/current"),
        Call("GET", "/api/v1/regime/history", "/api/v1/regime/history?start=2024-01-01"),
        Call("GET", "/api/v1/regime/transitions", "/api/v1/regime/transitions"),
        Call(
            "GET",
            "/api/v1/liquidity/{symbol}/profile",
            "/api/v1/liquidity/AAPL/profile?position_size=250000",
        ),
        Call("GET", "/api/v1/liquidity/{symbol}/depth", "/api/v1/liquidity/SPY/depth?levels=3"),
    ),
    probe_calls=(
        ProbeCall(
            "app.api.routers.trades",
            "get_trade_history",
            "/api/v1/trades/history",
            "/trades/history?start=2024-01-01T00:00:00Z",
        ),
    ),
)

SHAPES = FixtureApp(
    folder="shapes",
    package="shapes_app",
    app_module="shapes_app.main",
    dependency_module="shapes_app.deps",
    calls=(
        Call("GET", "/ping", "/ping"),
        Call("POST", "/notes", "/notes", json={"title": "Quarterly review", "body": "Draft"}),
        Call("GET", "/notes", "/notes?limit=5"),
        Call("GET", "/notes/{note_id}", "/notes/1"),
        Call("PATCH", "/notes/{note_id}", "/notes/1", json={"title": "Quarterly review (final)"}),
        Call("GET", "/audit/events", "/audit/events?since=2024-05-02T09:01:00Z"),
        Call("POST", "/audit/events/replay", "/audit/events/replay", json={"event_ids": ["ev-1", "ev-404"]}),
        Call("GET", "/reports/daily", "/reports/daily?day=2024-06-03"),
        Call("POST", "/reports/daily", "/reports/daily"),
        Call("GET", "/reports/monthly/{year}/{month}", "/reports/monthly/2024/5"),
        Call("POST", "/reports/exports", "/reports/exports?format=parquet&include_archived=true"),
        Call(
            "POST",
            "/webhooks/deliveries",
            "/webhooks/deliveries",
            json={"delivery_id": "dlv-1", "source": "vendor-a", "body": '{"px": 101.5}'},
        ),
        Call("GET", "/webhooks/deliveries/{delivery_id}", "/webhooks/deliveries/dlv-1"),
        Call("GET", "/catalog/items", "/catalog/items?category=equity&page=1"),
        Call("GET", "/catalog/items/{sku}", "/catalog/items/eq-pro?currency=EUR"),
        Call("GET", "/catalog/categories", "/catalog/categories"),
    ),
)

ISOLATION = FixtureApp(
    folder="isolation",
    package="isolation_app",
    app_module="isolation_app.main",
    dependency_module="isolation_app.deps",
    calls=(
        Call("GET", "/v1/alerts/active", "/v1/alerts/active"),
        Call("GET", "/v1/alerts/{alert_id}", "/v1/alerts/a-1"),
        Call("GET", "/v1/reports/summary", "/v1/reports/summary"),
        Call("GET", "/v1/reports/export", "/v1/reports/export?report=usage"),
        Call("GET", "/v1/reports/schedules", "/v1/reports/schedules"),
        Call("GET", "/v1/invoices/outstanding", "/v1/invoices/outstanding", headers={"X-Tenant-ID": TENANT}),
        Call("GET", "/v1/invoices/{invoice_id}", "/v1/invoices/inv-10"),
        Call("GET", "/v1/orders/recent", "/v1/orders/recent?limit=5"),
        Call("GET", "/v1/orders/{order_id}", "/v1/orders/o-1"),
        Call("GET", "/v1/metrics/{kind}", "/v1/metrics/requests"),
    ),
    probe_calls=(
        ProbeCall("isolation_app.routers.exports", "export_report_bundle", "/v1/reports/export", "/export"),
        ProbeCall("isolation_app.routers.metrics", "get_cache_metrics", "/v1/metrics/cache", "/cache"),
        ProbeCall("isolation_app.routers.legacy", "get_legacy_alert", None, "/legacy/alerts/a-1"),
    ),
)

FIXTURE_APPS = (DEMO, SHAPES, ISOLATION)


def _owned_modules(package: str) -> dict[str, ModuleType]:
    return {
        name: module
        for name, module in sys.modules.items()
        if name == package or name.startswith(package + ".")
    }


@contextmanager
def fixture_import_path(fixture: FixtureApp) -> Iterator[None]:
    """Make the fixture's package importable, then restore sys.path and sys.modules.

    A module of the same name imported elsewhere (`app` is a common name)
    is set aside for the duration and put back afterwards.
    """
    saved_path = list(sys.path)
    saved_modules = _owned_modules(fixture.package)
    for name in saved_modules:
        del sys.modules[name]
    sys.path.insert(0, str(fixture.root))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path[:] = saved_path
        for name in _owned_modules(fixture.package):
            del sys.modules[name]
        sys.modules.update(saved_modules)


@contextmanager
def loaded_app(fixture: FixtureApp) -> Iterator[FastAPI]:
    """Import the fixture's application with the tenant dependency overridden."""
    with fixture_import_path(fixture):
        app = importlib.import_module(fixture.app_module).app
        dependency = importlib.import_module(fixture.dependency_module).get_current_tenant_id
        app.dependency_overrides[dependency] = lambda: TENANT
        try:
            yield app
        finally:
            app.dependency_overrides.clear()


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Return (METHOD, path template) for every operation in the OpenAPI schema."""
    paths = app.openapi()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def find_route(module_name: str, function: str) -> APIRoute:
    """Return the APIRoute of `function` on the module-level `router` of `module_name`."""
    router = importlib.import_module(module_name).router
    for route in router.routes:
        if isinstance(route, APIRoute) and route.endpoint.__name__ == function:
            return route
    raise LookupError(f"{module_name}.router has no route for {function}")


def probe_app(app: FastAPI, route: APIRoute) -> FastAPI:
    """Build an application that serves only `route`, with `app`'s overrides."""
    probe = FastAPI()
    probe.add_api_route(
        route.path,
        route.endpoint,
        methods=sorted(route.methods),
        response_model=route.response_model,
        status_code=route.status_code,
        dependencies=route.dependencies,
    )
    probe.dependency_overrides.update(app.dependency_overrides)
    return probe


def describe(call: Call | ProbeCall, status: int, body: str) -> str:
    method = call.method if isinstance(call, Call) else call.function
    return f"{method} {call.url} returned {status}: {body[:300]}"


@pytest.mark.parametrize("fixture", FIXTURE_APPS, ids=lambda fixture: fixture.folder)
def test_every_route_returns_2xx(fixture: FixtureApp) -> None:
    with loaded_app(fixture) as app, TestClient(app) as client:
        for call in fixture.calls:
            response = client.request(call.method, call.url, json=call.json, headers=call.headers)

            assert 200 <= response.status_code < 300, describe(call, response.status_code, response.text)


# FastAPI gives both methods of an `api_route(methods=["GET", "POST"])`
# handler one operation id and warns when it builds the schema.
@pytest.mark.filterwarnings("ignore:Duplicate Operation ID:UserWarning")
@pytest.mark.parametrize("fixture", FIXTURE_APPS, ids=lambda fixture: fixture.folder)
def test_calls_cover_every_served_route(fixture: FixtureApp) -> None:
    called = {(call.method, call.route) for call in fixture.calls}
    probed = {("GET", probe.route) for probe in fixture.probe_calls if probe.route is not None}

    with loaded_app(fixture) as app:
        served = served_routes(app)

    assert called | probed == served


@pytest.mark.parametrize("fixture", [DEMO, ISOLATION], ids=lambda fixture: fixture.folder)
def test_unreachable_handlers_run_alone(fixture: FixtureApp) -> None:
    with loaded_app(fixture) as app:
        for probe_call in fixture.probe_calls:
            route = find_route(probe_call.module, probe_call.function)
            with TestClient(probe_app(app, route)) as client:
                response = client.get(probe_call.url)

            assert 200 <= response.status_code < 300, describe(
                probe_call, response.status_code, response.text
            )


def test_demo_trade_history_is_shadowed() -> None:
    with loaded_app(DEMO) as app, TestClient(app) as client:
        response = client.get("/api/v1/trades/history")

    # `GET /trades/{trade_id}` is registered first and takes "history" as an id.
    assert response.status_code == 404
    assert response.json() == {"detail": "Trade history not found"}


def test_isolation_cache_metrics_is_shadowed() -> None:
    with loaded_app(ISOLATION) as app, TestClient(app) as client:
        response = client.get("/v1/metrics/cache")

    # `get_metric` handles the request with kind "cache" instead of
    # `get_cache_metrics` returning the cache hit ratio.
    assert response.status_code == 200
    assert response.json() == {"kind": "cache", "value": 0.0}


def test_isolation_duplicate_export_serves_first() -> None:
    with loaded_app(ISOLATION) as app, TestClient(app) as client:
        response = client.get("/v1/reports/export")

    # The reports router is included before the exports router, so its
    # handler serves the request and the bundle export is never reached.
    assert response.status_code == 200
    assert response.json()["url"].endswith("/usage.csv?sig=demo")


def _fill_path_parameters(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in re.findall(r"{(\w+)}", template)}


def _with_values(template: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda match: values[match.group(1)], template)


def test_isolation_routes_json_matches_app() -> None:
    entries = json.loads((ISOLATION.root / "ROUTES.json").read_text(encoding="utf-8"))

    with loaded_app(ISOLATION) as app:
        for entry in entries:
            module_name = entry["path"].removesuffix(".py").replace("/", ".")
            route = find_route(module_name, entry["function"])
            prefix = importlib.import_module(module_name).router.prefix
            source = Path(inspect.getsourcefile(route.endpoint) or "")
            values = _fill_path_parameters(route.path)

            assert source.relative_to(ISOLATION.root).as_posix() == entry["path"]
            assert sorted(route.methods) == entry["methods"]
            assert prefix + entry["route"] == route.path
            if entry["full_route"] is None:
                with pytest.raises(NoMatchFound):
                    app.url_path_for(entry["function"], **values)
            else:
                served_path = app.url_path_for(entry["function"], **values)
                assert served_path == _with_values(entry["full_route"], values)

        served = served_routes(app)

    listed = {
        (method, entry["full_route"])
        for entry in entries
        if entry["full_route"] is not None
        for method in entry["methods"]
    }
    assert listed == served


def _defined_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_bytes(), filename=str(path))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


@pytest.mark.parametrize("fixture", FIXTURE_APPS, ids=lambda fixture: fixture.folder)
def test_expected_findings_name_real_places(fixture: FixtureApp) -> None:
    entries = json.loads((fixture.root / "EXPECTED.json").read_text(encoding="utf-8"))

    assert entries, f"{fixture.folder}/EXPECTED.json lists no findings"
    for entry in entries:
        path = fixture.root / entry["path"]

        assert set(entry) == {"code", "path", "function"}, entry
        assert entry["code"] in ALL_CODES, entry
        assert path.is_file(), entry
        if entry["function"] is None:
            assert entry["path"] == "pyproject.toml", entry
        else:
            assert entry["function"] in _defined_functions(path), entry
