"""Loading and validation of the `[tool.tenantlint]` configuration.

The configuration comes from the nearest `tenantlint.toml` (top-level keys)
or `pyproject.toml` with a `[tool.tenantlint]` table, searched upward from
the current folder, or from a file named with `--config`. Every invalid
value raises ConfigError with a one-line message that names the file, the
key and the value. An unknown key only produces a warning.
"""

from __future__ import annotations

import ast
import datetime
import difflib
import hashlib
import json
import keyword
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

from tenantlint.discovery import absolute_path, relative_display_path
from tenantlint.rules import ALL_CODES
from tenantlint.scope import FileGlob, parse_selector

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
TENANTLINT_TOML = "tenantlint.toml"

PARAMETER_STYLES = ("default", "annotated", "auto")
LOG_STYLES = ("auto", "fstring", "lazy")
STRUCTLOG_STYLES = ("key", "prefix")
LOGGER_LIBRARIES = ("stdlib", "loguru", "structlog")
TENANT_PLACEHOLDER = "{tenant_id}"

# `path` and `root` record where the settings were found, not what they are,
# so the digest leaves them out.
_UNHASHED_FIELDS = frozenset({"path", "root", "digest"})


@dataclass(frozen=True)
class Config:
    """Validated settings, built by `load_config` from a file or the defaults.

    `scope` is sorted highest priority first. `digest` is the sha256 of the
    canonical JSON of every setting except `path` and `root`. It is
    recomputed on construction, so a value passed in is replaced.
    """

    dependency: str = "get_current_tenant_id"
    dependency_module: str | None = None
    parameter: str = "tenant_id"
    parameter_annotation: str = "str"
    parameter_style: str = "auto"
    log_prefix: str = "[Tenant: {tenant_id}]"
    log_style: str = "auto"
    structlog_style: str = "key"
    enforce: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    scope: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exempt: tuple[tuple[str, str], ...] = ()
    tenant_scoped_dependencies: tuple[str, ...] = ()
    tenant_providing_dependencies: tuple[tuple[str, str], ...] = ()
    loggers: tuple[tuple[str, str], ...] = ()
    cbv_decorators: tuple[str, ...] = ("cbv",)
    websocket_dependency: bool = False
    path: Path | None = None
    root: Path = Path(".")
    digest: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", _compute_digest(self))

    def enabled_codes(self) -> frozenset[str]:
        """Return the rule codes to run: `select` (default all) minus `ignore`."""
        selected = expand_codes(self.select) if self.select is not None else set(ALL_CODES)
        return frozenset(selected - expand_codes(self.ignore))


@dataclass(frozen=True)
class LoadedConfig:
    """A configuration with the warnings that loading it produced."""

    config: Config
    warnings: tuple[str, ...] = ()


class ConfigError(Exception):
    """An invalid or unreadable configuration. `str()` is a one-line message for the user."""


def _compute_digest(config: Config) -> str:
    settings = {
        item.name: getattr(config, item.name)
        for item in fields(config)
        if item.name not in _UNHASHED_FIELDS
    }
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def expand_codes(patterns: Sequence[str]) -> set[str]:
    """Return the rule codes that start with one of PATTERNS (codes or prefixes)."""
    return {code for code in ALL_CODES for pattern in patterns if code.startswith(pattern)}


def code_pattern_error(pattern: str) -> str | None:
    """Return why PATTERN is not a rule code or prefix, or None when it is valid."""
    if not pattern:
        return "a rule code or prefix must not be empty"
    if not expand_codes([pattern]):
        return f'no rule code starts with "{pattern}" (`tenantlint rules` lists them)'
    return None


