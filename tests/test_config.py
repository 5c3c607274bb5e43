"""Tests for loading, validating and overriding the configuration."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tenantlint.config import Config, ConfigError, LoadedConfig, load_config, with_overrides
from tenantlint.rules import ALL_CODES

DATA = Path(__file__).parent / "data" / "config"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def load_pyproject(tmp_path: Path, body: str) -> LoadedConfig:
    write(tmp_path / "pyproject.toml", "[tool.tenantlint]\n" + body)
    return load_config(None, tmp_path)


def pyproject_error(tmp_path: Path, body: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_pyproject(tmp_path, body)
    return str(caught.value)


# Finding the file


def test_defaults_without_config_file(tmp_path: Path) -> None:
    loaded = load_config(None, tmp_path)

    assert loaded.config == Config(root=tmp_path)
    assert loaded.config.path is None
    assert loaded.config.root == tmp_path
    assert loaded.warnings == ()


def test_config_found_upward(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[tool.tenantlint]\nparameter = "org_id"\n')
    cwd = tmp_path / "app" / "api"
    cwd.mkdir(parents=True)

    config = load_config(None, cwd).config

    assert config.parameter == "org_id"
    assert config.path == pyproject
    assert config.root == tmp_path


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tenantlint]\nparameter = "outer"\n')
    write(tmp_path / "service" / "pyproject.toml", '[project]\nname = "service"\n\n[tool.ruff]\nline-length = 100\n')
    cwd = tmp_path / "service"

    config = load_config(None, cwd).config

    assert config.parameter == "outer"
    assert config.root == tmp_path


def test_tenantlint_toml_wins_in_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tenantlint]\nparameter = "from_pyproject"\n')
    toml = write(tmp_path / "tenantlint.toml", 'parameter = "from_tenantlint_toml"\n')

    config = load_config(None, tmp_path).config

    assert config.parameter == "from_tenantlint_toml"
    assert config.path == toml


def test_nearer_pyproject_wins_over_farther_tenantlint_toml(tmp_path: Path) -> None:
    write(tmp_path / "tenantlint.toml", 'parameter = "outer"\n')
    inner = write(tmp_path / "service" / "pyproject.toml", '[tool.tenantlint]\nparameter = "inner"\n')

    config = load_config(None, tmp_path / "service").config

    assert config.parameter == "inner"
    assert config.path == inner
    assert config.root == tmp_path / "service"


def test_empty_tenantlint_toml_is_used(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tenantlint]\nparameter = "outer"\n')
    toml = write(tmp_path / "service" / "tenantlint.toml", "")

    config = load_config(None, tmp_path / "service").config

    assert config.parameter == "tenant_id"
    assert config.path == toml


def test_explicit_file_overrides_search(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tenantlint]\nparameter = "found"\n')
    explicit = write(tmp_path / "configs" / "strict.toml", 'parameter = "explicit"\n')

    config = load_config(Path("configs/strict.toml"), tmp_path).config

    assert config.parameter == "explicit"
    assert config.path == explicit
    assert config.root == tmp_path / "configs"


def test_explicit_pyproject_without_table_fails(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(Path("pyproject.toml"), tmp_path)

    assert str(caught.value) == (
        "pyproject.toml: no [tool.tenantlint] table found; add one or name a tenantlint.toml"
    )


def test_explicit_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(Path("nope.toml"), tmp_path)

    assert str(caught.value) == "nope.toml: configuration file not found"


def test_explicit_folder_fails(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()

    with pytest.raises(ConfigError) as caught:
        load_config(Path("configs"), tmp_path)

    assert str(caught.value) == "configs: cannot read the configuration file: Is a directory"


def test_config_above_cwd_shown_absolute(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tenantlint]\nparameter = "not valid"\n')
    cwd = tmp_path / "app"
    cwd.mkdir()

    with pytest.raises(ConfigError) as caught:
        load_config(None, cwd)

    assert str(caught.value) == (
        f'{tmp_path.as_posix()}/pyproject.toml: [tool.tenantlint] parameter = "not valid"'
        " is invalid: expected a Python identifier"
    )


def test_full_pyproject_loads_every_key(tmp_path: Path) -> None:
    shutil.copy(DATA / "full_pyproject.toml", tmp_path / "pyproject.toml")

    loaded = load_config(None, tmp_path)
    config = loaded.config

    assert loaded.warnings == ()
    assert config.dependency == "get_tenant"
    assert config.dependency_module == "..middleware.tenant_context"
    assert config.parameter == "org_id"
    assert config.parameter_annotation == "UUID"
    assert config.parameter_style == "annotated"
    assert config.log_prefix == "[Org: {tenant_id}] "
    assert config.log_style == "lazy"
    assert config.structlog_style == "prefix"
    assert config.enforce == ("P0", "P1")
    assert config.exclude == ("**/migrations/**", "scripts/*.py")
    assert config.select == ("TL1", "TL201")
    assert config.ignore == ("TL104",)
    assert config.tenant_scoped_dependencies == ("get_rls_session", "deps.get_db")
    assert config.tenant_providing_dependencies == (
        ("get_principal", "tenant.id"),
        ("get_context", "org_id"),
    )
    assert config.loggers == (("logger", "stdlib"), ("log", "structlog"), ("loguru_logger", "loguru"))
    assert config.cbv_decorators == ("cbv", "class_based_view")
    assert config.websocket_dependency is True
    assert config.scope == (
        ("P0", ("**/routers/alerts.py", "GET /alerts/{alert_id}")),
        ("P1", ("app/api/*.py::list_*",)),
        ("P2", ("app/api/reports/*.py",)),
    )
    assert config.exempt == (
        ("GET /health", "liveness probe, no tenant data"),
        ("app/api/admin.py::rebuild_index", "operator-only maintenance task"),
    )
    assert config.enabled_codes() == {"TL101", "TL102", "TL103", "TL201"}


def test_tenantlint_toml_top_level_keys(tmp_path: Path) -> None:
    shutil.copy(DATA / "minimal_tenantlint.toml", tmp_path / "tenantlint.toml")

    config = load_config(None, tmp_path).config

    assert config.parameter == "tenant"
    assert config.exclude == ("legacy",)
    assert config.scope == (("critical", ("POST /payments",)), ("normal", ("**/*.py",)))


def test_list_forms_of_pair_keys(tmp_path: Path) -> None:
    config = load_pyproject(
        tmp_path,
        'parameter = "org"\n'
        'tenant-providing-dependencies = ["get_principal"]\n'
        'loggers = ["log", "self.logger"]\n',
    ).config

    assert config.tenant_providing_dependencies == (("get_principal", "org"),)
    assert config.loggers == (("log", "stdlib"), ("self.logger", "stdlib"))


def test_relative_module_of_dots_only(tmp_path: Path) -> None:
    config = load_pyproject(tmp_path, 'dependency-module = ".."\n').config

    assert config.dependency_module == ".."


# Errors


WRONG_VALUES = [
    ("dependency", "3", "dependency = 3 is invalid: expected a string"),
    ("dependency", '"deps.get_tenant"', 'dependency = "deps.get_tenant" is invalid: expected a Python identifier'),
    ("dependency", '"class"', 'dependency = "class" is invalid: expected a Python identifier'),
    ("dependency-module", "true", "dependency-module = true is invalid: expected a string"),
    (
        "dependency-module",
        '"app..deps"',
        'dependency-module = "app..deps" is invalid: expected a module such as "app.deps"'
        ' or "..middleware.tenant_context"',
    ),
    (
        "dependency-module",
        '""',
        'dependency-module = "" is invalid: expected a module such as "app.deps"'
        ' or "..middleware.tenant_context"',
    ),
    ("parameter", '["tenant_id"]', 'parameter = ["tenant_id"] is invalid: expected a string'),
    ("parameter", '"tenant-id"', 'parameter = "tenant-id" is invalid: expected a Python identifier'),
    ("parameter-annotation", "1.5", "parameter-annotation = 1.5 is invalid: expected a string"),
    (
        "parameter-annotation",
        '"str |"',
        'parameter-annotation = "str |" is invalid: expected a Python type expression such as "str"',
    ),
    (
        "parameter-style",
        '"fancy"',
        'parameter-style = "fancy" is invalid: expected one of "default", "annotated", "auto"',
    ),
    (
        "parameter-style",
        "1",
        'parameter-style = 1 is invalid: expected one of "default", "annotated", "auto"',
    ),
    ("log-prefix", "{ a = 1 }", "log-prefix = {a = 1} is invalid: expected a string"),
    ("log-prefix", '"[Tenant]"', 'log-prefix = "[Tenant]" is invalid: expected "{tenant_id}" exactly once'),
    (
        "log-prefix",
        '"{tenant_id} {tenant_id}"',
        'log-prefix = "{tenant_id} {tenant_id}" is invalid: expected "{tenant_id}" exactly once',
    ),
    ("log-style", '"printf"', 'log-style = "printf" is invalid: expected one of "auto", "fstring", "lazy"'),
    ("structlog-style", "false", 'structlog-style = false is invalid: expected one of "key", "prefix"'),
    ("enforce", '"P0"', 'enforce = "P0" is invalid: expected a list of strings'),
    ("enforce", "[0]", "enforce[0] = 0 is invalid: expected a string"),
    ("exclude", '"legacy"', 'exclude = "legacy" is invalid: expected a list of strings'),
    ("exclude", '["ok/*.py", ""]', 'exclude[1] = "" is invalid: a file glob must not be empty'),
    (
        "exclude",
        '["app/[ab.py"]',
        'exclude[0] = "app/[ab.py" is invalid: the file glob "app/[ab.py" has a "[" without a closing "]"',
    ),
    ("select", '"TL1"', 'select = "TL1" is invalid: expected a list of strings'),
    (
        "select",
        '["TL1", "TL999"]',
        'select[1] = "TL999" is invalid: no rule code starts with "TL999" (`tenantlint rules` lists them)',
    ),
    ("ignore", '["tl2"]', 'ignore[0] = "tl2" is invalid: no rule code starts with "tl2" (`tenantlint rules` lists them)'),
    ("ignore", '[""]', 'ignore[0] = "" is invalid: a rule code or prefix must not be empty'),
    ("ignore", "[true]", "ignore[0] = true is invalid: expected a string"),
    (
        "tenant-scoped-dependencies",
        '"get_db"',
        'tenant-scoped-dependencies = "get_db" is invalid: expected a list of strings',
    ),
    (
        "tenant-scoped-dependencies",
        '["get db"]',
        'tenant-scoped-dependencies[0] = "get db" is invalid: expected a name such as "get_session"',
    ),
    (
        "tenant-providing-dependencies",
        '"get_principal"',
        'tenant-providing-dependencies = "get_principal" is invalid: expected a list of names or a table of names',
    ),
    ("loggers", "3", "loggers = 3 is invalid: expected a list of names or a table of names"),
    ("loggers", "[3]", "loggers[0] = 3 is invalid: expected a string"),
    ("cbv-decorators", '"cbv"', 'cbv-decorators = "cbv" is invalid: expected a list of strings'),
    ("websocket-dependency", '"yes"', 'websocket-dependency = "yes" is invalid: expected true or false'),
    (
        "scope",
        '["**/*.py"]',
        'scope = ["**/*.py"] is invalid: expected a table of priority names to lists of selectors',
    ),
    ("exempt", '["GET /health"]', 'exempt = ["GET /health"] is invalid: expected a table of selectors to reasons'),
]


@pytest.mark.parametrize(("key", "value", "message"), WRONG_VALUES, ids=[f"{key}={value}" for key, value, _ in WRONG_VALUES])
def test_wrong_value_is_rejected(tmp_path: Path, key: str, value: str, message: str) -> None:
    assert pyproject_error(tmp_path, f"{key} = {value}\n") == f"pyproject.toml: [tool.tenantlint] {message}"


def test_every_key_has_a_wrong_value_case() -> None:
    keys = {key for key, _value, _message in WRONG_VALUES}

    assert keys == {
        "dependency",
        "dependency-module",
        "parameter",
        "parameter-annotation",
        "parameter-style",
        "log-prefix",
        "log-style",
        "structlog-style",
        "enforce",
        "exclude",
        "select",
        "ignore",
        "tenant-scoped-dependencies",
        "tenant-providing-dependencies",
        "loggers",
        "cbv-decorators",
        "websocket-dependency",
        "scope",
        "exempt",
    }


def test_error_in_tenantlint_toml_has_no_tool_table(tmp_path: Path) -> None:
    write(tmp_path / "tenantlint.toml", 'parameter-style = "fancy"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(None, tmp_path)

    assert str(caught.value) == (
        'tenantlint.toml: parameter-style = "fancy" is invalid:'
        ' expected one of "default", "annotated", "auto"'
    )


def test_invalid_scope_selector(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, '[tool.tenantlint.scope]\nP0 = ["**/x.py", "GET alerts"]\n')

    assert message == (
        'pyproject.toml: [tool.tenantlint.scope] P0[1] = "GET alerts" is invalid:'
        ' the route "alerts" must start with "/"'
    )


def test_blank_priority_name(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, '[tool.tenantlint.scope]\n" " = ["**/x.py"]\n')

    assert message == (
        'pyproject.toml: [tool.tenantlint.scope] " " = ["**/x.py"] is invalid: a priority name must not be blank'
    )


def test_scope_entry_of_wrong_type(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, '[tool.tenantlint.scope]\n"P 0" = "**/x.py"\n')

    assert message == (
        'pyproject.toml: [tool.tenantlint.scope] "P 0" = "**/x.py" is invalid: expected a list of strings'
    )


def test_invalid_exempt_selector(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, '[tool.tenantlint.exempt]\n"FETCH /x" = "legacy"\n')

    assert message == (
        'pyproject.toml: [tool.tenantlint.exempt] "FETCH /x" = "legacy" is invalid: invalid selector:'
        ' "FETCH" is not an HTTP method; expected "METHOD /path" or a file glob'
    )


@pytest.mark.parametrize("reason", ['""', '"   "', "1"])
def test_exempt_needs_reason(tmp_path: Path, reason: str) -> None:
    message = pyproject_error(tmp_path, f'[tool.tenantlint.exempt]\n"GET /health" = {reason}\n')

    assert message == (
        f'pyproject.toml: [tool.tenantlint.exempt] "GET /health" = {reason} is invalid: expected a non-empty reason'
    )


def test_pair_table_value_invalid(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, 'loggers = { log = "logging" }\n')

    assert message == (
        'pyproject.toml: [tool.tenantlint.loggers] log = "logging" is invalid:'
        ' expected one of "stdlib", "loguru", "structlog"'
    )


def test_pair_table_key_invalid(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, 'tenant-providing-dependencies = { "get principal" = "tenant_id" }\n')

    assert message == (
        'pyproject.toml: [tool.tenantlint.tenant-providing-dependencies] "get principal" = "tenant_id"'
        ' is invalid: the key must be a name such as "get_tenant"'
    )


def test_enforce_must_name_scope_priority(tmp_path: Path) -> None:
    message = pyproject_error(
        tmp_path, 'enforce = ["P0", "P3"]\n\n[tool.tenantlint.scope]\nP0 = ["a.py"]\nP1 = ["b.py"]\n'
    )

    assert message == (
        'pyproject.toml: [tool.tenantlint] enforce[1] = "P3" is invalid:'
        ' expected a priority from the scope table: "P0", "P1"'
    )


def test_tool_tenantlint_not_a_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool]\ntenantlint = 5\n")

    with pytest.raises(ConfigError) as caught:
        load_config(None, tmp_path)

    assert str(caught.value) == "pyproject.toml: [tool] tenantlint = 5 is invalid: expected a table"


def test_toml_syntax_error(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, 'parameter = "tenant_id\n')

    assert message.startswith("pyproject.toml: invalid TOML: ")
    assert "line 2" in message
    assert "\n" not in message


def test_syntax_error_in_unrelated_pyproject_stops_search(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tenantlint]\nparameter = "outer"\n')
    write(tmp_path / "service" / "pyproject.toml", "[project\n")

    with pytest.raises(ConfigError) as caught:
        load_config(None, tmp_path / "service")

    assert str(caught.value).startswith("pyproject.toml: invalid TOML: ")


def test_file_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "tenantlint.toml").write_bytes(b'parameter = "t\xe9nant"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(None, tmp_path)

    assert str(caught.value) == "tenantlint.toml: invalid TOML: the file is not UTF-8"


def test_long_value_is_shortened(tmp_path: Path) -> None:
    message = pyproject_error(tmp_path, f'parameter-style = "{"x" * 300}"\n')

    assert message == (
        f'pyproject.toml: [tool.tenantlint] parameter-style = "{"x" * 96}...'
        ' is invalid: expected one of "default", "annotated", "auto"'
    )


# Warnings


def test_unknown_key_suggests_closest(tmp_path: Path) -> None:
    loaded = load_pyproject(tmp_path, 'log_prefix = "[T: {tenant_id}]"\nlog-styel = "lazy"\n')

    assert loaded.warnings == (
        'pyproject.toml: unknown key [tool.tenantlint] log_prefix ignored; did you mean "log-prefix"?',
        'pyproject.toml: unknown key [tool.tenantlint] log-styel ignored; did you mean "log-style"?',
    )
    assert loaded.config.log_prefix == "[Tenant: {tenant_id}]"
    assert loaded.config.log_style == "auto"


def test_unknown_key_in_other_case(tmp_path: Path) -> None:
    loaded = load_pyproject(tmp_path, 'PARAMETER_STYLE = "default"\n')

    assert loaded.warnings == (
        'pyproject.toml: unknown key [tool.tenantlint] PARAMETER_STYLE ignored; did you mean "parameter-style"?',
    )


def test_unknown_key_without_suggestion(tmp_path: Path) -> None:
    loaded = load_pyproject(tmp_path, "colour = true\n")

    assert loaded.warnings == ("pyproject.toml: unknown key [tool.tenantlint] colour ignored",)


def test_unknown_subtable_suggests_scope(tmp_path: Path) -> None:
    loaded = load_pyproject(tmp_path, '[tool.tenantlint.scopes]\nP0 = ["a.py"]\n')

    assert loaded.warnings == (
        'pyproject.toml: unknown key [tool.tenantlint] scopes ignored; did you mean "scope"?',
    )
    assert loaded.config.scope == ()


def test_tool_table_in_tenantlint_toml_warns(tmp_path: Path) -> None:
    write(tmp_path / "tenantlint.toml", '[tool.tenantlint]\nparameter = "org"\n')

    loaded = load_config(None, tmp_path)

    assert loaded.warnings == (
        "tenantlint.toml: unknown key tool ignored; tenantlint.toml takes the settings"
        " as top-level keys, without [tool.tenantlint]",
    )
    assert loaded.config.parameter == "tenant_id"


def test_enforce_without_scope_warns(tmp_path: Path) -> None:
    loaded = load_pyproject(tmp_path, 'enforce = ["P0"]\n')

    assert loaded.warnings == (
        "pyproject.toml: [tool.tenantlint] enforce has no effect without a scope table",
    )
    assert loaded.config.enforce == ("P0",)


def test_empty_scope_table_warns(tmp_path: Path) -> None:
    loaded = load_pyproject(tmp_path, "[tool.tenantlint.scope]\n")

    assert loaded.warnings == (
        "pyproject.toml: [tool.tenantlint.scope] is empty, so every endpoint is in scope",
    )
    assert loaded.config.scope == ()


# Priorities


def test_numbered_priorities_sort_by_number(tmp_path: Path) -> None:
    config = load_pyproject(
        tmp_path, '[tool.tenantlint.scope]\nP10 = ["c.py"]\nP2 = ["b.py"]\nP0 = ["a.py"]\n'
    ).config

    assert [priority for priority, _selectors in config.scope] == ["P0", "P2", "P10"]


def test_named_priorities_keep_table_order(tmp_path: Path) -> None:
    config = load_pyproject(
        tmp_path, '[tool.tenantlint.scope]\nhigh = ["a.py"]\nlow = ["c.py"]\nmedium = ["b.py"]\n'
    ).config

    assert [priority for priority, _selectors in config.scope] == ["high", "low", "medium"]


def test_partly_numbered_priorities_keep_table_order(tmp_path: Path) -> None:
    config = load_pyproject(tmp_path, '[tool.tenantlint.scope]\nP2 = ["b.py"]\ncritical = ["a.py"]\n').config

    assert [priority for priority, _selectors in config.scope] == ["P2", "critical"]


# Rule selection


def test_enabled_codes_default_all() -> None:
    assert Config().enabled_codes() == frozenset(ALL_CODES)


def test_enabled_codes_prefix_expansion() -> None:
    config = Config(select=("TL2", "TL9"), ignore=("TL90",))

    assert config.enabled_codes() == {"TL201", "TL202"}


def test_enabled_codes_ignore_only() -> None:
    config = Config(ignore=("TL1", "TL401"))

    assert config.enabled_codes() == set(ALL_CODES) - {"TL101", "TL102", "TL103", "TL104", "TL401"}


def test_enabled_codes_empty_select() -> None:
    assert Config(select=()).enabled_codes() == frozenset()


def test_overrides_replace_select_and_ignore() -> None:
    config = Config(select=("TL1",), ignore=("TL101",))

    overridden = with_overrides(config, select="TL2, TL301", ignore="TL202")

    assert overridden.select == ("TL2", "TL301")
    assert overridden.ignore == ("TL202",)
    assert overridden.enabled_codes() == {"TL201", "TL301"}


def test_overrides_keep_unset_values() -> None:
    config = Config(select=("TL1",), ignore=("TL101",))

    overridden = with_overrides(config, ignore="TL102")

    assert overridden.select == ("TL1",)
    assert overridden.ignore == ("TL102",)
    assert overridden.enabled_codes() == {"TL101", "TL103", "TL104"}


def test_overrides_accept_repeated_options() -> None:
    overridden = with_overrides(Config(), select=["TL101,TL102", "TL9"])

    assert overridden.select == ("TL101", "TL102", "TL9")


def test_overrides_recompute_digest() -> None:
    config = Config()

    overridden = with_overrides(config, select="TL2")

    assert overridden.digest != config.digest
    assert overridden.digest == Config(select=("TL2",)).digest


@pytest.mark.parametrize(
    ("select", "message"),
    [
        ("TL1,TL7", '--select "TL7" is invalid: no rule code starts with "TL7" (`tenantlint rules` lists them)'),
        (" , ", '--select " , " is invalid: expected rule codes or prefixes such as "TL2"'),
    ],
)
def test_overrides_reject_unknown_codes(select: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        with_overrides(Config(), select=select)

    assert str(caught.value) == message


# Digest


def test_digest_is_sha256_hex() -> None:
    digest = Config().digest

    assert len(digest) == 64
    assert set(digest) <= set("0123456789abcdef")


def test_digest_ignores_path_and_root() -> None:
    assert Config(path=Path("/a/pyproject.toml"), root=Path("/a")).digest == Config().digest


@pytest.mark.parametrize(
    "change",
    [
        {"parameter": "org_id"},
        {"enforce": ()},
        {"scope": (("P0", ("a.py",)),)},
        {"exempt": (("GET /health", "probe"),)},
        {"websocket_dependency": True},
        {"loggers": (("log", "loguru"),)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_digest_changes_with_setting(change: dict[str, object]) -> None:
    assert replace(Config(), **change).digest != Config().digest  # type: ignore[arg-type]


def test_digest_ignores_value_passed_in() -> None:
    assert Config(digest="stale").digest == Config().digest


def test_digest_same_for_same_file(tmp_path: Path) -> None:
    shutil.copy(DATA / "full_pyproject.toml", tmp_path / "pyproject.toml")
    other = tmp_path / "copy"
    other.mkdir()
    shutil.copy(DATA / "full_pyproject.toml", other / "pyproject.toml")

    assert load_config(None, tmp_path).config.digest == load_config(None, other).config.digest
