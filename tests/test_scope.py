"""Tests for scope selectors, file globs and endpoint classification."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantlint.config import Config
from tenantlint.scope import (
    ANY_METHOD,
    FILE,
    FUNCTION,
    ROUTE,
    Classification,
    EndpointRef,
    FileGlob,
    classify,
    parse_selector,
    selector_matches,
    unmatched_selectors,
)

ROOT = Path("/srv/service")


def endpoint(
    relative: str = "app/routers/alerts.py",
    function: str = "list_alerts",
    methods: tuple[str, ...] = ("GET",),
    route: str | None = "/alerts",
    full_route: str | None = None,
) -> EndpointRef:
    return EndpointRef(ROOT / relative, function, methods, route, full_route)


def matches(selector: str, ref: EndpointRef, root: Path = ROOT) -> bool:
    return selector_matches(parse_selector(selector), ref, root)


def glob_matches(pattern: str, relative: str, root: Path = ROOT) -> bool:
    return FileGlob.parse(pattern).matches(root / relative, root)


# Parsing


def test_parse_file_glob() -> None:
    selector = parse_selector("**/routers/alerts.py")

    assert selector.kind == FILE
    assert selector.glob is not None
    assert selector.glob.pattern == "**/routers/alerts.py"


def test_parse_function_selector() -> None:
    selector = parse_selector("app/api/*.py::list_*")

    assert selector.kind == FUNCTION
    assert selector.glob is not None
    assert selector.glob.pattern == "app/api/*.py"
    assert selector.function == "list_*"


@pytest.mark.parametrize(
    ("text", "method", "route"),
    [
        ("GET /alerts/{alert_id}", "GET", "/alerts/{alert_id}"),
        ("delete /alerts", "DELETE", "/alerts"),
        ("*   /", ANY_METHOD, "/"),
        ("any /alerts/", ANY_METHOD, "/alerts/"),
        ("WebSocket /ws", "WEBSOCKET", "/ws"),
    ],
)
def test_parse_route_selector(text: str, method: str, route: str) -> None:
    selector = parse_selector(text)

    assert selector.kind == ROUTE
    assert selector.method == method
    assert selector.route == route


def test_parse_keeps_original_text() -> None:
    assert parse_selector("  GET /alerts ").text == "  GET /alerts "


def test_glob_with_space_is_file_selector() -> None:
    selector = parse_selector("my app/routers.py")

    assert selector.kind == FILE


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "a selector must not be empty"),
        ("   ", "a selector must not be empty"),
        ("FETCH /alerts", '"FETCH" is not an HTTP method; expected "METHOD /path" or a file glob'),
        ("GET alerts", 'the route "alerts" must start with "/"'),
        ("GET /alerts?page=2", 'the route "/alerts?page=2" must be a path without spaces, query or fragment'),
        ("GET /alerts /x", 'the route "/alerts /x" must be a path without spaces, query or fragment'),
        ("GET /alerts/{id", 'the route "/alerts/{id" has an unbalanced "{" or "}"'),
        ("GET /alerts/id}", 'the route "/alerts/id}" has an unbalanced "{" or "}"'),
        ("::list_alerts", 'the file glob before "::" is empty'),
        ("app.py::", 'the function pattern "" after "::" must be a name or an fnmatch pattern'),
        ("app.py::list alerts", 'the function pattern "list alerts" after "::" must be a name or an fnmatch pattern'),
        ("a.py::b::c", 'a selector may contain "::" only once, as in "GLOB::function"'),
        ("app/[ab.py", 'the file glob "app/[ab.py" has a "[" without a closing "]"'),
        ("./", "a file glob must not be empty"),
    ],
)
def test_parse_rejects_invalid(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_selector(text)

    assert str(caught.value) == reason


# File globs


@pytest.mark.parametrize("relative", ["x.py", "a/x.py", "a/b/x.py"])
def test_double_star_matches_any_depth(relative: str) -> None:
    assert glob_matches("**/x.py", relative)


@pytest.mark.parametrize("relative", ["ax.py", "a/bx.py", "x.pyc", "x.py/y.py"])
def test_double_star_needs_whole_name(relative: str) -> None:
    assert not glob_matches("**/x.py", relative)


@pytest.mark.parametrize(
    ("pattern", "relative", "expected"),
    [
        ("app/*.py", "app/alerts.py", True),
        ("app/*.py", "app/api/alerts.py", False),
        ("app/*.py", "app/.py", True),
        ("*.py", "alerts.py", True),
        ("*.py", "app/alerts.py", False),
        ("app/**/alerts.py", "app/alerts.py", True),
        ("app/**/alerts.py", "app/v1/internal/alerts.py", True),
        ("app/**/alerts.py", "application/alerts.py", False),
        ("app/**", "app", True),
        ("app/**", "app/v1/alerts.py", True),
        ("app/**", "apps/alerts.py", False),
        ("**", "app/v1/alerts.py", True),
        ("app/a?.py", "app/ab.py", True),
        ("app/a?.py", "app/a/.py", False),
        ("app/a?.py", "app/abc.py", False),
        ("app/[ab]*.py", "app/billing.py", True),
        ("app/[ab]*.py", "app/users.py", False),
        ("app/[!ab]*.py", "app/users.py", True),
        ("app/[!ab]*.py", "app/alerts.py", False),
        ("app/[]x].py", "app/].py", True),
        ("app/[a-c].py", "app/b.py", True),
        ("app/a**b.py", "app/a/b.py", False),
        ("app/a**b.py", "app/axxb.py", True),
        ("./app/alerts.py", "app/alerts.py", True),
        ("app/routers/", "app/routers", True),
        ("App/alerts.py", "app/alerts.py", False),
        ("app/(alerts).py", "app/(alerts).py", True),
        ("app/alerts+v2.py", "app/alerts+v2.py", True),
        ("app/alerts+v2.py", "app/alertsv2.py", False),
    ],
)
def test_glob_cases(pattern: str, relative: str, expected: bool) -> None:
    assert glob_matches(pattern, relative) is expected


def test_glob_outside_root_uses_absolute_path() -> None:
    outside = Path("/opt/shared/routers/alerts.py")

    assert FileGlob.parse("**/routers/alerts.py").matches(outside, ROOT)
    assert FileGlob.parse("/opt/shared/**/*.py").matches(outside, ROOT)
    assert not FileGlob.parse("routers/alerts.py").matches(outside, ROOT)


def test_absolute_glob_inside_root() -> None:
    assert FileGlob.parse("/srv/service/app/*.py").matches(ROOT / "app" / "alerts.py", ROOT)
    assert not FileGlob.parse("/srv/service/*.py").matches(ROOT / "app" / "alerts.py", ROOT)


def test_glob_relative_to_root_not_cwd() -> None:
    ref_path = ROOT / "app" / "alerts.py"

    assert FileGlob.parse("app/alerts.py").matches(ref_path, ROOT)
    assert not FileGlob.parse("app/alerts.py").matches(ref_path, ROOT / "app")
    assert FileGlob.parse("alerts.py").matches(ref_path, ROOT / "app")


def test_glob_through_symlinked_root(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "app").mkdir(parents=True)
    (real / "app" / "alerts.py").write_bytes(b"")
    link = tmp_path / "link"
    link.symlink_to(real)

    assert FileGlob.parse("app/alerts.py").matches(link / "app" / "alerts.py", real)
    assert FileGlob.parse("app/alerts.py").matches(real / "app" / "alerts.py", link)


# Selector matching


def test_file_selector_matches_every_function() -> None:
    assert matches("**/routers/alerts.py", endpoint(function="list_alerts"))
    assert matches("**/routers/alerts.py", endpoint(function="delete_alert"))
    assert not matches("**/routers/users.py", endpoint())


@pytest.mark.parametrize(
    ("selector", "function", "expected"),
    [
        ("**/alerts.py::list_alerts", "list_alerts", True),
        ("**/alerts.py::list_alerts", "list_alerts_v2", False),
        ("**/alerts.py::list_*", "list_alerts", True),
        ("**/alerts.py::list_*", "get_alert", False),
        ("**/alerts.py::AlertViews.list", "AlertViews.list", True),
        ("**/alerts.py::list", "AlertViews.list", True),
        ("**/alerts.py::AlertViews.*", "AlertViews.list", True),
        ("**/alerts.py::Other.list", "AlertViews.list", False),
        ("**/alerts.py::alertviews.list", "AlertViews.list", False),
        ("**/users.py::list_alerts", "list_alerts", False),
    ],
)
def test_function_selector(selector: str, function: str, expected: bool) -> None:
    assert matches(selector, endpoint(function=function)) is expected


@pytest.mark.parametrize(
    ("selector", "methods", "expected"),
    [
        ("GET /alerts", ("GET",), True),
        ("get /alerts", ("GET",), True),
        ("POST /alerts", ("GET",), False),
        ("POST /alerts", ("GET", "POST"), True),
        ("* /alerts", ("PATCH",), True),
        ("ANY /alerts", ("DELETE",), True),
        ("WEBSOCKET /alerts", ("WEBSOCKET",), True),
        ("GET /alerts", ("WEBSOCKET",), False),
    ],
)
def test_route_selector_methods(selector: str, methods: tuple[str, ...], expected: bool) -> None:
    assert matches(selector, endpoint(methods=methods)) is expected


@pytest.mark.parametrize(
    ("selector", "route", "expected"),
    [
        ("GET /alerts/42", "/alerts/{alert_id}", True),
        ("GET /alerts/{id}", "/alerts/{alert_id}", True),
        ("GET /alerts/{alert_id}", "/alerts/{alert_id}", True),
        ("GET /alerts/{id}", "/alerts/latest", False),
        ("GET /alerts/latest", "/alerts/latest", True),
        ("GET /alerts", "/alerts/{alert_id}", False),
        ("GET /alerts/42/notes", "/alerts/{alert_id}", False),
        ("GET /alerts/", "/alerts/{alert_id}", False),
        ("GET /alerts/", "/alerts", False),
        ("GET /alerts", "/alerts/", False),
        ("GET /alerts/", "/alerts/", True),
        ("GET /", "", True),
        ("GET /", "/", True),
        ("GET /x", "", False),
        ("GET /orgs/7/alerts/3", "/orgs/{org_id}/alerts/{alert_id}", True),
        ("GET /orgs/{o}/alerts/3", "/orgs/{org_id}/alerts/{alert_id}", True),
        ("GET /items/12", "/items/{item_id:int}", True),
        ("GET /items/abc", "/items/{item_id:int}", False),
        ("GET /items/{id}", "/items/{item_id:int}", True),
        ("GET /files/a/b/c.txt", "/files/{file_path:path}", True),
        ("GET /files/", "/files/{file_path:path}", True),
        ("GET /files", "/files/{file_path:path}", False),
        ("GET /files/a/b/meta", "/files/{file_path:path}/meta", True),
        ("GET /files/meta", "/files/{file_path:path}/meta", False),
        ("GET /reports/q1.csv", "/reports/{name}.csv", True),
        ("GET /reports/q1.pdf", "/reports/{name}.csv", False),
        ("GET /reports/{n}.csv", "/reports/{name}.csv", True),
        ("GET /Alerts", "/alerts", False),
    ],
)
def test_route_selector_segments(selector: str, route: str, expected: bool) -> None:
    assert matches(selector, endpoint(route=route)) is expected


def test_route_selector_matches_full_route() -> None:
    ref = endpoint(route="/{alert_id}", full_route="/api/v1/alerts/{alert_id}")

    assert matches("GET /api/v1/alerts/7", ref)
    assert matches("GET /7", ref)
    assert not matches("GET /alerts/7", ref)


def test_route_selector_without_routes() -> None:
    assert not matches("GET /alerts", endpoint(route=None, full_route=None))


# Classification


def config_with(**settings: object) -> Config:
    return Config(root=ROOT, **settings)  # type: ignore[arg-type]


def test_classify_without_scope() -> None:
    classification = classify(config_with(), endpoint())

    assert classification == Classification(None, True, True, None, ())


def test_classify_without_scope_ignores_enforce() -> None:
    classification = classify(config_with(enforce=()), endpoint())

    assert classification.enforced is True


def test_classify_out_of_scope() -> None:
    config = config_with(scope=(("P0", ("**/users.py",)),))

    assert classify(config, endpoint()) == Classification(None, False, False, None, ())


def test_classify_overlap_takes_highest_priority() -> None:
    config = config_with(
        scope=(
            ("P0", ("GET /alerts",)),
            ("P1", ("**/billing.py",)),
            ("P2", ("app/**",)),
            ("P3", ("**/alerts.py::list_*",)),
        )
    )

    classification = classify(config, endpoint())

    assert classification.priority == "P0"
    assert classification.overlapping == ("P0", "P2", "P3")
    assert classification.in_scope is True
    assert classification.enforced is True


def test_classify_enforce_subset() -> None:
    config = config_with(scope=(("P0", ("**/billing.py",)), ("P1", ("**/alerts.py",))), enforce=("P0",))

    classification = classify(config, endpoint())

    assert classification.priority == "P1"
    assert classification.in_scope is True
    assert classification.enforced is False


def test_classify_exempt_keeps_priority() -> None:
    config = config_with(
        scope=(("P0", ("**/alerts.py",)),),
        exempt=(("GET /health", "probe"), ("**/alerts.py::list_alerts", "public list")),
    )

    classification = classify(config, endpoint())

    assert classification.priority == "P0"
    assert classification.enforced is True
    assert classification.exempt_reason == "public list"


def test_classify_exempt_without_scope() -> None:
    config = config_with(exempt=(("GET /alerts", "public"),))

    assert classify(config, endpoint()).exempt_reason == "public"
    assert classify(config, endpoint(route="/other")).exempt_reason is None


def test_classify_first_exempt_reason_wins() -> None:
    config = config_with(exempt=(("GET /alerts", "first"), ("**/alerts.py", "second")))

    assert classify(config, endpoint()).exempt_reason == "first"


def test_unmatched_selectors() -> None:
    config = config_with(
        scope=(
            ("P0", ("GET /alerts", "GET /gone")),
            ("P1", ("**/missing.py", "GET /gone")),
        ),
        exempt=(("GET /health", "probe"), ("**/alerts.py::list_alerts", "public")),
    )
    refs = [endpoint(), endpoint(relative="app/main.py", function="root", route="/")]

    assert unmatched_selectors(config, iter(refs)) == [
        ("scope", "GET /gone"),
        ("scope", "**/missing.py"),
        ("exempt", "GET /health"),
    ]


def test_unmatched_selectors_without_endpoints() -> None:
    config = config_with(scope=(("P0", ("GET /alerts",)),), exempt=(("GET /alerts", "public"),))

    assert unmatched_selectors(config, []) == [("scope", "GET /alerts"), ("exempt", "GET /alerts")]


def test_exempt_route_does_not_match_a_parameter_route():
    config = Config(exempt=(("GET /health", "liveness probe"),), root=ROOT)
    account = endpoint("app/accounts.py", "get_account", route="/{account_id}", full_route="/accounts/{account_id}")
    health = endpoint("app/system.py", "health", route="/health", full_route="/health")

    assert classify(config, account).exempt_reason is None
    assert classify(config, health).exempt_reason == "liveness probe"


def test_exempt_route_names_parameters_as_parameters():
    config = Config(exempt=(("GET /accounts/{id}", "public profile"),), root=ROOT)
    account = endpoint("app/accounts.py", "get_account", route="/{account_id}", full_route="/accounts/{account_id}")

    assert classify(config, account).exempt_reason == "public profile"