def with_overrides(
    config: Config,
    select: str | Sequence[str] | None = None,
    ignore: str | Sequence[str] | None = None,
) -> Config:
    """Return CONFIG with `--select`/`--ignore` values in place of its own.

    Each value is a comma-separated string of codes or prefixes, or a
    sequence of such strings (an option given several times). Raise
    ConfigError for an unknown code or prefix.
    """
    new_select = config.select if select is None else _parse_code_option("--select", select)
    new_ignore = config.ignore if ignore is None else _parse_code_option("--ignore", ignore)
    return replace(config, select=new_select, ignore=new_ignore)


def _parse_code_option(option: str, value: str | Sequence[str]) -> tuple[str, ...]:
    texts = [value] if isinstance(value, str) else list(value)
    patterns = tuple(item.strip() for text in texts for item in text.split(",") if item.strip())
    if not patterns:
        given = ",".join(texts)
        raise ConfigError(
            f'{option} "{given}" is invalid: expected rule codes or prefixes such as "TL2"'
        )

    for pattern in patterns:
        reason = code_pattern_error(pattern)
        if reason is not None:
            raise ConfigError(f'{option} "{pattern}" is invalid: {reason}')
    return patterns


# Loading


@dataclass(frozen=True)
class _Source:
    """The settings table of one configuration file.

    `wrapped` is True when the settings sit under `[tool.tenantlint]` in a
    `pyproject.toml`, False for the top-level keys of a `tenantlint.toml`.
    """

    path: Path
    display: str
    wrapped: bool
    table: object

    def label(self, *subtables: str) -> str:
        """Return the TOML table header that messages show before a key."""
        parts = (["tool", "tenantlint"] if self.wrapped else []) + list(subtables)
        return f"[{'.'.join(parts)}] " if parts else ""

    def invalid(self, key: str, value: object, reason: str, *subtables: str) -> ConfigError:
        return ConfigError(
            f"{self.display}: {self.label(*subtables)}{key} = {format_value(value)}"
            f" is invalid: {reason}"
        )


def load_config(explicit: Path | None, cwd: Path) -> LoadedConfig:
    """Load the configuration named by EXPLICIT, else the nearest one at or above CWD.

    Without a configuration file the defaults apply, with `root` = CWD.
    Raise ConfigError for a missing, unreadable, malformed or invalid file.
    """
    cwd = absolute_path(cwd)
    if explicit is not None:
        source: _Source | None = _read_explicit(absolute_path(cwd / explicit), cwd)
    else:
        source = _find_source(cwd)

    if source is None:
        return LoadedConfig(Config(root=cwd))
    return _build(source)


def _find_source(cwd: Path) -> _Source | None:
    # In one folder a tenantlint.toml wins over a pyproject.toml. A
    # pyproject.toml without a [tool.tenantlint] table does not stop the search.
    for folder in (cwd, *cwd.parents):
        candidate = folder / TENANTLINT_TOML
        if candidate.is_file():
            display = relative_display_path(candidate, cwd)
            return _Source(candidate, display, False, _read_toml(candidate, cwd))

        pyproject = folder / PYPROJECT
        table = _tool_table(_read_toml(pyproject, cwd)) if pyproject.is_file() else None
        if table is not None:
            return _Source(pyproject, relative_display_path(pyproject, cwd), True, table)
    return None


def _read_explicit(path: Path, cwd: Path) -> _Source:
    display = relative_display_path(path, cwd)
    data = _read_toml(path, cwd)
    if path.name != PYPROJECT:
        # A file named with --config may hold its settings under [tool.tenantlint], as pyproject.toml does.
        table = _tool_table(data)
        if table is not None and "tool" in data and len(data) == 1:
            return _Source(path, display, True, table)
        return _Source(path, display, False, data)

    table = _tool_table(data)
    if table is None:
        raise ConfigError(
            f"{display}: no [tool.tenantlint] table found; add one or name a tenantlint.toml"
        )
    return _Source(path, display, True, table)


def _tool_table(data: dict[str, object]) -> object | None:
    """Return the value of `tool.tenantlint` in DATA, or None when it is absent."""
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return None
    return tool.get("tenantlint")


def _read_toml(path: Path, cwd: Path) -> dict[str, object]:
    display = relative_display_path(path, cwd)
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ConfigError(f"{display}: configuration file not found") from None
    except OSError as error:
        reason = error.strerror
        raise ConfigError(f"{display}: cannot read the configuration file: {reason}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{display}: invalid TOML: the file is not UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{display}: invalid TOML: {error}") from None


def _build(source: _Source) -> LoadedConfig:
    table = source.table
    if not isinstance(table, dict):
        value = format_value(table)
        raise ConfigError(
            f"{source.display}: [tool] tenantlint = {value} is invalid: expected a table"
        )

    warnings = [_unknown_key_warning(source, key) for key in table if key not in _KEYS]
    settings: dict[str, object] = {}
    for key, (field_name, parse) in _SIMPLE_KEYS.items():
        if key in table:
            settings[field_name] = parse(source, key, table[key])

    parameter = str(settings.get("parameter", Config.parameter))
    _parse_dependent_keys(source, table, parameter, settings, warnings)

    config = Config(**settings, path=source.path, root=source.path.parent)  # type: ignore[arg-type]
    return LoadedConfig(config, tuple(warnings))


def _parse_dependent_keys(
    source: _Source,
    table: dict[str, object],
    parameter: str,
    settings: dict[str, object],
    warnings: list[str],
) -> None:
    """Parse `scope` and the keys that depend on other keys.

    A list entry of `tenant-providing-dependencies` takes the `parameter`
    value, and `enforce` must name priorities of `scope`.
    """
    if "tenant-providing-dependencies" in table:
        value = table["tenant-providing-dependencies"]
        settings["tenant_providing_dependencies"] = _parse_name_pairs(
            source, "tenant-providing-dependencies", value, parameter, _ATTRIBUTES
        )

    scope = _parse_scope(source, table.get("scope", {}))
    settings["scope"] = scope
    if "scope" in table and not scope:
        warnings.append(
            f"{source.display}: {source.label('scope')}is empty, so every endpoint is in scope"
        )

    if "enforce" in table:
        settings["enforce"] = _parse_enforce(source, table["enforce"], scope)
        if not scope:
            warnings.append(
                f"{source.display}: {source.label()}enforce has no effect without a scope table"
            )


def _unknown_key_warning(source: _Source, key: str) -> str:
    message = f"{source.display}: unknown key {source.label()}{key} ignored"
    if key == "tool" and not source.wrapped:
        return (
            f"{message}; {TENANTLINT_TOML} takes the settings as top-level keys,"
            " without [tool.tenantlint]"
        )

    suggestion = _closest_key(key)
    if suggestion is None:
        return message
    return f'{message}; did you mean "{suggestion}"?'


def _closest_key(key: str) -> str | None:
    kebab = key.replace("_", "-").lower()
    if kebab in _KEYS:
        return kebab

    matches = difflib.get_close_matches(kebab, list(_KEYS), n=1)
    return matches[0] if matches else None


# Values


def _string(source: _Source, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise source.invalid(key, value, "expected a string")
    return value


def _identifier(source: _Source, key: str, value: object) -> str:
    text = _string(source, key, value)
    if not _is_identifier(text):
        raise source.invalid(key, value, "expected a Python identifier")
    return text


def _is_identifier(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)


def _is_dotted_name(text: str) -> bool:
    return all(_is_identifier(part) for part in text.split("."))


def _choice(choices: tuple[str, ...]) -> Callable[[_Source, str, object], str]:
    expected = ", ".join(f'"{choice}"' for choice in choices)

    def parse(source: _Source, key: str, value: object) -> str:
        if value not in choices:
            raise source.invalid(key, value, f"expected one of {expected}")
        return str(value)

    return parse


def _module(source: _Source, key: str, value: object) -> str:
    text = _string(source, key, value)
    # A relative module may be dots alone ("from . import ...").
    name = text.lstrip(".")
    valid = _is_dotted_name(name) if name else bool(text)
    if not valid:
        raise source.invalid(
            key, value, 'expected a module such as "app.deps" or "..middleware.tenant_context"'
        )
    return text


def _annotation(source: _Source, key: str, value: object) -> str:
    text = _string(source, key, value)
    try:
        ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        reason = 'expected a Python type expression such as "str"'
        raise source.invalid(key, value, reason) from None
    return text.strip()


def _log_prefix(source: _Source, key: str, value: object) -> str:
    text = _string(source, key, value)
    if text.count(TENANT_PLACEHOLDER) != 1:
        raise source.invalid(key, value, f'expected "{TENANT_PLACEHOLDER}" exactly once')
    return text


def _boolean(source: _Source, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise source.invalid(key, value, "expected true or false")
    return value


def _string_list(source: _Source, key: str, value: object, *subtables: str) -> list[str]:
    if not isinstance(value, list):
        raise source.invalid(key, value, "expected a list of strings", *subtables)

    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise source.invalid(f"{key}[{index}]", item, "expected a string", *subtables)
    return value


def _codes(source: _Source, key: str, value: object) -> tuple[str, ...]:
    items = _string_list(source, key, value)
    for index, item in enumerate(items):
        reason = code_pattern_error(item)
        if reason is not None:
            raise source.invalid(f"{key}[{index}]", item, reason)
    return tuple(items)


def _globs(source: _Source, key: str, value: object) -> tuple[str, ...]:
    items = _string_list(source, key, value)
    for index, item in enumerate(items):
        try:
            FileGlob.parse(item)
        except ValueError as error:
            raise source.invalid(f"{key}[{index}]", item, str(error)) from None
    return tuple(items)


def _dotted_names(source: _Source, key: str, value: object) -> tuple[str, ...]:
    items = _string_list(source, key, value)
    for index, item in enumerate(items):
        if not _is_dotted_name(item):
            raise source.invalid(f"{key}[{index}]", item, 'expected a name such as "get_session"')
    return tuple(items)


def _parse_name_pairs(
    source: _Source, key: str, value: object, default: str, values: _PairValues
) -> tuple[tuple[str, str], ...]:
    """Parse a list of names (each paired with DEFAULT), or a table of name -> value."""
    if isinstance(value, list):
        return tuple((name, default) for name in _dotted_names(source, key, value))

    if not isinstance(value, dict):
        raise source.invalid(key, value, "expected a list of names or a table of names")

    pairs = []
    for name, item in value.items():
        if not _is_dotted_name(name):
            reason = 'the key must be a name such as "get_tenant"'
            raise source.invalid(_toml_key(name), item, reason, key)

        if not isinstance(item, str) or not values.is_valid(item):
            raise source.invalid(_toml_key(name), item, values.expected, key)
        pairs.append((name, item))
    return tuple(pairs)


@dataclass(frozen=True)
class _PairValues:
    """The valid values of a name -> value table and how a message describes them."""

    is_valid: Callable[[str], bool]
    expected: str


_ATTRIBUTES = _PairValues(
    _is_dotted_name, 'expected the attribute that holds the tenant, such as "tenant_id"'
)
_LIBRARIES = _PairValues(
    lambda text: text in LOGGER_LIBRARIES,
    "expected one of " + ", ".join(f'"{name}"' for name in LOGGER_LIBRARIES),
)


def _loggers(source: _Source, key: str, value: object) -> tuple[tuple[str, str], ...]:
    return _parse_name_pairs(source, key, value, "stdlib", _LIBRARIES)


def _parse_scope(source: _Source, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        reason = "expected a table of priority names to lists of selectors"
        raise source.invalid("scope", value, reason)

    scope = [
        (priority, _parse_priority(source, priority, selectors))
        for priority, selectors in value.items()
    ]
    return tuple(sorted(scope, key=_priority_sort_key(list(value))))


def _parse_priority(source: _Source, priority: str, selectors: object) -> tuple[str, ...]:
    key = _toml_key(priority)
    if not priority.strip():
        raise source.invalid(key, selectors, "a priority name must not be blank", "scope")

    items = _string_list(source, key, selectors, "scope")
    for index, text in enumerate(items):
        error = _selector_error(text)
        if error is not None:
            raise source.invalid(f"{key}[{index}]", text, error, "scope")
    return tuple(items)


def _priority_sort_key(names: list[str]) -> Callable[[tuple[str, object]], int]:
    """Return the sort key that orders priorities highest first.

    When every name ends in a number (P0, P1, P10), the smallest number is
    the highest priority. Otherwise the priorities keep their table order.
    """
    numbers = [_TRAILING_NUMBER.search(name) for name in names]
    if all(numbers):
        by_name = {name: int(match.group()) for name, match in zip(names, numbers) if match}
    else:
        by_name = {name: position for position, name in enumerate(names)}
    return lambda entry: by_name[entry[0]]


def _selector_error(text: str) -> str | None:
    try:
        parse_selector(text)
    except ValueError as error:
        return str(error)
    return None


def _exempt(source: _Source, key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise source.invalid(key, value, "expected a table of selectors to reasons")

    exempt = []
    for selector, reason in value.items():
        key = _toml_key(selector)
        error = _selector_error(selector)
        if error is not None:
            raise source.invalid(key, reason, f"invalid selector: {error}", "exempt")

        if not isinstance(reason, str) or not reason.strip():
            raise source.invalid(key, reason, "expected a non-empty reason", "exempt")
        exempt.append((selector, reason.strip()))
    return tuple(exempt)


def _parse_enforce(
    source: _Source, value: object, scope: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[str, ...]:
    items = _string_list(source, "enforce", value)
    priorities = [priority for priority, _selectors in scope]
    for index, item in enumerate(items):
        if scope and item not in priorities:
            expected = ", ".join(f'"{name}"' for name in priorities)
            reason = f"expected a priority from the scope table: {expected}"
            raise source.invalid(f"enforce[{index}]", item, reason)
    return tuple(items)


def format_value(value: object) -> str:
    """Render VALUE as TOML for a message, shortened to one line of at most 100 characters."""
    text = _format_toml(value)
    if len(text) > 100:
        return text[:97] + "..."
    return text


def _format_toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_format_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_key(key)} = {_format_toml(item)}" for key, item in value.items())
        return "{" + items + "}"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _toml_key(key: str) -> str:
    if _BARE_KEY.fullmatch(key):
        return key
    return json.dumps(key, ensure_ascii=False)


_TRAILING_NUMBER = re.compile(r"[0-9]+$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

# TOML key -> (Config field, parser) for the keys that need no other key.
_SIMPLE_KEYS: dict[str, tuple[str, Callable[[_Source, str, object], object]]] = {
    "dependency": ("dependency", _identifier),
    "dependency-module": ("dependency_module", _module),
    "parameter": ("parameter", _identifier),
    "parameter-annotation": ("parameter_annotation", _annotation),
    "parameter-style": ("parameter_style", _choice(PARAMETER_STYLES)),
    "log-prefix": ("log_prefix", _log_prefix),
    "log-style": ("log_style", _choice(LOG_STYLES)),
    "structlog-style": ("structlog_style", _choice(STRUCTLOG_STYLES)),
    "exclude": ("exclude", _globs),
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "exempt": ("exempt", _exempt),
    "tenant-scoped-dependencies": ("tenant_scoped_dependencies", _dotted_names),
    "loggers": ("loggers", _loggers),
    "cbv-decorators": ("cbv_decorators", _dotted_names),
    "websocket-dependency": ("websocket_dependency", _boolean),
}
_KEYS = (*_SIMPLE_KEYS, "tenant-providing-dependencies", "scope", "enforce")
